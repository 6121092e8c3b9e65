//! Command-line surface for the `certguard` binary: clap argument structs and runners.
//!
//! The binary wires them as subcommands, e.g.
//! `Lookalike(LookalikeArgs) => run_lookalike(&a, &mut stdout.lock())`,
//! `ScanDomains(ScanDomainsArgs) => run_scan_domains(&a, &mut stdin.lock(), &mut stdout.lock())`.
//! The runners take their input and output streams so that tests run them in memory. Streams are processed line by
//! line in constant memory (a line longer than [`MAX_LINE`] bytes is reported as an error and skipped); every
//! input line gives exactly one output line, in input order; a bad line gives `{"line": N, "error": "..."}` and the
//! stream goes on. A progress line goes to stderr only when stderr is a terminal.

use std::fs::File;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use serde::Serialize;

use crate::ads::AdScanner;
use crate::domains::DomainScorer;
use crate::lookalike::{self, Mode, dnstwist};
use crate::profile::{ALL_PROFILES, DEFAULT_PROFILE, Profile};

/// Longest input line processed (bytes); longer lines are reported as errors.
pub const MAX_LINE: usize = 64 * 1024;

/// Output of `lookalike`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// One name (ASCII/punycode) per line.
    List,
    /// One JSON object per line: domain, unicode, punycode, registrable, fuzzer.
    Jsonl,
}

/// Output of the stream scanners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JsonlFormat {
    /// One JSON object per input line.
    Jsonl,
}

/// Output of `scan page`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum JsonFormat {
    /// One pretty-printed JSON object.
    Json,
}

/// `certguard lookalike DOMAIN [--mode dnstwist|china|all] [--format list|jsonl] [--profile P]`
#[derive(Debug, Clone, clap::Args)]
pub struct LookalikeArgs {
    /// Seed domain (a host name, an IDN, or a URL).
    #[arg(value_name = "DOMAIN")]
    pub domain: String,
    /// Generator: dnstwist-compatible, China government, or both.
    #[arg(long, value_enum, default_value_t = Mode::All)]
    pub mode: Mode,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::List)]
    pub format: ListFormat,
    /// Brand profile (mem, samr, mohurd, osta) feeding the China generator.
    #[arg(long, default_value = DEFAULT_PROFILE)]
    pub profile: String,
    /// dnstwist's `--dictionary FILE` (dnstwist mode).
    #[arg(long, value_name = "FILE")]
    pub dictionary: Option<PathBuf>,
    /// dnstwist's `--tld FILE` (dnstwist mode).
    #[arg(long, value_name = "FILE")]
    pub tld: Option<PathBuf>,
}

/// `certguard scan domains [FILE|-] [--format jsonl] [--profile P] [--follow]`
#[derive(Debug, Clone, clap::Args)]
pub struct ScanDomainsArgs {
    /// Names, one per line, or JSON lines with a `domain` field; `-` or nothing for stdin.
    #[arg(value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = JsonlFormat::Jsonl)]
    pub format: JsonlFormat,
    /// Brand profile: `all` (every official query site at once, the default: a ring copies whichever
    /// authority it likes) or one of mem, samr, mohurd, osta to narrow it.
    #[arg(long, default_value = ALL_PROFILES)]
    pub profile: String,
    /// Keep reading FILE as it grows (like `tail -f`).
    #[arg(long)]
    pub follow: bool,
}

impl ScanDomainsArgs {
    /// The arguments of `certguard scan domains FILE` with every default (all profiles).
    pub fn parse_default(input: PathBuf) -> Self {
        ScanDomainsArgs { input: Some(input), format: JsonlFormat::Jsonl, profile: ALL_PROFILES.into(), follow: false }
    }
}

/// `certguard scan ads [FILE|-] [--format jsonl]`
#[derive(Debug, Clone, clap::Args)]
pub struct ScanAdsArgs {
    /// Texts, one per line, or JSON lines with a `text` field; `-` or nothing for stdin.
    #[arg(value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = JsonlFormat::Jsonl)]
    pub format: JsonlFormat,
}

/// `certguard scan page URL [--format json] [--allow-private] [--profile P]`
#[derive(Debug, Clone, clap::Args)]
pub struct ScanPageArgs {
    /// The page to fetch and judge (http or https).
    #[arg(value_name = "URL")]
    pub url: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = JsonFormat::Json)]
    pub format: JsonFormat,
    /// Allow private, loopback and link-local addresses (tests, lab use).
    #[arg(long)]
    pub allow_private: bool,
    /// Brand profile.
    #[arg(long, default_value = DEFAULT_PROFILE)]
    pub profile: String,
    /// Total time limit in seconds.
    #[arg(long, default_value_t = 10)]
    pub timeout: u64,
    /// Largest body read, in bytes (the rest is not downloaded).
    #[arg(long, default_value_t = 2 * 1024 * 1024)]
    pub max_bytes: usize,
}

/// Runs `lookalike`, writing to `out`. Output is sorted by (fuzzer, domain) as dnstwist sorts it, so that
/// `--mode dnstwist --format list` prints exactly what `dnstwist --format list` prints.
pub fn run_lookalike(args: &LookalikeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    // The profile feeds only the China generator: its name is checked here, its TOML parsed only if that runs.
    if !Profile::builtin_names().any(|n| n.eq_ignore_ascii_case(&args.profile)) {
        return Err(crate::Error::UnknownProfile(args.profile.clone()).into());
    }
    let mut opts = dnstwist::Options::default();
    if let Some(p) = &args.dictionary {
        let t = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        opts.dictionary = dnstwist::filter_dictionary(&t);
    }
    if let Some(p) = &args.tld {
        let t = std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
        opts.tlds = dnstwist::filter_tlds(&t);
    }
    let mut v = match args.mode {
        Mode::Dnstwist => dnstwist::generate(&args.domain, &opts)?,
        Mode::China => lookalike::china::generate(&args.domain, &Profile::builtin(&args.profile)?)?,
        Mode::All => {
            let mut v = dnstwist::generate(&args.domain, &opts)?;
            let mut seen: std::collections::HashSet<String> = v.iter().map(|c| c.domain.clone()).collect();
            for c in lookalike::china::generate(&args.domain, &Profile::builtin(&args.profile)?)? {
                if seen.insert(c.domain.clone()) {
                    v.push(c);
                }
            }
            v
        }
    };
    v.sort_unstable_by(|a, b| a.fuzzer.cmp(b.fuzzer).then_with(|| a.domain.cmp(&b.domain)));
    let mut w = std::io::BufWriter::new(out);
    for c in &v {
        match args.format {
            ListFormat::List => writeln!(w, "{}", c.domain)?,
            ListFormat::Jsonl => {
                serde_json::to_writer(&mut w, c)?;
                w.write_all(b"\n")?;
            }
        }
    }
    w.flush()?;
    Ok(())
}

/// One line read with a cap: `Ok(None)` at end of input.
enum Line {
    Text(String),
    NotUtf8,
    TooLong(usize),
}

struct LineReader<'a> {
    inner: &'a mut dyn BufRead,
    buf: Vec<u8>,
    /// Bytes of an unterminated last line kept while following a file.
    follow: bool,
}

impl<'a> LineReader<'a> {
    fn new(inner: &'a mut dyn BufRead, follow: bool) -> Self {
        Self { inner, buf: Vec::with_capacity(256), follow }
    }

    /// Reads one line (without its end of line), keeping at most MAX_LINE bytes of it.
    fn next_line(&mut self) -> std::io::Result<Option<Line>> {
        let mut total = self.buf.len();
        loop {
            let chunk = match self.inner.fill_buf() {
                Ok(c) => c,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if chunk.is_empty() {
                if self.follow {
                    return Ok(None);
                }
                if total == 0 {
                    return Ok(None);
                }
                return Ok(Some(self.take(total)));
            }
            let (used, done) = match chunk.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (chunk.len(), false),
            };
            let keep = if done { used - 1 } else { used };
            let room = MAX_LINE.saturating_sub(self.buf.len());
            self.buf.extend_from_slice(&chunk[..keep.min(room)]);
            total += keep;
            self.inner.consume(used);
            if done {
                return Ok(Some(self.take(total)));
            }
        }
    }

    fn take(&mut self, total: usize) -> Line {
        let mut b = std::mem::take(&mut self.buf);
        if total > MAX_LINE {
            return Line::TooLong(total);
        }
        if b.last() == Some(&b'\r') {
            b.pop();
        }
        match String::from_utf8(b) {
            Ok(s) => Line::Text(s),
            Err(_) => Line::NotUtf8,
        }
    }
}

#[derive(Serialize)]
struct ErrorLine<'a> {
    line: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    input: Option<&'a str>,
    error: String,
}

#[derive(Serialize)]
struct Numbered<'a, T: Serialize> {
    line: u64,
    #[serde(flatten)]
    item: &'a T,
}

/// Extracts the field from a JSON line, or takes the line as it is.
fn field_of(line: &str, field: &str) -> Result<String, String> {
    if line.trim_start().starts_with('{') {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
        match v.get(field) {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            _ => Err(format!("JSON line without a string `{field}` field")),
        }
    } else {
        Ok(line.to_string())
    }
}

fn open_input<'a>(
    input: &Option<PathBuf>,
    stdin: &'a mut dyn BufRead,
    file: &'a mut Option<BufReader<File>>,
) -> anyhow::Result<&'a mut dyn BufRead> {
    match input {
        Some(p) if p.as_os_str() != "-" => {
            let f = File::open(p).with_context(|| format!("opening {}", p.display()))?;
            *file = Some(BufReader::with_capacity(64 * 1024, f));
            Ok(file.as_mut().expect("just set"))
        }
        _ => Ok(stdin),
    }
}

struct Progress {
    on: bool,
    n: u64,
    flagged: u64,
}

impl Progress {
    fn new() -> Self {
        Self { on: std::io::stderr().is_terminal(), n: 0, flagged: 0 }
    }
    fn tick(&mut self, flagged: bool, what: &str) {
        self.n += 1;
        self.flagged += u64::from(flagged);
        if self.on && self.n.is_multiple_of(10_000) {
            eprint!("\r{} {what}, {} flagged", self.n, self.flagged);
        }
    }
    fn done(&self, what: &str) {
        if self.on {
            eprintln!("\r{} {what}, {} flagged", self.n, self.flagged);
        }
    }
}

/// Generic line-stream driver: one output line per input line.
fn run_stream(
    input: &Option<PathBuf>,
    follow: bool,
    stdin: &mut dyn BufRead,
    out: &mut dyn Write,
    what: &str,
    field: &str,
    mut handle: impl FnMut(&str, u64, &mut dyn Write) -> anyhow::Result<bool>,
) -> anyhow::Result<()> {
    let mut file = None;
    let follow = follow && matches!(input, Some(p) if p.as_os_str() != "-");
    let reader = open_input(input, stdin, &mut file)?;
    let mut lines = LineReader::new(reader, follow);
    let mut w = std::io::BufWriter::with_capacity(64 * 1024, out);
    let mut progress = Progress::new();
    let mut n = 0u64;
    let err = |w: &mut dyn Write, line: u64, input: Option<&str>, error: String| -> anyhow::Result<()> {
        serde_json::to_writer(&mut *w, &ErrorLine { line, input, error })?;
        w.write_all(b"\n")?;
        Ok(())
    };
    loop {
        let Some(line) = lines.next_line()? else {
            if follow {
                w.flush()?;
                std::thread::sleep(Duration::from_millis(250));
                continue;
            }
            break;
        };
        n += 1;
        match line {
            Line::NotUtf8 => err(&mut w, n, None, "line is not valid UTF-8".into())?,
            Line::TooLong(len) => err(&mut w, n, None, format!("line of {len} bytes exceeds {MAX_LINE}"))?,
            Line::Text(t) if t.trim().is_empty() => err(&mut w, n, Some(&t), "empty line".into())?,
            Line::Text(t) => match field_of(&t, field) {
                Err(e) => err(&mut w, n, Some(&t), e)?,
                Ok(v) => {
                    let flagged = handle(&v, n, &mut w)?;
                    progress.tick(flagged, what);
                }
            },
        }
    }
    w.flush()?;
    progress.done(what);
    Ok(())
}

/// Runs `scan domains`: reads `args.input` (or `stdin`), writes one JSON line per input line to `out`.
pub fn run_scan_domains(args: &ScanDomainsArgs, stdin: &mut dyn BufRead, out: &mut dyn Write) -> anyhow::Result<()> {
    let scorer = DomainScorer::new(&Profile::named(&args.profile)?);
    run_stream(&args.input, args.follow, stdin, out, "names", "domain", |name, n, w| match scorer.score(name) {
        Ok(s) => {
            serde_json::to_writer(&mut *w, &Numbered { line: n, item: &s })?;
            w.write_all(b"\n")?;
            Ok(s.flagged)
        }
        Err(e) => {
            serde_json::to_writer(&mut *w, &ErrorLine { line: n, input: Some(name), error: e.to_string() })?;
            w.write_all(b"\n")?;
            Ok(false)
        }
    })
}

/// Runs `scan ads`: reads `args.input` (or `stdin`), writes one JSON line per input text to `out`.
pub fn run_scan_ads(args: &ScanAdsArgs, stdin: &mut dyn BufRead, out: &mut dyn Write) -> anyhow::Result<()> {
    let scanner = AdScanner::new();
    run_stream(&args.input, false, stdin, out, "texts", "text", |text, n, w| {
        let r = scanner.scan(text);
        serde_json::to_writer(&mut *w, &Numbered { line: n, item: &r })?;
        w.write_all(b"\n")?;
        Ok(r.flagged)
    })
}

/// Runs `scan page`: fetches `args.url` safely, judges it against the profile, writes one JSON document to `out`.
/// A fetch failure (refused, unreachable, not HTML ...) is written as `{"url": ..., "error": ...}` and then
/// returned as an error, so that the command exits non-zero: a single-URL command that could not judge its page
/// has failed. An unknown profile and I/O errors on `out` are errors too.
pub fn run_scan_page(args: &ScanPageArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let profile = Profile::builtin(&args.profile)?;
    let opts = crate::fetch::FetchOptions {
        allow_private: args.allow_private,
        timeout: Duration::from_secs(args.timeout.max(1)),
        max_bytes: args.max_bytes,
        ..crate::fetch::FetchOptions::default()
    };
    let (value, failed) = match crate::fetch::fetch(&args.url, &opts) {
        Ok(fetched) => (serde_json::to_value(crate::page::judge(&fetched, &profile))?, None),
        Err(e) => (serde_json::json!({ "url": args.url, "error": e.to_string() }), Some(e)),
    };
    serde_json::to_writer_pretty(&mut *out, &value)?;
    out.write_all(b"\n")?;
    out.flush()?;
    match failed {
        Some(e) => Err(anyhow::Error::new(e).context(format!("scan page {}", args.url))),
        None => Ok(()),
    }
}
