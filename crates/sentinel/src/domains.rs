//! Explainable scoring of domain names (Certificate Transparency streams, new registrations, URLs in reports).
//!
//! Each name gets a score that is the sum of [`Reason`]s, each saying how many points it adds. A name is
//! `flagged` when its score reaches [`FLAG_THRESHOLD`] **and** at least one reason ties it to the brand (so that
//! a random high-entropy name on a cheap TLD is not reported as an impersonation of the MEM query service).
//! Names under an official registrable domain, and any `.gov.cn` / `.政务` name, are never flagged:
//! registration there is restricted to government bodies.
//!
//! Cost: O(length of the name) per name (one pass of two automata plus a few label comparisons).

use std::sync::Arc;

use crate::gram_model::{GramModel, TrainOptions, grams, named_features};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;

pub use crate::suffix::registrable_domain;
use crate::{Error, profile::Profile};

/// Score at which a name with a brand signal is flagged.
pub const FLAG_THRESHOLD: i32 = 60;
/// Longest input line accepted before any processing (bytes).
pub const MAX_INPUT_LEN: usize = 1024;

/// TLDs and suffixes commonly abused by the fake query sites (cheap, lax registries) and Chinese look-alike
/// suffixes that are not `.gov.cn`.
pub const SUSPICIOUS_SUFFIXES: &[&str] = &[
    "top", "xyz", "vip", "icu", "cc", "tk", "ml", "ga", "cf", "gq", "club", "work", "online", "site", "shop", "wang",
    "ltd", "live", "fun", "buzz", "cyou", "rest", "asia", "info", "pw", "win", "bid", "loan", "link", "store", "tech",
    "ink", "red", "kim", "xin", "ren", "cn.com", "com.cn", "net.cn", "org.cn",
];

/// Chinese look-alike suffixes for an official label (mem.cn, mem.com.cn ...).
const CHINA_SUFFIXES: &[&str] = &["cn", "com.cn", "net.cn", "org.cn", "cn.com", "com", "net", "org"];

/// One reason, with the points it adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// Machine-readable code, e.g. `official_domain_embedded`.
    pub code: &'static str,
    /// Points added to the score.
    pub points: i32,
    /// What matched.
    pub detail: String,
}

/// The verdict on one name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainScore {
    /// The name as given.
    pub domain: String,
    /// ASCII (punycode) form, lower case, without scheme, path, wildcard or trailing dot.
    pub ascii: String,
    /// Unicode form.
    pub unicode: String,
    /// Registrable domain (public suffix list), ASCII; `None` for a bare public suffix.
    pub registrable: Option<String>,
    /// Sum of the reasons' points.
    pub score: i32,
    /// Flagged as an impersonation of the profile's brand.
    pub flagged: bool,
    /// Under an official registrable domain or a government-only suffix.
    pub official: bool,
    /// Why, with points.
    pub reasons: Vec<Reason>,
}

/// Map of whole-script Cyrillic letters to the Latin letters they look like (UTS #39's skeleton leaves some of
/// them alone). Applied after the skeleton.
pub fn cyrillic_to_latin(c: char) -> Option<char> {
    Some(match c {
        'а' => 'a',
        'в' => 'b',
        'ь' => 'b',
        'с' => 'c',
        'ԁ' => 'd',
        'е' => 'e',
        'ё' => 'e',
        'ԍ' => 'g',
        'һ' => 'h',
        'н' => 'h',
        'і' => 'i',
        'ї' => 'i',
        'ј' => 'j',
        'к' => 'k',
        'ӏ' => 'l',
        'м' => 'm',
        'п' => 'n',
        'о' => 'o',
        'р' => 'p',
        'ԛ' => 'q',
        'г' => 'r',
        'ѕ' => 's',
        'т' => 't',
        'и' => 'u',
        'ц' => 'u',
        'ѵ' => 'v',
        'ԝ' => 'w',
        'ш' => 'w',
        'х' => 'x',
        'у' => 'y',
        'ў' => 'y',
        'з' => '3',
        'А' => 'a',
        'В' => 'b',
        'С' => 'c',
        'Е' => 'e',
        'Н' => 'h',
        'І' => 'i',
        'Ј' => 'j',
        'К' => 'k',
        'М' => 'm',
        'О' => 'o',
        'Р' => 'p',
        'Ѕ' => 's',
        'Т' => 't',
        'Х' => 'x',
        'У' => 'y',
        _ => return None,
    })
}

/// Lower-case confusable skeleton of a string: the Cyrillic table, then the UTS #39 skeleton, then lower case.
/// ASCII input takes a fast path with the same result for the ASCII confusables that matter (0->o, 1->l, rn->m,
/// nn->m, vv->w, cl->d).
pub fn skeleton(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i].to_ascii_lowercase();
            let next = b.get(i + 1).map(|c| c.to_ascii_lowercase());
            match (c, next) {
                (b'r', Some(b'n')) => {
                    out.push('m');
                    i += 2;
                    continue;
                }
                (b'v', Some(b'v')) => {
                    out.push('w');
                    i += 2;
                    continue;
                }
                (b'c', Some(b'l')) => {
                    out.push('d');
                    i += 2;
                    continue;
                }
                (b'n', Some(b'n')) => {
                    out.push('m');
                    i += 2;
                    continue;
                }
                _ => {}
            }
            // A 0 or 1 in a run of digits between letters is a homoglyph (mem-g0v, g00gle), and so is a lone 0
            // opening a word (0sta-org); a number at the start or end of a label (mem12350, czz01, 1hai) is a
            // number.
            let in_number = c.is_ascii_digit() && {
                let start = b[..i].iter().rposition(|d| !d.is_ascii_digit()).map_or(0, |p| p + 1);
                let end = b[i..].iter().position(|d| !d.is_ascii_digit()).map_or(b.len(), |p| i + p);
                let between_letters =
                    start > 0 && b[start - 1].is_ascii_alphabetic() && end < b.len() && b[end].is_ascii_alphabetic();
                let lone_zero_opening = c == b'0'
                    && end == start + 1
                    && (start == 0 || matches!(b[start - 1], b'.' | b'-' | b'_'))
                    && end < b.len()
                    && b[end].is_ascii_alphabetic();
                !(between_letters || lone_zero_opening)
            };
            out.push(match c {
                b'0' if !in_number => 'o',
                b'1' if !in_number => 'l',
                b'|' => 'l',
                other => other as char,
            });
            i += 1;
        }
        return out;
    }
    // Whole-script Cyrillic first (the skeleton maps e.g. 'м' to 'ʍ', not to 'm'), then the skeleton.
    let pre: String = s.chars().map(|c| cyrillic_to_latin(c).unwrap_or(c)).collect();
    for c in unicode_security::skeleton(&pre) {
        for l in c.to_lowercase() {
            out.push(match l {
                '0' => 'o',
                '1' | '|' => 'l',
                other => other,
            });
        }
    }
    // The skeleton writes "rn" for m-like glyphs: fold it as the ASCII path does.
    if out.contains("rn") || out.contains("vv") || out.contains("cl") || out.contains("nn") {
        out = out.replace("rn", "m").replace("vv", "w").replace("cl", "d").replace("nn", "m");
    }
    out
}

/// Shannon entropy in bits per character.
pub fn shannon_entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    let mut n = 0u32;
    for b in s.bytes() {
        counts[b as usize] += 1;
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = f64::from(n);
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// A name cleaned for scoring: ASCII and Unicode forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CleanName {
    /// Lower-case ASCII (punycode) form.
    pub ascii: String,
    /// Unicode form.
    pub unicode: String,
}

/// Cleans one input name: trims, strips a URL's scheme/user/port/path, a leading `*.` and a trailing dot,
/// converts with IDNA (UTS #46) and checks DNS lengths.
pub fn clean_name(input: &str) -> Result<CleanName, Error> {
    if input.len() > MAX_INPUT_LEN {
        return Err(Error::InvalidDomain(format!("input of {} bytes is too long", input.len())));
    }
    let mut s = input.trim();
    if let Some(p) = s.find("://") {
        s = &s[p + 3..];
    }
    if let Some(p) = s.find(['/', '?', '#']) {
        s = &s[..p];
    }
    if let Some(p) = s.rfind('@') {
        s = &s[p + 1..];
    }
    if let Some(p) = s.rfind(':')
        && s[p + 1..].bytes().all(|b| b.is_ascii_digit())
    {
        s = &s[..p];
    }
    let s = s.strip_prefix("*.").unwrap_or(s).trim_end_matches('.');
    if s.is_empty() {
        return Err(Error::InvalidDomain("empty name".into()));
    }
    let fast = s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !s.split('.').any(|l| l.len() >= 4 && l[..4].eq_ignore_ascii_case("xn--"));
    let (ascii, unicode) = if fast {
        let a = s.to_ascii_lowercase();
        (a.clone(), a)
    } else {
        let ascii =
            idna::domain_to_ascii(s).map_err(|_| Error::InvalidDomain(format!("IDNA conversion failed: {s:?}")))?;
        let (unicode, r) = idna::domain_to_unicode(&ascii);
        r.map_err(|_| Error::InvalidDomain(format!("invalid punycode: {s:?}")))?;
        if !ascii.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_') {
            return Err(Error::InvalidDomain(format!("characters not allowed in a host name: {s:?}")));
        }
        (ascii, unicode)
    };
    if ascii.len() > 253 {
        return Err(Error::InvalidDomain(format!("name of {} bytes exceeds 253", ascii.len())));
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(Error::InvalidDomain("empty label".into()));
        }
        if label.len() > 63 {
            return Err(Error::InvalidDomain(format!("label of {} bytes exceeds 63", label.len())));
        }
    }
    if !ascii.contains('.') {
        return Err(Error::InvalidDomain(format!("{ascii:?} has a single label")));
    }
    Ok(CleanName { ascii, unicode })
}

/// Scores domain names against one brand profile. Build once, score many (it is `Sync`).
#[derive(Debug, Clone)]
pub struct DomainScorer {
    /// The statistical half ([`crate::gram_model`]); `None` judges by the rules alone.
    model: Option<Arc<GramModel>>,
    official_hosts: Vec<String>,
    official_registrable: Vec<String>,
    /// Labels of the official registrable domains (e.g. `mem`).
    official_labels: Vec<String>,
    /// The first labels of the official hosts that are not such labels (`cx` of cx.mem.gov.cn).
    official_sub_labels: Vec<String>,
    /// Embedded forms: [official host, folded variants ...] -> (code, points).
    embedded: AhoCorasick,
    embedded_info: Vec<(&'static str, i32, String)>,
    /// Token matcher over the skeleton of the name (substrings for tokens >= 4 chars).
    tokens: AhoCorasick,
    token_info: Vec<(bool, String)>,
    /// Short tokens (< 4 chars) only count as whole tokens.
    short_tokens: rustc_hash::FxHashMap<String, bool>,
    suspicious: rustc_hash::FxHashSet<&'static str>,
    /// Tokens long enough for edit-distance comparison.
    long_tokens: Vec<String>,
    chinese: AhoCorasick,
    /// Brand names first (`chinese_brand_count` of them), then generic words.
    chinese_names: Vec<String>,
    chinese_brand_count: usize,
    /// Brand terms that name a field of work (应急, 安全生产): alone in a Chinese name they name nothing.
    chinese_broad: Vec<String>,
    certificate_words: Vec<&'static str>,
    /// Brand words that name a government office (yjglj, zhujianbu).
    office_words: Vec<String>,
    query_words: Vec<&'static str>,
    /// Every known word of any length (brand, generic, neutral, lawful), all overlapping matches: a label
    /// that reads as a sequence of them is split into words ([`DomainScorer::read_words`]).
    words: AhoCorasick,
    word_class: Vec<(WordClass, String)>,
}

/// What a known word says about a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordClass {
    /// Names the brand (tzzy, yjglj).
    Brand,
    /// Generic certificate or query word (zs, cx): counts next to a brand word.
    Generic,
    /// Says nothing (www, province names): only lets a label be read as words.
    Neutral,
    /// A training school's, employer's or shop's word (peixun, zhaopin): lowers the score.
    Lawful,
}

/// Neutral and lawful words shared by every profile (`data/domain_words.toml`).
#[derive(serde::Deserialize)]
struct DomainWords {
    neutral: Vec<String>,
    lawful: Vec<String>,
    certificate: Vec<String>,
    query: Vec<String>,
    seller: Vec<String>,
    hotlines: Vec<String>,
}

fn domain_words() -> &'static DomainWords {
    static WORDS: std::sync::OnceLock<DomainWords> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        toml::from_str(include_str!("../data/domain_words.toml")).expect("shipped domain words parse (tested)")
    })
}

impl DomainScorer {
    /// Builds a scorer for a profile. The scorer of every profile at once (the default of `scan domains`) has the
    /// model trained on the shipped labelled names; one narrowed to a single profile judges by its rules alone
    /// (the model learned what impersonates any authority, not which one).
    pub fn new(profile: &Profile) -> Self {
        let rules = Self::rules_only(profile);
        if profile.name == crate::profile::ALL_PROFILES { rules.with_model(shipped_domain_model()) } else { rules }
    }

    /// The same scorer judging with another model (for evaluation).
    pub fn with_model(mut self, model: Arc<GramModel>) -> Self {
        self.model = Some(model);
        self
    }

    /// The model's features of a name as the rules saw it (for training and evaluation); `None` for a name
    /// that cannot be read or is official.
    pub fn model_features(&self, input: &str) -> Option<Vec<u32>> {
        let r = self.score_rules(input).ok()?;
        (!r.official).then(|| named_features(&model_text(&r), &model_tags(&r)))
    }

    /// A scorer without its statistical half: the rules alone decide.
    pub fn rules_only(profile: &Profile) -> Self {
        let official_hosts = profile.official_domains.clone();
        let official_registrable = profile.official_registrable();
        let official_labels: Vec<String> =
            official_registrable.iter().filter_map(|r| r.split('.').next().map(str::to_string)).collect();
        let official_sub_labels: Vec<String> = official_hosts
            .iter()
            .filter_map(|h| h.split('.').next())
            .filter(|l| !official_labels.iter().any(|o| o == l))
            .map(str::to_string)
            .collect();
        let mut pats = Vec::new();
        let mut embedded_info = Vec::new();
        for h in &official_hosts {
            let h = &skeleton(h);
            pats.push(format!("{h}."));
            embedded_info.push(("official_domain_embedded", 80, h.clone()));
            pats.push(format!("{h}-"));
            embedded_info.push(("official_domain_embedded", 80, h.clone()));
            let parts: Vec<&str> = h.split('.').collect();
            for sep in ["-", "", "_"] {
                pats.push(parts.join(sep));
                embedded_info.push(("official_domain_folded", 70, h.clone()));
                // without the last suffix label: memgov, cx-mem-gov
                if parts.len() > 2 {
                    pats.push(parts[..parts.len() - 1].join(sep));
                    embedded_info.push(("official_domain_folded", 70, h.clone()));
                }
            }
            if parts.len() > 2 {
                pats.push(format!("{}.", parts[..parts.len() - 1].join(".")));
                embedded_info.push(("official_domain_embedded", 80, h.clone()));
            }
            // a subdomain folded with the official label, without any suffix: cxmem, cx-mem
            if let Some(reg) = psl::domain_str(h)
                && let Some(sub) = h.strip_suffix(reg).map(|x| x.trim_end_matches('.'))
                && !sub.is_empty()
            {
                let label = reg.split('.').next().unwrap_or(reg);
                for sep in ["", "-"] {
                    let fold = format!("{}{sep}{label}", sub.replace('.', sep));
                    if fold.len() >= 5 {
                        pats.push(fold);
                        embedded_info.push(("official_domain_folded", 70, h.clone()));
                    }
                }
            }
        }
        // gov.cn written out, or its look-alikes (qov.cn, gov.cm).
        for p in ["gov-cn", "govcn", "gov.cn.", "gov_cn", "gov.cn-", "qov.cn", "qov-cn", "gov.cm", "gouv.cn", "gove.cn"]
        {
            pats.push(p.to_string());
            embedded_info.push(("gov_cn_mimic", 30, p.trim_end_matches(['.', '-']).to_string()));
        }
        let embedded = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&pats)
            .expect("embedded patterns build");
        let mut token_pats = Vec::new();
        let mut token_info = Vec::new();
        let mut short_tokens = rustc_hash::FxHashMap::default();
        let mut long_tokens = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let (term_strong, term_weak) = profile.term_tokens();
        let strong_list: Vec<String> = profile.strong_tokens.iter().chain(&term_strong).cloned().collect();
        // A word strong for one term (or profile) is never also weak.
        let shared = domain_words();
        let mut weak_list: Vec<String> = Vec::new();
        for t in profile
            .weak_tokens
            .iter()
            .chain(&term_weak)
            .chain(&shared.certificate)
            .chain(&shared.query)
            .chain(&shared.seller)
        {
            if !strong_list.contains(t) && !weak_list.contains(t) {
                weak_list.push(t.clone());
            }
        }
        let mut word_pats: Vec<String> = Vec::new();
        let mut word_class = Vec::new();
        {
            let mut add = |w: &str, class: WordClass| {
                if !w.is_empty() && !word_pats.iter().any(|p| p == w) {
                    word_pats.push(w.to_string());
                    word_class.push((class, w.to_string()));
                }
            };
            strong_list.iter().for_each(|w| add(w, WordClass::Brand));
            weak_list.iter().for_each(|w| add(w, WordClass::Generic));
            shared.lawful.iter().for_each(|w| add(w, WordClass::Lawful));
            shared.neutral.iter().for_each(|w| add(w, WordClass::Neutral));
        }
        let words =
            AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(&word_pats).expect("word patterns build");
        for (strong, list) in [(true, &strong_list), (false, &weak_list)] {
            for t in list {
                if !seen.insert(t.clone()) {
                    continue;
                }
                if t.len() >= 4 {
                    token_pats.push(t.clone());
                    token_info.push((strong, t.clone()));
                    // Typo-squatting targets are the listed brand words, not the spelled-out initials of
                    // terms (tzzyry is no word anyone mistypes; tzzyy is a coincidence).
                    if strong && t.len() >= 5 && profile.strong_tokens.contains(t) {
                        long_tokens.push(t.clone());
                    }
                } else {
                    short_tokens.insert(t.clone(), strong);
                }
            }
        }
        let tokens = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&token_pats)
            .expect("token patterns build");
        let mut chinese_names: Vec<String> = profile
            .chinese_names
            .iter()
            .chain(&profile.traditional_names)
            .chain(profile.terms.iter().filter(|t| !t.weak).map(|t| &t.zh))
            .cloned()
            .collect();
        // A broad term with its office (应急局, 应急部) is the authority's name.
        let chinese_broad: Vec<String> = profile.terms.iter().filter(|t| t.broad).map(|t| t.zh.clone()).collect();
        for t in profile.terms.iter().filter(|t| t.broad) {
            chinese_names.extend(
                t.suffixes.iter().filter_map(|x| crate::profile::office_hanzi(x)).map(|h| format!("{}{h}", t.zh)),
            );
        }
        chinese_names.sort();
        chinese_names.dedup();
        // Generic Chinese words (证书, 查询) in an IDN count as generic words.
        let mut chinese_generic: Vec<String> =
            profile.terms.iter().filter(|t| t.weak && !chinese_names.contains(&t.zh)).map(|t| t.zh.clone()).collect();
        chinese_generic.sort();
        chinese_generic.dedup();
        let chinese_count = chinese_names.len();
        chinese_names.extend(chinese_generic);
        let chinese = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&chinese_names)
            .expect("chinese names build");
        Self {
            model: None,
            official_hosts,
            official_registrable,
            official_sub_labels,
            official_labels,
            embedded,
            embedded_info,
            tokens,
            token_info,
            short_tokens,
            suspicious: SUSPICIOUS_SUFFIXES.iter().copied().collect(),
            long_tokens,
            chinese,
            chinese_names,
            chinese_brand_count: chinese_count,
            chinese_broad,
            certificate_words: shared.certificate.iter().map(String::as_str).collect(),
            office_words: profile.office_forms(),
            query_words: shared.query.iter().map(String::as_str).collect(),
            words,
            word_class,
        }
    }

    /// Reads each letter run of `skel` (split at dots, dashes, underscores and digits) that is a sequence of
    /// known words as those words, choosing the reading with the most brand words, then the fewest words:
    /// `qgtzzycx` is qg + tzzy + cx. Runs that do not read as known words give nothing (a brand token inside
    /// them is still found by the substring matcher). Cost: one automaton pass plus O(matches).
    fn read_words(&self, skel: &str) -> Vec<(WordClass, &str)> {
        let bytes = skel.as_bytes();
        let mut matches: Vec<(usize, usize, usize)> =
            self.words.find_overlapping_iter(skel).map(|m| (m.start(), m.end(), m.pattern().as_usize())).collect();
        if matches.is_empty() {
            return Vec::new();
        }
        matches.sort_unstable_by_key(|&(start, end, _)| (end, start));
        let mut out = Vec::new();
        let mut run_start = 0;
        for i in 0..=bytes.len() {
            if i < bytes.len() && bytes[i].is_ascii_lowercase() {
                continue;
            }
            if i > run_start {
                self.read_run(run_start, i, &matches, &mut out);
            }
            run_start = i + 1;
        }
        out
    }

    /// Whether a run of letters reads entirely as known words.
    fn reads_as_words(&self, run: &str) -> bool {
        !self.read_words(run).is_empty()
    }

    fn read_run<'a>(
        &'a self,
        a: usize,
        b: usize,
        matches: &[(usize, usize, usize)],
        out: &mut Vec<(WordClass, &'a str)>,
    ) {
        // best[k]: the best reading of skel[a..a+k] as (brand words, -words, last word), if any.
        let n = b - a;
        let mut best: Vec<Option<(i32, i32, usize, usize)>> = vec![None; n + 1];
        best[0] = Some((0, 0, usize::MAX, 0));
        for &(start, end, id) in matches.iter().filter(|(s, e, _)| *s >= a && *e <= b) {
            let Some((brand, neg_words, _, _)) = best[start - a] else { continue };
            let candidate =
                (brand + i32::from(self.word_class[id].0 == WordClass::Brand), neg_words - 1, id, start - a);
            if best[end - a].is_none_or(|cur| (candidate.0, candidate.1) > (cur.0, cur.1)) {
                best[end - a] = Some(candidate);
            }
        }
        let mut k = n;
        let first = out.len();
        while k > 0 {
            let Some((_, _, id, from)) = best[k] else {
                out.truncate(first);
                return;
            };
            let (class, word) = &self.word_class[id];
            out.push((*class, word.as_str()));
            k = from;
        }
        out[first..].reverse();
    }

    /// Scores one name (as given: a host, a URL, a wildcard or an IDN in Unicode or punycode): the rules, then
    /// the model. An official name is never flagged. The model flags a name the rules did not when it is
    /// confident and the rules found something in it (a known word, a suspicious suffix ...); the threshold
    /// comes from leave-one-file-out evaluation (`examples/domain_model_cv.rs`). It never clears a rules' flag:
    /// on that evaluation clearing removed no false positive.
    pub fn score(&self, input: &str) -> Result<DomainScore, Error> {
        let mut r = self.score_rules(input)?;
        let Some(model) = &self.model else { return Ok(r) };
        // The model weighs names in which the rules found a word of the brand, a query service, an official
        // name or a look-alike of one; a name that is only odd in shape (dashes, a cheap suffix) is no
        // impersonation of anything.
        if r.official || r.flagged || !r.reasons.iter().any(|x| !SHAPE_REASONS.contains(&x.code)) {
            return Ok(r);
        }
        let text = model_text(&r);
        let logit = model.logit_named(&text, &model_tags(&r));
        if logit >= DOMAIN_MODEL_FLAG_LOGIT {
            let detail = model_detail(model, &text, logit);
            r.flagged = true;
            r.reasons.push(Reason { code: "model", points: 0, detail });
        }
        Ok(r)
    }

    /// The rules' verdict on one name.
    fn score_rules(&self, input: &str) -> Result<DomainScore, Error> {
        let clean = clean_name(input)?;
        // One public-suffix lookup; the registrable domain is the label in front of the suffix plus the suffix.
        let suffix = psl::suffix_str(&clean.ascii).unwrap_or("");
        let registrable = clean
            .ascii
            .len()
            .checked_sub(suffix.len() + 1)
            .filter(|&n| n > 0 && clean.ascii.as_bytes()[n] == b'.')
            .map(|n| {
                let head = &clean.ascii[..n];
                let label = head.rsplit('.').next().unwrap_or(head);
                format!("{label}.{suffix}")
            });
        let mut reasons = Vec::new();
        let official = match &registrable {
            Some(r) => self.official_registrable.iter().any(|o| o == r) || is_government_suffix(suffix),
            None => is_government_suffix(suffix) || self.official_hosts.contains(&clean.ascii),
        };
        if official {
            let why = if is_government_suffix(suffix) {
                format!("under the government-only suffix .{suffix}")
            } else {
                "under an official registrable domain".to_string()
            };
            reasons.push(Reason { code: "official", points: 0, detail: why });
            return Ok(DomainScore {
                domain: input.to_string(),
                ascii: clean.ascii,
                unicode: clean.unicode,
                registrable,
                score: 0,
                flagged: false,
                official: true,
                reasons,
            });
        }
        let mut brand = false;
        // The part in front of the public suffix: where impersonation happens.
        let head_ascii = clean.ascii.strip_suffix(suffix).unwrap_or(&clean.ascii).trim_end_matches('.');
        let head_unicode: &str = if clean.unicode == clean.ascii {
            head_ascii
        } else {
            // drop as many labels as the suffix has (an IDN suffix has another length in Unicode)
            let k = suffix.split('.').count();
            let mut end = clean.unicode.len();
            for _ in 0..k {
                end = clean.unicode[..end].rfind('.').unwrap_or(0);
            }
            &clean.unicode[..end]
        };

        // 1. An official domain embedded or folded into the name.
        let mut best_embedded: Option<(&'static str, i32, &str)> = None;
        let mut gov_mimic = false;
        // One skeleton of the part in front of the suffix; the suffix itself is kept as it is.
        let skel = if clean.ascii == clean.unicode { skeleton(head_ascii) } else { skeleton(head_unicode) };
        let full_skel = format!("{skel}.{suffix}");
        for m in self.embedded.find_iter(&full_skel) {
            let (code, pts, ref what) = self.embedded_info[m.pattern().as_usize()];
            if code == "gov_cn_mimic" {
                gov_mimic = true;
                continue;
            }
            if best_embedded.is_none_or(|b| b.1 < pts) {
                best_embedded = Some((code, pts, what));
            }
        }
        if let Some((code, pts, what)) = best_embedded {
            reasons.push(Reason { code, points: pts, detail: what.to_string() });
            brand = true;
        } else if gov_mimic {
            reasons.push(Reason {
                code: "gov_cn_mimic",
                points: 30,
                detail: "gov.cn written into a non-government name".into(),
            });
        }

        // 2. Labels: skeleton equal to an official label, or one edit away from a long token.
        let mut homoglyph_done = false;
        let mut edit_done = false;
        let reg_label = registrable.as_deref().and_then(|r| r.split('.').next()).unwrap_or("");
        for (raw, sk) in head_ascii.split('.').zip(skel.split('.')) {
            let raw_lc = raw;
            for off in &self.official_labels {
                if sk == off && raw_lc != off.as_str() && !homoglyph_done {
                    reasons.push(Reason {
                        code: "homoglyph_of_official",
                        points: 60,
                        detail: format!("{raw} looks like {off}"),
                    });
                    homoglyph_done = true;
                    brand = true;
                }
            }
            if !edit_done && sk.len() >= 5 {
                for t in self.long_tokens.iter().chain(&self.official_labels) {
                    if t.len() >= 5
                        && sk.len().abs_diff(t.len()) <= 1
                        && may_be_one_edit_apart(sk, t)
                        && !sk.contains(t.as_str())
                        && one_edit_apart(sk, t)
                    {
                        reasons.push(Reason {
                            code: "edit_distance",
                            points: 40,
                            detail: format!("{raw} is one edit from {t}"),
                        });
                        edit_done = true;
                        brand = true;
                        break;
                    }
                }
            }
        }
        // A short label one edit from an official label (mcm, nem) says little alone, but next to a written-out
        // gov.cn it is the brand: mcm-gov-cn.com.
        if gov_mimic && best_embedded.is_none() && !homoglyph_done {
            let first = reg_label.split('-').next().unwrap_or(reg_label);
            let first_skel = skeleton(first);
            if let Some(off) = self.official_labels.iter().find(|o| one_edit_apart(&first_skel, o)) {
                reasons.push(Reason {
                    code: "near_official_label",
                    points: 30,
                    detail: format!("{first} is one edit from {off}"),
                });
                brand = true;
            }
        }
        // The official label on another suffix (mem.cn, mem.com.cn, mem.cn.com ...).
        if self.official_labels.iter().any(|l| l == reg_label) {
            let pts = if CHINA_SUFFIXES.contains(&suffix) { 60 } else { 45 };
            reasons.push(Reason {
                code: "official_label_other_suffix",
                points: pts,
                detail: format!("{reg_label}.{suffix}"),
            });
            brand = true;
        }

        // 3. Chinese words in an IDN: brand names (应急管理, 电工证) and generic words (证书, 查询).
        let mut chinese_brand: Vec<&str> = Vec::new();
        let mut chinese_generic: Vec<&str> = Vec::new();
        if clean.unicode != clean.ascii {
            for m in self.chinese.find_iter(&clean.unicode) {
                let id = m.pattern().as_usize();
                let n = self.chinese_names[id].as_str();
                let list = if id < self.chinese_brand_count { &mut chinese_brand } else { &mut chinese_generic };
                if !list.contains(&n) {
                    list.push(n);
                }
            }
            // A field of work alone (应急物资, 安全生产月) is a shop or a campaign, not the authority; beside a
            // certificate (特种设备作业证) it is the certificate's name.
            let only_broad = chinese_generic.is_empty()
                && !head_unicode.contains('证')
                && chinese_brand.iter().all(|n| self.chinese_broad.iter().any(|b| b == n));
            if !chinese_brand.is_empty() && !only_broad {
                let pts = 60 + 15 * (chinese_brand.len() as i32 - 1).min(2);
                reasons.push(Reason { code: "chinese_official_name", points: pts, detail: chinese_brand.join(",") });
                brand = true;
            }
            // Mixed scripts in one label (Latin with Cyrillic or Greek).
            for label in head_unicode.split('.') {
                let latin = label.chars().any(|c| c.is_ascii_alphabetic());
                let other = label.chars().any(|c| matches!(c as u32, 0x0370..=0x052F));
                if latin && other {
                    reasons.push(Reason { code: "mixed_script", points: 30, detail: label.to_string() });
                    break;
                }
            }
        }

        // 4. Brand and generic words in the skeleton.
        let mut strong = Vec::new();
        let mut weak = chinese_generic;
        for m in self.tokens.find_iter(&skel) {
            let (is_strong, ref t) = self.token_info[m.pattern().as_usize()];
            let list = if is_strong { &mut strong } else { &mut weak };
            if !list.contains(&t.as_str()) {
                list.push(t.as_str());
            }
        }
        for tok in skel.split(['.', '-', '_']).flat_map(split_digits) {
            if tok.len() < 4
                && let Some((t, is_strong)) = self.short_tokens.get_key_value(tok)
            {
                let list = if *is_strong { &mut strong } else { &mut weak };
                if !list.contains(&t.as_str()) {
                    list.push(t.as_str());
                }
            }
        }
        // Labels that read as known words: their short words count too (qgtzzycx, zjbzscx, yjglj).
        let mut lawful: Vec<&str> = Vec::new();
        for (class, word) in self.read_words(&skel) {
            let list = match class {
                WordClass::Brand => &mut strong,
                WordClass::Generic => &mut weak,
                WordClass::Lawful => &mut lawful,
                WordClass::Neutral => continue,
            };
            if !list.contains(&word) {
                list.push(word);
            }
        }
        // A word inside a longer word of its kind counts once (yjgl inside yjglj, cx inside zscx).
        for list in [&mut strong, &mut weak] {
            let all = list.clone();
            list.retain(|t| !all.iter().any(|o| o.len() > t.len() && o.contains(t)));
        }
        // An official label already counted above is not counted again as a token.
        strong.retain(|t| !(self.official_labels.iter().any(|l| l == t) && reg_label == *t));
        if !strong.is_empty() {
            let pts = 30 + 30 * (strong.len() as i32 - 1).min(2);
            reasons.push(Reason { code: "brand_token", points: pts, detail: strong.join(",") });
            brand = true;
            if let Some(office) = strong.iter().find(|w| self.office_words.iter().any(|o| o == *w)) {
                reasons.push(Reason { code: "government_office_named", points: 30, detail: office.to_string() });
            }
        }
        if !weak.is_empty() {
            let pts = (10 * weak.len() as i32).min(30);
            reasons.push(Reason { code: "generic_token", points: pts, detail: weak.join(",") });
        }
        if !strong.is_empty() && !weak.is_empty() {
            reasons.push(Reason {
                code: "token_combination",
                points: 25,
                detail: format!("{} + {}", strong[0], weak[0]),
            });
        }
        // A query word with a certificate word or a claim to be government (zhengshu-chaxun, zscx-gov) names a
        // certificate query service: only the authorities run one, whichever authority it copies.
        let hotline = skel
            .split(|c: char| !c.is_ascii_digit())
            .find(|d| domain_words().hotlines.iter().any(|h| h == d))
            .map(str::to_string);
        let gov_claim = gov_mimic || weak.contains(&"gov") || hotline.is_some();
        let query = weak.iter().find(|w| self.query_words.contains(w) || w.contains("cx") || w.contains("chaxun"));
        // (zscx and zhengshuchaxun are both words at once.)
        let certificate = weak.iter().find(|w| self.certificate_words.contains(w));
        if let Some(q) = query
            && (certificate.is_some() || gov_claim)
        {
            let with = certificate.copied().unwrap_or("gov");
            reasons.push(Reason { code: "query_service_named", points: 25, detail: format!("{with} + {q}") });
            if gov_claim {
                reasons.push(Reason {
                    code: "government_query_claimed",
                    points: 15,
                    detail: "a query service that calls itself gov".into(),
                });
            }
            brand = true;
        }
        // A label one edit from an official label (nem, meem, osat, sanr) next to a government claim or an
        // official host's own sub-label (cx, cnse, zscx): cx.nem.gov.cn.top.
        if !homoglyph_done && !edit_done && best_embedded.is_none() {
            let pieces = || skel.split(['.', '-', '_']);
            if gov_claim || pieces().any(|p| self.official_sub_labels.iter().any(|l| l == p)) {
                let near = pieces().find_map(|p| {
                    self.official_labels.iter().find(|o| o.len() >= 3 && one_edit_apart(p, o)).map(|o| (p, o))
                });
                if let Some((p, o)) = near
                    && !reasons.iter().any(|r| r.code == "near_official_label")
                {
                    reasons.push(Reason {
                        code: "near_official_label",
                        points: 40,
                        detail: format!("{p} is one edit from {o}"),
                    });
                    brand = true;
                }
            }
        }
        // The site's own name is nothing but brand or query words (with places, digits or generic words):
        // tzzy.kim, chengdu-tzzy.com, diangongzheng.com, zscx.shop. Such a name says what the site is for.
        if lawful.is_empty() && (!strong.is_empty() || query.is_some()) && !reg_label.starts_with("xn--") {
            let label_skel = skeleton(reg_label);
            let pieces: Vec<&str> =
                label_skel.split(['-', '_']).flat_map(split_digits).filter(|p| !p.is_empty()).collect();
            let read = !pieces.is_empty()
                && pieces.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()) || self.reads_as_words(p));
            // What the name must say: a certificate query (zscx), a certificate spelled out in full
            // (diangongzheng, caozuozheng), or any brand word on a cheap gTLD (tzzy.top). Bare initials on
            // an ordinary suffix (aqsc.cn, sdczz.com) are too often an organisation's own.
            let cheap_gtld = self.suspicious.contains(suffix) && !suffix.contains('.') && suffix != "asia";
            let shared = domain_words();
            let seller =
                pieces.iter().any(|p| self.read_words(p).iter().any(|(_, w)| shared.seller.iter().any(|s| s == w)));
            let names_brand = pieces.iter().any(|p| {
                self.read_words(p).iter().any(|(c, w)| {
                    self.query_words.contains(w)
                        || (*c == WordClass::Brand
                            && (cheap_gtld || seller || hotline.is_some() || (w.len() >= 8 && w.ends_with("zheng"))))
                })
            });
            let restricted = suffix.ends_with("edu.cn") || suffix.ends_with("ac.cn");
            if read && names_brand && !restricted {
                reasons.push(Reason {
                    code: "brand_named_site",
                    points: 30,
                    detail: format!("{reg_label} is made of brand words"),
                });
                brand = true;
            }
        }
        if !lawful.is_empty() {
            reasons.push(Reason { code: "lawful_word", points: -25, detail: lawful.join(",") });
        }

        // 5. Weak structural signals.
        if self.suspicious.contains(suffix) {
            reasons.push(Reason { code: "suspicious_tld", points: 15, detail: suffix.to_string() });
        }
        // Entropy of punycode says nothing about the name: only ASCII labels.
        let h = if reg_label.starts_with("xn--") { 0.0 } else { shannon_entropy(reg_label) };
        if h > 3.3 {
            let pts = (((h - 3.3) * 10.0).round() as i32).clamp(1, 10);
            reasons.push(Reason { code: "entropy", points: pts, detail: format!("{h:.2} bits/char") });
        }
        let (mut dashes, mut dots) = (0usize, 0usize);
        for b in head_ascii.bytes() {
            dashes += usize::from(b == b'-');
            dots += usize::from(b == b'.');
        }
        let dashes = dashes - head_ascii.matches("xn--").count() * 2;
        if dashes >= 3 {
            reasons.push(Reason {
                code: "many_dashes",
                points: (3 * dashes as i32).min(15),
                detail: format!("{dashes} dashes"),
            });
        }
        if dots >= 3 {
            reasons.push(Reason {
                code: "many_labels",
                points: (3 * dots as i32).min(15),
                detail: format!("{} labels before the suffix", dots + 1),
            });
        }

        let score: i32 = reasons.iter().map(|r| r.points).sum();
        Ok(DomainScore {
            domain: input.to_string(),
            ascii: clean.ascii,
            unicode: clean.unicode,
            registrable,
            score,
            flagged: brand && score >= FLAG_THRESHOLD,
            official: false,
            reasons,
        })
    }
}

/// Reasons about a name's shape alone: not enough for the model to weigh it.
const SHAPE_REASONS: &[&str] = &["suspicious_tld", "entropy", "many_dashes", "many_labels", "lawful_word"];

/// Log-odds at and above which the model flags a name the rules found something in but did not flag.
pub const DOMAIN_MODEL_FLAG_LOGIT: f32 = 1.5;

/// The text the model reads: the name in Unicode, lower case (its n-grams span the dots and dashes).
fn model_text(r: &DomainScore) -> std::borrow::Cow<'_, str> {
    if r.unicode.bytes().any(|b| b.is_ascii_uppercase()) || !r.unicode.is_ascii() {
        std::borrow::Cow::Owned(r.unicode.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(&r.unicode)
    }
}

/// The rules' findings as named tags for the model: each reason's code and whether the rules flagged.
fn model_tags(r: &DomainScore) -> Vec<&'static str> {
    let mut t: Vec<&'static str> = r.reasons.iter().map(|x| x.code).collect();
    if r.flagged {
        t.push("flagged_by_rules");
    }
    t
}

/// Why the model decided: its log-odds and the runs of the name that weighed most that way.
fn model_detail(model: &GramModel, text: &str, logit: f32) -> String {
    let mut top: Vec<(f32, usize, usize)> = Vec::new();
    grams(text, |g| {
        let w = model.weight(g.bucket);
        if w > 0.0 && g.end - g.start >= 2 {
            top.push((w.abs(), g.start, g.end));
        }
    });
    top.sort_by(|a, b| b.0.total_cmp(&a.0));
    let runs: Vec<&str> = top.iter().take(4).map(|&(_, a, b)| &text[a..b]).collect();
    format!("统计模型判定为仿冒 (the model: named like impersonations); log-odds {logit:.2}; {}", runs.join(", "))
}

/// The labelled names the shipped domain model learns from: the tuning files and the blind batches already
/// measured (batch-9 and later stay out: they judge the model).
pub const DOMAIN_TRAINING_FILES: &[(&str, &str)] = &[
    (
        "sentinel-tuning/domains.tsv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/sentinel-tuning/domains.tsv")),
    ),
    (
        "sentinel-tuning/domains-2.tsv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/sentinel-tuning/domains-2.tsv")),
    ),
    (
        "blind-sentinel/batch-1/domains.tsv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-1/domains.tsv")),
    ),
    (
        "blind-sentinel/batch-2/domains.tsv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-2/domains.tsv")),
    ),
    (
        "blind-sentinel/batch-3/domains.tsv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-3/domains.tsv")),
    ),
    (
        "blind-sentinel/batch-4/domains.tsv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-4/domains.tsv")),
    ),
    (
        "blind-sentinel/batch-5/domains.tsv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-5/domains.tsv")),
    ),
    (
        "blind-sentinel/batch-6/domains.tsv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-6/domains.tsv")),
    ),
    (
        "blind-sentinel/batch-7/domains.tsv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-7/domains.tsv")),
    ),
    (
        "blind-sentinel/batch-8/domains.tsv",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-8/domains.tsv")),
    ),
];

/// `(name, is_impersonation)` of a labelled TSV file (header, then `positive|negative<TAB>name<TAB>...`).
pub fn labelled_names(tsv: &str) -> Vec<(String, bool)> {
    tsv.lines()
        .skip(1)
        .filter_map(|l| {
            let mut f = l.split('\t');
            let (label, name) = (f.next()?, f.next()?);
            Some((name.to_string(), label == "positive"))
        })
        .collect()
}

/// Trains a domain model on labelled names, with the findings of `rules` as tags (official and unreadable
/// names are left out: the model never judges them).
pub fn train_domain_model(rules: &DomainScorer, names: &[(String, bool)], opts: TrainOptions) -> GramModel {
    let ex: Vec<(Vec<u32>, bool)> =
        names.iter().filter_map(|(n, y)| rules.model_features(n).map(|x| (x, *y))).collect();
    GramModel::train(&ex, opts)
}

/// The shipped domain model, trained once per process on [`DOMAIN_TRAINING_FILES`] with every profile's rules.
fn shipped_domain_model() -> Arc<GramModel> {
    static MODEL: std::sync::OnceLock<Arc<GramModel>> = std::sync::OnceLock::new();
    MODEL
        .get_or_init(|| {
            let names: Vec<(String, bool)> =
                DOMAIN_TRAINING_FILES.iter().flat_map(|(_, f)| labelled_names(f)).collect();
            Arc::new(train_domain_model(&DomainScorer::rules_only(&Profile::all()), &names, TrainOptions::default()))
        })
        .clone()
}

/// A cheap necessary condition of [`one_edit_apart`]: one edit leaves the first or the last byte in place (an
/// edit at the front keeps the rest, so the last byte; anywhere else the first).
fn may_be_one_edit_apart(a: &str, b: &str) -> bool {
    a.as_bytes().first() == b.as_bytes().first() || a.as_bytes().last() == b.as_bytes().last()
}

/// True when `a` and `b` differ by exactly one edit (insertion, deletion, substitution or transposition of two
/// adjacent characters): the Damerau-Levenshtein distance is 1. O(length), no allocation for ASCII.
pub fn one_edit_apart(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        one_edit(a.as_bytes(), b.as_bytes())
    } else {
        let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        one_edit(&x, &y)
    }
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let p = short.iter().zip(long).take_while(|(x, y)| x == y).count();
    if short.len() == long.len() {
        if p == short.len() {
            return false; // equal
        }
        // one substitution, or one adjacent transposition
        short[p + 1..] == long[p + 1..]
            || (p + 1 < short.len()
                && short[p] == long[p + 1]
                && short[p + 1] == long[p]
                && short[p + 2..] == long[p + 2..])
    } else {
        short[p..] == long[p + 1..]
    }
}

/// Government-only suffixes: .gov.cn and .政务 (xn--zfr164b), and their sub-suffixes.
fn is_government_suffix(suffix: &str) -> bool {
    suffix == "gov.cn" || suffix.ends_with(".gov.cn") || suffix == "xn--zfr164b" || suffix.ends_with(".xn--zfr164b")
}

/// Splits "mem2024" into "mem" and "2024", "12zs" into "12" and "zs".
fn split_digits(s: &str) -> impl Iterator<Item = &str> {
    let b = s.as_bytes();
    let mut start = 0;
    (1..=b.len()).filter_map(move |i| {
        if i == b.len() || b[i].is_ascii_digit() != b[i - 1].is_ascii_digit() {
            let part = &s[start..i];
            start = i;
            Some(part)
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scorer() -> DomainScorer {
        DomainScorer::new(&Profile::default_profile())
    }

    fn codes(s: &DomainScore) -> Vec<&'static str> {
        s.reasons.iter().map(|r| r.code).collect()
    }

    #[test]
    fn official_and_gov_cn_names_are_never_flagged() {
        let s = scorer();
        for n in [
            "cx.mem.gov.cn",
            "mem.gov.cn",
            "www.mem.gov.cn.",
            "https://cx.mem.gov.cn/query?x=1",
            "yjglj.beijing.gov.cn",
            "mem-gov-cn.yjt.jiangsu.gov.cn",
            "zscx.mem.gov.cn.yjt.jiangsu.gov.cn",
            "应急管理部.政务",
            "*.mem.gov.cn",
        ] {
            let r = s.score(n).unwrap();
            assert!(r.official && !r.flagged && r.score == 0, "{n}: {r:?}");
        }
    }

    #[test]
    fn a_field_of_work_alone_in_a_chinese_name_names_no_authority() {
        let s = DomainScorer::new(&Profile::all());
        for n in ["应急物资.com", "安全生产月.cn", "应急科普.cn", "起重机.com", "建筑施工.net"] {
            let r = s.score(n).unwrap();
            assert!(!r.flagged && !codes(&r).contains(&"chinese_official_name"), "{n}: {r:?}");
        }
        // with an office, a certificate or a query word it does
        for n in ["应急局.com", "应急管理.cn", "安全生产证书.com", "特种设备作业证.com", "建筑施工查询.cn"]
        {
            let r = s.score(n).unwrap();
            assert!(r.flagged && codes(&r).contains(&"chinese_official_name"), "{n}: {r:?}");
        }
    }

    #[test]
    fn a_lone_zero_opening_a_word_reads_as_o() {
        let s = DomainScorer::new(&Profile::all());
        for n in ["0sta-org.cn", "0sta.org.cn", "0stacx.org"] {
            assert!(s.score(n).unwrap().flagged, "{n}");
        }
        assert_eq!(skeleton("0sta-org"), "osta-org");
        assert_eq!(skeleton("x.0sta"), "x.osta");
        // numbers stay numbers: a leading 1, two digits, a 0 that opens no word
        assert_eq!(skeleton("1hai-00sta-0-czz01"), "1hai-00sta-0-czz01");
    }

    #[test]
    fn the_fraud_patterns_are_flagged_with_reasons() {
        let s = scorer();
        let cases = [
            ("cx.mem.gov.cn.zscx.top", "official_domain_embedded"),
            ("mem.gov.cn-cx.com", "official_domain_embedded"),
            ("mem-gov-cn.com", "official_domain_folded"),
            ("memgovcn.net", "official_domain_folded"),
            ("cxmemgovcn.cn", "official_domain_folded"),
            ("mem.com.cn", "official_label_other_suffix"),
            ("mem.cn", "official_label_other_suffix"),
            ("rnem.gov.cn.com", "official_domain_embedded"),
            ("yjglb-zscx.com", "brand_token"),
            ("tzzy-chaxun.top", "brand_token"),
            ("aqsc-zhengshu.cn", "brand_token"),
            ("xn--extu8ah31brfhgw1a.com", "chinese_official_name"),
            ("特种作业操作证查询.com", "chinese_official_name"),
            ("yingjiguanlibv.com", "edit_distance"),
            ("应急管理部.中国", "chinese_official_name"),
            ("证书查询.mem-gov-cn.公司", "official_domain_folded"),
        ];
        for (n, code) in cases {
            let r = s.score(n).unwrap();
            assert!(r.flagged, "{n} not flagged: {r:?}");
            assert!(codes(&r).contains(&code), "{n}: expected {code} in {:?}", codes(&r));
            assert_eq!(r.score, r.reasons.iter().map(|x| x.points).sum::<i32>());
        }
    }

    #[test]
    fn the_quick_test_keeps_every_single_edit() {
        // every substitution, deletion, insertion and transposition of each long token, at every position
        let s = scorer();
        let mut tried = 0;
        for t in s.long_tokens.iter().chain(&s.official_labels) {
            let b = t.as_bytes();
            let mut edits: Vec<Vec<u8>> = Vec::new();
            for i in 0..=b.len() {
                for c in [b'a', b'q', b'z', b'0', b'-'] {
                    edits.push([&b[..i], &[c], &b[i..]].concat());
                    if i < b.len() {
                        edits.push([&b[..i], &[c], &b[i + 1..]].concat());
                    }
                }
                if i < b.len() {
                    edits.push([&b[..i], &b[i + 1..]].concat());
                }
                if i + 1 < b.len() {
                    edits.push([&b[..i], &[b[i + 1], b[i]], &b[i + 2..]].concat());
                }
            }
            for e in edits {
                let e = String::from_utf8(e).unwrap();
                if one_edit_apart(&e, t) {
                    tried += 1;
                    assert!(may_be_one_edit_apart(&e, t), "{e} / {t}");
                }
            }
        }
        assert!(tried > 1000, "{tried}");
        // and the reason still comes for an edit at the front, the middle and the end
        for n in ["xingjiguanlibu.com", "yignjiguanlibu.com", "yingjiguanlibv.com"] {
            let r = s.score(n).unwrap();
            assert!(codes(&r).contains(&"edit_distance"), "{n}: {:?}", r.reasons);
        }
    }

    #[test]
    fn homoglyphs_map_to_the_official_label() {
        let s = scorer();
        for n in ["rnem.cn", "мем.com", "mеm.com.cn"] {
            let r = s.score(n).unwrap();
            assert!(codes(&r).contains(&"homoglyph_of_official"), "{n}: {:?}", r.reasons);
            assert!(r.flagged, "{n}");
        }
        assert!(codes(&s.score("mеm.com.cn").unwrap()).contains(&"mixed_script"));
        assert_eq!(skeleton("rnern"), "mem");
        assert_eq!(skeleton("мем"), "mem");
        assert_eq!(skeleton("g00gle"), "google");
    }

    #[test]
    fn unrelated_names_are_not_flagged() {
        let s = scorer();
        for n in [
            "example.com",
            "baidu.com",
            "www.taobao.com",
            "memory-shop.com",
            "news.sina.com.cn",
            "github.io",
            "a1b2c3d4e5f6g7.top",
            "x-y-z-w-v.xyz",
            "cert-manager.io",
            "zs.example.org",
        ] {
            let r = s.score(n).unwrap();
            assert!(!r.flagged, "{n} flagged: {r:?}");
        }
    }

    #[test]
    fn registrable_domain_uses_the_public_suffix_list() {
        let s = scorer();
        assert_eq!(s.score("a.b.example.com.cn").unwrap().registrable.as_deref(), Some("example.com.cn"));
        assert_eq!(s.score("cx.mem.gov.cn.x.top").unwrap().registrable.as_deref(), Some("x.top"));
        assert_eq!(s.score("com.cn").unwrap().registrable, None);
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let s = scorer();
        let long = "a".repeat(70) + ".com";
        let huge = "ab.".repeat(100) + "com";
        let enormous = "x".repeat(100_000);
        for n in [
            "",
            "   ",
            "xn--zz--.com",
            "xn--a.com",
            "a..b.com",
            "localhost",
            &long,
            &huge,
            &enormous,
            "a b.com",
            "\u{0}.com",
        ] {
            assert!(matches!(s.score(n), Err(Error::InvalidDomain(_))), "{n:?} -> {:?}", s.score(n));
        }
    }

    #[test]
    fn one_edit_matches_damerau_levenshtein() {
        let words = [
            "mem", "men", "mme", "meme", "em", "yingji", "yingij", "yinji", "yingjl", "xyingji", "abc", "", "a", "ba",
            "ab", "应急", "急应", "应",
        ];
        for a in words {
            for b in words {
                assert_eq!(one_edit_apart(a, b), strsim::damerau_levenshtein(a, b) == 1, "{a} {b}");
            }
        }
    }

    #[test]
    fn other_profiles_protect_their_own_sites() {
        let osta = DomainScorer::new(&Profile::builtin("osta").unwrap());
        let r = osta.score("zscx.osta.org.cn").unwrap();
        assert!(r.official && !r.flagged);
        assert!(osta.score("zscx-osta-org-cn.com").unwrap().flagged);
        assert!(osta.score("osta.org.cn.zscx.top").unwrap().flagged);
        let samr = DomainScorer::new(&Profile::builtin("samr").unwrap());
        assert!(samr.score("cnse-samr-gov-cn.com").unwrap().flagged);
        assert!(!samr.score("cx.mem.gov.cn").unwrap().flagged);
        let mohurd = DomainScorer::new(&Profile::builtin("mohurd").unwrap());
        assert!(mohurd.score("zlaq.mohurd.gov.cn.cx.vip").unwrap().flagged);
        // the MEM profile does not flag the OSTA look-alike as MEM
        assert!(!scorer().score("osta-zscx.com").unwrap().flagged);
    }

    #[test]
    fn entropy_and_splitting() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
        assert_eq!(split_digits("mem2024x").collect::<Vec<_>>(), ["mem", "2024", "x"]);
    }

    fn all() -> DomainScorer {
        DomainScorer::new(&Profile::all())
    }

    #[test]
    fn a_label_read_as_words_counts_its_short_brand_initials() {
        let s = all();
        // czz (操作证) is three letters: it counts only as a word of its own or inside a label read as words.
        let r = s.score("hbczzcx.com").unwrap();
        assert!(r.flagged, "{r:?}");
        assert!(r.reasons.iter().any(|x| x.code == "brand_token" && x.detail.contains("czz")), "{r:?}");
        // The same letters inside a label that is not a sequence of known words say nothing.
        let r = s.score("czzabcq.com").unwrap();
        assert!(!codes(&r).contains(&"brand_token"), "{r:?}");
        assert_eq!(s.read_words("qgtzzycx").iter().map(|(_, w)| *w).collect::<Vec<_>>(), ["qg", "tzzy", "cx"]);
        assert!(s.read_words("abczzz").is_empty());
    }

    #[test]
    fn terms_spell_full_pinyin_initials_and_office_names() {
        let s = all();
        for name in ["tezhongshebei-chaxun.top", "zhujianting-zscx.com", "rsj-zscx.net", "chachezheng-cx.cn"] {
            let r = s.score(name).unwrap();
            assert!(r.flagged, "{name}: {r:?}");
        }
        // Naming a government office is itself impersonation.
        let r = s.score("yingjiguanliting.net").unwrap();
        assert!(codes(&r).contains(&"government_office_named") && r.flagged, "{r:?}");
        // A term's Chinese form in an IDN.
        let idn = idna::domain_to_ascii("塔吊证查询.com").unwrap();
        assert!(s.score(&idn).unwrap().flagged);
    }

    #[test]
    fn a_certificate_query_service_calling_itself_gov_is_flagged() {
        let s = all();
        let r = s.score("zhengshu-chaxun-gov.com").unwrap();
        assert!(r.flagged && codes(&r).contains(&"query_service_named"), "{r:?}");
        // A query word alone, or a certificate word alone, names no query service.
        for name in ["chaxun.com", "zhengshu.com", "kuaidi-chaxun.com"] {
            let r = s.score(name).unwrap();
            assert!(!r.flagged && !codes(&r).contains(&"query_service_named"), "{name}: {r:?}");
        }
    }

    #[test]
    fn a_near_official_label_counts_beside_an_official_sub_label_or_gov() {
        let s = all();
        for name in ["cx.nem.gov.cn.top", "zscx.ostq.org.cn", "cnse.sarnr.net"] {
            let r = s.score(name).unwrap();
            assert!(r.flagged, "{name}: {r:?}");
        }
        // One edit from an official label with nothing around it is a coincidence.
        let r = s.score("nem.com").unwrap();
        assert!(!r.flagged, "{r:?}");
    }

    #[test]
    fn lawful_words_lower_the_score_and_initials_are_no_typo_targets() {
        let s = all();
        let plain = s.score("tzzy-cx.com").unwrap();
        let school = s.score("tzzy-peixun-cx.com").unwrap();
        assert!(codes(&school).contains(&"lawful_word") && school.score < plain.score, "{school:?}");
        // tzzyy is one edit from the initials tzzyry, but nobody typo-squats initials.
        let r = s.score("tzzyy.com.cn").unwrap();
        assert!(!codes(&r).contains(&"edit_distance"), "{r:?}");
    }
}
