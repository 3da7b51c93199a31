"""The camera catalog: SQLite, searched by number, name and place in Chinese and English.

Built by `videowall catalog import` from YAML or CSV, never parsed from YAML at start-up
(50,000 cameras take seconds in YAML, milliseconds in SQLite).  Substring search uses an
FTS5 trigram index for three characters and more; shorter queries (many Chinese words are two
characters) scan the table, which is still a few milliseconds at 50,000 rows.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from console.matrix import yamlfile
from console.matrix.model import Camera
from console.matrix.search import SearchIndex
from console.matrix.yamlfile import MAX_INT, Limits, Reader, TooBig, control_characters, describe_controls
from console.video.urls import mask_url, secrets_in

PLACE_SEPARATOR = " / "
CSV_FIELDS = ("number", "id", "name", "place", "main", "sub", "ptz", "credential", "nvr")
VERSION = 1
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
    credential TEXT,
    nvr TEXT
);
CREATE INDEX cameras_place ON cameras(place);
-- The search index (console/matrix/search.py), built with the table it indexes.
CREATE TABLE search_index (name TEXT PRIMARY KEY, value BLOB NOT NULL);
"""


class CatalogError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        # A message quotes what the file says: never a password it holds (a URL in a wrong field).
        problems = [mask_url(p) for p in problems]
        shown = problems[:50]
        more = f"\n… and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__("\n".join(shown) + more)
        self.problems = problems


# What one catalog may hold.  Documented in the README ("Catalog files"); the messages say them.
MAX_FILE_BYTES = 64 << 20  # 50,000 cameras are 13 MB of YAML
MAX_NAME = 200
MAX_PLACE_LEVEL = 100
MAX_PLACE_LEVELS = 8
MAX_ID = 64
MAX_URL = 512
MAX_REFERENCE = 64  # a keyring credential's name
MAX_CAMERAS = 1_000_000
FIELDS = {"number", "id", "name", "place", "streams", "ptz", "credential", "colour", "nvr"}
STREAM_FIELDS = {"main", "sub"}
PTZ_FIELDS = {"protocol", "line", "url", "address", "baud", "credential"}
NVR_FIELDS = {"kind", "url", "channel", "credential", "stream", "utc_offset"}
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")
_DIGITS = re.compile(r"[1-9][0-9]*")

Progress = Callable[[str, int, int], None]
"""Told (stage, done, total) while an import runs: stages "reading" (characters of the file),
"checking" and "writing" (cameras).  Called often; it decides itself what to show."""


@dataclass(frozen=True)
class Row:
    """One camera as written: text where the file has text (numbers too), with its line."""

    line: int
    data: dict[str, Any]


def decode(path: Path, data: bytes, encoding: str | None = None) -> str:
    """The file's text (console.matrix.yamlfile.decode), or a CatalogError saying why not."""
    try:
        return yamlfile.decode(path, data, encoding, gb18030_hint="or import it with --encoding gb18030")
    except yamlfile.NotTextError as exc:
        raise CatalogError([exc.problem]) from None


def _yaml_rows(path: Path, text: str, problems: list[str], progress: Progress | None = None) -> list[Row]:
    reader = Reader(str(path), Limits(max_bytes=MAX_FILE_BYTES, max_text=MAX_URL))
    root = reader.compose(text, _CountingReader(text, progress) if progress else None)
    if root is None:
        raise CatalogError(reader.problems)
    rows: list[Row] = []
    try:
        if isinstance(root, yaml.MappingNode):
            top = reader.mapping(root, "the file", {"version", "site", "cameras"}, {"cameras"})
            if top is not None and "version" in top:
                version = reader.integer(top["version"], "version")
                if version is not None and version != VERSION:
                    reader.problem(top["version"], f"version {version}: this program reads catalog version {VERSION}")
            entries = reader.sequence(top["cameras"], "cameras") if top and "cameras" in top else []
        else:
            entries = reader.sequence(root, "the file (a list of cameras, or a mapping with cameras:)")
        if len(entries) > MAX_CAMERAS:
            raise CatalogError([f"{path}:1: {len(entries):,} cameras; one catalog holds at most {MAX_CAMERAS:,}"])
        for index, node in enumerate(entries):
            if progress is not None and index % 1000 == 0:
                progress("checking", index, len(entries))
            reader.visit(node)
            rows.append(Row(node.start_mark.line + 1, _yaml_entry(reader, node)))
    except TooBig as exc:
        raise CatalogError([str(exc)]) from None
    problems.extend(reader.problems)
    return rows


def _yaml_entry(reader: Reader, node: yaml.Node) -> dict[str, Any]:
    """A camera's mapping with its values as written (text, lists, mappings), for `_camera` to
    check like a CSV row; duplicate and unknown keys are reported here, with their lines."""
    fields = reader.mapping(node, "a camera", FIELDS)
    if fields is None:
        return {"_reported": True}
    out: dict[str, Any] = {key: _raw(reader, value) for key, value in fields.items()}
    out["_lines"] = {key: value.start_mark.line + 1 for key, value in fields.items()}
    return out


def _raw(reader: Reader, node: yaml.Node) -> Any:
    reader.visit(node)
    if isinstance(node, yaml.ScalarNode):
        # YAML's null written plainly (`~`, `null`, nothing) is missing; everything else is its text.
        return None if node.tag == "tag:yaml.org,2002:null" and not node.style else str(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [_raw(reader, item) for item in node.value]
    what = "a nested mapping"
    fields = reader.mapping(node, what) or {}
    return {key: _raw(reader, value) for key, value in fields.items()}


def _csv_rows(path: Path, text: str, problems: list[str], progress: Progress | None = None) -> list[Row]:
    lines = text.splitlines()
    csv.field_size_limit(MAX_URL * 4)
    reader = csv.reader(lines)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
    except csv.Error as exc:
        raise CatalogError([f"{path}:1: the header is not CSV: {exc}"]) from None
    columns = set(CSV_FIELDS)
    wrong = [h for h in header if h not in columns]
    repeated = sorted({h for h in header if header.count(h) > 1})
    missing = [f for f in ("number", "name") if f not in header]
    if wrong or repeated or missing:
        parts = ([f"unknown column(s) {', '.join(map(repr, wrong))}"] if wrong else []) + \
                ([f"repeated column(s) {', '.join(repeated)}"] if repeated else []) + \
                ([f"missing column(s) {', '.join(missing)}"] if missing else [])
        raise CatalogError([f"{path}:1: the header: {'; '.join(parts)} (columns: {', '.join(CSV_FIELDS)})"])
    rows: list[Row] = []
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(f"{path}:{reader.line_num}: not readable as CSV ({exc}); a field holds at most "
                            f"{MAX_URL * 4:,} characters")
            continue
        if not any(v.strip() for v in record):
            continue  # blank lines, as spreadsheets leave at the end
        if len(record) != len(header):
            problems.append(f"{path}:{reader.line_num}: {len(record)} fields, the header has {len(header)}")
            continue
        data: dict[str, Any] = dict(zip(header, record, strict=True))
        streams = {k: data.pop(k) for k in ("main", "sub") if k in data}
        data["streams"] = {k: v for k, v in streams.items() if v.strip()}
        data = {k: v for k, v in data.items() if not isinstance(v, str) or v.strip()}
        if progress is not None and reader.line_num % 1000 == 0:
            progress("reading", reader.line_num, len(lines))
        rows.append(Row(reader.line_num, data))
    return rows


def _text(value: Any, what: str, limit: int, errors: list[str], *, required: bool = False) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors.append(f"{what} is missing")
        return ""
    if not isinstance(value, str):
        errors.append(f"{what} must be text, not {type(value).__name__}")
        return ""
    if len(value) > limit:
        errors.append(f"{what} is {len(value):,} characters long; at most {limit} are allowed")
        return ""
    controls = control_characters(value)
    if controls:
        errors.append(f"{what} contains control characters ({describe_controls(controls)}); remove them")
        return ""
    return value.strip()


def _number(value: Any, errors: list[str]) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        text = repr(value)
    if not _DIGITS.fullmatch(text) or len(text) > 10 or int(text) > MAX_INT:
        shown = text if len(text) <= 24 else text[:20] + "…"
        errors.append(f"number must be a whole number from 1 to {MAX_INT:,} in plain decimal digits "
                      f"(no sign, no leading zero), not {shown!r}")
        return 0
    return int(text)


def _stream(label: str, value: Any, errors: list[str]) -> str:
    url = _text(value, f"{label} stream", MAX_URL, errors)
    if not url:
        return ""
    where = secrets_in(url)
    if where:
        errors.append(f"{label} stream {mask_url(url)!r} carries a password (in its {' and '.join(where)}): store it "
                      "with 'videowall credential set NAME --user USER' and write 'credential: NAME' instead")
        return ""
    if not _URL.match(url):
        errors.append(f"{label} stream {mask_url(url)!r} is not a URL (scheme://host/path)")
        return ""
    return url


def _ptz(value: Any, errors: list[str]) -> str | None:
    """The `ptz:` mapping, checked against the drivers, kept as JSON for the PTZ layer."""
    if value is None:
        return None
    if isinstance(value, str):  # the CSV column: JSON, or protocol:line:address would be guesswork
        try:
            value = json.loads(value)
        except ValueError:
            errors.append(f"ptz must be a mapping (in CSV, JSON such as {{\"protocol\": \"pelco-d\", ...}}), not {value!r}")
            return None
    if not isinstance(value, dict):
        errors.append("ptz must be a mapping (protocol, line, address)")
        return None
    unknown = sorted(set(value) - PTZ_FIELDS)
    if unknown:
        errors.append(f"ptz: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(PTZ_FIELDS))})")
        return None
    spec = {k: v for k, v in value.items() if v is not None}
    for key in ("address", "baud"):
        if key in spec:
            text = str(spec[key]).strip()
            # Pelco-P and VISCA count addresses from 0 and 1; the encoder checks the range.
            if not re.fullmatch(r"0|[1-9][0-9]{0,6}", text):
                errors.append(f"ptz {key} must be a whole number, not {value[key]!r}")
                return None
            spec[key] = int(text)
    for key in ("line", "url"):
        if key in spec:
            url = _text(spec[key], f"ptz {key}", MAX_URL, errors)
            if url and secrets_in(url):
                errors.append(f"ptz {key} {mask_url(url)!r} carries a password: use 'credential: NAME'")
                return None
    from console.ptz.commands import PtzError
    from console.ptz.drivers import PROTOCOLS, make_encoder
    protocol = str(spec.get("protocol", "")).lower()
    if protocol not in PROTOCOLS:
        errors.append(f"ptz protocol {spec.get('protocol')!r} is not one of {', '.join(PROTOCOLS)}")
        return None
    if protocol != "onvif":
        if not spec.get("line") and not spec.get("url"):
            errors.append(f"ptz: a {protocol} dome needs line: (e.g. socket://10.0.0.9:4001 or /dev/ttyUSB0)")
            return None
        try:
            make_encoder(protocol, int(spec.get("address", 1)))
        except PtzError as exc:
            errors.append(f"ptz: {exc}")
            return None
    elif not spec.get("url"):
        errors.append("ptz: an ONVIF dome needs url: (its device service, http://host/onvif/device_service)")
        return None
    return json.dumps(spec, sort_keys=True)


def _nvr(value: Any, errors: list[str]) -> str | None:
    """The `nvr:` mapping (a third-party recorder's playback source), checked like `ptz:`, kept
    as JSON for console.video.nvr_playback.  Errors start with "nvr" so they get its line."""
    from console.video.nvr import KINDS

    if value is None:
        return None
    if isinstance(value, str):  # the CSV column
        try:
            value = json.loads(value)
        except ValueError:
            errors.append(f"nvr must be a mapping (in CSV, JSON such as {{\"kind\": \"hikvision\", ...}}), not {value!r}")
            return None
    if not isinstance(value, dict):
        errors.append("nvr must be a mapping (kind, url, channel, credential)")
        return None
    unknown = sorted(set(value) - NVR_FIELDS)
    if unknown:
        errors.append(f"nvr has unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(NVR_FIELDS))})")
        return None
    spec: dict[str, Any] = {}
    kind = str(value.get("kind") or "").strip().lower()
    if kind not in KINDS:
        errors.append(f"nvr kind {value.get('kind')!r} is not one of {', '.join(KINDS)}")
        return None
    spec["kind"] = kind
    url = _text(value.get("url"), "nvr url", MAX_URL, errors, required=True)
    if not url:
        return None
    if secrets_in(url):
        errors.append(f"nvr url {mask_url(url)!r} carries a password: use 'credential: NAME' in nvr:")
        return None
    # The recorder's address only: the playback path and times are the vendor's URL form's.
    if not re.fullmatch(r"rtsps?://[^/?#@\s]+/?", url) or not urlsplit(url).hostname:
        errors.append(f"nvr url {url!r} is not an NVR's address (rtsp://host[:port], without a path)")
        return None
    spec["url"] = url.rstrip("/")
    for key, low, high, default in (("channel", 1, 9999, None), ("stream", 1, 2, 1)):
        text = str(value.get(key) if value.get(key) is not None else default or "").strip()
        if not re.fullmatch(r"[0-9]{1,5}", text) or not low <= int(text) <= high:
            shown = text or "missing"
            errors.append(f"nvr {key} must be a whole number from {low} to {high}, not {shown}")
            return None
        spec[key] = int(text)
    credential = _text(value.get("credential"), "nvr credential", MAX_REFERENCE, errors)
    if credential and not _REFERENCE.fullmatch(credential):
        errors.append(f"nvr credential {credential!r} is not a keyring name (letters, digits, . _ @ -)")
        return None
    if credential:
        spec["credential"] = credential
    offset = str(value.get("utc_offset") or "").strip()
    if offset:
        if not re.fullmatch(r"[+-](0[0-9]|1[0-4]):[0-5][0-9]", offset):
            errors.append(f"nvr utc_offset {offset!r} is not a time zone offset such as +08:00")
            return None
        spec["utc_offset"] = offset
    return json.dumps(spec, sort_keys=True)


def _camera(path: Path, row: Row, problems: list[str]) -> Camera | None:
    data = row.data
    if data.get("_reported"):
        return None
    errors: list[str] = []
    number = _number(data.get("number"), errors)
    name = _text(data.get("name"), "name", MAX_NAME, errors, required=True)
    place_value = data.get("place") or []
    if isinstance(place_value, str):
        place_value = [p for p in place_value.split("/") if p.strip()]
    place: list[str] = []
    if not isinstance(place_value, list | tuple):
        errors.append("place must be a list of names (city, county, town, site)")
    elif len(place_value) > MAX_PLACE_LEVELS:
        errors.append(f"place has {len(place_value)} levels; at most {MAX_PLACE_LEVELS}")
    else:
        place = [_text(p, "a place level", MAX_PLACE_LEVEL, errors, required=True) for p in place_value]
    camera_id = _text(data.get("id"), "id", MAX_ID, errors)
    streams = data.get("streams") or {}
    if not isinstance(streams, dict):
        errors.append("streams must be a mapping (main, sub)")
        streams = {}
    main, sub = _stream("main", streams.get("main"), errors), _stream("sub", streams.get("sub"), errors)
    if not main and not sub and not any("stream" in e for e in errors):
        errors.append("no stream (streams: main)")
    credential = _text(data.get("credential"), "credential", MAX_REFERENCE, errors)
    if credential and not _REFERENCE.fullmatch(credential):
        errors.append(f"credential {credential!r} is not a keyring name (letters, digits, . _ @ -)")
    ptz = _ptz(data.get("ptz"), errors)
    nvr = _nvr(data.get("nvr"), errors)
    if errors:
        written = str(data.get("number", "")).strip()
        label = f"camera {number}" if number else (
            f"camera {written}" if 0 < len(written) <= 24 and not control_characters(written) else "a camera")
        lines = data.get("_lines") or {}
        for error in errors:
            field = error.split(" ", 1)[0]
            line = lines.get(field) or lines.get("streams" if field in ("main", "sub") else "", row.line)
            problems.append(f"{path}:{line}: {label}: {error}")
        return None
    return Camera(number, camera_id or f"cam-{number}", name, tuple(place), main, sub, ptz, credential or None, nvr)


def camera_from_entry(entry: dict[str, Any], where: str = "<entry>") -> Camera:
    """One catalog entry (the YAML form) as a Camera; CatalogError says what is wrong."""
    problems: list[str] = []
    camera = _camera(Path(where), Row(1, entry), problems)
    if camera is None:
        raise CatalogError(problems)
    return camera


class _CountingReader:
    """Decoding and parsing a large YAML file take seconds in one call; reading the text in
    chunks through here tells how far it has got (libyaml reads 16 KB at a time)."""

    def __init__(self, text: str, progress: Progress) -> None:
        self._stream = io.StringIO(text)
        self._total = len(text)
        self._progress = progress

    def read(self, size: int = -1) -> str:
        chunk = self._stream.read(size)
        self._progress("reading", self._stream.tell(), self._total)
        return chunk


def read_catalog(path: str | Path, progress: Progress | None = None, *, encoding: str | None = None) -> list[Camera]:
    """Parse and validate a YAML or CSV catalog; every problem reported at once, each with file:line."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CatalogError([f"{path}:1: {size:,} bytes; a catalog file holds at most {MAX_FILE_BYTES:,} "
                                "(split it by county)"])
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError([f"{path}:1: cannot read: {exc.strerror or exc}"]) from exc
    text = decode(path, data, encoding)
    problems: list[str] = []
    is_csv = path.suffix.lower() == ".csv"
    rows = _csv_rows(path, text, problems, progress) if is_csv else _yaml_rows(path, text, problems, progress)
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
        raise CatalogError(sorted(set(problems), key=_line_order))
    if not cameras:
        raise CatalogError([f"{path}:1: no cameras"])
    return cameras


def _line_order(problem: str) -> tuple[int, str]:
    match = re.match(r".*?:(\d+): ", problem)
    return (int(match.group(1)) if match else 0, problem)


def search_text(camera: Camera) -> tuple[str, ...]:
    """The fields a search looks in, each on its own (a query never spans two)."""
    return (str(camera.number), camera.id, camera.name, PLACE_SEPARATOR.join(camera.place))


def build(cameras: Iterable[Camera], db_path: str | Path, progress: Progress | None = None) -> int:
    """Write a fresh catalog database beside `db_path` and swap it in atomically.

    The new file keeps the old one's mode and owner: a host running as another user must
    still read it (a temp file is born 0600).
    """
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{db_path.name}.", suffix=".tmp", dir=db_path.parent)
    os.close(fd)
    try:
        _inherit_mode(db_path, Path(tmp))
        con = sqlite3.connect(tmp)
        try:
            con.executescript(SCHEMA)
            rows = sorted(((c.number, c.id, c.name, PLACE_SEPARATOR.join(c.place), c.main_stream, c.sub_stream, c.ptz,
                            c.credential, c.nvr) for c in cameras), key=lambda row: row[0])
            step = 5000
            for start in range(0, len(rows), step):
                con.executemany("INSERT INTO cameras VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows[start:start + step])
                if progress is not None:
                    progress("writing", min(start + step, len(rows)), len(rows))
            if progress is not None:
                progress("indexing", 0, 0)
            index = SearchIndex.build((r[0], r[1], r[2], r[3]) for r in rows)
            con.executemany("INSERT INTO search_index VALUES (?, ?)", index.to_rows())
            con.commit()
        finally:
            con.close()
        Path(tmp).replace(db_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return len(rows)


def _inherit_mode(old: Path, new: Path) -> None:
    try:
        info = old.stat()
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        new.chmod(0o666 & ~umask)  # what a plain new file would get
        return
    new.chmod(info.st_mode & 0o7777)
    if os.geteuid() == 0 and (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        os.chown(new, info.st_uid, info.st_gid)


class Catalog:
    """Read access for the matrix host and the console."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(db_path)
        if not self.path.exists():
            raise CatalogError([f"{self.path}:1: no catalog here; build one with: videowall catalog import FILE"])
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._retired: list[sqlite3.Connection] = []
        self._index: SearchIndex | None = None
        try:
            # Checked now, not at the first search: a wrong --db or catalog: is a file and a
            # sentence, never a traceback from deep in a query.
            tables = {r[0] for r in self._con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            self._con.close()
            raise CatalogError([f"{self.path}:1: not a camera catalog ({exc}); build one with: "
                                "videowall catalog import FILE"]) from None
        if not {"cameras", "search_index"} <= tables:
            self._con.close()
            raise CatalogError([f"{self.path}:1: an SQLite database, but not a camera catalog (no cameras table); "
                                "build one with: videowall catalog import FILE"])

    def reopen(self) -> None:
        """Read the file anew after an import replaced it (the open connection still reads the
        old, unlinked one).  The old connection stays open until `close`: another thread (the
        matrix host's) may be in the middle of a query on it."""
        fresh = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._retired.append(self._con)
        self._con = fresh
        self._index = None

    def close(self) -> None:
        for con in self._retired:
            con.close()
        self._con.close()

    def __len__(self) -> int:
        return int(self._con.execute("SELECT count(*) FROM cameras").fetchone()[0])

    def get(self, number: int) -> Camera | None:
        # A number from a keyboard or the bus may be anything: SQLite takes 64 bits, and the
        # matrix host's loop must not meet an OverflowError here.
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_INT:
            return None
        row = self._con.execute("SELECT * FROM cameras WHERE number = ?", (number,)).fetchone()
        return _from_row(row) if row else None

    def all(self, ranges: Sequence[tuple[int, int]] | None = None) -> list[Camera]:
        """Every camera, or those whose numbers fall in `ranges` ((first, last) pairs), by number."""
        if ranges is None:
            rows = self._con.execute("SELECT * FROM cameras ORDER BY number").fetchall()
        else:
            rows = []
            for first, last in ranges:
                rows += self._con.execute("SELECT * FROM cameras WHERE number BETWEEN ? AND ? ORDER BY number",
                                          (first, last)).fetchall()
        return sorted({c.number: c for c in map(_from_row, rows)}.values(), key=lambda c: c.number)

    def get_many(self, numbers: Sequence[int]) -> list[Camera]:
        """The cameras of `numbers` that exist, in that order (one query per thousand)."""
        found: dict[int, Camera] = {}
        for start in range(0, len(numbers), 1000):
            chunk = list(numbers[start:start + 1000])
            marks = ",".join("?" * len(chunk))
            for row in self._con.execute(f"SELECT * FROM cameras WHERE number IN ({marks})", chunk):
                found[row[0]] = _from_row(row)
        return [found[n] for n in numbers if n in found]

    def _search_index(self) -> SearchIndex:
        if self._index is None:
            try:
                rows = self._con.execute("SELECT name, value FROM search_index").fetchall()
                self._index = SearchIndex.from_rows(rows)
            except (sqlite3.OperationalError, KeyError, ValueError):
                # A catalog from before the index: build it here (a quarter of a second at 50,000).
                cameras = self._con.execute("SELECT number, id, name, place FROM cameras ORDER BY number").fetchall()
                self._index = SearchIndex.build(cameras)
        return self._index

    def search(self, text: str, limit: int = 50) -> list[Camera]:
        """Cameras whose number, id, name or place contains `text` (any case, any script);
        the camera with exactly that number first, then by number.  Never raises for any text."""
        return self.get_many(self.search_numbers(text, limit))

    def search_numbers(self, text: str, limit: int | None = 50) -> list[int]:
        text = text.strip()
        if not text or (limit is not None and limit <= 0):
            return []
        exact = int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else None
        if exact is not None and self.get(exact) is None:
            exact = None
        found = self._search_index().find(text, limit)
        if exact is not None:
            found = [exact] + [n for n in found if n != exact]
            if limit is not None:
                found = found[:limit]
        return found

    def count(self, text: str) -> int:
        """How many cameras `search` would find without a limit."""
        return len(self.search_numbers(text, None))

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
    number, cam_id, name, place, main, sub, ptz, credential = row[:8]
    nvr = row[8] if len(row) > 8 else None  # a catalog built before `nvr:` has no such column
    return Camera(number, cam_id, name, tuple(place.split(PLACE_SEPARATOR)) if place else (), main, sub, ptz, credential,
                  nvr)
