//! CSV and XLSX import of certificate records, as authorities keep them (Chinese headers, or English aliases).
//!
//! Streaming: a reader thread parses the file into batches of rows and hands them over a bounded channel, so
//! memory stays flat however long the file is, and parsing overlaps with database writes. Each batch is
//! stored in one transaction; each row is either stored, recognised as already stored (re-importing a file
//! changes nothing), or reported with its row, column, value and reason. Nothing is half-stored.

use crate::dates::{from_excel_serial, parse_date};
use crate::registry::{Registry, new_serial};
use certguard_access::Principal;
use certguard_registry::{Event, Holder, NewCertificate, Scope, build_certificate};
use certguard_store::{AuditRecord, InsertOutcome, NewRecord, classify_insert};
use certguard_types::{AuthorityCode, CertificateNumber, IdentityDoc, IdentityKind, PersonName, Sex};
use serde::Serialize;
use std::collections::HashMap;
use std::io::{BufReader, Read, Seek};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Column {
    Name,
    Sex,
    IdKind,
    IdNumber,
    Number,
    Kind,
    Category,
    Item,
    PersonnelType,
    Industry,
    FirstIssued,
    ValidFrom,
    ValidUntil,
    ReviewDue,
    LastReview,
    Authority,
}

impl Column {
    pub const ALL: [Column; 16] = [
        Column::Name,
        Column::Sex,
        Column::IdKind,
        Column::IdNumber,
        Column::Number,
        Column::Kind,
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

    /// The header as authorities write it.
    pub fn zh(self) -> &'static str {
        match self {
            Column::Name => "姓名",
            Column::Sex => "性别",
            Column::IdKind => "证件类型",
            Column::IdNumber => "身份证号",
            Column::Number => "证号",
            Column::Kind => "证书类型",
            Column::Category => "作业类别",
            Column::Item => "操作项目",
            Column::PersonnelType => "人员类型",
            Column::Industry => "行业类别",
            Column::FirstIssued => "初领日期",
            Column::ValidFrom => "有效期开始日期",
            Column::ValidUntil => "有效期结束日期",
            Column::ReviewDue => "应复审日期",
            Column::LastReview => "实际复审日期",
            Column::Authority => "签发机关",
        }
    }

    /// The English alias.
    pub fn en(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Sex => "sex",
            Column::IdKind => "id_kind",
            Column::IdNumber => "id_number",
            Column::Number => "number",
            Column::Kind => "kind",
            Column::Category => "category",
            Column::Item => "item",
            Column::PersonnelType => "personnel_type",
            Column::Industry => "industry",
            Column::FirstIssued => "first_issued",
            Column::ValidFrom => "valid_from",
            Column::ValidUntil => "valid_until",
            Column::ReviewDue => "review_due",
            Column::LastReview => "last_review",
            Column::Authority => "authority",
        }
    }

    /// Recognises a header cell: the Chinese header, the English alias, and variants seen in the field.
    pub fn from_header(h: &str) -> Option<Column> {
        let h = certguard_types::normalize_compact(h).trim_matches('\u{feff}').to_lowercase();
        let alias = match h.as_str() {
            "准操项目" => Some(Column::Item),
            "身份证号码" | "证件号码" | "公民身份号码" => Some(Column::IdNumber),
            "发证机关" => Some(Column::Authority),
            "证书编号" => Some(Column::Number),
            "复审日期" => Some(Column::LastReview),
            _ => None,
        };
        alias.or_else(|| Self::ALL.into_iter().find(|c| c.zh() == h || c.en() == h))
    }

    /// The column a model field's rule violation belongs to.
    fn of_field(field: &str) -> Column {
        match field {
            "holder.sex" => Column::Sex,
            "holder.identity" => Column::IdNumber,
            "scope.category" => Column::Category,
            "scope.item" => Column::Item,
            "scope.personnel_type" => Column::PersonnelType,
            "scope.industry" => Column::Industry,
            "first_issued" => Column::FirstIssued,
            "valid_from" => Column::ValidFrom,
            "valid_until" => Column::ValidUntil,
            "review_due" => Column::ReviewDue,
            "last_review" => Column::LastReview,
            "number" => Column::Number,
            "authority" => Column::Authority,
            _ => Column::Name,
        }
    }
}

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

type RawRow = (u64, Vec<String>);

struct CountingReader<R> {
    inner: R,
    count: Arc<AtomicU64>,
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
fn produce_rows<R: Read + Seek>(
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

/// Where each column sits in the file.
struct Layout {
    index: HashMap<Column, usize>,
}

impl Layout {
    fn from_header(cells: &[String]) -> Result<Layout, ImportError> {
        let mut index = HashMap::new();
        for (i, cell) in cells.iter().enumerate() {
            if let Some(col) = Column::from_header(cell)
                && index.insert(col, i).is_some()
            {
                return Err(ImportError::DuplicateColumn(cell.clone()));
            }
        }
        for col in [Column::Name, Column::IdNumber, Column::ValidFrom, Column::Authority] {
            if !index.contains_key(&col) {
                return Err(ImportError::MissingColumn { zh: col.zh(), en: col.en() });
            }
        }
        let special = index.contains_key(&Column::Category) && index.contains_key(&Column::Item);
        let management = index.contains_key(&Column::PersonnelType) && index.contains_key(&Column::Industry);
        if !special && !management {
            return Err(ImportError::MissingColumn { zh: Column::Item.zh(), en: Column::Item.en() });
        }
        Ok(Layout { index })
    }

    fn get<'a>(&self, row: &'a [String], col: Column) -> &'a str {
        self.index.get(&col).and_then(|&i| row.get(i)).map(|s| s.trim()).unwrap_or("")
    }
}

fn mask_value(col: Column, value: &str) -> String {
    match col {
        Column::IdNumber | Column::Number => {
            let chars: Vec<char> = value.chars().collect();
            if chars.len() > 8 {
                format!(
                    "{}***{}",
                    chars[..4].iter().collect::<String>(),
                    chars[chars.len() - 4..].iter().collect::<String>()
                )
            } else {
                "***".into()
            }
        }
        _ => value.chars().take(64).collect(),
    }
}

/// Parses one data row into a new certificate, or the list of what is wrong with it.
fn parse_row(
    registry: &Registry,
    layout: &Layout,
    row_no: u64,
    row: &[String],
) -> Result<NewCertificate, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut err = |col: Column, value: &str, reason: String| {
        errors.push(RowError { row: row_no, column: col.zh().to_string(), value: mask_value(col, value), reason });
    };
    let get = |c| layout.get(row, c);

    let name =
        get(Column::Name).parse::<PersonName>().map_err(|e| err(Column::Name, get(Column::Name), e.to_string())).ok();
    let id_kind = match get(Column::IdKind) {
        "" => None,
        k => IdentityKind::ALL.into_iter().find(|x| x.code() == k || x.zh() == k).or_else(|| {
            err(Column::IdKind, k, "unknown document type".into());
            None
        }),
    };
    let id_text = get(Column::IdNumber);
    let identity = match id_kind {
        Some(kind) => IdentityDoc::parse(kind, id_text),
        None => IdentityDoc::parse_any(id_text),
    }
    .map_err(|e| err(Column::IdNumber, id_text, e.to_string()))
    .ok();
    let sex = match (get(Column::Sex), identity.as_ref().and_then(|i| i.as_resident())) {
        ("", Some(id)) => Some(id.sex()),
        ("", None) => {
            err(Column::Sex, "", "required for holders without a resident ID".into());
            None
        }
        (s, _) => Sex::parse(s).or_else(|| {
            err(Column::Sex, s, "must be 男 or 女".into());
            None
        }),
    };
    let mut date = |col: Column, required: bool| -> Option<chrono::NaiveDate> {
        let v = get(col);
        if v.is_empty() {
            if required {
                err(col, v, "required".into());
            }
            return None;
        }
        parse_date(v).or_else(|| {
            err(col, v, "not a date (e.g. 2024-06-15)".into());
            None
        })
    };
    let valid_from = date(Column::ValidFrom, true);
    let first_issued = date(Column::FirstIssued, false);
    let valid_until = date(Column::ValidUntil, false);
    let review_due = date(Column::ReviewDue, false);
    let last_review = date(Column::LastReview, false);

    let catalogue = registry.catalogue();
    // A row is a management certificate when it names a personnel type and no operation category.
    let management = !get(Column::PersonnelType).is_empty() && get(Column::Category).is_empty();
    let scope = if management {
        let p = get(Column::PersonnelType);
        let i = get(Column::Industry);
        let pt = catalogue.personnel_type(p).map(|l| l.code.clone()).or_else(|| {
            err(Column::PersonnelType, p, "unknown personnel type".into());
            None
        });
        let ind = catalogue.industry(i).map(|l| l.code.clone()).or_else(|| {
            err(Column::Industry, i, "unknown industry".into());
            None
        });
        pt.zip(ind).map(|(personnel_type, industry)| Scope::Management { personnel_type, industry })
    } else {
        let c = get(Column::Category);
        let i = get(Column::Item);
        match catalogue.find_category(c) {
            None => {
                err(Column::Category, c, "not in the catalogue".into());
                None
            }
            Some(cat) => match catalogue.find_item(cat, i) {
                Some(item) => Some(Scope::SpecialOperation { category: cat.code.clone(), item: item.code.clone() }),
                None => {
                    let reason = match catalogue.categories.iter().find_map(|k| catalogue.find_item(k, i).map(|_| k)) {
                        Some(other) => format!("belongs to {} {}, not {}", other.code, other.zh, cat.zh),
                        None => "not in the catalogue".into(),
                    };
                    err(Column::Item, i, reason);
                    None
                }
            },
        }
    };
    let auth_text = get(Column::Authority);
    let authority: Option<AuthorityCode> = registry.find_authority(auth_text).or_else(|| {
        err(Column::Authority, auth_text, "unknown issuing authority (code or registered name)".into());
        None
    });
    let number = match get(Column::Number) {
        "" => None,
        n => n.parse::<CertificateNumber>().map_err(|e| err(Column::Number, n, e.to_string())).ok(),
    };

    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(name), Some(identity), Some(sex), Some(valid_from), Some(scope), Some(authority)) =
        (name, identity, sex, valid_from, scope, authority)
    else {
        unreachable!("every missing value recorded an error")
    };
    Ok(NewCertificate {
        holder: Holder { name, identity, sex },
        scope,
        authority,
        first_issued: first_issued.unwrap_or(valid_from),
        valid_from,
        valid_until,
        review_due,
        last_review,
        number,
    })
}

/// Progress as rows and input bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Progress {
    pub rows: u64,
    pub bytes: u64,
}

/// Imports a CSV or XLSX file. Each rejected row is passed to `on_error`; `on_progress` after each batch.
pub async fn import<R: Read + Seek + Send + 'static>(
    registry: &Registry,
    principal: &Principal,
    input: R,
    source_name: &str,
    client: Option<&str>,
    mut on_error: impl FnMut(&RowError),
    mut on_progress: impl FnMut(Progress),
) -> Result<ImportSummary, ImportError> {
    let bytes = Arc::new(AtomicU64::new(0));
    let counted = CountingReader { inner: input, count: bytes.clone() };
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    let err_tx = tx.clone();
    let producer = std::thread::spawn(move || {
        if let Err(e) = produce_rows(counted, tx) {
            let _ = err_tx.blocking_send(Err(e));
        }
    });

    let mut summary = ImportSummary::default();
    let mut layout: Option<Layout> = None;
    let mut grants: HashMap<AuthorityCode, bool> = HashMap::new();
    let today = registry.clock().today();
    // Imported certificates are signed in the same batch as they are stored, so they carry their QR at once.
    // Status-list indices taken per authority are loaded once and kept in memory for the import.
    let creds = registry.credentials().cloned();
    let mut taken: HashMap<AuthorityCode, std::collections::HashSet<u64>> = HashMap::new();
    let mut storing: Option<PendingStore> = None;
    let result = async {
        while let Some(batch) = rx.recv().await {
            let batch = batch?;
            let mut records = Vec::with_capacity(batch.len());
            let mut record_rows = Vec::with_capacity(batch.len());
            let mut to_sign = Vec::new();
            for (row_no, cells) in batch {
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let Some(layout) = layout.as_ref() else {
                    layout = Some(Layout::from_header(&cells)?);
                    continue;
                };
                summary.rows += 1;
                if let Some(msg) = cells.first().and_then(|c| c.strip_prefix('\u{0}')) {
                    summary.rejected += 1;
                    on_error(&RowError {
                        row: row_no,
                        column: String::new(),
                        value: String::new(),
                        reason: format!("unreadable line: {msg}"),
                    });
                    continue;
                }
                let new = match parse_row(registry, layout, row_no, &cells) {
                    Ok(n) => n,
                    Err(errors) => {
                        summary.rejected += 1;
                        errors.iter().for_each(&mut on_error);
                        continue;
                    }
                };
                let allowed = *grants
                    .entry(new.authority.clone())
                    .or_insert_with(|| principal.issuer_for(&new.authority).is_ok());
                if !allowed {
                    summary.rejected += 1;
                    on_error(&RowError {
                        row: row_no,
                        column: Column::Authority.zh().into(),
                        value: new.authority.to_string(),
                        reason: "you may not import certificates of this authority".into(),
                    });
                    continue;
                }
                match build_certificate(new, registry.catalogue(), new_serial(), today) {
                    Ok(cert) => {
                        // A row already stored as it is needs no new signature (re-imports stay cheap); the
                        // store decides again inside the batch transaction, this only avoids wasted signing.
                        let already_stored = creds.is_some()
                            && matches!(
                                classify_insert(
                                    &registry
                                        .store()
                                        .lookup(&cert.number, &cert.holder.name)
                                        .await
                                        .map_err(|e| ImportError::Store(e.to_string()))?
                                        .into_iter()
                                        .filter(|c| c.scope == cert.scope)
                                        .collect::<Vec<_>>(),
                                    &cert,
                                ),
                                InsertOutcome::Unchanged { .. }
                            );
                        if creds.is_some() && !already_stored {
                            if !taken.contains_key(&cert.authority) {
                                let entries = registry
                                    .store()
                                    .status_entries(&cert.authority)
                                    .await
                                    .map_err(|e| ImportError::Store(e.to_string()))?;
                                taken.insert(cert.authority.clone(), entries.into_iter().map(|(i, _)| i).collect());
                            }
                            let used = taken.get_mut(&cert.authority).expect("loaded above");
                            let idx = certguard_credential::status_list::allocate_index(
                                &mut rand::rng(),
                                crate::credentials::STATUS_LIST_LEN,
                                |i| used.contains(&i),
                                1000,
                            )
                            .ok_or_else(|| {
                                ImportError::Signing(format!("the status list of {} is full", cert.authority))
                            })?;
                            used.insert(idx);
                            let name = registry.authority_name(&cert.authority).0;
                            to_sign.push(SignJob { record: records.len(), status_idx: idx, authority_name: name });
                        }
                        records.push(NewRecord {
                            certificate: cert,
                            event: Event::Imported,
                            actor: principal.username.clone(),
                            at: registry.clock().now(),
                        });
                        record_rows.push(row_no);
                    }
                    Err(v) => {
                        summary.rejected += 1;
                        let col = Column::of_field(v.field);
                        on_error(&RowError {
                            row: row_no,
                            column: col.zh().into(),
                            value: mask_value(col, &cells.get(layout.index[&col]).cloned().unwrap_or_default()),
                            reason: v.reason,
                        });
                    }
                }
            }
            if let Some(c) = creds.as_ref().filter(|_| !to_sign.is_empty()) {
                records = sign_batch(c.clone(), records, to_sign, registry.clock().now().timestamp()).await?;
            }
            // The previous batch has been storing while this one was parsed and signed: collect it, then hand
            // this one over.
            if let Some(pending) = storing.take() {
                collect_outcomes(pending, &mut summary, &mut on_error).await?;
            }
            if !records.is_empty() {
                let audit = AuditRecord {
                    at: registry.clock().now(),
                    actor: principal.username.clone(),
                    action: "certificate.import".into(),
                    target: source_name.chars().take(200).collect(),
                    detail: format!("rows {}-{}", record_rows[0], record_rows[record_rows.len() - 1]),
                    client: client.map(str::to_string),
                };
                let store = registry.store().clone();
                let task = tokio::spawn(async move { store.insert_certificates(&records, &audit).await });
                storing = Some((task, record_rows));
            }
            on_progress(Progress { rows: summary.rows, bytes: bytes.load(Ordering::Relaxed) });
        }
        if let Some(pending) = storing.take() {
            collect_outcomes(pending, &mut summary, &mut on_error).await?;
            on_progress(Progress { rows: summary.rows, bytes: bytes.load(Ordering::Relaxed) });
        }
        if layout.is_none() {
            return Err(ImportError::NoHeader);
        }
        Ok(summary)
    }
    .await;
    // After an error, a batch may still be storing: let it finish (it is whole or nothing) before answering.
    if let Some((task, _)) = storing.take() {
        let _ = task.await;
    }
    drop(rx);
    let _ = producer.join();
    result
}

/// A certificate of the batch to sign, with what signing needs besides it.
struct SignJob {
    record: usize,
    status_idx: u64,
    authority_name: String,
}

/// A batch being stored in the background, and the file rows of its records.
type PendingStore = (tokio::task::JoinHandle<Result<Vec<InsertOutcome>, certguard_store::StoreError>>, Vec<u64>);

/// Signs a batch's certificates on every core (signing is most of an import's work), on tokio's blocking pool
/// (its threads are reused from batch to batch).
async fn sign_batch(
    creds: Arc<crate::credentials::Credentials>,
    records: Vec<NewRecord>,
    mut jobs: Vec<SignJob>,
    now: i64,
) -> Result<Vec<NewRecord>, ImportError> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per_thread = jobs.len().div_ceil(threads).max(1);
    let records = Arc::new(records);
    let mut parts = Vec::with_capacity(threads);
    while !jobs.is_empty() {
        let part: Vec<SignJob> = jobs.drain(..per_thread.min(jobs.len())).collect();
        let (creds, records) = (creds.clone(), records.clone());
        parts.push(tokio::task::spawn_blocking(move || {
            part.into_iter()
                .map(|job| {
                    creds
                        .sign_with_index(&records[job.record].certificate, &job.authority_name, job.status_idx, now)
                        .map(|c| (job.record, c))
                        .map_err(|e| ImportError::Signing(e.to_string()))
                })
                .collect::<Result<Vec<_>, _>>()
        }));
    }
    let mut signed = Vec::with_capacity(parts.len());
    for part in parts {
        signed.push(part.await.map_err(|e| ImportError::Signing(e.to_string()))??);
    }
    let mut records =
        Arc::try_unwrap(records).map_err(|_| ImportError::Signing("a signer still holds the batch".into()))?;
    for (i, credential) in signed.into_iter().flatten() {
        records[i].certificate.credential = Some(credential);
    }
    Ok(records)
}

/// Waits for a stored batch and accounts for each of its rows.
async fn collect_outcomes(
    (task, rows): PendingStore,
    summary: &mut ImportSummary,
    on_error: &mut impl FnMut(&RowError),
) -> Result<(), ImportError> {
    let outcomes =
        task.await.map_err(|e| ImportError::Store(e.to_string()))?.map_err(|e| ImportError::Store(e.to_string()))?;
    for (outcome, row_no) in outcomes.into_iter().zip(&rows) {
        match outcome {
            InsertOutcome::Inserted => summary.inserted += 1,
            InsertOutcome::Unchanged { .. } => summary.unchanged += 1,
            InsertOutcome::Duplicate { reason, .. } => {
                summary.rejected += 1;
                on_error(&RowError {
                    row: *row_no,
                    column: Column::Item.zh().into(),
                    value: String::new(),
                    reason: format!("duplicate: {reason}"),
                });
            }
        }
    }
    Ok(())
}

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
