"""A tile against the real RTSP server: right camera from pixels, switching, snapshot, loss."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from console.sim.site import SimSite
from console.ui.tile import TileWidget
from console.video.player import VideoEngine
from tests.support.pixels import camera_in


@pytest.fixture
def tile(qtbot, engine: VideoEngine) -> TileWidget:  # type: ignore[no-untyped-def]
    widget = TileWidget(engine, "callbacks", monitor=1)
    widget.resize(400, 330)
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.close_player()


def shown_camera(tile: TileWidget) -> int | None:
    """The camera visible in the widget itself, as a person would see it."""
    return camera_in(tile.grab().toImage(), tile.video_rect())


def test_tile_shows_the_right_camera_and_switches(qtbot, tile: TileWidget, sim: SimSite) -> None:  # type: ignore[no-untyped-def]
    tile.play(sim.url(2), 2, sim.camera(2).name)
    qtbot.waitUntil(lambda: shown_camera(tile) == 2, timeout=5000)
    assert tile.health.state == "playing"
    assert tile.health.width == 320 and tile.health.height == 240

    tile.play(sim.url(3), 3, sim.camera(3).name)
    qtbot.waitUntil(lambda: shown_camera(tile) == 3, timeout=5000)
    image = tile.current_image()
    assert image is not None and camera_in(image) == 3

    # Back to 2: a warm switch (camera 2 is still ingested) shows it quickly.
    with qtbot.waitSignal(tile.first_frame, timeout=3000) as first:
        tile.play(sim.url(2), 2, sim.camera(2).name)
    assert first.args[0] < 1.0
    qtbot.waitUntil(lambda: shown_camera(tile) == 2, timeout=3000)


def test_snapshot_is_native_resolution(qtbot, tile: TileWidget, sim: SimSite, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tile.resize(200, 170)  # smaller than the stream: the snapshot must not care
    tile.play(sim.url(1), 1, sim.camera(1).name)
    qtbot.waitUntil(lambda: tile.health.state == "playing", timeout=5000)
    path = tmp_path / "snap.png"
    assert tile.snapshot(str(path)) == (320, 240)
    image = QImage(str(path))
    assert (image.width(), image.height()) == (320, 240)
    assert camera_in(image) == 1


def test_idle_tile_says_so(tile: TileWidget) -> None:
    assert tile.health.state == "idle"
    tile.play("rtsp://127.0.0.1:9/none", 99, "nowhere")
    tile.clear()
    assert tile.health.state == "idle"


def test_signal_lost_and_recovery(qtbot, tile: TileWidget, sim: SimSite) -> None:  # type: ignore[no-untyped-def]
    camera = 4
    tile.play(sim.url(camera), camera, sim.camera(camera).name)
    qtbot.waitUntil(lambda: shown_camera(tile) == camera, timeout=5000)
    try:
        stopped = time.monotonic()
        sim.stop_camera(camera)
        qtbot.waitUntil(lambda: tile.health.state == "lost", timeout=4000)
        lost_after = time.monotonic() - stopped
        assert lost_after <= 2.0, f"signal lost shown after {lost_after:.2f} s"
        lost_picture = tile.grab().toImage()
        # The dead picture is dimmed: its colour field no longer reads as live video.
        assert camera_in(lost_picture, tile.video_rect()) is None
    finally:
        returned = time.monotonic()
        sim.start_camera(camera)
    player = tile.source.player

    def new_picture() -> bool:
        started = player.media_started_at
        return started is not None and started > returned and player.buffers.media_first_at is not None

    # The source returns when `start` is acknowledged; the first picture of the new session
    # (libvlc restarts on every new session) is the picture coming back.
    qtbot.waitUntil(new_picture, timeout=4000)
    back_after = player.buffers.media_first_at - returned  # type: ignore[operator]
    assert back_after <= 1.0, f"picture back {back_after:.2f} s after the camera returned"
    qtbot.waitUntil(lambda: tile.health.state == "playing", timeout=2000)
    qtbot.waitUntil(lambda: shown_camera(tile) == camera, timeout=2000)


def test_wrong_password_shows_error(qtbot, tile: TileWidget, sim: SimSite) -> None:  # type: ignore[no-untyped-def]
    bad = sim.url(1).replace(sim.password or "", "wrong-password")
    tile.play(bad, 1, "bad password")
    qtbot.waitUntil(lambda: tile.health.state == "error", timeout=5000)
    assert "401" in tile.health.reason
    assert "wrong-password" not in tile.health.reason
