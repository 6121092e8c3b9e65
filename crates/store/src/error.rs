//! The one error type of storage: no backend's error type leaks out.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The record changed since it was read, or a unique value is taken.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// Stored data that no longer parses: a bug or manual tampering, never user input.
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// The database itself failed (connection, disk, constraint we did not expect).
    #[error("database: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;
