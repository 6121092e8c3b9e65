//! The storage contract of certguard: records, the [`Store`] trait and [`StoreError`]. No SQL here; each
//! backend crate (`certguard-store-sqlite`, `certguard-store-postgres`) implements the trait with its own SQL
//! and migrations, kept in lockstep, and `crates/store-tests` runs one test story on both.
//!
//! Rules every backend keeps:
//! - a certificate change, its history event and its audit record are written in one transaction;
//! - [`Store::update_certificate`] is optimistic: it fails with [`StoreError::Conflict`] if the version moved;
//! - inserting the same record twice is a no-op ([`InsertOutcome::Unchanged`]): imports are idempotent;
//! - a second live certificate for the same (number, category, item) is refused ([`InsertOutcome::Duplicate`]).

use async_trait::async_trait;
use certguard_access::Role;
use certguard_registry::{Certificate, Event, Lifecycle, Serial, Status};
use certguard_types::{AuthorityCode, CertificateNumber, PersonName};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The record changed since it was read, or a unique value is taken.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// Stored data that no longer parses: a bug or manual tampering, never user input.
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// The database itself failed (connection, disk, constraint we did not expect).
    #[error("database: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authority {
    pub code: AuthorityCode,
    pub name_zh: String,
    pub name_en: String,
    /// Province / city name for dashboards, e.g. 江苏省苏州市.
    pub region: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredCertificate {
    pub certificate: Certificate,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub seq: i64,
    pub serial: Serial,
    pub event: Event,
    pub actor: String,
    pub at: DateTime<Utc>,
}

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

/// A web address found in a scanned QR code: kept once per domain as a lead for the analysts, not in the
/// audit log (anonymous scans would otherwise push real events out of it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadSighting {
    pub domain: String,
    /// The address without its query or fragment (those may carry a victim's certificate number).
    pub url: String,
    /// official, look_alike or unknown
    pub verdict: String,
    pub score: i32,
    pub at: DateTime<Utc>,
}

/// A domain seen in scanned QR codes, with how often and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadCandidate {
    pub domain: String,
    pub url: String,
    pub verdict: String,
    pub score: i32,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub sightings: i64,
}

/// A certificate to insert with the event that created it (issued or imported).
#[derive(Clone, Debug)]
pub struct NewRecord {
    pub certificate: Certificate,
    pub event: Event,
    pub actor: String,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InsertOutcome {
    Inserted,
    /// The same certificate (number, scope, validity start and data) is already stored.
    Unchanged {
        serial: Serial,
    },
    /// Another live certificate for the same number and scope exists, or the same period with other data.
    Duplicate {
        serial: Serial,
        reason: String,
    },
}

/// Decides what inserting `new` means given the stored certificates with the same number and scope codes.
/// Shared by the backends so that both apply the same duplicate rule.
pub fn classify_insert(existing: &[Certificate], new: &Certificate) -> InsertOutcome {
    for old in existing {
        if old.valid_from == new.valid_from {
            // Same record whatever its serial and signature: a re-import signs nothing new.
            let same = Certificate { serial: new.serial, credential: new.credential.clone(), ..old.clone() } == *new;
            return if same {
                InsertOutcome::Unchanged { serial: old.serial }
            } else {
                InsertOutcome::Duplicate {
                    serial: old.serial,
                    reason:
                        "the same certificate and validity period is already recorded with other data; use a correction"
                            .into(),
                }
            };
        }
    }
    for old in existing {
        let live = matches!(old.lifecycle, Lifecycle::Active | Lifecycle::Suspended { .. });
        if live && old.valid_until >= new.valid_from {
            return InsertOutcome::Duplicate {
                serial: old.serial,
                reason: format!("a certificate for this item is still in force until {}", old.valid_until),
            };
        }
    }
    InsertOutcome::Inserted
}

/// Filters for the back office list.
#[derive(Clone, Debug, Default)]
pub struct CertificateQuery {
    pub authority: Option<AuthorityCode>,
    /// Exact certificate number, or a holder-name prefix.
    pub text: Option<String>,
    pub status: Option<Status>,
    /// The day the status filter refers to.
    pub today: Option<NaiveDate>,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub authority: Option<AuthorityCode>,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub authority: Option<AuthorityCode>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    /// SHA-256 of the cookie value, hex: a stolen database does not yield live sessions.
    pub token_hash: String,
    pub user_id: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiTokenRecord {
    pub id: i64,
    pub name: String,
    pub user_id: i64,
    pub token_hash: String,
    pub created_at: DateTime<Utc>,
}

/// Counts for the dashboard and metrics.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RegistryCounts {
    pub certificates: u64,
    pub by_lifecycle: Vec<(String, u64)>,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which backend, for logs and the health route.
    fn backend(&self) -> &'static str;

    async fn put_authority(&self, authority: &Authority) -> StoreResult<()>;
    async fn authorities(&self) -> StoreResult<Vec<Authority>>;

    /// Inserts certificates in one transaction with one audit record; each gets its outcome.
    async fn insert_certificates(&self, batch: &[NewRecord], audit: &AuditRecord) -> StoreResult<Vec<InsertOutcome>>;
    /// Replaces a certificate if its version is still `expected_version`; records the event and audit.
    async fn update_certificate(
        &self,
        certificate: &Certificate,
        expected_version: i64,
        event: &NewRecord,
        audit: &AuditRecord,
    ) -> StoreResult<i64>;
    async fn certificate(&self, serial: &Serial) -> StoreResult<Option<StoredCertificate>>;
    /// Certificates with this number whose holder name matches exactly (the public lookup).
    async fn lookup(&self, number: &CertificateNumber, name: &PersonName) -> StoreResult<Vec<Certificate>>;
    async fn search(&self, query: &CertificateQuery) -> StoreResult<(Vec<StoredCertificate>, u64)>;
    /// Certificates in insertion order after `cursor` (0 = from the start), for streaming exports.
    async fn certificates_after(
        &self,
        cursor: i64,
        authority: Option<&AuthorityCode>,
        limit: u32,
    ) -> StoreResult<Vec<(i64, Certificate)>>;
    async fn history(&self, serial: &Serial) -> StoreResult<Vec<StoredEvent>>;
    /// Whether `idx` is already assigned in `authority`'s status list.
    async fn status_index_taken(&self, authority: &AuthorityCode, idx: u64) -> StoreResult<bool>;
    /// (status-list index, lifecycle code) of every signed certificate of `authority`.
    async fn status_entries(&self, authority: &AuthorityCode) -> StoreResult<Vec<(u64, String)>>;
    async fn counts(&self) -> StoreResult<RegistryCounts>;

    async fn create_user(&self, user: &NewUser, audit: &AuditRecord) -> StoreResult<i64>;
    async fn user_by_name(&self, username: &str) -> StoreResult<Option<UserRecord>>;
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<UserRecord>>;
    async fn users(&self) -> StoreResult<Vec<UserRecord>>;
    async fn set_password(&self, user_id: i64, password_hash: &str, audit: &AuditRecord) -> StoreResult<()>;

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;
    /// The session and its user, if the session exists, is not expired at `now`, and the user is enabled.
    async fn session(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<(SessionRecord, UserRecord)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    async fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
        token_hash: &str,
        audit: &AuditRecord,
    ) -> StoreResult<i64>;
    async fn api_token(&self, token_hash: &str) -> StoreResult<Option<(ApiTokenRecord, UserRecord)>>;

    async fn append_audit(&self, audit: &AuditRecord) -> StoreResult<()>;
    /// Newest first.
    async fn audit_log(&self, query: &AuditQuery) -> StoreResult<Vec<AuditRecord>>;

    /// Records a sighting of a domain in a scanned QR (one row per domain; later sightings count and update).
    async fn record_lead_sighting(&self, sighting: &LeadSighting) -> StoreResult<()>;
    /// Lead candidates, most recently seen first.
    async fn lead_candidates(&self, limit: u32) -> StoreResult<Vec<LeadCandidate>>;
}

/// Serialises a certificate for the `body` column (the columns beside it are derived for indexing).
pub fn encode_certificate(c: &Certificate) -> String {
    serde_json::to_string(c).expect("certificate serialises")
}

pub fn decode_certificate(body: &str) -> StoreResult<Certificate> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("certificate body: {e}")))
}

pub fn encode_event(e: &Event) -> String {
    serde_json::to_string(e).expect("event serialises")
}

pub fn decode_event(body: &str) -> StoreResult<Event> {
    serde_json::from_str(body).map_err(|e| StoreError::Corrupt(format!("event body: {e}")))
}

/// The SQL condition selecting certificates whose [`Status`] on `today` is `status`, for both dialects
/// (dates are ISO text in SQLite and DATE in PostgreSQL; both compare correctly with a bound date). `bind`
/// records a date parameter and returns its placeholder (`?3`, `$3`).
pub fn status_condition(status: Status, today: NaiveDate, mut bind: impl FnMut(NaiveDate) -> String) -> String {
    let window = today + chrono::Days::new(certguard_registry::rules::REVIEW_WINDOW_DAYS as u64);
    let in_force = |bind: &mut dyn FnMut(NaiveDate) -> String| {
        format!("lifecycle = 'active' AND valid_from <= {} AND valid_until >= {}", bind(today), bind(today))
    };
    match status {
        Status::Cancelled => "lifecycle = 'cancelled'".into(),
        Status::Revoked => "lifecycle = 'revoked'".into(),
        Status::Suspended => "lifecycle = 'suspended'".into(),
        Status::Pending => format!("lifecycle = 'active' AND valid_from > {}", bind(today)),
        Status::Expired => format!("lifecycle = 'active' AND valid_until < {}", bind(today)),
        Status::ReviewOverdue => {
            format!("{} AND review_due IS NOT NULL AND review_due < {}", in_force(&mut bind), bind(today))
        }
        Status::ReviewDue => format!(
            "{} AND review_due IS NOT NULL AND review_due >= {} AND review_due <= {}",
            in_force(&mut bind),
            bind(today),
            bind(window)
        ),
        Status::Valid => {
            format!("{} AND (review_due IS NULL OR review_due > {})", in_force(&mut bind), bind(window))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use certguard_registry::{Holder, Scope};
    use certguard_types::{IdentityDoc, Sex};

    fn cert(serial: u8, from: (i32, u32, u32)) -> Certificate {
        let from = NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap();
        Certificate {
            serial: Serial([serial; 16]),
            number: "T440524188001010014".parse().unwrap(),
            holder: Holder {
                name: "张三".parse().unwrap(),
                identity: IdentityDoc::resident("440524188001010014").unwrap(),
                sex: Sex::Male,
            },
            scope: Scope::SpecialOperation { category: "1".into(), item: "1.1".into() },
            authority: "CN-440524".parse().unwrap(),
            first_issued: from,
            valid_from: from,
            valid_until: certguard_registry::rules::add_years(from, 6),
            review_due: None,
            last_review: None,
            review_interval_years: 3,
            lifecycle: Lifecycle::Active,
            credential: None,
        }
    }

    #[test]
    fn duplicate_rule() {
        let a = cert(1, (2020, 1, 1));
        assert_eq!(classify_insert(&[], &a), InsertOutcome::Inserted);
        // Same data, other serial: idempotent re-import.
        assert_eq!(
            classify_insert(std::slice::from_ref(&a), &cert(2, (2020, 1, 1))),
            InsertOutcome::Unchanged { serial: a.serial }
        );
        // Same period, other data.
        let mut other = cert(2, (2020, 1, 1));
        other.holder.name = "李四".parse().unwrap();
        assert!(matches!(classify_insert(std::slice::from_ref(&a), &other), InsertOutcome::Duplicate { .. }));
        // Overlapping live certificate.
        assert!(matches!(
            classify_insert(std::slice::from_ref(&a), &cert(3, (2024, 1, 1))),
            InsertOutcome::Duplicate { .. }
        ));
        // After the old one ended, or once it is revoked, a new one may be issued.
        assert_eq!(classify_insert(std::slice::from_ref(&a), &cert(3, (2026, 1, 2))), InsertOutcome::Inserted);
        let mut revoked = a.clone();
        revoked.lifecycle =
            Lifecycle::Revoked { on: a.valid_from, reason: certguard_registry::RevocationReason::HealthUnfit };
        assert_eq!(classify_insert(&[revoked], &cert(3, (2024, 1, 1))), InsertOutcome::Inserted);
    }
}
