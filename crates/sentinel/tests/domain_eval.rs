//! Domain scoring on generated look-alikes (recall per fuzzer) and on ordinary names (false positives).

use std::collections::BTreeMap;

use certguard_sentinel::domains::DomainScorer;
use certguard_sentinel::lookalike::{Mode, generate};
use certguard_sentinel::profile::Profile;

#[test]
fn flag_rates_per_fuzzer_on_china_look_alikes() {
    let p = Profile::default_profile();
    let s = DomainScorer::new(&p);
    let mut per: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for c in generate("cx.mem.gov.cn", Mode::All, &p).unwrap() {
        let r = s.score(&c.domain).unwrap();
        let e = per.entry(c.fuzzer).or_default();
        e.0 += 1;
        e.1 += u32::from(r.flagged);
        if c.fuzzer == "pinyin" && ["yjglb", "tzzy", "aqsc"].iter().filter(|t| c.domain.contains(*t)).count() >= 2 {
            assert!(r.flagged, "{} {:?}", c.domain, r.reasons);
        }
        // dnstwist keeps .gov.cn: those names cannot be registered and are never flagged
        if c.registrable.as_deref().is_some_and(|r| r.ends_with(".gov.cn")) {
            assert!(!r.flagged);
        }
    }
    let rate = |f: &str| per.get(f).map_or(0.0, |(n, k)| f64::from(*k) / f64::from(*n));
    for (f, (n, k)) in &per {
        eprintln!("{f:20} {k:6}/{n:<6} {:.3}", f64::from(*k) / f64::from(*n));
    }
    for f in ["gov-fold", "official-prefix", "idn-simplified", "idn-traditional", "homoglyph-cyrillic", "suffix-swap"] {
        assert!(rate(f) >= 0.95, "{f}: {}", rate(f));
    }
    assert!(rate("homoglyph-ascii") >= 0.6, "homoglyph-ascii: {}", rate("homoglyph-ascii"));
    // pinyin pairs of generic words only (cx-zs.com, zs-chaxun8.top) are deliberately not flagged
    assert!(rate("pinyin") >= 0.45, "pinyin: {}", rate("pinyin"));
}

#[test]
fn ordinary_names_are_not_flagged() {
    let s = DomainScorer::new(&Profile::default_profile());
    let mut flagged = Vec::new();
    let list = include_str!("fixtures/benign_domains.txt");
    for d in list.lines().filter(|l| !l.is_empty()) {
        let r = s.score(d).unwrap();
        if r.flagged {
            flagged.push(format!("{d} {} {:?}", r.score, r.reasons.iter().map(|x| x.code).collect::<Vec<_>>()));
        }
    }
    eprintln!("benign flagged: {} of {}: {flagged:#?}", flagged.len(), list.lines().count());
    assert!(flagged.is_empty(), "{flagged:#?}");
}
