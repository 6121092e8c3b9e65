//! What every page handler needs before its own inputs: who asks, in which language, and the form token;
//! from these it draws the page's [`Frame`].
//!
//! ```text
//! pub async fn audit(State(state): State<SharedState>, cx: AdminPage, Query(q): Query<AuditQuery>) -> Response {
//!     let f = cx.frame("/admin/audit");
//!     ...
//! }
//! ```
//!
//! [`PublicPage`] is for pages anyone may see (the user, if logged in, only changes the navigation);
//! [`AdminPage`] is for the back office and sends anyone not logged in to the login page, as
//! [`PageUser`](crate::auth::PageUser) does.

use crate::SharedState;
use crate::auth::{MaybeUser, PageUser};
use crate::i18n::Lang;
use crate::pages::layout::Frame;
use crate::security::CsrfToken;
use axum::extract::{Extension, FromRequestParts};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use certguard_access::Principal;

/// The language and CSRF token the edge middleware put on the request.
async fn lang_and_csrf(parts: &mut Parts, state: &SharedState) -> Result<(Lang, CsrfToken), Response> {
    let Extension(lang) = Extension::<Lang>::from_request_parts(parts, state).await.map_err(|e| e.into_response())?;
    let Extension(csrf) =
        Extension::<CsrfToken>::from_request_parts(parts, state).await.map_err(|e| e.into_response())?;
    Ok((lang, csrf))
}

/// A public page: the user if logged in, the language, the CSRF token.
pub struct PublicPage {
    pub user: Option<Principal>,
    pub lang: Lang,
    pub csrf: CsrfToken,
}

impl PublicPage {
    /// The page frame; `path` is where the language switch comes back to.
    pub fn frame<'a>(&'a self, path: &'a str) -> Frame<'a> {
        Frame { lang: self.lang, user: self.user.as_ref(), csrf: &self.csrf, path }
    }
}

impl FromRequestParts<SharedState> for PublicPage {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        let Ok(MaybeUser(user)) = MaybeUser::from_request_parts(parts, state).await;
        let (lang, csrf) = lang_and_csrf(parts, state).await?;
        Ok(PublicPage { user, lang, csrf })
    }
}

/// A back-office page: the logged-in user (anyone else is sent to the login page), the language, the CSRF
/// token.
pub struct AdminPage {
    pub user: Principal,
    pub lang: Lang,
    pub csrf: CsrfToken,
}

impl AdminPage {
    /// The page frame; `path` is where the language switch comes back to.
    pub fn frame<'a>(&'a self, path: &'a str) -> Frame<'a> {
        Frame { lang: self.lang, user: Some(&self.user), csrf: &self.csrf, path }
    }

    /// A posted form's fields, once its CSRF token is this session's; otherwise the "form expired" page.
    // A Response is the natural early return of a handler; boxing it would only add noise.
    #[allow(clippy::result_large_err)]
    pub fn posted_form(&self, f: &Frame, body: &[u8]) -> Result<PostedForm, Response> {
        let form = PostedForm(serde_urlencoded::from_bytes(body).unwrap_or_default());
        if !crate::security::csrf_ok(&self.csrf, form.get("csrf")) {
            let l = self.lang;
            let body =
                crate::pages::layout::page(f, l.t("表单已过期", "Form expired"), crate::pages::public::expired_form(l));
            return Err((axum::http::StatusCode::FORBIDDEN, body).into_response());
        }
        Ok(form)
    }
}

/// The fields of a posted form (`application/x-www-form-urlencoded`), in order.
pub struct PostedForm(Vec<(String, String)>);

impl PostedForm {
    /// The first value of `name`, or "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name` (a multi-select, checkboxes).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

impl FromRequestParts<SharedState> for AdminPage {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        let PageUser(user) = PageUser::from_request_parts(parts, state).await?;
        let (lang, csrf) = lang_and_csrf(parts, state).await?;
        Ok(AdminPage { user, lang, csrf })
    }
}
