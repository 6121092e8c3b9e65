//! `certguard log ...`: proofs from the local registry, offline proof verification, and the auditor that
//! follows any C2SP tiled log over HTTP.

use anyhow::{Context, Result, bail};
use certguard_app::translog::audit::{AuditState, LogSource, audit};
use certguard_tlog::note::VerifierKey;
use certguard_tlog::proof_file::{MAX_PROOF_FILE_BYTES, ProofFile};
use clap::{Args, Subcommand};
use std::io::Read;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum LogCommand {
    /// Print the offline proof (c2sp.org/tlog-proof) of a certificate's latest log entry.
    Prove {
        /// The certificate's serial (32 hex digits).
        serial: String,
        /// Write it to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        store: crate::StoreFlags,
    },
    /// Write the log as static files (checkpoint, vkey, tiles and entry bundles in the C2SP tlog-tiles layout)
    /// under DIR, for any static web server or object store to serve; later runs write only what is new.
    Mirror {
        /// The directory to write (created if missing).
        dir: PathBuf,
        #[command(flatten)]
        store: crate::StoreFlags,
    },
    /// Verify an offline proof file against the log's verifier key; exits 1 if it does not verify.
    VerifyProof(VerifyProofArgs),
    /// Audit a transparency log over HTTP: every entry, tile and root against the signed checkpoint, and
    /// consistency with the checkpoint seen last time (--state). Exits 1 on any anomaly, 2 on errors.
    Audit(AuditArgs),
}

/// `certguard verify` with the transparency-log options.
#[derive(Args)]
pub struct VerifyCmd {
    #[command(flatten)]
    pub base: certguard_credential::cli::VerifyArgs,
    /// The log's verifier key (or @FILE): check that each AQ1 text input was logged, using --log-proof files.
    #[arg(long)]
    pub log_vkey: Option<String>,
    /// Offline proofs (.tlog-proof, as the e-certificate page offers them); each text input needs one whose
    /// entry logged exactly that credential.
    #[arg(long = "log-proof", value_name = "FILE")]
    pub log_proofs: Vec<PathBuf>,
    /// Fail (exit 1) for any text input without a verified proof of logging: a credential signed by a stolen
    /// key was never logged.
    #[arg(long)]
    pub require_log: bool,
    /// The log's prefix (e.g. https://registry.example/log): for a text input without a --log-proof file, its
    /// proof is fetched from <url>/proof/<serial> and verified like a file (against --log-vkey, so the server
    /// is not trusted).
    #[arg(long)]
    pub log_url: Option<String>,
    /// Witness keys whose cosignatures count toward --quorum.
    #[arg(long = "witness")]
    pub witnesses: Vec<String>,
    #[arg(long, default_value_t = 0)]
    pub quorum: usize,
}

/// The serial a credential names (its `cti`), read without checking the signature: the proof is checked
/// against the credential's own bytes anyway.
fn credential_serial(text: &str) -> Option<String> {
    use certguard_credential::envelope::{AQ1, unwrap};
    let u = unwrap(text, &AQ1).ok()?;
    let v = certguard_credential::cbor::decode(&u.cose.payload).ok()?;
    let (claims, _) = certguard_credential::body::claims_from_value(&v).ok()?;
    // A serial is 16 bytes; anything else names no certificate (and is not put into a URL).
    (claims.cti.len() == 16).then(|| claims.cti.iter().map(|b| format!("{b:02x}")).collect())
}

/// Fetches a certificate's latest proof from a log over HTTP, within the proof-file size limit.
fn fetch_proof(base: &str, serial: &str) -> Result<ProofFile, String> {
    let url = format!("{}/proof/{serial}", base.trim_end_matches('/'));
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(std::time::Duration::from_secs(30))).build().into();
    let mut res = agent.get(&url).call().map_err(|e| format!("{url}: {e}"))?;
    let text = res
        .body_mut()
        .with_config()
        .limit(MAX_PROOF_FILE_BYTES as u64)
        .read_to_string()
        .map_err(|e| format!("{url}: {e}"))?;
    ProofFile::parse(&text).map_err(|e| format!("{url}: {e}"))
}

/// The log check of `certguard verify`: 0 when every AQ1 text input has a verified proof (or no log check
/// was asked for), 1 when one has none and --require-log is set or a given proof fails.
pub fn check_logged(cmd: &VerifyCmd) -> Result<i32> {
    if cmd.log_vkey.is_none() && !cmd.require_log && cmd.log_proofs.is_empty() && cmd.log_url.is_none() {
        return Ok(0);
    }
    let key = vkey(cmd.log_vkey.as_deref().context("--log-vkey is needed to check proofs of logging")?)?;
    let witnesses = cmd.witnesses.iter().map(|w| vkey(w)).collect::<Result<Vec<_>>>()?;
    let mut proofs = Vec::new();
    for path in &cmd.log_proofs {
        let mut text = String::new();
        std::fs::File::open(path)
            .with_context(|| format!("opening {}", path.display()))?
            .take(MAX_PROOF_FILE_BYTES as u64 + 1)
            .read_to_string(&mut text)
            .with_context(|| format!("{} is not text", path.display()))?;
        proofs.push((
            path.display().to_string(),
            ProofFile::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
        ));
    }
    let mut code = 0;
    for input in &cmd.base.inputs {
        // Photos are read for their QR (within the verifier's pixel budget); directories are left to the
        // signature check above.
        let text = match std::fs::metadata(input) {
            Ok(m) if m.is_file() && m.len() <= certguard_credential::cli::MAX_INPUT_FILE => {
                let bytes = std::fs::read(input).with_context(|| format!("reading {input}"))?;
                match String::from_utf8(bytes) {
                    Ok(t) => t,
                    Err(e) => {
                        certguard_credential::qr::decode_image_within(e.as_bytes(), 12_500_000).unwrap_or_default()
                    }
                }
            }
            Ok(_) => continue,
            Err(_) => input.clone(),
        };
        let text = text.trim();
        if !text.starts_with("AQ1:") {
            continue;
        }
        let check = |p: &ProofFile| {
            certguard_app::translog::verify_proof_file(p, &key.name, &key, &witnesses, cmd.quorum, Some(text))
        };
        let mut found =
            proofs.iter().find_map(|(name, p)| check(p).ok().map(|(entry, cp)| (name.clone(), p.index, entry, cp)));
        if found.is_none()
            && let Some(base) = &cmd.log_url
        {
            match credential_serial(text).ok_or_else(|| "the credential names no serial".to_string()).and_then(
                |serial| {
                    let p = fetch_proof(base, &serial)?;
                    let (entry, cp) = check(&p).map_err(|e| format!("the fetched proof does not verify: {e}"))?;
                    Ok((format!("fetched from {base}"), p.index, entry, cp))
                },
            ) {
                Ok(f) => found = Some(f),
                Err(e) => println!("log: {e}"),
            }
        }
        match found {
            Some((name, index, entry, cp)) => println!(
                "log: recorded as entry {index} of {} ({}, {}), proof {name}",
                cp.size,
                entry.kind.code(),
                cp.origin
            ),
            None if cmd.require_log => {
                println!("log: NO verified proof that this credential was ever logged: treat it as fake");
                code = 1;
            }
            None => println!("log: no proof of logging given for this credential"),
        }
    }
    Ok(code)
}

#[derive(Args)]
pub struct VerifyProofArgs {
    /// The .tlog-proof file.
    pub file: PathBuf,
    /// The log's verifier key (name+id+key, as served at /log/vkey), or @FILE.
    #[arg(long)]
    pub vkey: String,
    /// The log's origin (default: the key's name).
    #[arg(long)]
    pub origin: Option<String>,
    /// A witness's cosignature key (repeatable), or @FILE.
    #[arg(long = "witness")]
    pub witnesses: Vec<String>,
    /// How many of the witnesses must have cosigned.
    #[arg(long, default_value_t = 0)]
    pub quorum: usize,
    /// The AQ1 credential text (or @FILE) the proof must be about.
    #[arg(long)]
    pub credential: Option<String>,
}

#[derive(Args)]
pub struct AuditArgs {
    /// The log's prefix, e.g. https://registry.example/log
    pub url: String,
    /// The log's verifier key (or @FILE). Without it the key is fetched from <url>/vkey and pinned in the
    /// state file on first use.
    #[arg(long)]
    pub vkey: Option<String>,
    #[arg(long)]
    pub origin: Option<String>,
    /// Audit any C2SP tiled log: entries are checked against the tree but not decoded as ours.
    #[arg(long)]
    pub raw: bool,
    /// Where the last verified checkpoint is kept between runs (consistency is checked against it).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// A signed trust list (the file served at /trust-list): every key it names must have been announced in
    /// the log, and every key the log holds in force must be in it. Needs --anchor.
    #[arg(long, requires = "anchor")]
    pub trust_list: Option<PathBuf>,
    /// The trust anchor's public key (PEM) that signed --trust-list.
    #[arg(long, requires = "trust_list")]
    pub anchor: Option<PathBuf>,
}

/// The keys a signed trust list names, checked against its anchor.
fn trusted_keys(list: &std::path::Path, anchor: &std::path::Path) -> Result<Vec<certguard_app::translog::TrustedKey>> {
    let pem = std::fs::read_to_string(anchor).with_context(|| format!("reading {}", anchor.display()))?;
    let anchor = certguard_credential::keys::public_key_from_pem(&pem).map_err(|e| anyhow::anyhow!("anchor: {e}"))?;
    let bytes = std::fs::read(list).with_context(|| format!("reading {}", list.display()))?;
    let mut store = certguard_credential::trust_list::TrustStore::with_state(anchor, None);
    let now = chrono::Utc::now().timestamp();
    let list = store.update(&bytes, now).map_err(|e| anyhow::anyhow!("trust list: {e}"))?;
    Ok(list
        .entries
        .iter()
        .map(|e| certguard_app::translog::TrustedKey {
            authority: e.authority_code.clone(),
            kid: e.kid.clone(),
            public_key: e.key.spki_der().to_vec(),
        })
        .collect())
}

fn read_arg(value: &str) -> Result<String> {
    match value.strip_prefix('@') {
        Some(path) => Ok(std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?.trim().to_string()),
        None => Ok(value.trim().to_string()),
    }
}

fn vkey(value: &str) -> Result<VerifierKey> {
    VerifierKey::parse(&read_arg(value)?).map_err(|e| anyhow::anyhow!("verifier key: {e}"))
}

pub fn verify_proof(args: &VerifyProofArgs) -> Result<i32> {
    let mut text = String::new();
    std::fs::File::open(&args.file)
        .with_context(|| format!("opening {}", args.file.display()))?
        .take(MAX_PROOF_FILE_BYTES as u64 + 1)
        .read_to_string(&mut text)
        .context("the proof file is not UTF-8 text")?;
    let file = ProofFile::parse(&text).map_err(|e| anyhow::anyhow!("{e}"))?;
    let key = vkey(&args.vkey)?;
    let origin = args.origin.clone().unwrap_or_else(|| key.name.clone());
    let witnesses = args.witnesses.iter().map(|w| vkey(w)).collect::<Result<Vec<_>>>()?;
    let credential = args.credential.as_deref().map(read_arg).transpose()?;
    match certguard_app::translog::verify_proof_file(
        &file,
        &origin,
        &key,
        &witnesses,
        args.quorum,
        credential.as_deref(),
    ) {
        Ok((entry, checkpoint)) => {
            println!(
                "verified: entry {} of {} in {} ({} of certificate {} by {})",
                file.index,
                checkpoint.size,
                checkpoint.origin,
                entry.kind.code(),
                entry.serial,
                entry.authority
            );
            Ok(0)
        }
        Err(e) => {
            println!("NOT verified: {e}");
            Ok(1)
        }
    }
}

/// Reads a log over HTTP with bounded responses.
struct Http {
    agent: ureq::Agent,
    base: String,
}

impl LogSource for Http {
    fn get(&mut self, path: &str) -> Result<Vec<u8>, String> {
        // The largest object of a tiled log is a full entry bundle: 256 entries of at most 64 KiB.
        const LIMIT: u64 = 256 * (65_535 + 2);
        let url = format!("{}/{path}", self.base);
        let mut res = self.agent.get(&url).call().map_err(|e| format!("{url}: {e}"))?;
        res.body_mut().with_config().limit(LIMIT).read_to_vec().map_err(|e| format!("{url}: {e}"))
    }
}

pub fn audit_log(args: &AuditArgs) -> Result<i32> {
    let base = args.url.trim_end_matches('/').to_string();
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(std::time::Duration::from_secs(30))).build().into();
    let mut http = Http { agent, base };
    let previous: Option<(AuditState, String)> = match &args.state {
        Some(p) if p.exists() => {
            let text = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            let v: serde_json::Value = serde_json::from_str(&text).context("state file")?;
            let state: AuditState = serde_json::from_value(v["checkpoint"].clone()).context("state file")?;
            Some((state, v["vkey"].as_str().unwrap_or_default().to_string()))
        }
        _ => None,
    };
    let key = match (&args.vkey, &previous) {
        (Some(v), _) => vkey(v)?,
        (None, Some((_, pinned))) if !pinned.is_empty() => {
            VerifierKey::parse(pinned).map_err(|e| anyhow::anyhow!("{e}"))?
        }
        (None, _) => {
            let served = String::from_utf8(http.get("vkey").map_err(anyhow::Error::msg)?)?;
            eprintln!("warning: trusting the key the log serves on first use: {}", served.trim());
            VerifierKey::parse(served.trim()).map_err(|e| anyhow::anyhow!("{e}"))?
        }
    };
    if let Some((_, pinned)) = &previous
        && !pinned.is_empty()
        && *pinned != key.to_string()
    {
        bail!("the log's key is not the one pinned in the state file ({pinned})");
    }
    let origin = args.origin.clone().unwrap_or_else(|| key.name.clone());
    let pb = crate::progress_count("auditing entries");
    let report = match audit(&mut http, &key, &origin, previous.as_ref().map(|(s, _)| s), !args.raw, |done, total| {
        pb.set_length(total);
        pb.set_position(done);
    }) {
        Ok(r) => r,
        Err(e) => {
            pb.finish_and_clear();
            eprintln!("error: {e}");
            return Ok(2);
        }
    };
    pb.finish_and_clear();
    let mut report = report;
    if let (Some(list), Some(anchor)) = (&args.trust_list, &args.anchor) {
        let trusted = trusted_keys(list, anchor)?;
        match &report.state.keys {
            Some(ledger) => report.anomalies.extend(certguard_app::translog::audit::check_trust_list(ledger, &trusted)),
            None => {
                eprintln!(
                    "error: no key ledger (a --raw audit, or a state file from before key tracking): audit once \
                     without --raw and without --state to rebuild it"
                );
                return Ok(2);
            }
        }
    }
    println!("{}", serde_json::to_string_pretty(&report)?);
    if report.anomalies.is_empty() {
        if let Some(p) = &args.state {
            let state = serde_json::json!({ "vkey": key.to_string(), "checkpoint": report.state });
            std::fs::write(p, serde_json::to_string_pretty(&state)?)
                .with_context(|| format!("writing {}", p.display()))?;
        }
        eprintln!(
            "ok: {} entries, {} checked in this run, no anomalies",
            report.size,
            report.size - report.checked_from
        );
        Ok(0)
    } else {
        // The state is not advanced: the evidence (both checkpoints) stays reproducible.
        eprintln!("ALARM: {} anomalies", report.anomalies.len());
        Ok(1)
    }
}
