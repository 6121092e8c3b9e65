//! Transparency-log primitives for certguard's registry log, pure and dependency-light: no storage, no clock,
//! no network, nothing from the rest of the workspace.
//!
//! - [`hash`]: RFC 9162 (RFC 6962) hashing: leaves `SHA-256(0x00 || entry)`, nodes `SHA-256(0x01 || l || r)`,
//!   the empty tree `SHA-256("")`, trees split at the largest power of two below their size.
//! - [`proof`]: inclusion and consistency proofs, made over any source of subtree hashes and verified with the
//!   algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2.
//! - [`note`]: C2SP signed notes with Ed25519 keys and verifier keys (`name+id+key`).
//! - [`checkpoint`]: C2SP checkpoints (origin, size, root) signed as notes.
//! - [`cosignature`]: witness cosignatures (`cosignature/v1`).
//! - [`tile`]: C2SP tiles and entry bundles: paths, the tiles of a tree, proofs over tiles ([`tile::TiledTree`])
//!   and appending to a tiled tree ([`tile::Appender`]).
//! - [`proof_file`]: offline inclusion proofs (`c2sp.org/tlog-proof@v1`).
//!
//! ```
//! use certguard_tlog::hash::{leaf_hash, root_of};
//! use certguard_tlog::proof::{inclusion_proof, verify_inclusion};
//!
//! let leaves: Vec<_> = ["a", "b", "c"].iter().map(|e| leaf_hash(e.as_bytes())).collect();
//! let root = root_of(&leaves);
//! let proof = inclusion_proof(&leaves, 2).unwrap();
//! verify_inclusion(2, 3, &leaves[2], &proof, &root).unwrap();
//! ```

pub mod checkpoint;
pub mod cosignature;
pub mod hash;
pub mod note;
pub mod proof;
pub mod proof_file;
pub mod tile;

pub use hash::Hash;
