"""A wall tile: live video, a camera label, a health badge, and unmistakable loss states.

The rule of this widget: a picture that is not live never looks live.  When frames stop, the
last picture is dimmed under "SIGNAL LOST" with the time since; on an error the picture goes
and the reason is shown.
"""

from __future__ import annotations

import collections
import time
from functools import partial

from PySide6.QtCore import QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

from console.ui.reasons import reason_lines, reason_text
from console.ui.text_fit import TextBox, elided, fitted_font, line_height, seconds, sized, text_width
from console.ui.theme import STATE_COLOURS
from console.video.player import Health, VideoEngine
from console.video.qt import QtTilePlayer

HEADER = 22
HEADER_PAD = 6  # left and right of the header's text
HEADER_GAP = 8  # between the label and the badge
DOT = 10  # the state dot's diameter
DOT_GAP = 5  # between the dot and its text
STATE_PAD = 8  # left and right of the state title
TITLE_MIN_PX = 10  # a state title smaller than this is elided instead
FRAME_LOG_SIZE = 4096  # paints remembered: minutes of a tile at 25 fps


class _VideoSurface(QWidget):
    """The X window libvlc draws a native tile's video into; Qt never paints it.

    Not even from its backing store: a plain child widget, though it paints nothing, gets the
    tile's stale pixels flushed into its window whenever it is shown or raised ("CONNECTING…"
    from an earlier switch), and they stay until libvlc draws its next picture.  Painted "on
    screen" with no paint engine, the window keeps what is on the screen (the previous picture)
    until libvlc's next frame replaces it.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
        self.setAttribute(Qt.WidgetAttribute.WA_PaintOnScreen)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setAutoFillBackground(False)

    def paintEngine(self) -> None:  # type: ignore[override]  # noqa: N802 (Qt's name)
        return None


class TileWidget(QWidget):
    """One tile; `play(url, number, name)` shows a camera, `clear()` empties the tile."""

    health_changed = Signal(object)  # Health
    first_frame = Signal(float)

    def __init__(self, engine: VideoEngine, renderer: str = "callbacks", monitor: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.monitor = monitor
        self.camera_number: int | None = None
        self.camera_name = ""
        self._image: QImage | None = None
        self._image_camera: int | None = None  # the camera `_image` came from
        self._frame_serial = -1
        # What each paint of the picture area showed: (monotonic time, camera or None for no
        # picture).  Callback renderer only (libvlc paints native windows itself); the tour
        # benchmark reads black frames at a switch from it.
        self.frame_log: collections.deque[tuple[float, int | None]] = collections.deque(maxlen=FRAME_LOG_SIZE)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(96, 72)
        self._engine, self._renderer = engine, renderer
        self._videos: dict[QtTilePlayer, QWidget] = {}  # native renderer: the window each player draws into
        self.source = self._new_source()
        self._standby: QtTilePlayer | None = None  # opened ahead, hidden, by prepare()
        self._standby_camera: int | None = None
        self._spare: QtTilePlayer | None = None  # a stopped player, reused for the next prepare()

    def _new_source(self) -> QtTilePlayer:
        window_id = None
        video = None
        if self._renderer == "native":
            video = _VideoSurface(self)
            video.setGeometry(self.rect().adjusted(0, HEADER, 0, 0))
            video.hide()
            window_id = int(video.winId())
        source = QtTilePlayer(self._engine, self._renderer, window_id, parent=self)
        if video is not None:
            self._videos[source] = video
        # Signals of a player opened ahead (or kept spare) are not this tile's until it shows it.
        source.frame_ready.connect(partial(self._on_frame, source))
        source.health_changed.connect(partial(self._on_health, source))
        source.first_frame.connect(partial(self._on_first_frame, source))
        return source

    @property
    def _video(self) -> QWidget | None:
        return self._videos.get(self.source)

    # -- control ------------------------------------------------------------------------
    def play(self, url: str, number: int | None = None, name: str = "") -> None:
        """Show `url`; if prepare() opened it ahead, the switch is instant (its newest picture
        replaces the old one at the next paint: no black frame between them)."""
        self.camera_number, self.camera_name = number, name
        standby = self._standby
        if standby is not None and standby.url == url and standby.health.state not in ("error", "idle"):
            self._standby = self._standby_camera = None
            self._adopt(standby)
            return
        self.cancel_prepared()
        self._image = None
        self.source.play(url)
        self.update()

    def prepare(self, url: str, number: int | None = None) -> None:
        """Open `url` now, hidden and decoding, so that a later play(url) switches at once (a
        tour's next camera, shortly before its step)."""
        if self._standby is not None and self._standby.url == url:
            return
        if self.source.url == url:
            return  # already on screen
        standby = self._standby or self._spare or self._new_source()
        if standby is self._spare:
            self._spare = None
        self._standby, self._standby_camera = standby, number
        video = self._videos.get(standby)
        if video is not None:
            # Mapped under the picture on screen: libvlc needs a viewable window to draw into.
            video.setGeometry(self.rect().adjusted(0, HEADER, 0, 0))
            video.show()
            video.lower()
        standby.play(url)

    @property
    def prepared(self) -> QtTilePlayer | None:
        """The player prepare() opened ahead, if any; its health says whether it can open."""
        return self._standby

    @property
    def prepared_camera(self) -> int | None:
        return self._standby_camera if self._standby is not None else None

    def cancel_prepared(self) -> None:
        standby, self._standby, self._standby_camera = self._standby, None, None
        if standby is not None:
            standby.stop()
            video = self._videos.get(standby)
            if video is not None:
                video.hide()
            self._spare = standby

    def _adopt(self, standby: QtTilePlayer) -> None:
        """Make the player opened ahead the one on screen; the old one stops and is kept spare."""
        old, self.source = self.source, standby
        self._frame_serial = -1  # serials are per player
        video, old_video = self._videos.get(standby), self._videos.get(old)
        if video is not None:
            video.show()
            video.raise_()
        if old_video is not None:
            old_video.hide()
        old.stop()
        self._spare = old
        self.health_changed.emit(standby.health)
        if standby.player.first_frame_at is not None:
            # Its first picture came while hidden: on screen from the next paint on.
            QTimer.singleShot(0, self, partial(self.first_frame.emit, 0.0))
        self.update()

    def clear(self) -> None:
        self.camera_number, self.camera_name = None, ""
        self._image = None
        self.cancel_prepared()
        self.source.stop()
        self.update()

    def close_player(self) -> None:
        for source in {self.source, self._standby, self._spare} - {None}:
            assert source is not None
            source.close()

    @property
    def health(self) -> Health:
        return self.source.health

    def current_image(self) -> QImage | None:
        """A copy of the newest decoded picture at native size (callback renderer only)."""
        self._refresh_image()
        return self._image.copy() if self._image is not None else None

    def snapshot(self, path: str) -> tuple[int, int]:
        return self.source.snapshot(path)

    def video_rect(self) -> QRect:
        """Where the picture is drawn: below the header, aspect kept."""
        area = self.rect().adjusted(0, HEADER, 0, 0)
        h = self.source.health
        if not h.width or not h.height or area.isEmpty():
            return area
        scale = min(area.width() / h.width, area.height() / h.height)
        w, hh = int(h.width * scale), int(h.height * scale)
        return QRect(area.x() + (area.width() - w) // 2, area.y() + (area.height() - hh) // 2, w, hh)

    # -- events -------------------------------------------------------------------------
    def _refresh_image(self) -> None:
        frame = self.source.take_frame()
        if frame is None or frame.serial == self._frame_serial:
            return
        self._frame_serial = frame.serial
        # Wraps libvlc's front buffer without copying; it stays valid until the next take.
        # The frame is kept too: after a switch its buffer belongs to a retired player, and only
        # this reference keeps the memory under the last picture (shown dimmed when lost).
        self._frame = frame
        self._image_camera = self.camera_number
        self._image = QImage(frame.buffer, frame.width, frame.height, frame.stride, QImage.Format.Format_RGB32)

    def _on_frame(self, source: QtTilePlayer) -> None:
        if source is self.source:
            self.update(self.video_rect())

    def _on_health(self, source: QtTilePlayer, health: Health) -> None:
        if source is not self.source:
            return
        video = self._video
        if video is not None:
            live = health.state == "playing"
            if live != video.isVisible():
                video.setVisible(live)
        self.health_changed.emit(health)
        self.update()

    def _on_first_frame(self, source: QtTilePlayer, seconds: float) -> None:
        if source is self.source:
            self.first_frame.emit(seconds)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        for video in self._videos.values():
            video.setGeometry(self.rect().adjusted(0, HEADER, 0, 0))
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#07090c"))
        health = self.source.health
        state = health.state
        video = self.video_rect()
        shown: int | None = None
        if self.source.renderer == "callbacks" and state in ("playing", "lost"):
            self._refresh_image()
            if self._image is not None:
                # Smooth scaling keeps burned-in text legible at tile size; it is cheap at SD.
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(QRectF(video), self._image)
                shown = self._image_camera if state == "playing" else None
        if self.source.renderer == "callbacks" and event.rect().intersects(video):
            self.frame_log.append((time.monotonic(), shown))
        if state != "playing":
            self._paint_state(painter, health)
        # A new picture repaints only the video: skip laying out the header's text then
        # (it was half the wall agent's GUI time at 16 tiles).
        if event.rect().top() < HEADER:
            self._paint_header(painter, health)
        painter.end()

    def _paint_header(self, painter: QPainter, health: Health) -> None:
        bar = QRect(0, 0, self.width(), HEADER)
        painter.fillRect(bar, QColor(12, 15, 20, 235))
        boxes, dot = self.header_layout(health)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(STATE_COLOURS.get(health.state, STATE_COLOURS["idle"]))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(dot)
        painter.restore()
        for box in boxes:
            box.paint(painter)

    def header_layout(self, health: Health) -> tuple[list[TextBox], QRect]:
        """The header's labels and its state dot, fitted to the tile's width.

        The monitor and camera numbers are what an operator reads first; the badge (fps and
        frame age) gives way before they do: first its frame age, then its text (the dot's
        colour still tells the state).
        """
        font = sized(self.font(), 13)
        monitor = self.tr("MON %1").replace("%1", str(self.monitor)) if self.monitor is not None else ""
        camera = "" if self.camera_number is None else f"{self.camera_number}  {self.camera_name}".rstrip()
        label = f"{monitor}  {camera}" if monitor and camera else monitor or camera
        essential = f"{monitor}  {self.camera_number}" if monitor and self.camera_number is not None else label
        width = self.width() - 2 * HEADER_PAD
        badge = ""
        for candidate in self._badge_texts(health):
            badge = candidate
            badge_w = (text_width(badge, font) + DOT_GAP if badge else 0) + DOT + HEADER_GAP
            if text_width(essential, font) + badge_w <= width:
                break
        badge_w = (text_width(badge, font) + DOT_GAP if badge else 0) + DOT
        left_middle = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        text_rect = QRect(HEADER_PAD, 0, max(0, width - badge_w - HEADER_GAP), HEADER)
        dot = QRect(self.width() - HEADER_PAD - badge_w, (HEADER - DOT) // 2, DOT, DOT)
        shown = elided(label, font, text_rect.width())
        if not shown.startswith(essential) and text_width(essential, font) <= text_rect.width():
            # Cut the camera's name, not into the numbers: "MON 18  4" beats "MON 18 …".
            shown = essential
        boxes = [TextBox(shown, font, text_rect, int(left_middle), QColor("#d8dee9"), "header")]
        if badge:
            badge_rect = QRect(dot.right() + 1 + DOT_GAP, 0, self.width() - HEADER_PAD - dot.right() - 1 - DOT_GAP, HEADER)
            boxes.append(TextBox(elided(badge, font, badge_rect.width()), font, badge_rect, int(left_middle),
                                 QColor("#aab4c3"), "badge"))
        return boxes, dot

    def reason_text(self, reason: str) -> str:
        """The video engine's reasons (Qt-free, so English) in the operator's language."""
        return reason_text(reason)

    def _badge_texts(self, health: Health) -> list[str]:
        """The header's badge, longest first: the layout takes the longest that fits."""
        if health.state == "playing":
            fps = self.tr("%1 fps").replace("%1", f"{health.fps:.0f}")
            return [f"{fps} · {seconds(health.frame_age * 1000, 0)} ms", fps, ""]
        text = {
            "idle": self.tr("idle"),
            "connecting": self.tr("connecting"),
            "lost": self.tr("lost"),
            "error": self.tr("error"),
        }.get(health.state, health.state)
        return [text, ""]

    def _paint_state(self, painter: QPainter, health: Health) -> None:
        area = self.rect().adjusted(0, HEADER, 0, 0)
        if health.state == "lost":
            painter.fillRect(area, QColor(0, 0, 0, 185))  # the old picture stays, visibly dead
        for box in self.state_layout(health):
            box.paint(painter)

    def state_title(self, health: Health) -> tuple[str, QColor]:
        state = health.state
        if state == "lost":
            title = self.tr("SIGNAL LOST")
            if health.frame_age != float("inf"):
                title += "  " + _duration(health.frame_age)
            return title, STATE_COLOURS["lost"]
        if state == "error":
            return self.tr("ERROR"), STATE_COLOURS["error"]
        if state == "connecting":
            return self.tr("CONNECTING…"), STATE_COLOURS["connecting"]
        return self.tr("NO CAMERA"), STATE_COLOURS["idle"]

    def state_layout(self, health: Health) -> list[TextBox]:
        """The state title and its reason over the picture area, fitted to it.

        The title shrinks (down to a readable size) before it is elided; the reason wraps onto
        as many lines as there is room for, then is elided on the last one.
        """
        area = self.rect().adjusted(0, HEADER, 0, 0)
        title, colour = self.state_title(health)
        width = area.width() - 2 * STATE_PAD
        if width <= 0 or area.height() <= 0:
            return []
        font = fitted_font(title, sized(self.font(), max(12, min(28, area.height() // 7)), bold=True), width, TITLE_MIN_PX)
        title = elided(title, font, width)
        small = sized(self.font(), max(11, min(16, area.height() // 12)))
        details = reason_lines(health.reason) if health.reason else []
        if details and health.state == "error":
            details[0] = self.tr("error: %1").replace("%1", details[0])
        title_h = line_height(font)
        gap = 6
        room = area.height() - title_h - gap
        detail_lines: list[str] = []
        for detail in details:  # each part on its own lines, wrapped, while there is room
            more = self._wrapped(detail, small, width, room - line_height(small) * len(detail_lines))
            if not more:
                break
            detail_lines += more
        detail_h = line_height(small) * len(detail_lines)
        block = title_h + (gap + detail_h if detail_lines else 0)
        top = area.y() + max(0, (area.height() - block) // 2)
        boxes = []
        if title_h <= area.height():
            boxes.append(TextBox(title, font, QRect(area.x() + STATE_PAD, top, width, title_h),
                                 int(Qt.AlignmentFlag.AlignCenter), colour, "title"))
        y = top + title_h + gap
        for line in detail_lines:
            boxes.append(TextBox(line, small, QRect(area.x() + STATE_PAD, y, width, line_height(small)),
                                 int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), QColor("#c9d1dc"), "reason"))
            y += line_height(small)
        return boxes

    @staticmethod
    def _wrapped(text: str, font: QFont, width: int, height: int) -> list[str]:
        """`text` broken at spaces into lines of `width`, as many as `height` holds; the last
        line elided if the text goes on."""
        step = line_height(font)
        room = height // step if step > 0 else 0
        if room <= 0:
            return []
        # Chinese has no spaces: it may break between any two characters.
        words = text.split(" ") if " " in text else list(text)
        joiner = " " if " " in text else ""
        lines: list[str] = []
        current = ""
        for index, word in enumerate(words):
            trial = f"{current}{joiner}{word}" if current else word
            if text_width(trial, font) <= width or not current:
                current = trial
                continue
            lines.append(current)
            current = word
            if len(lines) == room:
                rest = joiner.join(words[index:])
                lines[-1] = f"{lines[-1]}{joiner}{rest}"
                return [elided(line, font, width) for line in lines]
        if current:
            lines.append(current)
        if len(lines) > room:
            lines = [*lines[: room - 1], joiner.join(lines[room - 1:])]
        return [elided(line, font, width) for line in lines]


def _duration(age: float) -> str:
    whole = max(0, int(age))
    return f"{whole // 60}:{whole % 60:02d}"
