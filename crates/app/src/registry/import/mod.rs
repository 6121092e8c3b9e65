//! CSV and XLSX import of certificate records, as authorities keep them (Chinese headers, or English aliases).
//!
//! Streaming: a reader thread parses the file into batches of rows and hands them over a bounded channel, so
//! memory stays flat however long the file is, and parsing overlaps with database writes. Each batch is
//! stored in one transaction; each row is either stored, recognised as already stored (re-importing a file
//! changes nothing), or reported with its row, column, value and reason. Nothing is half-stored.//!
//! The module is split by stage: `read` (file kinds, encodings, limits, the reader thread), `rows` (columns,
//! layout, one row parsed), `batches` (grants, rules, signing and storing each batch) and `report`.

mod batches;
mod read;
mod report;
mod rows;

pub use batches::import;
pub use read::{FileKind, sniff};
pub(crate) use read::{RawRow, produce_rows};
pub use report::ErrorReport;
pub use rows::Column;

use serde::Serialize;

/// Rows per transaction.
pub const BATCH_ROWS: usize = 1000;
/// Uploads and files larger than this are refused before parsing.
pub const MAX_IMPORT_BYTES: u64 = 512 * 1024 * 1024;
/// Columns a row may use: far more than the 16 we read, far fewer than a crafted cell reference (XFD = 16,384)
/// would make us allocate.
pub const MAX_COLUMNS: usize = 256;
/// Data rows a file may hold.
pub const MAX_ROWS: u64 = 10_000_000;
/// Bytes one CSV line may take (decoded), so that a file without line breaks is not read into one record.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// Inflated bytes of one XLSX worksheet (streamed while reading).
pub const MAX_XLSX_SHEET_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Inflated bytes of any other XLSX part (shared strings, styles: held in memory while reading).
pub const MAX_XLSX_PART_BYTES: u64 = 256 * 1024 * 1024;

/// One problem in one row: which row (as the spreadsheet numbers it, header = 1), which column, what
/// value (ID numbers masked), and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub rows: u64,
    pub inserted: u64,
    pub unchanged: u64,
    pub rejected: u64,
}

/// A problem with the file as a whole: nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("unsupported file type ({0}): upload a CSV (UTF-8 or GBK) or an XLSX file")]
    UnsupportedType(&'static str),
    #[error("file is larger than {} MiB", MAX_IMPORT_BYTES / 1024 / 1024)]
    TooLarge,
    #[error("the file has no header row")]
    NoHeader,
    #[error("missing column {zh} ({en})")]
    MissingColumn { zh: &'static str, en: &'static str },
    #[error("column {0} appears twice")]
    DuplicateColumn(String),
    #[error("cannot read the file: {0}")]
    Read(String),
    #[error("the file is beyond what an import takes: {0}")]
    Limit(String),
    #[error("storage failed: {0}")]
    Store(String),
    #[error("signing failed: {0}")]
    Signing(String),
}

/// Progress as rows and input bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    pub rows: u64,
    pub bytes: u64,
}
