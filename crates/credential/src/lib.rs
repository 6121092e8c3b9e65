//! certguard-credential: signed, offline-verifiable QR certificates (AQ1).
//!
//! Pure library: no clock, no RNG, no I/O except explicit key-file helpers. Callers pass `now`
//! (Unix seconds) and a cryptographic RNG. See README.md for the format and the deviations from
//! `shared/design/credential.md`.

pub mod alg;
pub mod base45;
pub mod body;
pub mod cbor;
pub mod cli;
pub mod conformance;
pub mod cose;
pub mod envelope;
pub mod hcert;
pub mod keys;
pub mod qr;
pub mod status_list;
pub mod trust_list;
pub mod verify;

pub use alg::{Algorithm, PublicKey, Signer};
pub use body::{Body, CertKind, Claims, StatusRef};
pub use envelope::issue;
pub use keys::SigningKey;
pub use status_list::{StatusList, StatusListToken, StatusStore};
pub use trust_list::{TrustEntry, TrustList, TrustStore};
pub use verify::{Check, CheckName, Context, Outcome, Verdict, Verification, verify};

#[cfg(any(test, feature = "testutil"))]
pub mod testutil;
