//! Signing keys: generation from caller-supplied randomness, PKCS#8, key files.
//!
//! Key files are PEM. A plain key is `PRIVATE KEY` (PKCS#8 v1, readable by OpenSSL). An
//! encrypted key is `CERTGUARD ENCRYPTED PRIVATE KEY`: `"CGK1" | m_cost u32 | t_cost u32 |
//! p_cost u32 | salt[16] | nonce[12] | ChaCha20-Poly1305(key = Argon2id(passphrase, salt),
//! PKCS#8 DER)` (all integers big-endian). We use our own small container rather than PKCS#8
//! PBES2 because the RustCrypto PBES2 stack offers scrypt/PBKDF2 only, and Argon2id is what
//! the rest of certguard uses for secrets. Files are written with mode 0600.

use crate::alg::{Algorithm, PublicKey, Signer};
use base64::Engine;
use p256::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _};
use rand_core::CryptoRng;
use std::path::Path;

/// Why a key could not be created, read or written.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
    #[error("cannot read or write key file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("key file is not PEM (expected a -----BEGIN ...----- block)")]
    NotPem,
    #[error("unexpected PEM label {0:?}: expected PRIVATE KEY or CERTGUARD ENCRYPTED PRIVATE KEY")]
    WrongLabel(String),
    #[error("key file is encrypted: a passphrase is required")]
    PassphraseRequired,
    #[error("wrong passphrase or corrupted encrypted key")]
    WrongPassphrase,
    #[error("malformed encrypted key container")]
    BadContainer,
    #[error("not a PKCS#8 P-256 or Ed25519 private key: {0}")]
    BadPkcs8(String),
    #[error("algorithm {0} cannot issue (verify only)")]
    CannotIssue(Algorithm),
    #[error("not a DER SubjectPublicKeyInfo public key: {0}")]
    BadPublicKey(String),
}

/// An issuing key: ES256 (P-256) or EdDSA (Ed25519).
#[derive(Clone)]
pub enum SigningKey {
    P256(p256::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, kid {})", self.algorithm(), hex::encode(self.kid()))
    }
}

impl SigningKey {
    /// Generates a key for `alg` from the caller's cryptographic RNG.
    pub fn generate(alg: Algorithm, rng: &mut impl CryptoRng) -> Result<Self, KeyFileError> {
        loop {
            let mut seed = [0u8; 32];
            rng.fill_bytes(&mut seed);
            match Self::from_seed(alg, &seed) {
                // A P-256 scalar >= n (probability ~2^-32) or zero: draw again.
                Err(KeyFileError::BadPkcs8(_)) => continue,
                other => return other,
            }
        }
    }

    /// A key from 32 secret bytes (P-256 scalar or Ed25519 seed).
    pub fn from_seed(alg: Algorithm, seed: &[u8; 32]) -> Result<Self, KeyFileError> {
        match alg {
            Algorithm::ES256 => p256::ecdsa::SigningKey::from_slice(seed)
                .map(SigningKey::P256)
                .map_err(|e| KeyFileError::BadPkcs8(e.to_string())),
            Algorithm::EdDSA => Ok(SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(seed))),
            other => Err(KeyFileError::CannotIssue(other)),
        }
    }

    /// PKCS#8 v1 DER.
    pub fn to_pkcs8_der(&self) -> Vec<u8> {
        let doc = match self {
            SigningKey::P256(k) => k.to_pkcs8_der(),
            SigningKey::Ed25519(k) => k.to_pkcs8_der(),
        };
        // Encoding a valid in-memory key cannot fail.
        doc.map(|d| d.as_bytes().to_vec()).unwrap_or_default()
    }

    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyFileError> {
        if let Ok(k) = p256::ecdsa::SigningKey::from_pkcs8_der(der) {
            return Ok(SigningKey::P256(k));
        }
        ed25519_dalek::SigningKey::from_pkcs8_der(der)
            .map(SigningKey::Ed25519)
            .map_err(|e| KeyFileError::BadPkcs8(e.to_string()))
    }

    /// PEM text: plain PKCS#8, or the encrypted container when `passphrase` is given.
    pub fn to_pem(&self, passphrase: Option<&str>, rng: &mut impl CryptoRng) -> Result<String, KeyFileError> {
        let der = self.to_pkcs8_der();
        match passphrase {
            None => Ok(pem_encode("PRIVATE KEY", &der)),
            Some(p) => {
                let mut salt = [0u8; 16];
                let mut nonce = [0u8; 12];
                rng.fill_bytes(&mut salt);
                rng.fill_bytes(&mut nonce);
                let blob = encrypt(p, &der, &salt, &nonce, DEFAULT_KDF)?;
                Ok(pem_encode(ENCRYPTED_LABEL, &blob))
            }
        }
    }

    pub fn from_pem(text: &str, passphrase: Option<&str>) -> Result<Self, KeyFileError> {
        let (label, der) = pem_decode(text)?;
        match label.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8_der(&der),
            ENCRYPTED_LABEL => {
                let p = passphrase.ok_or(KeyFileError::PassphraseRequired)?;
                Self::from_pkcs8_der(&decrypt(p, &der)?)
            }
            other => Err(KeyFileError::WrongLabel(other.to_owned())),
        }
    }

    /// Writes the key to `path` with mode 0600 (created new or truncated).
    pub fn write_file(
        &self,
        path: &Path,
        passphrase: Option<&str>,
        rng: &mut impl CryptoRng,
    ) -> Result<(), KeyFileError> {
        let pem = self.to_pem(passphrase, rng)?;
        write_private(path, pem.as_bytes())
    }

    pub fn read_file(path: &Path, passphrase: Option<&str>) -> Result<Self, KeyFileError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| KeyFileError::Io { path: path.display().to_string(), source })?;
        Self::from_pem(&text, passphrase)
    }
}

impl Signer for SigningKey {
    fn algorithm(&self) -> Algorithm {
        match self {
            SigningKey::P256(_) => Algorithm::ES256,
            SigningKey::Ed25519(_) => Algorithm::EdDSA,
        }
    }
    fn public_key(&self) -> PublicKey {
        match self {
            SigningKey::P256(k) => {
                let point = k.verifying_key().to_sec1_point(false);
                PublicKey::p256_from_sec1(point.as_bytes())
            }
            SigningKey::Ed25519(k) => PublicKey::ed25519_from_bytes(&k.verifying_key().to_bytes()),
        }
        .expect("a valid signing key has a valid public key")
    }
    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        use ed25519_dalek::Signer as _;
        match self {
            SigningKey::P256(k) => {
                // RFC 6979 deterministic nonce: no RNG needed.
                let sig: p256::ecdsa::Signature = p256::ecdsa::signature::Signer::sign(k, msg);
                sig.to_bytes().to_vec()
            }
            SigningKey::Ed25519(k) => k.sign(msg).to_bytes().to_vec(),
        }
    }
}

/// Public key PEM (`PUBLIC KEY`, DER SubjectPublicKeyInfo).
pub fn public_key_to_pem(key: &PublicKey) -> String {
    pem_encode("PUBLIC KEY", key.spki_der())
}

pub fn public_key_from_pem(text: &str) -> Result<PublicKey, KeyFileError> {
    let (label, der) = pem_decode(text)?;
    if label != "PUBLIC KEY" {
        return Err(KeyFileError::WrongLabel(label));
    }
    PublicKey::from_spki_der(&der).map_err(|e| KeyFileError::BadPublicKey(e.to_string()))
}

pub fn read_public_key_file(path: &Path) -> Result<PublicKey, KeyFileError> {
    let text = std::fs::read_to_string(path)
        .map_err(|source| KeyFileError::Io { path: path.display().to_string(), source })?;
    public_key_from_pem(&text)
}

/// Writes bytes to a new or truncated file readable by the owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), KeyFileError> {
    use std::io::Write;
    let io = |source| KeyFileError::Io { path: path.display().to_string(), source };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(io)?;
    #[cfg(unix)]
    {
        // An existing file keeps its old mode on open: tighten it.
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(io)?;
    }
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)
}

const ENCRYPTED_LABEL: &str = "CERTGUARD ENCRYPTED PRIVATE KEY";
const MAGIC: &[u8; 4] = b"CGK1";

/// Argon2id parameters (m KiB, t, p).
#[derive(Debug, Clone, Copy)]
struct Kdf {
    m: u32,
    t: u32,
    p: u32,
}
const DEFAULT_KDF: Kdf = Kdf { m: 19 * 1024, t: 2, p: 1 };

fn derive(pass: &str, salt: &[u8], kdf: Kdf) -> Result<[u8; 32], KeyFileError> {
    let params = argon2::Params::new(kdf.m, kdf.t, kdf.p, Some(32)).map_err(|_| KeyFileError::BadContainer)?;
    let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = [0u8; 32];
    a.hash_password_into(pass.as_bytes(), salt, &mut out).map_err(|_| KeyFileError::BadContainer)?;
    Ok(out)
}

fn encrypt(pass: &str, plain: &[u8], salt: &[u8; 16], nonce: &[u8; 12], kdf: Kdf) -> Result<Vec<u8>, KeyFileError> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    let key = derive(pass, salt, kdf)?;
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(&key.into());
    let ct = cipher.encrypt(&(*nonce).into(), plain).map_err(|_| KeyFileError::BadContainer)?;
    let mut out = MAGIC.to_vec();
    for x in [kdf.m, kdf.t, kdf.p] {
        out.extend_from_slice(&x.to_be_bytes());
    }
    out.extend_from_slice(salt);
    out.extend_from_slice(nonce);
    out.extend_from_slice(&ct);
    Ok(out)
}

fn decrypt(pass: &str, blob: &[u8]) -> Result<Vec<u8>, KeyFileError> {
    use chacha20poly1305::aead::{Aead, KeyInit};
    if blob.len() < 4 + 12 + 16 + 12 + 16 || &blob[..4] != MAGIC {
        return Err(KeyFileError::BadContainer);
    }
    let u = |i: usize| u32::from_be_bytes([blob[i], blob[i + 1], blob[i + 2], blob[i + 3]]);
    let kdf = Kdf { m: u(4), t: u(8), p: u(12) };
    // Refuse absurd parameters from a tampered file (memory exhaustion).
    if kdf.m > 1024 * 1024 || kdf.t > 16 || kdf.p > 8 {
        return Err(KeyFileError::BadContainer);
    }
    let salt = &blob[16..32];
    let nonce: [u8; 12] = blob[32..44].try_into().map_err(|_| KeyFileError::BadContainer)?;
    let key = derive(pass, salt, kdf)?;
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(&key.into());
    cipher.decrypt(&nonce.into(), &blob[44..]).map_err(|_| KeyFileError::WrongPassphrase)
}

/// PEM encoding with 64-character lines.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut s = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        s.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----\n"));
    s
}

/// Decodes the first PEM block: (label, bytes).
pub fn pem_decode(text: &str) -> Result<(String, Vec<u8>), KeyFileError> {
    let start = text.find("-----BEGIN ").ok_or(KeyFileError::NotPem)?;
    let rest = &text[start + 11..];
    let end_label = rest.find("-----").ok_or(KeyFileError::NotPem)?;
    let label = rest[..end_label].to_owned();
    let body_start = end_label + 5;
    let end_marker = format!("-----END {label}-----");
    let body_end = rest.find(&end_marker).ok_or(KeyFileError::NotPem)?;
    if body_end < body_start {
        return Err(KeyFileError::NotPem);
    }
    let body: String = rest[body_start..body_end].chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD.decode(body).map_err(|_| KeyFileError::NotPem)?;
    Ok((label, der))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::TestRng;

    #[test]
    fn pkcs8_roundtrip_and_sign_verify() {
        let mut rng = TestRng::new(1);
        for alg in [Algorithm::ES256, Algorithm::EdDSA] {
            let k = SigningKey::generate(alg, &mut rng).unwrap();
            let back = SigningKey::from_pkcs8_der(&k.to_pkcs8_der()).unwrap();
            assert_eq!(back.public_key(), k.public_key());
            assert_eq!(k.kid().len(), 8);
            let sig = k.sign(b"hello");
            k.public_key().verify(alg, b"hello", &sig).unwrap();
            assert!(k.public_key().verify(alg, b"hellO", &sig).is_err());
            let pem = k.to_pem(None, &mut rng).unwrap();
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
            assert_eq!(SigningKey::from_pem(&pem, None).unwrap().public_key(), k.public_key());
            let pubpem = public_key_to_pem(&k.public_key());
            assert_eq!(public_key_from_pem(&pubpem).unwrap(), k.public_key());
        }
    }

    #[test]
    fn encrypted_key_file_mode_and_passphrase() {
        let mut rng = TestRng::new(2);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.pem");
        let k = SigningKey::generate(Algorithm::EdDSA, &mut rng).unwrap();
        k.write_file(&path, Some("correct horse"), &mut rng).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(matches!(SigningKey::read_file(&path, None), Err(KeyFileError::PassphraseRequired)));
        assert!(matches!(SigningKey::read_file(&path, Some("wrong")), Err(KeyFileError::WrongPassphrase)));
        let back = SigningKey::read_file(&path, Some("correct horse")).unwrap();
        assert_eq!(back.public_key(), k.public_key());
        assert!(matches!(SigningKey::read_file(&dir.path().join("missing"), None), Err(KeyFileError::Io { .. })));
        assert!(matches!(SigningKey::from_pem("hello", None), Err(KeyFileError::NotPem)));
    }
}
