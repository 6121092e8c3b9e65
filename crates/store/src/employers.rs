//! Employers: which unit (统一社会信用代码) an employer account belongs to, and each unit's current roster (its
//! workers as last verified), from which the reminders before a review or expiry are drawn.

use crate::{AuditRecord, StoreResult};
use async_trait::async_trait;

/// One worker of a unit's roster, as the employer gave them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterEntry {
    pub row: i64,
    pub number: String,
    pub name: String,
    pub item: Option<String>,
}

#[async_trait]
pub trait EmployerStore: Send + Sync {
    /// Binds an account to its unit (replacing an earlier binding), with its audit record.
    async fn bind_employer(&self, username: &str, uscc: &str, audit: &AuditRecord) -> StoreResult<()>;
    async fn employer_unit(&self, username: &str) -> StoreResult<Option<String>>;
    /// Replaces the unit's roster (one transaction), with its audit record.
    async fn replace_roster(&self, uscc: &str, entries: Vec<RosterEntry>, audit: &AuditRecord) -> StoreResult<()>;
    /// The unit's roster in row order, at most `limit` entries.
    async fn roster(&self, uscc: &str, limit: u32) -> StoreResult<Vec<RosterEntry>>;
    /// Every unit that has a roster.
    async fn roster_units(&self) -> StoreResult<Vec<String>>;
    /// Which of `keys` were already delivered for the unit.
    async fn reminders_sent(&self, uscc: &str, keys: &[String]) -> StoreResult<Vec<String>>;
    /// Records `keys` as delivered (already recorded ones stay).
    async fn mark_reminders_sent(
        &self,
        uscc: &str,
        keys: &[String],
        at: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<()>;
}
