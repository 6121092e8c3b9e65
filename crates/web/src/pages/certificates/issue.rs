//! Issuing a certificate from the back-office form: the form, its parsing into value types with errors per
//! field, and the rules' verdicts shown at the field they concern.

use crate::SharedState;
use crate::i18n::Lang;
use crate::pages::admin::{admin_nav, app_error_page, forbidden};
use crate::pages::context::AdminPage;
use crate::pages::layout::{Frame, csrf_input, page, text_field};
use crate::pages::public::expired_form;
use crate::security::{ClientAddr, csrf_ok};
use axum::extract::{Extension, Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use certguard_access::Principal;
use certguard_app::AppError;
use certguard_app::dates::parse_date;
use certguard_registry::{Holder, NewCertificate, Scope};
use certguard_types::{IdentityDoc, IdentityKind, Sex};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;

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
