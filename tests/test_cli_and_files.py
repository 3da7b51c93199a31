from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

import pytest

from console.atomic import write_atomic
from console.cli import build_parser
from console.logs import setup_logging
from console.sim.site import SimSite
from console.video.player import VideoEngine
from tests.conftest import SIM_PASSWORD, videowall_cmd

SUBCOMMANDS = ["demo", "sim", "simctl", "probe", "credential", "catalog", "audit", "keys", "host", "key", "status", "agent",
               "grab"]


@pytest.mark.parametrize("command", [[]] + [[c] for c in SUBCOMMANDS])
def test_every_subcommand_has_help(command: list[str]) -> None:
    result = subprocess.run(videowall_cmd(*command, "--help"), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "usage: videowall" in result.stdout


def test_console_with_nothing_configured_says_what_to_do(tmp_path: Path) -> None:
    env = dict(os.environ, HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(videowall_cmd(), capture_output=True, text=True, timeout=60, check=False, env=env)
    assert result.returncode == 2
    assert "videowall demo" in result.stderr and "--host" in result.stderr and "--config" in result.stderr
    result = subprocess.run(videowall_cmd("--host", "tcp://127.0.0.1:1"), capture_output=True, text=True, timeout=60,
                            check=False, env=env)
    assert result.returncode == 2 and "--server-key" in result.stderr


def test_console_runs_its_own_centre_from_a_config(tmp_path: Path, sim: SimSite) -> None:
    """`videowall --config host.yaml`: host, an agent per screen and the console, in one process."""
    import json
    import signal
    import time

    import yaml

    from console.matrix.catalog import build, read_catalog

    rows = "".join(f"{c.number},{c.name},{c.url},sim\n" for c in sim.cameras)
    (tmp_path / "cams.csv").write_text("number,name,main,credential\n" + rows, encoding="utf-8")
    build(read_catalog(tmp_path / "cams.csv"), tmp_path / "catalog.sqlite")
    layout = Path(__file__).resolve().parents[1] / "layouts" / "town-xinjia.yaml"
    (tmp_path / "host.yaml").write_text(yaml.safe_dump({"layout": str(layout), "catalog": "catalog.sqlite",
                                                        "role": "supervisor"}), encoding="utf-8")
    env = dict(os.environ, HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen(videowall_cmd("--log-json", "--config", str(tmp_path / "host.yaml")), stderr=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, text=True, env=env)
    assert proc.stderr is not None
    started = time.monotonic()
    try:
        for line in proc.stderr:
            if line.startswith("{") and json.loads(line).get("event") == "ready":
                break
            assert time.monotonic() - started < 30, "the console did not come up"
        else:
            raise AssertionError(f"the console exited with {proc.wait()}")
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
    assert (tmp_path / "state" / "audit.jsonl").exists() or (tmp_path / "state").is_dir()


def test_bad_arguments_are_named() -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["sim", "--size", "huge"])
    result = subprocess.run(videowall_cmd("sim", "--size", "huge"), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2 and "size must look like 320x240" in result.stderr


def test_atomic_write_keeps_a_backup_and_never_half_writes(tmp_path: Path) -> None:
    target = tmp_path / "layout.yaml"
    write_atomic(target, b"version: 1\n")
    write_atomic(target, b"version: 2\n", backup=True)
    assert target.read_bytes() == b"version: 2\n"
    assert (tmp_path / "layout.yaml.bak").read_bytes() == b"version: 1\n"

    with pytest.raises(TypeError):
        write_atomic(target, object())  # type: ignore[arg-type]
    assert target.read_bytes() == b"version: 2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["layout.yaml", "layout.yaml.bak"]


def test_credential_command_stores_in_keyring(keyring_file: Path) -> None:
    from console import credentials

    result = subprocess.run(videowall_cmd("credential", "set", "nvr-south", "--user", "viewer"),
                            input="s3cr3t-Value\n", capture_output=True, text=True, timeout=60, check=False,
                            env=dict(os.environ))
    assert result.returncode == 0, result.stderr
    assert credentials.load("nvr-south") == ("viewer", "s3cr3t-Value")
    subprocess.run(videowall_cmd("credential", "delete", "nvr-south"), check=True, timeout=60)
    with pytest.raises(credentials.CredentialError, match="no credential 'nvr-south'"):
        credentials.load("nvr-south")


def test_no_password_in_any_log_line(tmp_path: Path, sim: SimSite, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Play, fail auth, lose and regain a camera at DEBUG: the log file never has the password."""
    log_file = tmp_path / "videowall.log"
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    setup_logging("DEBUG", log_file=log_file)
    try:
        engine = VideoEngine(linger=0.5)
        try:
            good, bad = engine.player(), engine.player()
            good.play(sim.url(2))
            bad.play(sim.url(2).replace(SIM_PASSWORD, SIM_PASSWORD[::-1]))
            qtbot.waitUntil(lambda: good.health().state == "playing" and bad.health().state == "error", timeout=5000)
            logging.getLogger("videowall.test").info("playing %s", good.url)
        finally:
            engine.close()
    finally:
        for handler in root.handlers[:]:
            handler.close()
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])
    text = log_file.read_text(encoding="utf-8")
    assert "playing rtsp://operator:***@" in text  # the line is there, masked
    assert "401" in text
    assert SIM_PASSWORD not in text and SIM_PASSWORD[::-1] not in text


def test_an_unforeseen_error_is_one_line_and_the_traceback_goes_to_the_log(tmp_path: Path) -> None:
    """The last resort (console.cli.run): what no message foresaw is one line on the terminal,
    the traceback in the log file only, and no password in either."""
    import sys

    crash = ("import sys, console.cli as c\n"
             "def boom(args):\n"
             "    raise RuntimeError('cannot reach rtsp://admin:s3cret@127.0.0.1/cam/1')\n"
             "c.cmd_catalog = boom\n"
             "sys.argv = ['videowall', 'catalog', 'search', 'x']\n"
             "sys.exit(c.run())\n")
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    done = subprocess.run([sys.executable, "-c", crash], capture_output=True, text=True, timeout=60, env=env,
                          check=False)
    assert done.returncode == 70, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "videowall: unexpected error: RuntimeError: cannot reach rtsp://admin:***@127.0.0.1/cam/1", lines
    assert len(lines) == 2 and "details:" in lines[1] and "Traceback" not in done.stderr
    logged = (tmp_path / "state" / "videowall" / "videowall.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "boom" in logged and "s3cret" not in logged


def test_a_file_that_is_not_a_catalog_is_named(tmp_path: Path) -> None:
    not_db = tmp_path / "cameras.csv"
    not_db.write_text("number,name\n1,a\n", encoding="utf-8")
    done = subprocess.run(videowall_cmd("catalog", "search", "x", "--db", str(not_db)), capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 1 and f"{not_db}:1: not a camera catalog" in done.stderr
    assert "Traceback" not in done.stderr
