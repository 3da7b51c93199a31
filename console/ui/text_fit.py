"""Text that fits its rectangle: elided with "…" or in a smaller font, never cut at the edges.

Painted labels (tile headers, state titles, the wall preview's tiles) are laid out as
`TextBox`es first and painted from them, so a test can check every label's text against its
rectangle for every grid and language without reading pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter

ELLIPSIS = "…"


@dataclass(frozen=True)
class TextBox:
    """One painted label: what is drawn, in which font, where, and how it is aligned."""

    text: str
    font: QFont
    rect: QRect
    flags: int
    colour: QColor
    role: str = ""  # what the label is ("header", "title", ...), for tests and debugging

    def needed(self) -> QRect:
        """The rectangle the text really covers when drawn with `flags` in `rect`."""
        return QFontMetrics(self.font).boundingRect(self.rect, self.flags, self.text)

    def fits(self) -> bool:
        if not self.text:
            return True
        needed, rect = self.needed(), self.rect
        return (needed.left() >= rect.left() and needed.right() <= rect.right()
                and needed.top() >= rect.top() and needed.bottom() <= rect.bottom())

    def paint(self, painter: QPainter) -> None:
        if self.text:
            painter.setFont(self.font)
            painter.setPen(self.colour)
            painter.drawText(self.rect, self.flags, self.text)


def sized(base: QFont, pixels: int, *, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPixelSize(max(1, pixels))
    font.setBold(bold)
    return font


_FAR = QRect(0, 0, 1 << 20, 1 << 16)
_SAMPLE = "Ag…中"  # a tall Latin letter, a descender, the ellipsis and a CJK character


def text_width(text: str, font: QFont) -> int:
    """The width `text` covers when drawn: what `TextBox.fits` measures.  (Whole-pixel advances
    round fractional glyph widths and come out a pixel short.)"""
    return QFontMetrics(font).boundingRect(_FAR, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), text).width()


def line_height(font: QFont) -> int:
    """The height one line of text covers when drawn (with the font's leading)."""
    return QFontMetrics(font).boundingRect(_FAR, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop), _SAMPLE).height()


def elided(text: str, font: QFont, width: int) -> str:
    """`text` shortened with "…" to `width` pixels; "" when not even "…" fits."""
    if text_width(text, font) <= width:
        return text
    if text_width(ELLIPSIS, font) > width:
        return ""
    metrics = QFontMetrics(font)
    room = width
    while room > 0:
        shortened = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        if shortened and text_width(shortened, font) <= width:
            return shortened
        room -= 1
    return ""


def fitted_font(text: str, font: QFont, width: int, minimum: int) -> QFont:
    """`font`, made smaller (down to `minimum` pixels) until `text` fits `width`."""
    pixels = font.pixelSize()
    candidate = QFont(font)
    while pixels > minimum and text_width(text, candidate) > width:
        pixels -= 1
        candidate.setPixelSize(pixels)
    return candidate


def seconds(value: float, decimals: int = 1) -> str:
    """A duration for display, never "-0.0": clocks on two machines (or two threads) can make a
    fresh age come out a hair below zero."""
    value = max(0.0, value)
    return f"{value:.{decimals}f}"
