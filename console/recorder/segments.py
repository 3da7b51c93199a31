"""Segment files: one camera's packets remuxed (never re-encoded) into MPEG-TS files.

MPEG-TS because a file cut short by kill -9 or a power cut is still a valid recording: there
is no index or moov box to write at the end, a truncated tail loses only its last partial
188-byte packet, and libvlc and FFmpeg play it as it is.  Every packet goes to the OS as soon
as it is muxed, so a crash loses only what had not yet arrived.

Layout: ``ROOT/<camera>/<YYYY-MM-DD>/<camera>-<YYYYMMDDTHHMMSS.mmmZ>.ts``, the start in UTC
(the day directory is the UTC day of the start), so a directory listing sorts by time and a
file found without its index row still says what it is.
"""

from __future__ import annotations

import errno
import io
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any, Protocol

import av

from console.video.ingest import CachedPacket, Session
from console.video.nal import TRAILERS

log = logging.getLogger("videowall.recorder")

FILE_MODE = 0o640
DIR_MODE = 0o750
TS_PACKET = 188
# As the tiles' muxer (console/video/player.py): no muxer-side buffering, so each packet's
# bytes exist before the next packet arrives.
TS_OPTIONS = {"flush_packets": "1", "max_delay": "0", "omit_video_pes_length": "0"}
# A jump this large in stream time is a camera that reset its clock, not a late frame.
MAX_DTS_STEP = 5.0
# The camera's clock and ours drift apart (100 ppm is ~9 s a day): once frames arrive this much
# later than their UTC says, it is re-anchored to their arrival at the next segment.  Frames
# arriving before their UTC are re-anchored at once (at the next segment): a frame cannot
# arrive before it was sent.
REANCHOR_SECONDS = 1.0
EARLY_SECONDS = 0.005
DISK_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}

_NAME = re.compile(r"^(\d+)-(\d{8}T\d{6}\.\d{3})Z\.ts$")


def segment_path(camera: int, start_utc: float) -> Path:
    """Relative to the store's root."""
    moment = datetime.fromtimestamp(start_utc, UTC)
    stamp = moment.strftime("%Y%m%dT%H%M%S") + f".{moment.microsecond // 1000:03d}Z"
    return Path(str(camera), moment.strftime("%Y-%m-%d"), f"{camera}-{stamp}.ts")


def parse_segment_path(path: Path) -> tuple[int, float] | None:
    """(camera, start UTC) from a segment's file name, or None if it is not one of ours."""
    found = _NAME.match(path.name)
    if not found:
        return None
    moment = datetime.strptime(found.group(2), "%Y%m%dT%H%M%S.%f").replace(tzinfo=UTC)
    return int(found.group(1)), moment.timestamp()


@dataclass
class SegmentFile:
    """What a segment file holds, read from the file alone (reconcile, check, tests)."""

    frames: list[tuple[float, bool, int]]  # (pts seconds, keyframe, byte position of its PES)
    keyframe_offsets: list[tuple[int, int]]  # (pts, byte offset a reader may start from)
    time_base: Fraction
    codec: str
    width: int
    height: int
    size: int
    first_pts: int
    last_pts: int
    frame_duration: int  # in time_base units, from the last two frames
    error: str = ""  # why reading stopped early ("" when the whole file read)

    @property
    def duration(self) -> float:
        """From the first frame to the end of the last one, in seconds."""
        return float((self.last_pts - self.first_pts + self.frame_duration) * self.time_base)


def read_segment_frames(path: Path) -> list[tuple[float, bool, int]]:
    """(pts seconds, keyframe, byte position) of every frame in a .ts file."""
    return probe_segment(path).frames


def _table_start(data: bytes, pos: int) -> int:
    """Where the PAT before the PES at `pos` starts: a reader needs the tables to find the
    video, and FFmpeg writes them right before every keyframe."""
    at = pos - TS_PACKET
    for _ in range(4):
        if at < 0 or at + 2 >= len(data) or data[at] != 0x47:
            break
        if data[at + 1] & 0x1F == 0 and data[at + 2] == 0:
            return at
        at -= TS_PACKET
    return pos


def probe_segment(path: Path) -> SegmentFile:
    """Demux a segment (no decoding).  A truncated or damaged tail ends the list early and is
    said in `error`; a file with no readable video raises av.error.FFmpegError or ValueError."""
    data = path.read_bytes()
    frames: list[tuple[float, bool, int]] = []
    keys: list[tuple[int, int]] = []
    pts_list: list[int] = []
    error = ""
    # The bytes read once, demuxed from memory: a segment still being written grows between two
    # reads, and positions beyond what was read would index nothing.
    with av.open(io.BytesIO(data), mode="r", format="mpegts") as container:
        if not container.streams.video:
            raise ValueError(f"{path}: no video stream")
        stream = container.streams.video[0]
        tb = Fraction(stream.time_base) if stream.time_base else Fraction(1, 90000)
        ctx = stream.codec_context
        try:
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue
                pts = packet.pts if packet.pts is not None else packet.dts
                if pts is None:
                    continue
                pos = int(packet.pos) if packet.pos is not None and packet.pos >= 0 else -1
                frames.append((float(pts * tb), bool(packet.is_keyframe), pos))
                pts_list.append(pts)
                if packet.is_keyframe and pos >= 0:
                    keys.append((pts, _table_start(data, pos)))
        except (av.error.FFmpegError, OSError) as exc:  # a damaged middle: keep what came before
            error = str(exc)
        codec, width, height = ctx.name, ctx.width, ctx.height
    if not frames:
        raise ValueError(f"{path}: no video frames")
    ordered = sorted(pts_list)
    step = ordered[-1] - ordered[-2] if len(ordered) > 1 else 0
    if step <= 0 or step * tb > 1:
        step = int(1 / (15 * tb))  # one frame at a typical rate; only a lone frame gets here
    return SegmentFile(frames, keys, tb, codec, width, height, len(data), ordered[0], ordered[-1], step, error)


@dataclass
class Segment:
    """One segment, being written or just closed; the store indexes it from this."""

    camera: int
    path: Path  # relative to the store's root
    start_utc: float  # UTC of rebased pts 0 (the first packet's dts)
    start_pts: int  # the first packet's pts in the stream's own time
    time_base: Fraction
    utc_offset: float  # UTC minus stream time (seconds): utc = stream pts * time_base + utc_offset
    codec: str
    width: int
    height: int
    end_utc: float = 0.0
    frames: int = 0
    bytes: int = 0
    open: bool = True
    last_arrival: float = 0.0  # wall time the last packet arrived
    keyframes: list[tuple[float, int, int]] = field(default_factory=list)  # (utc, rebased pts, byte offset)
    id: int = 0  # the store's row id


class SegmentListener(Protocol):
    """What a writer tells its owner (the store, through CameraRecorder)."""

    def segment_opened(self, segment: Segment) -> None: ...

    def keyframe_written(self, segment: Segment, utc: float, pts: int, offset: int) -> None: ...

    def segment_closed(self, segment: Segment) -> None: ...

    def disk_full(self, segment: Segment | None, error: OSError) -> bool:
        """Make room; True if something was freed and the write is worth retrying."""
        ...

    def write_failed(self, error: OSError, last_end: float | None) -> None:
        """The packet was dropped after the retry: recording has stopped for now."""
        ...

    def write_resumed(self, segment: Segment) -> None: ...


class _Collector:
    """The muxer's output for one packet, held until the file write that may fail."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)


class _OpenFile:
    """A segment file with its muxer; bytes reach the OS with os.write, no Python buffer."""

    def __init__(self, full: Path, session: Session) -> None:
        full.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        self.full = full
        self.fd = os.open(full, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
        try:
            os.fchmod(self.fd, FILE_MODE)  # exactly 0640 whatever the umask
            self.out = _Collector()
            self.container: Any = av.open(self.out, mode="w", format="mpegts", container_options=TS_OPTIONS)
            self.stream = self.container.add_stream_from_template(session.stream)
        except BaseException:
            os.close(self.fd)
            full.unlink(missing_ok=True)
            raise
        self.size = 0
        self.closed = False

    def mux(self, data: bytes, pts: int, dts: int, keyframe: bool, time_base: Any) -> bytes:
        packet = av.Packet(data)
        packet.pts, packet.dts = pts, dts
        packet.time_base = time_base
        packet.is_keyframe = keyframe
        packet.stream = self.stream
        self.container.mux(packet)
        out = bytes(self.out.data)
        self.out.data.clear()
        return out

    def write(self, data: bytes) -> None:
        """All of `data` or nothing: a failed write is cut off so the file stays whole packets."""
        view = memoryview(data)
        done = 0
        try:
            while done < len(view):
                done += os.write(self.fd, view[done:])
        except OSError:
            if done:
                try:
                    os.ftruncate(self.fd, self.size)
                    os.lseek(self.fd, self.size, os.SEEK_SET)
                except OSError:
                    pass
            raise
        self.size += len(data)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            self.container.close()
            tail = bytes(self.out.data)
            if tail:
                self.write(tail)
        except (av.error.FFmpegError, OSError, ValueError):  # TS has no trailer worth a crash
            pass
        finally:
            try:
                os.close(self.fd)
            except OSError:
                pass


class SegmentWriter:
    """Writes one camera's packets into rotating segments.

    A segment starts only at a keyframe (packets before the first are dropped), and rotates
    at the first keyframe after `segment_seconds` and at every new ingest session.  Each
    segment is rebased so its first packet has dts 0; its first pts in the stream's own time
    and the offset between stream time and UTC go to the index.

    UTC is the wall time a frame arrived: `received` (monotonic) plus an offset taken once per
    session, so a step of the wall clock does not reorder frames.  Within a session the
    frames' UTC follows their timestamps from that anchor; it is re-anchored to arrival at a
    rotation if the camera's clock drifted more than REANCHOR_SECONDS from ours.
    """

    def __init__(self, root: Path, camera: int, listener: SegmentListener, *, segment_seconds: float = 60.0,
                 clock: Callable[[], float] = time.time, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.root = Path(root)
        self.camera = camera
        self.listener = listener
        self.segment_seconds = float(segment_seconds)
        self.clock = clock
        self.monotonic = monotonic
        self.session: Session | None = None
        self.segment: Segment | None = None
        self._file: _OpenFile | None = None
        self._wall_minus_mono = 0.0
        self._anchor: float | None = None  # utc_offset of the session (UTC minus stream seconds)
        self._min_lag = float("inf")  # least arrival lag behind the anchor in this segment
        self._session_lag = float("inf")  # least (arrival - stream time) of the session so far
        self._first_dts = 0
        self._last_dts: int | None = None
        self._prev_dts: int | None = None
        self._last_pts_rebased = 0
        self._trailer = b""
        self.failing = False  # writes fail; packets are dropped until a keyframe write works
        self._last_try = float("-inf")
        self.last_end: float | None = None
        self.closed = False
        self.packets_in = 0
        self.bytes_in = 0  # access-unit bytes written into segments (without the delimiters)
        self.raw_bytes_in = 0  # the same packets as the ingest gave them

    # -- feeding --------------------------------------------------------------------------
    def start_session(self, session: Session) -> None:
        self._end_segment()
        self.session = session
        self._wall_minus_mono = self.clock() - self.monotonic()
        self._anchor = None
        self._session_lag = float("inf")
        self._last_dts = None
        self._trailer = TRAILERS.get(session.codec, b"")

    def write(self, session: Session, packet: CachedPacket) -> None:
        if self.closed:
            return
        if session is not self.session:  # attached mid-session, or a session start we missed
            self.start_session(session)
        tb = session.time_base
        arrival = packet.received + self._wall_minus_mono
        # Big frames (keyframes) arrive later after their capture than small ones: the least
        # lag of all the session's packets, dropped ones too, is the truest anchor.
        self._session_lag = min(self._session_lag, arrival - float(packet.dts * tb))
        if self._last_dts is not None and (packet.dts <= self._last_dts
                                           or (packet.dts - self._last_dts) * tb > MAX_DTS_STEP):
            # The camera's clock jumped: what follows cannot share this segment's timeline.
            if not packet.keyframe:
                return
            self._end_segment()
            self._anchor = None
        if self.failing:
            if not packet.keyframe or self.monotonic() - self._last_try < 1.0:
                return
            self._last_try = self.monotonic()
        data = packet.data
        if self._trailer and data.endswith(self._trailer):
            # The delimiters only hurry libvlc's live packetizer; in a file they would make
            # FFmpeg's demuxer split every frame one delimiter late.
            data = data[: -len(self._trailer)]
        if self.segment is not None and packet.keyframe and \
                (packet.dts - self._first_dts) * tb >= self.segment_seconds:
            self._end_segment()
        if self.segment is None:
            if not packet.keyframe:
                return
            if not self._begin(session, packet, arrival):
                return
        self._put(session, packet, data, arrival)

    def end_session(self) -> None:
        self._end_segment()
        self.session = None

    def close(self) -> None:
        self._end_segment()
        self.closed = True

    # -- inside ---------------------------------------------------------------------------
    def _begin(self, session: Session, packet: CachedPacket, arrival: float) -> bool:
        tb = session.time_base
        stream_seconds = float(packet.dts * tb)
        if self._anchor is None:
            self._anchor = min(self._session_lag, arrival - stream_seconds)
        elif self._min_lag != float("inf") and (self._min_lag < -EARLY_SECONDS or self._min_lag > REANCHOR_SECONDS):
            # (inf: the last segment got no packet, e.g. its first write met a full disk)
            if abs(self._min_lag) > REANCHOR_SECONDS:
                log.debug("camera %d: its clock drifted %.2f s from ours; re-anchored", self.camera, self._min_lag)
            self._anchor += self._min_lag
        self._min_lag = float("inf")
        start_utc = self._anchor + stream_seconds
        made_room = False
        for _ in range(5):
            relative = segment_path(self.camera, start_utc)
            try:
                opened = _OpenFile(self.root / relative, session)
                break
            except FileExistsError:  # two starts in one millisecond: name the second 1 ms later
                start_utc += 0.001
            except OSError as exc:
                if made_room or exc.errno not in DISK_FULL_ERRNOS or not self.listener.disk_full(None, exc):
                    return self._failed(None, exc)
                made_room = True
        else:
            return self._failed(None, OSError(errno.EEXIST, "segment names in use"))
        self._file = opened
        self.segment = Segment(
            camera=self.camera, path=relative, start_utc=start_utc, start_pts=packet.pts,
            time_base=Fraction(tb.numerator, tb.denominator), utc_offset=start_utc - stream_seconds,
            codec=session.codec, width=session.width, height=session.height, end_utc=start_utc,
            last_arrival=arrival,
        )
        self._first_dts = packet.dts
        self._prev_dts = None
        return True

    def _put(self, session: Session, packet: CachedPacket, data: bytes, arrival: float) -> None:
        assert self._file is not None and self.segment is not None
        tb = session.time_base
        pts, dts = packet.pts - self._first_dts, packet.dts - self._first_dts
        offset = self._file.size
        try:
            out = self._file.mux(data, pts, dts, packet.keyframe, tb)
        except (av.error.FFmpegError, ValueError) as exc:
            log.warning("camera %d: a packet the muxer refused was dropped (%s)", self.camera, exc)
            return
        try:
            self._file.write(out)
        except OSError as exc:
            if not self._retry(out, exc):
                return
        segment = self.segment
        if self.failing:
            self.failing = False
            self.listener.write_resumed(segment)
        self._last_dts = packet.dts
        duration = dts - self._prev_dts if self._prev_dts is not None else 0
        self._prev_dts = dts
        self._last_pts_rebased = max(self._last_pts_rebased, pts) if segment.frames else pts
        if duration <= 0 or duration * tb > 1:
            duration = int(1 / (15 * tb))
        segment.frames += 1
        segment.bytes = self._file.size
        if segment.frames == 1:  # indexed only once it holds a frame: a failed start leaves no row
            self.listener.segment_opened(segment)
        segment.last_arrival = arrival
        segment.end_utc = segment.start_utc + float((self._last_pts_rebased + duration) * tb)
        self.last_end = segment.end_utc
        self._min_lag = min(self._min_lag, arrival - (segment.start_utc + float(dts * tb)))
        self.packets_in += 1
        self.bytes_in += len(data)
        self.raw_bytes_in += len(packet.data)
        if packet.keyframe:
            self.listener.keyframe_written(segment, segment.start_utc + float(pts * tb), pts, offset)

    def _retry(self, out: bytes, exc: OSError) -> bool:
        """One more try after the owner made room; False when the packet is lost."""
        assert self._file is not None
        if exc.errno in DISK_FULL_ERRNOS and self.listener.disk_full(self.segment, exc):
            try:
                self._file.write(out)
                return True
            except OSError as again:
                exc = again
        return self._failed(self.segment, exc)

    def _failed(self, segment: Segment | None, exc: OSError) -> bool:
        """Stop writing: close what was written (it is whole packets) and wait for a keyframe."""
        if segment is not None:
            self._end_segment()
        self._last_try = self.monotonic()
        if not self.failing:
            self.failing = True
            self.listener.write_failed(exc, self.last_end)
        return False

    def _end_segment(self) -> None:
        segment, opened = self.segment, self._file
        self.segment, self._file = None, None
        if opened is not None:
            opened.close()
        if segment is None:
            return
        segment.open = False
        if segment.frames == 0:
            if opened is not None:
                opened.full.unlink(missing_ok=True)
            return
        self.listener.segment_closed(segment)
