#!/usr/bin/env bash
# Scale-out (docs/benchmarks.md, "Scale-out (issue 15)"): nodes started by scripts/cluster.sh behind
# nginx, coordinated through the machine's Redis, over one shared store folder.
#   rate:  --global-rate 30MiB on 3 nodes, 30 unthrottled curl downloads through nginx (10 a node);
#          the aggregate is the growth of the nodes' sluice_sent_bytes_total over a 20 s window that opens
#          once every download runs. Target: within 10 % of 30 MiB/s (not 90: one bucket for all).
#   scale: unthrottled aggregate of 1 node vs 3 nodes, 8 concurrent downloads of a 256 MiB object
#          through nginx (each client downloads again as soon as it is done), 15 s windows, rounds
#          alternating 1,3,1,3…; CPU seconds of the nodes and nginx beside the wall time, and the
#          load average (the machine is shared: other builds run beside the benchmark).
# Usage: bench/cluster.sh [rate|scale|all] [--rounds 3] [--port 28080] [--coord URL]
# (--coord: the coordination store, default redis://127.0.0.1:6379; e.g. jdbc:postgresql://…)
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
[ $# -gt 0 ] && shift
rounds=3
port=28080
coord=redis://127.0.0.1:6379
while [ $# -gt 0 ]; do
  case "$1" in
    --coord) coord=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
./mvnw -B -q -DskipTests -Dspotless.apply.skip=true -pl cli -am package
export SLUICE_SKIP_BUILD=1
data=bench/data/cluster
mkdir -p "$data"
clients=()
cleanup() {
  for p in "${clients[@]}"; do kill "$p" 2>/dev/null || true; done
  bash scripts/cluster.sh stop --dir "$data" >/dev/null 2>&1 || true
}
trap cleanup EXIT

bytes_out() { # nodes: the sum of their sluice_sent_bytes_total
  local sum=0 i v
  for i in $(seq 1 "$1"); do
    v=$(curl -s "http://127.0.0.1:$((port + i))/metrics" | awk '/^sluice_sent_bytes_total/ {printf "%d", $2}')
    sum=$((sum + ${v:-0}))
  done
  echo "$sum"
}
cpu_ticks() { # pids…: utime + stime in clock ticks
  local sum=0 p
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] && sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$sum"
}
node_pids() { cat "$data"/node-*.pid "$data"/nginx.pid 2>/dev/null; }
nginx_workers() { pgrep -P "$(cat "$data/nginx.pid")" || true; }
hz=$(getconf CLK_TCK)

start_cluster() { # nodes, serve flags…
  local n=$1; shift
  bash scripts/cluster.sh start --dir "$data" --port "$port" --nodes "$n" --store "$data/store" \
    --coord "$coord" -- "$@" >/dev/null
}

window() { # nodes, seconds, label: bytes and CPU over a window while the clients run
  local n=$1 secs=$2 label=$3 b0 b1 c0 c1 k0 k1 t0 t1 pids
  pids=$(node_pids; nginx_workers)
  # shellcheck disable=SC2086
  c0=$(cpu_ticks $pids); b0=$(bytes_out "$n"); t0=$(date +%s.%N)
  sleep "$secs"
  # shellcheck disable=SC2086
  c1=$(cpu_ticks $pids); b1=$(bytes_out "$n"); t1=$(date +%s.%N)
  awk -v l="$label" -v b=$((b1 - b0)) -v t0="$t0" -v t1="$t1" -v c=$((c1 - c0)) -v hz="$hz" \
    -v la="$(cut -d' ' -f1-3 /proc/loadavg)" \
    'BEGIN { w = t1 - t0; printf "%-34s %8.2f MiB/s  wall %5.2f s  CPU nodes+nginx %6.2f s  load %s\n", l, b / w / 1048576, w, c / hz, la }'
}

downloads() { # count, url, seconds: that many clients, each downloading again and again until then
  local i
  clients=()
  for i in $(seq 1 "$1"); do
    (end=$((SECONDS + $3)); while [ $SECONDS -lt $end ]; do
      curl -s --max-time $((end - SECONDS + 1)) -o /dev/null "$2" || true
    done) &
    clients+=($!)
  done
}
finish_clients() {
  wait "${clients[@]}" 2>/dev/null || true
  clients=()
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "# coordination: ${coord%%\?*}"
echo "# JDK: $(. scripts/find-jdk.sh; sluice_find_jdk; "$JAVA_HOME/bin/java" -version 2>&1 | head -1); nginx $(nginx -v 2>&1 | cut -d/ -f2)"

if [ "$what" = rate ] || [ "$what" = all ]; then
  start_cluster 3 --global-rate 30MiB
  head -c $((256 << 20)) /dev/zero > "$data/rate.bin"
  curl -s -T "$data/rate.bin" "http://127.0.0.1:$port/objects/rate.bin" -o /dev/null
  rm -f "$data/rate.bin"
  for r in $(seq 1 "$rounds"); do
    downloads 30 "http://127.0.0.1:$port/objects/rate.bin" 24
    sleep 3 # every download connected and paced
    window 3 20 "rate round $r (30 dl, 3 nodes)"
    finish_clients
    sleep 1
  done
  bash scripts/cluster.sh stop --dir "$data" >/dev/null
fi

if [ "$what" = scale ] || [ "$what" = all ]; then
  head -c $((256 << 20)) /dev/urandom > "$data/scale.bin"
  for r in $(seq 1 "$rounds"); do
    for n in 1 3; do
      start_cluster "$n"
      curl -s -T "$data/scale.bin" "http://127.0.0.1:$port/objects/scale.bin" -o /dev/null
      for _ in 1 2; do curl -s "http://127.0.0.1:$port/objects/scale.bin" -o /dev/null; done # warm-up
      downloads 8 "http://127.0.0.1:$port/objects/scale.bin" 18
      sleep 2
      window "$n" 15 "scale round $r, $n node(s) (8 dl)"
      finish_clients
      bash scripts/cluster.sh stop --dir "$data" >/dev/null
    done
  done
  rm -f "$data/scale.bin"
fi
