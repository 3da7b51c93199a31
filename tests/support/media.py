"""Small video files that carry a simulated camera's identity, made with PyAV."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av

from console.sim.identity import CODE_BITS, camera_colour, code_bits, strip_height


def identity_frame_rgb(number: int, width: int, height: int) -> bytes:
    """The camera's colour field with its code strip along the bottom, as rgb24 rows."""
    colour = bytes(camera_colour(number))
    bits = code_bits(number)
    strip = strip_height(height)
    field_row = colour * width
    strip_row = b"".join((b"\xff\xff\xff" if bits[min(CODE_BITS - 1, x * CODE_BITS // width)] else b"\x00\x00\x00")
                         for x in range(width))
    return field_row * (height - strip) + strip_row * strip


def make_clip(path: Path, number: int, *, seconds: float = 3.0, size: tuple[int, int] = (320, 240), fps: int = 15) -> Path:
    width, height = size
    rgb = identity_frame_rgb(number, width, height)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("mpeg4", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.codec_context.time_base = Fraction(1, fps)
        stream.codec_context.gop_size = fps
        stream.codec_context.bit_rate = 400_000
        for i in range(int(seconds * fps)):
            frame = av.VideoFrame(width, height, "rgb24")
            frame.planes[0].update(rgb) if frame.planes[0].line_size == width * 3 else _fill(frame, rgb, width)
            frame.pts = i
            frame.time_base = Fraction(1, fps)
            for packet in stream.encode(frame.reformat(format="yuv420p")):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return path


def _fill(frame: av.VideoFrame, rgb: bytes, width: int) -> None:
    plane = frame.planes[0]
    row = width * 3
    padded = b"".join(rgb[y * row:(y + 1) * row] + b"\x00" * (plane.line_size - row) for y in range(frame.height))
    plane.update(padded)
