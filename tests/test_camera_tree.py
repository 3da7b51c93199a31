"""The console's camera tree and search: lazy place levels, counts, drag data, search as you type."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QTreeView, QWidget

from console.matrix.catalog import Catalog, build, read_catalog, search_text
from console.matrix.model import Camera
from console.sim.names import city_catalog
from console.ui.camera_tree import (
    CAMERA_MIME,
    CameraBrowser,
    CameraNumberRole,
    CameraSearchModel,
    CameraTreeModel,
    PlaceRole,
    camera_numbers,
)

# A small site with the awkward cases: a camera right at a county, one with no place at all, and
# a town whose name starts with another town's name.
SMALL_CSV = """\
number,id,name,place,main
1042,nh-1042,新嘉中学 校门 school gate,滨江市 / 南湖区 / 新嘉镇 / 新嘉中学,rtsp://10.1.1.2/1042
1043,nh-1043,新嘉中学 操场 playground,滨江市 / 南湖区 / 新嘉镇 / 新嘉中学,rtsp://10.1.1.2/1043
1050,nh-1050,镇政府大门 town hall gate,滨江市 / 南湖区 / 新嘉镇 / 镇政府,rtsp://10.1.1.2/1050
1060,nh-1060,东区菜场 east market,滨江市 / 南湖区 / 新嘉镇东 / 菜场,rtsp://10.1.1.4/1060
7,nh-0007,东门 East gate,滨江市 / 南湖区 / 解放街道 / 东门,rtsp://10.1.1.3/7
2001,xz-2001,派出所门口 police station gate,滨江市 / 秀洲区 / 王店镇 / 派出所,rtsp://10.1.2.2/2001
2002,xz-2002,指挥中心 command centre,滨江市 / 秀洲区,rtsp://10.1.2.1/2002
3001,mob-3001,移动布控球 mobile dome,,rtsp://10.9.9.9/3001
"""
NEW_SCHOOL = ("滨江市", "南湖区", "新嘉镇", "新嘉中学")


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Catalog]:
    source = tmp_path / "cams.csv"
    source.write_text(SMALL_CSV, encoding="utf-8")
    build(read_catalog(source), tmp_path / "small.sqlite")
    catalog = Catalog(tmp_path / "small.sqlite")
    yield catalog
    catalog.close()


@pytest.fixture(scope="module")
def city_cameras() -> list[Camera]:
    return [Camera(e["number"], e["id"], e["name"], tuple(e["place"]), e["streams"]["main"]) for e in city_catalog(2000)]


@pytest.fixture(scope="module")
def city_db(tmp_path_factory: pytest.TempPathFactory, city_cameras: list[Camera]) -> Path:
    db = tmp_path_factory.mktemp("city") / "city.sqlite"
    assert build(city_cameras, db) == 2000
    return db


@pytest.fixture
def city(city_db: Path) -> Iterator[Catalog]:
    catalog = Catalog(city_db)
    yield catalog
    catalog.close()


def expected_children(cameras: list[Camera], path: tuple[str, ...]) -> list[tuple[str, int]]:
    counts = Counter(c.place[len(path)] for c in cameras if len(c.place) > len(path) and c.place[:len(path)] == path)
    return sorted(counts.items())


def expected_at(cameras: list[Camera], path: tuple[str, ...]) -> list[int]:
    return sorted(c.number for c in cameras if c.place == path)


# -- the catalog's hierarchy queries (no Qt) ------------------------------------------------

def test_hierarchy_queries_agree_with_a_scan(city: Catalog, city_cameras: list[Camera], tmp_path: Path) -> None:
    prefixes = {c.place[:depth] for c in city_cameras for depth in range(len(c.place) + 1)}
    assert len(prefixes) > 500  # 1 city, 7 counties, 74 towns and their sites
    assert city.children(()) == [("嘉兴市 Jiaxing", 2000)]
    counties = city.children(("嘉兴市 Jiaxing",))
    assert len(counties) == 7 and sum(n for _, n in counties) == 2000
    for path in prefixes:
        assert city.children(path) == expected_children(city_cameras, path), path
        assert [c.number for c in city.cameras_at(path)] == expected_at(city_cameras, path), path
    assert city.children(("嘉兴市 Jiaxing", "火星区")) == []
    assert city.cameras_at(("嘉兴市 Jiaxing",)) == []

    # A catalog built before the place index existed answers the same, only slower.
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(city.path) as src, sqlite3.connect(old) as dst:
        src.backup(dst)
        dst.execute("DROP INDEX cameras_place")
    legacy = Catalog(old)
    try:
        town = city_cameras[0].place[:3]
        assert legacy.children(town) == city.children(town) == expected_children(city_cameras, town)
        assert legacy.children(()) == city.children(())
    finally:
        legacy.close()


def test_hierarchy_with_cameras_at_a_county_and_without_a_place(small: Catalog) -> None:
    assert small.children(()) == [("滨江市", 7)]
    assert small.children(("滨江市",)) == [("南湖区", 5), ("秀洲区", 2)]
    assert small.children(("滨江市", "南湖区")) == [("新嘉镇", 3), ("新嘉镇东", 1), ("解放街道", 1)]
    assert small.children(NEW_SCHOOL[:3]) == [("新嘉中学", 2), ("镇政府", 1)]  # nothing from 新嘉镇东
    assert small.children(("滨江市", "秀洲区")) == [("王店镇", 1)]
    assert [c.number for c in small.cameras_at(("滨江市", "秀洲区"))] == [2002]
    assert [c.number for c in small.cameras_at(())] == [3001]
    assert [c.number for c in small.cameras_at(NEW_SCHOOL)] == [1042, 1043]
    assert small.children(NEW_SCHOOL) == []


def test_hierarchy_queries_need_no_qt(small: Catalog) -> None:
    code = ("import sys; sys.modules['PySide6'] = None\n"
            "from console.matrix.catalog import Catalog\n"
            "catalog = Catalog(sys.argv[1])\n"
            "print(catalog.children(('滨江市',)), [c.number for c in catalog.cameras_at(('滨江市', '秀洲区'))])")
    result = subprocess.run([sys.executable, "-c", code, str(small.path)], capture_output=True, text=True, timeout=60,
                            check=False, cwd=Path(__file__).resolve().parents[1])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[('南湖区', 5), ('秀洲区', 2)] [2002]"


# -- the tree model ---------------------------------------------------------------------------

def test_tree_model_passes_the_model_tester_fully_loaded(qtmodeltester, city: Catalog) -> None:  # type: ignore[no-untyped-def]
    model = CameraTreeModel(city)
    qtmodeltester.check(model)  # Qt's own tester: it fetches and walks every branch
    assert not model.canFetchMore(QModelIndex())
    jiaxing = model.index(0, 0)
    assert model.rowCount(jiaxing) == 7
    assert all(not model.canFetchMore(model.index(r, 0, jiaxing)) for r in range(7))


def test_tree_model_python_tester_after_a_view_opened_branches(qtmodeltester, qtbot, small: Catalog) -> None:  # type: ignore[no-untyped-def]
    model = CameraTreeModel(small)
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    city = model.index(0, 0)
    assert model.canFetchMore(city) and model.rowCount(city) == 0 and model.hasChildren(city)
    view.expand(city)  # the view asks for the rows it now shows
    assert not model.canFetchMore(city) and model.rowCount(city) == 2
    county = model.index(0, 0, city)
    view.expand(county)
    town = model.index_of(NEW_SCHOOL[:3])
    view.expand(town)
    assert [model.index(r, 0, town).data() for r in range(model.rowCount(town))] == ["新嘉中学  (2)", "镇政府  (1)"]
    unopened = model.index_of(("滨江市", "秀洲区"))
    assert model.canFetchMore(unopened) and model.rowCount(unopened) == 0
    # The Python tester checks every role's type, then fetches and walks the branches still closed
    # (each insertion checked as it happens).
    qtmodeltester.check(model, force_py=True)
    assert not model.canFetchMore(unopened) and model.rowCount(unopened) == 2


def test_tree_rows_counts_and_roles(city: Catalog, city_cameras: list[Camera]) -> None:
    model = CameraTreeModel(city)
    assert model.total == 2000
    by_number = {c.number: c for c in city_cameras}
    seen: dict[int, tuple[str, ...]] = {}
    place_counts: dict[tuple[str, ...], int] = {}

    def walk(parent: QModelIndex, path: tuple[str, ...]) -> int:
        model.fetchMore(parent)
        below = 0
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            number = index.data(CameraNumberRole)
            if number is None:
                place = index.data(PlaceRole)
                assert place[:-1] == path
                count = walk(index, place)
                assert index.data() == f"{place[-1]}  ({count})"
                assert index.data(Qt.ItemDataRole.FontRole).bold()
                assert not index.flags() & Qt.ItemFlag.ItemIsDragEnabled
                place_counts[place] = count
                below += count
            else:
                camera = by_number[number]
                assert index.data() == f"{number}  {camera.name}"
                assert index.data(Qt.ItemDataRole.FontRole) is None
                assert index.flags() & Qt.ItemFlag.ItemIsDragEnabled
                assert index.data(Qt.ItemDataRole.ToolTipRole) == f"{number}  {camera.name}\n{' / '.join(camera.place)}"
                assert number not in seen
                seen[number] = path
                below += 1
        return below

    assert walk(QModelIndex(), ()) == 2000
    assert seen == {c.number: c.place for c in city_cameras}
    assert place_counts[("嘉兴市 Jiaxing",)] == 2000
    counties = Counter(c.place[1] for c in city_cameras)
    assert {p[1]: n for p, n in place_counts.items() if len(p) == 2} == counties
    towns = Counter(c.place[:3] for c in city_cameras)
    assert {p: n for p, n in place_counts.items() if len(p) == 3} == towns


def test_places_first_then_cameras_and_placeless_cameras_at_the_top(small: Catalog) -> None:
    model = CameraTreeModel(small)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["滨江市  (7)", "3001  移动布控球 mobile dome"]
    county = model.index_of(("滨江市", "秀洲区"))
    model.fetchMore(county)
    assert [model.index(r, 0, county).data() for r in range(model.rowCount(county))] == \
        ["王店镇  (1)", "2002  指挥中心 command centre"]
    assert model.index_of(NEW_SCHOOL, 1043).data(CameraNumberRole) == 1043
    assert not model.index_of(NEW_SCHOOL, 7).isValid()
    assert not model.index_of(("滨江市", "火星区")).isValid()


def test_drag_data_round_trip(small: Catalog) -> None:
    model = CameraTreeModel(small)
    assert model.mimeTypes() == [CAMERA_MIME]
    first, second = model.index_of(NEW_SCHOOL, 1042), model.index_of(NEW_SCHOOL, 1043)
    school = model.index_of(NEW_SCHOOL)
    mime = model.mimeData([second, school, first, second])  # a place in the selection adds nothing
    assert mime is not None
    assert bytes(mime.data(CAMERA_MIME).data()) == b"1043\n1042"
    assert mime.text() == "1043\n1042"
    assert camera_numbers(mime) == [1043, 1042]
    assert model.mimeData([school]) is None

    search = CameraSearchModel(small)
    search.set_query("新嘉中学")
    assert [search.index(r, 0).data(CameraNumberRole) for r in range(search.rowCount())] == [1042, 1043]
    assert search.mimeTypes() == [CAMERA_MIME]
    mime = search.mimeData([search.index(1, 1), search.index(0, 0)])
    assert mime is not None and camera_numbers(mime) == [1043, 1042] and mime.text() == "1043\n1042"
    assert search.index(0, 1).data() == " / ".join(NEW_SCHOOL)


def test_search_model_passes_the_model_tester(qtmodeltester, small: Catalog) -> None:  # type: ignore[no-untyped-def]
    model = CameraSearchModel(small, limit=3)
    qtmodeltester.check(model, force_py=True)  # stays connected: rechecks after every reset
    for text in ("新嘉", "1042", "gate", "", "火星", "Rd"):
        model.set_query(text)
    model.set_query("gate")
    assert model.rowCount() == 3 and model.truncated  # 1042, 1050, 7 and 2001 all have a gate


# -- the browser ------------------------------------------------------------------------------

def pre_edit(widget: QWidget, pinyin: str) -> None:
    QApplication.sendEvent(widget, QInputMethodEvent(pinyin, []))


def commit(widget: QWidget, char: str) -> None:
    """A character as a Chinese input method delivers it, after the pinyin in pre-edit.

    (qtbot.keyClicks cannot type Chinese: Qt 6.11's QTest asserts on non-ASCII and aborts.)
    """
    event = QInputMethodEvent("", [])
    event.setCommitString(char)
    QApplication.sendEvent(widget, event)


def oracle(cameras: list[Camera], text: str, limit: int = 200) -> list[int]:
    """The search, done the slow obvious way: exact number first, then every match by number."""
    needle = text.lower()
    exact = [int(text)] if text.isdigit() and any(c.number == int(text) for c in cameras) else []
    rest = sorted(c.number for c in cameras if any(needle in field.lower() for field in search_text(c)) and c.number not in exact)
    return (exact + rest)[:limit]


def shown(browser: CameraBrowser) -> list[int]:
    view = browser.current_view()
    model = view.model()
    return [model.index(r, 0).data(CameraNumberRole) for r in range(model.rowCount())]


def test_search_as_you_type(qtbot, city: Catalog, city_cameras: list[Camera]) -> None:  # type: ignore[no-untyped-def]
    browser = CameraBrowser(city)
    qtbot.addWidget(browser)
    browser.resize(500, 700)
    browser.show()
    assert not browser.searching
    assert browser.search_box.placeholderText()
    # The only city is opened for the operator: its counties are visible without a click.
    assert browser.tree.isExpanded(browser.tree_model.index(0, 0))

    word = city_cameras[10].place[2][:2]  # "金桥" of "金桥镇 Jinqiao Town"
    pre_edit(browser.search_box, "jin")
    assert not browser.searching  # pinyin still being composed is not a search
    for typed, char in enumerate(word, 1):
        commit(browser.search_box, char)
        assert shown(browser) == oracle(city_cameras, word[:typed]), word[:typed]
    assert browser.search_box.text() == word
    assert browser.searching
    expected = oracle(city_cameras, word)
    assert expected and len(expected) < 200
    assert shown(browser) == expected == [c.number for c in city.search(word, 200)]
    assert all(word in city.get(n).place[2] or word in city.get(n).name for n in shown(browser))
    assert browser.status.text() == f"Matches: {len(expected)}"
    first = browser.results.model().index(0, 0)
    assert browser.results.currentIndex() == first and not browser.results.visualRect(first).isEmpty()

    qtbot.keyClick(browser.search_box, Qt.Key.Key_Escape)
    assert browser.search_box.text() == "" and not browser.searching

    typed = ""
    for char in "104":  # one keystroke at a time, each one already showing its matches
        qtbot.keyClicks(browser.search_box, char)
        typed += char
        assert shown(browser) == oracle(city_cameras, typed), typed
    assert shown(browser)[0] == 104  # the exact number first
    assert len(shown(browser)) > 1

    browser.search_box.clear()
    qtbot.keyClicks(browser.search_box, "Park")
    expected = oracle(city_cameras, "park")
    assert len(expected) == 200 and shown(browser) == expected  # many parks: the first 200
    assert browser.search_box.text() == "Park"
    assert browser.status.text() == "First 200 matches: type more to narrow"

    browser.search_box.clear()
    qtbot.keyClicks(browser.search_box, "zzz")
    assert shown(browser) == [] and browser.status.text() == "No camera matches"


def double_click(qtbot, view: QTreeView, index: QModelIndex) -> None:  # type: ignore[no-untyped-def]
    # Qt 6.11's QTest.mouseDClick sends the double-click event alone; a mouse sends a click first.
    centre = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)


def test_camera_activated_from_search_and_tree(qtbot, small: Catalog) -> None:  # type: ignore[no-untyped-def]
    browser = CameraBrowser(small)
    qtbot.addWidget(browser)
    browser.resize(500, 600)
    browser.show()
    qtbot.waitExposed(browser)

    qtbot.keyClicks(browser.search_box, "1042")
    with qtbot.waitSignal(browser.camera_activated, timeout=1000) as caught:
        qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    assert caught.args == [1042]

    browser.search_box.clear()
    qtbot.keyClicks(browser.search_box, "gate")  # 7, 1042, 1050, 2001: Down picks the second
    assert shown(browser) == [7, 1042, 1050, 2001]
    qtbot.keyClick(browser.search_box, Qt.Key.Key_Down)
    with qtbot.waitSignal(browser.camera_activated, timeout=1000) as caught:
        qtbot.keyClick(browser.search_box, Qt.Key.Key_Return)
    assert caught.args == [1042]

    qtbot.keyClick(browser.search_box, Qt.Key.Key_Escape)
    tree, model = browser.tree, browser.tree_model
    camera = model.index_of(NEW_SCHOOL, 1043)
    tree.scrollTo(camera)  # opens the branches above it
    assert tree.isExpanded(model.index_of(NEW_SCHOOL))
    with qtbot.waitSignal(browser.camera_activated, timeout=1000) as caught:
        double_click(qtbot, tree, camera)
    assert caught.args == [1043]

    # A place is not a camera: double-clicking it opens or closes it and activates nothing.
    school = model.index_of(NEW_SCHOOL)
    emitted: list[int] = []
    browser.camera_activated.connect(emitted.append)
    double_click(qtbot, tree, school)
    assert not tree.isExpanded(school) and emitted == []

    command_centre = model.index_of(("滨江市", "秀洲区"), 2002)
    tree.scrollTo(command_centre)
    tree.setCurrentIndex(command_centre)
    with qtbot.waitSignal(browser.camera_activated, timeout=1000) as caught:
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert caught.args == [2002] and emitted == [2002]
