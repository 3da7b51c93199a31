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
        # Qt derives the hint in an empty field from the light palette it started with: dark
        # grey on the near-black fields, unreadable.  Set it, dimmer than text but readable.
        QPalette.ColorRole.PlaceholderText: "#8b95a5",
        QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Link: "#6ea8ff",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    # Greyed-out controls stay legible (WCAG's 3:1 for inactive parts), just clearly dimmer.
    disabled = QPalette.ColorGroup.Disabled
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(disabled, role, QColor("#737c89"))
    app.setPalette(palette)


def contrast(foreground: QColor, background: QColor) -> float:
    """WCAG 2 contrast ratio of two colours (1 to 21); 4.5 reads as body text, 3 as large text."""

    def luminance(colour: QColor) -> float:
        def channel(value: float) -> float:
            return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())

    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
