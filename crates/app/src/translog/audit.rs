//! Auditing a C2SP tiled log from outside, over any [`LogSource`] (HTTP in the CLI): the checkpoint's
//! signature, every entry against its leaf hash, every full tile against its parent, the root against the
//! checkpoint, consistency with the checkpoint seen last time, and (for our own entries) each certificate's
//! chain of entries.

use certguard_registry::{LogEntry, Serial};
use certguard_tlog::checkpoint::Checkpoint;
use certguard_tlog::hash::{Hash, leaf_hash, root_of};
use certguard_tlog::note::VerifierKey;
use certguard_tlog::proof::ProofError;
use certguard_tlog::tile::{TILE_WIDTH, TileId, TileKind, TiledTree, decode_bundle, decode_hash_tile, tile_width};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The largest log an audit takes: its upper tiles (1/256th of the entries' hashes) are held in memory, about
/// 512 MB at this size; a checkpoint claiming more is refused before anything is fetched for it.
pub const MAX_AUDIT_SIZE: u64 = 1 << 32;

/// Where the auditor reads a log: `checkpoint` and `tile/...` paths below the log's prefix.
pub trait LogSource {
    fn get(&mut self, path: &str) -> Result<Vec<u8>, String>;
}

/// What an auditor remembers between runs: the last checkpoint it verified.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditState {
    pub origin: String,
    pub size: u64,
    /// Base64 of the root hash.
    pub root: String,
    /// The checkpoint note itself, kept as evidence.
    pub checkpoint: String,
    /// The signing keys the log says are in force: key event serial (hex) -> SHA-256 of the key (hex), from
    /// the key_added and key_removed entries up to `size`. `None` when it is not known: a raw audit, or a
    /// run that continued a state file from before key tracking.
    #[serde(default)]
    pub keys: Option<std::collections::BTreeMap<String, String>>,
}

/// One thing found wrong.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Anomaly {
    pub kind: &'static str,
    pub index: Option<u64>,
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct AuditReport {
    pub origin: String,
    pub size: u64,
    /// Entries checked in this run (from the previous size to the new one).
    pub checked_from: u64,
    pub anomalies: Vec<Anomaly>,
    /// Entries per event kind in the checked range (our entries only).
    pub kinds: Vec<(String, u64)>,
    /// Signing keys the log holds in force after this run (our entries only; unknown without a full ledger).
    pub keys_in_force: Option<usize>,
    #[serde(skip)]
    pub state: AuditState,
}

/// Audits the log. `decode` decodes our registry entries (off for `--raw` audits of other logs). Network or
/// format failures are errors; findings about the log's content are anomalies in the report.
pub fn audit(
    source: &mut dyn LogSource,
    vkey: &VerifierKey,
    origin: &str,
    previous: Option<&AuditState>,
    decode: bool,
    mut progress: impl FnMut(u64, u64),
) -> Result<AuditReport, String> {
    let note = String::from_utf8(source.get("checkpoint")?).map_err(|_| "the checkpoint is not UTF-8".to_string())?;
    let (cp, _) = Checkpoint::open(&note, origin, vkey).map_err(|e| format!("checkpoint: {e}"))?;
    if cp.size > MAX_AUDIT_SIZE {
        return Err(format!("the checkpoint claims {} entries, more than an audit takes ({MAX_AUDIT_SIZE})", cp.size));
    }
    let mut anomalies = Vec::new();
    let from = match previous {
        Some(p) if p.size > cp.size => {
            anomalies.push(Anomaly {
                kind: "log_shrank",
                index: None,
                detail: format!(
                    "the log went from {} to {} entries; previous checkpoint:\n{}\nnew checkpoint:\n{note}",
                    p.size, cp.size, p.checkpoint
                ),
            });
            0
        }
        Some(p) => p.size,
        None => 0,
    };

    // Hash tiles of level 1 and up (1/256th of the entries: a few MB at 30 million) are held for the whole
    // audit; level-0 tiles are read with their bundles and dropped, except the two the roots need: the tile at
    // the previous checkpoint's edge and the tile at the new one's.
    let mut tiles: HashMap<(u8, u64), Vec<Hash>> = HashMap::new();
    for level in 1u8..8 {
        let nodes = cp.size.checked_shr(8 * u32::from(level)).unwrap_or(0);
        if nodes == 0 {
            break;
        }
        for index in 0..nodes.div_ceil(TILE_WIDTH) {
            let width = tile_width(cp.size, level, index);
            let path = TileId { kind: TileKind::Hashes(level), index, width }.path();
            let hashes = decode_hash_tile(&source.get(&path)?, width).map_err(|e| format!("{path}: {e}"))?;
            tiles.insert((level, index), hashes);
        }
    }
    let tile_mismatch = |anomalies: &mut Vec<Anomaly>,
                         tiles: &HashMap<(u8, u64), Vec<Hash>>,
                         level: u8,
                         index: u64,
                         hashes: &[Hash]| {
        if hashes.len() as u64 == TILE_WIDTH
            && let Some(parent) = tiles.get(&(level + 1, index / TILE_WIDTH))
            && parent.get((index % TILE_WIDTH) as usize) != Some(&root_of(hashes))
        {
            anomalies.push(Anomaly {
                kind: "tile_mismatch",
                index: Some(index * TILE_WIDTH.pow(u32::from(level) + 1)),
                detail: format!("tile {level}/{index} does not hash to its parent's node"),
            });
        }
    };
    let mut upper: Vec<(u8, u64)> = tiles.keys().copied().collect();
    upper.sort();
    for (level, index) in upper {
        let hashes = tiles[&(level, index)].clone();
        tile_mismatch(&mut anomalies, &tiles, level, index, &hashes);
    }

    // Level 0 with the entries: each entry against its leaf, each full tile against its parent; ours decoded
    // and chained.
    let edge_tiles = [from / TILE_WIDTH, cp.size / TILE_WIDTH];
    let mut kinds: HashMap<String, u64> = HashMap::new();
    // The key ledger continues from the previous run's, or starts empty at entry 0.
    // A raw audit decodes no entries, so it keeps no ledger (a later decoded run must not trust an empty one).
    let mut keys = match previous {
        _ if !decode => None,
        Some(p) if from > 0 => p.keys.clone(),
        _ => Some(std::collections::BTreeMap::new()),
    };
    let mut last_of: HashMap<Serial, u64> = HashMap::new();
    let mut bundle_cache: HashMap<u64, Vec<Vec<u8>>> = HashMap::new();
    for bundle_index in from / TILE_WIDTH..cp.size.div_ceil(TILE_WIDTH) {
        let width = tile_width(cp.size, 0, bundle_index);
        let path = TileId { kind: TileKind::Hashes(0), index: bundle_index, width }.path();
        let leaves = decode_hash_tile(&source.get(&path)?, width).map_err(|e| format!("{path}: {e}"))?;
        tile_mismatch(&mut anomalies, &tiles, 0, bundle_index, &leaves);
        let path = TileId { kind: TileKind::Entries, index: bundle_index, width }.path();
        let entries = decode_bundle(&source.get(&path)?, width).map_err(|e| format!("{path}: {e}"))?;
        for (offset, bytes) in entries.iter().enumerate() {
            let index = bundle_index * TILE_WIDTH + offset as u64;
            if index < from {
                continue;
            }
            if leaf_hash(bytes) != leaves[offset] {
                anomalies.push(Anomaly {
                    kind: "entry_mismatch",
                    index: Some(index),
                    detail: "the entry does not hash to its leaf".into(),
                });
            }
            if !decode {
                continue;
            }
            let entry = match LogEntry::decode(bytes) {
                Ok(e) => e,
                Err(e) => {
                    anomalies.push(Anomaly { kind: "undecodable_entry", index: Some(index), detail: e.to_string() });
                    continue;
                }
            };
            *kinds.entry(entry.kind.code().to_string()).or_default() += 1;
            if let Some(keys) = keys.as_mut() {
                match entry.kind {
                    certguard_registry::LogEventKind::KeyAdded => {
                        let digest = entry.credential_sha256.map(hex).unwrap_or_default();
                        keys.insert(entry.serial.to_hex(), digest);
                    }
                    certguard_registry::LogEventKind::KeyRemoved => {
                        keys.remove(&entry.serial.to_hex());
                    }
                    _ => {}
                }
            }
            check_chain(source, &entry, index, from, &mut last_of, &mut bundle_cache, cp.size, &mut anomalies)?;
            last_of.insert(entry.serial, index);
        }
        if edge_tiles.contains(&bundle_index) {
            tiles.insert((0, bundle_index), leaves);
        }
        progress(((bundle_index + 1) * TILE_WIDTH).min(cp.size) - from.min(cp.size), cp.size - from.min(cp.size));
    }

    // The roots, from the held tiles: the new checkpoint's, and the previous checkpoint's size in today's tree.
    let reader = |level: u8, index: u64, width: u16| -> Result<Vec<Hash>, ProofError> {
        let t = tiles.get(&(level, index)).ok_or_else(|| ProofError::Source(format!("tile {level}/{index}")))?;
        t.get(..usize::from(width)).map(<[Hash]>::to_vec).ok_or_else(|| ProofError::Source("narrow tile".into()))
    };
    if TiledTree::new(reader, cp.size).root().map_err(|e| e.to_string())? != cp.root {
        anomalies.push(Anomaly {
            kind: "root_mismatch",
            index: None,
            detail: "the served tiles do not hash to the checkpoint's root".into(),
        });
    }
    if let Some(p) = previous.filter(|p| p.size <= cp.size && p.size > 0) {
        let old = TiledTree::new(reader, p.size).root().map_err(|e| e.to_string())?;
        let old_b64 = base64_of(&old);
        if old_b64 != p.root {
            anomalies.push(Anomaly {
                kind: "inconsistent_checkpoint",
                index: None,
                detail: format!(
                    "the log's tree of {} entries now has root {old_b64}, but it signed {} before: a rewritten history.\nprevious checkpoint:\n{}\nnew checkpoint:\n{note}",
                    p.size, p.root, p.checkpoint
                ),
            });
        }
    }
    let mut kinds: Vec<(String, u64)> = kinds.into_iter().collect();
    kinds.sort();
    let state =
        AuditState { origin: cp.origin.clone(), size: cp.size, root: base64_of(&cp.root), checkpoint: note, keys };
    let keys_in_force = state.keys.as_ref().map(|k| k.len());
    Ok(AuditReport { origin: cp.origin, size: cp.size, checked_from: from, anomalies, kinds, keys_in_force, state })
}

/// An entry's `previous` must name an earlier entry of the same certificate, and the latest one seen; an entry
/// without one must be the certificate's first in the audited range.
#[allow(clippy::too_many_arguments)]
fn check_chain(
    source: &mut dyn LogSource,
    entry: &LogEntry,
    index: u64,
    from: u64,
    last_of: &mut HashMap<Serial, u64>,
    bundles: &mut HashMap<u64, Vec<Vec<u8>>>,
    size: u64,
    anomalies: &mut Vec<Anomaly>,
) -> Result<(), String> {
    let seen = last_of.get(&entry.serial).copied();
    match (entry.previous, seen) {
        (None, Some(last)) => anomalies.push(Anomaly {
            kind: "broken_chain",
            index: Some(index),
            detail: format!(
                "certificate {} already had entry {last}, but this entry names no previous one",
                entry.serial
            ),
        }),
        (Some(p), Some(last)) if p != last => anomalies.push(Anomaly {
            kind: "broken_chain",
            index: Some(index),
            detail: format!("certificate {}: previous entry is {last}, this entry names {p}", entry.serial),
        }),
        (Some(p), None) if p >= index => anomalies.push(Anomaly {
            kind: "broken_chain",
            index: Some(index),
            detail: format!("names a previous entry {p} that is not earlier"),
        }),
        (Some(p), None) if p >= from => anomalies.push(Anomaly {
            kind: "broken_chain",
            index: Some(index),
            detail: format!("names entry {p} of the audited range, which is of another certificate"),
        }),
        (Some(p), None) => {
            // Before the audited range: fetch that entry and check it is the same certificate's.
            let b = p / TILE_WIDTH;
            if bundles.len() >= 64 && !bundles.contains_key(&b) {
                // Bounded: earlier bundles are fetched again rather than all kept.
                bundles.clear();
            }
            if let std::collections::hash_map::Entry::Vacant(v) = bundles.entry(b) {
                let width = tile_width(size, 0, b);
                let path = TileId { kind: TileKind::Entries, index: b, width }.path();
                v.insert(decode_bundle(&source.get(&path)?, width).map_err(|e| format!("{path}: {e}"))?);
            }
            let earlier = bundles[&b].get((p % TILE_WIDTH) as usize).and_then(|e| LogEntry::decode(e).ok());
            if earlier.is_none_or(|e| e.serial != entry.serial) {
                anomalies.push(Anomaly {
                    kind: "broken_chain",
                    index: Some(index),
                    detail: format!("names entry {p}, which is not of certificate {}", entry.serial),
                });
            }
        }
        _ => {}
    }
    Ok(())
}

fn hex(bytes: [u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares the keys verifiers trust (the signed trust list) with the keys the log announced: a trusted key
/// the log never announced (`key_not_logged`: it could sign credentials nobody can see being authorised) and
/// a key the log still holds in force that the trust list no longer names (`key_not_in_trust_list`: its
/// removal was never logged). `ledger` is [`AuditState::keys`].
pub fn check_trust_list(
    ledger: &std::collections::BTreeMap<String, String>,
    trusted: &[super::TrustedKey],
) -> Vec<Anomaly> {
    let mut out = Vec::new();
    let mut listed = std::collections::BTreeSet::new();
    for k in trusted {
        let serial = k.log_serial().to_hex();
        let digest = hex(k.key_sha256());
        match ledger.get(&serial) {
            Some(logged) if *logged == digest => {}
            Some(logged) => out.push(Anomaly {
                kind: "key_not_logged",
                index: None,
                detail: format!(
                    "the trust list's key {} of {} has SHA-256 {digest}, the log announced {logged} for it",
                    serial, k.authority
                ),
            }),
            None => out.push(Anomaly {
                kind: "key_not_logged",
                index: None,
                detail: format!(
                    "the trust list's key {serial} of {} (SHA-256 {digest}) was never announced in the log",
                    k.authority
                ),
            }),
        }
        listed.insert(serial);
    }
    for (serial, digest) in ledger {
        if !listed.contains(serial) {
            out.push(Anomaly {
                kind: "key_not_in_trust_list",
                index: None,
                detail: format!(
                    "the log holds key {serial} (SHA-256 {digest}) in force, the trust list does not name it"
                ),
            });
        }
    }
    out
}

fn base64_of(h: &Hash) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(h)
}
