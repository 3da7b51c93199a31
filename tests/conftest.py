from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest

from console.sim.site import SimSite, free_port
from console.video.player import VideoEngine
from tests.support.filekeyring import FileKeyring

ROOT = Path(__file__).resolve().parents[1]
SIM_USER = "operator"
SIM_PASSWORD = "Pw-" + secrets.token_hex(6)  # random per run: a leak check cannot match by luck
SIM_CAMERAS = 6


@pytest.fixture(scope="session")
def keyring_file(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One keyring for the test process and the `videowall` processes it starts."""
    path = tmp_path_factory.mktemp("keyring") / "keyring.json"
    os.environ["VIDEOWALL_TEST_KEYRING"] = str(path)
    os.environ["PYTHON_KEYRING_BACKEND"] = "tests.support.filekeyring.FileKeyring"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    previous = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())
    yield path
    keyring.set_keyring(previous)


@pytest.fixture(scope="session")
def sim(keyring_file: Path) -> Iterator[SimSite]:
    """Real RTSP cameras (GStreamer) with digest auth on loopback, for the whole run."""
    from console import credentials

    credentials.store("sim", SIM_USER, SIM_PASSWORD)
    port = free_port()
    site = SimSite(SIM_CAMERAS, port=port, control_port=free_port({port}), user=SIM_USER,
                   password=SIM_PASSWORD, credential="sim")
    site.start()
    yield site
    site.close()


@pytest.fixture
def engine() -> Iterator[VideoEngine]:
    eng = VideoEngine(linger=5.0)
    yield eng
    eng.close()


def videowall_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "console", *args]
