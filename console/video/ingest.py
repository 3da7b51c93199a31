"""Ingest: open a network source with FFmpeg (PyAV) and fan its packets out to players.

One `Ingest` per source URL per process, shared by every tile showing that camera.  It keeps
the packets since the last keyframe (the GOP cache) so a player that attaches late starts at
once, measures packet rate and bitrate, and reconnects with a capped backoff.  Packets are not
decoded here: libvlc decodes (see DESIGN.md §4).
"""

from __future__ import annotations

import errno
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import av
import av.error

from console.video.nal import TRAILERS, AccessUnitAssembler
from console.video.urls import mask_url

log = logging.getLogger("videowall.ingest")


class IngestState(StrEnum):
    CONNECTING = "connecting"
    PLAYING = "playing"
    LOST = "lost"
    ERROR = "error"
    STOPPED = "stopped"


@dataclass(frozen=True)
class CachedPacket:
    """An access unit as libvlc gets it (delimiters appended); players remux it independently."""

    data: bytes
    pts: int
    dts: int
    keyframe: bool
    received: float


@dataclass
class Session:
    """One successful connection: a codec template and the packets since the last keyframe."""

    number: int
    stream: Any  # av.VideoStream of the open input; a template for players' muxers
    codec: str
    width: int
    height: int
    time_base: Any
    opened_at: float = 0.0  # when FFmpeg finished opening the source
    first_packet_at: float | None = None
    gop: list[CachedPacket] = field(default_factory=list)


class PacketSink(Protocol):
    def on_session_start(self, session: Session) -> None: ...

    def on_packet(self, session: Session, packet: CachedPacket) -> None: ...

    def on_session_end(self, session: Session) -> None: ...


class NoVideoStreamError(Exception):
    """The source answered, but carries no video (an audio-only or metadata stream)."""


@dataclass(frozen=True)
class Failure:
    """Why a source gives no picture: a stable code (for reports and translation), the
    operator's text in English, and whether retrying can help without a config change."""

    code: str
    text: str
    transient: bool


# code -> (text while the source has never played, text once it has).  After a camera played,
# a 404 no longer hints at a typo in the path: the server stopped offering the stream.
FAILURE_TEXTS: dict[str, tuple[str, str]] = {
    "refused": ("connection refused (wrong host or port?)", "connection refused (camera or server down?)"),
    "timeout": ("timed out", "timed out (no answer from the camera)"),
    "unreachable": ("no route to the camera (network down?)", "no route to the camera (network down?)"),
    "unauthorized": ("401 unauthorized (wrong user or password)", "401 unauthorized (wrong user or password)"),
    "forbidden": ("403 forbidden", "403 forbidden"),
    "not_found": ("404 not found (wrong path?)", "404 not found (the server no longer offers this stream)"),
    "ended": ("stream ended", "stream ended"),
    "no_video": ("no video stream", "no video stream"),
    "invalid_data": ("invalid data (not a video stream?)", "invalid data (not a video stream?)"),
}
_UNREACHABLE_ERRNOS = {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}


def failure(code: str, *, played: bool, transient: bool = True) -> Failure:
    first, after = FAILURE_TEXTS[code]
    return Failure(code, after if played else first, transient)


def classify(exc: BaseException, *, played: bool = False, elapsed: float | None = None,
             timeout: float | None = None) -> Failure:
    """The real failure behind an FFmpeg exception.

    `elapsed` and `timeout` tell a silent server from a garbled one: FFmpeg reports an open
    that ran into its socket timeout as "invalid data" (the answer it waited for never came),
    and a server that answered with garbage the same way, at once.
    """
    if isinstance(exc, NoVideoStreamError):
        return failure("no_video", played=played, transient=False)
    if isinstance(exc, av.error.HTTPUnauthorizedError):
        return failure("unauthorized", played=played, transient=False)
    if isinstance(exc, av.error.HTTPNotFoundError):
        return failure("not_found", played=played)
    if isinstance(exc, av.error.HTTPForbiddenError):
        return failure("forbidden", played=played, transient=False)
    if isinstance(exc, ConnectionRefusedError):
        return failure("refused", played=played)
    if isinstance(exc, TimeoutError | av.error.ExitError):
        return failure("timeout", played=played)
    if isinstance(exc, av.error.InvalidDataError):
        if elapsed is not None and timeout is not None and elapsed >= 0.8 * timeout:
            return failure("timeout", played=played)
        return failure("invalid_data", played=played, transient=False)
    if isinstance(exc, OSError) and exc.errno in _UNREACHABLE_ERRNOS:
        return failure("unreachable", played=played)
    if isinstance(exc, OSError) and exc.strerror:
        return Failure("other", mask_url(exc.strerror).lower(), True)
    return Failure("other", mask_url(str(exc)) or type(exc).__name__, True)


def classify_error(exc: BaseException) -> tuple[str, bool]:
    """A short operator-facing reason, and whether retrying can help without a config change."""
    found = classify(exc)
    return found.text, found.transient


class Sinks:
    """The players (or recorders, or a relay) fed by one source of packets: an `Ingest`, or a
    relayed one (console/video/relay.py).  The owner sets `_lock`, `_sinks` and `session`."""

    _lock: Any
    _sinks: list[PacketSink]
    session: Session | None

    def attach(self, sink: PacketSink) -> tuple[Session | None, list[CachedPacket]]:
        """Subscribe; returns the current session and its GOP cache, atomically with the live feed."""
        with self._lock:
            self._sinks.append(sink)
            session = self.session
            return session, list(session.gop) if session else []

    def detach(self, sink: PacketSink) -> None:
        with self._lock:
            if sink in self._sinks:
                self._sinks.remove(sink)

    @property
    def sink_count(self) -> int:
        with self._lock:
            return len(self._sinks)


class Ingest(Sinks):
    """Reads one source on its own thread; players subscribe to its packets."""

    def __init__(
        self,
        url: str,
        *,
        transport: str = "tcp",
        open_timeout: float = 3.0,
        read_timeout: float = 2.0,
        backoff_start: float = 0.1,
        backoff_cap: float = 0.5,
        error_backoff_cap: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.masked_url = mask_url(url)
        self.transport = transport
        self.open_timeout = open_timeout
        self.read_timeout = read_timeout
        self.backoff_start = backoff_start
        self.backoff_cap = backoff_cap
        self.error_backoff_cap = error_backoff_cap
        self.clock = clock
        self.state = IngestState.CONNECTING
        self.reason = ""
        self.code = ""  # Failure.code of `reason`
        # How the last picture went ("ended", "timeout", ...); "" while playing or before the
        # first picture.  It stays while reconnecting, so "stream ended" is not overwritten by
        # the 404 of the first retry.
        self.cause = ""
        self.played = False  # some session delivered packets: later failures read differently
        self.session: Session | None = None
        self.sessions_started = 0
        self.failures = 0
        self._sinks: list[PacketSink] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._listeners: list[Callable[[Ingest], None]] = []
        # Rolling statistics over the last second of packets.
        self._window: list[tuple[float, int]] = []
        self.last_packet_at: float | None = None
        self._logged_reason: str | None = None
        self.single_slice = True
        self._got_packets = False  # the current session delivered packets
        self._thread = threading.Thread(target=self._run, name=f"ingest {self.masked_url}", daemon=True)

    # -- public -------------------------------------------------------------------------
    def start(self) -> Ingest:
        self._thread.start()
        return self

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(wait)

    def add_listener(self, listener: Callable[[Ingest], None]) -> None:
        """Called (on the ingest thread) whenever state or reason changes."""
        self._listeners.append(listener)

    def stats(self) -> dict[str, float]:
        now = self.clock()
        with self._lock:
            window = [(t, n) for t, n in self._window if now - t <= 1.0]
        fps = float(len(window))
        bitrate = float(sum(n for _, n in window) * 8)
        age = (now - self.last_packet_at) if self.last_packet_at is not None else float("inf")
        return {"fps": fps, "bitrate": bitrate, "packet_age": age}

    def retry_now(self) -> None:
        """Skip the rest of the current backoff (an operator asked to reconnect)."""
        self._wake.set()

    # -- thread -------------------------------------------------------------------------
    def _set_state(self, state: IngestState, reason: str = "", code: str | None = None) -> None:
        code = ("" if not reason else self.code) if code is None else code
        if state == self.state and reason == self.reason and code == self.code:
            return
        previous = self.state
        self.state, self.reason, self.code = state, reason, code
        # One line per outage, not one per retry: retries toggle between connecting and lost.
        retry_failed = previous == IngestState.CONNECTING and state in (IngestState.LOST, IngestState.ERROR)
        if state == IngestState.CONNECTING or (retry_failed and self._logged_reason == reason):
            level = logging.DEBUG
        elif state == IngestState.PLAYING:
            level = logging.INFO
        elif state == IngestState.STOPPED:
            level = logging.DEBUG
        else:
            level = logging.WARNING
            self._logged_reason = reason
        if state == IngestState.PLAYING:
            self._logged_reason = None
        log.log(level, "%s: %s%s", self.masked_url, state.value, f" ({reason})" if reason else "")
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception:  # a listener's bug must not kill the ingest thread
                log.exception("ingest listener failed")

    def _open(self) -> Any:
        # Tiny probe: the SDP carries SPS/PPS, so opening takes ~0.1 s instead of ~2 s.
        # Not `fflags=nobuffer`: it discards the packets read while probing, which is where a
        # fresh stream's first keyframe is, and the picture would wait a whole GOP.
        options = {
            "rtsp_transport": self.transport,
            "probesize": "32",
            "analyzeduration": "0",
            "flags": "low_delay",
        }
        return av.open(self.url, options=options, timeout=(self.open_timeout, self.read_timeout))

    def _run(self) -> None:
        delay = self.backoff_start
        while not self._stop.is_set():
            had_frames = False
            cap = self.backoff_cap
            self._got_packets = False
            attempt = self.clock()
            try:
                had_frames = self._session()
                if not self._stop.is_set():
                    ended = failure("ended", played=self.played)
                    if had_frames:
                        self.cause = ended.code
                    self._set_state(IngestState.LOST, ended.text, ended.code)
            except Exception as exc:  # FFmpeg reports every network problem as an exception
                had_frames = self._got_packets
                found = classify(exc, played=self.played, elapsed=self.clock() - attempt,
                                 timeout=None if had_frames else self.open_timeout)
                self.failures += 1
                if had_frames:
                    self.cause = found.code  # the picture went this way (a frozen camera: timeout)
                if not found.transient:
                    cap = self.error_backoff_cap
                self._set_state(IngestState.LOST if found.transient and self.sessions_started else IngestState.ERROR,
                                found.text, found.code)
            if had_frames:
                delay = self.backoff_start
            if self._stop.is_set():
                break
            self._wake.wait(delay)
            self._wake.clear()
            delay = min(cap, delay * 2)
            if not self._stop.is_set() and self.state != IngestState.ERROR:
                self._set_state(IngestState.CONNECTING, self.reason)
        self._set_state(IngestState.STOPPED)

    def _publish(self, session: Session, cached: CachedPacket, first: bool) -> None:
        now = cached.received
        with self._lock:
            if first:
                session.first_packet_at = now
                # Publish the session only once it carries packets, so an attaching
                # player never waits on an empty template.
                self.session = session
            if cached.keyframe:
                session.gop = [cached]
            elif session.gop:
                session.gop.append(cached)
            self.last_packet_at = now
            self._window.append((now, len(cached.data)))
            while self._window and now - self._window[0][0] > 1.0:
                self._window.pop(0)
            sinks = list(self._sinks)
        if first:
            self.played = True
            self._got_packets = True
            self.cause = ""
            self._set_state(IngestState.PLAYING)
        for sink in sinks:
            try:
                sink.on_packet(session, cached)
            except Exception:
                log.exception("player failed on a packet of %s", self.masked_url)

    def _session(self) -> bool:
        container = self._open()
        try:
            if not container.streams.video:
                raise NoVideoStreamError(self.masked_url)
            stream = container.streams.video[0]
            ctx = stream.codec_context
            self.sessions_started += 1
            session = Session(
                number=self.sessions_started,
                stream=stream,
                codec=ctx.name,
                width=ctx.width,
                height=ctx.height,
                time_base=stream.time_base,
                opened_at=self.clock(),
            )
            with self._lock:
                sinks = list(self._sinks)
            for sink in sinks:
                sink.on_session_start(session)
            assembler = AccessUnitAssembler(session.codec, single_slice=self.single_slice)
            trailer = TRAILERS.get(session.codec, b"")
            got_packet = False
            for packet in container.demux(stream):
                if self._stop.is_set():
                    break
                if packet.size == 0:
                    continue
                pts = packet.pts if packet.pts is not None else packet.dts
                dts = packet.dts if packet.dts is not None else pts
                for data, u_pts, u_dts, key in assembler.push(bytes(packet), pts, dts, packet.is_keyframe):
                    cached = CachedPacket(data + trailer, u_pts, u_dts, key, self.clock())
                    self._publish(session, cached, first=not got_packet)
                    got_packet = True
                # Remembered across reconnects: the camera's slicing does not change.
                self.single_slice = assembler.single_slice
            return got_packet
        finally:
            with self._lock:
                ended = self.session
                self.session = None
                sinks = list(self._sinks)
            if ended is not None:
                for sink in sinks:
                    sink.on_session_end(ended)
            container.close()


class IngestPool:
    """One ingest per URL, kept for `linger` seconds after its last player leaves.

    The linger is what makes switching back to a recently shown camera a warm switch.
    """

    def __init__(self, linger: float = 15.0, clock: Callable[[], float] = time.monotonic, **ingest_options: Any) -> None:
        self.linger = linger
        self.clock = clock
        self.ingest_options = ingest_options
        self._ingests: dict[str, Any] = {}  # Ingest, or a RelayedIngest when a relay is set
        self._idle_since: dict[str, float] = {}
        self._lock = threading.Lock()
        # The centre's relay (console/video/relay.py): when set, new ingests take their camera
        # from the recorder and fall back to the camera itself.
        self.relay: Any = None
        # Direct ingests opened before the relay was known, still feeding their players until
        # those move to the relay (`use_relay`); stopped once the last one has left.
        self._retired: list[Any] = []

    def use_relay(self, relay: Any) -> set[str]:
        """Take cameras from `relay` from now on.  The first time, the direct ingests already
        open are retired: whoever acquires their camera again gets it from the relay, so a
        wall that started before the recorder's first report still ends with one RTSP session
        per camera.  Returns the URLs retired (their players should play them again)."""
        with self._lock:
            first, self.relay = self.relay is None, relay
            if not first:
                return set()
            retired = {url: ingest for url, ingest in self._ingests.items() if isinstance(ingest, Ingest)}
            for url, ingest in retired.items():
                del self._ingests[url]
                self._idle_since.pop(url, None)
                if ingest.sink_count:
                    self._retired.append(ingest)
                else:
                    ingest.stop(wait=0)
            return {url for url, ingest in retired.items() if ingest.sink_count}

    def _new(self, url: str) -> Any:
        if self.relay is not None:
            from console.video.relay import RelayedIngest  # the relay needs zmq; plain tiles do not

            return RelayedIngest(url, self.relay, self._direct).start()
        return self._direct(url).start()

    def _direct(self, url: str) -> Ingest:
        return Ingest(url, clock=self.clock, **self.ingest_options)

    def acquire(self, url: str) -> Any:
        with self._lock:
            self._reap_locked()
            ingest = self._ingests.get(url)
            if ingest is None:
                ingest = self._new(url)
                self._ingests[url] = ingest
            self._idle_since.pop(url, None)
            return ingest

    def release(self, url: str) -> None:
        with self._lock:
            ingest = self._ingests.get(url)
            if ingest is not None and ingest.sink_count == 0:
                self._idle_since[url] = self.clock()
            self._reap_locked()

    def _reap_retired_locked(self) -> None:
        for ingest in [i for i in self._retired if not i.sink_count]:
            self._retired.remove(ingest)
            ingest.stop(wait=0)

    def preconnect(self, url: str) -> None:
        """Start ingesting without a player (a tour's next camera), subject to linger."""
        self.acquire(url)
        self.release(url)

    def _reap_locked(self) -> None:
        self._reap_retired_locked()
        now = self.clock()
        for url, since in list(self._idle_since.items()):
            ingest = self._ingests[url]
            if ingest.sink_count:
                del self._idle_since[url]
            elif now - since >= self.linger:
                del self._idle_since[url]
                del self._ingests[url]
                ingest.stop(wait=0)

    def reap(self) -> None:
        with self._lock:
            self._reap_locked()

    def get(self, url: str) -> Any:
        with self._lock:
            return self._ingests.get(url)

    def close(self) -> None:
        with self._lock:
            ingests = [*self._ingests.values(), *self._retired]
            self._ingests.clear()
            self._retired.clear()
            self._idle_since.clear()
        for ingest in ingests:
            ingest.stop(wait=0)
        for ingest in ingests:
            ingest.stop()
