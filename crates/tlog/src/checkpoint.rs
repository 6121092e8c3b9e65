//! Checkpoints (c2sp.org/tlog-checkpoint): the note text `origin\nsize\nbase64(root)\n[extension lines]`.

use crate::hash::Hash;
use crate::note::{Note, NoteError, NoteSigner, VerifierKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("malformed checkpoint: {0}")]
    Malformed(&'static str),
    #[error("the checkpoint is for origin {found:?}, expected {expected:?}")]
    WrongOrigin { expected: String, found: String },
    #[error(transparent)]
    Note(#[from] NoteError),
}

/// The signed statement of a log: its origin, size and root hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
    /// Lines after the root, without their newlines (opaque to us).
    pub extensions: Vec<String>,
}

impl Checkpoint {
    pub fn new(origin: &str, size: u64, root: Hash) -> Self {
        Self { origin: origin.to_string(), size, root, extensions: Vec::new() }
    }

    /// The note text (what is signed).
    pub fn to_text(&self) -> String {
        let mut out = format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root));
        for line in &self.extensions {
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// Parses the note text of a checkpoint (not its signatures).
    pub fn parse_text(text: &str) -> Result<Self, CheckpointError> {
        let body = text.strip_suffix('\n').ok_or(CheckpointError::Malformed("the text must end with a newline"))?;
        let mut lines = body.split('\n');
        let origin = lines.next().filter(|o| !o.is_empty()).ok_or(CheckpointError::Malformed("no origin line"))?;
        let size = lines.next().ok_or(CheckpointError::Malformed("no size line"))?;
        let canonical_decimal =
            !size.is_empty() && size.bytes().all(|b| b.is_ascii_digit()) && (size == "0" || !size.starts_with('0'));
        if !canonical_decimal {
            return Err(CheckpointError::Malformed("the size is not a decimal without leading zeroes"));
        }
        let size: u64 = size.parse().map_err(|_| CheckpointError::Malformed("the size does not fit 64 bits"))?;
        let root = lines.next().ok_or(CheckpointError::Malformed("no root hash line"))?;
        let root: Hash = B64
            .decode(root)
            .ok()
            .and_then(|r| r.try_into().ok())
            .ok_or(CheckpointError::Malformed("the root hash is not 32 bytes of base64"))?;
        let extensions: Vec<String> = lines.map(str::to_string).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(CheckpointError::Malformed("empty extension line"));
        }
        Ok(Self { origin: origin.to_string(), size, root, extensions })
    }

    /// Signs the checkpoint into a note.
    pub fn sign(&self, signer: &NoteSigner) -> String {
        signer.sign(&self.to_text()).expect("checkpoint text ends with a newline")
    }

    /// Opens a signed checkpoint: the note must verify with `log_key` and name `origin`.
    pub fn open(note: &str, origin: &str, log_key: &VerifierKey) -> Result<(Self, Note), CheckpointError> {
        let parsed = Note::parse(note)?;
        parsed.verify(std::slice::from_ref(log_key))?;
        let checkpoint = Self::parse_text(&parsed.text)?;
        if checkpoint.origin != origin {
            return Err(CheckpointError::WrongOrigin { expected: origin.to_string(), found: checkpoint.origin });
        }
        Ok((checkpoint, parsed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_opens_with_the_log_key() {
        let signer = NoteSigner::from_seed("registry.example/certificates/v1", &[4; 32]).unwrap();
        let mut cp = Checkpoint::new("registry.example/certificates/v1", 70_000, [0xab; 32]);
        cp.extensions.push("ext line".into());
        let note = cp.sign(&signer);
        let (opened, _) = Checkpoint::open(&note, &cp.origin, &signer.verifier()).unwrap();
        assert_eq!(opened, cp);
        let other = Checkpoint::open(&note, "other.example/log", &signer.verifier());
        assert!(matches!(other, Err(CheckpointError::WrongOrigin { .. })));
    }

    #[test]
    fn refuses_malformed_texts() {
        let root = B64.encode([0u8; 32]);
        for bad in [
            format!("o\n012\n{root}\n"),
            format!("o\n-1\n{root}\n"),
            format!("o\n1\n{}\n", B64.encode([0u8; 31])),
            "o\n1\n".to_string(),
            format!("\n1\n{root}\n"),
            format!("o\n1\n{root}"),
            format!("o\n99999999999999999999\n{root}\n"),
        ] {
            assert!(Checkpoint::parse_text(&bad).is_err(), "{bad:?}");
        }
        assert!(Checkpoint::parse_text(&format!("o\n0\n{root}\n")).is_ok());
    }
}
