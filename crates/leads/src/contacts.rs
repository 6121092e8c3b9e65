//! The seller's contacts in an ad's text: mobile numbers, WeChat and QQ accounts. Ten ads with one contact are
//! one seller; the contact becomes a lead of its own, linked to each ad.

use crate::{ContactKind, key::contact_key};
use regex::Regex;
use std::sync::OnceLock;

/// A contact found in a text: its key, the value as normalised, and where it stands in the original text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundContact {
    pub kind: ContactKind,
    /// `mobile:13800138000`, `wechat:abc123`, `qq:12345678`.
    pub key: String,
    /// Byte range in the original text.
    pub start: usize,
    pub end: usize,
}

/// At most this many contacts are taken from one text (an ad listing hundreds is a list, not an ad).
pub const MAX_CONTACTS: usize = 16;

struct Patterns {
    mobile: Regex,
    wechat: Regex,
    qq: Regex,
}

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| Patterns {
        // Eleven digits, maybe split by spaces or dashes, not part of a longer number.
        mobile: Regex::new(r"(?:^|[^0-9])((?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]){8})(?:[^0-9]|$)").unwrap(),
        // A WeChat cue and the account after it (homophones and the usual abbreviations).
        wechat: Regex::new(
            r"(?i)(?:微信|薇信|威信|徽信|微心|v信|vx|wx|weixin|加v|\+v|薇|威)\s*(?:号|id)?\s*[:：]?\s*([a-z][-_a-z0-9]{5,19}|1[3-9][0-9]{9})",
        )
        .unwrap(),
        qq: Regex::new(r"(?i)(?:qq|扣扣|企鹅|q\s*q)\s*(?:号)?\s*[:：]?\s*([1-9][0-9]{4,10})(?:[^0-9]|$)").unwrap(),
    })
}

/// Full-width digits, letters and colons folded to ASCII, with each folded byte's offset in the original.
fn fold(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
    for (i, c) in text.char_indices() {
        let f = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        };
        for _ in 0..f.len_utf8() {
            origin.push(i);
        }
        out.push(f);
    }
    origin.push(text.len());
    (out, origin)
}

/// The contacts in `text`, deduplicated by key, in order of first appearance.
pub fn find_contacts(text: &str) -> Vec<FoundContact> {
    let (folded, origin) = fold(text);
    let p = patterns();
    let mut found: Vec<FoundContact> = Vec::new();
    let mut push = |kind: ContactKind, m: regex::Match<'_>| {
        if found.len() >= MAX_CONTACTS {
            return;
        }
        if let Ok(key) = contact_key(kind, m.as_str()) {
            let start = origin[m.start()];
            let end = origin.get(m.end()).copied().unwrap_or(text.len());
            // The end of the last folded character maps to the start of the next original one.
            let end = if m.end() < folded.len() { end } else { text.len() };
            if !found.iter().any(|f| f.key == key) {
                found.push(FoundContact { kind, key, start, end });
            }
        }
    };
    for c in p.wechat.captures_iter(&folded) {
        push(ContactKind::Wechat, c.get(1).unwrap());
    }
    for c in p.qq.captures_iter(&folded) {
        push(ContactKind::Qq, c.get(1).unwrap());
    }
    // The mobile pattern eats the character before and after; scan from each match's number on.
    let mut at = 0;
    while let Some(c) = p.mobile.captures_at(&folded, at) {
        let m = c.get(1).unwrap();
        push(ContactKind::Mobile, m);
        at = m.end();
    }
    found.sort_by_key(|f| f.start);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        find_contacts(text).into_iter().map(|f| f.key).collect()
    }

    #[test]
    fn finds_the_usual_spellings() {
        assert_eq!(keys("电工证免考包过，联系138 0013 8000"), ["mobile:13800138000"]);
        assert_eq!(keys("加薇：zhengshu_88 速度拿证"), ["wechat:zhengshu_88"]);
        assert_eq!(keys("VX:ABC12345，QQ：123456789"), ["wechat:abc12345", "qq:123456789"]);
        assert_eq!(keys("扣扣１２３４５６７８９"), ["qq:123456789"]);
        assert_eq!(keys("微信同号13900001111，电话13900001111"), ["mobile:13900001111"]);
        assert!(keys("证书编号 T110101199003070011，有效期至2030年").is_empty());
        assert!(keys("订单号 2138001380001").is_empty());
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let text = "办证请加ＶＸ：ａｂｃ１２３４５ 或电话13800138000";
        let found = find_contacts(text);
        assert_eq!(found.len(), 2);
        assert_eq!(&text[found[0].start..found[0].end], "ａｂｃ１２３４５");
        assert_eq!(&text[found[1].start..found[1].end], "13800138000");
    }

    #[test]
    fn a_list_of_numbers_is_capped() {
        let text: String = (0..100).map(|i| format!("电话1380013{i:04} ")).collect();
        assert_eq!(find_contacts(&text).len(), MAX_CONTACTS);
    }
}
