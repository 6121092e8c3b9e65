//! The transparency log on a real SQLite registry: sequencers that restart or race never fork it, every
//! event is logged exactly once, and the auditor finds tampering, rewritten history and a shrinking log.

use certguard_app::translog::TransLog;
use certguard_app::translog::audit::{AuditState, LogSource, audit};
use certguard_app::{Accounts, FixedClock, Registry};
use certguard_registry::Catalogue;
use certguard_store::Store;
use certguard_tlog::tile::{TileId, TileKind, tiles_for_size};
use chrono::{TimeZone, Utc};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

const ORIGIN: &str = "registry.example/certificates/v1";

struct Env {
    registry: Registry,
    accounts: Accounts,
    store: Arc<dyn Store>,
    log: Arc<TransLog>,
}

async fn env(dir: &Path, db: &str) -> Env {
    let store: Arc<dyn Store> = Arc::new(certguard_store_sqlite::SqliteStore::open(&dir.join(db)).unwrap());
    let clock = Arc::new(FixedClock::new(Utc.with_ymd_and_hms(2024, 6, 15, 2, 0, 0).unwrap()));
    let log = Arc::new(TransLog::open(store.clone(), &dir.join("keys"), ORIGIN).unwrap());
    let registry =
        Registry::new(store.clone(), Catalogue::builtin(), clock.clone()).await.unwrap().with_log(log.clone());
    let accounts = Accounts::new(store.clone(), clock, chrono::Duration::hours(8));
    Env { registry, accounts, store, log }
}

/// Everything a log serves, read through `TransLog` as the web routes do, in a map an audit reads from.
struct Served(HashMap<String, Vec<u8>>);

impl LogSource for Served {
    fn get(&mut self, path: &str) -> Result<Vec<u8>, String> {
        self.0.get(path).cloned().ok_or_else(|| format!("404 {path}"))
    }
}

async fn served(log: &TransLog) -> Served {
    let (size, note) = log.checkpoint().await.unwrap().unwrap();
    let mut map = HashMap::from([("checkpoint".to_string(), note.into_bytes())]);
    for tile in tiles_for_size(size) {
        let mut paths = vec![tile.path()];
        if tile.kind == TileKind::Hashes(0) {
            paths.push(TileId { kind: TileKind::Entries, ..tile }.path());
        }
        for path in paths {
            let bytes = log.tile(&path).await.unwrap().unwrap_or_else(|| panic!("{path} not served"));
            map.insert(path, bytes);
        }
    }
    Served(map)
}

fn run_audit(
    source: &mut dyn LogSource,
    log: &TransLog,
    previous: Option<&AuditState>,
) -> certguard_app::translog::audit::AuditReport {
    audit(source, &log.verifier(), ORIGIN, previous, true, |_, _| {}).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restarted_and_racing_sequencers_keep_one_consistent_log() {
    let dir = tempfile::tempdir().unwrap();
    let e = env(dir.path(), "a.db").await;
    // The demo queues ~400 events (issues plus the later events of some certificates); two sequencers race.
    let second = Arc::new(TransLog::open(e.store.clone(), &dir.path().join("keys"), ORIGIN).unwrap());
    let racers = [
        tokio::spawn(e.log.clone().run(std::time::Duration::from_millis(5))),
        tokio::spawn(second.clone().run(std::time::Duration::from_millis(5))),
    ];
    let n = certguard_app::demo::seed(&e.registry, &e.accounts, 300).await.unwrap();
    assert_eq!(n, 300);
    let (size, _) = e.log.checkpoint().await.unwrap().unwrap();
    assert!(size >= 300, "every issue is logged before seed returns: {size}");
    assert_eq!(e.store.log_pending_high_water().await.unwrap(), 0, "nothing left pending");
    for r in racers {
        r.abort();
    }

    let mut source = served(&e.log).await;
    let first = run_audit(&mut source, &e.log, None);
    assert!(first.anomalies.is_empty(), "{:?}", first.anomalies);
    assert_eq!(first.size, size);
    let issued = first.kinds.iter().find(|(k, _)| k == "issued").map(|(_, n)| *n);
    assert_eq!(issued, Some(300), "each certificate issued once, none twice: {:?}", first.kinds);

    // A full level-0 tile served with one hash changed no longer matches its parent node.
    let mut tampered = served(&e.log).await;
    tampered.0.get_mut("tile/0/000").expect("a full tile")[5] ^= 1;
    let report = run_audit(&mut tampered, &e.log, None);
    let found: Vec<&str> = report.anomalies.iter().map(|a| a.kind).collect();
    assert!(found.contains(&"tile_mismatch") && found.contains(&"entry_mismatch"), "{found:?}");

    // A new sequencer (a restart) resumes from the stored right edge; more events extend the same tree.
    let restarted = Arc::new(TransLog::open(e.store.clone(), &dir.path().join("keys"), ORIGIN).unwrap());
    let events: Vec<_> = (0..700u32)
        .map(|i| certguard_store::PendingLogEvent {
            id: 0,
            serial: certguard_registry::Serial([(i % 251) as u8; 16]),
            kind: certguard_registry::LogEventKind::CredentialSigned,
            authority: "CN-320500".into(),
            at: Utc::now(),
            credential_sha256: None,
        })
        .collect();
    e.store.log_enqueue(&events).await.unwrap();
    assert_eq!(restarted.sequence().await.unwrap(), 700);
    let mut source = served(&restarted).await;
    let second_audit = run_audit(&mut source, &restarted, Some(&first.state));
    assert!(second_audit.anomalies.is_empty(), "{:?}", second_audit.anomalies);
    assert_eq!((second_audit.checked_from, second_audit.size), (size, size + 700));
    // Every proof the log hands out verifies against its checkpoint.
    for index in [0, size - 1, size, size + 699] {
        let (entry, proof) = restarted.prove_index(index).await.unwrap().unwrap();
        certguard_app::translog::verify_proof_file(&proof, ORIGIN, &restarted.verifier(), &[], 0, None).unwrap();
        assert_eq!(proof.extra.as_deref(), Some(entry.encode().as_slice()));
    }
    let consistency = restarted.consistency(size, size + 700).await.unwrap();
    let root_of = |s: &AuditState| -> [u8; 32] {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(&s.root).unwrap().try_into().unwrap()
    };
    certguard_tlog::proof::verify_consistency(
        size,
        size + 700,
        &consistency,
        &root_of(&first.state),
        &root_of(&second_audit.state),
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_auditor_catches_tampering_a_rewritten_history_and_a_shrinking_log() {
    let dir = tempfile::tempdir().unwrap();
    let e = env(dir.path(), "a.db").await;
    tokio::spawn(e.log.clone().run(std::time::Duration::from_millis(5)));
    certguard_app::demo::seed(&e.registry, &e.accounts, 40).await.unwrap();
    let mut source = served(&e.log).await;
    let clean = run_audit(&mut source, &e.log, None);
    assert!(clean.anomalies.is_empty(), "{:?}", clean.anomalies);

    // A changed entry no longer hashes to its leaf.
    let mut tampered = served(&e.log).await;
    let bundle = tampered.0.keys().find(|k| k.starts_with("tile/entries/")).unwrap().clone();
    tampered.0.get_mut(&bundle).unwrap()[20] ^= 1;
    let report = run_audit(&mut tampered, &e.log, None);
    assert!(report.anomalies.iter().any(|a| a.kind == "entry_mismatch"), "{:?}", report.anomalies);

    // The operator (holding the log key) builds another history and signs it: a larger log whose first
    // entries differ. The auditor, remembering the checkpoint it saw, raises the alarm with both as evidence.
    let other = env(dir.path(), "b.db").await;
    let rewritten = certguard_store::PendingLogEvent {
        id: 0,
        serial: certguard_registry::Serial([0xfe; 16]),
        kind: certguard_registry::LogEventKind::Issued,
        authority: "CN-320500".into(),
        at: Utc::now(),
        credential_sha256: None,
    };
    other.store.log_enqueue(&[rewritten]).await.unwrap();
    tokio::spawn(other.log.clone().run(std::time::Duration::from_millis(5)));
    certguard_app::demo::seed(&other.registry, &other.accounts, 80).await.unwrap();
    let mut forked = served(&other.log).await;
    let report = run_audit(&mut forked, &other.log, Some(&clean.state));
    let alarm = report.anomalies.iter().find(|a| a.kind == "inconsistent_checkpoint").expect("alarm");
    assert!(alarm.detail.contains(&clean.state.checkpoint), "the old checkpoint is the evidence");

    // A log that shrank.
    let mut bigger = clean.state.clone();
    bigger.size += 10;
    let report = run_audit(&mut source, &e.log, Some(&bigger));
    assert!(report.anomalies.iter().any(|a| a.kind == "log_shrank"), "{:?}", report.anomalies);

    // A log (say, one trusted on first use) claiming an absurd size is refused before any tile is fetched.
    let key_file = std::fs::read_to_string(dir.path().join("keys/log.key")).unwrap();
    let seed = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        key_file.trim().splitn(5, '+').nth(4).unwrap(),
    )
    .unwrap();
    let signer = certguard_tlog::note::NoteSigner::from_seed(ORIGIN, seed[1..].try_into().unwrap()).unwrap();
    let huge = certguard_tlog::checkpoint::Checkpoint::new(ORIGIN, u64::MAX / 2, [0; 32]).sign(&signer);
    let mut bogus = Served(HashMap::from([("checkpoint".to_string(), huge.into_bytes())]));
    let refused = audit(&mut bogus, &e.log.verifier(), ORIGIN, None, true, |_, _| {}).unwrap_err();
    assert!(refused.contains("more than an audit takes"), "{refused}");

    // A checkpoint signed by another key, or for another origin, is refused outright.
    let stranger = TransLog::open(e.store.clone(), &dir.path().join("other-keys"), ORIGIN).unwrap();
    assert!(audit(&mut source, &stranger.verifier(), ORIGIN, None, true, |_, _| {}).is_err());
    assert!(audit(&mut source, &e.log.verifier(), "elsewhere.example/log", None, true, |_, _| {}).is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trust_list_keys_added_and_removed_are_logged_once() {
    use certguard_app::translog::TrustedKey;
    use certguard_registry::LogEventKind;
    let dir = tempfile::tempdir().unwrap();
    let e = env(dir.path(), "a.db").await;
    let key =
        |kid: u8, byte: u8| TrustedKey { authority: "CN-320500".into(), kid: vec![kid; 8], public_key: vec![byte; 44] };
    let (a, b) = (key(1, 10), key(2, 20));
    assert_eq!(e.log.sync_trust_list(&[a.clone(), b.clone()]).await.unwrap(), 2);
    assert_eq!(e.log.sync_trust_list(&[a.clone(), b.clone()]).await.unwrap(), 0, "pending events count as recorded");
    e.log.sequence().await.unwrap();
    assert_eq!(e.log.sync_trust_list(&[a.clone(), b.clone()]).await.unwrap(), 0, "nothing changed");
    // B leaves the list; later B's key id comes back with another public key.
    assert_eq!(e.log.sync_trust_list(std::slice::from_ref(&a)).await.unwrap(), 1);
    e.log.sequence().await.unwrap();
    let b2 = key(2, 21);
    assert_eq!(e.log.sync_trust_list(&[a.clone(), b2.clone()]).await.unwrap(), 1);
    e.log.sequence().await.unwrap();

    let events = e.store.log_key_events().await.unwrap();
    let kinds: Vec<(LogEventKind, u64)> = events.iter().map(|l| (l.kind, l.index)).collect();
    assert_eq!(
        kinds,
        vec![
            (LogEventKind::KeyAdded, 0),
            (LogEventKind::KeyAdded, 1),
            (LogEventKind::KeyRemoved, 2),
            (LogEventKind::KeyAdded, 3)
        ]
    );
    assert_eq!(events[2].serial, b.log_serial());
    // The auditor sees one chain per key: B's removal points back to its addition, its return to the removal.
    let mut source = served(&e.log).await;
    let report = run_audit(&mut source, &e.log, None);
    assert!(report.anomalies.is_empty(), "{:?}", report.anomalies);
    let (entry, _) = e.log.prove_index(3).await.unwrap().unwrap();
    assert_eq!(entry.previous, Some(2));

    // The auditor's key ledger: A and B's second key in force; the current trust list matches it.
    use certguard_app::translog::audit::check_trust_list;
    assert_eq!(report.keys_in_force, Some(2));
    let ledger = report.state.keys.clone().unwrap();
    assert!(check_trust_list(&ledger, &[a.clone(), b2.clone()]).is_empty());
    // A trust list naming a key the log never announced, or B's old key, or leaving A out, is an alarm.
    let c = key(3, 30);
    let found = |trusted: &[TrustedKey]| -> Vec<&'static str> {
        check_trust_list(&ledger, trusted).into_iter().map(|a| a.kind).collect()
    };
    assert_eq!(found(&[a.clone(), b2.clone(), c.clone()]), ["key_not_logged"]);
    assert_eq!(found(&[a.clone(), b.clone()]), ["key_not_logged"]);
    assert_eq!(found(std::slice::from_ref(&b2)), ["key_not_in_trust_list"]);

    // An incremental audit carries the ledger on: C announced later is in force after the next run.
    assert_eq!(e.log.sync_trust_list(&[a.clone(), b2.clone(), c.clone()]).await.unwrap(), 1);
    e.log.sequence().await.unwrap();
    let mut source = served(&e.log).await;
    let next = run_audit(&mut source, &e.log, Some(&report.state));
    assert_eq!(next.checked_from, 4);
    assert_eq!(next.keys_in_force, Some(3));
    assert!(check_trust_list(next.state.keys.as_ref().unwrap(), &[a, b2, c]).is_empty());
    // A state file from before key tracking has no ledger: an incremental run cannot know the keys.
    let old = AuditState { keys: None, ..report.state.clone() };
    assert_eq!(run_audit(&mut source, &e.log, Some(&old)).keys_in_force, None);
    // A raw audit decodes nothing, so it keeps no ledger, and a decoded run continuing from it has none either
    // (an empty ledger would report every trusted key as never announced).
    let raw = audit(&mut source, &e.log.verifier(), ORIGIN, Some(&report.state), false, |_, _| {}).unwrap();
    assert_eq!(raw.state.keys, None);
    assert_eq!(run_audit(&mut source, &e.log, Some(&raw.state)).keys_in_force, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registry_older_than_the_log_is_backfilled_once() {
    let dir = tempfile::tempdir().unwrap();
    let e = env(dir.path(), "a.db").await;
    let runner = tokio::spawn(e.log.clone().run(std::time::Duration::from_millis(5)));
    certguard_app::demo::seed(&e.registry, &e.accounts, 25).await.unwrap();
    // Stop the first process's sequencer before rewinding its database (it would write its state back).
    runner.abort();
    let _ = runner.await;
    drop(e);
    // The same registry as it was before the log existed: certificates, no log.
    {
        let c = rusqlite::Connection::open(dir.path().join("a.db")).unwrap();
        c.execute_batch(
            "DELETE FROM log_pending; DELETE FROM log_leaves; DELETE FROM log_tiles;
             UPDATE log_state SET size = 0, checkpoint = '';",
        )
        .unwrap();
    }
    let e = env(dir.path(), "a.db").await;
    assert_eq!(e.log.backfill().await.unwrap(), 25, "every certificate queued once");
    assert_eq!(e.log.backfill().await.unwrap(), 0, "not twice");
    assert_eq!(e.log.sequence().await.unwrap(), 25);
    let mut source = served(&e.log).await;
    let report = run_audit(&mut source, &e.log, None);
    assert!(report.anomalies.is_empty(), "{:?}", report.anomalies);
    assert_eq!(report.kinds, vec![("imported".to_string(), 25)]);
}

/// Reads a log mirrored to a directory, as a static web server would serve it.
struct Directory(std::path::PathBuf);

impl LogSource for Directory {
    fn get(&mut self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(self.0.join(path)).map_err(|e| format!("{path}: {e}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirrored_directory_audits_clean_and_grows_by_new_files_only() {
    use certguard_app::translog::mirror::mirror;
    let dir = tempfile::tempdir().unwrap();
    let e = env(dir.path(), "a.db").await;
    let out = dir.path().join("static-log");
    assert_eq!(mirror(&e.log, &out).await.unwrap().written, 0, "an empty log mirrors nothing");
    let runner = tokio::spawn(e.log.clone().run(std::time::Duration::from_millis(5)));
    certguard_app::demo::seed(&e.registry, &e.accounts, 300).await.unwrap();
    let first = mirror(&e.log, &out).await.unwrap();
    assert!(first.size >= 300 && first.written >= 4 && first.kept == 0, "{first:?}");
    let mut files = Directory(out.clone());
    let audited = run_audit(&mut files, &e.log, None);
    assert!(audited.anomalies.is_empty(), "{:?}", audited.anomalies);
    assert_eq!(audited.size, first.size);
    let vkey = std::fs::read_to_string(out.join("vkey")).unwrap();
    assert_eq!(vkey.trim(), e.log.verifier().to_string());

    // More events: the next run writes only new tiles (full ones stay as they were) and a new checkpoint.
    let before: Vec<(std::path::PathBuf, Vec<u8>)> = walk(&out)
        .into_iter()
        .filter(|p| !p.ends_with("checkpoint"))
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    certguard_app::demo::seed(&e.registry, &e.accounts, 600).await.unwrap();
    runner.abort();
    let second = mirror(&e.log, &out).await.unwrap();
    // Full tiles of the first run are kept; its partial tiles stay too (a reader may still hold the old
    // checkpoint), the new tree's partial and full tiles are new files.
    assert!(second.size > first.size && second.kept >= 1 && second.written >= 2, "{second:?}");
    for (path, bytes) in &before {
        assert_eq!(&std::fs::read(path).unwrap(), bytes, "{} was rewritten", path.display());
    }
    let next = run_audit(&mut files, &e.log, Some(&audited.state));
    assert!(next.anomalies.is_empty(), "{:?}", next.anomalies);
    assert_eq!((next.checked_from, next.size), (first.size, second.size));
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
