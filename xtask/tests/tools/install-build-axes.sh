#!/usr/bin/env bash
# What the build-axis tests and sweeps/seed-techniques.toml need besides stable Rust: the musl
# and wasm32 targets, a nightly toolchain with rust-src (for -Z build-std), Binaryen's
# wasm-opt, the mold and lld linkers (the linker axis), and Cranelift where rustup offers it. Idempotent; `.ci/run` runs it, and the tests run it themselves.
set -euo pipefail

installed_targets=$(rustup target list --installed)
for target in x86_64-unknown-linux-musl wasm32-unknown-unknown; do
    grep -qx "$target" <<<"$installed_targets" || rustup target add "$target"
done

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal --component rust-src
elif ! rustup component list --toolchain nightly --installed | grep -q '^rust-src'; then
    rustup component add rust-src --toolchain nightly
fi

# The Cranelift backend (codegen-backend = "cranelift"). Not every rustup mirror has it; without
# it those variants are skipped with the install command, which the tests check instead.
if ! rustup component list --toolchain nightly --installed | grep -q '^rustc-codegen-cranelift'; then
    echo "install-build-axes: adding rustup's rustc-codegen-cranelift-preview to nightly"
    rustup component add rustc-codegen-cranelift-preview --toolchain nightly >/dev/null 2>&1 \
        || echo "install-build-axes: the Cranelift backend is not available here; its variants will be skipped"
fi

packages=""
command -v wasm-opt >/dev/null || packages="$packages binaryen"
command -v ld.mold >/dev/null || packages="$packages mold"
command -v ld.lld >/dev/null || packages="$packages lld"
if [ -n "$packages" ]; then
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && apt-get install -y -qq $packages
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq $packages
    fi
fi
