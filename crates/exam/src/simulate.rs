//! A simulated theory exam with known cheaters, to measure the detectors.
//!
//! Honest candidates: abilities and item difficulties from a three-parameter logistic model (guessing floor
//! 1/options), response times from van der Linden's lognormal model, ordinary background software (360, QQ,
//! WeChat, Sogou input), mouse and keyboard activity, terminal clocks off by up to a minute, resent and
//! reordered events; and the honest behaviours that look odd: able candidates who are fast everywhere,
//! candidates who run out of time and guess the last questions in seconds, candidates who skip questions and
//! come back, a mouse replaced mid-exam.
//!
//! Cheaters, `rate` of the candidates for each kind: remote-control software (sometimes renamed, sometimes
//! only its connection visible) answering while the terminal's own input is idle; hardware takeover (a HID
//! device attached mid-exam, a KVM chip, a mirrored display); one operator answering for a group of 4 to 8
//! terminals across rooms in lockstep; answer leaking (a sheet covering 30-60% of the questions, 95% right,
//! shared by a ring across rooms, its questions answered in seconds).
//!
//! Deterministic for a seed (its own generator, independent of any crate's).

use crate::event::{Body, Connection, DeviceAction, Event, Process, Question, VERSION};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

/// xoshiro256** seeded by splitmix64.
pub struct Rng([u64; 4]);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        Rng([next(), next(), next(), next()])
    }

    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.f64() * n as f64) as usize % n.max(1)
    }

    pub fn normal(&mut self) -> f64 {
        let u1 = self.f64().max(1e-300);
        let u2 = self.f64();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    pub fn poisson(&mut self, lambda: f64) -> u32 {
        let l = (-lambda).exp();
        let (mut k, mut p) = (0, 1.0);
        loop {
            p *= self.f64();
            if p <= l || k > 1000 {
                return k;
            }
            k += 1;
        }
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }
}

/// The ground truth of one session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Truth {
    pub session: String,
    /// `honest`, `software`, `hardware`, `operator` or `leak`.
    pub kind: &'static str,
    /// For honest sessions: `plain`, `fast_able`, `rapid_guess_end`, `skip_return` or `mouse_replaced`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<&'static str>,
}

/// What to simulate.
#[derive(Clone, Debug)]
pub struct Plan {
    pub candidates: usize,
    /// Share of the candidates for each kind of cheating.
    pub cheat_rate: f64,
    pub seed: u64,
    /// Seconds between two input reports.
    pub input_interval_s: i64,
    /// Seconds between two process and connection reports.
    pub inventory_interval_s: i64,
}

impl Plan {
    pub fn new(candidates: usize, cheat_rate: f64, seed: u64) -> Plan {
        Plan { candidates, cheat_rate, seed, input_interval_s: 15, inventory_interval_s: 300 }
    }
}

const EXAM: &str = "TZZY-DG-2026-12-01";
const ITEMS: usize = 100;
const MINUTES: i64 = 120;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Honest(&'static str),
    Software,
    Hardware,
    Operator(usize),
    Leak,
}

struct Item {
    options: u32,
    key: usize,
    b: f64,
    beta: f64,
    sigma: f64,
}

const LETTERS: [&str; 4] = ["A", "B", "C", "D"];
const TF: [&str; 2] = ["对", "错"];

fn choice_name(item: &Item, c: usize) -> String {
    if item.options == 2 { TF[c].to_string() } else { LETTERS[c].to_string() }
}

/// Writes the events (shuffled a little, some resent) and the truth.
pub fn simulate(plan: &Plan, mut emit: impl FnMut(&Event), mut truth: impl FnMut(&Truth)) {
    let mut rng = Rng::new(plan.seed);
    let items: Vec<Item> = (0..ITEMS)
        .map(|i| {
            let options = if i < 40 { 2 } else { 4 };
            Item {
                options,
                key: rng.below(options as usize),
                b: -1.0 + rng.normal(),
                beta: 25f64.ln() + 0.35 * rng.normal(),
                sigma: 0.35 + 0.25 * rng.f64(),
            }
        })
        .collect();
    let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 1, 0, 0).single().expect("valid time").timestamp_millis();
    let mut out = Vec::new();
    let mut seq = 0u64;
    let mut push = |out: &mut Vec<(i64, Event)>, session: Option<&str>, at: i64, body: Body| {
        seq += 1;
        let e = Event {
            v: VERSION,
            id: format!("e{seq:09}"),
            session: session.map(str::to_string),
            at: DateTime::from_timestamp_millis(at).expect("in range"),
            body,
        };
        out.push((at, e));
    };
    push(
        &mut out,
        None,
        t0 - 3_600_000,
        Body::Exam {
            exam: EXAM.into(),
            questions: items
                .iter()
                .enumerate()
                .map(|(i, it)| Question {
                    id: format!("Q{:03}", i + 1),
                    key: choice_name(it, it.key),
                    options: it.options,
                })
                .collect(),
            pass_mark: 80,
            minutes: MINUTES as u32,
        },
    );

    // Roles: each kind of cheating `rate` of the candidates, the rest honest with their profiles.
    let n = plan.candidates;
    let per_kind = ((n as f64) * plan.cheat_rate).round() as usize;
    let mut roles: Vec<Role> = Vec::with_capacity(n);
    roles.extend(std::iter::repeat_n(Role::Software, per_kind));
    roles.extend(std::iter::repeat_n(Role::Hardware, per_kind));
    let mut group = 0;
    let mut left = per_kind;
    while left > 0 {
        let size = (4 + rng.below(5)).min(left);
        let size = if left - size == 1 { size + 1 } else { size };
        roles.extend(std::iter::repeat_n(Role::Operator(group), size.min(left)));
        left -= size.min(left);
        group += 1;
    }
    roles.extend(std::iter::repeat_n(Role::Leak, per_kind));
    while roles.len() < n {
        let r = rng.f64();
        roles.push(Role::Honest(if r < 0.06 {
            "fast_able"
        } else if r < 0.14 {
            "rapid_guess_end"
        } else if r < 0.22 {
            "skip_return"
        } else if r < 0.24 {
            "mouse_replaced"
        } else {
            "plain"
        }));
    }
    roles.truncate(n);
    // Shuffle so that seats, rooms and session ids say nothing.
    for i in (1..roles.len()).rev() {
        roles.swap(i, rng.below(i + 1));
    }
    // The leak ring's sheet: 30-60% of the questions, 95% right.
    let leak_share = 0.3 + 0.3 * rng.f64();
    let sheet: Vec<Option<usize>> = items
        .iter()
        .map(|it| {
            rng.chance(leak_share).then(|| if rng.chance(0.95) { it.key } else { (it.key + 1) % it.options as usize })
        })
        .collect();
    // Each operator group's sheet (the operator's own answers, 90% right) and timing.
    let groups = group;
    let op_sheets: Vec<Vec<usize>> = (0..groups)
        .map(|_| {
            items.iter().map(|it| if rng.chance(0.9) { it.key } else { (it.key + 1) % it.options as usize }).collect()
        })
        .collect();
    let op_steps: Vec<Vec<i64>> =
        (0..groups).map(|_| (0..ITEMS).map(|_| 4_000 + rng.below(5_000) as i64).collect()).collect();
    let mut op_members: Vec<Vec<usize>> = vec![Vec::new(); groups];
    for (j, r) in roles.iter().enumerate() {
        if let Role::Operator(g) = r {
            op_members[*g].push(j);
        }
    }
    let room_size = 30;
    let room_start: Vec<i64> = (0..n.div_ceil(room_size)).map(|_| t0 + rng.below(600) as i64 * 1000).collect();
    // Operator groups start together (the operator logs them in one after another).
    let op_start: Vec<i64> = (0..groups).map(|_| t0 + rng.below(600) as i64 * 1000).collect();

    for (j, role) in roles.iter().enumerate() {
        let session = format!("S{:05}", j + 1);
        let sid = Some(session.as_str());
        let room = j / room_size;
        let skew = (rng.normal() * 20_000.0) as i64;
        let start = match role {
            Role::Operator(g) => op_start[*g] + op_members[*g].iter().position(|&x| x == j).unwrap_or(0) as i64 * 2_000,
            _ => room_start[room] + rng.below(60_000) as i64,
        };
        let mut ev: Vec<(i64, Body)> = Vec::new();
        ev.push((
            start,
            Body::SessionStart {
                candidate: format!("K{:06}", (j * 7919) % 1_000_003),
                exam: EXAM.into(),
                centre: "C-3201-01".into(),
                room: format!("R{:02}", room + 1),
                seat: format!("{:02}", j % room_size + 1),
                terminal: format!("T{:04}", j + 1),
            },
        ));
        for name in ["USB Keyboard", "USB Optical Mouse"] {
            ev.push((start, device(DeviceAction::Present, name)));
        }
        ev.push((start, Body::Display { displays: 1, mirrored: false, resolution: "1920x1080".into() }));

        let theta = match role {
            Role::Honest("fast_able") => 1.5 + 0.5 * rng.normal(),
            Role::Leak => -0.7 + 0.8 * rng.normal(),
            _ => rng.normal(),
        };
        let tau = match role {
            Role::Honest("fast_able") => 0.7 + 0.15 * rng.normal(),
            _ => 0.25 * rng.normal(),
        };
        // Answers: (time, item, choice, local input around it)
        let mut answers: Vec<(i64, usize, usize, bool)> = Vec::new();
        let end_limit = start + MINUTES * 60_000;
        match role {
            Role::Operator(g) => {
                let pos = op_members[*g].iter().position(|&x| x == j).unwrap_or(0) as i64;
                let size = op_members[*g].len() as i64;
                let mut t = op_start[*g] + size * 2_000 + 30_000;
                for (i, step) in op_steps[*g].iter().enumerate() {
                    let at = t + pos * step + rng.below(1_500) as i64;
                    answers.push((at, i, op_sheets[*g][i], true));
                    t += size * step + 2_000;
                }
            }
            _ => {
                let mut order: Vec<usize> = (0..ITEMS).collect();
                if *role == Role::Honest("skip_return") {
                    for _ in 0..6 {
                        let k = rng.below(ITEMS - 10);
                        let q = order.remove(k);
                        order.push(q);
                    }
                }
                let remote_from = if *role == Role::Software { rng.below(50) } else { usize::MAX };
                let rapid_from =
                    if *role == Role::Honest("rapid_guess_end") { ITEMS - 10 - rng.below(20) } else { usize::MAX };
                let mut t = start + 20_000;
                for (pos, &i) in order.iter().enumerate() {
                    let it = &items[i];
                    let honest_secs = (it.beta - tau + it.sigma * rng.normal()).exp();
                    let p = 1.0 / f64::from(it.options)
                        + (1.0 - 1.0 / f64::from(it.options)) / (1.0 + (-(theta - it.b)).exp());
                    let honest_choice = if rng.chance(p) {
                        it.key
                    } else {
                        (it.key + 1 + rng.below(it.options as usize - 1)) % it.options as usize
                    };
                    let (secs, choice, local) = match role {
                        Role::Leak if sheet[i].is_some() => {
                            ((4f64.ln() + 0.3 * rng.normal()).exp(), sheet[i].unwrap_or(it.key), true)
                        }
                        Role::Software if pos >= remote_from => {
                            (honest_secs, if rng.chance(0.95) { it.key } else { honest_choice }, false)
                        }
                        Role::Hardware if pos >= 30 => {
                            (honest_secs, if rng.chance(0.95) { it.key } else { honest_choice }, true)
                        }
                        Role::Honest("rapid_guess_end") if pos >= rapid_from => {
                            (2.0 + 3.0 * rng.f64(), rng.below(it.options as usize), true)
                        }
                        _ => (honest_secs, honest_choice, true),
                    };
                    t += (secs * 1000.0) as i64;
                    if t > end_limit - 5_000 {
                        break;
                    }
                    answers.push((t, i, choice, local));
                    // Now and then a second thought: the answer changed a little later.
                    if rng.chance(0.03) {
                        t += 3_000 + rng.below(5_000) as i64;
                        answers.push((t, i, rng.below(it.options as usize), local));
                    }
                }
            }
        }
        let last = answers.iter().map(|a| a.0).max().unwrap_or(start);
        let end = (last + 30_000).min(end_limit);

        // Local input per interval: the answers' clicks where input is local, idle moves otherwise.
        let step = plan.input_interval_s * 1000;
        let mut t = start + step;
        let mut ai = 0;
        let mut sorted = answers.clone();
        sorted.sort_by_key(|a| a.0);
        let remote_since = sorted.iter().find(|a| !a.3).map_or(i64::MAX, |a| a.0);
        while t <= end + step {
            let (mut local_answers, mut remote_answers) = (0, 0);
            while ai < sorted.len() && sorted[ai].0 <= t {
                if sorted[ai].3 {
                    local_answers += 1
                } else {
                    remote_answers += 1
                }
                ai += 1;
            }
            let (keys, pointer) = if (remote_answers > 0 || t >= remote_since) && local_answers == 0 {
                (0, 0) // someone else is at the controls; the candidate keeps still
            } else if local_answers > 0 {
                (rng.poisson(0.5), 2 * local_answers + rng.poisson(4.0))
            } else {
                (rng.poisson(0.3), rng.poisson(1.2))
            };
            ev.push((t, Body::Input { interval_ms: step as u32, keys, pointer }));
            t += step;
        }
        for (at, i, c, _) in &answers {
            ev.push((*at, Body::Answer { question: format!("Q{:03}", i + 1), choice: choice_name(&items[*i], *c) }));
        }

        // Background software, and what each kind of cheating leaves on the terminal.
        let mut procs = vec![
            proc("explorer.exe", "C:\\Windows\\explorer.exe", "Microsoft Windows"),
            proc("svchost.exe", "C:\\Windows\\System32\\svchost.exe", "Microsoft Windows"),
            proc("ExamClient.exe", "C:\\ExamClient\\ExamClient.exe", "国家安全生产考试系统"),
        ];
        let mut conns = vec![Connection { remote: "10.20.0.5".into(), port: 443, process: "ExamClient.exe".into() }];
        for (p, name, path, signer) in [
            (
                0.5,
                "360tray.exe",
                "C:\\Program Files (x86)\\360\\360Safe\\safemon\\360tray.exe",
                "Beijing Qihu Technology Co., Ltd.",
            ),
            (
                0.3,
                "SGTool.exe",
                "C:\\Program Files (x86)\\SogouInput\\SGTool.exe",
                "Beijing Sogou Technology Development Co., Ltd.",
            ),
            (0.1, "QQ.exe", "C:\\Program Files\\Tencent\\QQNT\\QQ.exe", "Tencent Technology(Shenzhen) Company Limited"),
            (
                0.1,
                "WeChat.exe",
                "C:\\Program Files\\Tencent\\WeChat\\WeChat.exe",
                "Tencent Technology(Shenzhen) Company Limited",
            ),
            (0.05, "chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "Google LLC"),
        ] {
            if rng.chance(p) {
                procs.push(proc(name, path, signer));
                if name == "QQ.exe" {
                    conns.push(Connection { remote: "msfwifi.3g.qq.com".into(), port: 8080, process: name.into() });
                }
            }
        }
        let mut cheat_procs = Vec::new();
        let mut cheat_conns = Vec::new();
        match role {
            Role::Software => {
                let tools = [
                    (
                        "ToDesk.exe",
                        "C:\\Program Files\\ToDesk\\ToDesk.exe",
                        "Hainan YouQu Technology Co., Ltd",
                        "relay3.todesk.com",
                        443u16,
                    ),
                    (
                        "SunloginClient.exe",
                        "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe",
                        "Shanghai Oray Information Technology Co.,Ltd.",
                        "sl-tcp.oray.net",
                        443,
                    ),
                    (
                        "AnyDesk.exe",
                        "C:\\Users\\exam\\Downloads\\AnyDesk.exe",
                        "philandro Software GmbH",
                        "203.0.113.40",
                        7070,
                    ),
                    (
                        "TeamViewer.exe",
                        "C:\\Program Files\\TeamViewer\\TeamViewer.exe",
                        "TeamViewer Germany GmbH",
                        "198.51.100.7",
                        5938,
                    ),
                    ("rustdesk.exe", "C:\\Program Files\\RustDesk\\rustdesk.exe", "PURSLANE", "203.0.113.77", 21116),
                ];
                let (name, path, signer, host, port) = tools[rng.below(tools.len())];
                match rng.below(4) {
                    0 => cheat_procs.push(proc("svchost32.exe", path, "")), // renamed; the path gives it away
                    1 => cheat_procs.push(proc("audiodg64.exe", "C:\\ProgramData\\x\\audiodg64.exe", signer)), // renamed and moved; signed
                    2 => {} // hidden from the process list: only its connection shows
                    _ => cheat_procs.push(proc(name, path, signer)),
                }
                cheat_conns.push(Connection { remote: host.into(), port, process: String::new() });
            }
            Role::Hardware => match rng.below(4) {
                0 | 1 => ev.push((
                    start + 25 * 60_000 + rng.below(600_000) as i64,
                    device(DeviceAction::Attached, "USB HID Keyboard Device"),
                )),
                2 => ev.push((start, device(DeviceAction::Present, "WCH CH9329 Serial-to-HID"))),
                _ => ev.push((
                    start + rng.below(900_000) as i64,
                    Body::Display { displays: 2, mirrored: rng.chance(0.5), resolution: "1920x1080".into() },
                )),
            },
            Role::Honest("mouse_replaced") => {
                let at = start + 30 * 60_000 + rng.below(1_200_000) as i64;
                ev.push((at, device(DeviceAction::Removed, "USB Optical Mouse")));
                ev.push((at + 40_000 + rng.below(60_000) as i64, device(DeviceAction::Attached, "USB Optical Mouse")));
            }
            _ => {}
        }
        let inv = plan.inventory_interval_s * 1000;
        let mut t = start + 5_000;
        while t <= end {
            let mut ps = procs.clone();
            ps.extend(cheat_procs.iter().cloned());
            ev.push((t, Body::Processes { processes: ps }));
            let mut cs = conns.clone();
            cs.extend(cheat_conns.iter().cloned());
            ev.push((t, Body::Connections { connections: cs }));
            t += inv;
        }
        ev.push((end, Body::SessionEnd {}));
        for (at, body) in ev {
            push(&mut out, sid, at + skew, body);
        }
        let (kind, profile) = match role {
            Role::Honest(p) => ("honest", Some(*p)),
            Role::Software => ("software", None),
            Role::Hardware => ("hardware", None),
            Role::Operator(_) => ("operator", None),
            Role::Leak => ("leak", None),
        };
        truth(&Truth { session, kind, profile });
    }
    // Arrival order: by time, with a little disorder and 1% of the events sent twice.
    out.sort_by_key(|(at, _)| *at);
    for i in 1..out.len() {
        if rng.chance(0.02) {
            out.swap(i - 1, i);
        }
    }
    for (_, e) in &out {
        emit(e);
        if rng.chance(0.01) {
            emit(e);
        }
    }
}

fn proc(name: &str, path: &str, signer: &str) -> Process {
    Process { name: name.into(), path: path.into(), signer: signer.into() }
}

fn device(action: DeviceAction, name: &str) -> Body {
    Body::Device { action, class: "hid".into(), name: name.into(), vid: String::new(), pid: String::new() }
}
