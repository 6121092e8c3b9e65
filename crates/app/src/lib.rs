//! The use cases of certguard, over any [`Store`](certguard_store::Store): issue and operate on certificates,
//! the public lookup, accounts and sessions, CSV/XLSX import and export, and the demo data set.
//!
//! Every operation that changes something takes a permission from `certguard-access` (an
//! [`IssuerGrant`](certguard_access::IssuerGrant), an [`AdminGrant`](certguard_access::AdminGrant), ...),
//! writes its audit record in the same transaction as the change, and reads the time from a [`Clock`].

//!
//! One module per capability: [`registry`] (certificates: issue, operations, lookup, import, export),
//! [`credentials`] (signing keys, status lists, trust store), [`verification`] (online verification, URL
//! judging, lead sightings), [`translog`] (the transparency log), [`accounts`] (users, sessions, API tokens). [`demo`] seeds all of them;
//! [`clock`], [`dates`] and [`error`] are shared.

pub mod accounts;
pub mod cases;
pub mod clock;
pub mod credentials;
pub mod dates;
pub mod demo;
pub mod error;
pub mod exam;
pub mod leads;
pub mod registry;
pub mod roster;
pub mod translog;
pub mod verification;

/// The registry's sub-modules under their former paths (`certguard_app::import::import`, ...).
pub use registry::{export, import, lookup};

pub use accounts::Accounts;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::AppError;
pub use lookup::PublicCertificate;
pub use registry::Registry;
