//! Reading QR codes from uploaded pictures without letting uploads starve the server: decoding runs on the
//! blocking pool, at most one picture per core at a time, each within a pixel budget set by what the picture
//! is (a camera frame needs far fewer pixels than a photo).

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Pixels of a camera frame from the scanning page (it sends at most 1000 px on the long side).
pub const FRAME_MAX_PIXELS: u64 = 2_000_000;
/// Pixels of an uploaded photo (a 12-megapixel phone camera).
pub const PHOTO_MAX_PIXELS: u64 = 12_500_000;
/// Bytes of a camera frame body.
pub const FRAME_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Bytes of a photo body (the verify form, the API).
pub const PHOTO_MAX_BYTES: usize = 8 * 1024 * 1024;
/// How long a request waits for a decoding slot before it is told the server is busy.
const QUEUE_WAIT: Duration = Duration::from_secs(10);

pub struct Scanner {
    slots: Arc<Semaphore>,
}

pub enum ScanError {
    /// Every decoding slot stayed busy while the request waited.
    Busy,
    /// The picture held no readable code (or was refused before decoding); the text says why.
    Unreadable(String),
}

impl Default for Scanner {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Scanner { slots: Arc::new(Semaphore::new(cores)) }
    }
}

impl Scanner {
    /// Finds the one QR code in `bytes`, decoding at most `max_pixels`.
    pub async fn decode(&self, bytes: Vec<u8>, max_pixels: u64) -> Result<String, ScanError> {
        let permit = tokio::time::timeout(QUEUE_WAIT, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| ScanError::Busy)?
            .map_err(|_| ScanError::Busy)?;
        let result = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            certguard_credential::qr::decode_image_within(&bytes, max_pixels)
        })
        .await
        .map_err(|e| ScanError::Unreadable(format!("decoder stopped: {e}")))?;
        result.map_err(|e| ScanError::Unreadable(e.to_string()))
    }
}
