//! The transparency log on SQLite: durable appends through the sequencer (pending events -> entries -> tiles
//! -> signed checkpoint -> one committed transaction per 4,096 events) side by side with the tree arithmetic
//! alone, and the server-side inclusion proof in a large log.
//!
//! `cargo bench -p certguard-app --bench log` (a 1M-entry log for the proofs); `bench/log.sh` runs it with
//! `LOG_BENCH_PROOF_SIZE=30000000`. The large log is generated once into `target/bench-log-<size>.db` by
//! committing tiles and bundles straight through `LogStore::log_commit` (no per-entry index rows: proofs do
//! not read them) and reused.

use certguard_app::translog::TransLog;
use certguard_registry::{LogEntry, LogEventKind, Serial};
use certguard_store::{LogBatch, LogStore, PendingLogEvent, Store};
use certguard_store_sqlite::SqliteStore;
use certguard_tlog::checkpoint::Checkpoint;
use certguard_tlog::note::NoteSigner;
use certguard_tlog::tile::{Appender, TileKind, encode_hash_tile};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use std::path::PathBuf;
use std::sync::Arc;

const ORIGIN: &str = "bench.example/certificates/v1";
const APPENDS: u64 = 50_000;

fn signer() -> NoteSigner {
    NoteSigner::from_seed(ORIGIN, &[42; 32]).unwrap()
}

fn entry(i: u64) -> LogEntry {
    LogEntry {
        kind: LogEventKind::Issued,
        at_unix: 1_790_000_000 + i as i64,
        serial: Serial((u128::from(i) * 0x9e37_79b9_7f4a_7c15).to_be_bytes()),
        authority: "CN-320500".into(),
        credential_sha256: Some([(i % 251) as u8; 32]),
        previous: None,
    }
}

fn pending(n: u64) -> Vec<PendingLogEvent> {
    (0..n)
        .map(|i| {
            let e = entry(i);
            PendingLogEvent {
                id: 0,
                serial: e.serial,
                kind: e.kind,
                authority: e.authority,
                at: chrono::DateTime::from_timestamp(e.at_unix, 0).unwrap(),
                credential_sha256: e.credential_sha256,
            }
        })
        .collect()
}

fn appends(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let mut g = c.benchmark_group("log_append");
    g.sample_size(10);
    g.throughput(Throughput::Elements(APPENDS));
    g.bench_function("tree_arithmetic_only", |b| {
        let entries: Vec<Vec<u8>> = (0..APPENDS).map(|i| entry(i).encode()).collect();
        b.iter(|| {
            let mut a = Appender::empty();
            for e in &entries {
                a.push(e).unwrap();
            }
            a.take_changes().root
        })
    });
    g.bench_function("sequencer_durable_sqlite", |b| {
        b.iter_batched(
            || {
                // A fresh registry with the events pending, as a large import leaves them.
                let dir = tempfile::tempdir().unwrap();
                let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("l.db")).unwrap());
                rt.block_on(store.log_enqueue(&pending(APPENDS))).unwrap();
                let log = TransLog::with_signer(store, signer());
                (dir, log)
            },
            |(dir, log)| {
                assert_eq!(rt.block_on(log.sequence()).unwrap(), APPENDS);
                drop(dir);
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

/// A log of `size` entries in SQLite, generated once.
fn big_log(rt: &tokio::runtime::Runtime, size: u64) -> (Arc<dyn Store>, PathBuf) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../target/bench-log-{size}.db"));
    let done = path.with_extension("done");
    if !done.exists() {
        let _ = std::fs::remove_file(&path);
        let store = SqliteStore::open(&path).unwrap();
        let signer = signer();
        let mut a = Appender::empty();
        let started = std::time::Instant::now();
        while a.size() < size {
            let old = a.size();
            for i in old..(old + 1_000_000).min(size) {
                a.push(&entry(i).encode()).unwrap();
            }
            let changes = a.take_changes();
            let batch = LogBatch {
                old_size: old,
                new_size: changes.size,
                leaves: Vec::new(),
                tiles: changes
                    .tiles
                    .iter()
                    .map(|(id, h)| {
                        let TileKind::Hashes(level) = id.kind else { unreachable!() };
                        (level, id.index, encode_hash_tile(h))
                    })
                    .collect(),
                bundles: changes.bundles.into_iter().map(|(id, b)| (id.index, b)).collect(),
                checkpoint: Checkpoint::new(ORIGIN, changes.size, changes.root).sign(&signer),
                pending_ids: Vec::new(),
            };
            rt.block_on(store.log_commit(&batch)).unwrap();
            eprintln!("generated {} entries in {:.0?}", changes.size, started.elapsed());
        }
        std::fs::write(&done, "").unwrap();
    }
    (Arc::new(SqliteStore::open(&path).unwrap()), path)
}

fn proofs(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let size: u64 = std::env::var("LOG_BENCH_PROOF_SIZE").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let (store, _) = big_log(&rt, size);
    let log = TransLog::with_signer(store, signer());
    let mut g = c.benchmark_group("log_proof");
    let mut i = 0u64;
    g.bench_function(format!("inclusion_proof_with_entry_{size}"), |b| {
        b.iter(|| {
            // Spread over the whole log: a different tile path each time.
            i = (i + 7_919_993) % size;
            let (entry, proof) = rt.block_on(log.prove_index(i)).unwrap().unwrap();
            assert_eq!(entry.serial, self::entry(i).serial);
            proof
        })
    });
    g.finish();
}

criterion_group!(benches, appends, proofs);
criterion_main!(benches);
