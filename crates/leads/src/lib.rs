//! Leads for the analysts, pure: what a lead is ([`Lead`], [`LeadKind`]), the key that makes a re-detection
//! update a lead instead of duplicating it ([`key`]), the analyst's workflow ([`LeadStatus`]) and the exports
//! other teams load ([`stix`], [`misp`]).
//!
//! No clock, no storage, no network: times come in with the detections, and the store keeps the leads.

pub mod key;
pub mod misp;
mod model;
pub mod stix;

pub use key::KeyError;
pub use model::{
    ContactKind, Detection, Evidence, Lead, LeadKind, LeadLink, LeadStatus, Reason, Relation, Span, TransitionError,
};
