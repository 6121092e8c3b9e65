//! The authority back office.

use crate::SharedState;
use crate::auth::PageUser;
use crate::i18n::Lang;
use crate::pages::context::AdminPage;
use crate::pages::layout::{Frame, csrf_input, page, role_name, status_badge, text_field};
use crate::pages::public::expired_form;
use crate::security::{ClientAddr, csrf_ok};
use axum::extract::{Extension, Form, Multipart, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use certguard_access::{Principal, RegistryReader, Role};
use certguard_app::AppError;
use certguard_app::dates::parse_date;
use certguard_app::export::{ExportFormat, ExportOptions};
use certguard_app::import::ErrorReport;
use certguard_registry::{
    CancellationReason, Command, Correction, Event, Holder, NewCertificate, RevocationReason, Scope, Serial, Status,
};
use certguard_store::{CertificateQuery, StoredCertificate};
use certguard_types::{IdentityDoc, IdentityKind, Sex};
use maud::{Markup, html};
use parking_lot::Mutex;
use serde::Deserialize;
use std::collections::{HashMap, VecDeque};

const PAGE_SIZE: u32 = 50;

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
fn reader_or_forbidden(f: &Frame, p: &Principal) -> Result<RegistryReader, Response> {
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
                a.button.secondary href="/admin/leads" { (l.t("扫码线索", "QR leads")) }
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
            div.card {
                p { (l.t("您的角色：", "Your role: ")) strong { (role_name(l, user.role)) } }
                p { (l.t("该角色的工作台（花名册核验、线索分析）将在后续版本提供；现在可使用公开的证书查询。",
                         "This role's workspace (roster checks, lead analysis) comes in a later release; the public lookup is available now.")) }
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

#[derive(Deserialize, Default, Clone)]
pub struct IssueForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_kind: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    first_issued: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    authority: String,
}

fn issue_page(
    state: &SharedState,
    f: &Frame,
    user: &Principal,
    form: &IssueForm,
    errors: &HashMap<String, String>,
) -> Markup {
    let l = f.lang;
    let err = |k: &str| errors.get(k).map(String::as_str);
    let authorities: Vec<_> = state
        .registry
        .store_authorities_cached()
        .into_iter()
        .filter(|(code, _)| user.issuer_for(code).is_ok())
        .collect();
    page(
        f,
        l.t("发证", "Issue a certificate"),
        html! {
            h1 { (l.t("发放特种作业操作证", "Issue a special-operation certificate")) }
            (admin_nav(l, user))
            @if let Some(e) = err("_") { div.verdict.bad role="alert" { span.icon aria-hidden="true" { "✖" } span { (e) } } }
            form.card method="post" action="/admin/issue" novalidate {
                (csrf_input(f.csrf))
                div.grid2 {
                    (text_field(l.t("姓名", "Name"), "name", &form.name, err("name"), None, "text"))
                    div {
                        label for="f-id_kind" { (l.t("证件类型", "Document type")) }
                        select id="f-id_kind" name="id_kind" {
                            @for k in IdentityKind::ALL { option value=(k.code()) selected[form.id_kind == k.code()] { (l.t(k.zh(), k.code())) } }
                        }
                    }
                    (text_field(l.t("证件号码", "Document number"), "id_number", &form.id_number, err("id_number"),
                        Some(l.t("可输入全角数字和空格，系统会自动规范", "Full-width digits and spaces are accepted")), "text"))
                    div {
                        label for="f-sex" { (l.t("性别", "Sex")) }
                        select id="f-sex" name="sex" aria-invalid=[err("sex").map(|_| "true")] {
                            option value="" { (l.t("按身份证号自动判断", "From the ID number")) }
                            option value="男" selected[form.sex == "男"] { (l.t("男", "Male")) }
                            option value="女" selected[form.sex == "女"] { (l.t("女", "Female")) }
                        }
                        @if let Some(e) = err("sex") { div.field-error role="alert" { "⚠ " (e) } }
                    }
                    div {
                        label for="f-item" { (l.t("作业类别 / 操作项目", "Category / operation item")) }
                        select id="f-item" name="item" aria-invalid=[err("item").map(|_| "true")] {
                            option value="" { (l.t("请选择", "Choose")) }
                            @for cat in &state.registry.catalogue().categories {
                                @if !cat.items.is_empty() {
                                    optgroup label={ (cat.code) " " (l.t(&cat.zh, &cat.en)) } {
                                        @for it in &cat.items { option value=(it.code) selected[form.item == it.code] { (it.code) " " (l.t(&it.zh, &it.en)) } }
                                    }
                                }
                            }
                        }
                        @if let Some(e) = err("item") { div.field-error role="alert" { "⚠ " (e) } }
                    }
                    div {
                        label for="f-authority" { (l.t("签发机关", "Issuing authority")) }
                        select id="f-authority" name="authority" {
                            @for (code, (zh, en)) in &authorities { option value=(code) selected[form.authority == code.as_str()] { (l.t(zh, en)) } }
                        }
                        @if let Some(e) = err("authority") { div.field-error role="alert" { "⚠ " (e) } }
                    }
                    (text_field(l.t("初领日期", "First issued"), "first_issued", &form.first_issued, err("first_issued"),
                        Some(l.t("首次领证的日期；新领证可留空", "Date of the first certificate; leave empty for a new holder")), "date"))
                    (text_field(l.t("有效期开始日期", "Valid from"), "valid_from", &form.valid_from, err("valid_from"), None, "date"))
                }
                p.hint { (l.t("有效期 6 年、每 3 年复审一次，由系统按规定计算。", "Validity (6 years) and reviews (every 3 years) are computed by the rules.")) }
                div.actions { button type="submit" { (l.t("发证", "Issue")) } }
            }
        },
    )
}

pub async fn issue_form(State(state): State<SharedState>, cx: AdminPage) -> Response {
    let (user, lang) = (&cx.user, cx.lang);
    let f = cx.frame("/admin/issue");
    if !user.may_issue_somewhere() {
        return forbidden(&f, lang.t("只有发证机关可以发证。", "Only issuing authorities issue certificates."));
    }
    let form = IssueForm {
        valid_from: state.registry.clock().today().to_string(),
        authority: user.authority.as_ref().map(|a| a.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    issue_page(&state, &f, user, &form, &HashMap::new()).into_response()
}

fn new_certificate(form: &IssueForm, l: Lang) -> Result<NewCertificate, HashMap<String, String>> {
    let mut errors = HashMap::new();
    let name = form.name.parse().map_err(|e| errors.insert("name".into(), format!("{e}"))).ok();
    let kind = IdentityKind::from_code(&form.id_kind).unwrap_or(IdentityKind::Resident);
    let identity =
        IdentityDoc::parse(kind, &form.id_number).map_err(|e| errors.insert("id_number".into(), e.to_string())).ok();
    let sex = match (form.sex.as_str(), identity.as_ref().and_then(|i| i.as_resident())) {
        ("", Some(id)) => Some(id.sex()),
        ("", None) => {
            errors.insert(
                "sex".into(),
                l.t("非居民身份证持证人须选择性别", "choose the sex for holders without a resident ID").into(),
            );
            None
        }
        (s, _) => Sex::parse(s),
    };
    let category = form.item.split('.').next().unwrap_or("").to_string();
    if form.item.is_empty() {
        errors.insert("item".into(), l.t("请选择操作项目", "choose an operation item").into());
    }
    let valid_from = parse_date(&form.valid_from);
    if valid_from.is_none() {
        errors.insert("valid_from".into(), l.t("请填写日期，如 2024-06-15", "enter a date such as 2024-06-15").into());
    }
    let first_issued = if form.first_issued.trim().is_empty() {
        valid_from
    } else {
        let d = parse_date(&form.first_issued);
        if d.is_none() {
            errors.insert("first_issued".into(), l.t("日期格式不正确", "not a date").into());
        }
        d
    };
    let authority = form.authority.parse().map_err(|_| errors.insert("authority".into(), "?".into())).ok();
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(name), Some(identity), Some(sex), Some(valid_from), Some(first_issued), Some(authority)) =
        (name, identity, sex, valid_from, first_issued, authority)
    else {
        unreachable!("each missing value recorded an error")
    };
    Ok(NewCertificate {
        holder: Holder { name, identity, sex },
        scope: Scope::SpecialOperation { category, item: form.item.clone() },
        authority,
        first_issued,
        valid_from,
        valid_until: None,
        review_due: None,
        last_review: None,
        number: None,
    })
}

/// Where a rule violation of the model is shown on the issue form.
fn form_field(model_field: &str) -> &'static str {
    match model_field {
        "holder.sex" => "sex",
        "holder.identity" | "number" => "id_number",
        "scope.category" | "scope.item" => "item",
        "first_issued" => "first_issued",
        "valid_from" | "valid_until" | "review_due" => "valid_from",
        "authority" => "authority",
        "holder.name" => "name",
        _ => "_",
    }
}

pub async fn issue(
    State(state): State<SharedState>,
    cx: AdminPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    Form(form): Form<IssueForm>,
) -> Response {
    let (user, csrf) = (&cx.user, &cx.csrf);
    let l = cx.lang;
    let f = cx.frame("/admin/issue");
    if !csrf_ok(csrf, &form.csrf) {
        return (StatusCode::FORBIDDEN, page(&f, l.t("表单已过期", "Form expired"), expired_form(l))).into_response();
    }
    let new = match new_certificate(&form, l) {
        Ok(n) => n,
        Err(errors) => {
            return (StatusCode::UNPROCESSABLE_ENTITY, issue_page(&state, &f, user, &form, &errors)).into_response();
        }
    };
    let grant = match user.issuer_for(&new.authority) {
        Ok(g) => g,
        Err(_) => return forbidden(&f, l.t("您不能为该签发机关发证。", "You may not issue for this authority.")),
    };
    match state.registry.issue(&grant, new, Some(&ip.to_string())).await {
        Ok(cert) => Redirect::to(&format!("/admin/certificates/{}", cert.serial)).into_response(),
        Err(AppError::Invalid { field, reason }) => {
            let errors = HashMap::from([(form_field(&field).to_string(), reason)]);
            (StatusCode::UNPROCESSABLE_ENTITY, issue_page(&state, &f, user, &form, &errors)).into_response()
        }
        Err(AppError::Conflict(reason)) => {
            let errors = HashMap::from([("_".to_string(), format!("{}：{reason}", l.t("重复发证", "Duplicate")))]);
            (StatusCode::CONFLICT, issue_page(&state, &f, user, &form, &errors)).into_response()
        }
        Err(e) => app_error_page(&f, e),
    }
}

/// The last import error reports, kept in memory for download (at most 16, owner only).
#[derive(Default)]
pub struct ReportCache(Mutex<VecDeque<(String, i64, Vec<u8>)>>);

impl ReportCache {
    fn put(&self, owner: i64, csv: Vec<u8>) -> String {
        let id = crate::security::random_hex(16);
        let mut q = self.0.lock();
        if q.len() >= 16 {
            q.pop_front();
        }
        q.push_back((id.clone(), owner, csv));
        id
    }
    fn get(&self, id: &str, owner: i64) -> Option<Vec<u8>> {
        self.0.lock().iter().find(|(i, o, _)| i == id && *o == owner).map(|(_, _, b)| b.clone())
    }
}

fn import_page(f: &Frame, user: &Principal, result: Option<Markup>) -> Markup {
    let l = f.lang;
    page(
        f,
        l.t("批量导入", "Import"),
        html! {
            h1 { (l.t("批量导入证书", "Import certificates")) }
            (admin_nav(l, user))
            @if let Some(r) = result { (r) }
            form.card method="post" action="/admin/import" enctype="multipart/form-data" {
                (csrf_input(f.csrf))
                label for="file" { (l.t("CSV 或 XLSX 文件", "CSV or XLSX file")) }
                input type="file" id="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required;
                p.hint {
                    (l.t("第一行为表头：", "The first row holds the headers: "))
                    "姓名, 性别, 身份证号, 作业类别, 操作项目, 初领日期, 有效期开始日期, 有效期结束日期, 应复审日期, 实际复审日期, 签发机关"
                    (l.t("（也可用英文列名）。CSV 可为 UTF-8 或 GBK 编码。同一文件重复导入不会产生重复记录。",
                         " (English aliases work too). CSV may be UTF-8 or GBK. Importing the same file again changes nothing."))
                }
                div.actions { button type="submit" { (l.t("上传并导入", "Upload and import")) } }
            }
        },
    )
}

pub async fn import_form(cx: AdminPage) -> Response {
    let (user, lang) = (&cx.user, cx.lang);
    let f = cx.frame("/admin/import");
    if !user.may_issue_somewhere() {
        return forbidden(&f, lang.t("只有发证机关可以导入。", "Only issuing authorities import."));
    }
    import_page(&f, user, None).into_response()
}

fn too_large(l: Lang, limit: usize) -> String {
    let size = if limit >= 1 << 20 { format!("{} MiB", limit >> 20) } else { format!("{} KiB", limit >> 10) };
    format!("{} {size}", l.t("文件过大，上限为", "File too large; the limit is"))
}

pub async fn import(
    State(state): State<SharedState>,
    cx: AdminPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    multipart: Multipart,
) -> Response {
    let (user, csrf) = (&cx.user, &cx.csrf);
    let l = cx.lang;
    let f = cx.frame("/admin/import");
    if !user.may_issue_somewhere() {
        return forbidden(&f, l.t("只有发证机关可以导入。", "Only issuing authorities import."));
    }
    let fail = |status: StatusCode, msg: String| {
        let r = html! { div.verdict.bad role="alert" { span.icon aria-hidden="true" { "✖" } span { (msg) } } };
        (status, import_page(&f, user, Some(r))).into_response()
    };
    let fields = match crate::upload::read_form(multipart).await {
        Ok(f) => f,
        Err(crate::upload::UploadError::TooLarge) => {
            return fail(StatusCode::PAYLOAD_TOO_LARGE, too_large(l, state.config.max_upload_bytes));
        }
        Err(crate::upload::UploadError::Malformed(e)) => return fail(StatusCode::BAD_REQUEST, e),
    };
    if !csrf_ok(csrf, &crate::upload::text(&fields, "csrf")) {
        return (StatusCode::FORBIDDEN, page(&f, l.t("表单已过期", "Form expired"), expired_form(l))).into_response();
    }
    let Some((file_name, bytes)) = fields
        .get("file")
        .filter(|p| !p.bytes.is_empty())
        .map(|p| (p.file_name.clone().unwrap_or_else(|| "upload".into()), p.bytes.clone()))
    else {
        return fail(StatusCode::BAD_REQUEST, l.t("请选择要上传的文件", "Choose a file to upload").into());
    };
    let mut report = ErrorReport::new(Vec::new()).expect("in-memory report");
    let mut shown = Vec::new();
    let result = certguard_app::import::import(
        &state.registry,
        user,
        std::io::Cursor::new(bytes),
        &file_name,
        Some(&ip.to_string()),
        |e| {
            report.add(e);
            if shown.len() < 200 {
                shown.push(e.clone());
            }
        },
        |_| {},
    )
    .await;
    let summary = match result {
        Ok(s) => s,
        Err(e @ certguard_app::import::ImportError::Store(_)) => {
            tracing::error!(error = %e, "import failed");
            return fail(
                StatusCode::INTERNAL_SERVER_ERROR,
                l.t(
                    "导入中断，已导入的批次已保存，可重新导入同一文件继续",
                    "Import interrupted; stored batches are kept; import the same file again to continue",
                )
                .into(),
            );
        }
        Err(e) => return fail(StatusCode::UNPROCESSABLE_ENTITY, e.to_string()),
    };
    let report_count = report.count;
    let report_id = state.import_reports.put(user.user_id, report.finish().unwrap_or_default());
    let tone = if summary.rejected == 0 { "ok" } else { "warn" };
    let r = html! {
        div class={ "verdict " (tone) } role="status" {
            span.icon aria-hidden="true" { @if summary.rejected == 0 { "✔" } @else { "!" } }
            span { (l.t("导入完成", "Import finished")) }
        }
        div.stats {
            div.stat { (l.t("数据行", "Rows")) b { (l.number(summary.rows)) } }
            div.stat { (l.t("新增", "Added")) b { (l.number(summary.inserted)) } }
            div.stat { (l.t("已存在（未改动）", "Already stored")) b { (l.number(summary.unchanged)) } }
            div.stat { (l.t("有错误未导入", "Rejected")) b { (l.number(summary.rejected)) } }
        }
        @if report_count > 0 {
            h2 { (l.t("错误明细", "Errors")) }
            p { a.button.secondary href={ "/admin/import/report/" (report_id) } { (l.t("下载错误报告 (CSV)", "Download the error report (CSV)")) } }
            div.table-wrap { table {
                thead { tr { th { (l.t("行号", "Row")) } th { (l.t("列", "Column")) } th { (l.t("值", "Value")) } th { (l.t("原因", "Reason")) } } }
                tbody { @for e in &shown { tr { td { (e.row) } td { (e.column) } td { (e.value) } td { (e.reason) } } } }
            } }
        }
    };
    import_page(&f, user, Some(r)).into_response()
}

pub async fn import_report(
    State(state): State<SharedState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Response {
    match state.import_reports.get(&id, user.user_id) {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"import-errors.csv\""),
            ],
            bytes,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: Option<String>,
}

pub async fn export(
    State(state): State<SharedState>,
    cx: AdminPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let (user, lang) = (&cx.user, cx.lang);
    let f = cx.frame("/admin");
    let reader = match reader_or_forbidden(&f, user) {
        Ok(r) => r,
        Err(r) => return r,
    };
    let xlsx = q.format.as_deref() == Some("xlsx");
    let opts = ExportOptions {
        format: if xlsx { ExportFormat::Xlsx } else { ExportFormat::Csv },
        authority: None,
        full_id: false,
        english_headers: lang == Lang::En,
    };
    let mut out = std::io::Cursor::new(Vec::new());
    if let Err(e) =
        certguard_app::export::export(&state.registry, &reader, &opts, Some(&ip.to_string()), &mut out, |_| {}).await
    {
        return app_error_page(&f, e);
    }
    let (ct, name) = if xlsx {
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "certificates.xlsx")
    } else {
        ("text/csv; charset=utf-8", "certificates.csv")
    };
    (
        [
            (header::CONTENT_TYPE, ct.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        out.into_inner(),
    )
        .into_response()
}
