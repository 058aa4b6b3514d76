#!/usr/bin/env bash
# Prints a directory holding a `node` the project supports (22.20+ or 24.12+, the current LTS:
# package.json's engines, where no dependency's engine range warns),
# installing Node 24 from the npm registry when the machine's node is missing or older.
# Put it first on PATH; npm and npx then run on that node too:
#
#   export PATH="$(scripts/ensure-node.sh):$PATH"
#
# The `node-linux-<arch>` npm package ships the official binary; it lands in .tools/node
# (or $NODE_TOOLS_DIR), so a second run reuses it. Progress goes to stderr, the path to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."

want=24   # the current LTS, what the project targets

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
# package.json's engines, ^22.20.0 || >=24.12.0, as a yes/no.
supported() {
  [ "$("$1" -p 'const [a, b] = process.versions.node.split(".").map(Number); (a === 22 && b >= 20) || (a === 24 && b >= 12) || a > 24' 2>/dev/null)" = "true" ]
}

if command -v node >/dev/null 2>&1 && supported node; then
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "ensure-node: no Node $want package for $(uname -m); install Node $want yourself" >&2; exit 1 ;;
esac
prefix="${NODE_TOOLS_DIR:-$PWD/.tools/node}"
bin="$prefix/node_modules/node-linux-$arch/bin"
if [ ! -x "$bin/node" ] || [ "$(major "$bin/node")" -ne "$want" ] || ! supported "$bin/node"; then
  echo "ensure-node: machine node is $(node --version 2>/dev/null || echo missing); installing node-linux-$arch@$want into $prefix" >&2
  mkdir -p "$prefix"
  # npm itself runs on the old node here, which npm 10/11 still supports.
  npm install --prefix "$prefix" --no-save --no-package-lock --no-audit --no-fund --loglevel=error "node-linux-$arch@$want" >&2
fi
echo "ensure-node: using $("$bin/node" --version) from $bin" >&2
echo "$bin"
