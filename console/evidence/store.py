"""The evidence store: each frame as its original image plus a signed JSON sidecar.

Layout: `ROOT/store.json` names the centre and its key; `ROOT/YYYY/NUMBER.png` is the image
exactly as the video engine saved it (lossless, the camera's resolution) and
`ROOT/YYYY/NUMBER.json` everything known about it.  Files are created exclusively and
atomically (`console.atomic.write_new`) and read-only: nothing is ever overwritten, and the
store has no delete.  The image goes first and the sidecar last, so a frame without its
sidecar is incomplete (a crash, a full disk) and never listed as evidence; the writer removes
its own image when the sidecar cannot follow.

The sidecar's seal holds a digest of every field and of the image; the signature covers the
digests.  So a verifier can say which field changed, not only that something did.
No Qt here.
"""

from __future__ import annotations

import errno
import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from console.atomic import write_atomic, write_new
from console.evidence.signing import ALGORITHM, PublicKey, SigningKey, b64, canonical

SIDECAR_FORMAT = "videowall-evidence/1"
STORE_FORMAT = "videowall-evidence-store/1"
NUMBER = re.compile(r"^(?P<prefix>[A-Z0-9]{1,12})-(?P<date>\d{8})-(?P<seq>\d{4,})$")
DISK_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class EvidenceError(RuntimeError):
    """What went wrong, in a sentence for the desk; `kind` lets a UI say it in its own words."""

    def __init__(self, kind: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.kind = kind  # no-picture, disk-full, not-found, bad-image, key, store
        self.details = details


@dataclass(frozen=True)
class Capture:
    """One picture as a tile, the main monitor or a paused playback had it, before it is stored."""

    png: bytes  # the original image bytes: stored as they are
    camera_number: int
    camera_name: str
    camera_place: tuple[str, ...]
    frame_time: datetime  # the picture's own time (aware)
    source: str = "live"  # live, main-monitor, playback
    monitor: int | None = None
    signal_lost_since: datetime | None = None  # set when the tile showed SIGNAL LOST
    signal_reason: str = ""

    @property
    def size(self) -> tuple[int, int]:
        return png_size(self.png)


@dataclass(frozen=True)
class Evidence:
    number: str
    fields: dict[str, Any]  # the sidecar as stored
    image_path: Path
    sidecar_path: Path

    @property
    def sha256(self) -> str:
        return str(self.fields["image"]["sha256"])

    @property
    def signature(self) -> str:
        return str(self.fields["seal"]["signature"])

    @property
    def frame_time(self) -> datetime:
        return datetime.fromisoformat(self.fields["frame_time"])

    @property
    def signal_lost_since(self) -> datetime | None:
        lost = self.fields["signal"].get("lost_since")
        return datetime.fromisoformat(lost) if lost else None

    def image_bytes(self) -> bytes:
        return self.image_path.read_bytes()


@dataclass(frozen=True)
class Centre:
    name: str  # shown on every sheet
    id: str = "centre"  # names the key in the keyring
    prefix: str = "EV"  # starts every evidence number

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z0-9]{1,12}", self.prefix):
            raise ValueError(f"an evidence number prefix is 1-12 capital letters or digits, not {self.prefix!r}")


@dataclass
class Incomplete:
    """An image whose sidecar never came (interrupted); not evidence."""

    path: Path
    reason: str = "no sidecar"


def png_size(data: bytes) -> tuple[int, int]:
    if len(data) < 24 or not data.startswith(PNG_MAGIC) or data[12:16] != b"IHDR":
        raise EvidenceError("bad-image", "the picture is not a PNG image")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def sidecar_bytes(fields: dict[str, Any]) -> bytes:
    """How a sidecar is written; a verifier rewrites it the same way to catch edits to its layout."""
    return (json.dumps(fields, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def field_digests(fields: dict[str, Any]) -> dict[str, str]:
    """SHA-256 of every leaf field, by dotted path (camera.name), the seal left out."""
    out: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        else:
            out[prefix] = hashlib.sha256(canonical(value)).hexdigest()

    walk("", {k: v for k, v in fields.items() if k != "seal"})
    return out


def seal_payload(number: str, digests: dict[str, str]) -> bytes:
    return canonical({"evidence_number": number, "digests": digests})


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("evidence times must carry a time zone")
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def local_iso(moment: datetime) -> str:
    """The same moment in the desk's own zone, with its offset: what a person reads."""
    return moment.astimezone().isoformat(timespec="milliseconds")


class EvidenceStore:
    """Evidence of one centre in a folder; `add` needs the centre's key, reading does not."""

    def __init__(self, root: Path, centre: Centre | None = None, key: SigningKey | None = None) -> None:
        self.root = Path(root)
        meta = self._read_meta()
        if centre is None:
            if meta is None:
                raise EvidenceError("store", f"{self.root} is not an evidence store (no store.json)")
            c = meta["centre"]
            centre = Centre(str(c["name"]), str(c["id"]), str(c.get("prefix", "EV")))
        self.centre = centre
        self.key = key
        self._meta = meta

    # -- writing ------------------------------------------------------------------------
    def add(self, capture: Capture, *, desk: str, operator: str, case_number: str = "", note: str = "",
            captured_at: datetime | None = None) -> Evidence:
        """Store one frame; its evidence number is the next free one of the day (UTC)."""
        if self.key is None:
            self.key = SigningKey.load(self.centre.id, create=True)
        width, height = png_size(capture.png)
        captured_at = captured_at or datetime.now(UTC)
        self._ensure_meta()
        digest = hashlib.sha256(capture.png).hexdigest()
        day = captured_at.astimezone(UTC).strftime("%Y%m%d")
        folder = self.root / day[:4]
        try:
            number, image_path = self._claim(folder, day, capture.png)
        except OSError as exc:
            raise self._disk_error(exc, "nothing was stored") from exc
        fields: dict[str, Any] = {
            "format": SIDECAR_FORMAT,
            "evidence_number": number,
            "centre": {"name": self.centre.name, "id": self.centre.id},
            "camera": {"number": capture.camera_number, "name": capture.camera_name, "place": list(capture.camera_place)},
            "source": {"kind": capture.source, "monitor": capture.monitor},
            "frame_time": iso(capture.frame_time),
            "frame_time_local": local_iso(capture.frame_time),
            "captured_at": iso(captured_at),
            "desk": desk,
            "operator": operator,
            "case_number": case_number,
            "note": note,
            "signal": ({"state": "lost", "lost_since": iso(capture.signal_lost_since),
                        "lost_since_local": local_iso(capture.signal_lost_since), "reason": capture.signal_reason}
                       if capture.signal_lost_since is not None else {"state": "live"}),
            "image": {"file": image_path.name, "format": "png", "width": width, "height": height,
                      "bytes": len(capture.png), "sha256": digest},
        }
        digests = field_digests(fields)
        fields["seal"] = {
            "algorithm": ALGORITHM,
            "key_id": self.key.key_id,
            "public_key": self.key.public.text(),
            "digests": digests,
            "signature": b64(self.key.sign(seal_payload(number, digests))),
        }
        sidecar_path = image_path.with_suffix(".json")
        try:
            write_new(sidecar_path, sidecar_bytes(fields))
        except BaseException as exc:
            # The image alone must not look like evidence: it was ours, made a moment ago.
            image_path.chmod(0o644)
            image_path.unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise self._disk_error(exc, "nothing was stored") from exc
            raise
        return Evidence(number, fields, image_path, sidecar_path)

    def _claim(self, folder: Path, day: str, png: bytes) -> tuple[str, Path]:
        """The next number of the day whose image name nobody has taken (exclusive create)."""
        seq = self._last_seq(folder, day)
        while True:
            seq += 1
            number = f"{self.centre.prefix}-{day}-{seq:04d}"
            path = folder / f"{number}.png"
            try:
                write_new(path, png)
            except FileExistsError:
                continue  # another desk took it a moment ago
            return number, path

    def _last_seq(self, folder: Path, day: str) -> int:
        last = 0
        if folder.is_dir():
            for path in folder.iterdir():
                match = NUMBER.match(path.stem)
                if match and match["date"] == day and match["prefix"] == self.centre.prefix:
                    last = max(last, int(match["seq"]))
        return last

    def _disk_error(self, exc: OSError, outcome: str) -> EvidenceError:
        if exc.errno in DISK_ERRORS:
            return EvidenceError("disk-full", f"the evidence disk {self.root} is full ({exc.strerror}): {outcome}")
        return EvidenceError("store", f"cannot write to the evidence store {self.root}: {exc}: {outcome}")

    def _read_meta(self) -> dict[str, Any] | None:
        try:
            meta = json.loads((self.root / "store.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise EvidenceError("store", f"{self.root}/store.json cannot be read: {exc}") from exc
        if not isinstance(meta, dict) or meta.get("format") != STORE_FORMAT:
            raise EvidenceError("store", f"{self.root}/store.json is not a videowall evidence store")
        return meta

    def _ensure_meta(self) -> None:
        if self._meta is not None:
            return
        assert self.key is not None
        meta = {"format": STORE_FORMAT, "centre": {"name": self.centre.name, "id": self.centre.id,
                                                   "prefix": self.centre.prefix},
                "key_id": self.key.key_id, "public_key": self.key.public.text()}
        try:
            write_atomic(self.root / "store.json", sidecar_bytes(meta))
        except OSError as exc:
            raise self._disk_error(exc, "nothing was stored") from exc
        self._meta = meta

    # -- reading ------------------------------------------------------------------------
    @property
    def public_key(self) -> PublicKey | None:
        """The key this store's sidecars were signed with, as recorded in store.json."""
        if self.key is not None:
            return self.key.public
        if self._meta and self._meta.get("public_key"):
            return PublicKey.from_text(str(self._meta["public_key"]))
        return None

    def get(self, number: str) -> Evidence:
        match = NUMBER.match(number)
        if match is None:
            raise EvidenceError("not-found", f"{number!r} is not an evidence number")
        sidecar = self.root / match["date"][:4] / f"{number}.json"
        try:
            fields = json.loads(sidecar.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise EvidenceError("not-found", f"no evidence {number} in {self.root}") from None
        except (OSError, ValueError) as exc:
            raise EvidenceError("store", f"the sidecar of {number} cannot be read: {exc}") from exc
        return Evidence(number, fields, sidecar.with_suffix(".png"), sidecar)

    def numbers(self) -> Iterator[str]:
        for year in sorted(p for p in self.root.iterdir() if p.is_dir() and p.name.isdigit()) if self.root.is_dir() else []:
            for path in sorted(year.glob("*.json")):
                if NUMBER.match(path.stem):
                    yield path.stem

    def entries(self) -> list[Evidence]:
        return [self.get(n) for n in self.numbers()]

    def incomplete(self) -> list[Incomplete]:
        """Images without a sidecar, and temp files left by an interrupted write."""
        found: list[Incomplete] = []
        if not self.root.is_dir():
            return found
        for year in sorted(p for p in self.root.iterdir() if p.is_dir() and p.name.isdigit()):
            for path in sorted(year.iterdir()):
                if path.suffix == ".png" and not path.with_suffix(".json").exists():
                    found.append(Incomplete(path))
                elif path.name.startswith(".") and path.suffix == ".tmp":
                    found.append(Incomplete(path, "interrupted write"))
        return found

    def find_by_image(self, digest: str) -> Evidence | None:
        for evidence in self.entries():
            if evidence.fields.get("image", {}).get("sha256") == digest:
                return evidence
        return None


@dataclass
class SheetRecord:
    """What a printed or saved sheet carried: kept beside the evidence as a signed record."""

    sheet_id: str
    numbers: list[str]
    printed_by: str
    printed_at: datetime
    output: str  # "pdf:/path" or "printer:NAME"
    copies: int = 1
    pdf_sha256: str = ""
    job_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"sheet_id": self.sheet_id, "numbers": self.numbers, "printed_by": self.printed_by,
                "printed_at": iso(self.printed_at), "output": self.output, "copies": self.copies,
                "pdf_sha256": self.pdf_sha256, "job_id": self.job_id, **self.extra}


def record_sheet(store: EvidenceStore, record: SheetRecord) -> Path:
    """Keep a signed record of a sheet in ROOT/sheets/ (never overwritten)."""
    if store.key is None:
        store.key = SigningKey.load(store.centre.id, create=True)
    body = record.to_dict()
    body["seal"] = {"algorithm": ALGORITHM, "key_id": store.key.key_id,
                    "signature": b64(store.key.sign(canonical(body)))}
    # One sheet may be saved once and printed many times: each output has a record of its own.
    kind = "pdf" if record.output.startswith("pdf:") else f"print-{record.job_id or int(record.printed_at.timestamp())}"
    path = store.root / "sheets" / f"{record.sheet_id}.{kind}.json"
    try:
        write_new(path, sidecar_bytes(body))
    except OSError as exc:
        raise store._disk_error(exc, "the sheet was made but its record was not kept") from exc
    return path
