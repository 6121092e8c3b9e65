//! GET /log: the transparency log as people see it: its size, the latest signed checkpoint and who cosigned
//! it, how to audit it, and (with `?serial=`) one certificate's history in the log with an offline proof.

use crate::SharedState;
use crate::pages::context::PublicPage;
use crate::pages::layout::page;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use certguard_registry::{LogEventKind, Serial};
use maud::html;

#[derive(serde::Deserialize, Default)]
struct LogQuery {
    #[serde(default)]
    serial: String,
}

fn kind_label(l: crate::i18n::Lang, k: LogEventKind) -> &'static str {
    match k {
        LogEventKind::Issued => l.t("发证", "issued"),
        LogEventKind::Imported => l.t("导入", "imported"),
        LogEventKind::Reviewed => l.t("复审", "reviewed"),
        LogEventKind::ReviewIntervalExtended => l.t("延长复审周期", "review interval extended"),
        LogEventKind::Renewed => l.t("换证", "renewed"),
        LogEventKind::Suspended => l.t("暂扣", "suspended"),
        LogEventKind::Reinstated => l.t("恢复", "reinstated"),
        LogEventKind::Revoked => l.t("撤销", "revoked"),
        LogEventKind::Cancelled => l.t("注销", "cancelled"),
        LogEventKind::Corrected => l.t("更正", "corrected"),
        LogEventKind::CredentialSigned => l.t("重新签发二维码", "QR re-signed"),
        LogEventKind::KeyAdded => l.t("签名密钥加入信任列表", "key added to the trust list"),
        LogEventKind::KeyRemoved => l.t("签名密钥移出信任列表", "key removed from the trust list"),
        LogEventKind::RosterReceipt => l.t("用人单位核验回执", "employer verification receipt"),
    }
}

async fn log_page(State(state): State<SharedState>, cx: PublicPage, Query(q): Query<LogQuery>) -> Response {
    let l = cx.lang;
    let f = cx.frame("/log");
    let Some(log) = state.registry.log() else { return crate::pages::public::not_found(cx).await };
    let checkpoint = log.checkpoint().await.ok().flatten();
    // Signers other than the log itself are witnesses.
    let witnesses: Vec<String> = checkpoint
        .as_ref()
        .and_then(|(_, note)| certguard_tlog::note::Note::parse(note).ok())
        .map(|n| n.signatures.iter().filter(|s| s.name != log.origin()).map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    let serial = Serial::from_hex(q.serial.trim());
    let history = match serial {
        Some(s) => log.history(&s).await.unwrap_or_default(),
        None => Vec::new(),
    };
    page(&f, l.t("透明日志", "Transparency log"), html! {
        h1 { (l.t("证书透明日志", "Certificate transparency log")) }
        p { (l.t(
            "每一次发证、复审、换证、暂扣、撤销、注销和更正都记入这个只增不改的公开日志。日志中没有记录的证书不是本系统签发的；任何人都可以下载全部记录并核对历史从未被改写。记录中不含姓名和身份证号。",
            "Every issue, review, renewal, suspension, revocation, cancellation and correction is appended to this public, append-only log. A certificate the log does not record was not issued here; anyone can download every entry and check that history was never rewritten. Entries carry no names and no ID numbers."
        )) }
        div.card {
            dl.fields {
                dt { (l.t("日志名称", "Origin")) } dd { code { (log.origin()) } }
                dt { (l.t("记录条数", "Entries")) } dd { (checkpoint.as_ref().map_or(0, |(s, _)| *s)) }
                dt { (l.t("验证公钥", "Verifier key")) } dd { code { (log.verifier().to_string()) } }
                dt { (l.t("见证方", "Witnesses")) } dd {
                    @if witnesses.is_empty() { (l.t("暂无见证方联署", "no witness cosignatures yet")) }
                    @else { @for w in &witnesses { code { (w) } " " } }
                }
            }
            @if let Some((_, note)) = &checkpoint {
                h2 { (l.t("最新签名检查点", "Latest signed checkpoint")) }
                pre.checkpoint { (note) }
            }
            p.hint { (l.t("审计：", "Audit: ")) code { "certguard log audit " (state_base(&state)) "/log --state audit.json" } }
        }
        h2 { (l.t("查询证书的日志记录", "A certificate's entries")) }
        form.card method="get" action="/log" {
            label for="serial" { (l.t("证书序列号（电子证书页面地址中的 32 位编码）", "Certificate serial (the 32 hex digits in its e-certificate address)")) }
            input #serial name="serial" value=(q.serial) maxlength="64" autocomplete="off";
            div.actions { button type="submit" { (l.t("查询", "Look up")) } }
        }
        @if serial.is_some() {
            @if history.is_empty() {
                div.verdict.bad role="status" { (l.t("日志中没有这张证书的记录", "The log has no entry for this certificate")) }
            } @else {
                div.table-wrap { table {
                    thead { tr {
                        th { (l.t("序号", "Index")) } th { (l.t("事件", "Event")) } th { (l.t("时间", "Time")) }
                        th { (l.t("二维码摘要", "QR digest")) } th { (l.t("上一条", "Previous")) }
                    } }
                    tbody { @for h in &history { tr {
                        td { (h.leaf.index) }
                        td { (kind_label(l, h.entry.kind)) }
                        td { (chrono::DateTime::from_timestamp(h.entry.at_unix, 0).map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default()) }
                        td { code { (h.entry.credential_sha256.map(|d| d[..6].iter().map(|b| format!("{b:02x}")).collect::<String>()).unwrap_or_else(|| "—".into())) } }
                        td { (h.entry.previous.map(|p| p.to_string()).unwrap_or_else(|| "—".into())) }
                    } } }
                } }
                @if let Some(s) = serial {
                    p { a.button.secondary href={ "/log/proof/" (s) } download { (l.t("下载最新记录的离线证明 (.tlog-proof)", "Download the latest entry's offline proof (.tlog-proof)")) } }
                }
            }
        }
    })
    .into_response()
}

fn state_base(state: &SharedState) -> String {
    state.registry.credentials().map(|c| c.public_base().to_string()).unwrap_or_default()
}

pub fn routes() -> Router<SharedState> {
    Router::new().route("/log", get(log_page))
}
