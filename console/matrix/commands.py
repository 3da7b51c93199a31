"""Every change to the matrix is a command object.

The same dataclasses come from the keyboard line, a mouse drop, the undo stack and the bus;
each has a stable `name` and round-trips through `to_dict()` / `command_from_dict()`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from console.matrix.model import Camera, MatrixState, ModelError, Salvo, Tour, grid


class CommandError(ValueError):
    """A command that cannot be decoded (bad name, fields or types); says which."""


@dataclass(frozen=True)
class Command:
    name: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        return {"command": self.name, **dataclasses.asdict(self)}


@dataclass(frozen=True)
class RouteCamera(Command):
    name: ClassVar[str] = "RouteCamera"
    monitor: int
    camera: int


@dataclass(frozen=True)
class ClearTile(Command):
    name: ClassVar[str] = "ClearTile"
    monitor: int


@dataclass(frozen=True)
class SetGrid(Command):
    name: ClassVar[str] = "SetGrid"
    screen: str
    grid: str


@dataclass(frozen=True)
class SaveSalvo(Command):
    name: ClassVar[str] = "SaveSalvo"
    salvo: str
    monitors: tuple[int, ...] = ()  # empty: every routed monitor


@dataclass(frozen=True)
class RecallSalvo(Command):
    name: ClassVar[str] = "RecallSalvo"
    salvo: str


@dataclass(frozen=True)
class SaveTour(Command):
    """Define or redefine a tour: camera i shown for dwells[i] seconds."""

    name: ClassVar[str] = "SaveTour"
    tour: str
    cameras: tuple[int, ...]
    dwells: tuple[float, ...]


@dataclass(frozen=True)
class StartTour(Command):
    name: ClassVar[str] = "StartTour"
    monitor: int
    tour: str
    direction: int = 1  # -1 runs the sequence backwards (Pelco `b`)


@dataclass(frozen=True)
class HoldTour(Command):
    name: ClassVar[str] = "HoldTour"
    monitor: int


@dataclass(frozen=True)
class StepTour(Command):
    """NEXT / PREV: steps the monitor's tour, or with no tour the next or previous camera number."""

    name: ClassVar[str] = "StepTour"
    monitor: int
    step: int  # +1 next, -1 previous


EVIDENCE_ACTIONS = ("snapshot", "print", "pdf")


@dataclass(frozen=True)
class EvidenceNote(Command):
    """Evidence a desk made, for the host's audit trail (the desk keeps the evidence itself): a
    frame stored (`snapshot`, sha256 of the image), a sheet printed (`print`, on printer `where`,
    `copies`) or saved (`pdf`, sha256 of the PDF).  It changes nothing on the wall."""

    name: ClassVar[str] = "EvidenceNote"
    action: str
    evidence: tuple[str, ...]  # evidence numbers
    sha256: str
    where: str  # "MON 7", the printer, the PDF's file name
    copies: int = 1

    def __post_init__(self) -> None:
        if self.action not in EVIDENCE_ACTIONS:
            raise CommandError(f"{self.name}.action must be one of {', '.join(EVIDENCE_ACTIONS)}, not {short_repr(self.action)}")
        if len(self.sha256) != 64 or any(c not in "0123456789abcdef" for c in self.sha256):
            raise CommandError(f"{self.name}.sha256 must be 64 lowercase hex digits, not {short_repr(self.sha256)}")


MAX_RECORD_MINUTES = 24 * 60


@dataclass(frozen=True)
class RecordCamera(Command):
    """Record a camera for `minutes` from now (0: the centre's default), whatever its schedule;
    the recorder carries it out.  Asked again, the end moves to the new time."""

    name: ClassVar[str] = "RecordCamera"
    camera: int
    minutes: int = 0

    def __post_init__(self) -> None:
        if isinstance(self.minutes, bool) or not isinstance(self.minutes, int) or \
                not 0 <= self.minutes <= MAX_RECORD_MINUTES:
            raise CommandError(f"{self.name}.minutes must be from 0 to {MAX_RECORD_MINUTES}, "
                               f"not {short_repr(self.minutes)}")


# What a desk may do with recordings, granted per role (the host configuration's `rights:`).
RECORDING_RIGHTS = ("playback", "export", "bookmark", "wall-playback")
# Without a `rights:` section: every operator watches recordings, on the desk and the wall, and
# marks moments; exporting takes footage out of the centre as evidence, which is a supervisor's
# (as releasing a bookmark's protection is, issue 15).
DEFAULT_RIGHTS: dict[str, tuple[str, ...]] = {"operator": ("playback", "wall-playback", "bookmark"),
                                              "supervisor": RECORDING_RIGHTS}
MAX_TOKEN_CAMERAS = 64  # 16 synchronised tiles, a few times over


@dataclass(frozen=True)
class RecordingToken(Command):
    """A desk asks for a token to read `cameras`' recordings from the recorder with `right`
    (console/recorder/tokens.py); the host grants it if the desk's role has the right, and
    audits the grant or the refusal.  It changes nothing on the wall."""

    name: ClassVar[str] = "RecordingToken"
    cameras: tuple[int, ...]
    right: str = "playback"

    def __post_init__(self) -> None:
        if self.right not in RECORDING_RIGHTS:
            raise CommandError(f"{self.name}.right must be one of {', '.join(RECORDING_RIGHTS)}, "
                               f"not {short_repr(self.right)}")
        if not 1 <= len(self.cameras) <= MAX_TOKEN_CAMERAS:
            raise CommandError(f"{self.name}.cameras must name 1 to {MAX_TOKEN_CAMERAS} cameras, "
                               f"not {len(self.cameras)}")


# Playback speeds the desks and wall agents play at (console/video/playback.py SPEEDS).
PLAYBACK_SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
PLAYBACK_ACTIONS = ("pause", "play", "seek", "speed")
MAX_PLAYBACK_MONITORS = 16  # a synchronised group, as on the desk


@dataclass(frozen=True)
class PlayRecording(Command):
    """Play recordings on wall tiles: `cameras[i]` on `monitors[i]`, all from the recorded
    `moment` (UTC seconds) at `speed`, in sync (one clock for the group).  The tile says
    PLAYBACK with the recorded time; a route to the monitor (or ClearTile) ends it."""

    name: ClassVar[str] = "PlayRecording"
    monitors: tuple[int, ...]
    cameras: tuple[int, ...]
    moment: float
    speed: float = 1.0

    def __post_init__(self) -> None:
        if not 1 <= len(self.monitors) <= MAX_PLAYBACK_MONITORS:
            raise CommandError(f"{self.name}.monitors must name 1 to {MAX_PLAYBACK_MONITORS} monitors")
        if len(self.cameras) != len(self.monitors):
            raise CommandError(f"{self.name}: {len(self.monitors)} monitors but {len(self.cameras)} cameras")
        if len(set(self.monitors)) != len(self.monitors):
            raise CommandError(f"{self.name}.monitors names a monitor twice")
        if self.speed not in PLAYBACK_SPEEDS:
            raise CommandError(f"{self.name}.speed must be one of {', '.join(f'{s:g}' for s in PLAYBACK_SPEEDS)}, "
                               f"not {short_repr(self.speed)}")


@dataclass(frozen=True)
class ControlPlayback(Command):
    """Pause, play, seek (to `moment`) or change the speed of the recordings on `monitors`."""

    name: ClassVar[str] = "ControlPlayback"
    monitors: tuple[int, ...]
    action: str
    moment: float = 0.0
    speed: float = 1.0

    def __post_init__(self) -> None:
        if not 1 <= len(self.monitors) <= MAX_PLAYBACK_MONITORS:
            raise CommandError(f"{self.name}.monitors must name 1 to {MAX_PLAYBACK_MONITORS} monitors")
        if self.action not in PLAYBACK_ACTIONS:
            raise CommandError(f"{self.name}.action must be one of {', '.join(PLAYBACK_ACTIONS)}, "
                               f"not {short_repr(self.action)}")
        if self.speed not in PLAYBACK_SPEEDS:
            raise CommandError(f"{self.name}.speed must be one of {', '.join(f'{s:g}' for s in PLAYBACK_SPEEDS)}, "
                               f"not {short_repr(self.speed)}")


COMMANDS: dict[str, type[Command]] = {
    cls.name: cls for cls in (RouteCamera, ClearTile, SetGrid, SaveSalvo, RecallSalvo, SaveTour, StartTour, HoldTour,
                              StepTour, EvidenceNote, RecordCamera, RecordingToken, PlayRecording, ControlPlayback)
}


def command_from_dict(data: object) -> Command:
    """Decode a command from the bus, checking its name, its fields and their types."""
    return decode_command(data, COMMANDS, lambda cls, name, kind, value: _coerce(cls.name, name, kind, value), "command")


CommandType = TypeVar("CommandType", bound="Command")
Coerce = Callable[[type[Any], str, str, object], object]


def decode_command(data: object, registry: Mapping[str, type[CommandType]], coerce: Coerce, what: str) -> CommandType:
    """A command from its bus form: a known name, no unknown field, every required field, each
    value through `coerce(cls, field, declared type, value)`, which checks its type and bounds."""
    if not isinstance(data, dict):
        raise CommandError(f"a command is an object, not {type(data).__name__}")
    name = data.get("command")
    cls = registry.get(name) if isinstance(name, str) else None
    if cls is None:
        raise CommandError(f"unknown {what} {short_repr(name)}" + (f" (known: {', '.join(sorted(registry))})"
                                                                   if what != "command" else ""))
    fields = {f.name: f for f in dataclasses.fields(cls)}
    given = {k: v for k, v in data.items() if k != "command"}
    unknown = sorted(str(k) for k in set(given) - set(fields))
    if unknown:
        raise CommandError(f"{name}: unknown field(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for field_name, field in fields.items():
        if field_name not in given:
            if field.default is dataclasses.MISSING:
                raise CommandError(f"{name}: missing field {field_name}")
            continue
        values[field_name] = coerce(cls, field_name, str(field.type), given[field_name])
    return cls(**values)


MAX_NUMBER = 2**31 - 1  # monitor, camera, salvo and tour numbers
MAX_NAME = 64  # a salvo's, tour's or screen's name
MAX_ITEMS = 1000  # monitors of a salvo, steps of a tour
MAX_DWELL = 86_400.0  # a day: a tour step never needs longer


def short_repr(value: object) -> str:
    """A value for a message: its repr, cut short (a bus message may carry anything)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:36] + "…"


def bounded_integer(command: str, field: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CommandError(f"{command}.{field} must be an integer, not {short_repr(value)}")
    if not low <= value <= high:
        raise CommandError(f"{command}.{field} must be from {low} to {high:,}, not {short_repr(value)}")
    return value


def _coerce(command: str, field: str, kind: str, value: object) -> object:
    # Bounded here, where the bus's JSON becomes a command: a number that no SQLite column,
    # tour timer or camera protocol can hold never reaches the host's loop.
    if kind == "int":
        if field == "minutes":
            return bounded_integer(command, field, value, 0, MAX_RECORD_MINUTES)
        if field in ("step", "direction"):
            number = bounded_integer(command, field, value, -1, 1)
            if number == 0:
                raise CommandError(f"{command}.{field} must be 1 or -1")
            return number
        return bounded_integer(command, field, value, 1, MAX_NUMBER)
    if kind == "float":
        # A recorded moment (UTC seconds) or a speed: finite and not negative.
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise CommandError(f"{command}.{field} must be a number (0 or more), not {short_repr(value)}")
        return float(value)
    if kind == "str":
        if not isinstance(value, str) or not value.strip():
            raise CommandError(f"{command}.{field} must be a non-empty string, not {short_repr(value)}")
        if len(value) > MAX_NAME or any(ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in value):
            raise CommandError(f"{command}.{field} must be at most {MAX_NAME} printable characters")
        return value
    if kind == "tuple[str, ...]":
        if not isinstance(value, list | tuple) or not value or len(value) > MAX_ITEMS:
            raise CommandError(f"{command}.{field} must be a list of 1 to {MAX_ITEMS} strings, not {short_repr(value)}")
        return tuple(str(_coerce(command, field, "str", v)) for v in value)
    if kind in ("tuple[float, ...]", "tuple[int, ...]"):
        if not isinstance(value, list | tuple) or len(value) > MAX_ITEMS:
            raise CommandError(f"{command}.{field} must be a list of at most {MAX_ITEMS} numbers, not {short_repr(value)}")
        if kind == "tuple[int, ...]":
            if any(isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= MAX_NUMBER for v in value):
                raise CommandError(f"{command}.{field} must be a list of integers from 1 to {MAX_NUMBER:,}, "
                                   f"not {short_repr(value)}")
            return tuple(value)
        dwells = []
        for v in value:
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or not 0 < v <= MAX_DWELL:
                raise CommandError(f"{command}.{field} must be a list of numbers of seconds up to {MAX_DWELL:g}, "
                                   f"not {short_repr(v)}")
            dwells.append(float(v))
        return tuple(dwells)
    raise CommandError(f"{command}.{field}: unsupported type {kind}")  # pragma: no cover - a programming error


CameraLookup = Callable[[int], Camera | None]


def apply(state: MatrixState, command: Command, cameras: CameraLookup) -> dict[int, int | None]:
    """Apply a wall command to `state`; returns the routes it changed (monitor -> camera or None).

    Tour commands are timed by the matrix host and are not applied here.
    """
    wall = state.wall
    if isinstance(command, RouteCamera):
        wall.locate(command.monitor)
        if cameras(command.camera) is None:
            raise ModelError(f"unknown camera {command.camera}", "unknown-camera", camera=command.camera)
        state.routes[command.monitor] = command.camera
        return {command.monitor: command.camera}
    if isinstance(command, ClearTile):
        wall.locate(command.monitor)
        state.routes.pop(command.monitor, None)
        return {command.monitor: None}
    if isinstance(command, SetGrid):
        new_wall = wall.with_grid(command.screen, grid(command.grid))
        # Monitor numbers stay where they are; only the tiles this screen no longer shows
        # lose their routes.
        vanished = [m for m in state.routes if not new_wall.shows(m)]
        for monitor in vanished:
            del state.routes[monitor]
        state.wall = new_wall
        return dict.fromkeys(vanished)
    if isinstance(command, SaveSalvo):
        monitors = command.monitors or tuple(sorted(state.routes))
        for monitor in monitors:
            wall.locate(monitor)
        routes = tuple((m, state.routes[m]) for m in monitors if m in state.routes)
        state.salvos[command.salvo] = Salvo(command.salvo, routes)
        return {}
    if isinstance(command, SaveTour):
        if not command.cameras or len(command.cameras) != len(command.dwells):
            raise ModelError(f"tour {command.tour}: {len(command.cameras)} cameras but {len(command.dwells)} dwell times",
                             "tour-steps-mismatch", tour=command.tour)
        for camera in command.cameras:
            if cameras(camera) is None:
                raise ModelError(f"tour {command.tour}: unknown camera {camera}", "tour-unknown-camera",
                                 tour=command.tour, camera=camera)
        state.tours[command.tour] = Tour(command.tour, tuple(zip(command.cameras, command.dwells, strict=True)))
        return {}
    if isinstance(command, RecallSalvo):
        salvo = state.salvos.get(command.salvo)
        if salvo is None:
            raise ModelError(f"unknown salvo {command.salvo!r}", "unknown-salvo", salvo=command.salvo)
        for _monitor, camera in salvo.routes:
            if cameras(camera) is None:
                raise ModelError(f"salvo {salvo.name}: unknown camera {camera}", "salvo-unknown-camera",
                                 salvo=salvo.name, camera=camera)
        # A monitor the wall does not show now (its screen's grid is smaller) is skipped: the
        # host says which, and the rest of the salvo is recalled.
        shown = [(m, c) for m, c in salvo.routes if wall.shows(m)]
        for monitor, camera in shown:
            state.routes[monitor] = camera
        return dict(shown)
    raise ModelError(f"{command.name} is handled by the matrix host")
