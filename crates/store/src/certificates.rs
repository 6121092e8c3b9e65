//! The registry: authorities, certificates with their history, the duplicate rule and the status filter.

use crate::{AuditRecord, StoreError, StoreResult};
use async_trait::async_trait;
use certguard_registry::{Certificate, Event, Lifecycle, Serial, Status};
use certguard_types::{AuthorityCode, CertificateNumber, PersonName};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

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

/// Numbers one [`CertificateStore::certificates_by_numbers`] call takes.
pub const MAX_NUMBERS_PER_LOOKUP: usize = 1000;

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

/// Counts for the dashboard and metrics.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RegistryCounts {
    pub certificates: u64,
    pub by_lifecycle: Vec<(String, u64)>,
}

/// The registry's certificates, their history, the issuing authorities and the status-list entries.
#[async_trait]
pub trait CertificateStore: Send + Sync {
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
    /// Every certificate with one of `numbers`, whoever holds it (roster verification: a number that exists
    /// under another name is an answer too). At most [`MAX_NUMBERS_PER_LOOKUP`] numbers per call.
    async fn certificates_by_numbers(&self, numbers: &[CertificateNumber]) -> StoreResult<Vec<Certificate>>;
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
