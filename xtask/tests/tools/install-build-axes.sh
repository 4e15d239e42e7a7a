#!/usr/bin/env bash
# What the build-axis tests and sweeps/seed-techniques.toml need besides stable Rust: the musl,
# wasm32 and x86_64-pc-windows-gnu targets, a nightly toolchain with rust-src (for
# -Z build-std), Binaryen's wasm-opt, the mold and lld linkers (the linker axis), mingw-w64's
# linker (the Windows target), and where they install, Cranelift and Wine (which runs the
# Windows builds). Idempotent; `.ci/run` runs it, and the tests run it themselves.
set -euo pipefail

installed_targets=$(rustup target list --installed)
for target in x86_64-unknown-linux-musl wasm32-unknown-unknown x86_64-pc-windows-gnu; do
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
command -v x86_64-w64-mingw32-gcc >/dev/null || packages="$packages gcc-mingw-w64-x86-64"
apt_get() {
    if [ "$(id -u)" -eq 0 ]; then apt-get "$@"; else sudo apt-get "$@"; fi
}
if [ -n "$packages" ]; then
    apt_get update -qq && apt_get install -y -qq $packages
fi

# Wine runs the Windows builds (their [[run]]s are timed under it). Not every machine can
# install it; without it those variants are measured by size only, which the tests check.
if ! command -v wine >/dev/null && ! command -v wine64 >/dev/null; then
    echo "install-build-axes: installing Wine (apt-get install wine64) to run the Windows builds"
    (apt_get update -qq && apt_get install -y -qq wine64) >/dev/null 2>&1 \
        || echo "install-build-axes: Wine did not install here; Windows builds will be sized only"
fi
