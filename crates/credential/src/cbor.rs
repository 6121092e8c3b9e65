//! A small CBOR (RFC 8949) value model with a strict decoder and a deterministic encoder.
//!
//! Hand-written rather than `ciborium` because the verifier needs exact control over what it
//! accepts from untrusted bytes: trailing bytes after the item are an error, nesting depth and
//! lengths are bounded by the input, and decoding never panics. The encoder emits the core
//! deterministic encoding (RFC 8949 §4.2.1): shortest heads, definite lengths, map keys sorted
//! by their encoded bytes.

use std::fmt;

/// Maximum nesting depth accepted by the decoder.
pub const MAX_DEPTH: usize = 32;

/// A decoded CBOR data item.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Major types 0 and 1 (range -2^64 ..= 2^64-1).
    Int(i128),
    Bytes(Vec<u8>),
    Text(String),
    Array(Vec<Value>),
    /// Pairs in the order read (or written).
    Map(Vec<(Value, Value)>),
    Tag(u64, Box<Value>),
    Bool(bool),
    Null,
    Undefined,
    Float(f64),
    /// Other simple values.
    Simple(u8),
}

/// Why bytes are not one well-formed CBOR item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CborError {
    #[error("CBOR input ends early")]
    Truncated,
    #[error("{0} trailing byte(s) after the CBOR item")]
    TrailingBytes(usize),
    #[error("CBOR nesting deeper than {MAX_DEPTH}")]
    TooDeep,
    #[error("malformed CBOR: {0}")]
    Malformed(&'static str),
    #[error("CBOR text string is not UTF-8")]
    BadUtf8,
    #[error("CBOR map has the key {0} twice (two readers could disagree on its value)")]
    DuplicateKey(String),
}

impl Value {
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        self.as_int().and_then(|i| i64::try_from(i).ok())
    }
    /// A NumericDate (RFC 8392): an integer, or leniently a finite float (truncated).
    pub fn as_numeric_date(&self) -> Option<i64> {
        match self {
            Value::Int(_) => self.as_i64(),
            Value::Float(f) if f.is_finite() && f.abs() < 1e15 => Some(*f as i64),
            _ => None,
        }
    }
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&[(Value, Value)]> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    /// Looks up an integer key in a map.
    pub fn get_int(&self, key: i128) -> Option<&Value> {
        self.as_map()?.iter().find(|(k, _)| k.as_int() == Some(key)).map(|(_, v)| v)
    }
    /// Looks up a text key in a map.
    pub fn get_text(&self, key: &str) -> Option<&Value> {
        self.as_map()?.iter().find(|(k, _)| k.as_text() == Some(key)).map(|(_, v)| v)
    }
    /// Deterministic encoding of this value.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::new();
        encode_into(self, &mut out);
        out
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v.into())
    }
}
impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Int(v.into())
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            Value::Bytes(b) => write!(f, "h'{}'", hex::encode(b)),
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Array(a) => {
                write!(f, "[")?;
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "]")
            }
            Value::Map(m) => {
                write!(f, "{{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                write!(f, "}}")
            }
            Value::Tag(t, v) => write!(f, "{t}({v})"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Null => write!(f, "null"),
            Value::Undefined => write!(f, "undefined"),
            Value::Float(x) => write!(f, "{x}"),
            Value::Simple(s) => write!(f, "simple({s})"),
        }
    }
}

/// Decodes exactly one CBOR item; trailing bytes are an error, and so is a map holding the same
/// key twice (at any depth): keys are compared by their deterministic encoding, so `1` written
/// in one byte and in two bytes are the same key.
pub fn decode(bytes: &[u8]) -> Result<Value, CborError> {
    let (v, used) = decode_prefix(bytes)?;
    if used != bytes.len() {
        return Err(CborError::TrailingBytes(bytes.len() - used));
    }
    Ok(v)
}

/// Decodes one CBOR item from the start of `bytes`, returning it and the bytes consumed.
pub fn decode_prefix(bytes: &[u8]) -> Result<(Value, usize), CborError> {
    let mut d = Decoder { b: bytes, pos: 0 };
    let v = d.item(0)?;
    Ok((v, d.pos))
}

struct Decoder<'a> {
    b: &'a [u8],
    pos: usize,
}

enum Head {
    Arg(u64),
    Indefinite,
}

impl Decoder<'_> {
    fn byte(&mut self) -> Result<u8, CborError> {
        let b = *self.b.get(self.pos).ok_or(CborError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }
    fn take(&mut self, n: u64) -> Result<&[u8], CborError> {
        let remaining = self.b.len() - self.pos;
        if n > remaining as u64 {
            return Err(CborError::Truncated);
        }
        let n = n as usize;
        let s = &self.b[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    fn uint(&mut self, n: usize) -> Result<u64, CborError> {
        let s = self.take(n as u64)?;
        Ok(s.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
    }
    fn head(&mut self, info: u8) -> Result<Head, CborError> {
        Ok(match info {
            0..=23 => Head::Arg(u64::from(info)),
            24 => Head::Arg(self.uint(1)?),
            25 => Head::Arg(self.uint(2)?),
            26 => Head::Arg(self.uint(4)?),
            27 => Head::Arg(self.uint(8)?),
            31 => Head::Indefinite,
            _ => return Err(CborError::Malformed("reserved additional information")),
        })
    }
    /// A count of items must be plausible given the bytes left (each item takes >= 1 byte).
    fn check_count(&self, n: u64, per_item: u64) -> Result<(), CborError> {
        let remaining = (self.b.len() - self.pos) as u64;
        if n.saturating_mul(per_item) > remaining {
            return Err(CborError::Truncated);
        }
        Ok(())
    }
    fn string_chunks(&mut self, major: u8, depth: usize) -> Result<Vec<u8>, CborError> {
        let mut out = Vec::new();
        loop {
            let ib = self.byte()?;
            if ib == 0xff {
                return Ok(out);
            }
            if ib >> 5 != major {
                return Err(CborError::Malformed("indefinite string chunk of another type"));
            }
            match self.head(ib & 0x1f)? {
                Head::Arg(n) => out.extend_from_slice(self.take(n)?),
                Head::Indefinite => return Err(CborError::Malformed("nested indefinite string")),
            }
            if depth > MAX_DEPTH {
                return Err(CborError::TooDeep);
            }
        }
    }
    fn item(&mut self, depth: usize) -> Result<Value, CborError> {
        if depth > MAX_DEPTH {
            return Err(CborError::TooDeep);
        }
        let ib = self.byte()?;
        let major = ib >> 5;
        let info = ib & 0x1f;
        match major {
            0 => match self.head(info)? {
                Head::Arg(n) => Ok(Value::Int(n.into())),
                Head::Indefinite => Err(CborError::Malformed("indefinite integer")),
            },
            1 => match self.head(info)? {
                Head::Arg(n) => Ok(Value::Int(-1 - i128::from(n))),
                Head::Indefinite => Err(CborError::Malformed("indefinite integer")),
            },
            2 | 3 => {
                let data = match self.head(info)? {
                    Head::Arg(n) => self.take(n)?.to_vec(),
                    Head::Indefinite => self.string_chunks(major, depth)?,
                };
                if major == 2 {
                    Ok(Value::Bytes(data))
                } else {
                    String::from_utf8(data).map(Value::Text).map_err(|_| CborError::BadUtf8)
                }
            }
            4 => match self.head(info)? {
                Head::Arg(n) => {
                    self.check_count(n, 1)?;
                    let mut v = Vec::with_capacity(n as usize);
                    for _ in 0..n {
                        v.push(self.item(depth + 1)?);
                    }
                    Ok(Value::Array(v))
                }
                Head::Indefinite => {
                    let mut v = Vec::new();
                    while self.peek_break()? {
                        v.push(self.item(depth + 1)?);
                    }
                    Ok(Value::Array(v))
                }
            },
            5 => match self.head(info)? {
                Head::Arg(n) => {
                    self.check_count(n, 2)?;
                    let mut m = Vec::with_capacity(n as usize);
                    for _ in 0..n {
                        let k = self.item(depth + 1)?;
                        let v = self.item(depth + 1)?;
                        m.push((k, v));
                    }
                    check_unique_keys(&m)?;
                    Ok(Value::Map(m))
                }
                Head::Indefinite => {
                    let mut m = Vec::new();
                    while self.peek_break()? {
                        let k = self.item(depth + 1)?;
                        let v = self.item(depth + 1)?;
                        m.push((k, v));
                    }
                    check_unique_keys(&m)?;
                    Ok(Value::Map(m))
                }
            },
            6 => match self.head(info)? {
                Head::Arg(t) => Ok(Value::Tag(t, Box::new(self.item(depth + 1)?))),
                Head::Indefinite => Err(CborError::Malformed("indefinite tag")),
            },
            _ => match info {
                20 => Ok(Value::Bool(false)),
                21 => Ok(Value::Bool(true)),
                22 => Ok(Value::Null),
                23 => Ok(Value::Undefined),
                0..=19 => Ok(Value::Simple(info)),
                24 => {
                    let s = self.byte()?;
                    if s < 32 {
                        return Err(CborError::Malformed("two-byte simple value below 32"));
                    }
                    Ok(Value::Simple(s))
                }
                25 => {
                    let h = self.uint(2)? as u16;
                    Ok(Value::Float(half_to_f64(h)))
                }
                26 => Ok(Value::Float(f64::from(f32::from_bits(self.uint(4)? as u32)))),
                27 => Ok(Value::Float(f64::from_bits(self.uint(8)?))),
                31 => Err(CborError::Malformed("unexpected break")),
                _ => Err(CborError::Malformed("reserved simple value encoding")),
            },
        }
    }
    /// True if another item follows; consumes the break byte and returns false at the end.
    fn peek_break(&mut self) -> Result<bool, CborError> {
        match self.b.get(self.pos) {
            None => Err(CborError::Truncated),
            Some(0xff) => {
                self.pos += 1;
                Ok(false)
            }
            Some(_) => Ok(true),
        }
    }
}

/// Refuses a map with two equal keys (equal deterministic encodings).
fn check_unique_keys(m: &[(Value, Value)]) -> Result<(), CborError> {
    match m {
        [] | [_] => Ok(()),
        [(a, _), (b, _)] => {
            if a.to_vec() == b.to_vec() {
                return Err(CborError::DuplicateKey(a.to_string()));
            }
            Ok(())
        }
        _ => {
            let mut keys: Vec<(Vec<u8>, usize)> = m.iter().enumerate().map(|(i, (k, _))| (k.to_vec(), i)).collect();
            keys.sort_unstable();
            match keys.windows(2).find(|w| w[0].0 == w[1].0) {
                Some(w) => Err(CborError::DuplicateKey(m[w[0].1].0.to_string())),
                None => Ok(()),
            }
        }
    }
}

fn half_to_f64(h: u16) -> f64 {
    let exp = (h >> 10) & 0x1f;
    let mant = f64::from(h & 0x3ff);
    let val = match exp {
        0 => mant * 2f64.powi(-24),
        31 => {
            if mant == 0.0 {
                f64::INFINITY
            } else {
                f64::NAN
            }
        }
        e => (mant + 1024.0) * 2f64.powi(i32::from(e) - 25),
    };
    if h & 0x8000 != 0 { -val } else { val }
}

fn write_head(major: u8, n: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    if n < 24 {
        out.push(m | n as u8);
    } else if n <= 0xff {
        out.push(m | 24);
        out.push(n as u8);
    } else if n <= 0xffff {
        out.push(m | 25);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= 0xffff_ffff {
        out.push(m | 26);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_into(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Int(i) => {
            if *i >= 0 {
                write_head(0, u64::try_from(*i).unwrap_or(u64::MAX), out);
            } else {
                write_head(1, u64::try_from(-1 - *i).unwrap_or(u64::MAX), out);
            }
        }
        Value::Bytes(b) => {
            write_head(2, b.len() as u64, out);
            out.extend_from_slice(b);
        }
        Value::Text(t) => {
            write_head(3, t.len() as u64, out);
            out.extend_from_slice(t.as_bytes());
        }
        Value::Array(a) => {
            write_head(4, a.len() as u64, out);
            for x in a {
                encode_into(x, out);
            }
        }
        Value::Map(m) => {
            let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = m.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect();
            pairs.sort_by(|a, b| a.0.cmp(&b.0));
            write_head(5, pairs.len() as u64, out);
            for (k, v) in pairs {
                out.extend_from_slice(&k);
                out.extend_from_slice(&v);
            }
        }
        Value::Tag(t, x) => {
            write_head(6, *t, out);
            encode_into(x, out);
        }
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Null => out.push(0xf6),
        Value::Undefined => out.push(0xf7),
        Value::Float(x) => {
            let f = *x as f32;
            if f64::from(f) == *x || x.is_nan() {
                out.push(0xfa);
                out.extend_from_slice(&f.to_bits().to_be_bytes());
            } else {
                out.push(0xfb);
                out.extend_from_slice(&x.to_bits().to_be_bytes());
            }
        }
        Value::Simple(s) => {
            if *s < 24 {
                out.push(0xe0 | s);
            } else {
                out.push(0xf8);
                out.push(*s);
            }
        }
    }
}

/// Builds a map value from integer keys.
pub fn int_map(pairs: Vec<(i64, Value)>) -> Value {
    Value::Map(pairs.into_iter().map(|(k, v)| (Value::from(k), v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_and_rfc_vectors() {
        // RFC 8949 Appendix A examples.
        assert_eq!(decode(&[0x19, 0x03, 0xe8]).unwrap(), Value::Int(1000));
        assert_eq!(decode(&[0x38, 0x63]).unwrap(), Value::Int(-100));
        assert_eq!(decode(&[0xf9, 0x3c, 0x00]).unwrap(), Value::Float(1.0));
        assert_eq!(decode(&[0xf9, 0xc4, 0x00]).unwrap(), Value::Float(-4.0));
        assert_eq!(decode(&hex::decode("3bffffffffffffffff").unwrap()).unwrap(), Value::Int(-18446744073709551616));
        let v = decode(&hex::decode("bf61610161629f0203ffff").unwrap()).unwrap();
        assert_eq!(v.get_text("a"), Some(&Value::Int(1)));
        assert_eq!(v.get_text("b"), Some(&Value::Array(vec![Value::Int(2), Value::Int(3)])));
        assert_eq!(decode(&hex::decode("5f42010243030405ff").unwrap()).unwrap(), Value::Bytes(vec![1, 2, 3, 4, 5]));
        let m = int_map(vec![(10, 1i64.into()), (-1, 2i64.into()), (1, "x".into())]);
        // Deterministic order: 1 (0x01), 10 (0x0a), -1 (0x20).
        assert_eq!(hex::encode(m.to_vec()), "a30161780a012002");
    }

    #[test]
    fn rejects_trailing_truncated_and_deep() {
        assert_eq!(decode(&[0x01, 0x02]), Err(CborError::TrailingBytes(1)));
        assert_eq!(decode(&[0x82, 0x01]), Err(CborError::Truncated));
        assert_eq!(decode(&[0x5a, 0xff, 0xff, 0xff, 0xff]), Err(CborError::Truncated));
        assert_eq!(decode(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), Err(CborError::Truncated));
        let deep = vec![0x81u8; 100];
        assert_eq!(decode(&deep), Err(CborError::TooDeep));
        assert_eq!(decode(&[0x62, 0xff, 0xfe]), Err(CborError::BadUtf8));
    }

    #[test]
    fn rejects_duplicate_map_keys_at_any_depth() {
        // {1: 2, 1: 3}
        assert_eq!(decode(&[0xa2, 0x01, 0x02, 0x01, 0x03]), Err(CborError::DuplicateKey("1".into())));
        // {1: 2, 1 (two-byte head): 3}: the same key, encoded differently.
        assert_eq!(decode(&[0xa2, 0x01, 0x02, 0x18, 0x01, 0x03]), Err(CborError::DuplicateKey("1".into())));
        // Indefinite map {"a": 1, "b": 2, "a": 3}.
        assert_eq!(
            decode(&hex::decode("bf616101616202616103ff").unwrap()),
            Err(CborError::DuplicateKey("\"a\"".into()))
        );
        // Nested in an array inside a map: [{-1: 0, 5: 0, -1: 1}]
        assert!(matches!(
            decode(&hex::decode("a10181a320000500200 1".replace(' ', "")).unwrap()),
            Err(CborError::DuplicateKey(_))
        ));
        // Distinct keys (1 and "1", 1 and -1) are fine.
        assert!(decode(&hex::decode("a3010161310220 03".replace(' ', "")).unwrap()).is_ok());
    }

    proptest::proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..256)) {
            let _ = decode(&bytes);
        }
        #[test]
        fn encode_decode_roundtrip(i in proptest::num::i64::ANY, s in ".{0,20}", b in proptest::collection::vec(proptest::num::u8::ANY, 0..40)) {
            let v = Value::Array(vec![Value::from(i), Value::from(s.as_str()), Value::Bytes(b), Value::Bool(true), Value::Null]);
            proptest::prop_assert_eq!(decode(&v.to_vec()).unwrap(), v);
        }
    }
}
