#!/usr/bin/env bash
# Databases (issue 6): `sluice ingest` into PostgreSQL (CSV, NDJSON) and out of it (export) against
# psql's \copy on the same generated files, in the same run. Prints rows/s and the client's peak RSS
# (VmHWM, from /usr/bin/time's %M) per run. Data is generated under bench/data/ (ignored by git).
# CSV ingest runs ROUNDS times (default 3) interleaved with psql, and the medians are printed last.
# Usage: [ROUNDS=3] bench/databases.sh [ROWS ...]     (default: 1000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
url='jdbc:postgresql://127.0.0.1:5432/test?user=postgres'
psql=(psql -X -q -h 127.0.0.1 -U postgres -d test)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
mkdir -p bench/data
./sluice --version >/dev/null 2>&1 || true # builds the jar once, outside the timings

generate() { # rows format file: id,name,amount,note,ts rows of about 100 bytes
  [ -s "$3" ] && return
  awk -v n="$1" -v fmt="$2" 'BEGIN {
    if (fmt == "csv") print "id,name,amount,note,ts";
    for (i = 1; i <= n; i++) {
      ts = sprintf("2026-11-%02dT%02d:%02d:%02dZ", 1 + i % 28, i % 24, i % 60, (i * 7) % 60);
      if (fmt == "csv")
        printf "%d,name-%d,%d.25,\"say \"\"hi\"\", lorem ipsum dolor sit amet, consectetur %d\",%s\n", i, i, i % 1000, i, ts;
      else
        printf "{\"id\":%d,\"name\":\"name-%d\",\"amount\":%d.25,\"note\":\"say \\\"hi\\\", lorem ipsum dolor sit amet, consectetur %d\",\"ts\":\"%s\"}\n", i, i, i % 1000, i, ts;
    } }' > "$3.tmp" && mv "$3.tmp" "$3"
}

fresh_table() {
  "${psql[@]}" -c "DROP TABLE IF EXISTS bench_events; CREATE TABLE bench_events (id bigint, name text, amount numeric(10,2), note text, ts timestamptz)"
}

# run LABEL ROWS COMMAND... : prints one table row (rows/s and peak RSS of the client process)
run() {
  local label=$1 rows=$2; shift 2
  local out; out=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null
  read -r seconds kib < "$out"; rm -f "$out"
  echo "$label|$rows|$seconds|$kib" >> "$results"
  LABEL="$label" awk -v r="$rows" -v s="$seconds" -v k="$kib" \
    'BEGIN { printf "| %s | %d | %.1f | %.0f | %.1f |\n", ENVIRON["LABEL"], r, s, r / s, k / 1024 }'
}

results=$(mktemp)
rounds=${ROUNDS:-3}
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, shared; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | rows | seconds | rows/s | client peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|"
for rows in "${sizes[@]}"; do
  csv=bench/data/events-$rows.csv
  ndjson=bench/data/events-$rows.ndjson
  generate "$rows" csv "$csv"
  generate "$rows" ndjson "$ndjson"
  for round in $(seq "$rounds"); do
    fresh_table
    run "psql \\copy from (CSV)" "$rows" "${psql[@]}" -c "\\copy bench_events from '$csv' with (format csv, header true)"
    fresh_table
    run "sluice ingest CSV" "$rows" ./sluice ingest "$csv" "$url" --table bench_events --format csv
  done
  fresh_table
  run "sluice ingest NDJSON" "$rows" ./sluice ingest "$ndjson" "$url" --table bench_events --format ndjson
  rm -f bench/data/export.csv
  run "psql \\copy to (CSV)" "$rows" "${psql[@]}" -c "\\copy bench_events to 'bench/data/export.csv' with (format csv, header true)"
  rm -f bench/data/export.csv
  run "sluice ingest export (CSV)" "$rows" ./sluice ingest "$url" bench/data/export.csv --query "SELECT * FROM bench_events" --format csv
  rm -f bench/data/export.csv
done
"${psql[@]}" -c "DROP TABLE IF EXISTS bench_events"

echo
echo "Medians:"
echo "| run | rows | runs | median rows/s | median client peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|"
awk -F'|' '{ key = $1 "|" $2; n[key]++; rate[key, n[key]] = $2 / $3; rss[key, n[key]] = $4 / 1024; order[key] = NR }
  function median(a, key, count,   i, j, t, v) {
    for (i = 1; i <= count; i++) v[i] = a[key, i]
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2 }
  END { for (key in n) { split(key, k, "|");
    printf "%d\t| %s | %d | %d | %.0f | %.1f |\n", order[key], k[1], k[2], n[key], median(rate, key, n[key]), median(rss, key, n[key]) } }' \
  "$results" | sort -n | cut -f2-
rm -f "$results"
