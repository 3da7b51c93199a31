"""`videowall probe`: open a source through the same engine as a tile and report on it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from console.video.ingest import IngestState
from console.video.player import VideoEngine
from console.video.urls import mask_url


class ProbeError(RuntimeError):
    """One line an installer can read: what is wrong with the source."""


@dataclass(frozen=True)
class ProbeResult:
    url: str  # masked
    first_frame_ms: float
    frames: int
    fps: float
    width: int
    height: int
    codec: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "first_frame_ms": round(self.first_frame_ms, 1),
            "frames": self.frames,
            "fps": round(self.fps, 2),
            "width": self.width,
            "height": self.height,
            "codec": self.codec,
        }


def probe(url: str, *, frames: int = 30, timeout: float = 10.0, transport: str = "tcp",
          engine: VideoEngine | None = None) -> ProbeResult:
    own_engine = engine is None
    # No linger and no retry backoff worth waiting for: a probe answers once.
    engine = engine or VideoEngine(linger=0.0, transport=transport, error_backoff_cap=60.0, backoff_cap=60.0)
    player = engine.player("callbacks")
    masked = mask_url(url)
    try:
        started = time.monotonic()
        player.play(url)
        deadline = started + timeout
        while time.monotonic() < deadline:
            ingest = player.ingest
            if ingest is not None and ingest.state in (IngestState.ERROR, IngestState.LOST) and player.buffers.frames == 0:
                raise ProbeError(f"{masked}: {ingest.reason}")
            if player.buffers.frames >= frames:
                break
            if ingest is None:
                health = player.health()
                if health.state in ("error", "lost"):
                    got = player.buffers.frames
                    raise ProbeError(f"{masked}: {health.reason}" + (f" after {got} frames" if got else ""))
            time.sleep(0.01)
        buffers = player.buffers
        if buffers.first_frame_at is None:
            ingest = player.ingest
            if ingest is not None and ingest.state == IngestState.PLAYING:
                raise ProbeError(f"{masked}: connected, but no picture decoded within {timeout:g} s")
            raise ProbeError(f"{masked}: timed out after {timeout:g} s")
        if buffers.frames < frames:
            raise ProbeError(f"{masked}: only {buffers.frames} of {frames} frames within {timeout:g} s")
        elapsed = (buffers.last_frame_at or started) - buffers.first_frame_at
        fps = (buffers.frames - 1) / elapsed if elapsed > 0 else 0.0
        width, height = buffers.width, buffers.height
        session = player.ingest.session if player.ingest else None
        codec = session.codec if session else _direct_codec(player)
        return ProbeResult(masked, (buffers.first_frame_at - started) * 1000, buffers.frames, fps, width, height, codec)
    finally:
        player.close()
        if own_engine:
            engine.close()


def _direct_codec(player: Any) -> str:
    """The codec libvlc found, for sources that do not go through the ingest."""
    media = player._media
    if media is None:
        return "unknown"
    for track in media.tracks_get() or []:
        if track.type == 1:  # libvlc_track_video
            fourcc = track.codec.to_bytes(4, "little").decode("ascii", "replace").strip()
            names = {"h264": "h264", "hevc": "hevc", "mp4v": "mpeg4", "mjpg": "mjpeg"}
            return str(names.get(fourcc.lower(), fourcc.lower()))
    return "unknown"
