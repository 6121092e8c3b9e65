//! Followed feeds: a watched file read as it grows (a line still being written waits, bad lines are reported
//! and skipped, a truncated file is read again), its place kept across a restart; a URL list read again only
//! when its body changes.

use certguard_app::leads::ct::Fetcher;
use certguard_app::leads::feeds::{FeedKind, FeedLocation, FeedSource, poll};
use certguard_app::{FixedClock, Registry};
use certguard_leads::LeadKind;
use certguard_registry::Catalogue;
use certguard_store::{LeadQuery, Store};
use chrono::{TimeZone, Utc};
use std::io::Write;
use std::sync::{Arc, Mutex};

async fn registry(dir: &std::path::Path) -> Registry {
    let store: Arc<dyn Store> = Arc::new(certguard_store_sqlite::SqliteStore::open(&dir.join("t.db")).unwrap());
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()));
    Registry::new(store, Catalogue::builtin(), clock).await.unwrap()
}

async fn leads(r: &Registry, kind: LeadKind) -> Vec<(String, i64)> {
    let q = LeadQuery { kind: Some(kind), limit: 1000, ..LeadQuery::default() };
    let mut v: Vec<(String, i64)> =
        r.store().leads(&q).await.unwrap().into_iter().map(|l| (l.key, l.sightings)).collect();
    v.sort();
    v
}

/// Serves one body from memory (a URL feed without a network).
struct Body(Mutex<Vec<u8>>, Mutex<usize>);

impl Fetcher for Body {
    fn get(&self, _url: &str, max_bytes: usize) -> Result<Option<Vec<u8>>, String> {
        *self.1.lock().unwrap() += 1;
        let b = self.0.lock().unwrap().clone();
        if b.len() > max_bytes { Err("too big".into()) } else { Ok(Some(b)) }
    }
}

#[tokio::test]
async fn a_watched_file_is_read_as_it_grows_and_resumed_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nrd.txt");
    let feed = FeedSource { name: "nrd".into(), kind: FeedKind::Domains, location: FeedLocation::File(path.clone()) };
    let none: Arc<dyn Fetcher> = Arc::new(Body(Mutex::default(), Mutex::default()));
    let mut f = std::fs::File::create(&path).unwrap();
    f.write_all(b"example.com\ntzzy-czz-cx.com\n\xff\xfe binary\nxn--bad-punycode-\n# a comment\nyjgl-zs").unwrap();
    f.flush().unwrap();
    {
        let r = registry(dir.path()).await;
        let report = poll(&r, &feed, none.clone()).await.unwrap();
        // Five whole lines; the last one is still being written and waits.
        assert_eq!((report.lines, report.flagged, report.errors), (5, 1, 2), "{report:?}");
        assert_eq!(report.first_errors[0].0, 3, "errors name their line");
        assert_eq!(leads(&r, LeadKind::Domain).await, [("tzzy-czz-cx.com".into(), 1)]);
    }
    // The writer finishes the line and adds one; a new process (a restart) goes on from the stored place.
    f.write_all(b"cx-query.com\naqsc-czz-cx.com\n").unwrap();
    f.flush().unwrap();
    let r = registry(dir.path()).await;
    let report = poll(&r, &feed, none.clone()).await.unwrap();
    assert_eq!((report.lines, report.flagged), (2, 2), "{report:?}");
    let keys: Vec<String> = leads(&r, LeadKind::Domain).await.into_iter().map(|(k, n)| format!("{k}:{n}")).collect();
    assert_eq!(keys, ["aqsc-czz-cx.com:1", "tzzy-czz-cx.com:1", "yjgl-zscx-query.com:1"]);
    // Nothing new: nothing read, nothing counted twice.
    assert_eq!(poll(&r, &feed, none.clone()).await.unwrap().lines, 0);
    // Rotated: a new, shorter file is read from its start.
    std::fs::write(&path, "tzzy-czz-cx.com\n").unwrap();
    assert_eq!(poll(&r, &feed, none.clone()).await.unwrap().lines, 1);
    assert_eq!(leads(&r, LeadKind::Domain).await[1], ("tzzy-czz-cx.com".into(), 2));
    // A file that is gone is an error for this poll, not for the server.
    std::fs::remove_file(&path).unwrap();
    assert!(poll(&r, &feed, none).await.is_err());
}

#[tokio::test]
async fn a_url_list_is_read_again_only_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let r = registry(dir.path()).await;
    let feed = FeedSource {
        name: "ads".into(),
        kind: FeedKind::Ads,
        location: FeedLocation::Url("https://feeds.example/ads.jsonl".into()),
    };
    let ad = r#"{"text": "特种作业操作证 免考包过 三天拿证 官网可查 微信 zheng8888", "source": "forum"}"#;
    let body = format!("{ad}\nnot json\n{{\"text\": \"招聘电工，需持证上岗\"}}\n");
    let server = Arc::new(Body(Mutex::new(body.into_bytes()), Mutex::default()));
    let fetcher: Arc<dyn Fetcher> = server.clone();
    let report = poll(&r, &feed, fetcher.clone()).await.unwrap();
    assert_eq!((report.lines, report.flagged, report.errors), (3, 1, 1), "{report:?}");
    let ads = leads(&r, LeadKind::Ad).await;
    assert_eq!(ads.len(), 1);
    assert_eq!(leads(&r, LeadKind::Contact).await.len(), 1, "the ad's WeChat is a lead of its own");
    // The same body again: fetched, not read again.
    assert_eq!(poll(&r, &feed, fetcher.clone()).await.unwrap().lines, 0);
    assert_eq!(leads(&r, LeadKind::Ad).await[0].1, 1);
    // A new body is read from its start.
    *server.0.lock().unwrap() = format!("{ad}\n").into_bytes();
    assert_eq!(poll(&r, &feed, fetcher).await.unwrap().lines, 1);
    assert_eq!(leads(&r, LeadKind::Ad).await[0].1, 2);
    assert_eq!(*server.1.lock().unwrap(), 3);
}
