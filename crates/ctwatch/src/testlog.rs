//! A static-ct-api log in memory, for tests and benchmarks: entries in, the files a log serves out (signed
//! checkpoint, data tiles, hash tiles of every level, full and partial).

use crate::leaf::{encode_leaf, parse_tile};
use crate::sth::sign_checkpoint;
use certguard_tlog::hash::{Hash, root_of};
use certguard_tlog::tile::index_path;
use p256::ecdsa::SigningKey;
use p256::pkcs8::EncodePublicKey;
use std::collections::BTreeMap;

pub struct TestLog {
    pub origin: String,
    key: SigningKey,
    leaves: Vec<Vec<u8>>,
    hashes: Vec<Hash>,
}

impl TestLog {
    /// A log whose ECDSA key is derived from `seed` (any byte but 0).
    pub fn new(origin: &str, seed: u8) -> Self {
        let key = SigningKey::from_slice(&[seed.max(1); 32]).expect("a valid scalar");
        TestLog { origin: origin.to_string(), key, leaves: Vec::new(), hashes: Vec::new() }
    }

    /// The log's public key, DER SubjectPublicKeyInfo.
    pub fn public_key_der(&self) -> Vec<u8> {
        self.key.verifying_key().to_public_key_der().expect("encodes").into_vec()
    }

    pub fn size(&self) -> u64 {
        self.leaves.len() as u64
    }

    /// Appends an entry as written by [`encode_leaf`].
    pub fn push_leaf(&mut self, leaf: Vec<u8>) {
        let index = self.size();
        let hash = parse_tile(&leaf, index, 1).expect("a well-formed leaf")[0].leaf_hash;
        self.leaves.push(leaf);
        self.hashes.push(hash);
    }

    pub fn push_cert(&mut self, der: &[u8], timestamp: u64) {
        self.push_leaf(encode_leaf(timestamp, der, None, &[[0xAB; 32]]));
    }

    /// A precertificate entry: its TBSCertificate and the precertificate as submitted.
    pub fn push_precert(&mut self, tbs: &[u8], precert: &[u8], timestamp: u64) {
        self.push_leaf(encode_leaf(timestamp, tbs, Some(precert), &[[0xAB; 32]]));
    }

    /// Replaces entry `index` (a log rewriting its history).
    pub fn rewrite(&mut self, index: usize, leaf: Vec<u8>) {
        let hash = parse_tile(&leaf, index as u64, 1).expect("a well-formed leaf")[0].leaf_hash;
        self.leaves[index] = leaf;
        self.hashes[index] = hash;
    }

    pub fn root(&self) -> Hash {
        root_of(&self.hashes)
    }

    /// Every file the log serves at its current size, by path under the monitoring prefix.
    pub fn files(&self, timestamp: u64) -> BTreeMap<String, Vec<u8>> {
        let mut files = BTreeMap::new();
        let size = self.size();
        files.insert(
            "checkpoint".to_string(),
            sign_checkpoint(&self.key, &self.origin, size, self.root(), timestamp).into_bytes(),
        );
        let path = |prefix: &str, index: u64, width: usize| {
            if width == 256 {
                format!("tile/{prefix}/{}", index_path(index))
            } else {
                format!("tile/{prefix}/{}.p/{width}", index_path(index))
            }
        };
        for (i, chunk) in self.leaves.chunks(256).enumerate() {
            files.insert(path("data", i as u64, chunk.len()), chunk.concat());
        }
        // Hash tiles: level 0 holds leaf hashes, each higher level the roots of the full tiles below.
        let mut level_hashes = self.hashes.clone();
        let mut level = 0;
        while !level_hashes.is_empty() {
            for (i, chunk) in level_hashes.chunks(256).enumerate() {
                files.insert(path(&level.to_string(), i as u64, chunk.len()), chunk.concat());
            }
            level_hashes = level_hashes.chunks_exact(256).map(root_of).collect();
            level += 1;
        }
        files
    }
}
