//! The verification receipt: proof that an employer checked its roster, what was checked, when and with what
//! results. A C2SP signed note signed by the server's receipt key, so that an inspector (or anyone) verifies it
//! offline with the published verifier key; the SHA-256 of its text is also entered in the transparency log.
//!
//! Text, version 1 (every line `key value`, in this order; counts for every result code, zeros included):
//!
//! ```text
//! certguard roster receipt v1
//! id 5b0f...                 16 random bytes, hex: the log entry's serial
//! time 2026-12-04T09:30:00Z  when the run finished
//! employer 91350100M000100Y43 | -
//! by <account>
//! input <sha256 hex>         of the roster file as uploaded
//! results <sha256 hex>       of the results file (JSON lines) as delivered
//! rows 120
//! valid 101
//! review_due 3
//! ... (every code of RosterResult)
//! ```
//!
//! Nothing in it is personal: the results file it commits to carries masked numbers, and a hash of a file
//! reveals nothing its masked text does not already show.

use crate::roster::RosterResult;
use crate::uscc::Uscc;
use certguard_tlog::note::{Note, NoteError, NoteSigner, VerifierKey};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const HEADER: &str = "certguard roster receipt v1";

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    /// 32 hex digits.
    pub id: String,
    pub time: DateTime<Utc>,
    pub employer: Option<Uscc>,
    pub by: String,
    pub input_sha256: String,
    pub results_sha256: String,
    pub rows: u64,
    /// Count per result, in [`RosterResult::ALL`] order.
    pub counts: Vec<(RosterResult, u64)>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("not a signed receipt: {0}")]
    Note(#[from] NoteError),
    #[error("the receipt's signature does not verify with the given key")]
    Signature,
    #[error("line {line}: {why}")]
    Format { line: usize, why: String },
    #[error("the results file does not match the receipt (its SHA-256 is {found}, the receipt says {expected})")]
    ResultsDiffer { expected: String, found: String },
}

fn fmt_err(line: usize, why: impl Into<String>) -> ReceiptError {
    ReceiptError::Format { line, why: why.into() }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A name that cannot break the line format (the account name goes into the receipt as is).
fn clean(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_");
    if t.is_empty() { "-".into() } else { t }
}

impl Receipt {
    /// A receipt for a finished run; `id` must be fresh random bytes.
    pub fn new(
        id: [u8; 16],
        time: DateTime<Utc>,
        employer: Option<Uscc>,
        by: &str,
        input_sha256: String,
        results_sha256: String,
        counts: &std::collections::HashMap<RosterResult, u64>,
    ) -> Self {
        let counts: Vec<(RosterResult, u64)> =
            RosterResult::ALL.iter().map(|r| (*r, counts.get(r).copied().unwrap_or(0))).collect();
        Receipt {
            id: hex::encode(id),
            time: time.with_nanosecond_zero(),
            employer,
            by: clean(by),
            input_sha256,
            results_sha256,
            rows: counts.iter().map(|(_, n)| n).sum(),
            counts,
        }
    }

    pub fn count(&self, r: RosterResult) -> u64 {
        self.counts.iter().find(|(x, _)| *x == r).map_or(0, |(_, n)| *n)
    }

    /// The 16 bytes of the id (the log entry's serial).
    pub fn id_bytes(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        hex::decode_to_slice(&self.id, &mut out).expect("ids are 32 hex digits");
        out
    }

    /// The signed text (ends with a newline).
    pub fn to_text(&self) -> String {
        let mut t = format!(
            "{HEADER}\nid {}\ntime {}\nemployer {}\nby {}\ninput {}\nresults {}\nrows {}\n",
            self.id,
            self.time.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.employer.as_ref().map_or("-", |e| e.as_str()),
            self.by,
            self.input_sha256,
            self.results_sha256,
            self.rows
        );
        for (r, n) in &self.counts {
            t.push_str(&format!("{} {n}\n", r.code()));
        }
        t
    }

    /// The SHA-256 of the signed text: what the transparency log records.
    pub fn text_sha256(&self) -> [u8; 32] {
        Sha256::digest(self.to_text().as_bytes()).into()
    }

    pub fn sign(&self, signer: &NoteSigner) -> Result<String, NoteError> {
        signer.sign(&self.to_text())
    }

    /// Parses the text of a receipt (strict: any other line, order or count is an error).
    pub fn parse(text: &str) -> Result<Receipt, ReceiptError> {
        let lines: Vec<&str> = text.strip_suffix('\n').unwrap_or(text).split('\n').collect();
        let expected = 8 + RosterResult::ALL.len();
        if lines.len() != expected {
            return Err(fmt_err(
                lines.len().min(expected),
                format!("a receipt has {expected} lines, this one {}", lines.len()),
            ));
        }
        if lines[0] != HEADER {
            return Err(fmt_err(1, format!("expected {HEADER:?}")));
        }
        let field = |i: usize, key: &str| -> Result<&str, ReceiptError> {
            lines[i]
                .strip_prefix(key)
                .and_then(|r| r.strip_prefix(' '))
                .filter(|v| !v.is_empty())
                .ok_or_else(|| fmt_err(i + 1, format!("expected `{key} <value>`")))
        };
        let id = field(1, "id")?;
        if !is_hex(id, 32) {
            return Err(fmt_err(2, "the id is 32 lower-case hex digits"));
        }
        let time =
            DateTime::parse_from_rfc3339(field(2, "time")?).map_err(|e| fmt_err(3, e.to_string()))?.with_timezone(&Utc);
        let employer = match field(3, "employer")? {
            "-" => None,
            code => Some(code.parse::<Uscc>().map_err(|e| fmt_err(4, e.to_string()))?),
        };
        let by = field(4, "by")?.to_string();
        let input_sha256 = field(5, "input")?.to_string();
        let results_sha256 = field(6, "results")?.to_string();
        for (i, h) in [(6, &input_sha256), (7, &results_sha256)] {
            if !is_hex(h, 64) {
                return Err(fmt_err(i, "a SHA-256 is 64 lower-case hex digits"));
            }
        }
        let number = |i: usize, key: &str| -> Result<u64, ReceiptError> {
            field(i, key)?.parse::<u64>().map_err(|_| fmt_err(i + 1, format!("{key}: not a count")))
        };
        let rows = number(7, "rows")?;
        let mut counts = Vec::new();
        for (k, r) in RosterResult::ALL.iter().enumerate() {
            counts.push((*r, number(8 + k, r.code())?));
        }
        if counts.iter().map(|(_, n)| n).sum::<u64>() != rows {
            return Err(fmt_err(8, "the counts do not add up to the rows"));
        }
        let receipt = Receipt { id: id.to_string(), time, employer, by, input_sha256, results_sha256, rows, counts };
        if receipt.to_text() != text {
            return Err(fmt_err(1, "not in canonical form"));
        }
        Ok(receipt)
    }
}

trait WithoutNanos {
    fn with_nanosecond_zero(self) -> Self;
}
impl WithoutNanos for DateTime<Utc> {
    fn with_nanosecond_zero(self) -> Self {
        chrono::Timelike::with_nanosecond(&self, 0).unwrap_or(self)
    }
}

/// Verifies a signed receipt with the server's receipt verifier key and returns what it says.
pub fn verify(signed: &str, key: &VerifierKey) -> Result<Receipt, ReceiptError> {
    let note = Note::parse(signed)?;
    match note.verify(std::slice::from_ref(key)) {
        Ok(names) if !names.is_empty() => Receipt::parse(&note.text),
        _ => Err(ReceiptError::Signature),
    }
}

/// Checks that a results file is the one the receipt commits to.
pub fn check_results(receipt: &Receipt, results: &[u8]) -> Result<(), ReceiptError> {
    let found = sha256_hex(results);
    if found == receipt.results_sha256 {
        Ok(())
    } else {
        Err(ReceiptError::ResultsDiffer { expected: receipt.results_sha256.clone(), found })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Receipt {
        let mut counts = std::collections::HashMap::new();
        counts.insert(RosterResult::Valid, 7);
        counts.insert(RosterResult::Fake, 1);
        Receipt::new(
            [9; 16],
            "2026-12-04T09:30:00.123Z".parse().unwrap(),
            Some("91350100M000100Y43".parse().unwrap()),
            "安全 科\n张",
            sha256_hex(b"roster"),
            sha256_hex(b"results"),
            &counts,
        )
    }

    #[test]
    fn a_signed_receipt_verifies_and_any_change_is_caught() {
        let signer = NoteSigner::from_seed("certguard.example/receipts", &[5; 32]).unwrap();
        let r = sample();
        assert_eq!(r.rows, 8);
        assert_eq!(r.by, "安全_科_张");
        let signed = r.sign(&signer).unwrap();
        let back = verify(&signed, &signer.verifier()).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.count(RosterResult::Fake), 1);
        check_results(&back, b"results").unwrap();
        assert!(matches!(check_results(&back, b"results!"), Err(ReceiptError::ResultsDiffer { .. })));

        // A receipt edited after signing: one count moved from fake to valid.
        let edited = signed.replace("valid 7\n", "valid 8\n").replace("fake 1\n", "fake 0\n");
        assert!(matches!(verify(&edited, &signer.verifier()), Err(ReceiptError::Signature)));
        // Signed by another key with the same name.
        let other = NoteSigner::from_seed("certguard.example/receipts", &[6; 32]).unwrap();
        assert!(verify(&r.sign(&other).unwrap(), &signer.verifier()).is_err());
        // Well signed but not a receipt (a checkpoint, say).
        let checkpoint = signer.sign("certguard.example\n5\nAAAA\n").unwrap();
        let e = verify(&checkpoint, &signer.verifier()).unwrap_err();
        assert!(matches!(e, ReceiptError::Format { .. }), "{e}");
    }

    #[test]
    fn parsing_is_strict() {
        let text = sample().to_text();
        assert_eq!(Receipt::parse(&text).unwrap(), sample());
        assert!(Receipt::parse(&text.replace("rows 8", "rows 9")).is_err());
        assert!(Receipt::parse(&text.replace("employer 91350100M000100Y43", "employer 91350100M000100Y44")).is_err());
        assert!(Receipt::parse(&format!("{text}extra 1\n")).is_err());
        assert!(Receipt::parse(&text.replace("time 2026-12-04T09:30:00Z", "time 2026-12-04T17:30:00+08:00")).is_err());
    }
}
