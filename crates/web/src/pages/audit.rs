//! The audit log for administrators (paged, filtered by actor and action).

use crate::SharedState;
use crate::pages::admin::{admin_nav, app_error_page, forbidden};
use crate::pages::context::AdminPage;
use crate::pages::layout::page;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use certguard_store::AuditQuery;
use maud::html;
use serde::Deserialize;

/// Records on one page of the audit log.
const PAGE_ROWS: u32 = 100;

#[derive(Deserialize, Default)]
pub struct AuditFilter {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    page: u32,
}

fn query_string(f: &AuditFilter, page: u32) -> String {
    let enc = crate::auth::urlencode;
    format!("/admin/audit?actor={}&action={}&page={page}", enc(&f.actor), enc(&f.action))
}

pub async fn audit(State(state): State<SharedState>, cx: AdminPage, Query(filter): Query<AuditFilter>) -> Response {
    let user = &cx.user;
    let l = cx.lang;
    let f = cx.frame("/admin/audit");
    if user.admin().is_err() {
        return forbidden(&f, l.t("只有系统管理员可以查看操作日志。", "Only administrators read the audit log."));
    }
    let page_no = filter.page.min(100_000);
    let some = |s: &str| Some(s.trim().chars().take(64).collect::<String>()).filter(|s| !s.is_empty());
    let query = AuditQuery {
        actor: some(&filter.actor),
        action_prefix: some(&filter.action),
        // One more than shown tells whether a next page exists.
        limit: PAGE_ROWS + 1,
        offset: page_no * PAGE_ROWS,
    };
    let mut log = match state.registry.store().audit_log(&query).await {
        Ok(log) => log,
        Err(e) => return app_error_page(&f, e.into()),
    };
    let more = log.len() > PAGE_ROWS as usize;
    log.truncate(PAGE_ROWS as usize);
    page(&f, l.t("操作日志", "Audit log"), html! {
        h1 { (l.t("操作日志", "Audit log")) }
        (admin_nav(l, user))
        form.card.filters method="get" action="/admin/audit" {
            label for="actor" { (l.t("操作人", "Who")) }
            input id="actor" name="actor" value=(filter.actor) maxlength="64";
            label for="action" { (l.t("操作（前缀，如 certificate. 或 login）", "Action (prefix, e.g. certificate. or login)")) }
            input id="action" name="action" value=(filter.action) maxlength="64";
            div.actions { button type="submit" { (l.t("筛选", "Filter")) } }
        }
        div.table-wrap { table {
            thead { tr { th { (l.t("时间", "Time")) } th { (l.t("操作人", "Who")) } th { (l.t("操作", "Action")) } th { (l.t("对象", "Target")) } th { (l.t("来源", "From")) } th { (l.t("详情", "Detail")) } } }
            tbody { @for a in &log { tr {
                td { (a.at.format("%Y-%m-%d %H:%M:%S")) } td { (a.actor) } td { (a.action) } td { code { (a.target) } }
                td { (a.client.clone().unwrap_or_default()) } td { (a.detail) }
            } } }
        } }
        @if log.is_empty() { p { (l.t("没有符合条件的记录。", "No matching records.")) } }
        nav.actions aria-label=(l.t("翻页", "Pages")) {
            @if page_no > 0 { a.button.secondary href=(query_string(&filter, page_no - 1)) { (l.t("← 较新", "← Newer")) } }
            span { (l.t("第 ", "Page ")) (page_no + 1) (l.t(" 页", "")) }
            @if more { a.button.secondary href=(query_string(&filter, page_no + 1)) { (l.t("较早 →", "Older →")) } }
        }
    })
    .into_response()
}

pub fn routes() -> Router<SharedState> {
    Router::new().route("/admin/audit", get(audit))
}
