//! The storage contract of certguard: records, the storage traits and [`StoreError`]. No SQL here; each
//! backend crate (`certguard-store-sqlite`, `certguard-store-postgres`) implements the trait with its own SQL
//! and migrations, kept in lockstep, and `crates/store-tests` runs one test story on both.
//!
//! Rules every backend keeps:
//! - a certificate change, its history event, its pending log event and its audit record are written in one
//!   transaction;
//! - [`CertificateStore::update_certificate`] is optimistic: it fails with [`StoreError::Conflict`] if the version moved;
//! - inserting the same record twice is a no-op ([`InsertOutcome::Unchanged`]): imports are idempotent;
//! - a second live certificate for the same (number, category, item) is refused ([`InsertOutcome::Duplicate`]).
//!
//! One trait per capability ([`CertificateStore`], [`AccountStore`], [`AuditStore`], [`LeadStore`], [`LogStore`]), each in
//! its own module with its records; [`Store`] is all of them together, for wiring (`Arc<dyn Store>`). A new
//! capability adds its module and trait here, one module per backend, and one story in `crates/store-tests`.

mod accounts;
mod audit;
mod cases;
mod certificates;
mod employers;
mod error;
mod exam;
mod leads;
mod log;

pub use accounts::{AccountStore, ApiTokenRecord, NewUser, SessionRecord, UserRecord};
pub use audit::{AuditQuery, AuditRecord, AuditStore, like_prefix};
pub use cases::{CaseRecord, CaseStore, InspectionPhoto, InspectionRecord};
pub use certificates::{
    Authority, CertificateQuery, CertificateStore, InsertOutcome, MAX_NUMBERS_PER_LOOKUP, NewRecord, RegistryCounts,
    StoredCertificate, StoredEvent, classify_insert, decode_certificate, decode_event, encode_certificate,
    encode_event, status_condition,
};
pub use employers::{EmployerStore, RosterEntry};
pub use error::{StoreError, StoreResult};
pub use exam::{ExamEventRow, ExamStore};
pub use leads::{
    JobOutcome, LEAD_COLUMNS, LeadBatch, LeadDetail, LeadHistoryEntry, LeadJob, LeadJobInfo, LeadJobKind, LeadParam,
    LeadQuery, LeadStep, LeadStore, RawLead, Upserted, decode_lead, encode_lead_json, lead_filter,
};
pub use log::{LogBatch, LogLeaf, LogStore, PendingLogEvent, credential_sha256, log_columns};

/// Every capability's storage in one object: what the edges wire (`Arc<dyn Store>`). A backend implements each
/// capability trait in its own module and this one in its `lib.rs`.
pub trait Store:
    CertificateStore
    + AccountStore
    + AuditStore
    + LeadStore
    + LogStore
    + ExamStore
    + CaseStore
    + EmployerStore
    + Send
    + Sync
    + 'static
{
    /// Which backend, for logs and the health route.
    fn backend(&self) -> &'static str;
}
