//! Leads for analysts: the list with filters and a counter per status, the detail with evidence, score
//! breakdown, linked leads and history, bulk workflow steps, and exports (STIX 2.1, MISP, CSV). The same under
//! `/api/v1/leads`, and `POST /api/v1/ads` for ad feeds.

use crate::SharedState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::pages::admin::{admin_nav, forbidden};
use crate::pages::context::AdminPage;
use crate::pages::layout::{Frame, csrf_input, page};
use crate::security::ClientAddr;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Extension, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use certguard_access::{AnalystGrant, Principal};
use certguard_app::AppError;
use certguard_app::leads::export::{Format, Selection};
use certguard_app::leads::{self, detect};
use certguard_leads::stix::Producer;
use certguard_leads::{Lead, LeadKind, LeadStatus};
use certguard_store::LeadQuery;
use chrono::{DateTime, NaiveDate, Utc};
use maud::{Markup, html};
use serde::{Deserialize, Serialize};

/// Leads on one page of the list.
const PAGE_ROWS: u32 = 100;

/// The filters of the list, as the query string carries them.
#[derive(Deserialize, Default, Clone)]
pub struct LeadFilter {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    min_score: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    region: String,
    /// YYYY-MM-DD, seen on or after.
    #[serde(default)]
    since: String,
    /// YYYY-MM-DD, seen on or before.
    #[serde(default)]
    until: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: u32,
}

fn day_start(s: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::invalid("date", format!("{s} 不是日期 (YYYY-MM-DD)")))?;
    // Beijing dates: a day starts at 16:00 UTC the day before.
    Ok(Some(d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - chrono::Duration::hours(8)))
}

impl LeadFilter {
    fn query(&self, limit: u32) -> Result<LeadQuery, AppError> {
        let text = |s: &str| Some(s.trim().chars().take(128).collect::<String>()).filter(|s| !s.is_empty());
        let kind = match self.kind.trim() {
            "" => None,
            k => Some(LeadKind::parse(k).ok_or_else(|| AppError::invalid("kind", format!("unknown kind {k}")))?),
        };
        let status = match self.status.trim() {
            "" => None,
            s => Some(LeadStatus::parse(s).ok_or_else(|| AppError::invalid("status", format!("unknown status {s}")))?),
        };
        let min_score = match self.min_score.trim() {
            "" => None,
            s => Some(s.parse::<i32>().map_err(|_| AppError::invalid("min_score", "not a number"))?),
        };
        Ok(LeadQuery {
            kind,
            status,
            min_score,
            source_prefix: text(&self.source),
            region: text(&self.region),
            seen_since: day_start(&self.since)?,
            seen_until: day_start(&self.until)?.map(|t| t + chrono::Duration::days(1)),
            text: text(&self.q),
            limit,
            offset: self.page.min(100_000) * limit,
        })
    }

    fn href(&self, page: u32) -> String {
        let enc = crate::auth::urlencode;
        format!(
            "/admin/leads?kind={}&status={}&min_score={}&source={}&region={}&since={}&until={}&q={}&page={page}",
            enc(&self.kind),
            enc(&self.status),
            enc(&self.min_score),
            enc(&self.source),
            enc(&self.region),
            enc(&self.since),
            enc(&self.until),
            enc(&self.q)
        )
    }
}

// A Response is the natural early return of a handler; boxing it would only add noise.
#[allow(clippy::result_large_err)]
fn analyst_or_forbidden(f: &Frame, user: &Principal) -> Result<AnalystGrant, Response> {
    user.analyst().map_err(|_| {
        forbidden(
            f,
            f.lang.t("只有线索分析人员和管理员可以处理线索。", "Only analysts and administrators work on leads."),
        )
    })
}

fn error_page(f: &Frame, e: AppError) -> Response {
    let l = f.lang;
    let (status, msg) = match &e {
        AppError::NotFound => (StatusCode::NOT_FOUND, l.t("未找到该线索", "Lead not found").to_string()),
        AppError::Conflict(_) => (
            StatusCode::CONFLICT,
            l.t("线索已被他人改动，请刷新后重试", "Someone changed the lead meanwhile: reload and try again")
                .to_string(),
        ),
        AppError::Store(_) => {
            tracing::error!(error = %e, "lead request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                l.t("系统暂时不可用", "The system is unavailable right now").to_string(),
            )
        }
        other => (StatusCode::UNPROCESSABLE_ENTITY, other.to_string()),
    };
    let body = html! { h1 { (l.t("未能完成", "Not done")) } div.card { p.error { (msg) } } p { a href="/admin/leads" { (l.t("返回线索列表", "Back to leads")) } } };
    (status, page(f, l.t("线索", "Leads"), body)).into_response()
}

fn status_tone(s: LeadStatus) -> &'static str {
    match s {
        LeadStatus::New => "warn",
        LeadStatus::Confirmed | LeadStatus::Reported => "bad",
        LeadStatus::Dismissed => "unknown",
        LeadStatus::TakenDown => "ok",
    }
}

fn status_badge(l: crate::i18n::Lang, s: LeadStatus) -> Markup {
    html! { span class={ "badge " (status_tone(s)) } { (l.t(s.zh(), s.en())) } }
}

fn kind_label(l: crate::i18n::Lang, k: LeadKind) -> &'static str {
    l.t(k.zh(), k.en())
}

fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

fn move_form(f: &Frame, to_choices: &[LeadStatus], single: Option<i64>) -> Markup {
    let l = f.lang;
    html! {
        div.card {
            (csrf_input(f.csrf))
            @if let Some(id) = single { input type="hidden" name="ids" value=(id); }
            label for="to" { (l.t("改为", "Move to")) }
            select id="to" name="to" {
                @for s in to_choices { option value=(s.code()) { (l.t(s.zh(), s.en())) } }
            }
            label for="note" { (l.t("依据（必填）", "Note (required)")) }
            textarea id="note" name="note" rows="2" maxlength="2000" {}
            div.actions { button type="submit" { (l.t("提交", "Submit")) } }
        }
    }
}

pub async fn list(State(state): State<SharedState>, cx: AdminPage, Query(filter): Query<LeadFilter>) -> Response {
    let l = cx.lang;
    let f = cx.frame("/admin/leads");
    let analyst = match analyst_or_forbidden(&f, &cx.user) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let result = async {
        let query = filter.query(PAGE_ROWS + 1)?;
        let leads = leads::list(&state.registry, &analyst, &query).await?;
        let counts = leads::counts(&state.registry, &analyst).await?;
        Ok::<_, AppError>((leads, counts))
    }
    .await;
    let (mut rows, counts) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&f, e),
    };
    let more = rows.len() > PAGE_ROWS as usize;
    rows.truncate(PAGE_ROWS as usize);
    let page_no = filter.page.min(100_000);
    let title = l.t("线索研判", "Leads");
    page(&f, title, html! {
        h1 { (title) }
        (admin_nav(l, &cx.user))
        nav.actions aria-label=(l.t("按状态", "By status")) {
            @for (s, n) in &counts {
                a.button.secondary href={ "/admin/leads?status=" (s.code()) } { (l.t(s.zh(), s.en())) " " strong.count { (l.number(*n as u64)) } }
            }
        }
        form.card.filters method="get" action="/admin/leads" {
            label for="kind" { (l.t("类型", "Kind")) }
            select id="kind" name="kind" {
                option value="" { (l.t("全部", "All")) }
                @for k in LeadKind::ALL { option value=(k.code()) selected[filter.kind == k.code()] { (kind_label(l, k)) } }
            }
            label for="status" { (l.t("状态", "Status")) }
            select id="status" name="status" {
                option value="" { (l.t("全部", "All")) }
                @for s in LeadStatus::ALL { option value=(s.code()) selected[filter.status == s.code()] { (l.t(s.zh(), s.en())) } }
            }
            label for="min_score" { (l.t("最低分数", "Minimum score")) }
            input id="min_score" name="min_score" inputmode="numeric" value=(filter.min_score) maxlength="6";
            label for="source" { (l.t("来源（前缀，如 ct: 或 qr_scan）", "Source (prefix, e.g. ct: or qr_scan)")) }
            input id="source" name="source" value=(filter.source) maxlength="64";
            label for="region" { (l.t("地区代码（如 32）", "Region code (e.g. 32)")) }
            input id="region" name="region" value=(filter.region) maxlength="6";
            label for="since" { (l.t("最近发现自", "Seen from")) }
            input id="since" name="since" type="date" value=(filter.since);
            label for="until" { (l.t("至", "to")) }
            input id="until" name="until" type="date" value=(filter.until);
            label for="q" { (l.t("包含文字", "Contains")) }
            input id="q" name="q" value=(filter.q) maxlength="128";
            div.actions { button type="submit" { (l.t("筛选", "Filter")) } }
        }
        nav.actions aria-label=(l.t("导出", "Export")) {
            @for (fmt, label) in [("stix", "STIX 2.1"), ("misp", "MISP"), ("csv", "CSV")] {
                a.button.secondary href={ "/admin/leads/export?format=" (fmt) "&status=" (filter.status) "&kind=" (filter.kind) } { (l.t("导出 ", "Export ")) (label) }
            }
        }
        form method="post" action="/admin/leads/move" {
            div.table-wrap { table {
                thead { tr {
                    th { span.visually-hidden { (l.t("选择", "Select")) } }
                    th { (l.t("类型", "Kind")) } th { (l.t("内容", "What")) } th { (l.t("状态", "Status")) }
                    th { (l.t("分数", "Score")) } th { (l.t("来源", "Source")) } th { (l.t("次数", "Seen")) } th { (l.t("最近发现", "Last seen")) }
                } }
                tbody { @for x in &rows { tr {
                    td { input type="checkbox" name="ids" value=(x.id) aria-label={ (l.t("选择线索 ", "Select lead ")) (x.id) }; }
                    td { (kind_label(l, x.kind)) }
                    td { a href={ "/admin/leads/" (x.id) } { code { (shorten(&x.value, 80)) } } }
                    td { (status_badge(l, x.status)) }
                    td { (x.score) } td { (x.source) } td { (x.sightings) }
                    td { (x.last_seen.format("%Y-%m-%d %H:%M")) }
                } } }
            } }
            @if rows.is_empty() { p { (l.t("没有符合条件的线索。", "No matching leads.")) } }
            @else { (move_form(&f, &LeadStatus::ALL, None)) }
        }
        nav.actions aria-label=(l.t("翻页", "Pages")) {
            @if page_no > 0 { a.button.secondary href=(filter.href(page_no - 1)) { (l.t("← 较新", "← Newer")) } }
            span { (l.t("第 ", "Page ")) (page_no + 1) (l.t(" 页", "")) }
            @if more { a.button.secondary href=(filter.href(page_no + 1)) { (l.t("较早 →", "Older →")) } }
        }
    })
    .into_response()
}

fn job_label(l: crate::i18n::Lang, kind: certguard_store::LeadJobKind) -> &'static str {
    match kind {
        certguard_store::LeadJobKind::Page => l.t("抓取并研判页面", "Fetch and judge the page"),
        certguard_store::LeadJobKind::Notify => l.t("推送通知", "Notify the webhook"),
    }
}

fn job_state_label(l: crate::i18n::Lang, state: &str) -> &'static str {
    match state {
        "done" => l.t("已完成", "done"),
        "failed" => l.t("已放弃", "given up"),
        _ => l.t("排队中", "queued"),
    }
}

/// The evidence text with its matched spans marked.
fn marked(text: &str, spans: &[certguard_leads::Span]) -> Markup {
    let mut pieces: Vec<(bool, &str, &str)> = Vec::new();
    let mut at = 0;
    for s in spans {
        if s.start < at || s.end > text.len() || !text.is_char_boundary(s.start) || !text.is_char_boundary(s.end) {
            continue;
        }
        pieces.push((false, &text[at..s.start], ""));
        pieces.push((true, &text[s.start..s.end], s.label.as_str()));
        at = s.end;
    }
    pieces.push((false, &text[at..], ""));
    html! { p.evidence { @for (hit, t, label) in pieces { @if hit { mark title=(label) { (t) } } @else { (t) } } } }
}

pub async fn detail(State(state): State<SharedState>, cx: AdminPage, Path(id): Path<i64>) -> Response {
    let l = cx.lang;
    let path = format!("/admin/leads/{id}");
    let f = cx.frame(&path);
    let analyst = match analyst_or_forbidden(&f, &cx.user) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let d = match leads::detail(&state.registry, &analyst, id).await {
        Ok(d) => d,
        Err(e) => return error_page(&f, e),
    };
    let lead = &d.lead;
    let title = format!("{} {}", kind_label(l, lead.kind), shorten(&lead.value, 60));
    page(&f, &title, html! {
        h1 { (kind_label(l, lead.kind)) " " code { (shorten(&lead.value, 120)) } }
        (admin_nav(l, &cx.user))
        div.card {
            dl {
                dt { (l.t("状态", "Status")) } dd { (status_badge(l, lead.status)) }
                dt { (l.t("键（去重依据）", "Key (deduplicates)")) } dd { code { (lead.key) } }
                dt { (l.t("分数", "Score")) } dd { (lead.score) }
                dt { (l.t("首次来源", "First source")) } dd { (lead.source) }
                dt { (l.t("地区", "Region")) } dd { (lead.region.clone().unwrap_or_else(|| "—".into())) }
                dt { (l.t("首次发现", "First seen")) } dd { (lead.first_seen.format("%Y-%m-%d %H:%M:%S")) }
                dt { (l.t("最近发现", "Last seen")) } dd { (lead.last_seen.format("%Y-%m-%d %H:%M:%S")) }
                dt { (l.t("发现次数", "Sightings")) } dd { (lead.sightings) }
            }
        }
        h2 { (l.t("评分依据", "Score breakdown")) }
        @if lead.reasons.is_empty() { p { (l.t("无", "None")) } }
        @else { div.table-wrap { table {
            thead { tr { th { (l.t("依据", "Reason")) } th { (l.t("分值", "Points")) } th { (l.t("代码", "Code")) } } }
            tbody { @for r in &lead.reasons { tr { td { (l.t(&r.zh, &r.en)) } td { (r.points) } td { code { (r.code) } } } } }
        } } }
        h2 { (l.t("证据", "Evidence")) }
        div.card {
            @if let Some(h) = &lead.evidence.snapshot_sha256 { p { (l.t("页面快照 SHA-256：", "Page snapshot SHA-256: ")) code { (h) } } }
            @if let Some(v) = &lead.evidence.page_verdict { p { (l.t("页面判断：", "Page verdict: ")) (v) } }
            @if !lead.evidence.redirect_chain.is_empty() {
                p { (l.t("跳转链：", "Redirect chain:")) }
                ol { @for u in &lead.evidence.redirect_chain { li { code { (u) } } } }
            }
            @if let Some(t) = &lead.evidence.text_extract { (marked(t, &lead.evidence.spans)) }
            @if lead.evidence.is_empty() { p { (l.t("暂无证据。", "No evidence yet.")) } }
        }
        @if !d.jobs.is_empty() {
            h2 { (l.t("后台任务", "Background work")) }
            div.table-wrap { table {
                thead { tr { th { (l.t("任务", "Job")) } th { (l.t("状态", "State")) } th { (l.t("尝试次数", "Attempts")) } th { (l.t("结果或错误", "Result or error")) } th { (l.t("更新时间", "Updated")) } } }
                tbody { @for j in &d.jobs { tr {
                    td { (job_label(l, j.kind)) }
                    td { (job_state_label(l, &j.state)) }
                    td { (j.attempts) }
                    td { @if let Some(e) = &j.last_error { (shorten(e, 200)) } @else if let Some(r) = &j.result { code { (shorten(r, 80)) } } }
                    td { (j.updated_at.format("%Y-%m-%d %H:%M")) }
                } } }
            } }
        }
        h2 { (l.t("关联线索", "Linked leads")) " (" (d.linked.len()) ")" }
        @if !d.linked.is_empty() { div.table-wrap { table {
            thead { tr { th { (l.t("关系", "Relation")) } th { (l.t("类型", "Kind")) } th { (l.t("内容", "What")) } th { (l.t("状态", "Status")) } th { (l.t("分数", "Score")) } } }
            tbody { @for (rel, x) in &d.linked { tr {
                td { (rel.zh()) } td { (kind_label(l, x.kind)) }
                td { a href={ "/admin/leads/" (x.id) } { code { (shorten(&x.value, 80)) } } }
                td { (status_badge(l, x.status)) } td { (x.score) }
            } } }
        } } }
        h2 { (l.t("处置记录", "History")) }
        @if d.history.is_empty() { p { (l.t("尚无处置。", "No steps yet.")) } }
        @else { ol { @for h in &d.history { li {
            (h.at.format("%Y-%m-%d %H:%M")) " " (h.actor) "：" (l.t(h.from.zh(), h.from.en())) " → " (l.t(h.to.zh(), h.to.en())) "（" (h.note) "）"
        } } } }
        @if !lead.status.next().is_empty() {
            h2 { (l.t("处置", "Next step")) }
            form method="post" action="/admin/leads/move" { (move_form(&f, lead.status.next(), Some(lead.id))) }
        }
    })
    .into_response()
}

/// A bulk step from the list or a single one from the detail page.
pub async fn move_leads(
    State(state): State<SharedState>,
    cx: AdminPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    body: Bytes,
) -> Response {
    let f = cx.frame("/admin/leads");
    let form = match cx.posted_form(&f, &body) {
        Ok(form) => form,
        Err(r) => return r,
    };
    let analyst = match analyst_or_forbidden(&f, &cx.user) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let outcome = async {
        let ids = form
            .all("ids")
            .map(|v| v.parse::<i64>().map_err(|_| AppError::invalid("ids", format!("{v} is not a lead"))))
            .collect::<Result<Vec<_>, _>>()?;
        let to = LeadStatus::parse(form.get("to")).ok_or_else(|| AppError::invalid("to", "choose a status"))?;
        leads::move_leads(&state.registry, &analyst, &ids, to, form.get("note"), Some(&ip.to_string())).await?;
        Ok::<_, AppError>(ids)
    }
    .await;
    match outcome {
        Ok(ids) if ids.len() == 1 => Redirect::to(&format!("/admin/leads/{}", ids[0])).into_response(),
        Ok(_) => Redirect::to("/admin/leads").into_response(),
        Err(e) => error_page(&f, e),
    }
}

#[derive(Deserialize)]
pub struct ExportParams {
    format: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    kind: String,
}

fn producer(state: &SharedState) -> Producer {
    Producer { name: state.config.exporter_name.clone(), code: state.config.exporter_code.clone() }
}

async fn export_response(
    state: &SharedState,
    analyst: &AnalystGrant,
    p: &ExportParams,
    client: &str,
) -> Result<Response, AppError> {
    let format = Format::parse(&p.format).ok_or_else(|| AppError::invalid("format", "stix, misp or csv"))?;
    let filter = LeadFilter { status: p.status.clone(), kind: p.kind.clone(), ..LeadFilter::default() };
    let q = filter.query(1)?;
    let selection = Selection { status: q.status, kind: q.kind };
    let (body, _) =
        leads::export::export(&state.registry, analyst, format, &selection, &producer(state), Some(client)).await?;
    let name =
        format!("certguard-leads-{}.{}", state.registry.clock().now().format("%Y%m%d-%H%M%S"), format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response())
}

pub async fn export_page(
    State(state): State<SharedState>,
    cx: AdminPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    Query(p): Query<ExportParams>,
) -> Response {
    let f = cx.frame("/admin/leads");
    let analyst = match analyst_or_forbidden(&f, &cx.user) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match export_response(&state, &analyst, &p, &ip.to_string()).await {
        Ok(r) => r,
        Err(e) => error_page(&f, e),
    }
}

// ---- API ----

#[derive(Serialize)]
pub struct LeadList {
    pub items: Vec<Lead>,
    pub counts: std::collections::BTreeMap<&'static str, i64>,
}

pub async fn api_list(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Query(filter): Query<LeadFilter>,
    Query(paging): Query<Paging>,
) -> Result<Json<LeadList>, ApiError> {
    let analyst = user.analyst().map_err(AppError::from)?;
    let mut query = filter.query(paging.limit.unwrap_or(100).clamp(1, 1000))?;
    query.offset = paging.offset.unwrap_or(0);
    let items = leads::list(&state.registry, &analyst, &query).await?;
    let counts = leads::counts(&state.registry, &analyst).await?.into_iter().map(|(s, n)| (s.code(), n)).collect();
    Ok(Json(LeadList { items, counts }))
}

#[derive(Deserialize)]
pub struct Paging {
    limit: Option<u32>,
    offset: Option<u32>,
}

pub async fn api_detail(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Json<certguard_store::LeadDetail>, ApiError> {
    let analyst = user.analyst().map_err(AppError::from)?;
    Ok(Json(leads::detail(&state.registry, &analyst, id).await?))
}

#[derive(Deserialize)]
pub struct MoveRequest {
    ids: Vec<i64>,
    to: String,
    #[serde(default)]
    note: String,
}

#[derive(Serialize)]
pub struct MoveResponse {
    moved: usize,
}

pub async fn api_move(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    payload: Result<Json<MoveRequest>, JsonRejection>,
) -> Result<Json<MoveResponse>, ApiError> {
    let analyst = user.analyst().map_err(AppError::from)?;
    let req = crate::api::body(payload)?;
    let to = LeadStatus::parse(&req.to).ok_or_else(|| ApiError::bad_request(format!("unknown status {}", req.to)))?;
    let moved = leads::move_leads(&state.registry, &analyst, &req.ids, to, &req.note, Some(&ip.to_string())).await?;
    Ok(Json(MoveResponse { moved }))
}

pub async fn api_export(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    Query(p): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let analyst = user.analyst().map_err(AppError::from)?;
    Ok(export_response(&state, &analyst, &p, &ip.to_string()).await?)
}

/// One ad from a feed.
#[derive(Deserialize)]
pub struct AdItem {
    pub text: String,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub seen_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub region: Option<String>,
}

/// Largest body of `POST /api/v1/ads` (a full batch of long ads).
pub const ADS_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Most ads in one request, and longest ad text (characters).
pub const MAX_ADS: usize = 500;
pub const MAX_AD_CHARS: usize = 20_000;

/// What happened to each ad of a request, in order.
#[derive(Serialize)]
pub struct AdOutcome {
    pub index: usize,
    /// `lead` (flagged and stored), `clean` (not flagged) or `error`.
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lead_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `POST /api/v1/ads`: one ad (an object) or several (an array) from a feed; flagged ones become leads with
/// their contacts. Needs a token of an analyst (or admin).
pub async fn api_ads(
    State(state): State<SharedState>,
    ApiUser(user): ApiUser,
    payload: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<Vec<AdOutcome>>, ApiError> {
    let _analyst = user.analyst().map_err(AppError::from)?;
    let items = match crate::api::body(payload)? {
        serde_json::Value::Array(items) => items,
        one => vec![one],
    };
    if items.len() > MAX_ADS {
        return Err(ApiError::bad_request(format!("at most {MAX_ADS} ads per request")));
    }
    let now = state.registry.clock().now();
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let err = |e: String| AdOutcome { index, result: "error", lead_id: None, created: None, error: Some(e) };
        let ad: AdItem = match serde_json::from_value(item) {
            Ok(a) => a,
            Err(e) => {
                out.push(err(format!("not an ad ({{text, source, url, seen_at}}): {e}")));
                continue;
            }
        };
        if ad.text.chars().count() > MAX_AD_CHARS {
            out.push(err(format!("text longer than {MAX_AD_CHARS} characters")));
            continue;
        }
        let source = match ad.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => format!("ads_api:{}", s.chars().take(64).collect::<String>()),
            None => "ads_api".to_string(),
        };
        // A feed's clock may be wrong; a sighting is never dated in the future.
        let seen_at = ad.seen_at.unwrap_or(now).min(now);
        let region = ad.region.filter(|r| r.len() <= 6 && r.bytes().all(|b| b.is_ascii_digit()));
        match detect::ad(&ad.text, &source, ad.url.as_deref(), seen_at, region) {
            Err(e) => out.push(err(e)),
            Ok(None) => out.push(AdOutcome { index, result: "clean", lead_id: None, created: None, error: None }),
            Ok(Some(batch)) => {
                let stored = leads::record(&state.registry, &batch).await?;
                out.push(AdOutcome {
                    index,
                    result: "lead",
                    lead_id: stored.first().map(|u| u.id),
                    created: stored.first().map(|u| u.created),
                    error: None,
                });
            }
        }
    }
    Ok(Json(out))
}

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/admin/leads", get(list))
        .route("/admin/leads/move", post(move_leads))
        .route("/admin/leads/export", get(export_page))
        .route("/admin/leads/{id}", get(detail))
        .route("/api/v1/leads", get(api_list))
        .route("/api/v1/leads/move", post(api_move))
        .route("/api/v1/leads/export", get(api_export))
        .route("/api/v1/leads/{id}", get(api_detail))
        .route("/api/v1/ads", post(api_ads).layer(DefaultBodyLimit::max(ADS_MAX_BYTES)))
}
