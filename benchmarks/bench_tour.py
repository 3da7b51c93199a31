"""Tour steps: host's step to the agent's first frame, with and without pre-connection.

A real matrix host (CurveZMQ on loopback), a wall agent (offscreen), 16 simulated cameras and
a tour over 8 of them.  With pre-connection the agent starts ingesting the next camera when
the host hints it (2 s ahead); the baseline ignores the hints, so every step is a cold switch.

    ./run bench tour [--steps 20] [--dwell 2.5]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import zmq
from common import print_table, save, summary
from PySide6.QtWidgets import QApplication

from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import parse_layout
from console.matrix.model import Camera, Tour
from console.sim.site import SimSite, free_port
from console.ui.agent import WallAgent
from console.video.player import VideoEngine

LAYOUT = "version: 1\nwall: {name: bench, screens: [{name: A, grid: 4}]}\n"


def run(app: QApplication, site: SimSite, steps: int, dwell: float, preconnect: bool) -> list[float]:
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
        stepped: list[float] = []
        original = host.tours.due

        def due() -> list[tuple[int, int]]:
            result = original()
            if result:
                stepped.append(time.monotonic())
            return result

        host.tours.due = due  # type: ignore[method-assign]
        # The baseline keeps nothing: a tour cycling faster than the linger would otherwise be warm.
        engine = VideoEngine(linger=30.0 if preconnect else 0.0)
        agent = WallAgent(HostClient(f"tcp://127.0.0.1:{ports[0]}", keys["host"][0], *keys["agent"], name="agent",
                                     pub=f"tcp://127.0.0.1:{ports[1]}", context=ctx), "A", engine)
        if not preconnect:
            agent._preconnect = lambda _content: None  # type: ignore[method-assign]
        agent.resize(640, 480)
        agent.show()
        desk = HostClient(f"tcp://127.0.0.1:{ports[0]}", keys["host"][0], *keys["desk"], name="desk", context=ctx)
        firsts: list[float] = []
        agent.tiles[0].first_frame.connect(lambda _s: firsts.append(time.monotonic()))
        desk.keys("1 MON 1 SEQ")
        deadline = time.monotonic() + (steps + 2) * dwell + 5
        while len(stepped) < steps and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.002)
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.002)
        latencies = []
        for step_at in stepped:
            after = [f for f in firsts if f >= step_at]
            if after:
                latencies.append((after[0] - step_at) * 1000)
        agent.shutdown()
        agent.client.close()
        desk.close()
        engine.close()
        host.stop()
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--dwell", type=float, default=2.5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    port = free_port()
    site = SimSite(16, port=port, control_port=free_port({port})).start()
    try:
        warm = run(app, site, args.steps, args.dwell, preconnect=True)  # type: ignore[arg-type]
        cold = run(app, site, args.steps, args.dwell, preconnect=False)  # type: ignore[arg-type]
    finally:
        site.close()
    results = {"with pre-connection": summary(warm), "without (baseline)": summary(cold)}
    print_table(f"Tour step to first frame, ms ({args.steps} steps, dwell {args.dwell} s, GOP 1 s)",
                ["", "n", "p50", "p95", "max"], [[k, int(v["n"]), v["p50"], v["p95"], v["max"]] for k, v in results.items()])
    ratio = results["without (baseline)"]["p50"] / results["with pre-connection"]["p50"]
    print(f"\n  with pre-connection p95 = {results['with pre-connection']['p95']:.1f} ms (goal <= 80); "
          f"{ratio:.0f}x faster than cold steps at p50")
    save("tour", {"results_ms": results, "goals": {"step_to_first_frame_p95_ms": 80}})


if __name__ == "__main__":
    main()
