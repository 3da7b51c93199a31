"""The matrix host over real ZeroMQ sockets on loopback, with CurveZMQ and ZAP."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import zmq

from console.matrix.audit import verify
from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import load_layout
from console.matrix.model import Camera
from console.sim.site import free_port
from tests.support import malformed

LAYOUT = Path(__file__).resolve().parents[1] / "layouts" / "town-xinjia.yaml"
CAMERAS = {n: Camera(n, f"c{n}", f"camera {n}", main_stream=f"rtsp://127.0.0.1/{n}") for n in range(1, 50)}


@pytest.fixture
def keys() -> dict[str, tuple[bytes, bytes]]:
    return {name: zmq.curve_keypair() for name in ("host", "desk", "stranger")}


def start_host(tmp_path: Path, keys: dict[str, tuple[bytes, bytes]], ports: tuple[int, int]) -> MatrixHost:
    host_pub, host_sec = keys["host"]
    host_keys = HostKeys(host_pub, host_sec, {keys["desk"][0]: "desk-1"})
    return MatrixHost(load_layout(LAYOUT), CAMERAS.get, host_keys, router=f"tcp://127.0.0.1:{ports[0]}",
                      pub=f"tcp://127.0.0.1:{ports[1]}", state_dir=tmp_path, context=zmq.Context()).start()


def client(keys: dict[str, tuple[bytes, bytes]], who: str, port: int) -> HostClient:
    public, secret = keys[who]
    return HostClient(f"tcp://127.0.0.1:{port}", keys["host"][0], public, secret, name=who, context=zmq.Context())


def test_keyboard_snapshot_restart_and_audit(tmp_path: Path, keys: dict[str, tuple[bytes, bytes]]) -> None:
    ports = (free_port(), free_port())
    host = start_host(tmp_path, keys, ports)
    desk = client(keys, "desk", ports[0])
    try:
        assert desk.keys("3 MON 12 CAM") == "AK"
        assert desk.keys("99999 CAM") == "NA unknown camera 99999"
        assert desk.keys("1Ma7#a") == "AKaAKa"
        assert desk.keys("1Ma99999#a") == "AKaNAa"
        assert desk.keys("1 SALVO") == "AK"  # the layout's salvo 1: monitors 1..8
        # A refused line leaves the selected monitor as it was: the next CAM goes where the
        # keyboard's display says.
        assert desk.keys("4 MON") == "AK"
        assert desk.keys("2 MON 99999 CAM") == "NA unknown camera 99999"
        assert desk.keys("99 MON").startswith("NA no monitor 99")
        assert desk.keys("9 CAM") == "AK"
        assert host.state.routes[4] == 9 and host.state.routes[2] == 2
        # All of a line or nothing: the first route is taken back when the second is refused.
        assert desk.keys("5 MON 7 CAM 6 MON 99999 CAM") == "NA unknown camera 99999"
        assert host.state.routes[5] == 5 and host.state.routes[6] == 6
        tour = {"command": "SaveTour", "tour": "night", "cameras": [3, 4], "dwells": [5, 7.5]}
        assert desk.request("command", tour).content["ok"]
        snapshot = desk.request("snapshot_request", {}).content
        assert snapshot["routes"]["3"] == 3 and snapshot["routes"]["1"] == 1
        seq = snapshot["seq"]
    finally:
        desk.close()
        host.stop()
    # A new host process on the same state: the routes are back, numbering goes on.
    host = start_host(tmp_path, keys, ports)
    desk = client(keys, "desk", ports[0])
    try:
        snapshot = desk.request("snapshot_request", {}).content
        assert snapshot["seq"] == seq and snapshot["routes"]["3"] == 3
        assert snapshot["tour_defs"]["night"] == [[3, 5.0], [4, 7.5]]
    finally:
        desk.close()
        host.stop()
    verdict = verify(tmp_path / "audit.jsonl")
    assert verdict.ok and verdict.lines >= 5


def test_unknown_key_gets_nothing(tmp_path: Path, keys: dict[str, tuple[bytes, bytes]]) -> None:
    ports = (free_port(), free_port())
    host = start_host(tmp_path, keys, ports)
    stranger = client(keys, "stranger", ports[0])
    try:
        with pytest.raises(TimeoutError):
            stranger.request("snapshot_request", {}, timeout=1.0)
        assert host.rejected["unknown-key"] >= 1
        assert host.handled == 0
    finally:
        stranger.close()
        host.stop()


def test_malformed_messages_leave_the_host_running(tmp_path: Path, keys: dict[str, tuple[bytes, bytes]]) -> None:
    ports = (free_port(), free_port())
    host = start_host(tmp_path, keys, ports)
    desk = client(keys, "desk", ports[0])
    try:
        expected: Counter[str] = Counter()
        for kind, frames in malformed.messages(10_000):
            desk.dealer.send_multipart(frames)
            expected[malformed.REASONS[kind]] += 1
        deadline = time.monotonic() + 60
        while sum(host.rejected.values()) < 10_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert dict(host.rejected) == dict(expected)
        assert desk.keys("2 MON 5 CAM") == "AK"  # the same connection still serves
        assert host.state.routes == {2: 5}
    finally:
        desk.close()
        host.stop()


def test_slow_disk_delays_the_ak_but_not_the_wall(tmp_path: Path, keys: dict[str, tuple[bytes, bytes]],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The agents get the update and their acknowledgements are relayed while the audit
    trail's fsync is still running; the desk's AK comes only after it."""
    import os

    fsync = os.fsync
    synced: list[float] = []

    def slow_fsync(fd: int) -> None:
        time.sleep(0.4)  # a disk under load, exaggerated
        fsync(fd)
        synced.append(time.monotonic())

    keys["agent"] = zmq.curve_keypair()
    ports = (free_port(), free_port())
    host_pub, host_sec = keys["host"]
    host = MatrixHost(load_layout(LAYOUT), CAMERAS.get,
                      HostKeys(host_pub, host_sec, {keys["desk"][0]: "desk-1", keys["agent"][0]: "agent-1"}),
                      router=f"tcp://127.0.0.1:{ports[0]}", pub=f"tcp://127.0.0.1:{ports[1]}",
                      state_dir=tmp_path, context=zmq.Context()).start()
    pub = f"tcp://127.0.0.1:{ports[1]}"
    desk = client(keys, "desk", ports[0])
    agent = HostClient(f"tcp://127.0.0.1:{ports[0]}", host_pub, *keys["agent"], name="agent", pub=pub,
                       context=zmq.Context())
    watcher = HostClient(f"tcp://127.0.0.1:{ports[0]}", host_pub, *keys["desk"], name="desk", pub=pub,
                         topics=("ack",), context=zmq.Context())
    try:
        desk.request("snapshot_request", {})  # every connection is up
        time.sleep(0.3)  # and the subscriptions have reached the host
        monkeypatch.setattr(os, "fsync", slow_fsync)
        command = {"command": "RouteCamera", "monitor": 3, "camera": 12}
        sent = time.monotonic()
        desk.send("command", command)
        assert agent.sub is not None and agent.sub.poll(2000), "no update for the agent"
        update = agent.updates()[0]
        assert update.content["routes"] == {"3": 12}
        agent.send("ack", {"seq": update.content["seq"], "stage": "applied", "monitors": [3]})
        assert watcher.sub is not None and watcher.sub.poll(2000), "the acknowledgement was not relayed"
        relayed = time.monotonic()
        assert watcher.updates()[0].content["agent"] == "agent-1"
        # (The fsync may not even have started yet: it runs on its own thread.)
        assert not synced, "the wall waited for the disk"
        assert desk.dealer.poll(3000), "no AK"
        answered = time.monotonic()
        assert desk.dealer.recv_multipart()
        assert synced and answered >= synced[0] >= relayed > sent, "the AK came before the audit line was on disk"
    finally:
        monkeypatch.setattr(os, "fsync", fsync)
        for c in (desk, agent, watcher):
            c.close()
        host.stop()
    # What was acknowledged is what a restarted host starts from.
    host = start_host(tmp_path, keys, ports)
    try:
        assert host.state.routes[3] == 12
    finally:
        host.stop()


def test_the_host_enforces_roles(tmp_path: Path, keys: dict[str, tuple[bytes, bytes]]) -> None:
    """What a desk may do comes from the host's configuration, not from the desk."""
    keys["boss"] = zmq.curve_keypair()
    ports = (free_port(), free_port())
    host_pub, host_sec = keys["host"]
    host = MatrixHost(load_layout(LAYOUT), CAMERAS.get,
                      HostKeys(host_pub, host_sec, {keys["desk"][0]: "desk-1", keys["boss"][0]: "boss"},
                               {"boss": "supervisor"}),  # desk-1 is not listed: an operator
                      router=f"tcp://127.0.0.1:{ports[0]}", pub=f"tcp://127.0.0.1:{ports[1]}",
                      state_dir=tmp_path, context=zmq.Context()).start()
    operator, supervisor = client(keys, "desk", ports[0]), client(keys, "boss", ports[0])
    try:
        save = {"command": "SaveSalvo", "salvo": "night", "monitors": [1, 2]}
        reply = operator.request("command", save).content
        assert not reply["ok"] and reply["answer"] == "NA desk-1 is an operator: SaveSalvo needs a supervisor"
        tour = {"command": "SaveTour", "tour": "t", "cameras": [3], "dwells": [5]}
        assert not operator.request("command", tour).content["ok"]
        assert "night" not in host.state.salvos and "t" not in host.state.tours
        # Operators still drive the wall and recall what supervisors saved.
        assert operator.keys("3 MON 12 CAM") == "AK"
        assert supervisor.request("command", save).content["ok"]
        assert operator.request("command", {"command": "RecallSalvo", "salvo": "night"}).content["ok"]
        assert host.rejected["not-allowed"] == 2
    finally:
        operator.close()
        supervisor.close()
        host.stop()
    lines = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert sum("refused: desk-1 is an operator" in line for line in lines) == 2
    assert verify(tmp_path / "audit.jsonl").ok
