#!/usr/bin/env bash
# Scheduler lag, inline vs offloaded CPU-heavy ingestions (docs/benchmarks.md, "Lifecycle").
# Usage: bench/lag.sh [--jobs 4] [--size 256MiB] [--level 6] [--workers N] [--rounds 3]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
sluice_find_jdk
./mvnw -B -q -pl bench -am package -DskipTests
exec "$JAVA_HOME/bin/java" -cp bench/target/benchmarks.jar dev.sluice.bench.LagBenchmark "$@"
