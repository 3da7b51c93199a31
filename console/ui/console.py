"""The operator's desk: camera tree, wall preview, keyboard panel and main monitor over one
matrix host.

The console holds no wall state of its own: it mirrors the host (snapshot, then numbered
updates, the Clone pattern) and sends commands.  Every wall change made with the mouse goes on
an undo stack as the matrix commands that make it and the ones that take it back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import zmq
from PySide6.QtCore import QByteArray, QObject, QSettings, QSocketNotifier, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from console import credentials
from console.matrix.catalog import Catalog
from console.matrix.commands import (
    ClearTile,
    Command,
    RecallSalvo,
    RouteCamera,
    SaveSalvo,
    SaveTour,
    SetGrid,
    StartTour,
    command_from_dict,
)
from console.matrix.host import HostClient
from console.matrix.layouts import Layout, save_layout
from console.matrix.model import Salvo, Screen, Tour, Wall, grid
from console.matrix.protocol import HostEpoch
from console.ui.camera_tree import CameraBrowser
from console.ui.keyboard_panel import KeyboardPanel
from console.ui.tile import TileWidget
from console.ui.wall_preview import WallPreview
from console.video.player import VideoEngine
from console.video.urls import with_credentials

log = logging.getLogger("videowall.console")

ROLES = ("operator", "supervisor")


class HostLink(QObject):
    """The desk's connection to the matrix host, on the GUI thread.

    Requests are short (the host answers in milliseconds on a LAN); a host that does not
    answer within `timeout` marks the link down rather than freezing the desk.
    """

    snapshot = Signal(dict)
    update = Signal(dict)
    health = Signal(dict)
    connected_changed = Signal(bool)

    def __init__(self, client: HostClient, timeout: float = 1.5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.timeout = timeout
        self.connected = False
        self.seq = -1
        self.epoch = HostEpoch()  # the host's run, from the last snapshot
        self.clock_offset = 0.0  # host clock - our clock, for the agents' report times
        self.last: dict[str, Any] = {}
        self.last_update: dict[str, Any] = {}
        assert client.sub is not None, "a desk needs the host's update feed"
        self._notifier = QSocketNotifier(client.sub.getsockopt(zmq.FD), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_updates)
        self._poll = QTimer(self)
        self._poll.setInterval(1000)  # health and liveness: agents report once a second
        self._poll.timeout.connect(self.refresh)
        self._poll.start()

    def request(self, kind: str, content: dict[str, Any]) -> dict[str, Any] | None:
        # While the host is away, ask briefly: the desk must not freeze for every key press.
        timeout = self.timeout if self.connected else min(self.timeout, 0.25)
        try:
            reply = self.client.request(kind, content, timeout=timeout).content
        except (TimeoutError, zmq.ZMQError) as exc:
            if isinstance(exc, zmq.ZMQError):
                log.warning("the link to the matrix host failed: %s", exc)
            self._set_connected(False)
            return None
        self._set_connected(True)
        return reply

    def keys(self, line: str) -> str:
        return str(self.keys_reply(line).get("answer", "NA"))

    def keys_reply(self, line: str) -> dict[str, Any]:
        reply = self.request("command", {"keys": line})
        return {"ok": False, "answer": "NA the matrix host does not answer"} if reply is None else reply

    def command(self, command: Command) -> dict[str, Any]:
        reply = self.request("command", command.to_dict())
        return {"ok": False, "answer": "NA the matrix host does not answer"} if reply is None else reply

    def refresh(self, full: bool = False) -> None:
        """Ask for a snapshot: the health part always, the rest on start or after a gap."""
        snapshot = self.request("snapshot_request", {})
        if snapshot is None:
            return
        self.last = snapshot
        if "now" in snapshot:
            self.clock_offset = float(snapshot["now"]) - time.time()
        if full or self.seq < 0 or self.epoch.judge(snapshot.get("epoch")) != "same":
            self.seq = int(snapshot["seq"])
            self.epoch.adopt(snapshot.get("epoch"))
            self.snapshot.emit(snapshot)
        self.health.emit(snapshot.get("health") or {})

    def _on_updates(self) -> None:
        self._notifier.setEnabled(False)
        try:
            sub = self.client.sub
            while sub is not None and int(sub.getsockopt(zmq.EVENTS)) & zmq.POLLIN:
                for envelope in self.client.updates():
                    if envelope.type != "update":
                        continue
                    seq = int(envelope.content.get("seq", 0))
                    verdict = self.epoch.judge(envelope.content.get("epoch"))
                    if verdict == "stale":
                        continue  # queued from before the host restarted; the snapshot replaced it
                    if verdict == "new":
                        self.refresh(full=True)  # the host restarted: its numbering may have gone back
                        continue
                    if seq <= self.seq:
                        continue
                    if seq != self.seq + 1:
                        self.refresh(full=True)
                        continue
                    self.seq = seq
                    self.last_update = envelope.content
                    self.update.emit(envelope.content)
        finally:
            self._notifier.setEnabled(True)

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.connected_changed.emit(connected)

    def close(self) -> None:
        self._poll.stop()
        self._notifier.setEnabled(False)
        self.client.close()


class WallChange(QUndoCommand):
    """Commands that made a wall change and the commands that take it back."""

    def __init__(self, link: HostLink, text: str, do: list[Command], undo: list[Command],
                 report: Callable[[str, str], None], *, done: bool = False) -> None:
        super().__init__(text)
        self.link, self.do, self.undo_commands, self.report = link, do, undo, report
        self.failed = False
        self._skip_first_redo = done  # already carried out (a keyboard line): pushing must not resend

    def _send(self, commands: list[Command]) -> None:
        for command in commands:
            reply = self.link.command(command)
            if not reply.get("ok"):
                self.failed = True
                self.report(command.name, str(reply.get("answer", "NA")))
                return

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self._send(self.do)

    def undo(self) -> None:
        self._send(self.undo_commands)


def restoring(routes: dict[int, int], grids: dict[str, str], command: Command) -> list[Command]:
    """The commands that take `command` back, given the routes and grids before it."""
    if isinstance(command, RouteCamera | ClearTile):
        before = routes.get(command.monitor)
        return [RouteCamera(command.monitor, before) if before is not None else ClearTile(command.monitor)]
    if isinstance(command, SetGrid):
        # The old grid, then every route the old grid had (a smaller grid dropped some).
        back: list[Command] = [SetGrid(command.screen, grids[command.screen])]
        return back + [RouteCamera(m, c) for m, c in sorted(routes.items())]
    return []


class MainMonitor(QWidget):
    """The operator's own live view: 1 or 4 tiles, decoded in this process."""

    def __init__(self, engine: VideoEngine, catalog: Catalog, renderer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine, self.catalog, self.renderer = engine, catalog, renderer
        self.tiles: list[TileWidget] = []
        self.next_tile = 0
        outer = QVBoxLayout(self)
        outer.setContentsMargins(2, 2, 2, 2)
        bar = QHBoxLayout()
        self.single = QPushButton(self.tr("1"), self)
        self.quad = QPushButton(self.tr("4"), self)
        for button in (self.single, self.quad):
            button.setCheckable(True)
            button.setFixedWidth(36)
            bar.addWidget(button)
        self.single.setToolTip(self.tr("One big picture"))
        self.quad.setToolTip(self.tr("Four pictures"))
        group = QButtonGroup(self)
        group.addButton(self.single)
        group.addButton(self.quad)
        self.single.setChecked(True)
        self.single.clicked.connect(lambda: self.set_tiles(1))
        self.quad.clicked.connect(lambda: self.set_tiles(4))
        bar.addStretch(1)
        outer.addLayout(bar)
        self.grid = QGridLayout()
        self.grid.setSpacing(2)
        outer.addLayout(self.grid, 1)
        self.set_tiles(1)

    def set_tiles(self, count: int) -> None:
        shown = [(t.camera_number) for t in self.tiles if t.camera_number is not None]
        for tile in self.tiles:
            tile.close_player()
            tile.deleteLater()
        self.tiles = []
        side = 2 if count == 4 else 1
        for index in range(count):
            tile = TileWidget(self.engine, self.renderer, parent=self)
            self.grid.addWidget(tile, index // side, index % side)
            self.tiles.append(tile)
        self.next_tile = 0
        for number in shown[:count]:
            self.show_camera(number)

    def show_camera(self, number: int) -> bool:
        camera = self.catalog.get(number)
        if camera is None:
            return False
        url = camera.stream_for(1.0 / len(self.tiles))
        if camera.credential:
            try:
                url = with_credentials(url, *credentials.load(camera.credential))
            except credentials.CredentialError as exc:
                log.error("camera %d: %s", number, exc)
        # With four tiles, each new camera takes the next one, as a quad monitor would.
        tile = self.tiles[self.next_tile % len(self.tiles)]
        self.next_tile += 1
        tile.play(url, number, camera.name)
        return True

    def close_players(self) -> None:
        for tile in self.tiles:
            tile.close_player()


class SalvoTourPanel(QWidget):
    """Salvos and tours from the host: operators recall them, supervisors save the wall."""

    def __init__(self, console: ConsoleWindow) -> None:
        super().__init__(console)
        self.console = console
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(QLabel(self.tr("Salvos"), self))
        self.salvos = QListWidget(self)
        self.salvos.itemActivated.connect(lambda item: console.recall_salvo(item.data(Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.salvos, 1)
        buttons = QHBoxLayout()
        self.recall = QPushButton(self.tr("Recall"), self)
        self.recall.clicked.connect(self._recall)
        self.save = QPushButton(self.tr("Save wall as salvo…"), self)
        self.save.clicked.connect(console.save_salvo)
        buttons.addWidget(self.recall)
        buttons.addWidget(self.save)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(self.tr("Tours"), self))
        self.tours = QListWidget(self)
        self.tours.itemActivated.connect(lambda item: console.start_tour(item.data(Qt.ItemDataRole.UserRole)))
        layout.addWidget(self.tours, 1)
        tour_buttons = QHBoxLayout()
        self.start = QPushButton(self.tr("Start on the selected monitor"), self)
        self.start.clicked.connect(self._start)
        self.edit = QPushButton(self.tr("Edit tour…"), self)
        self.edit.clicked.connect(self._edit)
        tour_buttons.addWidget(self.start)
        tour_buttons.addWidget(self.edit)
        layout.addLayout(tour_buttons)

    def set_role(self, role: str) -> None:
        supervisor = role == "supervisor"
        self.save.setEnabled(supervisor)
        self.save.setToolTip("" if supervisor else self.tr("Only supervisors save salvos"))
        self.edit.setEnabled(supervisor)
        self.edit.setToolTip("" if supervisor else self.tr("Only supervisors edit tours"))

    def set_names(self, salvos: list[str], tours: list[str], titles: dict[str, str] | None = None) -> None:
        titles = titles or {}
        for widget, kind, names in ((self.salvos, "salvo", salvos), (self.tours, "tour", tours)):
            if [widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())] != names:
                widget.clear()
                for name in names:
                    title = titles.get(f"{kind}:{name}")
                    item = QListWidgetItem(f"{name}  {title}" if title else name)
                    item.setData(Qt.ItemDataRole.UserRole, name)
                    widget.addItem(item)

    def _recall(self) -> None:
        item = self.salvos.currentItem()
        if item is not None:
            self.console.recall_salvo(item.data(Qt.ItemDataRole.UserRole))

    def _start(self) -> None:
        item = self.tours.currentItem()
        if item is not None:
            self.console.start_tour(item.data(Qt.ItemDataRole.UserRole))

    def _edit(self) -> None:
        item = self.tours.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole) if item is not None else ""
        steps = [(int(c), float(d)) for c, d in self.console.link.last.get("tour_defs", {}).get(name, [])]
        editor = TourEditor(name, steps, self)
        if editor.exec() == QDialog.DialogCode.Accepted:
            tour, cameras, dwells = editor.result_tour()
            self.console.save_tour_as(tour, list(zip(cameras, dwells, strict=True)))


class TourEditor(QDialog):
    """A tour's cameras and dwell times, one row per step."""

    def __init__(self, name: str, steps: list[tuple[int, float]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit tour"))
        form = QFormLayout(self)
        self.name = QLineEdit(name, self)
        form.addRow(self.tr("Tour name or number:"), self.name)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels([self.tr("Camera"), self.tr("Dwell (s)")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for camera, dwell in steps:
            self.add_step(camera, dwell)
        form.addRow(self.table)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Add step"), self)
        add.clicked.connect(lambda: self.add_step(0, 10.0))
        remove = QPushButton(self.tr("Remove step"), self)
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        row.addWidget(add)
        row.addWidget(remove)
        form.addRow(row)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #e5484d;")
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def add_step(self, camera: int, dwell: float) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(str(camera) if camera else ""))
        self.table.setItem(row, 1, QTableWidgetItem(f"{dwell:g}"))

    def result_tour(self) -> tuple[str, list[int], list[float]]:
        """The edited tour; ValueError names the first bad cell."""
        cameras, dwells = [], []
        for row in range(self.table.rowCount()):
            texts = [(cell.text() if (cell := self.table.item(row, c)) is not None else "").strip() for c in (0, 1)]
            try:
                cameras.append(int(texts[0]))
                dwells.append(float(texts[1]))
            except ValueError:
                raise ValueError(self.tr("step %1: a camera number and a dwell in seconds").replace(
                    "%1", str(row + 1))) from None
        if not self.name.text().strip() or not cameras:
            raise ValueError(self.tr("a tour needs a name and at least one step"))
        return self.name.text().strip(), cameras, dwells

    def accept(self) -> None:
        try:
            self.result_tour()
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


class ConsoleWindow(QMainWindow):
    def __init__(self, link: HostLink, catalog: Catalog, engine: VideoEngine, *, role: str = "operator",
                 renderer: str = "callbacks", settings: QSettings | None = None) -> None:
        super().__init__()
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
        self.link, self.catalog, self.role = link, catalog, role
        self.settings = settings or QSettings("videowall", "console")
        self.setWindowTitle(self.tr("videowall console"))
        self.setObjectName("console")
        self.undo_stack = QUndoStack(self)
        self._keyboard_changes: dict[int, tuple[str, dict[int, int], dict[str, str], list[dict[str, Any]]]] = {}

        self.preview = WallPreview(self, clock=lambda: time.time() + self.link.clock_offset)
        self.setCentralWidget(self.preview)
        self.browser = CameraBrowser(catalog, self)
        self.keyboard = KeyboardPanel(self)
        self.main_monitor = MainMonitor(engine, catalog, renderer, self)
        self.salvo_panel = SalvoTourPanel(self)
        self.salvo_panel.set_role(role)
        cameras = self._dock(self.tr("Cameras"), "cameras", self.browser, Qt.DockWidgetArea.LeftDockWidgetArea)
        monitor = self._dock(self.tr("Main monitor"), "main-monitor", self.main_monitor, Qt.DockWidgetArea.RightDockWidgetArea)
        # Under the wall preview, as a matrix keyboard sits under the monitors on the desk.
        keyboard = self._dock(self.tr("Keyboard"), "keyboard", self.keyboard, Qt.DockWidgetArea.BottomDockWidgetArea)
        salvos = self._dock(self.tr("Salvos and tours"), "salvos", self.salvo_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        # First run: the wall preview gets the middle; saved dock places win afterwards.
        self.resizeDocks([cameras, monitor], [330, 460], Qt.Orientation.Horizontal)
        self.resizeDocks([cameras, salvos, keyboard], [640, 260, 330], Qt.Orientation.Vertical)
        self.keyboard.install_shortcuts(self)

        toolbar = QToolBar(self.tr("Wall"), self)
        toolbar.setObjectName("wall-toolbar")
        self.addToolBar(toolbar)
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("Redo"))
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        toolbar.addAction(self.undo_action)
        toolbar.addAction(self.redo_action)
        save = QAction(self.tr("Save wall as salvo…"), self)
        save.setEnabled(role == "supervisor")
        save.triggered.connect(self.save_salvo)
        toolbar.addAction(save)
        self.save_layout_action = QAction(self.tr("Save wall as layout…"), self)
        self.save_layout_action.setEnabled(role == "supervisor")
        self.save_layout_action.triggered.connect(self.save_layout)
        toolbar.addAction(self.save_layout_action)
        self.import_action = QAction(self.tr("Import camera catalog…"), self)
        self.import_action.setEnabled(role == "supervisor")
        self.import_action.setToolTip(self.tr("Replace the camera catalog from a YAML or CSV file"))
        self.import_action.triggered.connect(self.import_catalog)
        toolbar.addAction(self.import_action)

        self.host_label = QLabel(self)
        self.agents_label = QLabel(self)
        self.lost_label = QLabel(self)
        for label in (self.host_label, self.agents_label, self.lost_label):
            self.statusBar().addPermanentWidget(label)
        self.statusBar().showMessage(self.tr("role: %1").replace("%1", self._role_name()))

        link.snapshot.connect(self._on_snapshot)
        link.update.connect(self._on_update)
        link.health.connect(self._on_health)
        link.connected_changed.connect(self._on_connected)
        self.preview.command_requested.connect(self.request)
        self.preview.monitor_selected.connect(lambda m: self.send_keys(f"{m} MON"))
        self.preview.monitor_activated.connect(self._preview_monitor)
        self.browser.camera_activated.connect(self.main_monitor.show_camera)
        self.keyboard.line_entered.connect(self.send_keys)
        self._on_connected(False)
        self._restore_settings()
        link.refresh(full=True)

    def _role_name(self) -> str:
        return self.tr("supervisor") if self.role == "supervisor" else self.tr("operator")

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # QSettings restores docks by object name
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- host -> desk ------------------------------------------------------------------
    def _on_snapshot(self, snapshot: dict[str, Any]) -> None:
        self.preview.load_snapshot(snapshot)
        self.salvo_panel.set_names(list(snapshot.get("salvos", [])), list(snapshot.get("tours", [])),
                                   snapshot.get("titles"))

    def _on_update(self, update: dict[str, Any]) -> None:
        if not self.preview.apply_update(update):
            self.link.refresh(full=True)
            return
        if int(update["seq"]) in self._keyboard_changes:
            self._remember_keyboard_change(int(update["seq"]), update)
        if "salvos" in update:
            self.salvo_panel.set_names(list(update["salvos"]), list(update.get("tours", self.link.last.get("tours", []))),
                                       self.link.last.get("titles"))

    def _on_health(self, health: dict[str, Any]) -> None:
        self.preview.set_health(health)
        now = time.time() + self.link.clock_offset
        online = [name for name, report in health.items() if now - float(report.get("at", 0)) < 5]
        lost = sum(1 for name in online for tile in health[name].get("tiles", {}).values()
                   if tile.get("state") in ("lost", "error"))
        self.agents_label.setText(self.tr("agents online: %1").replace("%1", str(len(online))))
        self.lost_label.setText(self.tr("tiles lost: %1").replace("%1", str(lost)))
        self.lost_label.setStyleSheet("color: #e5484d;" if lost else "")

    def _on_connected(self, connected: bool) -> None:
        self.host_label.setText(self.tr("host: connected") if connected else self.tr("host: not answering"))
        self.host_label.setStyleSheet("" if connected else "color: #f5a524;")
        self.keyboard.set_connected(connected)

    # -- desk -> host ------------------------------------------------------------------
    def send_keys(self, line: str) -> str:
        before = self._routes()
        grids = {s.name: s.grid.name for s in self.preview.wall.screens} if self.preview.wall else {}
        reply = self.link.keys_reply(line)
        answer = str(reply.get("answer", "NA"))
        self.keyboard.show_reply(line, answer)
        if answer.startswith("AK") and self.keyboard.monitor is not None:
            self.preview.select_monitor(self.keyboard.monitor)
        if reply.get("ok") and reply.get("commands") and "seq" in reply:
            # Undone from what the wall showed before: known once the host's update arrives.
            self._keyboard_changes[int(reply["seq"])] = (line, before, grids, reply["commands"])
            if self.link.seq >= int(reply["seq"]):
                self._remember_keyboard_change(int(reply["seq"]), self.link.last_update)
        return answer

    def _remember_keyboard_change(self, seq: int, update: dict[str, Any]) -> None:
        pending = self._keyboard_changes.pop(seq, None)
        if pending is None or int(update.get("seq", -1)) != seq:
            return
        line, before, grids, done = pending
        undo: list[Command] = []
        wall = update.get("wall") or {}
        for screen in wall.get("screens", []):
            if grids.get(screen["name"], screen["grid"]) != screen["grid"]:
                undo.append(SetGrid(screen["name"], grids[screen["name"]]))
        if undo:  # a grid changed: every route comes back after it
            undo += [RouteCamera(m, c) for m, c in sorted(before.items())]
        else:
            for monitor_text in update.get("routes", {}):
                camera = before.get(int(monitor_text))
                undo.append(RouteCamera(int(monitor_text), camera) if camera is not None else ClearTile(int(monitor_text)))
        if not undo:
            return  # nothing on the wall changed (a HOLD, a saved salvo)
        commands = [command_from_dict(c) for c in done]
        self.undo_stack.push(WallChange(self.link, line, commands, undo, self._report, done=True))

    def _routes(self) -> dict[int, int]:
        return {m: c for m in range(1, self._monitors() + 1) if (c := self._route(m)) is not None}

    def request(self, command: Command) -> None:
        """A wall change from the mouse: sent to the host through the undo stack."""
        routes = {m: c for m in range(1, self._monitors() + 1) if (c := self._route(m)) is not None}
        grids = {s.name: s.grid.name for s in self.preview.wall.screens} if self.preview.wall else {}
        self.undo_stack.push(WallChange(self.link, _describe(command), [command], restoring(routes, grids, command),
                                        self._report))

    def recall_salvo(self, name: str) -> None:
        routes = {m: c for m in range(1, self._monitors() + 1) if (c := self._route(m)) is not None}
        undo: list[Command] = [RouteCamera(m, c) if c is not None else ClearTile(m)
                               for m, c in sorted({**dict.fromkeys(range(1, self._monitors() + 1)), **routes}.items())]
        self.undo_stack.push(WallChange(self.link, self.tr("recall salvo %1").replace("%1", name), [RecallSalvo(name)],
                                        undo, self._report))

    def start_tour(self, name: str) -> None:
        monitor = self.preview.selected_monitor
        if monitor is None:
            self.statusBar().showMessage(self.tr("Select a monitor first"), 4000)
            return
        reply = self.link.command(StartTour(monitor, name))
        if not reply.get("ok"):
            self._report("StartTour", str(reply.get("answer")))

    def save_salvo(self) -> None:
        if self.role != "supervisor":
            self.statusBar().showMessage(self.tr("Only supervisors save salvos"), 4000)
            return
        name, ok = QInputDialog.getText(self, self.tr("Save wall as salvo"), self.tr("Salvo name or number:"))
        if ok and name.strip():
            self.save_salvo_as(name.strip())

    def save_salvo_as(self, name: str) -> dict[str, Any]:
        reply = self.link.command(SaveSalvo(name))
        if not reply.get("ok"):
            self._report("SaveSalvo", str(reply.get("answer")))
        return reply

    def save_tour_as(self, name: str, steps: list[tuple[int, float]]) -> dict[str, Any]:
        if self.role != "supervisor":
            self.statusBar().showMessage(self.tr("Only supervisors edit tours"), 4000)
            return {"ok": False, "answer": "NA only supervisors edit tours"}
        reply = self.link.command(SaveTour(name, tuple(c for c, _ in steps), tuple(d for _, d in steps)))
        if not reply.get("ok"):
            self._report("SaveTour", str(reply.get("answer")))
        return reply

    def save_layout(self) -> None:
        if self.role != "supervisor":
            self.statusBar().showMessage(self.tr("Only supervisors save layouts"), 4000)
            return
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("Save wall as layout"), "",
                                                    self.tr("Layouts (*.yaml)"))
        if path:
            self.save_layout_as(path)

    def save_layout_as(self, path: str) -> Layout:
        """The wall as it is (screens, grids), its salvos and tours, and what it shows now as
        the salvo "now", written atomically with a .bak of the file it replaces."""
        snapshot = self.link.last
        self.link.refresh()
        snapshot = self.link.last or snapshot
        wall_info = snapshot["wall"]
        wall = Wall(wall_info["name"], tuple(Screen(s["name"], grid(s["grid"]), tuple(s.get("position", (0, 0))))
                                              for s in wall_info["screens"]))
        salvos = {n: Salvo(n, tuple((int(m), int(c)) for m, c in r)) for n, r in snapshot.get("salvo_defs", {}).items()}
        routes = tuple(sorted((int(m), int(c)) for m, c in snapshot.get("routes", {}).items()))
        if routes:
            salvos["now"] = Salvo("now", routes)
        tours = {n: Tour(n, tuple((int(c), float(d)) for c, d in steps)) for n, steps in snapshot.get("tour_defs", {}).items()}
        titles = dict(snapshot.get("titles", {}))
        titles["salvo:now"] = self.tr("the wall when this layout was saved")
        layout = Layout(wall, salvos, tours, titles)
        save_layout(layout, path)
        self.statusBar().showMessage(self.tr("layout saved: %1").replace("%1", path), 6000)
        return layout

    def import_catalog(self) -> None:
        if self.role != "supervisor":
            self.statusBar().showMessage(self.tr("Only supervisors import the camera catalog"), 4000)
            return
        path, _filter = QFileDialog.getOpenFileName(self, self.tr("Import camera catalog"), "",
                                                    self.tr("Camera catalogs (*.yaml *.yml *.csv)"))
        if path:
            self.import_catalog_from(path)

    def import_catalog_from(self, path: str, *, quiet: bool = False) -> int:
        """Import in the background with a progress dialog; the tree shows the new catalog."""
        from console.ui.catalog_import import import_catalog

        count = import_catalog(self, path, self.catalog, quiet=quiet)
        if count >= 0:
            self.browser.reload()
            self.statusBar().showMessage(self.tr("%1 cameras imported").replace("%1", f"{count:,}"), 6000)
        return count

    def _preview_monitor(self, monitor: int) -> None:
        camera = self._route(monitor)
        if camera is not None:
            self.main_monitor.show_camera(camera)

    def _route(self, monitor: int) -> int | None:
        info = self.preview.tile_info(monitor)
        return info.camera if info is not None else None

    def _monitors(self) -> int:
        wall = self.preview.wall
        return wall.monitors if wall is not None else 0

    def _report(self, what: str, answer: str) -> None:
        log.warning("%s refused: %s", what, answer)
        self.statusBar().showMessage(f"{what}: {answer}", 6000)

    # -- settings ----------------------------------------------------------------------
    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        state = self.settings.value("state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1400, 900)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("state", self.saveState())
        self.settings.sync()
        self.main_monitor.close_players()
        super().closeEvent(event)


def _describe(command: Command) -> str:
    if isinstance(command, RouteCamera):
        return f"MON {command.monitor} ← CAM {command.camera}"
    if isinstance(command, ClearTile):
        return f"clear MON {command.monitor}"
    if isinstance(command, SetGrid):
        return f"{command.screen}: grid {grid(command.grid).name}"
    return command.name
