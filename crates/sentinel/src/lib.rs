//! # certguard-sentinel
//!
//! The detection core of certguard: it finds fake "certificate query" websites and the ads that sell fake
//! Chinese work-safety certificates.
//!
//! - [`profile`]: brand profiles (official domains, tokens, Chinese names, reference page) shipped as TOML data;
//! - [`domains`]: explainable scoring of a stream of domain names;
//! - [`lookalike`]: look-alike generation (dnstwist-compatible and China government modes);
//! - [`ads`] (with [`normalize`]): scanning of ad texts for fake-certificate offers;
//! - [`page`]: judging a fetched page against the profile's reference page; [`fetch`] fetches it safely;
//! - [`cli`]: clap argument structs and runners for the `certguard` binary.
//!
//! The core functions take strings and return values; only [`fetch`] and the [`cli`] runners do I/O.
//!
//! ```
//! use certguard_sentinel::{ads::AdScanner, domains::DomainScorer, profile::Profile};
//!
//! let scorer = DomainScorer::new(&Profile::default_profile());
//! let fake = scorer.score("cx.mem.gov.cn.zscx-query.top").unwrap();
//! assert!(fake.flagged);
//! let genuine = scorer.score("cx.mem.gov.cn").unwrap();
//! assert!(!genuine.flagged);
//!
//! let ads = AdScanner::new();
//! let ad = ads.scan("电工证 焊工证 免考包过 官网可查 加薇 zs8888");
//! assert!(ad.flagged);
//! assert_eq!(ad.contacts[0].value, "zs8888");
//! ```

pub mod ads;
pub mod cli;
pub mod domains;
mod error;
pub mod fetch;
pub mod gram_model;
pub mod lookalike;
pub mod normalize;
pub mod page;
pub mod profile;
mod suffix;

pub use error::Error;
