"""Retention: what the store keeps, oldest recordings going first.

Limits: an age (`keep_days`), the store's total size, each camera's size, and the space left
free on the filesystem.  Only closed segments go, and never one overlapping a protected span
of its camera or of every camera.  A deleted span is simply no longer recorded: it is not a
gap (a gap says the camera was not recorded at the time).

The writers call `on_disk_full` (through `Store.disk_full`) when a write meets a full disk:
the newest recording wins, so the oldest unprotected segments make room at once.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from console.recorder.store import SegmentRow, Store

log = logging.getLogger("videowall.recorder")

DAY = 86400.0
MB = 1024 * 1024
GB = 1024 * MB
BATCH = 200


def _size(n: float) -> str:
    return f"{n / GB:.2f} GB" if n >= GB else f"{n / MB:.1f} MB"


class Retention:
    def __init__(self, store: Store, *, keep_days: float | None = None, max_bytes: int | None = None,
                 per_camera_max_bytes: int | None = None, min_free_bytes: int | None = 1 * GB) -> None:
        self.store = store
        self.keep_days = keep_days
        self.max_bytes = max_bytes
        self.per_camera_max_bytes = per_camera_max_bytes
        self.min_free_bytes = min_free_bytes
        self._lock = threading.Lock()  # the service's timer and the writers' emergencies take turns
        self._stuck: dict[str, str] = {}  # limit -> the note last given for it, said once until it changes
        store.disk_full_handler = self.on_disk_full

    def describe(self) -> dict[str, Any]:
        return {"keep_days": self.keep_days, "max_bytes": self.max_bytes,
                "per_camera_max_bytes": self.per_camera_max_bytes, "min_free_bytes": self.min_free_bytes}

    def run(self, now: float | None = None) -> list[str]:
        """Apply every limit; a note for each batch deleted and each limit that cannot be met."""
        now = time.time() if now is None else now
        notes: list[str] = []
        with self._lock:
            if self.keep_days is not None:
                cutoff = now - self.keep_days * DAY
                count, freed = self._drain(lambda: self.store.deletable(before=cutoff, limit=BATCH), lambda: False)
                if count:
                    notes.append(f"deleted {count} segments ({_size(freed)}) older than {self.keep_days:g} days")
            if self.per_camera_max_bytes is not None:
                limit = self.per_camera_max_bytes
                for camera, used in sorted(self.store.bytes_by_camera().items()):
                    if used <= limit:
                        continue
                    count, freed = self._drain(lambda c=camera: self.store.deletable(camera=c, limit=BATCH),
                                               lambda c=camera: self.store.bytes_used(c) <= limit)
                    if count:
                        notes.append(f"camera {camera}: deleted {count} segments ({_size(freed)}) to stay under "
                                     f"{_size(limit)}")
                    self._still(notes, f"camera {camera}", self.store.bytes_used(camera) > limit,
                                f"camera {camera} holds {_size(self.store.bytes_used(camera))}, over its "
                                f"{_size(limit)} limit, and nothing more of it may be deleted (protected or being written)")
            if self.max_bytes is not None:
                total_limit = self.max_bytes
                count, freed = self._drain(lambda: self.store.deletable(limit=BATCH),
                                           lambda: self.store.bytes_used() <= total_limit)
                if count:
                    notes.append(f"deleted {count} segments ({_size(freed)}) to keep the store under {_size(total_limit)}")
                self._still(notes, "total", self.store.bytes_used() > total_limit,
                            f"the store holds {_size(self.store.bytes_used())}, over its {_size(total_limit)} limit, "
                            "and nothing more may be deleted (protected or being written)")
            if self.min_free_bytes is not None:
                floor = self.min_free_bytes
                count, freed = self._drain(lambda: self.store.deletable(limit=BATCH),
                                           lambda: self.store.free_bytes() >= floor)
                if count:
                    notes.append(f"deleted {count} segments ({_size(freed)}) to keep {_size(floor)} free")
                self._still(notes, "free", self.store.free_bytes() < floor,
                            f"{self.store.root} has {_size(self.store.free_bytes())} free, under the {_size(floor)} "
                            "wanted, and nothing more may be deleted (protected or being written)")
        return notes

    def on_disk_full(self, camera: int, wanted: int) -> int:
        """A write of `camera` met a full disk: free at least `wanted` bytes, oldest first,
        whichever camera they belong to.  Returns the bytes freed (0: nothing could go)."""
        with self._lock:
            freed_total = [0]

            def enough() -> bool:
                return freed_total[0] >= wanted

            count, freed = self._drain(lambda: self.store.deletable(limit=16), enough, freed_total)
        if count:
            log.warning("recorder store %s is full: deleted the %d oldest segments (%s) for camera %d",
                        self.store.root, count, _size(freed), camera)
        return freed

    # -- inside ---------------------------------------------------------------------------
    def _drain(self, candidates: Any, done: Any, tally: list[int] | None = None) -> tuple[int, int]:
        """Delete candidates() batch by batch, oldest first, until done(); (count, bytes)."""
        count = freed = 0
        tried: set[int] = set()
        while not done():
            batch: list[SegmentRow] = [row for row in candidates() if row.id not in tried]
            if not batch:
                break  # nothing left, or only what could not be deleted (logged by the store)
            for row in batch:
                if done():
                    break
                tried.add(row.id)
                got = self.store.delete_segments([row])
                count += 1
                freed += got
                if tally is not None:
                    tally[0] += got
        if count:
            self.store.flush()
        return count, freed

    def _still(self, notes: list[str], key: str, failing: bool, note: str) -> None:
        # The timer runs every few seconds: a limit that stays unmet is said once, until it is met.
        if not failing:
            self._stuck.pop(key, None)
        elif key not in self._stuck:
            self._stuck[key] = note
            notes.append(note)
