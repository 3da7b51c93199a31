"""One interface for every dome, whatever steers it.

A `PtzController` takes command objects and never blocks its caller: it hands the command to
the worker of the line (or camera) and returns.  What happens to the line is reported through
its status callback.  `capabilities` says what the device can do, so the layers above it (the
host's software presets, tours, locks, throttling) add only what it lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Flag, auto
from typing import Protocol, runtime_checkable

from console.ptz.commands import PtzCommand


class Capability(Flag):
    NONE = 0
    PAN_TILT = auto()
    ZOOM = auto()
    ZOOM_SPEED = auto()  # zoom at a variable speed, not only on/off
    FOCUS = auto()
    IRIS = auto()
    AUTO_FOCUS = auto()
    AUTO_IRIS = auto()
    PRESETS = auto()
    AUX = auto()
    ABSOLUTE = auto()  # absolute pan/tilt/zoom positions
    RELATIVE = auto()  # relative moves by a translation
    CENTRE = auto()  # relative moves in the picture's own terms (ONVIF TranslationSpaceFov)
    STATUS = auto()  # the device reports its position
    MOVE_TIMEOUT = auto()  # the device stops a continuous move by itself after a timeout

    def extends(self, wanted: Capability) -> Capability:
        """What of `wanted` this device lacks, i.e. what a wrapper must add."""
        return wanted & ~self


@dataclass(frozen=True)
class LineStatus:
    """The state of a line (or network camera) as an operator reads it."""

    where: str  # the line's URL, masked
    state: str  # "connecting", "open", "down", "closed"
    reason: str = ""
    kind: str = "line"  # "camera" for a network camera steered on its own

    @property
    def text(self) -> str:
        return f"{self.kind} {self.where}: {self.reason or self.state}"


StatusCallback = Callable[[LineStatus], None]


@dataclass(frozen=True)
class PtzPosition:
    """Normalised position: pan and tilt in [-1, 1], zoom in [0, 1]."""

    pan: float
    tilt: float
    zoom: float
    moving: bool = False


@runtime_checkable
class PtzController(Protocol):
    @property
    def capabilities(self) -> Capability: ...

    def send(self, command: PtzCommand) -> None:
        """Queue the command for the device; raises `PtzError` at once if it cannot be encoded."""

    def close(self) -> None: ...
