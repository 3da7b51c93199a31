"""Export over a real recording of the simulated site (tests/test_recorder_store.py's `recording`:
real RTSP cameras through the real ingest into a real store): the MP4s are played back with
FFmpeg and libvlc and every picture is checked by the camera number and capture time the
cameras burn into it, against the frames read straight from the recorder's segment files."""

from __future__ import annotations

import itertools
import json
import random
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import av
import pytest
import vlc

from console.evidence.exports import MANIFEST_NAME, verify_export
from console.evidence.signing import SigningKey
from console.evidence.store import Centre
from console.recorder.export import (
    GAP_SLACK,
    ExportCamera,
    ExportCancelledError,
    Exporter,
    ExportError,
    ExportJob,
    ExportRequest,
)
from console.recorder.source import LocalSource
from console.recorder.store import SegmentRow, Store
from console.sim.identity import decode_number, decode_time
from console.sim.names import camera_name, camera_place
from console.video.player import VideoEngine
from tests.conftest import videowall_cmd
from tests.test_recorder_store import CONTINUOUS, STOPPED, Recording, burned, recording  # noqa: F401 (fixture)

CENTRE = Centre("Xinjia Town Monitoring Centre", "test-export")
EXPORTED = (CONTINUOUS[0], STOPPED)  # one camera recorded throughout, one with a gap in the span


@dataclass(frozen=True)
class Frame:
    utc: float  # recorded time as the index defines it: segment start + rebased pts
    key: bool
    ms: int  # capture time burned into the picture
    segment: SegmentRow


def source_frames(store: Store, camera: int) -> list[Frame]:
    """Every frame of a camera in recording order, decoded straight from its segment files."""
    frames = []
    for segment in store.segments(camera):
        with av.open(str(store.path_of(segment)), format="mpegts") as container:
            tb = container.streams.video[0].time_base
            for picture in container.decode(video=0):
                number, ms = burned(picture)
                assert number == camera
                frames.append(Frame(segment.start_utc + float(picture.pts * tb), picture.key_frame, ms, segment))
    return frames


def expected_files(frames: list[Frame], start: float, end: float) -> list[list[Frame]]:
    """What an export of [start, end) must hold, one list per continuous span: from the last
    keyframe at or before `start` to the last frame before `end`, split where segments are more
    than GAP_SLACK apart."""
    first = max(i for i, f in enumerate(frames) if f.key and f.utc <= start + 1e-6)
    runs: list[list[Frame]] = []
    for frame in frames[first:]:
        if frame.utc >= end:
            break
        previous = runs[-1][-1] if runs else None
        if previous is None or (frame.segment.id != previous.segment.id
                                and frame.segment.start_utc - previous.segment.end_utc > GAP_SLACK):
            runs.append([])
        runs[-1].append(frame)
    return runs


@dataclass
class Exported:
    folder: Path
    manifest: dict[str, Any]
    start: float
    end: float
    expected: dict[int, list[list[Frame]]]
    progress: list[tuple[float, str]]


@pytest.fixture(scope="module")
def span(recording: Recording) -> tuple[float, float]:
    """Inside what every exported camera recorded, across camera 4's time off the air."""
    with Store(recording.root, readonly=True) as store:
        firsts = [store.segments(n)[0].start_utc for n in EXPORTED]
        lasts = [store.segments(n)[-1].end_utc for n in EXPORTED]
    return max(firsts) + 1.3, min(lasts) - 1.0


@pytest.fixture(scope="module")
def exported(recording: Recording, span: tuple[float, float], keyring_file: Path,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[Exported]:
    start, end = span
    with Store(recording.root, readonly=True) as store:
        expected = {n: expected_files(source_frames(store, n), start, end) for n in EXPORTED}
    out = tmp_path_factory.mktemp("exports") / "case-2026-117"
    cameras = tuple(ExportCamera(n, camera_name(n), tuple(camera_place(n))) for n in EXPORTED)
    progress: list[tuple[float, str]] = []
    with _Closing(LocalSource(recording.root)) as source:
        result = Exporter(source, CENTRE).export(
            ExportRequest(cameras, start, end, out, "operator 7", case_number="2026-117", note="the fight at the gate"),
            progress=lambda fraction, text: progress.append((fraction, text)))
    assert result.folder == out
    yield Exported(out, result.manifest, start, end, expected, progress)


class _Closing:
    def __init__(self, source: LocalSource) -> None:
        self.source = source

    def __enter__(self) -> LocalSource:
        return self.source

    def __exit__(self, *_: object) -> None:
        self.source.close()


def files_of(exported: Exported, camera: int) -> list[dict[str, Any]]:
    return [f for f in exported.manifest["files"] if f["camera"] == camera]


def mp4_frames(path: Path) -> list[tuple[int, int]]:
    """(camera, capture ms) of every picture FFmpeg decodes from an MP4."""
    with av.open(str(path)) as container:
        assert container.format.name.startswith("mov"), container.format.name
        return [burned(frame) for frame in container.decode(video=0)]


def test_each_file_holds_exactly_the_recorded_frames_of_its_span_and_ffmpeg_plays_it(exported: Exported) -> None:
    for camera in EXPORTED:
        runs = exported.expected[camera]
        files = files_of(exported, camera)
        # Camera 4 was off the air inside the span: a file before the gap and one after it.
        assert len(files) == len(runs) == (2 if camera == STOPPED else 1), (camera, files)
        for entry, run in zip(files, runs, strict=True):
            path = exported.folder / entry["file"]
            pictures = mp4_frames(path)
            assert [c for c, _ in pictures] == [camera] * len(run)
            assert [ms for _, ms in pictures] == [f.ms for f in run]  # every frame, in order, none twice
            assert entry["frames"] == len(run)
            probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                                    "stream=codec_name,nb_read_frames", "-of", "json", str(path)],
                                   capture_output=True, text=True, check=True)
            stream = json.loads(probe.stdout)["streams"][0]
            assert (stream["codec_name"], int(stream["nb_read_frames"])) == ("h264", len(run))
            # The manifest's times are the recorded times of the first and last frames.
            assert entry["first_frame_utc"] == _iso(run[0].utc)
            assert entry["last_frame_utc"] == _iso(run[-1].utc)
            assert run[0].key
            assert sum(p["frames"] for p in entry["pieces"]) == len(run)
    # The first file starts at the keyframe at or before the start, at most a GOP (1 s) before.
    first = exported.expected[EXPORTED[0]][0][0]
    assert exported.start - 1.0 - 1e-6 <= first.utc <= exported.start + 1e-6
    last = exported.expected[EXPORTED[0]][-1][-1]
    assert exported.end - 0.2 < last.utc < exported.end


def test_file_time_maps_to_recorded_time_through_the_pieces(exported: Exported) -> None:
    """Any frame's recorded time can be read back from the file's own timestamps."""
    entry = files_of(exported, EXPORTED[0])[0]
    run = exported.expected[EXPORTED[0]][0]
    with av.open(str(exported.folder / entry["file"])) as container:
        stream = container.streams.video[0]
        times = sorted(float(p.pts * stream.time_base) for p in container.demux(stream) if p.pts is not None)
    pieces = entry["pieces"]
    assert len(pieces) >= 2  # the span crosses segment joins
    recorded = []
    for t in times:
        piece = [p for p in pieces if p["file_time"] <= t + 1e-6][-1]
        recorded.append(_utc(piece["recorded_utc"]) + t - piece["file_time"])
    assert len(recorded) == len(run)
    assert max(abs(a - f.utc) for a, f in zip(recorded, run, strict=True)) < 1e-3


def test_libvlc_plays_every_file_from_first_to_last_frame(exported: Exported) -> None:
    """Played at 1×, libvlc shows every picture in order.  On a loaded machine libvlc's output
    may start after the first picture's time or stop before the last one's (seen on some files,
    not others, with identical timing), so the first and last frames are also each called up by
    a seek and must be shown."""
    engine = VideoEngine(vlc_args=["--no-drop-late-frames", "--no-skip-frames"], linger=0)
    try:
        watched = []
        for entry in exported.manifest["files"]:
            run = next(r for r in exported.expected[entry["camera"]] if _iso(r[0].utc) == entry["first_frame_utc"])
            watched.append((entry, run, _Watcher(engine, exported.folder / entry["file"])))
        deadline = time.monotonic() + max(len(r) for _, r, _ in watched) / 15 + 15
        while time.monotonic() < deadline and not all(w.ended() for _, _, w in watched):
            time.sleep(0.2)
        for entry, run, watcher in watched:
            assert watcher.ended(), entry["file"]
            assert watcher.errors == []
            assert {c for c, _ in watcher.seen} == {entry["camera"]}
            shown = [ms for _, ms in watcher.seen]
            want = [f.ms for f in run]
            missing = [i for i, ms in enumerate(want) if ms not in shown]
            assert shown in (want, want[1:], want[:-1], want[1:-1]), (entry["file"], len(want), missing, shown[:3])
            path = exported.folder / entry["file"]
            with av.open(str(path)) as container:
                stream = container.streams.video[0]
                times = sorted(float(p.pts * stream.time_base) for p in container.demux(stream) if p.pts is not None)
            assert len(times) == len(want)
            middle = times[len(times) // 2]
            # A seek to the last frame meets the end of the file at once, where libvlc may stop
            # before showing it (as above): a few tries, each of which can show it or not.
            for moment, ms, where in ((times[-1], want[-1], "last"), (times[0], want[0], "first")):
                assert any((entry["camera"], ms) in watcher.shown_after_seek(path, moment, middle) for _ in range(3)), \
                    (entry["file"], where)
    finally:
        engine.close()


class _Watcher:
    """A libvlc player (callbacks renderer) on a local file, reading each new picture's code strip."""

    def __init__(self, engine: VideoEngine, path: Path) -> None:
        self.seen: list[tuple[int, int]] = []  # each new picture once
        self.log: list[tuple[int, int]] = []  # every picture handed to the output, repeats included
        self.errors: list[str] = []
        self.player = engine.player()
        self.player.buffers.on_frame = self._frame
        self.player.play(str(path))

    def _frame(self) -> None:
        frame = self.player.take_frame()
        if frame is None:
            return
        try:
            data, stride = frame.buffer.raw, frame.stride
            # libvlc's vmem asks for the decoder's padded height (258 lines for 240) and scales
            # the picture to fill it (DESIGN.md §4): read rows where they landed.
            scale = (len(data) - 64) // stride / frame.height

            def pixel(x: int, y: int) -> tuple[int, int, int]:
                at = int((y + 0.5) * scale) * stride + 4 * x  # RV32: B, G, R, X in memory
                return data[at + 2], data[at + 1], data[at]

            found = decode_number(pixel, frame.width, frame.height), decode_time(pixel, frame.width, frame.height)
        except Exception as exc:
            self.errors.append(repr(exc))  # a thread of libvlc's: kept, asserted on the test's thread
            return
        if not self.seen or self.seen[-1] != found:  # the output may show a picture twice
            self.seen.append(found)
        self.log.append(found)

    def ended(self) -> bool:
        # (test-only introspection of the tile player's libvlc player)
        return self.player._vlc.get_state() in (vlc.State.Ended, vlc.State.Error)

    def shown_after_seek(self, path: Path, moment: float, away: float) -> list[tuple[int, int]]:
        """The pictures libvlc shows in the half second after a seek to `moment` (file time,
        seconds) made from `away`, elsewhere in the file."""
        self.player.play(str(path))
        deadline = time.monotonic() + 10
        for target in (away, moment):
            mark = len(self.log)
            self.player._vlc.set_time(round(target * 1000))
            while len(self.log) == mark and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(0.5)
        return self.log[mark:]


def test_manifest_says_who_what_when_and_each_gap(exported: Exported) -> None:
    m = exported.manifest
    assert m["format"] == "videowall-export/1"
    assert m["exported_by"] == "operator 7" and m["case_number"] == "2026-117" and m["note"] == "the fight at the gate"
    assert m["centre"] == {"name": CENTRE.name, "id": CENTRE.id}
    assert abs(_utc(m["exported_at"]) - time.time()) < 120
    assert (_utc(m["span"]["from"]), _utc(m["span"]["to"])) == pytest.approx((exported.start, exported.end), abs=1e-5)
    cameras = {c["number"]: c for c in m["cameras"]}
    for n in EXPORTED:
        assert cameras[n]["name"] == camera_name(n) and cameras[n]["place"] == list(camera_place(n))
        assert cameras[n]["files"] == [f["file"] for f in files_of(exported, n)]
    assert cameras[EXPORTED[0]]["gaps"] == []
    gap, = cameras[STOPPED]["gaps"]
    before, after = exported.expected[STOPPED]
    assert _utc(gap["from"]) == pytest.approx(before[-1].segment.end_utc, abs=1e-5)
    assert _utc(gap["to"]) == pytest.approx(after[0].segment.start_utc, abs=1e-5)
    assert any("404" in r or "refused" in r or "ended" in r or "timed out" in r for r in gap["reasons"]), gap
    for entry in m["files"]:
        path = exported.folder / entry["file"]
        assert entry["bytes"] == path.stat().st_size
        assert len(entry["sha256"]) == 64
    assert sorted(p.name for p in exported.folder.iterdir()) == sorted([MANIFEST_NAME, *(f["file"] for f in m["files"])])
    fractions = [f for f, _ in exported.progress]
    assert fractions[-1] == 1.0 and fractions == sorted(fractions), fractions


def test_evidence_verify_passes_then_names_a_changed_file_and_a_changed_manifest(exported: Exported, tmp_path: Path) -> None:
    good = _verify(exported.folder, tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "VALID" in good.stdout and "NOT VALID" not in good.stdout

    changed = tmp_path / "one-byte-of-a-file"
    shutil.copytree(exported.folder, changed)
    victim = files_of(exported, STOPPED)[-1]["file"]
    _flip(changed / victim, (changed / victim).stat().st_size // 2)
    bad = _verify(changed, tmp_path)
    assert bad.returncode == 1 and "NOT VALID" in bad.stdout
    assert f"file {victim} was changed" in bad.stdout, bad.stdout
    others = [f["file"] for f in exported.manifest["files"] if f["file"] != victim]
    assert not any(name in bad.stdout for name in others)  # only the changed one is named

    raw = (exported.folder / MANIFEST_NAME).read_bytes()
    positions = [raw.index(b'"exported_by": "') + 16, raw.index(b'"sha256": "') + 20,
                 *random.Random(7).sample(range(len(raw)), 4)]
    for i, position in enumerate(positions):
        edited = tmp_path / f"manifest-byte-{i}"
        shutil.copytree(exported.folder, edited)
        _flip(edited / MANIFEST_NAME, position)
        bad = _verify(edited, tmp_path)
        assert bad.returncode == 1, (position, bad.stdout)
        assert MANIFEST_NAME in bad.stdout, (position, bad.stdout)
    # An edited field is named by its path in the manifest.
    assert "field exported_by was changed" in _verify(tmp_path / "manifest-byte-0", tmp_path).stdout


def test_verify_names_a_missing_or_an_added_file(exported: Exported, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(exported.folder, folder)
    gone = exported.manifest["files"][0]["file"]
    (folder / gone).unlink()
    (folder / "extra.mp4").write_bytes(b"not part of it")
    verdict = verify_export(folder)
    assert not verdict.ok
    assert f"file {gone} is missing" in verdict.problems
    assert any("extra.mp4 is not part of the export" in p for p in verdict.problems)


def test_export_command_and_verify_command(recording: Recording, span: tuple[float, float], keyring_file: Path,
                                           tmp_path: Path) -> None:
    start, end = span
    out = tmp_path / "by-terminal"
    made = subprocess.run(videowall_cmd("export", "--store", str(recording.root), "--camera", "2", "--camera", "3",
                                        "--from", _iso(start), "--to", _iso(start + 3), "--out", str(out),
                                        "--case", "C-9", "--note", "seen from the gate", "--who", "terminal",
                                        "--centre-id", CENTRE.id, "--centre-name", CENTRE.name),
                          check=False, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stdout + made.stderr
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert [c["number"] for c in manifest["cameras"]] == [2, 3]
    assert manifest["case_number"] == "C-9" and manifest["exported_by"] == "terminal"
    assert str(out) in made.stdout
    checked = _verify(out, tmp_path)
    assert checked.returncode == 0, checked.stdout
    # Bad input: a clear line, exit non-zero, nothing written.
    for args, words in ((["--camera", "99"], "camera 99 is not recorded"),
                        (["--camera", "1", "--from", _iso(time.time() + 60), "--to", _iso(time.time() + 120)], "future")):
        bad_out = tmp_path / "refused"
        base = ["--from", _iso(start), "--to", _iso(end)] if "--from" not in args else []
        refused = subprocess.run(videowall_cmd("export", "--store", str(recording.root), *args, *base, "--out",
                                               str(bad_out), "--centre-id", CENTRE.id),
                                 check=False, capture_output=True, text=True, timeout=60)
        assert refused.returncode != 0 and words in refused.stderr, refused.stderr
        assert "Traceback" not in refused.stderr
        assert not bad_out.exists()


def test_cancel_leaves_nothing_that_looks_complete(recording: Recording, span: tuple[float, float],
                                                   keyring_file: Path, tmp_path: Path) -> None:
    start, end = span
    out = tmp_path / "cancelled"
    cancel = threading.Event()
    seen_partial = []

    def progress(fraction: float, text: str) -> None:
        seen_partial.extend(p.name for p in tmp_path.iterdir() if p.name.endswith(".partial"))
        cancel.set()  # at the first sign of progress: files are being written

    with _Closing(LocalSource(recording.root)) as source, pytest.raises(ExportCancelledError, match="cancelled"):
        Exporter(source, CENTRE).export(ExportRequest(_cameras(CONTINUOUS), start, end, out, "op"),
                                        progress=progress, cancel=cancel)
    assert seen_partial  # it was being written beside the destination, under another name
    assert list(tmp_path.iterdir()) == []

    # The same through a job on a thread of its own: start() returns at once, cancel() ends it.
    job_out = tmp_path / "job"
    with _Closing(LocalSource(recording.root)) as source:
        gate = threading.Event()
        job = ExportJob(Exporter(source, CENTRE), ExportRequest(_cameras(CONTINUOUS), start, end, job_out, "op"),
                        progress=lambda f, t: gate.wait(10))
        began = time.monotonic()
        job.start()
        assert time.monotonic() - began < 0.5 and job.running
        job.cancel()
        gate.set()
        assert job.wait(30)
    assert job.result is None and job.error is not None and job.error.kind == "cancelled"
    assert list(tmp_path.iterdir()) == []


def test_a_segment_gone_mid_export_is_named_and_nothing_is_left(recording: Recording, span: tuple[float, float],
                                                                keyring_file: Path, tmp_path: Path) -> None:
    """Retention (or a person) removes a segment the export has yet to read: a real missing file."""
    start, end = span
    store_copy = tmp_path / "store"
    shutil.copytree(recording.root, store_copy, ignore=shutil.ignore_patterns("writer.lock"))
    exports = tmp_path / "exports"
    exports.mkdir()
    with _Closing(LocalSource(store_copy)) as source:
        doomed = source.segments(3, start, end)[-1]

        def progress(fraction: float, text: str) -> None:
            (store_copy / doomed.path).unlink(missing_ok=True)

        with pytest.raises(ExportError) as caught:
            Exporter(source, CENTRE).export(ExportRequest(_cameras((1, 2, 3)), start, end, exports / "x", "op"),
                                            progress=progress)
    assert caught.value.kind == "unavailable"
    assert "camera 3" in str(caught.value) and doomed.path in str(caught.value), caught.value
    assert "nothing was exported" in str(caught.value)
    assert list(exports.iterdir()) == []


class _DroppingSource(LocalSource):
    """The edge we do not own: a recorder that goes away while a segment is being read (the
    connection drops), after `after` bytes of camera `camera`."""

    def __init__(self, root: Path, camera: int, after: int) -> None:
        super().__init__(root)
        self.camera, self.after = camera, after

    def open(self, segment: SegmentRow) -> BinaryIO:
        raw = super().open(segment)
        return _Dropping(raw, self.after) if segment.camera == self.camera else raw


class _Dropping:
    def __init__(self, raw: BinaryIO, after: int) -> None:
        self.raw, self.after, self.done = raw, after, 0

    def read(self, size: int = -1) -> bytes:
        if self.done >= self.after:
            raise ConnectionResetError(104, "Connection reset by peer")
        data = self.raw.read(size if 0 <= size <= self.after - self.done else self.after - self.done)
        self.done += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def close(self) -> None:
        self.raw.close()


def test_a_recorder_that_goes_away_mid_read_is_named_and_nothing_is_left(recording: Recording,
                                                                         span: tuple[float, float],
                                                                         keyring_file: Path, tmp_path: Path) -> None:
    start, end = span
    with _Closing(_DroppingSource(recording.root, 2, 40_000)) as source, pytest.raises(ExportError) as caught:
        Exporter(source, CENTRE).export(ExportRequest(_cameras((1, 2)), start, end, tmp_path / "x", "op"))
    text = str(caught.value)
    assert caught.value.kind == "unavailable" and "camera 2" in text and "segment 2/" in text, text
    assert "Connection reset by peer" in text
    assert list(tmp_path.iterdir()) == []


def test_export_over_http_is_the_same_export_and_a_recorder_gone_mid_export_is_named(
        recording: Recording, span: tuple[float, float], exported: Exported, keyring_file: Path,
        tmp_path: Path) -> None:
    """Through the recorder's HTTP server on 127.0.0.1 and a RemoteSource holding an export
    token: the same files, byte for byte; then the server stops while the export reads."""
    from console.recorder.remote import RemoteSource
    from console.recorder.serve import RecordingServer
    from console.recorder.tokens import TokenVerifier, mint_token

    key = SigningKey.load(CENTRE.id, create=True)
    cameras = _cameras(EXPORTED)
    with Store(recording.root, readonly=True) as store:
        server = RecordingServer(store, TokenVerifier(key.public), "127.0.0.1", 0).start()
        try:
            remote = RemoteSource(server.url, lambda: mint_token(key, desk="desk-1", role="supervisor",
                                                                  rights=("export",), cameras=list(EXPORTED)),
                                  timeout=2.0)
            with _Closing(remote):
                result = Exporter(remote, CENTRE).export(ExportRequest(cameras, exported.start, exported.end,
                                                                        tmp_path / "over-http", "operator 7"))
            assert [(f["file"], f["sha256"], f["frames"]) for f in result.manifest["files"]] == \
                [(f["file"], f["sha256"], f["frames"]) for f in exported.manifest["files"]]
            assert verify_export(result.folder).ok

            remote = RemoteSource(server.url, lambda: mint_token(key, desk="desk-1", role="supervisor",
                                                                  rights=("export",), cameras=list(EXPORTED)),
                                  timeout=2.0)

            def progress(fraction: float, text: str) -> None:
                server.stop()  # the recorder goes away while the first file is being read

            began = time.monotonic()
            with _Closing(remote), pytest.raises(ExportError) as caught:
                Exporter(remote, CENTRE).export(ExportRequest(cameras, exported.start, exported.end,
                                                              tmp_path / "cut-off", "operator 7"), progress=progress)
        finally:
            server.stop()
    assert time.monotonic() - began < 30
    text = str(caught.value)
    print("recorder gone mid-export:", text)
    assert caught.value.kind == "unavailable" and "nothing was exported" in text, text
    assert f"camera {STOPPED}" in text or f"camera {EXPORTED[0]}" in text, text
    assert "segment " in text, text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["over-http"]


def test_nothing_recorded_future_and_unknown_camera_are_refused_before_anything_is_written(
        recording: Recording, span: tuple[float, float], keyring_file: Path, tmp_path: Path) -> None:
    with Store(recording.root, readonly=True) as store:
        segments = store.segments(STOPPED)
    before, after = next((a, b) for a, b in itertools.pairwise(segments) if b.start_utc - a.end_utc > 1)
    out = tmp_path / "x"
    now = time.time()
    cases = [
        ((STOPPED,), before.end_utc + 0.3, after.start_utc - 0.3, "nothing-recorded", f"camera {STOPPED}: nothing was recorded"),
        ((1, STOPPED), before.end_utc + 0.3, after.start_utc - 0.3, "nothing-recorded", f"camera {STOPPED}"),
        ((1,), now + 60, now + 120, "future", "starts in the future"),
        ((1,), span[0], now + 60, "future", "ends in the future"),
        ((1, 99), span[0], span[1], "unknown-camera", "camera 99 is not recorded"),
        ((1,), span[1], span[0], "bad-request", "must end after it starts"),
        (tuple(range(1, 18)), span[0], span[1], "bad-request", "1 to 16 cameras"),
    ]
    with _Closing(LocalSource(recording.root)) as source:
        exporter = Exporter(source, CENTRE)
        for numbers, start, end, kind, words in cases:
            with pytest.raises(ExportError) as caught:
                exporter.export(ExportRequest(_cameras(numbers), start, end, out, "op"))
            assert caught.value.kind == kind and words in str(caught.value), (numbers, caught.value)
            assert list(tmp_path.iterdir()) == []
        # The gap's reason is in the message: the operator learns why, not only that.
        with pytest.raises(ExportError) as caught:
            exporter.export(ExportRequest(_cameras((STOPPED,)), before.end_utc + 0.3, after.start_utc - 0.3, out, "op"))
        assert any(w in str(caught.value) for w in ("404", "refused", "ended", "timed out")), caught.value
        # An existing destination is never replaced.
        out.mkdir()
        with pytest.raises(ExportError, match="already exists"):
            exporter.export(ExportRequest(_cameras((1,)), span[0], span[1], out, "op"))


# -- helpers ---------------------------------------------------------------------------------
def _cameras(numbers: tuple[int, ...]) -> tuple[ExportCamera, ...]:
    return tuple(ExportCamera(n, camera_name(n), tuple(camera_place(n))) for n in numbers)


def _iso(moment: float) -> str:
    from console.recorder.export import iso

    return iso(moment)


def _utc(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


def _flip(path: Path, position: int) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.chmod(0o644)
    path.write_bytes(bytes(data))


def _verify(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # --store: an evidence store of its own (none), so nothing of this machine's is read.
    return subprocess.run(videowall_cmd("evidence", "--store", str(tmp_path / "no-evidence-store"), "verify", str(folder)),
                          check=False, capture_output=True, text=True, timeout=60)
