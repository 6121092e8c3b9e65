//! 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet (digits and upper-case letters
//! without I, O, Z, S, V): registering department, organisation category, the GB/T 2260 region code, the
//! organisation code and a check character (weights 3^i mod 31, check = 31 - sum mod 31).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A validated unified social credit code.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("统一社会信用代码应为18位，实为{0}位 (a unified social credit code has 18 characters, not {0})")]
    Length(usize),
    #[error(
        "第{position}位“{ch}”不是统一社会信用代码可用的字符 (character {position} is not allowed: I, O, Z, S and V are never used)"
    )]
    Character { position: usize, ch: char },
    #[error("第3-8位应为行政区划代码（数字） (characters 3-8 are the region code, digits only)")]
    Region,
    #[error(
        "校验位应为“{expected}”，实为“{found}” (the check character should be {expected}, not {found}: a typing error or an invented code)"
    )]
    Check { expected: char, found: char },
}

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character of the first 17 characters (which must be in the alphabet).
pub fn check_character(first17: &[u8]) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

impl Uscc {
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The GB/T 2260 region code inside the code (characters 3-8).
    pub fn region(&self) -> &str {
        &self.0[2..8]
    }
}

impl FromStr for Uscc {
    type Err = UsccError;
    fn from_str(s: &str) -> Result<Self, UsccError> {
        let t: String = certguard_types::normalize_compact(s).to_uppercase();
        let n = t.chars().count();
        if n != 18 {
            return Err(UsccError::Length(n));
        }
        for (i, ch) in t.chars().enumerate() {
            if !ch.is_ascii() || value(ch as u8).is_none() {
                return Err(UsccError::Character { position: i + 1, ch });
            }
        }
        let b = t.as_bytes();
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(UsccError::Region);
        }
        let expected = check_character(&b[..17]).expect("alphabet checked above");
        let found = b[17] as char;
        if expected != found {
            return Err(UsccError::Check { expected, found });
        }
        Ok(Uscc(t))
    }
}

impl TryFrom<String> for Uscc {
    type Error = UsccError;
    fn try_from(s: String) -> Result<Self, UsccError> {
        s.parse()
    }
}
impl From<Uscc> for String {
    fn from(u: Uscc) -> String {
        u.0
    }
}
impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_codes_are_valid_and_a_changed_character_is_caught() {
        // The standard's commonly quoted example and a code with a check character that is a letter.
        for code in ["91350100M000100Y43", "91310000717854505W", "91110000100003962Y"] {
            let u: Uscc = code.parse().unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(u.as_str(), code);
        }
        assert_eq!("９１３５０１００Ｍ０００１００Ｙ４３".parse::<Uscc>().unwrap().region(), "350100");
        assert!(matches!("91350100M000100Y44".parse::<Uscc>(), Err(UsccError::Check { expected: '3', found: '4' })));
        assert!(matches!("91350100M000100Y4".parse::<Uscc>(), Err(UsccError::Length(17))));
        assert!(matches!("91350100M00010OY43".parse::<Uscc>(), Err(UsccError::Character { position: 15, ch: 'O' })));
        assert!(matches!("91AB0100M000100Y43".parse::<Uscc>(), Err(UsccError::Region)));
    }

    proptest::proptest! {
        #[test]
        fn any_single_substitution_is_detected(pos in 0usize..17, replacement in 0usize..31) {
            let good = b"91350100M000100Y43";
            let mut bad = *good;
            proptest::prop_assume!(ALPHABET[replacement] != good[pos]);
            bad[pos] = ALPHABET[replacement];
            let s = std::str::from_utf8(&bad).unwrap();
            proptest::prop_assert!(s.parse::<Uscc>().is_err());
        }
    }
}
