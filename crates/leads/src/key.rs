//! The keys that deduplicate leads: a re-detection of the same thing finds the same key and updates the lead.
//!
//! - a domain by its registrable domain (`www.fake-mem.cn` and `cx.fake-mem.cn` are one lead), IDNs in
//!   punycode;
//! - an address by scheme, host, port and path (the query and fragment may carry a victim's data and make
//!   every visit look new);
//! - a contact by its kind and its normalised value (`mobile:13800138000`, whatever the spacing or `+86`);
//! - an ad by a hash of its text with spacing and ASCII case folded.

use crate::ContactKind;
use sha2::{Digest, Sha256};

/// Why a value cannot be a lead's key.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not a domain name: {0}")]
    Domain(String),
    #[error("no registrable domain (a public suffix alone): {0}")]
    Suffix(String),
    #[error("not an http(s) address: {0}")]
    Url(String),
    #[error("not a {kind} contact: {value}")]
    Contact { kind: &'static str, value: String },
    #[error("empty ad text")]
    EmptyAd,
}

/// Longest address kept as a key.
pub const MAX_URL: usize = 2048;

fn shown(s: &str) -> String {
    s.chars().take(80).collect()
}

/// A host name in lower-case ASCII (IDNs as punycode), checked label by label.
pub fn ascii_host(host: &str) -> Result<String, KeyError> {
    let h = host.trim().trim_end_matches('.');
    if h.is_empty() || h.len() > 253 * 4 {
        return Err(KeyError::Domain(shown(host)));
    }
    let ascii = if h.is_ascii() {
        h.to_ascii_lowercase()
    } else {
        idna::domain_to_ascii(h).map_err(|_| KeyError::Domain(shown(host)))?
    };
    let ok_label = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    };
    if ascii.len() > 253 || !ascii.split('.').all(ok_label) || !ascii.contains('.') {
        return Err(KeyError::Domain(shown(host)));
    }
    Ok(ascii)
}

/// The key of a domain lead: its registrable domain.
pub fn domain_key(host: &str) -> Result<String, KeyError> {
    let ascii = ascii_host(host)?;
    match psl::domain_str(&ascii) {
        Some(d) => Ok(d.to_string()),
        None => Err(KeyError::Suffix(ascii)),
    }
}

/// An address's key and, when its host is a name (not an IP address), its domain's key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlKey {
    pub key: String,
    pub domain: Option<String>,
}

/// The key of an address lead: scheme, host, port and path; a missing scheme reads as `http://`.
pub fn url_key(raw: &str) -> Result<UrlKey, KeyError> {
    let raw = raw.trim();
    if raw.len() > MAX_URL {
        return Err(KeyError::Url(shown(raw)));
    }
    let parsed = match url::Url::parse(raw) {
        Ok(u) => u,
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            url::Url::parse(&format!("http://{raw}")).map_err(|_| KeyError::Url(shown(raw)))?
        }
        Err(_) => return Err(KeyError::Url(shown(raw))),
    };
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(KeyError::Url(shown(raw)));
    }
    let (host, domain) = match parsed.host() {
        Some(url::Host::Domain(d)) => {
            let ascii = ascii_host(d)?;
            let domain = domain_key(&ascii).ok();
            (ascii, domain)
        }
        Some(url::Host::Ipv4(a)) => (a.to_string(), None),
        Some(url::Host::Ipv6(a)) => (format!("[{a}]"), None),
        None => return Err(KeyError::Url(shown(raw))),
    };
    let port = parsed.port().map(|p| format!(":{p}")).unwrap_or_default();
    let key = format!("{}://{host}{port}{}", parsed.scheme(), parsed.path());
    if key.len() > MAX_URL {
        return Err(KeyError::Url(shown(raw)));
    }
    Ok(UrlKey { key, domain })
}

/// The key of a contact lead: `<kind>:<normalised value>`.
///
/// - mobile: the eleven digits of a mainland number (`1[3-9]…`), without `+86`, spaces or dashes;
/// - WeChat: 6–20 letters, digits, `_` or `-`, starting with a letter, case folded (WeChat ignores case); a
///   WeChat account that is a mobile number is keyed as that mobile;
/// - QQ: 5–11 digits, not starting with 0.
pub fn contact_key(kind: ContactKind, raw: &str) -> Result<String, KeyError> {
    let bad = || KeyError::Contact { kind: kind.code(), value: shown(raw) };
    let v: String = raw.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '\u{3000}')).collect();
    match kind {
        ContactKind::Mobile => mobile(&v).map(|m| format!("mobile:{m}")).ok_or_else(bad),
        ContactKind::Wechat => {
            if let Some(m) = mobile(&v) {
                return Ok(format!("mobile:{m}"));
            }
            let ok = (6..=20).contains(&v.len())
                && v.starts_with(|c: char| c.is_ascii_alphabetic())
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if ok { Ok(format!("wechat:{}", v.to_ascii_lowercase())) } else { Err(bad()) }
        }
        ContactKind::Qq => {
            let ok = (5..=11).contains(&v.len()) && !v.starts_with('0') && v.bytes().all(|b| b.is_ascii_digit());
            if ok { Ok(format!("qq:{v}")) } else { Err(bad()) }
        }
    }
}

/// A mainland mobile number's eleven digits, with any `+86`/`0086`/`86` prefix removed.
fn mobile(v: &str) -> Option<String> {
    let digits = v.strip_prefix('+').unwrap_or(v);
    let digits = digits.strip_prefix("0086").or_else(|| digits.strip_prefix("86")).unwrap_or(digits);
    let b = digits.as_bytes();
    let ok = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit);
    ok.then(|| digits.to_string())
}

/// The key of an ad lead: the first 16 bytes of SHA-256 over its text with runs of white space collapsed and
/// ASCII letters lower-cased, in hex. The same ad posted again is the same lead.
pub fn ad_key(text: &str) -> Result<String, KeyError> {
    let folded: Vec<String> = text.split_whitespace().map(|w| w.to_ascii_lowercase()).collect();
    if folded.is_empty() {
        return Err(KeyError::EmptyAd);
    }
    let digest = Sha256::digest(folded.join(" ").as_bytes());
    Ok(hex::encode(&digest[..16]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn domains_share_a_key_with_their_subdomains() {
        assert_eq!(domain_key("www.Fake-Mem.cn.").unwrap(), "fake-mem.cn");
        assert_eq!(domain_key("cx.fake-mem.cn").unwrap(), "fake-mem.cn");
        assert_eq!(domain_key("a.b.yjj.gov.cn").unwrap(), "yjj.gov.cn");
        let idn = domain_key("www.应急管理.中国").unwrap();
        assert!(idn.starts_with("xn--") && idn.ends_with(".xn--fiqs8s"), "{idn}");
        assert_eq!(domain_key(&idn).unwrap(), idn);
        assert!(matches!(domain_key("gov.cn"), Err(KeyError::Suffix(_))));
        for bad in ["", "localhost", "a..b.cn", "-a.cn", "a b.cn", &"a".repeat(64).add(".cn")] {
            assert!(domain_key(bad).is_err(), "{bad}");
        }
    }

    trait Add {
        fn add(self, s: &str) -> String;
    }
    impl Add for String {
        fn add(mut self, s: &str) -> String {
            self.push_str(s);
            self
        }
    }

    #[test]
    fn addresses_drop_what_varies_per_visit() {
        let k = url_key("HTTPS://User:pw@CX.Fake-Mem.cn/query?id=110101199003070011#x").unwrap();
        assert_eq!(k.key, "https://cx.fake-mem.cn/query");
        assert_eq!(k.domain.as_deref(), Some("fake-mem.cn"));
        assert_eq!(url_key("fake-mem.cn/q").unwrap().key, "http://fake-mem.cn/q");
        assert_eq!(
            url_key("http://10.0.0.1:8080/x").unwrap(),
            UrlKey { key: "http://10.0.0.1:8080/x".into(), domain: None }
        );
        for bad in ["javascript:alert(1)", "ftp://a.cn/", "http://", &format!("http://a.cn/{}", "x".repeat(MAX_URL))] {
            assert!(url_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn contacts_fold_their_spelling() {
        let m = |s| contact_key(ContactKind::Mobile, s);
        assert_eq!(m("138 0013 8000").unwrap(), "mobile:13800138000");
        assert_eq!(m("+86-138-0013-8000").unwrap(), "mobile:13800138000");
        assert_eq!(m("008613800138000").unwrap(), "mobile:13800138000");
        assert!(m("12800138000").is_err() && m("1380013800").is_err());
        let w = |s| contact_key(ContactKind::Wechat, s);
        assert_eq!(w("ZhengShu_88").unwrap(), "wechat:zhengshu_88");
        assert_eq!(w("13800138000").unwrap(), "mobile:13800138000");
        assert!(w("8zhengshu").is_err() && w("abc").is_err() && w("证书办理123").is_err());
        let q = |s| contact_key(ContactKind::Qq, s);
        assert_eq!(q("123456789").unwrap(), "qq:123456789");
        assert!(q("0123456").is_err() && q("1234").is_err());
    }

    #[test]
    fn an_ad_posted_again_has_the_same_key() {
        assert_eq!(ad_key("免考  拿证\nVX: ABC").unwrap(), ad_key("免考 拿证 vx: abc").unwrap());
        assert_ne!(ad_key("免考拿证").unwrap(), ad_key("免考拿证！").unwrap());
        assert_eq!(ad_key(" \n\t"), Err(KeyError::EmptyAd));
    }

    proptest! {
        #[test]
        fn keys_never_panic_and_are_stable(s in "\\PC{0,80}") {
            if let Ok(k) = domain_key(&s) { prop_assert_eq!(domain_key(&k).unwrap(), k); }
            if let Ok(k) = url_key(&s) { prop_assert_eq!(url_key(&k.key).unwrap(), k); }
            for kind in ContactKind::ALL {
                if let Ok(k) = contact_key(kind, &s) {
                    let (_, v) = k.split_once(':').unwrap();
                    prop_assert_eq!(contact_key(kind, v).unwrap(), k);
                }
            }
        }
    }
}
