"""The visual identity of a simulated camera: a colour field and a binary code strip.

Both are chosen so that a test (or a person) can tell from pixels alone which camera a tile
shows, after H.264, scaling and colour conversion: the code strip survives any scaling, the
colour is a quick check.  This module is pure Python with no third-party import because the
RTSP server runs it under Debian's system Python (GStreamer bindings live there).
"""

from __future__ import annotations

import colorsys
import struct
import zlib
from collections.abc import Callable

CODE_BITS = 16
"""Cells in the code strip: camera numbers up to 65535."""

STRIP_FRACTION = 6
"""The strip is the bottom 1/STRIP_FRACTION of the frame."""

# Six hues in three (saturation, value) bands: 18 colours at least ~95 apart in RGB, so any
# 16 consecutive cameras (a 4x4 demo wall) are told apart by colour alone.  Numbers 18 apart
# share a colour; the code strip is the identity, the colour a quick second check.
_BANDS = ((0.95, 0.95), (0.90, 0.60), (0.50, 0.90))


def camera_colour(number: int) -> tuple[int, int, int]:
    index = (number - 1) % 18
    band = index // 6
    hue = (index % 6) / 6 + band * 0.08
    saturation, value = _BANDS[band]
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, saturation, value)
    return round(r * 255), round(g * 255), round(b * 255)


def code_bits(number: int) -> list[int]:
    """The camera number, most significant bit first, one entry per strip cell."""
    if not 0 <= number < 2**CODE_BITS:
        raise ValueError(f"camera number {number} does not fit {CODE_BITS} bits")
    return [(number >> (CODE_BITS - 1 - i)) & 1 for i in range(CODE_BITS)]


def strip_height(frame_height: int) -> int:
    return max(8, frame_height // STRIP_FRACTION)


def strip_png(number: int, width: int, height: int) -> bytes:
    """PNG of the code strip: CODE_BITS cells, white for 1 and black for 0."""
    bits = code_bits(number)
    rows = []
    for _ in range(height):
        row = bytearray(b"\x00")  # filter type "none" for this scanline
        for x in range(width):
            cell = min(CODE_BITS - 1, x * CODE_BITS // width)
            v = 255 if bits[cell] else 0
            row += bytes((v, v, v))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


Pixel = Callable[[int, int], tuple[int, int, int]]


def decode_number(pixel: Pixel, width: int, height: int) -> int:
    """Read the camera number back from a frame, given a pixel(x, y) -> (r, g, b) reader."""
    y = height - strip_height(height) // 2 - 1
    number = 0
    for i in range(CODE_BITS):
        x = int((i + 0.5) * width / CODE_BITS)
        r, g, b = pixel(x, y)
        number = (number << 1) | (1 if (r + g + b) / 3 > 128 else 0)
    return number


def colour_distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    return float(sum((x - y) ** 2 for x, y in zip(a, b, strict=True)) ** 0.5)


def field_sample_point(width: int, height: int) -> tuple[int, int]:
    """A point inside the plain colour field, clear of the text and the strip."""
    return width // 2, height // 2


TIME_BITS = 48
"""The capture time burned into every frame: milliseconds since the epoch (UTC), 48 bits in
two rows of 24 cells, so a test reads when a frame was taken from its pixels alone (live lag
through the relay, the time of a recorded or played-back frame)."""
TIME_ROW_CELLS = 24


def time_strip(height: int, strip: int, above: int = 0) -> tuple[int, int]:
    """(top, height) of the time strip: right above the code strip, or above `above` more
    rows (a dome's position strip)."""
    tall = max(8, height // 12) // 2 * 2
    return height - strip - above - tall, tall


def time_cells(ms: int) -> list[list[int]]:
    """The two rows of cells (1 white, 0 black) for a time in milliseconds since the epoch."""
    value = ms % (1 << TIME_BITS)
    bits = [(value >> (TIME_BITS - 1 - i)) & 1 for i in range(TIME_BITS)]
    return [bits[:TIME_ROW_CELLS], bits[TIME_ROW_CELLS:]]


def decode_time(pixel: Pixel, width: int, height: int, above: int = 0) -> int:
    """The capture time (ms since the epoch) read back from a frame's time strip."""
    top, tall = time_strip(height, strip_height(height), above)
    value = 0
    for row in range(2):
        y = top + row * tall // 2 + tall // 4
        for i in range(TIME_ROW_CELLS):
            x = int((i + 0.5) * width / TIME_ROW_CELLS)
            r, g, b = pixel(x, y)
            value = (value << 1) | (1 if (r + g + b) / 3 > 128 else 0)
    return value
