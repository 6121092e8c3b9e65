//! Scanning ad texts for fake-certificate offers.
//!
//! The text is normalised ([`crate::normalize`]), then one Aho-Corasick pass finds the lexicon's phrases
//! (`data/ads_lexicon.toml`), each belonging to a [`Concept`]: a certificate named, acquisition without the exam,
//! a claim that the certificate verifies, speed, forgery, a fake query site for sale, exam cheating, renewal
//! without the review training, a contact cue; and the contexts that speak against an offer (warnings and news,
//! questions, platform rules, official notices, lawful training or job ads). Numbers with a unit of time followed
//! by delivery words (3天出证, 二十天左右拿证) are found by a small scanner. Contacts and prices are extracted.
//! Then [`Rule`]s combine concepts and say why a text is an offer ("a certificate without the exam"); a text is
//! flagged when a rule fires and no warning, question or rule context without a contact speaks against it.
//! Spans are character offsets into the original text.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::sync::{Arc, OnceLock};

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::gram_model::{GramModel, TrainOptions, features, grams};

/// Why a text whose rules fired is not flagged; the index is its finding bit for the model.
const SUPPRESSIONS: [&str; 5] = [
    "a platform or group rule",
    "a warning, news or a victim's account",
    "a question about such offers",
    "an official notice",
    "the offer is quoted",
];
use crate::normalize::{Normalized, normalize};

const LEXICON: &str = include_str!("../data/ads_lexicon.toml");

/// What a phrase says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Concept {
    /// A certificate is named (电工证, 特种作业, 证).
    Cert,
    /// Acquisition without the exam, training or presence (免考, 包过, 不用到场, 只需身份证).
    NoExam,
    /// The certificate is said to verify (官网可查, 扫码验证, 入网).
    Verifiable,
    /// Delivery speed (加急, 3天出证).
    Speed,
    /// Forgery or alteration (高仿, 空白证书, 信息可改).
    Forgery,
    /// A fake query site or its source code for sale (查询网站, 源码).
    FakeSite,
    /// Exam cheating (代考, 远程答题, 考前答案).
    Cheating,
    /// Review or renewal without the review training (复审不用去, 过期也能).
    Renewal,
    /// A call to get in touch (私聊, 看主页).
    ContactCue,
    /// Warning, news, police or victim wording: speaks against an offer.
    Warning,
    /// A question about such offers: speaks against an offer.
    Question,
    /// A platform's or group's rule forbidding such posts.
    Rule,
    /// Official notice wording.
    Official,
    /// Lawful training or job ad wording.
    Lawful,
    /// A longer phrase that overrides a shorter match (不考虑 is not 不考, 证明 is no certificate).
    Neutral,
    /// The review or renewal of a certificate is the subject (复审, 年审): with acquisition without the exam it
    /// is renewal without the review training.
    Review,
}

/// How many concepts there are (for per-concept counters).
const CONCEPTS: usize = Concept::Review as usize + 1;

/// The lawful reading is the default: a phrase of one of these concepts makes a text an offer only through a
/// [`Rule`].
impl Concept {
    fn is_offer(self) -> bool {
        matches!(
            self,
            Concept::NoExam
                | Concept::Verifiable
                | Concept::Speed
                | Concept::Forgery
                | Concept::FakeSite
                | Concept::Cheating
                | Concept::Renewal
        )
    }
}

/// Why a text is an offer: a combination of concepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// A certificate named with acquisition without the exam, training or presence.
    CertificateWithoutExam,
    /// Exam cheating offered.
    ExamCheating,
    /// A fake query site, its program or pages, offered for certificates.
    FakeQuerySite,
    /// Forgery or alteration of a certificate offered.
    Forgery,
    /// Review or renewal without the review training.
    RenewalWithoutTraining,
    /// A certificate said to verify, with a way to buy it (contact, price, speed or no exam).
    VerifiableFake,
    /// A certificate delivered in days or hours, outside any training or exam context.
    FastCertificate,
    /// No rule fired, but the statistical model is confident the text is an offer (its runs are listed).
    Model,
}

impl Rule {
    /// The reason in Chinese, then English.
    pub fn reason(self) -> &'static str {
        match self {
            Rule::CertificateWithoutExam => {
                "不经考试/培训/本人到场即可取得证书 (a certificate without the exam, training or presence)"
            }
            Rule::ExamCheating => "提供考试作弊 (exam cheating offered)",
            Rule::FakeQuerySite => "出售或搭建假冒证书查询网站 (a fake certificate query site offered)",
            Rule::Forgery => "伪造或篡改证书 (forgery or alteration offered)",
            Rule::RenewalWithoutTraining => {
                "不经复审培训即可复审或换证 (review or renewal without the review training)"
            }
            Rule::VerifiableFake => {
                "声称买来的证书可查可验并留有购买方式 (a bought certificate said to verify, with a way to buy)"
            }
            Rule::FastCertificate => {
                "数日/数小时出证并留有联系方式或价格 (a certificate in days or hours, with a contact or price)"
            }
            Rule::Model => "统计模型判定为售卖证书的广告 (the statistical model: worded like offers of certificates)",
        }
    }
}

#[derive(Debug, Deserialize)]
struct LexiconFile {
    group: Vec<Group>,
    #[serde(default)]
    combo: Vec<Combo>,
    negators: Negators,
}
/// Phrases generated as every first + middle + last.
#[derive(Debug, Deserialize)]
struct Combo {
    concept: Concept,
    points: i32,
    first: Vec<String>,
    middle: Vec<String>,
    last: Vec<String>,
}
#[derive(Debug, Deserialize)]
struct Group {
    concept: Concept,
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
    /// The phrase as in the lexicon (normalised form), or the normalised text of a delivery time.
    pub phrase: std::borrow::Cow<'static, str>,
    /// What it says.
    pub kind: Concept,
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdScan {
    /// Sum of points (ranks flagged texts; the rules decide whether a text is flagged).
    pub score: i32,
    /// Flagged as a fake-certificate offer.
    pub flagged: bool,
    /// The rules that fired, each with its reason.
    pub rules: Vec<RuleHit>,
    /// Why a text whose rules fired is not flagged (a warning, question or platform rule without a contact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<&'static str>,
    /// Matched phrases.
    pub phrases: Vec<Phrase>,
    /// Extracted contacts.
    pub contacts: Vec<Contact>,
    /// Certificate types named.
    pub certificates: Vec<String>,
    /// Prices.
    pub prices: Vec<Price>,
    /// The model's log-odds that the text is an offer (absent when judged by the rules alone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_score: Option<f32>,
    /// When the model decided (flagged a text no rule caught, or cleared one): the runs that weighed most.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub model_grams: Vec<ModelGram>,
}

/// A run of characters that weighed in the model's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelGram {
    /// The original text of the run.
    pub text: String,
    /// `[start, end)` character offsets into the original text.
    pub span: [usize; 2],
    /// Its weight (log-odds) in the direction of the verdict.
    pub weight: f32,
}

impl AdScan {
    /// The rules found a certificate named or an offer said (not negated): only then may the model flag a text.
    /// A text with none of them is no offer however its characters weigh (random bytes once scored high).
    fn has_offer_evidence(&self) -> bool {
        self.phrases.iter().any(|p| !p.negated && p.points > 0 && (p.kind == Concept::Cert || p.kind.is_offer()))
    }

    /// What the scanner found, as bits for the model: each concept found (bits 0-15) or negated (16-31), each
    /// rule that fired (32-39), contact kinds (40-44), a price (45), why a text was suppressed (46-50).
    fn tags(&self) -> u64 {
        let mut t = 0u64;
        for p in &self.phrases {
            t |= 1 << (p.kind as u32 + if p.negated { 16 } else { 0 });
        }
        for r in &self.rules {
            t |= 1 << (32 + r.rule as u32);
        }
        for c in &self.contacts {
            t |= 1 << (40 + c.kind as u32);
        }
        if !self.prices.is_empty() {
            t |= 1 << 45;
        }
        if let Some(i) = self.suppressed.and_then(|s| SUPPRESSIONS.iter().position(|x| *x == s)) {
            t |= 1 << (46 + i);
        }
        t
    }
}

/// Log-odds at and above which the model flags a text no rule caught.
pub const MODEL_FLAG_LOGIT: f32 = 1.5;
/// Log-odds below which the model clears a text the rules flagged.
pub const MODEL_CLEAR_LOGIT: f32 = -1.0;

/// The labelled texts the shipped model learns from: the tuning files and the blind batches already measured
/// (batch-9 and later stay out: they judge the model).
pub const TRAINING_FILES: &[(&str, &str)] = &[
    (
        "sentinel-tuning/ads.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/sentinel-tuning/ads.jsonl")),
    ),
    (
        "sentinel-tuning/ads-2.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/sentinel-tuning/ads-2.jsonl")),
    ),
    (
        "sentinel-tuning/ads-3.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/sentinel-tuning/ads-3.jsonl")),
    ),
    (
        "blind-sentinel/batch-1/ads.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-1/ads.jsonl")),
    ),
    (
        "blind-sentinel/batch-2/ads.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-2/ads.jsonl")),
    ),
    (
        "blind-sentinel/batch-3/ads.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-3/ads.jsonl")),
    ),
    (
        "blind-sentinel/batch-4/ads.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-4/ads.jsonl")),
    ),
    (
        "blind-sentinel/batch-5/ads.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-5/ads.jsonl")),
    ),
    (
        "blind-sentinel/batch-6/ads.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-6/ads.jsonl")),
    ),
    (
        "blind-sentinel/batch-7/ads.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-7/ads.jsonl")),
    ),
    (
        "blind-sentinel/batch-8/ads.jsonl",
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../testdata/blind-sentinel/batch-8/ads.jsonl")),
    ),
];

/// `(text, is_offer)` of a labelled JSON-lines file (`{"label": "positive"|"negative", "text": ...}`).
pub fn labelled_texts(jsonl: &str) -> Vec<(String, bool)> {
    #[derive(Deserialize)]
    struct Row {
        label: String,
        text: String,
    }
    jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let r: Row = serde_json::from_str(l).expect("labelled ad line");
            (r.text, r.label == "positive")
        })
        .collect()
}

/// Trains a model on labelled texts, with the rules' findings of `rules` as tags.
pub fn train_model(rules: &AdScanner, texts: &[(String, bool)], opts: TrainOptions) -> GramModel {
    let ex: Vec<(Vec<u32>, bool)> = texts.iter().map(|(t, y)| (rules.model_features(t), *y)).collect();
    GramModel::train(&ex, opts)
}

/// The shipped model, trained once per process from [`TRAINING_FILES`].
fn shipped_model() -> Arc<GramModel> {
    static MODEL: OnceLock<Arc<GramModel>> = OnceLock::new();
    MODEL
        .get_or_init(|| {
            let texts: Vec<(String, bool)> = TRAINING_FILES.iter().flat_map(|(_, f)| labelled_texts(f)).collect();
            Arc::new(train_model(&AdScanner::rules_only(), &texts, TrainOptions::default()))
        })
        .clone()
}

/// A rule that fired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleHit {
    /// Which rule.
    pub rule: Rule,
    /// Its reason, in Chinese then English.
    pub reason: &'static str,
}

type LexEntry = (String, Concept, i32);

/// The shipped lexicon, parsed once per process.
fn lexicon() -> (&'static [LexEntry], &'static [String]) {
    type Parsed = (Vec<LexEntry>, Vec<String>);
    static LEX: OnceLock<Parsed> = OnceLock::new();
    let l = LEX.get_or_init(|| {
        let lex: LexiconFile = toml::from_str(LEXICON).expect("shipped ad lexicon parses");
        let mut info: Vec<LexEntry> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for g in lex.group {
            for t in g.terms {
                if seen.insert(t.clone()) {
                    info.push((t, g.concept, g.points));
                }
            }
        }
        for c in lex.combo {
            for f in &c.first {
                for m in &c.middle {
                    for l in &c.last {
                        let t = format!("{f}{m}{l}");
                        if seen.insert(t.clone()) {
                            info.push((t, c.concept, c.points));
                        }
                    }
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
    /// The statistical half ([`crate::gram_model`]); `None` judges by the rules alone.
    model: Option<Arc<GramModel>>,
    ac: AhoCorasick,
    info: &'static [LexEntry],
    negators: &'static [String],
    /// The last characters of the negators: a text before a phrase that ends in none of them negates nothing.
    negator_ends: rustc_hash::FxHashSet<char>,
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

/// Characters that open a quotation: a phrase inside quotes is someone else's words.
const OPEN_QUOTES: &[char] = &['“', '"', '「', '『', '‘', '\''];
const CLOSE_QUOTES: &[char] = &['”', '"', '」', '』', '’', '\''];

/// Units of time after a number: 3天, 二十天, 24h, 十五个工作日.
const TIME_UNITS: &[&str] = &["个工作日", "工作日", "个小时", "小时", "天", "日", "周", "h"];
/// Words after a delivery time that make it one (3天出证, 两天到手, 十天左右拿证).
const DELIVERY_WORDS: &[&str] =
    &["出", "拿", "到手", "下证", "下", "搞定", "办好", "内", "左右", "包邮", "就能", "即可", "可取"];

fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '0'..='9' | '一' | '二' | '两' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '半' | '〇' | '零'
    )
}

impl AdScanner {
    /// Builds the scanner from the shipped lexicon and the model trained on the shipped tuning texts.
    pub fn new() -> Self {
        Self::rules_only().with_model(shipped_model())
    }

    /// The same scanner judging with another model (for evaluation).
    pub fn with_model(mut self, model: Arc<GramModel>) -> Self {
        self.model = Some(model);
        self
    }

    /// The scanner without its statistical half: the rules alone decide.
    pub fn rules_only() -> Self {
        let (info, negators) = lexicon();
        // A full DFA: a few hundred short phrases make a small one, and it is the fastest kind to search.
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::DFA))
            .build(info.iter().map(|(p, _, _)| p.as_str()))
            .expect("lexicon builds");
        let re = |s: &str| Regex::new(s).expect("static regex");
        Self {
            model: None,
            ac,
            info,
            negators,
            negator_ends: negators.iter().filter_map(|n| n.chars().next_back()).collect(),
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

    /// Delivery times in the normalised text: a run of numerals, a unit of time, then a delivery word within a
    /// few characters (3天出证, 二十天左右拿证, 24h下证). Returns byte ranges.
    fn delivery_times(t: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut chars = t.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !is_numeral(c) {
                continue;
            }
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if !is_numeral(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
            let rest = &t[end..];
            let Some(unit) = TIME_UNITS.iter().find(|u| rest.starts_with(**u)) else { continue };
            let after = &rest[unit.len()..];
            let window = &after[..after.char_indices().nth(4).map_or(after.len(), |(k, _)| k)];
            if DELIVERY_WORDS.iter().any(|w| window.contains(w)) {
                out.push((i, end + unit.len()));
            }
        }
        out
    }

    /// Scans one text: the rules, then the model.
    pub fn scan(&self, original: &str) -> AdScan {
        let (mut r, n) = self.scan_rules(original);
        if let Some(model) = &self.model {
            let logit = model.logit_of(&n.text, r.tags());
            r.model_score = Some((logit * 100.0).round() / 100.0);
            self.apply_model(&mut r, &n, original, model, logit);
        }
        r
    }

    /// The features the model sees for a text (for training and evaluation).
    pub fn model_features(&self, original: &str) -> Vec<u32> {
        let (r, n) = self.scan_rules(original);
        features(&n.text, r.tags())
    }

    /// The model's half of the verdict. It flags a text no rule caught when it is confident and the rules found
    /// a certificate or an offer in it, and it clears a
    /// rules' flag it is confident against (a warning or a school's ad in words no context phrase lists). A text
    /// the rules caught but suppressed for its context (a warning, a question) stays suppressed. The thresholds
    /// were chosen by leave-one-file-out evaluation on the training files (`examples/ads_model_cv.rs`).
    fn apply_model(&self, r: &mut AdScan, n: &Normalized, original: &str, model: &GramModel, logit: f32) {
        if r.flagged && logit < MODEL_CLEAR_LOGIT {
            r.flagged = false;
            r.suppressed = Some("the model: worded like the texts that are not offers");
        } else if !r.flagged && r.suppressed.is_none() && logit >= MODEL_FLAG_LOGIT && r.has_offer_evidence() {
            r.flagged = true;
            r.rules.push(RuleHit { rule: Rule::Model, reason: Rule::Model.reason() });
        } else {
            return;
        }
        // Why: the character runs that weighed most in the model's direction.
        let mut top: Vec<(f32, usize, usize)> = Vec::new();
        grams(&n.text, |g| {
            let w = model.weight(g.bucket);
            if w != 0.0 && (w > 0.0) == r.flagged {
                top.push((w.abs(), g.start, g.end));
            }
        });
        top.sort_by(|a, b| b.0.total_cmp(&a.0));
        top.truncate(5);
        r.model_grams = top
            .into_iter()
            .map(|(w, a, b)| ModelGram {
                text: n.original_text(original, a, b).to_string(),
                span: Self::span(n, a, b),
                weight: (w * 100.0).round() / 100.0,
            })
            .collect();
    }

    /// The rules' verdict and the normalised text.
    fn scan_rules(&self, original: &str) -> (AdScan, Normalized) {
        let n = normalize(original);
        let t = &n.text;
        let mut phrases: Vec<Phrase> = Vec::new();
        let mut certificates: Vec<String> = Vec::new();
        // Patterns seen so far, a bit each: a hostile text can repeat one phrase a million times.
        let mut seen = vec![0u64; self.info.len().div_ceil(64)];
        // Concepts found, a bit each.
        let mut found = 0u32;
        // Distinct phrases per concept: two different claims (入网 and 查得到) say more than one.
        let mut distinct = [0u32; CONCEPTS];
        let mut quoted_offers = 0;
        let mut context = 0i32;
        let mut warning_points = 0i32;
        let mut score = 0i32;
        // Byte ranges of quotations (“...”): offers inside them are someone else's words when a warning is near.
        let quotes = quote_ranges(t);
        let mut quote_cursor = 0;
        let mut last_negated_end = usize::MAX;
        for m in self.ac.find_iter(t) {
            let pid = m.pattern().as_usize();
            let (ref phrase, concept, pts) = self.info[pid];
            if concept == Concept::Neutral {
                continue;
            }
            // Quotation marks between a disclaimer and the phrase do not hide it: 所谓“免考”.
            let before = t[..m.start()].trim_end_matches(['“', '"', '「', '『', '‘', '\'', '《', '【', '(', '（']);
            // A phrase that is itself a negation (不用考, 免考) is not undone by a one-character negator before
            // it (要不不用考); only a disclaimer is (不承诺免考, 所谓免考).
            let self_negating = phrase.starts_with(['不', '无', '没', '别', '免', '用']);
            // An offer right after a negated one belongs to the same disclaimed list (什么免考包过).
            let follows_negated = concept.is_offer() && m.start() == last_negated_end;
            let negated = follows_negated
                || concept.is_offer()
                    && before.chars().next_back().is_some_and(|c| self.negator_ends.contains(&c))
                    && self.negators.iter().any(|ng| {
                        (!self_negating || !matches!(ng.as_str(), "不" | "无" | "没")) && before.ends_with(ng.as_str())
                    });
            // Matches come in order: skip the quotations that end before this one starts.
            while quote_cursor < quotes.len() && quotes[quote_cursor].1 < m.start() {
                quote_cursor += 1;
            }
            let quoted = quotes.get(quote_cursor).is_some_and(|&(a, b)| m.start() >= a && m.end() <= b);
            if negated {
                last_negated_end = m.end();
            }
            let first = seen[pid / 64] & (1 << (pid % 64)) == 0;
            seen[pid / 64] |= 1 << (pid % 64);
            let counted = if negated || !first { 0 } else { pts };
            if !negated {
                if quoted && concept.is_offer() {
                    quoted_offers += 1;
                }
                found |= 1 << concept as u32;
                if first {
                    distinct[concept as usize] += 1;
                }
                // 出证, 办证, 证书查询网: an offer phrase that names the certificate names it (验证 does not).
                if concept.is_offer() && concept != Concept::Verifiable && phrase.contains('证') {
                    found |= 1 << Concept::Cert as u32;
                }
            }
            if matches!(
                concept,
                Concept::Warning | Concept::Question | Concept::Rule | Concept::Official | Concept::Lawful
            ) {
                context += counted;
            }
            if concept == Concept::Warning {
                warning_points += counted;
            }
            score += counted;
            if concept == Concept::Cert && first && phrase.chars().count() >= 3 {
                certificates.push(phrase.clone());
            }
            phrases.push(Phrase {
                phrase: std::borrow::Cow::Borrowed(phrase.as_str()),
                kind: concept,
                points: counted,
                text: n.original_text(original, m.start(), m.end()).to_string(),
                span: Self::span(&n, m.start(), m.end()),
                negated,
            });
        }
        for (a, b) in Self::delivery_times(t) {
            distinct[Concept::Speed as usize] += 1;
            if found & (1 << Concept::Speed as u32) == 0 {
                found |= 1 << Concept::Speed as u32;
                score += 15;
            }
            phrases.push(Phrase {
                phrase: std::borrow::Cow::Owned(t[a..b].to_string()),
                kind: Concept::Speed,
                points: 15,
                text: n.original_text(original, a, b).to_string(),
                span: Self::span(&n, a, b),
                negated: false,
            });
        }
        phrases.sort_by_key(|p| p.span);
        let (contacts, prices) = self.contacts_and_prices(&n);
        let has = |c: Concept| found & (1 << c as u32) != 0;
        // A way to buy: a number or an account, a non-government address, or a call to get in touch. Warnings
        // cite the official query site; that is no way to buy.
        let direct_contact = contacts.iter().any(|c| c.kind != ContactKind::Url);
        let seller_url = contacts
            .iter()
            .any(|c| c.kind == ContactKind::Url && !c.value.split('/').next().unwrap_or("").ends_with(".gov.cn"));
        let reachable = direct_contact || seller_url || has(Concept::ContactCue);
        let paid = !prices.is_empty();
        let mut rules = Vec::new();
        let mut fire = |r: Rule, when: bool| {
            if when {
                rules.push(RuleHit { rule: r, reason: r.reason() });
            }
        };
        let twice = |c: Concept| distinct[c as usize] >= 2;
        let cert = has(Concept::Cert);
        // A certificate named as such (电工证, 特种作业), not just 证 or a trade (出证 of a passport, 电工服).
        let named_cert = phrases.iter().any(|p| {
            p.kind == Concept::Cert
                && !p.negated
                && ((p.phrase.ends_with('证') && p.phrase.chars().count() >= 3)
                    || ["特种", "安全员", "三类人员", "操作证"].iter().any(|w| p.phrase.contains(w)))
        });
        // A trade named beside 证 (3天出证！电工、焊工) names its certificate.
        let trade_cert =
            cert && phrases.iter().any(|p| p.kind == Concept::Cert && !p.negated && !p.phrase.contains('证'));
        fire(Rule::CertificateWithoutExam, cert && has(Concept::NoExam));
        fire(Rule::ExamCheating, has(Concept::Cheating) && (cert || twice(Concept::Cheating)));
        fire(
            Rule::FakeQuerySite,
            has(Concept::FakeSite)
                && (cert || has(Concept::Verifiable) || has(Concept::Forgery) || twice(Concept::FakeSite)),
        );
        fire(
            Rule::Forgery,
            has(Concept::Forgery) && (cert || has(Concept::Verifiable) || reachable || twice(Concept::Forgery)),
        );
        fire(Rule::RenewalWithoutTraining, has(Concept::Renewal) || (has(Concept::Review) && has(Concept::NoExam)));
        // A job ad asking for a certificate that "can be checked" or a school's "合格后可查" is lawful: claims
        // and speed alone need the absence of lawful wording.
        let lawful = has(Concept::Lawful);
        fire(
            Rule::VerifiableFake,
            cert && has(Concept::Verifiable)
                && (has(Concept::NoExam)
                    || (!lawful && (reachable || paid || has(Concept::Speed) || twice(Concept::Verifiable)))),
        );
        fire(
            Rule::FastCertificate,
            (named_cert || trade_cert)
                && has(Concept::Speed)
                && !lawful
                && (reachable || paid || twice(Concept::Speed)),
        );
        // Someone else's words: a warning, a question or a platform rule, and no way to buy. Offers quoted
        // inside a text that gives a contact still count (the ring's own ad quotes its slogans).
        let suppressed = if rules.is_empty() {
            None
        } else if has(Concept::Rule) && !direct_contact {
            Some(SUPPRESSIONS[0])
        } else if warning_points <= -35 && !direct_contact {
            Some(SUPPRESSIONS[1])
        } else if has(Concept::Question) && !direct_contact && !has(Concept::ContactCue) {
            Some(SUPPRESSIONS[2])
        } else if has(Concept::Official) && !direct_contact {
            Some(SUPPRESSIONS[3])
        } else if quoted_offers > 0 && context < 0 && !direct_contact {
            Some(SUPPRESSIONS[4])
        } else {
            None
        };
        if direct_contact && !rules.is_empty() {
            score += 15;
        }
        let scan = AdScan {
            score,
            flagged: !rules.is_empty() && suppressed.is_none(),
            rules,
            suppressed,
            phrases,
            contacts,
            certificates,
            prices,
            model_score: None,
            model_grams: Vec::new(),
        };
        (scan, n)
    }

    fn contacts_and_prices(&self, n: &Normalized) -> (Vec<Contact>, Vec<Price>) {
        let t = &n.text;
        let mut contacts: Vec<Contact> = Vec::new();
        let mut push = |kind: ContactKind, value: String, s: usize, e: usize| {
            if !contacts.iter().any(|c| c.kind == kind && c.value == value) {
                contacts.push(Contact { kind, value, span: Self::span(n, s, e) });
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
                        prices.push(Price { yuan: y, span: Self::span(n, whole.start(), whole.end()) });
                    }
                }
            }
        }
        (contacts, prices)
    }
}

/// Byte ranges inside quotation marks (after an opening mark, up to its closing mark or 40 bytes).
fn quote_ranges(t: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (i, c) in t.char_indices() {
        match open {
            None if OPEN_QUOTES.contains(&c) => open = Some(i + c.len_utf8()),
            Some(start) if CLOSE_QUOTES.contains(&c) => {
                out.push((start, i));
                open = None;
            }
            _ => {}
        }
    }
    out
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
    fn every_concept_has_a_counter() {
        // The per-concept counters are an array of CONCEPTS: a concept added after Review must grow it.
        for (_, concept, _) in lexicon().0 {
            assert!((*concept as usize) < CONCEPTS, "{concept:?}");
        }
        assert_eq!(CONCEPTS, Concept::Review as usize + 1);
        // ... and the model's finding bits have room for 16 concepts, 8 rules and 5 contact kinds.
        assert!(CONCEPTS <= 16 && (Rule::Model as u32) < 8 && (ContactKind::Url as u32) < 5);
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
