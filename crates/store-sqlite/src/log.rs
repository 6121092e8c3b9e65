//! The transparency log's pending events, tiles, index and checkpoint in SQLite.

use crate::{SqliteStore, backend, parse_ts, ts};
use async_trait::async_trait;
use certguard_registry::Serial;
use certguard_store::log_columns::{kind, serial, sha, to_u64};
use certguard_store::{LogBatch, LogLeaf, LogStore, PendingLogEvent, StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, params};

/// Tile level under which entry bundles are kept.
const BUNDLE_LEVEL: i64 = -1;

pub(crate) fn insert_pending(conn: &Connection, e: &PendingLogEvent) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO log_pending (serial, kind, authority, at, credential_sha256) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        e.serial.to_hex(),
        e.kind.code(),
        e.authority,
        ts(&e.at),
        e.credential_sha256.map(|h| h.to_vec())
    ])?;
    Ok(())
}

#[async_trait]
impl LogStore for SqliteStore {
    async fn log_enqueue(&self, events: &[PendingLogEvent]) -> StoreResult<()> {
        let events = events.to_vec();
        self.write(move |c| {
            let tx = c.transaction().map_err(backend)?;
            for e in &events {
                insert_pending(&tx, e).map_err(backend)?;
            }
            tx.commit().map_err(backend)
        })
        .await
    }

    async fn log_pending(&self, limit: u32) -> StoreResult<Vec<PendingLogEvent>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached(
                    "SELECT id, serial, kind, authority, at, credential_sha256 FROM log_pending ORDER BY id LIMIT ?1",
                )
                .map_err(backend)?;
            let rows = st
                .query_map([limit], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Option<Vec<u8>>>(5)?,
                    ))
                })
                .map_err(backend)?;
            rows.map(|r| {
                let (id, s, k, authority, at, h) = r.map_err(backend)?;
                Ok(PendingLogEvent {
                    id,
                    serial: serial(&s)?,
                    kind: kind(&k)?,
                    authority,
                    at: parse_ts(&at)?,
                    credential_sha256: sha(h)?,
                })
            })
            .collect()
        })
    }

    async fn log_pending_high_water(&self) -> StoreResult<i64> {
        self.read(|c| c.query_row("SELECT COALESCE(MAX(id), 0) FROM log_pending", [], |r| r.get(0)).map_err(backend))
    }

    async fn log_pending_through(&self, id: i64) -> StoreResult<bool> {
        self.read(|c| {
            c.query_row("SELECT EXISTS (SELECT 1 FROM log_pending WHERE id <= ?1)", [id], |r| r.get(0)).map_err(backend)
        })
    }

    async fn log_checkpoint(&self) -> StoreResult<Option<(u64, String)>> {
        self.read(|c| {
            let row: Option<(i64, String)> = c
                .prepare_cached("SELECT size, checkpoint FROM log_state WHERE id = 1 AND checkpoint <> ''")
                .map_err(backend)?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
                .map_err(backend)?;
            row.map(|(size, note)| Ok((to_u64(size)?, note))).transpose()
        })
    }

    async fn log_tile(&self, level: u8, index: u64) -> StoreResult<Option<Vec<u8>>> {
        self.read(|c| read_tile(c, i64::from(level), index))
    }

    async fn log_bundle(&self, index: u64) -> StoreResult<Option<Vec<u8>>> {
        self.read(|c| read_tile(c, BUNDLE_LEVEL, index))
    }

    async fn log_last_indexes(&self, serials: &[Serial]) -> StoreResult<Vec<(Serial, u64)>> {
        self.read(|c| {
            let mut st = c.prepare_cached("SELECT MAX(idx) FROM log_leaves WHERE serial = ?1").map_err(backend)?;
            let mut out = Vec::new();
            for s in serials {
                let idx: Option<i64> = st.query_row([s.to_hex()], |r| r.get(0)).map_err(backend)?;
                if let Some(idx) = idx {
                    out.push((*s, to_u64(idx)?));
                }
            }
            Ok(out)
        })
    }

    async fn log_key_events(&self) -> StoreResult<Vec<LogLeaf>> {
        self.read(|c| {
            // The predicate is the partial index's own (migration 0004), so the index serves it.
            let mut st = c
                .prepare_cached(
                    "SELECT idx, serial, kind, credential_sha256 FROM log_leaves WHERE kind IN ('key_added', 'key_removed')
                     UNION ALL SELECT -1, serial, kind, credential_sha256 FROM log_pending
                     WHERE kind IN ('key_added', 'key_removed')",
                )
                .map_err(backend)?;
            let rows = st
                .query_map([], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<Vec<u8>>>(3)?))
                })
                .map_err(backend)?;
            let mut out = rows
                .map(|r| {
                    let (idx, s, k, h) = r.map_err(backend)?;
                    Ok(LogLeaf {
                        index: u64::try_from(idx).unwrap_or(u64::MAX),
                        serial: serial(&s)?,
                        kind: kind(&k)?,
                        credential_sha256: sha(h)?,
                    })
                })
                .collect::<StoreResult<Vec<_>>>()?;
            out.sort_by_key(|l| l.index);
            Ok(out)
        })
    }

    async fn log_leaves_of(&self, s: &Serial) -> StoreResult<Vec<LogLeaf>> {
        self.read(|c| {
            let mut st = c
                .prepare_cached("SELECT idx, kind, credential_sha256 FROM log_leaves WHERE serial = ?1 ORDER BY idx")
                .map_err(backend)?;
            let rows = st
                .query_map([s.to_hex()], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<Vec<u8>>>(2)?))
                })
                .map_err(backend)?;
            rows.map(|r| {
                let (idx, k, h) = r.map_err(backend)?;
                Ok(LogLeaf { index: to_u64(idx)?, serial: *s, kind: kind(&k)?, credential_sha256: sha(h)? })
            })
            .collect()
        })
    }

    async fn log_set_checkpoint_note(&self, size: u64, note: &str) -> StoreResult<bool> {
        let note = note.to_string();
        self.write(move |c| {
            let n = c
                .execute("UPDATE log_state SET checkpoint = ?2 WHERE id = 1 AND size = ?1", params![size as i64, note])
                .map_err(backend)?;
            Ok(n == 1)
        })
        .await
    }

    async fn log_commit(&self, batch: &LogBatch) -> StoreResult<()> {
        let batch = batch.clone();
        self.write(move |c| {
            // IMMEDIATE: take the write lock before reading the size, so that another process's sequencer
            // cannot slip in between (a deferred transaction would fail its upgrade instead).
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
            let size: i64 =
                tx.query_row("SELECT size FROM log_state WHERE id = 1", [], |r| r.get(0)).map_err(backend)?;
            if to_u64(size)? != batch.old_size {
                return Err(StoreError::Conflict(format!(
                    "the log has {size} entries, the batch was sequenced on {}",
                    batch.old_size
                )));
            }
            {
                let mut leaf = tx
                    .prepare_cached(
                        "INSERT INTO log_leaves (idx, serial, kind, credential_sha256) VALUES (?1, ?2, ?3, ?4)",
                    )
                    .map_err(backend)?;
                for l in &batch.leaves {
                    leaf.execute(params![
                        l.index as i64,
                        l.serial.to_hex(),
                        l.kind.code(),
                        l.credential_sha256.map(|h| h.to_vec())
                    ])
                    .map_err(backend)?;
                }
                let mut tile = tx
                    .prepare_cached(
                        "INSERT INTO log_tiles (level, idx, data) VALUES (?1, ?2, ?3)
                         ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data",
                    )
                    .map_err(backend)?;
                for (level, index, data) in &batch.tiles {
                    tile.execute(params![i64::from(*level), *index as i64, data]).map_err(backend)?;
                }
                for (index, data) in &batch.bundles {
                    tile.execute(params![BUNDLE_LEVEL, *index as i64, data]).map_err(backend)?;
                }
                // Every event of the batch must still be pending: a sequencer that read them before another
                // one logged them would otherwise log them twice (the transaction rolls back on return).
                let mut done = tx.prepare_cached("DELETE FROM log_pending WHERE id = ?1").map_err(backend)?;
                for id in &batch.pending_ids {
                    if done.execute([id]).map_err(backend)? != 1 {
                        return Err(StoreError::Conflict(format!("log event {id} was sequenced by another sequencer")));
                    }
                }
            }
            // The checkpoint goes last; the transaction makes the whole step atomic anyway.
            tx.execute(
                "UPDATE log_state SET size = ?1, checkpoint = ?2 WHERE id = 1",
                params![batch.new_size as i64, batch.checkpoint],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }
}

fn read_tile(c: &Connection, level: i64, index: u64) -> StoreResult<Option<Vec<u8>>> {
    c.prepare_cached("SELECT data FROM log_tiles WHERE level = ?1 AND idx = ?2")
        .map_err(backend)?
        .query_row(params![level, index as i64], |r| r.get(0))
        .optional()
        .map_err(backend)
}
