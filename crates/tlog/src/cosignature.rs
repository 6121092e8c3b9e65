//! Witness cosignatures (c2sp.org/tlog-cosignature, `cosignature/v1`, Ed25519, signature type 0x04).
//!
//! The signed message is `cosignature/v1\ntime <T>\n` followed by the checkpoint's note text; the signature
//! line carries `key id || u64 big-endian timestamp || Ed25519 signature`.

use crate::note::{COSIGNATURE_V1, Note, NoteError, NoteSignature, VerifierKey, check_key_name, key_id};
use ed25519_dalek::{Signer as _, SigningKey};

fn message(timestamp: u64, checkpoint_text: &str) -> Vec<u8> {
    format!("cosignature/v1\ntime {timestamp}\n{checkpoint_text}").into_bytes()
}

/// A witness's cosigning key.
#[derive(Clone)]
pub struct Cosigner {
    name: String,
    key: SigningKey,
    id: u32,
}

impl std::fmt::Debug for Cosigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cosigner").field("name", &self.name).finish()
    }
}

impl Cosigner {
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        check_key_name(name)?;
        let key = SigningKey::from_bytes(seed);
        let id = key_id(name, COSIGNATURE_V1, key.verifying_key().as_bytes());
        Ok(Self { name: name.to_string(), key, id })
    }

    pub fn verifier(&self) -> VerifierKey {
        VerifierKey {
            name: self.name.clone(),
            id: self.id,
            signature_type: COSIGNATURE_V1,
            key: self.key.verifying_key(),
        }
    }

    /// The cosignature of a checkpoint's note text at `timestamp` (POSIX seconds).
    pub fn cosign(&self, checkpoint_text: &str, timestamp: u64) -> NoteSignature {
        let sig = self.key.sign(&message(timestamp, checkpoint_text));
        let mut signature = timestamp.to_be_bytes().to_vec();
        signature.extend_from_slice(&sig.to_bytes());
        NoteSignature { name: self.name.clone(), id: self.id, signature }
    }
}

/// Verifies the cosignature of `witness` on a note, if it carries one: `Ok(Some(timestamp))` when it verifies,
/// `Ok(None)` when the witness did not sign, an error when its signature is malformed or wrong.
pub fn verify_cosignature(note: &Note, witness: &VerifierKey) -> Result<Option<u64>, NoteError> {
    if witness.signature_type != COSIGNATURE_V1 {
        return Err(NoteError::BadVerifierKey("a witness key has signature type 0x04".into()));
    }
    let Some(sig) = note.signatures.iter().find(|s| s.name == witness.name && s.id == witness.id) else {
        return Ok(None);
    };
    let bad = || NoteError::BadSignature(witness.name.clone());
    if sig.signature.len() != 8 + 64 {
        return Err(bad());
    }
    let timestamp = u64::from_be_bytes(sig.signature[..8].try_into().expect("8 bytes"));
    if timestamp > i64::MAX as u64 || !witness.verify(&message(timestamp, &note.text), &sig.signature[8..]) {
        return Err(bad());
    }
    Ok(Some(timestamp))
}

/// Counts the witnesses among `witnesses` whose cosignatures verify; fails on a witness whose signature is bad.
pub fn count_cosignatures(note: &Note, witnesses: &[VerifierKey]) -> Result<usize, NoteError> {
    let mut n = 0;
    for w in witnesses {
        if verify_cosignature(note, w)?.is_some() {
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::Checkpoint;
    use crate::note::NoteSigner;

    #[test]
    fn a_cosignature_verifies_and_binds_the_checkpoint_and_time() {
        let log = NoteSigner::from_seed("log.example/v1", &[1; 32]).unwrap();
        let witness = Cosigner::from_seed("witness.example/w1", &[2; 32]).unwrap();
        let cp = Checkpoint::new("log.example/v1", 5, [3; 32]);
        let mut note = Note::parse(&cp.sign(&log)).unwrap();
        note.signatures.push(witness.cosign(&note.text, 1_700_000_000));
        let reparsed = Note::parse(&note.to_text()).unwrap();
        assert_eq!(verify_cosignature(&reparsed, &witness.verifier()), Ok(Some(1_700_000_000)));
        // The log's own key still verifies; the cosignature line is ignored by it.
        assert!(reparsed.verify(&[log.verifier()]).is_ok());
        // Changing the time or the text breaks it.
        let mut moved = reparsed.clone();
        moved.signatures[1].signature[7] ^= 1;
        assert!(verify_cosignature(&moved, &witness.verifier()).is_err());
        let mut other = reparsed.clone();
        other.text = Checkpoint::new("log.example/v1", 6, [3; 32]).to_text();
        assert!(verify_cosignature(&other, &witness.verifier()).is_err());
        // A different witness did not sign.
        let absent = Cosigner::from_seed("witness.example/w2", &[5; 32]).unwrap();
        assert_eq!(verify_cosignature(&reparsed, &absent.verifier()), Ok(None));
        assert_eq!(count_cosignatures(&reparsed, &[witness.verifier(), absent.verifier()]), Ok(1));
    }

    #[test]
    fn the_key_type_separates_log_keys_from_witness_keys() {
        let seed = [8; 32];
        let as_log = NoteSigner::from_seed("same.example/name", &seed).unwrap().verifier();
        let as_witness = Cosigner::from_seed("same.example/name", &seed).unwrap().verifier();
        assert_ne!(as_log.id, as_witness.id);
        assert_eq!(VerifierKey::parse(&as_witness.to_string()).unwrap(), as_witness);
    }
}
