"""`evidence verify`: an image, a sidecar or a sheet PDF is valid, or exactly what no longer matches.

Which key is trusted: the one given (the centre's published public key), else the centre's
own key from the keyring, else the key recorded in the store (said so in the verdict, since a
store's own record is only as safe as the folder it sits in).  No Qt here.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from console.evidence import pdfseal
from console.evidence.signing import ALGORITHM, PublicKey, SigningKeyError, unb64
from console.evidence.store import (
    NUMBER,
    PNG_MAGIC,
    SIDECAR_FORMAT,
    EvidenceError,
    EvidenceStore,
    field_digests,
    seal_payload,
    sidecar_bytes,
)

QR_PREFIX = "VWEV1"
SEAL_FIELDS = {"algorithm", "key_id", "public_key", "digests", "signature"}
QR_TEXT = re.compile(r"^VWEV1/(?P<number>[A-Z0-9]{1,12}-\d{8}-\d{4,})/(?P<sha256>[0-9a-f]{64})/(?P<signature>[A-Za-z0-9_-]{86})$")


@dataclass
class Verdict:
    path: str
    kind: str  # image, sidecar, pdf, qr
    numbers: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        what = ", ".join(self.numbers) or "no evidence number"
        lines = [f"{self.path}: {'VALID' if self.ok else 'NOT VALID'} ({self.kind}, {what})"]
        lines += [f"  - {p}" for p in self.problems]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "ok": self.ok, "numbers": self.numbers,
                "problems": self.problems, "notes": self.notes}


def qr_text(number: str, sha256: str, signature: str) -> str:
    """What a sheet's QR code says: enough to find the evidence and check it against the store."""
    return f"{QR_PREFIX}/{number}/{sha256}/{signature}"


def verify_path(path: Path, store: EvidenceStore | None = None, trusted: PublicKey | None = None) -> Verdict:
    path = Path(path)
    from console.evidence.exports import is_export, verify_export  # it builds on this module

    if is_export(path):  # an export folder (recordings as MP4 and their signed manifest)
        return verify_export(path, trusted)
    try:
        head = path.open("rb").read(8)
    except OSError as exc:
        return Verdict(str(path), "file", problems=[f"cannot read {path}: {exc.strerror or exc}"])
    # By name first: a changed first byte must not turn an image into "not a sidecar".
    suffix = path.suffix.lower()
    if suffix == ".pdf" or (suffix != ".json" and head.startswith(b"%PDF")):
        return verify_pdf(path, store, trusted)
    if suffix == ".png" or (suffix != ".json" and head.startswith(PNG_MAGIC)):
        return verify_image(path, store, trusted)
    return verify_sidecar(path, trusted, store)


def _trusted(store: EvidenceStore | None, trusted: PublicKey | None, verdict: Verdict) -> PublicKey | None:
    if trusted is not None:
        return trusted
    key = store.public_key if store is not None else None
    if key is not None:
        verdict.notes.append(f"checked against the key recorded in the store (key id {key.key_id}); "
                             "give the centre's public key to check against it")
    return key


def verify_sidecar(path: Path, trusted: PublicKey | None = None, store: EvidenceStore | None = None,
                   verdict: Verdict | None = None) -> Verdict:
    verdict = verdict or Verdict(str(path), "sidecar")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        verdict.problems.append(f"cannot read the sidecar {path.name}: {exc.strerror or exc}")
        return verdict
    fields = read_record(raw, f"sidecar {path.name}", verdict)
    if fields is None:
        return verdict
    if fields.get("format") != SIDECAR_FORMAT:
        verdict.problems.append(f"{path.name} is not a videowall evidence sidecar (format {fields.get('format')!r})")
        return verdict
    number = str(fields.get("evidence_number", ""))
    if number and number not in verdict.numbers:
        verdict.numbers.append(number)
    if NUMBER.match(path.stem) and path.stem != number:
        verdict.problems.append(f"the file is named {path.stem} but its evidence number reads {number}")
    seal = fields.get("seal")
    if not isinstance(seal, dict) or not isinstance(seal.get("digests"), dict):
        verdict.problems.append(f"sidecar {path.name} has no seal: it is not signed evidence")
        return verdict
    key = _trusted(store, trusted, verdict)
    try:
        signer = PublicKey.from_text(str(seal.get("public_key", "")))
        signature = unb64(str(seal.get("signature", "")))
    except (ValueError, SigningKeyError) as exc:
        verdict.problems.append(f"sidecar {path.name}: the seal's key or signature was changed ({exc})")
        return verdict
    if key is None:
        key = signer
        verdict.notes.append(f"no trusted key given: checked against the key in the sidecar itself (key id {signer.key_id})")
    elif signer.raw != key.raw:
        verdict.problems.append(f"signed with key {signer.key_id}, not the centre's key {key.key_id}")
    # The seal's own fields are not digested (they hold the digests): check each one.
    if set(seal) != SEAL_FIELDS:
        odd = ", ".join(sorted(set(seal) ^ SEAL_FIELDS))
        verdict.problems.append(f"sidecar {path.name}: the seal's fields were changed ({odd})")
    if seal.get("algorithm") != ALGORITHM:
        verdict.problems.append(f"sidecar {path.name}: the seal's algorithm was changed (now {seal.get('algorithm')!r})")
    if seal.get("key_id") != signer.key_id:
        verdict.problems.append(f"sidecar {path.name}: the seal's key id was changed (now {seal.get('key_id')!r})")
    digests: dict[str, str] = seal["digests"]
    if not key.verify(signature, seal_payload(number, digests)):
        verdict.problems.append(f"sidecar {path.name}: the signature does not match the seal "
                                "(the seal, the evidence number or the signature was changed)")
        return verdict
    current = field_digests(fields)
    for name in sorted(set(digests) | set(current)):
        if name not in current:
            verdict.problems.append(f"sidecar field {name} was removed")
        elif name not in digests:
            verdict.problems.append(f"sidecar field {name} was added")
        elif current[name] != digests[name]:
            verdict.problems.append(f"sidecar field {name} was changed (now {_short(_leaf(fields, name))})")
    if not verdict.problems and sidecar_bytes(fields) != raw:
        verdict.problems.append(f"sidecar {path.name}: its fields are intact but the file's bytes were changed "
                                "(spacing or layout)")
    return verdict


def verify_image(path: Path, store: EvidenceStore | None = None, trusted: PublicKey | None = None) -> Verdict:
    verdict = Verdict(str(path), "image")
    sidecar = path.with_suffix(".json")
    try:
        data = path.read_bytes()
    except OSError as exc:
        verdict.problems.append(f"cannot read {path.name}: {exc.strerror or exc}")
        return verdict
    digest = hashlib.sha256(data).hexdigest()
    if not sidecar.exists() and store is not None:
        found = store.get(path.stem) if NUMBER.match(path.stem) and _exists(store, path.stem) else store.find_by_image(digest)
        if found is not None:
            sidecar = found.sidecar_path
    if not sidecar.exists():
        verdict.problems.append(f"no sidecar for {path.name}: it is not stored evidence (or its record is incomplete)")
        return verdict
    verify_sidecar(sidecar, trusted, store, verdict)
    try:
        fields = json.loads(sidecar.read_text(encoding="utf-8"))
        image = fields["image"]
        recorded, size = str(image["sha256"]), int(image["bytes"])
    except (OSError, ValueError, KeyError, TypeError):
        return verdict  # verify_sidecar said what is wrong with it
    if digest != recorded:
        change = f"; its size changed from {size} to {len(data)} bytes" if size != len(data) else ""
        verdict.problems.append(f"image {path.name} was changed: its SHA-256 is {digest}, "
                                f"the evidence record says {recorded}{change}")
    return verdict


def verify_evidence(number: str, store: EvidenceStore, trusted: PublicKey | None = None) -> Verdict:
    """The stored evidence `number`: sidecar and image."""
    evidence = store.get(number)
    return verify_image(evidence.image_path, store, trusted)


def verify_qr(text: str, store: EvidenceStore, trusted: PublicKey | None = None) -> Verdict:
    """A QR code scanned from a sheet, resolved to the stored evidence and checked."""
    verdict = Verdict(text[:40] + ("…" if len(text) > 40 else ""), "qr")
    match = QR_TEXT.match(text.strip())
    if match is None:
        verdict.problems.append("this QR code is not a videowall evidence code")
        return verdict
    number = match["number"]
    verdict.numbers.append(number)
    try:
        evidence = store.get(number)
    except EvidenceError as exc:
        verdict.problems.append(str(exc))
        return verdict
    inner = verify_image(evidence.image_path, store, trusted)
    verdict.problems += inner.problems
    verdict.notes += inner.notes
    if evidence.sha256 != match["sha256"]:
        verdict.problems.append(f"the QR code's SHA-256 {match['sha256']} is not that of evidence {number} ({evidence.sha256})")
    if evidence.signature != match["signature"]:
        verdict.problems.append(f"the QR code's signature is not that of evidence {number}")
    return verdict


def verify_pdf(path: Path, store: EvidenceStore | None = None, trusted: PublicKey | None = None) -> Verdict:
    verdict = Verdict(str(path), "pdf")
    try:
        pdf = path.read_bytes()
    except OSError as exc:
        verdict.problems.append(f"cannot read {path.name}: {exc.strerror or exc}")
        return verdict
    try:
        manifest = pdfseal.manifest_of(pdf)
    except pdfseal.SealError as exc:
        manifest = None
        verdict.problems.append(str(exc))
    if manifest is None and not verdict.problems:
        verdict.problems.append(f"{path.name} is not an evidence sheet written by videowall (no manifest): "
                                "a printed sheet is checked by its QR codes")
        return verdict
    key = _trusted(store, trusted, verdict)
    check = pdfseal.check_seal(pdf, key)
    verdict.problems += check.problems
    for entry in (manifest or {}).get("evidence", []):
        number = str(entry.get("number", ""))
        verdict.numbers.append(number)
        if store is None:
            continue
        try:
            evidence = store.get(number)
        except EvidenceError as exc:
            verdict.problems.append(f"the sheet lists {number}: {exc}")
            continue
        if evidence.sha256 != entry.get("sha256"):
            verdict.problems.append(f"the sheet's SHA-256 for {number} is not that of the stored image ({evidence.sha256})")
        if evidence.signature != entry.get("signature"):
            verdict.problems.append(f"the sheet's signature for {number} is not that of the stored evidence")
        stored = verify_image(evidence.image_path, store, trusted)
        verdict.problems += [f"stored evidence {number}: {p}" for p in stored.problems]
    if store is None and manifest is not None:
        verdict.notes.append("no evidence store given: the sheet's own seal was checked, not the stored frames")
    return verdict


def _exists(store: EvidenceStore, number: str) -> bool:
    try:
        store.get(number)
    except EvidenceError:
        return False
    return True


def _leaf(fields: dict[str, Any], dotted: str) -> Any:
    """The value at a digest's path: `camera.name`, `files[1].sha256`; None if it is gone."""
    value: Any = fields
    for part in dotted.replace("[", ".[").split("."):
        if part.startswith("[") and part.endswith("]") and isinstance(value, list):
            index = int(part[1:-1])
            value = value[index] if index < len(value) else None
        elif isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"


def read_record(raw: bytes, name: str, verdict: Verdict) -> dict[str, Any] | None:
    """A signed JSON record (a sidecar, an export's manifest) from its bytes; None, with the
    problem in `verdict`, if it is no longer text or JSON: then it was changed."""
    try:
        fields = json.loads(raw.decode("utf-8"))
        if not isinstance(fields, dict):
            raise ValueError("not a record")
    except UnicodeDecodeError as exc:
        verdict.problems.append(f"{name}: byte {exc.start} is not text any more: the file was changed")
        return None
    except ValueError as exc:
        verdict.problems.append(f"{name} is no longer valid JSON ({exc}): the file was changed")
        return None
    return fields
