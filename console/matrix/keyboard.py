"""The matrix keyboard's grammar: `3 MON 1042 CAM`, `NEXT`, `2 SEQ`, `5 SALVO`, `CLEAR`.

A line holds any number of key presses; digits form the entry, a function key consumes it.
The session remembers the selected monitor between lines, as the keyboard's display does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from console.matrix.commands import ClearTile, Command, HoldTour, RecallSalvo, RouteCamera, StartTour, StepTour
from console.matrix.model import ModelError

# ASCII digits only: `\d` also takes "①", "²" and Arabic-Indic digits, which int() then refuses.
_TOKEN = re.compile(r"[0-9]+|[A-Za-z]+|\S")
# Pelco matrix ASCII (CM6800 and kin): an optional number, a command letter, a closing "a";
# "~" in front negates (the stop forms of PTZ moves).
_PELCO = re.compile(r"(~?)([0-9]*)([^\sa0-9~])a")
PELCO_LINE = re.compile(r"^(?:~?[0-9]*[^\sa0-9~]a)+$")
MAX_NUMBER = 2**31 - 1  # monitors, cameras, salvos and tours: what the bus and the catalog carry
MAX_LINE = 1000  # characters: a keyboard line, even pasted, is never longer
PELCO_ACCEPTED, PELCO_REJECTED = "AKa", "NAa"
KEYS = ("MON", "CAM", "NEXT", "PREV", "SEQ", "HOLD", "SALVO", "CLEAR", "PRESET", "SET", "REC", "PLAY", "LIVE")
DEFAULT_REPLAY = 30  # seconds back for PLAY with no number: an instant replay
MAX_REPLAY = 7 * 86_400
# Pelco ASCII's PTZ letters (CM6700 manual C523M-H, table D): axis and direction.
PELCO_AXES = {"L": ("pan", -1), "R": ("pan", 1), "U": ("tilt", 1), "D": ("tilt", -1), "T": ("zoom", 1),
              "W": ("zoom", -1), "N": ("focus", -1), "F": ("focus", 1), "O": ("iris", 1), "C": ("iris", -1)}


@dataclass(frozen=True)
class PtzKey:
    """A PTZ key for the camera on `monitor`; the host finds the camera and asks its arbiter.

    action: "goto" / "set" a preset `number`; "move" one `axis` (pan, tilt, zoom, focus,
    iris) at `speed` in [-1, 1], 0 stopping that axis; "stop" everything."""

    monitor: int
    action: str
    number: int | None = None
    axis: str | None = None
    speed: float = 0.0


@dataclass(frozen=True)
class RecordKey:
    """REC: record the camera on `monitor` for `minutes` (0: the centre's default); the host
    finds the camera, as it does for PTZ keys."""

    monitor: int
    minutes: int = 0


@dataclass(frozen=True)
class PlayKey:
    """PLAY: the selected monitor's camera from `seconds` ago, played on that monitor; the host
    finds the camera, as it does for REC."""

    monitor: int
    seconds: int = DEFAULT_REPLAY


@dataclass(frozen=True)
class LiveKey:
    """LIVE: the selected monitor back to its camera live."""

    monitor: int


class KeyboardError(ModelError):
    """Answered as `NA <message>`, with a code and arguments for the desk to translate."""


@dataclass
class KeyboardSession:
    monitor: int | None = None  # the selected monitor (`n MON`)
    entry: int | None = None  # digits typed, not yet consumed by a function key

    def feed(self, line: str) -> list[Command | PtzKey | RecordKey | PlayKey | LiveKey]:
        """Parse one line into commands; on an error nothing of the line takes effect."""
        monitor, entry = self.monitor, self.entry
        commands: list[Command | PtzKey | RecordKey | PlayKey | LiveKey] = []
        if len(line) > MAX_LINE:
            raise KeyboardError(f"a keyboard line of {len(line):,} characters; at most {MAX_LINE}", "line-too-long",
                                limit=MAX_LINE)
        for token in _TOKEN.findall(line):
            if token.isascii() and token.isdigit():
                if entry is not None:
                    raise KeyboardError(f"two numbers in a row ({entry} {_short(token)}): press a function key between them",
                                        "two-numbers", first=entry, second=_short(token))
                entry = _number(token)
                continue
            key = token.upper()
            if key not in KEYS:
                raise KeyboardError(f"unknown key {_short(token)!r}", "unknown-key", key=_short(token))
            if key == "MON":
                if entry is None or entry < 1:
                    raise KeyboardError("MON needs a monitor number first", "needs-number", key="MON")
                monitor, entry = entry, None
            elif key == "SALVO":
                if entry is None:
                    raise KeyboardError("SALVO needs a salvo number first", "needs-number", key="SALVO")
                commands.append(RecallSalvo(str(entry)))
                entry = None
            elif key == "CLEAR":
                if entry is not None:
                    entry = None  # like the keyboard: CLEAR first wipes what was typed
                elif monitor is not None:
                    commands.append(ClearTile(monitor))
                else:
                    raise KeyboardError("CLEAR with nothing typed and no monitor selected", "clear-nothing")
            else:
                if monitor is None:
                    raise KeyboardError(f"{key} needs a monitor: select one with n MON", "needs-monitor", key=key)
                if key == "CAM":
                    if entry is None:
                        raise KeyboardError("CAM needs a camera number first", "needs-number", key="CAM")
                    commands.append(RouteCamera(monitor, entry))
                    entry = None
                elif key == "SEQ":
                    if entry is None:
                        raise KeyboardError("SEQ needs a tour number first", "needs-number", key="SEQ")
                    commands.append(StartTour(monitor, str(entry)))
                    entry = None
                elif key == "HOLD":
                    commands.append(HoldTour(monitor))
                elif key == "REC":
                    # REC records the selected monitor's camera for the default time; 30 REC for 30 minutes.
                    if entry is not None and entry > 24 * 60:
                        raise KeyboardError(f"REC for {entry} minutes: at most {24 * 60} (a day)", "rec-too-long",
                                            minutes=entry, limit=24 * 60)
                    commands.append(RecordKey(monitor, entry or 0))
                    entry = None
                elif key == "PLAY":
                    # PLAY replays the selected monitor's camera from 30 s ago; 300 PLAY from 5 minutes ago.
                    if entry is not None and not 1 <= entry <= MAX_REPLAY:
                        raise KeyboardError(f"PLAY from {entry} seconds ago: 1 to {MAX_REPLAY} (a week)",
                                            "play-too-far", seconds=entry, limit=MAX_REPLAY)
                    commands.append(PlayKey(monitor, entry or DEFAULT_REPLAY))
                    entry = None
                elif key == "LIVE":
                    commands.append(LiveKey(monitor))
                elif key in ("PRESET", "SET"):
                    # 3 PRESET calls preset 3 of the camera on the selected monitor; 3 SET stores it.
                    if entry is None:
                        raise KeyboardError(f"{key} needs a preset number first", "needs-number", key=key)
                    commands.append(PtzKey(monitor, "goto" if key == "PRESET" else "set", entry))
                    entry = None
                else:
                    commands.append(StepTour(monitor, 1 if key == "NEXT" else -1))
        self.monitor, self.entry = monitor, entry
        return commands


    # -- Pelco ASCII ------------------------------------------------------------------
    def feed_pelco(self, text: str) -> list[tuple[list[Command | PtzKey], str | None]]:
        """Parse Pelco ASCII (`3Ma16#a`, `+a`, `-a`, `2qa`, `ea`): one result per command.

        Each result is (commands, None) when accepted (answered AKa) or ([], reason) when
        rejected (answered NAa, with the reason for our log).  Like the original, commands
        before a rejected one still take effect.
        """
        results: list[tuple[list[Command | PtzKey], str | None]] = []
        position = 0
        for match in _PELCO.finditer(text):
            if match.start() != position:
                results.append(([], f"unreadable input {text[position:match.start()]!r}"))
            position = match.end()
            results.append(self._pelco_command(match.group(1) == "~", match.group(2), match.group(3)))
        if position != len(text.strip()):
            results.append(([], f"unreadable input {text[position:]!r}"))
        return results

    def _pelco_command(self, negated: bool, digits: str, letter: str) -> tuple[list[Command | PtzKey], str | None]:
        try:
            number = _number(digits) if digits else None
        except KeyboardError as exc:
            return [], str(exc)
        if letter in PELCO_AXES or letter in "s\\^":
            return self._pelco_ptz(negated, number, letter)
        if negated:
            return [], f"~{letter}a is not supported"
        if letter == "M":
            if number is None or number < 1:
                return [], "Ma needs a monitor number"
            self.monitor, self.entry = number, None
            return [], None
        if self.monitor is None:
            return [], f"{letter}a needs a monitor: select one with nMa"
        if letter == "#":
            if number is None:
                return [], "#a needs a camera number"
            return [RouteCamera(self.monitor, number)], None
        if letter in "+-" and number is None:
            return [StepTour(self.monitor, 1 if letter == "+" else -1)], None
        if letter in "qb" and number is not None:
            return [StartTour(self.monitor, str(number), 1 if letter == "q" else -1)], None
        if letter == "e" and number is None:
            return [HoldTour(self.monitor)], None
        return [], f"{digits}{letter}a is not supported"

    def _pelco_ptz(self, negated: bool, number: int | None, letter: str) -> tuple[list[Command | PtzKey], str | None]:
        """47Ra pans right at 47 of 64, ~Ra stops panning, sa stops everything, 3\\a calls
        preset 3, 3^a sets it: for the camera on the selected monitor."""
        if self.monitor is None:
            return [], f"{letter}a needs a monitor: select one with nMa"
        if letter == "s":
            return [PtzKey(self.monitor, "stop")], None
        if letter in "\\^":
            if number is None or negated:
                return [], f"{letter}a needs a preset number"
            return [PtzKey(self.monitor, "goto" if letter == "\\" else "set", number)], None
        axis, sign = PELCO_AXES[letter]
        if negated:
            return [PtzKey(self.monitor, "move", axis=axis, speed=0.0)], None
        top = 64 if axis == "pan" else 63
        if number is not None and not 1 <= number <= top:
            return [], f"{number}{letter}a: speeds go from 1 to {top}"
        # No speed: half speed, as the manual allows ("some devices move at their default speed").
        speed = number / top if number is not None and axis in ("pan", "tilt") else 0.5
        return [PtzKey(self.monitor, "move", axis=axis, speed=sign * speed)], None


def _number(digits: str) -> int:
    """A typed number, bounded where it is parsed: the host's loop never sees a 20-digit one."""
    if len(digits) > 10 or int(digits) > MAX_NUMBER:
        raise KeyboardError(f"{_short(digits)} is too large: numbers go up to {MAX_NUMBER:,}", "number-too-large",
                            number=_short(digits), limit=MAX_NUMBER)
    return int(digits)


def _short(text: str) -> str:
    return text if len(text) <= 24 else text[:20] + "…"
