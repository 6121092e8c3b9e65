//! The ad model judged on texts it did not learn from: each training file (written by a different hand) is
//! judged by a model trained on the others, with the shipped thresholds. Figures in bench/RESULTS-sentinel.md
//! (round 5); the floors sit a little below them, so a change that makes the model generalise worse fails.

use std::sync::Arc;

use certguard_sentinel::ads::{AdScanner, TRAINING_FILES, labelled_texts, train_model};
use certguard_sentinel::gram_model::TrainOptions;

#[test]
fn leave_one_file_out() {
    let rules = AdScanner::rules_only();
    let files: Vec<Vec<(String, bool)>> = TRAINING_FILES.iter().map(|(_, f)| labelled_texts(f)).collect();
    let (mut pos, mut tp, mut neg, mut fp) = (0u32, 0u32, 0u32, 0u32);
    let (mut rules_tp, mut rules_fp) = (0u32, 0u32);
    for (k, held) in files.iter().enumerate() {
        let train: Vec<(String, bool)> =
            files.iter().enumerate().filter(|(j, _)| *j != k).flat_map(|(_, t)| t.iter().cloned()).collect();
        let scanner =
            AdScanner::rules_only().with_model(Arc::new(train_model(&rules, &train, TrainOptions::default())));
        for (text, offer) in held {
            let flagged = scanner.scan(text).flagged;
            let by_rules = rules.scan(text).flagged;
            if *offer {
                pos += 1;
                tp += u32::from(flagged);
                rules_tp += u32::from(by_rules);
            } else {
                neg += 1;
                fp += u32::from(flagged);
                rules_fp += u32::from(by_rules);
            }
        }
    }
    let recall = f64::from(tp) / f64::from(pos);
    let fp_rate = f64::from(fp) / f64::from(neg);
    eprintln!(
        "rules and model: recall {tp}/{pos} = {:.1}%, false positives {fp}/{neg} = {:.2}%",
        100.0 * recall,
        100.0 * fp_rate
    );
    eprintln!("rules alone: recall {rules_tp}/{pos}, false positives {rules_fp}/{neg}");
    assert!(pos > 1_000 && neg > 1_000, "the training files are incomplete");
    assert!(recall >= 0.95, "recall {recall:.3} on unseen files fell below 0.95");
    assert!(fp_rate <= 0.012, "false positives {fp_rate:.4} on unseen files rose above 1.2%");
    // the model must earn its place: more recall than the rules, no more false positives
    assert!(tp > rules_tp + 50 && fp <= rules_fp, "the model adds too little: {tp} vs {rules_tp}, {fp} vs {rules_fp}");
}

#[test]
fn the_model_explains_what_it_flags_and_is_the_same_every_time() {
    let a = AdScanner::new();
    let b = AdScanner::new();
    // Every offer flagged by the model alone carries the runs that weighed most, with spans into the text.
    let mut explained = 0;
    for (_, f) in TRAINING_FILES {
        for (text, _) in labelled_texts(f) {
            let r = a.scan(&text);
            assert_eq!(r.model_score, b.scan(&text).model_score);
            if r.rules.iter().any(|h| h.rule == certguard_sentinel::ads::Rule::Model) {
                assert!(!r.model_grams.is_empty(), "{text}");
                let chars: Vec<char> = text.chars().collect();
                for g in &r.model_grams {
                    assert_eq!(chars[g.span[0]..g.span[1]].iter().collect::<String>(), g.text);
                }
                explained += 1;
            }
        }
    }
    assert!(explained > 0);
}

#[test]
fn domain_model_leave_one_file_out() {
    use certguard_sentinel::domains::{DOMAIN_TRAINING_FILES, DomainScorer, labelled_names, train_domain_model};
    use certguard_sentinel::profile::Profile;
    let rules = DomainScorer::rules_only(&Profile::all());
    let files: Vec<Vec<(String, bool)>> = DOMAIN_TRAINING_FILES.iter().map(|(_, f)| labelled_names(f)).collect();
    let (mut pos, mut tp, mut neg, mut fp, mut rules_tp) = (0u32, 0u32, 0u32, 0u32, 0u32);
    for (k, held) in files.iter().enumerate() {
        let train: Vec<(String, bool)> =
            files.iter().enumerate().filter(|(j, _)| *j != k).flat_map(|(_, t)| t.iter().cloned()).collect();
        let scorer = DomainScorer::rules_only(&Profile::all()).with_model(Arc::new(train_domain_model(
            &rules,
            &train,
            TrainOptions::default(),
        )));
        for (name, bad) in held {
            let flagged = scorer.score(name).is_ok_and(|s| s.flagged);
            if *bad {
                pos += 1;
                tp += u32::from(flagged);
                rules_tp += u32::from(rules.score(name).is_ok_and(|s| s.flagged));
            } else {
                neg += 1;
                fp += u32::from(flagged);
            }
        }
    }
    let recall = f64::from(tp) / f64::from(pos);
    let fp_rate = f64::from(fp) / f64::from(neg);
    eprintln!(
        "domains, rules and model: recall {tp}/{pos} = {:.1}%, FP {fp}/{neg} = {:.2}%",
        100.0 * recall,
        100.0 * fp_rate
    );
    assert!(pos > 1_000 && neg > 1_000, "the training files are incomplete");
    assert!(recall >= 0.95 && fp_rate <= 0.006, "recall {recall:.3}, false positives {fp_rate:.4}");
    assert!(tp > rules_tp + 50, "the model adds too little: {tp} vs {rules_tp}");
}

#[test]
fn a_model_flag_on_a_domain_says_why_and_official_names_stay_unflagged() {
    use certguard_sentinel::domains::DomainScorer;
    use certguard_sentinel::profile::Profile;
    let s = DomainScorer::new(&Profile::all());
    let mut by_model = 0;
    for (_, f) in certguard_sentinel::domains::DOMAIN_TRAINING_FILES {
        for (name, _) in certguard_sentinel::domains::labelled_names(f) {
            if let Ok(r) = s.score(&name)
                && let Some(why) = r.reasons.iter().find(|x| x.code == "model")
            {
                assert!(r.flagged && why.detail.contains("log-odds"), "{name}: {r:?}");
                by_model += 1;
            }
        }
    }
    assert!(by_model > 0);
    for official in ["cx.mem.gov.cn", "www.mem.gov.cn", "zscx.osta.org.cn", "anything.gov.cn"] {
        assert!(!s.score(official).unwrap().flagged, "{official}");
    }
}
