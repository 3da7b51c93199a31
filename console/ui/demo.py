"""Choosing the renderer for the display at hand (the demo's grid window became the console)."""

from __future__ import annotations

import logging

from PySide6.QtGui import QGuiApplication

from console.ui.theme import apply_dark_theme
from console.video import vlc_modules

log = logging.getLogger("videowall.ui")


def default_renderer() -> str:
    """Native windows on a real display; callbacks where there is none (offscreen), or where
    libvlc lacks its native video outputs (the callbacks renderer needs only vlc-plugin-base)."""
    if QGuiApplication.platformName() not in ("xcb", "windows", "cocoa"):
        return "callbacks"
    lacking = vlc_modules.missing("native")
    if lacking:
        log.warning("%s; tiles use the callbacks renderer meanwhile", vlc_modules.report(lacking, vlc_modules.plugin_dir()))
        return "callbacks"
    return "native"


__all__ = ["apply_dark_theme", "default_renderer"]
