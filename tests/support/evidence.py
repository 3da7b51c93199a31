"""Evidence test helpers: a picture with a simulated camera's identity, captures, stores."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from console.evidence.signing import SigningKey
from console.evidence.store import Capture, Centre, EvidenceStore
from console.sim.identity import CODE_BITS, camera_colour, code_bits, strip_height
from console.sim.names import camera_name, camera_place


def camera_frame_png(number: int, size: tuple[int, int] = (320, 240)) -> bytes:
    """A frame drawn the way the simulated camera draws it: its colour field and code strip."""
    width, height = size
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(*camera_colour(number)))
    bits = code_bits(number)
    top = height - strip_height(height)
    for x in range(width):
        value = 255 if bits[min(CODE_BITS - 1, x * CODE_BITS // width)] else 0
        for y in range(top, height):
            image.setPixel(x, y, QColor(value, value, value).rgb())
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def capture_of(number: int, *, png: bytes | None = None, lost: bool = False, size: tuple[int, int] = (320, 240)) -> Capture:
    frame_time = datetime.now(UTC) - timedelta(seconds=3 if lost else 0.05)
    return Capture(png=png or camera_frame_png(number, size), camera_number=number, camera_name=camera_name(number),
                   camera_place=tuple(camera_place(number)), frame_time=frame_time, source="live", monitor=7,
                   signal_lost_since=frame_time if lost else None, signal_reason="timed out" if lost else "")


def new_store(root: Path, name: str = "Xinjia Town Monitoring Centre") -> EvidenceStore:
    """A store with a centre (and so a keyring entry) of its own."""
    centre_id = "test-" + secrets.token_hex(4)
    return EvidenceStore(root, Centre(name, centre_id, "XJ"), SigningKey.load(centre_id, create=True))
