"""Playback from a third-party recorder (a Hikvision or Dahua NVR) through its RTSP playback URL.

`NvrPlayback` has `CameraPlayback`'s interface (console/video/playback.py), so `SyncGroup` and
the playback workspace drive it unchanged; only where the pictures come from differs.  No Qt.

How it reads.  The URL forms (console/video/nvr.py) ask the NVR for a channel from a start time
given to the whole second, and the NVR answers with an RTSP stream it sends at 1×.  Such a
stream is not byte-seekable: every seek *reopens* the URL at the new time (the second at or
before the moment) and decodes on to the frame of the moment, so a seek costs one RTSP open and
up to a second of footage (the NVR paces it, so up to a second of waiting too).  FFmpeg (PyAV)
reads it over TCP with open and read timeouts: an NVR that is down, refuses, or stops answering
is said within those, never waited on.  The login comes from the OS keyring when a URL is
opened and is put only into the URL handed to FFmpeg; messages and logs name the NVR by its
masked address.

Time.  The URL forms carry no per-frame time, so a frame's recorded time is taken as
``the requested start + the frame's stream time since the stream's first packet``.  This
assumes that the NVR starts the stream at the second asked for and sends its recording without
holes; an NVR that starts at the keyframe before the second, or that jumps over a hole in its
recording within one stream, makes the times late or early by that much (tests/test_nvr_playback.py
checks the assumption against the time burned into the simulated NVR's frames, to the
millisecond).  FFmpeg gives the first packet of such a stream (its keyframe) no pts; it is the
start itself, placed by its duration before the first packet that has one.  Each reopen
re-anchors, so an error never outlives a seek.

Playing.  The NVR paces its stream at 1×, so a stream can never catch up with a playhead that
ran on while it opened (a group's clock does): a player behind its playhead reopens once, at
the whole second the playhead reaches after the open, and waits for the playhead there.

Frame steps: forward is the next decoded frame; back is the frame before in the buffer, or,
at its start, a reopen a second earlier decoded up to the frame before.  Spans: the URL forms
have no index of what the NVR recorded, so `next_span`/`previous_span` say so plainly.

Faster than 1×: the NVR sends at 1× (RTSP's Scale header is not something FFmpeg sends), so
above 1× the player falls behind and reopens ahead of the playhead; above
`KEYFRAMES_ONLY_ABOVE`× it shows the first picture (a keyframe) of a reopen every so often
(`Shown.keyframes_only` says so), as the recorder's playback shows keyframes only there.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import av
import av.error

from console import credentials
from console.video.ingest import classify
from console.video.nvr import KINDS, NvrUrlError, playback_url
from console.video.playback import (
    FramePlayer,
    Gap,
    GapReachedError,
    NothingRecordedError,
    PlaybackError,
    PlaybackFrame,
    RecordingFailedError,
    Shown,
    _Command,
    _Slot,
    format_utc,
)
from console.video.urls import mask_url, with_credentials

log = logging.getLogger("videowall.playback")

OPEN_TIMEOUT = 5.0  # seconds for the RTSP open (DESCRIBE, SETUP, PLAY) to answer
READ_TIMEOUT = 5.0  # seconds without a packet before a stream counts as stalled
# One request asks for this much footage; playing on past it is another reopen (an NVR may
# refuse a request with no end, and one hour keeps a request well inside any NVR's limit).
REQUEST_SECONDS = 3600.0
# A moment this far past the wall clock is in the future (not a clock a frame ahead).
FUTURE_SLACK = 0.5
# Decoded ahead of the playhead while playing (at 1× the NVR's pace bounds it anyway).
LOOKAHEAD_FRAMES = 8
# A playhead this far past the last decoded frame is reached by decoding on; further, by a reopen.
CATCH_UP_SECONDS = 1.5
# While playing, the NVR's 1× pace never catches up with a playhead ahead of it (the group's
# clock runs while a stream opens), and a stream just at the playhead never has the frame of
# the moment in time: behind it this long, the stream is reopened ahead of the playhead, at the
# whole second the playhead reaches once the reopen is done, and waits for it there.
BEHIND_SECONDS = 0.3
AHEAD_WAIT_SECONDS = 3.0
# Frames kept behind the one shown, for steps back without a reopen.
KEEP_BEHIND = 64
# Frame times within this are the same frame (the stream's time base is 1/90000 s).
SAME_FRAME = 0.001
# A failed or exhausted NVR is asked again this often while a player loop wants a picture.
RETRY_SECONDS = 1.0
# A paused player gives its RTSP session back after this long: NVRs serve few playback
# sessions at once, and an idle one times out on the NVR's side anyway.
IDLE_CLOSE_SECONDS = 10.0
# Fast play: reopen this far ahead of the playhead (in playhead seconds per 1× of speed), and
# show each picture for this long (ditto) before the next reopen's.
FAST_LEAD = 0.5
FAST_HOLD = 1.0


@dataclass(frozen=True)
class NvrSource:
    """A camera's playback source on a third-party recorder: the catalog's `nvr:` entry."""

    kind: str  # hikvision | dahua
    url: str  # rtsp://host[:port], never with a password (the catalog refuses one)
    channel: int
    credential: str | None = None  # a keyring reference
    stream: int = 1  # 1 main, 2 sub
    utc_offset: timedelta = timedelta(0)  # the NVR's local time minus UTC (Dahua's times are local)

    @classmethod
    def from_json(cls, text: str) -> NvrSource:
        """The catalog's stored form (console/matrix/catalog.py `_nvr`)."""
        data = json.loads(text)
        offset = str(data.get("utc_offset") or "+00:00")
        sign = -1 if offset.startswith("-") else 1
        hours, _, minutes = offset.lstrip("+-").partition(":")
        return cls(str(data["kind"]), str(data["url"]), int(data["channel"]), data.get("credential") or None,
                   int(data.get("stream") or 1), sign * timedelta(hours=int(hours), minutes=int(minutes or 0)))

    def describe(self) -> str:
        """The NVR as an operator's message names it (the address masked all the same)."""
        return f"{self.kind} NVR {mask_url(self.url)} channel {self.channel}"


# -- one opening of the playback URL ---------------------------------------------------------
class _Stream:
    """One RTSP playback stream from `start` (the decoder thread's only)."""

    def __init__(self, url: str, start: float, opening: int, camera: int, *, timeouts: tuple[float, float]) -> None:
        self.start = start
        self.opening = opening
        self.camera = camera
        self.ended = False
        self.used = time.monotonic()
        # probesize/analyzeduration: the SDP carries SPS/PPS (as the live ingest relies on), so
        # the open is a tenth of a second instead of two.
        self._container: Any = av.open(url, options={"rtsp_transport": "tcp", "probesize": "32",
                                                     "analyzeduration": "0", "flags": "low_delay"},
                                       timeout=timeouts)
        try:
            if not self._container.streams.video:
                raise RecordingFailedError("no video stream")
            self._video = self._container.streams.video[0]
            self._tb = Fraction(self._video.time_base) if self._video.time_base else Fraction(1, 90000)
            self._packets: Iterator[Any] = self._container.demux(self._video)
        except BaseException:
            self._container.close()
            raise
        # The stream's start (the requested time) in its time base.  FFmpeg gives the first
        # packet(s) of an RTSP stream no pts (its keyframe, here): those are placed by their
        # durations before the first packet that has one.
        self._origin: int | None = None
        self._lead = 0  # ticks of pts-less packets at the start
        rate = self._video.guessed_rate or self._video.average_rate
        self._frame_ticks = round(1 / (Fraction(rate) * self._tb)) if rate else 0
        self._pending: list[tuple[av.VideoFrame, int]] = []  # (picture, its ticks since the start)

    def next(self) -> PlaybackFrame | None:
        """The next picture, or None at the end of the stream."""
        self.used = time.monotonic()
        while not self._pending:
            if self.ended:
                return None
            packet = next(self._packets, None)
            if packet is None or (packet.size == 0 and packet.pts is None):  # the demuxer's flush packet
                self.ended = True
                self._pending.extend(self._decode(None))
                continue
            lead = None
            if self._origin is None:
                if packet.pts is None:
                    lead = self._lead
                    self._lead += int(packet.duration or self._frame_ticks)
                else:
                    self._origin = int(packet.pts) - self._lead
            self._pending.extend(self._decode(packet, lead))
        video, ticks = self._pending.pop(0)
        return PlaybackFrame(self.camera, self.start + float(ticks * self._tb), bool(video.key_frame), self.opening,
                             (self._origin or 0) + ticks, video.width, video.height, video)

    def _decode(self, packet: Any, lead: int | None = None) -> list[tuple[av.VideoFrame, int]]:
        try:
            frames = self._video.codec_context.decode(packet)
        except av.error.InvalidDataError:
            return []  # a damaged packet costs its own picture, not the rest of the stream
        out = []
        for frame in frames:
            if frame.pts is not None and self._origin is not None:
                out.append((frame, int(frame.pts) - self._origin))
            elif frame.pts is None and lead is not None:
                out.append((frame, lead))  # the stream's first picture(s), before any pts
        return out

    def close(self) -> None:
        try:
            self._container.close()
        except (av.error.FFmpegError, OSError):
            pass


class NvrPlayback(FramePlayer):
    """One camera's footage on an NVR, driven like `CameraPlayback`.

    `clock` is the wall clock (only to tell a moment in the future).  Nothing touches the
    network or the keyring before the first seek; all of it happens in the decoder thread.
    """

    def __init__(self, source: NvrSource, camera: int, *, clock: Callable[[], float] = time.time,
                 open_timeout: float = OPEN_TIMEOUT, read_timeout: float = READ_TIMEOUT) -> None:
        if source.kind not in KINDS:
            raise ValueError(f"unknown NVR kind {source.kind!r} (known: {', '.join(KINDS)})")
        self.source = source
        self.camera = camera
        self.clock = clock
        self.open_timeout, self.read_timeout = open_timeout, read_timeout
        self.name = source.describe()
        self.answering = self.name
        self._cond = threading.Condition()
        self._commands: list[_Command] = []
        self._buffer: list[_Slot] = []  # frames in order, from one or more openings
        self._pos: int | None = None
        self._keys: list[_Slot] = []  # fast play: first pictures of reopens ahead of the playhead
        self._want: float | None = None
        self._playhead: float | None = None
        self._speed = 1.0
        self._playing = False
        self._gap: Gap | None = None  # the NVR sent nothing past the end of the buffer
        self._error = ""
        self._since = 0.0  # when the error or gap was last looked at again
        self._stream: _Stream | None = None
        self._openings = 0
        self._open_cost = 0.5  # seconds an RTSP open took lately (where to reopen ahead)
        self._behind_since: float | None = None  # playing, the playhead past every decoded frame since
        self._painted: PlaybackFrame | None = None  # the last picture frame_at gave at or before its moment
        self._closed = False
        self._thread = threading.Thread(target=self._loop, name=f"nvr playback camera {camera}", daemon=True)
        self._thread.start()

    # -- the API: FramePlayer's ---------------------------------------------------------------
    def frame_at(self, moment: float) -> Shown:
        """What to show at `moment` now, from what is decoded; asks for more if it lacks it."""
        with self._cond:
            self._playhead = moment
            fast = self.keyframes_only
            slots = self._keys if fast else self._buffer
            index = _find(slots, moment)
            if index is not None:
                if not fast:
                    self._pos, self._behind_since = index, None
                self._cond.notify()
                self._painted = slots[index].frame
                return Shown(self.camera, moment, slots[index].frame, True, keyframes_only=fast)
            gap = self._gap
            in_gap = gap is not None and gap.start is not None and gap.start <= moment and not fast
            if self._error or in_gap:
                # The NVR is asked again now and then, not at every tick of the player loop.
                if time.monotonic() - self._since > RETRY_SECONDS:
                    self._since = time.monotonic()
                    self._want = moment
                    self._cond.notify()
                if in_gap and not self._error:
                    return Shown(self.camera, moment, None, False, gap, fast)
                return Shown(self.camera, moment, self.current, False, None, fast, self._error)
            self._want = moment
            self._cond.notify()
            if fast:
                passed = [slot.frame for slot in self._keys if slot.frame.utc <= moment + SAME_FRAME]
                shown = passed[-1] if passed else self.current
            else:
                # Behind the playhead: the latest picture decoded so far, not the one a seek left.
                behind = [i for i, slot in enumerate(self._buffer) if slot.frame.utc <= moment + SAME_FRAME]
                if behind:
                    self._pos = behind[-1]
                shown = self.current
                painted = self._painted
                if shown is not None and shown.utc > moment + SAME_FRAME and painted is not None \
                        and painted.utc <= moment + SAME_FRAME:
                    # Reopened ahead, the playhead not there yet: the picture before, never one from
                    # the tile's future.
                    shown = painted
            if shown is not None and shown.utc <= moment + SAME_FRAME:
                self._painted = shown
            return Shown(self.camera, moment, shown, False, None, fast)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            commands, self._commands = self._commands, []
            self._cond.notify()
        for command in commands:
            command.future.set_exception(PlaybackError(f"camera {self.camera}: playback closed"))
        if threading.current_thread() is not self._thread:
            self._thread.join(self.open_timeout + self.read_timeout + 1)

    # -- posting -------------------------------------------------------------------------------
    # -- the decoder thread ----------------------------------------------------------------------
    def _loop(self) -> None:
        try:
            while True:
                idle = False
                with self._cond:
                    while not self._closed and not self._commands and self._want is None and not self._ahead_wanted():
                        self._cond.wait(0.5)
                        stream = self._stream
                        if stream is not None and not self._playing and time.monotonic() - stream.used > IDLE_CLOSE_SECONDS:
                            idle = True
                            break
                    if self._closed:
                        return
                if idle:
                    # Outside the lock: a TEARDOWN to a dead NVR must not hold up frame_at.
                    self._close_stream()
                    continue
                with self._cond:
                    command = self._commands.pop(0) if self._commands else None
                    while command is not None and command.kind == "seek" and self._commands \
                            and self._commands[0].kind == "seek":
                        # A dragged playhead posts seek after seek: only the last is worth a reopen.
                        newer = self._commands.pop(0)
                        newer.future.add_done_callback(_copy_to(command.future))
                        command = newer
                    want = self._want
                if command is not None:
                    self._execute(command)
                elif want is not None:
                    self._reach(want)
                else:
                    self._decode_ahead()
        finally:
            self._close_stream()

    def _ahead_wanted(self) -> bool:
        if not self._playing or self._error or self._gap is not None:
            return False
        if self.keyframes_only:
            return self._playhead is not None and (not self._keys or self._keys[-1].frame.utc < self._playhead)
        if self._pos is None:
            return False
        return len(self._buffer) - 1 - self._pos < LOOKAHEAD_FRAMES

    def _execute(self, command: _Command) -> None:
        if not command.future.set_running_or_notify_cancel():
            return
        try:
            if command.kind == "seek":
                frame = self._seek(command.arg, command.preview)
            elif command.kind == "step":
                frame = self._step(int(command.arg))
            else:
                raise PlaybackError(f"camera {self.camera}: the {self.name} does not tell what it recorded when "
                                    "(its playback URL has no index): seek to a moment instead")
        except PlaybackError as exc:
            if command.kind == "seek":
                self._failed(exc)  # the playhead is there now: a player loop gets it said at once
            command.future.set_exception(exc)
        except Exception as exc:  # a decoder thread must answer whatever happened
            log.exception("camera %d: NVR playback failed", self.camera)
            command.future.set_exception(RecordingFailedError(f"camera {self.camera}: {self.name}: playback failed "
                                                              f"({mask_url(str(exc))})"))
        else:
            with self._cond:
                self._error, self._gap = "", None
            command.future.set_result(frame)

    def _reach(self, moment: float) -> None:
        try:
            if self.keyframes_only:
                self._fill_keys(moment)
            else:
                with self._cond:
                    first = self._buffer[0].frame.utc if self._buffer else None
                    last = self._buffer[-1].frame.utc if self._buffer else None
                    playing, speed = self._playing, self._speed
                now = time.monotonic()
                if playing and last is not None and last <= moment and self._behind_since is None:
                    self._behind_since = now
                behind = now - self._behind_since if playing and self._behind_since is not None else 0.0
                if playing and first is not None and first - AHEAD_WAIT_SECONDS * speed < moment < first:
                    pass  # reopened ahead: the playhead is on its way there
                elif last is not None and last <= moment <= last + CATCH_UP_SECONDS and behind < BEHIND_SECONDS:
                    self._extend()
                elif playing and moment > self.clock() - AHEAD_WAIT_SECONDS:
                    self._seek(moment)  # near the live edge there is nothing ahead to reopen at
                elif playing:
                    # Where the playhead will be once the open is done (it runs at `speed`).
                    self._seek(float(math.ceil(moment + speed * (self._open_cost + 0.1))), reopen=True)
                else:
                    self._seek(moment)
            with self._cond:
                self._error, self._gap = "", None
        except PlaybackError as exc:
            self._failed(exc)
        finally:
            with self._cond:
                if self._want == moment:
                    self._want = None

    def _decode_ahead(self) -> None:
        try:
            if self.keyframes_only:
                with self._cond:
                    playhead = self._playhead
                if playhead is not None:
                    self._fill_keys(playhead)
            else:
                self._extend()
        except PlaybackError as exc:
            self._failed(exc)

    def _failed(self, exc: PlaybackError) -> None:
        with self._cond:
            if isinstance(exc, GapReachedError) and exc.gap is not None:
                self._gap = exc.gap
            else:
                self._error = str(exc)
            self._since = time.monotonic()

    # -- opening ---------------------------------------------------------------------------------
    def _url(self, start: float) -> str:
        """The playback URL from `start` with the login from the keyring (for FFmpeg only)."""
        begin = datetime.fromtimestamp(start, UTC)
        try:
            url = playback_url(self.source.kind, self.source.url, self.source.channel, begin,
                               begin + timedelta(seconds=REQUEST_SECONDS), stream=self.source.stream,
                               nvr_offset=self.source.utc_offset)
        except NvrUrlError as exc:
            raise RecordingFailedError(f"camera {self.camera}: {self.name}: {exc}") from None
        if not self.source.credential:
            return url
        try:
            user, password = credentials.load(self.source.credential)
        except credentials.CredentialError as exc:
            raise RecordingFailedError(f"camera {self.camera}: {self.name}: {exc}") from None
        return with_credentials(url, user, password)

    def _open(self, start: float) -> _Stream:
        """The stream from `start` (a whole second), or a PlaybackError naming the NVR."""
        if start > self.clock() + FUTURE_SLACK:
            raise NothingRecordedError(f"camera {self.camera}: {format_utc(start)} is in the future (now "
                                       f"{format_utc(self.clock())}): the {self.name} has nothing there yet")
        url = self._url(start)
        self._openings += 1
        began = time.monotonic()
        try:
            stream = _Stream(url, start, self._openings, self.camera, timeouts=(self.open_timeout, self.read_timeout))
            self._open_cost = 0.5 * self._open_cost + 0.5 * (time.monotonic() - began)
            return stream
        except PlaybackError as exc:
            raise RecordingFailedError(f"camera {self.camera}: {self.name}: {exc}") from None
        except Exception as exc:  # FFmpeg says every network problem as an exception
            raise self._opening_failed(exc, start, time.monotonic() - began) from None

    def _opening_failed(self, exc: BaseException, start: float, elapsed: float) -> PlaybackError:
        if isinstance(exc, av.error.HTTPNotFoundError):
            # The vendors' NVRs (and the simulated one) answer 404 for a time they hold nothing of.
            return NothingRecordedError(f"camera {self.camera}: the {self.name} has no recording at "
                                        f"{format_utc(start)} (it answered 404)")
        found = classify(exc, elapsed=elapsed, timeout=self.open_timeout)
        # classify's texts are fixed or masked: FFmpeg's own message repeats the URL, login included.
        log.warning("camera %d: %s: %s", self.camera, self.name, found.text)
        return RecordingFailedError(f"camera {self.camera}: {self.name}: {found.text}")

    def _read(self, stream: _Stream) -> PlaybackFrame | None:
        try:
            return stream.next()
        except Exception as exc:  # a stream that broke mid-way: like its end, but said
            found = classify(exc, played=True)
            log.warning("camera %d: %s: the stream broke (%s)", self.camera, self.name, found.text)
            stream.ended = True
            return None

    def _close_stream(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None

    # -- moving ------------------------------------------------------------------------------
    def _seek(self, moment: float, preview: Callable[[PlaybackFrame], None] | None = None, *,
              reopen: bool = False) -> PlaybackFrame:
        """The frame of `moment`, decoded on in the stream if it is just ahead, else (and with
        `reopen`: decoding on at 1× would never gain on a playhead) from a new stream."""
        with self._cond:
            index = _find(self._buffer, moment)
            if index is not None:
                self._pos = index
                return self._buffer[index].frame
            last = self._buffer[-1].frame.utc if self._buffer else None
        if not reopen and last is not None and last <= moment <= last + CATCH_UP_SECONDS:
            # Just past what is decoded (a group's frame step, a short jump): decode on rather
            # than reopen, which would cost up to a second of the NVR's pace.
            while self._extend():
                with self._cond:
                    index = _find(self._buffer, moment)
                    if index is not None:
                        self._pos = index
                        return self._buffer[index].frame
        stream = self._open(float(math.floor(moment)))
        slots: list[_Slot] = []
        try:
            while (frame := self._read(stream)) is not None:
                if slots:
                    slots[-1].end = frame.utc
                elif preview is not None:
                    try:
                        preview(frame)
                    except Exception:  # the caller's code must not end the decode
                        log.exception("camera %d: a seek's preview callback failed", self.camera)
                slots.append(_Slot(frame, None))
                if frame.utc > moment + SAME_FRAME:
                    break
        except BaseException:
            stream.close()
            raise
        if not slots:
            stream.close()
            raise NothingRecordedError(f"camera {self.camera}: the {self.name} sent no picture for "
                                       f"{format_utc(moment)}")
        self._close_stream()
        self._stream = stream
        shown = [i for i, slot in enumerate(slots) if slot.frame.utc <= moment + SAME_FRAME]
        with self._cond:
            self._behind_since = None
            self._buffer = slots
            self._pos = shown[-1] if shown else 0
            self._gap = None
            return slots[self._pos].frame

    def _extend(self) -> bool:
        """One more frame at the end of the buffer; False with no buffer to extend.  At the end
        of a stream (the request's end, a broken or given-back session) the NVR is asked again
        from the last frame's second; GapReachedError when it has nothing after that frame."""
        with self._cond:
            if not self._buffer:
                return False
            last = self._buffer[-1]
        frame = self._read(self._stream) if self._stream is not None and not self._stream.ended else None
        if frame is None:
            self._close_stream()
            try:
                stream = self._open(float(math.floor(last.frame.utc)))
            except NothingRecordedError:
                stream = None
            while stream is not None and (frame := self._read(stream)) is not None \
                    and frame.utc <= last.frame.utc + SAME_FRAME:
                pass
            if frame is None:
                if stream is not None:
                    stream.close()
                gap = Gap(self.camera, last.frame.utc + SAME_FRAME, None, (f"nothing on the {self.name} after this",))
                raise GapReachedError(f"camera {self.camera}: the {self.name} has nothing after "
                                      f"{format_utc(last.frame.utc)}", gap)
            self._stream = stream
        with self._cond:
            last.end = frame.utc
            self._buffer.append(_Slot(frame, None))
            if self._pos is not None and self._pos > KEEP_BEHIND:
                drop = self._pos - KEEP_BEHIND
                del self._buffer[:drop]
                self._pos -= drop
        return True

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
        self._extend()
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
        # The buffer starts where a stream started: ask from a second before the second it is in.
        start = float(math.floor(first.utc - SAME_FRAME))
        try:
            stream = self._open(start)
        except NothingRecordedError as exc:
            gap = Gap(self.camera, None, first.utc, (f"nothing on the {self.name} before this",))
            raise GapReachedError(f"{exc}; the first frame after it is at {format_utc(first.utc)}", gap) from None
        slots: list[_Slot] = []
        try:
            while (frame := self._read(stream)) is not None and frame.utc < first.utc - SAME_FRAME:
                if slots:
                    slots[-1].end = frame.utc
                slots.append(_Slot(frame, None))
        finally:
            stream.close()
        if not slots:
            gap = Gap(self.camera, None, first.utc, (f"nothing on the {self.name} before this",))
            raise GapReachedError(f"camera {self.camera}: the {self.name} sent nothing before "
                                  f"{format_utc(first.utc)}", gap)
        slots[-1].end = first.utc
        with self._cond:
            self._buffer[:0] = slots
            self._pos = len(slots) - 1

    # -- fast play ---------------------------------------------------------------------------------
    def _fill_keys(self, moment: float) -> None:
        """The first picture of a reopen a little ahead of the playhead, held until the next."""
        with self._cond:
            speed = self._speed
            if self._keys:
                # A picture fetched ahead waits for the playhead; one it jumped away from goes.
                lowest = self._keys[0].frame.utc - speed * FAST_LEAD - AHEAD_WAIT_SECONDS * speed
                highest = (self._keys[-1].end or self._keys[-1].frame.utc) + speed
                if not lowest <= moment <= highest:
                    self._keys = []
            if self._keys and self._keys[-1].frame.utc > moment:
                return
        target = float(math.ceil(moment + speed * FAST_LEAD))
        if target > self.clock():
            target = float(math.floor(moment))
        stream = self._open(target)
        try:
            frame = self._read(stream)
        finally:
            stream.close()
        if frame is None:
            raise NothingRecordedError(f"camera {self.camera}: the {self.name} sent no picture for {format_utc(target)}")
        with self._cond:
            if self._keys and (self._keys[-1].end is None or self._keys[-1].end > frame.utc):
                self._keys[-1].end = frame.utc
            self._keys.append(_Slot(frame, frame.utc + speed * FAST_HOLD))
            shown = _find(self._keys, self._playhead if self._playhead is not None else moment)
            if shown:
                del self._keys[:shown]


def _find(slots: list[_Slot], moment: float) -> int | None:
    for index in range(len(slots) - 1, -1, -1):
        slot = slots[index]
        if slot.frame.utc <= moment + SAME_FRAME:
            return index if slot.end is not None and moment < slot.end - SAME_FRAME / 2 else None
    return None


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
