"""The demo window: a grid of tiles showing the simulated site's cameras."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QGridLayout, QLabel, QMainWindow, QVBoxLayout, QWidget

from console.ui.theme import apply_dark_theme
from console.ui.tile import TileWidget
from console.video.player import Health, VideoEngine


def default_renderer() -> str:
    """Native windows on a real display; callbacks where there is none (offscreen)."""
    return "native" if QGuiApplication.platformName() in ("xcb", "windows", "cocoa") else "callbacks"


class GridWindow(QMainWindow):
    def __init__(self, engine: VideoEngine, cameras: list[tuple[int, str, str]], columns: int | None = None,
                 renderer: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("videowall — simulated site"))
        self.renderer = renderer or default_renderer()
        columns = columns or max(1, math.ceil(math.sqrt(len(cameras))))
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(4, 4, 4, 4)
        grid = QGridLayout()
        grid.setSpacing(3)
        outer.addLayout(grid, 1)
        self.status = QLabel()
        outer.addWidget(self.status)
        self.tiles: list[TileWidget] = []
        for index, (number, name, url) in enumerate(cameras):
            tile = TileWidget(engine, self.renderer, monitor=index + 1)
            grid.addWidget(tile, index // columns, index % columns)
            tile.play(url, number, name)
            tile.health_changed.connect(self._update_status)
            self.tiles.append(tile)
        self.setCentralWidget(central)
        self.resize(1280, 800)
        self._update_status()

    def _update_status(self, _health: Health | None = None) -> None:
        states = [t.health.state for t in self.tiles]
        playing = states.count("playing")
        lost = sum(1 for s in states if s in ("lost", "error"))
        self.status.setText(
            self.tr("%1 tiles · %2 live · %3 lost · renderer: %4")
            .replace("%1", str(len(states))).replace("%2", str(playing))
            .replace("%3", str(lost)).replace("%4", self.renderer)
        )

    def screenshot(self, path: str) -> None:
        """Save what a person would see, video included, for both renderers."""
        if self.renderer == "native":
            screen = self.screen() or QGuiApplication.primaryScreen()
            geometry = self.frameGeometry()
            image = screen.grabWindow(0, geometry.x(), geometry.y(), geometry.width(), geometry.height()).toImage()
        else:
            image = self.grab().toImage()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if not image.save(path):
            raise OSError(f"cannot write {path}")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        for tile in self.tiles:
            tile.close_player()
        super().closeEvent(event)


def schedule_screenshot(window: GridWindow, path: str, after: float, on_done: object) -> None:
    def shoot() -> None:
        window.screenshot(path)
        on_done()  # type: ignore[operator]

    QTimer.singleShot(int(after * 1000), shoot)


__all__ = ["GridWindow", "apply_dark_theme", "default_renderer", "schedule_screenshot"]
