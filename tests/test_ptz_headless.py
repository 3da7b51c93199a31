"""console/ptz runs in the headless matrix host: importing it must not pull in Qt."""

from __future__ import annotations

import subprocess
import sys


def test_console_ptz_imports_no_qt() -> None:
    code = (
        "import sys; sys.modules['PySide6'] = None\n"
        "import console.ptz, console.ptz.drivers, console.ptz.lines, console.ptz.onvif\n"
        "import console.ptz.pelco, console.ptz.visca, console.ptz.gb28181\n"
        "assert not any(m.startswith('PySide6.') for m in sys.modules), 'Qt was imported'\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
