"""Recordings on wall tiles, as the matrix host decided (`PlayRecording`, `ControlPlayback`).

The host publishes, with every numbered update and snapshot, the monitors that play recordings:
``{monitor: {camera, moment, at, speed, paused}}``.  The tile shows the recorded moment
``moment + (now - at) * speed`` (``moment`` while paused), so every agent of a synchronised group
computes the same time from its own clock, and a restarted host or agent comes back to the same
place.  On such a tile the live player is closed and a `PlaybackTile` covers it, saying PLAYBACK
with the frame's recorded time; its recording is read from the recorder with a token the agent
asks the host for (right `wall-playback`), decoded by the playback engine in this process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from console.matrix.host import playback_position
from console.recorder.source import RecordingSource
from console.ui.playback import PAINT_EVERY_MS, HostTokens, PlaybackTile, RefusedError, desk_source
from console.video.playback import Shown

log = logging.getLogger("videowall.agent")
TOKEN_EVERY_MS = 60_000


@dataclass
class _Recorded:
    monitor: int
    camera: int
    entry: dict[str, Any]
    view: PlaybackTile
    playback: Any = None  # CameraPlayback, once a source is had
    source: RecordingSource | None = None
    tokens: HostTokens | None = None
    error: str = ""


class WallPlayback(QObject):
    """The agent's recorded tiles.  `tile_of(monitor)` is the live tile a recording covers;
    `command(c)` asks the host (the agent's client, on this thread)."""

    def __init__(self, tile_of: Callable[[int], QWidget | None], command: Callable[[Any], dict[str, Any]],
                 title_of: Callable[[int], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tile_of = tile_of
        self.command = command
        self.title_of = title_of
        self.recorded: dict[int, _Recorded] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(PAINT_EVERY_MS)
        self._timer.timeout.connect(self.paint)
        self._tokens = QTimer(self)
        self._tokens.setInterval(TOKEN_EVERY_MS)
        self._tokens.timeout.connect(self._refresh_tokens)

    def monitors(self) -> set[int]:
        return set(self.recorded)

    def follow(self, playbacks: dict[str, Any] | None, shown: Callable[[int], bool]) -> None:
        """The host's playbacks now; `shown(monitor)` says whether this screen has that tile."""
        if playbacks is None:
            return
        wanted = {int(m): dict(p) for m, p in playbacks.items() if shown(int(m))}
        for monitor in list(self.recorded):
            entry = wanted.get(monitor)
            if entry is None or int(entry["camera"]) != self.recorded[monitor].camera:
                self.end(monitor)
        for monitor, entry in wanted.items():
            known = self.recorded.get(monitor)
            if known is None:
                self._start(monitor, entry)
            else:
                known.entry = entry
                if known.playback is not None:
                    known.playback.set_playing(not entry.get("paused"), float(entry.get("speed", 1.0)))
        if self.recorded:
            self._timer.start()
            self._tokens.start()
        else:
            self._timer.stop()
            self._tokens.stop()

    def _start(self, monitor: int, entry: dict[str, Any]) -> None:
        from console.video.playback import CameraPlayback

        tile = self.tile_of(monitor)
        if tile is None:
            return
        camera = int(entry["camera"])
        view = PlaybackTile(camera, self.title_of(camera), parent=tile)
        view.setGeometry(tile.rect())
        view.show()
        view.raise_()
        tile.installEventFilter(self)
        recorded = self.recorded[monitor] = _Recorded(monitor, camera, entry, view)
        try:
            recorded.source, recorded.tokens = desk_source(self.command, [camera], "wall-playback")
        except RefusedError as exc:
            recorded.error = str(exc)[3:] if str(exc).startswith("NA ") else str(exc)
        except OSError as exc:
            recorded.error = str(exc)
        else:
            recorded.playback = CameraPlayback(recorded.source, camera)
            recorded.playback.set_playing(not entry.get("paused"), float(entry.get("speed", 1.0)))
        if recorded.error:
            log.warning("monitor %d: camera %d's recording cannot be played: %s", monitor, camera, recorded.error)
        self.paint()

    def end(self, monitor: int) -> None:
        recorded = self.recorded.pop(monitor, None)
        if recorded is None:
            return
        recorded.view.hide()
        recorded.view.deleteLater()
        if recorded.playback is not None:
            recorded.playback.close()
        if recorded.source is not None:
            recorded.source.close()

    def position(self, monitor: int, now: float | None = None) -> float | None:
        recorded = self.recorded.get(monitor)
        return None if recorded is None else playback_position(recorded.entry, time.time() if now is None else now)

    def paint(self) -> None:
        now = time.time()
        for recorded in self.recorded.values():
            moment = playback_position(recorded.entry, now)
            if recorded.playback is None:
                recorded.view.show_state(Shown(recorded.camera, moment, None, False), error_text=recorded.error)
                continue
            shown = recorded.playback.frame_at(moment)
            gap = shown.gap.reason if shown.gap is not None and shown.frame is None else ""
            recorded.view.show_state(shown, gap_text=gap and self.tr("No recording here: %1").replace("%1", gap),
                                     error_text=shown.error)

    def _refresh_tokens(self) -> None:
        for recorded in self.recorded.values():
            if recorded.tokens is not None:
                recorded.tokens.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            for recorded in self.recorded.values():
                if recorded.view.parent() is watched:
                    recorded.view.setGeometry(watched.rect())
        return False

    def shutdown(self) -> None:
        self._timer.stop()
        self._tokens.stop()
        for monitor in list(self.recorded):
            self.end(monitor)
