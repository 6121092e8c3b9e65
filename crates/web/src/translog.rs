//! The transparency log's public, read-only endpoints (C2SP tlog-tiles under the prefix `/log`):
//! `/log/checkpoint`, `/log/tile/<L>/<N>[.p/<W>]`, `/log/tile/entries/<N>[.p/<W>]`, the log's verifier key at
//! `/log/vkey`, and a certificate's offline proof at `/log/proof/<serial>` (c2sp.org/tlog-proof).
//!
//! Tiles and bundles never change once served (a partial tile of width W is always the same bytes), so they
//! are cacheable forever by any CDN; the checkpoint changes and is cached for a few seconds only.

use crate::SharedState;
use crate::error::ApiError;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use certguard_registry::Serial;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, [(header::CACHE_CONTROL, "no-store")], "not found\n").into_response()
}

/// GET /log/checkpoint
async fn checkpoint(State(state): State<SharedState>) -> Response {
    let Some(log) = state.registry.log() else { return not_found() };
    match log.checkpoint().await {
        Ok(Some((_, note))) => {
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=2")], note)
                .into_response()
        }
        Ok(None) => not_found(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// GET /log/vkey: the verifier key of the log's checkpoints (pin it; it never changes).
async fn vkey(State(state): State<SharedState>) -> Response {
    let Some(log) = state.registry.log() else { return not_found() };
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        format!("{}\n", log.verifier()),
    )
        .into_response()
}

/// GET /log/tile/{*path}
async fn tile(State(state): State<SharedState>, Path(path): Path<String>) -> Response {
    let Some(log) = state.registry.log() else { return not_found() };
    match log.tile(&format!("tile/{path}")).await {
        Ok(Some(bytes)) => {
            ([(header::CONTENT_TYPE, "application/octet-stream"), (header::CACHE_CONTROL, IMMUTABLE)], bytes)
                .into_response()
        }
        Ok(None) => not_found(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// GET /log/proof/{serial}: the offline proof of a certificate's latest log entry, as a `.tlog-proof` file.
async fn proof(State(state): State<SharedState>, Path(serial): Path<String>) -> Response {
    let Some(log) = state.registry.log() else { return not_found() };
    let Some(serial) = Serial::from_hex(serial.trim_end_matches(".tlog-proof")) else { return not_found() };
    match log.prove_latest(&serial).await {
        Ok(Some(latest)) => (
            [
                (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_string()),
                (header::CACHE_CONTROL, "no-cache".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.tlog-proof\"", serial.to_hex())),
            ],
            latest.proof.to_text(),
        )
            .into_response(),
        Ok(None) => not_found(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// POST /witness/add-checkpoint (c2sp.org/tlog-witness): cosigns a checkpoint of a log this server witnesses
/// if it is consistent with the latest one it saw.
async fn add_checkpoint(
    State(state): State<SharedState>,
    axum::Extension(crate::security::ClientAddr(ip)): axum::Extension<crate::security::ClientAddr>,
    body: String,
) -> Response {
    use certguard_app::translog::witness::WitnessError;
    let Some(witness) = state.witness.clone() else { return not_found() };
    if !state.lookup_limiter.allow(ip).await {
        return ApiError::rate_limited().into_response();
    }
    let now = state.registry.clock().now().timestamp().max(0) as u64;
    let text = |status: StatusCode, body: String| {
        (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "no-store")], body)
            .into_response()
    };
    match tokio::task::spawn_blocking(move || witness.add_checkpoint(&body, now)).await {
        Ok(Ok(cosignature)) => text(StatusCode::OK, cosignature),
        Ok(Err(WitnessError::Conflict { latest })) => (
            StatusCode::CONFLICT,
            [(header::CONTENT_TYPE, "text/x.tlog.size"), (header::CACHE_CONTROL, "no-store")],
            format!("{latest}\n"),
        )
            .into_response(),
        Ok(Err(e @ WitnessError::UnknownLog(_))) => text(StatusCode::NOT_FOUND, format!("{e}\n")),
        Ok(Err(e @ WitnessError::BadSignature(_))) => text(StatusCode::FORBIDDEN, format!("{e}\n")),
        Ok(Err(e @ WitnessError::Inconsistent(_))) => text(StatusCode::UNPROCESSABLE_ENTITY, format!("{e}\n")),
        Ok(Err(e @ WitnessError::Malformed(_))) => text(StatusCode::BAD_REQUEST, format!("{e}\n")),
        Ok(Err(e @ WitnessError::Storage(_))) => {
            tracing::error!(error = %e, "witness state");
            text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n".into())
        }
        Err(_) => text(StatusCode::INTERNAL_SERVER_ERROR, "internal error\n".into()),
    }
}

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route(
            "/witness/add-checkpoint",
            axum::routing::post(add_checkpoint)
                .layer(axum::extract::DefaultBodyLimit::max(certguard_app::translog::witness::MAX_REQUEST_BYTES)),
        )
        .route("/log/checkpoint", get(checkpoint))
        .route("/log/vkey", get(vkey))
        .route("/log/tile/{*path}", get(tile))
        .route("/log/proof/{serial}", get(proof))
}
