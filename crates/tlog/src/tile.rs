//! Tiles (c2sp.org/tlog-tiles): the tree stored as tiles of 256 hashes, their paths, the tiles a tree of a
//! given size has, proofs over tiles, and appending entries to a tiled tree.
//!
//! A level-`L` tile holds the nodes at Merkle height `8L`: level 0 the leaf hashes, level 1 the roots of
//! full level-0 tiles, and so on. Tile `N` of level `L` holds nodes `256N .. 256N + width` of that height;
//! a tile is full at width 256 and never changes after that. A partial tile of width `W` is a prefix of the
//! later, wider versions of the same tile. Entry bundles (`tile/entries/N`) hold the entries of level-0 tile
//! `N`, each prefixed with its length as a big-endian u16.

use crate::hash::{Hash, empty_root, leaf_hash, root_of, split};
use crate::proof::{ProofError, Subtrees};
use std::cell::RefCell;
use std::collections::HashMap;

/// Hashes per full tile.
pub const TILE_WIDTH: u64 = 256;
/// Merkle levels per tile level.
pub const TILE_HEIGHT: u32 = 8;
/// The largest entry an entry bundle can carry.
pub const MAX_ENTRY_BYTES: usize = u16::MAX as usize;

/// What a tile path names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileKind {
    /// Hashes of the given tile level.
    Hashes(u8),
    /// An entry bundle.
    Entries,
}

/// A tile: its kind, index and width (1..=256; 256 is full).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    pub kind: TileKind,
    pub index: u64,
    pub width: u16,
}

impl TileId {
    pub fn is_full(&self) -> bool {
        u64::from(self.width) == TILE_WIDTH
    }

    /// The path below the log's prefix: `tile/L/x001/x234/067[.p/W]` or `tile/entries/...`.
    pub fn path(&self) -> String {
        let kind = match self.kind {
            TileKind::Hashes(level) => level.to_string(),
            TileKind::Entries => "entries".into(),
        };
        let mut path = format!("tile/{kind}/{}", index_path(self.index));
        if !self.is_full() {
            path.push_str(&format!(".p/{}", self.width));
        }
        path
    }

    /// Parses a path below the log's prefix, accepting only the canonical form.
    pub fn parse_path(path: &str) -> Option<Self> {
        let rest = path.strip_prefix("tile/")?;
        let (kind, rest) = rest.split_once('/')?;
        let kind = match kind {
            "entries" => TileKind::Entries,
            level => {
                let canonical = !level.is_empty() && level.len() <= 2 && (level == "0" || !level.starts_with('0'));
                let level: u8 = level.parse().ok().filter(|l| canonical && *l <= 63)?;
                TileKind::Hashes(level)
            }
        };
        let (index, width) = match rest.split_once(".p/") {
            Some((index, width)) => {
                let canonical = !width.starts_with('0') && width.len() <= 3;
                let width: u16 = width.parse().ok().filter(|w| canonical && (1..256).contains(w))?;
                (index, width)
            }
            None => (rest, TILE_WIDTH as u16),
        };
        let tile = Self { kind, index: parse_index_path(index)?, width };
        (tile.path() == path).then_some(tile)
    }
}

/// `N` in 3-digit groups, every group but the last prefixed with `x`: 1234067 -> `x001/x234/067`.
pub fn index_path(mut n: u64) -> String {
    let mut groups = vec![format!("{:03}", n % 1000)];
    n /= 1000;
    while n > 0 {
        groups.push(format!("x{:03}", n % 1000));
        n /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

fn parse_index_path(path: &str) -> Option<u64> {
    let groups: Vec<&str> = path.split('/').collect();
    let (last, init) = groups.split_last()?;
    let mut n: u64 = 0;
    for (i, group) in init.iter().map(|g| g.strip_prefix('x')).chain([Some(*last)]).enumerate() {
        let group = group.filter(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))?;
        if i == 0 && !init.is_empty() && group == "000" {
            return None;
        }
        n = n.checked_mul(1000)?.checked_add(group.parse::<u64>().ok()?)?;
    }
    Some(n)
}

/// How many nodes of tile level `level` a tree of `size` leaves has.
fn nodes_at(size: u64, level: u8) -> u64 {
    size.checked_shr(TILE_HEIGHT * u32::from(level)).unwrap_or(0)
}

/// The width of tile `index` of `level` in a tree of `size` leaves (0 if the tree does not reach it).
pub fn tile_width(size: u64, level: u8, index: u64) -> u16 {
    let nodes = nodes_at(size, level);
    nodes.saturating_sub(index.saturating_mul(TILE_WIDTH)).min(TILE_WIDTH) as u16
}

/// Every hash tile of a tree of `size` leaves, level by level (entry bundles mirror level 0).
pub fn tiles_for_size(size: u64) -> Vec<TileId> {
    let mut tiles = Vec::new();
    for level in 0u8.. {
        let nodes = nodes_at(size, level);
        if nodes == 0 {
            break;
        }
        let kind = TileKind::Hashes(level);
        tiles.extend((0..nodes / TILE_WIDTH).map(|index| TileId { kind, index, width: TILE_WIDTH as u16 }));
        if !nodes.is_multiple_of(TILE_WIDTH) {
            tiles.push(TileId { kind, index: nodes / TILE_WIDTH, width: (nodes % TILE_WIDTH) as u16 });
        }
    }
    tiles
}

/// Encodes an entry bundle. Entries must be at most [`MAX_ENTRY_BYTES`].
pub fn encode_bundle<E: AsRef<[u8]>>(entries: &[E]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.iter().map(|e| e.as_ref().len() + 2).sum());
    for e in entries {
        let e = e.as_ref();
        let len = u16::try_from(e.len()).expect("entries are checked against MAX_ENTRY_BYTES before bundling");
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    out
}

/// Decodes an entry bundle of exactly `width` entries.
pub fn decode_bundle(bytes: &[u8], width: u16) -> Result<Vec<Vec<u8>>, ProofError> {
    let bad = |why: &str| ProofError::Source(format!("entry bundle: {why}"));
    let mut entries = Vec::with_capacity(usize::from(width));
    let mut rest = bytes;
    while !rest.is_empty() {
        if entries.len() == usize::from(width) {
            return Err(bad("more entries than its width"));
        }
        let [hi, lo, tail @ ..] = rest else { return Err(bad("truncated length")) };
        let len = usize::from(u16::from_be_bytes([*hi, *lo]));
        if tail.len() < len {
            return Err(bad("truncated entry"));
        }
        entries.push(tail[..len].to_vec());
        rest = &tail[len..];
    }
    if entries.len() != usize::from(width) {
        return Err(bad("fewer entries than its width"));
    }
    Ok(entries)
}

/// Splits a hash tile's bytes into hashes, checking its length against the width.
pub fn decode_hash_tile(bytes: &[u8], width: u16) -> Result<Vec<Hash>, ProofError> {
    if bytes.len() != usize::from(width) * 32 {
        return Err(ProofError::Source(format!("a tile of width {width} has {} bytes", bytes.len())));
    }
    Ok(bytes.chunks_exact(32).map(|c| c.try_into().expect("32 bytes")).collect())
}

pub fn encode_hash_tile(hashes: &[Hash]) -> Vec<u8> {
    hashes.concat()
}

/// Where tiles come from: a store, a directory, HTTP. `read_tile` returns exactly `width` hashes.
pub trait TileReader {
    fn read_tile(&self, level: u8, index: u64, width: u16) -> Result<Vec<Hash>, ProofError>;
}

impl<F: Fn(u8, u64, u16) -> Result<Vec<Hash>, ProofError>> TileReader for F {
    fn read_tile(&self, level: u8, index: u64, width: u16) -> Result<Vec<Hash>, ProofError> {
        self(level, index, width)
    }
}

/// A tree of `size` leaves read through tiles, as a [`Subtrees`] source for proofs and roots. Tiles read are
/// kept for the life of the value (a proof reads at most a few per level).
pub struct TiledTree<R> {
    reader: R,
    size: u64,
    cache: RefCell<HashMap<(u8, u64), Vec<Hash>>>,
}

impl<R: TileReader> TiledTree<R> {
    pub fn new(reader: R, size: u64) -> Self {
        Self { reader, size, cache: RefCell::new(HashMap::new()) }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// The root hash of the tree.
    pub fn root(&self) -> Result<Hash, ProofError> {
        if self.size == 0 { Ok(empty_root()) } else { self.subtree(0, self.size) }
    }

    /// The hash of leaf `index`.
    pub fn leaf(&self, index: u64) -> Result<Hash, ProofError> {
        if index >= self.size {
            return Err(ProofError::IndexOutOfRange { index, size: self.size });
        }
        self.subtree(index, index + 1)
    }

    /// `count` nodes of tile level `level` starting at node `first`, all inside one tile.
    fn nodes(&self, level: u8, first: u64, count: u64) -> Result<Hash, ProofError> {
        let index = first / TILE_WIDTH;
        let width = tile_width(self.size, level, index);
        let offset = (first % TILE_WIDTH) as usize;
        let mut cache = self.cache.borrow_mut();
        let tile = match cache.entry((level, index)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let hashes = self.reader.read_tile(level, index, width)?;
                if hashes.len() != usize::from(width) {
                    return Err(ProofError::Source(format!("tile {level}/{index} has the wrong width")));
                }
                v.insert(hashes)
            }
        };
        let slice = tile
            .get(offset..offset + count as usize)
            .ok_or_else(|| ProofError::Source(format!("tile {level}/{index} is too narrow")))?;
        Ok(root_of(slice))
    }
}

impl<R: TileReader> Subtrees for TiledTree<R> {
    fn subtree(&self, start: u64, end: u64) -> Result<Hash, ProofError> {
        if start >= end || end > self.size {
            return Err(ProofError::Source(format!("no subtree {start}..{end} in a tree of {}", self.size)));
        }
        let len = end - start;
        if len.is_power_of_two() && start.is_multiple_of(len) {
            // A perfect subtree of height h: 2^(h mod 8) nodes of tile level h / 8, in one tile.
            let height = len.trailing_zeros();
            let level = (height / TILE_HEIGHT) as u8;
            let shift = TILE_HEIGHT * u32::from(level);
            return self.nodes(level, start >> shift, 1 << (height - shift));
        }
        let k = split(len);
        Ok(crate::hash::node_hash(&self.subtree(start, start + k)?, &self.subtree(start + k, end)?))
    }
}

/// The tiles an append changed, with their new contents, and the new tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendResult {
    pub size: u64,
    pub root: Hash,
    /// Hash tiles at their new widths (full ones are final).
    pub tiles: Vec<(TileId, Vec<Hash>)>,
    /// Entry bundles at their new widths.
    pub bundles: Vec<(TileId, Vec<u8>)>,
}

/// Appends entries to a tiled tree: holds the right edge (the partial tile of every level and the partial
/// entry bundle) and reports each tile whose contents changed.
#[derive(Debug, Clone)]
pub struct Appender {
    size: u64,
    /// Per tile level, the nodes of its rightmost partial tile.
    edge: Vec<Vec<Hash>>,
    bundle: Vec<Vec<u8>>,
    touched: Vec<TileId>,
    full: Vec<(TileId, Vec<Hash>)>,
    full_bundles: Vec<(TileId, Vec<u8>)>,
}

impl Appender {
    /// Starts from a tree of `size` leaves, reading its partial tiles and partial bundle.
    pub fn resume(
        size: u64,
        tiles: &impl TileReader,
        partial_bundle: impl FnOnce(u64, u16) -> Result<Vec<Vec<u8>>, ProofError>,
    ) -> Result<Self, ProofError> {
        let mut edge = Vec::new();
        for level in 0u8..8 {
            let nodes = nodes_at(size, level);
            let width = (nodes % TILE_WIDTH) as u16;
            edge.push(if width > 0 { tiles.read_tile(level, nodes / TILE_WIDTH, width)? } else { Vec::new() });
        }
        let width = (size % TILE_WIDTH) as u16;
        let bundle = if width > 0 { partial_bundle(size / TILE_WIDTH, width)? } else { Vec::new() };
        if bundle.len() != usize::from(width) {
            return Err(ProofError::Source("the partial entry bundle has the wrong width".into()));
        }
        Ok(Self { size, edge, bundle, touched: Vec::new(), full: Vec::new(), full_bundles: Vec::new() })
    }

    /// An empty tree.
    pub fn empty() -> Self {
        Self {
            size: 0,
            edge: vec![Vec::new(); 8],
            bundle: Vec::new(),
            touched: Vec::new(),
            full: Vec::new(),
            full_bundles: Vec::new(),
        }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends one entry (at most [`MAX_ENTRY_BYTES`]) and returns its index.
    pub fn push(&mut self, entry: &[u8]) -> Result<u64, ProofError> {
        if entry.len() > MAX_ENTRY_BYTES {
            return Err(ProofError::Source(format!("an entry of {} bytes exceeds {MAX_ENTRY_BYTES}", entry.len())));
        }
        let index = self.size;
        self.bundle.push(entry.to_vec());
        if self.bundle.len() as u64 == TILE_WIDTH {
            let id = TileId { kind: TileKind::Entries, index: index / TILE_WIDTH, width: TILE_WIDTH as u16 };
            self.full_bundles.push((id, encode_bundle(&std::mem::take(&mut self.bundle))));
        }
        let mut node = leaf_hash(entry);
        let mut level = 0u8;
        loop {
            let lv = usize::from(level);
            if lv == self.edge.len() {
                self.edge.push(Vec::new());
            }
            self.edge[lv].push(node);
            let index_in_level = nodes_at(index + 1, level) - 1;
            let tile_index = index_in_level / TILE_WIDTH;
            if self.edge[lv].len() as u64 == TILE_WIDTH {
                let hashes = std::mem::take(&mut self.edge[lv]);
                node = root_of(&hashes);
                let id = TileId { kind: TileKind::Hashes(level), index: tile_index, width: TILE_WIDTH as u16 };
                self.full.push((id, hashes));
                level += 1;
            } else {
                self.touch(TileKind::Hashes(level), tile_index);
                break;
            }
        }
        self.touch(TileKind::Entries, index / TILE_WIDTH);
        self.size += 1;
        Ok(index)
    }

    fn touch(&mut self, kind: TileKind, index: u64) {
        if !self.touched.iter().any(|t| t.kind == kind && t.index == index) {
            self.touched.push(TileId { kind, index, width: 0 });
        }
    }

    /// The tiles changed since the last call, and the root of the tree now.
    pub fn take_changes(&mut self) -> AppendResult {
        let mut tiles = std::mem::take(&mut self.full);
        let mut bundles = std::mem::take(&mut self.full_bundles);
        for t in std::mem::take(&mut self.touched) {
            match t.kind {
                TileKind::Hashes(level) => {
                    let edge = &self.edge[usize::from(level)];
                    let nodes = nodes_at(self.size, level);
                    if !edge.is_empty() && nodes / TILE_WIDTH == t.index {
                        tiles.push((TileId { width: edge.len() as u16, ..t }, edge.clone()));
                    }
                }
                TileKind::Entries => {
                    if !self.bundle.is_empty() && self.size / TILE_WIDTH == t.index {
                        bundles.push((TileId { width: self.bundle.len() as u16, ..t }, encode_bundle(&self.bundle)));
                    }
                }
            }
        }
        AppendResult { size: self.size, root: self.root(), tiles, bundles }
    }

    /// The root of the tree now: every perfect subtree of the size's binary decomposition lies in the
    /// rightmost partial tile of its level.
    pub fn root(&self) -> Hash {
        let edge = &self.edge;
        let size = self.size;
        let reader = |level: u8, index: u64, width: u16| -> Result<Vec<Hash>, ProofError> {
            let nodes = nodes_at(size, level);
            match edge.get(usize::from(level)) {
                Some(e) if nodes / TILE_WIDTH == index && e.len() == usize::from(width) => Ok(e.clone()),
                _ => Err(ProofError::Source(format!("tile {level}/{index} is not on the edge"))),
            }
        };
        TiledTree::new(reader, size).root().expect("the root needs only edge tiles")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_paths_follow_the_spec() {
        for (n, path) in [(0, "000"), (7, "007"), (999, "999"), (1000, "x001/000"), (1_234_067, "x001/x234/067")] {
            assert_eq!(index_path(n), path);
            assert_eq!(parse_index_path(path), Some(n));
        }
        for bad in ["", "7", "0007", "x000/001", "001/002", "x01/002", "x001/x002", "abc"] {
            assert_eq!(parse_index_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn tile_paths_round_trip_and_refuse_non_canonical_forms() {
        let cases = [
            (TileId { kind: TileKind::Hashes(0), index: 1_234_067, width: 256 }, "tile/0/x001/x234/067"),
            (TileId { kind: TileKind::Hashes(1), index: 1, width: 17 }, "tile/1/001.p/17"),
            (TileId { kind: TileKind::Entries, index: 7, width: 5 }, "tile/entries/007.p/5"),
        ];
        for (tile, path) in cases {
            assert_eq!(tile.path(), path);
            assert_eq!(TileId::parse_path(path), Some(tile));
        }
        for bad in [
            "tile/0/001.p/256",
            "tile/0/001.p/0",
            "tile/0/001.p/017",
            "tile/00/001",
            "tile/64/001",
            "tile/0/1",
            "tile/x/001",
            "tile/0/../001",
            "tiles/0/001",
        ] {
            assert_eq!(TileId::parse_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_worked_example_of_seventy_thousand_entries() {
        // c2sp.org/tlog-tiles: 273 full level-0 tiles and one of width 112, one full level-1 tile and one of
        // width 17, one level-2 tile of width 1.
        let tiles = tiles_for_size(70_000);
        let count = |level: u8, full: bool| {
            tiles.iter().filter(|t| t.kind == TileKind::Hashes(level) && t.is_full() == full).count()
        };
        assert_eq!((count(0, true), count(1, true), count(2, true)), (273, 1, 0));
        let partial: Vec<_> = tiles.iter().filter(|t| !t.is_full()).map(|t| (t.kind, t.index, t.width)).collect();
        assert_eq!(
            partial,
            vec![(TileKind::Hashes(0), 273, 112), (TileKind::Hashes(1), 1, 17), (TileKind::Hashes(2), 0, 1)]
        );
    }

    #[test]
    fn bundles_round_trip_and_refuse_bad_lengths() {
        let entries = vec![b"a".to_vec(), Vec::new(), vec![7; 300]];
        let bytes = encode_bundle(&entries);
        assert_eq!(decode_bundle(&bytes, 3).unwrap(), entries);
        assert!(decode_bundle(&bytes, 2).is_err());
        assert!(decode_bundle(&bytes, 4).is_err());
        assert!(decode_bundle(&bytes[..bytes.len() - 1], 3).is_err());
        assert!(decode_bundle(&[0], 1).is_err());
    }
}
