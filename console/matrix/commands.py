"""Every change to the matrix is a command object.

The same dataclasses come from the keyboard line, a mouse drop, the undo stack and the bus;
each has a stable `name` and round-trips through `to_dict()` / `command_from_dict()`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

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


COMMANDS: dict[str, type[Command]] = {
    cls.name: cls for cls in (RouteCamera, ClearTile, SetGrid, SaveSalvo, RecallSalvo, SaveTour, StartTour, HoldTour,
                              StepTour)
}


def command_from_dict(data: object) -> Command:
    """Decode a command from the bus, checking its name, its fields and their types."""
    if not isinstance(data, dict):
        raise CommandError(f"a command is an object, not {type(data).__name__}")
    name = data.get("command")
    cls = COMMANDS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise CommandError(f"unknown command {name!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    given = {k: v for k, v in data.items() if k != "command"}
    unknown = sorted(set(given) - set(fields))
    if unknown:
        raise CommandError(f"{name}: unknown field(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for field_name, field in fields.items():
        if field_name not in given:
            if field.default is dataclasses.MISSING:
                raise CommandError(f"{name}: missing field {field_name}")
            continue
        values[field_name] = _coerce(cls.name, field_name, str(field.type), given[field_name])
    return cls(**values)


def _coerce(command: str, field: str, kind: str, value: object) -> object:
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise CommandError(f"{command}.{field} must be an integer, not {value!r}")
        return value
    if kind == "str":
        if not isinstance(value, str) or not value:
            raise CommandError(f"{command}.{field} must be a non-empty string, not {value!r}")
        return value
    if kind == "tuple[float, ...]":
        if not isinstance(value, list | tuple) or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value):
            raise CommandError(f"{command}.{field} must be a list of numbers, not {value!r}")
        return tuple(float(v) for v in value)
    if kind == "tuple[int, ...]":
        if not isinstance(value, list | tuple) or any(isinstance(v, bool) or not isinstance(v, int) for v in value):
            raise CommandError(f"{command}.{field} must be a list of integers, not {value!r}")
        return tuple(value)
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
            raise ModelError(f"unknown camera {command.camera}")
        state.routes[command.monitor] = command.camera
        return {command.monitor: command.camera}
    if isinstance(command, ClearTile):
        wall.locate(command.monitor)
        state.routes.pop(command.monitor, None)
        return {command.monitor: None}
    if isinstance(command, SetGrid):
        new_wall = wall.with_grid(command.screen, grid(command.grid))
        # Tiles that no longer exist lose their routes; monitor numbers after this screen move.
        old = {m: wall.locate(m) for m in state.routes}
        moved: dict[int, int] = {}
        for monitor, camera in state.routes.items():
            screen, index = old[monitor]
            if screen.name == command.screen and index >= grid(command.grid).size:
                continue
            moved[new_wall.monitor_of(screen.name, index)] = camera
        changes: dict[int, int | None] = {m: None for m in state.routes if m not in moved}
        changes.update({m: c for m, c in moved.items() if state.routes.get(m) != c})
        state.wall, state.routes = new_wall, moved
        return changes
    if isinstance(command, SaveSalvo):
        monitors = command.monitors or tuple(sorted(state.routes))
        for monitor in monitors:
            wall.locate(monitor)
        routes = tuple((m, state.routes[m]) for m in monitors if m in state.routes)
        state.salvos[command.salvo] = Salvo(command.salvo, routes)
        return {}
    if isinstance(command, SaveTour):
        if not command.cameras or len(command.cameras) != len(command.dwells):
            raise ModelError(f"tour {command.tour}: {len(command.cameras)} cameras but {len(command.dwells)} dwell times")
        for camera in command.cameras:
            if cameras(camera) is None:
                raise ModelError(f"tour {command.tour}: unknown camera {camera}")
        state.tours[command.tour] = Tour(command.tour, tuple(zip(command.cameras, command.dwells, strict=True)))
        return {}
    if isinstance(command, RecallSalvo):
        salvo = state.salvos.get(command.salvo)
        if salvo is None:
            raise ModelError(f"unknown salvo {command.salvo!r}")
        for monitor, camera in salvo.routes:
            wall.locate(monitor)
            if cameras(camera) is None:
                raise ModelError(f"salvo {salvo.name}: unknown camera {camera}")
        for monitor, camera in salvo.routes:
            state.routes[monitor] = camera
        return dict(salvo.routes)
    raise ModelError(f"{command.name} is handled by the matrix host")
