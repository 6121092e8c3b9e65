//! Exam integrity over HTTP: `POST /api/v1/exam/events`, where an exam centre's terminals (or its relay) send
//! their events as JSON lines. Needs the token of an exam-centre account (its username names the centre);
//! idempotent by event id, so a terminal resends a batch it is unsure of; each request is one audit record.

use crate::SharedState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::security::ClientAddr;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, State};
use axum::routing::post;
use axum::{Json, Router};
use certguard_app::AppError;
use certguard_app::exam::{IngestReport, ingest};
use certguard_store::AuditRecord;

/// Largest body of one request (about 40,000 events).
pub const EVENTS_MAX_BYTES: usize = 8 * 1024 * 1024;

/// `POST /api/v1/exam/events`: JSON lines; the answer says how many were stored, how many were already there
/// and which lines were refused (by number) and why.
pub async fn api_events(
    State(state): State<SharedState>,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    ApiUser(user): ApiUser,
    body: Bytes,
) -> Result<Json<IngestReport>, ApiError> {
    let centre = user.exam_centre().map_err(AppError::from)?;
    let input = Box::new(std::io::Cursor::new(body));
    let report = ingest(&state.registry, centre.centre(), input, |_| {}).await?;
    state
        .registry
        .store()
        .append_audit(&AuditRecord {
            at: state.registry.clock().now(),
            actor: user.username.clone(),
            action: "exam.events".into(),
            target: centre.centre().to_string(),
            detail: format!(
                "{} lines: {} stored, {} already stored, {} refused",
                report.lines, report.stored, report.duplicates, report.errors
            ),
            client: Some(ip.to_string()),
        })
        .await
        .map_err(AppError::from)?;
    Ok(Json(report))
}

pub fn routes() -> Router<SharedState> {
    Router::new().route("/api/v1/exam/events", post(api_events).layer(DefaultBodyLimit::max(EVENTS_MAX_BYTES)))
}
