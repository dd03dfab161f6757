#!/usr/bin/env bash
# The server's logging back-end, java.util.logging (slf4j-jdk14, what the jar ships) against
# Logback (logback-classic, console appender on stderr at INFO), same jar otherwise
# (docs/benchmarks.md, "Logging back-end (issue 16)"). Per round, alternating: `sluice serve` on a
# free port with the launcher's server JVM flags (no start-up archive for either), timed to its
# start-up line; then a 1 MiB PUT and 20 GETs (21 access lines) and the process's VmHWM.
# Prints: backend, start-up ms (wall), CPU ms of the JVM at start-up, VmHWM MiB.
# Usage: bench/logging-backend.sh [--rounds 5]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: bench/logging-backend.sh [--rounds N]" >&2; exit 2 ;;
  esac
done
. scripts/find-jdk.sh
sluice_find_jdk
./mvnw -B -q -DskipTests -pl cli -am package >&2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
./mvnw -B -q dependency:copy -Dartifact=ch.qos.logback:logback-classic:1.5.38 \
  -DoutputDirectory="$work/logback" >&2
./mvnw -B -q dependency:copy -Dartifact=ch.qos.logback:logback-core:1.5.38 \
  -DoutputDirectory="$work/logback" >&2
cat >"$work/logback.xml" <<'XML'
<configuration>
  <appender name="err" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%d{ISO8601} %level %logger: %msg%n</pattern></encoder>
  </appender>
  <logger name="dev.sluice" level="INFO"/>
  <root level="WARN"><appender-ref ref="err"/></root>
</configuration>
XML
lib=cli/target/lib
common=$(ls "$lib"/*.jar | grep -v slf4j-jdk14 | tr '\n' ':')
jvm=(-XX:+UseSerialGC -Xmx256m -Xmn16m -XX:MaxDirectMemorySize=256m -Xss512k)
head -c 1048576 /dev/urandom >"$work/one.bin"

run() { # BACKEND -> one line of figures
  local cp extra=()
  if [ "$1" = jul ]; then
    cp="cli/target/sluice.jar:$common$lib/slf4j-jdk14-2.0.17.jar"
  else
    cp="cli/target/sluice.jar:$common$work/logback/logback-classic-1.5.38.jar:$work/logback/logback-core-1.5.38.jar"
    extra=(-Dlogback.configurationFile="$work/logback.xml")
  fi
  rm -rf "$work/data" "$work/out"
  local start end pid port ticks
  start=$(date +%s%N)
  "$JAVA_HOME/bin/java" "${jvm[@]}" "${extra[@]}" -cp "$cp" dev.sluice.cli.Main serve --port 0 \
    --store "$work/data" >"$work/out" 2>"$work/err" &
  pid=$!
  until grep -q "serving on" "$work/out" 2>/dev/null; do sleep 0.005; done
  end=$(date +%s%N)
  ticks=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  port=$(sed -n 's/.*serving on http:\/\/[^:]*:\([0-9]*\).*/\1/p' "$work/out")
  curl -s -T "$work/one.bin" "http://127.0.0.1:$port/objects/one.bin" >/dev/null
  for _ in $(seq 1 20); do curl -s "http://127.0.0.1:$port/objects/one.bin" -o /dev/null; done
  local hwm
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"
  wait "$pid" || true
  grep -q "listening on" "$work/err" || { echo "no log line from $1" >&2; exit 1; }
  echo "$1 $(((end - start) / 1000000)) $((ticks * 1000 / $(getconf CLK_TCK))) $((hwm / 1024))"
}

echo "backend startup_ms cpu_ms vmhwm_mib"
for _ in $(seq 1 "$rounds"); do
  run jul
  run logback
done
