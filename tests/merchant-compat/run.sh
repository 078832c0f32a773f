#!/usr/bin/env bash
# Merchant compatibility test (issue 6): starts the already-built server on a fresh data directory and a free port, runs
# the node tests that use the real wechatpay-axios-plugin SDK against it, stops the server and exits with node's status.
# Builds nothing: run `dotnet build Zhifu.slnx` first.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
dll="$repo/src/Zhifu.Server/bin/Debug/net10.0/zhifu.dll"
if [ ! -f "$dll" ]; then
  echo "missing $dll: run 'dotnet build Zhifu.slnx' first" >&2
  exit 2
fi
if [ ! -d "$here/node_modules/wechatpay-axios-plugin" ]; then
  (cd "$here" && npm ci --no-audit --no-fund) || exit 2
fi
data="$(mktemp -d)"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"
ZHIFU_DATA="$data" dotnet "$dll" --urls "$base" --Demo:PrintBanner=false >"$data/server.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  if curl -fs "$base/healthz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "server exited early:" >&2
    cat "$data/server.log" >&2
    exit 2
  fi
  sleep 0.25
done
# only the *.test.js files: given the directory, node would also run test/support.js (shared setup) as a test file
ZHIFU_DATA="$data" ZHIFU_BASE_URL="$base/" node --test "$here"/test/*.test.js
status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (tail) ---" >&2
  tail -n 60 "$data/server.log" >&2
fi
exit "$status"
