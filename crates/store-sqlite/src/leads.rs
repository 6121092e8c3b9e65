//! Lead candidates from scanned QR codes in SQLite.

use crate::{SqliteStore, backend, parse_ts, ts};
use async_trait::async_trait;
use certguard_store::{LeadCandidate, LeadSighting, LeadStore, StoreResult};
use rusqlite::params;

#[async_trait]
impl LeadStore for SqliteStore {
    async fn record_lead_sighting(&self, l: &LeadSighting) -> StoreResult<()> {
        let l = l.clone();
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO lead_candidates (domain, url, verdict, score, first_seen, last_seen, sightings) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1) \
                 ON CONFLICT (domain) DO UPDATE SET url = excluded.url, verdict = excluded.verdict, \
                 score = excluded.score, last_seen = excluded.last_seen, sightings = sightings + 1",
            )
            .and_then(|mut st| st.execute(params![l.domain, l.url, l.verdict, l.score, ts(&l.at)]))
            .map(|_| ())
            .map_err(backend)
        })
        .await
    }

    async fn lead_candidates(&self, limit: u32) -> StoreResult<Vec<LeadCandidate>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT domain, url, verdict, score, first_seen, last_seen, sightings FROM lead_candidates \
                     ORDER BY last_seen DESC LIMIT ?1",
                )
                .map_err(backend)?;
            let rows = st
                .query_map(params![limit], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i32>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, i64>(6)?,
                    ))
                })
                .map_err(backend)?;
            rows.map(|r| {
                let (domain, url, verdict, score, first, last, sightings) = r.map_err(backend)?;
                Ok(LeadCandidate {
                    domain,
                    url,
                    verdict,
                    score,
                    first_seen: parse_ts(&first)?,
                    last_seen: parse_ts(&last)?,
                    sightings,
                })
            })
            .collect()
        })
    }
}
