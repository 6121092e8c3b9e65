#!/usr/bin/env bash
# Look-alike generation, whole process: the shipped `certguard lookalike` against dnstwist 20250130 on the same
# seeds, in one hyperfine run per seed, after checking that both print the identical list; then the start-up of
# `certguard lookalike --help` alone, and dnstwist's in-process rate.
#
# Needs: hyperfine, `pip install dnstwist==20250130` (without the optional `tld` package).
# Usage: bench/sentinel/lookalike_vs_dnstwist.sh [COMMAND...]
#   COMMAND defaults to "$CARGO_TARGET_DIR/release/certguard lookalike", built first with
#   `cargo build --release -p certguard`. Any other command taking lookalike's arguments can be given instead
#   (e.g. the library's example, target/release/examples/lookalike).
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
if [ $# -eq 0 ]; then
  cargo build --release -q -p certguard
  set -- "$CARGO_TARGET_DIR/release/certguard" lookalike
fi
OURS="$*"
echo "load average before: $(cat /proc/loadavg)"
SEEDS=(mem.gov.cn cx.mem.gov.cn example.com zhengshu-chaxun-online.com.cn)
OUT="${BENCH_OUT:-/tmp/lookalike-bench}"
mkdir -p "$OUT"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(uname -sr)"
echo "dnstwist $(python3 -c 'import dnstwist; print(dnstwist.__version__)'), ours: $OURS"
for seed in "${SEEDS[@]}"; do
  dnstwist --format list "$seed" > "$OUT/$seed.dnstwist"
  $OURS --mode dnstwist --format list "$seed" > "$OUT/$seed.ours"
  if cmp -s "$OUT/$seed.dnstwist" "$OUT/$seed.ours"; then
    echo "$seed: identical lists ($(wc -l < "$OUT/$seed.ours") names)"
  else
    echo "$seed: LISTS DIFFER"; diff "$OUT/$seed.dnstwist" "$OUT/$seed.ours" | head; exit 1
  fi
  hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-json "$OUT/$seed.json" \
    -n dnstwist "dnstwist --format list $seed" \
    -n certguard "$OURS --mode dnstwist --format list $seed" | grep -E "Time|±|faster|certguard|dnstwist" || true
done
# start-up alone: parse the arguments, print the help, exit
hyperfine -N --warmup 3 --runs "${RUNS:-30}" --export-json "$OUT/startup.json" \
  -n "start-up" "$OURS --help" | grep -E "Time|Range" || true
echo "load average after: $(cat /proc/loadavg)"
# in-process rate of dnstwist (names/s) for the same seeds, to set beside the criterion figures
python3 - "${SEEDS[@]}" <<'PY'
import sys, time, dnstwist
for seed in sys.argv[1:]:
    url = dnstwist.UrlParser(seed)
    n, t0, k = 0, time.perf_counter(), 0
    while time.perf_counter() - t0 < 2.0:
        f = dnstwist.Fuzzer(url.domain); f.generate(); n += len(f.domains); k += 1
    dt = time.perf_counter() - t0
    print(f"dnstwist in-process {seed}: {n/dt:,.0f} names/s ({dt/k*1000:.2f} ms per seed)")
PY
