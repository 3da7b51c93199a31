"""Tours timed by the host: steps on time, hold, manual steps, hints, and a restart."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import zmq

from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import parse_layout
from console.matrix.model import Camera, Tour
from console.matrix.tours import HINT_LEAD, TourScheduler
from console.sim.site import free_port

CAMERAS = {n: Camera(n, f"c{n}", f"camera {n}", main_stream=f"rtsp://127.0.0.1/{n}") for n in range(1, 20)}
LAYOUT = """\
version: 1
min_dwell: 0.2  # short steps keep the test quick
wall: {name: t, screens: [{name: A, grid: 4}]}
tours:
  - name: "1"
    steps: [{camera: 1, dwell: 0.4}, {camera: 2, dwell: 0.4}, {camera: 3, dwell: 0.4}]
"""


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_scheduler_steps_hints_holds_and_restores() -> None:
    clock = Clock()
    sched = TourScheduler(clock)
    tour = Tour("night", ((1, 5.0), (2, 5.0), (3, 10.0)))
    assert sched.start(4, tour) == 1
    assert sched.upcoming() == [] and sched.next_deadline() == 105.0 - HINT_LEAD
    clock.now = 103.5
    assert sched.upcoming() == [(4, 2)] and sched.upcoming() == []  # hinted once
    clock.now = 105.0
    assert sched.due() == [(4, 2)]
    assert sched.hold(4) is True
    clock.now = 200.0
    assert sched.due() == [] and sched.next_deadline() is None
    assert sched.step(4, 1) == 3 and sched.step(4, 1) == 1 and sched.step(4, -1) == 3
    assert sched.hold(4) is False  # runs on from camera 3, its full dwell
    saved = sched.to_dict()
    assert saved[0]["left"] == 10.0
    other = TourScheduler(clock)
    other.restore(saved, {"night": tour})
    clock.now = 210.0
    assert other.due() == [(4, 1)]
    backwards = TourScheduler(clock)
    assert backwards.start(1, tour, -1) == 3


def routes_over_time(sub: zmq.Socket, seconds: float) -> list[tuple[float, dict]]:  # type: ignore[type-arg]
    from console.matrix.protocol import decode

    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if sub.poll(50):
            frames = sub.recv_multipart()
            envelope = decode(frames[1:])
            out.append((time.monotonic(), {"type": envelope.type, **envelope.content}))
    return out


def test_host_runs_a_tour_on_time_and_survives_a_restart(tmp_path: Path) -> None:
    keys = {n: zmq.curve_keypair() for n in ("host", "desk")}
    ports = (free_port(), free_port())
    ctx = zmq.Context()

    def start() -> MatrixHost:
        return MatrixHost(parse_layout(LAYOUT), CAMERAS.get, HostKeys(*keys["host"], {keys["desk"][0]: "desk"}),
                          router=f"tcp://127.0.0.1:{ports[0]}", pub=f"tcp://127.0.0.1:{ports[1]}", state_dir=tmp_path,
                          context=ctx).start()

    host = start()
    desk = HostClient(f"tcp://127.0.0.1:{ports[0]}", keys["host"][0], *keys["desk"], name="desk",
                      pub=f"tcp://127.0.0.1:{ports[1]}", context=ctx)
    try:
        time.sleep(0.3)  # the subscription reaches the host
        assert desk.keys("2 MON 1 SEQ") == "AK"
        events = routes_over_time(desk.sub, 1.5)
        steps = [(t, e["routes"]["2"]) for t, e in events if e["type"] == "update" and "2" in e["routes"]]
        hints = [e["next"]["2"] for _, e in events if e["type"] == "hint"]
        cameras = [c for _, c in steps]
        assert cameras[:4] == [1, 2, 3, 1], cameras
        gaps = [b[0] - a[0] for a, b in itertools.pairwise(steps)]
        assert all(0.25 <= g <= 0.7 for g in gaps), gaps  # dwell 0.4 s; loose: shared machines
        assert hints[:2] == [2, 3]
        assert desk.keys("HOLD") == "AK"
        held = routes_over_time(desk.sub, 1.0)
        assert not [e for _, e in held if e["type"] == "update" and "2" in e.get("routes", {})]
        assert desk.keys("NEXT") == "AK"  # a manual step while held
        assert desk.keys("HOLD") == "AK"  # and run on
        snapshot_seq = desk.request("snapshot_request", {}).content["seq"]
    finally:
        desk.close()
        host.stop()
    host = start()
    desk = HostClient(f"tcp://127.0.0.1:{ports[0]}", keys["host"][0], *keys["desk"], name="desk",
                      pub=f"tcp://127.0.0.1:{ports[1]}", context=ctx)
    try:
        time.sleep(0.3)
        events = routes_over_time(desk.sub, 1.2)
        assert [e for _, e in events if e["type"] == "update" and "2" in e["routes"]], "the tour did not resume"
        assert desk.request("snapshot_request", {}).content["seq"] > snapshot_seq
        assert desk.keys("2 MON 7 CAM") == "AK"  # an operator's choice ends the tour
        after = routes_over_time(desk.sub, 1.2)
        assert [e["routes"] for _, e in after if e["type"] == "update"] == [{"2": 7}]
    finally:
        desk.close()
        host.stop()


def test_next_without_a_tour_goes_to_the_next_camera(tmp_path: Path) -> None:
    keys = {n: zmq.curve_keypair() for n in ("host", "desk")}
    ports = (free_port(), free_port())
    ctx = zmq.Context()
    cams = {n: CAMERAS[n] for n in (3, 4, 9)}
    host = MatrixHost(parse_layout(LAYOUT), cams.get, HostKeys(*keys["host"], {keys["desk"][0]: "desk"}),
                      router=f"tcp://127.0.0.1:{ports[0]}", pub=f"tcp://127.0.0.1:{ports[1]}", state_dir=tmp_path,
                      context=ctx).start()
    desk = HostClient(f"tcp://127.0.0.1:{ports[0]}", keys["host"][0], *keys["desk"], name="desk", context=ctx)
    try:
        assert desk.keys("1 MON 4 CAM NEXT") == "AK"
        assert desk.request("snapshot_request", {}).content["routes"]["1"] == 9
        assert desk.keys("PREV PREV") == "AK"
        assert desk.request("snapshot_request", {}).content["routes"]["1"] == 3
        assert desk.keys("PREV") == "NA no camera before 3"
        assert desk.keys("5 SEQ") == "NA unknown tour '5'"
    finally:
        desk.close()
        host.stop()
