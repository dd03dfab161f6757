#!/usr/bin/env bash
# GET 1 GiB over TLS (docs/benchmarks.md, "TLS and HTTP/2 (issue 16)"): `sluice serve --tls-cert
# --tls-key` against nginx (ssl, http2, sendfile off as TLS needs it copied anyway) with the same
# self-signed EC P-256 certificate, same run, rounds alternating between servers and between
# HTTP/1.1 and HTTP/2 (curl --http1.1 / --http2 to /dev/null). Per GET: MiB/s (curl), the server's
# CPU seconds and its peak RSS (VmHWM reset before each GET; nginx: master + worker).
# Usage: bench/tls.sh [--rounds 3] [--size BYTES]     Needs nginx and openssl.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=3
size=$((1 << 30))
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    *) echo "usage: bench/tls.sh [--rounds N] [--size BYTES]" >&2; exit 2 ;;
  esac
done
command -v nginx >/dev/null || { echo "tls.sh: needs nginx (apt-get install nginx)" >&2; exit 1; }
./sluice --version >/dev/null
work=$(mktemp -d)
pids=()
cleanup() {
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" \
  2>/dev/null
mkdir -p "$work/files" "$work/nginx-tmp"
head -c "$size" /dev/urandom >"$work/files/object.bin"
sp=18571
gp=18572
SLUICE_SKIP_BUILD=1 ./sluice serve --port "$sp" --store "$work/data" --access-log off \
  --tls-cert "$work/cert.pem" --tls-key "$work/key.pem" >"$work/sluice.log" 2>&1 &
pids+=($!)
cat >"$work/nginx.conf" <<CONF
user root;
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-tmp/body;
  proxy_temp_path $work/nginx-tmp/proxy;
  fastcgi_temp_path $work/nginx-tmp/fastcgi;
  uwsgi_temp_path $work/nginx-tmp/uwsgi;
  scgi_temp_path $work/nginx-tmp/scgi;
  server {
    listen 127.0.0.1:$gp ssl http2;
    ssl_certificate $work/cert.pem;
    ssl_certificate_key $work/key.pem;
    root $work/files;
  }
}
CONF
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
until grep -q "serving on" "$work/sluice.log" 2>/dev/null; do sleep 0.1; done
until [ -f "$work/nginx.pid" ]; do sleep 0.1; done
curl -s --cacert "$work/cert.pem" -T "$work/files/object.bin" "https://localhost:$sp/objects/object.bin" >/dev/null
sluice_pid=$(pgrep -f "sluice.jar serve --port $sp" | head -1)
procs() {
  if [ "$1" = sluice ]; then echo "$sluice_pid"; else
    echo "$(cat "$work/nginx.pid") $(pgrep -P "$(cat "$work/nginx.pid")" | tr '\n' ' ')"; fi
}
url() {
  if [ "$1" = sluice ]; then echo "https://localhost:$sp/objects/object.bin"; else
    echo "https://localhost:$gp/object.bin"; fi
}
ticks() { local t=0; for p in $1; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }
hwm() { local kb=0; for p in $1; do kb=$((kb + $(awk '/VmHWM/ {print $2}' "/proc/$p/status"))); done; echo $(((kb + 512) / 1024)); }
for server in sluice nginx; do # warm-up, not counted
  for v in --http1.1 --http2; do curl -s --cacert "$work/cert.pem" "$v" -o /dev/null "$(url $server)"; done
done
hz=$(getconf CLK_TCK)
echo "server protocol round mib_s server_cpu_s peak_rss_mib"
for r in $(seq 1 "$rounds"); do
  for v in --http1.1 --http2; do
    for server in sluice nginx; do
      p=$(procs $server)
      for q in $p; do echo 5 >"/proc/$q/clear_refs"; done
      before=$(ticks "$p")
      speed=$(curl -s --cacert "$work/cert.pem" "$v" -o /dev/null -w "%{speed_download} %{http_version}" "$(url $server)")
      after=$(ticks "$p")
      awk -v s="$server" -v v="${speed#* }" -v r="$r" -v b="${speed%% *}" -v c="$((after - before))" \
        -v hz="$hz" -v m="$(hwm "$p")" 'BEGIN { printf "%s HTTP/%s %d %.0f %.2f %d\n", s, v, r, b / 1048576, c / hz, m }'
    done
  done
done
