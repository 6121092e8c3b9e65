//! The DNS names a logged certificate or precertificate covers: its subjectAltName dNSNames and its
//! subject's common names, lower-cased, wildcards taken as their base name, each once.

use crate::leaf::{CtEntry, EntryType};
use x509_parser::certificate::{TbsCertificate, X509Certificate};
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::FromDer;

/// Names taken from one certificate; the rest of a gigantic SAN list is dropped (and said so).
pub const MAX_NAMES: usize = 1000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    pub names: Vec<String>,
    /// More names than [`MAX_NAMES`]: the rest were not read.
    pub truncated: bool,
}

fn add(out: &mut Names, name: &str) {
    let name = name.trim().trim_start_matches("*.").trim_end_matches('.').to_ascii_lowercase();
    // A common name that is not a host name (an organisation's name) is not a domain.
    if name.is_empty() || !name.contains('.') || name.len() > 253 || name.contains(char::is_whitespace) {
        return;
    }
    if out.names.len() >= MAX_NAMES {
        out.truncated = true;
        return;
    }
    if !out.names.contains(&name) {
        out.names.push(name);
    }
}

fn names_of(tbs: &TbsCertificate<'_>) -> Result<Names, String> {
    let mut out = Names::default();
    match tbs.subject_alternative_name() {
        Ok(Some(san)) => {
            for g in &san.value.general_names {
                if let GeneralName::DNSName(d) = g {
                    add(&mut out, d);
                }
            }
        }
        Ok(None) => {}
        Err(e) => return Err(format!("subjectAltName: {e}")),
    }
    for cn in tbs.subject().iter_common_name() {
        if let Ok(s) = cn.as_str() {
            add(&mut out, s);
        }
    }
    Ok(out)
}

/// The names of a log entry; `Err` for a certificate that does not parse.
pub fn dns_names(entry: &CtEntry) -> Result<Names, String> {
    match entry.entry_type {
        EntryType::X509 => {
            let (_, cert) = X509Certificate::from_der(&entry.der).map_err(|e| format!("certificate: {e}"))?;
            names_of(&cert.tbs_certificate)
        }
        EntryType::Precert => {
            let (_, tbs) = TbsCertificate::from_der(&entry.der).map_err(|e| format!("TBSCertificate: {e}"))?;
            names_of(&tbs)
        }
    }
}
