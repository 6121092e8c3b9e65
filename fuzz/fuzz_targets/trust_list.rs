//! Trust-list parsing and verification on arbitrary bytes.
#![no_main]

use certguard_credential::alg::PublicKey;
use certguard_credential::trust_list::{TrustList, TrustStore};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let anchor = PublicKey::ed25519_from_bytes(&[
        0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
        0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
    ])
    .unwrap();
    let _ = TrustList::verify(data, &anchor);
    let mut store = TrustStore::new(anchor);
    let _ = store.update(data, 1_780_000_000);
    let _ = certguard_credential::cose::CoseSign1::from_slice(data);
});
