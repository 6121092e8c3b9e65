//! Employers' reminders by webhook: the workers of a unit's roster whose review falls due in 60 or 30 days are
//! posted once each, signed; a failed delivery is tried again on the next pass; the next stage is a new message.

use certguard_app::roster::{ReminderHook, reminder_round};
use certguard_app::{Clock, FixedClock, Registry};
use certguard_registry::{Catalogue, Holder, NewCertificate, Scope};
use certguard_store::{AuditRecord, Authority, RosterEntry, Store};
use certguard_types::IdentityDoc;
use chrono::{NaiveDate, TimeZone, Utc};
use std::io::{BufRead, BufReader, Read, Write};
use std::sync::{Arc, Mutex};

const SECRET: &[u8] = b"reminder-secret-0123456789";

/// The posts received: headers (lower-case names) and body.
type Seen = Arc<Mutex<Vec<(Vec<(String, String)>, Vec<u8>)>>>;

/// Receives webhook posts; answers 500 to the first one, 204 after.
fn receiver() -> (String, Seen) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen: Seen = Arc::default();
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            let mut headers = Vec::new();
            loop {
                let mut l = String::new();
                if reader.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                    break;
                }
                if let Some((k, v)) = l.trim_end().split_once(':') {
                    headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
                }
            }
            let len: usize =
                headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let first = {
                let mut s = seen2.lock().unwrap();
                s.push((headers, body));
                s.len() == 1
            };
            let status = if first { "500 Internal Server Error" } else { "204 No Content" };
            let _ = stream
                .write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes());
        }
    });
    (url, seen)
}

fn welder(id: &str, name: &str, from: NaiveDate) -> NewCertificate {
    let identity = IdentityDoc::resident(id).unwrap();
    let sex = identity.as_resident().unwrap().sex();
    NewCertificate {
        holder: Holder { name: name.parse().unwrap(), identity, sex },
        scope: Scope::SpecialOperation { category: "2".into(), item: "2.1".into() },
        authority: "CN-320500".parse().unwrap(),
        first_issued: from,
        valid_from: from,
        valid_until: None,
        review_due: None,
        last_review: None,
        number: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_are_delivered_once_per_stage_and_retried_when_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(certguard_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).unwrap());
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2024, 6, 15, 2, 0, 0).unwrap()));
    let registry = Registry::new(store.clone(), Catalogue::builtin(), clock.clone()).await.unwrap();
    registry
        .put_authority(Authority {
            code: "CN-320500".parse().unwrap(),
            name_zh: "苏州".into(),
            name_en: "Suzhou".into(),
            region: "x".into(),
        })
        .await
        .unwrap();
    let grant = certguard_access::local_issuer("t", &"CN-320500".parse().unwrap());
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
    // Reviews due 2024-07-01 (16 days: the 30-day reminder), 2024-08-01 (47 days: the 60-day one), 2025-03-01.
    let soon = registry.issue(&grant, welder("11010519491231002X", "王芳", d(2021, 7, 1)), None).await.unwrap();
    let later = registry.issue(&grant, welder("440524188001010014", "李强", d(2021, 8, 1)), None).await.unwrap();
    let far = registry.issue(&grant, welder("110101199003074477", "孙七", d(2022, 3, 1)), None).await.unwrap();
    let audit = AuditRecord {
        at: clock.now(),
        actor: "t".into(),
        action: "roster.save".into(),
        target: String::new(),
        detail: String::new(),
        client: None,
    };
    let entries: Vec<RosterEntry> = [(&soon, "王芳"), (&later, "李强"), (&far, "孙七")]
        .iter()
        .enumerate()
        .map(|(k, (c, name))| RosterEntry {
            row: k as i64 + 2,
            number: c.number.as_str().into(),
            name: (*name).into(),
            item: None,
        })
        .collect();
    store.replace_roster("91350100M000100Y43", entries, &audit).await.unwrap();

    let (url, seen) = receiver();
    let hook = ReminderHook { url, secret: SECRET.to_vec(), timeout: std::time::Duration::from_secs(5) };
    // Refused (500): nothing is recorded as sent.
    assert_eq!(reminder_round(&registry, &hook).await.unwrap(), 0);
    // Taken: both reminders, in one message for the unit.
    assert_eq!(reminder_round(&registry, &hook).await.unwrap(), 2);
    // Nothing new: nothing sent.
    assert_eq!(reminder_round(&registry, &hook).await.unwrap(), 0);
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2, "one refused, one taken");
        let (headers, body) = &seen[1];
        let h = |k: &str| headers.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap();
        let ts: i64 = h("x-certguard-timestamp").parse().unwrap();
        assert!(certguard_app::leads::worker::verify_delivery(SECRET, ts, body, &h("x-certguard-signature"), ts, 300));
        assert_eq!(
            h("x-certguard-delivery"),
            seen[0].0.iter().find(|(n, _)| n == "x-certguard-delivery").unwrap().1,
            "the retry is the same delivery"
        );
        let msg: serde_json::Value = serde_json::from_slice(body).unwrap();
        assert_eq!(msg["unit"], "91350100M000100Y43");
        let workers: Vec<(String, i64)> = msg["workers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| (w["name"].as_str().unwrap().to_string(), w["reminder"]["stage"].as_i64().unwrap()))
            .collect();
        assert_eq!(workers, vec![("王芳".to_string(), 30), ("李强".to_string(), 60)]);
        assert!(!String::from_utf8_lossy(body).contains("440524188001010014"), "numbers are masked");
    }
    // Seventeen days later Li Qiang's review is 30 days away: a new message, for him only.
    clock.set(Utc.with_ymd_and_hms(2024, 7, 2, 2, 0, 0).unwrap());
    assert_eq!(reminder_round(&registry, &hook).await.unwrap(), 1);
    let seen = seen.lock().unwrap();
    let msg: serde_json::Value = serde_json::from_slice(&seen[2].1).unwrap();
    assert_eq!(msg["workers"].as_array().unwrap().len(), 1);
    assert_eq!(
        (msg["workers"][0]["name"].as_str(), msg["workers"][0]["reminder"]["stage"].as_i64()),
        (Some("李强"), Some(30))
    );
}
