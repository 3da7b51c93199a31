"""The operator's console on a whole centre in one process: a real matrix host, a wall agent per
screen and the console, with the simulated cameras.  Checked on the host and in the agents'
tile pixels."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QDialog, QDockWidget

from console.matrix.catalog import build, read_catalog
from console.matrix.layouts import load_layout
from console.sim.identity import camera_colour, colour_distance
from console.sim.site import SimSite
from console.ui.centre import LocalCentre, start_local_centre
from console.ui.console import ConsoleWindow, HostLink, TourEditor
from tests.conftest import ROOT, videowall_cmd
from tests.support.pixels import camera_in

pytestmark = pytest.mark.qt_log_ignore(*(re.escape(f"This plugin does not support {what}")
                                         for what in ("raise()", "grabbing the keyboard")))


@pytest.fixture
def centre(qtbot, sim: SimSite, tmp_path: Path) -> Iterator[LocalCentre]:  # type: ignore[no-untyped-def]
    rows = "".join(f"{c.number},{c.name},{' / '.join(c.place)},{c.url},sim\n" for c in sim.cameras)
    (tmp_path / "cams.csv").write_text("number,name,place,main,credential\n" + rows, encoding="utf-8")
    build(read_catalog(tmp_path / "cams.csv"), tmp_path / "catalog.sqlite")
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    c = start_local_centre(load_layout(ROOT / "layouts" / "town-xinjia.yaml"), tmp_path / "catalog.sqlite", tmp_path,
                           role="supervisor", settings=settings, arrange="demo", extra_desks=("desk-2",))
    yield c
    c.close()


def wall_shows(centre: LocalCentre, monitor: int) -> int | None:
    """The camera in the pixels of `monitor` on the agent that shows it."""
    for agent in centre.agents:
        if agent.first_monitor <= monitor < agent.first_monitor + len(agent.tiles):
            tile = agent.tiles[monitor - agent.first_monitor]
            return camera_in(tile.grab().toImage(), tile.video_rect())
    return None


def test_keyboard_panel_and_command_line_drive_the_wall(qtbot, centre: LocalCentre) -> None:  # type: ignore[no-untyped-def]
    desk = centre.console
    for key in ("2", "MON", "3", "CAM"):
        qtbot.mouseClick(desk.keyboard.buttons[key], Qt.MouseButton.LeftButton)
    assert centre.host.state.routes[2] == 3
    assert desk.keyboard.reply_display.text().startswith("AK")
    qtbot.waitUntil(lambda: wall_shows(centre, 2) == 3, timeout=8000)
    qtbot.waitUntil(lambda: (info := desk.preview.tile_info(2)) is not None and info.camera == 3, timeout=2000)
    assert desk.preview.selected_monitor == 2  # the keyboard's MON moved the preview's selection

    line = desk.keyboard.command_line
    line.setFocus()
    qtbot.keyClicks(line, "5 MON 4 CAM")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert centre.host.state.routes[5] == 4
    qtbot.waitUntil(lambda: wall_shows(centre, 5) == 4, timeout=8000)
    qtbot.keyClicks(line, "99999 CAM")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert "unknown camera 99999" in desk.keyboard.reply_display.text()
    assert centre.host.state.routes[5] == 4

    # Keyboard changes go on the undo stack too, a whole line at a time.
    entries = desk.undo_stack.count()
    assert entries == 2  # "3 CAM" and "5 MON 4 CAM"; not "2 MON" nor the refused line
    assert desk.send_keys("5 MON 6 CAM 1 MON 2 CAM") == "AK"
    qtbot.waitUntil(lambda: desk.undo_stack.count() == entries + 1, timeout=2000)
    desk.undo_stack.undo()
    assert centre.host.state.routes.get(5) == 4 and 1 not in centre.host.state.routes
    desk.undo_stack.redo()
    assert centre.host.state.routes[5] == 6 and centre.host.state.routes[1] == 2


def drop(preview, monitor: int, mime: QMimeData) -> None:  # type: ignore[no-untyped-def]
    """What a mouse drag from the camera tree does when released over `monitor`."""
    point = preview.tile_rect(monitor).center()
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(preview, QDragEnterEvent(point, *args))
    QApplication.sendEvent(preview, QDragMoveEvent(point, *args))
    QApplication.sendEvent(preview, QDropEvent(QPointF(point), *args))


def test_search_drag_drop_undo_redo(qtbot, centre: LocalCentre, sim: SimSite) -> None:  # type: ignore[no-untyped-def]
    desk = centre.console
    target = sim.cameras[4]  # camera 5
    word = target.name.split()[0][:2]  # a two-character Chinese substring of its name
    desk.browser.search_box.setFocus()
    for char in word:  # as an input method commits it: one character at a time
        desk.browser.search_box.insert(char)
    model = desk.browser.search_model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=2000)
    rows = [model.index(r, 0) for r in range(model.rowCount())]
    found = [i for i in rows if i.data(Qt.ItemDataRole.UserRole + 1) == 5]
    assert found, f"camera 5 not found by {word!r}"
    drop(desk.preview, 6, model.mimeData(found))
    assert centre.host.state.routes.get(6) == 5
    qtbot.waitUntil(lambda: wall_shows(centre, 6) == 5, timeout=8000)

    desk.undo_stack.undo()
    assert 6 not in centre.host.state.routes
    desk.undo_stack.redo()
    assert centre.host.state.routes.get(6) == 5

    # A second drop over it, then undo: the first camera comes back, on the wall too.
    drop(desk.preview, 6, desk.browser.tree_model.mimeData([desk.browser.tree_model.index_of(sim.cameras[1].place, 2)]))
    assert centre.host.state.routes[6] == 2
    desk.undo_stack.undo()
    assert centre.host.state.routes[6] == 5
    qtbot.waitUntil(lambda: wall_shows(centre, 6) == 5, timeout=8000)


def test_two_consoles_see_each_others_changes(qtbot, centre: LocalCentre, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    other = ConsoleWindow(HostLink(centre.client("desk-2", pub=True)), centre.catalog, centre.engine,
                          settings=QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(other)
    try:
        other.show()
        qtbot.waitUntil(lambda: other.preview.seq is not None, timeout=3000)
        assert centre.console.send_keys("7 MON 6 CAM") == "AK"
        qtbot.waitUntil(lambda: (info := other.preview.tile_info(7)) is not None and info.camera == 6, timeout=2000)
        # And the other way round, from the second desk's keyboard panel.
        assert other.send_keys("8 MON 1 CAM") == "AK"
        qtbot.waitUntil(lambda: (i := centre.console.preview.tile_info(8)) is not None and i.camera == 1, timeout=2000)
        # Salvos saved on one desk appear on the other.
        assert centre.console.save_salvo_as("evening")["ok"]
        qtbot.waitUntil(lambda: any(other.salvo_panel.salvos.item(i).data(Qt.ItemDataRole.UserRole) == "evening"
                                    for i in range(other.salvo_panel.salvos.count())), timeout=3000)
    finally:
        other.link.close()
        other.close()


def test_host_going_away_is_shown_and_does_not_freeze_the_desk(qtbot, centre: LocalCentre) -> None:  # type: ignore[no-untyped-def]
    import time

    desk = centre.console
    assert desk.link.connected and "connected" in desk.host_label.text()
    centre.host.stop()
    desk.link.refresh()
    assert not desk.link.connected
    assert "not answering" in desk.host_label.text() and not desk.keyboard.buttons["CAM"].isEnabled()
    started = time.monotonic()
    answer = desk.send_keys("3 MON 2 CAM")
    assert answer.startswith("NA") and time.monotonic() - started < 0.6


def test_operators_recall_but_do_not_save(qtbot, centre: LocalCentre, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    operator = ConsoleWindow(HostLink(centre.client("desk-2", pub=True)), centre.catalog, centre.engine,
                             role="operator", settings=QSettings(str(tmp_path / "op.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(operator)
    try:
        assert not operator.salvo_panel.save.isEnabled()
        operator.save_salvo()  # refused before any dialog opens
        assert "Only supervisors" in operator.statusBar().currentMessage()
        assert centre.console.salvo_panel.save.isEnabled()
    finally:
        operator.link.close()
        operator.close()


def test_window_and_docks_are_restored(qtbot, centre: LocalCentre, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "restore.ini"), QSettings.Format.IniFormat)
    first = ConsoleWindow(HostLink(centre.client("desk-2", pub=True)), centre.catalog, centre.engine, settings=settings)
    qtbot.addWidget(first)
    first.show()
    first.findChild(QDockWidget, "keyboard").setFloating(True)
    first.findChild(QDockWidget, "salvos").hide()
    first.close()
    assert settings.value("geometry") is not None
    first.link.close()
    second = ConsoleWindow(HostLink(centre.client("desk-2", pub=True)), centre.catalog, centre.engine, settings=settings)
    qtbot.addWidget(second)
    try:
        second.show()
        # (Geometry is restored too, but the offscreen platform's 800x600 screen clamps it.)
        assert second.findChild(QDockWidget, "salvos").isHidden()
        assert second.findChild(QDockWidget, "keyboard").isFloating()
        assert not second.findChild(QDockWidget, "cameras").isFloating()
    finally:
        second.link.close()
        second.close()


def test_demo_screenshot_shows_console_and_wall(tmp_path: Path) -> None:
    shot = tmp_path / "demo.png"
    result = subprocess.run(videowall_cmd("demo", "--city", "300", "--screenshot", str(shot), "--after", "6"),
                            capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["playing"] >= 9  # salvo 1 (8 tiles) and the tour on the big screen
    image = QImage(str(shot))
    assert image.width() >= 1800 and image.height() >= 900
    # Right of the console are the wall windows: the salvo's cameras must be there in colour.
    counts = Counter()
    for y in range(0, image.height(), 3):
        for x in range(1250, image.width(), 3):
            c = QColor(image.pixel(x, y))
            for number in range(1, 9):
                if colour_distance((c.red(), c.green(), c.blue()), camera_colour(number)) < 30:
                    counts[number] += 1
    assert len([n for n, k in counts.items() if k > 200]) >= 6, counts


def test_supervisor_edits_tours_and_saves_the_wall_as_a_layout(qtbot, centre: LocalCentre,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    desk = centre.console
    assert desk.save_tour_as("9", [(1, 2.0), (3, 4.5)])["ok"]
    assert centre.host.state.tours["9"].steps == ((1, 2.0), (3, 4.5))
    refused = desk.save_tour_as("9", [(1, 2.0), (99999, 3.0)])
    assert not refused["ok"] and "unknown camera 99999" in refused["answer"]
    assert centre.host.state.tours["9"].steps == ((1, 2.0), (3, 4.5))  # unchanged

    # The editor: rows in, a tour out; a bad cell is named and the dialog stays open.
    editor = TourEditor("9", [(1, 2.0)], desk)
    qtbot.addWidget(editor)
    editor.add_step(4, 8.0)
    assert editor.result_tour() == ("9", [1, 4], [2.0, 8.0])
    editor.table.item(1, TourEditor.DWELL).setText("eight")
    editor.accept()
    assert editor.error.text().startswith("step 2") and editor.result() != QDialog.DialogCode.Accepted

    assert desk.send_keys("2 MON 5 CAM") == "AK"
    qtbot.waitUntil(lambda: desk.link.last.get("routes", {}).get("2") == 5 or desk.link.refresh() is not None,
                    timeout=3000)
    path = tmp_path / "saved-wall.yaml"
    desk.save_layout_as(str(path))
    saved = load_layout(path)
    assert [s.name for s in saved.wall.screens] == ["A1", "A2", "B1", "B2"]
    assert saved.wall.screens[3].position == (1, 1)
    assert saved.salvos["now"].routes == tuple(sorted(centre.host.state.routes.items()))
    assert saved.tours["9"].steps == ((1, 2.0), (3, 4.5))
    assert "2" in saved.salvos  # the layout's own salvos come along

    operator = ConsoleWindow(HostLink(centre.client("desk-2", pub=True)), centre.catalog, centre.engine,
                             role="operator", settings=QSettings(str(tmp_path / "op.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(operator)
    try:
        assert not operator.salvo_panel.edit.isEnabled() and not operator.save_layout_action.isEnabled()
        assert not operator.save_tour_as("9", [(2, 1.0)])["ok"]
        assert centre.host.state.tours["9"].steps == ((1, 2.0), (3, 4.5))
    finally:
        operator.link.close()
        operator.close()


def test_supervisor_imports_a_catalog_the_tree_and_the_host_follow(qtbot, centre: LocalCentre, sim: SimSite,  # type: ignore[no-untyped-def]
                                                                   tmp_path: Path) -> None:
    desk = centre.console
    assert desk.link.keys("1 MON 1042 CAM").startswith("NA")  # not in the catalog yet
    rows = "".join(f"{c.number},{c.name},{' / '.join(c.place)},{c.url},sim\n" for c in sim.cameras)
    rows += f"1042,东门 East gate,嘉兴市 / 南湖区 / 新嘉街道 / 东门,{sim.cameras[0].url},sim\n"
    bigger = tmp_path / "bigger.csv"
    bigger.write_text("number,name,place,main,credential\n" + rows, encoding="utf-8")
    assert desk.import_catalog_from(str(bigger)) == len(sim.cameras) + 1
    assert desk.browser.tree_model.total == len(sim.cameras) + 1
    desk.browser.search_box.setText("东门")
    assert [c.number for c in desk.browser.search_model.cameras] == [1042]
    assert desk.link.keys("1 MON 1042 CAM") == "AK"  # the host reads the same, reopened catalog


# -- desktop habits (issue 12, item 8) ---------------------------------------------------------
def test_console_takes_the_keyboard_at_start_with_the_wall_preview_focused(qtbot, centre: LocalCentre) -> None:  # type: ignore[no-untyped-def]
    desk = centre.console
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk, timeout=3000)
    qtbot.waitUntil(desk.preview.hasFocus, timeout=2000)  # not a text field: the keypad drives the wall
    assert all(agent in desk.keyboard.keypad_windows for agent in centre.agents)  # the wall windows follow the keypad


def test_menu_bar_lists_every_action_with_its_shortcut(qtbot, centre: LocalCentre) -> None:  # type: ignore[no-untyped-def]
    desk = centre.console
    menus = desk.menus()
    assert [m.title().replace("&", "") for m in desk.menuBar().findChildren(type(menus["menu_file"]))
            if m.objectName() in menus] == ["File", "View", "Wall", "Evidence", "Playback", "PTZ", "Help"]
    for menu in menus.values():
        actions = [a for a in menu.actions() if not a.isSeparator() and a.menu() is None]
        assert actions, menu.title()
        for action in actions:
            if action.objectName() != "about":  # the one action nobody needs a key for
                assert not action.shortcut().isEmpty(), f"{menu.title()} › {action.text()} has no shortcut"
    # Each shortcut works once: no two actions share a key.
    keys = [a.shortcut().toString() for m in menus.values() for a in m.actions() if not a.shortcut().isEmpty()]
    assert len(keys) == len(set(keys)), Counter(keys).most_common(3)

    # Ctrl+F from anywhere in the window jumps to the camera search, text selected for typing over.
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk, timeout=3000)
    desk.browser.search_box.setText("old")
    desk.preview.setFocus()
    qtbot.waitUntil(desk.preview.hasFocus)
    qtbot.keyClick(desk.preview, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert desk.browser.search_box.hasFocus() and desk.browser.search_box.selectedText() == "old"
    qtbot.keyClick(desk.browser.search_box, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert desk.keyboard.command_line.hasFocus()


def test_instant_replay_opens_the_workspace_and_says_when_no_recorder_serves(qtbot, centre: LocalCentre) -> None:  # type: ignore[no-untyped-def]
    desk = centre.console
    for key in ("1", "MON", "2", "CAM"):
        qtbot.mouseClick(desk.keyboard.buttons[key], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: desk._route(1) == 2, timeout=5000)
    assert desk.keyboard.monitor == 1
    desk.replay_action.trigger()
    view = desk.playback_workspace()
    assert view.isVisible() and view.camera_field.text() == ""
    # This centre runs no recorder: the workspace says so in words, and the desk goes on.
    assert view.status.text() == "No recorder serves recordings now (none reports to the matrix host)"
    assert desk.link.keys("1 MON 3 CAM") == "AK"
    view.close()


def test_export_opens_from_the_menu_and_the_workspace_and_says_why_it_cannot_start(qtbot, centre: LocalCentre) -> None:  # type: ignore[no-untyped-def]
    import time

    from PySide6.QtWidgets import QPushButton

    desk = centre.console
    assert desk.export_action in desk.menus()["menu_playback"].actions()
    desk.export_action.trigger()
    dialog = desk.export_dialog()
    assert dialog.isVisible() and dialog.cameras() == []
    start, end = dialog.span()  # nothing else to go by: the last 5 minutes
    assert end - start == 300 and abs(end - time.time()) < 5
    # The workspace's Export… fills in its cameras and the span its timeline shows.
    view = desk.playback_workspace()
    view.timeline.set_view(end - 600, end - 60)
    view.findChild(QPushButton, "playback_export").click()
    assert dialog.span() == (int(end - 600), int(end - 60))
    dialog.camera_field.setText("2 3")
    assert not dialog.start() and not dialog.running
    # This centre runs no recorder: said in words, and the desk goes on.
    assert dialog.result_label.text() == "No recorder serves recordings now (none reports to the matrix host)"
    assert desk.link.keys("1 MON 3 CAM") == "AK"
    dialog.close()
    view.close()


def test_the_keyboard_focus_is_framed(qtbot, centre: LocalCentre) -> None:  # type: ignore[no-untyped-def]
    desk = centre.console
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk, timeout=3000)
    for widget in (desk.browser.search_box, desk.browser.tree, desk.preview):
        widget.setFocus()
        qtbot.waitUntil(widget.hasFocus)
        assert desk.focus_frame.widget() is widget and desk.focus_frame.isVisible()
        # The frame is painted in the selection colour just outside the widget.
        frame = desk.focus_frame
        image = frame.grab().toImage()
        edge = QColor(image.pixel(image.width() // 2, 1))
        assert abs(edge.blue() - 0xFF) < 40 and edge.red() < 0x80, edge.name()
        assert frame.geometry().contains(widget.geometry().center()) or frame.parentWidget() is not widget.parentWidget()


def test_camera_tree_shows_which_cameras_are_live(qtbot, centre: LocalCentre, sim: SimSite) -> None:  # type: ignore[no-untyped-def]
    from console.ui.console import camera_health

    desk = centre.console
    assert desk.send_keys("4 MON 3 CAM") == "AK"
    model = desk.browser.tree_model
    index = model.index_of(sim.cameras[2].place, 3)
    assert index.isValid() and index.data(Qt.ItemDataRole.DecorationRole) is None  # nothing known before a report
    qtbot.waitUntil(lambda: desk.browser.health.cameras.get(3, ("",))[0] == "playing", timeout=10000)
    icon = index.data(Qt.ItemDataRole.DecorationRole)
    assert icon is not None
    dot = icon.pixmap(12, 12).toImage()
    centre_colour = QColor(dot.pixel(6, 6))
    assert centre_colour.green() > 150 and centre_colour.red() < 120, centre_colour.name()  # green: live
    assert "online" in index.data(Qt.ItemDataRole.ToolTipRole)
    # Search results carry the same dot.
    desk.browser.search_box.setText(str(3))
    first = desk.browser.search_model.index(0, 0)
    assert first.data(Qt.ItemDataRole.UserRole + 1) == 3 and first.data(Qt.ItemDataRole.DecorationRole) is not None
    # A camera on two tiles is live if one of them shows it; a lost one says why.
    merged = camera_health([{"tiles": {"1": {"camera": 7, "state": "lost", "reason": "stream ended"},
                                       "2": {"camera": 7, "state": "playing", "reason": ""},
                                       "3": {"camera": 8, "state": "error", "reason": "connection refused"},
                                       "4": {"camera": None, "state": "idle"}}}])
    assert merged == {7: ("playing", ""), 8: ("error", "connection refused")}


def _answer_dialogs(qtbot, *answers) -> None:  # type: ignore[no-untyped-def]
    """Answer the modal dialogs that open next, in order, from a timer (they block exec())."""
    pending = list(answers)

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and pending:
            pending.pop(0)(dialog)
        if pending:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def test_saving_over_a_salvo_asks_first(qtbot, centre: LocalCentre) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    desk = centre.console
    assert desk.send_keys("1 MON 1 CAM") == "AK"
    assert desk.save_salvo_as("evening")["ok"]
    desk.link.refresh()
    assert desk.send_keys("2 MON 2 CAM") == "AK"
    desk.link.refresh()

    def name(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("evening")
        dialog.accept()

    def keep(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, QMessageBox) and "evening" in dialog.text()
        assert dialog.defaultButton() is dialog.button(QMessageBox.StandardButton.Cancel)  # Enter keeps the old one
        dialog.button(QMessageBox.StandardButton.Cancel).click()

    def replace(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, QMessageBox)
        dialog.property("replace_button").click()

    _answer_dialogs(qtbot, name, keep)
    desk.save_salvo()
    assert centre.host.state.salvos["evening"].routes == ((1, 1),)
    assert "kept" in desk.statusBar().currentMessage()
    _answer_dialogs(qtbot, name, replace)
    desk.save_salvo()
    assert dict(centre.host.state.salvos["evening"].routes) == {1: 1, 2: 2}


def test_tour_editor_takes_cameras_from_its_search_and_from_the_tree(qtbot, centre: LocalCentre, sim: SimSite) -> None:  # type: ignore[no-untyped-def]
    desk = centre.console
    editor = desk.edit_tour("12", [])
    assert editor is not None and not editor.isModal()  # the console's tree stays usable for dragging
    qtbot.addWidget(editor)
    target = sim.cameras[3]  # camera 4
    editor.search.setFocus()
    for char in target.name.split()[0][:3]:  # as an input method commits Chinese: one character at a time
        editor.search.insert(char)
    qtbot.waitUntil(lambda: editor.search_model is not None and editor.search_model.rowCount() > 0)
    qtbot.keyClick(editor.search, Qt.Key.Key_Return)
    assert editor.table.rowCount() == 1
    assert editor.table.item(0, TourEditor.CAMERA).text() == "4"
    assert editor.table.item(0, TourEditor.NAME).text() == target.name

    # Two cameras dragged from the console's tree land as two steps where they are dropped.
    tree = desk.browser.tree_model
    mime = tree.mimeData([tree.index_of(sim.cameras[0].place, 1), tree.index_of(sim.cameras[5].place, 6)])
    viewport = editor.table.viewport()
    point = QPointF(viewport.rect().center())
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, QDragEnterEvent(point.toPoint(), *args))
    QApplication.sendEvent(viewport, QDragMoveEvent(point.toPoint(), *args))
    QApplication.sendEvent(viewport, QDropEvent(point, *args))
    assert [editor.table.item(r, TourEditor.CAMERA).text() for r in range(editor.table.rowCount())] == ["4", "1", "6"]
    editor.table.item(1, TourEditor.DWELL).setText("3")
    editor.accept()
    assert centre.host.state.tours["12"].steps == ((4, 10.0), (1, 3.0), (6, 10.0))


def test_a_skipped_tour_step_is_shown_to_the_operator_once(qtbot, centre: LocalCentre) -> None:  # type: ignore[no-untyped-def]
    """The agents' reports carry what they did on their own (tests/test_agent.py makes a real one)."""
    desk = centre.console
    event = {"at": 1700000000.0, "event": "tour_step_skipped", "monitor": 18, "camera": 9, "tour": "1",
             "code": "refused", "reason": "connection refused (camera or server down?)"}
    desk._show_wall_events({"agent-B2": {"screen": "B2", "tiles": {}, "events": [event]}})
    shown = "MON 18: tour 1 skipped camera 9 (connection refused (camera or server down?))"
    assert list(desk.wall_events) == [shown]
    assert desk.statusBar().currentMessage() == shown
    desk._show_wall_events({"agent-B2": {"screen": "B2", "tiles": {}, "events": [event]}})  # the next report repeats it
    assert list(desk.wall_events) == [shown]
