"""The desk's playback workspace (console/ui/playback.py) over a real recording of the simulated
site read through a LocalSource: four cameras in sync on one timeline, the PLAYBACK strip with
the recorded time, frame steps, spans and gaps on the timeline, bookmarks, and what it says
when asked for the future or refused."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QColor

from console.recorder.source import LocalSource
from console.ui.playback import PlaybackWorkspace, Timeline, local_text
from tests.test_playback_engine import in_sync_span, reference, source  # noqa: F401 (fixtures)
from tests.test_recorder_store import CONTINUOUS, FRAME_MS, STOPPED, Recording, burned, recording  # noqa: F401

SYNC = (*CONTINUOUS, STOPPED)


@pytest.fixture
def workspace(qtbot, recording: Recording) -> Any:  # type: ignore[no-untyped-def]
    marks: list[tuple[list[int], float, float, str]] = []

    def bookmark(cameras: list[int], start: float, end: float, note: str, case: str) -> dict[str, Any]:
        marks.append((cameras, start, end, f"{note} #{case}"))
        return {"ok": True, "answer": f"AK bookmark {len(marks)}"}

    # A source per opening, as a desk gets one per token: the workspace closes it when done.
    view = PlaybackWorkspace(lambda _cameras: LocalSource(recording.root), titles=lambda n: f"Cam {n}", bookmark=bookmark,
                             bookmarks=lambda start, end: [(m[1], m[2], m[3]) for m in marks])
    view.marks = marks  # type: ignore[attr-defined]
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    yield view
    view.shutdown()


def showing(view: PlaybackWorkspace) -> bool:
    return all(tile.frame is not None for tile in view.tiles.values())


def test_four_cameras_play_in_sync_with_playback_and_the_recorded_time_on_each_tile(
        qtbot, workspace: PlaybackWorkspace, recording: Recording, source: LocalSource) -> None:  # type: ignore[no-untyped-def]
    start, _end = in_sync_span(recording, source)
    assert workspace.open(list(SYNC), start)
    qtbot.waitUntil(lambda: showing(workspace), timeout=10000)
    for number, tile in workspace.tiles.items():
        assert tile.frame is not None
        assert burned(tile.frame.video)[0] == number  # each tile shows its own camera
        assert tile.frame.utc <= start + 1e-6 and start - tile.frame.utc < 2 * FRAME_MS / 1000
    assert workspace.time_label.text() == local_text(start)
    # The strip says PLAYBACK (amber, not a live tile's colours) and the frame's recorded time.
    picture = workspace.tiles[1].grab().toImage()
    strip = QColor(picture.pixel(2, 2))
    assert strip.red() > strip.blue() + 40 and strip.green() > strip.blue(), strip.name()
    workspace.play()
    qtbot.wait(1500)
    workspace.pause()
    qtbot.wait(200)
    moment = workspace.group.time()  # type: ignore[union-attr]
    assert moment is not None and moment > start + 1.0
    qtbot.waitUntil(lambda: all(t.frame is not None and abs(t.frame.utc - moment) < 2 * FRAME_MS / 1000
                                for t in workspace.tiles.values()), timeout=5000)
    times = [t.recorded_time() for t in workspace.tiles.values()]
    assert max(times) - min(times) <= FRAME_MS / 1000 + 1e-6, times  # within one frame of each other
    assert workspace.timeline.playhead == pytest.approx(moment, abs=0.1)


def test_frame_steps_spans_and_the_timeline(qtbot, workspace: PlaybackWorkspace, recording: Recording,  # type: ignore[no-untyped-def]
                                            source: LocalSource) -> None:
    ref = reference(source, 1)
    start, _end = in_sync_span(recording, source)
    workspace.open([1], start)
    qtbot.waitUntil(lambda: showing(workspace), timeout=10000)
    at = ref.utc.index(workspace.tiles[1].frame.utc)  # type: ignore[union-attr]
    for expected in (at + 1, at + 2, at + 1):
        workspace.step(1 if expected > at else -1).result(10)  # type: ignore[union-attr]
        qtbot.waitUntil(lambda e=expected: workspace.tiles[1].recorded_time() == ref.utc[e], timeout=5000)
        at = expected
        assert burned(workspace.tiles[1].frame.video)[1] == ref.burned_ms[at]  # type: ignore[union-attr]
    # The timeline has camera 1's recorded span under the playhead.
    qtbot.waitUntil(lambda: bool(workspace.timeline.data.spans.get(1)), timeout=5000)
    spans = workspace.timeline.data.spans[1]
    assert any(a <= ref.utc[at] <= b for a, b in spans)
    view = workspace.timeline.view
    workspace.timeline.zoom(0.5)
    assert workspace.timeline.view[1] - workspace.timeline.view[0] == pytest.approx((view[1] - view[0]) / 2)
    workspace.timeline.zoom(1e-6)
    assert workspace.timeline.view[1] - workspace.timeline.view[0] == pytest.approx(10.0)  # seconds at the closest
    # A click on the timeline seeks there.
    timeline: Timeline = workspace.timeline
    target = ref.utc[at] + 0.5
    timeline.set_view(target - 5, target + 5)
    timeline.seek_requested.emit(target)
    qtbot.waitUntil(lambda: abs((workspace.tiles[1].recorded_time() or 0) - target) < 2 * FRAME_MS / 1000,
                    timeout=5000)


def test_a_gap_is_shown_with_its_reason_and_skipped_to_the_next_span(qtbot, workspace: PlaybackWorkspace,  # type: ignore[no-untyped-def]
                                                                     recording: Recording, source: LocalSource) -> None:
    spans = source.coverage(STOPPED)
    assert len(spans) >= 2, spans  # camera 4 was taken off the air for 4 s
    hole = (spans[0][1] + spans[1][0]) / 2
    workspace.open([STOPPED], hole)
    qtbot.waitUntil(lambda: "No recording here" in workspace.tiles[STOPPED].message, timeout=10000)
    assert workspace.tiles[STOPPED].frame is None
    workspace.next_span()
    qtbot.waitUntil(lambda: (workspace.tiles[STOPPED].recorded_time() or 0) >= spans[1][0] - 1e-3, timeout=10000)
    assert workspace.tiles[STOPPED].message == ""


def test_bookmarks_the_future_and_a_refusal_are_said(qtbot, workspace: PlaybackWorkspace, recording: Recording,  # type: ignore[no-untyped-def]
                                                     source: LocalSource) -> None:
    start, _end = in_sync_span(recording, source)
    workspace.open([1, 2], start)
    qtbot.waitUntil(lambda: showing(workspace), timeout=10000)
    reply = workspace.bookmark_here("red car", "C-7")
    assert reply == {"ok": True, "answer": "AK bookmark 1"}
    assert workspace.marks == [([1, 2], start, start, "red car #C-7")]  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: workspace.timeline.data.bookmarks == [(start, start, "red car #C-7")], timeout=5000)
    assert workspace.status.text() == "AK bookmark 1"
    with qtbot.waitSignal(workspace.answered, timeout=2000) as said:
        assert not workspace.open([1], workspace.clock() + 3600)
    assert "is in the future" in said.args[0]
    assert workspace.group is not None  # what played before keeps playing

    def refused(_cameras: list[int]) -> Any:
        raise PermissionError("NA desk-1 (operator) has no playback right")

    workspace.source_for = refused
    assert not workspace.open([3], start)
    assert workspace.status.text() == "NA desk-1 (operator) has no playback right"


def test_cameras_dropped_from_the_tree_join_the_group_at_its_moment(qtbot, workspace: PlaybackWorkspace,  # type: ignore[no-untyped-def]
                                                                    recording: Recording, source: LocalSource) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QDropEvent

    from console.ui.camera_tree import camera_mime_data

    start, _end = in_sync_span(recording, source)
    workspace.open([1], start)
    qtbot.waitUntil(lambda: showing(workspace), timeout=10000)
    mime = camera_mime_data([2, 3])
    assert mime is not None
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    # Delivered as Qt would at the end of a drag (sendEvent drops a drop that no drag began).
    workspace.dropEvent(drop)
    assert drop.isAccepted()
    assert workspace.cameras == [1, 2, 3] and workspace.camera_field.text() == "1 2 3"
    qtbot.waitUntil(lambda: showing(workspace), timeout=10000)
    times = [t.recorded_time() for t in workspace.tiles.values()]
    assert all(t is not None and abs(t - start) < 2 * FRAME_MS / 1000 for t in times), (start, times)


def test_in_and_out_marks_make_the_span_a_bookmark_and_an_export_take(qtbot, workspace: PlaybackWorkspace,  # type: ignore[no-untyped-def]
                                                                       recording: Recording, source: LocalSource) -> None:
    start, _end = in_sync_span(recording, source)
    exported: list[tuple[list[int], float, float]] = []
    workspace._export = lambda cameras, a, b: exported.append((cameras, a, b))  # the console's Export… dialog
    workspace.open([1], start)
    qtbot.waitUntil(lambda: showing(workspace), timeout=10000)
    assert workspace.marked_span() is None
    mark_in = workspace.mark("in")[0]
    assert mark_in == workspace.group.time()  # type: ignore[union-attr]
    for _ in range(10):
        workspace.step(1).result(10)  # type: ignore[union-attr]
    qtbot.wait(100)
    mark_out = workspace.mark("out")[1]
    assert mark_out is not None and mark_in is not None and 0.6 < mark_out - mark_in < 0.75  # ten frames at 15 fps
    assert workspace.marked_span() == (mark_in, mark_out)
    workspace.bookmark_here("the whole thing", "C-9")
    assert workspace.marks[-1] == ([1], mark_in, mark_out, "the whole thing #C-9")  # type: ignore[attr-defined]
    workspace.export_span()
    assert exported == [([1], mark_in, mark_out)]
    workspace.mark("clear")
    workspace.export_span()
    assert exported[-1][1:] == workspace.timeline.view  # without marks: what the timeline shows
