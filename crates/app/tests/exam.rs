//! Exam events stored and analysed from the store: a simulated exam ingested twice (the second time every
//! event is already there), with bad lines reported by number; the analysis of what is stored gives the same
//! verdicts as the analysis of the stream.

use certguard_app::exam::{analyze_stored, ingest, review, reviews, timeline};
use certguard_app::{FixedClock, Registry};
use certguard_exam::read::read_events;
use certguard_exam::simulate::{Plan, simulate};
use certguard_exam::{Collector, Options, Signatures, analyze};
use certguard_registry::Catalogue;
use certguard_store::Store;
use chrono::{TimeZone, Utc};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_is_stored_once_and_analysed_like_the_stream() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(certguard_store_sqlite::SqliteStore::open(&dir.path().join("t.db")).unwrap());
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()));
    let registry = Registry::new(store, Catalogue::builtin(), clock).await.unwrap();
    let mut stream = b"{\"v\":1,\"id\":\"x\"}\n".to_vec();
    simulate(
        &Plan::new(120, 0.05, 11),
        |e| {
            serde_json::to_writer(&mut stream, e).unwrap();
            stream.push(b'\n');
        },
        |_| {},
    );
    let events = stream.iter().filter(|b| **b == b'\n').count() as u64;
    let first = ingest(&registry, "C-3201-01", Box::new(std::io::Cursor::new(stream.clone())), |_| {}).await.unwrap();
    assert_eq!(first.lines, events);
    assert_eq!(first.errors, 1);
    assert_eq!(first.first_errors[0].0, 1, "the bad line is named");
    assert!(first.duplicates > 0, "the simulator resends some events: stored once");
    assert_eq!(first.stored + first.duplicates + 1, events);
    let again = ingest(&registry, "C-3201-01", Box::new(std::io::Cursor::new(stream.clone())), |_| {}).await.unwrap();
    assert_eq!((again.stored, again.duplicates), (0, first.stored + first.duplicates));
    assert_eq!(registry.store().exam_event_count().await.unwrap() as u64, first.stored);
    assert!(
        ingest(&registry, "", Box::new(std::io::Cursor::new(Vec::new())), |_| {}).await.is_err(),
        "a centre is named"
    );

    let stored = analyze_stored(&registry, &Options::default()).await.unwrap();
    let mut c = Collector::new(Signatures::builtin());
    read_events(&stream[..], |e, _| c.add(e), |_| {}).unwrap();
    let direct = analyze(c, &Options::default());
    let flagged = |a: &certguard_exam::Analysis, prefix: &str| {
        let mut v: Vec<String> =
            a.sessions.iter().filter(|s| s.flagged).map(|s| format!("{prefix}{}", s.session)).collect();
        v.sort();
        v
    };
    assert_eq!(flagged(&stored, ""), flagged(&direct, "C-3201-01:"));
    assert!(flagged(&direct, "").len() >= 20, "{:?}", flagged(&direct, ""));

    // A reviewer reads a flagged session's timeline and decides, with a reason; the latest decision counts.
    let reviewer = certguard_access::Principal {
        user_id: 1,
        username: "inspector".into(),
        role: certguard_access::Role::Inspector,
        authority: None,
    }
    .exam_reviewer()
    .unwrap();
    let key = flagged(&stored, "")[0].clone();
    let t = timeline(&registry, &reviewer, &key).await.unwrap();
    assert!(!t.answers.is_empty() && !t.input.is_empty());
    assert!(t.answers.iter().all(|a| a.0 >= 0 && a.0 <= t.end - t.start), "times from the session's start");
    assert!(matches!(timeline(&registry, &reviewer, "C-3201-01:nobody").await, Err(certguard_app::AppError::NotFound)));
    assert!(review(&registry, &reviewer, &key, "confirmed", "  ", None).await.is_err(), "a reason is required");
    assert!(review(&registry, &reviewer, &key, "maybe", "x", None).await.is_err());
    assert!(review(&registry, &reviewer, "C-3201-01:nobody", "cleared", "x", None).await.is_err());
    review(&registry, &reviewer, &key, "confirmed", "远程控制软件，截图已存档", Some("10.0.0.1")).await.unwrap();
    review(&registry, &reviewer, &key, "cleared", "考点维护软件，复核无误", None).await.unwrap();
    let decided = reviews(&registry, &reviewer).await.unwrap();
    assert_eq!(decided[&key].decision, "cleared");
    assert_eq!(decided[&key].actor, "inspector");
    let analyst = certguard_access::Principal {
        user_id: 2,
        username: "a".into(),
        role: certguard_access::Role::Analyst,
        authority: None,
    };
    assert!(analyst.exam_reviewer().is_err(), "analysts do not review exams");
}
