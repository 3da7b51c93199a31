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


def mouse(widget: Any, kind: Any, x: float, y: float, *, held: bool = True) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    left = Qt.MouseButton.LeftButton
    buttons = left if held else Qt.MouseButton.NoButton
    button = Qt.MouseButton.NoButton if kind == QMouseEvent.Type.MouseMove else left
    point = QPointF(x, y)
    QApplication.sendEvent(widget, QMouseEvent(kind, point, widget.mapToGlobal(point), button, buttons,
                                               Qt.KeyboardModifier.NoModifier))


def test_the_picture_steers_by_drag_and_a_double_click_asks_to_centre(qtbot, centre: Centre, site: SimSite) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QLabel

    from console.ui.ptz import PictureJoystick

    pad, sent = pad_of(centre, "desk-1", "operator")
    tile = QLabel()
    tile.resize(400, 300)
    qtbot.addWidget(tile)
    tile.camera_number = 1  # type: ignore[attr-defined]
    joystick = PictureJoystick(pad, lambda widget: getattr(widget, "camera_number", None))
    joystick.attach(tile)
    assert "Drag to steer" in tile.toolTip() and "not on this dome" in tile.toolTip()  # a Pelco-D dome
    start = site.dome(1)["pan"]
    mouse(tile, QEvent.Type.MouseButtonPress, 200, 150)
    mouse(tile, QEvent.Type.MouseMove, 330, 150)  # right, a third of the picture: full speed
    assert sent[-1].name == "PtzMove" and sent[-1].pan == pytest.approx(1.0) and sent[-1].tilt == 0
    qtbot.wait(1200)
    assert site.dome(1)["pan"] > start + 5
    mouse(tile, QEvent.Type.MouseMove, 200, 100)  # back to the middle, then up: tilts up, pan stops
    assert sent[-1].name == "PtzMove" and sent[-1].pan == 0 and sent[-1].tilt > 0
    mouse(tile, QEvent.Type.MouseButtonRelease, 200, 100, held=False)
    assert sent[-1].name == "PtzStop"
    # A double-click sends the point (right of and above the centre); this dome's protocol has
    # no such move, and the host says so in words.
    with qtbot.waitSignal(pad.answered, timeout=3000) as answered:
        mouse(tile, QEvent.Type.MouseButtonDblClick, 300, 75)
    assert sent[-1].name == "PtzCentre" and sent[-1].x == pytest.approx(0.5) and sent[-1].y == pytest.approx(0.5)
    assert "centre-on-a-point" in answered.args[1], answered.args


def test_the_setup_dialog_names_presets_saves_a_tour_parks_and_switches_aux(qtbot, centre: Centre) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QPushButton

    from console.ui.ptz_setup import PtzSetupDialog, parse_steps

    pad, sent = pad_of(centre, "desk-2", "supervisor")

    def refresh() -> None:
        pad.load(centre.desks["desk-2"].request("snapshot_request", {}).content["ptz"])

    dialog = PtzSetupDialog(pad, refresh_host=refresh)
    qtbot.addWidget(dialog)
    dialog.preset_number.setValue(4)
    dialog.preset_name.setText("East gate 东门")
    dialog.store_preset()
    assert [dialog.preset_list.item(i).text() for i in range(dialog.preset_list.count())] == ["4  East gate 东门"]
    dialog.tour_name.setEditText("night")
    dialog.tour_steps.setText("4:2, 1:3")
    dialog.save_tour()
    assert sent[-1].name == "PtzSaveTour" and sent[-1].presets == (4, 1) and sent[-1].dwells == (2.0, 3.0)
    assert pad.dome(1)["tours"] == ["night"]
    dialog.tour_steps.setText("4:2, x")
    dialog.save_tour()
    assert "preset:seconds" in dialog.answer.text() and "x" in dialog.answer.text()
    dialog.start_tour()
    refresh()
    assert pad.dome(1).get("touring") == "night" and "touring: night" in dialog.heading.text()
    dialog.stop_tour()
    dialog.park_preset.setValue(4)
    dialog.park_minutes.setValue(2.5)
    dialog.set_park()
    assert pad.dome(1)["park"] == {"preset": 4, "after": 150.0}
    dialog.aux_output.setValue(2)
    with qtbot.waitSignal(pad.answered, timeout=3000) as answered:
        dialog.findChild(QPushButton, "ptz_aux_on").click()
    assert sent[-1].name == "PtzAux" and sent[-1].output == 2 and sent[-1].on and answered.args[1] == "AK"
    dialog.preset_list.setCurrentRow(0)
    dialog.clear_preset()
    assert dialog.preset_list.count() == 0
    assert parse_steps("1:10; 2 15\n3/7.5") == ([1, 2, 3], [10.0, 15.0, 7.5])
    centre.send("desk-2", "PtzPark", camera=1, preset=4, after=0)
