//! A year of demo casework across the demo authorities' provinces, so that the campaign's page looks like a
//! campaign: inspections with findings, cases in every state, fines within the legal ranges, hand-overs to the
//! police. Deterministic; only seeded into a registry without cases.

use super::{Case, CaseSource, DecidedPenalty, Finding, HistoryEntry, Inspection};
use crate::error::AppError;
use crate::registry::Registry;
use certguard_casework::case::CaseState;
use certguard_casework::inspection::FindingCategory;
use certguard_casework::penalty::{PenaltyDecision, legal_range};
use certguard_casework::roster::RosterResult;
use certguard_store::AuditRecord;
use chrono::{DateTime, Duration, Utc};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// (region code, city, cases per month on average)
const PLACES: [(&str, &str, u32); 7] = [
    ("320582", "张家港市", 9),
    ("320500", "苏州市", 7),
    ("110105", "北京市朝阳区", 6),
    ("440300", "深圳市", 8),
    ("510100", "成都市", 5),
    ("420100", "武汉市", 4),
    ("370200", "青岛市", 4),
];
const UNITS: [&str; 8] = [
    "建筑安装工程公司",
    "机械制造有限公司",
    "钢结构有限公司",
    "化工有限公司",
    "物业管理公司",
    "装饰工程公司",
    "船舶修造厂",
    "冷链物流公司",
];
const NAMES: [&str; 10] = ["王强", "李军", "张伟", "刘洋", "陈刚", "杨磊", "赵勇", "周涛", "吴斌", "孙鹏"];

/// Seeds a year of casework ending today (nothing if the registry has cases). Returns the cases made.
pub async fn seed(registry: &Registry) -> Result<u64, AppError> {
    if !registry.store().cases(None, 1).await?.is_empty() {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(2026);
    let now = registry.clock().now();
    let mut made = 0u64;
    for days_back in (0..365).rev() {
        let day = now - Duration::days(days_back);
        for (region, city, per_month) in PLACES {
            // Poisson-ish: on average per_month cases a month.
            if rng.random_range(0..30u32) >= per_month {
                continue;
            }
            made += seed_one(registry, &mut rng, region, city, day, now).await?;
        }
    }
    Ok(made)
}

async fn seed_one(
    registry: &Registry,
    rng: &mut StdRng,
    region: &str,
    city: &str,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    let unit = format!("{city}某{}（演示）", UNITS[rng.random_range(0..UNITS.len())]);
    // About 1,819 : 532 unlicensed to fake, as the national campaign found.
    let category = match rng.random_range(0..100u32) {
        0..=22 => FindingCategory::FakeCertificate,
        23..=30 => FindingCategory::ExpiredOrNotReviewed,
        31..=34 => FindingCategory::PersonMismatch,
        _ => FindingCategory::Unlicensed,
    };
    let worker = NAMES[rng.random_range(0..NAMES.len())].to_string();
    let result = match category {
        FindingCategory::FakeCertificate => RosterResult::Fake,
        FindingCategory::ExpiredOrNotReviewed => RosterResult::Expired,
        FindingCategory::PersonMismatch => RosterResult::PersonMismatch,
        FindingCategory::ItemMismatch => RosterResult::ItemMismatch,
        FindingCategory::Unlicensed => RosterResult::NotFound,
    };
    let inspection = Inspection {
        id: 0,
        unit_name: unit.clone(),
        unit_uscc: None,
        region: region.to_string(),
        place: "作业现场".into(),
        at,
        inspectors: vec!["执法一组（演示）".into()],
        recorded_by: "demo-seed".into(),
        workers_checked: rng.random_range(3..40),
        findings: vec![Finding {
            worker: worker.clone(),
            number: String::new(),
            category,
            result,
            reason: category.zh().to_string(),
            note: None,
            photo_sha256: None,
        }],
    };
    let audit = AuditRecord {
        at: now,
        actor: "demo-seed".into(),
        action: "inspection.record".into(),
        target: String::new(),
        detail: "demo".into(),
        client: None,
    };
    let body = serde_json::to_string(&inspection).map_err(|e| AppError::Internal(e.to_string()))?;
    let inspection_id = registry.store().insert_inspection(region, at, "demo-seed", &body, vec![], &audit).await?;

    let offence = category.usual_offence();
    let age = (now - at).num_days();
    // Older cases are further along.
    let mut c = Case {
        id: 0,
        version: 1,
        title: format!("{unit}：{}（{worker}）", category.zh()),
        region: region.to_string(),
        state: CaseState::Filed,
        offence,
        category: Some(category),
        source: CaseSource::Finding { inspection: inspection_id, index: 0 },
        unit_name: Some(unit),
        unit_uscc: None,
        opened_by: "demo-seed".into(),
        opened_at: at,
        penalty: None,
        transferred_at: None,
        closed_at: None,
        history: vec![HistoryEntry { at, actor: "demo-seed".into(), state: CaseState::Filed, note: String::new() }],
    };
    let step = |c: &mut Case, state: CaseState, days: i64| -> DateTime<Utc> {
        let t = (at + Duration::days(days)).min(now);
        c.state = state;
        c.history.push(HistoryEntry { at: t, actor: "demo-seed".into(), state, note: String::new() });
        t
    };
    if age > 5 {
        step(&mut c, CaseState::Investigating, 3);
    }
    if age > 20 {
        if category == FindingCategory::FakeCertificate && rng.random_range(0..100u32) < 20 {
            c.transferred_at = Some(step(&mut c, CaseState::Transferred, 18));
        } else {
            let range = legal_range(offence, false);
            let steps = (range.max_yuan - range.min_yuan.max(5_000)) / 1_000;
            let fine = range.min_yuan.max(5_000) + 1_000 * rng.random_range(0..=steps);
            let decided_at = step(&mut c, CaseState::Decided, 18);
            let decision = PenaltyDecision {
                offence,
                repeat: false,
                fine_yuan: fine,
                responsible_person_fines: vec![],
                warning: range.warning,
                stop_work: false,
            };
            c.penalty =
                Some(DecidedPenalty { decision, article: range.article.to_string(), total_yuan: fine, decided_at });
        }
    }
    if age > 45 {
        c.closed_at = Some(step(&mut c, CaseState::Closed, 40));
    }
    let body = serde_json::to_string(&c).map_err(|e| AppError::Internal(e.to_string()))?;
    let audit = AuditRecord { action: "case.open".into(), ..audit };
    registry.store().insert_case(region, c.state.code(), at, &body, &audit).await?;
    Ok(1)
}
