//! The transparency log over HTTP as an outside auditor sees it: the signed checkpoint, tiles and bundles
//! (immutable, canonical paths only), every entry hashed back to the checkpoint's root, consistency between
//! successive checkpoints, and a holder's offline proof.

mod helpers;

use certguard_registry::{LogEntry, LogEventKind, Serial};
use certguard_tlog::checkpoint::Checkpoint;
use certguard_tlog::hash::{Hash, leaf_hash};
use certguard_tlog::note::VerifierKey;
use certguard_tlog::proof::{ProofError, consistency_proof_in, verify_consistency};
use certguard_tlog::proof_file::ProofFile;
use certguard_tlog::tile::{TileKind, TiledTree, decode_bundle, decode_hash_tile, tiles_for_size};
use helpers::{TestApp, client};
use serde_json::json;
use std::collections::HashMap;

const ORIGIN: &str = "test.example/certificates/v1";

/// A valid GB 11643 ID number for person `n` (born 1980-01-01, Suzhou).
fn id_number(n: u32) -> String {
    let body = format!("32050119800101{:03}", n % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(weights).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{body}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

async fn get(app: &TestApp, path: &str) -> reqwest::Response {
    client().get(app.url(path)).send().await.unwrap()
}

/// The checkpoint, opened with the key the server publishes (an auditor would pin it).
async fn checkpoint(app: &TestApp, vkey: &VerifierKey) -> Checkpoint {
    let note = get(app, "/log/checkpoint").await.text().await.unwrap();
    Checkpoint::open(&note, ORIGIN, vkey).unwrap().0
}

/// Every tile of the tree as served.
async fn fetch_tiles(app: &TestApp, size: u64) -> (HashMap<(u8, u64), Vec<Hash>>, HashMap<u64, Vec<Vec<u8>>>) {
    let (mut hashes, mut bundles) = (HashMap::new(), HashMap::new());
    for tile in tiles_for_size(size) {
        let TileKind::Hashes(level) = tile.kind else { unreachable!() };
        let res = get(app, &format!("/log/{}", tile.path())).await;
        assert_eq!(res.status(), 200, "{}", tile.path());
        assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
        hashes.insert((level, tile.index), decode_hash_tile(&res.bytes().await.unwrap(), tile.width).unwrap());
        if level == 0 {
            let path = tile.path().replacen("tile/0/", "tile/entries/", 1);
            let res = get(app, &format!("/log/{path}")).await;
            assert_eq!(res.status(), 200, "{path}");
            bundles.insert(tile.index, decode_bundle(&res.bytes().await.unwrap(), tile.width).unwrap());
        }
    }
    (hashes, bundles)
}

fn reader(tiles: &HashMap<(u8, u64), Vec<Hash>>) -> impl Fn(u8, u64, u16) -> Result<Vec<Hash>, ProofError> + '_ {
    |level, index, width| {
        let t = tiles.get(&(level, index)).ok_or_else(|| ProofError::Source(format!("{level}/{index}")))?;
        Ok(t[..usize::from(width)].to_vec())
    }
}

#[tokio::test]
async fn an_auditor_rebuilds_the_tree_from_what_the_server_publishes() {
    let app = TestApp::spawn().await;
    let vkey = VerifierKey::parse(&get(&app, "/log/vkey").await.text().await.unwrap()).unwrap();
    assert_eq!(get(&app, "/log/checkpoint").await.status(), 404, "no checkpoint before the first event");

    let mut serials = Vec::new();
    for n in 0..6 {
        serials.push(app.issue_via_api(&id_number(n), "王五").await);
    }
    // Issuing answers only once the event is logged: the checkpoint already covers all six.
    let first = checkpoint(&app, &vkey).await;
    assert_eq!(first.size, 6);

    // A review of one certificate adds an entry chained to its previous one.
    let token = app.token("clerk").await;
    let res = client()
        .post(app.url(&format!("/api/v1/certificates/{}/commands", serials[2])))
        .bearer_auth(&token)
        .json(&json!({"command": {"op": "suspend", "reason": "检查中"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    for n in 6..300 {
        // Past one full tile (256 entries), so that level 0 has a full tile and level 1 begins.
        app.issue_via_api(&id_number(n), "王五").await;
    }
    let second = checkpoint(&app, &vkey).await;
    assert_eq!(second.size, 301);

    let (tiles, bundles) = fetch_tiles(&app, second.size).await;
    let tree = TiledTree::new(reader(&tiles), second.size);
    assert_eq!(tree.root().unwrap(), second.root, "the tiles hash to the signed root");
    let mut entries = Vec::new();
    for i in 0..second.size {
        let bytes = &bundles[&(i / 256)][(i % 256) as usize];
        assert_eq!(leaf_hash(bytes), tree.leaf(i).unwrap(), "entry {i} matches its leaf");
        // Nothing about the holder: the entry decodes to our canonical form, which has no name or ID field.
        let entry = LogEntry::decode(bytes).unwrap();
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("王五") && !text.contains("3205011980"), "entry {i} leaks personal data");
        entries.push(entry);
    }
    let suspended = Serial::from_hex(&serials[2]).unwrap();
    let chain: Vec<&LogEntry> = entries.iter().filter(|e| e.serial == suspended).collect();
    assert_eq!(chain.len(), 2);
    assert_eq!((chain[0].kind, chain[1].kind), (LogEventKind::Issued, LogEventKind::Suspended));
    assert_eq!(chain[1].previous, Some(2), "the suspension points back to the issue");

    // The second checkpoint extends the first.
    let proof = consistency_proof_in(&tree, first.size, second.size).unwrap();
    verify_consistency(first.size, second.size, &proof, &first.root, &second.root).unwrap();

    // The holder's offline proof verifies against the log key alone.
    let res = get(&app, &format!("/log/proof/{}", serials[2])).await;
    assert_eq!(res.status(), 200);
    let file = ProofFile::parse(&res.text().await.unwrap()).unwrap();
    assert_eq!(file.index, 6);
    let leaf = leaf_hash(&entries[6].encode());
    file.verify(&leaf, ORIGIN, &vkey, &[], 0).unwrap();
    assert!(file.verify(&leaf_hash(&entries[5].encode()), ORIGIN, &vkey, &[], 0).is_err());
}

#[tokio::test]
async fn only_published_canonical_tiles_are_served() {
    let app = TestApp::spawn().await;
    for n in 0..3 {
        app.issue_via_api(&id_number(n), "李四").await;
    }
    assert_eq!(get(&app, "/log/tile/0/000.p/3").await.status(), 200);
    for path in [
        "/log/tile/0/000.p/4",      // beyond the checkpoint: would change, so never served
        "/log/tile/0/000",          // the full tile does not exist yet
        "/log/tile/0/0.p/3",        // not the canonical index form
        "/log/tile/0/000.p/03",     // nor the canonical width
        "/log/tile/1/000.p/1",      // no level 1 yet
        "/log/tile/0/x000/000.p/3", // a leading zero group
        "/log/tile/../../etc/passwd",
        "/log/tile/entries/000.p/4",
    ] {
        assert_eq!(get(&app, path).await.status(), 404, "{path}");
    }
    assert_eq!(get(&app, "/log/proof/not-a-serial").await.status(), 404);
    assert_eq!(get(&app, &format!("/log/proof/{}", "ab".repeat(16))).await.status(), 404);
}

#[tokio::test]
async fn the_log_page_shows_the_checkpoint_and_a_certificates_history() {
    let app = TestApp::spawn().await;
    let serial = app.issue_via_api(&id_number(7), "李四").await;
    let page = get(&app, "/log").await.text().await.unwrap();
    assert!(page.contains("test.example/certificates/v1") && page.contains("记录条数"), "{page}");
    let page = get(&app, &format!("/log?serial={serial}")).await.text().await.unwrap();
    assert!(page.contains("发证") && page.contains(&format!("/log/proof/{serial}")), "{page}");
    let page = get(&app, &format!("/log?serial={}", "cd".repeat(16))).await.text().await.unwrap();
    assert!(page.contains("日志中没有这张证书的记录"));
    // Nothing about the holder on the public log page.
    assert!(!page.contains("李四") && !page.contains(&id_number(7)));
}
