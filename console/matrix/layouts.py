"""Layout files: a wall, its salvos and tours, in YAML that supervisors edit and review.

Loading reports every problem at once, each with file and line (a supervisor fixes a file in
one go, not one error per restart).  Saving is atomic, keeps a `.bak`, and writes only when
the content changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from console.atomic import write_atomic
from console.matrix.model import STANDARD_GRIDS, ModelError, Salvo, Screen, Tour, Wall, grid
from console.matrix.yamlfile import MAX_INT, Limits, NotTextError, Reader, TooBig, decode
from console.video.urls import mask_url

# 2: each screen owns a block of monitor numbers (first_monitor, max_grid), so that a grid
#    change on one screen never renumbers another.  Version 1 numbered the tiles of all
#    screens in a row by their current grids; it is read as version 2 with the numbers it
#    gives today (see `_migrate_v1`).
VERSION = 2


class LayoutError(ValueError):
    """All the problems of one file, one `path:line: message` per line."""

    def __init__(self, problems: list[str]) -> None:
        # A message quotes what the file says: never a password it holds (a URL in a wrong field).
        problems = [mask_url(p) for p in problems]
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Layout:
    wall: Wall
    salvos: dict[str, Salvo] = field(default_factory=dict)
    tours: dict[str, Tour] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # salvo/tour name -> human title
    min_dwell: float = 1.0  # the shortest tour step this centre allows, in seconds
    notes: list[str] = field(default_factory=list)  # what loading changed, for the log (a migration)


# What a layout file may hold (README, "Layouts"): a wall of at most 8 screens of 36 tiles is
# a few kilobytes; these are far beyond any real one and far below what stalls the host.
MAX_LAYOUT_BYTES = 1 << 20
MAX_SCREENS = 64
MAX_SALVOS = 1000
MAX_TOURS = 1000
MAX_STEPS = 1000
MAX_NAME = 64
MAX_TITLE = 200
DEFAULT_MAX_GRID = "36"  # a screen of a version 2 file without max_grid: room for every grid
DEFAULT_MIN_DWELL = 1.0  # seconds; a layout may allow shorter (`min_dwell:`), never below 0.2
MAX_DWELL = 86_400.0
LIMITS = Limits(max_bytes=MAX_LAYOUT_BYTES, max_nodes=200_000, max_text=MAX_TITLE)


def load_layout(path: str | Path) -> Layout:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_LAYOUT_BYTES:
            raise LayoutError([f"{path}:1: {size:,} bytes; a layout holds at most {MAX_LAYOUT_BYTES:,}"])
        data = path.read_bytes()
    except OSError as exc:
        raise LayoutError([f"{path}:1: cannot read: {exc.strerror or exc}"]) from exc
    try:
        text = decode(path, data)
    except NotTextError as exc:
        raise LayoutError([exc.problem]) from None
    return parse_layout(text, str(path))


def parse_layout(text: str, path: str = "<layout>") -> Layout:
    reader = Reader(path, LIMITS)
    root = reader.compose(text)
    if root is None:
        raise LayoutError(reader.problems)
    try:
        layout = _layout(reader, root)
    except TooBig as exc:
        raise LayoutError([str(exc)]) from None
    if reader.problems or layout is None:
        raise LayoutError(reader.problems or [f"{path}:1: not a layout"])
    return layout


def _layout(reader: Reader, root: yaml.Node) -> Layout | None:
    top = reader.mapping(root, "the file", {"version", "wall", "salvos", "tours", "min_dwell"}, {"version", "wall"})
    if top is None:
        return None
    version = VERSION
    if "version" in top:
        version = reader.integer(top["version"], "version", 1, 1000) or VERSION
        if version > VERSION:
            reader.problem(top["version"], f"version {version} is newer than this program reads ({VERSION})")
    min_dwell = DEFAULT_MIN_DWELL
    if "min_dwell" in top:
        min_dwell = reader.number(top["min_dwell"], "min_dwell", 0.2, 3600) or DEFAULT_MIN_DWELL
    wall = _wall(reader, top["wall"], version) if "wall" in top else None
    layout = Layout(wall or Wall("?", ()), min_dwell=min_dwell)
    if wall is not None and version == 1:
        layout.notes.append(f"{reader.path}: a version 1 layout: monitor numbers are kept as they are now; a screen "
                            "can show no more tiles than now, but the last; write version 2 with first_monitor and "
                            "max_grid per screen to give them room (videowall layout upgrade FILE)")
    if "salvos" in top:
        salvos = reader.sequence(top["salvos"], "salvos")
        if len(salvos) > MAX_SALVOS:
            reader.problem(top["salvos"], f"{len(salvos):,} salvos; a layout holds at most {MAX_SALVOS}")
        for node in salvos[:MAX_SALVOS]:
            reader.visit(node)
            _salvo(reader, node, layout, wall)
    if "tours" in top:
        tours = reader.sequence(top["tours"], "tours")
        if len(tours) > MAX_TOURS:
            reader.problem(top["tours"], f"{len(tours):,} tours; a layout holds at most {MAX_TOURS}")
        for node in tours[:MAX_TOURS]:
            reader.visit(node)
            _tour(reader, node, layout)
    return layout


def _name(reader: Reader, node: yaml.Node, what: str) -> str | None:
    """A salvo's or tour's name: what the keyboard calls it, so `3 SALVO` finds salvo "3".

    Written as a number it must be a plain one (`01` would be a second name for salvo 1)."""
    value = reader.text(node, what, max_length=MAX_NAME)
    if value is not None and value.isascii() and value.isdigit() and (value != str(int(value)) or int(value) > MAX_INT):
        reader.problem(node, f"{what} {value!r}: a number from 1 to {MAX_INT:,} without leading zeros")
        return None
    return value


def _wall(reader: Reader, node: yaml.Node, version: int = VERSION) -> Wall | None:
    fields = reader.mapping(node, "wall", {"name", "screens"}, {"name", "screens"})
    if fields is None:
        return None
    name = reader.text(fields["name"], "wall name", max_length=MAX_TITLE) if "name" in fields else None
    screens: list[Screen] = []
    seen: set[str] = set()
    screen_nodes = reader.sequence(fields["screens"], "screens") if "screens" in fields else []
    if len(screen_nodes) > MAX_SCREENS:
        reader.problem(fields["screens"], f"{len(screen_nodes)} screens; a wall has at most {MAX_SCREENS}")
        screen_nodes = []
    for screen_node in screen_nodes:
        allowed = {"name", "grid", "position"} | ({"first_monitor", "max_grid"} if version >= 2 else set())
        screen_fields = reader.mapping(screen_node, "a screen", allowed, {"name", "grid"})
        if screen_fields is None:
            continue
        screen_name = reader.text(screen_fields["name"], "screen name", max_length=MAX_NAME) \
            if "name" in screen_fields else None
        if screen_name in seen:
            reader.problem(screen_fields["name"], f"screen {screen_name!r} appears twice")
        grid_name = reader.text(screen_fields["grid"], "grid", max_length=8) if "grid" in screen_fields else None
        if grid_name is not None and grid_name not in STANDARD_GRIDS:
            reader.problem(screen_fields["grid"], f"unknown grid {grid_name!r} (known: {', '.join(STANDARD_GRIDS)})")
            grid_name = None
        position = (0, len(screens))
        if "position" in screen_fields:
            parts = reader.sequence(screen_fields["position"], "position")
            values = [reader.integer(p, "position", 0, 63) for p in parts]
            if len(values) != 2 or None in values:
                reader.problem(screen_fields["position"], "position must be [row, column], each from 0 to 63")
            else:
                position = (values[0], values[1])  # type: ignore[assignment]
        first = reader.integer(screen_fields["first_monitor"], "first_monitor", 1, MAX_INT - 36) \
            if "first_monitor" in screen_fields else None
        largest = reader.text(screen_fields["max_grid"], "max_grid", max_length=8) if "max_grid" in screen_fields else None
        if largest is not None and largest not in STANDARD_GRIDS:
            reader.problem(screen_fields["max_grid"], f"unknown grid {largest!r} (known: {', '.join(STANDARD_GRIDS)})")
            largest = None
        if screen_name and grid_name:
            seen.add(screen_name)
            if version < 2:
                largest = grid_name  # _migrate_v1 gives the last screen room
            elif largest is None:
                largest = DEFAULT_MAX_GRID
            if grid(grid_name).size > grid(largest).size:
                reader.problem(screen_fields["grid"], f"screen {screen_name}: grid {grid_name} is larger than its "
                                                      f"max_grid {largest}")
                largest = grid_name  # reported; the rest of the file is still checked against the screen
            screens.append(Screen(screen_name, grid(grid_name), position, first, grid(largest)))
    if version < 2 and screens:
        screens = _migrate_v1(screens)
    if "screens" in fields and not screens and not reader.problems:
        reader.problem(fields["screens"], "a wall needs at least one screen")
    if name is None or not screens:
        return None
    try:
        return Wall(name, tuple(screens)).fixed()
    except ModelError as exc:
        reader.problem(node, str(exc))
        return None


def _migrate_v1(screens: list[Screen]) -> list[Screen]:
    """Version 1's numbers, kept: each screen's block starts where its tiles start today and is
    as large as its grid, but the last screen's, which has no neighbour to renumber."""
    out = []
    first = 1
    for index, screen in enumerate(screens):
        largest = grid(DEFAULT_MAX_GRID) if index == len(screens) - 1 else screen.grid
        out.append(Screen(screen.name, screen.grid, screen.position, first, largest))
        first += screen.grid.size
    return out


def _salvo(reader: Reader, node: yaml.Node, layout: Layout, wall: Wall | None) -> None:
    fields = reader.mapping(node, "a salvo", {"name", "title", "routes"}, {"name", "routes"})
    if fields is None:
        return
    name = _name(reader, fields["name"], "salvo name") if "name" in fields else None
    routes: dict[int, int] = {}
    if "routes" in fields:
        route_node = fields["routes"]
        reader.visit(route_node)
        if not isinstance(route_node, yaml.MappingNode):
            reader.problem(route_node, f"salvo {name}: routes must be a mapping (monitor: camera)")
        else:
            first: dict[int, int] = {}
            for key, camera_node in route_node.value:
                monitor = reader.integer(key, f"salvo {name}: monitor", 1, MAX_INT)
                camera = reader.integer(camera_node, f"salvo {name}: camera", 1, MAX_INT)
                if monitor is None:
                    continue
                if monitor in first:
                    reader.problem(key, f"salvo {name}: monitor {monitor} appears twice (first on line {first[monitor]})")
                    continue
                first[monitor] = key.start_mark.line + 1
                if wall is not None and wall.owner(monitor) is None:
                    reader.problem(key, f"salvo {name}: no monitor {monitor} (the wall's monitors are {_blocks(wall)})")
                    continue
                if camera is not None:
                    routes[monitor] = camera
    if name is None:
        return
    if name in layout.salvos:
        reader.problem(fields["name"], f"salvo {name!r} appears twice")
    layout.salvos[name] = Salvo(name, tuple(sorted(routes.items())))
    if "title" in fields and (title := reader.text(fields["title"], "title", max_length=MAX_TITLE, required=False)):
        layout.titles[f"salvo:{name}"] = title


def _tour(reader: Reader, node: yaml.Node, layout: Layout) -> None:
    fields = reader.mapping(node, "a tour", {"name", "title", "steps"}, {"name", "steps"})
    if fields is None:
        return
    name = _name(reader, fields["name"], "tour name") if "name" in fields else None
    steps: list[tuple[int, float]] = []
    step_nodes = reader.sequence(fields["steps"], "steps") if "steps" in fields else []
    if len(step_nodes) > MAX_STEPS:
        reader.problem(fields["steps"], f"tour {name}: {len(step_nodes):,} steps; a tour has at most {MAX_STEPS}")
        step_nodes = []
    for step_node in step_nodes:
        step = reader.mapping(step_node, "a step", {"camera", "dwell"}, {"camera", "dwell"})
        if step is None:
            continue
        camera = reader.integer(step["camera"], "camera", 1, MAX_INT) if "camera" in step else None
        dwell = reader.number(step["dwell"], "dwell", layout.min_dwell, MAX_DWELL) if "dwell" in step else None
        if camera is not None and dwell is not None:
            steps.append((camera, dwell))
    if name is None:
        return
    if not steps:
        if not reader.problems:
            reader.problem(node, f"tour {name!r} has no steps")
        return
    if name in layout.tours:
        reader.problem(fields["name"], f"tour {name!r} appears twice")
    layout.tours[name] = Tour(name, tuple(steps))
    if "title" in fields and (title := reader.text(fields["title"], "title", max_length=MAX_TITLE, required=False)):
        layout.titles[f"tour:{name}"] = title


def _blocks(wall: Wall) -> str:
    return ", ".join(f"{s.name} {wall.first_of(s.name)}-{wall.first_of(s.name) + s.block - 1}" for s in wall.screens)


def dump_layout(layout: Layout) -> str:
    data: dict[str, Any] = {
        "version": VERSION,
        "wall": {
            "name": layout.wall.name,
            "screens": [{"name": s.name, "grid": s.grid.name, "position": list(s.position),
                         "first_monitor": layout.wall.first_of(s.name), "max_grid": (s.max_grid or s.grid).name}
                        for s in layout.wall.screens],
        },
    }
    if layout.min_dwell != DEFAULT_MIN_DWELL:
        data["min_dwell"] = layout.min_dwell
    if layout.salvos:
        data["salvos"] = []
        for salvo in layout.salvos.values():
            entry: dict[str, Any] = {"name": salvo.name}
            if title := layout.titles.get(f"salvo:{salvo.name}"):
                entry["title"] = title
            entry["routes"] = dict(salvo.routes)
            data["salvos"].append(entry)
    if layout.tours:
        data["tours"] = []
        for tour in layout.tours.values():
            entry = {"name": tour.name}
            if title := layout.titles.get(f"tour:{tour.name}"):
                entry["title"] = title
            entry["steps"] = [{"camera": c, "dwell": d} for c, d in tour.steps]
            data["tours"].append(entry)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def save_layout(layout: Layout, path: str | Path) -> bool:
    """Write atomically with a .bak of the previous file; False if nothing changed."""
    path = Path(path)
    text = dump_layout(layout)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text.encode("utf-8"), backup=True)
    return True
