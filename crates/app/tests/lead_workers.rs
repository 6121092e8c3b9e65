//! The leads' background workers over real HTTP: the page worker fetches flagged domains through the safe
//! fetcher (a local server answers for every name), judges them, links the ones serving the same page, retries
//! a flaky site, gives up on one that never answers, keeps its politeness gap and its cap on concurrent
//! fetches; the notifier posts high-scoring leads to a webhook, signed, retrying a failed delivery.

use certguard_app::leads::worker::{
    self, DELIVERY_HEADER, NotifyOptions, PageOptions, Politeness, QueueOptions, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};
use certguard_app::leads::{JobSettings, detect, record};
use certguard_app::{Clock, FixedClock, Registry};
use certguard_leads::Relation;
use certguard_registry::Catalogue;
use certguard_sentinel::fetch::FetchOptions;
use certguard_store::{LeadBatch, LeadJobKind, Store};
use chrono::{TimeZone, Utc};
use sha2::Digest;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

const FAKE: &str = include_str!("../../sentinel/tests/fixtures/pages/fake_query.html");

const FAKE_A: &str = "tzzy-czz-cx.com";
const FAKE_B: &str = "yjgl-zscx-query.com";
const FLAKY: &str = "aqsc-czz-cx.com";
const SLOW: &str = "tzzy-zscx.net";

#[derive(Default)]
struct Seen {
    /// Page requests per host, with when they came.
    pages: HashMap<String, Vec<Instant>>,
    /// Webhook deliveries: headers (lower-case names) and body.
    hooks: Vec<(HashMap<String, String>, Vec<u8>)>,
}

struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Seen>>,
    max_in_flight: Arc<AtomicUsize>,
}

/// One HTTP/1.1 server for every name: pages by Host header, and the webhook at POST /hook.
fn server() -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let (in_flight, max_in_flight) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (seen2, max2) = (seen.clone(), max_in_flight.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (seen, in_flight, max) = (seen2.clone(), in_flight.clone(), max2.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                let mut headers = HashMap::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = line.trim_end().split_once(':') {
                        headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
                    }
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
                let reply = |stream: &mut std::net::TcpStream, status: &str, body: &str| {
                    let head = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(head.as_bytes());
                    let _ = stream.write_all(body.as_bytes());
                };
                if path == "/hook" {
                    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
                    let mut body = vec![0; len];
                    reader.read_exact(&mut body).unwrap();
                    let first = {
                        let mut s = seen.lock().unwrap();
                        s.hooks.push((headers, body));
                        s.hooks.len() == 1
                    };
                    // The first delivery fails: the notifier must retry it.
                    reply(&mut stream, if first { "500 Internal Server Error" } else { "204 No Content" }, "");
                    return;
                }
                let host = headers.get("host").cloned().unwrap_or_default();
                let host = host.split(':').next().unwrap_or("").to_string();
                // The slow site's requests outlive the client's time limit: they are not counted as in flight.
                let counted = host != SLOW;
                if counted {
                    let now_in = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    max.fetch_max(now_in, Ordering::SeqCst);
                }
                let times = {
                    let mut s = seen.lock().unwrap();
                    let v = s.pages.entry(host.clone()).or_default();
                    v.push(Instant::now());
                    v.len()
                };
                match host.as_str() {
                    SLOW => std::thread::sleep(Duration::from_secs(3)),
                    FLAKY if times == 1 => reply(&mut stream, "503 Service Unavailable", "busy"),
                    _ => {
                        // Long enough for fetches to overlap, so the cap on them is tested.
                        std::thread::sleep(Duration::from_millis(150));
                        reply(&mut stream, "200 OK", FAKE)
                    }
                }
                if counted {
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                }
            });
        }
    });
    Server { addr, seen, max_in_flight }
}

static SERVER_ADDR: OnceLock<SocketAddr> = OnceLock::new();

/// Every name resolves to the local server (checked and pinned like any answer; the address is allowed).
fn lookup(_host: &str, _port: u16) -> std::io::Result<Vec<SocketAddr>> {
    Ok(vec![*SERVER_ADDR.get().unwrap()])
}

fn queue() -> QueueOptions {
    QueueOptions {
        max_attempts: 2,
        backoff: Duration::ZERO,
        lease: Duration::from_secs(600),
        idle: Duration::from_millis(10),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_fetched_judged_linked_retried_and_notified() {
    let server = server();
    SERVER_ADDR.set(server.addr).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(certguard_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).unwrap());
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()));
    let registry = Registry::new(store, Catalogue::builtin(), clock.clone()).await.unwrap();

    // Four flagged domains; the notification threshold above all their domain scores, so only a page that
    // impersonates the query site lifts a lead over it.
    let mut batch = LeadBatch::default();
    for name in [FAKE_A, FAKE_B, FLAKY, SLOW] {
        let d = detect::domain(name, "feed:test", clock.now()).unwrap().unwrap_or_else(|| panic!("{name} flagged"));
        batch.append(LeadBatch::single(d));
    }
    let threshold = batch.detections.iter().map(|d| d.score).max().unwrap() + 1;
    let registry = registry.with_lead_jobs(JobSettings { pages: true, notify_at_score: Some(threshold) });
    let ids: Vec<i64> = record(&registry, &batch).await.unwrap().iter().map(|u| u.id).collect();
    let before: Vec<i32> = batch.detections.iter().map(|d| d.score).collect();

    let opts = PageOptions {
        queue: queue(),
        fetch: FetchOptions {
            allow_addrs: vec![server.addr],
            lookup,
            timeout: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(1),
            ..FetchOptions::default()
        },
        concurrency: 2,
        host_interval: Duration::from_millis(300),
    };
    let politeness = Politeness::default();
    let mut worked = 0;
    for _ in 0..6 {
        let n = worker::page_round(&registry, &opts, &politeness).await.unwrap();
        worked += n;
        if n == 0 {
            break;
        }
    }
    // 4 first attempts, the flaky site's and the slow site's second ones.
    assert_eq!(worked, 6);

    let sha = hex::encode(sha2::Sha256::digest(FAKE.as_bytes()));
    let lead = |i: usize| {
        let r = registry.clone();
        let id = ids[i];
        async move { r.store().lead(id).await.unwrap().unwrap() }
    };
    for (i, name) in [(0, FAKE_A), (1, FAKE_B), (2, FLAKY)] {
        let d = lead(i).await;
        let e = &d.lead.evidence;
        assert_eq!(e.page_verdict.as_deref(), Some("impersonates"), "{name}: {:?}", d.lead.reasons);
        assert_eq!(e.snapshot_sha256.as_deref(), Some(sha.as_str()), "{name}");
        assert!(e.text_extract.as_deref().unwrap_or("").contains("特种作业"), "{name}: the page's text is kept");
        assert_eq!(e.redirect_chain, [format!("http://{name}/")], "{name}");
        assert!(d.lead.score > before[i], "{name}: the page adds its points");
        assert!(d.lead.reasons.iter().any(|r| r.code == "page:impersonates"), "{name}");
        assert!(d.lead.reasons.iter().any(|r| !r.code.starts_with("page:")), "{name}: the domain's reasons stay");
        let job = d.jobs.iter().find(|j| j.kind == LeadJobKind::Page).unwrap();
        assert_eq!((job.state.as_str(), job.result.as_deref()), ("done", Some(sha.as_str())), "{name}");
        assert_eq!(job.attempts, if name == FLAKY { 2 } else { 1 }, "{name}");
    }
    // The same page behind several domains: each later one is linked to the earlier ones.
    let a = lead(0).await;
    let same: Vec<i64> = a.linked.iter().filter(|(r, _)| *r == Relation::SamePage).map(|(_, l)| l.id).collect();
    assert_eq!(same.len(), 2, "{same:?}");
    assert!(same.contains(&ids[1]) && same.contains(&ids[2]));
    // A page that never finishes: two attempts, each cut at the time limit, then given up; the lead untouched.
    let slow = lead(3).await;
    let job = slow.jobs.iter().find(|j| j.kind == LeadJobKind::Page).unwrap();
    assert_eq!((job.state.as_str(), job.attempts), ("failed", 2));
    assert!(job.last_error.as_deref().unwrap_or("").contains("gave up after 2"), "{:?}", job.last_error);
    assert_eq!(slow.lead.evidence.page_verdict, None);
    assert_eq!(slow.lead.score, before[3]);
    // Politeness and the cap on concurrent fetches.
    {
        let seen = server.seen.lock().unwrap();
        let flaky = &seen.pages[FLAKY];
        assert_eq!(flaky.len(), 2);
        assert!(flaky[1] - flaky[0] >= Duration::from_millis(290), "{:?}", flaky[1] - flaky[0]);
        assert_eq!(seen.pages[SLOW].len(), 2);
    }
    let max = server.max_in_flight.load(Ordering::SeqCst);
    assert!((1..=2).contains(&max), "at most 2 fetches at once, saw {max}");

    // Notifications: the three leads the page lifted over the threshold, signed, the failed delivery retried.
    let hook = NotifyOptions {
        queue: queue(),
        url: format!("http://{}/hook", server.addr),
        secret: b"a-test-secret-of-some-length".to_vec(),
        timeout: Duration::from_secs(2),
    };
    let mut rounds = 0;
    while worker::notify_round(&registry, &hook).await.unwrap() > 0 {
        rounds += 1;
        assert!(rounds < 5);
    }
    let hooks = std::mem::take(&mut server.seen.lock().unwrap().hooks);
    assert_eq!(hooks.len(), 4, "three notifications, one of them twice");
    let now = clock.now().timestamp();
    let mut notified = Vec::new();
    for (headers, body) in &hooks {
        let ts: i64 = headers[&TIMESTAMP_HEADER.to_ascii_lowercase()].parse().unwrap();
        let sig = &headers[&SIGNATURE_HEADER.to_ascii_lowercase()];
        assert!(worker::verify_delivery(&hook.secret, ts, body, sig, now, 300), "signature");
        assert!(!worker::verify_delivery(b"another-secret-entirely", ts, body, sig, now, 300));
        let v: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(v["event"], "lead.high_score");
        assert_eq!(v["delivery"].to_string(), headers[&DELIVERY_HEADER.to_ascii_lowercase()]);
        assert!(v["lead"]["score"].as_i64().unwrap() >= i64::from(threshold));
        notified.push(v["lead"]["id"].as_i64().unwrap());
    }
    assert_eq!(notified[0], notified[3], "the failed delivery is retried after the others");
    notified.sort();
    notified.dedup();
    assert_eq!(notified, ids[..3].to_vec());
    for id in &ids[..3] {
        let d = registry.store().lead(*id).await.unwrap().unwrap();
        let n = d.jobs.iter().find(|j| j.kind == LeadJobKind::Notify).unwrap();
        assert_eq!(n.state, "done");
    }
}
