//! Fetching and judging pages served by a local test server.

mod common;

use std::time::{Duration, Instant};

use certguard_sentinel::fetch::{FetchOptions, fetch};
use certguard_sentinel::page::{Verdict, judge};
use certguard_sentinel::profile::Profile;

fn opts() -> FetchOptions {
    FetchOptions { allow_private: true, timeout: Duration::from_secs(2), ..FetchOptions::default() }
}

#[test]
fn a_fake_query_page_impersonates() {
    let a = common::serve();
    let f = fetch(&format!("http://{a}/to-fake"), &opts()).unwrap();
    assert_eq!(f.status, 200);
    assert_eq!(f.final_url, format!("http://{a}/fake"));
    assert_eq!(f.redirects.len(), 2);
    assert_eq!(f.redirects[0].status, 302);
    assert_eq!(f.body_sha256.len(), 64);
    assert_eq!(f.body_bytes, common::FAKE.len());
    // judged as served from a look-alike host (resolve override), it impersonates
    let host = "cx.mem.gov.cn.zscx.top";
    let o = FetchOptions { resolve: Some((host.into(), a)), ..opts() };
    let f = fetch(&format!("http://{host}:{}/fake", a.port()), &o).unwrap();
    let j = judge(&f, &Profile::default_profile());
    assert_eq!(j.verdict, Verdict::Impersonates, "{:?}", j.reasons);
    assert!(j.reasons.iter().any(|r| r.code == "gov_site_code"));
    assert!(j.reasons.iter().any(|r| r.code == "lookalike_host"));
    assert_eq!(j.evidence.final_url, format!("http://{host}:{}/fake", a.port()));
}

#[test]
fn the_same_page_on_a_gov_cn_host_is_not_an_impersonation() {
    let a = common::serve();
    let o = FetchOptions { resolve: Some(("cx.mem.gov.cn".into(), a)), ..opts() };
    let f = fetch(&format!("http://cx.mem.gov.cn:{}/genuine", a.port()), &o).unwrap();
    let j = judge(&f, &Profile::default_profile());
    assert!(j.official_host);
    assert_eq!(j.verdict, Verdict::Unrelated);
    assert_eq!(j.score, 0);
    // the signals are still there: it looks like the reference
    assert!(j.text_similarity > 0.5, "{}", j.text_similarity);
}

#[test]
fn loopback_is_refused_unless_allowed() {
    let a = common::serve();
    let e = fetch(&format!("http://{a}/fake"), &FetchOptions::default()).unwrap_err();
    assert!(e.to_string().contains("private or loopback"), "{e}");
    // the resolve override does not bypass the rule either
    let o = FetchOptions { resolve: Some(("mem-gov-cn.com".into(), a)), ..FetchOptions::default() };
    assert!(fetch(&format!("http://mem-gov-cn.com:{}/fake", a.port()), &o).is_err());
}

#[test]
fn redirect_loops_slow_huge_and_non_html_are_errors() {
    let a = common::serve();
    let e = fetch(&format!("http://{a}/loop1"), &opts()).unwrap_err().to_string();
    assert!(e.contains("redirect loop"), "{e}");
    let t = Instant::now();
    let e = fetch(&format!("http://{a}/slow"), &opts()).unwrap_err().to_string();
    assert!(t.elapsed() < Duration::from_secs(4), "timeout not enforced: {:?}", t.elapsed());
    assert!(e.to_lowercase().contains("timeout") || e.contains("timed out"), "{e}");
    let small = FetchOptions { max_bytes: 1024 * 1024, ..opts() };
    let e = fetch(&format!("http://{a}/huge"), &small).unwrap_err().to_string();
    assert!(e.contains("exceeds the cap"), "{e}");
    let e = fetch(&format!("http://{a}/huge-declared"), &small).unwrap_err().to_string();
    assert!(e.contains("exceeds the cap"), "{e}");
    let e = fetch(&format!("http://{a}/json"), &opts()).unwrap_err().to_string();
    assert!(e.contains("not an HTML page"), "{e}");
    // an untyped body that looks like HTML is accepted
    assert!(fetch(&format!("http://{a}/plain"), &opts()).is_ok());
}
