"""A wall tile: live video, a camera label, a health badge, and unmistakable loss states.

The rule of this widget: a picture that is not live never looks live.  When frames stop, the
last picture is dimmed under "SIGNAL LOST" with the time since; on an error the picture goes
and the reason is shown.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

from console.ui.theme import STATE_COLOURS
from console.video.player import Health, VideoEngine
from console.video.qt import QtTilePlayer

HEADER = 22


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
        self._frame_serial = -1
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setMinimumSize(96, 72)
        self._video: QWidget | None = None
        window_id = None
        if renderer == "native":
            # libvlc draws into this child's own X window; Qt never paints it.
            self._video = QWidget(self)
            self._video.setAttribute(Qt.WidgetAttribute.WA_NativeWindow)
            self._video.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors)
            self._video.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
            self._video.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
            self._video.setAutoFillBackground(False)
            self._video.hide()
            window_id = int(self._video.winId())
        self.source = QtTilePlayer(engine, renderer, window_id, parent=self)
        self.source.frame_ready.connect(self._on_frame)
        self.source.health_changed.connect(self._on_health)
        self.source.first_frame.connect(self.first_frame)

    # -- control ------------------------------------------------------------------------
    def play(self, url: str, number: int | None = None, name: str = "") -> None:
        self.camera_number, self.camera_name = number, name
        self._image = None
        self.source.play(url)
        self.update()

    def clear(self) -> None:
        self.camera_number, self.camera_name = None, ""
        self._image = None
        self.source.stop()
        self.update()

    def close_player(self) -> None:
        self.source.close()

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
        self._image = QImage(frame.buffer, frame.width, frame.height, frame.stride, QImage.Format.Format_RGB32)

    def _on_frame(self) -> None:
        self.update(self.video_rect())

    def _on_health(self, health: Health) -> None:
        if self._video is not None:
            live = health.state == "playing"
            if live != self._video.isVisible():
                self._video.setVisible(live)
        self.health_changed.emit(health)
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt's name)
        if self._video is not None:
            self._video.setGeometry(self.rect().adjusted(0, HEADER, 0, 0))
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(event.rect(), QColor("#07090c"))
        health = self.source.health
        state = health.state
        video = self.video_rect()
        if self.source.renderer == "callbacks" and state in ("playing", "lost"):
            self._refresh_image()
            if self._image is not None:
                # Smooth scaling keeps burned-in text legible at tile size; it is cheap at SD.
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
                painter.drawImage(QRectF(video), self._image)
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
        font = QFont(self.font())
        font.setPixelSize(13)
        painter.setFont(font)
        label = ""
        if self.monitor is not None:
            label = self.tr("MON %1").replace("%1", str(self.monitor)) + "  "
        if self.camera_number is not None:
            label += f"{self.camera_number}  {self.camera_name}"
        painter.setPen(QColor("#d8dee9"))
        badge = self._badge_text(health)
        metrics = painter.fontMetrics()
        badge_w = metrics.horizontalAdvance(badge) + 22
        text_rect = bar.adjusted(6, 0, -badge_w - 6, 0)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(label, Qt.TextElideMode.ElideRight, text_rect.width()))
        dot = QRect(self.width() - badge_w, (HEADER - 10) // 2, 10, 10)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(STATE_COLOURS.get(health.state, STATE_COLOURS["idle"]))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(dot)
        painter.setPen(QColor("#aab4c3"))
        left_middle = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        painter.drawText(bar.adjusted(dot.right() + 6, 0, -4, 0), left_middle, badge)

    def reason_text(self, reason: str) -> str:
        """The video engine's reasons (Qt-free, so English) in the operator's language."""
        known = {
            "no video stream": self.tr("no video stream"),
            "401 unauthorized (wrong user or password)": self.tr("401 unauthorized (wrong user or password)"),
            "404 not found (wrong path?)": self.tr("404 not found (wrong path?)"),
            "403 forbidden": self.tr("403 forbidden"),
            "connection refused (wrong host or port?)": self.tr("connection refused (wrong host or port?)"),
            "timed out": self.tr("timed out"),
            "invalid data (not a video stream?)": self.tr("invalid data (not a video stream?)"),
            "stream ended": self.tr("stream ended"),
            "no picture after 10 s": self.tr("no picture after 10 s"),
            "libvlc cannot play this source": self.tr("libvlc cannot play this source"),
            "decoder shows no new pictures": self.tr("decoder shows no new pictures"),
            "no picture": self.tr("no picture"),
        }
        return known.get(reason, reason)

    def _badge_text(self, health: Health) -> str:
        if health.state == "playing":
            return self.tr("%1 fps").replace("%1", f"{health.fps:.0f}") + f" · {health.frame_age * 1000:.0f} ms"
        return {
            "idle": self.tr("idle"),
            "connecting": self.tr("connecting"),
            "lost": self.tr("lost"),
            "error": self.tr("error"),
        }.get(health.state, health.state)

    def _paint_state(self, painter: QPainter, health: Health) -> None:
        area = self.rect().adjusted(0, HEADER, 0, 0)
        state = health.state
        if state == "lost":
            painter.fillRect(area, QColor(0, 0, 0, 185))  # the old picture stays, visibly dead
            title = self.tr("SIGNAL LOST")
            if health.frame_age != float("inf"):
                title += "  " + _duration(health.frame_age)
            colour = STATE_COLOURS["lost"]
        elif state == "error":
            title = self.tr("ERROR")
            colour = STATE_COLOURS["error"]
        elif state == "connecting":
            title = self.tr("CONNECTING…")
            colour = STATE_COLOURS["connecting"]
        else:
            title = self.tr("NO CAMERA")
            colour = STATE_COLOURS["idle"]
        font = QFont(self.font())
        font.setPixelSize(max(12, min(28, area.height() // 7)))
        font.setBold(True)
        small = QFont(self.font())
        small.setPixelSize(max(11, min(16, area.height() // 12)))
        detail = ""
        if health.reason:
            reason = self.reason_text(health.reason)
            detail = reason if state != "error" else self.tr("error: %1").replace("%1", reason)
        title_h = QFontMetrics(font).height()
        gap = 6
        width = area.width() - 16
        detail_h = 0
        if detail:
            bounds = QFontMetrics(small).boundingRect(QRect(0, 0, width, area.height()),
                                                      Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignHCenter, detail)
            detail_h = bounds.height()
        # Title and reason as one block, centred: neither ever covers the other.
        top = area.y() + max(0, (area.height() - title_h - (gap + detail_h if detail else 0)) // 2)
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(QRect(area.x() + 8, top, width, title_h), Qt.AlignmentFlag.AlignCenter, title)
        if detail:
            painter.setFont(small)
            painter.setPen(QColor("#c9d1dc"))
            painter.drawText(QRect(area.x() + 8, top + title_h + gap, width, detail_h),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap, detail)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"
