#!/usr/bin/env python3
"""exam-blind-4: independent, blind, labelled evaluation set for certguard.

Simulates 特种作业 theory-exam sessions on exam-centre terminals and writes
  <out>/events.jsonl.gz  (event lines in collector arrival order)
  <out>/truth.jsonl      (one label per session)

Standard library only, deterministic from --seed (gzip mtime=0).

    python3 gen.py --seed 505 --candidates 500 --out set-e
"""
import argparse
import gzip
import json
import math
import os
import random
from datetime import datetime, timedelta, timezone

CN = timezone(timedelta(hours=8))
UTC = timezone.utc
CHEAT_KINDS = ["software", "hardware", "operator", "leak"]
PER_CHEAT = 25


# ----------------------------------------------------------------------------
# small helpers
# ----------------------------------------------------------------------------
def epoch(day, hh, mm):
    y, mo, d = map(int, day.split("-"))
    return datetime(y, mo, d, hh, mm, tzinfo=CN).timestamp()


def lognorm(rng, mean, sigma):
    return mean * math.exp(rng.gauss(0.0, sigma) - sigma * sigma / 2.0)


def wchoice(rng, items, weights):
    x = rng.random() * sum(weights)
    for it, w in zip(items, weights):
        x -= w
        if x <= 0:
            return it
    return items[-1]


def uniq(seq):
    return list(dict.fromkeys(seq))


def P(name, path, signer=""):
    return {"name": name, "path": path, "signer": signer}


def ip_in(rng, prefix):
    parts = prefix.split(".")
    while len(parts) < 4:
        parts.append(str(rng.randint(1, 254)))
    return ".".join(parts)


PUBLIC_CLOUD = ["47.106", "47.112", "120.78", "8.134", "39.108", "43.139", "119.29", "121.37", "139.9", "124.71"]
RESIDENTIAL = ["113.87", "120.229", "183.14", "113.111", "59.41", "14.145", "116.21", "223.104", "112.96", "183.6"]


# ----------------------------------------------------------------------------
# processes (name, path, signer)
# ----------------------------------------------------------------------------
MS = "Microsoft Windows"
MSC = "Microsoft Corporation"
S32 = "C:\\Windows\\System32\\"

WIN10_BASE = [
    P("System", "", MS), P("Registry", "", MS), P("smss.exe", S32 + "smss.exe", MS),
    P("csrss.exe", S32 + "csrss.exe", MS), P("wininit.exe", S32 + "wininit.exe", MS),
    P("services.exe", S32 + "services.exe", MS), P("lsass.exe", S32 + "lsass.exe", MS),
    P("winlogon.exe", S32 + "winlogon.exe", MS), P("svchost.exe", S32 + "svchost.exe", MS),
    P("fontdrvhost.exe", S32 + "fontdrvhost.exe", MS), P("dwm.exe", S32 + "dwm.exe", MS),
    P("spoolsv.exe", S32 + "spoolsv.exe", MS), P("sihost.exe", S32 + "sihost.exe", MS),
    P("taskhostw.exe", S32 + "taskhostw.exe", MS), P("explorer.exe", "C:\\Windows\\explorer.exe", MS),
    P("ctfmon.exe", S32 + "ctfmon.exe", MS), P("RuntimeBroker.exe", S32 + "RuntimeBroker.exe", MS),
    P("SearchIndexer.exe", S32 + "SearchIndexer.exe", MS),
    P("igfxEM.exe", S32 + "igfxEM.exe", "Intel Corporation"),
    P("RtkAudUService64.exe", S32 + "RtkAudUService64.exe", "Realtek Semiconductor Corp."),
]
WIN7_BASE = [
    P("System", "", MS), P("smss.exe", S32 + "smss.exe", MS), P("csrss.exe", S32 + "csrss.exe", MS),
    P("wininit.exe", S32 + "wininit.exe", MS), P("services.exe", S32 + "services.exe", MS),
    P("lsass.exe", S32 + "lsass.exe", MS), P("lsm.exe", S32 + "lsm.exe", MS),
    P("winlogon.exe", S32 + "winlogon.exe", MS), P("svchost.exe", S32 + "svchost.exe", MS),
    P("spoolsv.exe", S32 + "spoolsv.exe", MS), P("taskhost.exe", S32 + "taskhost.exe", MS),
    P("dwm.exe", S32 + "dwm.exe", MS), P("explorer.exe", "C:\\Windows\\explorer.exe", MS),
    P("SearchIndexer.exe", S32 + "SearchIndexer.exe", MS),
    P("igfxpers.exe", S32 + "igfxpers.exe", "Intel Corporation"),
]
WIN_TRANSIENT = [
    (P("WmiPrvSE.exe", S32 + "wbem\\WmiPrvSE.exe", MS), 0.35),
    (P("conhost.exe", S32 + "conhost.exe", MS), 0.25),
    (P("backgroundTaskHost.exe", S32 + "backgroundTaskHost.exe", MS), 0.12),
    (P("SearchProtocolHost.exe", S32 + "SearchProtocolHost.exe", MS), 0.15),
    (P("audiodg.exe", S32 + "audiodg.exe", MS), 0.05),
    (P("TiWorker.exe", "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.4170_none_7e2fb6a8d5c3b1f2\\TiWorker.exe", MS), 0.04),
    (P("CompatTelRunner.exe", S32 + "CompatTelRunner.exe", MS), 0.03),
    (P("taskmgr.exe", S32 + "Taskmgr.exe", MS), 0.004),
]
WIN7_TRANSIENT = [
    (P("WmiPrvSE.exe", S32 + "wbem\\WmiPrvSE.exe", MS), 0.3),
    (P("conhost.exe", S32 + "conhost.exe", MS), 0.2),
    (P("wuauclt.exe", S32 + "wuauclt.exe", MS), 0.06),
    (P("SearchProtocolHost.exe", S32 + "SearchProtocolHost.exe", MS), 0.15),
    (P("360sd.exe", "C:\\Program Files (x86)\\360\\360sd\\360sd.exe", "Beijing Qihu Technology Co., Ltd."), 0.05),
]
LINUX_BASE = [
    P("systemd", "/usr/lib/systemd/systemd"), P("systemd-journald", "/usr/lib/systemd/systemd-journald"),
    P("dbus-daemon", "/usr/bin/dbus-daemon"), P("NetworkManager", "/usr/sbin/NetworkManager"),
    P("lightdm", "/usr/sbin/lightdm"), P("Xorg", "/usr/lib/xorg/Xorg"),
    P("ukui-session", "/usr/bin/ukui-session"), P("ukui-kwin_x11", "/usr/bin/ukui-kwin_x11"),
    P("ukui-panel", "/usr/bin/ukui-panel"), P("peony-qt-desktop", "/usr/bin/peony-qt-desktop"),
    P("ukui-settings-daemon", "/usr/bin/ukui-settings-daemon"), P("pulseaudio", "/usr/bin/pulseaudio"),
    P("fcitx", "/usr/bin/fcitx"), P("sshd", "/usr/sbin/sshd"), P("cupsd", "/usr/sbin/cupsd"),
    P("kysec_auth", "/usr/sbin/kysec_auth"),
]
LINUX_TRANSIENT = [
    (P("kylin-software-properties-service", "/usr/bin/kylin-software-properties-service"), 0.05),
    (P("ukui-notification-daemon", "/usr/bin/ukui-notification-daemon"), 0.2),
    (P("apt-check", "/usr/lib/update-notifier/apt-check"), 0.04),
    (P("sh", "/usr/bin/sh"), 0.1),
]

AV = {
    "defender": [P("MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe", MSC),
                 P("NisSrv.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\NisSrv.exe", MSC)],
    "360": [P("360tray.exe", "C:\\Program Files (x86)\\360\\360Safe\\safemon\\360tray.exe", "Beijing Qihu Technology Co., Ltd."),
            P("ZhuDongFangYu.exe", "C:\\Program Files (x86)\\360\\360Safe\\deepscan\\ZhuDongFangYu.exe", "Beijing Qihu Technology Co., Ltd.")],
    "huorong": [P("HipsDaemon.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\HipsDaemon.exe", "Beijing Huorong Network Technology Co., Ltd."),
                P("HipsTray.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\HipsTray.exe", "Beijing Huorong Network Technology Co., Ltd.")],
    "none": [],
}
SOGOU = P("SogouCloud.exe", "C:\\Program Files (x86)\\SogouInput\\14.2.0.9163\\SogouCloud.exe",
          "Beijing Sogou Technology Development Co., Ltd.")
AGENT_WIN = P("cgagent.exe", "C:\\Program Files\\certguard\\cgagent.exe", "certguard")
AGENT_LINUX = P("cgagent", "/opt/certguard/bin/cgagent")

CENTRE_TOOLS = {
    "mythware": P("StudentMain.exe", "C:\\Program Files (x86)\\Mythware\\极域课堂管理系统软件V6.0 2016 豪华版\\StudentMain.exe",
                  "Shanghai Mythware Information Technology Co., Ltd."),
    "sunlogin": P("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe",
                  "Shanghai Oray Information Technology Co., Ltd."),
    "tightvnc": P("tvnserver.exe", "C:\\Program Files\\TightVNC\\tvnserver.exe", "GlavSoft LLC."),
    "radmin": P("rserver3.exe", "C:\\Windows\\SysWOW64\\rserver30\\rserver3.exe", "Famatech Corp."),
}

# ----------------------------------------------------------------------------
# USB devices: (class, name, vid, pid)
# ----------------------------------------------------------------------------
DEV = {
    "dell_kb": ("hid", "Dell KB216 Wired Keyboard", "413c", "2113"),
    "dell_ms": ("hid", "Dell MS116 USB Optical Mouse", "413c", "301a"),
    "idr": ("hid", "CVR-100UC 身份证阅读器", "0400", "c35a"),
    "logi_rx": ("hid", "Logitech USB Receiver", "046d", "c534"),
    "len_kb": ("hid", "Lenovo Calliope USB Keyboard", "17ef", "602d"),
    "len_ms": ("hid", "Lenovo USB Optical Mouse", "17ef", "608d"),
    "len_cam": ("other", "Integrated Camera", "04f2", "b6d9"),
    "sonix_cam": ("other", "HD Webcam", "0c45", "6366"),
    "hw_scan": ("hid", "Honeywell 1900G Area-Imaging Scanner", "0c2e", "0b87"),
    "len_dock": ("other", "ThinkPad USB-C Dock Gen2", "17ef", "a391"),
    "rtl_eth": ("other", "Realtek USB GbE Family Controller", "0bda", "8153"),
    "gen_kb": ("hid", "USB Keyboard", "1a2c", "0e24"),
    "pix_ms": ("hid", "USB Optical Mouse", "093a", "2510"),
    "gl_hub": ("other", "USB2.0 Hub", "05e3", "0610"),
    "sig_kb": ("hid", "USB Keyboard", "1c4f", "0002"),
    "sig_ms": ("hid", "USB Optical Mouse", "1c4f", "0034"),
    "rapoo_rx": ("hid", "Rapoo 2.4G Wireless Device", "24ae", "2001"),
    "c270": ("other", "Logitech HD Webcam C270", "046d", "0825"),
    "logi_m100": ("hid", "Logitech USB Optical Mouse", "046d", "c077"),
    "logi_k120": ("hid", "Logitech USB Keyboard", "046d", "c31c"),
    "kingston": ("storage", "Kingston DataTraveler 3.0", "0951", "1666"),
    "sandisk": ("storage", "SanDisk Cruzer Blade", "0781", "5567"),
    # used by cheating kits
    "ch9329": ("hid", "USB HID Keyboard Mouse", "1a86", "e129"),
    "leonardo": ("hid", "Arduino Leonardo", "2341", "8036"),
    "digispark": ("hid", "Digispark", "16c0", "27db"),
    "rx24g": ("hid", "2.4G Receiver", "25a7", "fa61"),
    "logi_c52b": ("hid", "USB Receiver", "046d", "c52b"),
    "aten_kvm": ("hid", "ATEN CS22U USB KVM", "0557", "2419"),
    "ipkvm": ("hid", "Composite KVM Device", "1d6b", "0104"),
    "usb_audio": ("other", "USB Audio Device", "0d8c", "0014"),
}


def dev(key, override=None):
    c, n, v, p = DEV[key]
    if override:
        c, n, v, p = override
    return {"class": c, "name": n, "vid": v, "pid": p}


# ----------------------------------------------------------------------------
# centres
# ----------------------------------------------------------------------------
def room(rid, seats, net, display, devices):
    return {"id": rid, "seats": seats, "net": net, "display": display, "devices": devices}


CENTRES = {
    "GZTH": dict(os="win10", tsfmt="ms8", iv=20, piv=240, civ=240, tool="mythware", av="defender", ime=True,
                 rooms=[room("R301", 32, "192.168.31", (1, False, "1920x1080"), ["dell_kb", "dell_ms", "idr"]),
                        room("R302", 32, "192.168.32", (1, False, "1920x1080"), ["dell_kb", "dell_ms", "idr"]),
                        room("R305", 24, "192.168.35", (1, False, "1920x1080"), ["dell_kb", "dell_ms", "idr"])],
                 client=("KsClient.exe", "D:\\KsClient\\", "Guangzhou Anzhi Kaowu Technology Co., Ltd."),
                 server="192.168.30.10", collector="cg-relay.gzth.lan", shuffle=True, outage_p=0.4),
    "FSNH": dict(os="win10", tsfmt="ms8", iv=30, piv=300, civ=300, tool="sunlogin", av="360", ime=True,
                 rooms=[room("A1", 30, "10.61.1", (1, False, "1600x900"), ["logi_rx"]),
                        room("A2", 30, "10.61.2", (1, False, "1600x900"), ["logi_rx"])],
                 client=("KsClient.exe", "D:\\KsClient\\", "Guangzhou Anzhi Kaowu Technology Co., Ltd."),
                 server="10.61.0.8", collector="10.61.0.9", shuffle=False, outage_p=0.5),
    "SZBA": dict(os="win11", tsfmt="ms8", iv=20, piv=300, civ=300, tool=None, av="defender", ime=False,
                 rooms=[room("L1", 28, "172.20.11", (2, True, "1920x1080"), ["len_kb", "len_ms", "len_dock", "rtl_eth", "len_cam"]),
                        room("L2", 30, "172.20.12", (1, False, "1600x900"), ["len_kb", "len_ms", "sonix_cam", "hw_scan"])],
                 client=("ExamClient.exe", "C:\\Program Files\\TZExam\\", "Shenzhen Tezhong Exam Software Co., Ltd."),
                 server="exam.szba.lan", collector="collector.szba.lan", shuffle=True, outage_p=0.3),
    "DGCA": dict(os="win7", tsfmt="sZ", iv=30, piv=300, civ=300, tool="tightvnc", av="360", ime=True,
                 rooms=[room("1F", 30, "10.8.10", (1, False, "1366x768"), ["gen_kb", "pix_ms", "gl_hub"]),
                        room("2F", 30, "10.8.20", (1, False, "1440x900"), ["gen_kb", "pix_ms"])],
                 client=("KsClient.exe", "D:\\KsClient\\", ""),
                 server="10.8.1.20", collector="10.8.1.21", shuffle=False, outage_p=0.6),
    "ZSHK": dict(os="linux", tsfmt="us8", iv=20, piv=300, civ=300, tool=None, av="none", ime=False,
                 rooms=[room("K1", 24, "10.44.1", (1, False, "1920x1080"), ["sig_kb", "sig_ms", "idr"]),
                        room("K2", 24, "10.44.2", (1, False, "1920x1080"), ["sig_kb", "sig_ms", "idr"])],
                 client=("ksclient", "/opt/ksclient/bin/", ""),
                 server="10.44.0.10", collector="10.44.0.11", shuffle=False, outage_p=0.3),
    "HZHC": dict(os="win10", tsfmt="ms8", iv=25, piv=180, civ=180, tool="radmin", av="huorong", ime=True,
                 rooms=[room("T1", 28, "172.16.21", (1, False, "1920x1080"), ["rapoo_rx", "c270"]),
                        room("T2", 20, "172.16.22", (1, False, "1920x1080"), ["rapoo_rx", "c270"])],
                 client=("ExamClient.exe", "C:\\Program Files\\TZExam\\", "Shenzhen Tezhong Exam Software Co., Ltd."),
                 server="172.16.5.10", collector="172.16.5.11", shuffle=True, outage_p=1.0),
}
IT_ADMIN = {"DGCA": "10.8.1.10", "HZHC": "172.16.5.2", "ZSHK": "10.44.0.2", "GZTH": "192.168.30.250"}

# ----------------------------------------------------------------------------
# question banks and papers
# ----------------------------------------------------------------------------
CATS = {"LV": (420, 180), "HV": (350, 150), "WELD": (350, 150), "HGT": (250, 200)}
PAPERS = {  # id: (category, n_tf, n_sc, pass_mark, minutes)
    "GD-LV-2611A": ("LV", 70, 30, 80, 120),
    "GD-LV-2611B": ("LV", 70, 30, 80, 120),
    "GD-LV-FS2611": ("LV", 35, 15, 40, 60),
    "GD-WELD-2611A": ("WELD", 70, 30, 80, 120),
    "GD-HGT-2611A": ("HGT", 50, 50, 80, 100),
    "GD-HV-2611A": ("HV", 70, 30, 80, 120),
}
SITTINGS = [  # day, slot, centre, paper, weight
    ("2026-11-16", "AM", "GZTH", "GD-LV-2611A", 40),     # 0
    ("2026-11-16", "AM", "FSNH", "GD-LV-2611A", 30),     # 1
    ("2026-11-16", "PM", "SZBA", "GD-WELD-2611A", 28),   # 2
    ("2026-11-17", "AM", "DGCA", "GD-LV-2611A", 30),     # 3
    ("2026-11-17", "AM", "HZHC", "GD-HGT-2611A", 25),    # 4
    ("2026-11-17", "PM", "ZSHK", "GD-LV-2611A", 25),     # 5
    ("2026-11-18", "AM", "GZTH", "GD-WELD-2611A", 35),   # 6
    ("2026-11-18", "AM", "SZBA", "GD-LV-2611B", 30),     # 7
    ("2026-11-18", "PM", "FSNH", "GD-HV-2611A", 24),     # 8
    ("2026-11-19", "AM", "DGCA", "GD-WELD-2611A", 30),   # 9
    ("2026-11-19", "AM", "ZSHK", "GD-HGT-2611A", 22),    # 10
    ("2026-11-19", "PM", "GZTH", "GD-LV-2611B", 36),     # 11
    ("2026-11-20", "AM", "HZHC", "GD-LV-2611B", 25),     # 12
    ("2026-11-20", "AM", "FSNH", "GD-LV-FS2611", 28),    # 13
    ("2026-11-20", "PM", "SZBA", "GD-HV-2611A", 22),     # 14
    ("2026-11-23", "AM", "GZTH", "GD-HGT-2611A", 30),    # 15
    ("2026-11-23", "AM", "DGCA", "GD-LV-FS2611", 24),    # 16
    ("2026-11-23", "PM", "ZSHK", "GD-WELD-2611A", 20),   # 17
    ("2026-11-24", "AM", "HZHC", "GD-HV-2611A", 20),     # 18
]


def make_bank(rng, cat):
    n_tf, n_sc = CATS[cat]
    bank = {}
    for kind, n in (("J", n_tf), ("S", n_sc)):
        for i in range(n):
            qid = "%s-%s%04d" % (cat, kind, i + 1)
            if kind == "J":
                opts = ["对", "错"]
                key = "对" if rng.random() < 0.56 else "错"
            else:
                opts = ["A", "B", "C", "D"]
                key = rng.choice(opts)
            tricky = rng.random() < 0.11
            if tricky:
                b = rng.gauss(1.7, 0.5)
            else:
                b = rng.gauss(-1.0, 0.9)
            wrong = [o for o in opts if o != key]
            if kind == "S":
                if tricky:
                    ww = [0.82, 0.11, 0.07]
                else:
                    ww = [rng.random() + 0.1 for _ in wrong]
                rng.shuffle(ww)
            else:
                ww = [1.0]
            base = rng.uniform(7, 17) if kind == "J" else rng.uniform(12, 30)
            bank[qid] = dict(id=qid, kind=kind, opts=opts, key=key, b=b, tricky=tricky,
                             wrong=wrong, ww=ww, base=base)
    return bank


def p_correct(theta, q):
    c = 0.5 if q["kind"] == "J" else 0.25
    return c + (1 - c) / (1 + math.exp(-1.7 * (theta - q["b"])))


def wrong_choice(rng, q):
    return wchoice(rng, q["wrong"], q["ww"])


def other_choice(rng, q, c):
    return rng.choice([o for o in q["opts"] if o != c])


# ----------------------------------------------------------------------------
# session object
# ----------------------------------------------------------------------------
class Sess:
    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.answers = []        # (t, qid, choice, src)
        self.windows = []        # (t0, t1, state) input-state overrides
        self.dev_present = []    # device dicts present at start
        self.dev_events = []     # (t, action, devdict)
        self.disp_events = []    # (t, displays, mirrored, res)
        self.proc_extra = []     # (t0, t1, procdict)
        self.conn_extra = []     # (t0, t1, conndict, prob)
        self.bursts = []         # (t, keys, pointer)
        self.dead_ptr = []       # (t0, t1)
        self.hard = []           # honest hard-case tags
        self.missing_end = False
        self.end_at = None
        self.keyboard_user = False
        self.fidget = 0.1
        self.indiv_outage = None


# ----------------------------------------------------------------------------
# answering behaviour
# ----------------------------------------------------------------------------
def run_pass(rng, qids, Q, t, limit, pick, dur, src, out, skip=None, change_p=0.0):
    skipped = []
    for i, qid in enumerate(qids):
        q = Q[qid]
        d = dur(q)
        if skip is not None and skip(q):
            t += d * 0.3
            skipped.append(qid)
            continue
        if t + d > limit:
            return t, skipped, list(qids[i:])
        t += d
        c = pick(q)
        if change_p and rng.random() < change_p:
            out.append((t, qid, other_choice(rng, q, c), src))
            t += rng.uniform(1.5, 6.0)
        out.append((t, qid, c, src))
    return t, skipped, []


def honest_pick(rng, cand, q):
    ae = cand.get("app_err")
    if ae and q["id"] in ae and rng.random() < 0.85:
        return ae[q["id"]]
    if rng.random() < p_correct(cand["theta"], q):
        return q["key"]
    return wrong_choice(rng, q)


def make_dur(rng, theta, speed):
    def dur(q):
        d = q["base"] * speed * math.exp(rng.gauss(0, 0.35))
        pc = p_correct(theta, q)
        if pc < 0.75:
            d *= 1.0 + (0.75 - pc) * 2.0
        return max(1.4, d)
    return dur


def finish_guess(rng, out, rest, Q, t, deadline, src="local"):
    mode = rng.choice(["same", "same", "random", "alt"])
    fav = {"J": rng.choice(["对", "错"]), "S": rng.choice("ABCD")}
    for k, qid in enumerate(rest):
        t += rng.uniform(0.7, 2.8)
        if t > deadline - 1:
            break
        q = Q[qid]
        if mode == "same":
            ch = fav[q["kind"]]
        elif mode == "random":
            ch = rng.choice(q["opts"])
        else:
            ch = q["opts"][k % len(q["opts"])]
        out.append((t, qid, ch, src))
    return t


def sim_self(rng, S, Q, cand, t, limit_deadline, pick=None, dur=None, order=None, src="local",
             allow_review=True):
    """A candidate answering on their own (possibly with overrides). Returns last time."""
    order = order if order is not None else S.order
    prof = cand["profile"]
    pick = pick or (lambda q: honest_pick(rng, cand, q))
    dur = dur or make_dur(rng, cand["theta"], cand["speed"])
    if prof == "skipper":
        skip = lambda q: p_correct(cand["theta"], q) < 0.72 and rng.random() < 0.65
    else:
        skip = lambda q: rng.random() < 0.012
    margin = rng.uniform(90, 300) if prof == "weak_guess" else rng.uniform(10, 40)
    limit = limit_deadline - margin
    t, skipped, rest = run_pass(rng, order, Q, t, limit, pick, dur, src, S.answers, skip, 0.02)
    if skipped:
        if rest:
            rest = rest + skipped
        else:
            t += rng.uniform(2, 12)
            t, _, rest = run_pass(rng, skipped, Q, t, limit, pick, lambda q: dur(q) * 0.8, src, S.answers)
    if rest:
        if prof == "weak_guess" or rng.random() < 0.75:
            t = finish_guess(rng, S.answers, rest, Q, t, limit_deadline, src)
        else:
            S.hard.append("left %d unanswered at time-out" % len(rest))
    elif allow_review and prof == "reviewer" and t < limit_deadline - 200:
        done = uniq(a[1] for a in S.answers)
        for qid in rng.sample(done, min(rng.randint(2, 8), len(done))):
            t += rng.uniform(8, 40)
            if t > limit_deadline - 30:
                break
            S.answers.append((t, qid, honest_pick(rng, cand, Q[qid]), src))
    return t


def submit_time(rng, S, last, careful=False, prof="normal"):
    if last >= S.deadline - 40:
        return S.deadline + rng.uniform(0.5, 3.0)
    if prof == "idle_after" or careful:
        lo = last + 60
        hi = max(lo + 1, S.deadline - 30)
        return rng.uniform(lo, min(hi, lo + rng.uniform(600, 3600)))
    return last + rng.uniform(4, 90)


# ----------------------------------------------------------------------------
# main generator
# ----------------------------------------------------------------------------
class Gen:
    def __init__(self, seed, n_sessions):
        self.rng = random.Random(seed)
        self.n = n_sessions
        self.banks = {c: make_bank(self.rng, c) for c in CATS}
        self.papers = {}
        for pid, (cat, ntf, nsc, pm, mins) in PAPERS.items():
            bank = self.banks[cat]
            tf = [q for q in bank if bank[q]["kind"] == "J"]
            sc = [q for q in bank if bank[q]["kind"] == "S"]
            qs = sorted(self.rng.sample(tf, ntf)) + sorted(self.rng.sample(sc, nsc))
            self.rng.shuffle(qs)
            qs = [q for q in qs if bank[q]["kind"] == "J"] + [q for q in qs if bank[q]["kind"] == "S"]
            self.papers[pid] = dict(id=pid, cat=cat, qs=qs, pass_mark=pm, minutes=mins, Q=bank)
        # training school question-bank app with wrong keys (honest cohort)
        lv = self.banks["LV"]
        cand_err = [q for q in lv if not lv[q]["tricky"]]
        self.app_err = {}
        for q in self.rng.sample(cand_err, 45):
            self.app_err[q] = other_choice(self.rng, lv[q], lv[q]["key"])
        self.sessions = []
        self.used_cands = {}
        self.used_sids = {}

    # ---------------- ids -----------------
    def cand_id(self, centre, day):
        rng = self.rng
        while True:
            if centre == "GZTH":
                c = "C%08d" % rng.randint(10 ** 7, 10 ** 8 - 1)
            elif centre == "FSNH":
                c = "FS-%06x" % rng.getrandbits(24)
            elif centre == "SZBA":
                c = "SZ%s-%04d" % (day[5:7] + day[8:10], rng.randint(1, 9999))
            elif centre == "DGCA":
                c = "4419%08d" % rng.randint(10 ** 7, 10 ** 8 - 1)
            elif centre == "ZSHK":
                c = "zs_" + "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(7))
            else:
                c = "HZK%06d" % rng.randint(100000, 999999)
            if c not in self.used_cands:
                self.used_cands[c] = 1
                return c

    def sess_id(self, centre, day, slot, k):
        rng = self.rng
        ymd = day[2:4] + day[5:7] + day[8:10]
        if centre == "GZTH":
            s = "GZ%s%s%03d" % (ymd, "1" if slot == "AM" else "2", k)
        elif centre == "FSNH":
            s = "fs-%08x" % rng.getrandbits(32)
        elif centre == "SZBA":
            s = "SZBA/%s/%s/%03d" % (ymd, slot, k)
        elif centre == "DGCA":
            s = "dg%010x" % rng.getrandbits(40)
        elif centre == "ZSHK":
            s = "ZS-%s-%04d" % (ymd, rng.randint(0, 9999))
        else:
            s = "hz:%s:%05d" % (ymd, rng.randint(0, 99999))
        if s in self.used_sids:
            return self.sess_id(centre, day, slot, k + 500)
        self.used_sids[s] = 1
        return s

    def terminal(self, centre, rid, seat):
        if centre == "GZTH":
            return "GZTH-%s-PC%02d" % (rid, seat)
        if centre == "FSNH":
            return "FSNH-%s-%02d" % (rid, seat)
        if centre == "SZBA":
            return "SZBA-%s%s%02d" % (rid, "-LT" if rid == "L1" else "-DT", seat)
        if centre == "DGCA":
            return "DG-PC-%04d" % (1000 + (3779 * (seat + (0 if rid == "1F" else 40))) % 9000)
        if centre == "ZSHK":
            return "kylin-%s-%02d" % (rid.lower(), seat)
        return "HZ-T%03d" % ((0 if rid == "T1" else 28) + seat)

    def seat_label(self, centre, seat):
        if centre == "SZBA":
            return "%s%d" % (chr(65 + (seat - 1) // 6), (seat - 1) % 6 + 1)
        if centre == "DGCA":
            return "%03d" % seat
        if centre in ("GZTH", "ZSHK"):
            return "%02d" % seat
        return str(seat)

    # ---------------- layout -----------------
    def build_slots(self):
        rng = self.rng
        tot = sum(s[4] for s in SITTINGS)
        sizes = [int(s[4] * self.n / tot) for s in SITTINGS]
        i = 0
        while sum(sizes) < self.n:
            sizes[i % len(sizes)] += 1
            i += 1
        self.sittings = []
        for idx, ((day, slot, centre, paper, _), n) in enumerate(zip(SITTINGS, sizes)):
            C = CENTRES[centre]
            t0 = epoch(day, 9, 0) if slot == "AM" else epoch(day, 14, 30)
            caps = [r["seats"] for r in C["rooms"]]
            per = [0] * len(caps)
            for k in range(n):
                j = k % len(caps)
                while per[j] >= caps[j] - 2:
                    j = (j + 1) % len(caps)
                per[j] += 1
            slots = []
            for r, m in zip(C["rooms"], per):
                seats = sorted(rng.sample(range(1, r["seats"] + 1), m))
                spare = [s for s in range(1, r["seats"] + 1) if s not in seats]
                for s in seats:
                    slots.append(dict(room=r, seat=s, spare=spare))
            self.sittings.append(dict(idx=idx, day=day, slot=slot, centre=centre, paper=paper, t0=t0,
                                      slots=slots, outages=[]))

    def new_session(self, sit, slot, k, cand=None):
        rng = self.rng
        centre = sit["centre"]
        paper = self.papers[sit["paper"]]
        C = CENTRES[centre]
        S = Sess(sitting=sit, centre=centre, room=slot["room"], seat=slot["seat"],
                 paper=paper, label="honest", note="", group=None)
        S.sid = self.sess_id(centre, sit["day"], sit["slot"], k)
        S.cand_id = cand or self.cand_id(centre, sit["day"])
        S.terminal = self.terminal(centre, slot["room"]["id"], slot["seat"])
        S.seat_str = self.seat_label(centre, slot["seat"])
        S.ss = sit["t0"] - rng.uniform(2.5, 13) * 60
        S.begin = max(sit["t0"] + rng.uniform(0, 50), S.ss + rng.uniform(60, 200))
        S.deadline = S.begin + paper["minutes"] * 60
        order = list(paper["qs"])
        if C["shuffle"]:
            tf = [q for q in order if paper["Q"][q]["kind"] == "J"]
            sc = [q for q in order if paper["Q"][q]["kind"] == "S"]
            rng.shuffle(tf)
            rng.shuffle(sc)
            order = tf + sc
        S.order = order
        S.Q = paper["Q"]
        return S

    # ---------------- candidate profiles -----------------
    def honest_cand(self, S, profile=None):
        rng = self.rng
        if profile is None:
            r = rng.random()
            profile = ("able_fast" if r < 0.10 else "weak_guess" if r < 0.17 else "skipper" if r < 0.37 else
                       "reviewer" if r < 0.52 else "idle_after" if r < 0.62 else "normal")
        if profile == "able_fast":
            theta, speed = rng.uniform(2.4, 3.6), rng.uniform(0.28, 0.5)
        elif profile == "weak_guess":
            theta = rng.gauss(0.0, 0.5)
            sumbase = sum(S.Q[q]["base"] for q in S.order) * 1.25
            speed = (S.paper["minutes"] * 60 / sumbase) * rng.uniform(1.05, 1.5)
        else:
            theta = rng.gauss(1.15, 0.8)
            speed = lognorm(rng, 1.25, 0.38) * (1.25 if theta < 0.4 else 1.0)
        return dict(profile=profile, theta=theta, speed=speed)

    # ---------------- label placement -----------------
    def place(self):
        rng = self.rng
        free = {s["idx"]: list(range(len(s["slots"]))) for s in self.sittings}
        for v in free.values():
            rng.shuffle(v)
        assigned = {}  # (sitting, slot index) -> spec

        def take(si, k, spec_fn, distinct_rooms=True):
            sit = self.sittings[si]
            chosen = []
            rooms_used = []
            pool = free[si]
            for cand in list(pool):
                rid = sit["slots"][cand]["room"]["id"]
                if distinct_rooms and rid in rooms_used and len(rooms_used) < len(CENTRES[sit["centre"]]["rooms"]):
                    continue
                chosen.append(cand)
                rooms_used.append(rid)
                if len(chosen) == k:
                    break
            for c in chosen:
                pool.remove(c)
                assigned[(si, c)] = spec_fn(len(assigned))
            return chosen

        # operator groups
        ops = [
            ("O1", [(0, 5)], "mythware_rogue", "roundrobin", False),
            ("O2", [(0, 2), (1, 2)], "todesk_lite", "sequential", False),
            ("O3", [(3, 4)], "ipkvm", "sequential", False),
            ("O4", [(6, 4)], "rustdesk_disguised", "chunks", False),
            ("O5", [(12, 4)], "radmin_insider", "chunks", True),
            ("O6", [(8, 4)], "sunlogin_peer", "roundrobin", True),
        ]
        self.op_groups = []
        for gid, parts, mech, sched, careful in ops:
            members = []
            for si, k in parts:
                for c in take(si, k, lambda n: None):
                    members.append((si, c))
                    assigned[(si, c)] = dict(label="operator", group=gid, mech=mech, sched=sched, careful=careful)
            self.op_groups.append(dict(gid=gid, members=members, mech=mech, sched=sched, careful=careful))
        # leak groups
        leaks = [
            ("L1", [(3, 3), (5, 3)], "fast_full"),
            ("L2", [(6, 3), (9, 2)], "partial_fast"),
            ("L3", [(11, 3), (12, 2)], "errors_normal"),
            ("L4", [(15, 4)], "during"),
            ("L5", [(14, 3), (18, 2)], "careful_hard"),
        ]
        self.leak_groups = []
        for gid, parts, style in leaks:
            members = []
            for si, k in parts:
                for c in take(si, k, lambda n: None):
                    members.append((si, c))
                    assigned[(si, c)] = dict(label="leak", group=gid, style=style)
            self.leak_groups.append(dict(gid=gid, members=members, style=style))

        def pick_sitting(ok):
            # spread single cheaters over sittings, at most ~28% cheaters per sitting
            cands = [s["idx"] for s in self.sittings if ok(s) and free[s["idx"]]
                     and len(s["slots"]) - len(free[s["idx"]]) < 0.28 * len(s["slots"])]
            if not cands:
                cands = [s["idx"] for s in self.sittings if ok(s) and free[s["idx"]]]
            return wchoice(rng, cands, [len(free[i]) for i in cands])

        win = lambda s: CENTRES[s["centre"]]["os"] != "linux"
        sw = (["todesk_full"] * 3 + ["sunlogin_foreign"] * 2 + ["portable_lite"] * 3 + ["rustdesk_disguised"] * 3 +
              ["rustdesk_linux"] + ["sunlogin_peer"] * 3 + ["tool_abuse_GZTH", "tool_abuse_DGCA", "tool_abuse_HZHC"] +
              ["webrtc_browser"] * 2 + ["screencast_view"] * 2 + ["shortlived"] * 3)
        for var in sw:
            if var == "sunlogin_peer":
                ok = lambda s: s["centre"] == "FSNH"
            elif var.startswith("tool_abuse_"):
                cc = var.split("_")[-1]
                ok = lambda s, cc=cc: s["centre"] == cc
            elif var == "rustdesk_linux":
                ok = lambda s: s["centre"] == "ZSHK"
            elif var == "sunlogin_foreign":
                ok = lambda s: win(s) and s["centre"] != "FSNH"
            else:
                ok = win
            si = pick_sitting(ok)
            take(si, 1, lambda n, var=var: dict(label="software", variant=var), False)
        hw = (["ch9329"] * 3 + ["arduino"] * 2 + ["spoof_receiver"] * 3 + ["wireless_hdmi"] * 3 + ["kvm_switch"] * 2 +
              ["passive_splitter"] * 3 + ["ipkvm"] * 2 + ["spoof_keyboard"] * 3 + ["extra_display"] * 2 +
              ["idreader_clone"] * 2)
        for var in hw:
            if var == "idreader_clone":
                ok = lambda s: s["centre"] in ("GZTH", "ZSHK")
            elif var == "extra_display":
                ok = lambda s: s["centre"] != "SZBA"
            else:
                ok = lambda s: True
            si = pick_sitting(ok)
            take(si, 1, lambda n, var=var: dict(label="hardware", variant=var), False)
        self.assigned = assigned

    # ---------------- create sessions -----------------
    def create_sessions(self):
        rng = self.rng
        self.by_key = {}
        for sit in self.sittings:
            for k, slot in enumerate(sit["slots"]):
                S = self.new_session(sit, slot, k + 1)
                spec = self.assigned.get((sit["idx"], k))
                if spec:
                    S.label = spec["label"]
                    S.spec = spec
                else:
                    S.spec = dict(label="honest")
                self.by_key[(sit["idx"], k)] = S
                self.sessions.append(S)

    # ---------------- behaviour per label -----------------
    def sim_all(self):
        rng = self.rng
        # honest hard-case flags
        honest = [S for S in self.sessions if S.label == "honest"]
        rng.shuffle(honest)
        self.sim_crash_pairs(honest)
        # training-school cohort on LV papers
        cohort = [S for S in honest if S.paper["cat"] == "LV" and S.centre in ("FSNH", "DGCA", "SZBA", "GZTH")
                  and not getattr(S, "done", False)][:26]
        for S in cohort:
            c = self.honest_cand(S, "normal")
            c["theta"] = rng.uniform(1.4, 2.6)
            c["speed"] = rng.uniform(0.45, 0.8)
            c["app_err"] = self.app_err
            S.cand = c
            S.hard.append("training-school cohort: memorised question-bank app that has some wrong keys")
        for S in honest:
            if getattr(S, "done", False):
                continue
            if not hasattr(S, "cand"):
                S.cand = self.honest_cand(S)
            self.sim_honest(S)
        for g in self.op_groups:
            self.sim_operator_group(g)
        for g in self.leak_groups:
            self.sim_leak_group(g)
        for S in self.sessions:
            if S.label == "software":
                self.sim_software(S)
            elif S.label == "hardware":
                self.sim_hardware(S)
        self.add_environment()

    def late(self, S):
        rng = self.rng
        S.ss = S.sitting["t0"] + rng.uniform(4, 14) * 60
        S.begin = S.ss + rng.uniform(70, 160)
        S.deadline = S.sitting["t0"] + S.paper["minutes"] * 60 + rng.uniform(0, 50)

    def sim_honest(self, S):
        rng = self.rng
        c = S.cand
        if rng.random() < 0.015:
            self.late(S)
            S.hard.append("arrived late")
        S.keyboard_user = rng.random() < 0.08
        if S.keyboard_user:
            S.hard.append("answers with the keyboard")
        t = S.begin + rng.uniform(3, 35)
        last = sim_self(rng, S, S.Q, c, t, S.deadline)
        S.end_at = submit_time(rng, S, last, prof=c["profile"])
        S.last = last
        S.done = True
        S.note = "honest; %s" % c["profile"].replace("_", " ")

    def sim_crash_pairs(self, honest):
        rng = self.rng
        done = 0
        for A in honest:
            if done >= 3:
                break
            if getattr(A, "done", False) or A.centre in ("ZSHK",):
                continue
            # partner: another honest session in same sitting & room
            B = None
            for X in honest:
                if X is not A and X.sitting is A.sitting and X.room is A.room and not getattr(X, "done", False):
                    B = X
                    break
            if B is None:
                continue
            c = self.honest_cand(A, "normal")
            A.cand = c
            t = A.begin + rng.uniform(3, 30)
            full = Sess()
            full.answers = []
            full.hard = []
            full.order = A.order
            full.deadline = A.deadline
            last = sim_self(rng, full, A.Q, c, t, A.deadline)
            ans = sorted(full.answers)
            cut = ans[int(len(ans) * rng.uniform(0.25, 0.6))][0]
            A.answers = [a for a in ans if a[0] < cut]
            tc = cut + rng.uniform(3, 25)
            A.end_at = tc
            A.missing_end = True
            A.last = tc
            A.cand = c
            # B: continuation on a spare seat, same candidate
            B.cand_id = A.cand_id
            B.cand = c
            B.ss = tc + rng.uniform(150, 420)
            B.begin = B.ss + rng.uniform(40, 100)
            B.deadline = A.deadline + (B.begin - tc)
            B.order = A.order
            shift = B.begin - tc
            after = [(a[0] + shift, a[1], a[2], a[3]) for a in ans if a[0] >= cut]
            B.answers = after
            last_b = after[-1][0] if after else B.begin + 30
            B.end_at = submit_time(rng, B, last_b)
            B.last = last_b
            A.done = B.done = True
            A.note = ("honest; terminal froze mid-exam, no session_end; candidate %s moved to spare seat %s (session %s)"
                      % (A.cand_id, B.seat_str, B.sid))
            B.note = ("honest; continuation of crashed session %s on a spare terminal, exam client restored progress"
                      % A.sid)
            A.hard.append("crash")
            B.hard.append("reseat after crash")
            done += 1

    # ---------------- operator groups -----------------
    def sim_operator_group(self, g):
        rng = self.rng
        members = [self.by_key[k] for k in g["members"]]
        Q = members[0].Q
        paper = members[0].paper
        careful = g["careful"]
        n_q = len(paper["qs"])
        for S in members:
            S.cand = self.honest_cand(S, "normal")
            S.cand["theta"] = rng.gauss(-0.2, 0.5)
        t_start = max(S.begin for S in members) + rng.uniform(60, 240)
        avail = min(S.deadline for S in members) - t_start - 300
        pace = rng.uniform(4.5, 8.0)
        m = len(members)
        sw = {"sequential": 30.0 * m, "roundrobin": n_q * m / 2.0 * 4.0, "chunks": n_q * m / 15.0 * 18.0}[g["sched"]]
        if g["gid"] == "O5":
            sw += 600
        need = pace * n_q * m * 1.15
        if need + sw > avail:
            pace *= (avail - sw) / need
        op_wrong = {}
        for qid in paper["qs"]:
            q = Q[qid]
            pw = 0.10 if q["tricky"] else 0.02
            if rng.random() < pw:
                op_wrong[qid] = wrong_choice(rng, q)
        src = "kvm" if g["mech"] == "ipkvm" else "remote"
        queues = {}
        per_err = {}
        for S in members:
            queues[S.sid] = list(S.order)
            per_err[S.sid] = rng.uniform(0.04, 0.10) if careful else 0.0
        # careful group O5: candidates answer a few themselves first (local)
        if g["gid"] == "O5":
            for S in members:
                k = rng.randint(4, 9)
                mine = queues[S.sid][:k]
                queues[S.sid] = queues[S.sid][k:]
                tt = S.begin + rng.uniform(5, 30)
                run_pass(rng, mine, Q, tt, S.deadline, lambda q, S=S: honest_pick(rng, S.cand, q),
                         make_dur(rng, S.cand["theta"], S.cand["speed"]), "local", S.answers)
            t_start = max(max(a[0] for a in S.answers) for S in members) + rng.uniform(20, 90)
        spans = {S.sid: [] for S in members}
        t = t_start

        def do(S, qids, t):
            t0 = t
            for qid in qids:
                q = Q[qid]
                t += max(1.8, lognorm(rng, pace * q["base"] / 16.0, 0.3))
                ch = op_wrong.get(qid, q["key"])
                if per_err[S.sid] and rng.random() < per_err[S.sid]:
                    ch = other_choice(rng, q, q["key"])
                S.answers.append((t, qid, ch, src))
            spans[S.sid].append((t0 - 3, t + 2))
            return t

        sched = g["sched"]
        if sched == "sequential":
            ms = list(members)
            rng.shuffle(ms)
            for S in ms:
                t = do(S, queues[S.sid], t)
                queues[S.sid] = []
                t += rng.uniform(10, 45)
        elif sched == "roundrobin":
            block = rng.randint(1, 4)
            while any(queues.values()):
                for S in members:
                    if queues[S.sid]:
                        b = block if not careful else rng.randint(1, 6)
                        chunk, queues[S.sid] = queues[S.sid][:b], queues[S.sid][b:]
                        t = do(S, chunk, t)
                        t += rng.uniform(1.5, 6)
        else:
            while any(queues.values()):
                live = [S for S in members if queues[S.sid]]
                S = rng.choice(live)
                k = rng.randint(5, 25)
                chunk, queues[S.sid] = queues[S.sid][:k], queues[S.sid][k:]
                t = do(S, chunk, t)
                t += rng.uniform(5, 30)
        for S in members:
            for a in S.answers:
                assert a[0] < S.deadline, (g["gid"], a[0] - S.deadline)
            for (a, b) in spans[S.sid]:
                S.windows.append((a, b, "remote" if src == "remote" else "kvm"))
            last = max(a[0] for a in S.answers)
            S.windows.append((t_start - 30, last + 1, "wait"))
            S.last = last
            S.fidget = 0.45 if careful else 0.08
            if careful:
                S.end_at = min(S.deadline - rng.uniform(60, 600), max(last + rng.uniform(30, 400),
                               S.begin + rng.uniform(35, 70) * 60))
                S.end_at = max(S.end_at, last + 20)
            else:
                S.end_at = last + rng.uniform(5, 40)
            self.operator_evidence(S, g, spans[S.sid])
            S.note = ("operator; group %s (%d terminals, %s); one person answered via %s, schedule %s%s"
                      % (g["gid"], len(members), ", ".join(sorted(uniq("%s/%s/%s" % (m.centre, m.room["id"], m.seat_str) for m in members))),
                         g["mech"].replace("_", " "), sched, "; careful: per-terminal deliberate errors, candidate fidgets" if careful else ""))

    def operator_evidence(self, S, g, spans):
        rng = self.rng
        mech = g["mech"]
        if "ev" not in g:
            g["ev"] = dict(vps=ip_in(rng, rng.choice(PUBLIC_CLOUD)), peer=ip_in(rng, rng.choice(RESIDENTIAL)),
                           relay=ip_in(rng, rng.choice(PUBLIC_CLOUD)))
        ev = g["ev"]
        first = min(a for a, b in spans)
        last = max(b for a, b in spans)
        if mech == "mythware_rogue":
            for a, b in spans:
                S.conn_extra.append((a - rng.uniform(5, 60), b + rng.uniform(5, 60),
                                     {"remote": "192.168.30.66", "port": 4988, "process": "StudentMain.exe"}, 1.0))
        elif mech == "todesk_lite":
            p = P("ToDesk_Lite.exe", "C:\\Users\\exam\\AppData\\Local\\Temp\\ToDesk_Lite.exe", "Hainan YouQu Technology Co., Ltd.")
            S.proc_extra.append((S.ss + rng.uniform(60, 200), S.end_at + 60, p))
            S.conn_extra.append((S.ss + rng.uniform(200, 300), S.end_at + 60, {"remote": "api.todesk.com", "port": 443, "process": "ToDesk_Lite.exe"}, 0.8))
            for a, b in spans:
                S.conn_extra.append((a - 20, b + 20, {"remote": ev["relay"], "port": 443, "process": "ToDesk_Lite.exe"}, 1.0))
        elif mech == "ipkvm":
            S.dev_present.append(dev("ipkvm"))
            S.disp_events.append((S.ss + 0.8, 1, False, "1920x1080"))
        elif mech == "rustdesk_disguised":
            p = P("RtkAudioSvc.exe", "C:\\ProgramData\\Realtek\\RtkAudioSvc.exe", "")
            S.proc_extra.append((S.ss - 3600, S.end_at + 3600, p))
            S.conn_extra.append((S.ss - 3600, S.end_at + 3600, {"remote": ev["vps"], "port": 21116, "process": "RtkAudioSvc.exe"}, 0.9))
            for a, b in spans:
                S.conn_extra.append((a - 10, b + 10, {"remote": ev["vps"], "port": 21117, "process": "RtkAudioSvc.exe"}, 1.0))
        elif mech == "radmin_insider":
            for a, b in spans:
                S.conn_extra.append((a - 5, b + 5, {"remote": IT_ADMIN["HZHC"], "port": rng.randint(49200, 64000), "process": "rserver3.exe"}, 1.0))
        elif mech == "sunlogin_peer":
            for a, b in spans:
                S.conn_extra.append((a - 5, b + 5, {"remote": ev["peer"], "port": rng.randint(30000, 60000), "process": "SunloginClient.exe"}, 1.0))

    # ---------------- leak groups -----------------
    def sim_leak_group(self, g):
        rng = self.rng
        members = [self.by_key[k] for k in g["members"]]
        paper = members[0].paper
        Q = paper["Q"]
        qs = paper["qs"]
        style = g["style"]
        if style == "fast_full":
            leaked = {q: Q[q]["key"] for q in qs}
        elif style == "partial_fast":
            sc = [q for q in qs if Q[q]["kind"] == "S"]
            tf = [q for q in qs if Q[q]["kind"] == "J"]
            leaked = {q: Q[q]["key"] for q in sc + rng.sample(tf, 12)}
        elif style == "errors_normal":
            part = rng.sample(qs, int(len(qs) * 0.6))
            leaked = {q: Q[q]["key"] for q in part}
            for q in rng.sample(part, 7):
                leaked[q] = other_choice(rng, Q[q], Q[q]["key"])
        elif style == "during":
            part = rng.sample(qs, int(len(qs) * 0.46))
            leaked = {q: Q[q]["key"] for q in part}
        else:  # careful_hard
            hard = sorted(qs, key=lambda q: -Q[q]["b"])[:int(math.ceil(len(qs) * 0.35))]
            leaked = {q: Q[q]["key"] for q in hard}
        assert len(leaked) >= 0.3 * len(qs)
        relay_t = None
        if style == "during":
            relay_t = max(S.begin for S in members) + rng.uniform(22, 38) * 60
        for S in members:
            c = self.honest_cand(S, "normal")
            c["theta"] = rng.gauss(0.3, 0.6)
            c["speed"] = lognorm(rng, 1.3, 0.3)
            S.cand = c
            base_dur = make_dur(rng, c["theta"], c["speed"])
            t = S.begin + rng.uniform(3, 40)
            if style == "fast_full":
                misses = dict((q, other_choice(rng, Q[q], Q[q]["key"])) for q in rng.sample(qs, rng.randint(2, 7)))
                pick = lambda q, m=misses: m.get(q["id"], leaked[q["id"]])
                dur = lambda q: rng.uniform(1.8, 4.5) if q["kind"] == "J" else rng.uniform(2.5, 6.5)
                last = sim_self(rng, S, Q, dict(c, profile="normal"), t, S.deadline, pick=pick, dur=dur,
                                allow_review=False)
                careful = rng.random() < 0.5
                S.end_at = submit_time(rng, S, last, careful=careful)
                S.note = "leak; group %s: full key of %s from an earlier sitting, fast, %d deliberate misses%s" % (
                    g["gid"], paper["id"], len(misses), ", waited before submitting" if careful else "")
            elif style in ("partial_fast", "errors_normal", "careful_hard"):
                lp = {"partial_fast": 0.97, "errors_normal": 0.95, "careful_hard": 0.93}[style]

                def pick(q, lp=lp, c=c):
                    if q["id"] in leaked and rng.random() < lp:
                        return leaked[q["id"]]
                    return honest_pick(rng, c, q)
                if style == "partial_fast":
                    dur = lambda q, bd=base_dur: rng.uniform(2.0, 6.0) if q["id"] in leaked else bd(q)
                elif style == "careful_hard":
                    dur = lambda q, bd=base_dur: bd(q) * (0.75 if q["id"] in leaked else 1.0)
                else:
                    dur = base_dur
                last = sim_self(rng, S, Q, dict(c, profile="normal"), t, S.deadline, pick=pick, dur=dur)
                S.end_at = submit_time(rng, S, last, careful=(style == "careful_hard"))
                desc = {"partial_fast": "all single-choice + 12 judgement answers (%d%%) of %s leaked from an earlier sitting, answered fast",
                        "errors_normal": "60%% of %s key leaked with 7 transcription errors (shared wrong answers), normal pace",
                        "careful_hard": "only the hardest 35%% of %s leaked, normal pace, careful"}[style]
                if style == "partial_fast":
                    desc = desc % (round(100 * len(leaked) / len(qs)), paper["id"])
                else:
                    desc = desc % paper["id"]
                S.note = "leak; group %s: %s" % (g["gid"], desc)
            else:  # during
                honest_pick_c = lambda q, c=c: honest_pick(rng, c, q)
                t, _, rest = run_pass(rng, S.order, Q, t, relay_t, honest_pick_c, base_dur, "local", S.answers)
                # receives the relayed answers (phone/earpiece) after a pause
                arrive = max(t, relay_t) + rng.uniform(40, 200)
                S.windows.append((t, arrive, "idle"))
                t = arrive
                cur = {}
                for a in sorted(S.answers):
                    cur[a[1]] = a[2]
                # fix answered leaked questions first (in display order)
                for qid in S.order:
                    if qid in cur and qid in leaked and cur[qid] != leaked[qid]:
                        t += rng.uniform(3, 9)
                        S.answers.append((t, qid, leaked[qid], "local"))
                # remaining questions
                for qid in rest:
                    q = Q[qid]
                    if qid in leaked:
                        t += rng.uniform(2.0, 5.5)
                        ch = leaked[qid]
                    else:
                        t += base_dur(q)
                        ch = honest_pick(rng, c, q)
                    if t > S.deadline - 15:
                        break
                    S.answers.append((t, qid, ch, "local"))
                last = t
                S.end_at = submit_time(rng, S, last)
                S.note = ("leak; group %s: 46%% of %s relayed into the rooms during the exam (~%d min in), "
                          "candidate corrected earlier answers then finished" % (g["gid"], paper["id"], int((relay_t - S.begin) / 60)))
            S.last = last

    # ---------------- software -----------------
    def helper_take(self, S, qids, t, src, acc=0.96, pace=(4.0, 9.0)):
        rng = self.rng
        Q = S.Q
        t0 = t
        for qid in qids:
            q = Q[qid]
            t += max(1.8, rng.uniform(*pace) * q["base"] / 16.0)
            if t > S.deadline - 10:
                break
            ch = q["key"] if rng.random() < acc else wrong_choice(rng, q)
            S.answers.append((t, qid, ch, src))
        S.windows.append((t0 - 5, t + 3, src))
        return t

    def sim_software(self, S):
        rng = self.rng
        var = S.spec["variant"]
        c = self.honest_cand(S, "normal")
        c["theta"] = rng.gauss(0.2, 0.6)
        S.cand = c
        Q = S.Q
        order = S.order
        mode = {"todesk_full": "operate", "sunlogin_foreign": "operate", "portable_lite": rng.choice(["operate", "partial"]),
                "rustdesk_disguised": "operate", "rustdesk_linux": "operate", "sunlogin_peer": "partial",
                "tool_abuse_GZTH": "operate", "tool_abuse_DGCA": "operate", "tool_abuse_HZHC": "operate",
                "webrtc_browser": "assist", "screencast_view": "assist", "shortlived": "partial"}[var]
        t = S.begin + rng.uniform(3, 30)
        ctrl = []  # control windows (t0, t1)
        if mode == "operate":
            k = rng.choice([0, 0, rng.randint(3, 15), rng.randint(10, 35)])
            if k:
                t, _, _ = run_pass(rng, order[:k], Q, t, S.deadline, lambda q: honest_pick(rng, c, q),
                                   make_dur(rng, c["theta"], c["speed"]), "local", S.answers)
            t += rng.uniform(20, 180)
            ts = t
            t = self.helper_take(S, order[k:], t, "remote", acc=rng.uniform(0.93, 0.99))
            ctrl.append((ts, t))
            last = t
            S.end_at = submit_time(rng, S, last, careful=rng.random() < 0.4)
        elif mode == "partial":
            # candidate answers what they know, skips the rest; helper then fills in and corrects
            know = lambda q: p_correct(c["theta"], q) > 0.8
            cand_pick = lambda q: honest_pick(rng, c, q)
            dur = make_dur(rng, c["theta"], c["speed"])
            t, skipped, rest = run_pass(rng, order, Q, t, S.deadline - 1800, cand_pick, dur, "local", S.answers,
                                        skip=lambda q: not know(q) and rng.random() < 0.8)
            todo = skipped + rest
            t += rng.uniform(30, 240)
            ts = t
            t = self.helper_take(S, todo, t, "remote", acc=rng.uniform(0.92, 0.99), pace=(5, 11))
            # helper also corrects a few of the candidate's wrong answers
            cur = {}
            for a in sorted(S.answers):
                cur[a[1]] = a[2]
            wrong = [q for q in order if q in cur and cur[q] != Q[q]["key"]]
            for qid in wrong[:rng.randint(2, 10)]:
                t += rng.uniform(4, 10)
                if t > S.deadline - 5:
                    break
                S.answers.append((t, qid, Q[qid]["key"], "remote"))
            S.windows.append((ts, t + 3, "remote"))
            ctrl.append((ts, t))
            last = t
            S.end_at = submit_time(rng, S, last)
        else:  # assist: someone watches the screen and dictates answers; candidate clicks
            acc = rng.uniform(0.9, 0.98)
            pick = lambda q: q["key"] if rng.random() < acc else wrong_choice(rng, q)
            dur = lambda q: max(4.0, rng.uniform(8, 20) * (0.8 if q["kind"] == "J" else 1.2))
            ts = t
            t, _, rest = run_pass(rng, order, Q, t, S.deadline - 30, pick, dur, "local", S.answers)
            if rest:
                t = finish_guess(rng, S.answers, rest, Q, t, S.deadline)
            ctrl.append((ts - rng.uniform(60, 300), t + 30))
            last = t
            S.end_at = submit_time(rng, S, last)
        S.last = last
        self.software_evidence(S, var, ctrl, mode)

    def software_evidence(self, S, var, ctrl, mode):
        rng = self.rng
        a, b = ctrl[0]
        end = S.end_at
        vps = ip_in(rng, rng.choice(PUBLIC_CLOUD))
        peer = ip_in(rng, rng.choice(RESIDENTIAL))
        note = ""
        if var == "todesk_full":
            for p in (P("ToDesk_Service.exe", "C:\\Program Files\\ToDesk\\ToDesk_Service.exe", "Hainan YouQu Technology Co., Ltd."),
                      P("ToDesk.exe", "C:\\Program Files\\ToDesk\\ToDesk.exe", "Hainan YouQu Technology Co., Ltd.")):
                S.proc_extra.append((S.ss - 7200, end + 7200, p))
            S.conn_extra.append((S.ss - 7200, end + 7200, {"remote": "api.todesk.com", "port": 443, "process": "ToDesk_Service.exe"}, 0.9))
            S.conn_extra.append((a - 20, b + 20, {"remote": vps, "port": 443, "process": "ToDesk.exe"}, 1.0))
            note = "ToDesk installed on the terminal image, remote helper controlled it"
        elif var == "sunlogin_foreign":
            p = CENTRE_TOOLS["sunlogin"]
            S.proc_extra.append((S.ss - 7200, end + 7200, p))
            S.conn_extra.append((S.ss - 7200, end + 7200, {"remote": "client-api.oray.com", "port": 443, "process": p["name"]}, 0.9))
            S.conn_extra.append((a - 15, b + 15, {"remote": peer, "port": rng.randint(30000, 60000), "process": p["name"]}, 1.0))
            note = "Sunlogin (向日葵) on a terminal of a centre that does not use it, remote helper controlled it"
        elif var == "portable_lite":
            if rng.random() < 0.5:
                p = P("ToDesk_Lite.exe", "C:\\Users\\exam\\AppData\\Local\\Temp\\ToDesk_Lite.exe", "Hainan YouQu Technology Co., Ltd.")
                S.proc_extra.append((a - rng.uniform(100, 400), end + 30, p))
                S.conn_extra.append((a - 60, b + 15, {"remote": vps, "port": 443, "process": p["name"]}, 1.0))
                note = "portable ToDesk_Lite started from %TEMP% during the exam"
            else:
                p = P("AnyDesk.exe", "E:\\AnyDesk.exe", "AnyDesk Software GmbH")
                t_usb = a - rng.uniform(150, 400)
                d = dev("sandisk", ("storage", "USB DISK 2.0", "090c", "1000"))
                S.dev_events.append((t_usb, "attached", d))
                S.proc_extra.append((t_usb + 25, b + rng.uniform(20, 60), p))
                S.conn_extra.append((t_usb + 30, b + 10, {"remote": "relay-%08x.net.anydesk.com" % rng.getrandbits(32), "port": 443, "process": p["name"]}, 1.0))
                S.dev_events.append((b + rng.uniform(60, 120), "removed", d))
                note = "portable AnyDesk run from a USB stick plugged in mid-exam, stick removed after"
        elif var in ("rustdesk_disguised", "rustdesk_linux"):
            if var == "rustdesk_linux":
                p = P("kylin-update-agent", "/opt/.kua/kylin-update-agent")
            else:
                p = rng.choice([P("igfxTray.exe", "C:\\Users\\Public\\Intel\\igfxTray.exe"),
                                P("RtkAudioSvc.exe", "C:\\ProgramData\\Realtek\\RtkAudioSvc.exe"),
                                P("svchost.exe", "C:\\Windows\\Temp\\svchost.exe")])
            S.proc_extra.append((S.ss - 7200, end + 7200, p))
            S.conn_extra.append((S.ss - 7200, end + 7200, {"remote": vps, "port": 21116, "process": p["name"]}, 0.85))
            S.conn_extra.append((a - 10, b + 10, {"remote": vps, "port": 21117, "process": p["name"]}, 1.0))
            note = "renamed self-hosted RustDesk (%s, unsigned) talking to a rented VPS" % p["path"]
        elif var == "sunlogin_peer":
            S.conn_extra.append((a - 10, b + 10, {"remote": peer, "port": rng.randint(30000, 60000), "process": "SunloginClient.exe"}, 1.0))
            note = "the centre's own Sunlogin used by an outside helper (peer connection) to finish skipped questions"
        elif var == "tool_abuse_GZTH":
            S.conn_extra.append((a - 30, b + 30, {"remote": "192.168.30.%d" % rng.randint(60, 90), "port": 4988, "process": "StudentMain.exe"}, 1.0))
            note = "Mythware (极域) student client driven from a rogue teacher console on the office subnet"
        elif var == "tool_abuse_DGCA":
            S.conn_extra.append((a - 10, b + 10, {"remote": peer, "port": 5500, "process": "tvnserver.exe"}, 1.0))
            note = "the centre's TightVNC server made a reverse connection to an outside viewer (port 5500)"
        elif var == "tool_abuse_HZHC":
            S.conn_extra.append((a - 10, b + 10, {"remote": "172.16.7.%d" % rng.randint(30, 80), "port": rng.randint(49200, 64000), "process": "rserver3.exe"}, 1.0))
            note = "the centre's Radmin server controlled from a non-admin LAN host"
        elif var == "webrtc_browser":
            p = P("msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", MSC)
            S.proc_extra.append((a, end + 20, p))
            S.conn_extra.append((a + 5, b, {"remote": vps, "port": 3478, "process": "msedge.exe"}, 1.0))
            S.conn_extra.append((a + 5, b, {"remote": "meet.%s.cn" % rng.choice(["yxlink", "cloudroom", "zhumu"]), "port": 443, "process": "msedge.exe"}, 0.7))
            note = "browser screen share (WebRTC, TURN 3478) watched by a helper who dictated answers"
        elif var == "screencast_view":
            if rng.random() < 0.5:
                p = P("wemeetapp.exe", "C:\\Program Files (x86)\\Tencent\\WeMeet\\3.26.10.401\\wemeetapp.exe", "Tencent Technology (Shenzhen) Company Limited")
                rem = ("wemeet.qq.com", 443)
            else:
                p = P("ApowerMirror.exe", "C:\\Program Files (x86)\\Apowersoft\\ApowerMirror\\ApowerMirror.exe", "Apowersoft Ltd")
                rem = ("api.apowersoft.cn", 443)
            S.proc_extra.append((a - 30, end + 20, p))
            S.conn_extra.append((a, b, {"remote": rem[0], "port": rem[1], "process": p["name"]}, 0.8))
            S.conn_extra.append((a, b, {"remote": vps, "port": rng.choice([8000, 443, 9000]), "process": p["name"]}, 1.0))
            note = "screen cast with %s to a helper who dictated answers (view only)" % p["name"]
        elif var == "shortlived":
            p = rng.choice([P("TeamViewerQS_x64.exe", "C:\\Users\\exam\\Downloads\\TeamViewerQS_x64.exe", "TeamViewer Germany GmbH"),
                            P("ToDesk_Lite.exe", "C:\\Users\\exam\\AppData\\Local\\Temp\\ToDesk_Lite.exe", "Hainan YouQu Technology Co., Ltd.")])
            S.proc_extra.append((a - rng.uniform(20, 90), b + rng.uniform(5, 40), p))
            rem = "router%d.teamviewer.com" % rng.randint(1, 16) if p["name"].startswith("Team") else vps
            S.conn_extra.append((a - 10, b + 5, {"remote": rem, "port": 5938 if p["name"].startswith("Team") else 443, "process": p["name"]}, 1.0))
            note = "%s started only for a short remote session mid-exam, closed before submitting" % p["name"]
        S.note = "software; %s; %s" % (note, {"operate": "helper operated the terminal remotely",
                                            "partial": "candidate answered what they knew, helper took over the rest",
                                            "assist": "candidate clicked, helper saw the screen"}[mode])
        if mode == "operate" and rng.random() < 0.3:
            # some remote tools change the resolution on connect
            S.disp_events.append((a + 2, S.room["display"][0], S.room["display"][1], "1280x720"))
            S.disp_events.append((b + 2, S.room["display"][0], S.room["display"][1], S.room["display"][2]))

    # ---------------- hardware -----------------
    def sim_hardware(self, S):
        rng = self.rng
        var = S.spec["variant"]
        c = self.honest_cand(S, "normal")
        c["theta"] = rng.gauss(0.2, 0.6)
        S.cand = c
        Q = S.Q
        order = S.order
        disp = S.room["display"]
        t = S.begin + rng.uniform(3, 30)
        note = ""
        if var in ("ch9329", "arduino", "spoof_receiver", "idreader_clone"):
            t_att = S.begin + rng.uniform(2, 15) * 60
            if var == "ch9329":
                d = dev("ch9329")
                note = "CH9329 UART-to-HID injector (driven over Bluetooth from a helper's phone) plugged in mid-exam"
            elif var == "arduino":
                d = dev(rng.choice(["leonardo", "digispark"]))
                note = "%s board as keyboard/mouse injector plugged in mid-exam" % d["name"]
            elif var == "spoof_receiver":
                d = dev("logi_rx") if S.centre == "FSNH" else dev("logi_c52b")
                note = "injector that enumerates as a Logitech receiver (%s:%s), added next to the real mouse" % (d["vid"], d["pid"])
            else:
                d = dev("idr")
                note = "injector cloned as the centre's ID-card reader (%s:%s), plugged in mid-exam" % (d["vid"], d["pid"])
            # candidate answers the first part, then injector takes over
            k = rng.randint(0, 25)
            t, _, _ = run_pass(rng, order[:k], Q, t, t_att, lambda q: honest_pick(rng, c, q),
                               make_dur(rng, c["theta"], c["speed"]), "local", S.answers)
            rest = [q for q in order if q not in set(a[1] for a in S.answers)]
            t = max(t, t_att) + rng.uniform(20, 120)
            t = self.helper_take(S, rest, t, "inject", acc=rng.uniform(0.92, 0.99), pace=(5, 11))
            S.dev_events.append((t_att, "attached", d))
            if rng.random() < 0.6:
                S.dev_events.append((t + rng.uniform(10, 90), "removed", d))
            last = t
        elif var in ("wireless_hdmi", "kvm_switch", "ipkvm", "spoof_keyboard"):
            if var == "wireless_hdmi":
                t_att = S.ss - rng.uniform(60, 600)  # installed before the candidate sits down
                S.dev_present.append(dev("rx24g"))
                S.disp_events.append((S.ss + 0.8, disp[0] + 1, True, disp[2]))
                note = "wireless HDMI transmitter (mirrored 2nd display) + 2.4G keyboard/mouse receiver; helper outside the room operated"
                src = "kvm"
            elif var == "kvm_switch":
                S.dev_present.append(dev("aten_kvm"))
                S.dev_present.append(dev("gl_hub"))
                S.disp_events.append((S.ss + 0.8, disp[0] + 1, True, disp[2]))
                note = "USB KVM switch with split video behind the desk; helper's keyboard/mouse on the second port"
                src = "kvm"
            elif var == "ipkvm":
                S.dev_present.append(dev("ipkvm"))
                S.disp_events.append((S.ss + 0.8, 1, False, "1920x1080" if disp[2] != "1920x1080" else "1280x1024"))
                note = "IP-KVM (USB gadget 1d6b:0104 + HDMI capture via splitter, resolution forced by capture EDID)"
                src = "kvm"
            else:
                kb = {"GZTH": "dell_kb", "FSNH": "logi_k120", "SZBA": "len_kb", "DGCA": "gen_kb", "ZSHK": "sig_kb", "HZHC": "logi_k120"}[S.centre]
                S.dev_present.append(dev(kb))
                note = "injector posing as a second ordinary keyboard (%s), present from the start; screen seen via passive splitter" % DEV[kb][1]
                src = "inject"
            k = rng.choice([0, rng.randint(2, 12)])
            if k:
                t, _, _ = run_pass(rng, order[:k], Q, t, S.deadline, lambda q: honest_pick(rng, c, q),
                                   make_dur(rng, c["theta"], c["speed"]), "local", S.answers)
            t += rng.uniform(20, 150)
            pace = (6, 14) if src == "kvm" else (5, 11)
            t = self.helper_take(S, order[k:], t, src, acc=rng.uniform(0.92, 0.99), pace=pace)
            last = t
        else:  # view-only: passive_splitter, extra_display
            if var == "passive_splitter":
                t_att = S.begin + rng.uniform(1, 12) * 60
                S.disp_events.append((t_att, 0, False, disp[2]))
                res = disp[2] if rng.random() < 0.4 else ("1920x1080" if disp[2] != "1920x1080" else "1680x1050")
                S.disp_events.append((t_att + rng.uniform(1.5, 5), disp[0], disp[1], res))
                note = "passive HDMI splitter inserted mid-exam (display re-plug%s); helper watched and dictated via earpiece" % (
                    "" if res == disp[2] else ", EDID %s" % res)
            else:
                t_att = S.begin + rng.uniform(0, 10) * 60 if rng.random() < 0.5 else S.ss + 1
                S.disp_events.append((t_att, disp[0] + 1, True, disp[2]))
                note = "extra mirrored display (second monitor output cabled out of the room); helper dictated answers"
            acc = rng.uniform(0.9, 0.98)
            pick = lambda q: q["key"] if rng.random() < acc else wrong_choice(rng, q)
            dur0 = make_dur(rng, c["theta"], c["speed"])
            t, _, _ = run_pass(rng, order, Q, t, t_att, lambda q: honest_pick(rng, c, q), dur0, "local", S.answers)
            t = max(t, t_att + 30)
            done = set(a[1] for a in S.answers)
            rest = [q for q in order if q not in done]
            dur = lambda q: max(4.0, rng.uniform(8, 19) * (0.8 if q["kind"] == "J" else 1.2))
            t, _, rest2 = run_pass(rng, rest, Q, t, S.deadline - 30, pick, dur, "local", S.answers)
            if rest2:
                t = finish_guess(rng, S.answers, rest2, Q, t, S.deadline)
            last = t
        S.last = last
        S.end_at = submit_time(rng, S, last, careful=rng.random() < 0.3)
        S.note = "hardware; " + note

    # ---------------- environment: hard cases, clocks, outages -----------------
    def add_environment(self):
        rng = self.rng
        honest = [S for S in self.sessions if S.label == "honest"]
        allS = list(self.sessions)
        rng.shuffle(honest)
        rng.shuffle(allS)
        hi = iter(honest)

        def nxt(ok=lambda S: True):
            for S in hi:
                if ok(S) and not S.missing_end:
                    return S
            return None

        def hopen(ok):
            cands = [S for S in honest if ok(S) and not S.missing_end and len(S.hard) < 2]
            return rng.choice(cands) if cands else None

        # IT remote support before the exam starts (centre tools)
        for centre, n in (("FSNH", 3), ("DGCA", 3), ("HZHC", 2), ("ZSHK", 2), ("GZTH", 1)):
            for _ in range(n):
                S = hopen(lambda S: S.centre == centre and S.begin - S.ss > 100)
                if not S:
                    continue
                a = S.ss + rng.uniform(10, 30)
                b = min(S.begin - 10, a + rng.uniform(60, 200))
                if centre == "FSNH":
                    cn = {"remote": ip_in(rng, "113.108"), "port": rng.randint(30000, 60000), "process": "SunloginClient.exe"}
                elif centre == "DGCA":
                    cn = {"remote": IT_ADMIN["DGCA"], "port": rng.randint(49200, 64000), "process": "tvnserver.exe"}
                elif centre == "HZHC":
                    cn = {"remote": IT_ADMIN["HZHC"], "port": rng.randint(49200, 64000), "process": "rserver3.exe"}
                elif centre == "ZSHK":
                    cn = {"remote": IT_ADMIN["ZSHK"], "port": rng.randint(40000, 60000), "process": "sshd"}
                else:
                    cn = {"remote": "192.168.30.250", "port": 4988, "process": "StudentMain.exe"}
                S.conn_extra.append((a, b, cn, 1.0))
                S.windows.append((a, b, "remote"))
                S.hard.append("IT remote support during login, before the first answer (%s)" % cn["process"])
        # replaced mouse mid-exam
        for _ in range(9):
            S = hopen(lambda S: S.last - S.begin > 900)
            if S is None:
                continue
            ms = [k for k in S.room["devices"] if DEV[k][1].endswith("Mouse") or k in ("logi_rx", "rapoo_rx")]
            if not ms:
                continue
            t = rng.uniform(S.begin + 300, S.last - 200)
            old = dev(ms[0])
            new = dev(rng.choice(["logi_m100", "dell_ms", "pix_ms"]))
            gap = rng.uniform(25, 110)
            S.dev_events.append((t, "removed", old))
            S.dev_events.append((t + gap, "attached", new))
            S.dead_ptr.append((t, t + gap))
            self.push_answers(S, t, gap + 5)
            S.hard.append("mouse failed and was replaced by the invigilator (%s)" % new["name"])
        # keyboard/receiver USB glitch re-enumeration
        for _ in range(7):
            S = rng.choice(allS)
            if not S.room["devices"]:
                continue
            k = S.room["devices"][0]
            t = rng.uniform(S.ss + 60, S.end_at - 30)
            S.dev_events.append((t, "removed", dev(k)))
            S.dev_events.append((t + rng.uniform(0.6, 3), "attached", dev(k)))
            S.hard.append("USB glitch: %s re-enumerated" % DEV[k][1])
        # webcam reconnects
        for _ in range(5):
            S = hopen(lambda S: S.centre in ("SZBA", "HZHC"))
            if S is None:
                continue
            cam = [k for k in S.room["devices"] if DEV[k][0] == "other" and "am" in DEV[k][1]]
            if not cam:
                continue
            t = rng.uniform(S.ss + 30, S.end_at - 10)
            S.dev_events.append((t, "removed", dev(cam[0])))
            S.dev_events.append((t + rng.uniform(1, 40), "attached", dev(cam[0])))
            S.hard.append("webcam reconnected")
        # IT copies logs with a USB stick after submit
        for _ in range(3):
            S = hopen(lambda S: S.end_at - S.last > 60 or True)
            if S is None:
                continue
            t = S.last + rng.uniform(5, 20)
            S.end_at = max(S.end_at, t + 120)
            d = dev(rng.choice(["kingston", "sandisk"]))
            S.dev_events.append((t, "attached", d))
            S.dev_events.append((t + rng.uniform(40, 100), "removed", d))
            S.hard.append("IT plugged a USB stick after submission to collect client logs")
        # spare-mouse attached by invigilator without removing the old one
        for _ in range(3):
            S = hopen(lambda S: S.last - S.begin > 600)
            if S is None:
                continue
            t = rng.uniform(S.begin + 120, S.last - 60)
            S.dev_events.append((t, "attached", dev("logi_m100")))
            S.hard.append("invigilator plugged in a spare mouse next to the flaky one")
        # monitor power blips
        for _ in range(7):
            S = rng.choice(allS)
            d = S.room["display"]
            t = rng.uniform(S.ss + 60, S.end_at - 20)
            S.disp_events.append((t, 0, False, d[2]))
            S.disp_events.append((t + rng.uniform(1, 6), d[0], d[1], d[2]))
            S.hard.append("monitor cable/power blip")
        # accessibility: larger text via lower resolution set by the invigilator
        for _ in range(2):
            S = hopen(lambda S: True)
            if S is None:
                continue
            d = S.room["display"]
            t = S.ss + rng.uniform(20, 90)
            S.disp_events.append((t, d[0], d[1], "1280x720"))
            S.hard.append("low resolution set for a candidate with poor eyesight")
        # laptops in SZBA L1 sometimes come up without the external monitor then detect it
        for S in self.sessions:
            if S.centre == "SZBA" and S.room["id"] == "L1" and rng.random() < 0.12 and not S.disp_events:
                t = S.ss + rng.uniform(2, 30)
                S.disp_events.append((t, 1, False, "1920x1080"))
                S.disp_events.append((t + rng.uniform(2, 8), 2, True, "1920x1080"))
        # sessions that never send session_end (agent killed at shutdown)
        for _ in range(2):
            S = hopen(lambda S: True)
            if S is None:
                continue
            S.missing_end = True
            S.hard.append("agent stopped before sending session_end")
        # individual terminal network problems (any label)
        for S in rng.sample(allS, 14):
            a = rng.uniform(S.ss + 120, max(S.ss + 130, S.end_at - 60))
            S.indiv_outage = (a, a + rng.uniform(40, 600))
        # candidate fidget level and keyboard-mode
        for S in self.sessions:
            if S.label == "honest":
                S.fidget = rng.choice([0.1, 0.2, 0.3])
        # clocks
        for S in self.sessions:
            S.clock = self.make_clock(S)
        # per-sitting outages
        for sit in self.sittings:
            C = CENTRES[sit["centre"]]
            t0 = sit["t0"]
            if rng.random() < C["outage_p"]:
                a = t0 + rng.uniform(5, 70) * 60
                rooms = None if rng.random() < 0.5 else [rng.choice(C["rooms"])["id"]]
                sit["outages"].append((a, a + rng.uniform(40, 420), rooms))
            if sit["centre"] == "HZHC":
                a = t0 + rng.uniform(20, 50) * 60
                sit["outages"].append((a, a + rng.uniform(720, 1100), None))
        for S in self.sessions:
            S.hard = uniq(S.hard)
            if S.label == "honest" and S.hard:
                S.note += "; " + "; ".join(S.hard)

    def push_answers(self, S, t, gap):
        """candidate cannot answer while the mouse is missing: delay later answers"""
        S.answers = [(a[0] + gap if a[0] >= t else a[0], a[1], a[2], a[3]) for a in S.answers]
        S.last = max(a[0] for a in S.answers) if S.answers else S.last
        if S.last > S.deadline:
            S.answers = [a for a in S.answers if a[0] < S.deadline]
            S.last = max(a[0] for a in S.answers)
        S.end_at = max(S.end_at + gap, S.last + 5)
        if S.end_at > S.deadline + 3:
            S.end_at = S.deadline + 2

    def make_clock(self, S):
        """terminal clock: (offset, [(t, new_offset)], drift)"""
        rng = self.rng
        h = int(S.terminal.encode().hex(), 16) % 1000  # terminal-stable property
        jumps = []
        off = rng.gauss(0, 0.8)
        drift = rng.gauss(0, 3e-5)
        if S.centre == "DGCA":
            if h < 80:  # CMOS battery flat: clock at 2019
                off = datetime(2019, 12, 31, 9, 0, tzinfo=CN).timestamp() - S.sitting["t0"] + (h * 97.0)
                if rng.random() < 0.6:
                    jumps.append((S.ss + rng.uniform(60, 2400), rng.gauss(0, 0.5)))
            elif h < 450:  # never synced: minutes off
                off = ((h * 7919) % 1000) - 350.0
                if rng.random() < 0.3:
                    jumps.append((S.ss + rng.uniform(120, 3600), rng.gauss(0, 0.5)))
        elif S.terminal in ("HZ-T007", "HZ-T033"):
            off = 8 * 3600 + rng.gauss(0, 20)  # wall time in local hours but zone set to UTC
            S.tz_wrong = True
        elif rng.random() < 0.04:
            off = rng.uniform(-180, 240)
            jumps.append((S.ss + rng.uniform(60, 3000), rng.gauss(0, 0.4)))
        elif rng.random() < 0.02:
            jumps.append((S.ss + rng.uniform(60, 3000), -rng.uniform(30, 120)))
        return (off, sorted(jumps), drift)


# ----------------------------------------------------------------------------
# event emission
# ----------------------------------------------------------------------------
def term_time(S, t):
    off, jumps, drift = S.clock
    for jt, joff in jumps:
        if t >= jt:
            off = joff
    return t + off + drift * (t - S.ss)


def fmt_time(t, style, tz_wrong=False):
    if style == "sZ" or tz_wrong:
        d = datetime.fromtimestamp(t, UTC)
        if tz_wrong:  # local wall clock with the zone set to UTC (offset already in t)
            return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)
        return d.strftime("%Y-%m-%dT%H:%M:%SZ")
    d = datetime.fromtimestamp(t, CN)
    if style == "us8":
        return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%06d+08:00" % d.microsecond
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+08:00" % (d.microsecond // 1000)


def state_at(S, t):
    for a, b, st in S.windows:
        if a <= t < b:
            return st
    if t < S.begin:
        return "pre"
    if t <= S.last:
        return "active"
    return "idle"


def gen_events(g, S):
    rng = g.rng
    C = CENTRES[S.centre]
    ev = []
    end = S.end_at
    ev.append((S.ss, "session_start", {"candidate": S.cand_id, "exam": S.paper["id"], "centre": S.centre,
                                       "room": S.room["id"], "seat": S.seat_str, "terminal": S.terminal}))
    # devices present at start
    t = S.ss + 0.2
    for k in S.room["devices"]:
        t += rng.uniform(0.001, 0.05)
        ev.append((t, "device", dict(action="present", **dev(k))))
    for d in S.dev_present:
        t += rng.uniform(0.001, 0.05)
        ev.append((t, "device", dict(action="present", **d)))
    for (tt, action, d) in S.dev_events:
        if S.ss < tt < end:
            ev.append((tt, "device", dict(action=action, **d)))
    # display
    d0 = S.room["display"]
    disp = sorted(S.disp_events)
    if not disp or disp[0][0] > S.ss + 1:
        ev.append((S.ss + 0.7, "display", {"displays": d0[0], "mirrored": d0[1], "resolution": d0[2]}))
    for (tt, n, m, r) in disp:
        if tt < end:
            ev.append((max(tt, S.ss + 0.75), "display", {"displays": n, "mirrored": m, "resolution": r}))
    # processes
    os_ = C["os"]
    if os_ == "linux":
        base = list(LINUX_BASE) + [P(C["client"][0], C["client"][1] + C["client"][0]), AGENT_LINUX]
        trans = LINUX_TRANSIENT
    else:
        base = list(WIN7_BASE if os_ == "win7" else WIN10_BASE)
        if os_ == "win11":
            base.append(P("LenovoVantageService.exe", "C:\\Program Files (x86)\\Lenovo\\VantageService\\3.13.43.0\\LenovoVantageService.exe", "Lenovo"))
        base += AV[C["av"]]
        if C["ime"]:
            base.append(SOGOU)
        if C["tool"]:
            base.append(CENTRE_TOOLS[C["tool"]])
        cl = C["client"]
        base.append(P(cl[0], cl[1] + cl[0], cl[2]))
        base.append(P("KsGuard.exe" if cl[0] == "KsClient.exe" else "ExamLock.exe", cl[1] + ("KsGuard.exe" if cl[0] == "KsClient.exe" else "ExamLock.exe"), cl[2]))
        base.append(AGENT_WIN)
        trans = WIN7_TRANSIENT if os_ == "win7" else WIN_TRANSIENT
    t = S.ss + rng.uniform(1, 3)
    while t < end:
        procs = list(base)
        for (a, b, p) in S.proc_extra:
            if a <= t < b:
                procs.append(p)
        for p, pr in trans:
            if rng.random() < pr:
                procs.append(p)
        ev.append((t, "processes", {"processes": procs}))
        t += C["piv"] + rng.uniform(-4, 4)
    # connections
    client = C["client"][0]
    agent = "cgagent" if os_ == "linux" else "cgagent.exe"
    base_c = [({"remote": C["server"], "port": 8443, "process": client}, 1.0),
              ({"remote": C["collector"], "port": 443, "process": agent}, 1.0)]
    if C["tool"] == "mythware":
        base_c.append(({"remote": S.room["net"] + ".250", "port": 4988, "process": "StudentMain.exe"}, 1.0))
    if C["tool"] == "sunlogin":
        base_c.append(({"remote": "client-api.oray.com", "port": 443, "process": "SunloginClient.exe"}, 0.9))
        base_c.append(({"remote": "sl-p2p.oray.com", "port": 4118, "process": "SunloginClient.exe"}, 0.4))
    if os_ != "linux":
        base_c.append(({"remote": "settings-win.data.microsoft.com", "port": 443, "process": "svchost.exe"}, 0.15))
        if C["av"] == "360":
            base_c.append(({"remote": "qup.f.360.cn", "port": 80, "process": "360tray.exe"}, 0.3))
        if C["av"] == "huorong":
            base_c.append(({"remote": "cloud.huorong.cn", "port": 443, "process": "HipsDaemon.exe"}, 0.2))
        if C["ime"]:
            base_c.append(({"remote": "get.sogou.com", "port": 80, "process": "SogouCloud.exe"}, 0.12))
    t = S.ss + rng.uniform(3, 6)
    while t < end:
        conns = []
        for cn, pr in base_c:
            if rng.random() < pr:
                conns.append(cn)
        for (a, b, cn, pr) in S.conn_extra:
            if a <= t < b and rng.random() < pr:
                conns.append(cn)
        ev.append((t, "connections", {"connections": conns}))
        t += C["civ"] + rng.uniform(-4, 4)
    # answers
    for (tt, q, ch, src) in sorted(S.answers):
        if tt < end:
            ev.append((tt, "answer", {"question": q, "choice": ch}))
    # input
    iv = C["iv"]
    ticks = []
    t = S.ss + iv
    while t < end:
        ticks.append(t)
        t += iv + rng.uniform(-0.04, 0.04)
    ticks.append(end - 0.05)
    keys = [0] * len(ticks)
    ptr = [0] * len(ticks)

    def bin_of(tt):
        lo, hi = 0, len(ticks) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if ticks[mid] >= tt:
                hi = mid
            else:
                lo = mid + 1
        return lo

    for (tt, q, ch, src) in S.answers:
        if tt >= end:
            continue
        b = bin_of(tt)
        if src == "local":
            if S.keyboard_user:
                keys[b] += rng.randint(1, 3)
                ptr[b] += rng.choice([0, 0, 1, 3])
            else:
                ptr[b] += int(lognorm(rng, 48, 0.6)) + 2
                if rng.random() < 0.04:
                    keys[b] += 1
        elif src == "inject":
            keys[b] += rng.randint(1, 3)
            ptr[b] += rng.choice([0, 0, 1, 2])
        elif src == "kvm":
            ptr[b] += int(lognorm(rng, 30, 0.5)) + 2
        # remote: nothing local
    # login: typing admission number / scanning ticket
    b = bin_of(S.ss + rng.uniform(15, 60))
    if "hw_scan" in S.room["devices"]:
        S.bursts.append((ticks[b] - 1, 19, 0))
    elif "idr" in S.room["devices"] and rng.random() < 0.5:
        pass  # ID reader uses its SDK, no keystrokes
    else:
        S.bursts.append((ticks[b] - 1, rng.randint(10, 24), 0))
    for (tt, k, p) in S.bursts:
        if S.ss < tt < end:
            bb = bin_of(tt)
            keys[bb] += k
            ptr[bb] += p
    prev = S.ss
    for i, tk in enumerate(ticks):
        mid = (prev + tk) / 2
        st = state_at(S, mid)
        if st == "pre":
            ptr[i] += 0 if rng.random() < 0.3 else int(lognorm(rng, 30, 0.8))
            if rng.random() < 0.1:
                keys[i] += rng.randint(1, 4)
        elif st == "active":
            ptr[i] += 0 if rng.random() < 0.35 else rng.randint(1, 30)
            if rng.random() < 0.02:
                keys[i] += rng.randint(1, 2)
        elif st == "idle":
            if rng.random() < 0.18:
                ptr[i] += rng.randint(1, 14)
        else:  # remote / inject / kvm: candidate's own hands
            if rng.random() < S.fidget:
                ptr[i] += rng.randint(1, 12)
        for (a, bq) in S.dead_ptr:
            if a < tk and bq > prev:
                ptr[i] = 0
        ivms = int(round((tk - prev) * 1000))
        ev.append((tk, "input", {"interval_ms": ivms, "keys": keys[i], "pointer": ptr[i]}))
        prev = tk
    if not S.missing_end:
        ev.append((end, "session_end", {}))
    ev.sort(key=lambda e: (e[0], e[1] != "session_start"))
    if ev[0][1] != "session_start":
        raise RuntimeError("session_start not first")
    return ev


def transport(g, S, t, kind):
    """return list of arrival times (one per line sent; more than one = resend)"""
    rng = g.rng
    outs = list(S.sitting["outages"])
    outs = [(a, b) for (a, b, rooms) in outs if rooms is None or S.room["id"] in rooms]
    if S.indiv_outage:
        outs.append(S.indiv_outage)
    for a, b in outs:
        if a <= t < b:
            if kind == "input" and b - a > 600 and t < b - 480:
                # agent buffer keeps 8 minutes of input snapshots; older ones dropped
                return []
            arr = b + rng.uniform(0.5, 45)
            res = [arr]
            if rng.random() < 0.07:
                res.append(arr + rng.uniform(1, 25))
            return res
        if a - 12 <= t < a:
            # sent, but the ack was lost: resent after the link comes back
            res = [t + rng.uniform(0.05, 1.0)]
            if rng.random() < 0.6:
                res.append(b + rng.uniform(0.5, 40))
            return res
    res = [t + rng.uniform(0.03, 1.2)]
    if rng.random() < 0.0015:
        res.append(t + rng.uniform(20, 120))
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=505)
    ap.add_argument("--candidates", type=int, default=500, help="number of sessions (>=150)")
    ap.add_argument("--out", default="set-e")
    args = ap.parse_args()
    g = Gen(args.seed, args.candidates)
    g.build_slots()
    g.place()
    g.create_sessions()
    g.sim_all()

    lines = []  # (arrival, seq, line)
    seq = 0
    # exam events: sent once per paper by the first centre using it, before its sessions
    first = {}
    for sit in g.sittings:
        if sit["paper"] not in first or sit["t0"] < first[sit["paper"]]["t0"]:
            first[sit["paper"]] = sit
    for pid in PAPERS:
        if pid not in first:
            continue
        sit = first[pid]
        paper = g.papers[pid]
        t = sit["t0"] - 45 * 60 - g.rng.uniform(0, 600)
        obj = {"v": 1, "id": "exam-%s-%s" % (sit["centre"].lower(), pid), "at": fmt_time(t, CENTRES[sit["centre"]]["tsfmt"]),
               "kind": "exam", "exam": pid,
               "questions": [{"id": q, "key": paper["Q"][q]["key"], "options": paper["Q"][q]["opts"]} for q in paper["qs"]],
               "pass_mark": paper["pass_mark"], "minutes": paper["minutes"]}
        lines.append((t, seq, json.dumps(obj, ensure_ascii=False, separators=(",", ":"))))
        seq += 1
    truth = []
    for S in sorted(g.sessions, key=lambda S: (S.ss, S.sid)):
        C = CENTRES[S.centre]
        evs = gen_events(g, S)
        tzw = getattr(S, "tz_wrong", False)
        sep = {"GZTH": "-", "FSNH": ".", "SZBA": "#", "DGCA": ":", "ZSHK": "/", "HZHC": "#"}[S.centre]
        for n, (t, kind, payload) in enumerate(evs):
            obj = {"v": 1, "id": "%s%s%05d" % (S.sid, sep, n + 1), "at": fmt_time(term_time(S, t), C["tsfmt"], tzw),
                   "kind": kind, "session": S.sid}
            obj.update(payload)
            line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
            for arr in transport(g, S, t, kind):
                lines.append((arr, seq, line))
                seq += 1
        truth.append({"session": S.sid, "kind": S.label, "note": S.note})
    lines.sort(key=lambda x: (x[0], x[1]))
    os.makedirs(args.out, exist_ok=True)
    data = ("\n".join(l for _, _, l in lines) + "\n").encode("utf-8")
    with open(os.path.join(args.out, "events.jsonl.gz"), "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))
    with open(os.path.join(args.out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for r in truth:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")
    counts = {}
    for r in truth:
        counts[r["kind"]] = counts.get(r["kind"], 0) + 1
    print("sessions", len(truth), counts, "lines", len(lines), "raw bytes", len(data))


if __name__ == "__main__":
    main()
