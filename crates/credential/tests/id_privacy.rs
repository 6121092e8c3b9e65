//! The public QR must not let anyone compute the holder's full ID number.
//!
//! Body v1 carried a salt and SHA-256(salt ‖ upper-case ID) beside the masked ID; with the
//! masked ID only the 8 birth-date digits are unknown, so enumerating every birth date and
//! hashing recovered the ID at once. These tests run that attack against what `issue` writes
//! now (v2: it finds nothing, because nothing is there), check that the attack does work on a
//! v1 body (so the test would have failed before), and check that a v1 credential still
//! verifies with its ID fields ignored.

use certguard_credential::alg::{Algorithm, Signer};
use certguard_credential::body::{Body, CLAIM_BODY, CertKind, Claims, claims_to_value};
use certguard_credential::cbor::{self, Value};
use certguard_credential::cose::CoseSign1;
use certguard_credential::envelope::{AQ1, issue, unwrap, wrap};
use certguard_credential::keys::SigningKey;
use certguard_credential::status_list::StatusStore;
use certguard_credential::testutil::TestRng;
use certguard_credential::trust_list::{TrustEntry, TrustList, TrustStore};
use certguard_credential::verify::{Context, Verdict, verify};
use chrono::{Datelike, NaiveDate};
use sha2::{Digest, Sha256};

const NOW: i64 = 1_780_272_000;
const FULL_ID: &str = "32058219900307123X";
const MASKED_ID: &str = "320582********123X";

fn body() -> Body {
    let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    Body {
        kind: CertKind::SpecialOperation,
        number_masked: format!("T{MASKED_ID}"),
        holder_name: "张三".into(),
        sex: certguard_types::Sex::Male,
        id_masked: MASKED_ID.into(),
        category: "1".into(),
        item: "1.2".into(),
        first_issue: d(2023, 3, 1),
        valid_from: d(2023, 3, 1),
        valid_to: d(2029, 2, 28),
        review_due: d(2027, 3, 1),
        last_review: None,
        authority_code: "CN-320582".into(),
        authority_name: "张家港市应急管理局".into(),
    }
}

fn claims() -> Claims {
    Claims { iss: "CN-320582".into(), iat: NOW - 60, exp: NOW + 86_400, cti: vec![0x42; 16], status: None }
}

fn collect(v: &Value, bytes: &mut Vec<Vec<u8>>, texts: &mut Vec<String>) {
    match v {
        Value::Bytes(b) => bytes.push(b.clone()),
        Value::Text(t) => texts.push(t.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect(x, bytes, texts)),
        Value::Map(m) => m.iter().for_each(|(k, x)| {
            collect(k, bytes, texts);
            collect(x, bytes, texts);
        }),
        Value::Tag(_, x) => collect(x, bytes, texts),
        _ => {}
    }
}

/// Every ID the masked number allows: all birth dates 1900-01-01 .. 2030-12-31 in the 8 masked
/// digits (~47,800 candidates, more than the real ~25,000).
fn candidates(masked: &str) -> Vec<String> {
    let (head, tail) = masked.split_once("********").expect("8 masked digits");
    let mut out = Vec::new();
    let mut d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    while d.year() <= 2030 {
        out.push(format!("{head}{:04}{:02}{:02}{tail}", d.year(), d.month(), d.day()));
        d = d.succ_opt().unwrap();
    }
    out
}

/// The attack: for every candidate ID, every way the old code (or a variant of it) could have
/// hashed it (plain, salt ‖ ID, ID ‖ salt, upper or lower case, with every byte string in the
/// payload as the salt) is compared with every byte string in the payload; the candidate is
/// also looked for in every text. Returns the IDs found.
fn brute_force(payload: &Value) -> Vec<String> {
    let (mut bytes, mut texts) = (Vec::new(), Vec::new());
    collect(payload, &mut bytes, &mut texts);
    let mut found = Vec::new();
    for id in candidates(MASKED_ID) {
        let birth = &id[6..14];
        if texts.iter().any(|t| t.contains(birth)) {
            found.push(id.clone());
            continue;
        }
        for variant in [id.to_ascii_uppercase(), id.to_ascii_lowercase()] {
            let mut digests = vec![Sha256::digest(variant.as_bytes()).to_vec()];
            for salt in &bytes {
                let mut h = Sha256::new();
                h.update(salt);
                h.update(variant.as_bytes());
                digests.push(h.finalize().to_vec());
                let mut h = Sha256::new();
                h.update(variant.as_bytes());
                h.update(salt);
                digests.push(h.finalize().to_vec());
            }
            if digests.iter().any(|d| bytes.iter().any(|b| b == d || (b.len() >= 8 && d.starts_with(b)))) {
                found.push(id.clone());
                break;
            }
        }
    }
    found
}

/// The body claim as body v1 wrote it: `{1: body}` with 6 = SHA-256(salt ‖ ID), 7 = salt.
fn v1_payload() -> Value {
    let salt = vec![0x5a; 16];
    let mut h = Sha256::new();
    h.update(&salt);
    h.update(FULL_ID.as_bytes());
    let commitment = h.finalize().to_vec();
    let mut v1 = body().to_value();
    if let Value::Map(m) = &mut v1 {
        m.push((Value::Int(6), Value::Bytes(commitment)));
        m.push((Value::Int(7), Value::Bytes(salt)));
    }
    let mut payload = claims_to_value(&claims(), &body());
    if let Value::Map(m) = &mut payload {
        for (k, v) in m.iter_mut() {
            if k.as_int() == Some(CLAIM_BODY) {
                *v = Value::Map(vec![(Value::Int(1), v1.clone())]);
            }
        }
    }
    payload
}

#[test]
fn brute_force_over_a_v2_credential_finds_nothing() {
    let key = SigningKey::generate(Algorithm::ES256, &mut TestRng::new(1)).unwrap();
    let text = issue(&body(), &claims(), &key);
    let cose = unwrap(&text, &AQ1).unwrap().cose;
    let payload = cbor::decode(&cose.payload).unwrap();
    assert!(candidates(MASKED_ID).len() > 47_000);
    assert!(candidates(MASKED_ID).iter().any(|c| c == FULL_ID));
    assert_eq!(brute_force(&payload), Vec::<String>::new(), "the QR lets the full ID be computed");
    // The whole COSE (headers, signature) does not help either.
    let (mut bytes, mut texts) = (Vec::new(), Vec::new());
    collect(&cbor::decode(&unwrap(&text, &AQ1).unwrap().cose_bytes).unwrap(), &mut bytes, &mut texts);
    let whole = Value::Array(bytes.into_iter().map(Value::Bytes).chain(texts.into_iter().map(Value::Text)).collect());
    assert!(brute_force(&whole).is_empty());
}

#[test]
fn the_same_brute_force_recovers_the_id_from_a_v1_body() {
    // Positive control: the attack is real, so the test above would fail on what v1 issued.
    assert_eq!(brute_force(&v1_payload()), vec![FULL_ID.to_owned()]);
}

#[test]
fn a_v1_credential_still_verifies_with_its_id_fields_ignored() {
    let mut rng = TestRng::new(2);
    let anchor = SigningKey::generate(Algorithm::EdDSA, &mut rng).unwrap();
    let key = SigningKey::generate(Algorithm::ES256, &mut rng).unwrap();
    let mut trust = TrustStore::new(anchor.public_key());
    let entry = TrustEntry::for_key(Algorithm::ES256, key.public_key(), "CN-320582", "张家港", NOW - 999, NOW + 999);
    let list = TrustList { issuer: "t".into(), sequence: 1, iat: NOW - 10, exp: NOW + 3600, entries: vec![entry] };
    trust.update(&list.sign(&anchor), NOW).unwrap();
    let status = StatusStore::new();
    let ctx = Context { trust: &trust, status: &status, now: NOW };

    let text = wrap(&CoseSign1::sign(&v1_payload().to_vec(), &key, vec![]), &AQ1);
    let v = verify(&text, &ctx);
    // No status reference in these claims: signature valid, status unknown.
    assert_eq!(v.verdict, Verdict::ValidStatusUnknown { since: None }, "{v:#?}");
    let cred = v.credential.as_ref().unwrap();
    assert_eq!(cred.body_version, 1);
    assert_eq!(cred.body, body());
    let json = serde_json::to_string(&v).unwrap();
    assert!(!json.contains(&hex::encode([0x5a; 16])), "the v1 salt reaches the output: {json}");
    assert!(json.contains("superseded body"), "{json}");

    // And v2, issued now, verifies the same way.
    let v = verify(&issue(&body(), &claims(), &key), &ctx);
    assert_eq!(v.verdict, Verdict::ValidStatusUnknown { since: None });
    assert_eq!(v.credential.unwrap().body_version, 2);
}
