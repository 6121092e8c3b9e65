//! Normalisation of ad text, keeping a map back to the original characters.
//!
//! Steps (design "Fake-certificate ads"): NFKC per character (full-width to half-width, circled digits to
//! digits), ASCII lower case, zero-width characters, variation selectors and emoji dropped, spaces and filler
//! symbols between CJK characters (and between digits) dropped, then variants mapped: 薇/威信/V信/VX/vx/wx ->
//! 微信, 扣扣/企鹅 -> qq. Every output character remembers the index of the original character it came from, so
//! matches found in the normalised text are reported as spans of the ORIGINAL text (character offsets).

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use unicode_normalization::UnicodeNormalization;

/// Normalised text and, for each of its characters, the original character index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// `map[i]` = index (in characters) in the original text of the i-th character of `text`.
    pub map: Vec<usize>,
    /// Byte offset in `text` of each character, plus `text.len()` at the end.
    pub byte_starts: Vec<usize>,
}

impl Normalized {
    /// Original character span `[start, end)` of the normalised byte range `[bstart, bend)`.
    pub fn original_span(&self, bstart: usize, bend: usize) -> (usize, usize) {
        let s = self.byte_starts.partition_point(|&b| b < bstart);
        let e = self.byte_starts.partition_point(|&b| b < bend);
        if s >= self.map.len() || e == 0 {
            return (0, 0);
        }
        (self.map[s], self.map[e - 1] + 1)
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

fn is_dropped(c: char) -> bool {
    matches!(c as u32,
        0x200B..=0x200F | 0x2060..=0x2064 | 0xFEFF | 0xFE00..=0xFE0F | 0x20E3 | 0xE0020..=0xE007F
        | 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2190..=0x21FF
        | 0x3030 | 0x303D | 0x3297 | 0x3299 | 0x00AD)
}

/// Spaces and filler symbols that obfuscators put between characters.
fn is_filler(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '·' | '•'
                | '*'
                | '-'
                | '_'
                | '~'
                | '|'
                | '/'
                | '\\'
                | '.'
                | '、'
                | '丨'
                | '+'
                | '#'
                | '^'
                | '`'
                | '\''
                | '"'
        )
}

const VARIANTS: &[(&str, &str)] = &[
    ("薇信", "微信"),
    ("威信", "微信"),
    ("徽信", "微信"),
    ("微芯", "微信"),
    ("维信", "微信"),
    ("v信", "微信"),
    ("vx", "微信"),
    ("wx", "微信"),
    ("weixin", "微信"),
    ("wechat", "微信"),
    ("加薇", "加微信"),
    ("加vx", "加微信"),
    ("加wx", "加微信"),
    ("+vx", "加微信"),
    ("+wx", "加微信"),
    ("加v信", "加微信"),
    ("+薇", "加微信"),
    ("加v", "加微信"),
    ("+v", "加微信"),
    ("薇", "微信"),
    ("扣扣", "qq"),
    ("企鹅号", "qq"),
    ("企鹅", "qq"),
    ("扣群", "qq群"),
    ("q群", "qq群"),
    ("君羊", "群"),
    ("電話", "电话"),
    ("証", "证"),
    ("證", "证"),
];

fn variants() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(VARIANTS.iter().map(|(k, _)| *k))
            .expect("variant patterns build")
    })
}

/// Normalises ad text (see the module docs).
pub fn normalize(original: &str) -> Normalized {
    // 1. NFKC per character, lower case, drop invisible and emoji.
    let mut chars: Vec<(char, usize)> = Vec::with_capacity(original.len());
    for (i, ch) in original.chars().enumerate() {
        if is_dropped(ch) {
            continue;
        }
        if ch.is_ascii() {
            chars.push((ch.to_ascii_lowercase(), i));
            continue;
        }
        for c in std::iter::once(ch).nfkc() {
            if is_dropped(c) {
                continue;
            }
            let c = match c {
                '：' => ':',
                '，' => ',',
                '￥' => '¥',
                c => c,
            };
            for l in c.to_lowercase() {
                chars.push((l, i));
            }
        }
    }
    // 2. Drop runs of filler between two CJK characters or between two digits.
    let mut kept: Vec<(char, usize)> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].0;
        if is_filler(c)
            && let Some(&(prev, _)) = kept.last()
        {
            let mut j = i;
            while j < chars.len() && is_filler(chars[j].0) {
                j += 1;
            }
            if j < chars.len() {
                let next = chars[j].0;
                let short = j - i <= 3;
                if short
                    && ((is_cjk(prev) && is_cjk(next))
                        || (prev.is_ascii_digit() && next.is_ascii_digit()))
                {
                    i = j;
                    continue;
                }
            }
        }
        kept.push(chars[i]);
        i += 1;
    }
    // 3. Variants.
    let joined: String = kept.iter().map(|(c, _)| *c).collect();
    let mut starts = Vec::with_capacity(kept.len() + 1);
    for (b, _) in joined.char_indices() {
        starts.push(b);
    }
    let mut text = String::with_capacity(joined.len());
    let mut map = Vec::with_capacity(kept.len());
    let mut last = 0usize;
    let char_at = |b: usize| starts.partition_point(|&s| s < b);
    for m in variants().find_iter(&joined) {
        for (k, c) in joined[last..m.start()].chars().enumerate() {
            text.push(c);
            map.push(kept[char_at(last) + k].1);
        }
        let first = kept[char_at(m.start())].1;
        let lastc = kept[char_at(m.end()) - 1].1;
        let rep: Vec<char> = VARIANTS[m.pattern().as_usize()].1.chars().collect();
        let n = rep.len();
        for (k, c) in rep.into_iter().enumerate() {
            text.push(c);
            map.push(if k + 1 == n { lastc } else { first });
        }
        last = m.end();
    }
    let base = char_at(last);
    for (k, c) in joined[last..].chars().enumerate() {
        text.push(c);
        map.push(kept[base + k].1);
    }
    let mut byte_starts: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    byte_starts.push(text.len());
    Normalized {
        text,
        map,
        byte_starts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullwidth_spaces_emoji_and_variants() {
        let n = normalize("免 考 包 过🔥加ＶＸ：ＡＢＣ１２３４５");
        assert_eq!(n.text, "免考包过加微信:abc12345");
        let n = normalize("扣扣 ①②③④⑤⑥");
        assert_eq!(n.text, "qq 123456");
        let n = normalize("电\u{200b}工\u{200d}证");
        assert_eq!(n.text, "电工证");
        assert_eq!(normalize("138 0013 8000").text, "13800138000");
    }

    #[test]
    fn spans_point_into_the_original_text() {
        let orig = "你好，免 · 考🔥包过";
        let n = normalize(orig);
        let b = n.text.find("免考").unwrap();
        let (s, e) = n.original_span(b, b + "免考".len());
        let chars: Vec<char> = orig.chars().collect();
        assert_eq!(chars[s..e].iter().collect::<String>(), "免 · 考");
        let b = n.text.find("包过").unwrap();
        let (s, e) = n.original_span(b, b + "包过".len());
        assert_eq!(chars[s..e].iter().collect::<String>(), "包过");
        // a variant replaced by a longer word maps to the whole original variant
        let orig = "加薇zs8888";
        let n = normalize(orig);
        assert_eq!(n.text, "加微信zs8888");
        let b = n.text.find("加微信").unwrap();
        assert_eq!(n.original_span(b, b + "加微信".len()), (0, 2));
    }

    #[test]
    fn spaces_between_latin_words_stay() {
        assert_eq!(normalize("Hello World").text, "hello world");
        assert_eq!(normalize("").text, "");
    }
}
