#!/usr/bin/env python3
"""Turns the raw JMH JSON of a session into Markdown tables of medians with ranges, as ratios to peers.

Usage: summarize.py RESULTS_DIR   (reads RESULTS_DIR/raw/*.json, prints Markdown)

run-all.sh runs every benchmark once per round (interleaved); here the measurement iterations of all rounds are
pooled per (benchmark, params, threads). Reported: the median of the pooled iterations with their min–max (ns/op),
the allocation per op (median gc.alloc.rate.norm), and our median ÷ the peer's median with a conservative range
[min(ours)/max(peer), max(ours)/min(peer)].
"""
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path


def load(directory):
    pooled = defaultdict(lambda: {"raw": [], "alloc": [], "rounds": 0})
    for f in sorted(Path(directory).glob("raw/*.json")):
        text = f.read_text().strip()
        if not text:
            continue
        for r in json.loads(text):
            cls, method = r["benchmark"].rsplit(".", 2)[-2:]
            params = tuple(sorted((r.get("params") or {}).items()))
            key = (cls, r["threads"], params, method)
            p = pooled[key]
            p["raw"] += [x for fork in r["primaryMetric"]["rawData"] for x in fork]
            p["rounds"] += 1
            sec = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
            if sec:
                p["alloc"] += [x for fork in sec["rawData"] for x in fork]
    return pooled


def ratio(ours, peer):
    m = statistics.median(ours) / statistics.median(peer)
    return f"{m:.2f}× ({min(ours) / max(peer):.2f}–{max(ours) / min(peer):.2f})"


def table(pooled, cls, threads, peer, ours, title):
    keys = [k for k in pooled if k[0] == cls and k[1] == threads]
    if not keys:
        return ""
    out = [f"### {title}", "",
           f"| params | benchmark | rounds × iterations | ns/op median (min–max) | B/op | "
           + (f"time ÷ {peer} (min–max) |" if peer else " |"),
           "|---|---|---:|---:|---:|---:|"]
    for params in sorted({k[2] for k in keys}):
        label = ", ".join(f"{k}={v}" for k, v in params) or "-"
        peer_row = pooled.get((cls, threads, params, peer))
        for k in sorted(k for k in keys if k[2] == params):
            r = pooled[k]
            v = r["raw"]
            alloc = f"{statistics.median(r['alloc']):.0f}" if r["alloc"] else ""
            rat = ratio(v, peer_row["raw"]) if peer and peer_row and k[3] != peer else ""
            name = f"**{k[3]}**" if k[3] in ours else k[3]
            out.append(f"| {label} | {name} | {r['rounds']} × {len(v) // max(1, r['rounds'])} | "
                       f"{statistics.median(v):.1f} ({min(v):.1f}–{max(v):.1f}) | {alloc} | {rat} |")
    out.append("")
    return "\n".join(out)


def main():
    pooled = load(sys.argv[1])
    ours = {"twisterlab_tryAcquire", "twisterlab_decide"}
    parts = []
    for t in sorted({k[1] for k in pooled if k[0] == "SingleKeyBenchmark"}):
        parts.append(table(pooled, "SingleKeyBenchmark", t, "bucket4j_tryConsumeAndReturnRemaining", ours,
                           f"Single key, {t} thread(s)"))
    for t in sorted({k[1] for k in pooled if k[0] == "KeyedBenchmark"}):
        parts.append(table(pooled, "KeyedBenchmark", t, "bucket4j_chm", ours, f"Keyed, {t} thread(s)"))
    parts.append(table(pooled, "MemoryStoreAnatomyBenchmark", 1, None, set(), "Anatomy of one in-memory decision"))
    print("\n".join(p for p in parts if p))


if __name__ == "__main__":
    main()
