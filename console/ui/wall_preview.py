"""The operator console's picture of the wall: every screen, its tiles, their cameras and health.

One QWidget paints the whole wall.  A QGraphicsView would give each tile an item, but buys
nothing here: tiles never move on their own, there is no zoom or scrolling, and keeping a
scene of 100+ text items in step with the host costs more than rectangles computed once.
Geometry (screens, bezels, tile rectangles) is computed only on a resize or when a screen's
grid changes; a route or health change repaints that tile's rectangle and nothing else, so
a switch is on screen at the next paint.

The widget never changes the matrix itself (it cannot: the host is the one truth).  Clicks,
drops and menu choices become command objects on `command_requested`; the host's numbered
updates, fed back through `apply_update`, are what change the picture.

Maximise on the wall: the screen goes to grid "1" (`SetGrid`), then the chosen tile's camera
is routed to that single tile (`RouteCamera` on the screen's first monitor, or `ClearTile`
if the tile was empty; nothing when it already was the first tile, which keeps its route and
any tour running on it).  Before that, this widget remembers the screen's grid and routes;
"Restore" sets the old grid back and re-routes every tile as it was, except that the
maximised tile gets whatever the single tile shows by then.  The memory belongs to this desk
only and is forgotten once the screen's grid is anything but "1".
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QMenu, QToolTip, QWidget

from console.matrix.commands import (
    ClearTile,
    Command,
    HoldTour,
    PlayRecording,
    RecordCamera,
    RouteCamera,
    SetGrid,
    StartTour,
)
from console.matrix.model import STANDARD_GRIDS, ModelError, Screen, Wall, grid
from console.ui.ptz import joystick_speeds
from console.ui.reasons import reason_text, short_reason
from console.ui.text_fit import TextBox, elided, fitted_font, line_height, seconds, sized, text_width
from console.ui.theme import STATE_COLOURS as TILE_STATE_COLOURS

log = logging.getLogger("videowall.ui")

MIME_CAMERAS = "application/x-videowall-camera"
PLAYBACK = QColor(224, 160, 48)  # amber, as the playback tiles' strip: a recording, not live
GRID_NAMES = tuple(STANDARD_GRIDS)
# Agents report every second; a report this old means the wall PC or its agent is gone, and a
# tile must not go on looking live.  Generous, because "at" is the host's clock, not ours.
HEALTH_STALE = 10.0

# The wall's own tile colours, so a state reads the same on the wall and on the desk;
# "unknown" (no fresh report) is deliberately unlike all of them.
STATE_COLOURS = {**TILE_STATE_COLOURS, "unknown": QColor("#9b7fd9")}
WINDOW = QColor("#12161c")
BEZEL = QColor("#05070a")
BEZEL_EDGE = QColor("#2a313c")
DISPLAY = QColor("#1d232c")  # shows as the lines between tiles
TILE = QColor("#0d1117")
TEXT = QColor("#d8dee9")
TEXT_DIM = QColor("#7d8796")
NUMBER = QColor("#c9d1dc")
SELECTION = QColor("#5b9bff")
DROP = QColor("#38bdf8")
RECORDING = QColor("#e5484d")  # the REC mark: red, as on a recorder

MARGIN = 8
SCREEN_GAP = 14
BEZEL_RATIO = 0.018


@dataclass(frozen=True)
class TileInfo:
    """What one tile shows; `state` is one of STATE_COLOURS."""

    monitor: int
    screen: str
    index: int  # 0-based within its screen
    camera: int | None
    name: str
    state: str
    age_text: str  # "0.2 s", "lost 12 s", "connecting", ...
    tour: str | None
    tour_held: bool
    recording: bool = False  # the recorder records this tile's camera now
    playback: bool = False  # the tile plays a recording (PlayRecording), not live


@dataclass(frozen=True)
class _ScreenGeometry:
    label: QRect
    bezel: QRect
    display: QRect


@dataclass(frozen=True)
class _Maximised:
    grid: str
    index: int  # the tile that went full screen
    routes: dict[int, int]  # tile index -> camera, before


class WallPreview(QWidget):
    """The wall as the host last described it; see the module docstring."""

    monitor_selected = Signal(int)  # the operator clicked a tile (not sent by select_monitor)
    monitor_activated = Signal(int)  # double click: preview it on the desk's main monitor
    command_requested = Signal(object)  # a console.matrix.commands.Command, one per signal
    # Ctrl+drag on a tile steers the dome it shows (speeds follow the distance), Ctrl+wheel zooms.
    steer_requested = Signal(int, float, float)  # monitor, pan, tilt
    steer_released = Signal(int)
    zoom_requested = Signal(int, int)  # monitor, wheel notches (positive: in)
    evidence_requested = Signal(str, int)  # "SNAP" or "PRINT", monitor
    playback_requested = Signal(int)  # the tile's camera, played back on the desk

    def __init__(self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self._clock = clock
        self._seq: int | None = None
        self._wall: Wall | None = None
        self._first: list[int] = []  # first monitor of each screen
        self._routes: dict[int, int] = {}
        self._camera_names: dict[int, str] = {}
        self._health: dict[str, Any] = {}
        self._reports: dict[int, dict[str, Any]] = {}  # monitor -> its freshest agent report
        self._stale: set[int] = set()
        self._tours_running: dict[int, tuple[str, bool]] = {}
        self._playbacks: set[int] = set()  # monitors playing a recording
        self._tour_names: list[str] = []
        self._recording: set[int] = set()  # cameras the recorder records now
        self._maximised: dict[str, _Maximised] = {}
        self._selected: int | None = None
        self._drop_targets: tuple[int, ...] = ()
        self._steering: tuple[int, QPoint] | None = None  # Ctrl+drag: the tile and where it started
        self._screens: list[_ScreenGeometry] = []
        self._tile_rects: dict[int, QRect] = {}  # monitor number -> where its tile is drawn
        self._label_font = QFont(self.font())
        self._label_font.setPixelSize(13)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)

    # -- feeding -------------------------------------------------------------------------
    @Slot(dict)
    def load_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Replace everything with the host's snapshot (also after a gap in the updates)."""
        self._seq = int(snapshot["seq"])
        self._camera_names.clear()
        self._merge_cameras(snapshot.get("cameras"))
        self._set_wall(snapshot["wall"])
        self._routes = {}
        self._set_routes(snapshot.get("routes") or {})
        self._tours_running = _tours_running(snapshot.get("tours_running") or {})
        self._playbacks = _playbacks(snapshot.get("playbacks"))
        if isinstance(snapshot.get("tours"), list):
            self._tour_names = [str(name) for name in snapshot["tours"]]
        self._health = dict(snapshot.get("health") or {})
        self._reports, self._stale = self._collect_reports()
        self.update()

    @Slot(dict, result=bool)
    def apply_update(self, update: dict[str, Any]) -> bool:
        """Apply the host's next numbered update.  An old one (seq at or below ours) is ignored;
        False means a gap (or no snapshot yet): the caller must load a new snapshot."""
        if self._seq is None:
            return False
        seq = int(update["seq"])
        if seq <= self._seq:
            return True
        if seq != self._seq + 1:
            return False
        self._seq = seq
        renamed = self._merge_cameras(update.get("cameras"))
        wall = update.get("wall")
        relaid = isinstance(wall, dict) and _wall_key(wall) != self._wall_key()
        if relaid:
            assert isinstance(wall, dict)
            self._set_wall(wall)
        changed = self._set_routes(update.get("routes") or {})
        if "tours_running" in update:
            before = self._tours_running
            self._tours_running = _tours_running(update["tours_running"] or {})
            changed |= {m for m in before.keys() | self._tours_running.keys()
                        if before.get(m) != self._tours_running.get(m)}
        if "playbacks" in update:
            before_playbacks = self._playbacks
            self._playbacks = _playbacks(update["playbacks"])
            changed |= before_playbacks ^ self._playbacks
        if relaid:
            self._reports, self._stale = self._collect_reports()
            self.update()
            return True
        changed |= {m for m, camera in self._routes.items() if camera in renamed}
        for monitor in changed:
            self._update_tile(monitor)
        return True

    @Slot(dict)
    def set_health(self, health: dict[str, Any]) -> None:
        """The host's health part: {agent: {"at", "screen", "tiles": {monitor: report}}}."""
        before = {m: self._state_and_text(m) for m in self._tile_rects}
        self._health = dict(health)
        self._reports, self._stale = self._collect_reports()
        for monitor, shown in before.items():
            if self._state_and_text(monitor) != shown:
                self._update_tile(monitor)

    def set_recording(self, cameras: set[int]) -> None:
        """The cameras the recorder records now (its report through the host)."""
        if cameras == self._recording:
            return
        changed = cameras ^ self._recording
        self._recording = set(cameras)
        for monitor, camera in self._routes.items():
            if camera in changed and monitor in self._tile_rects:
                self._update_tile(monitor)

    @Slot(list)
    def set_tours(self, names: list[str]) -> None:
        self._tour_names = [str(name) for name in names]

    @Slot(int)
    def select_monitor(self, monitor: int) -> None:
        """Move the selection (the keyboard's `n MON`); a monitor not on the wall clears it."""
        new = monitor if monitor in self._tile_rects else None
        if new == self._selected:
            return
        old, self._selected = self._selected, new
        for m in (old, new):
            if m is not None:
                self._update_tile(m)

    # -- reading -------------------------------------------------------------------------
    @property
    def seq(self) -> int | None:
        return self._seq

    @property
    def wall(self) -> Wall | None:
        return self._wall

    @property
    def selected_monitor(self) -> int | None:
        return self._selected

    @property
    def drop_targets(self) -> tuple[int, ...]:
        """The tiles a drag in progress would fill (highlighted)."""
        return self._drop_targets

    def is_maximised(self, screen_name: str) -> bool:
        """Whether this desk maximised the screen (and can restore its old grid)."""
        return screen_name in self._maximised

    def tile_info(self, monitor: int) -> TileInfo | None:
        screen_index = self._screen_of(monitor)
        if screen_index is None or self._wall is None:
            return None
        camera = self._routes.get(monitor)
        state, age_text = self._state_and_text(monitor)
        tour = self._tours_running.get(monitor)
        return TileInfo(monitor, self._wall.screens[screen_index].name, monitor - self._first[screen_index], camera,
                        self._camera_names.get(camera, "") if camera is not None else "", state, age_text,
                        tour[0] if tour else None, bool(tour and tour[1]), camera in self._recording,
                        monitor in self._playbacks)

    def tile_rect(self, monitor: int) -> QRect:
        """Where tile `monitor` is drawn; an empty rectangle for a monitor not on the wall."""
        rect = self._tile_rects.get(monitor)
        return QRect(rect) if rect is not None else QRect()

    def tile_at(self, pos: QPoint) -> int | None:
        for monitor, rect in self._tile_rects.items():
            if rect.contains(pos):
                return monitor
        return None

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(960, 280)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(240, 100)

    # -- commands ------------------------------------------------------------------------
    def drop_cameras(self, monitor: int, cameras: Sequence[int]) -> list[Command]:
        """Route `cameras` to `monitor` and the tiles after it on the same screen (as Milestone
        fills a view); cameras beyond the screen's last tile are left out."""
        targets = self._fill_targets(monitor, len(cameras))
        commands: list[Command] = [RouteCamera(m, c) for m, c in zip(targets, cameras, strict=False)]
        if len(cameras) > len(targets):
            log.info("%d cameras dropped on MON %d: %d did not fit on its screen", len(cameras), monitor,
                     len(cameras) - len(targets))
        self._send(commands)
        return commands

    def maximise_monitor(self, monitor: int) -> list[Command]:
        located = self._locate(monitor)
        if located is None or located[0].grid.size == 1:
            return []
        screen, index = located
        first = monitor - index
        routes = {i: self._routes[first + i] for i in range(screen.grid.size) if first + i in self._routes}
        self._maximised[screen.name] = _Maximised(screen.grid.name, index, routes)
        commands: list[Command] = [SetGrid(screen.name, "1")]
        if index != 0:
            camera = routes.get(index)
            commands.append(RouteCamera(first, camera) if camera is not None else ClearTile(first))
        self._send(commands)
        return commands

    def restore_screen(self, screen_name: str) -> list[Command]:
        memory = self._maximised.pop(screen_name, None)
        if memory is None or self._wall is None:
            return []
        screen_index = next(i for i, s in enumerate(self._wall.screens) if s.name == screen_name)
        first = self._first[screen_index]
        showing = self._routes.get(first)
        wanted = dict(memory.routes)
        if showing is None:
            wanted.pop(memory.index, None)
        else:
            wanted[memory.index] = showing
        commands: list[Command] = [SetGrid(screen_name, memory.grid)]
        for index in range(grid(memory.grid).size):
            # After SetGrid the first tile keeps the single tile's camera; the others are empty.
            have = showing if index == 0 else None
            want = wanted.get(index)
            if want != have:
                commands.append(RouteCamera(first + index, want) if want is not None else ClearTile(first + index))
        self._send(commands)
        return commands

    def context_menu_for(self, monitor: int) -> QMenu:
        """The tile's menu; its actions send commands when triggered (tests trigger them)."""
        menu = QMenu(self)
        located = self._locate(monitor)
        if located is None:
            return menu
        screen, _index = located
        camera = self._routes.get(monitor)
        title = self.tr("MON %1").replace("%1", str(monitor))
        if camera is not None:
            title += f" · {camera} {self._camera_names.get(camera, '')}".rstrip()
        menu.addSection(title)

        clear = self._command_action(menu, self.tr("Clear"), "clear", lambda: self._send([ClearTile(monitor)]))
        clear.setEnabled(camera is not None)
        if screen.grid.name == "1" and screen.name in self._maximised:
            self._command_action(menu, self.tr("Restore"), "restore", lambda: self.restore_screen(screen.name))
        else:
            maximise = self._command_action(menu, self.tr("Maximise on the wall"), "maximise",
                                            lambda: self.maximise_monitor(monitor))
            maximise.setEnabled(screen.grid.size > 1)
        menu.addSeparator()

        tours = menu.addMenu(self.tr("Start tour"))
        tours.menuAction().setObjectName("start_tour")
        for name in self._tour_names:
            self._command_action(tours, name, f"start_tour:{name}", partial(self._send, [StartTour(monitor, name)]))
        tours.setEnabled(bool(self._tour_names))
        self._command_action(menu, self.tr("Hold tour"), "hold_tour", lambda: self._send([HoldTour(monitor)]))
        menu.addSeparator()
        snap = self._command_action(menu, self.tr("Snapshot as evidence"), "snapshot",
                                    lambda: self.evidence_requested.emit("SNAP", monitor))
        evidence = self._command_action(menu, self.tr("Print evidence…"), "print_evidence",
                                        lambda: self.evidence_requested.emit("PRINT", monitor))
        snap.setEnabled(camera is not None)
        evidence.setEnabled(camera is not None)
        record = menu.addMenu(self.tr("Record"))
        record.menuAction().setObjectName("record")
        for minutes in (10, 30, 60):
            self._command_action(record, self.tr("%1 minutes").replace("%1", str(minutes)), f"record:{minutes}",
                                 partial(self._send, [RecordCamera(camera, minutes)]) if camera is not None
                                 else (lambda: None))
        record.setEnabled(camera is not None)
        desk = self._command_action(menu, self.tr("Play back on the desk…"), "playback",
                                    lambda: self.playback_requested.emit(monitor))
        desk.setEnabled(camera is not None)
        replay = menu.addMenu(self.tr("Replay here"))
        replay.menuAction().setObjectName("replay")
        for back, text in ((30, self.tr("From 30 seconds ago")), (120, self.tr("From 2 minutes ago")),
                           (600, self.tr("From 10 minutes ago"))):
            self._command_action(replay, text, f"replay:{back}",
                                 partial(self._replay, monitor, camera, back) if camera is not None
                                 else (lambda: None))
        replay.setEnabled(camera is not None)
        live = self._command_action(menu, self.tr("Back to live"), "live",
                                    partial(self._send, [RouteCamera(monitor, camera)]) if camera is not None
                                    else (lambda: None))
        live.setEnabled(camera is not None)
        menu.addSeparator()

        grids = menu.addMenu(self.tr("Grid"))
        grids.menuAction().setObjectName("grid")
        for name in GRID_NAMES:
            action = self._command_action(grids, name, f"grid:{name}", partial(self._send, [SetGrid(screen.name, name)]))
            if name == screen.grid.name:
                action.setCheckable(True)
                action.setChecked(True)
                action.setEnabled(False)
        return menu

    def _replay(self, monitor: int, camera: int, seconds: float) -> None:
        # The moment is taken when the operator chooses, not when the menu was built.
        self._send([PlayRecording((monitor,), (camera,), max(0.0, time.time() - seconds))])

    def _command_action(self, menu: QMenu, text: str, name: str, send: Callable[[], object]) -> Any:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(lambda _checked=False: send())
        return action

    def _send(self, commands: Iterable[Command]) -> None:
        for command in commands:
            self.command_requested.emit(command)

    # -- state ---------------------------------------------------------------------------
    def _merge_cameras(self, cameras: object) -> set[int]:
        """Take camera names from the host; returns the cameras whose name changed."""
        renamed: set[int] = set()
        if not isinstance(cameras, dict):
            return renamed
        for key, info in cameras.items():
            try:
                number = int(key)
            except (TypeError, ValueError):
                continue
            name = str(info.get("name", "")) if isinstance(info, dict) else ""
            if self._camera_names.get(number) != name:
                self._camera_names[number] = name
                renamed.add(number)
        return renamed

    def _set_wall(self, info: dict[str, Any]) -> None:
        # Each screen's block of monitor numbers comes from the host; an older host sends none,
        # and the blocks then follow one another as its grids did.
        screens = tuple(Screen(str(s["name"]), grid(str(s["grid"])), _position(s.get("position")),
                               int(s["first_monitor"]) if s.get("first_monitor") else None,
                               grid(str(s["max_grid"])) if s.get("max_grid") else None)
                        for s in info["screens"])
        self._wall = Wall(str(info.get("name", "")), screens)
        self._first = [self._wall.first_of(s.name) for s in screens]
        wall = self._wall
        self._routes = {m: c for m, c in self._routes.items() if wall.shows(m)}
        self._tours_running = {m: t for m, t in self._tours_running.items() if wall.shows(m)}
        if self._selected is not None and not wall.shows(self._selected):
            self._selected = None
        self._drop_targets = ()
        names = {s.name: s.grid.name for s in screens}
        self._maximised = {name: memory for name, memory in self._maximised.items() if names.get(name) == "1"}
        self._relayout()

    def _wall_key(self) -> tuple[str, tuple[tuple[str, str], ...]] | None:
        if self._wall is None:
            return None
        return self._wall.name, tuple((s.name, s.grid.name) for s in self._wall.screens)

    def _set_routes(self, routes: dict[str, Any]) -> set[int]:
        changed: set[int] = set()
        for key, camera in routes.items():
            monitor = int(key)
            if camera is None:
                if self._routes.pop(monitor, None) is not None:
                    changed.add(monitor)
            elif self._routes.get(monitor) != int(camera):
                self._routes[monitor] = int(camera)
                changed.add(monitor)
        return changed

    def _collect_reports(self) -> tuple[dict[int, dict[str, Any]], set[int]]:
        """Each monitor's freshest tile report, and which of those are too old to trust."""
        reports: dict[int, tuple[float, dict[str, Any]]] = {}
        if self._wall is None:
            return {}, set()
        for agent in self._health.values():
            if not isinstance(agent, dict) or not isinstance(agent.get("tiles"), dict):
                continue
            at = agent.get("at")
            when = float(at) if isinstance(at, int | float) else math.inf
            for key, tile in agent["tiles"].items():
                try:
                    monitor = int(key)
                except (TypeError, ValueError):
                    continue
                located = self._locate(monitor)
                # After a grid change an agent reports old numbers until its next report.
                if located is None or not isinstance(tile, dict) or agent.get("screen", located[0].name) != located[0].name:
                    continue
                if monitor not in reports or when > reports[monitor][0]:
                    reports[monitor] = (when, tile)
        now = self._clock()
        stale = {m for m, (when, _tile) in reports.items() if now - when > HEALTH_STALE}
        return {m: tile for m, (_when, tile) in reports.items()}, stale

    def _state_and_text(self, monitor: int) -> tuple[str, str]:
        camera = self._routes.get(monitor)
        if camera is None:
            return "idle", ""
        report = self._reports.get(monitor)
        if report is None or monitor in self._stale:
            return "unknown", self.tr("no report")
        if report.get("camera") != camera:
            return "connecting", self.tr("connecting")  # the agent has not switched yet
        state = str(report.get("state", ""))
        age = report.get("frame_age")
        age = float(age) if isinstance(age, int | float) else None
        if state == "playing":
            return state, f"{seconds(age)} s" if age is not None else ""
        short = short_reason(str(report.get("code") or ""))
        if state == "lost":
            if age is None:
                text = self.tr("lost")
            elif age < 120:
                text = self.tr("lost %1 s").replace("%1", seconds(age, 0))
            else:
                text = self.tr("lost %1 min").replace("%1", str(int(age // 60)))
            return state, f"{text} · {short}" if short else text
        if state == "connecting":
            return state, self.tr("connecting")
        if state == "idle":
            return "connecting", self.tr("connecting")  # routed, but the agent has not started it
        return "error", short or self.tr("error")

    def reason(self, monitor: int) -> str:
        """The agent's full reason for a tile without a picture, translated; "" if none."""
        report = self._reports.get(monitor)
        if report is None or monitor in self._stale or report.get("camera") != self._routes.get(monitor):
            return ""
        return reason_text(str(report.get("reason") or "")) if report.get("state") in ("lost", "error") else ""

    def _screen_of(self, monitor: int) -> int | None:
        if monitor not in self._tile_rects or self._wall is None:
            return None
        owned = self._wall.owner(monitor)
        return None if owned is None else self._wall.screens.index(owned[0])

    def _locate(self, monitor: int) -> tuple[Screen, int] | None:
        if self._wall is None:
            return None
        try:
            return self._wall.locate(monitor)
        except ModelError:
            return None

    def _fill_targets(self, monitor: int, count: int) -> list[int]:
        located = self._locate(monitor)
        if located is None:
            return []
        screen, index = located
        return list(range(monitor, monitor + min(count, screen.grid.size - index)))

    # -- geometry ------------------------------------------------------------------------
    def _relayout(self) -> None:
        """Screens at 16:9 where the layout places them on the wall (row, column), else in as
        many columns as makes them biggest; each screen's tiles."""
        self._screens, self._tile_rects = [], {}
        if self._wall is None or not self._wall.screens:
            return
        count = len(self._wall.screens)
        label_h = line_height(self._label_font) + 6  # with a CJK fallback font, taller than height()
        width, height = self.width() - 2 * MARGIN, self.height() - 2 * MARGIN
        best: tuple[int, int, int, int] | None = None  # display width, bezel, columns, rows
        placed = [s.position for s in self._wall.screens]
        as_built = len(set(placed)) == count > 1  # every screen has a place of its own
        choices = [max(c for _, c in placed) + 1] if as_built else list(range(1, count + 1))
        for columns in choices:
            rows = max(r for r, _ in placed) + 1 if as_built else math.ceil(count / columns)
            cell_w = (width - (columns - 1) * SCREEN_GAP) / columns
            cell_h = (height - (rows - 1) * SCREEN_GAP) / rows - label_h
            bezel = max(2, round(min(cell_w, cell_h * 16 / 9) * BEZEL_RATIO))
            display_w = math.floor(min(cell_w - 2 * bezel, (cell_h - 2 * bezel) * 16 / 9))
            if best is None or display_w > best[0]:
                best = (display_w, bezel, columns, rows)
        assert best is not None
        display_w, bezel, columns, rows = best
        display_w = max(display_w, 32)
        display_h = display_w * 9 // 16
        outer_w, outer_h = display_w + 2 * bezel, display_h + 2 * bezel
        used_w = columns * outer_w + (columns - 1) * SCREEN_GAP
        used_h = rows * (label_h + outer_h) + (rows - 1) * SCREEN_GAP
        left = MARGIN + max(0, (width - used_w) // 2)
        top = MARGIN + max(0, (height - used_h) // 2)
        for number, screen in enumerate(self._wall.screens):
            row, column = screen.position if as_built else divmod(number, columns)
            x = left + column * (outer_w + SCREEN_GAP)
            y = top + row * (label_h + outer_h + SCREEN_GAP)
            bezel_rect = QRect(x, y + label_h, outer_w, outer_h)
            display = bezel_rect.adjusted(bezel, bezel, -bezel, -bezel)
            self._screens.append(_ScreenGeometry(QRect(x, y, outer_w, label_h), bezel_rect, display))
            g = screen.grid
            first = self._wall.first_of(screen.name)
            for index, cell in enumerate(g.cells):
                x0 = display.x() + cell.column * display.width() // g.columns
                x1 = display.x() + (cell.column + cell.column_span) * display.width() // g.columns
                y0 = display.y() + cell.row * display.height() // g.rows
                y1 = display.y() + (cell.row + cell.row_span) * display.height() // g.rows
                # One pixel of the display colour on each side draws the lines between tiles.
                self._tile_rects[first + index] = QRect(x0 + 1, y0 + 1, x1 - x0 - 2, y1 - y0 - 2)

    def _update_tile(self, monitor: int) -> None:
        rect = self._tile_rects.get(monitor)
        if rect is not None:
            self.update(rect)

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        region = event.region()
        painter.fillRect(event.rect(), WINDOW)
        if self._wall is None:
            painter.setPen(TEXT_DIM)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No wall: waiting for the matrix host"))
            painter.end()
            return
        for screen_index, (screen, geometry) in enumerate(zip(self._wall.screens, self._screens, strict=True)):
            if not region.intersects(geometry.label.united(geometry.bezel)):
                continue
            if not geometry.display.contains(event.rect()):
                self._paint_screen_frame(painter, screen, geometry)
            painter.fillRect(geometry.display.intersected(event.rect()), DISPLAY)
            first = self._first[screen_index]
            for monitor in range(first, first + screen.grid.size):
                rect = self._tile_rects[monitor]
                if region.intersects(rect):
                    self._paint_tile(painter, monitor, rect)
        painter.end()

    def _paint_screen_frame(self, painter: QPainter, screen: Screen, geometry: _ScreenGeometry) -> None:
        painter.fillRect(geometry.bezel, BEZEL)
        painter.setPen(QPen(BEZEL_EDGE, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(geometry.bezel.adjusted(0, 0, -1, -1))
        for box in self.screen_label_layout(screen, geometry.label):
            box.paint(painter)

    def screen_label_layout(self, screen: Screen, rect: QRect) -> list[TextBox]:
        """The screen's name, then its grid (and "maximised"), elided to the label's width."""
        font = self._label_font
        label = rect.adjusted(2, 0, -2, -4)
        align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        name = elided(screen.name, font, label.width())
        name_w = text_width(name, font)
        boxes = [TextBox(name, font, QRect(label.x(), label.y(), name_w, label.height()), align, TEXT, "screen")]
        detail = self.tr("grid %1").replace("%1", screen.grid.name)
        if screen.name in self._maximised:
            detail += " · " + self.tr("maximised")
        rest = label.adjusted(name_w + 10, 0, 0, 0)
        if rest.width() > 0:
            boxes.append(TextBox(elided(detail, font, rest.width()), font, rest, align, TEXT_DIM, "grid"))
        return boxes

    def _paint_tile(self, painter: QPainter, monitor: int, rect: QRect) -> None:
        info = self.tile_info(monitor)
        assert info is not None
        colour = STATE_COLOURS.get(info.state, STATE_COLOURS["error"])
        painter.fillRect(rect, TILE)
        tint = QColor(colour)
        tint.setAlpha(30)  # the state reads at a glance without lighting up the room
        painter.fillRect(rect, tint)
        bar_h = _bar_height(rect)
        painter.fillRect(QRect(rect.left(), rect.bottom() - bar_h + 1, rect.width(), bar_h), colour)
        if monitor in self._drop_targets:
            drop = QColor(DROP)
            drop.setAlpha(70)
            painter.fillRect(rect, drop)
        for box in self.tile_layout(monitor, rect):
            box.paint(painter)
        if monitor == self._selected:
            painter.setPen(QPen(SELECTION, 3))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -2, -2))
        if monitor in self._drop_targets:
            painter.setPen(QPen(DROP, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -1, -1))

    def tile_layout(self, monitor: int, rect: QRect | None = None) -> list[TextBox]:
        """A tile's labels: its monitor number, its camera, its state; each fitted to the tile.

        On a small tile the lines that do not fit are left out rather than drawn cut: first the
        status moves beside the number, then it goes, then the camera line, and the number
        itself shrinks before it would be cut.
        """
        info = self.tile_info(monitor)
        rect = self.tile_rect(monitor) if rect is None else rect
        if info is None or rect.isEmpty():
            return []
        colour = STATE_COLOURS.get(info.state, STATE_COLOURS["error"])
        h = rect.height()
        bar_h = _bar_height(rect)
        pad = max(2, min(6, h // 14))
        inner = rect.adjusted(pad, pad - 1, -pad, -bar_h - pad + 1)
        if inner.width() <= 0 or inner.height() <= 0:
            return []
        number_text = str(monitor)
        big = fitted_font(number_text, sized(self.font(), max(9, min(48, int(h * 0.30))), bold=True), inner.width(), 7)
        middle = sized(self.font(), max(9, min(18, int(h * 0.14))))
        small = sized(self.font(), max(8, min(15, int(h * 0.12))))
        big_h, middle_h, small_h = (line_height(f) for f in (big, middle, small))
        top_left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        boxes: list[TextBox] = []
        if big_h > inner.height():
            return boxes
        number_w = text_width(number_text, big)
        if info.recording and info.camera is not None:
            # Red and top right, as a recorder's front panel shows it; left out before the number would be cut.
            rec = self.tr("● REC")
            rec_w = text_width(rec, small)
            if number_w + pad + rec_w <= inner.width() and small_h <= big_h:
                boxes.append(TextBox(rec, small, QRect(inner.right() - rec_w + 1, inner.top(), rec_w, small_h),
                                     int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), RECORDING, "rec"))
        boxes.append(TextBox(elided(number_text, big, inner.width()), big,
                             QRect(inner.left(), inner.top(), inner.width(), big_h), top_left,
                             NUMBER if info.camera is not None else TEXT_DIM, "number"))

        y = inner.top() + big_h
        if y + middle_h <= inner.bottom() + 1:
            if info.camera is not None:
                line, pen = f"{info.camera}  {info.name}".rstrip(), TEXT
            else:
                line, pen = self.tr("no camera"), TEXT_DIM
            line_rect = QRect(inner.left(), y, inner.width(), middle_h)
            boxes.append(TextBox(elided(line, middle, line_rect.width()), middle, line_rect, top_left, pen, "camera"))
            y += middle_h

        status = info.age_text
        if info.playback:
            # The desk must not take the wall's recording for live either.
            status = self.tr("PLAYBACK")
        if info.tour is not None:
            tour = self.tr("tour %1").replace("%1", info.tour)
            if info.tour_held:
                tour += " " + self.tr("held")
            status = f"{tour} · {status}" if status else tour
        if status:
            right_bottom = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
            if y + small_h <= inner.bottom() + 1:
                status_rect = QRect(inner.left(), inner.bottom() - small_h + 1, inner.width(), small_h)
            else:  # a small tile: beside the number, if there is room
                status_rect = QRect(inner.left() + number_w + pad, inner.top(), inner.width() - number_w - pad, big_h)
            # The state's words first ("lost 12 s"); the reason after them gives way first.
            words = status.split(" · ")
            fitting = next((" · ".join(words[:n]) for n in range(len(words), 0, -1)
                            if text_width(" · ".join(words[:n]), small) <= status_rect.width()), "")
            if fitting and small_h <= status_rect.height():
                pen = PLAYBACK if info.playback else colour if info.state != "idle" else TEXT_DIM
                boxes.append(TextBox(fitting, small, status_rect, right_bottom, pen, "status"))
        return boxes

    # -- events --------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        self._relayout()
        super().resizeEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        monitor = self.tile_at(event.position().toPoint())
        if monitor is None or event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            super().mousePressEvent(event)
            return
        self.select_monitor(monitor)
        self.monitor_selected.emit(monitor)
        if event.button() == Qt.MouseButton.LeftButton and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self._steering = (monitor, event.position().toPoint())
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._steering is None:
            super().mouseMoveEvent(event)
            return
        monitor, origin = self._steering
        delta = event.position().toPoint() - origin
        rect = self.tile_rect(monitor)
        pan, tilt = joystick_speeds(delta.x(), delta.y(), rect.width(), rect.height())
        self.steer_requested.emit(monitor, pan, tilt)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._steering is not None and event.button() == Qt.MouseButton.LeftButton:
            monitor, _origin = self._steering
            self._steering = None
            self.steer_released.emit(monitor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        monitor = self.tile_at(event.position().toPoint())
        notches = event.angleDelta().y()
        if monitor is None or not event.modifiers() & Qt.KeyboardModifier.ControlModifier or not notches:
            super().wheelEvent(event)
            return
        self.zoom_requested.emit(monitor, notches // 120 or (1 if notches > 0 else -1))
        event.accept()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        monitor = self.tile_at(event.position().toPoint())
        if monitor is None or event.button() != Qt.MouseButton.LeftButton:
            super().mouseDoubleClickEvent(event)
            return
        self.monitor_activated.emit(monitor)
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802
        if event.reason() == QContextMenuEvent.Reason.Keyboard:
            monitor = self._selected
            pos = self.tile_rect(monitor).center() if monitor is not None else event.pos()
        else:
            monitor, pos = self.tile_at(event.pos()), event.pos()
        if monitor is None:
            event.ignore()
            return
        menu = self.context_menu_for(monitor)
        menu.exec(self.mapToGlobal(pos))
        menu.deleteLater()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            monitor = self.tile_at(event.pos())
            info = self.tile_info(monitor) if monitor is not None else None
            if info is None:
                QToolTip.hideText()
                event.ignore()
                return True
            text = self.tr("MON %1").replace("%1", str(monitor)) + f" · {info.screen}"
            if info.camera is not None:
                text += f"\n{info.camera} {info.name}".rstrip()
            if info.age_text:
                text += f"\n{info.age_text}"
            reason = self.reason(info.monitor)
            if reason:
                text += f"\n{reason}"
            QToolTip.showText(event.globalPos(), text, self, self.tile_rect(info.monitor))
            return True
        return super().event(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if event.mimeData().hasFormat(MIME_CAMERAS) and self._wall is not None:
            event.acceptProposedAction()
            self._show_drop_targets(event)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:  # noqa: N802
        if self._show_drop_targets(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        self._set_drop_targets(())
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        self._set_drop_targets(())
        monitor = self.tile_at(event.position().toPoint())
        cameras = _cameras_in(event.mimeData().data(MIME_CAMERAS).data()) if event.mimeData().hasFormat(MIME_CAMERAS) else []
        if monitor is None or not cameras:
            event.ignore()
            return
        event.acceptProposedAction()
        self.drop_cameras(monitor, cameras)

    def _show_drop_targets(self, event: QDropEvent) -> bool:
        monitor = self.tile_at(event.position().toPoint())
        cameras = _cameras_in(event.mimeData().data(MIME_CAMERAS).data()) if event.mimeData().hasFormat(MIME_CAMERAS) else []
        targets = tuple(self._fill_targets(monitor, len(cameras))) if monitor is not None and cameras else ()
        self._set_drop_targets(targets)
        return bool(targets)

    def _set_drop_targets(self, targets: tuple[int, ...]) -> None:
        if targets == self._drop_targets:
            return
        old, self._drop_targets = self._drop_targets, targets
        for monitor in set(old) | set(targets):
            self._update_tile(monitor)


def _bar_height(rect: QRect) -> int:
    """The state bar along a tile's bottom edge."""
    return max(3, min(8, rect.height() // 10))


def _cameras_in(data: bytes | bytearray | memoryview) -> list[int]:
    """Camera numbers from the drag payload, one per line; lines that are not numbers are skipped."""
    numbers = []
    for line in bytes(data).decode("utf-8", "replace").splitlines():
        try:
            numbers.append(int(line.strip()))
        except ValueError:
            continue
    return numbers


def _wall_key(info: dict[str, Any]) -> tuple[str, tuple[tuple[str, str], ...]]:
    return str(info.get("name", "")), tuple((str(s["name"]), str(s["grid"])) for s in info["screens"])


def _playbacks(data: object) -> set[int]:
    return {int(m) for m in data if str(m).isdigit()} if isinstance(data, dict) else set()


def _tours_running(data: dict[str, Any]) -> dict[int, tuple[str, bool]]:
    running = {}
    for key, tour in data.items():
        if isinstance(tour, dict) and "tour" in tour:
            running[int(key)] = (str(tour["tour"]), bool(tour.get("held", False)))
    return running


def _position(value: Any) -> tuple[int, int]:
    """A screen's (row, column) on the wall from the host's description; (0, 0) if absent."""
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int) and v >= 0 for v in value):
        return int(value[0]), int(value[1])
    return 0, 0
