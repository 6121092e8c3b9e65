//! Our own negative suite, in dgc-testdata's JSON layout (`tests/negative/AQ/2DCode/raw/*.json`).
//!
//! Each case carries the AQ1 text (`PREFIX`), the trust anchor, the signed trust list (and for
//! rollback the one already held), the signed status lists, the validation clock, and the
//! expected outcome: `EXPECTEDTRUSTLIST` (accepted / expired / rollback) and `EXPECTEDVERDICT`
//! with `EXPECTEDCHECK` (the first failing check). The files are committed; they were written by
//! `cargo test -p certguard-credential --test negative -- --ignored regenerate` and the checker
//! below reads them back.

use certguard_credential::alg::{Algorithm, KeyKind, PublicKey, Signer};
use certguard_credential::body::{Body, CertKind, Claims, StatusRef};
use certguard_credential::cbor::{Value, int_map};
use certguard_credential::cose::{CoseSign1, sig_structure};
use certguard_credential::envelope::{AQ1, deflate, issue, wrap};
use certguard_credential::keys::SigningKey;
use certguard_credential::status_list::{StatusList, StatusListToken, StatusStore};
use certguard_credential::testutil::TestRng;
use certguard_credential::trust_list::{TrustEntry, TrustList, TrustStore};
use certguard_credential::verify::{Context, Verdict, verify};
use certguard_credential::{base45, conformance::parse_datetime};
use serde_json::{Value as Json, json};
use std::path::PathBuf;

const NOW: i64 = 1_780_272_000; // 2026-06-01T00:00:00Z
const CLOCK: &str = "2026-06-01T00:00:00Z";
const URI: &str = "https://certguard.example/status/CN-320582/1";

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/negative/AQ/2DCode/raw"))
}

fn body() -> Body {
    let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
    Body {
        kind: CertKind::SpecialOperation,
        number_masked: "T320582********1228".into(),
        holder_name: "李四".into(),
        sex: certguard_types::Sex::Female,
        id_masked: "320582********1228".into(),
        category: "1".into(),
        item: "1.2".into(),
        first_issue: d(2025, 3, 1),
        valid_from: d(2025, 3, 1),
        valid_to: d(2031, 2, 28),
        review_due: d(2028, 3, 1),
        last_review: None,
        authority_code: "CN-320582".into(),
        authority_name: "张家港市应急管理局".into(),
    }
}

fn claims(idx: u64) -> Claims {
    Claims {
        iss: "CN-320582".into(),
        iat: NOW - 86_400,
        exp: NOW + 86_400 * 600,
        cti: vec![0x42; 16],
        status: Some(StatusRef { idx, uri: URI.into() }),
    }
}

/// A signer that lies about its algorithm and/or kid (to build bad credentials).
struct Liar<'a> {
    inner: &'a dyn Signer,
    alg: Algorithm,
    kid: Vec<u8>,
    key: PublicKey,
}

impl Signer for Liar<'_> {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
    fn public_key(&self) -> PublicKey {
        self.key.clone()
    }
    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        self.inner.sign(msg)
    }
    fn kid(&self) -> Vec<u8> {
        self.kid.clone()
    }
}

/// P-384 key signing SHA-256 digests: "ES256" with the wrong curve.
struct P384Sha256(p384::ecdsa::SigningKey);

impl Signer for P384Sha256 {
    fn algorithm(&self) -> Algorithm {
        Algorithm::ES256
    }
    fn public_key(&self) -> PublicKey {
        let point = self.0.verifying_key().to_sec1_point(false);
        PublicKey::ec_from_sec1(KeyKind::P384, point.as_bytes()).unwrap()
    }
    fn sign(&self, msg: &[u8]) -> Vec<u8> {
        use p384::ecdsa::signature::hazmat::PrehashSigner;
        use sha2::Digest;
        let digest = sha2::Sha256::digest(msg);
        let sig: p384::ecdsa::Signature = self.0.sign_prehash(&digest).unwrap();
        sig.to_bytes().to_vec()
    }
}

struct Fixture {
    anchor: SigningKey,
    es: SigningKey,
    ed: SigningKey,
    collide: SigningKey,
    p384: P384Sha256,
}

fn fixture() -> Fixture {
    let mut rng = TestRng::new(2026);
    Fixture {
        anchor: SigningKey::generate(Algorithm::EdDSA, &mut rng).unwrap(),
        es: SigningKey::generate(Algorithm::ES256, &mut rng).unwrap(),
        ed: SigningKey::generate(Algorithm::EdDSA, &mut rng).unwrap(),
        collide: SigningKey::generate(Algorithm::ES256, &mut rng).unwrap(),
        p384: P384Sha256(p384::ecdsa::SigningKey::from_slice(&[7u8; 48]).unwrap()),
    }
}

fn entry(alg: Algorithm, key: PublicKey) -> TrustEntry {
    TrustEntry::for_key(alg, key, "CN-320582", "张家港市应急管理局", NOW - 86_400 * 30, NOW + 86_400 * 365)
}

fn trust_list(f: &Fixture, seq: u64, exp: i64) -> Vec<u8> {
    let mut collide = entry(Algorithm::ES256, f.collide.public_key());
    collide.kid = f.es.kid(); // forced kid collision with the ES256 key
    TrustList {
        issuer: "CN-MEM trust anchor".into(),
        sequence: seq,
        iat: NOW - 3600,
        exp,
        entries: vec![
            entry(Algorithm::ES256, f.es.public_key()),
            collide,
            entry(Algorithm::EdDSA, f.ed.public_key()),
            entry(Algorithm::ES256, f.p384.public_key()),
        ],
    }
    .sign(&f.anchor)
}

fn status_lists(f: &Fixture, iat: i64) -> Vec<u8> {
    let mut l = StatusList::new(2, 131_072).unwrap();
    l.set(1001, 1); // revoked
    l.set(1002, 2); // suspended
    StatusListToken::sign(URI, &l, iat, None, 3600, &f.es)
}

fn case(desc: &str, text: &str, f: &Fixture, expect: Json) -> Json {
    case_with(desc, text, f, trust_list(f, 7, NOW + 86_400), None, status_lists(f, NOW - 60), expect)
}

fn case_with(
    desc: &str,
    text: &str,
    f: &Fixture,
    tl: Vec<u8>,
    held: Option<Vec<u8>>,
    sl: Vec<u8>,
    expect: Json,
) -> Json {
    let mut ctx = json!({
        "VERSION": 1,
        "DESCRIPTION": desc,
        "VALIDATIONCLOCK": CLOCK,
        "ANCHOR": hex::encode(f.anchor.public_key().spki_der()),
        "TRUSTLIST": hex::encode(tl),
        "STATUSLISTS": [hex::encode(sl)],
    });
    if let Some(h) = held {
        ctx["HELDTRUSTLIST"] = json!(hex::encode(h));
    }
    json!({ "PREFIX": text, "TESTCTX": ctx, "EXPECTEDRESULTS": expect })
}

fn expect(verdict: &str, check: Option<&str>) -> Json {
    let mut e = json!({ "EXPECTEDTRUSTLIST": "accepted", "EXPECTEDVERDICT": verdict });
    if let Some(c) = check {
        e["EXPECTEDCHECK"] = json!(c);
    }
    e
}

/// COSE_Sign1 with chosen protected/unprotected headers, wrapped as AQ1.
fn custom(protected: Vec<(i64, Value)>, unprotected: Vec<(i64, Value)>, payload: &[u8], s: &dyn Signer) -> Vec<u8> {
    let prot = int_map(protected).to_vec();
    let sig = s.sign(&sig_structure(&prot, &[], payload));
    Value::Tag(
        18,
        Box::new(Value::Array(vec![
            Value::Bytes(prot),
            int_map(unprotected),
            Value::Bytes(payload.to_vec()),
            Value::Bytes(sig),
        ])),
    )
    .to_vec()
}

fn payload(idx: u64) -> Vec<u8> {
    certguard_credential::body::claims_to_value(&claims(idx), &body()).to_vec()
}

fn all_cases() -> Vec<(&'static str, Json)> {
    let f = fixture();
    let valid = issue(&body(), &claims(5), &f.es);
    let b45 = valid.strip_prefix("AQ1:").unwrap().to_owned();
    let cose_of = |t: &str| certguard_credential::envelope::unwrap(t, &AQ1).unwrap().cose_bytes;
    let mut v = vec![
        ("valid", case("baseline: valid ES256 credential, fresh lists", &valid, &f, expect("valid", None))),
        ("valid_eddsa", case("valid EdDSA credential", &issue(&body(), &claims(6), &f.ed), &f, expect("valid", None))),
        (
            "prefix_hc1",
            case("EU HC1: prefix: not our format", &format!("HC1:{b45}"), &f, expect("not_our_format", Some("prefix"))),
        ),
        (
            "prefix_lower_case",
            case(
                "lower-case aq1: prefix: ours but mangled, a damaged text (not a forgery)",
                &format!("aq1:{b45}"),
                &f,
                expect("not_our_format", Some("prefix")),
            ),
        ),
        (
            "prefix_url",
            case(
                "a fake query-site URL",
                "https://zhengshu-chaxun.example.cn/cx?no=T320582",
                &f,
                expect("not_our_format", Some("format")),
            ),
        ),
        (
            "es256_p384_key",
            case(
                "ES256 header, signed with a P-384 key listed as ES256",
                &issue(&body(), &claims(7), &f.p384),
                &f,
                expect("invalid", Some("alg_curve")),
            ),
        ),
        (
            "kid_collision_second_entry",
            case(
                "two entries share the kid; the second key signed",
                &issue(
                    &body(),
                    &claims(8),
                    &Liar { inner: &f.collide, alg: Algorithm::ES256, kid: f.es.kid(), key: f.collide.public_key() },
                ),
                &f,
                expect("valid", None),
            ),
        ),
        (
            "kid_collision_no_key_verifies",
            case(
                "two entries share the kid; neither key signed",
                &issue(
                    &body(),
                    &claims(8),
                    &Liar {
                        inner: &SigningKey::from_seed(Algorithm::ES256, &[9; 32]).unwrap(),
                        alg: Algorithm::ES256,
                        kid: f.es.kid(),
                        key: f.es.public_key(),
                    },
                ),
                &f,
                expect("invalid", Some("signature")),
            ),
        ),
        (
            "revoked",
            case("status 1 (revoked)", &issue(&body(), &claims(1001), &f.es), &f, expect("invalid", Some("status"))),
        ),
        (
            "suspended",
            case("status 2 (suspended)", &issue(&body(), &claims(1002), &f.es), &f, expect("invalid", Some("status"))),
        ),
        (
            "status_list_stale",
            case_with(
                "status list older than its ttl",
                &valid,
                &f,
                trust_list(&f, 7, NOW + 86_400),
                None,
                status_lists(&f, NOW - 7200),
                expect("valid_status_unknown", Some("status")),
            ),
        ),
        (
            "zlib_bomb",
            case(
                "zlib bomb: 1 MB of zeros",
                &format!("AQ1:{}", base45::encode(&deflate(&vec![0u8; 1 << 20]))),
                &f,
                expect("invalid", Some("zlib")),
            ),
        ),
        (
            "trailing_cbor",
            case(
                "a byte after the COSE item",
                &{
                    let mut c = cose_of(&valid);
                    c.push(0);
                    wrap(&c, &AQ1)
                },
                &f,
                expect("invalid", Some("cose_structure")),
            ),
        ),
        (
            "alg_unprotected",
            case(
                "alg only in the unprotected header",
                &wrap(
                    &custom(vec![(4, Value::Bytes(f.es.kid()))], vec![(1, Value::from(-7i64))], &payload(5), &f.es),
                    &AQ1,
                ),
                &f,
                expect("invalid", Some("cose_structure")),
            ),
        ),
        (
            "kid_unprotected",
            case(
                "kid only in the unprotected header",
                &wrap(
                    &custom(vec![(1, Value::from(-7i64))], vec![(4, Value::Bytes(f.es.kid()))], &payload(5), &f.es),
                    &AQ1,
                ),
                &f,
                expect("invalid", Some("cose_structure")),
            ),
        ),
        (
            "eddsa_header_es256_key",
            case(
                "EdDSA header and signature, kid of an ES256 entry",
                &issue(
                    &body(),
                    &claims(5),
                    &Liar { inner: &f.ed, alg: Algorithm::EdDSA, kid: f.es.kid(), key: f.es.public_key() },
                ),
                &f,
                expect("invalid", Some("alg_curve")),
            ),
        ),
        (
            "eddsa_sig_es256_header",
            case(
                "ES256 header over an Ed25519 signature",
                &issue(
                    &body(),
                    &claims(5),
                    &Liar { inner: &f.ed, alg: Algorithm::ES256, kid: f.es.kid(), key: f.es.public_key() },
                ),
                &f,
                expect("invalid", Some("signature")),
            ),
        ),
        (
            "truncated_text",
            case("last 9 characters cut", &valid[..valid.len() - 9], &f, expect("invalid", Some("base45"))),
        ),
        (
            "truncated_bytes",
            case(
                "zlib stream cut by 10 bytes (valid Base45)",
                &{
                    let z = base45::decode(&b45).unwrap();
                    format!("AQ1:{}", base45::encode(&z[..z.len() - 10]))
                },
                &f,
                expect("invalid", Some("zlib")),
            ),
        ),
        (
            "not_base45",
            case(
                "characters outside Base45",
                &format!("{}abc", &valid[..valid.len() - 3]),
                &f,
                expect("invalid", Some("base45")),
            ),
        ),
        (
            "oversized",
            case(
                "5000 characters: too large",
                &format!("AQ1:{}", "0".repeat(4996)),
                &f,
                expect("not_our_format", Some("format")),
            ),
        ),
        (
            "line_break_inside",
            case(
                "a line break inside the text: damaged, not a length error",
                &format!("{}\n{}", &valid[..100], &valid[100..]),
                &f,
                expect("not_our_format", Some("format")),
            ),
        ),
        ("empty_after_prefix", case("nothing after AQ1:", "AQ1:", &f, expect("not_our_format", Some("format")))),
        (
            "bom_and_whitespace",
            case(
                "the genuine text with a leading BOM and a trailing CRLF",
                &format!("\u{feff}{valid}\r\n"),
                &f,
                expect("valid", None),
            ),
        ),
        (
            "zlib_trailing_bytes",
            case(
                "a byte after the end of the zlib stream",
                &{
                    let mut z = base45::decode(&b45).unwrap();
                    z.push(0);
                    format!("AQ1:{}", base45::encode(&z))
                },
                &f,
                expect("invalid", Some("zlib")),
            ),
        ),
        (
            "duplicate_claim_key",
            case(
                "signed claims holding iss twice (two readers could disagree)",
                &{
                    let mut v = certguard_credential::body::claims_to_value(&claims(5), &body());
                    if let Value::Map(m) = &mut v {
                        m.push((Value::Int(1), "CN-999999".into()));
                    }
                    wrap(&CoseSign1::sign(&v.to_vec(), &f.es, vec![]), &AQ1)
                },
                &f,
                expect("invalid", Some("claims")),
            ),
        ),
        (
            "tampered_body",
            case(
                "payload changed after signing",
                &{
                    let mut c = CoseSign1::from_slice(&cose_of(&valid)).unwrap();
                    let p = payload(5);
                    let pos = p.windows(6).position(|w| w == "李四".as_bytes()).unwrap();
                    c.payload = p.clone();
                    c.payload[pos..pos + 6].copy_from_slice("王五".as_bytes());
                    wrap(
                        &Value::Tag(
                            18,
                            Box::new(Value::Array(vec![
                                Value::Bytes(c.protected_bytes),
                                Value::Map(vec![]),
                                Value::Bytes(c.payload),
                                Value::Bytes(c.signature),
                            ])),
                        )
                        .to_vec(),
                        &AQ1,
                    )
                },
                &f,
                expect("invalid", Some("signature")),
            ),
        ),
        (
            "unknown_kid",
            case(
                "signed by a key not in the trust list",
                &issue(&body(), &claims(5), &SigningKey::from_seed(Algorithm::ES256, &[5; 32]).unwrap()),
                &f,
                expect("invalid", Some("kid_known")),
            ),
        ),
        (
            "signature_expired",
            case(
                "credential past its exp",
                &issue(&body(), &Claims { exp: NOW - 1, ..claims(5) }, &f.es),
                &f,
                expect("invalid", Some("expiry")),
            ),
        ),
    ];
    let mut expired = expect("invalid", Some("kid_known"));
    expired["EXPECTEDTRUSTLIST"] = json!("expired");
    v.push((
        "trust_list_expired",
        case_with(
            "the trust list expired an hour ago",
            &valid,
            &f,
            trust_list(&f, 8, NOW - 3600),
            None,
            status_lists(&f, NOW - 60),
            expired,
        ),
    ));
    let mut rollback = expect("valid", None);
    rollback["EXPECTEDTRUSTLIST"] = json!("rollback");
    v.push((
        "trust_list_rollback",
        case_with(
            "sequence 6 offered while 7 is held",
            &valid,
            &f,
            trust_list(&f, 6, NOW + 86_400),
            Some(trust_list(&f, 7, NOW + 86_400)),
            status_lists(&f, NOW - 60),
            rollback,
        ),
    ));
    v
}

#[test]
#[ignore = "writes the committed negative suite; run with --ignored to regenerate"]
fn regenerate() {
    std::fs::create_dir_all(dir()).unwrap();
    for (name, c) in all_cases() {
        let text = serde_json::to_string_pretty(&c).unwrap() + "\n";
        std::fs::write(dir().join(format!("{name}.json")), text).unwrap();
    }
}

fn hex_field(v: &Json) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

/// Runs one committed case; returns (trust list outcome, verdict name, first failing check).
fn run(c: &Json) -> (String, String, Option<String>) {
    let ctx = &c["TESTCTX"];
    let now = parse_datetime(ctx["VALIDATIONCLOCK"].as_str().unwrap()).unwrap();
    let anchor = PublicKey::from_spki_der(&hex_field(&ctx["ANCHOR"])).unwrap();
    let mut trust = TrustStore::new(anchor);
    if let Some(h) = ctx.get("HELDTRUSTLIST") {
        trust.update(&hex_field(h), now).unwrap();
    }
    let tl = match trust.update(&hex_field(&ctx["TRUSTLIST"]), now) {
        Ok(_) => "accepted".to_owned(),
        Err(certguard_credential::trust_list::TrustListError::Expired { .. }) => "expired".into(),
        Err(certguard_credential::trust_list::TrustListError::Rollback { .. }) => "rollback".into(),
        Err(e) => format!("error: {e}"),
    };
    let mut status = StatusStore::new();
    for s in ctx["STATUSLISTS"].as_array().unwrap() {
        let _ = status.insert(&hex_field(s), &trust, now);
    }
    let v = verify(c["PREFIX"].as_str().unwrap(), &Context { trust: &trust, status: &status, now });
    let verdict = serde_json::to_value(&v.verdict).unwrap()["verdict"].as_str().unwrap().to_owned();
    let check = match &v.verdict {
        Verdict::Invalid { check, .. } => Some(check.as_str().to_owned()),
        _ => v
            .checks
            .iter()
            .find(|c| c.outcome != certguard_credential::verify::Outcome::Pass)
            .map(|c| c.name.as_str().to_owned()),
    };
    (tl, verdict, check)
}

#[test]
fn negative_suite() {
    let mut files: Vec<_> =
        std::fs::read_dir(dir()).expect("tests/negative/AQ/2DCode/raw is missing").map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 25, "only {} negative cases", files.len());
    for f in &files {
        let c: Json = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        let e = &c["EXPECTEDRESULTS"];
        let (tl, verdict, check) = run(&c);
        let name = f.file_name().unwrap().to_string_lossy();
        assert_eq!(tl, e["EXPECTEDTRUSTLIST"].as_str().unwrap(), "{name}: trust list");
        assert_eq!(verdict, e["EXPECTEDVERDICT"].as_str().unwrap(), "{name}: verdict");
        assert_eq!(check.as_deref(), e.get("EXPECTEDCHECK").and_then(Json::as_str), "{name}: check");
    }
}

#[test]
fn committed_suite_matches_the_generator() {
    // Every generated case is committed, with the same expectations and inputs (all signatures
    // used here are deterministic: RFC 6979 ECDSA and Ed25519).
    for (name, c) in all_cases() {
        let path = dir().join(format!("{name}.json"));
        let committed: Json =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("{name} not committed")))
                .unwrap();
        assert_eq!(committed, c, "{name} differs from the generator");
    }
}

#[test]
fn es256_over_p384_signature_is_genuinely_valid_but_refused() {
    // The refusal is the binding, not a broken signature.
    let f = fixture();
    let text = issue(&body(), &claims(7), &f.p384);
    let cose = certguard_credential::envelope::unwrap(&text, &AQ1).unwrap().cose;
    let key = f.p384.public_key();
    assert!(key.verify_unbound(Algorithm::ES256, &cose.tbs(&[]), &cose.signature).is_ok());
    assert!(key.verify(Algorithm::ES256, &cose.tbs(&[]), &cose.signature).is_err());
}
