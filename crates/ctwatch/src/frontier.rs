//! The right edge of a Merkle tree (RFC 6962): the roots of its perfect subtrees, largest first. Appending a
//! leaf merges equal-sized subtrees; the root folds them from the right. A follower keeps this instead of the
//! whole tree: the root it computes after reading a log's new leaves either equals the new checkpoint's root,
//! or the log forked or rewrote what was read before.

use certguard_tlog::hash::{Hash, empty_root, node_hash};
use certguard_tlog::proof::Subtrees;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frontier {
    size: u64,
    /// (height, hash) of each perfect subtree, left to right, heights strictly decreasing.
    nodes: Vec<(u32, Hash)>,
}

impl Frontier {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The frontier of the first `size` leaves of a tree, read from any source of subtree hashes (tiles).
    pub fn seed<S: Subtrees + ?Sized>(source: &S, size: u64) -> Result<Self, certguard_tlog::proof::ProofError> {
        let mut nodes = Vec::new();
        let mut start = 0u64;
        for height in (0..64u32).rev() {
            let len = 1u64 << height;
            if size & len != 0 {
                nodes.push((height, source.subtree(start, start + len)?));
                start += len;
            }
        }
        Ok(Self { size, nodes })
    }

    pub fn push(&mut self, leaf: Hash) {
        let mut node = (0u32, leaf);
        while let Some(&(h, left)) = self.nodes.last() {
            if h != node.0 {
                break;
            }
            self.nodes.pop();
            node = (h + 1, node_hash(&left, &node.1));
        }
        self.nodes.push(node);
        self.size += 1;
    }

    /// The root hash of the tree so far.
    pub fn root(&self) -> Hash {
        let mut iter = self.nodes.iter().rev();
        let Some(&(_, mut acc)) = iter.next() else { return empty_root() };
        for (_, left) in iter {
            acc = node_hash(left, &acc);
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use certguard_tlog::hash::{leaf_hash, root_of};

    #[test]
    fn the_root_is_rfc_6962s_at_every_size_and_seeding_agrees() {
        let leaves: Vec<Hash> = (0u32..300).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let mut f = Frontier::new();
        assert_eq!(f.root(), empty_root());
        for (i, l) in leaves.iter().enumerate() {
            f.push(*l);
            assert_eq!(f.root(), root_of(&leaves[..=i]), "size {}", i + 1);
            let seeded = Frontier::seed(&leaves[..], (i + 1) as u64).unwrap();
            assert_eq!(seeded, f);
        }
    }
}
