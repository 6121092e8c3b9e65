//! Safe page fetching: the only network I/O of the crate.
//!
//! - http and https only; no cookies; no proxy (a proxy would resolve the name itself); a fixed user agent;
//! - every hop's host is resolved once, here, and refused if any address is private, loopback, link-local,
//!   multicast, unspecified or otherwise not globally routable (see [`is_private`]), unless `allow_private` is
//!   set (tests, lab use). The HTTP client of the hop is then pinned to exactly those checked addresses: its
//!   resolver answers only for that host and port, with those addresses, so a second DNS answer (DNS
//!   rebinding) is never asked for. TLS still verifies the certificate for the host name;
//! - redirects are followed by hand (at most `max_redirects`), each hop resolved, checked, pinned and recorded;
//!   a loop is an error;
//! - one total time limit per hop, a connect limit (which also bounds the name lookup), and a body size cap
//!   (`Content-Length` checked first; a body that goes past the cap is an error, it is not judged on a prefix);
//! - only HTML (`text/html`, `application/xhtml+xml`, or an untyped body that looks like HTML) is accepted.

use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use sha2::{Digest, Sha256};
use ureq::unversioned::resolver::{ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use url::{Host, Url};

use crate::Error;

/// Options of [`fetch`].
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Allow private, loopback and link-local addresses.
    pub allow_private: bool,
    /// Time limit of each hop (connect, send, receive headers and body).
    pub timeout: Duration,
    /// Connect time limit.
    pub connect_timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_bytes: usize,
    /// Most redirects followed.
    pub max_redirects: usize,
    /// Test and lab hook, like curl's `--resolve`: requests to this host (http or https) connect to this address
    /// (the Host header and TLS keep the name). The address is still subject to the private-address rule.
    pub resolve: Option<(String, SocketAddr)>,
    /// Exact socket addresses accepted although not globally routable (a lab server, tests); every other
    /// address still follows the private-address rule.
    pub allow_addrs: Vec<SocketAddr>,
    /// Name lookup of a host and port (default [`system_lookup`]); called once per hop, outside the HTTP client,
    /// and bounded by `connect_timeout`. Its answer is checked and is all the client may connect to.
    pub lookup: fn(&str, u16) -> std::io::Result<Vec<SocketAddr>>,
}

/// The system resolver (`getaddrinfo`).
pub fn system_lookup(host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    Ok((host, port).to_socket_addrs()?.collect())
}

impl Default for FetchOptions {
    fn default() -> Self {
        Self {
            allow_private: false,
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_bytes: 2 * 1024 * 1024,
            max_redirects: 5,
            resolve: None,
            allow_addrs: Vec::new(),
            lookup: system_lookup,
        }
    }
}

/// One recorded hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    /// Requested URL.
    pub url: String,
    /// HTTP status.
    pub status: u16,
    /// `Location` of a redirect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A fetched page and its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Fetched {
    /// URL as requested.
    pub url: String,
    /// URL of the final response.
    pub final_url: String,
    /// Redirect chain, first request first (the final response is the last hop).
    pub redirects: Vec<Hop>,
    /// Final HTTP status.
    pub status: u16,
    /// Selected response headers (content-type, server, content-length, last-modified, date).
    pub headers: Vec<(String, String)>,
    /// Content type.
    pub content_type: String,
    /// SHA-256 of the body, hex.
    pub body_sha256: String,
    /// Body length in bytes.
    pub body_bytes: usize,
    /// Fetch time, seconds since the Unix epoch.
    pub fetched_at: u64,
    /// The body (kept as evidence by the caller; not serialised).
    #[serde(skip)]
    pub body: Vec<u8>,
}

/// True for addresses that are not globally routable, or that we never fetch from.
///
/// IPv4: private, loopback, link-local, broadcast, documentation, unspecified, multicast, "this network" 0/8,
/// shared 100.64/10, IETF protocol assignments 192.0.0/24, 6to4 relay 192.88.99/24, benchmarking 198.18/15,
/// reserved 240/4. IPv6: only global unicast 2000::/3 is fetched, minus Teredo and the other IETF assignments
/// 2001::/23, documentation 2001:db8::/32 and 3fff::/20; addresses that carry an IPv4 address are judged by it
/// (IPv4-mapped `::ffff:a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4
/// `2002:AABB:CCDD::`), and the IPv4-compatible `::a.b.c.d` (deprecated) and the NAT64 local-use prefix
/// 64:ff9b:1::/48 are refused whatever they carry.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => is_private_v6(v6),
    }
}

fn is_private_v4(v4: Ipv4Addr) -> bool {
    let o = v4.octets();
    v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_broadcast()
        || v4.is_documentation()
        || v4.is_unspecified()
        || v4.is_multicast()
        || o[0] == 0 // "this network"
        || (o[0] == 100 && (64..128).contains(&o[1])) // shared address space (CGNAT)
        || (o[0] == 192 && o[1] == 0 && o[2] == 0) // IETF protocol assignments
        || (o[0] == 192 && o[1] == 88 && o[2] == 99) // 6to4 relay anycast (deprecated)
        || (o[0] == 198 && (18..20).contains(&o[1])) // benchmarking
        || o[0] >= 240 // reserved
}

fn is_private_v6(v6: Ipv6Addr) -> bool {
    let v4 = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    match v6.segments() {
        // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d: the IPv4 address is what is reached
        [0, 0, 0, 0, 0, 0xffff, hi, lo] | [0, 0, 0, 0, 0xffff, 0, hi, lo] => is_private_v4(v4(hi, lo)),
        // ::, ::1 and the IPv4-compatible ::a.b.c.d (deprecated; stacks may still route it to the IPv4 address)
        [0, 0, 0, 0, 0, 0, _, _] => true,
        // NAT64 well-known prefix 64:ff9b::/96: the gateway connects to the embedded IPv4 address
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => is_private_v4(v4(hi, lo)),
        // the rest of 64:ff9b::/32, including the local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215)
        [0x64, 0xff9b, ..] => true,
        // 6to4 2002::/16: the relay reaches the IPv4 address in bits 16..48
        [0x2002, hi, lo, ..] => is_private_v4(v4(hi, lo)),
        // IETF protocol assignments 2001::/23 (Teredo, benchmarking, ORCHID ...) and documentation
        [0x2001, b, ..] if b < 0x0200 => true,
        [0x2001, 0x0db8, ..] => true,
        [0x3fff, b, ..] if b < 0x1000 => true,
        // anything outside global unicast 2000::/3: unique local fc00::/7, link-local fe80::/10, site-local
        // fec0::/10, multicast ff00::/8, discard 100::/64, SRv6 5f00::/16, unassigned space
        [a, ..] => a & 0xe000 != 0x2000,
    }
}

/// Resolves the host of `url` once and checks every address; the answer is what the hop's client is pinned to.
fn check_host(url: &Url, opts: &FetchOptions) -> Result<Pinned, Error> {
    let host = url.host().ok_or_else(|| Error::Fetch(format!("no host in {url}")))?;
    let name = url.host_str().unwrap_or_default().to_string();
    let port = url.port_or_known_default().unwrap_or(80);
    let addrs: Vec<SocketAddr> = match (&opts.resolve, &host) {
        (Some((h, a)), _) if h.eq_ignore_ascii_case(&name) => vec![*a],
        (_, Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(*ip), port)],
        (_, Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(*ip), port)],
        (_, Host::Domain(d)) => lookup(opts.lookup, d, port, opts.connect_timeout)
            .map_err(|e| Error::Fetch(format!("cannot resolve {name}: {e}")))?,
    };
    if addrs.is_empty() {
        return Err(Error::Fetch(format!("{name} has no address")));
    }
    if !opts.allow_private
        && let Some(a) = addrs.iter().find(|a| is_private(a.ip()) && !opts.allow_addrs.contains(a))
    {
        return Err(Error::Fetch(format!("refusing {name}: address {} is private or loopback", a.ip())));
    }
    Ok(Pinned { host: name, port, addrs })
}

/// Runs the lookup in a thread so that a stuck resolver is abandoned after `timeout`.
fn lookup(
    f: fn(&str, u16) -> std::io::Result<Vec<SocketAddr>>,
    host: &str,
    port: u16,
    timeout: Duration,
) -> std::io::Result<Vec<SocketAddr>> {
    let (tx, rx) = mpsc::sync_channel(1);
    let h = host.to_string();
    std::thread::spawn(move || tx.send(f(&h, port)).ok());
    rx.recv_timeout(timeout)
        .unwrap_or_else(|_| Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "name lookup timed out")))
}

/// The resolver of one hop's client: it answers only for the checked host and port, with the checked addresses.
#[derive(Debug)]
struct Pinned {
    host: String,
    port: u16,
    addrs: Vec<SocketAddr>,
}

/// Host of a URL without IPv6 brackets.
fn bare(host: &str) -> &str {
    host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host)
}

impl Resolver for Pinned {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        _: &ureq::config::Config,
        _: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let authority = uri.authority().ok_or(ureq::Error::HostNotFound)?;
        let port = authority.port_u16().or(match uri.scheme_str() {
            Some("https") => Some(443),
            Some("http") => Some(80),
            _ => None,
        });
        // anything but the checked host (a proxy, a changed URL) is never connected to
        if !bare(authority.host()).eq_ignore_ascii_case(bare(&self.host)) || port != Some(self.port) {
            return Err(ureq::Error::HostNotFound);
        }
        let mut out = self.empty();
        for a in &self.addrs {
            if out.try_push(*a).is_err() {
                break;
            }
        }
        Ok(out)
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let head = &body[..body.len().min(1024)];
    let s = String::from_utf8_lossy(head).to_ascii_lowercase();
    let t = s.trim_start_matches('\u{feff}').trim_start();
    t.starts_with("<!doctype html") || t.starts_with("<html") || t.contains("<head") || t.contains("<body")
}

/// Fetches `url` under the rules of the module docs.
pub fn fetch(url: &str, opts: &FetchOptions) -> Result<Fetched, Error> {
    let mut current = Url::parse(url.trim()).map_err(|e| Error::Fetch(format!("invalid URL {url:?}: {e}")))?;
    let config = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(opts.timeout))
        .timeout_connect(Some(opts.connect_timeout))
        .user_agent("certguard-sentinel/0.1 (+page judging)")
        .build();
    let mut hops: Vec<Hop> = Vec::new();
    loop {
        if !matches!(current.scheme(), "http" | "https") {
            return Err(Error::Fetch(format!("scheme {} is not fetched", current.scheme())));
        }
        // one client per hop, pinned to the addresses just checked
        let agent = ureq::Agent::with_parts(config.clone(), DefaultConnector::default(), check_host(&current, opts)?);
        let mut resp = agent
            .get(current.as_str())
            .header("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
            .call()
            .map_err(|e| Error::Fetch(format!("{current}: {e}")))?;
        let status = resp.status().as_u16();
        if (300..400).contains(&status)
            && let Some(loc) = resp.headers().get("location").and_then(|v| v.to_str().ok())
        {
            let next = current.join(loc).map_err(|e| Error::Fetch(format!("bad redirect {loc:?}: {e}")))?;
            hops.push(Hop { url: current.to_string(), status, location: Some(next.to_string()) });
            if hops.iter().any(|h| h.url == next.as_str()) {
                return Err(Error::Fetch(format!("redirect loop at {next}")));
            }
            if hops.len() > opts.max_redirects {
                return Err(Error::Fetch(format!("more than {} redirects", opts.max_redirects)));
            }
            current = next;
            continue;
        }
        let header = |n: &str| resp.headers().get(n).and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = header("content-type").unwrap_or_default();
        if let Some(len) = header("content-length").and_then(|l| l.trim().parse::<u64>().ok())
            && len > opts.max_bytes as u64
        {
            return Err(Error::Fetch(format!("body of {len} bytes exceeds the cap of {} bytes", opts.max_bytes)));
        }
        let headers: Vec<(String, String)> = ["content-type", "content-length", "server", "last-modified", "date"]
            .iter()
            .filter_map(|n| header(n).map(|v| (n.to_string(), v)))
            .collect();
        let mut body = Vec::new();
        resp.body_mut()
            .as_reader()
            .take(opts.max_bytes as u64 + 1)
            .read_to_end(&mut body)
            .map_err(|e| Error::Fetch(format!("{current}: reading body: {e}")))?;
        if body.len() > opts.max_bytes {
            return Err(Error::Fetch(format!("body exceeds the cap of {} bytes", opts.max_bytes)));
        }
        let ct = content_type.to_ascii_lowercase();
        let html =
            ct.contains("text/html") || ct.contains("application/xhtml") || (ct.is_empty() && looks_like_html(&body));
        if !html {
            return Err(Error::Fetch(format!("not an HTML page (content-type {content_type:?})")));
        }
        hops.push(Hop { url: current.to_string(), status, location: None });
        let fetched_at = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        return Ok(Fetched {
            url: url.to_string(),
            final_url: current.to_string(),
            redirects: hops,
            status,
            headers,
            content_type,
            body_sha256: hex::encode(Sha256::digest(&body)),
            body_bytes: body.len(),
            fetched_at,
            body,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.0.1",
            "169.254.1.1",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(a.parse().unwrap()), "{a}");
        }
        for a in ["1.1.1.1", "202.108.22.5", "2400:da00::6666"] {
            assert!(!is_private(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn special_purpose_ranges_are_refused() {
        for a in [
            // IETF protocol assignments 192.0.0.0/24 (incl. the DS-Lite B4 and NAT64 discovery addresses)
            "192.0.0.0",
            "192.0.0.1",
            "192.0.0.170",
            "192.0.0.255",
            // NAT64 local-use prefix 64:ff9b:1::/48 (RFC 8215), whatever it embeds
            "64:ff9b:1::1",
            "64:ff9b:1::808:808",
            "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
            // well-known NAT64 prefix 64:ff9b::/96 judged by the embedded IPv4
            "64:ff9b::7f00:1",
            "64:ff9b::a00:1",
            "64:ff9b::c0a8:101",
            // 6to4 2002::/16 judged by the embedded IPv4
            "2002:7f00:1::",
            "2002:a00:1::1",
            "2002:c0a8:101:1::1",
            "2002:a9fe:a9fe::",
            "2002:c000:2ff::",
            // site-local fec0::/10 (deprecated, still routed inside some networks)
            "fec0::1",
            "fecd:1:2::3",
            "feff:ffff::1",
            // IPv4-compatible ::a.b.c.d (deprecated): never fetched, whatever it embeds
            "::127.0.0.1",
            "::10.0.0.1",
            "::8.8.8.8",
            "::2",
            // IPv4-mapped ::ffff:a.b.c.d judged by the IPv4
            "::ffff:10.0.0.1",
            "::ffff:192.168.1.1",
            "::ffff:169.254.169.254",
            "::ffff:192.0.0.1",
            "::ffff:0.0.0.0",
            "::ffff:0:10.0.0.1",
            // outside global unicast, IETF assignments, documentation
            "fe00::1",
            "fbff::1",
            "ff02::1",
            "100::1",
            "5f00::1",
            "2001::1",
            "2001:2::1",
            "2001:db8::1",
            "3fff::1",
        ] {
            assert!(is_private(a.parse().unwrap()), "{a} should be refused");
        }
        for a in [
            "192.0.1.1",
            "191.255.255.255",
            "::ffff:8.8.8.8",
            "::ffff:202.108.22.5",
            "64:ff9b::808:808",
            "2002:808:808::1",
            "2002:ca6c:1605::1",
            "2001:4860:4860::8888",
            "2001:200::1",
            "240e::1",
        ] {
            assert!(!is_private(a.parse().unwrap()), "{a} should be allowed");
        }
    }

    #[test]
    fn loopback_is_refused_without_allow_private() {
        let e = fetch("http://127.0.0.1:9/", &FetchOptions::default()).unwrap_err();
        assert!(e.to_string().contains("private or loopback"), "{e}");
        let e = fetch("ftp://example.com/", &FetchOptions::default()).unwrap_err();
        assert!(e.to_string().contains("scheme"), "{e}");
        assert!(fetch("not a url", &FetchOptions::default()).is_err());
    }
}
