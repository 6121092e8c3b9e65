//! Scanning ad texts for fake-certificate offers.
//!
//! The text is normalised ([`crate::normalize`]), then one Aho-Corasick pass finds the lexicon's phrases
//! (`data/ads_lexicon.toml`: offers, verification claims, certificate names, and context words of warnings,
//! official notices and lawful training/job ads that lower the score), regular expressions extract contacts and
//! prices, and the score is the sum of the phrases' points plus bonuses for an offer that comes with a contact or
//! a price. A text is flagged when the score reaches [`AD_FLAG_THRESHOLD`] and at least one offer matched.
//! Spans are character offsets into the original text.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::normalize::{Normalized, normalize};

/// Score at which a text with an offer is flagged.
pub const AD_FLAG_THRESHOLD: i32 = 40;

const LEXICON: &str = include_str!("../data/ads_lexicon.toml");

/// Kinds of lexicon phrases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhraseKind {
    /// An offer of a certificate without the exam (免考, 包过 ...).
    Offer,
    /// A claim that the fake will verify (官网可查 ...).
    Claim,
    /// A certificate name (电工证 ...).
    Cert,
    /// Warning, news or police wording (谨防, 诈骗 ...): lowers the score.
    Warning,
    /// Official notice wording (通知, 公告 ...): lowers the score.
    Official,
    /// Lawful training or job ad wording (培训, 报名 ...): lowers the score.
    Lawful,
}

#[derive(Debug, Deserialize)]
struct LexiconFile {
    group: Vec<Group>,
    negators: Negators,
}
#[derive(Debug, Deserialize)]
struct Group {
    kind: PhraseKind,
    points: i32,
    terms: Vec<String>,
}
#[derive(Debug, Deserialize)]
struct Negators {
    terms: Vec<String>,
}

/// A matched phrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phrase {
    /// The phrase as in the lexicon (normalised form).
    pub phrase: &'static str,
    /// Its kind.
    pub kind: PhraseKind,
    /// Points it adds (0 when negated).
    pub points: i32,
    /// `[start, end)` character offsets into the original text.
    pub span: [usize; 2],
    /// The original text of the span.
    pub text: String,
    /// An offer preceded by a negation (不承诺包过) or quoted: it does not count.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub negated: bool,
}

/// Contact kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// Mainland mobile number.
    Mobile,
    /// WeChat id.
    Wechat,
    /// QQ number.
    Qq,
    /// QQ group number.
    QqGroup,
    /// URL or host name.
    Url,
}

/// An extracted contact, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    /// Kind.
    pub kind: ContactKind,
    /// Normalised value (digits only for numbers, lower-case id, lower-case URL).
    pub value: String,
    /// `[start, end)` character offsets into the original text.
    pub span: [usize; 2],
}

/// A price in yuan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Price {
    /// Amount in yuan.
    pub yuan: u64,
    /// `[start, end)` character offsets into the original text.
    pub span: [usize; 2],
}

/// The verdict on one text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdScan {
    /// Sum of points.
    pub score: i32,
    /// Flagged as a fake-certificate offer.
    pub flagged: bool,
    /// Matched phrases.
    pub phrases: Vec<Phrase>,
    /// Extracted contacts.
    pub contacts: Vec<Contact>,
    /// Certificate types named.
    pub certificates: Vec<&'static str>,
    /// Prices.
    pub prices: Vec<Price>,
}

/// The shipped lexicon, parsed once per process (phrases are then `&'static str`).
fn lexicon() -> (&'static [(String, PhraseKind, i32)], &'static [String]) {
    type Parsed = (Vec<(String, PhraseKind, i32)>, Vec<String>);
    static LEX: OnceLock<Parsed> = OnceLock::new();
    let l = LEX.get_or_init(|| {
        let lex: LexiconFile = toml::from_str(LEXICON).expect("shipped ad lexicon parses");
        let mut info: Vec<(String, PhraseKind, i32)> = Vec::new();
        for g in lex.group {
            for t in g.terms {
                if !info.iter().any(|(p, _, _)| *p == t) {
                    info.push((t, g.kind, g.points));
                }
            }
        }
        // Longest first: leftmost-first matching then picks the longest phrase at a position, as leftmost-longest
        // would, and its DFA searches faster.
        info.sort_by_key(|(p, _, _)| std::cmp::Reverse(p.len()));
        (info, lex.negators.terms)
    });
    (&l.0, &l.1)
}

/// Ad scanner. Build once (lexicon automaton and regexes), scan many; it is `Sync`.
#[derive(Debug, Clone)]
pub struct AdScanner {
    ac: AhoCorasick,
    info: &'static [(String, PhraseKind, i32)],
    negators: &'static [String],
    wechat: Regex,
    qq: Regex,
    qq_group: Regex,
    url: Regex,
    price: Regex,
}

impl Default for AdScanner {
    fn default() -> Self {
        Self::new()
    }
}

impl AdScanner {
    /// Builds the scanner from the shipped lexicon.
    pub fn new() -> Self {
        let (info, negators) = lexicon();
        // A full DFA: a few hundred short phrases make a small one, and it is the fastest kind to search.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::DFA))
            .build(info.iter().map(|(p, _, _)| p.as_str()))
            .expect("lexicon builds");
        let re = |s: &str| Regex::new(s).expect("static regex");
        Self {
            ac,
            info,
            negators,
            wechat: re(r"微信(?:号|号码|id)?[^0-9a-z\n]{0,4}([a-z][-_a-z0-9]{5,19}|1[3-9][0-9]{9})"),
            qq: re(r"qq(?:号|号码)?[^0-9a-z群\n]{0,4}([1-9][0-9]{4,11})"),
            qq_group: re(r"(?:qq群|群号|交流群|群)(?:号|号码)?[^0-9a-z\n]{0,4}([1-9][0-9]{5,11})"),
            url: re(
                r"(?:https?://[^\s,，。]+|[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|top|xyz|vip|cc|site|online|shop|icu|info|wang|club|ltd|fun|work|live|ink|xin|ren|tk|pw|asia)(?-u:\b)(?:/[^\s,，。]*)?)",
            ),
            price: re(
                r"(?:(?:¥|rmb|价格|费用|只需|仅需|只要|仅要|收费)[:]?\s*([0-9]{2,6})|([0-9]{2,6})\s*(?:元|块|rmb))",
            ),
        }
    }

    /// The bare Aho-Corasick pass over the text (for benchmarks: the floor of [`AdScanner::scan`]).
    pub fn count_raw_matches(&self, text: &str) -> usize {
        self.ac.find_iter(text).count()
    }

    fn span(n: &Normalized, start: usize, end: usize) -> [usize; 2] {
        let (s, e) = n.original_span(start, end);
        [s, e]
    }

    /// Scans one text.
    pub fn scan(&self, original: &str) -> AdScan {
        let n = normalize(original);
        let t = &n.text;
        let mut phrases = Vec::new();
        let mut certificates: Vec<&'static str> = Vec::new();
        let mut seen: Vec<usize> = Vec::new();
        let (mut offers, mut claims, mut certs, mut context) = (0i32, 0i32, 0i32, 0i32);
        for m in self.ac.find_iter(t) {
            let pid = m.pattern().as_usize();
            let (ref phrase, kind, pts) = self.info[pid];
            let phrase: &'static str = phrase.as_str();
            let before = &t[..m.start()];
            let before = before.trim_end_matches(['“', '"', '「', '『', '‘', '\'', '《', '【', '(', '（']);
            let quoted = t[before.len()..m.start()].contains(['“', '"', '「', '『', '‘']);
            let negated = matches!(kind, PhraseKind::Offer | PhraseKind::Claim)
                && (quoted || self.negators.iter().any(|ng| before.ends_with(ng.as_str())));
            let first = !seen.contains(&pid);
            seen.push(pid);
            let counted = if negated || !first { 0 } else { pts };
            match kind {
                PhraseKind::Offer => offers += counted,
                PhraseKind::Claim => claims += counted,
                PhraseKind::Cert => {
                    certs += counted;
                    if phrase != "证书" && !certificates.contains(&phrase) {
                        certificates.push(phrase);
                    }
                }
                _ => context += counted,
            }
            let span = Self::span(&n, m.start(), m.end());
            phrases.push(Phrase {
                phrase,
                kind,
                points: counted,
                text: n.original_text(original, m.start(), m.end()).to_string(),
                span,
                negated,
            });
        }
        // Contacts.
        let mut contacts: Vec<Contact> = Vec::new();
        let mut push = |kind: ContactKind, value: String, s: usize, e: usize| {
            if !contacts.iter().any(|c| c.kind == kind && c.value == value) {
                contacts.push(Contact { kind, value, span: Self::span(&n, s, e) });
            }
        };
        let digits = t.bytes().any(|b| b.is_ascii_digit());
        let caps =
            |re: &Regex, kind: ContactKind, when: bool, push: &mut dyn FnMut(ContactKind, String, usize, usize)| {
                if when {
                    for c in re.captures_iter(t) {
                        if let Some(g) = c.get(1) {
                            push(kind, g.as_str().to_string(), g.start(), g.end());
                        }
                    }
                }
            };
        caps(&self.wechat, ContactKind::Wechat, t.contains("微信"), &mut push);
        caps(&self.qq_group, ContactKind::QqGroup, digits && t.contains('群'), &mut push);
        caps(&self.qq, ContactKind::Qq, digits && t.contains("qq"), &mut push);
        // Mobile numbers: maximal runs of digits of 11 (1[3-9]...) or 13 with the 86 country code. A hand-written
        // pass: cheaper than a regex with captures on every text that has digits.
        if digits {
            let bytes = t.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                if !bytes[i].is_ascii_digit() {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let run = &t[start..i];
                let num = match run.len() {
                    11 => Some((run, start)),
                    13 if run.starts_with("86") => Some((&run[2..], start + 2)),
                    _ => None,
                };
                if let Some((m, at)) = num
                    && m.as_bytes()[0] == b'1'
                    && (b'3'..=b'9').contains(&m.as_bytes()[1])
                {
                    push(ContactKind::Mobile, m.to_string(), at, at + 11);
                }
            }
        }
        if t.contains('.') {
            for m in self.url.find_iter(t) {
                let v = m.as_str().trim_end_matches(['.', ')', '）']);
                push(ContactKind::Url, v.to_string(), m.start(), m.start() + v.len());
            }
        }
        let mut prices = Vec::new();
        if digits {
            for c in self.price.captures_iter(t) {
                if let Some(g) = c.get(1).or_else(|| c.get(2))
                    && let Ok(y) = g.as_str().parse::<u64>()
                {
                    let whole = c.get(0).expect("match");
                    // a price is not a year or a count of days: 50..=50,000 yuan
                    if (50..=50_000).contains(&y) && !t[whole.end()..].starts_with('年') {
                        prices.push(Price { yuan: y, span: Self::span(&n, whole.start(), whole.end()) });
                    }
                }
            }
        }
        let mut score = offers + claims + certs.min(15) + context;
        let has_contact = !contacts.is_empty();
        if offers > 0 && has_contact {
            score += 15;
        }
        if offers > 0 && !prices.is_empty() {
            score += 10;
        }
        if offers > 0 && claims > 0 {
            score += 10;
        }
        AdScan { score, flagged: offers > 0 && score >= AD_FLAG_THRESHOLD, phrases, contacts, certificates, prices }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_obfuscated_offer_is_flagged_with_contacts_and_spans() {
        let s = AdScanner::new();
        let text =
            "🔥电工证 焊 工 证 免 考 包过，官网可查！加ＶＸ：zs_8888 或 扣扣 12345678，电话138-0013-8000，只需 800 元";
        let r = s.scan(text);
        assert!(r.flagged, "{r:?}");
        let chars: Vec<char> = text.chars().collect();
        for p in &r.phrases {
            assert_eq!(chars[p.span[0]..p.span[1]].iter().collect::<String>(), p.text);
        }
        let mk = r.phrases.iter().find(|p| p.phrase == "免考").unwrap();
        assert_eq!(mk.text, "免 考");
        let kinds: Vec<_> = r.contacts.iter().map(|c| (c.kind, c.value.as_str())).collect();
        assert!(kinds.contains(&(ContactKind::Wechat, "zs_8888")), "{kinds:?}");
        assert!(kinds.contains(&(ContactKind::Qq, "12345678")), "{kinds:?}");
        assert!(kinds.contains(&(ContactKind::Mobile, "13800138000")), "{kinds:?}");
        assert_eq!(r.prices.iter().map(|p| p.yuan).collect::<Vec<_>>(), [800]);
        assert_eq!(r.certificates, ["电工证", "焊工证"]);
    }

    #[test]
    fn warnings_and_notices_quoting_the_words_are_not_flagged() {
        let s = AdScanner::new();
        for t in [
            "警方提醒：网上所谓“免考包过”“官网可查”的特种作业操作证均为假证，请通过官方渠道cx.mem.gov.cn查询。",
            "关于开展打击假冒应急管理部网站专项整治的通知：凡声称免考拿证的均涉嫌诈骗，举报电话12350。",
            "本校正规培训，理论加实操，考试合格后发证，不承诺包过。报名电话13912345678",
        ] {
            let r = s.scan(t);
            assert!(!r.flagged, "{t}: {r:?}");
        }
    }

    #[test]
    fn contacts_are_normalised() {
        let s = AdScanner::new();
        let r = s.scan("加Q群：６６６８８８９９９ 网址 WWW.Zscx-Query.TOP/cx 联系＋86 15912345678");
        let kinds: Vec<_> = r.contacts.iter().map(|c| (c.kind, c.value.as_str())).collect();
        assert!(kinds.contains(&(ContactKind::QqGroup, "666888999")), "{kinds:?}");
        assert!(kinds.contains(&(ContactKind::Url, "www.zscx-query.top/cx")), "{kinds:?}");
        assert!(kinds.contains(&(ContactKind::Mobile, "15912345678")), "{kinds:?}");
    }

    #[test]
    fn empty_and_odd_input_do_not_panic() {
        let s = AdScanner::new();
        for t in ["", " ", "\u{200b}", "🔥🔥", "a\u{0}b", &"免考".repeat(10_000)] {
            let _ = s.scan(t);
        }
        assert!(!s.scan("").flagged);
    }
}
