//! Reading a multipart form into memory, with the body limit reported as its own error.

use axum::extract::Multipart;
use axum::http::StatusCode;
use std::collections::HashMap;

/// One form field: its file name (for file inputs) and bytes.
pub struct Part {
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
}

pub enum UploadError {
    /// Larger than the configured upload limit.
    TooLarge,
    /// Not a readable multipart body; the text says why.
    Malformed(String),
}

/// Reads every field (a later field of the same name replaces an earlier one).
pub async fn read_form(mut multipart: Multipart) -> Result<HashMap<String, Part>, UploadError> {
    let mut fields = HashMap::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => return Ok(fields),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(UploadError::TooLarge),
            Err(e) => return Err(UploadError::Malformed(e.body_text())),
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        match field.bytes().await {
            Ok(b) => {
                fields.insert(name, Part { file_name, bytes: b.to_vec() });
            }
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(UploadError::TooLarge),
            Err(e) => return Err(UploadError::Malformed(e.body_text())),
        }
    }
}

/// A field as text (lossy UTF-8), empty if absent.
pub fn text(fields: &HashMap<String, Part>, name: &str) -> String {
    fields.get(name).map(|p| String::from_utf8_lossy(&p.bytes).to_string()).unwrap_or_default()
}
