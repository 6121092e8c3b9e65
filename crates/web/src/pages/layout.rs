//! The page shell: header with navigation and language switch, main, footer.

use crate::SharedState;
use crate::i18n::Lang;
use crate::security::CsrfToken;
use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use certguard_access::{Principal, Role};
use certguard_registry::Status;
use maud::{DOCTYPE, Markup, html};

const CSS: &str = include_str!("../../static/app.css");
const SCAN_JS: &str = include_str!("../../static/scan.js");
const DRAFT_JS: &str = include_str!("../../static/draft.js");
const UPLOAD_JS: &str = include_str!("../../static/upload.js");

pub async fn upload_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        UPLOAD_JS,
    )
}

pub async fn draft_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        DRAFT_JS,
    )
}

pub async fn scan_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        SCAN_JS,
    )
}

pub async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], CSS)
}

/// What every page needs to draw its frame.
pub struct Frame<'a> {
    pub lang: Lang,
    pub user: Option<&'a Principal>,
    pub csrf: &'a CsrfToken,
    /// The current path, for the language switch to come back to.
    pub path: &'a str,
}

pub fn page(f: &Frame, title: &str, body: Markup) -> Markup {
    let l = f.lang;
    let other = match l {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    html! {
        (DOCTYPE)
        html lang=(l.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " - " (l.t("安证卫士", "certguard")) }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                header.site {
                    div.bar {
                        a.brand href="/" { (l.t("安证卫士", "certguard")) small { (l.t("安全生产证书核验", "work-safety certificate checks")) } }
                        nav aria-label=(l.t("主导航", "Main navigation")) {
                            a href="/" { (l.t("证书查询", "Lookup")) }
                            a href="/verify" { (l.t("扫码核验", "Verify QR")) }
                            a href="/log" { (l.t("透明日志", "Log")) }
                            @if let Some(u) = f.user {
                                a href="/admin" { (l.t("管理", "Back office")) }
                                form method="post" action="/logout" {
                                    input type="hidden" name="csrf" value=(f.csrf.0);
                                    button type="submit" { (l.t("退出", "Log out")) " (" (u.username) ")" }
                                }
                            } @else {
                                a href="/login" { (l.t("登录", "Log in")) }
                            }
                            a href={ "/lang/" (other.0) "?back=" (crate::auth::urlencode(f.path)) } lang=(if other.0 == "en" { "en" } else { "zh-CN" }) { (other.1) }
                        }
                    }
                }
                main id="main" { (body) }
                footer.site {
                    p { (l.t("举报假证、假网站：拨打 12350 安全生产举报投诉热线", "Report fake certificates and fake websites: call the work-safety hotline 12350")) }
                    p { (l.t("本系统查询结果以本网站地址为准，任何其他网站或二维码链接显示的“查询结果”均不能证明证书真实。",
                             "Only results shown at this address count: a 'query result' on any other website or QR link proves nothing.")) }
                }
            }
        }
    }
}

/// The tone of a status badge: words and icon carry the meaning, colour only repeats it.
pub fn status_tone(s: Status) -> &'static str {
    match s {
        Status::Valid | Status::ReviewDue => "ok",
        Status::ReviewOverdue | Status::Expired | Status::Pending => "warn",
        Status::Suspended | Status::Revoked | Status::Cancelled => "bad",
    }
}

pub fn status_badge(l: Lang, s: Status) -> Markup {
    html! { span class={ "badge " (status_tone(s)) } { (l.t(s.zh(), s.en())) } }
}

pub fn role_name(l: Lang, r: Role) -> &'static str {
    l.t(r.zh(), r.en())
}

/// A labelled text input that keeps what was typed and shows its error beside it.
pub fn text_field(
    label: &str,
    name: &str,
    value: &str,
    error: Option<&str>,
    hint: Option<&str>,
    input_type: &str,
) -> Markup {
    let id = format!("f-{name}");
    html! {
        div {
            label for=(id) { (label) }
            input type=(input_type) id=(id) name=(name) value=(value)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| format!("{id}-err"))];
            @if let Some(h) = hint { div.hint { (h) } }
            @if let Some(e) = error { div.field-error id={ (id) "-err" } role="alert" { "⚠ " (e) } }
        }
    }
}

pub fn csrf_input(csrf: &CsrfToken) -> Markup {
    html! { input type="hidden" name="csrf" value=(csrf.0); }
}

/// The stylesheet and the scanning script.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/static/app.css", get(stylesheet))
        .route("/static/scan.js", get(scan_script))
        .route("/static/draft.js", get(draft_script))
        .route("/static/upload.js", get(upload_script))
}
