//! Property tests: no input makes the scorers panic, and their invariants hold.

use certguard_sentinel::ads::AdScanner;
use certguard_sentinel::domains::DomainScorer;
use certguard_sentinel::lookalike::{self, Mode};
use certguard_sentinel::normalize::normalize;
use certguard_sentinel::page;
use certguard_sentinel::profile::Profile;
use proptest::prelude::*;

fn domainish() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z0-9.-]{0,80}",
        "(xn--)?[a-z0-9-]{1,20}\\.(gov\\.cn|com|top|cn|com\\.cn)",
        "[а-яa-z应急管理部证书查询.-]{1,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn domain_scoring_never_panics_and_is_consistent(s in domainish()) {
        let scorer = DomainScorer::new(&Profile::default_profile());
        if let Ok(r) = scorer.score(&s) {
            prop_assert_eq!(r.score, r.reasons.iter().map(|x| x.points).sum::<i32>());
            prop_assert!(!(r.official && r.flagged));
            if r.registrable.as_deref().is_some_and(|x| x.ends_with(".gov.cn")) {
                prop_assert!(!r.flagged);
            }
            prop_assert!(r.ascii.is_ascii());
            prop_assert_eq!(r.registrable.as_deref(), psl::domain_str(&r.ascii));
        }
    }

    #[test]
    fn ad_scanning_never_panics_and_spans_fit(s in any::<String>()) {
        static SCANNER: std::sync::OnceLock<AdScanner> = std::sync::OnceLock::new();
        let r = SCANNER.get_or_init(AdScanner::new).scan(&s);
        let n = s.chars().count();
        for p in &r.phrases {
            prop_assert!(p.span[0] <= p.span[1] && p.span[1] <= n);
        }
        for c in &r.contacts {
            prop_assert!(c.span[0] <= c.span[1] && c.span[1] <= n);
        }
        prop_assert!(!r.flagged || r.phrases.iter().any(|p| p.points > 0));
    }

    #[test]
    fn normalisation_maps_every_char_back(s in any::<String>()) {
        let n = normalize(&s);
        prop_assert_eq!(n.char_map.len(), n.text.len());
        prop_assert_eq!(n.byte_map.len(), n.text.len());
        let len = s.chars().count() as u32;
        prop_assert!(n.char_map.windows(2).all(|w| w[0] <= w[1]));
        prop_assert!(n.char_map.iter().all(|&i| i < len));
        prop_assert!(n.byte_map.iter().all(|&b| s.is_char_boundary(b as usize) && (b as usize) < s.len()));
    }

    #[test]
    fn page_extraction_never_panics(s in any::<String>()) {
        let _ = page::extract(&s, &Profile::default_profile());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn generation_never_panics(s in "[a-z0-9.\\-应急]{0,14}") {
        let p = Profile::default_profile();
        for m in [Mode::Dnstwist, Mode::China] {
            if let Ok(v) = lookalike::generate(&s, m, &p) {
                for c in v {
                    prop_assert!(c.domain.is_ascii() && !c.domain.is_empty());
                }
            }
        }
    }
}
