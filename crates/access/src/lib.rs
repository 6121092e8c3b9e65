//! Who may do what. Permissions are types: a registry operation takes an [`IssuerGrant`] (or
//! [`RegistryReader`], ...), and the only way to get one is to ask a [`Principal`] for it, which checks the
//! role and, for issuers, the authority the grant is scoped to. A handler for inspectors therefore cannot
//! call an issuing operation by mistake: it has no grant to pass.
//!
//! ```
//! use certguard_access::{Principal, Role};
//! let clerk = Principal { user_id: 7, username: "suzhou-clerk".into(), role: Role::Issuer, authority: Some("CN-320500".parse().unwrap()) };
//! assert!(clerk.issuer_for(&"CN-320500".parse().unwrap()).is_ok());
//! assert!(clerk.issuer_for(&"CN-110000".parse().unwrap()).is_err());
//! ```

use certguard_types::AuthorityCode;
use serde::{Deserialize, Serialize};
use thiserror::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the platform: accounts, authorities, every registry operation.
    Admin,
    /// A clerk of one issuing authority: issues and manages that authority's certificates.
    Issuer,
    /// Reads the registry in full for inspections and cases.
    Inspector,
    /// Hunts fake sites and ads; reads the registry masked.
    Analyst,
    /// Verifies its own workers' certificates.
    Employer,
    /// An exam centre's terminals: sends exam-room events (the account's username names the centre).
    ExamCentre,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Admin, Role::Issuer, Role::Inspector, Role::Analyst, Role::Employer, Role::ExamCentre];
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Issuer => "issuer",
            Role::Inspector => "inspector",
            Role::Analyst => "analyst",
            Role::Employer => "employer",
            Role::ExamCentre => "exam_centre",
        }
    }
    pub fn from_code(s: &str) -> Option<Role> {
        Self::ALL.into_iter().find(|r| r.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Issuer => "发证机关",
            Role::Inspector => "执法检查人员",
            Role::Analyst => "线索分析人员",
            Role::Employer => "用人单位",
            Role::ExamCentre => "考点",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Role::Admin => "administrator",
            Role::Issuer => "issuing authority",
            Role::Inspector => "inspector",
            Role::Analyst => "analyst",
            Role::Employer => "employer",
            Role::ExamCentre => "exam centre",
        }
    }
}

/// An authenticated user (by session or API token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// The authority an issuer works for; None for the other roles.
    pub authority: Option<AuthorityCode>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Denied {
    #[error("role {role:?} may not {action}")]
    Role { role: Role, action: &'static str },
    #[error("an issuer of {own} may not act for {other}")]
    OtherAuthority { own: String, other: String },
    #[error("issuer account has no authority assigned")]
    NoAuthority,
}

/// Permission to change the certificates of one authority. Constructed only by [`Principal::issuer_for`].
#[derive(Debug, Clone)]
pub struct IssuerGrant {
    actor: String,
    authority: AuthorityCode,
}

impl IssuerGrant {
    pub fn actor(&self) -> &str {
        &self.actor
    }
    pub fn authority(&self) -> &AuthorityCode {
        &self.authority
    }
}

/// Permission to read full registry records (unmasked ID numbers), optionally limited to one authority.
#[derive(Debug, Clone)]
pub struct RegistryReader {
    actor: String,
    only: Option<AuthorityCode>,
}

impl RegistryReader {
    pub fn actor(&self) -> &str {
        &self.actor
    }
    /// The authority whose records this reader is limited to, if any.
    pub fn limited_to(&self) -> Option<&AuthorityCode> {
        self.only.as_ref()
    }
    pub fn may_read(&self, authority: &AuthorityCode) -> bool {
        self.only.as_ref().is_none_or(|a| a == authority)
    }
}

/// Permission to manage accounts and authorities.
#[derive(Debug, Clone)]
pub struct AdminGrant {
    actor: String,
}

impl AdminGrant {
    pub fn actor(&self) -> &str {
        &self.actor
    }
    /// For trusted local tools (the `certguard` CLI run by the operator on the server's own data).
    pub fn local_operator(name: &str) -> AdminGrant {
        AdminGrant { actor: format!("cli:{name}") }
    }
}

/// Permission to read and move leads (fake sites, ads, contacts) and to export them. Analysts and admins.
#[derive(Debug, Clone)]
pub struct AnalystGrant {
    actor: String,
}

impl AnalystGrant {
    pub fn actor(&self) -> &str {
        &self.actor
    }
}

/// An analyst grant for local operator tools (`certguard leads ...` on the server's own data).
pub fn local_analyst(name: &str) -> AnalystGrant {
    AnalystGrant { actor: format!("cli:{name}") }
}

/// Permission to send exam-room events as one exam centre.
#[derive(Debug, Clone)]
pub struct ExamCentreGrant {
    centre: String,
}

impl ExamCentreGrant {
    /// The centre the events are stored under: the account's username.
    pub fn centre(&self) -> &str {
        &self.centre
    }
}

/// Permission to verify a roster of workers' certificates and get a signed receipt: employers (their own
/// workers), inspectors (a site's workers) and admins.
#[derive(Debug, Clone)]
pub struct RosterVerifierGrant {
    actor: String,
}

impl CaseGrant {
    /// For the `certguard` CLI (demo data, operator tools): everywhere.
    pub fn local_operator(name: &str) -> CaseGrant {
        CaseGrant { actor: format!("cli:{name}"), role: Role::Admin, region_prefix: None }
    }
}

impl RosterVerifierGrant {
    pub fn actor(&self) -> &str {
        &self.actor
    }
    /// For the `certguard` CLI run by the operator on the server's own data.
    pub fn local_operator(name: &str) -> RosterVerifierGrant {
        RosterVerifierGrant { actor: format!("cli:{name}") }
    }
}

/// Permission to work on inspections and cases, limited to a region: an inspector of a bureau acts in its
/// region (the bureau's GB/T 2260 code without its trailing zero pairs: CN-320500 → "3205"); inspectors without
/// a bureau and admins act everywhere; analysts open cases from confirmed leads and read the figures.
#[derive(Debug, Clone)]
pub struct CaseGrant {
    actor: String,
    role: Role,
    region_prefix: Option<String>,
}

impl CaseGrant {
    pub fn actor(&self) -> &str {
        &self.actor
    }
    pub fn role(&self) -> Role {
        self.role
    }
    pub fn region_prefix(&self) -> Option<&str> {
        self.region_prefix.as_deref()
    }
    /// Whether the grant covers a place with this GB/T 2260 code.
    pub fn covers(&self, region: &str) -> bool {
        self.region_prefix.as_deref().is_none_or(|p| region.starts_with(p))
    }
}

/// The region an authority code covers as a GB/T 2260 prefix ("CN-320500" → "3205", "CN-320000" → "32").
pub fn region_prefix_of(authority: &AuthorityCode) -> Option<String> {
    let digits = authority.as_str().rsplit('-').next()?;
    if digits.len() != 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut p = digits;
    while p.len() > 2 && p.ends_with("00") {
        p = &p[..p.len() - 2];
    }
    Some(p.to_string())
}

/// Permission to review exam sessions (flagged sessions, timelines, decisions). Admins and inspectors.
#[derive(Debug, Clone)]
pub struct ExamReviewerGrant {
    actor: String,
}

impl ExamReviewerGrant {
    pub fn actor(&self) -> &str {
        &self.actor
    }
}

impl Principal {
    pub fn case_worker(&self) -> Result<CaseGrant, Denied> {
        let grant = |region_prefix| Ok(CaseGrant { actor: self.username.clone(), role: self.role, region_prefix });
        match self.role {
            Role::Admin | Role::Analyst => grant(None),
            Role::Inspector => grant(self.authority.as_ref().and_then(region_prefix_of)),
            role => Err(Denied::Role { role, action: "work on inspections and cases" }),
        }
    }

    pub fn roster_verifier(&self) -> Result<RosterVerifierGrant, Denied> {
        match self.role {
            Role::Admin | Role::Inspector | Role::Employer => Ok(RosterVerifierGrant { actor: self.username.clone() }),
            role => Err(Denied::Role { role, action: "verify rosters" }),
        }
    }

    pub fn exam_reviewer(&self) -> Result<ExamReviewerGrant, Denied> {
        match self.role {
            Role::Admin | Role::Inspector => Ok(ExamReviewerGrant { actor: self.username.clone() }),
            role => Err(Denied::Role { role, action: "review exam sessions" }),
        }
    }

    pub fn exam_centre(&self) -> Result<ExamCentreGrant, Denied> {
        match self.role {
            Role::ExamCentre => Ok(ExamCentreGrant { centre: self.username.clone() }),
            role => Err(Denied::Role { role, action: "send exam events" }),
        }
    }

    pub fn analyst(&self) -> Result<AnalystGrant, Denied> {
        match self.role {
            Role::Admin | Role::Analyst => Ok(AnalystGrant { actor: self.username.clone() }),
            role => Err(Denied::Role { role, action: "work on leads" }),
        }
    }

    pub fn issuer_for(&self, authority: &AuthorityCode) -> Result<IssuerGrant, Denied> {
        match self.role {
            Role::Admin => Ok(IssuerGrant { actor: self.username.clone(), authority: authority.clone() }),
            Role::Issuer => {
                let own = self.authority.as_ref().ok_or(Denied::NoAuthority)?;
                if own == authority {
                    Ok(IssuerGrant { actor: self.username.clone(), authority: authority.clone() })
                } else {
                    Err(Denied::OtherAuthority { own: own.to_string(), other: authority.to_string() })
                }
            }
            role => Err(Denied::Role { role, action: "change certificates" }),
        }
    }

    pub fn registry_reader(&self) -> Result<RegistryReader, Denied> {
        match self.role {
            Role::Admin | Role::Inspector => Ok(RegistryReader { actor: self.username.clone(), only: None }),
            Role::Issuer => Ok(RegistryReader {
                actor: self.username.clone(),
                only: Some(self.authority.clone().ok_or(Denied::NoAuthority)?),
            }),
            role => Err(Denied::Role { role, action: "read registry records" }),
        }
    }

    pub fn admin(&self) -> Result<AdminGrant, Denied> {
        match self.role {
            Role::Admin => Ok(AdminGrant { actor: self.username.clone() }),
            role => Err(Denied::Role { role, action: "administer accounts" }),
        }
    }

    /// Issuers (of any authority) and admins may import; the import checks each row's authority.
    pub fn may_issue_somewhere(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Issuer)
    }
}

/// A grant for local operator tools: the CLI acts on the data directory it was pointed at.
pub fn local_issuer(name: &str, authority: &AuthorityCode) -> IssuerGrant {
    IssuerGrant { actor: format!("cli:{name}"), authority: authority.clone() }
}

/// A full reader for local operator tools.
pub fn local_reader(name: &str) -> RegistryReader {
    RegistryReader { actor: format!("cli:{name}"), only: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(role: Role, authority: Option<&str>) -> Principal {
        Principal { user_id: 1, username: "u".into(), role, authority: authority.map(|a| a.parse().unwrap()) }
    }

    #[test]
    fn role_matrix() {
        let a: AuthorityCode = "CN-320500".parse().unwrap();
        assert!(p(Role::Admin, None).issuer_for(&a).is_ok());
        assert!(p(Role::Issuer, Some("CN-320500")).issuer_for(&a).is_ok());
        assert!(matches!(p(Role::Issuer, Some("CN-110000")).issuer_for(&a), Err(Denied::OtherAuthority { .. })));
        assert_eq!(p(Role::Issuer, None).issuer_for(&a).unwrap_err(), Denied::NoAuthority);
        for role in [Role::Inspector, Role::Analyst, Role::Employer] {
            assert!(p(role, None).issuer_for(&a).is_err(), "{role:?}");
            assert!(p(role, None).admin().is_err());
        }
        assert!(p(Role::Inspector, None).registry_reader().unwrap().may_read(&a));
        let r = p(Role::Issuer, Some("CN-110000")).registry_reader().unwrap();
        assert!(!r.may_read(&a));
        assert!(p(Role::Employer, None).registry_reader().is_err());
        assert!(p(Role::Analyst, None).registry_reader().is_err());
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
    }
}
