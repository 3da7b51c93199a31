"""The host configuration (`videowall host --config`, `videowall --config`), read strictly.

A typo (`authorised:`, `credentail:`) is an error naming its line, not a silently ignored
key that leaves every desk locked out; every problem is listed at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from console.matrix.yamlfile import Limits, NotTextError, Reader, TooBig, decode
from console.video.urls import mask_url

T = TypeVar("T")

ROLES = ("operator", "supervisor")
KEYS = {"layout", "catalog", "router", "pub", "key", "authorized", "roles", "state_dir", "role", "ptz", "rights", "centre"}
_ENDPOINT = re.compile(r"(tcp://(\*|[A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\]):[0-9]{1,5}|ipc://\S+|inproc://\S+)")
_Z85_KEY = re.compile(r"[0-9a-zA-Z.\-:+=^!/*?&<>()\[\]{}@%$#]{40}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class ConfigError(ValueError):
    def __init__(self, problems: list[str]) -> None:
        # A message quotes what the file says: never a password it holds (a URL in a wrong field).
        problems = [mask_url(p) for p in problems]
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class HostConfig:
    path: Path
    layout: Path
    catalog: Path
    router: str = "tcp://127.0.0.1:7700"
    pub: str = "tcp://127.0.0.1:7701"
    key: str = "host"
    authorized: dict[bytes, str] = field(default_factory=dict)  # public key -> desk or agent name
    roles: dict[str, str] | None = None
    state_dir: Path = Path("state")
    role: str = "operator"  # the console's own, with `videowall --config`
    ptz: Any = None  # console.matrix.ptz_control.PtzPolicy: leases, dead-man, priorities per role
    # What each role may do with recordings (playback, export, …); None: DEFAULT_RIGHTS.
    rights: dict[str, tuple[str, ...]] | None = None
    centre: str = "centre"  # names the centre's key in the keyring (evidence, recording tokens)


def read_config_file(path: str | Path, read: Callable[[Reader, Any, Path], T | None], what: str) -> T:
    """A configuration file read strictly (the host's, the recorder's): every problem with its
    line in one ConfigError, or what `read` made of the file."""
    path = Path(path)
    try:
        text = decode(path, path.read_bytes())
    except OSError as exc:
        raise ConfigError([f"{path}:1: cannot read: {exc.strerror or exc}"]) from exc
    except NotTextError as exc:
        raise ConfigError([exc.problem]) from None
    reader = Reader(str(path), Limits(max_bytes=1 << 20, max_nodes=100_000, max_text=512))
    root = reader.compose(text)
    if root is None:
        raise ConfigError(reader.problems)
    try:
        config = read(reader, root, path)
    except TooBig as exc:
        raise ConfigError([str(exc)]) from None
    if reader.problems or config is None:
        raise ConfigError(reader.problems or [f"{path}:1: not {what}"])
    return config


def read_host_config(path: str | Path) -> HostConfig:
    return read_config_file(path, _read, "a host configuration")


def _read(reader: Reader, root: object, path: Path) -> HostConfig | None:
    top = reader.mapping(root, "the configuration", KEYS, {"layout", "catalog"})  # type: ignore[arg-type]
    if top is None:
        return None
    base = path.parent
    values: dict[str, object] = {}
    for name in ("layout", "catalog", "state_dir"):
        if name in top and (text := reader.text(top[name], name)) is not None:
            values[name] = base / text
    for name in ("router", "pub"):
        if name in top and (text := reader.text(top[name], name)) is not None:
            if not _ENDPOINT.fullmatch(text):
                reader.problem(top[name], f"{name}: {text!r} is not a ZeroMQ endpoint such as tcp://127.0.0.1:7700")
            else:
                values[name] = text
    if "key" in top and (text := reader.text(top["key"], "key")) is not None:
        values["key"] = text
    authorized: dict[bytes, str] = {}
    if "authorized" in top:
        entries = reader.mapping(top["authorized"], "authorized") or {}
        for name, node in entries.items():
            key = reader.text(node, f"authorized {name}")
            if not _NAME.fullmatch(name):
                reader.problem(node, f"authorized: {name!r} is not a desk name (letters, digits, . _ @ -)")
            elif key is not None and not _Z85_KEY.fullmatch(key):
                reader.problem(node, f"authorized {name}: not a public key (40 characters, from videowall keys show)")
            elif key is not None:
                if key.encode() in authorized:
                    reader.problem(node, f"authorized {name}: the same key as {authorized[key.encode()]}")
                authorized[key.encode()] = name
    values["authorized"] = authorized
    if "roles" in top:
        entries = reader.mapping(top["roles"], "roles") or {}
        roles: dict[str, str] = {}
        for name, node in entries.items():
            role = reader.text(node, f"role of {name}")
            if role is not None and role not in ROLES:
                reader.problem(node, f"roles: {name}: {role!r} is not a role (a role is {' or '.join(ROLES)})")
            elif role is not None:
                roles[name] = role
        values["roles"] = roles
    if "role" in top and (role := reader.text(top["role"], "role")) is not None:
        if role not in ROLES:
            reader.problem(top["role"], f"role: {role!r} is not a role (a role is {' or '.join(ROLES)})")
        values["role"] = role
    if "ptz" in top:
        values["ptz"] = _ptz(reader, top["ptz"])
    if "rights" in top:
        values["rights"] = _rights(reader, top["rights"])
    if "centre" in top and (text := reader.text(top["centre"], "centre")) is not None:
        if not _NAME.fullmatch(text):
            reader.problem(top["centre"], f"centre: {text!r} is not a centre id (letters, digits, . _ @ -)")
        values["centre"] = text
    if "layout" not in values or "catalog" not in values:
        return None
    values.setdefault("state_dir", base / "state")
    return HostConfig(path, **values)  # type: ignore[arg-type]


def _rights(reader: Reader, node: Any) -> dict[str, tuple[str, ...]]:
    """`rights: {operator: [playback, wall-playback, bookmark], supervisor: [playback, export, …]}`;
    a role left out keeps its defaults, `[]` gives it none."""
    from console.matrix.commands import DEFAULT_RIGHTS, RECORDING_RIGHTS

    rights = dict(DEFAULT_RIGHTS)
    for role, entry in (reader.mapping(node, "rights", set(ROLES)) or {}).items():
        granted = []
        for item in reader.items(entry, f"rights of {role}"):
            right = reader.text(item, f"a right of {role}")
            if right is not None and right not in RECORDING_RIGHTS:
                reader.problem(item, f"rights: {role}: {right!r} is not a right (rights are {', '.join(RECORDING_RIGHTS)})")
            elif right is not None:
                granted.append(right)
        rights[role] = tuple(dict.fromkeys(granted))
    return rights


def _ptz(reader: Reader, node: Any) -> Any:
    """`ptz: {lease: 30, dead_man: 0.8, resend_after: 0.5, priorities: {operator: 1, supervisor: 2},
    lock_roles: [supervisor], explicit_lease: 3600}`, as the arbiter's policy."""
    from console.matrix.ptz_control import PtzPolicy

    fields = reader.mapping(node, "ptz", {"lease", "dead_man", "resend_after", "priorities", "lock_roles",
                                          "explicit_lease"})
    if fields is None:
        return None
    data: dict[str, Any] = {}
    for key in ("lease", "dead_man", "resend_after", "explicit_lease"):
        if key in fields and (value := reader.number(fields[key], f"ptz {key}", 0.05, 7 * 86_400)) is not None:
            data[key] = value
    if "priorities" in fields:
        entries = reader.mapping(fields["priorities"], "ptz priorities") or {}
        data["priorities"] = {role: number for role, value in entries.items()
                              if (number := reader.integer(value, f"ptz priority of {role}", 0, 1000)) is not None}
    if "lock_roles" in fields:
        data["lock_roles"] = [role for item in reader.items(fields["lock_roles"], "ptz lock_roles")
                              if (role := reader.text(item, "a role")) is not None]
    try:
        return PtzPolicy.from_config(data)
    except ValueError as exc:
        for problem in str(exc).splitlines():
            reader.problem(node, problem)
        return None
