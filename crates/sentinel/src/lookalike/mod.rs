//! Look-alike domain generation.
//!
//! - [`dnstwist`]: a mode whose output equals dnstwist 20250130's for the same seed (same fuzzers, same
//!   labels, same set; checked against committed fixtures per fuzzer);
//! - [`china`]: the China government profile that dnstwist lacks (folded gov.cn, official name as prefix of
//!   another registrable domain, look-alike suffixes, pinyin tokens and initials, ASCII and Cyrillic homoglyphs,
//!   Chinese IDNs in simplified and traditional forms).
//!
//! Every [`Candidate`] carries its ASCII (punycode) and Unicode forms, its registrable domain and the fuzzer that
//! made it.

pub mod china;
pub mod dnstwist;

use serde::Serialize;

/// Which generator(s) to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// dnstwist-compatible set.
    Dnstwist,
    /// China government profile.
    China,
    /// Both (dnstwist first; a name keeps the first fuzzer that made it).
    All,
}

/// One generated name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Candidate {
    /// ASCII form (punycode for IDNs), as `--format list` prints it.
    pub domain: String,
    /// Unicode form.
    pub unicode: String,
    /// The punycode (ASCII) form; equal to `domain`, kept as its own field for consumers that expect it.
    pub punycode: String,
    /// Registrable domain by the public suffix list (ASCII); `None` if the name is itself a public suffix.
    pub registrable: Option<String>,
    /// The fuzzer that made it (dnstwist's names in dnstwist mode).
    pub fuzzer: &'static str,
}

impl Candidate {
    /// A candidate whose Unicode form is already known (no IDNA decoding).
    pub(crate) fn with_unicode(ascii: String, unicode: String, fuzzer: &'static str) -> Self {
        let registrable = psl::domain_str(&ascii).map(str::to_string);
        Candidate { punycode: ascii.clone(), domain: ascii, unicode, registrable, fuzzer }
    }

    pub(crate) fn new(ascii: String, fuzzer: &'static str) -> Self {
        let unicode = if ascii.contains("xn--") { idna::domain_to_unicode(&ascii).0 } else { ascii.clone() };
        let registrable = psl::domain_str(&ascii).map(str::to_string);
        Candidate { punycode: ascii.clone(), domain: ascii, unicode, registrable, fuzzer }
    }
}

/// Generates look-alikes of `seed` in the given mode. `profile` feeds the China generator.
pub fn generate(seed: &str, mode: Mode, profile: &crate::profile::Profile) -> Result<Vec<Candidate>, crate::Error> {
    match mode {
        Mode::Dnstwist => dnstwist::generate(seed, &dnstwist::Options::default()),
        Mode::China => china::generate(seed, profile),
        Mode::All => {
            let mut v = dnstwist::generate(seed, &dnstwist::Options::default())?;
            let mut seen: std::collections::HashSet<String> = v.iter().map(|c| c.domain.clone()).collect();
            for c in china::generate(seed, profile)? {
                if seen.insert(c.domain.clone()) {
                    v.push(c);
                }
            }
            Ok(v)
        }
    }
}
