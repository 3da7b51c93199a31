"""A long catalog import shows how far it is: a line on the terminal, a dialog on the console."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from console.matrix.catalog import Catalog, build, read_catalog
from console.sim.names import city_catalog
from console.ui.catalog_import import CatalogImport, ImportDialog
from tests.conftest import videowall_cmd


def write_city(path: Path, cameras: int) -> Path:
    entries = city_catalog(cameras, stream_base="rtsp://127.0.0.1:8554/cam/")
    if path.suffix == ".csv":
        lines = ["number,id,name,place,main"] + [
            f"{e['number']},{e['id']},{e['name']},{' / '.join(e['place'])},{e['streams']['main']}" for e in entries]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        path.write_text(yaml.dump({"version": 1, "cameras": entries}, Dumper=yaml.CSafeDumper, allow_unicode=True),
                        encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".yaml", ".csv"])
def test_every_stage_reports_until_done(tmp_path: Path, suffix: str) -> None:
    source = write_city(tmp_path / f"city{suffix}", 3000)
    seen: list[tuple[str, int, int]] = []
    cameras = read_catalog(source, lambda *step: seen.append(step))
    build(cameras, tmp_path / "catalog.sqlite", lambda *step: seen.append(step))
    reading = [(done, total) for stage, done, total in seen if stage == "reading"]
    assert len(reading) >= 3, "the file's reading is reported as it goes, not once"
    assert [d for d, _ in reading] == sorted(d for d, _ in reading)
    assert reading[-1][0] >= 0.9 * reading[-1][1]
    writing = [(done, total) for stage, done, total in seen if stage == "writing"]
    assert writing[-1] == (3000, 3000)
    assert [stage for stage, _, _ in seen][-1] == "indexing"


def _run_in_terminal(args: list[str], timeout: float = 120) -> str:
    """A command with a real terminal on its stdout (a pty), as a person would run it."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, close_fds=True)
    os.close(follower)
    out = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the other end closed: the command ended
                    break
                if not chunk:
                    break
                out += chunk
            elif proc.poll() is not None:
                break
    finally:
        proc.wait(30)
        os.close(leader)
    return out.decode("utf-8", "replace")


def test_cli_prints_a_progress_line_on_a_terminal_only(tmp_path: Path) -> None:
    # 30,000 cameras of YAML take several seconds to parse: long enough for the line to show.
    source = write_city(tmp_path / "city.yaml", 30_000)
    db = tmp_path / "catalog.sqlite"
    shown = _run_in_terminal(videowall_cmd("catalog", "import", str(source), "--db", str(db)))
    assert "30000 cameras from" in shown, shown[-500:]
    updates = [part for part in re.split(r"[\r\n]", shown) if part.strip()]
    reading = [u for u in updates if u.startswith("reading the file: ")]
    assert reading, shown[-500:]
    assert re.search(r"\d+ % \(\d+\.\d of \d+\.\d M characters, \d+\.\d M/s", reading[0])
    assert any(re.search(r"\d+ s left", u) for u in reading)
    # Into a file or a pipe: only the result, no carriage returns.
    piped = subprocess.run(videowall_cmd("catalog", "import", str(source), "--db", str(db)), capture_output=True,
                           text=True, timeout=120, check=True)
    assert "\r" not in piped.stdout and "reading the file" not in piped.stdout + piped.stderr


def test_console_import_shows_progress_and_can_be_cancelled(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = write_city(tmp_path / "city.yaml", 20_000)
    db = tmp_path / "catalog.sqlite"
    build(read_catalog(write_city(tmp_path / "small.csv", 10)), db)
    catalog = Catalog(db)
    try:
        before = db.read_bytes()
        job = CatalogImport(source, catalog)
        dialog = ImportDialog(job)
        labels: list[str] = []
        job.progressed.connect(lambda *_: labels.append(dialog.labelText()))
        with qtbot.waitSignal(job.finished, timeout=60_000) as finished:
            job.start()
            qtbot.waitUntil(lambda: any("Reading the file" in text for text in labels), timeout=30_000)
            dialog.findChild(QPushButton).click()  # the dialog's Cancel button
        assert finished.args[0] == -1 and "unchanged" in finished.args[1]
        assert job.wait(10)
        assert db.read_bytes() == before  # cancelled: the old catalog, byte for byte

        job = CatalogImport(source, catalog)
        dialog = ImportDialog(job)
        values: list[int] = []
        job.progressed.connect(lambda *_: values.append(dialog.value()))
        with qtbot.waitSignal(job.finished, timeout=120_000) as finished:
            job.start()
        assert finished.args[0] == 20_000
        assert values == sorted(values) and len(set(values)) >= 3  # the bar moved forward, stage by stage
        catalog.reopen()
        assert len(catalog) == 20_000
    finally:
        catalog.close()


def test_console_import_of_a_broken_file_says_where(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from console.ui.catalog_import import import_catalog

    db = tmp_path / "catalog.sqlite"
    build(read_catalog(write_city(tmp_path / "small.csv", 10)), db)
    broken = tmp_path / "broken.csv"
    broken.write_text("number,name,main\n1,gate,rtsp://127.0.0.1/1\nx,door,rtsp://127.0.0.1/2\n", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    catalog = Catalog(db)
    try:
        assert import_catalog(None, broken, catalog) == -1  # type: ignore[arg-type]
        assert shown and f"{broken}:3" in shown[0] and "number" in shown[0]
        assert len(catalog) == 10
    finally:
        catalog.close()
    QApplication.processEvents()
