"""PTZ end to end, read from the picture: a desk (HostClient) steers a real matrix host, which
drives a simulated Pelco-D dome over the sim's TCP serial server, and where the dome points is
read from its RTSP picture (the position strip it burns into each frame, decoded with PyAV),
never from the simulator's mechanics.  The picture itself must slide the way the strip says."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from console.matrix.ptz_control import PtzPolicy
from console.sim.ptz_dome import Position
from console.sim.site import SimSite, demo_domes, free_port
from tests.test_ptz_host import Centre, hold
from tests.test_sim_domes import SIZE, DomeWatcher, Seen, expected_shift, picture_shift, wait_until

DOMES = demo_domes(1)  # camera 1: a Pelco-D dome on its serial-server port
CAMERA = 1
STILL = 0.2  # degrees (the strip counts tenths): what "the same position" allows


@pytest.fixture(scope="module")
def site() -> Iterator[SimSite]:
    port = free_port()
    sim = SimSite(1, size=SIZE, fps=15, port=port, control_port=free_port({port}), domes=DOMES)
    sim.start()
    yield sim
    sim.close()


@pytest.fixture(scope="module")
def watcher(site: SimSite) -> Iterator[DomeWatcher]:
    watch = DomeWatcher(site.url(CAMERA))
    yield watch
    watch.close()


@pytest.fixture
def centre(site: SimSite, tmp_path: Path) -> Iterator[Centre]:
    c = Centre(site, tmp_path, PtzPolicy(lease=3.0))
    yield c
    c.close()


def near(a: Position, b: Position, tolerance: float = STILL) -> bool:
    return abs(a.pan - b.pan) <= tolerance and abs(a.tilt - b.tilt) <= tolerance \
        and abs(a.zoom - b.zoom) <= 0.02


def stays_still(watcher: DomeWatcher) -> Seen:
    """The dome stands still in the picture, and two reads half a second apart agree."""
    first = watcher.steady()
    time.sleep(0.5)
    second = watcher.after(first, 5)
    assert near(first.position, second.position), (first.position, second.position)
    assert abs(picture_shift(first.picture, second.picture, axis=1)) <= 1
    assert abs(picture_shift(first.picture, second.picture, axis=0)) <= 1
    return second


def test_a_held_move_through_the_host_turns_the_picture_and_a_release_stops_it(
        centre: Centre, watcher: DomeWatcher) -> None:
    before = watcher.steady()
    assert before.number == CAMERA, "the code strip names the camera"

    # Pan right, held the way a desk holds it: the strip's pan grows, tilt and zoom do not.
    assert hold(centre, "desk-1", 0.6, pan=0.3)["answer"] == "AK"
    moving = watcher.until(lambda p: p.pan > before.position.pan + 3, "the picture to pan right")
    assert centre.send("desk-1", "PtzStop", camera=CAMERA)["answer"] == "AK"
    panned = stays_still(watcher)
    assert panned.position.pan >= moving.position.pan > before.position.pan + 3
    assert panned.position.tilt == before.position.tilt and panned.position.zoom == before.position.zoom
    # The picture slid left by what the window moved (pan right: the scene moves left).
    shift, expected = picture_shift(before.picture, panned.picture, axis=1), \
        expected_shift(before.position, panned.position, axis=1)
    assert expected > 3 and abs(shift - expected) <= 3, (shift, expected)

    # Tilt up, slowly (3 picture pixels a degree), then the desk just stops repeating: the
    # host's dead-man stops the dome.
    assert hold(centre, "desk-1", 0.4, tilt=0.1)["answer"] == "AK"
    watcher.until(lambda p: p.tilt > panned.position.tilt + 3, "the picture to tilt up")
    tilted = stays_still(watcher)
    assert tilted.position.tilt > panned.position.tilt + 3
    assert tilted.position.pan == panned.position.pan and tilted.position.zoom == panned.position.zoom
    shift, expected = picture_shift(panned.picture, tilted.picture, axis=0), \
        expected_shift(panned.position, tilted.position, axis=0)
    assert expected < -3 and abs(shift - expected) <= 3, (shift, expected)


def test_a_preset_set_through_the_host_brings_the_picture_back(centre: Centre, watcher: DomeWatcher) -> None:
    home = watcher.steady()
    assert centre.send("desk-1", "PtzPreset", camera=CAMERA, action="set", preset=7)["answer"] == "AK"

    # Away: left and down (the first test went right and up), released with PtzStop.
    assert hold(centre, "desk-1", 0.6, pan=-0.4, tilt=-0.3)["answer"] == "AK"
    watcher.until(lambda p: p.pan < home.position.pan - 3 and p.tilt < home.position.tilt - 3,
                  "the picture to turn left and down")
    assert centre.send("desk-1", "PtzStop", camera=CAMERA)["answer"] == "AK"
    away = stays_still(watcher)
    assert not near(away.position, home.position, 3.0), (away.position, home.position)

    # Called from the other desk: the picture comes back to where the preset was stored.
    assert centre.send("desk-2", "PtzPreset", camera=CAMERA, action="goto", preset=7)["answer"] == "AK"
    wait_until(lambda: near(watcher.latest().position, home.position), "the picture to reach preset 7")
    back = stays_still(watcher)
    assert near(back.position, home.position), (back.position, home.position)
    assert abs(picture_shift(home.picture, back.picture, axis=1)) <= 1
