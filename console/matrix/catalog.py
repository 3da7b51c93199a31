"""The camera catalog: SQLite, searched by number, name and place in Chinese and English.

Built by `videowall catalog import` from YAML or CSV, never parsed from YAML at start-up
(50,000 cameras take seconds in YAML, milliseconds in SQLite).  Substring search uses an
FTS5 trigram index for three characters and more; shorter queries (many Chinese words are two
characters) scan the table, which is still a few milliseconds at 50,000 rows.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from console.matrix.model import Camera

PLACE_SEPARATOR = " / "
CSV_FIELDS = ("number", "id", "name", "place", "main", "sub", "ptz", "credential")
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://\S+$")

SCHEMA = """
CREATE TABLE cameras (
    number INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    place TEXT NOT NULL,
    main TEXT NOT NULL,
    sub TEXT NOT NULL,
    ptz TEXT,
    credential TEXT
);
CREATE INDEX cameras_place ON cameras(place);
CREATE VIRTUAL TABLE camera_text USING fts5(text, content='', tokenize='trigram');
"""


class CatalogError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        shown = problems[:50]
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__("\n".join(shown) + more)
        self.problems = problems


Progress = Callable[[str, int, int], None]
"""Told (stage, done, total) while an import runs: stages "reading" (characters of the file),
"checking" and "writing" (cameras).  Called often; it decides itself what to show."""


class _CountingReader:
    """A text stream over the file's contents that tells how far the parser has read.

    libyaml's own parsing takes most of a large YAML import (11 s of 12 for 50,000 cameras)
    in one call; it reads its input in chunks, so counting the chunks is the progress.
    """

    def __init__(self, text: str, progress: Progress) -> None:
        self._stream = io.StringIO(text)
        self._total = len(text)
        self._progress = progress

    def read(self, size: int = -1) -> str:
        chunk = self._stream.read(size)
        self._progress("reading", self._stream.tell(), self._total)
        return chunk


@dataclass(frozen=True)
class Row:
    line: int
    data: dict[str, Any]


def _yaml_rows(path: Path, text: str, progress: Progress | None = None) -> Iterator[Row]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # A safe loader (libyaml when present), for speed.
        data = yaml.load(_CountingReader(text, progress) if progress else text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise CatalogError([f"{path}:{mark.line + 1 if mark else 1}: not valid YAML"]) from exc
    entries = data.get("cameras") if isinstance(data, dict) else data
    if not isinstance(entries, list):
        raise CatalogError([f"{path}:1: expected a list of cameras (or a mapping with 'cameras')"])
    # The fast loader keeps no line numbers: find each entry's line from the text itself.
    lines = _entry_lines(text, len(entries))
    for index, entry in enumerate(entries):
        if progress is not None and index % 1000 == 0:
            progress("checking", index, len(entries))
        yield Row(lines[index] if index < len(lines) else 0, entry if isinstance(entry, dict) else {"_bad": entry})


def _entry_lines(text: str, count: int) -> list[int]:
    starts = []
    indent: int | None = None
    in_cameras = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if not in_cameras:
            if line.startswith("cameras:") or (stripped.startswith("- ") and not line.startswith(" ")):
                in_cameras = True
                if stripped.startswith("- "):
                    indent = 0
                    starts.append(number)
            continue
        if stripped.startswith("- "):
            here = len(line) - len(stripped)
            if indent is None:
                indent = here
            if here == indent:
                starts.append(number)
                if len(starts) == count:
                    break
    return starts


def _csv_rows(path: Path, text: str, progress: Progress | None = None) -> Iterator[Row]:
    lines = text.splitlines()
    reader = csv.DictReader(lines)
    missing = [f for f in ("number", "name") if f not in (reader.fieldnames or [])]
    if missing:
        raise CatalogError([f"{path}:1: the header lacks {', '.join(missing)} (columns: {', '.join(CSV_FIELDS)})"])
    for record in reader:
        data: dict[str, Any] = dict(record)
        place = data.get("place") or ""
        data["place"] = [p.strip() for p in place.split("/") if p.strip()]
        data["streams"] = {"main": data.pop("main", "") or "", "sub": data.pop("sub", "") or ""}
        if progress is not None and reader.line_num % 1000 == 0:
            progress("reading", reader.line_num, len(lines))
        yield Row(reader.line_num, data)


def _camera(path: Path, row: Row, problems: list[str]) -> Camera | None:
    where = f"{path}:{row.line}"
    data = row.data
    if "_bad" in data:
        problems.append(f"{where}: a camera must be a mapping, not {data['_bad']!r}")
        return None
    errors = []
    try:
        number = int(data.get("number"))  # type: ignore[arg-type]
        if number < 1:
            raise ValueError
    except (TypeError, ValueError):
        errors.append(f"number must be a positive whole number, not {data.get('number')!r}")
        number = 0
    name = str(data.get("name") or "").strip()
    if not name:
        errors.append("name is missing")
    place = data.get("place") or []
    if isinstance(place, str):
        place = [p.strip() for p in place.split("/") if p.strip()]
    if not isinstance(place, list) or not all(isinstance(p, str) for p in place):
        errors.append("place must be a list of names (city, county, town, site)")
        place = []
    streams = data.get("streams") or {}
    if not isinstance(streams, dict):
        errors.append("streams must be a mapping (main, sub)")
        streams = {}
    main, sub = str(streams.get("main") or ""), str(streams.get("sub") or "")
    for label, url in (("main", main), ("sub", sub)):
        if url and not _URL.match(url):
            errors.append(f"{label} stream {url!r} is not a URL")
        if "@" in url.split("://", 1)[-1].split("/", 1)[0]:
            errors.append(f"{label} stream carries credentials: use 'credential: NAME' and the keyring")
    if not main and not sub:
        errors.append("no stream (streams: main)")
    if errors:
        problems.extend(f"{where}: camera {data.get('number', '?')}: {e}" for e in errors)
        return None
    return Camera(number, str(data.get("id") or f"cam-{number}"), name, tuple(place), main, sub,
                  str(data["ptz"]) if data.get("ptz") else None,
                  str(data["credential"]) if data.get("credential") else None)


def camera_from_entry(entry: dict[str, Any], where: str = "<entry>") -> Camera:
    """One catalog entry (the YAML form) as a Camera; CatalogError says what is wrong."""
    problems: list[str] = []
    camera = _camera(Path(where), Row(1, entry), problems)
    if camera is None:
        raise CatalogError(problems)
    return camera


def read_catalog(path: str | Path, progress: Progress | None = None) -> list[Camera]:
    """Parse and validate a YAML or CSV catalog; every problem reported at once."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError([f"{path}:1: cannot read: {exc}"]) from exc
    rows = _csv_rows(path, text, progress) if path.suffix.lower() == ".csv" else _yaml_rows(path, text, progress)
    problems: list[str] = []
    cameras: list[Camera] = []
    numbers: dict[int, int] = {}
    ids: dict[str, int] = {}
    for row in rows:
        camera = _camera(path, row, problems)
        if camera is None:
            continue
        if camera.number in numbers:
            problems.append(f"{path}:{row.line}: camera {camera.number}: number already used on line {numbers[camera.number]}")
            continue
        if camera.id in ids:
            problems.append(f"{path}:{row.line}: camera {camera.number}: id {camera.id!r} already used on line {ids[camera.id]}")
            continue
        numbers[camera.number] = ids[camera.id] = row.line
        cameras.append(camera)
    if problems:
        raise CatalogError(problems)
    if not cameras:
        raise CatalogError([f"{path}:1: no cameras"])
    return cameras


def search_text(camera: Camera) -> str:
    return f"{camera.number} {camera.id} {camera.name} {PLACE_SEPARATOR.join(camera.place)}"


def build(cameras: Iterable[Camera], db_path: str | Path, progress: Progress | None = None) -> int:
    """Write a fresh catalog database beside `db_path` and swap it in atomically."""
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            con.executescript(SCHEMA)
            rows = [(c.number, c.id, c.name, PLACE_SEPARATOR.join(c.place), c.main_stream, c.sub_stream, c.ptz, c.credential)
                    for c in cameras]
            step = 5000
            for start in range(0, len(rows), step):
                con.executemany("INSERT INTO cameras VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows[start:start + step])
                if progress is not None:
                    progress("writing", min(start + step, len(rows)), len(rows))
            if progress is not None:
                progress("indexing", 0, 0)
            con.execute("INSERT INTO camera_text(rowid, text) SELECT number, number || ' ' || id || ' ' || name || ' ' || "
                        "place FROM cameras")
            con.commit()
        finally:
            con.close()
        Path(tmp).replace(db_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(rows)


class Catalog:
    """Read access for the matrix host and the console."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(db_path)
        if not self.path.exists():
            raise CatalogError([f"{self.path}:1: no catalog here; build one with: videowall catalog import FILE"])
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._retired: list[sqlite3.Connection] = []

    def reopen(self) -> None:
        """Read the file anew after an import replaced it (the open connection still reads the
        old, unlinked one).  The old connection stays open until `close`: another thread (the
        matrix host's) may be in the middle of a query on it."""
        fresh = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._retired.append(self._con)
        self._con = fresh

    def close(self) -> None:
        for con in self._retired:
            con.close()
        self._con.close()

    def __len__(self) -> int:
        return int(self._con.execute("SELECT count(*) FROM cameras").fetchone()[0])

    def get(self, number: int) -> Camera | None:
        row = self._con.execute("SELECT * FROM cameras WHERE number = ?", (number,)).fetchone()
        return _from_row(row) if row else None

    def search(self, text: str, limit: int = 50) -> list[Camera]:
        """Cameras whose number, id, name or place contains `text`; exact number first."""
        text = text.strip()
        if not text:
            return []
        found: list[Camera] = []
        if text.isdigit():
            exact = self.get(int(text))
            if exact:
                found.append(exact)
        if len(text) >= 3:
            phrase = '"' + text.replace('"', '""') + '"'
            rows = self._con.execute(
                "SELECT c.* FROM camera_text t JOIN cameras c ON c.number = t.rowid "
                "WHERE camera_text MATCH ? ORDER BY c.number LIMIT ?", (phrase, limit + 1)).fetchall()
        else:
            pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = self._con.execute(
                "SELECT * FROM cameras WHERE name LIKE ?1 ESCAPE '\\' OR place LIKE ?1 ESCAPE '\\' "
                "OR CAST(number AS TEXT) LIKE ?1 ESCAPE '\\' OR id LIKE ?1 ESCAPE '\\' ORDER BY number LIMIT ?2",
                (pattern, limit + 1)).fetchall()
        seen = {c.number for c in found}
        found.extend(c for c in map(_from_row, rows) if c.number not in seen)
        return found[:limit]

    # -- the place hierarchy (city / county / town / site), one level at a time for the console tree

    def children(self, path: Sequence[str] = ()) -> list[tuple[str, int]]:
        """The places one level below `path`, each with the number of cameras at or below it, sorted by name."""
        where, params = _below(path)
        # One row per distinct full place (about a tenth of the cameras), read in order from the
        # place index; folding them into next-level names is cheaper in Python than in SQL.
        rows = self._con.execute(f"SELECT place, count(*) FROM cameras WHERE {where} GROUP BY place", params).fetchall()
        counts: dict[str, int] = {}
        skip = len(params[0]) if path else 0
        for place, count in rows:
            head = place[skip:].split(PLACE_SEPARATOR, 1)[0]
            counts[head] = counts.get(head, 0) + count
        return sorted(counts.items())

    def cameras_at(self, path: Sequence[str] = ()) -> list[Camera]:
        """The cameras whose place is exactly `path` (not below it), by number."""
        rows = self._con.execute("SELECT * FROM cameras WHERE place = ? ORDER BY number",
                                 (PLACE_SEPARATOR.join(path),)).fetchall()
        return [_from_row(row) for row in rows]


def _below(path: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """A WHERE clause (and its parameters) for the places strictly below `path`, as a range on the place index."""
    if not path:
        return "place > ''", ()
    prefix = PLACE_SEPARATOR.join(path) + PLACE_SEPARATOR
    # Every place that starts with "... / " sorts before the same text with its last character
    # raised ("... /!"): SQLite compares text as UTF-8 bytes, so this is the exact prefix range.
    return "place >= ? AND place < ?", (prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1))


def _from_row(row: tuple[Any, ...]) -> Camera:
    number, cam_id, name, place, main, sub, ptz, credential = row
    return Camera(number, cam_id, name, tuple(place.split(PLACE_SEPARATOR)) if place else (), main, sub, ptz, credential)
