"""The native renderer (libvlc draws into the tile's X window), on a real X server (Xvfb)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from console.sim.site import SimSite


@pytest.mark.xvfb
def test_native_tile_shows_and_switches_cameras(sim: SimSite) -> None:
    if shutil.which("xvfb-run") is None:
        pytest.fail("xvfb-run is missing: ./run installs the xvfb package")
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 800x600x24", sys.executable, "-m", "tests.support.native_tile",
         sim.url(5), sim.url(6)],
        capture_output=True, text=True, timeout=90, env=env, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert [r["seen"] for r in report["results"]] == [5, 6], report
    assert all(r["ok"] and r["state"] == "playing" for r in report["results"]), report
