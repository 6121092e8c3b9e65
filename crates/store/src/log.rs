//! The registry's transparency log: events waiting to be sequenced, and the sequenced tree as tiles.
//!
//! Every certificate change writes a [`PendingLogEvent`] in the same transaction as the change itself
//! (so nothing reaches the registry without reaching the log). A sequencer (`certguard_app::translog`)
//! takes pending events in order, gives them indexes, and commits a [`LogBatch`]: the index rows, the tiles
//! and bundles at their new widths, the new checkpoint, and the removal of the pending rows, in one
//! transaction that fails with [`crate::StoreError::Conflict`] unless the log still has `old_size` entries.
//! Two sequencers can therefore never both extend the same tree, and a crash leaves either the old or the
//! new tree, never a mix.

use crate::{NewRecord, StoreResult};
use async_trait::async_trait;
use certguard_registry::{Certificate, LogEventKind, Serial};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

/// A registry event recorded with its change, not yet in the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingLogEvent {
    /// Order of commit (gaps allowed).
    pub id: i64,
    pub serial: Serial,
    pub kind: LogEventKind,
    pub authority: String,
    pub at: DateTime<Utc>,
    pub credential_sha256: Option<[u8; 32]>,
}

impl PendingLogEvent {
    /// What a change writes for the log (its `id` is assigned by the store).
    pub fn for_change(certificate: &Certificate, record: &NewRecord) -> Self {
        PendingLogEvent {
            id: 0,
            serial: certificate.serial,
            kind: LogEventKind::of(&record.event),
            authority: certificate.authority.as_str().to_string(),
            at: record.at,
            credential_sha256: certificate.credential.as_ref().map(|c| credential_sha256(&c.text)),
        }
    }
}

/// The hash a log entry keeps of a signed credential: SHA-256 of its text as printed in the QR.
pub fn credential_sha256(text: &str) -> [u8; 32] {
    Sha256::digest(text.trim().as_bytes()).into()
}

/// An entry of the tree as indexed for lookups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLeaf {
    pub index: u64,
    pub serial: Serial,
    pub kind: LogEventKind,
    pub credential_sha256: Option<[u8; 32]>,
}

/// What one sequencing step commits.
#[derive(Clone, Debug, Default)]
pub struct LogBatch {
    pub old_size: u64,
    pub new_size: u64,
    pub leaves: Vec<LogLeaf>,
    /// (tile level, tile index, the tile's hashes at its new width)
    pub tiles: Vec<(u8, u64, Vec<u8>)>,
    /// (bundle index, the bundle at its new width)
    pub bundles: Vec<(u64, Vec<u8>)>,
    /// The signed checkpoint of `new_size`.
    pub checkpoint: String,
    pub pending_ids: Vec<i64>,
}

/// The log's storage.
#[async_trait]
pub trait LogStore: Send + Sync {
    /// Whether this process is the log's one sequencer: takes the role if nobody holds it, keeps it while its
    /// holder lives (PostgreSQL: a session advisory lock on a dedicated connection, released when the process
    /// dies). SQLite: always true (one file, and commits are size-checked anyway).
    async fn log_lead(&self) -> StoreResult<bool> {
        Ok(true)
    }
    /// Queues events for the log outside a certificate change (the backfill of a registry that predates the
    /// log); their `id` is ignored.
    async fn log_enqueue(&self, events: &[PendingLogEvent]) -> StoreResult<()>;
    /// The oldest pending events, in commit order.
    async fn log_pending(&self, limit: u32) -> StoreResult<Vec<PendingLogEvent>>;
    /// The highest pending id now (0 if none): an event committed before this call has an id <= it.
    async fn log_pending_high_water(&self) -> StoreResult<i64>;
    /// Whether any event with an id <= `id` is still pending.
    async fn log_pending_through(&self, id: i64) -> StoreResult<bool>;
    /// The tree's size and signed checkpoint, if anything was ever sequenced.
    async fn log_checkpoint(&self) -> StoreResult<Option<(u64, String)>>;
    /// A hash tile at its latest stored width.
    async fn log_tile(&self, level: u8, index: u64) -> StoreResult<Option<Vec<u8>>>;
    /// An entry bundle at its latest stored width.
    async fn log_bundle(&self, index: u64) -> StoreResult<Option<Vec<u8>>>;
    /// For each serial, the index of its newest sequenced entry.
    async fn log_last_indexes(&self, serials: &[Serial]) -> StoreResult<Vec<(Serial, u64)>>;
    /// The trust list's key events, sequenced and pending, oldest first (pending ones get index `u64::MAX`).
    async fn log_key_events(&self) -> StoreResult<Vec<LogLeaf>>;
    /// The sequenced entries of a certificate, oldest first.
    async fn log_leaves_of(&self, serial: &Serial) -> StoreResult<Vec<LogLeaf>>;
    /// Replaces the checkpoint note of size `size` (with witness cosignatures added); false if the log has
    /// grown meanwhile (the newer checkpoint is left alone).
    async fn log_set_checkpoint_note(&self, size: u64, note: &str) -> StoreResult<bool>;
    /// Commits a sequencing step; [`crate::StoreError::Conflict`] (and nothing written) if the tree is no
    /// longer `old_size` or any of `pending_ids` is no longer pending.
    async fn log_commit(&self, batch: &LogBatch) -> StoreResult<()>;
}

/// Decoding the log's columns, shared by the backends (a bad value is stored data gone wrong).
pub mod log_columns {
    use crate::{StoreError, StoreResult};
    use certguard_registry::{LogEventKind, Serial};

    pub fn serial(hex: &str) -> StoreResult<Serial> {
        Serial::from_hex(hex).ok_or_else(|| StoreError::Corrupt(format!("log serial {hex}")))
    }

    pub fn kind(code: &str) -> StoreResult<LogEventKind> {
        LogEventKind::from_code(code).ok_or_else(|| StoreError::Corrupt(format!("log event kind {code}")))
    }

    pub fn sha(blob: Option<Vec<u8>>) -> StoreResult<Option<[u8; 32]>> {
        blob.map(|b| b.try_into().map_err(|_| StoreError::Corrupt("log credential hash length".into()))).transpose()
    }

    pub fn to_u64(v: i64) -> StoreResult<u64> {
        u64::try_from(v).map_err(|_| StoreError::Corrupt(format!("negative log index {v}")))
    }
}
