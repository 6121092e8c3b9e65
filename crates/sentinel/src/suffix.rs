//! The public suffix list: a name's registrable domain. Used by the brand profiles (their official domains)
//! and by the domain scorer (the names it judges).

/// The registrable domain (eTLD+1) of an ASCII name, by the public suffix list.
pub fn registrable_domain(ascii: &str) -> Option<String> {
    psl::domain_str(ascii).map(str::to_string)
}
