"""Files go straight to libvlc (no ingest): a tile shows them, probe reports on them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from console.ui.tile import TileWidget
from console.video.player import VideoEngine
from tests.conftest import videowall_cmd
from tests.support.media import make_clip
from tests.support.pixels import camera_in


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clip(tmp_path_factory.mktemp("media") / "camera-7.mp4", 7, seconds=4)


def test_tile_plays_a_file(qtbot, engine: VideoEngine, clip: Path) -> None:  # type: ignore[no-untyped-def]
    tile = TileWidget(engine, "callbacks", monitor=3)
    qtbot.addWidget(tile)
    tile.resize(400, 330)
    tile.show()
    try:
        tile.play(str(clip), 7, "recording")
        qtbot.waitUntil(lambda: camera_in(tile.grab().toImage(), tile.video_rect()) == 7, timeout=5000)
        assert tile.health.state == "playing"
        assert (tile.health.width, tile.health.height) == (320, 240)
        # The file ends: the tile says so instead of freezing on the last picture.
        qtbot.waitUntil(lambda: tile.health.state == "lost", timeout=8000)
        assert tile.health.reason == "stream ended"
    finally:
        tile.close_player()


def test_probe_a_file(clip: Path) -> None:
    result = subprocess.run(videowall_cmd("probe", str(clip), "--frames", "10", "--json"),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["width"], report["height"], report["codec"]) == (320, 240, "mpeg4")
    assert report["frames"] >= 10


def test_probe_something_that_is_not_video(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a video\n" * 100)
    result = subprocess.run(videowall_cmd("probe", str(text), "--timeout", "5"),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "videowall probe:" in result.stderr
