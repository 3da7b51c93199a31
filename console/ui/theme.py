"""The dark control-room theme: low glare, high contrast for text and state colours."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

# Tile states, the same on the wall and on the desk's preview: green live, amber connecting,
# red lost or failed, grey idle.
STATE_COLOURS = {
    "playing": QColor("#3ccf6e"),
    "connecting": QColor("#e0a526"),
    "lost": QColor("#e5484d"),
    "error": QColor("#e5484d"),
    "idle": QColor("#5b6472"),
}


def apply_dark_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#12161c",
        QPalette.ColorRole.WindowText: "#d8dee9",
        QPalette.ColorRole.Base: "#0b0e12",
        QPalette.ColorRole.AlternateBase: "#161b22",
        QPalette.ColorRole.Text: "#d8dee9",
        QPalette.ColorRole.Button: "#1b2129",
        QPalette.ColorRole.ButtonText: "#d8dee9",
        QPalette.ColorRole.Highlight: "#2f6fd6",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#1b2129",
        QPalette.ColorRole.ToolTipText: "#d8dee9",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
