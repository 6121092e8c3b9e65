//! COSE_Sign1 (RFC 9052 §4.2): structure, Sig_structure, header access, building.
//!
//! Accepts tag 18, untagged, and tag 61 (CWT) wrapping tag 18; any other tag is refused.

use crate::alg::{Algorithm, PublicKey, SigError, Signer};
use crate::cbor::{self, CborError, Value};

pub const TAG_SIGN1: u64 = 18;
pub const TAG_CWT: u64 = 61;
pub const HDR_ALG: i128 = 1;
pub const HDR_KID: i128 = 4;
pub const HDR_TYP: i128 = 16;

/// Why bytes are not a COSE_Sign1 structure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoseError {
    #[error("not CBOR: {0}")]
    Cbor(#[from] CborError),
    #[error("unexpected CBOR tag {0} (expected 18, or 61 wrapping 18)")]
    WrongTag(u64),
    #[error("not a COSE_Sign1 array of 4 items")]
    NotSign1,
    #[error("protected header is not a byte string holding a map")]
    BadProtected,
    #[error("unprotected header is not a map")]
    BadUnprotected,
    #[error("payload is detached or not a byte string")]
    BadPayload,
    #[error("signature is not a byte string")]
    BadSignature,
    #[error("header label {0} appears in both the protected and the unprotected header")]
    DuplicateLabel(String),
    #[error("header has a duplicate label {0}")]
    DuplicateInMap(String),
    #[error("no algorithm in the header")]
    NoAlg,
    #[error("algorithm {0} is unknown")]
    UnknownAlg(String),
    #[error("algorithm is only in the unprotected header")]
    AlgNotProtected,
    #[error("kid is only in the unprotected header")]
    KidNotProtected,
}

/// A parsed COSE_Sign1.
#[derive(Debug, Clone, PartialEq)]
pub struct CoseSign1 {
    /// The exact protected header bytes (signed as-is).
    pub protected_bytes: Vec<u8>,
    pub protected: Vec<(Value, Value)>,
    pub unprotected: Vec<(Value, Value)>,
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
    /// The outer tags seen (e.g. `[18]`, `[61, 18]`, `[]`).
    pub tags: Vec<u64>,
}

fn check_unique(m: &[(Value, Value)]) -> Result<(), CoseError> {
    for (i, (k, _)) in m.iter().enumerate() {
        if m[..i].iter().any(|(k2, _)| k2 == k) {
            return Err(CoseError::DuplicateInMap(k.to_string()));
        }
    }
    Ok(())
}

impl CoseSign1 {
    /// Parses the bytes strictly (one item, no trailing bytes).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, CoseError> {
        let v = cbor::decode(bytes)?;
        Self::from_value(v)
    }

    /// Like [`Self::from_slice`], but a label in both buckets is tolerated and the protected
    /// one wins (HCERT's rule for kid); AQ1 never uses this.
    pub fn from_slice_lenient(bytes: &[u8]) -> Result<Self, CoseError> {
        Self::parse(cbor::decode(bytes)?, true)
    }

    pub fn from_value(v: Value) -> Result<Self, CoseError> {
        Self::parse(v, false)
    }

    fn parse(v: Value, lenient: bool) -> Result<Self, CoseError> {
        let mut tags = Vec::new();
        let mut v = v;
        while let Value::Tag(t, inner) = v {
            tags.push(t);
            v = *inner;
        }
        match tags.as_slice() {
            [] | [TAG_SIGN1] | [TAG_CWT, TAG_SIGN1] => {}
            [t, ..] if *t != TAG_SIGN1 && *t != TAG_CWT => return Err(CoseError::WrongTag(*t)),
            _ => return Err(CoseError::WrongTag(*tags.last().unwrap_or(&0))),
        }
        let Value::Array(items) = v else {
            return Err(CoseError::NotSign1);
        };
        let [prot, unprot, payload, sig]: [Value; 4] = items.try_into().map_err(|_| CoseError::NotSign1)?;
        let Value::Bytes(protected_bytes) = prot else {
            return Err(CoseError::BadProtected);
        };
        let protected = if protected_bytes.is_empty() {
            Vec::new()
        } else {
            match cbor::decode(&protected_bytes).map_err(|_| CoseError::BadProtected)? {
                Value::Map(m) => m,
                _ => return Err(CoseError::BadProtected),
            }
        };
        let Value::Map(unprotected) = unprot else {
            return Err(CoseError::BadUnprotected);
        };
        check_unique(&protected)?;
        check_unique(&unprotected)?;
        for (k, _) in &protected {
            if !lenient && unprotected.iter().any(|(k2, _)| k2 == k) {
                return Err(CoseError::DuplicateLabel(k.to_string()));
            }
        }
        let Value::Bytes(payload) = payload else {
            return Err(CoseError::BadPayload);
        };
        let Value::Bytes(signature) = sig else {
            return Err(CoseError::BadSignature);
        };
        Ok(CoseSign1 { protected_bytes, protected, unprotected, payload, signature, tags })
    }

    fn header(&self, label: i128) -> (Option<&Value>, bool) {
        fn find(m: &[(Value, Value)], label: i128) -> Option<&Value> {
            m.iter().find(|(k, _)| k.as_int() == Some(label)).map(|(_, v)| v)
        }
        match find(&self.protected, label) {
            Some(v) => (Some(v), true),
            None => (find(&self.unprotected, label), false),
        }
    }

    /// The algorithm and whether it was protected.
    pub fn alg(&self) -> Result<(Algorithm, bool), CoseError> {
        let (v, prot) = self.header(HDR_ALG);
        let v = v.ok_or(CoseError::NoAlg)?;
        let id = v.as_i64().ok_or_else(|| CoseError::UnknownAlg(v.to_string()))?;
        let a = Algorithm::from_cose_id(id).ok_or_else(|| CoseError::UnknownAlg(id.to_string()))?;
        Ok((a, prot))
    }

    /// The kid and whether it was protected.
    pub fn kid(&self) -> (Option<&[u8]>, bool) {
        let (v, prot) = self.header(HDR_KID);
        (v.and_then(Value::as_bytes), prot)
    }

    /// Sig_structure = ["Signature1", protected, external_aad, payload].
    /// An empty protected map (even if sent as `h'a0'`) is signed as a zero-length string, as
    /// the cose-wg examples (sign-pass-01) expect.
    pub fn tbs(&self, external_aad: &[u8]) -> Vec<u8> {
        let prot: &[u8] = if self.protected.is_empty() { &[] } else { &self.protected_bytes };
        sig_structure(prot, external_aad, &self.payload)
    }

    /// Checks the signature with `key` for the header's algorithm.
    pub fn verify(&self, key: &PublicKey, external_aad: &[u8]) -> Result<(), VerifyError> {
        let (alg, _) = self.alg().map_err(VerifyError::Header)?;
        key.verify(alg, &self.tbs(external_aad), &self.signature).map_err(VerifyError::Sig)
    }

    /// Signs `payload` with alg and kid in the protected header (plus `extra` protected labels),
    /// returning the tagged (18) encoding.
    pub fn sign(payload: &[u8], signer: &dyn Signer, extra_protected: Vec<(Value, Value)>) -> Vec<u8> {
        let mut prot = vec![
            (Value::Int(HDR_ALG), Value::from(signer.algorithm().cose_id())),
            (Value::Int(HDR_KID), Value::Bytes(signer.kid())),
        ];
        prot.extend(extra_protected);
        let protected_bytes = Value::Map(prot).to_vec();
        let tbs = sig_structure(&protected_bytes, &[], payload);
        let signature = signer.sign(&tbs);
        Value::Tag(
            TAG_SIGN1,
            Box::new(Value::Array(vec![
                Value::Bytes(protected_bytes),
                Value::Map(vec![]),
                Value::Bytes(payload.to_vec()),
                Value::Bytes(signature),
            ])),
        )
        .to_vec()
    }
}

/// Why a COSE_Sign1 did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error(transparent)]
    Header(CoseError),
    #[error(transparent)]
    Sig(SigError),
}

pub fn sig_structure(protected: &[u8], aad: &[u8], payload: &[u8]) -> Vec<u8> {
    // Written directly (rather than through Value) to avoid copying the payload twice.
    let mut out = Vec::with_capacity(protected.len() + aad.len() + payload.len() + 24);
    out.push(0x84);
    out.extend_from_slice(&Value::from("Signature1").to_vec());
    for b in [protected, aad, payload] {
        write_bstr_head(b.len(), &mut out);
        out.extend_from_slice(b);
    }
    out
}

fn write_bstr_head(n: usize, out: &mut Vec<u8>) {
    let n = n as u64;
    if n < 24 {
        out.push(0x40 | n as u8);
    } else if n <= 0xff {
        out.extend_from_slice(&[0x58, n as u8]);
    } else if n <= 0xffff {
        out.push(0x59);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= 0xffff_ffff {
        out.push(0x5a);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(0x5b);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::SigningKey;
    use crate::testutil::TestRng;

    #[test]
    fn sign_parse_verify_and_tamper() {
        let k = SigningKey::generate(Algorithm::ES256, &mut TestRng::new(3)).unwrap();
        let bytes = CoseSign1::sign(b"payload", &k, vec![]);
        assert_eq!(bytes[0], 0xd2);
        let c = CoseSign1::from_slice(&bytes).unwrap();
        assert_eq!(c.alg().unwrap(), (Algorithm::ES256, true));
        assert_eq!(c.kid(), (Some(k.kid().as_slice()), true));
        c.verify(&k.public_key(), &[]).unwrap();
        let mut t = c.clone();
        t.payload = b"pAyload".to_vec();
        assert!(t.verify(&k.public_key(), &[]).is_err());
        // Untagged and 61(18(...)) accepted; other tags refused.
        assert!(CoseSign1::from_slice(&bytes[1..]).is_ok());
        let mut wrapped = vec![0xd8, 61];
        wrapped.extend_from_slice(&bytes);
        assert_eq!(CoseSign1::from_slice(&wrapped).unwrap().tags, vec![61, 18]);
        let mut wrong = vec![0xd8, 98];
        wrong.extend_from_slice(&bytes[1..]);
        assert_eq!(CoseSign1::from_slice(&wrong), Err(CoseError::WrongTag(98)));
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(matches!(CoseSign1::from_slice(&trailing), Err(CoseError::Cbor(CborError::TrailingBytes(1)))));
    }

    #[test]
    fn sig_structure_matches_cose_wg_intermediate() {
        // sign-pass-02 intermediate ToBeSign.
        let tbs = sig_structure(&[0xa1, 0x01, 0x26], &[], b"This is the content.");
        assert_eq!(
            hex::encode_upper(tbs),
            "846A5369676E61747572653143A101264054546869732069732074686520636F6E74656E742E"
        );
    }
}
