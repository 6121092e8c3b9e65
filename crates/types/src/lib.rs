//! Validated value types shared by every certguard crate.
//!
//! Parse, don't validate: every string that comes from a user, a file or the network becomes one of these
//! types at the edge, and code further in never re-checks it.
//!
//! ```
//! use certguard_types::{ResidentId, Sex};
//! let id: ResidentId = "11010519491231002X".parse().unwrap();
//! assert_eq!(id.sex(), Sex::Female);
//! assert_eq!(id.masked(), "110105********002X");
//! // Full-width digits and spaces, as people type them on a phone, are normalised.
//! assert_eq!("４４０５２４ 1880 0101 0014".parse::<ResidentId>().unwrap().as_str(), "440524188001010014");
//! ```

mod identity;
mod text;

pub use identity::{IdError, IdentityDoc, IdentityKind, ResidentId, Sex, check_char};
pub use text::{TextError, normalize_compact, normalize_text};

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A certificate number (证号). For a special-operation certificate it is "T" followed by the holder's
/// identity number; management certificates use numbers whose format is not fixed, so they are kept opaque.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CertificateNumber(String);

impl CertificateNumber {
    /// The special-operation number of a holder: "T" + the identity number.
    pub fn special_operation(holder: &IdentityDoc) -> Self {
        CertificateNumber(format!("T{}", holder.number()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The number with the embedded identity number masked, for public pages, QR codes, logs and exports.
    pub fn masked(&self) -> String {
        if let Some(rest) = self.0.strip_prefix('T')
            && let Ok(id) = rest.parse::<ResidentId>()
        {
            return format!("T{}", id.masked());
        }
        identity::mask_middle(&self.0)
    }
}

impl FromStr for CertificateNumber {
    type Err = TextError;
    fn from_str(s: &str) -> Result<Self, TextError> {
        let n = normalize_compact(s).to_uppercase();
        if n.is_empty() {
            return Err(TextError::Empty);
        }
        if n.chars().count() > 40 {
            return Err(TextError::TooLong { max: 40 });
        }
        if !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(TextError::InvalidCharacters);
        }
        Ok(CertificateNumber(n))
    }
}
impl TryFrom<String> for CertificateNumber {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, TextError> {
        s.parse()
    }
}
impl From<CertificateNumber> for String {
    fn from(n: CertificateNumber) -> String {
        n.0
    }
}
impl fmt::Display for CertificateNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The code of an issuing authority: a country prefix and the GB/T 2260 region code or another registry
/// code, e.g. "CN-320582" (张家港市应急管理局). Upper-case ASCII letters, digits and one '-'.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AuthorityCode(String);

impl AuthorityCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The GB/T 2260 region code if the code is of the form CN-dddddd.
    pub fn region_code(&self) -> Option<&str> {
        let r = self.0.strip_prefix("CN-")?;
        (r.len() == 6 && r.bytes().all(|b| b.is_ascii_digit())).then_some(r)
    }
}
impl FromStr for AuthorityCode {
    type Err = TextError;
    fn from_str(s: &str) -> Result<Self, TextError> {
        let n = normalize_compact(s).to_uppercase();
        let Some((prefix, rest)) = n.split_once('-') else {
            return Err(TextError::Format("CN-320582"));
        };
        let ok = prefix.len() == 2
            && prefix.bytes().all(|b| b.is_ascii_uppercase())
            && (2..=12).contains(&rest.len())
            && rest.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if ok { Ok(AuthorityCode(n)) } else { Err(TextError::Format("CN-320582")) }
    }
}
impl TryFrom<String> for AuthorityCode {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, TextError> {
        s.parse()
    }
}
impl From<AuthorityCode> for String {
    fn from(n: AuthorityCode) -> String {
        n.0
    }
}
impl fmt::Display for AuthorityCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's name as printed on a certificate: trimmed, 1 to 64 characters, no control characters.
/// Chinese names keep their middle dot (e.g. 阿依古丽·买买提).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
impl FromStr for PersonName {
    type Err = TextError;
    fn from_str(s: &str) -> Result<Self, TextError> {
        let n = normalize_text(s);
        if n.is_empty() {
            return Err(TextError::Empty);
        }
        if n.chars().count() > 64 {
            return Err(TextError::TooLong { max: 64 });
        }
        if n.chars().any(|c| c.is_control() || "<>\"'`;{}\\".contains(c)) {
            return Err(TextError::InvalidCharacters);
        }
        Ok(PersonName(n))
    }
}
impl TryFrom<String> for PersonName {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, TextError> {
        s.parse()
    }
}
impl From<PersonName> for String {
    fn from(n: PersonName) -> String {
        n.0
    }
}
impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_number_of_resident_is_t_plus_id_and_masks() {
        let id: IdentityDoc = IdentityDoc::resident("440524188001010014").unwrap();
        let n = CertificateNumber::special_operation(&id);
        assert_eq!(n.as_str(), "T440524188001010014");
        assert_eq!(n.masked(), "T440524********0014");
        assert_eq!("t440524188001010014".parse::<CertificateNumber>().unwrap(), n);
    }

    #[test]
    fn certificate_number_rejects_injection() {
        assert!("T1' OR 1=1 --".parse::<CertificateNumber>().is_err());
        assert!("<script>".parse::<CertificateNumber>().is_err());
        assert_eq!("".parse::<CertificateNumber>(), Err(TextError::Empty));
    }

    #[test]
    fn authority_code_format() {
        let c: AuthorityCode = " cn-320582 ".parse().unwrap();
        assert_eq!(c.as_str(), "CN-320582");
        assert_eq!(c.region_code(), Some("320582"));
        assert!("320582".parse::<AuthorityCode>().is_err());
        assert!("CN-32/582".parse::<AuthorityCode>().is_err());
    }

    #[test]
    fn person_name_rules() {
        assert_eq!("  张 三 ".parse::<PersonName>().unwrap().as_str(), "张三");
        assert_eq!("John  Smith".parse::<PersonName>().unwrap().as_str(), "John Smith");
        assert!("阿依古丽·买买提".parse::<PersonName>().is_ok());
        assert!("<b>x</b>".parse::<PersonName>().is_err());
        assert!("".parse::<PersonName>().is_err());
        assert!("名".repeat(65).parse::<PersonName>().is_err());
    }
}
