"""Signed export manifests: what an export folder holds, sealed with the centre's key, and checked.

An export folder is `manifest.json` plus the MP4 files it lists.  The manifest's seal works as
a frame's sidecar does (console/evidence/store.py): a SHA-256 of every leaf field, by path
(`files[1].sha256`), and an Ed25519 signature over those digests.  So a verifier names what
changed: a field of the manifest, or a file whose bytes no longer hash to what the manifest
says.  Written by console/recorder/export.py; read by `videowall evidence verify DIR`.
No Qt here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from console.evidence.signing import ALGORITHM, PublicKey, SigningKey, SigningKeyError, b64, canonical, unb64
from console.evidence.verify import Verdict, _leaf, _short, read_record

EXPORT_FORMAT = "videowall-export/1"
MANIFEST_NAME = "manifest.json"
SEAL_FIELDS = {"algorithm", "key_id", "public_key", "digests", "signature"}
HASH_CHUNK = 1024 * 1024


def manifest_digests(fields: dict[str, Any]) -> dict[str, str]:
    """SHA-256 of every leaf, by path (`cameras[0].name`, `files[2].sha256`), the seal left out.

    Lists are walked too (unlike a sidecar's flat fields): an export lists its files and
    cameras, and "files[2].sha256 was changed" says more than "files was changed"."""
    out: dict[str, str] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict) and value:
            for key, item in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), item)
        elif isinstance(value, list) and value:
            for index, item in enumerate(value):
                walk(f"{prefix}[{index}]", item)
        else:
            out[prefix] = hashlib.sha256(canonical(value)).hexdigest()

    walk("", {k: v for k, v in fields.items() if k != "seal"})
    return out


def seal_payload(export_id: str, digests: dict[str, str]) -> bytes:
    return canonical({"format": EXPORT_FORMAT, "export_id": export_id, "digests": digests})


def manifest_bytes(fields: dict[str, Any]) -> bytes:
    """How a manifest is written; a verifier writes it again the same way to catch edits to its layout."""
    return (json.dumps(fields, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def seal(fields: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    """The manifest with its seal: digests of every field, signed with the centre's key."""
    digests = manifest_digests(fields)
    sealed = dict(fields)
    sealed["seal"] = {"algorithm": ALGORITHM, "key_id": key.key_id, "public_key": key.public.text(),
                      "digests": digests, "signature": b64(key.sign(seal_payload(str(fields["export_id"]), digests)))}
    return sealed


def file_sha256(path: Path) -> tuple[str, int]:
    """(SHA-256 hex, size) of a file, read in chunks (exports run to gigabytes)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as f:
        while chunk := f.read(HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def is_export(path: Path) -> bool:
    """A folder holding an export manifest, or the manifest itself."""
    path = Path(path)
    return (path.is_dir() and (path / MANIFEST_NAME).is_file()) or path.name == MANIFEST_NAME


def verify_export(path: Path, trusted: PublicKey | None = None) -> Verdict:
    """Check an export folder: the manifest's seal and fields, then every file's size and hash.

    Which key is trusted: the one given, else the centre's own key in this machine's keyring
    (by the centre id the manifest names), else the key the manifest carries (and it says so:
    that proves only that nothing changed since someone signed, not who)."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    verdict = Verdict(str(folder), "export")
    manifest_path = folder / MANIFEST_NAME
    try:
        raw = manifest_path.read_bytes()
    except FileNotFoundError:
        verdict.problems.append(f"no {MANIFEST_NAME} in {folder}: not a videowall export, or its manifest was removed")
        return verdict
    except OSError as exc:
        verdict.problems.append(f"cannot read {MANIFEST_NAME}: {exc.strerror or exc}")
        return verdict
    fields = read_record(raw, MANIFEST_NAME, verdict)
    if fields is None:
        return verdict
    if fields.get("format") != EXPORT_FORMAT:
        verdict.problems.append(f"{MANIFEST_NAME} is not a videowall export manifest (format {fields.get('format')!r}): "
                                "the manifest was changed, or this is something else")
        return verdict
    export_id = str(fields.get("export_id", ""))
    verdict.numbers.append(export_id or "no export id")
    _check_seal(fields, raw, trusted, verdict)
    _check_files(folder, fields, verdict)
    return verdict


def _check_seal(fields: dict[str, Any], raw: bytes, trusted: PublicKey | None, verdict: Verdict) -> None:
    seal_fields = fields.get("seal")
    if not isinstance(seal_fields, dict) or not isinstance(seal_fields.get("digests"), dict):
        verdict.problems.append(f"{MANIFEST_NAME} has no seal: it is not a signed export (or the seal was changed)")
        return
    try:
        signer = PublicKey.from_text(str(seal_fields.get("public_key", "")))
        signature = unb64(str(seal_fields.get("signature", "")))
    except (ValueError, SigningKeyError) as exc:
        verdict.problems.append(f"{MANIFEST_NAME}: the seal's key or signature was changed ({exc})")
        return
    key = trusted
    if key is None:
        centre_id = str((fields.get("centre") or {}).get("id", "")) if isinstance(fields.get("centre"), dict) else ""
        try:
            key = SigningKey.load(centre_id).public if centre_id else None  # on the centre's own machine
        except SigningKeyError:
            key = None
    if key is None:
        key = signer
        verdict.notes.append(f"no trusted key given: checked against the key in the manifest itself (key id "
                             f"{signer.key_id}); give the centre's public key (--public-key) to check who signed it")
    elif signer.raw != key.raw:
        verdict.problems.append(f"signed with key {signer.key_id}, not the centre's key {key.key_id}")
    if set(seal_fields) != SEAL_FIELDS:
        odd = ", ".join(sorted(set(seal_fields) ^ SEAL_FIELDS))
        verdict.problems.append(f"{MANIFEST_NAME}: the seal's fields were changed ({odd})")
    if seal_fields.get("algorithm") != ALGORITHM:
        verdict.problems.append(f"{MANIFEST_NAME}: the seal's algorithm was changed (now {seal_fields.get('algorithm')!r})")
    if seal_fields.get("key_id") != signer.key_id:
        verdict.problems.append(f"{MANIFEST_NAME}: the seal's key id was changed (now {seal_fields.get('key_id')!r})")
    digests: dict[str, str] = seal_fields["digests"]
    if not key.verify(signature, seal_payload(str(fields.get("export_id", "")), digests)):
        verdict.problems.append(f"{MANIFEST_NAME}: the signature does not match the seal "
                                "(the seal, the export id or the signature was changed)")
        return
    current = manifest_digests(fields)
    for name in sorted(set(digests) | set(current)):
        if name not in current:
            verdict.problems.append(f"{MANIFEST_NAME}: field {name} was removed")
        elif name not in digests:
            verdict.problems.append(f"{MANIFEST_NAME}: field {name} was added")
        elif current[name] != digests[name]:
            verdict.problems.append(f"{MANIFEST_NAME}: field {name} was changed (now {_short(_leaf(fields, name))})")
    if not verdict.problems and manifest_bytes(fields) != raw:
        verdict.problems.append(f"{MANIFEST_NAME}: its fields are intact but the file's bytes were changed (spacing or layout)")


def _check_files(folder: Path, fields: dict[str, Any], verdict: Verdict) -> None:
    files = fields.get("files")
    if not isinstance(files, list) or not files:
        verdict.problems.append(f"{MANIFEST_NAME} lists no files")
        return
    listed: set[str] = set()
    for entry in files:
        name = str(entry.get("file", "")) if isinstance(entry, dict) else ""
        if not name or Path(name).name != name or name in (".", ".."):
            # Only plain names: a changed manifest must not send the verifier reading elsewhere.
            verdict.problems.append(f"{MANIFEST_NAME} lists a file by an unusable name {name!r}")
            continue
        listed.add(name)
        target = folder / name
        try:
            digest, size = file_sha256(target)
        except FileNotFoundError:
            verdict.problems.append(f"file {name} is missing")
            continue
        except OSError as exc:
            verdict.problems.append(f"file {name} cannot be read: {exc.strerror or exc}")
            continue
        recorded, recorded_size = str(entry.get("sha256", "")), entry.get("bytes")
        if digest != recorded:
            change = f"; its size changed from {recorded_size} to {size} bytes" if recorded_size != size else ""
            verdict.problems.append(f"file {name} was changed: its SHA-256 is {digest}, the manifest says {recorded}{change}")
        elif recorded_size != size:
            verdict.problems.append(f"file {name}: {size} bytes, the manifest says {recorded_size}")
    for extra in sorted(p.name for p in folder.iterdir() if p.name != MANIFEST_NAME and p.name not in listed):
        verdict.problems.append(f"file {extra} is not part of the export (the manifest does not list it)")

