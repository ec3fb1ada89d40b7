#!/usr/bin/env bash
# Runs the committed benchmark session: JMH (single key at 1 and 2 threads, keyed), heap per key, the Redis harness,
# the HTTP harness. JMH benchmarks run one by one in interleaved ROUNDS (every benchmark once per round, one fork
# each), so that a load swing on a shared machine hits every peer alike; summarize.py pools the rounds.
# Usage (from the repository root, after ./mvnw -B -pl twisterlab-bench,twisterlab-server -am package -DskipTests):
#   twisterlab-bench/scripts/run-all.sh [results-dir]      # default twisterlab-bench/results
# Jars: JAR=... SERVER_JAR=... (copies, so that a rebuild during the run changes nothing).
# Overrides: ROUNDS=5 JMH_OPTS="-f 1 -wi 3 -w 1s -i 5 -r 1s" twisterlab-bench/scripts/run-all.sh
# Parts: PARTS="single keyed anatomy heap redis http" (the default); e.g. PARTS="single redis". PARTS="redis-cluster"
# runs the Redis harness on a single Redis and a local 3-master Redis Cluster side by side (redis-cluster.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="${JAR:-$ROOT/twisterlab-bench/target/benchmarks.jar}"
SERVER_JAR="${SERVER_JAR:-$ROOT/twisterlab-server/target/twisterlab-server.jar}"
OUT="${1:-$ROOT/twisterlab-bench/results}"
ROUNDS="${ROUNDS:-3}"
JMH_OPTS="${JMH_OPTS:--f 1 -wi 2 -w 1s -i 3 -r 1s}"
PARTS=" ${PARTS:-single keyed anatomy heap redis http} "
part() { [[ "$PARTS" == *" $1 "* ]]; }
mkdir -p "$OUT/raw"
[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B -pl twisterlab-bench -am package -DskipTests first" >&2; exit 1; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "memory: $(free -g | awk '/^Mem:/ {print $2 " GiB total, " $7 " GiB available"}')"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) (uptime: $(uptime))"
  echo "redis-benchmark: $(command -v redis-benchmark || echo 'NOT FOUND (apt-get install -y redis-tools)')"
  echo "wrk: $(command -v wrk || echo 'NOT FOUND (apt-get install -y wrk)')"
  echo "jmh opts: $JMH_OPTS, $ROUNDS interleaved rounds; parts:$PARTS"
} | tee "$OUT/machine.txt"

jmh() { # name regex extra-args...
  local name="$1" regex="$2"; shift 2
  echo "[run-all] $(date -u +%H:%M:%S) load $(cut -d' ' -f1 /proc/loadavg) $name" | tee -a "$OUT/load.txt"
  java -jar "$JAR" "$regex" $JMH_OPTS -prof gc "$@" -rf json -rff "$OUT/raw/$name.json" > "$OUT/raw/$name.txt" 2>&1
}

SINGLE="baseline_nanoTime twisterlab_tryAcquire twisterlab_decide bucket4j_tryConsumeAndReturnRemaining resilience4j_acquirePermission guava_tryAcquire twisterlab_tryAcquire_coarseClock bucket4j_tryConsumeAndReturnRemaining_coarseClock"
KEYED="twisterlab_tryAcquire bucket4j_chm resilience4j_registry"
for r in $(seq 1 "$ROUNDS"); do
  if part single; then
    for b in $SINGLE; do
      jmh "single-key-t1-OPEN-$b-r$r" "SingleKeyBenchmark.$b\$" -t 1 -p regime=OPEN
      jmh "single-key-t2-OPEN-$b-r$r" "SingleKeyBenchmark.$b\$" -t 2 -p regime=OPEN
      jmh "single-key-t1-EXHAUSTED-$b-r$r" "SingleKeyBenchmark.$b\$" -t 1 -p regime=EXHAUSTED
    done
  fi
  if part keyed; then
    for b in $KEYED; do
      jmh "keyed-t1-$b-r$r" "KeyedBenchmark.$b\$" -t 1
    done
  fi
done
if part anatomy; then jmh "anatomy-t1" "MemoryStoreAnatomyBenchmark" -t 1; fi

if part heap; then
  java -Xms3g -Xmx3g -cp "$JAR" io.twisterlab.bench.HeapPerKey 1000000 | tee "$OUT/heap-per-key.md"
fi

if part redis; then
  java -cp "$JAR" io.twisterlab.bench.RedisHarness --warmup 2 --seconds 3 --rounds "$ROUNDS" --callers 1,16,64 \
    --keys 100000 --out "$OUT/redis.md" 2> >(grep -v '^SLF4J' >&2)
fi

if part redis-cluster; then
  java -cp "$JAR" io.twisterlab.bench.RedisHarness --cluster 3 --warmup 1 --seconds 2 --rounds "$ROUNDS" \
    --callers 1,16,64 --keys 100000 --out "$OUT/redis-cluster.md" 2> >(grep -v '^SLF4J' >&2)
fi

if ! part http; then
  :
elif [ -f "$SERVER_JAR" ]; then
  java -cp "$JAR" io.twisterlab.bench.HttpHarness --server-jar "$SERVER_JAR" \
    --rounds 5 --seconds 5 --warmup 10 --connections 32 --out "$OUT/http.md" || echo "HTTP harness did not run (exit $?)" | tee "$OUT/http.md"
else
  echo "twisterlab-server.jar not built: HTTP harness skipped" | tee "$OUT/http.md"
fi

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) (uptime: $(uptime))" | tee -a "$OUT/machine.txt"
python3 "$ROOT/twisterlab-bench/scripts/summarize.py" "$OUT" > "$OUT/summary.md"
echo "summary: $OUT/summary.md"
