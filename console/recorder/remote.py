"""Recordings read from a recorder over HTTP (console/recorder/serve.py), with the host's tokens.

`RemoteSource` is the `RecordingSource` a desk or a wall agent uses when the store is on the
recorder's machine: the index comes as JSON, a segment's bytes as HTTP ranges behind a
seekable file object, so PyAV opens it as it opens a local file
(`av.open(source.open(segment), format="mpegts")`) and seeks in it.

    source = RemoteSource("http://recorder:8554", lambda: host.recording_token([12], "playback"))

The token comes from `token_provider` (the matrix host decides; the recorder only checks):
asked again when the one held is near its end or the recorder answers 401.  Whatever goes
wrong (the recorder gone, frozen, refusing) ends in a `RecordingUnavailableError` whose text
names the recorder (credentials masked) and the reason, within `timeout` seconds: a player
thread never hangs on a recorder.
"""

from __future__ import annotations

import http.client
import io
import json
import logging
import math
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urlencode, urlsplit

from console.recorder.source import RecordingUnavailableError
from console.recorder.store import GapRow, KeyframeRow, SegmentRow
from console.recorder.tokens import TokenError, peek_claims
from console.video.urls import mask_url

log = logging.getLogger("videowall.recorder.remote")

DEFAULT_TIMEOUT = 5.0
# Bytes asked for per range beyond what the reader wants: PyAV reads 32 KiB at a time, and a
# round trip per 32 KiB would cost more than the bytes.
READ_AHEAD = 512 * 1024
# A token with less than this left is replaced before use, not after a 401.
REFRESH_BEFORE = 30.0
_SEGMENT_FIELDS = set(SegmentRow.__dataclass_fields__)


@dataclass(frozen=True)
class RecordingIndex:
    """What the timeline draws for one camera and span, fetched in one request."""

    camera: int
    segments: list[SegmentRow]
    gaps: list[GapRow]
    coverage: list[tuple[float, float]]


class _Link:
    """One HTTP connection (kept alive) with the token and error handling every request needs.
    Used by one thread at a time: the source's index queries under its lock, each open file its own."""

    def __init__(self, source: RemoteSource) -> None:
        self.source = source
        self.connection: http.client.HTTPConnection | None = None
        self.used = False

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def _connect(self) -> http.client.HTTPConnection:
        if self.connection is None:
            s = self.source
            factory = http.client.HTTPSConnection if s.scheme == "https" else http.client.HTTPConnection
            self.connection = factory(s.host, s.port, timeout=s.timeout)
            self.used = False
        return self.connection

    def get(self, path: str, what: str, headers: dict[str, str] | None = None,
            accept: tuple[int, ...] = (200,)) -> tuple[int, http.client.HTTPMessage, bytes]:
        """The status, headers and body of GET `path`; any other status than `accept` raises."""
        source = self.source
        renewed = retried = False
        while True:
            token = source.token()
            reused = self.used
            try:
                connection = self._connect()
                connection.request("GET", source.prefix + path,
                                   headers={"Authorization": f"Bearer {token}", **(headers or {})})
                self.used = True
                response = connection.getresponse()
                body = response.read()
            except TimeoutError:
                self.close()
                raise source.unavailable(what, f"no answer within {source.timeout:g} s") from None
            except ConnectionRefusedError:
                self.close()
                raise source.unavailable(what, "it refuses connections (is the recorder running?)") from None
            except (OSError, http.client.HTTPException) as exc:
                self.close()
                # A kept-alive connection the recorder closed while idle fails on first use:
                # one fresh connection settles whether the recorder itself is gone.
                if reused and not retried:
                    retried = True
                    continue
                raise source.unavailable(what, f"the connection broke ({_describe(exc)})") from None
            if response.will_close:
                self.close()
            if response.status == 401 and not renewed:
                source.forget(token)  # expired or revoked under us: the host gives a new one
                renewed = True
                continue
            if response.status not in accept:
                raise source.refused(what, response.status, body)
            return response.status, response.headers, body


def _describe(exc: BaseException) -> str:
    if isinstance(exc, http.client.IncompleteRead):
        return f"the answer stopped after {len(exc.partial)} bytes"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the recorder closed it"
    return str(exc) or type(exc).__name__


class RemoteSegmentFile(io.RawIOBase):
    """A segment's bytes as a seekable file, each read a Range request with read-ahead.

    Its size is the segment's size when opened: a segment still being recorded is read as far
    as it went then (reopen it for more)."""

    def __init__(self, source: RemoteSource, segment: SegmentRow, read_ahead: int = READ_AHEAD) -> None:
        super().__init__()
        self.source = source
        self.segment = segment
        self.read_ahead = max(4096, read_ahead)
        self._link = _Link(source)
        self._pos = 0
        self._chunk_start = 0
        self._chunk = b""
        self.size = 0
        self.requests = 0  # ranges fetched, for tests and benchmarks
        self._fetch(0, self.read_ahead)  # refused or gone: said at open, not at first read

    def _what(self) -> str:
        return f"camera {self.segment.camera} segment {self.segment.id}"

    def _fetch(self, first: int, length: int) -> None:
        last = first + length - 1
        status, headers, body = self._link.get(f"/v1/segments/{self.segment.id}/bytes", self._what(),
                                               {"Range": f"bytes={first}-{last}"}, accept=(206, 416))
        self.requests += 1
        total = _total_size(headers.get("Content-Range", ""))
        if status == 416:
            if total is None:
                raise self.source.unavailable(self._what(), "the recorder refused the byte range")
            self.size = min(self.size, total) if self.requests > 1 else total  # empty: nothing to read
            self._chunk_start, self._chunk = first, b""
            return
        start = _range_start(headers.get("Content-Range", ""))
        if total is None or start != first or len(body) != min(last, total - 1) - first + 1:
            raise self.source.unavailable(self._what(), f"the recorder answered bytes {start} + {len(body)} of "
                                                        f"{total} for bytes {first}-{last}")
        if self.requests == 1:
            self.size = total  # fixed from here on, though a segment being recorded grows
        self._chunk_start, self._chunk = first, body

    # -- io.RawIOBase ---------------------------------------------------------------------
    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if self.closed:
            raise ValueError("seek on a closed segment")
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}.get(whence)
        if base is None:
            raise ValueError(f"invalid whence {whence}")
        position = base + offset
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        self._pos = position
        return position

    def readinto(self, buffer: Any) -> int:
        if self.closed:
            raise ValueError("read from a closed segment")
        view = memoryview(buffer).cast("B")
        if not len(view) or self._pos >= self.size:
            return 0
        offset = self._pos - self._chunk_start
        if not 0 <= offset < len(self._chunk):
            self._fetch(self._pos, max(len(view), self.read_ahead))
            offset = 0
            if not self._chunk:
                return 0
        count = min(len(view), len(self._chunk) - offset)
        view[:count] = self._chunk[offset:offset + count]
        self._pos += count
        return count

    def close(self) -> None:
        if not self.closed:
            self._link.close()
            self._chunk = b""
        super().close()


def _total_size(content_range: str) -> int | None:
    _, _, total = content_range.rpartition("/")
    return int(total) if total.isdigit() else None


def _range_start(content_range: str) -> int | None:
    unit, _, rest = content_range.partition(" ")
    first = rest.partition("-")[0]
    return int(first) if unit == "bytes" and first.isdigit() else None


class TokenRefusedError(PermissionError):
    """The matrix host refused a recording token; the message is its answer (`NA …`)."""

    def __init__(self, answer: str, reason: dict[str, Any] | None = None) -> None:
        super().__init__(answer)
        self.reason = reason or {}  # the host's code and values, for the desk's own words


def _grant(client: Any, command: dict[str, Any], timeout: float) -> dict[str, Any]:
    content: dict[str, Any] = client.request("command", command, timeout=timeout).content
    if not content.get("ok") or not isinstance(content.get("token"), str):
        raise TokenRefusedError(str(content.get("answer", "NA")), content.get("reason"))
    return content


def host_token_provider(client: Any, cameras: Iterable[int], right: str = "playback",
                        timeout: float = 5.0) -> Callable[[], str]:
    """A `token_provider` asking the matrix host (`RecordingToken` through a HostClient).

    HostClient's socket belongs to one thread: give a source read from a player thread a
    client of its own."""
    from console.matrix.commands import RecordingToken

    command = RecordingToken(tuple(cameras), right).to_dict()
    return lambda: str(_grant(client, command, timeout)["token"])


class RemoteSource:
    """A recorder's recordings over HTTP, as a `RecordingSource`."""

    @classmethod
    def from_host(cls, client: Any, cameras: Iterable[int], right: str = "playback", **options: Any) -> RemoteSource:
        """The source a desk reads `cameras` from with `right`: the host grants the first token
        and names the recorder that serves recordings.  TokenRefusedError when the desk's role
        lacks the right; RecordingUnavailableError when no recorder serves."""
        from console.matrix.commands import RecordingToken

        command = RecordingToken(tuple(cameras), right).to_dict()
        content = _grant(client, command, 5.0)
        served = content.get("recorder")
        if not isinstance(served, dict) or not served.get("url"):
            raise RecordingUnavailableError("no recorder serves recordings now (none reports to the matrix host, "
                                            "or its configuration has no serve:)")
        first: list[str] = [str(content["token"])]

        def provider() -> str:
            return first.pop() if first else str(_grant(client, command, 5.0)["token"])

        return cls(str(served["url"]), provider, **options)

    def __init__(self, base_url: str, token_provider: Callable[[], str], *, timeout: float = DEFAULT_TIMEOUT,
                 read_ahead: int = READ_AHEAD, refresh_before: float = REFRESH_BEFORE,
                 clock: Callable[[], float] = time.time) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not a recorder URL (http://host:port): {mask_url(base_url)}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.prefix = parts.path.rstrip("/")
        # What an operator reads: the recorder's address, never a password the URL carried.
        shown_host = f"[{self.host}]" if ":" in self.host else self.host
        self.shown = mask_url(f"{parts.scheme}://{shown_host}:{self.port}{self.prefix}")
        self.token_provider = token_provider
        self.timeout = timeout
        self.read_ahead = read_ahead
        self.refresh_before = refresh_before
        self.clock = clock
        self._token: str | None = None
        self._token_lock = threading.Lock()
        self._index_lock = threading.Lock()
        self._index_link = _Link(self)
        self._keyframes: dict[int, list[KeyframeRow]] = {}  # closed segments only: theirs never change
        self._files: weakref.WeakSet[RemoteSegmentFile] = weakref.WeakSet()  # closed with the source

    # -- tokens ---------------------------------------------------------------------------
    def token(self) -> str:
        """The token to send: the one held while it has more than `refresh_before` s left."""
        with self._token_lock:
            if self._token is not None:
                try:
                    left = peek_claims(self._token).expires_at - self.clock()
                except TokenError:
                    left = -math.inf
                if left > self.refresh_before:
                    return self._token
            try:
                token = self.token_provider()
            except Exception as exc:  # the provider is the host's client: timeouts, refusals, anything
                raise RecordingUnavailableError(f"recorder {self.shown}: no token from the matrix host "
                                                f"({exc})") from exc
            if not isinstance(token, str) or not token:
                raise RecordingUnavailableError(f"recorder {self.shown}: the matrix host gave no token")
            self._token = token
            return token

    def forget(self, token: str) -> None:
        with self._token_lock:
            if self._token == token:
                self._token = None

    # -- errors an operator reads ---------------------------------------------------------
    def unavailable(self, what: str, why: str) -> RecordingUnavailableError:
        return RecordingUnavailableError(f"recorder {self.shown} ({what}): {why}")

    def refused(self, what: str, status: int, body: bytes) -> RecordingUnavailableError:
        try:
            reason = str(json.loads(body.decode("utf-8"))["reason"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            reason = body[:200].decode("utf-8", "replace").strip() or http.client.responses.get(status, "")
        kind = {401: "refused the token", 403: "refused", 404: "has no such recording"}.get(status,
                                                                                          f"answered {status}")
        return RecordingUnavailableError(f"recorder {self.shown} {kind} ({what}): {reason}")

    # -- RecordingSource ------------------------------------------------------------------
    def index(self, camera: int, start: float = -math.inf, end: float = math.inf,
              slack: float = 0.5) -> RecordingIndex:
        query = {k: repr(v) for k, v in (("start", start), ("end", end)) if math.isfinite(v)}
        query["slack"] = repr(slack)
        with self._index_lock:
            _, _, body = self._index_link.get(f"/v1/cameras/{camera}/index?{urlencode(query)}", f"camera {camera}")
        try:
            data = json.loads(body)
            segments = []
            for item in data["segments"]:
                row = SegmentRow(**{k: v for k, v in item.items() if k in _SEGMENT_FIELDS})
                if not row.open:
                    self._keyframes[row.id] = [KeyframeRow(**k) for k in item["keyframes"]]
                segments.append(row)
            gaps = [GapRow(**g) for g in data["gaps"]]
            coverage = [(float(a), float(b)) for a, b in data["coverage"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise self.unavailable(f"camera {camera}", f"its index answer cannot be read ({exc})") from None
        return RecordingIndex(camera, segments, gaps, coverage)

    def segments(self, camera: int, start: float = -math.inf, end: float = math.inf) -> list[SegmentRow]:
        return self.index(camera, start, end).segments

    def keyframes(self, segment_id: int) -> list[KeyframeRow]:
        cached = self._keyframes.get(segment_id)
        if cached is not None:
            return list(cached)
        with self._index_lock:
            _, _, body = self._index_link.get(f"/v1/segments/{segment_id}/keyframes", f"segment {segment_id}")
        try:
            return [KeyframeRow(**k) for k in json.loads(body)]
        except (ValueError, KeyError, TypeError) as exc:
            raise self.unavailable(f"segment {segment_id}", f"its keyframes cannot be read ({exc})") from None

    def gaps(self, camera: int, start: float = -math.inf, end: float = math.inf) -> list[GapRow]:
        return self.index(camera, start, end).gaps

    def coverage(self, camera: int, start: float = -math.inf, end: float = math.inf,
                 slack: float = 0.5) -> list[tuple[float, float]]:
        return self.index(camera, start, end, slack).coverage

    def open(self, segment: SegmentRow) -> BinaryIO:
        raw = RemoteSegmentFile(self, segment, self.read_ahead)
        self._files.add(raw)
        # BufferedReader: PyAV's small reads and peeks come from memory; the raw file's own
        # read-ahead decides how often the recorder is asked.
        return io.BufferedReader(raw, buffer_size=64 * 1024)

    def close(self) -> None:
        with self._index_lock:
            self._index_link.close()
        for raw in list(self._files):
            raw.close()
