//! `certguard roster ...`: an employer verifies its whole roster (a CSV/XLSX table, pasted QR texts, or a folder
//! of QR photos) and gets a signed receipt; anyone verifies a receipt offline.

use anyhow::{Context, Result, bail};
use certguard_app::roster::{RosterRequest, RosterSummary, WorkerResult};
use certguard_casework::receipt;
use certguard_casework::roster::RosterResult;
use clap::{Subcommand, ValueEnum};
use std::io::{BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum RosterFormat {
    Jsonl,
    Xlsx,
}

#[derive(Subcommand)]
pub enum RosterCommand {
    /// Verify every worker of a roster: a CSV/XLSX table (证号, 姓名, optionally 操作项目; or a 二维码 column),
    /// a text file of pasted AQ1 QR texts (one per line) or a folder of QR photos. One JSON line per worker
    /// in input order (row, number masked, name, result, reason); exit status 2 when a worker may not work.
    Verify {
        input: PathBuf,
        #[arg(long, value_enum, default_value = "jsonl")]
        format: RosterFormat,
        /// Where the results go (default: standard output for jsonl; required for xlsx, which also writes the
        /// JSON lines the receipt covers beside it as <out>.jsonl).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write the signed verification receipt here.
        #[arg(long)]
        receipt: Option<PathBuf>,
        /// The employer's unified social credit code (统一社会信用代码), named in the receipt.
        #[arg(long)]
        employer: Option<String>,
        /// Who ran the check, named in the receipt.
        #[arg(long, default_value = "operator")]
        by: String,
        #[command(flatten)]
        store: crate::StoreFlags,
        /// Only read the table (the benchmark's baseline): no verification.
        #[arg(long, hide = true)]
        read_only: bool,
    },
    /// Bind an employer account to its unit (统一社会信用代码): its roster is kept for reminders, and its
    /// receipts name that unit and no other.
    Bind {
        username: String,
        uscc: String,
        #[command(flatten)]
        store: crate::StoreFlags,
    },
    /// Verify a receipt offline with the server's receipt key (DATA_DIR/keys/receipt.vkey, or /roster/receipt.vkey
    /// on the server) and, given the results file, that it is the one the receipt covers.
    Receipt {
        receipt: PathBuf,
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        results: Option<PathBuf>,
    },
}

fn photo_paths(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Whether a file holds pasted QR texts rather than a table.
fn is_pasted_text(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let t = text.trim_start_matches('\u{feff}').trim_start();
    t.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("AQ1:"))
}

pub async fn run(mut c: crate::Config, command: RosterCommand) -> Result<i32> {
    match command {
        RosterCommand::Receipt { receipt: path, key, results } => {
            let key_text = std::fs::read_to_string(&key).with_context(|| format!("reading {}", key.display()))?;
            let key = certguard_tlog::note::VerifierKey::parse(key_text.trim())
                .map_err(|e| anyhow::anyhow!("{}: {e}", key.display()))?;
            let signed = read_capped(&path, 64 * 1024)?;
            let r = match receipt::verify(&signed, &key) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("INVALID: {e}");
                    return Ok(1);
                }
            };
            if let Some(results) = results {
                let bytes = std::fs::read(&results).with_context(|| format!("reading {}", results.display()))?;
                if let Err(e) = receipt::check_results(&r, &bytes) {
                    eprintln!("INVALID: {e}");
                    return Ok(1);
                }
            }
            println!("{}", serde_json::to_string_pretty(&r)?);
            eprintln!(
                "receipt {} is genuine: {} workers checked at {} by {}{}",
                r.id,
                r.rows,
                r.time,
                r.by,
                r.employer.as_ref().map(|e| format!(" for {e}")).unwrap_or_default()
            );
            Ok(0)
        }
        RosterCommand::Bind { username, uscc, store } => {
            crate::apply_store_flags(&mut c, store.data_dir, store.database_url);
            let s = crate::services(&c).await?;
            let unit = certguard_app::roster::bind_employer(
                &s.registry,
                &certguard_access::AdminGrant::local_operator("roster-bind"),
                &username,
                &uscc,
            )
            .await?;
            println!("{username} belongs to {unit}");
            Ok(0)
        }
        RosterCommand::Verify { input, read_only: true, .. } => {
            let file = std::fs::File::open(&input).with_context(|| format!("opening {}", input.display()))?;
            let (rows, sha) =
                tokio::task::spawn_blocking(move || certguard_app::roster::count_table_rows(file)).await??;
            println!("{{\"rows\":{rows},\"input_sha256\":\"{sha}\"}}");
            Ok(0)
        }
        RosterCommand::Verify { input, format, out, receipt: receipt_path, employer, by, store, .. } => {
            crate::apply_store_flags(&mut c, store.data_dir, store.database_url);
            let employer = employer
                .map(|e| e.parse::<certguard_casework::Uscc>())
                .transpose()
                .map_err(|e| anyhow::anyhow!("--employer: {e}"))?;
            if format == RosterFormat::Xlsx && out.is_none() {
                bail!("--format xlsx needs --out FILE.xlsx");
            }
            let s = crate::services(&c).await?;
            let req = RosterRequest {
                grant: certguard_access::RosterVerifierGrant::local_operator(&by),
                employer,
                client: None,
                save_roster: false,
            };
            let jsonl_path = match (format, &out) {
                (RosterFormat::Xlsx, Some(o)) => Some(o.with_extension("jsonl")),
                (_, o) => o.clone(),
            };
            let mut sink: Box<dyn Write> = match &jsonl_path {
                Some(p) => Box::new(BufWriter::new(
                    std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?,
                )),
                None => Box::new(BufWriter::new(std::io::stdout().lock())),
            };
            let mut write_err: Option<std::io::Error> = None;
            let mut not_permitted = 0u64;
            let mut on_line = |w: &WorkerResult, line: &str| {
                if !w.outcome.result.permits_work() {
                    not_permitted += 1;
                }
                if write_err.is_none()
                    && let Err(e) = sink.write_all(line.as_bytes())
                {
                    write_err = Some(e);
                }
            };
            let summary: RosterSummary = if input.is_dir() {
                let paths = photo_paths(&input)?;
                let pb = crate::progress_count("photos");
                pb.set_length(paths.len() as u64);
                let pb2 = pb.clone();
                let s = certguard_app::roster::verify_photos(&s.registry, &req, &paths, &mut on_line, move |n| {
                    pb2.set_position(n)
                })
                .await?;
                pb.finish_and_clear();
                s
            } else {
                let mut head = vec![0u8; 64];
                let n = std::io::Read::read(
                    &mut std::fs::File::open(&input).with_context(|| format!("opening {}", input.display()))?,
                    &mut head,
                )?;
                head.truncate(n);
                if is_pasted_text(&head) {
                    let text = read_capped(&input, 64 * 1024 * 1024)?;
                    certguard_app::roster::verify_texts(&s.registry, &req, &text, &mut on_line).await?
                } else {
                    let file = std::fs::File::open(&input)?;
                    let pb = crate::progress_count("workers");
                    let pb2 = pb.clone();
                    let s = certguard_app::roster::verify_table(&s.registry, &req, file, &mut on_line, move |n| {
                        pb2.set_position(n);
                        pb2.set_length(n);
                    })
                    .await?;
                    pb.finish_and_clear();
                    s
                }
            };
            if let Some(e) = write_err {
                return Err(e).context("writing the results");
            }
            sink.flush()?;
            drop(sink);
            if let (RosterFormat::Xlsx, Some(o), Some(j)) = (format, &out, &jsonl_path) {
                let lines = std::io::BufReader::new(std::fs::File::open(j)?)
                    .lines()
                    .map_while(Result::ok)
                    .filter_map(|l| serde_json::from_str(&l).ok());
                let f = std::fs::File::create(o).with_context(|| format!("creating {}", o.display()))?;
                certguard_app::roster::ledger_xlsx(lines, f)?;
            }
            if let Some(p) = &receipt_path {
                match &summary.receipt {
                    Some(r) => std::fs::write(p, r).with_context(|| format!("writing {}", p.display()))?,
                    None => bail!("this registry has no receipt key"),
                }
            }
            let counts: Vec<String> = summary
                .counts
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(r, n)| format!("{} {n}", RosterResult::zh(*r)))
                .collect();
            eprintln!("{} workers: {}", summary.rows, counts.join(", "));
            if let Some(i) = summary.log_index {
                eprintln!("receipt logged at index {i} of the transparency log");
            }
            Ok(if not_permitted > 0 { 2 } else { 0 })
        }
    }
}

fn read_capped(path: &Path, cap: u64) -> Result<String> {
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    if meta.len() > cap {
        bail!("{} is larger than {} KiB", path.display(), cap / 1024);
    }
    std::fs::read_to_string(path).with_context(|| format!("reading {} as UTF-8 text", path.display()))
}
