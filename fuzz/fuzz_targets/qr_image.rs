//! Photo decoding (image crate, rxing, rqrr) on arbitrary bytes, and on small arbitrary
//! greyscale bitmaps (which reach the QR detectors directly).
#![no_main]

use certguard_credential::qr;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = qr::decode_image(data);
    if data.len() > 2 {
        let w = u32::from(data[0] % 64) + 1;
        let h = u32::from(data[1] % 64) + 1;
        let px = &data[2..];
        let img = image::GrayImage::from_fn(w, h, |x, y| {
            image::Luma([px.get((y * w + x) as usize % px.len().max(1)).copied().unwrap_or(255)])
        });
        let _ = qr::decode_grey(&img);
    }
});
