//! Offline proofs of inclusion (c2sp.org/tlog-proof@v1): the entry's index, its inclusion proof and the signed
//! (possibly cosigned) checkpoint it leads to, in one text file (`.tlog-proof`).

use crate::checkpoint::{Checkpoint, CheckpointError};
use crate::cosignature::count_cosignatures;
use crate::hash::Hash;
use crate::note::VerifierKey;
use crate::proof::{ProofError, verify_inclusion};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

const HEADER: &str = "c2sp.org/tlog-proof@v1";
/// A proof of a tree of 2^64 leaves has 64 hashes.
const MAX_PROOF_HASHES: usize = 64;
/// The largest proof file read.
pub const MAX_PROOF_FILE_BYTES: usize = 80 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofFileError {
    #[error("malformed proof file: {0}")]
    Malformed(&'static str),
    #[error("checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("inclusion: {0}")]
    Inclusion(#[from] ProofError),
    #[error("{found} witness cosignatures verify, {needed} are required")]
    TooFewWitnesses { needed: usize, found: usize },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofFile {
    /// Opaque, unauthenticated application data.
    pub extra: Option<Vec<u8>>,
    pub index: u64,
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, verbatim.
    pub checkpoint: String,
}

impl ProofFile {
    pub fn to_text(&self) -> String {
        let mut out = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            out.push_str(&format!("extra {}\n", B64.encode(extra)));
        }
        out.push_str(&format!("index {}\n", self.index));
        for h in &self.proof {
            out.push_str(&B64.encode(h));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(&self.checkpoint);
        out
    }

    pub fn parse(text: &str) -> Result<Self, ProofFileError> {
        if text.len() > MAX_PROOF_FILE_BYTES {
            return Err(ProofFileError::Malformed("the file is too large"));
        }
        let rest = text.strip_prefix(HEADER).and_then(|r| r.strip_prefix('\n'));
        let mut rest = rest.ok_or(ProofFileError::Malformed("the first line is not c2sp.org/tlog-proof@v1"))?;
        let next_line = |rest: &mut &str| -> Result<String, ProofFileError> {
            let (line, tail) = rest.split_once('\n').ok_or(ProofFileError::Malformed("truncated"))?;
            *rest = tail;
            Ok(line.to_string())
        };
        let mut line = next_line(&mut rest)?;
        let extra = match line.strip_prefix("extra ") {
            Some(b64) => {
                let extra = B64.decode(b64).map_err(|_| ProofFileError::Malformed("extra is not base64"))?;
                line = next_line(&mut rest)?;
                Some(extra)
            }
            None => None,
        };
        let index = line.strip_prefix("index ").ok_or(ProofFileError::Malformed("no index line"))?;
        if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) || (index.len() > 1 && index.starts_with('0'))
        {
            return Err(ProofFileError::Malformed("the index is not a decimal without leading zeroes"));
        }
        let index = index.parse().map_err(|_| ProofFileError::Malformed("the index does not fit 64 bits"))?;
        let mut proof = Vec::new();
        loop {
            let line = next_line(&mut rest)?;
            if line.is_empty() {
                break;
            }
            if proof.len() == MAX_PROOF_HASHES {
                return Err(ProofFileError::Malformed("too many proof hashes"));
            }
            let hash = B64.decode(&line).ok().and_then(|h| h.try_into().ok());
            proof.push(hash.ok_or(ProofFileError::Malformed("a proof line is not a base64 SHA-256 hash"))?);
        }
        Ok(Self { extra, index, proof, checkpoint: rest.to_string() })
    }

    /// Verifies that the entry whose leaf hash is `leaf` is in the log: the checkpoint is signed by the log's
    /// key for `origin`, at least `quorum` of `witnesses` cosigned it, and the proof leads to its root.
    pub fn verify(
        &self,
        leaf: &Hash,
        origin: &str,
        log_key: &VerifierKey,
        witnesses: &[VerifierKey],
        quorum: usize,
    ) -> Result<Checkpoint, ProofFileError> {
        let (checkpoint, note) = Checkpoint::open(&self.checkpoint, origin, log_key)?;
        let found = count_cosignatures(&note, witnesses).map_err(CheckpointError::from)?;
        if found < quorum {
            return Err(ProofFileError::TooFewWitnesses { needed: quorum, found });
        }
        verify_inclusion(self.index, checkpoint.size, leaf, &self.proof, &checkpoint.root)?;
        Ok(checkpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cosignature::Cosigner;
    use crate::hash::{leaf_hash, root_of};
    use crate::note::{Note, NoteSigner};
    use crate::proof::inclusion_proof;

    #[test]
    fn a_proof_file_round_trips_and_verifies_offline() {
        let log = NoteSigner::from_seed("log.example/v1", &[1; 32]).unwrap();
        let witness = Cosigner::from_seed("witness.example/w", &[2; 32]).unwrap();
        let leaves: Vec<Hash> = (0..11u8).map(|i| leaf_hash(&[i])).collect();
        let cp = Checkpoint::new("log.example/v1", 11, root_of(&leaves));
        let mut note = Note::parse(&cp.sign(&log)).unwrap();
        note.signatures.push(witness.cosign(&note.text, 1_800_000_000));
        let file = ProofFile {
            extra: Some(b"serial".to_vec()),
            index: 6,
            proof: inclusion_proof(&leaves, 6).unwrap(),
            checkpoint: note.to_text(),
        };
        let parsed = ProofFile::parse(&file.to_text()).unwrap();
        assert_eq!(parsed, file);
        let w = [witness.verifier()];
        assert_eq!(parsed.verify(&leaves[6], "log.example/v1", &log.verifier(), &w, 1).unwrap(), cp);
        assert!(matches!(
            parsed.verify(&leaves[5], "log.example/v1", &log.verifier(), &w, 1),
            Err(ProofFileError::Inclusion(_))
        ));
        assert!(matches!(
            parsed.verify(&leaves[6], "log.example/v1", &log.verifier(), &w, 2),
            Err(ProofFileError::TooFewWitnesses { needed: 2, found: 1 })
        ));
    }

    #[test]
    fn malformed_files_are_refused() {
        for bad in [
            "",
            "c2sp.org/tlog-proof@v2\nindex 0\n\n",
            "c2sp.org/tlog-proof@v1\nindex 01\n\n",
            "c2sp.org/tlog-proof@v1\nindex 1\nnot-a-hash\n\n",
            "c2sp.org/tlog-proof@v1\nindex 1\n",
        ] {
            assert!(ProofFile::parse(bad).is_err(), "{bad:?}");
        }
    }
}
