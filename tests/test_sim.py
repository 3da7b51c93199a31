"""`videowall sim`: the process, its catalog, and stopping and restarting one camera."""

from __future__ import annotations

import itertools
import json
import signal
import subprocess
import time
from pathlib import Path

import av
import pytest
import yaml

from console.sim.site import SimError, SimSite, free_port
from tests.conftest import videowall_cmd


def first_packet(url: str, timeout: float = 5.0) -> bool:
    with av.open(url, options={"rtsp_transport": "tcp"}, timeout=timeout) as container:
        for _packet in container.demux(video=0):
            return True
    return False


def test_sim_process_serves_writes_catalog_and_exits_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    catalog = tmp_path / "catalog.yaml"
    proc = subprocess.Popen(
        videowall_cmd("sim", "--cameras", "3", "--size", "352x288", "--fps", "10", "--port", str(port),
                      "--control-port", str(free_port({port})), "--catalog", str(catalog)),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        ready = json.loads(proc.stdout.readline())
        assert ready["event"] == "ready" and ready["cameras"] == 3
        data = yaml.safe_load(catalog.read_text(encoding="utf-8"))
        assert data["version"] == 1
        numbers = [c["number"] for c in data["cameras"]]
        assert numbers == [1, 2, 3]
        cam = data["cameras"][1]
        assert cam["streams"]["main"] == f"rtsp://127.0.0.1:{port}/cam/2"
        assert len(cam["place"]) == 4 and cam["name"]
        with av.open(cam["streams"]["main"], options={"rtsp_transport": "tcp"}, timeout=5) as container:
            stream = container.streams.video[0]
            assert (stream.codec_context.width, stream.codec_context.height) == (352, 288)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    assert proc.returncode == 0
    # The GStreamer child went with it: the port is free again.
    time.sleep(0.2)
    with pytest.raises(av.error.ConnectionRefusedError):
        av.open(f"rtsp://127.0.0.1:{port}/cam/1", options={"rtsp_transport": "tcp"}, timeout=3)


def test_stop_and_start_one_camera(sim: SimSite) -> None:
    assert first_packet(sim.url(6))
    sim.stop_camera(6)
    try:
        with pytest.raises(av.error.HTTPNotFoundError):
            first_packet(sim.url(6))
        assert first_packet(sim.url(5))  # the others go on
    finally:
        sim.start_camera(6)
    assert first_packet(sim.url(6))


def test_simctl_command(sim: SimSite) -> None:
    def simctl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(videowall_cmd("simctl", *args, "--control-port", str(sim.control_port)),
                              capture_output=True, text=True, timeout=60, check=False)

    try:
        assert simctl("stop", "5").stdout.strip() == "ok stopped 5"
        assert '"stopped": [5]' in simctl("list").stdout
    finally:
        assert simctl("start", "5").returncode == 0
    bad = simctl("stop", "999")
    assert bad.returncode == 1 and "unknown camera 999" in bad.stdout
    assert first_packet(sim.url(5))


def test_control_errors_are_clear(sim: SimSite) -> None:
    with pytest.raises(SimError, match="unknown camera 999"):
        sim.stop_camera(999)
    with pytest.raises(SimError, match="unknown command"):
        sim.control("explode 1")


def test_port_in_use_is_reported() -> None:
    port = free_port()
    with SimSite(1, port=port, control_port=free_port({port})), pytest.raises(SimError, match="cannot listen"):
        SimSite(1, port=port, control_port=free_port({port})).start()


def test_every_frame_carries_its_capture_time(sim: SimSite) -> None:
    """The time strip: ms since the epoch, read from the pixels, rising frame by frame."""
    import time as clock

    from console.sim.identity import decode_number, decode_time

    times, lags = [], []
    with av.open(sim.url(3), options={"rtsp_transport": "tcp"}, timeout=5) as container:
        for frame in container.decode(video=0):
            received = clock.time() * 1000
            rgb = frame.reformat(format="rgb24")
            plane = rgb.planes[0]
            data, stride = bytes(plane), plane.line_size

            def pixel(x: int, y: int, data: bytes = data, stride: int = stride) -> tuple[int, int, int]:
                at = y * stride + 3 * x
                return data[at], data[at + 1], data[at + 2]

            assert decode_number(pixel, rgb.width, rgb.height) == 3
            times.append(decode_time(pixel, rgb.width, rgb.height))
            lags.append(received - times[-1])
            if len(times) == 45:
                break
    steps = [b - a for a, b in itertools.pairwise(times)]
    assert all(step > 0 for step in steps), steps  # each frame later than the one before
    assert 40 <= sorted(steps)[len(steps) // 2] <= 100  # about 1/15 s apart, the camera's rate
    assert 0 <= min(lags[-10:]) < 1000  # stamped when taken, seen a little later, never in the future
