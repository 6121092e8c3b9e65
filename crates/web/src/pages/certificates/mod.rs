//! The registry in the back office: the certificate list with search and status filter, a certificate's
//! detail with its history and public view, the registry-operation forms ([`actions`]) and issuing
//! ([`issue`]).

pub mod actions;
pub mod issue;

use crate::SharedState;
use crate::i18n::Lang;
use crate::pages::admin::{admin_nav, app_error_page, reader_or_forbidden};
use crate::pages::context::AdminPage;
use crate::pages::layout::{Frame, csrf_input, page, status_badge, text_field};
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use certguard_access::Principal;
use certguard_app::AppError;
use certguard_registry::{CancellationReason, Event, RevocationReason, Scope, Serial, Status};
use certguard_store::{CertificateQuery, StoredCertificate};
use maud::{Markup, html};
use serde::Deserialize;

const PAGE_SIZE: u32 = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    q: Option<String>,
    status: Option<String>,
    page: Option<u32>,
}

pub async fn list(State(state): State<SharedState>, cx: AdminPage, Query(q): Query<ListQuery>) -> Response {
    let user = &cx.user;
    let l = cx.lang;
    let f = cx.frame("/admin/certificates");
    let reader = match reader_or_forbidden(&f, user) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let page_no = q.page.unwrap_or(1).clamp(1, 100_000);
    let status = q.status.as_deref().and_then(Status::from_code);
    let text = q.q.clone().unwrap_or_default();
    let query = CertificateQuery {
        text: Some(text.clone()).filter(|t| !t.trim().is_empty()),
        status,
        limit: PAGE_SIZE,
        offset: (page_no - 1) * PAGE_SIZE,
        ..Default::default()
    };
    let (items, total) = match state.registry.search(&reader, query).await {
        Ok(r) => r,
        Err(e) => return app_error_page(&f, e),
    };
    let today = state.registry.clock().today();
    let pages = total.div_ceil(PAGE_SIZE as u64).max(1);
    let link = |p: u32| {
        format!(
            "/admin/certificates?q={}&status={}&page={p}",
            crate::auth::urlencode(&text),
            status.map(|s| s.code()).unwrap_or("")
        )
    };
    let title = l.t("证书列表", "Certificates");
    let body = html! {
        h1 { (title) }
        (admin_nav(l, user))
        form.card.inline-form method="get" action="/admin/certificates" role="search" {
            div {
                label for="q" { (l.t("证号或姓名", "Number or name")) }
                input type="search" id="q" name="q" value=(text);
            }
            div {
                label for="status" { (l.t("状态", "Status")) }
                select id="status" name="status" {
                    option value="" { (l.t("全部", "All")) }
                    @for s in Status::ALL {
                        option value=(s.code()) selected[status == Some(s)] { (l.t(s.zh(), s.en())) }
                    }
                }
            }
            div { button type="submit" { (l.t("搜索", "Search")) } }
        }
        p { (l.t("共 ", "")) (l.number(total)) (l.t(" 条", " certificates")) }
        div.table-wrap {
            table {
                thead { tr {
                    th { (l.t("姓名", "Name")) } th { (l.t("证号", "Number")) } th { (l.t("操作项目", "Item")) }
                    th { (l.t("有效期至", "Valid until")) } th { (l.t("状态", "Status")) }
                } }
                tbody {
                    @for s in &items {
                        @let c = &s.certificate;
                        @let item = match &c.scope {
                            Scope::SpecialOperation { item, .. } => state.registry.catalogue().item(item).map(|(_, i)| l.t(&i.zh, &i.en).to_string()).unwrap_or_else(|| item.clone()),
                            Scope::Management { personnel_type, .. } => personnel_type.clone(),
                        };
                        tr {
                            td { a href={ "/admin/certificates/" (c.serial) } { (c.holder.name) } }
                            td { (c.number.masked()) }
                            td { (item) }
                            td { (l.date(c.valid_until)) }
                            td { (status_badge(l, c.status(today))) }
                        }
                    }
                }
            }
        }
        div.pager {
            @if page_no > 1 { a.button.secondary href=(link(page_no - 1)) { (l.t("上一页", "Previous")) } }
            span { (page_no) " / " (pages) }
            @if (page_no as u64) < pages { a.button.secondary href=(link(page_no + 1)) { (l.t("下一页", "Next")) } }
        }
    };
    page(&f, title, body).into_response()
}

fn parse_serial(s: &str) -> Result<Serial, AppError> {
    Serial::from_hex(s).ok_or(AppError::NotFound)
}

fn event_text(l: Lang, e: &Event) -> String {
    let detail = match e {
        Event::Reviewed { date, .. } => format!(" {}", l.date(*date)),
        Event::Renewed { valid_from, valid_until } => format!(" {} – {}", l.date(*valid_from), l.date(*valid_until)),
        Event::Suspended { reason } => format!("：{reason}"),
        Event::Revoked { reason } => format!("：{}", l.t(reason.zh(), reason.en())),
        Event::Cancelled { reason } => format!("：{}", l.t(reason.zh(), reason.en())),
        Event::Corrected { field, old, new, reason } => format!("：{field} {old} → {new}（{reason}）"),
        _ => String::new(),
    };
    format!("{}{}", l.t(e.zh(), e.en()), detail)
}

fn detail_page(
    state: &SharedState,
    f: &Frame,
    user: &Principal,
    stored: &StoredCertificate,
    history: &[certguard_store::StoredEvent],
    error: Option<&str>,
) -> Markup {
    let l = f.lang;
    let c = &stored.certificate;
    let today = state.registry.clock().today();
    let view = state.registry.public_view(c, today);
    let may_change = user.issuer_for(&c.authority).is_ok();
    let action = format!("/admin/certificates/{}/action", c.serial);
    let op_form = |op: &str, title: &str, fields: Markup, danger: bool| {
        html! {
            details.op {
                summary { (title) }
                form method="post" action=(action) {
                    (csrf_input(f.csrf))
                    input type="hidden" name="op" value=(op);
                    input type="hidden" name="version" value=(stored.version);
                    (fields)
                    div.actions { button type="submit" class=[danger.then_some("danger")] { (title) } }
                }
            }
        }
    };
    let today_s = today.to_string();
    page(
        f,
        &c.holder.name.to_string(),
        html! {
            h1 { (c.holder.name) " · " (c.number.masked()) }
            (admin_nav(l, user))
            @if let Some(e) = error { div.verdict.bad role="alert" { span.icon aria-hidden="true" { "✖" } span { (e) } } }
            (crate::pages::public::certificate_card(l, &view))
            @if c.credential.is_some() {
                p { a.button.secondary href={ "/e/" (c.serial) } { (l.t("电子证书与二维码", "e-certificate and QR")) } }
            }
            div.card {
                dl.fields {
                    dt { (l.t("完整证号", "Full number")) } dd { (c.number) }
                    dt { (l.t("证件", "Document")) } dd { (l.t(c.holder.identity.kind().zh(), c.holder.identity.kind().code())) " " (c.holder.identity.number()) }
                    dt { (l.t("复审周期", "Review interval")) } dd { (c.review_interval_years) (l.t(" 年", " years")) }
                    dt { (l.t("记录版本", "Record version")) } dd { (stored.version) }
                    dt { (l.t("证书编号（公开）", "Public serial")) } dd { code { (c.serial) } }
                }
            }
            h2 { (l.t("证书履历", "History")) }
            ol.timeline {
                @for e in history {
                    li { time datetime=(e.at.to_rfc3339()) { (e.at.format("%Y-%m-%d %H:%M UTC")) " · " (e.actor) } (event_text(l, &e.event)) }
                }
            }
            @if may_change {
                h2 { (l.t("登记操作", "Registry operations")) }
                (op_form("review", l.t("记录复审", "Record a review"), html! {
                    (text_field(l.t("复审日期", "Review date"), "date", &today_s, None, None, "date"))
                    label for="passed" { (l.t("复审结论", "Outcome")) }
                    select id="passed" name="passed" { option value="true" { (l.t("合格", "Passed")) } option value="false" { (l.t("不合格", "Failed")) } }
                }, false))
                (op_form("extend_review_interval", l.t("延长复审周期至 6 年", "Extend the review interval to 6 years"), html! {
                    p.hint { (l.t("连续从事本工种 10 年以上且无违法行为。", "10+ continuous years in the trade without violations.")) }
                }, false))
                (op_form("renew", l.t("换证（延续有效期）", "Renew"), html! {
                    (text_field(l.t("换证日期", "Renewal date"), "date", &today_s, None, None, "date"))
                }, false))
                (op_form("suspend", l.t("暂扣", "Suspend"), html! {
                    (text_field(l.t("原因", "Reason"), "reason", "", None, None, "text"))
                }, true))
                (op_form("reinstate", l.t("恢复", "Reinstate"), html! {}, false))
                (op_form("revoke", l.t("撤销（第30条）", "Revoke (Art. 30)"), html! {
                    label for="revoke_reason" { (l.t("撤销情形", "Reason")) }
                    select id="revoke_reason" name="revoke_reason" {
                        @for r in RevocationReason::ALL { option value=(r.code()) { (l.t(r.zh(), r.en())) } }
                    }
                }, true))
                (op_form("cancel", l.t("注销（第31条）", "Cancel (Art. 31)"), html! {
                    label for="cancel_reason" { (l.t("注销情形", "Reason")) }
                    select id="cancel_reason" name="cancel_reason" {
                        @for r in CancellationReason::ALL { option value=(r.code()) { (l.t(r.zh(), r.en())) } }
                    }
                }, true))
                (op_form("correct", l.t("更正信息", "Correct a field"), html! {
                    label for="field" { (l.t("更正项", "Field")) }
                    select id="field" name="field" {
                        option value="holder_name" { (l.t("姓名", "Name")) }
                        option value="sex" { (l.t("性别（男/女）", "Sex (男/女)")) }
                        option value="first_issued" { (l.t("初领日期", "First issued")) }
                    }
                    (text_field(l.t("新值", "New value"), "value", "", None, None, "text"))
                    (text_field(l.t("更正原因", "Reason"), "reason", "", None, None, "text"))
                }, false))
            }
        },
    )
}

pub async fn detail(State(state): State<SharedState>, cx: AdminPage, Path(serial): Path<String>) -> Response {
    let user = &cx.user;
    let path = format!("/admin/certificates/{serial}");
    let f = cx.frame(&path);
    let reader = match reader_or_forbidden(&f, user) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let result = async {
        let serial = parse_serial(&serial)?;
        let stored = state.registry.get(&reader, &serial).await?;
        let history = state.registry.history(&reader, &serial).await?;
        Ok::<_, AppError>((stored, history))
    }
    .await;
    match result {
        Ok((stored, history)) => detail_page(&state, &f, user, &stored, &history, None).into_response(),
        Err(e) => app_error_page(&f, e),
    }
}

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/admin/certificates", get(list))
        .route("/admin/certificates/{serial}", get(detail))
        .route("/admin/certificates/{serial}/action", post(actions::action))
        .route("/admin/issue", get(issue::issue_form).post(issue::issue))
}
