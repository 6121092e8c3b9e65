//! Status-list token and status-list parsing on arbitrary bytes.
#![no_main]

use certguard_credential::status_list::{StatusList, StatusListToken};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((_, tok)) = StatusListToken::parse_unverified(data) {
        let _ = tok.list.get(tok.list.len().saturating_sub(1));
    }
    if let Some((&bits, rest)) = data.split_first() {
        if let Ok(l) = StatusList::from_compressed(bits % 9, rest) {
            let _ = l.get(u64::from(bits) * 1000);
        }
    }
    if let Ok(v) = certguard_credential::cbor::decode(data) {
        let _ = StatusList::from_cbor_value(&v);
    }
});
