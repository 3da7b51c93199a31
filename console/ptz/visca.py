"""Sony VISCA, on a serial line and over IP (UDP 52381).

A VISCA message is `8x <bytes> FF` (x: the camera's address 1-7, 0xFF only as terminator);
the camera answers `z0 4y FF` (ACK, y: socket), `z0 5y FF` (completion) or `z0 6y ee FF`
(error ee), z = address + 8.  Pan/tilt, zoom and focus are separate commands, so a move that
pans and zooms is two messages.

VISCA over IP wraps each message in an 8-byte header: payload type (2 bytes), payload length
(2 bytes) and a sequence number (4 bytes, big-endian) that the controller increments per
message and the camera echoes in its replies; the controller may reset it with the control
command RESET.  Over IP the camera address inside the message is always 1.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import Enum

from console.ptz.commands import (
    AutoFocus,
    AutoIris,
    AuxOutput,
    Focus,
    Iris,
    Move,
    Preset,
    PresetAction,
    PtzCommand,
    PtzError,
    Stop,
)
from console.ptz.controller import Capability
from console.ptz.encoding import check_range, hexstr, scale, unsupported

VISCA_PORT = 52381

# The pan/tilt speed ranges of Sony's command lists: pan 01-18h everywhere, tilt 01-14h on the
# EVI/BRC families and 01-17h on the SRG family.  A camera's own range goes in its profile.
PAN_SPEED_MAX = 0x18
TILT_SPEED_MAX = 0x14
ZOOM_SPEED_MAX = 7  # the p of "Tele (Variable) 8x 01 04 07 2p FF"
FOCUS_SPEED_MAX = 7
# A stop's speeds are ignored by the camera; these are the ones integrators' lists publish.
STOP_SPEEDS = (0x18, 0x18)

_PRESET_OPCODE = {PresetAction.CLEAR: 0x00, PresetAction.SET: 0x01, PresetAction.GOTO: 0x02}

_CAPABILITIES = (
    Capability.PAN_TILT | Capability.ZOOM | Capability.ZOOM_SPEED | Capability.FOCUS | Capability.IRIS
    | Capability.AUTO_FOCUS | Capability.AUTO_IRIS | Capability.PRESETS
)


@dataclass(frozen=True)
class Visca:
    """Encoder for one VISCA camera.  `max_preset`: 254 on current models, 15 on the EVI-D70."""

    address: int = 1
    pan_speed_max: int = PAN_SPEED_MAX
    tilt_speed_max: int = TILT_SPEED_MAX
    max_preset: int = 254
    protocol = "VISCA"

    def __post_init__(self) -> None:
        check_range("VISCA address", self.address, 1, 7, self.protocol)
        check_range("VISCA pan speed limit", self.pan_speed_max, 1, 0x18, self.protocol)
        check_range("VISCA tilt speed limit", self.tilt_speed_max, 1, 0x17, self.protocol)
        # 0xFF would read as the terminator.
        check_range("VISCA preset limit", self.max_preset, 0, 0xFE, self.protocol)

    @property
    def capabilities(self) -> Capability:
        return _CAPABILITIES

    def _message(self, *body: int) -> bytes:
        return bytes((0x80 | self.address, *body, 0xFF))

    def encode(self, command: PtzCommand) -> tuple[bytes, ...]:
        if isinstance(command, Stop):
            return (self._pan_tilt(Move()), self._message(0x01, 0x04, 0x07, 0x00), self._message(0x01, 0x04, 0x08, 0x00))
        if isinstance(command, Move):
            return (self._pan_tilt(command), self._zoom(command.zoom))
        if isinstance(command, Focus):
            if command.speed == 0:
                return (self._message(0x01, 0x04, 0x08, 0x00),)
            p = scale(command.speed, FOCUS_SPEED_MAX, 0)
            return (self._message(0x01, 0x04, 0x08, (0x20 if command.speed > 0 else 0x30) | p),)
        if isinstance(command, Iris):
            # CAM_Iris Up/Down are steps, not a drive: a held key repeats them; zero sends nothing.
            if command.speed == 0:
                return ()
            return (self._message(0x01, 0x04, 0x0B, 0x02 if command.speed > 0 else 0x03),)
        if isinstance(command, AutoFocus):
            return (self._message(0x01, 0x04, 0x38, 0x02 if command.on else 0x03),)
        if isinstance(command, AutoIris):
            # Off: iris priority (shutter and gain stay automatic, the iris follows Iris Up/Down).
            return (self._message(0x01, 0x04, 0x39, 0x00 if command.on else 0x0B),)
        if isinstance(command, Preset):
            check_range("VISCA preset", command.number, 0, self.max_preset, self.protocol)
            return (self._message(0x01, 0x04, 0x3F, _PRESET_OPCODE[command.action], command.number),)
        if isinstance(command, AuxOutput):
            raise unsupported(self.protocol, command)
        raise unsupported(self.protocol, command)

    def _pan_tilt(self, move: Move) -> bytes:
        if move.pan == 0 and move.tilt == 0:
            vv, ww = STOP_SPEEDS
        else:
            # A stopped axis still needs a speed byte in range; its direction byte says "stop".
            vv = scale(move.pan, self.pan_speed_max) or 1
            ww = scale(move.tilt, self.tilt_speed_max) or 1
        horizontal = 0x02 if move.pan > 0 else 0x01 if move.pan < 0 else 0x03
        vertical = 0x01 if move.tilt > 0 else 0x02 if move.tilt < 0 else 0x03
        return self._message(0x01, 0x06, 0x01, vv, ww, horizontal, vertical)

    def _zoom(self, zoom: float) -> bytes:
        if zoom == 0:
            return self._message(0x01, 0x04, 0x07, 0x00)
        p = scale(zoom, ZOOM_SPEED_MAX, 0)
        return self._message(0x01, 0x04, 0x07, (0x20 if zoom > 0 else 0x30) | p)


# -- replies ---------------------------------------------------------------------------

class ReplyKind(Enum):
    ACK = "ack"
    COMPLETION = "completion"
    ERROR = "error"


ERRORS = {
    0x01: "message length error",
    0x02: "syntax error",
    0x03: "command buffer full",
    0x04: "command cancelled",
    0x05: "no socket",
    0x41: "command not executable",
}


@dataclass(frozen=True)
class ViscaReply:
    kind: ReplyKind
    address: int  # the camera that answered (1-7)
    socket: int
    data: bytes = b""  # an inquiry's answer, or the error code
    error: str = ""


def parse_reply(message: bytes) -> ViscaReply:
    """One VISCA reply (`z0 4y FF`, `z0 5y .. FF`, `z0 6y ee FF`); `PtzError` if it is none."""
    if len(message) < 3 or message[-1] != 0xFF or not 0x90 <= message[0] <= 0xF0 or message[0] & 0x0F:
        raise PtzError(f"not a VISCA reply: {hexstr(message)}")
    address = (message[0] >> 4) - 8
    kind, socket = message[1] >> 4, message[1] & 0x0F
    if kind == 0x4 and len(message) == 3:
        return ViscaReply(ReplyKind.ACK, address, socket)
    if kind == 0x5:
        return ViscaReply(ReplyKind.COMPLETION, address, socket, bytes(message[2:-1]))
    if kind == 0x6 and len(message) == 4:
        code = message[2]
        return ViscaReply(ReplyKind.ERROR, address, socket, bytes((code,)), ERRORS.get(code, f"error {code:02X}h"))
    raise PtzError(f"not a VISCA reply: {hexstr(message)}")


def split_messages(data: bytes) -> tuple[list[bytes], bytes]:
    """Complete `... FF` messages in a byte stream, and what is left of an incomplete one."""
    messages = []
    start = 0
    for i, byte in enumerate(data):
        if byte == 0xFF:
            messages.append(bytes(data[start:i + 1]))
            start = i + 1
    return messages, bytes(data[start:])


# -- VISCA over IP ---------------------------------------------------------------------

class PayloadType(Enum):
    COMMAND = 0x0100
    INQUIRY = 0x0110
    REPLY = 0x0111
    DEVICE_SETTING = 0x0120
    CONTROL = 0x0200
    CONTROL_REPLY = 0x0201


CONTROL_RESET = b"\x01"
CONTROL_ACK = b"\x01"
_CONTROL_ERRORS = {0x01: "abnormality in the sequence number", 0x02: "abnormality in the message (message type)"}
HEADER = struct.Struct(">HHI")
MAX_PAYLOAD = 16
MAX_SEQUENCE = 0xFFFFFFFF


@dataclass(frozen=True)
class ViscaIpMessage:
    payload_type: PayloadType
    sequence: int
    payload: bytes

    @property
    def reply(self) -> ViscaReply | None:
        return parse_reply(self.payload) if self.payload_type is PayloadType.REPLY else None

    @property
    def control_error(self) -> str:
        """The camera's complaint about our header (control payload 0F yy), or ""."""
        if self.payload_type is PayloadType.CONTROL and len(self.payload) == 2 and self.payload[0] == 0x0F:
            return _CONTROL_ERRORS.get(self.payload[1], f"control error {self.payload[1]:02X}h")
        return ""


def encode_visca_ip(payload_type: PayloadType, sequence: int, payload: bytes) -> bytes:
    if not 1 <= len(payload) <= MAX_PAYLOAD:
        raise PtzError(f"VISCA over IP payload of {len(payload)} bytes (1-{MAX_PAYLOAD})")
    check_range("VISCA over IP sequence number", sequence, 0, MAX_SEQUENCE, "VISCA over IP")
    return HEADER.pack(payload_type.value, len(payload), sequence) + payload


def decode_visca_ip(datagram: bytes) -> ViscaIpMessage:
    if len(datagram) < HEADER.size + 1:
        raise PtzError(f"VISCA over IP datagram too short: {hexstr(datagram)}")
    kind, length, sequence = HEADER.unpack_from(datagram)
    try:
        payload_type = PayloadType(kind)
    except ValueError:
        raise PtzError(f"unknown VISCA over IP payload type {kind:04X}h") from None
    payload = bytes(datagram[HEADER.size:])
    if length != len(payload):
        raise PtzError(f"VISCA over IP length {length} but {len(payload)} payload bytes")
    return ViscaIpMessage(payload_type, sequence, payload)


class ViscaIpSequencer:
    """The controller's sequence numbers: one per message, wrapping to 0 after the maximum."""

    def __init__(self, start: int = 0) -> None:
        self.next = start

    def wrap(self, payload: bytes, payload_type: PayloadType = PayloadType.COMMAND) -> bytes:
        datagram = encode_visca_ip(payload_type, self.next, payload)
        self.next = 0 if self.next >= MAX_SEQUENCE else self.next + 1
        return datagram

    def reset(self) -> bytes:
        """The RESET control command; the camera then expects sequence numbers from 0."""
        self.next = 0
        datagram = encode_visca_ip(PayloadType.CONTROL, 0, CONTROL_RESET)
        self.next = 1
        return datagram


@dataclass(frozen=True)
class ViscaOverIp(Visca):
    """The VISCA encoder with the camera address fixed to 1, as VISCA over IP requires."""

    protocol = "VISCA over IP"

    def __post_init__(self) -> None:
        if self.address != 1:
            raise PtzError(f"VISCA over IP cameras have address 1 (the IP address tells them apart), not {self.address}")
        super().__post_init__()
