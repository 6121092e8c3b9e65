#!/usr/bin/env python3
"""exam-blind-5 generator: a blind, labelled evaluation set for cheating
detection in computer-based 特种作业 theory exams.

Standard library only. Output is a deterministic function of --seed and
--candidates (gzip is written with mtime=0 and an empty file name).

    python3 gen.py --seed 606 --candidates 500 --out set-f

Writes <out>/events.jsonl.gz (event stream in server arrival order, JSON
lines, format version 1) and <out>/truth.jsonl (one label per session).
"""
import argparse
import gzip
import json
import math
import os
import random
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))


def epoch(y, mo, d, h, mi, s=0):
    return datetime(y, mo, d, h, mi, s, tzinfo=CST).timestamp()


def fmt_ts(ts, style):
    if style.startswith('utc'):
        d = datetime.fromtimestamp(ts, timezone.utc)
        suffix = 'Z'
    else:
        d = datetime.fromtimestamp(ts, CST)
        suffix = '+08:00'
    s = d.strftime('%Y-%m-%dT%H:%M:%S')
    if style.endswith('_ms'):
        s += '.%03d' % (d.microsecond // 1000)
    return s + suffix


def pois(rng, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    L = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= L:
            return k
        k += 1


# ----------------------------------------------------------------------------
# question banks and papers
# ----------------------------------------------------------------------------

class Q:
    __slots__ = ('qid', 't', 'n', 'key', 'b', 'dis', 'ds', 'tricky')


def make_bank(rng, prefix, ntf, nsc):
    qs = []
    for i in range(ntf):
        q = Q()
        q.qid = '%s-PD%04d' % (prefix, i + 1)
        q.t, q.n = 'tf', 2
        q.tricky = rng.random() < 0.12
        q.b = rng.gauss(-0.7, 0.9) + (1.5 if q.tricky else 0.0)
        q.key = 0 if rng.random() < 0.55 else 1
        q.dis, q.ds = 1 - q.key, 1.0
        qs.append(q)
    for i in range(nsc):
        q = Q()
        q.qid = '%s-DX%04d' % (prefix, i + 1)
        q.t, q.n = 'sc', 4
        q.tricky = rng.random() < 0.15
        q.b = rng.gauss(-0.3, 0.9) + (1.3 if q.tricky else 0.0)
        q.key = rng.randrange(4)
        q.dis = rng.choice([k for k in range(4) if k != q.key])
        q.ds = rng.uniform(0.65, 0.9) if q.tricky else rng.uniform(0.3, 0.5)
        qs.append(q)
    return qs


ENC = {'AB': ('A', 'B'), 'TF': ('T', 'F'), 'CN': ('对', '错')}


class Paper:
    def __init__(self, pid, exam, bank, ntf, nsc, enc, minutes, rng):
        self.pid, self.exam, self.minutes, self.enc = pid, exam, minutes, enc
        tf = [q for q in bank if q.t == 'tf']
        sc = [q for q in bank if q.t == 'sc']
        self.tf = sorted(rng.sample(tf, ntf), key=lambda q: q.qid)
        self.sc = sorted(rng.sample(sc, nsc), key=lambda q: q.qid)
        self.qs = self.tf + self.sc
        self.pass_mark = 80

    def code(self, q, c):
        if q.t == 'tf':
            return ENC[self.enc][c]
        return 'ABCD'[c]

    def exam_payload(self):
        return {'kind': 'exam', 'exam': self.exam,
                'questions': [{'id': q.qid, 'key': self.code(q, q.key), 'options': q.n} for q in self.qs],
                'pass_mark': self.pass_mark, 'minutes': self.minutes}


def pc(theta, q):
    g = 1.0 / q.n
    return g + (1 - g) / (1 + math.exp(-1.7 * (theta - q.b)))


def wrong(rng, q):
    if q.n == 2:
        return 1 - q.key
    if rng.random() < q.ds:
        return q.dis
    return rng.choice([k for k in range(q.n) if k not in (q.key, q.dis)])


def draw(rng, q, p):
    return q.key if rng.random() < p else wrong(rng, q)


def qtime(rng, q, speed):
    base = 19.0 if q.t == 'tf' else 31.0
    return max(2.5, base * speed * math.exp(rng.gauss(0, 0.42)) * (1 + 0.22 * max(0.0, q.b)))


# ----------------------------------------------------------------------------
# centres
# ----------------------------------------------------------------------------

def W(name, path, signer='Microsoft Windows'):
    return (name, path, signer)


S32 = 'C:\\Windows\\System32\\'
WIN10_BASE = [
    ('System', '', ''), ('Registry', '', ''),
    W('smss.exe', S32 + 'smss.exe'), W('csrss.exe', S32 + 'csrss.exe'),
    W('wininit.exe', S32 + 'wininit.exe'), W('winlogon.exe', S32 + 'winlogon.exe'),
    W('services.exe', S32 + 'services.exe'), W('lsass.exe', S32 + 'lsass.exe'),
    W('svchost.exe', S32 + 'svchost.exe'), W('svchost.exe', S32 + 'svchost.exe'),
    W('svchost.exe', S32 + 'svchost.exe'), W('svchost.exe', S32 + 'svchost.exe'),
    W('fontdrvhost.exe', S32 + 'fontdrvhost.exe'), W('dwm.exe', S32 + 'dwm.exe'),
    W('spoolsv.exe', S32 + 'spoolsv.exe'), W('sihost.exe', S32 + 'sihost.exe'),
    W('taskhostw.exe', S32 + 'taskhostw.exe'), W('explorer.exe', 'C:\\Windows\\explorer.exe'),
    W('ctfmon.exe', S32 + 'ctfmon.exe'), W('RuntimeBroker.exe', S32 + 'RuntimeBroker.exe'),
    W('SearchIndexer.exe', S32 + 'SearchIndexer.exe'),
    W('ChsIME.exe', S32 + 'InputMethod\\CHS\\ChsIME.exe'),
    W('audiodg.exe', S32 + 'audiodg.exe'),
]
WIN7_BASE = [
    ('System', '', ''),
    W('smss.exe', S32 + 'smss.exe'), W('csrss.exe', S32 + 'csrss.exe'),
    W('wininit.exe', S32 + 'wininit.exe'), W('winlogon.exe', S32 + 'winlogon.exe'),
    W('services.exe', S32 + 'services.exe'), W('lsass.exe', S32 + 'lsass.exe'),
    W('lsm.exe', S32 + 'lsm.exe'),
    W('svchost.exe', S32 + 'svchost.exe'), W('svchost.exe', S32 + 'svchost.exe'),
    W('svchost.exe', S32 + 'svchost.exe'), W('svchost.exe', S32 + 'svchost.exe'),
    W('spoolsv.exe', S32 + 'spoolsv.exe'), W('taskhost.exe', S32 + 'taskhost.exe'),
    W('dwm.exe', S32 + 'dwm.exe'), W('explorer.exe', 'C:\\Windows\\explorer.exe'),
    W('SearchIndexer.exe', S32 + 'SearchIndexer.exe'),
    ('SogouCloud.exe', 'C:\\Program Files (x86)\\SogouInput\\Components\\SogouCloud.exe',
     'Beijing Sogou Technology Development Co., Ltd.'),
]
WIN_TRANSIENT = [
    W('WmiPrvSE.exe', S32 + 'wbem\\WmiPrvSE.exe'),
    W('SearchProtocolHost.exe', S32 + 'SearchProtocolHost.exe'),
    W('SearchFilterHost.exe', S32 + 'SearchFilterHost.exe'),
    W('backgroundTaskHost.exe', S32 + 'backgroundTaskHost.exe'),
    W('conhost.exe', S32 + 'conhost.exe'),
    W('dllhost.exe', S32 + 'dllhost.exe'),
    W('WerFault.exe', S32 + 'WerFault.exe'),
    W('CompatTelRunner.exe', S32 + 'CompatTelRunner.exe'),
    W('taskhostw.exe', S32 + 'taskhostw.exe'),
]
LINUX_BASE = [
    ('systemd', '/usr/lib/systemd/systemd', ''), ('systemd-journald', '/usr/lib/systemd/systemd-journald', ''),
    ('systemd-logind', '/usr/lib/systemd/systemd-logind', ''), ('dbus-daemon', '/usr/bin/dbus-daemon', ''),
    ('NetworkManager', '/usr/sbin/NetworkManager', ''), ('chronyd', '/usr/sbin/chronyd', ''),
    ('sshd', '/usr/sbin/sshd', ''), ('lightdm', '/usr/sbin/lightdm', ''),
    ('Xorg', '/usr/lib/xorg/Xorg', ''), ('kwin_x11', '/usr/bin/kwin_x11', ''),
    ('dde-session-daemon', '/usr/bin/dde-session-daemon', 'UnionTech Software Technology Co., Ltd.'),
    ('dde-dock', '/usr/bin/dde-dock', 'UnionTech Software Technology Co., Ltd.'),
    ('pulseaudio', '/usr/bin/pulseaudio', ''), ('fcitx', '/usr/bin/fcitx', ''),
    ('exam-kiosk', '/opt/scaqks/bin/exam-kiosk', ''),
    ('chromium', '/opt/scaqks/lib/chromium/chromium', ''),
    ('chromium', '/opt/scaqks/lib/chromium/chromium', ''),
    ('x11vnc', '/usr/bin/x11vnc', ''),
]
LINUX_TRANSIENT = [
    ('dde-file-manager', '/usr/bin/dde-file-manager', 'UnionTech Software Technology Co., Ltd.'),
    ('deepin-deepinid-daemon', '/usr/bin/deepin-deepinid-daemon', 'UnionTech Software Technology Co., Ltd.'),
    ('cupsd', '/usr/sbin/cupsd', ''), ('lastore-daemon', '/usr/bin/lastore-daemon', ''),
]
HUORONG = [('HipsDaemon.exe', 'C:\\Program Files (x86)\\Huorong\\Sysdiag\\bin\\HipsDaemon.exe', 'Beijing Huorong Network Technology Co., Ltd.'),
           ('HipsTray.exe', 'C:\\Program Files (x86)\\Huorong\\Sysdiag\\bin\\HipsTray.exe', 'Beijing Huorong Network Technology Co., Ltd.'),
           ('usysdiag.exe', 'C:\\Program Files (x86)\\Huorong\\Sysdiag\\bin\\usysdiag.exe', 'Beijing Huorong Network Technology Co., Ltd.')]
Q360 = [('360tray.exe', 'C:\\Program Files (x86)\\360\\360Safe\\safemon\\360tray.exe', 'Beijing Qihu Technology Co., Ltd.'),
        ('ZhuDongFangYu.exe', 'C:\\Program Files (x86)\\360\\360Safe\\deepscan\\ZhuDongFangYu.exe', 'Beijing Qihu Technology Co., Ltd.')]
DEFENDER = [('MsMpEng.exe', 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MsMpEng.exe', 'Microsoft Corporation'),
            ('SecurityHealthService.exe', S32 + 'SecurityHealthService.exe', 'Microsoft Windows')]

SUNLOGIN = [('SunloginClient.exe', 'C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe', 'Shanghai Oray Information Technology Co., Ltd.'),
            ('SunloginClient.exe', 'C:\\Program Files\\Oray\\SunLogin\\SunloginClient\\SunloginClient.exe', 'Shanghai Oray Information Technology Co., Ltd.')]
TEAMVIEWER_SVC = [('TeamViewer_Service.exe', 'C:\\Program Files (x86)\\TeamViewer\\TeamViewer_Service.exe', 'TeamViewer Germany GmbH')]
TEAMVIEWER_UI = ('TeamViewer.exe', 'C:\\Program Files (x86)\\TeamViewer\\TeamViewer.exe', 'TeamViewer Germany GmbH')
MYTHWARE_DIR = 'C:\\Program Files (x86)\\Mythware\\极域电子教室软件 v6.0 2016 豪华版\\'
MYTHWARE = [('StudentMain.exe', MYTHWARE_DIR + 'StudentMain.exe', 'Shanghai Mythware Information Technology Co., Ltd.'),
            ('MasterHelper.exe', MYTHWARE_DIR + 'MasterHelper.exe', 'Shanghai Mythware Information Technology Co., Ltd.'),
            ('GATESRV.exe', MYTHWARE_DIR + 'GATESRV.exe', 'Shanghai Mythware Information Technology Co., Ltd.')]
TODESK_SVC = ('ToDesk_Service.exe', 'C:\\Program Files\\ToDesk\\ToDesk_Service.exe', 'Hainan Youqu Technology Co., Ltd.')
TODESK_UI = ('ToDesk.exe', 'C:\\Program Files\\ToDesk\\ToDesk.exe', 'Hainan Youqu Technology Co., Ltd.')
LENOVO = [('LenovoVantageService.exe', 'C:\\Program Files (x86)\\Lenovo\\VantageService\\3.13.43.0\\LenovoVantageService.exe', 'Lenovo'),
          ('ibtsiva.exe', S32 + 'ibtsiva.exe', 'Intel(R) Wireless Connectivity Solutions'),
          ('igfxEM.exe', S32 + 'DriverStore\\FileRepository\\iigd_dch.inf_amd64_7d5b3d1d3c7cb4a1\\igfxEM.exe', 'Intel(R) pGFX')]

DEV = {
    'dell_kb': ('hid', 'Dell KB216 Wired Keyboard', '413c', '2113'),
    'dell_ms': ('hid', 'Dell MS116 USB Optical Mouse', '413c', '301a'),
    'len_kb': ('hid', 'Lenovo Traditional USB Keyboard', '17ef', '6099'),
    'len_ms': ('hid', 'Lenovo USB Optical Mouse', '17ef', '608d'),
    'chi_kb': ('hid', 'USB Keyboard', '04F2', '0402'),
    'pix_ms': ('hid', 'USB Optical Mouse', '093A', '2510'),
    'lg_kb': ('hid', 'Logitech USB Keyboard K120', '046d', 'c31c'),
    'lg_ms': ('hid', 'Logitech USB Optical Mouse', '046d', 'c077'),
    'rp_kb': ('hid', 'Rapoo USB Keyboard', '24ae', '1100'),
    'rp_ms': ('hid', 'Rapoo USB Mouse', '24ae', '2013'),
    'idreader': ('hid', 'CVR-100UC ID Card Reader', '0400', 'c35a'),
    'c270': ('other', 'Logitech HD Webcam C270', '046d', '0825'),
    'uvc': ('other', 'USB2.0 HD UVC WebCam', '0bda', '58b0'),
    'scanner': ('hid', 'Honeywell Voyager 1200g', '0c2e', '0b61'),
    'sigpad': ('hid', 'Wacom STU-430 Signature Pad', '056a', '00a4'),
    'dock': ('other', 'ThinkPad USB-C Dock Gen2', '17ef', 'a396'),
    'dock_eth': ('other', 'Realtek USB GbE Family Controller', '17ef', 'a387'),
    'intcam': ('other', 'Integrated Camera', '04f2', 'b6d9'),
    'fpr': ('other', 'Synaptics FS7604 Touch Fingerprint Sensor', '06cb', '00bd'),
    'hub': ('other', 'USB2.0 Hub', '05e3', '0608'),
}
SPARE_MICE = [('hid', 'Logitech M90 USB Mouse', '046d', 'c05a'), ('hid', 'HP USB Optical Mouse', '03f0', '094a'),
              ('hid', 'Dell MS116 USB Optical Mouse', '413c', '301a'), ('hid', 'USB OPTICAL MOUSE', '1bcf', '0005')]
SPARE_KB = [('hid', 'HP Basic USB Keyboard', '03f0', '0024'), ('hid', 'Logitech USB Keyboard K120', '046d', 'c31c'),
            ('hid', 'USB Keyboard', '1c4f', '0002')]
USB_STICKS = [('storage', 'Kingston DataTraveler 3.0', '0951', '1666'), ('storage', 'SanDisk Cruzer Blade', '0781', '5567')]
WIRELESS_HONEST = ('hid', 'USB Receiver', '046d', 'c534')
CAM_HID = ('hid', 'HD Pro Webcam C920 (button)', '046d', '082d')

CENTRES = {
    'JS-NJ-003': dict(os='win10', input_ms=20000, proc_s=300, shuffle=False, res='1920x1080',
                      rooms={'301': 40, '302': 40, '303': 32, '305': 30},
                      devs=['dell_kb', 'dell_ms'], kb='dell_kb', ms='dell_ms', login='keys',
                      procs=HUORONG, client=('JSAQKS.exe', 'C:\\Program Files (x86)\\JSAQ\\ExamClient\\JSAQKS.exe', 'Jiangsu Anke Information Technology Co., Ltd.'),
                      guard=('KSGuard.exe', 'C:\\Program Files (x86)\\JSAQ\\ExamClient\\KSGuard.exe', 'Jiangsu Anke Information Technology Co., Ltd.'),
                      server=[('ks.jsaqks.cn', 443, 'JSAQKS.exe'), ('ks.jsaqks.cn', 443, 'KSGuard.exe')],
                      extra_conn=[('HipsDaemon.exe', 'cloud.huorong.cn', 443)]),
    'ZJ-HZ-011': dict(os='win10', input_ms=15000, proc_s=240, shuffle=True, res='1600x900',
                      rooms={'A101': 45, 'A102': 45},
                      devs=['len_kb', 'len_ms', 'idreader', 'c270'], kb='len_kb', ms='len_ms', login='card',
                      procs=DEFENDER + SUNLOGIN,
                      client=('ZJTZKS.exe', 'D:\\ZJTZKS\\ZJTZKS.exe', 'Hangzhou Zhongce Exam Technology Co., Ltd.'),
                      guard=None,
                      server=[('10.20.0.12', 8443, 'ZJTZKS.exe'), ('10.20.0.13', 9001, 'ZJTZKS.exe')],
                      extra_conn=[('SunloginClient.exe', 'hb-sl.oray.net', 443), ('SunloginClient.exe', '47.111.86.20', 443)]),
    'SD-JN-005': dict(os='win7', input_ms=30000, proc_s=300, shuffle=False, res='1440x900',
                      rooms={'1': 36, '2': 36},
                      devs=['chi_kb', 'pix_ms'], kb='chi_kb', ms='pix_ms', login='keys',
                      procs=Q360 + TEAMVIEWER_SVC,
                      client=('KSClient.exe', 'C:\\KSClient\\KSClient.exe', 'Shandong Lutong Software Co., Ltd.'),
                      guard=None,
                      server=[('172.18.1.5', 80, 'KSClient.exe')],
                      extra_conn=[('TeamViewer_Service.exe', 'master9.teamviewer.com', 5938)]),
    'GD-FS-021': dict(os='win10', input_ms=20000, proc_s=300, shuffle=True, res='1920x1080',
                      rooms={'JF1': 50, 'JF2': 50, 'JF3': 36},
                      devs=['lg_kb', 'lg_ms', 'scanner', 'sigpad'], kb='lg_kb', ms='lg_ms', login='scan',
                      procs=HUORONG + MYTHWARE,
                      client=('GDAQExam.exe', 'C:\\GDAQ\\Exam\\GDAQExam.exe', 'Guangzhou Anxin Education Technology Co., Ltd.'),
                      guard=('GDAQLock.exe', 'C:\\GDAQ\\Exam\\GDAQLock.exe', 'Guangzhou Anxin Education Technology Co., Ltd.'),
                      server=[('192.168.10.1', 9000, 'GDAQExam.exe')],
                      extra_conn=[('StudentMain.exe', '192.168.10.2', 4988)]),
    'SC-CD-008': dict(os='linux', input_ms=15000, proc_s=300, shuffle=False, res='1920x1080',
                      rooms={'L2-01': 32, 'L2-02': 32},
                      devs=['rp_kb', 'rp_ms', 'uvc'], kb='rp_kb', ms='rp_ms', login='keys',
                      procs=[], client=None, guard=None,
                      server=[('10.8.0.20', 443, 'exam-kiosk'), ('10.8.0.20', 443, 'chromium')],
                      extra_conn=[]),
    'HB-WH-014': dict(os='win10', input_ms=20000, proc_s=300, shuffle=False, res='1920x1080',
                      rooms={'R201': 24, 'R202': 24},
                      devs=['dock', 'dock_eth', 'len_kb', 'len_ms', 'intcam', 'fpr'], kb='len_kb', ms='len_ms', login='keys',
                      procs=DEFENDER + LENOVO + [TODESK_SVC],
                      client=('HBTZKS.exe', 'C:\\Program Files\\HBTZKS\\HBTZKS.exe', 'Wuhan Zhongyuan Kaowu Technology Co., Ltd.'),
                      guard=None,
                      server=[('kaoshi.hbaqpx.org.cn', 443, 'HBTZKS.exe')],
                      extra_conn=[('ToDesk_Service.exe', 'api.todesk.com', 443)]),
}
TSTYLE = {'JS-NJ-003': 'cst', 'ZJ-HZ-011': 'cst_ms', 'SD-JN-005': 'cst', 'GD-FS-021': 'cst',
          'SC-CD-008': 'utc_ms', 'HB-WH-014': 'cst_ms'}

D1, D2, D3, D4 = (2026, 11, 17), (2026, 11, 18), (2026, 11, 19), (2026, 11, 20)
# (day, slot, centre, room, paper, weight)
SITTINGS = [
    (D1, 'AM', 'JS-NJ-003', '301', 'P1', 28), (D1, 'AM', 'JS-NJ-003', '302', 'P1', 26),
    (D1, 'AM', 'JS-NJ-003', '303', 'P1', 20), (D1, 'AM', 'JS-NJ-003', '305', 'P1', 18),
    (D1, 'AM', 'ZJ-HZ-011', 'A101', 'P3', 26), (D1, 'PM', 'SD-JN-005', '1', 'P1', 26),
    (D1, 'PM', 'GD-FS-021', 'JF1', 'P2', 30),
    (D2, 'AM', 'GD-FS-021', 'JF1', 'P2', 28), (D2, 'AM', 'GD-FS-021', 'JF2', 'P2', 26),
    (D2, 'AM', 'GD-FS-021', 'JF3', 'P2', 18), (D2, 'AM', 'ZJ-HZ-011', 'A102', 'P2', 20),
    (D2, 'AM', 'SC-CD-008', 'L2-01', 'P4', 22), (D2, 'PM', 'ZJ-HZ-011', 'A101', 'P2', 24),
    (D2, 'PM', 'ZJ-HZ-011', 'A102', 'P2', 22), (D2, 'PM', 'HB-WH-014', 'R201', 'P5', 20),
    (D3, 'AM', 'SD-JN-005', '1', 'P6', 22), (D3, 'AM', 'SD-JN-005', '2', 'P6', 22),
    (D3, 'AM', 'SC-CD-008', 'L2-01', 'P6', 20), (D3, 'AM', 'SC-CD-008', 'L2-02', 'P6', 18),
    (D3, 'PM', 'JS-NJ-003', '301', 'P3', 22), (D3, 'PM', 'JS-NJ-003', '302', 'P3', 16),
    (D3, 'PM', 'HB-WH-014', 'R201', 'P5', 18), (D3, 'PM', 'HB-WH-014', 'R202', 'P5', 16),
    (D4, 'AM', 'GD-FS-021', 'JF2', 'P1', 26), (D4, 'AM', 'ZJ-HZ-011', 'A101', 'P4', 20),
    (D4, 'AM', 'HB-WH-014', 'R202', 'P3', 16),
]

# cheating variants: (label, variant, count at 25 per kind)
VARIANTS = {
    'software': [('S1', 3), ('S2', 3), ('S3', 5), ('S4', 4), ('S5', 4), ('S6', 3), ('S7', 3)],
    'hardware': [('H1', 3), ('H2', 4), ('H3', 4), ('H4', 4), ('H5', 4), ('H6', 3), ('H7', 3)],
    'leak': [('L1', 7), ('L2', 6), ('L3', 6), ('L4', 6)],
    'operator': [('O1', 4), ('O2', 5), ('O3', 7), ('O4', 5), ('O5', 4)],
}


class Sess:
    def __init__(self, **kw):
        self.__dict__.update(kw)
        self.visits = []      # (a, b, Q, choice|None, actor)
        self.contribs = []    # (t, keys, pointer)
        self.extras = []      # (a, b, 'proc'|'conn', tuple)
        self.devs = []        # present at start
        self.dev_events = []  # (t, action, dev)
        self.disp = None      # (displays, mirrored, res)
        self.disp_events = []
        self.no_end = False
        self.answered = {}
        self.note = ''
        self.pauses = []


def scale_counts(weights, total):
    s = sum(weights)
    raw = [w * total / s for w in weights]
    base = [int(math.floor(x)) for x in raw]
    rem = total - sum(base)
    order = sorted(range(len(raw)), key=lambda i: -(raw[i] - base[i]))
    for i in order[:rem]:
        base[i] += 1
    return base


class Gen:
    def __init__(self, seed, n):
        self.seed = seed
        self.n = n
        self.R = lambda name: random.Random('%s/%s' % (seed, name))
        rng = self.R('banks')
        banks = {p: make_bank(rng, p, a, b) for p, a, b in
                 [('DGLV', 600, 240), ('DGHV', 420, 200), ('HJRQ', 400, 220), ('GCDJ', 300, 160), ('ZLKT', 320, 160)]}
        rng = self.R('papers')
        self.papers = {
            'P1': Paper('P1', 'DGZY-DY-202611-A', banks['DGLV'], 70, 30, 'AB', 120, rng),
            'P2': Paper('P2', 'DGZY-DY-202611-B', banks['DGLV'], 70, 30, 'TF', 120, rng),
            'P3': Paper('P3', 'HJRQ-202611-A', banks['HJRQ'], 50, 50, 'AB', 120, rng),
            'P4': Paper('P4', 'GCZY-DJ-202611-A', banks['GCDJ'], 60, 40, 'CN', 90, rng),
            'P5': Paper('P5', 'ZLKT-202611-A', banks['ZLKT'], 70, 30, 'CN', 120, rng),
            'P6': Paper('P6', 'DGZY-GY-202611-A', banks['DGHV'], 70, 30, 'AB', 120, rng),
        }
        self.sessions = []
        self.used_ids = set()

    # ------------------------------------------------------------------ ids
    def uid(self, rng):
        while True:
            h = '%032x' % rng.getrandbits(128)
            s = '%s-%s-4%s-%s-%s' % (h[:8], h[8:12], h[13:16], h[16:20], h[20:32])
            if h[:8] not in self.used_ids:
                self.used_ids.add(h[:8])
                return s

    def cand_id(self, rng, centre):
        if centre == 'JS-NJ-003':
            return 'J%09d' % rng.randrange(10 ** 9)
        if centre == 'ZJ-HZ-011':
            return 'ZJ26' + ''.join(rng.choice('ABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(6))
        if centre == 'SD-JN-005':
            return '%012x' % rng.getrandbits(48)
        if centre == 'GD-FS-021':
            return 'GD-%s-%04d' % (''.join(rng.choice('ABCDEFGHJKMNPQRSTUVWXYZ') for _ in range(4)), rng.randrange(10000))
        if centre == 'SC-CD-008':
            return 'sc' + ''.join(rng.choice('abcdefghijklmnopqrstuvwxyz234567') for _ in range(10))
        return 'HB%07d' % rng.randrange(10 ** 7)

    def terminal(self, centre, room, seat, rng):
        if centre == 'JS-NJ-003':
            return 'KS%s-%02d' % (room, seat)
        if centre == 'ZJ-HZ-011':
            return 'ZJHZ011-%s-%03d' % (room, seat)
        if centre == 'SD-JN-005':
            return 'PC-%s%02d' % (room, seat)
        if centre == 'GD-FS-021':
            return '%s-S%02d' % (room, seat)
        if centre == 'SC-CD-008':
            return 'uos-%s-%02d' % (room.lower(), seat)
        return 'HB-LT%03d' % self.laptops.pop()

    # ------------------------------------------------------------- layout
    def layout(self):
        rng = self.R('layout')
        counts = scale_counts([s[5] for s in SITTINGS], self.n)
        self.laptops = list(range(1, 200))
        rng.shuffle(self.laptops)
        self.sittings = []
        cands = set()
        for i, ((y, mo, d), slot, centre, room, pid, _w) in enumerate(SITTINGS):
            cfg = CENTRES[centre]
            cap = cfg['rooms'][room]
            cnt = min(counts[i], cap)
            seats = sorted(rng.sample(range(1, cap + 1), cnt))
            tslot = epoch(y, mo, d, 9 if slot == 'AM' else 14, 0)
            if centre == 'HB-WH-014':
                self.laptops = list(range(1, 200))
                rng.shuffle(self.laptops)
            sit = dict(idx=i, day=(y, mo, d), slot=slot, centre=centre, room=room, paper=self.papers[pid],
                       tslot=tslot, sessions=[])
            for seat in seats:
                while True:
                    c = self.cand_id(rng, centre)
                    if c not in cands:
                        cands.add(c)
                        break
                t0 = tslot + rng.uniform(-4 * 60, 9 * 60)
                late = rng.random() < 0.03
                if late:
                    t0 = tslot + rng.uniform(15 * 60, 28 * 60)
                p = sit['paper']
                limit = min(t0 + p.minutes * 60, tslot + p.minutes * 60 + 15 * 60)
                s = Sess(sid=self.uid(rng), cand=c, centre=centre, cfg=cfg, room=room, seat=seat,
                         term=self.terminal(centre, room, seat, rng), paper=p, sit=sit, t0=t0,
                         limit=limit, late=late, label='honest', variant='', group=None)
                order_tf, order_sc = list(p.tf), list(p.sc)
                if cfg['shuffle']:
                    rng.shuffle(order_tf)
                    rng.shuffle(order_sc)
                s.order = order_tf + order_sc
                sit['sessions'].append(s)
                self.sessions.append(s)
            self.sittings.append(sit)
        total = len(self.sessions)
        # top up if capacity limited (not expected at 500)
        assert total == self.n, (total, self.n)

    # ------------------------------------------------------------ labels
    def assign(self):
        rng = self.R('assign')
        k = max(1, round(self.n * 0.05))
        scale = k / 25.0
        free = {id(s): s for s in self.sessions}
        st = self.sittings

        def take(sit_idx, n, cond=None):
            pool = [s for s in st[sit_idx]['sessions'] if id(s) in free and (cond is None or cond(s))]
            pool.sort(key=lambda s: s.seat)
            got = rng.sample(pool, min(n, len(pool)))
            for s in got:
                del free[id(s)]
            return got

        def sc(n):
            return max(1, round(n * scale))

        self.groups = []
        # operator groups
        g = []
        for i in (0, 1, 2, 3):
            g += take(i, 1, lambda s: not s.late)
        self.groups.append(('O1', g[:sc(4)]))
        g = take(8, 2, lambda s: not s.late) + take(9, 1, lambda s: not s.late) + take(10, 2, lambda s: not s.late)
        self.groups.append(('O2', g[:sc(5)]))
        g = take(23, 7, lambda s: not s.late)
        self.groups.append(('O3', g[:sc(7)]))
        g = take(12, 3, lambda s: not s.late) + take(13, 2, lambda s: not s.late)
        self.groups.append(('O4', g[:sc(5)]))
        # O5: adjacent seats in SD room 2 (day 3)
        pool = sorted([s for s in st[16]['sessions'] if id(s) in free and not s.late], key=lambda s: s.seat)
        n5 = sc(4)
        best = None
        for i in range(len(pool) - n5 + 1):
            span = pool[i + n5 - 1].seat - pool[i].seat
            if best is None or span < best[0]:
                best = (span, i)
        g = pool[best[1]:best[1] + n5]
        for s in g:
            del free[id(s)]
        self.groups.append(('O5', g))
        for name, g in self.groups:
            for s in g:
                s.label, s.variant, s.group = 'operator', name, name
        # leaks
        leak_plan = {'L4': [(5, 4), (23, 2)], 'L1': [(6, 2), (7, 2), (8, 1), (12, 1), (13, 1)],
                     'L2': [(15, 2), (16, 1), (17, 2), (18, 1)], 'L3': [(14, 2), (21, 1), (19, 1), (20, 1), (25, 1)]}
        for v, cnt in VARIANTS['leak']:
            plan = leak_plan[v]
            need = sc(cnt)
            got = []
            for si, n in plan:
                got += take(si, n)
            for s in got[:need]:
                s.label, s.variant = 'leak', v
            for s in got[need:]:
                free[id(s)] = s
        # software / hardware
        for kind in ('software', 'hardware'):
            for v, cnt in VARIANTS[kind]:
                def ok(s, v=v):
                    c = s.centre
                    if v == 'S4':
                        return c == 'ZJ-HZ-011'
                    if v == 'S6':
                        return c == 'SC-CD-008'
                    if v in ('S1', 'S2', 'S3', 'S5', 'S7'):
                        return c != 'SC-CD-008'
                    if v in ('H1', 'H7'):
                        return c != 'HB-WH-014'
                    return True
                pool = sorted([s for s in free.values() if ok(s)], key=lambda s: s.sid)
                for s in rng.sample(pool, sc(cnt)):
                    del free[id(s)]
                    s.label, s.variant = kind, v
        # honest terminal swaps: the second session is an extra honest session,
        # so swap pairs are drawn from free seats: the failed terminal keeps its
        # own session, the spare terminal becomes a new session taken from the
        # same sitting (its own drawn candidate is dropped and replaced).
        self.swaps = []
        for si in (2, 19):
            pool = sorted([s for s in st[si]['sessions'] if id(s) in free and not s.late], key=lambda s: s.seat)
            a, b = pool[1], pool[-1]
            del free[id(a)]
            del free[id(b)]
            b.cand = a.cand
            b.swap_of = a
            a.swap_to = b
            self.swaps.append((a, b))

    # ------------------------------------------------------------ helpers
    def login(self, s, rng, t):
        mode = s.cfg['login']
        if mode == 'keys':
            s.contribs.append((t + rng.uniform(8, 30), rng.randint(17, 24), rng.randint(10, 40)))
            s.contribs.append((t + rng.uniform(30, 50), rng.randint(0, 3), rng.randint(15, 60)))
        elif mode == 'card':
            s.contribs.append((t + rng.uniform(20, 50), 0, rng.randint(10, 50)))
        elif mode == 'scan':
            s.contribs.append((t + rng.uniform(5, 25), rng.randint(19, 21), 0))
            s.contribs.append((t + rng.uniform(30, 50), 0, rng.randint(10, 40)))

    def fidget(self, s, rng, a, b, rate):
        d = b - a
        if d <= 0:
            return
        n = pois(rng, rate * d)
        if n == 0:
            return
        chunks = max(1, int(d // 5))
        per = [0] * min(chunks, n)
        for _ in range(n):
            per[rng.randrange(len(per))] += 1
        for c in per:
            if c:
                s.contribs.append((rng.uniform(a, b), 0, c))

    def jiggle(self, s, rng, a, b, per_min):
        t = a
        while True:
            t += rng.expovariate(per_min / 60.0)
            if t >= b:
                break
            s.contribs.append((t, 1 if rng.random() < 0.08 else 0, rng.randint(1, 18)))

    def visit(self, s, rng, a, b, q, c, actor):
        s.visits.append((a, b, q, c, actor))
        if c is not None:
            s.answered[q.qid] = c
        d = b - a
        if actor == 'mouse':
            self.fidget(s, rng, a, b - 1, 0.5)
            s.contribs.append((b - rng.uniform(0.1, 1.2), 0, rng.randint(8, 38)))
            if c is not None and rng.random() < 0.7:
                s.contribs.append((b + rng.uniform(0.3, 1.2), 0, rng.randint(2, 10)))
        elif actor == 'keys':
            self.fidget(s, rng, a, b, 0.06)
            s.contribs.append((b, 1, 0))
            if rng.random() < 0.75:
                s.contribs.append((b + rng.uniform(0.2, 0.8), 1, 0))
        elif actor == 'inj_abs':
            s.contribs.append((b, 0, rng.randint(3, 4)))
            if rng.random() < 0.8:
                s.contribs.append((b + rng.uniform(0.25, 0.6), 0, 3))
        elif actor == 'inj_keys':
            s.contribs.append((b, 2 if rng.random() < 0.85 else 3, 0))
        elif actor == 'inj_rel':
            self.fidget(s, rng, a, b - 1, 0.15)
            s.contribs.append((b - rng.uniform(0.1, 0.8), 0, rng.randint(6, 25)))
            if c is not None and rng.random() < 0.6:
                s.contribs.append((b + rng.uniform(0.3, 1.0), 0, rng.randint(2, 8)))
        # 'remote': injected by software, not counted as local input

    def submit(self, s, rng, t, local=True):
        if local:
            s.contribs.append((t - rng.uniform(1, 6), 0, rng.randint(12, 40)))
        return t

    def profile(self, rng):
        r = rng.random()
        if r < 0.07:
            typ, theta, speed = 'fast_able', rng.gauss(2.7, 0.4), rng.uniform(0.3, 0.55)
        elif r < 0.15:
            typ, theta, speed = 'weak_rush', rng.gauss(-0.2, 0.5), rng.uniform(2.3, 3.3)
        elif r < 0.17:
            typ, theta, speed = 'giveup', rng.gauss(-0.7, 0.5), 1.0
        else:
            typ = 'normal'
            theta = rng.gauss(1.0, 0.85)
            speed = math.exp(rng.gauss(0, 0.3) - 0.1 * (theta - 1.0))
        flags = dict(skip=rng.random() < 0.22, keys=rng.random() < 0.1, review=rng.random() < 0.45,
                     giveup=typ == 'giveup')
        return typ, theta, speed, flags

    def honest_run(self, s, rng, theta, speed, flags, t, order=None, stop_at=None, actor=None):
        """Candidate answers alone. Returns the time after the last action."""
        order = s.order if order is None else order
        limit = s.limit if stop_at is None else stop_at
        actor = actor or ('keys' if flags.get('keys') else 'mouse')
        rush_margin = rng.uniform(150, 420)
        skipped = []
        for q in order:
            if q.qid in s.answered:
                continue
            if t >= limit - rush_margin:
                break
            p = pc(theta, q)
            if flags.get('giveup'):
                d = rng.uniform(2, 8)
                c = draw(rng, q, 1.0 / q.n + (p - 1.0 / q.n) * 0.35)
                self.visit(s, rng, t, t + d, q, c, actor)
                t += d
                continue
            if flags.get('skip') and p < 0.72 and rng.random() < 0.55:
                d = rng.uniform(3, 11) * min(speed, 1.5)
                self.visit(s, rng, t, t + d, q, None, actor)
                skipped.append(q)
                t += d
                continue
            d = qtime(rng, q, speed)
            c = draw(rng, q, p)
            if rng.random() < 0.012:
                # misclick, corrected a moment later
                self.visit(s, rng, t, t + d * 0.85, q, rng.choice([x for x in range(q.n) if x != c]), actor)
                self.visit(s, rng, t + d * 0.85, t + d, q, c, actor)
            else:
                self.visit(s, rng, t, t + d, q, c, actor)
            t += d
        for q in skipped:
            if t >= limit - rush_margin or q.qid in s.answered:
                continue
            d = qtime(rng, q, speed) * 0.8
            self.visit(s, rng, t, t + d, q, draw(rng, q, pc(theta, q) * 0.97), actor)
            t += d
        remaining = [q for q in order if q.qid not in s.answered]
        if remaining and stop_at is None:
            # time is running out: guess the rest as fast as possible
            for q in remaining:
                if t >= limit - rng.uniform(3, 12):
                    break
                d = rng.uniform(1.1, 3.8)
                c = rng.randrange(q.n) if rng.random() < 0.8 else draw(rng, q, pc(theta, q))
                self.visit(s, rng, t, t + d, q, c, actor)
                t += d
            return min(t, limit)
        if flags.get('review') and stop_at is None and t < limit - 180:
            t_rev = t + min(limit - 90 - t, rng.uniform(60, 1000))
            for q in order:
                if t >= t_rev:
                    break
                if q.qid not in s.answered:
                    continue
                p = pc(theta, q)
                if rng.random() < (0.45 if p < 0.75 else 0.08):
                    d = rng.uniform(2.5, 12)
                    c = s.answered[q.qid]
                    if rng.random() < 0.5:
                        c2 = draw(rng, q, p)
                        self.visit(s, rng, t, t + d, q, c2 if c2 != c else None, actor)
                    else:
                        self.visit(s, rng, t, t + d, q, None, actor)
                    t += d
        return t

    def belief(self, rng, paper, theta, sticky=0.0):
        return {q.qid: (q.key if rng.random() < pc(theta, q) else wrong(rng, q)) for q in paper.qs}

    def pace(self, rng, q, kind):
        if kind == 'fast':
            return rng.uniform(3, 7) if q.t == 'tf' else rng.uniform(5, 11)
        if kind == 'dict':
            return rng.uniform(6, 11) if q.t == 'tf' else rng.uniform(9, 16)
        return rng.uniform(9, 24) if q.t == 'tf' else rng.uniform(14, 36)

    # ------------------------------------------------------------ simulate
    def simulate(self):
        rng = self.R('sim')
        for name, g in self.groups:
            self.sim_operator(rng, name, g)
        for s in self.sessions:
            if s.label == 'operator':
                continue
            if getattr(s, 'swap_of', None) is not None or getattr(s, 'swap_to', None) is not None:
                continue
            self.sim_one(s, rng)
        for a, b in self.swaps:
            self.sim_swap(rng, a, b)

    def base_setup(self, s, rng):
        cfg = s.cfg
        s.devs = [DEV[d] for d in cfg['devs']]
        s.disp = (1, False, cfg['res'])
        if s.centre == 'HB-WH-014':
            s.disp = (2, True, '1920x1080') if rng.random() < 0.8 else (1, False, '1920x1080')
            if rng.random() < 0.15:
                s.devs = [d for d in s.devs if d[2] != '17ef' or d[3] not in ('608d',)] + [WIRELESS_HONEST]
        if s.centre == 'SD-JN-005' and rng.random() < 0.12:
            s.disp = (1, False, '1024x768')
            s.disp_events.append((s.t0 + rng.uniform(40, 200), 1, False, '1440x900'))
        if s.centre != 'HB-WH-014' and rng.random() < 0.04:
            s.devs = [d for d in s.devs if d != DEV[cfg['ms']]] + [WIRELESS_HONEST]
        if rng.random() < 0.05:
            s.devs = s.devs + [DEV['hub']]

    def honest_extras(self, s, rng, t_first, t_end):
        notes = []
        c = s.centre
        span = max(60.0, t_end - t_first)
        r = rng.random()
        if r < 0.035:
            ta = t_first + rng.uniform(0.1, 0.8) * span
            old = DEV[s.cfg['ms']] if DEV[s.cfg['ms']] in s.devs else s.devs[1]
            new = rng.choice([m for m in SPARE_MICE if m != old])
            s.dev_events += [(ta, 'removed', old), (ta + rng.uniform(25, 120), 'attached', new)]
            notes.append('mouse replaced by invigilator')
        elif r < 0.05:
            ta = t_first + rng.uniform(0.1, 0.8) * span
            old = DEV[s.cfg['kb']]
            new = rng.choice([m for m in SPARE_KB if m != old])
            s.dev_events += [(ta, 'removed', old), (ta + rng.uniform(30, 150), 'attached', new)]
            notes.append('keyboard replaced')
        elif r < 0.07 and c in ('ZJ-HZ-011', 'SC-CD-008'):
            cam = DEV['c270'] if c == 'ZJ-HZ-011' else DEV['uvc']
            ta = t_first + rng.uniform(0.05, 0.9) * span
            s.dev_events += [(ta, 'removed', cam), (ta + rng.uniform(2, 40), 'attached', cam)]
            notes.append('loose webcam cable re-enumerates')
        elif r < 0.085:
            ta = s.t0 - rng.uniform(0, 1) + rng.uniform(1, 20)
            stick = rng.choice(USB_STICKS)
            s.dev_events += [(ta, 'attached', stick), (ta + rng.uniform(20, 90), 'removed', stick)]
            notes.append('staff USB stick at start (client patch)')
        elif r < 0.10:
            ta = s.t0 + rng.uniform(5, 60)
            s.dev_events += [(ta, 'attached', CAM_HID)]
            notes.append('face-check webcam with HID button attached')
        if c == 'HB-WH-014' and s.disp[0] == 2 and rng.random() < 0.12:
            ta = t_first + rng.uniform(0.1, 0.9) * span
            back = ta + rng.uniform(3, 40)
            for d in ('dock', 'dock_eth', 'len_kb', 'len_ms'):
                s.dev_events += [(ta + rng.uniform(0, 0.5), 'removed', DEV[d]), (back + rng.uniform(0, 1.5), 'attached', DEV[d])]
            s.disp_events += [(ta + 0.6, 1, False, '1920x1080'), (back + 2.0, 2, True, '1920x1080')]
            notes.append('dock reconnect')
        return notes

    def sim_one(self, s, rng):
        self.base_setup(s, rng)
        v = s.variant
        t_first = s.t0 + rng.uniform(45, 190)
        self.login(s, rng, s.t0)
        if s.label == 'honest':
            typ, theta, speed, flags = self.profile(rng)
            t = self.honest_run(s, rng, theta, speed, flags, t_first)
            t_end = min(s.limit, t + rng.uniform(5, 80))
            if t_end < s.limit:
                self.submit(s, rng, t_end)
            s.t_end = t_end
            notes = [typ]
            notes += [k for k, val in flags.items() if val]
            notes += self.honest_extras(s, rng, t_first, t_end)
            notes += self.honest_special(s, rng, t_first)
            s.note = 'honest ' + ', '.join(notes)
            return
        getattr(self, 'sim_' + v)(s, rng, t_first)

    def honest_special(self, s, rng, t_first):
        notes = []
        c = s.centre
        # projector demo seat
        if s.seat == min(x.seat for x in s.sit['sessions']) and c in ('JS-NJ-003', 'HB-WH-014') and rng.random() < 0.7:
            base = s.disp
            s.disp = (2, True, '1024x768')
            s.disp_events.append((s.t0 + rng.uniform(60, 300), base[0], base[1], base[2]))
            notes.append('front seat used for projector demo before start')
        if c == 'SD-JN-005' and rng.random() < 0.12:
            self.it_assist(s, rng, t_first, 'tv')
            notes.append('IT TeamViewer session to unfreeze client, candidate waits')
        elif c == 'ZJ-HZ-011' and rng.random() < 0.06:
            self.it_assist(s, rng, t_first, 'sl')
            notes.append('IT Sunlogin session to fix client, candidate waits')
        return notes

    def it_assist(self, s, rng, t_first, tool):
        # pick a window between answers, push later activity back by its length
        ans_t = [v[1] for v in s.visits]
        if len(ans_t) < 20:
            return
        i = rng.randrange(5, len(ans_t) - 5)
        ta = ans_t[i] + rng.uniform(2, 8)
        dur = rng.uniform(100, 320)
        s.visits = [(a + dur if a >= ta else a, b + dur if b >= ta else b, q, c, act) for a, b, q, c, act in s.visits]
        s.contribs = [(t + dur if t >= ta else t, k, p) for t, k, p in s.contribs]
        s.dev_events = [(t + dur if t >= ta else t, a, d) for t, a, d in s.dev_events]
        s.t_end += dur
        s.limit += dur
        if tool == 'tv':
            peer = '172.18.1.%d' % rng.randint(30, 40)
            s.extras.append((ta, ta + dur, 'proc', TEAMVIEWER_UI))
            s.extras.append((ta, ta + dur, 'conn', (peer, 5938, 'TeamViewer_Service.exe')))
        else:
            s.extras.append((ta, ta + dur, 'conn', ('115.236.%d.%d' % (rng.randint(0, 255), rng.randint(1, 254)), rng.randint(30000, 60000), 'SunloginClient.exe')))

    # ---------------------------------------------------------- software
    def weak(self, rng):
        return rng.gauss(-0.1, 0.6), rng.uniform(0.9, 1.4)

    def takeover(self, s, rng, t_first, t_tool, actor, helper_theta, pace, jig=0.0, fix_prev=False,
                 deliberate=None, submit_local=True, until=None):
        if deliberate is None:
            deliberate = 0.0 if rng.random() < 0.55 else rng.uniform(0.03, 0.08)
        theta, speed = self.weak(rng)
        t = self.honest_run(s, rng, theta, speed, {}, t_first, stop_at=t_tool)
        t = max(t, t_tool) + rng.uniform(15, 90)
        bel = self.belief(rng, s.paper, helper_theta)
        for q in s.paper.qs:
            if rng.random() < deliberate:
                bel[q.qid] = rng.choice([x for x in range(q.n) if x != bel[q.qid]])
        t_rs = t
        for q in s.order:
            if q.qid in s.answered:
                continue
            d = self.pace(rng, q, pace)
            if t + d > s.limit - 20:
                break
            self.visit(s, rng, t, t + d, q, bel[q.qid], actor)
            t += d
        if fix_prev:
            for q in s.order:
                if q.qid in s.answered and s.answered[q.qid] != bel[q.qid] and t < s.limit - 30:
                    d = rng.uniform(2, 6)
                    self.visit(s, rng, t, t + d, q, bel[q.qid], actor)
                    t += d
        t_re = t
        if jig:
            self.jiggle(s, rng, t_rs - 30, t_re + 30, jig)
        if submit_local:
            t_end = min(s.limit, self.hold(s, rng, t))
            self.submit(s, rng, t_end)
        else:
            t_end = min(s.limit, t + rng.uniform(3, 20))
            if actor != 'remote':
                self.submit(s, rng, t_end)
        s.t_end = t_end
        return t_rs, t_re

    def vidx(self, s):
        return sorted(x.sid for x in self.sessions if x.variant == s.variant).index(s.sid)

    def sim_S1(self, s, rng, t_first):
        t_tool = t_first + rng.uniform(3, 15) * 60
        jig = 0.0 if rng.random() < 0.6 else 1.5
        rs, re_ = self.takeover(s, rng, t_first, t_tool, 'remote', rng.uniform(2.0, 2.8), 'fast', jig=jig)
        a = t_tool
        s.extras.append((a, s.t_end + 5, 'proc', TODESK_UI))
        if s.centre != 'HB-WH-014':
            s.extras.append((a - 2, s.t_end + 5, 'proc', TODESK_SVC))
        s.extras.append((a + 5, re_ + 20, 'conn', ('124.71.%d.%d' % (rng.randint(0, 255), rng.randint(1, 254)), 443, 'ToDesk.exe')))
        s.extras.append((a + 3, s.t_end + 5, 'conn', ('api.todesk.com', 443, 'ToDesk_Service.exe')))
        vd = rng.random() < 0.5
        if vd:
            s.disp_events.append((rs - rng.uniform(5, 30), 2, False, s.disp[2]))
        s.note = 'ToDesk started %d min in, helper operates remotely%s%s' % (
            (t_tool - s.t0) / 60, ', privacy-screen virtual display' if vd else '', ', candidate jiggles mouse' if jig else '')

    def sim_S2(self, s, rng, t_first):
        t_tool = t_first + rng.uniform(1, 10) * 60
        rs, re_ = self.takeover(s, rng, t_first, t_tool, 'remote', rng.uniform(2.0, 2.6), 'fast', fix_prev=True)
        path, name = rng.choice([('C:\\Users\\ks\\Downloads\\AnyDesk.exe', 'AnyDesk.exe'),
                                 ('C:\\Users\\Public\\Documents\\AD.exe', 'AD.exe'),
                                 ('C:\\Users\\ks\\AppData\\Local\\Temp\\AnyDesk.exe', 'AnyDesk.exe')])
        s.extras.append((t_tool, s.t_end + 3, 'proc', (name, path, 'AnyDesk Software GmbH')))
        s.extras.append((t_tool + 4, re_ + 15, 'conn', ('relay-%08x.net.anydesk.com' % rng.getrandbits(32), 443, name)))
        s.extras.append((t_tool + 4, s.t_end + 3, 'conn', ('boot.net.anydesk.com', 6568, name)))
        s.note = 'portable AnyDesk (%s) from user folder; helper answers remaining and corrects earlier answers' % name

    def sim_S3(self, s, rng, t_first):
        name, path = (lambda l: l[self.vidx(s) % len(l)])([('igfxTray.exe', 'C:\\ProgramData\\Intel\\igfxTray.exe'),
                                 ('conhost.exe', 'C:\\Windows\\Temp\\conhost.exe'),
                                 ('audiodg.exe', 'C:\\ProgramData\\Microsoft\\audiodg.exe'),
                                 ('SecurityHealthHost.exe', 'C:\\Users\\Public\\Libraries\\SecurityHealthHost.exe'),
                                 ('OneDriveUpdater.exe', 'C:\\Users\\ks\\AppData\\Local\\OneDrive\\OneDriveUpdater.exe')])
        signer = rng.choice(['', '', 'PURSLANE'])
        vps = rng.choice(['43.139.%d.%d', '47.98.%d.%d', '119.91.%d.%d', '8.134.%d.%d']) % (rng.randint(0, 255), rng.randint(1, 254))
        port = rng.choice([21117, 21116, 443, 8443])
        preplanted = rng.random() < 0.5
        t_tool = s.t0 - 1 if preplanted else t_first + rng.uniform(2, 12) * 60
        careful = rng.random() < 0.6
        rs, re_ = self.takeover(s, rng, t_first, max(t_tool, t_first + rng.uniform(2, 20) * 60), 'remote',
                                rng.uniform(1.8, 2.4), 'natural' if careful else 'fast',
                                jig=rng.uniform(1.0, 4.0) if careful else 0.0,
                                deliberate=0.06 if careful else 0.0)
        s.extras.append((t_tool, s.t_end + 5, 'proc', (name, path, signer)))
        s.extras.append((max(t_tool, s.t0) + 6, s.t_end + 5, 'conn', (vps, port, name)))
        s.note = 'renamed self-hosted RustDesk as %s (%s) -> %s:%d%s%s' % (
            name, path, vps, port, ', pre-planted before session' if preplanted else '',
            ', careful: human pace, deliberate misses, candidate jiggles mouse' if careful else '')

    def sim_S4(self, s, rng, t_first):
        t_tool = t_first + rng.uniform(2, 25) * 60
        careful = rng.random() < 0.5
        rs, re_ = self.takeover(s, rng, t_first, t_tool, 'remote', rng.uniform(1.9, 2.6),
                                'natural' if careful else 'fast', jig=1.0 if careful else 0.0,
                                deliberate=0.05 if careful else 0.0)
        peer = '%d.%d.%d.%d' % (rng.choice([112, 117, 183, 223]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        s.extras.append((rs - 40, re_ + 30, 'conn', (peer, rng.randint(30000, 60000), 'SunloginClient.exe')))
        s.note = 'uses the centre-installed Sunlogin: active P2P session to %s while helper answers%s' % (
            peer, ' (human pace, some deliberate misses)' if careful else '')

    def hold(self, s, rng, t):
        # careful gangs do not submit suspiciously early
        if rng.random() < 0.5:
            return max(t + rng.uniform(20, 120), s.t0 + rng.uniform(38, 80) * 60)
        return t + rng.uniform(30, 600)

    def dictated(self, s, rng, t_first, t_help, helper_theta, correct_prev=True):
        theta, speed = self.weak(rng)
        t = self.honest_run(s, rng, theta, speed, {}, t_first, stop_at=t_help)
        t = max(t, t_help)
        bel = self.belief(rng, s.paper, helper_theta)
        if rng.random() < 0.45:
            for q in s.paper.qs:
                if rng.random() < rng.uniform(0.03, 0.08):
                    bel[q.qid] = rng.choice([x for x in range(q.n) if x != bel[q.qid]])
        t_rs = t
        for q in s.order:
            if q.qid in s.answered:
                continue
            d = self.pace(rng, q, 'dict')
            if t + d > s.limit - 20:
                break
            self.visit(s, rng, t, t + d, q, bel[q.qid], 'mouse')
            t += d
        if correct_prev:
            for q in s.order:
                if s.answered.get(q.qid) is not None and s.answered[q.qid] != bel[q.qid] and t < s.limit - 30:
                    d = rng.uniform(4, 10)
                    self.visit(s, rng, t, t + d, q, bel[q.qid], 'mouse')
                    t += d
        t_end = min(s.limit, self.hold(s, rng, t))
        self.submit(s, rng, t_end)
        s.t_end = t_end
        return t_rs, t

    def sim_S5(self, s, rng, t_first):
        t_help = t_first + rng.uniform(2, 10) * 60
        rs, re_ = self.dictated(s, rng, t_first, t_help, rng.uniform(2.0, 2.7))
        if self.vidx(s) % 2 == 0:
            p = ('wemeetapp.exe', 'C:\\Program Files (x86)\\Tencent\\WeMeet\\3.26.10.401\\wemeetapp.exe',
                 'Tencent Technology(Shenzhen) Company Limited')
            s.extras.append((t_help - 60, s.t_end + 3, 'proc', p))
            s.extras.append((t_help - 30, s.t_end + 3, 'conn', ('meeting.tencent.com', 443, 'wemeetapp.exe')))
            s.extras.append((t_help - 20, s.t_end + 3, 'conn', ('111.230.%d.%d' % (rng.randint(0, 255), rng.randint(1, 254)), 8000, 'wemeetapp.exe')))
            s.note = 'view-only screen share via Tencent Meeting; helper dictates answers by earpiece'
        else:
            p = ('msedge.exe', 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', 'Microsoft Corporation')
            s.extras.append((t_help - 60, s.t_end + 3, 'proc', p))
            s.extras.append((t_help - 60, s.t_end + 3, 'proc', p))
            s.extras.append((t_help - 30, s.t_end + 3, 'conn', ('%d.%d.%d.%d' % (rng.choice([42, 81, 106]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254)), 3478, 'msedge.exe')))
            s.note = 'view-only WebRTC screen share from a browser window (TURN relay :3478); helper dictates answers'

    def sim_S6(self, s, rng, t_first):
        t_tool = t_first + rng.uniform(2, 15) * 60
        kind = ['frp', 'vnc_insider', 'rustdesk'][sorted(x.sid for x in self.sessions if x.variant == 'S6').index(s.sid) % 3]
        rs, re_ = self.takeover(s, rng, t_first, t_tool, 'remote', rng.uniform(1.9, 2.6), rng.choice(['fast', 'natural']),
                                jig=rng.choice([0.0, 2.0]))
        if kind == 'frp':
            s.extras.append((s.t0 - 1, s.t_end + 5, 'proc', ('systemd-resolve', '/home/ks/.local/bin/systemd-resolve', '')))
            s.extras.append((s.t0 + 5, s.t_end + 5, 'conn', ('47.108.%d.%d' % (rng.randint(0, 255), rng.randint(1, 254)), 7000, 'systemd-resolve')))
            s.extras.append((rs - 20, re_ + 20, 'conn', ('127.0.0.1', rng.randint(40000, 60000), 'x11vnc')))
            s.note = 'frp reverse tunnel disguised as systemd-resolve in home dir; helper drives the centre x11vnc through it'
        elif kind == 'vnc_insider':
            s.extras.append((rs - 20, re_ + 20, 'conn', ('10.8.3.%d' % rng.randint(60, 90), rng.randint(40000, 60000), 'x11vnc')))
            s.note = 'insider drives the centre x11vnc from a machine outside the invigilator subnet; no new process'
        else:
            s.extras.append((t_tool, s.t_end + 5, 'proc', ('tracker-miner', '/home/ks/.cache/thumbnails/tracker-miner', '')))
            s.extras.append((t_tool + 5, s.t_end + 5, 'conn', ('43.136.%d.%d' % (rng.randint(0, 255), rng.randint(1, 254)), 21117, 'tracker-miner')))
            s.note = 'RustDesk AppImage renamed tracker-miner in cache dir, self-hosted relay'

    def sim_S7(self, s, rng, t_first):
        idx = sorted(x.sid for x in self.sessions if x.variant == 'S7').index(s.sid) % 3
        vps = '%d.%d.%d.%d' % (rng.choice([38, 154, 103]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        proc = rng.choice(['explorer.exe', 'svchost.exe', 'RuntimeBroker.exe'])
        if idx == 0:
            # candidate answers everything, helper does a silent correction pass at the end
            theta, speed = self.weak(rng)
            t = self.honest_run(s, rng, theta, speed, {}, t_first, stop_at=s.limit - 900)
            t += rng.uniform(30, 200)
            bel = self.belief(rng, s.paper, 2.4)
            rs = t
            for q in s.order:
                if q.qid in s.answered and s.answered[q.qid] != bel[q.qid] and rng.random() < 0.85:
                    d = rng.uniform(2, 5)
                    self.visit(s, rng, t, t + d, q, bel[q.qid], 'remote')
                    t += d
                elif q.qid not in s.answered:
                    d = rng.uniform(3, 8)
                    self.visit(s, rng, t, t + d, q, bel[q.qid], 'remote')
                    t += d
            re_ = t
            s.t_end = min(s.limit, t + rng.uniform(20, 240))
            self.submit(s, rng, s.t_end)
            s.note = 'injected remote-access implant (no own process, traffic from %s); helper silently corrects answers in a burst before submit' % proc
        else:
            rs, re_ = self.takeover(s, rng, t_first, t_first + rng.uniform(5, 20) * 60, 'remote', 2.3,
                                    'natural', jig=rng.uniform(2.0, 5.0), deliberate=0.05)
            s.note = 'injected remote-access implant (traffic from %s); helper answers at human pace while candidate keeps moving the mouse' % proc
        s.extras.append((rs - 60, re_ + 30, 'conn', (vps, rng.choice([443, 8443]), proc)))

    # ---------------------------------------------------------- hardware
    def sim_H1(self, s, rng, t_first):
        s.disp = (2, True, s.disp[2])
        self.dictated(s, rng, t_first, t_first + rng.uniform(0.5, 4) * 60, rng.uniform(2.0, 2.7))
        s.note = 'HDMI splitter to a hidden encoder (mirrored second display); helper dictates answers'

    def sim_H2(self, s, rng, t_first):
        odd = rng.choice(['1280x720', '1024x768', '1920x1080' if s.cfg['res'] != '1920x1080' else '1280x1024'])
        hot = rng.random() < 0.5
        if hot:
            th = t_first + rng.uniform(1, 8) * 60
            s.disp_events += [(th, 0, False, s.disp[2]), (th + rng.uniform(1.5, 5), 1, False, odd)]
            t_help = th + rng.uniform(20, 90)
        else:
            s.disp = (1, False, odd)
            t_help = t_first + rng.uniform(0.5, 4) * 60
        self.dictated(s, rng, t_first, t_help, rng.uniform(2.0, 2.6))
        s.note = 'EDID-emulating inline capture splitter (single display, resolution %s%s); helper dictates' % (
            odd, ', inserted mid-exam with hotplug blip' if hot else '')

    def sim_H3(self, s, rng, t_first):
        dev = (lambda l: l[self.vidx(s) % 4])([('hid', 'CH9329', '1a86', 'e129'), ('hid', 'USB HID', '1a86', 'e129'),
                          ('hid', 'USB Keyboard', '1a86', 'e129'), ('hid', 'HID Keyboard Device', '1a86', 'e129')])
        attached = rng.random() < 0.5
        t_tool = t_first + rng.uniform(2, 15) * 60
        if attached:
            s.dev_events.append((t_tool - rng.uniform(20, 120), 'attached', dev))
        else:
            s.devs = s.devs + [dev]
        self.takeover(s, rng, t_first, t_tool, 'inj_abs', rng.uniform(1.9, 2.6), rng.choice(['fast', 'natural']),
                      jig=0.0, submit_local=rng.random() < 0.5)
        s.note = 'CH9329 serial-to-HID injector (%s) %s; helper watches via pinhole camera, absolute clicks' % (
            dev[1], 'plugged in mid-exam' if attached else 'present at start')

    def sim_H4(self, s, rng, t_first):
        kb = DEV[s.cfg['kb']]
        t_tool = t_first + rng.uniform(3, 18) * 60
        mode = rng.random()
        if mode < 0.5:
            s.devs = s.devs + [kb]
            how = 'second device cloning the centre keyboard (same vid/pid) present at start'
        else:
            tr = t_tool - rng.uniform(30, 200)
            s.dev_events += [(tr, 'removed', kb), (tr + rng.uniform(15, 60), 'attached', kb)]
            how = 'keyboard swapped mid-exam for a look-alike with built-in receiver'
        self.takeover(s, rng, t_first, t_tool, 'inj_keys', rng.uniform(2.0, 2.6), rng.choice(['fast', 'natural']))
        s.note = 'keystroke injector spoofing %s %s:%s; %s; answers by keyboard only' % (kb[1], kb[2], kb[3], how)

    def sim_H5(self, s, rng, t_first):
        dev = (lambda l: l[self.vidx(s) % 4])([('hid', '2.4G Receiver', '248a', '8367'), ('hid', 'USB Receiver', '1ea7', '0064'),
                          ('hid', 'Wireless Receiver', '25a7', 'fa61'), ('hid', 'USB Receiver', '046d', 'c534')])
        t_att = t_first + rng.uniform(1, 12) * 60
        s.dev_events.append((t_att, 'attached', dev))
        rs, re_ = self.takeover(s, rng, t_first, t_att + rng.uniform(20, 120), 'inj_rel', rng.uniform(1.9, 2.5),
                                'natural' if rng.random() < 0.5 else 'fast')
        rem = rng.random() < 0.5
        if rem:
            s.dev_events.append((re_ + rng.uniform(10, 60), 'removed', dev))
        s.note = '2.4 GHz wireless mouse receiver (%s %s:%s) plugged in behind the PC; helper nearby drives the pointer%s' % (
            dev[1], dev[2], dev[3], ', receiver pulled before submit' if rem else '')

    def sim_H6(self, s, rng, t_first):
        name = rng.choice(['PiKVM Composite Device', 'USB Keyboard', 'Composite KVM Device'])
        s.devs = [d for d in s.devs if d not in (DEV[s.cfg['kb']], DEV[s.cfg['ms']])] + [
            ('hid', name, '1d6b', '0104')]
        if rng.random() < 0.6:
            s.devs.append(('storage', 'Mass Storage Gadget', '1d6b', '0104'))
        s.disp = (1, False, rng.choice(['1920x1080', '1280x720']) if s.cfg['res'] != '1920x1080' else '1280x720')
        self.takeover(s, rng, t_first, t_first + rng.uniform(1, 10) * 60, 'inj_abs', rng.uniform(2.0, 2.6), 'fast')
        s.note = 'IP-KVM between the PC and its keyboard/mouse/monitor (USB gadget 1d6b:0104 as "%s"); remote helper' % name

    def sim_H7(self, s, rng, t_first):
        th = t_first + rng.uniform(0.5, 6) * 60
        s.disp_events.append((th, 2, True, s.disp[2]))
        if rng.random() < 0.5:
            s.disp_events.append((s.t0 + 10, 1, False, s.disp[2]))
        self.dictated(s, rng, t_first, th + rng.uniform(30, 120), rng.uniform(2.0, 2.6))
        s.note = 'wireless HDMI transmitter plugged into the spare video port mid-exam (mirrored); helper dictates'

    # ---------------------------------------------------------- leaks
    def leak_keys(self):
        rng = self.R('leaks')
        lk = {}
        # L1: the B paper's key leaked before the exam (partial photo of the key, 2-3 typos)
        p = self.papers['P2']
        cov = rng.sample(p.qs, int(len(p.qs) * rng.uniform(0.5, 0.62)))
        k = {q.qid: q.key for q in cov}
        for q in rng.sample(cov, 3):
            k[q.qid] = rng.choice([x for x in range(q.n) if x != q.key])
        lk['L1'] = k
        # L2: high-voltage paper, partial leak ~40%, 2 errors
        p = self.papers['P6']
        cov = rng.sample(p.qs, int(len(p.qs) * rng.uniform(0.38, 0.45)))
        k = {q.qid: q.key for q in cov}
        for q in rng.sample(cov, 2):
            k[q.qid] = rng.choice([x for x in range(q.n) if x != q.key])
        lk['L2'] = k
        # L4: morning candidates of P1 reconstruct questions from memory for later sittings
        p = self.papers['P1']
        cov = rng.sample(p.qs, int(len(p.qs) * rng.uniform(0.42, 0.55)))
        k = {}
        for q in cov:
            k[q.qid] = q.key if rng.random() < (0.8 if q.tricky else 0.93) else wrong(rng, q)
        lk['L4'] = k
        # L3: live answers during the exam for P5 / P3 (mostly single-choice + some true/false)
        for pid in ('P5', 'P3'):
            p = self.papers[pid]
            cov = list(p.sc) + rng.sample(p.tf, 10)
            k = {q.qid: q.key for q in cov}
            for q in rng.sample(cov, 2):
                k[q.qid] = wrong(rng, q)
            lk['L3' + pid] = k
        self.lk = lk

    def leak_run(self, s, rng, t_first, key, mode, miss=0.0, fastf=(0.15, 0.35)):
        theta, speed = self.weak(rng)
        theta -= 0.3
        t = t_first
        actor = 'mouse'
        order = list(s.order)
        if mode == 'first':
            lead = [q for q in order if q.qid in key]
            for q in lead:
                d = rng.uniform(2.0, 5.5)
                c = key[q.qid] if rng.random() >= miss else wrong(rng, q)
                self.visit(s, rng, t, t + d, q, c, actor)
                t += d
            t = self.honest_run(s, rng, theta, speed, {'skip': rng.random() < 0.3}, t + rng.uniform(5, 40))
        else:
            for q in order:
                if t >= s.limit - 300:
                    break
                if q.qid in key:
                    d = qtime(rng, q, speed) * rng.uniform(*fastf)
                    c = key[q.qid] if rng.random() >= miss else rng.choice([x for x in range(q.n) if x != key[q.qid]])
                else:
                    d = qtime(rng, q, speed)
                    c = draw(rng, q, pc(theta, q))
                self.visit(s, rng, t, t + d, q, c, actor)
                t += d
            t = self.honest_run(s, rng, theta, speed, {}, t)
        t_end = min(s.limit, t + rng.uniform(20, 900))
        self.submit(s, rng, t_end)
        s.t_end = t_end

    def sim_L1(self, s, rng, t_first):
        mode = 'first' if rng.random() < 0.55 else 'inline'
        self.leak_run(s, rng, t_first, self.lk['L1'], mode)
        s.note = 'pre-exam leak of %d%% of paper B key (with 3 typos); %s' % (
            round(100 * len(self.lk['L1']) / 100), 'answers leaked items first in a fast sweep' if mode == 'first' else 'natural order, leaked items answered fast')

    def sim_L2(self, s, rng, t_first):
        miss = rng.uniform(0.08, 0.15)
        self.leak_run(s, rng, t_first, self.lk['L2'], 'inline', miss=miss, fastf=(0.55, 0.9))
        s.note = 'careful pre-exam partial leak (%d%%); natural order and near-natural pace, deliberately misses %d%% of leaked items' % (
            len(self.lk['L2']), round(miss * 100))

    def sim_L4(self, s, rng, t_first):
        self.leak_run(s, rng, t_first, self.lk['L4'], 'inline', fastf=(0.3, 0.75))
        s.note = 'questions recalled by the morning sitting of paper A circulated to a later sitting (%d%% coverage, reconstruction errors)' % len(self.lk['L4'])

    def sim_L3(self, s, rng, t_first):
        key = self.lk['L3' + s.paper.pid]
        theta, speed = self.weak(rng)
        t_recv = t_first + rng.uniform(20, 45) * 60
        t = self.honest_run(s, rng, theta, speed, {}, t_first, stop_at=t_recv)
        t = max(t, t_recv) + rng.uniform(10, 60)
        # go back over leaked items already answered, then answer the leaked rest
        for q in s.order:
            if q.qid in key and s.answered.get(q.qid) is not None and s.answered[q.qid] != key[q.qid]:
                d = rng.uniform(3, 8)
                self.visit(s, rng, t, t + d, q, key[q.qid], 'mouse')
                t += d
        for q in s.order:
            if q.qid in key and q.qid not in s.answered:
                d = rng.uniform(2.5, 7)
                self.visit(s, rng, t, t + d, q, key[q.qid], 'mouse')
                t += d
        t = self.honest_run(s, rng, theta, speed, {}, t)
        s.t_end = min(s.limit, t + rng.uniform(20, 600))
        self.submit(s, rng, s.t_end)
        s.note = 'answers (%d items) passed in by phone from another room/centre %d min into the exam; corrects and fills leaked items in a burst' % (
            len(key), (t_recv - s.t0) / 60)

    # ---------------------------------------------------------- operators
    def sim_operator(self, rng, name, g):
        paper = g[0].paper
        for s in g:
            self.base_setup(s, rng)
            self.login(s, rng, s.t0)
            s.t_first = s.t0 + rng.uniform(45, 150)
        op_theta = rng.uniform(2.2, 2.8)
        bel = self.belief(rng, paper, op_theta)
        careful = name in ('O2', 'O4', 'O3')
        actor = {'O1': 'remote', 'O2': 'inj_abs', 'O3': 'remote', 'O4': 'remote', 'O5': 'mouse'}[name]
        per = {}
        for s in g:
            ch = dict(bel)
            if careful:
                for q in rng.sample(paper.qs, rng.randint(4, 10)):
                    ch[q.qid] = rng.choice([x for x in range(q.n) if x != bel[q.qid]])
            per[s.sid] = ch
        # the candidates touch the first few questions themselves in careful groups
        if name in ('O2', 'O4'):
            for s in g:
                theta, speed = self.weak(rng)
                self.honest_run(s, rng, theta, speed, {}, s.t_first, order=s.order[:rng.randint(3, 9)],
                                stop_at=s.t_first + 900)
        t_begin = max([s.t_first for s in g] + [v[1] for s in g for v in s.visits]) + rng.uniform(30, 200)
        remaining = {s.sid: [q for q in s.order if q.qid not in s.answered] for s in g}
        t = t_begin
        cur = None
        windows = {s.sid: [] for s in g}
        seq = list(g)
        rng.shuffle(seq)
        while any(remaining[s.sid] for s in g):
            avail = [s for s in seq if remaining[s.sid]]
            if name == 'O1':
                m = avail[0]
                n = len(remaining[m.sid])
            elif name == 'O5':
                m = avail[(avail.index(cur) + 1) % len(avail)] if cur in avail else avail[0]
                n = rng.randint(10, 30)
            else:
                cands = [x for x in avail if x is not cur] or avail
                m = rng.choice(cands)
                n = rng.randint(6, 22)
            if m is not cur:
                t += rng.uniform(5, 25)
            cur = m
            w0 = t
            for _ in range(n):
                if not remaining[m.sid]:
                    break
                q = remaining[m.sid].pop(0)
                d = self.pace(rng, q, 'fast') * (1.4 if name == 'O5' else 1.0)
                if t + d > m.limit - 30:
                    remaining[m.sid] = []
                    break
                self.visit(m, rng, t, t + d, q, per[m.sid][q.qid], actor)
                t += d
            windows[m.sid].append((w0, t))
        vps = '%d.%d.%d.%d' % (rng.choice([43, 47, 101]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        peer = '%d.%d.%d.%d' % (rng.choice([112, 183]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(1, 254))
        tool = rng.choice([('WindowsSearchHelper.exe', 'C:\\Users\\Public\\WindowsSearchHelper.exe'),
                           ('nvcontainer.exe', 'C:\\ProgramData\\NVIDIA\\nvcontainer.exe')])
        inj = ('hid', 'HID Keyboard Device', '1a86', 'e129')
        kvm = ('hid', 'ATEN CS1734B KVM Switch', '0557', '2213')
        for s in g:
            last = max(w[1] for w in windows[s.sid]) if windows[s.sid] else t_begin
            if careful or name == 'O5':
                s.t_end = min(s.limit, last + rng.uniform(3, 25) * 60)
                self.submit(s, rng, s.t_end)
            else:
                s.t_end = min(s.limit, last + rng.uniform(3, 20))
            if name in ('O1', 'O3', 'O4') and rng.random() < 0.5:
                self.jiggle(s, rng, t_begin, s.t_end, rng.uniform(0.5, 2.5))
            ws = windows[s.sid]
            if name == 'O1':
                s.extras.append((s.t0 - 1, s.t_end + 5, 'proc', (tool[0], tool[1], '')))
                s.extras.append((s.t0 + 5, s.t_end + 5, 'conn', (vps, 21117, tool[0])))
            elif name == 'O2':
                if rng.random() < 0.5:
                    s.devs = s.devs + [inj]
                else:
                    s.dev_events.append((s.t0 + rng.uniform(5, 90), 'attached', inj))
            elif name == 'O3':
                for a, b in ws:
                    s.extras.append((a - rng.uniform(3, 10), b + rng.uniform(2, 8), 'conn', ('192.168.10.2', 4605, 'StudentMain.exe')))
            elif name == 'O4':
                for a, b in ws:
                    s.extras.append((a - rng.uniform(5, 15), b + rng.uniform(5, 20), 'conn', (peer, 45000 + g.index(s), 'SunloginClient.exe')))
            elif name == 'O5':
                s.devs = [d for d in s.devs if d not in (DEV[s.cfg['kb']], DEV[s.cfg['ms']], WIRELESS_HONEST)] + [kvm]
            seats = ','.join('%s/%s' % (x.room, x.seat) for x in g)
        desc = {
            'O1': 'renamed remote tool %s to one VPS; one operator completes each terminal in turn' % tool[0],
            'O2': 'CH9329 injectors on terminals in two centres; operator round-robins in small blocks, per-terminal answer variation, candidates answer a few first',
            'O3': 'insider uses the centre classroom-management console (Mythware control channel) to answer for several seats in one room, small blocks, per-seat variation',
            'O4': 'operator uses the centre-installed Sunlogin to hop between terminals in two rooms, per-terminal variation',
            'O5': 'one ringer answers adjacent seats through a desk KVM switch (local input on the active seat only)',
        }[name]
        for s in g:
            s.note = 'group %s (%s): %s' % (name, ','.join('%s/%s/%s' % (x.centre, x.room, x.seat) for x in g), desc)
        if name == 'O3':
            pass

    def sim_swap(self, rng, a, b):
        # a: terminal freezes; candidate resumes on a spare terminal b
        self.base_setup(a, rng)
        self.base_setup(b, rng)
        typ, theta, speed, flags = self.profile(rng)
        flags['giveup'] = False
        t_first = a.t0 + rng.uniform(45, 150)
        self.login(a, rng, a.t0)
        t_fail = t_first + rng.uniform(15, 40) * 60
        self.honest_run(a, rng, theta, speed, flags, t_first, stop_at=t_fail)
        a.t_end = t_fail
        a.no_end = True
        b.t0 = t_fail + rng.uniform(3, 8) * 60
        b.limit = a.limit + (b.t0 - t_fail)
        b.order = a.order
        b.answered = dict(a.answered)  # restored server-side, not re-sent
        self.login(b, rng, b.t0)
        t = self.honest_run(b, rng, theta, speed, flags, b.t0 + rng.uniform(20, 60))
        b.t_end = min(b.limit, t + rng.uniform(5, 60))
        self.submit(b, rng, b.t_end)
        a.note = 'honest: terminal froze mid-exam (no session_end); candidate moved to a spare seat'
        b.note = 'honest: resumed session on spare terminal after a freeze; earlier answers restored server-side'

    # ------------------------------------------------------------ clocks
    def clock(self, s, rng):
        c = s.centre
        off = rng.gauss(0, 0.8)
        drift = 0.0
        jumps = []
        style = TSTYLE[c]
        note = ''
        if c == 'SD-JN-005':
            r = rng.random()
            if r < 0.08:
                off = -rng.uniform(4.5, 7.5) * 365 * 86400 + rng.uniform(-3e5, 3e5)
                note = 'CMOS clock years behind'
            elif r < 0.25:
                off = rng.choice([-1, 1]) * rng.uniform(90, 1100)
                note = 'clock minutes off'
            if note and rng.random() < 0.4:
                jumps.append((s.t0 + rng.uniform(2, 60) * 60, rng.gauss(0, 0.5)))
                note += ', NTP step mid-session'
            if not note and rng.random() < 0.1:
                jumps.append((s.t0 + rng.uniform(2, 60) * 60, off - rng.uniform(1, 4)))
                note = 'small backward NTP step'
        elif c == 'ZJ-HZ-011':
            if rng.random() < 0.06:
                off = rng.uniform(180, 540)
                note = 'clock minutes fast'
            drift = rng.gauss(0, 2e-5)
        elif c == 'SC-CD-008':
            if rng.random() < 0.05:
                off = -8 * 3600 + rng.gauss(0, 2)
                note = 'RTC local/UTC confusion'
            elif rng.random() < 0.2:
                off = rng.uniform(5, 40)
                jumps.append((s.t0 + rng.uniform(20, 200), rng.gauss(0, 0.05)))
                note = 'chrony step shortly after start'
        elif c == 'HB-WH-014':
            if rng.random() < 0.06:
                off = 8 * 3600 + rng.gauss(0, 3)
                style = 'utc_ms'
                note = 'laptop time zone set to UTC with local wall clock'
            drift = rng.gauss(0, 3e-5)
        elif c == 'GD-FS-021':
            if rng.random() < 0.04:
                off = rng.uniform(-400, -60)
                jumps.append((s.t0 + rng.uniform(5, 70) * 60, 0.0))
                note = 'clock slow, resynced mid-session'
        s.clock = (off, drift, sorted(jumps), style)
        if note:
            s.note += ' [clock: %s]' % note

    def at(self, s, t):
        off, drift, jumps, style = s.clock
        base_t = s.t0
        for tj, o in jumps:
            if t >= tj:
                off, base_t = o, tj
                drift = 0.0
        return fmt_ts(t + off + drift * (t - base_t), style)

    # ------------------------------------------------------------ emit
    def session_events(self, s, rng):
        cfg = s.cfg
        ev = []
        ev.append((s.t0, {'kind': 'session_start', 'candidate': s.cand, 'exam': s.paper.exam, 'centre': s.centre,
                          'room': s.room, 'seat': str(s.seat), 'terminal': s.term}))
        for d in s.devs:
            ev.append((s.t0 + rng.uniform(0.3, 2.0), dict(kind='device', action='present', **{'class': d[0]},
                                                        name=d[1], vid=d[2], pid=d[3])))
        ev.append((s.t0 + rng.uniform(0.5, 2.5), {'kind': 'display', 'displays': s.disp[0], 'mirrored': s.disp[1],
                                                   'resolution': s.disp[2]}))
        for t, n, m, r in s.disp_events:
            if s.t0 < t < s.t_end:
                ev.append((t, {'kind': 'display', 'displays': n, 'mirrored': m, 'resolution': r}))
        for t, a, d in s.dev_events:
            if s.t0 < t < s.t_end:
                ev.append((t, dict(kind='device', action=a, **{'class': d[0]}, name=d[1], vid=d[2], pid=d[3])))
        # process / connection snapshots
        if cfg['os'] == 'linux':
            base = list(LINUX_BASE)
            trans = LINUX_TRANSIENT
        else:
            base = list(WIN7_BASE if cfg['os'] == 'win7' else WIN10_BASE) + list(cfg['procs'])
            base.append(cfg['client'])
            if cfg['guard']:
                base.append(cfg['guard'])
            trans = WIN_TRANSIENT
        vnc_windows = []
        if s.centre == 'SC-CD-008':
            t = s.t0 + rng.uniform(0, 900)
            inv = '172.16.5.%d' % rng.choice([10, 11])
            while t < s.t_end:
                d = rng.uniform(20, 240)
                vnc_windows.append((t, t + d, (inv, rng.randint(40000, 60999), 'x11vnc')))
                t += d + rng.uniform(300, 1800)
        t = s.t0 + rng.uniform(2, 6)
        ps = cfg['proc_s']
        while t < s.t_end:
            procs = list(base)
            for _ in range(pois(rng, 1.0)):
                procs.insert(rng.randrange(len(procs) + 1), rng.choice(trans))
            for a, b, k, p in s.extras:
                if k == 'proc' and a <= t < b:
                    procs.insert(rng.randrange(len(procs) + 1), p)
            ev.append((t, {'kind': 'processes', 'processes': [{'name': n, 'path': pa, 'signer': sg} for n, pa, sg in procs]}))
            tc = t + rng.uniform(0.2, 1.5)
            conns = [(r, p, pr) for r, p, pr in cfg['server']]
            for pr, r, p in cfg['extra_conn']:
                if rng.random() < 0.9:
                    conns.append((r, p, pr))
            if s.centre == 'GD-FS-021' and tc < s.t0 + rng.uniform(120, 300):
                conns.append(('192.168.10.2', 4605, 'StudentMain.exe'))  # teacher broadcast of instructions
            if s.centre == 'JS-NJ-003' and rng.random() < 0.15:
                conns.append(('ctldl.windowsupdate.com', 80, 'svchost.exe'))
            for a, b, c in vnc_windows:
                if a <= tc < b:
                    conns.append(c)
            for a, b, k, c in s.extras:
                if k == 'conn' and a <= tc < b:
                    conns.insert(rng.randrange(len(conns) + 1), c)
            ev.append((tc, {'kind': 'connections', 'connections': [{'remote': r, 'port': p, 'process': pr} for r, p, pr in conns]}))
            t += ps * rng.uniform(0.98, 1.02)
        # operator-style windows shorter than a snapshot period are sometimes caught
        # by the event-driven snapshot the client sends on new listening/established sockets
        for a, b, k, c in s.extras:
            if k == 'conn' and b - a < ps and a > s.t0 and rng.random() < 0.35:
                tc = a + rng.uniform(0, max(1.0, b - a))
                if tc < s.t_end:
                    conns = [(r, p, pr) for r, p, pr in cfg['server']] + [c]
                    ev.append((tc, {'kind': 'connections', 'connections': [{'remote': r, 'port': p, 'process': pr} for r, p, pr in conns]}))
        # answers
        for a, b, q, c, act in s.visits:
            if c is not None and s.t0 < b < s.t_end + 0.5:
                ev.append((min(b, s.t_end - 0.05), {'kind': 'answer', 'question': q.qid, 'choice': s.paper.code(q, c)}))
        # input
        I = cfg['input_ms'] / 1000.0
        cs = sorted(x for x in s.contribs if s.t0 < x[0] <= s.t_end)
        t = s.t0
        i = 0
        while t < s.t_end - 0.05:
            nt = min(t + I + rng.uniform(-0.02, 0.06), s.t_end)
            k = p = 0
            while i < len(cs) and cs[i][0] <= nt:
                k += cs[i][1]
                p += cs[i][2]
                i += 1
            ms = int(round((nt - t) * 1000))
            if ms > 0:
                ev.append((nt, {'kind': 'input', 'interval_ms': ms, 'keys': k, 'pointer': p}))
            t = nt
        if not s.no_end:
            ev.append((s.t_end + 0.2, {'kind': 'session_end'}))
        ev.sort(key=lambda x: x[0])
        return ev

    def build(self):
        rng = self.R('emit')
        trng = self.R('transport')
        out = []  # (arrival, tiebreak, line)
        tb = 0
        # outages
        room_out = {}
        s9 = self.sittings[8]
        room_out[(8, 'JF2')] = (s9['tslot'] + 35 * 60, s9['tslot'] + 52 * 60)
        s6 = self.sittings[5]
        room_out[(5, '1')] = (s6['tslot'] + 60 * 60, s6['tslot'] + 78 * 60)
        s22 = self.sittings[21]
        room_out[(21, 'R201')] = (s22['tslot'] + 41 * 60, s22['tslot'] + 47 * 60)
        # exam events: once per centre and paper, before its first session there
        seen = {}
        for s in sorted(self.sessions, key=lambda x: x.t0):
            key = (s.centre, s.paper.pid)
            if key not in seen:
                seen[key] = s.sit['tslot'] - rng.uniform(15, 40) * 60
        for (centre, pid), t in sorted(seen.items(), key=lambda x: x[1]):
            p = self.papers[pid]
            obj = {'v': 1, 'id': 'exam-%s-%s' % (centre, p.exam), 'at': fmt_ts(t, 'cst')}
            obj.update(p.exam_payload())
            line = json.dumps(obj, ensure_ascii=False, separators=(',', ':'))
            out.append((t + trng.uniform(0.1, 2), tb, line))
            tb += 1
            if centre == 'SD-JN-005':
                out.append((t + trng.uniform(60, 200), tb, line))  # resent after a timeout
                tb += 1
        truth = []
        for s in sorted(self.sessions, key=lambda x: (x.t0, x.sid)):
            self.clock(s, rng)
            ev = self.session_events(s, rng)
            outs = []
            ro = room_out.get((s.sit['idx'], s.room))
            if ro:
                outs.append(ro)
            if trng.random() < 0.035:
                a = trng.uniform(s.t0 + 300, max(s.t0 + 301, s.t_end - 60))
                outs.append((a, a + trng.uniform(30, 420)))
            restart = trng.random() < 0.02
            sid8 = s.sid[:8]
            lines = []
            for seq, (t, payload) in enumerate(ev):
                obj = {'v': 1, 'id': '%s-%05d' % (sid8, seq), 'at': self.at(s, t), 'kind': payload['kind']}
                if payload['kind'] != 'exam':
                    obj['session'] = s.sid
                for k2, v2 in payload.items():
                    if k2 != 'kind':
                        obj[k2] = v2
                lines.append((t, json.dumps(obj, ensure_ascii=False, separators=(',', ':'))))
            prev = -1e18
            for t, line in lines:
                # one ordered upload queue per terminal: in order unless buffered
                arr = max(prev + 0.001, t + trng.uniform(0.03, 1.2))
                prev = arr
                dup = None
                for a, b in outs:
                    if a <= t < b:
                        arr = b + trng.uniform(0.5, 45)
                    elif a - 25 <= t < a and trng.random() < 0.6:
                        dup = b + trng.uniform(0.5, 45)
                if trng.random() < 0.0008:
                    arr += trng.uniform(5, 90)
                out.append((arr, tb, line))
                tb += 1
                if dup is not None:
                    out.append((dup, tb, line))
                    tb += 1
            if restart and len(lines) > 60:
                k = trng.randint(15, 50)
                j = trng.randint(k, len(lines) - 1)
                t_r = lines[j][0] + trng.uniform(20, 90)
                for t, line in lines[j - k:j]:
                    out.append((t_r + trng.uniform(0, 3), tb, line))
                    tb += 1
                s.note += ' [transport: client restart resent %d events]' % k
            if outs:
                s.note += ' [transport: %d outage(s), buffered events arrive late]' % len(outs)
            truth.append({'session': s.sid, 'kind': s.label, 'note': s.note.strip()})
        out.sort(key=lambda x: (x[0], x[1]))
        return [x[2] for x in out], truth


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--candidates', type=int, default=500)
    ap.add_argument('--out', required=True)
    a = ap.parse_args()
    g = Gen(a.seed, a.candidates)
    g.layout()
    g.assign()
    g.leak_keys()
    g.simulate()
    lines, truth = g.build()
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, 'events.jsonl.gz'), 'wb') as f:
        with gzip.GzipFile(filename='', mode='wb', fileobj=f, mtime=0, compresslevel=9) as z:
            for line in lines:
                z.write(line.encode('utf-8'))
                z.write(b'\n')
    with open(os.path.join(a.out, 'truth.jsonl'), 'w', encoding='utf-8') as f:
        for t in truth:
            f.write(json.dumps(t, ensure_ascii=False, separators=(',', ':')) + '\n')


if __name__ == '__main__':
    main()
