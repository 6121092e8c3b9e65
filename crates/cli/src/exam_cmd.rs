//! `certguard exam ...`: simulate an exam with known cheaters, and analyse an event stream offline.

use crate::progress_bar;
use anyhow::{Context, Result, bail};
use certguard_exam::evaluate::evaluate;
use certguard_exam::read::read_events;
use certguard_exam::simulate::{Plan, Truth, simulate};
use certguard_exam::{Collector, Options, Signatures, analyze};
use clap::{Subcommand, ValueEnum};
use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
pub enum AnalyzeFormat {
    Jsonl,
    Table,
}

#[derive(Subcommand)]
pub enum ExamCommand {
    /// Simulate an exam: DIR/events.jsonl (what the terminals send) and DIR/truth.jsonl (who cheated how).
    Simulate {
        #[arg(long, default_value_t = 1000)]
        candidates: usize,
        /// The share of candidates for each kind of cheating (software, hardware, operator, leak).
        #[arg(long, default_value_t = 0.05)]
        cheat_rate: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Store an event stream (JSON lines; `-` reads standard input) as sent by an exam centre: bad lines
    /// reported by number, resent events counted once, constant memory.
    Ingest {
        file: PathBuf,
        /// The exam centre that sent the events.
        #[arg(long)]
        centre: String,
        #[command(flatten)]
        store: crate::StoreFlags,
    },
    /// Analyse an event stream (JSON lines, or gzipped JSON lines as FILE.gz; `-` reads standard input): one
    /// verdict per session.
    Analyze {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "jsonl")]
        format: AnalyzeFormat,
        /// Compare with a simulation's truth.jsonl and print the figures (recall per kind, false positives).
        #[arg(long)]
        truth: Option<PathBuf>,
        /// Only read and parse the events (a baseline for the benchmark): no analysis.
        #[arg(long, hide = true)]
        parse_only: bool,
    },
}

pub async fn run(mut c: crate::Config, command: ExamCommand) -> Result<i32> {
    match command {
        ExamCommand::Ingest { file, centre, store } => {
            crate::apply_store_flags(&mut c, store.data_dir, store.database_url);
            let s = crate::services(&c).await?;
            let (input, size) = open(&file)?;
            let pb = progress_bar(size, "ingesting");
            let pb2 = pb.clone();
            let report = certguard_app::exam::ingest(&s.registry, &centre, input, move |b| pb2.set_position(b)).await?;
            pb.finish_and_clear();
            for (line, reason) in &report.first_errors {
                eprintln!("line {line}: {reason}");
            }
            println!("{}", serde_json::to_string(&report)?);
            eprintln!(
                "{} lines: {} events stored, {} already stored, {} bad lines",
                report.lines, report.stored, report.duplicates, report.errors
            );
            Ok(0)
        }
        ExamCommand::Simulate { candidates, cheat_rate, seed, out } => {
            if candidates == 0 || candidates > 1_000_000 {
                bail!("--candidates must be 1 to 1,000,000");
            }
            if !(0.0..=0.2).contains(&cheat_rate) {
                bail!("--cheat-rate must be 0 to 0.2 (four kinds of that share each)");
            }
            std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
            let mut events = BufWriter::new(std::fs::File::create(out.join("events.jsonl"))?);
            let mut truth = BufWriter::new(std::fs::File::create(out.join("truth.jsonl"))?);
            let (mut events_err, mut truth_err): (Option<std::io::Error>, Option<std::io::Error>) = (None, None);
            let mut n = 0u64;
            simulate(
                &Plan::new(candidates, cheat_rate, seed),
                |e| {
                    n += 1;
                    if events_err.is_none()
                        && let Err(x) = write_line(&mut events, e)
                    {
                        events_err = Some(x);
                    }
                },
                |t| {
                    if truth_err.is_none()
                        && let Err(x) = write_line(&mut truth, t)
                    {
                        truth_err = Some(x);
                    }
                },
            );
            if let Some(e) = events_err.or(truth_err) {
                return Err(e.into());
            }
            events.flush()?;
            truth.flush()?;
            eprintln!("{candidates} sessions, {n} events in {}", out.display());
            Ok(0)
        }
        ExamCommand::Analyze { file, format, truth, parse_only } => {
            let (input, size) = open(&file)?;
            let pb = progress_bar(size, "reading");
            if parse_only {
                let report = read_events(input, |_, _| true, |b| pb.set_position(b))?;
                pb.finish_and_clear();
                println!("{}", serde_json::to_string(&report)?);
                return Ok(0);
            }
            let mut collector = Collector::new(Signatures::builtin());
            let report = read_events(input, |e, _| collector.add(e), |b| pb.set_position(b))?;
            pb.finish_and_clear();
            for (line, reason) in &report.first_errors {
                eprintln!("line {line}: {reason}");
            }
            let analysis = analyze(collector, &Options::default());
            let stdout = std::io::stdout();
            let mut out = BufWriter::new(stdout.lock());
            match format {
                AnalyzeFormat::Jsonl => {
                    for s in &analysis.sessions {
                        serde_json::to_writer(&mut out, s)?;
                        out.write_all(b"\n")?;
                    }
                }
                AnalyzeFormat::Table => {
                    writeln!(
                        out,
                        "{:<12} {:<10} {:<6} {:>7}  {:<24} 依据 reasons",
                        "会话 session", "考生", "考场", "score", "kinds"
                    )?;
                    let mut flagged: Vec<_> = analysis.sessions.iter().filter(|s| s.flagged).collect();
                    flagged.sort_by(|a, b| b.score.total_cmp(&a.score));
                    for s in flagged {
                        let kinds: Vec<&str> = s.kinds.iter().map(|k| k.code()).collect();
                        let first = s.findings.first().map_or("", |f| f.zh.as_str());
                        writeln!(
                            out,
                            "{:<12} {:<10} {:<6} {:>7.1}  {:<24} {}",
                            s.session,
                            s.candidate,
                            s.room,
                            s.score,
                            kinds.join(","),
                            first
                        )?;
                    }
                }
            }
            out.flush()?;
            let flagged = analysis.sessions.iter().filter(|s| s.flagged).count();
            eprintln!(
                "{} lines: {} events, {} duplicates, {} bad lines; {} sessions, {} flagged; {} sessions without a start",
                report.lines,
                report.events,
                report.duplicates,
                report.errors,
                analysis.sessions.len(),
                flagged,
                analysis.without_start.len()
            );
            if let Some(path) = truth {
                let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                let truth: Vec<Truth> = text
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .enumerate()
                    .map(|(i, l)| parse_truth(l).with_context(|| format!("{}:{}", path.display(), i + 1)))
                    .collect::<Result<_>>()?;
                let figures = evaluate(&analysis.sessions, &truth);
                eprintln!("{}", serde_json::to_string_pretty(&figures)?);
            }
            Ok(0)
        }
    }
}

fn open(file: &std::path::Path) -> Result<(Box<dyn BufRead + Send>, Option<u64>)> {
    if file.as_os_str() == "-" {
        return Ok((Box::new(std::io::BufReader::new(std::io::stdin())), None));
    }
    let f = std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?;
    let size = f.metadata().ok().map(|m| m.len());
    if file.extension().is_some_and(|e| e == "gz") {
        // Progress counts the inflated bytes: no total to show.
        let inflated = flate2::read::MultiGzDecoder::new(std::io::BufReader::new(f));
        return Ok((Box::new(std::io::BufReader::with_capacity(1 << 20, inflated)), None));
    }
    Ok((Box::new(std::io::BufReader::with_capacity(1 << 20, f)), size))
}

fn write_line(out: &mut impl Write, value: &impl serde::Serialize) -> std::io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

fn parse_truth(line: &str) -> Result<Truth> {
    #[derive(serde::Deserialize)]
    struct Line {
        // like the events' identifiers, a session may be named by a number
        #[serde(deserialize_with = "certguard_exam::event::text_or_number")]
        session: String,
        kind: String,
        #[serde(default)]
        profile: Option<String>,
    }
    let l: Line = serde_json::from_str(line)?;
    let kind = ["honest", "software", "hardware", "operator", "leak"]
        .into_iter()
        .find(|k| *k == l.kind)
        .with_context(|| format!("unknown kind {}", l.kind))?;
    let profile = ["plain", "fast_able", "rapid_guess_end", "skip_return", "mouse_replaced"]
        .into_iter()
        .find(|p| Some(*p) == l.profile.as_deref());
    Ok(Truth { session: l.session, kind, profile })
}

#[cfg(test)]
mod tests {
    use super::parse_truth;

    #[test]
    fn a_truth_line_names_its_session_by_text_or_number() {
        assert_eq!(parse_truth(r#"{"session": "s-1", "kind": "leak"}"#).unwrap().session, "s-1");
        let t = parse_truth(r#"{"session": 2611002499, "kind": "honest"}"#).unwrap();
        assert_eq!((t.session.as_str(), t.kind), ("2611002499", "honest"));
        assert!(parse_truth(r#"{"session": "s", "kind": "teleport"}"#).unwrap_err().to_string().contains("teleport"));
        assert!(parse_truth(r#"{"session": 1.5, "kind": "leak"}"#).is_err());
    }
}
