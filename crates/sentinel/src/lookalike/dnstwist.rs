//! dnstwist-compatible generation.
//!
//! Reproduces `dnstwist --format list SEED` of dnstwist 20250130 (installed without the optional `tld` package,
//! so that its built-in suffix split is used): the same fuzzers, the same tables (exported once from dnstwist into
//! `data/dnstwist_tables.json`, Apache-2.0, (c) Marcin Ulikowski), the same IDNA 2008 encoding and the same final
//! host-name filter. A name made by several fuzzers is attributed to the first in dnstwist's order, as dnstwist
//! does (its set keeps the first insertion). The code is ours; only the data tables come from dnstwist.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use super::Candidate;
use crate::Error;

#[derive(Debug, Deserialize)]
struct Tables {
    glyphs_unicode: BTreeMap<String, Vec<String>>,
    glyphs_ascii: BTreeMap<String, Vec<String>>,
    glyphs_idn_by_tld: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    latin_to_cyrillic: BTreeMap<String, String>,
    keyboards: Vec<BTreeMap<String, String>>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        serde_json::from_str(include_str!("../../data/dnstwist_tables.json")).expect("shipped tables parse")
    })
}

/// Extra inputs of dnstwist: `--dictionary FILE` words and `--tld FILE` suffixes (already filtered like dnstwist).
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Dictionary words (dnstwist's `dictionary` fuzzer).
    pub dictionary: Vec<String>,
    /// TLDs for the `tld-swap` fuzzer.
    pub tlds: Vec<String>,
}

/// Fuzzer names in dnstwist's order of insertion.
pub const FUZZERS: &[&str] = &[
    "*original",
    "addition",
    "bitsquatting",
    "cyrillic",
    "homoglyph",
    "hyphenation",
    "insertion",
    "omission",
    "plural",
    "repetition",
    "replacement",
    "subdomain",
    "transposition",
    "vowel-swap",
    "dictionary",
    "tld-swap",
    "various",
];

/// dnstwist's split of a host into (subdomain, domain, tld) without the `tld` package.
fn domain_tld(domain: &str) -> (String, String, String) {
    const CTLD: &[&str] = &["org", "com", "net", "gov", "edu", "co", "mil", "nom", "ac", "info", "biz", "ne"];
    // rsplit('.', 3)
    let mut parts: Vec<&str> = domain.rsplitn(4, '.').collect();
    parts.reverse();
    match parts.len() {
        1 => (String::new(), parts[0].to_string(), String::new()),
        2 => (String::new(), parts[0].to_string(), parts[1].to_string()),
        n => {
            if CTLD.contains(&parts[n - 2]) {
                (parts[..n - 3].join("."), parts[n - 3].to_string(), parts[n - 2..].join("."))
            } else {
                (parts[..n - 2].join("."), parts[n - 2].to_string(), parts[n - 1].to_string())
            }
        }
    }
}

type S = Vec<char>;

fn s(v: &[char]) -> String {
    v.iter().collect()
}

/// IDNA 2008 encoding of a whole name as the `idna` package does it (no UTS #46 mapping); `None` if refused.
fn idna2008_encode(name: &str) -> Option<String> {
    let mut out = String::with_capacity(name.len() + 8);
    for (i, label) in name.split('.').enumerate() {
        if label.is_empty() {
            return None;
        }
        // hyphen rules (RFC 5891 4.2.3.1), on characters
        let bad_hyphens = if label.is_ascii() {
            let b = label.as_bytes();
            b[0] == b'-' || b[b.len() - 1] == b'-' || (b.len() >= 4 && &b[2..4] == b"--")
        } else {
            let mut it = label.chars();
            label.starts_with('-') || label.ends_with('-') || (it.nth(2) == Some('-') && it.next() == Some('-'))
        };
        if bad_hyphens && !(label.is_ascii() && label.starts_with("xn--")) {
            return None;
        }
        if i > 0 {
            out.push('.');
        }
        let start = out.len();
        if label.is_ascii() {
            if !label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
                return None;
            }
            if let Some(rest) = label.strip_prefix("xn--") {
                if rest.is_empty() || rest.ends_with('-') {
                    return None;
                }
                let decoded = idna::punycode::decode_to_string(rest)?;
                if !decoded.chars().all(valid_codepoint) {
                    return None;
                }
            }
            out.push_str(label);
        } else {
            if !label.chars().all(valid_codepoint) || !unicode_normalization::is_nfc(label) {
                return None;
            }
            out.push_str("xn--");
            out.push_str(&idna::punycode::encode_str(label)?);
        }
        if out.len() - start > 63 {
            return None;
        }
    }
    if out.len() > 253 { None } else { Some(out) }
}

/// A code point the idna package accepts in our inputs: ASCII letters, digits and hyphen, or a lower-case
/// non-ASCII letter (all of dnstwist's glyphs are PVALID: checked by gen_dnstwist_tables.py) or a CJK ideograph.
fn valid_codepoint(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    }
    (c.is_alphabetic() && !c.is_uppercase()) || c.is_numeric() && !c.is_ascii()
}

/// dnstwist's VALID_FQDN_REGEX.
fn valid_fqdn(d: &str) -> bool {
    if d.len() < 4 || d.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = d.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let ok = |l: &str| l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    let (last, rest) = labels.split_last().expect("two labels");
    if !(2..=63).contains(&last.len()) || !ok(last) {
        return false;
    }
    rest.iter().all(|l| (1..=63).contains(&l.len()) && ok(l) && !l.starts_with('-') && !l.ends_with('-'))
}

struct Fuzz {
    sub: String,
    dom: S,
    tld: String,
}

impl Fuzz {
    fn bitsquatting(&self, out: &mut Vec<S>) {
        for (i, &c) in self.dom.iter().enumerate() {
            for mask in [1u32, 2, 4, 8, 16, 32, 64, 128] {
                if let Some(b) = char::from_u32(c as u32 ^ mask)
                    && (b.is_ascii_lowercase() || b.is_ascii_digit() || b == '-')
                {
                    let mut v = self.dom.clone();
                    v[i] = b;
                    out.push(v);
                }
            }
        }
    }

    fn cyrillic(&self, out: &mut Vec<S>) {
        let t = &tables().latin_to_cyrillic;
        let mut cd = Vec::with_capacity(self.dom.len());
        for &c in &self.dom {
            match t.get(c.to_string().as_str()).and_then(|s| s.chars().next()) {
                Some(x) => cd.push(x),
                None => return,
            }
        }
        out.push(cd);
    }

    /// dnstwist's merged glyph table for this TLD (ASCII glyphs plus the TLD's IDN table, or the Unicode table),
    /// built once per table and cached.
    fn glyphs(&self) -> &'static HashMap<S, Vec<S>> {
        type Glyphs = HashMap<S, Vec<S>>;
        static CACHE: OnceLock<(Glyphs, HashMap<String, Glyphs>)> = OnceLock::new();
        let (default, by_tld) = CACHE.get_or_init(|| {
            let t = tables();
            let merge = |uni: &BTreeMap<String, Vec<String>>| {
                let mut g: Glyphs = HashMap::default();
                for table in [&t.glyphs_ascii, uni] {
                    for (k, v) in table {
                        let e = g.entry(k.chars().collect()).or_default();
                        for x in v {
                            let x: S = x.chars().collect();
                            if !e.contains(&x) {
                                e.push(x);
                            }
                        }
                    }
                }
                g
            };
            let by_tld = t.glyphs_idn_by_tld.iter().map(|(tld, tab)| (tld.clone(), merge(tab))).collect();
            (merge(&t.glyphs_unicode), by_tld)
        });
        by_tld.get(&self.tld).unwrap_or(default)
    }

    /// dnstwist's `mix`: every single-glyph and two-character-window substitution. Candidates are built in one
    /// scratch buffer and copied only when new (most of the second round are duplicates).
    fn mix(d: &[char], glyphs: &HashMap<S, Vec<S>>, out: &mut HashSet<S>) {
        let mut buf: Vec<char> = Vec::with_capacity(d.len() + 4);
        let put = |buf: &Vec<char>, out: &mut HashSet<S>| {
            if !out.contains(buf.as_slice()) {
                out.insert(buf.clone());
            }
        };
        for i in 0..d.len() {
            if let Some(gs) = glyphs.get(&d[i..i + 1]) {
                for g in gs {
                    buf.clear();
                    buf.extend_from_slice(&d[..i]);
                    buf.extend_from_slice(g);
                    buf.extend_from_slice(&d[i + 1..]);
                    put(&buf, out);
                }
            }
        }
        for i in 0..d.len().saturating_sub(1) {
            let win = &d[i..i + 2];
            // Python's {win[0], win[1], win}: a set, so a doubled letter is one key
            let keys: [&[char]; 3] = [&win[..1], &win[1..], win];
            for (k, c) in keys.iter().enumerate() {
                if k == 1 && win[0] == win[1] {
                    continue;
                }
                if let Some(gs) = glyphs.get(*c) {
                    for g in gs {
                        buf.clear();
                        buf.extend_from_slice(&d[..i]);
                        replace_all_into(win, c, g, &mut buf);
                        buf.extend_from_slice(&d[i + 2..]);
                        put(&buf, out);
                    }
                }
            }
        }
    }

    fn homoglyph(&self, out: &mut Vec<S>) {
        let glyphs = self.glyphs();
        let mut r1 = HashSet::default();
        Self::mix(&self.dom, glyphs, &mut r1);
        let mut r2 = HashSet::default();
        for r in &r1 {
            Self::mix(r, glyphs, &mut r2);
        }
        out.extend(r1);
        out.extend(r2);
    }

    fn hyphenation(&self, out: &mut Vec<S>) {
        for i in 1..self.dom.len() {
            let mut v = self.dom[..i].to_vec();
            v.push('-');
            v.extend_from_slice(&self.dom[i..]);
            out.push(v);
        }
    }

    fn insertion(&self, out: &mut Vec<S>) {
        for i in 0..self.dom.len().saturating_sub(1) {
            let orig = self.dom[i];
            for kb in &tables().keyboards {
                if let Some(keys) = kb.get(orig.to_string().as_str()) {
                    for c in keys.chars() {
                        for pair in [[c, orig], [orig, c]] {
                            let mut v = self.dom[..i].to_vec();
                            v.extend(pair);
                            v.extend_from_slice(&self.dom[i + 1..]);
                            out.push(v);
                        }
                    }
                }
            }
        }
    }

    fn omission(&self, out: &mut Vec<S>) {
        for i in 0..self.dom.len() {
            let mut v = self.dom.clone();
            v.remove(i);
            out.push(v);
        }
    }

    fn repetition(&self, out: &mut Vec<S>) {
        for i in 0..self.dom.len() {
            let mut v = self.dom.clone();
            v.insert(i, self.dom[i]);
            out.push(v);
        }
    }

    fn replacement(&self, out: &mut Vec<S>) {
        for (i, &c) in self.dom.iter().enumerate() {
            for kb in &tables().keyboards {
                if let Some(keys) = kb.get(c.to_string().as_str()) {
                    for r in keys.chars() {
                        let mut v = self.dom.clone();
                        v[i] = r;
                        out.push(v);
                    }
                }
            }
        }
    }

    fn subdomain(&self, out: &mut Vec<S>) {
        let d = &self.dom;
        for i in 1..d.len().saturating_sub(1) {
            if !matches!(d[i], '-' | '.') && !matches!(d[i - 1], '-' | '.') {
                let mut v = d[..i].to_vec();
                v.push('.');
                v.extend_from_slice(&d[i..]);
                out.push(v);
            }
        }
    }

    fn transposition(&self, out: &mut Vec<S>) {
        for i in 0..self.dom.len().saturating_sub(1) {
            let mut v = self.dom.clone();
            v.swap(i, i + 1);
            out.push(v);
        }
    }

    fn vowel_swap(&self, out: &mut Vec<S>) {
        for i in 0..self.dom.len() {
            if "aeiou".contains(self.dom[i]) {
                for vowel in "aeiou".chars() {
                    let mut v = self.dom.clone();
                    v[i] = vowel;
                    out.push(v);
                }
            }
        }
    }

    fn plural(&self, out: &mut Vec<S>) {
        let d = &self.dom;
        for i in 2..d.len().saturating_sub(2) {
            let mut v = d[..=i].to_vec();
            if matches!(d[i], 's' | 'x' | 'z') {
                v.extend(['e', 's']);
            } else {
                v.push('s');
            }
            v.extend_from_slice(&d[i + 1..]);
            out.push(v);
        }
    }

    fn alnum() -> impl Iterator<Item = char> {
        ('0'..='9').chain('a'..='z')
    }

    fn addition(&self, out: &mut Vec<S>) {
        let d = s(&self.dom);
        if d.contains('-') {
            let parts: Vec<&str> = d.split('-').collect();
            for c in Self::alnum() {
                for p in 1..parts.len() {
                    out.push(format!("{}{}-{}", parts[..p].join("-"), c, parts[p..].join("-")).chars().collect());
                }
            }
        }
        for c in Self::alnum() {
            let mut v = self.dom.clone();
            v.push(c);
            out.push(v);
        }
    }

    fn dictionary(&self, words: &[String], out: &mut Vec<S>) {
        let d = s(&self.dom);
        for w in words {
            if !(d.starts_with(w.as_str()) && d.ends_with(w.as_str())) {
                for x in [format!("{d}-{w}"), format!("{d}{w}"), format!("{w}-{d}"), format!("{w}{d}")] {
                    out.push(x.chars().collect());
                }
            }
        }
        if d.contains('-') {
            let parts: Vec<&str> = d.split('-').collect();
            for w in words {
                out.push(format!("{}-{w}", parts[..parts.len() - 1].join("-")).chars().collect());
                out.push(format!("{w}-{}", parts[1..].join("-")).chars().collect());
            }
        }
    }

    fn join(&self, parts: &[&str]) -> String {
        parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(".")
    }
}

fn replace_all_into(hay: &[char], needle: &[char], with: &[char], out: &mut Vec<char>) {
    let mut i = 0;
    while i < hay.len() {
        if hay[i..].starts_with(needle) {
            out.extend_from_slice(with);
            i += needle.len();
        } else {
            out.push(hay[i]);
            i += 1;
        }
    }
}

/// Parses a seed as dnstwist's `UrlParser` does: optional scheme, host lower-cased and IDNA-encoded.
fn parse_seed(seed: &str) -> Result<String, Error> {
    let t = seed.trim();
    let host = t.split_once("://").map_or(t, |(_, r)| r);
    let host = host.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host = host.split(':').next().unwrap_or("").to_lowercase();
    let ascii = idna2008_encode(&host)
        .or_else(|| idna::domain_to_ascii(&host).ok())
        .ok_or_else(|| Error::InvalidDomain(format!("{seed:?}")))?;
    if !valid_fqdn(&ascii) {
        return Err(Error::InvalidDomain(format!("{seed:?}")));
    }
    Ok(ascii)
}

/// Generates dnstwist's set for `seed`, each name with the fuzzer dnstwist attributes it to.
pub fn generate(seed: &str, opts: &Options) -> Result<Vec<Candidate>, Error> {
    let ascii = parse_seed(seed)?;
    let (sub, dom, tld) = domain_tld(&ascii);
    let dom_u = if dom.contains("xn--") { idna::domain_to_unicode(&dom).0 } else { dom.clone() };
    let f = Fuzz { sub: sub.clone(), dom: dom_u.chars().collect(), tld: tld.clone() };
    let mut seen: HashSet<String> = HashSet::default();
    let mut out: Vec<Candidate> = Vec::new();
    let add = |name: String, fuzzer: &'static str, seen: &mut HashSet<String>, out: &mut Vec<Candidate>| {
        // dnstwist dedups on the Unicode name first, then punycodes, then filters.
        if seen.contains(&name) {
            return;
        }
        seen.insert(name.clone());
        if let Some(a) = idna2008_encode(&name)
            && valid_fqdn(&a)
        {
            out.push(Candidate::with_unicode(a, name, fuzzer));
        }
    };
    let dom_s = s(&f.dom);
    add(f.join(&[&sub, &dom_s, &tld]), "*original", &mut seen, &mut out);
    type Gen = fn(&Fuzz, &mut Vec<S>);
    let gens: [(&'static str, Gen); 13] = [
        ("addition", Fuzz::addition),
        ("bitsquatting", Fuzz::bitsquatting),
        ("cyrillic", Fuzz::cyrillic),
        ("homoglyph", Fuzz::homoglyph),
        ("hyphenation", Fuzz::hyphenation),
        ("insertion", Fuzz::insertion),
        ("omission", Fuzz::omission),
        ("plural", Fuzz::plural),
        ("repetition", Fuzz::repetition),
        ("replacement", Fuzz::replacement),
        ("subdomain", Fuzz::subdomain),
        ("transposition", Fuzz::transposition),
        ("vowel-swap", Fuzz::vowel_swap),
    ];
    let mut buf = Vec::new();
    for (name, g) in gens {
        buf.clear();
        g(&f, &mut buf);
        for d in &buf {
            add(f.join(&[&sub, &s(d), &tld]), name, &mut seen, &mut out);
        }
    }
    buf.clear();
    f.dictionary(&opts.dictionary, &mut buf);
    for d in &buf {
        add(f.join(&[&sub, &s(d), &tld]), "dictionary", &mut seen, &mut out);
    }
    for t in &opts.tlds {
        if *t != tld {
            add(f.join(&[&sub, &dom_s, t]), "tld-swap", &mut seen, &mut out);
        }
    }
    let mut various = Vec::new();
    if tld.contains('.') {
        let last = tld.rsplit('.').next().unwrap_or("");
        various.push(f.join(&[&sub, &dom_s, last]));
        various.push(f.join(&[&sub, &format!("{dom_s}{tld}")]));
    } else {
        various.push(f.join(&[&sub, &format!("{dom_s}{tld}"), &tld]));
    }
    if tld != "com" && !tld.contains('.') {
        various.push(f.join(&[&sub, &format!("{dom_s}-{tld}"), "com"]));
        various.push(f.join(&[&sub, &format!("{dom_s}{tld}"), "com"]));
    }
    if !sub.is_empty() {
        various.push(format!("{sub}{dom_s}.{tld}"));
        various.push(format!("{}{dom_s}.{tld}", sub.replace('.', "")));
        various.push(format!("{sub}-{dom_s}.{tld}"));
        various.push(format!("{}-{dom_s}.{tld}", sub.replace('.', "-")));
    }
    for v in various {
        add(v, "various", &mut seen, &mut out);
    }
    let _ = &f.sub;
    Ok(out)
}

/// Filters a dictionary file's lines as dnstwist does (`--dictionary`).
pub fn filter_dictionary(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text
        .to_lowercase()
        .lines()
        .filter(|x| {
            let ok = |l: &str| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            };
            match x.strip_prefix("xn--") {
                Some(r) => (3..=59).contains(&r.len()) && ok(r),
                None => ok(x),
            }
        })
        .map(str::to_string)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Filters a TLD file's lines as dnstwist does (`--tld`).
pub fn filter_tlds(text: &str) -> Vec<String> {
    let label = |l: &str| {
        (2..=63).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let mut v: Vec<String> = text
        .to_lowercase()
        .lines()
        .filter(|x| {
            let parts: Vec<&str> = x.split('.').collect();
            (parts.len() == 1 || parts.len() == 2) && parts.iter().all(|p| label(p))
        })
        .map(str::to_string)
        .collect();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnstwist_suffix_split() {
        let t = |d: &str| domain_tld(d);
        assert_eq!(t("mem.gov.cn"), ("".into(), "mem".into(), "gov.cn".into()));
        assert_eq!(t("cx.mem.gov.cn"), ("cx".into(), "mem".into(), "gov.cn".into()));
        assert_eq!(t("a.b.example.com"), ("a.b".into(), "example".into(), "com".into()));
        assert_eq!(t("osta.org.cn"), ("".into(), "osta".into(), "org.cn".into()));
    }

    #[test]
    fn idna2008_rules() {
        assert_eq!(idna2008_encode("应急管理部.com").as_deref(), Some("xn--extu8ah31brfhgw1a.com"));
        assert_eq!(idna2008_encode("ab--c.com"), None);
        assert_eq!(idna2008_encode("-ab.com"), None);
        assert_eq!(idna2008_encode("a_b.com"), None);
        assert!(valid_fqdn("ab.cn") && !valid_fqdn("a.c") && !valid_fqdn("-a.com"));
    }

    #[test]
    fn bad_seeds_are_errors() {
        for s in ["", "com", "a b.com", "xn--zz--.com", &"a".repeat(300)] {
            assert!(generate(s, &Options::default()).is_err(), "{s:?}");
        }
    }
}
