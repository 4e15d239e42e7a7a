#!/usr/bin/env bash
# How much wall time profile-sweep itself adds on top of the cargo, benchmark and measured
# processes it runs (target: under 5%). Runs a sweep into a temporary directory, so the
# committed results stay as they are, and prints the sweep's own accounting:
#   time: T s in all, C s in cargo and measured processes, H s (P%) in the harness itself
# Usage: benches/harness-overhead.sh [SWEEP_FILE]   (default: sweeps/default.toml)
set -euo pipefail
cd "$(dirname "$0")/.."
sweep=${1:-sweeps/default.toml}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
line=$(cargo xtask sweep --sweep "$sweep" --out "$out" --force | grep '^time: ')
echo "$line"
percent=$(sed -E 's/.*\(([0-9.]+)%\).*/\1/' <<<"$line")
if awk -v p="$percent" 'BEGIN { exit !(p < 5) }'; then
    echo "harness overhead ${percent}% is under the 5% target"
else
    echo "harness overhead ${percent}% is over the 5% target" >&2
    exit 1
fi
