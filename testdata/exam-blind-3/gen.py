#!/usr/bin/env python3
"""Blind evaluation data for an exam-integrity detector (特种作业 机考), event format v1.

Deterministic given --seed.  Standard library only.
Writes <out>/events.jsonl.gz and <out>/truth.jsonl.
"""
import argparse, gzip, json, math, os, random
from datetime import datetime, timedelta, timezone

EPOCH = datetime(2024, 5, 1, tzinfo=timezone.utc)
MS = "Microsoft Windows"


def ts(sec):
    d = EPOCH + timedelta(seconds=sec)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


# ---------------------------------------------------------------- catalogue
def P(name, path, signer=MS):
    return {"name": name, "path": path, "signer": signer}


WIN_COMMON = [P("System", ""), P("smss.exe", r"C:\Windows\System32\smss.exe"),
              P("csrss.exe", r"C:\Windows\System32\csrss.exe"), P("wininit.exe", r"C:\Windows\System32\wininit.exe"),
              P("winlogon.exe", r"C:\Windows\System32\winlogon.exe"), P("services.exe", r"C:\Windows\System32\services.exe"),
              P("lsass.exe", r"C:\Windows\System32\lsass.exe"), P("svchost.exe", r"C:\Windows\System32\svchost.exe"),
              P("dwm.exe", r"C:\Windows\System32\dwm.exe"), P("explorer.exe", r"C:\Windows\explorer.exe"),
              P("spoolsv.exe", r"C:\Windows\System32\spoolsv.exe"), P("ctfmon.exe", r"C:\Windows\System32\ctfmon.exe")]
WIN_EXTRA = {"win7": [P("taskhost.exe", r"C:\Windows\System32\taskhost.exe")],
             "win10": [P("RuntimeBroker.exe", r"C:\Windows\System32\RuntimeBroker.exe"),
                       P("SearchIndexer.exe", r"C:\Windows\System32\SearchIndexer.exe"),
                       P("sihost.exe", r"C:\Windows\System32\sihost.exe"), P("taskhostw.exe", r"C:\Windows\System32\taskhostw.exe")],
             "win11": [P("RuntimeBroker.exe", r"C:\Windows\System32\RuntimeBroker.exe"),
                       P("SearchHost.exe", r"C:\Windows\SystemApps\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\SearchHost.exe"),
                       P("Widgets.exe", r"C:\Program Files\WindowsApps\MicrosoftWindows.Client.WebExperience_cw5n1h2txyewy\Dashboard\Widgets.exe"),
                       P("sihost.exe", r"C:\Windows\System32\sihost.exe")]}
LINUX_BASE = [P(n, p, "") for n, p in [("systemd", "/usr/lib/systemd/systemd"), ("Xorg", "/usr/lib/xorg/Xorg"),
              ("startdde", "/usr/bin/startdde"), ("dde-desktop", "/usr/bin/dde-desktop"), ("dde-dock", "/usr/bin/dde-dock"),
              ("dde-session-daemon", "/usr/lib/deepin-daemon/dde-session-daemon"), ("NetworkManager", "/usr/sbin/NetworkManager"),
              ("pulseaudio", "/usr/bin/pulseaudio"), ("fcitx", "/usr/bin/fcitx"), ("sshd", "/usr/sbin/sshd"),
              ("tzksclient", "/opt/apps/cn.tzzy.ksclient/files/tzksclient")]]
AV = {"360": [P("360Tray.exe", r"C:\Program Files (x86)\360\360Safe\safemon\360Tray.exe", "Beijing Qihu Technology Co., Ltd."),
              P("ZhuDongFangYu.exe", r"C:\Program Files (x86)\360\360Safe\deepscan\ZhuDongFangYu.exe", "Beijing Qihu Technology Co., Ltd.")],
      "huorong": [P("HipsTray.exe", r"C:\Program Files\Huorong\Sysdiag\bin\HipsTray.exe", "Beijing Huorong Network Technology Co., Ltd."),
                  P("HipsDaemon.exe", r"C:\Program Files\Huorong\Sysdiag\bin\HipsDaemon.exe", "Beijing Huorong Network Technology Co., Ltd.")],
      "defender": [P("MsMpEng.exe", r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24030.9-0\MsMpEng.exe", "Microsoft Corporation")]}
EXAM_CLIENT = [P("TZKSClient.exe", r"D:\TZZYKS\TZKSClient.exe", "Shandong Anke Education Technology Co., Ltd."),
               P("TZKSGuard.exe", r"D:\TZZYKS\TZKSGuard.exe", "Shandong Anke Education Technology Co., Ltd.")]
DRIVERS = [P("igfxEM.exe", r"C:\Windows\System32\DriverStore\FileRepository\iigd_dch.inf_amd64_5d3b\igfxEM.exe", "Intel Corporation"),
           P("RtkAudUService64.exe", r"C:\Windows\System32\RtkAudUService64.exe", "Realtek Semiconductor Corp."),
           P("SogouCloud.exe", r"C:\Program Files (x86)\SogouInput\14.2.0.9120\SogouCloud.exe", "Beijing Sogou Technology Development Co., Ltd.")]
TRANSIENT = [P("WmiPrvSE.exe", r"C:\Windows\System32\wbem\WmiPrvSE.exe"), P("TrustedInstaller.exe", r"C:\Windows\servicing\TrustedInstaller.exe"),
             P("MpCmdRun.exe", r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24030.9-0\MpCmdRun.exe", "Microsoft Corporation"),
             P("conhost.exe", r"C:\Windows\System32\conhost.exe"), P("WerFault.exe", r"C:\Windows\System32\WerFault.exe")]
TENCENT = "Tencent Technology(Shenzhen) Company Limited"
CLASSROOM = {"mythware": (P("StudentMain.exe", r"C:\Program Files (x86)\Mythware\e-Learning Class\StudentMain.exe",
                            "Shanghai Mythware Information Technology Co., Ltd."), 4988),
             "netsupport": (P("client32.exe", r"C:\Program Files (x86)\NetSupport\NetSupport School\client32.exe", "NetSupport Ltd"), 5405)}
# remote tools: process, idle (heartbeat) endpoint
TOOLS = {
    "todesk": (P("ToDesk.exe", r"C:\Program Files\ToDesk\ToDesk.exe", "Hainan YouQu Technology Co., Ltd"), ("auth.todesk.com", 443)),
    "sunlogin": (P("SunloginClient.exe", r"C:\Program Files\Oray\SunLogin\SunloginClient\SunloginClient.exe",
                   "Shanghai Best Oray Information S&T Co., Ltd."), ("client-api.oray.net", 443)),
    "anydesk": (P("AnyDesk.exe", r"C:\Users\ks\Downloads\AnyDesk.exe", "philandro Software GmbH"), ("boot.net.anydesk.com", 443)),
    "teamviewer": (P("TeamViewer.exe", r"C:\Program Files\TeamViewer\TeamViewer.exe", "TeamViewer Germany GmbH"), ("router11.teamviewer.com", 5938)),
    "qq": (P("QQ.exe", r"C:\Program Files (x86)\Tencent\QQ\Bin\QQ.exe", TENCENT), ("msfwifi.3g.qq.com", 8080)),
    "wemeet": (P("wemeetapp.exe", r"C:\Program Files (x86)\Tencent\WeMeet\3.24.2.410\wemeetapp.exe", TENCENT), ("meeting.tencent.com", 443)),
    "dingtalk": (P("DingTalk.exe", r"C:\Program Files (x86)\DingDing\main\current\DingTalk.exe", "Alibaba (China) Network Technology Co.,Ltd."),
                 ("im-gw.dingtalk.com", 443)),
    "rustdesk_renamed": (P("RtkAudioService.exe", r"C:\Users\Public\Libraries\RtkAudioService.exe", ""), ("47.106.%d.%d", 21116)),
    "svchost_renamed": (P("svchost.exe", r"C:\ProgramData\Microsoft\svchost.exe", ""), ("39.108.%d.%d", 21116)),
    "todesk_linux": (P("ToDesk", "/opt/todesk/bin/ToDesk", ""), ("auth.todesk.com", 443)),
    "x11vnc": (P("x11vnc", "/usr/bin/x11vnc", ""), ("121.40.%d.%d", 5500)),
}
WECHAT = P("WeChat.exe", r"C:\Program Files (x86)\Tencent\WeChat\WeChat.exe", TENCENT)

D = lambda c, n, v, p: (c, n, v, p)
KB_DELL, MS_DELL = D("hid", "Dell KB216 Wired Keyboard", "413c", "2113"), D("hid", "Dell MS116 USB Optical Mouse", "413c", "301a")
KB_LEN, MS_LEN = D("hid", "Lenovo USB Keyboard", "17ef", "608d"), D("hid", "Lenovo USB Optical Mouse", "17ef", "6019")
KB_LOGI, MS_LOGI = D("hid", "Logitech K120 Keyboard", "046d", "c31c"), D("hid", "Logitech M100 Mouse", "046d", "c077")
MK270 = D("hid", "Logitech USB Receiver", "046d", "c534")
KB_GEN, MS_GEN = D("hid", "USB Keyboard", "1a2c", "0e24"), D("hid", "USB Optical Mouse", "093a", "2510")
ID_READER = D("other", "CVR-100U ID Card Reader", "0400", "c35a")
CAMERA = D("other", "USB2.0 HD UVC WebCam", "0c45", "6366")
SCANNER = D("hid", "Honeywell Voyager 1200g", "0c2e", "0b61")
SWAP_MICE = [MS_LOGI, D("hid", "Rapoo 2.4G Wireless Receiver", "24ae", "1100"), MS_DELL, MS_GEN]
STORAGE = [D("storage", "Kingston DataTraveler 3.0", "0951", "1666"), D("storage", "SanDisk Cruzer Blade", "0781", "5567")]
INJECTORS = [D("hid", "USB HID", "1a86", "e129"), D("hid", "Arduino Leonardo", "2341", "8036"),
             D("hid", "USB Keyboard", "046d", "c31c"), D("hid", "HID Keyboard Device", "1a86", "e12a")]
RECEIVERS = [D("hid", "2.4G Wireless Receiver", "248a", "8367"), D("hid", "Logitech USB Receiver", "046d", "c52b")]
KVMS = [D("hid", "ATEN USB KVM Extender", "0557", "2419"), D("hid", "USB KVM Switch", "0557", "2213")]
BT = D("other", "CSR8510 A10 Bluetooth Adapter", "0a12", "0001")

CENTRES = {
    "JN01": dict(os="win10", av="360", classroom="mythware", tool=None, lan="192.168.10.2", server=("ks.tzzy-exam.cn", 443),
                 res="1920x1080", disp=(1, False), kb=[KB_DELL], ms=[MS_DELL], extra=[ID_READER]),
    "QD02": dict(os="win7", av="huorong", classroom=None, tool="sunlogin", lan=None, server=("10.2.0.10", 8080),
                 res="1366x768", disp=(1, False), kb=[KB_LEN], ms=[MS_LEN, MS_GEN], extra=[CAMERA]),
    "ZB03": dict(os="win10", av="defender", classroom="netsupport", tool=None, lan="10.3.1.5", server=("ks.tzzy-exam.cn", 443),
                 res="1920x1080", disp=(2, True), kb=[], ms=[], extra=[MK270]),   # wireless desktop sets + HDBaseT monitor wall
    "LY04": dict(os="uos", av=None, classroom=None, tool=None, lan="10.4.0.2", server=("10.4.0.10", 8080),
                 res="1600x900", disp=(1, False), kb=[KB_GEN], ms=[MS_GEN], extra=[]),
    "WF05": dict(os="win10", av="360", classroom=None, tool="todesk", lan=None, server=("ks.tzzy-exam.cn", 443),
                 res="1440x900", disp=(1, False), kb=[KB_GEN, KB_LOGI], ms=[MS_GEN, MS_LOGI], extra=[SCANNER, CAMERA]),
    "YT06": dict(os="win11", av="defender", classroom="mythware", tool=None, lan="172.16.6.1", server=("ks.tzzy-exam.cn", 443),
                 res="1920x1080", disp=(1, False), kb=[KB_LOGI], ms=[MS_LOGI], extra=[ID_READER, CAMERA]),
}
EXAMS = [("低压电工作业", 70, 30), ("高处安装维护拆除作业", 50, 50), ("熔化焊接与热切割作业", 60, 40), ("制冷与空调设备运行操作作业", 70, 30)]


def hexid(rng, n):
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def pub_ip(rng):
    return f"{rng.choice([47, 39, 120, 117, 59, 106, 182, 223])}.{rng.randint(1, 254)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"


# ---------------------------------------------------------------- answering models
def opts(q):
    return ["对", "错"] if q["options"] == 2 else ["A", "B", "C", "D"]


def choose(rng, q, ability):
    if rng.random() < ability ** (q["diff"] * 1.6):
        return q["key"]
    if rng.random() < 0.55:
        return q["distr"]
    return rng.choice(opts(q))


def qtime(rng, q, speed):
    base = 7.0 if q["options"] == 2 else 13.0
    return 1.2 + base * speed * (0.55 + 0.6 * q["diff"]) * math.exp(rng.gauss(0, 0.45))


def clicks(rng, pts, a, b, style):
    """local physical input produced while answering one question between a and b."""
    if style == "mouse":
        for _ in range(rng.randint(0, 8)):
            pts.append((rng.uniform(a, b), 0, rng.randint(1, 3)))
        pts.append((b, 0, rng.randint(2, 4)))
    elif style == "keys":
        pts.append((b, rng.randint(1, 3), rng.choice([0, 0, 1])))
    elif style == "inject":        # scripted HID box: move + click, nothing else
        pts.append((b, 0, 2))
    elif style == "inject_keys":
        pts.append((b, 2, 0))


def answer_run(rng, ex, t, deadline, ability, speed, style, pts, ans, order=None, belief=None,
               known=None, skip_p=0.0, change_p=0.0, pace=None, rapid=True):
    """One person answering; returns time of last action. style None => input not counted locally."""
    qs = order or ex["questions"]
    skipped = []
    for i, q in enumerate(qs):
        if known and q["id"] in known:
            dt = rng.uniform(1.3, 3.5) if q["options"] == 2 else rng.uniform(2.0, 5.5)
        elif pace:
            dt = pace(q)
        else:
            dt = qtime(rng, q, speed)
        if rapid and t + dt > deadline - 60:       # time nearly up: click through the rest
            for q2 in qs[i:] + skipped:
                t += rng.uniform(0.8, 2.2)
                if t > deadline - 3:
                    break
                ans.append((t, q2["id"], rng.choice(opts(q2))))
                if style:
                    clicks(rng, pts, t - 1, t, style)
            return t
        if skip_p and not (known and q["id"] in known) and rng.random() < skip_p * q["diff"]:
            t += dt * 0.4
            skipped.append(q)
            continue
        a0, t = t, t + dt
        if known and q["id"] in known:
            c = known[q["id"]]
        elif belief:
            c = belief[q["id"]] if rng.random() > 0.01 else choose(rng, q, ability)
        else:
            c = choose(rng, q, ability)
        ans.append((t, q["id"], c))
        if style:
            clicks(rng, pts, a0, t, style)
    for q in skipped:                             # second pass over skipped questions
        a0, t = t, t + qtime(rng, q, speed) * 1.3
        if t > deadline - 5:
            return t
        ans.append((t, q["id"], choose(rng, q, min(0.99, ability + 0.05))))
        if style:
            clicks(rng, pts, a0, t, style)
    if change_p:                                  # review pass with answer changes
        byq = {q["id"]: q for q in ex["questions"]}
        for qid in rng.sample(list(byq), rng.randint(1, 6)):
            if rng.random() > change_p:
                continue
            q = byq[qid]
            a0, t = t, t + rng.uniform(4, 25)
            if t > deadline - 5:
                return t
            c = q["key"] if rng.random() < 0.5 else rng.choice(opts(q))
            ans.append((t, qid, c))
            if style:
                clicks(rng, pts, a0, t, style)
    return t


def expert_belief(rng, ex, acc):
    return {q["id"]: (q["key"] if rng.random() < acc else q["distr"]) for q in ex["questions"]}


# ---------------------------------------------------------------- per-session plan
def new_plan(s):
    c = CENTRES[s["centre"]]
    pres = [rng_pick for rng_pick in s["periph"]]
    return dict(ans=[], pts=[], end=None, spans=[], dev=[], disp=[(s["t0"] + 1, c["disp"][0], c["disp"][1], c["res"])],
                present=pres, fidget=0.25, note=[])


def tool_for(s, rng, choices):
    if CENTRES[s["centre"]]["os"] == "uos":
        return rng.choice(["todesk_linux", "x11vnc"])
    return rng.choice(choices)


def add_tool(plan, rng, tool, a, b, active_from=None, active_to=None, relay_port=None):
    proc, (host, port) = TOOLS[tool]
    if "%d" in host:
        host = host % (rng.randint(1, 254), rng.randint(1, 254))
    plan["spans"].append((a, b, "proc", proc))
    plan["spans"].append((a, b, "conn", {"remote": host, "port": port, "process": proc["name"]}))
    if active_from is not None:
        plan["spans"].append((active_from, active_to, "conn",
                              {"remote": pub_ip(rng), "port": relay_port or rng.randint(20000, 60000), "process": proc["name"]}))


def plan_session(s, ex, rng, ctx):
    c = CENTRES[s["centre"]]
    plan = new_plan(s)
    t0 = s["t0"]
    start = t0 + rng.uniform(20, 120)            # read instructions, check ID
    deadline = t0 + 120 * 60
    kind, pts, ans = s["kind"], plan["pts"], plan["ans"]
    style = "keys" if rng.random() < 0.15 else "mouse"
    note = plan["note"]
    if kind == "honest":
        ability = min(0.98, max(0.35, rng.gauss(0.87, 0.08)))
        speed = math.exp(rng.gauss(0, 0.3))
        r = rng.random()
        if r < 0.09:
            ability, speed = rng.uniform(0.93, 0.99), rng.uniform(0.28, 0.45); note.append("able fast candidate")
        elif r < 0.16:
            speed = rng.uniform(2.3, 3.0); note.append("slow, rapid guessing at the end")
        elif r < 0.19:
            ability, speed = rng.uniform(0.35, 0.55), rng.uniform(0.4, 0.6); note.append("weak candidate guessing quickly")
        skip_p = 0.15 if rng.random() < 0.25 else 0.0
        change_p = 0.7 if rng.random() < 0.3 else 0.0
        if skip_p: note.append("skips and revisits")
        if change_p: note.append("changes answers on review")
        if style == "keys": note.append("keyboard answering")
        t = start
        if c["tool"] and rng.random() < 0.06:     # IT fixes a frozen client via the centre's remote tool
            a = start + rng.uniform(0, 600); b = a + rng.uniform(90, 300)
            plan["spans"].append((a, b, "conn", {"remote": pub_ip(rng), "port": rng.randint(20000, 60000),
                                                 "process": TOOLS[c["tool"]][0]["name"]}))
            plan["quiet"] = (a, b); note.append("centre IT remote maintenance session, no answers during it")
            t = b + 20
        end = answer_run(rng, ex, t, deadline, ability, speed, style, pts, ans, skip_p=skip_p, change_p=change_p)
        if rng.random() < 0.05:
            mouse = next((d for d in plan["present"] if "Mouse" in d[1] or "Receiver" in d[1]), None)
            if mouse:
                tx = rng.uniform(start + 300, max(start + 400, end - 60))
                new = rng.choice(SWAP_MICE)
                plan["dev"] += [(tx, "removed", mouse), (tx + rng.uniform(20, 120), "attached", new)]
                plan["quiet"] = (tx, tx + 130); note.append("mouse replaced by invigilator")
        if rng.random() < 0.03:
            kb = plan["present"][0]; tx = rng.uniform(start, end)
            plan["dev"] += [(tx, "removed", kb), (tx + rng.uniform(0.5, 3), "attached", kb)]; note.append("keyboard USB glitch")
        if rng.random() < 0.025:
            st = rng.choice(STORAGE); tx = t0 + rng.uniform(2, 15)
            plan["dev"] += [(tx, "attached", st), (tx + rng.uniform(40, 200), "removed", st)]; note.append("staff USB stick at start")
        if rng.random() < 0.03:
            tx = rng.uniform(start + 60, end)
            plan["disp"] += [(tx, 1, False, "1024x768"), (tx + rng.uniform(5, 40), c["disp"][0], c["disp"][1], c["res"])]
            note.append("display resolution glitch")
        if s["centre"] == "WF05" and rng.random() < 0.4:
            plan["spans"].append((t0, deadline + 600, "proc", WECHAT))
            plan["spans"].append((t0, deadline + 600, "conn", {"remote": "short.weixin.qq.com", "port": 443, "process": "WeChat.exe"}))
            note.append("leftover WeChat on centre PC")
        plan["end"] = min(deadline, end + rng.uniform(5, 600))
    elif kind == "software":
        v = s["variant"]
        belief = expert_belief(rng, ex, rng.uniform(0.9, 0.98))
        xs = rng.uniform(0.35, 0.6)
        if v == "screen_share":
            tool = tool_for(s, rng, ["wemeet", "dingtalk", "qq"])
            add_tool(plan, rng, tool, t0 - 300, deadline + 600, t0 + 10, deadline + 600, 8000)
            lag = rng.uniform(7, 12)
            end = answer_run(rng, ex, start, deadline, 0.9, 1, style, pts, ans, belief=belief,
                             pace=lambda q: lag + rng.uniform(-2, 3))
            note.append(f"{tool} screen shared, helper dictates answers, candidate clicks")
        else:
            if v == "centre_tool":
                tool = c["tool"]
            elif v == "disguised":
                tool = tool_for(s, rng, ["rustdesk_renamed", "svchost_renamed"])
            else:
                tool = tool_for(s, rng, ["todesk", "sunlogin", "anydesk", "teamviewer"])
            t = start
            if v == "partial":
                k = rng.randint(15, 45)
                t = answer_run(rng, ex, start, deadline, rng.uniform(0.5, 0.7), 1.2, style, pts, ans,
                               order=ex["questions"][:k])
                note.append(f"candidate answered first {k}, then handed over")
            launch = t0 - 600 if rng.random() < 0.5 else t + rng.uniform(20, 90)
            act = max(launch, t) + rng.uniform(10, 60)
            if v != "centre_tool":
                add_tool(plan, rng, tool, launch, deadline + 600, act, deadline + 600,
                         21117 if "renamed" in tool else None)
            else:
                plan["spans"].append((act, deadline + 600, "conn", {"remote": pub_ip(rng), "port": rng.randint(20000, 60000),
                                                                    "process": TOOLS[tool][0]["name"]}))
            end = answer_run(rng, ex, act + 20, deadline, 0.95, xs, None, pts, ans, belief=belief, change_p=0.3)
            plan["fidget"] = 0.08
            plan["quiet"] = (act, end)
            note.append(f"{tool} remote control ({v}), helper answers, no local input")
        plan["end"] = min(deadline, end + rng.uniform(5, 120))
    elif kind == "hardware":
        v = s["variant"]
        belief = expert_belief(rng, ex, rng.uniform(0.9, 0.98))
        xs = rng.uniform(0.4, 0.7)
        if v == "hdmi_split":
            tx = t0 + 1 if rng.random() < 0.5 else start + rng.uniform(30, 600)
            plan["disp"].append((tx, 2, True, rng.choice([c["res"], "1920x1080", "1280x720"])))
            if rng.random() < 0.35:
                plan["dev"].append((t0 - 5, "attached", BT))
            lag = rng.uniform(8, 14)
            end = answer_run(rng, ex, max(start, tx + 30), deadline, 0.9, 1, style, pts, ans, belief=belief,
                             pace=lambda q: lag + rng.uniform(-2, 3))
            note.append("HDMI splitter mirrors screen out, helper dictates, candidate clicks")
        else:
            if v == "injector":
                dev = rng.choice(INJECTORS); st = rng.choice(["inject", "inject_keys"])
            elif v == "wireless":
                dev = rng.choice(RECEIVERS); st = "mouse"
            else:
                dev = rng.choice(KVMS); st = "mouse"
                if rng.random() < 0.5:
                    plan["disp"].append((t0 + 1, 2, True, c["res"]))
            if rng.random() < 0.5:
                plan["present"].append(dev)
            else:
                plan["dev"].append((start + rng.uniform(-20, 60), "attached", dev))
            end = answer_run(rng, ex, start + rng.uniform(60, 150), deadline, 0.95, xs, st, pts, ans, belief=belief)
            plan["fidget"] = 0.06
            note.append(f"{v} device {dev[1]} {dev[2]}:{dev[3]} drives input")
        plan["end"] = min(deadline, end + rng.uniform(5, 120))
    elif kind == "leak":
        leak = ctx["leaks"][s["leak"]]
        recall = rng.uniform(0.85, 1.0)
        known = {k: v for k, v in leak["ans"].items() if rng.random() < recall}
        ability = rng.uniform(0.45, 0.72)
        order = None
        if rng.random() < 0.4:
            order = [q for q in ex["questions"] if q["id"] in known] + [q for q in ex["questions"] if q["id"] not in known]
            note.append("answers memorised questions first")
        end = answer_run(rng, ex, start, deadline, ability, math.exp(rng.gauss(0, 0.3)), style, pts, ans,
                         order=order, known=known, change_p=0.3 if rng.random() < 0.3 else 0.0)
        note.append(f"shares {s['leak']} ({len(leak['ans'])} q, {leak['wrong']} wrong in leak), recalls {len(known)}")
        plan["end"] = min(deadline, end + rng.uniform(5, 400))
    elif kind == "operator":
        g = ctx["groups"][s["group"]]
        plan.update(g["plans"][s["sid"]])
        plan["note"] = [g["note"]]
    return plan


def plan_operator_group(g, sessions, ex, rng):
    """One person answers for several terminals, one after another (or in chunks)."""
    mode = "remote" if CENTRES[sessions[0]["centre"]]["classroom"] else "walks"
    belief = expert_belief(rng, ex, rng.uniform(0.88, 0.97))
    chunked = rng.random() < 0.3
    xs = rng.uniform(0.25, 0.4)
    t = max(s["t0"] for s in sessions) + rng.uniform(60, 240)
    deadline = min(s["t0"] for s in sessions) + 120 * 60
    plans = {}
    for s in sessions:
        p = new_plan(s); p["fidget"] = 0.15
        if rng.random() < 0.4:   # candidate pokes at a few questions before the operator takes over
            answer_run(rng, ex, s["t0"] + 60, deadline, 0.6, 1.3, "mouse", p["pts"], p["ans"], order=ex["questions"][:rng.randint(2, 8)])
        plans[s["sid"]] = p
    qs = ex["questions"]
    chunks = [(i, i + 25) for i in range(0, len(qs), 25)] if chunked else [(0, len(qs))]
    for a, b in chunks:
        for s in sessions:
            p = plans[s["sid"]]
            t = answer_run(rng, ex, t + rng.uniform(8, 40), deadline, 0.93, xs, None if mode == "remote" else "mouse",
                           p["pts"], p["ans"], order=qs[a:b], belief=belief, rapid=False)
            if b == len(qs) and rng.random() < 0.7:
                p["end"] = t + rng.uniform(3, 20)
    for s in sessions:
        p = plans[s["sid"]]
        if p["end"] is None:
            p["end"] = min(deadline, t + rng.uniform(30, 300))
        p["end"] = min(p["end"], deadline)
    g["plans"] = plans
    g["note"] = (f"operator {g['name']} ({mode}{', chunked' if chunked else ''}) answers {len(sessions)} terminals "
                 f"in rooms {sorted(set(s['room'] for s in sessions))}")


# ---------------------------------------------------------------- emit events for a session
def emit(s, plan, rng, out):
    c = CENTRES[s["centre"]]
    t0, end = s["t0"], plan["end"]
    ev = []
    ev.append((t0, {"kind": "session_start", "candidate": s["cand"], "exam": s["exam"], "centre": s["centre"],
                    "room": s["room"], "seat": s["seat"], "terminal": s["terminal"]}))
    for d in plan["present"]:
        ev.append((t0 + 0.3, {"kind": "device", "action": "present", "class": d[0], "name": d[1], "vid": d[2], "pid": d[3]}))
    for t, action, d in plan["dev"]:
        if t0 < t < end:
            ev.append((t, {"kind": "device", "action": action, "class": d[0], "name": d[1], "vid": d[2], "pid": d[3]}))
        elif t <= t0 and action == "attached":
            ev.append((t0 + 0.4, {"kind": "device", "action": "present", "class": d[0], "name": d[1], "vid": d[2], "pid": d[3]}))
    for t, n, m, r in plan["disp"]:
        if t < end:
            ev.append((max(t, t0 + 1), {"kind": "display", "displays": n, "mirrored": m, "resolution": r}))
    for t, q, ch in plan["ans"]:
        if t < end:
            ev.append((t, {"kind": "answer", "question": q, "choice": ch}))
    # base software
    if c["os"] == "uos":
        base = list(LINUX_BASE)
    else:
        base = WIN_COMMON + WIN_EXTRA[c["os"]] + AV[c["av"]] + DRIVERS + EXAM_CLIENT
    base_conn = [{"remote": c["server"][0], "port": c["server"][1], "process": "tzksclient" if c["os"] == "uos" else "TZKSClient.exe"}]
    if c["classroom"]:
        proc, port = CLASSROOM[c["classroom"]]
        base.append(proc); base_conn.append({"remote": c["lan"], "port": port, "process": proc["name"]})
    if c["tool"]:
        proc, (h, port) = TOOLS[c["tool"]]
        base.append(proc); base_conn.append({"remote": h, "port": port, "process": proc["name"]})
    if c["os"] == "win7" or c["av"] == "360":
        base_conn.append({"remote": rng.choice(["update.360safe.com", "update.huorong.cn"]), "port": 80,
                          "process": "360Tray.exe" if c["av"] == "360" else "HipsDaemon.exe"})

    def active(t, k):
        return [x for a, b, kk, x in plan["spans"] if kk == k and a <= t < b]
    t = t0 + 2
    while t < end:
        procs = base + active(t, "proc")
        if c["os"] != "uos" and rng.random() < 0.3:
            procs = procs + [rng.choice(TRANSIENT)]
        ev.append((t, {"kind": "processes", "processes": procs}))
        t += rng.uniform(170, 320)
    t = t0 + 3
    while t < end:
        conns = list(base_conn) + active(t, "conn")
        if c["os"] == "uos" and rng.random() < 0.05:
            conns.append({"remote": c["lan"], "port": 22, "process": "sshd"})
        ev.append((t, {"kind": "connections", "connections": conns}))
        t += rng.uniform(170, 320)
    # local input buckets
    pts = sorted(plan["pts"])
    pts = [(t0 + rng.uniform(1, 15), rng.choice([0, 0, 18, 20]), rng.randint(3, 10))] + pts  # login / confirmation
    quiet = plan.get("quiet")
    i, prev, t = 0, t0, t0 + rng.uniform(15, 30)
    while True:
        t = min(t, end)
        k = p = 0
        while i < len(pts) and pts[i][0] <= t:
            k += pts[i][1]; p += pts[i][2]; i += 1
        if rng.random() < plan["fidget"] and not (quiet and quiet[0] <= t <= quiet[1] and rng.random() < 0.7):
            p += rng.randint(1, 6)
        ev.append((t, {"kind": "input", "interval_ms": int(round((t - prev) * 1000)), "keys": k, "pointer": p}))
        if t >= end:
            break
        prev, t = t, t + rng.uniform(15, 30)
    ev.append((end + 0.5, {"kind": "session_end"}))
    ev.sort(key=lambda e: e[0])
    # transport: terminal clock and delivery
    cr = rng.random()
    if cr < 0.04:
        off = lambda tt: 8 * 3600.0; s["clock"] = "terminal clock reports local time as UTC (+8h)"
    elif cr < 0.10:
        o = rng.choice([-1, 1]) * rng.uniform(30, 900); off = lambda tt, o=o: o; s["clock"] = f"clock off by {o:.0f}s"
    elif cr < 0.13:
        tj, o = t0 + rng.uniform(600, 3000), rng.uniform(120, 400)
        off = lambda tt, tj=tj, o=o: o if tt < tj else 0.0; s["clock"] = "clock jumps back (NTP sync) mid-session"
    else:
        off = lambda tt: rng.gauss(0, 0.3)
    outage = None
    if rng.random() < 0.06:
        a = t0 + rng.uniform(300, 3000); outage = (a, a + rng.uniform(60, 900)); s["outage"] = True
    for n, (tt, body) in enumerate(ev):
        rec = tt + rng.uniform(0.05, 1.5) if n > 0 else tt - 1.0   # session_start is flushed first
        if outage and outage[0] <= tt < outage[1] and n > 0:
            rec = outage[1] + rng.uniform(0, 10)       # buffered, delivered as an unordered batch
        line = {"v": 1, "id": hexid(rng, 16), "at": ts(tt + off(tt)), "kind": body["kind"]}
        if body["kind"] != "exam":
            line["session"] = s["sid"]
        line.update({k: v for k, v in body.items() if k != "kind"})
        js = json.dumps(line, ensure_ascii=False, separators=(",", ":"))
        out.append((rec, js))
        if rng.random() < 0.006:
            out.append((rec + rng.uniform(2, 90), js))    # resent
            s["resent"] = True


# ---------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=404)
    ap.add_argument("--candidates", type=int, default=400)
    ap.add_argument("--out", default="set-d")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    N = a.candidates
    exams = []
    for i, (title, ntf, nsc) in enumerate(EXAMS):
        qs = []
        for j in range(ntf + nsc):
            o = 2 if j < ntf else 4
            key = rng.choice(["对", "错"]) if o == 2 else rng.choice("ABCD")
            distr = ("错" if key == "对" else "对") if o == 2 else rng.choice([x for x in "ABCD" if x != key])
            qs.append({"id": f"Q{j + 1:03d}", "key": key, "options": o, "diff": rng.uniform(0.3, 1.7), "distr": distr})
        exams.append({"id": f"TZ{2024}{5 + i // 2:02d}-{hexid(rng, 4).upper()}", "title": title, "questions": qs,
                      "day": 2 + i * 6 + rng.randint(0, 2)})
    # sittings: each exam at 3 centres, 2-3 rooms each
    sessions = []
    per_exam = [N // len(exams) + (1 if i < N % len(exams) else 0) for i in range(len(exams))]
    for ex, n in zip(exams, per_exam):
        cs = rng.sample(list(CENTRES), 3)
        cuts = sorted(rng.sample(range(n // 5, n - n // 5), 2))
        for c, m in zip(cs, [cuts[0], cuts[1] - cuts[0], n - cuts[1]]):
            nrooms = 2 if m < 30 else 3
            start = ex["day"] * 86400 + rng.choice([1, 6]) * 3600 + rng.uniform(-300, 300)   # 09:00 or 14:00 CST
            for r in range(nrooms):
                mr = m // nrooms + (1 if r < m % nrooms else 0)
                room = f"{c}-R{rng.randint(1, 9)}{r}"
                seats = rng.sample(range(1, 41), mr)
                cc = CENTRES[c]
                for seat in seats:
                    periph = [rng.choice(cc["kb"])] if cc["kb"] else []
                    periph += [rng.choice(cc["ms"])] if cc["ms"] else []
                    if cc["kb"] and rng.random() < 0.05:
                        periph[-1] = rng.choice(SWAP_MICE)       # odd replacement mouse from before
                    periph += cc["extra"]
                    sessions.append(dict(sid="s-" + hexid(rng, 12), cand="cand-" + hexid(rng, 10), exam=ex["id"], centre=c,
                                         room=room, seat=f"{seat:02d}", terminal=f"{c}-{room[-3:]}-PC{seat:02d}-{hexid(rng, 4)}",
                                         t0=start + rng.uniform(0, 420), kind="honest", ex=ex, periph=periph))
    n_each = round(N * 0.05)
    free = lambda: [s for s in sessions if s["kind"] == "honest"]
    ctx = {"groups": {}, "leaks": {}}
    # operator groups
    left, gi = n_each, 0
    while left > 0:
        size = min(left, rng.randint(3, 5))
        if left - size in (1, 2):
            size = left
        byc = {}
        for s in free():
            byc.setdefault((s["exam"], s["centre"]), []).append(s)
        key = rng.choice([k for k, v in byc.items() if len(v) >= size and len({x["room"] for x in v}) >= 2])
        pool = byc[key]
        rooms = sorted({x["room"] for x in pool})
        pick = [rng.choice([x for x in pool if x["room"] == r]) for r in rng.sample(rooms, 2)]
        rest = [x for x in pool if x not in pick]
        if rng.random() < 0.3:
            rest = [x for x in rest if x["room"] == pick[0]["room"]] or rest
        pick += rng.sample(rest, size - 2)
        name = f"op{gi}"
        ctx["groups"][name] = {"name": name}
        for s in pick:
            s["kind"], s["group"] = "operator", name
        rng.shuffle(pick)
        plan_operator_group(ctx["groups"][name], pick, pick[0]["ex"], rng)
        left -= size; gi += 1
    # leaks
    left, li = n_each, 0
    while left > 0:
        size = min(left, rng.randint(4, 6))
        if left - size in (1, 2, 3):
            size = left
        ex = rng.choice(exams)
        pool = [s for s in free() if s["exam"] == ex["id"]]
        rng.shuffle(pool)
        pick, rooms = [], set()
        for s in pool:
            if s["room"] not in rooms and len(pick) < size:
                pick.append(s); rooms.add(s["room"])
        frac = rng.uniform(0.35, 0.9)
        qsub = rng.sample(ex["questions"], int(len(ex["questions"]) * frac))
        wrong_rate = rng.uniform(0.0, 0.08)
        ans = {q["id"]: (q["key"] if rng.random() > wrong_rate else rng.choice([o for o in opts(q) if o != q["key"]])) for q in qsub}
        name = f"leak{li}"
        ctx["leaks"][name] = {"ans": ans, "wrong": sum(ans[q["id"]] != q["key"] for q in qsub)}
        for s in pick:
            s["kind"], s["leak"] = "leak", name
        left -= len(pick); li += 1
    for kind, variants in [("software", ["full", "full", "partial", "screen_share", "disguised", "centre_tool"]),
                           ("hardware", ["injector", "injector", "wireless", "hdmi_split", "kvm"])]:
        for s in rng.sample(free(), n_each):
            s["kind"] = kind
            v = rng.choice(variants)
            if v == "centre_tool" and not CENTRES[s["centre"]]["tool"]:
                v = "full"
            s["variant"] = v
    out, truth = [], []
    for ex in exams:
        body = {"v": 1, "id": hexid(rng, 16), "at": ts(ex["day"] * 86400 - 3 * 86400), "kind": "exam", "exam": ex["id"],
                "questions": [{"id": q["id"], "key": q["key"], "options": q["options"]} for q in ex["questions"]],
                "pass_mark": 80, "minutes": 120}
        out.append((-1e12 + len(out), json.dumps(body, ensure_ascii=False, separators=(",", ":"))))
    for s in sessions:
        plan = plan_session(s, s["ex"], rng, ctx)
        emit(s, plan, rng, out)
        note = "; ".join(plan["note"] + [x for x in [s.get("clock"), "delivery outage/batched" if s.get("outage") else None,
                                                     "resent events" if s.get("resent") else None] if x])
        byq = {q["id"]: q["key"] for q in s["ex"]["questions"]}
        final = {}
        for t, q, ch in sorted(plan["ans"]):
            if t < plan["end"]:
                final[q] = ch
        score = sum(byq[q] == ch for q, ch in final.items())
        truth.append({"session": s["sid"], "kind": s["kind"], "note": f"{note} [score {score}]".strip()})
    out.sort(key=lambda x: x[0])
    os.makedirs(a.out, exist_ok=True)
    with gzip.GzipFile(os.path.join(a.out, "events.jsonl.gz"), "wb", mtime=0) as f:
        for _, js in out:
            f.write((js + "\n").encode())
    truth.sort(key=lambda x: x["session"])
    with open(os.path.join(a.out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for t in truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    counts = {}
    for t in truth:
        counts[t["kind"]] = counts.get(t["kind"], 0) + 1
    print(f"events={len(out)} sessions={len(sessions)} kinds={counts}")


if __name__ == "__main__":
    main()
