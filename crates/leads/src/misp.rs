//! A MISP event of leads (the JSON that MISP imports and PyMISP loads): one attribute per lead, typed as MISP
//! knows them (domain, url, phone-number; WeChat, QQ and ad texts as text), its status and reasons in the
//! comment and as tags, its links in the comment.

use crate::stix::{Producer, timestamp};
use crate::{ContactKind, Lead, LeadKind, LeadLink, LeadStatus};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// A UUID in version-4 form, stable for the same inputs (MISP deduplicates attributes by UUID).
fn stable_uuid(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_be_bytes());
        h.update(p.as_bytes());
    }
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(b).to_string()
}

/// MISP type, category, value and whether it is an intrusion-detection indicator (`to_ids`).
fn typed(lead: &Lead) -> (&'static str, &'static str, String, bool) {
    match lead.kind {
        LeadKind::Domain => ("domain", "Network activity", lead.key.clone(), true),
        LeadKind::Url => ("url", "Network activity", lead.key.clone(), true),
        LeadKind::Contact => match lead.key.split_once(':').and_then(|(k, v)| Some((ContactKind::parse(k)?, v))) {
            Some((ContactKind::Mobile, v)) => ("phone-number", "Financial fraud", format!("+86{v}"), false),
            Some((_, v)) => ("text", "Social network", v.to_string(), false),
            None => ("text", "Social network", lead.value.clone(), false),
        },
        LeadKind::Ad => {
            ("text", "Financial fraud", lead.evidence.text_extract.clone().unwrap_or_else(|| lead.value.clone()), false)
        }
    }
}

/// The event for `leads`, made at `now`.
pub fn event(producer: &Producer, leads: &[Lead], links: &[LeadLink], now: DateTime<Utc>) -> Value {
    let by_id: BTreeMap<i64, &Lead> = leads.iter().map(|l| (l.id, l)).collect();
    let attributes: Vec<Value> = leads
        .iter()
        .map(|lead| {
            let (ty, category, value, to_ids) = typed(lead);
            let mut comment = format!("{}；{}；分数 {}", lead.kind.zh(), lead.status.zh(), lead.score);
            if let Some((kind, _)) = lead.key.split_once(':').filter(|_| lead.kind == LeadKind::Contact) {
                comment.push_str(&format!("；{kind}"));
            }
            let reasons: Vec<&str> = lead.reasons.iter().map(|r| r.zh.as_str()).collect();
            if !reasons.is_empty() {
                comment.push('；');
                comment.push_str(&reasons.join("；"));
            }
            let linked: Vec<String> = links
                .iter()
                .filter_map(|k| {
                    let other = if k.from == lead.id {
                        k.to
                    } else if k.to == lead.id {
                        k.from
                    } else {
                        return None;
                    };
                    by_id.get(&other).map(|o| format!("{}:{}", o.kind.code(), o.key))
                })
                .collect();
            if !linked.is_empty() {
                comment.push_str("；关联：");
                comment.push_str(&linked.join("，"));
            }
            json!({
                "uuid": stable_uuid(&["attribute", &producer.code, lead.kind.code(), &lead.key]),
                "type": ty,
                "category": category,
                "value": value,
                "to_ids": to_ids && matches!(lead.status, LeadStatus::Confirmed | LeadStatus::Reported),
                "comment": comment,
                "first_seen": timestamp(&lead.first_seen),
                "last_seen": timestamp(&lead.last_seen.max(lead.first_seen)),
                "timestamp": lead.last_seen.timestamp().to_string(),
                "distribution": "5",
                "Tag": [{ "name": format!("certguard:status=\"{}\"", lead.status.code()) }],
            })
        })
        .collect();
    json!({
        "Event": {
            "uuid": stable_uuid(&["event", &producer.code, &timestamp(&now)]),
            "info": format!("{}：假证相关线索（{} 条）", producer.name, leads.len()),
            "date": now.format("%Y-%m-%d").to_string(),
            "timestamp": now.timestamp().to_string(),
            "threat_level_id": "2",
            "analysis": "2",
            "distribution": "0",
            "published": false,
            "Orgc": { "name": producer.name, "uuid": stable_uuid(&["org", &producer.code]) },
            "Tag": [{ "name": "tlp:amber" }, { "name": "certguard:export" }],
            "Attribute": attributes,
        }
    })
}
