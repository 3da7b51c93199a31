"""Run on a real X server by test_keypad_x11.py: a whole one-PC centre, driven by real X key events.

    python -m tests.support.keypad_desk LAYOUT CATALOG STATE_DIR

Starts the host, the wall windows and the console (the native renderer, as on a real desk),
then types on the numeric keypad with `xdotool` (XTEST: the events a keyboard makes, sent to
whichever window has the X input focus; nothing is aimed at a window).  Prints one JSON line:
where the focus was, what the host routed and what the wall's pixels show after each step.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QWidget

from console.matrix.layouts import load_layout
from console.ui.centre import LocalCentre, start_local_centre
from console.ui.demo import apply_dark_theme, default_renderer
from tests.support.pixels import camera_in


def wait(app: QApplication, condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    app.processEvents()
    return condition()


def wall_shows(app: QApplication, centre: LocalCentre, monitor: int) -> int | None:
    """The camera in the screen's pixels where `monitor` is (native video is only on the X screen)."""
    for agent in centre.agents:
        if agent.first_monitor <= monitor < agent.first_monitor + len(agent.tiles):
            tile = agent.tiles[monitor - agent.first_monitor]
            rect = tile.video_rect()
            origin = tile.mapToGlobal(QPoint(rect.x(), rect.y()))
            screen = app.primaryScreen()
            shot = screen.grabWindow(0, origin.x(), origin.y(), rect.width(), rect.height()).toImage()
            return camera_in(shot)
    return None


def name_of(widget: QWidget | None) -> str:
    if widget is None:
        return "none"
    return widget.objectName() or type(widget).__name__


def main() -> int:
    layout_path, catalog, state = (Path(a) for a in sys.argv[1:4])
    app = QApplication(sys.argv[:1])
    apply_dark_theme(app)
    centre = start_local_centre(load_layout(layout_path), catalog, state, role="supervisor",
                                renderer=default_renderer(), arrange="demo")
    console = centre.console
    report: dict[str, Any] = {"platform": app.platformName(), "renderer": centre.agents[0].renderer, "steps": []}
    try:
        # Nothing here gives the console the keyboard: it must take it itself (issue 12, item 3).
        report["console_active"] = wait(app, lambda: QApplication.activeWindow() is console, 10.0)
        report["focus_at_start"] = name_of(QApplication.focusWidget())

        def keys(*names: str) -> None:
            subprocess.run(["xdotool", "key", "--delay", "30", *names], check=True, timeout=20)

        def step(label: str, focus: QWidget | None, typed: list[str], monitor: int, camera: int) -> None:
            if focus is not None:
                focus.setFocus()
                wait(app, focus.hasFocus, 3.0)
            focused = name_of(QApplication.focusWidget())
            keys(*typed)
            routed = wait(app, lambda: centre.host.state.routes.get(monitor) == camera, 8.0)
            seen = wait(app, lambda: wall_shows(app, centre, monitor) == camera, 10.0)
            report["steps"].append({"label": label, "focus": focused, "keys": typed, "monitor": monitor,
                                    "camera": camera, "routed": routed, "route": centre.host.state.routes.get(monitor),
                                    "on_screen": seen, "seen": wall_shows(app, centre, monitor),
                                    "display": console.keyboard.reply_display.text()})

        step("as started", None, ["KP_1", "KP_Multiply", "KP_2", "KP_Enter"], 1, 2)
        step("camera tree", console.browser.tree, ["KP_3", "KP_Multiply", "KP_4", "KP_Enter"], 3, 4)
        step("keyboard panel", console.keyboard, ["KP_5", "KP_Multiply", "KP_6", "KP_Enter"], 5, 6)

        # A text field keeps the keypad: "7 Enter" in the search box searches, it routes nothing.
        before = dict(centre.host.state.routes)
        console.preview.setFocus()
        wait(app, console.preview.hasFocus, 3.0)
        keys("ctrl+f")
        report["ctrl_f_focus"] = wait(app, console.browser.search_box.hasFocus, 3.0)
        keys("KP_7", "KP_Enter")
        wait(app, lambda: console.browser.search_box.text() == "7", 3.0)
        report["search_text"] = console.browser.search_box.text()
        report["routes_unchanged_by_search"] = dict(centre.host.state.routes) == before
    finally:
        print(json.dumps(report, ensure_ascii=False), flush=True)
        centre.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
