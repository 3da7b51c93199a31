"""The recorder's HTTP server: its index and segment bytes, to desks and agents holding a token.

Every request carries `Authorization: Bearer <token>` (console/recorder/tokens.py), minted by
the matrix host for one desk, some rights and some cameras; the server checks the signature
against the centre's public key and serves only what the token grants.  No token, an expired,
forged or foreign one: 401.  A camera or a right not granted: 403.  Either way no byte of a
recording leaves, and the log names the peer and the reason, never the token.

    GET  /v1/cameras/<n>/index?start=&end=&slack=    segments (with keyframes), gaps, coverage
    GET  /v1/segments/<id>/keyframes                 one segment's keyframes
    GET  /v1/segments/<id>/bytes     (HEAD too)      the MPEG-TS bytes; Range: bytes=a-b → 206

Times are UTC seconds; start and end default to everything.  Bytes go out with sendfile from
the open file, never through memory whole: a segment may be hundreds of megabytes.
Loopback by default (the recorder configuration's `serve: listen`).  No Qt here.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
import os
import re
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from console.recorder.store import SegmentRow, Store
from console.recorder.tokens import READ_RIGHTS, TokenClaims, TokenError, TokenVerifier

log = logging.getLogger("videowall.recorder.serve")

API = "/v1"
_INDEX = re.compile(r"/v1/cameras/(?P<camera>[0-9]{1,10})/index")
_KEYFRAMES = re.compile(r"/v1/segments/(?P<segment>[0-9]{1,18})/keyframes")
_BYTES = re.compile(r"/v1/segments/(?P<segment>[0-9]{1,18})/bytes")
_RANGE = re.compile(r"bytes=(?P<first>[0-9]{0,18})-(?P<last>[0-9]{0,18})")
# A connection idle or stalled this long is closed: a desk that went away must not hold a
# server thread (and its open segment file) for ever.
CONNECTION_TIMEOUT = 30.0


class RangeNotSatisfiableError(ValueError):
    pass


def parse_range(header: str, size: int) -> tuple[int, int]:
    """The first and last byte (inclusive) a `Range` header asks of a file of `size` bytes.
    One range only: a player asks for one at a time, and many ranges make a multipart body."""
    found = _RANGE.fullmatch(header.strip())
    if not found or not (found["first"] or found["last"]):
        raise RangeNotSatisfiableError(f"not a single byte range: {header[:80]!r}")
    if size == 0:
        raise RangeNotSatisfiableError("the segment is empty")
    if found["first"]:
        first = int(found["first"])
        last = int(found["last"]) if found["last"] else size - 1
        if first >= size:
            raise RangeNotSatisfiableError(f"byte {first} is beyond the segment's {size} bytes")
        if last < first:
            raise RangeNotSatisfiableError(f"the range ends ({last}) before it starts ({first})")
        return first, min(last, size - 1)
    suffix = int(found["last"])  # bytes=-N: the last N bytes
    if suffix == 0:
        raise RangeNotSatisfiableError("a range of the last 0 bytes")
    return max(0, size - suffix), size - 1


class _RefusedError(Exception):
    def __init__(self, status: HTTPStatus, code: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.code = code
        self.reason = reason


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Our own: the handler reads them from its server.
    store: Store
    verifier: TokenVerifier
    recorder_name: str
    connections: set[socket.socket]
    connections_lock: threading.Lock


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive: a player reads a segment in many ranges
    timeout = CONNECTION_TIMEOUT
    server_version = "videowall-recorder"
    sys_version = ""

    # -- connection bookkeeping: stop() cuts readers off instead of waiting for them ---------
    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass  # the peer went away first

    def log_message(self, format: str, *args: Any) -> None:
        # The stdlib writes every request line to stderr; ours go to the logger, by outcome.
        log.debug("%s: " + format, self.peer, *args)

    @property
    def peer(self) -> str:
        host, port = self.client_address[:2]
        return f"{host}:{port}"

    # -- requests -------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def _handle(self, *, head: bool) -> None:
        url = urlsplit(self.path)
        self._streaming = False
        claims: TokenClaims | None = None
        try:
            claims = self._authenticate()
            if found := _INDEX.fullmatch(url.path):
                camera = int(found["camera"])
                self._grant(claims, camera)
                self._send_json(self._index(camera, parse_qs(url.query)), head)
            elif found := _KEYFRAMES.fullmatch(url.path):
                segment = self._segment(claims, int(found["segment"]))
                self._send_json([dataclasses.asdict(k) for k in self.server.store.keyframes(segment.id)], head)
            elif found := _BYTES.fullmatch(url.path):
                self._send_bytes(self._segment(claims, int(found["segment"])), head)
            else:
                raise _RefusedError(HTTPStatus.NOT_FOUND, "not-found", f"no such resource {url.path[:100]!r}")
        except _RefusedError as refused:
            level = logging.WARNING if refused.status in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN) else logging.INFO
            who = f" (desk {claims.desk})" if claims else ""
            log.log(level, "%s %s from %s%s refused: %d %s", self.command, url.path[:100], self.peer, who,
                    refused.status, refused.reason)
            self._send_error(refused, head)
        except (BrokenPipeError, ConnectionResetError, TimeoutError) as exc:
            # The reader went away mid-answer (a player closed, a seek dropped a range).
            log.debug("%s %s from %s: the peer went away (%s)", self.command, url.path[:100], self.peer, exc)
            self.close_connection = True
        except Exception:
            # The unforeseen (a damaged index, a disk error): one request fails in words, the
            # server and the recording go on.
            log.exception("%s %s from %s: internal error", self.command, url.path[:100], self.peer)
            if not self._streaming:  # mid-body, an error answer would pass for segment bytes: just close
                self._send_error(_RefusedError(HTTPStatus.INTERNAL_SERVER_ERROR, "internal-error",
                                               "internal error in the recorder (logged)"), head)
            self.close_connection = True

    def _authenticate(self) -> TokenClaims:
        header = self.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if not header:
            raise _RefusedError(HTTPStatus.UNAUTHORIZED, "no-token",
                           "no token: every request needs the host's token (Authorization: Bearer …)")
        if scheme.lower() != "bearer" or not token.strip():
            raise _RefusedError(HTTPStatus.UNAUTHORIZED, "no-token", "the Authorization header carries no Bearer token")
        try:
            return self.server.verifier.verify(token.strip())
        except TokenError as exc:
            raise _RefusedError(HTTPStatus.UNAUTHORIZED, exc.code, f"token refused: {exc}") from None

    @staticmethod
    def _grant(claims: TokenClaims, camera: int) -> None:
        why = claims.refusal(READ_RIGHTS, camera)
        if why is not None:
            raise _RefusedError(HTTPStatus.FORBIDDEN, "not-granted", why)

    def _segment(self, claims: TokenClaims, segment_id: int) -> SegmentRow:
        # Rights first: a desk without any reading right learns nothing, not even whether a
        # segment exists.
        why = claims.refusal(READ_RIGHTS)
        if why is not None:
            raise _RefusedError(HTTPStatus.FORBIDDEN, "not-granted", why)
        row = self.server.store.segment(segment_id)
        if row is None:
            raise _RefusedError(HTTPStatus.NOT_FOUND, "no-segment", f"no segment {segment_id} (deleted by retention?)")
        self._grant(claims, row.camera)
        return row

    def _index(self, camera: int, query: dict[str, list[str]]) -> dict[str, Any]:
        start = _time(query, "start", -math.inf)
        end = _time(query, "end", math.inf)
        slack = _time(query, "slack", 0.5)
        store = self.server.store
        segments = store.segments(camera, start, end)
        return {"camera": camera, "recorder": self.server.recorder_name,
                "segments": [dict(dataclasses.asdict(s), keyframes=[dataclasses.asdict(k) for k in store.keyframes(s.id)])
                             for s in segments],
                "gaps": [dataclasses.asdict(g) for g in store.gaps(camera, start, end)],
                "coverage": store.coverage(camera, start, end, slack)}

    # -- answers ----------------------------------------------------------------------------
    def _send_json(self, value: Any, head: bool) -> None:
        body = json.dumps(value, allow_nan=False).encode("utf-8")
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _send_error(self, refused: _RefusedError, head: bool, extra: dict[str, str] | None = None) -> None:
        body = json.dumps({"error": refused.code, "reason": refused.reason}).encode("utf-8")
        try:
            self.send_response(refused.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            if refused.status == HTTPStatus.UNAUTHORIZED:
                self.send_header("WWW-Authenticate", f'Bearer error="invalid_token", error_description="{refused.code}"')
            for name, value in (extra or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except OSError:
            self.close_connection = True

    def _send_bytes(self, row: SegmentRow, head: bool) -> None:
        root = self.server.store.root.resolve()
        path = self.server.store.path_of(row).resolve()
        if not path.is_relative_to(root):  # the index names files under the root only; a damaged one must not escape
            raise _RefusedError(HTTPStatus.NOT_FOUND, "no-segment", f"segment {row.id}: its path leaves the store")
        try:
            file = path.open("rb")
        except FileNotFoundError:
            raise _RefusedError(HTTPStatus.NOT_FOUND, "no-segment",
                           f"segment {row.id} of camera {row.camera}: its file is gone (deleted by retention?)") from None
        except OSError as exc:
            raise _RefusedError(HTTPStatus.INTERNAL_SERVER_ERROR, "unreadable",
                           f"segment {row.id} of camera {row.camera} cannot be read: {exc.strerror or exc}") from None
        with file:
            # The size now: a segment being recorded grows, and a reader gets what there was.
            size = os.fstat(file.fileno()).st_size
            wanted = self.headers.get("Range")
            first, last = 0, size - 1
            if wanted is not None:
                try:
                    first, last = parse_range(wanted, size)
                except RangeNotSatisfiableError as exc:
                    log.info("%s segment %d from %s: 416 %s", self.command, row.id, self.peer, exc)
                    self._send_error(_RefusedError(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "bad-range", str(exc)),
                                     head, {"Content-Range": f"bytes */{size}"})
                    return
            count = max(0, last - first + 1)
            self.send_response(HTTPStatus.PARTIAL_CONTENT if wanted is not None else HTTPStatus.OK)
            self.send_header("Content-Type", "video/mp2t")
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(count))
            if wanted is not None:
                self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self._streaming = True
            if not head and count:
                self.connection.sendfile(file, first, count)


def _time(query: dict[str, list[str]], name: str, default: float) -> float:
    values = query.get(name)
    if not values:
        return default
    try:
        value = float(values[0])
    except ValueError:
        value = math.nan
    if math.isnan(value):
        raise _RefusedError(HTTPStatus.BAD_REQUEST, "bad-query", f"{name}={values[0][:40]!r} is not a time in UTC seconds")
    return value


class RecordingServer:
    """Serves one store's recordings; `start()` binds and answers in threads of its own."""

    def __init__(self, store: Store, verifier: TokenVerifier, host: str = "127.0.0.1", port: int = 8554, *,
                 name: str = "recorder") -> None:
        self.store = store
        self.verifier = verifier
        self.host = host
        self.port = port
        self.name = name
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL a RemoteSource is given (the bound port when 0 was asked for)."""
        if self._server is None:
            raise RuntimeError("the recording server is not started")
        address = self._server.server_address
        host, port = str(address[0]), int(address[1])
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}"

    def start(self) -> RecordingServer:
        server_class = _Server6 if ":" in self.host else _Server
        server = server_class((self.host, self.port), _Handler)
        server.store = self.store
        server.verifier = self.verifier
        server.recorder_name = self.name
        server.connections = set()
        server.connections_lock = threading.Lock()
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="recordings http", daemon=True)
        self._thread.start()
        log.info("serving recordings on %s (the host's tokens, centre key %s)", self.url,
                 self.verifier.public_key.key_id)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        # Readers mid-segment are cut off rather than waited for: a stopping recorder must not
        # hang on a desk, and the desk's RemoteSource says the recorder went away.
        with server.connections_lock:
            live = list(server.connections)
        for connection in live:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        server.server_close()
        if self._thread is not None:
            self._thread.join(5)
