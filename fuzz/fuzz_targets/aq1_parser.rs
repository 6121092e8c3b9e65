//! The whole offline verifier on arbitrary text, and the envelope on arbitrary bytes wrapped
//! as valid Base45 (so the fuzzer reaches zlib, CBOR and COSE).
#![no_main]

use certguard_credential::alg::PublicKey;
use certguard_credential::envelope::{AQ1, unwrap, wrap};
use certguard_credential::status_list::StatusStore;
use certguard_credential::trust_list::TrustStore;
use certguard_credential::verify::{Context, verify};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn store() -> &'static TrustStore {
    static S: OnceLock<TrustStore> = OnceLock::new();
    S.get_or_init(|| {
        let k = PublicKey::ed25519_from_bytes(&[
            0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
            0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
        ])
        .unwrap();
        TrustStore::from_entries(k, vec![], i64::MAX)
    })
}

fuzz_target!(|data: &[u8]| {
    let status = StatusStore::new();
    let ctx = Context { trust: store(), status: &status, now: 1_780_000_000 };
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = verify(text, &ctx);
    }
    // Raw bytes as the inflated COSE, and as the zlib stream.
    let _ = unwrap(&wrap(data, &AQ1), &AQ1);
    let _ = unwrap(&format!("AQ1:{}", certguard_credential::base45::encode(data)), &AQ1);
});
