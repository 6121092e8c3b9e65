//! The transparency log's storage: pending events written with each change, atomic sequencing commits that
//! refuse a tree that moved, tiles that grow in place, and the lookups the verifier needs.

use certguard_registry::{LogEventKind, Serial};
use certguard_store::*;

fn leaf(index: u64, p: &PendingLogEvent) -> LogLeaf {
    LogLeaf { index, serial: p.serial, kind: p.kind, credential_sha256: p.credential_sha256 }
}

pub async fn story(store: &dyn Store) {
    // The certificate story's changes each queued one pending event, in commit order.
    let pending = store.log_pending(10_000).await.unwrap();
    assert!(pending.len() >= 3, "every change queues a log event, got {}", pending.len());
    assert!(pending.windows(2).all(|w| w[0].id < w[1].id));
    assert!(matches!(pending[0].kind, LogEventKind::Issued | LogEventKind::Imported));
    let high_water = store.log_pending_high_water().await.unwrap();
    assert_eq!(high_water, pending.last().unwrap().id);
    assert!(store.log_pending_through(high_water).await.unwrap());
    assert_eq!(store.log_checkpoint().await.unwrap(), None, "nothing sequenced yet");

    // First step: two entries.
    let first = LogBatch {
        old_size: 0,
        new_size: 2,
        leaves: vec![leaf(0, &pending[0]), leaf(1, &pending[1])],
        tiles: vec![(0, 0, vec![1; 64])],
        bundles: vec![(0, vec![0, 1, 7, 0, 1, 8])],
        checkpoint: "origin\n2\nroot\n\nsig\n".into(),
        pending_ids: vec![pending[0].id, pending[1].id],
    };
    store.log_commit(&first).await.unwrap();
    assert_eq!(store.log_checkpoint().await.unwrap(), Some((2, first.checkpoint.clone())));
    assert_eq!(store.log_tile(0, 0).await.unwrap(), Some(vec![1; 64]));
    assert_eq!(store.log_bundle(0).await.unwrap(), Some(vec![0, 1, 7, 0, 1, 8]));
    assert_eq!(store.log_tile(1, 0).await.unwrap(), None);
    let left = store.log_pending(10_000).await.unwrap();
    assert_eq!(left.len(), pending.len() - 2);
    assert_eq!(left[0], pending[2]);
    assert!(!store.log_pending_through(pending[1].id).await.unwrap());
    assert!(store.log_pending_through(high_water).await.unwrap());

    // A sequencer that worked on an older tree loses: nothing of its batch is written.
    let stale = LogBatch {
        old_size: 0,
        new_size: 1,
        leaves: vec![leaf(0, &pending[2])],
        tiles: vec![(0, 0, vec![9; 32])],
        bundles: vec![],
        checkpoint: "forked".into(),
        pending_ids: vec![pending[2].id],
    };
    assert!(matches!(store.log_commit(&stale).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.log_checkpoint().await.unwrap().unwrap().0, 2);
    assert_eq!(store.log_tile(0, 0).await.unwrap(), Some(vec![1; 64]));
    assert_eq!(store.log_pending(10_000).await.unwrap().len(), pending.len() - 2);

    // A sequencer that read events another one has logged since, and the size after that, loses too: an
    // event is never logged twice.
    let late = LogBatch {
        old_size: 2,
        new_size: 3,
        leaves: vec![leaf(2, &pending[0])],
        tiles: vec![(0, 0, vec![5; 96])],
        bundles: vec![],
        checkpoint: "twice".into(),
        pending_ids: vec![pending[0].id],
    };
    assert!(matches!(store.log_commit(&late).await, Err(StoreError::Conflict(_))));
    assert_eq!(store.log_checkpoint().await.unwrap().unwrap().0, 2);
    assert_eq!(store.log_tile(0, 0).await.unwrap(), Some(vec![1; 64]));

    // The next step widens the same tile in place.
    let second = LogBatch {
        old_size: 2,
        new_size: 3,
        leaves: vec![leaf(2, &pending[2])],
        tiles: vec![(0, 0, vec![1; 96])],
        bundles: vec![(0, vec![0, 1, 7, 0, 1, 8, 0, 1, 9])],
        checkpoint: "origin\n3\nroot\n\nsig\n".into(),
        pending_ids: vec![pending[2].id],
    };
    store.log_commit(&second).await.unwrap();
    assert_eq!(store.log_tile(0, 0).await.unwrap().unwrap().len(), 96);

    // Lookups: a certificate's entries, its newest index, a credential's entry.
    let serial = pending[0].serial;
    let of_first: Vec<u64> = store.log_leaves_of(&serial).await.unwrap().iter().map(|l| l.index).collect();
    let expected: Vec<u64> = (0..3).filter(|i| pending[*i as usize].serial == serial).collect();
    assert_eq!(of_first, expected);
    let last = store.log_last_indexes(&[serial, Serial([0xee; 16])]).await.unwrap();
    assert_eq!(last, vec![(serial, *expected.last().unwrap())]);
    let leaves = store.log_leaves_of(&serial).await.unwrap();
    assert_eq!(leaves[0], leaf(0, &pending[0]), "a leaf keeps its event's kind and credential hash");

    // Events queued outside a change (the backfill of an older registry) join the queue.
    let extra = PendingLogEvent { id: 0, kind: LogEventKind::Imported, ..pending[0].clone() };
    store.log_enqueue(&[extra.clone(), extra]).await.unwrap();
    let queued = store.log_pending(10_000).await.unwrap();
    assert_eq!(queued.len(), pending.len() - 3 + 2);
    assert!(queued.last().unwrap().id > high_water);
}
