"""The playback engine over a real recording of the simulated site: real RTSP cameras recorded
through the real ingest into a real store (tests/test_recorder_store.py's `recording`), read
back through a LocalSource, every picture checked by the camera number and capture time the
cameras burn into it."""

from __future__ import annotations

import io
import itertools
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import pytest

from console.evidence.signing import SigningKey
from console.recorder.remote import RemoteSource
from console.recorder.serve import RecordingServer
from console.recorder.source import LocalSource
from console.recorder.store import CameraRecorder, Store
from console.recorder.tokens import TokenVerifier, mint_token
from console.sim.site import SimSite
from console.video.ingest import Ingest
from console.video.playback import (
    MAX_GROUP,
    CameraPlayback,
    GapReachedError,
    NothingRecordedError,
    PlaybackError,
    PlaybackFrame,
    RecordingFailedError,
    SyncGroup,
)
from tests.conftest import ROOT
from tests.test_recorder_store import CONTINUOUS, FRAME_MS, STOPPED, Recording, burned, recording  # noqa: F401

FRAME = FRAME_MS / 1000
SYNC = (*CONTINUOUS, STOPPED)


@dataclass(frozen=True)
class Reference:
    """Every frame of a camera in recording order, read straight from the files with FFmpeg
    (not through the engine): its recorded time as the index defines it and its burned time."""

    utc: list[float]
    burned_ms: list[int]
    segment: list[int]

    def index_of(self, utc: float) -> int:
        found = [i for i, u in enumerate(self.utc) if abs(u - utc) < 1e-6]
        assert len(found) == 1, (utc, found)
        return found[0]


def reference(source: LocalSource, camera: int) -> Reference:
    utc, ms, segments = [], [], []
    for segment in source.segments(camera):
        with source.open(segment) as raw, av.open(raw, format="mpegts") as container:
            tb = container.streams.video[0].time_base
            for frame in container.decode(video=0):
                number, captured = burned(frame)
                assert number == camera
                utc.append(segment.start_utc + float(frame.pts * tb))
                ms.append(captured)
                segments.append(segment.id)
    return Reference(utc, ms, segments)


@pytest.fixture(scope="module")
def source(recording: Recording) -> LocalSource:
    return LocalSource(recording.root)


@pytest.fixture(scope="module")
def refs(source: LocalSource) -> dict[int, Reference]:
    return {n: reference(source, n) for n in SYNC}


def in_sync_span(recording: Recording, source: LocalSource) -> tuple[float, float]:
    """Where all four cameras recorded: after camera 4 came back."""
    starts = [source.coverage(n)[-1][0] for n in SYNC]
    ends = [source.coverage(n)[-1][1] for n in SYNC]
    return max(starts) + 0.2, min(ends) - 0.2


def offsets(ref: Reference) -> list[float]:
    """Recorded time minus burned capture time, per frame (ms)."""
    return [u * 1000 - b for u, b in zip(ref.utc, ref.burned_ms, strict=True)]


def test_a_seek_shows_the_frame_recorded_at_that_moment_with_its_recorded_time(
        source: LocalSource, refs: dict[int, Reference]) -> None:
    rng = random.Random(15)
    for camera in CONTINUOUS:
        ref = refs[camera]
        # The recorder stamps a frame with its arrival (console/recorder/segments.py): a
        # camera's recorded time runs a steady lag after the capture time burned into it.
        lag = sorted(offsets(ref))[len(ref.utc) // 2]
        assert 0 <= lag < 600, lag
        spans = source.coverage(camera)
        with CameraPlayback(source, camera) as playback:
            for _ in range(25):
                start, end = spans[0]
                moment = rng.uniform(start, end - 1e-3)
                frame = playback.seek(moment)
                number, captured = burned(frame.video)
                assert number == camera
                # The picture's own time, read from its pixels, is the engine's time ± one frame
                # (once the camera's lag is taken off) ...
                assert abs(frame.utc * 1000 - captured - lag) <= FRAME_MS, (frame.utc, captured, lag)
                # ... and the engine's time is the index's time for exactly that picture.
                at = ref.index_of(frame.utc)
                assert ref.burned_ms[at] == captured
                # It is the last frame recorded at or before the moment.
                assert frame.utc <= moment
                later = [u for u, s in zip(ref.utc[at + 1:], ref.segment[at + 1:], strict=True)
                         if s == frame.segment_id]
                assert not later or later[0] > moment
                assert moment - frame.utc < 2 * FRAME  # (and so within a frame or two of it)
                assert playback.current is frame
                # A second seek to the frame's own time finds the same picture.
                assert burned(playback.seek(frame.utc).video)[1] == captured
            # A seek may show the keyframe it decodes from first (a dragged timeline does).
            for _ in range(5):
                previews: list = []
                moment = rng.uniform(*spans[0])
                if abs(moment - frame.utc) < 3:
                    continue
                frame = playback.request_seek(moment, previews.append).result(10)
                assert len(previews) == 1 and previews[0].keyframe
                assert frame.utc - 1.0 - FRAME < previews[0].utc <= frame.utc
                assert burned(previews[0].video)[1] == ref.burned_ms[ref.index_of(previews[0].utc)]


def test_frame_steps_move_exactly_one_frame_across_gop_and_segment_boundaries(
        source: LocalSource, refs: dict[int, Reference]) -> None:
    camera = 2
    ref = refs[camera]
    segments = source.segments(camera)
    boundary = segments[1].start_utc
    # Start half a second before the second segment: forward over a GOP and the segment
    # boundary, then back over both (the GOP before is decoded again from its keyframe).
    with CameraPlayback(source, camera) as playback:
        frame = playback.seek(boundary - 0.5)
        at = ref.index_of(frame.utc)
        seen_boundary = False
        for k in range(1, 40):
            frame = playback.step(+1)
            assert ref.index_of(frame.utc) == at + k
            assert burned(frame.video)[1] == ref.burned_ms[at + k]
            seen_boundary |= frame.segment_id == segments[1].id
        assert seen_boundary
        keyframes_crossed = 0
        for k in range(38, -20, -1):
            previous = frame
            frame = playback.step(-1)
            assert ref.index_of(frame.utc) == at + k, (k, frame.utc)
            assert burned(frame.video)[1] == ref.burned_ms[at + k]
            keyframes_crossed += previous.keyframe
        assert keyframes_crossed >= 3  # back over GOP starts, one of them a segment's first
        assert frame.segment_id == segments[0].id
        # Several frames at once, both ways.
        assert ref.index_of(playback.step(+5).utc) == at - 19 + 5
        assert ref.index_of(playback.step(-5).utc) == at - 19


def test_four_cameras_in_sync_stay_within_a_frame_playing_and_after_seeks(
        recording: Recording, source: LocalSource, refs: dict[int, Reference]) -> None:
    start, end = in_sync_span(recording, source)
    assert end - start >= 3.0, (start, end)
    lags = {n: sorted(offsets(refs[n]))[len(refs[n].utc) // 2] for n in SYNC}
    group = SyncGroup([CameraPlayback(source, n) for n in SYNC])
    try:
        group.seek(start)
        group.play(1.0)
        ticks = exact = 0
        spreads: list[float] = []
        played_from = time.monotonic()
        while time.monotonic() - played_from < min(4.0, end - start - 0.5):
            shown = group.frames()
            ticks += 1
            if all(s.exact for s in shown.values()):
                exact += 1
                moment = next(iter(shown.values())).moment
                for s in shown.values():
                    assert s.frame is not None and s.frame.utc <= moment < s.frame.utc + 2 * FRAME
                # Read from the pictures (each camera's recording lag taken off): one moment.
                captured = [burned(s.frame.video)[1] + lags[n] for n, s in shown.items() if s.frame]
                spreads.append(max(captured) - min(captured))
            time.sleep(0.02)
        played = group.time()
        assert played is not None
        # The group's time ran at 1× on the monotonic clock.
        assert abs((played - start) - (time.monotonic() - played_from)) < 0.1
        # At 1× the decoders stay ahead of the playhead: the tiles almost never wait.
        assert exact >= 0.95 * ticks, (exact, ticks)
        assert max(spreads) <= FRAME_MS + 10, max(spreads)
        group.pause()
        rng = random.Random(4)
        for _ in range(8):
            moment = rng.uniform(start, end)
            results = group.seek(moment)
            frames = [r for r in results.values() if not isinstance(r, Exception)]
            assert len(frames) == len(SYNC), results
            assert all(f.utc <= moment < f.utc + 2 * FRAME for f in frames)
            captured = [burned(f.video)[1] + lags[f.camera] for f in frames]
            assert max(captured) - min(captured) <= FRAME_MS + 10
        # A group step moves the lead by one frame, the others to their frame of that moment.
        lead = group.lead
        before = lead.current
        assert before is not None
        stepped = group.step(+1)
        ref = refs[lead.camera]
        assert ref.index_of(stepped[lead.camera].utc) == ref.index_of(before.utc) + 1  # type: ignore[union-attr]
        assert group.time() == stepped[lead.camera].utc  # type: ignore[union-attr]
        for n, f in stepped.items():
            assert not isinstance(f, Exception), f
            assert f.utc <= group.time() < f.utc + 2 * FRAME, n  # type: ignore[operator]
    finally:
        group.close()


def test_a_gap_is_reported_with_its_reason_and_skipped(recording: Recording, source: LocalSource,
                                                       refs: dict[int, Reference]) -> None:
    ref = refs[STOPPED]
    (_, before_end), (after_start, _) = source.coverage(STOPPED)[:2]
    with CameraPlayback(source, STOPPED) as playback:
        # A moment in the gap: nothing to show, and the recorder's reason why.
        with pytest.raises(NothingRecordedError) as caught:
            playback.seek((before_end + after_start) / 2)
        gap = caught.value.gap
        assert gap is not None
        assert gap.start == pytest.approx(before_end) and gap.end == pytest.approx(after_start)
        assert any("404" in r or "refused" in r for r in gap.reasons), gap
        assert gap.reason in str(caught.value) and "nothing recorded" in str(caught.value)
        # Stepping up to it stops at its edge with the same news; the next span is over it.
        last = playback.seek(before_end - 0.3)
        with pytest.raises(GapReachedError) as reached:
            for _ in range(20):
                last = playback.step(+1)
        assert reached.value.gap is not None and reached.value.gap.reason == gap.reason
        assert ref.utc[ref.index_of(last.utc) + 1] >= after_start - 1e-6  # the last frame before the gap
        first = playback.next_span()
        assert ref.index_of(first.utc) == ref.index_of(last.utc) + 1  # the frame right after the gap
        assert first.utc == pytest.approx(after_start, abs=FRAME) and first.keyframe
        with pytest.raises(GapReachedError):
            playback.step(-1)
        back = playback.previous_span()
        assert back.utc == ref.utc[0]
        # Played through in a group, the gap shows with its reason, then is skipped.
        group = SyncGroup([playback])
        group.seek(before_end - 0.3)
        group.play(1.0)
        shown_gap = None
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            shown = group.frames()[STOPPED]
            if shown.gap is not None:
                shown_gap = shown.gap
            now = group.time()
            assert now is not None
            if now >= after_start + 0.3 and shown.exact:
                break
            time.sleep(0.02)
        assert shown_gap is not None and shown_gap.reason == gap.reason
        assert now >= after_start + 0.3, "the gap was not skipped"
        assert time.monotonic() - (deadline - 3.0) < (after_start - before_end) / 2  # faster than playing it
        assert shown.frame is not None and shown.frame.utc >= after_start - 1e-6
        group.pause()


def test_bad_moments_and_cameras_are_said_clearly(source: LocalSource, recording: Recording) -> None:
    first = source.coverage(1)[0][0]
    with CameraPlayback(source, 1) as playback:
        with pytest.raises(PlaybackError, match="nothing to step from"):
            playback.step(+1)
        with pytest.raises(NothingRecordedError, match="in the future"):
            playback.seek(time.time() + 3600)
        with pytest.raises(NothingRecordedError, match="before the first recording") as before:
            playback.seek(first - 60)
        assert before.value.gap is not None and before.value.gap.end == pytest.approx(first)
        with pytest.raises(NothingRecordedError, match="nothing recorded after it yet"):
            playback.seek(time.time() - 1)  # after the recording stopped, before now
        with pytest.raises(ValueError, match="0 frames"):
            playback.request_step(0)
        with pytest.raises(ValueError, match="outside"):
            playback.set_playing(True, 32)
        # A failed request leaves the engine usable.
        assert playback.seek(first + 1).utc <= first + 1
    with CameraPlayback(source, 77) as nobody, pytest.raises(NothingRecordedError, match="camera 77 has no recordings"):
        nobody.seek(first)
    with pytest.raises(ValueError, match="at most 16"):
        SyncGroup([CameraPlayback(source, 1) for _ in range(MAX_GROUP + 1)])
    group = SyncGroup([CameraPlayback(source, 1)])
    with pytest.raises(ValueError, match="not one of"):
        group.set_speed(3)
    group.close()


def test_a_recording_that_goes_away_mid_play_is_said_and_nothing_hangs(recording: Recording,
                                                                      tmp_path: Path) -> None:
    root = tmp_path / "store"
    shutil.copytree(recording.root, root)
    source = LocalSource(root)
    segments = source.segments(1)
    with CameraPlayback(source, 1) as playback:
        playback.seek(segments[1].end_utc - 0.2)
        # Retention (or a failing disk) takes the next segment away under the player.
        source.store.path_of(segments[2]).unlink()
        started = time.monotonic()
        with pytest.raises(RecordingFailedError, match=r"camera 1: .*cannot be read") as caught:
            for _ in range(10):
                playback.step(+1)
        assert "No such file" in str(caught.value)
        assert time.monotonic() - started < 2.0
        # A player loop gets the message in what it shows, at once, and keeps the last picture.
        group = SyncGroup([playback])
        group.seek(segments[1].end_utc - 0.2)
        group.play(1.0)
        deadline = time.monotonic() + 2.0
        shown = group.frames()[1]
        while not shown.error and time.monotonic() < deadline:
            tick = time.monotonic()
            shown = group.frames()[1]
            assert time.monotonic() - tick < 0.05  # the loop never waits on the decoder
            time.sleep(0.02)
        assert "cannot be read" in shown.error and shown.frame is not None
        # Elsewhere the recording still plays.
        assert playback.seek(segments[0].start_utc + 1).segment_id == segments[0].id
    # A recording read through a file that fails mid-read (a remote recorder dropping).
    failing = _FailingSource(root)
    with CameraPlayback(failing, 1) as playback:
        playback.seek(segments[3].start_utc + 0.1)
        failing.fail = True
        with pytest.raises(RecordingFailedError, match="camera 1"):
            playback.seek(segments[0].start_utc + 0.5)
    source.close()
    failing.close()


class _FailingFile(io.RawIOBase):
    def __init__(self, raw: io.BufferedReader, owner: _FailingSource) -> None:
        super().__init__()
        self.raw, self.owner = raw, owner

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        if self.owner.fail:
            raise ConnectionResetError(104, "the recorder closed the connection")
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, pos: int, whence: int = 0) -> int:
        return self.raw.seek(pos, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        self.raw.close()
        super().close()


class _FailingSource(LocalSource):
    """The real store, read through files whose reads fail once told to: what a remote
    source does when its connection drops after the index answered."""

    fail = False

    def open(self, segment):  # type: ignore[no-untyped-def]
        return _FailingFile(super().open(segment), self)  # type: ignore[arg-type]


def test_fast_play_shows_keyframes_only_and_says_so(recording: Recording, source: LocalSource,
                                                    refs: dict[int, Reference]) -> None:
    start = source.coverage(1)[0][0]
    ref = refs[1]
    group = SyncGroup([CameraPlayback(source, 1)])
    try:
        group.seek(start)
        group.play(8.0)
        keyframe_times = set()
        began = time.monotonic()
        while time.monotonic() - began < 1.2:
            shown = group.frames()[1]
            assert shown.keyframes_only
            if shown.exact:
                assert shown.frame is not None and shown.frame.keyframe
                keyframe_times.add(shown.frame.utc)
                assert burned(shown.frame.video)[1] == ref.burned_ms[ref.index_of(shown.frame.utc)]
            time.sleep(0.02)
        assert len(keyframe_times) >= 6  # ~9 s of recording in 1.2 s: one GOP a second
        group.set_speed(1.0)
        time.sleep(0.1)
        shown = group.frames()[1]
        assert not shown.keyframes_only
    finally:
        group.close()
    # Fast over a gap: shown with its reason, then skipped.
    (_, gap_start), (gap_end, _) = source.coverage(STOPPED)[:2]
    group = SyncGroup([CameraPlayback(source, STOPPED)])
    try:
        group.seek(gap_start - 1.0)
        group.play(8.0)
        gaps_seen = []
        began = time.monotonic()
        while time.monotonic() - began < 2.0:
            shown = group.frames()[STOPPED]
            if shown.gap is not None:
                gaps_seen.append(shown.gap)
            if shown.exact and shown.frame is not None and shown.frame.utc >= gap_end:
                break
            time.sleep(0.02)
        assert gaps_seen and any("404" in r or "refused" in r for r in gaps_seen[0].reasons), gaps_seen
        assert shown.exact and shown.frame is not None and shown.frame.utc >= gap_end - 1e-6, shown
    finally:
        group.close()


def test_instant_replay_plays_on_through_a_recording_still_being_made(sim: SimSite, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Instant replay: back 2.5 s on a camera being recorded right now, play at 1×, then at 2×
    up to the live edge: the engine follows the segment file as it grows and the next ones as
    they open, with no gap where none is, and says where the recording ends."""
    camera = 5
    resumed = []
    resume = CameraPlayback._resume

    def counted(self: CameraPlayback, segment: Any, after: PlaybackFrame) -> PlaybackFrame | None:
        frame = resume(self, segment, after)
        resumed.append(frame is not None)
        return frame

    monkeypatch.setattr(CameraPlayback, "_resume", counted)  # counted, not changed
    store = Store(tmp_path / "live")
    recorder = CameraRecorder(store, camera, segment_seconds=4)
    ingest = Ingest(sim.url(camera))
    ingest.attach(recorder)
    ingest.start()
    source = None
    group = None
    try:
        deadline = time.monotonic() + 15
        while not store.coverage(camera) or store.coverage(camera)[-1][1] - store.coverage(camera)[0][0] < 3.5:
            assert time.monotonic() < deadline, "camera 5 is not being recorded"
            time.sleep(0.1)
        source = LocalSource(tmp_path / "live")  # read-only, beside the recorder writing it
        group = SyncGroup([CameraPlayback(source, camera)])
        back = time.time() - 2.0
        group.seek(back)
        group.play(1.0)
        captured: list[int] = []
        ticks = waiting = 0
        began = time.monotonic()
        # 1× for 2.5 s, 2 s behind the camera, through segments as they open; then 2× until
        # the playhead catches up with the recording, in a segment file still growing.
        live_edge = None
        while time.monotonic() - began < 10.0:
            if time.monotonic() - began > 2.5 and group.speed == 1.0:
                group.set_speed(2.0)
            shown = group.frames()[camera]
            assert not shown.error, shown
            if shown.gap is not None:  # only at the live edge, and saying so
                assert "being recorded" in shown.gap.reason, shown.gap
                assert shown.moment > time.time() - 1.5, (shown.moment - time.time())
                live_edge = shown.gap
                break
            ticks += 1
            if shown.exact and shown.frame is not None:
                ms = burned(shown.frame.video)[1]
                if not captured or ms != captured[-1]:
                    captured.append(ms)
            else:
                waiting += 1
            time.sleep(0.02)
        assert live_edge is not None, "the playhead never caught up with the recording"
        assert all(b > a for a, b in itertools.pairwise(captured))
        assert (captured[-1] - captured[0]) / 1000 > 3.5  # it kept playing past where the recording was
        assert len(captured) >= 0.9 * (captured[-1] - captured[0]) / FRAME_MS  # frame after frame
        assert waiting <= 0.1 * ticks, (waiting, ticks)
        assert any(resumed), resumed  # it read on in a file that grew after it had reached its end
    finally:
        if group is not None:
            group.close()
        if source is not None:
            source.close()
        ingest.stop()
        recorder.close()
        store.close()


def test_the_same_pictures_through_the_recorder_over_http_and_a_recorder_that_goes_away(
        recording: Recording, source: LocalSource, refs: dict[int, Reference], keyring_file: Path) -> None:
    """The engine only knows the RecordingSource protocol: over the recorder's HTTP server
    (tokens, Range requests) it shows the very frames it shows from the store on disk."""
    key = SigningKey.load("playback-test-centre", create=True)
    token = mint_token(key, desk="desk-1", role="operator", rights=("playback",), cameras="*")
    with Store(recording.root, readonly=True) as store:
        server = RecordingServer(store, TokenVerifier(key.public), "127.0.0.1", 0).start()
        remote = RemoteSource(server.url, lambda: token, timeout=2.0)
        try:
            ref = refs[2]
            rng = random.Random(7)
            start, end = source.coverage(2)[0]
            with CameraPlayback(remote, 2) as playback:
                for _ in range(8):
                    frame = playback.seek(rng.uniform(start, end))
                    assert burned(frame.video)[1] == ref.burned_ms[ref.index_of(frame.utc)]
                at = ref.index_of(playback.seek(source.segments(2)[1].start_utc + 0.05).utc)
                offset = 0
                for direction in (-1, -1, -1, +1, +1, +1, +1):  # back over the segment boundary, forward
                    frame = playback.step(direction)
                    offset += direction
                    assert ref.index_of(frame.utc) == at + offset
                    assert burned(frame.video)[1] == ref.burned_ms[at + offset]
                (_, gap_start), (gap_end, _) = source.coverage(STOPPED)[:2]
                with CameraPlayback(remote, STOPPED) as stopped, pytest.raises(NothingRecordedError) as caught:
                    stopped.seek((gap_start + gap_end) / 2)
                assert caught.value.gap is not None
                assert any("404" in r or "refused" in r for r in caught.value.gap.reasons), caught.value.gap
                # The recorder goes away mid-play: said in words, within the source's timeout.
                server.stop()
                began = time.monotonic()
                with pytest.raises(RecordingFailedError, match="camera 2"):
                    playback.seek(end - 0.5)
                assert time.monotonic() - began < 6.0
        finally:
            server.stop()
            remote.close()


def test_the_engine_needs_no_qt() -> None:
    """A wall agent or a tool plays recordings without a display: the engine imports no Qt."""
    code = ("import sys; sys.modules['PySide6'] = None; import console.video.playback; "
            "print(sorted(m for m in sys.modules if m.startswith(('PySide6.', 'shiboken'))))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_hairline_hole_between_segments_is_no_gap(recording: Recording, tmp_path: Path,
                                                    refs: dict[int, Reference]) -> None:
    """Two segments a fraction of a second apart (a recorder re-anchoring its clock): a moment
    between them shows the last frame before, and steps go straight across."""
    root = tmp_path / "store"
    shutil.copytree(recording.root, root)
    with Store(root) as store:
        first, second = store.segments(1)[:2]
    shift = first.end_utc + 0.3 - second.start_utc  # the second segment moved to start 0.3 s after the first ends
    with sqlite3.connect(root / "index.sqlite") as db:
        db.execute("UPDATE segments SET start_utc = start_utc + ?, end_utc = end_utc + ?, utc_offset = utc_offset + ? "
                   "WHERE id = ?", (shift, shift, shift, second.id))
        db.execute("UPDATE keyframes SET utc = utc + ? WHERE segment_id = ?", (shift, second.id))
    ref = refs[1]
    last_before = max(i for i, s in enumerate(ref.segment) if s == first.id)
    source = LocalSource(root)
    try:
        assert len(source.coverage(1)) == 1
        with CameraPlayback(source, 1) as playback:
            frame = playback.seek(first.end_utc + 0.15)
            assert burned(frame.video)[1] == ref.burned_ms[last_before]
            frame = playback.step(+1)
            assert burned(frame.video)[1] == ref.burned_ms[last_before + 1]
            assert frame.utc == pytest.approx(ref.utc[last_before + 1] + shift, abs=1e-6)
            frame = playback.step(-1)
            assert burned(frame.video)[1] == ref.burned_ms[last_before]
    finally:
        source.close()
