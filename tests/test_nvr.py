"""Third-party recorders' playback URLs, and the simulated NVR that serves them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import av
import pytest

from console.sim.identity import decode_number, decode_time
from console.sim.site import SimSite
from console.video.nvr import DAHUA, HIKVISION, NvrUrlError, playback_url, read_playback_url

MOMENT = datetime(2026, 12, 2, 9, 14, 3, tzinfo=UTC)


def test_the_vendors_forms() -> None:
    hik = playback_url(HIKVISION, "rtsp://10.1.2.3:554", 7, MOMENT, MOMENT + timedelta(minutes=5))
    assert hik == "rtsp://10.1.2.3:554/Streaming/tracks/701?starttime=20261202T091403Z&endtime=20261202T091903Z"
    dahua = playback_url(DAHUA, "rtsp://10.1.2.4", 3, MOMENT, stream=2, nvr_offset=timedelta(hours=8))
    assert dahua == "rtsp://10.1.2.4/cam/playback?channel=3&subtype=1&starttime=2026_12_02_17_14_03"  # Beijing time
    for url, offset in ((hik, timedelta(0)), (dahua, timedelta(hours=8))):
        parts = url.split("/", 3)[3]
        path, _, query = ("/" + parts).partition("?")
        request = read_playback_url(path, query, nvr_offset=offset)
        assert request.start == MOMENT
    assert read_playback_url("/cam/playback", "channel=1&starttime=2026-12-02T09:14:03Z").start == MOMENT
    for path, query in (("/Streaming/tracks/101", "endtime=20261202T091403Z"), ("/cam/other", "starttime=x"),
                        ("/Streaming/tracks/101", "starttime=yesterday"),
                        ("/Streaming/tracks/101", "starttime=20261202T091403Z&endtime=20261202T091400Z")):
        with pytest.raises(NvrUrlError):
            read_playback_url(path, query)
    with pytest.raises(NvrUrlError, match="time zone"):
        playback_url(HIKVISION, "rtsp://h", 1, datetime(2026, 1, 1))


def _frames(url: str, count: int) -> list[tuple[int, int]]:
    """(camera number, burned time) of the first `count` frames."""
    seen = []
    with av.open(url, options={"rtsp_transport": "tcp"}, timeout=5) as container:
        for frame in container.decode(video=0):
            rgb = frame.reformat(format="rgb24")
            plane = rgb.planes[0]
            data, stride = bytes(plane), plane.line_size

            def pixel(x: int, y: int, data: bytes = data, stride: int = stride) -> tuple[int, int, int]:
                at = y * stride + 3 * x
                return data[at], data[at + 1], data[at + 2]

            seen.append((decode_number(pixel, rgb.width, rgb.height), decode_time(pixel, rgb.width, rgb.height)))
            if len(seen) == count:
                break
    return seen


@pytest.mark.parametrize("kind", [HIKVISION, DAHUA])
def test_the_simulated_nvr_plays_the_time_asked_for(sim: SimSite, kind: str) -> None:
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=5, minutes=17)
    base = f"rtsp://{sim.user}:{sim.password}@127.0.0.1:{sim.port}"
    frames = _frames(playback_url(kind, base, 4, start, start + timedelta(seconds=30)), 30)
    assert {number for number, _ in frames} == {4}
    asked = int(start.timestamp() * 1000)
    times = [t for _, t in frames]
    assert abs(times[0] - asked) <= 1000 / 15  # the first frame is the moment asked for, within a frame
    assert all(0 < b - a <= 100 for a, b in itertools.pairwise(times))  # then frame after frame
    assert times[-1] - asked >= 1500  # two seconds in, not the same frame again


def test_the_simulated_nvr_refuses_the_future_and_ends_at_the_end(sim: SimSite) -> None:
    base = f"rtsp://{sim.user}:{sim.password}@127.0.0.1:{sim.port}"
    future = datetime.now(UTC) + timedelta(hours=1)
    with pytest.raises(av.error.FFmpegError):
        _frames(playback_url(HIKVISION, base, 1, future), 1)
    start = datetime.now(UTC) - timedelta(days=2)
    frames = _frames(playback_url(DAHUA, base, 2, start, start + timedelta(seconds=2)), 100)
    assert 27 <= len(frames) <= 31  # 2 s at 15 fps, then the end of the stream
