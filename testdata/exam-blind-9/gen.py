#!/usr/bin/env python3
"""Blind synthetic data set generator for exam-cheating detectors (set-j).

Independent helper work, written without sight of any detector, simulator,
benchmark or other data set.  Standard library only, deterministic for a
given --seed.  Licence: MIT OR Apache-2.0.

Usage: python3 gen.py --seed 1010 --candidates 400 --out set-j
"""
import argparse
import bisect
import gzip
import json
import math
import os
import random
import sys
from datetime import datetime, timezone, timedelta

CST = timezone(timedelta(hours=8))
SEED = 0
INF = 1e13


def RNG(*parts):
    return random.Random('|'.join(str(x) for x in (SEED,) + parts))


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def logit(p):
    return math.log(p / (1.0 - p))


def poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam < 30:
        L = math.exp(-lam)
        k, p = 0, 1.0
        while True:
            p *= rng.random()
            if p <= L:
                return k
            k += 1
    return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))


def fmt_at(t, style):
    if style in ('cst', 'utc'):
        sec = int(math.floor(t))
        if style == 'cst':
            return datetime.fromtimestamp(sec, CST).strftime('%Y-%m-%dT%H:%M:%S+08:00')
        return datetime.fromtimestamp(sec, timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    ms = int(math.floor(t * 1000))
    sec, rem = divmod(ms, 1000)
    if style == 'cst_ms':
        return datetime.fromtimestamp(sec, CST).strftime('%Y-%m-%dT%H:%M:%S') + '.%03d+08:00' % rem
    return datetime.fromtimestamp(sec, timezone.utc).strftime('%Y-%m-%dT%H:%M:%S') + '.%03dZ' % rem


def day_ts(day, h, m):
    return datetime(2026, 11, 16 + day, h, m, 0, tzinfo=CST).timestamp()


# ---------------------------------------------------------------- papers
PAPER_SPECS = [
    # code, exam id, n true/false, n single choice, minutes, label style
    ('DGDY', 'TZZY-DG-DY-2026-11A', 70, 30, 100, 'cn'),
    ('RHQG', 'TZZY-HJ-RH-2026-11A', 60, 40, 90, 'int'),
    ('GCAZ', 'TZZY-GC-AZ-2026-11B', 70, 30, 90, 'cn'),
    ('GYDG', 'TZZY-DG-GY-2026-11A', 50, 50, 120, 'sym'),
    ('ZLKT', 'TZZY-ZL-KT-2026-11A', 60, 40, 110, 'int'),
]
PREFIX = {'DGDY': 'DY', 'RHQG': 'RH', 'GCAZ': 'GC', 'GYDG': 'GY', 'ZLKT': 'KT'}


class Q(object):
    __slots__ = ('id', 'type', 'labels', 'key', 'p', 'distr', 'ln', 'opt', 'idx')


class Paper(object):
    pass


def make_paper(code, exam, ntf, nsc, minutes, style):
    rng = RNG('paper', code)
    P = Paper()
    P.code, P.exam, P.minutes, P.style = code, exam, minutes, style
    nums = rng.sample(range(1, 1000), ntf + nsc)
    tfn, scn = sorted(nums[:ntf]), sorted(nums[ntf:])
    qs = []
    for n in tfn:
        q = Q()
        q.id = '%s%04d' % (PREFIX[code], n)
        q.type = 'tf'
        if style == 'cn':
            q.labels, q.opt = ['对', '错'], ['对', '错']
        elif style == 'sym':
            q.labels, q.opt = ['√', '×'], ['√', '×']
        else:
            q.labels, q.opt = ['A', 'B'], 2
        q.key = q.labels[0] if rng.random() < 0.56 else q.labels[1]
        q.p = 0.55 + 0.43 * rng.betavariate(2.0, 0.9)
        q.distr = [l for l in q.labels if l != q.key][0]
        q.ln = rng.uniform(0.6, 1.6)
        qs.append(q)
    for n in scn:
        q = Q()
        q.id = '%s%04d' % (PREFIX[code], n)
        q.type = 'sc'
        q.labels = ['A', 'B', 'C', 'D']
        q.opt = 4 if style == 'int' else ['A', 'B', 'C', 'D']
        q.key = rng.choice(q.labels)
        q.p = 0.42 + 0.53 * rng.betavariate(1.8, 0.9)
        q.distr = rng.choice([l for l in q.labels if l != q.key])
        q.ln = rng.uniform(0.7, 1.7)
        qs.append(q)
    for i, q in enumerate(qs):
        q.idx = i
    P.qs = qs
    P.byid = dict((q.id, q) for q in qs)
    # an older version of the key, as it circulated in a leaked answer sheet
    old = {}
    for q in rng.sample(qs, 8):
        old[q.id] = rng.choice([l for l in q.labels if l != q.key])
    P.old_key = old
    return P


# ---------------------------------------------------------------- centres
def dev(cls, name, vid, pid):
    return (cls, name, vid, pid)


CENTRES = [
    dict(key='HZ', code='HZ-BJ01', os='win10', rooms=['A301', 'A302', 'A303'], seats=32,
         target=80, size=(12, 26), days=[0, 1, 2, 3], slots=[(9, 0), (14, 0)],
         papers=['DGDY', 'GCAZ', 'GYDG'], input_ms=30000, proc_s=300, conn_s=120,
         style='cst', ids='seq', clock='good', net=(0.08, 0.03, 0.04, 0.02), res='1920x1080',
         displays=(1, False), login='card', shuffle=False,
         kb=dev('hid', 'Lenovo Traditional USB Keyboard', '17ef', '6099'),
         mouse=dev('hid', 'Lenovo USB Optical Mouse', '17ef', '608d'),
         alt_kb=dev('hid', 'Dell KB216 Wired Keyboard', '413c', '2113'),
         alt_mouse=dev('hid', 'Logitech M100 USB Mouse', '046d', 'c077'),
         extra_devs=[dev('other', 'USB2.0 HD UVC WebCam', '0c45', '6366'),
                     dev('other', 'ID Card Reader', '0400', 'c35a')],
         cand='BJ26-{:05d}', term='bj-{room}-{seat}.binjiang-exam.example', seat='{:02d}'),
    dict(key='NB', code='NB-YJ02', os='win7', rooms=['1F-2', '1F-3'], seats=36,
         target=45, size=(14, 26), days=[0, 1, 2, 3, 4], slots=[(8, 30), (14, 0)],
         papers=['DGDY', 'RHQG', 'GYDG'], input_ms=60000, proc_s=600, conn_s=300,
         style='cst', ids='ctr', clock='drifty', net=(0.12, 0.05, 0.05, 0.03), res='1440x900',
         displays=(1, False), login='typed', shuffle=False,
         kb=dev('hid', 'Dell KB216 Wired Keyboard', '413c', '2113'),
         mouse=dev('hid', 'Dell MS116 USB Optical Mouse', '413c', '301a'),
         alt_kb=dev('hid', 'USB Keyboard', '1c4f', '0002'),
         alt_mouse=dev('hid', 'USB Optical Mouse', '1c4f', '0034'),
         extra_devs=[],
         cand='YJ-K{:04d}', term='nb-pc-{seat}.yongjiang-ks.example', seat='{:03d}'),
    dict(key='SX', code='SX-KX03', os='kiosk', rooms=['Kiosk-Hall'], seats=24,
         target=40, size=(10, 20), days=[1, 2, 3, 4], slots=[(9, 0), (13, 30)],
         papers=['GCAZ', 'RHQG'], input_ms=30000, proc_s=300, conn_s=120,
         style='utc_ms', ids='seq', clock='good', net=(0.05, 0.02, 0.03, 0.01), res='1366x768',
         displays=(1, False), login='card', shuffle=True,
         kb=dev('hid', 'Kiosk Keyboard with Trackball', '1a2c', '5d3a'),
         mouse=None, alt_kb=dev('hid', 'Kiosk Keyboard with Trackball', '1a2c', '5d3b'), alt_mouse=None,
         extra_devs=[dev('other', 'Thermal Receipt Printer', '0416', '5011')],
         cand='kx{:06x}', term='kiosk-{seat}.sx-kiosk.example', seat='K{:02d}'),
    dict(key='WZ', code='WZ-GY04', os='win11', rooms=['B2-01', 'B2-02'], seats=30,
         target=55, size=(12, 24), days=[0, 1, 2, 3, 4], slots=[(9, 0), (14, 30)],
         papers=['RHQG', 'DGDY', 'ZLKT'], input_ms=30000, proc_s=300, conn_s=120,
         style='cst_ms', ids='seq', clock='good', net=(0.06, 0.04, 0.04, 0.02), res='1920x1080',
         displays=(2, True), login='card', shuffle=False,
         kb=dev('hid', 'Lenovo Calliope USB Keyboard', '17ef', '602d'),
         mouse=dev('hid', 'Lenovo Essential USB Mouse', '17ef', '6019'),
         alt_kb=dev('hid', 'Lenovo Traditional USB Keyboard', '17ef', '6099'),
         alt_mouse=dev('hid', 'Lenovo USB Optical Mouse', '17ef', '608d'),
         extra_devs=[dev('other', 'USB-C Dock', '17ef', 'a396'), dev('other', 'Dock Ethernet Adapter', '17ef', '721e'),
                     dev('other', 'Dock USB Audio', '17ef', 'a395'), dev('hid', 'ELAN Touchpad', '04f3', '3140')],
         cand='WZ2611-{:03d}', term='wz-{room}-{seat}.wz-park.example', seat='{:02d}'),
    dict(key='JX', code='JX-KA05', os='win10', rooms=['K1', 'K2'], seats=30,
         target=45, size=(10, 24), days=[0, 1, 2, 3, 4], slots=[(8, 30), (14, 0)],
         papers=['GYDG', 'DGDY'], input_ms=60000, proc_s=600, conn_s=300,
         style='cst', ids='uuid', clock='fair', net=(0.25, 0.18, 0.12, 0.02), res='1920x1080',
         displays=(1, False), login='typed', shuffle=False,
         kb=dev('hid', 'HP USB Keyboard', '03f0', '0024'),
         mouse=dev('hid', 'HP USB Optical Mouse', '03f0', '0b4a'),
         alt_kb=dev('hid', 'Dell KB216 Wired Keyboard', '413c', '2113'),
         alt_mouse=dev('hid', 'HP USB Optical Mouse', '03f0', '094a'),
         extra_devs=[dev('other', 'ID Card Reader', '0400', 'c35a')],
         cand='JXMB-{:04d}', term='jx-{room}-{seat}.jx-kaoshi.example', seat='{:02d}'),
    dict(key='TZ', code='TZ-XC06', os='win10', rooms=['Hall-1'], seats=28,
         target=35, size=(8, 18), days=[1, 3, 5], slots=[(9, 0), (14, 0)],
         papers=['DGDY', 'GCAZ'], input_ms=60000, proc_s=300, conn_s=180,
         style='cst', ids='seq', clock='laptop', net=(0.35, 0.45, 0.30, 0.12), res='1366x768',
         displays=(1, False), login='typed', shuffle=False,
         kb=dev('hid', 'Integrated Keyboard', '048d', 'c101'),
         mouse=dev('hid', 'USB Optical Mouse', '1c4f', '0034'),
         alt_kb=dev('hid', 'Integrated Keyboard', '048d', 'c101'),
         alt_mouse=dev('hid', 'Wireless Mouse Receiver', '046d', 'c534'),
         extra_devs=[dev('hid', 'ELAN Touchpad', '04f3', '3140')],
         cand='TZ-{:04d}', term='tz-lap-{seat}.tz-xc.example', seat='{:02d}'),
    dict(key='GZ', code='GZ-AQ07', os='win10', rooms=['301', '302'], seats=40,
         target=60, size=(12, 30), days=[0, 1, 2, 3, 4], slots=[(9, 0), (14, 0)],
         papers=['ZLKT', 'DGDY', 'RHQG', 'GCAZ'], input_ms=30000, proc_s=180, conn_s=120,
         style='cst_ms', ids='seq', clock='good', net=(0.07, 0.03, 0.04, 0.02), res='1600x900',
         displays=(1, False), login='card', shuffle=True,
         kb=dev('hid', 'Rapoo Wired Keyboard', '24ae', '1000'),
         mouse=dev('hid', 'Rapoo Wired Mouse', '24ae', '1001'),
         alt_kb=dev('hid', 'Lenovo Traditional USB Keyboard', '17ef', '6099'),
         alt_mouse=dev('hid', 'Rapoo Wired Mouse', '24ae', '1001'),
         extra_devs=[dev('other', 'HD Pro Webcam', '046d', '0825')],
         cand='GZSC{:06d}', term='gz{room}-{seat}.gz-anquan.example', seat='{:02d}'),
    dict(key='KM', code='KM-UO08', os='uos', rooms=['Lab-A', 'Lab-B'], seats=30,
         target=40, size=(8, 16), days=[1, 2, 4, 5], slots=[(9, 0), (14, 30)],
         papers=['GCAZ', 'DGDY'], input_ms=60000, proc_s=600, conn_s=300,
         style='cst', ids='ctr', clock='fair', net=(0.09, 0.05, 0.05, 0.02), res='1920x1080',
         displays=(1, False), login='card', shuffle=False,
         kb=dev('hid', 'Great Wall USB Keyboard', '1a81', '1202'),
         mouse=dev('hid', 'USB Mouse', '1a81', '1201'),
         alt_kb=dev('hid', 'USB Keyboard', '1c4f', '0002'),
         alt_mouse=dev('hid', 'USB Mouse', '1a81', '1201'),
         extra_devs=[],
         cand='KM/26/{:04d}', term='uos-{room}-{seat}.km-uos.example', seat='{:02d}'),
]
CBYKEY = dict((c['key'], c) for c in CENTRES)
WIN = ['HZ', 'NB', 'WZ', 'JX', 'TZ', 'GZ']

S32 = 'C:\\Windows\\System32\\'
MSW = 'Microsoft Windows'


def base_procs(c):
    o = c['os']
    L = []
    if o.startswith('win'):
        for n in ('smss.exe', 'csrss.exe', 'wininit.exe', 'services.exe', 'lsass.exe', 'svchost.exe',
                  'winlogon.exe', 'dwm.exe', 'spoolsv.exe'):
            L.append((n, S32 + n, MSW))
        L.append(('explorer.exe', 'C:\\Windows\\explorer.exe', MSW))
        if o == 'win7':
            L += [('taskhost.exe', S32 + 'taskhost.exe', MSW), ('SearchIndexer.exe', S32 + 'SearchIndexer.exe', MSW)]
        else:
            for n in ('sihost.exe', 'taskhostw.exe', 'RuntimeBroker.exe', 'ctfmon.exe', 'fontdrvhost.exe'):
                L.append((n, S32 + n, MSW))
        if o == 'win11':
            L += [('SearchHost.exe', 'C:\\Windows\\SystemApps\\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\\SearchHost.exe', MSW),
                  ('StartMenuExperienceHost.exe', 'C:\\Windows\\SystemApps\\Microsoft.Windows.StartMenuExperienceHost_cw5n1h2txyewy\\StartMenuExperienceHost.exe', MSW)]
    elif o == 'kiosk':
        L += [('systemd', '/usr/lib/systemd/systemd', 'ubuntu'), ('systemd-journald', '/usr/lib/systemd/systemd-journald', 'ubuntu'),
              ('NetworkManager', '/usr/sbin/NetworkManager', 'ubuntu'), ('chronyd', '/usr/sbin/chronyd', 'ubuntu'),
              ('sshd', '/usr/sbin/sshd', 'ubuntu'), ('Xorg', '/usr/lib/xorg/Xorg', 'ubuntu'),
              ('openbox', '/usr/bin/openbox', 'ubuntu'),
              ('chromium', '/snap/chromium/2987/usr/lib/chromium-browser/chrome', 'snap:chromium')]
    elif o == 'uos':
        L += [('systemd', '/lib/systemd/systemd', 'uos'), ('Xorg', '/usr/lib/xorg/Xorg', 'uos'),
              ('kwin_x11', '/usr/bin/kwin_x11', 'uos'), ('dde-session-daemon', '/usr/lib/deepin-daemon/dde-session-daemon', 'uos'),
              ('dde-desktop', '/usr/bin/dde-desktop', 'uos'), ('dde-dock', '/usr/bin/dde-dock', 'uos'),
              ('fcitx5', '/usr/bin/fcitx5', 'uos'), ('deepin-defender', '/usr/bin/deepin-defender', 'uos')]
    L += CENTRE_PROCS[c['key']]
    return L


CENTRE_PROCS = {
    'HZ': [('ksclient.exe', 'C:\\Program Files (x86)\\AnKe\\KSClient\\ksclient.exe', 'Zhejiang Anke Information Technology Co., Ltd.'),
           ('ksmon.exe', 'C:\\Program Files (x86)\\AnKe\\KSClient\\ksmon.exe', 'Zhejiang Anke Information Technology Co., Ltd.'),
           ('zjstudent.exe', 'C:\\Program Files (x86)\\ZhiJiao\\Student\\zjstudent.exe', 'Hangzhou Zhijiao Technology Co., Ltd.'),
           ('MsMpEng.exe', 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25090.3-0\\MsMpEng.exe', 'Microsoft Corporation'),
           ('SecurityHealthSystray.exe', S32 + 'SecurityHealthSystray.exe', MSW),
           ('SogouImeBroker.exe', 'C:\\Program Files (x86)\\SogouInput\\Components\\SogouImeBroker.exe', 'Beijing Sogou Technology Development Co., Ltd.')],
    'NB': [('ExamClient.exe', 'D:\\KSXT\\ExamClient.exe', 'Ningbo Hengan Software Co., Ltd.'),
           ('hamon.exe', 'D:\\KSXT\\hamon.exe', 'Ningbo Hengan Software Co., Ltd.'),
           ('360Tray.exe', 'C:\\Program Files (x86)\\360\\360Safe\\safemon\\360Tray.exe', 'Beijing Qihu Technology Co., Ltd.'),
           ('ZhuDongFangYu.exe', 'C:\\Program Files (x86)\\360\\360Safe\\deepscan\\ZhuDongFangYu.exe', 'Beijing Qihu Technology Co., Ltd.')],
    'SX': [('exam-agent', '/opt/examkiosk/bin/exam-agent', 'examkiosk-apt'),
           ('kiosk-watchdog', '/opt/examkiosk/bin/kiosk-watchdog', 'examkiosk-apt')],
    'WZ': [('ksclient.exe', 'C:\\Program Files\\AnKe\\KSClient5\\ksclient.exe', 'Zhejiang Anke Information Technology Co., Ltd.'),
           ('ksmon.exe', 'C:\\Program Files\\AnKe\\KSClient5\\ksmon.exe', 'Zhejiang Anke Information Technology Co., Ltd.'),
           ('SunloginClient.exe', 'C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe', 'Shanghai Oray Information Technology Co., Ltd.'),
           ('HipsTray.exe', 'C:\\Program Files\\Huorong\\Sysdiag\\bin\\HipsTray.exe', 'Beijing Huorong Network Technology Co., Ltd.'),
           ('HipsDaemon.exe', 'C:\\Program Files\\Huorong\\Sysdiag\\bin\\HipsDaemon.exe', 'Beijing Huorong Network Technology Co., Ltd.'),
           ('LenovoVantageService.exe', 'C:\\Program Files (x86)\\Lenovo\\VantageService\\4.2.11.0\\LenovoVantageService.exe', 'Lenovo')],
    'JX': [('JXExam.exe', 'C:\\JXKS\\JXExam.exe', 'Jiangxi Kuangan Education Technology Co., Ltd.'),
           ('jxmon.exe', 'C:\\JXKS\\jxmon.exe', 'Jiangxi Kuangan Education Technology Co., Ltd.'),
           ('SecLinkVPN.exe', 'C:\\Program Files (x86)\\SecLink\\SecLinkVPN.exe', 'Shenzhen SecLink Networks Co., Ltd.'),
           ('kxetray.exe', 'C:\\Program Files (x86)\\kingsoft\\kingsoft antivirus\\kxetray.exe', 'Zhuhai Kingsoft Security Co., Ltd.'),
           ('ChsIME.exe', S32 + 'InputMethod\\CHS\\ChsIME.exe', MSW)],
    'TZ': [('ExamClient.exe', 'C:\\Program Files (x86)\\Hengan\\ExamClient\\ExamClient.exe', 'Ningbo Hengan Software Co., Ltd.'),
           ('hamon.exe', 'C:\\Program Files (x86)\\Hengan\\ExamClient\\hamon.exe', 'Ningbo Hengan Software Co., Ltd.'),
           ('MsMpEng.exe', 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25090.3-0\\MsMpEng.exe', 'Microsoft Corporation'),
           ('LenovoVantageService.exe', 'C:\\Program Files (x86)\\Lenovo\\VantageService\\4.2.11.0\\LenovoVantageService.exe', 'Lenovo')],
    'GZ': [('ExamShell.exe', 'C:\\Program Files\\ExamShell\\ExamShell.exe', 'Guangzhou Lanjing Information Co., Ltd.'),
           ('esguard.exe', 'C:\\Program Files\\ExamShell\\esguard.exe', 'Guangzhou Lanjing Information Co., Ltd.'),
           ('tvnserver.exe', 'C:\\Program Files\\TightVNC\\tvnserver.exe', 'GlavSoft LLC.'),
           ('QQPCTray.exe', 'C:\\Program Files (x86)\\Tencent\\QQPCMgr\\16.5.24312.215\\QQPCTray.exe', 'Tencent Technology(Shenzhen) Company Limited'),
           ('QQPCRTP.exe', 'C:\\Program Files (x86)\\Tencent\\QQPCMgr\\16.5.24312.215\\QQPCRTP.exe', 'Tencent Technology(Shenzhen) Company Limited')],
    'KM': [('exam-client', '/opt/apps/cn.anke.examclient/files/bin/exam-client', 'UnionTech AppStore: Anke'),
           ('exam-monitor', '/opt/apps/cn.anke.examclient/files/bin/exam-monitor', 'UnionTech AppStore: Anke')],
}

# connections: (remote, port, process, probability of being open in a snapshot)
CENTRE_CONNS = {
    'HZ': [('exam.binjiang-exam.example', 443, 'ksclient.exe', 1.0), ('ingest.binjiang-exam.example', 443, 'ksmon.exe', 1.0),
           ('10.12.3.2', 4988, 'zjstudent.exe', 1.0), ('wdcp.defender-cloud.example', 443, 'MsMpEng.exe', 0.15)],
    'NB': [('192.168.10.5', 8080, 'ExamClient.exe', 1.0), ('192.168.10.6', 443, 'hamon.exe', 1.0),
           ('198.51.100.91', 80, '360Tray.exe', 0.3)],
    'SX': [('exam.sx-kiosk.example', 443, 'chromium', 1.0), ('collector.sx-kiosk.example', 443, 'exam-agent', 1.0)],
    'WZ': [('ks.wz-park.example', 443, 'ksclient.exe', 1.0), ('ingest.wz-park.example', 443, 'ksmon.exe', 1.0),
           ('hb.sunlogin-oray.example', 443, 'SunloginClient.exe', 0.9), ('cloud.huorong-av.example', 443, 'HipsDaemon.exe', 0.2)],
    'JX': [('vpn-gw.jx-kaoshi.example', 443, 'SecLinkVPN.exe', 1.0), ('10.88.0.10', 8443, 'JXExam.exe', 1.0),
           ('10.88.0.11', 443, 'jxmon.exe', 1.0)],
    'TZ': [('exam.tz-xc.example', 443, 'ExamClient.exe', 1.0), ('ingest.tz-xc.example', 443, 'hamon.exe', 1.0),
           ('wdcp.defender-cloud.example', 443, 'MsMpEng.exe', 0.1)],
    'GZ': [('10.31.1.10', 443, 'ExamShell.exe', 1.0), ('10.31.1.11', 443, 'esguard.exe', 1.0),
           ('update.qqpcmgr.example', 443, 'QQPCTray.exe', 0.25)],
    'KM': [('exam.km-uos.example', 443, 'exam-client', 1.0), ('monitor.km-uos.example', 443, 'exam-monitor', 1.0)],
}

# ---------------------------------------------------------------- variants
SOLO_VARIANTS = {
    'software': [('sw_renamed_rat', 3), ('sw_portable_usb', 2), ('sw_brief_run', 2), ('sw_meeting_share', 3),
                 ('sw_tunnel_vnc', 2), ('sw_masquerade_it', 2), ('sw_browser_webrtc', 2), ('sw_rdp_shadow', 2),
                 ('sw_phone_tether', 2)],
    'hardware': [('hw_hid_injector_mid', 3), ('hw_hid_spoof_twin', 2), ('hw_ipkvm', 2), ('hw_wireless_receiver', 3),
                 ('hw_hdmi_splitter_dictation', 3), ('hw_usb_display', 2), ('hw_kvm_extender', 2), ('hw_faint', 3)],
    'leak': [('lk_full_sheet', 3), ('lk_old_version', 4), ('lk_copy_shift', 2), ('lk_midexam_arrival', 3),
             ('lk_unsure_only', 4), ('lk_partial_sc', 2), ('lk_misread', 2)],
}
VARIANT_CENTRES = {
    'sw_renamed_rat': WIN, 'sw_portable_usb': WIN, 'sw_brief_run': WIN, 'sw_meeting_share': WIN,
    'sw_tunnel_vnc': WIN, 'sw_masquerade_it': ['WZ'], 'sw_browser_webrtc': ['SX'], 'sw_rdp_shadow': WIN,
    'sw_phone_tether': WIN,
}
OP_GROUPS = [
    ('OPG-1', 'op_vnc_insider', 'GZ', 5),
    ('OPG-2', 'op_kvm_churn', 'TZ', 4),
    ('OPG-3', 'op_dictation_lockstep', 'KM', 4),
    ('OPG-4', 'op_relay_crosscentre', 'NB+JX', 4),
    ('OPG-5', 'op_console_override', 'HZ', 3),
]

PERSONAS = [('normal', 30), ('able_fast', 9), ('bank_driller', 9), ('weak_guesser', 10), ('slow_thorough', 10),
            ('answer_changer', 9), ('idle_thinker', 8), ('late_login', 6), ('skipper', 5), ('nervous_clicker', 4),
            ('runs_out_of_time', 3)]


def wchoice(rng, pairs):
    tot = sum(w for _, w in pairs)
    x = rng.uniform(0, tot)
    for v, w in pairs:
        x -= w
        if x <= 0:
            return v
    return pairs[-1][0]


def persona_params(name, rng):
    P = dict(theta=rng.gauss(0.35, 0.6), speed=math.exp(rng.gauss(0, 0.2)), delib=1.0, skip_p=0.0,
             change_p=0.03, review=0.0, idle_p=0.01, idle_len=(20, 80), reclick=0.01, wait=(20, 900))
    if name == 'able_fast':
        P.update(theta=rng.gauss(1.6, 0.4), speed=P['speed'] * 0.55, delib=0.5, change_p=0.02, wait=(5, 180))
    elif name == 'bank_driller':
        P.update(theta=rng.gauss(2.0, 0.4), speed=P['speed'] * 0.42, delib=0.2, change_p=0.01, wait=(5, 120))
    elif name == 'weak_guesser':
        P.update(theta=rng.gauss(-0.9, 0.4), speed=P['speed'] * 0.7, delib=0.3, wait=(5, 300))
    elif name == 'slow_thorough':
        P.update(theta=rng.gauss(0.7, 0.5), speed=P['speed'] * rng.uniform(1.5, 2.5), delib=1.5, review=1.0, wait=(5, 120))
    elif name == 'answer_changer':
        P.update(change_p=0.18, review=0.5)
    elif name == 'idle_thinker':
        P.update(idle_p=0.07, idle_len=(60, 300))
    elif name == 'skipper':
        P.update(skip_p=0.8, review=0.3)
    elif name == 'runs_out_of_time':
        P.update(theta=rng.gauss(0.0, 0.5), speed=P['speed'] * rng.uniform(3.3, 4.3), delib=2.0, idle_p=0.03, idle_len=(30, 120))
    elif name == 'nervous_clicker':
        P.update(reclick=0.18, change_p=0.08)
    return P


# ---------------------------------------------------------------- choosers
class Knower(object):
    def __init__(self, theta, rng, distr_w=0.6):
        self.theta, self.rng, self.distr_w = theta, rng, distr_w
        self.belief = {}

    def pc(self, q):
        return sigmoid(logit(q.p) + self.theta)

    def wrong(self, q, rng, avoid=None):
        others = [l for l in q.labels if l != q.key and l != avoid]
        if not others:
            others = [l for l in q.labels if l != q.key]
        if q.distr in others and rng.random() < self.distr_w:
            return q.distr
        return rng.choice(others)

    def first(self, q):
        if q.id not in self.belief:
            self.belief[q.id] = q.key if self.rng.random() < self.pc(q) else self.wrong(q, self.rng)
        return self.belief[q.id]

    def change(self, q, cur, rng):
        if len(q.labels) == 2:
            return [l for l in q.labels if l != cur][0]
        if cur != q.key:
            return q.key if rng.random() < 0.55 else self.wrong(q, rng, avoid=cur)
        return self.wrong(q, rng)


class MapChooser(Knower):
    def __init__(self, amap, pcv=0.97, theta=2.0, rng=None):
        Knower.__init__(self, theta, rng or random.Random(0))
        self.amap, self.pcv = amap, pcv

    def pc(self, q):
        return self.pcv

    def first(self, q):
        return self.amap[q.id]

    def change(self, q, cur, rng):
        return self.amap[q.id] if cur != self.amap[q.id] else cur


def other_label(q, rng, cur):
    return rng.choice([l for l in q.labels if l != cur])


# ---------------------------------------------------------------- session object
class Sess(object):
    def __init__(self):
        self.actions = []
        self.cur = {}
        self.dev_events = []
        self.disp_events = []
        self.proc_extra = []
        self.conn_extra = []
        self.passive = []
        self.crashes = []
        self.outages = []
        self.dup_p = 0.0
        self.lost_end = False
        self.noise = []
        self.detail = []
        self.input_gaps = []
        self.hid_keys = 2
        self.extra_impulses = []
        self.group = None
        self.variant = None

    def add(self, t, qid, c, src, a):
        self.actions.append((t, qid, c, src, a))
        self.cur[qid] = c


def q_time(rng, q, P, pc):
    base = (9.0 if q.type == 'tf' else 15.0) * q.ln
    dt = base * P['speed'] * math.exp(rng.gauss(0, 0.35))
    if P['delib'] > 0:
        dt += (1 - pc) * rng.expovariate(1.0 / (18 * P['delib']))
    return max(1.0, dt)


def answer_seq(rng, s, qs, t, t_stop, P, know, src, final=True, override=None):
    """Candidate answers qs in order with own behaviour.  Returns (t, remaining)."""
    deferred, later, answered = [], [], []
    remaining = []
    stopped = False
    for i, q in enumerate(qs):
        if P['idle_p'] > 0 and rng.random() < P['idle_p']:
            t += rng.uniform(*P['idle_len'])
        ov = override(q, t) if override else None
        pc = know.pc(q)
        if ov is not None and 'dt' in ov:
            dt = ov['dt']
        else:
            dt = q_time(rng, q, P, ov.get('pc', pc) if ov else pc)
            if ov:
                dt += ov.get('extra', 0.0)
        if t + dt > t_stop:
            remaining = deferred + list(qs[i:])
            stopped = True
            break
        if ov is None and P['skip_p'] > 0 and pc < 0.65 and rng.random() < P['skip_p']:
            t += dt * 0.35
            deferred.append(q)
            continue
        a = t
        t += dt
        c = ov['choice'] if ov else know.first(q)
        qsrc = ov.get('src', src) if ov else src
        s.add(t, q.id, c, qsrc, a)
        answered.append(q)
        if ov is None:
            if rng.random() < P['change_p'] * (1.6 - pc) * (1.7 if c != q.key else 0.5):
                if rng.random() < 0.5:
                    t += rng.uniform(1.0, 9.0)
                    c = know.change(q, c, rng)
                    s.add(t, q.id, c, src, t - 1.0)
                else:
                    later.append(q)
            if rng.random() < P['reclick']:
                t += rng.uniform(0.3, 2.5)
                s.add(t, q.id, c, src, t - 0.3)
    if stopped:
        return t, remaining
    if not final:
        return t, deferred
    for j, q in enumerate(deferred):
        dt = q_time(rng, q, P, know.pc(q)) * 1.3
        if t + dt > t_stop:
            return t, deferred[j:]
        a = t
        t += dt
        s.add(t, q.id, know.first(q), src, a)
        answered.append(q)
    if P['review'] > 0 or later:
        lset = set(q.id for q in later)
        for q in sorted(answered, key=lambda x: x.idx):
            dt = rng.uniform(1.5, 5.0) * P['speed'] * (1 if P['review'] > 0 else 0.4)
            if t + dt > t_stop:
                break
            a = t
            t += dt
            if q.id in lset or rng.random() < 0.03 * P['review'] * (1.8 if s.cur.get(q.id) != q.key else 0.4):
                t += rng.uniform(2, 15)
                s.add(t, q.id, know.change(q, s.cur.get(q.id, know.first(q)), rng), src, a)
    return t, []


def controlled(rng, s, qs, t, t_stop, chooser, src, per=(3.5, 8.0), breaks=0.02):
    """Someone else operates the terminal and answers qs.  Returns (t, remaining)."""
    for i, q in enumerate(qs):
        dt = rng.uniform(*per) * (1.4 if q.type == 'sc' else 1.0)
        if chooser.pc(q) < 0.7:
            dt += rng.uniform(2, 12)
        if rng.random() < breaks:
            dt += rng.uniform(20, 90)
        if t + dt > t_stop:
            return t, list(qs[i:])
        a = t
        t += dt
        s.add(t, q.id, chooser.first(q), src, a)
    return t, []


def dictated(rng, s, qs, t, t_stop, helper, src, mishear=0.015, pace=(9.5, 15.0)):
    """Candidate clicks locally what a helper dictates: steady pace, little dependence on own doubt."""
    for i, q in enumerate(qs):
        mu = pace[0] if q.type == 'tf' else pace[1]
        dt = max(3.0, rng.gauss(mu, mu * 0.18))
        if helper.pc(q) < 0.75 and rng.random() < 0.5:
            dt += rng.uniform(8, 30)
        if rng.random() < 0.02:
            dt += rng.uniform(30, 120)
        if t + dt > t_stop:
            return t, list(qs[i:])
        a = t
        t += dt
        c = helper.first(q)
        if rng.random() < mishear:
            c = other_label(q, rng, c)
        s.add(t, q.id, c, src, a)
    return t, []


def finish(s, rng, t_last, wait):
    if t_last >= s.t_limit - 1:
        s.t_end = s.t_limit + rng.uniform(0.5, 4)
    else:
        s.t_end = min(s.t_limit + rng.uniform(0.5, 4), t_last + rng.uniform(*wait))


# ---------------------------------------------------------------- building blocks
def sched(t0, first, period, phase, t_until):
    out = [t0 + first]
    t = t0 + phase
    while t < t_until:
        if t > out[-1] + 5:
            out.append(t)
        t += period
    return out


def helper_knower(rng, theta=2.4):
    return Knower(theta, rng, distr_w=0.7)


def own_persona(rng):
    name = wchoice(rng, [('normal', 40), ('weak_guesser', 20), ('answer_changer', 10), ('idle_thinker', 8),
                         ('slow_thorough', 8), ('skipper', 6), ('able_fast', 8)])
    return name, persona_params(name, rng)


# ---------------------------------------------------------------- variants: software
def v_sw_renamed_rat(s, rng):
    disg = rng.choice([
        ('RuntimeBroker.exe', 'C:\\Users\\ks\\AppData\\Local\\Temp\\~rb01\\RuntimeBroker.exe', MSW),
        ('igfxEMN.exe', 'C:\\Users\\Public\\Intel\\igfxEMN.exe', 'Intel Corporation'),
        ('SogouCloud.exe', 'C:\\ProgramData\\SogouInput\\SogouCloud.exe', 'Beijing Sogou Technology Development Co., Ltd.'),
        ('audiodg.exe', 'C:\\ProgramData\\Realtek\\audiodg.exe', ''),
    ])
    remote = rng.choice([('cdn-static-07.imgcache.example', 443), ('203.0.113.45', 443), ('198.51.100.201', 8443)])
    s.proc_extra.append((s.t_login - 600, INF, disg))
    t = s.t_ans0
    own = rng.randint(0, 8)
    t, _ = answer_seq(rng, s, s.order[:own], t, s.t_limit, s.P, s.know, s.src, final=False)
    t_ctrl = t + rng.uniform(20, 90)
    helper = helper_knower(rng)
    t2, rem = controlled(rng, s, s.order[own:], t_ctrl, s.t_limit, helper, 'remote', per=(4, 10), breaks=0.03)
    # controller also fixes the candidate's own early answers
    for q in s.order[:own]:
        if s.cur.get(q.id) != helper.first(q):
            t2 += rng.uniform(3, 7)
            s.add(t2, q.id, helper.first(q), 'remote', t2 - 2)
    s.conn_extra.append((t_ctrl - rng.uniform(20, 60), t2 + rng.uniform(10, 40), (remote[0], remote[1], disg[0])))
    s.passive.append((t_ctrl - 10, t2 + 10))
    finish(s, rng, t2, (5, 60))
    s.detail.append('%s at %s signer=%r, relay %s:%d, helper answered from +%.0fmin with no local input'
                    % (disg[0], disg[1], disg[2], remote[0], remote[1], (t_ctrl - s.t_login) / 60))


def v_sw_portable_usb(s, rng):
    stick = rng.choice([dev('storage', 'USB DISK 3.0', '090c', '1000'), dev('storage', 'Kingston DataTraveler 3.0', '0951', '1666'),
                        dev('storage', 'SanDisk Cruzer Blade', '0781', '5567')])
    tool = rng.choice([('AnyDesk.exe', 'E:\\AnyDesk.exe', 'AnyDesk Software GmbH', 'relay-3f1a.anydesk-net.example', 443),
                       ('rustdesk.exe', 'F:\\green\\rustdesk.exe', '', '198.51.100.140', 21117),
                       ('ToDesk_Lite.exe', 'E:\\tools\\ToDesk_Lite.exe', 'Hainan Youqu Technology Co., Ltd.', 'relay-gz.todesk-cn.example', 443)])
    t_att = s.t_ans0 + rng.uniform(60, 500)
    t, rem = answer_seq(rng, s, s.order, s.t_ans0, t_att + 20, s.P, s.know, s.src, final=False)
    t = max(t, t_att + 20)
    s.dev_events.append((t_att, 'attached') + stick)
    t_w0 = t + rng.uniform(10, 40)
    helper = helper_knower(rng)
    t2, rem2 = controlled(rng, s, rem, t_w0, s.t_limit, helper, 'remote', per=(3, 7))
    s.proc_extra.append((t_w0 - 15, t2 + 8, tool[:3]))
    s.conn_extra.append((t_w0 - 10, t2 + 5, (tool[3], tool[4], tool[0])))
    s.passive.append((t_w0 - 5, t2 + 5))
    t_rm = t2 + rng.uniform(10, 60)
    s.dev_events.append((t_rm, 'removed') + stick)
    t3, _ = answer_seq(rng, s, rem2, t_rm + 5, s.t_limit, s.P, s.know, s.src)
    finish(s, rng, max(t3, t_rm + 10), (20, 300))
    s.detail.append('portable %s run from %s (%s) for %.1f min; %d answers with no local input'
                    % (tool[0], stick[1], tool[1], (t2 - t_w0) / 60, len(rem) - len(rem2)))


def v_sw_brief_run(s, rng):
    # window between two process snapshots that contains one connection snapshot
    pts, cts = s.proc_times, s.conn_times
    cand = []
    for k in range(len(pts) - 1):
        a, b = pts[k], pts[k + 1]
        if a < s.t_ans0 + 240 or b > s.t_limit - 600:
            continue
        for ct in cts:
            if a + 25 < ct < b - 25:
                cand.append((a, b, ct))
    a, b, ct = rng.choice(cand)
    w0 = max(a + 6, ct - rng.uniform(40, 150))
    w1 = min(b - 6, ct + rng.uniform(30, 150))
    tool = rng.choice([('qs_x64.exe', 'C:\\Users\\ks\\Downloads\\qs_x64.exe', 'TeamViewer Germany GmbH', '198.51.100.38', 5938),
                       ('sunlogin_lite.exe', 'C:\\Users\\ks\\Desktop\\sunlogin_lite.exe', 'Shanghai Oray Information Technology Co., Ltd.', 'p2p-17.sunlogin-oray.example', 443)])
    t, rem = answer_seq(rng, s, s.order, s.t_ans0, w0 - 3, s.P, s.know, s.src, final=False)
    helper = helper_knower(rng)
    n_before = len(rem)
    t2, rem = controlled(rng, s, rem, w0 + rng.uniform(8, 20), w1 - 3, helper, 'remote', per=(2.5, 5.0), breaks=0)
    n_ctrl = n_before - len(rem)
    s.proc_extra.append((w0, w1, tool[:3]))
    s.conn_extra.append((w0 + 3, w1, (tool[3], tool[4], tool[0])))
    s.passive.append((w0, w1))
    t3, _ = answer_seq(rng, s, rem, w1 + rng.uniform(5, 30), s.t_limit, s.P, s.know, s.src)
    finish(s, rng, t3, s.P['wait'])
    nct = sum(1 for x in cts if w0 + 3 <= x < w1)
    s.detail.append('%s ran %.0fs between two process snapshots (never in a process list; in %d connections snapshot(s) to %s:%d); %d answers in the window with no local input'
                    % (tool[0], w1 - w0, nct, tool[3], tool[4], n_ctrl))


def v_sw_meeting_share(s, rng):
    app = rng.choice([
        ('wemeetapp.exe', 'C:\\Program Files (x86)\\Tencent\\WeMeet\\3.28.5.412\\wemeetapp.exe', 'Tencent Technology(Shenzhen) Company Limited', 'edge-sz.wemeet-media.example'),
        ('DingTalk.exe', 'C:\\Program Files (x86)\\DingDing\\main\\current\\DingTalk.exe', 'Alibaba (China) Network Technology Co.,Ltd.', 'rtc-hz.dingtalk-media.example'),
        ('Feishu.exe', 'C:\\Users\\ks\\AppData\\Local\\Feishu\\app\\Feishu.exe', 'Beijing Feishu Technology Co., Ltd.', 'vc-edge.feishu-media.example'),
    ])
    t_on = s.t_login - rng.uniform(30, 400) if rng.random() < 0.6 else s.t_ans0 + rng.uniform(10, 120)
    s.proc_extra.append((t_on, INF, app[:3]))
    s.conn_extra.append((t_on + 5, INF, (app[3], 443, app[0])))
    helper = helper_knower(rng)
    t, rem = dictated(rng, s, s.order, max(s.t_ans0, t_on + 20), s.t_limit, helper, s.src)
    finish(s, rng, t, (10, 200))
    s.detail.append('%s screen share to %s from %s; candidate clicks dictated answers (local input normal, steady pace)'
                    % (app[0], app[3], 'before login' if t_on < s.t_login else 'shortly after start'))


def v_sw_tunnel_vnc(s, rng):
    vnc = rng.choice([('igfxHK.exe', 'C:\\ProgramData\\Intel\\igfxHK.exe', ''),
                      ('OneDriveSync.exe', 'C:\\Users\\ks\\AppData\\Local\\Microsoft\\OneDriveSync.exe', 'Microsoft Corporation')])
    tun = rng.choice([('conhost.exe', 'C:\\Users\\ks\\AppData\\Roaming\\conhost.exe', '', '198.51.100.66', 22),
                      ('frpc.exe', 'C:\\Windows\\Temp\\wupd\\frpc.exe', '', 'tun.frp-edge.example', 7000)])
    s.proc_extra.append((s.t_login - 900, INF, vnc))
    t_tun = s.t_ans0 + rng.uniform(20, 200)
    s.proc_extra.append((t_tun, INF, tun[:3]))
    t, rem = answer_seq(rng, s, s.order, s.t_ans0, t_tun + rng.uniform(20, 60), s.P, s.know, s.src, final=False)
    t0 = t + rng.uniform(10, 40)
    helper = helper_knower(rng)
    t2, _ = controlled(rng, s, rem, t0, s.t_limit, helper, 'remote', per=(4, 9))
    s.conn_extra.append((t_tun + 2, INF, (tun[3], tun[4], tun[0])))
    s.conn_extra.append((t0 - 5, t2 + 20, ('127.0.0.1', 5900, vnc[0])))
    s.passive.append((t0 - 5, t2 + 5))
    finish(s, rng, t2, (5, 90))
    s.detail.append('hidden VNC server as %s, reverse tunnel %s -> %s:%d; helper answered %d questions'
                    % (vnc[0], tun[0], tun[3], tun[4], len(rem)))


def v_sw_masquerade_it(s, rng):
    sl = ('SunloginClient.exe', 'C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe',
          'Shanghai Oray Information Technology Co., Ltd.')
    own = rng.randint(5, 30)
    t, _ = answer_seq(rng, s, s.order[:own], s.t_ans0, s.t_limit, s.P, s.know, s.src, final=False)
    t0 = t + rng.uniform(20, 120)
    helper = helper_knower(rng)
    t2, _ = controlled(rng, s, s.order[own:], t0, s.t_limit, helper, 'remote', per=(3.5, 8))
    relay = rng.choice([('203.0.113.150', 4118), ('p2p-relay-09.sunlogin-oray.example', 443)])
    s.proc_extra.append((t0 - 20, t2 + 15, sl))  # second instance (session UI) of the centre's own idle tool
    s.conn_extra.append((t0 - 15, t2 + 10, (relay[0], relay[1], sl[0])))
    s.passive.append((t0 - 5, t2 + 5))
    finish(s, rng, t2, (5, 60))
    s.detail.append('centre-installed idle SunloginClient.exe used for an inbound session (2nd instance, relay %s:%d); helper answered from question %d'
                    % (relay[0], relay[1], own + 1))


def v_sw_browser_webrtc(s, rng):
    t_on = s.t_ans0 + rng.uniform(-30, 60)
    s.conn_extra.append((t_on, INF, ('turn-1.p2pshare.example', 3478, 'chromium')))
    s.conn_extra.append((t_on, INF, ('sig.p2pshare.example', 443, 'chromium')))
    helper = helper_knower(rng)
    t, _ = dictated(rng, s, s.order, s.t_ans0 + rng.uniform(30, 90), s.t_limit, helper, s.src, pace=(8.5, 13.0))
    finish(s, rng, t, (10, 240))
    s.detail.append('screen shared from the kiosk browser itself by a WebRTC extension (TURN turn-1.p2pshare.example:3478); process list unchanged; dictated answers')


def v_sw_rdp_shadow(s, rng):
    wifi = rng.choice([dev('other', '802.11n USB Wireless LAN Card', '0bda', '8179'), dev('other', 'Wireless USB Adapter', '148f', '7601')])
    present = rng.random() < 0.5
    if present:
        s.devices.append(wifi)
    else:
        s.dev_events.append((s.t_ans0 - rng.uniform(10, 50), 'attached') + wifi)
    own = rng.randint(0, 15)
    t, _ = answer_seq(rng, s, s.order[:own], s.t_ans0, s.t_limit, s.P, s.know, s.src, final=False)
    t0 = t + rng.uniform(15, 60)
    helper = helper_knower(rng)
    t2, _ = controlled(rng, s, s.order[own:], t0, s.t_limit, helper, 'remote', per=(4, 9))
    peer = '192.168.137.%d' % rng.randint(2, 250)
    s.proc_extra.append((t0 - 5, t2 + 30, ('rdpclip.exe', S32 + 'rdpclip.exe', MSW)))
    s.conn_extra.append((t0 - 10, t2 + 20, (peer, 3389, 'svchost.exe')))
    s.passive.append((t0 - 5, t2 + 5))
    if not present and rng.random() < 0.6:
        s.dev_events.append((t2 + rng.uniform(30, 120), 'removed') + wifi)
    finish(s, rng, t2 + 130, (5, 60))
    s.detail.append('RDP shadowing over a %s Wi-Fi dongle (%s) to hotspot peer %s:3389; rdpclip.exe appears; helper answered'
                    % ('present-at-login' if present else 'late-attached', wifi[1], peer))


def v_sw_phone_tether(s, rng):
    nd = dev('other', 'Remote NDIS based Internet Sharing Device', '18d1', '4ee3')
    t_a = s.t_ans0 + rng.uniform(30, 300)
    s.dev_events.append((t_a, 'attached') + nd)
    t, rem = answer_seq(rng, s, s.order, s.t_ans0, t_a + 40, s.P, s.know, s.src, final=False)
    t0 = max(t, t_a + 40) + rng.uniform(10, 40)
    tool = ('ToDesk_Lite.exe', 'C:\\Users\\Public\\Downloads\\ToDesk_Lite.exe', 'Hainan Youqu Technology Co., Ltd.')
    helper = helper_knower(rng)
    t2, _ = controlled(rng, s, rem, t0, s.t_limit, helper, 'remote', per=(3.5, 8))
    s.proc_extra.append((t0 - 25, t2 + 10, tool))
    s.conn_extra.append((t0 - 20, t2 + 5, ('relay-gz.todesk-cn.example', 443, tool[0])))
    s.conn_extra.append((t0 - 20, t2 + 5, ('192.168.42.129', 53, tool[0])))
    s.passive.append((t0 - 5, t2 + 5))
    s.dev_events.append((t2 + rng.uniform(20, 90), 'removed') + nd)
    finish(s, rng, t2 + 100, (5, 60))
    s.detail.append('phone USB tethering (RNDIS) gave a second uplink; portable ToDesk over it; helper answered %d questions' % len(rem))


# ---------------------------------------------------------------- variants: hardware
INJECTORS = [dev('hid', 'USB Keyboard', '16c0', '27db'), dev('hid', 'Arduino Leonardo', '2341', '8036'),
             dev('hid', 'HID Keyboard Device', '1a86', 'e129'), dev('hid', 'CH9329 Keyboard', '1a86', 'e129')]


def v_hw_hid_injector_mid(s, rng):
    inj = rng.choice(INJECTORS)
    s.hid_keys = rng.choice([2, 3])
    own = rng.randint(15, 60)
    t, _ = answer_seq(rng, s, s.order[:own], s.t_ans0, s.t_limit, s.P, s.know, s.src, final=False)
    rem = s.order[own:]
    t_a = t + rng.uniform(20, 120)
    s.dev_events.append((t_a, 'attached') + inj)
    helper = helper_knower(rng)
    t2, rem2 = controlled(rng, s, rem, t_a + rng.uniform(5, 30), s.t_limit, helper, 'hid', per=(1.8, 4.5), breaks=0.01)
    s.passive.append((t_a, t2 + 3))
    if rng.random() < 0.6:
        s.dev_events.append((t2 + rng.uniform(10, 90), 'removed') + inj)
    finish(s, rng, t2, (20, 400))
    s.detail.append('%s (%s:%s) attached at +%.0fmin typed %d answers (%d keys each, no pointer)'
                    % (inj[1], inj[2], inj[3], (t_a - s.t_login) / 60, len(rem), s.hid_keys))


def v_hw_hid_spoof_twin(s, rng):
    s.devices.append(s.c['kb'])  # an injector cloning the room's standard keyboard descriptor
    s.hid_keys = 2
    helper = helper_knower(rng)

    def ov(q, t):
        if s.know.pc(q) < 0.72:
            return dict(choice=helper.first(q), src='hid', extra=rng.uniform(6, 18))
        return None
    t, _ = answer_seq(rng, s, s.order, s.t_ans0, s.t_limit, s.P, s.know, s.src, override=ov)
    finish(s, rng, t, s.P['wait'])
    s.detail.append('second keyboard with the same descriptor as the room keyboard (%s %s:%s) present from login; hard questions typed by accomplice'
                    % (s.c['kb'][1], s.c['kb'][2], s.c['kb'][3]))


def v_hw_ipkvm(s, rng):
    s.devices += [dev('hid', 'USB Composite Device', '1d6b', '0104'), dev('storage', 'Mass Storage Gadget', '0525', 'a4a5')]
    res = rng.choice(['1280x720', '1920x1080'])
    s.disp0 = (1, False, res)
    helper = helper_knower(rng)
    t0 = s.t_ans0 + rng.uniform(20, 150)
    t, _ = controlled(rng, s, s.order, t0, s.t_limit, helper, 'kvm', per=(4, 9))
    s.passive.append((s.t_login, t + 5))
    finish(s, rng, t, (5, 60))
    s.detail.append('IP-KVM gadget (1d6b:0104 + mass storage gadget) present from login, display %s; remote operator answered with absolute-pointer clicks' % res)


def v_hw_wireless_receiver(s, rng):
    rcv = rng.choice([dev('hid', '2.4G Wireless Receiver', '25a7', 'fa61'), dev('hid', 'USB Receiver', '1ea7', '0066'),
                      dev('hid', 'Wireless Receiver', '3151', '3020')])
    if rng.random() < 0.7:
        s.devices.append(rcv)
        how = 'present from login'
    else:
        s.dev_events.append((s.t_ans0 - rng.uniform(5, 60), 'attached') + rcv)
        how = 'attached just before answering'
    helper = helper_knower(rng)
    half = rng.random() < 0.5
    if half:
        n = rng.randint(20, 60)
        t, _ = answer_seq(rng, s, s.order[:n], s.t_ans0, s.t_limit, s.P, s.know, s.src, final=False)
        t2, _ = controlled(rng, s, s.order[n:], t + rng.uniform(10, 60), s.t_limit, helper, 'mouse', per=(4, 9))
        s.passive.append((t + 5, t2 + 5))
    else:
        t2, _ = controlled(rng, s, s.order, s.t_ans0 + rng.uniform(10, 60), s.t_limit, helper, 'mouse', per=(5, 10))
        s.passive.append((s.t_ans0, t2 + 5))
    finish(s, rng, t2, (10, 200))
    s.detail.append('%s (%s:%s) %s; accomplice watching via hidden camera used a wireless mouse (%s)'
                    % (rcv[1], rcv[2], rcv[3], how, 'second half' if half else 'whole paper'))


def v_hw_hdmi_splitter_dictation(s, rng):
    mode = rng.choice(['second_sink', 'edid_drop', 'late_mirror'])
    res0 = s.disp0[2]
    if mode == 'second_sink':
        s.disp0 = (2, True, res0)
        txt = 'splitter reports a second mirrored sink from login'
    elif mode == 'edid_drop':
        t_x = s.t_ans0 + rng.uniform(-60, 120)
        s.disp_events.append((t_x, 1, False, '1280x720'))
        txt = 'resolution dropped to 1280x720 when a splitter was inserted'
    else:
        t_x = s.t_ans0 + rng.uniform(30, 300)
        s.disp_events.append((t_x, 2, True, res0))
        txt = 'mirrored second display appeared at +%.0fmin' % ((t_x - s.t_login) / 60)
    helper = helper_knower(rng)
    t, _ = dictated(rng, s, s.order, s.t_ans0 + rng.uniform(10, 40), s.t_limit, helper, s.src)
    finish(s, rng, t, (10, 200))
    s.detail.append('HDMI splitter to a helper who dictates via earpiece; ' + txt)


def v_hw_usb_display(s, rng):
    ad = rng.choice([dev('other', 'USB to HDMI Adapter', '345f', '9132'), dev('other', 'USB Display Adapter', '17e9', '4307')])
    t_a = s.t_ans0 + rng.uniform(-40, 240)
    s.dev_events.append((t_a, 'attached') + ad)
    s.disp_events.append((t_a + rng.uniform(2, 8), 2, True, s.disp0[2]))
    helper = helper_knower(rng)
    t, rem = answer_seq(rng, s, s.order, s.t_ans0, t_a + 30, s.P, s.know, s.src, final=False)
    t2, _ = dictated(rng, s, rem, max(t, t_a + 30) + rng.uniform(10, 40), s.t_limit, helper, s.src)
    finish(s, rng, t2, (10, 200))
    s.detail.append('%s (%s:%s) attached, display mirrored to a wireless transmitter; helper dictates' % ad[1:])


def v_hw_kvm_extender(s, rng):
    s.devices += [dev('other', 'USB 2.0 Extender Hub', '2109', '2811'), dev('hid', 'USB Keyboard', '1c4f', '0002'),
                  dev('hid', 'USB Optical Mouse', '1c4f', '0034')]
    res = rng.choice(['1680x1050', '1280x1024'])
    s.disp0 = (1, False, res)
    helper = helper_knower(rng)
    t, _ = controlled(rng, s, s.order, s.t_ans0 + rng.uniform(20, 120), s.t_limit, helper, 'ext', per=(4.5, 10))
    s.passive.append((s.t_login, t + 5))
    finish(s, rng, t, (5, 120))
    s.detail.append('Cat6 KVM extender (hub 2109:2811 + extra keyboard/mouse) present from login, display %s; operator in another room answered' % res)


def v_hw_faint(s, rng):
    k = s.sub
    helper = helper_knower(rng)
    if k == 0:
        res = {'1920x1080': '1680x1050', '1440x900': '1280x1024', '1366x768': '1280x720', '1600x900': '1280x1024'}[s.disp0[2]]
        s.disp0 = (1, False, res)
        t, _ = dictated(rng, s, s.order, s.t_ans0 + rng.uniform(10, 40), s.t_limit, helper, s.src)
        s.detail.append('faint_edid: only trace is a non-standard resolution %s from an inline splitter EDID; dictated answers' % res)
    elif k == 1:
        stm = dev('hid', 'USB Input Device', '0483', '5750')
        s.hid_keys = 2

        def ov(q, t):
            if s.know.pc(q) < 0.7:
                return dict(choice=helper.first(q), src='hid', extra=rng.uniform(4, 12))
            return None
        t, _ = answer_seq(rng, s, s.order, s.t_ans0, s.t_limit, s.P, s.know, s.src, override=ov)
        s.dev_events.append((t + rng.uniform(5, 40), 'removed') + stm)
        s.detail.append('faint_removed: keystroke injector never reported present/attached, only a late "removed" of %s 0483:5750; hard questions typed' % stm[1])
    else:
        s.devices.append(dev('other', 'Generic USB Hub', '05e3', '0610'))
        t, _ = dictated(rng, s, s.order, s.t_ans0 + rng.uniform(10, 40), s.t_limit, helper, s.src, pace=(10.5, 16))
        s.detail.append('faint_hub: only an extra Generic USB Hub (05e3:0610, hub of a hidden capture dongle) present; dictated answers')
    finish(s, rng, max(t, s.t_ans0 + 60), (10, 300))


# ---------------------------------------------------------------- variants: leak
def key_map(paper, rng, slips=0, deliberate=0):
    m = dict((q.id, q.key) for q in paper.qs)
    for q in rng.sample(paper.qs, slips + deliberate):
        m[q.id] = other_label(q, rng, q.key)
    return m


LEAK_P = dict(theta=0, speed=0.5, delib=0.0, skip_p=0, change_p=0.0, review=0, idle_p=0.0, idle_len=(0, 0), reclick=0.01, wait=(30, 900))


def v_lk_full_sheet(s, rng):
    m = key_map(s.paper, rng, rng.randint(0, 2), rng.randint(0, 6))
    P = dict(LEAK_P, speed=rng.uniform(0.35, 0.6))
    t, _ = answer_seq(rng, s, s.order, s.t_ans0, s.t_limit, P, MapChooser(m, rng=rng), s.src)
    finish(s, rng, t, (60, 1500))
    s.detail.append('whole key memorised/printed before the exam; fast, flat timing; %d deliberate or slipped errors'
                    % sum(1 for q in s.paper.qs if m[q.id] != q.key))


def v_lk_old_version(s, rng):
    m = key_map(s.paper, rng, rng.randint(0, 2))
    for qid, c in s.paper.old_key.items():
        m[qid] = c
    P = dict(LEAK_P, speed=rng.uniform(0.4, 0.7))
    t, _ = answer_seq(rng, s, s.order, s.t_ans0, s.t_limit, P, MapChooser(m, rng=rng), s.src)
    finish(s, rng, t, (60, 1200))
    s.detail.append('answer sheet from an older key version of %s: the same 8 outdated answers as the other sheet users' % s.paper.exam)


def v_lk_copy_shift(s, rng):
    qs = s.order
    m = dict((q.id, q.key) for q in s.paper.qs)
    while True:
        st = rng.randint(5, len(qs) - 20)
        L = rng.randint(7, 14)
        if all(qs[i].type == qs[st].type for i in range(st, st + L + 1)):
            break
    for i in range(st, st + L):
        m[qs[i].id] = qs[i + 1].key
    for q in rng.sample(qs, rng.randint(0, 2)):
        m[q.id] = other_label(q, rng, q.key)
    P = dict(LEAK_P, speed=rng.uniform(0.4, 0.65))
    t, _ = answer_seq(rng, s, qs, s.t_ans0, s.t_limit, P, MapChooser(m, rng=rng), s.src)
    finish(s, rng, t, (30, 900))
    s.detail.append('copied a key sheet line-shifted by one for presented positions %d-%d (answers equal the next question\'s key)' % (st + 1, st + L))


def v_lk_midexam_arrival(s, rng):
    k = rng.randint(35, 75)
    t, _ = answer_seq(rng, s, s.order[:k], s.t_ans0, s.t_limit, s.P, s.know, s.src, final=False)
    rem = s.order[k:]
    t_leak = t + rng.uniform(5, 90)
    m = key_map(s.paper, rng, rng.randint(0, 2))
    P = dict(LEAK_P, speed=rng.uniform(0.4, 0.6))
    t = max(t, t_leak) + rng.uniform(5, 60)
    done = set(q.id for q in s.order) - set(q.id for q in rem)
    t, _ = answer_seq(rng, s, rem, t, s.t_limit, P, MapChooser(m, rng=rng), s.src, final=False)
    n_fix = 0
    for q in s.order:
        if q.id in done and s.cur.get(q.id) != m[q.id]:
            t += rng.uniform(2.0, 5.5)
            if t > s.t_limit:
                break
            s.add(t, q.id, m[q.id], s.src, t - 2)
            n_fix += 1
    finish(s, rng, t, (20, 400))
    s.detail.append('key arrived during the exam at +%.0fmin (%d questions left); %d earlier answers swept to the key'
                    % ((t_leak - s.t_login) / 60, len(rem), n_fix))


def v_lk_unsure_only(s, rng):
    n = [0]
    s.P = dict(s.P, theta=rng.gauss(-0.2, 0.4))
    s.know = Knower(s.P['theta'], rng)

    def ov(q, t):
        if s.know.pc(q) < 0.65:
            n[0] += 1
            c = q.key if rng.random() < 0.97 else other_label(q, rng, q.key)
            return dict(choice=c, extra=rng.uniform(12, 45), pc=0.9)
        return None
    t, _ = answer_seq(rng, s, s.order, s.t_ans0, s.t_limit, s.P, s.know, s.src, override=ov)
    finish(s, rng, t, s.P['wait'])
    s.detail.append('own knowledge, hidden sheet consulted only for %d unsure questions (longer pause, then right)' % n[0])


def v_lk_partial_sc(s, rng):
    def ov(q, t):
        if q.type == 'sc':
            c = q.key if rng.random() < 0.97 else other_label(q, rng, q.key)
            return dict(choice=c, dt=rng.uniform(3, 8))
        return None
    t, _ = answer_seq(rng, s, s.order, s.t_ans0, s.t_limit, s.P, s.know, s.src, override=ov)
    finish(s, rng, t, s.P['wait'])
    s.detail.append('leak covered only the single-choice part; true/false by own knowledge (theta %.2f)' % s.P['theta'])


def v_lk_misread(s, rng):
    m = dict((q.id, q.key) for q in s.paper.qs)
    n = 0
    for q in s.paper.qs:
        if q.type == 'sc' and q.key in ('B', 'D') and rng.random() < 0.35:
            m[q.id] = 'D' if q.key == 'B' else 'B'
            n += 1
        elif q.type == 'tf' and rng.random() < 0.03:
            m[q.id] = other_label(q, rng, q.key)
            n += 1
    P = dict(LEAK_P, speed=rng.uniform(0.45, 0.7))
    t, _ = answer_seq(rng, s, s.order, s.t_ans0, s.t_limit, P, MapChooser(m, rng=rng), s.src)
    finish(s, rng, t, (30, 1200))
    s.detail.append('photo of a handwritten answer sheet: B/D misread and a few true/false slips (%d copying errors)' % n)


# ---------------------------------------------------------------- operator groups
def op_vector(paper, rng, theta=2.0):
    k = Knower(theta, rng, distr_w=0.7)
    return dict((q.id, k.first(q)) for q in paper.qs)


def member_map(vec, paper, rng, lo=1, hi=4):
    m = dict(vec)
    for q in rng.sample(paper.qs, rng.randint(lo, hi)):
        m[q.id] = other_label(q, rng, m[q.id])
    return m


def g_vnc_insider(members, rng):
    paper = members[0].paper
    vec = op_vector(paper, rng)
    insider = '10.31.7.%d' % rng.randint(20, 60)
    t = max(s.t_ans0 for s in members) + rng.uniform(120, 360)
    for s in members:
        m = MapChooser(member_map(vec, paper, rng, 0, 3), pcv=0.95, rng=rng)
        # the candidate dabbles on his own until the insider arrives
        P = dict(s.P, theta=-1.0, speed=s.P['speed'] * 1.6)
        s.know = Knower(-1.0, rng)
        answer_seq(rng, s, s.order, s.t_ans0, t - 20, P, s.know, s.src, final=False)
        t0 = t
        for q in s.order:
            if s.cur.get(q.id) != m.first(q):
                dt = rng.uniform(3, 7) * (1.3 if q.type == 'sc' else 1)
                t += dt
                s.add(t, q.id, m.first(q), 'remote', t - dt)
            else:
                t += rng.uniform(0.8, 1.6)
            if t > s.t_limit:
                break
        s.conn_extra.append((t0 - 15, t + 10, (insider, 5900, 'tvnserver.exe')))
        s.passive.append((t0 - 10, t + 10))
        s.t_end = min(s.t_limit + 2, t + rng.uniform(4, 20))
        s.detail.append('centre TightVNC (normally idle) driven from %s; insider went terminal by terminal, overwrote answers, then submitted' % insider)
        t = s.t_end + rng.uniform(15, 60)


def g_kvm_churn(members, rng):
    paper = members[0].paper
    vec = op_vector(paper, rng)
    okb = dev('hid', 'USB Keyboard', '1c4f', '0002')
    oms = dev('hid', 'USB Optical Mouse', '093a', '2521')
    maps = [MapChooser(member_map(vec, paper, rng, 1, 3), pcv=0.95, rng=rng) for _ in members]
    pos = [0] * len(members)
    members[0].devices += [okb, oms]
    active = 0
    t = max(s.t_ans0 for s in members) + rng.uniform(30, 120)
    n_sw = 0
    while any(pos[i] < len(members[i].order) for i in range(len(members))):
        s = members[active]
        blk = rng.randint(5, 14)
        start = t
        for _ in range(blk):
            if pos[active] >= len(s.order):
                break
            q = s.order[pos[active]]
            dt = rng.uniform(4, 8) * (1.4 if q.type == 'sc' else 1)
            t += dt
            s.add(t, q.id, maps[active].first(q), 'ext', t - dt)
            pos[active] += 1
        s.passive.append((start - 2, t + 2))
        nxt = (active + 1) % len(members)
        for _ in range(len(members)):
            if pos[nxt] < len(members[nxt].order):
                break
            nxt = (nxt + 1) % len(members)
        if nxt != active:
            t += rng.uniform(1.0, 3.0)
            for d in (okb, oms):
                members[active].dev_events.append((t, 'removed') + d)
                members[nxt].dev_events.append((t + rng.uniform(0.6, 1.8), 'attached') + d)
            n_sw += 1
            t += rng.uniform(1.5, 4)
        active = nxt
    for s in members:
        s.passive.append((s.t_ans0, t))
        s.t_end = min(s.t_limit + 2, t + rng.uniform(20, 200))
        s.detail.append('one operator on a 4-port USB switch with his own keyboard/mouse (1c4f:0002, 093a:2521); %d switches, answers in alternating blocks' % n_sw)


def g_dictation_lockstep(members, rng):
    paper = members[0].paper
    vec = op_vector(paper, rng, theta=1.8)
    helper = MapChooser(vec, pcv=0.95, rng=rng)
    lags = [rng.uniform(1.5, 6) for _ in members]
    T = max(s.t_ans0 for s in members) + rng.uniform(60, 200)
    for q in paper.qs:
        mu = 11.5 if q.type == 'tf' else 17.0
        T += max(4.0, rng.gauss(mu, 2.2))
        if rng.random() < 0.02:
            T += rng.uniform(40, 150)
        for s, lag in zip(members, lags):
            t = T + max(0.8, rng.gauss(lag, 1.3))
            c = helper.first(q)
            if rng.random() < 0.015:
                c = other_label(q, rng, c)
            if t < s.t_limit:
                s.add(t, q.id, c, s.src, t - rng.uniform(4, 9))
    for s in members:
        s.t_end = min(s.t_limit + 2, T + rng.uniform(30, 300))
        s.detail.append('operator outside dictates via earpieces to candidates in two rooms; same paper order, answers within seconds of each other, shared wrong answers')


def g_relay_crosscentre(members, rng):
    paper = members[0].paper
    vec = op_vector(paper, rng, theta=2.2)
    tool = ('WmiPrvSE.exe', 'C:\\Users\\Public\\Libraries\\WmiPrvSE.exe', MSW)
    relay = ('203.0.113.77', 443)
    t = max(s.t_ans0 for s in members) + rng.uniform(60, 240)
    for s in members:
        s.proc_extra.append((s.t_login - 1200, INF, tool))
        s.conn_extra.append((s.t_login - 60, INF, (relay[0], relay[1], tool[0])))
    order = list(members)
    rng.shuffle(order)
    for s in order:
        m = MapChooser(member_map(vec, paper, rng, 1, 4), pcv=0.95, rng=rng)
        t0 = t
        t, _ = controlled(rng, s, s.order, t, s.t_limit, m, 'remote', per=(3, 7), breaks=0.01)
        s.passive.append((s.t_login, t + 5))
        s.t_end = min(s.t_limit + 2, t + rng.uniform(3, 15))
        s.detail.append('signer-spoofed %s at %s on terminals in two centres, all to relay %s:%d; one operator answered them one after another' % (tool[0], tool[1], relay[0], relay[1]))
        t = s.t_end + rng.uniform(20, 90)


def g_console_override(members, rng):
    paper = members[0].paper
    vec = op_vector(paper, rng, theta=2.1)
    last = 0
    for s in members:
        s.P = dict(s.P, theta=-0.8)
        s.know = Knower(-0.8, rng)
        t, _ = answer_seq(rng, s, s.order, s.t_ans0, s.t_limit - 1800, s.P, s.know, s.src)
        last = max(last, t)
    t = max(last + rng.uniform(60, 300), members[0].t_limit - 1700)
    for s in members:
        m = MapChooser(member_map(vec, paper, rng, 0, 2), pcv=0.95, rng=rng)
        t0 = t
        for q in s.order:
            if s.cur.get(q.id) != m.first(q):
                dt = rng.uniform(2.5, 5)
                t += dt
                s.add(t, q.id, m.first(q), 'remote', t - dt)
            else:
                t += rng.uniform(0.5, 1.2)
        s.conn_extra.append((t0 - 8, t + 5, ('10.12.3.2', 5512, 'zjstudent.exe')))
        s.passive.append((t0 - 8, t + 5))
        s.t_end = min(s.t_limit + 2, t + rng.uniform(3, 10))
        s.detail.append('invigilator took control through the centre classroom-management client (extra channel 10.12.3.2:5512) and overwrote the candidate\'s own answers late in the exam')
        t = s.t_end + rng.uniform(10, 40)


GROUP_FUNCS = {'op_vnc_insider': g_vnc_insider, 'op_kvm_churn': g_kvm_churn, 'op_dictation_lockstep': g_dictation_lockstep,
               'op_relay_crosscentre': g_relay_crosscentre, 'op_console_override': g_console_override}
SOLO_FUNCS = dict((k[2:], v) for k, v in globals().items() if k.startswith('v_'))


# ---------------------------------------------------------------- honest
def honest(s, rng):
    t, _ = answer_seq(rng, s, s.order, s.t_ans0, s.t_limit, s.P, s.know, s.src)
    finish(s, rng, t, s.P['wait'])


# ---------------------------------------------------------------- noise
NOISE_P = {
    #          HZ    NB    SX    WZ    JX    TZ    GZ    KM
    'dup':    (0.05, 0.05, 0.03, 0.05, 0.15, 0.35, 0.04, 0.05),
    'flaky':  (0.03, 0.05, 0.02, 0.04, 0.20, 0.45, 0.03, 0.05),
    'crash':  (0.02, 0.03, 0.01, 0.02, 0.02, 0.12, 0.02, 0.02),
    'lost_end': (0.02, 0.03, 0.02, 0.02, 0.04, 0.08, 0.02, 0.03),
    'device_swap': (0.03, 0.04, 0.02, 0.03, 0.03, 0.03, 0.03, 0.03),
    'clock_reset': (0.01, 0.08, 0.0, 0.01, 0.03, 0.05, 0.01, 0.03),
    'av_scan': (0.06, 0.10, 0.0, 0.08, 0.06, 0.05, 0.06, 0.0),
    'win_update': (0.04, 0.06, 0.0, 0.05, 0.04, 0.08, 0.03, 0.0),
    'it_precheck': (0, 0, 0, 0, 0, 0, 0.20, 0),
    'input_hook_lost': (0.015, 0.02, 0.01, 0.015, 0.015, 0.02, 0.015, 0.02),
    'display_blip': (0.02, 0.03, 0.01, 0.03, 0.02, 0.03, 0.02, 0.02),
    'phone_charge': (0.01, 0.015, 0.0, 0.01, 0.015, 0.03, 0.01, 0.01),
    'magnifier': (0.01, 0.01, 0.0, 0.01, 0.01, 0.01, 0.01, 0.0),
}
CIDX = dict((c['key'], i) for i, c in enumerate(CENTRES))


def shift_after(s, tc, d):
    s.actions = [(t + d if t >= tc else t, q, c, src, a + d if a >= tc else a) for (t, q, c, src, a) in s.actions]
    s.dev_events = [((e[0] + d if e[0] >= tc else e[0]),) + tuple(e[1:]) for e in s.dev_events]
    s.disp_events = [((e[0] + d if e[0] >= tc else e[0]),) + tuple(e[1:]) for e in s.disp_events]

    def sw(w):
        a, b = w[0], w[1]
        return ((a + d if a >= tc else a), (b + d if b >= tc else b)) + tuple(w[2:])
    s.proc_extra = [sw(w) for w in s.proc_extra]
    s.conn_extra = [sw(w) for w in s.conn_extra]
    s.passive = [sw(w) for w in s.passive]
    s.t_end += d


def apply_noise(s, rng, kinds):
    c = s.c
    for k in kinds:
        if k == 'dup':
            s.dup_p = rng.uniform(0.02, 0.10)
            s.noise.append('dup_resend(p=%.2f)' % s.dup_p)
        elif k == 'flaky':
            n = rng.randint(1, 3)
            for _ in range(n):
                a = rng.uniform(s.t_login + 60, s.t_end - 30)
                s.outages.append((a, min(s.t_end + 120, a + rng.uniform(30, 600))))
            s.outages.sort()
            s.noise.append('flaky_net(%d buffered outages)' % n)
        elif k == 'crash':
            if s.t_end - s.t_ans0 < 900:
                continue
            tc = rng.uniform(s.t_ans0 + 300, s.t_end - 300)
            d = rng.uniform(60, 280)
            shift_after(s, tc, d)
            s.t_limit += d
            s.crashes.append((tc, tc + d))
            s.noise.append('client_crash(restart after %.0fs, answers re-sent)' % d)
            if c['key'] == 'TZ' and rng.random() < 0.4:
                bios = datetime(2020, 1, 1, 0, 0, 0, tzinfo=CST).timestamp()
                tr = tc + d
                base = s.clock_off(tr)
                s.clock.append((tr - 0.01, bios - tr))
                s.clock.append((tr + rng.uniform(60, 240), base))
                s.clock.sort()
                s.noise.append('clock_reset(BIOS date 2020-01-01 after power loss, NTP fixed minutes later)')
        elif k == 'lost_end':
            s.lost_end = True
            s.noise.append('lost_session_end')
        elif k == 'device_swap':
            which = 'mouse' if (c['mouse'] is not None and rng.random() < 0.6) else 'kb'
            old = c[which] if c[which] is not None else c['kb']
            old = s.my_kb if which == 'kb' else s.my_mouse
            if old is None:
                old, which = s.my_kb, 'kb'
            new = c['alt_' + which] or old
            if new == old:
                new = (old[0], old[1], old[2], '%04x' % ((int(old[3], 16) + 7) % 65536))
            tw = rng.uniform(s.t_ans0 + 60, max(s.t_ans0 + 90, s.t_end - 120))
            d = rng.uniform(30, 150)
            s.dev_events.append((tw, 'removed') + old)
            s.dev_events.append((tw + d, 'attached') + new)
            shift_after(s, tw, d)
            s.input_gaps.append((tw, tw + d))
            s.noise.append('device_swap(invigilator replaced %s %s -> %s)' % (which, old[1], new[1]))
        elif k == 'clock_reset':
            tr = rng.uniform(s.t_login + 120, s.t_end - 60)
            base = s.clock_off(tr)
            if abs(base) > 60:
                new = rng.gauss(0, 1.0)
            else:
                new = base + rng.choice([-1, 1]) * rng.uniform(40, 900)
            s.clock.append((tr, new))
            s.clock.sort()
            s.noise.append('clock_reset(%+.0fs -> %+.0fs)' % (base, new))
        elif k == 'av_scan':
            if c['key'] == 'NB':
                p = ('360sd.exe', 'C:\\Program Files (x86)\\360\\360sd\\360sd.exe', 'Beijing Qihu Technology Co., Ltd.')
                h = ('198.51.100.92', 80)
            elif c['key'] == 'WZ':
                p = ('usysdiag.exe', 'C:\\Program Files\\Huorong\\Sysdiag\\bin\\usysdiag.exe', 'Beijing Huorong Network Technology Co., Ltd.')
                h = ('cloud.huorong-av.example', 443)
            elif c['key'] == 'JX':
                p = ('kxescore.exe', 'C:\\Program Files (x86)\\kingsoft\\kingsoft antivirus\\kxescore.exe', 'Zhuhai Kingsoft Security Co., Ltd.')
                h = ('cloud.kingsoft-av.example', 443)
            elif c['key'] == 'GZ':
                p = ('QQPCUpdateAVLib.exe', 'C:\\Program Files (x86)\\Tencent\\QQPCMgr\\16.5.24312.215\\QQPCUpdateAVLib.exe', 'Tencent Technology(Shenzhen) Company Limited')
                h = ('update.qqpcmgr.example', 443)
            else:
                p = ('MpCmdRun.exe', 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.25090.3-0\\MpCmdRun.exe', 'Microsoft Corporation')
                h = ('definitionupdates.defender-cloud.example', 443)
            a = rng.uniform(s.t_login, s.t_end - 60)
            b = a + rng.uniform(300, 1800)
            s.proc_extra.append((a, b, p))
            s.conn_extra.append((a + 5, a + rng.uniform(30, 240), (h[0], h[1], p[0])))
            s.noise.append('av_scan(%s)' % p[0])
        elif k == 'win_update':
            a = rng.uniform(s.t_login, s.t_end - 60)
            b = a + rng.uniform(200, 1500)
            s.proc_extra.append((a, b, ('TiWorker.exe', 'C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.5363_none_7e3e6d1e2c2b3f4e\\TiWorker.exe', MSW)))
            s.proc_extra.append((a, b, ('TrustedInstaller.exe', 'C:\\Windows\\servicing\\TrustedInstaller.exe', MSW)))
            s.conn_extra.append((a, b, ('wu-mirror.msft-update.example', 443, 'svchost.exe')))
            s.noise.append('windows_update(TiWorker)')
        elif k == 'it_precheck':
            a = s.t_login + rng.uniform(5, 30)
            first = min([x[0] for x in s.actions] + [s.t_end])
            b = min(a + rng.uniform(40, 150), first - 5)
            if b - a < 15:
                continue
            s.conn_extra.append((a, b, ('10.31.0.5', 5900, 'tvnserver.exe')))
            s.noise.append('it_precheck(IT VNC from 10.31.0.5 for %.0fs before the first answer)' % (b - a))
        elif k == 'display_blip':
            a = rng.uniform(s.t_ans0, s.t_end - 30)
            d0 = s.disp0
            s.disp_events.append((a, 0, False, ''))
            s.disp_events.append((a + rng.uniform(2, 12), d0[0], d0[1], d0[2]))
            s.disp_events.sort()
            s.noise.append('display_blip(monitor cable reseated)')
        elif k == 'phone_charge':
            ph = rng.choice([dev('other', 'Android Phone (MTP)', '12d1', '107e'), dev('other', 'Apple iPhone', '05ac', '12a8'),
                             dev('storage', 'MI 11 Storage', '2717', 'ff40')])
            a = rng.uniform(s.t_ans0, s.t_end - 200)
            s.dev_events.append((a, 'attached') + ph)
            s.dev_events.append((a + rng.uniform(40, 200), 'removed') + ph)
            s.noise.append('phone_plugged_to_charge(%s, removed by invigilator)' % ph[1])
        elif k == 'input_hook_lost':
            tx = rng.uniform(s.t_ans0 + 120, max(s.t_ans0 + 180, s.t_end - 300))
            s.input_gaps.append((tx, INF))
            s.noise.append('input_hook_lost(agent input counters stuck at 0 from +%.0fmin)' % ((tx - s.t_login) / 60))
        elif k == 'magnifier':
            if not c['os'].startswith('win'):
                continue
            s.proc_extra.append((s.t_login + rng.uniform(20, 200), INF, ('Magnify.exe', S32 + 'Magnify.exe', MSW)))
            s.noise.append('magnifier(older candidate uses Windows Magnifier)')


# ---------------------------------------------------------------- session setup
def terminal_profile(c, room, seat):
    rng = RNG('term', c['key'], room, seat)
    kb = c['kb'] if rng.random() > 0.08 else c['alt_kb']
    ms = c['mouse'] if (c['mouse'] is None or rng.random() > 0.08) else c['alt_mouse']
    cl = c['clock']
    if cl == 'good':
        off = rng.gauss(0, 0.8)
    elif cl == 'fair':
        off = rng.gauss(0, 6)
    elif cl == 'laptop':
        off = rng.gauss(0, 20) if rng.random() < 0.8 else rng.choice([-1, 1]) * rng.uniform(120, 900)
    else:  # drifty old PCs
        x = rng.random()
        if x < 0.62:
            off = rng.gauss(0, 40)
        elif x < 0.93:
            off = rng.choice([-1, 1]) * rng.uniform(300, 2700)
        else:
            off = rng.choice([-1, 1]) * rng.choice([3600, 7200, 8 * 3600]) + rng.gauss(0, 60)
    return kb, ms, off


def setup_session(s, rng):
    c = s.c
    s.my_kb, s.my_mouse, off = terminal_profile(c, s.room, s.seat_no)
    s.clock = [(0, off)]
    s.clock_off = lambda t, s=s: [o for (a, o) in s.clock if a <= t][-1]
    if abs(off) >= 60:
        s.noise.append('clock_offset(%+.0fs, terminal clock)' % off)
    s.devices = [d for d in ([s.my_kb, s.my_mouse] + c['extra_devs']) if d is not None]
    disp = c['displays']
    s.disp0 = (disp[0], disp[1], c['res'])
    if c['key'] == 'TZ' and s.seat_no == 1:
        s.disp0 = (2, True, '1024x768')
        s.detail.append('seat 01 laptop is wired to the briefing projector (mirrored)') if s.kind == 'honest' else None
    # timing
    st = s.sitting['start']
    s.t_limit = st + s.paper.minutes * 60
    if s.persona == 'late_login':
        s.t_login = st + rng.uniform(8, 50) * 60
    else:
        s.t_login = st + rng.uniform(-7, 3) * 60
    s.t_ans0 = max(s.t_login + rng.uniform(15, 60), st + rng.uniform(20, 90))
    s.t_end = s.t_limit
    order = list(s.paper.qs)
    if c['shuffle']:
        tf = [q for q in order if q.type == 'tf']
        sc = [q for q in order if q.type == 'sc']
        rng.shuffle(tf)
        rng.shuffle(sc)
        order = tf + sc
    s.order = order
    s.proc_times = sched(s.t_login, 2.0, c['proc_s'], rng.uniform(20, c['proc_s']), s.t_limit + 600)
    s.conn_times = sched(s.t_login, 3.0, c['conn_s'], rng.uniform(20, c['conn_s']), s.t_limit + 600)
    lat, pf, pd, pc = c['net']
    s.latency = lat
    if s.c['os'] == 'kiosk' or s.c['os'] == 'uos':
        s.src = 'trackball' if c['key'] == 'SX' else ('kb' if rng.random() < 0.05 else 'mouse')
    else:
        s.src = 'kb' if rng.random() < 0.07 else 'mouse'
    s.fidget = {'mouse': 0.8, 'kb': 0.15, 'trackball': 0.5}[s.src]


# ---------------------------------------------------------------- emission
def build_impulses(s, rng):
    imp = []
    for (t, qid, ch, src, a) in s.actions:
        span = max(0.0, t - a)
        if src == 'mouse' or src == 'ext':
            n = poisson(rng, (3 + 1.1 * span) if src == 'mouse' else (2 + 0.5 * span))
            for j in range(3):
                imp.append((a + span * rng.random(), 0, n // 3 + (1 if j < n % 3 else 0)))
            imp.append((t, 1 if rng.random() < 0.015 else 0, 2))
            imp.append((t + rng.uniform(0.3, 1.5), 0, 2))
        elif src == 'kb':
            imp.append((t, 2 + poisson(rng, 0.25), 0))
            k = poisson(rng, 0.3)
            if k:
                imp.append((a + span * rng.random(), k, 0))
        elif src == 'trackball':
            n = poisson(rng, 2 + 0.6 * span)
            imp.append((a + span * rng.random(), 0, n))
            imp.append((t, 0, 2))
        elif src == 'hid':
            imp.append((t, s.hid_keys, 0))
        elif src == 'kvm':
            imp.append((t, 0, rng.randint(2, 4)))
        # 'remote': injected input is not counted as local input
    # fidgeting and general presence
    rate = s.fidget / 60.0
    t = s.t_login
    while rate > 0:
        t += rng.expovariate(rate)
        if t >= s.t_end:
            break
        if any(a <= t < b for a, b in s.passive) and rng.random() > 0.06:
            continue
        imp.append((t, 0, poisson(rng, 6) + 1))
    imp.append((s.t_login + rng.uniform(3, 25), 1 if s.c['login'] == 'card' else poisson(rng, 3) + 1, poisson(rng, 8)))
    for (t, k, p) in s.extra_impulses:
        imp.append((t, k, p))
    if s.input_gaps:
        imp = [x for x in imp if not any(a <= x[0] < b for a, b in s.input_gaps)]
    imp.sort()
    return imp


def emit_session(s, rng):
    c = s.c
    recs = []  # (t, prio, kind, payload)
    downs = sorted(s.crashes)

    def alive(t):
        return not any(a <= t < b for a, b in downs)

    start = dict(candidate=s.candidate, exam=s.paper.exam, centre=c['code'], room=s.room, seat=s.seat, terminal=s.terminal)
    recs.append((s.t_login, 0, 'session_start', start))

    def dev_payload(action, d):
        return dict(action=action, **{'class': d[0]}, name=d[1], vid=d[2], pid=d[3])

    for i, d in enumerate(s.devices):
        recs.append((s.t_login + 0.4 + 0.15 * i, 1, 'device', dev_payload('present', d)))

    def disp_payload(d):
        return dict(displays=d[0], mirrored=d[1], resolution=d[2])
    recs.append((s.t_login + 1.2, 1, 'display', disp_payload(s.disp0)))
    for e in s.dev_events:
        t = e[0]
        if t > s.t_end or t < s.t_login:
            continue
        if alive(t):
            recs.append((t, 2, 'device', dev_payload(e[1], e[2:])))
    for e in s.disp_events:
        if s.t_login < e[0] < s.t_end and alive(e[0]):
            recs.append((e[0], 2, 'display', disp_payload(e[1:])))

    def procs_at(t):
        L = list(s.base_procs)
        for (a, b, p) in s.proc_extra:
            if a <= t < b:
                L.append(p)
        return [dict(name=n, path=p, signer=g) for (n, p, g) in L]

    crng = RNG('conn', s.sid)

    def conns_at(t):
        L = []
        for (r, p, pr, prob) in CENTRE_CONNS[c['key']]:
            if prob >= 1 or crng.random() < prob:
                L.append(dict(remote=r, port=p, process=pr))
        for (a, b, x) in s.conn_extra:
            if a <= t < b:
                L.append(dict(remote=x[0], port=x[1], process=x[2]))
        return L

    restarts = [b for (a, b) in downs]
    ptimes = [t for t in s.proc_times if t < s.t_end and alive(t)] + [r + 2.0 for r in restarts]
    ctimes = [t for t in s.conn_times if t < s.t_end and alive(t)] + [r + 3.0 for r in restarts]
    for t in sorted(ptimes):
        recs.append((t, 3, 'processes', dict(processes=procs_at(t))))
    for t in sorted(ctimes):
        recs.append((t, 3, 'connections', dict(connections=conns_at(t))))
    # input
    imp = build_impulses(s, rng)
    its = [x[0] for x in imp]
    ck = [0]
    cp = [0]
    for x in imp:
        ck.append(ck[-1] + x[1])
        cp.append(cp[-1] + x[2])

    def sums(a, b):
        i, j = bisect.bisect_right(its, a), bisect.bisect_right(its, b)
        return ck[j] - ck[i], cp[j] - cp[i]
    I = c['input_ms'] / 1000.0
    segs = []
    st = s.t_login
    for (a, b) in downs:
        segs.append((st, a, False))
        st = b
    segs.append((st, s.t_end, True))
    for (a, b, final) in segs:
        te = a + I
        last = a
        while te <= b:
            k, p = sums(te - I, te)
            recs.append((te, 4, 'input', dict(interval_ms=int(round(I * 1000)), keys=k, pointer=p)))
            last = te
            te += I + rng.uniform(-0.02, 0.05)
        if final and b - last >= 1.0:
            k, p = sums(last, b)
            recs.append((b - 0.05, 4, 'input', dict(interval_ms=int(round((b - last) * 1000)), keys=k, pointer=p)))
    # answers
    acts = sorted(s.actions)
    for (t, qid, ch, src, a) in acts:
        if t <= s.t_end:
            recs.append((t, 5, 'answer', dict(question=qid, choice=ch)))
    # crash restarts: session_start again, devices, display, answers re-sent
    for r in restarts:
        recs.append((r, 0, 'session_start', dict(start)))
        present = list(s.devices)
        for e in sorted(s.dev_events):
            if e[0] < r:
                d = tuple(e[2:])
                if e[1] == 'attached':
                    present.append(d)
                elif d in present:
                    present.remove(d)
        for i, d in enumerate(present):
            recs.append((r + 0.5 + 0.1 * i, 1, 'device', dev_payload('present', d)))
        dcur = s.disp0
        for e in sorted(s.disp_events):
            if e[0] < r:
                dcur = e[1:]
        recs.append((r + 1.4, 1, 'display', disp_payload(dcur)))
        cur = {}
        for (t, qid, ch, src, a) in acts:
            if t < r:
                cur[qid] = ch
        for i, q in enumerate([q for q in s.paper.qs if q.id in cur]):
            recs.append((r + 4.0 + 0.03 * i, 5, 'answer', dict(question=q.id, choice=cur[q.id])))
    if not s.lost_end:
        recs.append((s.t_end, 9, 'session_end', {}))
    recs.sort(key=lambda x: (x[0], x[1]))
    return recs


UUIDCHARS = '0123456789abcdef'


def make_lines(s, recs, rng, ctr):
    """Returns [(arrival, line)] including duplicate resends."""
    c = s.c
    out = []
    boots = sorted(b for (a, b) in s.crashes)
    seq = {}
    recs_lines = []
    for (t, prio, kind, payload) in recs:
        boot = 1 + sum(1 for b in boots if b <= t)
        if c['ids'] == 'seq':
            seq[boot] = seq.get(boot, 0) + 1
            eid = '%s.%d.%d' % (s.sid, boot, seq[boot])
        elif c['ids'] == 'ctr':
            ctr[c['key']] += 1
            eid = '%s-%07d' % (c['key'].lower(), ctr[c['key']])
        else:
            h = ''.join(rng.choice(UUIDCHARS) for _ in range(32))
            eid = '%s-%s-4%s-%s%s-%s' % (h[:8], h[8:12], h[13:16], rng.choice('89ab'), h[17:20], h[20:32])
        at = fmt_at(t + s.clock_off(t), c['style'])
        obj = {'v': 1, 'id': eid, 'at': at, 'kind': kind, 'session': s.sid}
        obj.update(payload)
        line = json.dumps(obj, ensure_ascii=False, separators=(',', ':'))
        recs_lines.append((t, line))
    # transport
    k = 0
    for (t, line) in recs_lines:
        arr = t + s.latency * rng.expovariate(1.0) + 0.01
        buffered = False
        for (a, b) in s.outages:
            if a <= t < b:
                k += 1
                arr = b + 0.5 + 0.01 * k + s.latency * rng.random()
                buffered = True
                break
            if a - 12 <= t < a and rng.random() < 0.6:
                # sent just before the link dropped; not acknowledged, re-sent with the backlog
                out.append((b + 0.3 + 0.01 * k, line))
        out.append((arr, line))
        if not buffered and s.dup_p > 0 and rng.random() < s.dup_p:
            out.append((arr + rng.uniform(1.0, 75.0), line))
    return out


# ---------------------------------------------------------------- sittings
def build_sittings(papers):
    sittings = []
    for c in CENTRES:
        rng = RNG('sit', c['key'])
        left = c['target']
        for d in c['days']:
            for sl in c['slots']:
                for room in c['rooms']:
                    if left <= 0:
                        continue
                    n = min(left, rng.randint(*c['size']))
                    if 0 < left - n < 6:
                        n = left
                    n = min(n, c['seats'])
                    if c['key'] == 'TZ':
                        seats = list(range(1, n + 1))
                    else:
                        seats = sorted(rng.sample(range(1, c['seats'] + 1), n))
                    sittings.append(dict(c=c, day=d, slot=sl, room=room, paper=papers[rng.choice(c['papers'])],
                                         start=day_ts(d, sl[0], sl[1]), seats=seats))
                    left -= n
        assert left == 0, (c['key'], left)
    return sittings


def main():
    global SEED
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, default=1010)
    ap.add_argument('--candidates', type=int, default=400)
    ap.add_argument('--out', default='set-j')
    args = ap.parse_args()
    SEED = args.seed
    if args.candidates != sum(c['target'] for c in CENTRES):
        # scale centre sizes proportionally (default layout is for 400)
        tot = sum(c['target'] for c in CENTRES)
        acc = 0
        for i, c in enumerate(CENTRES):
            c['target'] = max(6, int(round(c['target'] * args.candidates / tot))) if i < len(CENTRES) - 1 else args.candidates - acc
            acc += c['target']
    papers = dict((p[0], make_paper(*p)) for p in PAPER_SPECS)
    sittings = build_sittings(papers)
    rng = RNG('assign')

    # forced pairings for the operator groups
    def by(ck):
        return [x for x in sittings if x['c']['key'] == ck]
    km = by('KM')
    pair = None
    for a in km:
        for b in km:
            if a is not b and a['day'] == b['day'] and a['slot'] == b['slot'] and a['room'] < b['room'] and len(a['seats']) >= 4 and len(b['seats']) >= 4:
                pair = pair or (a, b)
    pair[1]['paper'] = pair[0]['paper']
    km_pair = pair
    nbjx = None
    for a in by('NB'):
        for b in by('JX'):
            if a['day'] == b['day'] and a['slot'] != b['slot']:
                continue
            if a['day'] == b['day'] and len(a['seats']) >= 4 and len(b['seats']) >= 4:
                nbjx = nbjx or (a, b)
    # align the slot too (same morning): JX sitting moved to NB's slot start if needed
    nbjx[1]['slot'] = nbjx[0]['slot']
    nbjx[1]['start'] = nbjx[0]['start']
    nbjx[0]['paper'] = papers['DGDY']
    nbjx[1]['paper'] = papers['DGDY']

    slots = []
    for si, st in enumerate(sittings):
        for seat in st['seats']:
            slots.append((si, seat))
    taken = {}

    def mk(si, seat, kind, variant, group=None):
        taken[(si, seat)] = (kind, variant, group)

    # OPG-1 GZ vnc insider: 5 in one sitting
    gz = [i for i, x in enumerate(sittings) if x['c']['key'] == 'GZ' and len(x['seats']) >= 10]
    si = rng.choice(gz)
    for seat in rng.sample(sittings[si]['seats'], 5):
        mk(si, seat, 'operator', 'op_vnc_insider', 'OPG-1')
    # OPG-2 TZ kvm churn: 4 adjacent seats
    tz = [i for i, x in enumerate(sittings) if x['c']['key'] == 'TZ' and len(x['seats']) >= 8]
    si = rng.choice(tz)
    k0 = rng.randint(2, len(sittings[si]['seats']) - 4)
    for seat in sittings[si]['seats'][k0:k0 + 4]:
        mk(si, seat, 'operator', 'op_kvm_churn', 'OPG-2')
    # OPG-3 KM dictation across two rooms
    for st in km_pair:
        si = sittings.index(st)
        for seat in rng.sample(st['seats'], 2):
            mk(si, seat, 'operator', 'op_dictation_lockstep', 'OPG-3')
    # OPG-4 NB + JX
    for st in nbjx:
        si = sittings.index(st)
        for seat in rng.sample(st['seats'], 2):
            mk(si, seat, 'operator', 'op_relay_crosscentre', 'OPG-4')
    # OPG-5 HZ console override: 3 neighbouring seats
    hz = [i for i, x in enumerate(sittings) if x['c']['key'] == 'HZ' and len(x['seats']) >= 12]
    si = rng.choice(hz)
    k0 = rng.randint(0, len(sittings[si]['seats']) - 3)
    for seat in sittings[si]['seats'][k0:k0 + 3]:
        mk(si, seat, 'operator', 'op_console_override', 'OPG-5')

    # solo cheaters
    free = [x for x in slots if x not in taken]
    rng.shuffle(free)
    for kind in ('software', 'hardware', 'leak'):
        for variant, n in SOLO_VARIANTS[kind]:
            allowed = VARIANT_CENTRES.get(variant)
            used_centres = []
            for j in range(n):
                pick = None
                for x in free:
                    if x in taken:
                        continue
                    st = sittings[x[0]]
                    ck = st['c']['key']
                    if allowed and ck not in allowed:
                        continue
                    if variant == 'lk_old_version' and st['paper'].code != 'GCAZ':
                        continue
                    if variant == 'lk_old_version' and ck in used_centres:
                        continue
                    if variant == 'sw_brief_run' and st['c']['proc_s'] < 300:
                        continue
                    pick = x
                    break
                assert pick is not None, variant
                used_centres.append(sittings[pick[0]]['c']['key'])
                mk(pick[0], pick[1], kind, variant)
                taken[pick] = (kind, variant, None, j)
    # build sessions
    sessions = []
    sid_rng = RNG('sid')
    seen_sid = set()
    cand_ctr = {}
    for (si, seat) in slots:
        st = sittings[si]
        c = st['c']
        s = Sess()
        info = taken.get((si, seat), ('honest', None, None))
        s.kind, s.variant, s.group = info[0], info[1], info[2]
        s.sub = info[3] if len(info) > 3 else 0
        while True:
            sid = 's' + ''.join(sid_rng.choice('abcdefghjkmnpqrstuvwxyz23456789') for _ in range(9))
            if sid not in seen_sid:
                seen_sid.add(sid)
                break
        s.sid = sid
        s.c, s.sitting, s.paper = c, st, st['paper']
        s.room = st['room']
        s.seat_no = seat
        s.seat = c['seat'].format(seat)
        s.terminal = c['term'].format(room=st['room'].lower().replace('-', ''), seat='%02d' % seat)
        cand_ctr[c['key']] = cand_ctr.get(c['key'], 0) + 1
        if c['key'] == 'SX':
            s.candidate = c['cand'].format(sid_rng.randint(0x100000, 0xffffff))
        else:
            s.candidate = c['cand'].format(sid_rng.randint(1, 10 ** (5 if c['key'] == 'HZ' else 4) - 1) if c['key'] != 'GZ' else sid_rng.randint(100000, 999999))
        rr = RNG('sess', s.sid)
        if s.kind == 'honest':
            s.persona = wchoice(rr, PERSONAS)
            s.P = persona_params(s.persona, rr)
        else:
            s.persona, s.P = own_persona(rr)
        s.know = Knower(s.P['theta'], rr)
        s.base_procs = base_procs(c)
        setup_session(s, rr)
        s.rng = rr
        sessions.append(s)
    # unique candidates
    seen = set()
    for s in sessions:
        while s.candidate in seen:
            s.candidate = s.candidate + 'b'
        seen.add(s.candidate)

    # behaviour
    groups = {}
    for s in sessions:
        if s.kind == 'operator':
            groups.setdefault(s.group, []).append(s)
        elif s.kind == 'honest':
            honest(s, s.rng)
        else:
            SOLO_FUNCS[s.variant](s, s.rng)
    for gname, variant, where, n in OP_GROUPS:
        mem = groups[gname]
        assert len(mem) == n, (gname, len(mem))
        GROUP_FUNCS[variant](mem, RNG('group', gname))

    # noise
    for s in sessions:
        rr = RNG('noise', s.sid)
        ci = CIDX[s.c['key']]
        kinds = [k for k, probs in NOISE_P.items() if rr.random() < probs[ci]]
        s.noise_kinds = kinds
    cheat = [s for s in sessions if s.kind != 'honest']
    nrng = RNG('cheatnoise')

    def noisy(s):
        return bool(s.noise_kinds) or any(n.startswith('clock_offset') for n in s.noise)
    target = int(round(0.30 * len(cheat)))
    quiet = [s for s in cheat if not noisy(s)]
    nrng.shuffle(quiet)
    need = target - sum(1 for s in cheat if noisy(s))
    pool = ['dup', 'flaky', 'lost_end', 'device_swap', 'clock_reset', 'av_scan', 'win_update', 'crash', 'display_blip', 'phone_charge',
            'input_hook_lost']
    if need < 0:
        removable = [s for s in cheat if s.noise_kinds and not any(n.startswith('clock_offset') for n in s.noise)]
        nrng.shuffle(removable)
        for s in removable[:-need]:
            s.noise_kinds = []
    for s in quiet[:max(0, need)]:
        ks = nrng.sample(pool, nrng.choice([1, 1, 2]))
        if 'win_update' in ks and not s.c['os'].startswith('win'):
            ks = [k for k in ks if k != 'win_update'] or ['dup']
        s.noise_kinds = ks
    for s in sessions:
        apply_noise(s, RNG('noise-apply', s.sid), s.noise_kinds)

    # emit
    all_lines = []
    ctr = dict((c['key'], 0) for c in CENTRES)
    first_use = {}
    for idx, s in enumerate(sessions):
        recs = emit_session(s, RNG('emit', s.sid))
        lines = make_lines(s, recs, RNG('wire', s.sid), ctr)
        for (arr, line) in lines:
            all_lines.append((arr, idx, line))
        first_use[s.paper.code] = min(first_use.get(s.paper.code, INF), s.t_login)
    # exam events: one per paper, sent by the first centre that uses it, before its first login
    erng = RNG('exam')
    exam_lines = []
    for code in sorted(first_use, key=lambda k: first_use[k]):
        P = papers[code]
        t = first_use[code] - erng.uniform(1800, 5400)
        obj = {'v': 1, 'id': 'exam-%s-r1' % code, 'at': fmt_at(t, 'cst'), 'kind': 'exam', 'exam': P.exam,
               'questions': [dict(id=q.id, key=q.key, options=q.opt) for q in P.qs], 'pass_mark': 80, 'minutes': P.minutes}
        line = json.dumps(obj, ensure_ascii=False, separators=(',', ':'))
        exam_lines.append((t + 0.2, -1, line))
        if code == 'GCAZ':
            exam_lines.append((t + 3 * 86400 + 0.5, -1, line))  # centre re-pushed the paper later; same id
    all_lines += exam_lines
    all_lines.sort(key=lambda x: (x[0], x[1]))
    data = ''.join(l + '\n' for (_, _, l) in all_lines).encode('utf-8')
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'events.jsonl.gz'), 'wb') as f:
        with gzip.GzipFile(filename='events.jsonl', mode='wb', fileobj=f, mtime=0, compresslevel=9) as g:
            g.write(data)
    # truth
    trng = RNG('truth')
    truth = []
    for s in sessions:
        if s.kind == 'honest':
            note = 'persona=%s; input=%s; centre=%s' % (s.persona, s.src, s.c['code'])
            extra = [d for d in s.detail if d]
        else:
            note = '%s' % s.variant
            if s.group:
                note += ' group=%s' % s.group
            extra = ['own behaviour=%s' % s.persona, 'input=%s' % s.src] + [d for d in s.detail if d]
        if extra:
            note += '; ' + '; '.join(extra)
        note += '; noise=' + (', '.join(s.noise) if s.noise else 'none')
        truth.append(dict(session=s.sid, kind=s.kind, note=note))
    trng.shuffle(truth)
    with open(os.path.join(args.out, 'truth.jsonl'), 'w', encoding='utf-8') as f:
        for t in truth:
            f.write(json.dumps(t, ensure_ascii=False, separators=(',', ':')) + '\n')
    report(sessions, all_lines, papers, args.out)


def report(sessions, all_lines, papers, out):
    from collections import Counter
    kinds = Counter(s.kind for s in sessions)
    ev = Counter()
    uniq = {}
    for (_, _, l) in all_lines:
        o = json.loads(l)
        ev[o['kind']] += 1
        uniq[o['id']] = o['kind']
    ue = Counter(uniq.values())
    print('sessions', dict(kinds))
    print('event lines', len(all_lines), 'unique ids', len(uniq))
    for k in sorted(ev):
        print('  %-12s lines=%6d unique=%6d' % (k, ev[k], ue[k]))
    # scores
    for kind in ('honest', 'software', 'hardware', 'operator', 'leak'):
        sc = []
        for s in sessions:
            if s.kind != kind:
                continue
            cur = {}
            for (t, q, ch, src, a) in sorted(s.actions):
                if t <= s.t_end:
                    cur[q] = ch
            sc.append(sum(1 for q in s.paper.qs if cur.get(q.id) == q.key))
        sc.sort()
        print('  score %-9s n=%3d min=%3d med=%3d max=%3d pass=%.2f' % (kind, len(sc), sc[0], sc[len(sc) // 2], sc[-1], sum(1 for x in sc if x >= 80) / len(sc)))
    cheat = [s for s in sessions if s.kind != 'honest']
    print('cheaters with noise', sum(1 for s in cheat if s.noise), 'of', len(cheat))
    print('honest with noise', sum(1 for s in sessions if s.kind == 'honest' and s.noise), 'of', kinds['honest'])


if __name__ == '__main__':
    main()
