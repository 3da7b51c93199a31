"""Host and two wall agents as separate processes, driven by `videowall key` and checked from
the pixels each agent grabs from its tiles: a switch, a salvo, a tour that steps on time and
holds; kill -9 an agent; restart the host."""

from __future__ import annotations

import base64
import itertools
import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from PySide6.QtGui import QImage

from console.matrix import keys
from console.matrix.catalog import build, read_catalog
from console.matrix.commands import SaveSalvo
from console.matrix.host import HostClient
from console.sim.site import SimSite, free_port
from tests.conftest import videowall_cmd
from tests.support import malformed
from tests.support.pixels import camera_in

AGENTS = ("A1", "A2")  # monitors 1-4 and 5-8 of the layout below
DWELL = 2.0

LAYOUT = f"""
version: 1
wall:
  name: test wall
  screens:
    - {{name: A1, grid: 4}}
    - {{name: A2, grid: 4}}
salvos:
  - name: "7"
    routes: {{1: 6, 2: 5, 3: 4, 4: 3, 5: 2, 6: 1, 7: 6, 8: 5}}
tours:
  - name: "3"
    steps: [{{camera: 1, dwell: {DWELL}}}, {{camera: 2, dwell: {DWELL}}}, {{camera: 3, dwell: {DWELL}}}]
"""


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(videowall_cmd(*args), capture_output=True, text=True, timeout=60, check=False)


class Wall:
    def __init__(self, tmp_path: Path, sim: SimSite) -> None:
        self.tmp = tmp_path
        self.host_key = run("keys", "create", "host").stdout.strip()
        authorized = {name: run("keys", "create", name).stdout.strip() for name in ("desk", *(f"agent-{a}" for a in AGENTS))}
        rows = "".join(f"{c.number},{c.name},嘉兴市 / 南湖区 / site {c.number},{c.url},sim\n" for c in sim.cameras)
        (tmp_path / "cams.csv").write_text("number,name,place,main,credential\n" + rows, encoding="utf-8")
        build(read_catalog(tmp_path / "cams.csv"), tmp_path / "catalog.sqlite")
        (tmp_path / "wall.yaml").write_text(LAYOUT, encoding="utf-8")
        self.router, self.pub = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
        (tmp_path / "host.yaml").write_text(yaml.safe_dump({
            "layout": "wall.yaml", "catalog": "catalog.sqlite", "router": self.router, "pub": self.pub,
            "authorized": authorized}), encoding="utf-8")
        self.endpoint = ["--host", self.router, "--server-key", self.host_key]
        self.procs: dict[str, subprocess.Popen[str]] = {}

    def start(self, name: str) -> None:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        if name == "host":
            args = ["host", "--config", str(self.tmp / "host.yaml")]
        else:
            args = ["agent", *self.endpoint, "--pub", self.pub, "--screen", name, "--windowed"]
        if name == "host":
            self.procs[name] = subprocess.Popen(videowall_cmd(*args), stdout=subprocess.PIPE,
                                                stderr=(self.tmp / "host.log").open("a"), text=True, env=env)
        else:
            # To a file, not a pipe nobody reads: an agent that logs more than a pipe holds
            # would block on its own stderr and fall silent.
            log = (self.tmp / f"{name}.log").open("a")
            self.procs[name] = subprocess.Popen(videowall_cmd(*args), stdout=log, stderr=log, text=True, env=env)
        if name == "host":
            assert self.procs[name].stdout is not None
            assert json.loads(self.procs[name].stdout.readline())["event"] == "ready"

    def key(self, line: str) -> str:
        return run("key", *self.endpoint, line).stdout.strip()

    def status(self) -> dict[str, Any]:
        result = run("status", *self.endpoint, "--json")
        return json.loads(result.stdout) if result.returncode == 0 else {}

    def desk(self, topics: tuple[str, ...] = ("update",)) -> HostClient:
        return HostClient(self.router, self.host_key.encode(), *keys.load("desk"), name="desk", pub=self.pub, topics=topics)

    def shows(self, monitor: int) -> int | None:
        """The camera seen in the pixels of `monitor`, grabbed by the agent that shows it."""
        client = self.desk(topics=())
        try:
            answer = client.request("grab", {"monitor": monitor}, timeout=6).content
        except TimeoutError:
            return None  # the host is not up (yet)
        finally:
            client.close()
        if not answer["ok"]:
            return None
        image = QImage.fromData(base64.b64decode(answer["png"]), "PNG")
        return camera_in(image) if not image.isNull() else None

    def grab_file(self, monitor: int) -> tuple[int | None, dict[str, Any]]:
        """`videowall grab` as an installer or a script would use it: (camera seen, its JSON)."""
        out = self.tmp / f"mon{monitor}.png"
        result = run("grab", *self.endpoint, str(monitor), "-o", str(out))
        assert result.returncode == 0, result.stderr
        image = QImage(str(out))
        return camera_in(image), json.loads(result.stdout)

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def close(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)


@pytest.fixture
def wall(tmp_path: Path, sim: SimSite):  # type: ignore[no-untyped-def]
    w = Wall(tmp_path, sim)
    yield w
    w.close()


def wait_for(condition: Callable[[], object], timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s")


def agents_online(wall: Wall, since: float = 0.0) -> bool:
    health = wall.status().get("health", {})
    return all(health.get(f"agent-{a}", {}).get("at", 0.0) > since for a in AGENTS)


def wait_for_agents(wall: Wall, timeout: float = 45) -> None:
    """Both agents report.  Generous: each is a Qt process with libvlc starting on two busy
    cores; on failure, what they said and whether they are still running."""
    try:
        wait_for(lambda: agents_online(wall), timeout)
    except AssertionError:
        said = {a: (wall.procs[a].poll(), wall.log(a)[-2000:]) for a in AGENTS}
        raise AssertionError(f"agents not reporting within {timeout} s: {said}") from None


def test_switch_salvo_and_tour_on_two_agents(wall: Wall, qapp) -> None:  # type: ignore[no-untyped-def]
    wall.start("host")
    for agent in AGENTS:
        wall.start(agent)
    wait_for_agents(wall)

    # A switch on each agent's screen, from the keyboard line, seen in the tiles' pixels.
    assert wall.key("3 MON 2 CAM") == "AK"
    assert wall.key("6 MON 4 CAM") == "AK"
    wait_for(lambda: wall.shows(3) == 2, 10)
    wait_for(lambda: wall.shows(6) == 4, 10)
    seen, info = wall.grab_file(6)
    assert seen == 4 and info["camera"] == 4 and info["agent"] == "agent-A2"
    assert (info["width"], info["height"]) == (320, 240)  # the camera's resolution, whatever the tile's size
    assert wall.shows(2) is None  # nothing routed there: no picture to grab

    # A salvo changes all its tiles, on both screens; both agents acknowledge it.
    acks = wall.desk(topics=("ack",))
    try:
        answer = wall.key("7 SALVO")
        assert answer == "AK"
        shown: set[str] = set()
        deadline = time.monotonic() + 10
        while shown != {f"agent-{a}" for a in AGENTS} and time.monotonic() < deadline:
            if acks.sub is not None and acks.sub.poll(200):
                for ack in acks.updates():
                    if ack.content["stage"] == "shown":
                        shown.add(ack.content["agent"])
        assert shown == {"agent-A1", "agent-A2"}, f"'shown' acknowledged by {shown} only"
    finally:
        acks.close()
    salvo = {1: 6, 2: 5, 3: 4, 4: 3, 5: 2, 6: 1, 7: 6, 8: 5}
    for monitor, camera in salvo.items():
        wait_for(lambda m=monitor, c=camera: wall.shows(m) == c, 5)

    # A tour on monitor 5 (agent A2): steps every DWELL seconds; HOLD stops it there.
    desk = wall.desk()
    try:
        assert wall.key("5 MON 3 SEQ") == "AK"
        steps: list[tuple[float, int]] = []
        deadline = time.monotonic() + 3 * DWELL + 1.5
        while time.monotonic() < deadline:
            if desk.sub is not None and desk.sub.poll(100):
                steps += [(time.monotonic(), u.content["routes"]["5"]) for u in desk.updates() if "5" in u.content["routes"]]
        cameras = [c for _, c in steps]
        assert cameras[:4] == [1, 2, 3, 1], steps
        gaps = [b - a for (a, _), (b, _) in itertools.pairwise(steps[:4])]
        assert all(abs(g - DWELL) < 0.5 for g in gaps), f"tour steps {gaps} s apart, dwell {DWELL} s"
        on_wall = steps[-1][1]
        wait_for(lambda: wall.shows(5) == on_wall, 3)

        assert wall.key("HOLD") == "AK"
        held_at = time.monotonic()
        desk.updates()
        time.sleep(2 * DWELL + 0.5)
        later = [u for u in desk.updates() if "5" in u.content.get("routes", {})]
        assert not later, f"the tour stepped after HOLD ({time.monotonic() - held_at:.1f} s)"
        assert wall.status()["tours_running"]["5"] == {"tour": "3", "held": True}
        assert wall.shows(5) == wall.status()["routes"]["5"]
    finally:
        desk.close()

    # 10,000 malformed messages: each refused and counted; host and both agents carry on.
    desk = wall.desk(topics=())
    try:
        expected: Counter[str] = Counter()
        for kind, frames in malformed.messages(10_000):
            desk.dealer.send_multipart(frames)
            expected[malformed.REASONS[kind]] += 1
        wait_for(lambda: sum(wall.status().get("rejected", {}).values()) >= 10_000, 60)
        assert wall.status()["rejected"] == dict(expected)
    finally:
        desk.close()
    assert wall.key("1 MON 2 CAM 8 MON 3 CAM") == "AK"
    wait_for(lambda: wall.shows(1) == 2 and wall.shows(8) == 3, 10)
    assert all(wall.procs[name].poll() is None for name in ("host", *AGENTS))


def test_agent_kill_and_host_restart(wall: Wall, qapp) -> None:  # type: ignore[no-untyped-def]
    wall.start("host")
    wall.start("A1")
    assert wall.key("2 MON 3 CAM") == "AK"
    wait_for(lambda: wall.shows(2) == 3, 15)

    wall.procs["A1"].send_signal(signal.SIGKILL)
    wall.procs["A1"].wait(5)
    acks = wall.desk(topics=("ack",))
    try:
        time.sleep(0.3)  # let the subscription reach the host
        restarted = time.monotonic()
        wall.start("A1")
        back = None
        while back is None and time.monotonic() - restarted < 10:
            if acks.sub is not None and acks.sub.poll(100):
                for ack in acks.updates():
                    if ack.content["agent"] == "agent-A1" and ack.content["stage"] == "shown" and 2 in ack.content["monitors"]:
                        back = time.monotonic() - restarted
    finally:
        acks.close()
    assert back is not None, "the restarted agent never showed monitor 2"
    print(f"agent back in {back:.2f} s (process start included)")
    assert back <= 3.0, f"routes back {back:.1f} s after the agent restarted"
    assert wall.shows(2) == 3

    # What a supervisor saved and what runs, before the host goes down.
    desk = wall.desk()
    try:
        reply = desk.request("command", SaveSalvo("night", (2,)).to_dict()).content
        assert reply["ok"], reply
    finally:
        desk.close()
    assert wall.key("4 MON 3 SEQ") == "AK"
    before = wall.status()

    # Killed, not stopped: whatever the host acknowledged must already be on disk.
    wall.procs["host"].send_signal(signal.SIGKILL)
    assert wall.procs["host"].wait(10) == -signal.SIGKILL
    wall.start("host")
    after = wall.status()
    assert after["routes"] == before["routes"] and after["routes"]["2"] == 3
    assert "night" in after["salvos"] and after["tours_running"] == before["tours_running"] == {
        "4": {"tour": "3", "held": False}}
    assert after["seq"] == before["seq"]
    # The agent reconnects by itself and the recalled salvo reaches its tile.
    assert wall.key("2 MON 1 CAM") == "AK"
    desk = wall.desk()
    try:
        assert desk.request("command", {"command": "RecallSalvo", "salvo": "night"}).content["ok"]
    finally:
        desk.close()
    wait_for(lambda: wall.shows(2) == 3, 10)


def test_snapshot_and_pdf_from_a_terminal_reach_the_hosts_audit_trail(wall: Wall, keyring_file: Path, qapp) -> None:  # type: ignore[no-untyped-def]
    """`videowall snapshot` stores a wall tile's frame with the camera's place; it and the sheet
    made of it are in the host's audit trail with their hashes, as a desk's are."""
    wall.start("host")
    wall.start("A2")
    assert wall.key("6 MON 4 CAM") == "AK"
    wait_for(lambda: wall.shows(6) == 4, 20)
    store = wall.tmp / "evidence"
    snap = run("snapshot", *wall.endpoint, "--as", "desk", "6", "--store", str(store), "--case", "2026-117")
    assert snap.returncode == 0, snap.stderr
    taken = json.loads(snap.stdout.splitlines()[-1])
    assert taken["camera"] == 4 and "audit trail" not in snap.stderr
    shown = json.loads(run("evidence", "--store", str(store), "show", taken["evidence"], "--json").stdout)
    assert shown["camera"]["place"] == ["嘉兴市", "南湖区", "site 4"] and shown["case_number"] == "2026-117"
    pdf = run("evidence", "--store", str(store), "pdf", taken["evidence"], "-o", str(wall.tmp / "sheet.pdf"),
              *wall.endpoint, "--as", "desk")
    assert pdf.returncode == 0 and "audit trail" not in pdf.stderr, pdf.stderr
    made = json.loads(pdf.stdout.splitlines()[-1])
    audit = [json.loads(line) for line in (wall.tmp / "state" / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    notes = [e["detail"] for e in audit if e["action"] == "EvidenceNote" and e["outcome"] == "ok"]
    assert {"action": "snapshot", "evidence": [taken["evidence"]], "sha256": taken["sha256"], "where": "MON 6"}.items() \
        <= next(n for n in notes if n["action"] == "snapshot").items(), notes
    assert any(n["action"] == "pdf" and n["sha256"] == made["sha256"] and n["where"] == "sheet.pdf" for n in notes), notes
    # No host to tell: the sheet is still made, and the terminal says the audit trail lacks it.
    wall.procs["host"].send_signal(signal.SIGTERM)
    wall.procs["host"].wait(10)
    alone = run("evidence", "--store", str(store), "pdf", taken["evidence"], "-o", str(wall.tmp / "again.pdf"),
                "--host", "tcp://127.0.0.1:1", "--server-key", wall.host_key)
    assert alone.returncode == 0 and (wall.tmp / "again.pdf").exists()
    assert f"{taken['evidence']}: not in the host's audit trail" in alone.stderr, alone.stderr
