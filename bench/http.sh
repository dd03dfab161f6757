#!/usr/bin/env bash
# HTTP delivery and upload (docs/benchmarks.md, "HTTP (issue 4)"): `sluice serve` against nginx
# (sendfile) and a minimal Node stream server (bench/http/node-server.js), all on loopback, in the
# same run. Clients: curl (single and 50 concurrent transfers) and bench/http/LoadClient.java (1,000
# concurrent throttled downloads, the client pinned to core 0 and sluice to core 1 for that row). Server peak RSS is VmHWM, reset before each measurement through
# /proc/PID/clear_refs (so run as root, as the machines here do).
# Usage: bench/http.sh [--rounds 3] [--throttled 1000] [--throttled-size 1MiB] [--only put-get|get]
#                      [--size 1GiB] [--medium 100MiB] [--congestion cubic]
# Environment: GET_SAMPLES downloads per GET row and round (default 10, the servers taking turns);
# SAMPLES_TO=FILE appends every sample (test, server, MiB/s, peak RSS MiB, CPU-s; tab-separated) to
# FILE, to pool several runs (python3 bench/http/summary.py FILE... gives their tables);
# REQUEST_WARM_UP_S seconds of 1 KiB GETs before the rounds (default 4; 0 skips them), then
# CONNECTION_WARM_UP_S seconds of them on a new connection each (default 6; 0 skips them).
# --only put-get: sluice alone, only the PUT and GET rows of 100 MiB and 1 GiB (the RSS flatness
# check), no nginx, Node, multipart, range, concurrent or throttled rows.
# --only get: sluice against nginx (sendfile on), the GET rows alone (whole, range, 50 concurrent,
# and whole again by a client that discards the body in the kernel, bench/http/discard-get.c):
# issue 18's zero-copy line. Sluice's plain GETs go out by sendfile; the end of the run says how
# many of its body bytes did (sluice_sent_direct_bytes_total of sluice_sent_bytes_total).
# --size / --medium: the large and medium files (default 1 GiB and 100 MiB; the range row reads the
# medium size from the large file at offset medium), e.g. --size 64MiB --medium 8MiB for a quick
# check that the script works.
# --congestion ALG: the machine's TCP congestion control for the run (net.ipv4.tcp_congestion_control,
# put back at the end; every server's connections take it). With `bbr` a loopback download is paced
# by its bandwidth estimate, and one 100 MiB GET ran at 1.2-5.8 GB/s for either server, nginx or
# sluice; with `cubic` the same GETs spanned +-15 % (docs/benchmarks.md, "Loopback under bbr").
# The end of the run gives sluice's median over the reference's for each row, with a 95 % interval
# (bench/http/summary.py).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
throttled=1000
throttled_bytes=1048576
only=all
congestion=
big_bytes=$((1 << 30))
med_bytes=$((100 << 20))
iec() { numfmt --from=iec-i "${1%B}" 2>/dev/null || numfmt --from=iec "${1%B}"; }   # 64MiB, 64M -> 67108864
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --throttled) throttled=$2; shift 2 ;;
    --throttled-size) throttled_bytes=$(iec "$2"); shift 2 ;;
    --only) only=$2; shift 2 ;;
    --size) big_bytes=$(iec "$2"); shift 2 ;;
    --medium) med_bytes=$(iec "$2"); shift 2 ;;
    --congestion) congestion=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. scripts/find-jdk.sh
sluice_find_jdk
case "$only" in
  all) servers="sluice node nginx" ;;
  put-get) servers=sluice ;;
  get) servers="sluice nginx" ;;
  *) echo "unknown --only $only (put-get, get)" >&2; exit 2 ;;
esac
[ $((2 * med_bytes)) -le "$big_bytes" ] || { echo "--medium must be at most half of --size" >&2; exit 2; }
full() { [ "$only" = all ]; }
gets() { [ "$only" != put-get ]; }   # the range and concurrent GET rows
puts() { [ "$only" != get ]; }       # the PUT rows
# 1073741824 -> "1 GiB" (label) / "1g" (short label); 104857600 -> "100 MiB" / "100m"
label() { awk -v b="$1" 'BEGIN { if (b % 1073741824 == 0) printf "%d GiB", b / 1073741824; else if (b % 1048576 == 0) printf "%d MiB", b / 1048576; else printf "%d B", b }'; }
short() { label "$1" | awk '{ print $1 tolower(substr($2, 1, 1)) }'; }
big=$(short "$big_bytes"); med=$(short "$med_bytes")
{ full || [ "$only" = get ]; } && { command -v nginx >/dev/null || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }; }
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
gets && { command -v cc >/dev/null || { apt-get update -qq && apt-get install -y -qq gcc >/dev/null; }; }
full && { command -v node >/dev/null || { echo "bench/http.sh needs node (apt-get install -y nodejs)" >&2; exit 1; }; }
./mvnw -B -q -DskipTests -pl cli -am package

work=$(mktemp -d)
pids=()
machine_congestion=$(sysctl -n net.ipv4.tcp_congestion_control)
cleanup() {
  [ -z "$congestion" ] || sysctl -q -w net.ipv4.tcp_congestion_control="$machine_congestion"
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid" 2>/dev/null)" 2>/dev/null || true; fi
  sleep 0.5
  rm -rf "$work"
}
trap cleanup EXIT
if [ -n "$congestion" ]; then
  grep -qw "$congestion" /proc/sys/net/ipv4/tcp_available_congestion_control ||
    { echo "--congestion $congestion: not one of $(cat /proc/sys/net/ipv4/tcp_available_congestion_control)" >&2; exit 2; }
  sysctl -q -w net.ipv4.tcp_congestion_control="$congestion"
fi
mkdir -p "$work/files" "$work/node" "$work/nginx-tmp"
echo "generating $(label "$big_bytes"), $(label "$med_bytes") and $throttled_bytes bytes of random bytes in $work/files" >&2
head -c "$big_bytes" /dev/urandom > "$work/files/$big.bin"
head -c "$med_bytes" "$work/files/$big.bin" > "$work/files/$med.bin"
head -c "$throttled_bytes" "$work/files/$big.bin" > "$work/files/small.bin"
head -c 1024 "$work/files/$big.bin" > "$work/files/tiny.bin"
cp "$work/files/"*.bin "$work/node/"
gets && cc -O2 -o "$work/discard-get" bench/http/discard-get.c
sha_b64() { openssl dgst -sha256 -binary "$1" | base64; }
sha_big=$(sha_b64 "$work/files/$big.bin")
sha_med=$(sha_b64 "$work/files/$med.bin")
range="$med_bytes-$((2 * med_bytes - 1))"

port() { echo $(( 20000 + RANDOM % 30000 )); }
sp=$(port); np=$(port); gp=$(port)

# sluice exactly as a user runs it (the ./sluice launcher's JVM flags), its connection cap (384 by
# default) raised above the throttled row's count, as a user serving that many at once must: with the
# default, the row's downloads beyond 384 wait in the kernel's accept queue and are served in waves
max_connections=$(( throttled + 64 > 384 ? throttled + 64 : 384 ))
./sluice serve --port "$sp" --store "$work/sluice-data" --max-connections "$max_connections" \
  > "$work/sluice.log" 2>&1 &
sluice_pid=$!; pids+=("$sluice_pid")
if full; then
  node bench/http/node-server.js "$work/node" "$np" &
  node_pid=$!; pids+=("$node_pid")
fi
if full || [ "$only" = get ]; then
  # a worker per core, as nginx is run in production: with one, the 50 concurrent downloads had
  # one core's worth of nginx against sluice's threads on both
  cat > "$work/nginx.conf" <<CONF
user root;
worker_processes auto;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  server { listen 127.0.0.1:$gp; root $work/files; }
}
CONF
  nginx -c "$work/nginx.conf" -p "$work" &
  pids+=($!)
fi
for p in "$sp" $(full && echo "$np") $(gets && echo "$gp"); do
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$p/" && break; sleep 0.2; done
done
nginx_pids() { echo "$(cat "$work/nginx.pid") $(pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' ')"; }

# peak RSS of a server (sum over its processes), reset before each measurement
reset_peak() { for p in $1; do echo 5 > "/proc/$p/clear_refs"; done; }
peak_mib() {
  local kb=0
  for p in $1; do kb=$(( kb + $(awk '/VmHWM/ { print $2 }' "/proc/$p/status") )); done
  echo $(( (kb + 512) / 1024 ))
}
url() {
  case "$1" in
    sluice) echo "http://127.0.0.1:$sp/objects/b/$2" ;;
    node) echo "http://127.0.0.1:$np/$2" ;;
    nginx) echo "http://127.0.0.1:$gp/$2" ;;
  esac
}
procs() {
  case "$1" in
    sluice) echo "$sluice_pid" ;;
    node) echo "$node_pid" ;;
    nginx) nginx_pids ;;
  esac
}
results="$work/results.tsv"
# CPU seconds (user + system) the server's processes used since mark_cpu: what the work cost,
# whatever share of the shared cores the server was given
cpu_ticks() { local t=0; for p in $1; do t=$(( t + $(awk '{ print $14 + $15 }' "/proc/$p/stat") )); done; echo "$t"; }
mark_cpu() { cpu_mark=$(cpu_ticks "$1"); }
cpu_used() { awk -v a="$cpu_mark" -v b="$(cpu_ticks "$1")" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", (b - a) / hz }'; }
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$results"; }   # test server MiB/s RSS CPU-s
measure_start() { reset_peak "$(procs "$1")"; mark_cpu "$(procs "$1")"; }
measure_end() { record "$1" "$2" "$3" "$(peak_mib "$(procs "$2")")" "$(cpu_used "$(procs "$2")")"; }
mibs() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1048576 }'; }

# Untimed, before each upload: the earlier uploads' dirty pages go to disk and the page cache is
# emptied, then the source file is read back in. On these VMs an upload into a page cache already
# holding the last few GiB cost 2-4x the system time of one into an empty cache (1 GiB PUT: 0.6 s
# sys, then 1.2 s, then 3.0 s, each after a sync), whichever server it was, so without this a
# row measured which server came later in the round.
fresh_page_cache() { # source file
  sync
  echo 1 > /proc/sys/vm/drop_caches
  cat "$1" > /dev/null
}

put() { # server file sha
  local u
  case "$1" in
    sluice) u="http://127.0.0.1:$sp/objects/b/$2" ;;
    node) u="http://127.0.0.1:$np/up-$2" ;;
  esac
  local out
  out=$(curl -sS -o /dev/null -w '%{speed_upload} %{http_code}' -T "$work/files/$2" -H "Content-Digest: sha-256=:$3:" "$u")
  # a refused upload still reports the speed at which its body went: the run stops instead
  case ${out#* } in 2??) echo "${out% *}" ;; *) echo "http.sh: PUT $2 to $1 answered ${out#* }" >&2; exit 1 ;; esac
}

# Seed sluice's store and warm the servers up (not measured). Sluice runs every transfer it is
# measured on (the 50 concurrent downloads too, so its buffer pool is at its size for every
# round), pass after pass, until its JIT settles (a pass compiles fewer than 100 methods, at
# most 3 passes): each C2 compilation of the transfer path takes 3-16 MiB of compiler arena for a
# moment, which a peak-RSS reading would otherwise charge to whichever row happened to run it.
put sluice small.bin "$(sha_b64 "$work/files/small.bin")" > /dev/null
compiled() { "$JAVA_HOME/bin/jstat" -compiler "$sluice_pid" | awk 'NR == 2 { print $1 }'; }
warm_sluice() {
  put sluice "$med.bin" "$sha_med" > /dev/null
  put sluice "$big.bin" "$sha_big" > /dev/null
  if full; then
      curl -sS -o /dev/null -F "f=@$work/files/$big.bin" "http://127.0.0.1:$sp/objects?prefix=mp/"
      # the throttled row's paced path: 50 at once, each 1 MiB at 8 MiB/s
      seq 50 | xargs -P 50 -I{} curl -fsS -o /dev/null "$(url sluice small.bin)?rate=8MiB"
  fi
  if gets; then
      curl -s -o /dev/null -r "$range" "$(url sluice "$big.bin")"
      seq 50 | xargs -P 50 -I{} curl -fsS -o /dev/null "$(url sluice "$med.bin")"
  fi
  curl -s -o /dev/null "$(url sluice "$med.bin")"
  curl -s -o /dev/null "$(url sluice "$big.bin")"
}
warm_log=""
for pass in 1 2 3; do
  before=$(compiled)
  warm_sluice
  added=$(( $(compiled) - before ))
  warm_log="$warm_log${warm_log:+, }$added"
  [ "$added" -lt 100 ] && break
done
echo "sluice warm-up: methods compiled per pass: $warm_log" >&2
# Then its request path (parsing, routing, the response's set-up). The passes above make a few
# hundred requests and C2 compiles a method after ~10,000 calls, so the measured GETs of a fresh
# server ran that path interpreted: 2.6 ms to the first byte against 0.6 ms once compiled, and a
# 100 MiB GET 0.84x nginx's (docs/benchmarks.md, "A fresh server's request path"). A server that
# has run a while has compiled it; REQUEST_WARM_UP_S seconds of 1 KiB GETs (wrk) stand for that
# (default 4; 0 skips them).
# Each measured GET opens a connection (curl), and what runs once per connection (the accept, the
# end point's and the connection's set-up) stays interpreted for a fresh server's first ~10,000
# connections, which the keep-alive requests above do not make: 2-2.5 ms to the first byte against
# 0.35 ms after ~30,000 connections (docs/benchmarks.md, "A fresh server's connections").
# CONNECTION_WARM_UP_S seconds of 1 KiB GETs on a new connection each stand for that (default 6; 0
# skips them).
if [ "${REQUEST_WARM_UP_S:-4}" != 0 ] || [ "${CONNECTION_WARM_UP_S:-6}" != 0 ]; then
  put sluice tiny.bin "$(sha_b64 "$work/files/tiny.bin")" > /dev/null
fi
if [ "${REQUEST_WARM_UP_S:-4}" != 0 ]; then
  requests=$(wrk -t1 -c8 -d"${REQUEST_WARM_UP_S:-4}s" "$(url sluice tiny.bin)" | awk '/requests in/ { print $1 }')
  echo "sluice warm-up: $requests requests of 1 KiB" >&2
fi
if [ "${CONNECTION_WARM_UP_S:-6}" != 0 ]; then
  connections=$(wrk -t1 -c2 -d"${CONNECTION_WARM_UP_S:-6}s" -H "Connection: close" "$(url sluice tiny.bin)" |
    awk '/requests in/ { print $1 }')
  echo "sluice warm-up: $connections connections of one 1 KiB GET each" >&2
fi
for s in $servers; do [ "$s" = sluice ] || curl -s -o /dev/null "$(url $s "$big.bin")"; done

for round in $(seq "$rounds"); do
  echo "round $round of $rounds" >&2
  order=$servers; [ $((round % 2)) -eq 0 ] && order=$(echo "$servers" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }')
  for s in $(puts && echo "$servers" | sed 's/ nginx//'); do
    for f in "$med.bin" "$big.bin"; do
      sha=$sha_big; [ "$f" = "$med.bin" ] && sha=$sha_med
      fresh_page_cache "$work/files/$f"
      measure_start $s
      bps=$(put $s $f "$sha")
      measure_end "PUT ${f%.bin} + SHA-256" $s "$(mibs "$bps")"
    done
  done
  # multipart/form-data: the 1 GiB file as one part, streamed into the store (sluice only)
  if full; then
    fresh_page_cache "$work/files/$big.bin"
    measure_start sluice
    bps=$(curl -fsS -o /dev/null -w '%{speed_upload}' -F "f=@$work/files/$big.bin" "http://127.0.0.1:$sp/objects?prefix=mp/")
    measure_end "POST $big multipart/form-data" sluice "$(mibs "$bps")"
  fi
  # untimed: the uploads above emptied the page cache, so every server's files are read back in
  # before the downloads (else a GET measured the disk for whichever server's files were cold)
  puts && cat "$work/sluice-data/b/"*.bin "$work/node/"*.bin "$work/files/"*.bin > /dev/null 2>&1
  # GET_SAMPLES downloads per row, the servers taking turns: one 100 MiB GET takes 30-65 ms and
  # its speed spans 1.5-3.8 GB/s for any server here (docs/benchmarks.md, "A fresh server's request
  # path"), so a row of one GET per round measured the machine's swing more than the server; ten
  # (thirty a row over three rounds) bring the ratio's 95 % interval to about +-10 % under bbr
  # (docs/benchmarks.md, "Line 3 with sixty GETs a row")
  for row in "$med.bin" "$big.bin" $(gets && echo range); do
    for _ in $(seq "${GET_SAMPLES:-10}"); do
      for s in $order; do
        measure_start $s
        if [ "$row" = range ]; then
          bps=$(curl -fsS -o /dev/null -w '%{speed_download}' -r "$range" "$(url $s "$big.bin")")
          measure_end "GET $(label "$med_bytes") range of $(label "$big_bytes")" $s "$(mibs "$bps")"
        else
          bps=$(curl -fsS -o /dev/null -w '%{speed_download}' "$(url $s "$row")")
          measure_end "GET ${row%.bin}" $s "$(mibs "$bps")"
        fi
      done
    done
  done
  # the same downloads by a client that copies nothing (bench/http/discard-get.c): what the server's
  # sending costs, which curl's copy hides (docs/benchmarks.md, "A client that copies nothing")
  for row in $(gets && echo "$med.bin $big.bin"); do
    for _ in $(seq "${GET_SAMPLES:-10}"); do
      for s in $order; do
        u=$(url $s "$row"); address=${u#http://127.0.0.1:}
        measure_start $s
        bps=$("$work/discard-get" "${address%%/*}" "/${address#*/}" | cut -d' ' -f1)
        measure_end "GET ${row%.bin}, client discarding the body in the kernel" $s "$(mibs "$bps")"
      done
    done
  done
  for s in $order; do
    gets || continue
    measure_start $s
    start=$(date +%s.%N)
    seq 50 | xargs -P 50 -I{} curl -fsS -o /dev/null "$(url $s "$med.bin")"
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')
    measure_end "50 × GET $(label "$med_bytes") concurrently (aggregate)" $s "$(awk -v t="$secs" -v m="$(mibs "$med_bytes")" 'BEGIN { printf "%.0f", 50 * m / t }')"
  done
done

if full; then
  echo "throttled: $throttled concurrent downloads of $throttled_bytes bytes at 64 KiB/s each" >&2
  measure_start sluice
  ( while sleep 2; do
      curl -s "http://127.0.0.1:$sp/metrics" | awk '/^sluice_scheduler_lag_seconds\{statistic="(p99|max)"\}/ { print $1, $2 }'
    done ) > "$work/lag.txt" &
  sampler=$!
  # the server on core 1 and the client on core 0, so the lag and the RSS are the server's own
  taskset -a -p -c 1 "$sluice_pid" > /dev/null
  client=$(taskset -c 0 "$JAVA_HOME/bin/java" -Xss256k bench/http/LoadClient.java "$sp" "/objects/b/small.bin?rate=64KiB" "$throttled" "$throttled_bytes")
  taskset -a -p -c 0-1 "$sluice_pid" > /dev/null
  kill "$sampler" 2>/dev/null || true
  throttled_rss=$(peak_mib "$sluice_pid")
  throttled_cpu=$(cpu_used "$sluice_pid")
  lag_p99=$(awk '/p99/ { if ($2 > m) m = $2 } END { printf "%.1f", m * 1000 }' "$work/lag.txt")
  lag_max=$(awk '/max/ { if ($2 > m) m = $2 } END { printf "%.1f", m * 1000 }' "$work/lag.txt")
fi

[ -z "${SAMPLES_TO:-}" ] || cat "$results" >> "$SAMPLES_TO"
python3 bench/http/summary.py "$results"
echo
echo "TCP congestion control: $(sysctl -n net.ipv4.tcp_congestion_control) (the machine's: $machine_congestion)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sluice warm-up: methods compiled per pass: $warm_log"
sent=$(curl -s "http://127.0.0.1:$sp/metrics" | awk '/^sluice_sent_bytes_total/ { a = $2 } /^sluice_sent_direct_bytes_total/ { d = $2 } END { printf "%.0f of %.0f", d, a }')
echo "sluice body bytes sent by sendfile (zero-copy): $sent"
full && echo "throttled: $client; sluice peak RSS ${throttled_rss} MiB, ${throttled_cpu} CPU-s; scheduler lag p99 ≤ ${lag_p99} ms, max ≤ ${lag_max} ms (sampled every 2 s)"
