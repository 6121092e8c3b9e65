//! Site inspections: what an inspector finds about one worker, in the legal categories the campaign counts.

use crate::roster::RosterResult;
use serde::{Deserialize, Serialize};

/// The legal category of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCategory {
    /// 无证上岗
    Unlicensed,
    /// 持假证
    FakeCertificate,
    /// 证书过期/未复审
    ExpiredOrNotReviewed,
    /// 人证不符
    PersonMismatch,
    /// 作业项目不符
    ItemMismatch,
}

impl FindingCategory {
    pub const ALL: [FindingCategory; 5] =
        [Self::Unlicensed, Self::FakeCertificate, Self::ExpiredOrNotReviewed, Self::PersonMismatch, Self::ItemMismatch];
    pub fn code(self) -> &'static str {
        match self {
            Self::Unlicensed => "unlicensed",
            Self::FakeCertificate => "fake_certificate",
            Self::ExpiredOrNotReviewed => "expired_or_not_reviewed",
            Self::PersonMismatch => "person_mismatch",
            Self::ItemMismatch => "item_mismatch",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Self::Unlicensed => "无证上岗",
            Self::FakeCertificate => "持假证",
            Self::ExpiredOrNotReviewed => "证书过期/未复审",
            Self::PersonMismatch => "人证不符",
            Self::ItemMismatch => "作业项目不符",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Self::Unlicensed => "working without a certificate",
            Self::FakeCertificate => "fake certificate",
            Self::ExpiredOrNotReviewed => "expired or review missed",
            Self::PersonMismatch => "certificate of another person",
            Self::ItemMismatch => "certificate does not cover the work",
        }
    }

    /// The finding a verification answer means on site (none when the worker may work). A revoked or
    /// suspended certificate, or none at all, is working without a valid certificate.
    pub fn of_result(r: RosterResult) -> Option<FindingCategory> {
        match r {
            RosterResult::Valid | RosterResult::ReviewDue => None,
            RosterResult::ReviewOverdue | RosterResult::Expired => Some(Self::ExpiredOrNotReviewed),
            RosterResult::Suspended | RosterResult::Revoked | RosterResult::NotFound => Some(Self::Unlicensed),
            RosterResult::Fake => Some(Self::FakeCertificate),
            RosterResult::PersonMismatch => Some(Self::PersonMismatch),
            RosterResult::ItemMismatch => Some(Self::ItemMismatch),
        }
    }

    /// The offence a case opened from this finding is usually about (the inspector may choose another).
    pub fn usual_offence(self) -> crate::penalty::Offence {
        use crate::penalty::Offence;
        match self {
            Self::FakeCertificate => Offence::EmployerForgedCertificate,
            Self::PersonMismatch => Offence::WorkerLentOrImpersonated,
            Self::Unlicensed | Self::ExpiredOrNotReviewed | Self::ItemMismatch => Offence::EmployerUnlicensedWork,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_that_bars_work_is_a_finding() {
        for r in RosterResult::ALL {
            assert_eq!(FindingCategory::of_result(r).is_none(), r.permits_work(), "{r:?}");
        }
        assert_eq!(FindingCategory::of_result(RosterResult::Fake), Some(FindingCategory::FakeCertificate));
        assert_eq!(
            FindingCategory::FakeCertificate.usual_offence(),
            crate::penalty::Offence::EmployerForgedCertificate
        );
    }
}
