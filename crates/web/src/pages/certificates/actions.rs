//! Registry operations on one certificate (suspend, reinstate, revoke, cancel, review, renew, extend,
//! correct), from the detail page's forms.

use super::{detail_page, parse_serial};
use crate::SharedState;
use crate::pages::admin::{app_error_page, reader_or_forbidden};
use crate::pages::context::AdminPage;
use crate::pages::layout::page;
use crate::pages::public::expired_form;
use crate::security::{ClientAddr, csrf_ok};
use axum::extract::{Extension, Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use certguard_app::AppError;
use certguard_app::dates::parse_date;
use certguard_registry::{CancellationReason, Command, Correction, RevocationReason};
use certguard_types::Sex;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    op: String,
    version: Option<i64>,
    date: Option<String>,
    passed: Option<String>,
    reason: Option<String>,
    revoke_reason: Option<String>,
    cancel_reason: Option<String>,
    field: Option<String>,
    value: Option<String>,
}

fn command_of(form: &ActionForm) -> Result<Command, AppError> {
    let date = || {
        form.date
            .as_deref()
            .and_then(parse_date)
            .ok_or_else(|| AppError::invalid("date", "not a date (e.g. 2024-06-15)"))
    };
    let reason = || form.reason.clone().unwrap_or_default();
    Ok(match form.op.as_str() {
        "review" => Command::RecordReview { date: date()?, passed: form.passed.as_deref() != Some("false") },
        "extend_review_interval" => Command::ExtendReviewInterval,
        "renew" => Command::Renew { date: date()? },
        "suspend" => Command::Suspend { reason: reason() },
        "reinstate" => Command::Reinstate,
        "revoke" => Command::Revoke {
            reason: form
                .revoke_reason
                .as_deref()
                .and_then(RevocationReason::from_code)
                .ok_or_else(|| AppError::invalid("revoke_reason", "choose a reason"))?,
        },
        "cancel" => Command::Cancel {
            reason: form
                .cancel_reason
                .as_deref()
                .and_then(CancellationReason::from_code)
                .ok_or_else(|| AppError::invalid("cancel_reason", "choose a reason"))?,
        },
        "correct" => {
            let value = form.value.clone().unwrap_or_default();
            let correction = match form.field.as_deref() {
                Some("holder_name") => {
                    Correction::HolderName(value.parse().map_err(|e| AppError::invalid("value", format!("{e}")))?)
                }
                Some("sex") => {
                    Correction::Sex(Sex::parse(&value).ok_or_else(|| AppError::invalid("value", "男 or 女"))?)
                }
                Some("first_issued") => {
                    Correction::FirstIssued(parse_date(&value).ok_or_else(|| AppError::invalid("value", "not a date"))?)
                }
                _ => return Err(AppError::invalid("field", "choose a field")),
            };
            Command::Correct { correction, reason: reason() }
        }
        _ => return Err(AppError::invalid("op", "unknown operation")),
    })
}

pub async fn action(
    State(state): State<SharedState>,
    cx: AdminPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    Path(serial_text): Path<String>,
    Form(form): Form<ActionForm>,
) -> Response {
    let (user, csrf) = (&cx.user, &cx.csrf);
    let l = cx.lang;
    let path = format!("/admin/certificates/{serial_text}");
    let f = cx.frame(&path);
    if !csrf_ok(csrf, &form.csrf) {
        return (StatusCode::FORBIDDEN, page(&f, l.t("表单已过期", "Form expired"), expired_form(l))).into_response();
    }
    let reader = match reader_or_forbidden(&f, user) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let serial = match parse_serial(&serial_text) {
        Ok(s) => s,
        Err(e) => return app_error_page(&f, e),
    };
    let stored = match state.registry.get(&reader, &serial).await {
        Ok(s) => s,
        Err(e) => return app_error_page(&f, e),
    };
    let outcome = async {
        let grant = user.issuer_for(&stored.certificate.authority)?;
        let cmd = command_of(&form)?;
        state.registry.apply(&grant, &serial, &cmd, form.version, Some(&ip.to_string())).await
    }
    .await;
    match outcome {
        Ok(_) => Redirect::to(&path).into_response(),
        Err(e) => {
            let status = match e {
                AppError::Denied(_) => StatusCode::FORBIDDEN,
                AppError::Conflict(_) | AppError::Transition(_) => StatusCode::CONFLICT,
                AppError::Store(_) => return app_error_page(&f, e),
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let msg = format!("{}：{e}", l.t("操作未执行", "Not done"));
            let history = state.registry.history(&reader, &serial).await.unwrap_or_default();
            (status, detail_page(&state, &f, user, &stored, &history, Some(&msg))).into_response()
        }
    }
}
