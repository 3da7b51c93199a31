"""Qt signals for a tile player: new frames and health, delivered on the GUI thread."""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal

from console.video.player import Frame, Health, TilePlayer, VideoEngine


class QtTilePlayer(QObject):
    """Owns a `TilePlayer`; `frame_ready` fires on the GUI thread at most once per paint."""

    frame_ready = Signal()
    health_changed = Signal(object)  # Health
    first_frame = Signal(float)  # seconds from play() to the first displayed frame

    def __init__(self, engine: VideoEngine, renderer: str = "callbacks", window_id: int | None = None,
                 parent: QObject | None = None, health_interval_ms: int = 200) -> None:
        super().__init__(parent)
        self.player: TilePlayer = engine.player(renderer, window_id)
        self._pending = threading.Event()
        self.health: Health = self.player.health()
        if renderer == "callbacks":
            self.player.buffers.on_frame = self._on_frame_thread
        self._first_emitted_for: float | None = None
        # Queued across threads: the first frame is reported promptly, on the GUI thread.
        self.frame_ready.connect(self._on_frame_ready)
        self._timer = QTimer(self)
        self._timer.setInterval(health_interval_ms)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    @property
    def renderer(self) -> str:
        return self.player.renderer

    @property
    def url(self) -> str | None:
        return self.player.url

    def play(self, url: str) -> None:
        self.player.play(url)
        self._poll()

    def stop(self) -> None:
        self.player.stop()
        self._poll()

    def take_frame(self) -> Frame | None:
        self._pending.clear()
        return self.player.take_frame()

    def snapshot(self, path: str) -> tuple[int, int]:
        return self.player.snapshot(path)

    def close(self) -> None:
        self._timer.stop()
        self.player.buffers.on_frame = None
        self.player.close()

    def _on_frame_thread(self) -> None:
        # Called on libvlc's thread: coalesce, so a busy GUI gets one event, not a backlog.
        if not self._pending.is_set():
            self._pending.set()
            self.frame_ready.emit()

    def _on_frame_ready(self) -> None:
        if self._first_emitted_for != self.player.switched_at:
            self._poll()

    def _poll(self) -> None:
        health = self.player.health(time.monotonic())
        first = self.player.first_frame_at
        switched = self.player.switched_at
        if first is not None and switched is not None and self._first_emitted_for != switched:
            self._first_emitted_for = switched
            self.first_frame.emit(first - switched)
        if health != self.health:
            self.health = health
            self.health_changed.emit(health)
