#!/usr/bin/env bash
# CLI start-up in instructions (docs/benchmarks.md, "Core ingestion"): callgrind counts the
# instructions of a whole process, so the figure barely moves with the machine's load, unlike
# wall or CPU time on a shared machine. Counts, per round:
#   sluice  ./sluice ingest gen:0 OUT (the launcher's JVM flags and start-up archive; no bytes)
#   loop    the plain Java loop of bench/run.sh on an empty file (a bare JVM's start-up)
# Usage: bench/startup.sh [--rounds 3]     Needs valgrind (apt-get install valgrind).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bench/startup.sh [--rounds N]" >&2; exit 2 ;;
  esac
done
command -v valgrind >/dev/null || { echo "startup.sh: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
. scripts/find-jdk.sh
sluice_find_jdk
./sluice --version >/dev/null # builds the jar and its start-up archive if needed
./mvnw -B -q -DskipTests -pl bench -am package >&2
export SLUICE_SKIP_BUILD=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/empty"

count() { # CMD... -> instructions of the whole process (all threads)
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ)  $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
printf '%-8s %s\n' command "instructions (millions), one per round"
sluice=() loop=()
for _ in $(seq 1 "$rounds"); do
  sluice+=("$(( $(SLUICE_LAUNCH_PREFIX="valgrind --tool=callgrind --callgrind-out-file=/dev/null" \
    ./sluice ingest gen:0 "$work/out" --force --no-progress 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p') / 1000000 ))")
  loop+=("$(( $(count "$JAVA_HOME/bin/java" -Xmx32m -XX:+UseSerialGC -cp bench/target/classes \
    dev.sluice.bench.baseline.HashCopyLoop "$work/empty" "$work/out") / 1000000 ))")
done
printf '%-8s %s\n' sluice "${sluice[*]}" loop "${loop[*]}"
