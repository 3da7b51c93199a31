"""Playback from a third-party NVR (the simulated site's, both URL forms) through the same engine
interface and workspace as our recorder's: the time burned into each frame is the time reported."""

from __future__ import annotations

import itertools
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest

from console import credentials
from console.matrix.catalog import Catalog, CatalogError, build, read_catalog
from console.recorder.source import LocalSource
from console.recorder.store import Store
from console.sim.site import SimSite, free_port
from console.ui.playback import PlaybackWorkspace
from console.video import nvr_playback
from console.video.nvr import DAHUA, HIKVISION
from console.video.nvr_playback import FAST_HOLD, NvrPlayback, NvrSource
from console.video.playback import (
    CameraPlayback,
    NothingRecordedError,
    PlaybackError,
    PlaybackFrame,
    RecordingFailedError,
    SyncGroup,
)
from tests.conftest import SIM_PASSWORD, SIM_USER
from tests.test_recorder_store import burned

FRAME = 1 / 15  # the simulated site's frame interval
# The burned time is whole milliseconds, rounded down: one frame plus that millisecond.
ONE_FRAME_MS = 1000 * FRAME + 1
# A frame's reported time is its burned time, to the millisecond the burned time is rounded to
# (one frame off, the first packet's missing pts mishandled, is far outside this).
SAME_MS = 1.5


def nvr(sim: SimSite, kind: str = HIKVISION, channel: int = 3, credential: str | None = "sim", **kw: Any) -> NvrPlayback:
    return NvrPlayback(NvrSource(kind, f"rtsp://127.0.0.1:{sim.port}", channel, credential), channel, **kw)


def shows(frame: PlaybackFrame, moment: float) -> bool:
    """The burned time says `frame` is the frame of `moment`: the last one at or before it."""
    return -ONE_FRAME_MS < burned_ms(frame) - moment * 1000 <= SAME_MS


def burned_ms(frame: PlaybackFrame) -> int:
    number, when = burned(frame.video)
    assert number == frame.camera  # the NVR's channel is this camera's footage
    return when


@pytest.fixture
def playback(sim: SimSite) -> Iterator[NvrPlayback]:
    with nvr(sim) as player:
        yield player


@pytest.mark.parametrize("kind", [HIKVISION, DAHUA])
def test_a_seek_shows_the_moment_asked_for_with_its_burned_time(sim: SimSite, kind: str) -> None:
    moment = time.time() - 3 * 3600 - 123.37
    with nvr(sim, kind) as player:
        frame = player.seek(moment)
        assert frame.utc <= moment < frame.utc + FRAME + 1e-3  # the frame of the moment: last at or before it
        assert abs(burned_ms(frame) - frame.utc * 1000) <= SAME_MS  # the reported time is the burned one
        assert shows(frame, moment)  # and it is the moment asked for
        shown = player.frame_at(moment)
        assert shown.exact and shown.frame is frame and not shown.error


def test_frame_steps_move_exactly_one_frame_both_ways_across_a_reopen(playback: NvrPlayback) -> None:
    moment = int(time.time()) - 86_400 + 0.4  # 6 frames into its second: stepping back 10 crosses the stream's start
    first = playback.seek(moment)
    frames = [first]
    for _ in range(3):
        frames.append(playback.step(1))
    for _ in range(13):
        frames.append(playback.step(-1))
    for before, after, direction in zip(frames[:-1], frames[1:], [1] * 3 + [-1] * 13, strict=True):
        assert after.utc - before.utc == pytest.approx(direction * FRAME, abs=1e-3)
        assert abs((burned_ms(after) - burned_ms(before)) - direction * 1000 * FRAME) <= 1
    assert frames[-1].utc < int(moment) - 0.5 * FRAME  # it did go back past the second the seek opened at
    assert frames[-1].segment_id != first.segment_id  # through a reopen a second earlier
    assert abs(burned_ms(frames[-1]) - frames[-1].utc * 1000) <= SAME_MS


def test_a_paused_player_gives_its_session_back_and_steps_on_through_a_reopen(
        sim: SimSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nvr_playback, "IDLE_CLOSE_SECONDS", 0.5)  # NVRs serve few sessions; not 10 s here
    with nvr(sim) as player:
        first = player.seek(time.time() - 9000)
        time.sleep(1.5)
        frames = [first, player.step(1), player.step(1), player.step(1)]
        for before, after in itertools.pairwise(frames):
            assert after.utc - before.utc == pytest.approx(FRAME, abs=1e-3)
            assert abs(burned_ms(after) - burned_ms(before) - 1000 * FRAME) <= 1
        assert frames[-1].segment_id != first.segment_id  # read on from a new stream, from the last frame's second


def test_a_seek_reopens_at_the_new_time_and_a_near_one_does_not(playback: NvrPlayback) -> None:
    moment = time.time() - 2 * 3600
    first = playback.seek(moment)
    near = playback.seek(moment + 0.2)  # decoded on in the same stream
    assert near.segment_id == first.segment_id and near.utc > first.utc
    far = playback.seek(moment - 600.5)
    assert far.segment_id != first.segment_id  # a new stream from the new time
    assert shows(far, moment - 600.5)
    again = playback.seek(moment + 1800.25)
    assert shows(again, moment + 1800.25)


def test_it_plays_on_through_frame_at_without_waiting(playback: NvrPlayback) -> None:
    moment = time.time() - 5000
    playback.seek(moment)
    playback.set_playing(True, 1.0)
    start = time.monotonic()
    shown = []
    while time.monotonic() - start < 4.0:
        asked = time.monotonic()
        playhead = moment + (time.monotonic() - start)
        state = playback.frame_at(playhead)
        assert time.monotonic() - asked < 0.05  # never waits for the NVR
        if time.monotonic() - start > 2.0:
            # The frame of the moment, or (at the NVR's 1× pace, the stream just at the
            # playhead) the one before it while the next is on its way: within one frame.
            assert state.frame is not None and not state.error
            assert -1e-3 <= playhead - state.frame.utc < 2 * FRAME
            shown.append(state.frame)
        time.sleep(0.02)
    playback.set_playing(False)
    assert len({f.utc for f in shown}) >= 25  # the last 2 s at 15 fps, nearly every frame shown
    for frame in shown[:: max(1, len(shown) // 5)]:
        assert abs(burned_ms(frame) - frame.utc * 1000) <= SAME_MS


def test_fast_play_shows_a_picture_of_a_reopen_ahead_now_and_then(playback: NvrPlayback) -> None:
    moment = time.time() - 7000
    group = SyncGroup([cast(CameraPlayback, playback)])  # drives an NvrPlayback like a CameraPlayback
    group.seek(moment)
    group.play(8.0)  # the NVR sends at 1×: above 4× a picture per reopen, said as keyframes only
    start = time.monotonic()
    pictures: dict[float, PlaybackFrame] = {}
    while time.monotonic() - start < 4.0:
        state = group.frames()[playback.camera]
        assert state.keyframes_only and not state.error
        if state.exact and state.frame is not None:
            assert -1e-3 <= state.moment - state.frame.utc <= 8 * FAST_HOLD + 1e-3  # shown once its time has come
            pictures[state.frame.utc] = state.frame
        time.sleep(0.04)
    group.pause()
    assert len(pictures) >= 3 and max(pictures) - moment > 15  # 32 s of recording went by, in several pictures
    for frame in pictures.values():
        assert frame.keyframe and abs(burned_ms(frame) - frame.utc * 1000) <= SAME_MS


def test_spans_are_said_to_be_unknown(playback: NvrPlayback) -> None:
    playback.seek(time.time() - 3600)
    with pytest.raises(PlaybackError, match="no index"):
        playback.next_span()


# -- what goes wrong, said plainly and in time -----------------------------------------------
@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port on loopback that accepts and never answers (an NVR hung mid-way)."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_errors_name_the_nvr_and_never_hang(sim: SimSite, silent_server: int, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    credentials.store("nvr-wrong", SIM_USER, "Wrong-" + SIM_PASSWORD)
    cases: list[tuple[NvrPlayback, float, type[Exception], str, float]] = [
        (nvr(sim), time.time() + 3600, NothingRecordedError, "is in the future", 0.5),
        (nvr(sim, channel=99), time.time() - 60, NothingRecordedError, "has no recording", 3.0),
        (nvr(sim, DAHUA, credential="nvr-wrong"), time.time() - 60, RecordingFailedError, "401 unauthorized", 3.0),
        (nvr(sim, credential="nvr-missing"), time.time() - 60, RecordingFailedError, "no credential 'nvr-missing'", 1.0),
    ]
    closed = free_port()  # nothing listens there
    cases.append((NvrPlayback(NvrSource(HIKVISION, f"rtsp://127.0.0.1:{closed}", 1, "sim"), 1), time.time() - 60,
                  RecordingFailedError, "connection refused", 3.0))
    cases.append((NvrPlayback(NvrSource(HIKVISION, f"rtsp://127.0.0.1:{silent_server}", 1, "sim"), 1, open_timeout=1.0,
                              read_timeout=1.0), time.time() - 60, RecordingFailedError, "timed out", 4.0))
    for player, moment, error, words, within in cases:
        with player:
            began = time.monotonic()
            with pytest.raises(error) as caught:
                player.seek(moment)
            assert time.monotonic() - began < within, words
            text = str(caught.value)
            assert words in text and "NVR rtsp://127.0.0.1:" in text and f"camera {player.camera}" in text
            # A player loop asking meanwhile is answered at once, with the same words.
            asked = time.monotonic()
            shown = player.frame_at(moment)
            assert time.monotonic() - asked < 0.05
            assert shown.frame is None and words in shown.error
    assert SIM_PASSWORD not in caplog.text  # the login went to FFmpeg only


# -- the workspace -----------------------------------------------------------------------------
def test_the_workspace_plays_an_nvr_camera_with_its_recorded_time_on_the_tile(
        qtbot, sim: SimSite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    Store(tmp_path / "recordings").close()  # our recorder: it has recorded nothing of these cameras
    made: list[NvrPlayback] = []

    def nvr_for(camera: int) -> NvrPlayback | None:
        if camera != 3:
            return None  # camera 4 names no NVR
        made.append(nvr(sim))
        return made[-1]

    view = PlaybackWorkspace(lambda _cameras: LocalSource(tmp_path / "recordings"), titles=lambda n: f"Cam {n}",
                             nvr_for=nvr_for)
    qtbot.addWidget(view)
    try:
        moment = time.time() - 4 * 3600 + 0.5
        assert view.open([3, 4], moment, play=True)
        assert view.group is not None
        assert [type(m) for m in view.group.members] == [NvrPlayback, CameraPlayback]
        assert view.nvr_cameras == {3} and "NVR" in view.tiles[3].title and "NVR" not in view.tiles[4].title
        tile = view.tiles[3]

        def in_step() -> bool:  # playing on, the tile at the group's time (at most one reopen ahead away)
            group_time = view.group.time() if view.group is not None else None
            return (tile.frame is not None and group_time is not None and tile.frame.utc > moment + 1.0
                    and -1e-3 <= group_time - tile.frame.utc < 2 * FRAME)

        qtbot.waitUntil(in_step, timeout=10000)
        frame = tile.frame
        assert frame is not None and tile.recorded_time() == frame.utc
        assert abs(burned_ms(frame) - frame.utc * 1000) <= SAME_MS  # what the tile says is what was recorded
        assert view.tiles[4].message  # our recorder has nothing of camera 4: said on its tile
        assert view.timeline.unknown == {3} and 3 not in view.timeline.data.spans  # no index: not drawn as a gap
    finally:
        view.shutdown()


# The offscreen platform cannot raise a window (the console raises the playback window).
@pytest.mark.qt_log_ignore(re.escape("This plugin does not support raise()"))
def test_the_desk_plays_a_camera_from_the_nvr_its_catalog_entry_names(
        qtbot, sim: SimSite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QSettings

    from console.matrix.layouts import load_layout
    from console.ui.centre import start_local_centre
    from tests.conftest import ROOT

    nvr_entry = json.dumps({"kind": "dahua", "url": f"rtsp://127.0.0.1:{sim.port}", "channel": 5, "credential": "sim"})
    rows = "".join(f"{c.number},{c.name},{c.url},sim,{_csv(nvr_entry) if c.number == 5 else ''}\n" for c in sim.cameras)
    (tmp_path / "cams.csv").write_text("number,name,main,credential,nvr\n" + rows, encoding="utf-8")
    build(read_catalog(tmp_path / "cams.csv"), tmp_path / "catalog.sqlite")
    centre = start_local_centre(load_layout(ROOT / "layouts" / "town-xinjia.yaml"), tmp_path / "catalog.sqlite", tmp_path,
                                settings=QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat),
                                arrange="demo")
    try:
        moment = time.time() - 2 * 86_400 + 0.3
        view = centre.console.open_playback([5], moment)  # the centre runs no recorder: the NVR plays it
        assert view.nvr_cameras == {5}
        qtbot.waitUntil(lambda: view.tiles[5].frame is not None, timeout=10000)
        frame = view.tiles[5].frame
        assert frame is not None and shows(frame, moment) and abs(burned_ms(frame) - frame.utc * 1000) <= SAME_MS
        assert centre.console.open_playback([4], moment).group is not None  # still the NVR's group: 4 names none
        assert "recorder" in view.status.text()  # and that is said
    finally:
        centre.close()


def _csv(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def test_the_workspace_plays_nvr_cameras_without_a_recorder_but_not_without_the_right(
        qtbot, sim: SimSite) -> None:  # type: ignore[no-untyped-def]
    def no_recorder(_cameras: list[int]) -> Any:
        raise OSError("no recorder serves recordings now")

    def refused(_cameras: list[int]) -> Any:
        raise PermissionError("this desk may not play recordings back")

    for source_for, plays in ((no_recorder, True), (refused, False)):
        view = PlaybackWorkspace(source_for, nvr_for=lambda n: nvr(sim) if n == 3 else None)
        qtbot.addWidget(view)
        try:
            assert view.open([3], time.time() - 600) is plays
            if plays:
                qtbot.waitUntil(lambda v=view: v.tiles[3].frame is not None, timeout=10000)
            else:
                assert "may not" in view.status.text() and view.group is None
            assert view.open([3, 4], time.time() - 600) is False  # camera 4 has neither
        finally:
            view.shutdown()


# -- the catalog -------------------------------------------------------------------------------
def test_the_catalog_takes_an_nvr_source_and_says_what_is_wrong_with_file_and_line(tmp_path: Path) -> None:
    good = tmp_path / "cams.yaml"
    good.write_text("""\
cameras:
  - number: 5
    name: 东门 East gate
    streams: {main: "rtsp://10.1.2.3/cam/5"}
    nvr: {kind: Hikvision, url: "rtsp://10.1.2.3:554", channel: 5, credential: nvr-east}
  - number: 6
    name: 西门 West gate
    streams: {main: "rtsp://10.1.2.4/cam/6"}
    nvr: {kind: dahua, url: "rtsp://10.1.2.4", channel: 2, stream: 2, utc_offset: "+08:00"}
""", encoding="utf-8")
    db = tmp_path / "catalog.sqlite"
    build(read_catalog(good), db)
    catalog = Catalog(db)
    try:
        east, west = catalog.get(5), catalog.get(6)
        assert east is not None and east.nvr is not None and west is not None and west.nvr is not None
        assert NvrSource.from_json(east.nvr) == NvrSource(HIKVISION, "rtsp://10.1.2.3:554", 5, "nvr-east")
        assert NvrSource.from_json(west.nvr).utc_offset.total_seconds() == 8 * 3600
    finally:
        catalog.close()
    bad = tmp_path / "bad.yaml"
    bad.write_text("""\
cameras:
  - number: 1
    name: a
    streams: {main: "rtsp://h/1"}
    nvr: {kind: uniview, url: "rtsp://h", channel: 1}
  - number: 2
    name: b
    streams: {main: "rtsp://h/2"}
    nvr: {kind: hikvision, url: "http://h/Streaming/tracks/101", channel: 1}
  - number: 3
    name: c
    streams: {main: "rtsp://h/3"}
    nvr: {kind: dahua, url: "rtsp://h", channel: 0}
  - number: 4
    name: d
    streams: {main: "rtsp://h/4"}
    nvr: {kind: dahua, url: "rtsp://admin:Secret9@h", channel: 4}
  - number: 7
    name: e
    streams: {main: "rtsp://h/7"}
    nvr: {kind: dahua, url: "rtsp://h", channel: 10000, password: x}
""", encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        read_catalog(bad)
    text = str(caught.value)
    assert f"{bad}:5: camera 1: nvr kind 'uniview' is not one of hikvision, dahua" in text
    assert f"{bad}:9: camera 2: nvr url 'http://h/Streaming/tracks/101' is not an NVR's address" in text
    assert f"{bad}:13: camera 3: nvr channel must be a whole number from 1 to 9999, not 0" in text
    assert f"{bad}:17: camera 4: nvr url 'rtsp://admin:***@h' carries a password" in text
    assert f"{bad}:21: camera 7: nvr has unknown key(s) password" in text
    assert "Secret9" not in text
    csv = tmp_path / "cams.csv"
    csv.write_text('number,name,main,nvr\n8,f,rtsp://h/8,"{""kind"": ""dahua"", ""url"": ""rtsp://h"", ""channel"": 12345}"\n',
                   encoding="utf-8")
    with pytest.raises(CatalogError, match=rf"{csv}:2: camera 8: nvr channel must be a whole number from 1 to 9999"):
        read_catalog(csv)


def test_a_catalog_built_before_nvr_still_reads(tmp_path: Path) -> None:
    import sqlite3

    source = tmp_path / "cams.yaml"
    source.write_text('- {number: 1, name: a, streams: {main: "rtsp://h/1"}}\n', encoding="utf-8")
    db = tmp_path / "catalog.sqlite"
    build(read_catalog(source), db)
    with sqlite3.connect(db) as con:
        con.execute("ALTER TABLE cameras DROP COLUMN nvr")  # as an older version wrote it
    catalog = Catalog(db)
    try:
        camera = catalog.get(1)
        assert camera is not None and camera.nvr is None and camera.name == "a"
    finally:
        catalog.close()
