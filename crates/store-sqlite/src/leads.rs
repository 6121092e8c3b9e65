//! Leads in SQLite.

use crate::{SqliteStore, backend, insert_audit, parse_ts, ts};
use async_trait::async_trait;
use certguard_leads::{Lead, LeadKind, LeadLink, LeadStatus, Relation};
use certguard_store::{
    AuditRecord, JobOutcome, LEAD_COLUMNS, LeadBatch, LeadDetail, LeadHistoryEntry, LeadJob, LeadJobInfo, LeadJobKind,
    LeadParam, LeadQuery, LeadStep, LeadStore, RawLead, StoreError, StoreResult, Upserted, decode_lead,
    encode_lead_json, lead_filter,
};
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, ToSql, params, params_from_iter};

/// A lead read from `r`, its columns ([`LEAD_COLUMNS`]) starting at column `o`; times still as text.
fn raw_lead_at(r: &Row<'_>, o: usize) -> rusqlite::Result<(RawLead, [String; 2], Option<String>)> {
    let epoch = chrono::DateTime::UNIX_EPOCH;
    Ok((
        RawLead {
            id: r.get(o)?,
            kind: r.get(o + 1)?,
            key: r.get(o + 2)?,
            value: r.get(o + 3)?,
            source: r.get(o + 4)?,
            status: r.get(o + 5)?,
            score: r.get(o + 6)?,
            reasons: r.get(o + 7)?,
            evidence: r.get(o + 8)?,
            region: r.get(o + 9)?,
            first_seen: epoch,
            last_seen: epoch,
            sightings: r.get(o + 12)?,
            status_changed_at: None,
            version: r.get(o + 14)?,
        },
        [r.get(o + 10)?, r.get(o + 11)?],
        r.get(o + 13)?,
    ))
}

fn raw_lead(r: &Row<'_>) -> rusqlite::Result<(RawLead, [String; 2], Option<String>)> {
    raw_lead_at(r, 0)
}

fn finish(row: (RawLead, [String; 2], Option<String>)) -> StoreResult<Lead> {
    let (mut raw, [first, last], changed) = row;
    raw.first_seen = parse_ts(&first)?;
    raw.last_seen = parse_ts(&last)?;
    raw.status_changed_at = changed.as_deref().map(parse_ts).transpose()?;
    decode_lead(raw)
}

fn job_kind(s: &str) -> StoreResult<LeadJobKind> {
    LeadJobKind::parse(s).ok_or_else(|| StoreError::Backend(format!("unknown job kind {s}")))
}

fn query_leads(c: &Connection, sql: &str, params: &[&dyn ToSql]) -> StoreResult<Vec<Lead>> {
    let mut st = c.prepare_cached(sql).map_err(backend)?;
    let rows = st.query_map(params, raw_lead).map_err(backend)?;
    rows.map(|r| finish(r.map_err(backend)?)).collect()
}

/// Stores one detection; returns its lead's id and whether it is new.
fn upsert(c: &Connection, d: &certguard_leads::Detection) -> rusqlite::Result<Upserted> {
    let (reasons, evidence) = encode_lead_json(d);
    let mut st = c.prepare_cached(
        "INSERT INTO leads (kind, key, value, source, status, score, reasons, evidence, region, first_seen, \
         last_seen, sightings) VALUES (?1, ?2, ?3, ?4, 'new', ?5, ?6, ?7, ?8, ?9, ?9, 1) \
         ON CONFLICT (kind, key) DO UPDATE SET \
         value = CASE WHEN excluded.last_seen >= leads.last_seen THEN excluded.value ELSE leads.value END, \
         score = CASE WHEN excluded.last_seen >= leads.last_seen THEN excluded.score ELSE leads.score END, \
         reasons = CASE WHEN excluded.last_seen >= leads.last_seen THEN excluded.reasons ELSE leads.reasons END, \
         evidence = CASE WHEN excluded.evidence = '{}' OR excluded.last_seen < leads.last_seen \
         THEN leads.evidence ELSE excluded.evidence END, \
         region = COALESCE(excluded.region, leads.region), \
         first_seen = MIN(leads.first_seen, excluded.first_seen), \
         last_seen = MAX(leads.last_seen, excluded.last_seen), sightings = leads.sightings + 1 \
         RETURNING id, sightings",
    )?;
    st.query_row(
        params![d.kind.code(), d.key, d.value, d.source, d.score, reasons, evidence, d.region, ts(&d.seen_at)],
        |r| Ok(Upserted { id: r.get(0)?, created: r.get::<_, i64>(1)? == 1 }),
    )
}

#[async_trait]
impl LeadStore for SqliteStore {
    async fn upsert_leads(&self, batch: &LeadBatch) -> StoreResult<Vec<Upserted>> {
        if let Some((a, b, _)) =
            batch.links.iter().find(|(a, b, _)| *a >= batch.detections.len() || *b >= batch.detections.len())
        {
            return Err(StoreError::Backend(format!("link {a}-{b} outside the batch")));
        }
        let batch = batch.clone();
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let mut ids = Vec::with_capacity(batch.detections.len());
            for d in &batch.detections {
                ids.push(upsert(&tx, d).map_err(backend)?);
            }
            {
                let mut link = tx
                    .prepare_cached("INSERT OR IGNORE INTO lead_links (from_id, to_id, relation) VALUES (?1, ?2, ?3)")
                    .map_err(backend)?;
                for (a, b, rel) in &batch.links {
                    if ids[*a].id != ids[*b].id {
                        link.execute(params![ids[*a].id, ids[*b].id, rel.code()]).map_err(backend)?;
                    }
                }
                for l in &batch.stored_links {
                    if l.from != l.to {
                        link.execute(params![l.from, l.to, l.relation.code()]).map_err(backend)?;
                    }
                }
            }
            {
                let mut job = tx
                    .prepare_cached(
                        "INSERT OR IGNORE INTO lead_jobs (lead_id, kind, state, next_at, updated_at) \
                         VALUES (?1, ?2, 'pending', ?3, ?3)",
                    )
                    .map_err(backend)?;
                for (d, u) in batch.detections.iter().zip(&ids) {
                    let at = ts(&d.seen_at);
                    if batch.page_jobs && matches!(d.kind, LeadKind::Domain | LeadKind::Url) {
                        job.execute(params![u.id, LeadJobKind::Page.code(), at]).map_err(backend)?;
                    }
                    if batch.notify_at_score.is_some_and(|min| d.score >= min) {
                        job.execute(params![u.id, LeadJobKind::Notify.code(), at]).map_err(backend)?;
                    }
                }
            }
            if let Some((name, state)) = &batch.state {
                tx.prepare_cached(
                    "INSERT INTO source_state (name, state) VALUES (?1, ?2) \
                     ON CONFLICT (name) DO UPDATE SET state = excluded.state",
                )
                .and_then(|mut st| st.execute(params![name, state]))
                .map_err(backend)?;
            }
            tx.commit().map_err(backend)?;
            Ok(ids)
        })
        .await
    }

    async fn leads(&self, query: &LeadQuery) -> StoreResult<Vec<Lead>> {
        let (clause, values) = lead_filter(query, |n| format!("?{n}"));
        let n = values.len();
        let sql = format!(
            "SELECT {LEAD_COLUMNS} FROM leads {clause} ORDER BY last_seen DESC, id DESC LIMIT ?{} OFFSET ?{}",
            n + 1,
            n + 2
        );
        let mut bound: Vec<Box<dyn ToSql>> = values
            .into_iter()
            .map(|v| -> Box<dyn ToSql> {
                match v {
                    LeadParam::Text(s) => Box::new(s),
                    LeadParam::Int(i) => Box::new(i),
                    LeadParam::Time(t) => Box::new(ts(&t)),
                }
            })
            .collect();
        bound.push(Box::new(query.limit));
        bound.push(Box::new(query.offset));
        self.read(|c| {
            let mut st = c.prepare_cached(&sql).map_err(backend)?;
            let rows = st.query_map(params_from_iter(bound.iter()), raw_lead).map_err(backend)?;
            rows.map(|r| finish(r.map_err(backend)?)).collect()
        })
    }

    async fn lead_counts(&self) -> StoreResult<Vec<(LeadStatus, i64)>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT status, COUNT(*) FROM leads GROUP BY status").map_err(backend)?;
            let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).map_err(backend)?;
            let mut counts = Vec::new();
            for r in rows {
                let (s, n) = r.map_err(backend)?;
                let s = LeadStatus::parse(&s).ok_or_else(|| StoreError::Backend(format!("unknown lead status {s}")))?;
                counts.push((s, n));
            }
            counts.sort();
            Ok(counts)
        })
    }

    async fn lead(&self, id: i64) -> StoreResult<Option<LeadDetail>> {
        self.read(|c| {
            let sql = format!("SELECT {LEAD_COLUMNS} FROM leads WHERE id = ?1");
            let Some(lead) = query_leads(c, &sql, &[&id])?.pop() else { return Ok(None) };
            let sql = format!(
                "SELECT l.relation, {} FROM lead_links l JOIN leads ON leads.id = \
                 CASE WHEN l.from_id = ?1 THEN l.to_id ELSE l.from_id END \
                 WHERE l.from_id = ?1 OR l.to_id = ?1 ORDER BY leads.last_seen DESC LIMIT 200",
                LEAD_COLUMNS.split(", ").map(|c| format!("leads.{c}")).collect::<Vec<_>>().join(", ")
            );
            let mut st = c.prepare_cached(&sql).map_err(backend)?;
            let rows = st
                .query_map([id], |r| {
                    let rel: String = r.get(0)?;
                    Ok((rel, raw_lead_at(r, 1)?))
                })
                .map_err(backend)?;
            let mut linked = Vec::new();
            for row in rows {
                let (rel, raw) = row.map_err(backend)?;
                let rel =
                    Relation::parse(&rel).ok_or_else(|| StoreError::Backend(format!("unknown relation {rel}")))?;
                linked.push((rel, finish(raw)?));
            }
            let mut st = c
                .prepare_cached(
                    "SELECT at, actor, from_status, to_status, note FROM lead_history WHERE lead_id = ?1 ORDER BY id",
                )
                .map_err(backend)?;
            let rows = st
                .query_map([id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?))
                })
                .map_err(backend)?;
            let mut history = Vec::new();
            for row in rows {
                let (at, actor, from, to, note) = row.map_err(backend)?;
                let status = |s: &str| LeadStatus::parse(s).ok_or_else(|| StoreError::Backend(format!("status {s}")));
                history.push(LeadHistoryEntry {
                    at: parse_ts(&at)?,
                    actor,
                    from: status(&from)?,
                    to: status(&to)?,
                    note,
                });
            }
            let mut st = c
                .prepare_cached(
                    "SELECT kind, state, attempts, last_error, result, updated_at FROM lead_jobs \
                     WHERE lead_id = ?1 ORDER BY id",
                )
                .map_err(backend)?;
            let rows = st
                .query_map([id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i32>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                })
                .map_err(backend)?;
            let mut jobs = Vec::new();
            for row in rows {
                let (kind, state, attempts, last_error, result, updated_at) = row.map_err(backend)?;
                jobs.push(LeadJobInfo {
                    kind: job_kind(&kind)?,
                    state,
                    attempts,
                    last_error,
                    result,
                    updated_at: parse_ts(&updated_at)?,
                });
            }
            Ok(Some(LeadDetail { lead, linked, history, jobs }))
        })
    }

    async fn links_among(&self, ids: &[i64]) -> StoreResult<Vec<LeadLink>> {
        let wanted: std::collections::HashSet<i64> = ids.iter().copied().collect();
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT from_id, to_id, relation FROM lead_links").map_err(backend)?;
            let rows = st
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?)))
                .map_err(backend)?;
            let mut links = Vec::new();
            for row in rows {
                let (from, to, rel) = row.map_err(backend)?;
                if wanted.contains(&from) && wanted.contains(&to) {
                    let relation =
                        Relation::parse(&rel).ok_or_else(|| StoreError::Backend(format!("unknown relation {rel}")))?;
                    links.push(LeadLink { from, to, relation });
                }
            }
            Ok(links)
        })
    }

    async fn source_state(&self, name: &str) -> StoreResult<Option<String>> {
        self.read(|c| {
            c.prepare_cached("SELECT state FROM source_state WHERE name = ?1")
                .and_then(|mut st| st.query_row([name], |r| r.get(0)).optional())
                .map_err(backend)
        })
    }

    async fn claim_lead_jobs(
        &self,
        kind: LeadJobKind,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<LeadJob>> {
        let (now, lease) = (ts(&now), ts(&lease_until));
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            let claimed = {
                let mut st = tx
                    .prepare_cached(
                        "UPDATE lead_jobs SET attempts = attempts + 1, next_at = ?3, updated_at = ?2 WHERE id IN \
                         (SELECT id FROM lead_jobs WHERE kind = ?1 AND state = 'pending' AND next_at <= ?2 \
                         ORDER BY next_at, id LIMIT ?4) RETURNING id, lead_id, attempts",
                    )
                    .map_err(backend)?;
                let rows = st
                    .query_map(params![kind.code(), now, lease, limit], |r| {
                        Ok(LeadJob { id: r.get(0)?, lead_id: r.get(1)?, kind, attempts: r.get(2)? })
                    })
                    .map_err(backend)?;
                rows.collect::<rusqlite::Result<Vec<_>>>().map_err(backend)?
            };
            tx.commit().map_err(backend)?;
            Ok(claimed)
        })
        .await
    }

    async fn finish_lead_job(&self, id: i64, outcome: &JobOutcome, at: DateTime<Utc>) -> StoreResult<()> {
        let at = ts(&at);
        let (state, next_at, error, result) = match outcome {
            JobOutcome::Done(r) => ("done", at.clone(), None, Some(r.clone())),
            JobOutcome::Retry { at: next, error } => ("pending", ts(next), Some(error.clone()), None),
            JobOutcome::Failed(e) => ("failed", at.clone(), Some(e.clone()), None),
        };
        self.write(move |c| {
            c.prepare_cached(
                "UPDATE lead_jobs SET state = ?2, next_at = ?3, last_error = ?4, result = COALESCE(?5, result), \
                 updated_at = ?6 WHERE id = ?1",
            )
            .and_then(|mut st| st.execute(params![id, state, next_at, error, result, at]))
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn leads_with_job_result(&self, kind: LeadJobKind, result: &str, limit: u32) -> StoreResult<Vec<i64>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT lead_id FROM lead_jobs WHERE kind = ?1 AND result = ?2 AND state = 'done' \
                     ORDER BY lead_id LIMIT ?3",
                )
                .map_err(backend)?;
            let rows = st.query_map(params![kind.code(), result, limit], |r| r.get(0)).map_err(backend)?;
            rows.collect::<rusqlite::Result<Vec<i64>>>().map_err(backend)
        })
    }

    async fn move_leads(&self, steps: &[LeadStep], audit: &[AuditRecord]) -> StoreResult<()> {
        let (steps, audit) = (steps.to_vec(), audit.to_vec());
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            for s in &steps {
                let changed = tx
                    .prepare_cached(
                        "UPDATE leads SET status = ?1, status_changed_at = ?2, version = version + 1 \
                         WHERE id = ?3 AND status = ?4",
                    )
                    .and_then(|mut st| st.execute(params![s.to.code(), ts(&s.at), s.id, s.from.code()]))
                    .map_err(backend)?;
                if changed != 1 {
                    // Dropping the transaction rolls back every step of the call.
                    return Err(StoreError::Conflict(format!("lead {} is no longer {}", s.id, s.from.code())));
                }
                tx.prepare_cached(
                    "INSERT INTO lead_history (lead_id, at, actor, from_status, to_status, note) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .and_then(|mut st| st.execute(params![s.id, ts(&s.at), s.actor, s.from.code(), s.to.code(), s.note]))
                .map_err(backend)?;
            }
            for a in &audit {
                insert_audit(&tx, a).map_err(backend)?;
            }
            tx.commit().map_err(backend)
        })
        .await
    }
}
