//! Deterministic RNG for tests, benches and fuzzing (SHA-256 in counter mode). Not for keys in
//! production: callers pass a real CSPRNG there.

use sha2::{Digest, Sha256};
use std::convert::Infallible;

#[derive(Debug, Clone)]
pub struct TestRng {
    seed: u64,
    counter: u64,
    buf: [u8; 32],
    used: usize,
}

impl TestRng {
    pub fn new(seed: u64) -> Self {
        TestRng { seed, counter: 0, buf: [0; 32], used: 32 }
    }
    pub(crate) fn next_byte(&mut self) -> u8 {
        if self.used == 32 {
            let mut h = Sha256::new();
            h.update(self.seed.to_le_bytes());
            h.update(self.counter.to_le_bytes());
            self.buf = h.finalize().into();
            self.counter += 1;
            self.used = 0;
        }
        self.used += 1;
        self.buf[self.used - 1]
    }
}

impl rand_core::TryRng for TestRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for d in dst {
            *d = self.next_byte();
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for TestRng {}

/// A synthetic "photo" of a printed QR code: the code rendered at `px` pixels per module,
/// rotated slightly, placed on a `size` x `size` uneven grey background with noise and a
/// lighting gradient, JPEG-encoded at quality 85. Deterministic for a seed.
pub fn synthetic_photo(text: &str, size: u32, px: u32, seed: u64) -> Vec<u8> {
    use image::ImageEncoder;
    let (m, w) = crate::qr::modules(text).expect("text fits a QR code");
    let quiet = crate::qr::QUIET_ZONE as f64;
    let module = f64::from(px);
    let side = (w as f64 + 2.0 * quiet) * module;
    let (cx, cy) = (f64::from(size) / 2.0, f64::from(size) / 2.0);
    let angle: f64 = 0.05; // ~3 degrees
    let (sin, cos) = angle.sin_cos();
    let mut rng = TestRng::new(seed);
    let mut noise = || {
        use rand_core::Rng;
        (rng.next_u32() % 41) as i32 - 20
    };
    let mut buf = vec![0u8; (size * size) as usize];
    for y in 0..size {
        for x in 0..size {
            let (dx, dy) = (f64::from(x) - cx, f64::from(y) - cy);
            // Inverse-rotate into the code's frame.
            let (u, v) = (cos * dx + sin * dy + side / 2.0, -sin * dx + cos * dy + side / 2.0);
            let light = 150.0 + 60.0 * f64::from(x) / f64::from(size);
            let mut val = light;
            if u >= 0.0 && v >= 0.0 && u < side && v < side {
                val = light + 40.0; // paper
                let (mx, my) = ((u / module - quiet).floor(), (v / module - quiet).floor());
                if mx >= 0.0 && my >= 0.0 && (mx as usize) < w && (my as usize) < w && m[my as usize * w + mx as usize]
                {
                    val = 35.0 + light / 10.0;
                }
            }
            buf[(y * size + x) as usize] = (val as i32 + noise()).clamp(0, 255) as u8;
        }
    }
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .write_image(&buf, size, size, image::ExtendedColorType::L8)
        .expect("JPEG encoding to memory");
    out
}
