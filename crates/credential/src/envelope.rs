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
    #[error("nothing follows the {0} prefix: the text is empty")]
    EmptyPayload(String),
    #[error(
        "{what} at character {pos}: the text is damaged (split by a scanner, an editor or a paste), not a certificate text"
    )]
    StrayCharacter { what: String, pos: usize },
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
    #[error("{0} byte(s) after the end of the zlib stream")]
    ZlibTrailing(usize),
    #[error("not a COSE_Sign1: {0}")]
    Cose(#[from] CoseError),
}

/// Strips what a scanner, an editor or a paste may add at the ends: whitespace (Unicode) and
/// byte-order marks (U+FEFF). Neither can end a genuine text: Base45's last character is never
/// a space.
pub fn trim(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// A character that cannot be inside a QR text (a line break, a control or invisible
/// character, any whitespace but the space of the alphanumeric set): what it is, if so.
fn stray(c: char) -> Option<String> {
    match c {
        '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => Some("a line break".into()),
        '\t' => Some("a tab".into()),
        '\u{feff}' => Some("a byte-order mark (U+FEFF)".into()),
        ' ' => None,
        c if c.is_control() || c.is_whitespace() || matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}') => {
            Some(format!("an invisible character U+{:04X}", c as u32))
        }
        _ => None,
    }
}

/// Stage 1, format: the size cap, then the trimmed text must be non-empty, free of line breaks
/// and invisible characters, and hold something after the prefix. Returns the trimmed text.
pub fn check_text<'a>(text: &'a str, p: &Profile) -> Result<&'a str, EnvelopeError> {
    if text.len() > p.max_text {
        return Err(EnvelopeError::TooLong(text.len()));
    }
    let t = trim(text);
    if t.is_empty() {
        return Err(EnvelopeError::Empty);
    }
    if let Some((pos, what)) = t.chars().enumerate().find_map(|(i, c)| stray(c).map(|w| (i, w))) {
        return Err(EnvelopeError::StrayCharacter { what, pos });
    }
    if t.eq_ignore_ascii_case(p.prefix) {
        return Err(EnvelopeError::EmptyPayload(p.prefix.to_owned()));
    }
    Ok(t)
}

/// Stage 1-2: format (see [`check_text`]) and prefix. Returns the Base45 part.
pub fn strip_prefix<'a>(text: &'a str, p: &Profile) -> Result<&'a str, EnvelopeError> {
    let t = check_text(text, p)?;
    if let Some(rest) = t.strip_prefix(p.prefix) {
        return Ok(rest);
    }
    let head: String = t.chars().take(p.prefix.chars().count()).collect();
    if head.eq_ignore_ascii_case(p.prefix) {
        return Err(EnvelopeError::LowerCasePrefix { found: head });
    }
    Err(EnvelopeError::WrongPrefix { expected: p.prefix.to_owned(), found: head })
}

/// Inflates exactly one zlib stream (header, deflate data, Adler-32), refusing output above
/// `cap` and any byte after the stream. Uses miniz_oxide's core inflater on a growing,
/// non-wrapping output buffer (no separate 32 KiB window to allocate and clear per call:
/// measurably cheaper than a streaming decoder for 600-byte QR payloads).
pub fn inflate(data: &[u8], cap: usize) -> Result<Vec<u8>, EnvelopeError> {
    use miniz_oxide::inflate::TINFLStatus;
    use miniz_oxide::inflate::core::inflate_flags::{
        TINFL_FLAG_PARSE_ZLIB_HEADER, TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    };
    use miniz_oxide::inflate::core::{DecompressorOxide, decompress};
    let flags = TINFL_FLAG_PARSE_ZLIB_HEADER | TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let mut out = vec![0u8; data.len().saturating_mul(2).max(64).min(cap)];
    let mut r = Box::<DecompressorOxide>::default();
    let (mut in_pos, mut out_pos) = (0usize, 0usize);
    loop {
        let (status, consumed, written) = decompress(&mut r, &data[in_pos..], &mut out, out_pos, flags);
        in_pos = (in_pos + consumed).min(data.len());
        out_pos += written;
        match status {
            TINFLStatus::Done => {
                if in_pos != data.len() {
                    return Err(EnvelopeError::ZlibTrailing(data.len() - in_pos));
                }
                out.truncate(out_pos);
                return Ok(out);
            }
            TINFLStatus::HasMoreOutput => {
                if out.len() >= cap {
                    return Err(EnvelopeError::InflateCap(cap));
                }
                let n = out.len().saturating_mul(2).max(64).min(cap);
                out.resize(n, 0);
            }
            other => return Err(EnvelopeError::Zlib(format!("{other:?}"))),
        }
    }
}

/// Compresses with miniz_oxide directly (level 9): the same bytes whatever backend other crates of the
/// workspace select for flate2, so signed test vectors stay reproducible.
///
/// Each thread keeps one compressor and resets it: a fresh one allocates and clears some 300 KB of tables,
/// which for a ~450-byte credential cost more than compressing it (bulk signing deflates a million).
pub fn deflate(data: &[u8]) -> Vec<u8> {
    use miniz_oxide::deflate::core::{
        CompressorOxide, TDEFLFlush, TDEFLStatus, compress, create_comp_flags_from_zip_params,
    };
    use std::cell::RefCell;
    thread_local! {
        static COMPRESSOR: RefCell<Option<Box<CompressorOxide>>> = const { RefCell::new(None) };
    }
    COMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        let c = slot.get_or_insert_with(|| {
            // Level 9, a zlib header (window bits > 0), the default strategy.
            Box::new(CompressorOxide::new(create_comp_flags_from_zip_params(9, 15, 0)))
        });
        c.reset();
        let mut out = vec![0u8; (data.len() / 2).max(64)];
        let (mut input, mut out_pos) = (data, 0);
        loop {
            let (status, read, written) = compress(c, input, &mut out[out_pos..], TDEFLFlush::Finish);
            out_pos += written;
            input = &input[read..];
            match status {
                TDEFLStatus::Done => {
                    out.truncate(out_pos);
                    return out;
                }
                TDEFLStatus::Okay => {
                    if out.len() - out_pos < 64 {
                        out.resize(out.len() * 2, 0);
                    }
                }
                other => unreachable!("deflate into a growing buffer cannot fail: {other:?}"),
            }
        }
    })
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

/// The body version of an AQ1 text this registry signed, read without checking the signature (to find
/// stored credentials to re-sign); `None` if the text does not decode.
pub fn body_version(text: &str) -> Option<u8> {
    let unwrapped = unwrap(text, &AQ1).ok()?;
    let payload = crate::cbor::decode(&unwrapped.cose.payload).ok()?;
    crate::body::claims_and_version_from_value(&payload).ok().map(|(_, _, v)| v)
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

    #[test]
    fn reused_compressor_gives_the_same_bytes_as_a_fresh_one() {
        // Different sizes and contents in a row: a reset that kept state from the previous input would differ.
        let mut rng = TestRng::new(7);
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new(), b"a".to_vec(), vec![0u8; 100_000]];
        for len in [10usize, 450, 451, 4096, 70_000] {
            inputs.push((0..len).map(|i| if i % 7 == 0 { rng.next_byte() } else { (i % 13) as u8 }).collect());
        }
        for input in inputs.iter().chain(inputs.iter().rev()) {
            assert_eq!(deflate(input), miniz_oxide::deflate::compress_to_vec_zlib(input, 9), "len {}", input.len());
            assert_eq!(inflate(&deflate(input), input.len().max(1)).unwrap(), *input);
        }
    }

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
    fn body_version_of_issued_text_and_of_garbage() {
        let k = SigningKey::generate(Algorithm::EdDSA, &mut TestRng::new(5)).unwrap();
        assert_eq!(body_version(&issue(&sample_body(), &claims(), &k)), Some(2));
        assert_eq!(body_version("AQ1:%%%"), None);
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

    #[test]
    fn bytes_after_the_zlib_stream_are_refused() {
        let data = b"some COSE bytes, some COSE bytes".to_vec();
        let z = deflate(&data);
        assert_eq!(inflate(&z, 1024).unwrap(), data);
        for extra in [&[0u8][..], b"x", &[0x78, 0xda]] {
            let mut t = z.clone();
            t.extend_from_slice(extra);
            assert_eq!(inflate(&t, 1024), Err(EnvelopeError::ZlibTrailing(extra.len())));
        }
        // A second complete stream after the first is trailing data too.
        let mut two = z.clone();
        two.extend_from_slice(&deflate(b"more"));
        assert!(matches!(inflate(&two, 1024), Err(EnvelopeError::ZlibTrailing(_))));
        // Output of exactly the cap is allowed; one more byte is not.
        let exact = vec![7u8; 5000];
        assert_eq!(inflate(&deflate(&exact), 5000).unwrap(), exact);
        assert_eq!(inflate(&deflate(&exact), 4999), Err(EnvelopeError::InflateCap(4999)));
        assert!(matches!(inflate(&[], 100), Err(EnvelopeError::Zlib(_))));
        // Through the envelope: a credential with a byte after its zlib stream.
        let k = SigningKey::generate(Algorithm::ES256, &mut TestRng::new(4)).unwrap();
        let text = issue(&sample_body(), &claims(), &k);
        let mut z = base45::decode(&text[4..]).unwrap();
        z.push(0);
        assert_eq!(unwrap(&format!("AQ1:{}", base45::encode(&z)), &AQ1).unwrap_err(), EnvelopeError::ZlibTrailing(1));
    }

    #[test]
    fn format_problems_are_named() {
        let k = SigningKey::generate(Algorithm::ES256, &mut TestRng::new(4)).unwrap();
        let text = issue(&sample_body(), &claims(), &k);
        // Surrounding whitespace and a leading BOM are trimmed: the text unwraps.
        for t in [format!("\u{feff}{text}"), format!("  {text}\r\n"), format!("\u{feff}\u{3000}{text}\n\u{feff}")] {
            assert!(unwrap(&t, &AQ1).is_ok(), "{t:?}");
        }
        // A line break inside: a damaged text, not a length problem of Base45.
        let broken = format!("{}\n{}", &text[..100], &text[100..]);
        assert_eq!(
            unwrap(&broken, &AQ1).unwrap_err(),
            EnvelopeError::StrayCharacter { what: "a line break".into(), pos: 100 }
        );
        let broken = format!("{}\r\n{}", &text[..50], &text[50..]);
        assert!(matches!(unwrap(&broken, &AQ1), Err(EnvelopeError::StrayCharacter { pos: 50, .. })));
        let zw = format!("{}\u{200b}{}", &text[..50], &text[50..]);
        assert!(matches!(unwrap(&zw, &AQ1), Err(EnvelopeError::StrayCharacter { pos: 50, .. })));
        assert_eq!(unwrap("AQ1:", &AQ1).unwrap_err(), EnvelopeError::EmptyPayload("AQ1:".into()));
        assert_eq!(unwrap(" AQ1: \n", &AQ1).unwrap_err(), EnvelopeError::EmptyPayload("AQ1:".into()));
        assert_eq!(unwrap("aq1:", &AQ1).unwrap_err(), EnvelopeError::EmptyPayload("AQ1:".into()));
        assert_eq!(unwrap(" \u{feff} ", &AQ1).unwrap_err(), EnvelopeError::Empty);
        assert!(EnvelopeError::EmptyPayload("AQ1:".into()).to_string().contains("empty"));
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
