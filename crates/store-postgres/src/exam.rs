//! Exam-room events in PostgreSQL.

use crate::{PgStore, pg};
use async_trait::async_trait;
use certguard_store::{ExamEventRow, ExamStore, StoreResult};

#[async_trait]
impl ExamStore for PgStore {
    async fn insert_exam_events(&self, rows: Vec<ExamEventRow>) -> StoreResult<u64> {
        if rows.is_empty() {
            return Ok(0);
        }
        // One statement per batch: the columns as arrays, unnested.
        let centre: Vec<&str> = rows.iter().map(|r| r.centre.as_str()).collect();
        let id: Vec<&str> = rows.iter().map(|r| r.event_id.as_str()).collect();
        let session: Vec<&str> = rows.iter().map(|r| r.session.as_deref().unwrap_or("")).collect();
        let line: Vec<&str> = rows.iter().map(|r| r.line.as_str()).collect();
        let n = self
            .client()
            .await?
            .execute(
                "INSERT INTO exam_events (centre, event_id, session, line) \
                 SELECT c, i, s, l FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[]) AS u(c, i, s, l) \
                 ON CONFLICT (centre, session, event_id) DO NOTHING",
                &[&centre, &id, &session, &line],
            )
            .await
            .map_err(pg)?;
        Ok(n)
    }

    async fn exam_events_page(&self, after: i64, limit: u32) -> StoreResult<Vec<(i64, String, String)>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT seq, centre, line FROM exam_events WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&after, &i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect())
    }

    async fn exam_session_lines(&self, centre: &str, session: &str, limit: u32) -> StoreResult<Vec<String>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT line FROM exam_events WHERE centre = $1 AND session = $2 ORDER BY seq LIMIT $3",
                &[&centre, &session, &i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn exam_event_count(&self) -> StoreResult<i64> {
        let row = self.client().await?.query_one("SELECT COUNT(*) FROM exam_events", &[]).await.map_err(pg)?;
        Ok(row.get(0))
    }
}
