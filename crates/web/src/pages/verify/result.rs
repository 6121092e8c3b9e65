//! The verdict of a verification as a page: the headline band (the registry's word where it has one) and each
//! check of the signed credential.

use crate::SharedState;
use crate::i18n::Lang;
use certguard_app::verification::{Decision, OnlineVerification};
use certguard_credential::verify::{CheckName, ForeignKind, Outcome, Verdict};
use certguard_registry::Serial;
use maud::{Markup, html};

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

pub(super) fn band(tone: &str, icon: &str, text: &str) -> Markup {
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
        Decision::Fake if v.log.as_ref().is_some_and(|c| !c.logged) => band(
            "bad",
            "✖",
            l.t(
                "伪造：签名虽能验证，但透明日志中没有这张证书的签发记录（未经登记签发，签名密钥可能已被盗用），请拨打 12350 举报",
                "Fake: the signature verifies, but the transparency log has no record of issuing it (not issued by the registry; the signing key may be stolen); report it on 12350",
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

pub(super) fn result_markup(l: Lang, state: &SharedState, v: &OnlineVerification) -> Markup {
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
                @if let Some(lc) = &v.log {
                    p.log-check {
                        (l.t("透明日志：", "Transparency log: "))
                        @if let (true, Some(i), Some(n)) = (lc.logged, lc.index, lc.tree_size) {
                            (l.t("已记录，第 ", "recorded as entry "))
                            (i)
                            (l.t(" 条（共 ", " of "))
                            (n)
                            (l.t(" 条，包含证明已核验）", ", inclusion proof checked)"))
                            @if let Some(s) = card { " · " a href={ "/log/proof/" (s) } { (l.t("下载离线证明", "offline proof")) } }
                        } @else {
                            (l.t("无记录", "no record"))
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
