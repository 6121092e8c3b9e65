//! Reading an import file: sniffing its kind, CSV encodings, the byte, line, column and row limits, XLSX
//! parts measured before calamine inflates them, and the reader thread that turns the file into batches of
//! raw rows.

use super::{
    BATCH_ROWS, ImportError, MAX_COLUMNS, MAX_LINE_BYTES, MAX_ROWS, MAX_XLSX_PART_BYTES, MAX_XLSX_SHEET_BYTES,
};
use crate::dates::from_excel_serial;
use std::io::{BufReader, Read, Seek};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Csv,
    Xlsx,
}

/// Decides the file kind from its first bytes; refuses binary formats we do not read, naming them.
pub fn sniff(head: &[u8]) -> Result<FileKind, ImportError> {
    match head {
        [b'P', b'K', 3, 4, ..] => Ok(FileKind::Xlsx),
        [0xD0, 0xCF, 0x11, 0xE0, ..] => Err(ImportError::UnsupportedType("old Excel .xls: save as .xlsx")),
        [b'%', b'P', b'D', b'F', ..] => Err(ImportError::UnsupportedType("PDF")),
        [0x89, b'P', b'N', b'G', ..] | [0xFF, 0xD8, 0xFF, ..] => Err(ImportError::UnsupportedType("image")),
        _ if head.iter().take(4096).any(|&b| b == 0)
            && !head.starts_with(&[0xFF, 0xFE])
            && !head.starts_with(&[0xFE, 0xFF]) =>
        {
            Err(ImportError::UnsupportedType("binary"))
        }
        _ => Ok(FileKind::Csv),
    }
}

/// Text encoding of a CSV: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK).
fn csv_encoding(head: &[u8]) -> &'static encoding_rs::Encoding {
    if head.starts_with(&[0xFF, 0xFE]) {
        return encoding_rs::UTF_16LE;
    }
    if head.starts_with(&[0xFE, 0xFF]) {
        return encoding_rs::UTF_16BE;
    }
    // A multi-byte character may be cut at the end of the sample: judge only up to the last 3 bytes.
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() - e.valid_up_to() < 4,
    };
    if valid { encoding_rs::UTF_8 } else { encoding_rs::GB18030 }
}

pub(crate) type RawRow = (u64, Vec<String>);

pub(super) struct CountingReader<R> {
    pub(super) inner: R,
    pub(super) count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}
impl<R: Seek> Seek for CountingReader<R> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        self.inner.seek(pos)
    }
}

/// Parses the file on the calling (blocking) thread and sends batches of rows; stops if the receiver is gone.
pub(crate) fn produce_rows<R: Read + Seek>(
    mut input: R,
    tx: tokio::sync::mpsc::Sender<Result<Vec<RawRow>, ImportError>>,
) -> Result<(), ImportError> {
    let mut head = vec![0u8; 64 * 1024];
    let mut filled = 0;
    while filled < head.len() {
        let n = input.read(&mut head[filled..]).map_err(|e| ImportError::Read(e.to_string()))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    input.seek(std::io::SeekFrom::Start(0)).map_err(|e| ImportError::Read(e.to_string()))?;
    let send = |batch: Vec<RawRow>| tx.blocking_send(Ok(batch)).is_ok();
    match sniff(&head)? {
        FileKind::Csv => {
            let encoding = csv_encoding(&head);
            let decoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .bom_override(true)
                .build(input);
            let buffered = BufReader::with_capacity(256 * 1024, LineCap { inner: decoded, since_newline: 0, line: 1 });
            // Tab and comma are the same byte in every encoding we read: judge them on the raw first line.
            let delimiter = {
                let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
                let count = |c: u8| first_line.iter().filter(|&&b| b == c).count();
                if count(b'\t') > count(b',') { b'\t' } else { b',' }
            };
            let mut reader =
                csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(buffered);
            let mut batch = Vec::with_capacity(BATCH_ROWS);
            let mut record = csv::StringRecord::new();
            let mut row_no = 0u64;
            loop {
                match reader.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        row_no += 1;
                        if row_no > MAX_ROWS + 1 {
                            return Err(ImportError::Limit(format!("more than {MAX_ROWS} rows")));
                        }
                        if record.len() > MAX_COLUMNS {
                            let e =
                                format!("\u{0}{} columns, more than the {MAX_COLUMNS} an import reads", record.len());
                            batch.push((row_no, vec![e]));
                            continue;
                        }
                        batch.push((row_no, record.iter().map(str::to_string).collect()));
                        if batch.len() == BATCH_ROWS && !send(std::mem::take(&mut batch)) {
                            return Ok(());
                        }
                    }
                    Err(e) if e.is_io_error() => {
                        // The line cap or the file itself: the rest cannot be read.
                        return Err(ImportError::Limit(e.to_string()));
                    }
                    Err(e) => {
                        // A malformed line (e.g. invalid bytes) becomes that row's error; the stream goes on.
                        row_no += 1;
                        batch.push((row_no, vec![format!("\u{0}{e}")]));
                    }
                }
            }
            if !batch.is_empty() {
                send(batch);
            }
        }
        FileKind::Xlsx => {
            use calamine::{DataRef, Reader, Xlsx};
            let mut input = input;
            check_xlsx_parts(&mut input, MAX_XLSX_SHEET_BYTES, MAX_XLSX_PART_BYTES)?;
            input.seek(std::io::SeekFrom::Start(0)).map_err(|e| ImportError::Read(e.to_string()))?;
            let mut wb: Xlsx<_> = Xlsx::new(input).map_err(|e| ImportError::Read(format!("XLSX: {e}")))?;
            let sheet = wb.sheet_names().first().cloned().ok_or(ImportError::NoHeader)?;
            let mut cells = wb.worksheet_cells_reader(&sheet).map_err(|e| ImportError::Read(format!("XLSX: {e}")))?;
            let mut batch = Vec::with_capacity(BATCH_ROWS);
            let mut current: Option<(u32, Vec<String>)> = None;
            while let Some(cell) = cells.next_cell().map_err(|e| ImportError::Read(format!("XLSX: {e}")))? {
                let (r, c) = cell.get_position();
                if c as usize >= MAX_COLUMNS {
                    if matches!(cell.get_value(), DataRef::Empty) {
                        continue;
                    }
                    return Err(ImportError::Limit(format!(
                        "row {}: a cell in column {} (an import reads the first {MAX_COLUMNS} columns)",
                        r as u64 + 1,
                        c as u64 + 1
                    )));
                }
                if u64::from(r) > MAX_ROWS {
                    return Err(ImportError::Limit(format!("more than {MAX_ROWS} rows")));
                }
                let text = match cell.get_value() {
                    DataRef::Empty => String::new(),
                    DataRef::String(s) => s.clone(),
                    DataRef::SharedString(s) => s.to_string(),
                    DataRef::Int(i) => i.to_string(),
                    // Long digit strings typed as numbers lose nothing up to 15 digits; IDs must be text.
                    DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                    DataRef::Float(f) => f.to_string(),
                    DataRef::Bool(b) => b.to_string(),
                    DataRef::DateTime(d) => {
                        from_excel_serial(d.as_f64()).map(|d| d.to_string()).unwrap_or_else(|| d.as_f64().to_string())
                    }
                    DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
                    DataRef::Error(e) => format!("#{e:?}"),
                };
                if current.as_ref().is_some_and(|(row, _)| *row != r)
                    && let Some((row, cols)) = current.take()
                {
                    batch.push((row as u64 + 1, cols));
                    if batch.len() == BATCH_ROWS && !send(std::mem::take(&mut batch)) {
                        return Ok(());
                    }
                }
                let (_, cols) = current.get_or_insert_with(|| (r, Vec::new()));
                if cols.len() <= c as usize {
                    cols.resize(c as usize + 1, String::new());
                }
                cols[c as usize] = text;
            }
            if let Some((row, cols)) = current {
                batch.push((row as u64 + 1, cols));
            }
            if !batch.is_empty() {
                send(batch);
            }
        }
    }
    Ok(())
}

/// Fails a CSV line longer than [`MAX_LINE_BYTES`] before the CSV reader buffers it.
struct LineCap<R> {
    inner: R,
    since_newline: usize,
    line: u64,
}

impl<R: Read> Read for LineCap<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if b == b'\n' {
                self.since_newline = 0;
                self.line += 1;
            } else {
                self.since_newline += 1;
                if self.since_newline > MAX_LINE_BYTES {
                    return Err(std::io::Error::other(format!(
                        "line {} is longer than {} KiB",
                        self.line,
                        MAX_LINE_BYTES / 1024
                    )));
                }
            }
        }
        Ok(n)
    }
}

/// Inflates every part of an XLSX into a counter (no memory) and refuses the file if a part inflates past
/// its cap: the sizes a ZIP declares can lie, what comes out of the inflater cannot.
fn check_xlsx_parts<R: Read + Seek>(input: &mut R, sheet_cap: u64, part_cap: u64) -> Result<(), ImportError> {
    let mut zip = zip::ZipArchive::new(input).map_err(|e| ImportError::Read(format!("XLSX: {e}")))?;
    if zip.len() > 10_000 {
        return Err(ImportError::Limit(format!("{} parts in the XLSX", zip.len())));
    }
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| ImportError::Read(format!("XLSX: {e}")))?;
        let name = part.name().map(|n| n.chars().take(100).collect::<String>()).unwrap_or_default();
        let cap = if name.starts_with("xl/worksheets/") { sheet_cap } else { part_cap };
        let inflated = std::io::copy(&mut (&mut part).take(cap + 1), &mut std::io::sink())
            .map_err(|e| ImportError::Read(format!("XLSX part {name}: {e}")))?;
        if inflated > cap {
            let cap = if cap >= 1 << 20 { format!("{} MiB", cap >> 20) } else { format!("{} KiB", cap >> 10) };
            return Err(ImportError::Limit(format!("XLSX part {name} inflates to more than {cap}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xlsx_parts_are_measured_by_what_they_inflate_to() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        // ~1 MB of distinct shared strings that deflate well.
        for r in 0..20_000u32 {
            ws.write_string(r, 0, format!("{r:0>48}")).unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        assert!(check_xlsx_parts(&mut std::io::Cursor::new(&bytes), 1 << 30, 64 << 20).is_ok());
        match check_xlsx_parts(&mut std::io::Cursor::new(&bytes), 1 << 30, 256 * 1024) {
            Err(ImportError::Limit(why)) => assert!(why.contains("sharedStrings") && why.contains("256 KiB"), "{why}"),
            other => panic!("{other:?}"),
        }
        match check_xlsx_parts(&mut std::io::Cursor::new(&bytes), 256 * 1024, 64 << 20) {
            Err(ImportError::Limit(why)) => assert!(why.contains("worksheets/sheet1.xml"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
