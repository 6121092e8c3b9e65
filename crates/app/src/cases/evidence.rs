//! The police hand-over package (移送材料): one ZIP with the case and its history, the inspection and its
//! findings (verification answers, numbers masked), the lead with its evidence and a STIX 2.1 bundle, the
//! transparency log's checkpoint at the time, a printable 移送函, and `manifest.json` with the SHA-256 of every
//! file so that the receiving side can check nothing changed on the way.

use super::{Case, CaseSource, get_case, inspection};
use crate::error::AppError;
use crate::registry::Registry;
use certguard_access::CaseGrant;
use certguard_casework::case::CaseState;
use certguard_leads::LeadLink;
use certguard_leads::stix::Producer;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::io::Write;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The 移送函 as a printable page.
fn letter(c: &Case, producer: &Producer, today: chrono::NaiveDate) -> String {
    let penalty = c.penalty.as_ref().map_or("无".to_string(), |p| format!("{}元（{}）", p.total_yuan, p.article));
    format!(
        "<!doctype html><html lang=\"zh-CN\"><meta charset=\"utf-8\"><title>案件移送函</title>\
         <style>body{{font-family:serif;max-width:40em;margin:3em auto;line-height:1.8}}h1{{text-align:center}}</style>\
         <h1>案件移送函</h1><p>公安机关：</p>\
         <p>我单位在安全生产执法检查中发现以下涉嫌违法犯罪线索，依据《行政执法机关移送涉嫌犯罪案件的规定》，现将案件移送你单位依法处理。</p>\
         <table border=\"1\" cellpadding=\"6\" style=\"border-collapse:collapse\">\
         <tr><th>案件编号</th><td>{id}</td></tr><tr><th>案由</th><td>{title}</td></tr>\
         <tr><th>涉案单位</th><td>{unit}</td></tr><tr><th>违法行为</th><td>{offence}</td></tr>\
         <tr><th>行政区划</th><td>{region}</td></tr><tr><th>立案时间</th><td>{opened}</td></tr>\
         <tr><th>行政处罚</th><td>{penalty}</td></tr><tr><th>当前状态</th><td>{state}</td></tr></table>\
         <p>附件：案件材料（见 manifest.json 所列文件及其SHA-256校验值）。</p>\
         <p style=\"text-align:right\">{producer}<br>{today}</p></html>",
        id = c.id,
        title = escape(&c.title),
        unit = escape(c.unit_name.as_deref().unwrap_or("—")),
        offence = c.offence.zh(),
        region = escape(&c.region),
        opened = c.opened_at.format("%Y-%m-%d"),
        penalty = escape(&penalty),
        state = c.state.zh(),
        producer = escape(&producer.name),
        today = today,
    )
}

/// Builds the package for a case that was transferred to the police (or is being: decided or under
/// investigation); audited.
pub async fn evidence_package(
    registry: &Registry,
    grant: &CaseGrant,
    id: i64,
    producer: &Producer,
) -> Result<Vec<u8>, AppError> {
    let c = get_case(registry, grant, id).await?;
    if c.state == CaseState::Filed {
        return Err(AppError::invalid("state", "a case is investigated before its evidence is handed over"));
    }
    let now = registry.clock().now();
    let pretty = |v: &serde_json::Value| serde_json::to_vec_pretty(v).map_err(|e| AppError::Internal(e.to_string()));
    let mut files: Vec<(String, Vec<u8>)> =
        vec![("case.json".into(), pretty(&serde_json::to_value(&c).map_err(|e| AppError::Internal(e.to_string()))?)?)];
    match &c.source {
        CaseSource::Finding { inspection: iid, .. } => {
            let i = inspection(registry, grant, *iid).await?;
            files.push((
                "inspection.json".into(),
                pretty(&serde_json::to_value(&i).map_err(|e| AppError::Internal(e.to_string()))?)?,
            ));
            for p in registry.store().inspection_photos(*iid).await? {
                let ext = match p.bytes.get(..3) {
                    Some([0xFF, 0xD8, 0xFF]) => "jpg",
                    Some([0x89, b'P', b'N']) => "png",
                    _ => "img",
                };
                files.push((format!("photos/worker-{}.{ext}", p.worker), p.bytes));
            }
        }
        CaseSource::Lead { lead } => {
            if let Some(detail) = registry.store().lead(*lead).await? {
                let mut leads = vec![detail.lead.clone()];
                let mut links = Vec::new();
                for (relation, other) in &detail.linked {
                    links.push(LeadLink { from: detail.lead.id, to: other.id, relation: *relation });
                    leads.push(other.clone());
                }
                files.push((
                    "lead.json".into(),
                    pretty(&json!({"lead": detail.lead, "linked": detail.linked, "history": detail.history}))?,
                ));
                files.push((
                    "leads.stix.json".into(),
                    crate::leads::export::render(crate::leads::export::Format::Stix, producer, &leads, &links, now),
                ));
            }
        }
    }
    if let Some(log) = registry.log()
        && let Some((_, text)) = log.checkpoint().await?
    {
        files.push(("log-checkpoint.txt".into(), text.into_bytes()));
    }
    files.push(("移送函.html".into(), letter(&c, producer, registry.clock().today()).into_bytes()));
    let manifest = json!({
        "case": c.id,
        "generated_at": now,
        "generated_by": grant.actor(),
        "files": files.iter().map(|(name, bytes)| json!({"name": name, "bytes": bytes.len(), "sha256": hex::encode(Sha256::digest(bytes))})).collect::<Vec<_>>(),
    });
    files.push(("manifest.json".into(), pretty(&manifest)?));

    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let zerr = |e: zip::result::ZipError| AppError::Internal(e.to_string());
    for (name, bytes) in &files {
        zip.start_file(format!("case-{}/{name}", c.id), options).map_err(zerr)?;
        zip.write_all(bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    }
    let out = zip.finish().map_err(zerr)?.into_inner();
    registry
        .store()
        .append_audit(&certguard_store::AuditRecord {
            at: now,
            actor: grant.actor().to_string(),
            action: "case.evidence".into(),
            target: format!("case:{id}"),
            detail: format!(
                "{} files, {} bytes, manifest sha256 {}",
                files.len(),
                out.len(),
                hex::encode(Sha256::digest(&files.last().expect("manifest").1))
            ),
            client: None,
        })
        .await?;
    Ok(out)
}
