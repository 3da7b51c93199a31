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


def test_engine_reasons_reach_the_operator_in_chinese(qapp: QApplication) -> None:  # type: ignore[no-untyped-def]
    import inspect
    import re

    from console.ui.tile import TileWidget
    from console.video import ingest, player
    from console.video.player import VideoEngine

    engine = VideoEngine()
    tile = TileWidget(engine, "callbacks")
    translator = install_translator(qapp, "zh_CN")
    assert translator is not None
    try:
        assert tile.reason_text("404 not found (wrong path?)") == "404 未找到（路径错误？）"
        assert tile.reason_text("connection refused (wrong host or port?)").startswith("连接被拒绝")
        assert tile.reason_text("something new from FFmpeg") == "something new from FFmpeg"  # shown as it came
        # Every fixed reason the engine can give has a translation.
        source = inspect.getsource(ingest) + inspect.getsource(player)
        fixed = set(re.findall(r'(?:return|reason =|state, reason =|"(?:error|lost)",) "([a-z0-9][^"]*)"', source))
        fixed |= set(re.findall(r'_set_state\(IngestState\.\w+, "([^"]+)"\)', source))
        fixed |= set(re.findall(r'state, reason = "\w+", "([^"]+)"', source))
        fixed |= set(re.findall(r' else "([^"]+)"', source))
        fixed = {f for f in fixed if " " in f}
        assert fixed, "the pattern found no reasons: the test would prove nothing"
        untranslated = {f for f in fixed if tile.reason_text(f) == f}
        assert not untranslated, untranslated
    finally:
        qapp.removeTranslator(translator)
        tile.close_player()
        engine.close()


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
