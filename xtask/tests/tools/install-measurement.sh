#!/usr/bin/env bash
# What instruction counts need: Valgrind (Cachegrind). Idempotent; `.ci/run` runs it.
set -euo pipefail

if ! command -v valgrind >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && apt-get install -y -qq valgrind
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq valgrind
    fi
fi
valgrind --version
