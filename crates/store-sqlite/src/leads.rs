//! Leads in SQLite.

use crate::{SqliteStore, backend, insert_audit, parse_ts, ts};
use async_trait::async_trait;
use certguard_leads::{Lead, LeadLink, LeadStatus, Relation};
use certguard_store::{
    AuditRecord, LEAD_COLUMNS, LeadBatch, LeadDetail, LeadHistoryEntry, LeadParam, LeadQuery, LeadStep, LeadStore,
    RawLead, StoreError, StoreResult, Upserted, decode_lead, encode_lead_json, lead_filter,
};
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
            Ok(Some(LeadDetail { lead, linked, history }))
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
