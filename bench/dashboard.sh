#!/usr/bin/env bash
# The dashboard under load (docs/benchmarks.md, "Dashboard (issue 17)"): one `./sluice serve` as a
# user runs it, DOWNLOADS (1000) throttled downloads held open at 1 KiB/s each, and the dashboard
# watched in headless Chromium (Debian's chromium, playwright-core from http/src/test/browser) for
# SECONDS (20): refreshes, gaps between them, the data answer's size and time, the page weight.
# Usage: bench/dashboard.sh [--downloads 1000] [--seconds 20] [--screenshot FILE.png]
set -euo pipefail
cd "$(dirname "$0")/.."
downloads=1000
seconds=20
screenshot=
while [ $# -gt 0 ]; do
  case "$1" in
    --downloads) downloads=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --screenshot) screenshot=$(realpath -m "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. scripts/find-jdk.sh
sluice_find_jdk
./mvnw -B -q -DskipTests -pl cli -am package
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
[ -d http/src/test/browser/node_modules/playwright-core ] ||
  (cd http/src/test/browser && npm ci --no-audit --no-fund)

work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$(( 20000 + RANDOM % 30000 ))
SLUICE_SKIP_BUILD=1 ./sluice serve --port "$port" --store "$work/data" \
  --max-connections $((downloads + 100)) > "$work/serve.log" 2>&1 &
for _ in $(seq 1 1200); do grep -q "serving on" "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
server=$(pgrep -f "sluice.jar serve --port $port" | head -1 || true)
[ -n "$server" ] || { echo "dashboard: the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
head -c 4M /dev/urandom | curl -sf -T - "http://127.0.0.1:$port/objects/load/4m.bin" > /dev/null

echo "dashboard: $downloads downloads at 1 KiB/s, watched for $seconds s, $(nproc) cores, $(date -u +%FT%TZ)"
cpu_of() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; } # user + sys, in seconds
cpu_before=$(cpu_of "$server")
(cd http/src/test/browser && SLUICE_URL="http://127.0.0.1:$port" KEY=load/4m.bin \
  DOWNLOADS=$downloads WATCH_SECONDS=$seconds SCREENSHOT=$screenshot node dashboard-load.mjs)
echo "server CPU (user + sys) during the run: $(awk -v a="$cpu_before" -v b="$(cpu_of "$server")" 'BEGIN {printf "%.2f s", b - a}')"
echo "server RSS: $(awk '/VmRSS/ {print $2, $3}' "/proc/$server/status")"
