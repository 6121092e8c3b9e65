//! Inspections and cases: stored with their audit records, read back, listed by region prefix, and changed only
//! by compare-and-swap on the version.

use crate::audit;
use certguard_store::*;
use chrono::{TimeZone, Utc};

pub async fn story(store: &dyn Store) {
    let at = Utc.with_ymd_and_hms(2026, 3, 5, 2, 0, 0).unwrap();
    let photo = InspectionPhoto { worker: 1, sha256: "ab".repeat(32), bytes: vec![0xFF, 0xD8, 0xFF, 0, 1, 2] };
    let i = store
        .insert_inspection(
            "320582",
            at,
            "inspector",
            r#"{"unit":"张家港某厂"}"#,
            vec![photo.clone()],
            &audit("inspection.record"),
        )
        .await
        .unwrap();
    assert_eq!(store.inspection_photos(i).await.unwrap(), vec![photo]);
    assert!(store.inspection_photos(i + 1000).await.unwrap().is_empty());
    let got = store.inspection(i).await.unwrap().unwrap();
    assert_eq!((got.region.as_str(), got.at, got.body.as_str()), ("320582", at, r#"{"unit":"张家港某厂"}"#));
    assert!(store.inspection(i + 1000).await.unwrap().is_none());

    let a = store.insert_case("320582", "filed", at, r#"{"n":1}"#, &audit("case.open")).await.unwrap();
    let b = store.insert_case("110105", "filed", at, r#"{"n":2}"#, &audit("case.open")).await.unwrap();
    let c = store.insert_case("3205%_", "filed", at, r#"{"n":3}"#, &audit("case.open")).await.unwrap();
    let case = store.case(a).await.unwrap().unwrap();
    assert_eq!((case.version, case.state.as_str(), case.opened_at), (1, "filed", at));

    let later = at + chrono::Duration::days(3);
    store.update_case(a, 1, "investigating", later, r#"{"n":1,"x":true}"#, &audit("case.investigate")).await.unwrap();
    // A second writer that read version 1 loses: nothing is overwritten silently.
    let stale = store.update_case(a, 1, "decided", later, r#"{"n":1}"#, &audit("case.decide")).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    let case = store.case(a).await.unwrap().unwrap();
    assert_eq!((case.version, case.state.as_str(), case.updated_at), (2, "investigating", later));
    assert_eq!(case.body, r#"{"n":1,"x":true}"#);

    // By region prefix (a city bureau sees its districts); LIKE wildcards in a prefix are literal.
    let ids = |v: Vec<CaseRecord>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(store.cases(Some("3205"), 10).await.unwrap()), vec![c, a]);
    assert_eq!(ids(store.cases(Some("320582"), 10).await.unwrap()), vec![a]);
    assert_eq!(ids(store.cases(Some("3205%"), 10).await.unwrap()), vec![c]);
    assert_eq!(ids(store.cases(None, 2).await.unwrap()), vec![c, b]);
    let trail = store
        .audit_log(&AuditQuery { action_prefix: Some("case.".into()), limit: 10, ..AuditQuery::default() })
        .await
        .unwrap();
    assert_eq!(trail.len(), 4, "three opened, one step: the refused write left no record");
    assert!(trail.iter().any(|r| r.target == format!("case:{a}")));
}
