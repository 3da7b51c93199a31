"""Taking a frame: from a tile (wall tile, main monitor) or from the host's `grab` reply.

A tile's picture comes from the video engine's snapshot: libvlc saves the picture it shows,
at the source's resolution, as PNG (both renderers; the same path as the wall agent's grab).
Those bytes are stored untouched.  The picture's time is the moment its packets reached the
player (the stream's frame mapped to UTC on receipt): now minus the tile's frame age.  A tile
that shows SIGNAL LOST still has its last picture; the capture says so, with that picture's
real time.  No Qt import: anything with `snapshot(path)`, `health` and `monitor` will do.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from console.evidence.store import Capture, EvidenceError, png_size

PICTURE_STATES = ("playing", "lost")


@dataclass(frozen=True)
class CameraInfo:
    number: int
    name: str
    place: tuple[str, ...] = ()


class _Health(Protocol):
    state: str
    reason: str
    frame_age: float
    width: int
    height: int


class TileLike(Protocol):
    monitor: int | None

    @property
    def health(self) -> _Health: ...

    def snapshot(self, path: str) -> tuple[int, int]: ...


def capture_tile(tile: TileLike, camera: CameraInfo, *, source: str = "live", now: datetime | None = None) -> Capture:
    """The tile's current picture as a capture; EvidenceError('no-picture') if it has none."""
    health = tile.health
    if health.state not in PICTURE_STATES:
        where = f"monitor {tile.monitor}" if tile.monitor is not None else "the tile"
        raise EvidenceError("no-picture", f"{where} shows no picture ({health.state}): nothing to take",
                            state=health.state, monitor=tile.monitor)
    with tempfile.TemporaryDirectory(prefix="videowall-evidence-") as folder:
        path = Path(folder) / "frame.png"
        try:
            tile.snapshot(str(path))
            png = path.read_bytes()
        except (OSError, RuntimeError) as exc:
            raise EvidenceError("no-picture", f"the picture could not be taken: {exc}", monitor=tile.monitor) from exc
    # The age is read after the snapshot: it belongs to the picture that was saved.
    age = tile.health.frame_age
    now = now or datetime.now(UTC)
    frame_time = now - timedelta(seconds=age if age != float("inf") else 0.0)
    width, height = png_size(png)
    if health.width and (width, height) != (health.width, health.height):
        raise EvidenceError("bad-image", f"the snapshot is {width}x{height}, the camera sends "
                                         f"{health.width}x{health.height}: not stored")
    lost = health.state == "lost" or tile.health.state == "lost"
    return Capture(png=png, camera_number=camera.number, camera_name=camera.name, camera_place=camera.place,
                   frame_time=frame_time, source=source, monitor=tile.monitor,
                   signal_lost_since=frame_time if lost else None, signal_reason=health.reason if lost else "")


def capture_grab(answer: dict[str, Any], camera: CameraInfo, *, received_at: datetime | None = None,
                 source: str = "live") -> Capture:
    """A picture that a wall agent sent through the host (`grab`).

    The agent says the picture's own time (`frame_time`: its clock, now minus the tile's frame
    age) and the tile's state; a tile that has lost its signal sends its last picture with
    `lost_since`, and the capture says so.  An older agent says neither: the picture is timed
    on receipt, as live.
    """
    if not answer.get("ok"):
        raise EvidenceError("no-picture", str(answer.get("answer", "NA no picture")), state=answer.get("state"))
    try:
        png = base64.b64decode(str(answer["png"]), validate=True)
    except (KeyError, binascii.Error) as exc:
        raise EvidenceError("bad-image", f"the wall agent's picture is damaged: {exc}") from exc
    width, height = png_size(png)
    if isinstance(answer.get("width"), int) and (width, height) != (answer["width"], answer.get("height")):
        raise EvidenceError("bad-image", f"the picture is {width}x{height}, the agent said "
                                         f"{answer['width']}x{answer.get('height')}: not stored")
    monitor = answer.get("monitor")
    frame_time = _moment(answer.get("frame_time")) or received_at or datetime.now(UTC)
    lost = answer.get("state") == "lost"
    lost_since = (_moment(answer.get("lost_since")) or frame_time) if lost else None
    if answer.get("state") == "playback":
        source = "playback"  # a recording on the wall tile: its frame_time is the recorded time
    return Capture(png=png, camera_number=camera.number, camera_name=camera.name, camera_place=camera.place,
                   frame_time=frame_time, source=source, monitor=int(monitor) if isinstance(monitor, int) else None,
                   signal_lost_since=lost_since, signal_reason=str(answer.get("reason") or "") if lost else "")


def _moment(value: object) -> datetime | None:
    """An epoch time from the bus as an aware datetime; None if absent or not a sane number."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 2**33:
        return None
    return datetime.fromtimestamp(float(value), UTC)
