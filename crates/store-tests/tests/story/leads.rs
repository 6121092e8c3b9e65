//! Lead candidates from scanned QR codes.

use crate::fixtures::t;
use certguard_store::*;

pub async fn story(store: &dyn Store) {
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
