//! Comparing secrets (CSRF tokens, the metrics token) without leaking where they differ. Its own module so
//! that the edge (`security`) and the metrics route both use it without depending on each other.

/// Compares in time independent of where the strings differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
