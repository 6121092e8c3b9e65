//! Leads for the analysts: domains seen in scanned QR codes.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A web address found in a scanned QR code: kept once per domain as a lead for the analysts, not in the
/// audit log (anonymous scans would otherwise push real events out of it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadSighting {
    pub domain: String,
    /// The address without its query or fragment (those may carry a victim's certificate number).
    pub url: String,
    /// official, look_alike or unknown
    pub verdict: String,
    pub score: i32,
    pub at: DateTime<Utc>,
}

/// A domain seen in scanned QR codes, with how often and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeadCandidate {
    pub domain: String,
    pub url: String,
    pub verdict: String,
    pub score: i32,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub sightings: i64,
}

/// Lead candidates from scanned QR codes.
#[async_trait]
pub trait LeadStore: Send + Sync {
    /// Records a sighting of a domain in a scanned QR (one row per domain; later sightings count and update).
    async fn record_lead_sighting(&self, sighting: &LeadSighting) -> StoreResult<()>;
    /// Lead candidates, most recently seen first.
    async fn lead_candidates(&self, limit: u32) -> StoreResult<Vec<LeadCandidate>>;
}
