//! The log as static files: every tile and entry bundle of the current tree in the C2SP tlog-tiles layout,
//! so that any static web server, object store or CDN can serve the log (and the auditor read it) without a
//! certguard process behind it.

use super::TransLog;
use crate::error::AppError;
use certguard_tlog::tile::{TileId, TileKind, tiles_for_size};
use std::path::Path;

/// What one mirror run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct MirrorReport {
    /// Entries in the mirrored tree.
    pub size: u64,
    /// Tiles and bundles written in this run.
    pub written: u64,
    /// Tiles and bundles already present (immutable: a path names one width of one tile).
    pub kept: u64,
}

/// Writes the log's current tree under `dir`: `tile/...` files first, then `vkey`, then `checkpoint` last,
/// each through a temporary file and a rename, so a reader never sees a checkpoint whose tiles are missing
/// or a half-written file. A tile path names its width, so a file once written never changes: a later run
/// writes only what is new. Without a checkpoint yet (an empty log) nothing is written.
pub async fn mirror(log: &TransLog, dir: &Path) -> Result<MirrorReport, AppError> {
    let Some((size, note)) = log.checkpoint().await? else { return Ok(MirrorReport::default()) };
    let mut report = MirrorReport { size, ..MirrorReport::default() };
    for tile in tiles_for_size(size) {
        let mut paths = vec![tile.path()];
        if tile.kind == TileKind::Hashes(0) {
            paths.push(TileId { kind: TileKind::Entries, ..tile }.path());
        }
        for path in paths {
            let file = dir.join(&path);
            if file.exists() {
                report.kept += 1;
                continue;
            }
            let bytes = log
                .tile(&path)
                .await?
                .ok_or_else(|| AppError::Internal(format!("the log's {path} is missing for size {size}")))?;
            write_atomically(&file, &bytes)?;
            report.written += 1;
        }
    }
    write_atomically(&dir.join("vkey"), format!("{}\n", log.verifier()).as_bytes())?;
    write_atomically(&dir.join("checkpoint"), note.as_bytes())?;
    Ok(report)
}

fn write_atomically(file: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let io = |e: std::io::Error| AppError::Internal(format!("writing {}: {e}", file.display()));
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let tmp = file.with_extension("tmp-mirror");
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, file).map_err(io)
}
