"""`videowall probe` as an installer runs it: a real process against the real RTSP server."""

from __future__ import annotations

import json
import subprocess

import pytest

from console.sim.site import SimSite, free_port
from tests.conftest import SIM_PASSWORD, videowall_cmd


def run_probe(*args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(videowall_cmd("--log-level", "DEBUG", "probe", *args), capture_output=True, text=True,
                          timeout=timeout, check=False)


def assert_no_password(result: subprocess.CompletedProcess[str]) -> None:
    assert SIM_PASSWORD not in result.stdout
    assert SIM_PASSWORD not in result.stderr


@pytest.mark.parametrize("transport", ["tcp", "udp"])
def test_probe_reports_the_stream(sim: SimSite, transport: str) -> None:
    result = run_probe(sim.url(3), "--frames", "20", "--json", "--transport", transport)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["url"] == sim.url(3).replace(SIM_PASSWORD, "***")
    assert (report["width"], report["height"]) == (320, 240)
    assert report["codec"] == "h264"
    assert report["frames"] >= 20
    assert 12.0 <= report["fps"] <= 18.0
    assert 0 < report["first_frame_ms"] < 5000
    assert_no_password(result)


def test_probe_with_keyring_credential(sim: SimSite) -> None:
    result = run_probe(sim.url(1, credentials=False), "--credential", "sim", "--frames", "5", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["url"] == sim.url(1).replace(SIM_PASSWORD, "***")
    assert_no_password(result)


def test_probe_plain_text_output(sim: SimSite) -> None:
    result = run_probe(sim.url(2), "--frames", "5")
    assert result.returncode == 0, result.stderr
    assert "h264 320x240" in result.stdout
    assert_no_password(result)


def test_probe_wrong_port(sim: SimSite) -> None:
    closed = free_port({sim.port, sim.control_port})
    url = sim.url(1).replace(f":{sim.port}/", f":{closed}/")
    result = run_probe(url, "--timeout", "5", "--json")
    assert result.returncode == 1
    assert "connection refused" in json.loads(result.stdout)["error"]
    assert result.stderr.strip().splitlines()[-1].startswith("videowall probe: ")
    assert_no_password(result)


def test_probe_wrong_path(sim: SimSite) -> None:
    result = run_probe(sim.url(1).replace("/cam/1", "/cam/404"), "--timeout", "5")
    assert result.returncode == 1
    assert "404 not found" in result.stderr.strip().splitlines()[-1]
    assert_no_password(result)


def test_probe_wrong_password(sim: SimSite) -> None:
    url = sim.url(1).replace(SIM_PASSWORD, "not-the-password")
    result = run_probe(url, "--timeout", "5", "--json")
    assert result.returncode == 1
    assert "401 unauthorized" in json.loads(result.stdout)["error"]
    assert "not-the-password" not in result.stdout + result.stderr
    assert_no_password(result)


def test_probe_timeout_on_a_silent_server() -> None:
    """A server that accepts and never answers: the probe gives up on time, with a reason."""
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        result = run_probe(f"rtsp://127.0.0.1:{port}/cam/1", "--timeout", "2")
    assert result.returncode == 1
    assert "timed out" in result.stderr


def test_probe_missing_credential(keyring_file: object) -> None:
    result = run_probe("rtsp://127.0.0.1:9/x", "--credential", "nowhere")
    assert result.returncode == 2
    assert "no credential 'nowhere'" in result.stderr
