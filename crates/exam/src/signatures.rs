//! The remote-control software and takeover hardware list (`data/remote_tools.toml`), and matching against it.

use crate::event::{Connection, Process};
use serde::Deserialize;

#[derive(Clone, Debug, Deserialize)]
pub struct Tool {
    pub name: String,
    #[serde(default)]
    pub processes: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub signers: Vec<String>,
    #[serde(default)]
    pub ports: Vec<u16>,
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Works inside a network (the admin's console dials the seat; no vendor cloud): a copy of it connected to an
    /// outside address is someone else's console, even where the place runs the tool on every seat.
    #[serde(default)]
    pub lan: bool,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Hardware {
    #[serde(default)]
    pub names: Vec<String>,
    /// `vid:pid`, lower-case hex.
    #[serde(default)]
    pub ids: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Signatures {
    #[serde(rename = "tool")]
    pub tools: Vec<Tool>,
    #[serde(default)]
    pub hardware: Hardware,
}

/// What matched, for the finding's evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolMatch {
    pub tool: String,
    /// `process name`, `path`, `signer`, `port` or `host`.
    pub by: &'static str,
    pub what: String,
    /// The far end, when a connection matched.
    pub remote: Option<String>,
    /// The tool works inside a network ([`Tool::lan`]).
    pub lan: bool,
}

impl ToolMatch {
    fn of(t: &Tool, by: &'static str, what: String, remote: Option<&str>) -> ToolMatch {
        ToolMatch { tool: t.name.clone(), by, what, remote: remote.map(str::to_string), lan: t.lan }
    }

    /// A tool that works inside a network, connected to an outside address.
    pub fn lan_tool_called_out(&self) -> bool {
        self.lan && self.remote.as_deref().is_some_and(outside)
    }
}

/// Whether a connection's far end lies outside the centre's own network: a public address, or a host name that
/// is not a local one. Private, loopback, link-local and shared (carrier NAT) addresses are inside, and so is an
/// IPv6 address carrying one of them (`::ffff:10.0.0.5`). Unlike the sentinel's fetcher (which refuses every
/// address not globally routable, documentation ranges included), this asks only "beyond the centre's network?".
pub fn outside(remote: &str) -> bool {
    use std::net::{IpAddr, Ipv4Addr};
    let inside_v4 = |a: Ipv4Addr| {
        let shared = a.octets()[0] == 100 && (a.octets()[1] & 0xC0) == 64;
        a.is_private() || a.is_loopback() || a.is_link_local() || a.is_unspecified() || a.is_broadcast() || shared
    };
    let host = remote.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => !inside_v4(a),
        Ok(IpAddr::V6(a)) => {
            if let Some(v4) = a.to_ipv4_mapped() {
                return !inside_v4(v4);
            }
            let first = a.segments()[0];
            !(a.is_loopback() || a.is_unspecified() || (first & 0xFE00) == 0xFC00 || (first & 0xFFC0) == 0xFE80)
        }
        Err(_) => {
            // checked for every connection: compared without allocating
            let h = host.trim_end_matches('.').as_bytes();
            let ends = |suffix: &str| {
                h.len() >= suffix.len() && h[h.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
            };
            h.contains(&b'.') && ![".local", ".lan", ".internal", ".localdomain", ".home.arpa"].iter().any(|x| ends(x))
        }
    }
}

impl Signatures {
    /// The shipped list.
    pub fn builtin() -> Signatures {
        Signatures::from_toml(include_str!("../data/remote_tools.toml")).expect("the shipped list parses")
    }

    pub fn from_toml(text: &str) -> Result<Signatures, String> {
        let mut s: Signatures = toml::from_str(text).map_err(|e| e.to_string())?;
        let lower = |v: &mut Vec<String>| v.iter_mut().for_each(|x| *x = x.to_lowercase());
        for t in &mut s.tools {
            lower(&mut t.processes);
            lower(&mut t.paths);
            lower(&mut t.signers);
            lower(&mut t.hosts);
        }
        lower(&mut s.hardware.names);
        lower(&mut s.hardware.ids);
        Ok(s)
    }

    /// The tool a process belongs to, by executable name, path fragment or signer.
    pub fn match_process(&self, p: &Process) -> Option<ToolMatch> {
        let name = p.name.to_lowercase();
        let path = p.path.to_lowercase().replace('/', "\\");
        let signer = p.signer.to_lowercase();
        for t in &self.tools {
            if t.processes.contains(&name) {
                return Some(ToolMatch::of(t, "process name", p.name.clone(), None));
            }
            if !path.is_empty() && t.paths.iter().any(|x| path.contains(x.as_str())) {
                return Some(ToolMatch::of(t, "path", p.path.clone(), None));
            }
            if !signer.is_empty() && t.signers.iter().any(|x| signer.contains(x.as_str())) {
                return Some(ToolMatch::of(t, "signer", p.signer.clone(), None));
            }
        }
        None
    }

    /// The tool a connection belongs to: by the process that holds it, the host's suffix or the port.
    pub fn match_connection(&self, c: &Connection) -> Option<ToolMatch> {
        let process = c.process.to_lowercase();
        if !process.is_empty()
            && let Some(t) = self.tools.iter().find(|t| t.processes.contains(&process))
        {
            return Some(ToolMatch::of(
                t,
                "connection process",
                format!("{} → {}:{}", c.process, c.remote, c.port),
                Some(&c.remote),
            ));
        }
        let host = c.remote.to_lowercase();
        for t in &self.tools {
            if t.hosts.iter().any(|h| host == *h || host.ends_with(&format!(".{h}"))) {
                return Some(ToolMatch::of(t, "host", c.remote.clone(), Some(&c.remote)));
            }
        }
        for t in &self.tools {
            if t.ports.contains(&c.port) {
                return Some(ToolMatch::of(t, "port", format!("{}:{}", c.remote, c.port), Some(&c.remote)));
            }
        }
        None
    }

    /// A device that is takeover hardware, by name fragment or `vid:pid`.
    pub fn match_hardware(&self, name: &str, vid: &str, pid: &str) -> Option<String> {
        let n = name.to_lowercase();
        let id = format!("{}:{}", vid.to_lowercase(), pid.to_lowercase());
        if self.hardware.ids.contains(&id) {
            return Some(id);
        }
        self.hardware.names.iter().find(|x| n.contains(x.as_str())).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, path: &str, signer: &str) -> Process {
        Process { name: name.into(), path: path.into(), signer: signer.into() }
    }

    #[test]
    fn tools_match_by_name_path_signer_port_and_host() {
        let s = Signatures::builtin();
        assert_eq!(s.match_process(&p("ToDesk.exe", "", "")).unwrap().tool, "ToDesk");
        let renamed = p("svch0st.exe", "C:\\Users\\a\\AppData\\Roaming\\Oray\\x.exe", "");
        assert_eq!(s.match_process(&renamed).unwrap().by, "path");
        assert_eq!(s.match_process(&p("helper.exe", "", "AnyDesk Software GmbH")).unwrap().tool, "AnyDesk");
        for ok in [p("explorer.exe", "C:\\Windows\\explorer.exe", "Microsoft Windows"), p("QQ.exe", "", "Tencent")] {
            assert_eq!(s.match_process(&ok), None, "{ok:?}");
        }
        let c = |r: &str, port| Connection { remote: r.into(), port, process: String::new() };
        assert_eq!(s.match_connection(&c("203.0.113.9", 5938)).unwrap().tool, "TeamViewer");
        assert_eq!(s.match_connection(&c("relay1.todesk.com", 443)).unwrap().by, "host");
        assert_eq!(s.match_connection(&c("exam.example.gov.cn", 443)), None);
        assert!(s.match_hardware("WCH CH9329 HID", "", "").is_some());
        assert!(s.match_hardware("USB Optical Mouse", "046d", "c077").is_none());
    }
}
