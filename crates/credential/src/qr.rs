//! QR codes: render AQ1 text (alphanumeric mode, ECC Q, >= 8 px per module, 4-module quiet
//! zone) as SVG or PNG, and find the QR text in a PNG/JPEG photo.
//!
//! Decoding looks for the code with rxing (ZXing's detector) on a 2x-subsampled copy first, then
//! at full size, then with rqrr on a black-and-white (Otsu) image; see [`decode_grey`].

use image::ImageEncoder;
use qrcode::{EcLevel, QrCode};

/// Pixels per module when rendering (the design asks for >= 8).
pub const PX_PER_MODULE: u32 = 8;
/// Quiet zone in modules (ISO/IEC 18004).
pub const QUIET_ZONE: u32 = 4;
/// Largest image accepted for decoding (pixels), against decompression bombs.
pub const MAX_PIXELS: u64 = 40_000_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("text does not fit in a QR code: {0}")]
    TooLong(String),
    #[error("cannot read the image: {0}")]
    Image(String),
    #[error("image is too large ({0} pixels)")]
    ImageTooLarge(u64),
    #[error("no QR code found in the image")]
    NoCode,
    #[error("{0} QR codes found in the image: photograph one certificate at a time")]
    MultipleCodes(usize),
    #[error("a QR code was found but could not be read: {0}")]
    Unreadable(String),
}

fn encode(text: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q).map_err(|e| QrError::TooLong(e.to_string()))
}

/// Module matrix (true = dark) and its width.
pub fn modules(text: &str) -> Result<(Vec<bool>, usize), QrError> {
    let code = encode(text)?;
    let w = code.width();
    let colors = code.to_colors();
    Ok((colors.into_iter().map(|c| c == qrcode::Color::Dark).collect(), w))
}

/// QR version used for `text`.
pub fn version(text: &str) -> Result<i16, QrError> {
    match encode(text)?.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => Ok(v),
    }
}

/// SVG with one `<rect>` per dark run, `px` pixels per module (at least 8).
pub fn to_svg(text: &str, px: u32) -> Result<String, QrError> {
    let px = px.max(PX_PER_MODULE);
    let (m, w) = modules(text)?;
    let size = (w as u32 + 2 * QUIET_ZONE) * px;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" height=\"{size}\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
<rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for y in 0..w {
        let mut x = 0;
        while x < w {
            if m[y * w + x] {
                let start = x;
                while x < w && m[y * w + x] {
                    x += 1;
                }
                let (sx, sy) = ((start as u32 + QUIET_ZONE) * px, (y as u32 + QUIET_ZONE) * px);
                s.push_str(&format!("M{sx} {sy}h{}v{px}h-{}z", (x - start) as u32 * px, (x - start) as u32 * px));
            } else {
                x += 1;
            }
        }
    }
    s.push_str("\"/></svg>\n");
    Ok(s)
}

/// Greyscale PNG, `px` pixels per module (at least 8), with the quiet zone.
pub fn to_png(text: &str, px: u32) -> Result<Vec<u8>, QrError> {
    let px = px.max(PX_PER_MODULE);
    let (m, w) = modules(text)?;
    let size = (w as u32 + 2 * QUIET_ZONE) * px;
    let mut buf = vec![255u8; (size * size) as usize];
    for y in 0..size {
        for x in 0..size {
            let (mx, my) = (x / px, y / px);
            if mx >= QUIET_ZONE && my >= QUIET_ZONE {
                let (mx, my) = ((mx - QUIET_ZONE) as usize, (my - QUIET_ZONE) as usize);
                if mx < w && my < w && m[my * w + mx] {
                    buf[(y * size + x) as usize] = 0;
                }
            }
        }
    }
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&buf, size, size, image::ExtendedColorType::L8)
        .map_err(|e| QrError::Image(e.to_string()))?;
    Ok(out)
}

/// Decodes image bytes (PNG or JPEG) to 8-bit grey, up to [`MAX_PIXELS`].
pub fn load_grey(bytes: &[u8]) -> Result<image::GrayImage, QrError> {
    load_grey_within(bytes, MAX_PIXELS)
}

/// Decodes image bytes (PNG or JPEG) to 8-bit grey, refusing more than `max_pixels` before decoding and
/// bounding what the decoder may allocate (a small 16-bit RGBA PNG can inflate to hundreds of MB).
pub fn load_grey_within(bytes: &[u8], max_pixels: u64) -> Result<image::GrayImage, QrError> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| QrError::Image(e.to_string()))
    };
    let (w, h) = reader()?.into_dimensions().map_err(|e| QrError::Image(e.to_string()))?;
    let px = u64::from(w) * u64::from(h);
    if px > max_pixels {
        return Err(QrError::ImageTooLarge(px));
    }
    let mut limits = image::Limits::default();
    // Room for 8-bit RGBA of the allowed size; deeper images of that size are refused, not decoded.
    limits.max_alloc = Some(max_pixels.saturating_mul(4).saturating_add(1 << 20));
    let mut r = reader()?;
    r.limits(limits);
    let img = r.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => QrError::ImageTooLarge(px),
        e => QrError::Image(e.to_string()),
    })?;
    Ok(img.to_luma8())
}

/// Otsu's threshold over a histogram of grey levels.
fn otsu(pixels: &[u8]) -> u8 {
    let mut hist = [0u64; 256];
    for &p in pixels {
        hist[p as usize] += 1;
    }
    let total = pixels.len() as f64;
    let sum: f64 = hist.iter().enumerate().map(|(i, &c)| i as f64 * c as f64).sum();
    let (mut sum_b, mut w_b, mut best, mut best_t) = (0.0, 0.0, -1.0, 128u8);
    for (t, &c) in hist.iter().enumerate() {
        w_b += c as f64;
        if w_b == 0.0 {
            continue;
        }
        let w_f = total - w_b;
        if w_f == 0.0 {
            break;
        }
        sum_b += t as f64 * c as f64;
        let (m_b, m_f) = (sum_b / w_b, (sum - sum_b) / w_f);
        let between = w_b * w_f * (m_b - m_f) * (m_b - m_f);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// Downscales by an integer factor by keeping one pixel in `f` each way. Box averaging was
/// tried first: its grey module edges made rqrr miss finder patterns in 8 of 12 test photos,
/// where plain subsampling found all 12 (and costs nothing).
fn downscale(pixels: &[u8], w: usize, h: usize, f: usize) -> (Vec<u8>, usize, usize) {
    let (nw, nh) = (w / f, h / f);
    let mut out = Vec::with_capacity(nw * nh);
    for y in 0..nh {
        let row = &pixels[y * f * w..];
        out.extend((0..nw).map(|x| row[x * f]));
    }
    (out, nw, nh)
}

enum Attempt {
    Found(Vec<String>),
    Unreadable(String),
    None,
}

fn attempt(pixels: &[u8], w: usize, h: usize, t: u8) -> Attempt {
    let mut img = rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| pixels[y * w + x] <= t);
    let grids = img.detect_grids();
    if grids.is_empty() {
        return Attempt::None;
    }
    let mut texts: Vec<String> = Vec::new();
    let mut last_err = String::new();
    for g in &grids {
        match g.decode() {
            Ok((_, s)) => {
                if !texts.contains(&s) {
                    texts.push(s);
                }
            }
            Err(e) => last_err = e.to_string(),
        }
    }
    if texts.is_empty() { Attempt::Unreadable(last_err) } else { Attempt::Found(texts) }
}

/// Threshold bias towards white: JPEG blur and ink spread thicken dark modules, and a slightly
/// lower threshold keeps the white separators around the finder patterns open.
const WHITE_BIAS: u8 = 20;

/// One QR code found by rxing (ZXing's detector: finder and alignment patterns, no iterative
/// refinement; ~3x faster than rqrr on version 16-19 codes). Its text and corner points.
fn rxing_single(pixels: &[u8], w: usize, h: usize) -> Option<(String, Vec<(f32, f32)>)> {
    // A third-party decoder must not take the verifier down on a hostile image.
    std::panic::catch_unwind(|| {
        let mut hints = rxing::DecodeHints { TryHarder: Some(false), ..Default::default() };
        let r = rxing::helpers::detect_in_luma_slice_with_hints(
            pixels,
            w as u32,
            h as u32,
            Some(rxing::BarcodeFormat::QR_CODE),
            &mut hints,
        )
        .ok()?;
        let points = r.getPoints().iter().map(|p| (p.x, p.y)).collect();
        Some((r.getText().to_owned(), points))
    })
    .ok()
    .flatten()
}

/// Finds one code with rxing, then looks again with that code painted white: a second, different
/// code means the photo shows two certificates.
fn rxing_exactly_one(pixels: &[u8], w: usize, h: usize) -> Option<Result<String, QrError>> {
    let (text, points) = rxing_single(pixels, w, h)?;
    if points.len() < 3 {
        return Some(Ok(text));
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for (x, y) in &points {
        x0 = x0.min(*x);
        y0 = y0.min(*y);
        x1 = x1.max(*x);
        y1 = y1.max(*y);
    }
    // Points are pattern centres, 3.5 modules inside the symbol: widen by a margin.
    let m = 0.15 * (x1 - x0).max(y1 - y0);
    let clamp = |v: f32, hi: usize| (v.max(0.0) as usize).min(hi);
    let (x0, x1) = (clamp(x0 - m, w), clamp(x1 + m, w));
    let (y0, y1) = (clamp(y0 - m, h), clamp(y1 + m, h));
    let mut masked = pixels.to_vec();
    for row in masked.chunks_mut(w).take(y1).skip(y0) {
        row[x0..x1].fill(255);
    }
    match rxing_single(&masked, w, h) {
        Some((other, _)) if other != text => Some(Err(QrError::MultipleCodes(2))),
        _ => Some(Ok(text)),
    }
}

/// Finds exactly one QR code in a greyscale image and returns its text.
///
/// Attempts, cheapest first: rxing on a 2x (or more) subsampled copy, rxing at full size, then
/// rqrr (subsampled with Otsu's threshold, subsampled white-biased, full size both ways).
pub fn decode_grey(img: &image::GrayImage) -> Result<String, QrError> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w == 0 || h == 0 {
        return Err(QrError::NoCode);
    }
    let pixels = img.as_raw();
    let factor = (w.min(h) / 450).clamp(1, 3);
    let small = (factor > 1).then(|| downscale(pixels, w, h, factor));
    if let Some((s, sw, sh)) = &small
        && let Some(r) = rxing_exactly_one(s, *sw, *sh)
    {
        return r;
    }
    if let Some(r) = rxing_exactly_one(pixels, w, h) {
        return r;
    }
    let mut plans: Vec<(&[u8], usize, usize, u8)> = Vec::with_capacity(4);
    if let Some((s, sw, sh)) = &small {
        let t = otsu(s);
        plans.push((s, *sw, *sh, t));
        plans.push((s, *sw, *sh, t.saturating_sub(WHITE_BIAS)));
    }
    let t = otsu(pixels);
    plans.push((pixels, w, h, t));
    plans.push((pixels, w, h, t.saturating_sub(WHITE_BIAS)));
    let mut unreadable = None;
    for (p, pw, ph, t) in plans {
        match attempt(p, pw, ph, t) {
            Attempt::Found(texts) if texts.len() == 1 => {
                return Ok(texts.into_iter().next().unwrap_or_default());
            }
            Attempt::Found(texts) => return Err(QrError::MultipleCodes(texts.len())),
            Attempt::Unreadable(e) => unreadable = Some(e),
            Attempt::None => {}
        }
    }
    match unreadable {
        Some(e) => Err(QrError::Unreadable(e)),
        None => Err(QrError::NoCode),
    }
}

/// Finds exactly one QR code in PNG or JPEG bytes.
pub fn decode_image(bytes: &[u8]) -> Result<String, QrError> {
    decode_grey(&load_grey(bytes)?)
}

/// [`decode_image`] with a smaller pixel budget (camera frames, photos sent to a server).
pub fn decode_image_within(bytes: &[u8], max_pixels: u64) -> Result<String, QrError> {
    decode_grey(&load_grey_within(bytes, max_pixels)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "AQ1:NCFOXN%TSMAHN-HKTGX94G-ICWEXWPH9H9M9ESIARG4YK56C1FP8%V79FK$TF.HO$DK1JZZPQA3DP4OW631AX5QFAIT567U14Q69PM2Y69L6$T6W9EMWERF6Q";

    #[test]
    fn png_roundtrip_and_geometry() {
        let png = to_png(TEXT, 8).unwrap();
        let img = load_grey(&png).unwrap();
        let (_, w) = modules(TEXT).unwrap();
        assert_eq!(img.width(), (w as u32 + 8) * 8);
        // Quiet zone is white.
        assert!(img.as_raw()[..(img.width() * 32) as usize].iter().all(|&p| p == 255));
        assert_eq!(decode_image(&png).unwrap(), TEXT);
        let svg = to_svg(TEXT, 8).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains(&format!("width=\"{}\"", (w + 8) * 8)));
    }

    #[test]
    fn aq1_text_uses_alphanumeric_mode_at_ecc_q() {
        // A 598-character credential (ES256, status reference) fits version 19 in alphanumeric
        // mode; the same length forced into byte mode (lower case) needs a much larger code.
        let text = format!("AQ1:{}", "6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NH$RSC".repeat(12))[..598]
            .to_owned();
        let v = version(&text).unwrap();
        assert_eq!(v, 19);
        let byte_mode = version(&text.to_ascii_lowercase()).unwrap();
        assert!(byte_mode >= v + 4, "byte mode version {byte_mode}");
        assert_eq!(
            QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q).unwrap().error_correction_level(),
            EcLevel::Q
        );
    }

    #[test]
    fn no_code_and_two_codes() {
        let blank = image::GrayImage::from_pixel(300, 300, image::Luma([255]));
        assert_eq!(decode_grey(&blank), Err(QrError::NoCode));
        let a = load_grey(&to_png("AQ1:AAAA", 8).unwrap()).unwrap();
        let b = load_grey(&to_png("AQ1:BBBB", 8).unwrap()).unwrap();
        let mut both =
            image::GrayImage::from_pixel(a.width() + b.width(), a.height().max(b.height()), image::Luma([255]));
        image::imageops::overlay(&mut both, &a, 0, 0);
        image::imageops::overlay(&mut both, &b, i64::from(a.width()), 0);
        assert_eq!(decode_grey(&both), Err(QrError::MultipleCodes(2)));
        assert!(matches!(decode_image(b"not an image"), Err(QrError::Image(_))));
    }
}

#[cfg(test)]
mod photo_tests {
    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(32))]
        #[test]
        fn decode_image_never_panics(b in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
            let _ = super::decode_image(&b);
            // A valid PNG header followed by garbage.
            let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
            png.extend_from_slice(&b);
            let _ = super::decode_image(&png);
        }
        #[test]
        fn decode_grey_never_panics(w in 1u32..64, h in 1u32..64, seed in proptest::num::u8::ANY) {
            let img = image::GrayImage::from_fn(w, h, |x, y| if (x * 7 + y * 13 + u32::from(seed)) % 3 == 0 { image::Luma([0]) } else { image::Luma([255]) });
            let _ = super::decode_grey(&img);
        }
    }

    #[test]
    fn decodes_a_synthetic_1000px_jpeg_photo() {
        let text = format!("AQ1:{}", "6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NH$RSC9SX%5CNC".repeat(7));
        let photo = crate::testutil::synthetic_photo(&text, 1000, 8, 3);
        assert_eq!(super::decode_image(&photo).unwrap(), text);
    }
}
