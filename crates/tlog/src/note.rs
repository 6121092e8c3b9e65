//! C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, and their verifier-key encoding.
//!
//! A note is UTF-8 text ending in a newline, a blank line, then signature lines
//! `— <name> base64(key id || signature)`. The key id is `SHA-256(name || 0x0A || type || public key)[:4]`;
//! type 0x01 is a plain Ed25519 signature over the text, 0x04 a timestamped cosignature
//! ([`crate::cosignature`]). Signatures from unknown keys are ignored; a known key whose signature does not
//! verify rejects the whole note.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// Signature type byte of a plain Ed25519 note signature.
pub const ED25519: u8 = 0x01;
/// Signature type byte of a timestamped Ed25519 cosignature (c2sp.org/tlog-cosignature).
pub const COSIGNATURE_V1: u8 = 0x04;
/// The most signature lines a note may carry here (the spec asks verifiers to accept at least 16).
pub const MAX_SIGNATURES: usize = 64;
/// The largest note accepted, signatures included.
pub const MAX_NOTE_BYTES: usize = 64 * 1024;

const EM_DASH_SPACE: &str = "\u{2014} ";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("the note is larger than {MAX_NOTE_BYTES} bytes")]
    TooLarge,
    #[error("the note contains a control character other than newline")]
    ControlCharacter,
    #[error("the note has no blank line separating its text from the signatures")]
    NoSignatureBlock,
    #[error("malformed signature line {0:?}")]
    BadSignatureLine(String),
    #[error("the note has more than {MAX_SIGNATURES} signatures")]
    TooManySignatures,
    #[error("the signature of {0} does not verify")]
    BadSignature(String),
    #[error("no signature from a known key")]
    NoKnownSignature,
    #[error("malformed key name {0:?}: names are non-empty without spaces or '+'")]
    BadKeyName(String),
    #[error("malformed verifier key: {0}")]
    BadVerifierKey(String),
    #[error("the text must end with a newline")]
    TextWithoutNewline,
}

/// A key name as the spec allows it: non-empty, no Unicode space, no '+'.
pub fn check_key_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == '+') {
        return Err(NoteError::BadKeyName(name.to_string()));
    }
    Ok(())
}

/// `SHA-256(name || "\n" || type || public key)[:4]` as a big-endian number.
pub fn key_id(name: &str, signature_type: u8, public_key: &[u8]) -> u32 {
    let digest = Sha256::new()
        .chain_update(name.as_bytes())
        .chain_update([b'\n', signature_type])
        .chain_update(public_key)
        .finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// A public key with its name and signature type, as written in a verifier key `name+hexid+base64(type||key)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    pub name: String,
    pub id: u32,
    pub signature_type: u8,
    pub key: VerifyingKey,
}

impl VerifierKey {
    pub fn new(name: &str, signature_type: u8, key: VerifyingKey) -> Result<Self, NoteError> {
        check_key_name(name)?;
        let id = key_id(name, signature_type, key.as_bytes());
        Ok(Self { name: name.to_string(), id, signature_type, key })
    }

    /// Parses `name+hexid+base64(type||key)`, splitting on the first two '+' only (base64 may contain '+'),
    /// and checks that the stated id is the one the key derives.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let bad = |why: &str| NoteError::BadVerifierKey(why.to_string());
        let mut parts = text.trim().splitn(3, '+');
        let (Some(name), Some(hex_id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected name+id+key"));
        };
        check_key_name(name)?;
        if hex_id.len() != 8 {
            return Err(bad("the key id is not 8 hex digits"));
        }
        let id = u32::from_str_radix(hex_id, 16).map_err(|_| bad("the key id is not hex"))?;
        let raw = B64.decode(b64).map_err(|_| bad("the key is not base64"))?;
        let (&signature_type, key) = raw.split_first().ok_or_else(|| bad("the key is empty"))?;
        if signature_type != ED25519 && signature_type != COSIGNATURE_V1 {
            return Err(bad("only Ed25519 keys (type 0x01 or 0x04) are supported"));
        }
        let key: [u8; 32] = key.try_into().map_err(|_| bad("an Ed25519 key is 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| bad("not an Ed25519 point"))?;
        let parsed = Self::new(name, signature_type, key)?;
        if parsed.id != id {
            return Err(bad("the key id does not match the key"));
        }
        Ok(parsed)
    }

    /// Verifies a plain Ed25519 signature over `msg`.
    pub fn verify(&self, msg: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else { return false };
        self.key.verify_strict(msg, &sig).is_ok()
    }
}

impl std::fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut raw = vec![self.signature_type];
        raw.extend_from_slice(self.key.as_bytes());
        write!(f, "{}+{:08x}+{}", self.name, self.id, B64.encode(raw))
    }
}

/// An Ed25519 note signer (type 0x01) from a 32-byte seed.
#[derive(Clone)]
pub struct NoteSigner {
    name: String,
    key: SigningKey,
    id: u32,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteSigner").field("name", &self.name).field("id", &format_args!("{:08x}", self.id)).finish()
    }
}

impl NoteSigner {
    pub fn from_seed(name: &str, seed: &[u8; 32]) -> Result<Self, NoteError> {
        check_key_name(name)?;
        let key = SigningKey::from_bytes(seed);
        let id = key_id(name, ED25519, key.verifying_key().as_bytes());
        Ok(Self { name: name.to_string(), key, id })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn verifier(&self) -> VerifierKey {
        VerifierKey { name: self.name.clone(), id: self.id, signature_type: ED25519, key: self.key.verifying_key() }
    }

    /// The signature line for `text` (without its newline).
    pub fn signature_line(&self, text: &str) -> String {
        let mut payload = self.id.to_be_bytes().to_vec();
        payload.extend_from_slice(&self.key.sign(text.as_bytes()).to_bytes());
        format!("{EM_DASH_SPACE}{} {}", self.name, B64.encode(payload))
    }

    /// Signs `text` (which must end with a newline) into a whole note.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        if !text.ends_with('\n') {
            return Err(NoteError::TextWithoutNewline);
        }
        Ok(format!("{text}\n{}\n", self.signature_line(text)))
    }
}

/// One signature line of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub id: u32,
    /// The bytes after the key id.
    pub signature: Vec<u8>,
}

impl NoteSignature {
    pub fn to_line(&self) -> String {
        let mut payload = self.id.to_be_bytes().to_vec();
        payload.extend_from_slice(&self.signature);
        format!("{EM_DASH_SPACE}{} {}", self.name, B64.encode(payload))
    }
}

/// A note split into its text and signature lines, nothing verified yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, including its final newline.
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Splits a note: the text ends at the last blank line; every line after it must be a signature line.
    pub fn parse(note: &str) -> Result<Self, NoteError> {
        if note.len() > MAX_NOTE_BYTES {
            return Err(NoteError::TooLarge);
        }
        if note.chars().any(|c| c.is_control() && c != '\n') {
            return Err(NoteError::ControlCharacter);
        }
        let split = note.rfind("\n\n").ok_or(NoteError::NoSignatureBlock)?;
        let (text, block) = (&note[..split + 1], &note[split + 2..]);
        if !block.ends_with('\n') || block.is_empty() {
            return Err(NoteError::NoSignatureBlock);
        }
        let mut signatures = Vec::new();
        for line in block[..block.len() - 1].split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures);
            }
            signatures.push(parse_signature_line(line)?);
        }
        Ok(Self { text: text.to_string(), signatures })
    }

    /// Writes the note back (text, blank line, signature lines).
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n", self.text);
        for s in &self.signatures {
            out.push_str(&s.to_line());
            out.push('\n');
        }
        out
    }

    /// Verifies the plain (type 0x01) signatures of known keys: every known key's signature must verify and
    /// at least one must be present. Returns the names of the keys that signed. Other signatures (unknown keys,
    /// cosignatures) are left to their own verifiers.
    pub fn verify(&self, known: &[VerifierKey]) -> Result<Vec<String>, NoteError> {
        let mut signed = Vec::new();
        for sig in &self.signatures {
            let Some(key) = known.iter().find(|k| k.signature_type == ED25519 && k.name == sig.name && k.id == sig.id)
            else {
                continue;
            };
            if !key.verify(self.text.as_bytes(), &sig.signature) {
                return Err(NoteError::BadSignature(sig.name.clone()));
            }
            signed.push(sig.name.clone());
        }
        if signed.is_empty() {
            return Err(NoteError::NoKnownSignature);
        }
        Ok(signed)
    }
}

fn parse_signature_line(line: &str) -> Result<NoteSignature, NoteError> {
    let bad = || NoteError::BadSignatureLine(line.chars().take(120).collect());
    let rest = line.strip_prefix(EM_DASH_SPACE).ok_or_else(bad)?;
    let (name, b64) = rest.split_once(' ').ok_or_else(bad)?;
    check_key_name(name).map_err(|_| bad())?;
    let payload = B64.decode(b64).map_err(|_| bad())?;
    if payload.len() < 5 {
        return Err(bad());
    }
    let id = u32::from_be_bytes([payload[0], payload[1], payload[2], payload[3]]);
    Ok(NoteSignature { name: name.to_string(), id, signature: payload[4..].to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_and_rejects_a_changed_text() {
        let signer = NoteSigner::from_seed("example.org/log", &[7; 32]).unwrap();
        let note = signer.sign("hello\nworld\n").unwrap();
        let parsed = Note::parse(&note).unwrap();
        assert_eq!(parsed.text, "hello\nworld\n");
        assert_eq!(parsed.verify(&[signer.verifier()]).unwrap(), vec!["example.org/log".to_string()]);
        assert_eq!(parsed.to_text(), note);
        let forged = note.replace("world", "w0rld");
        assert_eq!(
            Note::parse(&forged).unwrap().verify(&[signer.verifier()]),
            Err(NoteError::BadSignature("example.org/log".into()))
        );
    }

    #[test]
    fn unknown_keys_are_ignored_but_one_known_key_is_needed() {
        let signer = NoteSigner::from_seed("a.example/log", &[1; 32]).unwrap();
        let other = NoteSigner::from_seed("b.example/log", &[2; 32]).unwrap();
        let note = signer.sign("text\n").unwrap();
        let with_other = format!("{note}{}\n", other.signature_line("text\n"));
        assert!(Note::parse(&with_other).unwrap().verify(&[signer.verifier()]).is_ok());
        assert_eq!(Note::parse(&note).unwrap().verify(&[other.verifier()]), Err(NoteError::NoKnownSignature));
        // Same name, other key: the id differs, so the signature is ignored rather than failing.
        let impostor = NoteSigner::from_seed("a.example/log", &[3; 32]).unwrap();
        assert_eq!(Note::parse(&note).unwrap().verify(&[impostor.verifier()]), Err(NoteError::NoKnownSignature));
    }

    #[test]
    fn verifier_keys_round_trip_and_reject_a_wrong_id() {
        let vkey = NoteSigner::from_seed("example.org/log", &[9; 32]).unwrap().verifier();
        let text = vkey.to_string();
        assert_eq!(VerifierKey::parse(&text).unwrap(), vkey);
        let (head, tail) = text.split_at(text.find('+').unwrap() + 1);
        let wrong = format!("{head}00000000{}", &tail[8..]);
        assert!(matches!(VerifierKey::parse(&wrong), Err(NoteError::BadVerifierKey(_))));
    }

    #[test]
    fn malformed_notes_are_refused() {
        for bad in
            ["no blank line\n", "text\n\n", "text\n\nnot a signature\n", "text\n\n\u{2014} name !!!\n", "a\u{7}\n\n"]
        {
            assert!(Note::parse(bad).is_err(), "{bad:?}");
        }
        assert!(NoteSigner::from_seed("has space", &[0; 32]).is_err());
        assert!(NoteSigner::from_seed("has+plus", &[0; 32]).is_err());
    }
}
