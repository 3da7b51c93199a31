"""A private X server (Xvfb) for one test, with or without a window manager.

Tests that need real X key events (`xdotool`) or a real window manager's behaviour start
their own display rather than use `xvfb-run`, so that they can put a window manager on it
first (or deliberately not: a kiosk X session has none) and know when it is ready.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

DEBIAN_PACKAGE = {"Xvfb": "xvfb", "xdotool": "xdotool", "openbox": "openbox"}


def need(program: str) -> str:
    """The program's path; a missing one fails the test (it does not skip: ./run installs it)."""
    path = shutil.which(program)
    if path is None:
        pytest.fail(f"{program} is missing: install the Debian package {DEBIAN_PACKAGE.get(program, program)} "
                    "(./run installs it)")
    return path


@contextmanager
def x_server(size: str = "1920x1080", window_manager: str | None = None, timeout: float = 20.0) -> Iterator[dict[str, str]]:
    """An environment whose DISPLAY is a fresh Xvfb (and `window_manager` running on it)."""
    xvfb = need("Xvfb")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen([xvfb, "-displayfd", str(write_fd), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                              pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    os.close(write_fd)
    manager: subprocess.Popen[bytes] | None = None
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            number = pipe.readline().strip()  # Xvfb writes its display number once it accepts clients
        if not number:
            raise RuntimeError(f"Xvfb did not start: {server.stderr.read().decode() if server.stderr else ''}")
        env = dict(os.environ, DISPLAY=f":{number.decode()}", QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        if window_manager is not None:
            program = need(window_manager)
            with tempfile.TemporaryDirectory(prefix="videowall-wm-") as folder:
                ready = Path(folder) / "ready"
                # Openbox runs its --startup command once it manages the screen: then it is ready.
                manager = subprocess.Popen([program, "--startup", f"touch {ready}"], env=env,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                deadline = time.monotonic() + timeout
                while not ready.exists():
                    if manager.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"{window_manager} did not start on {env['DISPLAY']}")
                    time.sleep(0.05)
        yield env
    finally:
        for process in (manager, server):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if server.stderr is not None:
            server.stderr.close()
