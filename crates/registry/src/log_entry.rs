//! The registry's transparency-log entry: one per registry event, canonical, versioned, and free of personal
//! data (no name, no ID number and nothing computed from either: PIPL, and a hash of an ID number is
//! brute-forced in seconds).
//!
//! Version 1, all integers big-endian, 80 to 144 bytes:
//!
//! | bytes | field |
//! |---|---|
//! | 1 | version = 1 |
//! | 1 | event kind ([`LogEventKind`]) |
//! | 8 | time of the event, Unix seconds (signed) |
//! | 16 | certificate serial (the credential's `cti`); for key events the first 16 bytes of SHA-256(key id) |
//! | 1 + n | issuing authority code, length-prefixed ASCII (n <= 64) |
//! | 1 (+ 32) | 0, or 1 followed by SHA-256 of the signed credential's text (`AQ1:...`); for key events of the public key |
//! | 8 | index of the previous entry for the same certificate, or 2^64 - 1 for none |
//!
//! Decoding is strict: any other version, kind, length or trailing byte is an error.

use crate::Serial;
use crate::lifecycle::Event;

/// What a log entry records; the numbers are part of the format and never change meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LogEventKind {
    Issued = 1,
    Imported = 2,
    Reviewed = 3,
    ReviewIntervalExtended = 4,
    Renewed = 5,
    Suspended = 6,
    Reinstated = 7,
    Revoked = 8,
    Cancelled = 9,
    Corrected = 10,
    CredentialSigned = 11,
    /// A signing key entered the trust list. The entry's `serial` is the first 16 bytes of SHA-256 of the
    /// key id, its `credential_sha256` the SHA-256 of the public key, its `authority` the key's authority.
    KeyAdded = 12,
    /// A signing key left the trust list (same fields as [`LogEventKind::KeyAdded`]).
    KeyRemoved = 13,
    /// An employer's roster verification receipt: `serial` is the receipt's id, `credential_sha256` the SHA-256
    /// of the receipt's signed text, `authority` "-". Nothing about the workers.
    RosterReceipt = 14,
}

impl LogEventKind {
    const ALL: [LogEventKind; 14] = [
        Self::Issued,
        Self::Imported,
        Self::Reviewed,
        Self::ReviewIntervalExtended,
        Self::Renewed,
        Self::Suspended,
        Self::Reinstated,
        Self::Revoked,
        Self::Cancelled,
        Self::Corrected,
        Self::CredentialSigned,
        Self::KeyAdded,
        Self::KeyRemoved,
        Self::RosterReceipt,
    ];

    pub fn of(event: &Event) -> Self {
        match event {
            Event::Issued => Self::Issued,
            Event::Imported => Self::Imported,
            Event::Reviewed { .. } => Self::Reviewed,
            Event::ReviewIntervalExtended => Self::ReviewIntervalExtended,
            Event::Renewed { .. } => Self::Renewed,
            Event::Suspended { .. } => Self::Suspended,
            Event::Reinstated => Self::Reinstated,
            Event::Revoked { .. } => Self::Revoked,
            Event::Cancelled { .. } => Self::Cancelled,
            Event::Corrected { .. } => Self::Corrected,
            Event::CredentialSigned { .. } => Self::CredentialSigned,
        }
    }

    /// The same code as [`Event::code`].
    pub fn code(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Imported => "imported",
            Self::Reviewed => "reviewed",
            Self::ReviewIntervalExtended => "review_interval_extended",
            Self::Renewed => "renewed",
            Self::Suspended => "suspended",
            Self::Reinstated => "reinstated",
            Self::Revoked => "revoked",
            Self::Cancelled => "cancelled",
            Self::Corrected => "corrected",
            Self::CredentialSigned => "credential_signed",
            Self::KeyAdded => "key_added",
            Self::KeyRemoved => "key_removed",
            Self::RosterReceipt => "roster_receipt",
        }
    }

    /// Whether the event is about a trust-list key rather than a certificate.
    pub fn is_key_event(self) -> bool {
        matches!(self, Self::KeyAdded | Self::KeyRemoved)
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    fn from_byte(b: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|k| *k as u8 == b)
    }
}

/// One entry of the registry's log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    pub kind: LogEventKind,
    pub at_unix: i64,
    pub serial: Serial,
    pub authority: String,
    /// SHA-256 of the credential text signed with this event, if the registry signed one.
    pub credential_sha256: Option<[u8; 32]>,
    /// The index of the previous entry for the same certificate.
    pub previous: Option<u64>,
}

pub const LOG_ENTRY_VERSION: u8 = 1;
const MAX_AUTHORITY_BYTES: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("log entry: {0}")]
pub struct LogEntryError(pub &'static str);

impl LogEntry {
    pub fn encode(&self) -> Vec<u8> {
        let authority = self.authority.as_bytes();
        assert!(authority.len() <= MAX_AUTHORITY_BYTES && authority.is_ascii(), "authority codes are short ASCII");
        let mut out = Vec::with_capacity(80 + authority.len() + 32);
        out.push(LOG_ENTRY_VERSION);
        out.push(self.kind as u8);
        out.extend_from_slice(&self.at_unix.to_be_bytes());
        out.extend_from_slice(&self.serial.0);
        out.push(authority.len() as u8);
        out.extend_from_slice(authority);
        match &self.credential_sha256 {
            Some(h) => {
                out.push(1);
                out.extend_from_slice(h);
            }
            None => out.push(0),
        }
        out.extend_from_slice(&self.previous.unwrap_or(u64::MAX).to_be_bytes());
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, LogEntryError> {
        let mut r = Reader(bytes);
        if r.take(1)?[0] != LOG_ENTRY_VERSION {
            return Err(LogEntryError("unknown version"));
        }
        let kind = LogEventKind::from_byte(r.take(1)?[0]).ok_or(LogEntryError("unknown event kind"))?;
        let at_unix = i64::from_be_bytes(r.take(8)?.try_into().expect("8"));
        let serial = Serial(r.take(16)?.try_into().expect("16"));
        let len = usize::from(r.take(1)?[0]);
        if len == 0 || len > MAX_AUTHORITY_BYTES {
            return Err(LogEntryError("authority length"));
        }
        let authority = r.take(len)?;
        if !authority.iter().all(|b| b.is_ascii_graphic()) {
            return Err(LogEntryError("authority is not printable ASCII"));
        }
        let authority = String::from_utf8(authority.to_vec()).expect("ASCII");
        let credential_sha256 = match r.take(1)?[0] {
            0 => None,
            1 => Some(r.take(32)?.try_into().expect("32")),
            _ => return Err(LogEntryError("credential flag")),
        };
        let previous = match u64::from_be_bytes(r.take(8)?.try_into().expect("8")) {
            u64::MAX => None,
            i => Some(i),
        };
        if !r.0.is_empty() {
            return Err(LogEntryError("trailing bytes"));
        }
        Ok(Self { kind, at_unix, serial, authority, credential_sha256, previous })
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LogEntryError> {
        if self.0.len() < n {
            return Err(LogEntryError("truncated"));
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> LogEntry {
        LogEntry {
            kind: LogEventKind::Revoked,
            at_unix: 1_790_000_000,
            serial: Serial([7; 16]),
            authority: "JS-SZ".into(),
            credential_sha256: Some([9; 32]),
            previous: Some(41),
        }
    }

    #[test]
    fn round_trips_and_is_canonical() {
        let e = entry();
        let bytes = e.encode();
        assert_eq!(bytes.len(), 1 + 1 + 8 + 16 + 1 + 5 + 1 + 32 + 8);
        assert_eq!(LogEntry::decode(&bytes).unwrap(), e);
        let none = LogEntry { credential_sha256: None, previous: None, ..e };
        assert_eq!(LogEntry::decode(&none.encode()).unwrap(), none);
        for kind in LogEventKind::ALL {
            assert_eq!(LogEventKind::from_code(kind.code()), Some(kind));
        }
    }

    proptest::proptest! {
        #[test]
        fn decoding_arbitrary_bytes_never_panics_and_what_decodes_re_encodes_the_same(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)
        ) {
            if let Ok(e) = LogEntry::decode(&bytes) {
                proptest::prop_assert_eq!(e.encode(), bytes);
            }
        }
    }

    #[test]
    fn refuses_every_other_byte_string() {
        let bytes = entry().encode();
        for cut in 0..bytes.len() {
            assert!(LogEntry::decode(&bytes[..cut]).is_err(), "truncated at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(LogEntry::decode(&longer).is_err());
        for (at, value) in [(0, 2), (1, 0), (1, 99), (26, 0), (32, 2)] {
            let mut b = bytes.clone();
            b[at] = value;
            assert!(LogEntry::decode(&b).is_err(), "byte {at} = {value}");
        }
    }
}
