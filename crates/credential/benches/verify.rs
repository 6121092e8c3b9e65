//! Offline AQ1 verification (decode, inflate, COSE, signature, status lookup) against the bare
//! signature check of the same algorithm, side by side in one run.

use certguard_credential::alg::{Algorithm, Signer};
use certguard_credential::body::{Body, CertKind, Claims, StatusRef};
use certguard_credential::envelope::{AQ1, issue, unwrap};
use certguard_credential::keys::SigningKey;
use certguard_credential::status_list::{StatusList, StatusListToken, StatusStore};
use certguard_credential::testutil::TestRng;
use certguard_credential::trust_list::{TrustEntry, TrustStore};
use certguard_credential::verify::{Context, Verdict, verify};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const NOW: i64 = 1_780_272_000;
const URI: &str = "https://certguard.example/status/CN-320582/1";

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
        last_review: Some(d(2025, 3, 1)),
        authority_code: "CN-320582".into(),
        authority_name: "张家港市应急管理局".into(),
    }
}

fn bench_alg(c: &mut Criterion, alg: Algorithm) {
    let mut rng = TestRng::new(1);
    let key = SigningKey::generate(alg, &mut rng).unwrap();
    let entry = TrustEntry::for_key(alg, key.public_key(), "CN-320582", "张家港市应急管理局", NOW - 1000, NOW + 1000);
    let trust = TrustStore::from_entries(key.public_key(), vec![entry], NOW + 86_400);
    let list = StatusList::new(2, 131_072).unwrap();
    let mut status = StatusStore::new();
    status.insert(&StatusListToken::sign(URI, &list, NOW - 10, None, 3600, &key), &trust, NOW).unwrap();
    let claims =
        Claims::new("CN-320582", NOW - 100, NOW + 86_400, Some(StatusRef { idx: 4242, uri: URI.into() }), &mut rng);
    let text = issue(&body(), &claims, &key);
    let ctx = Context { trust: &trust, status: &status, now: NOW };
    assert_eq!(verify(&text, &ctx).verdict, Verdict::Valid);
    eprintln!("{alg}: AQ1 text {} characters", text.len());

    let cose = unwrap(&text, &AQ1).unwrap().cose;
    let tbs = cose.tbs(&[]);
    let sig = cose.signature.clone();
    let pk = key.public_key();
    let mut g = c.benchmark_group(alg.name());
    g.bench_function("aq1_offline_verify", |b| b.iter(|| verify(black_box(&text), &ctx)));
    g.bench_function("bare_signature_check", |b| b.iter(|| pk.verify(alg, black_box(&tbs), black_box(&sig)).unwrap()));
    match alg {
        Algorithm::ES256 => {
            // The pure-Rust alternative, for the record.
            use p256::ecdsa::signature::Verifier;
            let vk = match &key {
                SigningKey::P256(k) => *k.verifying_key(),
                SigningKey::Ed25519(_) => unreachable!(),
            };
            let s = p256::ecdsa::Signature::from_slice(&sig).unwrap();
            g.bench_function("bare_p256_crate", |b| b.iter(|| vk.verify(black_box(&tbs), &s).unwrap()));
        }
        Algorithm::EdDSA => {
            let pkb: [u8; 32] = pk.spki_der()[12..].try_into().unwrap();
            let rk = ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, pkb);
            g.bench_function("bare_ring_ed25519", |b| b.iter(|| rk.verify(black_box(&tbs), &sig).unwrap()));
        }
        _ => {}
    }
    g.bench_function("decode_only_no_signature", |b| b.iter(|| unwrap(black_box(&text), &AQ1).unwrap()));
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_alg(c, Algorithm::ES256);
    bench_alg(c, Algorithm::EdDSA);
}

criterion_group!(verify_benches, benches);
criterion_main!(verify_benches);
