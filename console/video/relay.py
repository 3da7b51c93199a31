"""The recorder's relay: every camera it ingests, served to the centre's tiles and desks.

The recorder holds one FFmpeg session per camera and, with it, the camera's current GOP.  A
tile that takes a camera from here starts at once (the GOP, then live), and the camera serves
one RTSP session however many tiles show it (DESIGN.md §10).

Wire (CurveZMQ, ROUTER on the recorder, one DEALER per viewing process):
  client -> relay   [b"sub", key]  [b"unsub", key]  [b"ping"]
  relay -> client   [b"start", key, sid, header JSON, template]   a session, then its GOP
                    [b"pkt", key, meta, data]                     one access unit
                    [b"wait", key, state JSON]                    known camera, no picture now
                    [b"none", key]                                not recorded here
                    [b"end", key, sid]                            the session ended
                    [b"pong"]
`key` is the camera's URL without credentials: the channel's own keys say who may watch, and
a tile's URL carries the password only because it came from the keyring.  `template` is a
few KB of MPEG-TS holding the session's first keyframe: opened with FFmpeg it gives the
viewer a stream to copy codec parameters from, exactly as a direct ingest's input does.

The viewer side (`RelayClient`, `RelayedIngest`) looks to players like an `Ingest`: tiles do
not know where packets come from.  When the relay does not hold a camera, or stops
answering, a `RelayedIngest` opens the camera itself and goes back to the relay when it
answers again.
"""

from __future__ import annotations

import io
import json
import logging
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import av
import zmq
import zmq.auth.thread

from console.video.ingest import CachedPacket, Ingest, IngestState, PacketSink, Session, Sinks
from console.video.urls import mask_url

log = logging.getLogger("videowall.relay")

META = struct.Struct("!IQqqB")  # session id, sequence number, pts, dts, flags (1 = keyframe)
PING_EVERY = 0.3  # a viewer's ping; the relay counts a viewer gone after PEER_TIMEOUT
PEER_TIMEOUT = 5.0
SILENT_AFTER = 1.0  # no pong or packet for this long: the relay is gone, take the camera directly
ASK_TIMEOUT = 0.4  # how long a tile waits for the relay's first answer before going direct
RETRY_RELAY = 1.0  # while direct, ask the relay again this often
RECONNECT_AFTER = 2.0  # a viewer that hears nothing for this long opens a new connection
SEND_HWM = 2000  # packets queued per viewer before ZeroMQ drops (the viewer then waits for a keyframe)


def relay_key(url: str) -> str:
    """The URL without user and password: how the relay names a camera."""
    if "://" not in url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def make_template(session: Session, keyframe: CachedPacket) -> bytes:
    """A few KB of MPEG-TS carrying one keyframe: enough for FFmpeg to rebuild the stream's
    codec parameters on the viewer's side (it cannot be sent as an object)."""
    out = io.BytesIO()
    container = av.open(out, mode="w", format="mpegts")
    stream = container.add_stream_from_template(session.stream)
    packet = av.Packet(keyframe.data)
    packet.pts, packet.dts = 0, 0
    packet.time_base = session.time_base
    packet.is_keyframe = True
    packet.stream = stream
    container.mux(packet)
    container.close()
    return out.getvalue()


def open_template(blob: bytes) -> tuple[Any, Any]:
    """(container, stream) from a template; the container must be kept while the stream is used."""
    container = av.open(io.BytesIO(blob), format="mpegts", options={"probesize": "32768", "analyzeduration": "0"})
    if not container.streams.video:
        container.close()
        raise ValueError("the relay's template carries no video stream")
    return container, container.streams.video[0]


# -- the recorder's side --------------------------------------------------------------------
class _Feed:
    """One camera's packets, from its ingest thread to the relay thread (through an inproc
    PUSH made on the ingest thread: ZeroMQ sockets are not shared between threads)."""

    def __init__(self, relay: RelayServer, key: str, ingest: Ingest) -> None:
        self.relay, self.key, self.ingest = relay, key, ingest
        self.lock = threading.Lock()
        self.session: Session | None = None
        self.sid = 0
        self.seq = 0
        self.gop: list[tuple[int, CachedPacket]] = []
        self.template: bytes | None = None
        self._local = threading.local()

    def _push(self, frames: list[bytes]) -> None:
        sock = getattr(self._local, "sock", None)
        if sock is None:
            sock = self.relay.ctx.socket(zmq.PUSH)
            sock.linger = 0
            sock.sndhwm = 10000
            sock.connect(self.relay.inbox)
            self._local.sock = sock
            self.relay.track(sock)
        try:
            sock.send_multipart(frames, zmq.NOBLOCK, copy=False)
        except zmq.Again:  # the relay thread is far behind: viewers resync at the next keyframe
            pass
        except zmq.ZMQError:
            pass  # closing

    def on_session_start(self, session: Session) -> None:
        pass  # announced with its first packet: a session without packets has nothing to show

    def on_packet(self, session: Session, packet: CachedPacket) -> None:
        with self.lock:
            if session is not self.session:
                self.session = session
                self.sid = (self.sid + 1) & 0xFFFFFFFF
                self.gop = []
                self.template = None
            self.seq += 1
            if packet.keyframe:
                self.gop = [(self.seq, packet)]
            elif self.gop:
                self.gop.append((self.seq, packet))
            meta = META.pack(self.sid, self.seq, packet.pts, packet.dts, 1 if packet.keyframe else 0)
        # Most cameras a recorder records are watched by nobody at a given moment: their packets
        # stay here (the GOP a new viewer starts from) and cost the relay thread nothing.
        if self.key in self.relay.watched:
            self._push([b"p", self.key.encode(), meta, packet.data])

    def on_session_end(self, session: Session) -> None:
        with self.lock:
            if session is not self.session:
                return
            self.session = None
            self.gop = []
            sid = self.sid
        self._push([b"e", self.key.encode(), struct.pack("!I", sid)])

    def snapshot(self) -> tuple[Session | None, int, list[tuple[int, CachedPacket]], bytes | None]:
        with self.lock:
            session, sid, gop = self.session, self.sid, list(self.gop)
            if session is not None and gop and self.template is None:
                self.template = make_template(session, gop[0][1])
            return session, sid, gop, self.template


@dataclass
class _Peer:
    seen: float
    subs: dict[str, int] = field(default_factory=dict)  # key -> last sequence number sent
    started: dict[str, int] = field(default_factory=dict)  # key -> the session its `start` announced


class RelayServer:
    """Serves the cameras a recorder ingests; `authorised()` gives the public keys let in."""

    def __init__(self, endpoint: str, public_key: bytes, secret_key: bytes,
                 authorised: Callable[[], set[bytes]], *, context: zmq.Context[Any] | None = None) -> None:
        self.endpoint = endpoint
        self.public_key, self.secret_key = public_key, secret_key
        self.authorised = authorised
        self.ctx = context or zmq.Context.instance()
        self.inbox = f"inproc://relay-{id(self)}"
        self.feeds: dict[str, _Feed] = {}
        self.peers: dict[bytes, _Peer] = {}
        # The cameras some viewer takes, for the feeds' threads to read: replaced whole by the
        # relay thread, never changed in place, so a reader sees one set or the other.
        self.watched: frozenset[str] = frozenset()
        self.refused = 0
        self.sent_packets = 0
        self._sockets: list[zmq.Socket[Any]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.ready = threading.Event()
        self.bound: str | None = None
        self._pull = self.ctx.socket(zmq.PULL)  # bound before any feed connects (inproc needs it)
        self._pull.rcvhwm = 0
        self._pull.bind(self.inbox)
        self._thread = threading.Thread(target=self._run, name="relay", daemon=True)

    def track(self, sock: zmq.Socket[Any]) -> None:
        with self._lock:
            self._sockets.append(sock)

    def add(self, url: str, ingest: Ingest) -> None:
        """Serve this ingest's camera (attach before or after start)."""
        key = relay_key(url)
        feed = _Feed(self, key, ingest)
        self.feeds[key] = feed
        ingest.attach(feed)

    def start(self) -> RelayServer:
        self._thread.start()
        if not self.ready.wait(10):
            raise RuntimeError(f"the relay could not bind {self.endpoint}")
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        for feed in self.feeds.values():
            feed.ingest.detach(feed)
        with self._lock:
            for sock in self._sockets:
                sock.close(0)
            self._sockets.clear()

    def viewers(self) -> dict[str, int]:
        """How many viewing processes take each camera now."""
        counts: dict[str, int] = {}
        for peer in list(self.peers.values()):
            for key in list(peer.subs):
                counts[key] = counts.get(key, 0) + 1
        return counts

    def _gate(self, _domain: str, key: bytes) -> bool:
        if key in self.authorised():
            return True
        self.refused += 1
        log.warning("relay refused a viewer with unknown key %s…", key[:8].decode("ascii", "replace"))
        return False

    def _run(self) -> None:
        auth = zmq.auth.thread.ThreadAuthenticator(self.ctx)
        auth.start()
        auth.configure_curve_callback("*", credentials_provider=self)
        router = self.ctx.socket(zmq.ROUTER)
        try:
            router.curve_server = True
            router.curve_publickey, router.curve_secretkey = self.public_key, self.secret_key
            router.linger = 0
            router.sndhwm = SEND_HWM
            router.maxmsgsize = 1 << 16
            router.bind(self.endpoint)
            self.bound = router.getsockopt_string(zmq.LAST_ENDPOINT)
            self.ready.set()
            poller = zmq.Poller()
            poller.register(router, zmq.POLLIN)
            poller.register(self._pull, zmq.POLLIN)
            reaped = time.monotonic()
            while not self._stop.is_set():
                events = dict(poller.poll(100))
                if events.get(self._pull):
                    for _ in range(1000):
                        try:
                            frames = self._pull.recv_multipart(zmq.NOBLOCK, copy=False)
                        except zmq.Again:
                            break
                        self._fan_out(router, frames)
                if events.get(router):
                    for _ in range(1000):
                        try:
                            frames = router.recv_multipart(zmq.NOBLOCK)
                        except zmq.Again:
                            break
                        try:
                            self._request(router, frames)
                        except Exception:  # one viewer's odd message must not stop the relay
                            log.exception("relay: a viewer's message failed")
                    self._rewatch()
                now = time.monotonic()
                if now - reaped > 1.0:
                    reaped = now
                    for identity, peer in list(self.peers.items()):
                        if now - peer.seen > PEER_TIMEOUT:
                            del self.peers[identity]
                    self._rewatch()
        finally:
            router.close(0)
            auth.stop()
            self._pull.close(0)

    def _rewatch(self) -> None:
        watched = frozenset(key for peer in self.peers.values() for key in peer.subs)
        if watched != self.watched:
            self.watched = watched

    # ZAP's credentials provider interface
    def callback(self, domain: str, key: bytes) -> bool:
        return self._gate(domain, key)

    def _fan_out(self, router: zmq.Socket[Any], frames: list[zmq.Frame]) -> None:
        kind, key = frames[0].bytes, frames[1].bytes.decode()
        if kind == b"e":
            for identity, peer in self.peers.items():
                if key in peer.subs:
                    self._send(router, identity, [b"end", frames[1].bytes, frames[2].bytes])
            return
        meta = frames[2].bytes
        sid, seq = META.unpack(meta)[:2]
        for identity, peer in self.peers.items():
            last = peer.subs.get(key)
            if last is None or seq <= last:
                continue  # not watching, or already had it in the GOP it was sent
            if peer.started.get(key) != sid:
                # A viewer told to wait (the camera had no picture), or one whose session ended:
                # it needs this session's `start` before any packet of it.
                feed = self.feeds.get(key)
                if feed is not None:
                    self._start(router, identity, peer, frames[1].bytes, feed)
                continue
            peer.subs[key] = seq
            self._send(router, identity, [b"pkt", frames[1], frames[2], frames[3]])
            self.sent_packets += 1

    @staticmethod
    def _send(router: zmq.Socket[Any], identity: bytes, frames: list[Any]) -> None:
        try:
            router.send_multipart([identity, *frames], zmq.NOBLOCK, copy=False)
        except zmq.ZMQError:
            pass  # a viewer's queue is full or it went away: it resyncs at the next keyframe

    def _request(self, router: zmq.Socket[Any], frames: list[bytes]) -> None:
        identity, kind = frames[0], frames[1] if len(frames) > 1 else b""
        peer = self.peers.setdefault(identity, _Peer(time.monotonic()))
        peer.seen = time.monotonic()
        if kind == b"ping":
            self._send(router, identity, [b"pong"])
            return
        if len(frames) < 3 or len(frames[2]) > 4096:
            return
        key = frames[2].decode("utf-8", "replace")
        if kind == b"unsub":
            peer.subs.pop(key, None)
            return
        if kind != b"sub":
            return
        feed = self.feeds.get(key)
        if feed is None:
            self._send(router, identity, [b"none", frames[2]])
            return
        if key not in self.watched:
            # Before the snapshot: every packet after it must reach the inbox (the sequence
            # numbers drop what the GOP already carried).
            self.watched = self.watched | {key}
        if not self._start(router, identity, peer, frames[2], feed):
            ingest = feed.ingest
            state = {"state": ingest.state.value, "reason": ingest.reason, "code": ingest.code,
                     "cause": ingest.cause}
            peer.subs[key] = feed.seq  # live from now on: the next session starts with a keyframe
            peer.started.pop(key, None)
            self._send(router, identity, [b"wait", frames[2], json.dumps(state).encode()])

    def _start(self, router: zmq.Socket[Any], identity: bytes, peer: _Peer, key: bytes, feed: _Feed) -> bool:
        """Announce the feed's current session to a viewer and send its GOP; False when the
        camera has no picture to start from now."""
        session, sid, gop, template = feed.snapshot()
        if session is None or not gop or template is None:
            return False
        header = {"codec": session.codec, "width": session.width, "height": session.height,
                  "time_base": [session.time_base.numerator, session.time_base.denominator]}
        self._send(router, identity, [b"start", key, struct.pack("!I", sid), json.dumps(header).encode(), template])
        for seq, packet in gop:
            meta = META.pack(sid, seq, packet.pts, packet.dts, 1 if packet.keyframe else 0)
            self._send(router, identity, [b"pkt", key, meta, packet.data])
        name = key.decode("utf-8", "replace")
        peer.subs[name] = gop[-1][0]
        peer.started[name] = sid
        return True


# -- the viewer's side ----------------------------------------------------------------------
class RelayClient:
    """A process's one connection to the centre's relay, shared by all its relayed ingests."""

    def __init__(self, endpoint: str, server_public: bytes, public_key: bytes, secret_key: bytes,
                 *, context: zmq.Context[Any] | None = None) -> None:
        self.endpoint = endpoint
        self.ctx = context or zmq.Context.instance()
        self._keys = (server_public, public_key, secret_key)
        self.ingests: dict[str, RelayedIngest] = {}
        self.last_heard = 0.0  # monotonic time of the relay's last message
        self._out: list[list[bytes]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"relay client {endpoint}", daemon=True)
        self._thread.start()

    @property
    def answering(self) -> bool:
        return time.monotonic() - self.last_heard < SILENT_AFTER

    def send(self, *frames: bytes) -> None:
        with self._lock:
            self._out.append(list(frames))

    def register(self, ingest: RelayedIngest) -> None:
        with self._lock:
            self.ingests[ingest.key] = ingest
            self._out.append([b"sub", ingest.key.encode()])

    def unregister(self, ingest: RelayedIngest) -> None:
        with self._lock:
            if self.ingests.get(ingest.key) is ingest:
                del self.ingests[ingest.key]
            self._out.append([b"unsub", ingest.key.encode()])

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _connect(self) -> zmq.Socket[Any]:
        dealer: zmq.Socket[Any] = self.ctx.socket(zmq.DEALER)
        server_public, public_key, secret_key = self._keys
        dealer.curve_serverkey, dealer.curve_publickey, dealer.curve_secretkey = server_public, public_key, secret_key
        dealer.linger = 0
        dealer.rcvhwm = SEND_HWM
        dealer.connect(self.endpoint)
        return dealer

    def _run(self) -> None:
        dealer = self._connect()
        connected = pinged = time.monotonic()
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if now - max(self.last_heard, connected) > RECONNECT_AFTER:
                    # A socket whose CURVE handshake was refused (a relay that restarted and does not
                    # know our key yet) never tries again by itself: start over with a new one.
                    dealer.close(0)
                    dealer = self._connect()
                    connected = now
                with self._lock:
                    out, self._out = self._out, []
                    ingests = list(self.ingests.values())
                if now - pinged >= PING_EVERY:
                    pinged = now
                    out.append([b"ping"])
                for frames in out:
                    try:
                        dealer.send_multipart(frames, zmq.NOBLOCK)
                    except zmq.Again:
                        pass  # not connected yet: the periodic retries ask again
                for ingest in ingests:
                    ingest.tick(now)
                if not dealer.poll(20):
                    continue
                for _ in range(2000):
                    try:
                        frames = dealer.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    self.last_heard = time.monotonic()
                    self._dispatch(frames)
        finally:
            dealer.close(0)

    def _dispatch(self, frames: list[bytes]) -> None:
        kind = frames[0]
        if kind == b"pong" or len(frames) < 2:
            return
        ingest = self.ingests.get(frames[1].decode("utf-8", "replace"))
        if ingest is None:
            return
        try:
            if kind == b"pkt":
                ingest.relay_packet(frames[2], frames[3])
            elif kind == b"start":
                ingest.relay_start(struct.unpack("!I", frames[2])[0], json.loads(frames[3]), frames[4])
            elif kind == b"wait":
                ingest.relay_wait(json.loads(frames[2]))
            elif kind == b"none":
                ingest.relay_none()
            elif kind == b"end":
                ingest.relay_end(struct.unpack("!I", frames[2])[0])
        except Exception:  # a garbled message costs this camera a resync, not the client thread
            log.exception("relay client: a message for %s failed", mask_url(ingest.url))


class RelayedIngest(Sinks):
    """An `Ingest` for players that takes its packets from the relay, or from the camera itself
    when the relay does not hold it or has gone away."""

    def __init__(self, url: str, client: RelayClient, direct: Callable[[str], Ingest]) -> None:
        self.url = url
        self.masked_url = mask_url(url)
        self.key = relay_key(url)
        self.client = client
        self._direct_factory = direct
        self.direct: Ingest | None = None
        self.mode = "asking"  # asking | relay | direct
        self.state = IngestState.CONNECTING
        self.reason = ""
        self.code = ""
        self.cause = ""
        self.played = False
        self.session: Session | None = None
        self.sessions_started = 0
        self.failures = 0
        self.last_packet_at: float | None = None
        self.switches: list[tuple[float, str]] = []  # (monotonic, mode): for tests and the log
        self._sinks: list[PacketSink] = []
        self._lock = threading.RLock()
        self._listeners: list[Callable[[Any], None]] = []
        self._window: list[tuple[float, int]] = []
        self._asked_at = time.monotonic()
        self._relay_sid: int | None = None
        self._relay_seq = 0
        self._keyed = False
        self._template: Any = None  # the template's container, kept alive with its stream
        self._stopped = False

    # -- the Ingest interface players use --------------------------------------------------
    def start(self) -> RelayedIngest:
        self.client.register(self)
        return self

    def stop(self, wait: float = 5.0) -> None:
        self._stopped = True
        self.client.unregister(self)
        with self._lock:
            self._end_session()
            direct, self.direct = self.direct, None
        if direct is not None:
            direct.detach(self._forward)
            direct.stop(wait)
        self._close_template()
        self.state = IngestState.STOPPED

    def add_listener(self, listener: Callable[[Any], None]) -> None:
        self._listeners.append(listener)

    def stats(self) -> dict[str, float]:
        now = time.monotonic()
        with self._lock:
            window = [(t, n) for t, n in self._window if now - t <= 1.0]
        age = (now - self.last_packet_at) if self.last_packet_at is not None else float("inf")
        return {"fps": float(len(window)), "bitrate": float(sum(n for _, n in window) * 8), "packet_age": age}

    def retry_now(self) -> None:
        if self.direct is not None:
            self.direct.retry_now()

    # -- state ----------------------------------------------------------------------------
    def _set_state(self, state: IngestState, reason: str = "", code: str = "", cause: str | None = None) -> None:
        if cause is not None:
            self.cause = cause
        if (state, reason, code) == (self.state, self.reason, self.code):
            return
        self.state, self.reason, self.code = state, reason, code
        for listener in list(self._listeners):
            try:
                listener(self)
            except Exception:
                log.exception("ingest listener failed")

    def _switch(self, mode: str) -> None:
        if mode == self.mode:
            return
        log.info("%s: %s -> %s", self.masked_url, self.mode, mode)
        self.mode = mode
        self.switches.append((time.monotonic(), mode))

    def _end_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            for sink in list(self._sinks):
                try:
                    sink.on_session_end(session)
                except Exception:
                    log.exception("player failed at a session end")

    def _close_template(self) -> None:
        if self._template is not None:
            try:
                self._template.close()
            except Exception:
                pass
            self._template = None

    def _publish(self, session: Session, packet: CachedPacket) -> None:
        first = session.first_packet_at is None
        with self._lock:
            if first:
                session.first_packet_at = packet.received
            if packet.keyframe:
                session.gop = [packet]
            elif session.gop:
                session.gop.append(packet)
            self.last_packet_at = packet.received
            self._window.append((packet.received, len(packet.data)))
            while self._window and packet.received - self._window[0][0] > 1.0:
                self._window.pop(0)
            sinks = list(self._sinks)
        if first:
            self.played = True
            self._set_state(IngestState.PLAYING, cause="")
        for sink in sinks:
            try:
                sink.on_packet(session, packet)
            except Exception:
                log.exception("player failed on a packet of %s", self.masked_url)

    # -- from the relay (client thread) ---------------------------------------------------
    def relay_start(self, sid: int, header: dict[str, Any], template: bytes) -> None:
        container, stream = open_template(template)
        num, den = header["time_base"]
        with self._lock:
            self._leave_direct()
            self._end_session()
            self._close_template()
            self._template = container
            self._switch("relay")
            self.sessions_started += 1
            self.session = Session(number=self.sessions_started, stream=stream, codec=str(header["codec"]),
                                   width=int(header["width"]), height=int(header["height"]),
                                   time_base=Fraction(int(num), int(den)), opened_at=time.monotonic())
            self._relay_sid, self._relay_seq, self._keyed = sid, 0, False
            sinks = list(self._sinks)
        for sink in sinks:
            sink.on_session_start(self.session)

    def relay_packet(self, meta: bytes, data: bytes) -> None:
        sid, seq, pts, dts, flags = META.unpack(meta)
        with self._lock:
            session = self.session
            if self.mode != "relay" or session is None or sid != self._relay_sid:
                return
            if self._relay_seq and seq != self._relay_seq + 1:
                self._keyed = False  # ZeroMQ dropped some: wait for the next keyframe
            self._relay_seq = seq
            keyframe = bool(flags & 1)
            if not self._keyed and not keyframe:
                return
            self._keyed = True
        self._publish(session, CachedPacket(data, pts, dts, keyframe, time.monotonic()))

    def relay_wait(self, state: dict[str, Any]) -> None:
        with self._lock:
            self._leave_direct()
            self._switch("relay")
            self._end_session()
            name = str(state.get("state", "connecting"))
            mapped = {"playing": IngestState.CONNECTING, "lost": IngestState.LOST, "error": IngestState.ERROR}
            self._set_state(mapped.get(name, IngestState.CONNECTING), str(state.get("reason", "")),
                            str(state.get("code", "")), str(state.get("cause", "")))

    def relay_end(self, sid: int) -> None:
        with self._lock:
            if sid != self._relay_sid or self.mode != "relay":
                return
            self._end_session()
            self._set_state(IngestState.LOST, "stream ended", "ended", "ended")
            # Ask again: the relay answers `start` with the next session, or `wait` with why not.
            self.client.send(b"sub", self.key.encode())

    def relay_none(self) -> None:
        with self._lock:
            if self.mode != "direct":
                self._go_direct("the relay does not record this camera")

    # -- timers (client thread) -----------------------------------------------------------
    def tick(self, now: float) -> None:
        with self._lock:
            if self._stopped:
                return
            if self.mode == "asking" and now - self._asked_at > ASK_TIMEOUT:
                self._go_direct("the relay does not answer")
            elif self.mode == "relay" and now - self.client.last_heard > SILENT_AFTER:
                self._go_direct("the relay stopped answering")
            elif self.mode == "direct" and now - self._asked_at > RETRY_RELAY:
                self._asked_at = now
                self.client.send(b"sub", self.key.encode())

    def _go_direct(self, why: str) -> None:
        log.info("%s: direct from the camera (%s)", self.masked_url, why)
        self._end_session()
        self._close_template()
        self._relay_sid = None
        self._switch("direct")
        self._asked_at = time.monotonic()
        if self.direct is None:
            self.direct = self._direct_factory(self.url)
            self.direct.add_listener(self._direct_state)
            self.direct.attach(self._forward)
            self.direct.start()

    def _leave_direct(self) -> None:
        direct, self.direct = self.direct, None
        if direct is not None:
            direct.detach(self._forward)
            direct.stop(wait=0)
            self._end_session()

    def _direct_state(self, ingest: Ingest) -> None:
        if ingest is self.direct and self.mode == "direct":
            self._set_state(ingest.state, ingest.reason, ingest.code, ingest.cause)

    # The direct ingest's sink: its sessions become ours, one for one.
    @property
    def _forward(self) -> _Forward:
        forward = getattr(self, "_forward_sink", None)
        if forward is None:
            forward = self._forward_sink = _Forward(self)
        return forward


class _Forward:
    """Passes a direct ingest's packets on, under the relayed ingest's own sessions."""

    def __init__(self, owner: RelayedIngest) -> None:
        self.owner = owner
        self.sessions: dict[int, Session] = {}

    def on_session_start(self, session: Session) -> None:
        pass

    def on_packet(self, session: Session, packet: CachedPacket) -> None:
        owner = self.owner
        with owner._lock:
            if owner.mode != "direct":
                return
            if owner.session is None or owner.session.stream is not session.stream:
                owner._end_session()
                owner.sessions_started += 1
                owner.session = Session(number=owner.sessions_started, stream=session.stream, codec=session.codec,
                                        width=session.width, height=session.height, time_base=session.time_base,
                                        opened_at=session.opened_at)
            mine = owner.session
        owner._publish(mine, packet)

    def on_session_end(self, session: Session) -> None:
        with self.owner._lock:
            if self.owner.mode == "direct":
                self.owner._end_session()
