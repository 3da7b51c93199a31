"""The recording store: segment files under one root, indexed in SQLite.

``ROOT/index.sqlite`` maps time to segments and keyframe offsets (what playback and export
read), records why time is missing (gaps, with the reason an operator reads) and which spans
retention must keep (protections, e.g. for an evidence case).  The files are the truth: on
open, the index is reconciled with them (a crash leaves segments marked open and files the
index never heard of), and `check()` lists whatever still disagrees.

Writes are batched: the cameras' threads change memory, and one flush a second (a thread of
the store's own, or a read that needs current rows) writes everything in one transaction, so
64 cameras cost one transaction a second, not 64 times their frame rate.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from console.recorder.segments import DISK_FULL_ERRNOS, Segment, SegmentWriter, parse_segment_path, probe_segment
from console.video.ingest import CachedPacket, Session

log = logging.getLogger("videowall.recorder")

INDEX_NAME = "index.sqlite"
SCHEMA_VERSION = "1"
FLUSH_EVERY = 1.0
MB = 1024 * 1024
# A disk-full handler frees at least this much even when the camera's segments weigh less
# (its first seconds): less would have the writer back at the wall a few packets later.
MIN_EMERGENCY_BYTES = 64 * 1024

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS segments(
    id INTEGER PRIMARY KEY, camera INTEGER NOT NULL, path TEXT NOT NULL UNIQUE,
    start_utc REAL NOT NULL, end_utc REAL NOT NULL, start_pts INTEGER, time_base TEXT,
    utc_offset REAL, frames INTEGER NOT NULL DEFAULT 0, bytes INTEGER NOT NULL DEFAULT 0,
    open INTEGER NOT NULL DEFAULT 0, codec TEXT, width INTEGER, height INTEGER);
CREATE INDEX IF NOT EXISTS segments_camera_start ON segments(camera, start_utc);
CREATE INDEX IF NOT EXISTS segments_start ON segments(start_utc);
CREATE TABLE IF NOT EXISTS keyframes(
    segment_id INTEGER NOT NULL, utc REAL NOT NULL, pts INTEGER NOT NULL, byte_offset INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS keyframes_segment ON keyframes(segment_id, pts);
CREATE TABLE IF NOT EXISTS gaps(
    id INTEGER PRIMARY KEY, camera INTEGER NOT NULL, start_utc REAL NOT NULL, end_utc REAL,
    reason TEXT NOT NULL, code TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS gaps_camera_start ON gaps(camera, start_utc);
CREATE TABLE IF NOT EXISTS protected(
    id INTEGER PRIMARY KEY, camera INTEGER, start_utc REAL NOT NULL, end_utc REAL NOT NULL,
    ref TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', created REAL NOT NULL);
"""

SEGMENT_COLUMNS = ("id, camera, path, start_utc, end_utc, start_pts, time_base, utc_offset, frames, bytes, open, "
                   "codec, width, height")


@dataclass(frozen=True)
class SegmentRow:
    id: int
    camera: int
    path: str  # relative to the store's root
    start_utc: float
    end_utc: float
    start_pts: int
    time_base: str
    utc_offset: float
    frames: int
    bytes: int
    open: bool
    codec: str
    width: int
    height: int


@dataclass(frozen=True)
class KeyframeRow:
    segment_id: int
    utc: float
    pts: int  # rebased: the segment's first packet has dts 0
    byte_offset: int  # a reader may start here (the tables before the keyframe)


@dataclass(frozen=True)
class GapRow:
    id: int
    camera: int
    start_utc: float
    end_utc: float | None  # None while the gap is still open
    reason: str
    code: str


@dataclass(frozen=True)
class Protection:
    id: int
    camera: int | None  # None: every camera
    start_utc: float
    end_utc: float
    ref: str
    note: str
    created: float


@dataclass
class _OpenGap:
    id: int
    start: float
    reason: str
    code: str


def utc_day_start(moment: float) -> float:
    day = datetime.fromtimestamp(moment, UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return day.timestamp()


class StoreBusyError(OSError):
    """The store cannot be opened as asked: another recorder writes it, or there is none."""


WRITER_LOCK = "writer.lock"


def _take_writer_lock(root: Path) -> int:
    """One writer per store: a second recorder (or a tool) reconciling the store of a running
    one would close its live segments and record its time as "recorder down".  The lock is
    the kernel's (flock), so a recorder killed with -9 leaves none behind."""
    fd = os.open(root / WRITER_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
        os.close(fd)
        raise StoreBusyError(f"{root}: another recorder (pid {holder}) is writing this store") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


class Store:
    """One recorder's store.  Thread-safe; every method may be called from any thread.

    `readonly=True` opens it beside the recorder that writes it: no reconciling, no writes."""

    def __init__(self, root: Path | str, *, flush_every: float = FLUSH_EVERY,
                 clock: Callable[[], float] = time.time, readonly: bool = False) -> None:
        self.root = Path(root)
        self.readonly = readonly
        self.clock = clock
        self.flush_every = flush_every
        self._lock = threading.RLock()
        self._writer_lock: int | None = None
        if readonly:
            # A reader beside the running recorder (--check, playback, a test): it neither
            # reconciles nor marks a clean stop; SQLite's WAL lets it read while the recorder writes.
            if not (self.root / INDEX_NAME).exists():
                raise StoreBusyError(f"{self.root}: no recordings here (no {INDEX_NAME})")
            self._db = sqlite3.connect(f"file:{self.root / INDEX_NAME}?mode=ro", uri=True, check_same_thread=False,
                                       isolation_level=None)
            self._init_state()
            self.reconcile_notes: list[str] = []
            self._next_segment = self._next_gap = self._next_protection = 0
            self._stop = threading.Event()
            self._thread = threading.Thread(target=lambda: None)
            return
        self.root.mkdir(parents=True, exist_ok=True)
        self._writer_lock = _take_writer_lock(self.root)
        self._db = sqlite3.connect(self.root / INDEX_NAME, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        # A small WAL: the index shares its disk with the segments, and a full disk must not
        # find megabytes of log waiting for a checkpoint.
        self._db.execute("PRAGMA wal_autocheckpoint=64")
        self._db.execute("PRAGMA journal_size_limit=262144")
        self._db.executescript(SCHEMA)
        self._init_state()
        self.reconcile_notes = self._reconcile()
        self._next_segment = self._max_id("segments") + 1
        self._next_gap = self._max_id("gaps") + 1
        self._next_protection = self._max_id("protected") + 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._flusher, name=f"store {self.root}", daemon=True)
        self._thread.start()

    def _init_state(self) -> None:
        self._ops: list[tuple[str, tuple[Any, ...]]] = []
        self._live: dict[int, Segment] = {}
        self._dirty: set[int] = set()
        self._deleted: set[int] = set()  # rows whose DELETE is still waiting for a flush
        self._open_gaps: dict[int, _OpenGap] = {}
        self._last_end: dict[int, float] = {}  # where each camera's recording or gap record ends
        self._closed_bytes: dict[int, int] = {}
        self._recorders: list[CameraRecorder] = []
        self._flush_failing = False
        # Retention installs its emergency handler here: (camera, bytes wanted) -> bytes freed.
        self.disk_full_handler: Callable[[int, int], int] | None = None
        self.closed = False
        self.opened_at = self.clock()

    @classmethod
    def open(cls, root: Path | str, **options: Any) -> Store:
        return cls(root, **options)

    # -- gaps ---------------------------------------------------------------------------
    def open_gap(self, camera: int, start_utc: float, reason: str, code: str = "") -> int:
        """A span from `start_utc` that is not being recorded, and why.

        Idempotent for the same reason; a new reason closes the open gap and starts another,
        so the record shows how an outage went.  A camera not writing now has its gap start
        where its last recording (or gap) ended, if that is later than the store's opening:
        the ingest tells of a lost camera only after its read timeout.
        """
        with self._lock:
            current = self._open_gaps.get(camera)
            if current is not None:
                if current.reason == reason and current.code == code:
                    return current.id
                start_utc = max(start_utc, current.start)
                self._close_gap_locked(camera, start_utc)
            elif not self._writing(camera):
                last = self._last_end.get(camera)
                if last is not None:
                    # Not before this run began (a clean stop leaves no record of its own),
                    # nor before the last frame ended (its UTC may run a frame ahead of now).
                    start_utc = max(last, min(self.opened_at, start_utc))
            gap = _OpenGap(self._next_gap, start_utc, reason, code)
            self._next_gap += 1
            self._open_gaps[camera] = gap
            self._ops.append(("INSERT INTO gaps(id, camera, start_utc, end_utc, reason, code) VALUES (?,?,?,NULL,?,?)",
                              (gap.id, camera, start_utc, reason, code)))
            return gap.id

    def close_gap(self, camera: int, end_utc: float) -> None:
        with self._lock:
            self._close_gap_locked(camera, end_utc)

    def _close_gap_locked(self, camera: int, end_utc: float) -> None:
        gap = self._open_gaps.pop(camera, None)
        if gap is None:
            return
        end_utc = max(end_utc, gap.start)
        self._ops.append(("UPDATE gaps SET end_utc = ? WHERE id = ?", (end_utc, gap.id)))
        self._last_end[camera] = max(self._last_end.get(camera, end_utc), end_utc)

    def open_gap_of(self, camera: int) -> GapRow | None:
        with self._lock:
            gap = self._open_gaps.get(camera)
            return GapRow(gap.id, camera, gap.start, None, gap.reason, gap.code) if gap else None

    def _writing(self, camera: int) -> bool:
        return any(s.camera == camera for s in self._live.values())

    # -- reading ------------------------------------------------------------------------
    def segments(self, camera: int, start: float = float("-inf"), end: float = float("inf")) -> list[SegmentRow]:
        """Segments overlapping [start, end), oldest first (an open one with its progress)."""
        with self._lock:
            self.flush()
            rows = self._db.execute(f"SELECT {SEGMENT_COLUMNS} FROM segments WHERE camera = ? AND end_utc > ? "
                                    "AND start_utc < ? ORDER BY start_utc", (camera, _db_time(start), _db_time(end)))
            return [_segment_row(row) for row in rows if row[0] not in self._deleted]

    def segment(self, segment_id: int) -> SegmentRow | None:
        with self._lock:
            self.flush()
            row = self._db.execute(f"SELECT {SEGMENT_COLUMNS} FROM segments WHERE id = ?", (segment_id,)).fetchone()
            return _segment_row(row) if row and segment_id not in self._deleted else None

    def keyframes(self, segment_id: int) -> list[KeyframeRow]:
        with self._lock:
            self.flush()
            rows = self._db.execute("SELECT segment_id, utc, pts, byte_offset FROM keyframes WHERE segment_id = ? "
                                    "ORDER BY pts", (segment_id,))
            return [KeyframeRow(*row) for row in rows]

    def locate(self, camera: int, moment: float) -> tuple[SegmentRow, KeyframeRow] | None:
        """The segment holding `moment` and the last keyframe at or before it (where playback
        starts decoding), or None if that moment was not recorded."""
        for segment in self.segments(camera, moment, moment + 1e-6):
            if segment.start_utc <= moment < segment.end_utc:
                keys = [k for k in self.keyframes(segment.id) if k.utc <= moment + 1e-6]
                if keys:
                    return segment, keys[-1]
        return None

    def gaps(self, camera: int, start: float = float("-inf"), end: float = float("inf")) -> list[GapRow]:
        with self._lock:
            self.flush()
            rows = self._db.execute("SELECT id, camera, start_utc, end_utc, reason, code FROM gaps WHERE camera = ? "
                                    "AND (end_utc IS NULL OR end_utc > ?) AND start_utc < ? ORDER BY start_utc, id",
                                    (camera, _db_time(start), _db_time(end)))
            return [GapRow(*row) for row in rows]

    def coverage(self, camera: int, start: float = float("-inf"), end: float = float("inf"),
                 slack: float = 0.5) -> list[tuple[float, float]]:
        """The recorded spans within [start, end), merged where they are less than `slack`
        seconds apart (a frame interval between segments is no hole)."""
        spans: list[list[float]] = []
        for segment in self.segments(camera, start, end):
            begin, finish = max(segment.start_utc, start), min(segment.end_utc, end)
            if finish <= begin:
                continue
            if spans and begin <= spans[-1][1] + slack:
                spans[-1][1] = max(spans[-1][1], finish)
            else:
                spans.append([begin, finish])
        return [(a, b) for a, b in spans]

    def cameras(self) -> list[int]:
        with self._lock:
            self.flush()
            rows = self._db.execute("SELECT DISTINCT camera FROM segments UNION SELECT DISTINCT camera FROM gaps")
            return sorted(int(row[0]) for row in rows)

    # -- protection ---------------------------------------------------------------------
    def protect(self, camera: int | None, start: float, end: float, ref: str = "", note: str = "") -> int:
        """Keep [start, end) of one camera (None: all) from retention, e.g. for a case."""
        if end <= start:
            raise ValueError("a protected span must end after it starts")
        with self._lock:
            pid = self._next_protection
            self._next_protection += 1
            self._ops.append(("INSERT INTO protected(id, camera, start_utc, end_utc, ref, note, created) "
                              "VALUES (?,?,?,?,?,?,?)", (pid, camera, start, end, ref, note, self.clock())))
            self.flush()
            return pid

    def unprotect(self, protection_id: int) -> bool:
        with self._lock:
            self.flush()
            found = self._db.execute("SELECT 1 FROM protected WHERE id = ?", (protection_id,)).fetchone()
            self._ops.append(("DELETE FROM protected WHERE id = ?", (protection_id,)))
            self.flush()
            return found is not None

    def sync_protections(self, wanted: Iterable[Mapping[str, Any]], prefix: str) -> tuple[int, int]:
        """Make the protections whose ref starts with `prefix` exactly `wanted` (each with ref,
        camera, start, end, note): what the matrix host says its bookmarks keep.  Returns
        (added, removed).  Protections of other owners (an export's, one set by hand) stay."""
        target = {(str(w["ref"]), None if w.get("camera") is None else int(w["camera"]), float(w["start"]),
                   float(w["end"])): str(w.get("note", "")) for w in wanted if str(w.get("ref", "")).startswith(prefix)}
        have = {(p.ref, p.camera, p.start_utc, p.end_utc): p.id for p in self.protections() if p.ref.startswith(prefix)}
        removed = sum(1 for key, pid in have.items() if key not in target and self.unprotect(pid))
        added = 0
        for key, note in target.items():
            if key not in have and key[3] > key[2]:
                self.protect(key[1], key[2], key[3], key[0], note)
                added += 1
        return added, removed

    def protections(self) -> list[Protection]:
        with self._lock:
            self.flush()
            rows = self._db.execute("SELECT id, camera, start_utc, end_utc, ref, note, created FROM protected ORDER BY id")
            return [Protection(*row) for row in rows]

    # -- health and space ---------------------------------------------------------------
    def health(self, camera: int) -> dict[str, Any]:
        now = self.clock()
        today = utc_day_start(now)
        with self._lock:
            self.flush()
            live = [s for s in self._live.values() if s.camera == camera]
            last_end, = self._db.execute("SELECT MAX(end_utc) FROM segments WHERE camera = ?", (camera,)).fetchone()
            bytes_today, = self._db.execute("SELECT COALESCE(SUM(bytes), 0) FROM segments WHERE camera = ? "
                                            "AND start_utc >= ? AND open = 0", (camera, today)).fetchone()
            gaps_today, = self._db.execute("SELECT COUNT(*) FROM gaps WHERE camera = ? AND "
                                           "(end_utc IS NULL OR end_utc > ?)", (camera, today)).fetchone()
            gap = self._open_gaps.get(camera)
        bitrate = 0.0
        for segment in live:
            last_end = max(last_end or 0.0, segment.end_utc)
            if segment.start_utc >= today:
                bytes_today += segment.bytes
            span = segment.end_utc - segment.start_utc
            if span > 0:
                bitrate = segment.bytes * 8 / span
        return {
            "recording": any(now - s.last_arrival < 3.0 for s in live),
            "last_segment_end": last_end,
            "bytes_today": int(bytes_today),
            "gaps_today": int(gaps_today),
            "bitrate": bitrate,
            "gap": {"reason": gap.reason, "code": gap.code, "since": gap.start} if gap else None,
        }

    def bytes_used(self, camera: int | None = None) -> int:
        with self._lock:
            if camera is None:
                return sum(self._closed_bytes.values()) + sum(s.bytes for s in self._live.values())
            return self._closed_bytes.get(camera, 0) + sum(s.bytes for s in self._live.values() if s.camera == camera)

    def bytes_by_camera(self) -> dict[int, int]:
        with self._lock:
            used = dict(self._closed_bytes)
            for segment in self._live.values():
                used[segment.camera] = used.get(segment.camera, 0) + segment.bytes
            return used

    def free_bytes(self) -> int:
        found = os.statvfs(self.root)
        return int(found.f_bavail * found.f_frsize)

    def disk_usage(self) -> dict[str, int]:
        """Bytes the store's segments and index use, and what its filesystem has free."""
        found = os.statvfs(self.root)
        index = 0
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                index += (self.root / (INDEX_NAME + suffix)).stat().st_size
        return {"used": self.bytes_used() + index, "segments": self.bytes_used(), "index": index,
                "free": int(found.f_bavail * found.f_frsize), "total": int(found.f_blocks * found.f_frsize)}

    def disk_full(self, camera: int, wanted: int) -> int:
        """A writer hit a full disk: have retention free at least `wanted` bytes (oldest first)."""
        handler = self.disk_full_handler
        if handler is None:
            return 0
        try:
            return handler(camera, max(wanted, MIN_EMERGENCY_BYTES))
        except Exception:  # a retention bug must not take the camera's thread down
            log.exception("recorder: the disk-full handler failed")
            return 0

    # -- for retention ------------------------------------------------------------------
    def deletable(self, *, camera: int | None = None, before: float | None = None, limit: int = 500) -> list[SegmentRow]:
        """Closed segments no protection covers, oldest first."""
        sql = (f"SELECT {SEGMENT_COLUMNS} FROM segments s WHERE open = 0 AND NOT EXISTS (SELECT 1 FROM protected p "
               "WHERE (p.camera IS NULL OR p.camera = s.camera) AND p.start_utc < s.end_utc AND p.end_utc > s.start_utc)")
        params: list[Any] = []
        if camera is not None:
            sql += " AND camera = ?"
            params.append(camera)
        if before is not None:
            sql += " AND end_utc <= ?"
            params.append(before)
        sql += " ORDER BY start_utc, id LIMIT ?"
        with self._lock:
            self.flush()
            rows = self._db.execute(sql, (*params, limit + len(self._deleted)))
            found = [_segment_row(row) for row in rows if row[0] not in self._deleted and row[0] not in self._live]
        return found[:limit]

    def delete_segments(self, rows: Iterable[SegmentRow]) -> int:
        """Delete closed segments, files first (that is what frees the disk); bytes freed."""
        freed = 0
        with self._lock:
            for row in rows:
                if row.id in self._live or row.id in self._deleted:
                    continue
                full = self.root / row.path
                try:
                    size = full.stat().st_size
                    full.unlink()
                except FileNotFoundError:
                    size = 0
                except OSError as exc:
                    log.warning("recorder: cannot delete %s: %s", full, exc)
                    continue
                freed += size
                self._deleted.add(row.id)
                self._ops.append(("DELETE FROM keyframes WHERE segment_id = ?", (row.id,)))
                self._ops.append(("DELETE FROM segments WHERE id = ?", (row.id,)))
                self._closed_bytes[row.camera] = max(0, self._closed_bytes.get(row.camera, 0) - row.bytes)
                for directory in (full.parent, full.parent.parent):
                    try:
                        directory.rmdir()  # only when empty: a day (or camera) with nothing left
                    except OSError:
                        break
        return freed

    # -- writers (CameraRecorder) -------------------------------------------------------
    def _register(self, recorder: CameraRecorder) -> None:
        with self._lock:
            if self.closed:
                raise RuntimeError("the store is closed")
            self._recorders.append(recorder)

    def _unregister(self, recorder: CameraRecorder) -> None:
        with self._lock:
            if recorder in self._recorders:
                self._recorders.remove(recorder)

    def _segment_opened(self, segment: Segment) -> None:
        with self._lock:
            segment.id = self._next_segment
            self._next_segment += 1
            self._live[segment.id] = segment
            self._ops.append((f"INSERT INTO segments({SEGMENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,1,?,?,?)",
                              (segment.id, segment.camera, segment.path.as_posix(), segment.start_utc, segment.end_utc,
                               segment.start_pts, _tb_text(segment.time_base), segment.utc_offset, segment.frames,
                               segment.bytes, segment.codec, segment.width, segment.height)))
            self._dirty.add(segment.id)

    def _keyframe(self, segment: Segment, utc: float, pts: int, offset: int) -> None:
        with self._lock:
            self._ops.append(("INSERT INTO keyframes(segment_id, utc, pts, byte_offset) VALUES (?,?,?,?)",
                              (segment.id, utc, pts, offset)))
            self._dirty.add(segment.id)

    def _progress(self, segment: Segment) -> None:
        with self._lock:
            self._dirty.add(segment.id)

    def _segment_closed(self, segment: Segment) -> None:
        with self._lock:
            if self._live.pop(segment.id, None) is None:
                return
            self._dirty.discard(segment.id)
            self._ops.append(("UPDATE segments SET end_utc = ?, frames = ?, bytes = ?, open = 0 WHERE id = ?",
                              (segment.end_utc, segment.frames, segment.bytes, segment.id)))
            self._closed_bytes[segment.camera] = self._closed_bytes.get(segment.camera, 0) + segment.bytes
            self._last_end[segment.camera] = max(self._last_end.get(segment.camera, segment.end_utc), segment.end_utc)

    # -- flushing -----------------------------------------------------------------------
    def flush(self) -> bool:
        """Write what changed in one transaction; False if the database could not take it
        (a full disk): it stays queued and goes with the next flush."""
        with self._lock:
            if self.closed:
                return False
            ops = self._ops
            progress = [(s.end_utc, s.frames, s.bytes, s.id) for sid in self._dirty if (s := self._live.get(sid))]
            if not ops and not progress:
                return True
            self._ops = []
            self._dirty.clear()
            try:
                self._db.execute("BEGIN")
                for sql, params in ops:
                    self._db.execute(sql, params)
                self._db.executemany("UPDATE segments SET end_utc = ?, frames = ?, bytes = ? WHERE id = ?", progress)
                self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('alive', ?)", (repr(self.clock()),))
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                self._ops = ops + self._ops
                self._dirty.update(p[3] for p in progress)
                if not self._flush_failing:
                    log.warning("recorder: the index %s cannot be written (%s); its changes wait in memory",
                                self.root / INDEX_NAME, exc)
                self._flush_failing = True
                return False
            if self._flush_failing:
                log.info("recorder: the index %s is written again", self.root / INDEX_NAME)
            self._flush_failing = False
            self._deleted.clear()
            return True

    def _flusher(self) -> None:
        while not self._stop.wait(self.flush_every):
            try:
                self.flush()
            except Exception:  # the next second tries again
                log.exception("recorder: flushing the index failed")

    def close(self) -> None:
        """Close open segments and gaps and mark the stop as clean (no "recorder down" gap)."""
        if self.readonly:
            with self._lock:
                if not self.closed:
                    self.closed = True
                    self._db.close()
            return
        with self._lock:
            if self.closed:
                return
            recorders = list(self._recorders)
        for recorder in recorders:
            recorder.close()
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join(5)
        with self._lock:
            now = self.clock()
            for camera in list(self._open_gaps):
                self._close_gap_locked(camera, now)
            self._ops.append(("INSERT OR REPLACE INTO meta(key, value) VALUES ('clean', '1')", ()))
            if not self.flush():
                log.warning("recorder: the index could not be written at close; the next open reconciles it")
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.closed = True
            self._db.close()
            if self._writer_lock is not None:
                os.close(self._writer_lock)  # and with it the lock
                self._writer_lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- reconcile and check ------------------------------------------------------------
    def _max_id(self, table: str) -> int:
        row = self._db.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()
        return int(row[0])

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _segment_files(self) -> Iterator[Path]:
        for camera_dir in self.root.iterdir():
            if camera_dir.is_dir() and camera_dir.name.isdigit():
                yield from (p for p in camera_dir.glob("*/*.ts") if p.is_file())

    def _reconcile(self) -> list[str]:
        """Bring the index in line with the files after whatever ended the last run."""
        notes: list[str] = []
        now = self.opened_at
        db = self._db
        clean = self._meta("clean") == "1"
        fresh = self._meta("schema") is None
        alive_text = self._meta("alive")
        alive = float(alive_text) if alive_text else now
        db.execute("BEGIN")
        if fresh:
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
        indexed: set[str] = set()
        for row in [_segment_row(r) for r in db.execute(f"SELECT {SEGMENT_COLUMNS} FROM segments")]:
            indexed.add(row.path)
            full = self.root / row.path
            if not full.exists():
                db.execute("DELETE FROM keyframes WHERE segment_id = ?", (row.id,))
                db.execute("DELETE FROM segments WHERE id = ?", (row.id,))
                db.execute("INSERT INTO gaps(camera, start_utc, end_utc, reason, code) VALUES (?,?,?,?,?)",
                           (row.camera, row.start_utc, row.end_utc, "segment file missing", "missing"))
                notes.append(f"{row.path}: the file is missing; its span is now a gap")
                continue
            if row.open:
                try:
                    info = probe_segment(full)
                except (av.error.FFmpegError, ValueError, OSError) as exc:
                    db.execute("DELETE FROM keyframes WHERE segment_id = ?", (row.id,))
                    db.execute("DELETE FROM segments WHERE id = ?", (row.id,))
                    full.unlink(missing_ok=True)  # a crash right after it opened: no frame in it
                    notes.append(f"{row.path}: left open with nothing readable ({exc}); removed")
                    continue
                end = row.start_utc + float((info.last_pts + info.frame_duration) * info.time_base)
                db.execute("UPDATE segments SET end_utc = ?, frames = ?, bytes = ?, open = 0 WHERE id = ?",
                           (end, len(info.frames), info.size, row.id))
                db.execute("DELETE FROM keyframes WHERE segment_id = ?", (row.id,))
                db.executemany("INSERT INTO keyframes(segment_id, utc, pts, byte_offset) VALUES (?,?,?,?)",
                               [(row.id, row.start_utc + float(pts * info.time_base), pts, offset)
                                for pts, offset in info.keyframe_offsets])
                notes.append(f"{row.path}: closed after a crash ({len(info.frames)} frames, {info.size} bytes)")
        for full in sorted(self._segment_files()):
            relative = full.relative_to(self.root).as_posix()
            if relative in indexed:
                continue
            named = parse_segment_path(full)
            if named is None:
                continue  # not ours; check() tells
            camera, start = named
            try:
                info = probe_segment(full)
            except (av.error.FFmpegError, ValueError, OSError):
                continue  # unreadable; check() tells, and the file stays for someone to look at
            cursor = db.execute(
                f"INSERT INTO segments({SEGMENT_COLUMNS}) VALUES (NULL,?,?,?,?,?,?,?,?,?,0,?,?,?)",
                (camera, relative, start, start + info.duration, info.first_pts, _tb_text(info.time_base),
                 start - float(info.first_pts * info.time_base), len(info.frames), info.size,
                 info.codec, info.width, info.height))
            db.executemany("INSERT INTO keyframes(segment_id, utc, pts, byte_offset) VALUES (?,?,?,?)",
                           [(cursor.lastrowid, start + float((pts - info.first_pts) * info.time_base), pts, offset)
                            for pts, offset in info.keyframe_offsets])
            notes.append(f"{relative}: found on disk, not in the index; added")
        # Gaps left open by the last run end when it was last alive.
        for gap_id, start in list(db.execute("SELECT id, start_utc FROM gaps WHERE end_utc IS NULL")):
            db.execute("UPDATE gaps SET end_utc = ? WHERE id = ?", (max(start, min(alive, now)), gap_id))
        ends: dict[int, float] = {}
        for camera, end in db.execute("SELECT camera, MAX(end_utc) FROM segments GROUP BY camera"):
            ends[int(camera)] = float(end)
        for camera, end in db.execute("SELECT camera, MAX(end_utc) FROM gaps GROUP BY camera"):
            ends[int(camera)] = max(ends.get(int(camera), float(end)), float(end))
        if not clean and not fresh:
            for camera, end in sorted(ends.items()):
                # From the end of the last frame, which may be a frame's length after `now`
                # if the recorder died a moment ago.
                db.execute("INSERT INTO gaps(camera, start_utc, end_utc, reason, code) VALUES (?,?,?,?,?)",
                           (camera, end, max(end, now), "recorder down", "recorder_down"))
                ends[camera] = max(end, now)
            if ends:
                notes.append(f"the recorder was not stopped cleanly: {len(ends)} cameras have a 'recorder down' gap")
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('clean', '0')")
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('alive', ?)", (repr(now),))
        db.execute("COMMIT")
        self._last_end = ends
        self._closed_bytes = {int(c): int(b) for c, b in db.execute("SELECT camera, SUM(bytes) FROM segments GROUP BY camera")}
        for note in notes:
            log.info("recorder store %s: %s", self.root, note)
        return notes

    def check(self, *, decode: bool = True) -> list[str]:
        """What disagrees between the index and the files ([] for a sound store)."""
        problems: list[str] = []
        with self._lock:
            self.flush()
            rows = [_segment_row(r) for r in self._db.execute(f"SELECT {SEGMENT_COLUMNS} FROM segments ORDER BY id")]
            keyed = {int(r[0]) for r in self._db.execute("SELECT DISTINCT segment_id FROM keyframes")}
            live = set(self._live)
        indexed = {row.path for row in rows}
        for row in rows:
            full = self.root / row.path
            if not full.exists():
                problems.append(f"{row.path}: in the index, but the file is missing")
                continue
            size = full.stat().st_size
            # A reader beside the running recorder sees its open segments grow: not a mismatch.
            being_written = row.id in live or (self.readonly and row.open)
            if not being_written and size != row.bytes:
                problems.append(f"{row.path}: {size} bytes on disk, {row.bytes} in the index")
            if row.id not in keyed:
                problems.append(f"{row.path}: no keyframe in the index")
            try:
                info = probe_segment(full)
            except (av.error.FFmpegError, ValueError, OSError) as exc:
                problems.append(f"{row.path}: unreadable ({exc})")
                continue
            if info.error and not being_written:
                problems.append(f"{row.path}: damaged after {len(info.frames)} frames ({info.error})")
            elif not being_written and len(info.frames) != row.frames:
                problems.append(f"{row.path}: {len(info.frames)} frames in the file, {row.frames} in the index")
            if decode and not _decodes(full):
                problems.append(f"{row.path}: undecodable (no picture from its first keyframe)")
        for full in sorted(self._segment_files()):
            relative = full.relative_to(self.root).as_posix()
            if relative not in indexed:
                problems.append(f"{relative}: file not in the index")
        return problems

    # -- helpers for tests and tools -----------------------------------------------------
    def path_of(self, row: SegmentRow) -> Path:
        return self.root / row.path


def _decodes(path: Path) -> bool:
    try:
        with av.open(str(path), format="mpegts") as container:
            for _frame in container.decode(video=0):
                return True
    except (av.error.FFmpegError, ValueError, OSError):
        return False
    return False


def _db_time(value: float) -> float:
    # SQLite stores inf as a REAL fine, but -inf/inf from callers read more clearly as bounds.
    return max(min(value, 1e300), -1e300)


def _tb_text(tb: Fraction) -> str:
    return f"{tb.numerator}/{tb.denominator}"


def _segment_row(row: Any) -> SegmentRow:
    return SegmentRow(int(row[0]), int(row[1]), str(row[2]), float(row[3]), float(row[4]), int(row[5] or 0),
                      str(row[6] or ""), float(row[7] or 0.0), int(row[8]), int(row[9]), bool(row[10]),
                      str(row[11] or ""), int(row[12] or 0), int(row[13] or 0))


class CameraRecorder:
    """Records one camera: a PacketSink for its Ingest, writing through a SegmentWriter.

    It closes the camera's open gap when the first keyframe is written again.  It opens no
    gap itself when a session ends: the service does, from the ingest's state, which knows
    why (connection refused, 401...); Store.open_gap starts it where the recording stopped.
    On a full disk it has retention make room, retries the packet once, and otherwise logs
    one message, opens a "disk full" gap and drops packets, retrying at keyframes.
    """

    def __init__(self, store: Store, camera: int, *, segment_seconds: float = 60.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.camera = camera
        self._lock = threading.Lock()
        self.writer = SegmentWriter(store.root, camera, self, segment_seconds=segment_seconds, clock=clock)
        self.clock = clock
        self._largest = 0  # the largest segment written lately: what a disk-full retry must free
        self._freed_last = 0
        self.closed = False
        store._register(self)

    # -- PacketSink (the ingest's thread) -----------------------------------------------
    def on_session_start(self, session: Session) -> None:
        with self._lock:
            if not self.closed:
                self.writer.start_session(session)

    def on_packet(self, session: Session, packet: CachedPacket) -> None:
        with self._lock:
            if self.closed:
                return
            self.writer.write(session, packet)
            segment = self.writer.segment
            if segment is not None and segment.id:
                self.store._progress(segment)

    def on_session_end(self, session: Session) -> None:
        with self._lock:
            if not self.closed:
                self.writer.end_session()

    def close(self) -> None:
        with self._lock:
            if self.closed:
                return
            self.closed = True
            self.writer.close()
        self.store._unregister(self)

    # -- SegmentListener ----------------------------------------------------------------
    def segment_opened(self, segment: Segment) -> None:
        self.store._segment_opened(segment)
        self.store.close_gap(self.camera, segment.start_utc)

    def keyframe_written(self, segment: Segment, utc: float, pts: int, offset: int) -> None:
        self.store._keyframe(segment, utc, pts, offset)
        self._largest = max(self._largest, segment.bytes)

    def segment_closed(self, segment: Segment) -> None:
        self._largest = max(segment.bytes, self._largest // 2)  # follows the camera's bitrate down too
        self.store._segment_closed(segment)

    def disk_full(self, segment: Segment | None, error: OSError) -> bool:
        wanted = 2 * max(self._largest, segment.bytes if segment else 0)
        self._freed_last = self.store.disk_full(self.camera, wanted)
        return self._freed_last > 0

    def write_failed(self, error: OSError, last_end: float | None) -> None:
        free_mb = self.store.free_bytes() / MB
        if error.errno is not None and error.errno in DISK_FULL_ERRNOS:
            if self._freed_last:
                message = (f"recorder store {self.store.root} is full ({free_mb:.1f} MB free) even after deleting "
                           f"old recordings: camera {self.camera} is not being recorded")
            else:
                message = (f"recorder store {self.store.root} is full ({free_mb:.1f} MB free) and holds nothing "
                           f"unprotected to delete: camera {self.camera} is not being recorded")
            reason, code = "disk full", "disk_full"
        else:
            message = f"camera {self.camera} is not being recorded: writing into {self.store.root} fails ({error})"
            reason, code = f"write error: {error.strerror or error}", "write_error"
        log.error("%s", message)
        self.store.open_gap(self.camera, last_end if last_end is not None else self.clock(), reason, code)

    def write_resumed(self, segment: Segment) -> None:
        log.info("camera %d is recorded again into %s", self.camera, self.store.root)
