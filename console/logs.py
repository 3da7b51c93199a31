"""Logging: one named logger per subsystem, credentials masked in every line, JSON on request."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
import time
from pathlib import Path

from console.video.urls import mask_url


class MaskingFilter(logging.Filter):
    """Rewrites the formatted message so no `user:password@` survives into any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_url(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_url(logging.Formatter().formatException(record.exc_info))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": round(record.created, 3),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in ("event", "monotonic"):  # structured fields a test or a benchmark waits on
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_text:
            entry["exc"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "videowall"


def setup_logging(level: str = "INFO", *, json_lines: bool = False, log_file: Path | None = None) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(level.upper())
    formatter: logging.Formatter = (
        JsonFormatter() if json_lines else logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(log_file, maxBytes=5 << 20, backupCount=5, encoding="utf-8"))
    for handler in handlers:
        handler.addFilter(MaskingFilter())
        handler.setFormatter(formatter)
        root.addHandler(handler)
    logging.Formatter.converter = time.localtime
    try:
        import av.logging

        # FFmpeg's own messages repeat URLs: route them through Python logging, masked.
        av.logging.set_level(av.logging.ERROR)
    except ImportError:  # pragma: no cover - av is a hard dependency
        pass


def install_crash_hook() -> None:
    """Log uncaught exceptions (masked) instead of losing them in a GUI's stderr."""

    def hook(kind, value, tb):  # type: ignore[no-untyped-def]
        # Not the default hook too: its unmasked traceback could carry a camera password.
        logging.getLogger("videowall").critical("uncaught exception", exc_info=(kind, value, tb))

    sys.excepthook = hook
