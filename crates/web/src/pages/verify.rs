//! Verification of signed QR certificates: the public page (paste the text or take a photo: on a phone the
//! file input opens the camera), the JSON API, and the published trust list and status lists; plus the
//! e-certificate page with its QR code.

use crate::SharedState;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::context::PublicPage;
use crate::pages::layout::{Frame, csrf_input, page};
use crate::pages::public::{certificate_card, expired_form};
use crate::scan::ScanError;
use crate::security::{ClientAddr, CsrfToken, csrf_ok};
use axum::Json;
use axum::extract::{Extension, Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use certguard_app::AppError;
use certguard_app::verification::{Decision, Input, OnlineVerification, verify_online};
use certguard_credential::verify::{CheckName, ForeignKind, Outcome, Verdict};
use certguard_registry::Serial;
use maud::{Markup, PreEscaped, html};
use std::sync::atomic::Ordering;

fn check_label(l: Lang, c: CheckName) -> &'static str {
    match c {
        CheckName::Qr => l.t("识别二维码", "QR code found"),
        CheckName::Format => l.t("格式", "Format"),
        CheckName::Prefix => l.t("前缀 AQ1", "AQ1 prefix"),
        CheckName::Base45 => l.t("Base45 编码", "Base45"),
        CheckName::Zlib => l.t("数据解压", "Decompression"),
        CheckName::CoseStructure => l.t("签名结构", "Signature structure"),
        CheckName::KidKnown => l.t("签发机关密钥已登记", "Signing key registered"),
        CheckName::AlgCurve => l.t("签名算法", "Algorithm"),
        CheckName::Signature => l.t("数字签名", "Digital signature"),
        CheckName::Claims => l.t("证书内容", "Certificate content"),
        CheckName::TrustListFresh => l.t("信任列表有效", "Trust list current"),
        CheckName::KeyValidity => l.t("密钥有效期", "Key validity"),
        CheckName::Issuer => l.t("签发机关", "Issuer"),
        CheckName::Expiry => l.t("复审/有效期", "Review / validity"),
        CheckName::Status => l.t("吊销状态", "Revocation status"),
    }
}

fn band(tone: &str, icon: &str, text: &str) -> Markup {
    html! { div class={ "verdict " (tone) } role="status" { span.icon aria-hidden="true" { (icon) } span { (text) } } }
}

/// The headline of an online verification: the registry's word where it has one.
fn decision_band(l: Lang, v: &OnlineVerification) -> Markup {
    let offline_reason = match &v.verification.verdict {
        Verdict::Invalid { check, reason } | Verdict::NotOurFormat { kind: ForeignKind::Damaged { check, reason } } => {
            format!("{}：{reason}", check_label(l, *check))
        }
        _ => String::new(),
    };
    match v.decision {
        Decision::Valid => band("ok", "✔", l.t("真实有效", "Genuine and valid")),
        Decision::ReviewDue => band(
            "ok",
            "✔",
            l.t("真实有效（已进入复审期，请按时复审）", "Genuine and valid (review window open: review it in time)"),
        ),
        Decision::ReviewOverdue | Decision::Expired => {
            band("warn", "!", l.t("证书真实，但已超过应复审日期或有效期：需复审 / 已过期", "Genuine, but past its review date or validity"))
        }
        Decision::Suspended => band("bad", "✖", l.t("证书已被暂扣：暂扣期间不得作业", "Certificate suspended: the holder may not work on it")),
        Decision::Revoked => band("bad", "✖", l.t("证书已被撤销：不得作业", "Certificate revoked: the holder may not work on it")),
        Decision::Cancelled => band("bad", "✖", l.t("证书已被注销：不得作业", "Certificate cancelled: the holder may not work on it")),
        Decision::Pending => band("warn", "!", l.t("证书尚未生效", "Certificate not yet in force")),
        Decision::Superseded => band(
            "warn",
            "!",
            l.t(
                "此二维码不是该证书的现行版本（复审、换证或更正后已重新签发），请以下方登记记录为准",
                "This QR is not the certificate's current one (re-issued after a review, renewal or correction): the registry record below counts",
            ),
        ),
        Decision::NotFound => band(
            "bad",
            "✖",
            l.t(
                "伪造：签名虽能验证，但登记册中没有这张证书（签名密钥可能已被盗用），请拨打 12350 举报",
                "Fake: the signature verifies, but the registry holds no such certificate (the signing key may be stolen); report it on 12350",
            ),
        ),
        Decision::Fake => band("bad", "✖", &format!("{} — {offline_reason}", l.t("伪造或被篡改", "Forged or altered"))),
        Decision::StatusUnknown => {
            let since = match &v.verification.verdict {
                Verdict::ValidStatusUnknown { since: Some(s) } => {
                    chrono::DateTime::from_timestamp(*s, 0).map(|t| t.to_rfc3339())
                }
                _ => None,
            };
            let text = match since {
                Some(s) => format!("{}{s}", l.t("签名真实，吊销状态未知：状态列表最后更新于 ", "Signature genuine, status unknown since ")),
                None => l.t("签名真实，吊销状态未知（无可用状态列表）", "Signature genuine, status unknown (no status list)").to_string(),
            };
            band("unknown", "?", &text)
        }
        Decision::Unreadable => band(
            "unknown",
            "?",
            &format!(
                "{} {offline_reason}",
                l.t(
                    "无法读取：内容不完整或格式有误（不代表证书是假的），请重新扫码或完整粘贴。",
                    "Unreadable: the content is incomplete or damaged (this does not mean the certificate is fake); scan again or paste it whole.",
                )
            ),
        ),
        Decision::NotOurFormat => match &v.verification.verdict {
            Verdict::NotOurFormat { kind: ForeignKind::Url(u) } => {
                let what = match v.url.as_ref().map(|j| j.verdict) {
                    Some("look_alike") => l.t("疑似仿冒官方网站", "looks like an imitation of an official site"),
                    Some("official") => l.t("官方网站地址", "an official site"),
                    _ => l.t("未知网站", "an unknown website"),
                };
                band(
                    "bad",
                    "✖",
                    &format!(
                        "{} {u}（{what}）。{}",
                        l.t("非本系统证书：此二维码指向一个网站，而不是证书：", "Not our format: this QR points to a website, not to a certificate:"),
                        l.t("网站显示“有效”不能证明证书真实，真实证书请在本页核验。", "a website saying 'valid' proves nothing; genuine certificates are verified here.")
                    ),
                )
            }
            _ => band("unknown", "?", l.t("非本系统证书：无法识别的二维码内容", "Not our format: unrecognised QR content")),
        },
    }
}

fn result_markup(l: Lang, state: &SharedState, v: &OnlineVerification) -> Markup {
    let verdict = decision_band(l, v);
    let card = v.verification.credential.as_ref().and_then(|c| {
        let serial: [u8; 16] = c.claims.cti.clone().try_into().ok()?;
        Some(Serial(serial))
    });
    html! {
        (verdict)
        @if let Some(c) = &v.verification.credential {
            div.card {
                dl.fields {
                    dt { (l.t("姓名", "Name")) } dd { (c.body.holder_name) }
                    dt { (l.t("证号", "Number")) } dd { (c.body.number_masked) }
                    dt { (l.t("身份证号", "ID number")) } dd { (c.body.id_masked) }
                    dt { (l.t("类别 / 项目", "Category / item")) } dd {
                        (state.registry.catalogue().category(&c.body.category).map(|x| l.t(&x.zh, &x.en).to_string()).unwrap_or_else(|| c.body.category.clone()))
                        " / "
                        (state.registry.catalogue().item(&c.body.item).map(|(_, x)| l.t(&x.zh, &x.en).to_string()).unwrap_or_else(|| c.body.item.clone()))
                    }
                    dt { (l.t("有效期", "Valid")) } dd { (l.date(c.body.valid_from)) " – " (l.date(c.body.valid_to)) }
                    dt { (l.t("应复审日期", "Review due")) } dd { (l.date(c.body.review_due)) }
                    dt { (l.t("签发机关", "Issued by")) } dd { (c.body.authority_name) }
                }
                @if let Some(r) = &v.registry {
                    p {
                        (l.t("登记记录：", "Registry record: "))
                        @if r.found {
                            (r.status.map(|s| l.t(s.zh(), s.en())).unwrap_or("—"))
                            @if let Some(s) = card { " · " a href={ "/e/" (s) } { (l.t("查看电子证书", "e-certificate")) } }
                        } @else {
                            (l.t("未在本登记册中找到", "not in this registry"))
                        }
                    }
                }
            }
        }
        h2 { (l.t("逐项核验结果", "Each check")) }
        div.table-wrap { table {
            thead { tr { th { (l.t("项目", "Check")) } th { (l.t("结果", "Result")) } th { (l.t("说明", "Detail")) } } }
            tbody { @for c in &v.verification.checks { tr {
                td { (check_label(l, c.name)) }
                td { @match c.outcome {
                    Outcome::Pass => span.badge.ok { "✔ " (l.t("通过", "pass")) },
                    Outcome::Fail => span.badge.bad { "✖ " (l.t("未通过", "fail")) },
                    Outcome::Unknown => span.badge.unknown { "? " (l.t("未知", "unknown")) },
                } }
                td { (c.detail) }
            } } }
        } }
        div.notice { (l.t("发现假证或假冒查询网站，请拨打 12350 举报。", "Found a fake certificate or a fake query site? Report it on 12350.")) }
    }
}

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
    if !state.lookup_limiter.allow(ip).await {
        state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        return too_many(l, &f, title);
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
            Some(l.t("照片过大（最大 8 MB），请缩小后重试", "The photo is too large (8 MB at most)").to_string()),
        ),
        Err(crate::upload::UploadError::Malformed(e)) => (String::new(), String::new(), None, Some(e)),
    };
    if let Some(e) = &error
        && csrf_field.is_empty()
    {
        let body = html! { h1 { (title) } (band("unknown", "?", e)) (verify_form(l, csrf, "")) };
        let status = if e.contains("8 MB") { StatusCode::PAYLOAD_TOO_LARGE } else { StatusCode::BAD_REQUEST };
        return (status, page(&f, title, body)).into_response();
    }
    if !csrf_ok(csrf, &csrf_field) {
        return (StatusCode::FORBIDDEN, page(&f, title, expired_form(l))).into_response();
    }
    let result = match (photo, text.trim()) {
        (Some(p), _) => verify_photo(&state, p, crate::scan::PHOTO_MAX_PIXELS).await,
        (None, t) if !t.is_empty() => verify_online(&state.registry, Input::Text(t)).await.map(Some),
        _ => {
            let msg = error.unwrap_or_else(|| {
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
    if !state.frame_limiter.allow(ip).await {
        state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        return too_many(l, &f, title);
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
    if !state.lookup_limiter.allow(ip).await {
        state.metrics.rate_limited.fetch_add(1, Ordering::Relaxed);
        return too_many(l, &f, title);
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

/// GET /trust-list: the signed trust list, as the offline trust anchor signed it.
pub async fn trust_list(State(state): State<SharedState>) -> Response {
    let Some(c) = state.registry.credentials() else { return StatusCode::NOT_FOUND.into_response() };
    match std::fs::read(c.trust_list_path()) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/certguard-trust-list+cwt"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// GET /status/{authority}: the authority's signed Token Status List.
pub async fn status_list(State(state): State<SharedState>, Path(code): Path<String>) -> Response {
    let Some(c) = state.registry.credentials() else { return StatusCode::NOT_FOUND.into_response() };
    let Ok(code) = code.parse::<certguard_types::AuthorityCode>() else { return StatusCode::NOT_FOUND.into_response() };
    if !state.registry.authority_known(&code) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let now = state.registry.clock().now().timestamp();
    match c.status_token(state.registry.store().as_ref(), &code, now).await {
        Ok(token) => (
            [
                (header::CONTENT_TYPE, "application/statuslist+cwt".to_string()),
                (header::CACHE_CONTROL, format!("public, max-age={}", c.status_max_age(&code, now))),
            ],
            token.as_ref().clone(),
        )
            .into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn credential_of(state: &SharedState, serial: &str) -> Option<(certguard_registry::Certificate, String)> {
    let serial = Serial::from_hex(serial)?;
    let stored = state.registry.store().certificate(&serial).await.ok()??;
    let text = stored.certificate.credential.as_ref()?.text.clone();
    Some((stored.certificate, text))
}

/// GET /e/{serial}: the e-certificate as its holder shows it (masked ID, QR code, printable).
pub async fn e_certificate(State(state): State<SharedState>, cx: PublicPage, Path(serial): Path<String>) -> Response {
    let l = cx.lang;
    let Some((cert, text)) = credential_of(&state, &serial).await else {
        return crate::pages::public::not_found(cx).await;
    };
    let path = format!("/e/{serial}");
    let f = cx.frame(&path);
    let view = state.registry.public_view(&cert, state.registry.clock().today());
    let svg = certguard_credential::qr::to_svg(&text, 8).unwrap_or_default();
    page(&f, l.t("电子证书", "e-certificate"), html! {
        h1 { (l.t(cert.kind().zh(), cert.kind().en())) }
        div.card.ecert {
            div.qr aria-label=(l.t("证书二维码：请用本系统“扫码核验”页面核验", "Certificate QR: verify it on this system's verify page")) { (PreEscaped(svg)) }
            p.hint { (l.t("请使用本系统“扫码核验”页面核验此二维码，不要用相机直接打开。", "Verify this QR on this system's verify page; do not open it with a camera app.")) }
            p.actions {
                a.button.secondary href={ "/e/" (serial) "/card.svg" } download { (l.t("下载证卡 (SVG，可打印)", "Download the card (SVG, printable)")) }
                a.button.secondary href={ "/e/" (serial) "/qr.png" } download { (l.t("下载二维码 (PNG)", "Download the QR (PNG)")) }
            }
        }
        (certificate_card(l, &view))
    })
    .into_response()
}

pub async fn e_certificate_qr(State(state): State<SharedState>, Path(file): Path<(String, String)>) -> Response {
    let (serial, name) = file;
    let Some((_, text)) = credential_of(&state, &serial).await else { return StatusCode::NOT_FOUND.into_response() };
    match name.as_str() {
        "qr.svg" => match certguard_credential::qr::to_svg(&text, 8) {
            Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        "card.svg" => {
            let Some((cert, _)) = credential_of(&state, &serial).await else {
                return StatusCode::NOT_FOUND.into_response();
            };
            let view = state.registry.public_view(&cert, state.registry.clock().today());
            match certguard_credential::qr::to_svg(&text, 8) {
                Ok(qr) => {
                    let special = matches!(cert.scope, certguard_registry::Scope::SpecialOperation { .. });
                    ([(header::CONTENT_TYPE, "image/svg+xml")], card_svg(&view, &qr, special)).into_response()
                }
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        "qr.png" => match certguard_credential::qr::to_png(&text, 8) {
            Ok(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

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

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The printable card as SVG, in the spirit of the official layout (blue for special-operation, green for
/// management certificates): Chinese labels, masked ID, dates, authority, and the QR at 8 px per module.
pub fn card_svg(view: &certguard_app::PublicCertificate, qr_svg: &str, special: bool) -> String {
    let (w, h) = (2200, 1320);
    let color = if special { "#1f5fae" } else { "#2e7d4f" };
    let date = |d: chrono::NaiveDate| Lang::Zh.date(d);
    let mut fields: Vec<(&str, String)> = vec![
        ("证　　号", view.number.clone()),
        ("姓　　名", view.holder_name.clone()),
        ("性　　别", view.sex.zh.clone()),
        ("身份证号", view.id_masked.clone()),
    ];
    if special {
        fields.push(("作业类别", view.category.zh.clone()));
        fields.push(("操作项目", view.item.zh.clone()));
    } else {
        fields.push(("人员类型", view.category.zh.clone()));
        fields.push(("行业类别", view.item.zh.clone()));
    }
    fields.push(("初领日期", date(view.first_issued)));
    fields.push(("有效期限", format!("{} 至 {}", date(view.valid_from), date(view.valid_until))));
    if let Some(r) = view.review_due {
        fields.push(("应复审日期", date(r)));
    }
    fields.push(("签发机关", view.authority.zh.clone()));
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif">
<rect x="0" y="0" width="{w}" height="{h}" rx="60" fill="{color}"/>
<text x="{cx}" y="110" font-size="56" fill="#fff" text-anchor="middle">中华人民共和国应急管理部</text>
<text x="{cx}" y="200" font-size="84" font-weight="700" fill="#fff" text-anchor="middle" letter-spacing="12">{title}</text>
<rect x="50" y="250" width="{inner_w}" height="{inner_h}" rx="30" fill="#fff"/>
"##,
        cx = w / 2,
        title = if special { "特种作业操作证" } else { "安全生产知识和管理能力考核合格证" },
        inner_w = w - 100,
        inner_h = h - 300,
    );
    for (i, (label, value)) in fields.iter().enumerate() {
        let y = 340 + i as i32 * 88;
        s.push_str(&format!(
            "<text x=\"100\" y=\"{y}\" font-size=\"46\" fill=\"#5b6675\">{}</text><text x=\"370\" y=\"{y}\" font-size=\"50\" font-weight=\"600\" fill=\"#1d2530\">{}</text>\n",
            xml_escape(label),
            xml_escape(value)
        ));
    }
    // The QR keeps its own pixel size (8 px per module): scaling it down would break that promise.
    let qr = qr_svg.replacen("<svg ", &format!("<svg x=\"{}\" y=\"{}\" ", w - 880, 270), 1);
    s.push_str(&qr);
    s.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"34\" fill=\"#5b6675\" text-anchor=\"middle\">请用“安证卫士·扫码核验”核验二维码，勿用相机直接打开网址</text>\n</svg>\n",
        w / 2,
        h - 80
    ));
    s
}
