"""How a terminal finds the centre running on this machine: one connection file per centre.

A running centre (`videowall demo`, `videowall --config`, `videowall host`) writes where its
host listens and the host's public key (nothing secret) into the user's runtime directory, and
removes the file when it stops.  `videowall key`, `status`, `grab` and `agent` read it when
they are not told `--host` and `--server-key`.

A centre may also *enrol* local desks: a client drops its public key into the centre's enrol
folder, and the host lets that key in.  Only the demo does this (its host has nothing to
protect but simulated cameras); a real host trusts only the keys its configuration lists.
The runtime directory is the user's own (mode 0700), so whoever can enrol a key could read
the user's keyring anyway.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from console.atomic import write_atomic

log = logging.getLogger("videowall.connection")

FORMAT = 1


class CentreError(RuntimeError):
    pass


def runtime_dir() -> Path:
    """$XDG_RUNTIME_DIR/videowall, or /tmp/videowall-UID where there is no runtime directory."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    path = Path(base) / "videowall" if base and Path(base).is_dir() else Path(f"/tmp/videowall-{os.getuid()}")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = path.lstat()
    # /tmp is shared: a folder someone else made there could feed us their host's address.
    if info.st_uid != os.getuid() or info.st_mode & 0o077 or not path.is_dir() or path.is_symlink():
        raise CentreError(f"{path} is not a private folder of this user (owner {info.st_uid}, "
                              f"mode {info.st_mode & 0o777:o}): remove it, or set XDG_RUNTIME_DIR")
    return path


@dataclass(frozen=True)
class Centre:
    name: str  # what the user calls it: "demo", or the configuration file's name
    kind: str  # demo, console (a centre's own desk), host
    router: str
    pub: str
    server_key: str  # z85 public key of the host
    pid: int
    started: float  # time.time()
    enrol: bool = False

    @property
    def file(self) -> Path:
        return runtime_dir() / f"centre-{self.pid}.json"

    @property
    def enrol_dir(self) -> Path:
        return runtime_dir() / f"centre-{self.pid}.desks"

    def describe(self) -> str:
        return f"the {self.name} centre ({self.kind}, pid {self.pid}, {self.router})"

    def enrol_key(self, name: str, public_key: bytes) -> None:
        """Offer a desk's public key to a centre that enrols local desks."""
        if not self.enrol:
            raise CentreError(f"{self.describe()} does not enrol desks: add the key to its host's authorized: list")
        self.enrol_dir.mkdir(mode=0o700, exist_ok=True)
        write_atomic(self.enrol_dir / f"{_safe(name)}.pub", public_key + b"\n")


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)[:64] or "desk"


def publish(name: str, kind: str, router: str, pub: str, server_key: bytes, *, enrol: bool = False) -> Centre:
    centre = Centre(name, kind, router, pub, server_key.decode(), os.getpid(), time.time(), enrol)
    data = {"format": FORMAT, **asdict(centre)}
    write_atomic(centre.file, json.dumps(data, indent=1).encode())
    if enrol:
        centre.enrol_dir.mkdir(mode=0o700, exist_ok=True)
    log.info("connection file %s", centre.file)
    return centre


def withdraw(centre: Centre) -> None:
    """The centre stops: its file and its enrolled keys go."""
    try:
        centre.file.unlink(missing_ok=True)
        if centre.enrol_dir.is_dir():
            for entry in centre.enrol_dir.iterdir():
                entry.unlink(missing_ok=True)
            centre.enrol_dir.rmdir()
    except OSError as exc:
        log.warning("could not remove %s: %s", centre.file, exc)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running() -> list[Centre]:
    """The centres whose process is alive, newest first; files left by a killed one are removed."""
    centres = []
    for path in sorted(runtime_dir().glob("centre-*.json")):
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            if data.pop("format", None) != FORMAT:
                continue
            centre = Centre(**data)
        except (OSError, ValueError, TypeError) as exc:
            log.warning("skipped %s: %s", path, exc)
            continue
        if not _alive(centre.pid):
            withdraw(centre)
            continue
        centres.append(centre)
    return sorted(centres, key=lambda c: c.started, reverse=True)


def choose(name: str | None = None) -> Centre:
    """The centre to talk to: the one named, or the only one running, or the newest (said)."""
    centres = running()
    if name is not None:
        named = [c for c in centres if name in (c.name, str(c.pid))]
        if not named:
            listed = ", ".join(f"{c.name} (pid {c.pid})" for c in centres) or "none"
            raise CentreError(f"no running centre called {name!r} here (running: {listed})")
        return named[0]
    if not centres:
        raise CentreError("no centre is running on this machine: start one (videowall demo, videowall --config "
                              "FILE, videowall host --config FILE), or give --host ADDR --server-key KEY")
    return centres[0]


def enrolled(directory: Path, key: bytes) -> str | None:
    """The name a key was enrolled under in `directory`, if it was."""
    try:
        entries = list(directory.glob("*.pub"))
    except OSError:
        return None
    for entry in entries:
        try:
            if entry.read_bytes().strip() == key:
                return entry.stem
        except OSError:
            continue
    return None
