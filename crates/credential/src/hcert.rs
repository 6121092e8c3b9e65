//! The HCERT profile (EU Digital COVID Certificate, "HC1:") of the same verifier pieces, used
//! for conformance against dgc-testdata: prefix HC1:, claim -260/1, ES256 + PS256, the signing
//! certificate as the only trust-list entry, kid = first 8 bytes of SHA-256 over the DER
//! certificate.

use crate::alg::{Algorithm, KeyKind, PublicKey, kid_of};
use crate::cbor::Value;
use crate::cose::CoseSign1;
use crate::envelope::Profile;
use crate::trust_list::{Scope, TrustEntry, TrustStore};
use crate::verify::{CheckName, find_signer};
use x509_parser::prelude::*;

pub const HCERT: Profile = Profile {
    prefix: "HC1:",
    // HCERT allows the kid in the unprotected header.
    require_protected: false,
    max_text: 8192,
    max_inflated: 64 * 1024,
    allow_uncompressed: false,
};

/// HCERT claim key and inner key of the certificate payload.
pub const CLAIM_HCERT: i128 = -260;

/// EKU OIDs restricting a DGC signing certificate to a certificate type.
const EKU_ARCS: [&str; 2] = ["1.3.6.1.4.1.1847.2021.1.", "1.3.6.1.4.1.0.1847.2021.1."];

/// What the verifier uses from a signing certificate.
#[derive(Debug, Clone)]
pub struct SigningCert {
    pub key: PublicKey,
    pub kid: Vec<u8>,
    pub not_before: i64,
    pub not_after: i64,
    /// Extended key usage OIDs (dotted), empty when the extension is absent.
    pub eku: Vec<String>,
}

impl SigningCert {
    pub fn from_der(der: &[u8]) -> Result<Self, String> {
        let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
        let spki = cert.public_key();
        let key = PublicKey::from_parsed_spki(spki, spki.raw.to_vec()).map_err(|e| e.to_string())?;
        let eku = match cert.extended_key_usage() {
            Ok(Some(ext)) => {
                let e = ext.value;
                let mut v: Vec<String> = e.other.iter().map(|o| o.to_id_string()).collect();
                let named = [
                    (e.any, "2.5.29.37.0"),
                    (e.server_auth, "1.3.6.1.5.5.7.3.1"),
                    (e.client_auth, "1.3.6.1.5.5.7.3.2"),
                    (e.code_signing, "1.3.6.1.5.5.7.3.3"),
                    (e.email_protection, "1.3.6.1.5.5.7.3.4"),
                    (e.time_stamping, "1.3.6.1.5.5.7.3.8"),
                    (e.ocsp_signing, "1.3.6.1.5.5.7.3.9"),
                ];
                v.extend(named.iter().filter(|(b, _)| *b).map(|(_, o)| (*o).to_owned()));
                v
            }
            _ => Vec::new(),
        };
        Ok(SigningCert {
            key,
            kid: kid_of(der),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            eku,
        })
    }

    /// The algorithm a key of this kind signs with in HCERT.
    pub fn algorithm(&self) -> Option<Algorithm> {
        Some(match self.key.kind() {
            KeyKind::P256 => Algorithm::ES256,
            KeyKind::P384 => Algorithm::ES384,
            KeyKind::Rsa => Algorithm::PS256,
            KeyKind::Ed25519 => Algorithm::EdDSA,
            _ => return None,
        })
    }

    /// A trust store holding this certificate as its only entry.
    pub fn trust_store(&self) -> Option<TrustStore> {
        let alg = self.algorithm()?;
        Some(TrustStore::from_entries(
            self.key.clone(),
            vec![TrustEntry {
                kid: self.kid.clone(),
                alg,
                key: self.key.clone(),
                authority_code: "DGC".into(),
                authority_name: "dgc-testdata signing certificate".into(),
                not_before: self.not_before,
                not_after: self.not_after,
                scope: Scope::default(),
            }],
            i64::MAX,
        ))
    }

    /// The DGC type OIDs in the EKU ('t', 'v', 'r').
    pub fn allowed_types(&self) -> Vec<char> {
        let mut out = Vec::new();
        for oid in &self.eku {
            for arc in EKU_ARCS {
                if let Some(last) = oid.strip_prefix(arc) {
                    match last {
                        "1" => out.push('t'),
                        "2" => out.push('v'),
                        "3" => out.push('r'),
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// KEYUSAGE rule: no DGC-type OID means any type; otherwise the payload's type must be listed.
    pub fn allows(&self, dgc_type: char) -> bool {
        let allowed = self.allowed_types();
        allowed.is_empty() || allowed.contains(&dgc_type)
    }
}

/// The certificate type of a DGC payload: 'v', 't' or 'r' (the key holding a non-empty array).
pub fn dgc_type(dgc: &Value) -> Option<char> {
    ["v", "t", "r"].into_iter().find_map(|k| {
        dgc.get_text(k).and_then(Value::as_array).filter(|a| !a.is_empty()).and_then(|_| k.chars().next())
    })
}

/// The DGC payload (claim -260, key 1) of CWT claims.
pub fn dgc_payload(claims: &Value) -> Option<&Value> {
    claims.get_int(CLAIM_HCERT)?.get_int(1).filter(|v| v.as_map().is_some())
}

/// Result of checking a COSE under the HCERT profile with one signing certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HcertVerify {
    Ok { claims_ok: bool },
    Failed { check: CheckName, detail: String },
}

/// Signature check as the AQ1 verifier does it (kid lookup, alg/curve binding, signature),
/// then the CWT structure.
pub fn verify_cose(cose: &CoseSign1, cert: &SigningCert) -> HcertVerify {
    let Some(trust) = cert.trust_store() else {
        return HcertVerify::Failed {
            check: CheckName::AlgCurve,
            detail: format!("unsupported key type {}", cert.key.kind()),
        };
    };
    match find_signer(cose, &trust) {
        Err(f) => HcertVerify::Failed { check: f.check, detail: f.detail },
        Ok(_) => {
            let claims_ok = crate::cbor::decode(&cose.payload).ok().as_ref().and_then(dgc_payload).is_some();
            HcertVerify::Ok { claims_ok }
        }
    }
}
