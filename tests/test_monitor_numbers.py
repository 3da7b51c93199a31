"""A monitor number is a place on the wall: a grid change on one screen never renumbers another."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import zmq

from console.matrix.host import HostClient, HostKeys, MatrixHost
from console.matrix.layouts import LayoutError, load_layout, parse_layout
from console.matrix.model import Camera
from console.sim.site import free_port
from tests.conftest import ROOT, videowall_cmd

CAMERAS = {n: Camera(n, f"c{n}", f"camera {n}", main_stream=f"rtsp://127.0.0.1/{n}") for n in range(1, 60)}
WALL = """\
version: 2
min_dwell: 0.5
wall:
  name: room to grow
  screens:
    - {name: S1, grid: 4, max_grid: 9, first_monitor: 1}
    - {name: S2, grid: 4, first_monitor: 11, max_grid: 9}
    - {name: S3, grid: 9, first_monitor: 21, max_grid: 16}
    - {name: S4, grid: 1, first_monitor: 41}
salvos:
  - {name: "1", routes: {1: 1, 2: 2, 3: 3, 4: 4, 11: 5, 12: 6, 21: 7, 41: 8}}
  - {name: "2", routes: {9: 9, 4: 10}}
tours:
  - {name: "1", steps: [{camera: 11, dwell: 60}, {camera: 12, dwell: 60}]}
  - {name: "2", steps: [{camera: 13, dwell: 60}, {camera: 14, dwell: 60}]}
"""


@pytest.fixture
def desk(tmp_path: Path):  # type: ignore[no-untyped-def]
    keys = {name: zmq.curve_keypair() for name in ("host", "desk")}
    ctx = zmq.Context()
    router, pub = f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}"
    host = MatrixHost(parse_layout(WALL), CAMERAS.get, HostKeys(*keys["host"], {keys["desk"][0]: "desk-1"}),
                      router=router, pub=pub, state_dir=tmp_path, context=ctx).start()
    client = HostClient(router, keys["host"][0], *keys["desk"], name="desk-1", pub=pub, topics=("event",), context=ctx)
    time.sleep(0.2)  # the subscription reaches the host before the first event
    yield host, client
    client.close()
    host.stop()
    ctx.term()


def grid_command(client: HostClient, screen: str, name: str) -> dict:  # type: ignore[type-arg]
    return client.request("command", {"command": "SetGrid", "screen": screen, "grid": name}).content


def test_grid_changes_on_one_screen_leave_the_others_alone(desk) -> None:  # type: ignore[no-untyped-def]
    host, client = desk
    assert client.keys("1 SALVO") == "AK"
    assert client.keys("3 MON 1 SEQ") == "AK" and client.keys("12 MON 2 SEQ") == "AK"
    others = {m: c for m, c in host.state.routes.items() if m > 10}
    tours_elsewhere = {m: r.tour.name for m, r in host.tours.runs.items() if m > 10}
    assert tours_elsewhere == {12: "2"}
    numbers_elsewhere = [m for m in host.state.wall.monitor_numbers() if m > 10]

    shrink = grid_command(client, "S1", "1")
    assert shrink["ok"], shrink
    assert shrink["notes"] == [{"text": "tour 1 on monitor 3 stopped: grid changed to 1", "code": "tour-stopped-grid",
                                "args": {"tour": "1", "monitor": 3, "grid": "1"}}]
    event = client.sub.recv_multipart() if client.sub.poll(3000) else None  # type: ignore[union-attr]
    assert event is not None and event[0] == b"event" and b"tour 1 on monitor 3 stopped" in event[-1]
    for grid_name in ("9", "4"):
        assert grid_command(client, "S1", grid_name)["ok"]
        assert {m: c for m, c in host.state.routes.items() if m > 10} == others
        assert {m: r.tour.name for m, r in host.tours.runs.items() if m > 10} == tours_elsewhere
        assert [m for m in host.state.wall.monitor_numbers() if m > 10] == numbers_elsewhere
    assert host.state.routes.get(1) == 1 and 3 not in host.state.routes  # S1 lost what its 1-grid did not show
    assert client.keys("9 MON 5 CAM").startswith("NA monitor 9 is not shown now: screen S1 shows grid 4")
    too_big = grid_command(client, "S1", "16")
    assert not too_big["ok"] and "screen S1 has 9 monitor numbers (1-9); grid 16 needs 16" in too_big["answer"]
    assert too_big["reason"]["code"] == "grid-too-large"


def test_a_salvo_recalls_what_is_shown_and_says_what_was_skipped(desk) -> None:  # type: ignore[no-untyped-def]
    host, client = desk
    reply = client.request("command", {"command": "RecallSalvo", "salvo": "2"}).content
    assert reply["ok"] and host.state.routes[4] == 10 and 9 not in host.state.routes
    assert reply["notes"][0]["code"] == "salvo-skipped" and reply["notes"][0]["args"]["monitors"] == "9"
    assert grid_command(client, "S1", "9")["ok"]
    reply = client.request("command", {"command": "RecallSalvo", "salvo": "2"}).content
    assert reply["ok"] and host.state.routes[9] == 9 and "notes" not in reply


def test_numbers_survive_a_restart_of_the_host(tmp_path: Path) -> None:
    keys = {name: zmq.curve_keypair() for name in ("host", "desk")}
    for run in range(2):
        ctx = zmq.Context()
        router = f"tcp://127.0.0.1:{free_port()}"
        host = MatrixHost(parse_layout(WALL), CAMERAS.get, HostKeys(*keys["host"], {keys["desk"][0]: "d"}), router=router,
                          pub=f"tcp://127.0.0.1:{free_port()}", state_dir=tmp_path, context=ctx).start()
        client = HostClient(router, keys["host"][0], *keys["desk"], name="d", context=ctx)
        try:
            if run == 0:
                assert client.keys("21 MON 7 CAM 41 MON 8 CAM") == "AK"
                assert grid_command(client, "S1", "1")["ok"]
            else:
                assert host.state.routes == {21: 7, 41: 8}
                assert host.state.wall.first_of("S3") == 21 and host.state.wall.screens[0].grid.name == "1"
        finally:
            client.close()
            host.stop()
            ctx.term()


def test_version_1_files_keep_their_numbers_and_upgrade(tmp_path: Path) -> None:
    old = tmp_path / "town.yaml"
    old.write_text("version: 1\nwall:\n  name: t\n  screens:\n    - {name: A, grid: 4}\n    - {name: B, grid: 9}\n"
                   "    - {name: C, grid: 1}\nsalvos:\n  - {name: '1', routes: {4: 1, 5: 2, 14: 3}}\n", encoding="utf-8")
    layout = load_layout(old)
    wall = layout.wall
    assert [wall.first_of(s) for s in "ABC"] == [1, 5, 14]  # what the operators have known so far
    assert layout.notes and "version 1" in layout.notes[0]
    with pytest.raises(Exception, match="screen A has 4 monitor numbers"):
        wall.with_grid("A", load_layout(ROOT / "layouts" / "county-nanhu.yaml").wall.screens[0].grid)
    assert wall.with_grid("C", wall.screens[1].grid).first_of("C") == 14  # the last screen may grow
    done = subprocess.run(videowall_cmd("layout", "upgrade", str(old)), capture_output=True, text=True, timeout=60,
                          check=True)
    assert "written as version 2" in done.stdout
    assert (tmp_path / "town.yaml.bak").exists()
    again = load_layout(old)
    assert again.notes == [] and again.wall == wall and again.salvos == layout.salvos
    assert "first_monitor: 5" in old.read_text(encoding="utf-8")


def test_blocks_are_checked_with_their_lines() -> None:
    overlapping = WALL.replace("first_monitor: 11", "first_monitor: 5")
    with pytest.raises(LayoutError, match="share monitor numbers"):
        parse_layout(overlapping, "w.yaml")
    with pytest.raises(LayoutError, match=r"w.yaml:6: screen S1: grid 16 is larger than its max_grid 9"):
        parse_layout(WALL.replace("{name: S1, grid: 4,", "{name: S1, grid: 16,"), "w.yaml")
    with pytest.raises(LayoutError, match=r"w.yaml:11: salvo 1: no monitor 10 \(the wall's monitors are S1 1-9, S2 11-19"):
        parse_layout(WALL.replace("11: 5,", "10: 5,"), "w.yaml")
    with pytest.raises(LayoutError, match="unknown key 'first_monitor'"):
        parse_layout("version: 1\nwall: {name: t, screens: [{name: A, grid: 4, first_monitor: 3}]}\n", "w.yaml")
