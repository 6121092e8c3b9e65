//! Employer units and rosters in PostgreSQL.

use crate::{PgStore, insert_audit, pg};
use async_trait::async_trait;
use certguard_store::{AuditRecord, EmployerStore, RosterEntry, StoreResult};

#[async_trait]
impl EmployerStore for PgStore {
    async fn bind_employer(&self, username: &str, uscc: &str, audit: &AuditRecord) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        tx.execute(
            "INSERT INTO employer_units (username, uscc) VALUES ($1, $2) \
             ON CONFLICT (username) DO UPDATE SET uscc = excluded.uscc",
            &[&username, &uscc],
        )
        .await
        .map_err(pg)?;
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)
    }

    async fn employer_unit(&self, username: &str) -> StoreResult<Option<String>> {
        let c = self.client().await?;
        let row = c.query_opt("SELECT uscc FROM employer_units WHERE username = $1", &[&username]).await.map_err(pg)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn replace_roster(&self, uscc: &str, entries: Vec<RosterEntry>, audit: &AuditRecord) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        tx.execute("DELETE FROM roster_entries WHERE uscc = $1", &[&uscc]).await.map_err(pg)?;
        // One statement: the columns as arrays, unnested.
        let rows: Vec<i64> = entries.iter().map(|e| e.row).collect();
        let numbers: Vec<&str> = entries.iter().map(|e| e.number.as_str()).collect();
        let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
        let items: Vec<Option<&str>> = entries.iter().map(|e| e.item.as_deref()).collect();
        tx.execute(
            "INSERT INTO roster_entries (uscc, row, number, name, item) \
             SELECT $1, r, n, m, i FROM UNNEST($2::bigint[], $3::text[], $4::text[], $5::text[]) AS u(r, n, m, i)",
            &[&uscc, &rows, &numbers, &names, &items],
        )
        .await
        .map_err(pg)?;
        insert_audit(&tx, audit).await?;
        tx.commit().await.map_err(pg)
    }

    async fn roster(&self, uscc: &str, limit: u32) -> StoreResult<Vec<RosterEntry>> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT row, number, name, item FROM roster_entries WHERE uscc = $1 ORDER BY row LIMIT $2",
                &[&uscc, &i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| RosterEntry { row: r.get(0), number: r.get(1), name: r.get(2), item: r.get(3) })
            .collect())
    }

    async fn roster_units(&self) -> StoreResult<Vec<String>> {
        let c = self.client().await?;
        let rows = c.query("SELECT DISTINCT uscc FROM roster_entries ORDER BY uscc", &[]).await.map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn reminders_sent(&self, uscc: &str, keys: &[String]) -> StoreResult<Vec<String>> {
        let c = self.client().await?;
        let rows = c
            .query("SELECT key FROM reminders_sent WHERE uscc = $1 AND key = ANY($2)", &[&uscc, &keys])
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn mark_reminders_sent(
        &self,
        uscc: &str,
        keys: &[String],
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        let c = self.client().await?;
        let at = at.to_rfc3339();
        c.execute(
            "INSERT INTO reminders_sent (uscc, key, at) SELECT $1, k, $3 FROM UNNEST($2::text[]) AS u(k) \
             ON CONFLICT (uscc, key) DO NOTHING",
            &[&uscc, &keys, &at],
        )
        .await
        .map_err(pg)?;
        Ok(())
    }
}
