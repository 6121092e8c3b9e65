//! `certguard leads ...`: exports for the police and other teams, and the file feeds (newly registered
//! domains, ads as JSON lines) that turn what they flag into leads.

use crate::{Config, StoreFlags, apply_store_flags, progress_count, services};
use anyhow::{Context, Result, bail};
use certguard_app::leads;
use certguard_app::leads::export::{Format, Selection};
use certguard_app::leads::feeds::{self, FeedKind};
use certguard_leads::stix::Producer;
use certguard_leads::{LeadKind, LeadStatus};
use certguard_store::LeadBatch;
use clap::{Subcommand, ValueEnum};
use serde::Serialize;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Stix,
    Misp,
    Csv,
}

#[derive(Subcommand)]
pub enum LeadsCommand {
    /// Export leads as a STIX 2.1 bundle, a MISP event or CSV (audited).
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Only leads in this status (new, confirmed, dismissed, reported, taken_down).
        #[arg(long)]
        status: Option<String>,
        /// Only leads of this kind (domain, url, ad, contact).
        #[arg(long)]
        kind: Option<String>,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        store: StoreFlags,
    },
    /// Domain feed: score names (one per line: newly registered domains, a zone diff) and keep the flagged ones
    /// as leads. `-` reads standard input.
    Domains {
        file: PathBuf,
        /// The source the leads are recorded under (`feed:<name>`).
        #[arg(long, default_value = "file")]
        feed: String,
        #[command(flatten)]
        store: StoreFlags,
    },
    /// Ad feed: JSON lines {text, source, url, seen_at, region}; flagged ads become leads with their contacts.
    /// `-` reads standard input.
    Ads {
        file: PathBuf,
        #[command(flatten)]
        store: StoreFlags,
    },
}

/// Errors listed in the summary (all are counted, and each is printed to standard error).
const LISTED_ERRORS: usize = 100;

#[derive(Serialize, Default)]
struct FeedSummary {
    lines: u64,
    flagged: u64,
    created: u64,
    updated: u64,
    errors: u64,
    first_errors: Vec<LineError>,
}

#[derive(Serialize)]
struct LineError {
    line: u64,
    error: String,
}

impl FeedSummary {
    fn error(&mut self, line: u64, error: String) {
        eprintln!("line {line}: {error}");
        self.errors += 1;
        if self.first_errors.len() < LISTED_ERRORS {
            self.first_errors.push(LineError { line, error });
        }
    }
}

fn open_input(file: &Path) -> Result<Box<dyn BufRead>> {
    if file == Path::new("-") {
        return Ok(Box::new(std::io::BufReader::new(std::io::stdin())));
    }
    let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    Ok(Box::new(std::io::BufReader::new(f)))
}

async fn flush(registry: &certguard_app::Registry, batch: &mut LeadBatch, summary: &mut FeedSummary) -> Result<()> {
    if batch.detections.is_empty() {
        return Ok(());
    }
    for u in leads::record(registry, batch).await? {
        if u.created {
            summary.created += 1;
        } else {
            summary.updated += 1;
        }
    }
    *batch = LeadBatch::default();
    Ok(())
}

async fn feed(c: &Config, file: &Path, ads: bool, feed_name: &str) -> Result<i32> {
    let s = services(c).await?;
    let registry = &s.registry;
    let mut input = open_input(file)?;
    let pb = progress_count(if ads { "ads" } else { "domains" });
    let mut summary = FeedSummary::default();
    let mut batch = LeadBatch::default();
    let mut buf = Vec::new();
    let source = format!("feed:{}", feed_name.chars().take(64).collect::<String>());
    let kind = if ads { FeedKind::Ads } else { FeedKind::Domains };
    while let Some(line) = feeds::next_line(&mut *input, &mut buf)? {
        summary.lines += 1;
        pb.inc(1);
        let n = summary.lines;
        let found = line.text.and_then(|t| feeds::detect_line(kind, &t, &source, registry.clock().now()));
        match found {
            Err(e) => summary.error(n, e),
            Ok(None) => {}
            Ok(Some(part)) => {
                summary.flagged += 1;
                batch.append(part);
                if batch.detections.len() >= feeds::BATCH {
                    flush(registry, &mut batch, &mut summary).await?;
                }
            }
        }
    }
    flush(registry, &mut batch, &mut summary).await?;
    pb.finish_and_clear();
    println!("{}", serde_json::to_string(&summary)?);
    eprintln!(
        "{} lines: {} flagged ({} new leads, {} updated), {} errors",
        summary.lines, summary.flagged, summary.created, summary.updated, summary.errors
    );
    Ok(0)
}

pub async fn run(mut c: Config, command: LeadsCommand) -> Result<i32> {
    match command {
        LeadsCommand::Export { format, status, kind, output, store } => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            let status = status
                .map(|s| LeadStatus::parse(&s).with_context(|| format!("--status: unknown status {s}")))
                .transpose()?;
            let kind =
                kind.map(|k| LeadKind::parse(&k).with_context(|| format!("--kind: unknown kind {k}"))).transpose()?;
            let format = match format {
                ExportFormat::Stix => Format::Stix,
                ExportFormat::Misp => Format::Misp,
                ExportFormat::Csv => Format::Csv,
            };
            let s = services(&c).await?;
            let analyst = certguard_access::local_analyst("leads-export");
            let producer = Producer { name: c.exporter_name.clone(), code: c.exporter_code.clone() };
            let (body, n) =
                leads::export::export(&s.registry, &analyst, format, &Selection { status, kind }, &producer, None)
                    .await?;
            match output {
                Some(path) => std::fs::write(&path, &body).with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().write_all(&body)?,
            }
            eprintln!("exported {n} leads");
            Ok(0)
        }
        LeadsCommand::Domains { file, feed: name, store } => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            feed(&c, &file, false, &name).await
        }
        LeadsCommand::Ads { file, store } => {
            apply_store_flags(&mut c, store.data_dir, store.database_url);
            if file.as_os_str().is_empty() {
                bail!("no file");
            }
            feed(&c, &file, true, "ads").await
        }
    }
}

#[derive(Subcommand)]
pub enum WatchCommand {
    /// Follow a Certificate Transparency log (C2SP static-ct-api: Sunlight, Tessera): verify its checkpoint
    /// and tiles, score every certificate's names and keep the flagged ones as leads. Resumes where the last
    /// run stopped; `--from N` starts a new follower at entry N.
    Ct {
        /// The log's monitoring prefix, e.g. https://rome2026h1.fly.storage.tigris.dev
        url: String,
        /// The log's public key: base64 DER (as log lists give it), PEM, or @FILE.
        #[arg(long)]
        key: String,
        /// The checkpoint origin (default: the URL without its scheme).
        #[arg(long)]
        origin: Option<String>,
        /// Start at this entry (a new follower only).
        #[arg(long)]
        from: Option<u64>,
        /// One step, then exit (default: keep following).
        #[arg(long)]
        once: bool,
        /// Seconds between steps.
        #[arg(long, default_value_t = 10)]
        interval: u64,
        /// Only check the log (fetch, hash, verify against the checkpoint): no certificate parsed, no lead.
        #[arg(long)]
        verify_only: bool,
        #[command(flatten)]
        store: StoreFlags,
    },
}

pub async fn watch(mut c: Config, command: WatchCommand) -> Result<i32> {
    let WatchCommand::Ct { url, key, origin, from, once, interval, verify_only, store } = command;
    apply_store_flags(&mut c, store.data_dir, store.database_url);
    let key = match key.strip_prefix('@') {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?,
        None => key,
    };
    let source = std::sync::Arc::new(
        certguard_app::leads::ct::new_source(&url, &key, origin.as_deref()).map_err(anyhow::Error::msg)?,
    );
    let s = services(&c).await?;
    let fetch: std::sync::Arc<dyn certguard_app::leads::ct::Fetcher> =
        std::sync::Arc::new(certguard_app::leads::ct::HttpFetcher::default());
    let mut first = true;
    loop {
        let pb = progress_count("CT entries");
        let shown = pb.clone();
        let report = certguard_app::leads::ct::step(
            &s.registry,
            source.clone(),
            fetch.clone(),
            certguard_app::leads::ct::StepOptions { from: if first { from } else { None }, score: !verify_only },
            move |n| shown.set_position(n),
        )
        .await;
        pb.finish_and_clear();
        first = false;
        match report {
            Ok(r) => {
                println!("{}", serde_json::to_string(&r)?);
                if let Some(reason) = &r.halted {
                    eprintln!("ALARM: {reason}; following stopped (both checkpoints are kept in the source's state)");
                    return Ok(2);
                }
            }
            Err(e) if once => return Err(e.into()),
            Err(e) => eprintln!("step failed, retrying: {e}"),
        }
        if once {
            return Ok(0);
        }
        tokio::time::sleep(std::time::Duration::from_secs(interval.max(1))).await;
    }
}
