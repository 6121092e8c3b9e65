//! Inclusion and consistency proofs (RFC 9162 sections 2.1.3 and 2.1.4).
//!
//! Proofs are made over a [`Subtrees`] source, which answers the hash of any complete subtree the proofs need
//! (an in-memory slice of leaf hashes here; stored tiles in the registry), and verified with the RFC's
//! algorithms, which need nothing but the proof.
//!
//! One rule differs between specifications: a consistency proof from the empty tree. RFC 9162 defines none;
//! C2SP tlog-witness treats size 0 as consistent with every tree, with an empty proof. We follow the witness
//! spec (a witness that has seen nothing must accept a first checkpoint). transparency-dev/merkle refuses it:
//! the conformance test names the two cases where this shows.

use crate::hash::{Hash, node_hash, root_of, split};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf index {index} is not below the tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("the first tree ({first}) is larger than the second ({second})")]
    SizesOutOfOrder { first: u64, second: u64 },
    #[error("the proof has the wrong number of hashes")]
    WrongLength,
    #[error("the proof does not lead to the expected root")]
    RootMismatch,
    #[error("equal tree sizes with different roots")]
    DifferentRoots,
    #[error("the hash source failed: {0}")]
    Source(String),
}

/// Where proofs get the hashes of complete subtrees `[start, end)` of the tree.
pub trait Subtrees {
    fn subtree(&self, start: u64, end: u64) -> Result<Hash, ProofError>;
}

/// Leaf hashes in memory.
impl Subtrees for [Hash] {
    fn subtree(&self, start: u64, end: u64) -> Result<Hash, ProofError> {
        let range =
            usize::try_from(start).ok().zip(usize::try_from(end).ok()).filter(|(s, e)| s < e && *e <= self.len());
        range.map(|(s, e)| root_of(&self[s..e])).ok_or_else(|| ProofError::Source(format!("no subtree {start}..{end}")))
    }
}

impl Subtrees for Vec<Hash> {
    fn subtree(&self, start: u64, end: u64) -> Result<Hash, ProofError> {
        self.as_slice().subtree(start, end)
    }
}

/// The inclusion proof of leaf `index` in the tree of the source's first `size` leaves (PATH of RFC 9162),
/// from the leaf upwards.
pub fn inclusion_proof_in<S: Subtrees + ?Sized>(source: &S, index: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    // Walk down from the root, noting the sibling subtree at each split; the proof lists them bottom-up.
    let (mut start, mut end, mut path) = (0u64, size, Vec::new());
    while end - start > 1 {
        let k = split(end - start);
        if index - start < k {
            path.push(source.subtree(start + k, end)?);
            end = start + k;
        } else {
            path.push(source.subtree(start, start + k)?);
            start += k;
        }
    }
    path.reverse();
    Ok(path)
}

/// [`inclusion_proof_in`] over all the given leaf hashes.
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Result<Vec<Hash>, ProofError> {
    inclusion_proof_in(leaves, index, leaves.len() as u64)
}

/// The consistency proof between the trees of the source's first `first` and `second` leaves (PROOF and
/// SUBPROOF of RFC 9162), bottom-up. Empty when `first` is 0 or equals `second`.
pub fn consistency_proof_in<S: Subtrees + ?Sized>(
    source: &S,
    first: u64,
    second: u64,
) -> Result<Vec<Hash>, ProofError> {
    if first > second {
        return Err(ProofError::SizesOutOfOrder { first, second });
    }
    if first == 0 || first == second {
        return Ok(Vec::new());
    }
    // SUBPROOF(m, D[start..end], b), iteratively: descend towards the first tree's right edge.
    let (mut m, mut start, mut end, mut whole, mut proof) = (first, 0u64, second, true, Vec::new());
    loop {
        let n = end - start;
        if m == n {
            if !whole {
                proof.push(source.subtree(start, end)?);
            }
            break;
        }
        let k = split(n);
        if m <= k {
            proof.push(source.subtree(start + k, end)?);
            end = start + k;
        } else {
            proof.push(source.subtree(start, start + k)?);
            m -= k;
            start += k;
            whole = false;
        }
    }
    proof.reverse();
    Ok(proof)
}

/// [`consistency_proof_in`] over the given leaf hashes (the second tree is all of them).
pub fn consistency_proof(leaves: &[Hash], first: u64) -> Result<Vec<Hash>, ProofError> {
    consistency_proof_in(leaves, first, leaves.len() as u64)
}

/// The root the inclusion proof leads to (RFC 9162 2.1.3.2), or why it leads nowhere.
pub fn root_from_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash]) -> Result<Hash, ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut fn_, mut sn, mut r) = (index, size - 1, *leaf);
    for p in proof {
        if sn == 0 {
            return Err(ProofError::WrongLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(ProofError::WrongLength);
    }
    Ok(r)
}

/// Checks that `leaf` is at `index` in the tree of `size` leaves whose root is `root`.
pub fn verify_inclusion(index: u64, size: u64, leaf: &Hash, proof: &[Hash], root: &Hash) -> Result<(), ProofError> {
    if root_from_inclusion(index, size, leaf, proof)? == *root { Ok(()) } else { Err(ProofError::RootMismatch) }
}

/// Checks that the tree of `second` leaves with root `root2` extends the tree of `first` leaves with root
/// `root1` (RFC 9162 2.1.4.2; from size 0 the proof must be empty, see the module notes).
pub fn verify_consistency(
    first: u64,
    second: u64,
    proof: &[Hash],
    root1: &Hash,
    root2: &Hash,
) -> Result<(), ProofError> {
    if first > second {
        return Err(ProofError::SizesOutOfOrder { first, second });
    }
    if first == second {
        if !proof.is_empty() {
            return Err(ProofError::WrongLength);
        }
        return if root1 == root2 { Ok(()) } else { Err(ProofError::DifferentRoots) };
    }
    if first == 0 {
        return if proof.is_empty() { Ok(()) } else { Err(ProofError::WrongLength) };
    }
    let Some((head, rest)) = proof.split_first() else { return Err(ProofError::WrongLength) };
    // When the first tree is a complete subtree, its root starts the path.
    let (seed, rest) = if first.is_power_of_two() { (root1, proof) } else { (head, rest) };
    let (mut fn_, mut sn) = (first - 1, second - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*seed, *seed);
    for c in rest {
        if sn == 0 {
            return Err(ProofError::WrongLength);
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fn_ & 1 == 0 {
                while fn_ & 1 == 0 && fn_ != 0 {
                    fn_ >>= 1;
                    sn >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    if sn != 0 {
        return Err(ProofError::WrongLength);
    }
    if fr == *root1 && sr == *root2 { Ok(()) } else { Err(ProofError::RootMismatch) }
}
