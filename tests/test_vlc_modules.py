"""The engine names the libvlc modules it lacks and the package that brings them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from console.video import vlc_modules


def test_every_module_the_players_need_is_installed() -> None:
    directory = vlc_modules.plugin_dir()
    assert directory is not None and (directory / "demux").is_dir(), "libvlc's plugin directory was not found"
    assert vlc_modules.missing("callbacks") == []
    assert vlc_modules.missing("native") == []


def test_a_missing_module_is_named_with_its_package(tmp_path: Path) -> None:
    """A plugin directory without the TS demuxer: the engine refuses to start, and says why."""
    system = vlc_modules.plugin_dir()
    assert system is not None
    partial = tmp_path / "plugins"
    for plugin in system.rglob("*.so"):
        if plugin.name == "libts_plugin.so":
            continue
        target = partial / plugin.relative_to(system)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(plugin)
    assert vlc_modules.missing("callbacks", partial) == [vlc_modules.COMMON[1]]
    code = "from console.video.player import VideoEngine\nVideoEngine()"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False,
                          env=dict(os.environ, VLC_PLUGIN_PATH=str(partial)))
    assert done.returncode != 0
    assert "libvlc modules missing" in done.stderr and "ts (demuxes" in done.stderr
    assert "apt-get install vlc-plugin-base" in done.stderr
