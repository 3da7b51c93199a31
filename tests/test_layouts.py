"""Layout files: every shipped file loads; broken ones report every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from console.matrix.layouts import LayoutError, dump_layout, load_layout, parse_layout, save_layout

LAYOUTS = Path(__file__).resolve().parents[1] / "layouts"
SHIPPED = sorted(LAYOUTS.glob("*.yaml"))


def test_layouts_are_shipped() -> None:
    assert len(SHIPPED) >= 2


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_layout_loads_and_round_trips(path: Path) -> None:
    layout = load_layout(path)
    assert layout.wall.screens
    again = parse_layout(dump_layout(layout), "dumped")
    assert again.wall == layout.wall and again.salvos == layout.salvos and again.tours == layout.tours


def test_town_wall() -> None:
    layout = load_layout(LAYOUTS / "town-xinjia.yaml")
    assert layout.wall.monitors == 4 + 4 + 9 + 1
    assert layout.salvos["1"].routes[0] == (1, 1)
    assert layout.tours["1"].steps[-1] == (16, 12.0)


BROKEN = """\
version: 1
wall:
  name: broken
  screens:
    - {name: A, grid: 4}
    - {name: A, grid: 7}
    - {name: C, grid: 9, colour: red}
salvos:
  - name: "1"
    routes: {1: 5, 99: 2, 3: abc}
tours:
  - name: "1"
    steps:
      - {camera: 1, dwell: -3}
      - {camera: 2}
"""


def test_broken_layout_lists_every_problem_with_its_line() -> None:
    with pytest.raises(LayoutError) as caught:
        parse_layout(BROKEN, "walls/broken.yaml")
    problems = caught.value.problems
    expected = [
        ("walls/broken.yaml:6:", "screen 'A' appears twice"),
        ("walls/broken.yaml:6:", "unknown grid '7'"),
        ("walls/broken.yaml:7:", "unknown key 'colour'"),
        ("walls/broken.yaml:10:", "no monitor 99"),
        ("walls/broken.yaml:10:", "camera must be a whole number in plain decimal digits (like 12), not 'abc'"),
        ("walls/broken.yaml:14:", "dwell must be a number of seconds like 8 or 2.5, not '-3'"),
        ("walls/broken.yaml:15:", "missing 'dwell'"),
    ]
    for where, what in expected:
        assert any(p.startswith(where) and what in p for p in problems), (where, what, problems)


@pytest.mark.parametrize(("text", "message"), [
    ("", ":1: the file is empty"),
    ("version: 1\nwall: [\n", "not valid YAML"),
    ("version: 9\nwall: {name: x, screens: [{name: a, grid: 4}]}\n", ":1: version 9 is newer"),
    ("wall: {name: x, screens: [{name: a, grid: 4}]}\n", "missing 'version'"),
])
def test_other_bad_files(text: str, message: str) -> None:
    with pytest.raises(LayoutError, match=message):
        parse_layout(text, "f.yaml")


def test_save_is_atomic_keeps_backup_and_skips_no_change(tmp_path: Path) -> None:
    target = tmp_path / "town.yaml"
    layout = load_layout(LAYOUTS / "town-xinjia.yaml")
    assert save_layout(layout, target) is True
    assert save_layout(layout, target) is False  # unchanged: not rewritten
    first = target.read_text(encoding="utf-8")
    del layout.salvos["2"]
    assert save_layout(layout, target) is True
    assert (tmp_path / "town.yaml.bak").read_text(encoding="utf-8") == first
    assert "2" not in load_layout(target).salvos


def test_a_broken_file_is_never_overwritten_by_loading(tmp_path: Path) -> None:
    target = tmp_path / "bad.yaml"
    target.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(LayoutError):
        load_layout(target)
    assert target.read_text(encoding="utf-8") == BROKEN
