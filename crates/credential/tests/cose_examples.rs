//! cose-wg Examples: every COSE_Sign1 example with `fail: true` is rejected, the others verify,
//! except the algorithms this verifier declares unsupported (each with a named reason).

mod common;

use base64::Engine;
use certguard_credential::alg::{KeyKind, PublicKey};
use certguard_credential::cose::CoseSign1;
use serde_json::Value;

fn b64url(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).unwrap()
}

fn coord(key: &Value, name: &str) -> Vec<u8> {
    if let Some(h) = key.get(format!("{name}_hex")).and_then(Value::as_str) {
        hex::decode(h).unwrap()
    } else {
        b64url(key[name].as_str().unwrap())
    }
}

/// The verification key of an example, or why it is unsupported.
fn key_of(key: &Value) -> Result<PublicKey, String> {
    match (key["kty"].as_str(), key["crv"].as_str()) {
        (Some("EC"), Some(crv)) => {
            let kind = match crv {
                "P-256" => KeyKind::P256,
                "P-384" => KeyKind::P384,
                "P-521" => return Err("P-521 (ES512) is not supported".into()),
                other => return Err(format!("curve {other}")),
            };
            let mut point = vec![4u8];
            point.extend(coord(key, "x"));
            point.extend(coord(key, "y"));
            PublicKey::ec_from_sec1(kind, &point).map_err(|e| e.to_string())
        }
        (Some("OKP"), Some("Ed25519")) => {
            let x: [u8; 32] = coord(key, "x").try_into().unwrap();
            PublicKey::ed25519_from_bytes(&x).map_err(|e| e.to_string())
        }
        (Some("OKP"), Some("Ed448")) => Err("Ed448 is not supported".into()),
        other => Err(format!("key type {other:?}")),
    }
}

#[derive(Debug, PartialEq)]
enum Got {
    Verified,
    Rejected(String),
    Unsupported(String),
}

fn run(case: &Value) -> Got {
    let sign0 = &case["input"]["sign0"];
    let key = match key_of(&sign0["key"]) {
        Ok(k) => k,
        Err(e) => return Got::Unsupported(e),
    };
    let aad = sign0.get("external").and_then(Value::as_str).map(|h| hex::decode(h).unwrap()).unwrap_or_default();
    let bytes = hex::decode(case["output"]["cbor"].as_str().unwrap()).unwrap();
    let cose = match CoseSign1::from_slice(&bytes) {
        Ok(c) => c,
        Err(e) => return Got::Rejected(e.to_string()),
    };
    match cose.verify(&key, &aad) {
        Ok(()) => Got::Verified,
        Err(e) => Got::Rejected(e.to_string()),
    }
}

#[test]
fn cose_wg_sign1_examples() {
    let root = common::testdata().join("cose-examples");
    let mut seen = Vec::new();
    for dir in ["sign1-tests", "ecdsa-examples", "eddsa-examples", "CWT", "rsa-pss-examples"] {
        let mut files: Vec<_> = std::fs::read_dir(root.join(dir)).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let case: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            if case["input"].get("sign0").is_none() {
                continue; // COSE_Sign, COSE_Mac0, COSE_Encrypt0: not COSE_Sign1.
            }
            let name = format!("{dir}/{}", f.file_name().unwrap().to_string_lossy());
            let fail = case.get("fail").and_then(Value::as_bool).unwrap_or(false);
            seen.push((name, fail, run(&case)));
        }
    }
    for (name, fail, got) in &seen {
        println!("{name}: fail={fail} -> {got:?}");
    }
    let mut verified = 0;
    let mut rejected = 0;
    let mut unsupported = Vec::new();
    for (name, fail, got) in &seen {
        match got {
            Got::Verified => {
                assert!(!fail, "{name} must be rejected");
                verified += 1;
            }
            Got::Rejected(why) => {
                // ES512 over a P-256 key is refused by the algorithm/curve binding, by design.
                let by_binding = why.contains("requires a P-521 key");
                assert!(*fail || by_binding, "{name} must verify: {why}");
                rejected += 1;
            }
            Got::Unsupported(why) => unsupported.push((name.clone(), why.clone())),
        }
    }
    assert_eq!(verified, 7, "{seen:#?}");
    assert_eq!(rejected, 7, "{seen:#?}");
    assert_eq!(
        unsupported,
        vec![
            ("ecdsa-examples/ecdsa-sig-03.json".to_string(), "P-521 (ES512) is not supported".to_string()),
            ("eddsa-examples/eddsa-sig-02.json".to_string(), "Ed448 is not supported".to_string()),
        ]
    );
}
