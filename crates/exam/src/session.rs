//! Collecting events into sessions: duplicates (the same event id resent) counted once, events in any order
//! (sorted by time when analysed), events of a session that never started kept apart and reported.

use crate::event::{Body, DeviceAction, Event, Question};
use crate::signatures::{Signatures, ToolMatch};
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

/// An exam's shape and key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExamShape {
    pub name: String,
    pub questions: Vec<Question>,
    pub pass_mark: u32,
    pub minutes: u32,
}

/// Who sat where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seat {
    pub candidate: String,
    pub exam: String,
    pub centre: String,
    pub room: String,
    pub seat: String,
    pub terminal: String,
}

/// A program that is unsigned or runs from a user's folder: no install of the centre's puts one there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OddProgram {
    /// The executable's name in lower case.
    pub name: String,
    pub path: String,
    pub signer: String,
}

impl OddProgram {
    /// Its path as listed, else its name.
    pub fn path_or_name(&self) -> &str {
        if self.path.is_empty() { &self.name } else { &self.path }
    }

    /// Whether a listed program is odd: unsigned, or run from a user's profile, temporary or download folder.
    /// Checked for every process of every list, so without allocating.
    fn is_odd(p: &crate::event::Process) -> bool {
        p.signer.trim().is_empty()
            || p.path
                .split(['\\', '/'])
                .any(|folder| ["users", "appdata", "temp", "downloads"].iter().any(|f| folder.eq_ignore_ascii_case(f)))
    }

    /// Whether this is the program `p` lists.
    fn is(&self, p: &crate::event::Process) -> bool {
        self.name.eq_ignore_ascii_case(&p.name) && self.path == p.path && self.signer == p.signer
    }
}

/// A device event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceEvent {
    pub at: i64,
    pub action: DeviceAction,
    pub hid: bool,
    pub name: String,
    /// `vid:pid`, lower case: the interfaces of one composite device (a keyboard and its media keys) share it.
    pub ids: String,
}

/// Everything kept of one session (times in milliseconds since the epoch, terminal clock).
#[derive(Clone, Debug, Default)]
pub struct Session {
    pub id: String,
    pub seat: Option<Seat>,
    pub start: Option<i64>,
    pub end: Option<i64>,
    /// Remote-control software seen (process or connection), first sighting of each.
    pub tools: Vec<(i64, ToolMatch)>,
    /// Takeover hardware seen (device name or id matched).
    pub hardware: Vec<(i64, String)>,
    /// Programs that are unsigned or run from a user's folder (name in lower case, then as listed), first
    /// sighting of each.
    pub odd_programs: Vec<(i64, OddProgram)>,
    /// Connections to outside addresses that matched no tool: (first seen, process in lower case, remote, port).
    pub outbound: Vec<(i64, String, String, u16)>,
    pub devices: Vec<DeviceEvent>,
    /// The display set-up as reported, in arrival order (sorted by time before analysis).
    pub displays: Vec<DisplayState>,
    /// (interval start, interval end, key + pointer events)
    pub input: Vec<(i64, i64, u32)>,
    /// (time, question, choice)
    pub answers: Vec<(i64, String, String)>,
    pub events: u64,
    /// The terminal clock's last reading and the correction applied to it (see [`CLOCK_JUMP_MS`]).
    clock: Option<(i64, i64)>,
}

/// One `display` event: how many displays, mirrored or not, and the resolution (`None` when unreadable).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayState {
    pub at: i64,
    pub displays: u32,
    pub mirrored: bool,
    pub resolution: Option<(u32, u32)>,
}

/// `1920x1080` (also with `×` or `*`, spaces allowed) as (width, height).
pub fn parse_resolution(s: &str) -> Option<(u32, u32)> {
    let (w, h) = s.split_once(['x', 'X', '×', '*'])?;
    Some((w.trim().parse().ok()?, h.trim().parse().ok()?))
}

/// Most software matches and device events kept per session (evidence enough; memory bounded).
const MAX_KEPT: usize = 100;

/// Sessions being collected.
pub struct Collector {
    signatures: Signatures,
    pub exams: HashMap<String, ExamShape>,
    pub sessions: HashMap<String, Session>,
    seen: HashSet<u64>,
    /// Events received again (same id), ignored.
    pub duplicates: u64,
}

fn id_hash(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl Collector {
    pub fn new(signatures: Signatures) -> Self {
        Collector { signatures, exams: HashMap::new(), sessions: HashMap::new(), seen: HashSet::new(), duplicates: 0 }
    }

    /// Adds an event; false if it was a duplicate.
    pub fn add(&mut self, e: Event) -> bool {
        if !self.seen.insert(id_hash(&e.id)) {
            self.duplicates += 1;
            return false;
        }
        let at = e.at.timestamp_millis();
        if let Body::Exam { exam, questions, pass_mark, minutes } = e.body {
            self.exams.insert(exam.clone(), ExamShape { name: exam, questions, pass_mark, minutes });
            return true;
        }
        let id = e.session.unwrap_or_default();
        let s = self.sessions.entry(id.clone()).or_insert_with(|| Session { id, ..Session::default() });
        s.events += 1;
        let at = s.on_session_clock(at);
        match e.body {
            Body::Exam { .. } => {}
            Body::SessionStart { candidate, exam, centre, room, seat, terminal } => {
                s.seat = Some(Seat { candidate, exam, centre, room, seat, terminal });
                s.start = Some(s.start.map_or(at, |t| t.min(at)));
            }
            Body::SessionEnd {} => s.end = Some(s.end.map_or(at, |t| t.max(at))),
            Body::Processes { processes } => {
                for p in &processes {
                    if let Some(m) = self.signatures.match_process(p) {
                        remember_tool(s, at, m);
                    } else if s.odd_programs.len() < MAX_KEPT
                        && OddProgram::is_odd(p)
                        && !s.odd_programs.iter().any(|(_, x)| x.is(p))
                    {
                        let odd =
                            OddProgram { name: p.name.to_lowercase(), path: p.path.clone(), signer: p.signer.clone() };
                        s.odd_programs.push((at, odd));
                    }
                }
            }
            Body::Connections { connections } => {
                for c in &connections {
                    if let Some(m) = self.signatures.match_connection(c) {
                        remember_tool(s, at, m);
                    } else if s.outbound.len() < MAX_KEPT
                        && !c.process.is_empty()
                        && crate::signatures::outside(&c.remote)
                        && !s.outbound.iter().any(|x| x.1.eq_ignore_ascii_case(&c.process) && x.2 == c.remote)
                    {
                        s.outbound.push((at, c.process.to_lowercase(), c.remote.clone(), c.port));
                    }
                }
            }
            Body::Input { interval_ms, keys, pointer } => {
                s.input.push((at - i64::from(interval_ms), at, keys.saturating_add(pointer)))
            }
            Body::Device { action, class, name, vid, pid } => {
                if let Some(m) = self.signatures.match_hardware(&name, &vid, &pid)
                    && s.hardware.len() < MAX_KEPT
                    && !s.hardware.iter().any(|(_, x)| *x == m)
                {
                    s.hardware.push((at, format!("{name} ({m})")));
                }
                if s.devices.len() < MAX_KEPT * 10 {
                    // without ids (an agent that cannot read them), the name stands for the device
                    let ids = if vid.is_empty() && pid.is_empty() {
                        format!("name:{name}")
                    } else {
                        format!("{}:{}", vid.to_ascii_lowercase(), pid.to_ascii_lowercase())
                    };
                    s.devices.push(DeviceEvent { at, action, hid: class.eq_ignore_ascii_case("hid"), name, ids });
                }
            }
            Body::Display { displays, mirrored, resolution } => {
                if s.displays.len() < MAX_KEPT * 10 {
                    let resolution = parse_resolution(&resolution);
                    s.displays.push(DisplayState { at, displays, mirrored, resolution });
                }
            }
            Body::Answer { question, choice } => s.answers.push((at, question, choice)),
        }
        true
    }
}

/// A terminal clock that jumps by more than this between two of a session's events (in arrival order) was reset
/// (a dead CMOS battery's 2020-01-01 after a crash and restart) or set right again: network delays and clock
/// offsets are minutes, an exam hours.
pub const CLOCK_JUMP_MS: i64 = 12 * 3_600_000;

impl Session {
    /// `at` on the session's own continuous clock: after a jump of more than [`CLOCK_JUMP_MS`], the terminal's
    /// readings are shifted to go on from the last corrected one, so that a restarted client's re-sent answers
    /// fall where they were re-sent, not on another day before the exam began; once the clock is back near the
    /// session's time, the shift ends.
    fn on_session_clock(&mut self, at: i64) -> i64 {
        let offset = match self.clock {
            Some((last, offset)) if (at - last).abs() > CLOCK_JUMP_MS => {
                let last_corrected = last + offset;
                if (at - last_corrected).abs() <= CLOCK_JUMP_MS { 0 } else { last_corrected - at }
            }
            Some((_, offset)) => offset,
            None => 0,
        };
        self.clock = Some((at, offset));
        at + offset
    }
}

fn remember_tool(s: &mut Session, at: i64, m: ToolMatch) {
    if let Some(known) = s.tools.iter_mut().find(|(_, x)| *x == m) {
        known.0 = known.0.min(at);
    } else if s.tools.len() < MAX_KEPT {
        s.tools.push((at, m));
    }
}
