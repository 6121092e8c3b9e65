//! The dnstwist-compatible mode against fixtures made once by dnstwist 20250130 (bench/sentinel/gen_dnstwist_fixtures.py):
//! same set of names, and the same fuzzer for each name.

use std::collections::{BTreeMap, BTreeSet};

use certguard_sentinel::lookalike::dnstwist::{Options, filter_dictionary, filter_tlds, generate};

fn compare(seed: &str, fixture: &str, opts: &Options) {
    let expected: BTreeSet<(String, String)> = fixture
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (f, d) = l.split_once('\t').unwrap();
            (f.to_string(), d.to_string())
        })
        .collect();
    let got: BTreeSet<(String, String)> =
        generate(seed, opts).unwrap().into_iter().map(|c| (c.fuzzer.to_string(), c.domain)).collect();
    let mut per: BTreeMap<String, (usize, usize, Vec<String>)> = BTreeMap::new();
    for (f, d) in expected.difference(&got) {
        let e = per.entry(f.clone()).or_default();
        e.0 += 1;
        if e.2.len() < 5 {
            e.2.push(format!("missing {d}"));
        }
    }
    for (f, d) in got.difference(&expected) {
        let e = per.entry(f.clone()).or_default();
        e.1 += 1;
        if e.2.len() < 5 {
            e.2.push(format!("extra {d}"));
        }
    }
    assert!(per.is_empty(), "{seed}: per fuzzer (missing, extra, examples): {per:#?}");
    assert_eq!(got.len(), expected.len());
}

macro_rules! seed_test {
    ($name:ident, $seed:expr, $file:expr) => {
        #[test]
        fn $name() {
            compare($seed, include_str!(concat!("fixtures/dnstwist/", $file, ".tsv")), &Options::default());
        }
    };
}

seed_test!(mem_gov_cn, "mem.gov.cn", "mem.gov.cn");
seed_test!(cx_mem_gov_cn, "cx.mem.gov.cn", "cx.mem.gov.cn");
seed_test!(example_com, "example.com", "example.com");
seed_test!(long_hyphenated, "zhengshu-chaxun-online.com.cn", "zhengshu-chaxun-online.com.cn");
seed_test!(chinese_idn, "应急管理部.com", "xn--extu8ah31brfhgw1a.com");
seed_test!(osta_org_cn, "osta.org.cn", "osta.org.cn");

#[test]
fn with_dictionary_and_tlds() {
    let opts = Options {
        dictionary: filter_dictionary(include_str!("fixtures/dnstwist/dictionary.txt")),
        tlds: filter_tlds(include_str!("fixtures/dnstwist/tlds.txt")),
    };
    compare("example.com", include_str!("fixtures/dnstwist/example.com+dict.tsv"), &opts);
    compare("cx-mem.gov.cn", include_str!("fixtures/dnstwist/cx-mem.gov.cn+dict.tsv"), &opts);
}
