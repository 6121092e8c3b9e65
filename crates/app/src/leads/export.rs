//! Leads for the police and other teams: a STIX 2.1 bundle, a MISP event or CSV. Every export is audited.

use crate::error::AppError;
use crate::export::spreadsheet_safe;
use crate::registry::Registry;
use certguard_access::AnalystGrant;
use certguard_leads::stix::{Producer, timestamp};
use certguard_leads::{Lead, LeadKind, LeadLink, LeadStatus, misp, stix};
use certguard_store::{AuditRecord, LeadQuery};
use chrono::{DateTime, Utc};

/// Most leads in one export.
pub const MAX_EXPORT: usize = 100_000;
const PAGE: u32 = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Stix,
    Misp,
    Csv,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "stix" => Some(Format::Stix),
            "misp" => Some(Format::Misp),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Stix | Format::Misp => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Stix => "stix.json",
            Format::Misp => "misp.json",
            Format::Csv => "csv",
        }
    }
}

/// Which leads to export.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub status: Option<LeadStatus>,
    pub kind: Option<LeadKind>,
}

const CSV_HEADERS: [&str; 14] = [
    "编号",
    "类型",
    "内容",
    "键",
    "状态",
    "分数",
    "来源",
    "地区",
    "首次发现",
    "最近发现",
    "次数",
    "依据",
    "页面快照SHA-256",
    "关联",
];

fn csv(leads: &[Lead], links: &[LeadLink]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // UTF-8 with a byte-order mark: spreadsheets open the Chinese right.
    let _ = w.write_record(CSV_HEADERS.map(|h| if h == "编号" { "\u{feff}编号" } else { h }));
    for l in leads {
        let linked: Vec<String> = links
            .iter()
            .filter_map(|k| {
                if k.from == l.id {
                    Some(format!("{}:{}", k.relation.code(), k.to))
                } else if k.to == l.id {
                    Some(format!("{}:{}", k.relation.code(), k.from))
                } else {
                    None
                }
            })
            .collect();
        let row = [
            l.id.to_string(),
            l.kind.zh().to_string(),
            l.value.clone(),
            l.key.clone(),
            l.status.zh().to_string(),
            l.score.to_string(),
            l.source.clone(),
            l.region.clone().unwrap_or_default(),
            timestamp(&l.first_seen),
            timestamp(&l.last_seen),
            l.sightings.to_string(),
            l.reasons.iter().map(|r| r.zh.as_str()).collect::<Vec<_>>().join("；"),
            l.evidence.snapshot_sha256.clone().unwrap_or_default(),
            linked.join(" "),
        ];
        let _ = w.write_record(row.map(spreadsheet_safe));
    }
    w.into_inner().unwrap_or_default()
}

/// The export of `leads` in `format`, made at `now`. Pure: the golden files come from here.
pub fn render(format: Format, producer: &Producer, leads: &[Lead], links: &[LeadLink], now: DateTime<Utc>) -> Vec<u8> {
    let json = |v: serde_json::Value| serde_json::to_vec_pretty(&v).unwrap_or_default();
    match format {
        Format::Stix => json(stix::bundle(producer, leads, links, now)),
        Format::Misp => json(misp::event(producer, leads, links, now)),
        Format::Csv => csv(leads, links),
    }
}

/// Reads the selected leads (at most [`MAX_EXPORT`]) and their links, renders them, and audits the export.
pub async fn export(
    registry: &Registry,
    analyst: &AnalystGrant,
    format: Format,
    selection: &Selection,
    producer: &Producer,
    client: Option<&str>,
) -> Result<(Vec<u8>, usize), AppError> {
    let mut leads = Vec::new();
    loop {
        let query = LeadQuery {
            status: selection.status,
            kind: selection.kind,
            limit: PAGE,
            offset: leads.len() as u32,
            ..LeadQuery::default()
        };
        let page = registry.store().leads(&query).await?;
        let done = page.len() < PAGE as usize;
        leads.extend(page);
        if leads.len() > MAX_EXPORT {
            return Err(AppError::invalid(
                "selection",
                format!("more than {MAX_EXPORT} leads: narrow the export by status or kind"),
            ));
        }
        if done {
            break;
        }
    }
    let ids: Vec<i64> = leads.iter().map(|l| l.id).collect();
    let links = registry.store().links_among(&ids).await?;
    let now = registry.clock().now();
    let body = render(format, producer, &leads, &links, now);
    registry
        .store()
        .append_audit(&AuditRecord {
            at: now,
            actor: analyst.actor().to_string(),
            action: "lead.export".into(),
            target: format!("{format:?}").to_lowercase(),
            detail: format!(
                "{} leads; status {}; kind {}",
                leads.len(),
                selection.status.map_or("any", |s| s.code()),
                selection.kind.map_or("any", |k| k.code())
            ),
            client: client.map(str::to_string),
        })
        .await?;
    Ok((body, leads.len()))
}
