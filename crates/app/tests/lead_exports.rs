//! The shapes of the lead exports, pinned by golden files in `testdata/golden/leads/`. CI also loads those files
//! with the reference tools (`stix2-validator`, PyMISP): see `.ci/validate-lead-exports.py`.
//! `UPDATE_GOLDEN=1 cargo test -p certguard-app --test lead_exports` rewrites them after an intended change.

use certguard_app::leads::export::{Format, render};
use certguard_leads::stix::Producer;
use certguard_leads::{Evidence, Lead, LeadKind, LeadLink, LeadStatus, Reason, Relation, Span};
use chrono::{DateTime, TimeZone, Utc};
use std::path::PathBuf;

fn t(day: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, h, 0, 0).unwrap()
}

fn lead(id: i64, kind: LeadKind, key: &str, status: LeadStatus, score: i32) -> Lead {
    Lead {
        id,
        kind,
        key: key.into(),
        value: key.split_once(':').filter(|_| kind == LeadKind::Contact).map_or(key, |(_, v)| v).into(),
        source: "feed:test".into(),
        status,
        score,
        reasons: vec![Reason {
            code: "query_service_named".into(),
            zh: "自称证书查询服务".into(),
            en: "names a query service".into(),
            points: 25,
        }],
        evidence: Evidence::default(),
        region: Some("32".into()),
        first_seen: t(1, 8),
        last_seen: t(3, 9),
        sightings: 3,
        status_changed_at: (status != LeadStatus::New).then(|| t(4, 10)),
        version: 1,
    }
}

/// One lead of every kind, in several statuses, linked as the sources link them.
fn fixture() -> (Vec<Lead>, Vec<LeadLink>) {
    let text = "电工证免考包过，全国联网可查，微信 zhengshu_88 电话 13800138000，=HYPERLINK(\"x\")";
    let mut ad = lead(1, LeadKind::Ad, "0f1e2d3c4b5a69788796a5b4c3d2e1f0", LeadStatus::Confirmed, 90);
    // An ad's first line is outside text: one that starts like a formula must reach a spreadsheet as text.
    ad.value = "=HYPERLINK(\"http://x\") 电工证免考".into();
    ad.evidence = Evidence { spans: vec![Span { start: 9, end: 15, label: "no_exam".into() }], ..Evidence::default() }
        .with_text(text);
    let mut domain = lead(4, LeadKind::Domain, "yjgl-zscx.top", LeadStatus::TakenDown, 135);
    domain.evidence = Evidence {
        snapshot_sha256: Some("9f2c4e0b8d1a7e6f5c3b2a190817263544536271809a8b7c6d5e4f3021ab1c2d".into()),
        redirect_chain: vec!["http://yjgl-zscx.top/".into(), "https://www.yjgl-zscx.top/query".into()],
        page_verdict: Some("impersonates".into()),
        ..Evidence::default()
    };
    let leads = vec![
        ad,
        lead(2, LeadKind::Contact, "wechat:zhengshu_88", LeadStatus::Reported, 90),
        lead(3, LeadKind::Contact, "mobile:13800138000", LeadStatus::New, 90),
        domain,
        lead(5, LeadKind::Url, "https://www.yjgl-zscx.top/o'brien/query", LeadStatus::Confirmed, 85),
        lead(6, LeadKind::Contact, "qq:800012345", LeadStatus::Dismissed, 40),
        lead(7, LeadKind::Domain, "cx-mem-gov.cn.com", LeadStatus::New, 60),
    ];
    let links = vec![
        LeadLink { from: 1, to: 2, relation: Relation::Contact },
        LeadLink { from: 1, to: 3, relation: Relation::Contact },
        LeadLink { from: 5, to: 4, relation: Relation::HostedOn },
        LeadLink { from: 4, to: 7, relation: Relation::SamePage },
    ];
    (leads, links)
}

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/golden/leads").join(name)
}

fn check(format: Format, name: &str) -> Vec<u8> {
    let (leads, links) = fixture();
    let producer = Producer { name: "江苏省应急管理厅（测试）".into(), code: "CN-320000".into() };
    let out = render(format, &producer, &leads, &links, t(5, 12));
    let path = golden(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &out).unwrap();
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(out == want, "{name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it after an intended change)");
    out
}

#[test]
fn stix_bundle_keeps_its_shape() {
    let out = check(Format::Stix, "bundle.stix.json");
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let objects = v["objects"].as_array().unwrap();
    let count = |ty: &str| objects.iter().filter(|o| o["type"] == ty).count();
    // Every lead but the ad is an indicator with its observation and observable; the ad a note.
    assert_eq!((count("identity"), count("indicator"), count("observed-data"), count("note")), (1, 6, 6, 1));
    // based-on for each indicator, related-to for each link between two indicators (the ad's links are its note's refs).
    assert_eq!(count("relationship"), 6 + 2);
    let note = objects.iter().find(|o| o["type"] == "note").unwrap();
    assert_eq!(note["object_refs"].as_array().unwrap().len(), 2);
    let pattern = objects.iter().find(|o| o["name"].as_str().is_some_and(|n| n.contains("o'brien"))).unwrap();
    assert_eq!(pattern["pattern"], r"[url:value = 'https://www.yjgl-zscx.top/o\'brien/query']");
    let taken_down = objects.iter().find(|o| o["pattern"] == "[domain-name:value = 'yjgl-zscx.top']").unwrap();
    assert_eq!(taken_down["valid_until"], "2026-11-04T10:00:00.000Z");
    // Re-exporting the same leads later keeps the objects' identifiers (platforms update, not duplicate).
    let (leads, links) = fixture();
    let producer = Producer { name: "x".into(), code: "CN-320000".into() };
    let later: serde_json::Value =
        serde_json::from_slice(&render(Format::Stix, &producer, &leads, &links, t(9, 1))).unwrap();
    let ids = |v: &serde_json::Value| {
        v["objects"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["type"] == "indicator")
            .map(|o| o["id"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&v), ids(&later));
}

#[test]
fn misp_event_keeps_its_shape() {
    let out = check(Format::Misp, "event.misp.json");
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let attrs = v["Event"]["Attribute"].as_array().unwrap();
    assert_eq!(attrs.len(), 7);
    let types: Vec<&str> = attrs.iter().map(|a| a["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["text", "text", "phone-number", "domain", "url", "text", "domain"]);
    // Only confirmed or reported network indicators are marked for detection.
    let to_ids: Vec<bool> = attrs.iter().map(|a| a["to_ids"].as_bool().unwrap()).collect();
    assert_eq!(to_ids, [false, false, false, false, true, false, false]);
}

#[test]
fn csv_keeps_its_shape_and_hands_no_formula_to_a_spreadsheet() {
    let out = String::from_utf8(check(Format::Csv, "leads.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(out.as_bytes());
    let records: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 7);
    assert_eq!(&records[0][13], "contact:2 contact:3");
    assert!(
        records.iter().all(|r| r.iter().all(|cell| !cell.starts_with('='))),
        "a cell starting with = runs as a formula"
    );
    assert!(records.iter().any(|r| r[2].starts_with("'=HYPERLINK")));
}
