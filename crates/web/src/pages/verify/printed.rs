//! The plausibility check of a paper or legacy certificate's printed data.

use super::result::band;
use crate::SharedState;
use crate::i18n::Lang;
use crate::pages::context::PublicPage;
use crate::pages::layout::{csrf_input, page};
use crate::pages::public::expired_form;
use crate::security::{CsrfToken, csrf_ok};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};

#[derive(serde::Deserialize, Default)]
pub struct PrintedForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    item: String,
    #[serde(default)]
    first_issued: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_until: String,
    #[serde(default)]
    review_due: String,
}

fn printed_form(l: Lang, csrf: &CsrfToken, f: &PrintedForm) -> Markup {
    use crate::pages::layout::text_field;
    html! {
        form.card method="post" action="/verify/printed" {
            (csrf_input(csrf))
            div.grid2 {
                (text_field(l.t("证号", "Certificate number"), "number", &f.number, None, None, "text"))
                (text_field(l.t("身份证号", "ID number"), "id_number", &f.id_number, None, None, "text"))
                (text_field(l.t("作业类别", "Category"), "category", &f.category, None, Some(l.t("如：电工作业", "e.g. 电工作业")), "text"))
                (text_field(l.t("操作项目（准操项目）", "Operation item"), "item", &f.item, None, Some(l.t("如：低压电工作业", "e.g. 低压电工作业")), "text"))
                (text_field(l.t("初领日期", "First issued"), "first_issued", &f.first_issued, None, Some("2019-05-06 / 2019年5月6日"), "text"))
                (text_field(l.t("有效期开始日期", "Valid from"), "valid_from", &f.valid_from, None, None, "text"))
                (text_field(l.t("有效期结束日期", "Valid until"), "valid_until", &f.valid_until, None, None, "text"))
                (text_field(l.t("应复审日期", "Review due"), "review_due", &f.review_due, None, None, "text"))
            }
            div.actions { button type="submit" { (l.t("检查", "Check")) } }
        }
    }
}

/// GET /verify/printed: the plausibility check of a paper or legacy certificate's printed data.
pub async fn printed_page(cx: PublicPage) -> Markup {
    let csrf = &cx.csrf;
    let l = cx.lang;
    let f = cx.frame("/verify/printed");
    page(
        &f,
        l.t("纸质证书信息核对", "Check printed data"),
        html! {
            h1 { (l.t("核对纸质或旧版证书的印刷信息", "Check the printed data of a paper or legacy certificate")) }
            p { (l.t("没有本系统二维码的证书，可录入证面信息，系统会指出不可能成立之处（伪造证书常露出这些破绽）。通过检查不代表证书真实，请同时查询登记记录。",
                     "For certificates without our QR code, type what is printed; the system points out what cannot be true (sloppy forgeries fail these). Passing proves nothing: also look the certificate up.")) }
            (printed_form(l, csrf, &PrintedForm::default()))
        },
    )
}

pub async fn printed_check(
    State(state): State<SharedState>,
    cx: PublicPage,
    axum::extract::Form(form): axum::extract::Form<PrintedForm>,
) -> Response {
    let (lang, csrf) = (cx.lang, &cx.csrf);
    use certguard_app::dates::parse_date;
    let l = lang;
    let f = cx.frame("/verify/printed");
    let title = l.t("核对结果", "Check result");
    if !csrf_ok(csrf, &form.csrf) {
        return (StatusCode::FORBIDDEN, page(&f, title, expired_form(l))).into_response();
    }
    let opt = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
    let mut unreadable = Vec::new();
    let mut date = |name: &'static str, s: &str| {
        if s.trim().is_empty() {
            return None;
        }
        let d = parse_date(s);
        if d.is_none() {
            unreadable.push(name);
        }
        d
    };
    let printed = certguard_registry::plausibility::PrintedCertificate {
        number: opt(&form.number),
        id_number: opt(&form.id_number),
        category: opt(&form.category),
        item: opt(&form.item),
        first_issued: date("初领日期", &form.first_issued),
        valid_from: date("有效期开始日期", &form.valid_from),
        valid_until: date("有效期结束日期", &form.valid_until),
        review_due: date("应复审日期", &form.review_due),
        last_review: None,
    };
    let findings = certguard_registry::plausibility::check_printed(&printed, state.registry.catalogue());
    let body = html! {
        h1 { (title) }
        @if findings.is_empty() {
            (band("unknown", "?", l.t("未发现不可能成立之处；这不能证明证书真实，请查询登记记录或核验二维码",
                                      "Nothing impossible found; this does not prove the certificate genuine: look it up or verify its QR")))
        } @else {
            (band("bad", "✖", l.t("证面信息存在不可能成立之处：该证书很可能是伪造的，请暂停其上岗并拨打 12350 举报",
                                  "The printed data contains impossibilities: the certificate is likely forged; hold the holder back and report on 12350")))
            ul.card { @for x in &findings { li { strong { (x.field) } "：" (l.t(&x.zh, &x.en)) } } }
        }
        @if !unreadable.is_empty() {
            p.field-error { (l.t("无法识别的日期：", "Unreadable dates: ")) (unreadable.join("、")) }
        }
        (printed_form(l, csrf, &form))
    };
    page(&f, title, body).into_response()
}
