//! The audit log: who did what, when, from where.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who did what, when, from where. Every change writes one, in the same transaction as the change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub client: Option<String>,
}

/// Which audit records to read, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Exactly this actor.
    pub actor: Option<String>,
    /// Actions starting with this (e.g. "certificate." or "login").
    pub action_prefix: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

impl AuditQuery {
    /// The newest `limit` records.
    pub fn latest(limit: u32) -> Self {
        AuditQuery { limit, ..AuditQuery::default() }
    }
}

/// A SQL `LIKE` pattern (with `ESCAPE '\'`) matching what starts with `prefix`, its wildcards taken literally.
pub fn like_prefix(prefix: &str) -> String {
    let mut p = String::with_capacity(prefix.len() + 1);
    for c in prefix.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// The audit log. Changes elsewhere write their record in their own transaction; this appends one on its own.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn append_audit(&self, audit: &AuditRecord) -> StoreResult<()>;
    /// Newest first.
    async fn audit_log(&self, query: &AuditQuery) -> StoreResult<Vec<AuditRecord>>;
}
