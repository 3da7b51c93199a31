"""`videowall evidence …` as a person runs it (a child process; the CLI owner wires it into console/cli.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.evidence import capture_of, new_store

RUNNER = """
import argparse, sys
from console.evidence import cli
parser = argparse.ArgumentParser(prog="videowall")
cli.add_arguments(parser.add_subparsers(dest="command", required=True))
sys.exit(cli.run(parser.parse_args(sys.argv[1:])))
"""


def videowall(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})


def test_list_show_verify_pdf(keyring_file: Path, tmp_path: Path) -> None:
    store = new_store(tmp_path / "evidence")
    first = store.add(capture_of(1), desk="desk-1", operator="wang", case_number="C-9")
    second = store.add(capture_of(2, lost=True), desk="desk-1", operator="wang")
    root = str(store.root)
    listed = videowall("evidence", "--store", root, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [e["number"] for e in json.loads(listed.stdout)["evidence"]] == [first.number, second.number]
    shown = videowall("evidence", "--store", root, "show", first.number)
    assert shown.returncode == 0 and "C-9" in shown.stdout and first.sha256 in shown.stdout
    pdf = tmp_path / "sheet.pdf"
    made = videowall("evidence", "--store", root, "pdf", first.number, second.number, "--per-sheet", "2", "-o", str(pdf))
    assert made.returncode == 0, made.stderr
    assert "not in the host's audit trail" in made.stderr  # no centre runs here: said, and the sheet is made
    english = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    chinese_pdf = tmp_path / "sheet-zh.pdf"
    from tests.conftest import videowall_cmd

    done = subprocess.run(videowall_cmd("--lang", "zh_CN", "evidence", "--store", root, "pdf", first.number, "-o",
                                        str(chinese_pdf), "--host", "tcp://127.0.0.1:1", "--server-key", "x" * 40),
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    chinese = subprocess.run(["pdftotext", str(chinese_pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "EVIDENCE SHEET" in english and "EVIDENCE SHEET" not in chinese and "证据" in chinese, chinese[:400]
    key = tmp_path / "centre.pem"
    exported = videowall("evidence", "--store", root, "key")
    assert exported.returncode == 0, exported.stderr
    key.write_text(exported.stdout)
    good = videowall("evidence", "--store", root, "verify", str(first.image_path), str(second.sidecar_path), str(pdf),
                     first.number, "--public-key", str(key))
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.count("VALID") == 4 and "NOT VALID" not in good.stdout
    first.image_path.chmod(0o644)
    data = bytearray(first.image_path.read_bytes())
    data[len(data) // 2] ^= 0x40
    first.image_path.write_bytes(bytes(data))
    bad = videowall("evidence", "--store", root, "verify", str(first.image_path), "--json")
    assert bad.returncode == 1
    verdict = json.loads(bad.stdout)[0]
    assert not verdict["ok"] and any("was changed" in p for p in verdict["problems"])
    missing = videowall("evidence", "--store", root, "show", "XJ-20000101-0001")
    assert missing.returncode == 1 and "no evidence" in missing.stderr


def test_arguments_wire_into_the_parser() -> None:
    from console.cli import build_parser

    args = build_parser().parse_args(["snapshot", "--server-key", "K", "12", "--case", "C-1"])
    assert (args.command, args.monitor, args.case, args.server_key) == ("snapshot", 12, "C-1", "K")
    assert build_parser().parse_args(["evidence", "verify", "x.png"]).target == ["x.png"]
