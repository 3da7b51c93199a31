"""The operator's desk: camera tree, wall preview, keyboard panel and main monitor over one
matrix host.

The console holds no wall state of its own: it mirrors the host (snapshot, then numbered
updates, the Clone pattern) and sends commands.  Every wall change made with the mouse goes on
an undo stack as the matrix commands that make it and the ones that take it back.
"""

from __future__ import annotations

import collections
import getpass
import logging
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import zmq
from PySide6.QtCore import QByteArray, QEvent, QObject, QPoint, QRectF, QSettings, QSocketNotifier, Qt, QTimer, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QShowEvent,
    QUndoCommand,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QFocusFrame,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console import credentials
from console.evidence.store import Centre
from console.matrix.bookmarks import AddBookmark, FindBookmarks
from console.matrix.catalog import Catalog
from console.matrix.commands import (
    ClearTile,
    Command,
    PlayRecording,
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
from console.matrix.protocol import Envelope, HostEpoch, ProtocolError, decode, encode
from console.recorder.source import RecordingSource
from console.ui.agent import WallAgent
from console.ui.camera_tree import CameraBrowser, CameraSearchModel, camera_numbers
from console.ui.evidence_desk import EvidenceDesk
from console.ui.export_desk import ExportDialog
from console.ui.host_reasons import answer_text, note_texts
from console.ui.keyboard_panel import KeyboardPanel
from console.ui.playback import INSTANT_REPLAY, PlaybackWorkspace, RefusedError, desk_source
from console.ui.ptz import PictureJoystick, PtzControl
from console.ui.ptz_setup import PtzSetupDialog
from console.ui.reasons import reason_text
from console.ui.tile import TileWidget
from console.ui.wall_preview import WallPreview
from console.video.nvr_playback import NvrPlayback, NvrSource
from console.video.player import VideoEngine
from console.video.urls import with_credentials

log = logging.getLogger("videowall.console")

ROLES = ("operator", "supervisor")
REFUSED_TEXT = "#ff6b70"  # red that reads on the dark theme's window colour


class HostLink(QObject):
    """The desk's connection to the matrix host, on the GUI thread.

    Requests are short (the host answers in milliseconds on a LAN); a host that does not
    answer within `timeout` marks the link down rather than freezing the desk.
    """

    snapshot = Signal(dict)
    update = Signal(dict)
    health = Signal(dict)
    ptz = Signal(dict)  # the host's "ptz" topic: {"lock": {...}} or {"line": {...}}
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
        # Requests answered later (a wall tile's picture): msg_id -> (callback, deadline).
        self._later: dict[str, tuple[Callable[[dict[str, Any] | None], None], float]] = {}
        assert client.sub is not None, "a desk needs the host's update feed"
        client.sub.setsockopt(zmq.SUBSCRIBE, b"ptz")  # whatever topics the client subscribed already
        self._notifier = QSocketNotifier(client.sub.getsockopt(zmq.FD), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_updates)
        self._poll = QTimer(self)
        self._poll.setInterval(1000)  # health and liveness: agents report once a second
        self._poll.timeout.connect(self.refresh)
        self._poll.start()
        self._later_poll = QTimer(self)
        self._later_poll.setInterval(20)
        self._later_poll.timeout.connect(self._poll_later)

    @property
    def name(self) -> str:
        """This desk's name, as its key pair's (the host names lock holders by it)."""
        return self.client.name

    def request(self, kind: str, content: dict[str, Any], timeout: float | None = None) -> dict[str, Any] | None:
        # While the host is away, ask briefly: the desk must not freeze for every key press.
        wait = self.timeout if timeout is None else timeout
        wait = wait if self.connected else min(wait, 0.25)
        envelope = Envelope(kind, content, self.client.name)
        try:
            self.client.dealer.send_multipart(encode(envelope))
            reply = self._reply_to(envelope.msg_id, time.monotonic() + wait)
        except zmq.ZMQError as exc:
            log.warning("the link to the matrix host failed: %s", exc)
            reply = None
        if reply is None:
            self._set_connected(False)
            return None
        self._set_connected(True)
        return reply

    def request_later(self, kind: str, content: dict[str, Any], callback: Callable[[dict[str, Any] | None], None],
                      timeout: float = 8.0) -> None:
        """A request whose answer may take a while (a wall agent of this very process must
        answer it: waiting here would starve it); `callback(content)` on the GUI thread, or
        `callback(None)` if the host has not answered within `timeout`."""
        envelope = Envelope(kind, content, self.client.name)
        try:
            self.client.dealer.send_multipart(encode(envelope))
        except zmq.ZMQError as exc:
            log.warning("the link to the matrix host failed: %s", exc)
            QTimer.singleShot(0, lambda: callback(None))
            return
        self._later[envelope.msg_id] = (callback, time.monotonic() + timeout)
        self._later_poll.start()

    def _reply_to(self, msg_id: str, deadline: float) -> dict[str, Any] | None:
        """The reply to `msg_id`; replies to requests made with request_later go to theirs,
        late replies to requests that timed out are dropped."""
        dealer = self.client.dealer
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not dealer.poll(int(left * 1000)):
                return None
            try:
                reply = decode(dealer.recv_multipart())
            except ProtocolError as exc:
                log.warning("skipped a malformed reply from the matrix host: %s", exc)
                continue
            parent = reply.parent.get("msg_id")
            if parent == msg_id:
                return reply.content
            self._hand_over(str(parent), reply.content)

    def _hand_over(self, parent: str, content: dict[str, Any]) -> None:
        later = self._later.pop(parent, None)
        if later is not None:
            callback = later[0]
            QTimer.singleShot(0, self, lambda: callback(content))

    def _poll_later(self) -> None:
        dealer = self.client.dealer
        try:
            while dealer.poll(0):
                try:
                    reply = decode(dealer.recv_multipart())
                except ProtocolError as exc:
                    log.warning("skipped a malformed reply from the matrix host: %s", exc)
                    continue
                self._hand_over(str(reply.parent.get("msg_id")), reply.content)
        except zmq.ZMQError as exc:
            log.warning("the link to the matrix host failed: %s", exc)
        now = time.monotonic()
        for msg_id, (callback, deadline) in list(self._later.items()):
            if deadline <= now:
                del self._later[msg_id]
                self._set_connected(False)
                callback(None)
        if not self._later:
            self._later_poll.stop()

    def keys(self, line: str) -> str:
        return str(self.keys_reply(line).get("answer", "NA"))

    def keys_reply(self, line: str) -> dict[str, Any]:
        reply = self.request("command", {"keys": line})
        return {"ok": False, "answer": "NA the matrix host does not answer",
                                     "reason": {"code": "host-not-answering", "args": {}}} if reply is None else reply

    def command(self, command: Command) -> dict[str, Any]:
        reply = self.request("command", command.to_dict())
        return {"ok": False, "answer": "NA the matrix host does not answer",
                                     "reason": {"code": "host-not-answering", "args": {}}} if reply is None else reply

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
                    if envelope.type == "ptz":
                        self.ptz.emit(envelope.content)
                        continue
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
        self._later_poll.stop()
        self._later.clear()
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
                self.report(command.name, answer_text(reply))
                return
            for note in note_texts(reply):
                self.report(command.name, note)

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
    if isinstance(command, PlayRecording):
        # Undo is each monitor live again with what it showed before.
        return [RouteCamera(m, routes[m]) if m in routes else ClearTile(m) for m in command.monitors]
    if isinstance(command, SetGrid):
        # The old grid, then every route the old grid had (a smaller grid dropped some).
        back: list[Command] = [SetGrid(command.screen, grids[command.screen])]
        return back + [RouteCamera(m, c) for m, c in sorted(routes.items())]
    return []


class MainMonitor(QWidget):
    """The operator's own live view: 1 or 4 tiles, decoded in this process."""

    tiles_changed = Signal()  # tiles made anew, or a camera put on one
    evidence_requested = Signal(str, object)  # "SNAP" or "PRINT", the TileWidget

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
        self.tiles_changed.emit()

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
        self.tiles_changed.emit()
        return True

    def tile_at(self, pos: QPoint) -> TileWidget | None:
        for tile in self.tiles:
            if tile.geometry().contains(pos):
                return tile
        return None

    def context_menu_for(self, tile: TileWidget) -> QMenu:
        menu = QMenu(self)
        for key, text, name in (("SNAP", self.tr("Snapshot as evidence"), "snapshot"),
                                ("PRINT", self.tr("Print evidence…"), "print_evidence")):
            action = menu.addAction(text)
            action.setObjectName(name)
            action.setEnabled(tile.camera_number is not None)
            action.triggered.connect(lambda _checked=False, k=key: self.evidence_requested.emit(k, tile))
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 (Qt's name)
        tile = self.tile_at(event.pos())
        if tile is None:
            event.ignore()
            return
        menu = self.context_menu_for(tile)
        menu.exec(self.mapToGlobal(event.pos()))
        menu.deleteLater()

    def close_players(self) -> None:
        for tile in self.tiles:
            tile.close_player()


def _eliding_list(parent: QWidget) -> QListWidget:
    """A list whose long titles end in "…" (whole in the tooltip) rather than run off its edge."""
    widget = QListWidget(parent)
    widget.setTextElideMode(Qt.TextElideMode.ElideRight)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    widget.setUniformItemSizes(True)
    return widget


class SalvoTourPanel(QWidget):
    """Salvos and tours from the host: operators recall them, supervisors save the wall."""

    def __init__(self, console: ConsoleWindow) -> None:
        super().__init__(console)
        self.console = console
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(QLabel(self.tr("Salvos"), self))
        self.salvos = _eliding_list(self)
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
        self.tours = _eliding_list(self)
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
                    item.setToolTip(item.text())  # the whole title, where the list elides it
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
        self.console.edit_tour(name, steps)


class _StepTable(QTableWidget):
    """The tour's steps; cameras dragged from the camera tree or a search drop in as new steps."""

    cameras_dropped = Signal(int, list)  # row to insert at, camera numbers

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setAcceptDrops(True)
        self.viewport().setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)

    def _cameras(self, event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[int]:
        return camera_numbers(event.mimeData())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt's name)
        if self._cameras(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._cameras(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        cameras = self._cameras(event)
        if not cameras:
            event.ignore()
            return
        row = self.rowAt(event.position().toPoint().y())
        event.acceptProposedAction()
        self.cameras_dropped.emit(self.rowCount() if row < 0 else row, cameras)


class TourEditor(QDialog):
    """A tour's cameras and dwell times, one row per step.

    Cameras come from the search box above the steps (Enter or a double click adds the
    highlighted camera), by dragging them from the console's camera tree or from this
    dialog's matches, or typed into the camera column.  The dialog is not modal, so the
    console's tree stays usable for dragging while it is open.
    """

    CAMERA, NAME, DWELL = 0, 1, 2
    DEFAULT_DWELL = 10.0

    def __init__(self, name: str, steps: list[tuple[int, float]], parent: QWidget | None = None,
                 catalog: Catalog | None = None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.setWindowTitle(self.tr("Edit tour"))
        form = QFormLayout(self)
        self.name = QLineEdit(name, self)
        form.addRow(self.tr("Tour name or number:"), self.name)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Find a camera: number, name or place; Enter adds it"))
        self.search.setClearButtonEnabled(True)
        self.matches = QTreeView(self)
        self.matches.setRootIsDecorated(False)
        self.matches.setUniformRowHeights(True)
        self.matches.setDragEnabled(True)
        self.matches.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.matches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matches.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.matches.setMaximumHeight(150)
        self.search_model: CameraSearchModel | None = None
        if catalog is not None:
            self.search_model = CameraSearchModel(catalog, limit=50, parent=self)
            self.matches.setModel(self.search_model)
            self.search.textChanged.connect(self._search)
            self.search.returnPressed.connect(self.add_highlighted)
            self.matches.activated.connect(lambda _index: self.add_highlighted())
            form.addRow(self.tr("Add camera:"), self.search)
            form.addRow(self.matches)
        else:
            self.search.hide()
            self.matches.hide()
        self.table = _StepTable(self)
        self.table.setHorizontalHeaderLabels([self.tr("Camera"), self.tr("Name"), self.tr("Dwell (s)")])
        self.table.setToolTip(self.tr("Drag cameras here from the camera tree or the matches above"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(self.NAME, QHeaderView.ResizeMode.Stretch)
        self.table.cameras_dropped.connect(self.insert_cameras)
        self.table.itemChanged.connect(self._camera_edited)
        for camera, dwell in steps:
            self.add_step(camera, dwell)
        form.addRow(self.table)
        row = QHBoxLayout()
        add = QPushButton(self.tr("Add step"), self)
        add.clicked.connect(self._add_clicked)
        remove = QPushButton(self.tr("Remove step"), self)
        remove.clicked.connect(lambda: self.table.removeRow(self.table.currentRow()))
        row.addWidget(add)
        row.addWidget(remove)
        form.addRow(row)
        self.error = QLabel(self)
        self.error.setStyleSheet(f"color: {REFUSED_TEXT};")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(560, 520)

    def _search(self, text: str) -> None:
        assert self.search_model is not None
        self.search_model.set_query(text)
        if self.search_model.rowCount() > 0:
            self.matches.setCurrentIndex(self.search_model.index(0, 0))

    def add_highlighted(self) -> list[int]:
        """The cameras selected among the matches (the first match if none is) become steps."""
        if self.search_model is None or self.search_model.rowCount() == 0:
            return []
        selected = {i.row() for i in self.matches.selectionModel().selectedRows()}
        rows = sorted(selected) or [max(0, self.matches.currentIndex().row())]
        cameras = [self.search_model.cameras[r].number for r in rows]
        self.insert_cameras(self.table.rowCount(), cameras)
        return cameras

    def _add_clicked(self) -> None:
        if self.search_model is not None and self.search_model.query and self.add_highlighted():
            return
        self.add_step(0, self._default_dwell())

    def _default_dwell(self) -> float:
        """A new step dwells as long as the last one: tours usually keep one rhythm."""
        last = self.table.rowCount() - 1
        item = self.table.item(last, self.DWELL) if last >= 0 else None
        try:
            return float(item.text()) if item is not None else self.DEFAULT_DWELL
        except ValueError:
            return self.DEFAULT_DWELL

    @Slot(int, list)
    def insert_cameras(self, row: int, cameras: list[int]) -> None:
        dwell = self._default_dwell()
        for offset, camera in enumerate(cameras):
            self.add_step(camera, dwell, row=row + offset)
        self.table.setCurrentCell(row + len(cameras) - 1, self.CAMERA)

    def add_step(self, camera: int, dwell: float, *, row: int | None = None) -> None:
        row = self.table.rowCount() if row is None else max(0, min(row, self.table.rowCount()))
        self.table.blockSignals(True)
        try:
            self.table.insertRow(row)
            self.table.setItem(row, self.CAMERA, QTableWidgetItem(str(camera) if camera else ""))
            name = QTableWidgetItem(self._camera_name(camera))
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, self.NAME, name)
            self.table.setItem(row, self.DWELL, QTableWidgetItem(f"{dwell:g}"))
        finally:
            self.table.blockSignals(False)

    def _camera_name(self, camera: int) -> str:
        if not camera or self.catalog is None:
            return ""
        found = self.catalog.get(camera)
        return found.name if found is not None else self.tr("unknown camera")

    def _camera_edited(self, item: QTableWidgetItem) -> None:
        if item.column() != self.CAMERA:
            return
        name = self.table.item(item.row(), self.NAME)
        if name is not None:
            text = item.text().strip()
            self.table.blockSignals(True)
            name.setText(self._camera_name(int(text)) if text.isdigit() else "")
            self.table.blockSignals(False)

    def result_tour(self) -> tuple[str, list[int], list[float]]:
        """The edited tour; ValueError names the first bad cell."""
        cameras, dwells = [], []
        for row in range(self.table.rowCount()):
            texts = [(cell.text() if (cell := self.table.item(row, c)) is not None else "").strip()
                     for c in (self.CAMERA, self.DWELL)]
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


class FocusFrame(QFocusFrame):
    """A frame around the widget with the keyboard focus, drawn in the selection colour.

    The dark palette makes Fusion's own focus hints (a faint dotted line, or nothing) easy to
    miss; an operator must see at a glance where a key press goes.
    """

    COLOUR = QColor("#5b9bff")

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        if self.widget() is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.COLOUR, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 3, 3)
        painter.end()


class _WallWindowsWatcher(QObject):
    """Tells the console when one of this process's wall windows is shown."""

    def __init__(self, console: ConsoleWindow) -> None:
        super().__init__(console)
        self.console = console

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Show and isinstance(watched, WallAgent):
            self.console.wall_window_shown(watched)
        return False


class ConsoleWindow(QMainWindow):
    def __init__(self, link: HostLink, catalog: Catalog, engine: VideoEngine, *, role: str = "operator",
                 renderer: str = "callbacks", settings: QSettings | None = None, evidence_dir: Path | None = None,
                 operator: str | None = None, printer: str | None = None) -> None:
        super().__init__()
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r} (known: {', '.join(ROLES)})")
        self.link, self.catalog, self.role = link, catalog, role
        self.settings = settings or QSettings("videowall", "console")
        self.setWindowTitle(self.tr("videowall console"))
        self.setObjectName("console")
        self.undo_stack = QUndoStack(self)
        self._keyboard_changes: dict[int, tuple[str, dict[int, int], dict[str, str], list[dict[str, Any]]]] = {}
        self._events_seen: set[tuple[Any, ...]] = set()
        # What the agents did on their own, as shown to the operator, newest last.
        self.wall_events: collections.deque[str] = collections.deque(maxlen=200)

        self.preview = WallPreview(self, clock=lambda: time.time() + self.link.clock_offset)
        self.setCentralWidget(self.preview)
        self.browser = CameraBrowser(catalog, self)
        self.keyboard = KeyboardPanel(self)
        self.engine = engine
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
        self.keyboard.install_keypad(self)
        self.keyboard.set_ptz_supervisor(role == "supervisor")
        self.ptz = PtzControl(link.command, catalog, desk=link.name, role=role, parent=self)
        self.ptz.speed = self.keyboard.ptz_speed_value()
        self.joystick = PictureJoystick(self.ptz, lambda tile: getattr(tile, "camera_number", None), self)
        from console.evidence.cli import DEFAULT_STORE

        self.evidence = EvidenceDesk(link, catalog, evidence_dir or DEFAULT_STORE, desk=link.name,
                                     operator=operator or _operator(), centre=self._evidence_centre, printer=printer,
                                     parent=self)

        self.docks = {"cameras": cameras, "main-monitor": monitor, "keyboard": keyboard, "salvos": salvos}
        self._build_actions()
        self._build_menus()
        toolbar = QToolBar(self.tr("Wall"), self)
        toolbar.setObjectName("wall-toolbar")
        self.addToolBar(toolbar)
        for action in (self.undo_action, self.redo_action, self.save_salvo_action, self.save_layout_action,
                       self.import_action):
            toolbar.addAction(action)
        # The keyboard focus shows as a frame: an operator must see where a key press goes.
        self.focus_frame = FocusFrame(self)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        app.focusChanged.connect(self._focus_moved)
        # Wall windows of this desk (the one-PC centre) follow the keypad, and take the focus
        # from the console when they appear: under a bare X server nobody gives it back.
        self._windows_watcher = _WallWindowsWatcher(self)
        app.installEventFilter(self._windows_watcher)

        self.host_label = QLabel(self)
        self.agents_label = QLabel(self)
        self.lost_label = QLabel(self)
        self.recorder_label = QLabel(self)
        self.recorder_label.setObjectName("recorder_status")
        for label in (self.host_label, self.agents_label, self.lost_label, self.recorder_label):
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
        self._wire_ptz()
        self._wire_evidence()
        self._on_connected(False)
        self._restore_settings()
        link.refresh(full=True)

    # -- PTZ ------------------------------------------------------------------------------
    def _wire_ptz(self) -> None:
        ptz, keyboard = self.ptz, self.keyboard
        keyboard.ptz_pressed.connect(lambda name: ptz.press(name, f"key:{name}"))
        keyboard.ptz_released.connect(lambda name: ptz.unpress(name, f"key:{name}"))
        keyboard.ptz_preset_requested.connect(ptz.preset)
        keyboard.ptz_lock_requested.connect(ptz.lock)
        keyboard.ptz_speed.valueChanged.connect(lambda value: setattr(ptz, "speed", value / 100))
        ptz.answered.connect(keyboard.show_ptz_answer)
        ptz.status_changed.connect(self._show_ptz_status)
        self.link.ptz.connect(ptz.on_topic)
        self.link.health.connect(lambda _health: ptz.load(self.link.last.get("ptz")))
        self.link.snapshot.connect(lambda snapshot: ptz.load(snapshot.get("ptz")))
        self.preview.steer_requested.connect(self._steer_wall_tile)
        self.preview.steer_released.connect(lambda _monitor: ptz.release("wall-drag"))
        self.preview.zoom_requested.connect(self._zoom_wall_tile)
        self.main_monitor.tiles_changed.connect(self._attach_joystick)
        self._attach_joystick()
        self._show_ptz_status()

    def _show_ptz_status(self) -> None:
        status = self.ptz.status()
        self.keyboard.set_ptz_status(status)
        if hasattr(self, "ptz_lock_action"):
            self.ptz_lock_action.setEnabled(status.can_lock and self.role == "supervisor")
            self.ptz_release_action.setEnabled(status.can_release and self.role == "supervisor")

    def _follow_ptz_target(self, *, selected: bool = False) -> None:
        """The PTZ target follows the selected monitor (and what it shows)."""
        monitor = self.preview.selected_monitor
        camera = self._route(monitor) if monitor is not None else None
        if selected:
            self.ptz.set_monitor(monitor, camera)
        else:
            self.ptz.update_monitor(monitor, camera)

    def _steer_wall_tile(self, monitor: int, pan: float, tilt: float) -> None:
        if self.ptz.on_main or self.ptz.monitor != monitor:
            self.ptz.set_monitor(monitor, self._route(monitor))
        if pan or tilt:
            self.ptz.hold("wall-drag", pan, tilt)
        else:
            self.ptz.release("wall-drag")

    def _zoom_wall_tile(self, monitor: int, steps: int) -> None:
        if self.ptz.on_main or self.ptz.monitor != monitor:
            self.ptz.set_monitor(monitor, self._route(monitor))
        self.ptz.wheel(steps)

    def _attach_joystick(self) -> None:
        for tile in self.main_monitor.tiles:
            if not tile.property("ptz_joystick"):
                tile.setProperty("ptz_joystick", True)
                tile.installEventFilter(self.joystick)
            self.joystick.refresh(tile)

    def lock_dome(self) -> None:
        self.ptz.lock(True)

    def release_dome(self) -> None:
        self.ptz.lock(False)

    def dome_setup(self) -> PtzSetupDialog:
        """Presets with names, the dome's PTZ tour, park and auxiliaries (non-modal: the pad and
        the picture keep steering while it is open)."""
        dialog = getattr(self, "_dome_setup", None)
        if dialog is None:
            dialog = self._dome_setup = PtzSetupDialog(self.ptz, self, refresh_host=self.link.refresh)
        dialog.refresh()
        dialog.show()
        dialog.raise_()
        return dialog

    # -- playback ---------------------------------------------------------------------------
    def playback_workspace(self) -> PlaybackWorkspace:
        """The desk's playback window (one, reused): recordings read from the recorder with
        tokens the matrix host grants this desk, bookmarks through the host."""
        view = getattr(self, "_playback", None)
        if view is None:
            view = self._playback = PlaybackWorkspace(self._recording_source, titles=self._camera_title,
                                                      bookmark=self._add_bookmark, bookmarks=self._find_bookmarks,
                                                      to_wall=self._play_on_wall, export=self.open_export,
                                                      nvr_for=self._nvr_playback)
            view.setWindowFlag(Qt.WindowType.Window, True)
            view.resize(1100, 760)
            view.answered.connect(lambda text: self.statusBar().showMessage(text, 8000))
            view.live_requested.connect(lambda _cameras: view.hide())
            self._token_timer = QTimer(self)
            self._token_timer.setInterval(60_000)  # tokens live 5 min; one a minute keeps reads going
            self._token_timer.timeout.connect(self._refresh_recording_tokens)
            self._token_timer.start()
        return view

    def open_playback(self, cameras: list[int] | None = None, moment: float | None = None, *,
                      play: bool = False) -> PlaybackWorkspace:
        view = self.playback_workspace()
        view.show()
        view.raise_()
        if cameras:
            view.open(cameras, moment if moment is not None else time.time() - 300, play=play)
        return view

    def playback_of_monitor(self, monitor: int) -> PlaybackWorkspace | None:
        """A wall tile's camera in the workspace, from 5 minutes back, paused for the operator."""
        camera = self._route(monitor)
        return self.open_playback([camera], time.time() - 300) if camera is not None else None

    def instant_replay(self, seconds: float = INSTANT_REPLAY) -> PlaybackWorkspace | None:
        """The selected monitor's camera (else the main monitor's) from `seconds` ago, playing."""
        camera = self._route(self.keyboard.monitor) if self.keyboard.monitor is not None else None
        if camera is None:
            camera = next((t.camera_number for t in self.main_monitor.tiles if t.camera_number is not None), None)
        if camera is None:
            self.statusBar().showMessage(self.tr("Instant replay: select a monitor that shows a camera"), 6000)
            return None
        return self.open_playback([camera], time.time() - seconds, play=True)

    def export_dialog(self) -> ExportDialog:
        """The desk's export window (one, reused: an export runs on after it is closed).  It signs
        as the evidence store's centre, names the cameras from the catalog and this desk as who."""
        dialog = getattr(self, "_export_dialog", None)
        if dialog is None:
            dialog = self._export_dialog = ExportDialog(self.link.command, self.catalog, desk=self.link.name,
                                                        centre=lambda: self.evidence.store.centre, parent=self)
            dialog.message.connect(lambda text, _failed: self.statusBar().showMessage(text.replace("\n", " "), 15000))
        return dialog

    def open_export(self, cameras: list[int] | None = None, start: float | None = None,
                    end: float | None = None) -> ExportDialog:
        """Export…: the cameras and span given, else the playback workspace's cameras over its
        timeline's span, else the last minutes; a running export is shown as it is."""
        dialog = self.export_dialog()
        view = getattr(self, "_playback", None)
        if cameras is None and view is not None and view.cameras:
            cameras, (start, end) = list(view.cameras), view.timeline.view
        if not dialog.running:
            dialog.prefill(cameras or [], start, end)
        dialog.show()
        dialog.raise_()
        return dialog

    def _recording_source(self, cameras: list[int]) -> RecordingSource:
        try:
            source, self._recording_tokens = desk_source(self.link.command, cameras)
        except RefusedError as exc:
            raise PermissionError(answer_text(exc.reply)) from None
        except OSError:
            raise OSError(self.tr("No recorder serves recordings now (none reports to the matrix host)")) from None
        return source

    def _refresh_recording_tokens(self) -> None:
        tokens = getattr(self, "_recording_tokens", None)
        view = getattr(self, "_playback", None)
        if tokens is not None and view is not None and view.group is not None:
            tokens.refresh()

    def _play_on_wall(self, cameras: list[int], moment: float, speed: float) -> None:
        """The workspace's cameras on the wall from the selected monitor on, in the wall's order."""
        first = self.keyboard.monitor if self.keyboard.monitor is not None else self.preview.selected_monitor
        if first is None:
            self.statusBar().showMessage(self.tr("Select the first wall monitor to play on"), 6000)
            return
        monitors = [m for m in self._monitors() if m >= first][:len(cameras)]
        if len(monitors) < len(cameras):
            self.statusBar().showMessage(self.tr("The wall shows only %1 monitors from MON %2 on")
                                         .replace("%1", str(len(monitors))).replace("%2", str(first)), 6000)
            cameras = cameras[:len(monitors)]
        if monitors:
            self.request(PlayRecording(tuple(monitors), tuple(cameras), moment, speed))

    def _camera_title(self, number: int) -> str:
        camera = self.catalog.get(number)
        return camera.name if camera is not None else ""

    def _nvr_playback(self, number: int) -> NvrPlayback | None:
        """The camera's footage on its third-party NVR (the catalog's `nvr:`), if it names one.
        Opens nothing yet: the NVR and the keyring are asked in its decoder thread."""
        camera = self.catalog.get(number)
        if camera is None or not camera.nvr:
            return None
        try:
            return NvrPlayback(NvrSource.from_json(camera.nvr), number)
        except (ValueError, KeyError, TypeError):  # a catalog entry not as the importer writes it
            log.warning("camera %d: its nvr entry in the catalog cannot be read", number)
            return None

    def _add_bookmark(self, cameras: list[int], start: float, end: float, note: str, case: str) -> dict[str, Any]:
        reply = self.link.command(AddBookmark(tuple(cameras), start, end, note, case))
        return {**reply, "answer": answer_text(reply)}

    def _find_bookmarks(self, start: float, end: float) -> list[tuple[float, float, str]]:
        reply = self.link.command(FindBookmarks(start=max(0.0, start), end=max(0.0, end)))
        marks = reply.get("bookmarks") if reply.get("ok") else None
        return [(float(b["start"]), float(b["end"]), (f"{b['case']} " if b.get("case") else "") + str(b.get("note", "")))
                for b in marks or [] if isinstance(b, dict)]

    # -- evidence ---------------------------------------------------------------------------
    def _wire_evidence(self) -> None:
        self.keyboard.evidence_requested.connect(self.evidence_key)
        self.preview.evidence_requested.connect(self.evidence_key)
        self.preview.playback_requested.connect(self.playback_of_monitor)
        self.main_monitor.evidence_requested.connect(self._evidence_of_tile)
        self.evidence.message.connect(self._evidence_message)

    def _evidence_centre(self) -> Centre:
        """The centre a new evidence store is made for: named after the wall it watches."""
        name = str((self.link.last.get("wall") or {}).get("name") or "") or self.tr("videowall centre")
        return Centre(name)

    def evidence_key(self, key: str, monitor: int = 0) -> None:
        """SNAP / PRINT / QUICK for monitor `monitor` (0: the selected one)."""
        target = monitor or self.preview.selected_monitor
        if target is None:
            self.statusBar().showMessage(self.tr("Select a monitor first"), 4000)
            return
        if key == "SNAP":
            self.evidence.snapshot_monitor(target)
        elif key == "PRINT":
            self.evidence.snapshot_monitor(target, then=self.evidence.ask)
        else:
            self.evidence.snapshot_monitor(target, then=self.evidence.quick_print)

    def _evidence_of_tile(self, key: str, tile: TileWidget) -> None:
        capture = self.evidence.snapshot_tile(tile)
        if capture is None:
            return
        if key == "SNAP":
            self.evidence.keep(capture)
        elif key == "PRINT":
            self.evidence.ask(capture)
        else:
            self.evidence.quick_print(capture)

    def main_tile(self) -> TileWidget | None:
        """The main monitor's picture evidence is taken from: the first that shows a camera."""
        return next((t for t in self.main_monitor.tiles if t.camera_number is not None), None)

    def snapshot_main(self) -> None:
        tile = self.main_tile()
        if tile is None:
            self.statusBar().showMessage(self.tr("The main monitor shows no camera: nothing to take"), 4000)
            return
        self._evidence_of_tile("SNAP", tile)

    def print_main(self) -> None:
        tile = self.main_tile()
        if tile is None:
            self.statusBar().showMessage(self.tr("The main monitor shows no camera: nothing to take"), 4000)
            return
        self._evidence_of_tile("PRINT", tile)

    def _evidence_message(self, text: str, failed: bool) -> None:
        (log.warning if failed else log.info)("%s", text)
        self.statusBar().showMessage(text.replace("\n", " "), 10000)
        self.keyboard.show_note(self.tr("EVIDENCE"), text.split("\n", maxsplit=1)[0], not failed)

    def _role_name(self) -> str:
        return self.tr("supervisor") if self.role == "supervisor" else self.tr("operator")

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)  # QSettings restores docks by object name
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    # -- menus and actions -----------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], object],
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                *, name: str, tip: str = "", enabled: bool = True) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutVisibleInContextMenu(True)
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(tip)
        action.setEnabled(enabled)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)  # the shortcut works while the menu bar is hidden too
        return action

    def _build_actions(self) -> None:
        supervisor = self.role == "supervisor"
        self.undo_action = self.undo_stack.createUndoAction(self, self.tr("Undo"))
        self.undo_action.setObjectName("undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, self.tr("Redo"))
        self.redo_action.setObjectName("redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        only = self.tr("Only supervisors do this")
        self.import_action = self._action(self.tr("Import camera catalog…"), self.import_catalog, "Ctrl+I", name="import",
                                          tip=self.tr("Replace the camera catalog from a YAML or CSV file")
                                          if supervisor else only, enabled=supervisor)
        self.save_layout_action = self._action(self.tr("Save wall as layout…"), self.save_layout, "Ctrl+Shift+S",
                                               name="save_layout", enabled=supervisor, tip="" if supervisor else only)
        self.quit_action = self._action(self.tr("Quit"), self.close, QKeySequence.StandardKey.Quit, name="quit")
        if self.quit_action.shortcut().isEmpty():  # not every platform has a standard Quit key
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.find_action = self._action(self.tr("Find camera"), self.focus_search, QKeySequence.StandardKey.Find,
                                        name="find", tip=self.tr("Search cameras by number, name or place"))
        self.command_line_action = self._action(self.tr("Keyboard line"), self.focus_command_line, "Ctrl+L",
                                                name="command_line", tip=self.tr("Type a whole keyboard line"))
        self.preview_action = self._action(self.tr("Wall preview"), self.focus_preview, "Ctrl+0", name="preview",
                                           tip=self.tr("The keyboard focus to the wall preview"))
        self.full_screen_action = self._action(self.tr("Full screen"), self.toggle_full_screen,
                                               QKeySequence.StandardKey.FullScreen, name="full_screen")
        if self.full_screen_action.shortcut().isEmpty():
            self.full_screen_action.setShortcut(QKeySequence("F11"))
        self.save_salvo_action = self._action(self.tr("Save wall as salvo…"), self.save_salvo, "Ctrl+S", name="save_salvo",
                                              enabled=supervisor, tip="" if supervisor else only)
        self.recall_salvo_action = self._action(self.tr("Recall salvo…"), self.choose_salvo, "Ctrl+R", name="recall_salvo")
        self.start_tour_action = self._action(self.tr("Start tour on the selected monitor…"), self.choose_tour, "Ctrl+T",
                                              name="start_tour")
        self.edit_tour_action = self._action(self.tr("Edit tour…"), self.edit_tour, "Ctrl+E", name="edit_tour",
                                             enabled=supervisor, tip="" if supervisor else only)
        self.clear_action = self._action(self.tr("Clear the selected monitor"), self.clear_selected, "Ctrl+Backspace",
                                         name="clear_monitor")
        self.maximise_action = self._action(self.tr("Maximise or restore the selected monitor"), self.toggle_maximise,
                                            "Ctrl+M", name="maximise")
        self.keys_help_action = self._action(self.tr("Keyboard and keypad"), self.show_keys_help,
                                             QKeySequence.StandardKey.HelpContents, name="keys_help")
        if self.keys_help_action.shortcut().isEmpty():
            self.keys_help_action.setShortcut(QKeySequence("F1"))
        self.about_action = self._action(self.tr("About videowall"), self.show_about, None, name="about")
        self.snapshot_action = self._action(self.tr("Snapshot of the selected monitor"), lambda: self.evidence_key("SNAP"),
                                            "F9", name="snapshot",
                                            tip=self.tr("Store the selected monitor's picture as evidence (SNAP)"))
        self.snapshot_main_action = self._action(self.tr("Snapshot of the main monitor"), self.snapshot_main, "Shift+F9",
                                                 name="snapshot_main")
        self.print_action = self._action(self.tr("Print evidence of the selected monitor…"),
                                         lambda: self.evidence_key("PRINT"), QKeySequence.StandardKey.Print,
                                         name="print_evidence",
                                         tip=self.tr("Case number, note, then print, preview or save as PDF (PRINT)"))
        if self.print_action.shortcut().isEmpty():
            self.print_action.setShortcut(QKeySequence("Ctrl+P"))
        self.print_main_action = self._action(self.tr("Print evidence of the main monitor…"), self.print_main,
                                              "Ctrl+Alt+P", name="print_main")
        self.quick_print_action = self._action(self.tr("Quick print of the selected monitor"),
                                               lambda: self.evidence_key("QUICK"), "Ctrl+Shift+P", name="quick_print",
                                               tip=self.tr("Store and print at once on the desk's default printer"))
        self.ptz_lock_action = self._action(self.tr("Lock the dome"), self.lock_dome, "Ctrl+K", name="ptz_lock",
                                            enabled=False, tip=self.tr("Hold the dome until released") if supervisor
                                            else self.tr("Only supervisors lock a dome"))
        self.ptz_release_action = self._action(self.tr("Release the dome"), self.release_dome, "Ctrl+Shift+K",
                                               name="ptz_release", enabled=False)
        self.playback_action = self._action(self.tr("Playback…"), self.open_playback, "F7",
                                            name="playback",
                                            tip=self.tr("Recordings of up to 16 cameras in sync, frame by frame"))
        self.replay_action = self._action(self.tr("Instant replay (30 s)"), self.instant_replay, "Shift+F7",
                                          name="instant_replay",
                                          tip=self.tr("The selected monitor's camera from 30 seconds ago"))
        self.export_action = self._action(self.tr("Export…"), self.open_export, "Ctrl+Shift+E", name="export",
                                          tip=self.tr("A span of 1 to 16 cameras as MP4 files with a signed manifest, "
                                                      "in the background"))
        self.ptz_setup_action = self._action(self.tr("Presets, tours and park…"), self.dome_setup, "Ctrl+Shift+D",
                                             name="ptz_setup",
                                             tip=self.tr("Name presets, define the dome's PTZ tour, park it, "
                                                         "switch its wiper or light"))

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        file_menu.setObjectName("menu_file")
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.save_layout_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        view = bar.addMenu(self.tr("&View"))
        view.setObjectName("menu_view")
        for action in (self.find_action, self.command_line_action, self.preview_action):
            view.addAction(action)
        view.addSeparator()
        for number, name in enumerate(("cameras", "main-monitor", "keyboard", "salvos"), start=1):
            toggle = self.docks[name].toggleViewAction()
            toggle.setObjectName(f"show_{name}")
            toggle.setShortcut(QKeySequence(f"Ctrl+{number}"))
            toggle.setShortcutVisibleInContextMenu(True)
            view.addAction(toggle)
        view.addSeparator()
        view.addAction(self.full_screen_action)

        wall = bar.addMenu(self.tr("&Wall"))
        wall.setObjectName("menu_wall")
        for action in (self.undo_action, self.redo_action):
            wall.addAction(action)
        wall.addSeparator()
        for action in (self.clear_action, self.maximise_action):
            wall.addAction(action)
        wall.addSeparator()
        for action in (self.recall_salvo_action, self.save_salvo_action, self.start_tour_action, self.edit_tour_action):
            wall.addAction(action)

        evidence = bar.addMenu(self.tr("&Evidence"))
        evidence.setObjectName("menu_evidence")
        for action in (self.snapshot_action, self.snapshot_main_action):
            evidence.addAction(action)
        evidence.addSeparator()
        for action in (self.print_action, self.print_main_action, self.quick_print_action):
            evidence.addAction(action)

        playback = bar.addMenu(self.tr("Play&back"))
        playback.setObjectName("menu_playback")
        playback.addAction(self.playback_action)
        playback.addAction(self.replay_action)
        playback.addAction(self.export_action)

        ptz = bar.addMenu(self.tr("&PTZ"))
        ptz.setObjectName("menu_ptz")
        ptz.addAction(self.ptz_lock_action)
        ptz.addAction(self.ptz_release_action)
        ptz.addSeparator()
        ptz.addAction(self.ptz_setup_action)

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.setObjectName("menu_help")
        help_menu.addAction(self.keys_help_action)
        help_menu.addAction(self.about_action)

    def menus(self) -> dict[str, QMenu]:
        return {m.objectName(): m for m in self.menuBar().findChildren(QMenu) if m.objectName().startswith("menu_")}

    def focus_search(self) -> None:
        self._show_dock("cameras")
        box = self.browser.search_box
        box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        box.selectAll()

    def focus_command_line(self) -> None:
        self._show_dock("keyboard")
        self.keyboard.command_line.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_preview(self) -> None:
        self.preview.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _show_dock(self, name: str) -> None:
        dock = self.docks[name]
        if dock.isHidden():
            dock.show()

    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def take_keyboard_focus(self) -> None:
        """Make the console the window that gets the keys, with the wall preview focused.

        Under a bare X server (a kiosk session: no window manager) nobody else gives a window
        the keyboard: without this the keypad and every shortcut are dead.  A text field is
        not a good start: the keypad types into text fields instead of driving the wall.
        """
        if not self.isVisible() or QApplication.activeModalWidget() is not None:
            return
        self.activateWindow()
        focus = self.focusWidget()
        if focus is None or not focus.isVisible():
            self.preview.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        QTimer.singleShot(0, self.take_keyboard_focus)

    def _focus_moved(self, _old: QWidget | None, new: QWidget | None) -> None:
        # Only this window's widgets: a dialog or another desk's window frames its own focus.
        target = new if new is not None and new.window() is self and new is not self else None
        self.focus_frame.setWidget(target)  # type: ignore[arg-type]  # None hides the frame (Qt takes nullptr)

    def wall_window_shown(self, window: QWidget) -> None:
        """A wall window of this desk appeared: the keypad follows it, the keys stay here."""
        self.keyboard.install_keypad(window)
        QTimer.singleShot(0, self.take_keyboard_focus)

    def clear_selected(self) -> None:
        monitor = self.preview.selected_monitor
        if monitor is None:
            self.statusBar().showMessage(self.tr("Select a monitor first"), 4000)
            return
        if self._route(monitor) is not None:
            self.request(ClearTile(monitor))

    def toggle_maximise(self) -> None:
        monitor = self.preview.selected_monitor
        if monitor is None:
            self.statusBar().showMessage(self.tr("Select a monitor first"), 4000)
            return
        info = self.preview.tile_info(monitor)
        if info is not None and self.preview.is_maximised(info.screen):
            self.preview.restore_screen(info.screen)
        else:
            self.preview.maximise_monitor(monitor)

    def choose_salvo(self) -> None:
        names = list(self.link.last.get("salvos", []))
        if not names:
            self.statusBar().showMessage(self.tr("The host has no salvos"), 4000)
            return
        name, ok = QInputDialog.getItem(self, self.tr("Recall salvo"), self.tr("Salvo:"), names, 0, False)
        if ok and name:
            self.recall_salvo(name)

    def choose_tour(self) -> None:
        names = list(self.link.last.get("tours", []))
        if self.preview.selected_monitor is None:
            self.statusBar().showMessage(self.tr("Select a monitor first"), 4000)
            return
        if not names:
            self.statusBar().showMessage(self.tr("The host has no tours"), 4000)
            return
        name, ok = QInputDialog.getItem(self, self.tr("Start tour"), self.tr("Tour:"), names, 0, False)
        if ok and name:
            self.start_tour(name)

    def edit_tour(self, name: str | None = None, steps: list[tuple[int, float]] | None = None) -> TourEditor | None:
        """The tour editor, not modal: cameras can be dragged into it from the camera tree."""
        if self.role != "supervisor":
            self.statusBar().showMessage(self.tr("Only supervisors edit tours"), 4000)
            return None
        if name is None:
            item = self.salvo_panel.tours.currentItem()
            name = str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else ""
        if steps is None:
            steps = [(int(c), float(d)) for c, d in self.link.last.get("tour_defs", {}).get(name, [])]
        editor = TourEditor(name, steps, self, catalog=self.catalog)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.setModal(False)

        def save() -> None:
            tour, cameras, dwells = editor.result_tour()
            self.save_tour_as(tour, list(zip(cameras, dwells, strict=True)))

        editor.accepted.connect(save)
        editor.show()
        return editor

    def show_keys_help(self) -> None:
        QMessageBox.information(self, self.tr("Keyboard and keypad"), self.keys_help_text())

    def keys_help_text(self) -> str:
        rows = [
            self.tr("Numeric keypad: digits, * MON, Enter CAM, + NEXT, - PREV, / CLEAR"),
            self.tr("Keyboard line: 3 MON 1042 CAM, Enter sends, Up/Down recall"),
            self.tr("PTZ (the selected monitor's dome): hold a PTZ key; keypad with NumLock off: 8 2 4 6 and 7 9 1 3 "
                    "steer, 0 zoom wide, . zoom tele; Ctrl+arrows steer, Ctrl+PgUp/PgDn zoom"),
            self.tr("Picture as joystick: drag on the main monitor (Ctrl+drag on a wall-preview tile), further is "
                    "faster; the wheel (Ctrl+wheel) zooms; a double-click centres the point on an ONVIF dome"),
            self.tr("n PRESET calls preset n, n SET stores it; SNAP stores the picture as evidence, PRINT prints it"),
        ]
        for action in (self.find_action, self.command_line_action, self.preview_action, self.undo_action,
                       self.redo_action, self.clear_action, self.maximise_action, self.recall_salvo_action,
                       self.save_salvo_action, self.start_tour_action, self.snapshot_action, self.snapshot_main_action,
                       self.print_action, self.quick_print_action, self.ptz_lock_action, self.ptz_release_action,
                       self.ptz_setup_action, self.playback_action, self.replay_action):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            rows.append(f"{keys}\t{action.text().replace('&', '')}")
        return "\n".join(rows)

    def show_about(self) -> None:
        from console import __version__

        QMessageBox.about(self, self.tr("About videowall"),
                          self.tr("videowall %1: the software video matrix and video-wall console").replace("%1", __version__))

    # -- host -> desk ------------------------------------------------------------------
    def _on_snapshot(self, snapshot: dict[str, Any]) -> None:
        self.preview.load_snapshot(snapshot)
        self._follow_ptz_target()
        self.salvo_panel.set_names(list(snapshot.get("salvos", [])), list(snapshot.get("tours", [])),
                                   snapshot.get("titles"))

    def _on_update(self, update: dict[str, Any]) -> None:
        if not self.preview.apply_update(update):
            self.link.refresh(full=True)
            return
        if int(update["seq"]) in self._keyboard_changes:
            self._remember_keyboard_change(int(update["seq"]), update)
        self._follow_ptz_target()
        if "salvos" in update:
            self.salvo_panel.set_names(list(update["salvos"]), list(update.get("tours", self.link.last.get("tours", []))),
                                       self.link.last.get("titles"))

    def _on_health(self, health: dict[str, Any]) -> None:
        self.preview.set_health(health)
        now = time.time() + self.link.clock_offset
        online = [name for name, report in health.items() if now - float(report.get("at", 0)) < 5]
        self.browser.set_camera_health(camera_health(health[name] for name in online))
        self._show_wall_events(health)
        lost = sum(1 for name in online for tile in health[name].get("tiles", {}).values()
                   if tile.get("state") in ("lost", "error"))
        self.agents_label.setText(self.tr("agents online: %1").replace("%1", str(len(online))))
        self.lost_label.setText(self.tr("tiles lost: %1").replace("%1", str(lost)))
        self.lost_label.setStyleSheet("color: #e5484d;" if lost else "")
        snapshot = self.link.last
        client = self.link.client
        self.engine.use_relay(snapshot.get("relay"), client.public_key, client.secret_key)
        self._show_recorder(snapshot.get("recorders") or {}, now)

    def _show_recorder(self, recorders: dict[str, Any], now: float) -> None:
        """The recorders at a glance: down, cameras not recorded, or all well; tiles get REC."""
        recording: set[int] = set()
        total = failing = 0
        down = []
        for name, report in recorders.items():
            if not isinstance(report, dict):
                continue
            if now - float(report.get("at", 0)) > 5:
                down.append(name)
                continue
            for number, camera in (report.get("cameras") or {}).items():
                if not isinstance(camera, dict) or not camera.get("scheduled"):
                    continue
                total += 1
                if camera.get("recording"):
                    recording.add(int(number))
                else:
                    failing += 1
        self.preview.set_recording(recording)
        if not recorders:
            self.recorder_label.setText(self.tr("recorder: none"))
            self.recorder_label.setToolTip(self.tr("No recorder reports to the matrix host: nothing is recorded"))
            self.recorder_label.setStyleSheet("color: #f5a524;")
        elif down:
            self.recorder_label.setText(self.tr("recorder: DOWN"))
            self.recorder_label.setToolTip(self.tr("Not heard for over 5 s: %1").replace("%1", ", ".join(down)))
            self.recorder_label.setStyleSheet("color: #e5484d; font-weight: bold;")
        else:
            self.recorder_label.setText(self.tr("recording: %1/%2").replace("%1", str(len(recording)))
                                        .replace("%2", str(total)))
            self.recorder_label.setToolTip(self.tr("%1 cameras scheduled are not being recorded").replace("%1", str(failing))
                                           if failing else self.tr("Every scheduled camera is being recorded"))
            self.recorder_label.setStyleSheet("color: #f5a524;" if failing else "")

    def _show_wall_events(self, health: dict[str, Any]) -> None:
        """What the wall agents report having done on their own (a tour step skipped because its
        camera cannot open): each new one in the status bar and the log, once."""
        fresh = []
        for agent, report in health.items():
            for event in report.get("events", []) if isinstance(report, dict) else []:
                if not isinstance(event, dict):
                    continue
                key = (agent, event.get("at"), event.get("monitor"), event.get("event"))
                if key not in self._events_seen:
                    self._events_seen.add(key)
                    fresh.append(event)
        for event in sorted(fresh, key=lambda e: float(e.get("at") or 0)):
            if event.get("event") == "tour_step_skipped":
                text = (self.tr("MON %1: tour %2 skipped camera %3 (%4)").replace("%1", str(event.get("monitor")))
                        .replace("%2", str(event.get("tour"))).replace("%3", str(event.get("camera")))
                        .replace("%4", reason_text(str(event.get("reason") or ""))))
                log.warning("%s", text)
                self.statusBar().showMessage(text, 10000)
                self.wall_events.append(text)

    def _on_connected(self, connected: bool) -> None:
        self.host_label.setText(self.tr("host: connected") if connected else self.tr("host: not answering"))
        self.host_label.setStyleSheet("" if connected else "color: #f5a524;")
        self.keyboard.set_connected(connected)
        if not connected:
            self.ptz.release_all()
        self._show_ptz_status()

    # -- desk -> host ------------------------------------------------------------------
    def send_keys(self, line: str) -> str:
        before = self._routes()
        grids = {s.name: s.grid.name for s in self.preview.wall.screens} if self.preview.wall else {}
        reply = self.link.keys_reply(line)
        answer = answer_text(reply)  # the host's reason in the desk's language
        self.keyboard.show_reply(line, answer)
        self._show_notes(reply)
        if answer.startswith("AK") and self.keyboard.monitor is not None:
            self.preview.select_monitor(self.keyboard.monitor)
            if self.keyboard.monitor != self.ptz.monitor or self.ptz.on_main:
                self._follow_ptz_target(selected=True)
            else:
                self._follow_ptz_target()
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
        return {m: c for m in self._monitors() if (c := self._route(m)) is not None}

    def request(self, command: Command) -> None:
        """A wall change from the mouse: sent to the host through the undo stack."""
        routes = self._routes()
        grids = {s.name: s.grid.name for s in self.preview.wall.screens} if self.preview.wall else {}
        self.undo_stack.push(WallChange(self.link, _describe(command), [command], restoring(routes, grids, command),
                                        self._report))

    def recall_salvo(self, name: str) -> None:
        routes = self._routes()
        undo: list[Command] = [RouteCamera(m, c) if c is not None else ClearTile(m)
                               for m, c in sorted({**dict.fromkeys(self._monitors()), **routes}.items())]
        self.undo_stack.push(WallChange(self.link, self.tr("recall salvo %1").replace("%1", name), [RecallSalvo(name)],
                                        undo, self._report))

    def start_tour(self, name: str) -> None:
        monitor = self.preview.selected_monitor
        if monitor is None:
            self.statusBar().showMessage(self.tr("Select a monitor first"), 4000)
            return
        reply = self.link.command(StartTour(monitor, name))
        if not reply.get("ok"):
            self._report("StartTour", answer_text(reply))

    def save_salvo(self) -> None:
        if self.role != "supervisor":
            self.statusBar().showMessage(self.tr("Only supervisors save salvos"), 4000)
            return
        name, ok = QInputDialog.getText(self, self.tr("Save wall as salvo"), self.tr("Salvo name or number:"))
        name = name.strip()
        if not ok or not name:
            return
        if name in self.link.last.get("salvos", []):
            question = self.overwrite_question(name)
            question.exec()
            if question.clickedButton() is not question.property("replace_button"):
                self.statusBar().showMessage(self.tr("salvo %1 kept as it was").replace("%1", name), 4000)
                return
        self.save_salvo_as(name)

    def overwrite_question(self, name: str) -> QMessageBox:
        """Asks before a saved salvo is replaced; Cancel is the default (Enter keeps the old one)."""
        old = self.link.last.get("salvo_defs", {}).get(name, [])
        title = self.link.last.get("titles", {}).get(f"salvo:{name}", "")
        now = len(self.link.last.get("routes", {}))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Replace salvo"),
                          self.tr("Salvo %1 already exists (%2 monitors). Replace it with the wall as it is now "
                                  "(%3 monitors)?").replace("%1", f"{name} {title}".strip())
                          .replace("%2", str(len(old))).replace("%3", str(now)), parent=self)
        replace = box.addButton(self.tr("Replace"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setProperty("replace_button", replace)
        return box

    def save_salvo_as(self, name: str) -> dict[str, Any]:
        reply = self.link.command(SaveSalvo(name))
        if not reply.get("ok"):
            self._report("SaveSalvo", answer_text(reply))
        return reply

    def save_tour_as(self, name: str, steps: list[tuple[int, float]]) -> dict[str, Any]:
        if self.role != "supervisor":
            self.statusBar().showMessage(self.tr("Only supervisors edit tours"), 4000)
            return {"ok": False, "answer": "NA only supervisors edit tours"}
        reply = self.link.command(SaveTour(name, tuple(c for c, _ in steps), tuple(d for _, d in steps)))
        if not reply.get("ok"):
            self._report("SaveTour", answer_text(reply))
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

    def _monitors(self) -> list[int]:
        """The monitor numbers the wall shows now (each screen's block, as far as its grid goes)."""
        wall = self.preview.wall
        return wall.monitor_numbers() if wall is not None else []

    def _report(self, what: str, answer: str) -> None:
        log.warning("%s: %s", what, answer)
        self.statusBar().showMessage(f"{what}: {answer}", 6000)

    def _show_notes(self, reply: dict[str, Any]) -> None:
        """What a change did besides itself (a tour that stopped with its tile), on the status bar."""
        notes = note_texts(reply)
        if notes:
            log.info("%s", "; ".join(notes))
            self.statusBar().showMessage("; ".join(notes), 8000)

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
        export = getattr(self, "_export_dialog", None)
        if export is not None:
            export.shutdown()  # a running export is cancelled: nothing half-written is left
        super().closeEvent(event)


_STATE_RANK = {"playing": 3, "connecting": 2, "lost": 1, "error": 1}


def camera_health(reports: Iterable[dict[str, Any]]) -> dict[int, tuple[str, str]]:
    """Each camera's state and reason from the wall agents' fresh tile reports.

    A camera on several tiles counts as live if any of them shows it live: the camera is fine,
    whatever one tile's trouble is.
    """
    cameras: dict[int, tuple[str, str]] = {}
    for report in reports:
        tiles = report.get("tiles") if isinstance(report, dict) else None
        for tile in (tiles or {}).values():
            if not isinstance(tile, dict):
                continue
            camera, state = tile.get("camera"), str(tile.get("state", ""))
            if not isinstance(camera, int) or state not in _STATE_RANK:
                continue
            known = cameras.get(camera)
            if known is None or _STATE_RANK[state] > _STATE_RANK[known[0]]:
                cameras[camera] = (state, str(tile.get("reason") or ""))
    return cameras


def _operator() -> str:
    """Who works at this desk, until users arrive: the account it runs under."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "operator"


def _describe(command: Command) -> str:
    if isinstance(command, RouteCamera):
        return f"MON {command.monitor} ← CAM {command.camera}"
    if isinstance(command, ClearTile):
        return f"clear MON {command.monitor}"
    if isinstance(command, SetGrid):
        return f"{command.screen}: grid {grid(command.grid).name}"
    if isinstance(command, PlayRecording):
        return ", ".join(f"MON {m} ▶ CAM {c}" for m, c in zip(command.monitors, command.cameras, strict=True))
    return command.name
