//! Registry operations on an existing certificate: each command either yields the new certificate and the
//! event to record, or a [`TransitionError`] that says why it is not allowed.

use crate::certificate::{CancellationReason, Certificate, Lifecycle, RevocationReason, Scope, Status};
use crate::rules::{
    EXTENDED_REVIEW_INTERVAL_YEARS, REVIEW_WINDOW_DAYS, YEARS_FOR_EXTENSION, add_years, validity_years,
};
use certguard_types::{PersonName, Sex};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A field an issuer may correct after issue, with the new value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "snake_case")]
pub enum Correction {
    HolderName(PersonName),
    Sex(Sex),
    FirstIssued(NaiveDate),
}

impl Correction {
    pub fn field(&self) -> &'static str {
        match self {
            Correction::HolderName(_) => "holder_name",
            Correction::Sex(_) => "sex",
            Correction::FirstIssued(_) => "first_issued",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    /// 复审: the review on `date`, passed or failed.
    RecordReview {
        date: NaiveDate,
        passed: bool,
    },
    /// 延期复审: reviews every 6 instead of 3 years after 10+ clean years.
    ExtendReviewInterval,
    /// 换证: a new validity period at the end of the current one.
    Renew {
        date: NaiveDate,
    },
    Suspend {
        reason: String,
    },
    Reinstate,
    Revoke {
        reason: RevocationReason,
    },
    Cancel {
        reason: CancellationReason,
    },
    Correct {
        correction: Correction,
        reason: String,
    },
}

impl Command {
    pub fn name(&self) -> &'static str {
        match self {
            Command::RecordReview { .. } => "review",
            Command::ExtendReviewInterval => "extend_review_interval",
            Command::Renew { .. } => "renew",
            Command::Suspend { .. } => "suspend",
            Command::Reinstate => "reinstate",
            Command::Revoke { .. } => "revoke",
            Command::Cancel { .. } => "cancel",
            Command::Correct { .. } => "correct",
        }
    }
}

/// What happened to a certificate: one entry of its history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    Issued,
    Imported,
    Reviewed {
        date: NaiveDate,
        passed: bool,
    },
    ReviewIntervalExtended,
    Renewed {
        valid_from: NaiveDate,
        valid_until: NaiveDate,
    },
    Suspended {
        reason: String,
    },
    Reinstated,
    Revoked {
        reason: RevocationReason,
    },
    Cancelled {
        reason: CancellationReason,
    },
    Corrected {
        field: String,
        old: String,
        new: String,
        reason: String,
    },
    /// A signed QR credential was (re)issued outside another event: after an import, or a key rotation.
    CredentialSigned {
        kid: String,
    },
}

impl Event {
    pub fn code(&self) -> &'static str {
        match self {
            Event::Issued => "issued",
            Event::Imported => "imported",
            Event::Reviewed { .. } => "reviewed",
            Event::ReviewIntervalExtended => "review_interval_extended",
            Event::Renewed { .. } => "renewed",
            Event::Suspended { .. } => "suspended",
            Event::Reinstated => "reinstated",
            Event::Revoked { .. } => "revoked",
            Event::Cancelled { .. } => "cancelled",
            Event::Corrected { .. } => "corrected",
            Event::CredentialSigned { .. } => "credential_signed",
        }
    }
    pub fn zh(&self) -> &'static str {
        match self {
            Event::Issued => "发证",
            Event::Imported => "导入",
            Event::Reviewed { passed: true, .. } => "复审合格",
            Event::Reviewed { passed: false, .. } => "复审不合格",
            Event::ReviewIntervalExtended => "延长复审周期",
            Event::Renewed { .. } => "换证",
            Event::Suspended { .. } => "暂扣",
            Event::Reinstated => "恢复",
            Event::Revoked { .. } => "撤销",
            Event::Cancelled { .. } => "注销",
            Event::Corrected { .. } => "更正",
            Event::CredentialSigned { .. } => "签发电子证照二维码",
        }
    }
    pub fn en(&self) -> &'static str {
        match self {
            Event::Issued => "issued",
            Event::Imported => "imported",
            Event::Reviewed { passed: true, .. } => "review passed",
            Event::Reviewed { passed: false, .. } => "review failed",
            Event::ReviewIntervalExtended => "review interval extended",
            Event::Renewed { .. } => "renewed",
            Event::Suspended { .. } => "suspended",
            Event::Reinstated => "reinstated",
            Event::Revoked { .. } => "revoked",
            Event::Cancelled { .. } => "cancelled",
            Event::Corrected { .. } => "corrected",
            Event::CredentialSigned { .. } => "QR credential signed",
        }
    }
    /// Whether the event changes what the signed credential says (it must be signed again).
    pub fn changes_signed_content(&self) -> bool {
        matches!(
            self,
            Event::Issued
                | Event::Imported
                | Event::Reviewed { passed: true, .. }
                | Event::ReviewIntervalExtended
                | Event::Renewed { .. }
                | Event::Corrected { .. }
        )
    }

    /// Whether the event changes what a verifier must answer (status list, signed credential).
    pub fn changes_status(&self) -> bool {
        matches!(self, Event::Suspended { .. } | Event::Reinstated | Event::Revoked { .. } | Event::Cancelled { .. })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum TransitionError {
    #[error("not allowed: the certificate is {status:?}")]
    WrongState { status: Status, op: &'static str },
    #[error("management certificates have no review")]
    NoReviewForManagement,
    #[error("no review is scheduled in this validity period: renew the certificate instead")]
    NoReviewScheduled,
    #[error("review on {date} is too early: the window opens {opens} (60 days before {due})")]
    ReviewTooEarly { date: NaiveDate, opens: NaiveDate, due: NaiveDate },
    #[error("date {date} is in the future")]
    DateInFuture { date: NaiveDate },
    #[error("the certificate expired on {valid_until}: the holder must pass the exam again")]
    AfterExpiry { valid_until: NaiveDate },
    #[error("only {years} continuous years since first issue; {needed} are required")]
    NotEligibleForExtension { years: i32, needed: i32 },
    #[error("the review interval is already extended")]
    AlreadyExtended,
    #[error("renewal on {date} is too early: the window opens {opens}")]
    RenewalTooEarly { date: NaiveDate, opens: NaiveDate },
    #[error("a reason is required")]
    ReasonRequired,
    #[error("the new value equals the current one")]
    Unchanged,
    #[error("correction: {0}")]
    InvalidCorrection(String),
}

fn wrong_state(cert: &Certificate, today: NaiveDate, op: &'static str) -> TransitionError {
    TransitionError::WrongState { status: cert.status(today), op }
}

/// Applies `cmd` to `cert` on `today`. Pure: the caller stores the result and the event together.
pub fn apply(cert: &Certificate, cmd: &Command, today: NaiveDate) -> Result<(Certificate, Event), TransitionError> {
    let mut next = cert.clone();
    let op = cmd.name();
    let active = matches!(cert.lifecycle, Lifecycle::Active);
    let event = match cmd {
        Command::RecordReview { date, passed } => {
            if !active {
                return Err(wrong_state(cert, today, op));
            }
            if matches!(cert.scope, Scope::Management { .. }) {
                return Err(TransitionError::NoReviewForManagement);
            }
            if *date > today {
                return Err(TransitionError::DateInFuture { date: *date });
            }
            if *date > cert.valid_until {
                return Err(TransitionError::AfterExpiry { valid_until: cert.valid_until });
            }
            let due = cert.review_due.ok_or(TransitionError::NoReviewScheduled)?;
            let opens = due - chrono::Days::new(REVIEW_WINDOW_DAYS as u64);
            if *date < opens {
                return Err(TransitionError::ReviewTooEarly { date: *date, opens, due });
            }
            if *passed {
                next.last_review = Some(*date);
                let following = add_years(due, cert.review_interval_years as i32);
                next.review_due = (following < cert.valid_until).then_some(following);
            }
            Event::Reviewed { date: *date, passed: *passed }
        }
        Command::ExtendReviewInterval => {
            if !active {
                return Err(wrong_state(cert, today, op));
            }
            if matches!(cert.scope, Scope::Management { .. }) {
                return Err(TransitionError::NoReviewForManagement);
            }
            if cert.review_interval_years == EXTENDED_REVIEW_INTERVAL_YEARS {
                return Err(TransitionError::AlreadyExtended);
            }
            let years = today.years_since(cert.first_issued).unwrap_or(0) as i32;
            if years < YEARS_FOR_EXTENSION {
                return Err(TransitionError::NotEligibleForExtension { years, needed: YEARS_FOR_EXTENSION });
            }
            next.review_interval_years = EXTENDED_REVIEW_INTERVAL_YEARS;
            let base = cert.valid_from;
            let due = add_years(base, EXTENDED_REVIEW_INTERVAL_YEARS as i32);
            next.review_due = (due < cert.valid_until).then_some(due);
            Event::ReviewIntervalExtended
        }
        Command::Renew { date } => {
            if !active {
                return Err(wrong_state(cert, today, op));
            }
            if *date > today {
                return Err(TransitionError::DateInFuture { date: *date });
            }
            if *date > cert.valid_until {
                return Err(TransitionError::AfterExpiry { valid_until: cert.valid_until });
            }
            let opens = cert.valid_until - chrono::Days::new(REVIEW_WINDOW_DAYS as u64);
            if *date < opens {
                return Err(TransitionError::RenewalTooEarly { date: *date, opens });
            }
            next.valid_from = cert.valid_until;
            next.valid_until = add_years(next.valid_from, validity_years(&cert.scope));
            next.review_due = match cert.scope {
                Scope::SpecialOperation { .. } => {
                    Certificate::first_review_due(next.valid_from, next.valid_until, cert.review_interval_years)
                }
                Scope::Management { .. } => None,
            };
            next.last_review = Some(*date);
            Event::Renewed { valid_from: next.valid_from, valid_until: next.valid_until }
        }
        Command::Suspend { reason } => {
            if !active {
                return Err(wrong_state(cert, today, op));
            }
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(TransitionError::ReasonRequired);
            }
            next.lifecycle = Lifecycle::Suspended { since: today, reason: reason.to_string() };
            Event::Suspended { reason: reason.to_string() }
        }
        Command::Reinstate => {
            if !matches!(cert.lifecycle, Lifecycle::Suspended { .. }) {
                return Err(wrong_state(cert, today, op));
            }
            next.lifecycle = Lifecycle::Active;
            Event::Reinstated
        }
        Command::Revoke { reason } => {
            if !matches!(cert.lifecycle, Lifecycle::Active | Lifecycle::Suspended { .. }) {
                return Err(wrong_state(cert, today, op));
            }
            next.lifecycle = Lifecycle::Revoked { on: today, reason: *reason };
            Event::Revoked { reason: *reason }
        }
        Command::Cancel { reason } => {
            if matches!(cert.lifecycle, Lifecycle::Cancelled { .. }) {
                return Err(wrong_state(cert, today, op));
            }
            next.lifecycle = Lifecycle::Cancelled { on: today, reason: *reason };
            Event::Cancelled { reason: *reason }
        }
        Command::Correct { correction, reason } => {
            if matches!(cert.lifecycle, Lifecycle::Cancelled { .. }) {
                return Err(wrong_state(cert, today, op));
            }
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(TransitionError::ReasonRequired);
            }
            let (old, new) = match correction {
                Correction::HolderName(name) => {
                    let old = std::mem::replace(&mut next.holder.name, name.clone());
                    (old.to_string(), name.to_string())
                }
                Correction::Sex(sex) => {
                    if let Some(id) = cert.holder.identity.as_resident()
                        && id.sex() != *sex
                    {
                        return Err(TransitionError::InvalidCorrection(format!(
                            "the ID number says {}",
                            id.sex().zh()
                        )));
                    }
                    let old = std::mem::replace(&mut next.holder.sex, *sex);
                    (old.en().to_string(), sex.en().to_string())
                }
                Correction::FirstIssued(date) => {
                    if *date > cert.valid_from {
                        return Err(TransitionError::InvalidCorrection("first issue after validity start".into()));
                    }
                    if let Some(id) = cert.holder.identity.as_resident()
                        && id.age_on(*date) < crate::rules::MINIMUM_AGE
                    {
                        return Err(TransitionError::InvalidCorrection("holder would be under 18".into()));
                    }
                    let old = std::mem::replace(&mut next.first_issued, *date);
                    (old.to_string(), date.to_string())
                }
            };
            if old == new {
                return Err(TransitionError::Unchanged);
            }
            Event::Corrected { field: correction.field().to_string(), old, new, reason: reason.to_string() }
        }
    };
    Ok((next, event))
}
