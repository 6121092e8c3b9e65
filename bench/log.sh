#!/usr/bin/env bash
# The transparency log: durable appends through the sequencer vs the tree arithmetic alone (50,000 events),
# and the server-side inclusion proof (with its entry) in a log of SIZE entries (default 30 million; the log
# is generated once into target/bench-log-SIZE.db, about 3 GB for 30 million).
# Usage: bench/log.sh [SIZE]
set -euo pipefail
cd "$(dirname "$0")/.."
size="${1:-30000000}"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
LOG_BENCH_PROOF_SIZE="$size" cargo bench -p certguard-app --bench log -- --noplot 2>&1 |
  grep -E "^(log_|generated)|time:|thrpt:"
