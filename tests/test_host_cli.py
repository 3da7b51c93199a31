"""`videowall host`, `key` and `status` as separate processes, keys from the keyring."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import yaml

from console.matrix.catalog import build, read_catalog
from console.sim.site import free_port
from tests.conftest import ROOT, videowall_cmd


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(videowall_cmd(*args), input=stdin, capture_output=True, text=True, timeout=60, check=False)


def test_host_key_status(tmp_path: Path, keyring_file: Path) -> None:
    host_key = run("keys", "create", "host").stdout.strip()
    desk_key = run("keys", "create", "desk").stdout.strip()
    assert len(host_key) == 40 and len(desk_key) == 40
    catalog = tmp_path / "cams.csv"
    catalog.write_text("number,name,main\n" + "".join(f"{n},camera {n},rtsp://127.0.0.1/{n}\n" for n in range(1, 30)),
                       encoding="utf-8")
    build(read_catalog(catalog), tmp_path / "catalog.sqlite")
    router, pub = free_port(), free_port()
    config = tmp_path / "host.yaml"
    config.write_text(yaml.safe_dump({
        "layout": str(ROOT / "layouts" / "town-xinjia.yaml"), "catalog": "catalog.sqlite",
        "router": f"tcp://127.0.0.1:{router}", "pub": f"tcp://127.0.0.1:{pub}", "authorized": {"desk-1": desk_key},
    }), encoding="utf-8")
    host = subprocess.Popen(videowall_cmd("host", "--config", str(config)), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=dict(os.environ))
    try:
        assert host.stdout is not None
        ready = json.loads(host.stdout.readline())
        assert ready["event"] == "ready" and ready["monitors"] == 18 and ready["cameras"] == 29
        endpoint = ["--host", f"tcp://127.0.0.1:{router}", "--server-key", host_key]
        one = run("key", *endpoint, "3 MON 12 CAM")
        assert one.returncode == 0 and one.stdout.strip() == "AK", one.stderr
        many = run("key", *endpoint, stdin="4 MON 13 CAM\n99999 CAM\n5Ma14#a\n")
        assert many.stdout.split() == ["AK", "NA", "unknown", "camera", "99999", "AKaAKa"]
        assert many.returncode == 1  # one line was refused
        status = run("status", *endpoint, "--json")
        routes = json.loads(status.stdout)["routes"]
        assert routes == {"3": 12, "4": 13, "5": 14}
    finally:
        host.send_signal(signal.SIGTERM)
        host.wait(15)
    assert host.returncode == 0
    verified = run("audit", "verify", str(tmp_path / "state" / "audit.jsonl"))
    assert verified.returncode == 0, verified.stderr

    # A role that is not one: the host does not start, and says where.
    config.write_text(config.read_text(encoding="utf-8") + "roles: {desk-1: admin}\n", encoding="utf-8")
    refused = subprocess.run(videowall_cmd("host", "--config", str(config)), capture_output=True, text=True,
                             timeout=60, check=False, env=dict(os.environ))
    assert refused.returncode == 2
    assert str(config) in refused.stderr and "admin" in refused.stderr and "operator or supervisor" in refused.stderr
