"""PTZ commands of the matrix: what a desk asks of a camera's dome, over the bus.

The same kind of objects as console/matrix/commands.py (a stable `name`, `to_dict()`,
`ptz_command_from_dict()` bounded where the bus's JSON becomes a command), kept apart so
the host can tell them from wall commands: PTZ commands go to the PTZ arbiter
(console/matrix/ptz_control.py), which checks the camera's lock, and a joystick's moves are
not audited one by one.

Each names a camera by number.  Speeds are in [-1, 1] (positive: right, up, zoom in, focus
far, iris open); preset numbers are the dome's own (0-255 here; the camera's protocol checks
its own range: Pelco 1-255, VISCA 0-254).  A continuous command (`PtzMove`, `PtzFocus`,
`PtzIris`) lasts while its desk repeats it: the desk re-sends it at least every
`REFRESH_EVERY` seconds while the key, button or joystick is held, and the host stops the
dome when it hears nothing for its dead-man time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from console.matrix.commands import (
    MAX_DWELL,
    MAX_ITEMS,
    MAX_NAME,
    MAX_NUMBER,
    Command,
    CommandError,
    bounded_integer,
    decode_command,
    short_repr,
)

REFRESH_EVERY = 0.3
"""Seconds between a desk's repeats of a held move (the host's dead-man waits longer)."""

MAX_PRESET = 255
MAX_AUX = 255
MAX_TOUR_STEPS = 256
MAX_IDLE = 7 * 86_400.0  # park after at most a week idle


@dataclass(frozen=True)
class PtzMatrixCommand(Command):
    """A command addressed to one camera's dome."""

    camera: int


@dataclass(frozen=True)
class PtzMove(PtzMatrixCommand):
    """Continuous pan/tilt/zoom; all zero is a stop.  Repeated while held (see REFRESH_EVERY)."""

    name: ClassVar[str] = "PtzMove"
    pan: float = 0.0
    tilt: float = 0.0
    zoom: float = 0.0

    @property
    def is_stop(self) -> bool:
        return self.pan == 0 and self.tilt == 0 and self.zoom == 0


@dataclass(frozen=True)
class PtzStop(PtzMatrixCommand):
    """Stop every drive of the dome (pan, tilt, zoom, focus, iris) and any PTZ tour on it."""

    name: ClassVar[str] = "PtzStop"


@dataclass(frozen=True)
class PtzFocus(PtzMatrixCommand):
    """Continuous focus drive: positive far, negative near, zero stops it."""

    name: ClassVar[str] = "PtzFocus"
    speed: float = 0.0


@dataclass(frozen=True)
class PtzIris(PtzMatrixCommand):
    """Continuous iris drive: positive opens, negative closes, zero stops it."""

    name: ClassVar[str] = "PtzIris"
    speed: float = 0.0


PRESET_ACTIONS = ("goto", "set", "clear")


@dataclass(frozen=True)
class PtzPreset(PtzMatrixCommand):
    """Call (`goto`), store (`set`) or forget (`clear`) a preset; `title` names a stored one."""

    name: ClassVar[str] = "PtzPreset"
    action: str
    preset: int
    title: str = ""


@dataclass(frozen=True)
class PtzCentre(PtzMatrixCommand):
    """Bring the point (x, y) of the camera's picture to its centre: each in [-1, 1] from the
    picture's centre, +x right, +y up (a double-click on a tile).  Domes that take a point in
    the picture's terms do it (ONVIF TranslationSpaceFov); the others answer NA."""

    name: ClassVar[str] = "PtzCentre"
    x: float = 0.0
    y: float = 0.0


@dataclass(frozen=True)
class PtzAux(PtzMatrixCommand):
    """Switch an auxiliary output of the dome (wiper, light: the dome's relay number)."""

    name: ClassVar[str] = "PtzAux"
    output: int
    on: bool = True


@dataclass(frozen=True)
class PtzLock(PtzMatrixCommand):
    """Hold the dome until released (a supervisor's explicit lock)."""

    name: ClassVar[str] = "PtzLock"


@dataclass(frozen=True)
class PtzRelease(PtzMatrixCommand):
    """Give the dome back before the lock lapses (or, with a higher priority, free another's)."""

    name: ClassVar[str] = "PtzRelease"


@dataclass(frozen=True)
class PtzSaveTour(PtzMatrixCommand):
    """Define a PTZ tour of the camera: preset i for dwells[i] s, travelling at speeds[i]
    (0-1, where the dome takes a speed for preset calls; empty: the dome's own)."""

    name: ClassVar[str] = "PtzSaveTour"
    tour: str
    presets: tuple[int, ...]
    dwells: tuple[float, ...]
    speeds: tuple[float, ...] = ()


@dataclass(frozen=True)
class PtzStartTour(PtzMatrixCommand):
    name: ClassVar[str] = "PtzStartTour"
    tour: str


@dataclass(frozen=True)
class PtzStopTour(PtzMatrixCommand):
    name: ClassVar[str] = "PtzStopTour"


@dataclass(frozen=True)
class PtzPark(PtzMatrixCommand):
    """Send the dome to `preset` after `after` seconds with nobody steering it (0: never)."""

    name: ClassVar[str] = "PtzPark"
    preset: int
    after: float


PTZ_COMMANDS: dict[str, type[PtzMatrixCommand]] = {
    cls.name: cls for cls in (PtzMove, PtzStop, PtzFocus, PtzIris, PtzPreset, PtzCentre, PtzAux, PtzLock, PtzRelease,
                              PtzSaveTour, PtzStartTour, PtzStopTour, PtzPark)
}

CONTINUOUS = (PtzMove, PtzFocus, PtzIris)
"""Commands a desk repeats while held; the dead-man stop watches them."""

CONFIGURATION = (PtzSaveTour, PtzPark)
"""Commands that change what the host keeps for the camera, not the dome: no lock needed
(the host may restrict them to supervisors, as it does SaveSalvo and SaveTour)."""


def is_ptz_command(data: object) -> bool:
    """Whether a bus message's content is one of these (the host's dispatch)."""
    return isinstance(data, dict) and data.get("command") in PTZ_COMMANDS


def ptz_command_from_dict(data: object) -> PtzMatrixCommand:
    """Decode a PTZ command from the bus: name, fields, types and bounds; CommandError says which."""
    command = decode_command(data, PTZ_COMMANDS, lambda cls, name, _kind, value: _coerce(cls.name, name, value),
                             "PTZ command")
    if isinstance(command, PtzSaveTour):
        _check_tour(command)
    return command


def _number(command: str, field: str, value: object, low: float, high: float, *, zero: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CommandError(f"{command}.{field} must be a number, not {short_repr(value)}")
    if not low <= value <= high or (not zero and value == 0):
        span = f"from {low:g} to {high:g}" if zero else f"above {low:g}, up to {high:g}"
        raise CommandError(f"{command}.{field} must be {span}, not {short_repr(value)}")
    return float(value)


def _text(command: str, field: str, value: object, *, empty: bool) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise CommandError(f"{command}.{field} must be a non-empty string, not {short_repr(value)}")
    if len(value) > MAX_NAME or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
        raise CommandError(f"{command}.{field} must be at most {MAX_NAME} printable characters")
    return value


def _list(command: str, field: str, value: object) -> list[object]:
    if not isinstance(value, list | tuple) or len(value) > min(MAX_ITEMS, MAX_TOUR_STEPS):
        raise CommandError(f"{command}.{field} must be a list of at most {MAX_TOUR_STEPS} numbers, not {short_repr(value)}")
    return list(value)


def _coerce(command: str, field: str, value: object) -> object:
    if field == "camera":
        return bounded_integer(command, field, value, 1, MAX_NUMBER)
    if field in ("pan", "tilt", "zoom", "speed", "x", "y"):
        return _number(command, field, value, -1.0, 1.0)
    if field == "preset":
        return bounded_integer(command, field, value, 0, MAX_PRESET)
    if field == "output":
        return bounded_integer(command, field, value, 1, MAX_AUX)
    if field == "on":
        if not isinstance(value, bool):
            raise CommandError(f"{command}.{field} must be true or false, not {short_repr(value)}")
        return value
    if field == "action":
        if value not in PRESET_ACTIONS:
            raise CommandError(f"{command}.{field} must be one of {', '.join(PRESET_ACTIONS)}, not {short_repr(value)}")
        return value
    if field == "title":
        return _text(command, field, value, empty=True)
    if field == "tour":
        return _text(command, field, value, empty=False)
    if field == "after":
        return _number(command, field, value, 0.0, MAX_IDLE)
    if field == "presets":
        return tuple(bounded_integer(command, field, v, 0, MAX_PRESET) for v in _list(command, field, value))
    if field == "dwells":
        return tuple(_number(command, field, v, 0.0, MAX_DWELL, zero=False) for v in _list(command, field, value))
    if field == "speeds":
        return tuple(_number(command, field, v, 0.0, 1.0, zero=False) for v in _list(command, field, value))
    raise CommandError(f"{command}.{field}: unsupported field")  # pragma: no cover - a programming error


def _check_tour(command: PtzSaveTour) -> None:
    if not command.presets:
        raise CommandError(f"{command.name}.presets: a tour needs at least one preset")
    if len(command.dwells) != len(command.presets):
        raise CommandError(f"{command.name}: {len(command.presets)} presets but {len(command.dwells)} dwell times")
    if command.speeds and len(command.speeds) != len(command.presets):
        raise CommandError(f"{command.name}: {len(command.presets)} presets but {len(command.speeds)} speeds")
