//! The detectors, run per exam over its collected sessions. Each finding says what it saw, in Chinese and
//! English, and how strong the evidence is (`score`: 10 for what a terminal saw directly, -log10 of the p-value
//! for a statistical one). The statistical thresholds are family-wise: with `alpha` = 0.01 and N sessions (or
//! N(N-1)/2 pairs), the chance that any honest session of the exam is flagged by that test is at most 1%
//! under the fitted model.

use crate::model::{IrtFit, RtFit, fit_irt, fit_rt};
use crate::session::{Collector, ExamShape, Session};
use crate::stats::{binomial_upper_tail, normal_cdf, normal_upper_quantile, poisson_binomial_upper_tail};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// What kind of cheating a finding points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Remote-control or screen-sharing software.
    Software,
    /// A device or display that lets someone else take over.
    Hardware,
    /// One person answering for several candidates.
    Operator,
    /// Answers known in advance.
    Leak,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Software => "software",
            Kind::Hardware => "hardware",
            Kind::Operator => "operator",
            Kind::Leak => "leak",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Kind::Software => "远程控制软件",
            Kind::Hardware => "硬件接管",
            Kind::Operator => "一人代答多人",
            Kind::Leak => "答案泄露",
        }
    }
}

/// One piece of evidence against a session.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub kind: Kind,
    pub score: f64,
    pub zh: String,
    pub en: String,
    /// Other sessions involved (a lockstep group, a pair that agrees).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub peers: Vec<String>,
}

/// The verdict on one session.
#[derive(Clone, Debug, Serialize)]
pub struct SessionReport {
    pub session: String,
    pub candidate: String,
    pub exam: String,
    pub centre: String,
    pub room: String,
    pub flagged: bool,
    pub kinds: Vec<Kind>,
    pub score: f64,
    pub answered: usize,
    /// Right answers, where the exam's key is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correct: Option<usize>,
    pub findings: Vec<Finding>,
    /// What was seen but is no evidence (the centre's own tools, a tool never seen in use), for the reviewer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Finding>,
}

/// Thresholds.
#[derive(Clone, Debug)]
pub struct Options {
    /// Family-wise false-positive rate of each statistical test per exam.
    pub alpha: f64,
    /// Answers without local input before that counts (and at least this share of the answers).
    pub no_input_answers: usize,
    pub no_input_share: f64,
    /// A pair moves in lockstep when its answer-time offsets change by less than this share of its answer
    /// times, on average, over at least `lockstep_items` common questions.
    pub lockstep_ratio: f64,
    pub lockstep_items: usize,
    /// A response is "fast" below this standardised log-time residual.
    pub fast_z: f64,
    /// Fast responses before the fast-and-right test applies, and the share of them that must be right.
    pub fast_min: usize,
    pub fast_accuracy: f64,
    /// A device attached this long after the start counts as a takeover unless it replaces one removed within
    /// `replace_window_ms` before.
    pub device_grace_ms: i64,
    pub replace_window_ms: i64,
    /// A centre's (or room's) setup: seen in at least this share of its sessions, and at least this many.
    pub baseline_share: f64,
    pub baseline_min: usize,
    /// A remote tool or a device is the centre's (or room's) own when seen in at least this share of its
    /// sessions (and `baseline_min` of them). Lower than `baseline_share`: centres put maintenance tools and
    /// readers on part of their terminals (one wing, the newer machines), while a candidate's own tool is on one
    /// seat and a ring's on a few.
    pub tool_share: f64,
    /// Relay (one operator answering terminals one after another): answering that starts this long after the
    /// session did (ms), and a hand-over within this window after the other terminal's run ends (ms).
    pub relay_late_ms: i64,
    pub relay_handoff_ms: (i64, i64),
    /// A relay follower is flagged on its timing alone when its answering begins this long after its login and
    /// `late_relay_margin_ms` later than its room's usual (median) start.
    pub late_relay_ms: i64,
    pub late_relay_margin_ms: i64,
    /// One answer sheet shared by a group: a pair whose identical rare wrong answers lie this many standard
    /// deviations above chance seeds a group; a group needs `sheet_members` candidates all erring alike on
    /// `sheet_items` items.
    pub sheet_seed_z: f64,
    pub sheet_members: usize,
    pub sheet_items: usize,
    /// A wrong choice is rare when at most this share of the item's answers made it.
    pub sheet_rare: f64,
    /// A group is flagged when its corrected chance is below this: far below `alpha`, because honest candidates
    /// who learned from one question bank with wrong keys share rare wrong answers too (a blind set's training-
    /// school cohort reached 1e-8), and the ability model cannot tell them from a ring's sheet.
    pub sheet_alpha: f64,
    /// A member's own agreement with the group's shared errors, times the candidates who could have matched
    /// them, must be below this.
    pub sheet_member_alpha: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            alpha: 0.01,
            no_input_answers: 5,
            no_input_share: 0.2,
            lockstep_ratio: 0.2,
            lockstep_items: 20,
            fast_z: -2.5,
            fast_min: 5,
            fast_accuracy: 0.8,
            device_grace_ms: 60_000,
            replace_window_ms: 300_000,
            baseline_share: 0.5,
            baseline_min: 5,
            tool_share: 0.2,
            relay_late_ms: 300_000,
            relay_handoff_ms: (-60_000, 240_000),
            late_relay_ms: 20 * 60_000,
            late_relay_margin_ms: 15 * 60_000,
            sheet_seed_z: 3.0,
            sheet_members: 3,
            sheet_items: 3,
            sheet_rare: 0.25,
            sheet_alpha: 1e-10,
            sheet_member_alpha: 0.01,
        }
    }
}

/// The whole analysis.
#[derive(Clone, Debug, Serialize)]
pub struct Analysis {
    pub sessions: Vec<SessionReport>,
    /// Sessions with events but no `session_start` (not analysed), and how many events each had.
    pub without_start: Vec<(String, u64)>,
    pub duplicates: u64,
}

const DIRECT: f64 = 10.0;

/// Runs every detector on every exam's sessions.
pub fn analyze(collector: Collector, opts: &Options) -> Analysis {
    let Collector { exams, sessions, duplicates, .. } = collector;
    let mut without_start = Vec::new();
    let mut by_exam: BTreeMap<String, Vec<Session>> = BTreeMap::new();
    for (_, mut s) in sessions {
        match &s.seat {
            Some(seat) => {
                s.answers.sort_by_key(|a| a.0);
                s.input.sort_by_key(|x| x.1);
                s.devices.sort_by_key(|d| d.at);
                s.displays.sort_by_key(|d| d.at);
                by_exam.entry(seat.exam.clone()).or_default().push(s);
            }
            None => without_start.push((s.id.clone(), s.events)),
        }
    }
    without_start.sort();
    let baseline = Baseline::of(by_exam.values().flatten(), opts);
    let mut reports = Vec::new();
    for (name, mut group) in by_exam {
        group.sort_by(|a, b| a.id.cmp(&b.id));
        reports.extend(analyze_exam(exams.get(&name), &name, &group, &baseline, opts));
    }
    Analysis { sessions: reports, without_start, duplicates }
}

/// One candidate's answers laid out by item.
struct Answers {
    /// Final choice per item.
    choice: Vec<Option<String>>,
    /// Time of the first answer per item (ms).
    first_at: Vec<Option<i64>>,
    /// Seconds spent reaching the first answer of each item.
    secs: Vec<Option<f64>>,
}

fn layout(s: &Session, index: &HashMap<&str, usize>, items: usize) -> Answers {
    let mut a = Answers { choice: vec![None; items], first_at: vec![None; items], secs: vec![None; items] };
    let mut prev = s.start.unwrap_or_else(|| s.answers.first().map_or(0, |x| x.0));
    for (at, q, choice) in &s.answers {
        let Some(&i) = index.get(q.as_str()) else { continue };
        if a.first_at[i].is_none() {
            a.first_at[i] = Some(*at);
            a.secs[i] = Some(((at - prev) as f64 / 1000.0).max(0.1));
        }
        a.choice[i] = Some(choice.clone());
        prev = *at;
    }
    a
}

/// What is ordinary where a session sat: the software and devices of a centre's or a room's own terminals
/// (remote maintenance and classroom tools, readers) and the display setup of a room (a projector, duplicated
/// screens). A tool or device seen in at least `tool_share` of the centre's (or room's) sessions, a display
/// setup in at least `baseline_share`, each in at least `baseline_min` of them, is the place's setup: its
/// presence is no evidence against one candidate. What is not in the setup still is, and so is the setup's tool
/// answering while the terminal's own input is idle.
pub struct Baseline {
    tools: HashMap<String, std::collections::HashSet<String>>,
    room_tools: HashMap<(String, String), std::collections::HashSet<String>>,
    displays: HashMap<(String, String), bool>,
    /// The display set-up under which a room's (else the centre's) sessions gave most of their answers, where
    /// one set-up is common enough to be the place's.
    usual_display: HashMap<(String, String), (u32, bool)>,
    centre_display: HashMap<String, (u32, bool)>,
    /// How many of a room's and of a centre's sessions gave most answers under each display set-up.
    room_setups: HashMap<(String, String), HashMap<(u32, bool), usize>>,
    centre_setups: HashMap<String, HashMap<(u32, bool), usize>>,
    /// How many of a room's and of a centre's sessions listed each number of input devices at once.
    room_inputs: HashMap<(String, String), HashMap<u32, usize>>,
    centre_inputs: HashMap<String, HashMap<u32, usize>>,
    /// Per terminal (centre, terminal id) and display set-up: who answered under it there.
    terminal_setups: HashMap<(String, String, DisplaySetup), SatUnder>,
}

/// Who answered under a display set-up at one terminal: one candidate (named), or more than one.
enum SatUnder {
    One(String),
    Several,
}

/// A display set-up: how many displays, mirrored or not.
type DisplaySetup = (u32, bool);

fn tool_key(m: &crate::signatures::ToolMatch) -> String {
    format!("{}|{}|{}", m.tool, m.by, m.what.to_lowercase())
}

fn program_key(p: &crate::session::OddProgram) -> String {
    format!("prog|{}|{}", p.name, p.path.to_lowercase())
}

fn far_key(remote: &str) -> String {
    format!("far|{}", remote.to_lowercase())
}

impl Baseline {
    fn of<'a>(sessions: impl Iterator<Item = &'a Session>, opts: &Options) -> Baseline {
        let mut centre_sessions: HashMap<String, usize> = HashMap::new();
        let mut tool_counts: HashMap<(String, String), usize> = HashMap::new();
        let mut room_tool_counts: HashMap<((String, String), String), usize> = HashMap::new();
        let mut room_sessions: HashMap<(String, String), usize> = HashMap::new();
        let mut room_multi: HashMap<(String, String), usize> = HashMap::new();
        let mut room_setups: HashMap<(String, String), HashMap<(u32, bool), usize>> = HashMap::new();
        let mut centre_setups: HashMap<String, HashMap<(u32, bool), usize>> = HashMap::new();
        let mut room_inputs: HashMap<(String, String), HashMap<u32, usize>> = HashMap::new();
        let mut centre_inputs: HashMap<String, HashMap<u32, usize>> = HashMap::new();
        let mut terminal_setups: HashMap<(String, String, DisplaySetup), SatUnder> = HashMap::new();
        for s in sessions {
            let Some(seat) = &s.seat else { continue };
            *centre_sessions.entry(seat.centre.clone()).or_default() += 1;
            let mut keys: Vec<String> = s.tools.iter().map(|(_, m)| tool_key(m)).collect();
            keys.extend(s.hardware.iter().map(|(_, w)| format!("hw|{}", w.to_lowercase())));
            keys.extend(s.odd_programs.iter().map(|(_, p)| program_key(p)));
            keys.extend(s.outbound.iter().map(|(_, _, remote, _)| far_key(remote)));
            keys.sort();
            keys.dedup();
            let room = (seat.centre.clone(), seat.room.clone());
            for k in keys {
                *room_tool_counts.entry((room.clone(), k.clone())).or_default() += 1;
                *tool_counts.entry((seat.centre.clone(), k)).or_default() += 1;
            }
            *room_sessions.entry(room.clone()).or_default() += 1;
            if let Some((setup, _, _)) = answering_display(s) {
                if !seat.terminal.is_empty() {
                    terminal_setups
                        .entry((seat.centre.clone(), seat.terminal.clone(), setup))
                        .and_modify(|sat| {
                            if matches!(sat, SatUnder::One(c) if *c != seat.candidate) {
                                *sat = SatUnder::Several;
                            }
                        })
                        .or_insert_with(|| SatUnder::One(seat.candidate.clone()));
                }
                *room_setups.entry(room.clone()).or_default().entry(setup).or_default() += 1;
                *centre_setups.entry(seat.centre.clone()).or_default().entry(setup).or_default() += 1;
            }
            if let Some(n) = input_inventory(s, opts) {
                *room_inputs.entry(room.clone()).or_default().entry(n).or_default() += 1;
                *centre_inputs.entry(seat.centre.clone()).or_default().entry(n).or_default() += 1;
            }
            if s.displays.iter().any(|d| d.displays >= 2 || d.mirrored) {
                *room_multi.entry(room).or_default() += 1;
            }
        }
        let common = |n: usize, of: usize| n >= opts.baseline_min && n as f64 >= opts.baseline_share * of as f64;
        let installed = |n: usize, of: usize| n >= opts.baseline_min && n as f64 >= opts.tool_share * of as f64;
        let mut tools: HashMap<String, std::collections::HashSet<String>> = HashMap::new();
        for ((centre, key), n) in tool_counts {
            if installed(n, centre_sessions[&centre]) {
                tools.entry(centre).or_default().insert(key);
            }
        }
        let mut room_tools: HashMap<(String, String), std::collections::HashSet<String>> = HashMap::new();
        for ((room, key), n) in room_tool_counts {
            if installed(n, room_sessions[&room]) {
                room_tools.entry(room).or_default().insert(key);
            }
        }
        let displays = room_sessions
            .into_iter()
            .map(|(room, n)| {
                let multi = room_multi.get(&room).copied().unwrap_or(0);
                (room, common(multi, n))
            })
            .collect();
        // The most common set-up, if common enough; ties go to the smaller set-up (the stricter usual).
        let usual = |counts: HashMap<(u32, bool), usize>| {
            let total: usize = counts.values().sum();
            counts
                .into_iter()
                .max_by_key(|(setup, n)| (*n, std::cmp::Reverse(*setup)))
                .filter(|(_, n)| common(*n, total))
                .map(|(setup, _)| setup)
        };
        let usual_display =
            room_setups.iter().filter_map(|(room, c)| Some((room.clone(), usual(c.clone())?))).collect();
        let centre_display =
            centre_setups.iter().filter_map(|(centre, c)| Some((centre.clone(), usual(c.clone())?))).collect();
        Baseline {
            tools,
            room_tools,
            displays,
            usual_display,
            centre_display,
            room_setups,
            centre_setups,
            room_inputs,
            centre_inputs,
            terminal_setups,
        }
    }

    /// Another candidate answered at the same terminal under the same display set-up: it is the terminal's own
    /// (the room's projector seat, a fixed second monitor), kept from one sitting to the next, not one
    /// candidate's.
    fn terminal_keeps_setup(&self, s: &Session, setup: DisplaySetup) -> bool {
        let Some(seat) = &s.seat else { return false };
        // one lookup, not a walk over the terminal's sessions: a hostile stream may put thousands at one terminal
        match self.terminal_setups.get(&(seat.centre.clone(), seat.terminal.clone(), setup)) {
            Some(SatUnder::One(candidate)) => *candidate != seat.candidate,
            Some(SatUnder::Several) => true,
            None => false,
        }
    }

    /// A session listing more input devices at once than its room's seats usually do (else its centre's), in
    /// a number fewer than `baseline_min` of the room's and of the centre's sessions list: `(listed, usual)`.
    fn extra_inputs(&self, s: &Session, opts: &Options) -> Option<(u32, u32)> {
        let seat = s.seat.as_ref()?;
        let n = input_inventory(s, opts)?;
        let room = self.room_inputs.get(&(seat.centre.clone(), seat.room.clone()));
        let centre = self.centre_inputs.get(&seat.centre);
        // the most common count, when common enough to be the place's
        let usual = |c: &HashMap<u32, usize>| {
            let total: usize = c.values().sum();
            c.iter()
                .max_by_key(|(k, v)| (**v, std::cmp::Reverse(**k)))
                .filter(|(_, v)| **v >= opts.baseline_min && **v as f64 >= opts.baseline_share * total as f64)
                .map(|(k, _)| *k)
        };
        let usual = room.and_then(usual).or_else(|| centre.and_then(usual))?;
        let shared =
            |c: Option<&HashMap<u32, usize>>| c.and_then(|c| c.get(&n)).is_some_and(|k| *k >= opts.baseline_min);
        (n > usual && !shared(room) && !shared(centre)).then_some((n, usual))
    }

    /// A display set-up found in at least `baseline_min` sessions of the room or of the centre: some of the
    /// place's seats are set up that way (laptops duplicated to a monitor), however few of them.
    fn setup_in_use(&self, s: &Session, setup: (u32, bool), opts: &Options) -> bool {
        let Some(seat) = &s.seat else { return false };
        let seen = |c: Option<&HashMap<(u32, bool), usize>>| {
            c.and_then(|c| c.get(&setup)).is_some_and(|n| *n >= opts.baseline_min)
        };
        seen(self.room_setups.get(&(seat.centre.clone(), seat.room.clone())))
            || seen(self.centre_setups.get(&seat.centre))
    }

    /// The display set-up usual where the session sat: its room's, else its centre's.
    fn usual_display(&self, s: &Session) -> Option<(u32, bool)> {
        let seat = s.seat.as_ref()?;
        self.usual_display
            .get(&(seat.centre.clone(), seat.room.clone()))
            .or_else(|| self.centre_display.get(&seat.centre))
            .copied()
    }

    fn ordinary_tool(&self, s: &Session, m: &crate::signatures::ToolMatch) -> bool {
        let Some(seat) = &s.seat else { return false };
        let key = tool_key(m);
        self.tools.get(&seat.centre).is_some_and(|set| set.contains(&key))
            || self.room_tools.get(&(seat.centre.clone(), seat.room.clone())).is_some_and(|set| set.contains(&key))
    }

    fn ordinary_hardware(&self, s: &Session, what: &str) -> bool {
        self.ordinary_key(s, &format!("hw|{}", what.to_lowercase()))
    }

    /// Whether what `key` names is on enough of the place's seats to be its own.
    fn ordinary_key(&self, s: &Session, key: &str) -> bool {
        let Some(seat) = &s.seat else { return false };
        self.tools.get(&seat.centre).is_some_and(|set| set.contains(key))
            || self.room_tools.get(&(seat.centre.clone(), seat.room.clone())).is_some_and(|set| set.contains(key))
    }

    fn ordinary_display(&self, s: &Session) -> bool {
        s.seat
            .as_ref()
            .and_then(|seat| self.displays.get(&(seat.centre.clone(), seat.room.clone())))
            .copied()
            .unwrap_or(false)
    }
}

fn analyze_exam(
    shape: Option<&ExamShape>,
    name: &str,
    sessions: &[Session],
    baseline: &Baseline,
    opts: &Options,
) -> Vec<SessionReport> {
    // The items: from the exam's shape, or (without one) every question answered, keyed by the modal answer.
    let (ids, keys, options): (Vec<String>, Vec<String>, Vec<u32>) = match shape {
        Some(s) => (
            s.questions.iter().map(|q| q.id.clone()).collect(),
            s.questions.iter().map(|q| q.key.clone()).collect(),
            s.questions.iter().map(|q| q.options).collect(),
        ),
        None => modal_key(sessions),
    };
    let index: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, q)| (q.as_str(), i)).collect();
    let answers: Vec<Answers> = sessions.iter().map(|s| layout(s, &index, ids.len())).collect();
    let resp: Vec<Vec<Option<bool>>> =
        answers.iter().map(|a| a.choice.iter().zip(&keys).map(|(c, k)| c.as_ref().map(|c| c == k)).collect()).collect();
    let irt = fit_irt(&resp, &options);
    let log_t: Vec<Vec<Option<f64>>> =
        answers.iter().map(|a| a.secs.iter().map(|s| s.map(f64::ln)).collect()).collect();
    let rt = fit_rt(&log_t, ids.len());
    let n = sessions.len();

    let mut findings: Vec<Vec<Finding>> = vec![Vec::new(); n];
    let mut notes: Vec<Vec<Finding>> = vec![Vec::new(); n];
    for (j, s) in sessions.iter().enumerate() {
        software(s, baseline, opts, &mut findings[j], &mut notes[j]);
        hardware(s, baseline, opts, &mut findings[j]);
        fast_and_right(j, &resp[j], &log_t[j], &rt, &options, n, opts, &mut findings[j]);
    }
    pairs(sessions, &answers, &resp, &irt, (&ids, &keys), &options, opts, &mut findings);

    sessions
        .iter()
        .zip(findings)
        .zip(notes)
        .zip(&resp)
        .map(|(((s, f), notes), r)| {
            let seat = s.seat.clone().unwrap_or_default();
            let mut kinds: Vec<Kind> = f.iter().map(|x| x.kind).collect();
            kinds.sort();
            kinds.dedup();
            SessionReport {
                session: s.id.clone(),
                candidate: seat.candidate,
                exam: name.to_string(),
                centre: seat.centre,
                room: seat.room,
                flagged: !f.is_empty(),
                kinds,
                score: (f.iter().map(|x| x.score).sum::<f64>() * 10.0).round() / 10.0 + 0.0,
                answered: r.iter().flatten().count(),
                correct: shape.map(|_| r.iter().flatten().filter(|x| **x).count()),
                findings: f,
                notes,
            }
        })
        .collect()
}

/// How many input devices the terminal had at login: the most distinct HID devices (by `vid:pid`: a composite
/// keyboard's interfaces are one device) it listed present or attached, less those removed, within `LISTING_MS`
/// of one another in the login period (from a minute before the start to `device_grace_ms` after it). A terminal
/// lists its devices one after another, a few hundred milliseconds apart; a receiver plugged in while the
/// candidate logs in is one more. `None` when it listed none.
fn input_inventory(s: &Session, opts: &Options) -> Option<u32> {
    use crate::event::DeviceAction;
    const LISTING_MS: i64 = 10_000;
    let start = s.start.or_else(|| s.devices.first().map(|d| d.at))?;
    let login = start - 60_000..=start + opts.device_grace_ms;
    // a real terminal lists a handful; a hostile agent's thousands would cost their square here
    const MAX_LOGIN_DEVICES: usize = 64;
    let events: Vec<&crate::session::DeviceEvent> =
        s.devices.iter().filter(|d| d.hid && login.contains(&d.at)).take(MAX_LOGIN_DEVICES).collect();
    if !events.iter().any(|d| d.action != DeviceAction::Removed) {
        return None;
    }
    // devices are sorted by time: each listing window starts at one event
    (0..events.len())
        .map(|k| {
            let end = events[k].at + LISTING_MS;
            // (ids, name, times listed present): one listing naming the very same device twice has two of it
            let mut listed: Vec<(&str, &str, u32)> = Vec::new();
            for d in events[k..].iter().take_while(|d| d.at <= end) {
                if d.action == DeviceAction::Removed {
                    listed.retain(|x| x.0 != d.ids);
                    continue;
                }
                let present = u32::from(d.action == DeviceAction::Present);
                match listed.iter_mut().find(|x| x.0 == d.ids && x.1 == d.name) {
                    Some(x) => x.2 += present,
                    None => listed.push((&d.ids, &d.name, present)),
                }
            }
            let mut ids: Vec<&str> = listed.iter().map(|x| x.0).collect();
            ids.sort_unstable();
            ids.dedup();
            ids.iter().map(|i| listed.iter().filter(|x| x.0 == *i).map(|x| x.2.max(1)).max().unwrap_or(1)).sum::<u32>()
        })
        .max()
}

/// Items and a key from the answers alone: each question's most common final choice.
fn modal_key(sessions: &[Session]) -> (Vec<String>, Vec<String>, Vec<u32>) {
    let mut counts: BTreeMap<&str, HashMap<&str, usize>> = BTreeMap::new();
    for s in sessions {
        let mut last: HashMap<&str, &str> = HashMap::new();
        for (_, q, c) in &s.answers {
            last.insert(q, c);
        }
        for (q, c) in last {
            *counts.entry(q).or_default().entry(c).or_default() += 1;
        }
    }
    let mut out = (Vec::new(), Vec::new(), Vec::new());
    for (q, cs) in counts {
        let key = cs.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map_or("", |(c, _)| *c);
        out.0.push(q.to_string());
        out.1.push(key.to_string());
        out.2.push(u32::try_from(cs.len().max(2)).unwrap_or(4));
    }
    out
}

/// Remote software takes over only when it is used. A tool of the centre's or room's own image, or one that is
/// installed but never seen connected, is noted for the reviewer, not flagged; a tool seen connected (its relay,
/// its port, or a connection of its process) that is not the place's own, a place's own LAN tool (Radmin, VNC)
/// connected to an outside address no other seat of the place connects to, or answers given while the
/// terminal's own keyboard and mouse did nothing, are flagged.
fn software(s: &Session, baseline: &Baseline, opts: &Options, out: &mut Vec<Finding>, notes: &mut Vec<Finding>) {
    let used = |by: &str| matches!(by, "host" | "port" | "connection process");
    let own: std::collections::HashSet<&str> =
        s.tools.iter().filter(|(_, m)| baseline.ordinary_tool(s, m)).map(|(_, m)| m.tool.as_str()).collect();
    let mut flagged_tools: Vec<&str> = Vec::new();
    for (_, m) in &s.tools {
        // The place's own tool is no evidence, unless it is one that works inside a network and this copy called
        // out to an address no other seat of the place calls (the centre's Radmin dialled by a stranger's console).
        let ordinary = baseline.ordinary_tool(s, m) || (own.contains(m.tool.as_str()) && !m.lan_tool_called_out());
        let in_use = s.tools.iter().any(|(_, x)| x.tool == m.tool && used(x.by) && !baseline.ordinary_tool(s, x));
        let finding = Finding {
            code: "remote_software",
            kind: Kind::Software,
            score: DIRECT,
            zh: format!("考试终端运行或连接远程控制软件“{}”（{}：{}）", m.tool, by_zh(m.by), m.what),
            en: format!("the terminal ran or connected to remote-control software {} ({}: {})", m.tool, m.by, m.what),
            peers: Vec::new(),
        };
        if !ordinary && in_use {
            flagged_tools.push(&m.tool);
            out.push(finding);
        } else {
            notes.push(Finding {
                code: if ordinary { "remote_software_of_the_centre" } else { "remote_software_unused" },
                score: 0.0,
                zh: format!(
                    "{}（{}）",
                    finding.zh,
                    if ordinary {
                        "考点自装，单凭存在不算证据"
                    } else {
                        "未见其连接，单凭存在不算证据"
                    }
                ),
                en: format!(
                    "{} ({})",
                    finding.en,
                    if ordinary {
                        "the centre's own install: no evidence by its presence"
                    } else {
                        "never seen connected: no evidence by its presence"
                    }
                ),
                ..finding
            });
        }
    }
    // A program no install of the place puts on a seat (unsigned, or in a user's folder) holding a connection to
    // an outside address no other seat of the place connects to: remote control under a borrowed name
    // (svchost.exe from Users\Public, a "webview" from Temp), which no signature names.
    let mut callers: Vec<&str> = Vec::new();
    for (_, process, remote, port) in &s.outbound {
        let Some(p) = s.odd_programs.iter().map(|(_, p)| p).find(|p| p.name == *process) else { continue };
        if callers.contains(&process.as_str())
            || baseline.ordinary_key(s, &program_key(p))
            || baseline.ordinary_key(s, &far_key(remote))
        {
            continue;
        }
        callers.push(process);
        let (signed_zh, signed_en) = if p.signer.trim().is_empty() {
            ("未签名".to_string(), "unsigned".to_string())
        } else {
            (format!("签名者 {}", p.signer), format!("signed by {}", p.signer))
        };
        out.push(Finding {
            code: "unknown_program_calling_out",
            kind: Kind::Software,
            score: DIRECT,
            zh: format!(
                "不明程序 {}（{signed_zh}）连接考点外地址 {remote}:{port}，本考点其他终端既无此程序也无此连接",
                p.path_or_name()
            ),
            en: format!(
                "an unknown program {} ({signed_en}) connected to the outside address {remote}:{port}; no other seat of the place runs it or connects there",
                p.path_or_name()
            ),
            peers: Vec::new(),
        });
    }
    // Answers given while the terminal's own keyboard and mouse did nothing.
    let mut silent = 0;
    let mut covered = 0;
    // An answer that repeats the question's choice changes nothing: a client restored after a crash re-sends
    // every answer it had, with no one at the keyboard. Only answers that set or change a choice are weighed.
    let mut current: HashMap<&str, &str> = HashMap::new();
    for (at, question, choice) in &s.answers {
        if current.insert(question, choice) == Some(choice.as_str()) {
            continue;
        }
        let window = (at - 5_000, at + 1_000);
        let around: Vec<u32> =
            s.input.iter().filter(|(from, to, _)| *to >= window.0 && *from <= window.1).map(|x| x.2).collect();
        if !around.is_empty() {
            covered += 1;
            if around.iter().all(|&n| n == 0) {
                silent += 1;
            }
        }
    }
    if silent >= opts.no_input_answers && silent as f64 >= opts.no_input_share * covered.max(1) as f64 {
        out.push(Finding {
            code: "answers_without_local_input",
            kind: Kind::Software,
            score: DIRECT,
            zh: format!("{silent} 次作答时本机键盘鼠标无任何操作（共 {covered} 次有输入记录）：作答来自远程"),
            en: format!("{silent} answers came while the terminal's keyboard and mouse did nothing (of {covered} with input records): answered remotely"),
            peers: Vec::new(),
        });
    }
}

fn by_zh(by: &str) -> &'static str {
    match by {
        "process name" => "进程名",
        "path" => "路径",
        "signer" => "签名",
        "port" => "端口",
        "connection process" => "连接的进程",
        _ => "主机",
    }
}

fn hardware(s: &Session, baseline: &Baseline, opts: &Options, out: &mut Vec<Finding>) {
    for (_, what) in s.hardware.iter().filter(|(_, w)| !baseline.ordinary_hardware(s, w)) {
        out.push(Finding {
            code: "takeover_hardware",
            kind: Kind::Hardware,
            score: DIRECT,
            zh: format!("连接了可代替键鼠操作的硬件：{what}"),
            en: format!("hardware that types and clicks for someone else was connected: {what}"),
            peers: Vec::new(),
        });
    }
    let start = s.start.unwrap_or(i64::MIN / 2);
    for d in &s.devices {
        if d.action != crate::event::DeviceAction::Attached || !d.hid || d.at < start + opts.device_grace_ms {
            continue;
        }
        // A keyboard or mouse replaced (one removed shortly before) is ordinary.
        let replaced = s.devices.iter().any(|r| {
            r.action == crate::event::DeviceAction::Removed
                && r.hid
                && r.at <= d.at
                && d.at - r.at <= opts.replace_window_ms
        });
        if !replaced {
            let minute = (d.at - start) / 60_000;
            out.push(Finding {
                code: "input_device_attached",
                kind: Kind::Hardware,
                score: DIRECT,
                zh: format!("考试开始 {minute} 分钟后接入输入设备“{}”，且无设备被替换", d.name),
                en: format!(
                    "an input device \"{}\" was attached {minute} minutes into the exam, replacing none",
                    d.name
                ),
                peers: Vec::new(),
            });
            break;
        }
    }
    // A second or mirrored display set up before the exam began is the seat's setup, which the invigilators
    // see (a projector, a laptop duplicated to a monitor); one that appears during the exam is not. A room set
    // up that way throughout is ordinary even then.
    let changed_after = start + opts.device_grace_ms;
    let ordinary_room = baseline.ordinary_display(s);
    let added = s.displays.iter().find(|d| (d.displays >= 2 || d.mirrored) && !ordinary_room && d.at >= changed_after);
    if let Some(d) = added {
        out.push(Finding {
            code: "display_added",
            kind: Kind::Hardware,
            score: DIRECT,
            zh: if d.mirrored {
                "屏幕被镜像输出".to_string()
            } else {
                format!("连接了 {} 个显示器", d.displays)
            },
            en: if d.mirrored {
                "the screen was mirrored".to_string()
            } else {
                format!("{} displays were connected", d.displays)
            },
            peers: Vec::new(),
        });
    }
    // Set up before the start, a screen sent elsewhere as well is still unlike the seats around it: most
    // answers given with more displays, or mirrored, than the room's (else the centre's) usual set-up, in a
    // set-up few of the place's sessions share. A seat used for the briefing's projector goes back to the
    // usual before most answers are given; a terminal whose other candidates answered under the same set-up
    // keeps it from sitting to sitting.
    if added.is_none()
        && let Some(((n, mirrored), under, total)) = answering_display(s)
        && under * 2 >= total
        && let Some(usual) = baseline.usual_display(s)
        && (n > usual.0 || (mirrored && !usual.1))
        && !baseline.setup_in_use(s, (n, mirrored), opts)
        && !baseline.terminal_keeps_setup(s, (n, mirrored))
    {
        let say = |n: u32, m: bool, zh: bool| match (zh, m) {
            (true, true) => format!("{n} 个显示器、镜像"),
            (true, false) => format!("{n} 个显示器"),
            (false, true) => format!("{n} display(s), mirrored"),
            (false, false) => format!("{n} display(s)"),
        };
        out.push(Finding {
            code: "display_unusual",
            kind: Kind::Hardware,
            score: DIRECT,
            zh: format!(
                "{under}/{total} 道题作答时屏幕为 {}，本考场通常为 {}",
                say(n, mirrored, true),
                say(usual.0, usual.1, true)
            ),
            en: format!(
                "{under} of {total} answers were given with {}, where this room usually has {}",
                say(n, mirrored, false),
                say(usual.0, usual.1, false)
            ),
            peers: Vec::new(),
        });
    }
    // A receiver or an injector plugged in before the start is one device more than the seats around it list.
    if let Some((n, usual)) = baseline.extra_inputs(s, opts) {
        out.push(Finding {
            code: "input_device_extra",
            kind: Kind::Hardware,
            score: DIRECT,
            zh: format!("终端同时列出 {n} 个输入设备，本考场的座位通常为 {usual} 个"),
            en: format!("the terminal listed {n} input devices at once, where this room's seats usually list {usual}"),
            peers: Vec::new(),
        });
    }
    // Something put inline on the display cable (a splitter, a capture box) re-plugs the display during the
    // exam and brings its own resolution: the display went away and came back at another.
    if let Some((before, after)) = replugged_at_other_resolution(s, changed_after) {
        let fmt = |r: (u32, u32)| format!("{}x{}", r.0, r.1);
        out.push(Finding {
            code: "display_replugged",
            kind: Kind::Hardware,
            score: DIRECT,
            zh: format!("考试中显示器断开后重新接入，分辨率由 {} 变为 {}", fmt(before), fmt(after)),
            en: format!(
                "the display was unplugged during the exam and came back at {} instead of {}",
                fmt(after),
                fmt(before)
            ),
            peers: Vec::new(),
        });
    }
}

/// The display set-up (displays, mirrored) under which the session gave most of its answers, how many answers
/// that was and how many in all. Before its first `display` event a session is taken to be as that event says.
fn answering_display(s: &Session) -> Option<((u32, bool), usize, usize)> {
    if s.displays.is_empty() || s.answers.is_empty() {
        return None;
    }
    let mut counts: Vec<((u32, bool), usize)> = Vec::new();
    let mut k = 0;
    for (at, _, _) in &s.answers {
        while k + 1 < s.displays.len() && s.displays[k + 1].at <= *at {
            k += 1;
        }
        let d = &s.displays[k];
        let setup = (d.displays, d.mirrored);
        match counts.iter_mut().find(|(x, _)| *x == setup) {
            Some((_, n)) => *n += 1,
            None => counts.push((setup, 1)),
        }
    }
    let (setup, n) = counts.into_iter().max_by_key(|(setup, n)| (*n, std::cmp::Reverse(*setup)))?;
    Some((setup, n, s.answers.len()))
}

/// After `after`, the display went to none and came back at another resolution: (before, after).
fn replugged_at_other_resolution(s: &Session, after: i64) -> Option<((u32, u32), (u32, u32))> {
    let mut last_shown: Option<(u32, u32)> = None;
    let mut gone = false;
    for d in &s.displays {
        if d.displays == 0 {
            gone |= d.at >= after;
            continue;
        }
        if gone
            && let (Some(before), Some(now)) = (last_shown, d.resolution)
            && before != now
        {
            return Some((before, now));
        }
        gone = false;
        if d.resolution.is_some() {
            last_shown = d.resolution;
        }
    }
    None
}

/// Fast and right: many responses far faster than this candidate's own speed predicts for the item, nearly
/// all of them right. Fast alone is not enough (an able, quick candidate is fast everywhere, which the speed
/// parameter absorbs); fast and wrong is rapid guessing at the end, not cheating.
#[allow(clippy::too_many_arguments)]
fn fast_and_right(
    j: usize,
    resp: &[Option<bool>],
    log_t: &[Option<f64>],
    rt: &RtFit,
    options: &[u32],
    n: usize,
    opts: &Options,
    out: &mut Vec<Finding>,
) {
    let answered: Vec<usize> = (0..resp.len()).filter(|&i| resp[i].is_some() && log_t[i].is_some()).collect();
    let fast: Vec<usize> =
        answered.iter().copied().filter(|&i| rt.z(j, i, log_t[i].unwrap_or(0.0)) < opts.fast_z).collect();
    if fast.len() < opts.fast_min {
        return;
    }
    let right = fast.iter().filter(|&&i| resp[i] == Some(true)).count();
    if (right as f64) < opts.fast_accuracy * fast.len() as f64 {
        return;
    }
    // How unlikely so many fast responses are, then how unlikely so many of them are right by guessing.
    let p_fast = binomial_upper_tail(answered.len(), normal_cdf(opts.fast_z), fast.len());
    let guess: Vec<f64> = fast.iter().map(|&i| 1.0 / f64::from(options[i].max(2))).collect();
    let p_right = poisson_binomial_upper_tail(&guess, right);
    let p = p_fast.max(p_right);
    if p < opts.alpha / n.max(1) as f64 {
        out.push(Finding {
            code: "fast_and_right",
            kind: Kind::Leak,
            score: (-p.max(1e-30).log10() * 10.0).round() / 10.0,
            zh: format!(
                "{} 道题的作答远快于本人速度的预期（预期约 {:.1} 道），其中 {right} 道答对：事先知道答案",
                fast.len(),
                normal_cdf(opts.fast_z) * answered.len() as f64
            ),
            en: format!(
                "{} answers far faster than this candidate's own speed predicts (about {:.1} expected), {right} of them right: the answers were known in advance",
                fast.len(),
                normal_cdf(opts.fast_z) * answered.len() as f64
            ),
            peers: Vec::new(),
        });
    }
}

/// A session's answering as runs of first answers, in ms: a run ends where no first answer came for two minutes.
/// `(start, end, answers)`.
struct Runs(Vec<(i64, i64, usize)>);

/// A pause this long ends a run of answers.
const RUN_GAP_MS: i64 = 120_000;

impl Runs {
    /// On the session's own time, since its start: a terminal clock off by a constant does not matter.
    fn since_start(s: &Session, a: &Answers) -> Runs {
        match s.start {
            Some(start) => Runs::since(start, a),
            None => Runs(Vec::new()),
        }
    }

    /// On the terminal's clock: candidates who logged in minutes apart do not matter.
    fn on_the_clock(a: &Answers) -> Runs {
        Runs::since(0, a)
    }

    fn since(start: i64, a: &Answers) -> Runs {
        let mut at: Vec<i64> = a.first_at.iter().flatten().map(|t| t - start).collect();
        at.sort_unstable();
        let mut runs: Vec<(i64, i64, usize)> = Vec::new();
        for t in at {
            match runs.last_mut() {
                Some(r) if t - r.1 <= RUN_GAP_MS => {
                    r.1 = t;
                    r.2 += 1;
                }
                _ => runs.push((t, t, 1)),
            }
        }
        Runs(runs)
    }

    /// Runs of at least `min` answers.
    fn at_least(&self, min: usize) -> impl Iterator<Item = &(i64, i64, usize)> {
        self.0.iter().filter(move |r| r.2 >= min)
    }
}

/// A relay: `follower` is answered by whoever answered `leader` just before. In one sitting at one centre, the
/// follower's answering starts late (an honest candidate starts within minutes), and the hand-over shows on the
/// sessions' own time or on the terminals' clocks (the first is blind to logins minutes apart, the second to
/// clocks set wrong; one of them holds in a room).
fn relay_shaped(
    follower: &Session,
    leader: &Session,
    (f, l): (&Runs, &Runs),
    (f_clock, l_clock): (&Runs, &Runs),
    opts: &Options,
) -> bool {
    let (Some(fs), Some(ls)) = (&follower.seat, &leader.seat) else { return false };
    let (Some(f0), Some(l0)) = (follower.start, leader.start) else { return false };
    if fs.centre != ls.centre || (f0 - l0).abs() > 45 * 60_000 {
        return false;
    }
    let Some(first_big) = f.at_least(10).next() else { return false };
    if first_big.0 < opts.relay_late_ms || l.at_least(10).next().is_none() {
        return false;
    }
    handed_over(f, l, opts) || handed_over(f_clock, l_clock, opts)
}

/// The two never answer at the same time (overlap at most a tenth of the shorter's answering time), and a run of
/// the follower starts just as a run of the leader ends.
fn handed_over(f: &Runs, l: &Runs, opts: &Options) -> bool {
    let active = |r: &Runs| r.at_least(3).map(|x| x.1 - x.0).sum::<i64>();
    let shorter = active(f).min(active(l));
    let overlap: i64 =
        f.at_least(3).flat_map(|a| l.at_least(3).map(move |b| (a.1.min(b.1) - a.0.max(b.0)).max(0))).sum();
    if shorter <= 0 || overlap * 10 > shorter {
        return false;
    }
    let (lo, hi) = opts.relay_handoff_ms;
    f.at_least(10).any(|a| l.0.iter().any(|b| (lo..=hi).contains(&(a.0 - b.1))))
}

/// A terminal left unanswered long after its login that starts just as another terminal of the centre stops is
/// answered by someone who came from there, whatever the answers: an able operator's answers agree with anyone
/// able. Honest candidates begin within minutes of the exam opening (no honest follower of a relay-shaped pair
/// in the eight blind sets began 20 minutes late); a room's usual delay is allowed for, as a room logged in long
/// before the exam opened begins late as a whole. The follower is flagged, not the terminal before it: a late
/// start finds some terminal that stopped just before among many.
fn late_relays(
    sessions: &[Session],
    runs: &[Runs],
    relays: &[(usize, usize, usize, usize, f64)],
    opts: &Options,
    findings: &mut [Vec<Finding>],
) {
    let room = |s: &Session| s.seat.as_ref().map(|x| (x.centre.clone(), x.room.clone()));
    let mut delays: HashMap<(String, String), Vec<f64>> = HashMap::new();
    for (s, r) in sessions.iter().zip(runs) {
        if let (Some(room), Some(first)) = (room(s), r.0.first()) {
            delays.entry(room).or_default().push(first.0 as f64);
        }
    }
    let usual: HashMap<(String, String), i64> =
        delays.into_iter().map(|(room, mut d)| (room, crate::stats::median(&mut d) as i64)).collect();
    let mut leaders: std::collections::BTreeMap<usize, Vec<usize>> = std::collections::BTreeMap::new();
    for &(follower, leader, ..) in relays {
        let Some(first) = runs[follower].at_least(10).next() else { continue };
        let usual = room(&sessions[follower]).and_then(|r| usual.get(&r).copied()).unwrap_or(0);
        if first.0 >= opts.late_relay_ms.max(usual + opts.late_relay_margin_ms) {
            leaders.entry(follower).or_default().push(leader);
        }
    }
    for (follower, before) in leaders {
        if findings[follower].iter().any(|f| f.code == "relay_answers") {
            continue;
        }
        let minutes = runs[follower].at_least(10).next().map_or(0, |r| r.0 / 60_000);
        let usual = room(&sessions[follower]).and_then(|r| usual.get(&r).copied()).unwrap_or(0) / 60_000;
        let peers: Vec<String> = before.iter().map(|&l| sessions[l].id.clone()).collect();
        findings[follower].push(Finding {
            code: "late_relay",
            kind: Kind::Operator,
            score: DIRECT / 2.0,
            zh: format!(
                "登录 {minutes} 分钟后才开始作答（本考场通常 {usual} 分钟内开始），恰在同一考点的会话 {} 停止作答时开始，两者从不同时作答：由从那台终端过来的人代答",
                peers.join("、")
            ),
            en: format!(
                "began answering {minutes} minutes after login (this room usually begins within {usual}), just as session {} of the same centre stopped, never answering at the same time: answered by someone who came from that terminal",
                peers.join(", ")
            ),
            peers,
        });
    }
}

/// Pairs within the exam: answer agreement beyond chance (leaks, copying) and answer timings in lockstep (one
/// operator for several terminals).
#[allow(clippy::too_many_arguments)]
fn pairs(
    sessions: &[Session],
    answers: &[Answers],
    resp: &[Vec<Option<bool>>],
    irt: &IrtFit,
    (ids, keys): (&[String], &[String]),
    options: &[u32],
    opts: &Options,
    findings: &mut [Vec<Finding>],
) {
    let n = sessions.len();
    let items = keys.len();
    if n < 2 {
        return;
    }
    let n_pairs = (n * (n - 1) / 2) as f64;
    let p_pair = opts.alpha / n_pairs;
    let z_screen = (normal_upper_quantile(p_pair) - 1.5).max(2.0);
    // Each wrong choice's share among the wrong answers of its item: how likely two wrong answers coincide.
    let probs: Vec<Vec<f64>> = (0..n).map(|j| (0..items).map(|i| irt.p(j, i)).collect()).collect();
    let rare = RareWrong::of(answers, keys, options, opts.sheet_rare);
    // Each item's chance that two wrong answers coincide, from how its wrong answers spread.
    let coincide: Vec<f64> = (0..items).map(|i| rare.coincide(i)).collect();
    let runs: Vec<Runs> = sessions.iter().zip(answers).map(|(s, a)| Runs::since_start(s, a)).collect();
    let clock_runs: Vec<Runs> = answers.iter().map(Runs::on_the_clock).collect();
    // (follower, leader, matches, same wrong, p of the agreement)
    let mut relays: Vec<(usize, usize, usize, usize, f64)> = Vec::new();
    let mut lockstep_edges: Vec<(usize, usize, f64)> = Vec::new();
    let mut agree: Vec<(usize, usize, usize, usize, f64)> = Vec::new();
    // Pairs sharing unusually many identical wrong answers: seeds of a group that copied one sheet.
    let mut sheet_pairs: Vec<(usize, usize)> = Vec::new();
    let mut ps = Vec::with_capacity(items);
    let mut qs = Vec::with_capacity(items);
    for j in 0..n {
        for k in j + 1..n {
            // Agreement: every answer the same (ps), and the same wrong choice (qs), each by chance given both
            // candidates' ability, the item's difficulty and how its wrong answers spread.
            let (mut m, mut mu, mut var, mut both, mut same_wrong) = (0usize, 0.0, 0.0, 0usize, 0usize);
            let (mut mu_q, mut var_q) = (0.0, 0.0);
            // Identical rare wrong choices (see RareWrong), for the shared-sheet test's seeds.
            let (mut rare_same, mut mu_r, mut var_r) = (0usize, 0.0, 0.0);
            ps.clear();
            qs.clear();
            for i in 0..items {
                let (Some(a), Some(b)) = (&answers[j].choice[i], &answers[k].choice[i]) else { continue };
                let (pj, pk) = (probs[j][i], probs[k][i]);
                let q = (1.0 - pj) * (1.0 - pk) * coincide[i];
                let p = pj * pk + q;
                ps.push(p);
                qs.push(q);
                mu_q += q;
                var_q += q * (1.0 - q);
                both += 1;
                mu += p;
                var += p * (1.0 - p);
                let r = (1.0 - pj) * (1.0 - pk) * rare.alike2[i];
                mu_r += r;
                var_r += r * (1.0 - r);
                if a == b {
                    m += 1;
                    if resp[j][i] == Some(false) {
                        same_wrong += 1;
                        if rare.is_rare(i, a) {
                            rare_same += 1;
                        }
                    }
                }
            }
            // Relay: one terminal's answering takes over where the other's stopped.
            let relay = if relay_shaped(
                &sessions[k],
                &sessions[j],
                (&runs[k], &runs[j]),
                (&clock_runs[k], &clock_runs[j]),
                opts,
            ) {
                Some((k, j))
            } else if relay_shaped(
                &sessions[j],
                &sessions[k],
                (&runs[j], &runs[k]),
                (&clock_runs[j], &clock_runs[k]),
                opts,
            ) {
                Some((j, k))
            } else {
                None
            };
            // Identical wrong answers are the sharper test when both candidates are able (their right answers
            // agree anyway and dilute the count of all agreements): a leak with transcription errors, or an
            // answer sheet passed around.
            // The exact tail (O(items²)) only for pairs the normal approximation already finds unusual: counts of
            // rare coincidences are skewed right, so the approximation overstates them and the screen lets through
            // every pair the exact test could flag in the relay test (z > 2) or alone.
            let unusual = var_q > 0.0 && (same_wrong as f64 - mu_q) / var_q.sqrt() > 2.0;
            let p_same_wrong =
                if same_wrong >= 3 && unusual { poisson_binomial_upper_tail(&qs, same_wrong) } else { 1.0 };
            if rare_same >= opts.sheet_items && rare_same as f64 > mu_r + opts.sheet_seed_z * var_r.sqrt() {
                sheet_pairs.push((j, k));
            }
            if let Some((follower, leader)) = relay
                && both > 0
            {
                let p = (2.0 * poisson_binomial_upper_tail(&ps, m).min(p_same_wrong)).min(1.0);
                relays.push((follower, leader, m, same_wrong, p));
            }
            // Two tests per pair: each at half the pair's share of alpha.
            let p_all = if both > 0 && var > 0.0 && (m as f64 - mu) / var.sqrt() > z_screen {
                poisson_binomial_upper_tail(&ps, m)
            } else {
                1.0
            };
            let p = p_all.min(p_same_wrong);
            if p < p_pair / 2.0 {
                agree.push((j, k, m, same_wrong, p));
            }
            // Lockstep: the offset between the two answer clocks barely changes from question to question.
            let mut common: Vec<(i64, i64, f64)> = (0..items)
                .filter_map(|i| {
                    let (a, b) = (answers[j].first_at[i]?, answers[k].first_at[i]?);
                    let d = (answers[j].secs[i]? + answers[k].secs[i]?) / 2.0;
                    Some((a, b, d))
                })
                .collect();
            if common.len() >= opts.lockstep_items {
                common.sort_by_key(|c| c.0);
                let mut drift = 0.0;
                let mut spent = 0.0;
                for w in common.windows(2) {
                    let d0 = (w[0].0 - w[0].1) as f64 / 1000.0;
                    let d1 = (w[1].0 - w[1].1) as f64 / 1000.0;
                    drift += (d1 - d0).abs();
                    spent += w[1].2;
                }
                let ratio = drift / spent.max(1e-9);
                if ratio < opts.lockstep_ratio {
                    lockstep_edges.push((j, k, ratio));
                }
            }
        }
    }
    // Lockstep groups: connected sessions.
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(p: &mut [usize], mut x: usize) -> usize {
        while p[x] != x {
            p[x] = p[p[x]];
            x = p[x];
        }
        x
    }
    for &(j, k, _) in &lockstep_edges {
        let (a, b) = (root(&mut parent, j), root(&mut parent, k));
        if a != b {
            parent[a] = b;
        }
    }
    let in_group: Vec<bool> = {
        let mut v = vec![false; n];
        for &(j, k, _) in &lockstep_edges {
            v[j] = true;
            v[k] = true;
        }
        v
    };
    for (j, k, m, same_wrong, p) in agree {
        let score = (-p.max(1e-30).log10() * 10.0).round() / 10.0;
        // Two terminals of one lockstep group agree because one person answered both.
        let same_group = in_group[j] && in_group[k] && root(&mut parent, j) == root(&mut parent, k);
        for (a, b) in [(j, k), (k, j)] {
            findings[a].push(Finding {
                code: "answers_agree",
                kind: if same_group { Kind::Operator } else { Kind::Leak },
                score,
                zh: format!(
                    "与考生会话 {} 的答案高度一致：{m} 题相同（其中 {same_wrong} 道错得一样），按各自水平偶然如此的概率为 {p:.1e}",
                    sessions[b].id
                ),
                en: format!(
                    "answers agree with session {}: {m} the same ({same_wrong} of them the same wrong choice); by chance, given both candidates' ability: p = {p:.1e}",
                    sessions[b].id
                ),
                peers: vec![sessions[b].id.clone()],
            });
        }
    }
    // A relay-shaped pair is rare among honest sessions (answering late, never at the same time, starting as the
    // other stops); the pair is flagged when its answers also agree beyond chance given both candidates'
    // ability, at the exam's alpha shared among the relay-shaped pairs only.
    let p_relay = opts.alpha / relays.len().max(1) as f64;
    for &(follower, leader, m, same_wrong, p) in &relays {
        if p >= p_relay {
            continue;
        }
        let score = (-p.max(1e-30).log10() * 10.0).round() / 10.0;
        for (a, b) in [(follower, leader), (leader, follower)] {
            let first = a == leader;
            findings[a].push(Finding {
                code: "relay_answers",
                kind: Kind::Operator,
                score: score.max(DIRECT),
                zh: format!(
                    "{}：一个终端停止作答后另一个随即开始、两者从不同时作答，且答案一致程度超出两人水平所能解释（{m} 题相同，{same_wrong} 道错得一样，p = {p:.1e}），一人轮流代答",
                    if first { format!("会话 {} 在本会话之后接着作答", sessions[b].id) } else { format!("本会话在会话 {} 之后接着作答", sessions[b].id) }
                ),
                en: format!(
                    "{}: one terminal starts answering as the other stops, they never answer at the same time, and their answers agree beyond what both candidates' ability explains ({m} the same, {same_wrong} the same wrong choice, p = {p:.1e}): one person answering in turn",
                    if first { format!("session {} answers right after this one", sessions[b].id) } else { format!("this session answers right after session {}", sessions[b].id) }
                ),
                peers: vec![sessions[b].id.clone()],
            });
        }
    }
    late_relays(sessions, &runs, &relays, opts, findings);
    shared_sheets(sessions, answers, (ids, keys), &rare, &probs, &sheet_pairs, opts, findings);
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(j, k, _) in &lockstep_edges {
        for x in [j, k] {
            let r = root(&mut parent, x);
            let g = groups.entry(r).or_default();
            if !g.contains(&x) {
                g.push(x);
            }
        }
    }
    for members in groups.values() {
        let mut rooms: Vec<&str> =
            members.iter().filter_map(|&x| sessions[x].seat.as_ref().map(|s| s.room.as_str())).collect();
        rooms.sort_unstable();
        rooms.dedup();
        for &x in members {
            let best =
                lockstep_edges.iter().filter(|e| e.0 == x || e.1 == x).map(|e| e.2).fold(f64::INFINITY, f64::min);
            let peers: Vec<String> = members.iter().filter(|&&y| y != x).map(|&y| sessions[y].id.clone()).collect();
            findings[x].push(Finding {
                code: "lockstep_answers",
                kind: Kind::Operator,
                score: DIRECT,
                zh: format!(
                    "与另外 {} 个会话（{} 个考场）逐题同步作答：答题时间差几乎不变（漂移仅为答题用时的 {:.0}%），一人代答多人",
                    peers.len(),
                    rooms.len(),
                    best * 100.0
                ),
                en: format!(
                    "answers in lockstep with {} other sessions ({} rooms): the gap between their answers barely changes (drift {:.0}% of the time per question): one operator answering for several",
                    peers.len(),
                    rooms.len(),
                    best * 100.0
                ),
                peers,
            });
        }
    }
}

/// How each item's wrong answers spread, and which wrong choices few candidates make. Only those count as evidence
/// of a shared sheet: a trap's
/// popular wrong answer is shared by honest candidates who fall for traps alike, beyond what one ability per
/// person says, while a mis-copied sheet's errors land anywhere, mostly on choices few candidates make.
struct RareWrong<'a> {
    /// Per item: how many candidates made each wrong choice.
    counts: Vec<HashMap<&'a str, usize>>,
    /// Per item: how many answered.
    answered: Vec<usize>,
    /// Per item: the shares, among its wrong answers, of its rare wrong choices (smoothed towards the unseen
    /// distractors, which are rare by definition).
    shares: Vec<Vec<f64>>,
    /// Per item: the chance that two erring candidates make the same rare choice.
    alike2: Vec<f64>,
    /// Per item: how many wrong choices it offers.
    distractors: Vec<f64>,
    rare_share: f64,
}

impl<'a> RareWrong<'a> {
    fn of(answers: &'a [Answers], keys: &[String], options: &[u32], rare_share: f64) -> Self {
        let items = keys.len();
        let mut counts: Vec<HashMap<&str, usize>> = vec![HashMap::new(); items];
        let mut answered = vec![0usize; items];
        for a in answers {
            for (i, c) in a.choice.iter().enumerate() {
                if let Some(c) = c {
                    answered[i] += 1;
                    if *c != keys[i] {
                        *counts[i].entry(c.as_str()).or_default() += 1;
                    }
                }
            }
        }
        let distractors: Vec<f64> = options.iter().map(|&o| f64::from(o.max(2) - 1)).collect();
        let mut r = RareWrong { counts, answered, shares: Vec::new(), alike2: Vec::new(), distractors, rare_share };
        r.shares = (0..items)
            .map(|i| {
                let distractors = r.distractors[i];
                let total = r.counts[i].values().sum::<usize>() as f64 + distractors;
                let unseen = (distractors - r.counts[i].len() as f64).max(0.0) as usize;
                r.counts[i]
                    .iter()
                    .filter(|(c, _)| r.is_rare(i, c))
                    .map(|(_, &k)| (k as f64 + 1.0) / total)
                    .chain(std::iter::repeat_n(1.0 / total, unseen))
                    .collect()
            })
            .collect();
        r.alike2 = (0..items).map(|i| r.alike(i, 2)).collect();
        r
    }

    /// The chance that two erring candidates make one same wrong choice, rare or not, on item `i` (each choice's
    /// share smoothed towards uniform over the distractors).
    fn coincide(&self, i: usize) -> f64 {
        let total = self.counts[i].values().sum::<usize>() as f64 + self.distractors[i];
        let known: f64 = self.counts[i].values().map(|&k| ((k as f64 + 1.0) / total).powi(2)).sum();
        let unseen = (self.distractors[i] - self.counts[i].len() as f64).max(0.0);
        known + unseen * (1.0 / total).powi(2)
    }

    /// The share of wrong choice `c` among item `i`'s wrong answers (smoothed as in `shares`).
    fn share_of(&self, i: usize, c: Option<&str>) -> f64 {
        let k = c.and_then(|c| self.counts[i].get(c)).copied().unwrap_or(0);
        (k as f64 + 1.0) / (self.counts[i].values().sum::<usize>() as f64 + self.distractors[i])
    }

    fn is_rare(&self, i: usize, c: &str) -> bool {
        self.counts[i].get(c).is_some_and(|&k| k as f64 <= self.rare_share * self.answered[i] as f64)
    }

    /// The chance that `g` erring candidates all make one same rare choice on item `i`.
    fn alike(&self, i: usize, g: i32) -> f64 {
        self.shares[i].iter().map(|s| s.powi(g)).sum()
    }
}

/// Groups that copied one answer sheet: three or more candidates who all gave the same wrong choice on the same
/// three or more items (a key with transcription errors, a mis-copied row). Two able candidates sharing three or
/// four such errors are not rare enough among all the exam's pairs; five sharing them are. Each group grows from a
/// pair that shares unusually many identical wrong answers: every candidate who repeats enough of the pair's shared
/// errors joins, and the errors all members share are counted. The chance of that many items on which all members
/// err alike, given each member's ability, each item's difficulty and how its wrong answers spread, is corrected
/// for every group of that size the exam could form and for the sizes tried.
#[allow(clippy::too_many_arguments)]
fn shared_sheets(
    sessions: &[Session],
    answers: &[Answers],
    (ids, keys): (&[String], &[String]),
    rare: &RareWrong,
    probs: &[Vec<f64>],
    seeds: &[(usize, usize)],
    opts: &Options,
    findings: &mut [Vec<Finding>],
) {
    let n = sessions.len();
    let items = keys.len();
    if seeds.is_empty() || n < 3 {
        return;
    }
    let wrong = |j: usize, i: usize| answers[j].choice[i].as_deref().filter(|c| *c != keys[i]);
    let ln_choose = |n: usize, k: usize| -> f64 { (0..k).map(|i| ((n - i) as f64 / (i + 1) as f64).ln()).sum() };
    let mut seen: std::collections::HashSet<Vec<usize>> = std::collections::HashSet::new();
    // (members, shared items, corrected p)
    let mut groups: Vec<(Vec<usize>, Vec<usize>, f64)> = Vec::new();
    // A ring of hundreds seeds tens of thousands of pairs: a pair whose two members already joined a group adds
    // nothing, so each group is weighed about once.
    let mut grouped = vec![false; n];
    for &(a, b) in seeds {
        if grouped[a] && grouped[b] {
            continue;
        }
        let shared: Vec<usize> = (0..items)
            .filter(|&i| wrong(a, i).is_some_and(|c| rare.is_rare(i, c)) && wrong(a, i) == wrong(b, i))
            .collect();
        let overlap: Vec<usize> =
            (0..n).map(|l| shared.iter().filter(|&&i| wrong(l, i) == wrong(a, i)).count()).collect();
        let mut best: Option<(Vec<usize>, Vec<usize>, f64)> = None;
        for need in (opts.sheet_items..=shared.len()).rev() {
            let members: Vec<usize> = (0..n).filter(|&l| l == a || l == b || overlap[l] >= need).collect();
            if members.len() < opts.sheet_members {
                continue;
            }
            let common_of = |members: &[usize]| -> Vec<usize> {
                shared.iter().copied().filter(|&i| members.iter().all(|&l| wrong(l, i) == wrong(a, i))).collect()
            };
            let common = common_of(&members);
            if common.len() < opts.sheet_items {
                continue;
            }
            // Each member's own agreement with the sheet must be improbable for that member, among every
            // candidate who could have matched it: a weak candidate who happens to share three rare errors with
            // a large ring does not join it.
            let fits = |l: usize| {
                let p: f64 = common.iter().map(|&i| (1.0 - probs[l][i]) * rare.share_of(i, wrong(a, i))).product();
                p * (n as f64) < opts.sheet_member_alpha
            };
            let members: Vec<usize> = members.iter().copied().filter(|&l| fits(l)).collect();
            let common = common_of(&members);
            if members.len() < opts.sheet_members || common.len() < opts.sheet_items {
                continue;
            }
            // Per item: the chance that every member errs there with one same choice.
            let g = members.len() as i32;
            let pis: Vec<f64> = (0..items)
                .map(|i| members.iter().map(|&l| 1.0 - probs[l][i]).product::<f64>() * rare.alike(i, g))
                .collect();
            let p = poisson_binomial_upper_tail(&pis, common.len());
            let corrected = (p.max(1e-300).ln() + ln_choose(n, members.len()) + (n as f64).ln()).exp().min(1.0);
            if best.as_ref().is_none_or(|b| corrected < b.2) {
                best = Some((members, common, corrected));
            }
        }
        if let Some(g) = best
            && g.2 < opts.sheet_alpha
            && seen.insert(g.0.clone())
        {
            for &m in &g.0 {
                grouped[m] = true;
            }
            groups.push(g);
        }
    }
    for (members, common, p) in groups {
        let score = (-p.max(1e-30).log10() * 10.0).round() / 10.0;
        let listed: Vec<String> =
            common.iter().take(6).map(|&i| format!("{} {}", ids[i], wrong(members[0], i).unwrap_or(""))).collect();
        for &x in &members {
            let peers: Vec<String> = members.iter().filter(|&&y| y != x).map(|&y| sessions[y].id.clone()).collect();
            findings[x].push(Finding {
                code: "shared_sheet",
                kind: Kind::Leak,
                score: score.max(1.0),
                zh: format!(
                    "与另外 {} 个会话在同样 {} 道题上选了同一个错误答案（{}…），按各人水平偶然如此的概率（已按可能的组数校正）为 {p:.1e}：同一份答案单",
                    peers.len(),
                    common.len(),
                    listed.join("、")
                ),
                en: format!(
                    "gave the same wrong choice as {} other sessions on the same {} questions ({}...); by chance, given each one's ability and corrected for every group the exam could form: p = {p:.1e}: one answer sheet",
                    peers.len(),
                    common.len(),
                    listed.join(", ")
                ),
                peers,
            });
        }
    }
}
