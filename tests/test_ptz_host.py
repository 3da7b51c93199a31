"""PTZ through the matrix host, all real processes on loopback: desk → host → line → simulated
dome, whose mechanics the test reads back.  Locks between desks, the dead-man stop when a desk
dies (kill -9), keyboard and Pelco ASCII PTZ keys, a line that goes away and comes back."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import zmq

from console.matrix.catalog import Catalog, build, camera_from_entry
from console.matrix.config import ConfigError, read_host_config
from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.keys import to_json
from console.matrix.layouts import parse_layout
from console.matrix.ptz_control import PtzPolicy
from console.sim.site import SimSite, free_port
from tests.conftest import ROOT

LAYOUT = "version: 2\nwall: {name: t, screens: [{name: A, grid: 4, first_monitor: 1}]}\n"
DOMES = {1: "pelco-d", 2: "pelco-d", 3: "visca-ip"}


@pytest.fixture(scope="module")
def site() -> Iterator[SimSite]:
    port = free_port()
    sim = SimSite(3, port=port, control_port=free_port({port}), domes=DOMES)
    sim.start()
    yield sim
    sim.close()


class Centre:
    def __init__(self, site: SimSite, tmp: Path, policy: PtzPolicy | None = None) -> None:
        build([camera_from_entry(entry) for entry in site.catalog()["cameras"]], tmp / "catalog.sqlite")
        self.catalog = Catalog(tmp / "catalog.sqlite")
        self.keys = {name: zmq.curve_keypair() for name in ("host", "desk-1", "desk-2", "desk-9")}
        self.ctx = zmq.Context()
        self.router = f"tcp://127.0.0.1:{free_port()}"
        self.audit = tmp / "audit.jsonl"
        authorized = {self.keys[n][0]: n for n in ("desk-1", "desk-2", "desk-9")}
        roles = {"desk-1": "operator", "desk-2": "supervisor", "desk-9": "operator"}
        self.host = MatrixHost(parse_layout(LAYOUT), self.catalog.get, HostKeys(*self.keys["host"], authorized, roles),
                               router=self.router, pub=f"tcp://127.0.0.1:{free_port()}", state_dir=tmp, context=self.ctx,
                               ptz=policy).start()
        self.desks = {n: HostClient(self.router, self.keys["host"][0], *self.keys[n], name=n, context=self.ctx)
                      for n in ("desk-1", "desk-2")}

    def send(self, desk: str, command: str, **fields: object) -> dict:  # type: ignore[type-arg]
        return self.desks[desk].request("command", {"command": command, **fields}).content

    def close(self) -> None:
        for desk in self.desks.values():
            desk.close()
        self.host.stop()
        self.ctx.term()
        self.catalog.close()


@pytest.fixture
def centre(site: SimSite, tmp_path: Path) -> Iterator[Centre]:
    c = Centre(site, tmp_path, PtzPolicy(lease=3.0))
    yield c
    c.close()


def wait_for(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def hold(centre: Centre, desk: str, seconds: float, **speeds: float) -> dict:  # type: ignore[type-arg]
    """What a desk does while the button is held: the move again every 0.2 s."""
    end = time.monotonic() + seconds
    reply: dict = {}  # type: ignore[type-arg]
    while time.monotonic() < end:
        reply = centre.send(desk, "PtzMove", camera=1, **speeds)
        if not reply["ok"]:
            return reply
        time.sleep(0.2)
    return reply


def test_a_held_move_pans_the_dome_a_release_stops_it(centre: Centre, site: SimSite) -> None:
    start = site.dome(1)["pan"]
    assert hold(centre, "desk-1", 1.0, pan=0.5)["answer"] == "AK"
    assert site.dome(1)["moving"] and site.dome(1)["pan"] > start + 5
    assert centre.send("desk-1", "PtzStop", camera=1)["answer"] == "AK"
    assert wait_for(lambda: not site.dome(1)["moving"])
    stopped = site.dome(1)["pan"]
    time.sleep(0.5)
    assert abs(site.dome(1)["pan"] - stopped) < 0.5  # it stays where it stopped
    assert site.dome(2)["pan"] == pytest.approx(site.dome(2)["pan"])  # the dome on the same line was not touched


def test_presets_from_the_keyboard_and_pelco_ascii(centre: Centre, site: SimSite) -> None:
    desk = centre.desks["desk-1"]
    assert desk.keys("1 MON 1 CAM 7 SET") == "AK"  # stores where camera 1 points now
    here = site.dome(1)
    assert desk.keys("1Ma40Ra") == "AKaAKa"  # Pelco ASCII: pan right at 40 of 64
    assert wait_for(lambda: site.dome(1)["moving"] and abs(site.dome(1)["pan"] - here["pan"]) > 3)
    assert desk.keys("~Ra") == "AKa" and wait_for(lambda: not site.dome(1)["moving"])
    assert abs(site.dome(1)["pan"] - here["pan"]) > 3
    assert desk.keys("7 PRESET") == "AK"  # back to the stored place
    assert wait_for(lambda: abs(site.dome(1)["pan"] - here["pan"]) < 1 and not site.dome(1)["moving"])
    assert desk.keys("2 MON 9 PRESET").startswith("NA monitor 2 shows no camera")
    beyond = desk.keys("1 MON 300 PRESET")  # Pelco-D presets go to 255
    assert beyond.startswith("NA") and "300" in beyond


def test_locks_priority_takeover_refusal_lapse_and_release(centre: Centre, site: SimSite) -> None:
    assert hold(centre, "desk-1", 0.4, pan=0.3)["ok"]
    taken = centre.send("desk-2", "PtzMove", camera=1, tilt=0.3)  # supervisor: higher priority, at once
    assert taken["answer"] == "AK"
    held = centre.send("desk-1", "PtzMove", camera=1, pan=0.3)
    assert not held["ok"] and held["answer"].startswith("NA camera 1 is held by desk-2 (supervisor) for ")
    assert centre.send("desk-2", "PtzStop", camera=1)["ok"]
    snapshot = centre.desks["desk-1"].request("snapshot_request", {}).content
    assert snapshot["ptz"]["locks"]["1"]["holder"] == "desk-2"
    # The lease (3 s here) lapses without commands; then the operator may steer again.
    assert wait_for(lambda: centre.send("desk-1", "PtzMove", camera=1, pan=0.2)["ok"], timeout=6)
    centre.send("desk-1", "PtzStop", camera=1)
    # An explicit lock is a supervisor's; released, it frees the dome at once.
    assert centre.send("desk-2", "PtzLock", camera=1)["ok"]
    assert "until released" in centre.send("desk-1", "PtzMove", camera=1, pan=0.2)["answer"]
    assert not centre.send("desk-1", "PtzLock", camera=2)["ok"]  # operators do not lock
    assert centre.send("desk-2", "PtzRelease", camera=1)["ok"]
    assert centre.send("desk-1", "PtzMove", camera=1, pan=0.2)["ok"]
    centre.send("desk-1", "PtzStop", camera=1)
    centre.host.stop()
    lines = [json.loads(line) for line in centre.audit.read_text(encoding="utf-8").splitlines()]
    sessions = [line for line in lines if line.get("action") == "PtzSession"]
    assert len(sessions) >= 3 and {s["actor"] for s in sessions} >= {"desk-1", "desk-2"}
    assert not any(line.get("action") == "PtzMove" for line in lines)  # sessions, not speed ticks


DESK = """
import sys, time
from console.matrix.host import HostClient
from console.matrix.keys import from_json
router, server = sys.argv[1], sys.argv[2].encode()
desk = HostClient(router, server, *from_json(sys.stdin.readline()), name="desk-1")
print("moving", flush=True)
while True:  # the button held for ever, until the process dies
    desk.request("command", {"command": "PtzMove", "camera": 1, "pan": -0.4})
    time.sleep(0.2)
"""


def test_kill_9_of_a_desk_mid_move_stops_the_dome_within_a_second(centre: Centre, site: SimSite) -> None:
    proc = subprocess.Popen([sys.executable, "-c", DESK, centre.router, centre.keys["host"][0].decode()],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(to_json(*centre.keys["desk-1"]) + "\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "moving"
        assert wait_for(lambda: site.dome(1)["moving"])
        time.sleep(0.5)
    finally:
        killed = time.monotonic()
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    assert wait_for(lambda: not site.dome(1)["moving"], timeout=3)
    dome = site.dome(1)
    # When the stop reached the dome, by its decoder's log (the sim's monotonic clock is this
    # machine's): within a second of the kill, whatever the time it took us to look.
    assert dome["last"] == "stop" and dome["last_at"] - killed <= 1.0, (dome, killed)
    stopped = dome["pan"]
    time.sleep(0.5)
    assert abs(site.dome(1)["pan"] - stopped) < 0.5


def test_a_line_that_goes_away_is_said_and_comes_back_by_itself(centre: Centre, site: SimSite) -> None:
    assert centre.send("desk-1", "PtzStop", camera=1)["ok"]  # the line is open now
    site.stop_line(1)
    try:
        assert wait_for(lambda: not centre.send("desk-1", "PtzStop", camera=1)["ok"], timeout=10)
        down = centre.send("desk-1", "PtzStop", camera=1)
        assert "socket://127.0.0.1:" in down["answer"] and "Traceback" not in down["answer"]
        snapshot = centre.desks["desk-1"].request("snapshot_request", {}).content
        assert any(line["state"] == "down" for line in snapshot["ptz"]["lines"].values())
    finally:
        site.start_line(1)
    assert wait_for(lambda: centre.send("desk-1", "PtzStop", camera=1)["ok"], timeout=15)
    assert hold(centre, "desk-1", 0.6, pan=0.5)["ok"] and site.dome(1)["moving"]
    centre.send("desk-1", "PtzStop", camera=1)


def test_bad_ptz_input_gets_a_clear_answer(centre: Centre) -> None:
    for fields, text in (({"command": "PtzMove", "camera": 1, "pan": 7}, "pan"),
                         ({"command": "PtzPreset", "camera": 1, "action": "goto", "preset": 900}, "preset"),
                         ({"command": "PtzMove", "camera": 99, "pan": 0.1}, "unknown camera 99"),
                         ({"command": "PtzMove", "camera": 1, "pan": float("nan")}, "pan"),
                         # A double-click on a Pelco dome's picture: its protocol takes no point.
                         ({"command": "PtzCentre", "camera": 1, "x": 0.5, "y": 0.2},
                          "Pelco-D has no centre-on-a-point command")):
        answer = centre.desks["desk-1"].request("command", fields).content
        assert not answer["ok"] and answer["answer"].startswith("NA") and text in answer["answer"], (fields, answer)
    assert centre.host.alive


def test_the_host_configuration_sets_the_ptz_rules(tmp_path: Path) -> None:
    path = tmp_path / "host.yaml"
    path.write_text("layout: l.yaml\ncatalog: c.sqlite\nptz: {lease: 20, dead_man: 0.6, priorities: {operator: 1, "
                    "supervisor: 5}, lock_roles: [supervisor]}\n", encoding="utf-8")
    policy = read_host_config(path).ptz
    assert policy.lease == 20 and policy.dead_man == 0.6 and policy.priority("supervisor") == 5
    path.write_text("layout: l.yaml\ncatalog: c.sqlite\nptz: {lease: 1:30, deadman: 1}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_host_config(path)
    assert f"{path}:3: ptz: unknown key 'deadman'; did you mean 'dead_man'?" in str(caught.value)
    assert "ptz lease must be a number" in str(caught.value)
