"""Which simulated camera is in a picture: read its code strip and check its colour field."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage

from console.sim.identity import camera_colour, colour_distance, decode_number, field_sample_point


def camera_in(image: QImage, rect: QRect | None = None) -> int | None:
    """The camera number whose strip and colour are both in `rect` of `image`, else None."""
    rect = rect or image.rect()
    if rect.width() < 32 or rect.height() < 24:
        return None

    def pixel(x: int, y: int) -> tuple[int, int, int]:
        c = QColor(image.pixel(rect.x() + x, rect.y() + y))
        return c.red(), c.green(), c.blue()

    number = decode_number(pixel, rect.width(), rect.height())
    fx, fy = field_sample_point(rect.width(), rect.height())
    if colour_distance(pixel(fx, fy), camera_colour(number)) > 45:
        return None  # the strip read a number whose colour is not there: not a camera picture
    return number
