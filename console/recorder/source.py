"""Where playback and export read recordings from: one interface, local or remote.

Playback (the desk, a wall agent) and export never open the recorder's SQLite index or its
files by path themselves: they ask a `RecordingSource`.  `LocalSource` reads a store on this
machine (the recorder's own tools, tests, benchmarks); a remote source reads the recorder over
the network with a token the matrix host issued, so a desk without the right gets no byte.

    source = LocalSource("/var/lib/videowall/recordings")
    for row in source.segments(12, start, end):
        with source.open(row) as f:      # a seekable binary file: MPEG-TS
            ...
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, BinaryIO, Protocol, runtime_checkable

from console.recorder.store import GapRow, KeyframeRow, SegmentRow, Store


class RecordingUnavailableError(OSError):
    """The recording cannot be read now (recorder gone, file removed by retention, refused);
    the message says which and is fit to show an operator."""


@runtime_checkable
class RecordingSource(Protocol):
    def segments(self, camera: int, start: float = float("-inf"), end: float = float("inf")) -> list[SegmentRow]:
        """Segments of `camera` overlapping [start, end), oldest first."""

    def keyframes(self, segment_id: int) -> list[KeyframeRow]:
        """The segment's keyframes in order: recorded UTC, rebased pts, byte offset to start at."""

    def gaps(self, camera: int, start: float = float("-inf"), end: float = float("inf")) -> list[GapRow]:
        """Why time is missing in [start, end)."""

    def coverage(self, camera: int, start: float = float("-inf"), end: float = float("inf"),
                 slack: float = 0.5) -> list[tuple[float, float]]:
        """Recorded spans within [start, end), merged across hairline joins."""

    def open(self, segment: SegmentRow) -> BinaryIO:
        """The segment's bytes, seekable; `RecordingUnavailableError` if they cannot be had."""

    def close(self) -> None: ...


class LocalSource:
    """A store on this machine, opened read-only (the recorder may be writing to it)."""

    def __init__(self, root: Path | str | Store) -> None:
        self._own = not isinstance(root, Store)
        self.store = root if isinstance(root, Store) else Store(root, readonly=True)

    @property
    def root(self) -> Path:
        return self.store.root

    def segments(self, camera: int, start: float = float("-inf"), end: float = float("inf")) -> list[SegmentRow]:
        return self.store.segments(camera, start, end)

    def keyframes(self, segment_id: int) -> list[KeyframeRow]:
        return self.store.keyframes(segment_id)

    def gaps(self, camera: int, start: float = float("-inf"), end: float = float("inf")) -> list[GapRow]:
        return self.store.gaps(camera, start, end)

    def coverage(self, camera: int, start: float = float("-inf"), end: float = float("inf"),
                 slack: float = 0.5) -> list[tuple[float, float]]:
        return self.store.coverage(camera, start, end, slack)

    def open(self, segment: SegmentRow) -> BinaryIO:
        path = self.store.path_of(segment)
        try:
            return path.open("rb")
        except OSError as exc:
            raise RecordingUnavailableError(f"camera {segment.camera}: segment {segment.path} cannot be read "
                                       f"({exc.strerror or exc})") from exc

    def close(self) -> None:
        if self._own:
            self.store.close()


class SegmentWindow(io.RawIOBase):
    """A segment's bytes from `offset` (a keyframe's, from the index) on, as a file of their
    own: FFmpeg's MPEG-TS demuxer then starts at the keyframe's tables instead of reading (and
    discarding) everything before it, and its seeks back to "the start" land there, not at
    byte 0.  The caller keeps and closes `raw`."""

    def __init__(self, raw: BinaryIO, offset: int) -> None:
        super().__init__()
        self._raw = raw
        self._offset = offset
        raw.seek(offset)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        return self._raw.read(size)

    def seek(self, pos: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            self._raw.seek(self._offset + pos)
        else:
            self._raw.seek(pos, whence)
        return self._raw.tell() - self._offset

    def tell(self) -> int:
        return self._raw.tell() - self._offset
