//! The trust list: a COSE_Sign1/CWT signed by the offline trust anchor, listing the signing keys.
//!
//! Protected header: `{1: alg, 4: kid, 16: "application/certguard-trust-list+cwt"}` (the type
//! keeps a credential or status list from being taken for a trust list). Payload (CWT claims):
//! ```text
//! { 1: iss, 6: iat, 4: exp,
//!   -65538: { 1: sequence (uint), 2: [ entry, ... ] } }
//! entry = { 1: kid (bstr), 2: alg (int), 3: public key (DER SubjectPublicKeyInfo, bstr),
//!           4: authority code, 5: authority name, 6: not_before, 7: not_after,
//!           ? 8: { ? 1: [category codes], ? 2: [region codes] } }      (times: Unix seconds)
//! ```

use crate::alg::{Algorithm, PublicKey, Signer};
use crate::cbor::{self, Value, int_map};
use crate::cose::{CoseSign1, HDR_TYP};
use sha2::Digest;

pub const TRUST_LIST_TYP: &str = "application/certguard-trust-list+cwt";
const CLAIM_TRUST: i128 = -65538;
/// Cap on a trust-list document (bytes).
pub const MAX_TRUST_LIST: usize = 4 * 1024 * 1024;

/// What a key may sign for (empty = anything).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Scope {
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
}

impl Scope {
    pub fn allows_category(&self, c: &str) -> bool {
        self.categories.is_empty() || self.categories.iter().any(|x| x == c)
    }
}

/// One signing key of an issuing authority.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustEntry {
    pub kid: Vec<u8>,
    pub alg: Algorithm,
    pub key: PublicKey,
    pub authority_code: String,
    pub authority_name: String,
    pub not_before: i64,
    pub not_after: i64,
    pub scope: Scope,
}

impl TrustEntry {
    /// An entry for a signer's public key (kid computed from its SubjectPublicKeyInfo).
    pub fn for_key(
        alg: Algorithm,
        key: PublicKey,
        authority_code: &str,
        authority_name: &str,
        not_before: i64,
        not_after: i64,
    ) -> Self {
        TrustEntry {
            kid: key.kid(),
            alg,
            key,
            authority_code: authority_code.to_owned(),
            authority_name: authority_name.to_owned(),
            not_before,
            not_after,
            scope: Scope::default(),
        }
    }

    fn to_value(&self) -> Value {
        let mut m = vec![
            (1, Value::Bytes(self.kid.clone())),
            (2, Value::from(self.alg.cose_id())),
            (3, Value::Bytes(self.key.spki_der().to_vec())),
            (4, self.authority_code.as_str().into()),
            (5, self.authority_name.as_str().into()),
            (6, self.not_before.into()),
            (7, self.not_after.into()),
        ];
        if self.scope != Scope::default() {
            let list = |v: &[String]| Value::Array(v.iter().map(|s| s.as_str().into()).collect());
            m.push((8, int_map(vec![(1, list(&self.scope.categories)), (2, list(&self.scope.regions))])));
        }
        int_map(m)
    }

    fn from_value(v: &Value, i: usize) -> Result<Self, TrustListError> {
        let bad = |what: &str| TrustListError::BadEntry(i, what.to_owned());
        let get = |k| v.get_int(k);
        let kid = get(1).and_then(Value::as_bytes).ok_or_else(|| bad("kid"))?;
        let alg = get(2).and_then(Value::as_i64).and_then(Algorithm::from_cose_id).ok_or_else(|| bad("alg"))?;
        let key = get(3)
            .and_then(Value::as_bytes)
            .ok_or_else(|| bad("public key"))
            .and_then(|d| PublicKey::from_spki_der(d).map_err(|e| bad(&e.to_string())))?;
        let text = |k, w| get(k).and_then(Value::as_text).map(str::to_owned).ok_or_else(|| bad(w));
        let int = |k, w| get(k).and_then(Value::as_i64).ok_or_else(|| bad(w));
        let strings = |s: &Value, k| -> Vec<String> {
            s.get_int(k)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(|x| x.as_text().map(str::to_owned)).collect())
                .unwrap_or_default()
        };
        let scope = match get(8) {
            Some(s) => Scope { categories: strings(s, 1), regions: strings(s, 2) },
            None => Scope::default(),
        };
        Ok(TrustEntry {
            kid: kid.to_vec(),
            alg,
            key,
            authority_code: text(4, "authority code")?,
            authority_name: text(5, "authority name")?,
            not_before: int(6, "not_before")?,
            not_after: int(7, "not_after")?,
            scope,
        })
    }
}

/// The content of a trust list.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustList {
    pub issuer: String,
    pub sequence: u64,
    pub iat: i64,
    pub exp: i64,
    pub entries: Vec<TrustEntry>,
}

/// Why a trust list was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustListError {
    #[error("trust list is larger than {MAX_TRUST_LIST} bytes")]
    TooLarge,
    #[error("trust list is not a COSE_Sign1: {0}")]
    Cose(String),
    #[error("trust list type is not {TRUST_LIST_TYP}")]
    WrongType,
    #[error("trust list signature does not verify with the pinned trust anchor: {0}")]
    Signature(String),
    #[error("trust list payload is malformed: {0}")]
    Malformed(String),
    #[error("trust list entry {0} is malformed: {1}")]
    BadEntry(usize, String),
    #[error("trust list expired at {exp} (now {now})")]
    Expired { exp: i64, now: i64 },
    #[error("trust list issued in the future (iat {iat}, now {now})")]
    NotYetValid { iat: i64, now: i64 },
    #[error(
        "rollback refused: trust list sequence {offered} is older than sequence {held} already seen \
         (an older list may still name removed keys)"
    )]
    Rollback { offered: u64, held: u64 },
    #[error("sequence {0} is already held with different content")]
    SameSequenceDifferent(u64),
}

impl TrustList {
    fn to_payload(&self) -> Vec<u8> {
        Value::Map(vec![
            (Value::Int(1), self.issuer.as_str().into()),
            (Value::Int(6), self.iat.into()),
            (Value::Int(4), self.exp.into()),
            (
                Value::Int(CLAIM_TRUST),
                int_map(vec![
                    (1, self.sequence.into()),
                    (2, Value::Array(self.entries.iter().map(TrustEntry::to_value).collect())),
                ]),
            ),
        ])
        .to_vec()
    }

    /// Signs the list with the trust-anchor key: the bytes to publish at /trust-list.
    pub fn sign(&self, anchor: &dyn Signer) -> Vec<u8> {
        CoseSign1::sign(&self.to_payload(), anchor, vec![(Value::Int(HDR_TYP), TRUST_LIST_TYP.into())])
    }

    /// Verifies a signed list against the pinned anchor key and decodes it (no time checks).
    pub fn verify(bytes: &[u8], anchor: &PublicKey) -> Result<Self, TrustListError> {
        if bytes.len() > MAX_TRUST_LIST {
            return Err(TrustListError::TooLarge);
        }
        let cose = CoseSign1::from_slice(bytes).map_err(|e| TrustListError::Cose(e.to_string()))?;
        let typ = cose.protected.iter().find(|(k, _)| k.as_int() == Some(HDR_TYP)).and_then(|(_, v)| v.as_text());
        if typ != Some(TRUST_LIST_TYP) {
            return Err(TrustListError::WrongType);
        }
        let (_, prot) = cose.alg().map_err(|e| TrustListError::Cose(e.to_string()))?;
        if !prot {
            return Err(TrustListError::Cose("alg not protected".into()));
        }
        cose.verify(anchor, &[]).map_err(|e| TrustListError::Signature(e.to_string()))?;
        // Signature checked: now interpret the payload.
        let v = cbor::decode(&cose.payload).map_err(|e| TrustListError::Malformed(e.to_string()))?;
        let m = |w: &str| TrustListError::Malformed(w.to_owned());
        let t = v.get_int(CLAIM_TRUST).ok_or_else(|| m("no trust claim"))?;
        let entries = t
            .get_int(2)
            .and_then(Value::as_array)
            .ok_or_else(|| m("no entries"))?
            .iter()
            .enumerate()
            .map(|(i, e)| TrustEntry::from_value(e, i))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(TrustList {
            issuer: v.get_int(1).and_then(Value::as_text).unwrap_or_default().to_owned(),
            sequence: t
                .get_int(1)
                .and_then(Value::as_int)
                .and_then(|i| u64::try_from(i).ok())
                .ok_or_else(|| m("sequence"))?,
            iat: v.get_int(6).and_then(Value::as_i64).ok_or_else(|| m("iat"))?,
            exp: v.get_int(4).and_then(Value::as_i64).ok_or_else(|| m("exp"))?,
            entries,
        })
    }
}

/// Allowed clock skew for "issued in the future" (seconds).
pub const CLOCK_SKEW: i64 = 300;

/// What a verifier must remember between runs to refuse rollbacks: the highest trust-list
/// sequence it has accepted and the SHA-256 of that list's signed bytes (so that another list
/// with the same sequence is refused too). Stored as JSON by the CLI (`--trust-state`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrustState {
    pub sequence: u64,
    /// Hex SHA-256 of the signed trust list with that sequence, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

impl TrustState {
    /// The state a signed list leaves behind.
    pub fn of(list: &TrustList, signed: &[u8]) -> Self {
        TrustState { sequence: list.sequence, sha256: Some(hex::encode(sha2::Sha256::digest(signed))) }
    }
}

/// The verifier's trust state: the pinned anchor key, the newest accepted list, and the lowest
/// sequence it may still accept (the highest seen in earlier runs).
#[derive(Debug, Clone)]
pub struct TrustStore {
    anchor: PublicKey,
    list: Option<TrustList>,
    raw: Option<Vec<u8>>,
    seen: Option<TrustState>,
}

impl TrustStore {
    pub fn new(anchor: PublicKey) -> Self {
        TrustStore { anchor, list: None, raw: None, seen: None }
    }

    /// A store that remembers an earlier run: lists with a lower sequence than `seen.sequence`
    /// (or the same sequence with other bytes, when the digest is known) are refused.
    pub fn with_state(anchor: PublicKey, seen: Option<TrustState>) -> Self {
        TrustStore { anchor, list: None, raw: None, seen }
    }

    /// The highest sequence this store has seen (held now, or remembered from an earlier run)
    /// and the digest of that list: what to persist for the next run.
    pub fn state(&self) -> Option<TrustState> {
        match (&self.list, &self.raw, &self.seen) {
            (Some(l), Some(raw), seen) if seen.as_ref().is_none_or(|s| l.sequence >= s.sequence) => {
                Some(TrustState::of(l, raw))
            }
            (_, _, seen) => seen.clone(),
        }
    }

    /// A store holding entries directly, without a signed list (conformance profiles, tests).
    pub fn from_entries(anchor: PublicKey, entries: Vec<TrustEntry>, exp: i64) -> Self {
        TrustStore {
            anchor,
            list: Some(TrustList { issuer: "local".into(), sequence: 0, iat: i64::MIN, exp, entries }),
            raw: None,
            seen: None,
        }
    }

    /// Verifies and installs a newer list; refuses expired, future and rolled-back lists
    /// (lower than the held list's sequence or than the remembered [`TrustState`]).
    pub fn update(&mut self, bytes: &[u8], now: i64) -> Result<&TrustList, TrustListError> {
        let list = TrustList::verify(bytes, &self.anchor)?;
        if list.exp <= now {
            return Err(TrustListError::Expired { exp: list.exp, now });
        }
        if list.iat > now + CLOCK_SKEW {
            return Err(TrustListError::NotYetValid { iat: list.iat, now });
        }
        if let Some(seen) = &self.seen {
            if list.sequence < seen.sequence {
                return Err(TrustListError::Rollback { offered: list.sequence, held: seen.sequence });
            }
            if list.sequence == seen.sequence
                && seen.sha256.as_ref().is_some_and(|d| *d != hex::encode(sha2::Sha256::digest(bytes)))
            {
                return Err(TrustListError::SameSequenceDifferent(list.sequence));
            }
        }
        if let Some(held) = &self.list {
            if list.sequence < held.sequence {
                return Err(TrustListError::Rollback { offered: list.sequence, held: held.sequence });
            }
            if list.sequence == held.sequence && self.raw.as_deref() != Some(bytes) {
                return Err(TrustListError::SameSequenceDifferent(list.sequence));
            }
        }
        self.raw = Some(bytes.to_vec());
        Ok(self.list.insert(list))
    }

    pub fn anchor(&self) -> &PublicKey {
        &self.anchor
    }
    pub fn list(&self) -> Option<&TrustList> {
        self.list.as_ref()
    }
    /// The signed bytes of the held list (what to re-publish or cache).
    pub fn raw(&self) -> Option<&[u8]> {
        self.raw.as_deref()
    }

    /// Every entry with this kid (kids are 8 bytes and can collide: try each).
    pub fn entries_for_kid<'a, 'k>(&'a self, kid: &'k [u8]) -> impl Iterator<Item = &'a TrustEntry> + use<'a, 'k> {
        self.list.iter().flat_map(|l| l.entries.iter()).filter(move |e| e.kid == kid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;
    use crate::testutil::TestRng;

    fn list(seq: u64, exp: i64, keys: &[&SigningKey]) -> TrustList {
        TrustList {
            issuer: "CN-MEM".into(),
            sequence: seq,
            iat: 1000,
            exp,
            entries: keys
                .iter()
                .map(|k| {
                    let mut e = TrustEntry::for_key(k.algorithm(), k.public_key(), "CN-320582", "张家港", 0, 9999);
                    e.scope.categories = vec!["1".into()];
                    e
                })
                .collect(),
        }
    }

    #[test]
    fn sign_verify_rollback_expiry() {
        let mut rng = TestRng::new(5);
        let anchor = SigningKey::generate(Algorithm::EdDSA, &mut rng).unwrap();
        let k1 = SigningKey::generate(Algorithm::ES256, &mut rng).unwrap();
        let mut store = TrustStore::new(anchor.public_key());
        let l5 = list(5, 5000, &[&k1]).sign(&anchor);
        let got = store.update(&l5, 2000).unwrap();
        assert_eq!(got.sequence, 5);
        assert_eq!(got.entries[0].scope.categories, vec!["1".to_string()]);
        assert_eq!(store.entries_for_kid(&k1.kid()).count(), 1);
        // Same bytes again: idempotent.
        store.update(&l5, 2001).unwrap();
        let l4 = list(4, 5000, &[&k1]).sign(&anchor);
        assert_eq!(store.update(&l4, 2000).unwrap_err(), TrustListError::Rollback { offered: 4, held: 5 });
        let l6 = list(6, 1500, &[&k1]).sign(&anchor);
        assert!(matches!(store.update(&l6, 2000), Err(TrustListError::Expired { .. })));
        // Signed by another key: refused.
        let l7 = list(7, 5000, &[&k1]).sign(&k1);
        assert!(matches!(store.update(&l7, 2000), Err(TrustListError::Signature(_))));
        // A credential-like COSE (no typ) is not a trust list.
        let other = CoseSign1::sign(&list(8, 5000, &[]).to_payload(), &anchor, vec![]);
        assert_eq!(store.update(&other, 2000).unwrap_err(), TrustListError::WrongType);
        assert_eq!(store.list().unwrap().sequence, 5);
    }

    #[test]
    fn remembered_sequence_refuses_rollback_across_runs() {
        let mut rng = TestRng::new(6);
        let anchor = SigningKey::generate(Algorithm::EdDSA, &mut rng).unwrap();
        let removed = SigningKey::generate(Algorithm::ES256, &mut rng).unwrap();
        let kept = SigningKey::generate(Algorithm::ES256, &mut rng).unwrap();
        // Sequence 4 still names the key that sequence 5 removed.
        let l4 = list(4, 5000, &[&kept, &removed]).sign(&anchor);
        let l5 = list(5, 5000, &[&kept]).sign(&anchor);
        let mut first = TrustStore::new(anchor.public_key());
        first.update(&l5, 2000).unwrap();
        let state = first.state().unwrap();
        assert_eq!(state.sequence, 5);
        // A new run (a fresh store) that remembers the state refuses the older list.
        let mut next = TrustStore::with_state(anchor.public_key(), Some(state.clone()));
        assert_eq!(next.update(&l4, 2000).unwrap_err(), TrustListError::Rollback { offered: 4, held: 5 });
        assert!(next.list().is_none());
        assert_eq!(next.state(), Some(state.clone()));
        // Another list with the same sequence is refused; the same bytes are accepted.
        let other5 = list(5, 6000, &[&kept, &removed]).sign(&anchor);
        assert_eq!(next.update(&other5, 2000).unwrap_err(), TrustListError::SameSequenceDifferent(5));
        next.update(&l5, 2000).unwrap();
        assert_eq!(next.entries_for_kid(&removed.kid()).count(), 0);
        let l6 = list(6, 5000, &[&kept]).sign(&anchor);
        next.update(&l6, 2000).unwrap();
        assert_eq!(next.state().unwrap().sequence, 6);
        // Without the remembered state, the same old list would be accepted (the defect).
        let mut forgetful = TrustStore::new(anchor.public_key());
        forgetful.update(&l4, 2000).unwrap();
        assert_eq!(forgetful.entries_for_kid(&removed.kid()).count(), 1);
        // State JSON round trip.
        let json = serde_json::to_string(&state).unwrap();
        assert_eq!(serde_json::from_str::<TrustState>(&json).unwrap(), state);
        assert_eq!(serde_json::from_str::<TrustState>(r#"{"sequence": 3}"#).unwrap().sha256, None);
    }

    proptest::proptest! {
        #[test]
        fn verify_never_panics(b in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let anchor = SigningKey::from_seed(Algorithm::EdDSA, &[1; 32]).unwrap();
            let _ = TrustList::verify(&b, &anchor.public_key());
        }
    }
}
