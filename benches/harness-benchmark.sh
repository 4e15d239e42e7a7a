#!/usr/bin/env bash
# The harness benchmark: how much build time the cache saves, and how much memory the harness
# itself needs. Runs sweeps/strip-axis.toml (9 variants of the JSON-to-CSV tool, 3 strip settings
# each) two ways into a temporary directory:
#   naive   every variant built from scratch in its own profile (--force), as every sweep builds
#   cached  the same sweep again: every result comes from the cache
# and prints each one's wall time (the sweep's own accounting), peak disk and harness memory.
# Targets: cached < 5 s, harness memory < 100 MB; exits 1 if one is missed.
# Usage: benches/harness-benchmark.sh [SWEEP_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
sweep=${1:-sweeps/strip-axis.toml}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cargo build --quiet --package xtask

# Runs one sweep; sets seconds, disk and memory from its summary lines.
run() {
    local log="$out/$1.log"
    shift
    cargo xtask sweep --sweep "$sweep" "$@" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
    seconds=$(sed -nE 's/^time: ([0-9.]+) s in all.*/\1/p' "$log")
    disk=$(sed -nE 's/^disk: peak (.+) in build directories.*/\1/p' "$log")
    memory=$(sed -nE 's/.*harness memory: peak (.+)$/\1/p' "$log")
    memory_mb=$(sed -nE 's/^([0-9.]+) MB$/\1/p' <<<"$memory")
    cached=$(sed -nE 's/^cache: ([0-9]+ of [0-9]+) variants.*/\1/p' "$log")
}

printf '%-8s %10s %8s %12s %10s %s\n' way "wall (s)" "x naive" "peak disk" memory "from cache"
run naive --out "$out/naive" --force
naive=$seconds
printf '%-8s %10s %8s %12s %10s %s\n' naive "$naive" 1.00 "$disk" "$memory" "$cached"
max_memory=$memory_mb
run cached --out "$out/naive"
cached_seconds=$seconds
cached_ratio=$(awk -v a="$cached_seconds" -v b="$naive" 'BEGIN { printf "%.3f", a / b }')
printf '%-8s %10s %8s %12s %10s %s\n' cached "$cached_seconds" "$cached_ratio" "$disk" "$memory" "$cached"
max_memory=$(awk -v a="$max_memory" -v b="$memory_mb" 'BEGIN { print (a > b ? a : b) }')

status=0
check() { # description, awk condition
    if awk "BEGIN { exit !($2) }"; then echo "met:    $1"; else echo "MISSED: $1" >&2; status=1; fi
}
check "cached re-run ${cached_seconds} s < 5 s" "$cached_seconds < 5"
check "harness memory ${max_memory} MB < 100 MB" "${max_memory:-1000} < 100"
exit $status
