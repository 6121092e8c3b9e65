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
pub mod error;
pub mod i18n;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod scan;
pub mod security;
pub mod shared_limits;
pub mod upload;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
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
    pub import_reports: pages::admin::ReportCache,
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
            import_reports: pages::admin::ReportCache::default(),
        })
    }
}

pub fn router(state: SharedState) -> Router {
    let max_upload = state.config.max_upload_bytes;
    Router::new()
        .route("/", get(pages::public::home))
        .route("/lookup", post(pages::public::lookup))
        .route("/lang/{lang}", get(pages::public::set_language))
        .route(
            "/verify",
            get(pages::verify::verify_page)
                .post(pages::verify::verify_submit)
                .layer(DefaultBodyLimit::max(scan::PHOTO_MAX_BYTES + FORM_MAX_BYTES)),
        )
        .route("/verify/printed", get(pages::verify::printed_page).post(pages::verify::printed_check))
        .route("/trust-list", get(pages::verify::trust_list))
        .route("/status/{authority}", get(pages::verify::status_list))
        .route("/e/{serial}", get(pages::verify::e_certificate))
        .route("/e/{serial}/{file}", get(pages::verify::e_certificate_qr))
        .route(
            "/api/v1/verify",
            post(pages::verify::verify_api).layer(DefaultBodyLimit::max(scan::PHOTO_MAX_BYTES + FORM_MAX_BYTES)),
        )
        .route("/login", get(pages::public::login_form).post(pages::public::login))
        .route("/logout", post(pages::public::logout))
        .route("/static/app.css", get(pages::layout::stylesheet))
        .route("/static/scan.js", get(pages::layout::scan_script))
        .route(
            "/verify/frame",
            post(pages::verify::verify_frame).layer(DefaultBodyLimit::max(scan::FRAME_MAX_BYTES + FORM_MAX_BYTES)),
        )
        .route("/admin", get(pages::admin::dashboard))
        .route("/admin/certificates", get(pages::admin::list))
        .route("/admin/certificates/{serial}", get(pages::admin::detail))
        .route("/admin/certificates/{serial}/action", post(pages::admin::action))
        .route("/admin/issue", get(pages::admin::issue_form).post(pages::admin::issue))
        .route(
            "/admin/import",
            get(pages::admin::import_form).post(pages::admin::import).layer(DefaultBodyLimit::max(max_upload)),
        )
        .route("/admin/import/report/{id}", get(pages::admin::import_report))
        .route("/admin/export", get(pages::admin::export))
        .route("/admin/audit", get(pages::audit::audit))
        .route("/admin/leads", get(pages::audit::lead_candidates))
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/lookup", post(api::lookup))
        .route("/api/v1/catalogue", get(api::catalogue))
        .route("/api/v1/certificates", get(api::search).post(api::issue))
        .route("/api/v1/certificates/{serial}", get(api::get_certificate))
        .route("/api/v1/certificates/{serial}/history", get(api::history))
        .route("/api/v1/certificates/{serial}/commands", post(api::command))
        .route("/healthz", get(metrics::healthz))
        .route("/metrics", get(metrics::prometheus))
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
