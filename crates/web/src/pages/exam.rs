//! Exam integrity over HTTP: `POST /api/v1/exam/events`, where an exam centre's terminals (or its relay) send
//! their events as JSON lines (the token of an exam-centre account, whose username names the centre;
//! idempotent by event id, so a terminal resends a batch it is unsure of; each request is one audit record);
//! and the reviewer's pages (admins, inspectors): flagged sessions ranked by evidence, per exam and room, a
//! session's timeline as a chart with its findings, and the reviewer's decision (confirmed / cleared, with a
//! reason, in the audit log).

use crate::SharedState;
use crate::auth::ApiUser;
use crate::error::ApiError;
use crate::pages::admin::{admin_nav, forbidden};
use crate::pages::context::AdminPage;
use crate::pages::layout::{Frame, csrf_input, page};
use crate::security::ClientAddr;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use certguard_access::ExamReviewerGrant;
use certguard_app::AppError;
use certguard_app::exam::{IngestReport, Review, Timeline, analyze_stored, ingest, review, reviews, timeline};
use certguard_exam::{Analysis, Options};
use certguard_store::AuditRecord;
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::Arc;

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

/// Flagged sessions listed on one page.
const LIST_ROWS: usize = 200;

#[allow(clippy::result_large_err)]
fn reviewer_or_forbidden(f: &Frame, user: &certguard_access::Principal) -> Result<ExamReviewerGrant, Response> {
    user.exam_reviewer().map_err(|_| {
        forbidden(
            f,
            f.lang.t("只有执法检查人员和管理员可以审查考试。", "Only inspectors and administrators review exams."),
        )
    })
}

fn error_page(f: &Frame, e: AppError) -> Response {
    let l = f.lang;
    let (status, msg) = match &e {
        AppError::NotFound => (StatusCode::NOT_FOUND, l.t("未找到该考试会话", "Session not found").to_string()),
        AppError::Store(_) => {
            tracing::error!(error = %e, "exam review request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                l.t("系统暂时不可用", "The system is unavailable right now").to_string(),
            )
        }
        other => (StatusCode::UNPROCESSABLE_ENTITY, other.to_string()),
    };
    let body = html! { h1 { (l.t("未能完成", "Not done")) } div.card { p.error { (msg) } } p { a href="/admin/exam" { (l.t("返回考试监测", "Back to exam integrity")) } } };
    (status, page(f, l.t("考试监测", "Exam integrity"), body)).into_response()
}

/// The analysis of every stored event, redone only when events have arrived since the last one.
async fn current_analysis(state: &SharedState) -> Result<Arc<Analysis>, AppError> {
    let count = state.registry.store().exam_event_count().await?;
    let mut cache = state.exam_analysis.lock().await;
    if let Some((n, a)) = cache.as_ref()
        && *n == count
    {
        return Ok(a.clone());
    }
    let analysis = Arc::new(analyze_stored(&state.registry, &Options::default()).await?);
    *cache = Some((count, analysis.clone()));
    Ok(analysis)
}

#[derive(Deserialize, Default)]
pub struct ListFilter {
    #[serde(default)]
    exam: String,
    #[serde(default)]
    room: String,
}

fn kinds_label(l: crate::i18n::Lang, kinds: &[certguard_exam::Kind]) -> String {
    kinds.iter().map(|k| l.t(k.zh(), k.code())).collect::<Vec<_>>().join("、")
}

fn decision_badge(l: crate::i18n::Lang, r: Option<&Review>) -> Markup {
    match r.map(|r| r.decision.as_str()) {
        Some("confirmed") => html! { span.badge.bad { (l.t("已确认作弊", "confirmed")) } },
        Some("cleared") => html! { span.badge.ok { (l.t("已排除", "cleared")) } },
        _ => html! { span.badge.warn { (l.t("待审查", "to review")) } },
    }
}

/// `GET /admin/exam`: flagged sessions, highest evidence first, with a summary per exam.
pub async fn list(State(state): State<SharedState>, cx: AdminPage, Query(filter): Query<ListFilter>) -> Response {
    let l = cx.lang;
    let f = cx.frame("/admin/exam");
    let reviewer = match reviewer_or_forbidden(&f, &cx.user) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let result = async {
        let analysis = current_analysis(&state).await?;
        let decided = reviews(&state.registry, &reviewer).await?;
        Ok::<_, AppError>((analysis, decided))
    }
    .await;
    let (analysis, decided) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&f, e),
    };
    let mut exams: std::collections::BTreeMap<&str, (usize, usize)> = std::collections::BTreeMap::new();
    for s in &analysis.sessions {
        let e = exams.entry(s.exam.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(s.flagged);
    }
    let mut flagged: Vec<_> = analysis
        .sessions
        .iter()
        .filter(|s| s.flagged)
        .filter(|s| filter.exam.is_empty() || s.exam == filter.exam)
        .filter(|s| filter.room.is_empty() || s.room == filter.room)
        .collect();
    flagged.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.session.cmp(&b.session)));
    let total = flagged.len();
    flagged.truncate(LIST_ROWS);
    let title = l.t("考试监测", "Exam integrity");
    page(&f, title, html! {
        h1 { (title) }
        (admin_nav(l, &cx.user))
        @if analysis.sessions.is_empty() {
            div.card { p { (l.t("尚未收到考场数据。考点用令牌向 POST /api/v1/exam/events 发送事件。", "No exam-room events yet. Exam centres send them to POST /api/v1/exam/events with their token.")) } }
        } @else {
            div.table-wrap { table {
                thead { tr { th { (l.t("考试", "Exam")) } th { (l.t("会话", "Sessions")) } th { (l.t("疑似作弊", "Flagged")) } } }
                tbody { @for (name, (n, k)) in &exams { tr {
                    td { a href={ "/admin/exam?exam=" (urlencode(name)) } { (name) } } td { (n) } td { strong { (k) } }
                } } }
            } }
            form.card.filters method="get" action="/admin/exam" {
                label for="exam" { (l.t("考试", "Exam")) }
                input id="exam" name="exam" value=(filter.exam) maxlength="200";
                label for="room" { (l.t("考场", "Room")) }
                input id="room" name="room" value=(filter.room) maxlength="200";
                div.actions { button type="submit" { (l.t("筛选", "Filter")) } }
            }
            h2 { (l.t("疑似作弊的会话", "Flagged sessions")) " (" (total) ")" }
            @if flagged.is_empty() { p { (l.t("没有疑似作弊的会话。", "No flagged sessions.")) } }
            @else { div.table-wrap { table {
                thead { tr {
                    th { (l.t("会话", "Session")) } th { (l.t("考生", "Candidate")) } th { (l.t("考场", "Room")) }
                    th { (l.t("类型", "Kinds")) } th { (l.t("证据分", "Score")) } th { (l.t("主要依据", "Main finding")) } th { (l.t("审查", "Review")) }
                } }
                tbody { @for s in &flagged { tr {
                    td { a href={ "/admin/exam/session?id=" (urlencode(&s.session)) } { code { (s.session) } } }
                    td { (s.candidate) } td { (s.room) }
                    td { (kinds_label(l, &s.kinds)) }
                    td { (format!("{:.1}", s.score)) }
                    td { @if let Some(first) = s.findings.first() { (l.t(&first.zh, &first.en)) } }
                    td { (decision_badge(l, decided.get(&s.session))) }
                } } }
            } } }
            @if !analysis.without_start.is_empty() {
                p.hint { (l.t("无开始事件、未分析的会话：", "Sessions without a start, not analysed: ")) (analysis.without_start.len()) }
            }
        }
    })
    .into_response()
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).map(|q| q[1..].to_string()).unwrap_or_default()
}

/// The timeline as inline SVG: answers as ticks, local input as bars, software, devices and displays as marks.
fn timeline_chart(l: crate::i18n::Lang, t: &Timeline) -> Markup {
    let width = 900.0;
    let span = (t.end - t.start).max(1) as f64;
    let x = |ms: i64| 60.0 + (ms as f64 / span).clamp(0.0, 1.0) * (width - 80.0);
    let max_input = t.input.iter().map(|i| i.2).max().unwrap_or(1).max(1) as f64;
    let minutes = (span / 60_000.0).ceil() as i64;
    let step = if minutes > 60 { 15 } else { 5 };
    html! {
        svg.chart viewBox="0 0 900 230" width="100%" role="img" aria-label=(l.t("会话时间线", "Session timeline")) {
            text x="4" y="40" { (l.t("作答", "Answers")) }
            @for a in &t.answers { line x1=(format!("{:.1}", x(a.0))) x2=(format!("{:.1}", x(a.0))) y1="22" y2="52" stroke="#1f4e8c" stroke-width="1" {} }
            text x="4" y="110" { (l.t("本机输入", "Local input")) }
            @for i in &t.input {
                @let h = (f64::from(i.2) / max_input * 50.0).max(if i.2 > 0 { 1.0 } else { 0.0 });
                rect x=(format!("{:.1}", x(i.0))) y=(format!("{:.1}", 125.0 - h)) width=(format!("{:.1}", (x(i.1) - x(i.0)).max(0.5))) height=(format!("{:.1}", h)) fill="#11693a" {}
            }
            line x1="60" x2="880" y1="125" y2="125" stroke="#999" {}
            text x="4" y="160" { (l.t("异常", "Marks")) }
            @for (k, m) in t.marks.iter().enumerate().take(40) {
                circle cx=(format!("{:.1}", x(m.0))) cy="155" r="5" fill="#a3161b" { title { (m.1) } }
                @if k < 6 { text x=(format!("{:.1}", x(m.0) + 7.0)) y=(160 + (k as i64 % 3) * 14) font-size="11" { (m.1) } }
            }
            @for mi in (0..=minutes).step_by(step as usize) {
                text x=(format!("{:.1}", x(mi * 60_000))) y="222" font-size="11" text-anchor="middle" { (mi) "′" }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct SessionParams {
    id: String,
}

/// `GET /admin/exam/session?id=centre:session`: findings, the timeline, the decision.
pub async fn session(State(state): State<SharedState>, cx: AdminPage, Query(p): Query<SessionParams>) -> Response {
    let l = cx.lang;
    let f = cx.frame("/admin/exam");
    let reviewer = match reviewer_or_forbidden(&f, &cx.user) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let result = async {
        let t = timeline(&state.registry, &reviewer, &p.id).await?;
        let analysis = current_analysis(&state).await?;
        let decided = reviews(&state.registry, &reviewer).await?;
        Ok::<_, AppError>((t, analysis, decided))
    }
    .await;
    let (t, analysis, decided) = match result {
        Ok(r) => r,
        Err(e) => return error_page(&f, e),
    };
    let report = analysis.sessions.iter().find(|s| s.session == p.id);
    let decision = decided.get(&p.id);
    let title = l.t("考试会话", "Exam session");
    page(&f, title, html! {
        h1 { (title) " " code { (p.id) } }
        (admin_nav(l, &cx.user))
        @if let Some(r) = report {
            div.card {
                p { (l.t("考生：", "Candidate: ")) (r.candidate) " · " (l.t("考试：", "Exam: ")) (r.exam) " · " (l.t("考场：", "Room: ")) (r.room)
                    " · " (l.t("作答：", "Answered: ")) (r.answered) @if let Some(c) = r.correct { " · " (l.t("答对：", "Right: ")) (c) } }
                p { (l.t("证据分：", "Score: ")) strong { (format!("{:.1}", r.score)) } " " (decision_badge(l, decision)) }
            }
            h2 { (l.t("发现", "Findings")) }
            @if r.findings.is_empty() { p { (l.t("未发现异常。", "Nothing found.")) } }
            @else { ol { @for x in &r.findings { li {
                strong { (l.t(x.kind.zh(), x.kind.code())) } "：" (l.t(&x.zh, &x.en))
                @if !x.peers.is_empty() { " — " @for (i, peer) in x.peers.iter().enumerate().take(12) {
                    @if i > 0 { "、" }
                    @let key = peer_key(&p.id, peer);
                    a href={ "/admin/exam/session?id=" (urlencode(&key)) } { code { (peer) } }
                } }
            } } } }
        }
        h2 { (l.t("时间线", "Timeline")) }
        (timeline_chart(l, &t))
        p.hint { (l.t("时间为考试终端时钟，自会话开始计（分钟）。", "Terminal clock, minutes from the session's start.")) }
        @if let Some(d) = decision {
            p { (l.t("最近决定：", "Latest decision: ")) (d.decision) "（" (d.reason) "）" " — " (d.actor) " " (d.at.format("%Y-%m-%d %H:%M")) }
            @if d.decision == "confirmed" {
                p {
                    a.button.secondary href={ "/admin/exam/evidence?id=" (urlencode(&p.id)) } { (l.t("导出证据（供案件附卷）", "Export the evidence (for a case file)")) }
                    " " (l.t("该考生的证书将不予签发（签发时提供考生编号）。", "This candidate's certificate is refused (when issued with the candidate id)."))
                }
            }
        }
        h2 { (l.t("审查决定", "Decision")) }
        form.card method="post" action="/admin/exam/review" {
            (csrf_input(f.csrf))
            input type="hidden" name="id" value=(p.id);
            label for="decision" { (l.t("决定", "Decision")) }
            select id="decision" name="decision" {
                option value="confirmed" { (l.t("确认作弊", "Confirmed")) }
                option value="cleared" { (l.t("排除", "Cleared")) }
            }
            label for="reason" { (l.t("依据（必填）", "Reason (required)")) }
            textarea id="reason" name="reason" rows="2" maxlength="2000" {}
            div.actions { button type="submit" { (l.t("提交", "Submit")) } }
        }
    })
    .into_response()
}

/// A peer named in a finding, as a stored session key (peers share the centre of the session they were found
/// with, unless already qualified).
fn peer_key(of: &str, peer: &str) -> String {
    if peer.contains(':') {
        return peer.to_string();
    }
    match of.split_once(':') {
        Some((centre, _)) => format!("{centre}:{peer}"),
        None => peer.to_string(),
    }
}

/// `POST /admin/exam/review`: the reviewer's decision, with its reason, into the audit log.
pub async fn post_review(
    State(state): State<SharedState>,
    cx: AdminPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    body: Bytes,
) -> Response {
    let f = cx.frame("/admin/exam");
    let form = match cx.posted_form(&f, &body) {
        Ok(form) => form,
        Err(r) => return r,
    };
    let reviewer = match reviewer_or_forbidden(&f, &cx.user) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let id = form.get("id");
    match review(&state.registry, &reviewer, id, form.get("decision"), form.get("reason"), Some(&ip.to_string())).await
    {
        Ok(()) => Redirect::to(&format!("/admin/exam/session?id={}", urlencode(id))).into_response(),
        Err(e) => error_page(&f, e),
    }
}

#[derive(Deserialize)]
pub struct EvidenceQuery {
    id: String,
}

/// `GET /admin/exam/evidence?id=centre:session`: the evidence file of a session confirmed as cheating.
pub async fn evidence(State(state): State<SharedState>, cx: AdminPage, Query(q): Query<EvidenceQuery>) -> Response {
    let f = cx.frame("/admin/exam");
    let reviewer = match reviewer_or_forbidden(&f, &cx.user) {
        Ok(r) => r,
        Err(r) => return r,
    };
    match certguard_app::exam::evidence(&state.registry, &reviewer, &q.id).await {
        Ok(bytes) => {
            let name: String =
                q.id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
            (
                [
                    (axum::http::header::CONTENT_TYPE, "application/json".to_string()),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"exam-evidence-{name}.json\""),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => error_page(&f, e),
    }
}

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/api/v1/exam/events", post(api_events).layer(DefaultBodyLimit::max(EVENTS_MAX_BYTES)))
        .route("/admin/exam", get(list))
        .route("/admin/exam/session", get(session))
        .route("/admin/exam/review", post(post_review))
        .route("/admin/exam/evidence", get(evidence))
}
