//! Certificate body (claim -65537) and the CWT claims around it.
//!
//! Dates are encoded as integers: **days since 1970-01-01** (2-3 bytes in CBOR, half of
//! YYYYMMDD's 5 bytes, and ordering/arithmetic need no parsing). In JSON they are ISO dates.
//!
//! Claim -65537 is a map with exactly one entry, its key the body version: `{2: body v2}` is what
//! [`crate::issue`] writes; `{1: body v1}` is still read.
//!
//! Integer keys of the body:
//! | key | field | CBOR |
//! |---|---|---|
//! | 1 | kind: 1 special operation, 2 management | uint |
//! | 2 | certificate number, masked | tstr |
//! | 3 | holder name | tstr |
//! | 4 | sex: 1 male, 2 female | uint |
//! | 5 | ID number, masked | tstr |
//! | 6 | v1 only, retired: ID commitment SHA-256(salt ‖ upper-case full ID) | bstr 32 |
//! | 7 | v1 only, retired: salt | bstr 16 |
//! | 8 | category code (special op.) / personnel type (management) | tstr |
//! | 9 | item code (special op.) / industry (management) | tstr |
//! | 10 | first issue | days |
//! | 11 | valid from | days |
//! | 12 | valid to | days |
//! | 13 | review due | days |
//! | 14 | last review (optional) | days |
//! | 15 | authority code | tstr |
//! | 16 | authority name | tstr |
//!
//! **Why v2.** Body v1 carried a salt and SHA-256(salt ‖ full ID) beside the masked ID. With
//! the masked ID only the 8 birth-date digits are unknown (~25,000 plausible dates), so anyone
//! holding the QR recovers the full ID number in well under a second. Body v2 carries nothing
//! computed from the full ID: keys 6 and 7 are refused in v2 and are never reused. When a v1
//! body is read, keys 6 and 7 are dropped unread. Checking a typed ID number against a
//! certificate is an online question for the registry (keyed MAC held by the server), not
//! something the public QR can answer.

use crate::cbor::{Value, int_map};
use certguard_types::Sex;
use chrono::NaiveDate;

/// Body version written by [`crate::issue`].
pub const BODY_VERSION: i128 = 2;
/// The superseded version that is still read (its ID fields are dropped).
pub const BODY_V1: i128 = 1;
/// Keys of body v1 that held data computed from the full ID number; refused in v2.
pub const RETIRED_KEYS: [i128; 2] = [6, 7];
/// Keys a v2 body may hold.
const V2_KEYS: [i128; 14] = [1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16];

/// Certificate kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertKind {
    /// 特种作业操作证
    SpecialOperation,
    /// 安全生产知识和管理能力考核合格证
    Management,
}

/// The certificate body of an AQ1 credential (version 2; a v1 body reads into the same struct,
/// without its ID salt and commitment).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Body {
    pub kind: CertKind,
    pub number_masked: String,
    pub holder_name: String,
    pub sex: Sex,
    /// The ID number with the birth date masked: the only ID data a credential carries.
    pub id_masked: String,
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

/// Why a body is not a valid body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    #[error("body field {key} missing or of the wrong type")]
    Field { key: i128 },
    #[error("body field {key} has an invalid value")]
    Value { key: i128 },
    #[error("unsupported body version (claim -65537 must hold exactly one of key 2 or key 1)")]
    Version,
    #[error(
        "body v2 holds key {key}, which is not a body field (keys 6 and 7 are retired: data computed from the full ID)"
    )]
    UnknownField { key: String },
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

impl Claims {
    /// Claims with a fresh random 16-byte cti (never derived from the ID number).
    pub fn new(iss: &str, iat: i64, exp: i64, status: Option<StatusRef>, rng: &mut impl rand_core::CryptoRng) -> Self {
        let mut cti = vec![0u8; 16];
        rng.fill_bytes(&mut cti);
        Claims { iss: iss.to_owned(), iat, exp, cti, status }
    }
}

impl Body {
    /// The v2 body map.
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

    /// Reads a v2 body: only the v2 keys are allowed (in particular not the retired 6 and 7).
    pub fn from_value(v: &Value) -> Result<Self, BodyError> {
        let Some(m) = v.as_map() else {
            return Err(BodyError::Field { key: 0 });
        };
        if let Some((k, _)) = m.iter().find(|(k, _)| !k.as_int().is_some_and(|k| V2_KEYS.contains(&k))) {
            return Err(BodyError::UnknownField { key: k.to_string() });
        }
        Self::read_fields(v)
    }

    /// Reads a superseded v1 body. Its ID salt (7) and commitment (6) are dropped unread: they
    /// let anyone recover the full ID number, so nothing downstream may see or use them.
    pub fn from_v1_value(v: &Value) -> Result<Self, BodyError> {
        if v.as_map().is_none() {
            return Err(BodyError::Field { key: 0 });
        }
        Self::read_fields(v)
    }

    fn read_fields(v: &Value) -> Result<Self, BodyError> {
        let text =
            |k: i128| v.get_int(k).and_then(Value::as_text).map(str::to_owned).ok_or(BodyError::Field { key: k });
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
        Ok(Body {
            kind,
            number_masked: text(2)?,
            holder_name: text(3)?,
            sex,
            id_masked: text(5)?,
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
pub fn claims_to_value(claims: &Claims, body: &Body) -> Value {
    let mut m = vec![
        (Value::Int(CLAIM_ISS), claims.iss.as_str().into()),
        (Value::Int(CLAIM_IAT), claims.iat.into()),
        (Value::Int(CLAIM_EXP), claims.exp.into()),
        (Value::Int(CLAIM_CTI), Value::Bytes(claims.cti.clone())),
        (Value::Int(CLAIM_BODY), Value::Map(vec![(Value::Int(BODY_VERSION), body.to_value())])),
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

/// Reads the body claim (-65537): `{2: body v2}`, or `{1: body v1}` with its ID fields dropped.
/// Returns the body and its version.
pub fn body_from_claim(v: &Value) -> Result<(Body, u8), BodyError> {
    match v.as_map() {
        Some([(k, body)]) if k.as_int() == Some(BODY_VERSION) => Ok((Body::from_value(body)?, 2)),
        Some([(k, body)]) if k.as_int() == Some(BODY_V1) => Ok((Body::from_v1_value(body)?, 1)),
        _ => Err(BodyError::Version),
    }
}

/// Reads the claims and the body from a decoded (already signature-checked) payload.
pub fn claims_from_value(v: &Value) -> Result<(Claims, Body), ClaimsError> {
    claims_and_version_from_value(v).map(|(c, b, _)| (c, b))
}

/// Like [`claims_from_value`], also returning the body version read (2, or 1 for a superseded body).
pub fn claims_and_version_from_value(v: &Value) -> Result<(Claims, Body, u8), ClaimsError> {
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
    let (body, version) = body_from_claim(v.get_int(CLAIM_BODY).ok_or(ClaimsError::Claim(CLAIM_BODY))?)?;
    Ok((Claims { iss, iat: int(CLAIM_IAT)?, exp: int(CLAIM_EXP)?, cti: cti.to_vec(), status }, body, version))
}

#[cfg(test)]
pub(crate) fn sample_body() -> Body {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    Body {
        kind: CertKind::SpecialOperation,
        // Masked as certguard-types masks it: the number is "T" + the ID, so the same 8 digits hide.
        number_masked: "T320582********123X".into(),
        holder_name: "张三".into(),
        sex: Sex::Male,
        id_masked: "320582********123X".into(),
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
    fn body_roundtrip() {
        let b = sample_body();
        let v = b.to_value();
        assert_eq!(Body::from_value(&v).unwrap(), b);
        let mut with_review = b.clone();
        with_review.last_review = NaiveDate::from_ymd_opt(2026, 2, 1);
        assert_eq!(Body::from_value(&with_review.to_value()).unwrap(), with_review);
        assert_eq!(date_to_days(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
        // Due 2028-03-01: valid through 23:59:59 CST = 15:59:59 UTC.
        assert_eq!(review_due_to_exp(NaiveDate::from_ymd_opt(2028, 3, 1).unwrap()), 1_835_481_600 + 16 * 3600);
    }

    /// The body as v1 wrote it: keys 6 (commitment) and 7 (salt) beside the v2 fields.
    fn v1_value(b: &Body) -> Value {
        let mut v = b.to_value();
        if let Value::Map(m) = &mut v {
            m.push((Value::Int(6), Value::Bytes(vec![0xc0; 32])));
            m.push((Value::Int(7), Value::Bytes(vec![0x5a; 16])));
        }
        v
    }

    #[test]
    fn issuing_writes_v2_without_id_fields() {
        let claims = Claims { iss: "CN-1".into(), iat: 100, exp: 200, cti: vec![0; 16], status: None };
        let v = claims_to_value(&claims, &sample_body());
        let body_claim = v.get_int(CLAIM_BODY).unwrap();
        assert!(body_claim.get_int(BODY_V1).is_none());
        let body = body_claim.get_int(BODY_VERSION).unwrap();
        for k in RETIRED_KEYS {
            assert!(body.get_int(k).is_none(), "v2 body holds retired key {k}");
        }
        assert!(!body.as_map().unwrap().iter().any(|(_, x)| matches!(x, Value::Bytes(_))), "no byte strings in v2");
        assert_eq!(claims_and_version_from_value(&v).unwrap(), (claims, sample_body(), 2));
    }

    #[test]
    fn v1_body_is_read_with_id_fields_dropped_and_v2_refuses_them() {
        let b = sample_body();
        let v1 = v1_value(&b);
        assert_eq!(Body::from_v1_value(&v1).unwrap(), b);
        assert_eq!(body_from_claim(&int_map(vec![(1, v1.clone())])).unwrap(), (b.clone(), 1));
        // A v1 body's ID fields are not even type-checked: they are dropped.
        let mut odd = v1.clone();
        if let Value::Map(m) = &mut odd {
            m.retain(|(k, _)| k.as_int() != Some(7));
            m.push((Value::Int(7), Value::Text("x".into())));
        }
        assert_eq!(Body::from_v1_value(&odd).unwrap(), b);
        // The same fields under v2 are refused, as is any key that is not a body field.
        assert!(matches!(Body::from_value(&v1), Err(BodyError::UnknownField { .. })));
        assert!(matches!(body_from_claim(&int_map(vec![(2, v1.clone())])), Err(BodyError::UnknownField { .. })));
        // Exactly one version per claim; unknown versions refused.
        assert_eq!(body_from_claim(&int_map(vec![(1, v1), (2, b.to_value())])), Err(BodyError::Version));
        assert_eq!(body_from_claim(&int_map(vec![(3, b.to_value())])), Err(BodyError::Version));
        assert_eq!(body_from_claim(&int_map(vec![])), Err(BodyError::Version));
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
            m.retain(|(k, _)| k.as_int() != Some(5));
        }
        assert_eq!(Body::from_value(&v), Err(BodyError::Field { key: 5 }));
        assert!(Body::from_value(&Value::Int(1)).is_err());
    }
}
