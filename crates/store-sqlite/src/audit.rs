//! The audit log in SQLite.

use crate::{SqliteStore, backend, insert_audit, parse_ts};
use async_trait::async_trait;
use certguard_store::{AuditQuery, AuditRecord, AuditStore, StoreResult, like_prefix};
use rusqlite::params;

#[async_trait]
impl AuditStore for SqliteStore {
    async fn append_audit(&self, a: &AuditRecord) -> StoreResult<()> {
        let a = a.clone();
        self.write(move |c| insert_audit(c, &a).map_err(backend)).await
    }

    async fn audit_log(&self, q: &AuditQuery) -> StoreResult<Vec<AuditRecord>> {
        let prefix = q.action_prefix.as_deref().map(like_prefix);
        self.read(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT at, actor, action, target, detail, client FROM audit_log \
                     WHERE (?3 IS NULL OR actor = ?3) AND (?4 IS NULL OR action LIKE ?4 ESCAPE '\\') \
                     ORDER BY id DESC LIMIT ?1 OFFSET ?2",
                )
                .map_err(backend)?;
            let rows = st
                .query_map(params![q.limit, q.offset, q.actor, prefix], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                })
                .map_err(backend)?;
            rows.map(|r| {
                let (at, actor, action, target, detail, client) = r.map_err(backend)?;
                Ok(AuditRecord { at: parse_ts(&at)?, actor, action, target, detail, client })
            })
            .collect()
        })
    }
}
