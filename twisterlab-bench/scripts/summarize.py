#!/usr/bin/env python3
"""Turns the raw JMH JSON of a session into Markdown tables of medians with ranges, as ratios to peers.

Usage: summarize.py RESULTS_DIR  (reads jmh-*.json, prints Markdown)

For each benchmark: the median of the measurement iterations and their min-max range (ns/op), the allocation per op
(gc.alloc.rate.norm median), and the ratio of our median to the peer's median with a conservative range
[min(ours)/max(peer), max(ours)/min(peer)].
"""
import json
import statistics
import sys
from pathlib import Path


def load(path):
    rows = {}
    for r in json.loads(Path(path).read_text()):
        name = r["benchmark"].rsplit(".", 1)[1]
        params = tuple(sorted((r.get("params") or {}).items()))
        raw = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
        alloc = None
        sec = r.get("secondaryMetrics", {}).get("gc.alloc.rate.norm")
        if sec:
            alloc = statistics.median([x for fork in sec["rawData"] for x in fork])
        rows[(name, params)] = {"raw": raw, "median": statistics.median(raw), "alloc": alloc, "threads": r["threads"]}
    return rows


def fmt_range(v):
    return f"{statistics.median(v):.1f} ({min(v):.1f}–{max(v):.1f})"


def ratio(ours, peer):
    m = statistics.median(ours) / statistics.median(peer)
    lo = min(ours) / max(peer)
    hi = max(ours) / min(peer)
    return f"{m:.2f}× ({lo:.2f}–{hi:.2f})"


def table(rows, ours_names, peer_name, title):
    out = [f"### {title}", ""]
    groups = sorted({p for (_, p) in rows})
    out.append("| params | benchmark | ns/op median (min–max) | B/op | time ÷ " + peer_name + " |")
    out.append("|---|---|---:|---:|---:|")
    for params in groups:
        label = ", ".join(f"{k}={v}" for k, v in params) or "-"
        peer = rows.get((peer_name, params))
        for (name, p), r in sorted(rows.items(), key=lambda kv: kv[0][0]):
            if p != params:
                continue
            alloc = "" if r["alloc"] is None else f"{r['alloc']:.0f}"
            rat = ratio(r["raw"], peer["raw"]) if peer and name != peer_name else ""
            if name in ours_names:
                name = f"**{name}**"
            out.append(f"| {label} | {name} | {fmt_range(r['raw'])} | {alloc} | {rat} |")
    out.append("")
    return "\n".join(out)


def main():
    d = Path(sys.argv[1])
    parts = []
    for f in sorted(d.glob("jmh-single-key-t*.json")):
        t = f.stem.rsplit("-t", 1)[1]
        parts.append(table(load(f), {"twisterlab_tryAcquire", "twisterlab_decide"},
                           "bucket4j_tryConsumeAndReturnRemaining", f"Single key, {t} thread(s)"))
    for f in sorted(d.glob("jmh-keyed-t*.json")):
        t = f.stem.rsplit("-t", 1)[1]
        parts.append(table(load(f), {"twisterlab_tryAcquire"}, "bucket4j_chm", f"Keyed, {t} thread(s)"))
    print("\n".join(parts))


if __name__ == "__main__":
    main()
