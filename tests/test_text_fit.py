"""Nothing is clipped: every painted label's text against its rectangle, for every grid up to 36
on a 1920×1080 screen, in English and in Chinese; no negative zero; readable contrast.

The tile and the wall preview lay their labels out as `TextBox`es and paint exactly those, so
checking the boxes checks what is on the screen.  The keyboard's keys are real push buttons:
their label must fit the rectangle the style draws it in, at the smallest size the panel's
layout allows.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QRect, QTranslator
from PySide6.QtGui import QColor, QFontMetrics, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QGridLayout, QStyle, QStyleOptionButton, QWidget

from console.matrix.model import STANDARD_GRIDS, grid
from console.ui.i18n import install_translator
from console.ui.keyboard_panel import DIMMED_KEY, DIMMED_TEXT, LCD_BACKGROUND, LCD_TEXT, KeyboardPanel
from console.ui.text_fit import TextBox, seconds, text_width
from console.ui.theme import STATE_COLOURS, apply_dark_theme, contrast
from console.ui.tile import TileWidget
from console.ui.wall_preview import NUMBER, TEXT, TEXT_DIM, TILE, WallPreview
from console.video.player import Health, VideoEngine

SCREEN = (1920, 1080)
SPACING = 2  # the wall agent's grid spacing (console/ui/agent.py)
LONG_NAME = "紫阳街农贸市场东门停车场入口 Ziyang Street farmers' market east gate car park entrance"
INF = float("inf")
HEALTHS = {
    "playing": Health("playing", "", 1.234, 25.0, 2_000_000, 1920, 1080, 999),
    "lost": Health("lost", "stream ended", 754.0, 0.0, 0, 1920, 1080, 999),
    "error": Health("error", "401 unauthorized (wrong user or password)", INF, 0.0, 0, 0, 0, 0),
    "refused": Health("error", "connection refused (wrong host or port?)", INF, 0.0, 0, 0, 0, 0),
    "connecting": Health("connecting", "timed out", INF, 0.0, 0, 0, 0, 0),
    "idle": Health("idle", "", INF, 0.0, 0, 0, 0, 0),
}


@pytest.fixture(params=["en", "zh_CN"])
def language(request, qapp: QApplication) -> Iterator[str]:  # type: ignore[no-untyped-def]
    apply_dark_theme(qapp)
    translator: QTranslator | None = None
    if request.param != "en":
        translator = install_translator(qapp, request.param)
        assert translator is not None
    yield request.param
    if translator is not None:
        qapp.removeTranslator(translator)


def cell_sizes(grid_name: str, size: tuple[int, int] = SCREEN) -> set[tuple[int, int]]:
    """The tile sizes a wall agent's grid layout gives on a full screen of `size`."""
    window = QWidget()
    layout = QGridLayout(window)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(SPACING)
    cells = []
    g = grid(grid_name)
    for cell in g.cells:
        widget = QWidget(window)
        widget.setMinimumSize(1, 1)
        layout.addWidget(widget, cell.row, cell.column, cell.row_span, cell.column_span)
        cells.append(widget)
    window.resize(*size)
    layout.activate()
    layout.setGeometry(QRect(0, 0, *size))
    sizes = {(w.width(), w.height()) for w in cells}
    window.deleteLater()
    return sizes


def unfit(boxes: list[TextBox], within: QRect) -> list[str]:
    """The boxes whose text spills out of their rectangle, or whose rectangle leaves `within`."""
    bad = []
    for box in boxes:
        if not box.fits():
            bad.append(f"{box.role} {box.text!r}: needs {box.needed()} in {box.rect}")
        elif box.text and not within.contains(box.needed()):
            bad.append(f"{box.role} {box.text!r}: at {box.needed()} outside {within}")
    return bad


@pytest.fixture(scope="module")
def video() -> Iterator[VideoEngine]:
    engine = VideoEngine()
    yield engine
    engine.close()


def test_cell_sizes_are_the_agents(qapp: QApplication) -> None:
    assert cell_sizes("36") == {(318, 178)} or max(w for w, _ in cell_sizes("36")) <= 320
    assert cell_sizes("1") == {SCREEN}


def test_wall_tiles_fit_every_grid_in_both_languages(qtbot, language: str, video: VideoEngine) -> None:  # type: ignore[no-untyped-def]
    tile = TileWidget(video, "callbacks", monitor=288)  # 8 screens of 36: the highest monitor number
    qtbot.addWidget(tile)
    tile.camera_number, tile.camera_name = 123456, LONG_NAME
    problems = []
    sizes = sorted({size for name in STANDARD_GRIDS for size in cell_sizes(name)})
    try:
        for width, height in sizes:
            tile.resize(width, height)
            for kind, health in HEALTHS.items():
                header, dot = tile.header_layout(health)
                problems += [f"{width}×{height} {kind} {p}" for p in unfit(header, tile.rect())]
                assert tile.rect().contains(dot)
                # The numbers an operator reads first are whole at every wall grid.
                assert header[0].text.startswith(tile.tr("MON %1").replace("%1", "288") + "  123456"), header[0].text
                if health.state != "playing":
                    state = tile.state_layout(health)
                    problems += [f"{width}×{height} {kind} {p}" for p in unfit(state, tile.rect())]
                    title, _colour = tile.state_title(health)
                    shown = [b.text for b in state if b.role == "title"]
                    assert shown == [title], f"{width}×{height}: {shown} instead of {title!r}"  # not elided
                    if health.reason:
                        assert any(b.role == "reason" for b in state), f"{width}×{height} {kind}: no reason shown"
        # Smaller than any wall tile (the demo's small windows): elided or left out, never cut;
        # the numbers stay whole while they fit at all (the camera's name goes first).
        essential = tile.tr("MON %1").replace("%1", "288") + "  123456"
        for width, height in ((96, 72), (108, 62), (140, 90), (200, 120)):
            tile.resize(width, height)
            for kind, health in HEALTHS.items():
                header, _dot = tile.header_layout(health)
                boxes = header + tile.state_layout(health)
                problems += [f"{width}×{height} {kind} {p}" for p in unfit(boxes, tile.rect())]
                if text_width(essential, header[0].font) <= header[0].rect.width():
                    assert header[0].text.startswith(essential), (width, header[0].text)
    finally:
        tile.close_player()
    assert not problems, "\n".join(problems[:20])


def preview_snapshot(grid_name: str, screens: int = 4) -> dict[str, Any]:
    names = [f"屏幕 A{i + 1} Screen" for i in range(screens)]
    monitors = screens * grid(grid_name).size
    routes = {str(m): 100000 + m for m in range(1, monitors + 1) if m % 7}
    now = time.time()
    states = ["playing", "lost", "error", "connecting"]
    tiles = {str(m): {"state": states[m % 4], "frame_age": (-0.0004 if m % 4 == 0 else 75.0), "fps": 25.0,
                      "camera": 100000 + m, "reason": ""} for m in range(1, monitors + 1)}
    return {"seq": 1, "wall": {"name": "wall", "screens": [{"name": n, "grid": grid_name, "position": [i // 2, i % 2]}
                                                              for i, n in enumerate(names)]},
            "routes": routes, "cameras": {c: {"name": LONG_NAME} for c in map(str, routes.values())},
            "tours_running": {str(m): {"tour": "12", "held": m % 2 == 0} for m in range(1, monitors + 1, 3)},
            "health": {"agent": {"at": now, "tiles": tiles}}}


@pytest.mark.parametrize("size", [(1120, 600), (960, 280), (600, 200)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_wall_preview_labels_fit_every_grid_in_both_languages(qtbot, language: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    preview = WallPreview()
    qtbot.addWidget(preview)
    preview.resize(*size)
    preview.show()
    problems = []
    for grid_name in STANDARD_GRIDS:
        preview.load_snapshot(preview_snapshot(grid_name))
        wall = preview.wall
        assert wall is not None
        for monitor in range(1, wall.monitors + 1):
            rect = preview.tile_rect(monitor)
            boxes = preview.tile_layout(monitor)
            problems += [f"grid {grid_name} MON {monitor} {p}" for p in unfit(boxes, rect)]
            assert all("-0" not in b.text for b in boxes), [b.text for b in boxes]
        for screen, geometry in zip(wall.screens, preview._screens, strict=True):
            problems += [f"grid {grid_name} {screen.name} {p}"
                         for p in unfit(preview.screen_label_layout(screen, geometry.label), geometry.label)]
    assert not problems, "\n".join(problems[:20])
    if size[1] >= 280:  # at the console's sizes, a 4-grid tile shows its number and camera
        preview.load_snapshot(preview_snapshot("4"))
        roles = {b.role for b in preview.tile_layout(1)}
        assert {"number", "camera"} <= roles, roles


def test_keyboard_keys_keep_their_labels_whole_at_the_smallest_panel(qtbot, language: str) -> None:  # type: ignore[no-untyped-def]
    panel = KeyboardPanel()
    qtbot.addWidget(panel)
    panel.resize(panel.minimumSizeHint())
    panel.show()
    qtbot.waitExposed(panel)
    cut = []
    for name, button in {**panel.buttons, **panel.ptz_buttons}.items():
        option = QStyleOptionButton()
        button.initStyleOption(option)
        contents = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
        needed = QFontMetrics(button.font()).horizontalAdvance(button.text())
        if needed > contents.width():
            cut.append(f"{name} {button.text()!r}: {needed} px in {contents.width()} px")
    assert not cut, cut
    assert panel.ptz_buttons["IRIS_CLOSE"].text() != "CLOSE" or language == "en"  # the Chinese labels were loaded


def test_no_negative_zero(qtbot, video: VideoEngine) -> None:  # type: ignore[no-untyped-def]
    assert seconds(-0.0004) == "0.0" and seconds(-3.0, 0) == "0" and seconds(2.25) == "2.2"
    tile = TileWidget(video, "callbacks", monitor=1)
    qtbot.addWidget(tile)
    try:
        tile.resize(400, 300)
        fresh = Health("playing", "", -0.0004, 25.0, 0, 320, 240, 10)
        header, _dot = tile.header_layout(fresh)
        assert all("-0" not in box.text for box in header), [b.text for b in header]
    finally:
        tile.close_player()


def test_contrast_reads(qapp: QApplication) -> None:
    apply_dark_theme(qapp)
    palette = QGuiApplication.palette()
    roles = QPalette.ColorRole
    pairs = {
        "text": (palette.color(roles.Text), palette.color(roles.Base), 7.0),
        "window text": (palette.color(roles.WindowText), palette.color(roles.Window), 7.0),
        "button text": (palette.color(roles.ButtonText), palette.color(roles.Button), 7.0),
        "hint in an empty field": (palette.color(roles.PlaceholderText), palette.color(roles.Base), 4.5),
        "tooltip": (palette.color(roles.ToolTipText), palette.color(roles.ToolTipBase), 7.0),
        "greyed text": (palette.color(QPalette.ColorGroup.Disabled, roles.ButtonText), palette.color(roles.Button), 3.0),
        "greyed key": (DIMMED_TEXT, DIMMED_KEY, 3.0),
        "keyboard display": (LCD_TEXT, LCD_BACKGROUND, 7.0),
        "preview text": (TEXT, TILE, 7.0),
        "preview dim text": (TEXT_DIM, TILE, 4.5),
        "preview number": (NUMBER, TILE, 7.0),
        **{f"state {name}": (colour, TILE, 3.0) for name, colour in STATE_COLOURS.items()},
        # A lost tile's reason over its dimmed picture: white picture dimmed by 185/255 black.
        "reason over a dimmed white picture": (QColor("#c9d1dc"), QColor(70, 70, 70), 4.5),
    }
    low = {name: round(contrast(fg, bg), 2) for name, (fg, bg, need) in pairs.items() if contrast(fg, bg) < need}
    assert not low, low
    assert contrast(QColor("black"), QColor("black")) == pytest.approx(1.0)
    assert contrast(QColor("white"), QColor("black")) == pytest.approx(21.0)
    QCoreApplication.processEvents()
