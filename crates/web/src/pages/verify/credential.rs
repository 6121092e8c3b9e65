//! What the registry publishes for offline verifiers (the trust list, the authorities' status lists) and
//! the holder's e-certificate with its QR code and printable card.

use crate::SharedState;
use crate::error::ApiError;
use crate::i18n::Lang;
use crate::pages::context::PublicPage;
use crate::pages::layout::page;
use crate::pages::public::certificate_card;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use certguard_registry::Serial;
use maud::{PreEscaped, html};

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
                @if state.registry.log().is_some() {
                    a.button.secondary href={ "/log/proof/" (serial) } download {
                        (l.t("下载透明日志离线证明 (.tlog-proof)", "Download the transparency-log proof (.tlog-proof)"))
                    }
                }
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
