//! Lead candidates from scanned QR codes in PostgreSQL.

use crate::{PgStore, pg};
use async_trait::async_trait;
use certguard_store::{LeadCandidate, LeadSighting, LeadStore, StoreResult};

#[async_trait]
impl LeadStore for PgStore {
    async fn record_lead_sighting(&self, l: &LeadSighting) -> StoreResult<()> {
        self.client()
            .await?
            .execute(
                "INSERT INTO lead_candidates (domain, url, verdict, score, first_seen, last_seen, sightings) \
                 VALUES ($1, $2, $3, $4, $5, $5, 1) \
                 ON CONFLICT (domain) DO UPDATE SET url = excluded.url, verdict = excluded.verdict, \
                 score = excluded.score, last_seen = excluded.last_seen, \
                 sightings = lead_candidates.sightings + 1",
                &[&l.domain, &l.url, &l.verdict, &l.score, &l.at],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }

    async fn lead_candidates(&self, limit: u32) -> StoreResult<Vec<LeadCandidate>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT domain, url, verdict, score, first_seen, last_seen, sightings FROM lead_candidates \
                 ORDER BY last_seen DESC LIMIT $1",
                &[&(limit as i64)],
            )
            .await
            .map_err(pg)?;
        Ok(rows
            .iter()
            .map(|r| LeadCandidate {
                domain: r.get(0),
                url: r.get(1),
                verdict: r.get(2),
                score: r.get(3),
                first_seen: r.get(4),
                last_seen: r.get(5),
                sightings: r.get(6),
            })
            .collect())
    }
}
