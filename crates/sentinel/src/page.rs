//! Judging a page: does it impersonate the profile's official query site?
//!
//! [`extract`] reads the page's signals (title, visible text, forms and their fields, official names, footer
//! identifiers); [`judge`] compares them with the profile's reference page (TLSH of the visible text and a
//! character-bigram similarity, since the official site is a JavaScript application whose rendered text is what a
//! victim compares) and with the host: a copied government footer on a non-government domain is itself a strong
//! signal. The verdict is `impersonates`, `suspicious` or `unrelated`, with the score breakdown and the evidence.

use std::collections::HashMap;
use std::sync::OnceLock;

use regex::Regex;
use scraper::{Html, Node, Selector};
use serde::Serialize;

use crate::domains::{DomainScorer, Reason};
use crate::fetch::{Fetched, Hop};
use crate::profile::Profile;

/// Score at which a page impersonates the brand.
pub const IMPERSONATES: i32 = 60;
/// Score at which a page is suspicious.
pub const SUSPICIOUS: i32 = 30;

/// A form field, with the kind we recognised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    /// `name` or `id` attribute.
    pub name: String,
    /// Input type (`text`, `select`, ...).
    pub r#type: String,
    /// Placeholder or label text.
    pub label: String,
    /// Recognised kind: `id_number`, `person_name`, `cert_number`, `captcha`, `cert_type` or `other`.
    pub kind: &'static str,
}

/// A form of the page (inputs outside any `<form>` are gathered into one pseudo-form: JS applications).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Form {
    /// `action` attribute.
    pub action: String,
    /// `method` attribute.
    pub method: String,
    /// Fields.
    pub fields: Vec<Field>,
}

/// Footer identifiers found on the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Footer {
    /// ICP filing numbers (京ICP备...号).
    pub icp: Vec<String>,
    /// Public-security filing numbers (京公网安备...号).
    pub public_security: Vec<String>,
    /// 政府网站标识码 values.
    pub gov_site_code: Vec<String>,
    /// 党政机关网站标识 present (text or the icon).
    pub party_gov_mark: bool,
}

/// Signals of one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageSignals {
    /// `<title>`.
    pub title: String,
    /// Visible text, whitespace collapsed (first 4,000 characters kept in the output).
    #[serde(serialize_with = "ser_prefix")]
    pub text: String,
    /// Forms.
    pub forms: Vec<Form>,
    /// The profile's Chinese names found in the title or text.
    pub official_names: Vec<String>,
    /// Footer identifiers.
    pub footer: Footer,
    /// TLSH of the visible text (hex), when it is long and varied enough.
    pub tlsh: Option<String>,
}

fn ser_prefix<S: serde::Serializer>(t: &str, s: S) -> Result<S::Ok, S::Error> {
    let p: String = t.chars().take(4000).collect();
    s.serialize_str(&p)
}

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The page poses as the official site.
    Impersonates,
    /// Some signals, not enough.
    Suspicious,
    /// Nothing of the brand (or the page is on an official host).
    Unrelated,
}

/// The judgement of one fetched page.
#[derive(Debug, Clone, Serialize)]
pub struct PageJudgement {
    /// Verdict.
    pub verdict: Verdict,
    /// Total score.
    pub score: i32,
    /// Score breakdown.
    pub reasons: Vec<Reason>,
    /// The final host is official (profile or .gov.cn): never an impersonation.
    pub official_host: bool,
    /// Text similarity (0..1) with the reference page.
    pub text_similarity: f64,
    /// TLSH distance to the reference text (lower is closer), when both hashes exist.
    pub tlsh_distance: Option<i32>,
    /// Extracted signals.
    pub signals: PageSignals,
    /// Evidence: final URL, redirects, status, headers, body hash.
    pub evidence: Evidence,
}

/// Evidence kept with a judgement.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    /// URL as requested.
    pub url: String,
    /// Final URL.
    pub final_url: String,
    /// Redirect chain.
    pub redirects: Vec<Hop>,
    /// Final status.
    pub status: u16,
    /// Selected headers.
    pub headers: Vec<(String, String)>,
    /// SHA-256 of the body.
    pub body_sha256: String,
    /// Body size.
    pub body_bytes: usize,
    /// Fetch time (Unix seconds).
    pub fetched_at: u64,
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("static selector")
}

fn field_kind(hay: &str) -> &'static str {
    let h = hay.to_lowercase();
    let any = |ws: &[&str]| ws.iter().any(|w| h.contains(w));
    if any(&["验证码", "captcha", "yzm", "vcode", "checkcode", "verifycode"]) {
        "captcha"
    } else if any(&["身份证", "证件号", "sfz", "idcard", "id_card", "idno", "zjhm", "cardno", "identity"]) {
        "id_number"
    } else if any(&["证书编号", "证号", "证书号", "zsbh", "certno", "cert_no", "certnum", "zh"]) {
        "cert_number"
    } else if any(&["姓名", "xm", "realname", "username", "name"]) {
        "person_name"
    } else if any(&["证书类型", "证件类型", "certtype", "zslx", "zjlx"]) {
        "cert_type"
    } else {
        "other"
    }
}

struct Patterns {
    icp: Regex,
    psb: Regex,
    code: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        icp: Regex::new(
            r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]ICP[备证][0-9]{4,12}号(?:-[0-9]+)?",
        )
        .expect("re"),
        psb: Regex::new(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]公网安备\s*[0-9]{8,16}号?")
            .expect("re"),
        code: Regex::new(r"(?i)政府网站标识码\s*[:：]?\s*([a-z0-9]{6,20})").expect("re"),
    })
}

/// Extracts the signals of an HTML document.
pub fn extract(html: &str, profile: &Profile) -> PageSignals {
    let doc = Html::parse_document(html);
    let title = doc
        .select(&sel("title"))
        .next()
        .map(|t| t.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    // visible text: text nodes not under script/style/noscript/template/head
    let mut parts: Vec<&str> = Vec::new();
    for node in doc.tree.nodes() {
        if let Node::Text(t) = node.value() {
            let hidden = node.ancestors().any(|a| match a.value() {
                Node::Element(e) => matches!(e.name(), "script" | "style" | "noscript" | "template" | "head"),
                _ => false,
            });
            if !hidden {
                parts.push(t);
            }
        }
    }
    // placeholders and button values are visible too
    let mut extra: Vec<String> = Vec::new();
    for e in doc.select(&sel("input, textarea, button")) {
        for a in ["placeholder", "value"] {
            if let Some(v) = e.value().attr(a)
                && !matches!(e.value().attr("type"), Some("hidden"))
            {
                extra.push(v.to_string());
            }
        }
    }
    let text = parts
        .iter()
        .copied()
        .chain(extra.iter().map(String::as_str))
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ");
    // labels by `for`
    let mut labels: HashMap<String, String> = HashMap::new();
    for l in doc.select(&sel("label[for]")) {
        if let Some(f) = l.value().attr("for") {
            labels.insert(f.to_string(), l.text().collect::<String>().trim().to_string());
        }
    }
    let field_of = |e: scraper::ElementRef| -> Option<Field> {
        let v = e.value();
        let ty = if v.name() == "input" {
            v.attr("type").unwrap_or("text").to_ascii_lowercase()
        } else {
            v.name().to_string()
        };
        if matches!(ty.as_str(), "hidden" | "submit" | "button" | "reset" | "image") {
            return None;
        }
        let name = v.attr("name").or(v.attr("id")).unwrap_or("").to_string();
        let mut label = v.attr("placeholder").unwrap_or("").to_string();
        if let Some(l) = v.attr("id").and_then(|id| labels.get(id)) {
            label = format!("{l} {label}").trim().to_string();
        }
        let kind = field_kind(&format!("{label} {name}"));
        Some(Field { name, r#type: ty, label, kind })
    };
    let mut forms = Vec::new();
    let input_sel = sel("input, select, textarea");
    for f in doc.select(&sel("form")) {
        let fields: Vec<Field> = f.select(&input_sel).filter_map(field_of).collect();
        forms.push(Form {
            action: f.value().attr("action").unwrap_or("").to_string(),
            method: f.value().attr("method").unwrap_or("get").to_ascii_lowercase(),
            fields,
        });
    }
    let loose: Vec<Field> = doc
        .select(&input_sel)
        .filter(|e| !e.ancestors().any(|a| matches!(a.value(), Node::Element(x) if x.name() == "form")))
        .filter_map(field_of)
        .collect();
    if !loose.is_empty() {
        forms.push(Form { action: String::new(), method: String::new(), fields: loose });
    }
    let hay = format!("{title} {text}");
    let mut official_names: Vec<String> = Vec::new();
    for n in profile.chinese_names.iter().chain(&profile.traditional_names) {
        if hay.contains(n.as_str()) && !official_names.contains(n) {
            official_names.push(n.clone());
        }
    }
    let p = patterns();
    let mut footer = Footer {
        icp: p.icp.find_iter(&hay).map(|m| m.as_str().to_string()).collect(),
        public_security: p.psb.find_iter(&hay).map(|m| m.as_str().to_string()).collect(),
        gov_site_code: p.code.captures_iter(&hay).filter_map(|c| c.get(1)).map(|m| m.as_str().to_string()).collect(),
        party_gov_mark: hay.contains("党政机关"),
    };
    for img in doc.select(&sel("img, a")) {
        let v = img.value();
        let attrs = [v.attr("src"), v.attr("alt"), v.attr("title"), v.attr("href")];
        if attrs.iter().flatten().any(|a| a.contains("党政机关") || a.contains("dzjg")) {
            footer.party_gov_mark = true;
        }
    }
    for l in [&mut footer.icp, &mut footer.public_security, &mut footer.gov_site_code] {
        l.dedup();
    }
    let tlsh = tlsh_of(&text).map(|h| String::from_utf8_lossy(&h).into_owned());
    PageSignals { title, text, forms, official_names, footer, tlsh }
}

fn tlsh_of(text: &str) -> Option<[u8; 72]> {
    tlsh2::TlshDefaultBuilder::build_from(text.as_bytes()).map(|t| t.hash())
}

fn tlsh_distance(a: &str, b: &str) -> Option<i32> {
    let x = tlsh2::TlshDefaultBuilder::build_from(a.as_bytes())?;
    let y = tlsh2::TlshDefaultBuilder::build_from(b.as_bytes())?;
    Some(x.diff(&y, true))
}

/// Dice similarity of the multisets of character bigrams (spaces ignored), in 0..=1.
pub fn text_similarity(a: &str, b: &str) -> f64 {
    fn bigrams(s: &str) -> HashMap<(char, char), u32> {
        let cs: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
        let mut m = HashMap::new();
        for w in cs.windows(2) {
            *m.entry((w[0], w[1])).or_insert(0) += 1;
        }
        m
    }
    let (x, y) = (bigrams(a), bigrams(b));
    let (nx, ny): (u32, u32) = (x.values().sum(), y.values().sum());
    if nx + ny == 0 {
        return 0.0;
    }
    let common: u32 = x.iter().map(|(k, v)| (*v).min(*y.get(k).unwrap_or(&0))).sum();
    2.0 * f64::from(common) / f64::from(nx + ny)
}

/// Judges signals of a page found at `final_url` against the profile (pure: no I/O).
pub fn judge_signals(
    signals: &PageSignals,
    final_url: &str,
    profile: &Profile,
) -> (Verdict, i32, Vec<Reason>, bool, f64, Option<i32>) {
    let host = url::Url::parse(final_url).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_default();
    let scorer = DomainScorer::new(profile);
    let domain = scorer.score(&host).ok();
    let official_host = domain.as_ref().is_some_and(|d| d.official);
    let mut reasons = Vec::new();
    let r = profile.reference.clone();
    if !signals.official_names.is_empty() {
        let pts = 20 + 10 * (signals.official_names.len() as i32 - 1).min(2);
        reasons.push(Reason { code: "official_name", points: pts, detail: signals.official_names.join(",") });
    }
    if !signals.title.is_empty()
        && (signals.title.contains(&r.title) || text_similarity(&signals.title, &r.title) >= 0.6)
    {
        reasons.push(Reason { code: "reference_title", points: 15, detail: signals.title.clone() });
    }
    let kinds: Vec<&str> = signals.forms.iter().flat_map(|f| f.fields.iter().map(|x| x.kind)).collect();
    let has = |k: &str| kinds.contains(&k);
    if has("id_number") && (has("person_name") || has("cert_number")) {
        reasons.push(Reason {
            code: "certificate_query_form",
            points: 25,
            detail: "ID number with name or certificate number".into(),
        });
        if has("captcha") {
            reasons.push(Reason { code: "captcha_field", points: 5, detail: "captcha like the official form".into() });
        }
    } else if has("cert_number") || has("id_number") {
        reasons.push(Reason { code: "query_field", points: 10, detail: "a certificate or ID number field".into() });
    }
    let f = &signals.footer;
    if !f.gov_site_code.is_empty() {
        reasons.push(Reason { code: "gov_site_code", points: 30, detail: f.gov_site_code.join(",") });
    }
    if f.party_gov_mark {
        reasons.push(Reason { code: "party_gov_mark", points: 25, detail: "党政机关网站标识".into() });
    }
    if !f.public_security.is_empty() || !f.icp.is_empty() {
        let copied =
            f.icp.iter().chain(&f.public_security).any(|x| r.footer.iter().any(|rf| x.starts_with(rf.as_str())));
        let pts = if copied { 10 } else { 0 };
        reasons.push(Reason {
            code: "filing_numbers",
            points: pts,
            detail: f.icp.iter().chain(&f.public_security).cloned().collect::<Vec<_>>().join(","),
        });
    }
    let sim = text_similarity(&signals.text, &r.text);
    if sim >= 0.2 {
        reasons.push(Reason {
            code: "text_similarity",
            points: ((sim * 40.0).round() as i32).min(40),
            detail: format!("{sim:.2} with the reference text"),
        });
    }
    let td = tlsh_distance(&signals.text, &r.text);
    if let Some(d) = td {
        let pts = if d < 100 {
            20
        } else if d < 200 {
            10
        } else {
            0
        };
        if pts > 0 {
            reasons.push(Reason { code: "tlsh", points: pts, detail: format!("TLSH distance {d}") });
        }
    }
    if let Some(d) = &domain
        && d.flagged
    {
        reasons.push(Reason {
            code: "lookalike_host",
            points: (d.score / 4).min(25),
            detail: format!("{} scores {}", d.domain, d.score),
        });
    }
    let mut score: i32 = reasons.iter().map(|x| x.points).sum();
    let verdict = if official_host {
        reasons.push(Reason {
            code: "official_host",
            points: -score,
            detail: format!("{host} is an official or government host"),
        });
        score = 0;
        Verdict::Unrelated
    } else if score >= IMPERSONATES {
        Verdict::Impersonates
    } else if score >= SUSPICIOUS {
        Verdict::Suspicious
    } else {
        Verdict::Unrelated
    };
    (verdict, score, reasons, official_host, sim, td)
}

/// Judges a fetched page.
pub fn judge(page: &Fetched, profile: &Profile) -> PageJudgement {
    let html = String::from_utf8_lossy(&page.body);
    let signals = extract(&html, profile);
    let (verdict, score, reasons, official_host, text_similarity, tlsh_distance) =
        judge_signals(&signals, &page.final_url, profile);
    PageJudgement {
        verdict,
        score,
        reasons,
        official_host,
        text_similarity,
        tlsh_distance,
        signals,
        evidence: Evidence {
            url: page.url.clone(),
            final_url: page.final_url.clone(),
            redirects: page.redirects.clone(),
            status: page.status,
            headers: page.headers.clone(),
            body_sha256: page.body_sha256.clone(),
            body_bytes: page.body_bytes,
            fetched_at: page.fetched_at,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) const FAKE: &str = include_str!("../tests/fixtures/pages/fake_query.html");

    #[test]
    fn extracts_forms_names_and_footer() {
        let p = Profile::default_profile();
        let s = extract(FAKE, &p);
        assert!(s.title.contains("特种作业操作证"), "{}", s.title);
        let kinds: Vec<&str> = s.forms.iter().flat_map(|f| f.fields.iter().map(|x| x.kind)).collect();
        for k in ["id_number", "person_name", "captcha"] {
            assert!(kinds.contains(&k), "{k} in {kinds:?}");
        }
        assert!(s.official_names.iter().any(|n| n == "应急管理部"));
        assert_eq!(s.footer.gov_site_code, ["bm94000001"]);
        assert!(s.footer.party_gov_mark);
        assert!(!s.text.contains("var x"), "script text leaked: {}", s.text);
        assert!(s.tlsh.is_some());
    }

    #[test]
    fn verdicts_depend_on_the_host() {
        let p = Profile::default_profile();
        let s = extract(FAKE, &p);
        let (v, score, reasons, off, _, _) = judge_signals(&s, "http://cx.mem.gov.cn.zscx.top/", &p);
        assert_eq!(v, Verdict::Impersonates, "{score} {reasons:?}");
        assert!(!off);
        assert_eq!(score, reasons.iter().map(|r| r.points).sum::<i32>());
        let (v, score, _, off, _, _) = judge_signals(&s, "https://cx.mem.gov.cn/", &p);
        assert_eq!((v, score, off), (Verdict::Unrelated, 0, true));
        let plain =
            extract("<html><head><title>Shop</title></head><body><p>Buy shoes online today</p></body></html>", &p);
        let (v, _, _, _, _, _) = judge_signals(&plain, "https://shoes.example.com/", &p);
        assert_eq!(v, Verdict::Unrelated);
    }

    #[test]
    fn a_bare_query_form_is_suspicious() {
        let p = Profile::default_profile();
        let html = r#"<html><head><title>证书查询</title></head><body>
            <input name="idcard" placeholder="身份证号"><input name="name" placeholder="姓名">
            <button>查询</button></body></html>"#;
        let s = extract(html, &p);
        let (v, score, reasons, _, _, _) = judge_signals(&s, "https://zs-query.example.com/", &p);
        assert_eq!(v, Verdict::Suspicious, "{score} {reasons:?}");
        assert!(reasons.iter().any(|r| r.code == "certificate_query_form"));
    }

    #[test]
    fn similarity_bounds() {
        assert!((text_similarity("证书查询", "证书查询") - 1.0).abs() < 1e-9);
        assert_eq!(text_similarity("", ""), 0.0);
        assert_eq!(text_similarity("ab", "cd"), 0.0);
    }

    #[test]
    fn garbage_html_does_not_panic() {
        let p = Profile::default_profile();
        for h in ["", "<", "<form><input name=", "\u{0}\u{1}<<<>>>", &"<div>".repeat(5000)] {
            let _ = extract(h, &p);
        }
    }
}
