"""The playback workspace: any moment of up to 16 cameras, in sync, on the desk.

What an operator gets after an incident: choose cameras and a moment (typed, a calendar, or
"last 5/15/60 minutes"), a timeline of what was recorded (spans, gaps, bookmarks; the wheel
zooms from a week down to seconds, a drag moves the playhead), play at ¼…16×, frame steps
both ways, jumps of ±10 s and ±1 min, the next or previous recorded span, a bookmark of the
moment, and every tile saying PLAYBACK with the *recorded* time of the picture it shows (the
frame's own time from the recording, never the wall clock), so nobody takes it for live.

The decoding is console/video/playback.py (`SyncGroup` of `CameraPlayback`s), reading through a
`RecordingSource` the workspace is given: on a desk a `RemoteSource` with tokens the matrix host
grants (`HostTokens`), in tests and tools a `LocalSource`.  Nothing here waits for a decode or
the network on the GUI thread: seeks return futures, frame steps and the timeline's coverage run
on a worker thread, and a 25 Hz timer paints whatever the group shows now.
"""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import numpy as np
from PySide6.QtCore import QDateTime, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QShortcut,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.recorder.source import RecordingSource
from console.ui.camera_tree import camera_numbers
from console.video.nvr_playback import NvrPlayback
from console.video.playback import (
    MAX_GROUP,
    SPEEDS,
    CameraPlayback,
    PlaybackError,
    PlaybackFrame,
    Shown,
    SyncGroup,
)

log = logging.getLogger("videowall.playback")

PAINT_EVERY_MS = 40  # 25 Hz: the recordings are 15-25 fps; more would only cost CPU
MIN_VIEW = 10.0  # seconds: the timeline's closest zoom
MAX_VIEW = 7 * 86_400.0  # a week
DEFAULT_VIEW = 3600.0
COVERAGE_EVERY_MS = 5000  # the timeline's spans refresh (a camera recording now grows)
INSTANT_REPLAY = 30.0  # seconds back from live


def local_text(moment: float, *, millis: bool = True) -> str:
    """A recorded time as the operator reads it: local date and time, with the zone."""
    when = datetime.fromtimestamp(moment).astimezone()
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    if millis:
        text += f".{when.microsecond // 1000:03d}"
    offset = when.strftime("%z")
    return f"{text} UTC{offset[:3]}:{offset[3:]}" if offset else text


# -- a tile ------------------------------------------------------------------------------------
class PlaybackTile(QWidget):
    """One camera's picture at the group's time, with PLAYBACK and the recorded time burned in."""

    def __init__(self, camera: int, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera = camera
        self.camera_number = camera  # what the console's tile helpers read
        self.title = title
        self.setObjectName(f"playback_tile_{camera}")
        self.setMinimumSize(160, 90)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image: QImage | None = None
        self.frame: PlaybackFrame | None = None
        self.message = ""  # a gap or an error, in words
        self.keyframes_only = False
        self._array: np.ndarray | None = None  # the QImage's bytes must outlive it

    def show_state(self, shown: Shown, gap_text: str = "", error_text: str = "") -> None:
        frame = shown.frame
        if frame is not None and frame is not self.frame:
            rgb = np.ascontiguousarray(frame.rgb())
            self._array = rgb
            self.image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0], QImage.Format.Format_RGB888)
            self.frame = frame
        if shown.gap is not None and shown.frame is None:
            self.image = None
            self.frame = None
        self.message = error_text or gap_text
        self.keyframes_only = shown.keyframes_only
        self.update()

    def recorded_time(self) -> float | None:
        return self.frame.utc if self.frame is not None else None

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#000000"))
        if self.image is not None:
            size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF((self.width() - size.width()) / 2, (self.height() - size.height()) / 2,
                            size.width(), size.height())
            painter.drawImage(target, self.image)
        font = QFont(self.font())
        font.setPixelSize(max(11, min(18, self.height() // 18)))
        font.setBold(True)
        painter.setFont(font)
        line = font.pixelSize() + 8
        # The strip is amber, not the live tiles' colours: a recording must never pass for live.
        painter.fillRect(QRectF(0, 0, self.width(), line), QColor(120, 80, 0, 220))
        painter.setPen(QColor("#ffffff"))
        label = self.tr("PLAYBACK")
        if self.keyframes_only:
            label += " · " + self.tr("keyframes")
        when = local_text(self.frame.utc) if self.frame is not None else "—"
        painter.drawText(QRectF(6, 0, self.width() - 12, line), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         f"{label}  {self.camera} {self.title}")
        painter.drawText(QRectF(6, 0, self.width() - 12, line), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                         when)
        if self.message:
            painter.setPen(QColor("#ffd27f"))
            painter.drawText(self.rect().adjusted(12, line, -12, -12), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.message)
        painter.end()


# -- the timeline ------------------------------------------------------------------------------
@dataclass
class TimelineData:
    spans: dict[int, list[tuple[float, float]]] = field(default_factory=dict)  # camera -> recorded spans
    bookmarks: list[tuple[float, float, str]] = field(default_factory=list)


class Timeline(QWidget):
    """Recorded spans (one row per camera), the gaps between them, bookmarks and the playhead.
    The wheel zooms around the pointer (a week down to 10 s); a click or a drag moves the
    playhead (`seek_requested`); the view follows the playhead while playing."""

    seek_requested = Signal(float)
    view_changed = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playback_timeline")
        self.setMinimumHeight(72)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.cameras: list[int] = []
        self.unknown: set[int] = set()  # cameras whose recording has no index here (played from an NVR)
        self.data = TimelineData()
        self.playhead: float | None = None
        self.marked: tuple[float | None, float | None] = (None, None)  # the operator's in and out points
        now = time.time()
        self.view = (now - DEFAULT_VIEW, now)
        self._dragging = False
        self.setToolTip(self.tr("Click or drag to move the playhead; the wheel zooms (a week down to seconds)"))

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(800, 24 + 14 * max(1, len(self.cameras)) + 20)

    # -- geometry --------------------------------------------------------------------------
    def x_of(self, moment: float) -> float:
        start, end = self.view
        return (moment - start) / (end - start) * self.width()

    def moment_at(self, x: float) -> float:
        start, end = self.view
        return start + max(0.0, min(1.0, x / max(1, self.width()))) * (end - start)

    def set_view(self, start: float, end: float) -> None:
        length = max(MIN_VIEW, min(MAX_VIEW, end - start))
        middle = (start + end) / 2
        start, end = middle - length / 2, middle + length / 2
        if (start, end) != self.view:
            self.view = (start, end)
            self.view_changed.emit(start, end)
            self.update()

    def zoom(self, factor: float, around: float | None = None) -> None:
        start, end = self.view
        pivot = around if around is not None else (self.playhead if self.playhead is not None else (start + end) / 2)
        length = max(MIN_VIEW, min(MAX_VIEW, (end - start) * factor))
        share = (pivot - start) / (end - start) if end > start else 0.5
        new_start = pivot - share * length
        self.view = (new_start, new_start + length)
        self.view_changed.emit(*self.view)
        self.update()

    def follow(self, moment: float) -> None:
        """Keep the playhead in view: page on when it leaves the right fifth."""
        self.playhead = moment
        start, end = self.view
        if not start <= moment <= end - (end - start) * 0.05:
            length = end - start
            self.view = (moment - length * 0.2, moment + length * 0.8)
            self.view_changed.emit(*self.view)
        self.update()

    # -- input -----------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt's name)
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom(0.7 ** steps, self.moment_at(event.position().x()))
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if event.button() == Qt.MouseButton.LeftButton:
            self._dragging = True
            self._seek_to(event.position().x())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        if self._dragging:
            self._seek_to(event.position().x())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt's name)
        self._dragging = False

    def _seek_to(self, x: float) -> None:
        self.playhead = self.moment_at(x)
        self.update()
        self.seek_requested.emit(self.playhead)

    # -- painting --------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#15181c"))
        start, end = self.view
        width = self.width()
        font = QFont(self.font())
        font.setPixelSize(11)
        painter.setFont(font)
        # Ticks at a step that leaves ~100 px between labels.
        step = _tick_step((end - start) / max(1.0, width / 100))
        first = math.ceil(start / step) * step
        painter.setPen(QColor("#5a6470"))
        tick = first
        while tick <= end:
            x = self.x_of(tick)
            painter.drawLine(QPointF(x, 0), QPointF(x, 6))
            label = datetime.fromtimestamp(tick).strftime("%m-%d %H:%M" if step >= 3600 else
                                                          "%H:%M" if step >= 60 else "%H:%M:%S")
            painter.drawText(QPointF(x + 3, 16), label)
            tick += step
        top = 22
        row = 14
        for index, camera in enumerate(self.cameras):
            y = top + index * row
            # Nothing recorded: a gap; on an NVR (no index to ask) unknown, so not drawn as a gap.
            painter.fillRect(QRectF(0, y, width, row - 3), QColor("#2a3038" if camera in self.unknown else "#3a1f1f"))
            for begin, finish in self.data.spans.get(camera, []):
                if finish < start or begin > end:
                    continue
                x0, x1 = self.x_of(max(begin, start)), self.x_of(min(finish, end))
                painter.fillRect(QRectF(x0, y, max(1.0, x1 - x0), row - 3), QColor("#2f7d4a"))
            painter.setPen(QColor("#c8d0d8"))
            painter.drawText(QPointF(3, y + row - 5), str(camera))
        bottom = top + row * max(1, len(self.cameras))
        for begin, finish, label in self.data.bookmarks:
            if finish < start or begin > end:
                continue
            x0, x1 = self.x_of(begin), self.x_of(max(finish, begin))
            painter.fillRect(QRectF(x0, bottom, max(3.0, x1 - x0), 6), QColor("#e0b030"))
            painter.setPen(QColor("#e0b030"))
            painter.drawText(QPointF(x0 + 2, bottom + 17), label[:40])
        mark_in, mark_out = self.marked
        if mark_in is not None or mark_out is not None:
            left = self.x_of(mark_in if mark_in is not None else start)
            right = self.x_of(mark_out if mark_out is not None else end)
            span = QColor("#3a78c8")
            span.setAlpha(70)
            painter.fillRect(QRectF(left, 0, max(2.0, right - left), self.height()), span)
            painter.setPen(QPen(QColor("#6aa8ff"), 1))
            for edge in (mark_in, mark_out):
                if edge is not None:
                    painter.drawLine(QPointF(self.x_of(edge), 0), QPointF(self.x_of(edge), self.height()))
        if self.playhead is not None and start <= self.playhead <= end:
            x = self.x_of(self.playhead)
            painter.setPen(QPen(QColor("#ff5050"), 2))
            painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.end()


def _tick_step(seconds: float) -> float:
    for step in (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400):
        if step >= seconds:
            return float(step)
    return 86400.0 * math.ceil(seconds / 86400)


# -- tokens for a desk -------------------------------------------------------------------------
class HostTokens:
    """Recording tokens from the matrix host, asked on the GUI thread (the host link's socket is
    that thread's) and handed to the source's reader threads from a cache.  `refresh()` runs
    from a timer well before the token expires."""

    def __init__(self, ask: Callable[[], dict[str, Any]]) -> None:
        self._ask = ask
        self._lock = threading.Lock()
        self._token = ""
        self.expires = 0.0
        self.recorder_url = ""
        self.refusal = ""
        self.refused: dict[str, Any] = {}  # the host's whole refusal (its reason translates)

    def refresh(self) -> bool:
        reply = self._ask()
        if not reply.get("ok") or not isinstance(reply.get("token"), str):
            self.refusal = str(reply.get("answer") or "NA")
            self.refused = reply
            return False
        recorder = reply.get("recorder") if isinstance(reply.get("recorder"), dict) else {}
        with self._lock:
            self._token = str(reply["token"])
            self.expires = float(reply.get("expires") or 0.0)
            self.recorder_url = str((recorder or {}).get("url") or self.recorder_url)
            self.refusal = ""
        return True

    def __call__(self) -> str:
        with self._lock:
            return self._token


class RefusedError(PermissionError):
    """The matrix host refused this desk the recordings; `reply` is its answer."""

    def __init__(self, reply: dict[str, Any]) -> None:
        super().__init__(str(reply.get("answer") or "NA"))
        self.reply = reply


def desk_source(command: Callable[[Any], dict[str, Any]], cameras: list[int], right: str = "playback"
                ) -> tuple[RecordingSource, HostTokens]:
    """The recordings of `cameras` as a desk reads them: a token from the matrix host (through
    the desk's `command` sender, on this thread), the recorder it names, read over HTTP.
    RefusedError with the host's refusal; OSError when no recorder serves."""
    from console.matrix.commands import RecordingToken
    from console.recorder.remote import RemoteSource

    tokens = HostTokens(lambda: command(RecordingToken(tuple(cameras), right)))
    if not tokens.refresh():
        raise RefusedError(tokens.refused)
    if not tokens.recorder_url:
        raise OSError("no recorder serves recordings now (none reports to the matrix host)")
    return RemoteSource(tokens.recorder_url, tokens), tokens


# -- the workspace -----------------------------------------------------------------------------
class PlaybackWorkspace(QWidget):
    """`open(cameras, moment)` and the operator takes it from there.

    `source_for(cameras)` gives the `RecordingSource` to read them from (raising an error whose
    text the operator reads: no right, no recorder); `titles(camera)` names a camera;
    `bookmark(cameras, start, end, note, case)` (optional) marks a moment through the host and returns
    its answer; `bookmarks(start, end)` lists (start, end, label) for the timeline; `export(cameras,
    start, end)` (optional) opens the desk's export of the cameras over the span the timeline shows;
    `nvr_for(camera)` (optional) gives a camera's `NvrPlayback` if it names a third-party recorder
    (see `open` for when it is used).
    """

    answered = Signal(str)  # a message for the operator (refusals, gaps, errors)
    live_requested = Signal(list)  # "back to live" for these cameras
    _done = Signal(object, object)  # (callback, result) from the worker thread to the GUI thread

    def __init__(self, source_for: Callable[[list[int]], RecordingSource], *,
                 titles: Callable[[int], str] = lambda _n: "",
                 bookmark: Callable[[list[int], float, float, str, str], dict[str, Any]] | None = None,
                 bookmarks: Callable[[float, float], list[tuple[float, float, str]]] | None = None,
                 to_wall: Callable[[list[int], float, float], None] | None = None,
                 export: Callable[[list[int], float, float], object] | None = None,
                 nvr_for: Callable[[int], NvrPlayback | None] | None = None,
                 parent: QWidget | None = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.setObjectName("playback_workspace")
        self.setWindowTitle(self.tr("Playback"))
        self.setAcceptDrops(True)  # cameras from the tree, the search, the wall preview
        self.source_for = source_for
        self.titles = titles
        self._bookmark = bookmark
        self._bookmarks = bookmarks
        self._to_wall = to_wall
        self._export = export
        self._nvr_for = nvr_for
        self.nvr_cameras: set[int] = set()  # the open cameras played from their NVR
        self.clock = clock
        self.source: RecordingSource | None = None
        self.group: SyncGroup | None = None
        self.cameras: list[int] = []
        self.tiles: dict[int, PlaybackTile] = {}
        self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="playback-ui")
        self._done.connect(lambda callback, result: callback(result))
        self._last_message = ""
        self._build()
        self._timer = QTimer(self)
        self._timer.setInterval(PAINT_EVERY_MS)
        self._timer.timeout.connect(self._paint)
        self._coverage_timer = QTimer(self)
        self._coverage_timer.setInterval(COVERAGE_EVERY_MS)
        self._coverage_timer.timeout.connect(self.refresh_timeline)

    # -- building ----------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        choose = QHBoxLayout()
        self.camera_field = QLineEdit()
        self.camera_field.setObjectName("playback_cameras")
        self.camera_field.setPlaceholderText(self.tr("Cameras, e.g. 12 14 1042"))
        self.camera_field.setToolTip(self.tr("Up to 16 camera numbers, played in sync"))
        self.moment_field = QDateTimeEdit()
        self.moment_field.setObjectName("playback_moment")
        self.moment_field.setCalendarPopup(True)
        self.moment_field.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.moment_field.setDateTime(QDateTime.currentDateTime().addSecs(-300))
        go = QPushButton(self.tr("Go"))
        go.setObjectName("playback_go")
        go.clicked.connect(self._go)
        choose.addWidget(QLabel(self.tr("Cameras")))
        choose.addWidget(self.camera_field, 2)
        choose.addWidget(QLabel(self.tr("From")))
        choose.addWidget(self.moment_field)
        choose.addWidget(go)
        for minutes in (5, 15, 60):
            button = QPushButton(self.tr("Last %1 min").replace("%1", str(minutes)))
            button.setObjectName(f"playback_last_{minutes}")
            button.clicked.connect(lambda _checked=False, m=minutes: self._go(self.clock() - m * 60))
            choose.addWidget(button)
        layout.addLayout(choose)

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(2)
        layout.addWidget(self.grid_host, 1)

        self.timeline = Timeline()
        self.timeline.seek_requested.connect(self.seek)
        self.timeline.view_changed.connect(lambda *_: self.refresh_timeline())
        layout.addWidget(self.timeline)

        controls = QHBoxLayout()
        self.buttons: dict[str, QToolButton] = {}
        actions: tuple[tuple[str, str, str, Callable[[], object]], ...] = (
                ("previous_span", "⏮", self.tr("Previous recorded span (PgUp)"), self.previous_span),
                ("back_minute", "−1m", self.tr("Back 1 minute (Ctrl+Left)"), lambda: self.jump(-60)),
                ("back_10", "−10s", self.tr("Back 10 seconds (Shift+Left)"), lambda: self.jump(-10)),
                ("step_back", "◀|", self.tr("One frame back (Left)"), lambda: self.step(-1)),
                ("play", "▶", self.tr("Play / pause (Space)"), self.toggle),
                ("step_forward", "|▶", self.tr("One frame forward (Right)"), lambda: self.step(1)),
                ("forward_10", "+10s", self.tr("Forward 10 seconds (Shift+Right)"), lambda: self.jump(10)),
                ("forward_minute", "+1m", self.tr("Forward 1 minute (Ctrl+Right)"), lambda: self.jump(60)),
                ("next_span", "⏭", self.tr("Next recorded span (PgDown)"), self.next_span),
                ("mark_in", "[", self.tr("Mark the in point here (I); Alt+X clears the marks"), lambda: self.mark("in")),
                ("mark_out", "]", self.tr("Mark the out point here (O): bookmark and export take the marked span"),
                 lambda: self.mark("out")))
        for name, text, tip, slot in actions:
            tool = QToolButton()
            tool.setObjectName(f"playback_{name}")
            tool.setText(text)
            tool.setToolTip(tip)
            tool.clicked.connect(lambda _checked=False, s=slot: s())
            controls.addWidget(tool)
            self.buttons[name] = tool
        self.speed_box = QComboBox()
        self.speed_box.setObjectName("playback_speed")
        for speed in SPEEDS:
            self.speed_box.addItem({0.25: "¼×", 0.5: "½×"}.get(speed, f"{speed:g}×"), speed)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_box.setToolTip(self.tr("Speed (+ and − change it)"))
        self.speed_box.currentIndexChanged.connect(lambda _i: self.set_speed(float(self.speed_box.currentData())))
        controls.addWidget(self.speed_box)
        self.time_label = QLabel("—")
        self.time_label.setObjectName("playback_time")
        self.time_label.setToolTip(self.tr("The recorded time of the pictures shown"))
        controls.addWidget(self.time_label, 1)
        mark: QPushButton = QPushButton(self.tr("Bookmark…"))
        mark.setObjectName("playback_bookmark")
        mark.setToolTip(self.tr("Mark this moment with a note and a case number (B)"))
        mark.clicked.connect(lambda _checked=False: self.bookmark_here())
        mark.setEnabled(self._bookmark is not None)
        controls.addWidget(mark)
        wall: QPushButton = QPushButton(self.tr("On the wall"))
        wall.setObjectName("playback_to_wall")
        wall.setToolTip(self.tr("Play these cameras from this moment on the wall, from the selected monitor on (W)"))
        wall.clicked.connect(lambda _checked=False: self.show_on_wall())
        wall.setEnabled(self._to_wall is not None)
        controls.addWidget(wall)
        export_button: QPushButton = QPushButton(self.tr("Export…"))
        export_button.setObjectName("playback_export")
        export_button.setToolTip(self.tr("Export these cameras over the span the timeline shows, as signed evidence (E)"))
        export_button.clicked.connect(lambda _checked=False: self.export_span())
        export_button.setEnabled(self._export is not None)
        controls.addWidget(export_button)
        live: QPushButton = QPushButton(self.tr("Live"))
        live.setObjectName("playback_live")
        live.setToolTip(self.tr("Back to live (Esc)"))
        live.clicked.connect(lambda: self.live_requested.emit(list(self.cameras)))
        controls.addWidget(live)
        layout.addLayout(controls)
        self.status = QLabel()
        self.status.setObjectName("playback_status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)

        keys_slots: tuple[tuple[str, Callable[[], object]], ...] = (
                           ("Space", self.toggle), ("Right", lambda: self.step(1)), ("Left", lambda: self.step(-1)),
                           ("Shift+Right", lambda: self.jump(10)), ("Shift+Left", lambda: self.jump(-10)),
                           ("Ctrl+Right", lambda: self.jump(60)), ("Ctrl+Left", lambda: self.jump(-60)),
                           ("PgDown", self.next_span), ("PgUp", self.previous_span),
                           ("+", lambda: self.change_speed(1)), ("-", lambda: self.change_speed(-1)),
                           ("B", self.bookmark_here), ("W", self.show_on_wall),
                           ("I", lambda: self.mark("in")), ("O", lambda: self.mark("out")),
                           ("Alt+X", lambda: self.mark("clear")), ("E", self.export_span),
                           ("Esc", lambda: self.live_requested.emit(list(self.cameras))))
        for keys, key_slot in keys_slots:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(key_slot)

    # -- choosing --------------------------------------------------------------------------
    def _go(self, moment: float | None = None) -> None:
        numbers = [int(t) for t in self.camera_field.text().replace(",", " ").split() if t.isdigit()]
        if not numbers:
            self.say(self.tr("Type one or more camera numbers"))
            return
        if moment is None:
            moment = self.moment_field.dateTime().toSecsSinceEpoch() * 1.0
        self.open(numbers, moment)

    def open(self, cameras: list[int], moment: float, *, play: bool = False) -> bool:
        """Play `cameras` (up to 16) from `moment`; False (and said why) if they cannot be."""
        cameras = list(dict.fromkeys(cameras))
        if not cameras:
            return False
        if len(cameras) > MAX_GROUP:
            self.say(self.tr("At most %1 cameras play in sync; the first %1 are shown").replace("%1", str(MAX_GROUP)))
            cameras = cameras[:MAX_GROUP]
        if moment > self.clock() + 1:
            when = local_text(moment, millis=False)
            self.say(self.tr("%1 is in the future: nothing is recorded there yet").replace("%1", when))
            return False
        source: RecordingSource | None = None
        failure = ""
        try:
            source = self.source_for(cameras)
        except PermissionError as exc:  # no right to play back: footage on an NVR is playback too
            self.say(str(exc))
            return False
        except (OSError, ValueError, RuntimeError) as exc:
            failure = str(exc)  # no recorder: cameras with an NVR may still play from it
        members = [self._member(source, n, moment) for n in cameras]
        if any(m is None for m in members):
            for member in members:
                if member is not None:
                    member.close()
            self.say(failure)
            return False
        self.close_group()
        self.source = source
        self.cameras = cameras
        self.nvr_cameras = {m.camera for m in members if isinstance(m, NvrPlayback)}
        # NvrPlayback has CameraPlayback's interface; the group drives both alike.
        self.group = SyncGroup(cast(list[CameraPlayback], members))
        self.camera_field.setText(" ".join(str(n) for n in cameras))
        self.moment_field.setDateTime(QDateTime.fromSecsSinceEpoch(int(moment)))
        self._lay_out_tiles()
        self.timeline.cameras = cameras
        self.timeline.unknown = set(self.nvr_cameras)
        self.timeline.updateGeometry()
        length = self.timeline.view[1] - self.timeline.view[0]
        self.timeline.view = (moment - length / 2, moment + length / 2)
        self.say("")
        self.seek(moment)
        if play:
            self.play()
        self._timer.start()
        self._coverage_timer.start()
        self.refresh_timeline()
        return True

    def _member(self, source: RecordingSource | None, camera: int, moment: float) -> CameraPlayback | NvrPlayback | None:
        """Where `camera` plays from: its NVR if it names one and our recorder has nothing of it at
        `moment` (not recorded by us, a hole in our recording, no recorder), else our recorder
        (frame-exact, with an index of spans and gaps).  Chosen per `open`, so a seek never
        switches a tile's source under the operator's hands."""
        nvr = self._nvr_for(camera) if self._nvr_for is not None else None
        if nvr is not None and source is not None:
            try:
                # One short index query per NVR camera (cameras without one cost nothing).
                recorded = bool(source.coverage(camera, moment - 1.0, moment + 1.0))
            except (OSError, ValueError):
                recorded = False  # the recorder cannot say: the NVR can
            if recorded:
                self._worker.submit(nvr.close)
                nvr = None
        if nvr is not None:
            return nvr
        return CameraPlayback(source, camera, clock=self.clock) if source is not None else None

    def _lay_out_tiles(self) -> None:
        for tile in self.tiles.values():
            tile.setParent(None)
            tile.deleteLater()
        self.tiles = {}
        columns = max(1, math.ceil(math.sqrt(len(self.cameras))))
        for index, number in enumerate(self.cameras):
            title = self.titles(number)
            if number in self.nvr_cameras:  # says where the picture comes from
                title = (title + " · " if title else "") + self.tr("from its NVR")
            tile = PlaybackTile(number, title)
            self.tiles[number] = tile
            self.grid.addWidget(tile, index // columns, index % columns)

    # -- moving ----------------------------------------------------------------------------
    def seek(self, moment: float) -> None:
        if self.group is None:
            return
        futures = self.group.request_seek(moment)
        self.timeline.follow(moment)
        for camera, future in futures.items():
            future.add_done_callback(functools.partial(self._seek_done, camera))

    def _seek_done(self, camera: int, future: concurrent.futures.Future[PlaybackFrame]) -> None:
        self._later(self._seeked, (camera, future))

    def _seeked(self, result: tuple[int, concurrent.futures.Future[PlaybackFrame]]) -> None:
        _camera, future = result
        error = future.exception()
        if isinstance(error, PlaybackError) and len(self.cameras) == 1:
            self.say(str(error))

    def play(self) -> None:
        if self.group is not None:
            self.group.play(float(self.speed_box.currentData()))
            self.buttons["play"].setText("⏸")

    def pause(self) -> None:
        if self.group is not None:
            self.group.pause()
            self.buttons["play"].setText("▶")

    def toggle(self) -> None:
        if self.group is not None and self.group.playing:
            self.pause()
        else:
            self.play()

    def set_speed(self, speed: float) -> None:
        if self.group is not None:
            self.group.set_speed(speed)
        index = SPEEDS.index(speed)
        if self.speed_box.currentIndex() != index:
            self.speed_box.setCurrentIndex(index)

    def change_speed(self, direction: int) -> None:
        index = max(0, min(len(SPEEDS) - 1, self.speed_box.currentIndex() + direction))
        self.speed_box.setCurrentIndex(index)

    def jump(self, seconds: float) -> None:
        now = self.group.time() if self.group is not None else None
        if now is not None:
            self.seek(min(now + seconds, self.clock()))

    def step(self, frames: int) -> concurrent.futures.Future[Any] | None:
        """A frame step on the worker thread (the lead camera decodes up to a GOP)."""
        group = self.group
        if group is None:
            return None
        self.pause()

        def run() -> Any:
            return group.step(frames)

        return self._run(run, self._stepped)

    def _stepped(self, result: Any) -> None:
        if isinstance(result, BaseException):
            self.say(str(result))
            return
        lead = result.get(self.cameras[0]) if self.cameras else None
        if isinstance(lead, PlaybackError):
            self.say(str(lead))
        elif isinstance(lead, PlaybackFrame):
            self.timeline.follow(lead.utc)

    def next_span(self) -> None:
        self._span(True)

    def previous_span(self) -> None:
        self._span(False)

    def _span(self, forward: bool) -> None:
        if self.group is None:
            return
        lead = self.group.lead

        def run() -> Any:
            return lead.next_span() if forward else lead.previous_span()

        def done(result: Any) -> None:
            if isinstance(result, PlaybackFrame):
                self.seek(result.utc)
            elif isinstance(result, BaseException):
                self.say(str(result))

        self._run(run, done)

    def close_group(self) -> None:
        self._timer.stop()
        self._coverage_timer.stop()
        if self.group is not None:
            group, self.group = self.group, None
            self._worker.submit(group.close)
        if self.source is not None:
            source, self.source = self.source, None
            self._worker.submit(source.close)

    # -- painting ----------------------------------------------------------------------------
    def _paint(self) -> None:
        if self.group is None:
            return
        shown = self.group.frames()
        moment = self.group.time()
        for camera, state in shown.items():
            tile = self.tiles.get(camera)
            if tile is None:
                continue
            gap = ""
            if state.gap is not None and state.frame is None:
                gap = self.tr("No recording here: %1").replace("%1", state.gap.reason)
            tile.show_state(state, gap, state.error)
        if moment is not None:
            self.time_label.setText(local_text(moment))
            if self.group.playing:
                self.timeline.follow(moment)

    def frames(self) -> dict[int, Shown]:
        """What the tiles show now (for tests and the print of a playback frame)."""
        return self.group.frames() if self.group is not None else {}

    # -- the timeline's data -----------------------------------------------------------------
    def refresh_timeline(self) -> None:
        # Cameras played from an NVR: the recorder's spans would not be what the tile plays.
        source, cameras = self.source, [n for n in self.cameras if n not in self.nvr_cameras]
        if not self.cameras:
            return
        start, end = self.timeline.view
        # Bookmarks come from the matrix host over the desk's link, whose socket belongs to
        # this (the GUI) thread; the recorder's coverage, over HTTP, on the worker.
        marks = self._bookmarks(start, end) if self._bookmarks is not None else []

        def run() -> TimelineData:
            return TimelineData({n: source.coverage(n, start, end) for n in cameras} if source is not None else {}, marks)

        def done(result: Any) -> None:
            if isinstance(result, TimelineData):
                self.timeline.data = result
                self.timeline.update()
            elif isinstance(result, BaseException):
                self.say(str(result))

        self._run(run, done)

    def show_on_wall(self) -> None:
        """The commander's screen: the same cameras, moment and speed on wall tiles (the host
        decides; the tiles say PLAYBACK)."""
        if self._to_wall is None or self.group is None or self.group.time() is None:
            return
        moment = self.group.time()
        assert moment is not None
        self._to_wall(list(self.cameras), moment, float(self.speed_box.currentData()))

    def mark(self, which: str) -> tuple[float | None, float | None]:
        """The in (I) or out (O) point at the moment shown, or clear both (Alt+X): the span a
        bookmark marks and an export takes."""
        moment = self.group.time() if self.group is not None else None
        mark_in, mark_out = self.timeline.marked
        if which == "clear":
            mark_in = mark_out = None
        elif moment is not None and which == "in":
            mark_in = moment
            mark_out = mark_out if mark_out is not None and mark_out > moment else None
        elif moment is not None and which == "out":
            mark_out = moment
            mark_in = mark_in if mark_in is not None and mark_in < moment else None
        self.timeline.marked = (mark_in, mark_out)
        self.timeline.update()
        return self.timeline.marked

    def marked_span(self) -> tuple[float, float] | None:
        """In to out; from the in point to the moment shown, or from the moment shown to the out
        point, when one is missing; None without marks."""
        mark_in, mark_out = self.timeline.marked
        moment = self.group.time() if self.group is not None else None
        if mark_in is None and mark_out is None:
            return None
        start = mark_in if mark_in is not None else moment
        end = mark_out if mark_out is not None else moment
        if start is None or end is None:
            return None
        return (min(start, end), max(start, end))

    def export_span(self) -> None:
        """Export… of these cameras over the marked span, else the span the timeline shows (the
        desk's dialog, filled in)."""
        if self._export is not None:
            start, end = self.marked_span() or self.timeline.view
            self._export(list(self.cameras), start, end)

    # -- bookmarks ---------------------------------------------------------------------------
    def bookmark_here(self, note: str | None = None, case: str = "") -> dict[str, Any] | None:
        if self._bookmark is None or self.group is None or self.group.time() is None:
            return None
        if note is None:
            from PySide6.QtWidgets import QInputDialog

            note, ok = QInputDialog.getText(self, self.tr("Bookmark"), self.tr("Note (a case number after #):"))
            if not ok:
                return None
            if "#" in note:
                note, case = (part.strip() for part in note.split("#", 1))
        moment = self.group.time()
        assert moment is not None
        start, end = self.marked_span() or (moment, moment)  # the marked span, else this moment
        reply = self._bookmark(list(self.cameras), start, end, note, case)
        self.say(str(reply.get("answer", "")))
        self.refresh_timeline()
        return reply

    # -- plumbing ----------------------------------------------------------------------------
    def _run(self, job: Callable[[], Any], callback: Callable[[Any], None]) -> concurrent.futures.Future[Any]:
        def wrapped() -> Any:
            try:
                result = job()
            except Exception as exc:  # shown to the operator; the desk keeps working
                result = exc
            self._later(callback, result)
            return result

        return self._worker.submit(wrapped)

    def _later(self, callback: Callable[[Any], None], result: Any) -> None:
        try:
            self._done.emit(callback, result)
        except RuntimeError:  # the workspace is gone
            pass

    def say(self, text: str) -> None:
        self.status.setText(text)
        if text and text != self._last_message:
            self.answered.emit(text)
        self._last_message = text

    # -- cameras dropped from the tree, the search or the wall preview ----------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 (Qt's name)
        if camera_numbers(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 (Qt's name)
        dropped = camera_numbers(event.mimeData())
        if not dropped:
            return
        event.acceptProposedAction()
        self.add_cameras(dropped)

    def add_cameras(self, numbers: list[int]) -> bool:
        """More cameras into the group, at the moment it shows (or 5 minutes back, if none)."""
        moment = self.group.time() if self.group is not None else None
        playing = self.group is not None and self.group.playing
        return self.open([*self.cameras, *numbers], moment if moment is not None else self.clock() - 300,
                         play=playing)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 (Qt's name)
        self.close_group()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self.close_group()
        self._worker.shutdown(wait=True, cancel_futures=False)
