//! The certificate registry's domain, pure: no storage, no clock (`today` is passed in), no randomness
//! (the caller supplies each new [`Serial`]).
//!
//! - [`catalogue`]: the national catalogue (11 categories, 54 items) and management classifications, as data;
//! - [`certificate`]: the certificate, its lifecycle and the [`Status`] derived from dates and events;
//! - [`periods`]: validity and review periods of Order No. 30 and the date arithmetic they use;
//! - [`rules`]: the checks a new certificate must pass (the periods re-exported for callers);
//! - [`lifecycle`]: review, extension, renewal, suspension, reinstatement, revocation, cancellation and
//!   correction as commands that yield the next certificate and the [`Event`] to record.
//!
//! ```
//! use certguard_registry::{Catalogue, NewCertificate, Scope, Holder, Serial, Status, build_certificate};
//! use certguard_types::{IdentityDoc, Sex};
//! use chrono::NaiveDate;
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let cert = build_certificate(NewCertificate {
//!     holder: Holder { name: "张三".parse().unwrap(), identity: IdentityDoc::resident("440524188001010014").unwrap(), sex: Sex::Male },
//!     scope: Scope::SpecialOperation { category: "2".into(), item: "2.1".into() },
//!     authority: "CN-320582".parse().unwrap(),
//!     first_issued: d(2024, 6, 15), valid_from: d(2024, 6, 15),
//!     valid_until: None, review_due: None, last_review: None, number: None,
//! }, &Catalogue::builtin(), Serial([7; 16]), d(2024, 6, 15)).unwrap();
//! assert_eq!(cert.number.as_str(), "T440524188001010014");
//! assert_eq!(cert.valid_until, d(2030, 6, 15));
//! assert_eq!(cert.review_due, Some(d(2027, 6, 15)));
//! assert_eq!(cert.status(d(2027, 5, 1)), Status::ReviewDue);
//! ```

pub mod catalogue;
pub mod certificate;
pub mod lifecycle;
pub mod log_entry;
pub mod periods;
pub mod plausibility;
pub mod rules;

pub use catalogue::Catalogue;
pub use certificate::{
    CancellationReason, Certificate, CertificateKind, Holder, Lifecycle, RevocationReason, Scope, Serial,
    SignedCredential, Status,
};
pub use lifecycle::{Command, Correction, Event, TransitionError, apply};
pub use log_entry::{LogEntry, LogEventKind};
pub use rules::{NewCertificate, RuleViolation, build_certificate};
