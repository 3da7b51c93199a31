"""Run under Xvfb by test_native.py: a native-renderer tile, read back from the X screen.

Prints one JSON line: for each URL given, the camera number read from the screen's pixels.
"""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication

from console.ui.tile import TileWidget
from console.video.player import VideoEngine
from tests.support.pixels import camera_in


def wait(app: QApplication, condition, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return False


def main() -> int:
    app = QApplication(sys.argv[:1])
    engine = VideoEngine()
    tile = TileWidget(engine, "native", monitor=1)
    tile.setGeometry(40, 40, 480, 400)
    tile.show()
    results = []

    def on_screen() -> int | None:
        rect = tile.video_rect()
        origin = tile.mapToGlobal(QPoint(rect.x(), rect.y()))
        shot = app.primaryScreen().grabWindow(0, origin.x(), origin.y(), rect.width(), rect.height()).toImage()
        return camera_in(shot)

    for url in sys.argv[1:]:
        number = int(url.rsplit("/", 1)[1])
        tile.play(url, number, f"camera {number}")
        ok = wait(app, lambda n=number: tile.health.state == "playing" and on_screen() == n, 8.0)
        results.append({"expected": number, "seen": on_screen(), "state": tile.health.state, "ok": ok})
    print(json.dumps({"platform": app.platformName(), "results": results}), flush=True)
    tile.close_player()
    engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
