//! Leads: deduplicated by key, linked, listed with filters, moved through the workflow with history and audit.

use crate::fixtures::{audit, t};
use certguard_leads::{Detection, Evidence, LeadKind, LeadStatus, Reason, Relation};
use certguard_store::*;

fn detection(kind: LeadKind, key: &str, h: u32, score: i32) -> Detection {
    Detection {
        kind,
        key: key.into(),
        value: key.into(),
        source: "feed:test".into(),
        seen_at: t(h),
        score,
        reasons: vec![Reason { code: "r".into(), zh: "理由".into(), en: "reason".into(), points: score }],
        evidence: Evidence::default(),
        region: None,
    }
}

pub async fn story(store: &dyn Store) {
    // An ad with two contacts, and the same contact in a second ad: three contacts would be a bug.
    let mut ad1 = detection(LeadKind::Ad, "ad1", 2, 90);
    ad1.evidence = Evidence::default().with_text("电工证免考包过 微信 abc123 电话 13800138000");
    ad1.region = Some("32".into());
    let batch = LeadBatch {
        detections: vec![
            ad1,
            detection(LeadKind::Contact, "wechat:abc123", 2, 90),
            detection(LeadKind::Contact, "mobile:13800138000", 2, 90),
        ],
        links: vec![(0, 1, Relation::Contact), (0, 2, Relation::Contact), (0, 1, Relation::Contact)],
        ..LeadBatch::default()
    };
    let first = store.upsert_leads(&batch).await.unwrap();
    assert!(first.iter().all(|u| u.created));
    let batch2 = LeadBatch {
        detections: vec![
            detection(LeadKind::Ad, "ad2", 3, 70),
            detection(LeadKind::Contact, "mobile:13800138000", 3, 95),
        ],
        links: vec![(0, 1, Relation::Contact)],
        state: Some(("feed:test".into(), "{\"at\":2}".into())),
        ..LeadBatch::default()
    };
    let second = store.upsert_leads(&batch2).await.unwrap();
    assert!(second[0].created && !second[1].created);
    // The source's state is written with its leads.
    assert_eq!(store.source_state("feed:test").await.unwrap().as_deref(), Some("{\"at\":2}"));
    assert_eq!(store.source_state("feed:other").await.unwrap(), None);
    assert_eq!(second[1].id, first[2].id, "the same contact is the same lead");

    let contacts =
        store.leads(&LeadQuery { kind: Some(LeadKind::Contact), limit: 10, ..LeadQuery::default() }).await.unwrap();
    assert_eq!(contacts.len(), 2);
    let mobile = contacts.iter().find(|l| l.key == "mobile:13800138000").unwrap();
    assert_eq!((mobile.sightings, mobile.score, mobile.first_seen, mobile.last_seen), (2, 95, t(2), t(3)));

    // A re-detection without evidence keeps the evidence; an older sighting does not move last_seen back.
    store
        .upsert_leads(&LeadBatch { detections: vec![detection(LeadKind::Ad, "ad1", 1, 80)], ..LeadBatch::default() })
        .await
        .unwrap();
    let detail = store.lead(first[0].id).await.unwrap().unwrap();
    assert_eq!((detail.lead.first_seen, detail.lead.last_seen, detail.lead.sightings), (t(1), t(2), 2));
    assert!(detail.lead.evidence.text_extract.as_deref().unwrap().contains("13800138000"));
    assert_eq!(detail.lead.region.as_deref(), Some("32"), "a detection without a region keeps the known one");
    let mut linked: Vec<_> = detail.linked.iter().map(|(r, l)| (*r, l.key.clone())).collect();
    linked.sort();
    assert_eq!(linked, [(Relation::Contact, "mobile:13800138000".into()), (Relation::Contact, "wechat:abc123".into())]);
    // The contact sees both ads.
    let contact = store.lead(first[2].id).await.unwrap().unwrap();
    assert_eq!(contact.linked.len(), 2);
    assert!(store.lead(999_999).await.unwrap().is_none());

    // Filters.
    let q = |f: fn(&mut LeadQuery)| {
        let mut q = LeadQuery { limit: 50, ..LeadQuery::default() };
        f(&mut q);
        q
    };
    let count = |q: LeadQuery| async move { store.leads(&q).await.unwrap().len() };
    assert_eq!(count(q(|_| ())).await, 4);
    assert_eq!(count(q(|q| q.min_score = Some(90))).await, 3, "an older sighting does not change the score");
    assert_eq!(count(q(|q| q.region = Some("32".into()))).await, 1);
    assert_eq!(count(q(|q| q.source_prefix = Some("feed:".into()))).await, 4);
    assert_eq!(count(q(|q| q.source_prefix = Some("ct:".into()))).await, 0);
    assert_eq!(count(q(|q| q.seen_since = Some(t(3)))).await, 2);
    assert_eq!(count(q(|q| q.seen_until = Some(t(3)))).await, 2);
    assert_eq!(count(q(|q| q.text = Some("abc1".into()))).await, 1);
    assert_eq!(count(q(|q| q.text = Some("%".into()))).await, 0, "wildcards are literal");
    let page = store.leads(&LeadQuery { limit: 3, offset: 3, ..LeadQuery::default() }).await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(store.links_among(&[first[0].id, first[1].id]).await.unwrap().len(), 1);
    assert_eq!(store.links_among(&[first[0].id, first[1].id, first[2].id, second[0].id]).await.unwrap().len(), 3);

    // The workflow: two leads confirmed in one call, with history and audit.
    let step = |id, from, to| LeadStep { id, from, to, actor: "analyst1".into(), note: "核实".into(), at: t(5) };
    let ids = [first[0].id, first[2].id];
    let audits: Vec<AuditRecord> = ids.iter().map(|_| audit("lead.confirmed")).collect();
    let steps: Vec<LeadStep> = ids.iter().map(|id| step(*id, LeadStatus::New, LeadStatus::Confirmed)).collect();
    store.move_leads(&steps, &audits).await.unwrap();
    let counts = store.lead_counts().await.unwrap();
    assert_eq!(counts, [(LeadStatus::New, 2), (LeadStatus::Confirmed, 2)]);
    // A stale step (it is no longer new) fails and takes its companions with it.
    let stale = [
        step(second[0].id, LeadStatus::New, LeadStatus::Dismissed),
        step(first[0].id, LeadStatus::New, LeadStatus::Dismissed),
    ];
    assert!(matches!(store.move_leads(&stale, &[audit("lead.dismissed")]).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.lead_counts().await.unwrap(), counts, "nothing of a failed call is written");
    let detail = store.lead(first[0].id).await.unwrap().unwrap();
    assert_eq!(detail.lead.status, LeadStatus::Confirmed);
    assert_eq!(detail.lead.status_changed_at, Some(t(5)));
    assert_eq!(detail.history.len(), 1);
    assert_eq!((detail.history[0].actor.as_str(), detail.history[0].note.as_str()), ("analyst1", "核实"));
    let logged =
        store.audit_log(&AuditQuery { action_prefix: Some("lead.".into()), ..AuditQuery::latest(10) }).await.unwrap();
    assert_eq!(logged.len(), 2);
    // A confirmed lead seen again stays confirmed.
    store
        .upsert_leads(&LeadBatch { detections: vec![detection(LeadKind::Ad, "ad1", 6, 99)], ..LeadBatch::default() })
        .await
        .unwrap();
    assert_eq!(store.lead(first[0].id).await.unwrap().unwrap().lead.status, LeadStatus::Confirmed);
    // A batch that links outside itself is refused whole.
    let bad = LeadBatch {
        detections: vec![detection(LeadKind::Domain, "x.cn", 1, 1)],
        links: vec![(0, 1, Relation::SamePage)],
        state: Some(("feed:bad".into(), "{}".into())),
        page_jobs: true,
        ..LeadBatch::default()
    };
    assert!(store.upsert_leads(&bad).await.is_err());
    assert_eq!(store.source_state("feed:bad").await.unwrap(), None, "nor its state");
    assert_eq!(count(q(|q| q.kind = Some(LeadKind::Domain))).await, 0);
}

/// The jobs leads ask for: queued with the lead, once per lead and kind, claimed with a lease, retried, finished.
pub async fn jobs(store: &dyn Store) {
    let claim = |now: u32, lease: u32| store.claim_lead_jobs(LeadJobKind::Page, t(now), t(lease), 10);
    let batch = LeadBatch {
        detections: vec![
            detection(LeadKind::Domain, "jobs-a.cn", 1, 90),
            detection(LeadKind::Ad, "jobs-ad", 1, 90),
            detection(LeadKind::Url, "http://jobs-b.cn/q", 2, 50),
        ],
        page_jobs: true,
        notify_at_score: Some(80),
        ..LeadBatch::default()
    };
    let ids = store.upsert_leads(&batch).await.unwrap();
    // Seen again: no second job of either kind.
    store.upsert_leads(&batch).await.unwrap();
    // Pages for the domain and the address, not the ad; due from when they were seen.
    assert!(claim(0, 5).await.unwrap().is_empty(), "not due before it was seen");
    let got = claim(1, 5).await.unwrap();
    assert_eq!(got.iter().map(|j| (j.lead_id, j.attempts)).collect::<Vec<_>>(), [(ids[0].id, 1)]);
    let got = claim(2, 5).await.unwrap();
    assert_eq!(got.iter().map(|j| j.lead_id).collect::<Vec<_>>(), [ids[2].id], "the claimed one is leased");
    // Notifications for the two leads at or above the score, not the third.
    let notes = store.claim_lead_jobs(LeadJobKind::Notify, t(3), t(4), 10).await.unwrap();
    assert_eq!(notes.iter().map(|j| j.lead_id).collect::<Vec<_>>(), [ids[0].id, ids[1].id]);
    // A lease that ran out (the worker died) gives the job back, one attempt more.
    let again = claim(5, 8).await.unwrap();
    assert_eq!(again.iter().map(|j| (j.lead_id, j.attempts)).collect::<Vec<_>>(), [(ids[0].id, 2), (ids[2].id, 2)]);
    // Retry later, done, failed.
    let (a, b) = (&again[0], &again[1]);
    store.finish_lead_job(a.id, &JobOutcome::Retry { at: t(10), error: "HTTP 503".into() }, t(6)).await.unwrap();
    store.finish_lead_job(b.id, &JobOutcome::Done("abc".into()), t(6)).await.unwrap();
    assert!(claim(9, 12).await.unwrap().is_empty(), "the retry waits for its time");
    let third = claim(10, 12).await.unwrap();
    assert_eq!(third.iter().map(|j| (j.lead_id, j.attempts)).collect::<Vec<_>>(), [(ids[0].id, 3)]);
    store.finish_lead_job(third[0].id, &JobOutcome::Failed("gave up".into()), t(11)).await.unwrap();
    assert!(claim(20, 21).await.unwrap().is_empty(), "done and failed jobs are not claimed again");
    // The detail shows each job; finished results are searchable.
    let detail = store.lead(ids[0].id).await.unwrap().unwrap();
    let page = detail.jobs.iter().find(|j| j.kind == LeadJobKind::Page).unwrap();
    assert_eq!((page.state.as_str(), page.attempts, page.last_error.as_deref()), ("failed", 3, Some("gave up")));
    assert_eq!(detail.jobs.len(), 2);
    assert_eq!(store.leads_with_job_result(LeadJobKind::Page, "abc", 10).await.unwrap(), [ids[2].id]);
    // A lead without the page flag queues no page; a link between stored leads, twice, is stored once.
    let c = detection(LeadKind::Domain, "jobs-c.cn", 12, 70);
    let c_id = store.upsert_leads(&LeadBatch::single(c)).await.unwrap()[0].id;
    assert!(store.claim_lead_jobs(LeadJobKind::Page, t(23), t(23), 10).await.unwrap().is_empty(), "no page flag");
    let link = certguard_leads::LeadLink { from: ids[0].id, to: c_id, relation: Relation::SamePage };
    let batch = LeadBatch { stored_links: vec![link.clone(), link], ..LeadBatch::default() };
    store.upsert_leads(&batch).await.unwrap();
    let linked = store.lead(ids[0].id).await.unwrap().unwrap().linked;
    assert_eq!(linked.iter().filter(|(r, l)| *r == Relation::SamePage && l.id == c_id).count(), 1, "{linked:?}");
}
