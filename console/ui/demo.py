"""Choosing the renderer for the display at hand (the demo's grid window became the console)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from console.ui.theme import apply_dark_theme


def default_renderer() -> str:
    """Native windows on a real display; callbacks where there is none (offscreen)."""
    return "native" if QGuiApplication.platformName() in ("xcb", "windows", "cocoa") else "callbacks"


__all__ = ["apply_dark_theme", "default_renderer"]
