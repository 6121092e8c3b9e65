//! A STIX 2.1 bundle of leads, for other teams' threat platforms (and the police's).
//!
//! - the exporting authority is an `identity`, the creator of everything else;
//! - a domain, address or contact lead is an `indicator` whose pattern names the observable, `based-on` an
//!   `observed-data` that carries the sightings (first and last seen, how many) and refers to the observable
//!   (`domain-name`, `url`, or a `user-account` for a mobile, WeChat or QQ contact);
//! - an ad is a `note` with its text, about the indicators of the contacts it gives;
//! - a link between two exported leads is a `related-to` relationship.
//!
//! Identifiers are stable across exports, so that a platform that loads today's bundle after yesterday's
//! updates its objects instead of duplicating them: observables use the UUIDv5 that STIX prescribes; the
//! other objects a UUID in version-4 form taken from a SHA-256 of the exporter and the lead's key.

use crate::{ContactKind, Lead, LeadKind, LeadLink, LeadStatus};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The namespace STIX 2.1 gives for deterministic observable identifiers.
const STIX_SCO_NAMESPACE: Uuid = Uuid::from_u128(0x00abedb4_aa42_466c_9c01_fed23315a9b7);

/// Who exports: the authority named in the bundle.
#[derive(Clone, Debug)]
pub struct Producer {
    /// E.g. "江苏省应急管理厅".
    pub name: String,
    /// A stable short code (authority code or host name) that keeps identifiers apart between exporters.
    pub code: String,
}

/// STIX timestamps: UTC, millisecond precision.
pub fn timestamp(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A version-4-form UUID derived from `parts` (stable, and as unguessable as its inputs are unknown).
fn stable_v4(parts: &[&str]) -> Uuid {
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
    Uuid::from_bytes(b)
}

/// A STIX pattern string literal.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn contact_parts(key: &str) -> Option<(ContactKind, &str)> {
    let (kind, value) = key.split_once(':')?;
    Some((ContactKind::parse(kind)?, value))
}

/// The account type a contact is exported as (STIX's vocabulary is open; these are the obvious names).
fn account_type(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::Mobile => "phone",
        ContactKind::Wechat => "wechat",
        ContactKind::Qq => "qq",
    }
}

/// The observable a lead is about and the pattern that matches it; `None` for an ad (it has no observable).
fn observable(lead: &Lead) -> Option<(Value, String)> {
    let sco = |ty: &str, contributing: Value, mut body: Value| {
        let id = Uuid::new_v5(&STIX_SCO_NAMESPACE, contributing.to_string().as_bytes());
        body["type"] = json!(ty);
        body["spec_version"] = json!("2.1");
        body["id"] = json!(format!("{ty}--{id}"));
        body
    };
    match lead.kind {
        LeadKind::Domain => {
            let v = json!({ "value": lead.key });
            Some((sco("domain-name", v.clone(), v), format!("[domain-name:value = {}]", quoted(&lead.key))))
        }
        LeadKind::Url => {
            let v = json!({ "value": lead.key });
            Some((sco("url", v.clone(), v), format!("[url:value = {}]", quoted(&lead.key))))
        }
        LeadKind::Contact => {
            let (kind, value) = contact_parts(&lead.key)?;
            let v = json!({ "account_type": account_type(kind), "user_id": value });
            let pattern = format!(
                "[user-account:account_type = {} AND user-account:user_id = {}]",
                quoted(account_type(kind)),
                quoted(value)
            );
            Some((sco("user-account", v.clone(), v), pattern))
        }
        LeadKind::Ad => None,
    }
}

fn indicator_name(lead: &Lead) -> String {
    match lead.kind {
        LeadKind::Domain => format!("假冒证书查询/办证网站域名 {}", lead.key),
        LeadKind::Url => format!("假冒证书查询/办证网址 {}", lead.key),
        LeadKind::Contact => format!("假证贩卖联系方式 {}", lead.key),
        LeadKind::Ad => format!("假证广告 {}", lead.key),
    }
}

fn description(lead: &Lead) -> String {
    let reasons: Vec<&str> = lead.reasons.iter().map(|r| r.zh.as_str()).collect();
    let mut d = format!("状态：{}；分数：{}；来源：{}", lead.status.zh(), lead.score, lead.source);
    if !reasons.is_empty() {
        d.push_str("；依据：");
        d.push_str(&reasons.join("；"));
    }
    if let Some(h) = &lead.evidence.snapshot_sha256 {
        d.push_str("；页面快照 SHA-256：");
        d.push_str(h);
    }
    d
}

/// The bundle for `leads` (their links among themselves become relationships), made at `now`.
pub fn bundle(producer: &Producer, leads: &[Lead], links: &[LeadLink], now: DateTime<Utc>) -> Value {
    let identity_id = format!("identity--{}", stable_v4(&["identity", &producer.code]));
    let created = timestamp(&now);
    let mut objects = vec![json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": identity_id,
        "created": created,
        "modified": created,
        "name": producer.name,
        "identity_class": "organization",
        "sectors": ["government-national"],
    })];
    let mut indicator_of: BTreeMap<i64, String> = BTreeMap::new();
    for lead in leads {
        let Some((sco, pattern)) = observable(lead) else { continue };
        let id = |what: &str| stable_v4(&[what, &producer.code, lead.kind.code(), &lead.key]);
        let indicator_id = format!("indicator--{}", id("indicator"));
        let observed_id = format!("observed-data--{}", id("observed-data"));
        let first = timestamp(&lead.first_seen);
        let last = timestamp(&lead.last_seen.max(lead.first_seen));
        let modified = timestamp(&lead.status_changed_at.unwrap_or(lead.last_seen).max(lead.first_seen));
        let confirmed = matches!(lead.status, LeadStatus::Confirmed | LeadStatus::Reported | LeadStatus::TakenDown);
        let mut indicator = json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": indicator_id,
            "created_by_ref": identity_id,
            "created": first,
            "modified": modified,
            "name": indicator_name(lead),
            "description": description(lead),
            "indicator_types": [if confirmed { "malicious-activity" } else { "anomalous-activity" }],
            "pattern": pattern,
            "pattern_type": "stix",
            "valid_from": first,
            "confidence": lead.score.clamp(0, 100),
            "labels": [format!("certguard-status-{}", lead.status.code().replace('_', "-"))],
        });
        // A site that was taken down no longer indicates anything from then on.
        if lead.status == LeadStatus::TakenDown
            && let Some(at) = lead.status_changed_at.filter(|at| *at > lead.first_seen)
        {
            indicator["valid_until"] = json!(timestamp(&at));
        }
        objects.push(indicator);
        objects.push(json!({
            "type": "observed-data",
            "spec_version": "2.1",
            "id": observed_id,
            "created_by_ref": identity_id,
            "created": first,
            "modified": last,
            "first_observed": first,
            "last_observed": last,
            "number_observed": lead.sightings.clamp(1, 999_999_999),
            "object_refs": [sco["id"]],
        }));
        objects.push(sco);
        objects.push(json!({
            "type": "relationship",
            "spec_version": "2.1",
            "id": format!("relationship--{}", id("based-on")),
            "created_by_ref": identity_id,
            "created": first,
            "modified": first,
            "relationship_type": "based-on",
            "source_ref": indicator_id,
            "target_ref": observed_id,
        }));
        indicator_of.insert(lead.id, indicator_id);
    }
    // Ads become notes about the contacts (and sites) they give.
    for lead in leads.iter().filter(|l| l.kind == LeadKind::Ad) {
        let refs: Vec<&String> = links
            .iter()
            .filter_map(|k| match (k.from == lead.id, k.to == lead.id) {
                (true, _) => indicator_of.get(&k.to),
                (_, true) => indicator_of.get(&k.from),
                _ => None,
            })
            .collect();
        if refs.is_empty() {
            continue;
        }
        let text = lead.evidence.text_extract.clone().unwrap_or_else(|| lead.value.clone());
        objects.push(json!({
            "type": "note",
            "spec_version": "2.1",
            "id": format!("note--{}", stable_v4(&["note", &producer.code, &lead.key])),
            "created_by_ref": identity_id,
            "created": timestamp(&lead.first_seen),
            "modified": timestamp(&lead.last_seen.max(lead.first_seen)),
            "abstract": format!("假证广告（{}）", lead.status.zh()),
            "content": text,
            "object_refs": refs,
        }));
    }
    for link in links {
        let (Some(from), Some(to)) = (indicator_of.get(&link.from), indicator_of.get(&link.to)) else { continue };
        objects.push(json!({
            "type": "relationship",
            "spec_version": "2.1",
            "id": format!("relationship--{}", stable_v4(&["link", &producer.code, from, to, link.relation.code()])),
            "created_by_ref": identity_id,
            "created": created,
            "modified": created,
            "relationship_type": "related-to",
            "description": link.relation.zh(),
            "source_ref": from,
            "target_ref": to,
        }));
    }
    let ids: Vec<&str> = objects.iter().filter_map(|o| o["id"].as_str()).collect();
    let bundle_id = stable_v4(&[&["bundle", &created][..], &ids].concat());
    json!({ "type": "bundle", "id": format!("bundle--{bundle_id}"), "objects": objects })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_quote_what_they_name() {
        assert_eq!(quoted("a'b\\c"), r"'a\'b\\c'");
    }

    #[test]
    fn stable_ids_are_version_4_in_form() {
        let u = stable_v4(&["a", "b"]);
        assert_eq!(u.get_version_num(), 4);
        assert_eq!(u, stable_v4(&["a", "b"]));
        // Lengths are part of the input: ("ab", "") differs from ("a", "b").
        assert_ne!(stable_v4(&["ab", ""]), u);
    }

    #[test]
    fn observables_use_the_stix_namespace() {
        // The example from the STIX 2.1 specification's deterministic-identifier section.
        let id = Uuid::new_v5(&STIX_SCO_NAMESPACE, br#"{"value":"example.com"}"#);
        assert_eq!(id.get_version_num(), 5);
    }
}
