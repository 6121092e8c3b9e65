//! A static-ct-api log's checkpoint and its RFC 6962 note signature: the key name is the origin, the key id
//! the first four bytes of SHA-256(origin || 0x0A || 0x05 || LogID), and the signature body a `uint64`
//! timestamp followed by the `TreeHeadSignature` as a TLS `DigitallySigned` (SHA-256, ECDSA).

use crate::CtError;
use base64::Engine;
use certguard_tlog::checkpoint::Checkpoint;
use certguard_tlog::note::Note;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use sha2::{Digest, Sha256};

/// The RFC 6962 note signature type.
pub const RFC6962_SIGNATURE_TYPE: u8 = 0x05;

/// A CT log as a follower pins it: its origin (checkpoint name) and its public key.
#[derive(Clone, Debug)]
pub struct LogKey {
    pub origin: String,
    key: VerifyingKey,
    /// SHA-256 of the key's SubjectPublicKeyInfo (RFC 6962's LogID).
    pub log_id: [u8; 32],
}

impl LogKey {
    /// From the DER SubjectPublicKeyInfo (or its base64, or PEM) of an ECDSA P-256 log key.
    pub fn new(origin: &str, key: &str) -> Result<Self, CtError> {
        let der = if key.contains("BEGIN PUBLIC KEY") {
            let body: String = key.lines().filter(|l| !l.starts_with("-----")).collect();
            base64::engine::general_purpose::STANDARD.decode(body.trim())
        } else {
            base64::engine::general_purpose::STANDARD.decode(key.trim())
        }
        .map_err(|e| CtError::Signature(format!("log key is not base64: {e}")))?;
        Self::from_der(origin, &der)
    }

    pub fn from_der(origin: &str, der: &[u8]) -> Result<Self, CtError> {
        let key = VerifyingKey::from_public_key_der(der)
            .map_err(|e| CtError::Signature(format!("log key is not an ECDSA P-256 public key: {e}")))?;
        let log_id: [u8; 32] = Sha256::digest(der).into();
        Ok(Self { origin: origin.to_string(), key, log_id })
    }

    /// The note key id of this log's checkpoint signatures.
    pub fn key_id(&self) -> u32 {
        let mut h = Sha256::new();
        h.update(self.origin.as_bytes());
        h.update([b'\n', RFC6962_SIGNATURE_TYPE]);
        h.update(self.log_id);
        let d = h.finalize();
        u32::from_be_bytes([d[0], d[1], d[2], d[3]])
    }
}

/// What a log signs for a tree head (RFC 6962 §3.5).
pub fn tree_head_message(timestamp: u64, size: u64, root: &[u8; 32]) -> Vec<u8> {
    let mut m = vec![0u8, 1u8]; // v1, tree_hash
    m.extend_from_slice(&timestamp.to_be_bytes());
    m.extend_from_slice(&size.to_be_bytes());
    m.extend_from_slice(root);
    m
}

/// A verified checkpoint and the time the log signed it (ms since the epoch).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedTreeHead {
    pub checkpoint: Checkpoint,
    pub timestamp: u64,
}

/// Verifies a checkpoint note against the pinned log key. Other signatures (witnesses) are ignored.
pub fn verify_checkpoint(note_text: &str, log: &LogKey) -> Result<SignedTreeHead, CtError> {
    let note = Note::parse(note_text).map_err(|e| CtError::Checkpoint(e.to_string()))?;
    let checkpoint = Checkpoint::parse_text(&note.text).map_err(|e| CtError::Checkpoint(e.to_string()))?;
    if checkpoint.origin != log.origin {
        return Err(CtError::Checkpoint(format!("origin {:?}, expected {:?}", checkpoint.origin, log.origin)));
    }
    if !checkpoint.extensions.is_empty() {
        return Err(CtError::Checkpoint("an RFC 6962 checkpoint has no extension lines".into()));
    }
    let id = log.key_id();
    let sig = note
        .signatures
        .iter()
        .find(|s| s.name == log.origin && s.id == id)
        .ok_or_else(|| CtError::Signature("no signature by the pinned log key".into()))?;
    let body = &sig.signature;
    // uint64 timestamp, then DigitallySigned: hash (4 = sha256), signature algorithm (3 = ecdsa), opaque<0..2^16-1>.
    if body.len() < 12 || body[8] != 4 || body[9] != 3 {
        return Err(CtError::Signature("not a SHA-256/ECDSA TreeHeadSignature".into()));
    }
    let timestamp = u64::from_be_bytes(body[..8].try_into().expect("8 bytes"));
    let len = usize::from(u16::from_be_bytes([body[10], body[11]]));
    if body.len() != 12 + len {
        return Err(CtError::Signature("signature length does not match".into()));
    }
    let signature =
        Signature::from_der(&body[12..]).map_err(|e| CtError::Signature(format!("not a DER ECDSA signature: {e}")))?;
    let message = tree_head_message(timestamp, checkpoint.size, &checkpoint.root);
    log.key.verify(&message, &signature).map_err(|_| CtError::Signature("does not verify".into()))?;
    Ok(SignedTreeHead { checkpoint, timestamp })
}

/// Signs a checkpoint as a static-ct-api log does (for test logs and benchmarks).
pub fn sign_checkpoint(
    signing: &p256::ecdsa::SigningKey,
    origin: &str,
    size: u64,
    root: [u8; 32],
    timestamp: u64,
) -> String {
    use p256::ecdsa::signature::Signer;
    use p256::pkcs8::EncodePublicKey;
    let der = signing.verifying_key().to_public_key_der().expect("encodes").into_vec();
    let log = LogKey::from_der(origin, &der).expect("own key");
    let sig: Signature = signing.sign(&tree_head_message(timestamp, size, &root));
    let sig = sig.to_der();
    let mut body = timestamp.to_be_bytes().to_vec();
    body.extend_from_slice(&[4, 3]);
    body.extend_from_slice(&(sig.as_bytes().len() as u16).to_be_bytes());
    body.extend_from_slice(sig.as_bytes());
    let mut payload = log.key_id().to_be_bytes().to_vec();
    payload.extend_from_slice(&body);
    let text = Checkpoint::new(origin, size, root).to_text();
    format!("{text}\n\u{2014} {origin} {}\n", base64::engine::general_purpose::STANDARD.encode(payload))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::pkcs8::EncodePublicKey;

    fn key(seed: u8) -> p256::ecdsa::SigningKey {
        p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap()
    }

    #[test]
    fn verifies_its_own_signature_and_nothing_else() {
        let k = key(7);
        let der = k.verifying_key().to_public_key_der().unwrap().into_vec();
        let log = LogKey::from_der("ct.example/2026h1", &der).unwrap();
        let note = sign_checkpoint(&k, "ct.example/2026h1", 42, [9; 32], 1_700_000_000_000);
        let sth = verify_checkpoint(&note, &log).unwrap();
        assert_eq!((sth.checkpoint.size, sth.timestamp), (42, 1_700_000_000_000));
        // Another size under the same signature, another key, another origin: refused.
        assert!(verify_checkpoint(&note.replacen("\n42\n", "\n43\n", 1), &log).is_err());
        let other = key(8).verifying_key().to_public_key_der().unwrap().into_vec();
        assert!(verify_checkpoint(&note, &LogKey::from_der("ct.example/2026h1", &other).unwrap()).is_err());
        assert!(verify_checkpoint(&note, &LogKey::from_der("ct.example/2026h2", &der).unwrap()).is_err());
        assert!(LogKey::new("x", "not base64!").is_err());
    }
}
