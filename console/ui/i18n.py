"""English and Chinese: Qt translators from assets/translations, compiled when missing."""

from __future__ import annotations

import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

log = logging.getLogger("videowall.ui")

TRANSLATIONS = Path(__file__).resolve().parents[2] / "assets" / "translations"


def compiled(ts: Path) -> Path | None:
    """The .qm beside a .ts, built with lrelease if missing or older (it is not committed)."""
    qm = ts.with_suffix(".qm")
    # An installed bundle carries the .qm its build compiled (and no lrelease to make another).
    if qm.exists() and (getattr(sys, "frozen", False) or qm.stat().st_mtime >= ts.stat().st_mtime):
        return qm
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    lrelease = str(beside) if beside.exists() else shutil.which("pyside6-lrelease") or shutil.which("lrelease")
    if lrelease is None:
        log.warning("cannot compile %s: pyside6-lrelease not found", ts.name)
        return qm if qm.exists() else None
    result = subprocess.run([lrelease, "-silent", str(ts), "-qm", str(qm)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        log.warning("lrelease failed on %s: %s", ts.name, result.stderr.strip())
        return None
    return qm


def install_translator(app: QCoreApplication, language: str | None = None) -> QTranslator | None:
    """Load the translation for `language` (e.g. zh_CN) or the system locale; None for English."""
    name = language or QLocale.system().name()
    if name.startswith("en"):
        return None
    candidates = [TRANSLATIONS / f"videowall_{name}.ts", TRANSLATIONS / f"videowall_{name.split('_')[0]}.ts"]
    for ts in candidates:
        if not ts.exists():
            continue
        qm = compiled(ts)
        translator = QTranslator(app)
        if qm is not None and translator.load(str(qm)):
            app.installTranslator(translator)
            return translator
    log.info("no translation for %s; speaking English", name)
    return None
