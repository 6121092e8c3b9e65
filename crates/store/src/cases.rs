//! Casework: site inspections and cases, each kept as a JSON document (the shapes live in `certguard-casework`
//! and the app) with the columns the queries filter on. A case changes by compare-and-swap on its version, in
//! the same transaction as its audit record.

use crate::{AuditRecord, StoreResult};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectionRecord {
    pub id: i64,
    /// GB/T 2260 code of the inspected place (6 digits).
    pub region: String,
    pub at: DateTime<Utc>,
    pub created_by: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRecord {
    pub id: i64,
    pub region: String,
    /// The workflow state's code (filed, investigating, decided, transferred, closed).
    pub state: String,
    pub opened_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub body: String,
}

/// A certificate photo attached to an inspection: the worker's place in its list, the SHA-256, the bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectionPhoto {
    pub worker: i64,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

#[async_trait]
pub trait CaseStore: Send + Sync {
    /// Stores an inspection with its photos and its audit record (one transaction); returns its id.
    async fn insert_inspection(
        &self,
        region: &str,
        at: DateTime<Utc>,
        created_by: &str,
        body: &str,
        photos: Vec<InspectionPhoto>,
        audit: &AuditRecord,
    ) -> StoreResult<i64>;
    /// The photos of an inspection, by worker.
    async fn inspection_photos(&self, id: i64) -> StoreResult<Vec<InspectionPhoto>>;
    async fn inspection(&self, id: i64) -> StoreResult<Option<InspectionRecord>>;
    /// Opens a case (version 1) with its audit record; returns its id.
    async fn insert_case(
        &self,
        region: &str,
        state: &str,
        at: DateTime<Utc>,
        body: &str,
        audit: &AuditRecord,
    ) -> StoreResult<i64>;
    async fn case(&self, id: i64) -> StoreResult<Option<CaseRecord>>;
    /// Replaces a case's state and body if it is still at `version` (then version + 1), with its audit record;
    /// `Conflict` if someone changed it meanwhile.
    async fn update_case(
        &self,
        id: i64,
        version: i64,
        state: &str,
        at: DateTime<Utc>,
        body: &str,
        audit: &AuditRecord,
    ) -> StoreResult<()>;
    /// Cases whose region starts with `region_prefix` (all when None), newest first, at most `limit`.
    async fn cases(&self, region_prefix: Option<&str>, limit: u32) -> StoreResult<Vec<CaseRecord>>;
}
