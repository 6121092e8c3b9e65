//! Roster verification for employers: every worker of a roster (a CSV/XLSX table of numbers and names, pasted
//! QR texts, or photos of QR codes) answered `valid` … `item_mismatch` with the reason, then a signed receipt of
//! the run entered in the transparency log.
//!
//! Streaming: a table is read by the import's reader thread in batches of 1,000 rows; each batch costs one
//! query for all its numbers. Results go to the caller's sink in input order, each as the JSON line the
//! receipt's hash covers. ID numbers leave masked.

use crate::error::AppError;
use crate::registry::Registry;
use crate::registry::import::{ImportError, RawRow, produce_rows};
use crate::verification::{Decision, Input, verify_online};
use certguard_access::RosterVerifierGrant;
use certguard_casework::receipt::{Receipt, sha256_hex};
use certguard_casework::roster::{RosterOutcome, RosterResult, covers, judge_typed, of_certificate, resolve_item};
use certguard_casework::uscc::Uscc;
use certguard_registry::Certificate;
use certguard_types::CertificateNumber;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{Read, Seek};

/// Workers one roster may list (the large employers have tens of thousands).
pub const MAX_ROSTER_ROWS: u64 = 200_000;
/// Bytes of one QR photo read from a folder.
pub const MAX_PHOTO_BYTES: u64 = 15 * 1024 * 1024;
/// Pixels of one QR photo decoded.
pub const MAX_PHOTO_PIXELS: u64 = 12_500_000;
/// Bytes of one pasted QR text.
const MAX_QR_TEXT_BYTES: usize = 4096;

/// Who runs the verification (named in the receipt and the audit log) and for which employer.
#[derive(Clone, Debug)]
pub struct RosterRequest {
    pub grant: RosterVerifierGrant,
    pub employer: Option<Uscc>,
    /// The client's address, for the audit log.
    pub client: Option<String>,
    /// Keep the typed rows as the employer's current roster (the unit's reminders are drawn from it).
    pub save_roster: bool,
}

/// The request for `principal` naming `employer`: an employer account speaks for the unit it is bound to (and
/// for no other); inspectors and admins may name any unit they check.
pub async fn request_for(
    registry: &Registry,
    principal: &certguard_access::Principal,
    employer: Option<&str>,
    client: Option<String>,
) -> Result<RosterRequest, AppError> {
    let grant = principal.roster_verifier()?;
    let named = match employer.map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(e.parse::<Uscc>().map_err(|e| AppError::invalid("employer", e.to_string()))?),
        None => None,
    };
    if principal.role == certguard_access::Role::Employer {
        let bound = registry.store().employer_unit(&principal.username).await?;
        return match (bound, named) {
            (None, None) => Ok(RosterRequest { grant, employer: None, client, save_roster: false }),
            (None, Some(_)) => Err(AppError::invalid(
                "employer",
                "this account is not bound to a unit: an administrator binds it (certguard roster bind)",
            )),
            (Some(b), Some(n)) if n.as_str() != b => {
                Err(AppError::Denied(certguard_access::Denied::OtherAuthority { own: b, other: n.to_string() }))
            }
            (Some(b), _) => Ok(RosterRequest {
                grant,
                employer: Some(
                    b.parse().map_err(|e: certguard_casework::uscc::UsccError| AppError::Internal(e.to_string()))?,
                ),
                client,
                save_roster: true,
            }),
        };
    }
    Ok(RosterRequest { grant, employer: named, client, save_roster: false })
}

/// One worker to verify.
#[derive(Clone, Debug)]
pub enum Entry {
    /// A row of a table: the number and name as typed, the post's item if the roster names one.
    Typed { number: String, name: String, item: Option<String> },
    /// A QR's text (pasted, or read from a photo; `Err` says why a photo gave none), with the roster's name and
    /// item when it has them.
    Qr { text: Result<String, String>, name: Option<String>, item: Option<String> },
}

#[derive(Clone, Debug)]
pub struct RosterRow {
    /// As the spreadsheet numbers it (header = 1), the line of a pasted text, or the photo's place in the folder.
    pub row: u64,
    /// The photo's file name.
    pub source: Option<String>,
    pub entry: Entry,
}

/// The answer for one worker, as the JSON line of the results file.
#[derive(Clone, Debug, Serialize)]
pub struct WorkerResult {
    pub row: u64,
    /// Masked.
    pub number: String,
    pub name: String,
    /// The item the roster says the post needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_item: Option<String>,
    #[serde(flatten)]
    pub outcome: RosterOutcome,
    /// The first row listing the same worker (number and name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// What a run did, with its signed receipt.
#[derive(Clone, Debug, Serialize)]
pub struct RosterSummary {
    pub rows: u64,
    pub counts: Vec<(RosterResult, u64)>,
    pub input_sha256: String,
    pub results_sha256: String,
    /// The signed receipt (a C2SP signed note), when the registry has a receipt key.
    pub receipt: Option<String>,
    /// The receipt's index in the transparency log, when the registry keeps one.
    pub log_index: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("{0}")]
    File(#[from] ImportError),
    #[error("缺少“{zh}”列 (missing column {en}): a roster names each worker's 证号 and 姓名 (or gives the QR text)")]
    MissingColumn { zh: &'static str, en: &'static str },
    #[error("“{0}”列出现两次 (column {0} appears twice)")]
    DuplicateColumn(String),
    #[error("the roster has more than {MAX_ROSTER_ROWS} workers: split it")]
    TooManyRows,
    #[error(transparent)]
    App(#[from] AppError),
}

impl From<RosterError> for AppError {
    fn from(e: RosterError) -> AppError {
        match e {
            RosterError::App(a) => a,
            RosterError::File(ImportError::Store(s)) => AppError::Internal(s),
            other => AppError::invalid("file", other.to_string()),
        }
    }
}

/// Masks what may hold an ID number: a certificate number's embedded ID, else any long run of digits.
pub fn mask_number(text: &str) -> String {
    match text.parse::<CertificateNumber>() {
        Ok(n) => n.masked(),
        Err(_) => {
            let digits = text.chars().filter(char::is_ascii_digit).count();
            if digits >= 6 {
                let kept: String = text.chars().take(4).collect();
                format!("{kept}****")
            } else {
                text.chars().take(40).collect()
            }
        }
    }
}

/// One verification run: judges batches of rows in order, hashes the lines it hands out, counts the answers,
/// and signs the receipt at the end.
pub struct RosterRun<'a> {
    registry: &'a Registry,
    /// The typed rows, kept when the run saves the unit's roster.
    entries: Option<Vec<certguard_store::RosterEntry>>,
    results: Sha256,
    counts: HashMap<RosterResult, u64>,
    seen: HashMap<(String, String), u64>,
    rows: u64,
}

impl<'a> RosterRun<'a> {
    pub fn new(registry: &'a Registry) -> Self {
        RosterRun {
            registry,
            entries: None,
            results: Sha256::new(),
            counts: HashMap::new(),
            seen: HashMap::new(),
            rows: 0,
        }
    }

    /// Keeps the typed rows so that [`RosterRun::finish`] can save them as the unit's roster.
    pub fn saving(mut self, save: bool) -> Self {
        self.entries = save.then(Vec::new);
        self
    }

    /// Judges one batch (≤ 1,000 typed rows: one query) and hands each answer to `sink` with its JSON line.
    pub async fn judge(
        &mut self,
        batch: Vec<RosterRow>,
        mut sink: impl FnMut(&WorkerResult, &str),
    ) -> Result<(), RosterError> {
        self.rows += batch.len() as u64;
        if self.rows > MAX_ROSTER_ROWS {
            return Err(RosterError::TooManyRows);
        }
        let today = self.registry.clock().today();
        let catalogue = self.registry.catalogue();
        let mut numbers: Vec<CertificateNumber> = batch
            .iter()
            .filter_map(|r| match &r.entry {
                Entry::Typed { number, .. } => number.parse().ok(),
                Entry::Qr { .. } => None,
            })
            .collect();
        numbers.sort();
        numbers.dedup();
        let mut by_number: HashMap<String, Vec<Certificate>> = HashMap::new();
        for chunk in numbers.chunks(certguard_store::MAX_NUMBERS_PER_LOOKUP) {
            for c in self.registry.store().certificates_by_numbers(chunk).await.map_err(AppError::from)? {
                by_number.entry(c.number.as_str().to_string()).or_default().push(c);
            }
        }
        for r in batch {
            let (number, name, post_item, outcome) = match r.entry {
                Entry::Typed { number, name, item } => {
                    if let Some(entries) = self.entries.as_mut()
                        && let Ok(n) = number.parse::<CertificateNumber>()
                    {
                        entries.push(certguard_store::RosterEntry {
                            row: r.row as i64,
                            number: n.as_str().to_string(),
                            name: name.trim().to_string(),
                            item: item.clone(),
                        });
                    }
                    let resolved =
                        item.as_deref().filter(|i| !i.trim().is_empty()).map(|i| (i, resolve_item(catalogue, i)));
                    let item_arg = resolved.as_ref().map(|(text, code)| code.as_deref().ok_or(*text));
                    let key = number.parse::<CertificateNumber>().map(|n| n.as_str().to_string()).unwrap_or_default();
                    let certs = by_number.get(&key).map(Vec::as_slice).unwrap_or(&[]);
                    let outcome = judge_typed(&number, &name, item_arg, certs, today);
                    (mask_number(&number), name, item, outcome)
                }
                Entry::Qr { text, name, item } => {
                    let (number, holder, outcome) = self.judge_qr(text, name.as_deref(), item.as_deref()).await?;
                    (number, name.unwrap_or(holder), item, outcome)
                }
            };
            let name = name.trim().to_string();
            let duplicate_of = if number.is_empty() {
                None
            } else {
                match self.seen.get(&(number.clone(), name.clone())) {
                    Some(first) => Some(*first),
                    None => {
                        self.seen.insert((number.clone(), name.clone()), r.row);
                        None
                    }
                }
            };
            let result = WorkerResult { row: r.row, number, name, post_item, outcome, duplicate_of, source: r.source };
            *self.counts.entry(result.outcome.result).or_default() += 1;
            let mut line = serde_json::to_string(&result).map_err(|e| AppError::Internal(e.to_string()))?;
            line.push('\n');
            self.results.update(line.as_bytes());
            sink(&result, &line);
        }
        Ok(())
    }

    /// A QR: the verifier's decision, then the roster's name and item against what the credential says.
    /// Returns (masked number, holder name on the QR, outcome).
    async fn judge_qr(
        &self,
        text: Result<String, String>,
        name: Option<&str>,
        item: Option<&str>,
    ) -> Result<(String, String, RosterOutcome), AppError> {
        let text = match text {
            Ok(t) if t.len() > MAX_QR_TEXT_BYTES => {
                return Ok((
                    String::new(),
                    String::new(),
                    RosterOutcome::bare(
                        RosterResult::NotFound,
                        "二维码内容过长，不是证书二维码",
                        "the QR text is too long to be a certificate",
                    ),
                ));
            }
            Ok(t) => t,
            Err(why) => {
                return Ok((
                    String::new(),
                    String::new(),
                    RosterOutcome::bare(
                        RosterResult::NotFound,
                        format!("照片中未读出二维码：{why}"),
                        format!("no QR code could be read from the photo: {why}"),
                    ),
                ));
            }
        };
        let v = match verify_online(self.registry, Input::Scanned(text.trim())).await {
            Ok(v) => v,
            // This registry cannot check QR codes (no trust list yet): the row says so, the run goes on.
            Err(AppError::Invalid { reason: message, .. }) => {
                return Ok((
                    String::new(),
                    String::new(),
                    RosterOutcome::bare(
                        RosterResult::NotFound,
                        format!("本系统暂不能核验二维码：{message}"),
                        format!("this registry cannot verify QR codes yet: {message}"),
                    ),
                ));
            }
            Err(e) => return Err(e),
        };
        let (number, holder, body_scope) = match &v.verification.credential {
            Some(c) => (
                c.body.number_masked.clone(),
                c.body.holder_name.clone(),
                Some((c.body.category.clone(), c.body.item.clone())),
            ),
            None => (String::new(), String::new(), None),
        };
        let today = self.registry.clock().today();
        // The registry's record, for dates and reminders, when the credential names one of its certificates.
        let record = match &v.verification.credential {
            Some(c) if c.claims.cti.len() == 16 => {
                let mut serial = [0u8; 16];
                serial.copy_from_slice(&c.claims.cti);
                self.registry.store().certificate(&certguard_registry::Serial(serial)).await?.map(|s| s.certificate)
            }
            _ => None,
        };
        let from_record = |fallback: RosterOutcome| record.as_ref().map_or(fallback, |c| of_certificate(c, today));
        let mut outcome = match v.decision {
            Decision::Valid
            | Decision::ReviewDue
            | Decision::ReviewOverdue
            | Decision::Expired
            | Decision::Suspended
            | Decision::Revoked
            | Decision::Cancelled
            | Decision::Pending => {
                from_record(RosterOutcome::bare(RosterResult::NotFound, "登记簿中无此证书", "not in this registry"))
            }
            Decision::Superseded => {
                let mut o = from_record(RosterOutcome::bare(
                    RosterResult::NotFound,
                    "登记簿中无此证书",
                    "not in this registry",
                ));
                o.reason = format!("{}（此二维码为旧版，请出示当前二维码）", o.reason);
                o.reason_en = format!("{} (an older QR of this certificate: ask for the current one)", o.reason_en);
                o
            }
            Decision::NotFound => RosterOutcome::bare(
                RosterResult::Fake,
                "签名可验证，但登记簿中从无此证书：用被盗密钥伪造",
                "the signature verifies but the registry never issued this certificate: made with a stolen key",
            ),
            Decision::Fake => {
                let why = match &v.verification.verdict {
                    certguard_credential::verify::Verdict::Invalid { check, reason } => {
                        format!("{}: {reason}", check.as_str())
                    }
                    _ => "log".into(),
                };
                RosterOutcome::bare(
                    RosterResult::Fake,
                    format!("二维码签名或内容校验失败，或透明日志中无此记录（{why}）"),
                    format!("the QR fails its signature, content or transparency-log check ({why})"),
                )
            }
            Decision::NotOurFormat => match &v.url {
                Some(u) if u.verdict == "look_alike" => RosterOutcome::bare(
                    RosterResult::Fake,
                    format!("二维码是仿冒查询网站的链接（{}），不是证书", u.domain),
                    format!("the QR links to a look-alike query site ({}), not a certificate", u.domain),
                ),
                Some(u) => RosterOutcome::bare(
                    RosterResult::NotFound,
                    format!("二维码是网址（{}），不是签名证书", u.domain),
                    format!("the QR is a web address ({}), not a signed certificate", u.domain),
                ),
                None => RosterOutcome::bare(RosterResult::NotFound, "不是证书二维码", "not a certificate QR"),
            },
            Decision::Unreadable => RosterOutcome::bare(
                RosterResult::NotFound,
                "二维码内容不完整或无法读取",
                "the QR text is damaged or cut",
            ),
            Decision::StatusUnknown => RosterOutcome::bare(
                RosterResult::NotFound,
                "签名真实，但本登记簿不掌握该证书的状态",
                "genuinely signed, but this registry does not keep its status",
            ),
        };
        // The roster's worker must be the QR's holder, and the certificate must cover the post.
        if outcome.result != RosterResult::Fake
            && let Some(want) = name.map(str::trim).filter(|n| !n.is_empty())
            && !holder.is_empty()
            && want.parse::<certguard_types::PersonName>().ok().map(|n| n.as_str().to_string())
                != holder.parse::<certguard_types::PersonName>().ok().map(|n| n.as_str().to_string())
        {
            outcome = RosterOutcome::bare(
                RosterResult::PersonMismatch,
                "二维码证书的持证人不是此人（人证不符）",
                "the QR's certificate belongs to someone else",
            );
        }
        if outcome.result.permits_work()
            && let (Some(want), Some((category, item_code))) =
                (item.map(str::trim).filter(|i| !i.is_empty()), &body_scope)
        {
            let scope =
                certguard_registry::Scope::SpecialOperation { category: category.clone(), item: item_code.clone() };
            let ok = resolve_item(self.registry.catalogue(), want).is_some_and(|code| covers(&scope, &code));
            if !ok {
                outcome.result = RosterResult::ItemMismatch;
                outcome.reason = format!("证书的操作项目为{item_code}，不含岗位所需的{want}");
                outcome.reason_en = format!("the certificate covers {item_code}, not the post's {want}");
                outcome.reminder = None;
            }
        }
        Ok((number, holder, outcome))
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Signs the receipt (if the registry has a receipt key), enters it in the transparency log (if the
    /// registry keeps one) and waits until it is logged.
    pub async fn finish(self, req: &RosterRequest, input_sha256: String) -> Result<RosterSummary, AppError> {
        let results_sha256 = hex::encode(self.results.finalize());
        let now = self.registry.clock().now();
        let receipt = Receipt::new(
            rand::random(),
            now,
            req.employer.clone(),
            req.grant.actor(),
            input_sha256.clone(),
            results_sha256.clone(),
            &self.counts,
        );
        let mut summary = RosterSummary {
            rows: receipt.rows,
            counts: receipt.counts.clone(),
            input_sha256,
            results_sha256,
            receipt: None,
            log_index: None,
        };
        let counts: Vec<String> =
            receipt.counts.iter().filter(|(_, n)| *n > 0).map(|(r, n)| format!("{}={n}", r.code())).collect();
        self.registry
            .store()
            .append_audit(&certguard_store::AuditRecord {
                at: now,
                actor: req.grant.actor().to_string(),
                action: "roster.verify".into(),
                target: req.employer.as_ref().map_or("-".into(), |e| e.to_string()),
                detail: format!("receipt={} rows={} {}", receipt.id, receipt.rows, counts.join(" ")),
                client: req.client.clone(),
            })
            .await?;
        if let (Some(entries), Some(unit), true) = (self.entries, &req.employer, req.save_roster) {
            let audit = certguard_store::AuditRecord {
                at: now,
                actor: req.grant.actor().to_string(),
                action: "roster.save".into(),
                target: unit.to_string(),
                detail: format!("{} workers", entries.len()),
                client: req.client.clone(),
            };
            self.registry.store().replace_roster(unit.as_str(), entries, &audit).await?;
        }
        let Some(signer) = self.registry.receipt_signer() else { return Ok(summary) };
        summary.receipt = Some(receipt.sign(signer).map_err(|e| AppError::Internal(e.to_string()))?);
        if let Some(log) = self.registry.log() {
            let serial = certguard_registry::Serial(receipt.id_bytes());
            let event = certguard_store::PendingLogEvent {
                id: 0,
                serial,
                kind: certguard_registry::LogEventKind::RosterReceipt,
                authority: "-".into(),
                at: now,
                credential_sha256: Some(receipt.text_sha256()),
            };
            self.registry.store().log_enqueue(&[event]).await?;
            log.acknowledge().await?;
            summary.log_index =
                self.registry.store().log_last_indexes(&[serial]).await?.into_iter().next().map(|(_, i)| i);
        }
        Ok(summary)
    }
}

/// The columns a roster table may have (Chinese headers or English aliases).
#[derive(Clone, Copy, Debug, Default)]
struct Layout {
    number: Option<usize>,
    name: Option<usize>,
    item: Option<usize>,
    qr: Option<usize>,
}

fn header_kind(h: &str) -> Option<u8> {
    let h: String = h
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect::<String>()
        .to_lowercase();
    match h.as_str() {
        "证号" | "证书编号" | "证书号" | "操作证号" | "证书号码" | "number" | "certificatenumber" | "certno" => {
            Some(0)
        }
        "姓名" | "人员姓名" | "name" | "worker" => Some(1),
        "操作项目" | "作业项目" | "岗位操作项目" | "准操项目" | "item" | "postitem" => Some(2),
        "二维码" | "二维码内容" | "qr" | "qrtext" | "aq1" => Some(3),
        _ => None,
    }
}

impl Layout {
    fn from_header(cells: &[String]) -> Result<Layout, RosterError> {
        let mut l = Layout::default();
        for (i, h) in cells.iter().enumerate() {
            let Some(kind) = header_kind(h) else { continue };
            let slot = match kind {
                0 => &mut l.number,
                1 => &mut l.name,
                2 => &mut l.item,
                _ => &mut l.qr,
            };
            if slot.is_some() {
                return Err(RosterError::DuplicateColumn(h.trim().to_string()));
            }
            *slot = Some(i);
        }
        if l.number.is_none() && l.qr.is_none() {
            return Err(RosterError::MissingColumn { zh: "证号", en: "number" });
        }
        if l.name.is_none() && l.qr.is_none() {
            return Err(RosterError::MissingColumn { zh: "姓名", en: "name" });
        }
        Ok(l)
    }

    fn row(&self, row: u64, cells: &[String]) -> RosterRow {
        let cell =
            |i: Option<usize>| i.and_then(|i| cells.get(i)).map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let name = cell(self.name);
        let item = cell(self.item);
        let entry = match (cell(self.qr), cell(self.number)) {
            (Some(text), _) => Entry::Qr { text: Ok(text), name, item },
            (None, number) => Entry::Typed { number: number.unwrap_or_default(), name: name.unwrap_or_default(), item },
        };
        RosterRow { row, source: None, entry }
    }
}

/// Hashes a seekable input and rewinds it.
fn sha256_of<R: Read + Seek>(input: &mut R) -> Result<String, RosterError> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = input.read(&mut buf).map_err(|e| ImportError::Read(e.to_string()))?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    input.seek(std::io::SeekFrom::Start(0)).map_err(|e| ImportError::Read(e.to_string()))?;
    Ok(hex::encode(h.finalize()))
}

/// Verifies a roster table (CSV in UTF-8/GBK/UTF-16, or XLSX; header row first) and signs the receipt.
/// `progress` gets the rows done so far.
pub async fn verify_table<R: Read + Seek + Send + 'static>(
    registry: &Registry,
    req: &RosterRequest,
    mut input: R,
    mut sink: impl FnMut(&WorkerResult, &str),
    mut progress: impl FnMut(u64),
) -> Result<RosterSummary, RosterError> {
    let input_sha256 = sha256_of(&mut input)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Vec<RawRow>, ImportError>>(4);
    let err_tx = tx.clone();
    let producer = std::thread::spawn(move || {
        if let Err(e) = produce_rows(input, tx) {
            let _ = err_tx.blocking_send(Err(e));
        }
    });
    let mut run = RosterRun::new(registry).saving(req.save_roster);
    let mut layout: Option<Layout> = None;
    let result = async {
        while let Some(batch) = rx.recv().await {
            let mut rows = Vec::with_capacity(batch.as_ref().map_or(0, Vec::len));
            for (row, cells) in batch? {
                if cells.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let Some(l) = layout.as_ref() else {
                    layout = Some(Layout::from_header(&cells)?);
                    continue;
                };
                if let Some(msg) = cells.first().and_then(|c| c.strip_prefix('\u{0}')) {
                    // An unreadable line is still a worker the employer listed: answered, not dropped.
                    rows.push(RosterRow {
                        row,
                        source: None,
                        entry: Entry::Qr { text: Err(format!("unreadable line: {msg}")), name: None, item: None },
                    });
                    continue;
                }
                rows.push(l.row(row, &cells));
            }
            run.judge(rows, &mut sink).await?;
            progress(run.rows());
        }
        if layout.is_none() {
            return Err(RosterError::File(ImportError::NoHeader));
        }
        Ok::<(), RosterError>(())
    }
    .await;
    drop(rx);
    let _ = producer.join();
    result?;
    Ok(run.finish(req, input_sha256).await?)
}

/// The workers of the account's unit who need attention today: a review or expiry within 60 days, or a
/// certificate that no longer lets them work. Nothing for an account bound to no unit.
pub async fn reminders(
    registry: &Registry,
    principal: &certguard_access::Principal,
) -> Result<Vec<WorkerResult>, AppError> {
    principal.roster_verifier()?;
    let Some(unit) = registry.store().employer_unit(&principal.username).await? else { return Ok(Vec::new()) };
    unit_reminders(registry, &unit).await
}

/// The unit's workers needing attention today (see [`reminders`]).
pub async fn unit_reminders(registry: &Registry, unit: &str) -> Result<Vec<WorkerResult>, AppError> {
    let entries = registry.store().roster(unit, MAX_ROSTER_ROWS as u32).await?;
    let mut out = Vec::new();
    let mut run = RosterRun::new(registry);
    for chunk in entries.chunks(1000) {
        let rows = chunk
            .iter()
            .map(|e| RosterRow {
                row: e.row as u64,
                source: None,
                entry: Entry::Typed { number: e.number.clone(), name: e.name.clone(), item: e.item.clone() },
            })
            .collect();
        run.judge(rows, |w, _| {
            if w.outcome.reminder.is_some() || !w.outcome.result.permits_work() {
                out.push(w.clone());
            }
        })
        .await?;
    }
    Ok(out)
}

/// Where the employers' reminders go: an operator's webhook, each message signed like the lead notifications.
#[derive(Clone, Debug)]
pub struct ReminderHook {
    pub url: String,
    pub secret: Vec<u8>,
    pub timeout: std::time::Duration,
}

/// One pass over every unit's roster: the reminders (60 and 30 days before a review or expiry) not yet
/// delivered go to the webhook, one message per unit, and are recorded once the receiver took them (2xx), so
/// each is sent once; a failed delivery is tried again on the next pass. Returns the reminders delivered.
pub async fn reminder_round(registry: &Registry, hook: &ReminderHook) -> Result<usize, AppError> {
    let mut delivered = 0;
    for unit in registry.store().roster_units().await? {
        let due: Vec<WorkerResult> =
            unit_reminders(registry, &unit).await?.into_iter().filter(|w| w.outcome.reminder.is_some()).collect();
        let key = |w: &WorkerResult| {
            let r = w.outcome.reminder.expect("filtered");
            format!("{}:{}:{}", w.outcome.serial.as_deref().unwrap_or("-"), r.due, r.stage)
        };
        let keys: Vec<String> = due.iter().map(key).collect();
        let sent: std::collections::HashSet<String> =
            registry.store().reminders_sent(&unit, &keys).await?.into_iter().collect();
        let new: Vec<&WorkerResult> = due.iter().filter(|w| !sent.contains(&key(w))).collect();
        if new.is_empty() {
            continue;
        }
        let body = serde_json::to_vec(&serde_json::json!({
            "event": "roster.reminder",
            "unit": unit,
            "workers": new,
        }))
        .map_err(|e| AppError::Internal(e.to_string()))?;
        let now = registry.clock().now();
        let delivery = format!("reminder-{unit}-{}", now.date_naive());
        let (h, b) = (hook.clone(), body);
        let sent = tokio::task::spawn_blocking(move || {
            crate::leads::worker::post_signed(&h.url, &h.secret, h.timeout, &delivery, &b, now.timestamp())
        })
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
        match sent {
            Ok(_) => {
                let keys: Vec<String> = new.iter().map(|w| key(w)).collect();
                registry.store().mark_reminders_sent(&unit, &keys, now).await?;
                delivered += keys.len();
            }
            Err((_, why)) => tracing::warn!(%unit, %why, "reminder delivery failed; next pass tries again"),
        }
    }
    Ok(delivered)
}

/// The reminder webhook for the life of the server, a pass every `every`.
pub async fn run_reminders(registry: Registry, hook: ReminderHook, every: std::time::Duration) {
    loop {
        if let Err(e) = reminder_round(&registry, &hook).await {
            tracing::warn!(error = %e, "reminder pass failed");
        }
        tokio::time::sleep(every).await;
    }
}

/// Binds an employer account to its unit (administrators).
pub async fn bind_employer(
    registry: &Registry,
    admin: &certguard_access::AdminGrant,
    username: &str,
    uscc: &str,
) -> Result<Uscc, AppError> {
    let unit: Uscc =
        uscc.parse().map_err(|e: certguard_casework::uscc::UsccError| AppError::invalid("uscc", e.to_string()))?;
    let user = registry.store().user_by_name(username).await?.ok_or(AppError::NotFound)?;
    if user.role != certguard_access::Role::Employer {
        return Err(AppError::invalid("username", "only employer accounts belong to a unit"));
    }
    let audit = certguard_store::AuditRecord {
        at: registry.clock().now(),
        actor: admin.actor().to_string(),
        action: "employer.bind".into(),
        target: username.to_string(),
        detail: unit.to_string(),
        client: None,
    };
    registry.store().bind_employer(username, unit.as_str(), &audit).await?;
    Ok(unit)
}

/// Reads a roster table as [`verify_table`] does (hash, decode, split into rows) and only counts the rows:
/// the benchmark's baseline.
pub fn count_table_rows<R: Read + Seek + Send + 'static>(mut input: R) -> Result<(u64, String), RosterError> {
    let input_sha256 = sha256_of(&mut input)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<Vec<RawRow>, ImportError>>(4);
    let err_tx = tx.clone();
    let producer = std::thread::spawn(move || {
        if let Err(e) = produce_rows(input, tx) {
            let _ = err_tx.blocking_send(Err(e));
        }
    });
    let mut rows = 0u64;
    while let Some(batch) = rx.blocking_recv() {
        rows += batch?.len() as u64;
    }
    let _ = producer.join();
    Ok((rows.saturating_sub(1), input_sha256))
}

/// Verifies pasted QR texts, one per line (blank lines skipped).
pub async fn verify_texts(
    registry: &Registry,
    req: &RosterRequest,
    text: &str,
    mut sink: impl FnMut(&WorkerResult, &str),
) -> Result<RosterSummary, RosterError> {
    let mut run = RosterRun::new(registry);
    let rows: Vec<RosterRow> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| RosterRow {
            row: i as u64 + 1,
            source: None,
            entry: Entry::Qr { text: Ok(l.trim().to_string()), name: None, item: None },
        })
        .collect();
    for chunk in rows.chunks(1000) {
        run.judge(chunk.to_vec(), &mut sink).await?;
    }
    Ok(run.finish(req, sha256_hex(text.as_bytes())).await?)
}

/// Reads the QR code of a photo, within the byte and pixel caps.
pub fn read_photo(path: &std::path::Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_PHOTO_BYTES {
        return Err(format!("the photo is larger than {} MiB", MAX_PHOTO_BYTES / 1024 / 1024));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_PHOTO_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_PHOTO_BYTES {
        return Err("the photo grew while being read".into());
    }
    certguard_credential::qr::decode_image_within(&bytes, MAX_PHOTO_PIXELS).map_err(|e| e.to_string())
}

/// Verifies a folder of QR photos (files in name order; the input hash covers each name and content hash).
pub async fn verify_photos(
    registry: &Registry,
    req: &RosterRequest,
    paths: &[std::path::PathBuf],
    mut sink: impl FnMut(&WorkerResult, &str),
    mut progress: impl FnMut(u64),
) -> Result<RosterSummary, RosterError> {
    if paths.len() as u64 > MAX_ROSTER_ROWS {
        return Err(RosterError::TooManyRows);
    }
    let mut run = RosterRun::new(registry);
    let mut input = Sha256::new();
    for (k, chunk) in paths.chunks(64).enumerate() {
        let mut rows = Vec::with_capacity(chunk.len());
        for (j, path) in chunk.iter().enumerate() {
            let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let content = std::fs::read(path).map(|b| sha256_hex(&b)).unwrap_or_default();
            input.update(format!("{name}\t{content}\n").as_bytes());
            let p = path.clone();
            let text = tokio::task::spawn_blocking(move || read_photo(&p))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?;
            rows.push(RosterRow {
                row: (k * 64 + j) as u64 + 1,
                source: Some(name),
                entry: Entry::Qr { text, name: None, item: None },
            });
        }
        run.judge(rows, &mut sink).await?;
        progress(run.rows());
    }
    Ok(run.finish(req, hex::encode(input.finalize())).await?)
}

/// Writes the roster ledger (台账) as XLSX from the results' JSON lines: one row per worker, Chinese headers.
pub fn ledger_xlsx<W: std::io::Write + Seek + Send>(
    lines: impl Iterator<Item = serde_json::Value>,
    out: W,
) -> Result<u64, AppError> {
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::invalid("output", e.to_string());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().map_err(xl)?;
    ws.set_name("核验台账").map_err(xl)?;
    let headers = [
        "行号",
        "证号",
        "姓名",
        "岗位操作项目",
        "核验结果",
        "结果代码",
        "原因",
        "证书操作项目",
        "有效期至",
        "应复审日期",
        "提醒",
        "重复行",
        "文件",
    ];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string(0, i as u16, *h).map_err(xl)?;
    }
    let mut r = 1u32;
    for v in lines {
        let s = |k: &str| match &v[k] {
            serde_json::Value::Null => String::new(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let code = s("result");
        let result_zh = RosterResult::from_code(&code).map_or("", RosterResult::zh).to_string();
        let reminder = match &v["reminder"] {
            serde_json::Value::Object(m) => format!(
                "{} {}（剩{}天）",
                if m.get("kind").and_then(|k| k.as_str()) == Some("review") { "复审" } else { "换证" },
                m.get("due").and_then(|d| d.as_str()).unwrap_or(""),
                m.get("days_left").and_then(serde_json::Value::as_i64).unwrap_or(0)
            ),
            _ => String::new(),
        };
        let cells = [
            s("row"),
            s("number"),
            s("name"),
            s("post_item"),
            result_zh,
            code,
            s("reason"),
            s("certificate_item"),
            s("valid_until"),
            s("review_due"),
            reminder,
            s("duplicate_of"),
            s("source"),
        ];
        for (i, c) in cells.iter().enumerate() {
            ws.write_string(r, i as u16, c).map_err(xl)?;
        }
        r += 1;
    }
    wb.save_to_writer(out).map_err(xl)?;
    Ok(u64::from(r - 1))
}
