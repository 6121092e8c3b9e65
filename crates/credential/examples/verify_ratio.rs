//! Offline AQ1 verification rate vs the bare signature check, measured **interleaved** (rounds
//! of N full verifications then N bare checks, median of the per-round ratios) so that the
//! load of a shared machine hits both sides alike.
//! `cargo run --release -p certguard-credential --example verify_ratio` (PARTS=1 also times
//! the stages).

use certguard_credential::alg::{Algorithm, Signer};
use certguard_credential::body::{Body, CertKind, Claims, StatusRef};
use certguard_credential::envelope::{AQ1, issue, unwrap};
use certguard_credential::keys::SigningKey;
use certguard_credential::status_list::{StatusList, StatusListToken, StatusStore};
use certguard_credential::testutil::TestRng;
use certguard_credential::trust_list::{TrustEntry, TrustStore};
use certguard_credential::verify::{Context, Verdict, verify};
use std::hint::black_box;
use std::time::Instant;

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

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let rounds = 60;
    let n = 200;
    for alg in [Algorithm::ES256, Algorithm::EdDSA] {
        let mut rng = TestRng::new(1);
        let key = SigningKey::generate(alg, &mut rng).unwrap();
        let entry = TrustEntry::for_key(alg, key.public_key(), "CN-320582", "x", NOW - 1000, NOW + 1000);
        let trust = TrustStore::from_entries(key.public_key(), vec![entry], NOW + 86_400);
        let list = StatusList::new(2, 131_072).unwrap();
        let mut status = StatusStore::new();
        status.insert(&StatusListToken::sign(URI, &list, NOW - 10, None, 3600, &key), &trust, NOW).unwrap();
        let claims =
            Claims::new("CN-320582", NOW - 100, NOW + 86_400, Some(StatusRef { idx: 4242, uri: URI.into() }), &mut rng);
        let text = issue(&body(), &claims, &key);
        let ctx = Context { trust: &trust, status: &status, now: NOW };
        assert_eq!(verify(&text, &ctx).verdict, Verdict::Valid);
        let cose = unwrap(&text, &AQ1).unwrap().cose;
        let (tbs, sig, pk) = (cose.tbs(&[]), cose.signature.clone(), key.public_key());
        let (mut full_t, mut bare_t, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            let t = Instant::now();
            for _ in 0..n {
                black_box(verify(black_box(&text), &ctx));
            }
            let full = t.elapsed().as_secs_f64() / f64::from(n);
            let t = Instant::now();
            for _ in 0..n {
                black_box(pk.verify(alg, black_box(&tbs), black_box(&sig))).unwrap();
            }
            let bare = t.elapsed().as_secs_f64() / f64::from(n);
            full_t.push(full);
            bare_t.push(bare);
            ratios.push(bare / full);
        }
        let (f, b) = (median(&mut full_t), median(&mut bare_t));
        if std::env::var("PARTS").is_ok() {
            let time = |name: &str, f: &dyn Fn()| {
                let t = Instant::now();
                for _ in 0..2000 {
                    f();
                }
                println!("  {name}: {:.2} us", t.elapsed().as_secs_f64() / 2000.0 * 1e6);
            };
            time("unwrap", &|| {
                black_box(unwrap(black_box(&text), &AQ1).unwrap());
            });
            time("find_signer", &|| {
                black_box(certguard_credential::verify::find_signer(black_box(&cose), &trust).unwrap());
            });
            time("claims", &|| {
                let v = certguard_credential::cbor::decode(black_box(&cose.payload)).unwrap();
                black_box(certguard_credential::body::claims_from_value(&v).unwrap());
            });
            time("as_url", &|| {
                black_box(certguard_credential::verify::as_url(black_box(&text)));
            });
            time("bare", &|| {
                black_box(pk.verify(alg, black_box(&tbs), black_box(&sig))).unwrap();
            });
            time("full", &|| {
                black_box(verify(black_box(&text), &ctx));
            });
        }
        println!(
            "{alg}: {} chars; AQ1 offline verify {:.1} us ({:.0}/s), bare signature check {:.1} us ({:.0}/s); \
             rate ratio (median of {rounds} interleaved rounds) {:.3}",
            text.len(),
            f * 1e6,
            1.0 / f,
            b * 1e6,
            1.0 / b,
            median(&mut ratios)
        );
    }
}
