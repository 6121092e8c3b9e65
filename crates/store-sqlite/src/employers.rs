//! Employer units and rosters in SQLite.

use crate::{SqliteStore, backend, insert_audit};
use async_trait::async_trait;
use certguard_store::{AuditRecord, EmployerStore, RosterEntry, StoreResult};
use rusqlite::{OptionalExtension, params};

#[async_trait]
impl EmployerStore for SqliteStore {
    async fn bind_employer(&self, username: &str, uscc: &str, audit: &AuditRecord) -> StoreResult<()> {
        let (username, uscc, audit) = (username.to_string(), uscc.to_string(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute(
                "INSERT INTO employer_units (username, uscc) VALUES (?1, ?2) \
                 ON CONFLICT (username) DO UPDATE SET uscc = excluded.uscc",
                params![username, uscc],
            )
            .map_err(backend)?;
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn employer_unit(&self, username: &str) -> StoreResult<Option<String>> {
        self.read(|c| {
            c.query_row("SELECT uscc FROM employer_units WHERE username = ?1", [username], |r| r.get(0))
                .optional()
                .map_err(backend)
        })
    }

    async fn replace_roster(&self, uscc: &str, entries: Vec<RosterEntry>, audit: &AuditRecord) -> StoreResult<()> {
        let (uscc, audit) = (uscc.to_string(), audit.clone());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute("DELETE FROM roster_entries WHERE uscc = ?1", [&uscc]).map_err(backend)?;
            {
                let mut st = tx
                    .prepare_cached(
                        "INSERT INTO roster_entries (uscc, row, number, name, item) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )
                    .map_err(backend)?;
                for e in &entries {
                    st.execute(params![uscc, e.row, e.number, e.name, e.item]).map_err(backend)?;
                }
            }
            insert_audit(&tx, &audit).map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn roster(&self, uscc: &str, limit: u32) -> StoreResult<Vec<RosterEntry>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT row, number, name, item FROM roster_entries WHERE uscc = ?1 ORDER BY row LIMIT ?2",
                )
                .map_err(backend)?;
            let rows = st
                .query_map(params![uscc, limit], |r| {
                    Ok(RosterEntry { row: r.get(0)?, number: r.get(1)?, name: r.get(2)?, item: r.get(3)? })
                })
                .map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)
        })
    }

    async fn roster_units(&self) -> StoreResult<Vec<String>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT DISTINCT uscc FROM roster_entries ORDER BY uscc").map_err(backend)?;
            let rows = st.query_map([], |r| r.get(0)).map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<String>>>().map_err(backend)
        })
    }

    async fn reminders_sent(&self, uscc: &str, keys: &[String]) -> StoreResult<Vec<String>> {
        self.read(|c| {
            let mut st =
                c.prepare_cached("SELECT 1 FROM reminders_sent WHERE uscc = ?1 AND key = ?2").map_err(backend)?;
            let mut sent = Vec::new();
            for k in keys {
                if st.exists(params![uscc, k]).map_err(backend)? {
                    sent.push(k.clone());
                }
            }
            Ok(sent)
        })
    }

    async fn mark_reminders_sent(
        &self,
        uscc: &str,
        keys: &[String],
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()> {
        let (uscc, keys) = (uscc.to_string(), keys.to_vec());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            {
                let mut st = tx
                    .prepare_cached("INSERT OR IGNORE INTO reminders_sent (uscc, key, at) VALUES (?1, ?2, ?3)")
                    .map_err(backend)?;
                for k in &keys {
                    st.execute(params![uscc, k, crate::ts(&at)]).map_err(backend)?;
                }
            }
            tx.commit().map_err(backend)
        })
        .await
    }
}
