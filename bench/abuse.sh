#!/usr/bin/env bash
# Load and abuse (docs/benchmarks.md, "Abuse (issue 12)"): one `./sluice serve` on 127.0.0.1, as a
# user runs it, and bench/abuse/AbuseClient.java at once opening GETS connections that ask for a
# 50 MiB object with a 4 KiB receive buffer and never read it, PUTS concurrent 10 MiB uploads, and a
# /health probe every 50 ms. Reports status counts, /health p50/p99, the server's fd count before,
# during and each second for 5 s after the clients go, peak RSS (VmHWM) and whether /jobs is empty.
# Usage: bench/abuse.sh [--gets 1100] [--puts 300] [--hold 3] [-- extra serve options]
# ABUSE_SERVER_LOG=FILE keeps the server's output; SLUICE_JAVA_OPTS passes JVM options to it.
set -euo pipefail
cd "$(dirname "$0")/.."
gets=1100
puts=300
hold=3
while [ $# -gt 0 ]; do
  case "$1" in
    --gets) gets=$2; shift 2 ;;
    --puts) puts=$2; shift 2 ;;
    --hold) hold=$2; shift 2 ;;
    --) shift; break ;;
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
  sleep 0.5
  [ -n "${ABUSE_SERVER_LOG:-}" ] && cp "$work/serve.log" "$ABUSE_SERVER_LOG" # kept on request
  rm -rf "$work"
}
trap cleanup EXIT
port=$(( 20000 + RANDOM % 30000 ))
head -c 50M /dev/urandom > "$work/50m.bin"

SLUICE_SKIP_BUILD=1 ./sluice serve --port "$port" --store "$work/data" "$@" > "$work/serve.log" 2>&1 &
# up to 2 min: after a rebuild the launcher first trains its start-up archive
for _ in $(seq 1 1200); do grep -q "serving on" "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
server=$(pgrep -f "sluice.jar serve --port $port" | head -1 || true)
[ -n "$server" ] || { echo "abuse: the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
curl -sf -T "$work/50m.bin" "http://127.0.0.1:$port/objects/abuse/50m.bin" > /dev/null
rm -f "$work/50m.bin"
for _ in 1 2 3; do curl -sf -o /dev/null "http://127.0.0.1:$port/objects/abuse/50m.bin"; done # warm
sleep 1

echo "abuse: $gets non-reading GETs of 50 MiB + $puts concurrent 10 MiB PUTs, $(nproc) cores, $(date -u +%FT%TZ)"
cpu_of() { awk '{printf "%.2f", ($14 + $15) / 100}' "/proc/$1/stat"; } # user + sys, in seconds
cpu_before=$(cpu_of "$server")
"$JAVA_HOME/bin/java" -Xmx1g ${ABUSE_CLIENT_OPTS:-} bench/abuse/AbuseClient.java "$port" "$server" /objects/abuse/50m.bin \
  "$gets" "$puts" $((10 << 20)) "$hold"
echo "server CPU (user + sys) during the run: $(awk -v a="$cpu_before" -v b="$(cpu_of "$server")" 'BEGIN {printf "%.2f s", b - a}')"
echo "500s in the server log: $(grep -c '" 500\|internal error' "$work/serve.log" || true)"
kill -TERM "$server"
s=$(date +%s%N)
while kill -0 "$server" 2>/dev/null; do sleep 0.02; done
echo "SIGTERM to exit: $(( ($(date +%s%N) - s) / 1000000 )) ms"
server=
