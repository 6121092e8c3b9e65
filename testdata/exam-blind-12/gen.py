#!/usr/bin/env python3
"""Independent synthetic telemetry for Chinese work-safety certificate theory exams.

Blind set 12. Deterministic: every random stream is seeded from a string, no
set iteration, no hash() - output does not depend on PYTHONHASHSEED.

    python3 gen.py --seed 1313 --candidates 400 --out set-m
"""
import argparse
import gzip
import hashlib
import json
import math
import os
import random
from datetime import datetime, timedelta, timezone

UTC = timezone.utc
CST = timezone(timedelta(hours=8))
SEED = "1313"


def R(*parts):
    return random.Random("\x1f".join(str(p) for p in (SEED,) + parts))


def hx(*parts, n=12):
    return hashlib.sha256("\x1f".join(str(p) for p in (SEED,) + parts).encode()).hexdigest()[:n]


# ---------------------------------------------------------------- question banks / papers
def build_banks():
    banks = {}
    for b, n_tf, n_sc in (("E", 230, 340), ("W", 150, 220)):
        r = R("bank", b)
        qs = []
        for i in range(n_tf + n_sc):
            tf = i < n_tf
            n = 2 if tf else (4 if r.random() < 0.92 else 3)
            qid = 10001 + i if b == "E" else "W-%04d" % (i + 1)
            key = r.randrange(n)
            trap = r.choice([k for k in range(n) if k != key])
            qs.append(dict(id=qid, tf=tf, n=n, key=key, trap=trap,
                           b=r.gauss(-0.5 if tf else 0.0, 1.0), trapw=r.uniform(0.3, 0.9)))
        banks[b] = qs
    return banks


PAPER_DEFS = [
    # short, exam id, bank, style, minutes, order
    ("DG-A", "AQ-DG-2611-A", "E", "letters", 90, "tf_first"),
    ("DG-B", "AQ-DG-2611-B", "E", "cn", 90, "tf_first"),
    ("DG-C", "AQ-DG-2611-C", "E", "int0", 90, "mixed"),
    ("HG-A", "AQ-HG-2611-A", "W", "cn2", 120, "tf_first"),
    ("HG-B", "AQ-HG-2611-B", "W", "letters", 120, "mixed"),
]


def build_papers(banks):
    papers = {}
    for short, eid, b, style, minutes, order in PAPER_DEFS:
        r = R("paper", short)
        bank = banks[b]
        tfs = r.sample([q for q in bank if q["tf"]], 40)
        scs = r.sample([q for q in bank if not q["tf"]], 60)
        if order == "tf_first":
            qs = sorted(tfs, key=lambda q: str(q["id"])) + sorted(scs, key=lambda q: str(q["id"]))
        else:
            qs = tfs + scs
            r.shuffle(qs)
        papers[short] = dict(short=short, exam=eid, bank=b, style=style, minutes=minutes, qs=qs)
    return papers


def rep(style, q, idx):
    if style == "int0":
        return idx
    if style == "cn" and q["tf"]:
        return ["对", "错"][idx]
    if style == "cn2" and q["tf"]:
        return ["正确", "错误"][idx]
    return "ABCD"[idx]


def opts(style, q):
    if style in ("letters", "int0"):
        return q["n"]
    if q["tf"]:
        return ["对", "错"] if style == "cn" else ["正确", "错误"]
    return list("ABCD"[:q["n"]])


# ---------------------------------------------------------------- centres
CENTRES = {
    "C1": dict(code="GD-SZ-AJ01", vendor="A", os="win10", seats=40, net="10.21",
               server=("exam.sz-aj01.example", 443), rooms={"101": "1920x1080", "102": "1920x1080", "103": "1920x1080"},
               tools=["mythware", "huorong", "cammon"]),
    "C2": dict(code="GD-FS-ZY02", vendor="B", os="win7", seats=36, net="10.32",
               server=("10.32.1.5", 8080), rooms={"A": "1366x768", "B": "1366x768"},
               tools=["360", "radmin"]),
    "C3": dict(code="GX-NN-KS03", vendor="C", os="uos", seats=32, net="172.16",
               server=("172.16.30.2", 443), rooms={"1": "1920x1080", "2": "1920x1080"},
               tools=["sshd"]),
    "C4": dict(code="HN-CS-PX04", vendor="A", os="win10", seats=30, net="10.44",
               server=("exam.cs-px04.example", 443), rooms={"East": "1600x900", "West": "1600x900"},
               tools=["defender", "sunlogin", "idreader", "kvmext", "screenaudit"]),
    "C5": dict(code="FJ-XM-AQ05", vendor="D", os="win11", seats=40, net="192.168.50",
               server=("192.168.50.10", 9443), rooms={"3F-1": "1920x1080", "3F-2": "1920x1080"},
               tools=["defender", "touch", "cammon"]),
    "C6": dict(code="JX-GZ-XZ06", vendor="B", os="win10", seats=24, net="192.168.8",
               server=("192.168.8.2", 8080), rooms={"Hall": "1366x768"},
               tools=["huorong", "laptopclone"]),
}

SLOTS = [
    ("2026-11-03", "09:00", "DG-A", {"C1": ["101", "102"], "C2": ["A"], "C3": ["1"]}),
    ("2026-11-03", "14:00", "HG-A", {"C1": ["103"], "C4": ["East"], "C6": ["Hall"]}),
    ("2026-11-05", "09:00", "DG-B", {"C2": ["A", "B"], "C4": ["East", "West"], "C5": ["3F-1"]}),
    ("2026-11-05", "14:30", "DG-C", {"C3": ["1", "2"], "C5": ["3F-2"]}),
    ("2026-11-07", "09:00", "HG-B", {"C1": ["101"], "C5": ["3F-1", "3F-2"], "C6": ["Hall"]}),
    ("2026-11-10", "09:00", "DG-A", {"C1": ["101", "102", "103"], "C4": ["West"], "C5": ["3F-1"]}),
    ("2026-11-10", "14:00", "DG-B", {"C2": ["B"], "C3": ["2"], "C6": ["Hall"]}),
    ("2026-11-12", "09:00", "HG-A", {"C2": ["A"], "C4": ["East"], "C5": ["3F-2"]}),
    ("2026-11-14", "09:00", "DG-C", {"C1": ["102"], "C2": ["A", "B"], "C3": ["1"], "C4": ["West"]}),
    ("2026-11-17", "09:00", "DG-B", {"C1": ["101", "103"], "C5": ["3F-1", "3F-2"], "C6": ["Hall"]}),
    ("2026-11-19", "14:00", "HG-B", {"C3": ["1", "2"], "C4": ["East", "West"]}),
]


def slot_epoch(i):
    d, hm, _, _ = SLOTS[i]
    return datetime.fromisoformat(d + "T" + hm + ":00+08:00").timestamp()


MSW = "Microsoft Windows"
MSP = "Microsoft Windows Publisher"
S32 = "C:\\Windows\\System32\\"


def win_base(os_):
    b = [("System", None, None), ("smss.exe", S32 + "smss.exe", MSW), ("csrss.exe", S32 + "csrss.exe", MSW),
         ("wininit.exe", S32 + "wininit.exe", MSW), ("winlogon.exe", S32 + "winlogon.exe", MSW),
         ("services.exe", S32 + "services.exe", MSW), ("lsass.exe", S32 + "lsass.exe", MSW)]
    b += [("svchost.exe", S32 + "svchost.exe", MSP)] * (4 if os_ == "win7" else 7)
    b += [("dwm.exe", S32 + "dwm.exe", MSW), ("explorer.exe", "C:\\Windows\\explorer.exe", MSW),
          ("spoolsv.exe", S32 + "spoolsv.exe", MSW), ("conhost.exe", S32 + "conhost.exe", MSW)]
    if os_ == "win7":
        b += [("taskhost.exe", S32 + "taskhost.exe", MSW), ("SearchIndexer.exe", S32 + "SearchIndexer.exe", MSW)]
    else:
        b += [("sihost.exe", S32 + "sihost.exe", MSW), ("fontdrvhost.exe", S32 + "fontdrvhost.exe", MSW),
              ("taskhostw.exe", S32 + "taskhostw.exe", MSW), ("RuntimeBroker.exe", S32 + "RuntimeBroker.exe", MSW),
              ("ctfmon.exe", S32 + "ctfmon.exe", MSW), ("igfxEM.exe", S32 + "igfxEM.exe", "Intel(R) pGFX"),
              ("RtkAudUService64.exe", S32 + "RtkAudUService64.exe", "Realtek Semiconductor Corp.")]
    if os_ == "win11":
        b += [("Widgets.exe", "C:\\Program Files\\WindowsApps\\MicrosoftWindows.Client.WebExperience\\Widgets.exe", "Microsoft Corporation"),
              ("SearchHost.exe", "C:\\Windows\\SystemApps\\MicrosoftWindows.Client.CBS\\SearchHost.exe", "Microsoft Corporation")]
    return b


UOS_BASE = [(n, p, None) for n, p in [
    ("systemd", "/usr/lib/systemd/systemd"), ("dbus-daemon", "/usr/bin/dbus-daemon"), ("Xorg", "/usr/lib/xorg/Xorg"),
    ("lightdm", "/usr/sbin/lightdm"), ("startdde", "/usr/bin/startdde"), ("dde-session-daemon", "/usr/lib/deepin-daemon/dde-session-daemon"),
    ("dde-dock", "/usr/bin/dde-dock"), ("dde-desktop", "/usr/bin/dde-desktop"), ("kwin_x11", "/usr/bin/kwin_x11"),
    ("NetworkManager", "/usr/sbin/NetworkManager"), ("pulseaudio", "/usr/bin/pulseaudio"), ("udisksd", "/usr/lib/udisks2/udisksd"),
    ("deepin-anything-server", "/usr/bin/deepin-anything-server")]]

CLIENTS = {
    "A": [("KsClient.exe", "C:\\Program Files (x86)\\AnXunKaoShi\\KsClient.exe", "Guangzhou Anxun Information Technology Co., Ltd."),
          ("KsGuard.exe", "C:\\Program Files (x86)\\AnXunKaoShi\\KsGuard.exe", "Guangzhou Anxun Information Technology Co., Ltd.")],
    "B": [("ExamShell.exe", "D:\\ExamSys\\ExamShell.exe", None), ("ExamLock.exe", "D:\\ExamSys\\ExamLock.exe", None)],
    "C": [("exam-kiosk", "/opt/tezhong-exam/bin/exam-kiosk", None), ("exam-agent", "/opt/tezhong-exam/bin/exam-agent", None)],
    "D": [("SafeExamTerminal.exe", "C:\\SET\\SafeExamTerminal.exe", "Xiamen Anjian Ruanjian Co., Ltd."),
          ("SETGuard.exe", "C:\\SET\\SETGuard.exe", "Xiamen Anjian Ruanjian Co., Ltd.")],
}

TOOLS = {
    "mythware": [("StudentMain.exe", "C:\\Program Files (x86)\\Mythware\\e-Learning Class\\StudentMain.exe", "Mythware Co., Ltd."),
                 ("MasterHelper.exe", "C:\\Program Files (x86)\\Mythware\\e-Learning Class\\MasterHelper.exe", "Mythware Co., Ltd.")],
    "huorong": [("HipsDaemon.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\HipsDaemon.exe", "Beijing Huorong Network Technology Co., Ltd."),
                ("HipsTray.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\HipsTray.exe", "Beijing Huorong Network Technology Co., Ltd."),
                ("usysdiag.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\usysdiag.exe", "Beijing Huorong Network Technology Co., Ltd.")],
    "360": [("360Tray.exe", "C:\\Program Files (x86)\\360\\360Safe\\safemon\\360Tray.exe", "Beijing Qihu Technology Co., Ltd."),
            ("ZhuDongFangYu.exe", "C:\\Program Files (x86)\\360\\360Safe\\deepscan\\ZhuDongFangYu.exe", "Beijing Qihu Technology Co., Ltd.")],
    "radmin": [("rserver3.exe", "C:\\Windows\\SysWOW64\\rserver3.exe", "Famatech Corp.")],
    "sshd": [("sshd", "/usr/sbin/sshd", None)],
    "defender": [("MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe", "Microsoft Corporation"),
                 ("SecurityHealthService.exe", S32 + "SecurityHealthService.exe", MSW)],
    "sunlogin": [("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe", "Shanghai Oray Information Technology Co., Ltd.")] * 2,
    "idreader": [("IDCardSvc.exe", "C:\\Program Files (x86)\\SynjonesID\\IDCardSvc.exe", "Synjones ID Co., Ltd.")],
    "kvmext": [],
    "screenaudit": [("ScreenAudit.exe", "C:\\Program Files\\KaowuAudit\\ScreenAudit.exe", "Hunan Kaowu Audit Technology Co., Ltd.")],
    "cammon": [("KwCamUpload.exe", "C:\\Program Files\\KwCam\\KwCamUpload.exe", "Kaowu Video Co., Ltd.")],
    "touch": [("ILITEKTouchSvc.exe", "C:\\Program Files\\ILITEK\\ILITEKTouchSvc.exe", "ILI Technology Corp.")],
    "laptopclone": [("igfxCUIService.exe", S32 + "igfxCUIService.exe", "Intel(R) pGFX")],
}

DEV = {
    "dell_kb": ("hid", "Dell KB216 Wired Keyboard", 0x413c, 0x2113),
    "dell_kb_cc": ("hid", "HID-compliant consumer control device", 0x413c, 0x2113),
    "logi_k120": ("hid", "USB Keyboard", 0x046d, 0xc31c),
    "lenovo_m": ("hid", "Lenovo USB Optical Mouse", 0x17ef, 0x608d),
    "pixart_m": ("hid", "USB Optical Mouse", 0x093a, 0x2510),
    "logi_m100": ("hid", "USB Optical Mouse", 0x046d, 0xc077),
    "camera": ("other", "USB 2.0 Camera", 0x0c45, 0x636b),
    "idreader": ("other", "IDCard Reader", 0x0400, 0xc35a),
    "aten_ext_kb": ("hid", "ATEN CE-Series KVM Extender Keyboard", 0x0557, 0x2419),
    "aten_ext_m": ("hid", "ATEN CE-Series KVM Extender Mouse", 0x0557, 0x2419),
    "ilitek": ("hid", "ILITEK-TP Multi-Touch", 0x222a, 0x0001),
    "apc_ups": ("hid", "American Power Conversion Back-UPS ES 600M1", 0x051d, 0x0002),
    "elan_tp": ("hid", "ELAN Touchpad", 0x04f3, 0x3140),
    "ps2_kb": ("hid", "Standard PS/2 Keyboard", None, None),
    "rtk_crw": ("storage", "Realtek USB2.0-CRW", 0x0bda, 0x0158),
    "usb_stick": ("storage", "Kingston DataTraveler 3.0", 0x0951, 0x1666),
    "hub": ("other", "Generic USB Hub", 0x05e3, 0x0608),
    # cheating hardware
    "ch9329": ("hid", "USB HID Keyboard", 0x1a86, 0xe129),
    "ch9329_m": ("hid", "HID-compliant mouse", 0x1a86, 0xe129),
    "leonardo_spoof": ("hid", "USB Keyboard", 0x046d, 0xc31c),
    "leonardo": ("hid", "Arduino Leonardo", 0x2341, 0x8036),
    "teensy": ("hid", "Keyboard/Mouse/Joystick", 0x16c0, 0x0482),
    "pikvm_kb": ("hid", "PiKVM Composite Device", 0x1d6b, 0x0104),
    "pikvm_m": ("hid", "PiKVM Composite Device", 0x1d6b, 0x0104),
    "gadget_kb": ("hid", "USB Keyboard", 0x1d6b, 0x0104),
    "dongle24": ("hid", "2.4G Wireless Receiver", 0x25a7, 0xfa61),
    "dongle24_m": ("hid", "HID-compliant mouse", 0x25a7, 0xfa61),
    "wlan": ("other", "802.11n WLAN Adapter", 0x0bda, 0x8179),
    "csr_bt": ("other", "CSR8510 A10 Bluetooth", 0x0a12, 0x0001),
    "bt_kb": ("hid", "Bluetooth Keyboard", None, None),
    "aten_cs": ("hid", "ATEN CS22U USB KVM", 0x0557, 0x2221),
    "kb_vendor_if": ("hid", "HID-compliant vendor-defined device", 0x413c, 0x2113),
    "android": ("hid", "Android HID Gadget", 0x18d1, 0x4ee7),
    "android_mtp": ("other", "Android MTP Device", 0x18d1, 0x4ee2),
    "vm_mouse": ("hid", "VMware Virtual USB Mouse", 0x0e0f, 0x0003),
    "vm_kb": ("hid", "VMware Virtual USB Keyboard", 0x0e0f, 0x0006),
}

# (keys range, pointer range) produced locally per answer, by answer source
SRC = {
    "mouse": ((0, 0), (8, 60)), "keys": ((1, 3), (0, 2)), "touch": ((0, 0), (1, 4)), "remote": None,
    "inj_keys": ((2, 3), (0, 0)), "inj_abs": ((0, 1), (2, 5)), "kvm": ((0, 1), (3, 14)),
    "dongle": ((0, 0), (10, 45)), "vm": ((0, 0), (2, 6)),
}


# ---------------------------------------------------------------- knowledge / timing
def know(pid, q, ability, cohort=None, salt=""):
    r = R("k", pid, q["id"], salt)
    u = r.random()
    if cohort and q["id"] in cohort["taught"] and u < 0.85:
        return cohort["taught"][q["id"]]
    g = 1.0 / q["n"]
    p = g + (1 - g) / (1 + math.exp(-1.7 * (ability - q["b"])))
    if r.random() < p:
        return q["key"]
    if r.random() < q["trapw"]:
        return q["trap"]
    return r.choice([k for k in range(q["n"]) if k != q["key"]])


def pknow(q, ability):
    g = 1.0 / q["n"]
    return g + (1 - g) / (1 + math.exp(-1.7 * (ability - q["b"])))


def qtime(r, q, speed):
    base = speed * (0.6 if q["tf"] else 1.0) * (1 + 0.18 * max(-1.0, min(2.0, q["b"])))
    return max(1.1, base * math.exp(r.gauss(0, 0.45)))


class Act:
    __slots__ = ("t", "qi", "c", "src", "leak")

    def __init__(self, t, qi, c, src, leak=False):
        self.t, self.qi, self.c, self.src, self.leak = t, qi, c, src, leak


class Sess:
    def __init__(self, n, kind, sub, slot, centre, room, seat):
        self.n, self.kind, self.sub = n, kind, sub
        self.slot, self.centre, self.room, self.seat = slot, centre, room, seat
        self.C = CENTRES[centre]
        self.vendor = self.C["vendor"]
        self.paper = None
        self.ev = []
        self.acts = []
        self.pts = []          # (t, keys, pointer) local input points
        self.bg = []           # (t0, t1, pointer_rate, key_rate)
        self.xproc = []        # (t0, t1, (name, path, signer))
        self.xconn = []        # (t0, t1, (remote, port, proc))
        self.devs = []         # present at start
        self.devev = []        # (t, action, devkey)
        self.disp = []         # (t, displays, mirrored, res)
        self.cohort = None
        self.no_end = False
        self.blip = None
        self.jump = None
        self.skew = 0.0
        self.tstyle = self.vendor
        self.leakn = 0

    def emit(self, t, kind, **f):
        self.ev.append([t, kind, f])


def self_answer(S, r, pid, ability, t, speed, src, order="seq", review=0.4, cohort=None,
                guess=None, qidx=None, misclick=0.012):
    qs = S.paper["qs"]
    idxs = list(range(len(qs))) if qidx is None else list(qidx)
    if order == "tflast":
        idxs = [i for i in idxs if not qs[i]["tf"]] + [i for i in idxs if qs[i]["tf"]]
    skipped = []
    acts = []
    for i in idxs:
        q = qs[i]
        p = pknow(q, ability)
        if order == "skip" and p < 0.6 and r.random() < 0.6:
            t += r.uniform(2, 8)
            skipped.append(i)
            continue
        if guess and p < 0.55:
            t += r.uniform(1.2, 4.0)
            c = 0 if guess == "A" else (q["n"] - 1 if guess == "last" else r.randrange(q["n"]))
        else:
            t += qtime(r, q, speed)
            c = know(pid, q, ability, cohort)
        if t > S.tlim - 3:
            return acts, S.tlim
        if r.random() < misclick:
            wrong = r.choice([k for k in range(q["n"]) if k != c])
            acts.append(Act(t - r.uniform(0.6, 2.5), i, wrong, src))
        acts.append(Act(t, i, c, src))
    for i in skipped:
        t += qtime(r, qs[i], speed * 1.3)
        if t > S.tlim - 3:
            return acts, S.tlim
        acts.append(Act(t, i, know(pid, qs[i], ability, cohort), src))
    if r.random() < review:
        answered = sorted(set(a.qi for a in acts))
        for i in sorted(r.sample(answered, min(len(answered), r.randint(2, 14)))):
            t += r.uniform(3, 14)
            if t > S.tlim - 3:
                return acts, S.tlim
            if r.random() < 0.3:
                acts.append(Act(t, i, know(pid, qs[i], ability, cohort, salt="2nd"), src))
    return acts, t


# ---------------------------------------------------------------- per-kind simulation
def add_points(S, r, acts):
    for a in acts:
        spec = SRC.get(a.src)
        if not spec:
            continue
        (k0, k1), (p0, p1) = spec
        S.pts.append((a.t - r.uniform(0.1, 2.5), r.randint(k0, k1), r.randint(p0, p1)))


def default_style(S, r):
    if "touch" in S.C["tools"] and r.random() < 0.6:
        return "touch"
    if S.vendor in ("A", "C", "D") and r.random() < 0.14:
        return "keys"
    return "mouse"


def bg_rate(style, r):
    return {"mouse": r.uniform(0.15, 1.6), "keys": r.uniform(0.0, 0.15), "touch": r.uniform(0.0, 0.05)}.get(style, 0.3)


def finish(S, r, t_end):
    S.t_end = min(max(t_end + r.uniform(1.5, 25), S.t0 + 60), S.tlim + r.uniform(0.5, 3))


def sim_honest(S, r, G):
    pid = "P-%d" % S.n
    prof = r.choices(["typical", "able_fast", "slow", "weak", "anxious"], [0.55, 0.13, 0.14, 0.09, 0.09])[0]
    if S.cohort:
        prof = r.choices(["cohort", "cohort_fast"], [0.8, 0.2])[0]
    ability = {"typical": r.gauss(0.9, 0.7), "able_fast": r.gauss(2.2, 0.5), "slow": r.gauss(0.5, 0.8),
               "weak": r.gauss(-0.6, 0.5), "anxious": r.gauss(0.9, 0.6), "cohort": r.gauss(1.8, 0.45),
               "cohort_fast": r.gauss(2.3, 0.4)}[prof]
    speed = {"typical": r.uniform(14, 28), "able_fast": r.uniform(5.5, 9), "slow": r.uniform(38, 62),
             "weak": r.uniform(6, 16), "anxious": r.uniform(20, 34), "cohort": r.uniform(9, 18),
             "cohort_fast": r.uniform(4.5, 8)}[prof]
    if S.paper["minutes"] > 100:
        speed *= 1.15
    style = default_style(S, r)
    order = r.choices(["seq", "tflast", "skip"], [0.75, 0.1, 0.15])[0]
    guess = r.choice(["A", "last", "rand"]) if prof == "weak" and r.random() < 0.6 else None
    review = {"anxious": 0.95, "slow": 0.5, "able_fast": 0.25}.get(prof, 0.45)
    t = S.t0 + r.uniform(15, 120)
    acts, t_end = self_answer(S, r, pid, ability, t, speed, style, order, review, S.cohort, guess)
    S.acts = acts
    S.bg.append((S.t0, S.tlim, bg_rate(style, r), 0.0 if style != "keys" else r.uniform(0, 0.05)))
    finish(S, r, t_end)
    S.prof = prof


def relay_follow(S, r, pid, ability, t_own_start, schedule, speed, style, use_p, err_note=None):
    """Candidate answers own questions until schedule starts, then follows the schedule."""
    qs = S.paper["qs"]
    t_relay = schedule[0][0]
    own = {}
    acts = []
    t = t_own_start
    for i in range(len(qs)):
        t += qtime(r, qs[i], speed)
        if t >= t_relay - 5:
            break
        c = know(pid, qs[i], ability)
        own[i] = c
        acts.append(Act(t, i, c, style))
    leak_used = 0
    last = t_relay
    for (tr, i, c) in schedule:
        p = pknow(qs[i], ability)
        take = r.random() < use_p or p < 0.7
        if not take:
            if i not in own:
                tt = max(tr + r.uniform(2, 12), last + 1.0)
                own[i] = know(pid, qs[i], ability)
                acts.append(Act(tt, i, own[i], style))
                last = tt
            continue
        tt = max(tr + r.uniform(0.8, 6.0), last + 0.7)
        if own.get(i) != c:
            acts.append(Act(tt, i, c, style, leak=True))
            leak_used += 1
            own[i] = c
            last = tt
        elif r.random() < 0.15:
            acts.append(Act(tt, i, c, style, leak=True))
            last = tt
    return acts, last, leak_used


def make_schedule(r, paper, key_pid, key_ability, t_start, pace, order=None, errors=None):
    qs = paper["qs"]
    idxs = list(range(len(qs))) if order is None else order
    sched = []
    t = t_start
    for i in idxs:
        t += r.uniform(*pace)
        c = know(key_pid, qs[i], key_ability)
        if errors and i in errors:
            c = errors[i]
        sched.append((t, i, c))
    return sched


def ensure_leak(S, r, acts, sched, pid, ability, frac=0.32):
    """make sure at least frac of final answers came from leak and differ from own knowledge"""
    qs = S.paper["qs"]
    final = {}
    for a in sorted(acts, key=lambda a: a.t):
        final[a.qi] = a
    n_leak = sum(1 for a in final.values() if a.leak)
    need = int(math.ceil(frac * len(qs))) - n_leak
    if need <= 0:
        return acts, n_leak
    smap = {i: (t, c) for (t, i, c) in sched}
    cands = [i for i in final if not final[i].leak and i in smap]
    r.shuffle(cands)
    for i in cands[:need]:
        t, c = smap[i]
        acts.append(Act(max(final[i].t + r.uniform(5, 30), t + r.uniform(1, 5)), i, c, final[i].src, leak=True))
    return acts, n_leak + min(need, len(cands))


# ---------------------------------------------------------------- software cheating
SW = {
    "todesk": dict(proc=[("ToDesk.exe", "C:\\Program Files\\ToDesk\\ToDesk.exe", "Hainan YouQu Technology Co., Ltd."),
                         ("ToDesk_Service.exe", "C:\\Program Files\\ToDesk\\ToDesk_Service.exe", "Hainan YouQu Technology Co., Ltd.")],
                   conn=[("relay-sz3.todesk.example", 443, "ToDesk.exe"), ("203.0.113.61", 443, "ToDesk_Service.exe")]),
    "sunlogin": dict(proc=[("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe", "Shanghai Oray Information Technology Co., Ltd.")] * 2,
                     conn=[("sl-relay-07.oray.example", 443, "SunloginClient.exe"), ("203.0.113.45", 4118, "SunloginClient.exe")]),
    "rustdesk_svchost": dict(proc=[("svchost.exe", "C:\\Users\\Public\\Libraries\\svchost.exe", None)],
                             conn=[("203.0.113.77", 21116, "svchost.exe"), ("203.0.113.77", 21117, "svchost.exe")]),
    "anydesk_adobe": dict(proc=[("AdobeARM.exe", "C:\\Users\\kaosheng\\AppData\\Roaming\\Adobe\\ARM\\AdobeARM.exe", "AnyDesk Software GmbH")],
                          conn=[("relay-4f2a.net.anydesk.example", 443, "AdobeARM.exe")]),
    "tvqs": dict(proc=[("TeamViewerQS.exe", "C:\\Users\\ks01\\Downloads\\TeamViewerQS.exe", "TeamViewer Germany GmbH")],
                 conn=[("198.51.100.40", 5938, "TeamViewerQS.exe"), ("router7.teamviewer.example", 443, "TeamViewerQS.exe")]),
    "vnc_igfx": dict(proc=[("igfxEM.exe", "C:\\ProgramData\\Intel\\GFX\\igfxEM.exe", None)],
                     conn=[("198.51.100.23", 5500, "igfxEM.exe")]),
    "ffmpeg_push": dict(proc=[("conhost.exe", "C:\\Users\\Public\\conhost.exe", None)],
                        conn=[("live-push.cdn-edge.example", 1935, "conhost.exe")]),
    "qq_assist": dict(proc=[("QQ.exe", "C:\\Program Files (x86)\\Tencent\\QQ\\Bin\\QQ.exe", "Tencent Technology(Shenzhen) Company Limited"),
                            ("QQProtect.exe", "C:\\Program Files (x86)\\Common Files\\Tencent\\QQProtect\\Bin\\QQProtect.exe", "Tencent Technology(Shenzhen) Company Limited")],
                      conn=[("203.0.113.12", 443, "QQ.exe"), ("203.0.113.13", 8000, "QQ.exe")]),
    "x11vnc_uos": dict(proc=[("dde-osd-helper", "/tmp/.X11-unix/.cache/dde-osd-helper", None), ("ssh", "/usr/bin/ssh", None)],
                       conn=[("203.0.113.90", 443, "ssh")]),
    "vm_host": dict(proc=[("vmtoolsd.exe", "C:\\Program Files\\VMware\\VMware Tools\\vmtoolsd.exe", "VMware, Inc."),
                          ("VGAuthService.exe", "C:\\Program Files\\VMware\\VMware Tools\\VMware VGAuth\\VGAuthService.exe", "VMware, Inc.")],
                    conn=[]),
    "edge_webrtc": dict(proc=[("msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", "Microsoft Corporation")] * 3,
                        conn=[("meet-sfu.example", 443, "msedge.exe"), ("198.51.100.9", 3478, "msedge.exe")]),
    "sunlogin_c4": dict(proc=[("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe", "Shanghai Oray Information Technology Co., Ltd.")],
                        conn=[("sl-relay-02.oray.example", 443, "SunloginClient.exe"), ("198.51.100.88", 4118, "SunloginClient.exe")]),
    "todesk_c5": dict(proc=[("ToDesk.exe", "C:\\Program Files\\ToDesk\\ToDesk.exe", "Hainan YouQu Technology Co., Ltd.")],
                      conn=[("relay-xm1.todesk.example", 443, "ToDesk.exe")]),
    "rustdesk_wechat_uos": dict(proc=[("wechat-helper", "/opt/apps/com.qq.weixin.deepin/files/.helper/wechat-helper", None)],
                                conn=[("rd-relay.lan-tools.example", 21117, "wechat-helper")]),
    "awesun": dict(proc=[("AweSun.exe", "C:\\Program Files\\AweSun\\AweSun.exe", "AweRay Pte. Ltd.")],
                   conn=[("as-relay-3.aweray.example", 443, "AweSun.exe")]),
    "trojan_wua": dict(proc=[("WindowsUpdateAgent.exe", "C:\\Windows\\Temp\\wua\\WindowsUpdateAgent.exe", "Microsoft Corporation")],
                       conn=[("203.0.113.200", 8443, "WindowsUpdateAgent.exe")]),
    "runtimebroker_b": dict(proc=[("RuntimeBroker.exe", None, None)], conn=[("198.51.100.77", 443, None)]),
    "parsec": dict(proc=[("parsecd.exe", "C:\\Users\\Public\\Parsec\\parsecd.exe", "Parsec Cloud, Inc.")],
                   conn=[("203.0.113.150", 8000, "parsecd.exe"), ("kessel-ws.parsec.example", 443, "parsecd.exe")]),
    "splashtop": dict(proc=[("SRServer.exe", "C:\\Program Files (x86)\\Splashtop\\Splashtop Remote\\Server\\SRServer.exe", "Splashtop Inc."),
                            ("SRService.exe", "C:\\Program Files (x86)\\Splashtop\\Splashtop Remote\\Server\\SRService.exe", "Splashtop Inc.")],
                      conn=[("relay-ap.splashtop.example", 443, "SRServer.exe")]),
    "todesk_lite_b": dict(proc=[("ToDesk_Lite.exe", "E:\\ToDesk_Lite.exe", None)],
                          conn=[("203.0.113.66", 443, None)]),
}

# (variant, mode, centre preference)
SW_PLAN = [
    ("todesk", "full", "C1"), ("sunlogin", "full", "C5"), ("rustdesk_svchost", "full", "C4"), ("anydesk_adobe", "full", "C1"),
    ("tvqs", "full", "C5"), ("vnc_igfx", "full_wiggle", "C1"), ("ffmpeg_push", "view", "C4"), ("qq_assist", "mixed", "C2"),
    ("x11vnc_uos", "full", "C3"), ("vm_host", "vm", "C1"), ("edge_webrtc", "view", "C5"), ("sunlogin_c4", "full", "C4"),
    ("todesk_c5", "mixed", "C5"), ("rustdesk_wechat_uos", "full_wiggle", "C3"), ("awesun", "full", "C6"),
    ("trojan_wua", "full_brief", "C1"), ("runtimebroker_b", "full", "C2"), ("parsec", "full", "C4"),
    ("splashtop", "full", "C5"), ("todesk_lite_b", "mixed", "C6"),
]

HW_PLAN = [
    # variant, centre
    ("ch9329_attach", "C1"), ("leonardo_spoof", "C1"), ("teensy", "C2"), ("pikvm", "C5"), ("gadget_spoof", "C3"),
    ("dongle24", "C4"), ("wifi_cast", "C5"), ("splitter_view", "C1"), ("splitter_quiet", "C2"), ("kvm_switch", "C6"),
    ("ch9329_mirror", "C5"), ("bt_injector", "C1"), ("kb_hidden", "C4"), ("ch9329_uos", "C3"), ("android_hid", "C2"),
    ("ext_tap_c4", "C4"), ("dongle24", "C6"), ("pikvm", "C1"), ("splitter_quiet", "C5"), ("leonardo", "C3"),
]


def remote_answer(S, r, pid, ability, t, speed, src, own_first=0, own_ability=0.5, own_speed=20, style="mouse",
                  only_hard=None, pauses=True, t_ready=None):
    """A helper answers (remote or injected). returns acts, t_end"""
    qs = S.paper["qs"]
    acts = []
    t0 = t
    for i in range(len(qs)):
        q = qs[i]
        own = i < own_first or (only_hard is not None and pknow(q, own_ability) >= only_hard) or (t_ready is not None and t < t_ready)
        if own:
            t += qtime(r, q, own_speed)
            acts.append(Act(t, i, know("own-%d" % S.n, q, own_ability), style))
        else:
            t += qtime(r, q, speed)
            if pauses and r.random() < 0.03:
                t += r.uniform(20, 120)
            acts.append(Act(t, i, know(pid, q, ability), src))
        if t > S.tlim - 3:
            break
    return acts, t


def sim_software(S, r, G, plan):
    var, mode = plan
    spec = SW[var]
    style = default_style(S, r)
    helper = "gang-sw-%s" % hx("helper", S.n, n=4)
    hab = r.uniform(1.2, 2.5)
    t = S.t0 + r.uniform(20, 90)
    t_on = S.t0 - r.uniform(60, 900)  # installed / launched before the session
    if mode == "full_brief":
        t_on = S.t0 + r.uniform(200, 500)
    if mode in ("full", "full_wiggle", "full_brief"):
        own_first = r.choice([0, 0, 3, 5, 10])
        if mode == "full_brief":
            t = t_on + 30
            own_first = 0
        hspeed = r.uniform(4.5, 12) if r.random() < 0.6 else r.uniform(14, 26)  # careful gangs pace like a candidate
        acts, t_end = remote_answer(S, r, helper, hab, t, hspeed, "remote", own_first=own_first,
                                    own_ability=r.gauss(0.3, 0.6), own_speed=r.uniform(15, 30), style=style)
        S.bg.append((S.t0, acts[own_first].t - 5 if own_first and len(acts) > own_first else S.t0 + 20, bg_rate(style, r), 0))
        wig = r.uniform(0.03, 0.25) if mode == "full_wiggle" else r.uniform(0.0, 0.02)
        S.bg.append((S.t0 + 20, t_end, wig, 0))
    elif mode == "mixed":
        oab = r.gauss(0.4, 0.5)
        acts, t_end = remote_answer(S, r, helper, hab, t, r.uniform(6, 14), "remote", own_ability=oab,
                                    own_speed=r.uniform(12, 24), style=style, only_hard=0.8)
        S.bg.append((S.t0, t_end, bg_rate(style, r) * 0.6, 0))
    elif mode == "view":
        # helper sees the screen through the stream and reads answers back over an earpiece
        pid = "own-%d" % S.n
        ab = r.gauss(0.2, 0.5)
        acts = []
        qs = S.paper["qs"]
        for i, q in enumerate(qs):
            t += r.uniform(2.5, 5) + r.uniform(2, 9)
            acts.append(Act(t, i, know(helper, q, hab), style, leak=True))
            if t > S.tlim - 3:
                break
        t_end = t
        S.bg.append((S.t0, t_end, bg_rate(style, r), 0))
    elif mode == "vm":
        # exam client runs inside a VM on a remotely-controlled host; injected input arrives as virtual HID
        acts, t_end = remote_answer(S, r, helper, hab, t, r.uniform(5, 11), "vm")
        S.devs = ["vm_kb", "vm_mouse"]
        S.vm = True
        S.bg.append((S.t0, t_end, r.uniform(0.0, 0.1), 0))
    if var == "todesk_lite_b":
        S.devev.append((S.t0 - r.uniform(60, 600), "attached", "usb_stick"))  # run from the candidate's USB drive
    S.acts = acts
    t_off = t_end + r.uniform(20, 400) if mode != "full_brief" else t_end + r.uniform(5, 40)
    for p in spec["proc"]:
        S.xproc.append((t_on, t_off, p))
    for c in spec["conn"]:
        S.xconn.append((t_on + r.uniform(0, 30), t_off, c))
    finish(S, r, t_end)


def sim_hardware(S, r, G, var):
    style = default_style(S, r)
    helper = "gang-hw-%s" % hx("helper", S.n, n=4)
    hab = r.uniform(1.2, 2.5)
    t = S.t0 + r.uniform(20, 100)
    res = S.C["rooms"][S.room]
    view_only = var in ("wifi_cast", "splitter_view", "splitter_quiet")
    if view_only:
        acts = []
        qs = S.paper["qs"]
        for i, q in enumerate(qs):
            t += r.uniform(2, 5) + r.uniform(2.5, 10)
            if r.random() < 0.04:
                t += r.uniform(15, 60)  # helper lost the picture for a moment
            acts.append(Act(t, i, know(helper, q, hab), style, leak=True))
            if t > S.tlim - 3:
                break
        t_end = t
        S.bg.append((S.t0, t_end, bg_rate(style, r), 0))
        if var == "wifi_cast":
            ta = S.t0 + r.uniform(-120, 60)
            S.devev.append((ta, "attached", "wlan"))
            S.disp.append((ta + 4, 2, True, res))
        elif var == "splitter_view":
            ta = S.t0 + r.uniform(60, 400)
            S.disp.append((ta, 0, False, None))
            S.disp.append((ta + r.uniform(1.5, 4), 1, False, r.choice(["1360x768", "1280x720", "1920x1080"])))
        else:
            S.static_res = r.choice(["1280x1024", "1024x768", "1280x720"])
    else:
        src = {"ch9329_attach": "inj_keys", "leonardo_spoof": "inj_keys", "teensy": "inj_abs", "pikvm": "kvm",
               "gadget_spoof": "kvm", "dongle24": "dongle", "kvm_switch": "kvm", "ch9329_mirror": "inj_abs",
               "bt_injector": "inj_keys", "kb_hidden": "inj_keys", "ch9329_uos": "inj_keys", "android_hid": "inj_abs",
               "ext_tap_c4": "kvm", "leonardo": "inj_keys"}[var]
        t_att = S.t0 + r.uniform(60, 600)
        preset = var in ("leonardo_spoof", "pikvm", "gadget_spoof", "kvm_switch", "kb_hidden", "ext_tap_c4")
        t_ready = None
        if var in ("ch9329_attach", "ch9329_mirror", "ch9329_uos", "teensy", "bt_injector", "android_hid", "dongle24", "leonardo"):
            # candidate answers himself until the device is in and the helper has the picture
            t_ready = t_att + r.uniform(20, 90)
        acts, t_end = remote_answer(S, r, helper, hab, t, r.uniform(5, 13) if r.random() < 0.6 else r.uniform(13, 24), src,
                                    own_ability=r.gauss(0.3, 0.6), own_speed=r.uniform(16, 30), style=style, t_ready=t_ready)
        t_h = t_ready if t_ready else t
        S.bg.append((S.t0, t_h, bg_rate(style, r), 0))
        S.bg.append((t_h, t_end, r.uniform(0.0, 0.04), 0))
        if var == "ch9329_attach":
            S.devev += [(t_att, "attached", "ch9329")]
        elif var == "ch9329_mirror":
            S.devev += [(t_att, "attached", "ch9329"), (t_att + 0.4, "attached", "ch9329_m")]
            S.disp.append((t_att - r.uniform(5, 60), 2, True, res))
        elif var == "ch9329_uos":
            S.devev += [(t_att, "attached", "ch9329")]
        elif var == "teensy":
            S.devev += [(t_att, "attached", "teensy")]
        elif var == "leonardo":
            S.devev += [(t_att, "attached", "leonardo")]
        elif var == "bt_injector":
            S.devev += [(t_att, "attached", "csr_bt"), (t_att + r.uniform(5, 40), "attached", "bt_kb")]
        elif var == "android_hid":
            S.devev += [(t_att, "attached", "android_mtp"), (t_att + r.uniform(2, 8), "removed", "android_mtp"),
                        (t_att + r.uniform(9, 12), "attached", "android")]
        elif var == "dongle24":
            S.devev += [(t_att, "attached", "dongle24"), (t_att + 0.3, "attached", "dongle24_m")]
        elif var == "leonardo_spoof":
            S.xdevs = ["leonardo_spoof"]
        elif var == "pikvm":
            S.xdevs = ["pikvm_kb", "pikvm_m"]
            S.static_res = "1280x720"
        elif var == "gadget_spoof":
            S.xdevs = ["gadget_kb"]
        elif var == "kvm_switch":
            S.xdevs = ["aten_cs"]
        elif var == "kb_hidden":
            S.xdevs = ["kb_vendor_if"]
        elif var == "ext_tap_c4":
            S.xdevs = ["aten_ext_m"]
        if t_end > 0 and var in ("ch9329_attach", "teensy", "android_hid", "leonardo") and r.random() < 0.6:
            S.devev.append((t_end + r.uniform(20, 200), "removed", {"ch9329_attach": "ch9329", "teensy": "teensy",
                                                                     "android_hid": "android", "leonardo": "leonardo"}[var]))
    S.acts = acts
    finish(S, r, t_end)


# ---------------------------------------------------------------- base telemetry
def base_devices(S, r):
    c = S.centre
    if c == "C1":
        d = ["dell_kb", "dell_kb_cc", r.choice(["lenovo_m", "pixart_m"]), "camera"]
    elif c == "C2":
        d = ["logi_k120", "logi_m100"] + (["apc_ups"] if S.seat <= 4 else [])
    elif c == "C3":
        d = ["logi_k120", "pixart_m", "hub"]
    elif c == "C4":
        d = ["aten_ext_kb", "aten_ext_m", "idreader"]
    elif c == "C5":
        d = ["ilitek", "dell_kb", "lenovo_m", "camera"]
    else:
        d = ["ps2_kb", "elan_tp", "rtk_crw", "logi_m100"]
    return d


def proc_list(S, t):
    C = S.C
    base = UOS_BASE if C["os"] == "uos" else win_base(C["os"])
    L = list(base) + CLIENTS[S.vendor]
    for tool in C["tools"]:
        L += TOOLS.get(tool, [])
    if S.centre == "C5" and S.room == "3F-2":
        L.append(("ToDesk_Service.exe", "C:\\Program Files\\ToDesk\\ToDesk_Service.exe", "Hainan YouQu Technology Co., Ltd."))
    if getattr(S, "qq_left", False):
        L.append(("QQ.exe", "C:\\Program Files (x86)\\Tencent\\QQ\\Bin\\QQ.exe", "Tencent Technology(Shenzhen) Company Limited"))
    if getattr(S, "vm", False):
        pass
    for a, b, p in S.xproc:
        if a <= t <= b:
            L.append(p)
    if getattr(S, "crash", None) and S.crash[0] <= t <= S.crash[0] + 90:
        L.append(("WerFault.exe", S32 + "WerFault.exe", MSW) if C["os"] != "uos" else ("systemd-coredump", "/usr/lib/systemd/systemd-coredump", None))
    return L


def conn_list(S, t, r):
    C = S.C
    host, port = C["server"]
    L = [(host, port, CLIENTS[S.vendor][0][0])]
    tools = C["tools"]
    net = C["net"]
    if "mythware" in tools:
        L.append(("10.21.%d.2" % (int(S.room) - 100), 4705, "StudentMain.exe"))
    if "cammon" in tools:
        L.append((("10.21.0.30" if S.centre == "C1" else "192.168.50.30"), 8554, "KwCamUpload.exe"))
    if "sunlogin" in tools:
        L.append(("sl-hb.oray.example", 443, "SunloginClient.exe"))
    if "screenaudit" in tools:
        L.append(("10.44.0.9", 9000, "ScreenAudit.exe"))
    if "huorong" in tools and r.random() < 0.3:
        L.append(("cloud.huorong.example", 443, "HipsDaemon.exe"))
    if "360" in tools and r.random() < 0.4:
        L.append(("cloud.360safe.example", 80, "ZhuDongFangYu.exe"))
    if S.centre == "C5" and S.room == "3F-2":
        L.append(("hb.todesk.example", 443, "ToDesk_Service.exe"))
    for a, b, rr in getattr(S, "admin", []):
        if a <= t <= b:
            L.append(rr)
    if getattr(S, "qq_left", False) and r.random() < 0.7:
        L.append(("203.0.113.12", 443, "QQ.exe"))
    if "sshd" in tools and r.random() < 0.05:
        L.append(("172.16.30.250", 22, "sshd"))
    for a, b, c in S.xconn:
        if a <= t <= b:
            L.append(c)
    return L


def add_noise(S, r, G):
    """benign exam-room noise, applied to every session (cheating sessions are also noisy)"""
    hon = S.kind == "honest"
    # crash and restart of the exam client
    if r.random() < (0.035 if hon else 0.02) and S.acts:
        a = r.choice(S.acts[len(S.acts) // 4: max(len(S.acts) // 4 + 1, 3 * len(S.acts) // 4)])
        tc = a.t + r.uniform(1, 20)
        gap = r.uniform(50, 260)
        S.crash = (tc, gap)
        for x in S.acts:
            if x.t > tc:
                x.t += gap
        S.t_end = min(S.t_end + gap, S.tlim + 240)
        S.tlim += gap  # centre grants the lost time
        S.disp.append((tc + gap - 5, 1, False, "1024x768"))
        S.disp.append((tc + gap + r.uniform(3, 10), 1, False, S.C["rooms"][S.room]))
        # re-answers of unsaved last questions
        before = [x for x in S.acts if x.t <= tc][-r.randint(1, 3):]
        for j, x in enumerate(before):
            S.acts.append(Act(tc + gap + 20 + 4 * j, x.qi, x.c, x.src, x.leak))
        S.pts.append((tc + gap / 2, r.randint(10, 25), r.randint(0, 30)))  # invigilator logs in again
        if r.random() < 0.3:
            S.devev += [(tc + 20, "attached", "usb_stick"), (tc + r.uniform(60, 110), "removed", "usb_stick")]
    # invigilator unlocks a locked screen / types a password
    if r.random() < 0.03:
        tu = r.uniform(S.t0 + 300, max(S.t0 + 301, S.t_end - 60))
        S.pts.append((tu, r.randint(8, 22), r.randint(0, 12)))
    # mouse replaced
    if r.random() < 0.02:
        tm = r.uniform(S.t0 + 300, max(S.t0 + 301, S.t_end - 60))
        mice = [d for d in S.devs if "Mouse" in DEV[d][1] or d == "aten_ext_m"] or ["logi_m100"]
        S.devev += [(tm, "removed", mice[0]),
                    (tm + r.uniform(20, 90), "attached", r.choice(["logi_m100", "lenovo_m", "pixart_m"]))]
    # monitor power glitch
    if r.random() < 0.025:
        tg = r.uniform(S.t0 + 200, max(S.t0 + 201, S.t_end - 30))
        S.disp += [(tg, 0, False, None), (tg + r.uniform(1, 6), 1, False, S.C["rooms"][S.room])]
    # admin fixes something remotely (C2 Radmin) - no answers in that window
    if S.centre == "C2" and hon and r.random() < 0.05:
        ta = r.uniform(S.t0 + 300, max(S.t0 + 301, S.t_end - 200))
        dur = r.uniform(60, 200)
        S.admin = [(ta, ta + dur, ("10.32.1.20", 4899, "rserver3.exe"))]
        for x in S.acts:
            if x.t > ta:
                x.t += dur
        S.t_end += dur
        S.tlim += dur
    # leftover chat client from a training class in C1 room 102
    if S.centre == "C1" and S.room == "102" and r.random() < 0.15:
        S.qq_left = True
    # session_end never arrives (power cut after submit)
    if hon and r.random() < 0.012:
        S.no_end = True
    # network blip: a stretch of events uploaded late
    if r.random() < 0.05:
        a = r.uniform(S.t0, S.t_end)
        S.blip = (a, a + r.uniform(120, 600))
    # clock jump (NTP step)
    if r.random() < 0.012:
        S.jump = (r.uniform(S.t0 + 300, S.t_end), r.choice([-1, 1]) * r.uniform(20, 90))


def build_events(S, r):
    C = S.C
    v = S.vendor
    S.emit(S.t0, "session_start", candidate=S.cand, exam=S.paper["exam"], centre=C["code"], room=S.room,
           seat=S.seat_id, terminal=S.terminal)
    # devices present
    devs = list(S.devs) + getattr(S, "xdevs", [])
    if S.centre == "C5" and S.seat % 7 == 0:
        devs = devs + ["apc_ups"]
    S.devs = devs
    t = S.t0 + r.uniform(0.3, 2)
    inv_times = [t]
    if v == "D":
        x = t + 1800
        while x < S.t_end:
            inv_times.append(x)
            x += 1800
    for ti in inv_times:
        for d in S.devs:
            S.emit(ti + r.uniform(0, 0.2), "device", action="present", dev=d)
    for (ta, act, d) in S.devev:
        if S.t0 - 600 <= ta <= S.t_end + 600:
            S.emit(max(ta, S.t0 + 0.5) if ta < S.t0 else ta, "device", action=act if ta >= S.t0 else "present", dev=d)
    # display
    res = getattr(S, "static_res", None) or C["rooms"][S.room]
    nd, mir = 1, False
    if "laptopclone" in C["tools"]:
        nd, mir = 2, True
    if S.centre == "C1" and S.seat == 1:
        nd, mir, res = 2, True, "1024x768"
    if getattr(S, "vm", False):
        res = r.choice(["1920x975", "1600x1200", "1280x800"])
    S.emit(S.t0 + r.uniform(0.5, 3), "display", displays=nd, mirrored=mir, resolution=res)
    for (td, n, m, rs) in S.disp:
        if td >= S.t0:
            S.emit(td, "display", displays=n, mirrored=m, resolution=rs)
    # processes & connections
    period = {"A": 300, "B": 600, "C": 900, "D": 180}[v]
    tp = S.t0 + r.uniform(2, 10)
    while tp < S.t_end:
        crashed = getattr(S, "crash", None) and S.crash[0] < tp < S.crash[0] + S.crash[1]
        if not crashed:
            S.emit(tp, "processes", processes=proc_list(S, tp))
            S.emit(tp + r.uniform(0.1, 1.5), "connections", connections=conn_list(S, tp, r))
        tp += period * r.uniform(0.97, 1.03)
    # answers
    qs = S.paper["qs"]
    st = S.paper["style"]
    for a in S.acts:
        if a.t < S.tlim + 2:
            S.emit(a.t, "answer", question=qs[a.qi]["id"], choice=rep(st, qs[a.qi], a.c))
    # input
    add_points(S, r, S.acts)
    I = {"A": 30.0, "B": 15.0, "C": 60.0, "D": 10.0}[v]
    nb = int(math.ceil((S.t_end - S.t0) / I))
    keys = [0] * nb
    ptr = [0] * nb
    for (tt, k, p) in S.pts:
        b = int((tt - S.t0) // I)
        if 0 <= b < nb:
            keys[b] += k
            ptr[b] += p
    for b in range(nb):
        ts = S.t0 + b * I
        te = ts + I
        if getattr(S, "crash", None) and S.crash[0] < ts < S.crash[0] + S.crash[1]:
            continue
        for (a0, a1, pr, kr) in S.bg:
            ov = max(0.0, min(te, a1) - max(ts, a0))
            if ov > 0:
                lam = pr * ov
                ptr[b] += max(0, int(round(r.gauss(lam, math.sqrt(lam) + 0.01)))) if lam > 0 else 0
                lk = kr * ov
                keys[b] += max(0, int(round(r.gauss(lk, math.sqrt(lk) + 0.01)))) if lk > 0 else 0
        if v == "B" and keys[b] == 0 and ptr[b] == 0:
            continue
        ims = int(I * 1000)
        if v == "D":
            ims += r.randint(-25, 40)
        S.emit(te if te < S.t_end else S.t_end, "input", interval_ms=ims, keys=keys[b], pointer=ptr[b])
    if not S.no_end:
        S.emit(S.t_end + r.uniform(0.2, 2.5), "session_end")


# ---------------------------------------------------------------- formatting
def fmt_time(t, style):
    d = datetime.fromtimestamp(t, UTC)
    if style == "A":
        return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)
    if style == "B":
        return d.astimezone(CST).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    if style == "Bz":
        return d.astimezone(CST).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "C":
        return d.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    return d.astimezone(CST).strftime("%Y-%m-%dT%H:%M:%S.") + "%02d+08:00" % (d.microsecond // 10000)


def vidfmt(x, v):
    if x is None or v == "B":
        return None
    if v == "A":
        return "%04X" % x
    if v == "C":
        return "%04x" % x
    return x


def render(S, kind, f, v):
    if kind == "processes":
        out = []
        for (n, p, s) in f["processes"]:
            if v == "A":
                out.append({"name": n, "path": p, "signer": s})
            elif v == "B":
                out.append({"name": n})
            elif v == "C":
                out.append({"name": n, "path": p, "signer": None})
            else:
                e = {"name": n, "path": p}
                if s:
                    e["signer"] = s
                out.append(e)
        return {"processes": out}
    if kind == "connections":
        out = []
        for (rm, pt, pr) in f["connections"]:
            e = {"remote": rm, "port": pt}
            if v == "B":
                e["process"] = None
            elif pr is not None:
                e["process"] = pr
            out.append(e)
        return {"connections": out}
    if kind == "device":
        cls, name, vid, pid = DEV[f["dev"]]
        e = {"action": f["action"], "class": cls, "name": name}
        if v != "B":
            e["vid"] = vidfmt(vid, v)
            e["pid"] = vidfmt(pid, v)
        return e
    if kind == "display":
        e = {"displays": f["displays"]}
        if v != "B":
            e["mirrored"] = f["mirrored"]
        e["resolution"] = f["resolution"]
        return e
    return dict(f)


class Ids:
    def __init__(self):
        self.n = 0
        self.term = {}

    def next(self, v, S):
        self.n += 1
        if v == "A":
            h = hx("ev", self.n, n=32)
            return "%s-%s-4%s-a%s-%s" % (h[:8], h[8:12], h[13:16], h[17:20], h[20:32])
        if v == "B":
            return 880000000 + self.n
        if v == "C":
            self.term[S.terminal] = self.term.get(S.terminal, 0) + 1
            return "%s#%d" % (S.terminal, self.term[S.terminal])
        return "evt_" + hx("evd", self.n, n=16)


# ---------------------------------------------------------------- placement
def main():
    global SEED
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", default="1313")
    ap.add_argument("--candidates", type=int, default=400)
    ap.add_argument("--out", default="set-m")
    args = ap.parse_args()
    SEED = str(args.seed)
    N = args.candidates
    n_ch = max(1, round(N * 0.05))
    n_hon = N - 4 * n_ch

    banks = build_banks()
    papers = build_papers(banks)
    rp = R("place")
    used = {}
    sessions = []

    def seats_free(si, c, room):
        k = (si, c, room)
        return [s for s in range(1, CENTRES[c]["seats"] + 1) if s not in used.get(k, [])]

    def place(kind, sub, si, c=None, room=None, seat=None):
        rooms_ = SLOTS[si][3]
        if c is None:
            c = rp.choice(list(rooms_.keys()))
        if room is None:
            room = rp.choice(rooms_[c])
        free = seats_free(si, c, room)
        if seat is None or seat not in free:
            seat = rp.choice(free)
        used.setdefault((si, c, room), []).append(seat)
        S = Sess(len(sessions), kind, sub, si, c, room, seat)
        sessions.append(S)
        return S

    def slots_with(c):
        return [i for i, s in enumerate(SLOTS) if c in s[3]]

    # operator groups
    op_sizes = [6, 5, 5, 4]
    while sum(op_sizes) > n_ch:
        op_sizes[op_sizes.index(max(op_sizes))] -= 1
    while sum(op_sizes) < n_ch:
        op_sizes[0] += 1
    groups = []
    g1 = [place("operator", "op_remote", 8, c) for c in ["C1", "C2", "C3", "C4", "C1", "C4", "C2", "C3"][:op_sizes[0]]]
    g2 = [place("operator", "op_ipkvm", 5, "C1", "103") for _ in range(op_sizes[1])]
    g3slots = [(0, "C3"), (2, "C4"), (6, "C6"), (9, "C5"), (5, "C4"), (8, "C2"), (3, "C5")]
    g3 = [place("operator", "op_impersonator", si, c) for si, c in g3slots[:op_sizes[2]]]
    g4 = [place("operator", "op_radmin", 2, "C2") for _ in range(op_sizes[3])]
    groups = [g1, g2, g3, g4]
    # leak
    leak_relay = [place("leak", "leak_relay", 9, c) for c in ["C1", "C5", "C6", "C1", "C5", "C6"][:min(6, n_ch)]]
    nk = min(6, n_ch - len(leak_relay))
    leak_photo = [place("leak", "leak_photo", 5, c, r_) for c, r_ in [("C5", "3F-1")] * 4 + [("C4", "West")] * 2][:nk]
    solo_subs = ["leak_earpiece_search", "leak_half_key", "leak_watch_batches", "leak_glasses", "leak_earpiece_search",
                 "leak_watch_batches", "leak_half_key", "leak_glasses"]
    leak_solo = []
    for j in range(n_ch - len(leak_relay) - len(leak_photo)):
        leak_solo.append(place("leak", solo_subs[j % len(solo_subs)], rp.randrange(len(SLOTS))))
    # software / hardware
    for j in range(n_ch):
        var, mode, c = SW_PLAN[j % len(SW_PLAN)]
        S = place("software", var, rp.choice(slots_with(c)), c)
        S.plan = (var, mode)
    for j in range(n_ch):
        var, c = HW_PLAN[j % len(HW_PLAN)]
        S = place("hardware", var, rp.choice(slots_with(c)), c)
        S.plan = var
    # honest: spread across slot-rooms
    slotrooms = [(i, c, rm) for i, s in enumerate(SLOTS) for c, rms in s[3].items() for rm in rms]
    for j in range(n_hon):
        while True:
            si, c, rm = rp.choice(slotrooms)
            if len(used.get((si, c, rm), [])) < CENTRES[c]["seats"] - 4:
                break
        place("honest", "honest", si, c, rm)

    # training-school cohorts (honest)
    cohorts = [("school-E1", 0, "C1", "E"), ("school-W1", 4, "C5", "W"), ("school-E2", 9, "C5", "E"), ("school-E3", 2, "C4", "E")]
    for name, si, c, bank in cohorts:
        rc = R("cohort", name)
        taught = {}
        for q in rc.sample([q for q in banks[bank]], 14):
            taught[q["id"]] = q["trap"]
        co = dict(name=name, taught=taught)
        for S in sessions:
            if S.kind == "honest" and S.slot == si and S.centre == c and rc.random() < 0.7:
                S.cohort = co

    # identities
    for S in sessions:
        r = R("id", S.n)
        S.paper = papers[SLOTS[S.slot][2]]
        v = S.vendor
        c = S.centre
        if v == "A":
            S.sid = "as-" + hx("sid", S.n)
            S.cand = "ZK26%s" % hx("cand", S.n, n=6).upper()
            S.terminal = "WS-%s-%s-%02d" % (CENTRES[c]["code"][-4:], S.room, S.seat)
            S.seat_id = "%02d" % S.seat
        elif v == "B":
            S.sid = 2611000000 + S.n * 7 + (3 if c == "C6" else 0)
            S.cand = 30000000 + int(hx("cand", S.n, n=6), 16) % 9000000
            S.terminal = "%s%03d" % (S.room[:1].upper(), S.seat)
            S.seat_id = S.seat
            if c == "C2" and S.room == "B":
                S.tstyle = "Bz"
        elif v == "C":
            S.sid = "uos-%s-%05d" % (c.lower(), S.n)
            S.cand = "cand-" + hx("cand", S.n, n=8)
            S.terminal = "uos-r%s-s%02d.ks03.example" % (S.room, S.seat)
            S.seat_id = "%s-%02d" % (S.room, S.seat)
        else:
            S.sid = "D" + hx("sid", S.n, n=10).upper()
            S.cand = "FJ-" + hx("cand", S.n, n=8)
            S.terminal = "AIO-" + hx("term", c, S.room, S.seat, n=8).upper()
            S.seat_id = "%s-%02d" % (S.room.replace("-", ""), S.seat)
        late = r.random() < 0.06 and S.sub not in ("leak_relay", "op_remote", "op_radmin", "op_ipkvm")
        S.t0 = slot_epoch(S.slot) + (r.uniform(240, 1500) if late else r.uniform(-60, 240))
        if S.cohort:
            S.t0 = slot_epoch(S.slot) + r.uniform(-30, 90)
        S.tlim = S.t0 + S.paper["minutes"] * 60
        # clock skew
        S.skew = r.gauss(0, 1.2)
        if r.random() < 0.03:
            S.skew = r.choice([-1, 1]) * r.uniform(60, 320)
        if c == "C3" and S.room == "2":
            S.skew = r.uniform(-420, 420)

    # simulate
    for S in sessions:
        r = R("sim", S.n)
        if S.kind == "honest":
            sim_honest(S, r, None)
        elif S.kind == "software":
            sim_software(S, r, None, S.plan)
        elif S.kind == "hardware":
            sim_hardware(S, r, None, S.plan)

    # operator groups
    def interleave(group, pid, ab, speed, src, style_fn):
        r = R("op", pid)
        state = {S.n: 0 for S in group}
        acts = {S.n: [] for S in group}
        t = max(S.t0 for S in group) - 60
        active = list(group)
        last = None
        while active:
            cand = [S for S in active if S is not last] or active
            S = r.choice(cand)
            last = S
            t = max(t, S.t0 + 25) + r.uniform(3, 18)
            k = r.randint(4, 20)
            qs = S.paper["qs"]
            for _ in range(k):
                i = state[S.n]
                if i >= len(qs):
                    break
                t += qtime(r, qs[i], speed)
                acts[S.n].append(Act(t, i, know(pid, qs[i], ab), style_fn(S)))
                state[S.n] += 1
            if state[S.n] >= len(qs) or t > S.tlim - 60:
                active.remove(S)
                S.acts = acts[S.n]
                finish(S, r, t)
        return

    gr = R("groups")
    # G1: one operator behind a disguised RustDesk relay, terminals in four centres
    interleave(g1, "op1", 1.7, 4.2, "remote", lambda S: "remote")
    for S in g1:
        S.xproc.append((S.t0 - 400, S.t_end + 200, {"C3": ("pulse-helper", "/usr/lib/x86_64-linux-gnu/.pulse/pulse-helper", None)}.get(
            S.centre, ("MicrosoftEdgeUpdate.exe", "C:\\Users\\Public\\Documents\\EdgeUpdate\\MicrosoftEdgeUpdate.exe", None))))
        S.xconn.append((S.t0 - 300, S.t_end + 200, ("rs-relay.kd-net.example", 21117,
                                                   "pulse-helper" if S.centre == "C3" else "MicrosoftEdgeUpdate.exe")))
        S.bg.append((S.t0, S.t_end, gr.uniform(0, 0.05), 0))
    # G2: centre insider runs an IP-KVM farm for seats in room 103
    interleave(g2, "op2", 1.1, 5.0, "kvm", lambda S: "kvm")
    for S in g2:
        S.xdevs = ["gadget_kb", "pikvm_m"]
        S.bg.append((S.t0, S.t_end, gr.uniform(0, 0.03), 0))
    # G3: one hired sitter (qiangshou) sits five exams in person under different names
    for S in g3:
        r = R("op3", S.n)
        acts, t_end = self_answer(S, r, "op3", 1.6, S.t0 + r.uniform(20, 50), r.uniform(6.5, 8.5), "keys" if S.vendor != "B" else "mouse",
                                  order="tflast", review=0.9)
        S.acts = acts
        S.bg.append((S.t0, S.tlim, 0.08, 0.01))
        finish(S, r, t_end)
    # G4: C2 insider answers through the centre's own Radmin
    interleave(g4, "op4", 1.3, 6.0, "remote", lambda S: "remote")
    for S in g4:
        S.admin = [(S.acts[0].t - 40, S.t_end + 30, ("10.32.1.20", 4899, "rserver3.exe"))]
        S.bg.append((S.t0, S.t_end, gr.uniform(0, 0.04), 0))

    # leak: relay over earpieces from someone reading an answer list
    lr = R("relay")
    p9 = papers[SLOTS[9][2]]
    err = {i: p9["qs"][i]["trap"] for i in lr.sample(range(100), 4)}
    sched9 = make_schedule(lr, p9, "relay-helper", 3.0, slot_epoch(9) + lr.uniform(600, 900), (7, 13), errors=err)
    for S in leak_relay:
        r = R("lr", S.n)
        ab = r.gauss(0.2, 0.5)
        sty = default_style(S, r)
        acts, t_end, used_n = relay_follow(S, r, "own-%d" % S.n, ab, S.t0 + r.uniform(20, 60), sched9, r.uniform(18, 30), sty, r.uniform(0.6, 1.0))
        acts, S.leakn = ensure_leak(S, r, acts, sched9, "own-%d" % S.n, ab)
        S.acts = acts
        S.bg.append((S.t0, S.tlim, bg_rate(sty, r), 0))
        finish(S, r, max(a.t for a in acts))
    # leak: photographed key of DG-A from the 3 Nov sitting (three transcription errors)
    p5 = papers[SLOTS[5][2]]
    kr = R("photo")
    perr = {i: kr.choice([k for k in range(p5["qs"][i]["n"]) if k != p5["qs"][i]["key"]]) for i in kr.sample(range(100), 3)}
    for S in leak_photo:
        r = R("lp", S.n)
        ab = r.gauss(0.5, 0.5)
        sty = default_style(S, r)
        tk = S.t0 + r.uniform(8, 30) * 60
        careful = r.random() < 0.5
        own_acts, _ = self_answer(S, r, "own-%d" % S.n, ab, S.t0 + r.uniform(20, 60), r.uniform(18, 30), sty, review=0)
        acts = [a for a in own_acts if a.t < tk]
        own = {}
        for a in acts:
            own[a.qi] = a.c
        sched = []
        t = tk
        for i, q in enumerate(p5["qs"]):
            c = perr.get(i, q["key"])
            sched.append((t, i, c))
            if careful and pknow(q, ab) > 0.85 and i in own:
                continue
            t += r.uniform(2.5, 6)
            if own.get(i) != c or r.random() < 0.1:
                acts.append(Act(t, i, c, sty, leak=own.get(i) != c))
        acts, S.leakn = ensure_leak(S, r, acts, sched, "own-%d" % S.n, ab)
        S.acts = acts
        S.bg.append((S.t0, S.tlim, bg_rate(sty, r), 0))
        finish(S, r, max(a.t for a in acts))
    # leak: individual arrangements
    for S in leak_solo:
        r = R("ls", S.n)
        sty = default_style(S, r)
        qs = S.paper["qs"]
        ab = r.gauss(0.0, 0.5)
        pid = "own-%d" % S.n
        helper = "helper-%d" % S.n
        t = S.t0 + r.uniform(20, 80)
        acts = []
        sched = []
        if S.sub == "leak_earpiece_search":
            for i, q in enumerate(qs):
                if pknow(q, ab) < 0.75:
                    t += r.uniform(4, 10) + r.uniform(10, 40)
                    c = know(helper, q, 2.6)
                    acts.append(Act(t, i, c, sty, leak=True))
                    sched.append((t, i, c))
                else:
                    t += qtime(r, q, r.uniform(15, 25))
                    acts.append(Act(t, i, know(pid, q, ab), sty))
                if t > S.tlim - 3:
                    break
        elif S.sub == "leak_half_key":
            half = r.choice([(0, 50), (50, 100), (0, 40)])
            for i, q in enumerate(qs):
                if half[0] <= i < half[1]:
                    t += r.uniform(3, 8)
                    c = know(helper, q, 3.0)
                    acts.append(Act(t, i, c, sty, leak=True))
                    sched.append((t, i, c))
                else:
                    t += qtime(r, q, r.uniform(16, 30))
                    acts.append(Act(t, i, know(pid, q, ab), sty))
                if t > S.tlim - 3:
                    break
        elif S.sub == "leak_watch_batches":
            # own pass first, then batches of ten answers arrive every few minutes, changes applied in bursts
            own_acts, t_own = self_answer(S, r, pid, ab, t, r.uniform(12, 20), sty, review=0)
            acts = list(own_acts)
            tb = S.t0 + r.uniform(15, 25) * 60
            own = {}
            own_t = {}
            for a in own_acts:
                own[a.qi] = a.c
                own_t[a.qi] = a.t
            for b0 in range(0, 100, 10):
                tt = tb
                for i in range(b0, b0 + 10):
                    c = know(helper, qs[i], 2.8)
                    sched.append((tb, i, c))
                    tt += r.uniform(2, 5)
                    if own.get(i) != c:
                        tt = max(tt, own_t.get(i, 0) + r.uniform(3, 10))
                        acts.append(Act(tt, i, c, sty, leak=True))
                tb += r.uniform(150, 320)
                if tb > S.tlim - 60:
                    break
        else:  # glasses camera + earpiece: helper reads answers for all, candidate sometimes ignores
            for i, q in enumerate(qs):
                t += r.uniform(3, 6) + r.uniform(3, 9)
                c = know(helper, q, 2.5)
                mine = know(pid, q, ab)
                if r.random() < 0.15 and pknow(q, ab) > 0.8:
                    c = mine
                    acts.append(Act(t, i, c, sty))
                else:
                    acts.append(Act(t, i, c, sty, leak=(c != mine)))
                sched.append((t, i, c))
                if t > S.tlim - 3:
                    break
        acts = [a for a in acts if a.t < S.tlim - 1]
        acts, S.leakn = ensure_leak(S, r, acts, sched, pid, ab)
        acts = [a for a in acts if a.t < S.tlim - 1]
        S.acts = acts
        S.bg.append((S.t0, S.tlim, bg_rate(sty, r), 0))
        finish(S, r, max(a.t for a in acts))

    # noise and event construction
    for S in sessions:
        if not getattr(S, "vm", False):
            S.devs = base_devices(S, R("dev", S.n))
        r = R("noise", S.n)
        add_noise(S, r, None)
        build_events(S, R("build", S.n))

    # exam events
    lines = []
    ids = Ids()
    first_use = {}
    for i, s in enumerate(SLOTS):
        first_use.setdefault(s[2], slot_epoch(i))
    er = R("exam")
    for short, p in papers.items():
        if short not in first_use:
            continue
        st = p["style"]
        obj = {"v": 1, "id": "exam-" + p["exam"], "at": fmt_time(first_use[short] - er.uniform(1200, 3600), "A"),
               "kind": "exam", "exam": p["exam"],
               "questions": [{"id": q["id"], "key": rep(st, q, q["key"]), "options": opts(st, q)} for q in p["qs"]],
               "pass_mark": 80, "minutes": p["minutes"]}
        lines.append((first_use[short] - 1200, obj))
        if short == "DG-B":
            lines.append((first_use[short] + 3 * 86400, obj))  # resent by a second centre upload
    # session events
    stats = []
    for S in sessions:
        r = R("fmt", S.n)
        v = S.vendor
        evs = sorted(S.ev, key=lambda e: e[0])
        for t, kind, f in evs:
            tt = t + S.skew
            if S.jump and t > S.jump[0]:
                tt += S.jump[1]
            obj = {"v": 1, "id": ids.next(v, S), "at": fmt_time(tt, S.tstyle), "kind": kind, "session": S.sid}
            obj.update(render(S, kind, f, v))
            recv = t + r.uniform(0.05, 2.0)
            if S.blip and S.blip[0] <= t <= S.blip[1]:
                recv = S.blip[1] + r.uniform(5, 90)
            lines.append((recv, obj))
            if r.random() < 0.015:
                lines.append((recv + r.uniform(2, 900), obj))
        # score
        final = {}
        for a in sorted(S.acts, key=lambda a: a.t):
            if a.t < S.tlim + 2:
                final[a.qi] = a.c
        sc = sum(1 for i, c in final.items() if S.paper["qs"][i]["key"] == c)
        stats.append(dict(session=S.sid, kind=S.kind, sub=S.sub, score=sc, minutes=(S.t_end - S.t0) / 60, leakn=S.leakn,
                          profile=getattr(S, "prof", None), cohort=S.cohort["name"] if S.cohort else None))
    lines.sort(key=lambda x: x[0])

    os.makedirs(args.out, exist_ok=True)
    raw = "".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n" for _, o in lines).encode()
    with open(os.path.join(args.out, "events.jsonl.gz"), "wb") as fh:
        with gzip.GzipFile(filename="events.jsonl", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
            gz.write(raw)
    tr = R("truth")
    truth = [{"session": S.sid, "kind": S.kind} for S in sessions]
    tr.shuffle(truth)
    with open(os.path.join(args.out, "truth.jsonl"), "w", encoding="utf-8") as fh:
        for t in truth:
            fh.write(json.dumps(t, ensure_ascii=False) + "\n")
    # generator-side summary (not part of the deliverable contract, kept outside the set dir)
    with open(os.path.join(os.path.dirname(os.path.abspath(args.out)), "summary-%s.json" % os.path.basename(args.out)), "w") as fh:
        json.dump(stats, fh, ensure_ascii=False, indent=0)


if __name__ == "__main__":
    main()
