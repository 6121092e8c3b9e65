//! Who is asking: a session cookie (pages) or a bearer token (machines).

use crate::SharedState;
use crate::error::ApiError;
use crate::security::{SESSION_COOKIE, cookie};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use certguard_access::Principal;

async fn principal(parts: &Parts, state: &SharedState) -> Option<Principal> {
    if let Some(token) =
        parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        return state.accounts.authenticate_token(token.trim()).await.ok().flatten();
    }
    let token = cookie(&parts.headers, SESSION_COOKIE)?;
    state.accounts.session(token).await.ok().flatten()
}

/// The user if logged in.
pub struct MaybeUser(pub Option<Principal>);

impl FromRequestParts<SharedState> for MaybeUser {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(principal(parts, state).await))
    }
}

/// A logged-in user for a back-office page; anyone else is sent to the login page.
pub struct PageUser(pub Principal);

impl FromRequestParts<SharedState> for PageUser {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        match principal(parts, state).await {
            Some(p) => Ok(PageUser(p)),
            None => {
                let next = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/admin");
                let next: String = next.chars().filter(|c| c.is_ascii_graphic()).collect();
                Err(Redirect::to(&format!("/login?next={}", urlencode(&next))).into_response())
            }
        }
    }
}

/// An authenticated API caller.
pub struct ApiUser(pub Principal);

impl FromRequestParts<SharedState> for ApiUser {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, state: &SharedState) -> Result<Self, Self::Rejection> {
        principal(parts, state).await.map(ApiUser).ok_or_else(ApiError::unauthorized)
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Only local paths are followed after login (no open redirect).
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(local_path).unwrap_or("/admin").to_string()
}

/// `target` if it is a path on this site, for redirects. Browsers read `\` as `/` and drop tabs and line
/// breaks from URLs, so `/\evil.example` and `/<TAB>/evil.example` would leave the site: refuse any
/// backslash, control character or white space, and a second leading slash.
pub fn local_path(target: &str) -> Option<&str> {
    let ok = target.starts_with('/')
        && !target.starts_with("//")
        && !target.chars().any(|c| c == '\\' || c.is_control() || c.is_whitespace());
    ok.then_some(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/admin/certificates?q=1")), "/admin/certificates?q=1");
        assert_eq!(safe_next(Some("//evil.example/")), "/admin");
        assert_eq!(safe_next(Some("https://evil.example/")), "/admin");
        for evil in ["/\t/evil.example/", "/\\evil.example/", "/\n/evil.example", "/ /evil.example", "/\u{85}/x"] {
            assert_eq!(safe_next(Some(evil)), "/admin", "{evil:?}");
        }
        assert_eq!(safe_next(None), "/admin");
        assert_eq!(urlencode("/a b?c=d"), "/a%20b%3Fc%3Dd");
    }
}
