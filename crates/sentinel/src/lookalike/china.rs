//! The China government look-alike profile (what dnstwist lacks for a `.gov.cn` brand: 557 of its 560 names for
//! mem.gov.cn are `.gov.cn` names nobody can register).
//!
//! Fuzzers (names as reported in [`Candidate::fuzzer`]):
//! - `gov-fold`: the official host folded into one registrable label (mem-gov-cn.com, memgov.cn, cxmemgovcn.top);
//! - `official-prefix`: the official host in front of another registrable domain (cx.mem.gov.cn.zscx.top,
//!   mem.gov.cn-cx.com);
//! - `suffix-swap`: the official label on look-alike suffixes (mem.com.cn, mem.cn.com, mem.net.cn, mem.cn ...);
//! - `pinyin`: pinyin tokens and initials of the profile combined with separators and digits (yjglb-zscx.com);
//! - `homoglyph-ascii` / `homoglyph-cyrillic`: the official label with ASCII look-alikes (rn/m, 0/o, 1/l) or
//!   Cyrillic letters, on registrable suffixes;
//! - `idn-simplified` / `idn-traditional`: Chinese names as IDNs (应急管理部.com, 證書查詢.cn), punycoded.
//!
//! Only registrable names are produced: nothing under `.gov.cn` or the official registrable domains.

use std::collections::HashSet;

use super::Candidate;
use crate::{Error, profile::Profile};

/// Suffixes that look Chinese-official or are cheap and commonly abused.
pub const LOOKALIKE_SUFFIXES: &[&str] = &[
    "com", "cn", "com.cn", "net.cn", "org.cn", "cn.com", "net", "org", "top", "xyz", "vip", "cc", "site", "online",
    "icu", "wang", "ltd", "shop", "info", "work",
];
/// Suffixes for IDN names (registries that take Chinese labels).
const IDN_SUFFIXES: &[&str] = &["com", "cn", "net", "中国", "公司", "网络", "top", "xyz", "vip", "cc"];
/// Suffixes where Cyrillic labels are registrable.
const CYRILLIC_SUFFIXES: &[&str] = &["com", "net", "org", "top", "xyz"];
const SEPARATORS: &[&str] = &["", "-"];
const DIGITS: &[&str] = &["", "1", "8", "365", "2024", "2025"];
const PREFIX_WORDS: &[&str] = &["zscx", "cx", "chaxun", "query", "cert", "zs", "www", "verify"];
const ASCII_GLYPHS: &[(&str, &str)] = &[
    ("m", "rn"),
    ("m", "nn"),
    ("o", "0"),
    ("l", "1"),
    ("i", "1"),
    ("i", "l"),
    ("w", "vv"),
    ("d", "cl"),
    ("g", "q"),
    ("e", "c"),
    ("u", "v"),
    ("n", "m"),
    ("s", "5"),
    ("z", "2"),
    ("b", "6"),
];
const CYRILLIC: &[(char, char)] = &[
    ('a', 'а'),
    ('c', 'с'),
    ('e', 'е'),
    ('h', 'һ'),
    ('i', 'і'),
    ('j', 'ј'),
    ('k', 'к'),
    ('m', 'м'),
    ('o', 'о'),
    ('p', 'р'),
    ('s', 'ѕ'),
    ('x', 'х'),
    ('y', 'у'),
    ('d', 'ԁ'),
    ('l', 'ӏ'),
    ('t', 'т'),
    ('w', 'ԝ'),
];

struct Out<'a> {
    seen: HashSet<String>,
    v: Vec<Candidate>,
    official: &'a [String],
}

impl Out<'_> {
    fn add(&mut self, name: &str, fuzzer: &'static str) {
        let Ok(ascii) = idna::domain_to_ascii_strict(name) else {
            return;
        };
        if ascii.len() > 253 || ascii.split('.').any(|l| l.is_empty() || l.len() > 63) {
            return;
        }
        let Some(reg) = psl::domain_str(&ascii) else {
            return;
        };
        if reg.ends_with(".gov.cn") || self.official.iter().any(|o| o == reg) {
            return;
        }
        if self.seen.insert(ascii.clone()) {
            self.v.push(Candidate::new(ascii, fuzzer));
        }
    }
}

/// Generates the China government look-alikes of `seed` (e.g. `cx.mem.gov.cn`), using the profile's tokens and
/// Chinese names. The seed need not be in the profile: its own labels are used too.
pub fn generate(seed: &str, profile: &Profile) -> Result<Vec<Candidate>, Error> {
    let clean = crate::domains::clean_name(seed)?;
    let host = clean.ascii;
    let reg =
        psl::domain_str(&host).ok_or_else(|| Error::InvalidDomain(format!("{seed:?} has no registrable domain")))?;
    let suffix = psl::suffix_str(&host).unwrap_or("");
    let label = reg.split('.').next().unwrap_or(reg).to_string();
    let official = {
        let mut o = profile.official_registrable();
        o.push(reg.to_string());
        o
    };
    let mut out = Out { seen: HashSet::new(), v: Vec::new(), official: &official };
    let mut hosts: Vec<String> = vec![host.clone()];
    if host != reg {
        hosts.push(reg.to_string());
    }
    // gov-fold
    for h in &hosts {
        let parts: Vec<&str> = h.split('.').collect();
        let mut folds = vec![parts.join(""), parts.join("-")];
        // drop the last suffix part: memgov, mem-gov, cx-mem-gov
        if parts.len() > 2 {
            folds.push(parts[..parts.len() - 1].join(""));
            folds.push(parts[..parts.len() - 1].join("-"));
        }
        for f in folds {
            for sfx in LOOKALIKE_SUFFIXES {
                out.add(&format!("{f}.{sfx}"), "gov-fold");
            }
        }
    }
    // official-prefix
    for h in &hosts {
        for w in PREFIX_WORDS {
            for sfx in LOOKALIKE_SUFFIXES {
                out.add(&format!("{h}.{w}.{sfx}"), "official-prefix");
                out.add(&format!("{h}-{w}.{sfx}"), "official-prefix");
            }
        }
        for sfx in LOOKALIKE_SUFFIXES {
            out.add(&format!("{h}.{sfx}"), "official-prefix");
        }
    }
    // suffix-swap
    let sub = host.strip_suffix(reg).unwrap_or("").trim_end_matches('.');
    for sfx in LOOKALIKE_SUFFIXES {
        if *sfx != suffix {
            out.add(&format!("{label}.{sfx}"), "suffix-swap");
            if !sub.is_empty() {
                out.add(&format!("{sub}.{label}.{sfx}"), "suffix-swap");
                out.add(&format!("{sub}{label}.{sfx}"), "suffix-swap");
                out.add(&format!("{sub}-{label}.{sfx}"), "suffix-swap");
            }
        }
    }
    // pinyin: the seed's own labels plus the profile's tokens, in pairs
    let mut toks: Vec<String> = Vec::new();
    for t in host.strip_suffix(suffix).unwrap_or(&host).split('.').chain(profile.pinyin.iter().map(String::as_str)) {
        if !t.is_empty() && !toks.iter().any(|x| x == t) {
            toks.push(t.to_string());
        }
    }
    const PINYIN_SUFFIXES: &[&str] = &["com", "cn", "com.cn", "net", "top", "xyz", "vip", "cc"];
    for a in &toks {
        for b in &toks {
            if a == b {
                continue;
            }
            for sep in SEPARATORS {
                for d in DIGITS {
                    for sfx in PINYIN_SUFFIXES {
                        out.add(&format!("{a}{sep}{b}{d}.{sfx}"), "pinyin");
                    }
                }
            }
        }
    }
    // homoglyphs of the official label (single substitutions, and all occurrences at once)
    for (from, to) in ASCII_GLYPHS {
        for (i, _) in label.match_indices(from) {
            let v = format!("{}{}{}", &label[..i], to, &label[i + from.len()..]);
            for sfx in ["com", "cn", "com.cn", "net", "cn.com", "top"] {
                out.add(&format!("{v}.{sfx}"), "homoglyph-ascii");
                out.add(&format!("{v}-gov-cn.{sfx}"), "homoglyph-ascii");
            }
        }
        if label.matches(from).count() > 1 {
            let v = label.replace(from, to);
            for sfx in ["com", "cn", "com.cn", "net", "cn.com", "top"] {
                out.add(&format!("{v}.{sfx}"), "homoglyph-ascii");
            }
        }
    }
    let lc: Vec<char> = label.chars().collect();
    let cyr = |c: char| CYRILLIC.iter().find(|(l, _)| *l == c).map(|(_, k)| *k);
    let mut cyr_variants: Vec<String> = Vec::new();
    for i in 0..lc.len() {
        if let Some(k) = cyr(lc[i]) {
            let mut v = lc.clone();
            v[i] = k;
            cyr_variants.push(v.into_iter().collect());
        }
    }
    if lc.iter().all(|&c| cyr(c).is_some()) {
        cyr_variants.push(lc.iter().map(|&c| cyr(c).unwrap_or(c)).collect());
    }
    for v in &cyr_variants {
        for sfx in CYRILLIC_SUFFIXES {
            out.add(&format!("{v}.{sfx}"), "homoglyph-cyrillic");
        }
    }
    // Chinese IDNs
    for (names, fuzzer) in [(&profile.chinese_names, "idn-simplified"), (&profile.traditional_names, "idn-traditional")]
    {
        for n in names {
            for extra in ["", "查询", "证书查询", "官网"] {
                let extra = if fuzzer == "idn-traditional" {
                    match extra {
                        "查询" => "查詢",
                        "证书查询" => "證書查詢",
                        "官网" => "官網",
                        e => e,
                    }
                } else {
                    extra
                };
                if n.ends_with(extra) && !extra.is_empty() {
                    continue;
                }
                for sfx in IDN_SUFFIXES {
                    out.add(&format!("{n}{extra}.{sfx}"), fuzzer);
                }
            }
        }
    }
    Ok(out.v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gen_set(seed: &str) -> Vec<Candidate> {
        generate(seed, &Profile::default_profile()).unwrap()
    }

    #[test]
    fn covers_the_fraud_patterns_of_the_design() {
        let v = gen_set("cx.mem.gov.cn");
        let has = |d: &str, f: &str| v.iter().any(|c| c.unicode == d && c.fuzzer == f);
        for (d, f) in [
            ("mem-gov-cn.com", "gov-fold"),
            ("memgov.cn", "gov-fold"),
            ("cx.mem.gov.cn.zscx.top", "official-prefix"),
            ("mem.gov.cn-cx.com", "official-prefix"),
            ("mem.com.cn", "suffix-swap"),
            ("mem.cn.com", "suffix-swap"),
            ("mem.net.cn", "suffix-swap"),
            ("yjglb-zscx.com", "pinyin"),
            ("tzzy-cx2024.top", "pinyin"),
            ("rnem.com", "homoglyph-ascii"),
            ("мем.com", "homoglyph-cyrillic"),
            ("应急管理部.com", "idn-simplified"),
            ("應急管理部.cn", "idn-traditional"),
            ("证书查询.中国", "idn-simplified"),
        ] {
            assert!(has(d, f), "missing {d} ({f})");
        }
    }

    #[test]
    fn every_candidate_is_registrable_and_not_official() {
        for seed in ["cx.mem.gov.cn", "mem.gov.cn", "zscx.osta.org.cn"] {
            let v = gen_set(seed);
            assert!(v.len() > 1000, "{seed}: {}", v.len());
            let mut seen = HashSet::new();
            for c in &v {
                let reg = c.registrable.as_deref().expect("registrable");
                assert!(!reg.ends_with(".gov.cn") && reg != "mem.gov.cn", "{c:?}");
                assert!(c.domain.is_ascii() && seen.insert(c.domain.clone()), "{c:?}");
                assert_eq!(c.domain, c.punycode);
                if c.fuzzer.starts_with("idn") {
                    assert!(c.domain.contains("xn--"), "{c:?}");
                }
            }
        }
    }

    #[test]
    fn the_scorer_flags_the_brand_specific_candidates() {
        let scorer = crate::domains::DomainScorer::new(&Profile::default_profile());
        let v = gen_set("cx.mem.gov.cn");
        for c in v.iter().filter(|c| matches!(c.fuzzer, "gov-fold" | "official-prefix" | "idn-simplified")) {
            let r = scorer.score(&c.domain).unwrap();
            assert!(r.flagged, "{} ({}) not flagged: {:?}", c.unicode, c.fuzzer, r.reasons);
        }
    }
}
