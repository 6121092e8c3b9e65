//! The JSON API under /api/v1. Machines authenticate with `Authorization: Bearer <token>`; the browser's
//! session cookie also works (JSON bodies cannot be sent cross-site without CORS, which we never allow).

use crate::SharedState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::security::ClientAddr;
use axum::Json;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use certguard_app::AppError;
use certguard_app::dates::parse_date;
use certguard_registry::{Certificate, Command, Holder, NewCertificate, Scope, Serial, Status};
use certguard_store::{CertificateQuery, StoredCertificate, StoredEvent};
use certguard_types::{IdentityDoc, IdentityKind, Sex};
use serde::{Deserialize, Serialize};
use std::sync::atomic::Ordering;

pub(crate) fn body<T>(payload: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    payload.map(|Json(v)| v).map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(e.status(), "too_large", e.body_text()),
        _ => ApiError::bad_request(e.body_text()),
    })
}

#[derive(Deserialize)]
pub struct LookupRequest {
    pub number: String,
    pub name: String,
}

#[derive(Serialize)]
pub struct LookupResponse {
    pub certificates: Vec<certguard_app::PublicCertificate>,
}

pub async fn lookup(
    State(state): State<SharedState>,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    payload: Result<Json<LookupRequest>, JsonRejection>,
) -> Result<Json<LookupResponse>, ApiError> {
    if !state.lookup_limiter.allow(ip).await {
        state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        return Err(ApiError::rate_limited());
    }
    let req = body(payload)?;
    match state.registry.public_lookup(&req.number, &req.name).await {
        Ok(certificates) => {
            state.metrics.lookups_found.fetch_add(1, Ordering::Relaxed);
            Ok(Json(LookupResponse { certificates }))
        }
        Err(e) => {
            if matches!(e, AppError::NotFound) {
                state.metrics.lookups_not_found.fetch_add(1, Ordering::Relaxed);
            }
            Err(e.into())
        }
    }
}

pub async fn catalogue(State(state): State<SharedState>) -> Json<certguard_registry::Catalogue> {
    Json(state.registry.catalogue().clone())
}

/// A certificate as the registry holds it (authorised callers only: the full ID is in it).
#[derive(Serialize)]
pub struct CertificateRecord {
    pub serial: String,
    pub version: i64,
    pub status: Status,
    pub certificate: Certificate,
}

fn record(s: StoredCertificate, today: chrono::NaiveDate) -> CertificateRecord {
    CertificateRecord {
        serial: s.certificate.serial.to_hex(),
        version: s.version,
        status: s.certificate.status(today),
        certificate: s.certificate,
    }
}

#[derive(Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    status: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

#[derive(Serialize)]
pub struct SearchResponse {
    pub total: u64,
    pub items: Vec<CertificateRecord>,
}

pub async fn search(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(p): Query<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    let reader = user.registry_reader().map_err(AppError::from)?;
    let status = match p.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(Status::from_code(s).ok_or_else(|| ApiError::bad_request(format!("unknown status {s}")))?),
    };
    let q = CertificateQuery {
        text: p.q,
        status,
        limit: p.limit.unwrap_or(50).clamp(1, 500),
        offset: p.offset.unwrap_or(0),
        ..Default::default()
    };
    let (items, total) = state.registry.search(&reader, q).await?;
    let today = state.registry.clock().today();
    Ok(Json(SearchResponse { total, items: items.into_iter().map(|s| record(s, today)).collect() }))
}

fn serial(s: &str) -> Result<Serial, ApiError> {
    Serial::from_hex(s).ok_or_else(|| AppError::NotFound.into())
}

pub async fn get_certificate(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<CertificateRecord>, ApiError> {
    let reader = user.registry_reader().map_err(AppError::from)?;
    let stored = state.registry.get(&reader, &serial(&id)?).await?;
    Ok(Json(record(stored, state.registry.clock().today())))
}

pub async fn history(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<Vec<StoredEvent>>, ApiError> {
    let reader = user.registry_reader().map_err(AppError::from)?;
    Ok(Json(state.registry.history(&reader, &serial(&id)?).await?))
}

/// What a client sends to issue a certificate; dates as YYYY-MM-DD.
#[derive(Deserialize)]
pub struct IssueRequest {
    pub name: String,
    #[serde(default)]
    pub id_kind: Option<String>,
    pub id_number: String,
    #[serde(default)]
    pub sex: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub item: Option<String>,
    #[serde(default)]
    pub personnel_type: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub first_issued: Option<String>,
    pub valid_from: String,
    pub authority: String,
    /// The candidate as the exam centre named them: an exam session of theirs confirmed as cheating bars the
    /// certificate.
    #[serde(default)]
    pub exam_candidate: Option<String>,
}

fn invalid(field: &str, reason: impl Into<String>) -> ApiError {
    AppError::invalid(field, reason).into()
}

fn new_certificate(r: IssueRequest) -> Result<NewCertificate, ApiError> {
    let name = r.name.parse().map_err(|e| invalid("name", format!("{e}")))?;
    let kind = match r.id_kind.as_deref() {
        None => None,
        Some(k) => Some(IdentityKind::from_code(k).ok_or_else(|| invalid("id_kind", "unknown document type"))?),
    };
    let identity = match kind {
        Some(k) => IdentityDoc::parse(k, &r.id_number),
        None => IdentityDoc::parse_any(&r.id_number),
    }
    .map_err(|e| invalid("id_number", e.to_string()))?;
    let sex = match (r.sex.as_deref(), identity.as_resident()) {
        (Some(s), _) => Sex::parse(s).ok_or_else(|| invalid("sex", "male/female or 男/女"))?,
        (None, Some(id)) => id.sex(),
        (None, None) => return Err(invalid("sex", "required for holders without a resident ID")),
    };
    let scope = match (r.category, r.item, r.personnel_type, r.industry) {
        (Some(category), Some(item), None, None) => Scope::SpecialOperation { category, item },
        (None, None, Some(personnel_type), Some(industry)) => Scope::Management { personnel_type, industry },
        _ => return Err(invalid("category", "give category and item, or personnel_type and industry")),
    };
    let valid_from = parse_date(&r.valid_from).ok_or_else(|| invalid("valid_from", "YYYY-MM-DD"))?;
    let first_issued = match r.first_issued.as_deref() {
        None | Some("") => valid_from,
        Some(d) => parse_date(d).ok_or_else(|| invalid("first_issued", "YYYY-MM-DD"))?,
    };
    let number = r.number.map(|n| n.parse().map_err(|e| invalid("number", format!("{e}")))).transpose()?;
    Ok(NewCertificate {
        holder: Holder { name, identity, sex },
        scope,
        authority: r.authority.parse().map_err(|e| invalid("authority", format!("{e}")))?,
        first_issued,
        valid_from,
        valid_until: None,
        review_due: None,
        last_review: None,
        number,
    })
}

pub async fn issue(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    payload: Result<Json<IssueRequest>, JsonRejection>,
) -> Result<Response, ApiError> {
    let request = body(payload)?;
    let candidate = request.exam_candidate.clone().filter(|c| !c.trim().is_empty());
    let new = new_certificate(request)?;
    let grant = user.issuer_for(&new.authority).map_err(AppError::from)?;
    if let Some(c) = candidate
        && let Some((session, review)) = certguard_app::exam::confirmed_cheating(&state.registry, c.trim()).await?
    {
        return Err(AppError::Conflict(format!(
            "考试作弊已确认（{session}，{}）：不予发证 (cheating confirmed in exam session {session}: no certificate)",
            review.reason
        ))
        .into());
    }
    let cert = state.registry.issue(&grant, new, Some(&ip.to_string())).await?;
    let stored =
        state.registry.store().certificate(&cert.serial).await.map_err(AppError::from)?.ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(record(stored, state.registry.clock().today()))).into_response())
}

#[derive(Deserialize)]
pub struct CommandRequest {
    pub command: Command,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

pub async fn command(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    Path(id): Path<String>,
    payload: Result<Json<CommandRequest>, JsonRejection>,
) -> Result<Json<CertificateRecord>, ApiError> {
    let req = body(payload)?;
    let serial = serial(&id)?;
    let reader = user.registry_reader().map_err(AppError::from)?;
    let current = state.registry.get(&reader, &serial).await?;
    let grant = user.issuer_for(&current.certificate.authority).map_err(AppError::from)?;
    let stored =
        state.registry.apply(&grant, &serial, &req.command, req.expected_version, Some(&ip.to_string())).await?;
    Ok(Json(record(stored, state.registry.clock().today())))
}

/// The registry's API (the verification API is routed with the verification pages).
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/api/v1/lookup", post(lookup))
        .route("/api/v1/catalogue", get(catalogue))
        .route("/api/v1/certificates", get(search).post(issue))
        .route("/api/v1/certificates/{serial}", get(get_certificate))
        .route("/api/v1/certificates/{serial}/history", get(history))
        .route("/api/v1/certificates/{serial}/commands", post(command))
}
