#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn a bench guest log into a table and JSON.

usage: bench-report.py LOG RELEASE JSON_OUT
"""
import json
import re
import statistics
import sys

GIB = 1 << 30
KINDS = ["anon-4k", "thp", "hugetlb-2m", "hugetlb-1g"]


def kv(line):
    return dict(m.groups() for m in re.finditer(r"(\w+)=(\S+)", line))


def stats(values):
    return {"min": min(values), "median": statistics.median(values),
            "n": len(values)} if values else None


def main(log, release, out):
    gup = {}      # (kind, n) -> [us]
    ours = {}     # kind -> [us]
    book = {}     # kind -> bytes per GiB
    reads = {}    # kind -> ns
    for line in open(log, errors="replace"):
        line = line.strip()
        if line.startswith("gup_test "):
            f = kv(line)
            m = re.search(r"get:(\d+) put:(\d+) us", line)
            gup.setdefault((f["kind"], int(f["n"])), []).append(
                int(m.group(1)) + int(m.group(2)))
        elif line.startswith("pinstat "):
            f = kv(line)
            if "folios_read_ns" in f:
                reads[f["kind"]] = int(f["folios_read_ns"])
                continue
            us = (int(f["pin_ns"]) + int(f["unpin_ns"])) / 1000
            ours.setdefault(f["kind"], []).append(us)
            book[f["kind"]] = int(f["bookkeeping"]) * GIB / int(f["bytes"])
    rows = []
    for kind in KINDS:
        g1, g512, p = (stats(gup.get((kind, 1), [])),
                       stats(gup.get((kind, 512), [])), stats(ours.get(kind, [])))
        ratio = p["median"] / g512["median"] if p and g512 else None
        rows.append({"kind": kind, "gup_test_n1_us": g1, "gup_test_n512_us": g512,
                     "pinstat_us": p, "ratio_vs_n512": ratio,
                     "ratio_vs_n1": p["median"] / g1["median"] if p and g1 else None,
                     "bookkeeping_per_gib": book.get(kind),
                     "gup_test_bookkeeping_per_gib": 8 * GIB // 4096})
    folio_ratio = (reads["thp"] / reads["anon-4k"]
                   if reads.get("thp") and reads.get("anon-4k") else None)
    doc = {"release": release, "rows": rows, "folios_read_ns": reads,
           "folios_read_ratio_thp_vs_4k": folio_ratio}
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)

    print(f"\n{release}: pin + unpin, microseconds (min / median of "
          f"{max((r['pinstat_us'] or {}).get('n', 0) for r in rows)} runs)")
    print(f"{'kind':11} {'gup_test -n 1':>17} {'gup_test -n 512':>17} "
          f"{'pinstat':>17} {'ratio':>6} {'bookkeeping/GiB':>16}")
    for r in rows:
        def cell(s):
            return f"{s['min']:.0f} / {s['median']:.0f}" if s else "-"
        ratio = f"{r['ratio_vs_n512']:.2f}" if r["ratio_vs_n512"] else "-"
        bk = f"{r['bookkeeping_per_gib']:.0f} B" if r["bookkeeping_per_gib"] else "-"
        print(f"{r['kind']:11} {cell(r['gup_test_n1_us']):>17} "
              f"{cell(r['gup_test_n512_us']):>17} {cell(r['pinstat_us']):>17} "
              f"{ratio:>6} {bk:>16}")
    print("ratio: pinstat median / gup_test -n 512 median; gup_test keeps "
          "8 B a page (2097152 B/GiB)")
    if folio_ratio is not None:
        print(f"debugfs folios read, 1 GiB: THP {reads['thp'] / 1e3:.0f} us, "
              f"4 KiB {reads['anon-4k'] / 1e3:.0f} us, ratio {folio_ratio:.4f}")
    print(f"JSON: {out}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
