//! The transparency log's pending events, tiles, index and checkpoint in PostgreSQL.

use crate::{PgStore, pg};
use async_trait::async_trait;
use certguard_registry::Serial;
use certguard_store::log_columns::{kind, serial, sha, to_u64};
use certguard_store::{LogBatch, LogLeaf, LogStore, PendingLogEvent, StoreError, StoreResult};
use deadpool_postgres::GenericClient;

/// Session advisory lock of the log's sequencer ("cg-tlog!" as an i64).
const SEQUENCER_LOCK: i64 = 0x6367_2d74_6c6f_6721;

/// Tile level under which entry bundles are kept.
const BUNDLE_LEVEL: i16 = -1;

pub(crate) async fn insert_pending(c: &impl GenericClient, e: &PendingLogEvent) -> StoreResult<()> {
    let st = c
        .prepare_cached(
            "INSERT INTO log_pending (serial, kind, authority, at, credential_sha256) VALUES ($1, $2, $3, $4, $5)",
        )
        .await
        .map_err(pg)?;
    c.execute(
        &st,
        &[&e.serial.to_hex(), &e.kind.code(), &e.authority, &e.at, &e.credential_sha256.map(|h| h.to_vec())],
    )
    .await
    .map_err(pg)?;
    Ok(())
}

#[async_trait]
impl LogStore for PgStore {
    async fn log_lead(&self) -> StoreResult<bool> {
        let mut leader = self.log_leader.lock().await;
        if let Some(c) = leader.as_ref() {
            if !c.is_closed() && c.simple_query("SELECT 1").await.is_ok() {
                return Ok(true);
            }
            // The connection died: so did the lock. Try again below.
            *leader = None;
        }
        let c = self.client().await?;
        let got: bool = c.query_one("SELECT pg_try_advisory_lock($1)", &[&SEQUENCER_LOCK]).await.map_err(pg)?.get(0);
        if got {
            *leader = Some(c);
        }
        Ok(got)
    }

    async fn log_enqueue(&self, events: &[PendingLogEvent]) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        for e in events {
            insert_pending(&tx, e).await?;
        }
        tx.commit().await.map_err(pg)
    }

    async fn log_pending(&self, limit: u32) -> StoreResult<Vec<PendingLogEvent>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT id, serial, kind, authority, at, credential_sha256 FROM log_pending ORDER BY id LIMIT $1",
                &[&i64::from(limit)],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(PendingLogEvent {
                    id: r.get(0),
                    serial: serial(r.get(1))?,
                    kind: kind(r.get(2))?,
                    authority: r.get(3),
                    at: r.get(4),
                    credential_sha256: sha(r.get(5))?,
                })
            })
            .collect()
    }

    async fn log_pending_high_water(&self) -> StoreResult<i64> {
        let row =
            self.client().await?.query_one("SELECT COALESCE(MAX(id), 0) FROM log_pending", &[]).await.map_err(pg)?;
        Ok(row.get(0))
    }

    async fn log_pending_through(&self, id: i64) -> StoreResult<bool> {
        let row = self
            .client()
            .await?
            .query_one("SELECT EXISTS (SELECT 1 FROM log_pending WHERE id <= $1)", &[&id])
            .await
            .map_err(pg)?;
        Ok(row.get(0))
    }

    async fn log_checkpoint(&self) -> StoreResult<Option<(u64, String)>> {
        let row = self
            .client()
            .await?
            .query_opt("SELECT size, checkpoint FROM log_state WHERE id = 1 AND checkpoint <> ''", &[])
            .await
            .map_err(pg)?;
        row.map(|r| Ok((to_u64(r.get(0))?, r.get(1)))).transpose()
    }

    async fn log_tile(&self, level: u8, index: u64) -> StoreResult<Option<Vec<u8>>> {
        self.read_tile(i16::from(level), index).await
    }

    async fn log_bundle(&self, index: u64) -> StoreResult<Option<Vec<u8>>> {
        self.read_tile(BUNDLE_LEVEL, index).await
    }

    async fn log_last_indexes(&self, serials: &[Serial]) -> StoreResult<Vec<(Serial, u64)>> {
        let hex: Vec<String> = serials.iter().map(Serial::to_hex).collect();
        let rows = self
            .client()
            .await?
            .query("SELECT serial, MAX(idx) FROM log_leaves WHERE serial = ANY($1) GROUP BY serial", &[&hex])
            .await
            .map_err(pg)?;
        rows.iter().map(|r| Ok((serial(r.get(0))?, to_u64(r.get(1))?))).collect()
    }

    async fn log_key_events(&self) -> StoreResult<Vec<LogLeaf>> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT idx, serial, kind, credential_sha256 FROM log_leaves WHERE kind IN ('key_added', 'key_removed') \
                 UNION ALL SELECT -1, serial, kind, credential_sha256 FROM log_pending \
                 WHERE kind IN ('key_added', 'key_removed')",
                &[],
            )
            .await
            .map_err(pg)?;
        let mut out = rows
            .iter()
            .map(|r| {
                Ok(LogLeaf {
                    index: u64::try_from(r.get::<_, i64>(0)).unwrap_or(u64::MAX),
                    serial: serial(r.get(1))?,
                    kind: kind(r.get(2))?,
                    credential_sha256: sha(r.get(3))?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        out.sort_by_key(|l| l.index);
        Ok(out)
    }

    async fn log_leaves_of(&self, s: &Serial) -> StoreResult<Vec<LogLeaf>> {
        let rows = self
            .client()
            .await?
            .query("SELECT idx, kind, credential_sha256 FROM log_leaves WHERE serial = $1 ORDER BY idx", &[&s.to_hex()])
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(LogLeaf {
                    index: to_u64(r.get(0))?,
                    serial: *s,
                    kind: kind(r.get(1))?,
                    credential_sha256: sha(r.get(2))?,
                })
            })
            .collect()
    }

    async fn log_set_checkpoint_note(&self, size: u64, note: &str) -> StoreResult<bool> {
        let n = self
            .client()
            .await?
            .execute("UPDATE log_state SET checkpoint = $2 WHERE id = 1 AND size = $1", &[&(size as i64), &note])
            .await
            .map_err(pg)?;
        Ok(n == 1)
    }

    async fn log_commit(&self, batch: &LogBatch) -> StoreResult<()> {
        let mut c = self.client().await?;
        let tx = c.transaction().await.map_err(pg)?;
        // The state row's lock serialises sequencers of every process.
        let size: i64 =
            tx.query_one("SELECT size FROM log_state WHERE id = 1 FOR UPDATE", &[]).await.map_err(pg)?.get(0);
        if to_u64(size)? != batch.old_size {
            return Err(StoreError::Conflict(format!(
                "the log has {size} entries, the batch was sequenced on {}",
                batch.old_size
            )));
        }
        // Bulk inserts through arrays: one round trip per table however large the batch.
        let idx: Vec<i64> = batch.leaves.iter().map(|l| l.index as i64).collect();
        let serials: Vec<String> = batch.leaves.iter().map(|l| l.serial.to_hex()).collect();
        let kinds: Vec<&str> = batch.leaves.iter().map(|l| l.kind.code()).collect();
        let hashes: Vec<Option<Vec<u8>>> =
            batch.leaves.iter().map(|l| l.credential_sha256.map(|h| h.to_vec())).collect();
        tx.execute(
            "INSERT INTO log_leaves (idx, serial, kind, credential_sha256) \
             SELECT * FROM UNNEST($1::BIGINT[], $2::TEXT[], $3::TEXT[], $4::BYTEA[])",
            &[&idx, &serials, &kinds, &hashes],
        )
        .await
        .map_err(pg)?;
        let mut levels: Vec<i16> = batch.tiles.iter().map(|t| i16::from(t.0)).collect();
        let mut indexes: Vec<i64> = batch.tiles.iter().map(|t| t.1 as i64).collect();
        let mut data: Vec<&[u8]> = batch.tiles.iter().map(|t| t.2.as_slice()).collect();
        levels.extend(batch.bundles.iter().map(|_| BUNDLE_LEVEL));
        indexes.extend(batch.bundles.iter().map(|b| b.0 as i64));
        data.extend(batch.bundles.iter().map(|b| b.1.as_slice()));
        tx.execute(
            "INSERT INTO log_tiles (level, idx, data) SELECT * FROM UNNEST($1::SMALLINT[], $2::BIGINT[], $3::BYTEA[]) \
             ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data",
            &[&levels, &indexes, &data],
        )
        .await
        .map_err(pg)?;
        // Every event of the batch must still be pending: a sequencer that read them before another one logged
        // them would otherwise log them twice (dropping `tx` rolls back).
        let deleted =
            tx.execute("DELETE FROM log_pending WHERE id = ANY($1)", &[&batch.pending_ids]).await.map_err(pg)?;
        if deleted != batch.pending_ids.len() as u64 {
            return Err(StoreError::Conflict("some events of the batch were sequenced by another sequencer".into()));
        }
        tx.execute(
            "UPDATE log_state SET size = $1, checkpoint = $2 WHERE id = 1",
            &[&(batch.new_size as i64), &batch.checkpoint],
        )
        .await
        .map_err(pg)?;
        tx.commit().await.map_err(pg)
    }
}

impl PgStore {
    async fn read_tile(&self, level: i16, index: u64) -> StoreResult<Option<Vec<u8>>> {
        let row = self
            .client()
            .await?
            .query_opt("SELECT data FROM log_tiles WHERE level = $1 AND idx = $2", &[&level, &(index as i64)])
            .await
            .map_err(pg)?;
        Ok(row.map(|r| r.get(0)))
    }
}
