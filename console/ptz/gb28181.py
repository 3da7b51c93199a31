"""GB/T 28181-2016 Appendix A: the front-end control command (the `<PTZCmd>` of a MESSAGE).

Eight bytes written as 16 hex digits:

    1 A5h | 2 version<<4 | check | 3 address low 8 bits | 4 instruction | 5 data 1 | 6 data 2
    | 7 data 3 (high nibble) | address high 4 bits | 8 (bytes 1-7 summed) % 256

with version 0 (the standard's 1.0) and check = (A + 5 + version) % 16 = Fh, so every command
starts `A50F`.  Instruction byte (A.3.2-A.3.5):

- PTZ: bit 5 zoom out, bit 4 zoom in, bit 3 up, bit 2 down, bit 1 left, bit 0 right; data 1
  the pan speed 00-FFh, data 2 the tilt speed 00-FFh, data 3 the zoom speed 0-Fh.  All zero
  is a stop.
- FI: 0100 then bit 3 iris close, bit 2 iris open, bit 1 focus near, bit 0 focus far; data 1
  the focus speed, data 2 the iris speed (00-FFh).
- presets: 81h set, 82h go to, 83h delete, data 2 the preset 01-FFh.
- auxiliary switch: 8Ch on, 8Dh off, data 1 the switch (1 is the wiper).

Encoding only: the SIP MESSAGE that carries it is another layer's work.  With the device
addressed by its `<DeviceID>`, the address bytes are usually left at 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from console.ptz.commands import Aux, AuxOutput, Focus, Iris, Move, Preset, PresetAction, PtzCommand, Stop
from console.ptz.controller import Capability
from console.ptz.encoding import check_range, scale, unsupported

SPEED_MAX = 0xFF
ZOOM_SPEED_MAX = 0x0F
ADDRESS_MAX = 0xFFF
VERSION = 0
DEFAULT_AUX: Mapping[Aux, int] = {Aux.WIPER: 1}

_PRESET_OPCODE = {PresetAction.SET: 0x81, PresetAction.GOTO: 0x82, PresetAction.CLEAR: 0x83}
_AUX_ON, _AUX_OFF = 0x8C, 0x8D
_CAPABILITIES = (
    Capability.PAN_TILT | Capability.ZOOM | Capability.ZOOM_SPEED | Capability.FOCUS | Capability.IRIS
    | Capability.PRESETS | Capability.AUX
)


def ptz_cmd(address: int, instruction: int, data1: int, data2: int, data3: int) -> str:
    """The 16-digit string for raw fields (data3 is the 4-bit field of byte 7)."""
    first = 0xA5
    check = ((first >> 4) + (first & 0x0F) + VERSION) % 16
    raw = bytes((
        first,
        VERSION << 4 | check,
        address & 0xFF,
        instruction,
        data1,
        data2,
        (data3 & 0x0F) << 4 | (address >> 8) & 0x0F,
    ))
    return (raw + bytes((sum(raw) % 256,))).hex().upper()


@dataclass(frozen=True)
class Gb28181:
    address: int = 1
    aux: Mapping[Aux, int] = field(default_factory=lambda: dict(DEFAULT_AUX))
    protocol = "GB/T 28181"

    def __post_init__(self) -> None:
        check_range("GB/T 28181 address", self.address, 0, ADDRESS_MAX, self.protocol)

    @property
    def capabilities(self) -> Capability:
        return _CAPABILITIES

    def encode(self, command: PtzCommand) -> tuple[bytes, ...]:
        """The PTZCmd string as ASCII bytes, like every other encoder's messages."""
        return (self.ptz_cmd(command).encode("ascii"),)

    def ptz_cmd(self, command: PtzCommand) -> str:
        a = self.address
        if isinstance(command, Stop):
            return ptz_cmd(a, 0, 0, 0, 0)
        if isinstance(command, Move):
            instruction = 0
            instruction |= 0x01 if command.pan > 0 else 0x02 if command.pan < 0 else 0
            instruction |= 0x08 if command.tilt > 0 else 0x04 if command.tilt < 0 else 0
            instruction |= 0x10 if command.zoom > 0 else 0x20 if command.zoom < 0 else 0
            return ptz_cmd(a, instruction, scale(command.pan, SPEED_MAX), scale(command.tilt, SPEED_MAX),
                           scale(command.zoom, ZOOM_SPEED_MAX))
        if isinstance(command, Focus):
            bits = 0x01 if command.speed > 0 else 0x02 if command.speed < 0 else 0
            return ptz_cmd(a, 0x40 | bits, scale(command.speed, SPEED_MAX), 0, 0)
        if isinstance(command, Iris):
            bits = 0x04 if command.speed > 0 else 0x08 if command.speed < 0 else 0
            return ptz_cmd(a, 0x40 | bits, 0, scale(command.speed, SPEED_MAX), 0)
        if isinstance(command, Preset):
            check_range("GB/T 28181 preset", command.number, 1, 0xFF, self.protocol)
            return ptz_cmd(a, _PRESET_OPCODE[command.action], 0, command.number, 0)
        if isinstance(command, AuxOutput):
            number = self.aux.get(command.output) if isinstance(command.output, Aux) else command.output
            if number is None:
                raise unsupported(self.protocol, command)
            check_range("GB/T 28181 auxiliary switch", number, 1, 0xFF, self.protocol)
            return ptz_cmd(a, _AUX_ON if command.on else _AUX_OFF, number, 0, 0)
        raise unsupported(self.protocol, command)
