//! Casework: site inspections (each worker verified as a roster row, findings in the legal categories), cases
//! opened from a finding or a confirmed lead, their steps 立案 → 调查 → 处罚决定 / 移送公安 → 结案 by role with
//! the penalty checked against the law, and the campaign's figures by region and month.
//!
//! Every change is one store transaction with its audit record; a case changes only from the version it was
//! read at. An inspector acts only in the region of the bureau the account belongs to. [`demo`] seeds a year
//! of casework.

pub mod demo;
pub mod evidence;

use crate::error::AppError;
use crate::registry::Registry;
use crate::roster::{Entry, RosterRow, RosterRun, WorkerResult};
use certguard_access::{CaseGrant, Denied, Role};
use certguard_casework::case::{self, Actor, CaseState, Step, StepError};
use certguard_casework::inspection::FindingCategory;
use certguard_casework::penalty::{self, Offence, PenaltyDecision};
use certguard_casework::roster::RosterResult;
use certguard_casework::uscc::Uscc;
use certguard_store::{AuditRecord, CaseRecord};
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::BTreeMap;

/// Workers one inspection records.
pub const MAX_INSPECTED_WORKERS: usize = 500;
/// Cases the figures read.
const MAX_CASES_READ: u32 = 200_000;

/// One worker as the inspector met them.
#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct InspectedWorker {
    pub name: String,
    /// The certificate number shown (typed or scanned); none when the worker has no certificate.
    #[serde(default)]
    pub number: Option<String>,
    /// The QR text scanned from the certificate, if any.
    #[serde(default)]
    pub qr: Option<String>,
    /// The operation item of the work being done.
    #[serde(default)]
    pub item: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// SHA-256 of a certificate photo kept elsewhere (when the photo itself is not sent).
    #[serde(default)]
    pub photo_sha256: Option<String>,
    /// The certificate photo (JPEG or PNG, at most 5 MiB), base64 in the API.
    #[serde(default, skip_serializing)]
    pub photo_base64: Option<String>,
    /// The photo's bytes, from an upload form.
    #[serde(skip)]
    pub photo: Option<Vec<u8>>,
}

/// Bytes of one certificate photo attached to an inspection.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;
/// Pixels of one such photo (decoded once to check that it is an image).
const MAX_PHOTO_PIXELS: u64 = 25_000_000;
/// Photos one inspection keeps: each is decoded to be checked, so a request of many small files that inflate
/// to large images must not buy minutes of work.
pub const MAX_PHOTOS: usize = 20;

/// Checks an attached photo: within the byte cap, and an image that decodes within the pixel cap (never a
/// file of another kind kept as evidence). Returns its SHA-256.
fn check_photo(worker: usize, bytes: &[u8]) -> Result<String, AppError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(AppError::invalid("photo", format!("worker {worker}: the photo is larger than 5 MiB")));
    }
    certguard_credential::qr::load_grey_within(bytes, MAX_PHOTO_PIXELS)
        .map_err(|e| AppError::invalid("photo", format!("worker {worker}: not a usable photo ({e})")))?;
    Ok(hex::encode(sha2::Sha256::digest(bytes)))
}

#[derive(Clone, Debug, Deserialize)]
pub struct NewInspection {
    pub unit_name: String,
    /// The inspected unit's 统一社会信用代码 (its region is the inspection's when `region` is not given).
    #[serde(default)]
    pub unit_uscc: Option<String>,
    /// GB/T 2260 code of the place.
    #[serde(default)]
    pub region: Option<String>,
    pub place: String,
    #[serde(default)]
    pub at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub inspectors: Vec<String>,
    pub workers: Vec<InspectedWorker>,
}

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
pub struct Finding {
    pub worker: String,
    /// Masked.
    pub number: String,
    pub category: FindingCategory,
    pub result: RosterResult,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo_sha256: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Inspection {
    #[serde(default)]
    pub id: i64,
    pub unit_name: String,
    pub unit_uscc: Option<String>,
    pub region: String,
    pub place: String,
    pub at: DateTime<Utc>,
    pub inspectors: Vec<String>,
    pub recorded_by: String,
    pub workers_checked: u64,
    pub findings: Vec<Finding>,
}

fn valid_region(r: &str) -> bool {
    r.len() == 6 && r.bytes().all(|b| b.is_ascii_digit())
}

fn check_region(grant: &CaseGrant, region: &str) -> Result<(), AppError> {
    if grant.covers(region) {
        Ok(())
    } else {
        Err(AppError::Denied(Denied::OtherAuthority {
            own: grant.region_prefix().unwrap_or("").to_string(),
            other: region.to_string(),
        }))
    }
}

fn text_field(field: &str, value: &str, max: usize) -> Result<String, AppError> {
    let v = certguard_types::normalize_text(value).trim().to_string();
    if v.is_empty() {
        return Err(AppError::invalid(field, "required"));
    }
    if v.chars().count() > max {
        return Err(AppError::invalid(field, format!("at most {max} characters")));
    }
    Ok(v)
}

fn json<T: Serialize>(v: &T) -> Result<String, AppError> {
    serde_json::to_string(v).map_err(|e| AppError::Internal(e.to_string()))
}

fn corrupt(e: serde_json::Error) -> AppError {
    AppError::Internal(format!("stored document: {e}"))
}

/// Records a site inspection: every worker verified against the registry as a roster row would be; the
/// ones who may not work become findings.
pub async fn record_inspection(
    registry: &Registry,
    grant: &CaseGrant,
    new: NewInspection,
) -> Result<Inspection, AppError> {
    if grant.role() == Role::Analyst {
        return Err(AppError::Denied(Denied::Role { role: Role::Analyst, action: "record inspections" }));
    }
    let unit_name = text_field("unit_name", &new.unit_name, 200)?;
    let place = text_field("place", &new.place, 300)?;
    let unit_uscc = match new.unit_uscc.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(u) => Some(u.parse::<Uscc>().map_err(|e| AppError::invalid("unit_uscc", e.to_string()))?),
        None => None,
    };
    let region = match (new.region.as_deref().map(str::trim).filter(|r| !r.is_empty()), &unit_uscc) {
        (Some(r), _) if valid_region(r) => r.to_string(),
        (Some(_), _) => return Err(AppError::invalid("region", "a GB/T 2260 code of 6 digits")),
        (None, Some(u)) => u.region().to_string(),
        (None, None) => {
            return Err(AppError::invalid("region", "give the place's region code or the unit's credit code"));
        }
    };
    check_region(grant, &region)?;
    if new.workers.is_empty() || new.workers.len() > MAX_INSPECTED_WORKERS {
        return Err(AppError::invalid("workers", format!("1 to {MAX_INSPECTED_WORKERS} workers per inspection")));
    }
    // Photos first: a bad one refuses the inspection before anything is judged or stored.
    let mut photos = Vec::new();
    let mut photo_hash: Vec<Option<String>> = Vec::with_capacity(new.workers.len());
    for (i, w) in new.workers.iter().enumerate() {
        let bytes = match (&w.photo, &w.photo_base64) {
            (Some(b), _) if !b.is_empty() => Some(b.clone()),
            (_, Some(b64)) if !b64.is_empty() => {
                if b64.len() > MAX_PHOTO_BYTES / 3 * 4 + 4 {
                    return Err(AppError::invalid(
                        "photo",
                        format!("worker {}: the photo is larger than 5 MiB", i + 1),
                    ));
                }
                use base64::Engine;
                Some(
                    base64::engine::general_purpose::STANDARD
                        .decode(b64.trim())
                        .map_err(|_| AppError::invalid("photo_base64", format!("worker {}: not base64", i + 1)))?,
                )
            }
            _ => None,
        };
        match bytes {
            Some(b) => {
                if photos.len() == MAX_PHOTOS {
                    return Err(AppError::invalid("photo", format!("at most {MAX_PHOTOS} photos per inspection")));
                }
                // Decoding is CPU work: off the async workers.
                let (b, sha256) = tokio::task::spawn_blocking(move || check_photo(i + 1, &b).map(|h| (b, h)))
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))??;
                photo_hash.push(Some(sha256.clone()));
                photos.push(certguard_store::InspectionPhoto { worker: i as i64 + 1, sha256, bytes: b });
            }
            None => photo_hash
                .push(w.photo_sha256.clone().filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))),
        }
    }
    let rows: Vec<RosterRow> = new
        .workers
        .iter()
        .enumerate()
        .map(|(i, w)| RosterRow {
            row: i as u64 + 1,
            source: None,
            entry: match (&w.qr, &w.number) {
                (Some(qr), _) if !qr.trim().is_empty() => {
                    Entry::Qr { text: Ok(qr.trim().to_string()), name: Some(w.name.clone()), item: w.item.clone() }
                }
                (_, number) => Entry::Typed {
                    number: number.clone().unwrap_or_default(),
                    name: w.name.clone(),
                    item: w.item.clone(),
                },
            },
        })
        .collect();
    let mut results: Vec<WorkerResult> = Vec::new();
    let mut run = RosterRun::new(registry);
    run.judge(rows, |w, _| results.push(w.clone())).await?;
    let findings = results
        .iter()
        .zip(new.workers.iter().zip(&photo_hash))
        .filter_map(|(r, (w, photo_sha256))| {
            let category = FindingCategory::of_result(r.outcome.result)?;
            Some(Finding {
                worker: r.name.clone(),
                number: r.number.clone(),
                category,
                result: r.outcome.result,
                reason: r.outcome.reason.clone(),
                note: w.note.clone(),
                photo_sha256: photo_sha256.clone(),
            })
        })
        .collect();
    let mut inspection = Inspection {
        id: 0,
        unit_name,
        unit_uscc: unit_uscc.map(|u| u.to_string()),
        region: region.clone(),
        place,
        at: new.at.unwrap_or_else(|| registry.clock().now()),
        inspectors: new
            .inspectors
            .iter()
            .map(|i| i.trim().chars().take(50).collect())
            .filter(|i: &String| !i.is_empty())
            .take(10)
            .collect(),
        recorded_by: grant.actor().to_string(),
        workers_checked: new.workers.len() as u64,
        findings,
    };
    let audit = AuditRecord {
        at: registry.clock().now(),
        actor: grant.actor().to_string(),
        action: "inspection.record".into(),
        target: String::new(),
        detail: format!(
            "region={region} workers={} findings={}",
            inspection.workers_checked,
            inspection.findings.len()
        ),
        client: None,
    };
    inspection.id = registry
        .store()
        .insert_inspection(&region, inspection.at, grant.actor(), &json(&inspection)?, photos, &audit)
        .await?;
    Ok(inspection)
}

pub async fn inspection(registry: &Registry, grant: &CaseGrant, id: i64) -> Result<Inspection, AppError> {
    let rec = registry.store().inspection(id).await?.ok_or(AppError::NotFound)?;
    check_region(grant, &rec.region)?;
    let mut i: Inspection = serde_json::from_str(&rec.body).map_err(corrupt)?;
    i.id = rec.id;
    Ok(i)
}

/// Where a case came from.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CaseSource {
    Finding { inspection: i64, index: usize },
    Lead { lead: i64 },
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub actor: String,
    pub state: CaseState,
    pub note: String,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct DecidedPenalty {
    pub decision: PenaltyDecision,
    pub article: String,
    pub total_yuan: u64,
    pub decided_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
pub struct Case {
    #[serde(default)]
    pub id: i64,
    #[serde(default)]
    pub version: i64,
    pub title: String,
    pub region: String,
    pub state: CaseState,
    pub offence: Offence,
    /// The finding's category, when opened from one (the campaign counts cases by it).
    pub category: Option<FindingCategory>,
    pub source: CaseSource,
    pub unit_name: Option<String>,
    pub unit_uscc: Option<String>,
    pub opened_by: String,
    pub opened_at: DateTime<Utc>,
    pub penalty: Option<DecidedPenalty>,
    pub transferred_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub history: Vec<HistoryEntry>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct OpenCase {
    pub source: CaseSource,
    #[serde(default)]
    pub title: Option<String>,
    /// Defaults to the finding's usual offence; required for a lead.
    #[serde(default)]
    pub offence: Option<Offence>,
    /// Required for a lead without a region.
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

fn actor_of(grant: &CaseGrant) -> Actor {
    match grant.role() {
        Role::Inspector => Actor::Inspector,
        Role::Analyst => Actor::Analyst,
        _ => Actor::Admin,
    }
}

/// Opens a case (立案) from a finding of an inspection or from a confirmed lead.
pub async fn open_case(registry: &Registry, grant: &CaseGrant, open: OpenCase) -> Result<Case, AppError> {
    if !case::may_open(actor_of(grant)) {
        return Err(AppError::Denied(Denied::Role { role: grant.role(), action: "open cases" }));
    }
    let now = registry.clock().now();
    let (region, offence, category, unit_name, unit_uscc, title) = match &open.source {
        CaseSource::Finding { inspection: id, index } => {
            if grant.role() == Role::Analyst {
                return Err(AppError::Denied(Denied::Role {
                    role: Role::Analyst,
                    action: "open cases from inspections",
                }));
            }
            let i = inspection(registry, grant, *id).await?;
            let f = i
                .findings
                .get(*index)
                .ok_or_else(|| AppError::invalid("source", format!("inspection {id} has no finding {index}")))?;
            let title = format!("{}：{}（{}）", i.unit_name, f.category.zh(), f.worker);
            (
                i.region.clone(),
                open.offence.unwrap_or(f.category.usual_offence()),
                Some(f.category),
                Some(i.unit_name),
                i.unit_uscc,
                title,
            )
        }
        CaseSource::Lead { lead } => {
            let detail = registry.store().lead(*lead).await?.ok_or(AppError::NotFound)?;
            if detail.lead.status != certguard_leads::LeadStatus::Confirmed {
                return Err(AppError::invalid("source", "only a confirmed lead opens a case: confirm it first"));
            }
            let region =
                open.region.clone().or(detail.lead.region.clone()).filter(|r| valid_region(r)).ok_or_else(|| {
                    AppError::invalid("region", "a case from a lead needs the region (6-digit GB/T 2260 code)")
                })?;
            let offence = open.offence.unwrap_or(Offence::EmployerForgedCertificate);
            let title = format!("线索#{lead}：{}", detail.lead.value.chars().take(80).collect::<String>());
            (region, offence, Some(FindingCategory::FakeCertificate), None, None, title)
        }
    };
    check_region(grant, &region)?;
    let title = match open.title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => text_field("title", t, 200)?,
        None => title,
    };
    let mut c = Case {
        id: 0,
        version: 1,
        title,
        region: region.clone(),
        state: CaseState::Filed,
        offence,
        category,
        source: open.source.clone(),
        unit_name,
        unit_uscc,
        opened_by: grant.actor().to_string(),
        opened_at: now,
        penalty: None,
        transferred_at: None,
        closed_at: None,
        history: vec![HistoryEntry {
            at: now,
            actor: grant.actor().to_string(),
            state: CaseState::Filed,
            note: open.note.unwrap_or_default().chars().take(2000).collect(),
        }],
    };
    let audit = AuditRecord {
        at: now,
        actor: grant.actor().to_string(),
        action: "case.open".into(),
        target: String::new(),
        detail: format!("region={region} offence={} source={}", offence.code(), json(&c.source)?),
        client: None,
    };
    c.id = registry.store().insert_case(&region, CaseState::Filed.code(), now, &json(&c)?, &audit).await?;
    Ok(c)
}

fn from_record(rec: CaseRecord) -> Result<Case, AppError> {
    let mut c: Case = serde_json::from_str(&rec.body).map_err(corrupt)?;
    c.id = rec.id;
    c.version = rec.version;
    Ok(c)
}

pub async fn get_case(registry: &Registry, grant: &CaseGrant, id: i64) -> Result<Case, AppError> {
    let rec = registry.store().case(id).await?.ok_or(AppError::NotFound)?;
    check_region(grant, &rec.region)?;
    from_record(rec)
}

pub async fn list_cases(registry: &Registry, grant: &CaseGrant, limit: u32) -> Result<Vec<Case>, AppError> {
    registry.store().cases(grant.region_prefix(), limit.min(1000)).await?.into_iter().map(from_record).collect()
}

#[derive(Clone, Debug, Deserialize)]
pub struct StepRequest {
    pub step: Step,
    /// The version the caller read (refused if the case changed since); the current one when absent.
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
    /// Required for `decide`.
    #[serde(default)]
    pub decision: Option<PenaltyDecision>,
}

/// One step of a case, refused with the reason when out of order, by the wrong role, outside the grant's
/// region, or (for a decision) outside the law's range.
pub async fn step(registry: &Registry, grant: &CaseGrant, id: i64, req: StepRequest) -> Result<Case, AppError> {
    let mut c = get_case(registry, grant, id).await?;
    if let Some(v) = req.version
        && v != c.version
    {
        return Err(AppError::Conflict(format!("case {id} is at version {}, not {v}: reload it", c.version)));
    }
    let next = case::transition(c.state, req.step, actor_of(grant)).map_err(|e| match e {
        StepError::Role { step, .. } => {
            AppError::Denied(Denied::Role { role: grant.role(), action: step_action(step) })
        }
        e @ StepError::OutOfOrder { .. } => AppError::Conflict(e.to_string()),
    })?;
    let now = registry.clock().now();
    let mut detail = format!("{} → {}", c.state.code(), next.code());
    if req.step == Step::Decide {
        let d = req.decision.clone().ok_or_else(|| AppError::invalid("decision", "a penalty decision is required"))?;
        if d.repeat && !earlier_order_exists(registry, &c).await? {
            return Err(AppError::invalid(
                "decision",
                "加重处罚须有此前责令改正的处罚决定记录 (the second tier needs an earlier decision for this unit on record)",
            ));
        }
        let range = penalty::check(&d).map_err(|e| AppError::invalid("decision", e.to_string()))?;
        detail.push_str(&format!(" {} {} yuan ({})", d.offence.code(), penalty::total_yuan(&d), range.article));
        c.offence = d.offence;
        c.penalty = Some(DecidedPenalty {
            total_yuan: penalty::total_yuan(&d),
            decision: d,
            article: range.article.to_string(),
            decided_at: now,
        });
    } else if req.decision.is_some() {
        return Err(AppError::invalid("decision", "a decision belongs to the decide step"));
    }
    match next {
        CaseState::Transferred => c.transferred_at = Some(now),
        CaseState::Closed => c.closed_at = Some(now),
        _ => {}
    }
    c.state = next;
    c.history.push(HistoryEntry {
        at: now,
        actor: grant.actor().to_string(),
        state: next,
        note: req.note.unwrap_or_default().chars().take(2000).collect(),
    });
    let audit = AuditRecord {
        at: now,
        actor: grant.actor().to_string(),
        action: format!("case.{}", req.step.code()),
        target: format!("case:{id}"),
        detail,
        client: None,
    };
    registry.store().update_case(id, c.version, next.code(), now, &json(&c)?, &audit).await?;
    c.version += 1;
    Ok(c)
}

fn step_action(s: Step) -> &'static str {
    match s {
        Step::Investigate => "investigate cases",
        Step::Decide => "decide penalties",
        Step::Transfer => "transfer cases to the police",
        Step::Close => "close cases",
    }
}

/// Whether the unit was already ordered to correct unlicensed work (an earlier decided case).
async fn earlier_order_exists(registry: &Registry, c: &Case) -> Result<bool, AppError> {
    let Some(unit) = &c.unit_uscc else { return Ok(false) };
    for rec in registry.store().cases(Some(&c.region), MAX_CASES_READ).await? {
        if rec.id == c.id {
            continue;
        }
        let other = from_record(rec)?;
        if other.unit_uscc.as_ref() == Some(unit)
            && other.penalty.as_ref().is_some_and(|p| p.decision.offence == Offence::EmployerUnlicensedWork)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The campaign's figures for one province and month.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct CampaignRow {
    /// The province's 2-digit GB/T 2260 code.
    pub province: String,
    /// YYYY-MM
    pub month: String,
    /// Cases of work without a valid certificate (无证上岗, expired, item not covered).
    pub unlicensed_cases: u64,
    /// Cases of fake certificates (持假证, forgery, lent or impersonated).
    pub fake_cases: u64,
    /// Fines decided that month, yuan.
    pub fines_yuan: u64,
    /// Cases handed to the police that month.
    pub police_transfers: u64,
    pub closed_cases: u64,
    /// Leads on fake sites and sellers reported for action (已报送处置) that month, still reported.
    pub leads_reported: u64,
    /// Fake sites and offers taken down (已关停) that month.
    pub sites_taken_down: u64,
}

/// Province names for the dashboard (GB/T 2260 two-digit codes).
pub fn province_name(code: &str) -> &'static str {
    match code {
        "00" => "全国/未注明",
        "11" => "北京市",
        "12" => "天津市",
        "13" => "河北省",
        "14" => "山西省",
        "15" => "内蒙古自治区",
        "21" => "辽宁省",
        "22" => "吉林省",
        "23" => "黑龙江省",
        "31" => "上海市",
        "32" => "江苏省",
        "33" => "浙江省",
        "34" => "安徽省",
        "35" => "福建省",
        "36" => "江西省",
        "37" => "山东省",
        "41" => "河南省",
        "42" => "湖北省",
        "43" => "湖南省",
        "44" => "广东省",
        "45" => "广西壮族自治区",
        "46" => "海南省",
        "50" => "重庆市",
        "51" => "四川省",
        "52" => "贵州省",
        "53" => "云南省",
        "54" => "西藏自治区",
        "61" => "陕西省",
        "62" => "甘肃省",
        "63" => "青海省",
        "64" => "宁夏回族自治区",
        "65" => "新疆维吾尔自治区",
        _ => "其他",
    }
}

fn month(t: DateTime<Utc>) -> String {
    let t = t.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8"));
    format!("{:04}-{:02}", t.year(), t.month())
}

/// Pure: the figures from the cases, by province and month (China time), sorted.
pub fn campaign_rows(cases: &[Case]) -> Vec<CampaignRow> {
    let mut rows: BTreeMap<(String, String), CampaignRow> = BTreeMap::new();
    fn at<'a>(rows: &'a mut BTreeMap<(String, String), CampaignRow>, province: &str, m: String) -> &'a mut CampaignRow {
        rows.entry((province.to_string(), m.clone())).or_insert_with(|| CampaignRow {
            province: province.to_string(),
            month: m,
            ..CampaignRow::default()
        })
    }
    for c in cases {
        let province = c.region.get(..2).unwrap_or("00");
        let fake = matches!(c.category, Some(FindingCategory::FakeCertificate | FindingCategory::PersonMismatch))
            || (c.category.is_none()
                && matches!(
                    c.offence,
                    Offence::EmployerForgedCertificate
                        | Offence::WorkerForgedCertificate
                        | Offence::WorkerLentOrImpersonated
                ));
        let row = at(&mut rows, province, month(c.opened_at));
        if fake {
            row.fake_cases += 1;
        } else {
            row.unlicensed_cases += 1;
        }
        if let Some(p) = &c.penalty {
            at(&mut rows, province, month(p.decided_at)).fines_yuan += p.total_yuan;
        }
        if let Some(t) = c.transferred_at {
            at(&mut rows, province, month(t)).police_transfers += 1;
        }
        if let Some(t) = c.closed_at {
            at(&mut rows, province, month(t)).closed_cases += 1;
        }
    }
    rows.into_values().collect()
}

/// The province code of a lead's free-text region ("江苏省苏州市", "江苏"), or "00" when it names none.
pub fn province_of_text(region: Option<&str>) -> &'static str {
    const CODES: [&str; 31] = [
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
        "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    ];
    let Some(text) = region.map(str::trim).filter(|t| !t.is_empty()) else { return "00" };
    CODES
        .into_iter()
        .find(|code| {
            let short: String = province_name(code).chars().take(2).collect();
            text.starts_with(&short)
        })
        .unwrap_or("00")
}

/// Pure: adds the leads reported for action and taken down to the figures, by the province their region
/// names and the month their status last changed.
pub fn add_lead_rows(rows: &mut Vec<CampaignRow>, leads: &[certguard_leads::Lead]) {
    let mut map: BTreeMap<(String, String), CampaignRow> =
        rows.drain(..).map(|r| ((r.province.clone(), r.month.clone()), r)).collect();
    for l in leads {
        let Some(at) = l.status_changed_at else { continue };
        let province = province_of_text(l.region.as_deref());
        let m = month(at);
        let row = map.entry((province.to_string(), m.clone())).or_insert_with(|| CampaignRow {
            province: province.to_string(),
            month: m,
            ..CampaignRow::default()
        });
        match l.status {
            certguard_leads::LeadStatus::Reported => row.leads_reported += 1,
            certguard_leads::LeadStatus::TakenDown => row.sites_taken_down += 1,
            _ => {}
        }
    }
    *rows = map.into_values().collect();
}

/// The campaign's figures over the cases the grant covers, and the leads reported and taken down (for an
/// inspector of a region: the leads whose region names its province).
pub async fn campaign(registry: &Registry, grant: &CaseGrant) -> Result<Vec<CampaignRow>, AppError> {
    let cases: Vec<Case> = registry
        .store()
        .cases(grant.region_prefix(), MAX_CASES_READ)
        .await?
        .into_iter()
        .map(from_record)
        .collect::<Result<_, _>>()?;
    let mut rows = campaign_rows(&cases);
    let mut leads = Vec::new();
    for status in [certguard_leads::LeadStatus::Reported, certguard_leads::LeadStatus::TakenDown] {
        let q = certguard_store::LeadQuery { status: Some(status), limit: 10_000, ..Default::default() };
        leads.extend(registry.store().leads(&q).await?);
    }
    if let Some(prefix) = grant.region_prefix() {
        leads.retain(|l| prefix.starts_with(province_of_text(l.region.as_deref())));
    }
    add_lead_rows(&mut rows, &leads);
    Ok(rows)
}

/// The figures as XLSX (one row per province and month, Chinese headers).
pub fn campaign_xlsx(rows: &[CampaignRow]) -> Result<Vec<u8>, AppError> {
    let xl = |e: rust_xlsxwriter::XlsxError| AppError::Internal(e.to_string());
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("专项行动数据").map_err(xl)?;
    let headers = [
        "省份代码",
        "省份",
        "月份",
        "无证上岗案件",
        "持假证案件",
        "罚款(元)",
        "移送公安",
        "结案",
        "线索报送处置",
        "关停网站",
    ];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string(0, i as u16, *h).map_err(xl)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, &row.province).map_err(xl)?;
        ws.write_string(r, 1, province_name(&row.province)).map_err(xl)?;
        ws.write_string(r, 2, &row.month).map_err(xl)?;
        let numbers = [
            row.unlicensed_cases,
            row.fake_cases,
            row.fines_yuan,
            row.police_transfers,
            row.closed_cases,
            row.leads_reported,
            row.sites_taken_down,
        ];
        for (k, n) in numbers.iter().enumerate() {
            ws.write_number(r, 3 + k as u16, *n as f64).map_err(xl)?;
        }
    }
    wb.save_to_buffer().map_err(xl)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn case(region: &str, category: FindingCategory, opened: DateTime<Utc>) -> Case {
        Case {
            id: 1,
            version: 1,
            title: String::new(),
            region: region.into(),
            state: CaseState::Filed,
            offence: category.usual_offence(),
            category: Some(category),
            source: CaseSource::Lead { lead: 1 },
            unit_name: None,
            unit_uscc: None,
            opened_by: "i".into(),
            opened_at: opened,
            penalty: None,
            transferred_at: None,
            closed_at: None,
            history: vec![],
        }
    }

    #[test]
    fn figures_fall_in_the_province_and_the_china_month_of_each_event() {
        // 2026-02-28 17:00 UTC is 1 March in China.
        let feb_end = Utc.with_ymd_and_hms(2026, 2, 28, 17, 0, 0).unwrap();
        let mut a = case("320582", FindingCategory::Unlicensed, feb_end);
        a.penalty = Some(DecidedPenalty {
            decision: PenaltyDecision {
                offence: Offence::EmployerUnlicensedWork,
                repeat: false,
                fine_yuan: 50_000,
                responsible_person_fines: vec![],
                warning: false,
                stop_work: false,
            },
            article: String::new(),
            total_yuan: 50_000,
            decided_at: Utc.with_ymd_and_hms(2026, 4, 2, 3, 0, 0).unwrap(),
        });
        let mut b = case("321000", FindingCategory::FakeCertificate, feb_end - chrono::Duration::days(3));
        b.transferred_at = Some(Utc.with_ymd_and_hms(2026, 3, 9, 3, 0, 0).unwrap());
        let c = case("440300", FindingCategory::PersonMismatch, feb_end);
        let rows = campaign_rows(&[a, b, c]);
        let get = |p: &str, m: &str| rows.iter().find(|r| r.province == p && r.month == m).cloned().unwrap_or_default();
        assert_eq!(get("32", "2026-03").unlicensed_cases, 1);
        assert_eq!(get("32", "2026-03").police_transfers, 1);
        assert_eq!(get("32", "2026-02").fake_cases, 1);
        assert_eq!(get("32", "2026-04").fines_yuan, 50_000);
        assert_eq!(get("44", "2026-03").fake_cases, 1);
        assert_eq!(rows.iter().map(|r| r.unlicensed_cases + r.fake_cases).sum::<u64>(), 3);
        assert_eq!(province_name("32"), "江苏省");
    }

    #[test]
    fn leads_fall_in_the_province_their_region_names() {
        assert_eq!(province_of_text(Some("江苏省苏州市")), "32");
        assert_eq!(province_of_text(Some("广东")), "44");
        assert_eq!(province_of_text(Some("内蒙古自治区包头市")), "15");
        assert_eq!(province_of_text(Some("网络")), "00");
        assert_eq!(province_of_text(None), "00");
    }
}
