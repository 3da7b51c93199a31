"""The installed product against the source tree: console start to a usable window, and sizes.

`videowall --config host.yaml` (the one-PC centre: host, wall agents, console; 2,000 cameras)
started from the bundle ./run bundle built (build/dist/videowall) and from the source tree
(`python -m console`), alternately, until each logs "console ready"; then the bundle's and the
package's sizes and build times from build/package.json.

    ./run bench bundle [--starts 5]      (run ./run bundle first)
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, print_table, save, summary

from console.matrix.catalog import build, camera_from_entry
from console.sim.names import city_catalog


def time_to_ready(command: list[str], env: dict[str, str], timeout: float = 60) -> float:
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("event") == "ready":
                return time.monotonic() - started
            if time.monotonic() - started > timeout:
                break
        raise RuntimeError(f"{command[0]} never got ready")
    finally:
        proc.terminate()
        proc.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    bundle = ROOT / "build" / "dist" / "videowall" / "videowall"
    report_file = ROOT / "build" / "package.json"
    if not bundle.exists() or not report_file.exists():
        raise SystemExit("no bundle: run ./run bundle first")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        build((camera_from_entry(e) for e in city_catalog(2000)), base / "catalog.sqlite")
        (base / "host.yaml").write_text(f"layout: {ROOT / 'layouts' / 'town-xinjia.yaml'}\ncatalog: catalog.sqlite\n",
                                        encoding="utf-8")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=tmp, XDG_STATE_HOME=str(base / "state"),
                   XDG_RUNTIME_DIR=tmp)
        ours, source = [], []
        for _ in range(args.starts):
            ours.append(time_to_ready([str(bundle), "--log-json", "--config", str(base / "host.yaml")], env))
            source.append(time_to_ready([sys.executable, "-m", "console", "--log-json", "--config",
                                         str(base / "host.yaml")], dict(env, PYTHONPATH=str(ROOT))))
    package = json.loads(report_file.read_text(encoding="utf-8"))
    results = {"bundle": summary([t * 1000 for t in ours]), "source tree": summary([t * 1000 for t in source])}
    print_table(f"Console start to a usable window, ms ({args.starts} starts each, alternating)",
                ["", "n", "p50", "p95", "max"], [[k, int(v["n"]), v["p50"], v["p95"], v["max"]] for k, v in results.items()])
    ratio = results["bundle"]["p50"] / results["source tree"]["p50"]
    print(f"\n  bundle / source tree: {ratio:.2f}x at p50")
    print(f"  bundle {package['bundle_mb']} MB (built in {package['bundle_s']} s), package {package['deb_mb']} MB "
          f"(packed in {package['package_s']} s), {len(package['depends'])} Depends")
    save("bundle", {"start_ms": results, "ratio_p50": ratio, "package": {k: package[k] for k in
         ("bundle_mb", "deb_mb", "bundle_s", "package_s", "installed_kb")}})


if __name__ == "__main__":
    main()
