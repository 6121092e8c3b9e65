//! The CLI runners on in-memory input and output.

mod common;

use std::collections::BTreeSet;
use std::io::Cursor;

use certguard_sentinel::cli::{
    JsonFormat, JsonlFormat, ListFormat, LookalikeArgs, ScanAdsArgs, ScanDomainsArgs, ScanPageArgs, run_lookalike,
    run_scan_ads, run_scan_domains, run_scan_page,
};
use certguard_sentinel::lookalike::Mode;
use serde_json::Value;

fn lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn lookalike_list_in_dnstwist_mode_prints_dnstwists_list() {
    let args = LookalikeArgs {
        domain: "mem.gov.cn".into(),
        mode: Mode::Dnstwist,
        format: ListFormat::List,
        profile: "mem".into(),
        dictionary: None,
        tld: None,
    };
    let mut out = Vec::new();
    run_lookalike(&args, &mut out).unwrap();
    let got: Vec<String> = String::from_utf8(out).unwrap().lines().map(str::to_string).collect();
    // dnstwist's list is sorted by (fuzzer, domain): the fixture rows in that order
    let mut fixture: Vec<(String, String)> = include_str!("fixtures/dnstwist/mem.gov.cn.tsv")
        .lines()
        .map(|l| {
            let (f, d) = l.split_once('\t').unwrap();
            (f.to_string(), d.to_string())
        })
        .collect();
    fixture.sort();
    let expected: Vec<String> = fixture.into_iter().map(|(_, d)| d).collect();
    assert_eq!(got, expected);
}

#[test]
fn lookalike_jsonl_has_the_fields() {
    let args = LookalikeArgs {
        domain: "cx.mem.gov.cn".into(),
        mode: Mode::All,
        format: ListFormat::Jsonl,
        profile: "mem".into(),
        dictionary: None,
        tld: None,
    };
    let mut out = Vec::new();
    run_lookalike(&args, &mut out).unwrap();
    let v = lines(&out);
    let fuzzers: BTreeSet<&str> = v.iter().map(|x| x["fuzzer"].as_str().unwrap()).collect();
    for f in ["homoglyph", "gov-fold", "idn-simplified", "pinyin"] {
        assert!(fuzzers.contains(f), "{f}");
    }
    let idn = v.iter().find(|x| x["unicode"] == "应急管理部.com").unwrap();
    assert_eq!(idn["domain"], "xn--extu8ah31brfhgw1a.com");
    assert_eq!(idn["punycode"], "xn--extu8ah31brfhgw1a.com");
    assert_eq!(idn["registrable"], "xn--extu8ah31brfhgw1a.com");
    let bad = LookalikeArgs { domain: "not a domain".into(), ..args.clone() };
    assert!(run_lookalike(&bad, &mut Vec::new()).is_err());
    // an unknown profile is an error in every mode, also where the profile is not used
    for mode in [Mode::Dnstwist, Mode::China, Mode::All] {
        let bad = LookalikeArgs { mode, profile: "nope".into(), ..args.clone() };
        assert!(run_lookalike(&bad, &mut Vec::new()).unwrap_err().to_string().contains("nope"));
    }
}

#[test]
fn scan_domains_one_line_per_input_in_order_with_errors_inline() {
    let mut input: Vec<u8> = Vec::new();
    input.extend_from_slice(b"cx.mem.gov.cn.zscx.top\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"{\"domain\": \"mem-gov-cn.com\", \"seen\": 1}\n");
    input.extend_from_slice(b"\xff\xfe bad bytes\n");
    input.extend_from_slice(b"xn--zz--.com\r\n");
    input.extend_from_slice(b"{\"nope\": 1}\n");
    input.extend_from_slice(&vec![b'a'; 100_000]);
    input.extend_from_slice(b"\nyjglj.beijing.gov.cn\nexample.com");
    let args = ScanDomainsArgs { input: None, format: JsonlFormat::Jsonl, profile: "mem".into(), follow: false };
    let mut out = Vec::new();
    run_scan_domains(&args, &mut Cursor::new(input), &mut out).unwrap();
    let v = lines(&out);
    assert_eq!(v.len(), 9, "{v:#?}");
    for (i, x) in v.iter().enumerate() {
        assert_eq!(x["line"], i as u64 + 1);
    }
    assert_eq!(v[0]["domain"], "cx.mem.gov.cn.zscx.top");
    assert_eq!(v[0]["registrable"], "zscx.top");
    assert_eq!(v[0]["flagged"], true);
    assert!(v[0]["reasons"].as_array().unwrap().iter().all(|r| r["points"].is_i64()));
    assert!(v[1]["error"].as_str().unwrap().contains("empty"));
    assert_eq!(v[2]["domain"], "mem-gov-cn.com");
    assert_eq!(v[2]["flagged"], true);
    assert!(v[3]["error"].as_str().unwrap().contains("UTF-8"));
    assert!(v[4]["error"].as_str().unwrap().contains("punycode") || v[4]["error"].as_str().unwrap().contains("IDNA"));
    assert!(v[5]["error"].as_str().unwrap().contains("domain"));
    assert!(v[6]["error"].is_string());
    assert_eq!(v[7]["flagged"], false);
    assert_eq!(v[7]["official"], true);
    assert_eq!(v[8]["domain"], "example.com");
    assert_eq!(v[8]["flagged"], false);
}

#[test]
fn scan_domains_reads_a_file_and_rejects_unknown_profiles() {
    let dir = std::env::temp_dir().join(format!("cg-sentinel-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("names.txt");
    std::fs::write(&p, "memgovcn.top\nbaidu.com\n").unwrap();
    let args =
        ScanDomainsArgs { input: Some(p.clone()), format: JsonlFormat::Jsonl, profile: "samr".into(), follow: false };
    let mut out = Vec::new();
    run_scan_domains(&args, &mut Cursor::new(Vec::new()), &mut out).unwrap();
    assert_eq!(lines(&out).len(), 2);
    let bad = ScanDomainsArgs { profile: "nope".into(), ..args.clone() };
    assert!(run_scan_domains(&bad, &mut Cursor::new(Vec::new()), &mut Vec::new()).is_err());
    // By default every official site is protected at once: a copy of SAMR's or MOHURD's query site is flagged
    // without naming its profile, and an official site of any authority is official.
    std::fs::write(
        &p,
        "cnse-samr-gov.cn.com
zlaq-mohurd.top
cnse.samr.gov.cn
baidu.com
",
    )
    .unwrap();
    let default = ScanDomainsArgs::parse_default(p.clone());
    let mut out = Vec::new();
    run_scan_domains(&default, &mut Cursor::new(Vec::new()), &mut out).unwrap();
    let v = lines(&out);
    assert_eq!((v[0]["flagged"].as_bool(), v[1]["flagged"].as_bool()), (Some(true), Some(true)), "{v:?}");
    assert_eq!((v[2]["official"].as_bool(), v[3]["flagged"].as_bool()), (Some(true), Some(false)), "{v:?}");
    let narrowed = ScanDomainsArgs { profile: "mem".into(), ..default };
    let mut out = Vec::new();
    run_scan_domains(&narrowed, &mut Cursor::new(Vec::new()), &mut out).unwrap();
    assert_eq!(lines(&out)[1]["flagged"], false, "--profile narrows to one authority: {:?}", lines(&out));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn scan_ads_text_and_json_lines() {
    let input = "电工证免考包过，官网可查，加薇 dg_888\n{\"text\": \"警方提醒：所谓免考包过均为诈骗\"}\n\n{bad json\n";
    let args = ScanAdsArgs { input: Some("-".into()), format: JsonlFormat::Jsonl };
    let mut out = Vec::new();
    run_scan_ads(&args, &mut Cursor::new(input.as_bytes().to_vec()), &mut out).unwrap();
    let v = lines(&out);
    assert_eq!(v.len(), 4);
    assert_eq!(v[0]["flagged"], true);
    assert_eq!(v[0]["contacts"][0]["kind"], "wechat");
    assert_eq!(v[0]["contacts"][0]["value"], "dg_888");
    assert_eq!(v[0]["certificates"][0], "电工证");
    assert_eq!(v[0]["phrases"][0]["span"], serde_json::json!([0, 3]));
    let p = v[0]["phrases"].as_array().unwrap().iter().find(|p| p["phrase"] == "免考").unwrap();
    assert_eq!(p["kind"], "no_exam");
    assert_eq!(v[0]["rules"][0]["rule"], "certificate_without_exam");
    assert_eq!(p["span"], serde_json::json!([3, 5]));
    assert_eq!(p["text"], "免考");
    assert_eq!(v[1]["flagged"], false);
    assert!(v[2]["error"].is_string() && v[3]["error"].is_string());
}

#[test]
fn scan_page_judges_a_local_page_or_reports_the_error() {
    let a = common::serve();
    let args = ScanPageArgs {
        url: format!("http://{a}/fake"),
        format: JsonFormat::Json,
        allow_private: true,
        profile: "mem".into(),
        timeout: 2,
        max_bytes: 1 << 20,
    };
    let mut out = Vec::new();
    run_scan_page(&args, &mut out).unwrap();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert!(matches!(v["verdict"].as_str(), Some("impersonates" | "suspicious")), "{v}");
    assert_eq!(v["evidence"]["status"], 200);
    assert_eq!(v["evidence"]["body_sha256"].as_str().unwrap().len(), 64);
    let refused = ScanPageArgs { allow_private: false, ..args };
    let mut out = Vec::new();
    // a page that was not fetched is a failure of the command, with the JSON error document still written
    let e = run_scan_page(&refused, &mut out).unwrap_err();
    assert!(format!("{e:#}").contains("private"), "{e:#}");
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["url"], format!("http://{a}/fake"));
    assert!(v["error"].as_str().unwrap().contains("private"));
}

/// A `Write` shared with the test while the follower runs in its own thread.
#[derive(Clone, Default)]
struct Shared(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn scan_domains_follow_tails_a_growing_file() {
    use std::io::Write;
    use std::time::{Duration, Instant};
    let dir = std::env::temp_dir().join(format!("cg-sentinel-follow-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("ct.txt");
    std::fs::write(&p, "mem-gov-cn.com\n").unwrap();
    let out = Shared::default();
    let args =
        ScanDomainsArgs { input: Some(p.clone()), format: JsonlFormat::Jsonl, profile: "mem".into(), follow: true };
    let mut w = out.clone();
    // the follower never ends by itself: it is left running, detached, until the test process exits
    std::thread::spawn(move || run_scan_domains(&args, &mut Cursor::new(Vec::new()), &mut w));
    let wait_for = |n: usize| {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(10) {
            if String::from_utf8_lossy(&out.0.lock().unwrap()).lines().count() >= n {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };
    assert!(wait_for(1));
    let mut f = std::fs::OpenOptions::new().append(true).open(&p).unwrap();
    // a line written in two parts is read once, whole
    f.write_all(b"example.").unwrap();
    f.flush().unwrap();
    std::thread::sleep(Duration::from_millis(400));
    f.write_all(b"com\ncx.mem.gov.cn.x.top\n").unwrap();
    f.flush().unwrap();
    assert!(wait_for(3));
    let v = lines(&out.0.lock().unwrap());
    assert_eq!(v.len(), 3);
    assert_eq!(v[1]["domain"], "example.com");
    assert_eq!(v[2]["flagged"], true);
    assert_eq!(v[2]["line"], 3);
}
