//! Following a Certificate Transparency log (C2SP static-ct-api): each step reads the signed checkpoint, the
//! data tiles from where the last step ended to the checkpoint's size, checks that the leaves read make the
//! root the log signed, and stores the flagged names as domain leads together with the follower's new state,
//! in one transaction. A log whose new checkpoint does not extend what was read before (a fork, a rewrite, a
//! rollback) raises an alarm and halts the follower, keeping both checkpoints as evidence.

use crate::error::AppError;
use crate::leads::detect;
use crate::registry::Registry;
use certguard_ctwatch::frontier::Frontier;
use certguard_ctwatch::leaf::{CtEntry, MAX_TILE_BYTES, parse_tile};
use certguard_ctwatch::names::dns_names;
use certguard_ctwatch::sth::{LogKey, verify_checkpoint};
use certguard_leads::{Evidence, Reason};
use certguard_store::{AuditRecord, LeadBatch};
use certguard_tlog::tile::{TiledTree, index_path};
use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Largest checkpoint accepted, bytes.
const MAX_CHECKPOINT_BYTES: usize = 16 * 1024;

/// What the follower keeps between steps (in the store, with the leads of the step that wrote it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CtState {
    /// The right edge of the tree read so far (its size is where the next step starts).
    pub frontier: Frontier,
    /// The last checkpoint verified and read up to, as the log served it.
    pub checkpoint: Option<String>,
    /// Set when the log broke its promise: the follower stops until an operator looks.
    pub halted: Option<Halt>,
}

/// Why a follower stopped, with both checkpoints as evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Halt {
    pub reason: String,
    pub previous: Option<String>,
    pub offending: String,
    pub at: DateTime<Utc>,
}

/// What one step did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct StepReport {
    pub size: u64,
    pub entries: u64,
    pub names: u64,
    pub flagged: u64,
    pub unparsable: u64,
    /// Entries whose names were cut at the cap.
    pub truncated: u64,
    /// The first few per-entry errors (index and reason).
    pub errors: Vec<(u64, String)>,
    pub halted: Option<String>,
}

/// Reads a URL; `Ok(None)` for 404 (a tile not there yet).
pub trait Fetcher: Send + Sync {
    fn get(&self, url: &str, max_bytes: usize) -> Result<Option<Vec<u8>>, String>;
}

/// The HTTP fetcher: timeouts, a byte cap on the decoded body, gzip as static-ct-api allows.
pub struct HttpFetcher {
    agent: ureq::Agent,
}

impl Default for HttpFetcher {
    fn default() -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .user_agent("certguard-ct-follower")
            .build()
            .into();
        HttpFetcher { agent }
    }
}

impl Fetcher for HttpFetcher {
    fn get(&self, url: &str, max_bytes: usize) -> Result<Option<Vec<u8>>, String> {
        let mut res = self.agent.get(url).call().map_err(|e| format!("{url}: {e}"))?;
        match res.status().as_u16() {
            200 => res
                .body_mut()
                .with_config()
                .limit(max_bytes as u64)
                .read_to_vec()
                .map(Some)
                .map_err(|e| format!("{url}: {e}")),
            404 => Ok(None),
            s => Err(format!("{url}: HTTP {s}")),
        }
    }
}

/// One followed log.
pub struct CtSource {
    /// The monitoring prefix, without a trailing slash.
    pub url: String,
    pub key: LogKey,
}

impl CtSource {
    /// The source name leads and state are kept under.
    pub fn name(&self) -> String {
        format!("ct:{}", self.key.origin)
    }

    fn state_key(&self) -> String {
        format!("ct:{}", self.key.origin)
    }
}

/// How a step runs.
#[derive(Clone, Copy, Debug)]
pub struct StepOptions {
    /// Where a new follower starts (its first step only).
    pub from: Option<u64>,
    /// Parse and score each certificate; without it the step only checks the log (fetch, hash, verify).
    pub score: bool,
}

impl Default for StepOptions {
    fn default() -> Self {
        StepOptions { from: None, score: true }
    }
}

/// Most per-entry errors listed in a report (all are counted).
const LISTED_ERRORS: usize = 20;

fn data_tile_url(base: &str, index: u64, width: u16) -> String {
    if width == 256 {
        format!("{base}/tile/data/{}", index_path(index))
    } else {
        format!("{base}/tile/data/{}.p/{width}", index_path(index))
    }
}

/// Reads the frontier of the first `from` leaves from the log's hash tiles (of the tree of `size`).
fn seed(fetch: &dyn Fetcher, base: &str, from: u64, size: u64) -> Result<Frontier, String> {
    let reader = |level: u8, index: u64, width: u16| -> Result<Vec<[u8; 32]>, certguard_tlog::proof::ProofError> {
        let url = if width == 256 {
            format!("{base}/tile/{level}/{}", index_path(index))
        } else {
            format!("{base}/tile/{level}/{}.p/{width}", index_path(index))
        };
        let bytes = fetch
            .get(&url, 256 * 32)
            .map_err(certguard_tlog::proof::ProofError::Source)?
            .ok_or_else(|| certguard_tlog::proof::ProofError::Source(format!("{url}: not found")))?;
        certguard_tlog::tile::decode_hash_tile(&bytes, width)
    };
    let tree = TiledTree::new(reader, size);
    Frontier::seed(&tree, from).map_err(|e| e.to_string())
}

/// Fetches and verifies the checkpoint, reads the new entries, checks the root and returns the leads and the
/// new state (not stored yet). Blocking: run it off the async runtime.
pub fn read_step(
    source: &CtSource,
    fetch: &dyn Fetcher,
    state: &CtState,
    options: StepOptions,
    now: DateTime<Utc>,
    mut on_entries: impl FnMut(u64),
) -> Result<(LeadBatch, CtState, StepReport), String> {
    let base = source.url.trim_end_matches('/');
    let text = fetch
        .get(&format!("{base}/checkpoint"), MAX_CHECKPOINT_BYTES)?
        .ok_or_else(|| format!("{base}/checkpoint: not found"))?;
    let text = String::from_utf8(text).map_err(|_| "the checkpoint is not UTF-8".to_string())?;
    let sth = verify_checkpoint(&text, &source.key).map_err(|e| e.to_string())?;
    let size = sth.checkpoint.size;
    let mut report = StepReport { size, ..StepReport::default() };
    let mut next = state.clone();
    let halt = |reason: String, mut next: CtState, mut report: StepReport| {
        report.halted = Some(reason.clone());
        next.halted = Some(Halt { reason, previous: state.checkpoint.clone(), offending: text.clone(), at: now });
        Ok((LeadBatch::default(), next, report))
    };
    let mut frontier = state.frontier.clone();
    if state.checkpoint.is_none() && frontier.size() == 0 && options.from.unwrap_or(0) > 0 {
        let from = options.from.unwrap_or(0).min(size);
        frontier = seed(fetch, base, from, size)?;
    }
    if size < frontier.size() {
        return halt(format!("the log went back from {} to {size} entries", frontier.size()), next, report);
    }
    if size == frontier.size() {
        if frontier.root() != sth.checkpoint.root {
            return halt(format!("a second root for the same {size} entries"), next, report);
        }
        next.checkpoint = Some(text.clone());
        return Ok((LeadBatch::default(), next, report));
    }
    let mut batch = LeadBatch::default();
    let source_name = source.name();
    while frontier.size() < size {
        let at = frontier.size();
        let tile = at / 256;
        let width = if (tile + 1) * 256 <= size { 256 } else { (size - tile * 256) as u16 };
        let url = data_tile_url(base, tile, width);
        let bytes = fetch.get(&url, MAX_TILE_BYTES)?.ok_or_else(|| format!("{url}: not found"))?;
        let entries = parse_tile(&bytes, tile * 256, width).map_err(|e| format!("{url}: {e}"))?;
        // A step that started mid-tile (--from) skips the entries it already has.
        for entry in entries.into_iter().skip((at - tile * 256) as usize) {
            frontier.push(entry.leaf_hash);
            report.entries += 1;
            if options.score {
                judge(&entry, &source_name, &source.key.origin, &mut batch, &mut report);
            }
        }
        on_entries(frontier.size());
    }
    if frontier.root() != sth.checkpoint.root {
        // Nothing of this step is kept: the leaves read do not make the tree the log signed.
        return halt(
            format!("the entries up to {size} do not make the signed root: the log forked or rewrote its history"),
            next,
            report,
        );
    }
    next.frontier = frontier;
    next.checkpoint = Some(text);
    Ok((batch, next, report))
}

fn judge(entry: &CtEntry, source: &str, origin: &str, batch: &mut LeadBatch, report: &mut StepReport) {
    let names = match dns_names(entry) {
        Ok(n) => n,
        Err(e) => {
            report.unparsable += 1;
            if report.errors.len() < LISTED_ERRORS {
                report.errors.push((entry.index, e));
            }
            return;
        }
    };
    if names.truncated {
        report.truncated += 1;
    }
    let seen = Utc.timestamp_millis_opt(entry.timestamp as i64).single().unwrap_or_else(Utc::now);
    for name in &names.names {
        report.names += 1;
        let Ok(Some(mut d)) = detect::domain(name, source, seen) else { continue };
        report.flagged += 1;
        d.value = name.clone();
        d.reasons.push(Reason {
            code: "ct_logged".into(),
            zh: format!("证书透明日志 {origin} 第 {} 条记录", entry.index),
            en: format!("certificate in CT log {origin}, entry {}", entry.index),
            points: 0,
        });
        let listed: Vec<&str> = names.names.iter().take(20).map(String::as_str).collect();
        d.evidence = Evidence::default().with_text(&format!(
            "CT {origin} #{} ({:?}, {}): {}{}",
            entry.index,
            entry.entry_type,
            seen.to_rfc3339(),
            listed.join(" "),
            if names.names.len() > 20 || names.truncated { " …" } else { "" }
        ));
        batch.detections.push(d);
    }
}

/// One step against the store: loads the state, reads (off the runtime), stores leads and state together.
/// An alarm is also written to the audit log.
pub async fn step(
    registry: &Registry,
    source: std::sync::Arc<CtSource>,
    fetch: std::sync::Arc<dyn Fetcher>,
    options: StepOptions,
    on_entries: impl FnMut(u64) + Send + 'static,
) -> Result<StepReport, AppError> {
    let key = source.state_key();
    let state: CtState = match registry.store().source_state(&key).await? {
        Some(s) => serde_json::from_str(&s).map_err(|e| AppError::Internal(format!("{key} state: {e}")))?,
        None => CtState::default(),
    };
    if let Some(h) = &state.halted {
        return Ok(StepReport { halted: Some(h.reason.clone()), ..StepReport::default() });
    }
    let now = registry.clock().now();
    let src = source.clone();
    let (mut batch, next, report) =
        tokio::task::spawn_blocking(move || read_step(&src, fetch.as_ref(), &state, options, now, on_entries))
            .await
            .map_err(|e| AppError::Internal(format!("CT step: {e}")))?
            .map_err(|e| AppError::Unavailable(format!("{}: {e}", source.url)))?;
    if let Some(reason) = &report.halted {
        tracing::error!(log = %source.url, %reason, "CT log alarm: following stopped");
        registry
            .store()
            .append_audit(&AuditRecord {
                at: now,
                actor: "ct-follower".into(),
                action: "ct.alarm".into(),
                target: source.name(),
                detail: reason.clone(),
                client: None,
            })
            .await?;
    }
    // A check-only step leaves the follower where it was: it read nothing for the leads.
    if options.score {
        batch.state = Some((key, serde_json::to_string(&next).map_err(|e| AppError::Internal(e.to_string()))?));
        crate::leads::record(registry, &batch).await?;
    }
    Ok(report)
}

/// A log to follow: its monitoring prefix, its public key (base64 DER SubjectPublicKeyInfo, or PEM) and its
/// checkpoint origin (by default the URL without its scheme and trailing slash).
pub fn new_source(url: &str, key: &str, origin: Option<&str>) -> Result<CtSource, String> {
    if !url.starts_with("http://") && !url.starts_with("https://") {
        return Err(format!("{url}: not an http(s) URL"));
    }
    let url = url.trim_end_matches('/').to_string();
    let origin =
        origin.map_or_else(|| url.split_once("://").map_or(url.as_str(), |(_, rest)| rest).to_string(), str::to_string);
    let key = LogKey::new(&origin, key).map_err(|e| e.to_string())?;
    Ok(CtSource { url, key })
}

/// Parses a configured log, `URL KEY [ORIGIN]` (see [`new_source`]).
pub fn parse_source(spec: &str) -> Result<CtSource, String> {
    let mut parts = spec.split_whitespace();
    let (Some(url), Some(key)) = (parts.next(), parts.next()) else {
        return Err(format!("{spec:?}: expected \"URL KEY [ORIGIN]\""));
    };
    new_source(url, key, parts.next())
}

/// Follows a log for the life of the server: a step every `interval`, errors logged and retried with
/// back-off (up to ten intervals), a halted log left alone.
pub async fn follow(registry: Registry, source: CtSource, interval: Duration) {
    let source = std::sync::Arc::new(source);
    let fetch: std::sync::Arc<dyn Fetcher> = std::sync::Arc::new(HttpFetcher::default());
    let mut failures = 0u32;
    loop {
        match step(&registry, source.clone(), fetch.clone(), StepOptions::default(), |_| {}).await {
            Ok(r) if r.halted.is_some() => {
                tracing::error!(log = %source.url, reason = ?r.halted, "CT log halted; following stopped");
                return;
            }
            Ok(r) => {
                failures = 0;
                if r.entries > 0 {
                    tracing::info!(log = %source.url, size = r.size, entries = r.entries, flagged = r.flagged, "CT log read");
                }
            }
            Err(e) => {
                failures = (failures + 1).min(10);
                tracing::warn!(log = %source.url, error = %e, "CT step failed; retrying");
            }
        }
        tokio::time::sleep(interval * (1 + failures)).await;
    }
}
