#!/usr/bin/env bash
# What PGO and BOLT variants (tests/it/guided.rs, sweeps/pgo.toml) need besides stable Rust:
# rustup's llvm-tools (llvm-profdata, llvm-strip, from the LLVM rustc uses) and Debian's BOLT
# (llvm-bolt, merge-fdata and the instrumentation runtime). Idempotent.
set -euo pipefail

if ! rustup component list --installed | grep -q '^llvm-tools'; then
    rustup component add llvm-tools
fi

if ! ls /usr/lib/llvm-*/bin/llvm-bolt >/dev/null 2>&1 && ! command -v llvm-bolt >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && apt-get install -y -qq bolt-19
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq bolt-19
    fi
fi
