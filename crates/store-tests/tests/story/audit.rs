//! The audit log, read after the other stories: every change they made wrote one record, the API token
//! (the accounts story's last change) the newest.

use certguard_store::*;

pub async fn story(store: &dyn Store) {
    // Audit: every change above wrote one, newest first.
    let log = store.audit_log(&certguard_store::AuditQuery::latest(100)).await.unwrap();
    let actions: Vec<&str> = log.iter().map(|a| a.action.as_str()).collect();
    assert_eq!(actions[0], "token.add");
    assert!(actions.contains(&"suspend") && actions.contains(&"import") && actions.contains(&"user.password"));
    assert!(!actions.contains(&"x"), "a failed update writes no audit record");
    // Filters and pages.
    let q = |actor: Option<&str>, prefix: Option<&str>, limit, offset| certguard_store::AuditQuery {
        actor: actor.map(str::to_string),
        action_prefix: prefix.map(str::to_string),
        limit,
        offset,
    };
    let users = store.audit_log(&q(None, Some("user."), 100, 0)).await.unwrap();
    assert!(!users.is_empty() && users.iter().all(|a| a.action.starts_with("user.")), "{users:?}");
    let wildcard = store.audit_log(&q(None, Some("%"), 100, 0)).await.unwrap();
    assert!(wildcard.is_empty(), "LIKE wildcards in a filter are taken literally");
    let page2 = store.audit_log(&q(None, None, 1, 1)).await.unwrap();
    assert_eq!(page2.len(), 1);
    assert_eq!(page2[0], log[1]);
    assert!(store.audit_log(&q(Some("nobody"), None, 100, 0)).await.unwrap().is_empty());
}
