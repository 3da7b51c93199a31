"""The recorder's configuration (`videowall recorder --config FILE`), read strictly.

    store: /srv/videowall/recordings        # the segment tree and its index
    catalog: catalog.sqlite                  # the centre's cameras (videowall catalog import)
    key: recorder                            # its CurveZMQ key pair in the keyring
    host: {router: tcp://127.0.0.1:7700, server_key: <host public key>}
    relay: tcp://127.0.0.1:7710              # where tiles and desks take cameras from
    segment_seconds: 60
    retention: {keep_days: 30, max_gb: 2000, camera_max_gb: 50, min_free_gb: 5}
    record: all                              # or a list of camera numbers and ranges "1-16"
    schedules:                               # the rest record around the clock
      - cameras: 101-140
        windows: ["07:00-19:00"]             # local time; "off" records only on demand
    serve:                                   # recordings over HTTP to desks holding a host's token
      listen: 127.0.0.1:8554                 # (the default; "off" for none)
      centre_key: <the centre's public key>  # 43 characters of base64url, as evidence sidecars
                                             # carry it; or centre: <id> to read it from this
                                             # machine's keyring

Every problem is listed with its line, as the host's configuration is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any

from console.matrix.config import _ENDPOINT, _NAME, _Z85_KEY, read_config_file
from console.matrix.yamlfile import Reader

# How long an on-demand recording lasts is the host's to say (RecordCamera), not the recorder's.
KEYS = {"store", "catalog", "key", "host", "relay", "segment_seconds", "retention", "record", "schedules", "viewers",
        "serve"}
GB = 1 << 30
_WINDOW = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])")
_LISTEN = re.compile(r"(?P<host>[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):(?P<port>[0-9]{1,5})")
DEFAULT_SERVE_PORT = 8554
_RANGE = re.compile(r"([0-9]{1,10})(?:-([0-9]{1,10}))?")
MAX_CAMERA = 2**31 - 1


@dataclass(frozen=True)
class Schedule:
    """Time windows (local time) in which a camera records; none: only on demand."""

    windows: tuple[tuple[dtime, dtime], ...] = ()
    always: bool = True

    def records_at(self, moment: datetime) -> bool:
        if self.always:
            return True
        now = moment.time()
        for start, end in self.windows:
            if start <= end and start <= now < end:
                return True
            if start > end and (now >= start or now < end):  # across midnight: 22:00-06:00
                return True
        return False

    def describe(self) -> str:
        if self.always:
            return "continuous"
        if not self.windows:
            return "off"
        return ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in self.windows)


CONTINUOUS = Schedule()
OFF = Schedule((), always=False)


@dataclass(frozen=True)
class Retention:
    keep_days: float | None = None
    max_bytes: int | None = None
    camera_max_bytes: int | None = None
    min_free_bytes: int = 1 * GB


@dataclass(frozen=True)
class Serve:
    """Where the recorder serves recordings over HTTP, and whose tokens it believes.

    The centre's public key is either written here (`centre_key`, public: no secret in the
    file) or read from this machine's keyring by centre id (`centre`), where the host and the
    recorder share a PC."""

    host: str = "127.0.0.1"
    port: int = DEFAULT_SERVE_PORT
    centre_key: str | None = None  # the public key's base64url text
    centre: str | None = None  # or the centre id whose key is in this machine's keyring

    def public_key(self) -> Any:
        """The key tokens must be signed with (console.evidence.signing.PublicKey);
        SigningKeyError when the keyring has none."""
        from console.evidence.signing import PublicKey, SigningKey

        if self.centre_key is not None:
            return PublicKey.from_text(self.centre_key)
        assert self.centre is not None
        return SigningKey.load(self.centre).public


@dataclass(frozen=True)
class RecorderConfig:
    path: Path
    store: Path
    catalog: Path
    key: str = "recorder"
    host_router: str | None = None
    host_key: bytes | None = None
    relay: str | None = "tcp://127.0.0.1:7710"
    segment_seconds: float = 60.0
    retention: Retention = field(default_factory=Retention)
    record: tuple[tuple[int, int], ...] | None = None  # None: every camera of the catalog
    schedules: tuple[tuple[tuple[tuple[int, int], ...], Schedule], ...] = ()
    viewers: dict[bytes, str] = field(default_factory=dict)  # relay viewers let in besides the host's
    serve: Serve | None = None  # None: recordings are not served over HTTP

    def records(self, number: int) -> bool:
        return self.record is None or _within(number, self.record)

    def schedule_of(self, number: int) -> Schedule:
        for ranges, schedule in self.schedules:
            if _within(number, ranges):
                return schedule
        return CONTINUOUS


def _within(number: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(a <= number <= b for a, b in ranges)


def read_recorder_config(path: str | Path) -> RecorderConfig:
    return read_config_file(path, _read, "a recorder configuration")


def _ranges(reader: Reader, node: Any, what: str) -> tuple[tuple[int, int], ...]:
    """`[1, 2, 10-20]`, `"1-16, 20"` or a single number."""
    import yaml

    if isinstance(node, yaml.SequenceNode):
        parts = [(item, str(item.value)) for item in reader.items(node, what)]
    elif isinstance(node, yaml.ScalarNode):
        parts = [(node, p) for p in str(node.value).split(",")]
    else:
        reader.problem(node, f"{what}: camera numbers such as 1-16, 20 or a list of them")
        return ()
    out = []
    for item, raw in parts:
        found = _RANGE.fullmatch(raw.strip())
        if not found:
            reader.problem(item, f"{what}: {raw.strip()!r} is not a camera number or a range such as 1-16")
            continue
        first = int(found[1])
        last = int(found[2]) if found[2] else first
        if not 1 <= first <= last <= MAX_CAMERA:
            reader.problem(item, f"{what}: {raw.strip()!r}: numbers from 1 to {MAX_CAMERA}, the smaller first")
            continue
        out.append((first, last))
    return tuple(out)


def _read(reader: Reader, root: Any, path: Path) -> RecorderConfig | None:
    top = reader.mapping(root, "the recorder configuration", KEYS, {"store", "catalog"})
    if top is None:
        return None
    base = path.parent
    values: dict[str, Any] = {}
    for name in ("store", "catalog"):
        if name in top and (text := reader.text(top[name], name)) is not None:
            values[name] = base / text
    if "key" in top and (text := reader.text(top["key"], "key")) is not None:
        if not _NAME.fullmatch(text):
            reader.problem(top["key"], f"key: {text!r} is not a key pair name (letters, digits, . _ @ -)")
        values["key"] = text
    if "host" in top:
        host = reader.mapping(top["host"], "host", {"router", "server_key"}, {"router", "server_key"}) or {}
        if "router" in host and (text := reader.text(host["router"], "host router")) is not None:
            if not _ENDPOINT.fullmatch(text):
                reader.problem(host["router"], f"host router: {text!r} is not a ZeroMQ endpoint such as tcp://127.0.0.1:7700")
            values["host_router"] = text
        if "server_key" in host and (text := reader.text(host["server_key"], "host server_key")) is not None:
            if not _Z85_KEY.fullmatch(text):
                reader.problem(host["server_key"],
                               "host server_key: not a public key (40 characters, from videowall keys show host)")
            values["host_key"] = text.encode()
    if "relay" in top and (text := reader.text(top["relay"], "relay")) is not None:
        if text == "off":
            values["relay"] = None
        elif not _ENDPOINT.fullmatch(text):
            reader.problem(top["relay"], f"relay: {text!r} is not a ZeroMQ endpoint such as tcp://127.0.0.1:7710 (or off)")
        else:
            values["relay"] = text
    if "segment_seconds" in top and (value := reader.number(top["segment_seconds"], "segment_seconds", 1, 3600)) is not None:
        values["segment_seconds"] = value
    if "retention" in top:
        values["retention"] = _retention(reader, top["retention"])
    if "record" in top:
        node = top["record"]
        import yaml

        if isinstance(node, yaml.ScalarNode) and node.value == "all":
            values["record"] = None
        else:
            values["record"] = _ranges(reader, node, "record")
    if "schedules" in top:
        schedules = []
        for item in reader.items(top["schedules"], "schedules"):
            entry = reader.mapping(item, "a schedule", {"cameras", "windows"}, {"cameras", "windows"})
            if not entry:
                continue
            ranges = _ranges(reader, entry["cameras"], "schedule cameras") if "cameras" in entry else ()
            schedule = _windows(reader, entry["windows"]) if "windows" in entry else None
            if ranges and schedule is not None:
                schedules.append((ranges, schedule))
        values["schedules"] = tuple(schedules)
    if "viewers" in top:
        viewers: dict[bytes, str] = {}
        for name, node in (reader.mapping(top["viewers"], "viewers") or {}).items():
            key = reader.text(node, f"viewers {name}")
            if key is not None and not _Z85_KEY.fullmatch(key):
                reader.problem(node, f"viewers {name}: not a public key (40 characters, from videowall keys show)")
            elif key is not None:
                viewers[key.encode()] = name
        values["viewers"] = viewers
    if "serve" in top:
        values["serve"] = _serve(reader, top["serve"])
    if "store" not in values or "catalog" not in values:
        return None
    return RecorderConfig(path, **values)


def _serve(reader: Reader, node: Any) -> Serve | None:
    import yaml

    if isinstance(node, yaml.ScalarNode) and node.value == "off":
        return None
    fields = reader.mapping(node, "serve", {"listen", "centre_key", "centre"})
    if fields is None:
        return None
    values: dict[str, Any] = {}
    if "listen" in fields and (text := reader.text(fields["listen"], "serve listen")) is not None:
        if text == "off":
            return None
        found = _LISTEN.fullmatch(text)
        if not found or not 0 <= int(found["port"]) < 65536:  # 0: any free port (tests)
            reader.problem(fields["listen"], f"serve listen: {text!r} is not an address and port such as "
                                             f"127.0.0.1:{DEFAULT_SERVE_PORT} (or off)")
        else:
            values["host"], values["port"] = found["host"].strip("[]"), int(found["port"])
    if ("centre_key" in fields) == ("centre" in fields):
        reader.problem(node, "serve: name the centre's public key (centre_key: <key>, its base64url text) "
                             "or the centre whose key this machine's keyring holds (centre: <id>), one of the two")
        return None
    if "centre_key" in fields and (text := reader.text(fields["centre_key"], "serve centre_key",
                                                        max_length=1024)) is not None:
        from console.evidence.signing import PublicKey, SigningKeyError

        try:
            PublicKey.from_text(text)
        except SigningKeyError as exc:
            reader.problem(fields["centre_key"], f"serve centre_key: {exc}")
        values["centre_key"] = text
    if "centre" in fields and (text := reader.text(fields["centre"], "serve centre")) is not None:
        if not _NAME.fullmatch(text):
            reader.problem(fields["centre"], f"serve centre: {text!r} is not a centre id (letters, digits, . _ @ -)")
        values["centre"] = text
    return Serve(**values)


def _windows(reader: Reader, node: Any) -> Schedule | None:
    import yaml

    if isinstance(node, yaml.ScalarNode) and node.value in ("off", "continuous"):
        return OFF if node.value == "off" else CONTINUOUS
    windows = []
    for item in reader.items(node, "windows"):
        text = reader.text(item, "a window")
        if text is None:
            continue
        found = _WINDOW.fullmatch(text.replace(" ", ""))
        if not found or (found[3] == "24" and found[4] != "00"):
            reader.problem(item, f"windows: {text!r} is not a time window such as 07:00-19:00 (or off, continuous)")
            continue
        start = dtime(int(found[1]), int(found[2]))
        end = dtime(23, 59, 59, 999999) if found[3] == "24" else dtime(int(found[3]), int(found[4]))
        if start == end:
            reader.problem(item, f"windows: {text!r} is empty; use continuous for all day")
            continue
        windows.append((start, end))
    return Schedule(tuple(windows), always=False) if windows else None


def _retention(reader: Reader, node: Any) -> Retention | None:
    fields = reader.mapping(node, "retention", {"keep_days", "max_gb", "camera_max_gb", "min_free_gb"})
    if fields is None:
        return None
    values: dict[str, Any] = {}
    if "keep_days" in fields and (value := reader.number(fields["keep_days"], "retention keep_days", 0.0001, 36500)) is not None:
        values["keep_days"] = value
    for name, target in (("max_gb", "max_bytes"), ("camera_max_gb", "camera_max_bytes"), ("min_free_gb", "min_free_bytes")):
        if name in fields and (value := reader.number(fields[name], f"retention {name}", 0, 1 << 20)) is not None:
            values[target] = int(value * GB)
    return Retention(**values)
