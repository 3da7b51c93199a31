from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from console.matrix.audit import AuditLog, verify
from tests.conftest import videowall_cmd


def write_trail(path: Path, n: int = 5) -> None:
    log = AuditLog(path)
    for i in range(n):
        log.append("operator-1", "RouteCamera", {"monitor": i + 1, "camera": 1000 + i})
    log.close()


def test_a_clean_trail_verifies_and_continues_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_trail(path, 3)
    AuditLog(path).append("host", "restart", {}, sync=True)
    assert verify(path).ok and verify(path).lines == 4


@pytest.mark.parametrize("tamper", ["edit", "remove", "swap", "append-forged", "truncate-middle"])
def test_any_edit_is_detected(tmp_path: Path, tamper: str) -> None:
    path = tmp_path / "audit.jsonl"
    write_trail(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    if tamper == "edit":
        lines[2] = lines[2].replace('"camera":1002', '"camera":9999')
    elif tamper == "remove":
        del lines[1]
    elif tamper == "swap":
        lines[1], lines[2] = lines[2], lines[1]
    elif tamper == "append-forged":
        lines.append(lines[-1].replace('"seq":5', '"seq":6'))
    else:
        lines[3] = ""
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    verdict = verify(path)
    assert not verdict.ok
    assert str(path) in verdict.problem


def test_cli_verify(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    write_trail(path)
    ok = subprocess.run(videowall_cmd("audit", "verify", str(path)), capture_output=True, text=True, timeout=60, check=False)
    assert ok.returncode == 0 and "5 lines, chain intact" in ok.stdout
    path.write_text(path.read_text(encoding="utf-8").replace("operator-1", "operator-2", 1), encoding="utf-8")
    bad = subprocess.run(videowall_cmd("audit", "verify", str(path)), capture_output=True, text=True, timeout=60, check=False)
    assert bad.returncode == 1 and ":2: does not follow line 1" in bad.stderr
