//! Small exams built event by event, for tests of one detector: every seat answers the same 40 questions at its
//! own pace with local input all along, so only the events a test adds can set it apart.

// Each test file uses the part it needs.
#![allow(dead_code)]

use certguard_exam::{Analysis, Collector, Options, Signatures, analyze, parse_line};
use serde_json::{Value, json};

pub struct Exam {
    lines: Vec<String>,
    next_id: usize,
}

impl Exam {
    /// Exam `E1`: 40 single-choice questions keyed `A`.
    pub fn new() -> Exam {
        let questions: Vec<_> = (0..40).map(|i| json!({"id": format!("q{i}"), "key": "A", "options": 4})).collect();
        let mut e = Exam { lines: Vec::new(), next_id: 0 };
        e.push(json!({"kind": "exam", "exam": "E1", "questions": questions, "pass_mark": 80, "minutes": 120}), 0.0);
        e
    }

    /// Adds an event `minute` minutes after 09:00 (China time), with its version and a fresh id.
    pub fn push(&mut self, v: Value, minute: f64) {
        self.push_on("2026-11-20T09:00:00+08:00", v, minute);
    }

    /// Adds an event `minute` minutes after `clock` (RFC 3339: what the terminal's clock said at the exam's
    /// 09:00), with its version and a fresh id.
    pub fn push_on(&mut self, clock: &str, mut v: Value, minute: f64) {
        self.next_id += 1;
        v["v"] = json!(1);
        v["id"] = json!(format!("e{}", self.next_id));
        let at = chrono::DateTime::parse_from_rfc3339(clock).unwrap()
            + chrono::Duration::milliseconds((minute * 60_000.0) as i64);
        v["at"] = json!(at.to_rfc3339());
        self.lines.push(v.to_string());
    }

    /// Session `s{n}` in centre `C1`, room `room`: the `extra` events (minute, body without `session`), then
    /// its 40 answers from minute 5 on (by minute 113), drawn from a hash of the seat and the question (so no two
    /// seats agree, or keep in step, beyond chance).
    pub fn seat(&mut self, n: usize, room: &str, extra: &[(f64, Value)]) -> String {
        self.seat_from(n, room, extra, 5.0)
    }

    /// [`Exam::seat`] answering from minute `first` on.
    pub fn seat_from(&mut self, n: usize, room: &str, extra: &[(f64, Value)], first: f64) -> String {
        self.seat_inner(n, room, extra, first, None, None)
    }

    /// [`Exam::seat`] at terminal `terminal` (another candidate's session at a terminal used before).
    pub fn seat_at_terminal(&mut self, n: usize, room: &str, terminal: &str, extra: &[(f64, Value)]) -> String {
        self.seat_inner(n, room, extra, 5.0, None, Some(terminal))
    }

    /// [`Exam::seat`] giving the 40 `choices` (at the seat's own pace).
    pub fn seat_choosing(&mut self, n: usize, room: &str, choices: &[&str]) -> String {
        assert_eq!(choices.len(), 40);
        self.seat_inner(n, room, &[], 5.0, Some(choices), None)
    }

    fn seat_inner(
        &mut self,
        n: usize,
        room: &str,
        extra: &[(f64, Value)],
        first: f64,
        choices: Option<&[&str]>,
        terminal: Option<&str>,
    ) -> String {
        let session = format!("s{n}");
        let s = session.as_str();
        self.push(
            json!({"kind": "session_start", "session": s, "candidate": format!("c{n}"), "exam": "E1",
                "centre": "C1", "room": room, "seat": format!("{n}"), "terminal": terminal.map_or(format!("t{n}"), str::to_string)}),
            0.0,
        );
        for (minute, body) in extra {
            let mut body = body.clone();
            body["session"] = json!(s);
            self.push(body, *minute);
        }
        let mut minute = first;
        for q in 0..40usize {
            // each seat at its own pace (half a minute to 2.7 minutes a question), right about two times in three
            let h = mix((n as u64) << 32 | q as u64);
            minute += 0.5 + 2.2 * (h % 1000) as f64 / 1000.0;
            self.push(json!({"kind": "input", "session": s, "interval_ms": 60_000, "keys": 3, "pointer": 20}), minute);
            let drawn = if (h >> 10) % 3 < 2 { "A" } else { ["B", "C", "D"][((h >> 20) % 3) as usize] };
            let choice = choices.map_or(drawn, |c| c[q]);
            self.push(json!({"kind": "answer", "session": s, "question": format!("q{q}"), "choice": choice}), minute);
        }
        self.push(json!({"kind": "session_end", "session": s}), minute.max(113.0) + 5.0);
        session
    }

    pub fn analysis(&self) -> Analysis {
        let mut c = Collector::new(Signatures::builtin());
        for l in &self.lines {
            assert!(c.add(parse_line(l.as_bytes()).expect("a valid line")));
        }
        analyze(c, &Options::default())
    }

    /// The codes of each session's findings that start with `prefix`.
    pub fn findings(&self, prefix: &str) -> std::collections::HashMap<String, Vec<&'static str>> {
        self.analysis()
            .sessions
            .into_iter()
            .map(|r| {
                let codes = r.findings.iter().map(|f| f.code).filter(|c| c.starts_with(prefix)).collect();
                (r.session, codes)
            })
            .collect()
    }
}

/// A 64-bit mix (SplitMix64's finaliser): a seat's answers and pace, reproducible.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}
