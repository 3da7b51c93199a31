"""Simulated domes that really move: commands over the real serial-server socket (and VISCA
over IP on UDP) with the real encoders, and the dome's position read back from its RTSP
picture, decoded with PyAV.

Two witnesses, both from pixels: the position strip the dome burns into its frame, and the
picture itself, which must slide the way the strip says (pan right: the scene moves left).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest
import yaml

from console.matrix.catalog import camera_from_entry
from console.matrix.ptz_commands import PtzMatrixCommand, PtzMove, PtzPreset
from console.matrix.ptz_control import Audit, Drive, Outcome, PtzArbiter
from console.ptz.commands import Move, Preset, PresetAction, PtzError, Stop
from console.ptz.drivers import PtzHub
from console.sim.identity import decode_number, strip_height, time_strip
from console.sim.pipeline import position_strip
from console.sim.ptz_dome import DomeLimits, Position, decode_position, view_window
from console.sim.scene import scene_size
from console.sim.site import SimError, SimSite, demo_domes, free_port, parse_domes
from tests.conftest import ROOT

SIZE = (320, 240)
DOMES = demo_domes(5, first_number=12)  # 13, 14 pelco-d; 15 pelco-p; 16 visca-ip; 12 a fixed camera


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """A deadline only against a hang: what is asserted is the predicate, not the time."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


@dataclass(frozen=True)
class Seen:
    index: int
    position: Position
    number: int
    picture: np.ndarray  # grey, the rows between the name and the clock


class DomeWatcher:
    """Decodes a camera's RTSP stream in a thread; reads each frame's position strip and number."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.frames: deque[Seen] = deque(maxlen=400)
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with av.open(self.url, options={"rtsp_transport": "tcp"}, timeout=5) as container:
                for index, frame in enumerate(container.decode(video=0)):
                    if self._stop.is_set():
                        return
                    self.frames.append(self._read(index, frame.to_ndarray(format="rgb24")))
        except BaseException as exc:  # reported to the test that waits
            self.error = exc

    @staticmethod
    def _read(index: int, rgb: np.ndarray) -> Seen:
        height, width, _ = rgb.shape
        top, tall = position_strip(height, strip_height(height))

        def pixel(x: int, y: int) -> tuple[int, int, int]:
            r, g, b = rgb[y, x]
            return int(r), int(g), int(b)

        # The scene only: not the name, the clock, the time strip (new every frame) or the strips.
        stamp_top, _ = time_strip(height, strip_height(height), tall)
        grey = rgb[height // 8: stamp_top - height // 6].astype(np.float32).mean(axis=2)
        return Seen(index, decode_position(pixel, width, top + tall // 2), decode_number(pixel, width, height), grey)

    def latest(self) -> Seen:
        wait_until(lambda: bool(self.frames) or self.error is not None, f"a frame from {self.url}")
        if self.error is not None:
            raise AssertionError(f"{self.url}: {self.error}")
        return self.frames[-1]

    def after(self, seen: Seen, frames: int = 1) -> Seen:
        """A frame at least `frames` after `seen`."""
        wait_until(lambda: self.latest().index >= seen.index + frames, f"{frames} more frames")
        return self.latest()

    def until(self, predicate: Callable[[Position], bool], what: str) -> Seen:
        wait_until(lambda: predicate(self.latest().position), what)
        return self.latest()

    def steady(self, frames: int = 8) -> Seen:
        """The first frame after which `frames` frames in a row show the same position."""
        def still() -> bool:
            recent = list(self.frames)[-frames:]
            return len(recent) == frames and len({s.position for s in recent}) == 1 \
                and recent[-1].index - recent[0].index == frames - 1
        wait_until(still, "the dome to stand still")
        return self.latest()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)


def picture_shift(before: np.ndarray, after: np.ndarray, axis: int, reach: int = 40) -> int:
    """How far the dome's window moved between two frames, in picture pixels along `axis`
    (1: x, 0: y): the s for which after[i] best matches before[i + s].  A window moving right
    (positive s) makes the scene slide left in the picture."""
    best, best_error = 0, float("inf")
    size = before.shape[axis]
    for s in range(-reach, reach + 1):
        lo, hi = max(0, -s), min(size, size - s)
        if hi - lo < size // 2:
            continue
        if axis == 1:
            error = float(np.abs(after[:, lo:hi] - before[:, lo + s:hi + s]).mean())
        else:
            error = float(np.abs(after[lo:hi] - before[lo + s:hi + s]).mean())
        if error < best_error:
            best, best_error = s, error
    return best


def expected_shift(a: Position, b: Position, axis: int) -> float:
    """How far the window moves from position a to b, in picture pixels (zoom unchanged)."""
    scene = scene_size(SIZE)
    wa, wb = view_window(a, scene, SIZE), view_window(b, scene, SIZE)
    if axis == 1:
        return (wb[0] - wa[0]) * SIZE[0] / wa[2]
    return (wb[1] - wa[1]) * SIZE[1] / wa[3]


@pytest.fixture(scope="module")
def domes() -> Iterator[SimSite]:
    port = free_port()
    site = SimSite(5, size=SIZE, fps=15, port=port, control_port=free_port({port}), first_number=12, domes=DOMES)
    site.start()
    yield site
    site.close()


@pytest.fixture
def hub() -> Iterator[PtzHub]:
    ptz = PtzHub()
    yield ptz
    ptz.close()


@pytest.fixture
def watch(domes: SimSite) -> Iterator[Callable[[int], DomeWatcher]]:
    watchers: list[DomeWatcher] = []

    def open_watcher(number: int) -> DomeWatcher:
        watcher = DomeWatcher(domes.url(number))
        watchers.append(watcher)
        return watcher

    yield open_watcher
    for watcher in watchers:
        watcher.close()


def test_the_domes_catalog_entries_are_what_the_importer_reads(domes: SimSite) -> None:
    assert DOMES == {13: "pelco-d", 14: "pelco-d", 15: "pelco-p", 16: "visca-ip"}
    entries = {c["number"]: c for c in domes.catalog()["cameras"]}
    assert "ptz" not in entries[12], "a fixed camera stays as it was"
    assert entries[13]["ptz"]["line"] == entries[14]["ptz"]["line"], "two Pelco-D domes on one serial-server port"
    assert (entries[13]["ptz"]["address"], entries[14]["ptz"]["address"]) == (1, 2)
    assert entries[15]["ptz"]["protocol"] == "pelco-p" and entries[16]["ptz"]["line"].startswith("udp://127.0.0.1:")
    for number in (13, 14, 16):
        camera = camera_from_entry(entries[number], "sim catalog")  # the importer's own checks
        assert camera.ptz is not None
        assert json.loads(camera.ptz) == entries[number]["ptz"]
        assert set(json.loads(camera.ptz)) == {"protocol", "line", "address"}


def test_a_pelco_p_dome_at_its_first_address_is_importable(domes: SimSite) -> None:
    entry = next(c for c in domes.catalog()["cameras"] if c["number"] == 15)
    assert entry["ptz"]["address"] == 0
    camera = camera_from_entry(entry, "sim catalog")
    assert camera.ptz is not None and json.loads(camera.ptz)["address"] == 0


def test_a_pelco_d_dome_moves_the_way_it_is_told_stops_and_reaches_a_preset(
        domes: SimSite, hub: PtzHub, watch: Callable[[int], DomeWatcher]) -> None:
    watcher = watch(13)
    dome = hub.controller(domes.ptz[13])
    home = watcher.steady()
    assert home.number == 13, "the code strip still names the camera"
    dome.send(Preset(PresetAction.SET, 5))
    wait_until(lambda: 5 in domes.dome(13)["presets"], "preset 5 stored")

    # Pan right: the strip's pan grows and the picture slides left by what the window moved.
    dome.send(Move(pan=0.5))
    first = watcher.until(lambda p: p.pan > home.position.pan + 2, "the dome to pan right")
    later = watcher.until(lambda p: p.pan > first.position.pan + 6, "the pan to go on")
    assert later.position.tilt == home.position.tilt and later.position.zoom == home.position.zoom
    shift = picture_shift(first.picture, later.picture, axis=1)
    expected = expected_shift(first.position, later.position, axis=1)
    assert expected > 3 and abs(shift - expected) <= 3, (shift, expected)

    # Released: the picture stands still, and stays so.
    dome.send(Stop())
    stopped = watcher.steady()
    assert stopped.position.pan > later.position.pan - 0.2
    after = watcher.after(stopped, 15)
    assert after.position == stopped.position
    assert abs(picture_shift(stopped.picture, after.picture, axis=1)) <= 1

    # Tilt up: the window climbs the scene, the scene slides down the picture.
    dome.send(Move(tilt=0.5))
    first = watcher.until(lambda p: p.tilt > stopped.position.tilt + 2, "the dome to tilt up")
    later = watcher.until(lambda p: p.tilt > first.position.tilt + 5, "the tilt to go on")
    shift = picture_shift(first.picture, later.picture, axis=0)
    expected = expected_shift(first.position, later.position, axis=0)
    assert expected < -3 and abs(shift - expected) <= 3, (shift, expected)

    # Zoom in, then back to the preset: exactly where it was stored.
    dome.send(Move(zoom=1.0))
    watcher.until(lambda p: p.zoom > 2.0, "the dome to zoom in")
    dome.send(Stop())
    away = watcher.steady()
    assert away.position.pan > home.position.pan and away.position.tilt > home.position.tilt
    dome.send(Preset(PresetAction.GOTO, 5))
    back = watcher.until(lambda p: p == home.position, "preset 5")
    assert watcher.steady().position == home.position
    assert back.number == 13


def test_every_protocol_steers_its_own_dome_and_no_other(
        domes: SimSite, hub: PtzHub, watch: Callable[[int], DomeWatcher]) -> None:
    watchers = {n: watch(n) for n in (13, 14, 15, 16)}
    start = {n: w.steady().position for n, w in watchers.items()}
    controllers = {n: hub.controller(domes.ptz[n]) for n in (14, 15, 16)}
    wait_until(lambda: controllers[16].line.status.state == "open", "the VISCA camera to answer")
    for controller in controllers.values():
        controller.send(Move(pan=-0.5, tilt=-0.5))
    for number in controllers:
        watchers[number].until(lambda p, n=number: p.pan < start[n].pan - 3 and p.tilt < start[n].tilt - 3,  # type: ignore[misc]
                               f"dome {number} to turn left and down")
    for controller in controllers.values():
        controller.send(Stop())
    for number in controllers:
        watchers[number].steady()
    assert watchers[13].latest().position == start[13], "dome 13 shares 14's line and ignored its frames"
    assert domes.dome(13)["last"] in {None, "stop", "preset-goto", "move"}


class HostLoop:
    """What the matrix host will do with the arbiter, on one thread: handle commands, tick at
    its deadlines, send each Drive to the camera's controller, keep the audit lines."""

    def __init__(self, site: SimSite, hub: PtzHub) -> None:
        self.arbiter = PtzArbiter()
        self.controllers = {n: hub.controller(spec) for n, spec in site.ptz.items()}
        self.audit: list[Audit] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def command(self, who: str, role: str, command: PtzMatrixCommand) -> Outcome:
        with self._lock:
            outcome = self.arbiter.handle(who, role, command)
            self._carry_out(outcome)
        return outcome

    def _carry_out(self, outcome: Outcome) -> None:
        for action in outcome.actions:
            if isinstance(action, Drive):
                self.controllers[action.camera].send(action.command)
            elif isinstance(action, Audit):
                self.audit.append(action)

    def _run(self) -> None:
        while not self._stop.is_set():
            with self._lock:
                self._carry_out(self.arbiter.tick())
                deadline = self.arbiter.next_deadline()
            wait = 0.1 if deadline is None else min(0.1, max(0.0, deadline - time.monotonic()))
            self._stop.wait(wait)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)


def test_a_dome_whose_desk_falls_silent_stops_by_itself(domes: SimSite, hub: PtzHub,
                                                        watch: Callable[[int], DomeWatcher]) -> None:
    """The dead-man through the real line: a desk starts a move and never repeats it (its
    console crashed); the host's arbiter stops the dome, and the picture stands still."""
    watcher = watch(14)
    host = HostLoop(domes, hub)
    try:
        home = watcher.steady()
        assert host.command("desk-1", "operator", PtzPreset(14, "set", 9)).ok
        assert host.command("desk-1", "operator", PtzMove(14, pan=0.5)).ok
        watcher.until(lambda p: p.pan > home.position.pan + 2, "the dome to pan right")
        stopped = watcher.steady()
        assert stopped.position.pan > home.position.pan + 2
        assert [a.action for a in host.audit].count("PtzDeadManStop") == 1
        assert domes.dome(14)["last"] == "stop" and not domes.dome(14)["moving"]
        assert watcher.after(stopped, 15).position == stopped.position
        assert host.command("desk-1", "operator", PtzPreset(14, "goto", 9)).ok
        assert watcher.until(lambda p: p == home.position, "preset 9").position == home.position
    finally:
        host.close()


def test_a_serial_server_off_the_air_and_back(domes: SimSite, hub: PtzHub,
                                              watch: Callable[[int], DomeWatcher]) -> None:
    watcher = watch(15)
    dome = hub.controller(domes.ptz[15])
    before = watcher.steady()
    domes.stop_line(15)
    try:
        wait_until(lambda: dome.line.status.state == "down", "the line to go down")
        with pytest.raises(PtzError, match=r"line socket://127\.0\.0\.1:"):
            dome.send(Move(zoom=1.0))
    finally:
        domes.start_line(15)
    wait_until(lambda: dome.line.status.state == "open", "the line to come back by itself")
    dome.send(Move(zoom=1.0))
    watcher.until(lambda p: p.zoom > before.position.zoom + 0.3, "the dome to zoom in after the outage")
    dome.send(Stop())
    watcher.steady()


def test_bad_domes_are_refused_before_anything_starts() -> None:
    with pytest.raises(SimError, match="no simulated dome speaks 'onvif'"):
        SimSite(4, domes={2: "onvif"})
    with pytest.raises(SimError, match="dome 9: the site has cameras 1-4"):
        SimSite(4, domes={9: "pelco-d"})
    assert parse_domes("", 16) == {13: "pelco-d", 14: "pelco-d", 15: "pelco-p", 16: "visca-ip"}
    assert parse_domes("3=Pelco-D, 5=visca-ip", 16) == {3: "pelco-d", 5: "visca-ip"}
    with pytest.raises(SimError, match="not CAMERA=PROTOCOL"):
        parse_domes("3:pelco-d", 16)
    assert demo_domes(2) == {1: "pelco-d", 2: "pelco-d"}


def test_the_sim_process_lists_its_domes_and_writes_them_into_its_catalog(tmp_path: Path) -> None:
    port = free_port()
    catalog = tmp_path / "catalog.yaml"
    script = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from console.sim.site import SimSite, run_forever\n"
        f"site = SimSite(3, port={port}, control_port={free_port({port})}, domes={{2: 'pelco-d', 3: 'visca-ip'}})\n"
        f"sys.exit(run_forever(site, {str(catalog)!r}))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        assert ready["event"] == "ready"
        assert ready["domes"]["2"]["protocol"] == "pelco-d" and ready["domes"]["3"]["protocol"] == "visca-ip"
        assert "1" not in ready["domes"]
        written = {c["number"]: c for c in yaml.safe_load(catalog.read_text(encoding="utf-8"))["cameras"]}
        assert written[2]["ptz"] == ready["domes"]["2"] and "ptz" not in written[1]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    assert proc.returncode == 0


def test_the_position_strip_holds_every_position_the_limits_allow() -> None:
    limits = DomeLimits()
    from console.sim.ptz_dome import position_code, position_from_code

    for where in (Position(limits.pan[0], limits.tilt[0], limits.zoom[0]),
                  Position(limits.pan[1], limits.tilt[1], limits.zoom[1])):
        assert position_from_code(position_code(where, limits), limits) == where
