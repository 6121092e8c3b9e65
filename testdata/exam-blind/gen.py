#!/usr/bin/env python3
"""Synthetic event generator for a blind exam-integrity evaluation set.

Simulates Chinese special-operation certificate theory exams (特种作业 机考):
100 questions (true/false and four-option single choice), pass mark 80,
120 minutes, taken on exam-room terminals that report JSON-lines events
(event format version 1).  Honest candidates and four kinds of cheating
(software, hardware, operator, leak) are simulated from the author's own
model of how candidates, exam centres and cheating gangs behave.

Python 3.11 standard library only.  Output is fully determined by --seed
and --candidates.

    python3 gen.py --seed 101 --candidates 600 --out set-a
"""

import argparse
import datetime
import json
import math
import os
import random
from collections import Counter

UTC = datetime.timezone.utc
EXAM_MINUTES = 120
PASS_MARK = 80
N_QUESTIONS = 100

# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------


def iso(ts):
    ms = int(round(ts * 1000))
    dt = datetime.datetime.fromtimestamp(ms // 1000, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def lognorm(rng, median, sigma):
    return median * math.exp(rng.gauss(0.0, sigma))


def hexs(rng, n):
    return "%0*x" % (n, rng.getrandbits(4 * n))


def wpick(rng, pairs):
    """pairs: list of (item, weight)"""
    tot = sum(w for _, w in pairs)
    x = rng.random() * tot
    for item, w in pairs:
        x -= w
        if x <= 0:
            return item
    return pairs[-1][0]


def partition(rng, total, lo, hi):
    if total <= 0:
        return []
    if total < lo:
        return [total]
    parts = []
    rem = total
    while rem > hi:
        s = rng.randint(lo, min(hi, rem - lo))
        parts.append(s)
        rem -= s
    parts.append(rem)
    rng.shuffle(parts)
    return parts


CN_NET_PREFIXES = [47, 39, 8, 101, 106, 110, 111, 112, 113, 114, 115, 116, 117,
                   118, 119, 120, 121, 122, 123, 124, 139, 140, 175, 180, 182,
                   183, 211, 218, 221, 222, 223, 43, 49, 58, 59, 60, 61, 42, 36]
ABROAD_PREFIXES = [45, 103, 104, 154, 156, 185, 194, 38, 64, 89, 91, 146, 172]


def pub_ip(rng, abroad=False):
    a = rng.choice(ABROAD_PREFIXES if abroad else CN_NET_PREFIXES)
    return "%d.%d.%d.%d" % (a, rng.randint(0, 254), rng.randint(0, 254), rng.randint(2, 253))


# ---------------------------------------------------------------------------
# software catalogue (processes a terminal may run)
# ---------------------------------------------------------------------------

MSW = "Microsoft Windows"
MSC = "Microsoft Corporation"
S32 = "C:\\Windows\\System32\\"
EXAM_SIGNER = "Beijing Anjian Kaowu Technology Co., Ltd."   # fictional exam-client vendor
TENCENT = "Tencent Technology(Shenzhen) Company Limited"
QIHU = "Beijing Qihu Technology Co., Ltd."
HUORONG = "Beijing Huorong Network Technology Co., Ltd."
SOGOU = "Beijing Sogou Technology Development Co., Ltd."
KINGSOFT = "Zhuhai Kingsoft Office Software Co., Ltd."
ORAY = "Shanghai Best Oray Information S&T Co., Ltd."
TODESK = "Hainan Youqu Technology Co., Ltd."


def core_processes(os_name):
    p = [("System", "", ""), ("smss.exe", S32 + "smss.exe", MSW), ("csrss.exe", S32 + "csrss.exe", MSW),
         ("wininit.exe", S32 + "wininit.exe", MSW), ("winlogon.exe", S32 + "winlogon.exe", MSW),
         ("services.exe", S32 + "services.exe", MSW), ("lsass.exe", S32 + "lsass.exe", MSW),
         ("svchost.exe", S32 + "svchost.exe", MSW), ("spoolsv.exe", S32 + "spoolsv.exe", MSW),
         ("explorer.exe", "C:\\Windows\\explorer.exe", MSW), ("dwm.exe", S32 + "dwm.exe", MSW),
         ("conhost.exe", S32 + "conhost.exe", MSW)]
    if os_name == "win7":
        p += [("lsm.exe", S32 + "lsm.exe", MSW), ("taskhost.exe", S32 + "taskhost.exe", MSW),
              ("SearchIndexer.exe", S32 + "SearchIndexer.exe", MSW), ("wmpnetwk.exe", "C:\\Program Files\\Windows Media Player\\wmpnetwk.exe", MSW)]
        return p
    p += [("Registry", "", ""), ("MemCompression", "", ""),
          ("fontdrvhost.exe", S32 + "fontdrvhost.exe", MSW), ("sihost.exe", S32 + "sihost.exe", MSW),
          ("taskhostw.exe", S32 + "taskhostw.exe", MSW), ("ctfmon.exe", S32 + "ctfmon.exe", MSW),
          ("RuntimeBroker.exe", S32 + "RuntimeBroker.exe", MSW),
          ("StartMenuExperienceHost.exe", "C:\\Windows\\SystemApps\\Microsoft.Windows.StartMenuExperienceHost_cw5n1h2txyewy\\StartMenuExperienceHost.exe", MSW),
          ("ShellExperienceHost.exe", "C:\\Windows\\SystemApps\\ShellExperienceHost_cw5n1h2txyewy\\ShellExperienceHost.exe", MSW),
          ("TextInputHost.exe", "C:\\Windows\\SystemApps\\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\\TextInputHost.exe", MSW),
          ("SecurityHealthService.exe", S32 + "SecurityHealthService.exe", MSW),
          ("SgrmBroker.exe", S32 + "SgrmBroker.exe", MSW), ("dllhost.exe", S32 + "dllhost.exe", MSW)]
    if os_name == "win10":
        p.append(("SearchApp.exe", "C:\\Windows\\SystemApps\\Microsoft.Windows.Search_cw5n1h2txyewy\\SearchApp.exe", MSW))
    else:
        p += [("SearchHost.exe", "C:\\Windows\\SystemApps\\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\\SearchHost.exe", MSW),
              ("Widgets.exe", "C:\\Program Files\\WindowsApps\\MicrosoftWindows.Client.WebExperience_424.1301.270.9_x64__cw5n1h2txyewy\\Dashboard\\Widgets.exe", MSC)]
    return p


DEFENDER = [("MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe", MSC),
            ("NisSrv.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\NisSrv.exe", MSC),
            ("SecurityHealthSystray.exe", S32 + "SecurityHealthSystray.exe", MSW)]
P360 = [("360Tray.exe", "C:\\Program Files (x86)\\360\\360Safe\\safemon\\360Tray.exe", QIHU),
        ("ZhuDongFangYu.exe", "C:\\Program Files (x86)\\360\\360Safe\\deepscan\\ZhuDongFangYu.exe", QIHU)]
P360SD = [("360sd.exe", "C:\\Program Files (x86)\\360\\360sd\\360sd.exe", QIHU),
          ("360rps.exe", "C:\\Program Files (x86)\\360\\360sd\\360rps.exe", QIHU)]
HUORONG_P = [("HipsDaemon.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\HipsDaemon.exe", HUORONG),
             ("HipsTray.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\HipsTray.exe", HUORONG),
             ("usysdiag.exe", "C:\\Program Files\\Huorong\\Sysdiag\\bin\\usysdiag.exe", HUORONG)]
QQPCMGR = [("QQPCTray.exe", "C:\\Program Files (x86)\\Tencent\\QQPCMgr\\16.9.24189.301\\QQPCTray.exe", TENCENT),
           ("QQPCRTP.exe", "C:\\Program Files (x86)\\Tencent\\QQPCMgr\\16.9.24189.301\\QQPCRTP.exe", TENCENT)]
SOGOU_P = [("SogouCloud.exe", "C:\\Program Files (x86)\\SogouInput\\14.8.0.9133\\SogouCloud.exe", SOGOU),
           ("SogouImeBroker.exe", "C:\\Program Files (x86)\\SogouInput\\Components\\SogouImeBroker.exe", SOGOU)]
QQ_P = ("QQ.exe", "C:\\Program Files\\Tencent\\QQNT\\QQ.exe", TENCENT)
QQPROTECT = ("QQProtect.exe", "C:\\Program Files (x86)\\Common Files\\Tencent\\QQProtect\\Bin\\QQProtect.exe", TENCENT)
WECHAT_P = ("WeChat.exe", "C:\\Program Files (x86)\\Tencent\\WeChat\\WeChat.exe", TENCENT)
REALTEK = ("RtkAudUService64.exe", "C:\\Windows\\System32\\DriverStore\\FileRepository\\realtekservice.inf_amd64_6ac5a4b3c5f5d7b2\\RtkAudUService64.exe", "Realtek Semiconductor Corp.")
INTEL_GFX = ("igfxEM.exe", "C:\\Windows\\System32\\DriverStore\\FileRepository\\iigd_dch.inf_amd64_41c3c1e7e3a2c2a4\\igfxEM.exe", "Intel Corporation")
NVIDIA = ("NVDisplay.Container.exe", "C:\\Windows\\System32\\DriverStore\\FileRepository\\nv_dispi.inf_amd64_9d4c3a2f1b3e6b57\\Display.NvContainer\\NVDisplay.Container.exe", "NVIDIA Corporation")
HP_PRN = ("HPNetworkCommunicatorCom.exe", "C:\\Program Files\\HP\\HP LaserJet Pro MFP M126nw\\Bin\\HPNetworkCommunicatorCom.exe", "HP Inc.")
EPSON_PRN = ("EPSDNMON.EXE", "C:\\Program Files\\EPSON\\EPSDNMON\\EPSDNMON.EXE", "Seiko Epson Corporation")
DEEPFREEZE = [("DFServ.exe", "C:\\Program Files (x86)\\Faronics\\Deep Freeze\\Install C-0\\DF5Serv.exe", "Faronics Corporation"),
              ("FrzState2k.exe", "C:\\Windows\\System32\\FrzState2k.exe", "Faronics Corporation")]
MYTHWARE = [("StudentMain.exe", "C:\\Program Files (x86)\\Mythware\\极域电子教室软件 v4.0 2016 豪华版\\StudentMain.exe", ""),
            ("GATESRV.exe", "C:\\Program Files (x86)\\Mythware\\极域电子教室软件 v4.0 2016 豪华版\\GATESRV.exe", "")]
TIGHTVNC_IT = ("tvnserver.exe", "C:\\Program Files\\TightVNC\\tvnserver.exe", "GlavSoft LLC.")
SUNLOGIN_IT = ("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe", ORAY)
EDGE = ("msedge.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", MSC)
LENOVO_SVC = ("LenovoVantageService.exe", "C:\\ProgramData\\Lenovo\\Vantage\\Addins\\LenovoVantageService\\LenovoVantageService.exe", "Lenovo")


def exam_client_procs():
    return [("ExamClient.exe", "C:\\ExamSystem\\ExamClient.exe", EXAM_SIGNER),
            ("ExamGuard.exe", "C:\\ExamSystem\\ExamGuard.exe", EXAM_SIGNER)]


FACE_PROC = ("FaceVerify.exe", "C:\\ExamSystem\\FaceVerify.exe", EXAM_SIGNER)

TRANSIENT = [(("WmiPrvSE.exe", S32 + "wbem\\WmiPrvSE.exe", MSW), 0.5),
             (("dllhost.exe", S32 + "dllhost.exe", MSW), 0.3),
             (("audiodg.exe", S32 + "audiodg.exe", MSW), 0.2),
             (("SearchProtocolHost.exe", S32 + "SearchProtocolHost.exe", MSW), 0.2),
             (("TiWorker.exe", "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.4movk\\TiWorker.exe", MSW), 0.06),
             (("CompatTelRunner.exe", S32 + "CompatTelRunner.exe", MSW), 0.04),
             (("smartscreen.exe", S32 + "smartscreen.exe", MSW), 0.08),
             (("taskmgr.exe", S32 + "Taskmgr.exe", MSW), 0.005)]

# ---------------------------------------------------------------------------
# devices
# ---------------------------------------------------------------------------

KB_MODELS = {
    "lenovo": ("hid", "Lenovo Traditional USB Keyboard", "17EF", "6099"),
    "dell": ("hid", "Dell KB216 Wired Keyboard", "413C", "2113"),
    "logi": ("hid", "Logitech USB Keyboard", "046D", "C31C"),
    "generic": ("hid", "USB Keyboard", "1A2C", "0E24"),
}
MOUSE_MODELS = {
    "lenovo": ("hid", "Lenovo USB Optical Mouse", "17EF", "608D"),
    "dell": ("hid", "Dell MS116 USB Optical Mouse", "413C", "301A"),
    "logi": ("hid", "Logitech USB Optical Mouse", "046D", "C077"),
    "generic": ("hid", "USB Optical Mouse", "093A", "2510"),
}
SPARE_MICE = [("hid", "USB Optical Mouse", "093A", "2510"), ("hid", "Logitech USB Optical Mouse", "046D", "C077"),
              ("hid", "Lenovo USB Optical Mouse", "17EF", "608D"), ("hid", "USB OPTICAL MOUSE", "1BCF", "0005")]
SPARE_KB = [("hid", "USB Keyboard", "1A2C", "0E24"), ("hid", "Logitech USB Keyboard", "046D", "C31C"),
            ("hid", "Dell KB216 Wired Keyboard", "413C", "2113")]
CAMERA = ("other", "USB2.0 HD UVC WebCam", "0BDA", "58F4")
ID_READER_HID = ("hid", "ID Card Reader", "", "")
ID_READER_OTHER = ("other", "身份证阅读器", "", "")
CARD_READER = ("storage", "Realtek USB2.0 Card Reader", "0BDA", "0129")
TOUCHPAD = ("hid", "Synaptics HID TouchPad", "06CB", "CE26")
LAPTOP_CAM = ("other", "Integrated Camera", "04F2", "B6D9")
LAPTOP_BT = ("other", "Intel(R) Wireless Bluetooth(R)", "8087", "0026")
KB_CONSUMER = ("hid", "USB Keyboard Consumer Control", "1A2C", "0E24")

# ---------------------------------------------------------------------------
# exam centres
# ---------------------------------------------------------------------------

CITIES = [("440112", "黄埔"), ("441900", "东莞"), ("440604", "禅城"), ("440305", "南山"), ("441302", "惠城"),
          ("320102", "玄武"), ("330106", "西湖"), ("510107", "武侯"), ("420106", "武昌"), ("370102", "历下"),
          ("350203", "思明"), ("430104", "岳麓")]

CENTRE_TEMPLATES = [
    dict(tag="safety-centre", os="win10", rooms=[("R201", 36), ("R202", 36), ("R203", 36)],
         user="exam", av="360", ime=True, wps=True, classroom=None, itremote=None, laptops=False,
         devices=("lenovo", "lenovo"), camera=True, idreader="other", cardreader=False, naming="code",
         input_ms=20000, proc_s=360, conn_s=180, res=["1920x1080"], extras=[INTEL_GFX, REALTEK, HP_PRN]),
    dict(tag="school-lab", os="win7", rooms=[("JF1", 45), ("JF2", 45)],
         user="Administrator", av="huorong", ime=True, wps=False, classroom="mythware", itremote=None, laptops=False,
         devices=("dell", "dell"), camera=False, idreader=None, cardreader=True, naming="lab",
         input_ms=30000, proc_s=480, conn_s=240, res=["1366x768", "1440x900"], extras=[REALTEK, DEEPFREEZE[0], DEEPFREEZE[1]]),
    dict(tag="training-school", os="win10", rooms=[("301", 30), ("302", 30), ("303", 30)],
         user="kaosheng", av="qqpcmgr", ime=True, wps=True, classroom=None, itremote="tightvnc", laptops=False,
         devices=("logi", "logi"), camera=True, idreader="hid", cardreader=False, naming="desktop",
         input_ms=15000, proc_s=420, conn_s=180, res=["1600x900", "1920x1080"], extras=[REALTEK, QQ_P, WECHAT_P, QQPROTECT]),
    dict(tag="new-centre", os="win11", rooms=[("A101", 32), ("A102", 32), ("A103", 32), ("A104", 32)],
         user="ksuser", av="huorong", ime=False, wps=False, classroom=None, itremote="sunlogin", laptops=False,
         devices=("logi", "lenovo"), camera=True, idreader="other", cardreader=False, naming="code",
         input_ms=20000, proc_s=300, conn_s=150, res=["1920x1080", "2560x1440"], extras=[NVIDIA, REALTEK, EPSON_PRN]),
    dict(tag="temporary-laptops", os="win10", rooms=[("临时1", 24), ("临时2", 24)],
         user="user", av="360sd", ime=True, wps=True, classroom=None, itremote=None, laptops=True,
         devices=("generic", "generic"), camera=False, idreader=None, cardreader=False, naming="laptop",
         input_ms=20000, proc_s=360, conn_s=180, res=["1366x768", "1920x1080"], extras=[INTEL_GFX, REALTEK, LENOVO_SVC]),
]


class Centre:
    pass


class Terminal:
    pass


def build_world(rng):
    cities = rng.sample(CITIES, 5)
    centres = []
    for i, tpl in enumerate(CENTRE_TEMPLATES):
        c = Centre()
        c.__dict__.update(tpl)
        code, name = cities[i]
        c.code = "%s-KD%02d" % (code, rng.randint(1, 12))
        c.name = c.code
        c.lan = (10, rng.randint(1, 250))
        c.server = "10.%d.%d.10" % (c.lan[1], rng.randint(0, 3))
        c.server_port = rng.choice([8080, 8443, 443, 9001])
        c.admin_ip = "10.%d.%d.%d" % (c.lan[1], rng.randint(0, 3), rng.randint(200, 250))
        c.terminals = {}
        for room, cap in c.rooms:
            rnum = len(c.terminals)
            for s in range(1, cap + 1):
                t = Terminal()
                t.centre = c
                t.room = room
                t.seat = "%02d" % s
                if c.naming == "code":
                    t.name = "%s-%s-%s" % (c.code.split("-")[1], room, t.seat)
                elif c.naming == "lab":
                    t.name = "%s-PC%s" % (room, t.seat)
                elif c.naming == "laptop":
                    t.name = "LAPTOP-%s" % hexs(rng, 7).upper()
                else:
                    t.name = "DESKTOP-%s" % "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(7))
                t.ip = "10.%d.%d.%d" % (c.lan[1], 10 + len(c.terminals) // 200 + (rnum % 3), 20 + (len(c.terminals) % 200))
                build_terminal(rng, c, t)
                c.terminals[(room, t.seat)] = t
        centres.append(c)
    return centres


def build_terminal(rng, c, t):
    procs = core_processes(c.os)
    if c.os != "win7" and c.av in ("huorong", "qqpcmgr", "360", "360sd") and rng.random() < 0.15:
        procs += DEFENDER[2:]
    if c.av == "360":
        procs += P360
    elif c.av == "360sd":
        procs += P360 + P360SD
    elif c.av == "huorong":
        procs += HUORONG_P
    elif c.av == "qqpcmgr":
        procs += QQPCMGR
    if c.os != "win7" and c.av not in ("360", "360sd", "huorong", "qqpcmgr"):
        procs += DEFENDER
    if c.ime:
        procs += SOGOU_P
    if c.wps and rng.random() < 0.7:
        procs.append(("wpscloudsvr.exe", "C:\\Users\\%s\\AppData\\Local\\Kingsoft\\WPS Office\\12.1.0.18276\\office6\\wpscloudsvr.exe" % c.user, KINGSOFT))
    if c.classroom == "mythware":
        procs += MYTHWARE
    if c.itremote == "tightvnc":
        procs.append(TIGHTVNC_IT)
    t.it_sunlogin = False
    if c.itremote == "sunlogin" and rng.random() < 0.5:
        procs.append(SUNLOGIN_IT)
        t.it_sunlogin = True
    for e in c.extras:
        if rng.random() < 0.85:
            procs.append(e)
    if rng.random() < 0.3:
        procs.append(EDGE)
    if c.os != "win7" and rng.random() < 0.2:
        procs.append(("OneDrive.exe", "C:\\Users\\%s\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe" % c.user, MSC))
    t.procs = procs
    # devices present at boot
    kbm, msm = c.devices
    if rng.random() < 0.12:
        kbm = rng.choice(list(KB_MODELS))
    if rng.random() < 0.15:
        msm = rng.choice(list(MOUSE_MODELS))
    t.keyboard = KB_MODELS[kbm]
    t.mouse = MOUSE_MODELS[msm]
    dev = [t.keyboard, t.mouse]
    if kbm == "generic" or rng.random() < 0.1:
        dev.append(KB_CONSUMER if kbm == "generic" else (t.keyboard[0], t.keyboard[1] + " (Consumer Control)", t.keyboard[2], t.keyboard[3]))
    if c.camera:
        dev.append(CAMERA)
    if c.idreader == "hid":
        dev.append(ID_READER_HID)
    elif c.idreader == "other":
        dev.append(ID_READER_OTHER)
    if c.cardreader and rng.random() < 0.6:
        dev.append(CARD_READER)
    if c.laptops:
        dev += [TOUCHPAD, LAPTOP_CAM, LAPTOP_BT]
    t.devices = dev
    # display
    t.res = rng.choice(c.res)
    t.displays = 1
    t.mirrored = False
    if c.laptops and rng.random() < 0.3:
        t.displays = 2
        t.mirrored = True
        t.res = "1920x1080"
    # clock
    r = rng.random()
    t.clock_off = rng.gauss(0, 0.8)
    t.clock_drift = rng.gauss(0, 3e-6)
    t.clock_step = None
    if r < 0.14:
        t.clock_off = rng.choice([-1, 1]) * rng.uniform(4, 65)
    elif r < 0.17:
        t.clock_drift = rng.choice([-1, 1]) * rng.uniform(2e-4, 1.2e-3)
    elif r < 0.19:
        t.clock_step = rng.choice([-1, 1]) * rng.uniform(5, 45)   # NTP correction during a session
    t.input_ms = c.input_ms if rng.random() < 0.9 else rng.choice([15000, 20000, 30000])
    t.proc_s = c.proc_s * rng.uniform(0.95, 1.05)
    t.conn_s = c.conn_s * rng.uniform(0.95, 1.05)
    t.mouse_factor = rng.uniform(0.7, 1.5)
    t.net_flaky = rng.random() < 0.1


# ---------------------------------------------------------------------------
# exams
# ---------------------------------------------------------------------------

SUBJECTS = ["低压电工作业", "高压电工作业", "电力电缆作业", "焊接与热切割作业", "高处安装、维护、拆除作业",
            "登高架设作业", "制冷与空调设备运行操作作业", "化工自动化控制仪表作业", "继电保护作业", "电气试验作业"]


class Q:
    pass


class Exam:
    pass


def build_exams(rng, seed, n_exams=4):
    base = datetime.datetime(2026, 11, 2, tzinfo=UTC) + datetime.timedelta(days=7 * (seed % 6) + (seed % 5))
    subjects = rng.sample(SUBJECTS, n_exams)
    exams = []
    for i in range(n_exams):
        e = Exam()
        day = base + datetime.timedelta(days=i // 2)
        local_hour = 9 if i % 2 == 0 else 14
        e.start = (day + datetime.timedelta(hours=local_hour - 8, minutes=rng.choice([0, 0, 0, 30]))).timestamp()
        e.subject = subjects[i]
        e.name = "%s %s %s场" % (subjects[i], (day + datetime.timedelta(hours=8)).strftime("%Y-%m-%d"), "上午" if local_hour == 9 else "下午")
        n_tf = rng.choice([50, 60, 60, 70])
        e.questions = []
        for k in range(N_QUESTIONS):
            q = Q()
            q.id = "Q%03d" % (k + 1)
            q.tf = k < n_tf
            if q.tf:
                q.key = "对" if rng.random() < 0.55 else "错"
                q.opts = ["对", "错"]
                q.b = rng.gauss(-0.7, 0.9)
                q.length = lognorm(rng, 1.0, 0.25)
                q.trap = "错" if q.key == "对" else "对"
            else:
                q.key = rng.choice("ABCD")
                q.opts = ["A", "B", "C", "D"]
                q.b = rng.gauss(-0.3, 1.0)
                q.length = lognorm(rng, 1.1, 0.3)
                q.trap = rng.choice([o for o in "ABCD" if o != q.key])
            e.questions.append(q)
        e.qmap = {q.id: q for q in e.questions}
        e.shuffle = rng.random() < 0.5     # order shuffled within each section per candidate
        # training-school cohorts with shared misconceptions (honest correlated errors)
        e.cohorts = []
        for _ in range(rng.randint(6, 9)):
            mis = {}
            for q in rng.sample(e.questions, rng.randint(2, 6)):
                mis[q.id] = q.trap if rng.random() < 0.8 or q.tf else rng.choice([o for o in q.opts if o != q.key])
            e.cohorts.append(dict(prep=rng.gauss(0, 0.35), mis=mis, strength=rng.uniform(0.3, 0.75)))
        exams.append(e)
    return exams


def presented_order(rng, exam):
    tf = [q for q in exam.questions if q.tf]
    sc = [q for q in exam.questions if not q.tf]
    if exam.shuffle:
        rng.shuffle(tf)
        rng.shuffle(sc)
    return tf + sc


# ---------------------------------------------------------------------------
# people and actors
# ---------------------------------------------------------------------------


def pc_of(theta, q):
    c = 0.5 if q.tf else 0.25
    return c + (1 - c) / (1 + math.exp(-1.7 * (theta - q.b)))


def wrong_choice(rng, q):
    if q.tf:
        return q.trap
    if rng.random() < 0.5:
        return q.trap
    return rng.choice([o for o in q.opts if o != q.key])


class Actor:
    """Who physically produces clicks: 'human' (local mouse/keyboard), 'remote' (injected,
    not counted as local), 'hid' (USB HID emulator, counted), 'kvm' (KVM-over-IP absolute mouse)."""

    def __init__(self, kind, rate=40.0, slow=1.0, kb=False, smooth=False):
        self.kind = kind
        self.rate = rate
        self.slow = slow
        self.kb = kb
        self.smooth = smooth

    def click(self, sim, rng, t):
        if self.kind == "remote":
            return
        if self.kind == "hid":
            if self.kb and rng.random() < 0.75:
                sim.burst(t, rng.randint(1, 3), 0)
            elif self.smooth:
                sim.burst(t, 0, rng.randint(8, 28))
            else:
                sim.burst(t, 0, rng.randint(2, 4))
            return
        if self.kind == "kvm":
            dur = rng.uniform(0.3, 1.0)
            sim.burst(t - dur / 2, 0, int(dur * self.rate) + 2)
            return
        if self.kb and rng.random() < 0.85:
            sim.burst(t, rng.randint(1, 2), rng.choice([0, 0, 0, 1, 3]))
            return
        dur = rng.uniform(0.25, 1.1) * self.slow
        sim.burst(t - dur * 0.4, 0, max(2, int(dur * self.rate * rng.uniform(0.6, 1.5))) + 2)


class Person:
    pass


def make_person(rng, exam, term, theta_mu=1.0, theta_sd=0.75):
    p = Person()
    coh = rng.choice(exam.cohorts)
    p.theta = rng.gauss(theta_mu, theta_sd) + coh["prep"]
    p.miscon = {qid: a for qid, a in coh["mis"].items() if rng.random() < coh["strength"]}
    p.speed = lognorm(rng, 1.8, 0.33)
    p.age_slow = rng.choice([1.0, 1.0, 1.2, 1.5, 2.0])
    kb = rng.random() < 0.08
    p.actor = Actor("human", rate=rng.uniform(25, 70) * term.mouse_factor, slow=p.age_slow, kb=kb)
    p.fidget = rng.uniform(0.02, 0.5)
    p.idle_rate = rng.choice([0.0, 0.003, 0.01, 0.02, 0.04])
    p.misclick = rng.uniform(0.0, 0.03)
    p.skipper = rng.random() < 0.22
    p.reviewer = rng.random() < 0.4
    p.review_all = rng.random() < 0.35
    p.watch_clock = rng.random() < 0.85
    p.wait_before_submit = rng.random() < 0.12
    p.scroll = rng.random() < 0.3
    p.flags = []
    return p


def h_choice(rng, p, q, boost=0.0, guess=False):
    if q.id in p.miscon and not guess and rng.random() < 0.85:
        return p.miscon[q.id]
    pc = pc_of(p.theta + boost, q)
    if guess:
        c = 0.5 if q.tf else 0.25
        pc = c + (pc - c) * 0.25
    return q.key if rng.random() < pc else wrong_choice(rng, q)


def h_think(rng, p, q, mult=1.0):
    pc = pc_of(p.theta, q)
    base = 6.0 if q.tf else 11.0
    return min(240.0, max(1.2, base * q.length * p.speed * mult * (0.75 + 1.0 * (1 - pc)) * math.exp(rng.gauss(0, 0.35))))


# ---------------------------------------------------------------------------
# simulation record of one session
# ---------------------------------------------------------------------------


class Sim:
    def __init__(self, t0, deadline):
        self.t0 = t0
        self.deadline = deadline
        self.end = None
        self.cut = None          # terminal goes silent (crash) at this time, no session_end
        self.answers = []
        self.cur = {}
        self.bursts = []
        self.devices = []        # (t, action, (class, name, vid, pid))
        self.present_extra = []
        self.display0 = None
        self.displays = []       # (t, count, mirrored, res)
        self.procs = []          # (t_from, t_to, (name, path, signer))
        self.conns = []          # (t_from, t_to, (remote, port, process))
        self.dead_ptr = []       # windows in which the local mouse produced nothing
        self.notes = []
        self.order = None

    def burst(self, t, keys, ptr):
        self.bursts.append((t, keys, ptr))

    def answer(self, t, qid, c):
        if self.cur.get(qid) == c:
            return False
        self.cur[qid] = c
        self.answers.append((t, qid, c))
        return True

    def score(self, exam):
        return sum(1 for qid, c in self.cur.items() if exam.qmap[qid].key == c)


def idle_fidget(sim, rng, t_from, t_to, rate_per_min, size=(2, 25), keys=False):
    """Occasional small local movements of someone who is not really working."""
    if rate_per_min <= 0 or t_to <= t_from:
        return
    t = t_from
    while True:
        t += rng.expovariate(rate_per_min / 60.0)
        if t >= t_to:
            break
        sim.burst(t, rng.randint(0, 2) if keys and rng.random() < 0.2 else 0, rng.randint(*size))


def login_phase(sim, rng, actor, t):
    """Identity check / face verification / instructions screen, done by the candidate."""
    t += rng.uniform(8, 40)
    actor.click(sim, rng, t)
    t += rng.uniform(15, 120)       # reads 考试须知, waits for start
    actor.click(sim, rng, t)
    return t + rng.uniform(1, 4)


# ---------------------------------------------------------------------------
# honest answering engine (also used for the candidate's own parts of cheating sessions)
# ---------------------------------------------------------------------------


def human_pass(sim, rng, p, qs, t, known=None, known_style=None, stop_at=None, allow_skip=True):
    """Answer qs in order like a person would.  Returns (t, skipped, unanswered)."""
    actor = p.actor
    skipped = []
    unanswered = []
    rush = False
    fail_idx = getattr(p, "fail_idx", None)
    for idx, q in enumerate(qs):
        if stop_at is not None and t >= stop_at:
            unanswered = list(qs[idx:])
            break
        if fail_idx is not None and idx == fail_idx and not getattr(p, "failed", False):
            t = device_failure(sim, rng, p, t)
        rem_q = len(qs) - idx + len(skipped)
        rem_t = sim.deadline - t
        if rem_t <= 3:
            unanswered = list(qs[idx:])
            break
        mult = 1.0
        if p.watch_clock:
            if rem_t < 600:
                mult = 0.55
            if rem_t < rem_q * 3.2 + 35:
                rush = True
        if not rush and p.idle_rate and rng.random() < p.idle_rate:
            t += rng.uniform(20, 240)
        if known is not None and q.id in known:
            if known_style == "fast":
                dt = max(0.9, lognorm(rng, 2.4 if q.tf else 3.4, 0.35))
            else:
                dt = h_think(rng, p, q) * rng.uniform(0.4, 0.8)
            choice = known[q.id]
        elif rush:
            dt = rng.uniform(0.6, 3.0)
            choice = h_choice(rng, p, q, guess=True)
        else:
            dt = h_think(rng, p, q, mult)
            pc = pc_of(p.theta, q)
            if allow_skip and p.skipper and pc < 0.62 and rng.random() < 0.6:
                t += dt * rng.uniform(0.3, 0.6)
                actor.click(sim, rng, t)
                skipped.append(q)
                continue
            choice = h_choice(rng, p, q)
        if not rush and rng.random() < p.fidget:
            sim.burst(t + rng.uniform(0, dt), 0, rng.randint(3, 40))
        if p.scroll and not q.tf and rng.random() < 0.25:
            sim.burst(t + dt * 0.3, 0, rng.randint(2, 8))
        t_click = t + dt
        if t_click >= sim.deadline:
            unanswered = list(qs[idx:])
            t = t_click
            break
        if not rush and rng.random() < p.misclick:
            other = rng.choice([o for o in q.opts if o != choice])
            actor.click(sim, rng, t_click)
            sim.answer(t_click, q.id, other)
            t_click += rng.uniform(0.5, 2.5)
        actor.click(sim, rng, t_click)
        sim.answer(t_click, q.id, choice)
        t = t_click + rng.uniform(0.3, 1.6) * (0.5 if rush else 1.0)
        actor.click(sim, rng, t)        # 下一题
    return t, skipped, unanswered


def device_failure(sim, rng, p, t):
    """Mouse (or keyboard) stops working; candidate raises a hand; staff replace it."""
    p.failed = True
    term = p.term
    which = "mouse" if rng.random() < 0.8 else "keyboard"
    t_wait = rng.uniform(60, 420)
    t_fix = t + t_wait
    if which == "mouse":
        sim.dead_ptr.append((t, t_fix))
        # candidate bangs on the keyboard / tries the dead mouse
        for _ in range(rng.randint(1, 4)):
            sim.burst(t + rng.uniform(0, t_wait * 0.5), rng.randint(0, 6), 0)
        old = term.mouse
        new = rng.choice(SPARE_MICE)
    else:
        for _ in range(rng.randint(1, 4)):
            sim.burst(t + rng.uniform(0, t_wait * 0.5), 0, rng.randint(5, 40))
        old = term.keyboard
        new = rng.choice(SPARE_KB)
    sim.devices.append((t_fix, "removed", old))
    t_att = t_fix + rng.uniform(4, 25)
    sim.devices.append((t_att, "attached", new))
    sim.burst(t_att + rng.uniform(2, 8), rng.randint(0, 3), rng.randint(20, 120))   # staff tries it
    p.flags.append("%s failed at %.0f min, staff replaced it (%s)" % (which, (t - sim.t0) / 60, new[1]))
    return t_att + rng.uniform(10, 40)


def finish_up(sim, rng, p, t, skipped, unanswered):
    """Return to skipped questions, optional review, optional wait, submit."""
    actor = p.actor
    for q in skipped:
        if t >= sim.deadline - 2:
            break
        rem_t = sim.deadline - t
        if p.watch_clock and rem_t < 60:
            dt = rng.uniform(0.8, 3)
            c = h_choice(rng, p, q, guess=True)
        else:
            actor.click(sim, rng, t + 0.5)   # jump via 答题卡
            dt = h_think(rng, p, q, 1.2)
            c = h_choice(rng, p, q, boost=0.1)
        t += dt
        if t >= sim.deadline:
            break
        actor.click(sim, rng, t)
        sim.answer(t, q.id, c)
        t += rng.uniform(0.3, 1.2)
    if p.reviewer and t < sim.deadline - 300:
        qs = sim.order if p.review_all else [q for q in sim.order if pc_of(p.theta, q) < 0.8]
        for q in qs:
            if t >= sim.deadline - 60:
                break
            t += rng.uniform(1.2, 6.0) * min(2.0, p.speed / 1.5)
            actor.click(sim, rng, t)
            if q.id in sim.cur and pc_of(p.theta, q) < 0.8 and rng.random() < 0.3:
                t += h_think(rng, p, q, 0.7)
                c = h_choice(rng, p, q, boost=0.25)
                if c != sim.cur[q.id]:
                    actor.click(sim, rng, t)
                    sim.answer(t, q.id, c)
            if q.id not in sim.cur:
                t += h_think(rng, p, q, 0.8)
                actor.click(sim, rng, t)
                sim.answer(t, q.id, h_choice(rng, p, q))
        p.flags.append("reviewed answers")
    if p.wait_before_submit and t < sim.deadline - 120:
        w = min(rng.uniform(60, 1200), sim.deadline - t - 60)
        idle_fidget(sim, rng, t, t + w, rng.uniform(0, 1.5))
        t += w
        p.flags.append("sat idle %.0f min before submitting" % (w / 60))
    return submit(sim, rng, actor, t)


def submit(sim, rng, actor, t):
    if t >= sim.deadline:
        sim.end = sim.deadline + rng.uniform(0.3, 2.5)   # client auto-submits
        return sim.end
    t += rng.uniform(1, 5)
    actor.click(sim, rng, t)            # 交卷
    t += rng.uniform(1, 6)
    actor.click(sim, rng, t)            # 确认
    sim.end = min(t + rng.uniform(0.2, 1.5), sim.deadline + 1)
    return sim.end


# ---------------------------------------------------------------------------
# HONEST
# ---------------------------------------------------------------------------


def sim_honest(sim, rng, ctx, sess):
    exam, term = sess.exam, sess.term
    p = make_person(rng, exam, term)
    p.term = term
    r = rng.random()
    style = "ordinary"
    if r < 0.07:
        style = "expert-fast"
        p.theta = rng.uniform(2.0, 3.2)
        p.speed = rng.uniform(0.3, 0.55)
        p.idle_rate = 0.0
        p.skipper = False
        p.reviewer = rng.random() < 0.3
        p.fidget = rng.uniform(0, 0.1)
        p.age_slow = 1.0
        p.actor.slow = 0.7
        p.miscon = {k: v for k, v in p.miscon.items() if rng.random() < 0.3}
    elif r < 0.12:
        style = "out-of-time"
        p.speed = rng.uniform(8.5, 12.0)
        p.theta = rng.gauss(0.6, 0.6)
        p.skipper = rng.random() < 0.3
        p.reviewer = False
        p.wait_before_submit = False
        p.watch_clock = rng.random() < 0.8
    elif r < 0.20:
        style = "slow-careful"
        p.speed = rng.uniform(2.8, 4.5)
        p.reviewer = True
    elif r < 0.26:
        style = "weak"
        p.theta = rng.gauss(-0.3, 0.5)
    if rng.random() < 0.025:
        p.fail_idx = rng.randint(5, 90)
    extra_flags = []
    if rng.random() < 0.012:
        a = sim.t0 + rng.uniform(300, 2400)
        d = term.mouse if rng.random() < 0.7 else term.keyboard
        sim.devices.append((a, "removed", d))
        sim.devices.append((a + rng.uniform(2, 25), "attached", d))
        extra_flags.append("knocked the %s cable loose and plugged it back" % ("mouse" if d is term.mouse else "keyboard"))
    if rng.random() < 0.01:
        a = sim.t0 + rng.uniform(300, 2400)
        sim.displays.append((a, 1, False, term.res if rng.random() < 0.5 else "1024x768"))
        if term.displays == 1:
            sim.displays.append((a + rng.uniform(3, 40), 1, False, term.res))
        extra_flags.append("monitor re-detected mid-session (cable/power)")
    sim.order = presented_order(rng, exam)
    t = login_phase(sim, rng, p.actor, sim.t0)
    t, skipped, un = human_pass(sim, rng, p, sim.order, t)
    finish_up(sim, rng, p, t, skipped, un)
    # during the exam an IT technician may look at a terminal through the centre's maintenance tool
    c = term.centre
    if c.itremote == "tightvnc" and rng.random() < 0.04:
        a = rng.uniform(sim.t0 + 120, max(sim.t0 + 121, sim.end - 200))
        sim.conns.append((a, a + rng.uniform(40, 240), (c.admin_ip, 5900, "tvnserver.exe")))
        p.flags.append("IT technician briefly connected via the centre's TightVNC (no answers given)")
    notes = ["honest", style]
    if p.skipper:
        notes.append("skips uncertain questions and returns")
    if p.actor.kb:
        notes.append("keyboard user")
    notes += p.flags + extra_flags
    if getattr(term, "it_sunlogin", False):
        notes.append("centre's idle Sunlogin maintenance client on terminal")
    if term.displays == 2:
        notes.append("laptop duplicated to external monitor (centre setup)")
    sim.notes = notes


# ---------------------------------------------------------------------------
# LEAK
# ---------------------------------------------------------------------------


def make_leak(rng, exam, gi):
    frac = rng.uniform(0.3, 0.8)
    k = max(30, int(round(frac * N_QUESTIONS)))
    # leaks usually come out section-wise (e.g. the judgement part), sometimes scattered
    if rng.random() < 0.4:
        tf = [q for q in exam.questions if q.tf]
        sc = [q for q in exam.questions if not q.tf]
        pool = tf + rng.sample(sc, len(sc)) if rng.random() < 0.6 else sc + rng.sample(tf, len(tf))
        qs = pool[:k]
    else:
        qs = rng.sample(exam.questions, k)
    mistakes = rng.randint(0, 4)
    ans = {}
    wrong_ids = set(q.id for q in rng.sample(qs, mistakes))
    for q in qs:
        ans[q.id] = wrong_choice(rng, q) if q.id in wrong_ids else q.key
    return dict(id=gi, answers=ans, mistakes=mistakes, frac=len(qs) / N_QUESTIONS)


def sim_leak(sim, rng, ctx, sess):
    exam, term = sess.exam, sess.term
    leak = sess.group
    p = make_person(rng, exam, term, theta_mu=rng.choice([-0.6, -0.2, 0.3]), theta_sd=0.5)
    p.term = term
    recall = rng.uniform(0.75, 1.0)
    known = {qid: a for qid, a in leak["answers"].items() if rng.random() < recall}
    # occasionally the memorised answer is garbled
    for qid in list(known):
        if rng.random() < 0.02:
            known[qid] = wrong_choice(rng, exam.qmap[qid])
    style = wpick(rng, [("fast", 0.45), ("cautious", 0.25), ("known-first", 0.3)])
    sim.order = presented_order(rng, exam)
    t = login_phase(sim, rng, p.actor, sim.t0)
    if style == "known-first":
        actor = p.actor
        rest = []
        for q in sim.order:
            if q.id in known:
                dt = max(0.9, lognorm(rng, 2.6 if q.tf else 3.6, 0.35))
                t += dt
                actor.click(sim, rng, t)
                sim.answer(t, q.id, known[q.id])
            else:
                t += rng.uniform(1.0, 3.0)
                rest.append(q)
            actor.click(sim, rng, t)
        t, skipped, un = human_pass(sim, rng, p, rest, t, allow_skip=False)
    else:
        t, skipped, un = human_pass(sim, rng, p, sim.order, t, known=known,
                                    known_style="fast" if style == "fast" else "cautious")
    if rng.random() < 0.35:
        p.wait_before_submit = True       # does not want to leave suspiciously early
    finish_up(sim, rng, p, t, skipped, un)
    sim.notes = ["leak", "group L%d (leak covers %d%% of questions, %d wrong in leak)" % (leak["id"], round(leak["frac"] * 100), leak["mistakes"]),
                 "recalls %d leaked answers" % len(known), "style " + style] + p.flags


# ---------------------------------------------------------------------------
# SOFTWARE (remote control)
# ---------------------------------------------------------------------------


def sw_tools(rng, user):
    """Each tool: display label, list of (name, path, signer) processes as installed,
    heartbeat connection endpoints and control-channel endpoints."""
    u = user
    vps = pub_ip(rng, abroad=rng.random() < 0.3)
    return {
        "sunlogin": dict(label="向日葵 Sunlogin", signer=ORAY,
                         procs=[("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe")],
                         portable=("SunloginClient_15.5.1.exe", "SunloginClient.exe"),
                         hb=[("client-api.oray.com", 443), ("sl-tk.oray.com", 443)],
                         ctrl=[(pub_ip(rng), 443), (pub_ip(rng), rng.randint(10000, 60000))]),
        "todesk": dict(label="ToDesk", signer=TODESK,
                       procs=[("ToDesk.exe", "C:\\Program Files\\ToDesk\\ToDesk.exe"), ("ToDesk_Service.exe", "C:\\Program Files\\ToDesk\\ToDesk_Service.exe")],
                       portable=("ToDesk_Lite.exe", "ToDesk_Lite.exe"),
                       hb=[("api.todesk.com", 443)],
                       ctrl=[(pub_ip(rng), 443), (pub_ip(rng), rng.choice([443, 35600]))]),
        "teamviewer": dict(label="TeamViewer", signer="TeamViewer Germany GmbH",
                           procs=[("TeamViewer.exe", "C:\\Program Files\\TeamViewer\\TeamViewer.exe"), ("TeamViewer_Service.exe", "C:\\Program Files\\TeamViewer\\TeamViewer_Service.exe"), ("tv_x64.exe", "C:\\Program Files\\TeamViewer\\tv_x64.exe")],
                           portable=("TeamViewerQS_x64.exe", "TeamViewer.exe"),
                           hb=[("master%d.teamviewer.com" % rng.randint(1, 16), 5938)],
                           ctrl=[("router%d.teamviewer.com" % rng.randint(1, 60), 5938)]),
        "anydesk": dict(label="AnyDesk", signer=rng.choice(["AnyDesk Software GmbH", "philandro Software GmbH"]),
                        procs=[("AnyDesk.exe", "C:\\Program Files (x86)\\AnyDesk\\AnyDesk.exe")],
                        portable=("AnyDesk.exe", "AnyDesk.exe"),
                        hb=[("boot.net.anydesk.com", 443)],
                        ctrl=[("relay-%s.net.anydesk.com" % hexs(rng, 8), rng.choice([443, 80, 6568]))]),
        "rustdesk": dict(label="RustDesk (gang's own server)", signer="Purslane Ltd.",
                         procs=[("rustdesk.exe", "C:\\Program Files\\RustDesk\\rustdesk.exe")],
                         portable=("rustdesk-1.3.2-x86_64.exe", "rustdesk.exe"),
                         hb=[(vps, 21116)], ctrl=[(vps, 21117)]),
        "uvnc": dict(label="UltraVNC reverse connection to a repeater", signer="uvnc bvba",
                     procs=[("winvnc.exe", "C:\\Program Files\\uvnc bvba\\UltraVNC\\winvnc.exe")],
                     portable=("winvnc.exe", "winvnc.exe"), hb=[], ctrl=[(vps, 5500)]),
        "tightvnc-frp": dict(label="TightVNC behind an frp tunnel", signer="GlavSoft LLC.",
                             procs=[("tvnserver.exe", "C:\\Program Files\\TightVNC\\tvnserver.exe")],
                             portable=("tvnserver.exe", "tvnserver.exe"),
                             tunnel=("frpc.exe", vps, rng.choice([7000, 7000, 443, 8443])), local_port=5900, hb=[], ctrl=[]),
        "rdp-shadow-frp": dict(label="RDP shadowing of the console session through an frp tunnel", signer=MSW,
                               procs=[("RdpSa.exe", S32 + "RdpSa.exe")], portable=None,
                               tunnel=("frpc.exe", vps, rng.choice([7000, 443])), local_port=3389, hb=[], ctrl=[],
                               ctrl_only_procs=True),
        "qq": dict(label="QQ 远程协助", signer=TENCENT, procs=[QQ_P[:2]], portable=None,
                   hb=[("msfwifi.3g.qq.com", 8080), ("tcpconn.tencent.com", 443)],
                   ctrl=[(pub_ip(rng), rng.randint(10000, 60000)), (pub_ip(rng), 8000)]),
        "uuremote": dict(label="网易UU远程", signer="NetEase (Hangzhou) Network Co., Ltd.",
                         procs=[("UURemote.exe", "C:\\Program Files\\Netease\\UURemote\\UURemote.exe"), ("UURemoteService.exe", "C:\\Program Files\\Netease\\UURemote\\UURemoteService.exe")],
                         portable=None, hb=[("uu.163.com", 443)], ctrl=[(pub_ip(rng), 443), (pub_ip(rng), rng.randint(20000, 40000))]),
        "gotohttp": dict(label="GotoHTTP (browser-controlled, portable)", signer="",
                         procs=[("GotoHTTP_x64.exe", "C:\\Users\\%s\\Desktop\\GotoHTTP_x64.exe" % u)],
                         portable=("GotoHTTP_x64.exe", "GotoHTTP_x64.exe"),
                         hb=[("gotohttp.com", 443)], ctrl=[("%s.gotohttp.com" % rng.choice(["s1", "s3", "hk", "sh"]), 443)]),
        "radmin-frp": dict(label="Radmin server behind an nps tunnel", signer="Famatech Corp.",
                           procs=[("rserver3.exe", "C:\\Windows\\SysWOW64\\rserver30\\rserver3.exe")], portable=None,
                           tunnel=("npc.exe", vps, 8024), local_port=4899, hb=[], ctrl=[]),
        "splashtop": dict(label="Splashtop Streamer", signer="Splashtop Inc.",
                          procs=[("SRServer.exe", "C:\\Program Files (x86)\\Splashtop\\Splashtop Remote\\Server\\SRServer.exe"), ("SRService.exe", "C:\\Program Files (x86)\\Splashtop\\Splashtop Remote\\Server\\SRService.exe")],
                          portable=None, hb=[("st2-v3-dc.api.splashtop.com", 443)], ctrl=[("st-relay-%d.splashtop.com" % rng.randint(1, 40), 443)]),
    }


DISGUISE_NAMES = [
    ("svchost.exe", "C:\\Windows\\Temp\\svchost.exe"),
    ("RuntimeBroker.exe", "C:\\ProgramData\\Microsoft\\RuntimeBroker.exe"),
    ("igfxTray.exe", "C:\\ProgramData\\Intel\\igfxTray.exe"),
    ("360Tray.exe", "C:\\Users\\Public\\360\\360Tray.exe"),
    ("SogouCloud.exe", "C:\\Users\\{u}\\AppData\\Roaming\\SogouCloud.exe"),
    ("ExamHelper.exe", "C:\\ExamSystem\\plugins\\ExamHelper.exe"),
    ("WinUpdate.exe", "C:\\Users\\{u}\\AppData\\Local\\Temp\\WinUpdate.exe"),
    ("audiodg.exe", "C:\\Users\\Public\\Libraries\\audiodg.exe"),
    ("RtkAudService.exe", "C:\\ProgramData\\Realtek\\RtkAudService.exe"),
    ("ctfmon.exe", "C:\\Users\\{u}\\AppData\\Local\\Microsoft\\ctfmon.exe"),
    ("wpscenter.exe", "C:\\Users\\{u}\\AppData\\Local\\Kingsoft\\wpscenter.exe"),
    ("conhost.exe", "C:\\Windows\\Fonts\\conhost.exe"),
]


def helper_answer(sim, rng, actor, qs, t, acc_errors, pace, stop_at=None, exam=None):
    """A helper who knows (or quickly looks up) the answers works through qs."""
    for q in qs:
        if t >= (stop_at or sim.deadline) - 5:
            break
        dt = max(1.0, lognorm(rng, pace * (0.8 if q.tf else 1.3), 0.4))
        if rng.random() < 0.03:
            dt += rng.uniform(10, 60)        # searching the answer bank for a hard one
        t += dt
        c = wrong_choice(rng, q) if q.id in acc_errors else q.key
        actor.click(sim, rng, t)
        sim.answer(t, q.id, c)
        t += rng.uniform(0.4, 1.5)
        actor.click(sim, rng, t)
    return t


def sim_software(sim, rng, ctx, sess):
    exam, term = sess.exam, sess.term
    c = term.centre
    p = make_person(rng, exam, term, theta_mu=rng.choice([-0.5, 0.0, 0.4]), theta_sd=0.5)
    p.term = term
    p.skipper = False
    tools = sw_tools(rng, c.user)
    name = wpick(rng, [("sunlogin", 0.16), ("todesk", 0.2), ("teamviewer", 0.05), ("anydesk", 0.08), ("rustdesk", 0.09),
                       ("uvnc", 0.05), ("tightvnc-frp", 0.05), ("rdp-shadow-frp", 0.06), ("qq", 0.06), ("uuremote", 0.06),
                       ("gotohttp", 0.06), ("radmin-frp", 0.03), ("splashtop", 0.02)])
    tool = tools[name]
    hides = [("standard", 0.25), ("renamed", 0.25), ("renamed-unsigned", 0.1), ("hidden", 0.15)]
    if tool.get("portable"):
        hides += [("portable", 0.25), ("usb-portable", 0.15)]
    if name in ("rdp-shadow-frp", "qq"):
        hides = [("standard", 1.0)]
    hide = wpick(rng, hides)
    mode = wpick(rng, [("full", 0.45), ("split", 0.2), ("late-fix", 0.2), ("takeover-stuck", 0.15)])
    notes = ["software", tool["label"], "hiding: " + hide, "mode: " + mode]
    sim.order = presented_order(rng, exam)
    helper = Actor("remote")
    launch = "before-session"
    p_from = sim.t0 - rng.uniform(300, 3600)
    if hide == "usb-portable" or (hide == "portable" and rng.random() < 0.5):
        launch = "launched-in-session"
        p_from = sim.t0 + rng.uniform(25, 160)
    t = login_phase(sim, rng, p.actor, sim.t0)
    t = max(t, p_from + 5)
    pace = rng.uniform(3.5, 9.0) if rng.random() < 0.65 else rng.uniform(9.0, 22.0)   # some helpers deliberately stretch
    n_err = rng.randint(1, 9)
    errors = set(q.id for q in rng.sample(exam.questions, n_err))
    fidget_rate = rng.choice([0.0, 0.2, 0.6, 1.5])     # candidate's own small mouse moves per minute while helper works
    # --- answering
    if mode == "full":
        ctrl_from = t - rng.uniform(0, 40) if rng.random() < 0.5 else t + rng.uniform(5, 200)
        ctrl_from = max(ctrl_from, p_from + rng.uniform(8, 40))
        pre = rng.randint(0, 4)
        if pre:
            t, _, _ = human_pass(sim, rng, p, sim.order[:pre], t, allow_skip=False)
        t = max(t, ctrl_from) + rng.uniform(2, 10)
        t = helper_answer(sim, rng, helper, sim.order, t, errors, pace)
        ctrl_to = t + rng.uniform(5, 60)
    elif mode == "split":
        k = rng.choice([sum(1 for q in exam.questions if q.tf), rng.randint(15, 60)])
        t, sk, _ = human_pass(sim, rng, p, sim.order[:k], t, allow_skip=False)
        ctrl_from = t + rng.uniform(5, 90)
        t = helper_answer(sim, rng, helper, sim.order[k:], ctrl_from, errors, pace)
        ctrl_to = t + rng.uniform(5, 60)
        notes.append("candidate answered first %d, helper the rest" % k)
    elif mode == "late-fix":
        t, sk, un = human_pass(sim, rng, p, sim.order, t)
        t += rng.uniform(20, 600)
        ctrl_from = t
        wrong = [q for q in sim.order if sim.cur.get(q.id) != q.key]
        keep = set(q.id for q in rng.sample(wrong, min(len(wrong), rng.randint(0, 5))))
        for q in sim.order:
            if q.id in keep:
                continue
            if sim.cur.get(q.id) != q.key:
                t += max(1.0, lognorm(rng, pace * 0.9, 0.4))
                sim.answer(t, q.id, q.key)
            else:
                t += rng.uniform(0.3, 1.2) if rng.random() < 0.5 else 0
            if t > sim.deadline - 10:
                break
        ctrl_to = t + rng.uniform(5, 60)
        notes.append("candidate answered everything, helper then corrected the wrong answers")
    else:  # takeover-stuck: candidate works slowly, gets stuck, helper takes over the remainder
        k = rng.randint(10, 45)
        t, sk, _ = human_pass(sim, rng, p, sim.order[:k], t, allow_skip=False)
        t += rng.uniform(10, 120)
        ctrl_from = t
        t = helper_answer(sim, rng, helper, sim.order[k:], t, errors, pace)
        ctrl_to = t + rng.uniform(5, 60)
        notes.append("helper took over after question %d" % k)
    t = min(t, sim.deadline - 1)
    idle_fidget(sim, rng, ctrl_from, ctrl_to, fidget_rate)
    # who submits
    if rng.random() < 0.5:
        sim.end = min(sim.deadline, ctrl_to - rng.uniform(0, 4) + rng.uniform(2, 8))
    else:
        t2 = ctrl_to + rng.uniform(20, 900)
        idle_fidget(sim, rng, ctrl_to, min(t2, sim.deadline), rng.uniform(0.1, 1.0))
        submit(sim, rng, p.actor, min(t2, sim.deadline))
        notes.append("candidate submitted himself afterwards")
    # --- traces on the terminal
    p_to = sim.end + 60
    if rng.random() < 0.3:
        p_to = min(sim.end + 60, ctrl_to + rng.uniform(20, 200))
        notes.append("tool closed after use")
    procs = []
    signer = tool["signer"]
    if hide == "standard":
        procs = [(n, pth, signer) for n, pth in tool["procs"]]
    elif hide in ("portable", "usb-portable"):
        pname, _ = tool["portable"]
        if hide == "usb-portable":
            drive = rng.choice(["E", "F", "G"])
            pth = "%s:\\%s%s" % (drive, rng.choice(["", "tools\\", "软件\\", "新建文件夹\\"]), pname)
            stick = rng.choice([("storage", "Kingston DataTraveler 3.0", "0951", "1666"), ("storage", "SanDisk Cruzer Blade", "0781", "5567"),
                                ("storage", "USB DISK", "090C", "1000"), ("storage", "Generic Mass Storage", "", "")])
            sim.devices.append((p_from - rng.uniform(8, 40), "attached", stick))
            if rng.random() < 0.6:
                sim.devices.append((p_from + rng.uniform(20, 300), "removed", stick))
                notes.append("USB stick removed after start")
            notes.append("run from USB stick %s" % stick[1])
        else:
            folder = rng.choice(["C:\\Users\\{u}\\Downloads\\", "C:\\Users\\{u}\\Desktop\\", "C:\\Users\\Public\\", "C:\\Users\\{u}\\AppData\\Local\\Temp\\", "D:\\soft\\"])
            pth = folder.format(u=c.user) + pname
        procs = [(pname, pth, signer)]
    elif hide in ("renamed", "renamed-unsigned"):
        dn, dp = rng.choice(DISGUISE_NAMES)
        procs = [(dn, dp.format(u=c.user), signer if hide == "renamed" else "")]
        notes.append("process shown as %s" % dn)
    if name in ("tightvnc-frp", "radmin-frp", "rdp-shadow-frp"):
        tun_name, vps, vport = tool["tunnel"]
        tdn, tdp = rng.choice(DISGUISE_NAMES) if hide != "standard" or rng.random() < 0.7 else (tun_name, "C:\\Users\\Public\\" + tun_name)
        tun_proc = (tdn, tdp.format(u=c.user), "")
        if name == "rdp-shadow-frp":
            procs = [(n, pth, signer) for n, pth in tool["procs"]]
            sim.procs.append((ctrl_from, ctrl_to, procs[0]))
            procs = []
        if hide != "hidden":
            sim.procs.append((p_from, p_to, tun_proc))
        tproc = tun_proc[0] if hide != "hidden" else rng.choice(["", "svchost.exe"])
        sim.conns.append((p_from + 2, p_to, (vps, vport, tproc)))
        sim.conns.append((ctrl_from, ctrl_to, ("127.0.0.1", tool["local_port"], tproc)))
        notes.append("tunnel to %s:%d" % (vps, vport))
    for pr in procs:
        if hide != "hidden":
            sim.procs.append((p_from, p_to, pr))
    cproc = procs[0][0] if procs else (tool["procs"][0][0] if hide != "hidden" else "")
    if hide == "hidden":
        cproc = rng.choice(["", "", "svchost.exe", "System"])
        notes.append("process not visible in process list; only connections")
    for host, port in tool["hb"]:
        h = host if rng.random() < 0.6 else pub_ip(rng)
        sim.conns.append((p_from + 3, p_to, (h, port, cproc)))
    for host, port in tool["ctrl"]:
        sim.conns.append((ctrl_from, ctrl_to, (host, port, cproc)))
    if name == "qq":
        sim.procs.append((p_from, p_to, QQPROTECT))
    if rng.random() < 0.15 and ctrl_to - ctrl_from > 300:
        # connection dropped and re-established
        a = rng.uniform(ctrl_from + 60, ctrl_to - 60)
        notes.append("control link dropped once")
        sim.conns = [(f, tt, e) if not (f == ctrl_from and tt == ctrl_to) else (f, a, e) for f, tt, e in sim.conns]
        for host, port in tool["ctrl"][:1]:
            sim.conns.append((a + rng.uniform(20, 90), ctrl_to, (host if rng.random() < 0.5 else pub_ip(rng), port, cproc)))
    notes.append("launch: " + launch)
    notes.append("helper active %.0f-%.0f min" % ((ctrl_from - sim.t0) / 60, (ctrl_to - sim.t0) / 60))
    sim.notes = notes


# ---------------------------------------------------------------------------
# HARDWARE
# ---------------------------------------------------------------------------

HID_EMULATORS = [
    ("hid", "CH9329", "1A86", "E129"), ("hid", "USB HID", "1A86", "E129"), ("hid", "Arduino Leonardo", "2341", "8036"),
    ("hid", "SparkFun Pro Micro", "1B4F", "9206"), ("hid", "Teensy Keyboard/Mouse", "16C0", "0482"),
    ("hid", "DigiKeyboard", "16C0", "27DB"), ("hid", "USB Keyboard", "1A86", "E129"), ("hid", "HID Keyboard Device", "", ""),
    ("hid", "USB Composite Device", "1A86", "E129"), ("hid", "Logitech USB Keyboard", "046D", "C31C"),
]
WIRELESS_RX = [
    ("hid", "USB Receiver", "046D", "C52B"), ("hid", "2.4G Wireless Receiver", "25A7", "FA61"),
    ("hid", "Wireless Receiver", "248A", "8367"), ("hid", "2.4G Receiver", "1EA7", "0064"),
    ("hid", "USB Receiver", "046D", "C548"), ("hid", "Wireless Device", "", ""),
]
KVM_DEVICES = [
    [("hid", "PiKVM Composite Device", "1D6B", "0104"), ("storage", "PiKVM Mass Storage", "1D6B", "0104")],
    [("hid", "NanoKVM", "3346", "1009")],
    [("hid", "USB Composite Device", "1D6B", "0104")],
    [("hid", "BliKVM", "1D6B", "0104"), ("storage", "BliKVM Virtual Media", "1D6B", "0104")],
    [("hid", "Oray KVM HID", "", ""), ("other", "USB Video", "", "")],
]
BT_DONGLE = ("other", "CSR8510 A10 Bluetooth Radio", "0A12", "0001")


def sim_hardware(sim, rng, ctx, sess):
    exam, term = sess.exam, sess.term
    p = make_person(rng, exam, term, theta_mu=rng.choice([-0.5, 0.0, 0.4]), theta_sd=0.5)
    p.term = term
    p.skipper = False
    kind = wpick(rng, [("hid-emulator", 0.3), ("wireless-kbm", 0.22), ("kvm-ip", 0.18), ("display-only", 0.18), ("bluetooth", 0.12)])
    notes = ["hardware", kind]
    sim.order = presented_order(rng, exam)
    t = login_phase(sim, rng, p.actor, sim.t0)
    n_err = rng.randint(1, 9)
    errors = set(q.id for q in rng.sample(exam.questions, n_err))
    pace = rng.uniform(4.0, 10.0) if rng.random() < 0.65 else rng.uniform(10.0, 22.0)
    # how the helper sees the screen
    view = None
    if kind == "display-only":
        view = wpick(rng, [("hdmi-splitter", 0.3), ("mirrored-display", 0.5), ("extra-display-unmirrored", 0.15)])
        notes.append("helper sees screen via " + view)
    elif kind != "kvm-ip":
        view = wpick(rng, [("hdmi-splitter", 0.4), ("mirrored-display", 0.25), ("hidden-camera", 0.2), ("extra-display-unmirrored", 0.15)])
        notes.append("helper sees screen via " + view)
    present = rng.random() < 0.45          # planted before the session (insider) vs plugged in during it
    attach_t = sim.t0 - 600 if present else t + rng.uniform(5, 600)
    if view in ("mirrored-display", "extra-display-unmirrored"):
        mir = view == "mirrored-display"
        if present:
            sim.display0 = (2, mir, term.res)
        else:
            sim.displays.append((attach_t + rng.uniform(-60, 60), 2, mir, term.res))
    elif view == "hdmi-splitter":
        res2 = rng.choice(["1920x1080", "1920x1080", "1280x720", "1366x768", term.res])
        if not present:
            # re-plugging the monitor cable through the splitter makes the display re-enumerate
            sim.displays.append((attach_t + rng.uniform(-90, 30), 1, False, res2))
        elif rng.random() < 0.5 or kind == "display-only":
            sim.display0 = (1, False, res2 if res2 != term.res else rng.choice(["1280x720", "1920x1080", "1024x768"]))
    devs = []
    if kind == "hid-emulator":
        devs = [rng.choice(HID_EMULATORS)]
        act = Actor("hid", kb=rng.random() < 0.35, smooth=rng.random() < 0.3)
        notes.append("emulator %s %s:%s, %s input" % (devs[0][1], devs[0][2] or "-", devs[0][3] or "-", "keyboard-shortcut" if act.kb else ("smoothed mouse" if act.smooth else "jump-click mouse")))
    elif kind == "wireless-kbm":
        devs = [rng.choice(WIRELESS_RX)]
        act = Actor("human", rate=rng.uniform(25, 70), slow=rng.uniform(0.6, 1.0), kb=rng.random() < 0.1)
        notes.append("receiver %s; helper nearby with a wireless mouse" % devs[0][1])
    elif kind == "kvm-ip":
        devs = list(rng.choice(KVM_DEVICES))
        act = Actor("kvm", rate=rng.uniform(6, 18))
        notes.append("KVM-over-IP box between PC and monitor (%s)" % devs[0][1])
        if present:
            sim.display0 = (1, False, rng.choice(["1920x1080", "1280x720"]))
        else:
            sim.displays.append((attach_t + rng.uniform(-30, 30), 1, False, rng.choice(["1920x1080", "1280x720"])))
    elif kind == "bluetooth":
        devs = [BT_DONGLE, ("hid", rng.choice(["Bluetooth Keyboard", "BT5.0 Mouse", "Bluetooth HID Device"]), "", "")]
        act = Actor("human", rate=rng.uniform(20, 60), slow=rng.uniform(0.6, 1.0))
        notes.append("Bluetooth dongle plus paired mouse/keyboard")
    else:  # display-only: helper watches, signals answers, candidate clicks himself
        act = p.actor
        notes.append("no extra input device; candidate clicks what the helper signals")
    for i, d in enumerate(devs):
        if present:
            sim.present_extra.append(d)
        else:
            sim.devices.append((attach_t + i * rng.uniform(0.5, 20), "attached", d))
    notes.append(("set up before session" if present else "connected at %.0f min" % ((attach_t - sim.t0) / 60)))
    # answering
    mode = wpick(rng, [("full", 0.6), ("split", 0.25), ("late-fix", 0.15)])
    if kind != "display-only":
        notes.append("mode: " + mode)
    if kind == "display-only":
        # until the helper can see the screen the candidate works on his own; afterwards he
        # paces himself to the helper's signals: nearly constant per-question time
        qs = sim.order
        if attach_t > t:
            t, _, un = human_pass(sim, rng, p, sim.order, t, stop_at=attach_t + rng.uniform(20, 90), allow_skip=False)
            qs = un
        ctrl_from = t
        for q in qs:
            dt = rng.uniform(pace * 0.8, pace * 1.6) + (2 if not q.tf else 0)
            t += dt
            if t > sim.deadline - 5:
                break
            cch = wrong_choice(rng, q) if q.id in errors else q.key
            act.click(sim, rng, t)
            sim.answer(t, q.id, cch)
            t += rng.uniform(0.4, 1.4)
            act.click(sim, rng, t)
        ctrl_to = t
    else:
        start_help = max(t, attach_t + rng.uniform(5, 60))
        if mode == "split":
            k = rng.randint(15, 60)
            t, _, _ = human_pass(sim, rng, p, sim.order[:k], t, allow_skip=False)
            start_help = max(t + rng.uniform(5, 60), start_help)
            qs = sim.order[k:]
        elif mode == "late-fix":
            t, _, _ = human_pass(sim, rng, p, sim.order, t, allow_skip=False)
            start_help = max(t + rng.uniform(10, 300), start_help)
            qs = [q for q in sim.order if sim.cur.get(q.id) != q.key]
        else:
            qs = sim.order
        if start_help > t:
            idle_fidget(sim, rng, t, start_help, rng.uniform(0.2, 2.0))
        ctrl_from = start_help
        t = helper_answer(sim, rng, act, qs, start_help, errors, pace)
        ctrl_to = t
        idle_fidget(sim, rng, ctrl_from, ctrl_to, rng.choice([0.0, 0.1, 0.4]))
    if rng.random() < 0.55:
        submit(sim, rng, act if kind != "display-only" else p.actor, min(t, sim.deadline))
    else:
        t2 = t + rng.uniform(30, 900)
        idle_fidget(sim, rng, t, min(t2, sim.deadline), rng.uniform(0.2, 1.5))
        submit(sim, rng, p.actor, min(t2, sim.deadline))
    if not present and devs and rng.random() < 0.4:
        rt = min(sim.end - rng.uniform(5, 60), ctrl_to + rng.uniform(10, 200))
        for d in devs:
            sim.devices.append((max(rt, attach_t + 30), "removed", d))
        notes.append("device pulled out before submitting")
    notes.append("helper answered %.0f-%.0f min" % ((ctrl_from - sim.t0) / 60, (ctrl_to - sim.t0) / 60))
    sim.notes = notes


# ---------------------------------------------------------------------------
# OPERATOR (one person answers for a group of terminals)
# ---------------------------------------------------------------------------

IMPLANTS = [("winvnc.exe", "C:\\Windows\\SysWOW64\\winvnc.exe", "uvnc bvba", 5900),
            ("rserver3.exe", "C:\\Windows\\SysWOW64\\rserver30\\rserver3.exe", "Famatech Corp.", 4899),
            ("WinSvcMgr.exe", "C:\\ProgramData\\Microsoft\\Network\\WinSvcMgr.exe", "", 5900),
            ("ExamUpdate.exe", "C:\\ExamSystem\\update\\ExamUpdate.exe", "", 5650)]


def sim_operator_group(rng, ctx, group):
    members = group["sessions"]
    mode = group["mode"]
    centre = members[0].term.centre
    exam = members[0].exam
    op_rate = rng.uniform(35, 80)
    op_actor = Actor("human", rate=op_rate, slow=0.6) if mode == "walk" else Actor("remote")
    op_pace_tf = rng.uniform(1.8, 3.2)
    op_pace_sc = rng.uniform(2.6, 4.5)
    block = rng.choice([100, 100, 20, 25, 34, 50])
    op_submits = rng.random() < 0.5
    implant = rng.choice(IMPLANTS) if mode == "implant" else None
    latest_start = max(s.sim.t0 for s in members)
    T = latest_start + rng.uniform(4, 35) * 60
    st = {}
    for s in members:
        sim = s.sim
        p = make_person(rng, exam, s.term, theta_mu=rng.choice([-0.7, -0.2, 0.2]), theta_sd=0.5)
        p.term = s.term
        p.skipper = False
        p.idle_rate = 0
        sim.order = presented_order(rng, exam)
        t = login_phase(sim, rng, p.actor, sim.t0)
        pre = rng.choice([0, 0, 0, rng.randint(3, 12), rng.randint(10, 35)])
        if pre:
            t, _, _ = human_pass(sim, rng, p, sim.order[:pre], t, stop_at=T, allow_skip=False)
        errs = set(q.id for q in rng.sample(exam.questions, rng.randint(3, 14)))
        st[s.sid] = dict(p=p, t_ready=t, pos=0, errs=errs, pre=pre, windows=[], fid=rng.choice([0.1, 0.3, 0.8, 1.5]))
    order = members[:]
    rng.shuffle(order)
    t = T
    done = set()
    cur_room = None
    while len(done) < len(order):
        for s in order:
            if s.sid in done:
                continue
            d = st[s.sid]
            sim = s.sim
            # switching to this terminal
            if mode == "walk":
                t += rng.uniform(10, 45) if cur_room in (None, s.term.room) else rng.uniform(60, 180)
            else:
                t += rng.uniform(4, 25)
            cur_room = s.term.room
            w0 = t
            qs = sim.order[d["pos"]:d["pos"] + block]
            for q in qs:
                if t > sim.deadline - 10:
                    break
                t += max(0.8, lognorm(rng, op_pace_tf if q.tf else op_pace_sc, 0.3))
                ch = wrong_choice(rng, q) if q.id in d["errs"] else q.key
                op_actor.click(sim, rng, t)
                sim.answer(t, q.id, ch)
                t += rng.uniform(0.25, 0.9)
                op_actor.click(sim, rng, t)
            d["pos"] += len(qs)
            d["windows"].append((w0, t))
            if d["pos"] >= len(sim.order) or t > sim.deadline - 10:
                done.add(s.sid)
                if op_submits:
                    t += rng.uniform(1, 4)
                    op_actor.click(sim, rng, t)
                    t += rng.uniform(1, 3)
                    op_actor.click(sim, rng, t)
                    sim.end = min(t + 0.5, sim.deadline + 1)
                    d["submitted_by"] = "operator"
                    t += 0.5
    for s in members:
        d = st[s.sid]
        sim = s.sim
        p = d["p"]
        last = d["windows"][-1][1]
        if sim.end is None:
            t2 = min(last + rng.uniform(30, 1500), sim.deadline - 1)
            submit(sim, rng, p.actor, t2)
            d["submitted_by"] = "candidate"
        # candidate idles at the terminal except while the operator is working it (walk mode: he steps aside)
        busy = sorted(d["windows"])
        a = d["t_ready"]
        for w0, w1 in busy + [(sim.end, sim.end)]:
            if mode == "walk":
                idle_fidget(sim, rng, a, w0 - 20, d["fid"])
            else:
                idle_fidget(sim, rng, a, w0, d["fid"])
                idle_fidget(sim, rng, w0, w1, d["fid"] * 0.1)
            a = w1
        # traces
        if mode == "console":
            for w0, w1 in busy:
                sim.conns.append((w0 - 3, w1 + 3, (centre.admin_ip, 5512, "StudentMain.exe")))
        elif mode == "itvnc":
            for w0, w1 in busy:
                sim.conns.append((w0 - 5, w1 + 5, (centre.admin_ip, 5900, "tvnserver.exe")))
        elif mode == "implant":
            sim.procs.append((sim.t0 - 3600, sim.end + 60, implant[:3]))
            for w0, w1 in busy:
                sim.conns.append((w0 - 5, w1 + 5, (centre.admin_ip, implant[3], implant[0])))
        sim.notes = ["operator", "group O%d of %d terminals (%s)" % (group["id"], len(members), ", ".join(sorted(set(m.term.room for m in members)))),
                     "method: " + {"walk": "insider walks from terminal to terminal and answers with the local mouse",
                                   "console": "insider uses the room's 极域 classroom-management console remote control",
                                   "itvnc": "insider uses the centre's own TightVNC maintenance access",
                                   "implant": "insider pre-installed a remote agent (%s) on the group's terminals" % (implant[0] if implant else "")}[mode],
                     "block size %d" % block, "candidate answered %d himself first" % d["pre"],
                     "submitted by " + d["submitted_by"],
                     "operator worked this terminal %s" % ", ".join("%.0f-%.0f min" % ((w0 - sim.t0) / 60, (w1 - sim.t0) / 60) for w0, w1 in busy)]


# ---------------------------------------------------------------------------
# event emission
# ---------------------------------------------------------------------------


class Session:
    pass


def term_conns(rng, term, t):
    c = term.centre
    out = [(c.server, c.server_port, "ExamClient.exe")]
    if rng.random() < 0.5:
        out.append((c.server, c.server_port, "ExamGuard.exe"))
    names = set(p[0] for p in term.procs)
    if "360Tray.exe" in names and rng.random() < 0.6:
        out.append((rng.choice(["s.360.cn", "sd.360.cn", "p.s.360.cn", pub_ip(rng)]), rng.choice([80, 443]), "360Tray.exe"))
    if "HipsDaemon.exe" in names and rng.random() < 0.3:
        out.append((rng.choice(["update.huorong.cn", pub_ip(rng)]), 443, "HipsDaemon.exe"))
    if "QQPCRTP.exe" in names and rng.random() < 0.4:
        out.append((rng.choice(["pcmgr.qq.com", pub_ip(rng)]), 443, "QQPCRTP.exe"))
    if "QQ.exe" in names:
        out.append((rng.choice(["msfwifi.3g.qq.com", "tcpconn.tencent.com", pub_ip(rng)]), rng.choice([8080, 443, 14000]), "QQ.exe"))
    if "WeChat.exe" in names:
        out.append((rng.choice(["szextshort.weixin.qq.com", "long.weixin.qq.com", pub_ip(rng)]), rng.choice([443, 80, 8080]), "WeChat.exe"))
    if "SogouCloud.exe" in names and rng.random() < 0.3:
        out.append((rng.choice(["get.sogou.com", "ping.pinyin.sogou.com", pub_ip(rng)]), 80, "SogouCloud.exe"))
    if "wpscloudsvr.exe" in names and rng.random() < 0.4:
        out.append((rng.choice(["drive.wps.cn", "s1.vip.wpscdn.cn", pub_ip(rng)]), 443, "wpscloudsvr.exe"))
    if "StudentMain.exe" in names:
        out.append((c.admin_ip, 4988, "StudentMain.exe"))
    if "SunloginClient.exe" in names and getattr(term, "it_sunlogin", False):
        out.append((rng.choice(["client-api.oray.com", "sl-tk.oray.com", pub_ip(rng)]), 443, "SunloginClient.exe"))
    if "msedge.exe" in names and rng.random() < 0.3:
        out.append(("edge.microsoft.com", 443, "msedge.exe"))
    if "MsMpEng.exe" in names and rng.random() < 0.3:
        out.append(("wdcp.microsoft.com", 443, "MsMpEng.exe"))
    if c.os != "win7" and rng.random() < 0.35:
        out.append((rng.choice(["tlu.dl.delivery.mp.microsoft.com", "settings-win.data.microsoft.com", "fe3cr.delivery.mp.microsoft.com", pub_ip(rng, True)]), rng.choice([443, 80]), "svchost.exe"))
    if c.os == "win7" and rng.random() < 0.15:
        out.append(("ctldl.windowsupdate.com", 80, "svchost.exe"))
    return out


def session_events(rng, sess):
    """Return list of (true_time, kind, fields) for one session (possibly several if relocated)."""
    sim = sess.sim
    term = sess.term
    ev = []
    end = sim.end if sim.cut is None else sim.cut
    ev.append((sim.t0, "session_start", dict(candidate=sess.cand, exam=sess.exam.name, centre=term.centre.name,
                                             room=term.room, seat=term.seat, terminal=term.name)))
    tt = sim.t0 + rng.uniform(0.2, 1.5)
    for d in term.devices + sim.present_extra:
        ev.append((tt, "device", dict(action="present", **{"class": d[0]}, name=d[1], vid=d[2], pid=d[3])))
        tt += rng.uniform(0.005, 0.05)
    disp = sim.display0 or (term.displays, term.mirrored, term.res)
    ev.append((sim.t0 + rng.uniform(0.5, 2.0), "display", dict(displays=disp[0], mirrored=disp[1], resolution=disp[2])))
    for t, cnt, mir, res in sim.displays:
        if sim.t0 < t < end:
            ev.append((t, "display", dict(displays=cnt, mirrored=mir, resolution=res)))
    for t, action, d in sim.devices:
        if sim.t0 < t < end:
            ev.append((t, "device", dict(action=action, **{"class": d[0]}, name=d[1], vid=d[2], pid=d[3])))
    for t, q, c in sim.answers:
        if t < end:
            ev.append((t, "answer", dict(question=q, choice=c)))
    # processes
    t = sim.t0 + rng.uniform(1.5, 4)
    first = True
    while t < end:
        plist = list(term.procs) + exam_client_procs()
        if t - sim.t0 < 240:
            plist.append(FACE_PROC)
        for pr, prob in TRANSIENT:
            if rng.random() < prob:
                plist.append(pr)
        for a, b, pr in sim.procs:
            if a <= t < b:
                plist.append(pr)
        seen = set()
        items = []
        for n, pth, sg in plist:
            if (n, pth) in seen:
                continue
            seen.add((n, pth))
            items.append(dict(name=n, path=pth, signer=sg))
        ev.append((t, "processes", dict(processes=items)))
        t += term.proc_s * (rng.uniform(0.9, 1.1) if not first else rng.uniform(0.3, 1.0))
        first = False
    # connections
    t = sim.t0 + rng.uniform(2, 6)
    while t < end:
        cl = term_conns(rng, term, t)
        for a, b, cn in sim.conns:
            if a <= t < b:
                cl.append(cn)
        ev.append((t, "connections", dict(connections=[dict(remote=r, port=pt, process=pp) for r, pt, pp in cl])))
        t += term.conn_s * rng.uniform(0.85, 1.15)
    # input
    bursts = sorted(sim.bursts)
    dead = sim.dead_ptr
    bi = 0
    prev = sim.t0
    period = term.input_ms / 1000.0
    t = sim.t0 + period * rng.uniform(0.2, 1.0)
    while True:
        last = t >= end
        if last:
            t = end - 0.05
            if t <= prev:
                break
        keys = ptr = 0
        while bi < len(bursts) and bursts[bi][0] <= t:
            bt, k, pt = bursts[bi]
            if bt > prev - 1e9:
                keys += k
                if not any(a <= bt < b for a, b in dead):
                    ptr += pt
            bi += 1
        ev.append((t, "input", dict(interval_ms=int(round((t - prev) * 1000)), keys=keys, pointer=ptr)))
        prev = t
        if last:
            break
        t += period + rng.uniform(-0.15, 0.35)
    if sim.cut is None and sim.end is not None:
        ev.append((sim.end, "session_end", {}))
    ev.sort(key=lambda e: e[0])
    # session_start must be first, session_end last
    return ev


def deliver(rng, sess, ev):
    """Apply terminal clock, ids, network delay, outages, resends. Returns list of (arrival, json)."""
    term = sess.term
    out = []
    outages = []
    if term.net_flaky or rng.random() < 0.06:
        for _ in range(rng.randint(1, 2)):
            a = rng.uniform(ev[0][0] + 60, max(ev[0][0] + 61, ev[-1][0] - 60))
            outages.append((a, a + rng.uniform(15, 200)))
    sess.outages = outages
    step_at = None
    if term.clock_step is not None:
        step_at = rng.uniform(ev[0][0], ev[-1][0])
    base_t = ev[0][0]
    prev_arr = 0.0
    for i, (t, kind, fields) in enumerate(ev):
        clk = t + term.clock_off + term.clock_drift * (t - base_t + 3600)
        if step_at is not None and t >= step_at:
            clk += term.clock_step
        obj = {"v": 1, "id": hexs(rng, 20), "at": iso(clk), "kind": kind, "session": sess.sid}
        obj.update(fields)
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        # one connection per terminal: delivery is in order, except that process and connection
        # snapshots take a moment to collect after their "at" and some subsystems queue separately
        arr = t + 0.05 + rng.expovariate(1 / 0.25)
        if kind in ("processes", "connections"):
            arr += rng.uniform(0.5, 4.0)
        else:
            arr = max(arr, prev_arr + 0.001)
            prev_arr = arr
        for a, b in outages:
            if a <= t < b:
                arr = b + rng.uniform(0.5, 8) + i * 0.002
        out.append((arr, line))
        # resend: after an outage the terminal repeats events it was not sure about
        for a, b in outages:
            if a - 30 <= t < a:
                if rng.random() < 0.5:
                    out.append((b + rng.uniform(1, 10), line))
        if rng.random() < 0.002:
            out.append((arr + rng.uniform(0.5, 40), line))
    return out


# ---------------------------------------------------------------------------
# set construction
# ---------------------------------------------------------------------------


def build_set(seed, n, outdir):
    rng = random.Random(seed)
    centres = build_world(rng)
    exams = build_exams(rng, seed)
    n_each = int(round(0.05 * n))
    n_honest = n - 4 * n_each
    # exam sizes
    w = [rng.uniform(0.8, 1.2) for _ in exams]
    sizes = [int(n * x / sum(w)) for x in w]
    sizes[0] += n - sum(sizes)
    all_rooms = [(c, room, cap) for c in centres for room, cap in c.rooms]
    slots = []
    for e, size in zip(exams, sizes):
        while True:
            rooms = rng.sample(all_rooms, len(all_rooms))
            chosen = []
            cap = 0
            for r in rooms:
                chosen.append(r)
                cap += r[2]
                if cap * 0.85 >= size and len(chosen) >= 5:
                    break
            if len(set(id(r[0]) for r in chosen)) >= 2 and cap * 0.95 >= size:
                break
        capt = sum(r[2] for r in chosen)
        counts = [int(size * r[2] / capt) for r in chosen]
        i = 0
        while sum(counts) < size:
            if counts[i % len(chosen)] < chosen[i % len(chosen)][2] - 2:
                counts[i % len(chosen)] += 1
            i += 1
        e.rooms = []
        for (c, room, cp), k in zip(chosen, counts):
            seats = rng.sample(range(1, cp + 1), k)
            e.rooms.append((c, room, cp, set(seats)))
            for s in seats:
                slots.append(dict(exam=e, centre=c, room=room, seat="%02d" % s, term=c.terminals[(room, "%02d" % s)], kind=None, group=None))
    free = set(range(len(slots)))
    groups = []
    # operator groups
    gid = 0
    for size in partition(rng, n_each, 3, 6):
        gid += 1
        for _ in range(500):
            e = rng.choice(exams)
            ecs = []
            for r in e.rooms:
                if r[0] not in ecs:
                    ecs.append(r[0])
            c = rng.choice(ecs)
            modes = [("walk", 0.3), ("implant", 0.25)]
            if c.classroom == "mythware":
                modes.append(("console", 0.6))
            if c.itremote == "tightvnc":
                modes.append(("itvnc", 0.6))
            mode = wpick(rng, modes)
            rooms = [r for r in e.rooms if r[0] is c]
            nr = 1 if mode == "walk" else rng.randint(1, min(3, len(rooms)))
            rooms = rng.sample(rooms, nr)
            cand = [i for i in sorted(free) if slots[i]["exam"] is e and slots[i]["centre"] is c and slots[i]["room"] in [r[1] for r in rooms]]
            if len(cand) < size:
                continue
            pick = []
            # spread over the chosen rooms
            byroom = {}
            for i in cand:
                byroom.setdefault(slots[i]["room"], []).append(i)
            rl = list(byroom)
            k = 0
            while len(pick) < size:
                lst = byroom[rl[k % len(rl)]]
                if lst:
                    pick.append(lst.pop(rng.randrange(len(lst))))
                k += 1
            g = dict(id=gid, kind="operator", mode=mode, slots=pick)
            for i in pick:
                free.discard(i)
                slots[i]["kind"] = "operator"
                slots[i]["group"] = g
            groups.append(g)
            break
    # leak groups
    lid = 0
    for size in partition(rng, n_each, 3, 8):
        lid += 1
        for _ in range(500):
            e = rng.choice(exams)
            rooms = list(e.rooms)
            rng.shuffle(rooms)
            pick = []
            per_room = 1 if len(rooms) >= size else 2
            for c, room, cp, seats in rooms * 2:
                cand = [i for i in sorted(free) if slots[i]["exam"] is e and slots[i]["room"] == room and slots[i]["centre"] is c and i not in pick]
                already = sum(1 for i in pick if slots[i]["room"] == room and slots[i]["centre"] is c)
                if cand and already < per_room:
                    pick.append(rng.choice(cand))
                if len(pick) == size:
                    break
            if len(pick) < size:
                continue
            g = dict(id=lid, kind="leak", leak=make_leak(rng, e, lid), slots=pick)
            for i in pick:
                free.discard(i)
                slots[i]["kind"] = "leak"
                slots[i]["group"] = g["leak"]
            groups.append(g)
            break
    for kind in ("software", "hardware"):
        for i in rng.sample(sorted(free), n_each):
            free.discard(i)
            slots[i]["kind"] = kind
    for i in free:
        slots[i]["kind"] = "honest"
    # sessions
    sessions = []
    used_sids = set()
    for sl in slots:
        s = Session()
        while True:
            s.sid = "%s-%s" % (hexs(rng, 8), hexs(rng, 4))
            if s.sid not in used_sids:
                used_sids.add(s.sid)
                break
        s.cand = "K" + hexs(rng, 10).upper()
        s.exam = sl["exam"]
        s.term = sl["term"]
        s.kind = sl["kind"]
        s.group = sl["group"]
        e = s.exam
        r = rng.random()
        if r < 0.75:
            off = rng.uniform(-12, 2)
        elif r < 0.95:
            off = rng.uniform(2, 10)
        else:
            off = rng.uniform(10, 25)
        s.t0 = e.start + off * 60
        s.sim = Sim(s.t0, s.t0 + EXAM_MINUTES * 60)
        s.seed = rng.getrandbits(64)
        sessions.append(s)
    by_sid = {s.sid: s for s in sessions}
    slot_sess = {id(sl): s for sl, s in zip(slots, sessions)}
    for g in groups:
        if g["kind"] == "operator":
            g["sessions"] = [slot_sess[id(slots[i])] for i in g["slots"]]
    ctx = dict(exams=exams, centres=centres)
    for s in sessions:
        srng = random.Random(s.seed)
        if s.kind == "honest":
            sim_honest(s.sim, srng, ctx, s)
        elif s.kind == "leak":
            sim_leak(s.sim, srng, ctx, s)
        elif s.kind == "software":
            sim_software(s.sim, srng, ctx, s)
        elif s.kind == "hardware":
            sim_hardware(s.sim, srng, ctx, s)
    for g in groups:
        if g["kind"] == "operator":
            sim_operator_group(random.Random(rng.getrandbits(64)), ctx, g)
    # relocations: a few honest candidates whose terminal dies; they continue on a spare seat
    extra_sessions = []
    honest = [s for s in sessions if s.kind == "honest"]
    n_reloc = max(1, n // 150)
    for s in rng.sample(honest, n_reloc):
        sim = s.sim
        if sim.end - sim.t0 < 900:
            continue
        e = s.exam
        room_info = [r for r in e.rooms if r[0] is s.term.centre and r[1] == s.term.room][0]
        spare = [x for x in range(1, room_info[2] + 1) if x not in room_info[3]]
        if not spare:
            continue
        seat = rng.choice(spare)
        room_info[3].add(seat)
        cut = rng.uniform(sim.t0 + 300, sim.end - 300)
        delay = rng.uniform(180, 600)
        s2 = Session()
        s2.sid = "%s-%s" % (hexs(rng, 8), hexs(rng, 4))
        s2.cand = s.cand
        s2.exam = e
        s2.term = s.term.centre.terminals[(s.term.room, "%02d" % seat)]
        s2.kind = "honest"
        s2.group = None
        sim2 = Sim(cut + delay, sim.deadline + delay)
        # server restores earlier answers; the new session only carries what happens afterwards
        sim2.answers = [(t + delay, q, c) for t, q, c in sim.answers if t >= cut]
        sim2.bursts = [(t + delay, k, p) for t, k, p in sim.bursts if t >= cut]
        sim2.end = sim.end + delay
        sim2.t0 = cut + delay
        sim.cut = cut
        sim.answers = [a for a in sim.answers if a[0] < cut]
        sim2.notes = ["honest", "continuation after terminal failure: candidate moved to spare seat %s, answers before the move were restored by the server" % s2.term.seat] + [n for n in sim.notes[1:]]
        sim.notes = sim.notes + ["terminal froze at %.0f min; session has no session_end, candidate continued in session %s" % ((cut - sim.t0) / 60, s2.sid)]
        s2.sim = sim2
        s.pair = s2.pair = (s, s2)
        s2.seed = rng.getrandbits(64)
        extra_sessions.append(s2)
    all_sessions = sessions + extra_sessions
    # emit
    lines = []
    for e in exams:
        first = min(s.sim.t0 for s in all_sessions if s.exam is e)
        t = first - rng.uniform(1200, 2400)
        obj = {"v": 1, "id": hexs(rng, 20), "at": iso(t), "kind": "exam", "exam": e.name,
               "questions": [{"id": q.id, "key": q.key, "options": len(q.opts)} for q in e.questions],
               "pass_mark": PASS_MARK, "minutes": EXAM_MINUTES}
        lines.append((t, json.dumps(obj, ensure_ascii=False, separators=(",", ":"))))
    for s in all_sessions:
        erng = random.Random(s.seed ^ 0x5A5A5A5A)
        ev = session_events(erng, s)
        lines += deliver(erng, s, ev)
    lines.sort(key=lambda x: x[0])
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "events.jsonl"), "w", encoding="utf-8") as f:
        for _, l in lines:
            f.write(l + "\n")
    truth = []
    for s in sorted(all_sessions, key=lambda s: s.sid):
        score = s.sim.score(s.exam)
        if getattr(s, "pair", None) is not None:
            merged = {}
            for sm in (s.pair[0].sim, s.pair[1].sim):
                for t, q, c in sorted(sm.answers):
                    merged[q] = c
            score = sum(1 for q, c in merged.items() if s.exam.qmap[q].key == c)
        extra = []
        tm = s.term
        if abs(tm.clock_off) > 3:
            extra.append("terminal clock off by %+.0f s" % tm.clock_off)
        if abs(tm.clock_drift) > 1e-4:
            extra.append("terminal clock drifting %+.1f s/h" % (tm.clock_drift * 3600))
        if tm.clock_step is not None:
            extra.append("terminal clock stepped %+.0f s during session (NTP)" % tm.clock_step)
        if getattr(s, "outages", None):
            extra.append("network outage(s), events buffered and partly resent")
        note = "; ".join(s.sim.notes + extra) + "; exam %s; final score %d" % (s.exam.name, score)
        truth.append((s, score))
        s.note = note
    with open(os.path.join(outdir, "truth.jsonl"), "w", encoding="utf-8") as f:
        for s, score in truth:
            f.write(json.dumps({"session": s.sid, "kind": s.kind, "note": s.note}, ensure_ascii=False) + "\n")
    # summary
    cnt = Counter(s.kind for s in all_sessions)
    print("set %s: %d events lines, %d sessions (%d candidates)" % (outdir, len(lines), len(all_sessions), n))
    for k in ("honest", "software", "hardware", "operator", "leak"):
        sc = [sc for s, sc in truth if s.kind == k and getattr(s, "pair", None) is None]
        dur = [(s.sim.end - s.sim.t0) / 60 for s, _ in truth if s.kind == k and getattr(s, "pair", None) is None]
        if sc:
            sc.sort()
            dur.sort()
            print("  %-9s %4d sessions  score median %d (min %d, max %d, pass %d%%)  minutes median %.0f (min %.0f, max %.0f)" % (
                k, cnt[k], sc[len(sc) // 2], sc[0], sc[-1], 100 * sum(1 for x in sc if x >= PASS_MARK) // len(sc),
                dur[len(dur) // 2], dur[0], dur[-1]))
    return cnt


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--candidates", type=int, default=600)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.candidates < 40:
        ap.error("need at least 40 candidates")
    build_set(a.seed, a.candidates, a.out)


if __name__ == "__main__":
    main()
