//! Casework over HTTP: inspections (`POST /api/v1/inspections`), cases and their steps (`/api/v1/cases…`),
//! the campaign's figures (`GET /api/v1/campaign`, JSON or CSV) and their page (`/admin/campaign`, a chart
//! by month and a table by province). Inspectors act in their bureau's region; analysts open cases from
//! confirmed leads and read the figures; admins everywhere.

use crate::SharedState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::admin::{admin_nav, app_error_page, forbidden};
use crate::pages::context::AdminPage;
use crate::pages::layout::page;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use certguard_app::AppError;
use certguard_app::cases::{
    CampaignRow, Case, Inspection, NewInspection, OpenCase, StepRequest, campaign, get_case, inspection, list_cases,
    open_case, province_name, record_inspection, step,
};
use maud::{Markup, html};
use serde::Deserialize;

/// Largest case request.
const BODY_MAX_BYTES: usize = 512 * 1024;
/// Largest inspection (its certificate photos included).
const INSPECTION_MAX_BYTES: usize = 32 * 1024 * 1024;

/// The page that answers a form whose CSRF token is missing or stale.
fn form_expired(f: &crate::pages::layout::Frame) -> Response {
    let l = f.lang;
    (StatusCode::FORBIDDEN, page(f, l.t("表单已过期", "Form expired"), crate::pages::public::expired_form(l)))
        .into_response()
}

/// The caller's casework grant, or the page that refuses them.
#[allow(clippy::result_large_err)]
fn case_grant(
    f: &crate::pages::layout::Frame,
    user: &certguard_access::Principal,
) -> Result<certguard_access::CaseGrant, Response> {
    user.case_worker().map_err(|_| {
        forbidden(
            f,
            f.lang.t(
                "只有执法检查人员、分析人员和管理员可以查看案件。",
                "Only inspectors, analysts and administrators see cases.",
            ),
        )
    })
}

fn grant(user: &certguard_access::Principal) -> Result<certguard_access::CaseGrant, ApiError> {
    Ok(user.case_worker().map_err(AppError::from)?)
}

pub async fn api_record_inspection(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Json(new): Json<NewInspection>,
) -> Result<(StatusCode, Json<Inspection>), ApiError> {
    let i = record_inspection(&state.registry, &grant(&user)?, new).await?;
    Ok((StatusCode::CREATED, Json(i)))
}

pub async fn api_inspection(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Inspection>, ApiError> {
    Ok(Json(inspection(&state.registry, &grant(&user)?, id).await?))
}

pub async fn api_open_case(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Json(open): Json<OpenCase>,
) -> Result<(StatusCode, Json<Case>), ApiError> {
    let c = open_case(&state.registry, &grant(&user)?, open).await?;
    Ok((StatusCode::CREATED, Json(c)))
}

pub async fn api_cases(State(state): State<SharedState>, ApiUser(user): ApiUser) -> Result<Json<Vec<Case>>, ApiError> {
    Ok(Json(list_cases(&state.registry, &grant(&user)?, 200).await?))
}

pub async fn api_case(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<Case>, ApiError> {
    Ok(Json(get_case(&state.registry, &grant(&user)?, id).await?))
}

pub async fn api_step(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    Json(req): Json<StepRequest>,
) -> Result<Json<Case>, ApiError> {
    Ok(Json(step(&state.registry, &grant(&user)?, id, req).await?))
}

/// `GET /api/v1/cases/{id}/evidence`: the hand-over package (ZIP with a manifest of hashes and the 移送函).
pub async fn api_evidence(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let producer = certguard_leads::stix::Producer {
        name: state.config.exporter_name.clone(),
        code: state.config.exporter_code.clone(),
    };
    let zip = certguard_app::cases::evidence::evidence_package(&state.registry, &grant(&user)?, id, &producer).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/zip".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"case-{id}-evidence.zip\"")),
        ],
        zip,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct CampaignQuery {
    format: Option<String>,
}

fn campaign_csv(rows: &[CampaignRow]) -> String {
    let mut out = String::from(
        "\u{feff}省份代码,省份,月份,无证上岗案件,持假证案件,罚款(元),移送公安,结案,线索报送处置,关停网站\n",
    );
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            r.province,
            province_name(&r.province),
            r.month,
            r.unlicensed_cases,
            r.fake_cases,
            r.fines_yuan,
            r.police_transfers,
            r.closed_cases,
            r.leads_reported,
            r.sites_taken_down
        ));
    }
    out
}

pub async fn api_campaign(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(q): Query<CampaignQuery>,
) -> Result<Response, ApiError> {
    let rows = campaign(&state.registry, &grant(&user)?).await?;
    Ok(match q.format.as_deref() {
        Some("csv") => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"campaign.csv\""),
            ],
            campaign_csv(&rows),
        )
            .into_response(),
        Some("xlsx") => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"campaign.xlsx\""),
            ],
            certguard_app::cases::campaign_xlsx(&rows)?,
        )
            .into_response(),
        _ => Json(rows).into_response(),
    })
}

/// Cases per month as grouped bars (unlicensed, fake), server-rendered SVG that reads on a phone.
fn month_chart(l: Lang, rows: &[CampaignRow]) -> Markup {
    let mut months: std::collections::BTreeMap<&str, (u64, u64)> = std::collections::BTreeMap::new();
    for r in rows {
        let e = months.entry(r.month.as_str()).or_default();
        e.0 += r.unlicensed_cases;
        e.1 += r.fake_cases;
    }
    let max = months.values().map(|(a, b)| (*a).max(*b)).max().unwrap_or(1).max(1);
    let n = months.len().max(1);
    let slot = 600.0 / n as f64;
    let bar = (slot * 0.38).max(2.0);
    html! {
        svg.chart viewBox="0 0 640 260" width="100%" role="img" aria-label=(l.t("每月案件数", "Cases per month")) {
            line x1="30" y1="220" x2="630" y2="220" stroke="#888" {}
            @for (i, (m, (u, f))) in months.iter().enumerate() {
                @let x = 32.0 + i as f64 * slot;
                @let hu = *u as f64 / max as f64 * 190.0;
                @let hf = *f as f64 / max as f64 * 190.0;
                rect x=(format!("{x:.1}")) y=(format!("{:.1}", 220.0 - hu)) width=(format!("{bar:.1}")) height=(format!("{hu:.1}")) fill="#b06a00" { title { (m) " " (l.t("无证上岗", "unlicensed")) " " (u) } }
                rect x=(format!("{:.1}", x + bar)) y=(format!("{:.1}", 220.0 - hf)) width=(format!("{bar:.1}")) height=(format!("{hf:.1}")) fill="#a3161b" { title { (m) " " (l.t("持假证", "fake")) " " (f) } }
                @if n <= 12 || i % 2 == 0 {
                    text x=(format!("{:.1}", x + bar)) y="238" text-anchor="middle" font-size="11" { (m.get(2..).unwrap_or(m)) }
                }
            }
            rect x="40" y="248" width="10" height="10" fill="#b06a00" {}
            text x="55" y="257" font-size="11" { (l.t("无证上岗", "Unlicensed work")) }
            rect x="170" y="248" width="10" height="10" fill="#a3161b" {}
            text x="185" y="257" font-size="11" { (l.t("持假证", "Fake certificate")) }
        }
    }
}

pub async fn campaign_page(State(state): State<SharedState>, cx: AdminPage) -> Response {
    let (user, l) = (&cx.user, cx.lang);
    let f = cx.frame("/admin/campaign");
    let Ok(g) = user.case_worker() else {
        return forbidden(
            &f,
            l.t(
                "只有执法检查人员、分析人员和管理员可以查看。",
                "Only inspectors, analysts and administrators see this.",
            ),
        );
    };
    let rows = match campaign(&state.registry, &g).await {
        Ok(r) => r,
        Err(e) => return app_error_page(&f, e),
    };
    let sum = |k: fn(&CampaignRow) -> u64| rows.iter().map(k).sum::<u64>();
    let mut by_province: std::collections::BTreeMap<&str, CampaignRow> = std::collections::BTreeMap::new();
    for r in &rows {
        let e = by_province.entry(r.province.as_str()).or_default();
        e.unlicensed_cases += r.unlicensed_cases;
        e.fake_cases += r.fake_cases;
        e.fines_yuan += r.fines_yuan;
        e.police_transfers += r.police_transfers;
        e.closed_cases += r.closed_cases;
        e.leads_reported += r.leads_reported;
        e.sites_taken_down += r.sites_taken_down;
    }
    let title = l.t("专项行动数据", "Campaign figures");
    let body = html! {
        h1 { (title) }
        (admin_nav(l, user))
        div.stats {
            div.stat.warn { (l.t("无证上岗案件", "Unlicensed work")) b { (l.number(sum(|r| r.unlicensed_cases))) } }
            div.stat.bad { (l.t("持假证案件", "Fake certificates")) b { (l.number(sum(|r| r.fake_cases))) } }
            div.stat { (l.t("罚款（元）", "Fines (yuan)")) b { (l.number(sum(|r| r.fines_yuan))) } }
            div.stat { (l.t("移送公安", "To the police")) b { (l.number(sum(|r| r.police_transfers))) } }
            div.stat { (l.t("线索报送处置", "Leads reported")) b { (l.number(sum(|r| r.leads_reported))) } }
            div.stat { (l.t("关停网站", "Sites taken down")) b { (l.number(sum(|r| r.sites_taken_down))) } }
        }
        h2 { (l.t("每月案件", "Cases per month")) }
        div.card { (month_chart(l, &rows)) }
        h2 { (l.t("各省份", "By province")) }
        div.table-wrap { table {
            thead { tr {
                th { (l.t("省份", "Province")) } th { (l.t("无证上岗", "Unlicensed")) } th { (l.t("持假证", "Fake")) }
                th { (l.t("罚款（元）", "Fines (yuan)")) } th { (l.t("移送公安", "Police")) } th { (l.t("结案", "Closed")) }
                th { (l.t("关停网站", "Taken down")) }
            } }
            tbody { @for (p, r) in &by_province { tr {
                td { (province_name(p)) } td { (r.unlicensed_cases) } td { (r.fake_cases) }
                td { (l.number(r.fines_yuan)) } td { (r.police_transfers) } td { (r.closed_cases) }
                td { (r.sites_taken_down) }
            } } }
        } }
        p.actions {
            a.button.secondary href="/api/v1/campaign?format=xlsx" { (l.t("导出 XLSX", "Export XLSX")) }
            a.button.secondary href="/api/v1/campaign?format=csv" { (l.t("导出 CSV", "Export CSV")) }
        }
    };
    page(&f, title, body).into_response()
}

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/api/v1/inspections", post(api_record_inspection).layer(DefaultBodyLimit::max(INSPECTION_MAX_BYTES)))
        .route("/api/v1/inspections/{id}", get(api_inspection))
        .route("/api/v1/cases", post(api_open_case).get(api_cases).layer(DefaultBodyLimit::max(BODY_MAX_BYTES)))
        .route("/api/v1/cases/{id}", get(api_case))
        .route("/api/v1/cases/{id}/evidence", get(api_evidence))
        .route("/api/v1/cases/{id}/steps", post(api_step).layer(DefaultBodyLimit::max(BODY_MAX_BYTES)))
        .route("/api/v1/campaign", get(api_campaign))
        .route("/admin/campaign", get(campaign_page))
        .route("/admin/cases", get(cases_page))
        .route("/admin/cases/open", post(open_from_finding))
        .route("/admin/cases/{id}", get(case_page))
        .route("/admin/cases/{id}/step", post(case_step))
        .route(
            "/admin/inspect",
            get(inspect_form).post(inspect_submit).layer(DefaultBodyLimit::max(INSPECTION_MAX_BYTES)),
        )
}

/// Worker rows on the inspection form (more workers: another inspection, or the API).
const FORM_WORKERS: usize = 6;

fn inspect_page(
    f: &crate::pages::layout::Frame,
    user: &certguard_access::Principal,
    result: Option<Markup>,
    draft_clear: bool,
) -> Markup {
    use crate::pages::layout::{csrf_input, text_field};
    let l = f.lang;
    page(
        f,
        l.t("现场检查", "Site inspection"),
        html! {
            h1 { (l.t("现场检查记录", "Record a site inspection")) }
            (admin_nav(l, user))
            @if draft_clear { div data-draft-clear="inspection" {} }
            @if let Some(r) = result { (r) }
            form.card method="post" action="/admin/inspect" enctype="multipart/form-data" data-draft="inspection" {
                (csrf_input(f.csrf))
                (text_field(l.t("被检查单位", "Unit inspected"), "unit_name", "", None, None, "text"))
                (text_field(l.t("统一社会信用代码", "Unified social credit code"), "unit_uscc", "", None, Some(l.t("18位，可不填；不填时请填行政区划代码", "18 characters; optional if the region code is given")), "text"))
                (text_field(l.t("行政区划代码", "Region code"), "region", "", None, Some(l.t("6位，如 320582", "6 digits, e.g. 320582")), "text"))
                (text_field(l.t("检查地点", "Place"), "place", "", None, None, "text"))
                (text_field(l.t("检查人员（逗号分隔）", "Inspectors (comma-separated)"), "inspectors", "", None, None, "text"))
                h2 { (l.t("作业人员", "Workers")) }
                p.hint { (l.t("逐人填写姓名与证号（无证者证号留空）；已填内容保存在本机，刷新页面不会丢失。", "One worker per row: name and certificate number (blank if none). What you type is kept on this device across reloads.")) }
                @for k in 1..=FORM_WORKERS {
                    fieldset {
                        legend { (l.t("人员", "Worker")) " " (k) }
                        (text_field(l.t("姓名", "Name"), &format!("w{k}_name"), "", None, None, "text"))
                        (text_field(l.t("证号", "Certificate number"), &format!("w{k}_number"), "", None, None, "text"))
                        (text_field(l.t("作业项目", "Operation item"), &format!("w{k}_item"), "", None, None, "text"))
                        (text_field(l.t("二维码内容（扫码得到的 AQ1:…，可不填）", "QR text (AQ1:… from a scan, optional)"), &format!("w{k}_qr"), "", None, None, "text"))
                        label for={ "f-w" (k) "_photo" } { (l.t("证书照片（可不填）", "Photo of the certificate (optional)")) }
                        input type="file" id={ "f-w" (k) "_photo" } name={ "w" (k) "_photo" } accept="image/jpeg,image/png" capture="environment";
                    }
                }
                div.actions { button type="submit" { (l.t("提交检查记录", "Submit the inspection")) } }
            }
            script src="/static/draft.js" defer {}
        },
    )
}

pub async fn inspect_form(cx: AdminPage) -> Response {
    let f = cx.frame("/admin/inspect");
    if cx.user.case_worker().is_err() || cx.user.role == certguard_access::Role::Analyst {
        return forbidden(
            &f,
            f.lang
                .t("只有执法检查人员和管理员可以记录检查。", "Only inspectors and administrators record inspections."),
        );
    }
    inspect_page(&f, &cx.user, None, false).into_response()
}

pub async fn inspect_submit(
    State(state): State<SharedState>,
    cx: AdminPage,
    multipart: axum::extract::Multipart,
) -> Response {
    let (user, l) = (&cx.user, cx.lang);
    let f = cx.frame("/admin/inspect");
    let Ok(g) = user.case_worker() else {
        return forbidden(
            &f,
            l.t("只有执法检查人员和管理员可以记录检查。", "Only inspectors and administrators record inspections."),
        );
    };
    let fail = |status: StatusCode, msg: String| {
        let r = html! { div.verdict.bad role="alert" { span.icon aria-hidden="true" { "✖" } span { (msg) } } };
        (status, inspect_page(&f, user, Some(r), false)).into_response()
    };
    let parts = match crate::upload::read_form(multipart).await {
        Ok(p) => p,
        Err(crate::upload::UploadError::TooLarge) => {
            return fail(StatusCode::PAYLOAD_TOO_LARGE, l.t("照片过大", "The photos are too large").into());
        }
        Err(crate::upload::UploadError::Malformed(e)) => return fail(StatusCode::BAD_REQUEST, e),
    };
    if !crate::security::csrf_ok(&cx.csrf, &crate::upload::text(&parts, "csrf")) {
        return form_expired(&f);
    }
    let form: std::collections::HashMap<String, String> =
        parts.keys().filter(|k| !k.ends_with("_photo")).map(|k| (k.clone(), crate::upload::text(&parts, k))).collect();
    let get = |k: &str| form.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let workers: Vec<certguard_app::cases::InspectedWorker> = (1..=FORM_WORKERS)
        .filter_map(|k| {
            let name = get(&format!("w{k}_name"))?;
            Some(certguard_app::cases::InspectedWorker {
                name,
                number: get(&format!("w{k}_number")),
                qr: get(&format!("w{k}_qr")),
                item: get(&format!("w{k}_item")),
                note: None,
                photo_sha256: None,
                photo_base64: None,
                photo: parts.get(&format!("w{k}_photo")).map(|p| p.bytes.clone()).filter(|b| !b.is_empty()),
            })
        })
        .collect();
    let new = NewInspection {
        unit_name: get("unit_name").unwrap_or_default(),
        unit_uscc: get("unit_uscc"),
        region: get("region"),
        place: get("place").unwrap_or_default(),
        at: None,
        inspectors: get("inspectors")
            .map(|s| s.split([',', '，', '、']).map(str::to_string).collect())
            .unwrap_or_default(),
        workers,
    };
    match record_inspection(&state.registry, &g, new).await {
        Ok(i) => {
            let r = html! {
                div class={ "verdict " (if i.findings.is_empty() { "ok" } else { "bad" }) } role="status" {
                    span.icon aria-hidden="true" { @if i.findings.is_empty() { "✔" } @else { "✖" } }
                    span { (l.t("检查记录已保存，编号 ", "Inspection saved, no. ")) (i.id) "：" (l.t("检查 ", "")) (i.workers_checked) (l.t(" 人，发现问题 ", " workers checked, findings: ")) (i.findings.len()) }
                }
                @if !i.findings.is_empty() {
                    div.table-wrap { table {
                        thead { tr { th { (l.t("人员", "Worker")) } th { (l.t("证号", "Number")) } th { (l.t("问题", "Finding")) } th { (l.t("依据", "Why")) } } }
                        tbody { @for fi in &i.findings { tr.bad {
                            td { (fi.worker) } td { (fi.number) } td { (l.t(fi.category.zh(), fi.category.en())) } td { (fi.reason) }
                        } } }
                    } }
                    div.actions { @for (k, fi) in i.findings.iter().enumerate() {
                        form method="post" action="/admin/cases/open" {
                            (crate::pages::layout::csrf_input(f.csrf))
                            input type="hidden" name="inspection" value=(i.id);
                            input type="hidden" name="index" value=(k);
                            button type="submit" { (l.t("立案：", "Open a case: ")) (fi.worker) }
                        }
                    } }
                }
            };
            inspect_page(&f, user, Some(r), true).into_response()
        }
        Err(e @ (AppError::Invalid { .. } | AppError::Denied(_))) => {
            let status =
                if matches!(e, AppError::Denied(_)) { StatusCode::FORBIDDEN } else { StatusCode::UNPROCESSABLE_ENTITY };
            let r = html! { div.verdict.bad role="alert" { span.icon aria-hidden="true" { "✖" } span { (e.to_string()) } } };
            (status, inspect_page(&f, user, Some(r), false)).into_response()
        }
        Err(e) => app_error_page(&f, e),
    }
}

fn state_tone(s: certguard_casework::case::CaseState) -> &'static str {
    use certguard_casework::case::CaseState::*;
    match s {
        Closed => "ok",
        Decided | Transferred => "warn",
        Filed | Investigating => "bad",
    }
}

pub async fn cases_page(State(state): State<SharedState>, cx: AdminPage) -> Response {
    let (user, l) = (&cx.user, cx.lang);
    let f = cx.frame("/admin/cases");
    let g = match case_grant(&f, user) {
        Ok(g) => g,
        Err(r) => return r,
    };
    let cases = match list_cases(&state.registry, &g, 200).await {
        Ok(c) => c,
        Err(e) => return app_error_page(&f, e),
    };
    let title = l.t("案件", "Cases");
    let body = html! {
        h1 { (title) }
        (admin_nav(l, user))
        div.table-wrap { table {
            thead { tr {
                th { (l.t("编号", "No.")) } th { (l.t("案由", "Case")) } th { (l.t("区划", "Region")) }
                th { (l.t("状态", "State")) } th { (l.t("立案时间", "Opened")) } th { (l.t("罚款（元）", "Fine (yuan)")) }
            } }
            tbody { @for c in &cases { tr class=(state_tone(c.state)) {
                td { a href={ "/admin/cases/" (c.id) } { (c.id) } } td { (c.title) } td { (c.region) }
                td { (l.t(c.state.zh(), c.state.en())) } td { (c.opened_at.format("%Y-%m-%d")) }
                td { @if let Some(p) = &c.penalty { (l.number(p.total_yuan)) } }
            } } }
        } }
    };
    page(&f, title, body).into_response()
}

fn case_detail(
    f: &crate::pages::layout::Frame,
    user: &certguard_access::Principal,
    c: &Case,
    error: Option<String>,
) -> Markup {
    use crate::pages::layout::csrf_input;
    use certguard_casework::penalty::Offence;
    let l = f.lang;
    page(
        f,
        &c.title,
        html! {
            h1 { (l.t("案件 ", "Case ")) (c.id) "：" (c.title) }
            (admin_nav(l, user))
            @if let Some(e) = error { div.verdict.bad role="alert" { span.icon aria-hidden="true" { "✖" } span { (e) } } }
            div class={ "verdict " (state_tone(c.state)) } role="status" { span { (l.t(c.state.zh(), c.state.en())) " · " (l.t(c.offence.zh(), c.offence.en())) } }
            @if let Some(p) = &c.penalty {
                p { (l.t("处罚：", "Penalty: ")) (l.number(p.total_yuan)) (l.t(" 元，依据 ", " yuan under ")) (p.article) }
            }
            h2 { (l.t("经过", "History")) }
            ol.timeline { @for h in &c.history {
                li { strong { (l.t(h.state.zh(), h.state.en())) } " " (h.at.format("%Y-%m-%d %H:%M")) " · " (h.actor) @if !h.note.is_empty() { " · " (h.note) } }
            } }
            @if c.state != certguard_casework::case::CaseState::Filed {
                p { a.button.secondary href={ "/api/v1/cases/" (c.id) "/evidence" } { (l.t("下载移送材料（ZIP）", "Download the hand-over package (ZIP)")) } }
            }
            @if c.state != certguard_casework::case::CaseState::Closed {
                h2 { (l.t("下一步", "Next step")) }
                form.card method="post" action={ "/admin/cases/" (c.id) "/step" } {
                    (csrf_input(f.csrf))
                    input type="hidden" name="version" value=(c.version);
                    label for="f-step" { (l.t("步骤", "Step")) }
                    select id="f-step" name="step" {
                        option value="investigate" { (l.t("开始调查", "Investigate")) }
                        option value="decide" { (l.t("作出处罚决定", "Decide the penalty")) }
                        option value="transfer" { (l.t("移送公安", "Transfer to the police")) }
                        option value="close" { (l.t("结案", "Close")) }
                    }
                    label for="f-offence" { (l.t("违法行为（处罚决定）", "Offence (for a decision)")) }
                    select id="f-offence" name="offence" {
                        @for o in Offence::ALL { option value=(o.code()) selected[o == c.offence] { (l.t(o.zh(), o.en())) } }
                    }
                    label for="f-fine" { (l.t("罚款（元）", "Fine (yuan)")) }
                    input type="number" id="f-fine" name="fine_yuan" min="0" step="1";
                    label for="f-responsible" { (l.t("责任人员罚款（元，逗号分隔）", "Fines on responsible persons (yuan, comma-separated)")) }
                    input type="text" id="f-responsible" name="responsible";
                    label { input type="checkbox" name="warning" value="1" checked; " " (l.t("警告", "Warning")) }
                    label { input type="checkbox" name="repeat" value="1"; " " (l.t("逾期未改正（第97条加重）", "Did not correct (art. 97 second tier)")) }
                    label { input type="checkbox" name="stop_work" value="1"; " " (l.t("责令停产停业整顿", "Stop-work for rectification")) }
                    label for="f-note" { (l.t("说明", "Note")) }
                    textarea id="f-note" name="note" rows="3" maxlength="2000" {}
                    div.actions { button type="submit" { (l.t("提交", "Submit")) } }
                }
            }
        },
    )
}

pub async fn case_page(State(state): State<SharedState>, cx: AdminPage, Path(id): Path<i64>) -> Response {
    let f = cx.frame("/admin/cases");
    let Ok(g) = cx.user.case_worker() else {
        return forbidden(
            &f,
            f.lang.t(
                "只有执法检查人员、分析人员和管理员可以查看案件。",
                "Only inspectors, analysts and administrators see cases.",
            ),
        );
    };
    match get_case(&state.registry, &g, id).await {
        Ok(c) => case_detail(&f, &cx.user, &c, None).into_response(),
        Err(e) => app_error_page(&f, e),
    }
}

pub async fn case_step(
    State(state): State<SharedState>,
    cx: AdminPage,
    Path(id): Path<i64>,
    axum::Form(form): axum::Form<std::collections::HashMap<String, String>>,
) -> Response {
    let user = &cx.user;
    let f = cx.frame("/admin/cases");
    let g = match case_grant(&f, user) {
        Ok(g) => g,
        Err(r) => return r,
    };
    if !crate::security::csrf_ok(&cx.csrf, form.get("csrf").map_or("", String::as_str)) {
        return form_expired(&f);
    }
    let field = |k: &str| form.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let step_code = field("step");
    let Some(step_kind) = certguard_casework::case::Step::from_code(&step_code) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let decision = if step_kind == certguard_casework::case::Step::Decide {
        let offence = certguard_casework::penalty::Offence::from_code(&field("offence"));
        let fine = field("fine_yuan").parse::<u64>().ok();
        let responsible: Result<Vec<u64>, _> = field("responsible")
            .split([',', '，'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::parse::<u64>)
            .collect();
        match (offence, fine, responsible) {
            (Some(offence), Some(fine_yuan), Ok(responsible_person_fines)) => {
                Some(certguard_casework::penalty::PenaltyDecision {
                    offence,
                    repeat: form.contains_key("repeat"),
                    fine_yuan,
                    responsible_person_fines,
                    warning: form.contains_key("warning"),
                    stop_work: form.contains_key("stop_work"),
                })
            }
            _ => None,
        }
    } else {
        None
    };
    let req =
        StepRequest { step: step_kind, version: field("version").parse().ok(), note: Some(field("note")), decision };
    match step(&state.registry, &g, id, req).await {
        Ok(_) => axum::response::Redirect::to(&format!("/admin/cases/{id}")).into_response(),
        Err(e @ (AppError::Invalid { .. } | AppError::Conflict(_) | AppError::Denied(_))) => {
            let status = match &e {
                AppError::Denied(_) => StatusCode::FORBIDDEN,
                AppError::Conflict(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            match get_case(&state.registry, &g, id).await {
                Ok(c) => (status, case_detail(&f, user, &c, Some(e.to_string()))).into_response(),
                Err(e) => app_error_page(&f, e),
            }
        }
        Err(e) => app_error_page(&f, e),
    }
}

/// Opens a case from a finding of the inspection just recorded (the button on its page).
pub async fn open_from_finding(
    State(state): State<SharedState>,
    cx: AdminPage,
    axum::Form(form): axum::Form<std::collections::HashMap<String, String>>,
) -> Response {
    let f = cx.frame("/admin/cases");
    let l = f.lang;
    let Ok(g) = cx.user.case_worker() else {
        return forbidden(
            &f,
            l.t("只有执法检查人员和管理员可以立案。", "Only inspectors and administrators open cases."),
        );
    };
    if !crate::security::csrf_ok(&cx.csrf, form.get("csrf").map_or("", String::as_str)) {
        return form_expired(&f);
    }
    let (Some(inspection), Some(index)) =
        (form.get("inspection").and_then(|v| v.parse().ok()), form.get("index").and_then(|v| v.parse().ok()))
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let open = OpenCase {
        source: certguard_app::cases::CaseSource::Finding { inspection, index },
        title: None,
        offence: None,
        region: None,
        note: None,
    };
    match open_case(&state.registry, &g, open).await {
        Ok(c) => axum::response::Redirect::to(&format!("/admin/cases/{}", c.id)).into_response(),
        Err(e) => app_error_page(&f, e),
    }
}
