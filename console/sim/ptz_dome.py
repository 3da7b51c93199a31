"""Simulated PTZ domes: a dome that moves, and the decoders of the protocols that steer it.

The model keeps pan, tilt and zoom moving at the commanded speeds within the dome's limits,
goes to presets at its top speed, and logs every decoded command (a test reads where the dome
points, or what it was told and when).  The decoders turn Pelco-D, Pelco-P and VISCA bytes
into the model's actions and, for VISCA, the camera's replies; they were written from the
protocol documents, not from our encoders, and are checked against the same documents'
examples (tests/test_ptz_sim.py).

Pure Python with no third-party import: the GStreamer RTSP server child runs under Debian's
system Python and may import this to make a dome's picture a window onto a larger scene
(`view_window`) with its position burned in (`position_bits` / `decode_position`).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

Clock = Callable[[], float]


# -- the dome --------------------------------------------------------------------------

@dataclass(frozen=True)
class DomeLimits:
    pan: tuple[float, float] = (-170.0, 170.0)  # degrees
    tilt: tuple[float, float] = (-60.0, 20.0)  # degrees; 0 is the horizon, negative looks down
    zoom: tuple[float, float] = (1.0, 20.0)  # optical zoom factor
    pan_speed: float = 90.0  # degrees per second at full speed
    tilt_speed: float = 60.0
    zoom_speed: float = 8.0  # zoom factor per second at full speed
    turbo: float = 1.5  # Pelco's pan "turbo" speed, as a multiple of full speed


@dataclass(frozen=True)
class Position:
    pan: float
    tilt: float
    zoom: float


@dataclass(frozen=True)
class Action:
    """One decoded command: what the dome was told (speeds normalised to [-1, 1])."""

    kind: str  # move, stop, focus, iris, auto-focus, auto-iris, preset-set/-goto/-clear, aux-on/-off
    pan: float = 0.0
    tilt: float = 0.0
    zoom: float = 0.0
    value: int = 0  # preset or auxiliary number, focus/iris direction (-1, 0, 1), auto mode (1 on, 0 off)


@dataclass(frozen=True)
class LoggedAction:
    at: float  # the dome's clock
    address: int
    action: Action


def _clamp(value: float, bounds: tuple[float, float]) -> float:
    return max(bounds[0], min(bounds[1], value))


@dataclass
class Dome:
    """One dome's mechanics.  Thread-safe: servers drive it, the picture and tests read it."""

    address: int
    limits: DomeLimits = field(default_factory=DomeLimits)
    clock: Clock = time.monotonic
    home: Position = Position(0.0, 0.0, 1.0)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._position = self.home
        self._velocity = (0.0, 0.0, 0.0)  # degrees/s, degrees/s, zoom/s
        self._target: Position | None = None
        self._since = self.clock()
        self.presets: dict[int, Position] = {}
        self.aux: dict[int, bool] = {}
        self.focus = 0
        self.iris = 0
        self.auto_focus = True
        self.auto_iris = True
        self.log: deque[LoggedAction] = deque(maxlen=10_000)

    # -- reading ---------------------------------------------------------------------
    def position(self) -> Position:
        with self._lock:
            self._advance(self.clock())
            return self._position

    @property
    def moving(self) -> bool:
        with self._lock:
            self._advance(self.clock())
            return self._target is not None or self._velocity != (0.0, 0.0, 0.0)

    def last(self, kind: str | None = None) -> LoggedAction | None:
        with self._lock:
            for entry in reversed(self.log):
                if kind is None or entry.action.kind == kind:
                    return entry
        return None

    # -- driving ---------------------------------------------------------------------
    def apply(self, action: Action) -> None:
        with self._lock:
            now = self.clock()
            self._advance(now)
            self.log.append(LoggedAction(now, self.address, action))
            kind = action.kind
            if kind in {"move", "stop"}:
                self._target = None
                lim = self.limits
                self._velocity = (action.pan * lim.pan_speed, action.tilt * lim.tilt_speed, action.zoom * lim.zoom_speed)
                if kind == "stop":
                    self._velocity = (0.0, 0.0, 0.0)
                    self.focus = self.iris = 0
            elif kind == "focus":
                self.focus = action.value
            elif kind == "iris":
                self.iris = action.value
            elif kind == "auto-focus":
                self.auto_focus = bool(action.value)
            elif kind == "auto-iris":
                self.auto_iris = bool(action.value)
            elif kind == "preset-set":
                self.presets[action.value] = self._position
            elif kind == "preset-clear":
                self.presets.pop(action.value, None)
            elif kind == "preset-goto":
                target = self.presets.get(action.value)
                if target is not None:
                    self._velocity = (0.0, 0.0, 0.0)
                    self._target = target
            elif kind in {"aux-on", "aux-off"}:
                self.aux[action.value] = kind == "aux-on"

    def _advance(self, now: float) -> None:
        elapsed = max(0.0, now - self._since)
        self._since = now
        if elapsed == 0:
            return
        lim = self.limits
        p = self._position
        if self._target is not None:
            # A preset call travels at top speed on each axis, as a dome's preset move does.
            t = self._target
            pan = _toward(p.pan, t.pan, lim.pan_speed * elapsed)
            tilt = _toward(p.tilt, t.tilt, lim.tilt_speed * elapsed)
            zoom = _toward(p.zoom, t.zoom, lim.zoom_speed * elapsed)
            self._position = Position(pan, tilt, zoom)
            if self._position == t:
                self._target = None
            return
        vp, vt, vz = self._velocity
        if (vp, vt, vz) == (0.0, 0.0, 0.0):
            return
        self._position = Position(
            _clamp(p.pan + vp * elapsed, lim.pan),
            _clamp(p.tilt + vt * elapsed, lim.tilt),
            _clamp(p.zoom + vz * elapsed, lim.zoom),
        )


def _toward(value: float, target: float, step: float) -> float:
    if abs(target - value) <= step:
        return target
    return value + step if target > value else value - step


# -- Pelco-D and Pelco-P ---------------------------------------------------------------
# Pelco-D: FF addr cmd1 cmd2 data1 data2 sum; sum = bytes 2-6 mod 256.
#   cmd1: bit 0 focus near, 1 iris open, 2 iris close; cmd2: bit 1 right, 2 left, 3 up,
#   4 down, 5 zoom tele, 6 zoom wide, 7 focus far; bit 0 of cmd2 set: an extended command.
# Pelco-P: A0 addr data1 data2 data3 data4 AF xor; xor of bytes 1-7.
#   data1: bit 0 focus far, 1 focus near, 2 iris open, 3 iris close; data2 as cmd2 above
#   without focus far; data3 pan speed, data4 tilt speed.
# Both: speeds 00-3Fh, 40h pan turbo; extended 03 set / 05 clear / 07 go to preset, 09 set /
# 0B clear auxiliary, 2B auto focus and 2D auto iris (01 auto, 02 manual).

_PELCO_EXTENDED = {0x03: "preset-set", 0x05: "preset-clear", 0x07: "preset-goto", 0x09: "aux-on", 0x0B: "aux-off"}
PELCO_ZOOM_SPEED = 0.5  # Pelco frames have no zoom speed: the lens' own


def _pelco_speed(raw: int, turbo: float) -> float:
    return turbo if raw >= 0x40 else raw / 0x3F


def _pelco_extended(opcode: int, value: int) -> Action | None:
    if opcode in _PELCO_EXTENDED:
        return Action(_PELCO_EXTENDED[opcode], value=value)
    if opcode in {0x2B, 0x2D}:
        return Action("auto-focus" if opcode == 0x2B else "auto-iris", value=1 if value != 0x02 else 0)
    return None


def _pelco_motion(direction: int, pan_raw: int, tilt_raw: int, *, focus: int, iris: int, turbo: float) -> list[Action]:
    """`direction`: the direction bits as Pelco-D's command 2 has them (1 right, 2 left, 3 up, ...)."""
    pan_bits, tilt_bits, zoom_bits = (direction >> 1) & 0x03, (direction >> 3) & 0x03, (direction >> 5) & 0x03
    pan = (1 if pan_bits == 1 else -1 if pan_bits == 2 else 0) * _pelco_speed(pan_raw, turbo)
    tilt = (1 if tilt_bits == 1 else -1 if tilt_bits == 2 else 0) * _pelco_speed(tilt_raw, 1.0)
    zoom = PELCO_ZOOM_SPEED if zoom_bits == 1 else -PELCO_ZOOM_SPEED if zoom_bits == 2 else 0.0
    # One frame sets every drive at once: no bits is a stop of everything.
    if not (pan or tilt or zoom or focus or iris):
        return [Action("stop")]
    actions = [Action("move", pan, tilt, zoom)]
    if focus or iris:
        actions += [Action("focus", value=focus), Action("iris", value=iris)]
    return actions


class PelcoDecoder:
    """A byte stream of Pelco-D or Pelco-P frames → (address, actions); skips what is not a frame."""

    def __init__(self, protocol: str, turbo: float = DomeLimits.turbo) -> None:
        if protocol not in {"pelco-d", "pelco-p"}:
            raise ValueError(f"not a Pelco protocol: {protocol}")
        self.protocol = protocol
        self.turbo = turbo
        self._buffer = bytearray()
        self.bad_frames = 0

    def feed(self, data: bytes) -> list[tuple[int, list[Action]]]:
        self._buffer += data
        out: list[tuple[int, list[Action]]] = []
        size, sync = (7, 0xFF) if self.protocol == "pelco-d" else (8, 0xA0)
        while True:
            start = self._buffer.find(sync)
            if start < 0:
                self._buffer.clear()
                return out
            del self._buffer[:start]
            if len(self._buffer) < size:
                return out
            frame = bytes(self._buffer[:size])
            decoded = self._decode_d(frame) if self.protocol == "pelco-d" else self._decode_p(frame)
            if decoded is None:
                self.bad_frames += 1
                del self._buffer[:1]  # resynchronise on the next sync byte
                continue
            del self._buffer[:size]
            out.append(decoded)

    def _decode_d(self, f: bytes) -> tuple[int, list[Action]] | None:
        if sum(f[1:6]) % 256 != f[6]:
            return None
        address, cmd1, cmd2, data1, data2 = f[1], f[2], f[3], f[4], f[5]
        if cmd2 & 0x01:
            action = _pelco_extended(cmd2, data2)
            return (address, [action]) if action else (address, [])
        focus = 1 if cmd2 & 0x80 else -1 if cmd1 & 0x01 else 0
        iris = 1 if cmd1 & 0x02 else -1 if cmd1 & 0x04 else 0
        return address, _pelco_motion(cmd2, data1, data2, focus=focus, iris=iris, turbo=self.turbo)

    def _decode_p(self, f: bytes) -> tuple[int, list[Action]] | None:
        check = 0
        for byte in f[:7]:
            check ^= byte
        if f[6] != 0xAF or check != f[7]:
            return None
        address, data1, data2, data3, data4 = f[1], f[2], f[3], f[4], f[5]
        if data2 & 0x01:
            action = _pelco_extended(data2, data4)
            return (address, [action]) if action else (address, [])
        focus = 1 if data1 & 0x01 else -1 if data1 & 0x02 else 0
        iris = 1 if data1 & 0x04 else -1 if data1 & 0x08 else 0
        return address, _pelco_motion(data2, data3, data4, focus=focus, iris=iris, turbo=self.turbo)


# -- VISCA -----------------------------------------------------------------------------
# Message 8x .. FF (x: address 1-7); replies z0 4y FF ack, z0 5y FF completion, z0 6y ee FF
# error (z = address + 8).  Pan-tiltDrive 8x 01 06 01 VV WW hh vv FF (hh 01 left, 02 right,
# 03 stop; vv 01 up, 02 down, 03 stop; VV 01-18h, WW 01-17h); CAM_Zoom 8x 01 04 07 00|02|03|2p|3p;
# CAM_Focus 8x 01 04 08 00|02|03|2p|3p (2 far, 3 near); CAM_Iris 8x 01 04 0B 00|02|03;
# focus mode 8x 01 04 38 02|03; AE mode 8x 01 04 39 pp; CAM_Memory 8x 01 04 3F 00|01|02 pp;
# Pan-tiltPosInq 8x 09 06 12 FF -> y0 50 0p 0p 0p 0p 0t 0t 0t 0t FF.

VISCA_UNITS_PER_DEGREE = 14.4  # Sony's position tables: -170 degrees is F670h
VISCA_PAN_MAX, VISCA_TILT_MAX = 0x18, 0x17
VISCA_ZOOM_STANDARD = 0.5


@dataclass(frozen=True)
class ViscaOutcome:
    address: int
    actions: tuple[Action, ...]
    replies: tuple[bytes, ...]


def _nibbles(value: int) -> bytes:
    value &= 0xFFFF
    return bytes(((value >> 12) & 0xF, (value >> 8) & 0xF, (value >> 4) & 0xF, value & 0xF))


def visca_replies_for(address: int, socket: int = 1) -> tuple[bytes, bytes]:
    z = (address + 8) << 4
    return bytes((z, 0x40 | socket, 0xFF)), bytes((z, 0x50 | socket, 0xFF))


def decode_visca(message: bytes, position: Callable[[], Position] | None = None) -> ViscaOutcome:
    """One VISCA message → the dome's actions and the replies a camera sends."""
    if len(message) < 3 or message[-1] != 0xFF or message[0] & 0xF8 != 0x80 or not 1 <= message[0] & 0x07 <= 7:
        return ViscaOutcome(0, (), ())  # not addressed to a camera: a real one stays silent
    address = message[0] & 0x07
    z = (address + 8) << 4
    ack, done = visca_replies_for(address)
    syntax_error = bytes((z, 0x60, 0x02, 0xFF))
    body = message[1:-1]

    def ok(*actions: Action) -> ViscaOutcome:
        return ViscaOutcome(address, actions, (ack, done))

    if body[:3] == b"\x09\x06\x12" and len(body) == 3:
        where = position() if position else Position(0.0, 0.0, 1.0)
        answer = _nibbles(round(where.pan * VISCA_UNITS_PER_DEGREE)) + _nibbles(round(where.tilt * VISCA_UNITS_PER_DEGREE))
        return ViscaOutcome(address, (), (bytes((z, 0x50)) + answer + b"\xff",))
    if body[:3] == b"\x01\x06\x01" and len(body) == 7:
        vv, ww, horizontal, vertical = body[3:7]
        speeds_ok = 1 <= vv <= VISCA_PAN_MAX and 1 <= ww <= VISCA_PAN_MAX
        if not speeds_ok or horizontal not in {1, 2, 3} or vertical not in {1, 2, 3}:
            return ViscaOutcome(address, (), (syntax_error,))
        pan = {1: -1.0, 2: 1.0, 3: 0.0}[horizontal] * vv / VISCA_PAN_MAX
        tilt = {1: 1.0, 2: -1.0, 3: 0.0}[vertical] * min(1.0, ww / VISCA_TILT_MAX)
        return ok(Action("move", pan, tilt, 0.0) if pan or tilt else Action("move"))
    if body[:3] in {b"\x01\x04\x07", b"\x01\x04\x08"} and len(body) == 4:
        p = body[3]
        if p == 0:
            speed = 0.0
        elif p in {2, 3}:
            speed = VISCA_ZOOM_STANDARD * (1 if p == 2 else -1)
        elif p >> 4 in {2, 3} and p & 0x0F <= 7:
            speed = ((p & 0x0F) + 1) / 8 * (1 if p >> 4 == 2 else -1)
        else:
            return ViscaOutcome(address, (), (syntax_error,))
        if body[2] == 0x07:
            return ok(Action("zoom", zoom=speed))
        return ok(Action("focus", value=(speed > 0) - (speed < 0)))
    if body[:3] == b"\x01\x04\x0B" and len(body) == 4 and body[3] in {0, 2, 3}:
        return ok(Action("iris", value={0: 0, 2: 1, 3: -1}[body[3]]))
    if body[:3] == b"\x01\x04\x38" and len(body) == 4 and body[3] in {2, 3}:
        return ok(Action("auto-focus", value=1 if body[3] == 2 else 0))
    if body[:3] == b"\x01\x04\x39" and len(body) == 4:
        return ok(Action("auto-iris", value=1 if body[3] == 0 else 0))
    if body[:3] == b"\x01\x04\x3F" and len(body) == 5 and body[3] in {0, 1, 2}:
        kind = {0: "preset-clear", 1: "preset-set", 2: "preset-goto"}[body[3]]
        return ok(Action(kind, value=body[4]))
    return ViscaOutcome(address, (), (syntax_error,))


class ViscaDome(Dome):
    """A dome whose zoom and pan/tilt come in separate VISCA commands, so each keeps the other."""

    def apply(self, action: Action) -> None:
        if action.kind == "zoom":
            with self._lock:
                velocity = self._velocity
            pan = velocity[0] / self.limits.pan_speed
            tilt = velocity[1] / self.limits.tilt_speed
            super().apply(Action("move", pan, tilt, action.zoom))
            return
        if action.kind == "move":
            with self._lock:
                zoom = self._velocity[2] / self.limits.zoom_speed
            super().apply(replace(action, zoom=zoom))
            return
        super().apply(action)


# -- the picture: a window onto a larger scene, and the position burned into it --------

POSITION_BITS = 12
"""Bits per axis in the position strip: pan and tilt in 1/10 degree steps from their limits'
low end, zoom in 1/100 steps from 1x."""


def position_code(position: Position, limits: DomeLimits = DomeLimits()) -> list[int]:
    """Pan, tilt and zoom as 3 x POSITION_BITS bits, most significant first."""
    values = (
        round((position.pan - limits.pan[0]) * 10),
        round((position.tilt - limits.tilt[0]) * 10),
        round((position.zoom - 1.0) * 100),
    )
    bits: list[int] = []
    for raw in values:
        value = max(0, min(2**POSITION_BITS - 1, raw))
        bits += [(value >> (POSITION_BITS - 1 - i)) & 1 for i in range(POSITION_BITS)]
    return bits


def position_from_code(bits: list[int], limits: DomeLimits = DomeLimits()) -> Position:
    values = []
    for axis in range(3):
        value = 0
        for bit in bits[axis * POSITION_BITS:(axis + 1) * POSITION_BITS]:
            value = (value << 1) | bit
        values.append(value)
    return Position(round(values[0] / 10 + limits.pan[0], 1), round(values[1] / 10 + limits.tilt[0], 1),
                    round(values[2] / 100 + 1.0, 2))


def decode_position(pixel: Callable[[int, int], tuple[int, int, int]], width: int, y: int,
                    limits: DomeLimits = DomeLimits()) -> Position:
    """Read a position strip drawn across the frame's full width at row `y`."""
    cells = 3 * POSITION_BITS
    bits = []
    for i in range(cells):
        r, g, b = pixel(int((i + 0.5) * width / cells), y)
        bits.append(1 if (r + g + b) / 3 > 128 else 0)
    return position_from_code(bits, limits)


def view_window(position: Position, scene: tuple[int, int], view: tuple[int, int],
                limits: DomeLimits = DomeLimits()) -> tuple[int, int, int, int]:
    """The part of a scene image (x, y, width, height) the dome sees, for cropping and scaling.

    At 1x the window is `view` scaled to fit half the scene's width; zoom divides it.  Pan
    moves it across the scene from the left edge (low pan limit) to the right, tilt from the
    bottom (low tilt limit) to the top, so the picture moves the way the dome turns.
    """
    scene_w, scene_h = scene
    aspect = view[0] / view[1]
    width = scene_w / 2 / max(position.zoom, limits.zoom[0])
    height = width / aspect
    if height > scene_h:
        height = scene_h
        width = height * aspect
    pan_span = limits.pan[1] - limits.pan[0]
    tilt_span = limits.tilt[1] - limits.tilt[0]
    cx = (position.pan - limits.pan[0]) / pan_span
    cy = 1.0 - (position.tilt - limits.tilt[0]) / tilt_span
    x = cx * (scene_w - width)
    y = cy * (scene_h - height)
    return round(x), round(y), round(width), round(height)
