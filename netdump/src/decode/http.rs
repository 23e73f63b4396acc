//! HTTP/1.x over TCP (ports 80 and 8080, as tcpdump 4.99): recognised by port;
//! `print/text/http.rs` prints the request or status line (and the headers at `-v`) as
//! tcpdump's `txtproto_print` does; what JSON reports (method, path, host, status) is read
//! here from the captured bytes.

use super::{Context, Layer, Next, Upper};

/// A TCP payload on an HTTP port, as captured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Http<'a> {
    pub raw: &'a [u8],
}

/// tcpdump's `httpcmds`: request methods, WebDAV's included.
pub const METHODS: &[&str] = &[
    "GET",
    "PUT",
    "COPY",
    "HEAD",
    "LOCK",
    "MOVE",
    "POLL",
    "POST",
    "BCOPY",
    "BMOVE",
    "MKCOL",
    "TRACE",
    "LABEL",
    "MERGE",
    "DELETE",
    "SEARCH",
    "UNLOCK",
    "REPORT",
    "UPDATE",
    "NOTIFY",
    "BDELETE",
    "CONNECT",
    "OPTIONS",
    "CHECKIN",
    "PROPFIND",
    "CHECKOUT",
    "CCM_POST",
    "SUBSCRIBE",
    "PROPPATCH",
    "BPROPFIND",
    "BPROPPATCH",
    "UNCHECKOUT",
    "MKACTIVITY",
    "MKWORKSPACE",
    "UNSUBSCRIBE",
    "RPC_CONNECT",
    "VERSION-CONTROL",
    "BASELINE-CONTROL",
];

/// What the first line and headers of a request or response say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary<'a> {
    pub method: Option<&'a str>,
    pub path: Option<&'a str>,
    pub version: Option<&'a str>,
    pub status: Option<u16>,
    pub host: Option<&'a str>,
}

impl<'a> Http<'a> {
    /// The captured lines (without their CR LF), up to the blank line ending the headers.
    fn lines(&self) -> impl Iterator<Item = &'a [u8]> {
        self.raw
            .split(|&c| c == b'\n')
            .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
            .take_while(|l| !l.is_empty())
    }

    /// The request or status line's parts and the Host header; None when the payload
    /// starts with neither (a body, or another protocol).
    pub fn summary(&self) -> Option<Summary<'a>> {
        let first = std::str::from_utf8(self.lines().next()?).ok()?;
        let mut words = first.split(' ').filter(|w| !w.is_empty());
        let w0 = words.next()?;
        let mut s = Summary::default();
        if let Some(m) = METHODS.iter().find(|m| m.eq_ignore_ascii_case(w0)) {
            s.method = Some(m);
            s.path = words.next();
            s.version = words.next();
        } else if w0.starts_with("HTTP/") {
            s.version = Some(w0);
            let code = words.next()?;
            if code.len() != 3 {
                return None;
            }
            s.status = Some(code.parse().ok()?);
        } else {
            return None;
        }
        s.host = self.lines().skip(1).find_map(|l| {
            let l = std::str::from_utf8(l).ok()?;
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("host").then(|| value.trim())
        });
        Some(s)
    }
}

/// Takes the whole payload as HTTP.
pub fn decode<'a>(b: &'a [u8], _cx: &mut Context, layers: &mut Vec<Layer<'a>>) -> Next<'a> {
    layers.push(Layer::Http(Http { raw: b }));
    Next::consumed(b, Upper::Nothing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_response() {
        let r = Http {
            raw: b"get /index.html HTTP/1.1\r\nHost: example.org\r\n\r\nbody",
        };
        let s = r.summary().unwrap();
        assert_eq!(s.method, Some("GET"));
        assert_eq!(s.path, Some("/index.html"));
        assert_eq!(s.host, Some("example.org"));
        let r = Http {
            raw: b"HTTP/1.1 404 Not Found\r\n",
        };
        assert_eq!(r.summary().unwrap().status, Some(404));
        assert_eq!(
            Http {
                raw: b"\x16\x03\x01"
            }
            .summary(),
            None
        );
        let m = b"GET / HTTP/1.1\r\nHost: a\r\n";
        for k in 0..m.len() {
            let s = Http { raw: &m[..k] }.summary();
            assert_eq!(s.is_some(), k >= 3, "{k}");
        }
    }
}
