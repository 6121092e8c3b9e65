//! Exam-room events in SQLite.

use crate::{SqliteStore, backend};
use async_trait::async_trait;
use certguard_store::{ExamEventRow, ExamStore, StoreResult};
use rusqlite::params;

#[async_trait]
impl ExamStore for SqliteStore {
    async fn insert_exam_events(&self, rows: Vec<ExamEventRow>) -> StoreResult<u64> {
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let mut new = 0u64;
            {
                let mut st = tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO exam_events (centre, event_id, session, line) VALUES (?1, ?2, ?3, ?4)",
                    )
                    .map_err(backend)?;
                for r in &rows {
                    new += st
                        .execute(params![r.centre, r.event_id, r.session.as_deref().unwrap_or(""), r.line])
                        .map_err(backend)? as u64;
                }
            }
            tx.commit().map_err(backend)?;
            Ok(new)
        })
        .await
    }

    async fn exam_events_page(&self, after: i64, limit: u32) -> StoreResult<Vec<(i64, String, String)>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached("SELECT seq, centre, line FROM exam_events WHERE seq > ?1 ORDER BY seq LIMIT ?2")
                .map_err(backend)?;
            let rows =
                st.query_map(params![after, limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
        })
    }

    async fn exam_session_lines(&self, centre: &str, session: &str, limit: u32) -> StoreResult<Vec<String>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached("SELECT line FROM exam_events WHERE centre = ?1 AND session = ?2 ORDER BY seq LIMIT ?3")
                .map_err(backend)?;
            let rows = st.query_map(params![centre, session, limit], |r| r.get(0)).map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<String>>>().map_err(backend)
        })
    }

    async fn exam_event_count(&self) -> StoreResult<i64> {
        self.read(|c| c.query_row("SELECT COUNT(*) FROM exam_events", [], |r| r.get(0)).map_err(backend))
    }
}
