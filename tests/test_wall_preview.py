"""The console's wall preview: geometry, numbered updates, health, selection, drops, menu, pixels."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QMimeData, QObject, QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication

from console.matrix.commands import ClearTile, Command, HoldTour, RouteCamera, SetGrid, StartTour, apply
from console.matrix.model import Camera, MatrixState, Screen, Wall, grid
from console.ui.wall_preview import MIME_CAMERAS, SELECTION, STATE_COLOURS, WallPreview

SCREENS = [("A1", "4"), ("A2", "4"), ("A3", "9"), ("A4", "1")]  # monitors 1-4, 5-8, 9-17, 18
NAMES = {1042: "新嘉中学 校门", 1043: "新嘉中学 操场", 7: "Gate 7", 8: "Lobby", 9: "Yard", 11: "Road"}


def wall_info(screens: list[tuple[str, str]]) -> dict[str, Any]:
    return {"name": "Centre", "screens": [{"name": n, "grid": g} for n, g in screens]}


def cameras_info(numbers: list[int]) -> dict[str, Any]:
    return {str(n): {"name": NAMES.get(n, f"camera {n}"), "main": f"rtsp://cam/{n}", "sub": "", "credential": None}
            for n in numbers}


def snapshot(routes: dict[int, int], screens: list[tuple[str, str]] = SCREENS, seq: int = 10,
             **extra: Any) -> dict[str, Any]:
    return {"seq": seq, "wall": wall_info(screens), "routes": {str(m): c for m, c in routes.items()},
            "cameras": cameras_info(list(routes.values())), "health": {}, **extra}


def report(screen: str, tiles: dict[int, tuple[str, float | None, int | None]], at: float | None = None) -> dict[str, Any]:
    return {"at": time.time() if at is None else at, "screen": screen,
            "tiles": {str(m): {"state": s, "frame_age": age, "fps": 25.0 if s == "playing" else 0.0, "camera": cam}
                      for m, (s, age, cam) in tiles.items()}}


@pytest.fixture
def view(qtbot) -> WallPreview:  # type: ignore[no-untyped-def]
    widget = WallPreview()
    widget.resize(1600, 420)
    qtbot.addWidget(widget)
    widget.load_snapshot(snapshot({1: 1042, 2: 7, 5: 8, 6: 9, 7: 1043, 9: 11}))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def sent(widget: WallPreview) -> list[Command]:
    commands: list[Command] = []
    widget.command_requested.connect(commands.append)
    return commands


class PaintSpy(QObject):
    """The regions the widget is asked to paint."""

    def __init__(self) -> None:
        super().__init__()
        self.regions: list[QRect] = []

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.regions.append(event.region().boundingRect())  # type: ignore[attr-defined]
        return False


# -- geometry ----------------------------------------------------------------------------
def test_tiles_are_numbered_across_the_wall_and_laid_out_by_screen(view: WallPreview) -> None:
    rects = {m: view.tile_rect(m) for m in range(1, 19)}
    assert view.tile_rect(19).isEmpty() and view.tile_rect(0).isEmpty()
    assert [view.tile_info(m).screen for m in (4, 5, 8, 9, 17, 18)] == ["A1", "A2", "A2", "A3", "A3", "A4"]  # type: ignore[union-attr]
    assert view.tile_info(19) is None
    for m, rect in rects.items():
        assert view.rect().contains(rect), m
        assert view.tile_at(rect.center()) == m
        assert all(not rect.intersects(other) for n, other in rects.items() if n != m), m
    # Screens side by side in wall order: all of A1 is left of all of A2, and so on.
    assert max(rects[m].right() for m in range(1, 5)) < min(rects[m].left() for m in range(5, 9))
    assert max(rects[m].right() for m in range(5, 9)) < min(rects[m].left() for m in range(9, 18))
    assert max(rects[m].right() for m in range(9, 18)) < rects[18].left()
    # Grid "4": 2x2 in reading order; monitor 5 is the top-left tile of screen 2.
    assert rects[5].top() == rects[6].top() < rects[7].top() == rects[8].top()
    assert rects[5].left() == rects[7].left() < rects[6].left()
    # Each screen is 16:9 and the single tile of A4 fills what a 2x2 of A1 fills.
    a1 = rects[1].united(rects[4])
    assert a1.width() / a1.height() == pytest.approx(16 / 9, rel=0.03)
    assert rects[18].width() == pytest.approx(a1.width(), abs=3)
    assert rects[18].height() == pytest.approx(a1.height(), abs=3)
    assert view.tile_at(QPoint(1, 1)) is None


def test_merged_cells_are_bigger(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = WallPreview()
    widget.resize(1200, 400)
    qtbot.addWidget(widget)
    widget.load_snapshot(snapshot({}, [("B1", "6"), ("B2", "13")]))
    big, small = widget.tile_rect(1), [widget.tile_rect(m) for m in range(2, 7)]
    assert all(big.width() > 1.8 * r.width() and big.height() > 1.8 * r.height() for r in small)
    centre = widget.tile_rect(6 + 6)  # "13": the 2x2 centre tile is the sixth in reading order
    others = [widget.tile_rect(m) for m in range(7, 20) if m != 12]
    assert all(centre.width() > 1.8 * r.width() for r in others)
    assert widget.tile_at(centre.center()) == 12


def test_many_screens_wrap_into_rows(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = WallPreview()
    widget.resize(900, 700)
    qtbot.addWidget(widget)
    widget.load_snapshot(snapshot({}, [(f"C{i}", "1") for i in range(1, 7)]))
    rects = [widget.tile_rect(m) for m in range(1, 7)]
    assert len({r.top() for r in rects}) > 1  # not one long thin row
    for r in rects:
        assert r.width() / r.height() == pytest.approx(16 / 9, rel=0.03)
        assert widget.rect().contains(r)


def test_screens_sit_where_the_layout_puts_them_on_the_wall(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = WallPreview()
    widget.resize(1600, 420)  # wide: the automatic flow would put all four in one row
    qtbot.addWidget(widget)
    info = snapshot({})
    for screen, place in zip(info["wall"]["screens"], ([0, 0], [0, 1], [1, 0], [1, 1]), strict=True):
        screen["position"] = place
    widget.load_snapshot(info)
    a1, a2, b1, b2 = (widget.tile_rect(m) for m in (1, 5, 9, 18))
    assert a2.left() > a1.right() and abs(a2.top() - a1.top()) < 5  # A2 beside A1
    assert b1.top() > a1.bottom() and abs(b1.left() - a1.left()) < 5  # B1 under A1
    assert b2.top() > a2.bottom() and b2.left() > b1.right()  # B2 under A2


# -- numbered updates ----------------------------------------------------------------------
def test_update_changes_one_tile_and_repaints_only_it(qtbot, view: WallPreview) -> None:  # type: ignore[no-untyped-def]
    spy = PaintSpy()
    view.installEventFilter(spy)
    assert view.apply_update({"seq": 11, "routes": {"2": 1043}, "cameras": cameras_info([1043]),
                              "wall": wall_info(SCREENS)})
    qtbot.waitUntil(lambda: bool(spy.regions))
    info = view.tile_info(2)
    assert info is not None and (info.camera, info.name) == (1043, "新嘉中学 操场")
    assert view.seq == 11
    assert all(view.tile_rect(2).contains(region) for region in spy.regions), spy.regions


def test_old_updates_are_ignored_and_a_gap_is_reported(view: WallPreview) -> None:
    assert view.apply_update({"seq": 10, "routes": {"2": 1043}, "cameras": {}})  # at our seq: already in
    assert view.apply_update({"seq": 3, "routes": {"2": 1043}, "cameras": {}})
    assert view.tile_info(2).camera == 7  # type: ignore[union-attr]
    assert view.apply_update({"seq": 12, "routes": {"2": 1043}, "cameras": {}}) is False  # 11 was missed
    assert view.tile_info(2).camera == 7  # type: ignore[union-attr]
    assert view.seq == 10
    assert view.apply_update({"seq": 11, "routes": {"2": None}, "cameras": {}})
    info = view.tile_info(2)
    assert info is not None and info.camera is None and info.state == "idle"


def test_update_before_any_snapshot_asks_for_one(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = WallPreview()
    qtbot.addWidget(widget)
    assert widget.apply_update({"seq": 1, "routes": {"1": 5}}) is False
    assert widget.tile_info(1) is None


def test_grid_change_in_an_update_keeps_every_other_monitor_number(view: WallPreview) -> None:
    host = Host(view, {1: 1042, 2: 7, 5: 8, 6: 9, 7: 1043, 9: 11})
    host.run([SetGrid("A1", "1")])  # tiles 2-4 go; the other screens keep their numbers
    assert all(view.tile_rect(m).isEmpty() and view.tile_info(m) is None for m in (2, 3, 4))
    assert [view.tile_info(m).camera for m in (1, 5, 6, 7, 8, 9)] == [1042, 8, 9, 1043, None, 11]  # type: ignore[union-attr]
    assert view.tile_info(5).screen == "A2" and view.tile_rect(18).isValid()  # type: ignore[union-attr]
    a1, a2 = view.tile_rect(1), view.tile_rect(5).united(view.tile_rect(8))
    assert a1.width() == pytest.approx(a2.width(), abs=3)


# -- health --------------------------------------------------------------------------------
def test_health_states_and_frame_age(view: WallPreview) -> None:
    now = time.time()
    view.set_health({
        "wall-a1": report("A1", {1: ("playing", 0.2, 1042), 2: ("lost", 12.4, 7)}, now),
        "wall-a2": report("A2", {5: ("connecting", None, 8), 6: ("error", None, 9), 7: ("playing", 0.1, 1042)}, now),
        "wall-a3": report("A3", {9: ("playing", 0.1, 11)}, now - 60),  # that PC stopped reporting
        "wall-a4": report("A1", {3: ("playing", 0.1, 1042)}, now),  # its numbers are from before a grid change
    })

    def shown(m: int) -> tuple[str, str]:
        info = view.tile_info(m)
        assert info is not None
        return info.state, info.age_text

    assert shown(1) == ("playing", "0.2 s")
    assert shown(2) == ("lost", "lost 12 s")
    assert shown(5) == ("connecting", "connecting")
    assert shown(6) == ("error", "error")
    assert shown(7)[0] == "connecting"  # the agent still plays the previous camera: not live yet
    assert shown(9) == ("unknown", "no report")
    assert shown(3) == ("idle", "")
    assert shown(18) == ("idle", "")

    view.set_health({"wall-a1": report("A1", {1: ("lost", 200.0, 1042)}, now)})
    assert shown(1) == ("lost", "lost 3 min")
    assert shown(2) == ("unknown", "no report")  # routed, and nobody says it plays


def test_health_colours_on_screen(qtbot, view: WallPreview) -> None:  # type: ignore[no-untyped-def]
    QApplication.processEvents()
    spy = PaintSpy()
    view.installEventFilter(spy)
    view.set_health({"wall-a1": report("A1", {1: ("playing", 0.2, 1042), 2: ("lost", 12.0, 7)})})
    qtbot.waitUntil(lambda: any(r.contains(view.tile_rect(1)) for r in spy.regions)
                    and any(r.contains(view.tile_rect(2)) for r in spy.regions), timeout=1000)
    assert not any(r.intersects(view.tile_rect(18)) for r in spy.regions)  # what did not change is not repainted
    image = view.grab().toImage()
    scale = image.devicePixelRatio()

    def share(monitor: int, colour: QColor) -> float:
        rect = view.tile_rect(monitor)
        near = total = 0
        for y in range(rect.top(), rect.bottom() + 1, 2):
            for x in range(rect.left(), rect.right() + 1, 2):
                pixel = QColor(image.pixel(int(x * scale), int(y * scale)))
                total += 1
                near += (abs(pixel.red() - colour.red()) + abs(pixel.green() - colour.green())
                         + abs(pixel.blue() - colour.blue())) < 60
        return near / total

    green, red = STATE_COLOURS["playing"], STATE_COLOURS["lost"]
    assert share(1, green) > 0.03 and share(1, red) == 0
    assert share(2, red) > 0.03 and share(2, green) == 0
    assert share(4, green) == 0 and share(4, red) == 0  # an empty tile is neither


def test_no_white_glare(view: WallPreview) -> None:
    view.set_health({"wall-a1": report("A1", {1: ("playing", 0.2, 1042)})})
    view.select_monitor(1)
    image = view.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    brightest = max(QColor(image.pixel(x, y)).lightness() for y in range(0, image.height(), 1)
                    for x in range(0, image.width(), 3))
    assert brightest < 240


# -- selection -----------------------------------------------------------------------------
def test_click_selects_and_double_click_activates(qtbot, view: WallPreview) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(view.monitor_selected, timeout=1000) as selected:
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=view.tile_rect(7).center())
    assert selected.args == [7]
    assert view.selected_monitor == 7
    with qtbot.waitSignal(view.monitor_activated, timeout=1000) as activated:
        qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=view.tile_rect(9).center())
    assert activated.args == [9]
    with qtbot.assertNotEmitted(view.monitor_selected):
        qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=QPoint(2, 2))  # between screens
    assert view.selected_monitor in (7, 9)


def test_select_monitor_moves_the_frame_without_echo(qtbot, view: WallPreview) -> None:  # type: ignore[no-untyped-def]
    def framed(monitor: int) -> bool:
        corner = view.tile_rect(monitor).topLeft() + QPoint(2, 2)
        return QColor(view.grab().toImage().pixel(corner)) == SELECTION

    with qtbot.assertNotEmitted(view.monitor_selected):
        view.select_monitor(3)
    assert view.selected_monitor == 3
    assert framed(3) and not framed(4)
    QApplication.processEvents()  # paints still due from select_monitor(3)
    spy = PaintSpy()
    view.installEventFilter(spy)
    view.select_monitor(4)
    # On screen, not only in a fresh grab: both the old and the new tile are repainted.
    qtbot.waitUntil(lambda: any(r.contains(view.tile_rect(3)) for r in spy.regions)
                    and any(r.contains(view.tile_rect(4)) for r in spy.regions), timeout=1000)
    assert framed(4) and not framed(3)
    view.select_monitor(99)
    assert view.selected_monitor is None


# -- drag and drop -------------------------------------------------------------------------
def camera_mime(*numbers: int) -> QMimeData:
    data = QMimeData()
    data.setData(MIME_CAMERAS, "\n".join(str(n) for n in numbers).encode("utf-8"))
    return data


def drop_on(view: WallPreview, monitor: int, data: QMimeData) -> QDropEvent:
    pos = view.tile_rect(monitor).center()
    actions, buttons, mods = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(pos, actions, data, buttons, mods)
    QApplication.sendEvent(view, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(view, QDragMoveEvent(pos, actions, data, buttons, mods))
    drop = QDropEvent(QPointF(pos), actions, data, buttons, mods)
    QApplication.sendEvent(view, drop)
    return drop


def test_dropping_a_camera_routes_it(qtbot, view: WallPreview) -> None:  # type: ignore[no-untyped-def]
    commands = sent(view)
    data = camera_mime(1042)
    pos = view.tile_rect(7).center()
    move = QDragMoveEvent(pos, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, QDragEnterEvent(pos, Qt.DropAction.CopyAction, data, Qt.MouseButton.LeftButton,
                                                 Qt.KeyboardModifier.NoModifier))
    QApplication.sendEvent(view, move)
    assert move.isAccepted() and view.drop_targets == (7,)  # highlighted under the drag
    QApplication.processEvents()
    spy = PaintSpy()
    view.installEventFilter(spy)
    drop = drop_on(view, 7, data)
    assert drop.isAccepted()
    assert commands == [RouteCamera(7, 1042)]
    assert not view.drop_targets  # the highlight goes with the drop, on screen too
    qtbot.waitUntil(lambda: any(r.contains(view.tile_rect(7)) for r in spy.regions), timeout=1000)


def test_dropping_several_cameras_fills_the_following_tiles_of_that_screen(view: WallPreview) -> None:
    commands = sent(view)
    data = camera_mime(1042, 7, 8)
    QApplication.sendEvent(view, QDragEnterEvent(view.tile_rect(3).center(), Qt.DropAction.CopyAction, data,
                                                 Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier))
    assert view.drop_targets == (3, 4)  # screen A1 ends at 4
    drop_on(view, 3, data)
    assert commands == [RouteCamera(3, 1042), RouteCamera(4, 7)]
    commands.clear()
    drop_on(view, 9, camera_mime(21, 22, 23))
    assert commands == [RouteCamera(9, 21), RouteCamera(10, 22), RouteCamera(11, 23)]


def test_other_drops_are_refused(view: WallPreview) -> None:
    commands = sent(view)
    text = QMimeData()
    text.setText("1042")
    enter = QDragEnterEvent(view.tile_rect(7).center(), Qt.DropAction.CopyAction, text, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, enter)
    assert not enter.isAccepted()
    gap = QDropEvent(QPointF(2, 2), Qt.DropAction.CopyAction, camera_mime(1042), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view, gap)
    assert commands == []


# -- context menu --------------------------------------------------------------------------
def trigger(view: WallPreview, monitor: int, name: str) -> None:
    menu = view.context_menu_for(monitor)
    action = menu.findChild(QObject, name)
    assert action is not None, f"no action {name}"
    assert action.isEnabled(), name  # type: ignore[attr-defined]
    action.trigger()  # type: ignore[attr-defined]


def test_context_menu_commands(view: WallPreview) -> None:
    commands = sent(view)
    view.set_tours(["1", "night"])
    trigger(view, 7, "clear")
    trigger(view, 7, "grid:16")
    trigger(view, 7, "start_tour:night")
    trigger(view, 7, "hold_tour")
    assert commands == [ClearTile(7), SetGrid("A2", "16"), StartTour(7, "night"), HoldTour(7)]

    menu = view.context_menu_for(3)  # an empty tile
    assert not menu.findChild(QObject, "clear").isEnabled()  # type: ignore[union-attr]
    assert not menu.findChild(QObject, "grid:4").isEnabled()  # type: ignore[union-attr]  # the grid it has
    assert not view.context_menu_for(18).findChild(QObject, "maximise").isEnabled()  # type: ignore[union-attr]
    texts = [a.text() for a in view.context_menu_for(7).actions()]
    assert {"Clear", "Maximise on the wall", "Start tour", "Hold tour", "Grid"} <= set(texts)


def test_tour_names_come_from_the_snapshot(qtbot) -> None:  # type: ignore[no-untyped-def]
    widget = WallPreview()
    qtbot.addWidget(widget)
    widget.load_snapshot(snapshot({1: 7}, tours=["gates"], tours_running={"1": {"tour": "gates", "held": True}}))
    assert widget.context_menu_for(1).findChild(QObject, "start_tour:gates") is not None
    info = widget.tile_info(1)
    assert info is not None and (info.tour, info.tour_held) == ("gates", True)
    widget.load_snapshot(snapshot({1: 7}, seq=11, tours=[]))
    assert not widget.context_menu_for(1).findChild(QObject, "start_tour").isEnabled()  # type: ignore[union-attr]


class Host:
    """The matrix's own rules (console.matrix.commands.apply), answering as the host does."""

    def __init__(self, view: WallPreview, routes: dict[int, int]) -> None:
        wall = Wall("Centre", tuple(Screen(n, grid(g)) for n, g in SCREENS))
        self.state = MatrixState(wall, dict(routes))
        self.view, self.seq = view, 10
        view.load_snapshot(snapshot(routes))

    def run(self, commands: list[Command]) -> None:
        for command in commands:
            changes = apply(self.state, command, lambda n: Camera(n, str(n), NAMES.get(n, "")))
            self.seq += 1
            wall = self.state.wall  # as the host sends it: each screen's block of numbers with it
            info = {"name": wall.name, "screens": [{"name": s.name, "grid": s.grid.name,
                                                    "first_monitor": wall.first_of(s.name),
                                                    "max_grid": (s.max_grid or s.grid).name} for s in wall.screens]}
            assert self.view.apply_update({"seq": self.seq, "routes": {str(m): c for m, c in changes.items()},
                                           "cameras": cameras_info([c for c in changes.values() if c is not None]),
                                           "wall": info})


def test_maximise_and_restore(view: WallPreview) -> None:
    commands = sent(view)
    routes = {1: 1042, 2: 7, 5: 8, 6: 9, 7: 1043, 9: 11}
    host = Host(view, routes)
    trigger(view, 7, "maximise")
    assert commands == [SetGrid("A2", "1"), RouteCamera(5, 1043)]
    host.run(commands)
    assert view.wall is not None and view.wall.monitors == 15
    assert view.tile_info(5).camera == 1043  # type: ignore[union-attr]
    assert view.tile_info(6) is None  # A2's other numbers are not shown now; A3 keeps its own
    assert view.tile_info(9).screen == "A3" and view.tile_info(9).camera == 11  # type: ignore[union-attr]
    assert view.context_menu_for(5).findChild(QObject, "maximise") is None

    commands.clear()
    trigger(view, 5, "restore")
    assert commands[0] == SetGrid("A2", "4")
    host.run(commands)
    assert host.state.routes == routes  # the screen is back as it was
    assert [view.tile_info(m).camera for m in range(1, 10)] == [1042, 7, None, None, 8, 9, 1043, None, 11]  # type: ignore[union-attr]
    assert view.context_menu_for(5).findChild(QObject, "restore") is None

    # A camera chosen while maximised is kept on that tile when the screen is restored.
    commands.clear()
    trigger(view, 6, "maximise")
    assert commands == [SetGrid("A2", "1"), RouteCamera(5, 9)]
    host.run(commands)
    host.run([RouteCamera(5, 1042)])
    commands.clear()
    trigger(view, 5, "restore")
    host.run(commands)
    assert host.state.routes == {**routes, 6: 1042}

    # Maximising the first tile needs no re-route: it keeps its camera (and any tour on it).
    commands.clear()
    trigger(view, 1, "maximise")
    assert commands == [SetGrid("A1", "1")]


def test_maximising_an_empty_tile_clears_the_single_one(view: WallPreview) -> None:
    commands = sent(view)
    Host(view, {1: 1042, 2: 7})
    trigger(view, 4, "maximise")
    assert commands == [SetGrid("A1", "1"), ClearTile(1)]


# -- speed ---------------------------------------------------------------------------------
def test_route_change_repaint_time_on_a_64_tile_wall(qtbot, capsys) -> None:  # type: ignore[no-untyped-def]
    widget = WallPreview()
    widget.resize(1600, 420)
    qtbot.addWidget(widget)
    screens = [(f"D{i}", "16") for i in range(1, 5)]
    widget.load_snapshot(snapshot({m: 1000 + m for m in range(1, 65)}, screens, seq=1))
    widget.show()
    qtbot.waitExposed(widget)
    spy = PaintSpy()
    widget.installEventFilter(spy)
    app = QApplication.instance()
    assert app is not None
    times = []
    for step in range(20):
        spy.regions.clear()
        started = time.perf_counter()
        assert widget.apply_update({"seq": 2 + step, "routes": {"30": 2000 + step},
                                    "cameras": cameras_info([2000 + step]), "wall": wall_info(screens)})
        app.processEvents()
        times.append(time.perf_counter() - started)
        assert spy.regions, "no repaint after the update"
    started = time.perf_counter()
    widget.repaint()
    full = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nwall preview, 64 tiles: route change + repaint median {sorted(times)[len(times) // 2] * 1000:.2f} ms, "
              f"worst {max(times) * 1000:.2f} ms; full repaint {full * 1000:.2f} ms")
