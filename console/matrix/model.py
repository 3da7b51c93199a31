"""The software matrix's model: cameras, walls, screens, grids, tiles and routes.

Plain frozen dataclasses, no Qt (a test keeps it so).  A wall knows its screens; each screen
has a grid; tiles are numbered across the whole wall like the monitors of a classic matrix
(`3 MON` is the third tile of the wall).  Runtime status (online, health, who controls a
tile) lives beside the model and is never saved.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field


class ModelError(ValueError):
    """A request that the model cannot satisfy; the message is for the operator.

    `code` and `args` say the same for a desk to put in its own language (the console's
    reason table translates them); the English message is what logs and terminals show.
    """

    def __init__(self, message: str, code: str = "", **args: object) -> None:
        super().__init__(message)
        self.code = code
        self.details = args

    def reason(self) -> dict[str, object]:
        return {"code": self.code, "args": self.details} if self.code else {}


@dataclass(frozen=True)
class Camera:
    number: int  # what operators type: `1042 CAM`
    id: str
    name: str
    place: tuple[str, ...] = ()  # city, county, town, site
    main_stream: str = ""
    sub_stream: str = ""
    ptz: str | None = None  # a PTZ endpoint reference, resolved by console.ptz
    credential: str | None = None  # a keyring reference, never a password
    nvr: str | None = None  # a third-party recorder's playback source (JSON), read by console.video.nvr_playback

    def stream_for(self, tile_fraction: float) -> str:
        """Main stream for big tiles, sub stream (if any) for small ones, as a matrix would."""
        if self.sub_stream and tile_fraction < 0.25:
            return self.sub_stream
        return self.main_stream or self.sub_stream


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    row_span: int = 1
    column_span: int = 1


@dataclass(frozen=True)
class Grid:
    """A screen division: `rows` x `columns`, with cells that may span several."""

    name: str
    rows: int
    columns: int
    cells: tuple[Cell, ...]

    def __post_init__(self) -> None:
        covered: set[tuple[int, int]] = set()
        for cell in self.cells:
            if cell.row < 0 or cell.column < 0 or cell.row_span < 1 or cell.column_span < 1:
                raise ModelError(f"grid {self.name}: bad cell {cell}")
            if cell.row + cell.row_span > self.rows or cell.column + cell.column_span > self.columns:
                raise ModelError(f"grid {self.name}: cell {cell} leaves the {self.rows}x{self.columns} grid")
            spots = {(cell.row + r, cell.column + c) for r in range(cell.row_span) for c in range(cell.column_span)}
            if spots & covered:
                raise ModelError(f"grid {self.name}: cell {cell} overlaps another")
            covered |= spots
        if len(covered) != self.rows * self.columns:
            raise ModelError(f"grid {self.name}: cells leave gaps")

    @property
    def size(self) -> int:
        return len(self.cells)

    def fraction(self, index: int) -> float:
        """The share of the screen that tile `index` covers."""
        cell = self.cells[index]
        return (cell.row_span * cell.column_span) / (self.rows * self.columns)


def _uniform(n: int) -> Grid:
    return Grid(str(n * n), n, n, tuple(Cell(r, c) for r in range(n) for c in range(n)))


def _big_corner(total: int, side: int, big: int) -> Grid:
    """A `big`x`big` tile in the top-left corner of a `side`x`side` grid, the rest single."""
    cells = [Cell(0, 0, big, big)]
    cells += [Cell(r, c) for r in range(side) for c in range(side) if not (r < big and c < big)]
    return Grid(str(total), side, side, tuple(cells))


def _centre(total: int) -> Grid:
    """13: a 2x2 tile in the middle of a 4x4 grid, twelve around it."""
    cells = [Cell(r, c) for r in range(4) for c in range(4) if not (r in (1, 2) and c in (1, 2))]
    cells.insert(5, Cell(1, 1, 2, 2))  # reading order: after the first row and the left tile
    return Grid(str(total), 4, 4, tuple(cells))


STANDARD_GRIDS: dict[str, Grid] = {
    "1": _uniform(1),
    "4": _uniform(2),
    "6": _big_corner(6, 3, 2),
    "8": _big_corner(8, 4, 3),
    "9": _uniform(3),
    "13": _centre(13),
    "16": _uniform(4),
    "25": _uniform(5),
    "36": _uniform(6),
}


def grid(name: str | int) -> Grid:
    try:
        return STANDARD_GRIDS[str(name)]
    except KeyError:
        known = ", ".join(STANDARD_GRIDS)
        raise ModelError(f"unknown grid {name!r} (known: {known})", "unknown-grid", grid=str(name), known=known) from None


@dataclass(frozen=True)
class Screen:
    """One screen of the wall and its block of monitor numbers.

    A monitor number is a place on the wall that operators know by heart and that salvos,
    tours and logs refer to: screen A1's tiles are `first_monitor` onwards, whatever grid the
    other screens show.  The block has room for the largest grid the screen takes
    (`max_grid`); a smaller grid leaves the rest of its numbers unshown, not given to the
    next screen.  Without them (a wall built in code), the screen's block follows the previous
    one and is as large as its grid.
    """

    name: str
    grid: Grid
    position: tuple[int, int] = (0, 0)  # row, column of this screen in the wall
    first_monitor: int | None = None
    max_grid: Grid | None = None

    @property
    def block(self) -> int:
        """How many monitor numbers the screen owns."""
        return (self.max_grid or self.grid).size


@dataclass(frozen=True)
class Wall:
    name: str
    screens: tuple[Screen, ...]
    _firsts: tuple[int, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = [s.name for s in self.screens]
        if len(set(names)) != len(names):
            raise ModelError(f"wall {self.name}: screen names repeat", "screen-twice")
        firsts: list[int] = []
        next_free = 1
        taken: list[tuple[int, int, str]] = []
        for screen in self.screens:
            first = screen.first_monitor if screen.first_monitor is not None else next_free
            if first < 1:
                raise ModelError(f"screen {screen.name}: first monitor {first} must be at least 1", "bad-first-monitor")
            if screen.grid.size > screen.block:
                raise ModelError(f"screen {screen.name} has {screen.block} monitor numbers "
                                 f"({first}-{first + screen.block - 1}); grid {screen.grid.name} needs {screen.grid.size}",
                                 "grid-too-large", screen=screen.name, grid=screen.grid.name, block=screen.block,
                                 first=first, last=first + screen.block - 1)
            last = first + screen.block - 1
            for other_first, other_last, other in taken:
                if first <= other_last and other_first <= last:
                    raise ModelError(f"screens {other} ({other_first}-{other_last}) and {screen.name} ({first}-{last}) "
                                     "share monitor numbers", "blocks-overlap")
            taken.append((first, last, screen.name))
            firsts.append(first)
            next_free = last + 1
        object.__setattr__(self, "_firsts", tuple(firsts))

    @property
    def monitors(self) -> int:
        """How many tiles the wall shows now."""
        return sum(s.grid.size for s in self.screens)

    def monitor_numbers(self) -> list[int]:
        """The monitor numbers shown now, in screen order."""
        return [first + i for screen, first in zip(self.screens, self._firsts, strict=True) for i in range(screen.grid.size)]

    def first_of(self, screen_name: str) -> int:
        for screen, first in zip(self.screens, self._firsts, strict=True):
            if screen.name == screen_name:
                return first
        raise ModelError(f"no screen {screen_name!r} on wall {self.name}", "no-screen", screen=screen_name)

    def owner(self, monitor: int) -> tuple[Screen, int] | None:
        """The screen whose block holds `monitor` and its index there, shown or not."""
        for screen, first in zip(self.screens, self._firsts, strict=True):
            if first <= monitor < first + screen.block:
                return screen, monitor - first
        return None

    def locate(self, monitor: int) -> tuple[Screen, int]:
        """The screen and tile index of monitor number `monitor`, if the wall shows it now."""
        owned = self.owner(monitor) if isinstance(monitor, int) else None
        if owned is None:
            raise ModelError(f"no monitor {monitor} (wall {self.name} has {self.monitors})", "no-monitor",
                             monitor=monitor, wall=self.name, monitors=self.monitors)
        screen, index = owned
        if index >= screen.grid.size:
            first = self.first_of(screen.name)
            raise ModelError(f"monitor {monitor} is not shown now: screen {screen.name} shows grid {screen.grid.name} "
                             f"(monitors {first}-{first + screen.grid.size - 1})", "monitor-hidden",
                             monitor=monitor, screen=screen.name, grid=screen.grid.name, first=first,
                             last=first + screen.grid.size - 1)
        return screen, index

    def shows(self, monitor: int) -> bool:
        owned = self.owner(monitor)
        return owned is not None and owned[1] < owned[0].grid.size

    def monitor_of(self, screen_name: str, index: int) -> int:
        first = self.first_of(screen_name)
        screen = next(s for s in self.screens if s.name == screen_name)
        if not 0 <= index < screen.grid.size:
            raise ModelError(f"screen {screen_name} has no tile {index + 1}", "no-tile", screen=screen_name, tile=index + 1)
        return first + index

    def with_grid(self, screen_name: str, new_grid: Grid) -> Wall:
        if screen_name not in {s.name for s in self.screens}:
            raise ModelError(f"no screen {screen_name!r} on wall {self.name}", "no-screen", screen=screen_name)
        # Each screen keeps its block: a neighbour's grid never renumbers it.
        screens = tuple(Screen(s.name, new_grid, s.position, first, s.max_grid or s.grid)
                        if s.name == screen_name else Screen(s.name, s.grid, s.position, first, s.max_grid or s.grid)
                        for s, first in zip(self.screens, self._firsts, strict=True))
        return Wall(self.name, screens)

    def fixed(self) -> Wall:
        """The same wall with every block written out (first monitor and largest grid)."""
        return Wall(self.name, tuple(Screen(s.name, s.grid, s.position, first, s.max_grid or s.grid)
                                     for s, first in zip(self.screens, self._firsts, strict=True)))


@dataclass(frozen=True)
class Tour:
    """A camera sequence for one tile: (camera number, dwell seconds) steps."""

    name: str
    steps: tuple[tuple[int, float], ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise ModelError(f"tour {self.name}: no steps")
        for camera, dwell in self.steps:
            # nan compares false with everything and inf never comes: either would stop the
            # host's tour timer (a dwell is bounded where files and the bus are read, too).
            if not math.isfinite(dwell) or dwell <= 0:
                raise ModelError(f"tour {self.name}: camera {camera} has dwell {dwell}; it must be a positive number of seconds")


@dataclass(frozen=True)
class Salvo:
    """A named set of routes recalled at once: monitor number -> camera number."""

    name: str
    routes: tuple[tuple[int, int], ...]


@dataclass
class MatrixState:
    """What the matrix shows now: the wall, its routes, and the saved salvos and tours."""

    wall: Wall
    routes: dict[int, int] = field(default_factory=dict)  # monitor -> camera number
    salvos: dict[str, Salvo] = field(default_factory=dict)
    tours: dict[str, Tour] = field(default_factory=dict)
