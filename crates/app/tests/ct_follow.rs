//! The CT follower against a local static-ct-api log served over real HTTP, made of certificates this test
//! generates: flagged names become leads, a restart resumes, a rewritten history halts the follower with an
//! alarm, and bad tiles, bad certificates and gigantic SAN lists are reported without stopping the source.

use certguard_app::leads::ct::{CtSource, HttpFetcher, StepOptions, step};
use certguard_app::{FixedClock, Registry};
use certguard_ctwatch::leaf::encode_leaf;
use certguard_ctwatch::sth::LogKey;
use certguard_ctwatch::testlog::TestLog;
use certguard_leads::LeadKind;
use certguard_registry::Catalogue;
use certguard_store::{AuditQuery, LeadQuery, Store};
use chrono::{TimeZone, Utc};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::sync::{Arc, Mutex};

type Files = Arc<Mutex<BTreeMap<String, Vec<u8>>>>;

/// A static file server over HTTP/1.1 on loopback: GET of a known path or 404.
fn serve(files: Files) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let files = files.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request = String::new();
                if reader.read_line(&mut request).is_err() {
                    return;
                }
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                let path = request.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/').to_string();
                let body = files.lock().unwrap().get(&path).cloned();
                let head = match &body {
                    Some(b) => format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", b.len()),
                    None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string(),
                };
                let _ = stream.write_all(head.as_bytes());
                if let Some(b) = body {
                    let _ = stream.write_all(&b);
                }
            });
        }
    });
    format!("http://{addr}")
}

fn cert(names: &[String]) -> Vec<u8> {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(names.to_vec()).unwrap();
    params.self_signed(&key).unwrap().der().to_vec()
}

const ORIGIN: &str = "ct.test.example/2026h2";

struct Env {
    registry: Registry,
    files: Files,
    source: Arc<CtSource>,
    log: TestLog,
    clock: Arc<FixedClock>,
    _dir: tempfile::TempDir,
}

impl Env {
    fn publish(&self, minute: u32) {
        let ts = Utc.with_ymd_and_hms(2026, 12, 1, 8, minute, 0).unwrap().timestamp_millis() as u64;
        *self.files.lock().unwrap() = self.log.files(ts);
    }

    async fn step(&self, from: Option<u64>) -> Result<certguard_app::leads::ct::StepReport, certguard_app::AppError> {
        let options = StepOptions { from, ..StepOptions::default() };
        step(&self.registry, self.source.clone(), Arc::new(HttpFetcher::default()), options, |_| {}).await
    }

    async fn domain_leads(&self) -> Vec<String> {
        let q = LeadQuery { kind: Some(LeadKind::Domain), limit: 1000, ..LeadQuery::default() };
        let mut keys: Vec<String> = self.registry.store().leads(&q).await.unwrap().into_iter().map(|l| l.key).collect();
        keys.sort();
        keys
    }
}

async fn env(dir: tempfile::TempDir, log: TestLog) -> Env {
    let store: Arc<dyn Store> = Arc::new(certguard_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).unwrap());
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()));
    let registry = Registry::new(store, Catalogue::builtin(), clock.clone()).await.unwrap();
    let files: Files = Arc::default();
    let url = serve(files.clone());
    let key = LogKey::from_der(ORIGIN, &log.public_key_der()).unwrap();
    Env { registry, files, source: Arc::new(CtSource { url, key }), log, clock, _dir: dir }
}

fn benign(i: usize) -> Vec<String> {
    vec![format!("shop{i}.example.com"), format!("www.shop{i}.example.com")]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follows_a_log_keeps_flagged_names_resumes_and_halts_on_a_rewritten_history() {
    let mut log = TestLog::new(ORIGIN, 7);
    let t = 1_764_576_000_000;
    for i in 0..300 {
        match i {
            10 => log.push_cert(&cert(&["tzzy-czz-cx.com".into(), "www.tzzy-czz-cx.com".into()]), t),
            20 => log.push_cert(b"\x30\x03\x02\x01\x00 not a certificate", t),
            30 => {
                // A gigantic SAN list: 1,500 names, one look-alike among the first.
                let mut names = vec!["cx-mem-gov.cn.com".to_string()];
                names.extend((0..1500).map(|n| format!("h{n}.example.net")));
                log.push_cert(&cert(&names), t)
            }
            270 => {
                // A precertificate: the entry carries the TBSCertificate.
                let der = cert(&["yjgl-zscx.top".into()]);
                let (_, parsed) = x509_parser::parse_x509_certificate(&der).unwrap();
                log.push_precert(parsed.tbs_certificate.as_ref(), &der, t)
            }
            _ => log.push_cert(&cert(&benign(i)), t),
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut e = env(dir, log).await;
    e.publish(0);

    let r = e.step(None).await.unwrap();
    assert_eq!((r.size, r.entries, r.unparsable, r.truncated), (300, 300, 1, 1), "{r:?}");
    assert!(r.errors.iter().any(|(i, _)| *i == 20));
    assert_eq!(e.domain_leads().await, ["cx-mem-gov.cn.com", "tzzy-czz-cx.com", "yjgl-zscx.top"]);
    let leads = e.registry.store().leads(&LeadQuery { limit: 10, ..LeadQuery::default() }).await.unwrap();
    let lead = leads.iter().find(|l| l.key == "tzzy-czz-cx.com").unwrap();
    assert_eq!(lead.source, format!("ct:{ORIGIN}"));
    assert!(lead.evidence.text_extract.as_deref().unwrap().contains("#10"));
    assert!(lead.reasons.iter().any(|r| r.code == "ct_logged"));
    assert_eq!(lead.sightings, 2, "both names of the certificate are one registrable domain, seen twice");

    // Nothing new: nothing read.
    assert_eq!(e.step(None).await.unwrap().entries, 0);

    // The log grows; a restarted follower (a new registry on the same database) reads only the new entries.
    for i in 300..350 {
        let names = if i == 340 { vec!["samr-tzsb-cx.top".to_string()] } else { benign(i) };
        e.log.push_cert(&cert(&names), t);
    }
    e.publish(5);
    let store: Arc<dyn Store> = e.registry.store().clone();
    e.registry = Registry::new(store, Catalogue::builtin(), e.clock.clone()).await.unwrap();
    let r = e.step(None).await.unwrap();
    assert_eq!((r.size, r.entries, r.flagged), (350, 50, 1));
    assert!(e.domain_leads().await.contains(&"samr-tzsb-cx.top".to_string()));

    // A malformed tile: the step fails with a clear error, nothing moves, and the next good tile is read.
    for i in 350..360 {
        e.log.push_cert(&cert(&benign(i)), t);
    }
    e.publish(6);
    let partial = "tile/data/001.p/104".to_string();
    e.files.lock().unwrap().insert(partial.clone(), b"garbage".to_vec());
    let err = e.step(None).await.unwrap_err().to_string();
    assert!(err.contains("tile/data/001.p/104") && err.contains("entry 256"), "{err}");
    e.publish(6);
    assert_eq!(e.step(None).await.unwrap().entries, 10);

    // A log that rewrites an entry it already served: the new checkpoint cannot be reached from what was read.
    e.log.rewrite(10, encode_leaf(t, &cert(&["innocent.example.org".into()]), None, &[]));
    for i in 360..370 {
        let names = if i == 365 { vec!["aqsc-zhengshu-chaxun.com".to_string()] } else { benign(i) };
        e.log.push_cert(&cert(&names), t);
    }
    e.publish(7);
    let before = e.domain_leads().await;
    let r = e.step(None).await.unwrap();
    assert!(r.halted.as_deref().unwrap().contains("forked or rewrote"), "{r:?}");
    assert_eq!(e.domain_leads().await, before, "nothing of the forked step is kept");
    let alarms = e
        .registry
        .store()
        .audit_log(&AuditQuery { action_prefix: Some("ct.alarm".into()), ..AuditQuery::latest(5) })
        .await
        .unwrap();
    assert_eq!(alarms.len(), 1);
    let state: serde_json::Value =
        serde_json::from_str(&e.registry.store().source_state(&format!("ct:{ORIGIN}")).await.unwrap().unwrap())
            .unwrap();
    let halt = &state["halted"];
    assert!(
        halt["previous"].as_str().unwrap().contains("\n360\n")
            && halt["offending"].as_str().unwrap().contains("\n370\n")
    );
    // Halted: later steps do nothing until an operator looks.
    assert!(e.step(None).await.unwrap().halted.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_from_an_index_with_the_frontier_read_from_hash_tiles_and_refuses_a_forged_checkpoint() {
    let mut log = TestLog::new(ORIGIN, 9);
    for i in 0..600 {
        let names = match i {
            5 => vec!["tezhongzuoye-cx.cn".to_string()],
            550 => vec!["mem-gov-cn.net".to_string()],
            _ => benign(i),
        };
        log.push_cert(&cert(&names), 1_764_576_000_000);
    }
    let e = env(tempfile::tempdir().unwrap(), log).await;
    e.publish(0);
    // From 520: the entries before are not read (the one at 5 is not a lead), yet the root checks out.
    let r = e.step(Some(520)).await.unwrap();
    assert_eq!((r.size, r.entries, r.halted), (600, 80, None));
    assert_eq!(e.domain_leads().await, ["mem-gov-cn.net"]);

    // A checkpoint signed by another key is refused, and the follower keeps its place.
    let forger = TestLog::new(ORIGIN, 10);
    let forged = forger.files(1).remove("checkpoint").unwrap();
    e.files.lock().unwrap().insert("checkpoint".into(), forged);
    let err = e.step(None).await.unwrap_err().to_string();
    assert!(err.contains("signature"), "{err}");
    e.publish(1);
    assert_eq!(e.step(None).await.unwrap().entries, 0);
}
