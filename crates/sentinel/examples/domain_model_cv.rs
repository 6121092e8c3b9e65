//! Leave-one-file-out evaluation of the domain model on its training files (never a blind batch): each file is
//! judged by a model trained on the others, every profile at once (the default of `scan domains`); pooled
//! recall and false positives for the rules alone and with the model at several thresholds.
//!
//! `cargo run --release -p certguard-sentinel --example domain_model_cv`

use std::sync::Arc;

use certguard_sentinel::domains::{DOMAIN_TRAINING_FILES, DomainScorer, labelled_names, train_domain_model};
use certguard_sentinel::gram_model::TrainOptions;
use certguard_sentinel::profile::Profile;

/// (file, is_impersonation, rules flagged, rules found something, official or unreadable, logit)
type Row = (usize, bool, bool, bool, bool, f32);

fn main() {
    let all = Profile::all();
    let rules = DomainScorer::rules_only(&all);
    let files: Vec<Vec<(String, bool)>> = DOMAIN_TRAINING_FILES.iter().map(|(_, f)| labelled_names(f)).collect();
    let mut rows: Vec<Row> = Vec::new();
    // (is_impersonation, flagged as shipped: rules, then the model where the rules found a word)
    let mut shipped: Vec<(bool, bool)> = Vec::new();
    for (k, held) in files.iter().enumerate() {
        let train: Vec<(String, bool)> =
            files.iter().enumerate().filter(|(j, _)| *j != k).flat_map(|(_, t)| t.iter().cloned()).collect();
        let model = Arc::new(train_domain_model(&rules, &train, TrainOptions::default()));
        let judged = DomainScorer::rules_only(&all).with_model(model.clone());
        for (name, y) in held {
            let r = rules.score(name);
            let (flagged, found, skip) = match &r {
                Ok(r) => (r.flagged, !r.reasons.is_empty(), r.official),
                Err(_) => (false, false, true),
            };
            let logit = rules.model_features(name).map_or(-99.0, |x| model.logit(&x));
            rows.push((k, *y, flagged, found, skip, logit));
            shipped.push((*y, judged.score(name).is_ok_and(|s| s.flagged)));
        }
    }
    let report = |label: &str, flag: &dyn Fn(&Row) -> bool| {
        let pos = rows.iter().filter(|r| r.1).count();
        let neg = rows.len() - pos;
        let tp = rows.iter().filter(|r| r.1 && flag(r)).count();
        let fp = rows.iter().filter(|r| !r.1 && flag(r)).count();
        println!(
            "{label:40} recall {tp}/{pos} = {:.1}%  FP {fp}/{neg} = {:.2}%",
            100.0 * tp as f64 / pos as f64,
            100.0 * fp as f64 / neg as f64
        );
    };
    report("rules alone", &|r| r.2);
    let pos = shipped.iter().filter(|s| s.0).count();
    let tp = shipped.iter().filter(|s| s.0 && s.1).count();
    let fp = shipped.iter().filter(|s| !s.0 && s.1).count();
    println!("as shipped: recall {tp}/{pos}, false positives {fp}/{}", shipped.len() - pos);
    for add in [0.0f32, 1.0, 1.5, 2.0, 3.0] {
        for clear in [-99.0f32, -3.0] {
            report(&format!("rules>={clear} or found&model>={add}"), &|r| {
                !r.4 && ((r.2 && r.5 >= clear) || (!r.2 && r.3 && r.5 >= add))
            });
            report(&format!("rules>={clear} or model>={add} (any)"), &|r| {
                !r.4 && ((r.2 && r.5 >= clear) || (!r.2 && r.5 >= add))
            });
        }
    }
}
