//! Signature algorithms, public keys and the signer/verifier traits.
//!
//! The algorithm **and the curve** are bound to the key: an "ES256" signature made with a
//! P-384 key is rejected even if it is mathematically valid for that key.
//!
//! Verification uses `ring` for ECDSA and RSA-PSS (its assembly P-256 is ~3x faster than the
//! pure-Rust `p256` crate) and `ed25519-dalek` for Ed25519 (the fastest measured here). Keys
//! are parsed once, so a trust-list entry verifies without re-decoding its point.

use sha2::{Digest, Sha256};
use std::fmt;
use x509_parser::prelude::FromDer;
use x509_parser::x509::SubjectPublicKeyInfo;

/// COSE algorithm identifiers we know (RFC 9053 / IANA COSE registry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Algorithm {
    /// ECDSA with SHA-256 on P-256 (-7).
    ES256,
    /// ECDSA with SHA-384 on P-384 (-35); verify only.
    ES384,
    /// ECDSA with SHA-512 on P-521 (-36); recognised, not supported.
    ES512,
    /// EdDSA; we support Ed25519 only (-8).
    EdDSA,
    /// RSASSA-PSS with SHA-256 (-37); verify only.
    PS256,
}

impl Algorithm {
    pub fn cose_id(self) -> i64 {
        match self {
            Algorithm::ES256 => -7,
            Algorithm::ES384 => -35,
            Algorithm::ES512 => -36,
            Algorithm::EdDSA => -8,
            Algorithm::PS256 => -37,
        }
    }
    pub fn from_cose_id(id: i64) -> Option<Self> {
        Some(match id {
            -7 => Algorithm::ES256,
            -35 => Algorithm::ES384,
            -36 => Algorithm::ES512,
            -8 => Algorithm::EdDSA,
            -37 => Algorithm::PS256,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::ES256 => "ES256",
            Algorithm::ES384 => "ES384",
            Algorithm::ES512 => "ES512",
            Algorithm::EdDSA => "EdDSA",
            Algorithm::PS256 => "PS256",
        }
    }
    pub fn from_name(s: &str) -> Option<Self> {
        [Algorithm::ES256, Algorithm::ES384, Algorithm::ES512, Algorithm::EdDSA, Algorithm::PS256]
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(s))
    }
    /// The key type this algorithm requires.
    pub fn required_key(self) -> KeyKind {
        match self {
            Algorithm::ES256 => KeyKind::P256,
            Algorithm::ES384 => KeyKind::P384,
            Algorithm::ES512 => KeyKind::P521,
            Algorithm::EdDSA => KeyKind::Ed25519,
            Algorithm::PS256 => KeyKind::Rsa,
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The type (and curve) of a public key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    P256,
    P384,
    P521,
    Ed25519,
    Rsa,
    Other,
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyKind::P256 => "P-256",
            KeyKind::P384 => "P-384",
            KeyKind::P521 => "P-521",
            KeyKind::Ed25519 => "Ed25519",
            KeyKind::Rsa => "RSA",
            KeyKind::Other => "unknown key type",
        })
    }
}

/// Why a signature check did not pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    #[error("algorithm {alg} requires a {required} key, but the key is {actual}")]
    AlgKeyMismatch { alg: Algorithm, required: KeyKind, actual: KeyKind },
    #[error("signature does not verify")]
    BadSignature,
    #[error("algorithm {0} is not supported by this verifier")]
    Unsupported(Algorithm),
}

/// Why bytes are not a public key we can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not a DER SubjectPublicKeyInfo: {0}")]
    BadSpki(String),
    #[error("bad key material: {0}")]
    BadKey(String),
}

/// A public key, parsed once, with its DER SubjectPublicKeyInfo.
#[derive(Clone)]
pub struct PublicKey {
    kind: KeyKind,
    spki_der: Vec<u8>,
    material: Material,
}

#[derive(Clone)]
enum Material {
    /// SEC1 uncompressed point.
    Ec(Vec<u8>),
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    None,
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({}, kid {})", self.kind, hex::encode(self.kid()))
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki_der == other.spki_der
    }
}

const OID_EC: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_P521: &str = "1.3.132.0.35";
const OID_ED25519: &str = "1.3.101.112";
const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_RSA_PSS: &str = "1.2.840.113549.1.1.10";

const SPKI_P256_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];
const SPKI_ED25519_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/// kid = first 8 bytes of SHA-256 over DER bytes (SubjectPublicKeyInfo or certificate).
pub fn kid_of(der: &[u8]) -> Vec<u8> {
    Sha256::digest(der)[..8].to_vec()
}

impl PublicKey {
    /// Parses a DER SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let (rest, spki) = SubjectPublicKeyInfo::from_der(der).map_err(|e| KeyError::BadSpki(e.to_string()))?;
        if !rest.is_empty() {
            return Err(KeyError::BadSpki("trailing bytes".into()));
        }
        Self::from_parsed_spki(&spki, der[..der.len() - rest.len()].to_vec())
    }

    pub(crate) fn from_parsed_spki(spki: &SubjectPublicKeyInfo<'_>, spki_der: Vec<u8>) -> Result<Self, KeyError> {
        let oid = spki.algorithm.algorithm.to_id_string();
        let data = spki.subject_public_key.data.to_vec();
        let (kind, material) = match oid.as_str() {
            OID_EC => {
                let curve = spki
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.as_oid().ok())
                    .map(|o| o.to_id_string())
                    .ok_or_else(|| KeyError::BadKey("EC key without a named curve".into()))?;
                let kind = match curve.as_str() {
                    OID_P256 => KeyKind::P256,
                    OID_P384 => KeyKind::P384,
                    OID_P521 => KeyKind::P521,
                    _ => KeyKind::Other,
                };
                (kind, Material::Ec(data))
            }
            OID_ED25519 => {
                let bytes: [u8; 32] =
                    data.as_slice().try_into().map_err(|_| KeyError::BadKey("Ed25519 key is not 32 bytes".into()))?;
                let vk =
                    ed25519_dalek::VerifyingKey::from_bytes(&bytes).map_err(|e| KeyError::BadKey(e.to_string()))?;
                (KeyKind::Ed25519, Material::Ed25519(vk))
            }
            OID_RSA | OID_RSA_PSS => match spki.parsed() {
                Ok(x509_parser::public_key::PublicKey::RSA(rsa)) => (
                    KeyKind::Rsa,
                    Material::Rsa { n: strip_zeros(rsa.modulus).to_vec(), e: strip_zeros(rsa.exponent).to_vec() },
                ),
                _ => return Err(KeyError::BadKey("malformed RSA public key".into())),
            },
            _ => (KeyKind::Other, Material::None),
        };
        Ok(PublicKey { kind, spki_der, material })
    }

    /// A P-256 key from its SEC1 uncompressed point (65 bytes).
    pub fn p256_from_sec1(point: &[u8]) -> Result<Self, KeyError> {
        if point.len() != 65 || point[0] != 4 {
            return Err(KeyError::BadKey("P-256 point must be 65 bytes, uncompressed".into()));
        }
        let mut der = SPKI_P256_PREFIX.to_vec();
        der.extend_from_slice(point);
        Self::from_spki_der(&der)
    }

    /// A NIST-curve key from its SEC1 uncompressed point.
    pub fn ec_from_sec1(kind: KeyKind, point: &[u8]) -> Result<Self, KeyError> {
        let (curve_oid, len): (&[u8], usize) = match kind {
            KeyKind::P256 => (&[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07], 65),
            KeyKind::P384 => (&[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22], 97),
            KeyKind::P521 => (&[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23], 133),
            other => return Err(KeyError::BadKey(format!("{other} is not a NIST curve"))),
        };
        if point.len() != len || point[0] != 4 {
            return Err(KeyError::BadKey(format!("{kind} point must be {len} bytes, uncompressed")));
        }
        let ec_oid = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
        let alg = der_tlv(0x30, &[&ec_oid[..], curve_oid].concat());
        let mut bits = vec![0u8];
        bits.extend_from_slice(point);
        let spki = der_tlv(0x30, &[alg, der_tlv(0x03, &bits)].concat());
        Self::from_spki_der(&spki)
    }

    /// An Ed25519 key from its 32 bytes.
    pub fn ed25519_from_bytes(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        let mut der = SPKI_ED25519_PREFIX.to_vec();
        der.extend_from_slice(bytes);
        Self::from_spki_der(&der)
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }
    pub fn spki_der(&self) -> &[u8] {
        &self.spki_der
    }
    /// First 8 bytes of SHA-256 over the DER SubjectPublicKeyInfo.
    pub fn kid(&self) -> Vec<u8> {
        kid_of(&self.spki_der)
    }

    /// Verifies `sig` over `msg` for `alg`, refusing a key of another type or curve.
    pub fn verify(&self, alg: Algorithm, msg: &[u8], sig: &[u8]) -> Result<(), SigError> {
        let required = alg.required_key();
        if required != self.kind {
            return Err(SigError::AlgKeyMismatch { alg, required, actual: self.kind });
        }
        self.verify_unbound(alg, msg, sig)
    }

    /// Checks the signature with the hash of `alg` but the curve of the key, without the binding
    /// check. Only for diagnostics (e.g. explaining that a case signed "ES256" with a P-384 key
    /// has an otherwise valid signature); never for a verdict.
    pub fn verify_unbound(&self, alg: Algorithm, msg: &[u8], sig: &[u8]) -> Result<(), SigError> {
        use ring::signature as rs;
        match (&self.material, alg) {
            (Material::Ec(point), Algorithm::ES256 | Algorithm::ES384) => {
                let (params, der): (&dyn rs::VerificationAlgorithm, Option<Vec<u8>>) = match (self.kind, alg) {
                    (KeyKind::P256, Algorithm::ES256) => (&rs::ECDSA_P256_SHA256_FIXED, None),
                    (KeyKind::P384, Algorithm::ES384) => (&rs::ECDSA_P384_SHA384_FIXED, None),
                    // ring has no fixed-width form for this pair: re-encode as ASN.1.
                    (KeyKind::P384, Algorithm::ES256) => {
                        (&rs::ECDSA_P384_SHA256_ASN1, Some(fixed_to_der(sig).ok_or(SigError::BadSignature)?))
                    }
                    _ => return Err(SigError::Unsupported(alg)),
                };
                rs::UnparsedPublicKey::new(params, point)
                    .verify(msg, der.as_deref().unwrap_or(sig))
                    .map_err(|_| SigError::BadSignature)
            }
            (Material::Ed25519(vk), Algorithm::EdDSA) => {
                let sig: [u8; 64] = sig.try_into().map_err(|_| SigError::BadSignature)?;
                vk.verify_strict(msg, &ed25519_dalek::Signature::from_bytes(&sig)).map_err(|_| SigError::BadSignature)
            }
            (Material::Rsa { n, e }, Algorithm::PS256) => rs::RsaPublicKeyComponents { n, e }
                .verify(&rs::RSA_PSS_2048_8192_SHA256, msg, sig)
                .map_err(|_| SigError::BadSignature),
            _ => Err(SigError::Unsupported(alg)),
        }
    }
}

/// ECDSA r || s (equal halves) to a DER `SEQUENCE { INTEGER r, INTEGER s }`.
fn fixed_to_der(sig: &[u8]) -> Option<Vec<u8>> {
    if sig.is_empty() || !sig.len().is_multiple_of(2) || sig.len() > 132 {
        return None;
    }
    let (r, s) = sig.split_at(sig.len() / 2);
    let int = |x: &[u8]| {
        let x = strip_zeros(x);
        let mut v = Vec::with_capacity(x.len() + 3);
        v.push(0x02);
        let pad = x.first().is_none_or(|&b| b & 0x80 != 0);
        v.push((x.len() + usize::from(pad)) as u8);
        if pad {
            v.push(0);
        }
        v.extend_from_slice(x);
        v
    };
    let (ri, si) = (int(r), int(s));
    let len = ri.len() + si.len();
    let mut out = vec![0x30];
    if len >= 128 {
        out.push(0x81);
    }
    out.push(len as u8);
    out.extend(ri);
    out.extend(si);
    Some(out)
}

/// DER tag-length-value.
fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 128 {
        out.push(n as u8);
    } else if n < 256 {
        out.extend_from_slice(&[0x81, n as u8]);
    } else {
        out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[i..]
}

/// Anything that can sign for the envelope. SM2/SM3 can be added as another implementation
/// with a private-use COSE algorithm id without touching the envelope.
pub trait Signer {
    /// The algorithm this signer produces.
    fn algorithm(&self) -> Algorithm;
    /// The public key that verifies this signer's signatures.
    fn public_key(&self) -> PublicKey;
    /// Signs `msg` (the COSE Sig_structure); signatures in COSE form (ECDSA: r || s).
    fn sign(&self, msg: &[u8]) -> Vec<u8>;
    /// Key identifier: first 8 bytes of SHA-256 over the DER SubjectPublicKeyInfo.
    fn kid(&self) -> Vec<u8> {
        self.public_key().kid()
    }
}

/// Anything that can check a signature for an algorithm.
pub trait Verifier {
    fn verify(&self, alg: Algorithm, msg: &[u8], sig: &[u8]) -> Result<(), SigError>;
}

impl Verifier for PublicKey {
    fn verify(&self, alg: Algorithm, msg: &[u8], sig: &[u8]) -> Result<(), SigError> {
        PublicKey::verify(self, alg, msg, sig)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn algorithm_ids_roundtrip() {
        for a in [Algorithm::ES256, Algorithm::ES384, Algorithm::ES512, Algorithm::EdDSA, Algorithm::PS256] {
            assert_eq!(Algorithm::from_cose_id(a.cose_id()), Some(a));
            assert_eq!(Algorithm::from_name(a.name()), Some(a));
        }
        assert_eq!(Algorithm::from_cose_id(-1), None);
    }

    #[test]
    fn spki_parse_rejects_garbage() {
        assert!(PublicKey::from_spki_der(&[0x30, 0x03, 0x01]).is_err());
        assert!(PublicKey::p256_from_sec1(&[4; 10]).is_err());
    }
}
