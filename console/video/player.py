"""A tile player: libvlc decoding and rendering one source, fed by an ingest or directly.

Network sources (RTSP) come from a shared `Ingest`; each player remuxes the packets to MPEG-TS
and writes them into an OS pipe that libvlc reads (`media_new_fd`).  Files and HTTP go straight
to libvlc.  Two renderers: `native` draws into a window id (a real display only), `callbacks`
decodes into memory buffers that the UI paints (offscreen, and wherever Qt paints over video).
No Qt here; `console.video.qt` wraps a player in signals.
"""

from __future__ import annotations

import collections
import ctypes
import fcntl
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import av
import vlc

from console.video import vlc_modules
from console.video.ingest import FAILURE_TEXTS, CachedPacket, Ingest, IngestPool, IngestState, Session
from console.video.urls import mask_url, needs_ingest

log = logging.getLogger("videowall.player")

F_SETPIPE_SZ = 1031
PIPE_SIZE = 1 << 20
CACHING_MS = 50
TS_CLOCK = 90_000
MAX_PENDING = 8 << 20
# Joins how a picture went and why reconnecting fails ("stream ended; reconnecting: 404 …");
# the UI splits on it to translate each part.
RECONNECTING = "; reconnecting: "

_VideoFormatCb = ctypes.CFUNCTYPE(
    ctypes.c_uint,
    ctypes.POINTER(ctypes.c_void_p),
    ctypes.c_void_p,  # char *chroma: python-vlc declares c_char_p, which cannot be written
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
    ctypes.POINTER(ctypes.c_uint),
)
_VideoCleanupCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p)
_VideoLockCb = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
_VideoUnlockCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p))
_VideoDisplayCb = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)

_set_format_callbacks = vlc.dll.libvlc_video_set_format_callbacks
_set_format_callbacks.argtypes = [ctypes.c_void_p, _VideoFormatCb, _VideoCleanupCb]
_set_format_callbacks.restype = None
_set_callbacks = vlc.dll.libvlc_video_set_callbacks
_set_callbacks.argtypes = [ctypes.c_void_p, _VideoLockCb, _VideoUnlockCb, _VideoDisplayCb, ctypes.c_void_p]
_set_callbacks.restype = None


@dataclass(frozen=True)
class Frame:
    """The newest picture of a callback player: RV32 (0xffRRGGBB) rows of `stride` bytes."""

    buffer: Any  # a ctypes array; valid until the next take_frame()
    width: int
    height: int
    stride: int
    serial: int


@dataclass(frozen=True)
class Health:
    state: str  # idle, connecting, playing, lost, error
    reason: str  # English, for logs and reports; the UI translates from the codes
    frame_age: float  # seconds since the last displayed frame (inf before the first)
    fps: float  # displayed frames per second over the last second
    bitrate: float  # bits per second arriving from the source (0 for direct sources)
    width: int
    height: int
    frames: int  # displayed since the source was set
    # Why there is no picture now, as a stable code (console.video.ingest.FAILURE_TEXTS, or
    # no_picture, decoder_stalled, vlc_error); "" when playing.
    code: str = ""
    # How the picture was lost (the stream ended, the camera stopped answering), kept while
    # reconnecting fails for another reason; "" if it never played or plays now.
    cause: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "reason": self.reason,
            "code": self.code,
            "cause": self.cause,
            "frame_age": None if self.frame_age == float("inf") else round(self.frame_age, 3),
            "fps": round(self.fps, 1),
            "bitrate": round(self.bitrate),
            "width": self.width,
            "height": self.height,
            "frames": self.frames,
        }


def _rate(times: list[float]) -> float:
    if len(times) < 2 or times[-1] <= times[0]:
        return 0.0
    return (len(times) - 1) / (times[-1] - times[0])


def png_size(path: str) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    with open(path, "rb") as f:
        header = f.read(24)
    if len(header) < 24 or header[:8] != b"\x89PNG\r\n\x1a\n":
        raise RuntimeError(f"{path} is not a PNG")
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


class _TsPipe:
    """Remuxes one session's packets into MPEG-TS and writes them into a pipe for libvlc.

    The pipe exists before the session does: libvlc starts reading it while FFmpeg is still
    connecting, so its input thread is up when the first keyframe comes.  `bind` attaches
    the session once it is open.
    """

    def __init__(self) -> None:
        self.session: Session | None = None
        self.read_fd, self.write_fd = os.pipe()
        try:
            fcntl.fcntl(self.write_fd, F_SETPIPE_SZ, PIPE_SIZE)
        except OSError:  # the pipe size limit of this system is lower; the default still works
            pass
        os.set_blocking(self.write_fd, False)
        self.pending = bytearray()
        self.stalled = False
        self.closed = False
        self.keyed_at: float | None = None
        self.keyed = False  # nothing goes to libvlc before a keyframe: no grey smear on a cold join
        self.container: Any = None
        self.stream: Any = None
        self.last_dts: int | None = None

    def bind(self, session: Session, backlog: list[CachedPacket]) -> None:
        self.session = session
        self.container = av.open(
            self,
            mode="w",
            format="mpegts",
            container_options={"flush_packets": "1", "max_delay": "0", "omit_video_pes_length": "0"},
        )
        self.stream = self.container.add_stream_from_template(session.stream)
        self._push_backlog(backlog)

    # PyAV calls this with the muxer's output.
    def write(self, data: bytes) -> int:
        if self.closed:
            return len(data)
        if self.pending:
            self.pending += data
            self._drain()
        else:
            try:
                written = os.write(self.write_fd, data)
            except BlockingIOError:
                written = 0
            except OSError:  # libvlc closed its end: nobody reads any more
                self.stalled = True
                return len(data)
            if written < len(data):
                self.pending += memoryview(data)[written:]
        if len(self.pending) > MAX_PENDING:
            self.stalled = True
            self.pending.clear()
        return len(data)

    def _drain(self) -> None:
        try:
            written = os.write(self.write_fd, self.pending)
        except BlockingIOError:
            return
        except OSError:
            self.stalled = True
            self.pending.clear()
            return
        del self.pending[:written]

    def _push_backlog(self, backlog: list[CachedPacket]) -> None:
        """Send the GOP cache squeezed into the last CACHING_MS, so it decodes at once.

        The cached packets carry timestamps up to a GOP old; with clock synchro on, libvlc
        would otherwise show them at their original pace, a whole GOP behind live.
        """
        if not backlog or self.session is None:
            return
        tb = self.session.time_base
        ticks = max(1, int(CACHING_MS / 1000 / float(tb)))
        n = len(backlog)
        last = backlog[-1].dts
        step = max(1, ticks // n) if n > 1 else 0
        for i, packet in enumerate(backlog):
            natural_gap = last - packet.dts
            dts = last - min(natural_gap, (n - 1 - i) * step)
            self._mux(packet, dts, dts + (packet.pts - packet.dts))

    def push(self, packet: CachedPacket) -> bool:
        """Send one live packet; False if it was held back (before the first keyframe)."""
        return self._mux(packet, packet.dts, packet.pts)

    def _mux(self, packet: CachedPacket, dts: int, pts: int) -> bool:
        if self.closed or self.session is None or (self.last_dts is not None and dts <= self.last_dts):
            return False
        if not self.keyed:
            if not packet.keyframe:
                return False
            self.keyed = True
            self.keyed_at = time.monotonic()
        out = av.Packet(packet.data)
        out.dts, out.pts = dts, pts
        out.time_base = self.session.time_base
        out.is_keyframe = packet.keyframe
        out.stream = self.stream
        self.container.mux(out)
        self.last_dts = dts
        return True

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            if self.container is not None:
                self.container.close()
        except Exception:  # the muxer's trailer may not fit a closed pipe; nothing to save
            pass
        for fd in (self.write_fd, self.read_fd):
            try:
                os.close(fd)
            except OSError:
                pass


class _FrameBuffers:
    """Triple buffer between libvlc's decoder thread and the UI: no copy, no tearing."""

    def __init__(self, visible: Callable[[], tuple[int, int] | None]) -> None:
        self._visible = visible
        self._lock = threading.Lock()
        self.width = self.height = self.stride = 0
        self._buffers: list[Any] = []
        self._write = self._ready = self._front = 0
        self._fresh = False
        self.serial = 0
        self.frames = 0
        self.last_frame_at: float | None = None
        self.first_frame_at: float | None = None
        self.media_first_at: float | None = None  # first picture of the current libvlc media
        self.on_frame: Callable[[], None] | None = None
        # ctypes callbacks must stay referenced as long as libvlc may call them.
        self.format_cb = _VideoFormatCb(self._setup)
        self.cleanup_cb = _VideoCleanupCb(self._cleanup)
        self.lock_cb = _VideoLockCb(self._lock_cb)
        self.display_cb = _VideoDisplayCb(self._display)

    def install(self, player: vlc.MediaPlayer) -> None:
        # No unlock callback (libvlc allows NULL): the buffer needs no unlocking, and every
        # callback costs a trip through Python's GIL, 15-25 times a second per tile.
        _set_callbacks(player._as_parameter_, self.lock_cb, _VideoUnlockCb(), self.display_cb, None)
        _set_format_callbacks(player._as_parameter_, self.format_cb, self.cleanup_cb)

    def reset_counters(self) -> None:
        with self._lock:
            self.frames = 0
            self.last_frame_at = self.first_frame_at = None
            self._fresh = False

    def _setup(self, _opaque: Any, chroma: int, width: Any, height: Any, pitches: Any, lines: Any) -> int:
        ctypes.memmove(chroma, b"RV32", 4)
        w, h = width[0], height[0]
        # libvlc may hand a height padded to the decoder's macroblocks (258 for 240):
        # keep the visible size from the stream when known.
        visible = self._visible()
        vis_w, vis_h = visible if visible and visible[0] <= w and visible[1] <= h else (w, h)
        stride = w * 4
        pitches[0] = stride
        lines[0] = h
        with self._lock:
            self.width, self.height, self.stride = vis_w, vis_h, stride
            self._buffers = [ctypes.create_string_buffer(stride * h + 64) for _ in range(3)]
            self._write, self._ready, self._front = 0, 1, 2
            self._fresh = False
        return 1

    def _cleanup(self, _opaque: Any) -> None:
        pass  # buffers stay until the next setup: the UI may still be painting the last frame

    def _lock_cb(self, _opaque: Any, planes: Any) -> int:
        with self._lock:
            address = ctypes.addressof(self._buffers[self._write])
        planes[0] = address
        return 0

    def _display(self, _opaque: Any, _picture: Any) -> None:
        now = time.monotonic()
        with self._lock:
            self._write, self._ready = self._ready, self._write
            self._fresh = True
            self.serial += 1
            self.frames += 1
            if self.first_frame_at is None:
                self.first_frame_at = now
            if self.media_first_at is None:
                self.media_first_at = now
            self.last_frame_at = now
        callback = self.on_frame
        if callback is not None:
            callback()

    def take(self) -> Frame | None:
        with self._lock:
            if not self._buffers:
                return None
            if self._fresh:
                self._front, self._ready = self._ready, self._front
                self._fresh = False
            return Frame(self._buffers[self._front], self.width, self.height, self.stride, self.serial)


class VideoEngine:
    """One libvlc instance and one ingest pool for a process."""

    def __init__(self, *, vlc_args: list[str] | None = None, linger: float = 15.0, **ingest_options: Any) -> None:
        # --swscale-mode=0 (fast bilinear): the callbacks renderer only converts colour at the
        # source's size (Qt scales), where bicubic costs ~20 % more CPU for no visible gain;
        # native outputs on wall PCs scale on the GPU.
        args = ["--quiet", "--no-audio", "--avcodec-threads=1", "--no-video-title-show", "--no-osd",
                "--no-snapshot-preview", "--drop-late-frames", "--no-skip-frames", "--swscale-mode=0"]
        self.instance = vlc.Instance(args + (vlc_args or []))
        if self.instance is None:
            raise RuntimeError("libvlc could not start (is libvlc5 with vlc-plugin-base installed?)")
        # libvlc itself starts without its plugins, then every tile stays black: say which.
        lacking = vlc_modules.missing("callbacks")
        if lacking:
            self.instance.release()
            raise RuntimeError(vlc_modules.report(lacking, vlc_modules.plugin_dir()))
        self.pool = IngestPool(linger=linger, **ingest_options)
        self.players: list[TilePlayer] = []
        self._relays: list[Any] = []  # RelayClients, newest last (older ones may still feed tiles)
        self._relay_at: tuple[str, str] | None = None

    def use_relay(self, relay: dict[str, Any] | None, public_key: bytes, secret_key: bytes) -> None:
        """Take cameras from the centre's relay from now on (`relay` as the host's heartbeat
        carries it).  None changes nothing: a relay that goes away is the relayed ingests'
        business (they fall back to the cameras and return when it answers)."""
        if not relay or not relay.get("endpoint") or not relay.get("public_key"):
            return
        where = (str(relay["endpoint"]), str(relay["public_key"]))
        if where == self._relay_at:
            return
        from console.video.relay import RelayClient  # zmq only where a relay is used

        client = RelayClient(where[0], where[1].encode(), public_key, secret_key)
        self._relays.append(client)
        self._relay_at = where
        retired = self.pool.use_relay(client)
        log.info("taking cameras from the relay at %s", where[0])
        # Tiles that started on the cameras themselves before the relay was known move to it
        # (a warm switch each, once): the camera then serves one session, whoever watches.
        for player in list(self.players):
            if player.url is not None and player.url in retired and not player.closed:
                player.play(player.url)

    def player(self, renderer: str = "callbacks", window_id: int | None = None) -> TilePlayer:
        player = TilePlayer(self, renderer=renderer, window_id=window_id)
        self.players.append(player)
        return player

    def close(self) -> None:
        # Players and ingests must go before the interpreter does: libvlc threads calling
        # into a finalising interpreter segfault.
        for player in list(self.players):
            player.close()
        self.pool.close()
        for client in self._relays:
            client.close()
        self.instance.release()


class TilePlayer:
    """Plays one source at a time into a renderer; switching is `play(url)` again."""

    def __init__(self, engine: VideoEngine, *, renderer: str = "callbacks", window_id: int | None = None,
                 lost_after: float = 1.0) -> None:
        if renderer not in ("callbacks", "native"):
            raise ValueError(f"unknown renderer {renderer!r}")
        if renderer == "native" and window_id is None:
            raise ValueError("the native renderer needs a window id")
        self.engine = engine
        self.renderer = renderer
        self.window_id = window_id
        self.lost_after = lost_after
        self.url: str | None = None
        self.masked_url = ""
        self.ingest: Ingest | None = None
        self._lock = threading.RLock()
        self._pipe: _TsPipe | None = None
        self._media: vlc.Media | None = None
        self._vlc = engine.instance.media_player_new()
        self._vlc.video_set_mouse_input(False)
        self._vlc.video_set_key_input(False)
        self.buffers = _FrameBuffers(self._visible_size)
        if renderer == "callbacks":
            self.buffers.install(self._vlc)
        else:
            self._attach_window(window_id or 0)
        self._stats = vlc.MediaStats()
        self._last_fed_at: float | None = None
        self._reset_frame_stats()
        self.switched_at: float | None = None
        self.media_started_at: float | None = None
        self.closed = False

    # -- control ------------------------------------------------------------------------
    def play(self, url: str) -> None:
        """Show `url` (a switch if something else was playing)."""
        with self._lock:
            self._stop_locked()
            self.url = url
            self.masked_url = mask_url(url)
            self.switched_at = time.monotonic()
            self.buffers.reset_counters()
            self._reset_frame_stats()
            if needs_ingest(url):
                self.ingest = self.engine.pool.acquire(url)
                self._start_pipe()
                session, backlog = self.ingest.attach(self)
                if session is not None:
                    self._bind(session, backlog)
            else:
                self._start_media(self.engine.instance.media_new(url))
            log.debug("tile plays %s", self.masked_url)

    def stop(self) -> None:
        with self._lock:
            self._stop_locked()
            self.url = None
            self.masked_url = ""

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.stop()
            self.closed = True
            self._vlc.release()
        if self in self.engine.players:
            self.engine.players.remove(self)

    def snapshot(self, path: str) -> tuple[int, int]:
        """Save the current picture as PNG at the source's native resolution."""
        if self.url is None or self._vlc.video_take_snapshot(0, path, 0, 0) != 0:
            raise RuntimeError(f"no picture to snapshot from {self.masked_url or 'an idle tile'}")
        return png_size(path)

    # -- ingest callbacks (ingest thread) ----------------------------------------------
    def on_session_start(self, session: Session) -> None:
        with self._lock:
            if self._pipe is not None and self._pipe.session is None and not self.closed:
                self._bind(session, [])

    def on_packet(self, session: Session, packet: CachedPacket) -> None:
        with self._lock:
            pipe = self._pipe
            if pipe is None or self.ingest is None or self.closed:
                return
            if pipe.session is None:
                self._bind(session, [])
            elif pipe.session is not session:
                # A new session (a reconnect): timestamps restart and the codec may have
                # changed, so libvlc starts afresh.
                self._start_pipe()
                self._bind(session, [])
            pipe = self._pipe
            assert pipe is not None
            if pipe.push(packet):
                # Only what libvlc got counts as live: after a reconnect, packets before the
                # first keyframe are dropped and the old picture must not pass for live.
                self._last_fed_at = now = time.monotonic()
                self._fed_times.append(now)
            if pipe.stalled:
                log.warning("%s: libvlc stopped reading, restarting the tile", self.masked_url)
                self._start_pipe()
                self._bind(session, [])

    def on_session_end(self, session: Session) -> None:
        pass  # the frame age shows the loss; the next session restarts the pipe

    # -- health -------------------------------------------------------------------------
    def health(self, now: float | None = None) -> Health:
        """State, frame age and rate of what the tile shows now.

        Frame age comes from the packets this player fed to libvlc (ingest sources) or from
        libvlc's displayed-picture counter (direct sources), never from display callbacks:
        libvlc's video output re-displays the last picture when nothing new arrives, so
        callbacks keep coming on a dead stream.  A decoder that stops showing pictures while
        packets still flow counts as lost too.
        """
        now = time.monotonic() if now is None else now
        if self.url is None:
            return Health("idle", "", float("inf"), 0.0, 0.0, 0, 0, 0)
        shown, shown_at, fps = self._frame_stats(now)
        first = self.first_frame_at
        width, height = self._visible_size() or (0, 0)
        ingest = self.ingest
        bitrate = ingest.stats()["bitrate"] if ingest else 0.0
        if ingest is not None:
            # Exact arrival times beat libvlc's counters, which tick only four times a second.
            with self._lock:  # the ingest thread appends
                fed = list(self._fed_times)
            fps = _rate([t for t in fed if now - t <= 1.0])
        if first is None:
            age = float("inf")
        elif ingest is not None:
            age = now - max(self._last_fed_at or first, first)
        else:
            age = now - (shown_at or first)
        if first is not None:
            # libvlc restarts on a reconnect, and its counters with it: count from then.
            counted_from = max(shown_at or first, first, self.media_started_at or first)
            decoder_stalled = now - counted_from > self.lost_after + 1.5
        else:
            decoder_stalled = False
        vlc_state = self._vlc.get_state() if ingest is None else None
        code = cause = ""
        if ingest is not None and ingest.state == IngestState.ERROR:
            state, reason, code = "error", ingest.reason, ingest.code
        elif vlc_state == vlc.State.Error:
            state, reason, code = "error", "libvlc cannot play this source", "vlc_error"
        elif vlc_state == vlc.State.Ended:
            state, reason, code = "lost", "stream ended", "ended"
        elif first is None:
            waited = now - (self.switched_at or now)
            if ingest is not None and ingest.state == IngestState.LOST:
                state, reason, code = "lost", ingest.reason, ingest.code
            elif waited > 10.0:
                state, reason, code = "error", "no picture after 10 s", "no_picture"
            else:
                state, reason, code = "connecting", ingest.reason if ingest else "", ingest.code if ingest else ""
        elif age > self.lost_after:
            state = "lost"
            if ingest is not None and ingest.state != IngestState.PLAYING and ingest.reason:
                reason, code, cause = ingest.reason, ingest.code, ingest.cause
                if cause and cause != code:
                    # "stream ended; reconnecting: 404 not found …": how it went, and why it stays away.
                    reason = f"{FAILURE_TEXTS[cause][1] if cause in FAILURE_TEXTS else cause}{RECONNECTING}{reason}"
            else:
                reason, code = "no picture", "no_picture"
        elif decoder_stalled:
            state, reason, code = "lost", "decoder shows no new pictures", "decoder_stalled"
        else:
            state, reason = "playing", ""
        return Health(state, reason, max(0.0, age), fps, bitrate, width, height, max(shown, 1 if first else 0),
                      code, cause)

    @property
    def first_frame_at(self) -> float | None:
        if self.renderer == "callbacks":
            return self.buffers.first_frame_at
        return self._first_shown_at

    def take_frame(self) -> Frame | None:
        return self.buffers.take() if self.renderer == "callbacks" else None

    # -- internals ----------------------------------------------------------------------
    def _attach_window(self, window_id: int) -> None:
        if sys.platform.startswith("linux"):
            self._vlc.set_xwindow(window_id)
        elif sys.platform == "win32":
            self._vlc.set_hwnd(window_id)
        elif sys.platform == "darwin":
            self._vlc.set_nsobject(window_id)

    def _visible_size(self) -> tuple[int, int] | None:
        ingest = self.ingest
        session = ingest.session if ingest else None
        if session is not None and session.width:
            return session.width, session.height
        if self.renderer == "callbacks" and self.buffers.width:
            return self.buffers.width, self.buffers.height
        w, h = self._vlc.video_get_size(0) or (0, 0)
        return (w, h) if w else None

    def _reset_frame_stats(self) -> None:
        self._last_fed_at = None
        self._fed_times: collections.deque[float] = collections.deque(maxlen=64)
        self._shown = 0  # new pictures since play(), across media restarts
        self._shown_at: float | None = None
        self._first_shown_at: float | None = None
        self._stats_media: vlc.Media | None = None
        self._media_shown = 0
        self._shown_times: list[tuple[float, int]] = []

    def _frame_stats(self, now: float) -> tuple[int, float | None, float]:
        """New pictures, when the last one came, and their rate, from libvlc's input stats.

        Not from display callbacks: libvlc's video output re-displays the last picture when
        nothing new arrives, so a callback count keeps rising on a dead stream, while the
        input's displayed-picture counter rises only with new pictures.  (Its decoded counter
        counts twice: the access-unit delimiters we append decode as empty units.)  libvlc
        refreshes these counters about four times a second, which is fine for health.
        """
        with self._lock:  # the ingest thread may restart (and release) the media meanwhile
            self._count_shown(now)
        self._shown_times.append((now, self._shown))
        self._shown_times = [(t, n) for t, n in self._shown_times if now - t <= 1.5]
        fps = 0.0
        if len(self._shown_times) >= 2:
            (t0, n0), (t1, n1) = self._shown_times[0], self._shown_times[-1]
            fps = (n1 - n0) / (t1 - t0) if t1 > t0 else 0.0
        return self._shown, self._shown_at, fps

    def _count_shown(self, now: float) -> None:
        media = self._media
        if media is not None:
            if media is not self._stats_media:
                self._stats_media, self._media_shown = media, 0
            if media.get_stats(self._stats):
                shown = self._stats.displayed_pictures
                if shown > self._media_shown:
                    if self._shown == 0:
                        self._first_shown_at = now
                    self._shown += shown - self._media_shown
                    self._shown_at = now
                self._media_shown = max(self._media_shown, shown)
            if self.renderer == "native" and self._first_shown_at is None and self._vlc.has_vout():
                # The input's counters come up to 250 ms late; a video output exists only once
                # the decoder has a picture for it, which it shows at once.  A tile switching to
                # a player opened ahead must not wait that long to count as live.
                self._first_shown_at = now

    def _start_pipe(self) -> None:
        """A fresh pipe and libvlc media reading it; the muxer comes with the session."""
        self._stop_media()
        self._pipe = _TsPipe()
        media = self.engine.instance.media_new_fd(self._pipe.read_fd)
        for option in (":demux=ts", f":file-caching={CACHING_MS}", ":clock-synchro=1"):
            media.add_option(option)
        self._start_media(media)

    def _bind(self, session: Session, backlog: list[CachedPacket]) -> None:
        assert self._pipe is not None
        self._pipe.bind(session, backlog)

    def _start_media(self, media: vlc.Media) -> None:
        self.media_started_at = time.monotonic()
        self.buffers.media_first_at = None
        self._media = media
        self._vlc.set_media(media)
        self._vlc.play()

    def _stop_media(self) -> None:
        if self._media is not None:
            self._vlc.stop()
            self._media.release()
            self._media = None
        if self._pipe is not None:
            self._pipe.close()
            self._pipe = None

    def _stop_locked(self) -> None:
        if self.ingest is not None:
            self.ingest.detach(self)
            url = self.ingest.url
            self.ingest = None
            self.engine.pool.release(url)
        self._stop_media()
