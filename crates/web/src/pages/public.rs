//! Public pages: the lookup, login and logout, the language switch.

use crate::SharedState;
use crate::auth::safe_next;
use crate::i18n::Lang;
use crate::pages::context::PublicPage;
use crate::pages::layout::{Frame, csrf_input, page, status_tone, text_field};
use crate::security::{
    ClientAddr, CsrfToken, LANG_COOKIE, SESSION_COOKIE, cookie, csrf_cookie_name, csrf_ok, random_hex, set_cookie,
};
use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use certguard_app::{AppError, PublicCertificate};
use certguard_registry::Status;
use maud::{Markup, html};
use serde::Deserialize;
use std::sync::atomic::Ordering;

fn lookup_form(l: Lang, csrf: &CsrfToken, number: &str, name: &str) -> Markup {
    html! {
        form.card method="post" action="/lookup" {
            (csrf_input(csrf))
            (text_field(l.t("证号", "Certificate number"), "number", number, None,
                Some(l.t("特种作业操作证证号为字母 T 加持证人身份证号", "Special-operation numbers are T followed by the holder's ID number")), "text"))
            (text_field(l.t("姓名", "Name"), "name", name, None, None, "text"))
            div.actions { button type="submit" { (l.t("查询", "Look up")) } }
        }
    }
}

pub async fn home(cx: PublicPage) -> Markup {
    let csrf = &cx.csrf;
    let l = cx.lang;
    let f = cx.frame("/");
    page(
        &f,
        l.t("证书查询", "Certificate lookup"),
        html! {
            h1 { (l.t("特种作业操作证及安全生产知识和管理能力考核合格证查询", "Look up a work-safety certificate")) }
            p { (l.t("请输入证号和持证人姓名，两项均须填写。", "Enter the certificate number and the holder's name; both are required.")) }
            (lookup_form(l, csrf, "", ""))
            div.notice {
                strong { (l.t("谨防假冒查询网站：", "Beware of fake query websites: ")) }
                (l.t("证书上的二维码如果打开的是某个网站，该网站显示“有效”并不能证明证书真实。请只在本系统或应急管理部官方平台 cx.mem.gov.cn 查询。",
                     "if a certificate's QR code opens a website, that site saying 'valid' proves nothing. Look up certificates only here or on the official MEM platform cx.mem.gov.cn."))
            }
            p.hint { (l.t("新发证书约需 3 个工作日后才能查询到。", "Newly issued certificates can take about 3 working days to appear.")) }
        },
    )
}

#[derive(Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    number: String,
    #[serde(default)]
    name: String,
}

fn verdict(tone: &str, icon: &str, text: &str) -> Markup {
    html! { div class={ "verdict " (tone) } role="status" { span.icon aria-hidden="true" { (icon) } span { (text) } } }
}

pub fn certificate_card(l: Lang, c: &PublicCertificate) -> Markup {
    let status = Status::from_code(&c.status.code).unwrap_or(Status::Pending);
    let label = |x: &certguard_app::lookup::Labelled| l.t(&x.zh, &x.en).to_string();
    let special = c.kind.code == "special_operation";
    html! {
        div.card {
            @match status_tone(status) {
                "ok" if status == Status::Valid => (verdict("ok", "✔", l.t("真实有效", "Genuine and valid"))),
                "ok" => (verdict("ok", "✔", &format!("{}：{}", l.t("真实有效", "Genuine and valid"), l.t("请按期复审", "review due soon")))),
                "warn" => (verdict("warn", "!", &format!("{}：{}", l.t("证书真实，但当前不能作为上岗依据", "Genuine, but not valid for work now"), l.t(status.zh(), status.en())))),
                _ => (verdict("bad", "✖", &format!("{}：{}", l.t("证书已失效", "Certificate no longer valid"), l.t(status.zh(), status.en())))),
            }
            dl.fields {
                dt { (l.t("证书类型", "Certificate")) } dd { (label(&c.kind)) }
                dt { (l.t("姓名", "Name")) } dd { (c.holder_name) }
                dt { (l.t("性别", "Sex")) } dd { (label(&c.sex)) }
                dt { (l.t("证号", "Number")) } dd { (c.number) }
                dt { (l.t("身份证号", "ID number")) } dd { (c.id_masked) }
                dt { @if special { (l.t("作业类别", "Category")) } @else { (l.t("人员类型", "Personnel type")) } } dd { (label(&c.category)) }
                dt { @if special { (l.t("操作项目", "Operation item")) } @else { (l.t("行业类别", "Industry")) } } dd { (label(&c.item)) }
                dt { (l.t("初领日期", "First issued")) } dd { (l.date(c.first_issued)) }
                dt { (l.t("有效期开始日期", "Valid from")) } dd { (l.date(c.valid_from)) }
                dt { (l.t("有效期结束日期", "Valid until")) } dd { (l.date(c.valid_until)) }
                @if special {
                    dt { (l.t("应复审日期", "Review due")) } dd { (l.opt_date(c.review_due)) }
                    dt { (l.t("实际复审日期", "Last review")) } dd { (l.opt_date(c.last_review)) }
                }
                dt { (l.t("签发机关", "Issued by")) } dd { (label(&c.authority)) }
                dt { (l.t("状态", "Status")) } dd { (l.t(&c.status.zh, &c.status.en)) }
            }
        }
    }
}

pub async fn lookup(
    State(state): State<SharedState>,
    cx: PublicPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    Form(form): Form<LookupForm>,
) -> Response {
    let csrf = &cx.csrf;
    let l = cx.lang;
    let f = cx.frame("/");
    let title = l.t("查询结果", "Lookup result");
    if !csrf_ok(csrf, &form.csrf) {
        return (StatusCode::FORBIDDEN, page(&f, title, expired_form(l))).into_response();
    }
    if !state.lookup_limiter.allow(ip).await {
        state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        let body = html! {
            h1 { (title) }
            (verdict("unknown", "⏳", l.t("查询过于频繁，请一分钟后再试", "Too many lookups: try again in a minute")))
        };
        return (StatusCode::TOO_MANY_REQUESTS, page(&f, title, body)).into_response();
    }
    let result = state.registry.public_lookup(&form.number, &form.name).await;
    let body = match &result {
        Ok(found) => {
            state.metrics.lookups_found.fetch_add(1, Ordering::Relaxed);
            html! {
                h1 { (title) }
                p { (l.t("查询到以下证书（身份证号已部分隐藏）：", "Certificates found (ID numbers partly hidden):")) }
                @for c in found { (certificate_card(l, c)) }
                (lookup_form(l, csrf, "", ""))
            }
        }
        Err(AppError::NotFound) => {
            state.metrics.lookups_not_found.fetch_add(1, Ordering::Relaxed);
            html! {
                h1 { (title) }
                (verdict("unknown", "?", l.t("未查到该证书", "No such certificate")))
                div.card {
                    p { (l.t("请核对证号和姓名是否与证书完全一致。", "Check that the number and the name are exactly as on the certificate.")) }
                    p { (l.t("新发证书约需 3 个工作日后才能查询到；如证书签发已超过一周仍查不到，该证书可能是伪造的，请勿让持证人上岗，并拨打 12350 举报。",
                             "A new certificate can take about 3 working days to appear; if one issued more than a week ago still cannot be found, it may be forged: do not let the holder work, and report it on 12350.")) }
                }
                (lookup_form(l, csrf, &form.number, &form.name))
            }
        }
        Err(_) => html! {
            h1 { (title) }
            (verdict("unknown", "!", l.t("查询暂时不可用，请稍后再试", "Lookup is unavailable right now; try again later")))
        },
    };
    let status = match result {
        Ok(_) | Err(AppError::NotFound) => StatusCode::OK,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    };
    (status, page(&f, title, body)).into_response()
}

pub fn expired_form(l: Lang) -> Markup {
    html! {
        h1 { (l.t("表单已过期", "Form expired")) }
        div.card { p { (l.t("为保护您的安全，请返回上一页刷新后重新提交。", "For your safety, go back, reload the page and submit again.")) } }
    }
}

#[derive(Deserialize)]
pub struct LangQuery {
    back: Option<String>,
}

pub async fn set_language(
    State(state): State<SharedState>,
    Path(lang): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let value = if lang == "en" { "en" } else { "zh" };
    let back = q.back.as_deref().and_then(crate::auth::local_path).unwrap_or("/").to_string();
    let mut res = Redirect::to(&back).into_response();
    res.headers_mut()
        .append(header::SET_COOKIE, set_cookie(LANG_COOKIE, value, Some(365 * 24 * 3600), state.config.secure_cookies));
    res
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_page(f: &Frame, next: &str, username: &str, error: Option<&str>) -> Markup {
    let l = f.lang;
    page(
        f,
        l.t("登录", "Log in"),
        html! {
            h1 { (l.t("登录管理系统", "Log in to the back office")) }
            form.card method="post" action="/login" {
                (csrf_input(f.csrf))
                input type="hidden" name="next" value=(next);
                @if let Some(e) = error { div.verdict.bad role="alert" { span.icon aria-hidden="true" { "✖" } span { (e) } } }
                (text_field(l.t("用户名", "Username"), "username", username, None, None, "text"))
                (text_field(l.t("密码", "Password"), "password", "", None, None, "password"))
                div.actions { button type="submit" { (l.t("登录", "Log in")) } }
            }
        },
    )
}

pub async fn login_form(cx: PublicPage, Query(q): Query<NextQuery>) -> Markup {
    let f = cx.frame("/login");
    login_page(&f, &safe_next(q.next.as_deref()), "", None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<SharedState>,
    Extension(lang): Extension<Lang>,
    Extension(csrf): Extension<CsrfToken>,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    Form(form): Form<LoginForm>,
) -> Response {
    let l = lang;
    let f = Frame { lang, user: None, csrf: &csrf, path: "/login" };
    let next = safe_next(form.next.as_deref());
    if !csrf_ok(&csrf, &form.csrf) {
        return (StatusCode::FORBIDDEN, page(&f, l.t("登录", "Log in"), expired_form(l))).into_response();
    }
    // Every attempt is charged before the password is checked, per address and per account name, so that
    // parallel guesses cannot outrun the budget and a botnet cannot spread guesses at one account; a
    // successful login is refunded, so a clerk who logs in and out all day is never locked out.
    let account = form.username.trim().to_lowercase().chars().take(64).collect::<String>();
    if !state.login_limiter.allow(ip).await || !state.account_limiter.take(account.clone()).await {
        state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        let msg = l.t("登录尝试过于频繁，请一分钟后再试", "Too many attempts: wait a minute");
        return (StatusCode::TOO_MANY_REQUESTS, login_page(&f, &next, &form.username, Some(msg))).into_response();
    }
    match state.accounts.login(form.username.trim(), &form.password, Some(&ip.to_string())).await {
        Ok((token, _)) => {
            state.login_limiter.refund(ip).await;
            state.account_limiter.give_back(account).await;
            let mut res = Redirect::to(&next).into_response();
            let secure = state.config.secure_cookies;
            res.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &token, None, secure));
            // The token used before login is retired; from now on forms carry the session-bound one.
            res.headers_mut()
                .append(header::SET_COOKIE, set_cookie(csrf_cookie_name(secure), &random_hex(32), None, secure));
            res
        }
        Err(AppError::BadCredentials) => {
            let msg = l.t("用户名或密码错误", "Wrong username or password");
            (StatusCode::UNAUTHORIZED, login_page(&f, &next, &form.username, Some(msg))).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            let msg = l.t("登录暂时不可用", "Login is unavailable right now");
            (StatusCode::SERVICE_UNAVAILABLE, login_page(&f, &next, &form.username, Some(msg))).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<SharedState>,
    Extension(csrf): Extension<CsrfToken>,
    headers: HeaderMap,
    Form(form): Form<CsrfOnly>,
) -> Response {
    if !csrf_ok(&csrf, &form.csrf) {
        return StatusCode::FORBIDDEN.into_response();
    }
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        let _ = state.accounts.logout(token).await;
    }
    let mut res = Redirect::to("/").into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, "", Some(0), state.config.secure_cookies));
    res
}

pub async fn not_found(cx: PublicPage) -> Response {
    let l = cx.lang;
    let f = cx.frame("/");
    let body = html! {
        h1 { (l.t("页面不存在", "Page not found")) }
        p { a href="/" { (l.t("返回证书查询", "Back to the lookup")) } }
    };
    (StatusCode::NOT_FOUND, page(&f, l.t("页面不存在", "Page not found"), body)).into_response()
}

/// The public lookup, the language switch, login and logout.
pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/", get(home))
        .route("/lookup", post(lookup))
        .route("/lang/{lang}", get(set_language))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
}
