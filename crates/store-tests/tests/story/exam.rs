//! Exam events: stored once per (centre, session, event id), read back in arrival order as sent.

use certguard_store::*;

fn row(centre: &str, id: &str) -> ExamEventRow {
    ExamEventRow {
        centre: centre.into(),
        event_id: id.into(),
        session: Some("s1".into()),
        line: format!(r#"{{"v":1,"id":"{id}"}}"#),
    }
}

pub async fn story(store: &dyn Store) {
    let first = [row("c1", "e1"), row("c1", "e2"), row("c2", "e1")];
    assert_eq!(store.insert_exam_events(first.to_vec()).await.unwrap(), 3, "the same id at two centres is two events");
    // Resent (with one new): only the new one counts.
    let again = [row("c1", "e2"), row("c1", "e3"), row("c1", "e3")];
    assert_eq!(store.insert_exam_events(again.to_vec()).await.unwrap(), 1);
    assert_eq!(store.insert_exam_events(Vec::new()).await.unwrap(), 0);
    // An event outside any session (an exam's shape), sent twice, is stored once too.
    let shape = ExamEventRow { session: None, ..row("c1", "x1") };
    assert_eq!(store.insert_exam_events(vec![shape.clone(), shape]).await.unwrap(), 1);
    assert_eq!(store.exam_event_count().await.unwrap(), 5);
    let lines = store.exam_session_lines("c1", "s1", 10).await.unwrap();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[0].contains("e1") && lines[2].contains("e3"), "in arrival order: {lines:?}");
    assert_eq!(store.exam_session_lines("c9", "s1", 10).await.unwrap().len(), 0);
    let page = store.exam_events_page(0, 2).await.unwrap();
    assert_eq!(
        page.iter().map(|p| (p.1.as_str(), p.2.as_str())).collect::<Vec<_>>(),
        [("c1", r#"{"v":1,"id":"e1"}"#), ("c1", r#"{"v":1,"id":"e2"}"#)]
    );
    let rest = store.exam_events_page(page[1].0, 10).await.unwrap();
    assert_eq!(
        rest.iter().map(|p| p.2.as_str()).collect::<Vec<_>>(),
        [r#"{"v":1,"id":"e1"}"#, r#"{"v":1,"id":"e3"}"#, r#"{"v":1,"id":"x1"}"#]
    );
}
