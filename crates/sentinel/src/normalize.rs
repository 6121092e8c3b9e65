//! Normalisation of ad text, keeping a map back to the original characters.
//!
//! Steps (design "Fake-certificate ads"): NFKC per character (full-width to half-width, circled digits to
//! digits), ASCII lower case, zero-width characters, variation selectors and emoji dropped, spaces and filler
//! symbols between CJK characters (and between digits) dropped, then variants mapped: 薇/威信/V信/VX/vx/wx ->
//! 微信, 扣扣/企鹅 -> qq. Every output character remembers the index of the original character it came from, so
//! matches found in the normalised text are reported as spans of the ORIGINAL text (character offsets).

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use unicode_normalization::UnicodeNormalization;

/// Normalised text and, for each of its bytes, where it came from in the original.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The normalised text.
    pub text: String,
    /// `char_map[b]` = index (in characters) in the original text of the character that produced byte `b` of
    /// `text` (one entry per byte, so that a match's byte offsets map back in O(1)).
    pub char_map: Vec<u32>,
    /// `byte_map[b]` = byte offset in the original text of that same original character.
    pub byte_map: Vec<u32>,
}

impl Normalized {
    /// Original character span `[start, end)` of the normalised byte range `[bstart, bend)`.
    pub fn original_span(&self, bstart: usize, bend: usize) -> (usize, usize) {
        if bstart >= bend || bend > self.char_map.len() {
            return (0, 0);
        }
        (self.char_map[bstart] as usize, self.char_map[bend - 1] as usize + 1)
    }

    /// Original text of the normalised byte range `[bstart, bend)`.
    pub fn original_text<'a>(&self, original: &'a str, bstart: usize, bend: usize) -> &'a str {
        if bstart >= bend || bend > self.byte_map.len() {
            return "";
        }
        let s = self.byte_map[bstart] as usize;
        let last = self.byte_map[bend - 1] as usize;
        let e = last + original[last..].chars().next().map_or(0, char::len_utf8);
        original.get(s..e).unwrap_or("")
    }
}

/// The traditional forms of the characters the lexicon's phrases are made of (電工證, 辦證, 免試), mapped to
/// their simplified forms; every other character is returned as it is.
fn simplified(c: char) -> char {
    match c {
        '電' => '电',
        '話' => '话',
        '書' => '书',
        '試' => '试',
        '過' => '过',
        '網' => '网',
        '辦' => '办',
        '專' => '专',
        '業' => '业',
        '種' => '种',
        '複' => '复',
        '審' => '审',
        '課' => '课',
        '詢' => '询',
        '驗' => '验',
        '號' => '号',
        '價' => '价',
        '錢' => '钱',
        '費' => '费',
        '學' => '学',
        '習' => '习',
        '場' => '场',
        '現' => '现',
        '資' => '资',
        '銲' => '焊',
        '當' => '当',
        '聯' => '联',
        '發' => '发',
        '體' => '体',
        '檢' => '检',
        '無' => '无',
        '須' => '须',
        '需' => '需',
        '員' => '员',
        '設' => '设',
        '備' => '备',
        '級' => '级',
        '證' => '证',
        '証' => '证',
        '訓' => '训',
        '練' => '练',
        '補' => '补',
        '換' => '换',
        '舊' => '旧',
        '車' => '车',
        '機' => '机',
        '這' => '这',
        '週' => '周',
        '來' => '来',
        '個' => '个',
        '們' => '们',
        '為' => '为',
        '會' => '会',
        '點' => '点',
        '壹' => '一',
        '贰' => '二',
        '貳' => '二',
        '叁' => '三',
        '參' => '三',
        '肆' => '四',
        '伍' => '五',
        '陆' => '六',
        '陸' => '六',
        '柒' => '七',
        '捌' => '八',
        '玖' => '九',
        '拾' => '十',
        '幺' => '一',
        other => other,
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
                | '【'
                | '】'
                | '〔'
                | '〕'
                | '['
                | ']'
                | '('
                | ')'
                | '（'
                | '）'
                | '⊙'
                | '—'
                | '–'
                | '='
                | '○'
                | '●'
                | '★'
                | '☆'
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
    ("正书", "证书"),
    ("征书", "证书"),
    ("办征", "办证"),
    ("拿征", "拿证"),
    ("办正", "办证"),
    ("焊公", "焊工"),
    ("电公", "电工"),
    ("作叶", "作业"),
    ("塔调", "塔吊"),
    ("扣:", "qq:"),
    ("微:", "微信:"),
];

fn variants() -> &'static AhoCorasick {
    static AC: OnceLock<AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(VARIANTS.iter().map(|(k, _)| *k))
            .expect("variant patterns build")
    })
}

struct Norm {
    text: String,
    cmap: Vec<u32>,
    bmap: Vec<u32>,
    /// Open run of filler characters: (byte length of `text` before it, its length in characters).
    run: Option<(usize, usize)>,
    /// Last character that is not filler.
    prev: Option<char>,
    /// A character that can start or mark a variant was seen: only then is the variant pass run.
    trigger: bool,
    /// Chinese numerals seen: fewer than seven make no spelled number, and the pass for them is skipped.
    numerals: usize,
}

/// Characters of which every variant spelling has at least one.
fn is_variant_trigger(c: char) -> bool {
    matches!(
        c,
        '薇' | '威'
            | '徽'
            | '芯'
            | '维'
            | 'v'
            | 'w'
            | '扣'
            | '企'
            | 'q'
            | '君'
            | '電'
            | '話'
            | '証'
            | '證'
            | '+'
            | '正'
            | '征'
            | '公'
            | '叶'
            | '调'
            | '微'
    )
}

/// First and last ideograph of the bitmap of [`is_plain_cjk`] (the CJK Unified Ideographs block).
const PLAIN_FIRST: u32 = 0x4E00;
const PLAIN_LAST: u32 = 0x9FFF;

/// An ideograph that normalisation keeps as it is: not a traditional form, not a variant trigger, not a numeral.
/// A bitmap of the block, built once from those three functions, replaces their chains of comparisons.
#[inline(always)]
fn is_plain_cjk(c: char) -> bool {
    static PLAIN: OnceLock<Vec<u64>> = OnceLock::new();
    let u = c as u32;
    if !(PLAIN_FIRST..=PLAIN_LAST).contains(&u) {
        return false;
    }
    let bits = PLAIN.get_or_init(|| {
        let mut bits = vec![0u64; ((PLAIN_LAST - PLAIN_FIRST) / 64 + 1) as usize];
        for u in PLAIN_FIRST..=PLAIN_LAST {
            let c = char::from_u32(u).expect("an ideograph");
            let s = simplified(c);
            if s == c && !is_variant_trigger(c) && numeral_digit(c).is_none() && !is_filler(c) {
                let k = (u - PLAIN_FIRST) as usize;
                bits[k / 64] |= 1 << (k % 64);
            }
        }
        bits
    });
    let k = (u - PLAIN_FIRST) as usize;
    bits[k / 64] & (1 << (k % 64)) != 0
}

impl Norm {
    /// A CJK ideograph: never filler, never a variant trigger (except 薇威徽芯维扣企君電話証證).
    #[inline]
    fn push_cjk(&mut self, c: char, ci: u32, bi: u32) {
        let c = simplified(c);
        self.numerals += usize::from(numeral_digit(c).is_some());
        if self.run.is_some() || is_variant_trigger(c) {
            return self.push(c, ci, bi);
        }
        self.prev = Some(c);
        self.append(c, ci, bi);
    }

    /// Appends `c` and, for each of its bytes, where it came from.
    #[inline(always)]
    fn append(&mut self, c: char, ci: u32, bi: u32) {
        self.text.push(c);
        let k = c.len_utf8();
        self.cmap.extend_from_slice(&[ci; 4][..k]);
        self.bmap.extend_from_slice(&[bi; 4][..k]);
    }

    #[inline]
    fn push(&mut self, c: char, ci: u32, bi: u32) {
        self.trigger |= is_variant_trigger(c);
        if is_filler(c) {
            match &mut self.run {
                Some((_, k)) => *k += 1,
                None => self.run = Some((self.text.len(), 1)),
            }
        } else {
            if let Some((start, k)) = self.run.take()
                && k <= 3
                && let Some(p) = self.prev
                && ((is_cjk(p) && is_cjk(c)) || (p.is_ascii_digit() && c.is_ascii_digit()))
            {
                self.text.truncate(start);
                self.cmap.truncate(start);
                self.bmap.truncate(start);
            }
            self.prev = Some(c);
        }
        self.append(c, ci, bi);
    }
}

/// NFKC of a full-width form of an ASCII character (！ to ～): the ASCII character, without the NFKC tables.
#[inline]
fn fullwidth_ascii(c: char) -> Option<char> {
    let u = c as u32;
    if (0xFF01..=0xFF5E).contains(&u) { char::from_u32(u - 0xFEE0) } else { None }
}

/// Chinese punctuation that NFKC and lower-casing leave as it is (the common marks of ad text).
const STABLE_PUNCTUATION: [char; 12] = ['、', '。', '“', '”', '‘', '’', '《', '》', '【', '】', '「', '」'];

/// Normalises ad text (see the module docs). Input longer than 4 GiB is cut (offsets are 32-bit).
pub fn normalize(original: &str) -> Normalized {
    let original = if original.len() > u32::MAX as usize / 2 {
        let mut n = u32::MAX as usize / 2;
        while !original.is_char_boundary(n) {
            n -= 1;
        }
        &original[..n]
    } else {
        original
    };
    // One pass: NFKC per character (fast paths for ASCII and CJK ideographs), lower case, invisible characters
    // and emoji dropped; a run of at most 3 filler characters between two CJK characters or two digits is taken
    // back out when the character after it shows it was obfuscation.
    let mut n = Norm {
        text: String::with_capacity(original.len()),
        cmap: Vec::with_capacity(original.len()),
        bmap: Vec::with_capacity(original.len()),
        run: None,
        prev: None,
        trigger: false,
        numerals: 0,
    };
    for (i, (b, ch)) in original.char_indices().enumerate() {
        let (i, b) = (i as u32, b as u32);
        if ch.is_ascii() {
            n.push(ch.to_ascii_lowercase(), i, b);
        } else if n.run.is_none() && is_plain_cjk(ch) {
            // the common case: an ideograph that stays as it is, with no filler run to close
            n.prev = Some(ch);
            n.append(ch, i, b);
        } else if is_cjk(ch) {
            n.push_cjk(ch, i, b);
        } else if let Some(a) = fullwidth_ascii(ch) {
            n.push(a.to_ascii_lowercase(), i, b);
        } else if STABLE_PUNCTUATION.contains(&ch) {
            n.push(ch, i, b);
        } else if !is_dropped(ch) {
            for c in std::iter::once(ch).nfkc() {
                if is_dropped(c) {
                    continue;
                }
                n.numerals += usize::from(numeral_digit(c).is_some());
                let c = match c {
                    '：' => ':',
                    '，' => ',',
                    '￥' => '¥',
                    c => c,
                };
                if c.is_ascii() {
                    n.push(c.to_ascii_lowercase(), i, b);
                } else {
                    for l in c.to_lowercase() {
                        n.push(l, i, b);
                    }
                }
            }
        }
    }
    let Norm { text: joined, cmap, bmap, trigger, numerals, .. } = n;
    let (joined, cmap, bmap) =
        if numerals >= 7 { spelled_numbers_to_digits(joined, cmap, bmap) } else { (joined, cmap, bmap) };
    if !trigger {
        return Normalized { text: joined, char_map: cmap, byte_map: bmap };
    }
    // 3. Variants (rare: most texts have none, and keep their maps as they are).
    let mut found = variants().find_iter(&joined).peekable();
    if found.peek().is_none() {
        return Normalized { text: joined, char_map: cmap, byte_map: bmap };
    }
    let mut text = String::with_capacity(joined.len() + 16);
    let mut char_map = Vec::with_capacity(cmap.len() + 16);
    let mut byte_map = Vec::with_capacity(cmap.len() + 16);
    let mut last = 0usize;
    for m in found {
        text.push_str(&joined[last..m.start()]);
        char_map.extend_from_slice(&cmap[last..m.start()]);
        byte_map.extend_from_slice(&bmap[last..m.start()]);
        let rep = VARIANTS[m.pattern().as_usize()].1;
        let n = rep.chars().count();
        for (k, c) in rep.chars().enumerate() {
            // the last replacement character maps to the last original one, the others to the first
            let src = if k + 1 == n { m.end() - 1 } else { m.start() };
            text.push(c);
            for _ in 0..c.len_utf8() {
                char_map.push(cmap[src]);
                byte_map.push(bmap[src]);
            }
        }
        last = m.end();
    }
    text.push_str(&joined[last..]);
    char_map.extend_from_slice(&cmap[last..]);
    byte_map.extend_from_slice(&bmap[last..]);
    Normalized { text, char_map, byte_map }
}

fn numeral_digit(c: char) -> Option<char> {
    Some(match c {
        '〇' | '零' => '0',
        '一' => '1',
        '二' => '2',
        '三' => '3',
        '四' => '4',
        '五' => '5',
        '六' => '6',
        '七' => '7',
        '八' => '8',
        '九' => '9',
        _ => return None,
    })
}

/// Phone and account numbers written in Chinese numerals (一八九〇九三一〇〇七七): a run of seven or more
/// numeral characters becomes digits, each mapped to its original character. Shorter runs (三天, 二十) stay.
fn spelled_numbers_to_digits(text: String, cmap: Vec<u32>, bmap: Vec<u32>) -> (String, Vec<u32>, Vec<u32>) {
    let mut runs = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (byte offset, numerals so far)
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (numeral_digit(c), start) {
            (Some(_), None) => start = Some((i, 1)),
            (Some(_), Some((s, k))) => start = Some((s, k + 1)),
            (None, Some((s, k))) => {
                if k >= 7 {
                    runs.push((s, i));
                }
                start = None;
            }
            (None, None) => {}
        }
    }
    if runs.is_empty() {
        return (text, cmap, bmap);
    }
    let mut out = String::with_capacity(text.len());
    let (mut c2, mut b2) = (Vec::with_capacity(cmap.len()), Vec::with_capacity(bmap.len()));
    let mut last = 0;
    for (a, b) in runs {
        out.push_str(&text[last..a]);
        c2.extend_from_slice(&cmap[last..a]);
        b2.extend_from_slice(&bmap[last..a]);
        for (i, c) in text[a..b].char_indices() {
            out.push(numeral_digit(c).expect("a numeral run"));
            c2.push(cmap[a + i]);
            b2.push(bmap[a + i]);
        }
        last = b;
    }
    out.push_str(&text[last..]);
    c2.extend_from_slice(&cmap[last..]);
    b2.extend_from_slice(&bmap[last..]);
    (out, c2, b2)
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
    fn every_variant_has_a_trigger_character() {
        for (v, _) in VARIANTS {
            assert!(v.chars().any(is_variant_trigger), "{v}");
        }
    }

    #[test]
    fn traditional_characters_brackets_and_spelled_numbers() {
        assert_eq!(normalize("電工證【不】【用】【考】").text, "电工证不用考】");
        assert_eq!(normalize("電話一八九〇九三一〇〇七七").text, "电话18909310077");
        // Short numeral runs are words, not numbers.
        assert_eq!(normalize("三天出证").text, "三天出证");
        let orig = "联系一三七八八六五二零四一";
        let n = normalize(orig);
        let b = n.text.find("13788652041").unwrap();
        assert_eq!(n.original_span(b, b + 11), (2, 13));
    }

    #[test]
    fn the_fast_paths_agree_with_nfkc() {
        for u in 0xFF01..=0xFF5E {
            let c = char::from_u32(u).unwrap();
            assert_eq!(std::iter::once(c).nfkc().collect::<String>(), fullwidth_ascii(c).unwrap().to_string());
        }
        for c in STABLE_PUNCTUATION {
            assert_eq!(std::iter::once(c).nfkc().flat_map(char::to_lowercase).collect::<String>(), c.to_string());
            assert!(!is_dropped(c) && !is_cjk(c));
        }
        // ideographs the bitmap calls plain stay as they are; the others go the long way
        for u in PLAIN_FIRST..=PLAIN_LAST {
            let c = char::from_u32(u).unwrap();
            if is_plain_cjk(c) {
                assert_eq!(simplified(c), c);
                assert!(!is_variant_trigger(c) && numeral_digit(c).is_none());
            }
        }
        assert!(!is_plain_cjk('電') && !is_plain_cjk('薇') && !is_plain_cjk('三') && is_plain_cjk('考'));
    }

    #[test]
    fn spaces_between_latin_words_stay() {
        assert_eq!(normalize("Hello World").text, "hello world");
        assert_eq!(normalize("").text, "");
    }
}
