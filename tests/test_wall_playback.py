"""Recordings on the wall: `PlayRecording` through the matrix host, a real wall agent showing
them (its tiles say PLAYBACK with the recorded time, a group in sync), read from a real recorder
service with the token the host grants the agent; controls, rights, the audit trail, back to
live, and the wall's playbacks surviving a host restart."""

from __future__ import annotations

import base64
import io
import json
import shutil
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import av
import pytest
import zmq
from PySide6.QtGui import QColor

from console.cli import status_text
from console.evidence.signing import SigningKey
from console.matrix.commands import RECORDING_RIGHTS
from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import load_layout
from console.matrix.model import Camera
from console.recorder.config import RecorderConfig, Serve
from console.recorder.service import RecorderService
from console.sim.site import free_port
from console.ui.agent import WallAgent
from console.ui.wall_preview import WallPreview
from console.video.player import VideoEngine
from tests.conftest import ROOT
from tests.test_recorder_http import CENTRE, centre_key  # noqa: F401 (fixture)
from tests.test_recorder_store import FRAME_MS, Recording, burned, recording  # noqa: F401 (fixture)

FRAME = FRAME_MS / 1000
CAMERAS = {n: Camera(n, f"c{n}", f"camera {n}", main_stream=f"rtsp://127.0.0.1:9/{n}") for n in range(1, 9)}


class Rig:
    def __init__(self, tmp_path: Path, recording: Recording, key: SigningKey) -> None:
        self.tmp_path = tmp_path
        self.keys = {n: zmq.curve_keypair() for n in ("host", "operator", "supervisor", "agent", "recorder")}
        self.ctx = zmq.Context()
        self.router, self.pub = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
        self.host = self.start_host()
        self.clients = {n: self.connect(n) for n in ("operator", "supervisor", "recorder")}
        shutil.copytree(recording.root, tmp_path / "store", ignore=shutil.ignore_patterns("writer.lock"))
        config = RecorderConfig(tmp_path / "recorder.yaml", tmp_path / "store", tmp_path / "catalog.sqlite",
                                relay=None, serve=Serve("127.0.0.1", 0, centre_key=key.public.text()))
        self.service = RecorderService(config, [], keys=self.keys["recorder"], host=self.clients["recorder"]).start()

    def start_host(self) -> MatrixHost:
        names = {self.keys["operator"][0]: "desk-op", self.keys["supervisor"][0]: "desk-sup",
                 self.keys["agent"][0]: "agent-A1", self.keys["recorder"][0]: "recorder"}
        # This centre's operators may play back on their desks but not on the wall.
        keys = HostKeys(*self.keys["host"], names, {"desk-op": "operator", "desk-sup": "supervisor",
                                                    "agent-A1": "supervisor"},
                        rights={"operator": ("playback",), "supervisor": RECORDING_RIGHTS}, centre=CENTRE)
        return MatrixHost(load_layout(ROOT / "layouts" / "town-xinjia.yaml"), CAMERAS.get, keys, router=self.router,
                          pub=self.pub, state_dir=self.tmp_path / "host", context=self.ctx).start()

    def connect(self, who: str, updates: bool = False) -> HostClient:
        return HostClient(self.router, self.keys["host"][0], *self.keys[who], name=who,
                          pub=self.pub if updates else None, context=self.ctx)

    def ask(self, who: str, **command: Any) -> dict[str, Any]:
        return dict(self.clients[who].request("command", command).content)

    def close(self) -> None:
        self.service.stop()
        for client in self.clients.values():
            client.close()
        self.host.stop()


@pytest.fixture
def rig(tmp_path: Path, recording: Recording, centre_key: SigningKey) -> Iterator[Rig]:
    made = Rig(tmp_path, recording, centre_key)
    yield made
    made.close()


def overlay(agent: WallAgent, monitor: int) -> Any:
    recorded = agent.wall_playback.recorded.get(monitor)
    return recorded.view if recorded is not None else None


def test_a_group_plays_on_the_wall_in_sync_and_goes_back_to_live(qtbot, rig: Rig, recording: Recording,  # type: ignore[no-untyped-def]
                                                                 engine: VideoEngine) -> None:
    agent = WallAgent(rig.connect("agent", updates=True), "A1", engine)
    qtbot.addWidget(agent)
    agent.resize(800, 640)
    agent.show()
    try:
        moment = recording.started + 3.0
        refused = rig.ask("operator", command="PlayRecording", monitors=[1], cameras=[1], moment=moment)
        assert not refused["ok"] and refused["reason"]["code"] == "no-right", refused
        assert "no wall-playback right" in refused["answer"]
        future = rig.ask("supervisor", command="PlayRecording", monitors=[1], cameras=[1], moment=moment + 86400)
        assert not future["ok"] and future["reason"]["code"] == "playback-future"
        played = rig.ask("supervisor", command="PlayRecording", monitors=[1, 2], cameras=[1, 2], moment=moment)
        assert played["ok"], played

        def showing(monitor: int) -> bool:
            view = overlay(agent, monitor)
            return view is not None and view.frame is not None

        qtbot.waitUntil(lambda: showing(1) and showing(2), timeout=15000)
        for monitor in (1, 2):
            assert burned(overlay(agent, monitor).frame.video)[0] == monitor
        # Paused, each tile shows the frame of the group's moment: the last one recorded at or
        # before it, so both within a frame of it and of each other.
        assert rig.ask("supervisor", command="ControlPlayback", monitors=[1, 2], action="pause")["ok"]
        qtbot.waitUntil(lambda: agent.wall_playback.recorded[1].entry.get("paused") is True, timeout=5000)
        position = agent.wall_playback.position(1)
        assert position is not None and position == agent.wall_playback.position(2)

        def at_position(monitor: int) -> bool:
            view = overlay(agent, monitor)
            return view.frame is not None and 0 <= position - view.frame.utc < 2 * FRAME  # type: ignore[operator]

        qtbot.waitUntil(lambda: at_position(1) and at_position(2), timeout=5000)
        assert abs(overlay(agent, 1).frame.utc - overlay(agent, 2).frame.utc) <= FRAME + 1e-6
        # The tile says PLAYBACK on an amber strip (not a live tile's colours).
        strip = QColor(overlay(agent, 1).grab().toImage().pixel(3, 3))
        assert strip.red() > strip.blue() + 40, strip.name()
        # Evidence from a playback tile: the recorded frame and its recorded time, never "live".
        grabbed: list[dict[str, Any]] = []

        def grab() -> None:
            client = rig.connect("operator")  # a socket of this thread's own
            try:
                grabbed.append(dict(client.request("grab", {"monitor": 2}, timeout=10).content))
            finally:
                client.close()

        worker = threading.Thread(target=grab)
        worker.start()
        qtbot.waitUntil(lambda: bool(grabbed), timeout=12000)
        worker.join()
        answer = grabbed[0]
        assert answer["ok"] and answer["state"] == "playback" and answer["camera"] == 2, answer
        assert answer["recorded_time"] == round(overlay(agent, 2).frame.utc, 3)
        with av.open(io.BytesIO(base64.b64decode(answer["png"]))) as png:
            picture = next(png.decode(video=0))
        assert burned(picture)[0] == 2 and (picture.width, picture.height) == (answer["width"], answer["height"])
        # A seek moves both; the host's snapshot carries the group.
        assert rig.ask("supervisor", command="ControlPlayback", monitors=[1, 2], action="seek",
                       moment=moment + 2)["ok"]
        qtbot.waitUntil(lambda: abs((agent.wall_playback.position(1) or 0) - (moment + 2)) < 1e-6, timeout=5000)
        qtbot.waitUntil(lambda: overlay(agent, 1).frame is not None and
                        abs(overlay(agent, 1).frame.utc - (moment + 2)) < 2 * FRAME, timeout=5000)
        snapshot = rig.clients["operator"].request("snapshot_request", {}).content
        assert {m: (p["camera"], p["paused"]) for m, p in snapshot["playbacks"].items()} == {
            "1": (1, True), "2": (2, True)}
        # A route to the monitor is live again there; the other tile goes on playing.
        assert rig.ask("operator", command="RouteCamera", monitor=1, camera=1)["ok"]
        qtbot.waitUntil(lambda: overlay(agent, 1) is None, timeout=5000)
        assert agent.playing.get(1) == 1 and overlay(agent, 2) is not None
    finally:
        agent.shutdown()
        agent.client.close()
    audit = [json.loads(line) for line in (rig.tmp_path / "host" / "audit.jsonl").read_text().splitlines()]
    actions = [(e["actor"], e["action"], e["outcome"][:7]) for e in audit if "Playback" in e["action"] or
               e["action"] == "PlayRecording"]
    assert actions == [("desk-op", "PlayRecording", "refused"), ("desk-sup", "PlayRecording", "refused"),
                       ("desk-sup", "PlayRecording", "ok"), ("desk-sup", "ControlPlayback", "ok"),
                       ("desk-sup", "ControlPlayback", "ok")]


def test_the_walls_playbacks_survive_a_host_restart(rig: Rig, recording: Recording) -> None:
    moment = recording.started + 2.0
    assert rig.ask("supervisor", command="PlayRecording", monitors=[3], cameras=[3], moment=moment, speed=2.0)["ok"]
    assert rig.ask("supervisor", command="ControlPlayback", monitors=[3], action="pause")["ok"]
    before = rig.host.snapshot()["playbacks"]
    bad = rig.ask("supervisor", command="ControlPlayback", monitors=[4], action="play")
    assert not bad["ok"] and bad["reason"]["code"] == "no-playback"
    rig.host.stop()
    rig.host = rig.start_host()
    after = rig.host.snapshot()["playbacks"]
    assert after == before and after["3"]["speed"] == 2.0 and after["3"]["paused"] is True


def test_play_and_live_on_the_keyboard(qtbot, rig: Rig) -> None:  # type: ignore[no-untyped-def]
    desk = rig.clients["supervisor"]
    assert desk.keys("3 MON 3 CAM") == "AK"
    before = rig.host.snapshot()["now"]
    assert desk.keys("PLAY") == "AK"  # the selected monitor's camera from 30 s ago
    entry = rig.host.snapshot()["playbacks"]["3"]
    assert entry["camera"] == 3 and abs(entry["moment"] - (before - 30)) < 2 and entry["speed"] == 1.0
    assert desk.keys("300 PLAY") == "AK"
    snapshot = rig.host.snapshot()
    assert abs(snapshot["playbacks"]["3"]["moment"] - (before - 300)) < 2
    # `videowall status` says PLAYBACK and the recorded time the tile is at, never live.
    line = next(x for x in status_text(snapshot).splitlines() if x.strip().startswith("MON    3"))
    shown = datetime.fromtimestamp(snapshot["now"] - 300).strftime("%Y-%m-%d %H:%M")
    assert "PLAYBACK" in line and shown in line and line.endswith("1×"), line
    # The desk's wall preview marks the tile too.
    preview = WallPreview()
    qtbot.addWidget(preview)
    preview.resize(900, 300)
    preview.load_snapshot(snapshot)
    info = preview.tile_info(3)
    assert info is not None and info.playback and not preview.tile_info(4).playback  # type: ignore[union-attr]
    assert [b.text for b in preview.tile_layout(3) if b.role == "status"] == ["PLAYBACK"]
    assert desk.keys("LIVE") == "AK"
    assert "3" not in rig.host.snapshot()["playbacks"]
    assert desk.keys("9999999 PLAY").startswith("NA PLAY from 9999999 seconds ago")
    assert desk.keys("4 MON CLEAR") == "AK"
    assert desk.keys("PLAY") == "NA monitor 4 shows no camera to play back"
    operator = rig.clients["operator"]
    assert "no wall-playback right" in operator.keys("3 MON PLAY")
