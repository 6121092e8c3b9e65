//! What every request passes through: client address, language, CSRF cookie, security headers, metrics;
//! and the per-address rate limiter.

use crate::SharedState;
use crate::i18n::Lang;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

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

/// Compares in time independent of where the strings differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn csrf_ok(token: &CsrfToken, submitted: &str) -> bool {
    !token.0.is_empty() && constant_time_eq(&token.0, submitted)
}

fn client_addr(state: &SharedState, req: &Request) -> IpAddr {
    if state.config.trust_forwarded_for
        && let Some(ip) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()).unwrap_or(IpAddr::from([127, 0, 0, 1]))
}

/// The middleware every request passes through.
pub async fn edge(State(state): State<SharedState>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let ip = client_addr(&state, &req);
    let lang = Lang::from_request(req.headers());
    let existing = cookie(req.headers(), CSRF_COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string);
    // Machine routes render no forms: they get no token (saves a random draw on the hot lookup path).
    let path = req.uri().path();
    let machine = path.starts_with("/api/") || path.starts_with("/status/") || path == "/healthz" || path == "/metrics";
    let csrf = match (&existing, machine) {
        (Some(c), _) => c.clone(),
        (None, true) => String::new(),
        (None, false) => random_hex(32),
    };
    let route_class = crate::metrics::route_class(req.uri().path());
    req.extensions_mut().insert(ClientAddr(ip));
    req.extensions_mut().insert(lang);
    req.extensions_mut().insert(CsrfToken(csrf.clone()));

    let mut res = next.run(req).await;

    let h = res.headers_mut();
    // Only pages carry forms: API answers, health checks and files set no cookie.
    let is_page = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if existing.is_none() && is_page && !csrf.is_empty() {
        h.append(header::SET_COOKIE, set_cookie(CSRF_COOKIE, &csrf, None, state.config.secure_cookies));
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

/// A token bucket per client address: `per_minute` requests a minute, bursts of up to a quarter of that
/// (at least 5).
pub struct RateLimiter {
    rate_per_sec: f64,
    burst: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    pub fn per_minute(per_minute: u32) -> Self {
        RateLimiter {
            rate_per_sec: per_minute as f64 / 60.0,
            burst: (per_minute as f64 / 4.0).max(5.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip`; false when the address must wait.
    pub fn allow(&self, ip: IpAddr) -> bool {
        self.allow_at(ip, Instant::now())
    }

    /// Whether `ip` has a token left, without taking it (for budgets charged only on failure).
    pub fn has_budget(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let buckets = self.buckets.lock();
        buckets
            .get(&ip)
            .is_none_or(|(tokens, at)| tokens + now.duration_since(*at).as_secs_f64() * self.rate_per_sec >= 1.0)
    }

    pub fn allow_at(&self, ip: IpAddr, now: Instant) -> bool {
        let mut buckets = self.buckets.lock();
        if buckets.len() > 100_000 {
            // Forget addresses whose bucket has refilled: they would start full anyway.
            let (rate, burst) = (self.rate_per_sec, self.burst);
            buckets.retain(|_, (tokens, at)| *tokens + now.duration_since(*at).as_secs_f64() * rate < burst);
        }
        let (tokens, at) = buckets.entry(ip).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate_per_sec).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

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
