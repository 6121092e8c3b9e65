//! The log's checkpoint-signing key: `<data_dir>/keys/log.key` (mode 0600), made on first use, in the
//! signed-note private-key form `PRIVATE+KEY+<name>+<hex id>+base64(0x01 || seed)`; its verifier key is
//! published beside it as `log.vkey` and at `/log/vkey`.

use crate::error::AppError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use certguard_tlog::cosignature::Cosigner;
use certguard_tlog::note::{ED25519, NoteSigner};
use std::path::Path;

fn key_error(e: impl std::fmt::Display) -> AppError {
    AppError::invalid("log_key", e.to_string())
}

/// Reads the log key of `name` from `dir`, creating it if there is none.
pub fn load_or_create(dir: &Path, name: &str) -> Result<NoteSigner, AppError> {
    let path = dir.join("log.key");
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(key_error)?;
        return parse_private(text.trim(), name);
    }
    std::fs::create_dir_all(dir).map_err(key_error)?;
    let seed: [u8; 32] = rand::random();
    let signer = NoteSigner::from_seed(name, &seed).map_err(key_error)?;
    let mut raw = vec![ED25519];
    raw.extend_from_slice(&seed);
    let text = format!("PRIVATE+KEY+{name}+{:08x}+{}\n", signer.verifier().id, B64.encode(raw));
    write_private(&path, &text)?;
    std::fs::write(dir.join("log.vkey"), format!("{}\n", signer.verifier())).map_err(key_error)?;
    Ok(signer)
}

fn parse_private(text: &str, name: &str) -> Result<NoteSigner, AppError> {
    let rest =
        text.strip_prefix("PRIVATE+KEY+").ok_or_else(|| key_error("log.key is not a signed-note private key"))?;
    let mut parts = rest.splitn(3, '+');
    let (Some(key_name), Some(hex_id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(key_error("log.key: expected PRIVATE+KEY+name+id+key"));
    };
    if key_name != name {
        return Err(key_error(format!(
            "log.key belongs to the log {key_name:?}, but the configured origin is {name:?}: a log's origin never changes"
        )));
    }
    let raw = B64.decode(b64).map_err(|_| key_error("log.key: the key is not base64"))?;
    let seed: [u8; 32] = match raw.split_first() {
        Some((&ED25519, seed)) => seed.try_into().map_err(|_| key_error("log.key: an Ed25519 seed is 32 bytes"))?,
        _ => return Err(key_error("log.key: only Ed25519 keys are supported")),
    };
    let signer = NoteSigner::from_seed(name, &seed).map_err(key_error)?;
    if format!("{:08x}", signer.verifier().id) != hex_id {
        return Err(key_error("log.key: the key id does not match the key"));
    }
    Ok(signer)
}

/// Reads the Ed25519 signed-note key `<dir>/<stem>.key` of `name` (e.g. the roster receipts' key), creating it
/// and its public `<stem>.vkey` if there is none.
pub fn load_or_create_named(dir: &Path, stem: &str, name: &str) -> Result<NoteSigner, AppError> {
    let path = dir.join(format!("{stem}.key"));
    if path.exists() {
        let text = std::fs::read_to_string(&path).map_err(key_error)?;
        let (key_name, seed) = parse_seed(text.trim(), ED25519)?;
        if key_name != name {
            return Err(key_error(format!("{} is the key {key_name:?}, not {name:?}", path.display())));
        }
        return NoteSigner::from_seed(name, &seed).map_err(key_error);
    }
    std::fs::create_dir_all(dir).map_err(key_error)?;
    let seed: [u8; 32] = rand::random();
    let signer = NoteSigner::from_seed(name, &seed).map_err(key_error)?;
    let mut raw = vec![ED25519];
    raw.extend_from_slice(&seed);
    write_private(&path, &format!("PRIVATE+KEY+{name}+{:08x}+{}\n", signer.verifier().id, B64.encode(raw)))?;
    std::fs::write(dir.join(format!("{stem}.vkey")), format!("{}\n", signer.verifier())).map_err(key_error)?;
    Ok(signer)
}

/// Reads a witness's cosigning key from `path` (type 0x04, `PRIVATE+KEY+<name>+<id>+base64(0x04 || seed)`),
/// creating it for `name` if there is none; its verifier key is written beside it (`<path>.vkey`).
pub fn load_or_create_cosigner(path: &Path, name: &str) -> Result<Cosigner, AppError> {
    use certguard_tlog::note::COSIGNATURE_V1;
    if path.exists() {
        let text = std::fs::read_to_string(path).map_err(key_error)?;
        let (key_name, seed) = parse_seed(text.trim(), COSIGNATURE_V1)?;
        if key_name != name {
            return Err(key_error(format!("{} is the key of witness {key_name:?}, not {name:?}", path.display())));
        }
        return Cosigner::from_seed(name, &seed).map_err(key_error);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(key_error)?;
    }
    let seed: [u8; 32] = rand::random();
    let cosigner = Cosigner::from_seed(name, &seed).map_err(key_error)?;
    let mut raw = vec![COSIGNATURE_V1];
    raw.extend_from_slice(&seed);
    write_private(path, &format!("PRIVATE+KEY+{name}+{:08x}+{}\n", cosigner.verifier().id, B64.encode(raw)))?;
    std::fs::write(path.with_extension("vkey"), format!("{}\n", cosigner.verifier())).map_err(key_error)?;
    Ok(cosigner)
}

/// (name, seed) of a signed-note private key of the given type.
fn parse_seed(text: &str, signature_type: u8) -> Result<(String, [u8; 32]), AppError> {
    let rest = text.strip_prefix("PRIVATE+KEY+").ok_or_else(|| key_error("not a signed-note private key"))?;
    let mut parts = rest.splitn(3, '+');
    let (Some(name), Some(_id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(key_error("expected PRIVATE+KEY+name+id+key"));
    };
    let raw = B64.decode(b64).map_err(|_| key_error("the key is not base64"))?;
    match raw.split_first() {
        Some((&t, seed)) if t == signature_type => {
            Ok((name.to_string(), seed.try_into().map_err(|_| key_error("an Ed25519 seed is 32 bytes"))?))
        }
        _ => Err(key_error(format!("not a key of signature type {signature_type:#04x}"))),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> Result<(), AppError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(key_error)?;
    f.write_all(text.as_bytes()).map_err(key_error)?;
    f.sync_all().map_err(key_error)
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> Result<(), AppError> {
    std::fs::write(path, text).map_err(key_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path(), "registry.example/certificates/v1").unwrap();
        let again = load_or_create(dir.path(), "registry.example/certificates/v1").unwrap();
        assert_eq!(first.verifier(), again.verifier());
        let vkey = std::fs::read_to_string(dir.path().join("log.vkey")).unwrap();
        assert_eq!(vkey.trim(), first.verifier().to_string());
        assert!(load_or_create(dir.path(), "other.example/log").is_err(), "the origin of a log never changes");
        let receipts = load_or_create_named(dir.path(), "receipt", "registry.example/receipts").unwrap();
        assert_eq!(
            load_or_create_named(dir.path(), "receipt", "registry.example/receipts").unwrap().verifier(),
            receipts.verifier()
        );
        assert_ne!(receipts.verifier(), first.verifier());
        assert!(load_or_create_named(dir.path(), "receipt", "other.example/receipts").is_err());
    }
}
