"""The tables of bench/http.sh from its samples: one file of a run, or several runs' SAMPLES_TO
files pooled (python3 bench/http/summary.py FILE...).

A sample is a tab-separated line: test, server, MiB/s, peak RSS MiB, server CPU-s.

The second table gives sluice's median over the reference's (nginx where it ran the row, else
Node) with a 95 % interval from resampling both servers' samples of the row (a percentile
bootstrap): a ratio whose interval holds 1.0 is parity at the run's swing, not a lead or a lag.
"""

import collections
import random
import statistics
import sys

rows = collections.OrderedDict()
for path in sys.argv[1:]:
    for line in open(path):
        test, server, mibs, rss, cpu = line.rstrip("\n").split("\t")
        samples = rows.setdefault(test, collections.OrderedDict()).setdefault(server, [])
        samples.append((float(mibs), float(rss), float(cpu)))

print("| test | server | MiB/s median [min–max] | peak RSS MiB median [min–max] | server CPU-s median |")
print("|---|---|---|---|---|")
for test, servers in rows.items():
    for server, samples in servers.items():
        m = [s[0] for s in samples]
        r = [s[1] for s in samples]
        c = [s[2] for s in samples]
        print(
            f"| {test} | {server} | {statistics.median(m):,.0f} [{min(m):,.0f}–{max(m):,.0f}]"
            f" | {statistics.median(r):.0f} [{min(r):.0f}–{max(r):.0f}]"
            f" | {statistics.median(c):.2f} |"
        )

random.seed(18)
print()
print("| test | sluice / reference | ratio of medians | 95 % interval | samples each |")
print("|---|---|---|---|---|")
for test, servers in rows.items():
    reference = next((s for s in ("nginx", "node") if s in servers), None)
    if "sluice" not in servers or reference is None:
        continue
    ours = [s[0] for s in servers["sluice"]]
    theirs = [s[0] for s in servers[reference]]
    resampled = sorted(
        statistics.median(random.choices(ours, k=len(ours)))
        / statistics.median(random.choices(theirs, k=len(theirs)))
        for _ in range(2000)
    )
    ratio = statistics.median(ours) / statistics.median(theirs)
    print(
        f"| {test} | sluice / {reference} | {ratio:.2f}× | {resampled[50]:.2f}–{resampled[1949]:.2f}"
        f" | {min(len(ours), len(theirs))} |"
    )
