//! The back office's shell: the dashboard, the navigation, and the refusals and error pages every back-office
//! page shares. Each capability's pages live in their own module (`certificates`, `import`, `audit`).

use crate::SharedState;
use crate::i18n::Lang;
use crate::pages::context::AdminPage;
use crate::pages::layout::{Frame, page, role_name};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use certguard_access::{Principal, RegistryReader, Role};
use certguard_app::AppError;
use certguard_registry::Status;
use certguard_store::CertificateQuery;
use maud::{Markup, html};

pub(crate) fn forbidden(f: &Frame, what: &str) -> Response {
    let l = f.lang;
    let body = html! {
        h1 { (l.t("无权访问", "Not permitted")) }
        div.card { p { (what) } }
    };
    (StatusCode::FORBIDDEN, page(f, l.t("无权访问", "Not permitted"), body)).into_response()
}

// A Response is the natural early return of a handler; boxing it would only add noise.
#[allow(clippy::result_large_err)]
pub(crate) fn reader_or_forbidden(f: &Frame, p: &Principal) -> Result<RegistryReader, Response> {
    p.registry_reader()
        .map_err(|_| forbidden(f, f.lang.t("您的角色不能查看登记册记录。", "Your role cannot read registry records.")))
}

pub(crate) fn admin_nav(l: Lang, p: &Principal) -> Markup {
    html! {
        nav.actions aria-label=(l.t("管理功能", "Back-office sections")) {
            a.button.secondary href="/admin" { (l.t("概况", "Overview")) }
            a.button.secondary href="/admin/certificates" { (l.t("证书列表", "Certificates")) }
            @if p.may_issue_somewhere() {
                a.button.secondary href="/admin/issue" { (l.t("发证", "Issue")) }
                a.button.secondary href="/admin/import" { (l.t("批量导入", "Import")) }
            }
            @if p.registry_reader().is_ok() {
                a.button.secondary href="/admin/export?format=xlsx" { (l.t("导出 XLSX", "Export XLSX")) }
                a.button.secondary href="/admin/export?format=csv" { (l.t("导出 CSV", "Export CSV")) }
            }
            @if matches!(p.role, Role::Admin | Role::Analyst) {
                a.button.secondary href="/admin/leads" { (l.t("线索研判", "Leads")) }
            }
            @if matches!(p.role, Role::Admin | Role::Inspector) {
                a.button.secondary href="/admin/inspect" { (l.t("现场检查", "Inspection")) }
            }
            @if p.case_worker().is_ok() {
                a.button.secondary href="/admin/cases" { (l.t("案件", "Cases")) }
                a.button.secondary href="/admin/campaign" { (l.t("专项行动数据", "Campaign figures")) }
            }
            @if p.roster_verifier().is_ok() {
                a.button.secondary href="/admin/roster" { (l.t("花名册核验", "Roster check")) }
            }
            @if p.exam_reviewer().is_ok() {
                a.button.secondary href="/admin/exam" { (l.t("考试监测", "Exam integrity")) }
            }
            @if p.role == Role::Admin { a.button.secondary href="/admin/audit" { (l.t("操作日志", "Audit log")) } }
        }
    }
}

/// A horizontal bar chart as inline SVG (no scripts, prints well).
fn bar_chart(l: Lang, rows: &[(String, u64, &'static str)]) -> Markup {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let height = rows.len() * 30 + 10;
    let color = |tone: &str| match tone {
        "ok" => "#11693a",
        "warn" => "#b06a00",
        _ => "#a3161b",
    };
    html! {
        svg.chart viewBox={ "0 0 640 " (height) } width="100%" role="img" aria-label=(l.t("各状态证书数量", "Certificates by status")) {
            @for (i, (label, n, tone)) in rows.iter().enumerate() {
                @let y = i * 30 + 5;
                @let w = (*n as f64 / max as f64 * 380.0).max(1.0);
                text x="150" y={ (y + 17) } text-anchor="end" { (label) }
                rect x="160" y=(y) width=(format!("{w:.1}")) height="22" fill=(color(tone)) {}
                text x={ (format!("{:.1}", 166.0 + w)) } y={ (y + 17) } { (l.number(*n)) }
            }
        }
    }
}

pub async fn dashboard(State(state): State<SharedState>, cx: AdminPage) -> Response {
    let user = &cx.user;
    let l = cx.lang;
    let f = cx.frame("/admin");
    let title = l.t("管理概况", "Overview");
    let Ok(reader) = user.registry_reader() else {
        let body = html! {
            h1 { (title) }
            (admin_nav(l, user))
            div.card {
                p { (l.t("您的角色：", "Your role: ")) strong { (role_name(l, user.role)) } }
                p { (l.t("请从上方选择工作内容；公开的证书查询与核验随时可用。",
                         "Choose your work above; the public lookup and verification are always available.")) }
            }
        };
        return page(&f, title, body).into_response();
    };
    let mut rows = Vec::new();
    let mut total = 0u64;
    for s in Status::ALL {
        let q = CertificateQuery { status: Some(s), limit: 1, ..Default::default() };
        match state.registry.search(&reader, q).await {
            Ok((_, n)) => {
                total += n;
                rows.push((l.t(s.zh(), s.en()).to_string(), n, crate::pages::layout::status_tone(s)));
            }
            Err(e) => return app_error_page(&f, e),
        }
    }
    let scope = match reader.limited_to() {
        Some(a) => state.registry.authority_name(a).0,
        None => l.t("全部签发机关", "all authorities").to_string(),
    };
    let body = html! {
        h1 { (title) }
        (admin_nav(l, user))
        p { (l.t("范围：", "Scope: ")) strong { (scope) } " · " (l.t("角色：", "Role: ")) (role_name(l, user.role)) }
        div.stats {
            div.stat { (l.t("证书总数", "Certificates")) b { (l.number(total)) } }
            @for (label, n, _) in rows.iter().take(3) { div.stat { (label) b { (l.number(*n)) } } }
        }
        h2 { (l.t("各状态证书数量", "Certificates by status")) }
        div.card { (bar_chart(l, &rows)) }
    };
    page(&f, title, body).into_response()
}

pub(crate) fn app_error_page(f: &Frame, e: AppError) -> Response {
    let l = f.lang;
    let (status, msg) = match &e {
        AppError::NotFound => (StatusCode::NOT_FOUND, l.t("未找到该证书", "Certificate not found").to_string()),
        AppError::Denied(_) => (StatusCode::FORBIDDEN, l.t("无权执行该操作", "You may not do this").to_string()),
        AppError::Store(_) => {
            tracing::error!(error = %e, "back office request failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                l.t("系统暂时不可用", "The system is unavailable right now").to_string(),
            )
        }
        other => (StatusCode::UNPROCESSABLE_ENTITY, other.to_string()),
    };
    let body = html! { h1 { (l.t("出错了", "Something went wrong")) } div.verdict.bad role="alert" { span { (msg) } } };
    (status, page(f, l.t("出错了", "Error"), body)).into_response()
}

pub fn routes() -> Router<SharedState> {
    Router::new().route("/admin", get(dashboard))
}
