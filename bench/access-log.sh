#!/usr/bin/env bash
# Cost of the access log (docs/benchmarks.md, "Access log on and off (issue 16)"): two `sluice
# serve` processes side by side, one writing access lines to a file (--access-log FILE), one with
# --access-log off; a 1 GiB object in each; then rounds of `curl` GET to /dev/null, alternating
# between the two. Per GET: wall seconds (curl's time_total), MiB/s and the server's CPU seconds
# (utime + stime from /proc before and after).
# With --throttled N (default 1000; 0 skips it), then N concurrent downloads of a 1 MiB object at
# 64 KiB/s each (bench/http/LoadClient.java) against each server in turn, twice: the server's peak
# RSS (VmHWM, reset before each pass through /proc/PID/clear_refs, so run as root) and RSS after,
# with the log on and off.
# Usage: bench/access-log.sh [--rounds 5] [--size 1GiB-in-bytes] [--throttled 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=5
size=$((1 << 30))
throttled=1000
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --throttled) throttled=$2; shift 2 ;;
    *) echo "usage: bench/access-log.sh [--rounds N] [--size BYTES] [--throttled N]" >&2; exit 2 ;;
  esac
done
. scripts/find-jdk.sh
sluice_find_jdk
./sluice --version >/dev/null # builds the jar and its start-up archive if needed
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
head -c "$size" /dev/urandom >"$work/object.bin"
head -c 1048576 /dev/urandom >"$work/small.bin"
declare -A port
port[on]=18561
port[off]=18562
for mode in on off; do
  if [ "$mode" = on ]; then log=(--access-log "$work/access.log"); else log=(--access-log off); fi
  SLUICE_SKIP_BUILD=1 ./sluice serve --port "${port[$mode]}" --store "$work/data-$mode" "${log[@]}" \
    >"$work/serve-$mode.out" 2>&1 &
  pids+=($!)
done
for mode in on off; do
  until grep -q "serving on" "$work/serve-$mode.out" 2>/dev/null; do sleep 0.1; done
  curl -s -T "$work/object.bin" "http://127.0.0.1:${port[$mode]}/objects/object.bin" >/dev/null
  curl -s -T "$work/small.bin" "http://127.0.0.1:${port[$mode]}/objects/small.bin" >/dev/null
  curl -s -o /dev/null "http://127.0.0.1:${port[$mode]}/objects/object.bin" # warm-up, not counted
done
rm -f "$work/object.bin"
jvm() { pgrep -f "sluice.jar serve --port $1" | head -1; }
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
echo "mode round wall_s mib_s server_cpu_s"
for r in $(seq 1 "$rounds"); do
  for mode in on off; do
    pid=$(jvm "${port[$mode]}")
    before=$(ticks "$pid")
    wall=$(curl -s -o /dev/null -w "%{time_total}" "http://127.0.0.1:${port[$mode]}/objects/object.bin")
    after=$(ticks "$pid")
    awk -v m="$mode" -v r="$r" -v w="$wall" -v s="$size" -v c="$((after - before))" -v hz="$hz" \
      'BEGIN { printf "%s %d %.3f %.0f %.2f\n", m, r, w, s / 1048576 / w, c / hz }'
  done
done
echo "access lines written: $(wc -l <"$work/access.log")"
[ "$throttled" -gt 0 ] || exit 0

kib() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"; }
echo "throttled: $throttled downloads of 1 MiB at 64 KiB/s; mode pass peak_rss_mib rss_after_mib client"
for pass in 1 2; do
  for mode in on off; do
    pid=$(jvm "${port[$mode]}")
    echo 5 >"/proc/$pid/clear_refs"
    client=$("$JAVA_HOME/bin/java" -Xss256k bench/http/LoadClient.java "${port[$mode]}" \
      "/objects/small.bin?rate=64KiB" "$throttled" 1048576)
    echo "$mode $pass $(( $(kib "$pid" VmHWM) / 1024 )) $(( $(kib "$pid" VmRSS) / 1024 )) $client"
  done
done
echo "access lines written: $(wc -l <"$work/access.log")"
