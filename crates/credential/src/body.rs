//! Certificate body v1 (claim -65537, key 1) and the CWT claims around it.
//!
//! Dates are encoded as integers: **days since 1970-01-01** (2-3 bytes in CBOR, half of
//! YYYYMMDD's 5 bytes, and ordering/arithmetic need no parsing). In JSON they are ISO dates.
//!
//! Integer keys of body v1:
//! | key | field | CBOR |
//! |---|---|---|
//! | 1 | kind: 1 special operation, 2 management | uint |
//! | 2 | certificate number, masked | tstr |
//! | 3 | holder name | tstr |
//! | 4 | sex: 1 male, 2 female | uint |
//! | 5 | ID number, masked | tstr |
//! | 6 | ID commitment SHA-256(salt ‖ upper-case full ID) | bstr 32 |
//! | 7 | salt | bstr 16 |
//! | 8 | category code (special op.) / personnel type (management) | tstr |
//! | 9 | item code (special op.) / industry (management) | tstr |
//! | 10 | first issue | days |
//! | 11 | valid from | days |
//! | 12 | valid to | days |
//! | 13 | review due | days |
//! | 14 | last review (optional) | days |
//! | 15 | authority code | tstr |
//! | 16 | authority name | tstr |

use crate::cbor::{Value, int_map};
use certguard_types::Sex;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

/// Certificate kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertKind {
    /// 特种作业操作证
    SpecialOperation,
    /// 安全生产知识和管理能力考核合格证
    Management,
}

/// Body v1 of an AQ1 credential.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BodyV1 {
    pub kind: CertKind,
    pub number_masked: String,
    pub holder_name: String,
    pub sex: Sex,
    pub id_masked: String,
    #[serde(with = "hex_bytes")]
    pub id_commitment: Vec<u8>,
    #[serde(with = "hex_bytes")]
    pub id_salt: Vec<u8>,
    /// Category code ("1") or, for management certificates, personnel type.
    pub category: String,
    /// Item code ("1.2") or, for management certificates, industry.
    pub item: String,
    pub first_issue: NaiveDate,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    pub review_due: NaiveDate,
    pub last_review: Option<NaiveDate>,
    pub authority_code: String,
    pub authority_name: String,
}

mod hex_bytes {
    pub fn serialize<S: serde::Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(b))
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s: String = serde::Deserialize::deserialize(d)?;
        hex::decode(s).map_err(serde::de::Error::custom)
    }
}

/// Why a body is not a valid v1 body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("body field {key} missing or of the wrong type")]
    Field { key: i128 },
    #[error("body field {key} has an invalid value")]
    Value { key: i128 },
    #[error("unsupported body version (claim -65537 has no key 1)")]
    Version,
}

const EPOCH: NaiveDate = match NaiveDate::from_ymd_opt(1970, 1, 1) {
    Some(d) => d,
    None => panic!(),
};

pub fn date_to_days(d: NaiveDate) -> i64 {
    (d - EPOCH).num_days()
}

pub fn days_to_date(days: i64) -> Option<NaiveDate> {
    if days.abs() > 3_000_000 {
        return None;
    }
    EPOCH.checked_add_signed(chrono::Duration::days(days))
}

/// The signature expiry (`exp`) for a review due date: the end of that day in China Standard
/// Time (UTC+8), i.e. 16:00 UTC on the due date.
pub fn review_due_to_exp(review_due: NaiveDate) -> i64 {
    date_to_days(review_due) * 86_400 + 16 * 3600
}

/// Normalises a typed ID for the commitment: trimmed, ASCII upper case (the check character X).
pub fn normalize_id(full_id: &str) -> String {
    full_id.trim().to_ascii_uppercase()
}

/// SHA-256(salt ‖ normalised ID).
pub fn id_commitment(salt: &[u8], full_id: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(normalize_id(full_id).as_bytes());
    h.finalize().to_vec()
}

/// Draws a 16-byte salt and commits to the full ID: (salt, SHA-256(salt ‖ ID)).
pub fn commit_id(full_id: &str, rng: &mut impl rand_core::CryptoRng) -> (Vec<u8>, Vec<u8>) {
    let mut salt = vec![0u8; 16];
    rng.fill_bytes(&mut salt);
    let c = id_commitment(&salt, full_id);
    (salt, c)
}

impl Claims {
    /// Claims with a fresh random 16-byte cti (never derived from the ID number).
    pub fn new(iss: &str, iat: i64, exp: i64, status: Option<StatusRef>, rng: &mut impl rand_core::CryptoRng) -> Self {
        let mut cti = vec![0u8; 16];
        rng.fill_bytes(&mut cti);
        Claims { iss: iss.to_owned(), iat, exp, cti, status }
    }
}

impl BodyV1 {
    /// Does the full ID number an inspector typed match the certificate's commitment?
    pub fn id_matches(&self, typed_full_id: &str) -> bool {
        let c = id_commitment(&self.id_salt, typed_full_id);
        // Not secret (the body is public), so a plain comparison is fine.
        c == self.id_commitment
    }

    pub fn to_value(&self) -> Value {
        let days = |d: NaiveDate| Value::from(date_to_days(d));
        let mut m = vec![
            (
                1,
                Value::from(match self.kind {
                    CertKind::SpecialOperation => 1i64,
                    CertKind::Management => 2,
                }),
            ),
            (2, self.number_masked.as_str().into()),
            (3, self.holder_name.as_str().into()),
            (
                4,
                Value::from(match self.sex {
                    Sex::Male => 1i64,
                    Sex::Female => 2,
                }),
            ),
            (5, self.id_masked.as_str().into()),
            (6, Value::Bytes(self.id_commitment.clone())),
            (7, Value::Bytes(self.id_salt.clone())),
            (8, self.category.as_str().into()),
            (9, self.item.as_str().into()),
            (10, days(self.first_issue)),
            (11, days(self.valid_from)),
            (12, days(self.valid_to)),
            (13, days(self.review_due)),
            (15, self.authority_code.as_str().into()),
            (16, self.authority_name.as_str().into()),
        ];
        if let Some(d) = self.last_review {
            m.push((14, days(d)));
        }
        int_map(m)
    }

    pub fn from_value(v: &Value) -> Result<Self, BodyError> {
        if v.as_map().is_none() {
            return Err(BodyError::Field { key: 0 });
        }
        let text =
            |k: i128| v.get_int(k).and_then(Value::as_text).map(str::to_owned).ok_or(BodyError::Field { key: k });
        let bytes = |k: i128, len: usize| {
            v.get_int(k)
                .and_then(Value::as_bytes)
                .filter(|b| b.len() == len)
                .map(<[u8]>::to_vec)
                .ok_or(BodyError::Field { key: k })
        };
        let int = |k: i128| v.get_int(k).and_then(Value::as_i64).ok_or(BodyError::Field { key: k });
        let date = |k: i128| days_to_date(int(k)?).ok_or(BodyError::Value { key: k });
        let kind = match int(1)? {
            1 => CertKind::SpecialOperation,
            2 => CertKind::Management,
            _ => return Err(BodyError::Value { key: 1 }),
        };
        let sex = match int(4)? {
            1 => Sex::Male,
            2 => Sex::Female,
            _ => return Err(BodyError::Value { key: 4 }),
        };
        let last_review = match v.get_int(14) {
            None => None,
            Some(_) => Some(date(14)?),
        };
        Ok(BodyV1 {
            kind,
            number_masked: text(2)?,
            holder_name: text(3)?,
            sex,
            id_masked: text(5)?,
            id_commitment: bytes(6, 32)?,
            id_salt: bytes(7, 16)?,
            category: text(8)?,
            item: text(9)?,
            first_issue: date(10)?,
            valid_from: date(11)?,
            valid_to: date(12)?,
            review_due: date(13)?,
            last_review,
            authority_code: text(15)?,
            authority_name: text(16)?,
        })
    }
}

/// Claim keys.
pub const CLAIM_ISS: i128 = 1;
pub const CLAIM_EXP: i128 = 4;
pub const CLAIM_IAT: i128 = 6;
pub const CLAIM_CTI: i128 = 7;
pub const CLAIM_BODY: i128 = -65537;
pub const CLAIM_STATUS: i128 = 65535;

/// Reference to an entry of a Token Status List.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatusRef {
    pub idx: u64,
    pub uri: String,
}

/// CWT claims of an AQ1 credential.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Claims {
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
    #[serde(with = "hex_bytes")]
    pub cti: Vec<u8>,
    pub status: Option<StatusRef>,
}

/// Why the claims are not what the format requires.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimsError {
    #[error("CWT claims are not a map")]
    NotMap,
    #[error("claim {0} missing or of the wrong type")]
    Claim(i128),
    #[error("cti must be 16 bytes")]
    Cti,
    #[error(transparent)]
    Body(#[from] BodyError),
}

/// Builds the CWT claims map.
pub fn claims_to_value(claims: &Claims, body: &BodyV1) -> Value {
    let mut m = vec![
        (Value::Int(CLAIM_ISS), claims.iss.as_str().into()),
        (Value::Int(CLAIM_IAT), claims.iat.into()),
        (Value::Int(CLAIM_EXP), claims.exp.into()),
        (Value::Int(CLAIM_CTI), Value::Bytes(claims.cti.clone())),
        (Value::Int(CLAIM_BODY), int_map(vec![(1, body.to_value())])),
    ];
    if let Some(s) = &claims.status {
        m.push((
            Value::Int(CLAIM_STATUS),
            Value::Map(vec![(
                "status_list".into(),
                Value::Map(vec![("idx".into(), s.idx.into()), ("uri".into(), s.uri.as_str().into())]),
            )]),
        ));
    }
    Value::Map(m)
}

/// Reads the claims and body v1 from a decoded (already signature-checked) payload.
pub fn claims_from_value(v: &Value) -> Result<(Claims, BodyV1), ClaimsError> {
    if v.as_map().is_none() {
        return Err(ClaimsError::NotMap);
    }
    // Lenient: a NumericDate written as a float is accepted (truncated).
    let int = |k| v.get_int(k).and_then(Value::as_numeric_date).ok_or(ClaimsError::Claim(k));
    let iss = v.get_int(CLAIM_ISS).and_then(Value::as_text).ok_or(ClaimsError::Claim(CLAIM_ISS))?.to_owned();
    let cti = v.get_int(CLAIM_CTI).and_then(Value::as_bytes).ok_or(ClaimsError::Claim(CLAIM_CTI))?;
    if cti.len() != 16 {
        return Err(ClaimsError::Cti);
    }
    let status = match v.get_int(CLAIM_STATUS) {
        None => None,
        Some(s) => {
            let sl = s.get_text("status_list").ok_or(ClaimsError::Claim(CLAIM_STATUS))?;
            let idx = sl
                .get_text("idx")
                .and_then(Value::as_int)
                .and_then(|i| u64::try_from(i).ok())
                .ok_or(ClaimsError::Claim(CLAIM_STATUS))?;
            let uri = sl.get_text("uri").and_then(Value::as_text).ok_or(ClaimsError::Claim(CLAIM_STATUS))?.to_owned();
            Some(StatusRef { idx, uri })
        }
    };
    let body_v = v.get_int(CLAIM_BODY).ok_or(ClaimsError::Claim(CLAIM_BODY))?.get_int(1).ok_or(BodyError::Version)?;
    let body = BodyV1::from_value(body_v)?;
    Ok((Claims { iss, iat: int(CLAIM_IAT)?, exp: int(CLAIM_EXP)?, cti: cti.to_vec(), status }, body))
}

#[cfg(test)]
pub(crate) fn sample_body() -> BodyV1 {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    let salt = vec![7u8; 16];
    BodyV1 {
        kind: CertKind::SpecialOperation,
        number_masked: "T32058219900307****".into(),
        holder_name: "张三".into(),
        sex: Sex::Male,
        id_masked: "320582********1234".into(),
        id_commitment: id_commitment(&salt, "32058219900307123x"),
        id_salt: salt,
        category: "1".into(),
        item: "1.2".into(),
        first_issue: d(2023, 3, 1),
        valid_from: d(2023, 3, 1),
        valid_to: d(2029, 2, 28),
        review_due: d(2026, 3, 1),
        last_review: None,
        authority_code: "CN-320582".into(),
        authority_name: "张家港市应急管理局".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_roundtrip_and_commitment() {
        let b = sample_body();
        let v = b.to_value();
        assert_eq!(BodyV1::from_value(&v).unwrap(), b);
        assert!(b.id_matches("32058219900307123X"));
        assert!(b.id_matches(" 32058219900307123x "));
        assert!(!b.id_matches("320582199003071239"));
        let mut with_review = b.clone();
        with_review.last_review = NaiveDate::from_ymd_opt(2026, 2, 1);
        assert_eq!(BodyV1::from_value(&with_review.to_value()).unwrap(), with_review);
        assert_eq!(date_to_days(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        // Due 2028-03-01: valid through 23:59:59 CST = 15:59:59 UTC.
        assert_eq!(review_due_to_exp(NaiveDate::from_ymd_opt(2028, 3, 1).unwrap()), 1_835_481_600 + 16 * 3600);
    }

    #[test]
    fn claims_accept_float_numeric_dates() {
        let claims = Claims { iss: "CN-1".into(), iat: 100, exp: 200, cti: vec![0; 16], status: None };
        let mut v = claims_to_value(&claims, &sample_body());
        if let Value::Map(m) = &mut v {
            for (k, val) in m.iter_mut() {
                if k.as_int() == Some(CLAIM_EXP) {
                    *val = Value::Float(200.0);
                }
            }
        }
        assert_eq!(claims_from_value(&v).unwrap().0, claims);
    }

    #[test]
    fn body_rejects_wrong_types() {
        let mut v = sample_body().to_value();
        if let Value::Map(m) = &mut v {
            m.retain(|(k, _)| k.as_int() != Some(6));
        }
        assert_eq!(BodyV1::from_value(&v), Err(BodyError::Field { key: 6 }));
        assert!(BodyV1::from_value(&Value::Int(1)).is_err());
    }
}
