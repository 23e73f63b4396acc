//! The Docker Engine API (also served by podman's compat API) over a unix socket: one
//! `GET /containers/ID/json` for a container's name and labels.
//!
//! A tiny HTTP/1.1 client: one request per connection (`Connection: close`), the body read
//! by Content-Length, chunked encoding or to the end, within one deadline for the whole
//! exchange and a size cap, so a stuck or hostile daemon costs at most the timeout.

use std::{
    collections::HashMap,
    io::{self, Read as _, Write as _},
    os::unix::net::UnixStream,
    path::Path,
    time::{Duration, Instant},
};

use thiserror::Error;

/// Answers larger than this are refused (an inspect answer is a few KiB).
const MAX_RESPONSE: usize = 4 << 20;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("timed out")]
    Timeout,
    #[error("bad HTTP answer: {0}")]
    Http(&'static str),
    #[error("HTTP status {0}")]
    Status(u16),
    #[error("bad JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// What an inspect answer says about a container.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inspect {
    pub id: String,
    /// Without Docker's leading `/`.
    pub name: Option<String>,
    pub labels: HashMap<String, String>,
}

/// Inspects container `id_or_name` through the Engine API at `socket`: Ok(None) when the
/// daemon does not know it (404).
pub fn inspect(
    socket: &Path,
    id_or_name: &str,
    timeout: Duration,
) -> Result<Option<Inspect>, EngineError> {
    if id_or_name.bytes().all(|b| b == b'.') {
        // Empty, `.` or `..`: no container is named so, and a router would see a path.
        return Ok(None);
    }
    let (status, body) = get(
        socket,
        &format!("/containers/{}/json", escape(id_or_name)),
        timeout,
    )?;
    match status {
        200 => {}
        404 => return Ok(None),
        other => return Err(EngineError::Status(other)),
    }
    let v: serde_json::Value = serde_json::from_slice(&body)?;
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    let labels = v
        .pointer("/Config/Labels")
        .and_then(|l| l.as_object())
        .map(|l| {
            l.iter()
                .filter_map(|(k, v)| Some((k.clone(), text(v)?)))
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(Inspect {
        id: v.get("Id").and_then(text).unwrap_or_default(),
        name: v
            .get("Name")
            .and_then(text)
            .map(|n| n.trim_start_matches('/').to_owned())
            .filter(|n| !n.is_empty()),
        labels,
    }))
}

/// Percent-encodes a path segment (names are `[a-zA-Z0-9][a-zA-Z0-9_.-]*`; anything else
/// is encoded rather than trusted).
fn escape(segment: &str) -> String {
    segment
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One GET: the status and the decoded body.
fn get(socket: &Path, target: &str, timeout: Duration) -> Result<(u16, Vec<u8>), EngineError> {
    let deadline = Instant::now() + timeout;
    let left = || {
        deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
            .ok_or(EngineError::Timeout)
    };
    let mut stream = UnixStream::connect(socket)?;
    stream.set_write_timeout(Some(left()?))?;
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: docker\r\nUser-Agent: netdump\r\nAccept: application/json\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(timed_out)?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        stream.set_read_timeout(Some(left()?))?;
        let n = stream.read(&mut buf).map_err(timed_out)?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if raw.len() > MAX_RESPONSE {
            return Err(EngineError::Http("answer too large"));
        }
        // Stop as soon as the body is complete: a daemon may keep the connection open.
        if let Ok(Some(done)) = parse(&raw) {
            return Ok(done);
        }
    }
    parse_at_end(&raw)
}

fn timed_out(e: io::Error) -> EngineError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => EngineError::Timeout,
        _ => EngineError::Io(e),
    }
}

/// The head of an answer: status, whether chunked, the Content-Length, where the body starts.
struct Head {
    status: u16,
    chunked: bool,
    length: Option<usize>,
    body: usize,
}

fn head(raw: &[u8]) -> Result<Option<Head>, EngineError> {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Ok(None);
    };
    let text = std::str::from_utf8(&raw[..end]).map_err(|_| EngineError::Http("head not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut words = status_line.split(' ');
    if !words.next().is_some_and(|v| v.starts_with("HTTP/1.")) {
        return Err(EngineError::Http("not HTTP/1.x"));
    }
    let status = words
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or(EngineError::Http("no status"))?;
    let mut h = Head {
        status,
        chunked: false,
        length: None,
        body: end + 4,
    };
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            h.length = Some(
                value
                    .parse()
                    .map_err(|_| EngineError::Http("bad Content-Length"))?,
            );
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            h.chunked = value.to_ascii_lowercase().contains("chunked");
        }
    }
    Ok(Some(h))
}

/// The answer if `raw` holds all of it, None if more is to come.
fn parse(raw: &[u8]) -> Result<Option<(u16, Vec<u8>)>, EngineError> {
    let Some(h) = head(raw)? else {
        return Ok(None);
    };
    let body = &raw[h.body..];
    if h.chunked {
        return Ok(dechunk(body)?.map(|b| (h.status, b)));
    }
    match h.length {
        Some(n) if body.len() >= n => Ok(Some((h.status, body[..n].to_vec()))),
        Some(_) => Ok(None),
        None if h.status == 204 || h.status == 304 => Ok(Some((h.status, Vec::new()))),
        None => Ok(None),
    }
}

/// The answer once the daemon closed the connection: a body without a length ends there.
fn parse_at_end(raw: &[u8]) -> Result<(u16, Vec<u8>), EngineError> {
    if let Some(done) = parse(raw)? {
        return Ok(done);
    }
    match head(raw)? {
        Some(h) if !h.chunked && h.length.is_none() => Ok((h.status, raw[h.body..].to_vec())),
        _ => Err(EngineError::Http("connection closed mid-answer")),
    }
}

/// A chunked body, or None if the last chunk has not arrived yet.
fn dechunk(mut body: &[u8]) -> Result<Option<Vec<u8>>, EngineError> {
    let mut out = Vec::new();
    loop {
        let Some(eol) = body.windows(2).position(|w| w == b"\r\n") else {
            return Ok(None);
        };
        let size_text =
            std::str::from_utf8(&body[..eol]).map_err(|_| EngineError::Http("bad chunk"))?;
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| EngineError::Http("bad chunk size"))?;
        let data = eol + 2;
        if size == 0 {
            return Ok(Some(out));
        }
        let Some(end) = data
            .checked_add(size)
            .filter(|e| e.saturating_add(2) <= body.len())
        else {
            return Ok(None);
        };
        out.extend_from_slice(&body[data..end]);
        body = &body[end + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_by_length_chunks_and_close() {
        let by_length = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}";
        assert_eq!(parse(by_length).unwrap(), Some((200, b"{}".to_vec())));
        assert_eq!(parse(&by_length[..by_length.len() - 1]).unwrap(), None);
        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;x=y\r\n\":1}\r\n0\r\n\r\n";
        assert_eq!(parse(chunked).unwrap(), Some((200, b"{\"a\":1}".to_vec())));
        for cut in 0..chunked.len() - 5 {
            assert_eq!(parse(&chunked[..cut]).unwrap(), None, "cut at {cut}");
        }
        let to_end = b"HTTP/1.0 404 Not Found\r\n\r\nno such container";
        assert_eq!(parse(to_end).unwrap(), None);
        assert_eq!(
            parse_at_end(to_end).unwrap(),
            (404, b"no such container".to_vec())
        );
    }

    #[test]
    fn bad_answers_are_errors_not_panics() {
        for raw in [
            &b"SSH-2.0-x\r\n\r\n"[..],
            b"HTTP/1.1 abc\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\nab",
        ] {
            let _ = parse(raw);
            assert!(
                parse_at_end(raw).is_err(),
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
        assert!(parse_at_end(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n{}").is_err());
    }

    #[test]
    fn path_segments_are_escaped() {
        assert_eq!(escape("web_1.x-y"), "web_1.x-y");
        assert_eq!(escape("../a b?"), "..%2Fa%20b%3F");
    }
}
