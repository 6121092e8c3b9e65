//! The AQ1 envelope: "AQ1:" + Base45(zlib(COSE_Sign1(CWT claims))).
//!
//! [`unwrap`] takes text apart stage by stage under a [`Profile`] (ours, or the EU "HC1:" one
//! used for conformance) with the robustness caps; [`issue`] builds a credential.

use crate::alg::Signer;
use crate::base45::{self, Base45Error};
use crate::body::{Body, Claims, claims_to_value};
use crate::cose::{CoseError, CoseSign1};

/// Text cap (characters of the QR payload).
pub const MAX_TEXT: usize = 4096;
/// Inflated-output cap (zlib bombs).
pub const MAX_INFLATED: usize = 16 * 1024;

/// Rules of one QR format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Upper-case prefix, e.g. "AQ1:".
    pub prefix: &'static str,
    /// alg and kid must be in the protected header.
    pub require_protected: bool,
    pub max_text: usize,
    pub max_inflated: usize,
    /// Tolerate a payload that is not zlib-compressed (the EU spec allows it).
    pub allow_uncompressed: bool,
}

pub const AQ1: Profile = Profile {
    prefix: "AQ1:",
    require_protected: true,
    max_text: MAX_TEXT,
    max_inflated: MAX_INFLATED,
    allow_uncompressed: false,
};

/// The stage at which text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    #[error("input is {0} bytes, more than the {MAX_TEXT}-byte cap")]
    TooLong(usize),
    #[error("input is empty")]
    Empty,
    #[error("prefix is {found:?}, expected {expected:?}")]
    WrongPrefix { expected: String, found: String },
    #[error("prefix {found:?} is not upper case")]
    LowerCasePrefix { found: String },
    #[error("not Base45: {0}")]
    Base45(#[from] Base45Error),
    #[error("not zlib data: {0}")]
    Zlib(String),
    #[error("inflated data exceeds the {0}-byte cap (zlib bomb?)")]
    InflateCap(usize),
    #[error("not a COSE_Sign1: {0}")]
    Cose(#[from] CoseError),
}

/// Strips whitespace a scanner or a paste may add at the ends.
fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\u{feff}')
}

/// Stage 1-2: cap and prefix. Returns the Base45 part.
pub fn strip_prefix<'a>(text: &'a str, p: &Profile) -> Result<&'a str, EnvelopeError> {
    if text.len() > p.max_text {
        return Err(EnvelopeError::TooLong(text.len()));
    }
    let t = trim(text);
    if t.is_empty() {
        return Err(EnvelopeError::Empty);
    }
    if let Some(rest) = t.strip_prefix(p.prefix) {
        return Ok(rest);
    }
    let head: String = t.chars().take(p.prefix.chars().count()).collect();
    if head.eq_ignore_ascii_case(p.prefix) {
        return Err(EnvelopeError::LowerCasePrefix { found: head });
    }
    Err(EnvelopeError::WrongPrefix { expected: p.prefix.to_owned(), found: head })
}

/// Inflates zlib data, refusing output above `cap`. Uses miniz_oxide's one-shot inflater,
/// which works in the output buffer (no separate 32 KiB window to allocate and clear per call:
/// measurably cheaper than a streaming decoder for 600-byte QR payloads).
pub fn inflate(data: &[u8], cap: usize) -> Result<Vec<u8>, EnvelopeError> {
    use miniz_oxide::inflate::{TINFLStatus, decompress_to_vec_zlib_with_limit};
    decompress_to_vec_zlib_with_limit(data, cap).map_err(|e| match e.status {
        TINFLStatus::HasMoreOutput => EnvelopeError::InflateCap(cap),
        other => EnvelopeError::Zlib(format!("{other:?}")),
    })
}

/// Compresses with miniz_oxide directly (level 9): the same bytes whatever backend other crates of the
/// workspace select for flate2, so signed test vectors stay reproducible.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 9)
}

/// What the stages produced, kept for diagnostics.
#[derive(Debug, Clone)]
pub struct Unwrapped {
    pub compressed: Vec<u8>,
    pub cose_bytes: Vec<u8>,
    pub cose: CoseSign1,
}

/// Stages 1-5: prefix, Base45, zlib, COSE structure (and the protected-header rule).
pub fn unwrap(text: &str, p: &Profile) -> Result<Unwrapped, EnvelopeError> {
    let b45 = strip_prefix(text, p)?;
    let compressed = base45::decode(b45)?;
    let cose_bytes = if p.allow_uncompressed && compressed.first() != Some(&0x78) {
        compressed.clone()
    } else {
        inflate(&compressed, p.max_inflated)?
    };
    let cose = CoseSign1::from_slice(&cose_bytes)?;
    if p.require_protected {
        let (_, alg_prot) = cose.alg()?;
        if !alg_prot {
            return Err(CoseError::AlgNotProtected.into());
        }
        if !cose.kid().1 {
            return Err(CoseError::KidNotProtected.into());
        }
    }
    Ok(Unwrapped { compressed, cose_bytes, cose })
}

/// Wraps COSE bytes as QR text under a profile's prefix.
pub fn wrap(cose_bytes: &[u8], p: &Profile) -> String {
    format!("{}{}", p.prefix, base45::encode(&deflate(cose_bytes)))
}

/// Issues an AQ1 credential: "AQ1:" + Base45(zlib(COSE_Sign1 tag 18 over the CWT claims)), with
/// the body written as version 2.
pub fn issue(body: &Body, claims: &Claims, signer: &dyn Signer) -> String {
    let payload = claims_to_value(claims, body).to_vec();
    let cose = CoseSign1::sign(&payload, signer, vec![]);
    wrap(&cose, &AQ1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::Algorithm;
    use crate::body::{StatusRef, claims_from_value, sample_body};
    use crate::keys::SigningKey;
    use crate::testutil::TestRng;

    fn claims() -> Claims {
        Claims {
            iss: "CN-320582".into(),
            iat: 1_700_000_000,
            exp: 1_772_323_200,
            cti: vec![9; 16],
            status: Some(StatusRef { idx: 123_456, uri: "https://certguard.example/status/CN-320582".into() }),
        }
    }

    #[test]
    fn issue_unwrap_roundtrip_and_size() {
        let mut rng = TestRng::new(4);
        for alg in [Algorithm::ES256, Algorithm::EdDSA] {
            let k = SigningKey::generate(alg, &mut rng).unwrap();
            let text = issue(&sample_body(), &claims(), &k);
            assert!(text.starts_with("AQ1:"));
            assert!(text.len() < 600, "{} chars", text.len());
            let u = unwrap(&text, &AQ1).unwrap();
            u.cose.verify(&k.public_key(), &[]).unwrap();
            let v = crate::cbor::decode(&u.cose.payload).unwrap();
            let (c, b) = claims_from_value(&v).unwrap();
            assert_eq!(c, claims());
            assert_eq!(b, sample_body());
        }
    }

    #[test]
    fn stage_errors() {
        assert!(matches!(unwrap("HC1:ABC", &AQ1), Err(EnvelopeError::WrongPrefix { .. })));
        assert!(matches!(unwrap("aq1:ABC", &AQ1), Err(EnvelopeError::LowerCasePrefix { .. })));
        assert!(matches!(unwrap("AQ1:ab", &AQ1), Err(EnvelopeError::Base45(_))));
        assert!(matches!(unwrap("AQ1:BB8", &AQ1), Err(EnvelopeError::Zlib(_))));
        let long = format!("AQ1:{}", "0".repeat(5000));
        assert!(matches!(unwrap(&long, &AQ1), Err(EnvelopeError::TooLong(_))));
        let bomb = base45::encode(&deflate(&vec![0u8; 100_000]));
        assert!(matches!(unwrap(&format!("AQ1:{bomb}"), &AQ1), Err(EnvelopeError::InflateCap(_))));
    }

    proptest::proptest! {
        #[test]
        fn unwrap_never_panics(s in "AQ1:[0-9A-Z $%*+./:-]{0,300}") {
            let _ = unwrap(&s, &AQ1);
        }
        #[test]
        fn unwrap_random_zlib_never_panics(b in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let text = format!("AQ1:{}", base45::encode(&deflate(&b)));
            let _ = unwrap(&text, &AQ1);
        }
    }
}
