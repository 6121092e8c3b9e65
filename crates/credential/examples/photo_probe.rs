//! Where the time of decoding a QR photo goes (rqrr stages, full size vs 2x subsampled).
//! `cargo run --release -p certguard-credential --example photo_probe`

use certguard_credential::qr;
use certguard_credential::testutil::synthetic_photo;
use std::time::Instant;

fn main() {
    let text = format!("AQ1:{}", "6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NH$RSC9SX%5CNC".repeat(7))
        [..464]
        .to_owned();
    let photo = synthetic_photo(&text, 1000, 8, 1);
    let t = Instant::now();
    let g = qr::load_grey(&photo).unwrap();
    println!(
        "QR version {}, JPEG {} bytes, decode to grey {:?}",
        qr::version(&text).unwrap(),
        photo.len(),
        t.elapsed()
    );
    for (name, w) in [("full 1000x1000", 1000usize), ("subsampled 500x500", 500)] {
        let f = 1000 / w;
        let px: Vec<u8> = (0..w * w).map(|i| g.as_raw()[(i / w) * f * 1000 + (i % w) * f]).collect();
        let t0 = Instant::now();
        let mut img = rqrr::PreparedImage::prepare_from_bitmap(w, w, |x, y| px[y * w + x] <= 121);
        let t1 = Instant::now();
        let grids = img.detect_grids();
        let t2 = Instant::now();
        let ok: Vec<bool> = grids.iter().map(|g| g.decode().is_ok()).collect();
        let t3 = Instant::now();
        println!(
            "{name}: prepare {:?}, detect_grids (capstones + perspective jiggle) {:?}, decode {:?}, decoded {ok:?}",
            t1 - t0,
            t2 - t1,
            t3 - t2
        );
    }
}
