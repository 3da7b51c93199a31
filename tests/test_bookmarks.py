"""Bookmarks: kept by the host in SQLite, searched, released by a supervisor, and what they
mean for the recording: the recorder's store keeps a bookmarked span through a retention pass
that deletes its neighbours, until the bookmark is released."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from console.matrix.bookmarks import (
    PROTECTION_PREFIX,
    AddBookmark,
    BookmarkError,
    Bookmarks,
    FindBookmarks,
    ReleaseBookmark,
    answer,
    bookmark_command_from_dict,
    is_bookmark_command,
)
from console.matrix.commands import DEFAULT_RIGHTS, CommandError
from console.recorder.retention import Retention
from console.recorder.store import Store

# The retention tests' rig: two cameras in 1 s segments, ~3 s as if 40 days ago, ~5 s now.
from tests.test_recorder_retention import CAMERAS, DAY, everything, store, template  # noqa: F401 (fixtures)

NOW = 1_780_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def marks(tmp_path: Path) -> Bookmarks:
    return Bookmarks(tmp_path / "bookmarks.sqlite", clock=Clock())


def test_bookmarks_are_kept_found_and_released_and_survive_a_reopen(marks: Bookmarks, tmp_path: Path) -> None:
    gate = marks.add("desk-1", [3, 1, 3], NOW - 600, NOW - 540, note="红色轿车 red car at the east gate", case="2026-117")
    moment = marks.add("desk-2", [7], NOW - 60, NOW - 60, note="a fall_50%", case="")
    assert gate.cameras == (1, 3) and gate.protected and moment.start == moment.end
    assert [b.id for b in marks.find()] == [moment.id, gate.id]  # newest first
    assert [b.id for b in marks.find(text="red car")] == [gate.id]
    assert [b.id for b in marks.find(text="2026-117")] == [gate.id]  # the text search reads case numbers too
    assert [b.id for b in marks.find(text="_50%")] == [moment.id]  # LIKE's wildcards are the operator's text
    assert marks.find(text="50_%") == []
    assert [b.id for b in marks.find(case="2026-117")] == [gate.id]
    assert [b.id for b in marks.find(camera=3)] == [gate.id]
    assert [b.id for b in marks.find(start=NOW - 100, end=NOW)] == [moment.id]
    released = marks.release(gate.id, "sup-1")
    assert released.released_by == "sup-1" and not released.protected
    with pytest.raises(BookmarkError, match=f"bookmark {gate.id} was released by sup-1 already"):
        marks.release(gate.id, "sup-2")
    with pytest.raises(BookmarkError, match="no bookmark 99"):
        marks.release(99, "sup-1")
    assert [b.id for b in marks.find(released=False)] == [moment.id]
    marks.close()
    again = Bookmarks(tmp_path / "bookmarks.sqlite")
    assert again.get(gate.id) == released and again.get(moment.id) == moment


@pytest.mark.parametrize(("args", "message"), [
    (([], NOW - 10, NOW), "at least one camera"),
    ((list(range(1, 18)), NOW - 10, NOW), "at most 16 cameras"),
    (([1], NOW, NOW - 10), "ends after it starts"),
    (([1], NOW + 3600, NOW + 3700), "cannot start in the future"),
    (([1], NOW - 40 * DAY, NOW), "spans at most 31 days"),
    (([1], float("nan"), NOW), "moments in time"),
])
def test_bad_bookmarks_are_refused_in_words(marks: Bookmarks, args: tuple[Any, ...], message: str) -> None:
    with pytest.raises(BookmarkError, match=message):
        marks.add("desk-1", *args)
    with pytest.raises(BookmarkError, match="note is at most"):
        marks.add("desk-1", [1], NOW - 1, NOW, note="x" * 3000)
    with pytest.raises(BookmarkError, match="case number is at most"):
        marks.add("desk-1", [1], NOW - 1, NOW, case="a\nb")
    assert marks.find() == []


def test_the_bus_commands_and_the_rights(marks: Bookmarks) -> None:
    audit: list[tuple[str, str, dict[str, Any], str]] = []

    def ask(who: str, role: str, data: dict[str, Any]) -> dict[str, Any]:
        assert is_bookmark_command(data)
        command = bookmark_command_from_dict(data)
        return answer(marks, command, who=who, role=role, rights=DEFAULT_RIGHTS[role],
                      audit=lambda *entry: audit.append(entry))

    added = ask("desk-1", "operator", AddBookmark((2,), NOW - 30, NOW - 20, "door forced", "C-9").to_dict())
    assert added["ok"] and added["answer"] == f"AK bookmark {added['bookmark']['id']}"
    found = ask("desk-1", "operator", FindBookmarks(text="door").to_dict())
    assert [b["note"] for b in found["bookmarks"]] == ["door forced"]
    refused = ask("desk-1", "operator", ReleaseBookmark(added["bookmark"]["id"]).to_dict())
    assert not refused["ok"] and "releasing a bookmark needs a supervisor" in refused["answer"]
    assert ask("sup-1", "supervisor", ReleaseBookmark(added["bookmark"]["id"]).to_dict())["ok"]
    bad = ask("desk-1", "operator", AddBookmark((2,), NOW + 999, NOW + 1000).to_dict())
    assert bad["answer"] == "NA a bookmark cannot start in the future"
    no_right = answer(marks, AddBookmark((2,), NOW - 3, NOW), who="desk-9", role="operator", rights=("playback",),
                      audit=lambda *entry: audit.append(entry))
    assert no_right["answer"] == "NA desk-9 (operator) may not bookmark recordings: the role lacks the bookmark right"
    assert [(e[0], e[1], e[3]) for e in audit] == [
        ("desk-1", "AddBookmark", "ok"), ("desk-1", "ReleaseBookmark", "refused"), ("sup-1", "ReleaseBookmark", "ok"),
        ("desk-9", "AddBookmark", "refused")]
    for data, message in (({"command": "AddBookmark", "cameras": [], "start": 1, "end": 2}, "cameras must list"),
                          ({"command": "AddBookmark", "cameras": [1], "start": -5, "end": 2}, "moment in UTC"),
                          ({"command": "FindBookmarks", "released": "maybe"}, "any, yes or no"),
                          ({"command": "ReleaseBookmark", "bookmark": 0}, "bookmark must be from 1")):
        with pytest.raises(CommandError, match=message):
            bookmark_command_from_dict(data)


def test_a_bookmarked_span_survives_retention_until_released(store: Store, tmp_path: Path) -> None:
    now = time.time()
    old = [s for s in everything(store) if s.end_utc < now - 30 * DAY]
    assert len(old) >= 4  # both cameras' first seconds: a middle one to mark, neighbours on each side
    marked = [s for s in old if s.camera == 1][1]
    marks = Bookmarks(tmp_path / "bookmarks.sqlite")
    mark = marks.add("desk-1", [1], marked.start_utc + 0.2, marked.start_utc + 0.3, note="the moment", case="C-1")
    assert store.sync_protections(marks.protections(), PROTECTION_PREFIX) == (1, 0)
    assert store.sync_protections(marks.protections(), PROTECTION_PREFIX) == (0, 0)  # already as wanted
    assert [(p.ref, p.camera) for p in store.protections()] == [(f"{PROTECTION_PREFIX}{mark.id}", 1)]
    Retention(store, keep_days=30, min_free_bytes=None).run(now)
    left = [s for s in everything(store) if s.end_utc < now - 30 * DAY]
    assert [s.id for s in left] == [marked.id], "the neighbours go, the bookmarked segment stays"
    assert store.path_of(marked).exists()
    marks.release(mark.id, "sup-1")
    assert store.sync_protections(marks.protections(), PROTECTION_PREFIX) == (0, 1)
    Retention(store, keep_days=30, min_free_bytes=None).run(now)
    assert not [s for s in everything(store) if s.end_utc < now - 30 * DAY]
    assert store.check() == []
