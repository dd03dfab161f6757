#!/usr/bin/env bash
# Databases (issues 6 and 18): `sluice ingest` into PostgreSQL (CSV, NDJSON) and out of it (export)
# against psql's \copy on the same generated files, in the same run. Prints per run the wall
# seconds, rows/s, the client process's CPU seconds (user + sys, from /usr/bin/time's %U %S) and its
# peak RSS (VmHWM, %M). Data is generated under bench/data/ (ignored by git).
# CSV ingest runs ROUNDS times (default 3) interleaved with psql \copy from; the export runs ROUNDS
# times alternating with `psql -c "\copy (query) to FILE csv header"` (who goes first alternates
# too), and both outputs are compared byte for byte once. Medians are printed last, with the
# export's sluice/psql ratio of wall time and of client CPU.
# ONLY=export skips the ingest runs (the table is loaded once by psql, untimed).
# Usage: [ROUNDS=3] [ONLY=export] bench/databases.sh [ROWS ...]     (default: 1000000 10000000)
set -euo pipefail
cd "$(dirname "$0")/.."
url='jdbc:postgresql://127.0.0.1:5432/test?user=postgres'
psql=(psql -X -q -h 127.0.0.1 -U postgres -d test)
query='SELECT * FROM bench_events'
# the same time zone for both clients, so that timestamptz values are written alike
export TZ=UTC PGTZ=UTC
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000000 10000000)
mkdir -p bench/data
./sluice --version >/dev/null 2>&1 || true # builds the jar once, outside the timings
export SLUICE_SKIP_BUILD=1 # and never inside them

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

# run LABEL ROWS COMMAND... : prints one table row (wall, rows/s, CPU and peak RSS of the client)
run() {
  local label=$1 rows=$2; shift 2
  local out; out=$(mktemp)
  /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >/dev/null
  read -r seconds user sys kib < "$out"; rm -f "$out"
  echo "$label|$rows|$seconds|$kib|$user|$sys" >> "$results"
  LABEL="$label" awk -v r="$rows" -v s="$seconds" -v k="$kib" -v u="$user" -v y="$sys" \
    'BEGIN { printf "| %s | %d | %.2f | %.0f | %.2f + %.2f = %.2f | %.1f |\n", ENVIRON["LABEL"], r, s, r / s, u, y, u + y, k / 1024 }'
}

export_psql() { # rows file
  rm -f "$2"
  run "psql \\copy (query) to (CSV)" "$1" "${psql[@]}" -c "\\copy ($query) to '$2' with (format csv, header true)"
}

export_sluice() { # rows file
  rm -f "$2"
  run "sluice export (CSV, COPY)" "$1" ./sluice ingest "$url" "$2" --query "$query" --format csv --no-progress
}

results=$(mktemp)
rounds=${ROUNDS:-3}
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); machine: $(nproc) cores, shared; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | rows | wall s | rows/s | client CPU s (user + sys) | client peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|---:|"
for rows in "${sizes[@]}"; do
  csv=bench/data/events-$rows.csv
  ndjson=bench/data/events-$rows.ndjson
  generate "$rows" csv "$csv"
  if [ "${ONLY:-}" = export ]; then
    fresh_table
    "${psql[@]}" -c "\\copy bench_events from '$csv' with (format csv, header true)"
  else
    generate "$rows" ndjson "$ndjson"
    for round in $(seq "$rounds"); do
      fresh_table
      run "psql \\copy from (CSV)" "$rows" "${psql[@]}" -c "\\copy bench_events from '$csv' with (format csv, header true)"
      fresh_table
      run "sluice ingest CSV" "$rows" ./sluice ingest "$csv" "$url" --table bench_events --format csv
    done
    fresh_table
    run "sluice ingest NDJSON" "$rows" ./sluice ingest "$ndjson" "$url" --table bench_events --format ndjson
  fi
  from_psql=bench/data/export-psql.csv
  from_sluice=bench/data/export-sluice.csv
  for round in $(seq "$rounds"); do
    if [ $((round % 2)) -eq 1 ]; then
      export_psql "$rows" "$from_psql"; export_sluice "$rows" "$from_sluice"
    else
      export_sluice "$rows" "$from_sluice"; export_psql "$rows" "$from_psql"
    fi
    if [ "$round" -eq 1 ]; then
      if cmp -s "$from_psql" "$from_sluice"; then
        echo "(export outputs identical: $(wc -c < "$from_psql") bytes)"
      else
        echo "(export outputs DIFFER: $(cmp "$from_psql" "$from_sluice" 2>&1 | head -1))"
      fi
    fi
  done
  rm -f "$from_psql" "$from_sluice"
done
"${psql[@]}" -c "DROP TABLE IF EXISTS bench_events"

echo
echo "Medians:"
echo "| run | rows | runs | median wall s | median rows/s | median client CPU s | median client peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|---:|---:|"
awk -F'|' '{ key = $1 "|" $2; n[key]++; wall[key, n[key]] = $3; rate[key, n[key]] = $2 / $3
    rss[key, n[key]] = $4 / 1024; cpu[key, n[key]] = $5 + $6; if (!(key in order)) order[key] = NR }
  function median(a, key, count,   i, j, t, v) {
    for (i = 1; i <= count; i++) v[i] = a[key, i]
    for (i = 1; i <= count; i++) for (j = i + 1; j <= count; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2 }
  END { for (key in n) { split(key, k, "|");
    printf "%d\t| %s | %d | %d | %.2f | %.0f | %.2f | %.1f |\n", order[key], k[1], k[2], n[key], median(wall, key, n[key]),
      median(rate, key, n[key]), median(cpu, key, n[key]), median(rss, key, n[key]) }
    for (key in n) { split(key, k, "|"); if (k[1] !~ /^sluice export/) continue
      other = "psql \\copy (query) to (CSV)|" k[2]; if (!(other in n)) continue
      printf "%d\tExport, %d rows: sluice/psql rows/s %.2fx (wall %.2f s vs %.2f s); client CPU %.2fx (%.2f s vs %.2f s)\n",
        1e9 + k[2], k[2], median(wall, other, n[other]) / median(wall, key, n[key]), median(wall, key, n[key]),
        median(wall, other, n[other]), median(cpu, key, n[key]) / median(cpu, other, n[other]),
        median(cpu, key, n[key]), median(cpu, other, n[other]) } }' \
  "$results" | sort -n | cut -f2-
rm -f "$results"
