//! Identity documents: the mainland resident ID (GB 11643-1999) and the other documents holders may have.

use crate::text::normalize_compact;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use thiserror::Error;

/// Why an identity number was refused. Each variant names the exact fault so a clerk can fix the row.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum IdError {
    #[error("resident ID must have 18 characters, got {0}")]
    WrongLength(usize),
    #[error("character {position} ('{found}') must be a digit{}", if *position == 18 { " or X" } else { "" })]
    NotADigit { position: usize, found: char },
    #[error("address code {0} is not a GB/T 2260 province code")]
    BadRegion(String),
    #[error("birth date {0} is not a real date")]
    BadBirthDate(String),
    #[error("check character is {found}, but the first 17 digits require {expected}")]
    CheckDigit { expected: char, found: char },
    #[error("document number must have 5 to 32 letters or digits")]
    BadDocumentNumber,
}

/// Sex as encoded in the resident ID (odd sequence digit = male).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }
    /// Accepts 男/女, M/F, male/female (any case).
    pub fn parse(s: &str) -> Option<Sex> {
        match normalize_compact(s).to_lowercase().as_str() {
            "男" | "m" | "male" => Some(Sex::Male),
            "女" | "f" | "female" => Some(Sex::Female),
            _ => None,
        }
    }
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// The check character GB 11643 assigns to 17 leading digits.
pub fn check_char(first17: &[u8]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK_CHARS[(sum % 11) as usize] as char
}

/// A mainland resident identity number: 18 characters, valid province code, real birth date, correct check
/// character. Stored upper-case.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResidentId(String);

impl ResidentId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn birth_date(&self) -> NaiveDate {
        let d = &self.0[6..14];
        NaiveDate::parse_from_str(d, "%Y%m%d").expect("validated at parse time")
    }
    pub fn sex(&self) -> Sex {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female }
    }
    /// The six-digit address code (GB/T 2260) of the place of first registration.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }
    /// The masked form for anything public: first 6 and last 4 characters, e.g. 110105********002X.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
    /// Whole years of age on `on`.
    pub fn age_on(&self, on: NaiveDate) -> i32 {
        on.years_since(self.birth_date()).map(|y| y as i32).unwrap_or(-1)
    }
}

// Debug never prints the full number: logs must not carry it (PIPL).
impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

impl FromStr for ResidentId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        let n = normalize_compact(s).to_uppercase();
        let len = n.chars().count();
        if len != 18 {
            return Err(IdError::WrongLength(len));
        }
        let b = n.as_bytes();
        for (i, &c) in b.iter().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && c == b'X');
            if !ok {
                return Err(IdError::NotADigit { position: i + 1, found: c as char });
            }
        }
        // Province codes run from 11 (Beijing) to 82 (Macau); the first digit is never 0 or 9.
        let province: u32 = n[..2].parse().expect("digits");
        if !(11..=82).contains(&province) {
            return Err(IdError::BadRegion(n[..6].to_string()));
        }
        let date = &n[6..14];
        let parsed = NaiveDate::parse_from_str(date, "%Y%m%d").map_err(|_| IdError::BadBirthDate(date.into()))?;
        if parsed.format("%Y").to_string().parse::<i32>().unwrap_or(0) < 1850 {
            return Err(IdError::BadBirthDate(date.into()));
        }
        let expected = check_char(&b[..17]);
        let found = b[17] as char;
        if expected != found {
            return Err(IdError::CheckDigit { expected, found });
        }
        Ok(ResidentId(n))
    }
}
impl TryFrom<String> for ResidentId {
    type Error = IdError;
    fn try_from(s: String) -> Result<Self, IdError> {
        s.parse()
    }
}
impl From<ResidentId> for String {
    fn from(n: ResidentId) -> String {
        n.0
    }
}

/// The kind of identity document a holder has. Holders without a mainland ID are accepted with their own
/// document (the number format then follows that document and is only checked loosely).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKind {
    Resident,
    HkMacauPermit,
    TaiwanPermit,
    Passport,
    ForeignPermanentResident,
}

impl IdentityKind {
    pub const ALL: [IdentityKind; 5] = [
        IdentityKind::Resident,
        IdentityKind::HkMacauPermit,
        IdentityKind::TaiwanPermit,
        IdentityKind::Passport,
        IdentityKind::ForeignPermanentResident,
    ];
    pub fn code(self) -> &'static str {
        match self {
            IdentityKind::Resident => "resident",
            IdentityKind::HkMacauPermit => "hk_macau_permit",
            IdentityKind::TaiwanPermit => "taiwan_permit",
            IdentityKind::Passport => "passport",
            IdentityKind::ForeignPermanentResident => "foreign_permanent_resident",
        }
    }
    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            IdentityKind::Resident => "居民身份证",
            IdentityKind::HkMacauPermit => "港澳居民来往内地通行证",
            IdentityKind::TaiwanPermit => "台湾居民来往大陆通行证",
            IdentityKind::Passport => "护照",
            IdentityKind::ForeignPermanentResident => "外国人永久居留身份证",
        }
    }
}

/// A holder's identity document.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "number", rename_all = "snake_case")]
pub enum IdentityDoc {
    Resident(ResidentId),
    HkMacauPermit(String),
    TaiwanPermit(String),
    Passport(String),
    ForeignPermanentResident(String),
}

impl IdentityDoc {
    pub fn resident(s: &str) -> Result<Self, IdError> {
        Ok(IdentityDoc::Resident(s.parse()?))
    }

    /// Parses a number of the given kind. Non-mainland numbers: 5 to 32 ASCII letters/digits, upper-cased.
    pub fn parse(kind: IdentityKind, s: &str) -> Result<Self, IdError> {
        if kind == IdentityKind::Resident {
            return Self::resident(s);
        }
        let n = normalize_compact(s).to_uppercase();
        let ok = (5..=32).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric());
        if !ok {
            return Err(IdError::BadDocumentNumber);
        }
        Ok(match kind {
            IdentityKind::HkMacauPermit => IdentityDoc::HkMacauPermit(n),
            IdentityKind::TaiwanPermit => IdentityDoc::TaiwanPermit(n),
            IdentityKind::Passport => IdentityDoc::Passport(n),
            IdentityKind::ForeignPermanentResident => IdentityDoc::ForeignPermanentResident(n),
            IdentityKind::Resident => unreachable!(),
        })
    }

    /// Guesses the kind from the number's shape: 18 digit-like characters are a resident ID; anything else must
    /// name its kind. Used by imports whose files carry no document-type column.
    pub fn parse_any(s: &str) -> Result<Self, IdError> {
        let n = normalize_compact(s);
        if n.chars().count() == 18 && n.chars().take(17).all(|c| c.is_ascii_digit()) {
            return Self::resident(&n);
        }
        match n.chars().next() {
            Some('H') | Some('M') | Some('h') | Some('m') if n.len() >= 9 && n.len() <= 11 => {
                Self::parse(IdentityKind::HkMacauPermit, &n)
            }
            _ if n.chars().all(|c| c.is_ascii_digit()) && n.len() != 18 => Err(IdError::WrongLength(n.chars().count())),
            _ => Self::parse(IdentityKind::Passport, &n),
        }
    }

    pub fn kind(&self) -> IdentityKind {
        match self {
            IdentityDoc::Resident(_) => IdentityKind::Resident,
            IdentityDoc::HkMacauPermit(_) => IdentityKind::HkMacauPermit,
            IdentityDoc::TaiwanPermit(_) => IdentityKind::TaiwanPermit,
            IdentityDoc::Passport(_) => IdentityKind::Passport,
            IdentityDoc::ForeignPermanentResident(_) => IdentityKind::ForeignPermanentResident,
        }
    }

    pub fn number(&self) -> &str {
        match self {
            IdentityDoc::Resident(id) => id.as_str(),
            IdentityDoc::HkMacauPermit(n)
            | IdentityDoc::TaiwanPermit(n)
            | IdentityDoc::Passport(n)
            | IdentityDoc::ForeignPermanentResident(n) => n,
        }
    }

    pub fn masked(&self) -> String {
        match self {
            IdentityDoc::Resident(id) => id.masked(),
            _ => mask_middle(self.number()),
        }
    }

    pub fn as_resident(&self) -> Option<&ResidentId> {
        match self {
            IdentityDoc::Resident(id) => Some(id),
            _ => None,
        }
    }
}

impl fmt::Debug for IdentityDoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}({})", self.kind(), self.masked())
    }
}

/// Keeps the first and last quarter of a string, stars in between (at least one star).
pub(crate) fn mask_middle(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let keep = chars.len() / 4;
    let stars = chars.len() - 2 * keep;
    let mut out: String = chars[..keep].iter().collect();
    out.extend(std::iter::repeat_n('*', stars.max(1)));
    out.extend(&chars[chars.len() - keep..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn standard_examples_are_valid() {
        let a: ResidentId = "11010519491231002X".parse().unwrap();
        assert_eq!(a.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(a.sex(), Sex::Female);
        let b: ResidentId = "440524188001010014".parse().unwrap();
        assert_eq!(b.sex(), Sex::Male);
        assert_eq!(b.region_code(), "440524");
        assert_eq!("11010519491231002x".parse::<ResidentId>().unwrap(), a);
    }

    #[test]
    fn each_fault_is_named() {
        assert_eq!("1101051949123100".parse::<ResidentId>(), Err(IdError::WrongLength(16)));
        assert_eq!("11010519491231002Y".parse::<ResidentId>(), Err(IdError::NotADigit { position: 18, found: 'Y' }));
        assert_eq!("110105194912310021".parse::<ResidentId>(), Err(IdError::CheckDigit { expected: 'X', found: '1' }));
        // 1949-02-30 does not exist; fix the check digit so only the date is wrong.
        let mut s = b"11010519490230002".to_vec();
        let c = check_char(&s);
        s.push(c as u8);
        let s = String::from_utf8(s).unwrap();
        assert_eq!(s.parse::<ResidentId>(), Err(IdError::BadBirthDate("19490230".into())));
        assert!(matches!("010105194912310027".parse::<ResidentId>(), Err(IdError::BadRegion(_))));
    }

    #[test]
    fn debug_is_masked() {
        let a: ResidentId = "11010519491231002X".parse().unwrap();
        assert!(!format!("{a:?}").contains("19491231"));
        let d = IdentityDoc::Resident(a);
        assert!(!format!("{d:?}").contains("19491231"));
    }

    #[test]
    fn other_documents_are_accepted_as_their_kind() {
        let d = IdentityDoc::parse(IdentityKind::HkMacauPermit, "h1234 5678").unwrap();
        assert_eq!(d.number(), "H12345678");
        assert_eq!(d.kind(), IdentityKind::HkMacauPermit);
        assert_eq!(d.masked(), "H1*****78");
        assert!(IdentityDoc::parse(IdentityKind::Passport, "E1").is_err());
        assert_eq!(IdentityDoc::parse_any("E12345678").unwrap().kind(), IdentityKind::Passport);
        assert_eq!(IdentityDoc::parse_any("12345").unwrap_err(), IdError::WrongLength(5));
    }

    #[test]
    fn age() {
        let a: ResidentId = "440524188001010014".parse().unwrap();
        assert_eq!(a.age_on(NaiveDate::from_ymd_opt(1898, 1, 1).unwrap()), 18);
        assert_eq!(a.age_on(NaiveDate::from_ymd_opt(1897, 12, 31).unwrap()), 17);
    }

    proptest! {
        #[test]
        fn every_generated_id_round_trips(region in 110000u32..=820000, days in 0i64..60000, seq in 0u32..1000) {
            let birth = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let first17 = format!("{region:06}{}{seq:03}", birth.format("%Y%m%d"));
            let full = format!("{first17}{}", check_char(first17.as_bytes()));
            let id: ResidentId = full.parse().unwrap();
            prop_assert_eq!(id.birth_date(), birth);
            prop_assert_eq!(id.sex() == Sex::Male, seq % 2 == 1);
            prop_assert_eq!(id.masked().len(), 18);
            // Any single-digit change in the first 17 digits breaks the check character.
            let mut bytes = full.into_bytes();
            let pos = (seq as usize) % 17;
            bytes[pos] = if bytes[pos] == b'9' { b'0' } else { bytes[pos] + 1 };
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(changed.parse::<ResidentId>().is_err());
        }
    }
}
