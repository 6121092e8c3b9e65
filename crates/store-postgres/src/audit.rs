//! The audit log in PostgreSQL.

use crate::{PgStore, insert_audit, pg};
use async_trait::async_trait;
use certguard_store::{AuditQuery, AuditRecord, AuditStore, StoreResult, like_prefix};

#[async_trait]
impl AuditStore for PgStore {
    async fn append_audit(&self, a: &AuditRecord) -> StoreResult<()> {
        let c = self.client().await?;
        insert_audit(&c, a).await
    }

    async fn audit_log(&self, q: &AuditQuery) -> StoreResult<Vec<AuditRecord>> {
        let prefix = q.action_prefix.as_deref().map(like_prefix);
        let rows = self
            .client()
            .await?
            .query(
                "SELECT at, actor, action, target, detail, client FROM audit_log \
                 WHERE ($3::text IS NULL OR actor = $3) AND ($4::text IS NULL OR action LIKE $4 ESCAPE '\\') \
                 ORDER BY id DESC LIMIT $1 OFFSET $2",
                &[&(q.limit as i64), &(q.offset as i64), &q.actor, &prefix],
            )
            .await
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| AuditRecord {
                at: r.get(0),
                actor: r.get(1),
                action: r.get(2),
                target: r.get(3),
                detail: r.get(4),
                client: r.get(5),
            })
            .collect())
    }
}
