//! Token Status List examples (draft-ietf-oauth-status-list, examples/): 1/2/4/8-bit lists in
//! CBOR and JSON decode to the statuses the draft's text states; the status-list CWT and the
//! referenced-token CWT parse.

mod common;

use certguard_credential::cbor;
use certguard_credential::status_list::{StatusList, StatusListToken};

fn read(name: &str) -> String {
    std::fs::read_to_string(common::testdata().join("token-status-list").join(name)).unwrap()
}

/// The part after "encoded:" with all whitespace removed.
fn encoded(text: &str) -> String {
    let t = text.split("encoded:").nth(1).unwrap_or(text);
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

fn byte_array(text: &str) -> Option<Vec<u8>> {
    let start = text.find("byte_array = [")? + 14;
    let end = start + text[start..].find(']')?;
    Some(
        text[start..end]
            .split(',')
            .map(|s| u8::from_str_radix(s.trim().trim_start_matches("0x"), 16).unwrap())
            .collect(),
    )
}

fn load(name: &str) -> StatusList {
    let enc = encoded(&read(name));
    if enc.starts_with('{') {
        StatusList::from_json(&serde_json::from_str(&enc).unwrap()).unwrap()
    } else {
        StatusList::from_cbor_value(&cbor::decode(&hex::decode(enc).unwrap()).unwrap()).unwrap()
    }
}

fn nonzero(l: &StatusList) -> Vec<(u64, u8)> {
    (0..l.len()).filter_map(|i| l.get(i).filter(|s| *s != 0).map(|s| (i, s))).collect()
}

#[test]
fn short_examples_match_their_byte_arrays() {
    for name in [
        "status_list_encoding_cbor.md",
        "status_list_encoding_json.md",
        "status_list_encoding2_cbor.md",
        "status_list_encoding2_json.md",
    ] {
        let l = load(name);
        assert_eq!(Some(l.as_bytes().to_vec()), byte_array(&read(name)), "{name}");
        // Our encoding of the same array decodes back to it.
        let again = StatusList::from_cbor_value(&l.to_cbor_value()).unwrap();
        assert_eq!(again, l);
    }
    // §4.1: 1 bit, [0xb9, 0xa3].
    let l = load("status_list_encoding_cbor.md");
    let bits: Vec<u8> = (0..16).map(|i| l.get(i).unwrap()).collect();
    assert_eq!(bits, [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
    // 2 bits, [0xc9, 0x44, 0xf9].
    let l = load("status_list_encoding2_json.md");
    let s: Vec<u8> = (0..12).map(|i| l.get(i).unwrap()).collect();
    assert_eq!(s, [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]);
}

#[test]
fn long_examples_have_the_drafts_statuses() {
    let one = [0, 1993, 25460, 159495, 495669, 554353, 645645, 723232, 854545, 934534, 1000345];
    for name in ["status_list_encoding1_long_cbor.md", "status_list_encoding1_long_json.md"] {
        let l = load(name);
        assert_eq!(l.len(), 1 << 20);
        assert_eq!(nonzero(&l), one.iter().map(|&i| (i, 1)).collect::<Vec<_>>(), "{name}");
    }
    let two = [1, 2, 1, 3, 1, 1, 2, 1, 1, 2, 3];
    for name in ["status_list_encoding2_long_cbor.md", "status_list_encoding2_long_json.md"] {
        let want: Vec<(u64, u8)> = one.iter().copied().zip(two).collect();
        assert_eq!(nonzero(&load(name)), want, "{name}");
    }
    let four: [(u64, u8); 15] = [
        (0, 1),
        (1993, 2),
        (35460, 3),
        (459495, 4),
        (595669, 5),
        (754353, 6),
        (845645, 7),
        (923232, 8),
        (924445, 9),
        (934534, 10),
        (1000345, 12),
        (1004534, 11),
        (1030203, 13),
        (1030204, 14),
        (1030205, 15),
    ];
    for name in ["status_list_encoding4_cbor.md", "status_list_encoding4_json.md"] {
        assert_eq!(nonzero(&load(name)), four.to_vec(), "{name}");
    }
    for name in ["status_list_encoding8_cbor.md", "status_list_encoding8_json.md"] {
        let l = load(name);
        assert_eq!(l.bits(), 8);
        let mut values: Vec<u8> = nonzero(&l).into_iter().map(|(_, s)| s).collect();
        values.sort_unstable();
        assert_eq!(values, (1..=255).collect::<Vec<u8>>(), "{name}: each value once");
    }
}

#[test]
fn status_list_cwt_and_referenced_token() {
    let bytes = hex::decode(encoded(&read("status_list_cwt.md"))).unwrap();
    let (cose, tok) = StatusListToken::parse_unverified(&bytes).unwrap();
    assert_eq!(cose.kid().0, Some(&b"12"[..]));
    assert_eq!(tok.uri, "https://example.com/statuslists/1");
    assert_eq!(tok.iat, 1_686_920_170);
    assert_eq!(tok.ttl, Some(43_200));
    assert_eq!(tok.list.as_bytes(), &[0xb9, 0xa3]);
    assert!(!tok.is_stale(tok.iat + 43_200));
    assert!(tok.is_stale(tok.iat + 43_201));

    let bytes = hex::decode(encoded(&read("referenced_token_cwt.md"))).unwrap();
    let cose = certguard_credential::cose::CoseSign1::from_slice(&bytes).unwrap();
    let claims = cbor::decode(&cose.payload).unwrap();
    let sl = claims.get_int(65535).unwrap().get_text("status_list").unwrap();
    assert_eq!(sl.get_text("idx").and_then(cbor::Value::as_int), Some(0));
    assert_eq!(sl.get_text("uri").and_then(cbor::Value::as_text), Some("https://example.com/statuslists/1"));
}
