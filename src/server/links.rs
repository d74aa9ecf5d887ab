//! The server's own URL in the links it writes. A client's `Host` header is not trusted: links use the public URL
//! given with `--public-url`, or else the host the request named only when the server really listens as it
//! (loopback names, or the address it is bound to, with its port); anything else gets the bound address.

use std::net::SocketAddr;

use axum::http::{HeaderMap, header};

/// How the links' base URL is chosen.
#[derive(Clone, Debug, Default)]
pub struct Links {
    /// `--public-url` (a trailing slash is dropped).
    pub public: Option<String>,
    /// The address the server listens on (unknown when the router is used without a socket, as in tests).
    pub listen: Option<SocketAddr>,
}

/// Checks a `--public-url`: `http://` or `https://`, a host, no query or fragment; returns it without its
/// trailing slash.
pub fn parse_public_url(url: &str) -> Result<String, String> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(rest)
            if !rest.is_empty()
                && !rest.starts_with('/')
                && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]/_~%".contains(&b)) =>
        {
            Ok(trimmed.to_string())
        }
        _ => Err(format!(
            "{url:?} is not a public URL: give http:// or https://, a host, and at most a path (no query), e.g. \
             https://borderline.example.org"
        )),
    }
}

impl Links {
    /// The base URL (scheme, host, port) for links in the answer to a request with `headers`.
    pub fn base(&self, headers: &HeaderMap) -> String {
        if let Some(public) = &self.public {
            return public.trim_end_matches('/').to_string();
        }
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| self.listens_as(h));
        match (host, self.listen) {
            (Some(host), _) => format!("http://{host}"),
            (None, Some(addr)) if addr.ip().is_unspecified() => format!("http://127.0.0.1:{}", addr.port()),
            (None, Some(addr)) => format!("http://{addr}"),
            (None, None) => "http://localhost".to_string(),
        }
    }

    /// Whether `host` (`name[:port]`) names this server: a loopback name or the bound address, and its port.
    fn listens_as(&self, host: &str) -> bool {
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) if !name.ends_with(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
                (name, port.parse::<u16>().ok())
            }
            _ => (host, Some(80)),
        };
        let bound = self.listen.filter(|a| !a.ip().is_unspecified()).map(|a| match a {
            SocketAddr::V4(v4) => v4.ip().to_string(),
            SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
        });
        let name_ok = matches!(name, "localhost" | "127.0.0.1" | "[::1]") || bound.as_deref() == Some(name);
        let port_ok = self.listen.is_none_or(|a| port == Some(a.port()));
        name_ok && port_ok
    }
}
