//! Leave-one-file-out evaluation of the ad model on the training files (never a blind batch): for each file, a
//! model trained on the others judges it; the pooled recall and false positives are printed for the rules alone
//! and for the rules with the model at several thresholds.
//!
//! `cargo run --release -p certguard-sentinel --example ads_model_cv`

use certguard_sentinel::ads::{AdScanner, TRAINING_FILES, labelled_texts, train_model};
use certguard_sentinel::gram_model::TrainOptions;

/// (file, is_offer, rules flagged, suppressed, names a certificate, logit)
type Row = (usize, bool, bool, bool, bool, f32);

fn main() {
    let rules = AdScanner::rules_only();
    let files: Vec<(&str, Vec<(String, bool)>)> = TRAINING_FILES.iter().map(|(n, f)| (*n, labelled_texts(f))).collect();
    let mut rows: Vec<Row> = Vec::new();
    for (k, (name, held)) in files.iter().enumerate() {
        let train: Vec<(String, bool)> =
            files.iter().enumerate().filter(|(j, _)| *j != k).flat_map(|(_, (_, t))| t.clone()).collect();
        let model = std::sync::Arc::new(train_model(&rules, &train, TrainOptions::default()));
        let judged = AdScanner::rules_only().with_model(model.clone());
        for (t, y) in held {
            let r = rules.scan(t);
            let logit = judged.scan(t).model_score.unwrap_or(0.0);
            let cert = r.phrases.iter().any(|p| p.kind == certguard_sentinel::ads::Concept::Cert && !p.negated);
            rows.push((k, *y, r.flagged, r.suppressed.is_some(), cert, logit));
        }
        eprintln!("{name}: {} texts", held.len());
    }
    let report = |label: &str, flag: &dyn Fn(&Row) -> bool| {
        let pos = rows.iter().filter(|r| r.1).count();
        let neg = rows.len() - pos;
        let tp = rows.iter().filter(|r| r.1 && flag(r)).count();
        let fp = rows.iter().filter(|r| !r.1 && flag(r)).count();
        let per: Vec<String> = (0..files.len())
            .map(|k| {
                let p = rows.iter().filter(|r| r.0 == k && r.1).count();
                let n = rows.iter().filter(|r| r.0 == k && !r.1).count();
                let tp = rows.iter().filter(|r| r.0 == k && r.1 && flag(r)).count();
                let fp = rows.iter().filter(|r| r.0 == k && !r.1 && flag(r)).count();
                format!("{:.0}/{:.1}", 100.0 * tp as f64 / p.max(1) as f64, 100.0 * fp as f64 / n.max(1) as f64)
            })
            .collect();
        println!(
            "{label:32} recall {tp}/{pos} = {:.1}%  FP {fp}/{neg} = {:.2}%   per file {}",
            100.0 * tp as f64 / pos as f64,
            100.0 * fp as f64 / neg as f64,
            per.join(" ")
        );
    };
    report("rules alone", &|r| r.2);
    for t in [-1.0f32, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0] {
        report(&format!("model alone, logit >= {t}"), &|r| r.5 >= t);
        report(&format!("model, not suppressed, >= {t}"), &|r| r.5 >= t && !r.3);
    }
    for (add, clear) in [(0.5f32, -0.5f32), (0.5, 0.0), (1.0, -1.0), (1.0, 0.0), (1.5, -1.0), (0.0, -1.0)] {
        report(&format!("rules>={clear} or model>={add} (any)"), &|r| (r.2 && r.5 >= clear) || (!r.3 && r.5 >= add));
    }
    for add in [0.0f32, 1.0, 2.0, 3.0, 4.0] {
        for clear in [-99.0f32, -4.0, -3.0, -2.0, -1.0, 0.0] {
            report(&format!("rules+model add {add} clear {clear}"), &|r| {
                (r.2 && r.5 >= clear) || (!r.2 && !r.3 && r.4 && r.5 >= add)
            });
        }
    }
}
