"""The wire to the domes: one worker per physical line, reached by URL.

A serial line is whatever pyserial's `serial_for_url` opens: `/dev/ttyUSB0`, `COM3`,
`socket://host:port` (the serial-over-IP servers on a town centre's RS-485 lines),
`rfc2217://host:port`, `loop://` in tests.  VISCA over IP is a UDP "line" to one camera
(`udp://host:52381`).  Several addressed domes share a line; one thread per line writes, so
frames to different domes never interleave, and the caller never waits for it: `submit`
only queues.

Joystick floods are coalesced: a continuous move not yet written is replaced by a newer one
for the same dome (newest speed wins, no backlog), while discrete commands (presets,
auxiliaries) keep their order and close the coalescing window, so a move given after a
preset is never written before it.

A line that goes away (refused, unplugged, dropped mid-move) is reopened with a capped
backoff, its state reported through `on_status`.  Commands given while it is down fail at
once with a `PtzError` saying so, but the newest motion of each dome is remembered and
written again when the line comes back: a dome that was released during the outage is
stopped, not left turning.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import serial

from console.ptz.commands import PtzError
from console.ptz.controller import LineStatus, StatusCallback
from console.ptz.encoding import MOTION
from console.ptz.visca import VISCA_PORT, PayloadType, ViscaIpMessage, ViscaIpSequencer, decode_visca_ip
from console.video.urls import mask_url

log = logging.getLogger("videowall.ptz")

BACKOFF_FIRST = 0.25
BACKOFF_CAP = 5.0
POLL_INTERVAL = 0.05
WRITE_TIMEOUT = 2.0
MAX_QUEUED = 256

ReceiveCallback = Callable[[bytes], None]

_ERRNO_TEXT = re.compile(r"\[Errno (\d+)\]")


def describe(exc: BaseException) -> str:
    """A short, lower-case reason for an operator: "connection refused", not a traceback."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno:
            return os.strerror(seen.errno).lower()
        seen = seen.__cause__ or seen.__context__
    text = str(exc)
    numbers = _ERRNO_TEXT.findall(text)
    if numbers:
        return os.strerror(int(numbers[-1])).lower()
    if "disconnected" in text or "closed" in text:
        return "connection lost"
    return text.strip() or type(exc).__name__


@dataclass
class _Entry:
    dome: Hashable
    slot: str | None
    frames: tuple[bytes, ...]


class Line:
    """The queue and writer thread of one line; subclasses open, write and read the port."""

    def __init__(self, url: str, *, on_status: StatusCallback | None = None,
                 on_receive: ReceiveCallback | None = None,
                 backoff: tuple[float, float] = (BACKOFF_FIRST, BACKOFF_CAP)) -> None:
        self.url = url
        self.where = mask_url(url)
        self._on_status = on_status
        self._on_receive = on_receive
        self._backoff_first, self._backoff_cap = backoff
        self._lock = threading.Condition()
        self._queue: deque[_Entry] = deque()
        self._pending: dict[tuple[Hashable, str], _Entry] = {}
        self._last_motion: dict[Hashable, tuple[bytes, ...]] = {}
        self._status = LineStatus(self.where, "connecting")
        self._closed = False
        self.frames_written = 0
        self._thread = threading.Thread(target=self._run, name=f"ptz-line {self.where}", daemon=True)
        self._thread.start()

    # -- the caller's side: never blocks on the port -----------------------------------
    @property
    def status(self) -> LineStatus:
        return self._status

    def submit(self, dome: Hashable, frames: tuple[bytes, ...], slot: str | None = None) -> None:
        """Queue `frames` for `dome`; with a `slot`, replace that dome's unsent frames of the slot."""
        if not frames:
            return
        with self._lock:
            if self._closed:
                raise PtzError(f"line {self.where} is closed")
            if slot == MOTION:
                self._last_motion[dome] = frames
            if self._status.state == "down":
                raise PtzError(self._status.text)
            key = (dome, slot) if slot else None
            if key is not None and key in self._pending:
                self._pending[key].frames = frames
                return
            if len(self._queue) >= MAX_QUEUED:
                raise PtzError(f"line {self.where} is busy: {len(self._queue)} commands waiting")
            entry = _Entry(dome, slot, frames)
            self._queue.append(entry)
            if key is not None:
                self._pending[key] = entry
            else:
                # A discrete command closes this dome's coalescing window: what comes after it
                # is written after it.
                for pending in [k for k in self._pending if k[0] == dome]:
                    del self._pending[pending]
            self._lock.notify()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._lock.notify()
        self._thread.join(5)

    @contextlib.contextmanager
    def paused(self) -> Iterator[None]:
        """Hold the writer off the queue (the caller's submits still go in): for tests and
        benchmarks that want to see what a burst coalesces into."""
        with self._lock:
            yield

    # -- the port, in the subclass -----------------------------------------------------
    def _open(self) -> bool:
        """Open the port; True if that alone proves the line works (else `_confirmed` later)."""
        raise NotImplementedError

    def _write(self, frame: bytes) -> None:
        raise NotImplementedError

    def _read(self) -> bytes:
        """What arrived since the last call (b"" if nothing); raises when the line is lost."""
        raise NotImplementedError

    def _close_port(self) -> None:
        raise NotImplementedError

    def _received(self, data: bytes) -> None:
        if self._on_receive is not None:
            try:
                self._on_receive(data)
            except Exception:
                log.exception("line %s: receive callback failed", self.where)

    # -- the writer thread -------------------------------------------------------------
    def _set_status(self, state: str, reason: str = "") -> None:
        status = LineStatus(self.where, state, reason)
        if status == self._status:
            return
        self._status = status
        log.info("%s", status.text)
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                log.exception("line %s: status callback failed", self.where)

    def _run(self) -> None:
        backoff = self._backoff_first
        is_open = False
        opened_at = 0.0
        while True:
            with self._lock:
                if self._closed:
                    break
            if not is_open:
                try:
                    confirmed = self._open()
                except Exception as exc:
                    backoff = self._lost(describe(exc), backoff)
                    continue
                is_open = True
                opened_at = time.monotonic()
                with self._lock:
                    if confirmed:
                        self._set_status("open")
                    # Whatever each dome was last told to do, tell it again: a dome released
                    # while the line was down must stop now.
                    replay = [_Entry(d, MOTION, f) for d, f in self._last_motion.items()
                              if not any(e.dome == d and e.slot == MOTION for e in self._queue)]
                    self._queue.extendleft(reversed(replay))
            try:
                entry = self._next_entry()
                if entry is not None:
                    for frame in entry.frames:
                        self._write(frame)
                        self.frames_written += 1
                data = self._read()
                if data:
                    self._received(data)
            except Exception as exc:
                with contextlib.suppress(Exception):
                    self._close_port()
                is_open = False
                # A line that opens and fails at once (a camera that refuses every datagram)
                # keeps backing off; one that worked for a while starts again from the first step.
                if time.monotonic() - opened_at > self._backoff_cap:
                    backoff = self._backoff_first
                backoff = self._lost(describe(exc), backoff)
                continue
            if time.monotonic() - opened_at > self._backoff_cap:
                backoff = self._backoff_first
        with contextlib.suppress(Exception):
            self._close_port()
        self._set_status("closed")

    def _lost(self, reason: str, backoff: float) -> float:
        """Report the line down, drop what cannot wait, sleep the backoff; the next backoff."""
        with self._lock:
            self._set_status("down", reason)
            dropped = [e for e in self._queue if e.slot != MOTION]
            self._queue.clear()
            self._pending.clear()
            if dropped:
                log.warning("line %s: %d command(s) not sent: %s", self.where, len(dropped), reason)
            self._lock.wait_for(lambda: self._closed, backoff)
        return min(self._backoff_cap, backoff * 2)

    def _confirmed(self) -> None:
        """The subclass heard from the far end: the line is open."""
        with self._lock:
            self._set_status("open")

    def _next_entry(self) -> _Entry | None:
        with self._lock:
            if not self._queue and not self._closed:
                self._lock.wait(POLL_INTERVAL)
            if not self._queue:
                return None
            entry = self._queue.popleft()
            if entry.slot is not None and self._pending.get((entry.dome, entry.slot)) is entry:
                del self._pending[(entry.dome, entry.slot)]
            return entry


class SerialLine(Line):
    """A line opened by pyserial's `serial_for_url`."""

    def __init__(self, url: str, *, baudrate: int = 9600, **kwargs: Any) -> None:
        self.baudrate = baudrate
        self._port: Any = None
        super().__init__(url, **kwargs)

    def _open(self) -> bool:
        options: dict[str, Any] = {"baudrate": self.baudrate, "timeout": 0, "do_not_open": True}
        # pyserial's RFC 2217 client refuses a write timeout ("currently not supported").
        if not self.url.lower().startswith("rfc2217://"):
            options["write_timeout"] = WRITE_TIMEOUT
        port = serial.serial_for_url(self.url, **options)
        port.open()
        self._port = port
        return True

    def _write(self, frame: bytes) -> None:
        self._port.write(frame)
        # The RS-485 bus behind a port (or behind a serial-over-IP server) carries baud/10 bytes
        # a second: wait that long, so that a joystick flood waits in our queue, where the
        # newest speed replaces the older ones, not in the socket's buffers, where it would
        # build seconds of backlog (measured at 2400 baud: 4.7 s after 10 s of 50 updates/s).
        time.sleep(len(frame) * 10 / self.baudrate)

    def _read(self) -> bytes:
        return bytes(self._port.read(4096))

    def _close_port(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            port.close()


ReplyCallback = Callable[[ViscaIpMessage], None]
REPLY_TIMEOUT = 1.0


class ViscaIpLine(Line):
    """VISCA over IP to one camera on UDP: the header and sequence numbers are added here.

    Opening sends the control command RESET, so the camera's sequence numbers start afresh;
    a camera that answers nothing within `reply_timeout` of a message is reported down.
    """

    def __init__(self, url: str, *, on_reply: ReplyCallback | None = None,
                 reply_timeout: float = REPLY_TIMEOUT, **kwargs: Any) -> None:
        parts = urlsplit(url)
        if not parts.hostname:
            raise PtzError(f"VISCA over IP needs udp://host[:port], not {mask_url(url)!r}")
        self.address = (parts.hostname, parts.port or VISCA_PORT)
        self._on_reply = on_reply
        self._reply_timeout = reply_timeout
        self._sequencer = ViscaIpSequencer()
        self._socket: socket.socket | None = None
        self._awaiting_since: float | None = None
        super().__init__(url, **kwargs)

    def _open(self) -> bool:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            sock.connect(self.address)
            sock.setblocking(False)
            sock.send(self._sequencer.reset())
        except OSError:
            sock.close()
            raise
        self._socket = sock
        self._awaiting_since = time.monotonic()
        return False  # open once the camera answers the RESET

    def _write(self, frame: bytes) -> None:
        assert self._socket is not None
        kind = PayloadType.INQUIRY if len(frame) > 1 and frame[1] == 0x09 else PayloadType.COMMAND
        self._socket.send(self._sequencer.wrap(frame, kind))
        if self._awaiting_since is None:
            self._awaiting_since = time.monotonic()

    def _read(self) -> bytes:
        assert self._socket is not None
        received = b""
        while True:
            try:
                datagram = self._socket.recv(2048)
            except BlockingIOError:
                break
            received += datagram
            self._awaiting_since = None
            if self.status.state != "open":
                self._confirmed()
            try:
                message = decode_visca_ip(datagram)
            except PtzError as exc:
                log.warning("line %s: %s", self.where, exc)
                continue
            if message.control_error:
                log.warning("line %s: camera says %s", self.where, message.control_error)
            if self._on_reply is not None:
                self._on_reply(message)
        if self._awaiting_since is not None and time.monotonic() - self._awaiting_since > self._reply_timeout:
            raise PtzError("no reply from the camera")
        return received

    def _close_port(self) -> None:
        sock, self._socket = self._socket, None
        if sock is not None:
            sock.close()


def open_line(url: str, **kwargs: Any) -> Line:
    """`udp://` is VISCA over IP; anything else goes to pyserial."""
    if url.lower().startswith("udp://"):
        kwargs.pop("baudrate", None)
        return ViscaIpLine(url, **kwargs)
    return SerialLine(url, **kwargs)
