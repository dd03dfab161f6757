#!/usr/bin/env bash
# S3 upload benchmark (docs/benchmarks.md, "S3 (issue 5)"): one file uploaded to the same s3proxy
# (filesystem provider on a temporary folder) by
# - the sluice CLI as ./sluice runs it (launcher flags; multipart sink, 8 MiB parts, 4 in flight,
#   CRC-32C per part and object; the file's size announced, no SHA-256 by default),
# - the same with --expect-sha256 (digest computed beforehand, untimed: checked, and stored in the
#   metadata when the upload starts) and with --s3-sha256-metadata (hashed, then a server-side copy
#   puts the digest in the metadata),
# - the SDK's own putObject(RequestBody.fromFile) (one PUT) and a plain sequential multipart loop,
#   each in its own JVM (serial GC, 48 MiB heap), with the SDK's default client;
# each: wall time, MiB/s, client CPU (user + sys), s3proxy's CPU during the run, peak RSS (GNU
# time's maximum resident set size); per round also the CLI's idle RSS (an empty upload: JVM, SDK
# and one request, no payload) and the CLI's throughput relative to the SDK's PUT.
# Usage: bench/s3.sh [SIZE_MIB (default 1024)] [ROUNDS (default 1)]
# S3PROXY_PROVIDER=transient keeps the objects in s3proxy's memory instead (its heap: 6 GiB).
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
rounds=${2:-1}
. scripts/find-jdk.sh
sluice_find_jdk
./mvnw -B -q -pl cli,bench -am package -DskipTests
java="$JAVA_HOME/bin/java"
flags=(-XX:+UseSerialGC -Xmx48m -Xss512k) # the baselines' JVM

work=$(mktemp -d)
trap 'kill "$proxy" 2>/dev/null || true; rm -rf "$work"' EXIT
. bench/lib/s3proxy.sh
proxy_heap=1g
[ "${S3PROXY_PROVIDER:-filesystem}" = transient ] && proxy_heap=6g
s3proxy_start "$work" "$proxy_heap"
proxy=$S3PROXY_PID
port=$S3PROXY_PORT
file="$work/data.bin"
head -c "$((size_mib << 20))" /dev/urandom >"$file"
cat "$file" >/dev/null # page cache warm for every run

proxy_cpu() { # s3proxy's CPU seconds so far (user + sys)
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$proxy/stat"
}

measure() { # label, command...: prints label, wall, MiB/s, CPU, s3proxy CPU, peak RSS; sets $wall
  local label=$1 before after user sys rss
  shift
  before=$(proxy_cpu)
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  after=$(proxy_cpu)
  rm -f "$work/store/bench/"*.bin
  read -r wall user sys rss <"$work/time"
  printf '%-36s %7.2f s %7.1f MiB/s  cpu %6.2f s  s3proxy cpu %6.2f s %7.1f MiB peak RSS\n' \
    "$label" "$wall" "$(echo "$size_mib / $wall" | bc -l)" "$(echo "$user + $sys" | bc -l)" \
    "$(echo "$after - $before" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
}

cli=(env SLUICE_SKIP_BUILD=1 ./sluice)
base=("$java" "${flags[@]}" -cp bench/target/benchmarks.jar dev.sluice.bench.S3UploadBaselines)
if [ "${S3PROXY_PROVIDER:-filesystem}" = transient ]; then
  "${base[@]}" create-bucket s3://bench >/dev/null 2>&1
fi
sha256=$(sha256sum "$file" | cut -d' ' -f1)
# Untimed warm-up: trains the launcher's S3 class-data archive and compiles s3proxy's multipart and
# single-PUT paths (otherwise the first upload of the run pays for s3proxy's JIT).
SLUICE_SKIP_BUILD=1 ./sluice ingest "$file" s3://bench/warm-up.bin --no-progress >/dev/null
"${base[@]}" sdk-put "$file" s3://bench/warm-up.bin >/dev/null
rm -f "$work/store/bench/"*.bin
echo "s3 upload of $size_mib MiB to s3proxy (${S3PROXY_PROVIDER:-filesystem}), $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $("$java" -version 2>&1 | head -1)"
for round in $(seq "$rounds"); do
  /usr/bin/time -f "%M" -o "$work/time" "${cli[@]}" ingest gen:0 s3://bench/idle.bin --no-progress >/dev/null 2>&1
  echo "cli idle (empty upload) $(( $(cat "$work/time") / 1024 )) MiB peak RSS"
  measure "sluice ingest (round $round)" "${cli[@]}" ingest "$file" s3://bench/cli.bin --no-progress
  cli_wall=$wall
  measure "  same, --expect-sha256" "${cli[@]}" ingest "$file" s3://bench/cli.bin --no-progress \
    --expect-sha256 "$sha256"
  measure "  same, --s3-sha256-metadata (copy)" "${cli[@]}" ingest "$file" s3://bench/cli.bin \
    --no-progress --s3-sha256-metadata
  measure "sdk putObject(fromFile)" "${base[@]}" sdk-put "$file" s3://bench/sdk.bin
  echo "sluice ingest / sdk putObject throughput: $(echo "scale=2; $wall / $cli_wall" | bc -l)x"
  measure "plain multipart loop" "${base[@]}" multipart-loop "$file" s3://bench/loop.bin
done
