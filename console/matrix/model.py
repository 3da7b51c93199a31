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
    """A request that the model cannot satisfy; the message is for the operator."""


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
        raise ModelError(f"unknown grid {name!r} (known: {known})") from None


@dataclass(frozen=True)
class Screen:
    name: str
    grid: Grid
    position: tuple[int, int] = (0, 0)  # row, column of this screen in the wall


@dataclass(frozen=True)
class Wall:
    name: str
    screens: tuple[Screen, ...]

    def __post_init__(self) -> None:
        names = [s.name for s in self.screens]
        if len(set(names)) != len(names):
            raise ModelError(f"wall {self.name}: screen names repeat")

    @property
    def monitors(self) -> int:
        return sum(s.grid.size for s in self.screens)

    def locate(self, monitor: int) -> tuple[Screen, int]:
        """The screen and tile index of global monitor number `monitor` (1-based)."""
        if monitor < 1:
            raise ModelError(f"no monitor {monitor}")
        rest = monitor
        for screen in self.screens:
            if rest <= screen.grid.size:
                return screen, rest - 1
            rest -= screen.grid.size
        raise ModelError(f"no monitor {monitor} (wall {self.name} has {self.monitors})")

    def monitor_of(self, screen_name: str, index: int) -> int:
        first = 1
        for screen in self.screens:
            if screen.name == screen_name:
                if not 0 <= index < screen.grid.size:
                    raise ModelError(f"screen {screen_name} has no tile {index + 1}")
                return first + index
            first += screen.grid.size
        raise ModelError(f"no screen {screen_name!r} on wall {self.name}")

    def with_grid(self, screen_name: str, new_grid: Grid) -> Wall:
        if screen_name not in {s.name for s in self.screens}:
            raise ModelError(f"no screen {screen_name!r} on wall {self.name}")
        screens = tuple(Screen(s.name, new_grid, s.position) if s.name == screen_name else s for s in self.screens)
        return Wall(self.name, screens)


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
