#!/usr/bin/env python3
"""Synthetic, labelled event data for judging cheating detectors in computer-based
Chinese work-safety certificate (特种作业操作证) theory exams.

Written by an independent helper session; everything here is invented.
Deterministic: every random stream is seeded from strings (random.Random(str) hashes
with SHA-512, so output does not depend on PYTHONHASHSEED).  Standard library only.

    python3 gen.py --seed 1414 --candidates 400 --out set-n
"""
import argparse
import datetime
import gzip
import json
import math
import os
import random

TZ8 = datetime.timezone(datetime.timedelta(hours=8))
UTC = datetime.timezone.utc

SEED = "1414"


def R(*parts):
    return random.Random("|".join([SEED] + [str(p) for p in parts]))


def poisson(r, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(r.gauss(lam, math.sqrt(lam)))))
    L = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= r.random()
        if p <= L:
            return k
        k += 1


def lognorm(r, s):
    return math.exp(r.gauss(0.0, s))


# --------------------------------------------------------------------------- papers
PAPER_DEFS = [
    # code, exam id, tf, sc, minutes, qid style, tf options, sc options style
    ("P1", "DGZY-DY-2026-11A", 70, 30, 90, "int", ["对", "错"], "ABC"),
    ("P2", "GCZY-DG-2026-11B", 50, 50, 120, "gc", 2, "n4"),
    ("P3", "HJZY-RH-2026-11C", 60, 40, 100, "int30000", ["A", "B"], "ABCmix"),
    ("P4", "ZLZY-KT-2026-11D", 70, 30, 90, "Q", ["√", "×"], "ABCD"),
]


def build_paper(code, exam, ntf, nsc, minutes, qstyle, tfopt, scstyle):
    r = R("paper", code)
    qs = []
    n = ntf + nsc
    for i in range(n):
        if qstyle == "int":
            qid = i + 1
        elif qstyle == "int30000":
            qid = 30001 + i
        elif qstyle == "gc":
            qid = "GC-%04d" % (r.randint(1, 9) * 1000 + i + 1)
        else:
            qid = "Q%03d" % (i + 1)
        tf = i < ntf
        if tf:
            if isinstance(tfopt, int):
                labels = list(range(tfopt))
                optfield = tfopt
            else:
                labels = list(tfopt)
                optfield = list(tfopt)
        else:
            if scstyle == "n4":
                labels = [0, 1, 2, 3]
                optfield = 4
            elif scstyle == "ABC":
                labels = ["A", "B", "C"]
                optfield = list(labels)
            elif scstyle == "ABCmix":
                labels = ["A", "B", "C"] if r.random() < 0.45 else ["A", "B", "C", "D"]
                optfield = list(labels)
            else:
                labels = ["A", "B", "C", "D"]
                optfield = list(labels)
        key = r.choice(labels)
        wrong = [x for x in labels if x != key]
        trap = r.choice(wrong)
        ease = r.gauss(1.0, 0.9)
        qs.append(dict(id=qid, tf=tf, labels=labels, opt=optfield, key=key, trap=trap,
                       trapw=r.uniform(0.1, 0.9), ease=ease, ln=r.uniform(0.6, 1.7)))
    return dict(code=code, exam=exam, qs=qs, minutes=minutes, pass_mark=80,
                byid={q["id"]: q for q in qs})


PAPERS = {d[0]: build_paper(*d) for d in PAPER_DEFS}

# --------------------------------------------------------------------------- vendors
VENDORS = {
    # A: Win10, UTC ms, uuid ids, 15 s input with zeros, shuffled display order
    "A": dict(os="win10", ts="utc_ms", idf="uuid", iv=15, zeros=True, piv=300, civ=300,
              vid="0xHEX", shuffle=True, qstr=False, resend=0.004, kbd=False, batch=0),
    # B: Win7, local +08:00 seconds, per-terminal sequence ids, 30 s input, no zeros
    "B": dict(os="win7", ts="local_s", idf="seq", iv=30, zeros=False, piv=120, civ=240,
              vid="int", shuffle=False, qstr=False, resend=0.03, kbd=True, batch=60),
    # C: UOS Linux, local +08:00 microseconds, integer ids, 20 s input, no zeros
    "C": dict(os="uos", ts="local_us", idf="int", iv=20, zeros=False, piv=600, civ=300,
              vid="hex", shuffle=False, qstr=True, resend=0.01, kbd=True, batch=30),
    # D: Win11, UTC seconds, hex ids, 60 s input with zeros
    "D": dict(os="win11", ts="utc_s", idf="hex16", iv=60, zeros=True, piv=180, civ=180,
              vid="HEX", shuffle=True, qstr=False, resend=0.008, kbd=False, batch=0),
}

MS = "Microsoft Windows"
MSP = "Microsoft Windows Publisher"
MSC = "Microsoft Corporation"
S32 = "C:\\Windows\\System32\\"

WIN_COMMON = [
    ("smss.exe", S32 + "smss.exe", MS), ("csrss.exe", S32 + "csrss.exe", MS),
    ("wininit.exe", S32 + "wininit.exe", MS), ("winlogon.exe", S32 + "winlogon.exe", MS),
    ("services.exe", S32 + "services.exe", MS), ("lsass.exe", S32 + "lsass.exe", MSP),
    ("svchost.exe", S32 + "svchost.exe", MSP), ("svchost.exe", S32 + "svchost.exe", MSP),
    ("svchost.exe", S32 + "svchost.exe", MSP), ("dwm.exe", S32 + "dwm.exe", MS),
    ("explorer.exe", "C:\\Windows\\explorer.exe", MS), ("ctfmon.exe", S32 + "ctfmon.exe", MS),
    ("spoolsv.exe", S32 + "spoolsv.exe", MS), ("taskhostw.exe", S32 + "taskhostw.exe", MS),
    ("WmiPrvSE.exe", S32 + "wbem\\WmiPrvSE.exe", MS),
    ("RtkAudUService64.exe", S32 + "DriverStore\\FileRepository\\realtekservice.inf_amd64_4f3c2a\\RtkAudUService64.exe",
     "Realtek Semiconductor Corp."),
]
WIN10_EXTRA = [
    ("sihost.exe", S32 + "sihost.exe", MS), ("RuntimeBroker.exe", S32 + "RuntimeBroker.exe", MS),
    ("fontdrvhost.exe", S32 + "fontdrvhost.exe", MS),
    ("SecurityHealthService.exe", S32 + "SecurityHealthService.exe", MS),
    ("MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe", MSC),
    ("SearchIndexer.exe", S32 + "SearchIndexer.exe", MS),
    ("igfxEM.exe", S32 + "DriverStore\\FileRepository\\iigd_dch.inf_amd64_9a1e07\\igfxEM.exe", "Intel(R) pGFX"),
]
WIN11_EXTRA = [
    ("sihost.exe", S32 + "sihost.exe", MS), ("RuntimeBroker.exe", S32 + "RuntimeBroker.exe", MS),
    ("SearchHost.exe", "C:\\Windows\\SystemApps\\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\\SearchHost.exe", MSC),
    ("StartMenuExperienceHost.exe", "C:\\Windows\\SystemApps\\Microsoft.Windows.StartMenuExperienceHost_cw5n1h2txyewy\\StartMenuExperienceHost.exe", MSC),
    ("TextInputHost.exe", "C:\\Windows\\SystemApps\\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\\TextInputHost.exe", MSC),
    ("MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe", MSC),
    ("msedgewebview2.exe", "C:\\Program Files (x86)\\Microsoft\\EdgeWebView\\Application\\131.0.2903.70\\msedgewebview2.exe", MSC),
    ("msedgewebview2.exe", "C:\\Program Files (x86)\\Microsoft\\EdgeWebView\\Application\\131.0.2903.70\\msedgewebview2.exe", MSC),
    ("igfxEM.exe", S32 + "DriverStore\\FileRepository\\iigd_dch.inf_amd64_71c0b2\\igfxEM.exe", "Intel(R) pGFX"),
]
WIN7_EXTRA = [
    ("SearchIndexer.exe", S32 + "SearchIndexer.exe", MS),
    ("taskhost.exe", S32 + "taskhost.exe", MS),
    ("conhost.exe", S32 + "conhost.exe", MS),
]
UOS_BASE = [
    ("systemd", "/usr/lib/systemd/systemd", None), ("Xorg", "/usr/lib/xorg/Xorg", None),
    ("lightdm", "/usr/sbin/lightdm", None), ("kwin_x11", "/usr/bin/kwin_x11", None),
    ("dde-desktop", "/usr/bin/dde-desktop", None), ("dde-dock", "/usr/bin/dde-dock", None),
    ("dde-session-daemon", "/usr/bin/dde-session-daemon", None), ("fcitx", "/usr/bin/fcitx", None),
    ("NetworkManager", "/usr/sbin/NetworkManager", None), ("pulseaudio", "/usr/bin/pulseaudio", None),
    ("dbus-daemon", "/usr/bin/dbus-daemon", None), ("sshd", "/usr/sbin/sshd", None),
    ("deepin-anything-server", "/usr/bin/deepin-anything-server", None),
    ("examclient", "/opt/apps/org.example.examclient/files/bin/examclient", None),
    ("sentinel-agent", "/opt/sentinel/bin/sentinel-agent", None),
]
VENDOR_APPS = {
    "A": [("ExamShell.exe", "C:\\Program Files (x86)\\HuiKao\\ExamShell\\ExamShell.exe", "Hangzhou Huikao Example Software Co., Ltd."),
          ("hkguard.exe", "C:\\Program Files (x86)\\HuiKao\\Guard\\hkguard.exe", "Hangzhou Huikao Example Software Co., Ltd.")],
    "B": [("KSClient.exe", "D:\\KSXT\\KSClient.exe", "Example Anke Information Technology Co., Ltd."),
          ("ksmon.exe", "D:\\KSXT\\ksmon.exe", None)],
    "C": [],
    "D": [("SafeExamTerminal.exe", "C:\\Program Files\\SafeExam\\SafeExamTerminal.exe", "Example Safe Exam Ltd."),
          ("SETAgent.exe", "C:\\Program Files\\SafeExam\\SETAgent.exe", "Example Safe Exam Ltd.")],
}
HUORONG = [("HipsTray.exe", "C:\\Program Files (x86)\\Huorong\\Sysdiag\\bin\\HipsTray.exe", "Beijing Huorong Network Technology Co., Ltd."),
           ("usysdiag.exe", "C:\\Program Files (x86)\\Huorong\\Sysdiag\\bin\\usysdiag.exe", "Beijing Huorong Network Technology Co., Ltd.")]
Q360 = [("360Tray.exe", "C:\\Program Files (x86)\\360\\360Safe\\safemon\\360Tray.exe", "Beijing Qihu Technology Co., Ltd."),
        ("ZhuDongFangYu.exe", "C:\\Program Files (x86)\\360\\360Safe\\deepscan\\ZhuDongFangYu.exe", "Beijing Qihu Technology Co., Ltd.")]
DEEPFREEZE = [("DFServ.exe", "C:\\Program Files (x86)\\Faronics\\Deep Freeze\\Install C-0\\DF5Serv.exe", "Faronics Corporation")]
SOGOU = ("SogouCloud.exe", "C:\\Program Files (x86)\\SogouInput\\Components\\SogouCloud.exe", "Beijing Sogou Technology Development Co., Ltd.")
MSIME = ("ChsIME.exe", S32 + "InputMethod\\CHS\\ChsIME.exe", MS)
MYTHWARE = [("StudentMain.exe", "C:\\Program Files (x86)\\Mythware\\e-Learning Class\\StudentMain.exe", "Shanghai Mythware Information Technology Co., Ltd."),
            ("MasterHelper.exe", "C:\\Program Files (x86)\\Mythware\\e-Learning Class\\MasterHelper.exe", "Shanghai Mythware Information Technology Co., Ltd.")]
SUNLOGIN = [("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe", "Shanghai Oray Information Technology Co., Ltd."),
            ("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe", "Shanghai Oray Information Technology Co., Ltd.")]
RADMIN = [("rserver3.exe", "C:\\Windows\\SysWOW64\\rserver30\\rserver3.exe", "Famatech Corp.")]

WIN_TRANSIENT = [
    ("MpCmdRun.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MpCmdRun.exe", MSC),
    ("SearchProtocolHost.exe", S32 + "SearchProtocolHost.exe", MS),
    ("backgroundTaskHost.exe", S32 + "backgroundTaskHost.exe", MS),
    ("CompatTelRunner.exe", S32 + "CompatTelRunner.exe", MS),
    ("conhost.exe", S32 + "conhost.exe", MS), ("dllhost.exe", S32 + "dllhost.exe", MS),
    ("TiWorker.exe", "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.4950_none_7c6d\\TiWorker.exe", MS),
    ("calc.exe", S32 + "calc.exe", MS), ("osk.exe", S32 + "osk.exe", MS),
    ("magnify.exe", S32 + "magnify.exe", MS),
]
UOS_TRANSIENT = [("deepin-calculator", "/usr/bin/deepin-calculator", None),
                 ("deepin-system-monitor", "/usr/bin/deepin-system-monitor", None),
                 ("apt-check", "/usr/lib/update-notifier/apt-check", None)]

# --------------------------------------------------------------------------- centres
KB = {
    "logi": (("Logitech USB Keyboard", "046d", "c31c"), ("Logitech USB Optical Mouse", "046d", "c077")),
    "dell": (("Dell KB216 Wired Keyboard", "413c", "2113"), ("Dell MS116 USB Optical Mouse", "413c", "301a")),
    "lenovo": (("Lenovo Black Silk USB Keyboard", "17ef", "602d"), ("Lenovo USB Optical Mouse", "17ef", "608d")),
    "generic": (("USB Keyboard", "1c4f", "0002"), ("USB OPTICAL MOUSE", "093a", "2510")),
}

CENTRES = {
    "C1": dict(code="ZJ-HZ-AQPX-01", vendor="A", kb="logi", res="1920x1080", av=HUORONG, net="10.11",
               exam_host="exam.hz01.example", tele="telemetry.hz01.example", ime=0.6,
               rooms={"R1": dict(name="KC01", seats=40, tools=["projector1"]),
                      "R2": dict(name="KC02", seats=36, tools=["mythware"]),
                      "R3": dict(name="KC03", seats=30, tools=["unifying"])}),
    "C2": dict(code="ZJ-NB-BL-03", vendor="B", kb="generic", res="1440x900", av=Q360 + DEEPFREEZE, net="10.22",
               exam_host="10.22.0.10", tele="10.22.0.11", ime=0.9,
               rooms={"R1": dict(name="1", seats=40, tools=["radmin", "ntpstep"]),
                      "R2": dict(name="2", seats=40, tools=["radmin", "headset"])}),
    "C3": dict(code="ZJ-JX-NH-02", vendor="C", kb="lenovo", res="1600x900", av=[], net="10.33",
               exam_host="10.33.0.10", tele="10.33.0.11", ime=1.0,
               rooms={"R1": dict(name="room-a", seats=32, tools=["cardreader"]),
                      "R2": dict(name="room-b", seats=32, tools=["cardreader"])}),
    "C4": dict(code="ZJ-SX-KQ-05", vendor="A", kb="dell", res="1920x1080", av=[], net="172.20",
               exam_host="exam.sx05.example", tele="telemetry.sx05.example", ime=0.4,
               rooms={"R1": dict(name="PX-A", seats=40, tools=["sunlogin_idle", "webcam"]),
                      "R2": dict(name="PX-B", seats=30, tools=["webcam"])}),
    "C5": dict(code="ZJ-WZ-LC-01", vendor="D", kb="dell", res="1920x1080", av=[], net="192.168.50",
               exam_host="exam-gw.wz01.example", tele="agent.wz01.example", ime=0.5,
               rooms={"R1": dict(name="A101", seats=40, tools=["webcam"]),
                      "R2": dict(name="A102", seats=40, tools=["webcam"]),
                      "R3": dict(name="A201", seats=24, tools=["kvm_extender"])}),
    "C6": dict(code="ZJ-LS-SC-01", vendor="B", kb="laptop", res="1366x768", av=Q360, net="10.66",
               exam_host="10.66.0.10", tele="10.66.0.10", ime=0.9,
               rooms={"R1": dict(name="1", seats=30, tools=["laptop", "badclock"])}),
}

SITTINGS = [
    # centre, room, date, slot, paper, n
    ("C1", "R1", "2026-11-10", "AM", "P1", 22), ("C1", "R2", "2026-11-10", "AM", "P1", 20),
    ("C1", "R3", "2026-11-10", "AM", "P2", 16), ("C1", "R1", "2026-11-10", "PM", "P3", 18),
    ("C1", "R2", "2026-11-10", "PM", "P1", 14),
    ("C2", "R1", "2026-11-10", "AM", "P1", 24), ("C2", "R2", "2026-11-10", "AM", "P4", 18),
    ("C2", "R1", "2026-11-12", "AM", "P1", 22),
    ("C3", "R1", "2026-11-11", "AM", "P2", 20), ("C3", "R2", "2026-11-11", "AM", "P1", 20),
    ("C3", "R1", "2026-11-11", "PM", "P3", 16),
    ("C4", "R1", "2026-11-12", "AM", "P1", 26), ("C4", "R2", "2026-11-12", "AM", "P2", 18),
    ("C4", "R1", "2026-11-12", "PM", "P1", 12),
    ("C5", "R1", "2026-11-10", "AM", "P1", 24), ("C5", "R2", "2026-11-10", "AM", "P3", 20),
    ("C5", "R3", "2026-11-10", "AM", "P4", 16), ("C5", "R1", "2026-11-13", "PM", "P2", 20),
    ("C6", "R1", "2026-11-11", "AM", "P1", 18), ("C6", "R1", "2026-11-13", "AM", "P4", 16),
    ("C6", "R1", "2026-11-12", "PM", "P1", 20),
]

COHORTS = {("C4", "R1"): ("school-kq", 0.8), ("C6", "R1"): ("school-ls", 0.6), ("C2", "R1"): ("school-bl", 0.4),
           ("C3", "R2"): ("school-nh", 0.3)}


def sitting_epoch(date, slot):
    y, m, d = [int(x) for x in date.split("-")]
    h = 9 if slot == "AM" else 14
    return datetime.datetime(y, m, d, h, 0, 0, tzinfo=TZ8).timestamp()


# --------------------------------------------------------------------------- helpers
def hexid(r, n):
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


def fmt_vidpid(v, vendor):
    st = VENDORS[vendor]["vid"]
    if v is None:
        return None
    if st == "0xHEX":
        return "0x" + v.upper()
    if st == "int":
        return int(v, 16)
    if st == "hex":
        return v.lower()
    return v.upper()


def dev(name, cls, vid, pid):
    return dict(name=name, cls=cls, vid=vid, pid=pid)


class Ctx:
    def __init__(self):
        self.used_sids = set()
        self.used_cands = set()
        self.seq = {}
        self.intid = 880000000
        self.idr = R("ids")


def p_know(theta, ease):
    return 1.0 / (1.0 + math.exp(-1.7 * (theta + ease)))


def guess(r, q, cohort_mis=None):
    if cohort_mis and q["id"] in cohort_mis and r.random() < 0.85:
        return cohort_mis[q["id"]]
    if r.random() < 0.25 + 0.4 * q["trapw"]:
        return q["trap"]
    return r.choice(q["labels"])


def cohort_mis(name, paper):
    r = R("cohort", name, paper["code"])
    qs = r.sample(paper["qs"], 9)
    return {q["id"]: q["trap"] for q in qs}


def qtime(r, q, speed, know, mult=1.0):
    base = 8.0 if q["tf"] else 14.0
    t = base * q["ln"] * speed * lognorm(r, 0.38) * (0.75 if know else 1.5) * mult
    return max(1.6, t)


# --------------------------------------------------------------------------- session record
def new_session(ctx, sl, seat, kind):
    c, room, date, slot, pcode, _ = sl
    C = CENTRES[c]
    vend = C["vendor"]
    r = R("sess", c, room, date, slot, seat)
    # session id
    while True:
        if vend == "A":
            sid = "ses_" + hexid(r, 12)
        elif vend == "B":
            sid = "KS%s%05d" % (date.replace("-", "")[2:], r.randint(100, 99999))
        elif vend == "C":
            sid = r.randint(5000000, 5999999)
        else:
            sid = "s-" + "".join(r.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(10))
        if str(sid) not in ctx.used_sids:
            ctx.used_sids.add(str(sid))
            break
    while True:
        if vend == "A":
            cand = "cand-" + hexid(r, 8)
        elif vend == "B":
            cand = "ZK%08d" % r.randint(0, 99999999)
        elif vend == "C":
            cand = "u%07d" % r.randint(0, 9999999)
        else:
            cand = hexid(r, 6) + "-" + hexid(r, 4)
        if cand not in ctx.used_cands:
            ctx.used_cands.add(cand)
            break
    rm = C["rooms"][room]
    if vend == "A":
        term = "%sR%s-PC%02d" % (c, room[1], seat)
        seatv = "%s-%02d" % (rm["name"], seat)
    elif vend == "B":
        term = "KC%s-%02d" % (rm["name"], seat)
        seatv = seat
    elif vend == "C":
        term = "exam-%s-%02d.%s.example" % (rm["name"], seat, c.lower())
        seatv = "%02d" % seat
    else:
        term = "WS-%s-%02d" % (rm["name"], seat)
        seatv = "%s%02d" % (rm["name"][0], seat)
    t_sit = sitting_epoch(date, slot)
    t0 = t_sit + r.uniform(15, 260)
    if r.random() < 0.03:
        t0 += r.uniform(300, 1200)  # late arrival
    S = dict(sid=sid, kind=kind, centre=c, room=room, date=date, slot=slot, paper=pcode, seat=seatv,
             seatn=seat, terminal=term, cand=cand, vendor=vend, t0=t0, t_sit=t_sit,
             deadline=t0 + PAPERS[pcode]["minutes"] * 60, answers=[], act=[], fidget=[],
             xproc=[], xconn=[], dev_events=[], disp=[], restarts=[], t_end=None, no_end=False,
             resend_answers=[], rkey=("sess", c, room, date, slot, seat), notes={})
    # terminal clock
    tr = R("clock", term)
    skew = tr.gauss(0, 1.5)
    if tr.random() < 0.12:
        skew += tr.choice([-1, 1]) * tr.uniform(20, 400)
    S["skew"] = [(-1e18, skew)]
    if "ntpstep" in rm["tools"] and tr.random() < 0.3:
        S["skew"] = [(-1e18, skew + tr.uniform(60, 150)), (t0 + tr.uniform(300, 2400), skew)]
    S["badclock"] = ("badclock" in rm["tools"] and tr.random() < 0.35)
    # baseline devices
    S["devices"] = base_devices(S, tr)
    S["disp"].append((t0, base_display(S), ))
    return S


def base_devices(S, r):
    C = CENTRES[S["centre"]]
    tools = C["rooms"][S["room"]]["tools"]
    out = []
    if C["kb"] == "laptop":
        out.append(dev("HID Keyboard Device", "hid", None, None))
        out.append(dev("ELAN Touchpad", "hid", "04f3", "3140"))
        out.append(dev("USB OPTICAL MOUSE", "hid", "093a", "2510"))
        out.append(dev("Integrated Camera", "other", "5986", "2113"))
    else:
        kb, ms = KB[C["kb"]]
        if "unifying" in tools:
            for nm in ("Logitech Unifying Receiver (keyboard)", "Logitech Unifying Receiver (mouse)",
                       "Logitech Unifying Receiver (HID)"):
                out.append(dev(nm, "hid", "046d", "c52b"))
        else:
            out.append(dev(kb[0], "hid", kb[1], kb[2]))
            if C["kb"] in ("lenovo", "dell") or r.random() < 0.3:
                out.append(dev(kb[0] + " (Consumer Control)", "hid", kb[1], kb[2]))
            out.append(dev(ms[0], "hid", ms[1], ms[2]))
    if "webcam" in tools:
        out.append(dev("USB2.0 HD UVC WebCam", "other", "0c45", "6366"))
    if "cardreader" in tools:
        out.append(dev("ID Card Reader", "other", "0400", "c35a"))
    if "headset" in tools:
        out.append(dev("C-Media USB Headphone Set", "hid", "0d8c", "0014"))
        out.append(dev("C-Media USB Audio Device", "other", "0d8c", "0014"))
    if "kvm_extender" in tools:
        out.append(dev("ATEN USB KVM Extender", "hid", "0557", "2419"))
    if "radmin" in tools and r.random() < 0.2:
        out.append(dev("USB Mass Storage Device", "storage", "090c", "1000"))
    return out


def base_display(S):
    C = CENTRES[S["centre"]]
    tools = C["rooms"][S["room"]]["tools"]
    if "projector1" in tools and S["seatn"] == 1:
        return (2, True, "1024x768")
    if "laptop" in tools and R("lapext", S["terminal"]).random() < 0.25:
        return (2, False, C["res"])
    return (1, False, C["res"])


def base_procs(S, r):
    C = CENTRES[S["centre"]]
    v = C["vendor"]
    tools = C["rooms"][S["room"]]["tools"]
    osn = VENDORS[v]["os"]
    if osn == "uos":
        out = list(UOS_BASE)
    else:
        out = list(WIN_COMMON)
        out += {"win10": WIN10_EXTRA, "win11": WIN11_EXTRA, "win7": WIN7_EXTRA}[osn]
        out += VENDOR_APPS[v]
        out += C["av"]
        tr = R("ime", S["terminal"])
        out.append(SOGOU if tr.random() < C["ime"] else MSIME)
        if "mythware" in tools:
            out += MYTHWARE
        if "sunlogin_idle" in tools:
            out += SUNLOGIN
        if "radmin" in tools:
            out += RADMIN
    return out


def base_conns(S):
    C = CENTRES[S["centre"]]
    v = C["vendor"]
    tools = C["rooms"][S["room"]]["tools"]
    client = {"A": "ExamShell.exe", "B": "KSClient.exe", "C": "examclient", "D": "SafeExamTerminal.exe"}[v]
    agent = {"A": "hkguard.exe", "B": "ksmon.exe", "C": "sentinel-agent", "D": "SETAgent.exe"}[v]
    port = {"A": 443, "B": 8080, "C": 8443, "D": 443}[v]
    out = [dict(remote=C["exam_host"], port=port, process=client),
           dict(remote=C["tele"], port=6514 if v != "A" else 443, process=agent)]
    if "mythware" in tools:
        out.append(dict(remote="10.11.2.250", port=4988, process="StudentMain.exe"))
    if "sunlogin_idle" in tools:
        out.append(dict(remote="sl-keepalive.remote-vendor.example", port=443, process="SunloginClient.exe"))
    if C["av"] is Q360 or C["av"] == Q360 + DEEPFREEZE:
        out.append(dict(remote="cloud.av-update.example", port=80, process="360Tray.exe"))
    if v == "D":
        out.append(dict(remote="exam-cdn.wz01.example", port=443, process="msedgewebview2.exe"))
    return out


# --------------------------------------------------------------------------- input helpers
def human_click(S, r, t, mode, heavy=1.0):
    if mode == "kbd":
        S["act"].append((t - r.uniform(0.0, 0.6), 1, 0))
        S["act"].append((t + r.uniform(0.2, 0.9), 1 if r.random() < 0.8 else 2, 0))
        if r.random() < 0.2:
            S["act"].append((t - r.uniform(0.5, 3), 0, r.randint(1, 12)))
    else:
        S["act"].append((t - r.uniform(0.1, 2.5), 0, int(r.randint(6, 70) * heavy)))
        S["act"].append((t, 0, 2))
        S["act"].append((t + r.uniform(0.3, 1.8), 0, int(r.randint(4, 30) * heavy) + 2))
        if r.random() < 0.04:
            S["act"].append((t + r.uniform(0.2, 2), 1, 0))


def injector_click(S, r, t, style):
    if style == "abs":       # absolute pointer jump + click, + next button
        S["act"].append((t - r.uniform(0.05, 0.3), 0, 3))
        S["act"].append((t + r.uniform(0.2, 0.6), 0, 3))
    elif style == "keys":    # option key + Enter
        S["act"].append((t, 2, 0))
    elif style == "human":   # jittered bezier-ish pointer paths
        S["act"].append((t - r.uniform(0.2, 1.2), 0, r.randint(10, 28)))
        S["act"].append((t, 0, 2))
        S["act"].append((t + r.uniform(0.4, 1.0), 0, r.randint(8, 20)))
    elif style == "kvm":     # real human on a KVM console: counted as local
        human_click(S, r, t, "mouse")


def add_answer(S, t, q, choice):
    S["answers"].append((t, q["id"], choice))


def display_order(S, paper):
    qs = list(paper["qs"])
    if VENDORS[S["vendor"]]["shuffle"]:
        r = R("order", S["sid"])
        tf = [q for q in qs if q["tf"]]
        sc = [q for q in qs if not q["tf"]]
        r.shuffle(tf)
        r.shuffle(sc)
        qs = tf + sc
    return qs


def finish(S, r, t, min_wait=None, submit_mode="mouse"):
    """Candidate submits at t (or waits until min_wait); clamps to deadline."""
    if min_wait and t < min_wait:
        t = min_wait + r.uniform(0, 120)
    if t >= S["deadline"]:
        S["t_end"] = S["deadline"] + r.uniform(0.5, 3)
        S["answers"] = [a for a in S["answers"] if a[0] < S["deadline"]]
    else:
        S["t_end"] = t + r.uniform(2, 10)
        if submit_mode == "mouse":
            S["act"].append((S["t_end"] - r.uniform(1, 4), 0, r.randint(15, 60)))
            S["act"].append((S["t_end"] - 0.5, 0, 4))
        elif submit_mode == "kbd":
            S["act"].append((S["t_end"] - 0.5, 2, 0))


# --------------------------------------------------------------------------- honest
def sim_honest(S, r):
    paper = PAPERS[S["paper"]]
    prof = r.choices(["typical", "able", "weak", "slow", "elder"], [55, 12, 8, 15, 10])[0]
    S["notes"]["profile"] = prof
    theta = {"typical": r.gauss(1.0, 0.45), "able": r.gauss(2.3, 0.3), "weak": r.gauss(-0.8, 0.4),
             "slow": r.gauss(0.9, 0.5), "elder": r.gauss(0.6, 0.5)}[prof]
    speed = {"typical": r.uniform(0.8, 1.3), "able": r.uniform(0.28, 0.5), "weak": r.uniform(0.35, 0.9),
             "slow": r.uniform(1.5, 2.3), "elder": r.uniform(1.3, 2.1)}[prof]
    mode = "kbd" if (VENDORS[S["vendor"]]["kbd"] and r.random() < 0.3) else "mouse"
    heavy = 2.5 if prof == "elder" else r.uniform(0.6, 1.4)
    mis = None
    coh = COHORTS.get((S["centre"], S["room"]))
    if coh and r.random() < coh[1]:
        mis = cohort_mis(coh[0], paper)
        theta -= 0.2
    p_change = {"elder": 0.06, "weak": 0.02}.get(prof, 0.03)
    strategic = r.random() < 0.35
    t = S["t0"] + r.uniform(20, 150)
    fid_rate = r.uniform(0.05, 0.6)
    S["fidget"].append((S["t0"], S["deadline"], fid_rate, 3 * heavy))
    skipped, unsure = [], []
    for q in display_order(S, paper):
        pk = p_know(theta, q["ease"])
        if mis and q["id"] in mis:
            pk *= 0.4
        know = r.random() < pk
        t += qtime(r, q, speed, know)
        if not know and strategic and r.random() < 0.4:
            skipped.append(q)
            S["act"].append((t, 0, r.randint(3, 20)))
            continue
        ch = q["key"] if know else guess(r, q, mis)
        if r.random() < p_change:
            first = r.choice([x for x in q["labels"] if x != ch])
            add_answer(S, t, q, first)
            human_click(S, r, t, mode, heavy)
            t += r.uniform(1.5, 9)
        add_answer(S, t, q, ch)
        human_click(S, r, t, mode, heavy)
        if not know:
            unsure.append(q)
    for q in skipped:
        t += qtime(r, q, speed, False) * 0.8
        add_answer(S, t, q, guess(r, q, mis))
        human_click(S, r, t, mode, heavy)
        unsure.append(q)
    if r.random() < {"slow": 0.8, "able": 0.3, "weak": 0.1}.get(prof, 0.5):
        # review pass: pages through, changes a few unsure answers
        tr_end = t + r.uniform(120, 900) * speed
        for q in unsure:
            if r.random() < 0.25:
                tt = r.uniform(t, tr_end)
                nc = q["key"] if r.random() < 0.45 else r.choice(q["labels"])
                add_answer(S, tt, q, nc)
                human_click(S, r, tt, mode, heavy)
        k = t
        while k < tr_end:
            S["act"].append((k, 0, r.randint(5, 40) if mode == "mouse" else 0))
            if mode == "kbd":
                S["act"].append((k, 1, 0))
            k += r.uniform(3, 12)
        t = tr_end
    S["answers"].sort(key=lambda a: a[0])
    min_wait = None
    if r.random() < 0.08:  # waits until the clock runs out (some centres force this)
        min_wait = S["deadline"] + 5
    finish(S, r, t, min_wait, "kbd" if mode == "kbd" else "mouse")


# --------------------------------------------------------------------------- benign noise
def benign_noise(S, r):
    C = CENTRES[S["centre"]]
    tools = C["rooms"][S["room"]]["tools"]
    end = S["t_end"] or S["deadline"]
    # invigilator swaps a dead mouse
    if r.random() < 0.025:
        t = r.uniform(S["t0"] + 300, end - 60)
        m = [d for d in S["devices"] if "Mouse" in d["name"] or "MOUSE" in d["name"]]
        if m:
            S["dev_events"].append((t, "removed", m[0]))
            S["dev_events"].append((t + r.uniform(20, 90), "attached",
                                    dev("USB Optical Mouse", "hid", "1bcf", "0005")))
            S["act"].append((t + 95, 0, r.randint(40, 120)))
    # IT stick at the end / start
    if r.random() < 0.02:
        t = S["t0"] - r.uniform(60, 200) if r.random() < 0.5 else end - r.uniform(5, 60)
        d = dev("Kingston DataTraveler 3.0", "storage", "0951", "1666")
        S["dev_events"].append((t, "attached", d))
        S["dev_events"].append((t + r.uniform(30, 160), "removed", d))
    # headset HID re-enumeration (C-Media flaps)
    if "headset" in tools and r.random() < 0.15:
        t = r.uniform(S["t0"] + 60, end - 30)
        d = [x for x in S["devices"] if x["cls"] == "hid" and "C-Media" in x["name"]][0]
        S["dev_events"].append((t, "removed", d))
        S["dev_events"].append((t + r.uniform(1, 4), "attached", d))
    # display hiccup (monitor power save / driver reset)
    if r.random() < 0.03:
        t = r.uniform(S["t0"] + 60, end - 30)
        b = S["disp"][0][1]
        S["disp"].append((t, (0, None, None)))
        S["disp"].append((t + r.uniform(2, 8), b))
    # invigilator enters an override code at the terminal
    if r.random() < 0.03:
        t = r.uniform(S["t0"] + 120, end - 10)
        S["act"].append((t, r.randint(6, 14), r.randint(20, 80)))
        S["xproc"].append((t - 5, t + 40, ("taskmgr.exe", S32 + "Taskmgr.exe", MS)))
    # Radmin used by the centre's IT to unstick a client (honest: no answers meanwhile)
    if "radmin" in tools and r.random() < 0.05:
        t = r.uniform(S["t0"] + 300, end - 200)
        S["xconn"].append((t, t + r.uniform(60, 200), dict(remote=C["net"] + ".0.5", port=4899, process="rserver3.exe")))
        shift_after(S, t, r.uniform(80, 220))
    # calculator / magnifier / osk
    if VENDORS[S["vendor"]]["os"] != "uos":
        if r.random() < 0.08:
            p = r.choice(WIN_TRANSIENT[7:])
            t = r.uniform(S["t0"], end)
            S["xproc"].append((t, t + r.uniform(60, 900), p))
    else:
        if r.random() < 0.06:
            t = r.uniform(S["t0"], end)
            S["xproc"].append((t, t + r.uniform(60, 900), UOS_TRANSIENT[0]))
    # client crash and restart
    if r.random() < 0.04 and S["answers"]:
        crash(S, r)
    if r.random() < 0.008:
        S["no_end"] = True


def shift_after(S, t, gap):
    S["answers"] = [(a[0] + gap if a[0] > t else a[0], a[1], a[2]) for a in S["answers"]]
    S["act"] = [(a[0] + gap if a[0] > t else a[0], a[1], a[2]) for a in S["act"]]
    if S["t_end"] and S["t_end"] > t:
        S["t_end"] = min(S["t_end"] + gap, S["deadline"] + 2)
        S["answers"] = [a for a in S["answers"] if a[0] < S["t_end"]]


def crash(S, r):
    ts = [a[0] for a in S["answers"]]
    tc = r.uniform(ts[0], ts[-1])
    gap = r.uniform(60, 420)
    before = [a for a in S["answers"] if a[0] <= tc]
    shift_after(S, tc, gap)
    S["act"] = [a for a in S["act"] if not (tc < a[0] < tc + gap * 0.7)]
    S["restarts"].append(tc + gap * 0.8)
    S["act"].append((tc + gap * 0.75, r.randint(8, 20), r.randint(30, 150)))  # invigilator logs in
    S["xproc"].append((tc, tc + 200, ("WerFault.exe", S32 + "WerFault.exe", MS)))
    S["resend_answers"] = before


# --------------------------------------------------------------------------- helpers' answers
def helper_key(r, paper, target):
    """An outside helper working from the bank's answers; `target` = desired score."""
    n = len(paper["qs"])
    nerr = max(0, n - target)
    errs = set(q["id"] for q in r.sample(paper["qs"], nerr))
    out = {}
    for q in paper["qs"]:
        out[q["id"]] = r.choice([x for x in q["labels"] if x != q["key"]]) if q["id"] in errs else q["key"]
    return out


def remote_answer_run(S, r, order, key, t, pace, input_style, jitter=0.4):
    for q in order:
        t += max(1.2, pace * (0.6 + 0.4 * q["ln"]) * lognorm(r, jitter))
        add_answer(S, t, q, key[q["id"]])
        if input_style:
            injector_click(S, r, t, input_style)
    return t


# --------------------------------------------------------------------------- software
SW_VARIANTS_WIN = ["todesk", "sunlogin_renamed", "rustdesk_selfhost", "anydesk_usb", "vnc_lan",
                   "wemeet_view", "crd", "frp_rdp", "masquerade_client", "uu_remote"]
SW_VARIANTS_UOS = ["x11vnc_hidden", "rustdesk_deb"]


def sim_software(S, r, variant=None):
    paper = PAPERS[S["paper"]]
    osn = VENDORS[S["vendor"]]["os"]
    tools = CENTRES[S["centre"]]["rooms"][S["room"]]["tools"]
    if variant is None:
        if osn == "uos":
            variant = r.choice(SW_VARIANTS_UOS)
        elif "sunlogin_idle" in tools and r.random() < 0.6:
            variant = "sunlogin_existing"
        else:
            variant = r.choice(SW_VARIANTS_WIN)
    S["notes"]["variant"] = variant
    careful = r.random() < 0.5
    t0 = S["t0"]
    on = t0 - r.uniform(200, 900) if r.random() < 0.55 else t0 + r.uniform(20, 150)
    relay_ip = r.choice(["203.0.113.", "198.51.100.", "192.0.2."]) + str(r.randint(2, 250))
    procs, conns = [], []
    injected = True
    if variant == "todesk":
        procs = [("ToDesk.exe", "C:\\Program Files\\ToDesk\\ToDesk.exe", "Hainan Youqu Technology Co., Ltd."),
                 ("ToDesk_Service.exe", "C:\\Program Files\\ToDesk\\ToDesk_Service.exe", "Hainan Youqu Technology Co., Ltd.")]
        conns = [dict(remote="relay-%d.todesk-cloud.example" % r.randint(1, 40), port=443, process="ToDesk_Service.exe")]
    elif variant == "sunlogin_renamed":
        procs = [("WinStoreUpdate.exe", "C:\\ProgramData\\Microsoft\\WinStore\\WinStoreUpdate.exe",
                  "Shanghai Oray Information Technology Co., Ltd.")]
        conns = [dict(remote=relay_ip, port=4118, process="WinStoreUpdate.exe"),
                 dict(remote="sl-p2p.remote-vendor.example", port=443, process="WinStoreUpdate.exe")]
    elif variant == "sunlogin_existing":
        procs = []
        conns = [dict(remote=relay_ip, port=4118, process="SunloginClient.exe")]
    elif variant == "rustdesk_selfhost":
        nm = r.choice(["NetCfgSvc.exe", "IntelCpHeciSvc.exe", "AudioSrvHost.exe"])
        procs = [(nm, "C:\\Windows\\Temp\\%s\\%s" % (hexid(r, 6), nm), None)]
        conns = [dict(remote=relay_ip, port=21116, process=nm), dict(remote=relay_ip, port=21117, process=nm)]
    elif variant == "anydesk_usb":
        procs = [("AnyDesk.exe", "E:\\tools\\AnyDesk.exe", "philandro Software GmbH")]
        conns = [dict(remote=relay_ip, port=7070, process="AnyDesk.exe")]
        d = dev("SanDisk Cruzer Blade", "storage", "0781", "5567")
        ta = min(on, t0) - r.uniform(30, 120)
        S["dev_events"].append((ta, "attached", d))
        S["dev_events"].append((ta + r.uniform(60, 300), "removed", d))
    elif variant == "vnc_lan":
        procs = [("spoolsvc.exe", "C:\\Windows\\System32\\spool\\drivers\\x64\\3\\spoolsvc.exe", None)]
        conns = [dict(remote=CENTRES[S["centre"]]["net"] + ".%d.%d" % (r.randint(0, 9), r.randint(20, 200)), port=5900,
                      process="spoolsvc.exe")]
    elif variant == "wemeet_view":
        procs = [("wemeetapp.exe", "C:\\Users\\exam\\AppData\\Roaming\\Tencent\\WeMeet\\3.28.1.402\\wemeetapp.exe",
                  "Tencent Technology (Shenzhen) Company Limited")]
        conns = [dict(remote="meeting-media-%d.conf.example" % r.randint(1, 9), port=8000, process="wemeetapp.exe")]
        injected = False
    elif variant == "crd":
        procs = [("remoting_host.exe", "C:\\Program Files (x86)\\Google\\Chrome Remote Desktop\\131.0.6778.17\\remoting_host.exe", "Google LLC")]
        conns = [dict(remote="relay.remotedesktop.example", port=443, process="remoting_host.exe")]
    elif variant == "frp_rdp":
        procs = [("conhost.exe", "C:\\Users\\Public\\Libraries\\conhost.exe", None),
                 ("rdpclip.exe", S32 + "rdpclip.exe", MS)]
        conns = [dict(remote=relay_ip, port=7000, process="conhost.exe")]
    elif variant == "masquerade_client":
        client = {"A": "ExamShell.exe", "B": "KSClient.exe", "D": "SafeExamTerminal.exe"}[S["vendor"]]
        procs = [(client, "C:\\Users\\Public\\Documents\\%s" % client, None)]
        conns = [dict(remote="cdn-static-%d.example" % r.randint(2, 30), port=443, process=client)]
    elif variant == "uu_remote":
        procs = [("UURemote.exe", "C:\\Program Files (x86)\\Netease\\UURemote\\UURemote.exe", "NetEase (Hangzhou) Network Co., Ltd.")]
        conns = [dict(remote=relay_ip, port=443, process="UURemote.exe")]
    elif variant == "x11vnc_hidden":
        procs = [("dde-osd-helper", "/home/exam/.config/autostart/.cache/dde-osd-helper", None),
                 ("stunnel4", "/usr/bin/stunnel4", None)]
        conns = [dict(remote=relay_ip, port=443, process="stunnel4")]
    elif variant == "rustdesk_deb":
        procs = [("rustdesk", "/usr/bin/rustdesk", None), ("rustdesk", "/usr/bin/rustdesk", None)]
        conns = [dict(remote=relay_ip, port=21117, process="rustdesk")]
    # the helper
    target = r.randint(84, 93) if careful else r.randint(95, 100)
    key = helper_key(r, paper, target)
    order = display_order(S, paper)
    t_start = max(on, t0) + r.uniform(40, 200)
    if injected:
        pace = r.uniform(7, 13) if careful else r.uniform(2.5, 6)
        t = remote_answer_run(S, r, order, key, t_start, pace, None)
        # the candidate sits with hands off, or keeps touching the mouse to look busy
        S["fidget"].append((t0, t_start, r.uniform(0.1, 0.4), 4))
        S["fidget"].append((t_start, t, r.uniform(0.3, 0.8) if careful else r.uniform(0.0, 0.08), 6))
        if careful:
            t_off = t + r.uniform(30, 200)
            min_wait = t0 + r.uniform(30, 55) * 60
            S["fidget"].append((t, min_wait + 200, r.uniform(0.2, 0.5), 5))
            finish(S, r, t, min_wait, "mouse")
        else:
            t_off = None
            S["t_end"] = t + r.uniform(3, 20)  # remote side clicks submit
    else:
        # screen-shared only; the helper dictates over a hidden earbud, candidate clicks
        t = t_start
        for q in order:
            t += max(3.0, r.uniform(6, 12) * (0.6 + 0.4 * q["ln"]) * lognorm(r, 0.3))
            add_answer(S, t, q, key[q["id"]])
            human_click(S, r, t, "mouse")
        S["fidget"].append((t0, t + 100, r.uniform(0.05, 0.3), 3))
        t_off = t + r.uniform(10, 100) if careful else None
        finish(S, r, t, t0 + r.uniform(25, 50) * 60 if careful else None, "mouse")
    t_off = t_off if t_off else (S["t_end"] or S["deadline"]) + 600
    if variant == "masquerade_client" or (careful and r.random() < 0.3):
        # only alive while working: started late, killed early
        t_off = min(t_off, (S["answers"][-1][0] if S["answers"] else t_start) + r.uniform(10, 60))
    for p in procs:
        S["xproc"].append((on, t_off, p))
    for c in conns:
        S["xconn"].append((t_start - r.uniform(5, 30), t_off, c))


# --------------------------------------------------------------------------- hardware
HW_VARIANTS = ["ch9329", "pikvm", "spoof_kbd", "kvm_switch", "hdmi_cast", "splitter_earpiece",
               "displaylink", "bt_phone", "injector_human", "teensy"]


def sim_hardware(S, r, variant=None):
    paper = PAPERS[S["paper"]]
    C = CENTRES[S["centre"]]
    variant = variant or r.choice(HW_VARIANTS)
    S["notes"]["variant"] = variant
    careful = r.random() < 0.5
    t0 = S["t0"]
    pre = r.random() < 0.6  # plugged in before the session (shows only as 'present')
    t_plug = t0 - r.uniform(60, 600) if pre else t0 + r.uniform(10, 200)
    devs, style, injected = [], None, True
    b = S["disp"][0][1]
    if variant == "ch9329":
        devs = [dev(r.choice(["HID Keyboard Device", "USB Input Device", "CH9329 HID"]), "hid", "1a86", "e129")]
        style = r.choice(["keys", "abs"])
        S["disp"].append((t_plug + 2, (1, False, "1920x1080" if b[2] != "1920x1080" else "1280x720")))
    elif variant == "teensy":
        devs = [dev("Keyboard/Mouse/Joystick", "hid", "16c0", "0482")]
        style = "abs"
    elif variant == "pikvm":
        devs = [dev("Composite KVM Device", "hid", "1d6b", "0104"), dev("PiKVM Composite Device", "hid", "1d6b", "0104"),
                dev("PiKVM CD-ROM Drive", "storage", "1d6b", "0104")]
        style = "abs"
        S["disp"].append((t_plug + 3, (0, None, None)))
        S["disp"].append((t_plug + 6, (1, False, "1920x1080")))
    elif variant == "spoof_kbd":
        kbs = [d for d in S["devices"] if d["cls"] == "hid"]
        k = kbs[0]
        devs = [dev(k["name"], "hid", k["vid"], k["pid"])]
        style = "keys"
    elif variant == "kvm_switch":
        devs = [dev(r.choice(["ATEN CS1782A", "USB KVM Switch", "Composite USB Device"]), "hid", "0557", "2221"),
                dev("USB KVM Switch Mouse", "hid", "0557", "2221")]
        style = "kvm"
        S["disp"].append((t_plug + 2, (1, False, b[2])))
    elif variant == "hdmi_cast":
        devs = [dev("USB Audio Device", "other", "1b3f", "2008")] if r.random() < 0.4 else []
        S["disp"].append((t_plug + 4, (2, True, b[2])))
        injected = False
    elif variant == "splitter_earpiece":
        S["disp"].append((t_plug + 2, (0, None, None)))
        S["disp"].append((t_plug + 5, (1, False, "1920x1080" if b[2] != "1920x1080" else "1280x720")))
        injected = False
    elif variant == "displaylink":
        devs = [dev("USB Display Adapter", "other", "17e9", "4301")]
        S["disp"].append((t_plug + 5, (2, True, b[2])))
        injected = False
    elif variant == "bt_phone":
        devs = [dev("CSR8510 A10", "other", "0a12", "0001"), dev("Bluetooth HID Keyboard", "hid", None, None)]
        style = "keys"
    elif variant == "injector_human":
        m = [d for d in S["devices"] if "ouse" in d["name"] or "OUSE" in d["name"]]
        devs = [dev(m[0]["name"] if m else "USB Optical Mouse", "hid", m[0]["vid"] if m else "093a",
                    m[0]["pid"] if m else "2510")]
        style = "human"
    for d in devs:
        if pre:
            S["devices"].append(d)
        else:
            S["dev_events"].append((t_plug, "attached", d))
    target = r.randint(84, 93) if careful else r.randint(94, 100)
    key = helper_key(r, paper, target)
    order = display_order(S, paper)
    t_start = max(t_plug, t0) + r.uniform(30, 180)
    if injected:
        if style == "kvm":
            pace = r.uniform(6, 12)
        else:
            pace = r.uniform(7, 12) if careful else r.uniform(2.5, 5.5)
        t = remote_answer_run(S, r, order, key, t_start, pace, style, 0.45 if style in ("human", "kvm") else 0.25)
        S["fidget"].append((t0, t_start, r.uniform(0.1, 0.4), 3))
        if careful:
            S["fidget"].append((t_start, t, r.uniform(0.1, 0.4), 3))
            finish(S, r, t, t0 + r.uniform(30, 55) * 60, "mouse" if style != "keys" else None)
        else:
            S["t_end"] = t + r.uniform(3, 15)
            S["act"].append((S["t_end"] - 0.5, 2 if style == "keys" else 0, 3 if style != "keys" else 0))
    else:
        # outsider sees the screen and dictates; candidate answers on own mouse
        t = t_start
        theta = r.gauss(0.8, 0.5)
        for q in order:
            own = r.random() < p_know(theta, q["ease"]) and r.random() < 0.5
            t += max(3.0, (qtime(r, q, 0.7, True) if own else r.uniform(7, 14) * (0.6 + 0.4 * q["ln"])) * lognorm(r, 0.2))
            add_answer(S, t, q, q["key"] if own else key[q["id"]])
            human_click(S, r, t, "mouse")
        S["fidget"].append((t0, t + 100, r.uniform(0.05, 0.3), 3))
        finish(S, r, t, t0 + r.uniform(25, 50) * 60 if careful else None, "mouse")
    if not pre and careful and devs and r.random() < 0.6:
        for d in devs:
            S["dev_events"].append(((S["t_end"] or t) - r.uniform(20, 120), "removed", d))


# --------------------------------------------------------------------------- operator
def sim_operator_group(group, r, means):
    """One person answers for all sessions in `group`."""
    papers = [PAPERS[S["paper"]] for S in group]
    opr = R("operator", means, group[0]["sid"])
    # the operator's own key per paper: identical errors on every session of the paper
    okeys = {}
    for p in papers:
        if p["code"] not in okeys:
            okeys[p["code"]] = helper_key(opr, p, opr.randint(91, 97))
    relay = opr.choice(["203.0.113.", "198.51.100."]) + str(opr.randint(2, 250))
    tool = opr.choice([("svchostx.exe", "C:\\Users\\Public\\Music\\svchostx.exe", None),
                       ("IntelGraphicsSvc.exe", "C:\\ProgramData\\Intel\\GFX\\IntelGraphicsSvc.exe", None),
                       ("ToDesk.exe", "C:\\Program Files\\ToDesk\\ToDesk.exe", "Hainan Youqu Technology Co., Ltd.")])
    if means == "gunman":
        # 枪手: the same impersonator sits several sessions at different times; answers locally
        pcode = group[0]["paper"]
        p = PAPERS[pcode]
        mult = {q["id"]: lognorm(opr, 0.35) for q in p["qs"]}
        changes = [q["id"] for q in opr.sample(p["qs"], 3)]
        speed = opr.uniform(0.5, 0.7)
        for S in group:
            rr = R("gun", S["sid"])
            t = S["t0"] + rr.uniform(15, 40)
            S["fidget"].append((S["t0"], S["deadline"], 0.15, 4))
            for q in display_order(S, p):
                t += qtime(rr, q, speed, True, mult[q["id"]])
                if q["id"] in changes:
                    add_answer(S, t, q, [x for x in q["labels"] if x != okeys[pcode][q["id"]]][0])
                    human_click(S, rr, t, "mouse")
                    t += rr.uniform(2, 6)
                add_answer(S, t, q, okeys[pcode][q["id"]])
                human_click(S, rr, t, "mouse")
            finish(S, rr, t + rr.uniform(20, 90), None, "mouse")
            S["notes"]["means"] = means
        return
    # simultaneous sessions driven remotely (software or IP-KVM)
    for S in group:
        S["notes"]["means"] = means
        if means == "ipkvm":
            d1 = dev("Composite KVM Device", "hid", "1d6b", "0104")
            d2 = dev("Mass Storage Gadget", "storage", "1d6b", "0104")
            S["devices"] += [d1, d2]
            S["disp"].append((S["t0"] + 1, (1, False, "1920x1080")))
        elif means == "sunlogin_existing":
            S["xconn"].append((S["t0"] + 30, S["deadline"], dict(remote=relay, port=4118, process="SunloginClient.exe")))
        else:
            S["xproc"].append((S["t0"] - R("op-on", S["sid"]).uniform(100, 800), S["deadline"] + 600, tool))
            S["xconn"].append((S["t0"] + 20, S["deadline"] + 600, dict(remote=relay, port=r.choice([443, 21117]), process=tool[0])))
    careful = means in ("careful_rustdesk",)
    if careful:
        for S in group:
            S["xproc"] = [(a, b, ("IntelGraphicsSvc.exe", "C:\\ProgramData\\Intel\\GFX\\IntelGraphicsSvc.exe", None)) for (a, b, p) in S["xproc"]]
            S["xconn"] = [(a, b, dict(c, port=21117, process="IntelGraphicsSvc.exe")) for (a, b, c) in S["xconn"]]
    perkey = {}
    for S in group:
        k = dict(okeys[S["paper"]])
        if careful:  # deliberately vary the wrong answers per session to look independent
            rr = R("vary", S["sid"])
            for q in rr.sample(PAPERS[S["paper"]]["qs"], rr.randint(3, 7)):
                k[q["id"]] = rr.choice([x for x in q["labels"] if x != q["key"]])
        perkey[S["sid"]] = k
    style = "abs" if means == "ipkvm" else None
    orders = {S["sid"]: display_order(S, PAPERS[S["paper"]]) for S in group}
    pos = {S["sid"]: 0 for S in group}
    T = max(S["t0"] for S in group) + opr.uniform(60, 200)
    seq = list(group)
    pace = opr.uniform(3.6, 5.0) if careful else opr.uniform(2.8, 5.0)
    sequential = means == "sequential"
    while any(pos[S["sid"]] < len(orders[S["sid"]]) for S in group):
        for S in seq:
            o = orders[S["sid"]]
            if pos[S["sid"]] >= len(o):
                continue
            T += opr.uniform(3, 9)  # switching window / tab
            chunk = len(o) if sequential else opr.randint(4, 14 if not careful else 25)
            for _ in range(chunk):
                if pos[S["sid"]] >= len(o):
                    break
                q = o[pos[S["sid"]]]
                pos[S["sid"]] += 1
                T += max(1.2, pace * (0.6 + 0.4 * q["ln"]) * lognorm(opr, 0.3))
                add_answer(S, T, q, perkey[S["sid"]][q["id"]])
                if style:
                    injector_click(S, opr, T, style)
            if pos[S["sid"]] >= len(o):
                S["done_at"] = T
    for S in group:
        rr = R("opfin", S["sid"])
        S["fidget"].append((S["t0"], S["done_at"], 0.35 if careful else rr.uniform(0.02, 0.2), 5))
        if careful or means == "sequential":
            S["fidget"].append((S["done_at"], S["done_at"] + 2400, 0.3, 5))
            finish(S, rr, S["done_at"], S["t0"] + rr.uniform(35, 60) * 60, "mouse")
        else:
            S["t_end"] = S["done_at"] + rr.uniform(3, 25)


# --------------------------------------------------------------------------- leak
def leak_key(name, paper, nerr):
    r = R("leakkey", name, paper["code"])
    return helper_key(r, paper, len(paper["qs"]) - nerr)


def sim_leak(S, r, mode, key):
    paper = PAPERS[S["paper"]]
    S["notes"]["mode"] = mode
    order = display_order(S, paper)
    n = len(order)
    theta = r.gauss(0.4, 0.6)
    speed = r.uniform(0.8, 1.4)
    know = {q["id"]: r.random() < p_know(theta, q["ease"]) for q in order}
    frac = r.uniform(0.38, 1.0)
    unknown = [q for q in order if not know[q["id"]]]
    L = set(q["id"] for q in unknown)
    extra = [q for q in order if know[q["id"]]]
    r.shuffle(extra)
    while len(L) < frac * n and extra:
        L.add(extra.pop()["id"])
    own = lambda q: q["key"] if know[q["id"]] else guess(r, q)
    t = S["t0"] + r.uniform(20, 120)
    S["fidget"].append((S["t0"], S["deadline"], r.uniform(0.05, 0.4), 3))
    if mode in ("shared_key", "watch"):
        for q in order:
            if q["id"] in L:
                dt = r.uniform(3, 7) if mode == "shared_key" else r.uniform(8, 22)
                if mode == "shared_key" and r.random() < 0.05:
                    dt += r.uniform(20, 90)  # waits for invigilator to look away
                t += dt
                add_answer(S, t, q, key[q["id"]])
            else:
                t += qtime(r, q, speed, know[q["id"]])
                add_answer(S, t, q, own(q))
            human_click(S, r, t, "mouse")
        finish(S, r, t + r.uniform(30, 400), None, "mouse")
    elif mode == "earpiece":
        relay_t = S["t0"] + r.uniform(120, 400)
        for q in order:
            if q["id"] in L:
                relay_t += r.uniform(5, 11)
                if r.random() < 0.03:
                    relay_t += r.uniform(40, 180)  # relay loses signal
                t = max(t + r.uniform(1.2, 3), relay_t + r.uniform(1.5, 5))
                add_answer(S, t, q, key[q["id"]])
            else:
                t += qtime(r, q, speed, know[q["id"]])
                relay_t = max(relay_t, t - 3)
                add_answer(S, t, q, own(q))
            human_click(S, r, t, "mouse")
        finish(S, r, t + r.uniform(30, 300), None, "mouse")
    else:  # phone_break: answers what they know, 'toilet break', comes back and fills/changes
        for q in order:
            t += qtime(r, q, speed, know[q["id"]])
            if q["id"] in L and (not know[q["id"]]) and r.random() < 0.6:
                S["act"].append((t, 0, r.randint(3, 15)))
                continue  # skip
            add_answer(S, t, q, own(q))
            human_click(S, r, t, "mouse")
        away0 = t + r.uniform(10, 60)
        away1 = away0 + r.uniform(240, 600)
        S["fidget"] = [(S["t0"], away0, S["fidget"][0][2], 3), (away1, S["deadline"], 0.3, 3)]
        t = away1 + r.uniform(5, 30)
        for q in order:
            if q["id"] in L:
                t += r.uniform(2.5, 6)
                add_answer(S, t, q, key[q["id"]])
                human_click(S, r, t, "mouse")
        finish(S, r, t + r.uniform(20, 120), None, "mouse")
    S["notes"]["leak_n"] = len(L)


# --------------------------------------------------------------------------- emission
def fmt_time(S, t):
    sk = S["skew"][0][1]
    for ts, v in S["skew"]:
        if t >= ts:
            sk = v
    tt = t + sk
    style = VENDORS[S["vendor"]]["ts"]
    if S.get("badclock"):
        d = datetime.datetime.fromtimestamp(tt, TZ8)
        return d.strftime("%Y-%m-%dT%H:%M:%SZ")  # local wall clock mislabelled as UTC
    if style == "utc_ms":
        d = datetime.datetime.fromtimestamp(tt, UTC)
        return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)
    if style == "utc_s":
        return datetime.datetime.fromtimestamp(tt, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    d = datetime.datetime.fromtimestamp(tt, TZ8)
    if style == "local_us":
        return d.strftime("%Y-%m-%dT%H:%M:%S.%f") + "+08:00"
    return d.strftime("%Y-%m-%dT%H:%M:%S") + "+08:00"


def new_id(ctx, S):
    v = S["vendor"]
    r = ctx.idr
    if v == "A":
        return "%s-%s-4%s-%s%s-%s" % (hexid(r, 8), hexid(r, 4), hexid(r, 3), r.choice("89ab"), hexid(r, 3), hexid(r, 12))
    if v == "B":
        k = S["terminal"]
        ctx.seq[k] = ctx.seq.get(k, 0) + 1
        return "%s-%07d" % (k, ctx.seq[k])
    if v == "C":
        ctx.intid += ctx.idr.randint(1, 3)
        return ctx.intid
    return hexid(r, 16)


def proc_obj(S, p, r):
    v = S["vendor"]
    name, path, signer = p
    if v == "A":
        return dict(name=name, path=path, signer=signer)
    if v == "B":
        o = dict(name=name, path=path if r.random() < 0.97 else None)
        o["signer"] = signer if signer else ""
        return o
    if v == "C":
        return dict(name=name, path=path, signer=None)
    o = dict(name=name, path=path)
    if signer:
        o["signer"] = signer
    return o


def conn_obj(S, c):
    v = S["vendor"]
    if v == "B":
        return dict(remote=c["remote"], port=c["port"])
    if v == "D":
        return dict(remote=c["remote"], port=c["port"], process=c["process"])
    return dict(remote=c["remote"], port=c["port"], process=c["process"])


def dev_obj(S, action, d):
    v = S["vendor"]
    o = dict(action=action, **{"class": d["cls"]}, name=d["name"])
    vid, pid = fmt_vidpid(d["vid"], v), fmt_vidpid(d["pid"], v)
    if v == "B" and vid is None:
        return o
    o["vid"], o["pid"] = vid, pid
    return o


def disp_obj(S, d):
    n, mir, res = d
    v = S["vendor"]
    o = dict(displays=n, mirrored=mir)
    if v == "B":
        if n <= 1:
            o["mirrored"] = None
        return o
    if res is not None:
        o["resolution"] = res + ("@60Hz" if v == "D" else "")
    else:
        o["resolution"] = None
    return o


def emit_session(ctx, S, out):
    r = R("emit", S["sid"])
    V = VENDORS[S["vendor"]]
    ev = []  # (true_time, obj)
    sess = S["sid"]
    qconv = (lambda x: str(x)) if V["qstr"] else (lambda x: x)

    def E(t, kind, **f):
        o = dict(v=1, id=new_id(ctx, S), at=fmt_time(S, t), kind=kind, session=sess)
        o.update(f)
        ev.append((t, o))
        return o

    end = S["t_end"] if S["t_end"] else S["deadline"]
    starts = [S["t0"]] + S["restarts"]
    present_at = {}
    for i, ts in enumerate(starts):
        term = S["terminal"]
        E(ts, "session_start", candidate=S["cand"], exam=PAPERS[S["paper"]]["exam"], centre=CENTRES[S["centre"]]["code"],
          room=CENTRES[S["centre"]]["rooms"][S["room"]]["name"], seat=S["seat"], terminal=term)
        # device inventory at start (current state)
        cur = list(S["devices"])
        for (t, a, d) in sorted(S["dev_events"], key=lambda x: x[0]):
            if t < ts:
                if a == "attached":
                    cur.append(d)
                elif a == "removed" and d in cur:
                    cur.remove(d)
        for j, d in enumerate(cur):
            E(ts + 0.4 + 0.05 * j, "device", **dev_obj(S, "present", d))
        dcur = S["disp"][0][1]
        for (t, d) in S["disp"]:
            if t <= ts:
                dcur = d
        E(ts + 0.3, "display", **disp_obj(S, dcur))
    for (t, a, d) in S["dev_events"]:
        if S["t0"] <= t <= end + 30:
            E(t, "device", **dev_obj(S, a, d))
    for (t, d) in S["disp"][1:]:
        if S["t0"] < t <= end:
            E(t, "display", **disp_obj(S, d))
    # processes and connections
    base = base_procs(S, r)
    bconn = base_conns(S)
    t = S["t0"] + r.uniform(1, 8)
    while t < end:
        ps = list(base)
        for (a, b, p) in S["xproc"]:
            if a <= t <= b:
                ps.append(p)
        if V["os"] != "uos" and r.random() < 0.25:
            ps.append(r.choice(WIN_TRANSIENT[:7]))
        if V["os"] == "uos" and r.random() < 0.05:
            ps.append(UOS_TRANSIENT[2])
        E(t, "processes", processes=[proc_obj(S, p, r) for p in ps])
        t += V["piv"] * r.uniform(0.97, 1.03)
    t = S["t0"] + r.uniform(2, 10)
    while t < end:
        cs = list(bconn)
        for (a, b, c) in S["xconn"]:
            if a <= t <= b:
                cs.append(c)
        if V["os"] != "uos" and r.random() < 0.1:
            cs.append(dict(remote="wsus.%s.example" % S["centre"].lower(), port=8530, process="svchost.exe"))
        E(t, "connections", connections=[conn_obj(S, c) for c in cs])
        t += V["civ"] * r.uniform(0.97, 1.03)
    # input bins
    iv = V["iv"]
    nb = int(math.ceil((end - S["t0"]) / iv))
    keys = [0] * (nb + 1)
    ptr = [0] * (nb + 1)
    for (t, k, p) in S["act"]:
        if S["t0"] <= t < end:
            i = int((t - S["t0"]) // iv)
            keys[i] += k
            ptr[i] += p
    fr = R("fidget", S["sid"])
    for (a, b, rate, size) in S["fidget"]:
        x = max(a, S["t0"])
        while x < min(b, end):
            if fr.random() < rate:
                i = int((x - S["t0"]) // iv)
                ptr[i] += poisson(fr, size) + 1
            x += 5
    for i in range(nb):
        tb = S["t0"] + (i + 1) * iv
        if tb > end:
            tb = end
        if keys[i] == 0 and ptr[i] == 0 and not V["zeros"]:
            continue
        E(tb, "input", interval_ms=int(round((tb - (S["t0"] + i * iv)) * 1000)), keys=keys[i], pointer=ptr[i])
    # answers
    ans_objs = []
    for (t, q, c) in S["answers"]:
        o = E(t, "answer", question=qconv(q), choice=c)
        ans_objs.append((t, o))
    if S["t_end"] and not S["no_end"]:
        E(S["t_end"], "session_end")
    # upload ordering, resends
    res = []
    for (t, o) in ev:
        up = t + (math.ceil(t / V["batch"]) * V["batch"] - t if V["batch"] else 0) + r.uniform(0, 2.5)
        res.append((up, o))
        if r.random() < V["resend"]:
            res.append((up + r.uniform(5, 900), o))
    if S["restarts"] and S["resend_answers"]:
        tr = S["restarts"][0] + 5
        rs = set(a[0] for a in S["resend_answers"])
        for (t, o) in ans_objs:
            if t in rs:
                res.append((tr + r.uniform(0, 3), o))
    out.extend(res)


# --------------------------------------------------------------------------- main
def main():
    global SEED
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", default="1414")
    ap.add_argument("--candidates", type=int, default=400)
    ap.add_argument("--out", default="set-n")
    a = ap.parse_args()
    SEED = str(a.seed)
    # papers depend on the seed too
    global PAPERS
    PAPERS = {d[0]: build_paper(*d) for d in PAPER_DEFS}
    if a.candidates != 400:
        raise SystemExit("this generator is laid out for exactly 400 sessions")
    ctx = Ctx()
    master = R("master")
    # slots
    slots = []
    for si, sl in enumerate(SITTINGS):
        rm = CENTRES[sl[0]]["rooms"][sl[1]]
        sr = R("seats", si)
        seats = sorted(sr.sample(range(1, rm["seats"] + 1), sl[5]))
        for s in seats:
            slots.append(dict(sl=sl, seat=s, kind=None, role=None))

    def pick(pred, n, kind, role):
        cand = [x for x in slots if x["kind"] is None and pred(x["sl"])]
        got = master.sample(cand, n)
        for g in got:
            g["kind"], g["role"] = kind, role
        return got

    groups = []
    # operator groups (20 sessions)
    groups.append(("remote_roundrobin", pick(lambda s: s[0] == "C1" and s[2] == "2026-11-10" and s[3] == "AM", 4, "operator", "g1")))
    g4 = pick(lambda s: s[0] == "C2" and s[2] == "2026-11-12", 2, "operator", "g4") + \
        pick(lambda s: s[0] == "C4" and s[1] == "R1" and s[3] == "AM", 2, "operator", "g4")
    groups.append(("sequential", g4))
    groups.append(("ipkvm", pick(lambda s: s[0] == "C3" and s[1] == "R2" and s[3] == "AM", 3, "operator", "g3")))
    g2 = []
    for pr in [lambda s: s[0] == "C1" and s[3] == "PM" and s[4] == "P1", lambda s: s[0] == "C3" and s[1] == "R2",
               lambda s: s[0] == "C2" and s[2] == "2026-11-12", lambda s: s[0] == "C4" and s[3] == "PM"]:
        g2 += pick(pr, 1, "operator", "g2")
    groups.append(("gunman", g2))
    groups.append(("careful_rustdesk", pick(lambda s: s[0] == "C5" and s[2] == "2026-11-10", 5, "operator", "g5")))
    # leak (20)
    leakA = []
    for pr, n in [(lambda s: s[0] == "C1" and s[1] == "R1" and s[3] == "AM", 2), (lambda s: s[0] == "C1" and s[1] == "R2" and s[3] == "AM", 1),
                  (lambda s: s[0] == "C2" and s[2] == "2026-11-10" and s[4] == "P1", 2), (lambda s: s[0] == "C5" and s[1] == "R1" and s[2] == "2026-11-10", 2)]:
        leakA += pick(pr, n, "leak", "keyA")
    leakB = pick(lambda s: s[0] == "C3" and s[4] == "P2", 3, "leak", "keyB") + pick(lambda s: s[0] == "C4" and s[4] == "P2", 2, "leak", "keyB")
    leakE = pick(lambda s: True, 4, "leak", "earpiece")
    leakP = pick(lambda s: True, 2, "leak", "phone_break") + pick(lambda s: True, 2, "leak", "watch")
    pick(lambda s: True, 20, "software", "sw")
    pick(lambda s: s[0] != "C3" or True, 20, "hardware", "hw")
    for x in slots:
        if x["kind"] is None:
            x["kind"], x["role"] = "honest", "h"
    # build sessions
    sessions = []
    byslot = {}
    for x in slots:
        S = new_session(ctx, x["sl"], x["seat"], x["kind"])
        S["role"] = x["role"]
        byslot[id(x)] = S
        sessions.append(S)
    for S in sessions:
        r = R("sim", S["sid"])
        if S["kind"] == "honest":
            sim_honest(S, r)
        elif S["kind"] == "software":
            sim_software(S, r)
        elif S["kind"] == "hardware":
            sim_hardware(S, r)
        elif S["kind"] == "leak":
            role = S["role"]
            p = PAPERS[S["paper"]]
            if role == "keyA":
                k = leak_key("A", p, 7)
                sim_leak(S, r, "shared_key", k)
            elif role == "keyB":
                k = leak_key("B", p, 4)
                sim_leak(S, r, "shared_key", k)
            elif role == "earpiece":
                sim_leak(S, r, "earpiece", leak_key("E", p, 3))
            elif role == "phone_break":
                sim_leak(S, r, "phone_break", leak_key("PH", p, 5))
            else:
                sim_leak(S, r, "watch", leak_key("W", p, 2))
    for means, g in groups:
        sim_operator_group([byslot[id(x)] for x in g], R("group", means), means)
    for S in sessions:
        S["answers"].sort(key=lambda a: a[0])
        benign_noise(S, R("noise", S["sid"]))
    # emit
    out = []
    t_first = min(S["t0"] for S in sessions)
    for code in sorted(PAPERS):
        p = PAPERS[code]
        o = dict(v=1, id="exam-%s-push" % p["exam"],
                 at=datetime.datetime.fromtimestamp(t_first - 86400 + 3600 * int(code[1]), TZ8).strftime("%Y-%m-%dT%H:%M:%S+08:00"),
                 kind="exam", exam=p["exam"],
                 questions=[dict(id=q["id"], key=q["key"], options=q["opt"]) for q in p["qs"]],
                 pass_mark=p["pass_mark"], minutes=p["minutes"])
        out.append((t_first - 86400 + int(code[1]), o))
        if code == "P3":
            out.append((t_first - 3600, o))  # the centre pushed P3 again
    for S in sessions:
        emit_session(ctx, S, out)
    out.sort(key=lambda x: x[0])
    seen = {}
    for _, o in out:
        k = json.dumps(o["id"])
        s = json.dumps(o, ensure_ascii=False, sort_keys=False)
        if k in seen:
            assert seen[k] == s, "id collision"
        seen[k] = s
    os.makedirs(a.out, exist_ok=True)
    raw = "".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n" for _, o in out).encode("utf-8")
    with open(os.path.join(a.out, "events.jsonl.gz"), "wb") as f:
        with gzip.GzipFile(filename="events.jsonl", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            g.write(raw)
    truth = [dict(session=str(S["sid"]), kind=S["kind"]) for S in sessions]
    R("truth-shuffle").shuffle(truth)
    with open(os.path.join(a.out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for t in truth:
            f.write(json.dumps(t) + "\n")


if __name__ == "__main__":
    main()
