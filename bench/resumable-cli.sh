#!/usr/bin/env bash
# Resuming upload client (docs/benchmarks.md, "Resumable upload client (issue 14)"): one
# `./sluice serve` on 127.0.0.1 and `./sluice ingest FILE http://…/objects/KEY` uploading a
# generated file of SIZE, alternating rounds: straight to the server, then through
# bench/resumable/DropProxy.java, which cuts the connection at a third and at two thirds of the
# bytes (the client asks the offset with HEAD and sends the rest from the file). Prints wall time
# and the client's CPU seconds (user + sys) per round, the medians, and the stored object's SHA-256
# against the file's.
# Usage: bench/resumable-cli.sh [--size 1GiB] [--rounds 3] [--protocol ietf|tus]
set -euo pipefail
cd "$(dirname "$0")/.."
size=1GiB
rounds=3
protocol=ietf
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --protocol) protocol=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. scripts/find-jdk.sh
sluice_find_jdk
./mvnw -B -q -DskipTests -Dspotless.apply.skip=true -pl cli -am package

work=$(mktemp -d)
server=
proxy=
cleanup() {
  [ -n "$proxy" ] && kill "$proxy" 2>/dev/null || true
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT
export SLUICE_SKIP_BUILD=1
export SLUICE_TOKEN=bench-token
port=$(( 20000 + RANDOM % 30000 ))
./sluice ingest "gen:$size:14" "$work/big.bin" --no-progress > /dev/null
bytes=$(stat -c %s "$work/big.bin")
want=$(sha256sum "$work/big.bin" | cut -c1-64)

./sluice serve --port "$port" --store "$work/data" --max-body "$((bytes + 1))" > "$work/serve.log" 2>&1 &
for _ in $(seq 1 1200); do grep -q "serving on" "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
server=$(pgrep -f "sluice.jar serve --port $port" | head -1 || true)
[ -n "$server" ] || { echo "resumable-cli: the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

echo "resumable-cli: $size ($bytes bytes), protocol $protocol, $rounds alternating rounds," \
  "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
TIMEFORMAT='%R %U %S'
run() { # run KIND URL: one upload, appends "KIND wall cpu" to $work/times
  local kind=$1 url=$2 t
  t=$( { time ./sluice ingest "$work/big.bin" "$url" --protocol "$protocol" --force --no-progress \
    > "$work/out.txt" 2> "$work/err.txt"; } 2>&1 ) ||
    { echo "resumable-cli: $kind upload failed" >&2; cat "$work/err.txt" >&2; exit 1; }
  read -r wall user sys <<< "$t"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
  echo "$kind $wall $cpu" >> "$work/times"
  printf '  %-12s wall %6.2f s  cpu %6.2f s\n' "$kind" "$wall" "$cpu"
}
for round in $(seq 1 "$rounds"); do
  run direct "http://127.0.0.1:$port/objects/bench/direct.bin"
  coproc PROXY { exec "$JAVA_HOME/bin/java" bench/resumable/DropProxy.java "$port" \
    "$((bytes / 3))" "$((2 * bytes / 3))" 2> "$work/proxy.log"; }
  proxy=$PROXY_PID
  read -r proxy_port <&"${PROXY[0]}"
  run two-cuts "http://127.0.0.1:$proxy_port/objects/bench/dropped.bin"
  cuts=$(grep -c "cut at" "$work/proxy.log" || true)
  [ "$cuts" = 2 ] || { echo "resumable-cli: the proxy cut $cuts times, not 2" >&2; exit 1; }
  kill "$proxy"; wait "$proxy" 2>/dev/null || true; proxy=
done
for kind in direct two-cuts; do
  awk -v k="$kind" '$1 == k { w[n] = $2; c[n++] = $3 }
    END { asort(w); asort(c); m = int((n + 1) / 2);
          printf "median %-10s wall %.2f s  cpu %.2f s  (%d rounds)\n", k, w[m], c[m], n }' "$work/times"
done
for key in direct dropped; do
  got=$(curl -sf -H "Authorization: Bearer $SLUICE_TOKEN" "http://127.0.0.1:$port/objects/bench/$key.bin" | sha256sum | cut -c1-64)
  [ "$got" = "$want" ] && echo "sha256 $key: ok ($got)" || { echo "sha256 $key: MISMATCH $got != $want" >&2; exit 1; }
done
