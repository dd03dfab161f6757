#!/usr/bin/env bash
# Resumable uploads, server side (docs/benchmarks.md, "Resumable uploads (issue 14)"), all on
# loopback, `./sluice serve` run as a user runs it (file store unless said):
#   single   one IETF creation request carrying the whole file (`Upload-Complete: ?1`) against a
#            plain PUT of the same file, both by curl, for each size; acceptance: the resumable
#            upload >= 0.9x the PUT;
#   chunked  tus-js-client (bench/resumable/tus-upload.cjs, tus 1.0, 8 MiB chunks) to sluice
#            against the same client to @tus/server 2 with @tus/file-store (the tus project's own
#            Node server, bench/resumable/tus-server.mjs), for each size; acceptance: sluice >= 1.5x
#            @tus/server, sluice's peak RSS <= 128 MiB at every size (flat from 100 MiB to 1 GiB);
#            plus the same client to bench/resumable/tus-null-server.mjs, a tus server that keeps
#            only the offset and discards the bytes: the ceiling no server can pass with this client;
#   drops    tus-js-client, 8 MiB chunks, the largest size, through bench/resumable/DropProxy.java
#            cutting the connection at 1/4, 1/2 and 3/4 of the bytes, into the file store and into
#            S3 (s3proxy, filesystem provider, started as bench/s3.sh starts it): the stored object's
#            SHA-256 must equal sha256sum of the file, and neither staging data (file store: a .data
#            file in .sluice-uploads; S3: a tail object under .sluice-uploads/) nor a multipart
#            upload may be left.
# Rounds alternate the order of a row and its reference. Each row: seconds (curl's time_total, or
# the client's own time from start() to success), MiB/s, the server's CPU seconds (user + sys, from
# /proc/PID/stat), tus-js-client's own CPU seconds over its upload (curl's: not measured) and the
# server's peak RSS (VmHWM, reset through /proc/PID/clear_refs before the row: run as
# root); then the medians and the ratios. Unmeasured uploads of each kind warm the servers up first.
# Usage: bench/resumable.sh [--sizes "100MiB 1GiB"] [--rounds 3] [--only "single chunked drops"]
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="100MiB 1GiB"
rounds=3
only="single chunked drops"
chunk=$((8 << 20))
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
wants() { [[ " $only " == *" $1 "* ]]; }
. scripts/find-jdk.sh
sluice_find_jdk
./mvnw -B -q -DskipTests -Dspotless.apply.skip=true -pl cli -am package
if wants drops; then # s3proxy's jar, where bench/s3.sh and the s3 tests find it
  ./mvnw -B -q -pl s3 -am process-test-resources -Dspotless.apply.skip=true > /dev/null
fi
if wants chunked || wants drops; then
  command -v node > /dev/null || { echo "resumable: needs node 20 and npm" >&2; exit 1; }
  [ -d bench/resumable/node_modules ] || (cd bench/resumable && npm ci --silent)
fi

work=$(mktemp -d)
pids=()
proxy=
cleanup() {
  [ -n "$proxy" ] && kill "$proxy" 2> /dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT
export SLUICE_SKIP_BUILD=1
bytes_of() { numfmt --from=iec-i "${1%B}"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_for() { # LOG TEXT: waits until LOG holds TEXT
  for _ in $(seq 1200); do grep -q "$2" "$1" 2> /dev/null && return; sleep 0.1; done
  echo "resumable: no '$2' in $1" >&2; cat "$1" >&2; exit 1
}
largest=0
largest_size=
for s in $sizes; do
  b=$(bytes_of "$s")
  if [ "$b" -gt "$largest" ]; then largest=$b; largest_size=$s; fi
done
mkdir -p "$work/files" "$work/tus-files"
head -c "$largest" /dev/urandom > "$work/files/$largest_size.bin"
for s in $sizes; do
  [ -f "$work/files/$s.bin" ] || head -c "$(bytes_of "$s")" "$work/files/$largest_size.bin" > "$work/files/$s.bin"
done
cat "$work/files/"*.bin > /dev/null # in the page cache for every row

sp=$(free_port)
./sluice serve --port "$sp" --store "$work/sluice-data" --max-body "$((largest + 1))" \
  > "$work/sluice.log" 2>&1 &
sluice_pid=$!
pids+=("$sluice_pid")
wait_for "$work/sluice.log" "serving on"
tus_pid=
if wants chunked; then
  tp=$(free_port)
  node bench/resumable/tus-server.mjs "$work/tus-files" "$tp" > "$work/tus.log" 2>&1 &
  tus_pid=$!
  pids+=("$tus_pid")
  wait_for "$work/tus.log" "tus server on"
  np=$(free_port) # the ceiling: a tus server that discards the bytes (bench/resumable/tus-null-server.mjs)
  node bench/resumable/tus-null-server.mjs "$np" > "$work/tus-null.log" 2>&1 &
  null_pid=$!
  pids+=("$null_pid")
  wait_for "$work/tus-null.log" "tus null server on"
fi

echo "resumable: sizes $sizes, $rounds alternating rounds, only: $only; $(nproc) cores," \
  "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
  "load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ), at $(git rev-parse --short HEAD)"
echo "command: bench/resumable.sh --sizes \"$sizes\" --rounds $rounds --only \"$only\""

# one row: the server's CPU and peak RSS around a command that prints its seconds
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
results="$work/results.tsv"
row() { # LABEL SERVER_PID BYTES COMMAND...
  local label=$1 pid=$2 bytes=$3 before secs cpu rss mibs
  shift 3
  echo 5 > "/proc/$pid/clear_refs"
  before=$(cpu_ticks "$pid")
  rm -f "$work/client-cpu"
  secs=$("$@")
  cpu=$(awk -v a="$before" -v b="$(cpu_ticks "$pid")" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.2f", (b - a) / hz }')
  rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")
  mibs=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / 1048576 / s }')
  client=$(cat "$work/client-cpu" 2> /dev/null || echo nan)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$secs" "$mibs" "$cpu" "$rss" "$client" >> "$results"
  printf '  %-46s %7.2f s %8.1f MiB/s  server cpu %6.2f s  peak RSS %4d MiB  client cpu %s s\n' \
    "$label" "$secs" "$mibs" "$cpu" "$rss" "$client"
}
curl_put() { # FILE URL [HEADER...]: PUTs FILE, prints curl's total seconds; fails unless 2xx
  local file=$1 url=$2 out
  shift 2
  local headers=()
  for h in "$@"; do headers+=(-H "$h"); done
  out=$(curl -sS -o "$work/answer" -w '%{http_code} %{time_total}' -T "$file" "${headers[@]}" "$url")
  case "${out%% *}" in
    200 | 201) echo "${out#* }" ;; # 200: an object replaced
    *) echo "resumable: PUT $url answered $out: $(head -c 500 "$work/answer")" >&2; return 1 ;;
  esac
}
ietf_single() { curl_put "$1" "$2" "Upload-Complete: ?1"; }
plain_put() { curl_put "$1" "$2"; }
tus_js() { # ENDPOINT FILE [CHUNK]: tus-js-client in 8 MiB chunks (or CHUNK); prints its seconds
  local out
  out=$(node bench/resumable/tus-upload.cjs "$1" "$2" "${3:-$chunk}")
  case "$out" in
    ok\ *) out=${out#ok }; echo "${out##* }" > "$work/client-cpu"; echo "${out%% *}" ;;
    *) echo "resumable: tus-js-client to $1: $out" >&2; return 1 ;;
  esac
}
sluice_url="http://127.0.0.1:$sp/objects/bench"
smallest=${sizes%% *}

# warm-up, not measured
if wants single; then
  ietf_single "$work/files/$smallest.bin" "$sluice_url/warm-single.bin" > /dev/null
  plain_put "$work/files/$smallest.bin" "$sluice_url/warm-put.bin" > /dev/null
fi
# chunked: each server takes a few hundred appends first (the smallest file in 1 MiB chunks, three
# times), as a server that has run a while has: an append's code runs once per chunk, and the JVM
# is still compiling it after a few dozen (a third of the server's CPU went to the JIT in 1 GiB)
if wants chunked; then
  for _ in 1 2 3; do
    tus_js "$sluice_url/warm-chunked.bin" "$work/files/$smallest.bin" $((1 << 20)) > /dev/null
    tus_js "http://127.0.0.1:$tp/files" "$work/files/$smallest.bin" $((1 << 20)) > /dev/null
    tus_js "http://127.0.0.1:$np/files" "$work/files/$smallest.bin" $((1 << 20)) > /dev/null
    rm -rf "${work:?}/tus-files/"*
  done
fi

in_turn() { # ROUND A B [C]: the kinds rotated by the round, so each goes first in turn
  local round=$1
  shift
  local kinds=("$@") n=$# i out=
  for ((i = 0; i < n; i++)); do out="$out ${kinds[$(((i + round - 1) % n))]}"; done
  echo "$out"
}
measure() { # KIND SIZE: one measured row
  local file="$work/files/$2.bin" bytes
  bytes=$(bytes_of "$2")
  case $1 in
    ietf) row "single $2: IETF, one request" "$sluice_pid" "$bytes" \
      ietf_single "$file" "$sluice_url/single-$2.bin" ;;
    put) row "single $2: plain PUT" "$sluice_pid" "$bytes" \
      plain_put "$file" "$sluice_url/put-$2.bin" ;;
    sluice) row "chunked $2: tus-js-client to sluice" "$sluice_pid" "$bytes" \
      tus_js "$sluice_url/chunked-$2.bin" "$file" ;;
    tus) row "chunked $2: tus-js-client to @tus/server" "$tus_pid" "$bytes" \
      tus_js "http://127.0.0.1:$tp/files" "$file"
      rm -rf "${work:?}/tus-files/"* ;;
    null) row "chunked $2: tus-js-client to a null server" "$null_pid" "$bytes" \
      tus_js "http://127.0.0.1:$np/files" "$file" ;;
  esac
}
wants single || wants chunked || rounds=0
for round in $(seq "$rounds"); do
  echo "round $round of $rounds"
  for s in $sizes; do
    kinds=
    if wants single; then kinds="$kinds $(in_turn "$round" ietf put)"; fi
    if wants chunked; then kinds="$kinds $(in_turn "$round" sluice tus null)"; fi
    for kind in $kinds; do measure "$kind" "$s"; done
  done
done

median() { # LABEL COLUMN: the median of a column of the rows labelled LABEL
  awk -F'\t' -v l="$1" -v c="$2" '$1 == l { print $c }' "$results" | sort -g |
    awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2];
      else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
if [ -s "$results" ]; then
  echo "medians of $rounds rounds:"
  cut -f1 "$results" | awk '!seen[$0]++' | while read -r label; do
    printf '  %-46s %7.2f s %8.1f MiB/s  server cpu %6.2f s  peak RSS %4.0f MiB  client cpu %s s\n' \
      "$label" "$(median "$label" 2)" "$(median "$label" 3)" "$(median "$label" 4)" \
      "$(median "$label" 5)" "$(median "$label" 6)"
  done
  for s in $sizes; do
    wants single && echo "  single $s: IETF one request / plain PUT = $(ratio \
      "$(median "single $s: IETF, one request" 3)" "$(median "single $s: plain PUT" 3)")x (acceptance >= 0.9)"
    wants chunked && echo "  chunked $s: sluice / @tus/server = $(ratio \
      "$(median "chunked $s: tus-js-client to sluice" 3)" \
      "$(median "chunked $s: tus-js-client to @tus/server" 3)")x (acceptance >= 1.5);" \
      "the null server's ceiling / @tus/server = $(ratio \
      "$(median "chunked $s: tus-js-client to a null server" 3)" \
      "$(median "chunked $s: tus-js-client to @tus/server" 3)")x"
  done
fi

if wants drops; then
  want=$(sha256sum "$work/files/$largest_size.bin" | cut -c1-64)
  cuts=("$((largest / 4))" "$((largest / 2))" "$((3 * largest / 4))")
  . bench/lib/s3proxy.sh
  mkdir -p "$work/s3"
  s3proxy_start "$work/s3"
  pids+=("$S3PROXY_PID")
  s3port=$S3PROXY_PORT
  s3sp=$(free_port)
  ./sluice serve --port "$s3sp" --store s3://bench/up --max-body "$((largest + 1))" \
    > "$work/sluice-s3.log" 2>&1 &
  s3_pid=$!
  pids+=("$s3_pid")
  wait_for "$work/sluice-s3.log" "serving on"

  echo "drops: $largest_size by tus-js-client in 8 MiB chunks, the connection cut at ${cuts[*]} bytes"
  for store in file s3; do
    port=$sp pid=$sluice_pid
    [ $store = s3 ] && { port=$s3sp; pid=$s3_pid; }
    coproc PROXY { exec "$JAVA_HOME/bin/java" bench/resumable/DropProxy.java "$port" "${cuts[@]}" \
      2> "$work/proxy.log"; }
    proxy=$PROXY_PID
    read -r proxy_port <&"${PROXY[0]}"
    row "drops $largest_size: 3 cuts, $store store" "$pid" "$largest" \
      tus_js "http://127.0.0.1:$proxy_port/objects/bench/dropped.bin" "$work/files/$largest_size.bin"
    kill "$proxy"; wait "$proxy" 2> /dev/null || true; proxy=
    made=$(grep -c "cut at" "$work/proxy.log" || true)
    [ "$made" = 3 ] || { echo "resumable: the proxy cut $made times, not 3" >&2; exit 1; }
    got=$(curl -sSf "http://127.0.0.1:$port/objects/bench/dropped.bin" | sha256sum | cut -c1-64)
    [ "$got" = "$want" ] || { echo "resumable: $store store: sha256 $got != $want" >&2; exit 1; }
    echo "  $store store: sha256 of the stored object = sha256sum of the file ($got)"
  done
  left=$(find "$work/sluice-data" -path '*.sluice-uploads*' -name '*.data' | wc -l)
  [ "$left" = 0 ] || { echo "resumable: $left staging files left in the file store" >&2; exit 1; }
  echo "  file store: no staging data left"
  left=$(find "$work/s3/store/bench" -path '*.sluice-uploads*' -name '*.tail.*' | wc -l)
  [ "$left" = 0 ] || { echo "resumable: $left tail objects left in S3" >&2; exit 1; }
  # ListMultipartUploads, signed by curl: "uploads=" and the empty body's hash spelled out, as curl
  # 7.88 signs neither the way s3proxy checks them
  uploads=$(curl -sS --aws-sigv4 "aws:amz:us-east-1:s3" --user bench:bench-secret \
    -H "x-amz-content-sha256: $(sha256sum < /dev/null | cut -c1-64)" \
    "http://127.0.0.1:$s3port/bench?uploads=")
  case "$uploads" in
    *ListMultipartUploadsResult*) ;;
    *) echo "resumable: cannot list S3's multipart uploads: $uploads" >&2; exit 1 ;;
  esac
  open=$(awk -F'<Upload>' '{ n += NF - 1 } END { print n + 0 }' <<< "$uploads")
  [ "$open" = 0 ] || { echo "resumable: $open multipart uploads left in S3" >&2; exit 1; }
  echo "  S3: no tail object, no multipart upload left"
fi
