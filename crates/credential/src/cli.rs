//! Command-line front ends, for the `certguard` binary to wire in:
//! `verify`, `conformance dgc`, `trust-list sign`, `keygen`.
//!
//! The runners write to a `&mut dyn Write` and return the process exit code; they take `now`
//! and the RNG from the caller (this crate has neither clock nor RNG of its own).

use crate::alg::{Algorithm, Signer};
use crate::conformance::{dgc_conformance, summarize};
use crate::keys::{self, SigningKey};
use crate::status_list::StatusStore;
use crate::trust_list::{Scope, TrustEntry, TrustList, TrustState, TrustStore};
use crate::verify::{Context, Verdict, Verification, verify, verify_image};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Errors of the command-line runners (exit code 4: could not run at all).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("output: {0}")]
    Output(#[from] std::io::Error),
    #[error(transparent)]
    Key(#[from] keys::KeyFileError),
    #[error("trust list {path}: {source}")]
    TrustList { path: String, source: crate::trust_list::TrustListError },
    #[error("trust-list draft {path}: {detail}")]
    Draft { path: String, detail: String },
    #[error("environment variable {0} (passphrase) is not set")]
    PassphraseEnv(String),
    #[error("trust state {path}: {detail} (delete it only if you trust every list you will load)")]
    TrustState { path: String, detail: String },
}

/// Exit code for errors that prevented a run.
pub const EXIT_ERROR: i32 = 4;

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Io { path: path.display().to_string(), source })
}

fn passphrase(env: &Option<String>) -> Result<Option<String>, CliError> {
    match env {
        None => Ok(None),
        Some(name) => std::env::var(name).map(Some).map_err(|_| CliError::PassphraseEnv(name.clone())),
    }
}

/// `certguard verify`: verify AQ1 strings, QR photos, or directories of them, offline.
#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
    /// AQ1 strings, PNG/JPEG photos or text files, or directories of them.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// The signed trust list (as published at /trust-list).
    #[arg(long, value_name = "FILE")]
    pub trust_list: PathBuf,
    /// The pinned trust-anchor public key (PEM).
    #[arg(long, value_name = "FILE")]
    pub anchor_key: PathBuf,
    /// Where the highest trust-list sequence seen is kept (JSON), so that an older list is
    /// refused as a rollback; default: the trust list's path with ".state.json" appended.
    #[arg(long, value_name = "FILE")]
    pub trust_state: Option<PathBuf>,
    /// A directory of cached status-list tokens (any file names).
    #[arg(long, value_name = "DIR")]
    pub status_dir: Option<PathBuf>,
    /// One JSON object per input instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Largest input file `verify` reads (a phone photo is a few MiB; a certificate text 4 KiB).
/// Bigger files are reported as too large without being read whole.
pub const MAX_INPUT_FILE: u64 = 16 * 1024 * 1024;

/// An input resolved to what to verify.
enum Input {
    Text(String),
    Image(Vec<u8>),
    /// A file above [`MAX_INPUT_FILE`] (only the first cap + 1 bytes were read).
    TooLarge,
}

/// Reads at most `cap + 1` bytes of a file: `None` if it holds more than `cap`.
fn read_capped(path: &Path, cap: u64) -> Result<Option<Vec<u8>>, CliError> {
    use std::io::Read;
    let io = |source| CliError::Io { path: path.display().to_string(), source };
    let f = std::fs::File::open(path).map_err(io)?;
    let mut buf = Vec::new();
    f.take(cap + 1).read_to_end(&mut buf).map_err(io)?;
    Ok((buf.len() as u64 <= cap).then_some(buf))
}

/// Text saved as UTF-16 with a byte-order mark (e.g. "Unicode" in Windows editors).
fn utf16_with_bom(bytes: &[u8]) -> Option<String> {
    let (be, rest) = match bytes {
        [0xfe, 0xff, rest @ ..] => (true, rest),
        [0xff, 0xfe, rest @ ..] => (false, rest),
        _ => return None,
    };
    if rest.len() % 2 != 0 {
        return None;
    }
    let units = rest
        .chunks_exact(2)
        .map(|c| if be { u16::from_be_bytes([c[0], c[1]]) } else { u16::from_le_bytes([c[0], c[1]]) });
    char::decode_utf16(units).collect::<Result<String, _>>().ok()
}

fn is_image(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref(),
        Some("png" | "jpg" | "jpeg")
    )
}

fn resolve(arg: &str) -> Result<Vec<(String, Input)>, CliError> {
    let p = Path::new(arg);
    let load = |p: &Path| -> Result<Input, CliError> {
        let Some(bytes) = read_capped(p, MAX_INPUT_FILE)? else {
            return Ok(Input::TooLarge);
        };
        if is_image(p) {
            return Ok(Input::Image(bytes));
        }
        if let Some(t) = utf16_with_bom(&bytes) {
            return Ok(Input::Text(t));
        }
        // A UTF-8 byte-order mark and surrounding whitespace are trimmed by the verifier.
        match String::from_utf8(bytes) {
            Ok(t) => Ok(Input::Text(t)),
            Err(e) => Ok(Input::Image(e.into_bytes())),
        }
    };
    if p.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(p)
            .map_err(|source| CliError::Io { path: arg.to_owned(), source })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        files.into_iter().map(|f| Ok((f.display().to_string(), load(&f)?))).collect()
    } else if p.is_file() {
        Ok(vec![(arg.to_owned(), load(p)?)])
    } else {
        Ok(vec![(arg.to_owned(), Input::Text(arg.to_owned()))])
    }
}

fn severity(v: &Verdict) -> u8 {
    match v {
        Verdict::Valid => 0,
        Verdict::ValidStatusUnknown { .. } => 1,
        Verdict::NotOurFormat { .. } => 2,
        Verdict::Invalid { .. } => 3,
    }
}

fn verdict_text(v: &Verdict) -> String {
    match v {
        Verdict::Valid => "VALID".into(),
        Verdict::Invalid { check, reason } => format!("INVALID ({}: {reason})", check.as_str()),
        Verdict::ValidStatusUnknown { since: Some(t) } => {
            format!("SIGNATURE VALID, STATUS UNKNOWN since {t}")
        }
        Verdict::ValidStatusUnknown { since: None } => "SIGNATURE VALID, STATUS UNKNOWN".into(),
        Verdict::NotOurFormat { kind } => match kind {
            crate::verify::ForeignKind::Url(u) => {
                format!("NOT A CERTIFICATE: this QR points to a website ({u})")
            }
            crate::verify::ForeignKind::Other => "NOT A CERTIFICATE: not an AQ1 code".into(),
            crate::verify::ForeignKind::Damaged { check, reason } => {
                format!("NOT OUR FORMAT OR DAMAGED TEXT ({}: {reason})", check.as_str())
            }
        },
    }
}

/// The default trust-state file: next to the trust list, its name with ".state.json" appended.
pub fn default_trust_state(trust_list: &Path) -> PathBuf {
    let mut p = trust_list.as_os_str().to_owned();
    p.push(".state.json");
    PathBuf::from(p)
}

/// Reads a trust-state file; a missing file is no state (first run).
pub fn read_trust_state(path: &Path) -> Result<Option<TrustState>, CliError> {
    let bad = |detail: String| CliError::TrustState { path: path.display().to_string(), detail };
    match std::fs::read(path) {
        Ok(b) => serde_json::from_slice(&b).map(Some).map_err(|e| bad(format!("unreadable: {e}"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(bad(e.to_string())),
    }
}

/// Writes a trust-state file atomically (a temporary file in the same folder, then a rename).
pub fn write_trust_state(path: &Path, state: &TrustState) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, serde_json::to_vec_pretty(state).unwrap_or_default())?;
    std::fs::rename(&tmp, path)
}

/// Loads the trust store and status lists as `verify` does. With `trust_state`, the list must
/// not be older than the sequence recorded there (rollback), and a newer sequence is recorded;
/// failing to record it is a warning (this run is still protected, the next one less so).
pub fn load_stores(
    trust_list: &Path,
    anchor_key: &Path,
    status_dir: Option<&Path>,
    trust_state: Option<&Path>,
    now: i64,
) -> Result<(TrustStore, StatusStore, Vec<String>), CliError> {
    let anchor = keys::read_public_key_file(anchor_key)?;
    let seen = match trust_state {
        Some(p) => read_trust_state(p)?,
        None => None,
    };
    let mut trust = TrustStore::with_state(anchor, seen.clone());
    trust
        .update(&read(trust_list)?, now)
        .map_err(|source| CliError::TrustList { path: trust_list.display().to_string(), source })?;
    let mut status = StatusStore::new();
    let mut warnings = Vec::new();
    if let Some(p) = trust_state
        && let Some(state) = trust.state()
        && seen.as_ref() != Some(&state)
        && let Err(e) = write_trust_state(p, &state)
    {
        warnings.push(format!(
            "{}: could not record trust-list sequence {}: {e} (rollback protection of later runs)",
            p.display(),
            state.sequence
        ));
    }
    if let Some(dir) = status_dir {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|source| CliError::Io { path: dir.display().to_string(), source })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for f in files {
            if let Err(e) = status.insert(&read(&f)?, &trust, now) {
                warnings.push(format!("{}: status list ignored: {e}", f.display()));
            }
        }
    }
    Ok((trust, status, warnings))
}

/// Runs `verify`; returns the exit code of the worst verdict: 0 valid, 2 status unknown,
/// 3 not our format, 1 invalid.
pub fn run_verify(args: &VerifyArgs, now: i64, out: &mut dyn Write) -> Result<i32, CliError> {
    let state = args.trust_state.clone().unwrap_or_else(|| default_trust_state(&args.trust_list));
    let (trust, status, warnings) =
        load_stores(&args.trust_list, &args.anchor_key, args.status_dir.as_deref(), Some(&state), now)?;
    if !args.json {
        for w in &warnings {
            writeln!(out, "warning: {w}")?;
        }
    }
    let ctx = Context { trust: &trust, status: &status, now };
    let mut worst: Option<Verdict> = None;
    for arg in &args.inputs {
        for (name, input) in resolve(arg)? {
            let v: Verification = match &input {
                Input::Text(t) => verify(t, &ctx),
                Input::Image(b) => verify_image(b, &ctx),
                Input::TooLarge => crate::verify::too_large(MAX_INPUT_FILE),
            };
            if args.json {
                let mut j = serde_json::to_value(&v).unwrap_or_default();
                j["input"] = serde_json::Value::from(name.clone());
                writeln!(out, "{j}")?;
            } else {
                writeln!(out, "{name}: {}", verdict_text(&v.verdict))?;
                for c in &v.checks {
                    writeln!(
                        out,
                        "  {:<16} {:<7} {}",
                        c.name.as_str(),
                        format!("{:?}", c.outcome).to_lowercase(),
                        c.detail
                    )?;
                }
            }
            if worst.as_ref().is_none_or(|w| severity(&v.verdict) > severity(w)) {
                worst = Some(v.verdict);
            }
        }
    }
    Ok(worst.map_or(0, |v| v.exit_code()))
}

/// `certguard conformance dgc DIR`.
#[derive(Debug, Clone, clap::Args)]
pub struct ConformanceDgcArgs {
    /// A folder in the layout of the dgc-testdata repository (or any part of it).
    pub dir: PathBuf,
}

/// Prints one JSON line per case and flag, then `N checks, A agree, D differ`; exit code 1 if
/// a difference has no reason the data explains.
pub fn run_conformance_dgc(args: &ConformanceDgcArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let results =
        dgc_conformance(&args.dir).map_err(|source| CliError::Io { path: args.dir.display().to_string(), source })?;
    for r in &results {
        writeln!(out, "{}", serde_json::to_string(r).unwrap_or_default())?;
    }
    let s = summarize(&results);
    writeln!(out, "{s}")?;
    Ok(if s.unexplained > 0 { 1 } else { 0 })
}

/// `certguard trust-list sign`: sign a trust-list draft (JSON) with the offline anchor key.
///
/// Draft: `{"issuer": "...", "sequence": 8, "iat": 1780000000, "exp": 1782592000, "entries":
/// [{"alg": "ES256", "public_key_pem": "-----BEGIN PUBLIC KEY-----...", "authority_code":
/// "CN-320582", "authority_name": "...", "not_before": ..., "not_after": ...,
/// "scope": {"categories": ["1"], "regions": []}}]}`; `public_key_file` may replace
/// `public_key_pem` (relative to the draft's folder).
#[derive(Debug, Clone, clap::Args)]
pub struct TrustListSignArgs {
    /// The trust-list draft (JSON).
    #[arg(long, value_name = "FILE")]
    pub input: PathBuf,
    /// The trust-anchor private key (PEM; kept offline, never loaded by the server).
    #[arg(long, value_name = "FILE")]
    pub anchor_key: PathBuf,
    /// Environment variable holding the anchor key's passphrase.
    #[arg(long, value_name = "VAR")]
    pub passphrase_env: Option<String>,
    /// Where to write the signed list.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(serde::Deserialize)]
struct Draft {
    issuer: String,
    sequence: u64,
    iat: i64,
    exp: i64,
    entries: Vec<DraftEntry>,
}

#[derive(serde::Deserialize)]
struct DraftEntry {
    alg: String,
    public_key_pem: Option<String>,
    public_key_file: Option<PathBuf>,
    authority_code: String,
    authority_name: String,
    not_before: i64,
    not_after: i64,
    #[serde(default)]
    scope: Scope,
}

pub fn run_trust_list_sign(args: &TrustListSignArgs, out: &mut dyn Write) -> Result<i32, CliError> {
    let path = args.input.display().to_string();
    let bad = |detail: String| CliError::Draft { path: path.clone(), detail };
    let draft: Draft = serde_json::from_slice(&read(&args.input)?).map_err(|e| bad(e.to_string()))?;
    if draft.exp <= draft.iat {
        return Err(bad("exp must be after iat".into()));
    }
    let base = args.input.parent().unwrap_or(Path::new("."));
    let mut entries = Vec::new();
    for (i, e) in draft.entries.into_iter().enumerate() {
        let alg = Algorithm::from_name(&e.alg).ok_or_else(|| bad(format!("entry {i}: unknown alg {}", e.alg)))?;
        let pem = match (e.public_key_pem, e.public_key_file) {
            (Some(p), _) => p,
            (None, Some(f)) => String::from_utf8_lossy(&read(&base.join(f))?).into_owned(),
            (None, None) => return Err(bad(format!("entry {i}: no public key"))),
        };
        let key = keys::public_key_from_pem(&pem)?;
        if key.kind() != alg.required_key() {
            return Err(bad(format!("entry {i}: {alg} needs a {} key, got {}", alg.required_key(), key.kind())));
        }
        let mut entry = TrustEntry::for_key(alg, key, &e.authority_code, &e.authority_name, e.not_before, e.not_after);
        entry.scope = e.scope;
        entries.push(entry);
    }
    let anchor = SigningKey::read_file(&args.anchor_key, passphrase(&args.passphrase_env)?.as_deref())?;
    let list = TrustList { issuer: draft.issuer, sequence: draft.sequence, iat: draft.iat, exp: draft.exp, entries };
    let signed = list.sign(&anchor);
    std::fs::write(&args.out, &signed)
        .map_err(|source| CliError::Io { path: args.out.display().to_string(), source })?;
    writeln!(
        out,
        "signed trust list sequence {} with {} entries ({} bytes) by anchor kid {} -> {}",
        list.sequence,
        list.entries.len(),
        signed.len(),
        hex::encode(anchor.kid()),
        args.out.display()
    )?;
    Ok(0)
}

/// `certguard keygen`: create a signing (or trust-anchor) key file, mode 0600.
#[derive(Debug, Clone, clap::Args)]
pub struct KeygenArgs {
    /// ES256 (P-256) or EdDSA (Ed25519).
    #[arg(long, default_value = "ES256")]
    pub alg: String,
    /// Private key file to create (PEM, mode 0600).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Public key file (PEM); default: OUT with ".pub" appended.
    #[arg(long, value_name = "FILE")]
    pub public_out: Option<PathBuf>,
    /// Environment variable holding a passphrase to encrypt the key with.
    #[arg(long, value_name = "VAR")]
    pub passphrase_env: Option<String>,
    /// Overwrite an existing key file.
    #[arg(long)]
    pub force: bool,
}

pub fn run_keygen(
    args: &KeygenArgs,
    rng: &mut impl rand_core::CryptoRng,
    out: &mut dyn Write,
) -> Result<i32, CliError> {
    let alg = Algorithm::from_name(&args.alg)
        .filter(|a| matches!(a, Algorithm::ES256 | Algorithm::EdDSA))
        .ok_or_else(|| keys::KeyFileError::CannotIssue(Algorithm::from_name(&args.alg).unwrap_or(Algorithm::PS256)))?;
    if args.out.exists() && !args.force {
        return Err(CliError::Io {
            path: args.out.display().to_string(),
            source: std::io::Error::new(std::io::ErrorKind::AlreadyExists, "exists (use --force)"),
        });
    }
    let key = SigningKey::generate(alg, rng)?;
    key.write_file(&args.out, passphrase(&args.passphrase_env)?.as_deref(), rng)?;
    let pub_path = args.public_out.clone().unwrap_or_else(|| {
        let mut p = args.out.clone().into_os_string();
        p.push(".pub");
        PathBuf::from(p)
    });
    std::fs::write(&pub_path, keys::public_key_to_pem(&key.public_key()))
        .map_err(|source| CliError::Io { path: pub_path.display().to_string(), source })?;
    writeln!(
        out,
        "{alg} key kid {} -> {} (public: {})",
        hex::encode(key.kid()),
        args.out.display(),
        pub_path.display()
    )?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::TestRng;
    use clap::Parser;

    #[derive(clap::Parser)]
    enum Cmd {
        Verify(VerifyArgs),
        Keygen(KeygenArgs),
        TrustListSign(TrustListSignArgs),
        ConformanceDgc(ConformanceDgcArgs),
    }

    const NOW: i64 = 1_780_272_000;

    #[test]
    fn keygen_sign_trust_list_issue_and_verify_end_to_end() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut rng = TestRng::new(77);
        let mut out = Vec::new();
        let p = |s: &str| d.join(s).display().to_string();
        let Cmd::Keygen(k) = Cmd::parse_from(["x", "keygen", "--alg", "EdDSA", "--out", &p("anchor.pem")]) else {
            panic!()
        };
        assert_eq!(run_keygen(&k, &mut rng, &mut out).unwrap(), 0);
        let Cmd::Keygen(k) = Cmd::parse_from(["x", "keygen", "--out", &p("issuer.pem")]) else { panic!() };
        run_keygen(&k, &mut rng, &mut out).unwrap();
        assert!(run_keygen(&k, &mut rng, &mut out).is_err(), "refuses to overwrite");
        let draft = serde_json::json!({
            "issuer": "test anchor", "sequence": 1, "iat": NOW - 10, "exp": NOW + 86_400,
            "entries": [{"alg": "ES256", "public_key_file": "issuer.pem.pub", "authority_code": "CN-320582",
                         "authority_name": "张家港市应急管理局", "not_before": NOW - 100, "not_after": NOW + 100}]
        });
        std::fs::write(d.join("draft.json"), draft.to_string()).unwrap();
        let Cmd::TrustListSign(t) = Cmd::parse_from([
            "x",
            "trust-list-sign",
            "--input",
            &p("draft.json"),
            "--anchor-key",
            &p("anchor.pem"),
            "--out",
            &p("trust.cose"),
        ]) else {
            panic!()
        };
        assert_eq!(run_trust_list_sign(&t, &mut out).unwrap(), 0);

        let issuer = SigningKey::read_file(&d.join("issuer.pem"), None).unwrap();
        let text = crate::envelope::issue(
            &crate::body::sample_body(),
            &crate::body::Claims::new("CN-320582", NOW - 5, NOW + 1000, None, &mut rng),
            &issuer,
        );
        std::fs::create_dir(d.join("photos")).unwrap();
        std::fs::write(d.join("photos/card.png"), crate::qr::to_png(&text, 8).unwrap()).unwrap();
        let blank = image::GrayImage::from_pixel(200, 200, image::Luma([255]));
        blank.save(d.join("photos/blank.png")).unwrap();

        let Cmd::Verify(v) = Cmd::parse_from([
            "x",
            "verify",
            &text,
            "--trust-list",
            &p("trust.cose"),
            "--anchor-key",
            &p("anchor.pem.pub"),
            "--json",
        ]) else {
            panic!()
        };
        let mut out = Vec::new();
        // No status reference in this credential: signature valid, status unknown.
        assert_eq!(run_verify(&v, NOW, &mut out).unwrap(), 2);
        let line: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(line["verdict"], "valid_status_unknown");

        let Cmd::Verify(v) = Cmd::parse_from([
            "x",
            "verify",
            &p("photos"),
            "--trust-list",
            &p("trust.cose"),
            "--anchor-key",
            &p("anchor.pem.pub"),
        ]) else {
            panic!()
        };
        let mut out = Vec::new();
        assert_eq!(run_verify(&v, NOW, &mut out).unwrap(), 1, "the blank photo is invalid");
        let text_out = String::from_utf8(out).unwrap();
        assert!(text_out.contains("blank.png: INVALID (qr: no QR code found"), "{text_out}");
        assert!(text_out.contains("card.png: SIGNATURE VALID, STATUS UNKNOWN"), "{text_out}");

        // Trust list expired by the time of verification: an error, not a verdict.
        assert!(matches!(run_verify(&v, NOW + 90_000, &mut Vec::new()), Err(CliError::TrustList { .. })));
    }

    #[test]
    fn verify_records_the_trust_list_sequence_and_refuses_rollback() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut rng = TestRng::new(78);
        let anchor = SigningKey::generate(Algorithm::EdDSA, &mut rng).unwrap();
        let removed = SigningKey::generate(Algorithm::ES256, &mut rng).unwrap();
        std::fs::write(d.join("anchor.pub"), keys::public_key_to_pem(&anchor.public_key())).unwrap();
        let entry = |k: &SigningKey| {
            TrustEntry::for_key(Algorithm::ES256, k.public_key(), "CN-320582", "张家港", NOW - 100, NOW + 100)
        };
        let signed = |seq: u64, entries: Vec<TrustEntry>| {
            TrustList { issuer: "t".into(), sequence: seq, iat: NOW - 10, exp: NOW + 86_400, entries }.sign(&anchor)
        };
        // Sequence 1 names the key; sequence 2 removed it.
        std::fs::write(d.join("old.cose"), signed(1, vec![entry(&removed)])).unwrap();
        std::fs::write(d.join("trust.cose"), signed(2, vec![])).unwrap();
        let text = crate::envelope::issue(
            &crate::body::sample_body(),
            &crate::body::Claims::new("CN-320582", NOW - 5, NOW + 1000, None, &mut rng),
            &removed,
        );
        let p = |s: &str| d.join(s).display().to_string();
        let args = |list: &str| {
            let Cmd::Verify(v) = Cmd::parse_from([
                "x",
                "verify",
                &text,
                "--trust-list",
                &p(list),
                "--anchor-key",
                &p("anchor.pub"),
                "--trust-state",
                &p("state.json"),
            ]) else {
                panic!()
            };
            v
        };
        assert_eq!(run_verify(&args("trust.cose"), NOW, &mut Vec::new()).unwrap(), 1, "removed key: invalid");
        let state: TrustState = serde_json::from_slice(&std::fs::read(d.join("state.json")).unwrap()).unwrap();
        assert_eq!(state.sequence, 2);
        // The older list naming the removed key is refused with a clear error.
        let err = run_verify(&args("old.cose"), NOW, &mut Vec::new()).unwrap_err();
        assert!(
            matches!(
                err,
                CliError::TrustList { source: crate::trust_list::TrustListError::Rollback { offered: 1, held: 2 }, .. }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("rollback refused"), "{err}");
        // The default state file lives next to the trust list.
        let Cmd::Verify(v) =
            Cmd::parse_from(["x", "verify", &text, "--trust-list", &p("trust.cose"), "--anchor-key", &p("anchor.pub")])
        else {
            panic!()
        };
        run_verify(&v, NOW, &mut Vec::new()).unwrap();
        assert!(d.join("trust.cose.state.json").is_file());
        // A corrupt state file stops the run rather than silently forgetting.
        std::fs::write(d.join("state.json"), "{").unwrap();
        assert!(matches!(run_verify(&args("trust.cose"), NOW, &mut Vec::new()), Err(CliError::TrustState { .. })));
    }

    #[test]
    fn verify_caps_input_files_and_reads_bom_texts() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let mut rng = TestRng::new(79);
        let anchor = SigningKey::generate(Algorithm::EdDSA, &mut rng).unwrap();
        let issuer = SigningKey::generate(Algorithm::ES256, &mut rng).unwrap();
        std::fs::write(d.join("anchor.pub"), keys::public_key_to_pem(&anchor.public_key())).unwrap();
        let entry = TrustEntry::for_key(Algorithm::ES256, issuer.public_key(), "CN-320582", "x", NOW - 100, NOW + 100);
        let list =
            TrustList { issuer: "t".into(), sequence: 1, iat: NOW - 10, exp: NOW + 86_400, entries: vec![entry] };
        std::fs::write(d.join("trust.cose"), list.sign(&anchor)).unwrap();
        let text = crate::envelope::issue(
            &crate::body::sample_body(),
            &crate::body::Claims::new("CN-320582", NOW - 5, NOW + 1000, None, &mut rng),
            &issuer,
        );
        let inputs = d.join("in");
        std::fs::create_dir(&inputs).unwrap();
        // UTF-8 with BOM and CRLF, UTF-16LE and UTF-16BE with BOM: all the genuine text.
        std::fs::write(inputs.join("a_utf8_bom.txt"), format!("\u{feff}{text}\r\n")).unwrap();
        let utf16 = |be: bool| -> Vec<u8> {
            let mut b = if be { vec![0xfe, 0xff] } else { vec![0xff, 0xfe] };
            for u in format!("{text}\r\n").encode_utf16() {
                b.extend_from_slice(&if be { u.to_be_bytes() } else { u.to_le_bytes() });
            }
            b
        };
        std::fs::write(inputs.join("b_utf16le.txt"), utf16(false)).unwrap();
        std::fs::write(inputs.join("c_utf16be.txt"), utf16(true)).unwrap();
        // A huge input: a sparse 200 MB file (no disk used) must not be read whole.
        let f = std::fs::File::create(inputs.join("d_huge.txt")).unwrap();
        f.set_len(200 * 1024 * 1024).unwrap();
        drop(f);
        let Cmd::Verify(v) = Cmd::parse_from([
            "x",
            "verify",
            &inputs.display().to_string(),
            "--trust-list",
            &d.join("trust.cose").display().to_string(),
            "--anchor-key",
            &d.join("anchor.pub").display().to_string(),
            "--json",
        ]) else {
            panic!()
        };
        let mut out = Vec::new();
        assert_eq!(run_verify(&v, NOW, &mut out).unwrap(), 3, "worst: the huge file, not our format");
        let lines: Vec<serde_json::Value> =
            String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 4);
        for l in &lines[..3] {
            assert_eq!(l["verdict"], "valid_status_unknown", "{l}");
        }
        assert_eq!(lines[3]["verdict"], "not_our_format");
        assert_eq!(lines[3]["kind"]["type"], "damaged");
        assert!(lines[3]["kind"]["value"]["reason"].as_str().unwrap().contains("too large"), "{}", lines[3]);
        // read_capped reads at most cap + 1 bytes.
        assert_eq!(read_capped(&inputs.join("d_huge.txt"), 10).unwrap(), None);
        assert_eq!(read_capped(&inputs.join("a_utf8_bom.txt"), 10_000).unwrap().unwrap().len(), text.len() + 5);
    }

    #[test]
    fn conformance_command_prints_lines_and_summary() {
        let dir = tempfile::tempdir().unwrap();
        let raw = dir.path().join("XX/2DCode/raw");
        std::fs::create_dir_all(&raw).unwrap();
        std::fs::write(raw.join("1.json"), r#"{"PREFIX": "HC1:BB8", "BASE45": "BB8", "EXPECTEDRESULTS": {"EXPECTEDUNPREFIX": true, "EXPECTEDB45DECODE": false}}"#).unwrap();
        let Cmd::ConformanceDgc(a) = Cmd::parse_from(["x", "conformance-dgc", &dir.path().display().to_string()])
        else {
            panic!()
        };
        let mut out = Vec::new();
        let code = run_conformance_dgc(&a, &mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines.len(), 3, "{s}");
        assert!(lines[0].contains("\"flag\":\"UNPREFIX\"") && lines[0].contains("\"got\":true"));
        // "BB8" is valid Base45, so B45DECODE=false is an unexplained difference: exit 1.
        assert!(lines[1].contains("\"reason\":\"unexplained"));
        assert_eq!(lines[2], "2 checks, 1 agree, 1 differ");
        assert_eq!(code, 1);
    }
}
