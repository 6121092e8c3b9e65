//! Leads for the analysts: detections from the sources become leads ([`detect`], [`record`]), analysts list,
//! read and move them through the workflow ([`move_leads`]), and export them for the police and other teams'
//! platforms ([`export`]).

pub mod ct;
pub mod demo;
pub mod detect;
pub mod export;
pub mod feeds;
pub mod worker;

use crate::error::AppError;
use crate::registry::Registry;
use certguard_access::AnalystGrant;
use certguard_leads::{Lead, LeadStatus};
use certguard_store::{AuditRecord, LeadBatch, LeadDetail, LeadQuery, LeadStep, Upserted};

/// Most leads one workflow call may move.
pub const MAX_MOVE: usize = 500;
/// Longest note on a workflow step, in characters.
pub const MAX_NOTE: usize = 2000;

/// Which background jobs a stored lead queues: set from the configuration at start-up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobSettings {
    /// The page worker runs: each domain and address lead gets its page fetched and judged.
    pub pages: bool,
    /// A webhook is configured: each lead scoring at least this is notified (once).
    pub notify_at_score: Option<i32>,
}

/// Stores a batch of detections (one transaction) with the source's state if it carries one, and queues the
/// background jobs the configuration asks for in the same transaction.
pub async fn record(registry: &Registry, batch: &LeadBatch) -> Result<Vec<Upserted>, AppError> {
    if batch.detections.is_empty() && batch.state.is_none() && batch.stored_links.is_empty() {
        return Ok(Vec::new());
    }
    let jobs = registry.lead_jobs();
    if jobs == JobSettings::default() {
        return Ok(registry.store().upsert_leads(batch).await?);
    }
    let mut batch = batch.clone();
    batch.page_jobs |= jobs.pages;
    batch.notify_at_score = batch.notify_at_score.or(jobs.notify_at_score);
    Ok(registry.store().upsert_leads(&batch).await?)
}

pub async fn list(registry: &Registry, _analyst: &AnalystGrant, query: &LeadQuery) -> Result<Vec<Lead>, AppError> {
    Ok(registry.store().leads(query).await?)
}

/// How many leads are in each status, every status listed (zero where none).
pub async fn counts(registry: &Registry, _analyst: &AnalystGrant) -> Result<Vec<(LeadStatus, i64)>, AppError> {
    let stored = registry.store().lead_counts().await?;
    Ok(LeadStatus::ALL.into_iter().map(|s| (s, stored.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n))).collect())
}

pub async fn detail(registry: &Registry, _analyst: &AnalystGrant, id: i64) -> Result<LeadDetail, AppError> {
    registry.store().lead(id).await?.ok_or(AppError::NotFound)
}

/// Moves the leads `ids` to `to`, each step checked by the workflow, all or none, with a note, a history entry
/// and an audit record per lead. Returns how many moved.
pub async fn move_leads(
    registry: &Registry,
    analyst: &AnalystGrant,
    ids: &[i64],
    to: LeadStatus,
    note: &str,
    client: Option<&str>,
) -> Result<usize, AppError> {
    if ids.is_empty() {
        return Err(AppError::invalid("ids", "no lead chosen"));
    }
    if ids.len() > MAX_MOVE {
        return Err(AppError::invalid("ids", format!("at most {MAX_MOVE} leads at once")));
    }
    let note = note.trim();
    if note.chars().count() > MAX_NOTE {
        return Err(AppError::invalid("note", format!("at most {MAX_NOTE} characters")));
    }
    if note.is_empty() && to != LeadStatus::New {
        return Err(AppError::invalid("note", "每一步都要写明依据 (a note is required)"));
    }
    let at = registry.clock().now();
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut steps = Vec::with_capacity(ids.len());
    let mut audit = Vec::with_capacity(ids.len());
    for id in ids {
        let lead = registry.store().lead(id).await?.ok_or(AppError::NotFound)?.lead;
        lead.status
            .transition(to)
            .map_err(|e| AppError::invalid("status", format!("线索 {id}：{}（{}）", e.zh, e.en)))?;
        steps.push(LeadStep {
            id,
            from: lead.status,
            to,
            actor: analyst.actor().to_string(),
            note: note.to_string(),
            at,
        });
        audit.push(AuditRecord {
            at,
            actor: analyst.actor().to_string(),
            action: format!("lead.{}", to.code()),
            target: format!("lead:{id} {}:{}", lead.kind.code(), lead.key.chars().take(200).collect::<String>()),
            detail: format!("{} → {}: {}", lead.status.code(), to.code(), note.chars().take(500).collect::<String>()),
            client: client.map(str::to_string),
        });
    }
    let n = steps.len();
    registry.store().move_leads(&steps, &audit).await?;
    Ok(n)
}
