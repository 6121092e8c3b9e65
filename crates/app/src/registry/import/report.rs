//! The error report of an import, as a CSV a clerk opens in Excel.

use super::RowError;

/// Writes row errors as CSV (UTF-8 with BOM so that Excel shows the Chinese), with a header row.
pub struct ErrorReport<W: std::io::Write> {
    writer: csv::Writer<W>,
    pub count: u64,
}

impl<W: std::io::Write> ErrorReport<W> {
    pub fn new(mut out: W) -> std::io::Result<Self> {
        out.write_all("\u{feff}".as_bytes())?;
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record(["行号 row", "列 column", "值 value", "原因 reason"])?;
        Ok(ErrorReport { writer, count: 0 })
    }
    pub fn add(&mut self, e: &RowError) {
        self.count += 1;
        let safe = crate::export::spreadsheet_safe;
        let _ = self.writer.write_record([
            e.row.to_string(),
            safe(e.column.clone()),
            safe(e.value.clone()),
            safe(e.reason.clone()),
        ]);
    }
    pub fn finish(mut self) -> std::io::Result<W> {
        self.writer.flush()?;
        self.writer.into_inner().map_err(|e| std::io::Error::other(e.to_string()))
    }
}
