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
}

impl FromRequestParts<SharedState> for AdminPage {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        let PageUser(user) = PageUser::from_request_parts(parts, state).await?;
        let (lang, csrf) = lang_and_csrf(parts, state).await?;
        Ok(AdminPage { user, lang, csrf })
    }
}
