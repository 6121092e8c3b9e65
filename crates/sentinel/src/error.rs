use thiserror::Error;

/// Errors of the sentinel core.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// A profile's TOML is invalid.
    #[error("invalid profile: {0}")]
    Profile(String),
    /// No shipped profile has this name.
    #[error("unknown profile {0:?} (known: mem, samr, mohurd, osta)")]
    UnknownProfile(String),
    /// A domain name cannot be scored or used as a seed.
    #[error("invalid domain name: {0}")]
    InvalidDomain(String),
    /// Fetching a page failed.
    #[error("fetch failed: {0}")]
    Fetch(String),
}
