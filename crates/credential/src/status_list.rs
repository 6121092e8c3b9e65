//! IETF Token Status List (draft-ietf-oauth-status-list): bit arrays, the status-list CWT.
//!
//! Bit order per the draft: entry `i` with `bits` bits per entry lives in byte
//! `i * bits / 8`, at bit offset `(i * bits) % 8` counted from the least significant bit.
//! `lst` is the zlib (RFC 1950) compression of the byte array.
//!
//! Status-list CWT: protected `{1: alg, 4: kid, 16: "application/statuslist+cwt"}`, claims
//! `{? 1: iss, 2: sub (= the uri credentials reference), 6: iat, ? 4: exp, ? 65534: ttl,
//! 65533: {"bits": 1|2|4|8, "lst": bstr}}`.
//!
//! Acceptance ([`StatusListToken::verify`], [`StatusStore::insert`]), in this order:
//! - the token is at most [`MAX_TOKEN_BYTES`], a COSE_Sign1 with the status-list `typ` and `alg`
//!   in the **protected** header;
//! - the signature verifies with a trust-list key of that kid (algorithm and curve bound);
//!   only then is the payload read and the list inflated (capped at [`MAX_LIST_BYTES`]);
//! - an `iss`, if present, names the signing key's authority;
//! - `iat` is not in the future (beyond [`CLOCK_SKEW`]); at least one of `ttl` and `exp` is
//!   present; `ttl` is in `1..=`[`MAX_TTL`] and `exp` after `iat`. However long `exp` is, a list
//!   is never fresh for more than [`MAX_TTL`] after its `iat`.
//!
//! A list answers only for credentials of the authority whose key signed it: the store keys
//! lists by (authority, uri), so a list signed by authority B, however new, never replaces or
//! answers for authority A's list at the same uri.

use crate::alg::Signer;
use crate::cbor::{self, Value};
use crate::cose::{CoseSign1, HDR_TYP};
use crate::envelope::{deflate, inflate};
use crate::trust_list::{CLOCK_SKEW, TrustEntry, TrustStore};
use base64::Engine;
use rand_core::CryptoRng;

pub const STATUS_LIST_TYP: &str = "application/statuslist+cwt";
const CLAIM_SUB: i128 = 2;
const CLAIM_TTL: i128 = 65534;
const CLAIM_LIST: i128 = 65533;
/// Cap on the decompressed list (bytes): 8 MiB = 33 million 2-bit entries.
pub const MAX_LIST_BYTES: usize = 8 * 1024 * 1024;
/// Cap on a status-list token (bytes), checked before anything is parsed.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024 * 1024;
/// Longest time a list may be used after its `iat` (seconds): larger `ttl`s are refused, and a
/// far `exp` does not extend freshness beyond it.
pub const MAX_TTL: i64 = 7 * 86_400;
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
    #[error("status list token is larger than {MAX_TOKEN_BYTES} bytes")]
    TokenTooLarge,
    #[error("status list token has its algorithm only in the unprotected header")]
    AlgNotProtected,
    #[error("status list names issuer {iss:?}, but it is signed by a key of {signer:?}")]
    IssuerMismatch { iss: String, signer: String },
    #[error("status list issued in the future (iat {iat}, now {now})")]
    FromFuture { iat: i64, now: i64 },
    #[error("status list has neither ttl nor exp: it could never go stale")]
    NoLifetime,
    #[error("status list ttl {0} is outside 1..={MAX_TTL} seconds")]
    Ttl(i64),
    #[error("status list exp {exp} is not after its iat {iat}")]
    Exp { iat: i64, exp: i64 },
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
    /// The last second at which the list may be used: the earliest of `iat + ttl`, `exp - 1` and
    /// `iat + MAX_TTL`; `i64::MIN` for a list with neither ttl nor exp (never accepted).
    pub fn fresh_until(&self) -> i64 {
        if self.ttl.is_none() && self.exp.is_none() {
            return i64::MIN;
        }
        let mut t = self.iat.saturating_add(MAX_TTL);
        if let Some(ttl) = self.ttl {
            t = t.min(self.iat.saturating_add(ttl));
        }
        if let Some(exp) = self.exp {
            t = t.min(exp.saturating_sub(1));
        }
        t
    }

    /// Is the token past its ttl (or exp, or [`MAX_TTL`]) at `now`?
    pub fn is_stale(&self, now: i64) -> bool {
        now > self.fresh_until()
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

    /// COSE structure and `typ`, nothing else.
    fn parse_cose(bytes: &[u8]) -> Result<CoseSign1, StatusListError> {
        if bytes.len() > MAX_TOKEN_BYTES {
            return Err(StatusListError::TokenTooLarge);
        }
        let cose = CoseSign1::from_slice(bytes).map_err(|e| StatusListError::Cose(e.to_string()))?;
        let typ = cose.protected.iter().find(|(k, _)| k.as_int() == Some(HDR_TYP)).and_then(|(_, v)| v.as_text());
        if typ != Some(STATUS_LIST_TYP) {
            return Err(StatusListError::WrongType);
        }
        Ok(cose)
    }

    /// Parses without checking the signature (for examples and diagnostics only: it inflates
    /// the list of an unauthenticated token; never use it to accept a list).
    pub fn parse_unverified(bytes: &[u8]) -> Result<(CoseSign1, Self), StatusListError> {
        let cose = Self::parse_cose(bytes)?;
        let claims = cbor::decode(&cose.payload).map_err(|e| StatusListError::Malformed(e.to_string()))?;
        let tok = Self::from_claims(&claims, String::new())?;
        Ok((cose, tok))
    }

    fn from_claims(v: &Value, authority_code: String) -> Result<Self, StatusListError> {
        let m = |w: &str| StatusListError::Malformed(w.to_owned());
        let opt_int = |k: i128, w: &str| match v.get_int(k) {
            None => Ok(None),
            Some(x) => x.as_i64().map(Some).ok_or_else(|| m(w)),
        };
        Ok(StatusListToken {
            uri: v.get_int(CLAIM_SUB).and_then(Value::as_text).ok_or_else(|| m("sub"))?.to_owned(),
            iat: v.get_int(6).and_then(Value::as_i64).ok_or_else(|| m("iat"))?,
            exp: opt_int(4, "exp")?,
            ttl: opt_int(CLAIM_TTL, "ttl")?,
            list: StatusList::from_cbor_value(v.get_int(CLAIM_LIST).ok_or_else(|| m("status_list"))?)?,
            authority_code,
        })
    }

    /// Verifies a token against the trust store (kid lookup, every colliding entry tried), then
    /// reads it under the acceptance rules of the module documentation at `now`, and checks that
    /// it is the list published at `expected_uri`. The list is inflated only after the
    /// signature has verified.
    pub fn verify(
        bytes: &[u8],
        trust: &TrustStore,
        expected_uri: Option<&str>,
        now: i64,
    ) -> Result<Self, StatusListError> {
        let cose = Self::parse_cose(bytes)?;
        let (alg, alg_protected) = cose.alg().map_err(|e| StatusListError::Cose(e.to_string()))?;
        if !alg_protected {
            return Err(StatusListError::AlgNotProtected);
        }
        let (kid, _) = cose.kid();
        let kid = kid.ok_or(StatusListError::UnknownKid)?;
        let candidates: Vec<&TrustEntry> = trust.entries_for_kid(kid).collect();
        if candidates.is_empty() {
            return Err(StatusListError::UnknownKid);
        }
        let tbs = cose.tbs(&[]);
        let signer = candidates
            .into_iter()
            .find(|e| {
                e.alg == alg && e.key.kind() == alg.required_key() && e.key.verify(alg, &tbs, &cose.signature).is_ok()
            })
            .ok_or(StatusListError::Signature)?;
        // Signature checked: only now read the claims, and inflate the list last.
        let claims = cbor::decode(&cose.payload).map_err(|e| StatusListError::Malformed(e.to_string()))?;
        if claims.as_map().is_none() {
            return Err(StatusListError::Malformed("claims are not a map".into()));
        }
        if let Some(iss) = claims.get_int(1) {
            let iss = iss.as_text().ok_or_else(|| StatusListError::Malformed("iss".into()))?;
            if iss != signer.authority_code {
                return Err(StatusListError::IssuerMismatch {
                    iss: iss.to_owned(),
                    signer: signer.authority_code.clone(),
                });
            }
        }
        let tok = Self::from_claims(&claims, signer.authority_code.clone())?;
        tok.check_times(now)?;
        if let Some(u) = expected_uri
            && tok.uri != u
        {
            return Err(StatusListError::WrongSubject { sub: tok.uri, expected: u.to_owned() });
        }
        Ok(tok)
    }

    /// The time rules: iat not in the future, a ttl or an exp, a sane ttl, exp after iat.
    pub fn check_times(&self, now: i64) -> Result<(), StatusListError> {
        if self.iat > now.saturating_add(CLOCK_SKEW) {
            return Err(StatusListError::FromFuture { iat: self.iat, now });
        }
        if self.ttl.is_none() && self.exp.is_none() {
            return Err(StatusListError::NoLifetime);
        }
        if let Some(ttl) = self.ttl
            && !(1..=MAX_TTL).contains(&ttl)
        {
            return Err(StatusListError::Ttl(ttl));
        }
        if let Some(exp) = self.exp
            && exp <= self.iat
        {
            return Err(StatusListError::Exp { iat: self.iat, exp });
        }
        Ok(())
    }
}

/// Verified status lists held by a verifier, by (signing authority, uri).
#[derive(Debug, Clone, Default)]
pub struct StatusStore {
    lists: std::collections::HashMap<(String, String), StatusListToken>,
}

impl StatusStore {
    pub fn new() -> Self {
        Self::default()
    }
    /// Verifies a token at `now` and stores it under (its signer's authority, its uri),
    /// replacing an older one of the same authority and uri, never a newer one. A list of
    /// another authority at the same uri is kept apart and never answers for this one.
    pub fn insert(&mut self, bytes: &[u8], trust: &TrustStore, now: i64) -> Result<&StatusListToken, StatusListError> {
        let tok = StatusListToken::verify(bytes, trust, None, now)?;
        let key = (tok.authority_code.clone(), tok.uri.clone());
        let keep_old = self.lists.get(&key).is_some_and(|old| old.iat > tok.iat);
        if !keep_old {
            self.lists.insert(key.clone(), tok);
        }
        Ok(&self.lists[&key])
    }
    /// The list of `authority_code` published at `uri`, if held.
    pub fn get(&self, authority_code: &str, uri: &str) -> Option<&StatusListToken> {
        self.lists.get(&(authority_code.to_owned(), uri.to_owned()))
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
        let t = StatusListToken::verify(&bytes, &trust, Some("https://x/s/1"), 1000).unwrap();
        assert_eq!(t.list.get(77), Some(SUSPENDED));
        assert_eq!(t.authority_code, "CN-1");
        assert!(!t.is_stale(1600));
        assert!(t.is_stale(1601));
        assert!(matches!(
            StatusListToken::verify(&bytes, &trust, Some("https://x/s/2"), 1000),
            Err(StatusListError::WrongSubject { .. })
        ));
        let empty = TrustStore::from_entries(k.public_key(), vec![], 10_000);
        assert_eq!(StatusListToken::verify(&bytes, &empty, None, 1000).unwrap_err(), StatusListError::UnknownKid);
    }

    fn key_and_trust() -> (SigningKey, TrustStore) {
        let k = SigningKey::generate(Algorithm::ES256, &mut TestRng::new(10)).unwrap();
        let trust = TrustStore::from_entries(
            k.public_key(),
            vec![TrustEntry::for_key(Algorithm::ES256, k.public_key(), "CN-1", "x", 0, 10_000)],
            10_000,
        );
        (k, trust)
    }

    /// A status-list token over arbitrary claims, correctly signed.
    fn sign_claims(claims: Vec<(Value, Value)>, k: &SigningKey) -> Vec<u8> {
        CoseSign1::sign(&Value::Map(claims).to_vec(), k, vec![(Value::Int(HDR_TYP), STATUS_LIST_TYP.into())])
    }

    fn claims(iat: i64, ttl: Option<i64>, exp: Option<i64>, list: Value) -> Vec<(Value, Value)> {
        let mut m = vec![(Value::Int(CLAIM_SUB), "https://x/s/1".into()), (Value::Int(6), iat.into())];
        if let Some(t) = ttl {
            m.push((Value::Int(CLAIM_TTL), t.into()));
        }
        if let Some(e) = exp {
            m.push((Value::Int(4), e.into()));
        }
        m.push((Value::Int(CLAIM_LIST), list));
        m
    }

    fn list_value() -> Value {
        StatusList::new(2, MIN_ENTRIES).unwrap().to_cbor_value()
    }

    /// Flips a bit of the signature (the last byte of the token).
    fn break_signature(mut token: Vec<u8>) -> Vec<u8> {
        *token.last_mut().unwrap() ^= 1;
        token
    }

    #[test]
    fn nothing_is_inflated_before_the_signature_verifies() {
        let (k, trust) = key_and_trust();
        // A list inflating beyond the 8 MiB cap, and a malformed one, under a broken signature:
        // the answer is the signature, not a fact learnt by inflating unauthenticated data.
        let bomb = Value::Map(vec![
            ("bits".into(), 2i64.into()),
            ("lst".into(), Value::Bytes(deflate(&vec![0u8; MAX_LIST_BYTES + 1]))),
        ]);
        let token = break_signature(sign_claims(claims(1000, Some(600), None, bomb.clone()), &k));
        assert_eq!(StatusListToken::verify(&token, &trust, None, 1000).unwrap_err(), StatusListError::Signature);
        let bad_bits = Value::Map(vec![("bits".into(), 3i64.into()), ("lst".into(), Value::Bytes(vec![1, 2, 3]))]);
        let token = break_signature(sign_claims(claims(1000, Some(600), None, bad_bits), &k));
        assert_eq!(StatusListToken::verify(&token, &trust, None, 1000).unwrap_err(), StatusListError::Signature);
        // Correctly signed, the bomb still meets the cap.
        let token = sign_claims(claims(1000, Some(600), None, bomb), &k);
        assert_eq!(StatusListToken::verify(&token, &trust, None, 1000).unwrap_err(), StatusListError::TooLarge);
        // Tokens beyond the byte cap are refused before parsing.
        let huge = vec![0u8; MAX_TOKEN_BYTES + 1];
        assert_eq!(StatusListToken::verify(&huge, &trust, None, 1000).unwrap_err(), StatusListError::TokenTooLarge);
    }

    #[test]
    fn time_rules_refuse_future_endless_and_absurd_lists() {
        let (k, trust) = key_and_trust();
        let now = 5000;
        let verify = |c| StatusListToken::verify(&sign_claims(c, &k), &trust, None, now);
        // Within the skew: accepted; beyond it: refused.
        assert!(verify(claims(now + CLOCK_SKEW, Some(600), None, list_value())).is_ok());
        assert_eq!(
            verify(claims(now + CLOCK_SKEW + 1, Some(600), None, list_value())).unwrap_err(),
            StatusListError::FromFuture { iat: now + CLOCK_SKEW + 1, now }
        );
        assert_eq!(verify(claims(now, None, None, list_value())).unwrap_err(), StatusListError::NoLifetime);
        assert_eq!(verify(claims(now, Some(1 << 62), None, list_value())).unwrap_err(), StatusListError::Ttl(1 << 62));
        assert_eq!(verify(claims(now, Some(0), None, list_value())).unwrap_err(), StatusListError::Ttl(0));
        assert_eq!(verify(claims(now, Some(-5), None, list_value())).unwrap_err(), StatusListError::Ttl(-5));
        assert!(verify(claims(now, Some(MAX_TTL), None, list_value())).is_ok());
        assert_eq!(
            verify(claims(now, None, Some(now), list_value())).unwrap_err(),
            StatusListError::Exp { iat: now, exp: now }
        );
        // exp only: accepted, but never fresh beyond MAX_TTL after iat.
        let t = verify(claims(now, None, Some(i64::MAX), list_value())).unwrap();
        assert_eq!(t.fresh_until(), now + MAX_TTL);
        assert!(t.is_stale(now + MAX_TTL + 1));
        // A string where a ttl belongs is malformed, not "no ttl".
        let mut c = claims(now, None, Some(now + 10), list_value());
        c.push((Value::Int(CLAIM_TTL), "forever".into()));
        assert!(matches!(verify(c).unwrap_err(), StatusListError::Malformed(_)));
    }

    #[test]
    fn alg_only_unprotected_is_refused() {
        let (k, trust) = key_and_trust();
        let payload = Value::Map(claims(1000, Some(600), None, list_value())).to_vec();
        let prot = Value::Map(vec![
            (Value::Int(crate::cose::HDR_KID), Value::Bytes(k.kid())),
            (Value::Int(HDR_TYP), STATUS_LIST_TYP.into()),
        ])
        .to_vec();
        let sig = k.sign(&crate::cose::sig_structure(&prot, &[], &payload));
        let token = Value::Array(vec![
            Value::Bytes(prot),
            Value::Map(vec![(Value::Int(crate::cose::HDR_ALG), Value::from(Algorithm::ES256.cose_id()))]),
            Value::Bytes(payload),
            Value::Bytes(sig),
        ])
        .to_vec();
        assert_eq!(StatusListToken::verify(&token, &trust, None, 1000).unwrap_err(), StatusListError::AlgNotProtected);
    }

    #[test]
    fn issuer_claim_must_name_the_signing_authority() {
        let (k, trust) = key_and_trust();
        let mut c = claims(1000, Some(600), None, list_value());
        c.push((Value::Int(1), "CN-2".into()));
        assert_eq!(
            StatusListToken::verify(&sign_claims(c, &k), &trust, None, 1000).unwrap_err(),
            StatusListError::IssuerMismatch { iss: "CN-2".into(), signer: "CN-1".into() }
        );
        let mut c = claims(1000, Some(600), None, list_value());
        c.push((Value::Int(1), "CN-1".into()));
        assert!(StatusListToken::verify(&sign_claims(c, &k), &trust, None, 1000).is_ok());
    }

    #[test]
    fn store_keys_lists_by_authority_and_uri() {
        let mut rng = TestRng::new(12);
        let a = SigningKey::generate(Algorithm::ES256, &mut rng).unwrap();
        let b = SigningKey::generate(Algorithm::ES256, &mut rng).unwrap();
        let trust = TrustStore::from_entries(
            a.public_key(),
            vec![
                TrustEntry::for_key(Algorithm::ES256, a.public_key(), "CN-A", "a", 0, 10_000),
                TrustEntry::for_key(Algorithm::ES256, b.public_key(), "CN-B", "b", 0, 10_000),
            ],
            10_000,
        );
        let mut revoked = StatusList::new(2, MIN_ENTRIES).unwrap();
        revoked.set(5, INVALID);
        let clean = StatusList::new(2, MIN_ENTRIES).unwrap();
        let mut store = StatusStore::new();
        store.insert(&StatusListToken::sign("https://x/s/1", &revoked, 1000, None, 600, &a), &trust, 1000).unwrap();
        // B signs a newer list at A's uri: stored apart, A's list stays.
        store.insert(&StatusListToken::sign("https://x/s/1", &clean, 1100, None, 600, &b), &trust, 1100).unwrap();
        assert_eq!(store.len(), 2);
        assert_eq!(store.get("CN-A", "https://x/s/1").unwrap().list.get(5), Some(INVALID));
        assert_eq!(store.get("CN-B", "https://x/s/1").unwrap().list.get(5), Some(VALID));
        // A newer list of A replaces A's; an older one does not.
        store.insert(&StatusListToken::sign("https://x/s/1", &clean, 1200, None, 600, &a), &trust, 1200).unwrap();
        assert_eq!(store.get("CN-A", "https://x/s/1").unwrap().iat, 1200);
        store.insert(&StatusListToken::sign("https://x/s/1", &revoked, 1150, None, 600, &a), &trust, 1200).unwrap();
        assert_eq!(store.get("CN-A", "https://x/s/1").unwrap().iat, 1200);
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
