//! Following a Certificate Transparency log that speaks the C2SP static-ct-api (Sunlight, Tessera), pure:
//!
//! - [`sth`]: the log's checkpoint and its RFC 6962 note signature (ECDSA P-256 over a `TreeHeadSignature`);
//! - [`leaf`]: data tiles (`TileLeaf`s) and the RFC 6962 Merkle leaf each one hashes to;
//! - [`frontier`]: the right edge of the tree, which turns the leaves read so far into the root a checkpoint
//!   must sign (a log that rewrote history cannot match it);
//! - [`names`]: the DNS names a certificate or precertificate covers.
//!
//! The follower that fetches tiles, scores names and keeps leads is `certguard_app::leads::ct`.

pub mod frontier;
pub mod leaf;
pub mod names;
pub mod sth;
pub mod testlog;

/// What a log served that cannot be accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CtError {
    #[error("checkpoint: {0}")]
    Checkpoint(String),
    #[error("checkpoint signature: {0}")]
    Signature(String),
    #[error("data tile: {0}")]
    Tile(String),
    #[error("entry {index}: {reason}")]
    Entry { index: u64, reason: String },
}
