//! The certificate as the registry keeps it, and its status derived from dates and lifecycle events.

use crate::periods::{REVIEW_WINDOW_DAYS, add_years};
use certguard_types::{AuthorityCode, CertificateNumber, IdentityDoc, PersonName, Sex};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which of the two certificates under the Ministry of Emergency Management.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateKind {
    /// 特种作业操作证
    SpecialOperation,
    /// 安全生产知识和管理能力考核合格证
    Management,
}

impl CertificateKind {
    pub fn code(self) -> &'static str {
        match self {
            CertificateKind::SpecialOperation => "special_operation",
            CertificateKind::Management => "management",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        match s {
            "special_operation" => Some(CertificateKind::SpecialOperation),
            "management" => Some(CertificateKind::Management),
            _ => None,
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            CertificateKind::SpecialOperation => "特种作业操作证",
            CertificateKind::Management => "安全生产知识和管理能力考核合格证",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            CertificateKind::SpecialOperation => "Special operation certificate",
            CertificateKind::Management => "Safety knowledge and management certificate",
        }
    }
}

/// What the certificate authorises: an operation item of the catalogue, or a management classification.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    SpecialOperation { category: String, item: String },
    Management { personnel_type: String, industry: String },
}

impl Scope {
    pub fn kind(&self) -> CertificateKind {
        match self {
            Scope::SpecialOperation { .. } => CertificateKind::SpecialOperation,
            Scope::Management { .. } => CertificateKind::Management,
        }
    }
    /// The two codes that, with the number, identify the certificate: (category, item) or (type, industry).
    pub fn codes(&self) -> (&str, &str) {
        match self {
            Scope::SpecialOperation { category, item } => (category, item),
            Scope::Management { personnel_type, industry } => (personnel_type, industry),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub name: PersonName,
    pub identity: IdentityDoc,
    pub sex: Sex,
}

/// The lifecycle state that events set; together with the dates it gives the [`Status`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Lifecycle {
    Active,
    Suspended { since: NaiveDate, reason: String },
    Revoked { on: NaiveDate, reason: RevocationReason },
    Cancelled { on: NaiveDate, reason: CancellationReason },
}

impl Lifecycle {
    pub fn code(&self) -> &'static str {
        match self {
            Lifecycle::Active => "active",
            Lifecycle::Suspended { .. } => "suspended",
            Lifecycle::Revoked { .. } => "revoked",
            Lifecycle::Cancelled { .. } => "cancelled",
        }
    }
}

/// 撤销 reasons, 第30条 of Order No. 30.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RevocationReason {
    /// (一) 超过有效期未延期复审
    ExpiredWithoutReview,
    /// (二) 身体条件不适合继续从事特种作业
    HealthUnfit,
    /// (三) 对发生生产安全事故负有责任
    AccidentResponsibility,
    /// (四) 特种作业操作证记载虚假信息
    FalseInformation,
    /// (五) 以欺骗、贿赂等不正当手段取得
    FraudOrBribery,
}

impl RevocationReason {
    pub const ALL: [RevocationReason; 5] = [
        RevocationReason::ExpiredWithoutReview,
        RevocationReason::HealthUnfit,
        RevocationReason::AccidentResponsibility,
        RevocationReason::FalseInformation,
        RevocationReason::FraudOrBribery,
    ];
    pub fn code(self) -> &'static str {
        match self {
            RevocationReason::ExpiredWithoutReview => "expired_without_review",
            RevocationReason::HealthUnfit => "health_unfit",
            RevocationReason::AccidentResponsibility => "accident_responsibility",
            RevocationReason::FalseInformation => "false_information",
            RevocationReason::FraudOrBribery => "fraud_or_bribery",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            RevocationReason::ExpiredWithoutReview => "超过特种作业操作证有效期未延期复审",
            RevocationReason::HealthUnfit => "身体条件已不适合继续从事特种作业",
            RevocationReason::AccidentResponsibility => "对发生生产安全事故负有责任",
            RevocationReason::FalseInformation => "特种作业操作证记载虚假信息",
            RevocationReason::FraudOrBribery => "以欺骗、贿赂等不正当手段取得特种作业操作证",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            RevocationReason::ExpiredWithoutReview => "validity passed without review",
            RevocationReason::HealthUnfit => "health no longer fit for the work",
            RevocationReason::AccidentResponsibility => "responsible for a work-safety accident",
            RevocationReason::FalseInformation => "certificate records false information",
            RevocationReason::FraudOrBribery => "obtained by fraud or bribery",
        }
    }
    /// The last two bar the holder from applying again for three years (第30条 last paragraph).
    pub fn bars_reapplication(self) -> bool {
        matches!(self, RevocationReason::FalseInformation | RevocationReason::FraudOrBribery)
    }
}

/// 注销 reasons, 第31条 of Order No. 30.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancellationReason {
    Death,
    HolderRequest,
    AfterRevocation,
    LegallyIncapable,
}

impl CancellationReason {
    pub const ALL: [CancellationReason; 4] = [
        CancellationReason::Death,
        CancellationReason::HolderRequest,
        CancellationReason::AfterRevocation,
        CancellationReason::LegallyIncapable,
    ];
    pub fn code(self) -> &'static str {
        match self {
            CancellationReason::Death => "death",
            CancellationReason::HolderRequest => "holder_request",
            CancellationReason::AfterRevocation => "after_revocation",
            CancellationReason::LegallyIncapable => "legally_incapable",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            CancellationReason::Death => "特种作业人员死亡",
            CancellationReason::HolderRequest => "特种作业人员提出注销申请",
            CancellationReason::AfterRevocation => "特种作业操作证被依法撤销",
            CancellationReason::LegallyIncapable => "特种作业人员完全丧失民事行为能力",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            CancellationReason::Death => "holder died",
            CancellationReason::HolderRequest => "holder's request",
            CancellationReason::AfterRevocation => "revoked by law",
            CancellationReason::LegallyIncapable => "holder lost legal capacity",
        }
    }
}

/// A certificate as the registry keeps it. `serial` is the public, random identifier (also the credential's
/// `cti`); it never contains the ID number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certificate {
    pub serial: Serial,
    pub number: CertificateNumber,
    pub holder: Holder,
    pub scope: Scope,
    pub authority: AuthorityCode,
    /// 初领日期
    pub first_issued: NaiveDate,
    /// 有效期开始日期
    pub valid_from: NaiveDate,
    /// 有效期结束日期
    pub valid_until: NaiveDate,
    /// 应复审日期; None when the next step is renewal (no review inside the remaining validity).
    pub review_due: Option<NaiveDate>,
    /// 实际复审日期
    pub last_review: Option<NaiveDate>,
    /// 3, or 6 after an extension.
    pub review_interval_years: u8,
    pub lifecycle: Lifecycle,
    /// The current signed QR credential (AQ1), if the registry signs; replaced whenever the signed content
    /// changes, while its status-list index stays with the certificate for life.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<SignedCredential>,
}

/// A signed credential as stored with its certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCredential {
    /// "AQ1:..." as printed in the QR code.
    pub text: String,
    /// Index in the issuing authority's status list.
    pub status_idx: u64,
    /// Key id (hex) of the signing key.
    pub kid: String,
    /// Unix seconds.
    pub signed_at: i64,
}

/// The status a person sees, derived from the dates and the lifecycle on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Valid,
    ReviewDue,
    ReviewOverdue,
    Expired,
    Suspended,
    Revoked,
    Cancelled,
    Pending,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Valid,
        Status::ReviewDue,
        Status::ReviewOverdue,
        Status::Expired,
        Status::Suspended,
        Status::Revoked,
        Status::Cancelled,
        Status::Pending,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::ReviewDue => "review_due",
            Status::ReviewOverdue => "review_overdue",
            Status::Expired => "expired",
            Status::Suspended => "suspended",
            Status::Revoked => "revoked",
            Status::Cancelled => "cancelled",
            Status::Pending => "pending",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            Status::Valid => "有效",
            Status::ReviewDue => "有效(待复审)",
            Status::ReviewOverdue => "逾期未复审",
            Status::Expired => "已过期",
            Status::Suspended => "暂扣",
            Status::Revoked => "已撤销",
            Status::Cancelled => "已注销",
            Status::Pending => "未生效",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Status::Valid => "valid",
            Status::ReviewDue => "valid, review due",
            Status::ReviewOverdue => "review overdue",
            Status::Expired => "expired",
            Status::Suspended => "suspended",
            Status::Revoked => "revoked",
            Status::Cancelled => "cancelled",
            Status::Pending => "not yet in force",
        }
    }
    /// Whether a holder may do the work today on this certificate.
    pub fn permits_work(self) -> bool {
        matches!(self, Status::Valid | Status::ReviewDue)
    }
}

impl Certificate {
    pub fn kind(&self) -> CertificateKind {
        self.scope.kind()
    }

    /// Status on `today`. Lifecycle states outrank dates; then not-yet-valid, expiry, review.
    pub fn status(&self, today: NaiveDate) -> Status {
        match self.lifecycle {
            Lifecycle::Cancelled { .. } => return Status::Cancelled,
            Lifecycle::Revoked { .. } => return Status::Revoked,
            Lifecycle::Suspended { .. } => return Status::Suspended,
            Lifecycle::Active => {}
        }
        if today < self.valid_from {
            return Status::Pending;
        }
        if today > self.valid_until {
            return Status::Expired;
        }
        match self.review_due {
            Some(due) if today > due => Status::ReviewOverdue,
            Some(due) if (due - today).num_days() <= REVIEW_WINDOW_DAYS => Status::ReviewDue,
            _ => Status::Valid,
        }
    }

    /// The date until which the current signature should hold: the next review, else the end of validity.
    pub fn next_deadline(&self) -> NaiveDate {
        self.review_due.unwrap_or(self.valid_until).min(self.valid_until)
    }

    /// Review due date for a validity period starting at `from` with `interval` years between reviews.
    pub fn first_review_due(from: NaiveDate, until: NaiveDate, interval: u8) -> Option<NaiveDate> {
        let due = add_years(from, interval as i32);
        (due < until).then_some(due)
    }
}

/// Public random identifier of a certificate: 16 bytes, shown as 32 lower-case hex characters.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Serial(pub [u8; 16]);

impl Serial {
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
    pub fn from_hex(s: &str) -> Option<Serial> {
        if s.len() != 32 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let mut out = [0u8; 16];
        for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
            out[i] = u8::from_str_radix(std::str::from_utf8(chunk).ok()?, 16).ok()?;
        }
        Some(Serial(out))
    }
}
impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}
impl fmt::Debug for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Serial({})", self.to_hex())
    }
}
impl TryFrom<String> for Serial {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Serial::from_hex(&s).ok_or_else(|| format!("not a certificate serial: {s}"))
    }
}
impl From<Serial> for String {
    fn from(s: Serial) -> String {
        s.to_hex()
    }
}
