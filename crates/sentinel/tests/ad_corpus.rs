//! Precision and recall of the ad scanner on the labelled corpus (tests/fixtures/ads, written for certguard).
//! The scanner was tuned on `tune.jsonl` only; `heldout.jsonl` was split off before tuning and never tuned on.

use certguard_sentinel::ads::AdScanner;

struct Counts {
    tp: u32,
    fp: u32,
    fn_: u32,
    tn: u32,
    misses: Vec<String>,
}

fn evaluate(jsonl: &str) -> Counts {
    let s = AdScanner::new();
    let mut c = Counts { tp: 0, fp: 0, fn_: 0, tn: 0, misses: Vec::new() };
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        let fraud = v["label"] == "fraud";
        let r = s.scan(text);
        match (fraud, r.flagged) {
            (true, true) => c.tp += 1,
            (false, true) => {
                c.fp += 1;
                c.misses.push(format!("FP {} {text}", r.score));
            }
            (true, false) => {
                c.fn_ += 1;
                c.misses.push(format!("FN {} {text}", r.score));
            }
            (false, false) => c.tn += 1,
        }
    }
    c
}

fn pr(c: &Counts) -> (f64, f64) {
    (f64::from(c.tp) / f64::from(c.tp + c.fp), f64::from(c.tp) / f64::from(c.tp + c.fn_))
}

#[test]
fn corpus_is_big_enough_and_balanced() {
    let t = include_str!("fixtures/ads/tune.jsonl").lines().count();
    let h = include_str!("fixtures/ads/heldout.jsonl").lines().count();
    assert!(t + h >= 220, "{t} + {h}");
    assert!(h >= 70);
}

#[test]
fn precision_and_recall_on_the_tuning_part() {
    let c = evaluate(include_str!("fixtures/ads/tune.jsonl"));
    let (p, r) = pr(&c);
    eprintln!("tune: tp={} fp={} fn={} tn={} precision={p:.3} recall={r:.3}", c.tp, c.fp, c.fn_, c.tn);
    for m in &c.misses {
        eprintln!("  {m}");
    }
    assert!(p >= 0.97 && r >= 0.95, "precision {p:.3} recall {r:.3}");
}

#[test]
fn precision_and_recall_on_the_held_out_part() {
    let c = evaluate(include_str!("fixtures/ads/heldout.jsonl"));
    let (p, r) = pr(&c);
    eprintln!("held-out: tp={} fp={} fn={} tn={} precision={p:.3} recall={r:.3}", c.tp, c.fp, c.fn_, c.tn);
    assert!(p >= 0.90 && r >= 0.85, "precision {p:.3} recall {r:.3}");
}
