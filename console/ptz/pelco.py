"""Pelco-D and Pelco-P: the RS-485 dome protocols of most matrix keyboards.

Both carry one fixed-size frame per command whose bits set every drive at once (pan, tilt,
zoom, focus, iris): a frame with no bits stops everything, and a lens command ends a move,
as it does from a Pelco keyboard.  Extended commands (presets, auxiliaries, auto modes) have
bit 0 of the second command byte set.

- Pelco-D: `FF addr cmd1 cmd2 data1 data2 sum`, sum = (addr + cmd1 + cmd2 + data1 + data2) % 256.
- Pelco-P: `A0 addr data1 data2 data3 data4 AF xor`, xor of bytes 1-7 (STX and ETX included);
  its bit layout differs from D's (focus/iris in data1, no "sense" bit).

Speeds: pan and tilt 0x00-0x3F (0x40 is pan "turbo", used only when asked for); zoom, focus
and iris have no speed in the frame, only a direction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from console.ptz.commands import (
    AutoFocus,
    AutoIris,
    Aux,
    AuxOutput,
    Focus,
    Iris,
    Move,
    Preset,
    PresetAction,
    PtzCommand,
    Stop,
)
from console.ptz.controller import Capability
from console.ptz.encoding import check_range, scale, unsupported

PAN_TILT_MAX = 0x3F
TURBO = 0x40
PRESET_RANGE = (1, 255)
AUX_RANGE = (1, 8)
DEFAULT_AUX: Mapping[Aux, int] = {Aux.WIPER: 1, Aux.LIGHT: 2}

_PRESET_OPCODE = {PresetAction.SET: 0x03, PresetAction.CLEAR: 0x05, PresetAction.GOTO: 0x07}
_AUX_ON, _AUX_OFF = 0x09, 0x0B
_AUTO_FOCUS, _AUTO_IRIS = 0x2B, 0x2D
_AUTO_ON, _AUTO_OFF = 0x01, 0x02

_CAPABILITIES = (
    Capability.PAN_TILT | Capability.ZOOM | Capability.FOCUS | Capability.IRIS | Capability.AUTO_FOCUS
    | Capability.AUTO_IRIS | Capability.PRESETS | Capability.AUX
)


def pelco_d_frame(address: int, cmd1: int, cmd2: int, data1: int, data2: int) -> bytes:
    body = bytes((address, cmd1, cmd2, data1, data2))
    return b"\xff" + body + bytes((sum(body) % 256,))


def pelco_p_frame(address: int, data1: int, data2: int, data3: int, data4: int) -> bytes:
    frame = bytes((0xA0, address, data1, data2, data3, data4, 0xAF))
    check = 0
    for byte in frame:
        check ^= byte
    return frame + bytes((check,))


@dataclass(frozen=True)
class _Pelco:
    """Shared checks and speed mapping; the subclasses place the bits."""

    address: int
    turbo: bool = False  # full pan speed sends 0x40 ("turbo") instead of 0x3F
    aux: Mapping[Aux, int] = field(default_factory=lambda: dict(DEFAULT_AUX))
    protocol = ""
    address_range = (0, 255)

    def __post_init__(self) -> None:
        check_range(f"{self.protocol} address", self.address, *self.address_range, self.protocol)

    @property
    def capabilities(self) -> Capability:
        return _CAPABILITIES

    def _pan_speed(self, pan: float) -> int:
        if self.turbo and abs(pan) == 1.0:
            return TURBO
        return scale(pan, PAN_TILT_MAX)

    def _preset(self, command: Preset) -> tuple[int, int]:
        check_range(f"{self.protocol} preset", command.number, *PRESET_RANGE, self.protocol)
        return _PRESET_OPCODE[command.action], command.number

    def _aux(self, command: AuxOutput) -> tuple[int, int]:
        number = self.aux.get(command.output) if isinstance(command.output, Aux) else command.output
        if number is None:
            raise unsupported(self.protocol, command)
        check_range(f"{self.protocol} auxiliary output", number, *AUX_RANGE, self.protocol)
        return (_AUX_ON if command.on else _AUX_OFF), number


@dataclass(frozen=True)
class PelcoD(_Pelco):
    protocol = "Pelco-D"
    address_range = (1, 255)

    def encode(self, command: PtzCommand) -> tuple[bytes, ...]:
        return (self._frame(command),)

    def _frame(self, command: PtzCommand) -> bytes:
        a = self.address
        if isinstance(command, Stop) or (isinstance(command, Move) and command.is_stop):
            return pelco_d_frame(a, 0, 0, 0, 0)
        if isinstance(command, Move):
            cmd2 = 0
            cmd2 |= 0x02 if command.pan > 0 else 0x04 if command.pan < 0 else 0
            cmd2 |= 0x08 if command.tilt > 0 else 0x10 if command.tilt < 0 else 0
            cmd2 |= 0x20 if command.zoom > 0 else 0x40 if command.zoom < 0 else 0
            return pelco_d_frame(a, 0, cmd2, self._pan_speed(command.pan), scale(command.tilt, PAN_TILT_MAX))
        if isinstance(command, Focus):
            # Near lives in command 1, far in command 2 (bit 7).
            return pelco_d_frame(a, 0x01 if command.speed < 0 else 0, 0x80 if command.speed > 0 else 0, 0, 0)
        if isinstance(command, Iris):
            return pelco_d_frame(a, 0x02 if command.speed > 0 else 0x04 if command.speed < 0 else 0, 0, 0, 0)
        if isinstance(command, AutoFocus | AutoIris):
            opcode = _AUTO_FOCUS if isinstance(command, AutoFocus) else _AUTO_IRIS
            return pelco_d_frame(a, 0, opcode, 0, _AUTO_ON if command.on else _AUTO_OFF)
        if isinstance(command, Preset):
            opcode, number = self._preset(command)
            return pelco_d_frame(a, 0, opcode, 0, number)
        if isinstance(command, AuxOutput):
            opcode, number = self._aux(command)
            return pelco_d_frame(a, 0, opcode, 0, number)
        raise unsupported(self.protocol, command)


@dataclass(frozen=True)
class PelcoP(_Pelco):
    protocol = "Pelco-P"
    address_range = (0, 255)

    def encode(self, command: PtzCommand) -> tuple[bytes, ...]:
        return (self._frame(command),)

    def _frame(self, command: PtzCommand) -> bytes:
        a = self.address
        if isinstance(command, Stop) or (isinstance(command, Move) and command.is_stop):
            return pelco_p_frame(a, 0, 0, 0, 0)
        if isinstance(command, Move):
            data2 = 0
            data2 |= 0x02 if command.pan > 0 else 0x04 if command.pan < 0 else 0
            data2 |= 0x08 if command.tilt > 0 else 0x10 if command.tilt < 0 else 0
            data2 |= 0x20 if command.zoom > 0 else 0x40 if command.zoom < 0 else 0
            return pelco_p_frame(a, 0, data2, self._pan_speed(command.pan), scale(command.tilt, PAN_TILT_MAX))
        if isinstance(command, Focus):
            return pelco_p_frame(a, 0x01 if command.speed > 0 else 0x02 if command.speed < 0 else 0, 0, 0, 0)
        if isinstance(command, Iris):
            return pelco_p_frame(a, 0x04 if command.speed > 0 else 0x08 if command.speed < 0 else 0, 0, 0, 0)
        if isinstance(command, AutoFocus | AutoIris):
            opcode = _AUTO_FOCUS if isinstance(command, AutoFocus) else _AUTO_IRIS
            return pelco_p_frame(a, 0, opcode, 0, _AUTO_ON if command.on else _AUTO_OFF)
        if isinstance(command, Preset):
            opcode, number = self._preset(command)
            return pelco_p_frame(a, 0, opcode, 0, number)
        if isinstance(command, AuxOutput):
            opcode, number = self._aux(command)
            return pelco_p_frame(a, 0, opcode, 0, number)
        raise unsupported(self.protocol, command)
