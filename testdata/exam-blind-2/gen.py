#!/usr/bin/env python3
"""gen.py -- synthetic exam-room terminal events for Chinese special-operation
certificate theory exams (特种作业 理论机考), with per-session cheating labels.

Python 3.11 standard library only.  Deterministic for a given --seed.

    python3 gen.py --seed 303 --candidates 500 --out set-c

writes  <out>/events.jsonl.gz   (event format version 1, server arrival order)
        <out>/truth.jsonl       (one label line per session)

The world that is simulated (all of it invented for this data set):

* several exam centres (考点) with their own IT image: exam client, antivirus
  (火绒 / 360 / 腾讯电脑管家 / Defender), input methods, classroom management
  (极域 / 红蜘蛛), remote maintenance tools installed by the centre's IT
  (向日葵 / ToDesk / TeamViewer / Radmin / UltraVNC), chat apps left running,
  room peculiarities (barcode scanners, KVM extenders with the PCs in a rack,
  wireless keyboard/mouse sets, docked laptops mirroring to a monitor, old
  square monitors), clocks from perfect NTP to broken CMOS batteries;
* several exams (work types) sitting in half-day slots, rooms mixing exams,
  training-school cohorts seated together, per-candidate shuffled papers;
* honest candidates of many kinds (app-bank memorisers, slow older workers,
  strugglers who guess the last questions when time runs out, two-pass
  skippers, reviewers who change answers, keyboard users, long idlers, late
  arrivals) and the incidents of real rooms (mice replaced, keyboards
  re-plugged, IT fixing a terminal remotely, client crashes, moving a
  candidate to a spare terminal, network outages, resent events, hooks that
  stop counting input, monitors flickering, phones plugged in to charge);
* four cheating kinds: remote-control software (software), devices
  (hardware), one operator serving a group of terminals (operator), and a
  leaked paper shared by several candidates (leak).
"""

import argparse
import bisect
import datetime as dt
import gzip
import json
import math
import os
import random

UTC = dt.timezone.utc

MSW = "Microsoft Windows"
MSC = "Microsoft Corporation"
MSP = "Microsoft Windows Publisher"
VENDOR = "Hangzhou AnKao Information Technology Co., Ltd."
ORAY = "Shanghai Oray Information Technology Co., Ltd."
TODESK = "Hainan Youqu Technology Co., Ltd."
TEAMV = "TeamViewer Germany GmbH"
TENCENT = "Tencent Technology(Shenzhen) Company Limited"
QIHU = "Beijing Qihu Technology Co., Ltd."
HUORONG = "Beijing Huorong Network Technology Co., Ltd."
SOGOU = "Beijing Sogou Technology Development Co., Ltd."
MYTHWARE = "Shanghai Mythware Information Technology Co., Ltd."
INTEL = "Intel Corporation"
REALTEK = "Realtek Semiconductor Corp."
S32 = "C:\\Windows\\System32\\"


# ----------------------------------------------------------------- helpers
def iso(t):
    ms = int(math.floor(t * 1000.0 + 0.5))
    d = dt.datetime.fromtimestamp(ms // 1000, tz=UTC)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % (ms % 1000)


def parse_utc(s):
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def lognorm(rng, median, sigma):
    return median * math.exp(rng.gauss(0.0, sigma))


def poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(rng.gauss(lam, math.sqrt(lam)) + 0.5))
    L = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= L:
            return k
        k += 1


def hexid(rng, n):
    return "%0*x" % (n, rng.getrandbits(4 * n))


def wpick(rng, items):
    """items: list of (weight, value)"""
    tot = sum(w for w, _ in items)
    x = rng.uniform(0, tot)
    for w, v in items:
        x -= w
        if x <= 0:
            return v
    return items[-1][1]


def cloud_ip(rng, kind="ali"):
    if kind == "ali":
        a = rng.choice([47, 39, 120, 121, 8])
        if a == 47:
            return "47.%d.%d.%d" % (rng.choice([92, 96, 97, 98, 99, 100, 101, 104, 105, 106, 108, 110, 111, 112, 113, 114, 115, 116]), rng.randint(0, 255), rng.randint(1, 254))
        if a == 8:
            return "8.%d.%d.%d" % (rng.choice([129, 130, 131, 134, 136, 140, 141, 142]), rng.randint(0, 255), rng.randint(1, 254))
        return "%d.%d.%d.%d" % (a, rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
    if kind == "tencent":
        return "%d.%d.%d.%d" % (rng.choice([43, 49, 81, 101, 106, 118, 119, 124, 129, 150, 175]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
    if kind == "hk":
        return rng.choice(["47.242.%d.%d", "47.243.%d.%d", "8.210.%d.%d", "8.217.%d.%d", "43.154.%d.%d", "43.129.%d.%d"]) % (rng.randint(0, 255), rng.randint(1, 254))
    if kind == "home":
        a = rng.choice(["113.%d", "183.%d", "117.%d", "112.%d", "223.%d", "36.%d", "58.%d", "115.%d", "222.%d", "60.%d"])
        return (a % rng.randint(1, 254)) + ".%d.%d" % (rng.randint(0, 255), rng.randint(1, 254))
    return "%d.%d.%d.%d" % (rng.randint(1, 223), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))


# --------------------------------------------------------------- processes
def sys_procs(rng, win7):
    L = [("System", "", "")]
    if not win7:
        L += [("Registry", "", ""), ("Memory Compression", "", "")]
    for n in ["smss.exe", "csrss.exe", "csrss.exe", "wininit.exe", "winlogon.exe", "services.exe", "lsass.exe"]:
        L.append((n, S32 + n, MSW))
    nsv = rng.randint(7, 11) if win7 else rng.randint(9, 15)
    L += [("svchost.exe", S32 + "svchost.exe", MSW)] * nsv
    L += [("spoolsv.exe", S32 + "spoolsv.exe", MSW), ("dwm.exe", S32 + "dwm.exe", MSW),
          ("explorer.exe", "C:\\Windows\\explorer.exe", MSW), ("conhost.exe", S32 + "conhost.exe", MSW)]
    if win7:
        L += [("lsm.exe", S32 + "lsm.exe", MSW), ("taskhost.exe", S32 + "taskhost.exe", MSW),
              ("SearchIndexer.exe", S32 + "SearchIndexer.exe", MSW),
              ("wmpnetwk.exe", "C:\\Program Files\\Windows Media Player\\wmpnetwk.exe", MSW)]
    else:
        L += [("fontdrvhost.exe", S32 + "fontdrvhost.exe", MSW)] * 2
        L += [("sihost.exe", S32 + "sihost.exe", MSW), ("taskhostw.exe", S32 + "taskhostw.exe", MSW),
              ("ctfmon.exe", S32 + "ctfmon.exe", MSW)]
        L += [("RuntimeBroker.exe", S32 + "RuntimeBroker.exe", MSW)] * rng.randint(1, 3)
        L += [("StartMenuExperienceHost.exe", "C:\\Windows\\SystemApps\\Microsoft.Windows.StartMenuExperienceHost_cw5n1h2txyewy\\StartMenuExperienceHost.exe", MSW),
              ("TextInputHost.exe", "C:\\Windows\\SystemApps\\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\\TextInputHost.exe", MSW),
              ("SecurityHealthService.exe", S32 + "SecurityHealthService.exe", MSW),
              ("dllhost.exe", S32 + "dllhost.exe", MSW),
              ("WmiPrvSE.exe", S32 + "wbem\\WmiPrvSE.exe", MSW),
              ("SgrmBroker.exe", S32 + "SgrmBroker.exe", MSW)]
        if rng.random() < 0.6:
            L.append(("SearchApp.exe", "C:\\Windows\\SystemApps\\Microsoft.Windows.Search_cw5n1h2txyewy\\SearchApp.exe", MSW))
    return L


EXAM_PROCS = [
    ("KSGuard.exe", "C:\\Program Files (x86)\\AnKao\\KSClient\\KSGuard.exe", VENDOR),
    ("KSMonitor.exe", "C:\\Program Files (x86)\\AnKao\\KSMonitor\\KSMonitor.exe", VENDOR),
    ("KSClient.exe", "C:\\Program Files (x86)\\AnKao\\KSClient\\KSClient.exe", VENDOR),
    ("CefSharp.BrowserSubprocess.exe", "C:\\Program Files (x86)\\AnKao\\KSClient\\CefSharp.BrowserSubprocess.exe", ""),
    ("CefSharp.BrowserSubprocess.exe", "C:\\Program Files (x86)\\AnKao\\KSClient\\CefSharp.BrowserSubprocess.exe", ""),
]

P_HUORONG = [("HipsDaemon.exe", "C:\\Program Files (x86)\\Huorong\\Sysdiag\\bin\\HipsDaemon.exe", HUORONG),
             ("usysdiag.exe", "C:\\Program Files (x86)\\Huorong\\Sysdiag\\bin\\usysdiag.exe", HUORONG),
             ("HipsTray.exe", "C:\\Program Files (x86)\\Huorong\\Sysdiag\\bin\\HipsTray.exe", HUORONG)]
P_360 = [("ZhuDongFangYu.exe", "C:\\Program Files (x86)\\360\\360Safe\\deepscan\\ZhuDongFangYu.exe", QIHU),
         ("360Tray.exe", "C:\\Program Files (x86)\\360\\360Safe\\safemon\\360Tray.exe", QIHU),
         ("360sd.exe", "C:\\Program Files (x86)\\360\\360sd\\360sd.exe", QIHU)]
P_QQPC = [("QQPCRTP.exe", "C:\\Program Files (x86)\\Tencent\\QQPCMgr\\16.8.24870.216\\QQPCRTP.exe", TENCENT),
          ("QQPCTray.exe", "C:\\Program Files (x86)\\Tencent\\QQPCMgr\\16.8.24870.216\\QQPCTray.exe", TENCENT)]
P_DEFENDER = [("MsMpEng.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe", MSC),
              ("NisSrv.exe", "C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\NisSrv.exe", MSC)]
P_MYTHWARE = [("StudentMain.exe", "C:\\Program Files (x86)\\Mythware\\极域电子教室软件 v6.0 2016 豪华版\\StudentMain.exe", MYTHWARE),
              ("MasterHelper.exe", "C:\\Program Files (x86)\\Mythware\\极域电子教室软件 v6.0 2016 豪华版\\MasterHelper.exe", MYTHWARE),
              ("GATESRV.exe", "C:\\Program Files (x86)\\Mythware\\极域电子教室软件 v6.0 2016 豪华版\\GATESRV.exe", MYTHWARE)]
P_REDSPIDER = [("REDAgent.exe", "C:\\Program Files (x86)\\3000soft\\Red Spider\\REDAgent.exe", ""),
               ("checkrs.exe", "C:\\Program Files (x86)\\3000soft\\Red Spider\\checkrs.exe", "")]
P_SOGOU = [("SogouCloud.exe", "C:\\Program Files (x86)\\SogouInput\\15.2.0.1585\\SogouCloud.exe", SOGOU)]
P_MSIME = [("ChsIME.exe", S32 + "InputMethod\\CHS\\ChsIME.exe", MSW)]
P_QQPINYIN = [("QQPYService.exe", "C:\\Program Files (x86)\\Tencent\\QQPinyin\\6.6.6304.400\\QQPYService.exe", TENCENT)]
P_SUNLOGIN = [("SunloginClient.exe", "C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe", ORAY)]
P_TODESK = [("ToDesk_Service.exe", "C:\\Program Files\\ToDesk\\ToDesk_Service.exe", TODESK),
            ("ToDesk.exe", "C:\\Program Files\\ToDesk\\ToDesk.exe", TODESK)]
P_TEAMVIEWER = [("TeamViewer_Service.exe", "C:\\Program Files\\TeamViewer\\TeamViewer_Service.exe", TEAMV)]
P_RADMIN = [("rserver3.exe", "C:\\Windows\\SysWOW64\\rserver30\\rserver3.exe", "Famatech International Corp.")]
P_UVNC = [("winvnc.exe", "C:\\Program Files\\uvnc bvba\\UltraVNC\\winvnc.exe", "uvnc bvba")]
P_REALTEK = [("RtkAudUService64.exe", S32 + "DriverStore\\FileRepository\\realtekservice.inf_amd64_a1b2c3d4e5f60718\\RtkAudUService64.exe", REALTEK)]
P_INTEL = [("igfxEM.exe", S32 + "DriverStore\\FileRepository\\iigd_dch.inf_amd64_0c7a3d2e1b5f9a46\\igfxEM.exe", INTEL),
           ("IntelCpHDCPSvc.exe", S32 + "DriverStore\\FileRepository\\iigd_dch.inf_amd64_0c7a3d2e1b5f9a46\\IntelCpHDCPSvc.exe", INTEL)]
P_LENOVO = [("LenovoVantageService.exe", "C:\\ProgramData\\Lenovo\\Vantage\\Addins\\LenovoVantageService\\LenovoVantageService.exe", "Lenovo"),
            ("LITSSvc.exe", "C:\\Program Files\\Lenovo\\Lenovo Service Bridge\\LITSSvc.exe", "Lenovo")]
P_WECHAT = [("WeChat.exe", "C:\\Program Files (x86)\\Tencent\\WeChat\\WeChat.exe", TENCENT),
            ("WeChatAppEx.exe", "C:\\Users\\Public\\AppData\\Roaming\\Tencent\\WeChat\\XPlugin\\Plugins\\RadiumWMPF\\11581\\extracted\\runtime\\WeChatAppEx.exe", TENCENT)]
P_QQ = [("QQ.exe", "C:\\Program Files\\Tencent\\QQNT\\QQ.exe", TENCENT)]
P_DINGTALK = [("DingTalk.exe", "C:\\Program Files (x86)\\DingDing\\main\\current\\DingTalk.exe", "Alibaba (China) Network Technology Co.,Ltd.")]
P_NETCAFE = [("ClientAgent.exe", "C:\\Program Files\\ZYWG\\ClientAgent.exe", "")]

TRANSIENT = [  # (weight, proc, typical seconds)
    (5, ("SearchProtocolHost.exe", S32 + "SearchProtocolHost.exe", MSW), 60),
    (4, ("backgroundTaskHost.exe", S32 + "backgroundTaskHost.exe", MSW), 40),
    (3, ("TiWorker.exe", "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.5194_none_7d2b1a9f3e1c6a0d\\TiWorker.exe", MSW), 600),
    (2, ("TrustedInstaller.exe", "C:\\Windows\\servicing\\TrustedInstaller.exe", MSW), 600),
    (3, ("CompPkgSrv.exe", S32 + "CompPkgSrv.exe", MSW), 30),
    (2, ("wermgr.exe", S32 + "wermgr.exe", MSW), 30),
    (2, ("MoUsoCoreWorker.exe", S32 + "MoUsoCoreWorker.exe", MSW), 300),
    (2, ("smartscreen.exe", S32 + "smartscreen.exe", MSW), 60),
    (2, ("audiodg.exe", S32 + "audiodg.exe", MSW), 400),
]


# ----------------------------------------------------------------- devices
def dev(cls, name, vid, pid):
    return {"class": cls, "name": name, "vid": vid, "pid": pid}


D_DELL_KB = dev("hid", "Dell KB216 Wired Keyboard", "413c", "2113")
D_DELL_MS = dev("hid", "Dell MS116 USB Optical Mouse", "413c", "301a")
D_LEN_KB = dev("hid", "Lenovo Traditional USB Keyboard", "17ef", "6099")
D_LEN_MS = dev("hid", "Lenovo USB Optical Mouse", "17ef", "608d")
D_LOGI_KB = dev("hid", "Logitech USB Keyboard K120", "046d", "c31c")
D_LOGI_MS = dev("hid", "Logitech USB Optical Mouse M100", "046d", "c077")
D_GEN_KB = dev("hid", "USB Keyboard", "1a2c", "2124")
D_GEN_MS = dev("hid", "USB OPTICAL MOUSE", "093a", "2510")
D_PS2_KB = dev("hid", "Standard PS/2 Keyboard", "", "")
D_WL_SET = dev("hid", "2.4G Wireless Receiver", "25a7", "fa61")
D_KVMX = dev("hid", "KVM Extender USB HID", "0557", "2221")
D_LAP_KB = dev("hid", "HID Keyboard Device", "", "")
D_LAP_TP = dev("hid", "ELAN I2C HID Touchpad", "04f3", "3195")
D_BARCODE = dev("hid", "Honeywell Voyager 1200g Barcode Scanner", "0c2e", "0b01")
D_CAM1 = dev("other", "USB2.0 HD UVC WebCam", "0c45", "6366")
D_CAM2 = dev("other", "Logitech HD Webcam C270", "046d", "0825")
D_CAM_INT = dev("other", "Integrated Camera", "5986", "2113")
D_IDR_CVR = dev("other", "CVR-100UC ID Card Reader", "0400", "c35a")
D_IDR_CP = dev("other", "Silicon Labs CP210x USB to UART Bridge", "10c4", "ea60")
D_HUB = dev("other", "Generic USB Hub", "05e3", "0608")
D_HUB2 = dev("other", "USB 2.0 Hub", "1a40", "0101")
SPARE_MICE = [dev("hid", "USB OPTICAL MOUSE", "093a", "2510"), dev("hid", "Logitech M90 USB Mouse", "046d", "c05a"),
              dev("hid", "Lenovo USB Optical Mouse", "17ef", "608d"), dev("hid", "HP USB Optical Mouse", "03f0", "094a"),
              dev("hid", "USB Mouse", "1bcf", "0005")]
SPARE_KB = [dev("hid", "USB Keyboard", "1a2c", "2124"), dev("hid", "Dell KB216 Wired Keyboard", "413c", "2113"),
            dev("hid", "HP USB Keyboard", "03f0", "344a")]
PHONES = [dev("other", "HUAWEI Mate 40 Pro", "12d1", "107e"), dev("other", "Apple iPhone", "05ac", "12a8"),
          dev("other", "Xiaomi Redmi Note (MTP)", "2717", "ff40"), dev("other", "OPPO Android Phone", "22d9", "2764")]
USBSTICKS = [dev("storage", "SanDisk Ultra USB 3.0", "0781", "5581"), dev("storage", "Kingston DataTraveler 3.0", "0951", "1666"),
             dev("storage", "Generic Flash Disk", "058f", "6387"), dev("storage", "aigo U330", "3277", "0023")]


# ------------------------------------------------------------------- exams
EXAM_DEFS = [
    # name, slot start (UTC), tf, sc, shuffle, autoadvance, share of candidates
    ("低压电工作业（初训）理论考试 2026-12-01 上午场", "2026-12-01T01:00:00Z", 70, 30, True, False, 110),
    ("焊接与热切割作业（初训）理论考试 2026-12-01 上午场", "2026-12-01T01:00:00Z", 60, 40, False, False, 70),
    ("高处作业（登高架设作业）理论考试 2026-12-01 下午场", "2026-12-01T06:00:00Z", 70, 30, True, True, 90),
    ("高压电工作业（初训）理论考试 2026-12-01 下午场", "2026-12-01T06:00:00Z", 50, 50, True, False, 40),
    ("制冷与空调设备运行操作作业 理论考试 2026-12-02 上午场", "2026-12-02T01:00:00Z", 70, 30, False, True, 60),
    ("低压电工作业（复审）理论考试 2026-12-02 上午场", "2026-12-02T01:00:00Z", 70, 30, True, False, 130),
]


class Exam:
    def __init__(self, rng, name, start, tf, sc, shuffle, autoadv):
        self.name = name
        self.start = parse_utc(start)
        self.shuffle = shuffle
        self.autoadv = autoadv
        self.questions = []
        for i in range(tf + sc):
            qid = "Q%03d" % (i + 1)
            if i < tf:
                key = "对" if rng.random() < 0.56 else "错"
                diff = rng.gauss(-2.2, 1.1)
                q = {"id": qid, "key": key, "options": 2, "diff": diff, "tf": True}
                q["distr"] = "错" if key == "对" else "对"
            else:
                key = rng.choice("ABCD")
                diff = rng.gauss(-1.7, 1.1)
                others = [c for c in "ABCD" if c != key]
                q = {"id": qid, "key": key, "options": 4, "diff": diff, "tf": False, "distr": rng.choice(others)}
            q["len"] = rng.uniform(0.7, 1.5)  # reading length factor
            self.questions.append(q)
        self.byid = {q["id"]: q for q in self.questions}
        # questions where the popular practice app carries a wrong key
        self.errata = {}
        for q in rng.sample(self.questions, rng.randint(2, 4)):
            self.errata[q["id"]] = q["distr"]
        self.tf_n = tf

    def record(self):
        qs = [{"id": q["id"], "key": q["key"], "options": q["options"]} for q in self.questions]
        return {"exam": self.name, "questions": qs, "pass_mark": 80, "minutes": 120}

    def order_for(self, rng):
        tfq = self.questions[:self.tf_n]
        scq = self.questions[self.tf_n:]
        if self.shuffle:
            tfq = tfq[:]
            scq = scq[:]
            rng.shuffle(tfq)
            rng.shuffle(scq)
        return tfq + scq


def wrong_choice(rng, q, avoid=None):
    if q["options"] == 2:
        return "错" if q["key"] == "对" else "对"
    if rng.random() < 0.55 and q["distr"] != avoid:
        return q["distr"]
    others = [c for c in "ABCD" if c != q["key"] and c != avoid]
    return rng.choice(others)


def random_choice(rng, q):
    return rng.choice(["对", "错"]) if q["options"] == 2 else rng.choice("ABCD")


# ----------------------------------------------------------------- centres
class Clock:
    def __init__(self, offset, ppm=0.0, step_at=None, step_to=None):
        self.offset = offset
        self.ppm = ppm
        self.step_at = step_at
        self.step_to = step_to

    def at(self, t):
        o = self.offset
        if self.step_at is not None and t >= self.step_at:
            o = self.step_to
        return t + o + (t - 1796083200.0) * self.ppm * 1e-6

    def desc(self):
        s = "offset %+.1fs" % self.offset
        if self.step_at is not None:
            s += ", steps to %+.1fs at %s" % (self.step_to, iso(self.step_at))
        return s


class Terminal:
    pass


CENTRE_DEFS = [
    dict(key="A", code="KD330102", win7=False, ntp="good", inp=20, proc=240, min_submit=1800,
         net="10.21", server=("10.21.0.20", 8443), asset="AQKS",
         rooms=[("第1考场", 40, "std"), ("第2考场", 40, "std"), ("第3考场", 30, "barcode")]),
    dict(key="B", code="KD330106", win7=False, ntp="poor", inp=30, proc=300, min_submit=0,
         net="192.168.1", server=("ks.ankao-exam.cn", 443), asset="SXL",
         rooms=[("实训楼A201", 45, "std"), ("实训楼A203", 45, "std")]),
    dict(key="C", code="KD330110", win7=False, ntp="ok", inp=15, proc=180, min_submit=0,
         net="172.16.8", server=("ks.ankao-exam.cn", 443), asset="PX",
         rooms=[("一号教室", 30, "wireless"), ("二号教室", 30, "std"), ("三号教室", 24, "kvmx")]),
    dict(key="D", code="KD330183", win7=False, ntp="good", inp=25, proc=240, min_submit=1800,
         net="10.80.4", server=("10.80.0.15", 8443), asset="ZNPX",
         rooms=[("培训楼401", 32, "laptops"), ("培训楼402", 32, "std")]),
    dict(key="E", code="KD330127", win7=True, ntp="bad", inp=20, proc=300, min_submit=0,
         net="192.168.0", server=("ks.ankao-exam.cn", 443), asset="CA",
         rooms=[("县考点机房", 40, "std")]),
]


def build_centres(rng):
    centres = []
    for cd in CENTRE_DEFS:
        c = dict(cd)
        c["terminals"] = []
        c["rooms_t"] = []
        assets = rng.sample(range(1, 400), sum(r[1] for r in cd["rooms"]))
        ai = 0
        for ri, (rname, nseats, rtype) in enumerate(cd["rooms"]):
            room_terms = []
            console_ip = "%s.%d" % (cd["net"], 250 - ri) if cd["key"] in ("A", "E") else None
            for s in range(1, nseats + 1):
                T = Terminal()
                T.centre = c
                T.room = rname
                T.rtype = rtype
                T.room_index = ri
                T.seat = "%02d" % s
                T.id = "%s-%04d" % (cd["asset"], assets[ai])
                ai += 1
                T.ip = "%s.%d" % (cd["net"], 20 + ri * 60 + s) if cd["net"].count(".") == 2 else "%s.%d.%d" % (cd["net"], 30 + ri, s + 10)
                T.console_ip = console_ip
                setup_terminal(rng, T)
                room_terms.append(T)
                c["terminals"].append(T)
            c["rooms_t"].append(room_terms)
        centres.append(c)
    # a few terminals in the county site with CMOS / NTP oddities
    return centres


def setup_terminal(rng, T):
    c = T.centre
    k = c["key"]
    ntp = c["ntp"]
    if ntp == "good":
        T.clock = Clock(rng.gauss(0, 0.35), rng.gauss(0, 5))
    elif ntp == "ok":
        T.clock = Clock(rng.gauss(0, 2.5), rng.gauss(0, 15))
    elif ntp == "poor":
        off = rng.gauss(0, 40) if rng.random() < 0.9 else rng.gauss(0, 260)
        T.clock = Clock(off, rng.gauss(0, 25))
    else:
        T.clock = Clock(rng.gauss(0, 140), rng.gauss(0, 30))
    win7 = c["win7"]
    P = sys_procs(rng, win7)
    if k == "A":
        P += P_REALTEK + P_INTEL + P_HUORONG + P_MYTHWARE + P_MSIME
    elif k == "B":
        P += P_REALTEK + P_360[:2] + P_SOGOU + P_SUNLOGIN + P_SUNLOGIN + P_REDSPIDER
        if rng.random() < 0.5:
            P += P_360[2:]
    elif k == "C":
        P += P_REALTEK + P_INTEL + P_DEFENDER + P_QQPINYIN + P_TODESK
    elif k == "D":
        P += P_INTEL + P_LENOVO + P_QQPC + P_RADMIN + P_SOGOU
    else:
        P += P_REALTEK + P_360[:2] + P_SOGOU + P_UVNC + P_MYTHWARE[:1]
        if rng.random() < 0.3:
            P += P_NETCAFE
    T.apps = []
    if k == "B":
        if rng.random() < 0.3:
            T.apps.append("wechat")
        if rng.random() < 0.15:
            T.apps.append("qq")
    elif k == "E":
        if rng.random() < 0.2:
            T.apps.append("wechat")
        if rng.random() < 0.25:
            T.apps.append("qq")
    elif k == "C":
        if rng.random() < 0.2:
            T.apps.append("teamviewer")
    elif k == "D":
        if rng.random() < 0.4:
            T.apps.append("dingtalk")
    if "teamviewer" in T.apps:
        P += P_TEAMVIEWER
    P += EXAM_PROCS
    T.base_procs = P
    # autostarting chat apps appear after the exam client in pid order
    T.app_procs = []
    if "wechat" in T.apps:
        T.app_procs += P_WECHAT
    if "qq" in T.apps:
        T.app_procs += P_QQ
    if "dingtalk" in T.apps:
        T.app_procs += P_DINGTALK
    # devices and displays
    rt = T.rtype
    if k == "A":
        T.devices = [D_DELL_KB, D_DELL_MS, D_CAM2, D_IDR_CVR]
        if rt == "barcode":
            T.devices.append(D_BARCODE)
        T.res = "1920x1080"
    elif k == "B":
        T.devices = [D_LEN_KB, D_LEN_MS, D_CAM1]
        if rng.random() < 0.3:
            T.devices.insert(0, D_HUB2)
        T.res = "1366x768" if rng.random() < 0.8 else "1920x1080"
    elif k == "C":
        if rt == "wireless":
            T.devices = [D_WL_SET, D_IDR_CP]
        elif rt == "kvmx":
            T.devices = [D_HUB, D_KVMX, D_IDR_CP]
        else:
            T.devices = [D_LOGI_KB, D_LOGI_MS, D_IDR_CP]
        T.res = "1920x1080" if rng.random() < 0.7 else "1600x900"
    elif k == "D":
        if rt == "laptops":
            T.devices = [D_LAP_KB, D_LAP_TP, D_LEN_MS, D_CAM_INT]
            T.res = "1366x768"
        else:
            T.devices = [D_LEN_KB, D_LEN_MS, D_CAM1]
            T.res = "1920x1080"
    else:
        T.devices = [D_PS2_KB if rng.random() < 0.35 else D_GEN_KB, D_GEN_MS, D_IDR_CP]
        T.res = "1280x1024" if rng.random() < 0.6 else "1440x900"
    T.displays = 2 if rt == "laptops" else 1
    T.mirrored = rt == "laptops"
    T.persistent = []  # (procs, conns) left by someone else on this terminal
    T.kvm_local = rt == "kvmx"


def base_conns(T):
    """list of (prob, conn) present in a snapshot"""
    c = T.centre
    k = c["key"]
    srv, port = c["server"]
    L = [(1.0, {"remote": srv, "port": port, "process": "KSClient.exe"}),
         (1.0, {"remote": srv if k in ("A", "D") else "collect.ankao-exam.cn", "port": 443 if k not in ("A", "D") else 9443, "process": "KSMonitor.exe"}),
         (0.15, {"remote": srv, "port": port, "process": "KSClient.exe"})]
    if k == "A":
        L += [(1.0, {"remote": T.console_ip, "port": 4988, "process": "StudentMain.exe"}),
              (0.25, {"remote": "api.huorong.cn", "port": 443, "process": "HipsDaemon.exe"})]
    elif k == "B":
        L += [(0.95, {"remote": T.centre["sl_ip"], "port": 443, "process": "SunloginClient.exe"}),
              (0.3, {"remote": "sl-ads.oray.com", "port": 443, "process": "SunloginClient.exe"}),
              (0.35, {"remote": "180.163.%d.%d" % (T.centre["q360"][0], T.centre["q360"][1]), "port": 80, "process": "360Tray.exe"}),
              (0.9, {"remote": "192.168.1.2", "port": 3399, "process": "REDAgent.exe"}),
              (0.2, {"remote": "get.sogou.com", "port": 443, "process": "SogouCloud.exe"})]
    elif k == "C":
        L += [(0.95, {"remote": T.centre["td_ip"], "port": 443, "process": "ToDesk_Service.exe"}),
              (0.2, {"remote": "wdcp.microsoft.com", "port": 443, "process": "MsMpEng.exe"})]
        if "teamviewer" in T.apps:
            L.append((0.9, {"remote": "router%d.teamviewer.com" % T.centre["tv_router"], "port": 5938, "process": "TeamViewer_Service.exe"}))
    elif k == "D":
        L += [(0.3, {"remote": "qqpcmgr.qq.com", "port": 443, "process": "QQPCRTP.exe"}),
              (0.15, {"remote": "pinyin.sogou.com", "port": 443, "process": "SogouCloud.exe"})]
    else:
        L += [(1.0, {"remote": T.console_ip, "port": 4988, "process": "StudentMain.exe"}),
              (0.35, {"remote": "180.163.%d.%d" % (T.centre["q360"][0], T.centre["q360"][1]), "port": 80, "process": "360Tray.exe"})]
    if "wechat" in T.apps:
        L += [(0.9, {"remote": "szshort.weixin.qq.com", "port": 443, "process": "WeChat.exe"}),
              (0.6, {"remote": "szextshort.weixin.qq.com", "port": 443, "process": "WeChat.exe"})]
    if "qq" in T.apps:
        L += [(0.9, {"remote": "msfwifi.3g.qq.com", "port": 8080, "process": "QQ.exe"})]
    if "dingtalk" in T.apps:
        L += [(0.9, {"remote": "im-bdc.dingtalk.com", "port": 443, "process": "DingTalk.exe"})]
    return L


# ---------------------------------------------------------------- sessions
class Sess:
    pass


class Builder:
    """collects what happens in one session, in true (server) time"""

    def __init__(self, S, rng):
        self.S = S
        self.rng = rng
        self.answers = []   # (t, qid, choice)
        self.local = []     # (t, keys, pointer)
        self.cur = {}
        self.procs = []     # (t0, t1, proc)
        self.conns = []     # (t0, t1, prob, conn)
        self.devs = []      # (t, action, dev)
        self.disps = []     # (t, displays, mirrored, res)
        self.stalls = []    # (t0, t1) input hook not counting
        self.gaps = []      # (t0, t1) agent not reporting at all
        self.outages = []   # (t0, t1) network down, events buffered
        self.extra_start = []  # (t, terminal) additional session_start (restart / swap)
        self.end = None
        self.end_event = True
        self.present_extra = []  # devices present at start beyond the terminal's own
        self.disp_start = None   # override (displays, mirrored, res) at start
        self.notes = []

    # -- input primitives
    def loc(self, t, k, p):
        if k or p:
            self.local.append((t, k, p))

    def click(self, t, lo=4, hi=40):
        r = self.rng
        self.loc(t - r.uniform(0.15, 0.9), 0, r.randint(lo, hi))
        self.loc(t, 0, 2)

    def act(self, t, src, what):
        r = self.rng
        if src in ("mouse", "kvm", "wireless_human", "dictate"):
            if what == "card":
                self.click(t, 8, 60)
            else:
                self.click(t)
        elif src == "kbd":
            self.loc(t, 1 if what != "card" else r.randint(2, 4), 0)
        elif src == "hid_kbd":
            self.loc(t, 1 if what != "card" else 2, 0)
        elif src == "hid_abs":
            self.loc(t, 0, 3)
        # "remote": injected input is not counted as local

    def fidget(self, a, b, rate, lo=2, hi=35):
        if b <= a or rate <= 0:
            return
        n = poisson(self.rng, rate * (b - a) / 60.0)
        for _ in range(n):
            self.loc(self.rng.uniform(a, b), 0, self.rng.randint(lo, hi))

    def answer(self, t, q, c):
        self.answers.append((t, q["id"], c))
        self.cur[q["id"]] = c


def own_beliefs(rng, exam, ability, studied, notes=None):
    B = {}
    for q in exam.questions:
        p = sigmoid(ability - q["diff"])
        if q["id"] in exam.errata and studied and rng.random() < 0.8:
            B[q["id"]] = (exam.errata[q["id"]], rng.uniform(0.7, 0.95))
            continue
        if notes and q["id"] in notes and rng.random() < 0.85:
            B[q["id"]] = (notes[q["id"]], rng.uniform(0.6, 0.9))
            continue
        if rng.random() < p:
            B[q["id"]] = (q["key"], min(0.99, p * rng.uniform(0.75, 1.08)))
        else:
            B[q["id"]] = (wrong_choice(rng, q), p * rng.uniform(0.25, 0.85))
    return B


def think_time(rng, q, speed, conf):
    base = 9.5 if q["tf"] else 15.0
    return max(1.2, base * speed * q["len"] * math.exp(rng.gauss(0, 0.38)) * (0.75 + 0.7 * (1.0 - conf)))


def run_pass(B, qs, t, deadline, P):
    """answer qs in order.  P keys: choose(q)->choice|None, think(q)->s, src,
    autoadv, fidget, panic_at, change_p, pause_p, pause, nav(bool), skip_p"""
    rng = B.rng
    skipped = []
    for i, q in enumerate(qs):
        panic = P.get("panic_at") is not None and t >= P["panic_at"]
        if panic:
            dtm = rng.uniform(0.7, 3.2)
            c = random_choice(rng, q) if rng.random() < 0.8 else B.cur.get(q["id"]) or random_choice(rng, q)
        else:
            dtm = P["think"](q)
            c = P["choose"](q)
            if P.get("pause_p") and rng.random() < P["pause_p"]:
                dtm += rng.uniform(*P.get("pause", (60, 300)))
        if P.get("fidget") and not panic:
            B.fidget(t, t + dtm, P["fidget"])
        if t + dtm >= deadline:
            skipped.extend(qs[i:])
            return deadline, skipped
        t += dtm
        if c is None:
            B.act(t, P["src"], "nav")
            skipped.append(q)
            t += rng.uniform(0.2, 0.8)
            continue
        if P.get("card"):
            B.act(t - rng.uniform(0.6, 1.5), P["src"], "card")
        B.answer(t, q, c)
        B.act(t, P["src"], "answer")
        if P.get("change_p") and rng.random() < P["change_p"] and not panic:
            t += rng.uniform(0.8, 7.0)
            c2 = wrong_choice(rng, q, avoid=c) if c == q["key"] else (q["key"] if rng.random() < 0.5 else wrong_choice(rng, q, avoid=c))
            if c2 != c:
                B.answer(t, q, c2)
                B.act(t, P["src"], "answer")
        if P.get("nav", True) and not (P.get("autoadv") and q["tf"]):
            t += rng.uniform(0.3, 1.6) if not panic else rng.uniform(0.2, 0.6)
            B.act(t, P["src"], "nav")
    return t, skipped


# ---------------------------------------------------------- honest people
ARCHETYPES = [
    (50, "typical"), (13, "memoriser"), (9, "reviewer"), (8, "two_pass"), (8, "slow_older"),
    (3, "struggler"), (3, "keyboard"), (4, "idler"), (2, "late_arrival"),
]


def honest_like_answering(B, S, t, deadline, arche=None, ability=None, notes=None, min_submit_abs=None, force_local_submit=True):
    """full honest behaviour from t (after instructions) until submission.
    returns submit/end time and a short description"""
    rng = B.rng
    ex = S.exam
    arche = arche or wpick(rng, ARCHETYPES)
    studied = rng.random() < (0.9 if arche == "memoriser" else 0.7)
    if ability is None:
        ability = rng.gauss(1.05, 0.8)
    speed = lognorm(rng, 1.0, 0.3)
    fid = lognorm(rng, 1.0, 0.8)
    src = "mouse"
    P = {"src": src, "autoadv": ex.autoadv, "fidget": fid}
    change_p = rng.uniform(0.0, 0.03)
    review = rng.random() < 0.25
    skip_thr = 0.0
    pause_p = 0.004
    panic_margin = None
    if arche == "memoriser":
        ability += rng.uniform(1.0, 2.0)
        speed = rng.uniform(0.3, 0.55)
        review = rng.random() < 0.3
    elif arche == "reviewer":
        review = True
        change_p = rng.uniform(0.02, 0.06)
    elif arche == "two_pass":
        skip_thr = rng.uniform(0.5, 0.7)
    elif arche == "slow_older":
        ability -= rng.uniform(0.2, 0.8)
        speed = rng.uniform(1.6, 2.8)
        fid *= 0.5
    elif arche == "struggler":
        ability -= rng.uniform(0.5, 1.2)
        speed = rng.uniform(4.0, 6.0)
        panic_margin = rng.uniform(180, 600)
        pause_p = 0.02
    elif arche == "keyboard":
        src = "kbd"
        P["src"] = "kbd"
        fid *= 0.15
    elif arche == "idler":
        pause_p = rng.uniform(0.03, 0.07)
    elif arche == "late_arrival":
        pass
    if S.kind_hint_cohort:
        ability += 0.2
    beliefs = own_beliefs(rng, ex, ability, studied, notes)
    P["think"] = lambda q: think_time(rng, q, speed, beliefs[q["id"]][1])
    P["pause_p"] = pause_p
    P["pause"] = (45, 420)
    P["change_p"] = change_p
    if panic_margin:
        P["panic_at"] = deadline - panic_margin

    def choose(q):
        c, conf = beliefs[q["id"]]
        if skip_thr and conf < skip_thr:
            return None
        return c

    P["choose"] = choose
    order = S.order
    t, skipped = run_pass(B, order, t, deadline, P)
    if skipped and t < deadline - 5:
        P2 = dict(P)
        P2["choose"] = lambda q: beliefs[q["id"]][0]
        P2["card"] = True
        P2["think"] = lambda q: think_time(rng, q, speed * 1.2, beliefs[q["id"]][1])
        t, skipped = run_pass(B, skipped, t + rng.uniform(1, 5), deadline, P2)
    if review and t < deadline - 60:
        # go through the paper again, change a few
        for q in order:
            if t >= deadline - 20:
                break
            dtm = rng.uniform(1.2, 5.5) * (1.4 if not q["tf"] else 1.0) * min(speed, 1.8)
            B.fidget(t, t + dtm, fid)
            t += dtm
            B.act(t, src, "nav")
            c, conf = beliefs[q["id"]]
            if q["id"] in B.cur and rng.random() < 0.10 * (1.0 - conf) + 0.004:
                if B.cur[q["id"]] != q["key"]:
                    c2 = q["key"] if rng.random() < 0.5 else wrong_choice(rng, q, avoid=B.cur[q["id"]])
                else:
                    c2 = wrong_choice(rng, q)
                if c2 != B.cur[q["id"]]:
                    t += rng.uniform(2, 12)
                    B.answer(t, q, c2)
                    B.act(t, src, "answer")
    desc = arche
    # fill in anything still empty when there is time (guess quickly)
    empty = [q for q in order if q["id"] not in B.cur]
    if empty and t < deadline - 10:
        P3 = dict(P)
        P3["choose"] = lambda q: beliefs[q["id"]][0] if rng.random() < 0.5 else random_choice(rng, q)
        P3["think"] = lambda q: rng.uniform(1.5, 6)
        P3["card"] = True
        P3.pop("panic_at", None)
        t, _ = run_pass(B, empty, t, deadline, P3)
    if t >= deadline - 0.5:
        return deadline, desc + ", ran out of time (auto-submitted)", False
    # wait before submitting
    if rng.random() < 0.12:
        w = rng.uniform(90, 1200)
        B.fidget(t, t + w, fid * 0.3)
        t += w
        desc += ", sat idle before submitting"
    if min_submit_abs and t < min_submit_abs:
        w = min_submit_abs - t + rng.uniform(3, 150)
        B.fidget(t, t + w, fid * 0.4)
        t += w
        desc += ", waited for the 30-minute submit rule"
    t += rng.uniform(2, 40)
    if t >= deadline:
        return deadline, desc + ", auto-submitted", False
    B.act(t, src, "nav")
    t += rng.uniform(1, 4)
    B.act(t, src, "nav")
    return t, desc, True


# ---------------------------------------------------------------- the world
class World:
    def __init__(self, seed, n):
        self.rng = random.Random(seed)
        self.n = n
        self.seen_ids = set()

    def newid(self, rng, n=16):
        while True:
            x = hexid(rng, n)
            if x not in self.seen_ids:
                self.seen_ids.add(x)
                return x


def allocate(n, weights):
    tot = sum(weights)
    raw = [n * w / tot for w in weights]
    out = [int(x) for x in raw]
    rem = n - sum(out)
    fr = sorted(range(len(raw)), key=lambda i: -(raw[i] - out[i]))
    for i in fr[:rem]:
        out[i] += 1
    return out


def partition(rng, total, lo, hi):
    while True:
        parts = []
        left = total
        while left > 0:
            if left <= hi and left >= lo and rng.random() < 0.5:
                parts.append(left)
                left = 0
                break
            s = rng.randint(lo, hi)
            if left - s < lo and left - s != 0:
                continue
            parts.append(s)
            left -= s
        if all(lo <= p <= hi for p in parts) and sum(parts) == total:
            return parts
        if total < lo:
            return [total]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=303)
    ap.add_argument("--candidates", type=int, default=500)
    ap.add_argument("--out", default="set-c")
    a = ap.parse_args()
    W = World(a.seed, a.candidates)
    rng = W.rng
    N = a.candidates

    centres = build_centres(rng)
    for c in centres:
        c["sl_ip"] = cloud_ip(rng, "ali")
        c["td_ip"] = cloud_ip(rng, "ali")
        c["tv_router"] = rng.randint(1, 16)
        c["q360"] = (rng.randint(150, 160), rng.randint(1, 254))
        c["it_ip"] = {"A": "10.21.0.8", "B": "192.168.1.5", "C": "172.16.8.2", "D": "10.80.0.31", "E": "192.168.0.3"}[c["key"]]
    # the county site: a few very wrong clocks
    E = centres[4]
    special = rng.sample(E["terminals"], 1)
    special[0].clock = Clock(-(86400 + 3 * 3600 + rng.uniform(0, 600)), rng.gauss(0, 30))
    B_ = centres[1]
    for T in rng.sample(B_["terminals"], 2):
        T.clock = Clock(28800 + rng.gauss(0, 20), rng.gauss(0, 20))

    exams = []
    counts = allocate(N, [d[6] for d in EXAM_DEFS])
    for d, cnt in zip(EXAM_DEFS, counts):
        ex = Exam(rng, d[0], d[1], d[2], d[3], d[4], d[5])
        ex.count = cnt
        exams.append(ex)

    # ------------------------------------------------ seat the candidates
    slots = []
    for ex in exams:
        if not slots or slots[-1][0] != ex.start:
            slots.append((ex.start, []))
        slots[-1][1].append(ex)
    sessions = []
    all_terms = [T for c in centres for T in c["terminals"]]
    for start, exs in slots:
        need = sum(e.count for e in exs)
        # centres open a subset of rooms; cohorts from training schools sit together
        terms = all_terms[:]
        rng.shuffle(terms)
        # choose seats room-contiguously: pick rooms at random and fill seats in order with gaps
        rooms = []
        for c in centres:
            for rt in c["rooms_t"]:
                rooms.append(rt)
        rng.shuffle(rooms)
        chosen = []
        for rt in rooms:
            if len(chosen) >= need:
                break
            fill = rng.uniform(0.55, 0.95)
            for T in rt:
                if len(chosen) >= need:
                    break
                if rng.random() < fill:
                    chosen.append(T)
        if len(chosen) < need:
            rest = [T for T in all_terms if T not in chosen]
            chosen += rest[:need - len(chosen)]
        # assign exams: mostly by blocks (registration order) but mixed rooms
        cand_exams = []
        for e in exs:
            cand_exams += [e] * e.count
        # cohorts: training schools register together => consecutive seats
        blocks = []
        i = 0
        pool = cand_exams[:]
        rng.shuffle(pool)
        # group same exams into runs of random length so rooms mix exams
        pool.sort(key=lambda e: exs.index(e))
        runs = []
        j = 0
        while j < len(pool):
            L = rng.randint(3, 14)
            runs.append(pool[j:j + L])
            j += L
        rng.shuffle(runs)
        flat = [e for r in runs for e in r]
        for T, e in zip(chosen, flat):
            S = Sess()
            S.exam = e
            S.term = T
            S.slot = start
            S.kind = "honest"
            S.kind_hint_cohort = False
            S.cohort = None
            sessions.append(S)
    rng.shuffle(sessions)

    # training-school cohorts: neighbours in one room on the same exam share notes
    cohorts = []
    by_room = {}
    for S in sessions:
        by_room.setdefault((S.slot, S.term.centre["key"], S.term.room, S.exam.name), []).append(S)
    keys = sorted(by_room.keys())
    for k in keys:
        grp = sorted(by_room[k], key=lambda s: s.term.seat)
        if len(grp) >= 6 and rng.random() < 0.35:
            st = rng.randint(0, len(grp) - 5)
            size = rng.randint(5, min(10, len(grp) - st))
            members = grp[st:st + size]
            ex = members[0].exam
            notes = {}
            for q in rng.sample(ex.questions, rng.randint(2, 3)):
                notes[q["id"]] = wrong_choice(rng, q)
            for m in members:
                m.cohort = (len(cohorts), notes)
                m.kind_hint_cohort = True
            cohorts.append(members)

    # ------------------------------------------------ choose the cheaters
    per = int(round(N * 0.05))
    free = sessions[:]
    taken = set()

    def take(S, kind):
        S.kind = kind
        taken.add(id(S))

    # operator groups: same slot, several rooms
    op_groups = []
    mech_bag = ["remote_kit", "centre_tool", "classroom_insider", "kvm_switch"]
    rng.shuffle(mech_bag)
    for size in partition(rng, per, 3, 6):
        first = mech_bag.pop() if mech_bag else None
        for _try in range(500):
            mech = first if (first and _try < 200) else wpick(rng, [(3, "remote_kit"), (2, "centre_tool"), (2, "classroom_insider"), (1, "kvm_switch")])
            slot = rng.choice(slots)[0]
            cands = [S for S in sessions if S.slot == slot and id(S) not in taken]
            if mech in ("centre_tool", "classroom_insider", "kvm_switch"):
                ck = {"centre_tool": rng.choice(["B", "C", "D", "E"]), "classroom_insider": rng.choice(["A", "E"]), "kvm_switch": "C"}[mech]
                cands = [S for S in cands if S.term.centre["key"] == ck]
                if mech == "kvm_switch":
                    cands = [S for S in cands if S.term.rtype == "kvmx" or rng.random() < 0.5]
            if len(cands) < size:
                continue
            # prefer the same exam
            ex = rng.choice(cands).exam
            same = [S for S in cands if S.exam is ex]
            pool = same if len(same) >= size else cands
            members = rng.sample(pool, size)
            rooms = len(set((m.term.centre["key"], m.term.room) for m in members))
            if rooms < 2 and size >= 3 and _try < 400:
                continue
            if len(set(m.exam.name for m in members)) > 1 and _try < 300:
                continue
            for m in members:
                take(m, "operator")
            op_groups.append((mech, members))
            break
    # leak groups: same exam, different rooms
    leak_groups = []
    for size in partition(rng, per, 4, 8):
        for _try in range(500):
            ex = rng.choice(exams)
            cands = [S for S in sessions if S.exam is ex and id(S) not in taken]
            if len(cands) < size * 2:
                continue
            members = []
            used_rooms = set()
            rng.shuffle(cands)
            for S in cands:
                rk = (S.term.centre["key"], S.term.room)
                if rk in used_rooms:
                    continue
                members.append(S)
                used_rooms.add(rk)
                if len(members) == size:
                    break
            if len(members) < size:
                # allow a second member in a room when there are too few rooms
                for S in cands:
                    if S not in members:
                        members.append(S)
                    if len(members) == size:
                        break
            for m in members:
                take(m, "leak")
            leak_groups.append((ex, members))
            break
    rest = [S for S in sessions if id(S) not in taken]
    sw = rng.sample(rest, per)
    for S in sw:
        take(S, "software")
    rest = [S for S in sessions if id(S) not in taken]
    hw = rng.sample(rest, per)
    for S in hw:
        take(S, "hardware")

    # a few badly synchronised terminals get corrected by NTP in the middle of a session
    poor = [S for S in sessions if S.term.centre["ntp"] in ("bad", "poor") and abs(S.term.clock.offset) < 3600]
    for S in rng.sample(poor, min(len(poor), max(1, int(round(4 * N / 500.0))))):
        ck = S.term.clock
        ck.offset = rng.choice([-1, 1]) * rng.uniform(60, 420)
        ck.step_at = S.slot + rng.uniform(900, 2400)
        ck.step_to = rng.gauss(0, 0.8)

    # identities
    for S in sessions:
        S.sid = "s-" + W.newid(rng, 12)
        S.cand = "p" + W.newid(rng, 10)
        S.order = S.exam.order_for(rng)
        S.rng = random.Random(rng.getrandbits(64))
        S.B = Builder(S, S.rng)
        S.note = ""
        # login time
        r = S.rng
        x = r.random()
        if x < 0.04:
            S.t0 = S.slot + r.uniform(600, 1500)
            S.late = True
        else:
            S.t0 = S.slot + r.uniform(-240, 420) if r.random() < 0.8 else S.slot + r.uniform(-600, 300)
            S.late = False
        S.deadline = S.t0 + 7200.0
        S.min_submit = S.t0 + S.term.centre["min_submit"] if S.term.centre["min_submit"] else None

    # ------------------------------------------------ simulate behaviour
    for S in sessions:
        if S.kind == "honest":
            sim_honest(W, S)
    sim_operators(W, op_groups)
    sim_leaks(W, leak_groups)
    variants = sw_variants_plan(rng, sw)
    for S, v in zip(sw, variants):
        sim_software(W, S, v)
    hvars = hw_variants_plan(rng, hw)
    for S, v in zip(hw, hvars):
        sim_hardware(W, S, v)
    # terminals with leftovers from gangs: idle but running on later honest sessions
    for S in sessions:
        for (t_from, procs, conns, what) in S.term.persistent:
            if S.kind == "honest" and S.t0 > t_from and S.B.end is not None:
                for p in procs:
                    S.B.procs.append((S.t0 - 3600, S.B.end + 3600, p))
                for cn in conns:
                    S.B.conns.append((S.t0 - 3600, S.B.end + 3600, 0.9, cn))
                S.note += "; " + what

    # environment incidents for everyone (keeps them non-indicative)
    incidents(W, sessions)

    # clock peculiarities worth knowing when reading the labels
    for S in sessions:
        ck = S.term.clock
        if abs(ck.offset) > 60 or ck.step_at is not None:
            if ck.step_at is None or S.t0 - 600 <= ck.step_at <= S.B.end:
                S.note += "; terminal clock %s" % ck.desc()
            elif ck.step_at > S.B.end:
                S.note += "; terminal clock offset %+.1fs" % ck.offset
    # ------------------------------------------------ emit
    out = []
    seq = [0]

    def push(recv, line):
        seq[0] += 1
        out.append((recv, seq[0], line))

    for ex in exams:
        rec = {"v": 1, "id": W.newid(rng, 16), "at": iso(ex.start - 3600 + rng.uniform(-300, 300)), "kind": "exam"}
        rec.update(ex.record())
        push(ex.start - 3600 + rng.uniform(-300, 300), json.dumps(rec, ensure_ascii=False, separators=(",", ":")))
        # its sessions start much later (at least slot - 10 min)
    for S in sessions:
        emit_session(W, S, push)

    out.sort(key=lambda x: (x[0], x[1]))
    os.makedirs(a.out, exist_ok=True)
    raw = ("\n".join(l for _, _, l in out) + "\n").encode("utf-8")
    with open(os.path.join(a.out, "events.jsonl.gz"), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            g.write(raw)
    truth = sorted(sessions, key=lambda s: s.sid)
    with open(os.path.join(a.out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for S in truth:
            f.write(json.dumps({"session": S.sid, "kind": S.kind, "note": S.note.strip("; ")}, ensure_ascii=False) + "\n")
    kinds = {}
    for S in sessions:
        kinds[S.kind] = kinds.get(S.kind, 0) + 1
    print("events:", len(out), "sessions:", len(sessions), "kinds:", dict(sorted(kinds.items())),
          "raw MB: %.1f" % (len(raw) / 1e6))


# ------------------------------------------------------------- honest sims
def start_instructions(B, S, src="mouse"):
    """identity confirmation + reading the rules, then clicking 开始答题"""
    r = B.rng
    t = S.t0 + r.uniform(2, 8)
    B.act(t, src if src != "kbd" else "mouse", "nav")  # confirm identity photo
    w = r.uniform(15, 150)
    B.fidget(t, t + w, 1.2)
    t += w
    B.act(t, src if src != "kbd" else "mouse", "nav")
    return t + r.uniform(1, 4)


def sim_honest(W, S):
    B = S.B
    r = B.rng
    t = start_instructions(B, S)
    arche = "late_arrival" if S.late else None
    notes = S.cohort[1] if S.cohort else None
    end, desc, local_submit = honest_like_answering(B, S, t, S.deadline, arche=arche, notes=notes, min_submit_abs=S.min_submit)
    B.end = end + r.uniform(0.4, 2.5)
    S.note = "honest: " + desc
    if S.cohort:
        S.note += "; training-school cohort %d seated together, shares the school's notes" % S.cohort[0]


# ------------------------------------------------------------ leak groups
def sim_leaks(W, groups):
    for gi, (ex, members) in enumerate(groups):
        r = members[0].rng
        frac = r.uniform(0.38, 0.72)
        n = int(round(frac * len(ex.questions)))
        subset = sorted(r.sample(ex.questions, n), key=lambda q: q["id"])
        key = {q["id"]: q["key"] for q in subset}
        nm = r.randint(1, 4)
        wrongs = r.sample(subset, nm)
        for q in wrongs:
            key[q["id"]] = wrong_choice(r, q)
        source = r.choice(["photos of the paper passed out by an insider before the sitting",
                           "'guaranteed pass' answer list sold by a training agent the night before",
                           "answer sheet circulated in a WeChat group the morning of the exam",
                           "paper printed from the exam server by a centre employee"])
        for S in members:
            sim_leak_member(W, S, ex, subset, key, gi, source, [q["id"] for q in wrongs])


def sim_leak_member(W, S, ex, subset, key, gi, source, wrong_ids):
    B = S.B
    r = B.rng
    recall = r.uniform(0.82, 1.0)
    known = [q for q in subset if r.random() < recall]
    while len(known) < 30 + 1:
        extra = [q for q in subset if q not in known]
        if not extra:
            break
        known.append(r.choice(extra))
    kid = set(q["id"] for q in known)
    ability = r.gauss(0.5, 0.7)
    studied = r.random() < 0.4
    beliefs = own_beliefs(r, ex, ability, studied)
    for q in known:
        beliefs[q["id"]] = (key[q["id"]], 0.99)
    strat = wpick(r, [(3, "leaked_first"), (4, "in_order_fast"), (3, "camouflaged")])
    speed = lognorm(r, 1.15, 0.3)
    fid = lognorm(r, 1.0, 0.7)
    t = start_instructions(B, S)
    P = {"src": "mouse", "autoadv": ex.autoadv, "fidget": fid, "pause_p": 0.004, "pause": (40, 240),
         "change_p": r.uniform(0, 0.02)}
    P["choose"] = lambda q: beliefs[q["id"]][0]

    def think(q):
        if q["id"] in kid:
            if strat == "camouflaged":
                return think_time(r, q, speed, 0.85)
            return r.uniform(1.3, 4.5) if strat == "leaked_first" else r.uniform(1.8, 5.5)
        return think_time(r, q, speed, beliefs[q["id"]][1])
    P["think"] = think
    if strat == "leaked_first":
        first = [q for q in S.order if q["id"] in kid]
        second = [q for q in S.order if q["id"] not in kid]
        P1 = dict(P)
        P1["card"] = True
        P1["nav"] = False
        t, _ = run_pass(B, first, t, S.deadline, P1)
        t, _ = run_pass(B, second, t + r.uniform(2, 10), S.deadline, P)
    else:
        t, _ = run_pass(B, S.order, t, S.deadline, P)
    if S.min_submit and t < S.min_submit:
        w = S.min_submit - t + r.uniform(3, 200)
        B.fidget(t, t + w, fid * 0.4)
        t += w
    elif r.random() < 0.3:
        w = r.uniform(60, 900)
        B.fidget(t, t + w, fid * 0.4)
        t += w
    t += r.uniform(2, 30)
    t = min(t, S.deadline - 1)
    B.act(t, "mouse", "nav")
    t += r.uniform(1, 4)
    B.act(t, "mouse", "nav")
    B.end = t + r.uniform(0.4, 2.5)
    S.note = ("leak group %d: %s; knew %d of %d questions in advance (leak covers %d, with %d wrong keys: %s); strategy %s"
              % (gi, source, len(kid), len(ex.questions), len(subset), len(wrong_ids), ",".join(wrong_ids), strat))


# -------------------------------------------------------- operator groups
def sim_operators(W, groups):
    styles = ["sequential", "round_robin"] * ((len(groups) + 1) // 2)
    W.rng.shuffle(styles)
    for gi, (mech, members) in enumerate(groups):
        r = members[0].rng
        ex = members[0].exam
        # operator's knowledge: very good, a few fixed wrong beliefs
        opw = {}
        for q in r.sample(ex.questions, r.randint(1, 4)):
            opw[q["id"]] = wrong_choice(r, q)
        order_style = styles[gi % len(styles)]
        chunk = r.randint(10, 30)
        pace_tf = r.uniform(2.2, 4.5)
        pace_sc = r.uniform(3.5, 7.5)
        members = members[:]
        r.shuffle(members)
        peer = cloud_ip(r, "home")
        peer_port = r.randint(20000, 60000)
        relay = cloud_ip(r, "hk")
        kit_name = r.choice(["svchost.exe", "RuntimeBroker.exe", "dllhost.exe", "taskhostw.exe", "WmiPrvSE.exe"])
        kit_dir = r.choice(["C:\\Users\\Public\\Libraries\\", "C:\\ProgramData\\Microsoft\\Crypto\\", "C:\\Windows\\Temp\\wu\\",
                            "C:\\ProgramData\\Intel\\Logs\\"])
        kit_tool = r.choice(["ToDesk", "Sunlogin", "RustDesk"])
        kit_signer = {"ToDesk": TODESK, "Sunlogin": ORAY, "RustDesk": ""}[kit_tool] if r.random() < 0.6 else ""
        insider_ip = None
        # per-member state
        state = {}
        for m in members:
            mr = m.rng
            style = wpick(mr, [(3, "idle"), (3, "jiggle"), (2, "self_some"), (1, "pretend")])
            own = own_beliefs(mr, m.exam, mr.gauss(0.3, 0.7), mr.random() < 0.4)
            t = start_instructions(m.B, m)
            state[id(m)] = {"t_ready": t, "style": style, "own": own, "cursor": 0,
                            "deliberate": set(q["id"] for q in mr.sample(m.exam.questions, mr.randint(0, 6))),
                            "windows": []}
        t_op = max(state[id(m)]["t_ready"] for m in members) + r.uniform(60, 420)
        # members who answer a few themselves before the operator reaches them
        for m in members:
            st = state[id(m)]
            if st["style"] == "self_some":
                k = m.rng.randint(5, 25)
                P = {"src": "mouse", "autoadv": m.exam.autoadv, "fidget": 0.8,
                     "choose": (lambda own: (lambda q: own[q["id"]][0]))(st["own"]),
                     "think": (lambda mr, own: (lambda q: think_time(mr, q, 1.4, own[q["id"]][1])))(m.rng, st["own"])}
                st["t_self_end"], _ = run_pass(m.B, m.order[:k], st["t_ready"], m.deadline, P)
            else:
                st["t_self_end"] = st["t_ready"]

        def op_choice(m, q):
            st = state[id(m)]
            if q["id"] in st["deliberate"]:
                return wrong_choice(m.rng, q)
            if q["id"] in opw:
                return opw[q["id"]]
            if m.rng.random() < 0.012:
                return wrong_choice(m.rng, q)
            return q["key"]

        def src_for(m):
            return "kvm" if mech == "kvm_switch" else "remote"

        def work(m, qs, t):
            B = m.B
            st = state[id(m)]
            src = src_for(m)
            t_begin = t
            for q in qs:
                c = op_choice(m, q)
                if B.cur.get(q["id"]) == c:
                    t += m.rng.uniform(0.8, 2.0)
                    B.act(t, src, "nav")
                    continue
                dtm = (pace_tf if q["tf"] else pace_sc) * math.exp(m.rng.gauss(0, 0.3))
                if m.rng.random() < 0.02:
                    dtm += m.rng.uniform(8, 40)
                if src == "kvm":
                    B.fidget(t, t + dtm, 4.0)
                t += dtm
                if t >= m.deadline - 2:
                    break
                B.answer(t, q, c)
                B.act(t, src, "answer")
                if not (m.exam.autoadv and q["tf"]):
                    t += m.rng.uniform(0.3, 1.0)
                    B.act(t, src, "nav")
            st["windows"].append((t_begin, t))
            return t

        t = t_op
        if order_style == "sequential":
            for m in members:
                st = state[id(m)]
                t = max(t, st["t_self_end"]) + r.uniform(8, 60)
                t = work(m, m.order, t)
        else:
            cursors = {id(m): 0 for m in members}
            while any(cursors[id(m)] < len(m.order) for m in members):
                for m in members:
                    c0 = cursors[id(m)]
                    if c0 >= len(m.order):
                        continue
                    st = state[id(m)]
                    t = max(t, st["t_self_end"]) + r.uniform(4, 30)
                    t = work(m, m.order[c0:c0 + chunk], t)
                    cursors[id(m)] = c0 + chunk
        op_end = t
        # member behaviour, submission, technical traces
        for m in members:
            B = m.B
            st = state[id(m)]
            mr = m.rng
            wins = st["windows"]
            last = wins[-1][1]
            # candidate's own hands outside the operator's windows
            segs = []
            a = st["t_self_end"]
            for (w0, w1) in wins:
                segs.append((a, w0))
                a = w1
            if st["style"] == "jiggle":
                for (x, y) in segs:
                    B.fidget(x, y, mr.uniform(1.0, 3.0))
            elif st["style"] == "pretend":
                for (x, y) in segs:
                    tt = x
                    while tt < y:
                        tt += mr.uniform(15, 120)
                        if tt < y:
                            B.act(tt, "mouse", "nav")
                    B.fidget(x, y, 0.8)
            else:
                for (x, y) in segs:
                    B.fidget(x, y, mr.uniform(0.05, 0.4))
            submit_by = mr.choice(["operator", "candidate"])
            if submit_by == "operator":
                te = last + mr.uniform(2, 8)
                if m.min_submit and te < m.min_submit:
                    te = m.min_submit + mr.uniform(10, 300)
                    B.fidget(last, te, 0.3)
                B.act(te, src_for(m), "nav")
                te += mr.uniform(1, 3)
                B.act(te, src_for(m), "nav")
            else:
                te = last + mr.uniform(20, 600)
                if m.min_submit and te < m.min_submit:
                    te = m.min_submit + mr.uniform(10, 300)
                B.fidget(last, te, 0.6)
                B.act(te, "mouse", "nav")
                te += mr.uniform(1, 3)
                B.act(te, "mouse", "nav")
            te = min(te, m.deadline - 1)
            B.end = te + mr.uniform(0.4, 2.5)
            # traces
            ctl = [(w0 - mr.uniform(3, 25), w1 + mr.uniform(2, 30)) for (w0, w1) in wins]
            k = m.term.centre["key"]
            how = ""
            if mech == "remote_kit":
                p = (kit_name, kit_dir + kit_name, kit_signer)
                tp = m.t0 - 3600 if mr.random() < 0.5 else m.t0 + mr.uniform(20, 200)
                B.procs.append((tp, B.end + 3600, p))
                B.procs.append((tp + 1, B.end + 3600, p))
                hb_port = {"ToDesk": 443, "Sunlogin": 443, "RustDesk": 21116}[kit_tool]
                B.conns.append((tp + 5, B.end + 3600, 0.9, {"remote": relay, "port": hb_port, "process": kit_name}))
                for (c0, c1) in ctl:
                    if mr.random() < 0.6:
                        B.conns.append((c0, c1, 1.0, {"remote": peer, "port": peer_port, "process": kit_name}))
                    else:
                        B.conns.append((c0, c1, 1.0, {"remote": relay, "port": 21117 if kit_tool == "RustDesk" else 443, "process": kit_name}))
                how = "gang kit: %s renamed %s in %s (signer '%s'), %s" % (kit_tool, kit_name, kit_dir, kit_signer,
                                                                       "running before login" if tp < m.t0 else "started after login")
            elif mech == "centre_tool":
                if k == "B":
                    for (c0, c1) in ctl:
                        B.procs.append((c0 + 1, c1, P_SUNLOGIN[0]))
                        B.conns.append((c0, c1, 1.0, {"remote": peer, "port": peer_port, "process": "SunloginClient.exe"}))
                    how = "centre's own 向日葵 with leaked access code"
                elif k == "C":
                    for (c0, c1) in ctl:
                        B.procs.append((c0 + 1, c1, P_TODESK[1]))
                        B.conns.append((c0, c1, 1.0, {"remote": relay if mr.random() < 0.5 else peer, "port": 443, "process": "ToDesk.exe"}))
                    how = "centre's own ToDesk with leaked password"
                elif k == "D":
                    for (c0, c1) in ctl:
                        B.conns.append((c0, c1, 1.0, {"remote": peer, "port": mr.randint(40000, 65000), "process": "rserver3.exe"}))
                    how = "centre's Radmin reached through a port forward"
                else:
                    for (c0, c1) in ctl:
                        B.conns.append((c0, c1, 1.0, {"remote": relay, "port": 5500, "process": "winvnc.exe"}))
                    how = "centre's UltraVNC pushed out to a repeater"
            elif mech == "classroom_insider":
                if insider_ip is None:
                    insider_ip = "%s.%d" % (m.term.centre["net"], r.randint(100, 199)) if m.term.centre["net"].count(".") == 2 else "%s.0.%d" % (m.term.centre["net"], r.randint(100, 199))
                for (c0, c1) in ctl:
                    B.conns.append((c0, c1, 1.0, {"remote": insider_ip, "port": 4988, "process": "StudentMain.exe"}))
                how = "centre insider drives terminals from a teacher console (极域 remote control) at %s" % insider_ip
            else:
                kvm = dev("hid", "USB KVM Switch", "0557", "2419")
                B.present_extra.append(kvm)
                how = "insider wired the terminals to a USB KVM switch in the equipment room"
            B.op_mech = mech
            m.note = ("operator group %d (%d terminals, %s order): %s; member style %s; operator submitted: %s; %d answers by operator"
                      % (gi, len(members), order_style, how, st["style"], submit_by == "operator",
                         sum(1 for a in B.answers if any(w0 <= a[0] <= w1 + 0.01 for (w0, w1) in wins))))


# --------------------------------------------------------- software cheats
SW_VARIANTS = ["todesk_renamed", "sunlogin_portable", "anydesk_temp", "frp_vnc", "nps_rdp", "rustdesk_selfhost",
               "rat_ddns", "quickassist", "teamviewer_qs_usb", "uu_remote",
               "todesk_centre", "sunlogin_centre", "teamviewer_centre", "radmin_centre", "uvnc_centre",
               "qq_remote", "qq_share_dictate"]


def sw_ok(v, T):
    k = T.centre["key"]
    if v == "todesk_centre":
        return k == "C"
    if v == "sunlogin_centre":
        return k == "B"
    if v == "teamviewer_centre":
        return "teamviewer" in T.apps
    if v == "radmin_centre":
        return k == "D"
    if v == "uvnc_centre":
        return k == "E"
    if v in ("qq_remote", "qq_share_dictate"):
        return "qq" in T.apps
    if v == "quickassist":
        return not T.centre["win7"]
    return True


def sw_variants_plan(rng, sessions):
    out = []
    generic = SW_VARIANTS[:10]
    bag = []
    for S in sessions:
        opts = [v for v in SW_VARIANTS if sw_ok(v, S.term)]
        specific = [v for v in opts if v not in generic]
        if specific and rng.random() < 0.35:
            v = rng.choice(specific)
        else:
            if not bag:
                bag = generic[:]
                rng.shuffle(bag)
            v = bag.pop()
        out.append(v)
    return out


def helper_answering(B, S, qs, t, src, accuracy, pace, deliberate, fixes_only=False):
    r = B.rng
    for q in qs:
        if t >= S.deadline - 3:
            break
        if q["id"] in deliberate:
            c = wrong_choice(r, q)
        elif r.random() < accuracy:
            c = q["key"]
        else:
            c = wrong_choice(r, q)
        if B.cur.get(q["id"]) == c:
            t += r.uniform(0.8, 2.5) if fixes_only else r.uniform(1.5, 4)
            if not fixes_only:
                B.act(t, src, "nav")
            continue
        dtm = pace * (0.65 if q["tf"] else 1.3) * math.exp(r.gauss(0, 0.35))
        if r.random() < 0.04:
            dtm += r.uniform(10, 60)  # looks it up
        t += dtm
        if fixes_only:
            B.act(t - 0.5, src, "card")
        B.answer(t, q, c)
        B.act(t, src, "answer")
        if not (S.exam.autoadv and q["tf"]) and not fixes_only:
            t += r.uniform(0.3, 1.2)
            B.act(t, src, "nav")
    return t


def sim_software(W, S, v):
    B = S.B
    r = B.rng
    T = S.term
    k = T.centre["key"]
    user = r.choice(["kaosheng", "Administrator", "exam", "user", "ks01"])
    mode = wpick(r, [(4, "full_idle"), (4, "full_jiggle"), (3, "partial"), (2, "review_fix")])
    if v == "qq_share_dictate":
        mode = "view_dictate"
    elif v in ("sunlogin_portable", "todesk_renamed") and r.random() < 0.25:
        mode = "view_dictate"
    launch = wpick(r, [(3, "before_login"), (3, "after_login"), (1, "late")])
    if v == "teamviewer_qs_usb" and launch == "before_login":
        launch = "after_login"
    t = start_instructions(B, S)
    t_launch = {"before_login": S.t0 - r.uniform(60, 1800), "after_login": S.t0 + r.uniform(15, 240),
                "late": S.t0 + r.uniform(400, 1500)}[launch]
    if v in ("sunlogin_centre", "todesk_centre", "teamviewer_centre", "radmin_centre", "uvnc_centre", "qq_remote", "qq_share_dictate"):
        launch = "centre image"
        t_launch = S.t0 - 3600
    peer = cloud_ip(r, "home")
    vps = cloud_ip(r, r.choice(["hk", "ali", "tencent"]))
    helper_acc = r.uniform(0.9, 0.99)
    pace = r.uniform(4.0, 9.0)
    deliberate = set(q["id"] for q in r.sample(S.exam.questions, r.randint(0, 7)))
    # --------------------------------------------- candidate/helper timeline
    fid = lognorm(r, 1.0, 0.6)
    t_ctl0 = max(t, t_launch + r.uniform(20, 120))
    own = own_beliefs(r, S.exam, r.gauss(0.2, 0.8), r.random() < 0.4)
    desc = ""
    if mode in ("full_idle", "full_jiggle"):
        if t_ctl0 > t:
            # candidate pretends to read / answers a few while waiting for the helper
            B.fidget(t, t_ctl0, fid)
        t1 = helper_answering(B, S, S.order, t_ctl0 + r.uniform(2, 20), "remote", helper_acc, pace, deliberate)
        if mode == "full_jiggle":
            B.fidget(t_ctl0, t1, r.uniform(1.0, 3.5))
        else:
            B.fidget(t_ctl0, t1, r.uniform(0.0, 0.3))
        ctl = [(t_ctl0, t1 + r.uniform(3, 40))]
        t = t1
        desc = "helper answered the whole paper; candidate %s" % ("kept moving the mouse" if mode == "full_jiggle" else "sat still")
    elif mode == "partial":
        kq = r.randint(15, 60)
        P = {"src": "mouse", "autoadv": S.exam.autoadv, "fidget": fid, "choose": lambda q: own[q["id"]][0],
             "think": lambda q: think_time(r, q, 1.2, own[q["id"]][1])}
        t, _ = run_pass(B, S.order[:kq], t, S.deadline, P)
        t_ctl0 = max(t + r.uniform(5, 60), t_launch + 30)
        B.fidget(t, t_ctl0, fid * 0.5)
        t1 = helper_answering(B, S, S.order[kq:], t_ctl0 + r.uniform(2, 15), "remote", helper_acc, pace, deliberate)
        t1 = helper_answering(B, S, S.order[:kq], t1 + r.uniform(2, 10), "remote", helper_acc, pace, deliberate, fixes_only=True)
        B.fidget(t_ctl0, t1, r.uniform(0.0, 2.0))
        ctl = [(t_ctl0, t1 + r.uniform(3, 40))]
        t = t1
        desc = "candidate answered the first %d, helper did the rest and corrected earlier ones" % kq
    elif mode == "review_fix":
        P = {"src": "mouse", "autoadv": S.exam.autoadv, "fidget": fid, "choose": lambda q: own[q["id"]][0],
             "think": lambda q: think_time(r, q, lognorm(r, 1.1, 0.2), own[q["id"]][1])}
        t, _ = run_pass(B, S.order, t, S.deadline - 900, P)
        t_ctl0 = max(t + r.uniform(10, 120), t_launch + 30)
        B.fidget(t, t_ctl0, fid * 0.4)
        t1 = helper_answering(B, S, S.order, t_ctl0 + r.uniform(2, 15), "remote", helper_acc, pace, deliberate, fixes_only=True)
        B.fidget(t_ctl0, t1, r.uniform(0.0, 0.5))
        ctl = [(t_ctl0, t1 + r.uniform(3, 40))]
        t = t1
        desc = "candidate answered everything, then the helper connected and changed the wrong ones"
    else:  # view_dictate
        t_ctl0 = max(t, t_launch + r.uniform(10, 60))
        B.fidget(t, t_ctl0, fid)
        t1 = t_ctl0 + r.uniform(5, 20)
        for q in S.order:
            if t1 >= S.deadline - 5:
                break
            c = q["key"] if (r.random() < helper_acc and q["id"] not in deliberate) else wrong_choice(r, q)
            t1 += r.uniform(5, 14) * (0.8 if q["tf"] else 1.2)
            B.fidget(t1 - 4, t1, 0.8)
            B.answer(t1, q, c)
            B.act(t1, "dictate", "answer")
            if not (S.exam.autoadv and q["tf"]):
                t1 += r.uniform(0.4, 1.5)
                B.act(t1, "dictate", "nav")
        ctl = [(t_ctl0, t1 + r.uniform(3, 60))]
        t = t1
        desc = "helper watched the shared screen and dictated over a hidden earpiece; candidate clicked"
    # submit
    if S.min_submit and t < S.min_submit:
        w = S.min_submit - t + r.uniform(5, 200)
        B.fidget(t, t + w, fid * 0.4)
        t += w
    t += r.uniform(3, 90)
    t = min(t, S.deadline - 2)
    by_helper = mode in ("full_idle", "full_jiggle") and r.random() < 0.4
    src = "remote" if by_helper else "mouse"
    B.act(t, src, "nav")
    t += r.uniform(1, 3)
    B.act(t, src, "nav")
    B.end = t + r.uniform(0.4, 2.5)
    c0, c1 = ctl[0]
    c1 = max(c1, t + 1) if by_helper else c1
    end_proc = B.end + 3600 if r.random() < 0.6 else c1 + r.uniform(5, 120)
    # --------------------------------------------- technical traces
    tl = t_launch
    trace = ""
    if v == "todesk_renamed":
        nm = r.choice(["svchost.exe", "RuntimeBroker.exe", "SearchProtocolHost.exe", "dllhost.exe", "WUDFHost.exe", "audiodg.exe"])
        d = r.choice(["C:\\Users\\Public\\Libraries\\", "C:\\ProgramData\\Microsoft\\Network\\", "C:\\Windows\\Temp\\%s\\" % hexid(r, 6),
                      "C:\\Users\\%s\\AppData\\Roaming\\Microsoft\\" % user])
        sg = TODESK if r.random() < 0.6 else ""
        p = (nm, d + nm, sg)
        B.procs += [(tl, end_proc, p), (tl + 1, end_proc, p)]
        B.conns.append((tl + 3, end_proc, 0.9, {"remote": cloud_ip(r, "ali"), "port": 443, "process": nm}))
        B.conns.append((c0, c1, 1.0, {"remote": peer if r.random() < 0.6 else cloud_ip(r, "ali"), "port": r.choice([443, r.randint(30000, 60000)]), "process": nm}))
        trace = "ToDesk portable renamed %s at %s (signer '%s')" % (nm, d, sg)
    elif v == "sunlogin_portable":
        p = ("SunloginClient.exe", "C:\\Users\\%s\\Downloads\\SunloginClient_15.5.2.exe" % user, ORAY)
        if r.random() < 0.5:
            p = ("向日葵远程控制.exe", "C:\\Users\\%s\\Desktop\\向日葵远程控制.exe" % user, ORAY)
        B.procs += [(tl, end_proc, p), (tl + 2, end_proc, p), (c0, c1, p)]
        B.conns.append((tl + 3, end_proc, 0.9, {"remote": cloud_ip(r, "ali"), "port": 443, "process": p[0]}))
        B.conns.append((c0, c1, 1.0, {"remote": peer, "port": r.randint(10000, 60000), "process": p[0]}))
        trace = "portable 向日葵 (%s)" % p[1]
    elif v == "anydesk_temp":
        nm = r.choice(["AnyDesk.exe", "update.exe", "Setup.exe"])
        p = (nm, "C:\\Users\\%s\\AppData\\Local\\Temp\\%s" % (user, nm), r.choice(["AnyDesk Software GmbH", "philandro Software GmbH"]))
        B.procs += [(tl, end_proc, p), (tl + 1, end_proc, p)]
        B.conns.append((tl + 2, end_proc, 0.95, {"remote": "relay-%s.net.anydesk.com" % hexid(r, 8), "port": r.choice([443, 6568]), "process": nm}))
        trace = "AnyDesk run from the temp folder as %s" % nm
    elif v == "frp_vnc":
        n1 = r.choice(["WmiApSrv.exe", "wuauserv.exe", "SecurityHealthHost.exe"])
        n2 = r.choice(["spoolsv.exe", "winlogon.exe", "lsm.exe"])
        p1 = (n1, "C:\\ProgramData\\WindowsUpdate\\%s" % n1, "")
        p2 = (n2, "C:\\Windows\\Temp\\%s" % n2, r.choice(["", "GlavSoft LLC."]))
        B.procs += [(tl, end_proc, p1), (tl + 2, end_proc, p2)]
        B.conns.append((tl + 3, end_proc, 1.0, {"remote": vps, "port": 7000, "process": n1}))
        B.conns.append((c0, c1, 1.0, {"remote": "127.0.0.1", "port": 5900, "process": n1}))
        B.conns.append((c0, c1, 1.0, {"remote": "127.0.0.1", "port": r.randint(49152, 65000), "process": n2}))
        trace = "frp tunnel (%s) to a VPS plus a VNC server renamed %s in C:\\Windows\\Temp" % (n1, n2)
    elif v == "nps_rdp":
        n1 = r.choice(["ctfmon.exe", "conhost.exe", "dwm.exe"])
        p1 = (n1, "C:\\Users\\Public\\%s" % n1, "")
        B.procs.append((tl, end_proc, p1))
        B.procs.append((c0, c1, ("rdpclip.exe", S32 + "rdpclip.exe", MSW)))
        B.procs.append((c0, c1, ("RdpSa.exe", S32 + "RdpSa.exe", MSW)))
        B.conns.append((tl + 3, end_proc, 1.0, {"remote": vps, "port": 8024, "process": n1}))
        B.conns.append((c0, c1, 1.0, {"remote": "127.0.0.1", "port": 3389, "process": n1}))
        B.conns.append((c0, c1, 1.0, {"remote": "127.0.0.1", "port": r.randint(49152, 65000), "process": "svchost.exe"}))
        trace = "nps client renamed %s in C:\\Users\\Public tunnelling an RDP shadow session" % n1
    elif v == "rustdesk_selfhost":
        nm = r.choice(["AudioSrv.exe", "RtkAudioService.exe", "IntelAudioService.exe"])
        p = (nm, "C:\\Program Files\\Realtek\\Audio\\HDA\\%s" % nm, "")
        B.procs += [(tl, end_proc, p), (tl + 1, end_proc, p)]
        B.conns.append((tl + 3, end_proc, 0.95, {"remote": vps, "port": 21116, "process": nm}))
        B.conns.append((c0, c1, 1.0, {"remote": vps, "port": 21117, "process": nm}))
        trace = "self-hosted RustDesk disguised as %s" % nm
    elif v == "rat_ddns":
        nm = r.choice(["igfxTray.exe", "hkcmd.exe", "jusched.exe", "SoundMan.exe"])
        d = r.choice(["C:\\ProgramData\\Intel\\", "C:\\Windows\\Fonts\\", "C:\\Windows\\Help\\"])
        sg = r.choice(["", "", "Shenzhen Qianhai Xinyuan Technology Co., Ltd."])
        p = (nm, d + nm, sg)
        host = r.choice(["%s%d.f3322.net", "%s%d.vicp.net", "%s%d.gicp.net", "%s%d.3322.org"]) % (r.choice(["win", "sys", "kf", "vip", "ks"]), r.randint(10, 999))
        B.procs.append((tl, end_proc, p))
        B.conns.append((tl + 3, end_proc, 0.95, {"remote": host, "port": r.choice([8081, 9527, 2017, 6666]), "process": nm}))
        trace = "remote-access trojan %s at %s beaconing to %s" % (nm, d, host)
        if launch == "before_login" and r.random() < 0.7:
            T.persistent.append((S.t0, [p], [{"remote": host, "port": 8081, "process": nm}],
                                 "a remote-access trojan planted on this terminal earlier is still running but nobody uses it"))
            B.procs[-1] = (tl, B.end + 3600, p)
    elif v == "quickassist":
        p = ("QuickAssist.exe", "C:\\Program Files\\WindowsApps\\MicrosoftCorporationII.QuickAssist_2.0.32.0_x64__8wekyb3d8bbwe\\Microsoft.RemoteAssistance.QuickAssist\\QuickAssist.exe", MSC)
        wv = ("msedgewebview2.exe", "C:\\Program Files (x86)\\Microsoft\\EdgeWebView\\Application\\131.0.2903.86\\msedgewebview2.exe", MSC)
        B.procs += [(tl, end_proc, p), (tl + 1, end_proc, wv), (tl + 1, end_proc, wv), (tl + 1, end_proc, wv)]
        B.conns.append((tl + 3, end_proc, 0.8, {"remote": "remoteassistance.support.services.microsoft.com", "port": 443, "process": "QuickAssist.exe"}))
        B.conns.append((c0, c1, 1.0, {"remote": "rdprelayv3eastasiaprod-%d.support.services.microsoft.com" % r.randint(0, 9), "port": 443, "process": "QuickAssist.exe"}))
        trace = "Windows Quick Assist (Microsoft-signed)"
    elif v == "teamviewer_qs_usb":
        stick = r.choice(USBSTICKS)
        ta = max(S.t0 + 3, tl - r.uniform(5, 30))
        B.devs.append((ta, "attached", stick))
        B.devs.append((ta + r.uniform(20, 90), "removed", stick))
        p = ("TeamViewer.exe", "C:\\Users\\%s\\AppData\\Local\\Temp\\TeamViewer\\TeamViewer.exe" % user, TEAMV)
        B.procs += [(tl, end_proc, p), (c0, c1, ("tv_x64.exe", "C:\\Users\\%s\\AppData\\Local\\Temp\\TeamViewer\\tv_x64.exe" % user, TEAMV))]
        B.conns.append((tl + 3, end_proc, 0.9, {"remote": "router%d.teamviewer.com" % r.randint(1, 16), "port": 5938, "process": "TeamViewer.exe"}))
        B.conns.append((c0, c1, 1.0, {"remote": "server%d.teamviewer.com" % r.randint(10000, 99999), "port": 5938, "process": "TeamViewer.exe"}))
        trace = "TeamViewer QuickSupport started from a USB stick (%s)" % stick["name"]
    elif v == "uu_remote":
        nm = r.choice(["UURemote.exe", "uuremote_host.exe"])
        p = (nm, "C:\\Users\\%s\\AppData\\Local\\UURemote\\%s" % (user, nm), "NetEase (Hangzhou) Network Co., Ltd.")
        B.procs += [(tl, end_proc, p)]
        B.conns.append((tl + 3, end_proc, 0.9, {"remote": cloud_ip(r, "ali"), "port": 443, "process": nm}))
        B.conns.append((c0, c1, 1.0, {"remote": peer, "port": r.randint(10000, 60000), "process": nm}))
        trace = "网易UU远程 installed in the user profile"
    elif v == "todesk_centre":
        B.procs.append((c0 + 1, c1, P_TODESK[1]))
        B.conns.append((c0, c1, 1.0, {"remote": peer if r.random() < 0.5 else cloud_ip(r, "ali"), "port": 443 if r.random() < 0.5 else r.randint(20000, 60000), "process": "ToDesk.exe"}))
        trace = "the centre's own ToDesk, device code and password bought from a contractor"
    elif v == "sunlogin_centre":
        B.procs.append((c0 + 1, c1, P_SUNLOGIN[0]))
        B.conns.append((c0, c1, 1.0, {"remote": peer, "port": r.randint(10000, 60000), "process": "SunloginClient.exe"}))
        trace = "the centre's own 向日葵 with a leaked access code"
    elif v == "teamviewer_centre":
        B.procs.append((c0 + 1, c1, ("TeamViewer.exe", "C:\\Program Files\\TeamViewer\\TeamViewer.exe", TEAMV)))
        B.procs.append((c0 + 2, c1, ("tv_x64.exe", "C:\\Program Files\\TeamViewer\\tv_x64.exe", TEAMV)))
        B.conns.append((c0, c1, 1.0, {"remote": "server%d.teamviewer.com" % r.randint(10000, 99999), "port": 5938, "process": "TeamViewer_Service.exe"}))
        trace = "the TeamViewer host left on this terminal by the IT contractor"
    elif v == "radmin_centre":
        B.conns.append((c0, c1, 1.0, {"remote": peer, "port": r.randint(40000, 65000), "process": "rserver3.exe"}))
        trace = "the centre's Radmin server reached from outside through a port forward"
    elif v == "uvnc_centre":
        B.conns.append((c0, c1, 1.0, {"remote": vps, "port": 5500, "process": "winvnc.exe"}))
        trace = "the centre's UltraVNC server connected out to a repeater"
    elif v == "qq_remote":
        B.conns.append((c0, c1, 1.0, {"remote": peer, "port": r.randint(10000, 60000), "process": "QQ.exe"}))
        B.conns.append((c0, c1, 0.8, {"remote": "183.3.%d.%d" % (r.randint(0, 255), r.randint(1, 254)), "port": 8000, "process": "QQ.exe"}))
        trace = "QQ remote assistance from the QQ already running on the terminal"
    elif v == "qq_share_dictate":
        B.conns.append((c0, c1, 1.0, {"remote": "183.3.%d.%d" % (r.randint(0, 255), r.randint(1, 254)), "port": 8000, "process": "QQ.exe"}))
        trace = "QQ screen sharing from the QQ already running on the terminal"
    # a few remote tools also add a virtual display while in control
    if v in ("todesk_renamed", "sunlogin_portable", "rustdesk_selfhost") and r.random() < 0.3 and mode != "view_dictate":
        B.disps.append((c0 + 2, 2, False, T.res))
        B.disps.append((c1, T.displays, T.mirrored, T.res))
        trace += ", virtual display while connected"
    S.note = "software: %s; launched %s; %s" % (trace, launch, desc)


# --------------------------------------------------------- hardware cheats
HW_VARIANTS = ["ch9329_kbd", "arduino_kbd", "spoofed_kbd", "kvm_ip", "wireless_rx_human", "miracast_dictate",
               "splitter_dictate", "bt_hid", "ch9329_abs"]


def hw_variants_plan(rng, sessions):
    bag = []
    out = []
    for S in sessions:
        if not bag:
            bag = HW_VARIANTS[:]
            rng.shuffle(bag)
        out.append(bag.pop())
    return out


def sim_hardware(W, S, v):
    B = S.B
    r = B.rng
    T = S.term
    fid = lognorm(r, 1.0, 0.6)
    t = start_instructions(B, S)
    pre = r.random() < 0.35  # present before the session starts
    t_att = S.t0 - 60 if pre else t + r.uniform(20, 500)
    view = r.choice(["mirror2", "reschange", "edid_start", "camera"])
    if v in ("miracast_dictate",):
        view = "miracast"
    if v == "splitter_dictate":
        view = r.choice(["mirror2", "reschange", "edid_start"])
    devs = []
    src = "hid_kbd"
    helper = True
    if v == "ch9329_kbd":
        devs = [dev("hid", r.choice(["CH9329 Keyboard&Mouse", "USB Composite Device", "HID Keyboard Device"]), "1a86", "e129")]
    elif v == "ch9329_abs":
        devs = [dev("hid", r.choice(["CH9329 Keyboard&Mouse", "USB Input Device"]), "1a86", "e129")]
        src = "hid_abs"
    elif v == "arduino_kbd":
        devs = [r.choice([dev("hid", "Arduino Leonardo", "2341", "8036"), dev("hid", "USB Input Device", "1b4f", "9206"),
                          dev("hid", "Teensyduino Keyboard", "16c0", "0482")])]
    elif v == "spoofed_kbd":
        kb = [d for d in T.devices if d["class"] == "hid"][0]
        if not kb["vid"]:
            kb = D_GEN_KB
        devs = [dict(kb)]
    elif v == "kvm_ip":
        devs = [dev("hid", r.choice(["PiKVM Composite Device", "Multifunction Composite Gadget", "NanoKVM HID"]), "1d6b", "0104")]
        if r.random() < 0.6:
            devs.append(dev("storage", "PiKVM Mass Storage", "1d6b", "0104"))
        src = "hid_abs"
        if view == "camera":
            view = "edid_start"
    elif v == "wireless_rx_human":
        devs = [r.choice([dev("hid", "2.4G Wireless Receiver", "25a7", "fa61"), dev("hid", "USB Receiver", "046d", "c534"),
                          dev("hid", "Wireless Receiver", "1ea7", "0066")])]
        src = "wireless_human"
    elif v == "miracast_dictate":
        devs = [r.choice([dev("other", "802.11n USB Wireless LAN Card", "0bda", "8179"), dev("other", "TP-LINK Wireless USB Adapter", "2357", "0109")])]
        helper = False
    elif v == "splitter_dictate":
        devs = []
        helper = False
    elif v == "bt_hid":
        devs = [dev("other", "CSR8510 A10 Bluetooth Adapter", "0a12", "0001"), dev("hid", "Bluetooth Keyboard", "", "")]
    # device appearance
    for i, d in enumerate(devs):
        if pre:
            B.present_extra.append(d)
        else:
            B.devs.append((t_att + i * r.uniform(0.5, 20), "attached", d))
    if v == "spoofed_kbd" and not pre:
        pass
    # views
    vtrace = ""
    t_view = S.t0 - 60 if (pre or view == "edid_start") else t_att + r.uniform(-200, 30)
    t_view = max(t_view, S.t0 + 5) if not (pre or view == "edid_start") else t_view
    alt_res = r.choice([x for x in ["1920x1080", "1280x720", "1024x768", "1360x768", "1680x1050"] if x != T.res])
    if view == "mirror2":
        if t_view < S.t0:
            B.disp_start = (2, True, T.res if r.random() < 0.5 else alt_res)
        else:
            B.disps.append((t_view, 2, True, T.res if r.random() < 0.5 else alt_res))
        vtrace = "HDMI/VGA splitter on the second video output (duplicated display) to a wireless transmitter"
    elif view == "reschange":
        if t_view < S.t0:
            B.disp_start = (1, False, alt_res)
        else:
            B.disps.append((t_view, 1, False, alt_res))
        vtrace = "inline HDMI splitter with its own EDID (resolution changed to %s)" % alt_res
    elif view == "edid_start":
        B.disp_start = (1, False, alt_res)
        vtrace = "splitter fitted before the session (resolution %s)" % alt_res
    elif view == "miracast":
        tm = max(t_att + r.uniform(10, 60), S.t0 + 5)
        B.disps.append((tm, 2, True, r.choice(["1920x1080", T.res])))
        vtrace = "Miracast duplicate to a receiver outside through a USB Wi-Fi adapter"
    else:
        vtrace = "button camera in the candidate's clothing shows the screen (no display trace)"
    own = own_beliefs(r, S.exam, r.gauss(0.2, 0.8), r.random() < 0.4)
    acc = r.uniform(0.9, 0.99)
    pace = r.uniform(4.5, 10)
    deliberate = set(q["id"] for q in r.sample(S.exam.questions, r.randint(0, 7)))
    t_ready = max(t, (t_att if not pre else S.t0) + r.uniform(5, 90), (t_view if t_view > S.t0 else S.t0) + 5)
    style = r.choice(["idle", "jiggle"]) if helper else "clicks"
    if helper:
        B.fidget(t, t_ready, fid)
        if src == "wireless_human":
            t1 = t_ready
            for q in S.order:
                if t1 >= S.deadline - 5:
                    break
                c = q["key"] if (r.random() < acc and q["id"] not in deliberate) else wrong_choice(r, q)
                dtm = pace * (0.7 if q["tf"] else 1.3) * math.exp(r.gauss(0, 0.35))
                B.fidget(t1, t1 + dtm, 2.5)
                t1 += dtm
                B.answer(t1, q, c)
                B.act(t1, src, "answer")
                if not (S.exam.autoadv and q["tf"]):
                    t1 += r.uniform(0.3, 1.2)
                    B.act(t1, src, "nav")
        else:
            if src == "hid_kbd":
                pace *= r.uniform(0.8, 1.1)
            t1 = helper_answering(B, S, S.order, t_ready, src, acc, pace, deliberate)
        if style == "jiggle":
            B.fidget(t_ready, t1, r.uniform(0.8, 3.0))
        else:
            B.fidget(t_ready, t1, r.uniform(0.0, 0.3))
        desc = "helper answered through the device; candidate %s" % ("moved own mouse now and then" if style == "jiggle" else "sat still")
    else:
        B.fidget(t, t_ready, fid)
        t1 = t_ready
        for q in S.order:
            if t1 >= S.deadline - 5:
                break
            c = q["key"] if (r.random() < acc and q["id"] not in deliberate) else wrong_choice(r, q)
            t1 += r.uniform(5, 14) * (0.8 if q["tf"] else 1.2)
            B.fidget(t1 - 4, t1, 0.8)
            B.answer(t1, q, c)
            B.act(t1, "dictate", "answer")
            if not (S.exam.autoadv and q["tf"]):
                t1 += r.uniform(0.4, 1.5)
                B.act(t1, "dictate", "nav")
        desc = "helper watched the screen and dictated through a hidden earpiece; candidate clicked"
    t = t1
    if S.min_submit and t < S.min_submit:
        w = S.min_submit - t + r.uniform(5, 200)
        B.fidget(t, t + w, fid * 0.4)
        t += w
    t += r.uniform(3, 90)
    t = min(t, S.deadline - 2)
    by_helper = helper and r.random() < 0.4
    s2 = src if by_helper else "mouse"
    B.act(t, s2, "nav")
    t += r.uniform(1, 3)
    B.act(t, s2, "nav")
    B.end = t + r.uniform(0.4, 2.5)
    # many remove the device before leaving
    if devs and not pre and r.random() < 0.5:
        tr = min(t1 + r.uniform(10, 200), B.end - 1)
        for d in devs:
            B.devs.append((tr, "removed", d))
    S.note = "hardware: %s%s; %s; %s" % (v, " (" + ", ".join("%s %s:%s" % (d["name"], d["vid"], d["pid"]) for d in devs) + ")" if devs else "",
                                         ("present before login" if pre else "plugged in during the exam") if devs else "no USB device",
                                         vtrace + "; " + desc)


# ------------------------------------------------------------- incidents
def incidents(W, sessions):
    rng = W.rng
    hon = [S for S in sessions if S.kind == "honest"]
    allS = sessions[:]

    def pick(pool, n):
        return rng.sample(pool, min(n, len(pool)))

    n = len(sessions)

    def sc(x):
        return max(1, int(round(x * n / 500.0)))

    for S in pick(allS, sc(12)):  # mouse dies, invigilator brings a spare
        B = S.B
        r = B.rng
        t = r.uniform(S.t0 + 120, max(S.t0 + 130, B.end - 60))
        old = [d for d in S.term.devices if d["class"] == "hid" and ("Mouse" in d["name"] or "MOUSE" in d["name"] or "Receiver" in d["name"])]
        if not old:
            continue
        new = r.choice([m for m in SPARE_MICE if m["pid"] != old[0]["pid"]])
        B.devs.append((t, "removed", old[0]))
        B.devs.append((t + r.uniform(40, 240), "attached", new))
        _strip_input(B, t, t + 60)
        S.note += "; mouse failed and was replaced with a spare (%s)" % new["name"]
    for S in pick(allS, sc(10)):  # loose keyboard cable
        B = S.B
        r = B.rng
        kb = [d for d in S.term.devices if d["class"] == "hid" and d["vid"]][:1]
        if not kb:
            continue
        t = r.uniform(S.t0 + 60, max(S.t0 + 70, B.end - 30))
        for i in range(r.randint(1, 3)):
            B.devs.append((t, "removed", kb[0]))
            t += r.uniform(0.8, 6)
            B.devs.append((t, "attached", kb[0]))
            t += r.uniform(5, 200)
        S.note += "; keyboard cable loose (re-enumerated)"
    for S in pick(allS, sc(4)):  # USB hub brown-out: everything drops and comes back
        B = S.B
        r = B.rng
        t = r.uniform(S.t0 + 60, max(S.t0 + 70, B.end - 30))
        for d in S.term.devices:
            if d["vid"]:
                B.devs.append((t + r.uniform(0, 0.3), "removed", d))
        for d in S.term.devices:
            if d["vid"]:
                B.devs.append((t + r.uniform(1.5, 4), "attached", d))
        S.note += "; USB hub brown-out, all devices re-attached"
    for S in pick(hon, sc(3)):  # phone plugged in to charge
        B = S.B
        r = B.rng
        ph = r.choice(PHONES)
        t = r.uniform(S.t0 + 30, max(S.t0 + 40, B.end - 30))
        B.devs.append((t, "attached", ph))
        if r.random() < 0.6:
            B.devs.append((t + r.uniform(30, 400), "removed", ph))
        S.note += "; candidate plugged a phone in to charge (%s), invigilator took it" % ph["name"]
    for S in pick(hon, sc(5)):  # IT fixes the client remotely before the candidate starts
        B = S.B
        r = B.rng
        k = S.term.centre["key"]
        ip = S.term.centre["it_ip"]
        t0 = S.t0 + r.uniform(5, 30)
        t1 = t0 + r.uniform(90, 300)
        # nothing local happened while IT worked: the candidate's activity starts later
        _shift_after(B, t0, t1 - t0 + r.uniform(5, 30))
        if k == "B":
            B.procs.append((t0, t1, P_SUNLOGIN[0]))
            B.conns.append((t0, t1, 1.0, {"remote": cloud_ip(r, "home") if r.random() < 0.5 else ip, "port": r.randint(10000, 60000), "process": "SunloginClient.exe"}))
            what = "向日葵 (off-site IT)"
        elif k == "C":
            B.procs.append((t0, t1, P_TODESK[1]))
            B.conns.append((t0, t1, 1.0, {"remote": cloud_ip(r, "ali"), "port": 443, "process": "ToDesk.exe"}))
            what = "ToDesk (contracted IT)"
        elif k == "D":
            B.conns.append((t0, t1, 1.0, {"remote": ip, "port": r.randint(49152, 65000), "process": "rserver3.exe"}))
            what = "Radmin from the IT office"
        elif k == "E":
            B.conns.append((t0, t1, 1.0, {"remote": ip, "port": r.randint(49152, 65000), "process": "winvnc.exe"}))
            what = "UltraVNC from the IT desk"
        else:
            B.conns.append((t0, t1, 1.0, {"remote": ip, "port": 4988, "process": "StudentMain.exe"}))
            what = "极域 teacher console"
        S.note += "; IT fixed the exam client remotely at the start via %s" % what
    for S in pick(hon, sc(5)):  # client crash and restart on the same terminal
        B = S.B
        r = B.rng
        if not B.answers:
            continue
        t = r.uniform(S.t0 + 300, max(S.t0 + 310, B.end - 120))
        gap = r.uniform(40, 180)
        _shift_after(B, t, gap)
        B.procs.append((t + 1, t + gap + 600, ("WerFault.exe", S32 + "WerFault.exe", MSW)))
        B.extra_start.append((t + gap - r.uniform(5, 20), S.term))
        B.gaps.append((t, t + gap - 20))
        S.note += "; exam client crashed and restarted (second session_start)"
    for S in pick(hon, sc(4)):  # moved to a spare terminal
        B = S.B
        r = B.rng
        room = [T for T in S.term.centre["terminals"] if T.room == S.term.room and T is not S.term]
        used = set(id(x.term) for x in sessions if x.slot == S.slot)
        spare = [T for T in room if id(T) not in used]
        if not spare or not B.answers:
            continue
        T2 = r.choice(spare)
        t = r.uniform(S.t0 + 400, max(S.t0 + 410, B.end - 300))
        gap = r.uniform(120, 420)
        _shift_after(B, t, gap)
        B.extra_start.append((t + gap - r.uniform(10, 40), T2))
        B.gaps.append((t, t + gap - 40))
        used.add(id(T2))
        S.note += "; terminal froze, moved to spare seat %s (%s)" % (T2.seat, T2.id)
    for S in pick(hon, sc(4)):  # input hook stops counting for a while
        B = S.B
        r = B.rng
        t = r.uniform(S.t0 + 200, max(S.t0 + 210, B.end - 200))
        B.stalls.append((t, t + r.uniform(240, 900)))
        S.note += "; monitoring agent's input hook stopped counting for a while (elevated window), answers continued"
    for S in pick(allS, sc(6)):  # agent hangs, one long interval afterwards
        B = S.B
        r = B.rng
        t = r.uniform(S.t0 + 200, max(S.t0 + 210, B.end - 100))
        B.gaps.append((t, t + r.uniform(90, 400)))
        S.note += "; monitoring agent hung, reports missing for a while"
    for S in pick(allS, sc(18)):  # network outage: events buffered, delivered late
        B = S.B
        r = B.rng
        t = r.uniform(S.t0, max(S.t0 + 10, B.end))
        B.outages.append((t, t + r.uniform(60, 600)))
        S.note += "; network outage, events uploaded late"
    for S in pick(allS, sc(8)):  # monitor flicker / cable reseat
        B = S.B
        r = B.rng
        t = r.uniform(S.t0 + 60, max(S.t0 + 70, B.end - 30))
        B.disps.append((t, 0, False, ""))
        B.disps.append((t + r.uniform(1, 8), S.term.displays, S.term.mirrored, S.term.res))
        S.note += "; monitor cable reseated (display lost briefly)"
    for S in pick(hon, sc(2)):  # monitor swapped by invigilator
        B = S.B
        r = B.rng
        t = r.uniform(S.t0 + 60, max(S.t0 + 70, B.end - 60))
        nr = r.choice([x for x in ["1920x1080", "1366x768", "1440x900", "1600x900"] if x != S.term.res])
        B.disps.append((t, 0, False, ""))
        B.disps.append((t + r.uniform(30, 180), 1, False, nr))
        _shift_after(B, t, r.uniform(30, 180))
        S.note += "; monitor replaced by invigilator (now %s)" % nr
    for S in pick([x for x in hon if x.term.centre["key"] in ("A", "B", "E")], sc(3)):  # seat next to the projector
        S.B.disp_start = (2, True, "1024x768")
        S.note += "; seat terminal still wired to the room projector (duplicated display)"
    for S in pick(hon, sc(3)):  # IT tech plugs a stick to reinstall the client right at the start
        B = S.B
        r = B.rng
        st = r.choice(USBSTICKS)
        t = S.t0 + r.uniform(2, 20)
        B.devs.append((t, "attached", st))
        B.devs.append((t + r.uniform(40, 200), "removed", st))
        _shift_after(B, t, r.uniform(60, 200))
        S.note += "; technician used a USB stick to repair the client at the start"
    for S in pick(hon, sc(2)):  # terminal compromised for somebody else: hidden tool idles
        B = S.B
        r = B.rng
        if r.random() < 0.5:
            nm = r.choice(["igfxTray.exe", "hkcmd.exe", "jusched.exe"])
            p = (nm, r.choice(["C:\\ProgramData\\Intel\\", "C:\\Windows\\Help\\"]) + nm, "")
            host = "%s%d.f3322.net" % (r.choice(["win", "sys", "kf"]), r.randint(10, 999))
            cn = {"remote": host, "port": 8081, "process": nm}
            what = "remote-access trojan %s beaconing to %s" % (p[1], host)
        else:
            nm = r.choice(["svchost.exe", "RuntimeBroker.exe"])
            p = (nm, "C:\\Users\\Public\\Libraries\\" + nm, TODESK)
            cn = {"remote": cloud_ip(r, "ali"), "port": 443, "process": nm}
            what = "renamed ToDesk at %s" % p[1]
        B.procs.append((S.t0 - 3600, B.end + 3600, p))
        B.conns.append((S.t0 - 3600, B.end + 3600, 0.9, cn))
        S.note += "; terminal carries a gang's hidden %s from an earlier sitting, idle (nobody connected)" % what
    for S in pick(hon, sc(8)):  # invigilator helps a confused candidate
        B = S.B
        r = B.rng
        t = r.uniform(S.t0 + 30, max(S.t0 + 40, B.end - 30))
        B.fidget(t, t + 60, 6)
        S.note += "; invigilator showed how to navigate"
    # transient Windows processes for everyone
    for S in sessions:
        B = S.B
        r = B.rng
        for _ in range(poisson(r, 1.2)):
            p, dur = wpick(r, [(w, (p, d)) for (w, p, d) in TRANSIENT])
            t = r.uniform(S.t0 - 300, B.end)
            B.procs.append((t, t + dur * r.uniform(0.3, 2.5), p))


def _shift_after(B, t, gap):
    """delay everything the candidate does after t by gap seconds"""
    B.answers = [(a + gap if a >= t else a, q, c) for (a, q, c) in B.answers]
    B.local = [(a + gap if a >= t else a, k, p) for (a, k, p) in B.local]
    B.end += gap
    S = B.S
    if B.end > S.deadline + 3:
        # ran into the time limit: drop what could not happen any more
        B.answers = [x for x in B.answers if x[0] < S.deadline]
        B.local = [x for x in B.local if x[0] < S.deadline]
        B.end = S.deadline + B.rng.uniform(0.5, 3)
    B.procs = [(a + gap if a >= t else a, b + gap if b >= t else b, p) for (a, b, p) in B.procs]
    B.conns = [(a + gap if a >= t else a, b + gap if b >= t else b, pr, c) for (a, b, pr, c) in B.conns]
    B.devs = [(a + gap if a >= t else a, x, d) for (a, x, d) in B.devs]
    B.disps = [(a + gap if a >= t else a, x, y, z) for (a, x, y, z) in B.disps]


def _strip_input(B, a, b):
    B.local = [x for x in B.local if not (a <= x[0] <= b)]


# ------------------------------------------------------------------ output
def emit_session(W, S, push):
    B = S.B
    r = B.rng
    end = B.end
    segs = []
    starts = [(S.t0, S.term)] + sorted(B.extra_start, key=lambda x: x[0])
    for i, (t0, T) in enumerate(starts):
        t1 = starts[i + 1][0] if i + 1 < len(starts) else end
        segs.append((t0, t1, T))

    recs = []  # (t_true, T, payload)

    def term_at(t):
        for (a, b, T) in segs:
            if a <= t < b:
                return T
        return segs[-1][2] if t >= segs[-1][0] else segs[0][2]

    def in_gap(t):
        for (a, b) in B.gaps:
            if a <= t < b:
                return True
        return False

    for si, (t0, t1, T) in enumerate(segs):
        recs.append((t0, T, {"kind": "session_start", "candidate": S.cand, "exam": S.exam.name, "centre": T.centre["code"],
                             "room": T.room, "seat": T.seat, "terminal": T.id}))
        # devices present
        tt = t0 + r.uniform(0.2, 1.5)
        pres = list(T.devices) + (B.present_extra if si == 0 else [])
        if si > 0:
            # devices attached earlier on the old terminal do not follow
            pass
        for d in pres:
            recs.append((tt, T, dict({"kind": "device", "action": "present"}, **d)))
            tt += r.uniform(0.001, 0.05)
        ds = B.disp_start if (si == 0 and B.disp_start) else (T.displays, T.mirrored, T.res)
        recs.append((t0 + r.uniform(0.3, 2.0), T, {"kind": "display", "displays": ds[0], "mirrored": ds[1], "resolution": ds[2]}))
        # input reports
        c = T.centre
        per = c["inp"]
        times = [t0]
        x = t0 + r.uniform(1, per)
        while x < t1:
            times.append(x)
            x += per + r.gauss(0, 0.25) + (r.uniform(0.5, 4) if r.random() < 0.03 else 0)
        times.append(t1)
        loc = sorted(B.local)
        lt = [a for a, _, _ in loc]
        ck = [0]
        cp = [0]
        for _, k, p in loc:
            ck.append(ck[-1] + k)
            cp.append(cp[-1] + p)

        def cnt(a, b):
            i = bisect.bisect_right(lt, a)
            j = bisect.bisect_right(lt, b)
            return ck[j] - ck[i], cp[j] - cp[i]

        prev = t0
        for x in times[1:]:
            if in_gap(x) and x < t1:
                continue
            if x - prev < 0.3:
                continue
            k, p = cnt(prev, x)
            for (a, b) in B.stalls:
                if a <= x and b >= prev:
                    # counts inside the stall are lost
                    k2, p2 = cnt(max(a, prev), min(b, x))
                    k -= k2
                    p -= p2
            recs.append((x, T, {"kind": "input", "interval_ms": int(round((x - prev) * 1000)), "keys": k, "pointer": p}))
            prev = x
        # process + connection snapshots
        pp = c["proc"]
        x = t0 + r.uniform(3, 40)
        base_c = base_conns(T)
        tpos = r.random()
        while x < t1:
            if not in_gap(x):
                procs = list(T.base_procs)
                if x > t0 + 5:
                    procs += T.app_procs
                else:
                    procs += T.app_procs
                for (a, b, p) in B.procs:
                    if a <= x < b:
                        procs.append(p)
                recs.append((x, T, {"kind": "processes", "processes": [{"name": n, "path": pa, "signer": sg} for (n, pa, sg) in procs]}))
                cl = []
                for (prob, cn) in base_c:
                    if r.random() < prob:
                        cl.append(dict(cn))
                for (a, b, prob, cn) in B.conns:
                    if a <= x + 2 < b and r.random() < prob:
                        cl.append(dict(cn))
                recs.append((x + r.uniform(0.05, 2.0), T, {"kind": "connections", "connections": cl}))
            x += pp + r.uniform(-8, 8)
    for (t, q, ch) in B.answers:
        if t <= end:
            recs.append((t, term_at(t), {"kind": "answer", "question": q, "choice": ch}))
    for (t, action, d) in B.devs:
        if S.t0 <= t <= end:
            recs.append((t, term_at(t), dict({"kind": "device", "action": action}, **d)))
    for (t, n, m, res) in B.disps:
        if S.t0 <= t <= end:
            recs.append((t, term_at(t), {"kind": "display", "displays": n, "mirrored": m, "resolution": res}))
    if B.end_event:
        recs.append((end, segs[-1][2], {"kind": "session_end"}))
    recs.sort(key=lambda x: x[0])
    # network: latency, outages (buffered flush), resends
    for (t, T, pl) in recs:
        ev = {"v": 1, "id": W.newid(r, 16), "at": iso(T.clock.at(t)), "kind": pl["kind"], "session": S.sid}
        for k2, v2 in pl.items():
            if k2 != "kind":
                ev[k2] = v2
        line = json.dumps(ev, ensure_ascii=False, separators=(",", ":"))
        recv = t + r.uniform(0.03, 0.6) + (r.uniform(0.5, 6) if pl["kind"] in ("processes", "connections") else 0)
        flushed = False
        for (a, b) in B.outages:
            if a <= t < b:
                recv = b + r.uniform(0.5, 3) + (t - a) * 0.0005
                flushed = True
                if r.random() < 0.25:
                    push(recv + r.uniform(8, 40), line)  # the whole backlog is sent twice
        push(recv, line)
        if not flushed and r.random() < 0.004:
            push(recv + r.uniform(1, 45), line)


if __name__ == "__main__":
    main()
