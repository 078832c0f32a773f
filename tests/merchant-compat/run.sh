#!/usr/bin/env bash
# Merchant compatibility test (issue 6): starts the already-built server on a fresh data directory and a free port, runs
# the node tests (test/) that use the real wechatpay-axios-plugin SDK against it, then restarts the same server one day
# later under libfaketime (apt-get install faketime) and runs next-day/ (yesterday's trade bill); exits non-zero if any
# failed. Builds nothing: run `dotnet build Zhifu.slnx` first.
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
# Starts the server on $data at $base (optionally under a command such as faketime) and waits for /healthz.
start_server() {
  # its own process group, so stopping it also stops what a wrapper such as faketime started (the server is its child)
  ZHIFU_DATA="$data" setsid "$@" dotnet "$dll" --urls "$base" --Demo:PrintBanner=false --MerchantConsole:CaptchaFixed=E2E42 >>"$data/server.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do
    if curl -fs "$base/healthz" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "server exited early:" >&2
      cat "$data/server.log" >&2
      exit 2
    fi
    sleep 0.25
  done
}
stop_server() {
  kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
}
cleanup() {
  stop_server
  rm -rf "$data"
}
trap cleanup EXIT

start_server
ZHIFU_DATA="$data" ZHIFU_BASE_URL="$base/" node --test "$here"/test/*.test.js
status=$?

# The day after: the same server and data one day later (libfaketime), where yesterday's trade bill exists.
if command -v faketime >/dev/null 2>&1; then
  stop_server
  start_server faketime -f '+1d'
  ZHIFU_DATA="$data" ZHIFU_BASE_URL="$base/" faketime -f '+1d' node --test "$here"/next-day/*.test.js || status=1
else
  echo "faketime is not installed (apt-get install faketime): the next-day bill tests did not run" >&2
  status=1
fi

if [ "$status" -ne 0 ]; then
  echo "--- server log (tail) ---" >&2
  tail -n 60 "$data/server.log" >&2
fi
exit "$status"
