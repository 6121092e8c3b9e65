//! The detectors on simulated exams with known cheaters (several seeds): recall per kind, false positives
//! among honest candidates (able and fast ones included), and bad input.

use certguard_exam::evaluate::{Figures, evaluate};
use certguard_exam::read::read_events;
use certguard_exam::simulate::{Plan, Truth, simulate};
use certguard_exam::{Collector, Options, Signatures, analyze};

fn run(candidates: usize, seed: u64) -> (Figures, u64) {
    let mut lines = Vec::new();
    let mut truth: Vec<Truth> = Vec::new();
    simulate(
        &Plan::new(candidates, 0.05, seed),
        |e| {
            serde_json::to_writer(&mut lines, e).unwrap();
            lines.push(b'\n');
        },
        |t| truth.push(t.clone()),
    );
    let mut c = Collector::new(Signatures::builtin());
    let report = read_events(&lines[..], |e, _| c.add(e), |_| {}).unwrap();
    assert_eq!(report.errors, 0, "{:?}", report.first_errors);
    assert!(report.duplicates > 0, "the simulator resends some events");
    let analysis = analyze(c, &Options::default());
    assert!(analysis.without_start.is_empty());
    (evaluate(&analysis.sessions, &truth), report.duplicates)
}

#[test]
fn cheaters_are_found_and_honest_candidates_are_not() {
    for seed in [1, 2, 3] {
        let (f, _) = run(400, seed);
        let recall = |k: &str| f.kinds[k].recall;
        eprintln!("seed {seed}: {f:?}");
        assert!(recall("software") >= 0.95, "seed {seed}: {f:?}");
        assert!(recall("hardware") >= 0.95, "seed {seed}: {f:?}");
        assert!(recall("operator") >= 0.90, "seed {seed}: {f:?}");
        assert!(recall("leak") >= 0.80, "seed {seed}: {f:?}");
        assert!(f.false_positive_rate <= 0.005, "seed {seed}: {f:?}");
        assert_eq!(f.honest_profiles["fast_able"].1, 0, "fast, able candidates are not flagged for speed");
        assert_eq!(f.missing, 0);
    }
}

#[test]
fn bad_lines_are_reported_by_number_and_the_stream_goes_on() {
    let good = |id: &str, kind: &str| {
        format!(
            r#"{{"v":1,"id":"{id}","session":"s1","at":"2026-12-01T09:00:00Z","kind":"{kind}"{}}}"#,
            if kind == "session_start" {
                r#","candidate":"k1","exam":"E","centre":"C","room":"R","seat":"1","terminal":"T""#
            } else {
                ""
            }
        )
    };
    let mut input = Vec::new();
    input.extend(good("a", "session_start").as_bytes());
    input.extend(b"\n{not json}\n\xff\xfe\xfd\n");
    input.extend(r#"{"v":1,"id":"b","session":"s1","at":"2026-12-01T09:00:00Z","kind":"warp_drive"}"#.as_bytes());
    input.push(b'\n');
    input.extend(vec![b'x'; certguard_exam::event::MAX_LINE + 100]);
    input.push(b'\n');
    input.extend(good("a", "session_start").as_bytes()); // a duplicate
    input.push(b'\n');
    input.extend(r#"{"v":1,"id":"c","session":"ghost","at":"2026-12-01T09:00:00Z","kind":"session_end"}"#.as_bytes());
    input.push(b'\n');
    input.extend(good("d", "session_end").as_bytes());
    let mut c = Collector::new(Signatures::builtin());
    let r = read_events(&input[..], |e, _| c.add(e), |_| {}).unwrap();
    assert_eq!((r.lines, r.events, r.duplicates, r.errors), (8, 3, 1, 4), "{r:?}");
    let lines: Vec<u64> = r.first_errors.iter().map(|e| e.0).collect();
    assert_eq!(lines, [2, 3, 4, 5]);
    assert!(r.first_errors[2].1.contains("warp_drive"));
    let a = analyze(c, &Options::default());
    assert_eq!(a.without_start, [("ghost".to_string(), 1)], "events of a session that never started are kept apart");
    assert_eq!(a.sessions.len(), 1);
}
