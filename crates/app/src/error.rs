//! The errors a use case can end in. The web crate maps each to one HTTP status in one place.

use certguard_access::Denied;
use certguard_registry::{RuleViolation, TransitionError};
use certguard_store::StoreError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum AppError {
    #[error("permission denied: {0}")]
    Denied(#[from] Denied),
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("{0}")]
    Transition(#[from] TransitionError),
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("wrong username or password")]
    BadCredentials,
    #[error("storage failed: {0}")]
    Store(StoreError),
    /// Done in part, or not possible right now: try again later (e.g. a change not yet in the log).
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// A broken invariant of stored data (e.g. a log entry that does not match its tile).
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::NotFound(_) => AppError::NotFound,
            other => AppError::Store(other),
        }
    }
}

impl From<RuleViolation> for AppError {
    fn from(v: RuleViolation) -> Self {
        AppError::Invalid { field: v.field.to_string(), reason: v.reason }
    }
}

impl AppError {
    pub fn invalid(field: &str, reason: impl Into<String>) -> Self {
        AppError::Invalid { field: field.to_string(), reason: reason.into() }
    }
}
