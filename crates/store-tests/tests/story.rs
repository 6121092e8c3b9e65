//! One storage story, on every backend. Each test gets its own throwaway database.

use certguard_access::Role;
use certguard_registry::*;
use certguard_store::*;
use certguard_store_tests::{pg_url, postgres, sqlite};
use certguard_types::IdentityDoc;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::sync::Arc;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 6, 1, h, 0, 0).unwrap()
}

fn audit(action: &str) -> AuditRecord {
    AuditRecord {
        at: t(1),
        actor: "tester".into(),
        action: action.into(),
        target: "x".into(),
        detail: String::new(),
        client: Some("127.0.0.1".into()),
    }
}

fn cert(serial: u8, id: &str, name: &str, item: (&str, &str), from: NaiveDate) -> Certificate {
    let identity = IdentityDoc::resident(id).unwrap();
    let sex = identity.as_resident().unwrap().sex();
    build_certificate(
        NewCertificate {
            holder: Holder { name: name.parse().unwrap(), identity, sex },
            scope: Scope::SpecialOperation { category: item.0.into(), item: item.1.into() },
            authority: "CN-320582".parse().unwrap(),
            first_issued: from,
            valid_from: from,
            valid_until: None,
            review_due: None,
            last_review: None,
            number: None,
        },
        &Catalogue::builtin(),
        Serial([serial; 16]),
        d(2024, 6, 1),
    )
    .unwrap()
}

fn record(c: &Certificate) -> NewRecord {
    NewRecord { certificate: c.clone(), event: Event::Issued, actor: "tester".into(), at: t(2) }
}

async fn story(store: Arc<dyn Store>) {
    store
        .put_authority(&Authority {
            code: "CN-320582".parse().unwrap(),
            name_zh: "张家港市应急管理局".into(),
            name_en: "Zhangjiagang Emergency Management Bureau".into(),
            region: "江苏省苏州市".into(),
        })
        .await
        .unwrap();
    assert_eq!(store.authorities().await.unwrap().len(), 1);

    // Insert, lookup by (number, name): the exact name only.
    let a = cert(1, "440524188001010014", "张三", ("2", "2.1"), d(2022, 1, 10));
    let b = cert(2, "440524188001010014", "张三", ("1", "1.2"), d(2023, 5, 1));
    let out = store.insert_certificates(&[record(&a), record(&b)], &audit("issue")).await.unwrap();
    assert_eq!(out, vec![InsertOutcome::Inserted, InsertOutcome::Inserted]);
    let found = store.lookup(&a.number, &"张三".parse().unwrap()).await.unwrap();
    assert_eq!(found.len(), 2, "one person, two items, one number");
    assert_eq!(found[0], a);
    assert!(store.lookup(&a.number, &"张四".parse().unwrap()).await.unwrap().is_empty());

    // Idempotent re-insert and the duplicate rule.
    let again = cert(9, "440524188001010014", "张三", ("2", "2.1"), d(2022, 1, 10));
    let overlapping = cert(10, "440524188001010014", "张三", ("2", "2.1"), d(2024, 1, 10));
    let out = store.insert_certificates(&[record(&again), record(&overlapping)], &audit("import")).await.unwrap();
    assert_eq!(out[0], InsertOutcome::Unchanged { serial: a.serial });
    assert!(matches!(out[1], InsertOutcome::Duplicate { serial, .. } if serial == a.serial));
    assert_eq!(store.counts().await.unwrap().certificates, 2);

    // Update with optimistic concurrency, history in order.
    let stored = store.certificate(&a.serial).await.unwrap().unwrap();
    assert_eq!(stored.version, 1);
    assert_eq!(stored.created_at, t(2));
    let (suspended, ev) = apply(&a, &Command::Suspend { reason: "调查".into() }, d(2024, 6, 1)).unwrap();
    let rec = NewRecord { certificate: suspended.clone(), event: ev, actor: "tester".into(), at: t(3) };
    assert_eq!(store.update_certificate(&suspended, 1, &rec, &audit("suspend")).await.unwrap(), 2);
    let stale = store.update_certificate(&suspended, 1, &rec, &audit("suspend")).await;
    assert!(matches!(stale, Err(StoreError::Conflict(_))), "{stale:?}");
    let hist = store.history(&a.serial).await.unwrap();
    assert_eq!(hist.iter().map(|e| e.event.code()).collect::<Vec<_>>(), ["issued", "suspended"]);
    assert_eq!(hist[1].at, t(3));
    let missing = Certificate { serial: Serial([77; 16]), ..suspended.clone() };
    assert!(matches!(store.update_certificate(&missing, 1, &rec, &audit("x")).await, Err(StoreError::NotFound(_))));

    // Search: by number, by name prefix, by status, by authority; LIKE wildcards are literal.
    let c = cert(3, "11010519491231002X", "李四", ("3", "3.1"), d(2020, 1, 1));
    store.insert_certificates(&[record(&c)], &audit("issue")).await.unwrap();
    let q = |text: Option<&str>, status: Option<Status>| CertificateQuery {
        text: text.map(str::to_string),
        status,
        today: Some(d(2024, 6, 1)),
        limit: 50,
        ..Default::default()
    };
    assert_eq!(store.search(&q(Some("T440524188001010014"), None)).await.unwrap().1, 2);
    assert_eq!(store.search(&q(Some("李"), None)).await.unwrap().1, 1);
    assert_eq!(store.search(&q(Some("%"), None)).await.unwrap().1, 0);
    assert_eq!(store.search(&q(None, Some(Status::Suspended))).await.unwrap().1, 1);
    // 李四's review was due 2023-01-01: overdue on 2024-06-01.
    let overdue = store.search(&q(None, Some(Status::ReviewOverdue))).await.unwrap();
    assert_eq!(overdue.0.len(), 1);
    assert_eq!(overdue.0[0].certificate.serial, c.serial);
    for s in Status::ALL {
        let (items, total) = store.search(&q(None, Some(s))).await.unwrap();
        assert_eq!(items.len() as u64, total);
        for i in items {
            assert_eq!(i.certificate.status(d(2024, 6, 1)), s, "SQL status filter agrees with the model");
        }
    }
    let other = CertificateQuery { authority: Some("CN-110000".parse().unwrap()), limit: 10, ..Default::default() };
    assert_eq!(store.search(&other).await.unwrap().1, 0);

    // Status-list indices: unique within an authority, listed with the lifecycle.
    let signed = |serial: u8, id: &str, idx: u64| {
        let mut c = cert(serial, id, "周九", ("4", "4.1"), d(2023, 1, 1));
        c.credential = Some(SignedCredential { text: "AQ1:X".into(), status_idx: idx, kid: "00".into(), signed_at: 1 });
        c
    };
    let authority: certguard_types::AuthorityCode = "CN-320582".parse().unwrap();
    assert!(!store.status_index_taken(&authority, 7).await.unwrap());
    store.insert_certificates(&[record(&signed(20, "11010519491231002X", 7))], &audit("issue")).await.unwrap();
    assert!(store.status_index_taken(&authority, 7).await.unwrap());
    let clash = store.insert_certificates(&[record(&signed(21, "440524188001010014", 7))], &audit("issue")).await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    assert_eq!(store.status_entries(&authority).await.unwrap(), vec![(7, "active".to_string())]);

    // Streaming export cursor.
    let first = store.certificates_after(0, None, 2).await.unwrap();
    assert_eq!(first.len(), 2);
    let rest = store.certificates_after(first[1].0, None, 10).await.unwrap();
    assert_eq!(rest.len(), 2);
    assert_eq!(store.certificates_after(0, Some(&"CN-320582".parse().unwrap()), 10).await.unwrap().len(), 4);

    // Users, sessions, API tokens.
    let uid = store
        .create_user(
            &NewUser {
                username: "clerk".into(),
                display_name: "王芳".into(),
                password_hash: "$argon2id$x".into(),
                role: Role::Issuer,
                authority: Some("CN-320582".parse().unwrap()),
            },
            &audit("user.add"),
        )
        .await
        .unwrap();
    let dup = NewUser {
        username: "clerk".into(),
        display_name: "x".into(),
        password_hash: "x".into(),
        role: Role::Admin,
        authority: None,
    };
    assert!(matches!(store.create_user(&dup, &audit("user.add")).await, Err(StoreError::Conflict(_))));
    let u = store.user_by_name("clerk").await.unwrap().unwrap();
    assert_eq!((u.id, u.role, u.authority.as_ref().map(|a| a.as_str())), (uid, Role::Issuer, Some("CN-320582")));
    assert_eq!(store.user_by_id(uid).await.unwrap().unwrap().username, "clerk");
    store
        .create_session(&SessionRecord { token_hash: "h1".into(), user_id: uid, created_at: t(1), expires_at: t(5) })
        .await
        .unwrap();
    assert_eq!(store.session("h1", t(4)).await.unwrap().unwrap().1.id, uid);
    assert!(store.session("h1", t(6)).await.unwrap().is_none(), "expired");
    assert!(store.session("nope", t(4)).await.unwrap().is_none());
    store.set_password(uid, "$argon2id$y", &audit("user.password")).await.unwrap();
    assert!(store.session("h1", t(4)).await.unwrap().is_none(), "password change ends sessions");
    store
        .create_session(&SessionRecord { token_hash: "h2".into(), user_id: uid, created_at: t(1), expires_at: t(5) })
        .await
        .unwrap();
    store.delete_session("h2").await.unwrap();
    assert!(store.session("h2", t(4)).await.unwrap().is_none());
    store.create_api_token(uid, "ci", "tok", &audit("token.add")).await.unwrap();
    assert_eq!(store.api_token("tok").await.unwrap().unwrap().1.username, "clerk");
    assert!(store.api_token("other").await.unwrap().is_none());

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

    // Lead candidates: one row per domain, sightings counted, the latest seen first.
    let sighting = |domain: &str, h: u32| certguard_store::LeadSighting {
        domain: domain.into(),
        url: format!("https://{domain}/q"),
        verdict: "look_alike".into(),
        score: 80,
        at: t(h),
    };
    store.record_lead_sighting(&sighting("a.example", 1)).await.unwrap();
    store.record_lead_sighting(&sighting("b.example", 2)).await.unwrap();
    store.record_lead_sighting(&sighting("a.example", 3)).await.unwrap();
    let leads = store.lead_candidates(10).await.unwrap();
    assert_eq!(leads.len(), 2);
    assert_eq!((leads[0].domain.as_str(), leads[0].sightings), ("a.example", 2));
    assert_eq!((leads[0].first_seen, leads[0].last_seen), (t(1), t(3)));
}

#[tokio::test]
async fn story_on_sqlite() {
    let (store, db) = sqlite().await;
    story(store).await;
    db.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn story_on_postgres() {
    let Some(url) = pg_url() else {
        eprintln!("CERTGUARD_TEST_PG_URL not set: PostgreSQL story not run (CI sets it)");
        return;
    };
    let (store, db) = postgres(&url).await;
    story(store).await;
    db.cleanup().await;
}

#[tokio::test]
async fn sqlite_reopens_with_data_and_migrations_applied_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    {
        let s = certguard_store_sqlite::SqliteStore::open(&path).unwrap();
        let c = cert(1, "440524188001010014", "张三", ("2", "2.1"), d(2022, 1, 10));
        s.insert_certificates(&[record(&c)], &audit("issue")).await.unwrap();
    }
    let s = certguard_store_sqlite::SqliteStore::open(&path).unwrap();
    assert_eq!(s.counts().await.unwrap().certificates, 1);
}
