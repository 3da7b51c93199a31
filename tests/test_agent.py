"""A wall agent follows the host: a keyboard switch shows the right camera on the right tile."""

from __future__ import annotations

from pathlib import Path

import pytest
import zmq

from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import load_layout
from console.matrix.model import Camera
from console.sim.site import SimSite, free_port
from console.ui.agent import WallAgent
from console.ui.console import HostLink
from console.video.player import VideoEngine
from tests.support.pixels import camera_in

LAYOUT = Path(__file__).resolve().parents[1] / "layouts" / "town-xinjia.yaml"


@pytest.fixture
def rig(tmp_path: Path, sim: SimSite):  # type: ignore[no-untyped-def]
    cameras = {c.number: Camera(c.number, f"sim-{c.number}", c.name, main_stream=c.url, credential="sim")
               for c in sim.cameras}
    keys = {name: zmq.curve_keypair() for name in ("host", "desk", "agent")}
    ports = (free_port(), free_port())
    ctx = zmq.Context()
    host = MatrixHost(load_layout(LAYOUT), cameras.get,
                      HostKeys(*keys["host"], {keys["desk"][0]: "desk-1", keys["agent"][0]: "agent-A1"}),
                      router=f"tcp://127.0.0.1:{ports[0]}", pub=f"tcp://127.0.0.1:{ports[1]}", state_dir=tmp_path,
                      context=ctx).start()

    def connect(who: str, updates: bool = False) -> HostClient:
        return HostClient(f"tcp://127.0.0.1:{ports[0]}", keys["host"][0], *keys[who], name=who,
                          pub=f"tcp://127.0.0.1:{ports[1]}" if updates else None, context=ctx)

    yield host, connect
    host.stop()


def open_agent(qtbot, connect, engine: VideoEngine) -> WallAgent:  # type: ignore[no-untyped-def]
    agent = WallAgent(connect("agent", updates=True), "A1", engine)
    qtbot.addWidget(agent)
    agent.resize(800, 640)
    agent.show()
    return agent


def shown(agent: WallAgent, monitor: int) -> int | None:
    tile = agent.tiles[monitor - agent.first_monitor]
    return camera_in(tile.grab().toImage(), tile.video_rect())


def test_agent_follows_keyboard_and_rebuilds_from_snapshot(qtbot, rig, engine: VideoEngine) -> None:  # type: ignore[no-untyped-def]
    host, connect = rig
    desk = connect("desk")
    agent = open_agent(qtbot, connect, engine)
    try:
        assert [t.monitor for t in agent.tiles] == [1, 2, 3, 4]
        assert desk.keys("2 MON 3 CAM") == "AK"
        qtbot.waitUntil(lambda: shown(agent, 2) == 3, timeout=6000)
        assert desk.keys("5 CAM") == "AK"  # monitor 2 stays selected
        qtbot.waitUntil(lambda: shown(agent, 2) == 5, timeout=6000)
        assert desk.keys("6 MON 1 CAM") == "AK"  # another screen's tile: not ours
        agent.report_health()  # one-way: the host files it without a reply
        qtbot.waitUntil(lambda: host.health.get("agent-A1", {}).get("tiles", {}).get("2", {}).get("camera") == 5,
                        timeout=3000)
    finally:
        agent.shutdown()
        agent.client.close()
    # A new agent (a restart): everything comes back from the snapshot.
    again = open_agent(qtbot, connect, engine)
    try:
        qtbot.waitUntil(lambda: shown(again, 2) == 5, timeout=6000)
        assert again.tiles[0].camera_number is None
    finally:
        again.shutdown()
        again.client.close()
        desk.close()


def test_agent_preconnects_a_tours_next_camera(qtbot, rig, engine: VideoEngine) -> None:  # type: ignore[no-untyped-def]
    host, connect = rig
    from console.matrix.model import Tour

    host.state.tours["9"] = Tour("9", ((1, 2.5), (4, 2.5)))
    desk = connect("desk")
    agent = open_agent(qtbot, connect, engine)
    try:
        assert desk.keys("3 MON 9 SEQ") == "AK"
        qtbot.waitUntil(lambda: shown(agent, 3) == 1, timeout=6000)
        # The hint comes 2 s before the step: camera 4 is being ingested before it is due.
        qtbot.waitUntil(lambda: 4 in agent.preconnected, timeout=3000)
        assert agent.tiles[2].camera_number == 1
        url = agent._url(3, 4)
        assert url is not None and engine.pool.get(url) is not None
        with qtbot.waitSignal(agent.tiles[2].first_frame, timeout=4000) as first:
            pass
        qtbot.waitUntil(lambda: shown(agent, 3) == 4, timeout=3000)
        assert first.args[0] < 0.2  # a warm switch: the GOP cache was ready
    finally:
        agent.shutdown()
        agent.client.close()
        desk.close()


def test_agent_follows_a_host_that_restarts_one_update_lower(qtbot, tmp_path: Path, sim: SimSite,  # type: ignore[no-untyped-def]
                                                             engine: VideoEngine) -> None:
    """A host killed between publishing an update and making it durable comes back without
    it, one number lower: the agent must not keep the lost route, nor drop the next update
    because it has that number already."""
    import json

    cameras = {c.number: Camera(c.number, f"sim-{c.number}", c.name, main_stream=c.url, credential="sim")
               for c in sim.cameras}
    keys = {name: zmq.curve_keypair() for name in ("host", "desk", "agent")}
    ports = (free_port(), free_port())
    ctx = zmq.Context()
    router, pub = f"tcp://127.0.0.1:{ports[0]}", f"tcp://127.0.0.1:{ports[1]}"

    def start() -> MatrixHost:
        return MatrixHost(load_layout(LAYOUT), cameras.get,
                          HostKeys(*keys["host"], {keys["desk"][0]: "desk-1", keys["agent"][0]: "agent-A1"}),
                          router=router, pub=pub, state_dir=tmp_path, context=ctx).start()

    def connect(who: str, updates: bool = False) -> HostClient:
        return HostClient(router, keys["host"][0], *keys[who], name=who, pub=pub if updates else None, context=ctx)

    host = start()
    agent = open_agent(qtbot, connect, engine)
    link = HostLink(connect("desk", updates=True))  # a desk's view follows the same way
    snapshots: list[dict] = []  # type: ignore[type-arg]
    link.snapshot.connect(snapshots.append)
    link.refresh()
    try:
        desk = connect("desk")
        assert desk.keys("2 MON 4 CAM") == "AK"
        qtbot.waitUntil(lambda: shown(agent, 2) == 4, timeout=6000)
        before = json.loads((tmp_path / "matrix-state.json").read_text(encoding="utf-8"))
        assert desk.keys("2 MON 3 CAM") == "AK"
        qtbot.waitUntil(lambda: shown(agent, 2) == 3, timeout=6000)
        desk.close()
        host.stop()
        # As if the host had died before "2 MON 3 CAM" reached its disk.
        (tmp_path / "matrix-state.json").write_text(json.dumps(before), encoding="utf-8")
        host = start()
        assert host.seq == agent.seq - 1
        desk = connect("desk")
        assert desk.keys("1 MON 6 CAM") == "AK"  # gets the number the agent already has
        qtbot.waitUntil(lambda: shown(agent, 1) == 6 and shown(agent, 2) == 4, timeout=8000)
        qtbot.waitUntil(lambda: snapshots[-1]["routes"].get("1") == 6, timeout=3000)
        assert snapshots[-1]["routes"]["2"] == 4 and link.seq == host.seq
        desk.close()
    finally:
        link.client.close()
        agent.shutdown()
        agent.client.close()
        host.stop()


def test_a_tour_step_shows_no_black_frame(qtbot, rig, engine: VideoEngine) -> None:  # type: ignore[no-untyped-def]
    """The next camera is opened hidden before the step: the old picture stays until the new
    one replaces it, with not one paint of an empty tile between them (the frame log)."""
    host, connect = rig
    from console.matrix.model import Tour

    host.state.tours["7"] = Tour("7", ((2, 3.0), (5, 3.0)))
    desk = connect("desk")
    agent = open_agent(qtbot, connect, engine)
    tile = agent.tiles[0]
    try:
        assert desk.keys("1 MON 7 SEQ") == "AK"
        qtbot.waitUntil(lambda: shown(agent, 1) == 2, timeout=8000)
        # Shortly before the step the next camera is playing, unseen, on the same tile.
        qtbot.waitUntil(lambda: tile.prepared is not None and tile.prepared.health.state == "playing", timeout=6000)
        assert tile.camera_number == 2 and shown(agent, 1) == 2
        qtbot.waitUntil(lambda: tile.camera_number == 5 and shown(agent, 1) == 5, timeout=6000)
        log = list(tile.frame_log)
        last_old = max(i for i, (_t, camera) in enumerate(log) if camera == 2)
        first_new = next(i for i, (_t, camera) in enumerate(log) if camera == 5)
        assert last_old < first_new
        assert [camera for _t, camera in log[last_old + 1:first_new]] == [], log[last_old - 2:first_new + 2]
    finally:
        agent.shutdown()
        agent.client.close()
        desk.close()


def test_a_tour_skips_a_camera_that_cannot_open_and_says_so(qtbot, tmp_path: Path, sim: SimSite,  # type: ignore[no-untyped-def]
                                                           engine: VideoEngine) -> None:
    from console.matrix.model import Tour

    cameras = {c.number: Camera(c.number, f"sim-{c.number}", c.name, main_stream=c.url, credential="sim")
               for c in sim.cameras}
    cameras[101] = Camera(101, "gone", "a camera off the air", main_stream=f"rtsp://127.0.0.1:{free_port()}/gone")
    keys = {name: zmq.curve_keypair() for name in ("host", "desk", "agent")}
    ports = (free_port(), free_port())
    ctx = zmq.Context()
    host = MatrixHost(load_layout(LAYOUT), cameras.get,
                      HostKeys(*keys["host"], {keys["desk"][0]: "desk-1", keys["agent"][0]: "agent-A1"}),
                      router=f"tcp://127.0.0.1:{ports[0]}", pub=f"tcp://127.0.0.1:{ports[1]}", state_dir=tmp_path,
                      context=ctx).start()
    host.state.tours["8"] = Tour("8", ((1, 3.0), (101, 3.0), (3, 30.0)))

    def connect(who: str, updates: bool = False) -> HostClient:
        return HostClient(f"tcp://127.0.0.1:{ports[0]}", keys["host"][0], *keys[who], name=who,
                          pub=f"tcp://127.0.0.1:{ports[1]}" if updates else None, context=ctx)

    desk = connect("desk")
    agent = open_agent(qtbot, connect, engine)
    tile = agent.tiles[1]
    try:
        assert desk.keys("2 MON 8 SEQ") == "AK"
        qtbot.waitUntil(lambda: shown(agent, 2) == 1, timeout=8000)
        # Camera 101 refuses while opened ahead: the tour goes on to camera 3, and camera 1
        # stays on screen until it does (no dead tile for a whole dwell).
        qtbot.waitUntil(lambda: host.state.routes.get(2) == 3, timeout=8000)
        qtbot.waitUntil(lambda: shown(agent, 2) == 3, timeout=8000)
        assert 101 not in {camera for _t, camera in tile.frame_log}
        event = agent.events[-1]
        assert (event["event"], event["monitor"], event["camera"], event["tour"], event["code"]) == (
            "tour_step_skipped", 2, 101, "8", "refused")
        assert host.tours.runs[2].camera == 3  # the host's tour moved on, not only the picture
        # The desks hear of it with the agent's health report (and `videowall status --json`).
        agent.report_health()
        qtbot.waitUntil(lambda: any(e.get("camera") == 101 for e in host.health.get("agent-A1", {}).get("events", [])),
                        timeout=3000)
    finally:
        agent.shutdown()
        agent.client.close()
        desk.close()
        host.stop()


def test_a_held_tour_closes_the_camera_it_opened_ahead(qtbot, rig, engine: VideoEngine) -> None:  # type: ignore[no-untyped-def]
    host, connect = rig
    from console.matrix.model import Tour

    host.state.tours["6"] = Tour("6", ((1, 3.0), (2, 3.0)))
    desk = connect("desk")
    agent = open_agent(qtbot, connect, engine)
    tile = agent.tiles[3]
    try:
        assert desk.keys("4 MON 6 SEQ") == "AK"
        qtbot.waitUntil(lambda: tile.prepared_camera == 2, timeout=8000)
        assert desk.keys("HOLD") == "AK"  # held before its step: camera 2 will not come
        qtbot.waitUntil(lambda: tile.prepared is None, timeout=8000)
        assert tile.camera_number == 1 and host.tours.runs[4].held
    finally:
        agent.shutdown()
        agent.client.close()
        desk.close()
