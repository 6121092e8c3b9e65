//! Fetching and judging pages served by a local test server.

mod common;

use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
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

/// One test server shared by the tests whose DNS hook (a plain `fn`) must know its address.
fn shared_server() -> SocketAddr {
    static S: OnceLock<SocketAddr> = OnceLock::new();
    *S.get_or_init(common::serve)
}

/// Every name the rebinding name server was asked for.
static ASKED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// A rebinding name server: the first answer for a name is the (allowed) test server, every later answer a
/// loopback address that the check refuses.
fn rebinding_dns(host: &str, port: u16) -> std::io::Result<Vec<SocketAddr>> {
    let mut asked = ASKED.lock().unwrap();
    let first = !asked.iter().any(|h| h == host);
    asked.push(host.to_string());
    Ok(vec![if first { SocketAddr::new(shared_server().ip(), port) } else { SocketAddr::from(([127, 0, 0, 2], port)) }])
}

fn times_asked(host: &str) -> usize {
    ASKED.lock().unwrap().iter().filter(|h| *h == host).count()
}

#[test]
fn each_hop_is_resolved_once_checked_and_pinned() {
    let a = shared_server();
    let o = FetchOptions {
        allow_addrs: vec![a],
        lookup: rebinding_dns,
        timeout: Duration::from_secs(2),
        ..FetchOptions::default()
    };
    // the client connects to the checked answer; it never asks again (a second answer would be refused)
    let f = fetch(&format!("http://rebind-a.test:{}/fake", a.port()), &o).unwrap();
    assert_eq!(f.status, 200);
    assert_eq!(times_asked("rebind-a.test"), 1);
    // a redirect is a new hop: resolved again, and this time the answer is refused before any connection
    let e = fetch(&format!("http://rebind-b.test:{}/to-fake", a.port()), &o).unwrap_err().to_string();
    assert!(e.contains("private or loopback") && e.contains("127.0.0.2"), "{e}");
    assert_eq!(times_asked("rebind-b.test"), 2);
}

/// A listener that counts connections and keeps the first bytes of the last one.
fn counting_listener() -> (SocketAddr, Arc<AtomicUsize>, Arc<Mutex<Vec<u8>>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let (n, first) = (Arc::new(AtomicUsize::new(0)), Arc::new(Mutex::new(Vec::new())));
    let (n2, first2) = (n.clone(), first.clone());
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            n2.fetch_add(1, Ordering::SeqCst);
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 16];
            if let Ok(k) = s.read(&mut buf) {
                *first2.lock().unwrap() = buf[..k].to_vec();
            }
        }
    });
    (addr, n, first)
}

#[test]
fn a_redirect_to_a_private_address_is_refused_without_allow_private() {
    let a = common::serve();
    let (other, connections, _) = counting_listener();
    // the first hop's exact address is allowed (it stands for a public server); its redirects are not
    let o = FetchOptions { allow_addrs: vec![a], timeout: Duration::from_secs(2), ..FetchOptions::default() };
    let f = fetch(&format!("http://{a}/go?/fake"), &o).unwrap();
    assert_eq!(f.status, 200);
    assert_eq!(f.redirects.len(), 2);
    for target in [
        format!("http://{other}/"),
        format!("http://[::ffff:127.0.0.1]:{}/", other.port()),
        format!("http://[::127.0.0.1]:{}/", other.port()),
        format!("http://[64:ff9b::7f00:1]:{}/", other.port()),
        format!("http://[2002:7f00:1::]:{}/", other.port()),
        "http://10.0.0.1/".to_string(),
        "http://192.0.0.8/".to_string(),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://[fec0::1]/".to_string(),
        "http://[64:ff9b:1::808:808]/".to_string(),
    ] {
        let e = fetch(&format!("http://{a}/go?{target}"), &o).unwrap_err().to_string();
        assert!(e.contains("private or loopback"), "{target}: {e}");
    }
    assert_eq!(connections.load(Ordering::SeqCst), 0, "a refused hop must not be connected to");
    // with --allow-private the same redirect is followed
    let open = FetchOptions { allow_private: true, ..o };
    let e = fetch(&format!("http://{a}/go?http://{other}/"), &open).unwrap_err().to_string();
    assert!(!e.contains("private or loopback"), "{e}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[test]
fn https_connects_to_the_pinned_address() {
    // before pinning, the override applied to plain http only and https resolved the name itself
    let (addr, connections, first) = counting_listener();
    let host = "pinned.invalid";
    let o = FetchOptions { resolve: Some((host.into(), addr)), ..opts() };
    let e = fetch(&format!("https://{host}:{}/", addr.port()), &o).unwrap_err().to_string();
    assert!(!e.contains("resolve"), "{e}");
    assert_eq!(connections.load(Ordering::SeqCst), 1, "{e}");
    // the client spoke TLS (a handshake record) to the pinned address
    assert_eq!(first.lock().unwrap().first(), Some(&0x16), "{e}");
}
