"""What a dome is asked to do: frozen command objects, independent of any protocol.

Speeds are normalised to [-1, 1] (positive: right, up, zoom in/tele, focus far, iris open);
each encoder maps them onto its protocol's range.  A `Move` with every speed zero is a stop.
Numbers that belong to the device (preset, auxiliary output) are the device's own numbers:
presets 1-255 on Pelco, memory 0-254 on VISCA; the encoder checks them and says what fits.

The matrix host's commands (`PtzMove(camera, ...)` on the bus) name a camera; these name
nothing: the host looks the camera's dome up and hands the dome one of these.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from enum import Enum
from typing import Any, ClassVar


class PtzError(ValueError):
    """A command the dome or its protocol cannot take, in words an operator can read.

    The matrix host answers it as `NA <message>`.
    """


def check_speed(what: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PtzError(f"{what} speed must be a number from -1 to 1, not {value!r}")
    if not -1.0 <= value <= 1.0:
        raise PtzError(f"{what} speed {value:g} is out of range (-1 to 1)")
    return float(value)


class PresetAction(Enum):
    GOTO = "goto"
    SET = "set"
    CLEAR = "clear"


class Aux(Enum):
    """Named auxiliary outputs; the dome's configuration says which relay each one is."""

    WIPER = "wiper"
    LIGHT = "light"


@dataclass(frozen=True)
class PtzCommand:
    name: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return {"command": self.name, **{k: (v.value if isinstance(v, Enum) else v) for k, v in fields.items()}}


@dataclass(frozen=True)
class Move(PtzCommand):
    """Continuous pan/tilt/zoom at these speeds until the next command."""

    name: ClassVar[str] = "move"
    pan: float = 0.0
    tilt: float = 0.0
    zoom: float = 0.0

    def __post_init__(self) -> None:
        check_speed("pan", self.pan)
        check_speed("tilt", self.tilt)
        check_speed("zoom", self.zoom)

    @property
    def is_stop(self) -> bool:
        return self.pan == 0 and self.tilt == 0 and self.zoom == 0


@dataclass(frozen=True)
class Stop(PtzCommand):
    """Stop pan, tilt, zoom and any focus or iris drive."""

    name: ClassVar[str] = "stop"


@dataclass(frozen=True)
class Focus(PtzCommand):
    """Drive the focus: positive far, negative near, zero stops it."""

    name: ClassVar[str] = "focus"
    speed: float = 0.0

    def __post_init__(self) -> None:
        check_speed("focus", self.speed)


@dataclass(frozen=True)
class Iris(PtzCommand):
    """Drive the iris: positive opens, negative closes, zero stops it."""

    name: ClassVar[str] = "iris"
    speed: float = 0.0

    def __post_init__(self) -> None:
        check_speed("iris", self.speed)


@dataclass(frozen=True)
class AutoFocus(PtzCommand):
    name: ClassVar[str] = "auto-focus"
    on: bool = True


@dataclass(frozen=True)
class AutoIris(PtzCommand):
    name: ClassVar[str] = "auto-iris"
    on: bool = True


@dataclass(frozen=True)
class Preset(PtzCommand):
    name: ClassVar[str] = "preset"
    action: PresetAction
    number: int

    def __post_init__(self) -> None:
        if not isinstance(self.action, PresetAction):
            raise PtzError(f"unknown preset action {self.action!r} (goto, set or clear)")
        if isinstance(self.number, bool) or not isinstance(self.number, int):
            raise PtzError(f"preset number must be a whole number, not {self.number!r}")


@dataclass(frozen=True)
class AuxOutput(PtzCommand):
    """Switch an auxiliary output (a relay: wiper, light, ...) on or off."""

    name: ClassVar[str] = "aux"
    output: Aux | int
    on: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.output, bool) or not isinstance(self.output, Aux | int):
            raise PtzError(f"auxiliary output must be a number or one of wiper, light, not {self.output!r}")


def _check_position(what: str, value: float, low: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PtzError(f"{what} must be a number, not {value!r}")
    if not low <= value <= 1.0:
        raise PtzError(f"{what} {value:g} is out of range ({low:g} to 1)")


@dataclass(frozen=True)
class MoveTo(PtzCommand):
    """Absolute position where the device offers it: pan, tilt in [-1, 1], zoom in [0, 1]."""

    name: ClassVar[str] = "move-to"
    pan: float
    tilt: float
    zoom: float | None = None

    def __post_init__(self) -> None:
        _check_position("pan position", self.pan, -1.0)
        _check_position("tilt position", self.tilt, -1.0)
        if self.zoom is not None:
            _check_position("zoom position", self.zoom, 0.0)


@dataclass(frozen=True)
class MoveBy(PtzCommand):
    """Relative move by a translation in the device's normalised space (each in [-1, 1])."""

    name: ClassVar[str] = "move-by"
    pan: float = 0.0
    tilt: float = 0.0
    zoom: float = 0.0

    def __post_init__(self) -> None:
        for what in ("pan", "tilt", "zoom"):
            _check_position(f"{what} translation", getattr(self, what), -1.0)


@dataclass(frozen=True)
class Centre(PtzCommand):
    """Bring a point of the picture to its centre: x, y in [-1, 1] from the centre of the picture
    (+x right, +y up), as ONVIF's field-of-view translation space has them.  Only the dome knows
    its field of view at its present zoom, so only a dome that takes the point itself can do this."""

    name: ClassVar[str] = "centre"
    x: float = 0.0
    y: float = 0.0

    def __post_init__(self) -> None:
        _check_position("x", self.x, -1.0)
        _check_position("y", self.y, -1.0)


COMMANDS: dict[str, type[PtzCommand]] = {
    cls.name: cls for cls in (Move, Stop, Focus, Iris, AutoFocus, AutoIris, Preset, AuxOutput, MoveTo, MoveBy, Centre)
}


def command_from_dict(data: dict[str, Any]) -> PtzCommand:
    """The inverse of `to_dict`; any mistake is a `PtzError` that says what was wrong."""
    if not isinstance(data, dict):
        raise PtzError(f"a PTZ command is a mapping, not {type(data).__name__}")
    kind = data.get("command")
    cls = COMMANDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise PtzError(f"unknown PTZ command {kind!r} (known: {', '.join(sorted(COMMANDS))})")
    names = {f.name for f in dataclasses.fields(cls)}
    unknown = set(data) - names - {"command"}
    if unknown:
        raise PtzError(f"PTZ command {kind}: unknown field(s) {', '.join(sorted(unknown))}")
    kwargs = {k: v for k, v in data.items() if k in names}
    if cls is Preset and "action" in kwargs:
        try:
            kwargs["action"] = PresetAction(kwargs["action"])
        except ValueError:
            raise PtzError(f"unknown preset action {kwargs['action']!r} (goto, set or clear)") from None
    if cls is AuxOutput and isinstance(kwargs.get("output"), str):
        try:
            kwargs["output"] = Aux(kwargs["output"])
        except ValueError:
            raise PtzError(f"unknown auxiliary output {kwargs['output']!r} (a number, wiper or light)") from None
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise PtzError(f"PTZ command {kind}: {exc}") from None


def as_move(command: PtzCommand) -> Move | None:
    """A `Stop` is the all-zero `Move`; other commands are not moves."""
    if isinstance(command, Stop):
        return Move()
    return command if isinstance(command, Move) else None
