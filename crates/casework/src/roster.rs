//! What verifying one worker of an employer's roster answers, and why.
//!
//! The employer types (or imports) a certificate number, the worker's name and, optionally, the operation item
//! the post needs. The registry's certificates with that number decide: the answer never tells the employer
//! whose certificate a number is when the name differs, only that it is not this worker's.

use certguard_registry::{Catalogue, Certificate, Scope, Status};
use certguard_types::{PersonName, ResidentId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Days before a review or expiry when the employer is reminded (first and second reminder).
pub const REMINDER_DAYS: [i64; 2] = [60, 30];

/// The answer for one worker. Codes are part of the CLI's and the API's output and never change meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterResult {
    Valid,
    ReviewDue,
    ReviewOverdue,
    Expired,
    Suspended,
    Revoked,
    NotFound,
    /// A forgery: signature, transparency log or printed-data plausibility fails.
    Fake,
    /// The number exists, but not for this worker's name.
    PersonMismatch,
    /// The worker's certificate does not cover the item the post needs.
    ItemMismatch,
}

impl RosterResult {
    pub const ALL: [RosterResult; 10] = [
        Self::Valid,
        Self::ReviewDue,
        Self::ReviewOverdue,
        Self::Expired,
        Self::Suspended,
        Self::Revoked,
        Self::NotFound,
        Self::Fake,
        Self::PersonMismatch,
        Self::ItemMismatch,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::ReviewDue => "review_due",
            Self::ReviewOverdue => "review_overdue",
            Self::Expired => "expired",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
            Self::NotFound => "not_found",
            Self::Fake => "fake",
            Self::PersonMismatch => "person_mismatch",
            Self::ItemMismatch => "item_mismatch",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Self::Valid => "有效",
            Self::ReviewDue => "临近复审",
            Self::ReviewOverdue => "逾期未复审",
            Self::Expired => "已过期",
            Self::Suspended => "暂扣",
            Self::Revoked => "已吊销/注销",
            Self::NotFound => "查无此证",
            Self::Fake => "假证",
            Self::PersonMismatch => "人证不符",
            Self::ItemMismatch => "作业项目不符",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Self::Valid => "valid",
            Self::ReviewDue => "review due",
            Self::ReviewOverdue => "review overdue",
            Self::Expired => "expired",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked or cancelled",
            Self::NotFound => "not found",
            Self::Fake => "fake",
            Self::PersonMismatch => "person mismatch",
            Self::ItemMismatch => "item does not cover the post",
        }
    }

    /// Whether the worker may do the post's work today on this answer.
    pub fn permits_work(self) -> bool {
        matches!(self, Self::Valid | Self::ReviewDue)
    }
}

/// What falls due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DueKind {
    /// 复审
    Review,
    /// 有效期届满 (renewal)
    Expiry,
}

/// A review or expiry within [`REMINDER_DAYS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub kind: DueKind,
    pub due: NaiveDate,
    pub days_left: i64,
    /// 60 or 30: the reminder this is.
    pub stage: i64,
}

/// The reminder for a certificate still in force on `today`, if its next review or its expiry is near.
pub fn reminder(c: &Certificate, today: NaiveDate) -> Option<Reminder> {
    if !c.status(today).permits_work() {
        return None;
    }
    let (kind, due) = match c.review_due {
        Some(r) if r < c.valid_until => (DueKind::Review, r),
        _ => (DueKind::Expiry, c.valid_until),
    };
    let days_left = (due - today).num_days();
    let stage = REMINDER_DAYS.iter().rev().find(|&&d| days_left <= d).copied()?;
    (days_left >= 0).then_some(Reminder { kind, due, days_left, stage })
}

/// The answer for one worker with the reason in Chinese and English and, when a certificate was found for
/// this worker, what it is (never the ID number).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RosterOutcome {
    pub result: RosterResult,
    pub reason: String,
    pub reason_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// The certificate's item (special operation) or personnel type (management), as a code.
    #[serde(rename = "certificate_item", skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review_due: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder: Option<Reminder>,
}

impl RosterOutcome {
    pub fn bare(result: RosterResult, reason: impl Into<String>, reason_en: impl Into<String>) -> Self {
        RosterOutcome {
            result,
            reason: reason.into(),
            reason_en: reason_en.into(),
            serial: None,
            item: None,
            valid_until: None,
            review_due: None,
            reminder: None,
        }
    }

    fn of(c: &Certificate, result: RosterResult, reason: String, reason_en: String, today: NaiveDate) -> Self {
        RosterOutcome {
            result,
            reason,
            reason_en,
            serial: Some(c.serial.to_hex()),
            item: Some(match &c.scope {
                Scope::SpecialOperation { item, .. } => item.clone(),
                Scope::Management { personnel_type, .. } => personnel_type.clone(),
            }),
            valid_until: Some(c.valid_until),
            review_due: c.review_due,
            reminder: reminder(c, today),
        }
    }
}

/// The catalogue code a post's item is given as (code, Chinese or English name of an item, a category, a
/// management personnel type or industry).
pub fn resolve_item(catalogue: &Catalogue, text: &str) -> Option<String> {
    let t = certguard_types::normalize_text(text);
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    if let Some((_, item)) = catalogue.item(t) {
        return Some(item.code.clone());
    }
    for cat in &catalogue.categories {
        if let Some(item) = catalogue.find_item(cat, t) {
            return Some(item.code.clone());
        }
    }
    if let Some(cat) = catalogue.find_category(t) {
        return Some(cat.code.clone());
    }
    catalogue.personnel_type(t).or_else(|| catalogue.industry(t)).map(|l| l.code.clone())
}

/// Whether a certificate's scope covers the post's item code (an item, its whole category, or a management
/// personnel type or industry).
pub fn covers(scope: &Scope, code: &str) -> bool {
    match scope {
        Scope::SpecialOperation { category, item } => item == code || category == code,
        Scope::Management { personnel_type, industry } => personnel_type == code || industry == code,
    }
}

/// Rank of a status when a worker holds several certificates with one number: the one that lets them work wins.
fn rank(s: Status) -> u8 {
    match s {
        Status::Valid => 0,
        Status::ReviewDue => 1,
        Status::ReviewOverdue => 2,
        Status::Suspended => 3,
        Status::Expired => 4,
        Status::Revoked => 5,
        Status::Cancelled => 6,
        Status::Pending => 7,
    }
}

/// The answer for a certificate found for this worker, from its status.
pub fn of_certificate(c: &Certificate, today: NaiveDate) -> RosterOutcome {
    let status = c.status(today);
    let (result, zh, en) = match status {
        Status::Valid => (RosterResult::Valid, "证书有效".to_string(), "the certificate is valid".to_string()),
        Status::ReviewDue => (
            RosterResult::ReviewDue,
            format!("证书有效，应于{}前复审", c.review_due.unwrap_or(c.valid_until)),
            format!("valid; review due by {}", c.review_due.unwrap_or(c.valid_until)),
        ),
        Status::ReviewOverdue => (
            RosterResult::ReviewOverdue,
            format!("应于{}复审，逾期未复审，不得上岗", c.review_due.unwrap_or(c.valid_until)),
            format!("the review due on {} was missed: the holder may not work", c.review_due.unwrap_or(c.valid_until)),
        ),
        Status::Expired => {
            (RosterResult::Expired, format!("有效期已于{}届满", c.valid_until), format!("expired on {}", c.valid_until))
        }
        Status::Suspended => (RosterResult::Suspended, "证书被暂扣".into(), "the certificate is suspended".into()),
        Status::Revoked => (RosterResult::Revoked, "证书已被吊销".into(), "the certificate was revoked".into()),
        Status::Cancelled => (RosterResult::Revoked, "证书已注销".into(), "the certificate was cancelled".into()),
        Status::Pending => (
            RosterResult::NotFound,
            format!("证书自{}起生效，今日尚未生效", c.valid_from),
            format!("the certificate takes effect on {}, not yet today", c.valid_from),
        ),
    };
    RosterOutcome::of(c, result, zh, en, today)
}

/// Verifies a typed roster row: `number` and `name` as the employer gave them, the post's item code if any
/// (already resolved with [`resolve_item`]; `Err(text)` when it could not be), and every registry certificate
/// with that number, whatever its holder.
pub fn judge_typed(
    number: &str,
    name: &str,
    item: Option<Result<&str, &str>>,
    certificates: &[Certificate],
    today: NaiveDate,
) -> RosterOutcome {
    let number = certguard_types::normalize_compact(number).to_uppercase();
    if number.is_empty() {
        return RosterOutcome::bare(RosterResult::NotFound, "缺少证号", "no certificate number given");
    }
    if let Some(rest) = number.strip_prefix('T')
        && rest.len() == 18
        && rest[..17].bytes().all(|b| b.is_ascii_digit())
        && let Err(e) = rest.parse::<ResidentId>()
    {
        // A special-operation number is "T" + the holder's ID: one that fails the ID's own checks was never
        // issued (or was mistyped; the reason says which check).
        return RosterOutcome::bare(
            RosterResult::Fake,
            format!("证号中的身份证号不成立（{e}）：此号码从未签发，或录入有误"),
            format!("the ID number inside the certificate number is impossible ({e}): never issued, or mistyped"),
        );
    }
    if certificates.is_empty() {
        return RosterOutcome::bare(
            RosterResult::NotFound,
            "登记簿中无此证号",
            "the registry has no certificate with this number",
        );
    }
    let wanted = name.parse::<PersonName>().ok();
    let mine: Vec<&Certificate> =
        certificates.iter().filter(|c| wanted.as_ref().is_some_and(|w| c.holder.name == *w)).collect();
    if mine.is_empty() {
        return RosterOutcome::bare(
            RosterResult::PersonMismatch,
            "证号存在，但不属于此姓名的人员（人证不符）",
            "the number exists but is not this worker's (the name differs)",
        );
    }
    let covering: Vec<&Certificate> = match item {
        None => mine.clone(),
        Some(Err(text)) => {
            return RosterOutcome::bare(
                RosterResult::ItemMismatch,
                format!("岗位所需操作项目“{text}”不在特种作业目录中"),
                format!("the post's item {text:?} is not in the catalogue"),
            );
        }
        Some(Ok(code)) => mine.iter().copied().filter(|c| covers(&c.scope, code)).collect(),
    };
    let Some(best) = covering.iter().min_by_key(|c| (rank(c.status(today)), std::cmp::Reverse(c.valid_from))) else {
        let held: Vec<&str> = mine.iter().map(|c| c.scope.codes().1).collect();
        let code = match item {
            Some(Ok(code)) => code,
            _ => "",
        };
        let best =
            mine.iter().min_by_key(|c| (rank(c.status(today)), std::cmp::Reverse(c.valid_from))).expect("non-empty");
        let mut out = RosterOutcome::of(
            best,
            RosterResult::ItemMismatch,
            format!("证书的操作项目为{}，不含岗位所需的{code}", held.join("、")),
            format!("the certificate covers {}, not the post's {code}", held.join(", ")),
            today,
        );
        out.reminder = None;
        return out;
    };
    of_certificate(best, today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use certguard_registry::{Holder, Lifecycle, Serial};
    use certguard_types::{IdentityDoc, Sex};

    const ID: &str = "11010519491231002X";

    fn cert(
        name: &str,
        item: &str,
        from: &str,
        until: &str,
        review: Option<&str>,
        lifecycle: Lifecycle,
    ) -> Certificate {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        Certificate {
            serial: Serial([7; 16]),
            number: format!("T{ID}").parse().unwrap(),
            holder: Holder {
                name: name.parse().unwrap(),
                sex: Sex::Female,
                identity: IdentityDoc::Resident(ID.parse().unwrap()),
            },
            scope: Scope::SpecialOperation { category: item.split('.').next().unwrap().into(), item: item.into() },
            authority: "CN-320582".parse().unwrap(),
            first_issued: d(from),
            valid_from: d(from),
            valid_until: d(until),
            review_due: review.map(d),
            last_review: None,
            review_interval_years: 3,
            lifecycle,
            credential: None,
        }
    }

    fn today() -> NaiveDate {
        "2026-12-04".parse().unwrap()
    }

    #[test]
    fn the_registry_record_decides_each_answer() {
        let number = format!("T{ID}");
        let valid = cert("王芳", "1.2", "2024-01-10", "2030-01-10", Some("2027-06-10"), Lifecycle::Active);
        let out = judge_typed(&number, "王芳", None, std::slice::from_ref(&valid), today());
        assert_eq!(out.result, RosterResult::Valid);
        assert_eq!(out.item.as_deref(), Some("1.2"));
        assert_eq!(out.reminder, None);
        let near = cert("王芳", "1.2", "2024-01-10", "2030-01-10", Some("2027-01-10"), Lifecycle::Active);
        let out = judge_typed(&number, "王芳", None, std::slice::from_ref(&near), today());
        assert_eq!(out.result, RosterResult::ReviewDue);
        // Due in 37 days: inside the 60-day reminder, not yet the 30-day one.
        assert_eq!(out.reminder.map(|r| (r.kind, r.days_left, r.stage)), Some((DueKind::Review, 37, 60)));

        assert_eq!(
            judge_typed(&number, "王 芳", None, std::slice::from_ref(&valid), today()).result,
            RosterResult::Valid
        );
        assert_eq!(
            judge_typed(&number, "李四", None, std::slice::from_ref(&valid), today()).result,
            RosterResult::PersonMismatch
        );
        let welder = judge_typed(&number, "王芳", Some(Ok("2.1")), std::slice::from_ref(&valid), today());
        assert_eq!(welder.result, RosterResult::ItemMismatch);
        assert!(welder.reason.contains("1.2") && welder.reason.contains("2.1"), "{}", welder.reason);
        assert_eq!(
            judge_typed(&number, "王芳", Some(Ok("1")), std::slice::from_ref(&valid), today()).result,
            RosterResult::Valid
        );
        assert_eq!(
            judge_typed(&number, "王芳", Some(Err("开飞机")), std::slice::from_ref(&valid), today()).result,
            RosterResult::ItemMismatch
        );
        assert_eq!(judge_typed(&number, "王芳", None, &[], today()).result, RosterResult::NotFound);
        assert_eq!(judge_typed("", "王芳", None, &[], today()).result, RosterResult::NotFound);
        // One changed digit breaks the ID's check character: never issued.
        let forged = judge_typed("T110105194912310021", "王芳", None, &[], today());
        assert_eq!(forged.result, RosterResult::Fake, "{}", forged.reason);

        let overdue = cert("王芳", "1.2", "2020-01-10", "2026-01-10", Some("2023-01-10"), Lifecycle::Active);
        assert_eq!(
            judge_typed(&number, "王芳", None, std::slice::from_ref(&overdue), today()).result,
            RosterResult::Expired
        );
        let missed = cert("王芳", "1.2", "2022-01-10", "2028-01-10", Some("2025-01-10"), Lifecycle::Active);
        assert_eq!(
            judge_typed(&number, "王芳", None, std::slice::from_ref(&missed), today()).result,
            RosterResult::ReviewOverdue
        );
        let suspended = cert(
            "王芳",
            "1.2",
            "2024-01-10",
            "2030-01-10",
            Some("2027-01-10"),
            Lifecycle::Suspended { since: "2026-11-01".parse().unwrap(), reason: "x".into() },
        );
        assert_eq!(
            judge_typed(&number, "王芳", None, std::slice::from_ref(&suspended), today()).result,
            RosterResult::Suspended
        );
        // A worker with an old expired certificate and a current one works on the current one.
        let both = [missed.clone(), valid.clone()];
        assert_eq!(judge_typed(&number, "王芳", None, &both, today()).result, RosterResult::Valid);
    }

    #[test]
    fn reminders_come_at_60_and_30_days_and_not_after_the_date() {
        let c = cert("王芳", "1.2", "2021-01-01", "2027-01-01", None, Lifecycle::Active);
        let on = |d: &str| reminder(&c, d.parse().unwrap()).map(|r| (r.kind, r.stage));
        assert_eq!(on("2026-10-01"), None);
        assert_eq!(on("2026-11-02"), Some((DueKind::Expiry, 60)));
        assert_eq!(on("2026-12-02"), Some((DueKind::Expiry, 30)));
        assert_eq!(on("2027-01-01"), Some((DueKind::Expiry, 30)));
        assert_eq!(on("2027-01-02"), None);
    }

    #[test]
    fn items_resolve_by_code_or_name() {
        let cat = Catalogue::builtin();
        assert_eq!(resolve_item(&cat, "1.2").as_deref(), Some("1.2"));
        assert_eq!(resolve_item(&cat, "低压电工作业").as_deref(), Some("1.2"));
        assert_eq!(resolve_item(&cat, " 熔化焊接与热切割作业 ").as_deref(), Some("2.1"));
        assert_eq!(resolve_item(&cat, "电工作业").as_deref(), Some("1"));
        assert_eq!(resolve_item(&cat, "开飞机"), None);
        for r in RosterResult::ALL {
            assert_eq!(RosterResult::from_code(r.code()), Some(r));
        }
    }
}
