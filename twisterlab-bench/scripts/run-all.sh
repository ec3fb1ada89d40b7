#!/usr/bin/env bash
# Runs the committed benchmark session: JMH (single key at 1 and 2 threads, keyed), heap per key, the Redis harness.
# Usage (from the repository root, after ./mvnw -B -pl twisterlab-bench,twisterlab-server -am package -DskipTests):
#   twisterlab-bench/scripts/run-all.sh [results-dir]      # default twisterlab-bench/results
# JMH settings can be overridden: JMH_OPTS="-f 3 -wi 5 -w 1s -i 10 -r 1s" twisterlab-bench/scripts/run-all.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAR="$ROOT/twisterlab-bench/target/benchmarks.jar"
OUT="${1:-$ROOT/twisterlab-bench/results}"
JMH_OPTS="${JMH_OPTS:--f 1 -wi 3 -w 1s -i 5 -r 1s}"
mkdir -p "$OUT"
[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B -pl twisterlab-bench -am package -DskipTests first" >&2; exit 1; }

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "redis-benchmark: $(command -v redis-benchmark || echo 'NOT FOUND (apt-get install -y redis-tools)')"
  echo "jmh opts: $JMH_OPTS"
} | tee "$OUT/machine.txt"

for t in 1 2; do
  java -jar "$JAR" 'SingleKeyBenchmark' $JMH_OPTS -t "$t" -p regime=OPEN,EXHAUSTED -prof gc \
    -rf json -rff "$OUT/jmh-single-key-t$t.json" | tee "$OUT/jmh-single-key-t$t.txt"
done
java -jar "$JAR" 'KeyedBenchmark' $JMH_OPTS -t 1 -prof gc \
  -rf json -rff "$OUT/jmh-keyed-t1.json" | tee "$OUT/jmh-keyed-t1.txt"

java -Xms3g -Xmx3g -cp "$JAR" io.twisterlab.bench.HeapPerKey 1000000 | tee "$OUT/heap-per-key.md"

java -cp "$JAR" io.twisterlab.bench.RedisHarness --warmup 3 --seconds 5 --callers 1,16,64 --keys 100000 \
  --out "$OUT/redis.md" 2> >(grep -v '^SLF4J' >&2)

if [ -f "$ROOT/twisterlab-server/target/twisterlab-server.jar" ]; then
  java -cp "$JAR" io.twisterlab.bench.HttpHarness --server-jar "$ROOT/twisterlab-server/target/twisterlab-server.jar" \
    --rounds 3 --seconds 5 --connections 32 --out "$OUT/http.md" || echo "HTTP harness did not run (exit $?)" | tee "$OUT/http.md"
else
  echo "twisterlab-server.jar not built: HTTP harness skipped" | tee "$OUT/http.md"
fi

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"
python3 "$ROOT/twisterlab-bench/scripts/summarize.py" "$OUT" > "$OUT/summary.md"
echo "summary: $OUT/summary.md"
