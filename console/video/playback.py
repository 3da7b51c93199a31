"""The playback engine: any moment of a recorded camera, frame-exact, without Qt.

A Qt widget (or a wall agent) sits on top; this module only decodes.  It reads recordings
through a `RecordingSource` (console/recorder/source.py) and nothing else, so the same code
plays a store on this machine and a recorder across the network.

Time.  A frame's time is its *recorded* time, derived exactly as the recorder's store derives
it: each segment is rebased so its first packet has dts 0, and the store records for every
keyframe ``utc = segment.start_utc + pts * time_base``.  The engine decodes from such a
keyframe and gives each later frame ``keyframe.utc + (pts - keyframe.pts) * time_base``: the
same line through the same point, so a frame's time here is the time the index has for it
(a segment the store rebuilt from its file after a crash included).  Never the wall clock.

Which frame a moment shows: the last frame whose recorded time is at or before it, in the
segment that holds the moment.  Two segments may overlap by a frame or two where the recorder
re-anchored its clock (console/recorder/segments.py); the later segment holds the overlap, and
a frame step follows the recording's order, so there the recorded time may step back by up
to that overlap.

Threads.  Each `CameraPlayback` owns one decoder thread.  `seek`, `step`, `next_span` and
`previous_span` come in two forms: ``request_…`` returns a `concurrent.futures.Future` at
once (what a UI calls; it forwards the result to its own thread), and the plain form waits
for it (tools and tests).  `frame_at(moment)` never waits: it answers from the frames decoded
so far and has the thread decode ahead of the playhead, so a player loop driven by a clock
(`SyncGroup`) never stalls on a decode.  Above `KEYFRAMES_ONLY_ABOVE`× the engine shows
keyframes only (`Shown.keyframes_only` says so): decoding every frame of 16 cameras at 16×
would need several cores.

Seeks start reading at the keyframe's byte offset from the index (the tables before it), so a
seek costs one file open and at most a GOP of decodes, whatever the segment's length.  A
recording still being made is followed: a segment file that grew after the decoder reached its
end is read on, and the live edge is a gap of its own ("being recorded") looked at again every
`LIVE_RETRY_SECONDS`.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from typing import Any, Self

import av
import av.error
import numpy as np

from console.recorder.source import RecordingSource, RecordingUnavailableError, SegmentWindow
from console.recorder.store import GapRow, KeyframeRow, SegmentRow

log = logging.getLogger("videowall.playback")

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
KEYFRAMES_ONLY_ABOVE = 4.0
# Segments closer than this are one recording (a frame interval between two files is no
# hole); the store's coverage() uses the same slack.
JOIN_SLACK = 0.5
# Decoded ahead of the playhead, in recorded seconds at 1× (times the speed), and at least
# this many frames.
LOOKAHEAD_SECONDS = 0.5
LOOKAHEAD_FRAMES = 8
# A playhead this far past the last decoded frame is reached by decoding on; further, by a seek.
CATCH_UP_SECONDS = 1.5
# Decoded pictures kept per camera (the current and previous GOP, the look-ahead); beyond it
# whole GOPs go from the front.
CACHE_BYTES = 192 * 1024 * 1024
# A moment this far past the wall clock is "in the future" (not just a clock a frame ahead).
FUTURE_SLACK = 0.5
MAX_GROUP = 16
# How long the blocking forms wait for the decoder thread before saying so.
WAIT_SECONDS = 10.0
# A recording that failed to read is tried again this often while a player loop asks for it.
RETRY_SECONDS = 1.0
# The end of a recording still being made is looked at again this often (the index is
# written once a second, the file as each frame arrives).
LIVE_RETRY_SECONDS = 0.25
# Where a previous or next segment is looked for, widening: most are found in the first.
SEARCH_WINDOWS = (120.0, 3600.0, 86400.0, float("inf"))


def format_utc(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"


# -- what callers get --------------------------------------------------------------------------
class PlaybackError(Exception):
    """Playback cannot do what was asked; the message is fit to show an operator."""


class NothingRecordedError(PlaybackError):
    """Nothing is recorded at that moment; `gap` says between which recordings and why."""

    def __init__(self, message: str, gap: Gap | None = None) -> None:
        super().__init__(message)
        self.gap = gap


class GapReachedError(NothingRecordedError):
    """A frame step ran into a gap; `next_span()`/`previous_span()` jump over it."""


class RecordingFailedError(PlaybackError):
    """The recording could not be read (recorder gone, file removed, refused, damaged)."""


@dataclass(frozen=True)
class Gap:
    """Time of one camera with nothing recorded, between two recordings (or before the
    first, or after the last: `start`/`end` None)."""

    camera: int
    start: float | None  # where the recording before it ends
    end: float | None  # where the next one starts; None if none yet
    reasons: tuple[str, ...]  # the recorder's, from gaps(); ("not recorded",) when it gave none

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    def describe(self) -> str:
        since = f"from {format_utc(self.start)}" if self.start is not None else "before the first recording"
        until = f"until {format_utc(self.end)}" if self.end is not None else "with nothing recorded after it yet"
        return f"camera {self.camera}: nothing recorded {since} {until} ({self.reason})"


@dataclass(frozen=True, eq=False)
class PlaybackFrame:
    """One decoded picture and where it is in the recording."""

    camera: int
    utc: float  # the frame's recorded time
    keyframe: bool
    segment_id: int
    pts: int  # in the segment file's stream time base
    width: int
    height: int
    video: av.VideoFrame = field(repr=False)
    _rgb: list[np.ndarray] = field(default_factory=list, repr=False)

    def rgb(self) -> np.ndarray:
        """The picture as an H×W×3 uint8 array (converted once, on first use)."""
        if not self._rgb:
            self._rgb.append(self.video.to_ndarray(format="rgb24"))
        return self._rgb[0]

    @property
    def nbytes(self) -> int:
        return sum(plane.buffer_size for plane in self.video.planes)


@dataclass(frozen=True)
class Shown:
    """What a tile shows at a moment (`CameraPlayback.frame_at`)."""

    camera: int
    moment: float
    frame: PlaybackFrame | None  # the picture to show; None before any, or in a gap
    exact: bool  # frame is the frame of `moment` (False: still decoding, the previous picture)
    gap: Gap | None = None  # `moment` has nothing recorded
    keyframes_only: bool = False  # playing fast: only keyframes are decoded
    error: str = ""  # the recording could not be read (the operator's text)


# -- reading a segment ---------------------------------------------------------------------
def _time_base(text: str) -> Fraction | None:
    try:
        return Fraction(text) if text else None
    except (ValueError, ZeroDivisionError):
        return None


class _Run:
    """Decoding one segment onward from one of its keyframes (the decoder thread's only)."""

    def __init__(self, source: RecordingSource, segment: SegmentRow, key: KeyframeRow) -> None:
        self.segment = segment
        self.key = key
        self.ended = False
        self._raw = source.open(segment)
        self._container: Any = None
        try:
            self._container = av.open(SegmentWindow(self._raw, key.byte_offset), format="mpegts")
            stream = self._container.streams.video[0]
        except BaseException:
            self._raw.close()
            raise
        self._tb = Fraction(stream.time_base) if stream.time_base else Fraction(1, 90000)
        index_tb = _time_base(segment.time_base) or self._tb
        # The index's line for this segment through its keyframe (see the module's docstring).
        base = key.utc - float(key.pts * index_tb)
        self._base = segment.start_utc if abs(base - segment.start_utc) < 1e-6 else base
        self._frames: Iterator[av.VideoFrame] = self._container.decode(stream)

    def utc_of(self, pts: int) -> float:
        return self._base + float(pts * self._tb)

    def next(self) -> PlaybackFrame | None:
        """The next picture, or None at the end of the segment."""
        while not self.ended:
            try:
                video = next(self._frames, None)
            except av.error.InvalidDataError:
                continue  # a damaged packet costs its own picture, not the rest of the segment
            if video is None:
                self.ended = True
                break
            if video.pts is None:
                continue
            return PlaybackFrame(self.segment.camera, self.utc_of(int(video.pts)), bool(video.key_frame),
                                 self.segment.id, int(video.pts), video.width, video.height, video)
        return None

    def close(self) -> None:
        try:
            self._container.close()
        except (av.error.FFmpegError, OSError):
            pass
        try:
            self._raw.close()
        except OSError:
            pass


@dataclass
class _Slot:
    frame: PlaybackFrame
    end: float | None  # when the next frame takes over; None while it is not decoded yet


@dataclass
class _Command:
    kind: str  # seek, step, span
    arg: float
    future: Future[PlaybackFrame]
    preview: Callable[[PlaybackFrame], None] | None = None


# -- what every player shares -----------------------------------------------------------------
class FramePlayer:
    """The API a UI, a player loop and `SyncGroup` drive, shared by `CameraPlayback` (our
    recorder) and `console.video.nvr_playback.NvrPlayback` (a third-party NVR): commands go to
    the player's decoder thread as `_Command`s and come back as futures.  A subclass sets up
    `camera`, `_cond`, `_commands`, `_closed`, `_buffer`, `_pos`, `_keys`, `_playing` and
    `_speed`, and runs the thread."""

    camera: int
    answering = "recording"  # what did not answer, in the message of a wait that timed out
    _cond: threading.Condition
    _commands: list[_Command]
    _closed: bool
    _buffer: list[_Slot]
    _pos: int | None
    _keys: list[_Slot]
    _playing: bool
    _speed: float

    # -- the API (any thread; never waits for a decode) ------------------------------------
    def request_seek(self, moment: float, preview: Callable[[PlaybackFrame], None] | None = None
                     ) -> Future[PlaybackFrame]:
        """The frame shown at `moment`: the last one recorded at or before it.

        `preview`, if given, is called (in the decoder thread) with the keyframe the decode
        starts from as soon as it is decoded, before the frames up to `moment`: a timeline
        being dragged can show it at once, as players that seek to keyframes do.  It is not
        called when the frame is already decoded."""
        return self._post("seek", moment, preview)

    def request_step(self, frames: int = 1) -> Future[PlaybackFrame]:
        """Exactly `frames` frames forward (positive) or back (negative) from the frame shown."""
        if frames == 0:
            raise ValueError("a step of 0 frames")
        return self._post("step", frames)

    def request_next_span(self) -> Future[PlaybackFrame]:
        """The first frame of the next recorded span (over the gap ahead)."""
        return self._post("span", 1)

    def request_previous_span(self) -> Future[PlaybackFrame]:
        """The first frame of the recorded span before the one shown (over the gap behind)."""
        return self._post("span", -1)

    def seek(self, moment: float, timeout: float = WAIT_SECONDS) -> PlaybackFrame:
        return self._wait(self.request_seek(moment), timeout)

    def step(self, frames: int = 1, timeout: float = WAIT_SECONDS) -> PlaybackFrame:
        return self._wait(self.request_step(frames), timeout)

    def next_span(self, timeout: float = WAIT_SECONDS) -> PlaybackFrame:
        return self._wait(self.request_next_span(), timeout)

    def previous_span(self, timeout: float = WAIT_SECONDS) -> PlaybackFrame:
        return self._wait(self.request_previous_span(), timeout)

    @property
    def current(self) -> PlaybackFrame | None:
        """The frame shown now (after the last seek, step or frame_at)."""
        with self._cond:
            return self._buffer[self._pos].frame if self._pos is not None else None

    def set_playing(self, playing: bool, speed: float = 1.0) -> None:
        """Tell the decoder how the playhead moves, so it decodes far enough ahead."""
        if not 0 < speed <= max(SPEEDS):
            raise ValueError(f"speed {speed}× is outside {min(SPEEDS)}…{max(SPEEDS)}×")
        with self._cond:
            if self.keyframes_only != (playing and speed > KEYFRAMES_ONLY_ABOVE):
                self._keys = []
            self._playing, self._speed = playing, speed
            self._cond.notify()

    @property
    def keyframes_only(self) -> bool:
        return self._playing and self._speed > KEYFRAMES_ONLY_ABOVE

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _post(self, kind: str, arg: float, preview: Callable[[PlaybackFrame], None] | None = None
              ) -> Future[PlaybackFrame]:
        future: Future[PlaybackFrame] = Future()
        with self._cond:
            if self._closed:
                future.set_exception(PlaybackError(f"camera {self.camera}: playback closed"))
                return future
            self._commands.append(_Command(kind, arg, future, preview))
            self._cond.notify()
        return future

    def _wait(self, future: Future[PlaybackFrame], timeout: float) -> PlaybackFrame:
        try:
            return future.result(timeout)
        except TimeoutError:
            raise PlaybackError(f"camera {self.camera}: the {self.answering} did not answer within {timeout:g} s") from None


# -- one camera -----------------------------------------------------------------------------
class CameraPlayback(FramePlayer):
    """One camera's recording: seek, frame steps, spans, and frames for a clock-driven player.

    `clock` is the wall clock (only to tell a moment in the future); the frames' times come
    from the recording.
    """

    def __init__(self, source: RecordingSource, camera: int, *, clock: Callable[[], float] = time.time,
                 cache_bytes: int = CACHE_BYTES) -> None:
        self.source = source
        self.camera = camera
        self.clock = clock
        self.cache_bytes = cache_bytes
        self._cond = threading.Condition()
        self._commands: list[_Command] = []
        self._buffer: list[_Slot] = []  # one contiguous decode, starting at a keyframe
        self._pos: int | None = None  # the frame shown now
        self._keys: list[_Slot] = []  # keyframes-only mode: keyframe pictures ahead of the playhead
        self._want: float | None = None  # a moment frame_at could not show yet
        self._playhead: float | None = None
        self._speed = 1.0
        self._playing = False
        self._gap: Gap | None = None  # the gap the decoder met at the playhead or ahead of it
        self._gap_since = 0.0
        self._error = ""  # the last read failed: the operator's text, until a read works again
        self._error_since = 0.0
        self._run: _Run | None = None
        self._segments: dict[int, SegmentRow] = {}
        self._keyframes: dict[int, list[KeyframeRow]] = {}
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name=f"playback camera {camera}", daemon=True)
        self._thread.start()

    def frame_at(self, moment: float) -> Shown:
        """What to show at `moment` now, from what is decoded; asks for more if it lacks it."""
        with self._cond:
            self._playhead = moment
            keys_only = self.keyframes_only
            if keys_only:
                index = self._find(self._keys, moment)
                if index is not None:
                    self._cond.notify()
                    return Shown(self.camera, moment, self._keys[index].frame, True, keyframes_only=True)
            else:
                index = self._find(self._buffer, moment)
                if index is not None:
                    self._pos = index
                    self._cond.notify()
                    return Shown(self.camera, moment, self._buffer[index].frame, True)
            if self._error:
                # Retried now and then, not at every tick of the player loop.
                if time.monotonic() - self._error_since > RETRY_SECONDS:
                    self._error_since = time.monotonic()
                    self._want = moment
                    self._cond.notify()
                return Shown(self.camera, moment, self.current, False, None, keys_only, self._error)
            gap = self._gap
            if gap is not None and (gap.start is None or gap.start <= moment) and (gap.end is None or moment < gap.end):
                # A gap with no end yet may be filled by a recording still being made.
                if gap.end is None and time.monotonic() - self._gap_since > LIVE_RETRY_SECONDS:
                    self._gap_since = time.monotonic()
                    self._want = moment
                    self._cond.notify()
                return Shown(self.camera, moment, None, False, gap, keys_only)
            self._want = moment
            self._cond.notify()
            shown = self._keys[-1].frame if keys_only and self._keys else self.current
            return Shown(self.camera, moment, shown, False, None, keys_only)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            commands, self._commands = self._commands, []
            self._cond.notify()
        for command in commands:
            command.future.set_exception(PlaybackError(f"camera {self.camera}: playback closed"))
        if threading.current_thread() is not self._thread:
            self._thread.join(5)

    # -- inside: posting and finding ---------------------------------------------------------
    @staticmethod
    def _find(slots: list[_Slot], moment: float) -> int | None:
        # From the end: where two segments overlap, the later one holds the moment.
        for index in range(len(slots) - 1, -1, -1):
            slot = slots[index]
            if slot.frame.utc <= moment:
                return index if slot.end is not None and moment < slot.end else None
        return None

    # -- the decoder thread ------------------------------------------------------------------
    def _loop(self) -> None:
        try:
            while True:
                with self._cond:
                    while not self._closed and not self._commands and self._want is None and not self._ahead_wanted():
                        self._cond.wait(LIVE_RETRY_SECONDS)
                    if self._closed:
                        return
                    command = self._take_command()
                    want = self._want
                if command is not None:
                    self._execute(command)
                elif want is not None:
                    self._reach(want)
                else:
                    self._decode_ahead()
        finally:
            self._close_run()

    def _take_command(self) -> _Command | None:
        if not self._commands:
            return None
        command = self._commands.pop(0)
        # A playhead dragged across the timeline posts seek after seek: only the last matters,
        # and the ones it replaces get its answer.
        while command.kind == "seek" and self._commands and self._commands[0].kind == "seek":
            newer = self._commands.pop(0)
            newer.future.add_done_callback(_copy_to(command.future))
            command = newer
        return command

    def _execute(self, command: _Command) -> None:
        if not command.future.set_running_or_notify_cancel():
            return
        try:
            if command.kind == "seek":
                frame = self._seek(command.arg, command.preview)
            elif command.kind == "step":
                frame = self._step(int(command.arg))
            else:
                frame = self._span(int(command.arg))
        except PlaybackError as exc:
            command.future.set_exception(exc)
        except Exception as exc:  # a decoder thread must answer whatever happened
            log.exception("camera %d: playback failed", self.camera)
            command.future.set_exception(RecordingFailedError(f"camera {self.camera}: playback failed ({exc})"))
        else:
            with self._cond:
                self._error, self._gap = "", None
            command.future.set_result(frame)

    def _reach(self, moment: float) -> None:
        """frame_at could not show `moment`: decode on to it, or seek there."""
        try:
            if self.keyframes_only:
                self._fill_keys(moment)
            else:
                with self._cond:
                    last = self._buffer[-1].frame.utc if self._buffer else None
                near = last is not None and last <= moment <= last + CATCH_UP_SECONDS * max(1.0, self._speed)
                if not (near and self._extend()):
                    self._seek(moment)
            with self._cond:
                self._error, self._gap = "", None
        except NothingRecordedError as exc:
            self._failed(exc)
        except PlaybackError as exc:
            self._failed(exc)
        finally:
            with self._cond:
                if self._want == moment:
                    self._want = None

    def _ahead_wanted(self) -> bool:
        if not self._playing or self._error:
            return False
        if self.keyframes_only:
            return self._playhead is not None and (not self._keys or self._keys[-1].frame.utc
                                                   < self._playhead + self._speed * LOOKAHEAD_SECONDS * 2)
        if self._pos is None:
            return False
        if self._gap is not None:
            # A gap met ahead: nothing more to decode, unless it is the end of a recording
            # still being made, which is looked at again now and then.
            return self._gap.end is None and time.monotonic() - self._gap_since > LIVE_RETRY_SECONDS
        ahead = len(self._buffer) - 1 - self._pos
        seconds = self._buffer[-1].frame.utc - self._buffer[self._pos].frame.utc
        return ahead < LOOKAHEAD_FRAMES or seconds < LOOKAHEAD_SECONDS * self._speed

    def _decode_ahead(self) -> None:
        try:
            if self.keyframes_only:
                with self._cond:
                    playhead = self._playhead
                if playhead is not None:
                    self._fill_keys(playhead)
            elif self._extend():
                with self._cond:
                    self._gap = None
        except PlaybackError as exc:
            self._failed(exc)

    def _failed(self, exc: PlaybackError) -> None:
        with self._cond:
            if isinstance(exc, NothingRecordedError) and exc.gap is not None:
                self._gap, self._gap_since = exc.gap, time.monotonic()
            else:
                # (a moment in the future or a camera never recorded says so the same way)
                self._error, self._error_since = str(exc), time.monotonic()

    # -- the index ---------------------------------------------------------------------------
    def _index(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except (RecordingUnavailableError, OSError) as exc:
            raise RecordingFailedError(f"camera {self.camera}: the recording cannot be read now ({exc})") from exc

    def _segments_in(self, start: float, end: float) -> list[SegmentRow]:
        rows: list[SegmentRow] = self._index(lambda: self.source.segments(self.camera, start, end))
        for row in rows:
            self._segments[row.id] = row
        return rows

    def _keys_of(self, segment: SegmentRow) -> list[KeyframeRow]:
        keys = self._keyframes.get(segment.id)
        if keys is None or segment.open:  # a segment being written gains keyframes
            keys = self._index(lambda: self.source.keyframes(segment.id))
            if not segment.open:
                self._keyframes[segment.id] = keys
        return keys

    def _segment_at(self, moment: float) -> SegmentRow | None:
        rows = [s for s in self._segments_in(moment, moment + 1e-6) if s.start_utc <= moment < s.end_utc]
        return max(rows, key=lambda s: (s.start_utc, s.id)) if rows else None

    def _before(self, moment: float) -> SegmentRow | None:
        """The segment that ends last at or before `moment`."""
        for window in SEARCH_WINDOWS:
            rows = [s for s in self._segments_in(moment - window, moment) if s.end_utc <= moment + 1e-9]
            if rows:
                return max(rows, key=lambda s: (s.end_utc, s.id))
        return None

    def _after(self, moment: float) -> SegmentRow | None:
        """The segment that starts first after `moment`."""
        for window in SEARCH_WINDOWS:
            rows = [s for s in self._segments_in(moment, moment + window) if s.start_utc > moment]
            if rows:
                return min(rows, key=lambda s: (s.start_utc, s.id))
        return None

    def _next_segment(self, segment: SegmentRow) -> SegmentRow | None:
        rows = [s for s in self._segments_in(segment.end_utc - JOIN_SLACK, segment.end_utc + 3600)
                if (s.start_utc, s.id) > (segment.start_utc, segment.id)]
        return min(rows, key=lambda s: (s.start_utc, s.id)) if rows else None

    def _previous_segment(self, segment: SegmentRow) -> SegmentRow | None:
        rows = [s for s in self._segments_in(segment.start_utc - 3600, segment.start_utc + 1e-6)
                if (s.start_utc, s.id) < (segment.start_utc, segment.id)]
        return max(rows, key=lambda s: (s.start_utc, s.id)) if rows else None

    def _gap_between(self, before: SegmentRow | None, after: SegmentRow | None) -> Gap:
        start = before.end_utc if before else None
        end = after.start_utc if after else None
        lo = start if start is not None else (end - 1 if end is not None else float("-inf"))
        hi = end if end is not None else max(self.clock(), lo + 1)
        rows: list[GapRow] = self._index(lambda: self.source.gaps(self.camera, lo, hi))
        reasons = tuple(dict.fromkeys(row.reason for row in rows if row.reason)) or ("not recorded",)
        return Gap(self.camera, start, end, reasons)

    def _not_recorded(self, moment: float) -> NothingRecordedError:
        if moment > self.clock() + FUTURE_SLACK:
            return NothingRecordedError(f"camera {self.camera}: {format_utc(moment)} is in the future "
                                        f"(now {format_utc(self.clock())})")
        before, after = self._before(moment), self._after(moment)
        if before is None and after is None:
            return NothingRecordedError(f"camera {self.camera} has no recordings")
        gap = self._gap_between(before, after)
        return NothingRecordedError(f"camera {self.camera}: nothing recorded at {format_utc(moment)}: "
                                    f"{gap.describe().split(': ', 1)[1]}", gap)

    # -- decoding ------------------------------------------------------------------------------
    def _open_run(self, segment: SegmentRow, key: KeyframeRow) -> _Run:
        try:
            return _Run(self.source, segment, key)
        except (RecordingUnavailableError, OSError) as exc:
            raise RecordingFailedError(f"camera {self.camera}: the recording at {format_utc(key.utc)} cannot be "
                                       f"read ({exc})") from exc
        except (av.error.FFmpegError, IndexError) as exc:
            raise RecordingFailedError(f"camera {self.camera}: the recording at {format_utc(key.utc)} is damaged "
                                       f"({exc})") from exc

    def _read(self, run: _Run) -> PlaybackFrame | None:
        try:
            return run.next()
        except (RecordingUnavailableError, OSError) as exc:
            raise RecordingFailedError(f"camera {self.camera}: the recording stopped being readable ({exc})") from exc
        except av.error.FFmpegError as exc:
            raise RecordingFailedError(f"camera {self.camera}: the recording is damaged ({exc})") from exc

    def _close_run(self) -> None:
        if self._run is not None:
            self._run.close()
            self._run = None

    def _decode_gop(self, segment: SegmentRow, key: KeyframeRow, *, until_pts: int | None = None,
                    until_utc: float | None = None, preview: Callable[[PlaybackFrame], None] | None = None
                    ) -> tuple[list[_Slot], _Run | None]:
        """Frames from `key` on: up to (not including) `until_pts`, or up to and including the
        first frame after `until_utc`, or to the end of the segment.  The run is returned open
        when it may go on."""
        run = self._open_run(segment, key)
        slots: list[_Slot] = []
        try:
            while True:
                frame = self._read(run)
                if frame is None or (until_pts is not None and frame.pts >= until_pts):
                    break
                if slots:
                    slots[-1].end = frame.utc
                elif preview is not None:
                    try:
                        preview(frame)
                    except Exception:  # the caller's code must not end the decode
                        log.exception("camera %d: a seek's preview callback failed", self.camera)
                slots.append(_Slot(frame, None))
                if until_utc is not None and frame.utc > until_utc:
                    return slots, run
        except BaseException:
            run.close()
            raise
        if frame is None and slots:
            slots[-1].end = segment.end_utc
        if frame is None:
            return slots, run
        run.close()
        return slots, None

    def _seek(self, moment: float, preview: Callable[[PlaybackFrame], None] | None = None) -> PlaybackFrame:
        with self._cond:
            index = self._find(self._buffer, moment)
            if index is not None:  # already decoded (the look-ahead, the current GOP)
                self._pos = index
                return self._buffer[index].frame
        segment = self._segment_at(moment)
        if segment is None:
            # Between two segments closer than the join slack, the moment shows the last frame
            # of the one before.
            before = self._before(moment)
            if before is None or moment - before.end_utc >= JOIN_SLACK:
                raise self._not_recorded(moment)
            following = self._next_segment(before)
            if (following is None or following.start_utc - before.end_utc >= JOIN_SLACK) and \
                    moment - before.end_utc > 1e-6:
                raise self._not_recorded(moment)
            segment = before
            moment = before.end_utc - 1e-9
        keys = [k for k in self._keys_of(segment) if k.utc <= moment + 1e-6]
        if not keys:
            keys = self._keys_of(segment)[:1]
            if not keys:
                raise RecordingFailedError(f"camera {self.camera}: the recording at {format_utc(moment)} has no "
                                           "keyframe in the index")
        slots, run = self._decode_gop(segment, keys[-1], until_utc=moment, preview=preview)
        shown = [i for i, slot in enumerate(slots) if slot.frame.utc <= moment]
        if not slots:
            if run is not None:
                run.close()
            raise RecordingFailedError(f"camera {self.camera}: no picture decodes at {format_utc(moment)}")
        self._close_run()
        self._run = run
        with self._cond:
            self._buffer = slots
            self._pos = shown[-1] if shown else 0
            self._gap = None
            return slots[self._pos].frame

    def _extend(self) -> bool:
        """One more frame at the end of the buffer; False if there is no buffer to extend.
        Raises GapReachedError where the recording stops."""
        with self._cond:
            if not self._buffer:
                return False
            last = self._buffer[-1]
        frame: PlaybackFrame | None = None
        if self._run is not None and not self._run.ended:
            frame = self._read(self._run)
            if frame is None:
                last.end = self._run.segment.end_utc
        if frame is None:
            segment = self._segments.get(last.frame.segment_id) or self._segment_at(last.frame.utc)
            if segment is None:
                return False
            following = None
            if segment.open:  # still being written: more may have come since the run read it
                fresh = self._segments_in(segment.start_utc, segment.start_utc + 1e-6)
                segment = next((s for s in fresh if s.id == segment.id), segment)
                frame = self._resume(segment, last.frame)
                if frame is None:
                    following = self._next_segment(segment)
                    if following is None and segment.open:
                        gap = Gap(self.camera, max(segment.end_utc, last.end or last.frame.utc), None,
                                  ("being recorded: not here yet",))
                        raise GapReachedError(f"camera {self.camera}: the recording goes no further than "
                                              f"{format_utc(last.frame.utc)} yet (it is being recorded)", gap)
        if frame is None:
            assert segment is not None
            following = following or self._next_segment(segment)
            if following is None or following.start_utc - segment.end_utc >= JOIN_SLACK:
                gap = self._gap_between(segment, following)
                raise GapReachedError(f"{gap.describe()}; the last frame before it is at "
                                      f"{format_utc(last.frame.utc)}", gap)
            keys = self._keys_of(following)
            if not keys:
                raise RecordingFailedError(f"camera {self.camera}: a segment at {format_utc(following.start_utc)} "
                                           "has no keyframe in the index")
            self._close_run()
            self._run = self._open_run(following, keys[0])
            frame = self._read(self._run)
            if frame is None:
                raise RecordingFailedError(f"camera {self.camera}: no picture decodes at "
                                           f"{format_utc(following.start_utc)}")
        with self._cond:
            # The frame before holds until this one: across a hairline hole between two
            # segments too, and where they overlap the later segment takes over.
            last.end = frame.utc
            self._buffer.append(_Slot(frame, None))
            self._trim()
        return True

    def _resume(self, segment: SegmentRow, after: PlaybackFrame) -> PlaybackFrame | None:
        """The frame after `after` in a segment that grew since its run reached the end:
        decoded again from the keyframe before it (at most a GOP), None if none is there yet."""
        keys = [k for k in self._keys_of(segment) if k.pts <= after.pts]
        if not keys:
            return None
        run = self._open_run(segment, keys[-1])
        try:
            while (frame := self._read(run)) is not None and frame.pts <= after.pts:
                pass
        except BaseException:
            run.close()
            raise
        if frame is None:
            run.close()
            return None
        self._close_run()
        self._run = run
        return frame

    def _trim(self) -> None:
        """Drop whole GOPs before the previous one of the frame shown, or over the budget."""
        if self._pos is None:
            return
        starts = [i for i, slot in enumerate(self._buffer[: self._pos + 1]) if slot.frame.keyframe]
        drop = starts[-2] if len(starts) >= 2 else 0
        total = sum(slot.frame.nbytes for slot in self._buffer)
        while total > self.cache_bytes and len(starts) >= 2 and drop < starts[-1]:
            drop = starts[-1]
            total = sum(slot.frame.nbytes for slot in self._buffer[drop:])
        if drop > 0:
            del self._buffer[:drop]
            self._pos -= drop

    def _step(self, frames: int) -> PlaybackFrame:
        with self._cond:
            if self._pos is None:
                raise PlaybackError(f"camera {self.camera}: nothing to step from (seek to a moment first)")
        for _ in range(abs(frames)):
            if frames > 0:
                self._step_forward()
            else:
                self._step_back()
        with self._cond:
            assert self._pos is not None
            return self._buffer[self._pos].frame

    def _step_forward(self) -> None:
        with self._cond:
            assert self._pos is not None
            if self._pos + 1 < len(self._buffer):
                self._pos += 1
                return
        if not self._extend():
            raise PlaybackError(f"camera {self.camera}: nothing to step from")
        with self._cond:
            assert self._pos is not None
            self._pos = min(self._pos + 1, len(self._buffer) - 1)

    def _step_back(self) -> None:
        with self._cond:
            assert self._pos is not None
            if self._pos > 0:
                self._pos -= 1
                return
            first = self._buffer[0].frame
        # The buffer starts at a keyframe: decode the GOP before it.
        segment = self._segments.get(first.segment_id) or self._segment_at(first.utc)
        if segment is None:
            raise RecordingFailedError(f"camera {self.camera}: the recording at {format_utc(first.utc)} is gone")
        earlier = [k for k in self._keys_of(segment) if k.pts < first.pts]
        if earlier:
            slots, _ = self._decode_gop(segment, earlier[-1], until_pts=first.pts)
        else:
            previous = self._previous_segment(segment)
            if previous is None or segment.start_utc - previous.end_utc >= JOIN_SLACK:
                gap = self._gap_between(previous, segment)
                raise GapReachedError(f"{gap.describe()}; the first frame after it is at {format_utc(first.utc)}", gap)
            keys = self._keys_of(previous)
            if not keys:
                raise RecordingFailedError(f"camera {self.camera}: a segment at {format_utc(previous.start_utc)} "
                                           "has no keyframe in the index")
            slots, run = self._decode_gop(previous, keys[-1])
            if run is not None:
                run.close()
        if not slots:
            raise RecordingFailedError(f"camera {self.camera}: no picture decodes before {format_utc(first.utc)}")
        slots[-1].end = first.utc if slots[-1].end is None else min(slots[-1].end, first.utc)
        with self._cond:
            self._buffer[:0] = slots
            self._pos = len(slots) - 1
            # Over the budget: the look-ahead goes, not the frames a step back needs.
            while sum(s.frame.nbytes for s in self._buffer) > self.cache_bytes and len(self._buffer) > self._pos + 1:
                self._buffer.pop()
                self._close_run()

    def _span(self, direction: int) -> PlaybackFrame:
        with self._cond:
            here = self._buffer[self._pos].frame.utc if self._pos is not None else self._playhead
        if here is None:
            raise PlaybackError(f"camera {self.camera}: no moment to go from (seek first)")
        for window in SEARCH_WINDOWS:
            if direction > 0:
                spans = self._coverage(here, here + window)
                # The span holding `here` comes clipped to start at it: only later ones count.
                later = [s for s in spans if s[0] > here + 1e-6]
                if later:
                    return self._seek(later[0][0])
                continue
            spans = self._coverage(here - window, here + 1e-6)
            current = [s for s in spans if s[0] <= here <= s[1] + JOIN_SLACK]
            begin = current[-1][0] if current else here
            earlier = [s for s in spans if s[1] < begin]
            # A span clipped by the window's start may begin earlier: widen the window.
            if earlier and earlier[-1][0] > here - window:
                return self._seek(earlier[-1][0])
        where = "after" if direction > 0 else "before"
        raise NothingRecordedError(f"camera {self.camera}: nothing recorded {where} {format_utc(here)}")

    def _coverage(self, start: float, end: float) -> list[tuple[float, float]]:
        spans: list[tuple[float, float]] = self._index(
            lambda: self.source.coverage(self.camera, start, end, JOIN_SLACK))
        return spans

    # -- keyframes only (fast play) -----------------------------------------------------------
    def _fill_keys(self, moment: float) -> None:
        """Keyframe pictures from the one at or before `moment` to the look-ahead's end."""
        horizon = moment + max(2.0, self._speed * LOOKAHEAD_SECONDS * 2)
        if self._segment_at(moment) is None:
            previous = self._before(moment)
            if previous is None or moment - previous.end_utc >= JOIN_SLACK:
                raise self._not_recorded(moment)  # in a gap: said, so a group can skip it
        with self._cond:
            have = [slot.frame.utc for slot in self._keys]
            if have and not (have[0] <= moment <= have[-1] + CATCH_UP_SECONDS * self._speed):
                self._keys, have = [], []
        rows = self._segments_in(moment, horizon)
        wanted: list[tuple[SegmentRow, KeyframeRow]] = []
        for segment in sorted(rows, key=lambda s: (s.start_utc, s.id)):
            wanted += [(segment, k) for k in self._keys_of(segment) if k.utc <= horizon]
        before = [i for i, (_, k) in enumerate(wanted) if k.utc <= moment]
        wanted = wanted[before[-1]:] if before else wanted
        if not wanted:
            raise self._not_recorded(moment)
        for segment, key in wanted:
            if have and key.utc <= have[-1] + 1e-6:
                continue
            run = self._open_run(segment, key)
            try:
                frame = self._read(run)
            finally:
                run.close()
            if frame is None:
                continue
            following = [k for k in self._keys_of(segment) if k.pts > key.pts]
            end = following[0].utc if following else segment.end_utc
            with self._cond:
                if self._keys and self._keys[-1].end is not None and self._keys[-1].end > frame.utc:
                    self._keys[-1].end = frame.utc
                self._keys.append(_Slot(frame, end))
                # Keep only what is still to come (and the picture shown now).
                shown = self._find(self._keys, self._playhead if self._playhead is not None else moment)
                if shown:
                    del self._keys[:shown]
            have.append(frame.utc)
            with self._cond:
                if self._commands or self._closed:
                    return


def _copy_to(target: Future[PlaybackFrame]) -> Callable[[Future[PlaybackFrame]], None]:
    def copy(done: Future[PlaybackFrame]) -> None:
        if not target.set_running_or_notify_cancel():
            return
        error = done.exception()
        if error is not None:
            target.set_exception(error)
        else:
            target.set_result(done.result())
    return copy


# -- many cameras on one clock ---------------------------------------------------------------
class SyncGroup:
    """Up to 16 cameras on one timeline: every member shows the frame of the group's time.

    The group's time runs from a monotonic clock at the chosen speed while playing.  A player
    loop (the UI's timer) calls `frames()` and paints what it returns; nothing here waits for
    a decode.

    Frame steps: cameras rarely share frame times, so a step moves the group's time to the
    next (or previous) frame of the *lead* camera (the first member unless set), and every
    other member shows its own frame of that moment, the last one recorded at or before it.
    Stepping the lead visits each of its frames exactly once; the others move when their
    next frame is due, so with equal frame rates all of them move each step.
    """

    def __init__(self, members: list[CameraPlayback], *, monotonic: Callable[[], float] = time.monotonic,
                 skip_gaps: bool = True) -> None:
        if not members:
            raise ValueError("a synchronised group needs at least one camera")
        if len(members) > MAX_GROUP:
            raise ValueError(f"a synchronised group holds at most {MAX_GROUP} cameras, not {len(members)}")
        self.members = list(members)
        self.lead = self.members[0]
        self.monotonic = monotonic
        self.skip_gaps = skip_gaps
        self.speed = 1.0
        self.playing = False
        self._lock = threading.Lock()
        self._anchor_time: float | None = None  # the group's time at _anchor_mono
        self._anchor_mono = 0.0
        self._stepping = 0
        self._shown: dict[int, Shown] = {}

    # -- the clock ---------------------------------------------------------------------------
    def time(self) -> float | None:
        """The group's recorded time now (None before the first seek)."""
        with self._lock:
            return self._time_locked()

    def _time_locked(self) -> float | None:
        if self._anchor_time is None:
            return None
        if not self.playing:
            return self._anchor_time
        return self._anchor_time + (self.monotonic() - self._anchor_mono) * self.speed

    def _set_time(self, moment: float) -> None:
        self._anchor_time, self._anchor_mono = moment, self.monotonic()

    def play(self, speed: float | None = None) -> None:
        with self._lock:
            if speed is not None:
                self._check_speed(speed)
            now = self._time_locked()
            self.speed = speed if speed is not None else self.speed
            self.playing = True
            if now is not None:
                self._set_time(now)
        for member in self.members:
            member.set_playing(True, self.speed)

    def pause(self) -> None:
        with self._lock:
            now = self._time_locked()
            self.playing = False
            if now is not None:
                self._set_time(now)
        for member in self.members:
            member.set_playing(False, self.speed)

    def set_speed(self, speed: float) -> None:
        self._check_speed(speed)
        with self._lock:
            now = self._time_locked()
            self.speed = speed
            if now is not None:
                self._set_time(now)
        for member in self.members:
            member.set_playing(self.playing, speed)

    @staticmethod
    def _check_speed(speed: float) -> None:
        if speed not in SPEEDS:
            raise ValueError(f"speed {speed}× is not one of {', '.join(f'{s:g}×' for s in SPEEDS)}")

    # -- moving ------------------------------------------------------------------------------
    def request_seek(self, moment: float) -> dict[int, Future[PlaybackFrame]]:
        """Every member to `moment` (each decodes in its own thread, all at once)."""
        with self._lock:
            self._set_time(moment)
        return {member.camera: member.request_seek(moment) for member in self.members}

    def seek(self, moment: float, timeout: float = WAIT_SECONDS) -> dict[int, PlaybackFrame | PlaybackError]:
        """Each member's frame at `moment`, or why it has none (a gap, a failed recording)."""
        return _gather(self.request_seek(moment), timeout)

    def request_step(self, frames: int = 1) -> Future[dict[int, PlaybackFrame | PlaybackError]]:
        """Pause, move the lead camera `frames` frames, then every member to the lead's new
        time.  The future fails with the lead's error (a gap: `next_span` goes over it)."""
        self.pause()
        done: Future[dict[int, PlaybackFrame | PlaybackError]] = Future()
        with self._lock:
            self._stepping += 1  # frames() shows what it showed until every member has moved

        def finish(result: dict[int, PlaybackFrame | PlaybackError] | PlaybackError) -> None:
            with self._lock:
                self._stepping -= 1
            if isinstance(result, PlaybackError):
                done.set_exception(result)
            else:
                done.set_result(result)

        def lead_moved(future: Future[PlaybackFrame]) -> None:
            try:
                lead = future.result()
            except PlaybackError as exc:
                finish(exc)
                return
            with self._lock:
                self._set_time(lead.utc)
            others = {m.camera: m.request_seek(lead.utc) for m in self.members if m is not self.lead}
            results: dict[int, PlaybackFrame | PlaybackError] = {self.lead.camera: lead}
            pending = [len(others)]
            if not others:
                finish(results)
                return
            lock = threading.Lock()

            def member_moved(camera: int, member: Future[PlaybackFrame]) -> None:
                try:
                    outcome: PlaybackFrame | PlaybackError = member.result()
                except PlaybackError as exc:
                    outcome = exc
                with lock:
                    results[camera] = outcome
                    pending[0] -= 1
                    last = pending[0] == 0
                if last:
                    finish(results)

            for camera, member in others.items():
                member.add_done_callback(functools.partial(member_moved, camera))

        self.lead.request_step(frames).add_done_callback(lead_moved)
        return done

    def step(self, frames: int = 1, timeout: float = WAIT_SECONDS) -> dict[int, PlaybackFrame | PlaybackError]:
        """`request_step`, waited for."""
        try:
            return self.request_step(frames).result(timeout)
        except TimeoutError:
            raise PlaybackError(f"the group's step did not finish within {timeout:g} s") from None

    def frames(self) -> dict[int, Shown]:
        """What each member shows now (never waits).  With `skip_gaps`, a moment where no
        member has anything recorded jumps to the earliest recording after it."""
        with self._lock:
            moment = self._time_locked()
            if self._stepping:
                return dict(self._shown)
        if moment is None:
            return {}
        shown = {member.camera: member.frame_at(moment) for member in self.members}
        self._shown = shown
        if self.skip_gaps and self.playing and all(s.gap is not None for s in shown.values()):
            ends = [s.gap.end for s in shown.values() if s.gap is not None and s.gap.end is not None]
            if ends and min(ends) > moment:
                with self._lock:
                    now = self._time_locked()
                    if now is not None and now < min(ends):
                        self._set_time(min(ends))
        return shown

    def close(self) -> None:
        for member in self.members:
            member.close()


def _gather(futures: dict[int, Future[PlaybackFrame]], timeout: float) -> dict[int, PlaybackFrame | PlaybackError]:
    deadline = time.monotonic() + timeout
    results: dict[int, PlaybackFrame | PlaybackError] = {}
    for camera, future in futures.items():
        try:
            results[camera] = future.result(max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            results[camera] = PlaybackError(f"camera {camera}: the recording did not answer within {timeout:g} s")
        except PlaybackError as exc:
            results[camera] = exc
    return results
