//! The use cases of certguard, over any [`Store`](certguard_store::Store): issue and operate on certificates,
//! the public lookup, accounts and sessions, CSV/XLSX import and export, and the demo data set.
//!
//! Every operation that changes something takes a permission from `certguard-access` (an
//! [`IssuerGrant`](certguard_access::IssuerGrant), an [`AdminGrant`](certguard_access::AdminGrant), ...),
//! writes its audit record in the same transaction as the change, and reads the time from a [`Clock`].

pub mod accounts;
pub mod clock;
pub mod credentials;
pub mod dates;
pub mod demo;
pub mod error;
pub mod export;
pub mod import;
pub mod lookup;
pub mod registry;
pub mod verification;

pub use accounts::Accounts;
pub use clock::{Clock, FixedClock, SystemClock};
pub use error::AppError;
pub use lookup::PublicCertificate;
pub use registry::Registry;
