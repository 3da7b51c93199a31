"""What CUPS says about a print queue and its jobs, through libcups (ctypes; no Qt).

Qt's print support lists queues and prints, but does not say whether a queue accepts jobs,
and its CUPS engine drops the job id and the error of `cupsPrintFile`.  This asks the same
libcups that Qt's plugin uses (same process, same server, CUPS_SERVER honoured): the queue's
state, and, after Qt has submitted a job, its id or libcups's last error.  Where there is no
libcups (Windows), `available()` is False and callers rely on Qt alone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass
from functools import cache
from typing import Any

PRINTER_STATES = {3: "idle", 4: "printing", 5: "stopped"}
JOB_STATES = {3: "pending", 4: "held", 5: "processing", 6: "stopped", 7: "canceled", 8: "aborted", 9: "completed"}
WHICHJOBS_ALL = -1


class _Option(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class _Dest(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("instance", ctypes.c_char_p), ("is_default", ctypes.c_int),
                ("num_options", ctypes.c_int), ("options", ctypes.POINTER(_Option))]


class _Job(ctypes.Structure):
    _fields_ = [("id", ctypes.c_int), ("dest", ctypes.c_char_p), ("title", ctypes.c_char_p), ("user", ctypes.c_char_p),
                ("format", ctypes.c_char_p), ("state", ctypes.c_int), ("size", ctypes.c_int), ("priority", ctypes.c_int),
                ("completed_time", ctypes.c_long), ("creation_time", ctypes.c_long), ("processing_time", ctypes.c_long)]


@cache
def _lib() -> Any:
    name = ctypes.util.find_library("cups") or "libcups.so.2"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.cupsGetNamedDest.restype = ctypes.POINTER(_Dest)
    lib.cupsGetNamedDest.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.cupsFreeDests.argtypes = [ctypes.c_int, ctypes.POINTER(_Dest)]
    lib.cupsGetOption.restype = ctypes.c_char_p
    lib.cupsGetOption.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(_Option)]
    lib.cupsLastErrorString.restype = ctypes.c_char_p
    lib.cupsGetJobs2.restype = ctypes.c_int
    lib.cupsGetJobs2.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.POINTER(_Job)), ctypes.c_char_p, ctypes.c_int,
                                 ctypes.c_int]
    lib.cupsFreeJobs.argtypes = [ctypes.c_int, ctypes.POINTER(_Job)]
    return lib


def available() -> bool:
    return _lib() is not None


@dataclass(frozen=True)
class QueueState:
    name: str
    state: str  # idle, printing, stopped
    accepting: bool
    reasons: tuple[str, ...]
    message: str
    is_default: bool

    @property
    def paused(self) -> bool:
        return self.state == "stopped" or "paused" in self.reasons


def queue(name: str | None) -> QueueState | None:
    """The named queue (None: the default), or None if CUPS has no such queue."""
    lib = _lib()
    if lib is None:
        return None
    dest = lib.cupsGetNamedDest(None, name.encode() if name else None, None)
    if not dest:
        return None
    try:
        d = dest.contents

        def option(key: str) -> str:
            value = lib.cupsGetOption(key.encode(), d.num_options, d.options)
            return value.decode(errors="replace") if value else ""

        reasons = tuple(r for r in option("printer-state-reasons").split(",") if r and r != "none")
        return QueueState(
            name=(d.name or b"").decode(errors="replace"),
            state=PRINTER_STATES.get(int(option("printer-state") or 3), "idle"),
            accepting=option("printer-is-accepting-jobs").lower() not in ("false", "0"),
            reasons=reasons,
            message=option("printer-state-message"),
            is_default=bool(d.is_default),
        )
    finally:
        lib.cupsFreeDests(1, dest)


def last_error() -> str:
    """libcups's last error on this thread (e.g. of the print Qt just submitted)."""
    lib = _lib()
    if lib is None:
        return ""
    text = lib.cupsLastErrorString()
    return text.decode(errors="replace") if text else ""


@dataclass(frozen=True)
class Job:
    id: int
    printer: str
    title: str
    state: str


def jobs(printer: str | None = None, *, completed: bool | None = None) -> list[Job]:
    """This user's jobs (all, only completed, or only not completed)."""
    lib = _lib()
    if lib is None:
        return []
    which = WHICHJOBS_ALL if completed is None else (1 if completed else 0)
    array = ctypes.POINTER(_Job)()
    count = lib.cupsGetJobs2(None, ctypes.byref(array), printer.encode() if printer else None, 1, which)
    try:
        return [Job(array[i].id, (array[i].dest or b"").decode(errors="replace"),
                    (array[i].title or b"").decode(errors="replace"), JOB_STATES.get(array[i].state, str(array[i].state)))
                for i in range(max(0, count))]
    finally:
        if count > 0:
            lib.cupsFreeJobs(count, array)


def find_job(printer: str, title: str) -> Job | None:
    """The newest job of ours on `printer` with this title."""
    found = [j for j in jobs(printer) if j.title == title]
    return max(found, key=lambda j: j.id) if found else None
