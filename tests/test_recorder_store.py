"""The recorder's store against the real simulated site: real RTSP cameras, the real Ingest,
files decoded with FFmpeg and read back by the capture time burned into every frame."""

from __future__ import annotations

import io
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import av
import pytest

from console.recorder.segments import probe_segment, read_segment_frames
from console.recorder.store import CameraRecorder, Store
from console.sim.identity import decode_number, decode_time
from console.sim.site import SimSite
from console.video.ingest import Ingest, IngestState
from tests.conftest import ROOT

FRAME_MS = 1000 / 15
CONTINUOUS = (1, 2, 3)
STOPPED = 4


def burned(frame: av.VideoFrame) -> tuple[int, int]:
    """(camera number, capture time in ms) read from a decoded frame's pixels."""
    rgb = frame.reformat(format="rgb24")
    plane = rgb.planes[0]
    data, stride = bytes(plane), plane.line_size

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        at = y * stride + 3 * x
        return data[at], data[at + 1], data[at + 2]

    return decode_number(pixel, rgb.width, rgb.height), decode_time(pixel, rgb.width, rgb.height)


def decoded(path: Path | io.BytesIO) -> list[tuple[int, int, int]]:
    """(pts, camera, capture ms) of every picture FFmpeg decodes from a TS file."""
    out = []
    with av.open(path, format="mpegts") as container:
        for frame in container.decode(video=0):
            out.append((int(frame.pts), *burned(frame)))
    return out


def watch(store: Store, number: int, ingest: Ingest) -> None:
    """Open gaps from the ingest's state, as the recorder service does."""
    def changed(i: Ingest) -> None:
        if i.state in (IngestState.LOST, IngestState.ERROR):
            store.open_gap(number, time.time(), i.reason or i.state.value, i.code or i.state.value)

    ingest.add_listener(changed)


@dataclass
class Recording:
    root: Path
    started: float
    stopped_at: float = 0.0  # camera 4 taken off the air
    restarted_at: float = 0.0
    ratios: dict[int, tuple[float, float]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def recording(sim: SimSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Recording]:
    """Four cameras recorded ~15 s in 3 s segments; camera 4 is off the air for ~4 s of it."""
    root = tmp_path_factory.mktemp("store")
    store = Store(root)
    result = Recording(root, time.time())
    ingests, recorders = {}, {}
    try:
        for n in (*CONTINUOUS, STOPPED):
            recorders[n] = CameraRecorder(store, n, segment_seconds=3)
            ingests[n] = Ingest(sim.url(n))
            watch(store, n, ingests[n])
            ingests[n].attach(recorders[n])
            ingests[n].start()
        time.sleep(5)
        result.stopped_at = time.time()
        sim.stop_camera(STOPPED)
        time.sleep(4)
        result.restarted_at = time.time()
        sim.start_camera(STOPPED)
        time.sleep(6)
    finally:
        if not result.restarted_at:
            sim.start_camera(STOPPED)
        for ingest in ingests.values():
            ingest.stop()
        for n, recorder in recorders.items():
            writer = recorder.writer
            recorder.close()
            written = sum(s.bytes for s in store.segments(n))
            result.ratios[n] = (written / max(1, writer.raw_bytes_in), written / max(1, writer.bytes_in))
        store.close()
    yield result


def test_every_second_is_recorded_and_decodes_frame_for_frame(recording: Recording) -> None:
    with Store(recording.root) as store:
        assert store.reconcile_notes == []  # a clean stop leaves nothing to mend
        for n in CONTINUOUS:
            segments = store.segments(n)
            assert len(segments) >= 4, segments
            assert all(not s.open for s in segments)
            holes = [b.start_utc - a.end_utc for a, b in itertools.pairwise(segments)]
            # Back to back.  A segment may start a little before the last one ended: when a
            # packet arrives earlier than the session's anchor says it was sent (its first
            # packets were late, on a loaded machine), the next segment re-anchors earlier.
            assert all(-0.15 < hole <= 0.2 for hole in holes), holes
            assert segments[-1].end_utc - segments[0].start_utc >= 12.5
            assert len(store.coverage(n)) == 1
            assert store.gaps(n) == []
            frames: list[tuple[int, int]] = []
            lags = []
            for segment in segments:
                path = store.path_of(segment)
                assert path.stat().st_mode & 0o777 == 0o640
                pictures = decoded(path)
                assert len(pictures) == segment.frames
                assert {camera for _, camera, _ in pictures} == {n}
                tb = float(av.open(path).streams.video[0].time_base)
                lags += [segment.start_utc + pts * tb - ms / 1000 for pts, _, ms in pictures]
                frames += [(pts, ms) for pts, _, ms in pictures]
                # One keyframe row per GOP (1 s), and each is a place a reader can start.
                keys = store.keyframes(segment.id)
                assert len(keys) == sum(1 for _, key, _ in read_segment_frames(path) if key) >= 2
                by_pts = {pts: ms for pts, _, ms in pictures}
                data = path.read_bytes()
                for key in keys:
                    first = decoded(io.BytesIO(data[key.byte_offset:]))[0]
                    assert first[0] == key.pts and first[2] == by_pts[key.pts]
                    assert abs(key.utc - (segment.start_utc + key.pts * tb)) < 1e-6
            times = [ms for _, ms in frames]
            assert all(b > a for a, b in itertools.pairwise(times))  # no frame twice, none out of order
            sent = round((times[-1] - times[0]) / FRAME_MS) + 1
            assert abs(len(times) - sent) <= max(1, sent // 100), (len(times), sent)
            # A frame's UTC in the index is when it arrived: a little after it was taken.
            assert min(lags) > -0.05 and max(lags) < 0.6, (min(lags), max(lags))
            assert max(lags) - min(lags) < 0.25
        assert store.check() == []
    print("TS bytes / packet bytes:", {n: tuple(round(r, 3) for r in v) for n, v in recording.ratios.items()})


def test_a_camera_off_the_air_is_a_gap_with_its_reason_and_recording_resumes(recording: Recording) -> None:
    with Store(recording.root) as store:
        segments = store.segments(STOPPED)
        holes = [(a, b) for a, b in itertools.pairwise(segments) if b.start_utc - a.end_utc > 0.2]
        assert len(holes) == 1, [(s.start_utc, s.end_utc) for s in segments]
        before, after = holes[0]
        gaps = store.gaps(STOPPED)
        assert gaps, "no gap recorded"
        # The gaps fill the hole exactly, one after the other, each with the ingest's reason.
        assert gaps[0].start_utc == pytest.approx(before.end_utc, abs=1e-6)
        assert gaps[-1].end_utc == pytest.approx(after.start_utc, abs=1e-6)
        for a, b in itertools.pairwise(gaps):
            assert a.end_utc == pytest.approx(b.start_utc, abs=1e-6)
        assert {g.code for g in gaps} <= {"ended", "not_found", "refused", "timeout"}, gaps
        assert any("404" in g.reason or "refused" in g.reason for g in gaps), gaps
        # It starts when the camera went (± 1 s) and ends when it came back: after the restart,
        # within the ingest's reconnect backoff (0.5 s) and the wait for a keyframe (1 s GOP).
        assert abs(gaps[0].start_utc - recording.stopped_at) < 1.0
        assert recording.restarted_at < gaps[-1].end_utc < recording.restarted_at + 2.0
        outage = recording.restarted_at - recording.stopped_at
        assert outage - 1.0 < after.start_utc - before.end_utc < outage + 2.0
        resumed = [s for s in segments if s.start_utc >= after.start_utc]
        assert sum(s.frames for s in resumed) >= 3 * 15
        assert all(decoded(store.path_of(s)) for s in resumed)
        assert store.coverage(STOPPED)[-1][0] == pytest.approx(after.start_utc)


RECORD_SCRIPT = """
import json, sys, time
from console.recorder.store import CameraRecorder, Store
from console.video.ingest import Ingest
job = json.loads(sys.stdin.readline())
store = Store(job["root"])
for number, url in job["cameras"].items():
    recorder = CameraRecorder(store, int(number), segment_seconds=job["segment_seconds"])
    ingest = Ingest(url)
    ingest.attach(recorder)
    ingest.start()
    while recorder.writer.segment is None:
        time.sleep(0.05)
print("recording", flush=True)
time.sleep(3600)
"""


def test_kill_9_loses_only_what_had_not_arrived(sim: SimSite, tmp_path: Path) -> None:
    root = tmp_path / "store"
    cameras = {5: sim.url(5), 6: sim.url(6)}
    child = subprocess.Popen([sys.executable, "-c", RECORD_SCRIPT], cwd=ROOT, stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert child.stdin is not None and child.stdout is not None
        child.stdin.write(json.dumps({"root": str(root), "cameras": cameras, "segment_seconds": 2}) + "\n")
        child.stdin.flush()
        assert child.stdout.readline().strip() == "recording"
        time.sleep(5)
        child.send_signal(signal.SIGKILL)
        killed_at = time.time()
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    with Store(root) as store:
        assert any("closed after a crash" in note for note in store.reconcile_notes), store.reconcile_notes
        for number in cameras:
            segments = store.segments(number)
            assert len(segments) >= 2 and not any(s.open for s in segments)
            last = segments[-1]
            assert killed_at - 2.0 < last.end_utc <= killed_at + 0.1, (last.end_utc - killed_at)
            assert last.frames == len(read_segment_frames(store.path_of(last))) > 0
            assert store.keyframes(last.id)
            down = [g for g in store.gaps(number) if g.code == "recorder_down"]
            assert len(down) == 1 and down[0].reason == "recorder down"
            assert down[0].start_utc == pytest.approx(last.end_utc, abs=1e-6)
            assert down[0].end_utc == pytest.approx(max(store.opened_at, last.end_utc), abs=1e-6)
        assert store.check() == []
    with Store(root) as store:  # the stop just made was clean: no second "recorder down"
        assert store.reconcile_notes == []
        assert sum(1 for g in store.gaps(5) if g.code == "recorder_down") == 1


def test_check_finds_a_missing_a_garbled_and_an_unindexed_file(recording: Recording, tmp_path: Path) -> None:
    root = tmp_path / "store"
    shutil.copytree(recording.root, root)
    store = Store(root)
    try:
        assert store.check() == []
        missing = store.segments(1)[0]
        garbled = store.segments(2)[1]
        template = store.segments(3)[1]
        store.path_of(missing).unlink()
        store.path_of(garbled).write_bytes(os.urandom(1000))
        later = float(int(template.start_utc) + 3600)
        stray = root / "3" / time.strftime("%Y-%m-%d", time.gmtime(later)) / (
            "3-" + time.strftime("%Y%m%dT%H%M%S", time.gmtime(later)) + ".000Z.ts")
        stray.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(store.path_of(template), stray)
        problems = store.check()
        assert any(missing.path in p and "missing" in p for p in problems), problems
        assert any(garbled.path in p and "bytes on disk" in p for p in problems), problems
        assert any(garbled.path in p and "unreadable" in p for p in problems), problems
        stray_name = stray.relative_to(root).as_posix()
        assert any(stray_name in p and "not in the index" in p for p in problems), problems
        assert len(problems) == 4, problems
    finally:
        store.close()
    # Reopening mends what it can: the missing span becomes a gap, the stray file is indexed.
    with Store(root) as store:
        gap = [g for g in store.gaps(1) if g.code == "missing"]
        assert len(gap) == 1 and gap[0].reason == "segment file missing"
        assert (gap[0].start_utc, gap[0].end_utc) == (missing.start_utc, missing.end_utc)
        found = [s for s in store.segments(3) if s.path == stray_name]
        assert len(found) == 1 and found[0].start_utc == pytest.approx(later, abs=0.001)
        assert found[0].frames == template.frames and store.keyframes(found[0].id)
        assert [p for p in store.check() if garbled.path not in p] == []


def test_a_truncated_tail_costs_only_its_last_packet(recording: Recording, tmp_path: Path) -> None:
    """What a power cut leaves: a file ending inside a TS packet still reads to that point."""
    with Store(recording.root) as store:
        segment = store.segments(1)[1]
        source = store.path_of(segment)
    cut = tmp_path / source.name
    data = source.read_bytes()
    cut.write_bytes(data[: len(data) - 100])
    frames = probe_segment(cut).frames
    assert segment.frames - 2 <= len(frames) <= segment.frames
    assert len(decoded(cut)) >= segment.frames - 2
