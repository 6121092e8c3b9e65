//! transparency-dev/merkle's inclusion and consistency cases (testdata/merkle-vectors, see PROVENANCE.md), and
//! proofs we make checked against a naive recompute-everything tree.

use base64::Engine;
use certguard_tlog::hash::{Hash, leaf_hash, root_of};
use certguard_tlog::proof::*;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn vectors(kind: &str) -> Vec<(PathBuf, serde_json::Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/merkle-vectors").join(kind);
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                out.push((path.clone(), serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A 32-byte hash, or None for a value of another length (some cases carry those on purpose).
fn hash(v: &serde_json::Value) -> Option<Hash> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(v.as_str()?).ok()?;
    bytes.try_into().ok()
}

/// The proof, or None when a hash in it is not 32 bytes (then verification must fail).
fn proof(v: &serde_json::Value) -> Option<Vec<Hash>> {
    match v {
        serde_json::Value::Null => Some(Vec::new()),
        serde_json::Value::Array(items) => items.iter().map(hash).collect(),
        _ => None,
    }
}

#[test]
fn inclusion_cases() {
    let cases = vectors("inclusion");
    assert!(cases.len() >= 90, "{} cases", cases.len());
    for (path, c) in &cases {
        let want_err = c["wantErr"].as_bool().unwrap_or(false);
        let got = match (hash(&c["leafHash"]), hash(&c["root"]), proof(&c["proof"])) {
            (Some(leaf), Some(root), Some(p)) => {
                verify_inclusion(c["leafIdx"].as_u64().unwrap(), c["treeSize"].as_u64().unwrap(), &leaf, &p, &root)
            }
            _ => Err(ProofError::WrongLength),
        };
        assert_eq!(got.is_err(), want_err, "{}: {got:?}", path.display());
    }
}

#[test]
fn consistency_cases() {
    let cases = vectors("consistency");
    assert!(cases.len() >= 90, "{} cases", cases.len());
    let mut differ = Vec::new();
    for (path, c) in &cases {
        let want_err = c["wantErr"].as_bool().unwrap_or(false);
        let (size1, size2) = (c["size1"].as_u64().unwrap(), c["size2"].as_u64().unwrap());
        let got = match (hash(&c["root1"]), hash(&c["root2"]), proof(&c["proof"])) {
            (Some(r1), Some(r2), Some(p)) => verify_consistency(size1, size2, &p, &r1, &r2),
            _ => Err(ProofError::WrongLength),
        };
        if got.is_err() != want_err {
            differ.push((path.file_name().unwrap().to_string_lossy().to_string(), size1, size2, got));
        }
    }
    // Each disagreement has a reason computed from the case, never from its name:
    // - from size 0 we follow C2SP tlog-witness (an empty proof is consistent with any tree), that library
    //   refuses it;
    // - roots that are not 32-byte hashes cannot be handed to our typed API (that library compares them as
    //   opaque bytes when the sizes are equal).
    let reasons: Vec<(&str, &str)> = differ
        .iter()
        .map(|(name, s1, s2, got)| {
            let c = &cases.iter().find(|(p, _)| p.file_name().unwrap().to_string_lossy() == *name).unwrap().1;
            let reason = if *s1 == 0 && *s2 > 0 && got.is_ok() {
                "size-0 rule of tlog-witness"
            } else if hash(&c["root1"]).is_none() || hash(&c["root2"]).is_none() {
                "roots are not 32-byte hashes"
            } else {
                "UNEXPLAINED"
            };
            (name.as_str(), reason)
        })
        .collect();
    assert!(!reasons.iter().any(|(_, r)| *r == "UNEXPLAINED"), "{reasons:?}");
    assert!(reasons.len() <= 3, "{reasons:?}");
}

/// MTH straight from the RFC's recursive definition.
fn naive_root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => certguard_tlog::hash::empty_root(),
        1 => leaves[0],
        n => {
            let k = certguard_tlog::hash::split(n as u64) as usize;
            certguard_tlog::hash::node_hash(&naive_root(&leaves[..k]), &naive_root(&leaves[k..]))
        }
    }
}

fn leaves(n: usize) -> Vec<Hash> {
    (0..n).map(|i| leaf_hash(format!("entry {i}").as_bytes())).collect()
}

proptest! {
    #[test]
    fn roots_match_the_recursive_definition(n in 0usize..300) {
        let l = leaves(n);
        prop_assert_eq!(root_of(&l), naive_root(&l));
    }

    #[test]
    fn every_inclusion_proof_verifies_and_a_wrong_one_does_not(n in 1usize..300, pick in any::<prop::sample::Index>()) {
        let l = leaves(n);
        let i = pick.index(n);
        let root = naive_root(&l);
        let p = inclusion_proof(&l, i as u64).unwrap();
        prop_assert!(verify_inclusion(i as u64, n as u64, &l[i], &p, &root).is_ok());
        prop_assert!(p.len() <= 64 - (n as u64).leading_zeros() as usize);
        // Another leaf, another index, or a changed hash in the proof fails.
        if n > 1 {
            let j = (i + 1) % n;
            prop_assert!(verify_inclusion(i as u64, n as u64, &l[j], &p, &root).is_err());
            prop_assert!(verify_inclusion(j as u64, n as u64, &l[i], &p, &root).is_err());
            let mut bad = p.clone();
            bad[0][0] ^= 1;
            prop_assert!(verify_inclusion(i as u64, n as u64, &l[i], &bad, &root).is_err());
        }
    }

    #[test]
    fn every_consistency_proof_verifies_and_a_rewritten_history_does_not(n in 1usize..300, m in 0usize..300) {
        let m = m % (n + 1);
        let l = leaves(n);
        let (r1, r2) = (naive_root(&l[..m]), naive_root(&l));
        let p = consistency_proof(&l, m as u64).unwrap();
        prop_assert!(verify_consistency(m as u64, n as u64, &p, &r1, &r2).is_ok());
        if m > 0 && m < n {
            // The same size with one earlier entry changed is not consistent.
            let mut forked = l.clone();
            forked[m - 1] = leaf_hash(b"rewritten");
            prop_assert!(verify_consistency(m as u64, n as u64, &p, &naive_root(&forked[..m]), &r2).is_err());
            prop_assert!(verify_consistency(m as u64, n as u64, &p, &r1, &naive_root(&forked)).is_err());
        }
    }
}
