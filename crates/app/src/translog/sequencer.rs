//! One sequencing step: pending events -> entries -> tiles -> signed checkpoint, committed atomically.

use super::TransLog;
use crate::error::AppError;
use certguard_registry::{LogEntry, Serial};
use certguard_store::{LogBatch, LogLeaf, StoreError};
use certguard_tlog::checkpoint::Checkpoint;
use certguard_tlog::hash::Hash;
use certguard_tlog::proof::ProofError;
use certguard_tlog::tile::{Appender, TILE_WIDTH, TileKind, decode_bundle, decode_hash_tile, encode_hash_tile};
use std::collections::HashMap;

/// Events sequenced per step (one transaction): large enough to amortise the commit, small enough to keep
/// a step's memory and latency low.
pub const BATCH: u32 = 4096;

/// The sequencer's memory between steps: the right edge of the tree it last committed.
#[derive(Default)]
pub(super) struct State {
    appender: Option<Appender>,
}

/// Sequences up to `limit` pending events; returns how many were logged (0 when none were pending or when
/// another sequencer won the race, in which case the next step starts from its tree).
pub(super) async fn step(log: &TransLog, limit: u32) -> Result<u64, AppError> {
    let mut state = log.state.lock().await;
    // The size first, then the events: the commit refuses the batch if either moved meanwhile.
    let size = log.store.log_checkpoint().await?.map_or(0, |(size, _)| size);
    let pending = log.store.log_pending(limit).await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let mut appender = match state.appender.take() {
        Some(a) if a.size() == size => a,
        _ => resume(log, size).await?,
    };

    let serials: Vec<Serial> = {
        let mut s: Vec<Serial> = pending.iter().map(|p| p.serial).collect();
        s.sort();
        s.dedup();
        s
    };
    let mut previous: HashMap<Serial, u64> = log.store.log_last_indexes(&serials).await?.into_iter().collect();
    let mut leaves = Vec::with_capacity(pending.len());
    for event in &pending {
        let entry = LogEntry {
            kind: event.kind,
            at_unix: event.at.timestamp(),
            serial: event.serial,
            authority: event.authority.clone(),
            credential_sha256: event.credential_sha256,
            previous: previous.get(&event.serial).copied(),
        };
        let index = appender.push(&entry.encode()).map_err(|e| AppError::Internal(e.to_string()))?;
        previous.insert(event.serial, index);
        leaves.push(LogLeaf {
            index,
            serial: event.serial,
            kind: event.kind,
            credential_sha256: event.credential_sha256,
        });
    }
    let changes = appender.take_changes();
    let checkpoint = Checkpoint::new(&log.origin, changes.size, changes.root).sign(&log.signer);
    let batch = LogBatch {
        old_size: size,
        new_size: changes.size,
        leaves,
        tiles: changes
            .tiles
            .iter()
            .map(|(id, hashes)| {
                let TileKind::Hashes(level) = id.kind else { unreachable!("hash tiles only") };
                (level, id.index, encode_hash_tile(hashes))
            })
            .collect(),
        bundles: changes.bundles.into_iter().map(|(id, bytes)| (id.index, bytes)).collect(),
        checkpoint,
        pending_ids: pending.iter().map(|p| p.id).collect(),
    };
    match log.store.log_commit(&batch).await {
        Ok(()) => {
            state.appender = Some(appender);
            Ok(pending.len() as u64)
        }
        // Another process sequenced first: nothing was written; start again from its tree.
        Err(StoreError::Conflict(why)) => {
            tracing::info!(%why, "another sequencer extended the log first");
            Ok(0)
        }
        Err(e) => Err(e.into()),
    }
}

/// Rebuilds the right edge of the stored tree of `size` entries.
async fn resume(log: &TransLog, size: u64) -> Result<Appender, AppError> {
    let mut edge: HashMap<(u8, u64), Vec<Hash>> = HashMap::new();
    for level in 0u8..8 {
        let nodes = size.checked_shr(8 * u32::from(level)).unwrap_or(0);
        let width = (nodes % TILE_WIDTH) as u16;
        if width == 0 {
            continue;
        }
        let index = nodes / TILE_WIDTH;
        let bytes = log.store.log_tile(level, index).await?.ok_or_else(|| missing_tile(level, index))?;
        let bytes = bytes.get(..usize::from(width) * 32).ok_or_else(|| missing_tile(level, index))?;
        edge.insert((level, index), decode_hash_tile(bytes, width).map_err(internal)?);
    }
    let bundle_index = size / TILE_WIDTH;
    let bundle = if !size.is_multiple_of(TILE_WIDTH) { log.store.log_bundle(bundle_index).await? } else { None };
    let reader = |level: u8, index: u64, _width: u16| {
        edge.get(&(level, index)).cloned().ok_or_else(|| ProofError::Source(format!("tile {level}/{index}")))
    };
    Appender::resume(size, &reader, |_, width| {
        let bytes =
            bundle.as_deref().ok_or_else(|| ProofError::Source("the partial entry bundle is missing".into()))?;
        let prefix = super::prefix_of_bundle(bytes, width)
            .ok_or_else(|| ProofError::Source("the partial entry bundle is too short".into()))?;
        decode_bundle(&prefix, width)
    })
    .map_err(internal)
}

fn missing_tile(level: u8, index: u64) -> AppError {
    AppError::Internal(format!("the log's tile {level}/{index} is missing or too narrow"))
}

fn internal(e: ProofError) -> AppError {
    AppError::Internal(e.to_string())
}
