"""The numeric keypad and the keyboard focus on a real X server, driven by real X key events.

Offscreen tests send Qt key events straight to a widget; that proved nothing on a real desk
(Qt's X11 shortcut map drops the keypad modifier, and without a window manager nobody gives
a window the keyboard).  Here `xdotool` types through XTEST, as a keyboard does, on a
private Xvfb with no window manager (a kiosk session), and again under Openbox.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from console.matrix.catalog import build, read_catalog
from console.sim.site import SimSite
from tests.conftest import ROOT
from tests.support.xserver import need, x_server

LAYOUT = ROOT / "layouts" / "town-xinjia.yaml"


@pytest.mark.xvfb
@pytest.mark.parametrize("window_manager", [None, "openbox"], ids=["no-window-manager", "openbox"])
def test_keypad_drives_the_wall_through_real_x_key_events(sim: SimSite, tmp_path: Path, window_manager: str | None) -> None:
    need("xdotool")
    rows = "".join(f"{c.number},{c.name},{' / '.join(c.place)},{c.url},sim\n" for c in sim.cameras)
    (tmp_path / "cams.csv").write_text("number,name,place,main,credential\n" + rows, encoding="utf-8")
    build(read_catalog(tmp_path / "cams.csv"), tmp_path / "catalog.sqlite")
    with x_server("1920x1080", window_manager) as env:
        env["XDG_CONFIG_HOME"] = str(tmp_path / "config")  # the console's window places stay in the test
        result = subprocess.run([sys.executable, "-m", "tests.support.keypad_desk", str(LAYOUT),
                                 str(tmp_path / "catalog.sqlite"), str(tmp_path)],
                                capture_output=True, text=True, timeout=150, env=env, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb" and report["renderer"] == "native", report
    # The console took the keyboard by itself, on a widget that does not swallow the keypad.
    assert report["console_active"], report
    assert report["focus_at_start"] == "WallPreview", report
    first, tree, panel = report["steps"]
    assert first["routed"] and first["route"] == 2, first  # KP_1 KP_Multiply KP_2 KP_Enter: monitor 1 shows camera 2
    assert first["on_screen"] and first["seen"] == 2, first  # in the wall window's pixels, too
    assert first["display"].startswith("AK"), first
    assert tree["focus"] == "QTreeView" and tree["routed"] and tree["on_screen"], tree
    assert panel["focus"] == "KeyboardPanel" and panel["routed"] and panel["on_screen"], panel
    # Ctrl+F jumps to the camera search, and there the keypad types instead of driving the wall.
    assert report["ctrl_f_focus"], report
    assert report["search_text"] == "7" and report["routes_unchanged_by_search"], report
