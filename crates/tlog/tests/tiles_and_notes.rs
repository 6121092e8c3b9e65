//! Tiles, signed notes and checkpoints against the C2SP examples and a naive tree.

use certguard_tlog::checkpoint::Checkpoint;
use certguard_tlog::hash::{Hash, leaf_hash, root_of};
use certguard_tlog::note::{Note, NoteSigner, VerifierKey};
use certguard_tlog::proof::{
    Subtrees, consistency_proof, consistency_proof_in, inclusion_proof, inclusion_proof_in, verify_consistency,
    verify_inclusion,
};
use certguard_tlog::tile::{
    Appender, TileId, TileKind, TiledTree, decode_bundle, decode_hash_tile, encode_hash_tile, tiles_for_size,
};
use proptest::prelude::*;
use std::collections::HashMap;
use std::path::Path;

fn testdata(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/signed-note").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_c2sp_signed_note_example_verifies() {
    let vkey = VerifierKey::parse(&testdata("example.vkey")).unwrap();
    assert_eq!((vkey.name.as_str(), vkey.id), ("example.com/foo", 0x530d903a));
    assert_eq!(vkey.to_string(), testdata("example.vkey").trim());
    let note = Note::parse(&testdata("example.note")).unwrap();
    assert_eq!(note.text, "This is an example message.\n");
    assert_eq!(note.verify(std::slice::from_ref(&vkey)).unwrap(), vec!["example.com/foo".to_string()]);
    let tampered = testdata("example.note").replace("example message", "exemplary message");
    assert!(Note::parse(&tampered).unwrap().verify(&[vkey]).is_err());
}

/// A store of tiles as the registry keeps them: one value per tile at its latest width.
#[derive(Default)]
struct Tiles {
    hashes: HashMap<(u8, u64), Vec<Hash>>,
    bundles: HashMap<u64, Vec<u8>>,
}

impl Tiles {
    fn apply(&mut self, appender: &mut Appender) -> (u64, Hash) {
        let changes = appender.take_changes();
        for (id, hashes) in changes.tiles {
            let TileKind::Hashes(level) = id.kind else { panic!("hash tile expected") };
            assert_eq!(hashes.len(), usize::from(id.width));
            // A tile only ever grows: the old contents are a prefix of the new ones.
            if let Some(old) = self.hashes.get(&(level, id.index)) {
                assert_eq!(&hashes[..old.len()], &old[..], "tile {level}/{} rewritten", id.index);
            }
            self.hashes.insert((level, id.index), decode_hash_tile(&encode_hash_tile(&hashes), id.width).unwrap());
        }
        for (id, bytes) in changes.bundles {
            decode_bundle(&bytes, id.width).unwrap();
            self.bundles.insert(id.index, bytes);
        }
        (changes.size, changes.root)
    }

    fn reader(&self) -> impl Fn(u8, u64, u16) -> Result<Vec<Hash>, certguard_tlog::proof::ProofError> + '_ {
        move |level, index, width| {
            let tile = self
                .hashes
                .get(&(level, index))
                .ok_or_else(|| certguard_tlog::proof::ProofError::Source(format!("no tile {level}/{index}")))?;
            tile.get(..usize::from(width))
                .map(<[Hash]>::to_vec)
                .ok_or_else(|| certguard_tlog::proof::ProofError::Source("tile too narrow".into()))
        }
    }
}

#[test]
fn a_generated_log_of_seventy_thousand_entries_has_the_worked_examples_tiles() {
    let mut tiles = Tiles::default();
    let mut appender = Appender::empty();
    let mut leaves = Vec::new();
    for i in 0..70_000u32 {
        let entry = i.to_be_bytes();
        leaves.push(leaf_hash(&entry));
        appender.push(&entry).unwrap();
        if i % 1000 == 999 {
            tiles.apply(&mut appender);
        }
    }
    let (size, root) = tiles.apply(&mut appender);
    assert_eq!((size, root), (70_000, root_of(&leaves)));
    let mut stored: Vec<TileId> = tiles
        .hashes
        .iter()
        .map(|((level, index), h)| TileId { kind: TileKind::Hashes(*level), index: *index, width: h.len() as u16 })
        .collect();
    stored.sort_by_key(|t| (t.kind == TileKind::Hashes(0), t.kind == TileKind::Hashes(1), t.index));
    let mut expected = tiles_for_size(70_000);
    expected.sort_by_key(|t| (t.kind == TileKind::Hashes(0), t.kind == TileKind::Hashes(1), t.index));
    assert_eq!(stored, expected);
    assert_eq!(tiles.bundles.len(), 274);
    assert_eq!(decode_bundle(&tiles.bundles[&273], 112).unwrap()[111], 69_999u32.to_be_bytes());

    let tree = TiledTree::new(tiles.reader(), size);
    assert_eq!(tree.root().unwrap(), root);
    for index in [0, 255, 256, 65_535, 65_536, 69_999] {
        assert_eq!(tree.leaf(index).unwrap(), leaves[index as usize]);
        let proof = inclusion_proof_in(&tree, index, size).unwrap();
        verify_inclusion(index, size, &leaves[index as usize], &proof, &root).unwrap();
    }
}

fn build(sizes: &[u64]) -> (Tiles, Vec<Hash>, Vec<(u64, Hash)>) {
    let mut tiles = Tiles::default();
    let mut appender = Appender::empty();
    let mut leaves = Vec::new();
    let mut checkpoints = Vec::new();
    for &batch in sizes {
        for _ in 0..batch {
            let entry = format!("entry {}", leaves.len());
            leaves.push(leaf_hash(entry.as_bytes()));
            appender.push(entry.as_bytes()).unwrap();
        }
        checkpoints.push(tiles.apply(&mut appender));
        // Resuming from the stored tiles continues the same tree (what a restarted sequencer does).
        let size = appender.size();
        let bundles = &tiles.bundles;
        appender =
            Appender::resume(size, &tiles.reader(), |index, width| decode_bundle(&bundles[&index], width)).unwrap();
    }
    (tiles, leaves, checkpoints)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn tiled_proofs_equal_naive_ones(batches in prop::collection::vec(0u64..700, 1..6), pick in any::<u64>()) {
        let (tiles, leaves, checkpoints) = build(&batches);
        for &(size, root) in &checkpoints {
            prop_assert_eq!(root, root_of(&leaves[..size as usize]));
            if size == 0 {
                continue;
            }
            let tree = TiledTree::new(tiles.reader(), size);
            prop_assert_eq!(tree.root().unwrap(), root);
            let index = pick % size;
            let proof = inclusion_proof_in(&tree, index, size).unwrap();
            prop_assert_eq!(&proof, &inclusion_proof(&leaves[..size as usize], index).unwrap());
            let first = pick % (size + 1);
            let consistency = consistency_proof_in(&tree, first, size).unwrap();
            prop_assert_eq!(&consistency, &consistency_proof(&leaves[..size as usize], first).unwrap());
            if first > 0 {
                verify_consistency(first, size, &consistency, &root_of(&leaves[..first as usize]), &root).unwrap();
            }
            prop_assert_eq!(tree.subtree(0, size).unwrap(), root);
        }
    }
}

#[test]
fn a_checkpoint_note_is_what_a_log_publishes() {
    let signer = NoteSigner::from_seed("registry.example/certificates/v1", &[5; 32]).unwrap();
    let (_, leaves, checkpoints) = build(&[300]);
    let (size, root) = checkpoints[0];
    let note = Checkpoint::new("registry.example/certificates/v1", size, root).sign(&signer);
    assert!(note.starts_with("registry.example/certificates/v1\n300\n"));
    let (cp, _) = Checkpoint::open(&note, "registry.example/certificates/v1", &signer.verifier()).unwrap();
    assert_eq!(cp.root, root_of(&leaves));
}

// Every parser on arbitrary input: an answer (usually an error), never a panic. Structured inputs (mutations
// of valid notes, checkpoints and proof files) reach past the first byte checks.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parsers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Note::parse(&text);
        let _ = Checkpoint::parse_text(&text);
        let _ = certguard_tlog::proof_file::ProofFile::parse(&text);
        let _ = VerifierKey::parse(&text);
        let _ = TileId::parse_path(&text);
        for width in [0u16, 1, 2, 256] {
            let _ = decode_bundle(&bytes, width);
            let _ = decode_hash_tile(&bytes, width);
        }
    }

    #[test]
    fn parsers_never_panic_on_mutated_valid_inputs(cut in 0usize..400, insert in ".{0,8}", at in 0usize..400) {
        let signer = NoteSigner::from_seed("fuzz.example/log", &[3; 32]).unwrap();
        let note = Checkpoint::new("fuzz.example/log", 12, [7; 32]).sign(&signer);
        let proof = certguard_tlog::proof_file::ProofFile {
            extra: Some(vec![1, 2, 3]),
            index: 5,
            proof: vec![[1; 32], [2; 32]],
            checkpoint: note.clone(),
        }
        .to_text();
        for valid in [note.as_str(), proof.as_str(), "tile/0/x001/x234/067.p/17"] {
            let mut s: String = valid.chars().take(cut).collect();
            let at = at.min(s.chars().count());
            let byte_at = s.char_indices().nth(at).map_or(s.len(), |(i, _)| i);
            s.insert_str(byte_at, &insert);
            s.extend(valid.chars().skip(cut));
            if let Ok(n) = Note::parse(&s) {
                let _ = n.verify(&[signer.verifier()]);
                let _ = Checkpoint::parse_text(&n.text);
            }
            let _ = certguard_tlog::proof_file::ProofFile::parse(&s);
            let _ = TileId::parse_path(&s);
        }
    }
}
