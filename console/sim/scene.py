"""What a simulated dome looks at, and the strip that carries where it points.

A dome's picture is a window onto a scene larger than the picture (ptz_dome.view_window):
a sky tinted with the camera's colour, a skyline of lit buildings, a street with lane marks
and a row of lamp posts, so that an operator sees the picture slide when the dome turns and
a test can measure which way it slid.  The position strip is a row of black and white cells
(ptz_dome.position_code) drawn across the picture's full width, read back with
ptz_dome.decode_position.

Pure Python with no third-party import, like identity.py: the RTSP server runs it under
Debian's system Python.  The scene is built from runs of equal pixels, not pixel by pixel,
so a 1280×960 scene takes tens of milliseconds.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Sequence

SCENE_SCALE = 4
"""The scene is this many pictures wide and high: at 1x the dome sees half its width."""

Colour = tuple[int, int, int]


def png(width: int, height: int, row: Callable[[int], bytes], level: int = 6) -> bytes:
    """An RGB PNG whose scanline y is `row(y)` (3 * width bytes)."""
    lines = bytearray()
    for y in range(height):
        data = row(y)
        if len(data) != 3 * width:
            raise ValueError(f"row {y} has {len(data)} bytes, not {3 * width}")
        lines += b"\x00"  # filter type "none"
        lines += data

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(lines), level))
            + chunk(b"IEND", b""))


def bits_png(bits: Sequence[int], width: int, height: int) -> bytes:
    """Cells of equal width across `width`, white for 1 and black for 0 (the position strip)."""
    cells = len(bits)
    row = bytearray()
    for x in range(width):
        v = 255 if bits[min(cells - 1, x * cells // width)] else 0
        row += bytes((v, v, v))
    line = bytes(row)
    return png(width, height, lambda _y: line, level=1)


def scene_size(view: tuple[int, int]) -> tuple[int, int]:
    return view[0] * SCENE_SCALE, view[1] * SCENE_SCALE


def _mix(a: Colour, b: Colour, t: float) -> Colour:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


class _Random:
    """A small deterministic generator (the same scene for the same camera, every run)."""

    def __init__(self, seed: int) -> None:
        self.state = (seed * 2654435761 + 12345) & 0xFFFFFFFF

    def next(self, top: int) -> int:
        self.state = (self.state * 1103515245 + 12345) & 0x7FFFFFFF
        return (self.state >> 8) % top


def scene_png(number: int, colour: Colour, size: tuple[int, int]) -> bytes:
    """The scene of camera `number`: the same picture for the same camera and size."""
    width, height = size
    rand = _Random(number)
    horizon = height * 42 // 100  # at home (pan 0, tilt 0, 1x) a little below mid-picture
    sky_top, sky_low = _mix(colour, (40, 40, 70), 0.55), _mix(colour, (235, 235, 245), 0.6)
    # The skyline: buildings of random width and height standing on the horizon.
    buildings: list[tuple[int, int, int, Colour]] = []  # (x0, x1, top, colour)
    x = 0
    while x < width:
        w = max(8, width // 40 + rand.next(max(1, width // 12)))
        top = horizon - max(8, height // 20 + rand.next(max(1, height * 3 // 10)))
        shade = 60 + rand.next(120)
        buildings.append((x, min(width, x + w), top, (shade, shade - 10 + rand.next(20), shade + rand.next(30))))
        x += w + rand.next(max(1, width // 60))
    clouds: list[tuple[int, int, int, int]] = []  # (x0, x1, y0, y1)
    for _ in range(12):
        cx, cy = rand.next(width), rand.next(max(1, horizon * 2 // 5))
        cw, ch = width // 30 + rand.next(max(1, width // 12)), max(4, height // 60 + rand.next(max(1, height // 40)))
        clouds.append((cx, min(width, cx + cw), cy, cy + ch))
    window_w, window_h = max(2, width // 200), max(3, height // 100)
    lamp_every, lamp_w = max(16, width // 16), max(2, width // 320)
    lamp_top = horizon + (height - horizon) // 5
    road_top, road_bottom = horizon + (height - horizon) * 2 // 5, horizon + (height - horizon) * 4 // 5
    lane_y = (road_top + road_bottom) // 2
    lane_h = max(2, height // 160)
    dash = max(8, width // 40)

    def sky(y: int) -> Colour:
        return _mix(sky_top, sky_low, y / max(1, horizon))

    def row(y: int) -> bytes:
        out = bytearray()
        if y < horizon:
            line = bytearray(bytes(sky(y)) * width)
            for x0, x1, y0, y1 in clouds:
                if y0 <= y < y1:
                    line[3 * x0:3 * x1] = bytes(_mix(sky(y), (255, 255, 255), 0.7)) * (x1 - x0)
            for x0, x1, top, shade in buildings:
                if y < top:
                    continue
                lit_row = (y - top) % (window_h * 3) < window_h and y - top > window_h
                span = bytearray(bytes(shade) * (x1 - x0))
                if lit_row:
                    # Windows, lit or dark by column: the same on every row of windows.
                    for xx in range(x0 + window_w + 1, x1):
                        if (xx - x0) % (window_w * 3) < window_w and (xx // (window_w * 3) * 7 + top) % 5 < 3:
                            span[3 * (xx - x0):3 * (xx - x0) + 3] = b"\xfa\xe1\x8c"
                line[3 * x0:3 * x1] = span
            return bytes(line)
        # The ground: pavement, a road with a dashed centre line, lamp posts along the kerb.
        if road_top <= y < road_bottom:
            base: Colour = (70, 70, 75)
            if lane_y <= y < lane_y + lane_h:
                pos = 0
                while pos < width:
                    run = min(dash, width - pos)
                    out += bytes((235, 235, 235) if (pos // dash) % 2 == 0 else base) * run
                    pos += run
                return bytes(out)
            return bytes(base) * width
        base = _mix((150, 140, 120), (110, 100, 85), (y - horizon) / max(1, height - horizon))
        if horizon <= y < lamp_top:
            pos = 0
            while pos < width:
                run = min(lamp_every, width - pos)
                out += bytes((30, 30, 30)) * min(lamp_w, run) + bytes(base) * max(0, run - lamp_w)
                pos += run
            return bytes(out)
        return bytes(base) * width

    return png(width, height, row)
