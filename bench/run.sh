#!/usr/bin/env bash
# Whole-process harness for `sluice ingest` (issue 2): wall time, MiB/s and peak RSS of
#   ./sluice ingest FILE OUT --sha256     (and checks its SHA-256 against sha256sum's)
#   ./sluice ingest FILE OUT              (no transform: the zero-copy transferTo path)
# beside baselines measured in the same run: cp, a plain Java read -> SHA-256 -> write loop
# (64 KiB buffer, -Xmx32m -XX:+UseSerialGC), a naive readAllBytes version, openssl dgst -sha256
# (hash only) and, when node is installed, Node's stream.pipeline read -> sha256 -> write.
#
# Usage: bench/run.sh [--10g] [--runs N] [--sizes "100MiB 1GiB"] [--chunks "64KiB 128KiB"] [--null]
#                    [--busy]
#   --10g     also 10 GiB (needs ~21 GiB free disk: the file and its copy)
#   --runs N  runs per command and size (default 5); the table shows the medians
#   --chunks  also `sluice ingest --sha256 --chunk-size C` for each C (rows sluice-sha256-C): the sweep
#             behind the default chunk size
#   --null    also --sha256 and the Java loop into /dev/null (rows sluice-sha256-null, java-loop-null)
#   --busy    one core kept busy the whole run by a spinner pinned to CPU 0 (taskset), as on a loaded
#             server: wall time then follows CPU time, and overlap across two cores buys nothing
#
# Method: each round runs every command once, in turn, so that all of them share the machine's
# noise, and starts one command later than the last round did; wall time is measured around the
# whole process (JVM start-up included); peak RSS is the
# process's maximum resident set size (VmHWM, from GNU time's %M; `apt-get install time` if
# /usr/bin/time is missing); CPU is user + system seconds (GNU time's %U + %S), which depends far
# less than wall time on what else the shared machine runs. The output file is deleted before each
# run, so every command writes a new file. Data is generated under bench/data/ (git-ignored) with `./sluice ingest gen:SIZE:1`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

sizes="100MiB 1GiB"
runs=5
chunks=""
to_null=false
busy=false
while [ $# -gt 0 ]; do
  case "$1" in
    --10g) sizes="$sizes 10GiB" ;;
    --runs) runs=$2; shift ;;
    --sizes) sizes=$2; shift ;;
    --chunks) chunks=$2; shift ;;
    --null) to_null=true ;;
    --busy) busy=true ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ ! -x /usr/bin/time ]; then
  echo "run.sh: needs GNU time for peak RSS: apt-get install time" >&2
  exit 1
fi
. scripts/find-jdk.sh
sluice_find_jdk
java="$JAVA_HOME/bin/java"

echo "# building the jar and the baselines" >&2
./sluice --version >/dev/null # builds cli/target/sluice.jar if needed
./mvnw -B -q -DskipTests -pl bench -am package >&2
classes="$root/bench/target/classes"
# From here on the launcher runs the jar as built: a source change (e.g. a rebase in this worktree)
# must not start a Maven build inside a timed run.
export SLUICE_SKIP_BUILD=1

data="$root/bench/data"
out="$data/out.bin"
results="$root/bench/results"
mkdir -p "$data" "$results"

have_node=false
command -v node >/dev/null 2>&1 && have_node=true

bytes_of() { # SIZE -> bytes
  case "$1" in
    *GiB) echo $(( ${1%GiB} * 1024 * 1024 * 1024 )) ;;
    *MiB) echo $(( ${1%MiB} * 1024 * 1024 )) ;;
    *) echo "$1" ;;
  esac
}

# measure NAME SIZE CMD... : one timed run; appends "NAME SIZE wall_us rss_kib cpu_s" to $samples and
# keeps the command's stdout in $last_stdout.
measure() {
  local name=$1 size=$2; shift 2
  rm -f "$out"
  local start end
  start=$(date +%s%N)
  /usr/bin/time -f "%M %U %S" -o "$results/.rss" "$@" >"$results/.stdout" 2>"$results/.stderr" || {
    echo "run.sh: '$name' failed:" >&2; cat "$results/.stderr" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$name $size $(( (end - start) / 1000 )) $(tail -1 "$results/.rss" |
    awk '{ printf "%d %.2f", $1, $2 + $3 }')" >>"$samples"
  last_stdout=$(cat "$results/.stdout")
}

# One function per command: each measures one run and checks what it printed.
sluice_sha256() {
  measure sluice-sha256 "$size" ./sluice ingest "$file" "$out" --sha256 --no-progress
  printed=$(grep -oE '[0-9a-f]{64}' <<<"$last_stdout" || true)
  if [ "$printed" != "$expected" ]; then
    echo "run.sh: sluice printed sha256 '$printed' but sha256sum says $expected" >&2
    exit 1
  fi
  echo "sha256-check $size ok" >>"$samples"
}
sluice_sha256_chunk() { # CHUNK_SIZE
  measure "sluice-sha256-$1" "$size" ./sluice ingest "$file" "$out" --sha256 --no-progress \
    --chunk-size "$1"
  grep -q "$expected" <<<"$last_stdout" || { echo "run.sh: sluice --chunk-size $1 digest differs" >&2; exit 1; }
}
sluice_sha256_null() {
  measure sluice-sha256-null "$size" ./sluice ingest "$file" /dev/null --sha256 --no-progress
  grep -q "$expected" <<<"$last_stdout" || { echo "run.sh: sluice to /dev/null digest differs" >&2; exit 1; }
}
java_loop() {
  measure java-loop "$size" "$java" -Xmx32m -XX:+UseSerialGC -cp "$classes" \
    dev.sluice.bench.baseline.HashCopyLoop "$file" "$out"
  [ "$last_stdout" = "$expected" ] || { echo "run.sh: java-loop digest differs" >&2; exit 1; }
}
java_loop_null() {
  measure java-loop-null "$size" "$java" -Xmx32m -XX:+UseSerialGC -cp "$classes" \
    dev.sluice.bench.baseline.HashCopyLoop "$file" /dev/null
  [ "$last_stdout" = "$expected" ] || { echo "run.sh: java-loop digest differs" >&2; exit 1; }
}
node_pipeline() {
  measure node-pipeline "$size" node bench/node-pipeline.mjs "$file" "$out"
  [ "$last_stdout" = "$expected" ] || { echo "run.sh: node digest differs" >&2; exit 1; }
}
openssl_dgst() { measure openssl-dgst "$size" openssl dgst -sha256 "$file"; }
java_naive() {
  measure java-naive "$size" "$java" -Xmx3g -XX:+UseSerialGC -cp "$classes" \
    dev.sluice.bench.baseline.NaiveCopy "$file" "$out"
}
sluice_copy() { measure sluice-copy "$size" ./sluice ingest "$file" "$out" --no-progress; }
cp_copy() { measure cp "$size" cp "$file" "$out"; }

stamp=$(date -u +%Y-%m-%dT%H:%MZ)
samples="$results/samples-$stamp.txt"
: >"$samples"
echo "# $stamp  $(nproc) cores  $(uname -r)  java: $("$java" -version 2>&1 | head -1)  node: $($have_node && node --version || echo none)" >&2
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
spinner=
if $busy; then
  pin=(); command -v taskset >/dev/null && pin=(taskset -c 0)
  "${pin[@]}" bash -c 'while :; do :; done' &
  spinner=$!
  trap 'kill "$spinner" 2>/dev/null || true' EXIT
  echo "# one core busy: a spinner ${pin[*]:+pinned to CPU 0 }(pid $spinner) for the whole run" >&2
fi

for size in $sizes; do
  file="$data/$size.bin"
  if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" != "$(bytes_of "$size")" ]; then
    echo "# generating $file" >&2
    ./sluice ingest "gen:$size:1" "$file" --force --no-progress >&2
  fi
  expected=$(sha256sum "$file" | cut -d' ' -f1)
  cat "$file" >/dev/null # page cache warm for everyone
  ./sluice ingest "$file" "$out" --no-progress --force >/dev/null # class-data archive, if stale
  steps=(sluice_sha256 java_loop)
  for c in $chunks; do steps+=("sluice_sha256_chunk $c"); done
  $to_null && steps+=(sluice_sha256_null java_loop_null)
  $have_node && steps+=(node_pipeline)
  steps+=(openssl_dgst)
  [ "$(bytes_of "$size")" -lt $(( 2 * 1024 * 1024 * 1024 )) ] && steps+=(java_naive)
  steps+=(sluice_copy cp_copy)
  for round in $(seq 1 "$runs"); do
    echo "# $size round $round/$runs" >&2
    # Each round starts one command later, so that no command always follows the same one: what
    # ran just before can change a run's system time (once, a file cp wrote and the harness then
    # deleted made the next ./sluice --sha256 run ~0.3 s slower; docs/benchmarks.md, runs 5-10).
    for i in $(seq 0 $(( ${#steps[@]} - 1 ))); do
      ${steps[$(( (i + round - 1) % ${#steps[@]} ))]} # unquoted: a step may carry an argument
    done
  done
done
rm -f "$out" "$results/.rss" "$results/.stdout" "$results/.stderr"

# The table: medians per command and size, and the acceptance ratios (same run).
awk -v sizes="$sizes" -v chunks="$chunks" -v to_null="$to_null" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function ratio(base, ours) {
    return sprintf("%.2f (%s)", med[base] / med[ours], (medcpu[ours] > 0 ? sprintf("%.2f", medcpu[base] / medcpu[ours]) : "n/a"))
  }
  function mib(size) {
    if (size ~ /GiB$/) return substr(size, 1, length(size) - 3) * 1024
    if (size ~ /MiB$/) return substr(size, 1, length(size) - 3) + 0
  }
  BEGIN { if (chunks != "") opts["chunk"] = 1; if (to_null == "true") opts["null"] = 1 }
  $1 == "sha256-check" { next }
  { key = $2 " " $1; wall[key] = wall[key] " " $3 / 1e6; rss[key] = rss[key] " " $4 / 1024
    cpu[key] = cpu[key] " " ($5 == "" ? 0 : $5)
    if (!(key in seen)) { seen[key] = 1; order[++count] = key } }
  END {
    printf "| size | command | wall s (median) | MiB/s | CPU s (median) | MiB per CPU-s | peak RSS MiB (median / max) | runs |\n"
    printf "|---|---|---:|---:|---:|---:|---:|---:|\n"
    for (i = 1; i <= count; i++) {
      key = order[i]; split(key, k, " ")
      w = median(wall[key]); r = median(rss[key])
      n = split(rss[key], all, " "); m = 0; for (j = 1; j <= n; j++) if (all[j] > m) m = all[j]
      c = median(cpu[key]); medcpu[key] = c
      med[key] = w; medrss[key] = r
      printf "| %s | %s | %.3f | %.0f | %.2f | %s | %.1f / %.1f | %d |\n", k[1], k[2], w, mib(k[1]) / w, c, (c > 0 ? sprintf("%.0f", mib(k[1]) / c) : "n/a"), r, m, n
    }
    printf "\nRatios of throughput, same run, wall (CPU in brackets); above 1 sluice is faster:\n\n"
    printf "| size | sluice --sha256 / java loop | sluice --sha256 / node | sluice copy / cp |\n|---|---:|---:|---:|\n"
    n = split(sizes, s, " ")
    for (i = 1; i <= n; i++) {
      z = s[i]
      node = ((z " node-pipeline") in med) ? ratio(z " node-pipeline", z " sluice-sha256") : "n/a"
      printf "| %s | %s | %s | %s |\n", z, ratio(z " java-loop", z " sluice-sha256"), node, ratio(z " cp", z " sluice-copy")
    }
    if (("chunk" in opts) || ("null" in opts)) {
      printf "\nEvery --sha256 row against the Java loop with the same destination, wall (CPU):\n\n"
      printf "| size | command | / java loop |\n|---|---|---:|\n"
      for (i = 1; i <= count; i++) {
        split(order[i], k, " ")
        if (k[2] !~ /^sluice-sha256/) continue
        base = k[2] ~ /-null$/ ? k[1] " java-loop-null" : k[1] " java-loop"
        printf "| %s | %s | %s |\n", k[1], k[2], ratio(base, order[i])
      }
    }
  }' "$samples" | tee "$results/table-$stamp.md"
echo
echo "# samples: $samples; SHA-256 printed by sluice equals sha256sum's in every run"
echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
