"""Catalog scale: import 50,000 cameras and search them, against a plain in-memory scan.

    ./run bench catalog [--cameras 50000] [--queries 200]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from common import print_table, save, summary

from console.matrix.catalog import Catalog, build, read_catalog, search_text
from console.sim.names import city_catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cameras", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "city.csv"
        lines = ["number,id,name,place,main"]
        for e in city_catalog(args.cameras):
            lines.append(f'{e["number"]},{e["id"]},"{e["name"]}","{" / ".join(e["place"])}",{e["streams"]["main"]}')
        csv_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.monotonic()
        cameras = read_catalog(csv_path)
        build(cameras, Path(tmp) / "catalog.sqlite")
        import_s = time.monotonic() - started
        catalog = Catalog(Path(tmp) / "catalog.sqlite")
        texts = [search_text(c).lower() for c in cameras]
        # What operators type: a number, a two-character Chinese word, a longer name, English.
        queries = []
        for _ in range(args.queries):
            cam = rng.choice(cameras)
            queries += [str(cam.number), cam.name[:2], cam.name[:4], cam.place[2][:2], cam.name.split(" ")[1].lower()]
        ours, scan = [], []
        for q in queries:
            t = time.perf_counter()
            found = catalog.search(q, 50)
            ours.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            needle = q.lower()
            baseline = [i for i, text in enumerate(texts) if needle in text][:50]
            scan.append((time.perf_counter() - t) * 1000)
            assert found or not baseline, q
        catalog.close()
    results = {"catalog search": summary(ours), "list scan (baseline)": summary(scan)}
    print_table(f"Catalog of {args.cameras} cameras: import {import_s:.2f} s; search latency, ms ({len(queries)} queries)",
                ["", "n", "p50", "p95", "max"], [[k, int(v["n"]), v["p50"], v["p95"], v["max"]] for k, v in results.items()])
    print(f"\n  import {import_s:.2f} s (goal <= 3); search p95 {results['catalog search']['p95']:.2f} ms (goal <= 20), "
          f"{results['list scan (baseline)']['p95'] / results['catalog search']['p95']:.1f}x faster than a scan")
    save("catalog", {"import_s": import_s, "search_ms": results, "goals": {"import_s": 3, "search_p95_ms": 20}})


if __name__ == "__main__":
    main()
