from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from console.ui.i18n import TRANSLATIONS, install_translator


def test_chinese_translation_loads(qapp: QApplication) -> None:
    translator = install_translator(qapp, "zh_CN")
    assert translator is not None
    try:
        assert QCoreApplication.translate("TileWidget", "SIGNAL LOST") == "信号丢失"
        assert QCoreApplication.translate("TileWidget", "MON %1") == "监视器 %1"
    finally:
        qapp.removeTranslator(translator)
    assert QCoreApplication.translate("TileWidget", "SIGNAL LOST") == "SIGNAL LOST"


def test_every_string_is_translated() -> None:
    text = (TRANSLATIONS / "videowall_zh_CN.ts").read_text(encoding="utf-8")
    assert 'type="unfinished"' not in text
    assert "<translation></translation>" not in text


def test_english_needs_no_translator(qapp: QApplication) -> None:
    assert install_translator(qapp, "en_US") is None


def test_translation_file_covers_the_sources(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """lupdate over the UI finds no string that the shipped .ts lacks."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    copy = tmp_path / "check.ts"
    shutil.copy(TRANSLATIONS / "videowall_zh_CN.ts", copy)
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    sources = sorted(str(p) for p in (TRANSLATIONS.parents[1] / "console").rglob("*.py") if "tr(" in p.read_text())
    result = subprocess.run([str(lupdate), *sources, "-ts", str(copy), "-no-obsolete"], capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert 'type="unfinished"' not in copy.read_text(encoding="utf-8"), "new tr() strings: run pyside6-lupdate and translate"
