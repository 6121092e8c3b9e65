//! What every request passes through: client address, language, CSRF cookie, security headers, metrics;
//! and the per-address rate limiter.

use crate::SharedState;
pub use crate::compare::constant_time_eq;
use crate::i18n::Lang;
use crate::shared_limits::SharedLimits;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::fmt::Display;
use std::hash::Hash;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "cg_session";
pub const CSRF_COOKIE: &str = "cg_csrf";
pub const LANG_COOKIE: &str = "cg_lang";

/// The client's address as we trust it (the socket peer, or X-Forwarded-For behind a trusted proxy).
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

/// The CSRF token of this browser (double-submit: the cookie and the form field must match).
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// Reads one cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A Set-Cookie value: HttpOnly, SameSite=Lax, Path=/; Secure when configured.
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).expect("cookie value is ASCII")
}

pub fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::fill(&mut b[..]);
    hex::encode(b)
}

/// The CSRF cookie's name: with HTTPS it takes the `__Host-` prefix, so no sibling subdomain can plant one.
pub fn csrf_cookie_name(secure: bool) -> &'static str {
    if secure { "__Host-cg_csrf" } else { CSRF_COOKIE }
}

/// A logged-in browser's CSRF token, derived from its session secret: bound to that session and new at every
/// login, so a token planted or read before login is worth nothing after it.
pub fn session_csrf(session_secret: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::new().chain_update(b"certguard csrf\0").chain_update(session_secret).finalize())
}

pub fn csrf_ok(token: &CsrfToken, submitted: &str) -> bool {
    !token.0.is_empty() && constant_time_eq(&token.0, submitted)
}

/// The address that reached our trusted proxies: with `hops` proxies of ours in front, each appending the
/// address it saw to X-Forwarded-For, the client is the `hops`-th entry from the right. Entries to its left
/// were written by the client and are never trusted; with fewer entries than hops, the socket peer counts.
pub fn forwarded_client(header: Option<&str>, hops: u32, peer: IpAddr) -> IpAddr {
    if hops == 0 {
        return peer;
    }
    let entries: Vec<&str> = header.into_iter().flat_map(|h| h.split(',')).map(str::trim).collect();
    entries
        .len()
        .checked_sub(hops as usize)
        .and_then(|i| entries[i].parse::<IpAddr>().ok())
        .map_or(peer, |ip| ip.to_canonical())
}

fn client_addr(state: &SharedState, req: &Request) -> IpAddr {
    let peer =
        req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()).unwrap_or(IpAddr::from([127, 0, 0, 1]));
    // Several header lines read as one list, in order.
    let header =
        req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join(",");
    forwarded_client(
        Some(&header).filter(|h| !h.is_empty()).map(String::as_str),
        state.config.forwarded_hops,
        peer.to_canonical(),
    )
}

/// The middleware every request passes through.
pub async fn edge(State(state): State<SharedState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let ip = client_addr(&state, &req);
    let lang = Lang::from_cookie(cookie(req.headers(), LANG_COOKIE));
    let secure = state.config.secure_cookies;
    let csrf_name = csrf_cookie_name(secure);
    let session = cookie(req.headers(), SESSION_COOKIE).filter(|s| !s.is_empty()).map(session_csrf);
    let existing = cookie(req.headers(), csrf_name)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string);
    // Machine routes render no forms: they get no token (saves a random draw on the hot lookup path).
    let path = req.uri().path();
    let machine = path.starts_with("/api/") || path.starts_with("/status/") || path == "/healthz" || path == "/metrics";
    let csrf = match (&session, &existing, machine) {
        (Some(bound), _, _) => bound.clone(),
        (None, Some(c), _) => c.clone(),
        (None, None, true) => String::new(),
        (None, None, false) => random_hex(32),
    };
    let route_class = crate::metrics::route_class(req.uri().path());
    req.extensions_mut().insert(ClientAddr(ip));
    req.extensions_mut().insert(lang);
    req.extensions_mut().insert(CsrfToken(csrf.clone()));

    let mut res = next.run(req).await;

    let h = res.headers_mut();
    // Only pages carry forms: API answers, health checks and files set no cookie.
    let is_page = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if session.is_none() && existing.is_none() && is_page && !csrf.is_empty() {
        h.append(header::SET_COOKIE, set_cookie(csrf_name, &csrf, None, secure));
    }
    // Pages and answers may carry personal data: nothing is cached unless a handler says it may be.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if secure {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
        ),
    );
    state.metrics.observe(route_class, res.status().as_u16(), started.elapsed());
    res
}

/// The key a client is limited under: an IPv4 address, or the /64 network of an IPv6 address (one
/// subscriber gets a whole /64, so keying by full address would give them unlimited buckets).
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
        v4 => v4,
    }
}

/// Buckets kept at most; past that, new clients share one overflow bucket until a sweep frees room.
const MAX_BUCKETS: usize = 100_000;
/// A full table is swept for refilled buckets at most this often (a sweep is a scan of the table).
const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// A token bucket per key (a client address, see [`limit_key`], or an account name): `per_minute` requests a
/// minute, bursts of up to a quarter of that (at least 5). The table is bounded: when it is full and nothing
/// has refilled, newcomers share one bucket (the limit fails closed for them rather than growing without end).
pub struct RateLimiter<K = IpAddr> {
    rate_per_sec: f64,
    burst: f64,
    table: Mutex<Buckets<K>>,
}

struct Buckets<K> {
    /// `None` is the overflow bucket all newcomers share while the table is full.
    map: HashMap<Option<K>, (f64, Instant)>,
    next_sweep: Option<Instant>,
}

impl<K: Hash + Eq> RateLimiter<K> {
    pub fn per_minute(per_minute: u32) -> Self {
        RateLimiter {
            rate_per_sec: per_minute as f64 / 60.0,
            burst: (per_minute as f64 / 4.0).max(5.0),
            table: Mutex::new(Buckets { map: HashMap::new(), next_sweep: None }),
        }
    }

    /// Takes one token for `key` at `now`; false when it must wait.
    pub fn allow_key_at(&self, key: K, now: Instant) -> bool {
        let mut key = Some(key);
        let mut t = self.table.lock();
        if !t.map.contains_key(&key) && t.map.len() >= MAX_BUCKETS {
            if t.next_sweep.is_none_or(|at| now >= at) {
                // Forget keys whose bucket has refilled: they would start full anyway.
                let (rate, burst) = (self.rate_per_sec, self.burst);
                t.map.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
                t.next_sweep = Some(now + SWEEP_EVERY);
            }
            if t.map.len() >= MAX_BUCKETS {
                key = None;
            }
        }
        let (tokens, at) = t.map.entry(key).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate_per_sec).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Gives back the token `key` took (a budget meant for failures is charged up front, so that parallel
    /// attempts cannot outrun it, and refunded when the attempt succeeds).
    pub fn refund_key(&self, key: K) {
        if let Some((tokens, _)) = self.table.lock().map.get_mut(&Some(key)) {
            *tokens = (*tokens + 1.0).min(self.burst);
        }
    }

    /// The largest burst a bucket allows.
    pub fn burst(&self) -> f64 {
        self.burst
    }

    /// Keys tracked (for tests).
    pub fn tracked(&self) -> usize {
        self.table.lock().map.len()
    }
}

impl RateLimiter<IpAddr> {
    /// Takes one token for the client at `ip`; false when the client must wait.
    pub fn allow(&self, ip: IpAddr) -> bool {
        self.allow_at(ip, Instant::now())
    }

    pub fn allow_at(&self, ip: IpAddr, now: Instant) -> bool {
        self.allow_key_at(limit_key(ip), now)
    }

    pub fn refund(&self, ip: IpAddr) {
        self.refund_key(limit_key(ip))
    }
}

/// A rate limit as handlers use it: shared by all servers when Redis is configured, else this server's own
/// buckets (which also answer whenever Redis does not).
pub struct Budget<K = IpAddr> {
    name: &'static str,
    per_minute: f64,
    local: RateLimiter<K>,
    shared: Option<Arc<SharedLimits>>,
}

impl<K: Hash + Eq + Display> Budget<K> {
    pub fn new(name: &'static str, per_minute: u32, shared: Option<Arc<SharedLimits>>) -> Self {
        Budget { name, per_minute: per_minute as f64, local: RateLimiter::per_minute(per_minute), shared }
    }

    /// Takes one token for `key`; false when it must wait.
    pub async fn take(&self, key: K) -> bool {
        if let Some(shared) = &self.shared
            && let Some(allowed) =
                shared.take(self.name, &key.to_string(), self.per_minute, self.local.burst(), 1).await
        {
            return allowed;
        }
        self.local.allow_key_at(key, Instant::now())
    }

    /// Gives back the token `key` took (see [`RateLimiter::refund_key`]).
    pub async fn give_back(&self, key: K) {
        if let Some(shared) = &self.shared
            && shared.take(self.name, &key.to_string(), self.per_minute, self.local.burst(), -1).await.is_some()
        {
            return;
        }
        self.local.refund_key(key)
    }
}

impl Budget<IpAddr> {
    /// Takes one token for the client at `ip` (IPv6 by /64).
    pub async fn allow(&self, ip: IpAddr) -> bool {
        self.take(limit_key(ip)).await
    }

    pub async fn refund(&self, ip: IpAddr) {
        self.give_back(limit_key(ip)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_refills_with_time() {
        let l = RateLimiter::per_minute(60);
        let ip: IpAddr = "10.0.0.1".parse().unwrap();
        let other: IpAddr = "10.0.0.2".parse().unwrap();
        let t0 = Instant::now();
        let allowed = (0..20).filter(|_| l.allow_at(ip, t0)).count();
        assert_eq!(allowed, 15, "burst is a quarter of the per-minute rate");
        assert!(l.allow_at(other, t0), "addresses are independent");
        assert!(!l.allow_at(ip, t0 + Duration::from_millis(500)));
        assert!(l.allow_at(ip, t0 + Duration::from_millis(1100)), "one token a second");
    }

    #[test]
    fn ipv6_clients_are_limited_per_64() {
        let l = RateLimiter::per_minute(20);
        let t0 = Instant::now();
        let allowed =
            (0..40u16).filter(|i| l.allow_at(IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, *i, 0, 0, 1)), t0)).count();
        assert_eq!(allowed, 5, "40 addresses of one /64 share one bucket");
        assert!(l.allow_at("2001:db8:1:3::1".parse().unwrap(), t0), "another /64 has its own");
        let mapped: IpAddr = "::ffff:10.0.0.9".parse().unwrap();
        assert_eq!(limit_key(mapped), "10.0.0.9".parse::<IpAddr>().unwrap());
    }

    #[test]
    fn a_full_table_stays_bounded_and_fails_closed_for_newcomers() {
        let l = RateLimiter::per_minute(60);
        let t0 = Instant::now();
        for i in 0..MAX_BUCKETS as u32 {
            // Drain each bucket a little so that none counts as refilled.
            l.allow_at(IpAddr::from(i.to_be_bytes()), t0);
        }
        assert_eq!(l.tracked(), MAX_BUCKETS);
        let newcomers =
            (0..1000u32).filter(|i| l.allow_at(IpAddr::from((i + 1_000_000_000).to_be_bytes()), t0)).count();
        assert_eq!(newcomers, 15, "newcomers share the overflow bucket's burst");
        assert!(l.tracked() <= MAX_BUCKETS + 1);
        // Once the buckets refill, a sweep frees the table.
        let later = t0 + Duration::from_secs(60);
        assert!(l.allow_at("192.0.2.1".parse().unwrap(), later));
        assert!(l.tracked() < 10, "{}", l.tracked());
    }

    #[test]
    fn forwarded_for_takes_the_entry_our_proxies_wrote() {
        let peer: IpAddr = "10.0.0.1".parse().unwrap();
        let xff = Some("6.6.6.6, 203.0.113.7");
        assert_eq!(forwarded_client(xff, 1, peer), "203.0.113.7".parse::<IpAddr>().unwrap(), "rightmost for one proxy");
        assert_eq!(forwarded_client(xff, 2, peer), "6.6.6.6".parse::<IpAddr>().unwrap());
        assert_eq!(forwarded_client(xff, 3, peer), peer, "fewer entries than proxies: the peer");
        assert_eq!(forwarded_client(xff, 0, peer), peer, "not behind a proxy: the header is ignored");
        assert_eq!(forwarded_client(Some("garbage"), 1, peer), peer);
    }

    #[test]
    fn cookies_and_comparison() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; cg_csrf=abc; b=2"));
        assert_eq!(cookie(&h, "cg_csrf"), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!csrf_ok(&CsrfToken(String::new()), ""));
    }
}
