#!/usr/bin/env bash
# Upload offload (docs/benchmarks.md, "Upload offload"): two `sluice serve` processes side by side,
# one with `--workers N` (upload pipelines on N platform threads) and one with `--workers 0` (inline
# on the request's virtual thread), measured in the same run, in alternating order:
#  - PUT 1 GiB with Content-Digest: sha-256 (curl -T, streamed), MiB/s;
#  - two such PUTs at once: aggregate MiB/s, /health latency (curl every 0.1 s) and the server's
#    scheduler lag (p99/max from /metrics, scraped every 0.5 s).
# Usage: bench/upload-offload.sh [--rounds 3] [--workers N (default: nproc)]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
workers=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. scripts/find-jdk.sh
sluice_find_jdk
./mvnw -B -q -DskipTests -pl cli -am package

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT
echo "generating 1 GiB of random bytes in $work" >&2
head -c 1G /dev/urandom > "$work/1g.bin"
sha=$(openssl dgst -sha256 -binary "$work/1g.bin" | base64)

declare -A port
for setting in "$workers" 0; do
  port[$setting]=$(( 20000 + RANDOM % 30000 ))
  ./sluice serve --port "${port[$setting]}" --store "$work/data-$setting" --workers "$setting" \
    > "$work/serve-$setting.log" 2>&1 &
  pids+=($!)
done
for setting in "$workers" 0; do
  for _ in $(seq 150); do curl -s -o /dev/null "http://127.0.0.1:${port[$setting]}/health" && break; sleep 0.2; done
done

put() { # setting key → MiB/s
  curl -sS -o /dev/null -w '%{speed_upload}\n' -T "$work/1g.bin" -H "Content-Digest: sha-256=:$sha:" \
    "http://127.0.0.1:${port[$1]}/objects/$2" | awk '{ printf "%.0f", $1 / 1048576 }'
}
results="$work/results.tsv"
for setting in "$workers" 0; do put "$setting" warm > /dev/null; done # JIT warm-up, not measured

for round in $(seq "$rounds"); do
  echo "round $round of $rounds" >&2
  order="$workers 0"; [ $((round % 2)) -eq 0 ] && order="0 $workers"
  for setting in $order; do
    printf 'single\t%s\t%s\n' "$setting" "$(put "$setting" one)" >> "$results"
  done
  for setting in $order; do
    base="http://127.0.0.1:${port[$setting]}"
    ( while sleep 0.1; do curl -s -o /dev/null -m 30 -w '%{time_total}\n' "$base/health"; done ) \
      > "$work/health.txt" &
    prober=$!
    ( while sleep 0.5; do
        curl -s -m 30 "$base/metrics" | awk '/^sluice_scheduler_lag_seconds\{statistic="(p99|max)"\}/ { print $1, $2 }'
      done ) > "$work/lag.txt" &
    scraper=$!
    start=$(date +%s.%N)
    put "$setting" two-a > /dev/null &
    a=$!
    put "$setting" two-b > /dev/null &
    b=$!
    wait "$a" "$b"
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    kill "$prober" "$scraper" 2>/dev/null || true
    wait "$prober" "$scraper" 2>/dev/null || true
    health=$(sort -n "$work/health.txt" | awk '{ v[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; printf "%d\t%.0f\t%.0f", NR, v[i] * 1000, v[NR] * 1000 }')
    lag=$(awk '/p99/ { if ($2 > p) p = $2 } /max/ { if ($2 > m) m = $2 } END { printf "%.0f\t%.0f", p * 1000, m * 1000 }' "$work/lag.txt")
    printf 'concurrent\t%s\t%.0f\t%s\t%s\n' "$setting" "$(awk -v t="$secs" 'BEGIN { print 2048 / t }')" "$health" "$lag" >> "$results"
  done
done

python3 - "$results" "$workers" <<'PY'
import sys, statistics, collections
single = collections.defaultdict(list); conc = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    (single if f[0] == "single" else conc)[f[1]].append([float(x) for x in f[2:]])
def med(rows, i):
    v = [r[i] for r in rows]
    return f"{statistics.median(v):,.0f} [{min(v):,.0f}–{max(v):,.0f}]"
print("| setting | PUT 1 GiB + SHA-256, MiB/s | 2 concurrent PUTs, aggregate MiB/s | /health probes | /health p99 ms | /health max ms | scheduler lag p99 ms | scheduler lag max ms |")
print("|---|---|---|---|---|---|---|---|")
for s in (sys.argv[2], "0"):
    name = f"--workers {s}" + (" (inline)" if s == "0" else " (offload)")
    c = conc[s]
    print(f"| {name} | {med(single[s], 0)} | {med(c, 0)} | {med(c, 1)} | {med(c, 2)} | {med(c, 3)} | {med(c, 4)} | {med(c, 5)} |")
PY
echo
echo "medians [min–max] of $rounds rounds; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
