"""A terminal finds the centre running here, and the demo lets its keyring key in."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from console.kernel_keyring import KernelKeyring
from console.matrix import connection
from console.sim.identity import camera_colour
from console.sim.site import free_port
from tests.conftest import ROOT, videowall_cmd


@pytest.fixture
def runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A runtime directory of our own, inherited by the processes a test starts."""
    base = tmp_path / "run"
    base.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(base))
    return base / "videowall"


def run(*args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(videowall_cmd(*args), input=stdin, capture_output=True, text=True, timeout=timeout, check=False)


def test_publish_choose_withdraw(runtime: Path) -> None:
    with pytest.raises(connection.CentreError, match="no centre is running"):
        connection.choose()
    first = connection.publish("xinjia", "host", "tcp://127.0.0.1:7700", "tcp://127.0.0.1:7701", b"K" * 40)
    assert first.file.parent == runtime and json.loads(first.file.read_text())["server_key"] == "K" * 40
    assert oct(runtime.stat().st_mode & 0o777) == "0o700"
    assert connection.choose() == first and connection.choose("xinjia") == first
    with pytest.raises(connection.CentreError, match=r"no running centre called 'nanhu'.*xinjia"):
        connection.choose("nanhu")
    # A file left by a process that died (kill -9 leaves it) is not a centre, and goes.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True)
    stale = runtime / f"centre-{int(dead.stdout)}.json"
    stale.write_text(first.file.read_text().replace(str(os.getpid()), dead.stdout.strip()))
    assert connection.running() == [first]
    assert not stale.exists()
    connection.withdraw(first)
    assert not first.file.exists() and connection.running() == []


def test_enrolment_only_where_the_centre_offers_it(runtime: Path) -> None:
    host = connection.publish("xinjia", "host", "tcp://127.0.0.1:1", "tcp://127.0.0.1:2", b"K" * 40)
    with pytest.raises(connection.CentreError, match="authorized"):
        host.enrol_key("desk", b"P" * 40)
    connection.withdraw(host)
    demo = connection.publish("demo", "demo", "tcp://127.0.0.1:1", "tcp://127.0.0.1:2", b"K" * 40, enrol=True)
    demo.enrol_key("desk/../../etc", b"P" * 40)
    assert connection.enrolled(demo.enrol_dir, b"P" * 40) == "desk_.._.._etc"  # stays inside its folder
    assert connection.enrolled(demo.enrol_dir, b"Q" * 40) is None
    connection.withdraw(demo)
    assert not demo.enrol_dir.exists()


def test_a_runtime_folder_others_can_write_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path / "run"
    (base / "videowall").mkdir(parents=True)
    (base / "videowall").chmod(0o777)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(base))
    with pytest.raises(connection.CentreError, match="not a private folder"):
        connection.runtime_dir()


def test_kernel_keyring_round_trip_across_processes() -> None:
    """The real kernel key retention service: what one process stores, another reads."""
    backend = KernelKeyring()
    assert backend.priority == 1.0
    service, name = "videowall-test", f"probe-{uuid.uuid4().hex[:8]}"
    backend.set_password(service, name, "first 密码")
    backend.set_password(service, name, "second 密码")  # replaces, does not add a second key
    try:
        code = ("from console.kernel_keyring import KernelKeyring; "
                f"print(KernelKeyring().get_password({service!r}, {name!r}))")
        other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30, check=True,
                               start_new_session=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        assert other.stdout.strip() == "second 密码"
    finally:
        backend.delete_password(service, name)
    assert backend.get_password(service, name) is None
    from keyring.errors import PasswordDeleteError

    with pytest.raises(PasswordDeleteError):
        backend.delete_password(service, name)


def test_key_status_use_a_host_s_connection_file(tmp_path: Path, runtime: Path, keyring_file: Path) -> None:
    """`videowall host` writes the file; a terminal needs no --host or --server-key, only its key authorised."""
    run("keys", "create", "host")
    desk_key = run("keys", "create", "desk-7").stdout.strip()
    catalog = tmp_path / "cams.csv"
    catalog.write_text("number,name,main\n" + "".join(f"{n},camera {n},rtsp://127.0.0.1/{n}\n" for n in range(1, 9)),
                       encoding="utf-8")
    assert run("catalog", "import", str(catalog), "--db", str(tmp_path / "catalog.sqlite")).returncode == 0
    config = tmp_path / "xinjia.yaml"
    config.write_text(yaml.safe_dump({
        "layout": str(ROOT / "layouts" / "town-xinjia.yaml"), "catalog": "catalog.sqlite",
        "router": f"tcp://127.0.0.1:{free_port()}", "pub": f"tcp://127.0.0.1:{free_port()}",
        "authorized": {"desk-7": desk_key},
    }), encoding="utf-8")
    host = subprocess.Popen(videowall_cmd("host", "--config", str(config)), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert host.stdout is not None
        ready = json.loads(host.stdout.readline())
        assert Path(ready["connection_file"]).parent == runtime
        one = run("key", "--as", "desk-7", "3 MON 5 CAM")
        assert one.stdout.strip() == "AK", one.stderr
        assert f"talking to the xinjia centre (host, pid {host.pid}" in one.stderr
        status = json.loads(run("status", "--as", "desk-7", "--json").stdout)
        assert status["routes"] == {"3": 5}
        # A desk the host does not know: its key is made in the keyring, and the answer says
        # what to add to the host's configuration.
        stranger = run("key", "--as", "desk-9", "3 MON 6 CAM", timeout=30)
        assert stranger.returncode == 1
        assert "made key pair 'desk-9' in the keyring" in stranger.stderr
        assert "authorized: list: desk-9: " in stranger.stderr
    finally:
        host.send_signal(signal.SIGTERM)
        host.wait(15)
    assert host.returncode == 0
    assert list(runtime.glob("centre-*")) == []
    gone = run("status")
    assert gone.returncode == 2 and "no centre is running" in gone.stderr and "Traceback" not in gone.stderr


@pytest.fixture
def demo(runtime: Path, keyring_file: Path) -> Iterator[tuple[subprocess.Popen[str], connection.Centre]]:
    proc = subprocess.Popen(videowall_cmd("demo", "--cameras", "4", "--city", "20", "--no-domes"), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            centres = connection.running()
            if centres:
                yield proc, centres[0]
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the demo wrote no connection file: {proc.communicate(timeout=10)[1][-2000:]}")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)


def test_the_demo_is_driven_from_another_terminal(demo: tuple[subprocess.Popen[str], connection.Centre],
                                                  tmp_path: Path) -> None:
    proc, centre = demo
    assert centre.kind == "demo" and centre.pid == proc.pid and centre.enrol
    import keyring
    import keyring.errors

    try:  # a new user's keyring: no desk key yet (another test may have made one)
        keyring.delete_password("videowall", "curve:desk")
    except keyring.errors.PasswordDeleteError:
        pass
    answer = run("key", "1 MON 2 CAM")
    assert answer.returncode == 0 and answer.stdout.strip() == "AK", answer.stderr
    assert "talking to the demo centre" in answer.stderr
    assert "made key pair 'desk' in the keyring" in answer.stderr  # first use: made, then enrolled
    again = run("key", "1 MON 3 CAM")
    assert again.stdout.strip() == "AK" and "made key pair" not in again.stderr
    wall = json.loads(run("status", "--json").stdout)
    assert wall["routes"]["1"] == 3 and wall["wall"]["name"].endswith("Xinjia town centre")
    # The wall itself shows it: the tile's picture is camera 3's colour.
    picture = tmp_path / "mon1.png"
    deadline = time.monotonic() + 20
    while True:
        grabbed = run("grab", "1", "-o", str(picture))
        if grabbed.returncode == 0 and json.loads(grabbed.stdout)["camera"] == 3:
            break
        assert time.monotonic() < deadline, grabbed.stderr
        time.sleep(0.5)
    from PySide6.QtGui import QImage

    image = QImage(str(picture))
    centre_pixel = image.pixelColor(image.width() // 2, image.height() // 2)
    expected = camera_colour(3)
    assert max(abs(a - b) for a, b in zip((centre_pixel.red(), centre_pixel.green(), centre_pixel.blue()), expected,
                                           strict=True)) < 40
    # The demo's recorder, a process of its own: it records the cameras, the host offers its
    # relay, and the wall takes camera 3 from it (one RTSP session on the camera, whoever watches).
    def recorded() -> dict:  # type: ignore[type-arg]
        status = json.loads(run("status", "--json").stdout)
        report = (status.get("recorders") or {}).get("recorder") or {}
        return {"relay": status.get("relay"), "recording": sorted(int(n) for n, c in (report.get("cameras") or {}).items()
                                                                  if c.get("recording")),
                "viewers": ((report.get("relay") or {}).get("viewers") or {})}

    deadline = time.monotonic() + 30
    while (seen := recorded())["recording"] != [1, 2, 3, 4] or not any("/cam/3" in k for k in seen["viewers"]):
        assert time.monotonic() < deadline, seen
        time.sleep(0.5)
    assert seen["relay"] and seen["relay"]["endpoint"].startswith("tcp://127.0.0.1:")
    recorder_pid = json.loads(run("status", "--json").stdout)["recorders"]["recorder"].get("pid")
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    assert not centre.file.exists() and not centre.enrol_dir.exists()
    if recorder_pid:  # the demo stops its recorder with it
        assert not Path(f"/proc/{recorder_pid}").exists()
