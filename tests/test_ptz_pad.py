"""The console's PTZ pad (console/ui/ptz.py PtzControl) on a real matrix host and a simulated
dome: a held key repeats its move for as long as it is held (longer than the host's dead-man
would allow a single one) and ramps up to the speed control's setting; letting go stops the
dome; a dome another desk holds is refused once, in words, and nothing repeats."""

from __future__ import annotations

import time
from typing import Any

import pytest

from console.sim.site import SimSite
from console.ui.ptz import RAMP_START, PtzControl, joystick_speeds

# The same rig as the host's PTZ tests: a module's three domes, a host per test.
from tests.test_ptz_host import Centre, centre, site  # noqa: F401 (fixtures)


def pad_of(centre: Centre, desk: str, role: str) -> tuple[PtzControl, list[Any]]:
    """A desk's pad, its commands going to the host as the console's link sends them."""
    sent: list[Any] = []

    def command(cmd: Any) -> dict[str, Any]:
        sent.append(cmd)
        return centre.desks[desk].request("command", cmd.to_dict()).content

    pad = PtzControl(command, centre.catalog, desk=desk, role=role)
    pad.set_monitor(1, 1)  # monitor 1 shows dome 1
    return pad, sent


def test_a_held_key_repeats_ramps_and_stops_when_let_go(qtbot, centre: Centre, site: SimSite) -> None:  # type: ignore[no-untyped-def]
    pad, sent = pad_of(centre, "desk-1", "operator")
    pad.speed = 0.8
    start = site.dome(1)["pan"]
    pad.press("RIGHT")
    first = sent[0]
    assert first.name == "PtzMove" and first.pan == pytest.approx(0.8 * RAMP_START, abs=0.01) and first.tilt == 0
    qtbot.wait(2000)  # over twice the host's dead-man: only the repeats keep the dome going
    moving = site.dome(1)
    assert moving["moving"] and moving["pan"] > start + 5, (start, moving)
    moves = [c for c in sent if c.name == "PtzMove"]
    assert len(moves) >= 7  # one every 0.2 s
    assert moves[-1].pan > moves[0].pan and moves[-1].pan == pytest.approx(0.8, abs=0.05)  # ramped to the control
    pad.unpress("RIGHT")
    let_go = time.monotonic()
    assert sent[-1].name == "PtzStop"
    while site.dome(1)["moving"]:
        assert time.monotonic() - let_go < 1.0, "the dome kept moving after the key was let go"
        time.sleep(0.05)
    stopped = site.dome(1)["pan"]
    count = len(sent)
    qtbot.wait(600)
    assert len(sent) == count and not pad.held  # nothing repeats once let go
    assert abs(site.dome(1)["pan"] - stopped) < 0.5


def test_a_dome_held_by_a_higher_desk_is_refused_once_in_words(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    assert centre.send("desk-2", "PtzMove", camera=1, pan=0.3)["ok"]  # a supervisor steers it
    pad, sent = pad_of(centre, "desk-1", "operator")
    with qtbot.waitSignal(pad.answered, timeout=3000) as answered:
        pad.press("UP")
    asked, answer = answered.args
    assert asked.startswith("PTZ CAM 1 ") and "held by desk-2" in answer, (asked, answer)
    assert not pad.held and pad.last_refusal == answer
    count = len(sent)
    qtbot.wait(600)
    assert len(sent) == count  # a refused move is not repeated
    centre.send("desk-2", "PtzStop", camera=1)


def test_a_drag_is_a_speed_that_follows_the_distance() -> None:
    assert joystick_speeds(3, -2, 640, 480) == (0.0, 0.0)  # the dead zone
    right, up = joystick_speeds(80, -80, 640, 480)
    assert right > 0 and up > 0  # screen y grows downwards
    further = joystick_speeds(120, 0, 640, 480)[0]
    assert 0 < right < further <= 1.0
    assert joystick_speeds(400, 400, 640, 480) == (1.0, -1.0)  # full speed beyond a third of the picture
