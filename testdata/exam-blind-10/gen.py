#!/usr/bin/env python3
"""Independent synthetic telemetry generator for cheating detection in Chinese
work-safety certificate (特种作业操作证) computer-based theory exams.

Written blind (never saw any detector or other data set).  Standard library only,
deterministic: every random stream is seeded with a string (random.Random(str)
hashes strings with SHA-512, so output does not depend on PYTHONHASHSEED).

    python3 gen.py --seed 1111 --candidates 400 --out set-k
"""
import argparse
import gzip
import json
import math
import os
import random
from datetime import datetime, timedelta, timezone

TZ8 = timezone(timedelta(hours=8))


def R(*parts):
    return random.Random("\x1f".join(str(p) for p in parts))


def pois(r, lam):
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, int(round(r.gauss(lam, math.sqrt(lam)))))
    L = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= r.random()
        if p <= L:
            return k
        k += 1


def ln(r, mean, sigma):
    return r.lognormvariate(math.log(max(mean, 0.01)), sigma)


def fmt(ts, utc=False):
    ms = int(round(ts * 1000))
    s, m = divmod(ms, 1000)
    if utc:
        d = datetime.fromtimestamp(s, timezone.utc)
        return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % m
    d = datetime.fromtimestamp(s, TZ8)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%03d+08:00" % m


def ts_of(y, mo, d, h, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=TZ8).timestamp()


# ----------------------------------------------------------------------------
# Papers and question banks
# ----------------------------------------------------------------------------
CERTS = ["ELEC", "WELD", "HIGH", "REFR"]
# paper, certificate, minutes, option style
PAPERS = [("ELEC-A", "ELEC", 90, "int"), ("ELEC-B", "ELEC", 120, "lab"),
          ("WELD-A", "WELD", 100, "cn"), ("HIGH-A", "HIGH", 90, "int"),
          ("REFR-A", "REFR", 120, "lab")]
SLOT_PAPERS = ["ELEC-A", "WELD-A", "ELEC-B", "HIGH-A", "REFR-A", "ELEC-B", "WELD-A", "ELEC-A"]
SLOT_TIMES = [(2026, 11, 16, 9), (2026, 11, 16, 14), (2026, 11, 17, 9), (2026, 11, 17, 14),
              (2026, 11, 18, 9), (2026, 11, 18, 14), (2026, 11, 19, 9), (2026, 11, 19, 14)]


def build_banks(S):
    banks = {}
    for c in CERTS:
        r = R(S, "bank", c)
        qs = []
        for i in range(240):
            key = r.randrange(2)
            qs.append(dict(id="%s-J%04d" % (c, i + 1), sc=False, n=2, key=key,
                           diff=r.gauss(-0.9, 1.05), pop=1 - key))
        for i in range(90):
            key = r.randrange(4)
            pop = r.choice([x for x in range(4) if x != key])
            qs.append(dict(id="%s-S%04d" % (c, i + 1), sc=True, n=4, key=key,
                           diff=r.gauss(-0.5, 1.05), pop=pop))
        banks[c] = qs
    return banks


def build_papers(S, banks):
    papers = {}
    for name, cert, minutes, style in PAPERS:
        r = R(S, "paper", name)
        b = banks[cert]
        tf = r.sample([q for q in b if not q["sc"]], 70)
        sc = r.sample([q for q in b if q["sc"]], 30)
        papers[name] = dict(name=name, exam="EX26-" + name, cert=cert, minutes=minutes,
                            style=style, qs=tf + sc)
    return papers


def labels(style, q):
    if style == "cn" and not q["sc"]:
        return ["对", "错"]
    return list("ABCD"[:q["n"]])


# ----------------------------------------------------------------------------
# Centres, rooms, kit
# ----------------------------------------------------------------------------
SYS = r"C:\Windows\System32" + "\\"
MSW = "Microsoft Windows"
BASE_PROCS = [("System", "", MSW), ("Registry", "", MSW), ("smss.exe", SYS + "smss.exe", MSW),
              ("csrss.exe", SYS + "csrss.exe", MSW), ("wininit.exe", SYS + "wininit.exe", MSW),
              ("winlogon.exe", SYS + "winlogon.exe", MSW), ("services.exe", SYS + "services.exe", MSW),
              ("lsass.exe", SYS + "lsass.exe", MSW), ("svchost.exe", SYS + "svchost.exe", MSW),
              ("svchost.exe", SYS + "svchost.exe", MSW), ("svchost.exe", SYS + "svchost.exe", MSW),
              ("dwm.exe", SYS + "dwm.exe", MSW), ("explorer.exe", r"C:\Windows\explorer.exe", MSW),
              ("ctfmon.exe", SYS + "ctfmon.exe", MSW), ("sihost.exe", SYS + "sihost.exe", MSW),
              ("taskhostw.exe", SYS + "taskhostw.exe", MSW), ("spoolsv.exe", SYS + "spoolsv.exe", MSW),
              ("RuntimeBroker.exe", SYS + "RuntimeBroker.exe", MSW)]
DEFENDER = [("MsMpEng.exe", r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe",
             "Microsoft Corporation")]
Q360 = [("360tray.exe", r"C:\Program Files (x86)\360\360Safe\safemon\360tray.exe", "Beijing Qihu Technology Co., Ltd."),
        ("ZhuDongFangYu.exe", r"C:\Program Files (x86)\360\360Safe\deepscan\ZhuDongFangYu.exe",
         "Beijing Qihu Technology Co., Ltd.")]
HUORONG = [("HipsTray.exe", r"C:\Program Files\Huorong\Sysdiag\bin\HipsTray.exe", "Beijing Huorong Network Technology Co., Ltd."),
           ("HipsDaemon.exe", r"C:\Program Files\Huorong\Sysdiag\bin\HipsDaemon.exe", "Beijing Huorong Network Technology Co., Ltd.")]
KS_DIR = r"C:\Program Files (x86)\HenganExam\KSClient" + "\\"
NX_DIR = r"C:\Program Files (x86)\NetExam" + "\\"
KS = [("KSClient.exe", KS_DIR + "KSClient.exe", "Hengan Exam Technology Co., Ltd."),
      ("KSGuard.exe", KS_DIR + "KSGuard.exe", "Hengan Exam Technology Co., Ltd.")]
NX = [("NetExam.exe", NX_DIR + "NetExam.exe", "Zhixin Testing Systems Co., Ltd."),
      ("NXLock.exe", NX_DIR + "NXLock.exe", "Zhixin Testing Systems Co., Ltd."),
      ("CefSharp.BrowserSubprocess.exe", NX_DIR + "CefSharp.BrowserSubprocess.exe", None)]
RADMIN = ("rserver3.exe", r"C:\Windows\SysWOW64\rserver30\rserver3.exe", "Famatech Corp.")
MYTHWARE = ("StudentMain.exe", r"C:\Program Files (x86)\Mythware\极域电子教室软件 v6.0 2016 豪华版\StudentMain.exe",
            "Shanghai Mythware Information Technology Co., Ltd.")
SOGOU = ("SogouCloud.exe", r"C:\Program Files (x86)\SogouInput\14.6.0.9876\SogouCloud.exe", "Beijing Sogou Technology Development Co., Ltd.")

KB_DELL = ("hid", "Dell KB216 Wired Keyboard", "413c", "2113")
MS_DELL = ("hid", "Dell MS116 USB Optical Mouse", "413c", "301a")
CAM = ("other", "HD Web Camera", "0c45", "6366")
IDR = ("other", "IDR210 ID Card Reader", "0400", "c35a")
UNIFY = ("hid", "Logitech USB Receiver", "046d", "c52b")
KB_LEN = ("hid", "Lenovo Traditional USB Keyboard", "17ef", "6099")
MS_LEN = ("hid", "Lenovo USB Optical Mouse", "17ef", "608d")
KB_HP = ("hid", "HP USB Keyboard", "03f0", "0024")
MS_HP = ("hid", "HP USB Optical Mouse", "03f0", "0b4a")
ATEN_EXT = ("hid", "ATEN CE610A KVM Extender", "0557", "2213")
TOUCHPAD = ("hid", "ELAN Touchpad", "04f3", "3140")
LAPKB = ("hid", "Integrated Keyboard", "048d", "c936")
PIXART = ("hid", "USB Optical Mouse", "093a", "2510")
LAPCAM = ("other", "Integrated Camera", "13d3", "56fb")
HUB = ("other", "Generic USB Hub", "05e3", "0610")
GENKB = ("hid", "USB Keyboard", "1c4f", "0002")

CENTRES = {
    "C01": dict(rooms={"R1": 32, "R2": 30, "R3": 28}, interval=30000, client=KS, av=Q360,
                server=("ks.c01-exam.example", 443), lan="10.1.", res="1920x1080",
                kit=[KB_DELL, MS_DELL, CAM, IDR], every=600),
    "C02": dict(rooms={"R1": 30, "R2": 36}, interval=15000, client=NX, av=HUORONG,
                server=("192.168.20.10", 8443), lan="192.168.20.", res="1600x900",
                kit=[UNIFY, UNIFY, UNIFY, CAM], every=600),
    "C03": dict(rooms={"R1": 24, "R2": 26}, interval=60000, client=NX, av=DEFENDER,
                server=("10.3.0.10", 8080), lan="10.3.", res="1366x768",
                kit=[KB_LEN, KB_LEN, MS_LEN, CAM, HUB], every=300),
    "C04": dict(rooms={"R1": 30, "R2": 30, "R3": 20}, interval=30000, client=KS, av=Q360,
                server=("exam.c04-safety.example", 443), lan="172.16.4.", res="1920x1080",
                kit=[KB_HP, MS_HP, CAM, IDR], every=600),
    "C05": dict(rooms={"R1": 26}, interval=20000, client=NX, av=DEFENDER,
                server=("nx.c05-train.example", 443), lan="192.168.50.", res="1366x768",
                kit=[LAPKB, TOUCHPAD, PIXART, LAPCAM], every=900),
}

# ----------------------------------------------------------------------------
# Cheating profiles
# ----------------------------------------------------------------------------
SOFT = [
    dict(tag="todesk", mode="takeover", when="pre",
         procs=[("ToDesk.exe", r"C:\Program Files\ToDesk\ToDesk.exe", "Hainan Youqu Technology Co., Ltd."),
                ("ToDesk_Service.exe", r"C:\Program Files\ToDesk\ToDesk_Service.exe", "Hainan Youqu Technology Co., Ltd.")],
         conns=[("relay-sh-12.todesk-net.example", 443, "ToDesk.exe")]),
    dict(tag="sunlogin-renamed", mode="fill", when="pre", jiggle=True,
         procs=[("igfxEMsvc.exe", r"C:\ProgramData\Intel\GFX\igfxEMsvc.exe", "Shanghai Beiyou Information Technology Co., Ltd.")],
         conns=[("p2p-cn-07.sl-relay.example", 443, "igfxEMsvc.exe")]),
    dict(tag="anydesk-portable", mode="takeover", when="mid",
         procs=[("AnyDesk.exe", r"C:\Users\ks\Downloads\AnyDesk.exe", "philandro Software GmbH")],
         conns=[("203.0.113.45", 443, "AnyDesk.exe")]),
    dict(tag="rustdesk-hidden", mode="viewonly", when="pre",
         procs=[("WinSvcHelper.exe", r"C:\Windows\Temp\WinSvcHelper.exe", None)],
         conns=[("198.51.100.23", 21116, "WinSvcHelper.exe"), ("198.51.100.23", 21117, "WinSvcHelper.exe")]),
    dict(tag="vnc-reverse", mode="takeover", when="pre", jiggle=True,
         procs=[("svchost.exe", r"C:\Users\Public\Libraries\svchost.exe", None)],
         conns=[("192.0.2.88", 5500, "svchost.exe")]),
    dict(tag="frp-rdp-shadow", mode="fill", when="pre",
         procs=[("conhost.exe", r"C:\ProgramData\Microsoft\Crypto\conhost.exe", None),
                ("rdpclip.exe", SYS + "rdpclip.exe", MSW)],
         conns=[("203.0.113.9", 7000, "conhost.exe"), ("127.0.0.1", 3389, "conhost.exe")]),
    dict(tag="teamviewer-as-updater", mode="takeover", when="pre",
         procs=[("KSUpdate.exe", KS_DIR + "KSUpdate.exe", "TeamViewer Germany GmbH")],
         conns=[("router14.tv-net.example", 5938, "KSUpdate.exe")]),
    dict(tag="chrome-remote-desktop", mode="burst", when="mid",
         procs=[("remoting_host.exe", r"C:\Program Files (x86)\Google\Chrome Remote Desktop\128.0.6613.18\remoting_host.exe", "Google LLC")],
         conns=[("turn-relay-3.crd.example", 443, "remoting_host.exe")]),
    dict(tag="trojan-brief", mode="burst", when="brief", jiggle=True,
         procs=[("msedgewebview3.exe", r"C:\Users\ks\AppData\Local\Temp\msedgewebview3.exe", None)],
         conns=[("img-cdn-07.example", 8443, "msedgewebview3.exe")]),
    dict(tag="radmin-external", mode="takeover", when="pre", jiggle=True, centre="C03",
         procs=[], conns=[("198.51.100.200", 4899, "rserver3.exe")]),
    dict(tag="sunlogin-viewonly", mode="viewonly", when="pre",
         procs=[("SunloginClient.exe", r"C:\Program Files\Oray\SunLogin\SunloginClient\SunloginClient.exe",
                 "Shanghai Beiyou Information Technology Co., Ltd.")],
         conns=[("sl-relay-02.oray-p2p.example", 443, "SunloginClient.exe")]),
    dict(tag="rtmp-screen-stream", mode="viewonly", when="pre",
         procs=[("dwmhelper.exe", r"C:\Windows\SysWOW64\dwmhelper.exe", None)],
         conns=[("203.0.113.120", 1935, "dwmhelper.exe")]),
    dict(tag="uu-remote-in-client-dir", mode="fill", when="pre", jiggle=True,
         procs=[("NXHelper.exe", NX_DIR + "NXHelper.exe", "Hangzhou Yunjing Network Technology Co., Ltd.")],
         conns=[("edge-22.yj-remote.example", 443, "NXHelper.exe")]),
]

HARD = [
    dict(tag="ch9329-keyboard-injector", actor="hidk", mode="takeover",
         dev=[("attached", ("hid", "USB HID", "1a86", "e129"))], disp=(2, True, None)),
    dict(tag="arduino-leonardo", actor="hidk", mode="fill",
         dev=[("present", ("hid", "Arduino Leonardo", "2341", "8036"))], disp=None),
    dict(tag="cloned-keyboard-descriptor", actor="hidk", mode="fill", careful=True,
         dev=[("present", "CLONEKB")], disp=None),
    dict(tag="pikvm", actor="kvmh", mode="takeover",
         dev=[("present", ("hid", "Composite KVM Device", "1d6b", "0104")),
              ("present", ("storage", "PiKVM MSD", "1d6b", "0104"))], disp=(2, True, "1920x1080")),
    dict(tag="nanokvm", actor="hida", mode="takeover",
         dev=[("present", ("hid", "NanoKVM HID", "3346", "1009"))], disp=(1, False, "1920x1080")),
    dict(tag="kvm-switch", actor="kvmh", mode="fill",
         dev=[("attached", ("hid", "ATEN CS1922 KVM Switch", "0557", "2405"))], disp=(2, True, None)),
    dict(tag="hdmi-splitter-relay", actor="local", mode="viewonly",
         dev=[], disp=(2, True, "1920x1080")),
    dict(tag="hdmi-edid-splitter-stealth", actor="local", mode="viewonly", careful=True,
         dev=[], disp=(1, False, "1920x1080")),
    dict(tag="displaylink-capture", actor="local", mode="viewonly",
         dev=[("attached", ("other", "USB3.0 Display Adapter", "17e9", "4307"))], disp=(2, True, None)),
    dict(tag="wireless-hdmi-caster", actor="local", mode="viewonly",
         dev=[("attached", ("other", "Wireless Display Transmitter", "345f", "2131"))], disp=(2, True, "1280x720")),
    dict(tag="bluetooth-keyboard", actor="hidk", mode="fill",
         dev=[("attached", ("other", "Bluetooth Radio", "0a12", "0001")),
              ("attached", ("hid", "Bluetooth HID Keyboard", "05ac", "0256"))], disp=None),
    dict(tag="km-link-cable", actor="kvmh", mode="takeover",
         dev=[("attached", ("other", "USB KM Link Bridge", "067b", "2501")),
              ("attached", ("hid", "USB KM Link Mouse", "067b", "2502"))], disp=None),
    dict(tag="ch9329-abs-mouse-careful", actor="hida", mode="fill", careful=True,
         dev=[("present", ("hid", "USB Input Device", "1a86", "e129"))], disp=None),
]


# ----------------------------------------------------------------------------
# Brains (per-question knowledge, deterministic per brain id)
# ----------------------------------------------------------------------------
def brain_answer(S, bid, ability, q, misc=None):
    r = R(S, "brain", bid, q["id"])
    if misc and q["id"] in misc and r.random() < 0.75:
        return misc[q["id"]], True
    if ability >= 99:
        return q["key"], True
    pk = 1.0 / (1.0 + math.exp(-1.7 * (ability - q["diff"])))
    if r.random() < pk:
        return q["key"], r.random() < 0.92
    u = r.random()
    if u < 0.25:  # confidently wrong (misconception)
        return q["pop"], True
    g = 0.5 if not q["sc"] else 0.3
    if r.random() < g:
        return q["key"], False
    if r.random() < 0.6:
        return q["pop"], False
    return r.choice([x for x in range(q["n"]) if x != q["key"]]), False


# ----------------------------------------------------------------------------
# Answer timelines
# ----------------------------------------------------------------------------
def local_pass(r, order, ans, t0, speed, sc_of, skip_p=0.08, review_p=0.5, misclick=0.02,
               only=None, actor="local"):
    """A human answering on the terminal. ans[pos] = (choice, confident)."""
    acts, nav = [], []
    t = t0
    skipped = []
    for pos in order:
        if only is not None and pos not in only:
            continue
        c, conf = ans[pos]
        dt = ln(r, speed * (1.7 if sc_of[pos] else 1.0) * (1.0 if conf else 1.5), 0.5)
        if not conf and r.random() < skip_p:
            t += dt * 0.4
            nav.append(t)
            skipped.append(pos)
            continue
        t += dt
        if r.random() < misclick:
            wrong = r.choice([x for x in range(4 if sc_of[pos] else 2) if x != c])
            acts.append([t, pos, wrong, actor])
            t += r.uniform(0.8, 3.5)
        acts.append([t, pos, c, actor])
    for pos in skipped:
        t += ln(r, speed * 1.6, 0.5)
        acts.append([t, pos, ans[pos][0], actor])
    if r.random() < review_p:
        done = [a[1] for a in acts]
        for pos in r.sample(done, min(len(done), r.randint(4, 22))):
            t += ln(r, 5, 0.5)
            nav.append(t)
            if r.random() < 0.12:
                c = ans[pos][0]
                alt = r.choice([x for x in range(4 if sc_of[pos] else 2) if x != c])
                acts.append([t, pos, alt, actor])
    return acts, nav, t


def remote_pass(r, positions, choice_of, t0, pace, actor, jitter=0.4, pauses=True):
    acts = []
    t = t0
    for pos in positions:
        t += ln(r, pace, jitter)
        if pauses and r.random() < 0.04:
            t += r.uniform(20, 120)
        acts.append([t, pos, choice_of(pos), actor])
    return acts, t


# ----------------------------------------------------------------------------
# Main generator
# ----------------------------------------------------------------------------
def generate(seed, n_cand, out):
    S = "exam-blind-10|%s" % seed
    banks = build_banks(S)
    papers = build_papers(S, banks)
    rg = R(S, "global")

    # --- room sittings per slot ---
    sittings = []  # dict(slot, centre, room, seats_free)
    for si, (y, mo, d, h) in enumerate(SLOT_TIMES):
        rs = R(S, "slot", si)
        for c in sorted(CENTRES):
            rooms = sorted(CENTRES[c]["rooms"])
            used = [rm for rm in rooms if rs.random() < 0.55]
            if not used:
                used = [rs.choice(rooms)]
            for rm in used:
                seats = list(range(1, CENTRES[c]["rooms"][rm] + 1))
                rs.shuffle(seats)
                sittings.append(dict(slot=si, centre=c, room=rm, free=seats, t0=ts_of(y, mo, d, h),
                                     paper=SLOT_PAPERS[si]))

    def sit_of(slot, centre=None, room=None, exclude=()):
        c = [s for s in sittings if s["slot"] == slot and (centre is None or s["centre"] == centre)
             and (room is None or s["room"] == room) and s["free"] and (s["centre"], s["room"]) not in exclude]
        return c

    sessions = []

    def new_session(kind, sit, **kw):
        seat = sit["free"].pop()
        i = len(sessions)
        rr = R(S, "sid", i)
        sid = "s" + "".join(rr.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(9))
        cs = "".join(rr.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(6))
        cand = {"C01": "KS26-%s" % cs, "C02": "nx-%s" % cs.lower(), "C03": "C03%s" % cs,
                "C04": "KS26-%s" % cs, "C05": "T5-%s" % cs}[sit["centre"]]
        s = dict(sid=sid, cand=cand, kind=kind, sit=sit, seat=seat, centre=sit["centre"], room=sit["room"],
                 slot=sit["slot"], paper=papers[sit["paper"]],
                 term="%s-%s-T%02d" % (sit["centre"], sit["room"], seat), **kw)
        sessions.append(s)
        return s

    # --- operator groups ---
    def multi_centre_slot(r, ncent, need_each=1, exclude_slots=()):
        cands = []
        for si in range(len(SLOT_TIMES)):
            if si in exclude_slots:
                continue
            cs = sorted({s["centre"] for s in sittings if s["slot"] == si})
            if len(cs) >= ncent:
                cands.append(si)
        return r.choice(cands)

    ro = R(S, "operators")
    used_slots = []
    # G1: Sunlogin on 4 terminals in 2 centres, one operator, interleaved
    si = multi_centre_slot(ro, 2)
    used_slots.append(si)
    cs = ro.sample(sorted({s["centre"] for s in sittings if s["slot"] == si}), 2)
    g1 = [new_session("operator", ro.choice(sit_of(si, c)), group="G1", gtag="op-sunlogin-2centres")
          for c in cs for _ in range(2)]
    # G2: IP-KVMs installed in one room, operator in the back office
    cand_sits = [s for s in sittings if len(s["free"]) >= 10 and s["centre"] in ("C04", "C01")]
    st = ro.choice(cand_sits)
    g2 = [new_session("operator", st, group="G2", gtag="op-ipkvm-room") for _ in range(4)]
    # G3: hired proxy (枪手) sits four ELEC sittings at C01 under four names
    g3 = []
    for si2 in [i for i, p in enumerate(SLOT_PAPERS) if p.startswith("ELEC")]:
        g3.append(new_session("operator", ro.choice(sit_of(si2, "C01")), group="G3", gtag="op-proxy-sequential"))
    # G4: careful RustDesk operator across 3 centres, same slot
    si = multi_centre_slot(ro, 3)
    cs = ro.sample(sorted({s["centre"] for s in sittings if s["slot"] == si}), 3)
    g4 = [new_session("operator", ro.choice(sit_of(si, c)), group="G4", gtag="op-rustdesk-careful")
          for c in cs + [cs[0]]]
    # G5: CH9329 injectors with cloned descriptors, same centre, careful
    opts = []
    for si2 in range(len(SLOT_TIMES)):
        for c in CENTRES:
            ss = sit_of(si2, c)
            if len(ss) >= 2:
                opts.append((si2, c))
    si2, c = ro.choice(opts)
    ss = sit_of(si2, c)
    g5 = [new_session("operator", ss[i % 2], group="G5", gtag="op-hid-injector-careful") for i in range(4)]

    # --- leak groups ---
    rl = R(S, "leaks")
    si = multi_centre_slot(rl, 3)
    cs = rl.sample(sorted({s["centre"] for s in sittings if s["slot"] == si}), 3)
    la = [new_session("leak", rl.choice(sit_of(si, c)), group="LA", gtag="leak-earpiece-relay")
          for c in cs for _ in range(2)]
    lb = []
    for i in range(5):
        lb.append(new_session("leak", rl.choice(sit_of(7)), group="LB", gtag="leak-photo-of-morning-answers"))
    lc = []
    for i in range(5):
        lc.append(new_session("leak", rl.choice([s for s in sittings if s["free"]]), group="LC%d" % i,
                              gtag="leak-official-key-slip"))
    ld = []
    si = rl.randrange(len(SLOT_TIMES))
    for i in range(4):
        ss = sit_of(si) if i < 2 else [s for s in sittings if s["free"]]
        ld.append(new_session("leak", rl.choice(ss), group="LD", gtag="leak-phone-chatgroup"))

    # --- software / hardware individuals ---
    rsft = R(S, "soft")
    for i in range(20):
        prof = SOFT[i % len(SOFT)]
        if prof.get("centre"):
            ss = [s for s in sittings if s["centre"] == prof["centre"] and s["free"]]
        else:
            ss = [s for s in sittings if s["free"]]
        new_session("software", rsft.choice(ss), prof=prof, gtag="sw-" + prof["tag"])
    rhw = R(S, "hard")
    for i in range(20):
        prof = HARD[i % len(HARD)]
        new_session("hardware", rhw.choice([s for s in sittings if s["free"]]), prof=prof, gtag="hw-" + prof["tag"])

    # --- honest ---
    n_honest = max(0, n_cand - len(sessions))
    rh = R(S, "honest")
    weights = []
    for i in range(n_honest):
        ss = [s for s in sittings if len(s["free"]) > 4]
        st = rh.choice(ss)
        u = rh.random()
        sub = ("normal" if u < 0.66 else "fast_able" if u < 0.76 else "slow" if u < 0.86
               else "weak_guess" if u < 0.93 else "late" if u < 0.97 else "osk" if u < 0.985 else "keyboard_only")
        new_session("honest", st, sub=sub, gtag="honest-" + sub)

    # training-school misconceptions (shared wrong answers among honest cohort)
    rm = R(S, "misc")
    misc = {}
    for c in CERTS:
        qs = rm.sample(banks[c], 12)
        misc[c] = {q["id"]: q["pop"] for q in qs}
    for s in sessions:
        s["school"] = (s["kind"] == "honest" and R(S, "school", s["sid"]).random() < 0.18)

    # ------------------------------------------------------------------
    # Simulate each session's answer timeline (actions) and behaviour
    # ------------------------------------------------------------------
    for s in sessions:
        r = R(S, "sess", s["sid"])
        P = s["paper"]
        n = len(P["qs"])
        s["sc_of"] = [q["sc"] for q in P["qs"]]
        order = list(range(n))
        if s["centre"] == "C04":  # C04 shuffles within sections per terminal
            a, b = order[:70], order[70:]
            r.shuffle(a)
            r.shuffle(b)
            order = a + b
        s["order"] = order
        late = s.get("sub") == "late"
        s["start"] = s["sit"]["t0"] + (r.uniform(900, 1800) if late else r.uniform(-240, 600))
        s["tmax"] = s["start"] + P["minutes"] * 60
        s["style"] = r.choice(["mouse"] * 6 + ["mixed"] * 3 + ["keys"])
        if s.get("sub") == "keyboard_only":
            s["style"] = "keys"
        if s.get("sub") == "osk":
            s["style"] = "mouse"
        s["pm"] = r.uniform(12, 90) * (2.0 if s["centre"] == "C05" else 1.0)
        s["fid"] = r.uniform(1, 40) * (1.6 if s["centre"] == "C05" else 1.0)
        s["kfid"] = r.choice([0, 0, 0.05, 0.2, 0.6])
        s["handoff"] = []  # (a, b, pointer-rate) while candidate keeps hands off
        s["extra_local"] = []  # (t, keys, pointer)
        s["misc"] = misc[P["cert"]] if s["school"] else None
        t0 = s["start"] + r.uniform(40, 200)
        ability = r.gauss(0.45, 0.75)
        speed = max(8, r.gauss(20, 5))
        review = 0.5
        skip = 0.08
        sub = s.get("sub", "normal")
        if sub == "fast_able":
            ability, speed, review = r.gauss(1.9, 0.4), r.uniform(7, 11), 0.3
        elif sub == "slow":
            ability, speed, review = r.gauss(0.3, 0.7), r.uniform(33, 58), 0.6
        elif sub == "weak_guess":
            ability, speed, review, skip = r.gauss(-0.9, 0.5), r.uniform(6, 13), 0.05, 0.0
        elif sub == "osk":
            speed = r.uniform(30, 48)
        s["ability"] = ability
        own = [brain_answer(S, "cand:" + s["sid"], ability, q, s["misc"]) for q in P["qs"]]
        kind = s["kind"]
        acts, nav = [], []
        s["leak_pos"] = set()

        if kind == "honest":
            acts, nav, t = local_pass(r, order, own, t0, speed, s["sc_of"], skip, review)

        elif kind == "software" or kind == "hardware":
            prof = s["prof"]
            mode = prof["mode"]
            actor = "remote" if kind == "software" else prof["actor"]
            expert_id = "expert:%s:%s" % (s["gtag"], s["sid"][:3])
            exp_ab = r.uniform(0.9, 2.4)
            exp = [brain_answer(S, expert_id, exp_ab, q) for q in P["qs"]]
            careful = prof.get("careful") or prof.get("jiggle")
            # connect time
            if prof.get("when") == "mid":
                tc = s["start"] + r.uniform(300, 900)
            else:
                tc = s["start"] + r.uniform(60, 240)
            s["tconn"] = tc
            pace = r.uniform(5, 9) if not careful else r.uniform(10, 19)
            if actor == "hidk" and not careful:
                pace = r.uniform(4, 6)
            if mode == "takeover":
                if prof.get("when") == "mid":
                    a1, nav, t = local_pass(r, order, own, t0, speed, s["sc_of"], skip, 0,
                                            only=set(order[:int(n * r.uniform(0.1, 0.3))]))
                    left = [p for p in order if p not in {a[1] for a in a1}]
                    acts = a1
                    start_r = max(t, tc) + r.uniform(10, 60)
                else:
                    left = list(order)
                    start_r = max(t0, tc + r.uniform(20, 120))
                a2, t = remote_pass(r, left, lambda p: exp[p][0], start_r, pace, actor)
                acts += a2
                s["handoff"].append((start_r, t + 30, s["fid"] if careful else r.uniform(0, 1.5)))
            elif mode in ("fill", "burst"):
                conf_set = {p for p in order if own[p][1] and r.random() < 0.85}
                if mode == "burst":
                    conf_set = set(order[:int(n * r.uniform(0.35, 0.55))])
                a1, nav, t = local_pass(r, order, own, t0, speed, s["sc_of"], 0, 0, only=conf_set)
                left = [p for p in order if p not in conf_set]
                start_r = max(t + r.uniform(30, 240), tc)
                a2, t2 = remote_pass(r, left, lambda p: exp[p][0], start_r, pace, actor)
                # the helper also corrects some of the candidate's wrong answers
                fix = [p for p in conf_set if own[p][0] != exp[p][0] and r.random() < 0.7]
                a3, t3 = remote_pass(r, fix, lambda p: exp[p][0], t2, pace, actor)
                acts = a1 + a2 + a3
                s["handoff"].append((start_r, t3 + 20, s["fid"] if careful else r.uniform(0, 2)))
                if mode == "burst":
                    s["burst"] = (start_r, t3)
            else:  # viewonly: outside helper sees screen, candidate clicks what is said
                lag = r.uniform(8, 25)
                use = {p for p in order if (not own[p][1]) or r.random() < 0.6}
                ans = [exp[p] if p in use else own[p] for p in range(n)]
                ans = [(a[0], True) for a in ans]
                acts, nav, t = local_pass(r, order, ans, max(t0, tc + lag), speed * 0.8 + lag * 0.3,
                                          s["sc_of"], 0, 0.2)
            if actor == "hidk" or actor == "hida":
                s["inj_regular"] = not careful
        elif kind == "operator":
            pass  # handled per group below
        elif kind == "leak":
            pass
        s["acts"], s["nav"], s["own"] = acts, nav, own

    # --- operator groups ---
    def op_group(grp, ab, pace, chunk, switch, actor, vary=0, jiggle=False, takeover_after=0.0, tag=""):
        rr = R(S, "opgroup", tag)
        bid = "operator:" + tag
        st = {}
        for s in grp:
            P = s["paper"]
            ansop = [brain_answer(S, bid, ab, q) for q in P["qs"]]
            if vary:
                r2 = R(S, "vary", s["sid"])
                for p in r2.sample(range(len(ansop)), vary):
                    q = P["qs"][p]
                    ansop[p] = (r2.choice([x for x in range(q["n"]) if x != q["key"]]), True)
            s["opans"] = ansop
            r3 = R(S, "opsess", s["sid"])
            pre = []
            if takeover_after:
                own = s["own"]
                only = set(s["order"][:int(len(own) * takeover_after * r3.uniform(0.6, 1.2))])
                pre, nav, t = local_pass(r3, s["order"], own, s["start"] + r3.uniform(40, 150), r3.uniform(14, 24),
                                         s["sc_of"], 0.0, 0.0, only=only)
                s["acts"] += pre
                s["nav"] += nav
                ready = t + r3.uniform(20, 90)
            else:
                ready = s["start"] + r3.uniform(90, 300)
            left = [p for p in s["order"] if p not in {a[1] for a in pre}]
            if vary:
                # careful: answer in a lightly perturbed order
                for k in range(len(left) - 1):
                    if r3.random() < 0.1:
                        left[k], left[k + 1] = left[k + 1], left[k]
            st[s["sid"]] = [s, left, ready]
        t = min(v[2] for v in st.values())
        while any(v[1] for v in st.values()):
            avail = [v for v in st.values() if v[1] and v[2] <= t]
            if not avail:
                t = min(v[2] for v in st.values() if v[1])
                continue
            v = rr.choice(avail)
            s, left = v[0], v[1]
            t += rr.uniform(*switch)
            t0 = t
            for _ in range(rr.randint(*chunk)):
                if not left:
                    break
                pos = left.pop(0)
                t += ln(rr, pace * (1.5 if s["sc_of"][pos] else 1.0), 0.45)
                s["acts"].append([t, pos, s["opans"][pos][0], actor])
            s["handoff"].append((t0, t + 5, s["fid"] if jiggle else rr.uniform(0, 1.0)))
        for v in st.values():
            v[0]["handoff"].append((v[2], t, v[0]["fid"] if jiggle else 0.8))

    op_group(g1, 1.4, 5.5, (6, 15), (4, 15), "remote", tag="G1")
    op_group(g2, 1.7, 6.0, (4, 12), (6, 20), "kvmh", tag="G2")
    op_group(g4, 1.3, 8.0, (3, 9), (10, 40), "remote", vary=4, jiggle=True, takeover_after=0.35, tag="G4")
    op_group(g5, 1.2, 7.5, (3, 10), (8, 30), "hidk", vary=5, jiggle=True, takeover_after=0.25, tag="G5")
    # G3: the proxy sits each exam himself (local input, his own brain)
    for s in g3:
        r = R(S, "proxy", s["sid"])
        ans = [brain_answer(S, "proxy:G3", 2.1, q) for q in s["paper"]["qs"]]
        s["acts"], s["nav"], _ = local_pass(r, s["order"], ans, s["start"] + r.uniform(30, 80),
                                            r.uniform(8.5, 11), s["sc_of"], 0.03, 0.25)
        s["style"] = "mouse"
        s["pm"] = 34.0 + r.uniform(-3, 3)
        s["fid"] = 6.0 + r.uniform(-1, 1)
    for s in g1 + g2 + g4 + g5:
        s["prof"] = {"G1": dict(tag="sunlogin-op"), "G2": dict(tag="ipkvm-op"),
                     "G4": dict(tag="rustdesk-op"), "G5": dict(tag="hid-op")}[s["group"]]

    # --- leaks ---
    def leak_source(tag, P, ab):
        return [brain_answer(S, "leaksrc:" + tag, ab, q) for q in P["qs"]]

    def do_leak_relay(s, src, avail, use_frac, lag):
        r = R(S, "leak", s["sid"])
        own = s["own"]
        n = len(own)
        use = {p for p in s["order"] if not own[p][1]}
        extra = [p for p in s["order"] if p not in use]
        r.shuffle(extra)
        while len(use) < use_frac * n and extra:
            use.add(extra.pop())
        s["leak_pos"] = use
        mine = set(s["order"]) - use
        a1, nav, t = local_pass(r, s["order"], own, s["start"] + r.uniform(40, 150), r.uniform(14, 28),
                                s["sc_of"], 0.0, 0.0, only=mine)
        acts = a1
        # leaked ones are entered as they arrive (batches), quickly
        tl = [(max(avail[p] + lag + r.uniform(0, 40), s["start"] + 120), p) for p in use]
        tl.sort()
        tcur = 0
        for ta, p in tl:
            tcur = max(tcur + r.uniform(2.5, 6), ta)
            acts.append([tcur, p, src[p][0], "local"])
        acts.sort(key=lambda a: a[0])
        # enforce human gaps
        last = 0
        for a in acts:
            if a[0] < last + 1.2:
                a[0] = last + r.uniform(1.2, 3)
            last = a[0]
        s["acts"], s["nav"] = acts, nav

    # LA: expert in a hotel room answers the paper (seen via a cooperating insider) and reads answers by earpiece
    P = la[0]["paper"]
    srcA = leak_source("LA", P, 1.8)
    base = min(x["start"] for x in la) + 420
    rA = R(S, "LAsrc")
    avail, t = {}, base
    for p in range(len(P["qs"])):
        t += ln(rA, 11, 0.35)
        avail[p] = t + (10 - (p % 10)) * 9  # read out in batches of ten
    for s in la:
        do_leak_relay(s, srcA, avail, R(S, "uf", s["sid"]).uniform(0.45, 0.8), R(S, "lag", s["sid"]).uniform(20, 90))
    # LD: phone chat group; source answers appear in bursts every ~8 min
    P = ld[0]["paper"]
    for s in ld:
        srcD = leak_source("LD" + s["paper"]["name"], s["paper"], 1.6)
        r = R(S, "LDsrc", s["sid"])
        avail = {}
        b0 = s["start"] + r.uniform(600, 1200)
        for p in range(len(srcD)):
            avail[p] = b0 + (p // 20) * r.uniform(360, 600)
        s["own"] = [brain_answer(S, "cand:" + s["sid"], R(S, "ldab", s["sid"]).gauss(-0.5, 0.4), q)
                    for q in s["paper"]["qs"]]
        do_leak_relay(s, srcD, avail, R(S, "uf", s["sid"]).uniform(0.4, 0.6), 30)
        s["fid"] *= 0.5
    # LB: photo of a morning candidate's answers (Nov 16 ELEC-A, outside this data), used after a toilet break
    for s in lb:
        r = R(S, "LB", s["sid"])
        srcB = leak_source("LB-morning-photo", s["paper"], 1.7)
        own = [brain_answer(S, "cand:" + s["sid"], r.gauss(-0.2, 0.5), q) for q in s["paper"]["qs"]]
        mine = {p for p in s["order"] if own[p][1]}
        a1, nav, t = local_pass(r, s["order"], own, s["start"] + r.uniform(40, 150), r.uniform(15, 25),
                                s["sc_of"], 0.0, 0.0, only=mine)
        brk = t + r.uniform(60, 300)
        back = brk + r.uniform(240, 540)
        s["handoff"].append((brk, back, 0.0))
        tt = back + r.uniform(20, 60)
        used = set()
        for p in s["order"]:
            if p not in mine:
                tt += r.uniform(2.5, 6.5)
                a1.append([tt, p, srcB[p][0], "local"])
                used.add(p)
            elif own[p][0] != srcB[p][0] and r.random() < 0.8:
                tt += r.uniform(3, 7)
                a1.append([tt, p, srcB[p][0], "local"])
                used.add(p)
            elif r.random() < 0.5:
                used.add(p)  # checked against the photo, same answer
        while len(used) < 0.35 * len(own):
            p = r.choice(s["order"])
            if p in mine and own[p][0] == srcB[p][0]:
                used.add(p)
        s["leak_pos"] = used
        s["acts"], s["nav"], s["own"] = a1, nav, own
    # LC: official answer key on a slip of paper; uses it for the ones unsure, plus some deliberate errors
    for s in lc:
        r = R(S, "LC", s["sid"])
        P = s["paper"]
        own = s["own"]
        use = {p for p in s["order"] if (not own[p][1]) or r.random() < r.uniform(0.3, 0.5)}
        while len(use) < 0.4 * len(own):
            use.add(r.choice(s["order"]))
        errs = set(r.sample(sorted(use), r.randint(3, 7)))
        ans = []
        for p in range(len(own)):
            q = P["qs"][p]
            if p in use:
                c = q["key"] if p not in errs else r.choice([x for x in range(q["n"]) if x != q["key"]])
                ans.append((c, True))
            else:
                ans.append(own[p])
        s["leak_pos"] = use - errs
        acts, nav, t = local_pass(r, s["order"], ans, s["start"] + r.uniform(40, 120), r.uniform(9, 16),
                                  s["sc_of"], 0.0, 0.15)
        s["acts"], s["nav"] = acts, nav

    # ------------------------------------------------------------------
    # Emit events
    # ------------------------------------------------------------------
    all_events = []  # (recv, sortkey, obj)
    # exam definitions
    for name, cert, minutes, style in PAPERS:
        P = papers[name]
        qs = []
        for q in P["qs"]:
            lab = labels(style, q)
            qs.append({"id": q["id"], "key": lab[q["key"]], "options": q["n"] if style == "int" else lab})
        t = ts_of(2026, 11, 15, 20) + PAPERS.index((name, cert, minutes, style)) * 37.0
        obj = {"v": 1, "id": "exam-" + P["exam"], "at": fmt(t), "kind": "exam", "exam": P["exam"],
               "questions": qs, "pass_mark": 80, "minutes": minutes}
        all_events.append((t, obj["id"], obj))
        if name == "ELEC-B":  # resent by the centre next morning
            all_events.append((ts_of(2026, 11, 17, 8, 40), obj["id"], obj))

    rterm = {}

    def term_clock(term):
        if term not in rterm:
            r = R(S, "clock", term)
            u = r.random()
            off = r.gauss(0, 1.5)
            if u < 0.06:
                off = r.choice([-1, 1]) * r.uniform(60, 600)
            elif u < 0.1:
                off = r.uniform(-30, 30)
            drift = r.gauss(0, 2e-5)
            rterm[term] = (off, drift)
        return rterm[term]

    for s in sessions:
        r = R(S, "emit", s["sid"])
        C = CENTRES[s["centre"]]
        P = s["paper"]
        style = P["style"]
        off, drift = term_clock(s["term"])
        utc = (s["centre"] == "C04" and s["room"] == "R2")
        jump = None
        if r.random() < 0.025:
            jump = (s["start"] + r.uniform(600, 3000), r.uniform(20, 90))
        day0 = s["sit"]["t0"] - 3600

        def clock(t):
            c = t + off + drift * (t - day0)
            if jump and t >= jump[0]:
                c += jump[1]
            return c

        evs = []
        cnt = [0]

        def ev(t, kind, **f):
            cnt[0] += 1
            o = {"v": 1, "id": "%s-%d" % (s["sid"], cnt[0]), "at": fmt(clock(t), utc), "kind": kind,
                 "session": s["sid"]}
            o.update(f)
            evs.append([t, o])
            return o

        acts = sorted(s["acts"], key=lambda a: a[0])
        # timeout
        acts = [a for a in acts if a[0] < s["tmax"] - 2]
        last = max([a[0] for a in acts] + [x for x in s["nav"]] + [s["start"] + 300])
        if s["kind"] == "honest" and last > s["tmax"] - 200:
            end = s["tmax"] + r.uniform(0.2, 2.5)  # forced submit
        else:
            end = min(s["tmax"] + 1, last + r.uniform(8, 120))
        # crash
        crash = None
        if r.random() < 0.025:
            tc = r.uniform(s["start"] + 300, max(s["start"] + 400, end - 300))
            dur = r.uniform(100, 420)
            crash = (tc, tc + dur)
            for a in acts:
                if a[0] >= tc:
                    a[0] += dur
            s["nav"] = [x + dur if x >= tc else x for x in s["nav"]]
            end = min(end + dur, s["tmax"] + dur + 1)
            s["handoff"] = [(a + (dur if a >= tc else 0), b + (dur if b >= tc else 0), c) for a, b, c in s["handoff"]]
        s["end"] = end

        def down(t):
            return crash is not None and crash[0] <= t < crash[1]

        # ---------- session start & inventory ----------
        ev(s["start"], "session_start", candidate=s["cand"], exam=P["exam"], centre=s["centre"], room=s["room"],
           seat="%s-%02d" % (s["room"], s["seat"]), terminal=s["term"])

        kit = list(C["kit"])
        if s["centre"] == "C04" and s["room"] == "R3":
            kit.append(ATEN_EXT)
        prof = s.get("prof", {})
        dev_events = []  # (t, action, dev)
        if s["kind"] == "hardware":
            for act, d in prof["dev"]:
                if d == "CLONEKB":
                    d = kit[0]
                if act == "present":
                    kit.append(d)
                else:
                    dev_events.append((s["tconn"] - r.uniform(5, 60), "attached", d))
        if s.get("group") == "G2":
            kit.append(("hid", "USB Composite Device", "1d6b", "0104"))
        if s.get("group") == "G5":
            kit.append(kit[0])  # cloned keyboard descriptor
        # benign device noise
        if s["kind"] != "operator" and r.random() < 0.03:
            tm = r.uniform(s["start"] + 200, end - 60)
            mouse = [d for d in kit if "Mouse" in d[1] or "Receiver" in d[1] or "Touchpad" in d[1]][:1]
            if mouse:
                dev_events.append((tm, "removed", mouse[0]))
                dev_events.append((tm + r.uniform(20, 90), "attached", r.choice([mouse[0], PIXART])))
        if r.random() < 0.012:
            tm = r.uniform(s["start"] + 200, end - 60)
            kb = kit[0]
            dev_events.append((tm, "removed", kb))
            dev_events.append((tm + r.uniform(30, 120), "attached", GENKB))
        it_storage = None
        if r.random() < 0.015:
            tm = r.uniform(s["start"] + 60, end - 200)
            dev_events.append((tm, "attached", ("storage", "Kingston DataTraveler 3.0", "0951", "1666")))
            dev_events.append((tm + r.uniform(60, 180), "removed", ("storage", "Kingston DataTraveler 3.0", "0951", "1666")))
            it_storage = (tm + 5, tm + 170)
        if r.random() < 0.01:  # candidate's phone plugged into USB to charge, invigilator removes it
            tm = r.uniform(s["start"] + 60, end - 200)
            dev_events.append((tm, "attached", ("other", "Android Phone (MTP)", "2717", "ff40")))
            dev_events.append((tm + r.uniform(30, 200), "removed", ("other", "Android Phone (MTP)", "2717", "ff40")))

        def inventory(t):
            for d in kit:
                ev(t, "device", action="present", **{"class": d[0]}, name=d[1], vid=d[2], pid=d[3])

        # ---------- display ----------
        res = C["res"]
        disp = [1, False, res]
        if s["centre"] == "C03" and s["room"] == "R2":
            disp = [2, False, res]  # driver reports a phantom second output in this room
        if s["centre"] == "C02" and s["room"] == "R1" and s["seat"] in (1, 2):
            disp = [2, True, "1024x768"]  # front seats share the room projector
        disp_changes = []
        if s["kind"] == "hardware" and prof.get("disp"):
            dd = prof["disp"]
            nd = [dd[0], dd[1], dd[2] or disp[2]]
            if prof["dev"] and prof["dev"][0][0] == "present" or prof.get("careful"):
                disp = nd
            else:
                disp_changes.append((s["tconn"] - r.uniform(2, 30), nd))
        if s.get("group") == "G2":
            disp = [2, True, "1920x1080"]
        if r.random() < 0.012:
            disp_changes.append((r.uniform(s["start"] + 120, end - 120), [disp[0], disp[1], "1280x720"]))
        if r.random() < 0.008:  # invigilator plugs a second monitor to read the screen for a candidate
            disp_changes.append((r.uniform(s["start"] + 120, end - 600), [2, True, disp[2]]))

        def display(t, d):
            ev(t, "display", displays=d[0], mirrored=d[1], resolution=d[2])

        # ---------- processes & connections ----------
        base = list(BASE_PROCS) + list(C["client"]) + list(C["av"])
        if s["centre"] == "C03":
            base.append(RADMIN)
        if s["centre"] == "C02" and s["room"] == "R2":
            base.append(MYTHWARE)
        if s["centre"] in ("C02", "C05") or r.random() < 0.1:
            base.append(SOGOU)
        if s.get("sub") == "osk":
            base.append(("osk.exe", SYS + "osk.exe", MSW))
        lan_ip = C["lan"] + ("%d" % (r.randint(2, 250)) if C["lan"].count(".") == 3 else "0.%d" % r.randint(2, 250))
        timed_procs = []  # (a, b, proc)
        timed_conns = []  # (a, b, conn)
        if s["kind"] == "software":
            tc = s["tconn"]
            if prof.get("when") == "brief":
                ta, tb = tc - 30, None
            elif prof.get("when") == "mid":
                ta, tb = tc - r.uniform(10, 40), None
            else:
                ta, tb = s["start"] - 600, None
            if tb is None:
                tb = end + 100 if r.random() < 0.7 else (max(a[0] for a in acts) + r.uniform(5, 60))
            if prof.get("when") == "brief" or prof.get("mode") == "burst":
                ba, bb = s.get("burst", (tc, tc + 600))
                ta, tb = ba - r.uniform(30, 90), bb + r.uniform(10, 60)
            for p in prof["procs"]:
                timed_procs.append((ta, tb, p))
            for c in prof["conns"]:
                timed_conns.append((max(ta, tc - 20), tb, c))
        if s.get("group") == "G1":
            timed_procs.append((s["start"] - 900, end + 60, ("SunloginClient.exe",
                                r"C:\Program Files\Oray\SunLogin\SunloginClient\SunloginClient.exe",
                                "Shanghai Beiyou Information Technology Co., Ltd.")))
            timed_conns.append((s["start"] + 60, end + 60, ("sl-relay-17.oray-p2p.example", 443, "SunloginClient.exe")))
        if s.get("group") == "G4":
            pr = ("dllhost.exe", r"C:\Users\Public\Documents\dllhost.exe", None)
            timed_procs.append((s["start"] - 900, end - r.uniform(30, 200), pr))
            relay = R(S, "g4relay", s["sid"]).choice(["198.51.100.23", "198.51.100.24", "198.51.100.31"])
            timed_conns.append((s["start"] + 100, end - 200, (relay, 21117, "dllhost.exe")))
        # benign: technician's TeamViewer QuickSupport left running for the first minutes (one-off)
        if s["kind"] == "honest" and R(S, "tvqs", s["sid"]).random() < 0.006:
            p = ("TeamViewerQS.exe", r"C:\Users\ks\Desktop\TeamViewerQS.exe", "TeamViewer Germany GmbH")
            timed_procs.append((s["start"] - 1200, s["start"] + r.uniform(120, 400), p))
            timed_conns.append((s["start"] - 1200, s["start"] + r.uniform(60, 300), ("master11.tv-net.example", 5938, "TeamViewerQS.exe")))
        if it_storage:
            timed_procs.append((it_storage[0], it_storage[1], ("KSRepairTool.exe", r"E:\tools\KSRepairTool.exe", "Hengan Exam Technology Co., Ltd.")))
        if crash:
            timed_procs.append((crash[0] - 40, crash[0], ("WerFault.exe", SYS + "WerFault.exe", MSW)))
        if r.random() < 0.15:
            tw = r.uniform(s["start"], end)
            timed_procs.append((tw, tw + r.uniform(300, 1500), ("MoUsoCoreWorker.exe", SYS + "MoUsoCoreWorker.exe", MSW)))
            timed_conns.append((tw, tw + 600, ("update.os-vendor.example", 443, "svchost.exe")))
        admin_checks = []
        if s["centre"] == "C03" and r.random() < 0.15:
            ta = r.uniform(s["start"], end)
            admin_checks.append((ta, ta + r.uniform(60, 400)))
        # stealthy software: exit before end
        def procs_at(t):
            out = list(base)
            for a, b, p in timed_procs:
                if a <= t < b:
                    out.append(p)
            return [{"name": p[0], "path": p[1], "signer": p[2]} for p in out]

        def conns_at(t):
            srv = C["server"]
            out = [(srv[0], srv[1], C["client"][0][0])]
            if C["av"] is Q360:
                out.append(("cloud.av-vendor-a.example", 80, "360tray.exe"))
            elif C["av"] is HUORONG:
                out.append(("upd.av-vendor-b.example", 443, "HipsDaemon.exe"))
            if s["centre"] == "C02" and s["room"] == "R2":
                out.append(("192.168.20.2", 4988, "StudentMain.exe"))
            for a, b in admin_checks:
                if a <= t < b:
                    out.append(("10.3.0.5", 4899, "rserver3.exe"))
            for a, b, c in timed_conns:
                if a <= t < b:
                    if c[0] == "198.51.100.200" and s["centre"] != "C03":
                        continue
                    out.append(c)
            return [{"remote": c[0], "port": c[1], "process": c[2]} for c in out]

        def snapshot(t):
            ev(t, "processes", processes=procs_at(t))
            ev(t + 0.3, "connections", connections=conns_at(t))

        inventory(s["start"] + 0.5)
        display(s["start"] + 0.8, disp)
        snapshot(s["start"] + 1.5)
        every = C["every"]
        tt = s["start"] + every * r.uniform(0.2, 1.0)
        while tt < end:
            if not down(tt):
                snapshot(tt)
            tt += every * r.uniform(0.97, 1.03)
        # brief software must be seen in at least one snapshot
        if s["kind"] == "software" and prof.get("when") == "brief":
            a, b, _ = timed_procs[0]
            seen = any(e[1]["kind"] == "processes" and a <= e[0] < b for e in evs)
            if not seen:
                snapshot((a + b) / 2)

        for t, act, d in sorted(dev_events, key=lambda x: x[0]):
            if s["start"] < t < end and not down(t):
                ev(t, "device", action=act, **{"class": d[0]}, name=d[1], vid=d[2], pid=d[3])
        for t, d in sorted(disp_changes, key=lambda x: x[0]):
            if s["start"] < t < end and not down(t):
                display(t, d)
        if crash:
            tb = crash[1] + r.uniform(5, 20)
            ev(tb, "session_start", candidate=s["cand"], exam=P["exam"], centre=s["centre"], room=s["room"],
               seat="%s-%02d" % (s["room"], s["seat"]), terminal=s["term"])
            inventory(tb + 0.5)
            display(tb + 0.8, disp_changes[-1][1] if disp_changes and disp_changes[-1][0] < crash[0] else disp)
            snapshot(tb + 2)

        # ---------- answers ----------
        ans_objs = []
        for a in acts:
            if a[0] >= end:
                continue
            q = P["qs"][a[1]]
            lab = labels(style, q)
            o = ev(a[0], "answer", question=q["id"], choice=lab[a[2]])
            ans_objs.append((a[0], o))

        # ---------- input ----------
        iv = C["interval"]
        pts = []  # (t, keys, pointer)
        st = s["style"]
        for a in acts:
            actor = a[3]
            if actor in ("local", "kvmh"):
                if actor == "local" and st == "keys":
                    k, p = r.randint(1, 3), pois(r, 2)
                elif actor == "local" and st == "mixed" and r.random() < 0.5:
                    k, p = r.randint(1, 2), pois(r, s["pm"] * 0.3)
                else:
                    k, p = (1 if r.random() < 0.03 else 0), max(1, int(r.gauss(s["pm"], s["pm"] * 0.35)))
                pts.append((a[0], k, p))
            elif actor == "hidk":
                pts.append((a[0], 2 if s.get("inj_regular", True) else r.choice([1, 2, 2, 3]), 0))
            elif actor == "hida":
                pts.append((a[0], 0, 4 if s.get("inj_regular", True) else r.choice([3, 4, 4, 6])))
        for t in s["nav"]:
            pts.append((t, 0 if st != "keys" else 1, max(1, int(r.gauss(s["pm"] * 0.6, 5)))))
        # instructions / start button
        pts.append((s["start"] + r.uniform(5, 60), 0, int(r.uniform(20, 120))))
        if s.get("sub") == "osk":
            pts = [(t, 0, p + 25 * k) for t, k, p in pts]
        pts.sort()
        ho = s["handoff"]
        t_prev = s["start"]
        tt = s["start"] + iv / 1000.0 * r.uniform(0.3, 1.0)
        pi = 0
        while tt < end + iv / 1000.0:
            te = min(tt, end)
            if down(te):
                t_prev = crash[1] + 10
                tt = t_prev + iv / 1000.0
                while pi < len(pts) and pts[pi][0] < t_prev:
                    pi += 1
                continue
            dt = te - t_prev
            k = p = 0
            while pi < len(pts) and pts[pi][0] <= te:
                k += pts[pi][1]
                p += pts[pi][2]
                pi += 1
            mid = (t_prev + te) / 2
            rate = s["fid"]
            krate = s["kfid"]
            for a, b, hr in ho:
                if a <= mid < b:
                    rate = min(rate, hr)
                    krate = 0 if hr < 2 else krate
            p += pois(r, rate * dt / 30.0)
            k += pois(r, krate * dt / 30.0)
            skip = r.random() < 0.01 and te < end  # client busy: interval folded into the next one
            if not skip:
                ev(te, "input", interval_ms=int(round(dt * 1000)), keys=k, pointer=p)
                t_prev = te
            else:
                # counts carried into next interval
                pts.insert(pi, (te + 0.001, k, p))
                pts.sort()
            tt += iv / 1000.0 * r.uniform(0.995, 1.005)
        # ---------- end ----------
        if r.random() > 0.005:
            ev(end + 0.2, "session_end")

        # ---------- delivery: delays, hiccups, resends ----------
        hic = None
        if r.random() < 0.05:
            h0 = r.uniform(s["start"], end)
            hic = (h0, h0 + r.uniform(60, 400))
        for t, o in evs:
            recv = t + r.uniform(0.05, 1.5)
            if hic and hic[0] <= t < hic[1]:
                recv = hic[1] + r.uniform(0, 5)
            all_events.append((recv, o["id"], o))
            if r.random() < 0.006:
                all_events.append((recv + r.uniform(5, 900), o["id"], o))
        if crash:
            for t, o in [x for x in ans_objs if x[0] < crash[0]][-3:]:
                all_events.append((crash[1] + 30 + r.uniform(0, 5), o["id"], o))

        # ---------- score ----------
        final = {}
        for t, o in sorted(ans_objs, key=lambda x: x[0]):
            final[o["question"]] = o["choice"]
        score = 0
        for q in P["qs"]:
            if final.get(q["id"]) == labels(style, q)[q["key"]]:
                score += 1
        s["score"] = score
        s["n_answered"] = len(final)
        if s["kind"] == "leak":
            lp = s["leak_pos"]
            s["leak_frac"] = len(lp) / len(P["qs"])

    all_events.sort(key=lambda x: (x[0], x[1]))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "events.jsonl.gz"), "wb") as f:
        with gzip.GzipFile(filename="events.jsonl", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            for _, _, o in all_events:
                g.write((json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    truth = [{"session": s["sid"], "kind": s["kind"]} for s in sessions]
    R(S, "truthshuffle").shuffle(truth)
    with open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for t in truth:
            f.write(json.dumps(t) + "\n")
    return sessions


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", default="1111")
    ap.add_argument("--candidates", type=int, default=400)
    ap.add_argument("--out", default="set-k")
    ap.add_argument("--debug", action="store_true")
    a = ap.parse_args()
    sessions = generate(a.seed, a.candidates, a.out)
    if a.debug:
        import statistics
        by = {}
        for s in sessions:
            by.setdefault(s["kind"], []).append(s)
        for k, v in sorted(by.items()):
            sc = [x["score"] for x in v]
            dur = [(x["end"] - x["start"]) / 60 for x in v]
            print(k, len(v), "score mean %.1f min %d max %d pass %.2f" % (
                statistics.mean(sc), min(sc), max(sc), sum(1 for x in sc if x >= 80) / len(sc)),
                "dur med %.1f" % statistics.median(dur))
        for s in sessions:
            if s["kind"] != "honest":
                print(s["kind"], s.get("gtag"), s["centre"], s["room"], s["slot"], s["score"], s["n_answered"],
                      "%.0fmin" % ((s["end"] - s["start"]) / 60), "leak=%.2f" % s.get("leak_frac", 0))


if __name__ == "__main__":
    main()
