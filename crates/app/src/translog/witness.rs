//! A witness (c2sp.org/tlog-witness): it keeps the latest checkpoint it saw of each log it watches and
//! cosigns a new one only when it is signed by the log's key and provably extends the old one, so that a log
//! can never show two different histories to two people without some witness refusing.
//!
//! Requests are the spec's `add-checkpoint` body: `old <size>`, the consistency proof (one base64 hash per
//! line), an empty line, then the checkpoint note. The answer is the cosignature line(s). The witness's state
//! is written (and synced) before it answers: a restarted witness never cosigns an inconsistent checkpoint.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use certguard_tlog::checkpoint::Checkpoint;
use certguard_tlog::cosignature::Cosigner;
use certguard_tlog::hash::Hash;
use certguard_tlog::note::{Note, VerifierKey};
use certguard_tlog::proof::verify_consistency;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The largest request accepted (a checkpoint note plus a proof of at most 64 hashes).
pub const MAX_REQUEST_BYTES: usize = 80 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("unknown log {0}")]
    UnknownLog(String),
    #[error("the checkpoint's signature does not verify: {0}")]
    BadSignature(String),
    /// The client's `old` is not the size the witness holds: it should retry from `latest`.
    #[error("the witness's latest size for this log is {latest}")]
    Conflict { latest: u64 },
    #[error("the checkpoint is not consistent with the witness's latest: {0}")]
    Inconsistent(String),
    #[error("the witness could not store its state: {0}")]
    Storage(String),
}

pub struct Witness {
    cosigner: Cosigner,
    logs: HashMap<String, VerifierKey>,
    state_dir: PathBuf,
    /// Serialises requests for the read-check-write of each log's state.
    lock: Mutex<()>,
}

impl Witness {
    /// A witness with key `cosigner` for the logs whose checkpoint keys are `logs` (origin = key name),
    /// keeping its state under `state_dir`.
    pub fn new(cosigner: Cosigner, logs: Vec<VerifierKey>, state_dir: &Path) -> Self {
        Witness {
            cosigner,
            logs: logs.into_iter().map(|k| (k.name.clone(), k)).collect(),
            state_dir: state_dir.to_path_buf(),
            lock: Mutex::new(()),
        }
    }

    pub fn verifier(&self) -> VerifierKey {
        self.cosigner.verifier()
    }

    fn state_path(&self, origin: &str) -> PathBuf {
        let safe: String =
            origin.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' }).collect();
        self.state_dir.join(format!("{safe}.checkpoint"))
    }

    /// The latest (size, root) this witness cosigned for `origin`.
    fn latest(&self, origin: &str) -> Result<Option<(u64, Hash)>, WitnessError> {
        match std::fs::read_to_string(self.state_path(origin)) {
            Ok(text) => {
                let note = Note::parse(&text).map_err(|e| WitnessError::Storage(e.to_string()))?;
                let cp = Checkpoint::parse_text(&note.text).map_err(|e| WitnessError::Storage(e.to_string()))?;
                Ok(Some((cp.size, cp.root)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(WitnessError::Storage(e.to_string())),
        }
    }

    fn store(&self, origin: &str, note: &str) -> Result<(), WitnessError> {
        let path = self.state_path(origin);
        let tmp = path.with_extension("tmp");
        let io = |e: std::io::Error| WitnessError::Storage(e.to_string());
        std::fs::create_dir_all(&self.state_dir).map_err(io)?;
        let mut f = std::fs::File::create(&tmp).map_err(io)?;
        f.write_all(note.as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &path).map_err(io)?;
        if let Ok(dir) = std::fs::File::open(&self.state_dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    /// Handles an `add-checkpoint` request at time `now` (POSIX seconds): the cosignature line(s) to add to
    /// the checkpoint, newline-terminated.
    pub fn add_checkpoint(&self, body: &str, now: u64) -> Result<String, WitnessError> {
        if body.len() > MAX_REQUEST_BYTES {
            return Err(WitnessError::Malformed("the request is too large".into()));
        }
        let (head, note_text) = body
            .split_once("\n\n")
            .ok_or_else(|| WitnessError::Malformed("no empty line before the checkpoint".into()))?;
        let mut lines = head.lines();
        let old: u64 = lines
            .next()
            .and_then(|l| l.strip_prefix("old "))
            .filter(|n| n == &"0" || !n.starts_with('0'))
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| WitnessError::Malformed("the first line must be `old <size>`".into()))?;
        let proof = lines
            .map(|l| B64.decode(l).ok().and_then(|h| <Hash>::try_from(h).ok()))
            .collect::<Option<Vec<Hash>>>()
            .ok_or_else(|| WitnessError::Malformed("a proof line is not a base64 SHA-256 hash".into()))?;
        if proof.len() > 64 {
            return Err(WitnessError::Malformed("too many proof hashes".into()));
        }
        let origin = note_text.lines().next().unwrap_or_default();
        let key = self.logs.get(origin).ok_or_else(|| WitnessError::UnknownLog(origin.to_string()))?;
        let (cp, note) =
            Checkpoint::open(note_text, origin, key).map_err(|e| WitnessError::BadSignature(e.to_string()))?;

        let _guard = self.lock.lock().expect("witness lock");
        let latest = self.latest(origin)?;
        let (held_size, held_root) = latest.unwrap_or((0, certguard_tlog::hash::empty_root()));
        if old != held_size {
            return Err(WitnessError::Conflict { latest: held_size });
        }
        if cp.size < held_size {
            return Err(WitnessError::Inconsistent(format!("size {} is smaller than {held_size}", cp.size)));
        }
        if held_size == 0 {
            if !proof.is_empty() {
                return Err(WitnessError::Inconsistent("a proof from the empty tree must be empty".into()));
            }
        } else {
            verify_consistency(held_size, cp.size, &proof, &held_root, &cp.root)
                .map_err(|e| WitnessError::Inconsistent(e.to_string()))?;
        }
        // Remember before answering.
        if latest.is_none() || cp.size > held_size {
            self.store(origin, note_text)?;
        }
        let sig = self.cosigner.cosign(&note.text, now);
        Ok(format!("{}\n", sig.to_line()))
    }
}

/// Parses a witness's cosignature answer and adds the lines of `witness` to a checkpoint note.
pub fn add_cosignature(note: &str, answer: &str, witness: &VerifierKey) -> Result<String, String> {
    let mut parsed = Note::parse(note).map_err(|e| e.to_string())?;
    for line in answer.lines().filter(|l| !l.is_empty()) {
        let sig = Note::parse(&format!("x\n\n{line}\n")).map_err(|e| e.to_string())?.signatures.remove(0);
        if sig.name == witness.name && sig.id == witness.id {
            let mut check = parsed.clone();
            check.signatures.push(sig.clone());
            match certguard_tlog::cosignature::verify_cosignature(&check, witness) {
                Ok(Some(_)) => parsed.signatures.push(sig),
                _ => return Err(format!("the cosignature of {} does not verify", witness.name)),
            }
        }
    }
    Ok(parsed.to_text())
}

#[cfg(test)]
mod tests {
    use super::*;
    use certguard_tlog::hash::{leaf_hash, root_of};
    use certguard_tlog::note::NoteSigner;
    use certguard_tlog::proof::consistency_proof;

    fn request(old: u64, proof: &[Hash], note: &str) -> String {
        let mut body = format!("old {old}\n");
        for h in proof {
            body.push_str(&B64.encode(h));
            body.push('\n');
        }
        format!("{body}\n{note}")
    }

    #[test]
    fn cosigns_only_consistent_extensions_and_remembers_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let log = NoteSigner::from_seed("log.example/v1", &[1; 32]).unwrap();
        let w_key = || Cosigner::from_seed("witness.example/w", &[2; 32]).unwrap();
        let witness = Witness::new(w_key(), vec![log.verifier()], dir.path());
        let leaves: Vec<Hash> = (0..20u8).map(|i| leaf_hash(&[i])).collect();
        let cp = |n: usize| Checkpoint::new("log.example/v1", n as u64, root_of(&leaves[..n])).sign(&log);

        let answer = witness.add_checkpoint(&request(0, &[], &cp(5)), 1000).unwrap();
        let cosigned = add_cosignature(&cp(5), &answer, &witness.verifier()).unwrap();
        let opened = Note::parse(&cosigned).unwrap();
        assert_eq!(certguard_tlog::cosignature::verify_cosignature(&opened, &witness.verifier()), Ok(Some(1000)));

        // A stale `old` is a conflict naming the size the witness holds.
        assert_eq!(witness.add_checkpoint(&request(0, &[], &cp(9)), 1001), Err(WitnessError::Conflict { latest: 5 }));
        // A consistent extension is cosigned.
        let proof = consistency_proof(&leaves[..9], 5).unwrap();
        witness.add_checkpoint(&request(5, &proof, &cp(9)), 1002).unwrap();

        // After a restart the witness still holds 9, and refuses a forked tree of 12 signed by the real log key.
        let restarted = Witness::new(w_key(), vec![log.verifier()], dir.path());
        let mut forked = leaves.clone();
        forked[3] = leaf_hash(b"rewritten");
        let fork_note = Checkpoint::new("log.example/v1", 12, root_of(&forked[..12])).sign(&log);
        let fork_proof = consistency_proof(&forked[..12], 9).unwrap();
        assert!(matches!(
            restarted.add_checkpoint(&request(9, &fork_proof, &fork_note), 1003),
            Err(WitnessError::Inconsistent(_))
        ));
        // Nor a smaller tree, an unknown log, or a checkpoint not signed by the log.
        assert!(restarted.add_checkpoint(&request(9, &[], &cp(7)), 1004).is_err());
        let stranger = NoteSigner::from_seed("other.example/v1", &[3; 32]).unwrap();
        let strange = Checkpoint::new("other.example/v1", 1, leaves[0]).sign(&stranger);
        assert!(matches!(restarted.add_checkpoint(&request(0, &[], &strange), 1005), Err(WitnessError::UnknownLog(_))));
        let impostor = NoteSigner::from_seed("log.example/v1", &[4; 32]).unwrap();
        let forged = Checkpoint::new("log.example/v1", 12, root_of(&leaves[..12])).sign(&impostor);
        assert!(matches!(
            restarted.add_checkpoint(&request(9, &[], &forged), 1006),
            Err(WitnessError::BadSignature(_))
        ));
        // Garbage is malformed, not a crash.
        for bad in ["", "old x\n\n", "old 01\n\nlog.example/v1\n", "old 9\nnot base64\n\nx\n"] {
            assert!(restarted.add_checkpoint(bad, 1007).is_err(), "{bad:?}");
        }
    }
}
