//! Line feeds: newly registered domains or zone diffs (one name per line) and ads (JSON lines
//! `{text, source, url, seen_at, region}`), read by `certguard leads domains|ads` once and followed by the
//! server from a file that grows (a watched file) or a URL that is replaced (a daily list).
//!
//! Each line is judged on its own: a line that is too long, not UTF-8, not JSON or not a name is reported with
//! its number and the feed goes on. A followed feed keeps its place (byte offset, and for a URL the body's
//! hash) in the store with the leads of each batch, so a restart neither skips nor repeats a line.

use crate::error::AppError;
use crate::leads::ct::{Fetcher, HttpFetcher};
use crate::leads::detect;
use crate::registry::Registry;
use certguard_store::LeadBatch;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::io::{BufRead, Read, Seek};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Longest line a feed may have, bytes; a longer one is reported and skipped.
pub const MAX_LINE: usize = 64 * 1024;
/// Detections stored per transaction.
pub const BATCH: usize = 1_000;
/// Most lines a followed feed reads in one poll (the next poll goes on from there).
pub const LINES_PER_POLL: u64 = 100_000;
/// Largest body a URL feed may have.
pub const MAX_URL_BODY: usize = 256 * 1024 * 1024;

/// One line as read: its text (or why it is unusable), its length in bytes with its end, and whether it ended.
pub struct Line {
    pub text: Result<String, String>,
    pub bytes: u64,
    /// It ended with a newline (a followed file's last line without one may still be being written).
    pub complete: bool,
}

/// Reads the next line, keeping at most [`MAX_LINE`] bytes of it; `None` at the end of the input.
pub fn next_line(mut input: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<Line>> {
    buf.clear();
    let n = (&mut input).take(MAX_LINE as u64 + 1).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    let mut bytes = n as u64;
    if buf.len() > MAX_LINE && buf.last() != Some(&b'\n') {
        // Skip the rest of the long line.
        let mut rest = Vec::new();
        let mut complete = false;
        loop {
            rest.clear();
            let m = (&mut input).take(MAX_LINE as u64).read_until(b'\n', &mut rest)?;
            bytes += m as u64;
            if m == 0 {
                break;
            }
            if rest.last() == Some(&b'\n') {
                complete = true;
                break;
            }
        }
        return Ok(Some(Line { text: Err(format!("line longer than {MAX_LINE} bytes")), bytes, complete }));
    }
    let complete = buf.last() == Some(&b'\n');
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    let text = match std::str::from_utf8(buf) {
        Ok(s) if !s.contains('\0') => Ok(s.to_string()),
        _ => Err("not UTF-8 text".to_string()),
    };
    Ok(Some(Line { text, bytes, complete }))
}

/// What a feed carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedKind {
    Domains,
    Ads,
}

#[derive(Deserialize)]
struct AdLine {
    text: String,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    seen_at: Option<DateTime<Utc>>,
    #[serde(default)]
    region: Option<String>,
}

/// The leads one line makes (`None`: nothing flagged, a blank line or a `#` comment), or why it is not a line
/// of this feed. `source` is the feed's lead source (`feed:<name>`); an ad's own source is appended to it.
pub fn detect_line(kind: FeedKind, line: &str, source: &str, now: DateTime<Utc>) -> Result<Option<LeadBatch>, String> {
    let text = line.trim();
    if text.is_empty() || text.starts_with('#') {
        return Ok(None);
    }
    match kind {
        FeedKind::Ads => {
            let ad = serde_json::from_str::<AdLine>(text)
                .map_err(|e| format!("not a JSON ad line ({{\"text\": ...}}): {e}"))?;
            let src = match ad.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(s) => format!("{source}:{}", s.chars().take(64).collect::<String>()),
                None => source.to_string(),
            };
            let region = ad.region.filter(|r| r.len() <= 6 && r.bytes().all(|b| b.is_ascii_digit()));
            // A sighting is never in the future: a feed's clock may be wrong.
            detect::ad(&ad.text, &src, ad.url.as_deref(), ad.seen_at.unwrap_or(now).min(now), region)
        }
        FeedKind::Domains => {
            let name = text.split_whitespace().next().unwrap_or("");
            detect::domain(name, source, now).map(|d| d.map(LeadBatch::single))
        }
    }
}

/// Where a followed feed is read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FeedLocation {
    /// A file that grows (appended lines), may be truncated or replaced (read again from its start).
    File(PathBuf),
    /// A list replaced from time to time (read again whenever its body changes).
    Url(String),
}

/// A feed the server follows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeedSource {
    pub name: String,
    pub kind: FeedKind,
    pub location: FeedLocation,
}

impl FeedSource {
    /// The lead source and state name: `feed:<name>`.
    pub fn source(&self) -> String {
        format!("feed:{}", self.name)
    }
}

/// Parses `"domains|ads NAME PATH-OR-URL"`.
pub fn parse_feed(spec: &str) -> Result<FeedSource, String> {
    let mut parts = spec.split_whitespace();
    let (Some(kind), Some(name), Some(at), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(format!("{spec:?}: expected \"domains|ads NAME PATH-OR-URL\""));
    };
    let kind = match kind {
        "domains" => FeedKind::Domains,
        "ads" => FeedKind::Ads,
        other => return Err(format!("{spec:?}: unknown feed kind {other:?} (domains or ads)")),
    };
    if name.len() > 64 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
        return Err(format!("{spec:?}: a feed name is up to 64 letters, digits, '-', '_' or '.'"));
    }
    let location = if at.starts_with("http://") || at.starts_with("https://") {
        FeedLocation::Url(at.to_string())
    } else {
        FeedLocation::File(PathBuf::from(at))
    };
    Ok(FeedSource { name: name.to_string(), kind, location })
}

/// A followed feed's place.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedState {
    /// Bytes of the file (or the URL's body) read.
    pub offset: u64,
    /// Lines read.
    pub line: u64,
    /// A URL feed: the SHA-256 of the body being (or last) read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_sha256: Option<String>,
}

/// What one poll did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FeedReport {
    pub lines: u64,
    pub flagged: u64,
    pub errors: u64,
    /// The first few errors (line number and reason).
    pub first_errors: Vec<(u64, String)>,
}

const LISTED_ERRORS: usize = 20;

/// Reads lines from `input` (positioned at `state`), stopping at the end, at a line still being written
/// (`wait_for_newline`) or after [`LINES_PER_POLL`]; returns the batches, each with the state after its last
/// line.
fn read_lines(
    input: &mut dyn BufRead,
    mut state: FeedState,
    source: &FeedSource,
    wait_for_newline: bool,
    now: DateTime<Utc>,
) -> std::io::Result<(Vec<(LeadBatch, FeedState)>, FeedReport)> {
    let lead_source = source.source();
    let mut report = FeedReport::default();
    let mut out = Vec::new();
    let mut batch = LeadBatch::default();
    let mut buf = Vec::new();
    let mut since_flush = 0u64;
    while report.lines < LINES_PER_POLL {
        let Some(line) = next_line(input, &mut buf)? else { break };
        if wait_for_newline && !line.complete {
            break;
        }
        state.offset += line.bytes;
        state.line += 1;
        report.lines += 1;
        since_flush += 1;
        let found = line.text.and_then(|t| detect_line(source.kind, &t, &lead_source, now));
        match found {
            Err(e) => {
                report.errors += 1;
                if report.first_errors.len() < LISTED_ERRORS {
                    report.first_errors.push((state.line, e));
                }
            }
            Ok(None) => {}
            Ok(Some(part)) => {
                report.flagged += 1;
                batch.append(part);
            }
        }
        if batch.detections.len() >= BATCH || since_flush >= 10 * BATCH as u64 {
            out.push((std::mem::take(&mut batch), state.clone()));
            since_flush = 0;
        }
    }
    if since_flush > 0 {
        out.push((batch, state));
    }
    Ok((out, report))
}

/// Reads what is new in a feed and stores its leads, each batch with the feed's place.
pub async fn poll(registry: &Registry, source: &FeedSource, fetcher: Arc<dyn Fetcher>) -> Result<FeedReport, AppError> {
    let key = source.source();
    let state: FeedState = match registry.store().source_state(&key).await? {
        Some(s) => serde_json::from_str(&s).map_err(|e| AppError::Internal(format!("{key} state: {e}")))?,
        None => FeedState::default(),
    };
    let now = registry.clock().now();
    let src = source.clone();
    let read = tokio::task::spawn_blocking(move || -> Result<_, String> {
        match &src.location {
            FeedLocation::File(path) => {
                let mut f = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
                let len = f.metadata().map_err(|e| format!("{}: {e}", path.display()))?.len();
                // Shorter than where we were: truncated or replaced by a new file. Start again.
                let state = if len < state.offset { FeedState::default() } else { state };
                f.seek(std::io::SeekFrom::Start(state.offset)).map_err(|e| format!("{}: {e}", path.display()))?;
                let mut input = std::io::BufReader::new(f);
                read_lines(&mut input, state, &src, true, now).map_err(|e| format!("{}: {e}", path.display()))
            }
            FeedLocation::Url(url) => {
                let body = fetcher.get(url, MAX_URL_BODY)?.ok_or_else(|| format!("{url}: HTTP 404"))?;
                let sha = hex::encode(sha2::Sha256::digest(&body));
                // A new body is read from its start; the same body from where the last poll stopped.
                let state = if state.body_sha256.as_deref() == Some(sha.as_str()) {
                    state
                } else {
                    FeedState { body_sha256: Some(sha), ..FeedState::default() }
                };
                let start = usize::try_from(state.offset).unwrap_or(usize::MAX).min(body.len());
                let mut input = &body[start..];
                read_lines(&mut input, state, &src, false, now).map_err(|e| format!("{url}: {e}"))
            }
        }
    });
    let (batches, report) = read
        .await
        .map_err(|e| AppError::Internal(format!("feed {key}: {e}")))?
        .map_err(|e| AppError::Unavailable(format!("feed {key}: {e}")))?;
    for (mut batch, state) in batches {
        batch.state =
            Some((key.clone(), serde_json::to_string(&state).map_err(|e| AppError::Internal(e.to_string()))?));
        crate::leads::record(registry, &batch).await?;
    }
    Ok(report)
}

/// Follows a feed for the life of the server: a poll every `interval`, errors logged and retried.
pub async fn follow(registry: Registry, source: FeedSource, interval: Duration) {
    let fetcher: Arc<dyn Fetcher> = Arc::new(HttpFetcher::default());
    loop {
        match poll(&registry, &source, fetcher.clone()).await {
            Ok(r) => {
                if r.lines > 0 {
                    tracing::info!(feed = %source.name, lines = r.lines, flagged = r.flagged, errors = r.errors, "feed read");
                }
                for (line, error) in &r.first_errors {
                    tracing::warn!(feed = %source.name, line, %error, "feed line refused");
                }
                if r.lines >= LINES_PER_POLL {
                    continue; // more to read now
                }
            }
            Err(e) => tracing::warn!(feed = %source.name, error = %e, "feed poll failed; retrying"),
        }
        tokio::time::sleep(interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_parse_and_bad_ones_say_why() {
        let f = parse_feed("domains nrd /var/feeds/nrd.txt").unwrap();
        assert_eq!((f.kind, f.location), (FeedKind::Domains, FeedLocation::File("/var/feeds/nrd.txt".into())));
        let f = parse_feed("ads crawler https://feeds.example/ads.jsonl").unwrap();
        assert_eq!(f.location, FeedLocation::Url("https://feeds.example/ads.jsonl".into()));
        assert!(parse_feed("zones x /f").unwrap_err().contains("unknown feed kind"));
        assert!(parse_feed("domains a/b /f").unwrap_err().contains("feed name"));
        assert!(parse_feed("domains only-two").is_err());
    }

    #[test]
    fn lines_report_their_bytes_and_whether_they_ended() {
        let mut data = b"a.com\r\nb\xff\n".to_vec();
        data.extend(vec![b'x'; MAX_LINE + 10]);
        data.extend(b"\nlast");
        let mut input = &data[..];
        let mut buf = Vec::new();
        let mut got = Vec::new();
        while let Some(l) = next_line(&mut input, &mut buf).unwrap() {
            got.push((l.text.map_err(|e| e.split(' ').next().unwrap().to_string()), l.bytes, l.complete));
        }
        assert_eq!(
            got,
            [
                (Ok("a.com".to_string()), 7, true),
                (Err("not".to_string()), 3, true),
                (Err("line".to_string()), MAX_LINE as u64 + 11, true),
                (Ok("last".to_string()), 4, false),
            ]
        );
    }
}
