//! Roster verification over HTTP. Employers, inspectors and admins upload a roster (CSV/XLSX, or pasted QR
//! texts) at `/admin/roster` or send it to `POST /api/v1/roster/verify`, and get one answer per worker with a
//! signed receipt; anyone fetches the receipt key at `/roster/receipt.vkey` and checks a receipt at
//! `POST /api/v1/roster/receipt` (or offline with `certguard roster receipt`).

use crate::SharedState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::admin::{admin_nav, forbidden};
use crate::pages::context::AdminPage;
use crate::pages::layout::{Frame, csrf_input, page};
use crate::pages::public::expired_form;
use crate::security::{ClientAddr, csrf_ok};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use certguard_access::Principal;
use certguard_app::AppError;
use certguard_app::roster::{
    RosterRequest, RosterSummary, WorkerResult, reminders, request_for, verify_table, verify_texts,
};
use certguard_casework::receipt::{self, Receipt};
use certguard_casework::roster::RosterResult;
use maud::{Markup, html};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// Largest roster upload (a 200,000-row CSV is about 10 MiB).
pub const ROSTER_MAX_BYTES: usize = 32 * 1024 * 1024;
/// Largest receipt checked.
const RECEIPT_MAX_BYTES: usize = 16 * 1024;
/// Answers shown on the page (all of them are in the downloads).
const SHOWN_ROWS: usize = 500;

/// The last runs' files (results, ledger, receipt), kept in memory for their owner to download (at most 8).
#[derive(Default)]
pub struct RosterRuns(Mutex<VecDeque<(String, i64, RunFiles)>>);

#[derive(Clone)]
struct RunFiles {
    results: Vec<u8>,
    receipt: Option<String>,
}

impl RosterRuns {
    fn put(&self, owner: i64, files: RunFiles) -> String {
        let id = crate::security::random_hex(16);
        let mut q = self.0.lock();
        if q.len() >= 8 {
            q.pop_front();
        }
        q.push_back((id.clone(), owner, files));
        id
    }
    fn get(&self, id: &str, owner: i64) -> Option<RunFiles> {
        self.0.lock().iter().find(|(i, o, _)| i == id && *o == owner).map(|(_, _, f)| f.clone())
    }
}

/// Whether an upload is pasted QR texts rather than a table.
fn is_pasted_text(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).to_string();
    head.trim_start_matches('\u{feff}').trim_start().get(..4).is_some_and(|p| p.eq_ignore_ascii_case("AQ1:"))
}

/// Runs one verification; the results' JSON lines (what the receipt's hash covers) and the first answers.
async fn run(
    state: &SharedState,
    req: &RosterRequest,
    bytes: Vec<u8>,
    keep: usize,
) -> Result<(RosterSummary, Vec<u8>, Vec<WorkerResult>), AppError> {
    let mut jsonl = Vec::new();
    let mut shown = Vec::new();
    let sink = |w: &WorkerResult, line: &str| {
        jsonl.extend_from_slice(line.as_bytes());
        if shown.len() < keep {
            shown.push(w.clone());
        }
    };
    let summary = if is_pasted_text(&bytes) {
        let text = String::from_utf8(bytes).map_err(|_| AppError::invalid("file", "pasted QR texts must be UTF-8"))?;
        verify_texts(&state.registry, req, &text, sink).await?
    } else {
        verify_table(&state.registry, req, std::io::Cursor::new(bytes), sink, |_| {}).await?
    };
    Ok((summary, jsonl, shown))
}

#[derive(Deserialize)]
pub struct VerifyQuery {
    /// The employer's unified social credit code, named in the receipt.
    employer: Option<String>,
}

#[derive(Serialize)]
pub struct VerifyAnswer {
    #[serde(flatten)]
    summary: RosterSummary,
    /// The results as JSON lines, exactly the bytes the receipt's `results` hash covers: save them as they are.
    results_jsonl: String,
}

/// `POST /api/v1/roster/verify[?employer=USCC]`: the roster file (CSV/XLSX, or QR texts one per line).
pub async fn api_verify(
    State(state): State<SharedState>,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    ApiUser(user): ApiUser,
    Query(q): Query<VerifyQuery>,
    body: Bytes,
) -> Result<Json<VerifyAnswer>, ApiError> {
    let req = request_for(&state.registry, &user, q.employer.as_deref(), Some(ip.to_string())).await?;
    let (summary, jsonl, _) = run(&state, &req, body.to_vec(), 0).await?;
    let results_jsonl = String::from_utf8(jsonl).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Json(VerifyAnswer { summary, results_jsonl }))
}

/// `GET /api/v1/roster/reminders`: the bound unit's workers due for review or renewal within 60 days, or no
/// longer allowed to work, re-checked against the registry today.
pub async fn api_reminders(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<WorkerResult>>, ApiError> {
    Ok(Json(reminders(&state.registry, &user).await?))
}

/// `POST /api/v1/roster/receipt`: a signed receipt (public). Answers what it says if this server signed it.
pub async fn api_receipt(State(state): State<SharedState>, body: Bytes) -> Result<Json<Receipt>, ApiError> {
    if body.len() > RECEIPT_MAX_BYTES {
        return Err(AppError::invalid("receipt", "a receipt is a few hundred bytes").into());
    }
    let signer = state.registry.receipt_signer().ok_or(AppError::NotFound)?;
    let text = std::str::from_utf8(&body).map_err(|_| AppError::invalid("receipt", "not UTF-8 text"))?;
    let r = receipt::verify(text, &signer.verifier()).map_err(|e| AppError::invalid("receipt", e.to_string()))?;
    Ok(Json(r))
}

/// `GET /roster/receipt.vkey`: the key receipts are verified with.
pub async fn receipt_vkey(State(state): State<SharedState>) -> Response {
    match state.registry.receipt_signer() {
        Some(s) => {
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", s.verifier())).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn tone(r: RosterResult) -> &'static str {
    match r {
        RosterResult::Valid => "ok",
        RosterResult::ReviewDue => "warn",
        _ => "bad",
    }
}

fn roster_page(f: &Frame, user: &Principal, result: Option<Markup>) -> Markup {
    let l = f.lang;
    page(
        f,
        l.t("花名册核验", "Roster check"),
        html! {
            h1 { (l.t("花名册核验", "Verify a roster")) }
            (admin_nav(l, user))
            @if let Some(r) = result { (r) }
            form.card method="post" action="/admin/roster" enctype="multipart/form-data" data-progress="upload-progress" {
                (csrf_input(f.csrf))
                label for="file" { (l.t("花名册文件（CSV 或 XLSX）", "Roster file (CSV or XLSX)")) }
                input type="file" id="file" name="file" accept=".csv,.xlsx,.txt,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                p.hint {
                    (l.t("第一行为表头：证号、姓名，可选 操作项目（岗位所需）或 二维码。CSV 可为 UTF-8 或 GBK 编码。",
                         "First row: 证号 (number), 姓名 (name), optionally 操作项目 (the post's item) or 二维码 (QR text). CSV in UTF-8 or GBK."))
                }
                label for="qr" { (l.t("或粘贴二维码内容（每行一个 AQ1:…）", "Or paste QR texts (one AQ1:… per line)")) }
                textarea id="qr" name="qr" rows="4" {}
                label for="employer" { (l.t("统一社会信用代码（写入回执，可选）", "Unified social credit code (named in the receipt, optional)")) }
                input type="text" id="employer" name="employer" maxlength="18" autocomplete="off";
                div.actions { button type="submit" { (l.t("核验", "Verify")) } }
                progress id="upload-progress" hidden aria-label=(l.t("上传进度", "Upload progress")) {}
            }
            script src="/static/upload.js" defer {}
        },
    )
}

#[allow(clippy::result_large_err)]
fn check_access(f: &Frame, user: &Principal) -> Result<certguard_access::RosterVerifierGrant, Response> {
    user.roster_verifier().map_err(|_| {
        forbidden(
            f,
            f.lang.t(
                "只有用人单位、执法检查人员和管理员可以核验花名册。",
                "Only employers, inspectors and administrators verify rosters.",
            ),
        )
    })
}

pub async fn form(State(state): State<SharedState>, cx: AdminPage) -> Response {
    let f = cx.frame("/admin/roster");
    if let Err(r) = check_access(&f, &cx.user) {
        return r;
    }
    let l = f.lang;
    let due = match reminders(&state.registry, &cx.user).await {
        Ok(d) => d,
        Err(e) => return crate::pages::admin::app_error_page(&f, e),
    };
    let section = (!due.is_empty()).then(|| {
        html! {
            h2 { (l.t("需要关注的人员（本单位花名册，今日复核）", "Workers needing attention (your unit's roster, re-checked today)")) }
            div.table-wrap { table {
                thead { tr { th { (l.t("姓名", "Name")) } th { (l.t("证号", "Number")) } th { (l.t("结果", "Result")) } th { (l.t("提醒", "Reminder")) } } }
                tbody { @for w in &due { tr class=(tone(w.outcome.result)) {
                    td { (w.name) } td { (w.number) } td { (l.t(w.outcome.result.zh(), w.outcome.result.en())) }
                    td { @if let Some(r) = &w.outcome.reminder {
                        (l.t(if r.kind == certguard_casework::roster::DueKind::Review { "复审" } else { "换证" }, if r.kind == certguard_casework::roster::DueKind::Review { "review" } else { "renewal" }))
                        " " (r.due) " (" (r.days_left) (l.t("天", " days")) ")"
                    } @else { (l.t(&w.outcome.reason, &w.outcome.reason_en)) } }
                } } }
            } }
        }
    });
    roster_page(&f, &cx.user, section).into_response()
}

fn results_markup(l: Lang, summary: &RosterSummary, shown: &[WorkerResult], id: &str) -> Markup {
    let blocked: u64 = summary.counts.iter().filter(|(r, _)| !r.permits_work()).map(|(_, n)| n).sum();
    html! {
        div class={ "verdict " (if blocked == 0 { "ok" } else { "bad" }) } role="status" {
            span.icon aria-hidden="true" { @if blocked == 0 { "✔" } @else { "✖" } }
            span {
                (l.t("已核验", "Checked")) " " (l.number(summary.rows)) " " (l.t("人；不得上岗：", "workers; may not work: ")) (l.number(blocked))
            }
        }
        div.stats {
            @for (r, n) in &summary.counts { @if *n > 0 {
                div class={ "stat " (tone(*r)) } { (l.t(r.zh(), r.en())) b { (l.number(*n)) } }
            } }
        }
        p.actions {
            a.button.secondary href={ "/admin/roster/" (id) "/ledger.xlsx" } { (l.t("下载核验台账 (XLSX)", "Download the ledger (XLSX)")) }
            a.button.secondary href={ "/admin/roster/" (id) "/results.jsonl" } { (l.t("下载结果 (JSON lines)", "Download the results (JSON lines)")) }
            @if summary.receipt.is_some() {
                a.button.secondary href={ "/admin/roster/" (id) "/receipt.txt" } { (l.t("下载签名回执", "Download the signed receipt")) }
            }
        }
        @if let Some(i) = summary.log_index {
            p.hint { (l.t("回执已记入透明日志，序号 ", "The receipt is in the transparency log at index ")) (i) }
        }
        div.table-wrap { table {
            thead { tr {
                th { (l.t("行号", "Row")) } th { (l.t("证号", "Number")) } th { (l.t("姓名", "Name")) }
                th { (l.t("结果", "Result")) } th { (l.t("原因", "Reason")) }
            } }
            tbody { @for w in shown { tr class=(tone(w.outcome.result)) {
                td { (w.row) } td { (w.number) } td { (w.name) }
                td { (l.t(w.outcome.result.zh(), w.outcome.result.en())) }
                td { (l.t(&w.outcome.reason, &w.outcome.reason_en))
                    @if let Some(d) = w.duplicate_of { " " (l.t("（与第", "(same worker as row ")) (d) (l.t("行重复）", ")")) } }
            } } }
        } }
    }
}

pub async fn submit(
    State(state): State<SharedState>,
    cx: AdminPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    multipart: Multipart,
) -> Response {
    let (user, l) = (&cx.user, cx.lang);
    let f = cx.frame("/admin/roster");
    let grant = match check_access(&f, user) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let fail = |status: StatusCode, msg: String| {
        let r = html! { div.verdict.bad role="alert" { span.icon aria-hidden="true" { "✖" } span { (msg) } } };
        (status, roster_page(&f, user, Some(r))).into_response()
    };
    let fields = match crate::upload::read_form(multipart).await {
        Ok(f) => f,
        Err(crate::upload::UploadError::TooLarge) => {
            return fail(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("{} {} MiB", l.t("文件过大，上限为", "File too large; the limit is"), ROSTER_MAX_BYTES >> 20),
            );
        }
        Err(crate::upload::UploadError::Malformed(e)) => return fail(StatusCode::BAD_REQUEST, e),
    };
    if !csrf_ok(&cx.csrf, &crate::upload::text(&fields, "csrf")) {
        return (StatusCode::FORBIDDEN, page(&f, l.t("表单已过期", "Form expired"), expired_form(l))).into_response();
    }
    let pasted = crate::upload::text(&fields, "qr");
    let bytes = match fields.get("file").filter(|p| !p.bytes.is_empty()) {
        Some(p) => p.bytes.clone(),
        None if !pasted.trim().is_empty() => pasted.into_bytes(),
        None => {
            return fail(
                StatusCode::BAD_REQUEST,
                l.t("请选择花名册文件或粘贴二维码内容", "Choose a roster file or paste QR texts").into(),
            );
        }
    };
    let _ = grant;
    let req =
        match request_for(&state.registry, user, Some(&crate::upload::text(&fields, "employer")), Some(ip.to_string()))
            .await
        {
            Ok(r) => r,
            Err(e @ AppError::Denied(_)) => return fail(StatusCode::FORBIDDEN, e.to_string()),
            Err(e) => return fail(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
        };
    let (summary, jsonl, shown) = match run(&state, &req, bytes, SHOWN_ROWS).await {
        Ok(x) => x,
        Err(e @ (AppError::Store(_) | AppError::Internal(_))) => {
            tracing::error!(error = %e, "roster verification failed");
            return fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                l.t("核验中断，请重试", "The check was interrupted; try again").into(),
            );
        }
        Err(e) => return fail(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    };
    let id = state.roster_runs.put(user.user_id, RunFiles { results: jsonl, receipt: summary.receipt.clone() });
    roster_page(&f, user, Some(results_markup(l, &summary, &shown, &id))).into_response()
}

pub async fn download(
    State(state): State<SharedState>,
    cx: AdminPage,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let Some(files) = state.roster_runs.get(&id, cx.user.user_id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let attachment = |name: &str| format!("attachment; filename=\"roster-{id}-{name}\"");
    match file.as_str() {
        "results.jsonl" => (
            [
                (header::CONTENT_TYPE, "application/x-ndjson".to_string()),
                (header::CONTENT_DISPOSITION, attachment(&file)),
            ],
            files.results,
        )
            .into_response(),
        "receipt.txt" => match files.receipt {
            Some(r) => (
                [
                    (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_string()),
                    (header::CONTENT_DISPOSITION, attachment(&file)),
                ],
                r,
            )
                .into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        },
        "ledger.xlsx" => {
            let lines = files
                .results
                .split(|&b| b == b'\n')
                .filter(|l| !l.is_empty())
                .filter_map(|l| serde_json::from_slice(l).ok());
            let mut out = std::io::Cursor::new(Vec::new());
            match certguard_app::roster::ledger_xlsx(lines, &mut out) {
                Ok(_) => (
                    [
                        (
                            header::CONTENT_TYPE,
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                        ),
                        (header::CONTENT_DISPOSITION, attachment(&file)),
                    ],
                    out.into_inner(),
                )
                    .into_response(),
                Err(e) => ApiError::from(e).into_response(),
            }
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/api/v1/roster/verify", post(api_verify).layer(DefaultBodyLimit::max(ROSTER_MAX_BYTES)))
        .route("/api/v1/roster/receipt", post(api_receipt).layer(DefaultBodyLimit::max(RECEIPT_MAX_BYTES)))
        .route("/roster/receipt.vkey", get(receipt_vkey))
        .route("/api/v1/roster/reminders", get(api_reminders))
        .route("/admin/roster", get(form).post(submit).layer(DefaultBodyLimit::max(ROSTER_MAX_BYTES)))
        .route("/admin/roster/{id}/{file}", get(download))
}
