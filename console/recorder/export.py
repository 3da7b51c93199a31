"""Export: a time span of 1–16 cameras out of the recorder as MP4 files and a signed manifest.

Recordings are read only through a `RecordingSource` (console/recorder/source.py), so the same
exporter works on the recorder's machine and on a desk reading it over the network.  Packets are
remuxed from the MPEG-TS segments into MP4 with PyAV, never decoded or re-encoded: the pictures
are the bytes the camera sent.

Choices, and why:

* **The cut.**  An MP4 copied without re-encoding must start at a keyframe (the frames before
  the first keyframe cannot be decoded).  Each camera's first file starts at the keyframe at or
  before the requested start, so the moment asked for is always in the file; it ends with the
  last frame recorded before the requested end (in decode order, so every frame it holds can be
  decoded).  The manifest gives each file's exact first and last recorded times, so nobody
  mistakes the second or so before the start for part of the request.
* **Gaps.**  One file per continuous recorded span of a camera, never one file across a gap.
  An MP4 cannot say "nothing was recorded here": players hold the last picture over a hole in
  the timestamps (a still scene that never was) or play straight across it (time that looks
  continuous and is not).  Separate files make a gap impossible to miss, and the manifest lists
  every gap in the span with the recorder's reason.  Segments less than GAP_SLACK apart (the
  timeline's hairline joins, coverage()'s slack) are one span.
* **Time inside a file.**  A frame's recorded UTC is its segment's start_utc plus its rebased
  pts (the segment's first packet has dts 0), as the store computes it for its keyframe rows.
  Inside a file, each segment's packets keep their own spacing and the segment is placed at its
  recorded UTC; where the recorder re-anchored a segment a fraction of a second before the last
  one ended (a camera clock drifting from ours), it is moved to follow on from the previous
  frame instead, since an MP4's timestamps must increase.  The manifest's `pieces` map file time
  to recorded UTC for every segment, so the recorded time of any frame can be read back exactly.
* **Nothing looks complete before it is.**  Files are written into a hidden `.NAME.*.partial`
  folder beside the destination; the manifest is signed and written last and the folder is
  renamed to its name only then.  A cancel, a failing source or a full disk removes the partial
  folder; a crash leaves only something named `.partial` with no manifest.

`export()` blocks and is meant for a worker thread; `ExportJob` runs one in a thread of its own
with a progress callback and cancellation, so a desk never waits on it.  No Qt here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import av.error

from console.atomic import fsync_folder, write_new
from console.evidence.exports import EXPORT_FORMAT, MANIFEST_NAME, file_sha256, manifest_bytes, seal
from console.evidence.signing import SigningKey, SigningKeyError
from console.evidence.store import Centre  # the centre whose key signs: the evidence store's
from console.recorder.source import RecordingSource, RecordingUnavailableError, SegmentWindow
from console.recorder.store import GapRow, SegmentRow

log = logging.getLogger("videowall.recorder.export")

MAX_CAMERAS = 16
GAP_SLACK = 0.5  # as Store.coverage(): a frame interval between segments is no hole
PROGRESS_EVERY = 0.1  # seconds between progress calls: a UI wants movement, not a flood
CANCEL_EVERY = 16  # packets between looks at the cancel flag
# Files written at once.  Two at a time was measured (bench_export, 4 × 10 min at 320×240 on 2
# shared cores) and gained nothing over one: the packets cross Python either way.  The pool
# stays for its bookkeeping: the first file that fails stops the others.
WORKERS = 1
CUT_TEXT = ("each camera's first file starts at the keyframe at or before the requested start (an MP4 copied "
            "without re-encoding must start at a keyframe) and every file ends with the last frame recorded before "
            "the requested end; one file per continuous recorded span, gaps listed with their reason; "
            "first_frame_utc and last_frame_utc are the recorded times of each file's first and last frames, and "
            "pieces map file time to recorded time")

Progress = Callable[[float, str], None]


class ExportError(RuntimeError):
    """Why an export did not happen, in a sentence fit for an operator; nothing was left behind.

    `kind`: bad-request, future, unknown-camera, nothing-recorded, unavailable, exists,
    disk, key, cancelled."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


class ExportCancelledError(ExportError):
    def __init__(self) -> None:
        super().__init__("cancelled", "the export was cancelled: nothing was exported")


@dataclass(frozen=True)
class ExportCamera:
    """A camera as the manifest names it (the caller has it from the catalog)."""

    number: int
    name: str = ""
    place: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportRequest:
    cameras: tuple[ExportCamera, ...]
    start: float  # UTC seconds
    end: float
    out: Path  # the folder to make; must not exist
    exported_by: str
    case_number: str = ""
    note: str = ""


@dataclass
class _Read:
    """One segment's part of a file: from `offset` (a keyframe's tables) to the span's end."""

    segment: SegmentRow
    offset: int


@dataclass
class _Run:
    """One continuous recorded span of one camera: one MP4 file."""

    camera: ExportCamera
    reads: list[_Read]
    name: str = ""


@dataclass
class _Plan:
    camera: ExportCamera
    runs: list[_Run]
    gaps: list[dict[str, Any]]
    seconds: float  # recorded seconds to copy, for progress


@dataclass
class ExportResult:
    folder: Path
    manifest: dict[str, Any]

    @property
    def files(self) -> list[Path]:
        return [self.folder / f["file"] for f in self.manifest["files"]]


def iso(moment: float) -> str:
    """A recorded time as ISO 8601 UTC to the microsecond: manifests map frames, not seconds."""
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="microseconds")


def _stamp(moment: float) -> str:
    when = datetime.fromtimestamp(moment, UTC)
    return when.strftime("%Y%m%dT%H%M%S") + f".{when.microsecond // 1000:03d}Z"


class Exporter:
    """Exports spans of one recorder's cameras.  One export at a time per Exporter; any thread."""

    def __init__(self, source: RecordingSource, centre: Centre, *, key: SigningKey | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.source = source
        self.centre = centre
        self.key = key
        self.clock = clock

    # -- planning (reads the index only; nothing is written) -------------------------------
    def plan(self, request: ExportRequest) -> list[_Plan]:
        """What would be exported, or an ExportError saying why nothing can be."""
        cameras = request.cameras
        if not 1 <= len(cameras) <= MAX_CAMERAS:
            raise ExportError("bad-request", f"an export takes 1 to {MAX_CAMERAS} cameras, not {len(cameras)}")
        numbers = [c.number for c in cameras]
        if len(set(numbers)) != len(numbers):
            raise ExportError("bad-request", f"a camera is named twice: {', '.join(map(str, numbers))}")
        if not request.end > request.start:
            raise ExportError("bad-request", f"the span must end after it starts ({iso(request.start)} to {iso(request.end)})")
        now = self.clock()
        if request.start >= now:
            raise ExportError("future", f"the span starts in the future ({iso(request.start)}; now is {iso(now)}): "
                                        "nothing is recorded there yet")
        if request.end > now:
            raise ExportError("future", f"the span ends in the future ({iso(request.end)}; now is {iso(now)}): "
                                        "end it at or before now")
        return [self._plan_camera(camera, request.start, request.end) for camera in cameras]

    def _plan_camera(self, camera: ExportCamera, start: float, end: float) -> _Plan:
        try:
            segments = [s for s in self.source.segments(camera.number, start, end) if s.frames > 0]
            gaps = self.source.gaps(camera.number, start, end)
            if not segments:
                if not gaps and not self.source.segments(camera.number):
                    raise ExportError("unknown-camera", f"camera {camera.number} is not recorded by this recorder: "
                                                        "nothing was exported")
                reasons = _reasons(gaps)
                raise ExportError("nothing-recorded", f"camera {camera.number}: nothing was recorded between "
                                  f"{iso(start)} and {iso(end)}{f' ({reasons})' if reasons else ''}: nothing was exported")
            first_offset = 0
            keys = [k for k in self.source.keyframes(segments[0].id) if k.utc <= start + 1e-6]
            if keys:
                first_offset = keys[-1].byte_offset
        except RecordingUnavailableError as exc:
            raise ExportError("unavailable", f"camera {camera.number}: the recording cannot be read: {exc}") from exc
        runs: list[_Run] = []
        previous: SegmentRow | None = None
        for segment in segments:
            joined = previous is not None and segment.start_utc - previous.end_utc <= GAP_SLACK and \
                (segment.codec, segment.width, segment.height) == (previous.codec, previous.width, previous.height)
            read = _Read(segment, first_offset if previous is None else 0)
            if joined:
                runs[-1].reads.append(read)
            else:
                runs.append(_Run(camera, [read]))
            previous = segment
        covered = sum(min(s.end_utc, end) - max(s.start_utc, start) for s in segments)
        return _Plan(camera, runs, self._gaps(segments, gaps, start, end), max(covered, 1e-3))

    @staticmethod
    def _gaps(segments: list[SegmentRow], gaps: list[GapRow], start: float, end: float) -> list[dict[str, Any]]:
        """Every hole in [start, end) longer than GAP_SLACK, with the recorder's reasons for it."""
        holes: list[tuple[float, float]] = []
        at = start
        for segment in segments:
            if segment.start_utc - at > GAP_SLACK:
                holes.append((at, segment.start_utc))
            at = max(at, segment.end_utc)
        if end - at > GAP_SLACK:
            holes.append((at, end))
        out = []
        for a, b in holes:
            why = [g for g in gaps if g.start_utc < b and (g.end_utc is None or g.end_utc > a)]
            out.append({"from": iso(a), "to": iso(b), "seconds": round(b - a, 3),
                        "reasons": sorted({g.reason for g in why}) or ["not recorded (no reason recorded)"]})
        return out

    # -- exporting --------------------------------------------------------------------------
    def export(self, request: ExportRequest, *, progress: Progress | None = None,
               cancel: threading.Event | None = None) -> ExportResult:
        """Write the export folder, or raise ExportError with nothing left behind.  Blocks:
        call it from a worker thread (ExportJob does)."""
        cancel = cancel or threading.Event()
        report = _Reporter(progress)
        out = Path(request.out)
        if out.exists():
            raise ExportError("exists", f"{out} already exists: an export never replaces anything")
        plans = self.plan(request)
        try:
            key = self.key or SigningKey.load(self.centre.id, create=True)
        except SigningKeyError as exc:
            raise ExportError("key", f"the export cannot be signed: {exc}: nothing was exported") from exc
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            partial = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=out.parent))
        except OSError as exc:
            raise ExportError("disk", f"cannot write into {out.parent}: {exc.strerror or exc}: nothing was exported") from exc
        try:
            manifest = self._write(request, plans, partial, key=key, report=report, cancel=cancel)
            if cancel.is_set():
                raise ExportCancelledError
            if out.exists():
                raise ExportError("exists", f"{out} appeared while exporting: an export never replaces anything")
            partial.chmod(0o755)  # mkdtemp makes it 0700; the finished folder is for others to read
            partial.rename(out)
            fsync_folder(out.parent)
        except BaseException as exc:
            shutil.rmtree(partial, ignore_errors=True)
            if isinstance(exc, OSError) and not isinstance(exc, RecordingUnavailableError):
                raise ExportError("disk", f"cannot write the export into {out}: {exc.strerror or exc}: "
                                          "nothing was exported") from exc
            raise
        report.done(1.0, f"exported {len(manifest['files'])} files of {len(plans)} cameras into {out}")
        log.info("export %s: %d files, cameras %s, %s to %s, by %s", manifest["export_id"], len(manifest["files"]),
                 ",".join(str(p.camera.number) for p in plans), iso(request.start), iso(request.end), request.exported_by)
        return ExportResult(out, manifest)

    def _write(self, request: ExportRequest, plans: list[_Plan], folder: Path, *, key: SigningKey,
               report: _Reporter, cancel: threading.Event) -> dict[str, Any]:
        total = sum(p.seconds for p in plans)
        runs = [run for plan in plans for run in plan.runs]
        copied = [0.0] * len(runs)
        lock = threading.Lock()
        stop = threading.Event()  # one file failed: the others stop too
        either = _Either(cancel, stop)

        def step_of(index: int) -> Callable[[float], None]:
            def step(seconds: float) -> None:
                with lock:
                    copied[index] = seconds
                    so_far = sum(copied)
                report(min(0.99, so_far / total), f"{so_far:.0f} of {total:.0f} recorded seconds copied "
                                                  f"({len(runs)} files of {len(plans)} cameras)")
            return step

        def write(index: int) -> dict[str, Any]:
            try:
                run = runs[index]
                return self._write_run(run, request.start, request.end, folder, step=step_of(index), cancel=either)
            except BaseException:
                stop.set()
                raise

        with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="export") as pool:
            futures = [pool.submit(write, i) for i in range(len(runs))]
            wait(futures)
        failures = [f.exception() for f in futures if f.exception() is not None]
        # The first real failure is the story; the others only stopped because of it.
        for failure in sorted(failures, key=lambda e: isinstance(e, ExportCancelledError)):
            raise failure  # type: ignore[misc]
        entries = [f.result() for f in futures]
        files: list[dict[str, Any]] = []
        cameras: list[dict[str, Any]] = []
        at = 0
        for plan in plans:
            names = []
            for _run in plan.runs:
                entry = entries[at]
                at += 1
                entry.pop("_seconds")
                files.append(entry)
                names.append(entry["file"])
            camera = plan.camera
            cameras.append({"number": camera.number, "name": camera.name, "place": list(camera.place),
                            "files": names, "gaps": plan.gaps})
        now = self.clock()
        fields: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "export_id": f"EX-{_stamp(now)}-{secrets.token_hex(3)}",
            "centre": {"name": self.centre.name, "id": self.centre.id},
            "span": {"from": iso(request.start), "to": iso(request.end)},
            "exported_at": iso(now),
            "exported_by": request.exported_by,
            "case_number": request.case_number,
            "note": request.note,
            "cut": CUT_TEXT,
            "cameras": cameras,
            "files": files,
        }
        sealed = seal(fields, key)
        write_new(folder / MANIFEST_NAME, manifest_bytes(sealed))  # last: a folder without it is no export
        return sealed

    def _write_run(self, run: _Run, start: float, end: float, folder: Path, *, step: Callable[[float], None],
                   cancel: threading.Event | _Either) -> dict[str, Any]:
        """Remux one continuous span into one MP4; its manifest entry."""
        number = run.camera.number
        first = run.reads[0].segment
        # Named by the first segment's start until the first frame is known, then renamed.
        tmp_path = folder / f".camera-{number:04d}-{first.id}.mp4"
        output: Any = av.open(str(tmp_path), mode="w", format="mp4")
        out_stream: Any = None
        origin: float | None = None  # recorded UTC at file time 0
        last_dts: int | None = None
        last_duration = 0
        frames = 0
        first_utc = last_utc = last_end = 0.0
        pieces: list[dict[str, Any]] = []
        codec = ""
        width = height = 0
        out_tb = Fraction(1, 90000)
        copied = 0.0
        try:
            for read in run.reads:
                segment = read.segment
                try:
                    raw = self.source.open(segment)
                except (RecordingUnavailableError, OSError) as exc:
                    raise self._unavailable(segment, exc) from exc
                piece: dict[str, Any] | None = None
                shift = 0
                try:
                    # The first segment of a file is probed in full (its codec becomes the file's);
                    # the rest only as far as finding the stream, which costs a few ms less each.
                    probe = {} if out_stream is None else {"probesize": "32768", "analyzeduration": "0"}
                    with av.open(SegmentWindow(raw, read.offset), mode="r", format="mpegts", options=probe) as container:
                        if not container.streams.video:
                            raise ExportError("unavailable", f"camera {number}: segment {segment.path} holds no video")
                        stream = container.streams.video[0]
                        tb = Fraction(stream.time_base) if stream.time_base else Fraction(1, 90000)
                        if out_stream is None:
                            out_stream = output.add_stream_from_template(stream)
                            out_stream.time_base = tb
                            out_tb = tb
                            ctx = stream.codec_context
                            codec, width, height = ctx.name, ctx.width, ctx.height
                        previous_dts: int | None = None
                        # Floats, not Fractions, per packet: exact enough (a microsecond over a
                        # day of ticks) and several times cheaper at tens of thousands of packets.
                        tb_f = float(tb)
                        second = round(1 / tb_f)
                        default_duration = round(second / 15)  # a typical frame, for a lone packet
                        seg_utc = segment.start_utc
                        for count, packet in enumerate(container.demux(stream)):
                            if count % CANCEL_EVERY == 0:
                                if cancel.is_set():
                                    raise ExportCancelledError
                                if piece is not None:
                                    step(copied + max(0.0, last_utc - max(start, seg_utc)))
                            dts = packet.dts
                            if dts is None or packet.size == 0:
                                continue
                            pts = packet.pts if packet.pts is not None else dts
                            # The store's recorded time of a packet: the segment's UTC plus its rebased time.
                            if seg_utc + dts * tb_f >= end:
                                break
                            utc = seg_utc + pts * tb_f
                            if piece is None:
                                if origin is None:
                                    origin = seg_utc + dts * tb_f
                                    first_utc = utc
                                    shift = -dts
                                else:
                                    shift = round((seg_utc - origin) / float(out_tb))
                                    follow = last_dts + max(1, last_duration) if last_dts is not None else 0
                                    if dts + shift < follow:
                                        shift = follow - dts  # see "Time inside a file" above
                                piece = {"segment": segment.path, "file_time": round((pts + shift) * float(out_tb), 6),
                                         "recorded_utc": iso(utc), "frames": 0}
                                pieces.append(piece)
                            duration = dts - previous_dts if previous_dts is not None else 0
                            if duration <= 0 or duration > second:
                                duration = last_duration if last_duration > 0 else default_duration
                            previous_dts = dts
                            packet.pts, packet.dts = pts + shift, dts + shift
                            packet.duration = duration
                            packet.stream = out_stream
                            try:
                                output.mux(packet)
                            except (av.error.FFmpegError, OSError) as exc:
                                raise _write_error(number, exc) from exc
                            last_dts, last_duration = dts + shift, duration
                            frames += 1
                            piece["frames"] += 1
                            if utc > last_utc:
                                last_utc = utc
                                last_end = utc + duration * tb_f
                except (RecordingUnavailableError, OSError) as exc:
                    raise self._unavailable(segment, exc) from exc
                except av.error.FFmpegError as exc:
                    raise ExportError("unavailable", f"camera {number}: segment {segment.path} cannot be read "
                                                     f"({exc}): nothing was exported") from exc
                finally:
                    with contextlib.suppress(OSError):
                        raw.close()
                copied += max(0.0, min(segment.end_utc, end) - max(segment.start_utc, start))
                step(copied)
            if frames == 0:
                raise ExportError("nothing-recorded", f"camera {number}: no frame could be read from {first.path} "
                                                      f"between {iso(start)} and {iso(end)}: nothing was exported")
        except BaseException:
            with contextlib.suppress(Exception):  # an unfinished file is of no use; its folder goes too
                output.close()
            raise
        try:
            output.close()
        except (av.error.FFmpegError, OSError) as exc:
            raise _write_error(number, exc) from exc
        with tmp_path.open("rb+") as f:
            os.fsync(f.fileno())
        tmp_path.chmod(0o444)  # evidence is kept, not edited (as the evidence store's files)
        name = f"camera-{number:04d}-{_stamp(first_utc)}.mp4"
        tmp_path.rename(folder / name)
        digest, size = file_sha256(folder / name)
        return {"file": name, "camera": number, "sha256": digest, "bytes": size, "frames": frames,
                "codec": codec, "width": width, "height": height,
                "first_frame_utc": iso(first_utc), "last_frame_utc": iso(last_utc), "end_utc": iso(last_end),
                "pieces": pieces, "_seconds": copied}

    @staticmethod
    def _unavailable(segment: SegmentRow, exc: BaseException) -> ExportError:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        if f"segment {segment.path}" in reason:
            message = f"{reason}: nothing was exported"  # a source's own sentence already names both
        else:
            message = f"camera {segment.camera}: segment {segment.path} cannot be read ({reason}): nothing was exported"
        return ExportError("unavailable", message)


class _Either:
    """Set when either event is: the operator's cancel, or another file's failure."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


def _write_error(camera: int, exc: BaseException) -> ExportError:
    reason = getattr(exc, "strerror", None) or exc
    return ExportError("disk", f"cannot write camera {camera}'s file of the export: {reason}: nothing was exported")


def _reasons(gaps: Sequence[GapRow]) -> str:
    return ", ".join(sorted({g.reason for g in gaps}))


class _Reporter:
    """Calls the progress callback at most every PROGRESS_EVERY seconds (and at the end)."""

    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.last = float("-inf")

    def __call__(self, fraction: float, text: str) -> None:
        now = time.monotonic()
        if self.progress is not None and now - self.last >= PROGRESS_EVERY:
            self.last = now
            self.progress(fraction, text)

    def done(self, fraction: float, text: str) -> None:
        if self.progress is not None:
            self.progress(fraction, text)


@dataclass
class ExportJob:
    """An export on a thread of its own: `cancel()` any time, `wait()` for the outcome.

    `progress` is called on the export's thread; a UI hands it on to its own thread (a queued
    signal) rather than touching widgets from it."""

    exporter: Exporter
    request: ExportRequest
    progress: Progress | None = None
    result: ExportResult | None = None
    error: ExportError | None = None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> ExportJob:
        self._thread = threading.Thread(target=self._run, name=f"export {self.request.out.name}", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            self.result = self.exporter.export(self.request, progress=self.progress, cancel=self.cancel_event)
        except ExportError as exc:
            self.error = exc
        except Exception as exc:  # the unforeseen still ends the job with a sentence, not a dead thread
            log.exception("export %s failed", self.request.out)
            self.error = ExportError("unavailable", f"the export failed: {exc}: nothing was exported")

    def cancel(self) -> None:
        self.cancel_event.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the job has ended (result or error set)."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
