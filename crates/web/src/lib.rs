#![recursion_limit = "256"]
//! The HTTP edge of certguard, the only crate that knows HTTP and HTML.
//!
//! - public pages: certificate lookup (number + name), rate-limited, masked;
//! - the authority back office: login, list and search, certificate detail with its history, issue and
//!   registry-operation forms, import with an error report, export, audit log;
//! - the JSON API under `/api/v1` (bearer tokens or the session cookie) and its OpenAPI document;
//! - `/healthz` and Prometheus `/metrics`.
//!
//! Pages are rendered on the server (maud), Chinese first with an English switch, and work without
//! JavaScript; every form carries a CSRF token (double-submit cookie) and sessions are HttpOnly SameSite=Lax
//! cookies.

pub mod api;
pub mod auth;
pub mod compare;
pub mod error;
pub mod i18n;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod scan;
pub mod security;
pub mod shared_limits;
pub mod translog;
pub mod upload;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use certguard_app::{Accounts, Registry};
use std::net::SocketAddr;
use std::sync::Arc;

/// Settings of the HTTP edge (the CLI fills them from configuration).
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Public lookups per client address per minute.
    pub lookup_per_minute: u32,
    /// Failed logins per client address per minute.
    pub login_per_minute: u32,
    /// Largest accepted upload (imports), bytes.
    pub max_upload_bytes: usize,
    /// Mark cookies Secure (behind HTTPS).
    pub secure_cookies: bool,
    /// Reverse proxies of ours in front of the server, each appending to X-Forwarded-For; 0 ignores the
    /// header. The client is the entry this many places from the right.
    pub forwarded_hops: u32,
    /// Bearer token that `/metrics` requires; `None` turns `/metrics` off.
    pub metrics_token: Option<String>,
    /// The exporting authority named in lead exports (STIX identity, MISP organisation).
    pub exporter_name: String,
    /// A short stable code for it (keeps export identifiers apart between exporters).
    pub exporter_code: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            lookup_per_minute: 30,
            login_per_minute: 10,
            max_upload_bytes: 64 * 1024 * 1024,
            secure_cookies: false,
            forwarded_hops: 0,
            metrics_token: None,
            exporter_name: "安证卫士 certguard".into(),
            exporter_code: "certguard".into(),
        }
    }
}

pub struct AppState {
    pub registry: Registry,
    pub accounts: Accounts,
    pub config: WebConfig,
    pub lookup_limiter: security::Budget,
    pub login_limiter: security::Budget,
    /// Login attempts per account name, whatever address they come from.
    pub account_limiter: security::Budget<String>,
    /// Camera frames per client (charged before a frame is read; a found code also costs a lookup).
    pub frame_limiter: security::Budget,
    pub scanner: scan::Scanner,
    pub metrics: metrics::Metrics,
    pub import_reports: pages::import::ReportCache,
    pub roster_runs: pages::roster::RosterRuns,
    /// When this server is a witness of other registries' logs (`POST /witness/add-checkpoint`).
    pub witness: Option<Arc<certguard_app::translog::witness::Witness>>,
    /// The last analysis of the stored exam events, with how many events it saw (redone when more arrive).
    pub exam_analysis: tokio::sync::Mutex<Option<(i64, Arc<certguard_exam::Analysis>)>>,
}

pub type SharedState = Arc<AppState>;

/// Camera frames a client may send a minute (the scanning page sends about three a second while it looks).
pub const FRAMES_PER_MINUTE: u32 = 240;
/// Body limit of every route without a larger one of its own: forms and JSON.
pub const FORM_MAX_BYTES: usize = 64 * 1024;

impl AppState {
    pub fn new(registry: Registry, accounts: Accounts, config: WebConfig) -> SharedState {
        Self::with_shared_limits(registry, accounts, config, None)
    }

    /// With rate limits kept in Redis, shared by every server that uses the same Redis.
    pub fn with_shared_limits(
        registry: Registry,
        accounts: Accounts,
        config: WebConfig,
        shared: Option<Arc<shared_limits::SharedLimits>>,
    ) -> SharedState {
        Self::with_options(registry, accounts, config, shared, None)
    }

    /// With shared rate limits and, when this server witnesses other logs, its witness.
    pub fn with_options(
        registry: Registry,
        accounts: Accounts,
        config: WebConfig,
        shared: Option<Arc<shared_limits::SharedLimits>>,
        witness: Option<Arc<certguard_app::translog::witness::Witness>>,
    ) -> SharedState {
        let budget = |name, per_minute| security::Budget::new(name, per_minute, shared.clone());
        Arc::new(AppState {
            lookup_limiter: budget("lookup", config.lookup_per_minute),
            login_limiter: budget("login", config.login_per_minute),
            account_limiter: security::Budget::new("account", config.login_per_minute, shared.clone()),
            frame_limiter: budget("frame", FRAMES_PER_MINUTE),
            scanner: scan::Scanner::default(),
            registry,
            accounts,
            config,
            metrics: metrics::Metrics::default(),
            import_reports: pages::import::ReportCache::default(),
            roster_runs: pages::roster::RosterRuns::default(),
            witness,
            exam_analysis: tokio::sync::Mutex::new(None),
        })
    }
}

pub fn router(state: SharedState) -> Router {
    let max_upload = state.config.max_upload_bytes;
    // One router per capability; each module owns its paths and their body limits.
    Router::new()
        .merge(pages::public::routes())
        .merge(pages::layout::routes())
        .merge(pages::verify::routes())
        .merge(pages::admin::routes())
        .merge(pages::certificates::routes())
        .merge(pages::import::routes(max_upload))
        .merge(pages::audit::routes())
        .merge(pages::leads::routes())
        .merge(pages::exam::routes())
        .merge(pages::roster::routes())
        .merge(pages::cases::routes())
        .merge(api::routes())
        .merge(openapi::routes())
        .merge(metrics::routes())
        .merge(translog::routes())
        .merge(pages::log::routes())
        .fallback(pages::public::not_found)
        .layer(DefaultBodyLimit::max(FORM_MAX_BYTES))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::edge))
        .with_state(state)
}

/// Serves until ctrl-c / SIGTERM, then finishes the requests in flight.
pub async fn serve(state: SharedState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
