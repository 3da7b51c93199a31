"""Host and wall agent as separate processes: kill -9 the agent, restart it; restart the host."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from console.matrix.catalog import build, read_catalog
from console.sim.site import SimSite, free_port
from tests.conftest import ROOT, videowall_cmd


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(videowall_cmd(*args), capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def wall(tmp_path: Path, sim: SimSite):  # type: ignore[no-untyped-def]
    host_key = run("keys", "create", "host").stdout.strip()
    desk_key = run("keys", "create", "desk").stdout.strip()
    agent_key = run("keys", "create", "agent-A1").stdout.strip()
    rows = "".join(f"{c.number},{c.name},{c.url},sim\n" for c in sim.cameras)
    (tmp_path / "cams.csv").write_text("number,name,main,credential\n" + rows, encoding="utf-8")
    build(read_catalog(tmp_path / "cams.csv"), tmp_path / "catalog.sqlite")
    router, pub = free_port(), free_port()
    (tmp_path / "host.yaml").write_text(yaml.safe_dump({
        "layout": str(ROOT / "layouts" / "town-xinjia.yaml"), "catalog": "catalog.sqlite",
        "router": f"tcp://127.0.0.1:{router}", "pub": f"tcp://127.0.0.1:{pub}",
        "authorized": {"desk": desk_key, "agent-A1": agent_key},
    }), encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    endpoint = ["--host", f"tcp://127.0.0.1:{router}", "--server-key", host_key]
    procs: dict[str, subprocess.Popen[str]] = {}

    def start(name: str) -> None:
        args = (["host", "--config", str(tmp_path / "host.yaml")] if name == "host" else
                ["agent", *endpoint, "--pub", f"tcp://127.0.0.1:{pub}", "--screen", "A1", "--windowed"])
        procs[name] = subprocess.Popen(videowall_cmd(*args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                       env=env)
        if name == "host":
            assert procs[name].stdout is not None
            assert json.loads(procs[name].stdout.readline())["event"] == "ready"

    def status() -> dict:  # type: ignore[type-arg]
        result = run("status", *endpoint, "--json")
        return json.loads(result.stdout) if result.returncode == 0 else {}

    yield start, status, endpoint, procs
    for proc in procs.values():
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def tile(snapshot: dict, monitor: int, since: float = 0.0) -> tuple[str, int | None]:  # type: ignore[type-arg]
    """The agent's report of a tile, if it reported after `since` (wall-clock seconds)."""
    report = snapshot.get("health", {}).get("agent-A1", {})
    if report.get("at", 0.0) <= since:
        return "", None
    info = report.get("tiles", {}).get(str(monitor), {})
    return info.get("state", ""), info.get("camera")


def wait_for(condition, timeout: float) -> float:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s")


def test_agent_kill_and_host_restart(wall) -> None:  # type: ignore[no-untyped-def]
    start, status, endpoint, procs = wall
    start("host")
    start("agent")
    assert run("key", *endpoint, "2 MON 3 CAM").stdout.strip() == "AK"
    wait_for(lambda: tile(status(), 2) == ("playing", 3), 15)

    procs["agent"].send_signal(signal.SIGKILL)
    procs["agent"].wait(5)
    restarted = time.time()
    start("agent")
    # Only reports from the new agent count; it reports once a second, so allow one report.
    back = wait_for(lambda: tile(status(), 2, since=restarted) == ("playing", 3), 10)
    print(f"agent back in {back:.2f} s")
    assert back <= 4.0, f"routes back {back:.1f} s after the agent restarted"

    procs["host"].send_signal(signal.SIGTERM)
    procs["host"].wait(10)
    start("host")
    snapshot = status()
    assert snapshot["routes"] == {"2": 3}
