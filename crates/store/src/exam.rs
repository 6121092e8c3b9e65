//! Exam-room events as received: idempotent by (centre, session, event id), each kept as the line that was sent
//! so that any analysis can be run again on exactly what arrived.

use crate::StoreResult;
use async_trait::async_trait;

/// One event to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamEventRow {
    /// The exam centre that sent it (its account's centre, or the operator's `--centre`).
    pub centre: String,
    pub event_id: String,
    pub session: Option<String>,
    /// The event as sent (one JSON line).
    pub line: String,
}

#[async_trait]
pub trait ExamStore: Send + Sync {
    /// Stores the events in one transaction; an event already stored (same centre, session and id) is skipped.
    /// Returns how many were new.
    async fn insert_exam_events(&self, rows: Vec<ExamEventRow>) -> StoreResult<u64>;
    /// Stored events in arrival order after `after` (a sequence number), at most `limit`: (sequence, centre,
    /// line).
    async fn exam_events_page(&self, after: i64, limit: u32) -> StoreResult<Vec<(i64, String, String)>>;
    /// One session's stored lines (at most `limit`), in arrival order (the lines carry their times).
    async fn exam_session_lines(&self, centre: &str, session: &str, limit: u32) -> StoreResult<Vec<String>>;
    /// How many events are stored.
    async fn exam_event_count(&self) -> StoreResult<i64>;
}
