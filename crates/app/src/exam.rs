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
pub const BATCH: usize = 5_000;
/// Batches parsed ahead of the store (memory: at most this many batches in flight).
const AHEAD: usize = 4;
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
/// number and reason and the stream goes on; an event already stored (same centre and id) is counted once.
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
                    kind: kind_code(&e.body).to_string(),
                    at: e.at,
                    // Valid UTF-8: parse_line checked it.
                    line: String::from_utf8_lossy(line).into_owned(),
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
        stored += registry.store().insert_exam_events(&batch, registry.clock().now()).await?;
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

/// The `kind` field of an event.
pub fn kind_code(body: &certguard_exam::Body) -> &'static str {
    use certguard_exam::Body::*;
    match body {
        Exam { .. } => "exam",
        SessionStart { .. } => "session_start",
        SessionEnd {} => "session_end",
        Processes { .. } => "processes",
        Connections { .. } => "connections",
        Input { .. } => "input",
        Device { .. } => "device",
        Display { .. } => "display",
        Answer { .. } => "answer",
    }
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
