"""Black at a tour step: how long a touring tile shows no picture between two cameras.

A real matrix host (CurveZMQ on loopback), one wall agent, 16 simulated cameras and a tour over
8 of them.  At every step the tile's frame log (each paint of its picture area: the camera
shown, or none) gives the time and the frames between the last picture of the old camera and
the first of the new; a frame is one period of the cameras' frame rate.

    ./run bench tour_black [--steps 20] [--dwell 2.5] [--renderer callbacks|native]

Three ways, in the same run:
  pre-open      the agent opens the next camera hidden, decoding, before the step (ours)
  pre-connect   the agent only starts ingesting the next camera on the host's hint
                (the GOP cache is warm, the player starts at the step: before issue 12)
  cold          hints ignored: every step connects from nothing

`--renderer native` needs an X server (it starts its own Xvfb when there is no DISPLAY):
libvlc then draws into the tiles' X windows, and the frame log comes from the X screen's
pixels instead (the camera read from the picture, 60 times a second).
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if "--renderer" in sys.argv and "native" in sys.argv and not os.environ.get("DISPLAY") and not os.environ.get(
        "VIDEOWALL_BENCH_XVFB"):
    # libvlc's native output needs a real X server: run again inside a private Xvfb.
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        sys.exit("bench_tour_black --renderer native: xvfb-run is missing (Debian package xvfb)")
    env = dict(os.environ, VIDEOWALL_BENCH_XVFB="1", QT_QPA_PLATFORM="xcb")
    sys.exit(subprocess.call([xvfb, "-a", "-s", "-screen 0 1280x800x24", sys.executable, *sys.argv], env=env))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import zmq
from common import print_table, save, summary
from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QApplication

from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import parse_layout
from console.matrix.model import Camera, Tour
from console.sim.site import SimSite, free_port
from console.ui.agent import WallAgent
from console.ui.tile import TileWidget
from console.video.player import VideoEngine

LAYOUT = "version: 1\nwall: {name: bench, screens: [{name: A, grid: 4}]}\n"
MODES = ("pre-open", "pre-connect", "cold")


def camera_on_screen(app: QApplication, tile: TileWidget) -> int | None:
    from tests.support.pixels import camera_in

    rect = tile.video_rect()
    origin = tile.mapToGlobal(QPoint(rect.x(), rect.y()))
    shot = app.primaryScreen().grabWindow(0, origin.x(), origin.y(), rect.width(), rect.height()).toImage()
    return camera_in(shot)


def black_at_steps(log: list[tuple[float, int | None]], steps: list[tuple[float, int, int]],
                   frame_period: float) -> list[dict[str, float]]:
    """For each step (time, old camera, new camera): the gap with no picture between the last
    paint of the old camera and the first of the new, in ms and in frames."""
    out = []
    for when, old, new in steps:
        first_new = next((t for t, cam in log if t >= when and cam == new), None)
        if first_new is None:
            continue  # the new camera never showed: not a black gap, a failed step
        last_old = max((t for t, cam in log if t <= first_new and cam == old), default=None)
        if last_old is None:
            continue
        blank = [t for t, cam in log if last_old < t < first_new and cam != new]
        black = (first_new - blank[0]) if blank else 0.0
        # Any black at all counts as a frame: a black paint stays up until the next one.
        out.append({"black_ms": black * 1000, "frames": math.ceil(black / frame_period) if blank else 0,
                    "blank_paints": len(blank), "switch_ms": (first_new - when) * 1000})
    return out


def run(app: QApplication, site: SimSite, steps: int, dwell: float, *, mode: str, renderer: str) -> list[dict[str, float]]:
    cameras = {c.number: Camera(c.number, str(c.number), c.name, main_stream=c.url) for c in site.cameras}
    keys = {n: zmq.curve_keypair() for n in ("host", "agent", "desk")}
    ports = (free_port(), free_port())
    ctx = zmq.Context()
    with tempfile.TemporaryDirectory() as state:
        host = MatrixHost(parse_layout(LAYOUT), cameras.get,
                          HostKeys(*keys["host"], {keys["agent"][0]: "agent", keys["desk"][0]: "desk"}),
                          router=f"tcp://127.0.0.1:{ports[0]}", pub=f"tcp://127.0.0.1:{ports[1]}",
                          state_dir=Path(state), context=ctx).start()
        host.state.tours["1"] = Tour("1", tuple((n, dwell) for n in range(1, 9)))
        stepped: list[tuple[float, int, int]] = []
        original = host.tours.due

        def due() -> list[tuple[int, int]]:
            before = {m: r.camera for m, r in host.tours.runs.items()}
            result = original()
            for monitor, camera in result:
                stepped.append((time.monotonic(), before.get(monitor, 0), camera))
            return result

        host.tours.due = due  # type: ignore[method-assign]
        # No linger for "cold": a tour cycling faster than the linger would otherwise be warm.
        engine = VideoEngine(linger=30.0 if mode != "cold" else 0.0)
        agent = WallAgent(HostClient(f"tcp://127.0.0.1:{ports[0]}", keys["host"][0], *keys["agent"], name="agent",
                                     pub=f"tcp://127.0.0.1:{ports[1]}", context=ctx), "A", engine, renderer)
        agent.preopen = mode == "pre-open"
        if mode == "cold":
            agent._preconnect = lambda _content: None  # type: ignore[method-assign]
        agent.setGeometry(40, 40, 640, 480)
        agent.show()
        tile = agent.tiles[0]
        screen_log: list[tuple[float, int | None]] = []
        sampler = QTimer()
        if renderer == "native":
            sampler.setInterval(16)
            sampler.timeout.connect(lambda: screen_log.append((time.monotonic(), camera_on_screen(app, tile))))
            sampler.start()
        desk = HostClient(f"tcp://127.0.0.1:{ports[0]}", keys["host"][0], *keys["desk"], name="desk", context=ctx)
        desk.keys("1 MON 1 SEQ")
        deadline = time.monotonic() + (steps + 2) * dwell + 5
        while len(stepped) < steps and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.002)
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.002)
        sampler.stop()
        log = screen_log if renderer == "native" else list(tile.frame_log)
        if os.environ.get("BENCH_DEBUG"):  # what the log holds around the first steps
            for when, old, new in stepped[:3]:
                print("step", old, "->", new, [(round((t - when) * 1000), c) for t, c in log if -0.1 < t - when < 0.2])
        results = black_at_steps(log, stepped, 1.0 / site.fps)
        agent.shutdown()
        agent.client.close()
        desk.close()
        engine.close()
        host.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--dwell", type=float, default=2.5)
    parser.add_argument("--renderer", choices=("callbacks", "native"), default="callbacks")
    parser.add_argument("--modes", default=",".join(MODES), help=f"which of {', '.join(MODES)}, comma-separated")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    port = free_port()
    site = SimSite(16, port=port, control_port=free_port({port})).start()
    measured: dict[str, list[dict[str, float]]] = {}
    try:
        for mode in args.modes.split(","):
            measured[mode] = run(app, site, args.steps, args.dwell, mode=mode, renderer=args.renderer)
    finally:
        site.close()
    results: dict[str, Any] = {}
    rows = []
    for mode, steps in measured.items():
        frames = summary([s["frames"] for s in steps])
        black = summary([s["black_ms"] for s in steps])
        switch = summary([s["switch_ms"] for s in steps])
        results[mode] = {"black_frames": frames, "black_ms": black, "step_to_first_new_frame_ms": switch,
                         "steps_with_black": sum(1 for s in steps if s["frames"] > 0)}
        rows.append([mode, int(frames["n"]), frames["p50"], frames["p95"], frames["max"], black["p50"], black["p95"],
                     switch["p50"], switch["p95"]])
    print_table(f"Black at a tour step, {args.renderer} renderer ({args.steps} steps, dwell {args.dwell} s, "
                f"{site.fps} fps, GOP {site.gop:g} s)",
                ["", "n", "frames p50", "p95", "max", "black ms p50", "p95", "step→new ms p50", "p95"], rows)
    if "pre-open" in results:
        p95 = results["pre-open"]["black_frames"]["p95"]
        print(f"\n  pre-open: black frames p95 = {p95:.0f} (goal 0)")
    save(f"tour_black_{args.renderer}", {"renderer": args.renderer, "steps": args.steps, "dwell": args.dwell,
                                         "results": results, "goals": {"black_frames_p95": 0}})


if __name__ == "__main__":
    main()
