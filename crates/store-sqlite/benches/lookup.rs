//! The public lookup's storage path (index seek on (number, holder_name) + decode) at two registry sizes a
//! factor of 10 apart, to show O(log n): `cargo bench -p certguard-store-sqlite --bench lookup`.

use certguard_registry::{Certificate, Event, Holder, Lifecycle, Scope, Serial};
use certguard_store::{AuditRecord, CertificateStore, NewRecord};
use certguard_store_sqlite::SqliteStore;
use certguard_types::{IdentityDoc, check_char};
use chrono::{NaiveDate, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

fn id_for(i: u64) -> String {
    let first17 = format!(
        "320500{}{:03}",
        NaiveDate::from_ymd_opt(1970, 1, 1).unwrap() + chrono::Days::new(i / 1000 % 10000),
        i % 1000
    )
    .replace('-', "");
    format!("{first17}{}", check_char(first17.as_bytes()))
}

fn cert(i: u64) -> Certificate {
    let identity = IdentityDoc::resident(&id_for(i)).unwrap();
    let sex = identity.as_resident().unwrap().sex();
    let from = NaiveDate::from_ymd_opt(2022, 1, 1).unwrap();
    // Different items keep (number, category, item) unique when an ID repeats.
    let item = ["1.1", "1.2", "2.1", "3.1", "3.2", "4.1", "4.2", "1.3"][(i / 10_000_000) as usize % 8];
    Certificate {
        serial: Serial((i as u128).to_be_bytes()),
        number: certguard_types::CertificateNumber::special_operation(&identity),
        holder: Holder { name: format!("张{}", i % 97).parse().unwrap(), identity, sex },
        scope: Scope::SpecialOperation { category: item.split('.').next().unwrap().into(), item: item.into() },
        authority: "CN-320500".parse().unwrap(),
        first_issued: from,
        valid_from: from,
        valid_until: NaiveDate::from_ymd_opt(2028, 1, 1).unwrap(),
        review_due: NaiveDate::from_ymd_opt(2025, 1, 1),
        last_review: None,
        review_interval_years: 3,
        lifecycle: Lifecycle::Active,
        credential: None,
    }
}

fn build(rt: &tokio::runtime::Runtime, n: u64) -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("b.db")).unwrap();
    let audit = AuditRecord {
        at: Utc::now(),
        actor: "bench".into(),
        action: "x".into(),
        target: "x".into(),
        detail: String::new(),
        client: None,
    };
    let mut i = 0;
    while i < n {
        let batch: Vec<NewRecord> = (i..(i + 5000).min(n))
            .map(|k| NewRecord { certificate: cert(k), event: Event::Imported, actor: "bench".into(), at: Utc::now() })
            .collect();
        rt.block_on(store.insert_certificates(&batch, &audit)).unwrap();
        i += 5000;
    }
    (store, dir)
}

fn lookup(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let mut group = c.benchmark_group("sqlite_lookup");
    for n in [10_000u64, 100_000] {
        let (store, _dir) = build(&rt, n);
        let probes: Vec<(certguard_types::CertificateNumber, certguard_types::PersonName)> = (0..1000)
            .map(|k| {
                let c = cert(k * 7919 % n);
                (c.number, c.holder.name)
            })
            .collect();
        let mut k = 0;
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| {
                let (num, name) = &probes[k % probes.len()];
                k += 1;
                let found = rt.block_on(store.lookup(num, name)).unwrap();
                assert!(!found.is_empty());
            })
        });
    }
    group.finish();
}

criterion_group!(benches, lookup);
criterion_main!(benches);
