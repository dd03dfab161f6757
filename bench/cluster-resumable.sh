#!/usr/bin/env bash
# Scale-out with resumable uploads (issue 15, first acceptance line): three `sluice serve` nodes
# behind nginx (scripts/cluster.sh, round robin, bodies streamed), coordinated through Redis (or
# --coord), over one shared store. The real tus-js-client (http/src/test/node/upload.cjs) uploads a
# generated file of --size in --chunk requests (8 MiB), each landing on whichever node nginx
# picks; once a third of the bytes are accepted, the node in the middle of a request to the upload
# (the holder of its lease in Redis) is killed with SIGKILL, holding the lease. The client resumes
# (HEAD then PATCH on a live node, which waits for the dead node's upload lease to lapse) and the
# upload completes. Prints the SHA-256 of the source and of the stored object, the wall and client
# CPU time, and checks that no staging data is left:
#   file      no .sluice-uploads/*.data staging file in the shared folder
#   postgres  exactly one large object more than before (the object; the staging one became it)
#   s3        no multipart upload in progress and no object but the uploaded one under the prefix
#             (s3proxy with its filesystem provider, started as bench/s3.sh starts it)
# Usage: bench/cluster-resumable.sh [--size 1GiB] [--store file|postgres|s3]
#          [--protocol tus-v1|ietf-draft-05] [--chunk 8MiB] [--coord URL] [--port 29080]
set -euo pipefail
cd "$(dirname "$0")/.."
size=1GiB
store=file
protocol=tus-v1
chunk=8MiB
coord=redis://127.0.0.1:6379
port=29080
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --store) store=$2; shift 2 ;;
    --protocol) protocol=$2; shift 2 ;;
    --chunk) chunk=$2; shift 2 ;;
    --coord) coord=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    *) echo "cluster-resumable: unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
done
case "$store" in file | postgres | s3) ;; *) echo "cluster-resumable: --store file|postgres|s3" >&2; exit 2 ;; esac
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
. scripts/find-jdk.sh
sluice_find_jdk
./mvnw -B -q -DskipTests -Dspotless.apply.skip=true -pl cli -am package
export SLUICE_SKIP_BUILD=1
tus_dir=http/src/test/node
[ -d "$tus_dir/node_modules/tus-js-client" ] || (cd "$tus_dir" && npm ci --no-audit --no-fund --silent)

work=$(mktemp -d)
cluster="$work/cluster"
s3proxy=
client=
cleanup() {
  [ -n "$client" ] && { pkill -P "$client" 2>/dev/null; kill "$client" 2>/dev/null; } || true
  bash scripts/cluster.sh stop --dir "$cluster" >/dev/null 2>&1 || true
  [ -n "$s3proxy" ] && kill "$s3proxy" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

src="$work/source.bin"
./sluice ingest "gen:$size:15" "$src" --no-progress >/dev/null
bytes=$(stat -c %s "$src")
chunk_bytes=$(numfmt --from=iec-i "${chunk%B}") || { echo "cluster-resumable: --chunk like 8MiB" >&2; exit 2; }
want=$(sha256sum "$src" | cut -c1-64)
namespace="bench$(date +%s)"
key="bench/resumable-$namespace.bin"

pg=postgresql://postgres@127.0.0.1:5432/test
# large objects no sluice_blobs row, upload row or retired row refers to: what an upload could
# leave behind (a plain count would also move with other clients' objects and with the nodes'
# expiry sweep, which deletes expired uploads other runs left in this database)
orphans() {
  psql "$pg" -Atc "SELECT count(*) FROM pg_largeobject_metadata m WHERE NOT EXISTS
    (SELECT 1 FROM sluice_blobs b WHERE b.oid = m.oid) AND NOT EXISTS
    (SELECT 1 FROM sluice_blobs_uploads u WHERE u.oid = m.oid) AND NOT EXISTS
    (SELECT 1 FROM sluice_blobs_retired r WHERE r.oid = m.oid)"
}
case "$store" in
  file) location="$work/store"; mkdir -p "$location" ;;
  postgres)
    location="jdbc:postgresql://127.0.0.1:5432/test?user=postgres"
    orphans_before=$(orphans 2>/dev/null || echo 0) ;;
  s3)
    . bench/lib/s3proxy.sh
    mkdir -p "$work/s3"
    s3proxy_start "$work/s3" 512m
    s3proxy=$S3PROXY_PID
    location="s3://bench/objects" ;;
esac

echo "cluster-resumable: $size ($bytes bytes) in $chunk_bytes-byte chunks, $protocol, store $store," \
  "3 nodes behind nginx, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
bash scripts/cluster.sh start --nodes 3 --port "$port" --dir "$cluster" --store "$location" \
  --coord "$coord?namespace=$namespace" -- --max-body "$((bytes + 1))" --access-log off

progress="$work/progress"
echo 0 0 >"$progress"
start=$(date +%s.%N)
SLUICE_TUS_PROGRESS="$progress" /usr/bin/time -f "%U %S" -o "$work/client.time" \
  node "$tus_dir/upload.cjs" "http://127.0.0.1:$port/objects/$key" \
  "$src" "$protocol" "$chunk_bytes" >"$work/client.out" 2>"$work/client.err" &
client=$!
holder() { # the node (1-3) holding the upload's lease now: it is in the middle of a request to it
  local i key
  case "$coord" in
    redis://*)
      key=$(redis-cli -u "$coord" --scan --pattern "$namespace:lease:upload:*" | head -1)
      [ -n "$key" ] && redis-cli -u "$coord" GET "$key" | sed -n 's/^node-\([0-9]\):.*/\1/p' ;;
    *) # another coordination store: the node whose append gauge shows one running
      for i in 1 2 3; do
        curl -s --max-time 1 "http://127.0.0.1:$((port + i))/metrics" 2>/dev/null |
          grep -q '^sluice_uploads_appending{[^}]*} 1' && { echo "$i"; break; }
      done ;;
  esac
  return 0
}
killed_at=
while kill -0 "$client" 2>/dev/null; do
  read -r sent accepted <"$progress" || true
  if [ "${accepted:-0}" -ge $((bytes / 3)) ]; then
    victim=$(holder)
    if [ -n "$victim" ]; then
      kill -9 "$(cat "$cluster/node-$victim.pid")"
      killed_at=$accepted
      echo "killed node-$victim (SIGKILL) while it held the upload's lease: $sent bytes sent, $accepted accepted"
      break
    fi
  fi
  sleep 0.01
done
status=0
wait "$client" || status=$?
client=
end=$(date +%s.%N)
cat "$work/client.out"
[ "$status" = 0 ] || { echo "cluster-resumable: the client failed (exit $status):" >&2; cat "$work/client.err" >&2; exit 1; }
[ -n "$killed_at" ] || { echo "cluster-resumable: the upload ended before a node was killed" >&2; exit 1; }
wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
client_cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$work/client.time")
echo "upload wall ${wall} s ($(awk -v b="$bytes" -v w="$wall" 'BEGIN { printf "%.1f", b / 1048576 / w }') MiB/s)," \
  "client cpu ${client_cpu} s, retries $(sed -n 's/.*retries=//p' "$work/client.out")"

got=$(curl -sf "http://127.0.0.1:$port/objects/$key" | sha256sum | cut -c1-64)
echo "sha256 source: $want"
echo "sha256 stored: $got"
[ "$got" = "$want" ] || { echo "cluster-resumable: SHA-256 MISMATCH" >&2; exit 1; }

case "$store" in
  file)
    left=$(find "$location/.sluice-uploads" -name '*.data' | wc -l)
    echo "staging files left: $left"
    [ "$left" = 0 ] || exit 1 ;;
  postgres)
    added=$(( $(orphans) - orphans_before ))
    stored=$(psql "$pg" -Atc "SELECT count(*) FROM sluice_blobs WHERE key = '$key'")
    echo "object rows for the key: $stored; large objects left without a row: $added more than before"
    [ "$stored" = 1 ] && [ "$added" -le 0 ] || exit 1 ;;
  s3)
    uploads=$(aws s3api list-multipart-uploads --bucket bench --query 'length(Uploads || `[]`)' --output text)
    # the completed upload's manifest (.sluice-uploads/ID.upload) stays until it expires
    others=$(aws s3api list-objects-v2 --bucket bench \
      --query "length(Contents[?Key!='objects/$key' && !ends_with(Key, '.upload')] || \`[]\`)" --output text)
    echo "multipart uploads left: $uploads; other objects left: $others"
    [ "$uploads" = 0 ] && [ "$others" = 0 ] || exit 1 ;;
esac
echo "cluster-resumable: ok"
