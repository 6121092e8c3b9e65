//! IETF Token Status List (draft-ietf-oauth-status-list): bit arrays, the status-list CWT.
//!
//! Bit order per the draft: entry `i` with `bits` bits per entry lives in byte
//! `i * bits / 8`, at bit offset `(i * bits) % 8` counted from the least significant bit.
//! `lst` is the zlib (RFC 1950) compression of the byte array.
//!
//! Status-list CWT: protected `{1: alg, 4: kid, 16: "application/statuslist+cwt"}`, claims
//! `{2: sub (= the uri credentials reference), 6: iat, ? 4: exp, 65534: ttl,
//! 65533: {"bits": 1|2|4|8, "lst": bstr}}`.

use crate::alg::Signer;
use crate::cbor::{self, Value};
use crate::cose::{CoseSign1, HDR_TYP};
use crate::envelope::{deflate, inflate};
use crate::trust_list::{TrustEntry, TrustStore};
use base64::Engine;
use rand_core::CryptoRng;

pub const STATUS_LIST_TYP: &str = "application/statuslist+cwt";
const CLAIM_SUB: i128 = 2;
const CLAIM_TTL: i128 = 65534;
const CLAIM_LIST: i128 = 65533;
/// Cap on the decompressed list (bytes): 8 MiB = 33 million 2-bit entries.
pub const MAX_LIST_BYTES: usize = 8 * 1024 * 1024;
/// Minimum list size for privacy (entries).
pub const MIN_ENTRIES: u64 = 131_072;

/// Status values with the draft's meaning.
pub const VALID: u8 = 0;
pub const INVALID: u8 = 1;
pub const SUSPENDED: u8 = 2;

/// Why a status list or status-list token was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusListError {
    #[error("bits must be 1, 2, 4 or 8 (got {0})")]
    Bits(i128),
    #[error("status list is not valid zlib: {0}")]
    Zlib(String),
    #[error("status list exceeds {MAX_LIST_BYTES} bytes")]
    TooLarge,
    #[error("status list is malformed: {0}")]
    Malformed(String),
    #[error("status list token is not a COSE_Sign1: {0}")]
    Cose(String),
    #[error("status list token type is not {STATUS_LIST_TYP}")]
    WrongType,
    #[error("status list token kid is not in the trust list")]
    UnknownKid,
    #[error("status list token signature does not verify")]
    Signature,
    #[error("status list token subject {sub:?} differs from the expected uri {expected:?}")]
    WrongSubject { sub: String, expected: String },
    #[error("status list signed by {signer}, but the uri belongs to {expected}")]
    WrongAuthority { signer: String, expected: String },
}

/// A status list: `bits` per entry, packed as the draft says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    bytes: Vec<u8>,
}

impl StatusList {
    /// A list of `len` entries, all VALID.
    pub fn new(bits: u8, len: u64) -> Result<Self, StatusListError> {
        check_bits(i128::from(bits))?;
        let nbytes = (len * u64::from(bits)).div_ceil(8);
        if nbytes > MAX_LIST_BYTES as u64 {
            return Err(StatusListError::TooLarge);
        }
        Ok(StatusList { bits, bytes: vec![0; nbytes as usize] })
    }
    pub fn from_bytes(bits: u8, bytes: Vec<u8>) -> Result<Self, StatusListError> {
        check_bits(i128::from(bits))?;
        if bytes.len() > MAX_LIST_BYTES {
            return Err(StatusListError::TooLarge);
        }
        Ok(StatusList { bits, bytes })
    }
    pub fn bits(&self) -> u8 {
        self.bits
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
    /// Number of entries the list holds.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * 8 / u64::from(self.bits)
    }
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
    fn locate(&self, idx: u64) -> Option<(usize, u32, u8)> {
        if idx >= self.len() {
            return None;
        }
        let bit = idx * u64::from(self.bits);
        let mask = ((1u16 << self.bits) - 1) as u8;
        Some(((bit / 8) as usize, (bit % 8) as u32, mask))
    }
    /// The status at `idx`, or None beyond the end.
    pub fn get(&self, idx: u64) -> Option<u8> {
        let (byte, shift, mask) = self.locate(idx)?;
        Some((self.bytes[byte] >> shift) & mask)
    }
    /// Sets the status at `idx`; false if out of range or the value does not fit.
    pub fn set(&mut self, idx: u64, status: u8) -> bool {
        let Some((byte, shift, mask)) = self.locate(idx) else {
            return false;
        };
        if status & !mask != 0 {
            return false;
        }
        self.bytes[byte] = (self.bytes[byte] & !(mask << shift)) | (status << shift);
        true
    }
    /// zlib-compressed byte array (`lst`).
    pub fn compressed(&self) -> Vec<u8> {
        deflate(&self.bytes)
    }
    /// The CBOR form `{"bits": n, "lst": bstr}`.
    pub fn to_cbor_value(&self) -> Value {
        Value::Map(vec![("bits".into(), i64::from(self.bits).into()), ("lst".into(), Value::Bytes(self.compressed()))])
    }
    pub fn from_cbor_value(v: &Value) -> Result<Self, StatusListError> {
        let bits =
            v.get_text("bits").and_then(Value::as_int).ok_or_else(|| StatusListError::Malformed("bits".into()))?;
        let bits = check_bits(bits)?;
        let lst =
            v.get_text("lst").and_then(Value::as_bytes).ok_or_else(|| StatusListError::Malformed("lst".into()))?;
        Self::from_compressed(bits, lst)
    }
    pub fn from_compressed(bits: u8, lst: &[u8]) -> Result<Self, StatusListError> {
        let bytes = inflate(lst, MAX_LIST_BYTES).map_err(|e| match e {
            crate::envelope::EnvelopeError::InflateCap(_) => StatusListError::TooLarge,
            other => StatusListError::Zlib(other.to_string()),
        })?;
        Self::from_bytes(bits, bytes)
    }
    /// The JSON form `{"bits": n, "lst": base64url(zlib)}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "bits": self.bits,
            "lst": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(self.compressed()),
        })
    }
    pub fn from_json(v: &serde_json::Value) -> Result<Self, StatusListError> {
        let bits = v
            .get("bits")
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| StatusListError::Malformed("bits".into()))?;
        let bits = check_bits(i128::from(bits))?;
        let lst: String = v
            .get("lst")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| StatusListError::Malformed("lst".into()))?
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let lst = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(lst.trim_end_matches('='))
            .map_err(|e| StatusListError::Malformed(e.to_string()))?;
        Self::from_compressed(bits, &lst)
    }
}

fn check_bits(b: i128) -> Result<u8, StatusListError> {
    match b {
        1 | 2 | 4 | 8 => Ok(b as u8),
        other => Err(StatusListError::Bits(other)),
    }
}

/// Draws a random unused index in `0..len` (uniform, by rejection). `taken` says whether an
/// index is already assigned. Returns None for a list shorter than [`MIN_ENTRIES`] (too small
/// to hide a holder among others) or after `max_tries` collisions (the list is too full).
pub fn allocate_index(rng: &mut impl CryptoRng, len: u64, taken: impl Fn(u64) -> bool, max_tries: u32) -> Option<u64> {
    if len < MIN_ENTRIES {
        return None;
    }
    // Largest multiple of len below 2^64: reject above it so that every index is equally likely.
    let zone = u64::MAX - (u64::MAX % len);
    let mut tries = 0;
    while tries < max_tries {
        let x = rng.next_u64();
        if x >= zone {
            continue;
        }
        let idx = x % len;
        if !taken(idx) {
            return Some(idx);
        }
        tries += 1;
    }
    None
}

/// A verified status-list token.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusListToken {
    pub uri: String,
    pub iat: i64,
    pub exp: Option<i64>,
    pub ttl: Option<i64>,
    pub list: StatusList,
    /// Authority of the key that signed it.
    pub authority_code: String,
}

impl StatusListToken {
    /// Is the token past its ttl (or exp) at `now`?
    pub fn is_stale(&self, now: i64) -> bool {
        self.exp.is_some_and(|e| now >= e) || self.ttl.is_some_and(|t| now > self.iat.saturating_add(t))
    }

    /// Signs a status list for publication at `uri`.
    pub fn sign(uri: &str, list: &StatusList, iat: i64, exp: Option<i64>, ttl: i64, signer: &dyn Signer) -> Vec<u8> {
        let mut m = vec![
            (Value::Int(CLAIM_SUB), uri.into()),
            (Value::Int(6), iat.into()),
            (Value::Int(CLAIM_TTL), ttl.into()),
            (Value::Int(CLAIM_LIST), list.to_cbor_value()),
        ];
        if let Some(e) = exp {
            m.push((Value::Int(4), e.into()));
        }
        CoseSign1::sign(&Value::Map(m).to_vec(), signer, vec![(Value::Int(HDR_TYP), STATUS_LIST_TYP.into())])
    }

    /// Parses without checking the signature (for examples and diagnostics only).
    pub fn parse_unverified(bytes: &[u8]) -> Result<(CoseSign1, Self), StatusListError> {
        let cose = CoseSign1::from_slice(bytes).map_err(|e| StatusListError::Cose(e.to_string()))?;
        let typ = cose.protected.iter().find(|(k, _)| k.as_int() == Some(HDR_TYP)).and_then(|(_, v)| v.as_text());
        if typ != Some(STATUS_LIST_TYP) {
            return Err(StatusListError::WrongType);
        }
        let tok = Self::from_payload(&cose.payload, String::new())?;
        Ok((cose, tok))
    }

    fn from_payload(payload: &[u8], authority_code: String) -> Result<Self, StatusListError> {
        let v = cbor::decode(payload).map_err(|e| StatusListError::Malformed(e.to_string()))?;
        let m = |w: &str| StatusListError::Malformed(w.to_owned());
        Ok(StatusListToken {
            uri: v.get_int(CLAIM_SUB).and_then(Value::as_text).ok_or_else(|| m("sub"))?.to_owned(),
            iat: v.get_int(6).and_then(Value::as_i64).ok_or_else(|| m("iat"))?,
            exp: v.get_int(4).and_then(Value::as_i64),
            ttl: v.get_int(CLAIM_TTL).and_then(Value::as_i64),
            list: StatusList::from_cbor_value(v.get_int(CLAIM_LIST).ok_or_else(|| m("status_list"))?)?,
            authority_code,
        })
    }

    /// Verifies a token against the trust store (kid lookup, every colliding entry tried) and
    /// checks that it is the list published at `expected_uri`.
    pub fn verify(bytes: &[u8], trust: &TrustStore, expected_uri: Option<&str>) -> Result<Self, StatusListError> {
        let (cose, _) = Self::parse_unverified(bytes)?;
        let (kid, _) = cose.kid();
        let kid = kid.ok_or(StatusListError::UnknownKid)?;
        let (alg, _) = cose.alg().map_err(|e| StatusListError::Cose(e.to_string()))?;
        let candidates: Vec<&TrustEntry> = trust.entries_for_kid(kid).collect();
        if candidates.is_empty() {
            return Err(StatusListError::UnknownKid);
        }
        let tbs = cose.tbs(&[]);
        let signer = candidates
            .into_iter()
            .find(|e| e.alg == alg && e.key.verify(alg, &tbs, &cose.signature).is_ok())
            .ok_or(StatusListError::Signature)?;
        let tok = Self::from_payload(&cose.payload, signer.authority_code.clone())?;
        if let Some(u) = expected_uri
            && tok.uri != u
        {
            return Err(StatusListError::WrongSubject { sub: tok.uri, expected: u.to_owned() });
        }
        Ok(tok)
    }
}

/// Verified status lists held by a verifier, by uri.
#[derive(Debug, Clone, Default)]
pub struct StatusStore {
    lists: std::collections::HashMap<String, StatusListToken>,
}

impl StatusStore {
    pub fn new() -> Self {
        Self::default()
    }
    /// Verifies and stores a token (replacing an older one for the same uri, never a newer one).
    pub fn insert(&mut self, bytes: &[u8], trust: &TrustStore) -> Result<&StatusListToken, StatusListError> {
        let tok = StatusListToken::verify(bytes, trust, None)?;
        let uri = tok.uri.clone();
        let keep_old = self.lists.get(&uri).is_some_and(|old| old.iat > tok.iat);
        if !keep_old {
            self.lists.insert(uri.clone(), tok);
        }
        Ok(&self.lists[&uri])
    }
    pub fn get(&self, uri: &str) -> Option<&StatusListToken> {
        self.lists.get(uri)
    }
    pub fn len(&self) -> usize {
        self.lists.len()
    }
    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alg::Algorithm;
    use crate::keys::SigningKey;
    use crate::testutil::TestRng;

    #[test]
    fn bit_order_matches_draft() {
        // Draft §4.1 (2 bits): [0xc9, 0x44, 0xf9] = 1,2,0,3, 0,1,0,1, 1,2,3,3.
        let l = StatusList::from_bytes(2, vec![0xc9, 0x44, 0xf9]).unwrap();
        let got: Vec<u8> = (0..12).map(|i| l.get(i).unwrap()).collect();
        assert_eq!(got, vec![1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]);
        assert_eq!(l.get(12), None);
        let mut built = StatusList::new(2, 12).unwrap();
        for (i, s) in got.iter().enumerate() {
            assert!(built.set(i as u64, *s));
        }
        assert_eq!(built.as_bytes(), &[0xc9, 0x44, 0xf9]);
        assert!(!built.set(0, 4));
        assert!(!built.set(12, 1));
    }

    #[test]
    fn allocation_is_in_range_and_avoids_taken() {
        let mut rng = TestRng::new(9);
        let taken: std::collections::HashSet<u64> = (0..MIN_ENTRIES).filter(|i| i % 2 == 0).collect();
        for _ in 0..100 {
            let i = allocate_index(&mut rng, MIN_ENTRIES, |i| taken.contains(&i), 100).unwrap();
            assert!(i < MIN_ENTRIES && i % 2 == 1);
        }
        assert_eq!(allocate_index(&mut rng, MIN_ENTRIES, |_| true, 10), None);
        assert_eq!(allocate_index(&mut rng, MIN_ENTRIES - 1, |_| false, 10), None);
        // Roughly uniform: 4,000 draws over 4 quarters of the list.
        let mut quarters = [0u32; 4];
        for _ in 0..4000 {
            let i = allocate_index(&mut rng, MIN_ENTRIES, |_| false, 1).unwrap();
            quarters[(i * 4 / MIN_ENTRIES) as usize] += 1;
        }
        assert!(quarters.iter().all(|&q| (850..1150).contains(&q)), "{quarters:?}");
    }

    #[test]
    fn token_sign_verify_and_staleness() {
        let mut rng = TestRng::new(10);
        let k = SigningKey::generate(Algorithm::ES256, &mut rng).unwrap();
        let trust = TrustStore::from_entries(
            k.public_key(),
            vec![TrustEntry::for_key(Algorithm::ES256, k.public_key(), "CN-1", "x", 0, 10_000)],
            10_000,
        );
        let mut l = StatusList::new(2, MIN_ENTRIES).unwrap();
        l.set(77, SUSPENDED);
        let bytes = StatusListToken::sign("https://x/s/1", &l, 1000, None, 600, &k);
        let t = StatusListToken::verify(&bytes, &trust, Some("https://x/s/1")).unwrap();
        assert_eq!(t.list.get(77), Some(SUSPENDED));
        assert_eq!(t.authority_code, "CN-1");
        assert!(!t.is_stale(1600));
        assert!(t.is_stale(1601));
        assert!(matches!(
            StatusListToken::verify(&bytes, &trust, Some("https://x/s/2")),
            Err(StatusListError::WrongSubject { .. })
        ));
        let empty = TrustStore::from_entries(k.public_key(), vec![], 10_000);
        assert_eq!(StatusListToken::verify(&bytes, &empty, None).unwrap_err(), StatusListError::UnknownKid);
    }

    proptest::proptest! {
        #[test]
        fn parsers_never_panic(b in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = StatusListToken::parse_unverified(&b);
            let _ = StatusList::from_compressed(2, &b);
            if let Ok(v) = cbor::decode(&b) { let _ = StatusList::from_cbor_value(&v); }
        }
        #[test]
        fn set_get_roundtrip(bits in proptest::sample::select(vec![1u8, 2, 4, 8]), idx in 0u64..1000, s in 0u8..=255) {
            let mut l = StatusList::new(bits, 1000).unwrap();
            let s = s & (((1u16 << bits) - 1) as u8);
            proptest::prop_assert!(l.set(idx, s));
            proptest::prop_assert_eq!(l.get(idx), Some(s));
            let back = StatusList::from_cbor_value(&l.to_cbor_value()).unwrap();
            proptest::prop_assert_eq!(back.get(idx), Some(s));
        }
    }
}
