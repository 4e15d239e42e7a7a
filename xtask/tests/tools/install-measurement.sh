#!/usr/bin/env bash
# What instruction counts need: Valgrind (Cachegrind), and gungraun-runner for gungraun benches.
# Idempotent; `.ci/run` runs it.
set -euo pipefail

if ! command -v valgrind >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && apt-get install -y -qq valgrind
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq valgrind
    fi
fi
valgrind --version

# gungraun's benches hand their work to a runner of exactly their own version: the one the
# fixture's counted-lib locks (xtask/tests/fixtures/tiny/Cargo.lock).
GUNGRAUN_VERSION=0.20.0
if [ "$(gungraun-runner --version 2>/dev/null || true)" != "gungraun-runner $GUNGRAUN_VERSION" ]; then
    cargo install --quiet --locked gungraun-runner --version "$GUNGRAUN_VERSION"
fi
gungraun-runner --version
