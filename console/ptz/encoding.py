"""What every protocol encoder shares: the encoder interface, speed scaling, range checks."""

from __future__ import annotations

from typing import Protocol

from console.ptz.commands import AutoFocus, AutoIris, Centre, Focus, Iris, Move, PtzCommand, PtzError, Stop
from console.ptz.controller import Capability

MOTION = "motion"
"""Coalescing slot of continuous moves: a newer move (or stop) replaces one not yet sent."""

LENS = "lens"
"""Coalescing slot of continuous focus/iris drives."""


class Encoder(Protocol):
    """A pure function from command objects to the protocol's messages, for one device."""

    @property
    def protocol(self) -> str: ...

    @property
    def address(self) -> int: ...

    @property
    def capabilities(self) -> Capability: ...

    def encode(self, command: PtzCommand) -> tuple[bytes, ...]:
        """The messages to send, in order (none when the command needs nothing on the wire)."""


def scale(value: float, top: int, bottom: int = 1) -> int:
    """|value| in (0, 1] onto bottom..top; 0 stays 0 (the direction bits carry the sign).

    The smallest non-zero speed still moves: a joystick barely pushed must not read as stop.
    """
    if value == 0:
        return 0
    return max(bottom, min(top, round(abs(value) * top)))


def check_range(what: str, value: int, low: int, high: int, protocol: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise PtzError(f"{what} must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise PtzError(f"{what} {value} is out of range for {protocol} ({low}-{high})")
    return value


def coalescing_slot(command: PtzCommand) -> str | None:
    """Which commands a newer one of the same kind may replace before it is sent."""
    if isinstance(command, Move | Stop):
        return MOTION
    if isinstance(command, Focus | Iris):
        return LENS
    return None


def unsupported(protocol: str, command: PtzCommand) -> PtzError:
    what = {AutoFocus: "auto-focus", AutoIris: "auto-iris", Centre: "centre-on-a-point"}.get(type(command), command.name)
    return PtzError(f"{protocol} has no {what} command")


def hexstr(data: bytes) -> str:
    return data.hex(" ").upper()


__all__ = ["LENS", "MOTION", "Encoder", "Move", "check_range", "coalescing_slot", "hexstr", "scale", "unsupported"]
