//! Shared helpers of the integration tests (included with `mod common;`).
#![allow(dead_code)]

use std::path::PathBuf;

/// The repository's own `testdata/` (conformance suites with their PROVENANCE.md): a lone clone has it.
pub fn testdata() -> PathBuf {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata"));
    assert!(p.is_dir(), "test data folder {} is missing from the repository", p.display());
    p
}
