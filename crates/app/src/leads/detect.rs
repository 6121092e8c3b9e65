//! From a detector's answer to the leads it makes: a flagged domain, a flagged ad with the contacts and
//! addresses it gives (linked to it), an address found in a scanned QR code with its domain. Pure: the time is
//! passed in, nothing is stored here.

use certguard_leads::key::{contact_key, domain_key, url_key};
use certguard_leads::{ContactKind, Detection, Evidence, LeadKind, Reason, Relation, Span};
use certguard_sentinel::ads::{self, AdScan, AdScanner};
use certguard_sentinel::domains::{DomainScore, DomainScorer};
use certguard_sentinel::profile::Profile;
use certguard_store::LeadBatch;
use chrono::{DateTime, Utc};
use std::sync::OnceLock;

/// One scorer for every official profile (a ring copies whichever authority it likes).
pub fn domain_scorer() -> &'static DomainScorer {
    static SCORER: OnceLock<DomainScorer> = OnceLock::new();
    SCORER.get_or_init(|| DomainScorer::new(&Profile::all()))
}

pub fn ad_scanner() -> &'static AdScanner {
    static SCANNER: OnceLock<AdScanner> = OnceLock::new();
    SCANNER.get_or_init(AdScanner::new)
}

/// The domain scorer's reasons in Chinese and English.
fn domain_reason_text(code: &str) -> (&'static str, &'static str) {
    match code {
        "brand_named_site" => ("名称由官方品牌词组成", "a name made of the brand's words"),
        "brand_token" => ("含官方品牌词", "contains a brand word"),
        "chinese_official_name" => ("含官方机构中文名", "contains an official Chinese name"),
        "edit_distance" => ("与官方域名仅差几个字符", "a few characters from an official name"),
        "entropy" => ("随机字符串", "random-looking"),
        "generic_token" => ("含通用办证词", "contains a generic certificate word"),
        "gov_cn_mimic" => ("冒充 gov.cn 后缀", "mimics gov.cn"),
        "government_office_named" => ("冒用政府机关名称", "names a government office"),
        "government_query_claimed" => ("自称政府查询", "claims to be a government query"),
        "homoglyph_of_official" => ("形近字符仿冒官方域名", "homoglyph of an official name"),
        "lawful_word" => ("含培训等合法用词", "contains a lawful word"),
        "many_dashes" => ("连字符过多", "many dashes"),
        "many_labels" => ("层级过多", "many labels"),
        "mixed_script" => ("混用文字", "mixed scripts"),
        "near_official_label" => ("与官方子域名相近", "near an official label"),
        "official" => ("官方域名", "official"),
        "official_domain_embedded" => ("嵌入官方域名", "embeds an official domain"),
        "official_domain_folded" => ("官方域名去点拼接", "an official domain with its dots folded"),
        "official_label_other_suffix" => ("官方名称配其他后缀", "official label under another suffix"),
        "query_service_named" => ("自称证书查询服务", "names a certificate query service"),
        "suspicious_tld" => ("可疑顶级域", "suspicious top-level domain"),
        "token_combination" => ("官方词组合", "combination of official words"),
        _ => ("其他", "other"),
    }
}

fn domain_reasons(s: &DomainScore) -> Vec<Reason> {
    s.reasons
        .iter()
        .map(|r| {
            let (zh, en) = domain_reason_text(r.code);
            Reason {
                code: r.code.to_string(),
                zh: format!("{zh}：{}", r.detail),
                en: format!("{en}: {}", r.detail),
                points: r.points,
            }
        })
        .collect()
}

/// A domain lead for `host` if the scorer flags it (and it is not official). `Err` says why a name is not one.
pub fn domain(host: &str, source: &str, seen_at: DateTime<Utc>) -> Result<Option<Detection>, String> {
    let key = domain_key(host).map_err(|e| e.to_string())?;
    let score = domain_scorer().score(host).map_err(|e| e.to_string())?;
    if score.official || !score.flagged {
        return Ok(None);
    }
    Ok(Some(Detection {
        kind: LeadKind::Domain,
        value: score.unicode.clone(),
        key,
        source: source.to_string(),
        seen_at,
        score: score.score.clamp(0, 1000),
        reasons: domain_reasons(&score),
        evidence: Evidence::default(),
        region: None,
    }))
}

/// Byte offset of the `n`th character of `s` (its length past the end).
fn byte_at(s: &str, n: usize) -> usize {
    s.char_indices().nth(n).map_or(s.len(), |(i, _)| i)
}

fn rule_reason(hit: &ads::RuleHit) -> Reason {
    let (zh, en) = hit.reason.split_once(" (").map_or((hit.reason, ""), |(zh, en)| (zh, en.trim_end_matches(')')));
    let code = serde_json::to_value(hit.rule).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    Reason { code: format!("rule:{code}"), zh: zh.to_string(), en: en.to_string(), points: 0 }
}

/// An address lead, and its domain's lead linked to it, for `raw`.
fn address(raw: &str, source: &str, seen_at: DateTime<Utc>, score: i32, batch: &mut LeadBatch) -> Option<usize> {
    let key = url_key(raw).ok()?;
    let url_at = batch.detections.len();
    batch.detections.push(Detection {
        kind: LeadKind::Url,
        value: key.key.clone(),
        key: key.key,
        source: source.to_string(),
        seen_at,
        score,
        reasons: Vec::new(),
        evidence: Evidence::default(),
        region: None,
    });
    if let Some(domain) = key.domain {
        let (dscore, reasons) = match domain_scorer().score(&domain) {
            Ok(s) if s.official => return Some(url_at),
            Ok(s) => (s.score.clamp(0, 1000), domain_reasons(&s)),
            Err(_) => (0, Vec::new()),
        };
        batch.detections.push(Detection {
            kind: LeadKind::Domain,
            value: domain.clone(),
            key: domain,
            source: source.to_string(),
            seen_at,
            score: dscore,
            reasons,
            evidence: Evidence::default(),
            region: None,
        });
        batch.links.push((url_at, url_at + 1, Relation::HostedOn));
    }
    Some(url_at)
}

/// The leads of an ad the scanner flags: the ad (its text and matched spans as evidence, its rules as
/// reasons), each contact it gives and each address, linked to the ad. `None` if not flagged.
pub fn ad(
    text: &str,
    source: &str,
    url: Option<&str>,
    seen_at: DateTime<Utc>,
    region: Option<String>,
) -> Result<Option<LeadBatch>, String> {
    let ad_key = certguard_leads::key::ad_key(text).map_err(|e| e.to_string())?;
    let scan: AdScan = ad_scanner().scan(text);
    if !scan.flagged {
        return Ok(None);
    }
    let mut spans: Vec<Span> = scan
        .phrases
        .iter()
        .filter(|p| !p.negated)
        .map(|p| Span {
            start: byte_at(text, p.span[0]),
            end: byte_at(text, p.span[1]),
            label: serde_json::to_value(p.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
        })
        .collect();
    // When the model decided, the runs that weighed most are the evidence of its reason.
    spans.extend(scan.model_grams.iter().map(|g| Span {
        start: byte_at(text, g.span[0]),
        end: byte_at(text, g.span[1]),
        label: "model".into(),
    }));
    spans.extend(scan.contacts.iter().map(|c| Span {
        start: byte_at(text, c.span[0]),
        end: byte_at(text, c.span[1]),
        label: "contact".into(),
    }));
    spans.sort_by_key(|s| (s.start, s.end));
    let first_line: String = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("").chars().take(120).collect();
    let score = scan.score.clamp(0, 1000);
    let mut batch = LeadBatch::default();
    batch.detections.push(Detection {
        kind: LeadKind::Ad,
        key: ad_key,
        value: first_line,
        source: source.to_string(),
        seen_at,
        score,
        reasons: scan.rules.iter().map(rule_reason).collect(),
        evidence: Evidence { spans, ..Evidence::default() }.with_text(text),
        region: region.clone(),
    });
    for c in &scan.contacts {
        let kind = match c.kind {
            ads::ContactKind::Mobile => ContactKind::Mobile,
            ads::ContactKind::Wechat => ContactKind::Wechat,
            ads::ContactKind::Qq => ContactKind::Qq,
            ads::ContactKind::QqGroup => continue,
            ads::ContactKind::Url => {
                if let Some(at) = address(&c.value, source, seen_at, score, &mut batch) {
                    batch.links.push((0, at, Relation::Contact));
                }
                continue;
            }
        };
        let Ok(key) = contact_key(kind, &c.value) else { continue };
        if batch.detections.iter().any(|d| d.kind == LeadKind::Contact && d.key == key) {
            continue;
        }
        let at = batch.detections.len();
        batch.detections.push(Detection {
            kind: LeadKind::Contact,
            value: key.split_once(':').map_or(key.as_str(), |(_, v)| v).to_string(),
            key,
            source: source.to_string(),
            seen_at,
            score,
            reasons: vec![Reason {
                code: "contact_in_flagged_ad".into(),
                zh: "出现在假证广告中".into(),
                en: "given in a fake-certificate ad".into(),
                points: 0,
            }],
            evidence: Evidence::default(),
            region: region.clone(),
        });
        batch.links.push((0, at, Relation::Contact));
    }
    if let Some(u) = url
        && let Some(at) = address(u, source, seen_at, score, &mut batch)
    {
        batch.links.push((0, at, Relation::Contact));
    }
    Ok(Some(batch))
}

/// The leads of an address found in a scanned QR code: the address (query and fragment dropped: they may
/// carry a victim's data) and its domain. `None` for an official site or what is not an http(s) address.
pub fn qr_address(url: &str, score: i32, verdict: &str, seen_at: DateTime<Utc>) -> Option<LeadBatch> {
    if verdict == "official" {
        return None;
    }
    let mut batch = LeadBatch::default();
    address(url, "qr_scan", seen_at, score, &mut batch)?;
    batch.detections[0].reasons.push(Reason {
        code: "qr_links_to_site".into(),
        zh: format!("证书二维码指向网站（判断：{verdict}）"),
        en: format!("a certificate QR that links to a website (judged {verdict})"),
        points: 0,
    });
    Some(batch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()
    }

    #[test]
    fn a_flagged_ad_brings_its_contacts_linked() {
        let text = "电工证焊工证免考包过，全国联网可查，3天出证，微信 zhengshu_88 电话 138 0013 8000";
        let batch =
            ad(text, "ads_api", Some("https://cx-yjgl.top/buy?id=1"), at(), Some("32".into())).unwrap().unwrap();
        let kinds: Vec<(LeadKind, &str)> = batch.detections.iter().map(|d| (d.kind, d.key.as_str())).collect();
        assert_eq!(kinds[0].0, LeadKind::Ad);
        assert!(kinds.contains(&(LeadKind::Contact, "mobile:13800138000")), "{kinds:?}");
        assert!(kinds.contains(&(LeadKind::Url, "https://cx-yjgl.top/buy")), "{kinds:?}");
        assert!(kinds.contains(&(LeadKind::Domain, "cx-yjgl.top")), "{kinds:?}");
        // Every contact and address is linked to the ad; the address to its domain.
        for (i, d) in batch.detections.iter().enumerate().skip(1) {
            let linked =
                batch.links.iter().any(|(a, b, _)| *b == i && (*a == 0 || batch.detections[*a].kind == LeadKind::Url));
            assert!(linked, "{:?} not linked", d.key);
        }
        let ad = &batch.detections[0];
        assert!(!ad.reasons.is_empty() && ad.reasons.iter().all(|r| r.code.starts_with("rule:") && !r.zh.is_empty()));
        let text_kept = ad.evidence.text_extract.as_deref().unwrap();
        for s in &ad.evidence.spans {
            assert!(text_kept.is_char_boundary(s.start) && text_kept.is_char_boundary(s.end) && s.start < s.end);
        }
        assert!(ad.evidence.spans.iter().any(|s| &text_kept[s.start..s.end] == "免考"), "{:?}", ad.evidence.spans);
    }

    #[test]
    fn warnings_and_official_sites_make_no_leads() {
        let warning = "【提醒】网上所谓“免考包过、可查可验”的电工证都是假证，请通过应急管理部官网查询。";
        assert_eq!(ad(warning, "ads_api", None, at(), None).unwrap(), None);
        assert_eq!(domain("cx.mem.gov.cn", "feed", at()).unwrap(), None);
        assert!(qr_address("https://cx.mem.gov.cn/q", 0, "official", at()).is_none());
        assert!(domain("not a domain", "feed", at()).is_err());
    }

    #[test]
    fn a_qr_address_loses_its_query() {
        let batch = qr_address("https://yjgl-zscx.top/cert?no=110101199003070011", 80, "look_alike", at()).unwrap();
        assert_eq!(batch.detections[0].key, "https://yjgl-zscx.top/cert");
        assert!(!batch.detections.iter().any(|d| d.key.contains("1101011990")));
        assert_eq!(batch.detections[1].key, "yjgl-zscx.top");
    }
}
