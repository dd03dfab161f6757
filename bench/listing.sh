#!/usr/bin/env bash
# Listing a million keys (docs/benchmarks.md, "Listing (issue 16)"): one `./sluice serve` over a
# file store holding KEYS empty objects (1,000 folders of 1,000: bench/NNN/NNNNNN), listed whole
# through GET /objects in pages of 100,000 and of 1,000, alternating, ROUNDS times each. Reports per
# round the entries, pages, wall seconds and the server's CPU seconds, then the server's peak RSS
# (VmHWM) over the whole run.
# Usage: bench/listing.sh [--keys 1000000] [--rounds 3] [--data DIR (kept; generated if missing)]
set -euo pipefail
cd "$(dirname "$0")/.."
keys=1000000
rounds=3
data=
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) keys=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --data) data=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. scripts/find-jdk.sh
sluice_find_jdk
./mvnw -B -q -DskipTests -pl cli -am package

work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if [ -z "$data" ]; then data="$work/data"; fi
if [ ! -d "$data/bench" ]; then
  echo "listing: creating $keys empty objects"
  s=$(date +%s)
  python3 - "$data" "$keys" <<'PY'
import os, sys
root, keys = sys.argv[1], int(sys.argv[2])
for n in range(keys):
    folder = os.path.join(root, "bench", "%03d" % (n // 1000))
    if n % 1000 == 0:
        os.makedirs(folder, exist_ok=True)
    os.close(os.open(os.path.join(folder, "%06d" % n), os.O_CREAT | os.O_WRONLY, 0o644))
PY
  echo "listing: created in $(( $(date +%s) - s )) s"
fi
port=$(( 20000 + RANDOM % 30000 ))
SLUICE_SKIP_BUILD=1 ./sluice serve --port "$port" --store "$data" > "$work/serve.log" 2>&1 &
for _ in $(seq 1 1200); do grep -q "serving on" "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
server=$(pgrep -f "sluice.jar serve --port $port" | head -1 || true)
[ -n "$server" ] || { echo "listing: the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

echo "listing: $keys keys, $(nproc) cores, $(date -u +%FT%TZ)"
echo "server before listing: RSS $(awk '/VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$server/status"), peak $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$server/status")"
cpu_of() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; } # user + sys, in seconds
echo "round limit entries pages wall_s server_cpu_s rss_after_mib peak_rss_mib"
for round in $(seq 1 "$rounds"); do
  for limit in 100000 1000; do
    before=$(cpu_of "$server")
    read -r entries pages wall < <(python3 bench/listing/list_all.py "$port" "$limit")
    cpu=$(awk -v a="$before" -v b="$(cpu_of "$server")" 'BEGIN {printf "%.2f", b - a}')
    rss=$(awk '/VmRSS/ {printf "%.1f", $2 / 1024}' "/proc/$server/status")
    hwm=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$server/status")
    echo "$round $limit $entries $pages $wall $cpu $rss $hwm"
  done
done
echo "server peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%.1f MiB", $2 / 1024}' "/proc/$server/status")"
