//! Leads in PostgreSQL.

use crate::{PgStore, insert_audit, pg};
use async_trait::async_trait;
use certguard_leads::{Lead, LeadKind, LeadLink, LeadStatus, Relation};
use certguard_store::{
    AuditRecord, JobOutcome, LEAD_COLUMNS, LeadBatch, LeadDetail, LeadHistoryEntry, LeadJob, LeadJobInfo, LeadJobKind,
    LeadParam, LeadQuery, LeadStep, LeadStore, RawLead, StoreError, StoreResult, Upserted, decode_lead,
    encode_lead_json, lead_filter,
};
use chrono::{DateTime, Utc};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

/// A lead read from `r`, its columns ([`LEAD_COLUMNS`]) starting at column `o`.
fn lead_at(r: &Row, o: usize) -> StoreResult<Lead> {
    decode_lead(RawLead {
        id: r.get(o),
        kind: r.get(o + 1),
        key: r.get(o + 2),
        value: r.get(o + 3),
        source: r.get(o + 4),
        status: r.get(o + 5),
        score: r.get(o + 6),
        reasons: r.get(o + 7),
        evidence: r.get(o + 8),
        region: r.get(o + 9),
        first_seen: r.get(o + 10),
        last_seen: r.get(o + 11),
        sightings: r.get(o + 12),
        status_changed_at: r.get(o + 13),
        version: r.get(o + 14),
    })
}

fn status(s: &str) -> StoreResult<LeadStatus> {
    LeadStatus::parse(s).ok_or_else(|| StoreError::Backend(format!("unknown lead status {s}")))
}

fn job_kind(s: &str) -> StoreResult<LeadJobKind> {
    LeadJobKind::parse(s).ok_or_else(|| StoreError::Backend(format!("unknown job kind {s}")))
}

fn relation(s: &str) -> StoreResult<Relation> {
    Relation::parse(s).ok_or_else(|| StoreError::Backend(format!("unknown relation {s}")))
}

#[async_trait]
impl LeadStore for PgStore {
    async fn upsert_leads(&self, batch: &LeadBatch) -> StoreResult<Vec<Upserted>> {
        let n = batch.detections.len();
        if let Some((a, b, _)) = batch.links.iter().find(|(a, b, _)| *a >= n || *b >= n) {
            return Err(StoreError::Backend(format!("link {a}-{b} outside the batch")));
        }
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        let upsert = tx
            .prepare_cached(
                "INSERT INTO leads (kind, key, value, source, status, score, reasons, evidence, region, first_seen, \
                 last_seen, sightings) VALUES ($1, $2, $3, $4, 'new', $5, $6, $7, $8, $9, $9, 1) \
                 ON CONFLICT (kind, key) DO UPDATE SET \
                 value = CASE WHEN excluded.last_seen >= leads.last_seen THEN excluded.value ELSE leads.value END, \
                 score = CASE WHEN excluded.last_seen >= leads.last_seen THEN excluded.score ELSE leads.score END, \
                 reasons = CASE WHEN excluded.last_seen >= leads.last_seen THEN excluded.reasons ELSE leads.reasons END, \
                 evidence = CASE WHEN excluded.evidence = '{}' OR excluded.last_seen < leads.last_seen \
                 THEN leads.evidence ELSE excluded.evidence END, \
                 region = COALESCE(excluded.region, leads.region), \
                 first_seen = LEAST(leads.first_seen, excluded.first_seen), \
                 last_seen = GREATEST(leads.last_seen, excluded.last_seen), sightings = leads.sightings + 1 \
                 RETURNING id, sightings",
            )
            .await
            .map_err(pg)?;
        let mut ids = Vec::with_capacity(n);
        for d in &batch.detections {
            let (reasons, evidence) = encode_lead_json(d);
            let row = tx
                .query_one(
                    &upsert,
                    &[
                        &d.kind.code(),
                        &d.key,
                        &d.value,
                        &d.source,
                        &d.score,
                        &reasons,
                        &evidence,
                        &d.region,
                        &d.seen_at,
                    ],
                )
                .await
                .map_err(pg)?;
            ids.push(Upserted { id: row.get(0), created: row.get::<_, i64>(1) == 1 });
        }
        for (a, b, rel) in &batch.links {
            if ids[*a].id != ids[*b].id {
                tx.execute(
                    "INSERT INTO lead_links (from_id, to_id, relation) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    &[&ids[*a].id, &ids[*b].id, &rel.code()],
                )
                .await
                .map_err(pg)?;
            }
        }
        for l in &batch.stored_links {
            if l.from != l.to {
                tx.execute(
                    "INSERT INTO lead_links (from_id, to_id, relation) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    &[&l.from, &l.to, &l.relation.code()],
                )
                .await
                .map_err(pg)?;
            }
        }
        let job = tx
            .prepare_cached(
                "INSERT INTO lead_jobs (lead_id, kind, state, next_at, updated_at) VALUES ($1, $2, 'pending', $3, $3) \
                 ON CONFLICT (lead_id, kind) DO NOTHING",
            )
            .await
            .map_err(pg)?;
        for (d, u) in batch.detections.iter().zip(&ids) {
            if batch.page_jobs && matches!(d.kind, LeadKind::Domain | LeadKind::Url) {
                tx.execute(&job, &[&u.id, &LeadJobKind::Page.code(), &d.seen_at]).await.map_err(pg)?;
            }
            if batch.notify_at_score.is_some_and(|min| d.score >= min) {
                tx.execute(&job, &[&u.id, &LeadJobKind::Notify.code(), &d.seen_at]).await.map_err(pg)?;
            }
        }
        if let Some((name, state)) = &batch.state {
            tx.execute(
                "INSERT INTO source_state (name, state) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET state = excluded.state",
                &[name, state],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)?;
        Ok(ids)
    }

    async fn leads(&self, query: &LeadQuery) -> StoreResult<Vec<Lead>> {
        let (clause, values) = lead_filter(query, |n| format!("${n}"));
        let n = values.len();
        let sql = format!(
            "SELECT {LEAD_COLUMNS} FROM leads {clause} ORDER BY last_seen DESC, id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let mut bound: Vec<Box<dyn ToSql + Sync + Send>> = values
            .into_iter()
            .map(|v| -> Box<dyn ToSql + Sync + Send> {
                match v {
                    LeadParam::Text(s) => Box::new(s),
                    LeadParam::Int(i) => Box::new(i as i32),
                    LeadParam::Time(t) => Box::new(t),
                }
            })
            .collect();
        bound.push(Box::new(query.limit as i64));
        bound.push(Box::new(query.offset as i64));
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref() as &(dyn ToSql + Sync)).collect();
        let rows = self.client().await?.query(&sql, &refs).await.map_err(pg)?;
        rows.iter().map(|r| lead_at(r, 0)).collect()
    }

    async fn lead_counts(&self) -> StoreResult<Vec<(LeadStatus, i64)>> {
        let rows =
            self.client().await?.query("SELECT status, COUNT(*) FROM leads GROUP BY status", &[]).await.map_err(pg)?;
        let mut counts = rows.iter().map(|r| Ok((status(r.get(0))?, r.get(1)))).collect::<StoreResult<Vec<_>>>()?;
        counts.sort();
        Ok(counts)
    }

    async fn lead(&self, id: i64) -> StoreResult<Option<LeadDetail>> {
        let c = self.client().await?;
        let Some(row) =
            c.query_opt(&format!("SELECT {LEAD_COLUMNS} FROM leads WHERE id = $1"), &[&id]).await.map_err(pg)?
        else {
            return Ok(None);
        };
        let lead = lead_at(&row, 0)?;
        let columns = LEAD_COLUMNS.split(", ").map(|c| format!("leads.{c}")).collect::<Vec<_>>().join(", ");
        let rows = c
            .query(
                &format!(
                    "SELECT l.relation, {columns} FROM lead_links l JOIN leads ON leads.id = \
                     CASE WHEN l.from_id = $1 THEN l.to_id ELSE l.from_id END \
                     WHERE l.from_id = $1 OR l.to_id = $1 ORDER BY leads.last_seen DESC LIMIT 200"
                ),
                &[&id],
            )
            .await
            .map_err(pg)?;
        let linked = rows.iter().map(|r| Ok((relation(r.get(0))?, lead_at(r, 1)?))).collect::<StoreResult<_>>()?;
        let rows = c
            .query(
                "SELECT at, actor, from_status, to_status, note FROM lead_history WHERE lead_id = $1 ORDER BY id",
                &[&id],
            )
            .await
            .map_err(pg)?;
        let history = rows
            .iter()
            .map(|r| {
                Ok(LeadHistoryEntry {
                    at: r.get(0),
                    actor: r.get(1),
                    from: status(r.get(2))?,
                    to: status(r.get(3))?,
                    note: r.get(4),
                })
            })
            .collect::<StoreResult<_>>()?;
        let jobs = c
            .query(
                "SELECT kind, state, attempts, last_error, result, updated_at FROM lead_jobs \
                 WHERE lead_id = $1 ORDER BY id",
                &[&id],
            )
            .await
            .map_err(pg)?
            .iter()
            .map(|r| {
                Ok(LeadJobInfo {
                    kind: job_kind(r.get(0))?,
                    state: r.get(1),
                    attempts: r.get(2),
                    last_error: r.get(3),
                    result: r.get(4),
                    updated_at: r.get(5),
                })
            })
            .collect::<StoreResult<_>>()?;
        Ok(Some(LeadDetail { lead, linked, history, jobs }))
    }

    async fn links_among(&self, ids: &[i64]) -> StoreResult<Vec<LeadLink>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT from_id, to_id, relation FROM lead_links WHERE from_id = ANY($1) AND to_id = ANY($1)",
                &[&ids],
            )
            .await
            .map_err(pg)?;
        rows.iter().map(|r| Ok(LeadLink { from: r.get(0), to: r.get(1), relation: relation(r.get(2))? })).collect()
    }

    async fn source_state(&self, name: &str) -> StoreResult<Option<String>> {
        let row = self
            .client()
            .await?
            .query_opt("SELECT state FROM source_state WHERE name = $1", &[&name])
            .await
            .map_err(pg)?;
        Ok(row.map(|r| r.get(0)))
    }

    async fn claim_lead_jobs(
        &self,
        kind: LeadJobKind,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<LeadJob>> {
        // SKIP LOCKED: several servers on one database share the queue without taking the same job.
        let rows = self
            .client()
            .await?
            .query(
                "UPDATE lead_jobs SET attempts = attempts + 1, next_at = $3, updated_at = $2 WHERE id IN \
                 (SELECT id FROM lead_jobs WHERE kind = $1 AND state = 'pending' AND next_at <= $2 \
                 ORDER BY next_at, id LIMIT $4 FOR UPDATE SKIP LOCKED) RETURNING id, lead_id, attempts",
                &[&kind.code(), &now, &lease_until, &i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        let mut jobs: Vec<LeadJob> =
            rows.iter().map(|r| LeadJob { id: r.get(0), lead_id: r.get(1), kind, attempts: r.get(2) }).collect();
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    async fn finish_lead_job(&self, id: i64, outcome: &JobOutcome, at: DateTime<Utc>) -> StoreResult<()> {
        let (state, next_at, error, result) = match outcome {
            JobOutcome::Done(r) => ("done", at, None, Some(r.as_str())),
            JobOutcome::Retry { at: next, error } => ("pending", *next, Some(error.as_str()), None),
            JobOutcome::Failed(e) => ("failed", at, Some(e.as_str()), None),
        };
        self.client()
            .await?
            .execute(
                "UPDATE lead_jobs SET state = $2, next_at = $3, last_error = $4, result = COALESCE($5, result), \
                 updated_at = $6 WHERE id = $1",
                &[&id, &state, &next_at, &error, &result, &at],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }

    async fn leads_with_job_result(&self, kind: LeadJobKind, result: &str, limit: u32) -> StoreResult<Vec<i64>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT lead_id FROM lead_jobs WHERE kind = $1 AND result = $2 AND state = 'done' \
                 ORDER BY lead_id LIMIT $3",
                &[&kind.code(), &result, &i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    async fn move_leads(&self, steps: &[LeadStep], audit: &[AuditRecord]) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        for s in steps {
            let changed = tx
                .execute(
                    "UPDATE leads SET status = $1, status_changed_at = $2, version = version + 1 \
                     WHERE id = $3 AND status = $4",
                    &[&s.to.code(), &s.at, &s.id, &s.from.code()],
                )
                .await
                .map_err(pg)?;
            if changed != 1 {
                // Dropping the transaction rolls back every step of the call.
                return Err(StoreError::Conflict(format!("lead {} is no longer {}", s.id, s.from.code())));
            }
            tx.execute(
                "INSERT INTO lead_history (lead_id, at, actor, from_status, to_status, note) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[&s.id, &s.at, &s.actor, &s.from.code(), &s.to.code(), &s.note],
            )
            .await
            .map_err(pg)?;
        }
        for a in audit {
            insert_audit(&tx, a).await?;
        }
        tx.commit().await.map_err(pg)
    }
}
