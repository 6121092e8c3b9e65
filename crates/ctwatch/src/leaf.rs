//! Data tiles of the static-ct-api: a sequence of `TileLeaf`s, each a RFC 6962 `TimestampedEntry` (an X.509
//! certificate or a precertificate's TBSCertificate), the precertificate as submitted, and the fingerprints of
//! the issuers. Each entry's Merkle leaf is `0x00 0x00 || TimestampedEntry` (version v1, timestamped_entry).

use crate::CtError;
use certguard_tlog::hash::{Hash, leaf_hash};

/// Largest data tile accepted (256 entries of large certificates); a bigger answer is refused unread.
pub const MAX_TILE_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryType {
    X509,
    Precert,
}

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CtEntry {
    pub index: u64,
    /// Milliseconds since the epoch, as the log stamped it.
    pub timestamp: u64,
    pub entry_type: EntryType,
    /// The certificate (X.509 entry) or the TBSCertificate (precertificate entry), DER.
    pub der: Vec<u8>,
    /// The RFC 6962 leaf hash: what the log's tree is built from.
    pub leaf_hash: Hash,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or_else(|| format!("{what} runs past the end"))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn uint(&mut self, n: usize, what: &str) -> Result<u64, String> {
        Ok(self.take(n, what)?.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// A vector with an `n`-byte length prefix.
    fn vector(&mut self, n: usize, what: &str) -> Result<&'a [u8], String> {
        let len = self.uint(n, what)? as usize;
        self.take(len, what)
    }
}

/// Reads one `TileLeaf` at the reader's position.
fn read_leaf(r: &mut Reader<'_>, index: u64) -> Result<CtEntry, String> {
    let start = r.at;
    let timestamp = r.uint(8, "timestamp")?;
    let entry_type = match r.uint(2, "entry type")? {
        0 => EntryType::X509,
        1 => EntryType::Precert,
        t => return Err(format!("unknown entry type {t}")),
    };
    let der = match entry_type {
        EntryType::X509 => r.vector(3, "certificate")?,
        EntryType::Precert => {
            r.take(32, "issuer key hash")?;
            r.vector(3, "TBSCertificate")?
        }
    };
    if der.is_empty() {
        return Err("empty certificate".into());
    }
    r.vector(2, "extensions")?;
    let timestamped_entry = &r.bytes[start..r.at];
    if entry_type == EntryType::Precert {
        r.vector(3, "pre_certificate")?;
    }
    let chain = r.vector(2, "certificate chain")?;
    if chain.len() % 32 != 0 {
        return Err("certificate chain is not a list of 32-byte fingerprints".into());
    }
    let mut merkle_leaf = Vec::with_capacity(timestamped_entry.len() + 2);
    merkle_leaf.extend_from_slice(&[0, 0]);
    merkle_leaf.extend_from_slice(timestamped_entry);
    Ok(CtEntry { index, timestamp, entry_type, der: der.to_vec(), leaf_hash: leaf_hash(&merkle_leaf) })
}

/// Parses a data tile whose first entry is `first_index` and which must hold exactly `width` entries.
/// A malformed tile is refused whole: its hashes could not be checked against the tree anyway.
pub fn parse_tile(bytes: &[u8], first_index: u64, width: u16) -> Result<Vec<CtEntry>, CtError> {
    if bytes.len() > MAX_TILE_BYTES {
        return Err(CtError::Tile(format!("{} bytes, more than {MAX_TILE_BYTES}", bytes.len())));
    }
    let mut r = Reader { bytes, at: 0 };
    let mut entries = Vec::with_capacity(usize::from(width));
    for i in 0..u64::from(width) {
        let index = first_index + i;
        entries.push(read_leaf(&mut r, index).map_err(|reason| CtError::Entry { index, reason })?);
    }
    if r.at != bytes.len() {
        return Err(CtError::Tile(format!(
            "{} bytes after the {width} entries the tile should hold",
            bytes.len() - r.at
        )));
    }
    Ok(entries)
}

/// Writes one `TileLeaf` (for test logs and benchmarks): an X.509 entry of `der`, or a precertificate entry
/// whose TBSCertificate is `der` and whose submitted precertificate is `precert`.
pub fn encode_leaf(timestamp: u64, der: &[u8], precert: Option<&[u8]>, issuers: &[Hash]) -> Vec<u8> {
    let u24 = |n: usize| [(n >> 16) as u8, (n >> 8) as u8, n as u8];
    let mut out = timestamp.to_be_bytes().to_vec();
    match precert {
        None => {
            out.extend_from_slice(&[0, 0]);
            out.extend_from_slice(&u24(der.len()));
            out.extend_from_slice(der);
        }
        Some(_) => {
            out.extend_from_slice(&[0, 1]);
            out.extend_from_slice(&[7u8; 32]);
            out.extend_from_slice(&u24(der.len()));
            out.extend_from_slice(der);
        }
    }
    out.extend_from_slice(&[0, 0]); // no extensions
    if let Some(p) = precert {
        out.extend_from_slice(&u24(p.len()));
        out.extend_from_slice(p);
    }
    out.extend_from_slice(&((issuers.len() * 32) as u16).to_be_bytes());
    for i in issuers {
        out.extend_from_slice(i);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_what_it_writes_and_hashes_the_timestamped_entry() {
        let a = encode_leaf(1, b"cert-a", None, &[[1; 32]]);
        let b = encode_leaf(2, b"tbs-b", Some(b"precert-b"), &[]);
        let tile = [a.clone(), b].concat();
        let entries = parse_tile(&tile, 256, 2).unwrap();
        assert_eq!(entries[0].der, b"cert-a");
        assert_eq!(
            (entries[1].index, entries[1].entry_type, entries[1].der.as_slice()),
            (257, EntryType::Precert, &b"tbs-b"[..])
        );
        // The leaf covers the TimestampedEntry only, not the chain after it.
        let ts_entry_len = 8 + 2 + 3 + 6 + 2;
        let mut leaf = vec![0, 0];
        leaf.extend_from_slice(&a[..ts_entry_len]);
        assert_eq!(entries[0].leaf_hash, leaf_hash(&leaf));
        // Wrong widths and truncations are refused.
        assert!(matches!(parse_tile(&tile, 0, 3), Err(CtError::Entry { index: 2, .. })));
        assert!(matches!(parse_tile(&tile, 0, 1), Err(CtError::Tile(_))));
        assert!(parse_tile(&tile[..tile.len() - 1], 0, 2).is_err());
    }

    proptest! {
        #[test]
        fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400), width in 0u16..5) {
            let _ = parse_tile(&bytes, 0, width);
        }
    }
}
