//! Inspections and cases in PostgreSQL.

use crate::{PgStore, insert_audit, pg};
use async_trait::async_trait;
use certguard_store::{AuditRecord, CaseRecord, CaseStore, InspectionPhoto, InspectionRecord, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use tokio_postgres::Row;

fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

fn parse_ts(s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| StoreError::Corrupt(format!("timestamp {s}: {e}")))
}

const CASE_COLUMNS: &str = "id, region, state, opened_at, updated_at, version, body";

fn to_case(r: &Row) -> StoreResult<CaseRecord> {
    Ok(CaseRecord {
        id: r.get(0),
        region: r.get(1),
        state: r.get(2),
        opened_at: parse_ts(r.get(3))?,
        updated_at: parse_ts(r.get(4))?,
        version: r.get(5),
        body: r.get(6),
    })
}

#[async_trait]
impl CaseStore for PgStore {
    async fn insert_inspection(
        &self,
        region: &str,
        at: DateTime<Utc>,
        created_by: &str,
        body: &str,
        photos: Vec<InspectionPhoto>,
        audit: &AuditRecord,
    ) -> StoreResult<i64> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let row = tx
            .query_one(
                "INSERT INTO inspections (region, at, created_by, body) VALUES ($1, $2, $3, $4) RETURNING id",
                &[&region, &ts(&at), &created_by, &body],
            )
            .await
            .map_err(pg)?;
        let id: i64 = row.get(0);
        for p in &photos {
            tx.execute(
                "INSERT INTO inspection_photos (inspection_id, worker, sha256, bytes) VALUES ($1, $2, $3, $4)",
                &[&id, &p.worker, &p.sha256, &p.bytes],
            )
            .await
            .map_err(pg)?;
        }
        insert_audit(&tx, &AuditRecord { target: format!("inspection:{id}"), ..audit.clone() }).await?;
        tx.commit().await.map_err(pg)?;
        Ok(id)
    }

    async fn inspection_photos(&self, id: i64) -> StoreResult<Vec<InspectionPhoto>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT worker, sha256, bytes FROM inspection_photos WHERE inspection_id = $1 ORDER BY worker",
                &[&id],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(|r| InspectionPhoto { worker: r.get(0), sha256: r.get(1), bytes: r.get(2) }).collect())
    }

    async fn inspection(&self, id: i64) -> StoreResult<Option<InspectionRecord>> {
        let c = self.client().await?;
        let row = c
            .query_opt("SELECT id, region, at, created_by, body FROM inspections WHERE id = $1", &[&id])
            .await
            .map_err(pg)?;
        row.map(|r| {
            Ok(InspectionRecord {
                id: r.get(0),
                region: r.get(1),
                at: parse_ts(r.get(2))?,
                created_by: r.get(3),
                body: r.get(4),
            })
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
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let row = tx
            .query_one(
                "INSERT INTO cases (region, state, opened_at, updated_at, version, body) VALUES ($1, $2, $3, $3, 1, $4) RETURNING id",
                &[&region, &state, &ts(&at), &body],
            )
            .await
            .map_err(pg)?;
        let id: i64 = row.get(0);
        insert_audit(&tx, &AuditRecord { target: format!("case:{id}"), ..audit.clone() }).await?;
        tx.commit().await.map_err(pg)?;
        Ok(id)
    }

    async fn case(&self, id: i64) -> StoreResult<Option<CaseRecord>> {
        let c = self.client().await?;
        let row = c.query_opt(&format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1"), &[&id]).await.map_err(pg)?;
        row.as_ref().map(to_case).transpose()
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
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let changed = tx
            .execute(
                "UPDATE cases SET state = $1, updated_at = $2, body = $3, version = version + 1 WHERE id = $4 AND version = $5",
                &[&state, &ts(&at), &body, &id, &version],
            )
            .await
            .map_err(pg)?;
        if changed == 0 {
            return Err(StoreError::Conflict(format!("case {id} changed since it was read")));
        }
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)?;
        Ok(())
    }

    async fn cases(&self, region_prefix: Option<&str>, limit: u32) -> StoreResult<Vec<CaseRecord>> {
        let c = self.client().await?;
        let prefix = certguard_store::like_prefix(region_prefix.unwrap_or(""));
        let rows = c
            .query(
                &format!("SELECT {CASE_COLUMNS} FROM cases WHERE region LIKE $1 ORDER BY id DESC LIMIT $2"),
                &[&prefix, &i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        rows.iter().map(to_case).collect()
    }
}
