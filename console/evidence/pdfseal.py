"""A PDF that vouches for itself: a manifest and a signed seal in its XMP metadata.

The sheet writer puts two elements in the document's XMP packet (which Qt writes as an
uncompressed stream): `vw:manifest`, the evidence on the sheet (numbers, hashes, signatures),
and `vw:seal`, first a run of spaces.  Once Qt has written the file, the seal is filled in
place with the same number of bytes: a signed list of hashes of the whole file and of each
PDF object, computed with the seal's own bytes blank.  No offset moves, so the PDF stays
valid, and a verifier can say which object (a picture, a page, a font, the manifest) no
longer matches.  No Qt here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from console.evidence.signing import PublicKey, SigningKey, SigningKeyError, b64, canonical, unb64

NAMESPACE = "urn:videowall:evidence:1"
SEAL_SPACE = 24 * 1024
SEAL_OPEN, SEAL_CLOSE = b"<vw:seal>", b"</vw:seal>"
MANIFEST_OPEN, MANIFEST_CLOSE = b"<vw:manifest>", b"</vw:manifest>"
OBJECT_START = re.compile(rb"(?:^|[\r\n])(\d+) (\d+) obj\b")


class SealError(ValueError):
    pass


def xmp_packet(manifest: dict[str, Any], title: str) -> bytes:
    """The XMP metadata for a sheet: Dublin Core title, our manifest, room for the seal."""
    encoded = base64.b64encode(canonical(manifest)).decode("ascii")
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f'  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:vw="{NAMESPACE}">\n'
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{safe_title}</rdf:li></rdf:Alt></dc:title>\n'
        f"   <vw:manifest>{encoded}</vw:manifest>\n"
        f"   <vw:seal>{' ' * SEAL_SPACE}</vw:seal>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


def manifest_of(pdf: bytes) -> dict[str, Any] | None:
    start = pdf.find(MANIFEST_OPEN)
    if start < 0:
        return None
    end = pdf.find(MANIFEST_CLOSE, start)
    if end < 0:
        raise SealError("the manifest in the PDF is cut short")
    try:
        value = json.loads(base64.b64decode(pdf[start + len(MANIFEST_OPEN):end], validate=True))
    except (ValueError, TypeError) as exc:
        raise SealError(f"the manifest in the PDF is damaged: {exc}") from exc
    if not isinstance(value, dict):
        raise SealError("the manifest in the PDF is not a record")
    return value


def _seal_region(pdf: bytes) -> tuple[int, int]:
    start = pdf.find(SEAL_OPEN)
    if start < 0:
        raise SealError("the PDF has no seal")
    start += len(SEAL_OPEN)
    end = pdf.find(SEAL_CLOSE, start)
    if end < 0:
        raise SealError("the PDF's seal is cut short")
    return start, end


@dataclass(frozen=True)
class Segment:
    label: str  # "object 12", "header", "tail"
    offset: int
    length: int


def segments(pdf: bytes) -> list[Segment]:
    """The file cut at each `N G obj` and at the cross-reference table."""
    starts = [(m.start(1), f"object {int(m.group(1))}") for m in OBJECT_START.finditer(pdf)]
    xref = pdf.rfind(b"\nxref")
    out: list[Segment] = []
    if not starts:
        return [Segment("whole file", 0, len(pdf))]
    out.append(Segment("header", 0, starts[0][0]))
    bounds = [s for s, _ in starts[1:]] + [xref + 1 if xref > starts[-1][0] else len(pdf)]
    for (start, label), end in zip(starts, bounds, strict=True):
        out.append(Segment(label, start, end - start))
    if xref > starts[-1][0]:
        out.append(Segment("cross-reference table and trailer", xref + 1, len(pdf) - xref - 1))
    return out


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _body(seal: dict[str, Any]) -> bytes:
    return canonical({k: v for k, v in seal.items() if k != "signature"})


def seal_pdf(pdf: bytes, key: SigningKey) -> bytes:
    """Fill the seal of a freshly written sheet; the result has exactly the same length."""
    start, end = _seal_region(pdf)
    if pdf[start:end].strip():
        raise SealError("the PDF is sealed already")
    parts = segments(pdf)
    seal: dict[str, Any] = {
        "v": 1,
        "size": len(pdf),
        "sha256": _hash(pdf),
        "segments": [[s.label, s.offset, s.length, _hash(pdf[s.offset:s.offset + s.length])[:16]] for s in parts],
        "key_id": key.key_id,
        "public_key": key.public.text(),
    }
    seal["signature"] = b64(key.sign(_body(seal)))
    text = json.dumps(seal, separators=(",", ":")).encode("ascii")
    if len(text) > end - start:
        raise SealError(f"the seal needs {len(text)} bytes, the sheet has room for {end - start}")
    return pdf[:start] + text.ljust(end - start) + pdf[end:]


@dataclass
class SealCheck:
    ok: bool
    problems: list[str]
    key_id: str = ""
    sealed_sha256: str = ""


def check_seal(pdf: bytes, trusted: PublicKey | None) -> SealCheck:
    """Whether the PDF is byte for byte what was sealed, and if not, which parts changed."""
    try:
        start, end = _seal_region(pdf)
    except SealError as exc:
        return SealCheck(False, [str(exc)])
    raw = pdf[start:end]
    try:
        seal = json.loads(raw.decode("ascii"))
        if not isinstance(seal, dict):
            raise ValueError("not a record")
        signature = unb64(str(seal["signature"]))
        signer = PublicKey.from_text(str(seal.get("public_key", "")))
    except (ValueError, KeyError, UnicodeDecodeError, SigningKeyError) as exc:
        return SealCheck(False, [f"the PDF's seal itself was changed (it no longer reads: {exc})"])
    problems: list[str] = []
    key = trusted or signer
    if trusted is not None and signer.raw != trusted.raw:
        problems.append(f"the PDF was sealed with key {signer.key_id}, not the centre's key {trusted.key_id}")
    if not key.verify(signature, _body(seal)):
        problems.append("the PDF's seal was changed: its signature does not match its contents")
        return SealCheck(False, problems, signer.key_id)
    blank = pdf[:start] + b" " * (end - start) + pdf[end:]
    if len(blank) != seal["size"]:
        problems.append(f"the PDF is {len(blank)} bytes long, it was sealed at {seal['size']}: bytes were added or removed")
    if _hash(blank) != seal["sha256"]:
        changed = []
        for label, offset, length, digest in seal["segments"]:
            if _hash(blank[offset:offset + length])[:16] != digest:
                changed.append(f"{label} ({describe(blank, offset, length)}, bytes {offset}-{offset + length - 1})")
        if changed:
            problems.append("the PDF was changed after it was sealed: " + "; ".join(changed))
        elif len(blank) == seal["size"]:
            problems.append("the PDF was changed after it was sealed")
    return SealCheck(not problems, problems, signer.key_id, str(seal["sha256"]))


def describe(pdf: bytes, offset: int, length: int) -> str:
    """What a PDF object is, in words, from the start of its dictionary."""
    head = pdf[offset:offset + min(length, 400)]
    if MANIFEST_OPEN in pdf[offset:offset + length] or b"/Metadata" in head:
        return "the evidence manifest and seal"
    for needle, words in ((b"/Subtype /Image", "a picture"), (b"/Type /Page\n", "a page"), (b"/Type /Page ", "a page"),
                          (b"/Type /Pages", "the page tree"), (b"/FontFile", "an embedded font"),
                          (b"/Type /Font", "a font"), (b"/Type /FontDescriptor", "a font description"),
                          (b"/Type /Catalog", "the document catalog"), (b"/Producer", "the document information"),
                          (b"/CIDToGIDMap", "a font map"), (b"stream", "page content")):
        if needle in head:
            return words
    if head.startswith(b"%PDF"):
        return "the file header"
    return "PDF structure"
