from __future__ import annotations

import itertools

from PySide6.QtGui import QImage

from console.sim.identity import camera_colour, code_bits, colour_distance, strip_png
from tests.support.pixels import camera_in


def test_strip_png_round_trips_through_qt() -> None:
    for number in (1, 2, 255, 1042, 50000):
        image = QImage.fromData(strip_png(number, 320, 40))
        assert (image.width(), image.height()) == (320, 40)
        bits = [1 if image.pixelColor(int((i + 0.5) * 320 / 16), 20).red() > 128 else 0 for i in range(16)]
        assert bits == code_bits(number)


def test_neighbouring_cameras_have_distinct_colours() -> None:
    for first in (1, 7, 1001):
        colours = [camera_colour(n) for n in range(first, first + 16)]
        closest = min(colour_distance(a, b) for a, b in itertools.combinations(colours, 2))
        assert closest > 2 * 45  # twice camera_in()'s tolerance: colour alone tells them apart


def test_a_plain_picture_is_no_camera() -> None:
    image = QImage(320, 240, QImage.Format.Format_RGB32)
    image.fill(0x202020)
    assert camera_in(image) is None
