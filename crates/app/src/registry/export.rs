//! CSV and XLSX export of the registry, streamed by cursor. ID numbers are masked unless the caller asks for
//! them and holds a full registry reader; either way the export is audited.

use super::import::Column;
use crate::error::AppError;
use crate::registry::Registry;
use certguard_access::RegistryReader;
use certguard_registry::{Certificate, Scope};
use certguard_store::AuditRecord;
use certguard_types::AuthorityCode;
use std::io::{Seek, Write};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

#[derive(Clone, Debug)]
pub struct ExportOptions {
    pub format: ExportFormat,
    pub authority: Option<AuthorityCode>,
    /// Unmasked ID and certificate numbers (for a backup or a transfer between registries).
    pub full_id: bool,
    /// English headers instead of Chinese.
    pub english_headers: bool,
}

const COLUMNS: [Column; 15] = [
    Column::Name,
    Column::Sex,
    Column::IdKind,
    Column::IdNumber,
    Column::Number,
    Column::Category,
    Column::Item,
    Column::PersonnelType,
    Column::Industry,
    Column::FirstIssued,
    Column::ValidFrom,
    Column::ValidUntil,
    Column::ReviewDue,
    Column::LastReview,
    Column::Authority,
];
const STATUS_HEADER: (&str, &str) = ("状态", "status");

fn row(registry: &Registry, c: &Certificate, full_id: bool, today: chrono::NaiveDate) -> Vec<String> {
    let cat = registry.catalogue();
    let (category, item, personnel, industry) = match &c.scope {
        Scope::SpecialOperation { category, item } => (
            cat.category(category).map_or(category.clone(), |x| x.zh.clone()),
            cat.item(item).map_or(item.clone(), |(_, x)| x.zh.clone()),
            String::new(),
            String::new(),
        ),
        Scope::Management { personnel_type, industry } => (
            String::new(),
            String::new(),
            cat.personnel_type(personnel_type).map_or(personnel_type.clone(), |x| x.zh.clone()),
            cat.industry(industry).map_or(industry.clone(), |x| x.zh.clone()),
        ),
    };
    let d = |x: Option<chrono::NaiveDate>| x.map(|d| d.to_string()).unwrap_or_default();
    let mut out: Vec<String> = COLUMNS
        .iter()
        .map(|col| match col {
            Column::Name => c.holder.name.to_string(),
            Column::Sex => c.holder.sex.zh().to_string(),
            Column::IdKind => c.holder.identity.kind().zh().to_string(),
            Column::IdNumber if full_id => c.holder.identity.number().to_string(),
            Column::IdNumber => c.holder.identity.masked(),
            Column::Number if full_id => c.number.to_string(),
            Column::Number => c.number.masked(),
            Column::Category => category.clone(),
            Column::Item => item.clone(),
            Column::PersonnelType => personnel.clone(),
            Column::Industry => industry.clone(),
            Column::FirstIssued => c.first_issued.to_string(),
            Column::ValidFrom => c.valid_from.to_string(),
            Column::ValidUntil => c.valid_until.to_string(),
            Column::ReviewDue => d(c.review_due),
            Column::LastReview => d(c.last_review),
            Column::Authority => c.authority.to_string(),
            Column::Kind => c.kind().zh().to_string(),
        })
        .collect();
    out.push(c.status(today).zh().to_string());
    out.into_iter().map(spreadsheet_safe).collect()
}

/// A cell that a spreadsheet would run as a formula (`= + - @`, or a tab or carriage return before one) is
/// written with a leading apostrophe, which spreadsheets show as text. Every cell of every export and error
/// report goes through here: names and reasons come from outside.
pub fn spreadsheet_safe(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell }
}

/// Streams the registry (or one authority) to `out`; returns the number of certificates written.
pub async fn export<W: Write + Seek + Send>(
    registry: &Registry,
    reader: &RegistryReader,
    opts: &ExportOptions,
    client: Option<&str>,
    out: W,
    mut on_progress: impl FnMut(u64),
) -> Result<u64, AppError> {
    let authority = match (reader.limited_to(), &opts.authority) {
        (Some(own), Some(asked)) if own != asked => return Err(AppError::NotFound),
        (Some(own), _) => Some(own.clone()),
        (None, asked) => asked.clone(),
    };
    let headers: Vec<&str> = COLUMNS
        .iter()
        .map(|c| if opts.english_headers { c.en() } else { c.zh() })
        .chain([if opts.english_headers { STATUS_HEADER.1 } else { STATUS_HEADER.0 }])
        .collect();
    let today = registry.clock().today();
    let io = |e: std::io::Error| AppError::invalid("output", e.to_string());
    let mut written = 0u64;
    let mut cursor = 0i64;
    match opts.format {
        ExportFormat::Csv => {
            let mut out = out;
            out.write_all("\u{feff}".as_bytes()).map_err(io)?;
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&headers).map_err(|e| AppError::invalid("output", e.to_string()))?;
            loop {
                let page = registry.store().certificates_after(cursor, authority.as_ref(), 2000).await?;
                let Some(last) = page.last() else { break };
                cursor = last.0;
                for (_, c) in &page {
                    w.write_record(row(registry, c, opts.full_id, today))
                        .map_err(|e| AppError::invalid("output", e.to_string()))?;
                }
                written += page.len() as u64;
                on_progress(written);
            }
            w.flush().map_err(io)?;
        }
        ExportFormat::Xlsx => {
            let xl = |e: rust_xlsxwriter::XlsxError| AppError::invalid("output", e.to_string());
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet_with_constant_memory().map_err(xl)?;
            ws.set_name("证书").map_err(xl)?;
            for (i, h) in headers.iter().enumerate() {
                ws.write_string(0, i as u16, *h).map_err(xl)?;
            }
            let mut r = 1u32;
            loop {
                let page = registry.store().certificates_after(cursor, authority.as_ref(), 2000).await?;
                let Some(last) = page.last() else { break };
                cursor = last.0;
                for (_, c) in &page {
                    for (i, v) in row(registry, c, opts.full_id, today).iter().enumerate() {
                        ws.write_string(r, i as u16, v).map_err(xl)?;
                    }
                    r += 1;
                }
                written += page.len() as u64;
                on_progress(written);
            }
            wb.save_to_writer(out).map_err(xl)?;
        }
    }
    registry
        .store()
        .append_audit(&AuditRecord {
            at: registry.clock().now(),
            actor: reader.actor().to_string(),
            action: "certificate.export".into(),
            target: authority.map_or("all".into(), |a| a.to_string()),
            detail: format!("rows={written} full_id={}", opts.full_id),
            client: client.map(str::to_string),
        })
        .await?;
    Ok(written)
}
