"""The console: start to a usable window, and another desk's route change in the wall preview.

(a) `videowall --host … --catalog …` started as a process, against a running matrix host and a
    catalog of 50,000 cameras, until it logs "console ready" (window shown and painted, wall
    snapshot and camera tree loaded).  Baseline in the same run: a bare PySide6 process that
    shows an empty main window (interpreter + Qt start-up, nothing of ours).
(b) A route change sent by another desk, until this console's wall preview shows it (applied
    and repainted).  Baseline: the same update seen by a bare subscriber with no GUI.

    ./run bench console [--starts 5] [--routes 200]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import zmq
from common import ROOT, print_table, save, summary
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from console.matrix.catalog import Catalog, build, camera_from_entry
from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.keys import to_json
from console.matrix.layouts import load_layout
from console.sim.names import city_catalog
from console.sim.site import free_port
from console.ui.console import ConsoleWindow, HostLink
from console.video.player import VideoEngine

BARE = """
import time, sys
from PySide6.QtWidgets import QApplication, QMainWindow
from PySide6.QtCore import QTimer
app = QApplication(sys.argv)
window = QMainWindow(); window.resize(1400, 900); window.show()
def ready():
    app.processEvents()
    print(time.monotonic(), flush=True)
    app.quit()
QTimer.singleShot(0, ready)
app.exec()
"""


def start_times(router: str, server: bytes, desk: tuple[bytes, bytes], catalog: Path,
                starts: int) -> tuple[list[float], list[float]]:
    ours, bare = [], []
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    for _ in range(starts):
        with tempfile.TemporaryDirectory() as home:
            # A fresh user: no saved window state to restore, like a first start.
            env_run = dict(env, HOME=home, XDG_CONFIG_HOME=home)
            began = time.monotonic()
            proc = subprocess.Popen([sys.executable, "-m", "console", "--log-json", "--host", router, "--server-key",
                                     server.decode(), "--catalog", str(catalog), "--key-stdin"],
                                    stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env_run,
                                    text=True)
            assert proc.stdin is not None and proc.stderr is not None
            proc.stdin.write(to_json(*desk) + "\n")
            proc.stdin.flush()
            ready = None
            for line in proc.stderr:
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("event") == "ready":
                    ready = float(entry["monotonic"])
                    break
            proc.terminate()
            proc.wait(10)
            if ready is None:
                raise RuntimeError("the console never said it was ready")
            ours.append((ready - began) * 1000)
        began = time.monotonic()
        out = subprocess.run([sys.executable, "-c", BARE], capture_output=True, text=True, env=env, check=True)
        bare.append((float(out.stdout.strip()) - began) * 1000)
    return ours, bare


def route_latency(app: QApplication, endpoints: tuple[str, str], server: bytes, keys: dict[str, tuple[bytes, bytes]], *,
                  catalog: Path, routes: int) -> tuple[list[float], list[float]]:
    router, pub = endpoints
    engine = VideoEngine()
    with tempfile.TemporaryDirectory() as folder:
        settings = QSettings(str(Path(folder) / "bench.ini"), QSettings.Format.IniFormat)
        window = ConsoleWindow(HostLink(HostClient(router, server, *keys["desk"], name="desk", pub=pub)), Catalog(catalog),
                               engine, settings=settings)
        window.show()
        bare = HostClient(router, server, *keys["watch"], name="watch", pub=pub)
        other = HostClient(router, server, *keys["desk-2"], name="desk-2")
        deadline = time.monotonic() + 5
        while window.preview.seq is None and time.monotonic() < deadline:
            app.processEvents()
        time.sleep(0.5)  # subscriptions settle
        app.processEvents()
        bare.updates()
        seen_gui, seen_bare = [], []
        for i in range(routes):
            monitor, camera = 1 + i % 16, 1001 + i
            sent: list[float] = []

            def send(m: int = monitor, c: int = camera, stamp: list[float] = sent) -> None:
                stamp.append(time.monotonic())
                other.request("command", {"command": "RouteCamera", "monitor": m, "camera": c})

            worker = threading.Thread(target=send)
            worker.start()
            got_gui = got_bare = None
            limit = time.monotonic() + 2
            while (got_gui is None or got_bare is None) and time.monotonic() < limit:
                app.processEvents()
                if got_gui is None and (info := window.preview.tile_info(monitor)) is not None and info.camera == camera:
                    got_gui = time.monotonic()
                if (got_bare is None and bare.sub is not None and bare.sub.poll(0)
                        and any(u.content["routes"].get(str(monitor)) == camera for u in bare.updates())):
                    got_bare = time.monotonic()
            worker.join()
            if got_gui is None or got_bare is None:
                raise RuntimeError(f"route {monitor} <- {camera} not seen")
            seen_gui.append((got_gui - sent[0]) * 1000)
            seen_bare.append((got_bare - sent[0]) * 1000)
            time.sleep(0.01)
        window.link.close()
        window.close()
        bare.close()
        other.close()
    engine.close()
    return seen_gui, seen_bare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--routes", type=int, default=200)
    parser.add_argument("--cameras", type=int, default=50_000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        catalog = Path(folder) / "catalog.sqlite"
        build((camera_from_entry(e) for e in city_catalog(args.cameras)), catalog)
        keys = {n: zmq.curve_keypair() for n in ("host", "desk", "desk-2", "watch")}
        router, pub = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
        host = MatrixHost(load_layout(ROOT / "layouts" / "county-nanhu.yaml"), Catalog(catalog).get,
                          HostKeys(*keys["host"], {keys[n][0]: n for n in keys if n != "host"}),
                          router=router, pub=pub, state_dir=Path(folder) / "state", context=zmq.Context()).start()
        try:
            ours, bare = start_times(router, keys["host"][0], keys["desk"], catalog, args.starts)
            gui, sub = route_latency(app, (router, pub), keys["host"][0], keys, catalog=catalog, routes=args.routes)
        finally:
            host.stop()
    results = {"start": {"console (50k catalog)": summary(ours), "bare PySide6 window": summary(bare)},
               "remote route": {"wall preview shows it": summary(gui), "bare subscriber gets it": summary(sub)}}
    print_table(f"Console start to a usable window, ms ({args.cameras} cameras, {args.starts} starts)",
                ["", "n", "p50", "p95", "max"],
                [[k, int(v["n"]), v["p50"], v["p95"], v["max"]] for k, v in results["start"].items()])
    print_table("Another desk's route change, ms from its send",
                ["", "n", "p50", "p95", "max"],
                [[k, int(v["n"]), v["p50"], v["p95"], v["max"]] for k, v in results["remote route"].items()])
    start, base = results["start"]["console (50k catalog)"], results["start"]["bare PySide6 window"]
    route = results["remote route"]["wall preview shows it"]
    print(f"\n  start p50 {start['p50']:.0f} ms (goal <= 1500), {start['p50'] / base['p50']:.1f}x a bare PySide6 window")
    print(f"  remote route p95 {route['p95']:.1f} ms (goal <= 50), "
          f"+{route['p50'] - results['remote route']['bare subscriber gets it']['p50']:.1f} ms over a bare subscriber at p50")
    save("console", {"results_ms": results, "goals": {"start_ms": 1500, "remote_route_p95_ms": 50}})


if __name__ == "__main__":
    main()
