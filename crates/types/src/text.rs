//! Normalisation of what people type: full-width forms, stray spaces, ideographic spaces.

use thiserror::Error;

/// Why a text field was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TextError {
    #[error("empty")]
    Empty,
    #[error("longer than {max} characters")]
    TooLong { max: usize },
    #[error("contains characters that are not allowed")]
    InvalidCharacters,
    #[error("not in the expected format (example: {0})")]
    Format(&'static str),
}

/// Maps full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space to their ASCII counterparts.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Free text as stored: half-width forms, trimmed, runs of white space collapsed to one space, and no space
/// between two CJK characters (so "张 三" and "张三" are the same name).
pub fn normalize_text(s: &str) -> String {
    let chars: Vec<char> = s.chars().map(half_width).collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '\u{200B}' || c == '\u{FEFF}' {
            let start = i;
            while i < chars.len() && (chars[i].is_whitespace() || chars[i] == '\u{200B}' || chars[i] == '\u{FEFF}') {
                i += 1;
            }
            let before = start.checked_sub(1).map(|j| chars[j]);
            let after = chars.get(i).copied();
            let between_cjk = before.is_some_and(is_cjk) && after.is_some_and(is_cjk);
            if before.is_some() && after.is_some() && !between_cjk {
                out.push(' ');
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// An identifier as typed: half-width forms and no white space at all (ID numbers are often typed in groups).
pub fn normalize_compact(s: &str) -> String {
    s.chars().map(half_width).filter(|c| !c.is_whitespace() && *c != '\u{200B}' && *c != '\u{FEFF}').collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_normalisation() {
        assert_eq!(normalize_text("  张　三 "), "张三");
        assert_eq!(normalize_text("Ｌｉ  Ｍｉｎｇ"), "Li Ming");
        assert_eq!(normalize_text("王\u{200B}五"), "王五");
        assert_eq!(normalize_compact(" ４４０５ 24\t"), "440524");
    }
}
