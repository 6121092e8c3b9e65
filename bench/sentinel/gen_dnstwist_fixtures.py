#!/usr/bin/env python3
"""Generate the dnstwist fixtures ONCE (needs `pip install dnstwist==20250130`; the optional `tld` package must NOT
be installed, dnstwist then uses its own built-in suffix split, which is what certguard mirrors).

For every seed it writes crates/sentinel/tests/fixtures/dnstwist/<seed>.tsv with one `fuzzer<TAB>domain` line per
candidate (dnstwist keeps the first fuzzer that produced a name), and checks that the set of names equals what
`dnstwist --format list SEED` prints. No DNS lookups are made.
"""
import os, subprocess, sys
import dnstwist

assert dnstwist.__version__ == '20250130', dnstwist.__version__
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'crates', 'sentinel', 'tests', 'fixtures', 'dnstwist')
FIX = os.path.abspath(OUT)
SEEDS = ['mem.gov.cn', 'cx.mem.gov.cn', 'example.com', 'zhengshu-chaxun-online.com.cn', 'xn--extu8ah31brfhgw1a.com',
         'osta.org.cn']
# one run with a dictionary and a TLD list, so that the dictionary and tld-swap fuzzers are compared too
DICT = os.path.join(FIX, 'dictionary.txt')
TLDS = os.path.join(FIX, 'tlds.txt')
EXTRA = [('example.com', 'example.com+dict', ['-d', DICT, '--tld', TLDS]),
         ('cx-mem.gov.cn', 'cx-mem.gov.cn+dict', ['-d', DICT, '--tld', TLDS])]

def read_list(path):
    with open(path, encoding='utf-8') as f:
        return [x for x in set(f.read().lower().splitlines()) if x]

def run(seed, name, extra):
    cli = subprocess.run(['dnstwist', '--format', 'list', *extra, seed], capture_output=True, text=True, check=True)
    expected = set(cli.stdout.split())
    url = dnstwist.UrlParser(seed)
    dictionary, tlds = [], []
    if '-d' in extra:
        import re
        re_subd = re.compile(r'^(?:(?:xn--)[a-z0-9-]{3,59}|[a-z0-9-]{1,63})$')
        dictionary = [x for x in read_list(DICT) if re_subd.match(x)]
        re_tld = re.compile(r'^[a-z0-9-]{2,63}(?:\.[a-z0-9-]{2,63})?$')
        tlds = [x for x in read_list(TLDS) if re_tld.match(x)]
    f = dnstwist.Fuzzer(url.domain, dictionary=dictionary, tld_dictionary=tlds)
    f.generate()
    rows = sorted((p['fuzzer'], p['domain']) for p in f.domains)
    got = {d for _, d in rows}
    assert got == expected, (seed, len(got), len(expected), sorted(got ^ expected)[:10])
    with open(os.path.join(FIX, name + '.tsv'), 'w', encoding='utf-8') as out:
        for fz, d in rows:
            out.write(f'{fz}\t{d}\n')
    print(name, len(rows))

for s in SEEDS:
    run(s, s, [])
for s, n, e in EXTRA:
    run(s, n, e)
