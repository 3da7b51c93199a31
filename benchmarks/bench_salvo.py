"""Salvo of 64 tiles over 4 wall agents: command to every agent's acknowledgement.

A real matrix host (CurveZMQ on loopback, in this process's thread), four `videowall agent`
processes (one 4x4 screen each, offscreen: every picture converted to RGB and painted by Qt)
and 16 simulated cameras.  `--renderer native` runs the agents on an X server of their own
(Xvfb); Xvfb draws all 64 videos in software on one thread, which makes it the slowest
part, so that mode says little about a real wall PC.
Two salvos that change all 64 tiles are recalled in turn.  For each recall we time, from the
desk's send:

  reply     the host's AK (validated, audited, persisted)
  applied   the last of the 4 agents acknowledging it has switched its 16 tiles
  shown     the last of the 4 agents acknowledging its 16 tiles show the new cameras

Baseline in the same run: one RouteCamera to one tile, timed the same way.

    ./run bench salvo [--recalls 30] [--pause 1.5] [--renderer native|callbacks]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import zmq
from common import ROOT, print_table, save, summary

from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.keys import to_json
from console.matrix.layouts import parse_layout
from console.matrix.model import Camera, Salvo
from console.matrix.protocol import Envelope, decode, encode
from console.sim.site import SimSite, free_port

SCREENS = ("S1", "S2", "S3", "S4")
TILES = 16 * len(SCREENS)
LAYOUT = "version: 1\nwall: {name: bench, screens: [" + ", ".join(f"{{name: {s}, grid: 16}}" for s in SCREENS) + "]}\n"


def recall(desk: HostClient, acks: HostClient, command: dict[str, Any], agents: set[str]) -> dict[str, float]:
    """Send one command; time the host's reply and the agents' acknowledgements as each comes.

    Both sockets are polled together: an agent's acknowledgement may well arrive before the
    host's AK (the AK waits for the audit trail's fsync, the agents do not).
    """
    assert acks.sub is not None
    acks.updates()  # drop what is left from the previous round
    envelope = Envelope("command", command, desk.name)
    poller = zmq.Poller()
    poller.register(desk.dealer, zmq.POLLIN)
    poller.register(acks.sub, zmq.POLLIN)
    seen: list[tuple[float, dict[str, Any]]] = []
    reply: dict[str, Any] | None = None
    replied = 0.0
    done: dict[str, float] = {}
    sent = time.monotonic()
    desk.dealer.send_multipart(encode(envelope))
    deadline = sent + 10
    while time.monotonic() < deadline:
        events = dict(poller.poll(20))
        now = time.monotonic()
        if desk.dealer in events:
            answer = decode(desk.dealer.recv_multipart())
            if answer.parent.get("msg_id") == envelope.msg_id:
                reply, replied = answer.content, now
                if not reply.get("ok"):
                    raise RuntimeError(f"host refused {command}: {reply}")
        if acks.sub in events:
            seen.extend((now, ack.content) for ack in acks.updates())
        if reply is None:
            continue
        seq = int(reply["seq"])
        # Applied and shown acks arrive interleaved; each stage is done when its last agent is.
        for stage in ("applied", "shown"):
            times = {c["agent"]: t for t, c in seen if c["seq"] == seq and c["stage"] == stage and c["agent"] in agents}
            if len(times) == len(agents):
                done[stage] = max(times.values())
        if len(done) == 2:
            break
    if reply is None or len(done) < 2:
        raise RuntimeError(f"no reply or acknowledgements for {command} (reply {reply}, done {sorted(done)})")
    return {"reply": (replied - sent) * 1000, "applied": (done["applied"] - sent) * 1000,
            "shown": (done["shown"] - sent) * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recalls", type=int, default=30)
    parser.add_argument("--pause", type=float, default=1.5, help="seconds between recalls")
    parser.add_argument("--renderer", choices=["native", "callbacks"], default="callbacks")
    args = parser.parse_args()
    xvfb = None
    if args.renderer == "native":
        # -displayfd: Xvfb picks a free display and tells us which.
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", "1", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert xvfb.stdout is not None
        display = f":{xvfb.stdout.readline().decode().strip()}"

    port = free_port()
    site = SimSite(16, port=port, control_port=free_port({port})).start()
    cameras = {c.number: Camera(c.number, str(c.number), c.name, main_stream=c.url) for c in site.cameras}
    keys = {n: zmq.curve_keypair() for n in ("host", "desk", *SCREENS)}
    ports = (free_port(), free_port())
    router, pub = f"tcp://127.0.0.1:{ports[0]}", f"tcp://127.0.0.1:{ports[1]}"
    ctx = zmq.Context()
    procs: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as state:
        host = MatrixHost(parse_layout(LAYOUT), cameras.get,
                          HostKeys(*keys["host"], {keys[n][0]: n for n in ("desk", *SCREENS)}),
                          router=router, pub=pub, state_dir=Path(state), context=ctx).start()
        host.state.salvos["A"] = Salvo("A", tuple((m, (m - 1) % 16 + 1) for m in range(1, TILES + 1)))
        host.state.salvos["B"] = Salvo("B", tuple((m, (m + 4) % 16 + 1) for m in range(1, TILES + 1)))
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
        if xvfb is not None:
            env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display)
        try:
            desk = HostClient(router, keys["host"][0], *keys["desk"], name="desk", context=ctx)
            acks = HostClient(router, keys["host"][0], *keys["desk"], name="desk", pub=pub, topics=("ack",), context=ctx)
            for screen in SCREENS:
                proc = subprocess.Popen([sys.executable, "-m", "console", "--log-level", "WARNING", "agent",
                                         "--host", router, "--server-key", keys["host"][0].decode(), "--pub", pub,
                                         "--screen", screen, "--as", screen, "--windowed", "--renderer", args.renderer,
                                         "--key-stdin"], stdin=subprocess.PIPE, env=env)
                assert proc.stdin is not None
                proc.stdin.write((to_json(*keys[screen]) + "\n").encode())
                proc.stdin.close()
                procs.append(proc)
            deadline = time.monotonic() + 30
            while len(host.health) < len(SCREENS) and time.monotonic() < deadline:
                time.sleep(0.1)
            if len(host.health) < len(SCREENS):
                raise RuntimeError(f"only {sorted(host.health)} of the agents came up")
            agents = set(SCREENS)
            # Warm-up: both salvos once, so every agent has ingested all 16 cameras.
            for name in ("A", "B", "A"):
                recall(desk, acks, {"command": "RecallSalvo", "salvo": name}, agents)
                time.sleep(args.pause)
            salvo: dict[str, list[float]] = {"reply": [], "applied": [], "shown": []}
            single: dict[str, list[float]] = {"reply": [], "applied": [], "shown": []}
            for i in range(args.recalls):
                result = recall(desk, acks, {"command": "RecallSalvo", "salvo": "B" if i % 2 == 0 else "A"}, agents)
                for k, v in result.items():
                    salvo[k].append(v)
                time.sleep(args.pause)
                # Baseline: one tile of one agent, switched between two cameras it already shows.
                result = recall(desk, acks, {"command": "RouteCamera", "monitor": 1, "camera": 9 if i % 2 == 0 else 10},
                                {"S1"})
                for k, v in result.items():
                    single[k].append(v)
                time.sleep(args.pause / 2)
            desk.close()
            acks.close()
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
            host.stop()
            site.close()
            if xvfb is not None:
                xvfb.terminate()
                xvfb.wait(5)

    results = {f"salvo of {TILES} tiles, {len(SCREENS)} agents": {k: summary(v) for k, v in salvo.items()},
               "baseline: one tile, one agent": {k: summary(v) for k, v in single.items()}}
    rows = []
    for label, stages in results.items():
        for stage, s in stages.items():
            rows.append([label, stage, int(s["n"]), s["p50"], s["p95"], s["max"]])
    print_table(f"Salvo recall, ms from the desk's send ({args.renderer} renderer; warm: every camera already "
                "ingested by every agent)",
                ["", "until", "n", "p50", "p95", "max"], rows)
    big, base = results[f"salvo of {TILES} tiles, {len(SCREENS)} agents"], results["baseline: one tile, one agent"]
    print(f"\n  applied + acknowledged p95 = {big['applied']['p95']:.1f} ms (goal <= 20); "
          f"{big['applied']['p95'] / base['applied']['p95']:.1f}x the one-tile baseline")
    print(f"  first frame on all {TILES} tiles p95 = {big['shown']['p95']:.1f} ms "
          f"({big['shown']['p95'] / base['shown']['p95']:.1f}x one tile)")
    save("salvo", {"renderer": args.renderer, "results_ms": results, "goals": {"applied_acknowledged_p95_ms": 20}})


if __name__ == "__main__":
    main()
