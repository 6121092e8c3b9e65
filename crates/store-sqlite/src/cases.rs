//! Inspections and cases in SQLite.

use crate::{SqliteStore, backend, insert_audit, parse_ts, ts};
use async_trait::async_trait;
use certguard_store::{AuditRecord, CaseRecord, CaseStore, InspectionPhoto, InspectionRecord, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, params};

fn case_of(r: &Row<'_>) -> rusqlite::Result<(i64, String, String, String, String, i64, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
}

fn to_case(t: (i64, String, String, String, String, i64, String)) -> StoreResult<CaseRecord> {
    Ok(CaseRecord {
        id: t.0,
        region: t.1,
        state: t.2,
        opened_at: parse_ts(&t.3)?,
        updated_at: parse_ts(&t.4)?,
        version: t.5,
        body: t.6,
    })
}

const CASE_COLUMNS: &str = "id, region, state, opened_at, updated_at, version, body";

#[async_trait]
impl CaseStore for SqliteStore {
    async fn insert_inspection(
        &self,
        region: &str,
        at: DateTime<Utc>,
        created_by: &str,
        body: &str,
        photos: Vec<InspectionPhoto>,
        audit: &AuditRecord,
    ) -> StoreResult<i64> {
        let (region, created_by, body, audit) =
            (region.to_string(), created_by.to_string(), body.to_string(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute(
                "INSERT INTO inspections (region, at, created_by, body) VALUES (?1, ?2, ?3, ?4)",
                params![region, ts(&at), created_by, body],
            )
            .map_err(backend)?;
            let id = tx.last_insert_rowid();
            for p in &photos {
                tx.execute(
                    "INSERT INTO inspection_photos (inspection_id, worker, sha256, bytes) VALUES (?1, ?2, ?3, ?4)",
                    params![id, p.worker, p.sha256, p.bytes],
                )
                .map_err(backend)?;
            }
            insert_audit(&tx, &AuditRecord { target: format!("inspection:{id}"), ..audit }).map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(id)
        })
        .await
    }

    async fn inspection_photos(&self, id: i64) -> StoreResult<Vec<InspectionPhoto>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT worker, sha256, bytes FROM inspection_photos WHERE inspection_id = ?1 ORDER BY worker",
                )
                .map_err(backend)?;
            let rows = st
                .query_map([id], |r| Ok(InspectionPhoto { worker: r.get(0)?, sha256: r.get(1)?, bytes: r.get(2)? }))
                .map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
        })
    }

    async fn inspection(&self, id: i64) -> StoreResult<Option<InspectionRecord>> {
        let row = self.read(|c| {
            c.query_row("SELECT id, region, at, created_by, body FROM inspections WHERE id = ?1", [id], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .optional()
            .map_err(backend)
        })?;
        row.map(|(id, region, at, created_by, body)| {
            Ok(InspectionRecord { id, region, at: parse_ts(&at)?, created_by, body })
        })
        .transpose()
    }

    async fn insert_case(
        &self,
        region: &str,
        state: &str,
        at: DateTime<Utc>,
        body: &str,
        audit: &AuditRecord,
    ) -> StoreResult<i64> {
        let (region, state, body, audit) = (region.to_string(), state.to_string(), body.to_string(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute(
                "INSERT INTO cases (region, state, opened_at, updated_at, version, body) VALUES (?1, ?2, ?3, ?3, 1, ?4)",
                params![region, state, ts(&at), body],
            )
            .map_err(backend)?;
            let id = tx.last_insert_rowid();
            insert_audit(&tx, &AuditRecord { target: format!("case:{id}"), ..audit }).map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(id)
        })
        .await
    }

    async fn case(&self, id: i64) -> StoreResult<Option<CaseRecord>> {
        let row = self.read(|c| {
            c.query_row(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = ?1"), [id], case_of)
                .optional()
                .map_err(backend)
        })?;
        row.map(to_case).transpose()
    }

    async fn update_case(
        &self,
        id: i64,
        version: i64,
        state: &str,
        at: DateTime<Utc>,
        body: &str,
        audit: &AuditRecord,
    ) -> StoreResult<()> {
        let (state, body, audit) = (state.to_string(), body.to_string(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let changed = tx
                .execute(
                    "UPDATE cases SET state = ?1, updated_at = ?2, body = ?3, version = version + 1 WHERE id = ?4 AND version = ?5",
                    params![state, ts(&at), body, id, version],
                )
                .map_err(backend)?;
            if changed == 0 {
                return Err(StoreError::Conflict(format!("case {id} changed since it was read")));
            }
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn cases(&self, region_prefix: Option<&str>, limit: u32) -> StoreResult<Vec<CaseRecord>> {
        let prefix = certguard_store::like_prefix(region_prefix.unwrap_or(""));
        let rows = self.read(|c| {
            let mut st = c
                .prepare_cached(&format!(
                    "SELECT {CASE_COLUMNS} FROM cases WHERE region LIKE ?1 ESCAPE '\\' ORDER BY id DESC LIMIT ?2"
                ))
                .map_err(backend)?;
            let rows = st.query_map(params![prefix, limit], case_of).map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
        })?;
        rows.into_iter().map(to_case).collect()
    }
}
