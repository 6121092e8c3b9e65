//! Reading an event stream line by line: each bad line reported with its number and reason, the stream never
//! stopped by one, memory bounded by the longest line accepted.

use crate::event::{Event, MAX_LINE, parse_line};
use serde::Serialize;
use std::io::{BufRead, Read};

/// What reading a stream did.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct ReadReport {
    pub lines: u64,
    pub events: u64,
    pub duplicates: u64,
    pub errors: u64,
    /// The first errors (line number and reason); all are counted.
    pub first_errors: Vec<(u64, String)>,
}

/// Errors listed in a report.
pub const LISTED_ERRORS: usize = 100;

impl ReadReport {
    pub fn error(&mut self, line: u64, reason: String) {
        self.errors += 1;
        if self.first_errors.len() < LISTED_ERRORS {
            self.first_errors.push((line, reason));
        }
    }
}

/// Reads every line of `input`, handing each event and its line as sent to `take` (which says whether it was
/// new) and `progress` the bytes read so far.
pub fn read_events(
    mut input: impl BufRead,
    mut take: impl FnMut(Event, &[u8]) -> bool,
    mut progress: impl FnMut(u64),
) -> std::io::Result<ReadReport> {
    let mut report = ReadReport::default();
    let mut buf = Vec::with_capacity(1024);
    let mut bytes = 0u64;
    loop {
        buf.clear();
        let n = (&mut input).take(MAX_LINE as u64 + 1).read_until(b'\n', &mut buf)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        report.lines += 1;
        let line = report.lines;
        if buf.len() > MAX_LINE && buf.last() != Some(&b'\n') {
            // Skip the rest of an over-long line.
            let mut rest = Vec::new();
            loop {
                rest.clear();
                let m = (&mut input).take(MAX_LINE as u64).read_until(b'\n', &mut rest)?;
                bytes += m as u64;
                if m == 0 || rest.last() == Some(&b'\n') {
                    break;
                }
            }
            report.error(line, format!("line longer than {MAX_LINE} bytes"));
            continue;
        }
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        if buf.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match parse_line(&buf) {
            Ok(e) => {
                if take(e, &buf) {
                    report.events += 1;
                } else {
                    report.duplicates += 1;
                }
            }
            Err(e) => report.error(line, e.to_string()),
        }
        if line % 4096 == 0 {
            progress(bytes);
        }
    }
    progress(bytes);
    Ok(report)
}
