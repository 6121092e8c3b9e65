//! Validity and review rules of Order No. 30 (原国家安全生产监督管理总局令第30号), and the checks that a new
//! certificate must pass before it is issued or imported.
use crate::catalogue::Catalogue;
use crate::certificate::{Certificate, Holder, Lifecycle, Scope, Serial};
pub use crate::periods::{
    EXTENDED_REVIEW_INTERVAL_YEARS, MANAGEMENT_VALIDITY_YEARS, MINIMUM_AGE, REVIEW_INTERVAL_YEARS, REVIEW_WINDOW_DAYS,
    SPECIAL_OPERATION_VALIDITY_YEARS, YEARS_FOR_EXTENSION, add_years,
};
use certguard_types::{AuthorityCode, CertificateNumber, IdentityDoc};
use chrono::NaiveDate;
use serde::Serialize;
use thiserror::Error;

pub fn validity_years(scope: &Scope) -> i32 {
    match scope {
        Scope::SpecialOperation { .. } => SPECIAL_OPERATION_VALIDITY_YEARS,
        Scope::Management { .. } => MANAGEMENT_VALIDITY_YEARS,
    }
}

/// A field of a new certificate that breaks a rule, and why. The field names are the data model's
/// (`holder.identity`, `scope.item`, `valid_until`, ...) so front ends can put the message next to the input.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("{field}: {reason}")]
pub struct RuleViolation {
    pub field: &'static str,
    pub reason: String,
}

fn violation(field: &'static str, reason: impl Into<String>) -> RuleViolation {
    RuleViolation { field, reason: reason.into() }
}

/// What an issuer enters for a new certificate. Dates that follow from the rules may be left out.
#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub holder: Holder,
    pub scope: Scope,
    pub authority: AuthorityCode,
    pub first_issued: NaiveDate,
    pub valid_from: NaiveDate,
    /// Default: valid_from + 6 years (3 for management).
    pub valid_until: Option<NaiveDate>,
    /// Default: valid_from + 3 years; imports carry the recorded value.
    pub review_due: Option<NaiveDate>,
    pub last_review: Option<NaiveDate>,
    /// Management certificates carry their own number; special-operation numbers are derived.
    pub number: Option<CertificateNumber>,
}

/// Checks a new certificate against the rules and builds it. `today` bounds dates that cannot be in the
/// future (first issue, last review); a validity start in the future is allowed (status "pending").
pub fn build_certificate(
    new: NewCertificate,
    catalogue: &Catalogue,
    serial: Serial,
    today: NaiveDate,
) -> Result<Certificate, RuleViolation> {
    match &new.scope {
        Scope::SpecialOperation { category, item } => {
            let cat = catalogue
                .category(category)
                .ok_or_else(|| violation("scope.category", format!("unknown category {category}")))?;
            if catalogue.find_item(cat, item).is_none() {
                let reason = match catalogue.item(item) {
                    Some((other, _)) => {
                        format!("item {item} belongs to category {} {}, not {}", other.code, other.zh, cat.zh)
                    }
                    None => format!("unknown item {item}"),
                };
                return Err(violation("scope.item", reason));
            }
        }
        Scope::Management { personnel_type, industry } => {
            if catalogue.personnel_type(personnel_type).is_none() {
                return Err(violation("scope.personnel_type", format!("unknown personnel type {personnel_type}")));
            }
            if catalogue.industry(industry).is_none() {
                return Err(violation("scope.industry", format!("unknown industry {industry}")));
            }
        }
    }

    if let IdentityDoc::Resident(id) = &new.holder.identity {
        if id.sex() != new.holder.sex {
            return Err(violation(
                "holder.sex",
                format!("the ID number says {}, the record says {}", id.sex().zh(), new.holder.sex.zh()),
            ));
        }
        let age = id.age_on(new.first_issued);
        if age < MINIMUM_AGE {
            return Err(violation(
                "first_issued",
                format!("holder was {age} at first issue; the minimum is {MINIMUM_AGE}"),
            ));
        }
    }

    if new.first_issued > today {
        return Err(violation("first_issued", "first issue date is in the future"));
    }
    if new.valid_from < new.first_issued {
        return Err(violation("valid_from", "validity starts before the first issue date"));
    }
    let years = validity_years(&new.scope);
    let expected_until = add_years(new.valid_from, years);
    let valid_until = new.valid_until.unwrap_or(expected_until);
    if valid_until <= new.valid_from {
        return Err(violation("valid_until", "validity ends before it starts"));
    }
    // Some authorities print the day before the anniversary as the last day: accept both.
    let off_by = (valid_until - expected_until).num_days();
    if !(-1..=0).contains(&off_by) {
        return Err(violation(
            "valid_until",
            format!("validity must be {years} years: expected {expected_until}, got {valid_until}"),
        ));
    }

    let review_due = match &new.scope {
        Scope::Management { .. } => {
            if new.review_due.is_some() {
                return Err(violation("review_due", "management certificates have no review"));
            }
            None
        }
        Scope::SpecialOperation { .. } => match new.review_due {
            Some(due) if due <= new.valid_from || due > valid_until => {
                return Err(violation(
                    "review_due",
                    format!("review due date {due} is outside the validity {} to {valid_until}", new.valid_from),
                ));
            }
            Some(due) => Some(due),
            None => Certificate::first_review_due(new.valid_from, valid_until, REVIEW_INTERVAL_YEARS),
        },
    };
    if let Some(last) = new.last_review {
        if last > today {
            return Err(violation("last_review", "review date is in the future"));
        }
        if last < new.first_issued {
            return Err(violation("last_review", "review date is before the first issue"));
        }
    }

    let number = match (&new.scope, new.number) {
        (Scope::SpecialOperation { .. }, given) => {
            let derived = CertificateNumber::special_operation(&new.holder.identity);
            if let Some(given) = given
                && given != derived
            {
                return Err(violation(
                    "number",
                    format!("a special-operation number is T + the ID number: expected {}", derived.masked()),
                ));
            }
            derived
        }
        (Scope::Management { .. }, Some(n)) => n,
        (Scope::Management { .. }, None) => {
            return Err(violation("number", "a management certificate needs the number the authority assigned"));
        }
    };

    Ok(Certificate {
        serial,
        number,
        holder: new.holder,
        scope: new.scope,
        authority: new.authority,
        first_issued: new.first_issued,
        valid_from: new.valid_from,
        valid_until,
        review_due,
        last_review: new.last_review,
        review_interval_years: REVIEW_INTERVAL_YEARS,
        lifecycle: Lifecycle::Active,
        credential: None,
    })
}
