//! The registry: authorities, insert and lookup, the duplicate rule, optimistic updates and history,
//! search and the status filter, status-list indices, the export cursor.

use crate::fixtures::{audit, cert, d, record, t};
use certguard_registry::*;
use certguard_store::*;

pub async fn story(store: &dyn Store) {
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
    // Roster verification reads by number whoever holds it; unknown numbers are simply absent.
    let by_number =
        store.certificates_by_numbers(&[a.number.clone(), "T000000000000000000".parse().unwrap()]).await.unwrap();
    assert_eq!(
        by_number.iter().map(|c| c.serial).collect::<Vec<_>>(),
        found.iter().map(|c| c.serial).collect::<Vec<_>>()
    );
    assert!(store.certificates_by_numbers(&[]).await.unwrap().is_empty());
    let too_many = vec![a.number.clone(); certguard_store::MAX_NUMBERS_PER_LOOKUP + 1];
    assert!(store.certificates_by_numbers(&too_many).await.is_err());

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
}
