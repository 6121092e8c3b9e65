//! The registry's transparency log (issue 9): sequencing registry events into a C2SP tiled Merkle tree,
//! publishing signed checkpoints, tiles and bundles, and proving that an entry is in the log.
//!
//! Every certificate change queues a pending event in its own transaction (see `certguard_store::LogStore`).
//! [`TransLog::sequence`] takes pending events in batches, turns each into a canonical
//! [`LogEntry`](certguard_registry::LogEntry) (chained to the certificate's previous entry), appends them to the
//! tree and commits entries, tiles and the newly signed checkpoint in one transaction that only succeeds if
//! no other sequencer extended the tree meanwhile. A change is acknowledged to its caller once its event is
//! sequenced ([`TransLog::acknowledge`]).

pub mod audit;
pub mod key;
pub mod mirror;
mod sequencer;
pub mod witness;

use crate::error::AppError;
use certguard_registry::{LogEntry, Serial};
use certguard_store::{LogLeaf, Store, credential_sha256};
use certguard_tlog::checkpoint::Checkpoint;
use certguard_tlog::hash::{Hash, leaf_hash};
use certguard_tlog::note::{NoteSigner, VerifierKey};
use certguard_tlog::proof::{ProofError, consistency_proof_in, inclusion_proof_in};
use certguard_tlog::proof_file::ProofFile;
use certguard_tlog::tile::{TileId, TileKind, TiledTree, decode_bundle, decode_hash_tile, tile_width};

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use key::load_or_create_cosigner;
pub use sequencer::BATCH;

/// How long a change waits for its event to be sequenced before the caller is told it is not yet logged.
const ACK_TIMEOUT: Duration = Duration::from_secs(30);

pub struct TransLog {
    store: Arc<dyn Store>,
    signer: NoteSigner,
    origin: String,
    state: tokio::sync::Mutex<sequencer::State>,
    wake: tokio::sync::Notify,
    /// Whether this process's `run` loop holds the sequencer role.
    leading: std::sync::atomic::AtomicBool,
}

/// An entry of the log with its proof against the current checkpoint.
#[derive(Clone, Debug)]
pub struct LoggedEntry {
    pub leaf: LogLeaf,
    pub entry: LogEntry,
    pub proof: ProofFile,
}

impl TransLog {
    /// The log of `origin` (e.g. `registry.example.gov.cn/certificates/v1`), its key under `key_dir`.
    pub fn open(store: Arc<dyn Store>, key_dir: &Path, origin: &str) -> Result<Self, AppError> {
        let signer = key::load_or_create(key_dir, origin)?;
        Ok(Self::with_signer(store, signer))
    }

    pub fn with_signer(store: Arc<dyn Store>, signer: NoteSigner) -> Self {
        TransLog {
            store,
            origin: signer.name().to_string(),
            signer,
            state: tokio::sync::Mutex::new(sequencer::State::default()),
            wake: tokio::sync::Notify::new(),
            leading: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The verifier key of the log's checkpoints (`name+id+key`).
    pub fn verifier(&self) -> VerifierKey {
        self.signer.verifier()
    }

    /// Waits until every event committed before this call is sequenced (nudging the sequencer). Errors if the
    /// log stops growing for 30 s meanwhile: the change is stored, but not yet acknowledged as logged.
    pub async fn acknowledge(&self) -> Result<(), AppError> {
        let high_water = self.store.log_pending_high_water().await?;
        if high_water == 0 {
            return Ok(());
        }
        let mut deadline = tokio::time::Instant::now() + ACK_TIMEOUT;
        let mut size = self.store.log_checkpoint().await?.map_or(0, |(s, _)| s);
        let mut pause = Duration::from_millis(1);
        while self.store.log_pending_through(high_water).await? {
            self.wake.notify_one();
            let now_size = self.store.log_checkpoint().await?.map_or(0, |(s, _)| s);
            if now_size > size {
                // Still sequencing (a long import): keep waiting.
                size = now_size;
                deadline = tokio::time::Instant::now() + ACK_TIMEOUT;
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(AppError::Unavailable(
                    "the change is stored but not yet in the transparency log; it will be logged shortly".into(),
                ));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(20));
        }
        Ok(())
    }

    /// Sequences pending events until none are left; returns how many were logged.
    pub async fn sequence(&self) -> Result<u64, AppError> {
        let mut total = 0;
        loop {
            let n = sequencer::step(self, BATCH).await?;
            total += n;
            if n < u64::from(BATCH) {
                return Ok(total);
            }
        }
    }

    /// The sequencer's loop for `certguard serve`: while this process holds the sequencer role (one process
    /// at a time on PostgreSQL; another takes over within `interval` of its death), sequences whenever woken
    /// and every `interval` anyway (other processes queue events too). Errors are logged and retried.
    pub async fn run(self: Arc<Self>, interval: Duration) {
        use std::sync::atomic::Ordering;
        loop {
            match self.store.log_lead().await {
                Ok(true) => {
                    if !self.leading.swap(true, Ordering::Relaxed) {
                        tracing::info!("this process sequences the transparency log");
                    }
                    if let Err(e) = self.sequence().await {
                        tracing::warn!(error = %e, "log sequencing failed; retrying");
                    }
                }
                Ok(false) => {
                    self.leading.store(false, Ordering::Relaxed);
                }
                Err(e) => {
                    self.leading.store(false, Ordering::Relaxed);
                    tracing::warn!(error = %e, "cannot tell whether this process sequences the log");
                }
            }
            let _ = tokio::time::timeout(interval, self.wake.notified()).await;
        }
    }

    /// Whether this process currently sequences the log (shown in `/healthz`).
    pub fn is_sequencer(&self) -> bool {
        self.leading.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Queues every certificate of a registry that predates the log (nothing logged and nothing pending) as
    /// an `imported` event with its current credential. Returns how many were queued.
    pub async fn backfill(&self) -> Result<u64, AppError> {
        if self.store.log_checkpoint().await?.is_some() || self.store.log_pending_high_water().await? > 0 {
            return Ok(0);
        }
        let (mut cursor, mut queued) = (0i64, 0u64);
        loop {
            let page = self.store.certificates_after(cursor, None, 1000).await?;
            let Some((last, _)) = page.last() else { return Ok(queued) };
            cursor = *last;
            let events: Vec<_> = page
                .iter()
                .map(|(_, c)| certguard_store::PendingLogEvent {
                    id: 0,
                    serial: c.serial,
                    kind: certguard_registry::LogEventKind::Imported,
                    authority: c.authority.as_str().to_string(),
                    at: chrono::Utc::now(),
                    credential_sha256: c.credential.as_ref().map(|s| credential_sha256(&s.text)),
                })
                .collect();
            self.store.log_enqueue(&events).await?;
            queued += events.len() as u64;
        }
    }

    /// The latest signed checkpoint and its size.
    pub async fn checkpoint(&self) -> Result<Option<(u64, String)>, AppError> {
        Ok(self.store.log_checkpoint().await?)
    }

    /// The bytes served at `tile/...` below the log's prefix, if that tile exists at that width in the
    /// published tree (a tile beyond the checkpoint is not served, so that every response is immutable).
    pub async fn tile(&self, path: &str) -> Result<Option<Vec<u8>>, AppError> {
        let Some(tile) = TileId::parse_path(path) else { return Ok(None) };
        let Some((size, _)) = self.store.log_checkpoint().await? else { return Ok(None) };
        let (level, stored) = match tile.kind {
            TileKind::Hashes(level) => (level, self.store.log_tile(level, tile.index).await?),
            TileKind::Entries => (0, self.store.log_bundle(tile.index).await?),
        };
        if tile_width(size, level, tile.index) < tile.width {
            return Ok(None);
        }
        let Some(stored) = stored else { return Ok(None) };
        Ok(match tile.kind {
            TileKind::Hashes(_) => stored.get(..usize::from(tile.width) * 32).map(<[u8]>::to_vec),
            TileKind::Entries => prefix_of_bundle(&stored, tile.width),
        })
    }

    /// An offline proof (c2sp.org/tlog-proof) that entry `index` is in the current tree, with the entry.
    pub async fn prove_index(&self, index: u64) -> Result<Option<(LogEntry, ProofFile)>, AppError> {
        let Some((size, note)) = self.store.log_checkpoint().await? else { return Ok(None) };
        if index >= size {
            return Ok(None);
        }
        let tiles = self.tiles_for_proof(size, &[index], None).await?;
        let tree = TiledTree::new(tile_reader(&tiles), size);
        let proof = inclusion_proof_in(&tree, index, size).map_err(proof_error)?;
        let bundle = self.store.log_bundle(index / 256).await?.ok_or_else(|| missing("entry bundle"))?;
        let width = tile_width(size, 0, index / 256);
        let entries = decode_bundle(prefix_of_bundle(&bundle, width).as_deref().unwrap_or_default(), width)
            .map_err(proof_error)?;
        let bytes = &entries[(index % 256) as usize];
        if leaf_hash(bytes) != tree.leaf(index).map_err(proof_error)? {
            return Err(AppError::Internal(format!("log entry {index} does not match its leaf hash")));
        }
        let entry = LogEntry::decode(bytes).map_err(|e| AppError::Internal(e.to_string()))?;
        // The entry travels in the proof's `extra` so that a verifier can rebuild the leaf hash offline.
        Ok(Some((entry, ProofFile { extra: Some(bytes.clone()), index, proof, checkpoint: note })))
    }

    /// The proof of a certificate's latest entry (what its holder carries), without proving the older ones.
    pub async fn prove_latest(&self, serial: &Serial) -> Result<Option<LoggedEntry>, AppError> {
        let Some(leaf) = self.store.log_leaves_of(serial).await?.pop() else { return Ok(None) };
        Ok(self.prove_index(leaf.index).await?.map(|(entry, proof)| LoggedEntry { leaf, entry, proof }))
    }

    /// A certificate's entries with their proofs, oldest first.
    pub async fn history(&self, serial: &Serial) -> Result<Vec<LoggedEntry>, AppError> {
        let mut out = Vec::new();
        for leaf in self.store.log_leaves_of(serial).await? {
            if let Some((entry, proof)) = self.prove_index(leaf.index).await? {
                out.push(LoggedEntry { leaf, entry, proof });
            }
        }
        Ok(out)
    }

    /// Where this credential text of certificate `serial` was logged, with its proof; None if the log never
    /// recorded it. (Found through the certificate's entries: a credential names its serial, so no index of
    /// credential hashes is kept.)
    pub async fn find_credential(
        &self,
        serial: &Serial,
        text: &str,
    ) -> Result<Option<(LogEntry, ProofFile)>, AppError> {
        let digest = credential_sha256(text);
        let leaves = self.store.log_leaves_of(serial).await?;
        let Some(leaf) = leaves.iter().find(|l| l.credential_sha256 == Some(digest)) else { return Ok(None) };
        self.prove_index(leaf.index).await
    }

    /// The consistency proof between two sizes of the tree (for auditors and witnesses).
    pub async fn consistency(&self, first: u64, second: u64) -> Result<Vec<Hash>, AppError> {
        let tiles = self.tiles_for_proof(second, &[], Some(first)).await?;
        let tree = TiledTree::new(tile_reader(&tiles), second);
        consistency_proof_in(&tree, first, second).map_err(proof_error)
    }

    /// The stored hash tiles a proof in a tree of `size` reads: per level, the tile of each entry's ancestor
    /// and the tile of the right edge (at most two per level: about ten reads at 30 million entries).
    async fn tiles_for_proof(
        &self,
        size: u64,
        indexes: &[u64],
        first: Option<u64>,
    ) -> Result<HashMap<(u8, u64), Vec<u8>>, AppError> {
        let mut wanted = std::collections::BTreeSet::new();
        for level in 0u8..8 {
            let shift = 8 * u32::from(level);
            let nodes = size.checked_shr(shift).unwrap_or(0);
            if nodes == 0 {
                break;
            }
            let last_tile = (nodes - 1) / 256;
            let mut points: Vec<u64> = indexes.to_vec();
            points.push(size - 1);
            if let Some(f) = first.filter(|f| *f > 0) {
                points.push(f - 1);
                points.push(f.min(size - 1));
            }
            for p in points {
                // The siblings of a leaf's path at this level lie in the tile of its ancestor; the pieces of
                // a subtree ending at the tree's right edge lie in the edge's tile. Consistency proofs also
                // read around `first`, so take its neighbours too.
                let tile = (p >> shift) / 256;
                if first.is_some() {
                    wanted.insert((level, tile.saturating_sub(1)));
                    wanted.insert((level, (tile + 1).min(last_tile)));
                }
                wanted.insert((level, tile));
            }
        }
        let mut tiles = HashMap::new();
        for (level, index) in wanted {
            if let Some(bytes) = self.store.log_tile(level, index).await? {
                tiles.insert((level, index), bytes);
            }
        }
        Ok(tiles)
    }
}

fn tile_reader(tiles: &HashMap<(u8, u64), Vec<u8>>) -> impl Fn(u8, u64, u16) -> Result<Vec<Hash>, ProofError> + '_ {
    move |level, index, width| {
        let bytes = tiles
            .get(&(level, index))
            .ok_or_else(|| ProofError::Source(format!("tile {level}/{index} not fetched")))?;
        let bytes = bytes.get(..usize::from(width) * 32).ok_or_else(|| ProofError::Source("tile too narrow".into()))?;
        decode_hash_tile(bytes, width)
    }
}

/// The first `width` entries of a stored bundle, re-encoded as the bundle of that width.
fn prefix_of_bundle(stored: &[u8], width: u16) -> Option<Vec<u8>> {
    let mut at = 0usize;
    for _ in 0..width {
        let len = usize::from(u16::from_be_bytes([*stored.get(at)?, *stored.get(at + 1)?]));
        at += 2 + len;
    }
    stored.get(..at).map(<[u8]>::to_vec)
}

fn proof_error(e: ProofError) -> AppError {
    AppError::Internal(format!("log proof: {e}"))
}

fn missing(what: &str) -> AppError {
    AppError::Internal(format!("the log's {what} is missing"))
}

/// Verifies an offline proof of one of our entries (the entry in `extra`), and that it logged this
/// credential when one is given: returns the entry and the checkpoint it is proven against.
pub fn verify_proof_file(
    file: &ProofFile,
    origin: &str,
    key: &VerifierKey,
    witnesses: &[VerifierKey],
    quorum: usize,
    credential_text: Option<&str>,
) -> Result<(LogEntry, Checkpoint), String> {
    let bytes = file.extra.as_deref().ok_or("the proof carries no entry (extra line)")?;
    let entry = LogEntry::decode(bytes).map_err(|e| e.to_string())?;
    let checkpoint = file.verify(&leaf_hash(bytes), origin, key, witnesses, quorum).map_err(|e| e.to_string())?;
    if let Some(text) = credential_text
        && entry.credential_sha256 != Some(credential_sha256(text))
    {
        return Err("the proven entry logged another credential than this one".into());
    }
    Ok((entry, checkpoint))
}

/// A witness this log asks for cosignatures: where its `add-checkpoint` endpoint is, and its key.
#[derive(Clone, Debug)]
pub struct WitnessPeer {
    /// e.g. `https://witness.example/witness/add-checkpoint`
    pub url: String,
    pub key: VerifierKey,
}

impl WitnessPeer {
    /// Parses `URL VKEY` (one space).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (url, key) = text.trim().split_once(' ').ok_or("expected `URL VKEY`")?;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!("{url}: a witness URL starts with http:// or https://"));
        }
        let key = VerifierKey::parse(key).map_err(|e| e.to_string())?;
        if key.signature_type != certguard_tlog::note::COSIGNATURE_V1 {
            return Err("a witness key has signature type 0x04 (cosignature/v1)".into());
        }
        Ok(WitnessPeer { url: url.to_string(), key })
    }
}

impl TransLog {
    /// Asks each witness that has not cosigned the current checkpoint to do so (c2sp.org/tlog-witness
    /// `add-checkpoint`, with the consistency proof from the size it last saw), and publishes the checkpoint
    /// with the cosignatures it got. Returns how many witnesses have cosigned the current checkpoint.
    pub async fn cosign_round(
        &self,
        witnesses: &[WitnessPeer],
        known: &mut HashMap<String, u64>,
    ) -> Result<usize, AppError> {
        let Some((size, mut note)) = self.store.log_checkpoint().await? else { return Ok(0) };
        let mut cosigned = 0;
        for w in witnesses {
            let parsed = certguard_tlog::note::Note::parse(&note).map_err(|e| AppError::Internal(e.to_string()))?;
            if matches!(certguard_tlog::cosignature::verify_cosignature(&parsed, &w.key), Ok(Some(_))) {
                cosigned += 1;
                continue;
            }
            for _attempt in 0..2 {
                let old = known.get(&w.url).copied().unwrap_or(0).min(size);
                let proof = if old == 0 || old == size { Vec::new() } else { self.consistency(old, size).await? };
                let mut body = format!("old {old}\n");
                for h in &proof {
                    body.push_str(&base64::Engine::encode(&base64::engine::general_purpose::STANDARD, h));
                    body.push('\n');
                }
                body.push('\n');
                body.push_str(&note);
                let (status, answer) = post_text(&w.url, body).await;
                match status {
                    200 => {
                        note = witness::add_cosignature(&note, &answer, &w.key).map_err(AppError::Internal)?;
                        known.insert(w.url.clone(), size);
                        cosigned += 1;
                        break;
                    }
                    // The witness holds another size: retry once from there.
                    409 => match answer.trim().parse::<u64>() {
                        Ok(latest) if latest <= size => {
                            known.insert(w.url.clone(), latest);
                        }
                        _ => {
                            tracing::warn!(witness = %w.url, answer = %answer.trim(), "witness is ahead of this log");
                            break;
                        }
                    },
                    _ => {
                        tracing::warn!(witness = %w.url, status, answer = %answer.trim(), "witness refused the checkpoint");
                        break;
                    }
                }
            }
        }
        if cosigned > 0 {
            self.store.log_set_checkpoint_note(size, &note).await?;
        }
        Ok(cosigned)
    }

    /// The witnessing loop of `certguard serve` (run by the sequencer's process only).
    pub async fn witness_loop(self: Arc<Self>, witnesses: Vec<WitnessPeer>, interval: Duration) {
        let mut known = HashMap::new();
        loop {
            if self.is_sequencer()
                && let Err(e) = self.cosign_round(&witnesses, &mut known).await
            {
                tracing::warn!(error = %e, "asking witnesses to cosign failed");
            }
            tokio::time::sleep(interval).await;
        }
    }
}

/// POSTs a text body; (status, body), with status 0 on a transport failure. Responses are capped at 64 KiB.
async fn post_text(url: &str, body: String) -> (u16, String) {
    let url = url.to_string();
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(10)))
            .http_status_as_error(false)
            .build()
            .into();
        match agent.post(&url).header("content-type", "text/plain; charset=utf-8").send(body) {
            Ok(mut res) => {
                let status = res.status().as_u16();
                let text = res.body_mut().with_config().limit(64 * 1024).read_to_string().unwrap_or_default();
                (status, text)
            }
            Err(e) => (0, e.to_string()),
        }
    })
    .await
    .unwrap_or((0, "the request task failed".into()))
}

/// A signing key as the trust list names it, for the log's key events.
#[derive(Clone, Debug)]
pub struct TrustedKey {
    pub authority: String,
    pub kid: Vec<u8>,
    /// The public key's bytes as the trust list carries them.
    pub public_key: Vec<u8>,
}

impl TrustedKey {
    /// The 16 bytes a key event uses as its serial: the start of SHA-256 of the key id.
    pub fn log_serial(&self) -> Serial {
        use sha2::{Digest, Sha256};
        let d = Sha256::digest(&self.kid);
        Serial(d[..16].try_into().expect("16 bytes"))
    }

    /// SHA-256 of the public key: what a key event records.
    pub fn key_sha256(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        Sha256::digest(&self.public_key).into()
    }
}

impl TransLog {
    /// Logs the difference between the trust list's keys and the keys the log last recorded: a `key_added`
    /// event for each key the log has not recorded as present, a `key_removed` event for each recorded key
    /// the list no longer names. Run at start-up (a new trust list takes effect on restart). Returns how many
    /// events were queued.
    pub async fn sync_trust_list(&self, keys: &[TrustedKey]) -> Result<usize, AppError> {
        use certguard_registry::LogEventKind;
        // The latest event per key serial says whether the log considers it present.
        let mut present: HashMap<Serial, Option<[u8; 32]>> = HashMap::new();
        for leaf in self.store.log_key_events().await? {
            if leaf.kind == LogEventKind::KeyAdded {
                present.insert(leaf.serial, leaf.credential_sha256);
            } else {
                present.remove(&leaf.serial);
            }
        }
        let now = chrono::Utc::now();
        let mut events = Vec::new();
        let listed: std::collections::HashSet<Serial> = keys.iter().map(TrustedKey::log_serial).collect();
        for k in keys {
            let serial = k.log_serial();
            if present.get(&serial).is_none_or(|h| *h != Some(k.key_sha256())) {
                events.push(certguard_store::PendingLogEvent {
                    id: 0,
                    serial,
                    kind: LogEventKind::KeyAdded,
                    authority: k.authority.clone(),
                    at: now,
                    credential_sha256: Some(k.key_sha256()),
                });
            }
        }
        let mut removed: Vec<_> = present.into_iter().filter(|(s, _)| !listed.contains(s)).collect();
        removed.sort_by_key(|(s, _)| *s);
        for (serial, digest) in removed {
            events.push(certguard_store::PendingLogEvent {
                id: 0,
                serial,
                kind: LogEventKind::KeyRemoved,
                authority: "-".into(),
                at: now,
                credential_sha256: digest,
            });
        }
        if !events.is_empty() {
            self.store.log_enqueue(&events).await?;
            self.wake.notify_one();
        }
        Ok(events.len())
    }
}
