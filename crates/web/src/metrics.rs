//! Health and Prometheus metrics: request counts and latency by route class and status class.

use crate::SharedState;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

const CLASSES: [&str; 6] = ["lookup", "api", "admin", "page", "health", "other"];
const STATUSES: [&str; 4] = ["2xx", "3xx", "4xx", "5xx"];

/// Groups paths so that the metric has few series whatever the URLs.
pub fn route_class(path: &str) -> usize {
    if path == "/lookup" || path == "/api/v1/lookup" {
        0
    } else if path.starts_with("/api/") {
        1
    } else if path.starts_with("/admin") {
        2
    } else if path == "/" || path == "/login" || path.starts_with("/lang/") || path.starts_with("/static/") {
        3
    } else if path == "/healthz" || path == "/metrics" {
        4
    } else {
        5
    }
}

#[derive(Default)]
pub struct Metrics {
    requests: [[AtomicU64; 4]; 6],
    micros: [AtomicU64; 6],
    pub lookups_found: AtomicU64,
    pub lookups_not_found: AtomicU64,
    pub rate_limited: AtomicU64,
    /// Certificates in the registry as last counted, and when (Unix seconds; 0 never): a count is a scan, so
    /// scrapes reuse it for [`COUNT_EVERY_SECS`].
    certificates: AtomicU64,
    counted_at: AtomicU64,
}

/// How long a certificate count is reused by `/metrics`.
pub const COUNT_EVERY_SECS: u64 = 300;

impl Metrics {
    pub fn observe(&self, class: usize, status: u16, took: Duration) {
        let s = match status {
            200..=299 => 0,
            300..=399 => 1,
            400..=499 => 2,
            _ => 3,
        };
        self.requests[class][s].fetch_add(1, Ordering::Relaxed);
        self.micros[class].fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }

    pub fn render(&self, certificates: Option<u64>) -> String {
        let mut out = String::new();
        out.push_str("# HELP certguard_http_requests_total HTTP requests by route class and status class.\n");
        out.push_str("# TYPE certguard_http_requests_total counter\n");
        for (c, class) in CLASSES.iter().enumerate() {
            for (s, status) in STATUSES.iter().enumerate() {
                let n = self.requests[c][s].load(Ordering::Relaxed);
                out.push_str(&format!("certguard_http_requests_total{{route=\"{class}\",status=\"{status}\"}} {n}\n"));
            }
        }
        out.push_str("# HELP certguard_http_request_seconds_sum Time spent serving requests by route class.\n");
        out.push_str("# TYPE certguard_http_request_seconds_sum counter\n");
        for (c, class) in CLASSES.iter().enumerate() {
            let secs = self.micros[c].load(Ordering::Relaxed) as f64 / 1e6;
            out.push_str(&format!("certguard_http_request_seconds_sum{{route=\"{class}\"}} {secs}\n"));
        }
        out.push_str("# TYPE certguard_lookups_total counter\n");
        out.push_str(&format!(
            "certguard_lookups_total{{result=\"found\"}} {}\n",
            self.lookups_found.load(Ordering::Relaxed)
        ));
        out.push_str(&format!(
            "certguard_lookups_total{{result=\"not_found\"}} {}\n",
            self.lookups_not_found.load(Ordering::Relaxed)
        ));
        out.push_str("# TYPE certguard_rate_limited_total counter\n");
        out.push_str(&format!("certguard_rate_limited_total {}\n", self.rate_limited.load(Ordering::Relaxed)));
        if let Some(n) = certificates {
            out.push_str("# TYPE certguard_certificates gauge\n");
            out.push_str(&format!("certguard_certificates {n}\n"));
        }
        out
    }
}

pub async fn healthz(State(state): State<SharedState>) -> impl IntoResponse {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        format!(
            "{{\"status\":\"ok\",\"backend\":\"{}\",\"log_sequencer\":{}}}",
            state.registry.store().backend(),
            state.registry.log().is_some_and(|l| l.is_sequencer())
        ),
    )
}

/// GET /metrics: Prometheus text for a scraper that holds the configured metrics token (off without one).
pub async fn prometheus(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.config.metrics_token.as_deref().filter(|t| !t.is_empty()) else {
        return (StatusCode::NOT_FOUND, "metrics are off: set metrics_token to enable /metrics\n").into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !crate::compare::constant_time_eq(given, expected) {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer")], "metrics need the bearer token\n")
            .into_response();
    }
    let m = &state.metrics;
    let now = state.registry.clock().now().timestamp().max(0) as u64;
    let at = m.counted_at.load(Ordering::Relaxed);
    if at == 0 || now.saturating_sub(at) >= COUNT_EVERY_SECS {
        // Claimed first, so that concurrent scrapes do not all count.
        m.counted_at.store(now.max(1), Ordering::Relaxed);
        if let Ok(c) = state.registry.store().counts().await {
            m.certificates.store(c.certificates, Ordering::Relaxed);
        }
    }
    let certificates = Some(m.certificates.load(Ordering::Relaxed));
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; version=0.0.4")], m.render(certificates)).into_response()
}

pub fn routes() -> Router<SharedState> {
    Router::new().route("/healthz", get(healthz)).route("/metrics", get(prometheus))
}
