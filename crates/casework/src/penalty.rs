//! The legal ranges of the fines for certificate offences and the check of a decision against them.
//!
//! - Order No. 30 第40条: an employer that forges, trades or uses forged certificates: warning and
//!   10,000-30,000 yuan.
//! - Order No. 30 第41条: a worker who forges, alters or uses a forged certificate: warning and 1,000-5,000 yuan;
//!   who lends a certificate or works on another's (冒用): warning and 2,000-10,000 yuan.
//! - 安全生产法 第97条(七): an employer whose special-operation workers work without a certificate: ordered to
//!   correct and fined up to 100,000 yuan; if it does not correct in time (a repeat): stop-work for
//!   rectification (责令停产停业整顿), 100,000-200,000 yuan, and 20,000-50,000 yuan on each directly
//!   responsible person.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Offence {
    /// 生产经营单位伪造、转让或使用伪造的特种作业操作证 (第40条)
    EmployerForgedCertificate,
    /// 特种作业人员伪造、涂改或使用伪造的特种作业操作证 (第41条)
    WorkerForgedCertificate,
    /// 特种作业人员转借、转让、冒用特种作业操作证 (第41条)
    WorkerLentOrImpersonated,
    /// 生产经营单位使用未取得证书的人员从事特种作业 (安全生产法第97条第七项)
    EmployerUnlicensedWork,
}

impl Offence {
    pub const ALL: [Offence; 4] = [
        Self::EmployerForgedCertificate,
        Self::WorkerForgedCertificate,
        Self::WorkerLentOrImpersonated,
        Self::EmployerUnlicensedWork,
    ];
    pub fn code(self) -> &'static str {
        match self {
            Self::EmployerForgedCertificate => "employer_forged_certificate",
            Self::WorkerForgedCertificate => "worker_forged_certificate",
            Self::WorkerLentOrImpersonated => "worker_lent_or_impersonated",
            Self::EmployerUnlicensedWork => "employer_unlicensed_work",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            Self::EmployerForgedCertificate => "生产经营单位使用伪造的特种作业操作证",
            Self::WorkerForgedCertificate => "特种作业人员伪造、涂改或使用伪造的操作证",
            Self::WorkerLentOrImpersonated => "特种作业人员转借、转让、冒用操作证",
            Self::EmployerUnlicensedWork => "生产经营单位使用无证人员从事特种作业",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Self::EmployerForgedCertificate => "employer forging, trading or using forged certificates",
            Self::WorkerForgedCertificate => "worker forging, altering or using a forged certificate",
            Self::WorkerLentOrImpersonated => "worker lending a certificate or working on another's",
            Self::EmployerUnlicensedWork => "employer letting uncertified workers do special operations",
        }
    }
    /// Whether the party fined is the unit (else the worker).
    pub fn against_unit(self) -> bool {
        matches!(self, Self::EmployerForgedCertificate | Self::EmployerUnlicensedWork)
    }
}

/// What the law allows for one offence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct LegalRange {
    pub article: &'static str,
    pub min_yuan: u64,
    pub max_yuan: u64,
    pub warning: bool,
    /// 责令停产停业整顿 goes with the fine.
    pub stop_work: bool,
    /// The fine on each directly responsible person, when the law sets one.
    pub responsible_person: Option<(u64, u64)>,
}

/// The range for an offence; `repeat` = a unit that did not correct after being ordered to (第97条's second tier).
pub fn legal_range(offence: Offence, repeat: bool) -> LegalRange {
    let r = |article, min_yuan, max_yuan| LegalRange {
        article,
        min_yuan,
        max_yuan,
        warning: true,
        stop_work: false,
        responsible_person: None,
    };
    match (offence, repeat) {
        (Offence::EmployerForgedCertificate, _) => {
            r("《特种作业人员安全技术培训考核管理规定》第四十条", 10_000, 30_000)
        }
        (Offence::WorkerForgedCertificate, _) => r("《特种作业人员安全技术培训考核管理规定》第四十一条", 1_000, 5_000),
        (Offence::WorkerLentOrImpersonated, _) => {
            r("《特种作业人员安全技术培训考核管理规定》第四十一条", 2_000, 10_000)
        }
        (Offence::EmployerUnlicensedWork, false) => {
            LegalRange { warning: false, ..r("《安全生产法》第九十七条第七项", 0, 100_000) }
        }
        (Offence::EmployerUnlicensedWork, true) => LegalRange {
            warning: false,
            stop_work: true,
            responsible_person: Some((20_000, 50_000)),
            ..r("《安全生产法》第九十七条第七项（逾期未改正）", 100_000, 200_000)
        },
    }
}

/// A penalty decision as an inspector proposes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PenaltyDecision {
    pub offence: Offence,
    /// The unit was ordered to correct before and did not (第97条 second tier).
    #[serde(default)]
    pub repeat: bool,
    pub fine_yuan: u64,
    /// Fines on directly responsible persons (第97条 second tier), one per person.
    #[serde(default)]
    pub responsible_person_fines: Vec<u64>,
    #[serde(default)]
    pub warning: bool,
    #[serde(default)]
    pub stop_work: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PenaltyError {
    #[error(
        "罚款{fine}元超出{article}规定的{min}至{max}元 (the fine of {fine} yuan is outside the {min}-{max} yuan that {article} allows)"
    )]
    OutOfRange { fine: u64, min: u64, max: u64, article: &'static str },
    #[error("{article}要求给予警告 ({article} requires a warning with the fine)")]
    WarningRequired { article: &'static str },
    #[error("{article}要求责令停产停业整顿 ({article} requires stop-work for rectification)")]
    StopWorkRequired { article: &'static str },
    #[error("{article}未规定责令停产停业整顿 ({article} does not provide for stop-work)")]
    StopWorkNotAllowed { article: &'static str },
    #[error(
        "{article}要求对直接负责的主管人员和其他直接责任人员处罚 (name at least one directly responsible person's fine)"
    )]
    ResponsiblePersonRequired { article: &'static str },
    #[error("{article}未规定对责任人员罚款 ({article} sets no fine on responsible persons)")]
    ResponsiblePersonNotAllowed { article: &'static str },
    #[error("只有单位可以适用逾期未改正的加重处罚 (only a unit's failure to correct has a second tier)")]
    RepeatNotApplicable,
}

/// Checks a decision against the law and returns the range it was checked against (its article is cited in
/// the decision).
pub fn check(d: &PenaltyDecision) -> Result<LegalRange, PenaltyError> {
    if d.repeat && d.offence != Offence::EmployerUnlicensedWork {
        return Err(PenaltyError::RepeatNotApplicable);
    }
    let range = legal_range(d.offence, d.repeat);
    let article = range.article;
    if d.fine_yuan < range.min_yuan || d.fine_yuan > range.max_yuan {
        return Err(PenaltyError::OutOfRange { fine: d.fine_yuan, min: range.min_yuan, max: range.max_yuan, article });
    }
    if range.warning && !d.warning {
        return Err(PenaltyError::WarningRequired { article });
    }
    match (range.stop_work, d.stop_work) {
        (true, false) => return Err(PenaltyError::StopWorkRequired { article }),
        (false, true) => return Err(PenaltyError::StopWorkNotAllowed { article }),
        _ => {}
    }
    match range.responsible_person {
        Some(_) if d.responsible_person_fines.is_empty() => {
            return Err(PenaltyError::ResponsiblePersonRequired { article });
        }
        Some((min, max)) => {
            if let Some(&fine) = d.responsible_person_fines.iter().find(|&&f| f < min || f > max) {
                return Err(PenaltyError::OutOfRange { fine, min, max, article });
            }
        }
        None if !d.responsible_person_fines.is_empty() => {
            return Err(PenaltyError::ResponsiblePersonNotAllowed { article });
        }
        None => {}
    }
    Ok(range)
}

/// The total of a decision in yuan (unit or worker, and responsible persons).
pub fn total_yuan(d: &PenaltyDecision) -> u64 {
    d.fine_yuan + d.responsible_person_fines.iter().sum::<u64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision(offence: Offence, fine: u64) -> PenaltyDecision {
        PenaltyDecision {
            offence,
            repeat: false,
            fine_yuan: fine,
            responsible_person_fines: vec![],
            warning: true,
            stop_work: false,
        }
    }

    #[test]
    fn fines_inside_the_range_pass_and_the_bounds_are_inclusive() {
        assert_eq!(check(&decision(Offence::EmployerForgedCertificate, 10_000)).unwrap().min_yuan, 10_000);
        check(&decision(Offence::EmployerForgedCertificate, 30_000)).unwrap();
        check(&decision(Offence::WorkerForgedCertificate, 1_000)).unwrap();
        check(&decision(Offence::WorkerLentOrImpersonated, 10_000)).unwrap();
        let first = PenaltyDecision { warning: false, ..decision(Offence::EmployerUnlicensedWork, 100_000) };
        assert!(check(&first).unwrap().article.contains("第九十七条"));
    }

    #[test]
    fn decisions_outside_the_law_are_refused_with_the_article() {
        let e = check(&decision(Offence::EmployerForgedCertificate, 9_999)).unwrap_err();
        assert!(matches!(e, PenaltyError::OutOfRange { min: 10_000, max: 30_000, .. }));
        assert!(e.to_string().contains("第四十条"), "{e}");
        assert!(check(&decision(Offence::WorkerForgedCertificate, 5_001)).is_err());
        let no_warning = PenaltyDecision { warning: false, ..decision(Offence::WorkerForgedCertificate, 2_000) };
        assert!(matches!(check(&no_warning), Err(PenaltyError::WarningRequired { .. })));
        let first = PenaltyDecision { warning: false, ..decision(Offence::EmployerUnlicensedWork, 100_001) };
        assert!(matches!(check(&first), Err(PenaltyError::OutOfRange { .. })));
        let stop_first = PenaltyDecision { stop_work: true, ..decision(Offence::EmployerUnlicensedWork, 50_000) };
        assert!(matches!(check(&stop_first), Err(PenaltyError::StopWorkNotAllowed { .. })));
        let worker_repeat = PenaltyDecision { repeat: true, ..decision(Offence::WorkerForgedCertificate, 2_000) };
        assert_eq!(check(&worker_repeat), Err(PenaltyError::RepeatNotApplicable));
    }

    #[test]
    fn a_unit_that_did_not_correct_faces_the_second_tier() {
        let mut d = PenaltyDecision {
            offence: Offence::EmployerUnlicensedWork,
            repeat: true,
            fine_yuan: 150_000,
            responsible_person_fines: vec![20_000, 50_000],
            warning: false,
            stop_work: true,
        };
        assert_eq!(check(&d).unwrap().responsible_person, Some((20_000, 50_000)));
        assert_eq!(total_yuan(&d), 220_000);
        d.stop_work = false;
        assert!(matches!(check(&d), Err(PenaltyError::StopWorkRequired { .. })));
        d.stop_work = true;
        d.responsible_person_fines = vec![];
        assert!(matches!(check(&d), Err(PenaltyError::ResponsiblePersonRequired { .. })));
        d.responsible_person_fines = vec![60_000];
        assert!(matches!(check(&d), Err(PenaltyError::OutOfRange { fine: 60_000, .. })));
        d.responsible_person_fines = vec![20_000];
        d.fine_yuan = 99_999;
        assert!(matches!(check(&d), Err(PenaltyError::OutOfRange { min: 100_000, .. })));
        for o in Offence::ALL {
            assert_eq!(Offence::from_code(o.code()), Some(o));
        }
    }
}
