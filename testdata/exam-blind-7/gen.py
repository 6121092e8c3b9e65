#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""exam-blind-7: synthetic, labelled event streams for evaluating a cheating
detector on computer-based work-safety certificate theory exams.

Python 3 standard library only; output is a pure function of the arguments.

    python3 gen.py --seed 808 --candidates 400 --out set-h

writes <out>/events.jsonl.gz (arrival order, gzip mtime=0) and
<out>/truth.jsonl (one line per session, shuffled).  Everything here is
invented: no real candidates, no real exam content, synthetic hosts and IPs.
"""
import argparse
import datetime as dt
import gzip
import json
import math
import os
import random

BJ = dt.timezone(dt.timedelta(hours=8))
UTC = dt.timezone.utc
MSW = "Microsoft Windows"
MSC = "Microsoft Corporation"
EXAM_SIGNER = "Synthetic Exam Technology Co., Ltd."


def T(y, mo, d, h, mi):
    return dt.datetime(y, mo, d, h, mi, tzinfo=BJ).timestamp()


SLOTS = [T(2026, 11, 17, 9, 0), T(2026, 11, 17, 14, 0), T(2026, 11, 18, 9, 0), T(2026, 11, 18, 14, 30)]
SLOT_TAG = ["1117A", "1117P", "1118A", "1118P"]

EXAM_TYPES = {  # tf/sc = how the option labels are declared in the exam event
    "LV": dict(prefix="BLV", minutes=120, n_tf=60, tf="AB", sc="int"),
    "HW": dict(prefix="BGC", minutes=90, n_tf=70, tf="duicuo", sc="list"),
    "WD": dict(prefix="BRH", minutes=100, n_tf=50, tf="int2", sc="int"),
}

# ---------------------------------------------------------------- centres
CENTRES = {
    # big urban centre, Windows 10, classroom management client, IT keeps
    # Sunlogin installed for remote support (idle heartbeat during exams)
    "ctr-n01": dict(os="win10", rooms={"A101": (1, 30, "LLLL"), "A102": (2, 30, "HLHW"), "A103": (3, 30, "LWLH")},
                    server=("10.31.0.10", 8443), console="10.31.%d.250", console_port=4988, av="huorong",
                    support="sunlogin", input_s=10, proc_s=60, conn_s=60, res="1920x1080", clock="ntp",
                    net="good", ids="uuid", periph="wired", extras=["camera", "idreader"], reclick=True,
                    term="N01-%s-PC%02d"),
    # county centre, old Windows 7 boxes, 360, wireless keyboard/mouse sets,
    # drifting CMOS clocks, flaky uplink
    "ctr-e02": dict(os="win7", rooms={"2F-1": (1, 24, "LLHL"), "2F-2": (2, 24, "WHLL")},
                    server=("192.168.20.2", 8080), console="192.168.2%d.254", console_port=4705, av="360",
                    support=None, input_s=30, proc_s=120, conn_s=120, res="1440x900", clock="cmos",
                    net="flaky", ids="uuid", periph="wireless", extras=[], reclick=False, term="KC%s-%02d"),
    # training-school centre on domestic Linux (UOS), no signers, sshd for IT,
    # agent batches its uploads, clocks report UTC
    "ctr-r03": dict(os="uos", rooms={"301": (1, 30, "LHLL"), "302": (2, 30, "HLWH")},
                    server=("10.50.3.5", 8443), console=None, console_port=None, av=None,
                    support=None, input_s=15, proc_s=300, conn_s=120, res="1920x1080", clock="utc",
                    net="batched", ids="seq", periph="wired", extras=["idreader"], reclick=False,
                    term="uos-%s-%02d"),
    # enterprise training lab: Windows 11 laptops on USB-C docks with an
    # external monitor; IT has ToDesk installed
    "ctr-h04": dict(os="win11", rooms={"Lab-1": (4, 20, "LLHL")},
                    server=("172.16.4.20", 443), console=None, console_port=None, av="defender",
                    support="todesk", input_s=20, proc_s=60, conn_s=60, res="2560x1440", clock="laptop",
                    net="good", ids="uuid", periph="dock", extras=[], reclick=False, term="LT-H04-%s-%02d"),
    # small private centre, Windows 10, TeamViewer Host for the IT vendor,
    # a projector cable at the front seat, client retries aggressively
    "ctr-p05": dict(os="win10", rooms={"R1": (5, 16, "WLLH")},
                    server=("10.5.0.2", 8443), console="10.5.%d.200", console_port=4988, av="kaspersky",
                    support="teamviewer", input_s=10, proc_s=180, conn_s=60, res="1600x900", clock="ntp",
                    net="retry", ids="uuid", periph="wired", extras=["camera"], reclick=False,
                    term="P05%s-W%02d"),
}
TYPE_CODE = {"L": "LV", "H": "HW", "W": "WD"}

KEYBOARDS = [("USB Keyboard", "046d", "c31c"), ("Dell USB Entry Keyboard", "413c", "2113"),
             ("Lenovo USB Keyboard", "17ef", "6099"), ("USB Keyboard", "1c4f", "0002"),
             ("HID Keyboard Device", "04f2", "0939")]
MICE = [("USB Optical Mouse", "046d", "c077"), ("Lenovo USB Optical Mouse", "17ef", "608d"),
        ("USB Mouse", "093a", "2510"), ("HID-compliant mouse", "1bcf", "0005")]
WIRELESS = [("2.4G Wireless Receiver", "24ae", "1000"), ("Wireless Keyboard/Mouse Receiver", "1ea7", "0066")]


def dev(cls, name, vid, pid):
    return {"class": cls, "name": name, "vid": vid, "pid": pid}


def proc(name, path, signer=""):
    return {"name": name, "path": path, "signer": signer}


def conn(remote, port, process):
    return {"remote": remote, "port": port, "process": process}


def win_core(osname, r):
    s32 = "C:\\Windows\\System32\\"
    names = ["smss.exe", "csrss.exe", "wininit.exe", "csrss.exe", "winlogon.exe", "services.exe", "lsass.exe"]
    out = [proc("System", "", "")] + [proc(n, s32 + n, MSW) for n in names]
    out += [proc("svchost.exe", s32 + "svchost.exe", MSW) for _ in range(r.randint(9, 16) if osname != "win7" else r.randint(7, 11))]
    more = ["dwm.exe", "spoolsv.exe", "taskhostw.exe", "ctfmon.exe", "SearchIndexer.exe", "conhost.exe"]
    if osname == "win7":
        more = ["dwm.exe", "spoolsv.exe", "taskhost.exe", "SearchIndexer.exe", "conhost.exe", "wmpnetwk.exe"]
    if osname in ("win10", "win11"):
        more += ["sihost.exe", "RuntimeBroker.exe", "fontdrvhost.exe", "SecurityHealthService.exe"]
    if osname == "win11":
        more += ["SearchHost.exe", "StartMenuExperienceHost.exe", "TextInputHost.exe", "WidgetService.exe"]
    out += [proc(n, s32 + n, MSW) for n in more]
    out.append(proc("explorer.exe", "C:\\Windows\\explorer.exe", MSW))
    drv = [proc("RtkAudUService64.exe", s32 + "RtkAudUService64.exe", "Realtek Semiconductor Corp."),
           proc("igfxEM.exe", s32 + "igfxEM.exe", "Intel(R) pGFX"),
           proc("ChsIME.exe", s32 + "InputMethod\\CHS\\ChsIME.exe", MSW)]
    out += [p for p in drv if r.random() < 0.6]
    return out


LINUX_CORE = [("systemd", "/usr/lib/systemd/systemd"), ("systemd-journald", "/usr/lib/systemd/systemd-journald"),
              ("systemd-udevd", "/usr/lib/systemd/systemd-udevd"), ("systemd-logind", "/usr/lib/systemd/systemd-logind"),
              ("dbus-daemon", "/usr/bin/dbus-daemon"), ("NetworkManager", "/usr/sbin/NetworkManager"),
              ("polkitd", "/usr/lib/polkit-1/polkitd"), ("lightdm", "/usr/sbin/lightdm"), ("Xorg", "/usr/lib/xorg/Xorg"),
              ("startdde", "/usr/bin/startdde"), ("dde-session-daemon", "/usr/bin/dde-session-daemon"),
              ("dde-dock", "/usr/bin/dde-dock"), ("dde-desktop", "/usr/bin/dde-desktop"), ("kwin_x11", "/usr/bin/kwin_x11"),
              ("pulseaudio", "/usr/bin/pulseaudio"), ("chronyd", "/usr/sbin/chronyd"), ("sshd", "/usr/sbin/sshd"),
              ("cupsd", "/usr/sbin/cupsd"), ("cron", "/usr/sbin/cron")]

AV = {"huorong": [proc("HipsDaemon.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\HipsDaemon.exe", "Beijing Huorong Network Technology Co., Ltd."),
                  proc("HipsTray.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\HipsTray.exe", "Beijing Huorong Network Technology Co., Ltd."),
                  proc("usysdiag.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\usysdiag.exe", "Beijing Huorong Network Technology Co., Ltd.")],
      "360": [proc("360Tray.exe", "C:\\Program Files (x86)\\360\\360Safe\\safemon\\360Tray.exe", "Beijing Qihu Technology Co., Ltd."),
              proc("ZhuDongFangYu.exe", "C:\\Program Files (x86)\\360\\360Safe\\deepscan\\ZhuDongFangYu.exe", "Beijing Qihu Technology Co., Ltd.")],
      "defender": [proc("MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25090.3-0\\MsMpEng.exe", "Microsoft Windows Publisher"),
                   proc("NisSrv.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25090.3-0\\NisSrv.exe", "Microsoft Windows Publisher")],
      "kaspersky": [proc("avp.exe", "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security\\avp.exe", "AO Kaspersky Lab"),
                    proc("avpui.exe", "C:\\Program Files (x86)\\Kaspersky Lab\\Kaspersky Endpoint Security\\avpui.exe", "AO Kaspersky Lab")]}
AV_CLOUD = {"huorong": ("HipsDaemon.exe", "update.huorong.example", 443), "360": ("360Tray.exe", "203.0.113.88", 80),
            "defender": ("MsMpEng.exe", "wdcp.defender.example", 443), "kaspersky": ("avp.exe", "ksn-4.kaspersky.example", 443)}

SUPPORT = {  # centre-installed remote support tools: process, heartbeat connection, extra procs when a session is live
    "sunlogin": dict(p=proc("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe", "Shanghai Oray Information Technology Co., Ltd."),
                     hb=("hb-02.sunlogin.example", 443), data=("198.51.100.131", 4118), live=[]),
    "todesk": dict(p=proc("ToDesk_Service.exe", "C:\\Program Files\\ToDesk\\ToDesk_Service.exe", "Hainan Youqu Technology Co., Ltd."),
                   hb=("relay-cn-3.todesk.example", 443), data=("198.51.100.142", 443),
                   live=[proc("ToDesk.exe", "C:\\Program Files\\ToDesk\\ToDesk.exe", "Hainan Youqu Technology Co., Ltd.")]),
    "teamviewer": dict(p=proc("TeamViewer_Service.exe", "C:\\Program Files\\TeamViewer\\TeamViewer_Service.exe", "TeamViewer Germany GmbH"),
                       hb=("router-5.teamviewer.example", 5938), data=("198.51.100.17", 5938),
                       live=[proc("TeamViewer.exe", "C:\\Program Files\\TeamViewer\\TeamViewer.exe", "TeamViewer Germany GmbH"),
                             proc("tv_x64.exe", "C:\\Program Files\\TeamViewer\\tv_x64.exe", "TeamViewer Germany GmbH")]),
}

TRANSIENT_WIN = ["WerFault.exe", "TrustedInstaller.exe", "TiWorker.exe", "backgroundTaskHost.exe", "smartscreen.exe",
                 "audiodg.exe", "WmiPrvSE.exe", "dllhost.exe", "consent.exe", "CompPkgSrv.exe"]
TRANSIENT_LINUX = ["apt-check", "packagekitd", "dde-osd", "udisksd", "fwupd"]


# ---------------------------------------------------------------- exam content
def build_banks(rng):
    banks = {}
    for code, et in EXAM_TYPES.items():
        items = []
        used = set()
        for i in range(420):
            tf = i % 5 < 3
            n = rng.randint(1000, 99999)
            while n in used:
                n = rng.randint(1000, 99999)
            used.add(n)
            labels = (["对", "错"] if et["tf"] == "duicuo" else ["A", "B"]) if tf else ["A", "B", "C", "D"]
            key = rng.choice(labels)
            trap = None
            b = rng.gauss(-0.9, 1.0)
            if rng.random() < 0.13:
                trap = rng.choice([x for x in labels if x != key])
                b += 0.9
            items.append(dict(id="%s-%05d" % (et["prefix"], n), tf=tf, labels=labels, key=key, b=b, trap=trap,
                              public=rng.random() < 0.86, len=rng.uniform(0.6, 1.7), bad=None))
        # training material with wrong keys on two popular public items
        for q in rng.sample([q for q in items if q["public"] and not q["trap"]], 3):
            q["bad"] = rng.choice([x for x in q["labels"] if x != q["key"]])
        banks[code] = items
    return banks


def build_paper(rng, banks, code, slot):
    et = EXAM_TYPES[code]
    bank = banks[code]
    tfs = rng.sample([q for q in bank if q["tf"]], et["n_tf"])
    scs = rng.sample([q for q in bank if not q["tf"]], 100 - et["n_tf"])
    return dict(id="TZ-%s-%s" % (code, SLOT_TAG[slot]), code=code, qs=tfs + scs, minutes=et["minutes"], slot=slot)


def exam_fields(paper):
    et = EXAM_TYPES[paper["code"]]
    qs = []
    for q in paper["qs"]:
        if q["tf"]:
            opt = 2 if et["tf"] == "int2" else list(q["labels"])
        else:
            opt = 4 if et["sc"] == "int" else list(q["labels"])
        qs.append({"id": q["id"], "key": q["key"], "options": opt})
    return {"exam": paper["id"], "questions": qs, "pass_mark": 80, "minutes": paper["minutes"]}


def p_correct(theta, q):
    g = 1.0 / len(q["labels"])
    return g + (1 - g) / (1 + math.exp(-1.7 * (theta - q["b"])))


def wrong(rng, q):
    if q["trap"] and rng.random() < 0.75:
        return q["trap"]
    return rng.choice([x for x in q["labels"] if x != q["key"]])


# ---------------------------------------------------------------- candidates
def make_cand(rng, profile="typical"):
    c = dict(profile=profile, theta=rng.gauss(0.5, 0.9), speed=math.exp(rng.gauss(0.15, 0.25)),
             kbd=rng.random() < 0.2, fidget=rng.uniform(0.5, 6), skip=rng.uniform(0, 0.2),
             qchange=rng.uniform(0, 0.03), review=rng.random() < 0.55, rfrac=rng.uniform(0.1, 0.6),
             fix=rng.uniform(0.15, 0.45), brk=rng.uniform(0.01, 0.06), drilled=False, giveup=None,
             linger=rng.choice([20, 60, 300, 900, 3000]))
    if profile == "fast-able":
        c.update(theta=rng.gauss(2.3, 0.5), speed=math.exp(rng.gauss(-0.85, 0.15)), review=rng.random() < 0.3, linger=30)
    elif profile == "weak-guesser":
        c.update(theta=rng.gauss(-0.7, 0.5), speed=math.exp(rng.gauss(0.35, 0.25)), giveup=rng.uniform(300, 1500),
                 skip=0.0, review=False)
    elif profile == "changer":
        c.update(qchange=rng.uniform(0.06, 0.12), review=True, rfrac=rng.uniform(0.6, 1.0), fix=0.35, brk=0.10)
    elif profile == "drilled":
        c.update(drilled=True, theta=rng.gauss(0.4, 0.7), speed=math.exp(rng.gauss(-0.3, 0.2)))
    elif profile == "slow-careful":
        c.update(speed=math.exp(rng.gauss(0.85, 0.15)), review=True, rfrac=1.0, linger=5000)
    return c


def imp_local(rng, c, t):
    return (t - rng.uniform(0.2, 2.5), (rng.randint(1, 3) if c.get("kbd") else (1 if rng.random() < 0.05 else 0)),
            max(2, int(rng.gauss(22, 9))))


def q_time(rng, q, c, know):
    t = (13.0 if q["tf"] else 21.0) * q["len"] * c["speed"] * rng.lognormvariate(0, 0.35)
    if c.get("drilled") and q["public"]:
        t *= 0.45
    if not know:
        t += rng.uniform(3, 18) * c["speed"]
    return max(2.0, t)


def honest_choice(rng, q, c, boost=0.0):
    if c.get("drilled") and q["public"]:
        if q["bad"] and rng.random() < 0.85:
            return q["bad"], True
        p = 0.96
    else:
        p = p_correct(c["theta"], q) + boost
    if rng.random() < p:
        return q["key"], True
    return wrong(rng, q), False


def honest_plan(rng, S, c, qs=None, t=None, stop_at=None):
    """A candidate answering alone. Appends to S['ans'] / S['imp']; returns time of finishing."""
    qs = S["paper"]["qs"] if qs is None else qs
    dl = S["deadline"] if stop_at is None else stop_at
    t = (S["start"] + rng.uniform(15, 120)) if t is None else t
    cur = S["cur"]
    skipped = []
    giveup_at = dl - c["giveup"] if c.get("giveup") else None

    def click(tt, q, ch):
        S["ans"].append((tt, q["id"], ch))
        S["imp"].append(imp_local(rng, c, tt))
        cur[q["id"]] = ch

    rest = []
    for i, q in enumerate(qs):
        if giveup_at and t > giveup_at:
            rest = qs[i:]
            break
        ch, know = honest_choice(rng, q, c)
        t += q_time(rng, q, c, know)
        if t > dl - 2:
            return dl
        if not know and rng.random() < c["skip"] * 3:
            skipped.append(q)
            S["imp"].append((t, 0, rng.randint(3, 12)))
            continue
        if rng.random() < c["qchange"]:
            click(t - rng.uniform(1.5, 6), q, rng.choice([x for x in q["labels"] if x != ch]))
        click(t, q, ch)
    for q in skipped:
        ch, know = honest_choice(rng, q, c, 0.05)
        t += q_time(rng, q, c, know) * 0.7
        if t > dl - 2:
            return dl
        click(t, q, ch)
    for q in rest:  # giving up: rapid guessing
        t += rng.uniform(1.0, 4.0)
        if t > dl - 1:
            return dl
        click(t, q, rng.choice(q["labels"]))
    if c.get("review") and t < dl - 90:
        answered = [q for q in qs if q["id"] in cur]
        for q in sorted(rng.sample(answered, int(len(answered) * c["rfrac"])), key=lambda x: qs.index(x)):
            t += rng.uniform(3, 12) * min(c["speed"], 1.5)
            if t > dl - 3:
                return dl
            if cur[q["id"]] != q["key"] and rng.random() < c["fix"]:
                click(t, q, q["key"])
            elif cur[q["id"]] == q["key"] and rng.random() < c["brk"]:
                click(t, q, wrong(rng, q))
            elif S["C"]["reclick"] and rng.random() < 0.15:
                click(t, q, cur[q["id"]])  # this client re-sends an unchanged choice when clicked
            else:
                S["imp"].append((t, 0, rng.randint(2, 10)))
    return t


def run_seq(rng, S, qs, t, choose, per_q, mode, dl=None, c=None):
    """Answers given in sequence by someone (helper, operator, leak user). mode = local|none|keys|gadget."""
    dl = S["deadline"] if dl is None else dl
    for q in qs:
        t += per_q(q)
        if t > dl - 2:
            return dl
        ch = choose(q)
        S["ans"].append((t, q["id"], ch))
        S["cur"][q["id"]] = ch
        if mode == "local":
            S["imp"].append(imp_local(rng, c or {}, t))
        elif mode == "keys":
            S["imp"].append((t - rng.uniform(0.05, 0.4), rng.randint(2, 3), 0))
        elif mode == "gadget":
            S["imp"].append((t - rng.uniform(0.05, 0.3), 1, rng.randint(1, 3)))
    return t


def helper_pick(rng, theta):
    return lambda q: q["key"] if rng.random() < p_correct(theta, q) else wrong(rng, q)


def helper_pace(rng, tf=6.5, sc=10.0, sd=0.3):
    return lambda q: (tf if q["tf"] else sc) * rng.lognormvariate(0, sd)


# ---------------------------------------------------------------- terminal / session scaffolding
def new_uuid(r):
    h = "%032x" % r.getrandbits(128)
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) % 4], h[17:20], h[20:])


def terminal_profile(seed, centre, room, seat):
    C = CENTRES[centre]
    term = C["term"] % (room.replace("-", ""), seat)
    r = random.Random("%s|%s" % (seed, term))
    p = dict(term=term, rng_tag=term)
    if C["os"] == "uos":
        p["procs"] = [proc(n, path) for n, path in LINUX_CORE]
        p["procs"] += [proc("ksexam", "/opt/ksexam/bin/ksexam"), proc("ksguard", "/opt/ksexam/bin/ksguard")]
    else:
        p["procs"] = win_core(C["os"], r)
        p["procs"] += [proc("KsExamClient.exe", "C:\\KsExam\\bin\\KsExamClient.exe", EXAM_SIGNER),
                       proc("KsGuard.exe", "C:\\KsExam\\bin\\KsGuard.exe", EXAM_SIGNER)]
        if C["console"]:
            p["procs"].append(proc("StudentMain.exe", "C:\\Program Files (x86)\\Mythware\\e-Learning Class\\StudentMain.exe", "Mythware Co., Ltd."))
        if C["av"]:
            p["procs"] += AV[C["av"]]
        if C["support"]:
            p["procs"].append(SUPPORT[C["support"]]["p"])
        if C["os"] == "win11":
            p["procs"].append(proc("DockMgr.exe", "C:\\Program Files\\DockManager\\DockMgr.exe", "Synthetic Dock Vendor Inc."))
    # peripherals
    if C["periph"] == "wireless":
        p["devs"] = [dev("hid", *r.choice(WIRELESS))]
    elif C["periph"] == "dock":
        p["devs"] = [dev("other", "USB-C Dock", "17ef", "a396"), dev("other", "USB 10/100/1000 LAN", "0bda", "8153"),
                     dev("other", "USB Audio", "0bda", "4014"), dev("hid", *r.choice(KEYBOARDS)), dev("hid", *r.choice(MICE))]
    else:
        p["devs"] = [dev("hid", *r.choice(KEYBOARDS)), dev("hid", *r.choice(MICE))]
    if "camera" in C["extras"]:
        p["devs"].append(dev("other", "USB2.0 HD UVC WebCam", "0c45", "6366"))
    if "idreader" in C["extras"]:
        p["devs"].append(dev("other", "ID Card Reader", "0400", "c35a"))
    # display
    if C["periph"] == "dock":
        p["disp"] = (2, False, C["res"]) if r.random() < 0.8 else (1, False, "1920x1080")
    else:
        p["disp"] = (1, False, C["res"])
    # clock
    fmt = {"ntp": "ms+8", "cmos": "s+8", "utc": "msZ", "laptop": "us+8"}[C["clock"]]
    off, note = r.gauss(0, 0.3), None
    if C["clock"] == "ntp" and r.random() < 0.04:
        off, note = r.choice([-1, 1]) * r.uniform(30, 200), "clock-skew"
    elif C["clock"] == "cmos":
        off = r.uniform(-420, 420) if r.random() < 0.6 else r.gauss(0, 2)
        note = "clock-drift" if abs(off) > 20 else None
        if r.random() < 0.06:
            off, note = "reset2020", "clock-reset-2020"
    elif C["clock"] == "utc" and r.random() < 0.08:
        off, note = 28800 + r.gauss(0, 1), "clock-rtc-localtime-as-utc"
    elif C["clock"] == "laptop" and r.random() < 0.06:
        off, fmt, note = 28800 + r.gauss(0, 1), "ms+0", "clock-wrong-timezone"
    p["clock"] = dict(off=off, fmt=fmt, note=note)
    return p


def new_session(rng, seed, sit, seat, kind, variant, group=None):
    C = CENTRES[sit["centre"]]
    tp = terminal_profile(seed, sit["centre"], sit["room"], seat)
    S = dict(sid="ses-%s" % ("%012x" % rng.getrandbits(48)), cand="cand-%s" % ("%010x" % rng.getrandbits(40)),
             centre=sit["centre"], room=sit["room"], seat=("%02d" % seat), term=tp["term"], C=C, sit=sit,
             paper=sit["paper"], deadline=sit["start"] + sit["paper"]["minutes"] * 60, kind=kind, variant=variant,
             group=group, noise=[], ans=[], imp=[], cur={}, quiet=[], gaps=[], dev_changes=[], disp_changes=[],
             proc_timed=[], conn_timed=[], end_mode="submit", rng=random.Random(rng.getrandbits(64)))
    S["start"] = sit["start"] + rng.uniform(-240, 150)
    S["devs"] = [dict(d) for d in tp["devs"]]
    S["disp"] = tp["disp"]
    S["procs"] = [dict(p) for p in tp["procs"]]
    ck = dict(tp["clock"])
    if ck["off"] == "reset2020":
        boot = S["start"] - rng.uniform(300, 1500)
        ck["off"] = T(2020, 1, 1, 8, 0) - boot
    S["clock"] = dict(off=ck["off"], fmt=ck["fmt"], jumps=[])
    if ck["note"]:
        S["noise"].append(ck["note"])
    srv, port = C["server"]
    client = "ksexam" if C["os"] == "uos" else "KsExamClient.exe"
    S["client"] = client
    S["conns"] = [conn(srv, port, client)]
    if C["console"]:
        S["conns"].append(conn(C["console"] % C["rooms"][sit["room"]][0], C["console_port"], "StudentMain.exe"))
    if C["support"]:
        sp = SUPPORT[C["support"]]
        S["conns"].append(conn(sp["hb"][0], sp["hb"][1], sp["p"]["name"]))
        S["noise"].append("centre-support-tool-idle:%s" % C["support"])
    if C["periph"] == "wireless":
        S["noise"].append("centre-wireless-kbd-mouse")
    if C["periph"] == "dock":
        S["noise"].append("dock-%ddisplay%s" % (S["disp"][0], "" if S["disp"][0] == 1 else "-extended"))
    net = {"good": (0.08, 0.5, 0.002, 0.02, 0), "flaky": (0.3, 0.9, 0.012, 0.25, 0), "batched": (0.1, 0.4, 0.003, 0.03, 60),
           "retry": (0.15, 0.6, 0.025, 0.05, 0)}[C["net"]]
    S["net"] = dict(mu=net[0], sd=net[1], resend=net[2], batch=net[4], outages=[])
    S["p_outage"] = net[3]
    S["boot"] = rng.randint(1, 999)
    return S


# ---------------------------------------------------------------- honest noise
def apply_noise(rng, S, scale=1.0):
    C = S["C"]
    r = rng.random
    dl, st = S["deadline"], S["start"]
    if r() < 0.06 * scale:
        S["start"] = S["sit"]["start"] + rng.uniform(300, 1500)
        S["noise"].append("late-login")
    if r() < S["p_outage"] * scale:
        for _ in range(rng.randint(1, 3)):
            a = rng.uniform(st + 300, dl - 600)
            S["net"]["outages"].append((a, a + rng.uniform(20, 420)))
        S["noise"].append("network-outage-buffered")
    if r() < 0.03 * scale:
        S["clock"]["jumps"].append((rng.uniform(st + 600, dl - 1800), rng.gauss(0, 0.3)))
        S["clock"]["off"] = rng.choice([-1, 1]) * rng.uniform(60, 900)
        S["noise"].append("clock-jump-ntp-correction")
    for cls, pool, tag in (("kbd", KEYBOARDS, "invigilator-replaced-keyboard"), ("mouse", MICE, "invigilator-replaced-mouse")):
        if C["periph"] != "wireless" and r() < 0.03 * scale:
            S["pending_swap"] = S.get("pending_swap", []) + [(cls, pool, tag)]
    if r() < 0.02 * scale:
        S["pending_restart"] = True
    if r() < 0.015 * scale:
        S["end_mode"] = "missing"
        S["noise"].append("no-session-end-terminal-powered-off")
    front = S["centre"] == "ctr-p05" and S["seat"] == "01"
    if front or (C["periph"] == "wired" and r() < 0.01 * scale):
        S["disp"] = (2, True, C["res"])
        S["disp_changes"].append((S["start"] + rng.uniform(60, 420), (1, False, C["res"])))
        S["noise"].append("projector-connected-then-removed")
    if C["periph"] == "dock" and S["disp"][0] == 2 and r() < 0.12:
        S["disp"] = (2, True, "1920x1080")
        S["noise"] = [n for n in S["noise"] if not n.startswith("dock-")] + ["dock-duplicate-mode"]
    if C["periph"] == "dock" and r() < 0.05 * scale:
        a = rng.uniform(st + 900, dl - 900)
        S["disp_changes"] += [(a + 0.5, (1, False, "1920x1080")), (a + 25, S["disp"])]
        S["dev_changes"] += [(a, "removed", dev("other", "USB-C Dock", "17ef", "a396")),
                             (a + 24, "attached", dev("other", "USB-C Dock", "17ef", "a396"))]
        S["noise"].append("dock-cable-bumped")
    if r() < 0.02 * scale:
        a = S["start"] + rng.uniform(-200, 120)
        S["dev_changes"] += [(a, "attached", dev("storage", "USB Flash Disk", "090c", "1000")),
                             (a + rng.uniform(40, 150), "removed", dev("storage", "USB Flash Disk", "090c", "1000"))]
        S["noise"].append("it-usb-stick-at-start")
    if C["os"] == "uos" and r() < 0.04 * scale:
        a = rng.uniform(st + 600, dl - 1200)
        S["conn_timed"].append((a, a + rng.uniform(60, 300), conn("10.50.3.1", 22, "sshd")))
        S["noise"].append("it-ssh-fix")
    if C["support"] and r() < 0.05 * scale:
        S["pending_itfix"] = True
    # background transient processes and occasional cloud connections
    trans = TRANSIENT_LINUX if C["os"] == "uos" else TRANSIENT_WIN
    for _ in range(rng.randint(0, 4)):
        a = rng.uniform(st, dl)
        n = rng.choice(trans)
        path = ("/usr/bin/" + n) if C["os"] == "uos" else ("C:\\Windows\\System32\\" + n)
        S["proc_timed"].append((a, a + rng.uniform(20, 400), proc(n, path, "" if C["os"] == "uos" else MSW)))
    if C["av"]:
        pn, host, port = AV_CLOUD[C["av"]]
        for _ in range(rng.randint(0, 3)):
            a = rng.uniform(st, dl)
            S["conn_timed"].append((a, a + rng.uniform(5, 90), conn(host, port, pn)))
    if C["os"] != "uos" and r() < 0.3:
        a = rng.uniform(st, dl)
        S["conn_timed"].append((a, a + rng.uniform(10, 120), conn("dl-7.winupdate.example", 443, "svchost.exe")))


def apply_pauses(rng, S):
    """Keyboard/mouse swaps and client restarts insert pauses after the plan is made."""
    pauses = []
    for cls, pool, tag in S.pop("pending_swap", []):
        idx = 0 if cls == "kbd" else 1
        hid = [d for d in S["devs"] if d["class"] == "hid"]
        if len(hid) <= idx:
            continue
        old = hid[idx]
        new = dev("hid", *rng.choice([x for x in pool if x[1] != old["vid"]]))
        a = rng.uniform(S["start"] + 300, S["deadline"] - 1800)
        d = rng.uniform(30, 150)
        S["dev_changes"] += [(a, "removed", old), (a + d, "attached", new)]
        S["quiet"].append((a, a + d, 0.0))
        pauses.append((a, d))
        S["noise"].append(tag)
    if S.pop("pending_restart", False):
        a = rng.uniform(S["start"] + 600, S["deadline"] - 1800)
        d = rng.uniform(60, 240)
        S["gaps"].append((a, a + d))
        S["proc_timed"].append((a - 20, a + 1, proc("WerFault.exe", "C:\\Windows\\System32\\WerFault.exe", MSW)))
        pauses.append((a, d))
        S["noise"].append("exam-client-crash-restart")
    if S.pop("pending_itfix", False):  # IT connects with the centre's own tool to un-stick the client
        a = rng.uniform(S["start"] + 600, S["deadline"] - 1800)
        d = rng.uniform(90, 300)
        sp = SUPPORT[S["C"]["support"]]
        S["conn_timed"].append((a, a + d, conn(sp["data"][0], sp["data"][1], sp["p"]["name"])))
        for p in sp["live"]:
            S["proc_timed"].append((a, a + d, p))
        S["quiet"].append((a, a + d, 0.1))
        pauses.append((a, d))
        S["noise"].append("it-remote-support-session-no-answers")
    for a, d in sorted(pauses, reverse=True):
        S["ans"] = [(t + d if t > a else t, q, c) for t, q, c in S["ans"]]
        S["imp"] = [(t + d if t > a else t, k, p) for t, k, p in S["imp"]]
        if S.get("end") and S["end"] > a:
            S["end"] += d
    dl = S["deadline"]
    S["ans"] = [x for x in S["ans"] if x[0] < dl]
    if S.get("end") and S["end"] > dl:
        S["end"] = dl + rng.uniform(0.5, 3)


def finish(rng, S, t_done, c=None):
    if t_done >= S["deadline"] - 2:
        S["end"] = S["deadline"] + rng.uniform(0.5, 3)  # auto-submit at time-out
    else:
        linger = c["linger"] if c else rng.choice([10, 60, 400])
        S["end"] = min(t_done + rng.uniform(3, 30) + rng.uniform(0, linger), S["deadline"] + rng.uniform(0.5, 3))
        S["imp"].append((S["end"] - rng.uniform(0.5, 2), 0, rng.randint(5, 20)))


# ---------------------------------------------------------------- software variants
def remaining(S):
    return [q for q in S["paper"]["qs"] if q["id"] not in S["cur"]]


def takeover(rng, S, c, tc, theta, mode, fix_p=0.7, pace=None):
    """Outside helper answers everything still open, then fixes the candidate's wrong answers."""
    pace = pace or helper_pace(rng, rng.uniform(5, 11), rng.uniform(8, 17))
    pick = helper_pick(rng, theta)
    early = [q for q in S["paper"]["qs"] if q["id"] in S["cur"]]
    t = run_seq(rng, S, remaining(S), tc + rng.uniform(5, 25), pick, pace, mode, c=c)
    for q in early:
        if S["cur"][q["id"]] != q["key"] and rng.random() < fix_p:
            t = run_seq(rng, S, [q], t, lambda x: x["key"], lambda x: rng.uniform(3, 9), mode, c=c)
    return t


def cheat_cand(rng, S):
    c = make_cand(rng, rng.choice(["typical", "typical", "weak-guesser"]))
    c.update(review=False, giveup=None, linger=rng.choice([20, 120, 600, 1500, 2400]))
    S["fidget"] = c["fidget"]
    return c


def v_remote_tool(rng, S):
    c = cheat_cand(rng, S)
    qs = S["paper"]["qs"]
    t = honest_plan(rng, S, c, qs=qs[:rng.randint(3, 40)])
    if S["C"]["os"] == "uos":
        tool = ("ToDesk", "/opt/todesk/bin/ToDesk", "", "relay-cn-9.todesk.example", "198.51.100.144", 443)
    else:
        tool = rng.choice([("ToDesk.exe", "C:\\Program Files\\ToDesk\\ToDesk.exe", "Hainan Youqu Technology Co., Ltd.", "relay-cn-9.todesk.example", "198.51.100.144", 443),
                           ("AnyDesk.exe", "C:\\Users\\exam\\Downloads\\AnyDesk.exe", "AnyDesk Software GmbH", "boot-3.anydesk.example", "198.51.100.61", 6568),
                           ("TeamViewer.exe", "C:\\Users\\exam\\AppData\\Local\\Temp\\TeamViewer\\TeamViewer.exe", "TeamViewer Germany GmbH", "router-11.teamviewer.example", "198.51.100.18", 5938)])
    tl = S["start"] - rng.uniform(30, 400) if rng.random() < 0.3 else t + rng.uniform(5, 60)
    tc = max(t, tl) + rng.uniform(20, 120)
    S["proc_timed"].append((tl, 1e12, proc(tool[0], tool[1], tool[2])))
    S["conn_timed"] += [(tl + 3, 1e12, conn(tool[3], 443, tool[0])), (tc, 1e12, conn(tool[4], tool[5], tool[0]))]
    counted = rng.random() < 0.34
    S["quiet"].append((tc, 1e12, 0.1))
    S["vnote"] = "tool=%s%s" % (tool[0], ",agent-counts-injected-input" if counted else "")
    finish(rng, S, takeover(rng, S, c, tc, rng.uniform(1.2, 3.0), "local" if counted else "none"), c)


def v_meeting(rng, S, idx):
    c = cheat_cand(rng, S)
    app = [("wemeetapp.exe", "C:\\Program Files (x86)\\Tencent\\WeMeet\\wemeetapp.exe", "Tencent Technology (Shenzhen) Company Limited", "meeting-edge-4.wemeet.example"),
           ("DingTalk.exe", "C:\\Program Files (x86)\\DingDing\\main\\current\\DingTalk.exe", "Alibaba (China) Network Technology Co., Ltd.", "media-2.dingtalk.example"),
           ("wemeetapp.exe", "C:\\Program Files (x86)\\Tencent\\WeMeet\\wemeetapp.exe", "Tencent Technology (Shenzhen) Company Limited", "meeting-edge-9.wemeet.example")][idx % 3]
    qs = S["paper"]["qs"]
    t = S["start"] + rng.uniform(20, 90)
    if idx % 3 == 2:  # started after a toilet break, mid-exam
        t = honest_plan(rng, S, c, qs=qs[:rng.randint(20, 50)])
        tl = t + rng.uniform(120, 400)
        S["quiet"].append((t + 5, tl, 0.0))
        t = tl + 40
    else:
        tl = S["start"] - rng.uniform(60, 600)
    S["proc_timed"].append((tl, 1e12, proc(*app[:3])))
    S["conn_timed"] += [(tl + 2, 1e12, conn(app[3], 443, app[0])), (tl + 4, 1e12, conn("203.0.113.%d" % rng.randint(100, 140), 8000, app[0]))]
    pace = lambda q: (9 if q["tf"] else 14) * rng.lognormvariate(0, 0.25) + rng.uniform(1, 6)  # helper reads, then dictates
    t = run_seq(rng, S, remaining(S), t, helper_pick(rng, rng.uniform(1.3, 2.8)), pace, "local", c=c)
    S["vnote"] = "app=%s%s" % (app[0], ",launched-mid-exam" if idx % 3 == 2 else ",running-before-login")
    finish(rng, S, t, c)


def v_renamed(rng, S, idx):
    c = cheat_cand(rng, S)
    disguise = [("svchost.exe", "C:\\Users\\Public\\Libraries\\svchost.exe", "AnyDesk Software GmbH", "198.51.100.62", 443),
                ("igfxTray.exe", "C:\\ProgramData\\Intel\\igfxTray.exe", "", "203.0.113.74", 6568),
                ("KsExamHelper.exe", "C:\\KsExam\\bin\\KsExamHelper.exe", "", "relay-3.rd-selfhost.example", 21117)][idx % 3]
    S["proc_timed"].append((S["start"] - 900, 1e12, proc(*disguise[:3])))
    S["conn_timed"].append((S["start"] - 900, 1e12, conn(disguise[3], disguise[4], disguise[0])))
    t = honest_plan(rng, S, c, qs=S["paper"]["qs"][:rng.randint(0, 8)])
    tc = t + rng.uniform(10, 60)
    S["quiet"].append((tc, 1e12, 0.12))
    S["vnote"] = "binary=%s" % disguise[1]
    finish(rng, S, takeover(rng, S, c, tc, rng.uniform(2.2, 3.2), "none"), c)


def v_vnc(rng, S):
    c = cheat_cand(rng, S)
    t = honest_plan(rng, S, c, qs=S["paper"]["qs"][:rng.randint(5, 30)])
    tc = t + rng.uniform(10, 90)
    if S["C"]["os"] == "uos":
        S["proc_timed"].append((tc - 30, 1e12, proc("x11vnc", "/usr/bin/x11vnc")))
        S["conn_timed"].append((tc, 1e12, conn("203.0.113.19", 5500, "x11vnc")))
        S["vnote"] = "x11vnc-reverse-connect"
    else:
        S["proc_timed"] += [(S["start"] - 3000, 1e12, proc("tvnserver.exe", "C:\\Program Files\\TightVNC\\tvnserver.exe", "GlavSoft LLC."))]
        S["conn_timed"].append((tc, 1e12, conn("192.168.20.%d" % rng.randint(60, 99), 5900, "tvnserver.exe")))
        S["vnote"] = "tightvnc-service-inbound-from-lan-laptop"
    S["quiet"].append((tc, 1e12, 0.15))
    finish(rng, S, takeover(rng, S, c, tc, rng.uniform(1.2, 3.0), "none"), c)


def v_tunnel(rng, S):
    c = cheat_cand(rng, S)
    t = honest_plan(rng, S, c, qs=S["paper"]["qs"][:rng.randint(0, 25)])
    tc = t + rng.uniform(30, 200)
    if S["C"]["os"] == "uos":
        S["proc_timed"] += [(S["start"] - 600, 1e12, proc("ssh", "/usr/bin/ssh")), (tc - 10, 1e12, proc("x11vnc", "/usr/bin/x11vnc"))]
        S["conn_timed"] += [(S["start"] - 600, 1e12, conn("203.0.113.23", 22, "ssh")), (tc, 1e12, conn("127.0.0.1", 5900, "x11vnc"))]
        S["vnote"] = "ssh-reverse-tunnel+x11vnc-on-localhost"
    else:
        S["proc_timed"] += [(S["start"] - 600, 1e12, proc("WinUpdateSvc.exe", "C:\\Windows\\Temp\\WinUpdateSvc.exe")),
                            (tc, 1e12, proc("rdpclip.exe", "C:\\Windows\\System32\\rdpclip.exe", MSW))]
        S["conn_timed"] += [(S["start"] - 600, 1e12, conn("203.0.113.51", 7000, "WinUpdateSvc.exe")),
                            (tc, 1e12, conn("127.0.0.1", 3389, "svchost.exe"))]
        S["vnote"] = "frp-client-renamed+rdp-shadow"
    S["quiet"].append((tc, 1e12, 0.1))
    finish(rng, S, takeover(rng, S, c, tc, rng.uniform(1.2, 3.0), "none"), c)


def v_abused_support(rng, S):
    c = cheat_cand(rng, S)
    t = honest_plan(rng, S, c, qs=S["paper"]["qs"][:rng.randint(10, 60)])
    tc = t + rng.uniform(10, 120)
    sp = SUPPORT[S["C"]["support"]]
    S["conn_timed"].append((tc, 1e12, conn(sp["data"][0], sp["data"][1], sp["p"]["name"])))
    for p in sp["live"]:
        S["proc_timed"].append((tc - 2, 1e12, p))
    S["quiet"].append((tc, 1e12, 0.15))
    S["vnote"] = "tool=%s(centre-installed)" % S["C"]["support"]
    finish(rng, S, takeover(rng, S, c, tc, rng.uniform(1.3, 2.8), "none", fix_p=0.5), c)


def v_browser(rng, S):
    c = cheat_cand(rng, S)
    t = honest_plan(rng, S, c, qs=S["paper"]["qs"][:rng.randint(5, 30)])
    tl = t + rng.uniform(20, 200)
    if S["C"]["os"] == "win7":
        b = ("chrome.exe", "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "Google LLC")
    else:
        b = ("msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", MSC)
    for _ in range(rng.randint(3, 6)):
        S["proc_timed"].append((tl, 1e12, proc(*b)))
    S["conn_timed"] += [(tl + 3, 1e12, conn("share-7.webmeet.example", 443, b[0])), (tl + 8, 1e12, conn("turn-2.webmeet.example", 3478, b[0]))]
    pace = lambda q: (9 if q["tf"] else 14) * rng.lognormvariate(0, 0.25) + rng.uniform(1, 6)
    t = run_seq(rng, S, remaining(S), tl + 60, helper_pick(rng, rng.uniform(1.3, 2.8)), pace, "local", c=c)
    S["vnote"] = "browser=%s-getDisplayMedia" % b[0]
    finish(rng, S, t, c)


def v_late_partial(rng, S):
    c = cheat_cand(rng, S)
    c.update(skip=0.3)
    tc = S["deadline"] - rng.uniform(900, 1500)
    t = honest_plan(rng, S, c, stop_at=tc - 120)
    tc = max(tc, t + 30)
    tool = rng.choice([("AnyDesk.exe", "C:\\Users\\exam\\Downloads\\AnyDesk.exe", "AnyDesk Software GmbH", "198.51.100.63", 6568),
                       ("ToDesk_Lite.exe", "C:\\Users\\exam\\Desktop\\ToDesk_Lite.exe", "Hainan Youqu Technology Co., Ltd.", "198.51.100.145", 443)])
    S["proc_timed"].append((tc - 40, 1e12, proc(*tool[:3])))
    S["conn_timed"].append((tc, 1e12, conn(tool[3], tool[4], tool[0])))
    S["quiet"].append((tc, 1e12, 0.1))
    S["vnote"] = "tool=%s,last-%dmin" % (tool[0], int((S["deadline"] - tc) / 60))
    finish(rng, S, takeover(rng, S, c, tc, rng.uniform(1.5, 3.0), "none", fix_p=0.4,
                            pace=helper_pace(rng, 4.5, 7.0)), c)


# ---------------------------------------------------------------- hardware variants
def dictated(rng, S, c, t, theta):
    pace = lambda q: (8 if q["tf"] else 13) * rng.lognormvariate(0, 0.25) + rng.uniform(1, 5)
    return run_seq(rng, S, remaining(S), t, helper_pick(rng, theta), pace, "local", c=c)


def v_hid_injector(rng, S, idx):
    c = cheat_cand(rng, S)
    t = honest_plan(rng, S, c, qs=S["paper"]["qs"][:rng.randint(2, 20)])
    d = [("Arduino Leonardo", "2341", "8036"), ("HID Keyboard Device", "303a", "1001"), ("USB Input Device", "2341", "8037")][idx % 3]
    ta = t + rng.uniform(10, 120)
    S["dev_changes"].append((ta, "attached", dev("hid", *d)))
    S["quiet"].append((ta, 1e12, 0.3))
    S["vnote"] = "device=%s:%s:%s,keys-only" % d
    finish(rng, S, takeover(rng, S, c, ta + rng.uniform(20, 90), rng.uniform(1.5, 3.0), "keys"), c)


def v_ch9329(rng, S):
    c = cheat_cand(rng, S)
    t = honest_plan(rng, S, c, qs=S["paper"]["qs"][:rng.randint(0, 15)])
    kb = [d for d in S["devs"] if d["class"] == "hid"][0]
    ta = t + rng.uniform(10, 200)
    new = dev("hid", "USB Keyboard", "1a86", "e129")
    S["dev_changes"] += [(ta, "removed", kb), (ta + rng.uniform(15, 70), "attached", new)]
    S["quiet"].append((ta, ta + 60, 0.0))
    S["vnote"] = "keyboard-swapped-for-ch9329-bridge"
    finish(rng, S, takeover(rng, S, c, ta + rng.uniform(80, 200), rng.uniform(1.5, 3.0), "keys"), c)


def v_hidden_receiver(rng, S):
    c = cheat_cand(rng, S)
    if S["C"]["periph"] == "wireless":
        extra = dev("hid", *[x for x in WIRELESS if x[1] == S["devs"][0]["vid"]][0])  # a second, identical receiver
        S["vnote"] = "second-receiver-identical-model"
    else:
        extra = dev("hid", *rng.choice([("USB Receiver", "1915", "1025"), ("2.4G Receiver", "25a7", "fa61")]))
        S["vnote"] = "extra-receiver-%s:%s" % (extra["vid"], extra["pid"])
    S["devs"].append(extra)
    helper = dict(c, kbd=False)
    t = run_seq(rng, S, S["paper"]["qs"], S["start"] + rng.uniform(30, 100), helper_pick(rng, rng.uniform(1.3, 2.8)),
                lambda q: (9 if q["tf"] else 14) * rng.lognormvariate(0, 0.3), "local", c=helper)
    S["quiet"].append((S["start"] + 30, 1e12, 0.4))
    finish(rng, S, t, c)


def v_splitter(rng, S, edid_only, idx):
    c = cheat_cand(rng, S)
    res = S["C"]["res"]
    if edid_only:
        if idx % 2 == 0:
            S["disp"] = (1, False, "1920x1080" if res != "1920x1080" else "1280x720")
            S["vnote"] = "resolution-from-splitter-edid"
        else:
            S["disp_changes"].append((S["start"] + rng.uniform(60, 400), (1, False, "1280x720")))
            S["vnote"] = "splitter-inserted-after-login,resolution-change"
    else:
        S["disp"] = (2, True, res)
        S["vnote"] = "mirrored-second-output"
    finish(rng, S, dictated(rng, S, c, S["start"] + rng.uniform(30, 150), rng.uniform(0.8, 2.8)), c)


def v_kvm(rng, S):
    c = cheat_cand(rng, S)
    k = dev("hid", "KVM Extender HID", "0557", "2419")
    S["devs"] = [d for d in S["devs"] if d["class"] != "hid"] + [k]
    qs = S["paper"]["qs"]
    t = S["start"] + rng.uniform(20, 90)
    n = len(qs)
    cuts = sorted(rng.sample(range(10, n - 10), 3))
    blocks = [qs[:cuts[0]], qs[cuts[0]:cuts[1]], qs[cuts[1]:cuts[2]], qs[cuts[2]:]]
    helper = dict(c, kbd=rng.random() < 0.5)
    for i, b in enumerate(blocks):
        if i % 2 == 0:
            t = honest_plan(rng, S, c, qs=b, t=t)
        else:
            ts = t + rng.uniform(10, 60)
            S["dev_changes"] += [(ts, "removed", k), (ts + rng.uniform(1, 3), "attached", k)]
            S["disp_changes"].append((ts + 2, S["disp"]))
            t = run_seq(rng, S, b, ts + 5, helper_pick(rng, 2.6), helper_pace(rng), "local", c=helper)
            S["dev_changes"] += [(t + 3, "removed", k), (t + 5, "attached", k)]
            S["disp_changes"].append((t + 5, S["disp"]))
            t += 10
    # helper takes the rest and fixes
    t = takeover(rng, S, helper, t + 20, 2.6, "local", fix_p=0.6)
    S["vnote"] = "kvm-hid-0557:2419,re-enumerates-on-switch"
    finish(rng, S, t, c)


def v_gadget(rng, S):
    c = cheat_cand(rng, S)
    t = honest_plan(rng, S, c, qs=S["paper"]["qs"][:rng.randint(5, 30)])
    ta = t + rng.uniform(20, 100)
    S["dev_changes"] += [(ta, "attached", dev("hid", "Composite Gadget", "1d6b", "0104")),
                         (ta + 0.4, "attached", dev("storage", "File-Stor Gadget", "0525", "a4a5"))]
    S["quiet"].append((ta, 1e12, 0.2))
    S["vnote"] = "pi-zero-usb-gadget,scripted-cadence"
    finish(rng, S, takeover(rng, S, c, ta + 30, 2.8, "gadget", pace=lambda q: rng.uniform(3.0, 4.6)), c)


def v_wireless_display(rng, S):
    c = cheat_cand(rng, S)
    t = honest_plan(rng, S, c, qs=S["paper"]["qs"][:rng.randint(5, 25)])
    ta = t + rng.uniform(30, 200)
    S["dev_changes"].append((ta, "attached", dev("other", "802.11ac WLAN Adapter", "0bda", "c811")))
    S["disp_changes"].append((ta + rng.uniform(20, 60), (2, True, S["C"]["res"])))
    S["vnote"] = "usb-wifi+miracast-mirror"
    finish(rng, S, dictated(rng, S, c, ta + 90, 2.6), c)


# ---------------------------------------------------------------- operator groups
def op_base(rng, qs, theta):
    return {q["id"]: (q["key"] if rng.random() < p_correct(theta, q) else wrong(rng, q)) for q in qs}


def multiplex(rng, group, base, t0, pace, mode, chunk=(8, 20), vary=0, rotate=False):
    qs = group[0]["paper"]["qs"]
    orders, flips, pos, wins = [], [], [0] * len(group), [[] for _ in group]
    for i, S in enumerate(group):
        o = list(qs)
        if rotate and i % 2 == 1:
            cut = [j for j, q in enumerate(qs) if not q["tf"]][0]
            o = o[cut:] + o[:cut]
        orders.append(o)
        flips.append(set(q["id"] for q in rng.sample(qs, vary)) if vary else set())
    t = t0
    dl = min(S["deadline"] for S in group)
    while any(p < len(qs) for p in pos) and t < dl - 5:
        for i, S in enumerate(group):
            if pos[i] >= len(qs):
                continue
            t += rng.uniform(4, 20)
            n = rng.randint(*chunk)
            w0 = t
            fl = flips[i]
            pick = lambda q, fl=fl: (rng.choice([x for x in q["labels"] if x != base[q["id"]]]) if q["id"] in fl else base[q["id"]])
            t = run_seq(rng, S, orders[i][pos[i]:pos[i] + n], t, pick, pace, mode, c={"kbd": False})
            wins[i].append((w0 - 3, t + 2))
            pos[i] += n
            if pos[i] >= len(qs):
                S["end"] = min(t + rng.uniform(2, 12), dl)
            if t >= dl - 5:
                break
    for S in group:
        if "end" not in S:
            S["end"] = S["deadline"] + rng.uniform(0.5, 3)
    return wins


def g_relay(rng, G):
    base = op_base(rng, G[0]["paper"]["qs"], 2.6)
    for S in G:
        S["proc_timed"].append((S["start"] - 1200, 1e12, proc("AnyDesk.exe", "C:\\Users\\Public\\AnyDesk.exe", "AnyDesk Software GmbH")))
        S["conn_timed"].append((S["start"] - 1200, 1e12, conn("198.51.100.203", 6568, "AnyDesk.exe")))
        S["quiet"].append((S["start"] + 60, 1e12, 0.1))
    multiplex(rng, G, base, max(S["start"] for S in G) + 60, helper_pace(rng, 5, 8, 0.25), "none")


def g_console(rng, G):
    base = {q["id"]: q["key"] for q in G[0]["paper"]["qs"]}
    for q in rng.sample(G[0]["paper"]["qs"], 4):
        base[q["id"]] = wrong(rng, q)
    wins = multiplex(rng, G, base, max(S["start"] for S in G) + rng.uniform(300, 900),
                     helper_pace(rng, 4, 6, 0.3), "none", chunk=(15, 35), vary=rng.randint(3, 6))
    for S, w in zip(G, wins):
        for a, b in w:
            S["conn_timed"].append((a, b, conn("10.31.9.250", 4988, "StudentMain.exe")))
            S["quiet"].append((a, b, 0.15))


def g_hidfarm(rng, G):
    base = op_base(rng, G[0]["paper"]["qs"], 2.4)
    for S in G:
        S["devs"].append(dev("hid", "HID Keyboard Device", "303a", "4001"))
        S["quiet"].append((S["start"] + 30, 1e12, 0.25))
    multiplex(rng, G, base, max(S["start"] for S in G) + 90, helper_pace(rng, 4, 7, 0.3), "keys", chunk=(5, 10))


def g_sequential(rng, G):
    qs = G[0]["paper"]["qs"]
    base = op_base(rng, qs, 2.2)
    early = {q["id"]: rng.choice([x for x in q["labels"] if x != base[q["id"]]]) for q in rng.sample(qs, 4)}
    op = {"kbd": False}
    t = max(S["start"] for S in G) + rng.uniform(60, 200)
    for S in G:
        S["quiet"].append((S["start"], t, 0.3))
        for q in qs:
            t += (6 if q["tf"] else 9) * rng.lognormvariate(0, 0.3)
            if q["id"] in early:
                run_seq(rng, S, [q], t - 2, lambda x: early[x["id"]], lambda x: 0.1, "local", c=op)
            t = run_seq(rng, S, [q], t, lambda x: base[x["id"]], lambda x: 0.1, "local", c=op)
        S["end"] = t + rng.uniform(3, 10)
        t = S["end"] + rng.uniform(40, 150)


def g_varied(rng, G):
    base = op_base(rng, G[0]["paper"]["qs"], 2.5)
    for S in G:
        S["proc_timed"].append((S["start"] - 2000, 1e12, proc("RuntimeBroker.exe", "C:\\Users\\Public\\Music\\RuntimeBroker.exe")))
        S["conn_timed"].append((S["start"] - 2000, 1e12, conn("203.0.113.45", 443, "RuntimeBroker.exe")))
        S["quiet"].append((S["start"] + 60, 1e12, 0.12))
    multiplex(rng, G, base, max(S["start"] for S in G) + 120, helper_pace(rng, 6, 9, 0.35), "none",
              chunk=(10, 25), vary=rng.randint(6, 10), rotate=True)


def g_dictation(rng, G):
    qs = G[0]["paper"]["qs"]
    base = op_base(rng, qs, 2.5)
    for S in G:
        S["proc_timed"].append((S["start"] - 300, 1e12, proc("wemeetapp.exe", "C:\\Program Files (x86)\\Tencent\\WeMeet\\wemeetapp.exe", "Tencent Technology (Shenzhen) Company Limited")))
        S["conn_timed"].append((S["start"] - 290, 1e12, conn("meeting-edge-7.wemeet.example", 443, "wemeetapp.exe")))
        S["fidget"] = rng.uniform(1, 4)
    t = max(S["start"] for S in G) + rng.uniform(60, 150)
    cands = [make_cand(rng) for _ in G]
    for q in qs:
        t += (10 if q["tf"] else 15) * rng.lognormvariate(0, 0.25)
        if t > G[0]["deadline"] - 10:
            break
        for S, c in zip(G, cands):
            ch = base[q["id"]] if rng.random() > 0.02 else rng.choice(q["labels"])
            run_seq(rng, S, [q], t, lambda x, ch=ch: ch, lambda x: rng.uniform(1, 8), "local", c=c)
    for S in G:
        finish(rng, S, t + rng.uniform(5, 30))


# ---------------------------------------------------------------- leak groups
def leak_key(rng, qs, shift=0, typos=0):
    k = {q["id"]: q["key"] for q in qs}
    if shift:
        sc = [i for i, q in enumerate(qs) if not q["tf"]]
        i0 = rng.randint(sc[0], sc[-1] - shift - 1)
        for i in range(i0, i0 + shift):
            k[qs[i]["id"]] = qs[i + 1]["key"] if qs[i + 1]["key"] in qs[i]["labels"] else qs[i]["labels"][0]
    for q in rng.sample(qs, typos):
        k[q["id"]] = rng.choice([x for x in q["labels"] if x != q["key"]])
    return k


def leak_cand(rng, S):
    c = make_cand(rng, rng.choice(["typical", "typical", "weak-guesser"]))
    c.update(giveup=None)
    S["fidget"] = c["fidget"]
    return c


def g_leak_full(rng, G):
    qs = G[0]["paper"]["qs"]
    key = leak_key(rng, qs, shift=6, typos=2)
    for i, S in enumerate(G):
        c = leak_cand(rng, S)
        spread = i % 3 == 2
        pace = (lambda q: rng.uniform(12, 30)) if spread else (lambda q: rng.uniform(2.5, 7))
        pick = lambda q, c=c: key[q["id"]] if rng.random() < 0.97 else honest_choice(rng, q, c)[0]
        t = run_seq(rng, S, qs, S["start"] + rng.uniform(20, 80), pick, pace, "local", c=c)
        S["vnote"] = "in-order-%s" % ("spread-to-look-normal" if spread else "fast")
        c["linger"] = rng.choice([60, 900, 2400])
        finish(rng, S, t, c)


def g_leak_tf(rng, G):
    qs = G[0]["paper"]["qs"]
    key = leak_key(rng, [q for q in qs if q["tf"]], typos=1)
    for S in G:
        c = leak_cand(rng, S)
        t = run_seq(rng, S, [q for q in qs if q["tf"]], S["start"] + rng.uniform(20, 80),
                    lambda q: key[q["id"]], lambda q: rng.uniform(3, 8), "local", c=c)
        t = honest_plan(rng, S, c, qs=[q for q in qs if not q["tf"]], t=t)
        finish(rng, S, t, c)


def g_leak_mid(rng, G):
    qs = G[0]["paper"]["qs"]
    key = leak_key(rng, qs, typos=1)
    for S in G:
        c = leak_cand(rng, S)
        c.update(review=False)
        tr = S["sit"]["start"] + rng.uniform(1800, 3000)
        t = honest_plan(rng, S, c, stop_at=tr)
        t = tr
        S["ans"] = [a for a in S["ans"] if a[0] < tr]
        S["cur"] = {}
        for a in S["ans"]:
            S["cur"][a[1]] = a[2]
        fixes = [q for q in qs if q["id"] in S["cur"] and S["cur"][q["id"]] != key[q["id"]]]
        t = run_seq(rng, S, fixes, t + rng.uniform(5, 40), lambda q: key[q["id"]], lambda q: rng.uniform(2.5, 6), "local", c=c)
        t = run_seq(rng, S, remaining(S), t, lambda q: key[q["id"]], lambda q: rng.uniform(3, 7), "local", c=c)
        S["vnote"] = "key-arrived-at+%dmin,%d-changes" % ((tr - S["sit"]["start"]) / 60, len(fixes))
        finish(rng, S, t, c)


def g_leak_hard(rng, G):
    qs = G[0]["paper"]["qs"]
    hard = set(q["id"] for q in sorted(qs, key=lambda q: -q["b"])[:25])
    for S in G:
        c = leak_cand(rng, S)
        t = S["start"] + rng.uniform(20, 100)
        for q in qs:
            if q["id"] in hard:
                t += rng.uniform(4, 9)
                ch = q["key"] if rng.random() < 0.95 else wrong(rng, q)
            else:
                ch, know = honest_choice(rng, q, c)
                t += q_time(rng, q, c, know)
            if t > S["deadline"] - 2:
                break
            run_seq(rng, S, [q], t, lambda x, ch=ch: ch, lambda x: 0.0, "local", c=c)
        finish(rng, S, min(t, S["deadline"]), c)


def g_leak_misses(rng, G):
    qs = G[0]["paper"]["qs"]
    for S in G:
        c = leak_cand(rng, S)
        miss = set(q["id"] for q in rng.sample(qs, rng.randint(8, 12)))
        fake = set(q["id"] for q in rng.sample(qs, rng.randint(2, 4)))
        t = S["start"] + rng.uniform(20, 100)
        for q in qs:
            t += rng.uniform(7, 16)
            if q["id"] in fake:
                run_seq(rng, S, [q], t - rng.uniform(2, 5), lambda x: wrong(rng, x), lambda x: 0.0, "local", c=c)
            ch = rng.choice([x for x in q["labels"] if x != q["key"]]) if q["id"] in miss else q["key"]
            run_seq(rng, S, [q], t, lambda x, ch=ch: ch, lambda x: 0.0, "local", c=c)
        c["linger"] = 600
        finish(rng, S, t, c)


# ---------------------------------------------------------------- rendering: clocks, transport, ids
def fmt_time(t, fmt):
    if fmt.endswith("Z") or fmt.endswith("+0"):
        d, tail = dt.datetime.fromtimestamp(t, UTC), ("Z" if fmt.endswith("Z") else "+00:00")
    else:
        d, tail = dt.datetime.fromtimestamp(t, BJ), "+08:00"
    s = d.strftime("%Y-%m-%dT%H:%M:%S")
    if fmt.startswith("ms"):
        s += ".%03d" % (d.microsecond // 1000)
    elif fmt.startswith("us"):
        s += ".%06d" % d.microsecond
    return s + tail


def clock_at(S, t):
    off = S["clock"]["off"]
    for tj, new in S["clock"]["jumps"]:
        if t >= tj:
            off = new
    return fmt_time(t + off, S["clock"]["fmt"])


def arrivals(rng, S, t, kind):
    net = S["net"]
    a = t + rng.lognormvariate(math.log(net["mu"]), net["sd"])
    p = net["resend"]
    if net["batch"] and kind in ("input", "processes", "connections", "device", "display"):
        ph = S["batch_phase"]
        a = ph + math.ceil((t - ph) / net["batch"]) * net["batch"] + rng.uniform(0.05, 0.8)
        if S.get("end") and t <= S["end"] and S["end_mode"] == "submit":
            a = min(a, S["end"] + rng.uniform(0.3, 1.5))  # flushed on submit
    for o0, o1 in net["outages"]:
        if o0 <= t < o1:
            a = o1 + rng.uniform(0.5, 6) + (t - o0) * 0.002
            p = 0.25
    out = [a]
    if rng.random() < p:
        out.append(a + rng.uniform(1, 45))
    return out


def state_at(initial, changes, t, is_dev):
    cur = [dict(d) for d in initial] if is_dev else initial
    for tc, *rest in sorted(changes, key=lambda x: x[0]):
        if tc > t:
            break
        if is_dev:
            action, d = rest
            if action == "attached":
                cur.append(dict(d))
            elif action == "removed":
                for i, x in enumerate(cur):
                    if x["vid"] == d["vid"] and x["pid"] == d["pid"]:
                        del cur[i]
                        break
        else:
            cur = rest[0]
    return cur


def render(S, out, counter):
    rng = S["rng"]
    C = S["C"]
    st, end = S["start"], S["end"]
    stop = end if S["end_mode"] == "submit" else end - rng.uniform(5, 60)
    ev = [(st, "session_start", {"candidate": S["cand"], "exam": S["paper"]["id"], "centre": S["centre"],
                                 "room": S["room"], "seat": S["seat"], "terminal": S["term"]})]

    def present(t0):
        for d in state_at(S["devs"], S["dev_changes"], t0, True):
            ev.append((t0 + rng.uniform(0.05, 0.8), "device", dict(action="present", **d)))
        n, m, r = state_at(S["disp"], S["disp_changes"], t0, False)
        ev.append((t0 + rng.uniform(0.1, 1.0), "display", {"displays": n, "mirrored": m, "resolution": r}))

    present(st + 0.3)
    for t0, t1 in S["gaps"]:
        present(t1 + 2)
    for kind, period in (("processes", C["proc_s"]), ("connections", C["conn_s"])):
        t = st + rng.uniform(1, 5)
        while t < stop:
            if kind == "processes":
                lst = S["procs"] + [p for a, b, p in S["proc_timed"] if a <= t < b]
                ev.append((t, kind, {"processes": [dict(p) for p in lst]}))
            else:
                lst = S["conns"] + [c for a, b, c in S["conn_timed"] if a <= t < b]
                ev.append((t, kind, {"connections": [dict(c) for c in lst]}))
            t += period * (1 + rng.gauss(0, 0.004))
    imps = sorted(S["imp"])
    I = C["input_s"]
    prev, t, j = st, st + I, 0
    fid = S.get("fidget", 2.0)
    while prev < stop - 1:
        t = min(t, stop)
        keys = ptr = 0
        while j < len(imps) and imps[j][0] <= t:
            if imps[j][0] > prev:
                keys += imps[j][1]
                ptr += imps[j][2]
            j += 1
        mid = (prev + t) / 2
        q = 1.0
        for a, b, f in S["quiet"]:
            if a <= mid < b:
                q = min(q, f)
        ptr += int(rng.expovariate(1.0 / (fid * (t - prev) / 10.0 + 0.01)) * q)
        keys += 1 if rng.random() < 0.02 * q else 0
        ev.append((t, "input", {"interval_ms": int(round((t - prev) * 1000)), "keys": keys, "pointer": ptr}))
        prev, t = t, t + I + rng.uniform(0, 0.05)
    for ta, q, c in S["ans"]:
        ev.append((ta, "answer", {"question": q, "choice": c}))
    for tc, action, d in S["dev_changes"]:
        ev.append((tc, "device", dict(action=action, **d)))
    for tc, d in S["disp_changes"]:
        ev.append((tc, "display", {"displays": d[0], "mirrored": d[1], "resolution": d[2]}))
    if S["end_mode"] == "submit":
        ev.append((end, "session_end", {}))
    ev = [e for e in ev if e[1] == "session_start" or (st <= e[0] <= stop + 0.001 and
                                                       not any(a <= e[0] < b for a, b in S["gaps"]))]
    ev.sort(key=lambda e: (e[0], e[1] != "session_start"))
    S["batch_phase"] = rng.uniform(0, 60)
    seq = 0
    for t, kind, f in ev:
        seq += 1
        eid = ("%s:%d:%d" % (S["term"], S["boot"], seq)) if C["ids"] == "seq" else new_uuid(rng)
        obj = {"v": 1, "id": eid, "at": clock_at(S, t), "kind": kind, "session": S["sid"]}
        obj.update(f)
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        for a in arrivals(rng, S, t, kind):
            counter[0] += 1
            out.append((a, counter[0], line))
    S["n_events"] = seq


# ---------------------------------------------------------------- allocation and main
SOFTWARE = [("remote-tool-launched", "ctr-n01"), ("remote-tool-launched", "ctr-e02"), ("remote-tool-launched", "ctr-r03"),
            ("meeting-screen-share", "ctr-n01"), ("meeting-screen-share", "ctr-h04"), ("meeting-screen-share", "ctr-e02"),
            ("renamed-remote-binary", "ctr-n01"), ("renamed-remote-binary", "ctr-p05"), ("renamed-remote-binary", "ctr-h04"),
            ("vnc-helper", "ctr-e02"), ("vnc-helper", "ctr-r03"), ("tunnel-remote-desktop", "ctr-n01"),
            ("tunnel-remote-desktop", "ctr-r03"), ("abused-centre-support-tool", "ctr-n01"),
            ("abused-centre-support-tool", "ctr-h04"), ("abused-centre-support-tool", "ctr-p05"),
            ("browser-webrtc-share", "ctr-n01"), ("browser-webrtc-share", "ctr-e02"),
            ("late-partial-takeover", "ctr-p05"), ("late-partial-takeover", "ctr-e02")]
HARDWARE = [("hid-injector", "ctr-n01"), ("hid-injector", "ctr-r03"), ("hid-injector", "ctr-p05"),
            ("spoofed-keyboard-ch9329", "ctr-n01"), ("spoofed-keyboard-ch9329", "ctr-h04"), ("spoofed-keyboard-ch9329", "ctr-r03"),
            ("hidden-wireless-receiver", "ctr-n01"), ("hidden-wireless-receiver", "ctr-e02"), ("hidden-wireless-receiver", "ctr-p05"),
            ("hdmi-splitter-mirror", "ctr-n01"), ("hdmi-splitter-mirror", "ctr-r03"), ("hdmi-splitter-mirror", "ctr-e02"),
            ("splitter-edid-only", "ctr-e02"), ("splitter-edid-only", "ctr-p05"), ("kvm-extender", "ctr-n01"),
            ("kvm-extender", "ctr-r03"), ("kvm-extender", "ctr-e02"), ("usb-gadget-composite", "ctr-h04"),
            ("usb-gadget-composite", "ctr-n01"), ("wireless-display-dongle", "ctr-p05")]
OPERATOR = [("remote-relay-multiplex", g_relay, [("ctr-n01", "A101", 0)] * 2 + [("ctr-e02", "2F-1", 0)] * 2),
            ("lan-console-takeover", g_console, [("ctr-n01", "A101", 2)] * 5),
            ("hid-injector-farm", g_hidfarm, [("ctr-p05", "R1", 1)] * 3),
            ("sequential-proxy-same-room", g_sequential, [("ctr-r03", "301", 2)] * 3),
            ("cross-centre-varied-answers", g_varied, [("ctr-h04", "Lab-1", 1)] * 2 + [("ctr-n01", "A102", 1)]),
            ("meeting-dictation-pair", g_dictation, [("ctr-p05", "R1", 3), ("ctr-n01", "A103", 3)])]
LEAK = [("full-key-block-shift", g_leak_full, [("ctr-n01", "A101", 0)] * 2 + [("ctr-e02", "2F-1", 0), ("ctr-r03", "301", 0),
                                                                              ("ctr-r03", "301", 0), ("ctr-h04", "Lab-1", 0)]),
        ("partial-key-tf-section", g_leak_tf, [("ctr-r03", "302", 1), ("ctr-h04", "Lab-1", 1), ("ctr-p05", "R1", 1), ("ctr-n01", "A102", 1)]),
        ("key-received-mid-exam", g_leak_mid, [("ctr-n01", "A103", 2)] * 2 + [("ctr-e02", "2F-2", 2)] * 2),
        ("hard-items-list-only", g_leak_hard, [("ctr-n01", "A103", 3), ("ctr-r03", "302", 3), ("ctr-p05", "R1", 3)]),
        ("full-key-deliberate-misses", g_leak_misses, [("ctr-n01", "A101", 1)] * 2 + [("ctr-e02", "2F-1", 1)])]
DRILLED = [("ctr-r03", "301", 0, 8), ("ctr-e02", "2F-2", 2, 7), ("ctr-n01", "A102", 1, 8)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=808)
    ap.add_argument("--candidates", type=int, default=400)
    ap.add_argument("--out", default="set-h")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    banks = build_banks(rng)
    papers = {(code, s): build_paper(rng, banks, code, s) for s in range(4) for code in EXAM_TYPES}
    sits = {}
    for cid, C in CENTRES.items():
        for room, (idx, cap, types) in C["rooms"].items():
            for s in range(4):
                sits[(cid, room, s)] = dict(centre=cid, room=room, slot=s, start=SLOTS[s] + (1800 if cid == "ctr-e02" and s == 1 else 0),
                                            paper=papers[(TYPE_CODE[types[s]], s)], free=list(range(1, cap + 1)))

    def seat_in(key):
        sit = sits[key]
        n = rng.choice(sit["free"])
        sit["free"].remove(n)
        return sit, n

    def any_room(cid):
        keys = [k for k in sits if k[0] == cid and sits[k]["free"]]
        return rng.choice(keys)

    sessions = []

    def mk(key, kind, variant, group=None):
        sit, n = seat_in(key)
        S = new_session(rng, args.seed, sit, n, kind, variant, group)
        apply_noise(rng, S, 0.5)
        S.pop("pending_itfix", None)
        if kind in ("hardware", "operator"):
            S.pop("pending_swap", None)
        if kind == "operator":
            S.pop("pending_restart", None)
            S["noise"] = [x for x in S["noise"] if x != "late-login"]
            S["start"] = sit["start"] + rng.uniform(-240, 150)
        sessions.append(S)
        return S

    for i, (var, cid) in enumerate(SOFTWARE):
        S = mk(any_room(cid), "software", var)
        fn = {"remote-tool-launched": v_remote_tool, "vnc-helper": v_vnc, "tunnel-remote-desktop": v_tunnel,
              "abused-centre-support-tool": v_abused_support, "browser-webrtc-share": v_browser,
              "late-partial-takeover": v_late_partial}.get(var)
        if fn:
            fn(S["rng"], S)
        elif var == "meeting-screen-share":
            v_meeting(S["rng"], S, i)
        else:
            v_renamed(S["rng"], S, i)
    for i, (var, cid) in enumerate(HARDWARE):
        S = mk(any_room(cid), "hardware", var)
        r = S["rng"]
        {"hid-injector": lambda: v_hid_injector(r, S, i), "spoofed-keyboard-ch9329": lambda: v_ch9329(r, S),
         "hidden-wireless-receiver": lambda: v_hidden_receiver(r, S), "hdmi-splitter-mirror": lambda: v_splitter(r, S, False, i),
         "splitter-edid-only": lambda: v_splitter(r, S, True, i), "kvm-extender": lambda: v_kvm(r, S),
         "usb-gadget-composite": lambda: v_gadget(r, S), "wireless-display-dongle": lambda: v_wireless_display(r, S)}[var]()
    for gi, (var, fn, keys) in enumerate(OPERATOR):
        G = [mk(k, "operator", var, "OP-%d" % (gi + 1)) for k in keys]
        fn(random.Random(rng.getrandbits(64)), G)
    for gi, (var, fn, keys) in enumerate(LEAK):
        G = [mk(k, "leak", var, "LK-%d" % (gi + 1)) for k in keys]
        fn(random.Random(rng.getrandbits(64)), G)

    n_honest = max(0, args.candidates - len(sessions))
    honest_keys = []
    for cid, room, s, n in DRILLED:
        honest_keys += [((cid, room, s), "drilled", "TS-%s-%d" % (cid[-3:], s))] * n
    profiles = ["typical"] * 60 + ["fast-able"] * 8 + ["weak-guesser"] * 9 + ["changer"] * 8 + ["slow-careful"] * 8
    while len(honest_keys) < n_honest:
        keys = [k for k in sits if len(sits[k]["free"]) > 4]
        honest_keys.append((rng.choice(keys), rng.choice(profiles), None))
    honest_keys = honest_keys[:n_honest]
    honest = []
    for key, prof, cohort in honest_keys:
        S = new_session(rng, args.seed, *seat_in(key), "honest", prof, cohort)
        apply_noise(rng, S)
        r = S["rng"]
        c = make_cand(r, prof)
        S["fidget"] = c["fidget"]
        finish(r, S, honest_plan(r, S, c), c)
        sessions.append(S)
        honest.append(S)
    # a few re-sits: the same pseudonymous candidate failed an earlier slot and comes back
    for S in [x for x in honest if x["sit"]["slot"] >= 2][:4]:
        prior = [x for x in honest if x["sit"]["slot"] < 2 and x["paper"]["code"] == S["paper"]["code"]]
        if prior:
            S["cand"] = rng.choice(prior)["cand"]
            S["noise"].append("re-sit-same-candidate")
    for S in sessions:
        apply_pauses(S["rng"], S)
        if S["end"] <= S["start"]:
            S["end"] = S["start"] + 600

    out, counter = [], [0]
    for S in sessions:
        render(S, out, counter)
    # exam definitions: each centre sends each paper it uses once, before its first session on it
    firsts = {}
    for S in sessions:
        k = (S["centre"], S["paper"]["id"])
        firsts[k] = min(firsts.get(k, 1e18), S["start"], S["sit"]["start"] - 300)
    for (cid, pid), t0 in sorted(firsts.items()):
        paper = [p for p in papers.values() if p["id"] == pid][0]
        t = t0 - rng.uniform(1200, 3600)
        obj = {"v": 1, "id": new_uuid(rng), "at": fmt_time(t, "ms+8"), "kind": "exam"}
        obj.update(exam_fields(paper))
        counter[0] += 1
        out.append((t + rng.uniform(0.05, 0.3), counter[0], json.dumps(obj, ensure_ascii=False, separators=(",", ":"))))
    out.sort()
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "events.jsonl.gz"), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=6) as gz:
            for _, _, line in out:
                gz.write(line.encode("utf-8") + b"\n")
    truth = []
    for S in sessions:
        parts = ["variant=%s" % S["variant"] if S["kind"] != "honest" else "profile=%s" % S["variant"]]
        if S.get("group"):
            parts.append(("cohort=%s" if S["kind"] == "honest" else "group=%s") % S["group"])
        if S.get("vnote"):
            parts.append("detail=%s" % S["vnote"])
        parts.append("centre=%s/%s" % (S["centre"], S["room"]))
        parts.append("noise=%s" % (",".join(S["noise"]) or "none"))
        truth.append({"session": S["sid"], "kind": S["kind"], "note": "; ".join(parts)})
    rng.shuffle(truth)
    with open(os.path.join(args.out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for t in truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    print("sessions=%d events=%d lines=%d" % (len(sessions), sum(S["n_events"] for S in sessions) + len(firsts), len(out)))


if __name__ == "__main__":
    main()
