//! Terminal clocks that jump: a client that crashed and restarted on a clock reset to 2020-01-01 (a dead CMOS
//! battery) re-sends its saved answers in a burst. The burst is no evidence of answers known in advance: what
//! happened on the reset clock counts, its timing does not.

mod common;

use common::Exam;
use serde_json::json;

#[test]
fn answers_resent_on_a_clock_reset_to_2020_are_not_fast() {
    let mut e = Exam::new();
    for n in 0..40 {
        e.seat(n, "R1", &[]);
    }
    let s = "s99";
    e.push(
        json!({"kind": "session_start", "session": s, "candidate": "c99", "exam": "E1", "centre": "C1",
            "room": "R1", "seat": "99", "terminal": "t99"}),
        0.0,
    );
    // The first 25 answers at an ordinary pace, all right.
    let mut minute = 5.0;
    for q in 0..25 {
        minute += 1.5 + (q % 4) as f64 * 0.3;
        e.push(json!({"kind": "input", "session": s, "interval_ms": 60_000, "keys": 3, "pointer": 20}), minute);
        e.push(json!({"kind": "answer", "session": s, "question": format!("q{q}"), "choice": "A"}), minute);
    }
    // The client crashes; it restarts on a clock that says 2020-01-01 00:00, starts the session again and
    // re-sends the 25 saved answers within a few seconds, then the candidate goes on at the same pace.
    let reset = "2020-01-01T00:00:00+08:00";
    e.push_on(
        reset,
        json!({"kind": "session_start", "session": s, "candidate": "c99", "exam": "E1", "centre": "C1",
            "room": "R1", "seat": "99", "terminal": "t99"}),
        0.0,
    );
    for q in 0..25 {
        e.push_on(reset, json!({"kind": "answer", "session": s, "question": format!("q{q}"), "choice": "A"}), 0.05);
    }
    let mut minute = 1.0;
    for q in 25..40 {
        minute += 1.5 + (q % 4) as f64 * 0.3;
        e.push_on(
            reset,
            json!({"kind": "input", "session": s, "interval_ms": 60_000, "keys": 3, "pointer": 20}),
            minute,
        );
        e.push_on(reset, json!({"kind": "answer", "session": s, "question": format!("q{q}"), "choice": "A"}), minute);
    }
    e.push_on(reset, json!({"kind": "session_end", "session": s}), minute + 2.0);
    let report = e.analysis().sessions.into_iter().find(|r| r.session == s).expect("the session is analysed");
    assert_eq!(report.answered, 40, "every answer counts, on either clock");
    assert!(!report.flagged, "{:#?}", report.findings);
}
