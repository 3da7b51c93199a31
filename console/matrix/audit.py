"""The audit trail: append-only JSON lines, each carrying the SHA-256 of the line before.

Editing, removing or reordering any line breaks the chain from there on, and
`videowall audit verify` names the first line that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

GENESIS = "0" * 64


def line_hash(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


class AuditLog:
    """Appends entries; reopening continues the chain from the file's last line."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._last = GENESIS
        self._count = 0
        self._file: Any = None
        self._pending = False
        if self.path.exists():
            last_line = ""
            with self.path.open(encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        last_line = line.rstrip("\n")
                        self._count += 1
            if last_line:
                self._last = line_hash(last_line)

    def append(self, actor: str, action: str, detail: dict[str, Any], outcome: str = "ok", *,
               sync: bool = False) -> dict[str, Any]:
        """Add a line; durable at the next `sync()` (the host syncs before it acknowledges)."""
        with self._lock:
            entry = {"seq": self._count + 1, "ts": round(time.time(), 3), "actor": actor, "action": action,
                     "detail": detail, "outcome": outcome, "prev": self._last}
            line = json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            if self._file is None:
                self._file = self.path.open("a", encoding="utf-8")
            self._file.write(line + "\n")
            self._pending = True
            self._last = line_hash(line)
            self._count += 1
        if sync:
            self.sync()
        return entry

    def flush(self) -> None:
        """Into the page cache: the lines survive the host being killed, not yet a power cut."""
        with self._lock:
            if self._file is not None:
                self._file.flush()

    def sync(self) -> None:
        """fsync what was appended so far.  Appends may go on meanwhile (the lock is not held
        across the fsync, which takes milliseconds on a busy disk)."""
        with self._lock:
            if self._file is None or not self._pending:
                return
            self._file.flush()
            self._pending = False
            fd = os.dup(self._file.fileno())  # close() may come meanwhile
        try:
            os.fsync(fd)  # an audit line the host acknowledged must survive a crash
        finally:
            os.close(fd)

    def close(self) -> None:
        self.sync()
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


@dataclass(frozen=True)
class Verdict:
    ok: bool
    lines: int
    problem: str = ""


def verify(path: str | Path) -> Verdict:
    path = Path(path)
    previous = GENESIS
    count = 0
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        return Verdict(False, 0, f"{path}: cannot read: {exc}")
    with handle:
        for number, raw in enumerate(handle, 1):
            line = raw.rstrip("\n")
            if not line.strip():
                return Verdict(False, count, f"{path}:{number}: empty line inside the trail")
            try:
                entry = json.loads(line)
            except ValueError:
                return Verdict(False, count, f"{path}:{number}: not JSON (edited?)")
            if not isinstance(entry, dict) or entry.get("prev") != previous:
                return Verdict(False, count, f"{path}:{number}: does not follow line {number - 1} (edited, removed or reordered)")
            if entry.get("seq") != number:
                return Verdict(False, count, f"{path}:{number}: sequence {entry.get('seq')!r} where {number} was due")
            previous = line_hash(line)
            count += 1
    return Verdict(True, count)
