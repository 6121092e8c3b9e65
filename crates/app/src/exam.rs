//! Exam integrity for the registry: ingestion of exam-room event streams into the store (idempotent by event
//! id, constant memory: a reading thread parses and hands over bounded batches) and analysis of what is
//! stored.

use crate::error::AppError;
use crate::registry::Registry;
use certguard_exam::read::{ReadReport, read_events};
use certguard_exam::{Analysis, Collector, Options, Signatures, analyze, parse_line};
use certguard_store::ExamEventRow;
use serde::Serialize;
use std::io::BufRead;

/// Events stored per transaction.
pub const BATCH: usize = 50_000;
/// Batches parsed ahead of the store (memory: at most this many batches in flight).
const AHEAD: usize = 2;
/// Longest centre name.
const MAX_CENTRE: usize = 64;

/// What an ingestion did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct IngestReport {
    pub lines: u64,
    /// Events stored for the first time.
    pub stored: u64,
    /// Events already stored (resent), counted once.
    pub duplicates: u64,
    pub errors: u64,
    /// The first errors: line number and reason.
    pub first_errors: Vec<(u64, String)>,
}

fn check_centre(centre: &str) -> Result<(), AppError> {
    if centre.is_empty() || centre.chars().count() > MAX_CENTRE || centre.chars().any(char::is_control) {
        return Err(AppError::invalid("centre", format!("an exam centre is 1 to {MAX_CENTRE} printable characters")));
    }
    Ok(())
}

/// Reads a JSON-lines stream of events sent by `centre` and stores them. Bad lines are reported with their
/// number and reason and the stream goes on; an event already stored (same centre, session and id) is counted once.
/// `progress` gets the bytes read so far.
pub async fn ingest(
    registry: &Registry,
    centre: &str,
    input: Box<dyn BufRead + Send>,
    progress: impl Fn(u64) + Send + 'static,
) -> Result<IngestReport, AppError> {
    check_centre(centre)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<ExamEventRow>>(AHEAD);
    let owner = centre.to_string();
    let reader = tokio::task::spawn_blocking(move || -> std::io::Result<ReadReport> {
        let mut batch = Vec::with_capacity(BATCH);
        let mut closed = false;
        let report = read_events(
            input,
            |e, line| {
                if closed {
                    return true;
                }
                batch.push(ExamEventRow {
                    centre: owner.clone(),
                    event_id: e.id,
                    session: e.session,
                    // Valid UTF-8: parse_line checked it.
                    line: std::str::from_utf8(line)
                        .map_or_else(|_| String::from_utf8_lossy(line).into_owned(), str::to_owned),
                });
                if batch.len() >= BATCH {
                    closed = tx.blocking_send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err();
                }
                true
            },
            progress,
        )?;
        if !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        Ok(report)
    });
    let mut stored = 0;
    let mut sent = 0;
    while let Some(batch) = rx.recv().await {
        sent += batch.len() as u64;
        stored += registry.store().insert_exam_events(batch).await?;
    }
    let read = reader
        .await
        .map_err(|e| AppError::Internal(format!("reading events: {e}")))?
        .map_err(|e| AppError::invalid("input", e.to_string()))?;
    Ok(IngestReport {
        lines: read.lines,
        stored,
        duplicates: sent - stored,
        errors: read.errors,
        first_errors: read.first_errors,
    })
}

/// Analyses every stored event (all centres' sessions, per exam); sessions are named `centre:session`.
pub async fn analyze_stored(registry: &Registry, options: &Options) -> Result<Analysis, AppError> {
    let mut collector = Collector::new(Signatures::builtin());
    let mut after = 0;
    loop {
        let page = registry.store().exam_events_page(after, 10_000).await?;
        let Some(last) = page.last() else { break };
        after = last.0;
        for (_, centre, line) in page {
            // Stored lines were checked on the way in; one that no longer parses (a format change) is skipped.
            if let Ok(mut e) = parse_line(line.as_bytes()) {
                // Ids and session names are the centre's own: two centres may use the same ones.
                e.id = format!("{centre}\u{1f}{}", e.id);
                e.session = e.session.map(|s| format!("{centre}:{s}"));
                collector.add(e);
            }
        }
    }
    Ok(analyze(collector, options))
}

/// A reviewer's decision on a session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Review {
    /// `confirmed` or `cleared`.
    pub decision: String,
    pub reason: String,
    pub actor: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// Longest review reason, characters.
pub const MAX_REASON: usize = 2000;
/// Most events shown on one session's timeline.
pub const MAX_TIMELINE_EVENTS: u32 = 20_000;

/// Splits `centre:session` (as the stored analysis names sessions).
pub fn split_session_key(key: &str) -> Result<(&str, &str), AppError> {
    key.split_once(':')
        .filter(|(c, s)| !c.is_empty() && !s.is_empty())
        .ok_or_else(|| AppError::invalid("session", "not a session (centre:session)"))
}

/// Records a reviewer's decision on a session (in the audit log, which keeps every decision and who made it).
pub async fn review(
    registry: &Registry,
    reviewer: &certguard_access::ExamReviewerGrant,
    session_key: &str,
    decision: &str,
    reason: &str,
    client: Option<&str>,
) -> Result<(), AppError> {
    let (centre, session) = split_session_key(session_key)?;
    if !matches!(decision, "confirmed" | "cleared") {
        return Err(AppError::invalid("decision", "confirmed or cleared"));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "写明依据 (a reason is required)"));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid("reason", format!("at most {MAX_REASON} characters")));
    }
    if registry.store().exam_session_lines(centre, session, 1).await?.is_empty() {
        return Err(AppError::NotFound);
    }
    registry
        .store()
        .append_audit(&certguard_store::AuditRecord {
            at: registry.clock().now(),
            actor: reviewer.actor().to_string(),
            action: format!("exam.review.{decision}"),
            target: session_key.to_string(),
            detail: reason.to_string(),
            client: client.map(str::to_string),
        })
        .await?;
    Ok(())
}

/// The latest decision on each reviewed session.
pub async fn reviews(
    registry: &Registry,
    _reviewer: &certguard_access::ExamReviewerGrant,
) -> Result<std::collections::HashMap<String, Review>, AppError> {
    latest_reviews(registry).await
}

/// Every decision on one session, newest first.
async fn session_reviews(registry: &Registry, session_key: &str) -> Result<Vec<Review>, AppError> {
    let records = registry
        .store()
        .audit_log(&certguard_store::AuditQuery {
            action_prefix: Some("exam.review.".into()),
            limit: 10_000,
            ..certguard_store::AuditQuery::default()
        })
        .await?;
    Ok(records
        .into_iter()
        .filter(|r| r.target == session_key)
        .map(|r| Review {
            decision: r.action.trim_start_matches("exam.review.").to_string(),
            reason: r.detail,
            actor: r.actor,
            at: r.at,
        })
        .collect())
}

/// The candidate (as the exam centre names them) and exam of a stored session.
async fn session_candidate(registry: &Registry, session_key: &str) -> Result<Option<(String, String)>, AppError> {
    let (centre, session) = split_session_key(session_key)?;
    for line in registry.store().exam_session_lines(centre, session, MAX_TIMELINE_EVENTS).await? {
        if let Ok(e) = parse_line(line.as_bytes())
            && let certguard_exam::Body::SessionStart { candidate, exam, .. } = e.body
        {
            return Ok(Some((candidate, exam)));
        }
    }
    Ok(None)
}

/// The session of `candidate` (the exam centre's candidate id) whose latest review confirmed cheating, if any:
/// such a candidate's certificate is not issued.
pub async fn confirmed_cheating(registry: &Registry, candidate: &str) -> Result<Option<(String, Review)>, AppError> {
    for (key, review) in latest_reviews(registry).await? {
        if review.decision == "confirmed"
            && let Some((c, _)) = session_candidate(registry, &key).await?
            && c == candidate
        {
            return Ok(Some((key, review)));
        }
    }
    Ok(None)
}

/// The evidence of a session confirmed as cheating, as a JSON file casework attaches: the analysis of the
/// session (findings with their reasons), every review decision, and the events exactly as the terminals sent
/// them with their SHA-256. Refused for a session not (or no longer) confirmed.
pub async fn evidence(
    registry: &Registry,
    reviewer: &certguard_access::ExamReviewerGrant,
    session_key: &str,
) -> Result<Vec<u8>, AppError> {
    use sha2::Digest;
    let (centre, session) = split_session_key(session_key)?;
    let decisions = session_reviews(registry, session_key).await?;
    if decisions.first().is_none_or(|r| r.decision != "confirmed") {
        return Err(AppError::invalid("session", "only a session confirmed as cheating has evidence to export"));
    }
    let lines = registry.store().exam_session_lines(centre, session, MAX_TIMELINE_EVENTS).await?;
    let mut events = String::new();
    for l in &lines {
        events.push_str(l);
        events.push('\n');
    }
    let analysis = analyze_stored(registry, &Options::default()).await?;
    let report = analysis.sessions.into_iter().find(|r| r.session == session_key);
    let body = serde_json::json!({
        "format": "certguard exam evidence v1",
        "session": session_key,
        "exported_by": reviewer.actor(),
        "exported_at": registry.clock().now(),
        "report": report,
        "reviews": decisions,
        "events_sha256": hex::encode(sha2::Sha256::digest(events.as_bytes())),
        "events": events,
    });
    let out = serde_json::to_vec_pretty(&body).map_err(|e| AppError::Internal(e.to_string()))?;
    registry
        .store()
        .append_audit(&certguard_store::AuditRecord {
            at: registry.clock().now(),
            actor: reviewer.actor().to_string(),
            action: "exam.evidence".into(),
            target: session_key.to_string(),
            detail: format!("{} events", lines.len()),
            client: None,
        })
        .await?;
    Ok(out)
}

/// The latest decision on each reviewed session (for any caller inside the application).
async fn latest_reviews(registry: &Registry) -> Result<std::collections::HashMap<String, Review>, AppError> {
    let records = registry
        .store()
        .audit_log(&certguard_store::AuditQuery {
            action_prefix: Some("exam.review.".into()),
            limit: 10_000,
            ..certguard_store::AuditQuery::default()
        })
        .await?;
    let mut out = std::collections::HashMap::new();
    // Newest first: the first seen for a session is its decision.
    for r in records {
        let decision = r.action.trim_start_matches("exam.review.").to_string();
        out.entry(r.target.clone()).or_insert(Review { decision, reason: r.detail, actor: r.actor, at: r.at });
    }
    Ok(out)
}

/// What a session's timeline chart shows (milliseconds since its start, terminal clock).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Timeline {
    pub start: i64,
    pub end: i64,
    /// (time, question, choice)
    pub answers: Vec<(i64, String, String)>,
    /// (interval start, interval end, key + pointer events)
    pub input: Vec<(i64, i64, u32)>,
    /// (time, what): software matched, devices, displays.
    pub marks: Vec<(i64, String)>,
}

/// A session's events laid out for its timeline.
pub async fn timeline(
    registry: &Registry,
    _reviewer: &certguard_access::ExamReviewerGrant,
    session_key: &str,
) -> Result<Timeline, AppError> {
    use certguard_exam::Body;
    let (centre, session) = split_session_key(session_key)?;
    let lines = registry.store().exam_session_lines(centre, session, MAX_TIMELINE_EVENTS).await?;
    if lines.is_empty() {
        return Err(AppError::NotFound);
    }
    let sigs = Signatures::builtin();
    let mut t = Timeline::default();
    let mut start = None;
    let mut seen = std::collections::HashSet::new();
    for line in &lines {
        let Ok(e) = parse_line(line.as_bytes()) else { continue };
        let at = e.at.timestamp_millis();
        match e.body {
            Body::SessionStart { .. } => start = Some(start.map_or(at, |s: i64| s.min(at))),
            Body::Answer { question, choice } => t.answers.push((at, question, choice)),
            Body::Input { interval_ms, keys, pointer } => {
                t.input.push((at - i64::from(interval_ms), at, keys.saturating_add(pointer)))
            }
            Body::Processes { processes } => {
                for p in &processes {
                    if let Some(m) = sigs.match_process(p)
                        && seen.insert(format!("{}{}", m.tool, m.what))
                    {
                        t.marks.push((at, format!("{}（{}）", m.tool, m.what)));
                    }
                }
            }
            Body::Connections { connections } => {
                for c in &connections {
                    if let Some(m) = sigs.match_connection(c)
                        && seen.insert(format!("{}{}", m.tool, m.what))
                    {
                        t.marks.push((at, format!("{} → {}", m.tool, m.what)));
                    }
                }
            }
            Body::Device { action, name, .. } if action != certguard_exam::event::DeviceAction::Present => {
                let verb = if action == certguard_exam::event::DeviceAction::Attached { "接入" } else { "拔出" };
                t.marks.push((at, format!("{verb} {name}")));
            }
            Body::Display { displays, mirrored, .. } if displays >= 2 || mirrored => {
                t.marks.push((at, if mirrored { "屏幕镜像".to_string() } else { format!("{displays} 个显示器") }));
            }
            _ => {}
        }
    }
    let first = lines.iter().filter_map(|l| parse_line(l.as_bytes()).ok()).map(|e| e.at.timestamp_millis()).min();
    let last = lines.iter().filter_map(|l| parse_line(l.as_bytes()).ok()).map(|e| e.at.timestamp_millis()).max();
    t.start = start.or(first).unwrap_or(0);
    t.end = last.unwrap_or(t.start).max(t.start + 1);
    for a in &mut t.answers {
        a.0 -= t.start;
    }
    for i in &mut t.input {
        i.0 -= t.start;
        i.1 -= t.start;
    }
    for m in &mut t.marks {
        m.0 -= t.start;
    }
    t.answers.sort_by_key(|a| a.0);
    t.input.sort_by_key(|i| i.1);
    t.marks.sort_by_key(|m| m.0);
    Ok(t)
}
