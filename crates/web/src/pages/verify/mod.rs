//! Verification of signed QR certificates: the public page (paste the text or take a photo: on a phone the
//! file input opens the camera), the JSON API, and the published trust list and status lists; plus the
//! e-certificate page with its QR code.//!
//! Modules: `result` (the verdict as a page), [`credential`] (trust list, status lists, e-certificate and
//! card), [`printed`] (printed-data check).

pub mod credential;
pub mod printed;
mod result;

use crate::SharedState;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::context::PublicPage;
use crate::pages::layout::{Frame, csrf_input, page};
use crate::pages::public::expired_form;
use crate::scan::ScanError;
use crate::security::{ClientAddr, CsrfToken, csrf_ok};
use axum::Json;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Extension, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use certguard_app::AppError;
use certguard_app::verification::{Input, OnlineVerification, verify_online};
use maud::{Markup, html};
use result::{band, result_markup};
use std::sync::atomic::Ordering;

fn verify_form(l: Lang, csrf: &CsrfToken, text: &str) -> Markup {
    html! {
        div.card {
            button type="button" id="scan-start" hidden { (l.t("打开摄像头扫码", "Scan with the camera")) }
            video id="scan-video" hidden playsinline muted {}
            p id="scan-status" role="status"
                data-scanning=(l.t("请将证书二维码对准摄像头……", "Point the camera at the certificate's QR code..."))
                data-denied=(l.t("无法使用摄像头：请拍照上传或粘贴内容", "No camera access: take a photo or paste the content")) {}
        }
        form.card id="verify-form" method="post" action="/verify" enctype="multipart/form-data" {
            (csrf_input(csrf))
            label for="photo" { (l.t("拍照或上传证书二维码照片", "Take or upload a photo of the certificate's QR code")) }
            input type="file" id="photo" name="photo" accept="image/png,image/jpeg" capture="environment";
            label for="text" { (l.t("或粘贴二维码内容（以 AQ1: 开头）", "or paste the QR content (starts with AQ1:)")) }
            textarea id="text" name="text" rows="4" { (text) }
            div.actions { button type="submit" { (l.t("核验", "Verify")) } }
        }
    }
}

pub async fn verify_page(cx: PublicPage) -> Markup {
    let csrf = &cx.csrf;
    let l = cx.lang;
    let f = cx.frame("/verify");
    page(
        &f,
        l.t("扫码核验", "Verify a QR"),
        html! {
            h1 { (l.t("核验电子证书二维码", "Verify a certificate's QR code")) }
            p { (l.t("本页离线核验证书二维码中的数字签名，并查询登记册中的最新状态。不要用手机相机直接打开证书上的网址。",
                     "This page checks the digital signature in the certificate's QR code and the registry's current status. Do not open web addresses from a certificate with your phone camera.")) }
            (verify_form(l, csrf, ""))
            script src="/static/scan.js" defer {}
            p { a href="/verify/printed" { (l.t("证书没有二维码？核对纸质证书的印刷信息", "No QR code? Check the printed data of a paper certificate")) } }
        },
    )
}

fn too_many(l: Lang, f: &Frame<'_>, title: &str) -> Response {
    let body = html! { h1 { (title) } (band("unknown", "⏳", l.t("核验过于频繁，请一分钟后再试", "Too many checks: try again in a minute"))) };
    (StatusCode::TOO_MANY_REQUESTS, page(f, title, body)).into_response()
}

fn unavailable(l: Lang, f: &Frame<'_>, title: &str) -> Response {
    let body = html! { h1 { (title) } (band("unknown", "!", l.t("核验服务繁忙或暂不可用，请稍后再试", "Verification is busy or unavailable: try again shortly"))) };
    (StatusCode::SERVICE_UNAVAILABLE, page(f, title, body)).into_response()
}

/// Online verification of what a photo held: `Ok(None)` when the decoding slots stayed busy.
async fn verify_photo(
    state: &SharedState,
    bytes: Vec<u8>,
    max_pixels: u64,
) -> Result<Option<OnlineVerification>, AppError> {
    let v = match state.scanner.decode(bytes, max_pixels).await {
        Ok(text) => verify_online(&state.registry, Input::Scanned(&text)).await?,
        Err(ScanError::Unreadable(why)) => verify_online(&state.registry, Input::Unscannable(&why)).await?,
        Err(ScanError::Busy) => return Ok(None),
    };
    Ok(Some(v))
}

/// Takes a token from `budget` for the client, or answers with the "too many" page.
async fn charge(
    state: &SharedState,
    budget: &crate::security::Budget,
    ip: std::net::IpAddr,
    f: &Frame<'_>,
    title: &str,
) -> Result<(), Response> {
    if budget.allow(ip).await {
        return Ok(());
    }
    state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
    Err(too_many(f.lang, f, title))
}

pub async fn verify_submit(
    State(state): State<SharedState>,
    cx: PublicPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    multipart: Multipart,
) -> Response {
    let csrf = &cx.csrf;
    let l = cx.lang;
    let f = cx.frame("/verify");
    let title = l.t("核验结果", "Verification result");
    // Charged before the body is read: a refused client costs us no upload and no decoding.
    if let Err(refused) = charge(&state, &state.lookup_limiter, ip, &f, title).await {
        return refused;
    }
    let (csrf_field, text, photo, error) = match crate::upload::read_form(multipart).await {
        Ok(mut fields) => {
            let text: String = crate::upload::text(&fields, "text").chars().take(8192).collect();
            let photo = fields.remove("photo").map(|p| p.bytes).filter(|b| !b.is_empty());
            (crate::upload::text(&fields, "csrf"), text, photo, None)
        }
        Err(crate::upload::UploadError::TooLarge) => (
            String::new(),
            String::new(),
            None,
            Some((
                StatusCode::PAYLOAD_TOO_LARGE,
                l.t("照片过大（最大 8 MB），请缩小后重试", "The photo is too large (8 MB at most)").to_string(),
            )),
        ),
        Err(crate::upload::UploadError::Malformed(e)) => {
            (String::new(), String::new(), None, Some((StatusCode::BAD_REQUEST, e)))
        }
    };
    if let Some((status, e)) = &error
        && csrf_field.is_empty()
    {
        let body = html! { h1 { (title) } (band("unknown", "?", e)) (verify_form(l, csrf, "")) };
        return (*status, page(&f, title, body)).into_response();
    }
    if !csrf_ok(csrf, &csrf_field) {
        return (StatusCode::FORBIDDEN, page(&f, title, expired_form(l))).into_response();
    }
    let result = match (photo, text.trim()) {
        (Some(p), _) => verify_photo(&state, p, crate::scan::PHOTO_MAX_PIXELS).await,
        (None, t) if !t.is_empty() => verify_online(&state.registry, Input::Text(t)).await.map(Some),
        _ => {
            let msg = error.map(|(_, e)| e).unwrap_or_else(|| {
                l.t("请拍照上传二维码或粘贴其内容", "Take a photo of the QR or paste its content").to_string()
            });
            let body = html! { h1 { (title) } (band("unknown", "?", &msg)) (verify_form(l, csrf, &text)) };
            return (StatusCode::BAD_REQUEST, page(&f, title, body)).into_response();
        }
    };
    match result {
        Ok(Some(v)) => {
            page(&f, title, html! { h1 { (title) } (result_markup(l, &state, &v)) (verify_form(l, csrf, "")) })
                .into_response()
        }
        Ok(None) => unavailable(l, &f, title),
        Err(e) => {
            tracing::warn!(error = %e, "verification unavailable");
            unavailable(l, &f, title)
        }
    }
}

/// POST /verify/frame: one camera frame from the scanning page. 204 while no QR code is in view (the page
/// sends the next frame); the result page as soon as one is. Frames have their own rate limit, charged
/// before the frame is read; a frame with a code also costs a lookup.
pub async fn verify_frame(
    State(state): State<SharedState>,
    cx: PublicPage,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    multipart: Multipart,
) -> Response {
    let csrf = &cx.csrf;
    let l = cx.lang;
    let f = cx.frame("/verify");
    let title = l.t("核验结果", "Verification result");
    if let Err(refused) = charge(&state, &state.frame_limiter, ip, &f, title).await {
        return refused;
    }
    let fields = match crate::upload::read_form(multipart).await {
        Ok(fields) => fields,
        Err(crate::upload::UploadError::TooLarge) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    if !csrf_ok(csrf, &crate::upload::text(&fields, "csrf")) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(photo) = fields.into_iter().find(|(k, p)| k == "photo" && !p.bytes.is_empty()).map(|(_, p)| p.bytes)
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    // Decoded once; an empty frame ends here.
    let text = match state.scanner.decode(photo, crate::scan::FRAME_MAX_PIXELS).await {
        Ok(text) => text,
        Err(ScanError::Unreadable(_)) => return StatusCode::NO_CONTENT.into_response(),
        Err(ScanError::Busy) => return unavailable(l, &f, title),
    };
    if let Err(refused) = charge(&state, &state.lookup_limiter, ip, &f, title).await {
        return refused;
    }
    match verify_online(&state.registry, Input::Scanned(&text)).await {
        Ok(v) => page(&f, title, html! { h1 { (title) } (result_markup(l, &state, &v)) (verify_form(l, csrf, "")) })
            .into_response(),
        Err(_) => unavailable(l, &f, title),
    }
}

#[derive(serde::Deserialize)]
pub struct VerifyRequest {
    pub text: String,
}

/// POST /api/v1/verify: `{"text": "AQ1:..."}` as JSON, or a PNG/JPEG photo as the body. The rate limit is
/// charged before the body is read.
pub async fn verify_api(
    State(state): State<SharedState>,
    Extension(ClientAddr(ip)): Extension<ClientAddr>,
    request: axum::extract::Request,
) -> Result<Json<OnlineVerification>, ApiError> {
    if !state.lookup_limiter.allow(ip).await {
        state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        return Err(ApiError::rate_limited());
    }
    let ct = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let (image, json) = (ct.starts_with("image/"), ct.starts_with("application/json"));
    if !image && !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "bad_request",
            "send application/json {\"text\": ...} or an image/png or image/jpeg body",
        ));
    }
    let limit = if image { crate::scan::PHOTO_MAX_BYTES } else { crate::FORM_MAX_BYTES };
    let body = axum::body::to_bytes(request.into_body(), limit).await.map_err(|_| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is larger than {limit} bytes (a photo of the QR needs far less)"),
        )
    })?;
    let result = if image {
        match verify_photo(&state, body.to_vec(), crate::scan::PHOTO_MAX_PIXELS).await {
            Ok(Some(v)) => Ok(v),
            Ok(None) => {
                return Err(ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "verification is busy: retry shortly",
                ));
            }
            Err(e) => Err(e),
        }
    } else {
        let req: VerifyRequest = serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request(format!("expected {{\"text\": ...}}: {e}")))?;
        verify_online(&state.registry, Input::Text(&req.text)).await
    };
    match result {
        Ok(v) => Ok(Json(v)),
        Err(AppError::Invalid { field, reason }) if field == "trust_list" || field == "credentials" => Err(
            ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "internal", format!("verification unavailable: {reason}")),
        ),
        Err(e) => Err(e.into()),
    }
}

pub fn routes() -> Router<SharedState> {
    let photo = DefaultBodyLimit::max(crate::scan::PHOTO_MAX_BYTES + crate::FORM_MAX_BYTES);
    Router::new()
        .route("/verify", get(verify_page).post(verify_submit).layer(photo))
        .route("/verify/printed", get(printed::printed_page).post(printed::printed_check))
        .route("/trust-list", get(credential::trust_list))
        .route("/status/{authority}", get(credential::status_list))
        .route("/e/{serial}", get(credential::e_certificate))
        .route("/e/{serial}/{file}", get(credential::e_certificate_qr))
        .route("/api/v1/verify", post(verify_api).layer(photo))
        .route(
            "/verify/frame",
            post(verify_frame).layer(DefaultBodyLimit::max(crate::scan::FRAME_MAX_BYTES + crate::FORM_MAX_BYTES)),
        )
}
