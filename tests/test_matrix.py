"""The software matrix's model, commands and keyboard grammar: pure Python, no Qt."""

from __future__ import annotations

import subprocess
import sys

import pytest

from console.matrix.commands import (
    COMMANDS,
    ClearTile,
    CommandError,
    ControlPlayback,
    EvidenceNote,
    HoldTour,
    PlayRecording,
    RecallSalvo,
    RecordCamera,
    RecordingToken,
    RouteCamera,
    SaveSalvo,
    SaveTour,
    SetGrid,
    StartTour,
    StepTour,
    apply,
    command_from_dict,
)
from console.matrix.keyboard import KeyboardError, KeyboardSession, PtzKey
from console.matrix.model import STANDARD_GRIDS, Camera, Cell, Grid, MatrixState, ModelError, Screen, Wall, grid

CAMERAS = {n: Camera(n, f"c{n}", f"camera {n}", main_stream=f"rtsp://h/{n}", sub_stream=f"rtsp://h/{n}s")
           for n in (1, 2, 3, 1042)}


def town_wall() -> Wall:
    return Wall("town", (Screen("left", grid(4)), Screen("right", grid(9), (0, 1))))


def test_matrix_imports_no_qt() -> None:
    code = ("import sys; sys.modules['PySide6'] = None; "
            "import console.matrix.model, console.matrix.commands, console.matrix.keyboard")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", list(STANDARD_GRIDS))
def test_standard_grids_cover_their_screen(name: str) -> None:
    g = grid(name)
    assert g.size == int(name)
    assert sum(g.fraction(i) for i in range(g.size)) == pytest.approx(1.0)


def test_bad_grids_are_refused() -> None:
    with pytest.raises(ModelError, match="overlaps"):
        Grid("x", 2, 2, (Cell(0, 0, 2, 2), Cell(1, 1), Cell(0, 1), Cell(1, 0)))
    with pytest.raises(ModelError, match="gaps"):
        Grid("x", 2, 2, (Cell(0, 0),))
    with pytest.raises(ModelError, match="unknown grid"):
        grid(7)


def test_monitors_are_numbered_across_the_wall() -> None:
    wall = town_wall()
    assert wall.monitors == 13
    assert wall.locate(4) == (wall.screens[0], 3)
    assert wall.locate(5) == (wall.screens[1], 0)
    assert wall.monitor_of("right", 8) == 13
    with pytest.raises(ModelError, match="no monitor 14"):
        wall.locate(14)


def test_stream_follows_tile_size() -> None:
    cam = CAMERAS[1]
    assert cam.stream_for(grid(4).fraction(0)) == "rtsp://h/1"
    assert cam.stream_for(grid(16).fraction(0)) == "rtsp://h/1s"


def test_route_clear_salvo_and_grid() -> None:
    state = MatrixState(town_wall())
    assert apply(state, RouteCamera(3, 1042), CAMERAS.get) == {3: 1042}
    assert apply(state, RouteCamera(7, 2), CAMERAS.get) == {7: 2}
    with pytest.raises(ModelError, match="unknown camera 99999"):
        apply(state, RouteCamera(1, 99999), CAMERAS.get)
    apply(state, SaveSalvo("5"), CAMERAS.get)
    apply(state, ClearTile(3), CAMERAS.get)
    assert state.routes == {7: 2}
    assert apply(state, RecallSalvo("5"), CAMERAS.get) == {3: 1042, 7: 2}
    # The left screen goes from 4 to 1 tile: monitor 3 disappears, the right screen keeps its
    # numbers (a monitor number is a place on the wall).
    changes = apply(state, SetGrid("left", "1"), CAMERAS.get)
    assert state.wall.monitors == 10
    assert state.routes == {7: 2}
    assert changes == {3: None}
    assert state.wall.monitor_numbers() == [1, *range(5, 14)]
    with pytest.raises(ModelError, match="monitor 3 is not shown now: screen left shows grid 1"):
        apply(state, RouteCamera(3, 2), CAMERAS.get)
    # Back to 4: its numbers return, and grow no further than the screen's block.
    apply(state, SetGrid("left", "4"), CAMERAS.get)
    assert state.wall.locate(4) == (state.wall.screens[0], 3)
    with pytest.raises(ModelError, match="screen left has 4 monitor numbers"):
        apply(state, SetGrid("left", "9"), CAMERAS.get)
    with pytest.raises(ModelError, match="matrix host"):
        apply(state, HoldTour(1), CAMERAS.get)


def test_commands_round_trip_and_reject_bad_input() -> None:
    samples = [RouteCamera(3, 1042), ClearTile(1), SetGrid("left", "9"), SaveSalvo("5", (1, 2)),
               RecallSalvo("5"), StartTour(2, "1"), HoldTour(2), StepTour(2, -1), SaveTour("7", (4, 9), (10.0, 2.5)),
               EvidenceNote("print", ("EV-20260101-0001", "EV-20260101-0002"), "ab" * 32, "evidence", 2),
               RecordCamera(1042, 30), RecordingToken((1, 1042), "export"),
               PlayRecording((3, 4), (1042, 7), 1_780_000_000.5, 2.0), ControlPlayback((3,), "seek", 1_780_000_100.0)]
    assert {c.name for c in samples} == set(COMMANDS)
    for command in samples:
        assert command_from_dict(command.to_dict()) == command
    bad = [
        ([], "a command is an object"),
        ({"command": "Explode"}, "unknown command 'Explode'"),
        ({"command": "RouteCamera", "monitor": 1}, "missing field camera"),
        ({"command": "RouteCamera", "monitor": "1", "camera": 2}, "monitor must be an integer"),
        ({"command": "RouteCamera", "monitor": True, "camera": 2}, "monitor must be an integer"),
        ({"command": "RouteCamera", "monitor": 1, "camera": 2, "x": 0}, "unknown field"),
        ({"command": "SaveSalvo", "salvo": "a", "monitors": [1, "2"]}, "list of integers"),
        ({"command": "SetGrid", "screen": "", "grid": "4"}, "non-empty string"),
        ({"command": "SaveTour", "tour": "7", "cameras": [1], "dwells": ["long"]}, "list of numbers"),
        ({"command": "EvidenceNote", "action": "burn", "evidence": ["EV-1"], "sha256": "ab" * 32, "where": "x"},
         "action must be one of"),
        ({"command": "EvidenceNote", "action": "pdf", "evidence": [], "sha256": "ab" * 32, "where": "x"},
         "list of 1 to"),
        ({"command": "EvidenceNote", "action": "pdf", "evidence": ["EV\x1b[2J"], "sha256": "ab" * 32, "where": "x"},
         "printable"),
        ({"command": "EvidenceNote", "action": "pdf", "evidence": ["EV-1"], "sha256": "AB" * 32, "where": "x"},
         "hex digits"),
        ({"command": "RecordingToken", "cameras": [1], "right": "delete"}, "right must be one of"),
        ({"command": "RecordingToken", "cameras": list(range(1, 66))}, "1 to 64 cameras"),
        ({"command": "RecordingToken", "cameras": [0]}, "list of integers from 1"),
        ({"command": "PlayRecording", "monitors": [1, 2], "cameras": [3], "moment": 1.0}, "2 monitors but 1 cameras"),
        ({"command": "PlayRecording", "monitors": [1, 1], "cameras": [3, 3], "moment": 1.0}, "a monitor twice"),
        ({"command": "PlayRecording", "monitors": [1], "cameras": [3], "moment": float("nan")}, "moment must be"),
        ({"command": "PlayRecording", "monitors": [1], "cameras": [3], "moment": -5}, "moment must be"),
        ({"command": "PlayRecording", "monitors": [1], "cameras": [3], "moment": 1, "speed": 3}, "speed must be"),
        ({"command": "PlayRecording", "monitors": list(range(1, 18)), "cameras": list(range(1, 18)), "moment": 1},
         "1 to 16 monitors"),
        ({"command": "ControlPlayback", "monitors": [1], "action": "rewind"}, "action must be one of"),
    ]
    for data, message in bad:
        with pytest.raises(CommandError, match=message):
            command_from_dict(data)


def test_keyboard_lines() -> None:
    kb = KeyboardSession()
    assert kb.feed("3 MON 1042 CAM") == [RouteCamera(3, 1042)]
    assert kb.feed("1 cam") == [RouteCamera(3, 1)]  # the monitor stays selected
    assert kb.feed("NEXT PREV HOLD 2 SEQ") == [StepTour(3, 1), StepTour(3, -1), HoldTour(3), StartTour(3, "2")]
    assert kb.feed("5 SALVO") == [RecallSalvo("5")]
    assert kb.feed("12 CLEAR") == []  # wipes the entry only
    assert kb.feed("CLEAR") == [ClearTile(3)]
    assert kb.feed("7") == [] and kb.feed("MON 2 CAM") == [RouteCamera(7, 2)]  # entry across lines


@pytest.mark.parametrize(("line", "message"), [
    ("CAM", "needs a monitor"),
    ("1 2 MON", "two numbers in a row"),
    ("MON", "MON needs a monitor number"),
    ("3 MON CAM", "CAM needs a camera number"),
    ("3 MON 5 ZOOMX", "unknown key 'ZOOMX'"),
    ("SALVO", "SALVO needs a salvo number"),
])
def test_keyboard_errors_change_nothing(line: str, message: str) -> None:
    kb = KeyboardSession(monitor=None)
    with pytest.raises(KeyboardError, match=message):
        kb.feed(line)
    assert (kb.monitor, kb.entry) == (None, None)


def test_pelco_ascii_examples_from_the_cm6800_manual() -> None:
    kb = KeyboardSession()
    assert kb.feed_pelco("3Ma16#a") == [([], None), ([RouteCamera(3, 16)], None)]
    assert kb.feed_pelco("1Ma3#a") == [([], None), ([RouteCamera(1, 3)], None)]
    assert kb.feed_pelco("+a") == [([StepTour(1, 1)], None)]
    assert kb.feed_pelco("-a") == [([StepTour(1, -1)], None)]
    assert kb.feed_pelco("2qa") == [([StartTour(1, "2")], None)]
    assert kb.feed_pelco("4ba") == [([StartTour(1, "4", -1)], None)]
    assert kb.feed_pelco("ea") == [([HoldTour(1)], None)]


def test_pelco_ascii_rejections() -> None:
    kb = KeyboardSession()
    (commands, reason), = kb.feed_pelco("16#a")
    assert commands == [] and "needs a monitor" in (reason or "")
    results = kb.feed_pelco("5Ma47Ra3/a")  # the monitor is taken, the move is PTZ, patterns are not ours
    assert results[0] == ([], None) and kb.monitor == 5
    assert results[1] == ([PtzKey(5, "move", axis="pan", speed=47 / 64)], None)
    assert results[2][0] == [] and "not supported" in (results[2][1] or "")
    assert kb.feed_pelco("~Ra")[0] == ([PtzKey(5, "move", axis="pan", speed=0.0)], None)
    assert kb.feed_pelco("3\\a")[0] == ([PtzKey(5, "goto", 3)], None)
    assert kb.feed_pelco("99Ua")[0][1] == "99Ua: speeds go from 1 to 63"
    assert kb.feed_pelco("Ma")[0][1] == "Ma needs a monitor number"
    assert "unreadable" in (kb.feed_pelco("3M")[0][1] or "")
