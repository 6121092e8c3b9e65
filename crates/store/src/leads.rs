//! Leads for the analysts: domains, addresses, ads and contacts found by the sources (scanned QR codes, CT
//! logs, feeds, the page worker), deduplicated by key, linked, and moved through the workflow.

use crate::{AuditRecord, StoreResult};
use async_trait::async_trait;
use certguard_leads::{Detection, Lead, LeadKind, LeadLink, LeadStatus, Relation};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Detections to store together (one transaction) and the links among them, as indexes into `detections`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeadBatch {
    pub detections: Vec<Detection>,
    pub links: Vec<(usize, usize, Relation)>,
    /// A source's state to write with these leads (name, JSON): a follower that resumes from it after a crash
    /// neither misses nor repeats what the batch stored.
    pub state: Option<(String, String)>,
    /// Links between leads already stored (by id).
    pub stored_links: Vec<LeadLink>,
    /// Queue a page fetch for each domain and address lead of the batch that has none yet.
    pub page_jobs: bool,
    /// Queue a notification for each lead of the batch scoring at least this that has had none.
    pub notify_at_score: Option<i32>,
}

impl LeadBatch {
    /// A batch of one detection.
    pub fn single(detection: Detection) -> Self {
        LeadBatch { detections: vec![detection], ..LeadBatch::default() }
    }

    /// Adds `other`'s detections and links (its link indexes shifted past this batch's detections).
    pub fn append(&mut self, other: LeadBatch) {
        let base = self.detections.len();
        self.detections.extend(other.detections);
        self.links.extend(other.links.into_iter().map(|(a, b, r)| (a + base, b + base, r)));
        self.stored_links.extend(other.stored_links);
        if other.state.is_some() {
            self.state = other.state;
        }
    }
}

/// What storing a detection did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Upserted {
    pub id: i64,
    /// A new lead (not a re-detection of a stored one).
    pub created: bool,
}

/// Which leads to list, most recently seen first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeadQuery {
    pub kind: Option<LeadKind>,
    pub status: Option<LeadStatus>,
    pub min_score: Option<i32>,
    /// Sources starting with this (`ct:` for every CT log).
    pub source_prefix: Option<String>,
    pub region: Option<String>,
    /// Seen (last) at or after.
    pub seen_since: Option<DateTime<Utc>>,
    /// Seen (last) before.
    pub seen_until: Option<DateTime<Utc>>,
    /// The key or the value contains this.
    pub text: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

/// One step of the workflow for one lead: it must still be `from` when the step is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeadStep {
    pub id: i64,
    pub from: LeadStatus,
    pub to: LeadStatus,
    pub actor: String,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A step as the lead's history keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadHistoryEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub from: LeadStatus,
    pub to: LeadStatus,
    pub note: String,
}

/// A lead with its links (both directions) and its history, oldest step first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadDetail {
    pub lead: Lead,
    pub linked: Vec<(Relation, Lead)>,
    pub history: Vec<LeadHistoryEntry>,
    /// The background work done (or still to do) for it: page fetches, notifications.
    pub jobs: Vec<LeadJobInfo>,
}

/// Background work a lead asks for, queued in the transaction that stores the lead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadJobKind {
    /// Fetch the domain's or address's page and judge it.
    Page,
    /// Tell the configured webhook about a high-scoring lead.
    Notify,
}

impl LeadJobKind {
    pub fn code(self) -> &'static str {
        match self {
            LeadJobKind::Page => "page",
            LeadJobKind::Notify => "notify",
        }
    }

    pub fn parse(s: &str) -> Option<LeadJobKind> {
        [LeadJobKind::Page, LeadJobKind::Notify].into_iter().find(|k| k.code() == s)
    }
}

/// A job claimed by a worker: nobody else gets it until its lease ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeadJob {
    pub id: i64,
    pub lead_id: i64,
    pub kind: LeadJobKind,
    /// Attempts including this one.
    pub attempts: i32,
}

/// How a job ended this time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JobOutcome {
    /// Done, with what it produced (a page's body hash, a webhook's HTTP status).
    Done(String),
    /// Failed this time; try again at `at`.
    Retry { at: DateTime<Utc>, error: String },
    /// Failed for good.
    Failed(String),
}

/// A job as a lead's detail shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadJobInfo {
    pub kind: LeadJobKind,
    /// `pending`, `done` or `failed`.
    pub state: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub result: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The lead store.
///
/// - A detection whose (kind, key) is stored updates that lead: sightings, first and last seen, the region
///   if it has one, and, unless it is older than the lead's last sighting, value, score, reasons and the
///   evidence (unless its evidence is empty). The first source stays, and so does the analyst's status (a
///   dismissed lead seen again stays dismissed until an analyst reopens it).
/// - A batch is one transaction: its leads, links and the jobs it queues are all stored or none.
/// - A workflow step is optimistic: if a lead is no longer in the step's `from` status, no step of the call is
///   written and the call fails with `Conflict`. Each step writes its history entry and its audit record in the
///   same transaction.
#[async_trait]
pub trait LeadStore: Send + Sync {
    async fn upsert_leads(&self, batch: &LeadBatch) -> StoreResult<Vec<Upserted>>;
    async fn leads(&self, query: &LeadQuery) -> StoreResult<Vec<Lead>>;
    /// How many leads are in each status (statuses with none are left out).
    async fn lead_counts(&self) -> StoreResult<Vec<(LeadStatus, i64)>>;
    async fn lead(&self, id: i64) -> StoreResult<Option<LeadDetail>>;
    /// The links whose both ends are among `ids`.
    async fn links_among(&self, ids: &[i64]) -> StoreResult<Vec<LeadLink>>;
    async fn move_leads(&self, steps: &[LeadStep], audit: &[AuditRecord]) -> StoreResult<()>;
    /// A source's state as the last batch that carried one wrote it.
    async fn source_state(&self, name: &str) -> StoreResult<Option<String>>;
    /// Claims up to `limit` pending jobs of `kind` due at `now`, oldest due first: each gets one more attempt
    /// and is not due again before `lease_until` (a worker that dies mid-job leaves it to be claimed again).
    async fn claim_lead_jobs(
        &self,
        kind: LeadJobKind,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<LeadJob>>;
    async fn finish_lead_job(&self, id: i64, outcome: &JobOutcome, at: DateTime<Utc>) -> StoreResult<()>;
    /// Leads whose finished job of `kind` produced `result` (the domains that served the same page).
    async fn leads_with_job_result(&self, kind: LeadJobKind, result: &str, limit: u32) -> StoreResult<Vec<i64>>;
}

/// The columns every backend reads a lead from, in [`RawLead`]'s order.
pub const LEAD_COLUMNS: &str = "id, kind, key, value, source, status, score, reasons, evidence, region, first_seen, \
                                last_seen, sightings, status_changed_at, version";

/// A lead's row as a backend reads it; [`decode_lead`] checks it.
pub struct RawLead {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub value: String,
    pub source: String,
    pub status: String,
    pub score: i32,
    pub reasons: String,
    pub evidence: String,
    pub region: Option<String>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub sightings: i64,
    pub status_changed_at: Option<DateTime<Utc>>,
    pub version: i64,
}

fn corrupt(what: &str, id: i64, e: impl std::fmt::Display) -> crate::StoreError {
    crate::StoreError::Backend(format!("lead {id}: stored {what} unreadable: {e}"))
}

pub fn decode_lead(r: RawLead) -> StoreResult<Lead> {
    Ok(Lead {
        id: r.id,
        kind: LeadKind::parse(&r.kind).ok_or_else(|| corrupt("kind", r.id, &r.kind))?,
        status: LeadStatus::parse(&r.status).ok_or_else(|| corrupt("status", r.id, &r.status))?,
        reasons: serde_json::from_str(&r.reasons).map_err(|e| corrupt("reasons", r.id, e))?,
        evidence: serde_json::from_str(&r.evidence).map_err(|e| corrupt("evidence", r.id, e))?,
        key: r.key,
        value: r.value,
        source: r.source,
        score: r.score,
        region: r.region,
        first_seen: r.first_seen,
        last_seen: r.last_seen,
        sightings: r.sightings,
        status_changed_at: r.status_changed_at,
        version: r.version,
    })
}

/// A detection's reasons and evidence as stored (JSON text).
pub fn encode_lead_json(d: &Detection) -> (String, String) {
    let reasons = serde_json::to_string(&d.reasons).unwrap_or_else(|_| "[]".into());
    let evidence = serde_json::to_string(&d.evidence).unwrap_or_else(|_| "{}".into());
    (reasons, evidence)
}

/// A value bound to a lead query's placeholder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeadParam {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
}

/// The `WHERE` clause (possibly empty) and its values for `query`, with the backend's placeholder syntax
/// (`placeholder(1)` is `?1` for SQLite, `$1` for PostgreSQL).
pub fn lead_filter(query: &LeadQuery, placeholder: impl Fn(usize) -> String) -> (String, Vec<LeadParam>) {
    let mut conds = Vec::new();
    let mut params = Vec::new();
    let mut add = |cond: &str, p: LeadParam, params: &mut Vec<LeadParam>| {
        params.push(p);
        conds.push(cond.replace('#', &placeholder(params.len())));
    };
    if let Some(k) = query.kind {
        add("kind = #", LeadParam::Text(k.code().into()), &mut params);
    }
    if let Some(s) = query.status {
        add("status = #", LeadParam::Text(s.code().into()), &mut params);
    }
    if let Some(m) = query.min_score {
        add("score >= #", LeadParam::Int(m.into()), &mut params);
    }
    if let Some(s) = &query.source_prefix {
        add(r"source LIKE # ESCAPE '\'", LeadParam::Text(crate::like_prefix(s)), &mut params);
    }
    if let Some(r) = &query.region {
        add("region = #", LeadParam::Text(r.clone()), &mut params);
    }
    if let Some(t) = query.seen_since {
        add("last_seen >= #", LeadParam::Time(t), &mut params);
    }
    if let Some(t) = query.seen_until {
        add("last_seen < #", LeadParam::Time(t), &mut params);
    }
    if let Some(t) = &query.text {
        let mut pattern = crate::like_prefix(t);
        pattern.insert(0, '%');
        params.push(LeadParam::Text(pattern));
        let p = placeholder(params.len());
        conds.push(format!(r"(key LIKE {p} ESCAPE '\' OR value LIKE {p} ESCAPE '\')"));
    }
    let clause = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
    (clause, params)
}
