//! Base45 (RFC 9285), strict: only the 45-character alphabet, no value overflow.

const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Why text is not Base45.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Base45Error {
    #[error("character {ch:?} at position {pos} is not in the Base45 alphabet")]
    BadChar { ch: char, pos: usize },
    #[error("Base45 length {0} leaves a single dangling character")]
    BadLength(usize),
    #[error("Base45 group at position {0} overflows")]
    Overflow(usize),
}

pub fn encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len() * 3 / 2 + 2);
    for chunk in data.chunks(2) {
        let mut n = chunk.iter().fold(0u32, |acc, &b| acc * 256 + u32::from(b));
        let digits = if chunk.len() == 2 { 3 } else { 2 };
        for _ in 0..digits {
            out.push(ALPHABET[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    out
}

fn value(c: u8) -> Option<u32> {
    Some(match c {
        b'0'..=b'9' => c - b'0',
        b'A'..=b'Z' => c - b'A' + 10,
        b' ' => 36,
        b'$' => 37,
        b'%' => 38,
        b'*' => 39,
        b'+' => 40,
        b'-' => 41,
        b'.' => 42,
        b'/' => 43,
        b':' => 44,
        _ => return None,
    } as u32)
}

pub fn decode(text: &str) -> Result<Vec<u8>, Base45Error> {
    let bytes = text.as_bytes();
    if bytes.len() % 3 == 1 {
        return Err(Base45Error::BadLength(bytes.len()));
    }
    let mut out = Vec::with_capacity(bytes.len() * 2 / 3);
    for (gi, group) in bytes.chunks(3).enumerate() {
        let pos = gi * 3;
        let mut n = 0u32;
        for (i, &c) in group.iter().enumerate().rev() {
            let v = value(c).ok_or_else(|| Base45Error::BadChar {
                ch: text.get(pos + i..).and_then(|s| s.chars().next()).unwrap_or('\u{fffd}'),
                pos: pos + i,
            })?;
            n = n * 45 + v;
        }
        if group.len() == 3 {
            if n > 0xffff {
                return Err(Base45Error::Overflow(pos));
            }
            out.push((n >> 8) as u8);
            out.push(n as u8);
        } else {
            if n > 0xff {
                return Err(Base45Error::Overflow(pos));
            }
            out.push(n as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc9285_vectors() {
        assert_eq!(encode(b"AB"), "BB8");
        assert_eq!(encode(b"Hello!!"), "%69 VD92EX0");
        assert_eq!(encode(b"base-45"), "UJCLQE7W581");
        assert_eq!(decode("QED8WEX0").unwrap(), b"ietf!");
        assert_eq!(decode("GGW"), Err(Base45Error::Overflow(0)));
        assert_eq!(decode("A"), Err(Base45Error::BadLength(1)));
        assert!(matches!(decode("ab8"), Err(Base45Error::BadChar { ch: 'b', pos: 1 })));
    }

    proptest::proptest! {
        #[test]
        fn roundtrip(data in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            proptest::prop_assert_eq!(decode(&encode(&data)).unwrap(), data);
        }
        #[test]
        fn never_panics(s in "\\PC{0,60}") {
            let _ = decode(&s);
        }
    }
}
