"""Bookmarks: a span of one or more cameras' recordings marked with a note and a case number.

The matrix host keeps them (``STATE_DIR/bookmarks.sqlite``), because it is the one place that
decides (rights, audit) and every desk and upper tier asks it; the recorder carries out what a
bookmark means for the recording: the span is kept from retention (the store's protection)
until a supervisor releases the bookmark.  The host hands the recorder the wanted protections
with every answer to its health report (`protections()`), and the recorder makes its store's
list match (`console.recorder.store.Store.sync_protections`), so a recorder that was down, or
a store restored from a backup, comes back to the same protections by itself.

A released bookmark stays in the list (who released it and when): the trail of a case must
not lose its marks.  The bus commands are here too, apart from the wall's (as the PTZ ones
are): `AddBookmark`, `ReleaseBookmark`, `FindBookmarks`.
"""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from console.matrix.commands import (
    MAX_NUMBER,
    Command,
    CommandError,
    bounded_integer,
    decode_command,
    short_repr,
)

MAX_NOTE = 2000  # characters: a paragraph an operator types, not a report
MAX_CASE = 64
MAX_CAMERAS = 16  # as many as play in sync
MAX_SPAN = 31 * 86_400.0  # a bookmark longer than a month is a retention policy, not a mark
MAX_RESULTS = 1000
PROTECTION_PREFIX = "bookmark:"  # the ref of the store's protections that bookmarks own

SCHEMA = """
CREATE TABLE IF NOT EXISTS bookmarks(
    id INTEGER PRIMARY KEY, start_utc REAL NOT NULL, end_utc REAL NOT NULL, note TEXT NOT NULL DEFAULT '',
    case_ref TEXT NOT NULL DEFAULT '', who TEXT NOT NULL, created REAL NOT NULL,
    released_by TEXT, released_at REAL);
CREATE TABLE IF NOT EXISTS bookmark_cameras(bookmark INTEGER NOT NULL, camera INTEGER NOT NULL,
    PRIMARY KEY(bookmark, camera));
CREATE INDEX IF NOT EXISTS bookmarks_start ON bookmarks(start_utc);
CREATE INDEX IF NOT EXISTS bookmark_cameras_camera ON bookmark_cameras(camera);
"""


class BookmarkError(ValueError):
    """Answered as `NA <message>`."""


@dataclass(frozen=True)
class Bookmark:
    id: int
    cameras: tuple[int, ...]
    start: float  # UTC seconds
    end: float
    note: str
    case: str
    who: str
    created: float
    released_by: str | None = None
    released_at: float | None = None

    @property
    def protected(self) -> bool:
        return self.released_at is None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "cameras": list(self.cameras), "start": self.start, "end": self.end, "note": self.note,
                "case": self.case, "who": self.who, "created": self.created, "released_by": self.released_by,
                "released_at": self.released_at}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Bookmark:
        return cls(int(data["id"]), tuple(int(c) for c in data["cameras"]), float(data["start"]), float(data["end"]),
                   str(data.get("note", "")), str(data.get("case", "")), str(data.get("who", "")),
                   float(data.get("created", 0.0)), data.get("released_by"),
                   None if data.get("released_at") is None else float(data["released_at"]))


def _printable(what: str, value: str, limit: int, *, lines: bool = False) -> str:
    allowed = "\n\t" if lines else ""
    if len(value) > limit or any((ord(ch) < 32 and ch not in allowed) or 127 <= ord(ch) < 160 for ch in value):
        raise BookmarkError(f"a bookmark's {what} is at most {limit} printable characters")
    return value.strip()


class Bookmarks:
    """The host's bookmarks.  Thread-safe; every change is one SQLite transaction."""

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- changes ----------------------------------------------------------------------------
    def add(self, who: str, cameras: Iterable[int], start: float, end: float, *, note: str = "",
            case: str = "") -> Bookmark:
        numbers = tuple(sorted({int(c) for c in cameras}))
        if not numbers:
            raise BookmarkError("a bookmark marks at least one camera")
        if len(numbers) > MAX_CAMERAS:
            raise BookmarkError(f"a bookmark marks at most {MAX_CAMERAS} cameras, not {len(numbers)}")
        if not (math.isfinite(start) and math.isfinite(end)):
            raise BookmarkError("a bookmark's start and end are moments in time")
        if end < start:
            raise BookmarkError("a bookmark ends after it starts")
        if end - start > MAX_SPAN:
            raise BookmarkError(f"a bookmark spans at most {MAX_SPAN / 86_400:g} days")
        now = self.clock()
        if start > now + 60:
            # A clock a minute off is a desk's; a mark in the future is a typing mistake.
            raise BookmarkError("a bookmark cannot start in the future")
        note = _printable("note", note, MAX_NOTE, lines=True)
        case = _printable("case number", case, MAX_CASE)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._db.execute("INSERT INTO bookmarks(start_utc, end_utc, note, case_ref, who, created) "
                                          "VALUES (?,?,?,?,?,?)", (start, end, note, case, who, now))
                number = int(cursor.lastrowid or 0)
                self._db.executemany("INSERT INTO bookmark_cameras(bookmark, camera) VALUES (?,?)",
                                     [(number, camera) for camera in numbers])
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return Bookmark(number, numbers, start, end, note, case, who, now)

    def release(self, number: int, who: str) -> Bookmark:
        """End the bookmark's protection (the mark itself stays, with who released it)."""
        found = self.get(number)
        if found is None:
            raise BookmarkError(f"no bookmark {number}")
        if found.released_at is not None:
            raise BookmarkError(f"bookmark {number} was released by {found.released_by} already")
        now = self.clock()
        with self._lock:
            self._db.execute("UPDATE bookmarks SET released_by = ?, released_at = ? WHERE id = ?", (who, now, number))
        return Bookmark(found.id, found.cameras, found.start, found.end, found.note, found.case, found.who,
                        found.created, who, now)

    # -- reading ----------------------------------------------------------------------------
    def get(self, number: int) -> Bookmark | None:
        rows = self._select("WHERE b.id = ?", (number,))
        return rows[0] if rows else None

    def find(self, *, text: str = "", case: str = "", camera: int | None = None, start: float | None = None,
             end: float | None = None, released: bool | None = None, limit: int = MAX_RESULTS) -> list[Bookmark]:
        """Newest first.  `text` is searched in the note and the case number, `case` matched
        exactly; [start, end) keeps the bookmarks that overlap it; `released` None: both."""
        where: list[str] = []
        args: list[Any] = []
        if text:
            where.append("(b.note LIKE ? ESCAPE '\\' OR b.case_ref LIKE ? ESCAPE '\\')")
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            args += [pattern, pattern]
        if case:
            where.append("b.case_ref = ?")
            args.append(case)
        if camera is not None:
            where.append("b.id IN (SELECT bookmark FROM bookmark_cameras WHERE camera = ?)")
            args.append(camera)
        if start is not None:
            where.append("b.end_utc >= ?")
            args.append(start)
        if end is not None:
            where.append("b.start_utc < ?")
            args.append(end)
        if released is not None:
            where.append("b.released_at IS NOT NULL" if released else "b.released_at IS NULL")
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self._select(clause + " ORDER BY b.start_utc DESC, b.id DESC LIMIT ?", (*args, max(1, min(limit, MAX_RESULTS))))

    def protections(self) -> list[dict[str, Any]]:
        """What the recorder must keep: one entry per camera of each bookmark not released."""
        wanted = []
        for mark in self.find(released=False, limit=MAX_RESULTS):
            for camera in mark.cameras:
                wanted.append({"ref": f"{PROTECTION_PREFIX}{mark.id}", "camera": camera, "start": mark.start,
                               # A moment (start == end) keeps the segment that holds it.
                               "end": mark.end if mark.end > mark.start else mark.start + 0.001,
                               "note": mark.case or mark.note[:80]})
        return wanted

    def _select(self, clause: str, args: tuple[Any, ...]) -> list[Bookmark]:
        with self._lock:
            rows = self._db.execute(
                "SELECT b.id, b.start_utc, b.end_utc, b.note, b.case_ref, b.who, b.created, b.released_by, "
                "b.released_at, (SELECT group_concat(camera) FROM bookmark_cameras WHERE bookmark = b.id) "
                f"FROM bookmarks b {clause}", args).fetchall()
        return [Bookmark(int(r[0]), tuple(sorted(int(c) for c in str(r[9] or "").split(",") if c)), float(r[1]),
                         float(r[2]), str(r[3]), str(r[4]), str(r[5]), float(r[6]), r[7],
                         None if r[8] is None else float(r[8])) for r in rows]


# -- the bus commands ---------------------------------------------------------------------

@dataclass(frozen=True)
class BookmarkCommand(Command):
    """Bookmark commands change no wall: the host answers them from `Bookmarks`."""


@dataclass(frozen=True)
class AddBookmark(BookmarkCommand):
    """Mark [start, end] (UTC seconds; equal for a moment) of `cameras` with a note and a case."""

    name: ClassVar[str] = "AddBookmark"
    cameras: tuple[int, ...]
    start: float
    end: float
    note: str = ""
    case: str = ""


@dataclass(frozen=True)
class ReleaseBookmark(BookmarkCommand):
    """End a bookmark's protection from retention (a supervisor's)."""

    name: ClassVar[str] = "ReleaseBookmark"
    bookmark: int


@dataclass(frozen=True)
class FindBookmarks(BookmarkCommand):
    """The bookmarks that match, newest first (the answer's `bookmarks`)."""

    name: ClassVar[str] = "FindBookmarks"
    text: str = ""
    case: str = ""
    camera: int = 0  # 0: any camera
    start: float = 0.0  # 0: from the beginning
    end: float = 0.0  # 0: to now
    released: str = "any"  # "any", "yes", "no"


BOOKMARK_COMMANDS: dict[str, type[BookmarkCommand]] = {
    cls.name: cls for cls in (AddBookmark, ReleaseBookmark, FindBookmarks)}


def is_bookmark_command(data: object) -> bool:
    return isinstance(data, dict) and data.get("command") in BOOKMARK_COMMANDS


def bookmark_command_from_dict(data: object) -> BookmarkCommand:
    return decode_command(data, BOOKMARK_COMMANDS, lambda cls, name, _kind, value: _coerce(cls.name, name, value),
                          "bookmark command")


def _coerce(command: str, field: str, value: object) -> object:
    if field == "cameras":
        if not isinstance(value, list | tuple) or not 1 <= len(value) <= MAX_CAMERAS:
            raise CommandError(f"{command}.cameras must list 1 to {MAX_CAMERAS} cameras, not {short_repr(value)}")
        return tuple(bounded_integer(command, field, v, 1, MAX_NUMBER) for v in value)
    if field in ("camera", "bookmark"):
        return bounded_integer(command, field, value, 0 if field == "camera" else 1, MAX_NUMBER)
    if field in ("start", "end"):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
            raise CommandError(f"{command}.{field} must be a moment in UTC seconds, not {short_repr(value)}")
        return float(value)
    if field == "released":
        if value not in ("any", "yes", "no"):
            raise CommandError(f"{command}.released must be any, yes or no, not {short_repr(value)}")
        return value
    if field in ("note", "text", "case"):
        if not isinstance(value, str):
            raise CommandError(f"{command}.{field} must be a string, not {short_repr(value)}")
        return value
    raise CommandError(f"{command}.{field}: unsupported field")  # pragma: no cover - a programming error


def answer(bookmarks: Bookmarks, command: BookmarkCommand, *, who: str, role: str, rights: Iterable[str],
           audit: Callable[[str, str, dict[str, Any], str], object]) -> dict[str, Any]:
    """The host's answer to a bookmark command from `who` (role, the role's recording rights)."""
    rights = tuple(rights)
    try:
        if isinstance(command, FindBookmarks):
            if "playback" not in rights and "bookmark" not in rights:
                return _refused(who, role, "see bookmarks", "playback")
            found = bookmarks.find(text=command.text, case=command.case, camera=command.camera or None,
                                   start=command.start or None, end=command.end or None,
                                   released={"any": None, "yes": True, "no": False}[command.released])
            return {"ok": True, "answer": "AK", "bookmarks": [b.to_dict() for b in found]}
        if isinstance(command, AddBookmark):
            if "bookmark" not in rights:
                audit(who, "AddBookmark", {"cameras": list(command.cameras)}, "refused")
                return _refused(who, role, "bookmark recordings", "bookmark")
            mark = bookmarks.add(who, command.cameras, command.start, command.end, note=command.note, case=command.case)
            audit(who, "AddBookmark", {"bookmark": mark.id, "cameras": list(mark.cameras), "start": mark.start,
                                       "end": mark.end, "case": mark.case}, "ok")
            return {"ok": True, "answer": f"AK bookmark {mark.id}", "bookmark": mark.to_dict()}
        if isinstance(command, ReleaseBookmark):
            if role != "supervisor":
                audit(who, "ReleaseBookmark", {"bookmark": command.bookmark}, "refused")
                return {"ok": False, "answer": f"NA {who} is an {role}: releasing a bookmark needs a supervisor",
                        "reason": {"code": "bookmark-release-not-allowed", "args": {"role": role}}}
            mark = bookmarks.release(command.bookmark, who)
            audit(who, "ReleaseBookmark", {"bookmark": mark.id, "cameras": list(mark.cameras), "case": mark.case}, "ok")
            return {"ok": True, "answer": "AK", "bookmark": mark.to_dict()}
    except BookmarkError as exc:
        return {"ok": False, "answer": f"NA {exc}", "reason": {"code": "bookmark", "args": {"text": str(exc)}}}
    except sqlite3.Error as exc:
        # A full or broken disk under the host's state: said, and the desk keeps working.
        return {"ok": False, "answer": f"NA bookmarks cannot be written: {exc}",
                "reason": {"code": "bookmark", "args": {"text": f"bookmarks cannot be written: {exc}"}}}
    raise CommandError(f"unknown bookmark command {command.name}")  # pragma: no cover


def _refused(who: str, role: str, what: str, right: str) -> dict[str, Any]:
    return {"ok": False, "answer": f"NA {who} ({role}) may not {what}: the role lacks the {right} right",
            "reason": {"code": "no-right", "args": {"desk": who, "role": role, "right": right}}}
