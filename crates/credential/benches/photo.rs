//! QR decoding from a 1000x1000 JPEG photo (target: <= 15 ms median), and its parts.

use certguard_credential::qr;
use certguard_credential::testutil::synthetic_photo;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn benches(c: &mut Criterion) {
    // A realistic AQ1 length (~460 characters of Base45).
    let text = format!("AQ1:{}", "6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NH$RSC9SX%5CNC%A0J/UEDNJ*C7W3G.LP3+E5HD8A2:3CWGT9O7B1TD88CB4CAPM0II5XHC9B5G2+$N IOP-IA%NH$RSC9SX%5CNC%A0J/UEDNJ*C7W3G.LP3+E5HD8A2:3CWGT9O7B1TD88CB4CAPM0II5XHC9B5G2+$N IOP-IA%NH$RSC9SX%5CNC%A0J/UEDNJ*C7W3G.LP3+E5HD8A2:3CWGT9O7B1TD88CB4CAPM0II5XHC9B5G2+$N IOP-IA%NH$RSC9SX%5CNC%A0J/UEDNJ*C7W3G.LP3+E5HD8A2:3CWGT9O7B1TD88CB4CAPM0II5XHC9B5G2+$N IOP-IA%NH$RSC9SX%5CNC%A0J/UEDNJ*C7W3G.LP3+E5HD8A2:3CWGT9O7B1TD88CB4CAP"[..460].to_owned());
    let photo = synthetic_photo(&text, 1000, 8, 1);
    assert_eq!(qr::decode_image(&photo).unwrap(), text);
    eprintln!("QR version {}, photo {} bytes", qr::version(&text).unwrap(), photo.len());
    let grey = qr::load_grey(&photo).unwrap();
    let mut g = c.benchmark_group("photo_1000x1000");
    g.sample_size(30);
    g.bench_function("decode_image_total", |b| b.iter(|| qr::decode_image(black_box(&photo)).unwrap()));
    g.bench_function("jpeg_to_grey", |b| b.iter(|| qr::load_grey(black_box(&photo)).unwrap()));
    g.bench_function("find_and_decode_qr", |b| b.iter(|| qr::decode_grey(black_box(&grey)).unwrap()));
    g.finish();
}

criterion_group!(photo_benches, benches);
criterion_main!(photo_benches);
