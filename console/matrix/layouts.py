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

VERSION = 1


class LayoutError(ValueError):
    """All the problems of one file, one `path:line: message` per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Layout:
    wall: Wall
    salvos: dict[str, Salvo] = field(default_factory=dict)
    tours: dict[str, Tour] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # salvo/tour name -> human title


class _Reader:
    """Walks a composed YAML node tree, collecting problems with their line numbers."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems: list[str] = []

    def problem(self, node: yaml.Node | None, message: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        self.problems.append(f"{self.path}:{line}: {message}")

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be a mapping")
            return None
        out: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                self.problem(key, f"{what}: keys must be plain words")
                continue
            if key.value in out:
                self.problem(key, f"{what}: {key.value!r} appears twice")
            out[key.value] = value
        return out

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list")
            return []
        return list(node.value)

    def scalar(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.value == "":
            self.problem(node, f"{what} must be a single value")
            return None
        return str(node.value)

    def integer(self, node: yaml.Node, what: str, minimum: int = 0) -> int | None:
        text = self.scalar(node, what)
        if text is None:
            return None
        try:
            value = int(text)
        except ValueError:
            self.problem(node, f"{what} must be a whole number, not {text!r}")
            return None
        if value < minimum:
            self.problem(node, f"{what} must be at least {minimum}, not {value}")
            return None
        return value

    def number(self, node: yaml.Node, what: str) -> float | None:
        text = self.scalar(node, what)
        if text is None:
            return None
        try:
            value = float(text)
        except ValueError:
            self.problem(node, f"{what} must be a number, not {text!r}")
            return None
        if value <= 0:
            self.problem(node, f"{what} must be positive, not {text}")
            return None
        return value

    def keys(self, fields: dict[str, yaml.Node], allowed: set[str], required: set[str], node: yaml.Node,
             what: str) -> None:
        for key in sorted(set(fields) - allowed):
            self.problem(fields[key], f"{what}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required - set(fields)):
            self.problem(node, f"{what}: missing {key!r}")


def load_layout(path: str | Path) -> Layout:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError([f"{path}:1: cannot read: {exc}"]) from exc
    return parse_layout(text, str(path))


def parse_layout(text: str, path: str = "<layout>") -> Layout:
    reader = _Reader(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise LayoutError([f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', None) or exc}"]) from exc
    if root is None:
        raise LayoutError([f"{path}:1: the file is empty"])
    top = reader.mapping(root, "the file")
    if top is None:
        raise LayoutError(reader.problems)
    reader.keys(top, {"version", "wall", "salvos", "tours"}, {"version", "wall"}, root, "the file")
    if "version" in top:
        version = reader.integer(top["version"], "version", 1)
        if version is not None and version > VERSION:
            reader.problem(top["version"], f"version {version} is newer than this program reads ({VERSION})")
    wall = _wall(reader, top["wall"]) if "wall" in top else None
    layout = Layout(wall or Wall("?", ()))
    monitors = wall.monitors if wall else 0
    if "salvos" in top:
        for node in reader.sequence(top["salvos"], "salvos"):
            _salvo(reader, node, layout, monitors)
    if "tours" in top:
        for node in reader.sequence(top["tours"], "tours"):
            _tour(reader, node, layout)
    if reader.problems:
        raise LayoutError(reader.problems)
    return layout


def _wall(reader: _Reader, node: yaml.Node) -> Wall | None:
    fields = reader.mapping(node, "wall")
    if fields is None:
        return None
    reader.keys(fields, {"name", "screens"}, {"name", "screens"}, node, "wall")
    name = reader.scalar(fields["name"], "wall name") if "name" in fields else None
    screens: list[Screen] = []
    seen: set[str] = set()
    for screen_node in reader.sequence(fields["screens"], "screens") if "screens" in fields else []:
        screen_fields = reader.mapping(screen_node, "a screen")
        if screen_fields is None:
            continue
        reader.keys(screen_fields, {"name", "grid", "position"}, {"name", "grid"}, screen_node, "a screen")
        screen_name = reader.scalar(screen_fields["name"], "screen name") if "name" in screen_fields else None
        if screen_name in seen:
            reader.problem(screen_fields["name"], f"screen {screen_name!r} appears twice")
        grid_name = reader.scalar(screen_fields["grid"], "grid") if "grid" in screen_fields else None
        if grid_name is not None and grid_name not in STANDARD_GRIDS:
            reader.problem(screen_fields["grid"], f"unknown grid {grid_name!r} (known: {', '.join(STANDARD_GRIDS)})")
            grid_name = None
        position = (0, len(screens))
        if "position" in screen_fields:
            parts = reader.sequence(screen_fields["position"], "position")
            values = [reader.integer(p, "position") for p in parts]
            if len(values) != 2 or None in values:
                reader.problem(screen_fields["position"], "position must be [row, column]")
            else:
                position = (values[0], values[1])  # type: ignore[assignment]
        if screen_name and grid_name:
            seen.add(screen_name)
            screens.append(Screen(screen_name, grid(grid_name), position))
    if "screens" in fields and not screens and not reader.problems:
        reader.problem(fields["screens"], "a wall needs at least one screen")
    if name is None or not screens:
        return None
    try:
        return Wall(name, tuple(screens))
    except ModelError as exc:
        reader.problem(node, str(exc))
        return None


def _salvo(reader: _Reader, node: yaml.Node, layout: Layout, monitors: int) -> None:
    fields = reader.mapping(node, "a salvo")
    if fields is None:
        return
    reader.keys(fields, {"name", "title", "routes"}, {"name", "routes"}, node, "a salvo")
    name = reader.scalar(fields["name"], "salvo name") if "name" in fields else None
    routes: list[tuple[int, int]] = []
    route_fields = reader.mapping(fields["routes"], "routes") if "routes" in fields else None
    for monitor_text, camera_node in (route_fields or {}).items():
        try:
            monitor = int(monitor_text)
        except ValueError:
            reader.problem(camera_node, f"salvo {name}: monitor {monitor_text!r} is not a number")
            continue
        if monitors and not 1 <= monitor <= monitors:
            reader.problem(camera_node, f"salvo {name}: no monitor {monitor} (the wall has {monitors})")
            continue
        camera = reader.integer(camera_node, f"salvo {name}: camera", 1)
        if camera is not None:
            routes.append((monitor, camera))
    if name is None:
        return
    if name in layout.salvos:
        reader.problem(fields["name"], f"salvo {name!r} appears twice")
    layout.salvos[name] = Salvo(name, tuple(sorted(routes)))
    if "title" in fields and (title := reader.scalar(fields["title"], "title")):
        layout.titles[f"salvo:{name}"] = title


def _tour(reader: _Reader, node: yaml.Node, layout: Layout) -> None:
    fields = reader.mapping(node, "a tour")
    if fields is None:
        return
    reader.keys(fields, {"name", "title", "steps"}, {"name", "steps"}, node, "a tour")
    name = reader.scalar(fields["name"], "tour name") if "name" in fields else None
    steps: list[tuple[int, float]] = []
    for step_node in reader.sequence(fields["steps"], "steps") if "steps" in fields else []:
        step = reader.mapping(step_node, "a step")
        if step is None:
            continue
        reader.keys(step, {"camera", "dwell"}, {"camera", "dwell"}, step_node, "a step")
        camera = reader.integer(step["camera"], "camera", 1) if "camera" in step else None
        dwell = reader.number(step["dwell"], "dwell") if "dwell" in step else None
        if camera is not None and dwell is not None:
            steps.append((camera, dwell))
    if name is None:
        return
    if not steps:
        reader.problem(node, f"tour {name!r} has no steps")
        return
    if name in layout.tours:
        reader.problem(fields["name"], f"tour {name!r} appears twice")
    layout.tours[name] = Tour(name, tuple(steps))
    if "title" in fields and (title := reader.scalar(fields["title"], "title")):
        layout.titles[f"tour:{name}"] = title


def dump_layout(layout: Layout) -> str:
    data: dict[str, Any] = {
        "version": VERSION,
        "wall": {
            "name": layout.wall.name,
            "screens": [{"name": s.name, "grid": s.grid.name, "position": list(s.position)} for s in layout.wall.screens],
        },
    }
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
