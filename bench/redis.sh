#!/usr/bin/env bash
# Redis (docs/benchmarks.md, "Redis (issue 6)"): records/s into a stream and blob MiB/s with client
# peak RSS, `sluice ingest` beside plain Jedis loops (bench RedisBaseline, same JVM flags as
# ./sluice) and redis-benchmark, in the same run, alternating per round.
# Usage: bench/redis.sh [--records 1000000] [--blob 512MiB] [--rounds 3]
# Needs Redis on 127.0.0.1:6379; writes only keys under a unique prefix (redis-benchmark: db 15),
# and removes them.
set -euo pipefail
cd "$(dirname "$0")/.."
records=1000000 blob=512MiB rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --records) records=$2; shift 2 ;;
    --blob) blob=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bench/redis.sh [--records N] [--blob SIZE] [--rounds N]" >&2; exit 2 ;;
  esac
done
. scripts/find-jdk.sh
sluice_find_jdk
./mvnw -B -q -pl cli,bench -am package -DskipTests >&2
export SLUICE_SKIP_BUILD=1 # a rebuild (sources changed meanwhile) must not land inside a timed run
./sluice --help >/dev/null # builds the class-data archive outside the timed runs

mkdir -p bench/data bench/results
data=bench/data/records-$records.ndjson
if [ ! -f "$data" ]; then
  awk -v n="$records" 'BEGIN { for (i = 1; i <= n; i++)
    printf "{\"id\":%d,\"name\":\"user-%d\",\"score\":%d,\"tags\":[\"a\",\"b\"]}\n", i, i, i % 100 }' >"$data"
fi
file=bench/data/blob-$blob.bin
[ -f "$file" ] || ./sluice ingest "gen:$blob" "$file" >/dev/null
bytes=$(stat -c %s "$file")
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
chunk=1048576

prefix=sluice-bench-$$
url="redis://127.0.0.1:6379/0"
java=("$JAVA_HOME/bin/java" -XX:+UseSerialGC -Xmx48m -Xss512k -cp bench/target/benchmarks.jar dev.sluice.bench.RedisBaseline)
raw=bench/results/redis-$(date -u +%Y%m%dT%H%M%SZ).txt
timing=$(mktemp)
trap 'rm -f "$timing" "$timing.err"; redis-cli --scan --pattern "$prefix*" | xargs -r redis-cli unlink >/dev/null; redis-cli -n 15 del key:__rand_int__ "$prefix:rb" >/dev/null' EXIT

# measure LABEL UNITS COMMAND…: runs COMMAND and appends to $raw
# "LABEL in-process-rate whole-process-rate peakRssMiB": in-process divides UNITS by the "in X s"
# the command prints (sluice's summary, the baseline's line), whole-process by the wall time.
measure() {
  local label=$1 units=$2
  shift 2
  : >"$timing.err"
  local out=$timing.err # sluice prints its summary to stdout, or to stderr when stdout is the data
  case "$label" in *-read-*) out=/dev/null ;; esac
  if ! /usr/bin/time -f "%e %M" -o "$timing" "$@" >>"$out" 2>>"$timing.err"; then
    cat "$timing.err" >>"$raw.log"
    echo "# $label failed: $(tail -1 "$timing.err")" | tee -a "$raw"
    return
  fi
  cat "$timing.err" >>"$raw.log"
  read -r seconds kib < <(tail -1 "$timing")
  inside=$(grep -o ' in [0-9.]* s' "$timing.err" | tail -1 | awk '{ print $2 }' || true)
  awk -v l="$label" -v u="$units" -v s="$seconds" -v i="$inside" -v k="$kib" \
    'BEGIN { printf "%s %.1f %.1f %.0f\n", l, u / i, u / s, k / 1024 }' | tee -a "$raw"
}

# rb LABEL UNITS ARGS…: redis-benchmark's requests/s × UNITS per request (its RSS is not the client's JVM)
rb() {
  local label=$1 per=$2
  shift 2
  redis-benchmark --dbnum 15 --csv -c 1 "$@" | tail -n +2 | head -1 |
    awk -F, -v l="$label" -v p="$per" '{ r = $(NF - 6); gsub(/"/, "", r); printf "%s %.1f - -\n", l, r * p }' | tee -a "$raw"
}

unlink_prefix() { redis-cli --scan --pattern "$prefix*" | xargs -r redis-cli unlink >/dev/null; }

for round in $(seq "$rounds"); do
  echo "# round $round" | tee -a "$raw"
  measure stream-sluice "$records" ./sluice ingest "$data" "$url" --stream "$prefix:s"
  unlink_prefix
  measure stream-jedis "$records" "${java[@]}" stream "$data" "$prefix:j"
  unlink_prefix
  rb stream-redis-benchmark 1 -n "$records" -P 1000 XADD "$prefix:rb" '*' id __rand_int__ name user-1 score 7 tags '["a","b"]'
  redis-cli -n 15 del "$prefix:rb" >/dev/null
  measure blob-write-sluice "$mib" ./sluice ingest "$file" "$url/blob?prefix=$prefix"
  measure blob-read-sluice "$mib" ./sluice ingest "$url/blob?prefix=$prefix" -
  unlink_prefix
  measure blob-write-jedis "$mib" "${java[@]}" blob-write "$file" "$prefix:jb" "$chunk"
  measure blob-read-jedis "$mib" "${java[@]}" blob-read "$prefix:jb" "$chunk" "$bytes"
  unlink_prefix
  rb blob-write-redis-benchmark 1 -n 256 -d "$chunk" -t set
  rb blob-read-redis-benchmark 1 -n 256 -d "$chunk" -t get
  redis-cli -n 15 del key:__rand_int__ >/dev/null
done

echo
echo "median of $rounds rounds ($records records, $mib MiB blob, raw: $raw):"
echo "| run | in-process records/s or MiB/s | whole process | client peak RSS MiB |"
echo "|---|---|---|---|"
grep -v '^#' "$raw" | awk '{ if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }
    for (c = 2; c <= 4; c++) v[$1, c] = v[$1, c] " " $c }
  function median(list,   a, k, i, j, t) {
    k = split(list, a, " ")
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return a[int((k + 1) / 2)]
  }
  END { for (i = 1; i <= n; i++) printf "| %s | %s | %s | %s |\n", order[i], median(v[order[i], 2]), median(v[order[i], 3]), median(v[order[i], 4]) }'
