//! certguard-credential: signed, offline-verifiable QR certificates (AQ1).
//!
//! Pure library: no clock, no RNG, no I/O except explicit key-file helpers. Callers pass `now`
//! (Unix seconds) and a cryptographic RNG. See README.md for the format and the deviations from
//! `shared/design/credential.md`.

pub mod alg;
pub mod base45;
pub mod body;
pub mod cbor;
pub mod cose;
pub mod envelope;
pub mod keys;

pub use alg::{Algorithm, PublicKey, Signer};
pub use body::{BodyV1, CertKind, Claims, StatusRef};
pub use envelope::issue;
pub use keys::SigningKey;

#[cfg(any(test, feature = "testutil"))]
pub mod testutil;
