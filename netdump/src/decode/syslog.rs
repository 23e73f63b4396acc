//! Syslog over UDP (RFC 3164/5424): recognised by port (514); `print/text/syslog.rs` prints
//! the priority and message; the priority JSON reports is read here.

use super::{Context, Layer, Next, Upper};

/// A syslog message as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Syslog<'a> {
    pub raw: &'a [u8],
}

/// tcpdump reads at most three digits of priority.
pub const MAX_DIGITS: usize = 3;

impl Syslog<'_> {
    /// The priority in `<...>` and the offset of the message after it, or None when the
    /// message does not start with one (tcpdump: invalid).
    pub fn priority(&self) -> Option<(u16, usize)> {
        let b = self.raw;
        if *b.first()? != b'<' {
            return None;
        }
        let mut at = 1;
        let mut pri = 0u16;
        while at <= MAX_DIGITS {
            let c = *b.get(at)?;
            if !c.is_ascii_digit() {
                break;
            }
            pri = pri * 10 + u16::from(c - b'0');
            at += 1;
        }
        (*b.get(at)? == b'>').then_some((pri, at + 1))
    }

    /// (facility, severity) of the priority.
    pub fn facility_severity(&self) -> Option<(u16, u16)> {
        self.priority()
            .map(|(pri, _)| ((pri & 0x03f8) >> 3, pri & 7))
    }
}

/// Takes the whole payload as one syslog message.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Syslog(Syslog { raw: b }));
    Next::consumed(b, Upper::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_as_far_as_captured() {
        let m = b"<134>Oct 11 hello";
        assert_eq!(Syslog { raw: m }.priority(), Some((134, 5)));
        assert_eq!(Syslog { raw: m }.facility_severity(), Some((16, 6)));
        assert_eq!(Syslog { raw: b"<1345>" }.priority(), None);
        assert_eq!(Syslog { raw: b"hello" }.priority(), None);
        for k in 0..5 {
            assert_eq!(Syslog { raw: &m[..k] }.priority(), None);
        }
    }
}
