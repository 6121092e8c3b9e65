//! Shared helpers of the integration tests (included with `mod common;`).
#![allow(dead_code)]

use std::path::PathBuf;

/// `shared/testdata`, beside the repository (works in the worktree and in CI's clone).
pub fn testdata() -> PathBuf {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/testdata"));
    assert!(
        p.is_dir(),
        "test data folder {} is missing: the conformance tests need shared/testdata beside the repository",
        p.display()
    );
    p
}
