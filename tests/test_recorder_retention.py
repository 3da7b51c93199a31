"""Retention on real recordings: what goes (oldest, unprotected, closed), what stays, and a
real full disk (a tmpfs) that the recorder must record through."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from console.recorder.retention import Retention
from console.recorder.store import CameraRecorder, SegmentRow, Store
from console.sim.site import SimSite
from console.video.ingest import Ingest

DAY = 86400.0
CAMERAS = (1, 2)


def record(store: Store, ingests: dict[int, Ingest], seconds: float, *, ago: float = 0.0,
           segment_seconds: float = 1.0) -> None:
    """Record the running ingests for `seconds`, their wall clock set `ago` seconds back."""
    recorders = {n: CameraRecorder(store, n, segment_seconds=segment_seconds, clock=lambda: time.time() - ago)
                 for n in ingests}
    for n, ingest in ingests.items():
        ingest.attach(recorders[n])
    time.sleep(seconds)
    for n, ingest in ingests.items():
        ingest.detach(recorders[n])
        recorders[n].close()


@pytest.fixture(scope="module")
def template(sim: SimSite, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two cameras in 1 s segments: ~3 s recorded as if 40 days ago, then ~5 s now."""
    root = tmp_path_factory.mktemp("retention") / "store"
    store = Store(root)
    ingests = {n: Ingest(sim.url(n)).start() for n in CAMERAS}
    try:
        deadline = time.monotonic() + 10
        while any(i.session is None for i in ingests.values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        record(store, ingests, 3.5, ago=40 * DAY)
        record(store, ingests, 5.0)
    finally:
        for ingest in ingests.values():
            ingest.stop()
        store.close()
    return root


@pytest.fixture
def store(template: Path, tmp_path: Path) -> Iterator[Store]:
    root = tmp_path / "store"
    shutil.copytree(template, root)
    opened = Store(root)
    yield opened
    opened.close()


def everything(store: Store) -> list[SegmentRow]:
    return sorted((s for n in CAMERAS for s in store.segments(n)), key=lambda s: (s.start_utc, s.id))


def test_keep_days_deletes_what_is_older_and_nothing_else(store: Store) -> None:
    now = time.time()
    before = everything(store)
    old = [s for s in before if s.end_utc < now - 30 * DAY]
    assert len(old) >= 3 and len(before) - len(old) >= 6
    notes = Retention(store, keep_days=30, min_free_bytes=None).run(now)
    assert notes == [f"deleted {len(old)} segments ({sum(s.bytes for s in old) / 1024 / 1024:.1f} MB) older than 30 days"]
    after = everything(store)
    assert [s.id for s in after] == [s.id for s in before if s not in old]
    assert not any(store.path_of(s).exists() for s in old)
    assert not any(store.keyframes(s.id) for s in old)
    assert all(store.gaps(n) == [] for n in CAMERAS)  # a deleted span is no gap
    assert store.check() == []
    assert Retention(store, keep_days=30, min_free_bytes=None).run(now) == []


def test_the_store_limit_takes_the_oldest_first_and_keeps_protected_spans(store: Store) -> None:
    before = everything(store)
    total = sum(s.bytes for s in before)
    assert store.bytes_used() == total
    retention = Retention(store, max_bytes=total - sum(s.bytes for s in before[:3]), min_free_bytes=None)
    retention.run(time.time())
    assert [s.id for s in everything(store)] == [s.id for s in before[3:]]
    assert store.bytes_used() <= retention.max_bytes  # type: ignore[operator]

    # One camera's span, and a span of every camera: kept whatever the limit.
    one = store.segments(1)[0]
    every = store.segments(2)[len(store.segments(2)) // 2]
    store.protect(1, one.start_utc + 0.1, one.start_utc + 0.2, ref="case 17", note="the first frames")
    all_id = store.protect(None, every.start_utc + 0.1, every.end_utc - 0.1, ref="case 18")
    assert [(p.camera, p.ref) for p in store.protections()] == [(1, "case 17"), (None, "case 18")]

    def kept(s: SegmentRow) -> bool:
        return (s.camera == 1 and s.start_utc < one.start_utc + 0.2 and s.end_utc > one.start_utc + 0.1) or (
            s.start_utc < every.end_utc - 0.1 and s.end_utc > every.start_utc + 0.1)

    expected = [s.id for s in everything(store) if kept(s)]
    assert len(expected) >= 3  # camera 1's, camera 2's, and camera 1's at the time of camera 2's
    retention.max_bytes = 0
    notes = retention.run(time.time())
    assert [s.id for s in everything(store)] == expected
    assert any("over its" in note and "nothing more may be deleted" in note for note in notes), notes
    assert retention.run(time.time()) == []  # an unmet limit is said once, not every run
    assert store.unprotect(all_id) and not store.unprotect(all_id)
    retention.run(time.time())
    assert [s.id for s in everything(store)] == [one.id]
    assert store.check() == []


def test_each_camera_is_held_to_its_own_limit_from_its_oldest(store: Store) -> None:
    first, second = store.segments(1), store.segments(2)
    limit = sum(s.bytes for s in first[2:])

    def survivors(segments: list[SegmentRow]) -> list[int]:
        kept = list(segments)
        while sum(s.bytes for s in kept) > limit:
            kept.pop(0)
        return [s.id for s in kept]

    expected = {1: survivors(first), 2: survivors(second)}
    assert len(expected[1]) == len(first) - 2
    notes = Retention(store, per_camera_max_bytes=limit, min_free_bytes=None).run(time.time())
    assert any(note.startswith("camera 1: deleted 2 segments") for note in notes), notes
    for n in CAMERAS:
        assert [s.id for s in store.segments(n)] == expected[n]
        assert store.bytes_used(n) <= limit


def logged(caplog: pytest.LogCaptureFixture, level: int, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == level and text in r.getMessage()]


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_full_disk_deletes_the_oldest_and_says_once_when_nothing_can_go(
        sim: SimSite, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    if os.geteuid() != 0:
        pytest.fail("this test mounts a 6 MB tmpfs to fill a real disk: run it as root")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=6m,mode=0700", "tmpfs", str(mount)], check=True)
    ingests: dict[int, Ingest] = {}
    recorders: dict[int, CameraRecorder] = {}
    store: Store | None = None
    try:
        # Leave ~700 kB (the index takes up to ~300 kB of it): two cameras fill it in seconds.
        free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
        (mount / "filler").write_bytes(b"\0" * (free - 700 * 1024))
        caplog.set_level(logging.INFO, logger="videowall")
        store = Store(mount / "store")
        Retention(store, min_free_bytes=None)  # installs the disk-full handler
        for n in CAMERAS:
            recorders[n] = CameraRecorder(store, n, segment_seconds=1)
            ingests[n] = Ingest(sim.url(n))
            ingests[n].attach(recorders[n])
            ingests[n].start()
        assert wait_for(lambda: all(store is not None and store.segments(n) for n in CAMERAS), 10)
        first = {n: store.segments(n)[0] for n in CAMERAS}
        assert wait_for(lambda: bool(logged(caplog, logging.WARNING, "is full: deleted")), 25), "the disk never filled"
        time.sleep(3)
        # Full, and still recording: the oldest went, the newest is there.
        now = time.time()
        for n in CAMERAS:
            assert not store.path_of(first[n]).exists()
            assert store.segments(n)[-1].end_utc > now - 2.5
            assert store.open_gap_of(n) is None
        assert any(not store.path_of(s).exists() for s in first.values())

        # Nothing may go: each camera says so once, and a "disk full" gap opens.
        protection = store.protect(None, 0, 1e12, ref="everything")
        assert wait_for(lambda: all(store is not None and (g := store.open_gap_of(n)) is not None
                                    and g.reason == "disk full" for n in CAMERAS), 20)
        time.sleep(2.5)  # several keyframes retried meanwhile
        for n in CAMERAS:
            said = logged(caplog, logging.ERROR, f"holds nothing unprotected to delete: camera {n} is not being recorded")
            assert len(said) == 1, said
            assert said[0].startswith(f"recorder store {store.root} is full (") and " MB free)" in said[0]
        gap_start = {n: store.open_gap_of(n).start_utc for n in CAMERAS}  # type: ignore[union-attr]

        # Released: the next keyframe makes room and recording resumes, closing the gap.
        store.unprotect(protection)
        assert wait_for(lambda: all(store is not None and store.open_gap_of(n) is None for n in CAMERAS), 10)
        time.sleep(1.5)
        for n in CAMERAS:
            gap = [g for g in store.gaps(n) if g.code == "disk_full"]
            assert len(gap) == 1 and gap[0].start_utc == gap_start[n] and gap[0].end_utc is not None
            assert any(s.start_utc == pytest.approx(gap[0].end_utc) for s in store.segments(n))
            assert len(logged(caplog, logging.INFO, f"camera {n} is recorded again")) == 1
        assert not [r for r in caplog.records if r.name == "videowall.ingest" and r.levelno >= logging.ERROR]
        for ingest in ingests.values():
            ingest.stop()
        for recorder in recorders.values():
            recorder.close()
        store.close()
        store = None
    finally:
        for ingest in ingests.values():
            ingest.stop()
        if store is not None:
            store.close()
        subprocess.run(["umount", str(mount)], check=False)
