#!/usr/bin/env bash
# Before a benchmark on a virtual machine that reports free memory back to its host (virtio-balloon
# free page reporting: /sys/module/page_reporting): the first touch of a page the host took back
# costs a host-side fault, so rows that write new data into the page cache (file → file ingests,
# uploads) measure the hypervisor more than the program, and swing from run to run (a 1 GiB file
# copy's system time went 0.35 ↔ 0.75 s). This delays reporting to 5 minutes (when the knob exists
# and is writable) and touches free memory once, so for the next few minutes every program under
# test gets warm pages alike. It changes nothing but the machine's memory state; run it right
# before a benchmark script (docs/benchmarks.md, "Third session of 2026-12-06").
# Usage: bench/warm-memory.sh [GiB]   (default: free memory less 2 GiB)
set -euo pipefail
knob=/sys/module/page_reporting/parameters/min_free_ms
if [ -w "$knob" ]; then
  echo 300000 > "$knob" && echo "page reporting: free pages reported after $(cat "$knob") ms" >&2
else
  echo "no page-reporting knob here ($knob): touching memory only" >&2
fi
gib=${1:-$(awk '/MemAvailable/ { g = int($2 / 1048576) - 2; print (g > 0 ? g : 0) }' /proc/meminfo)}
echo "touching $gib GiB once" >&2
python3 - "$gib" <<'PY'
import mmap, sys
size = int(sys.argv[1]) << 30
if size > 0:
    m = mmap.mmap(-1, size)
    for offset in range(0, size, 4096):
        m[offset] = 1
    m.close()
PY
