"""The evidence store and `verify`: signed originals, never overwritten, exact about what changed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from console.atomic import write_new
from console.evidence.signing import SERVICE, PublicKey, SigningKey, SigningKeyError, key_ref
from console.evidence.store import EvidenceError, EvidenceStore, png_size
from console.evidence.verify import qr_text, verify_path, verify_qr
from tests.support.evidence import camera_frame_png, capture_of, new_store


@pytest.fixture
def store(keyring_file: Path, tmp_path: Path) -> EvidenceStore:
    return new_store(tmp_path / "evidence")


def flipped(path: Path, offset: int) -> None:
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_a_frame_is_kept_as_original_and_signed_sidecar(store: EvidenceStore) -> None:
    capture = capture_of(3)
    evidence = store.add(capture, desk="desk-1", operator="wang", case_number="JX-2026-0042", note="grey van")
    assert evidence.image_path.read_bytes() == capture.png  # the original bytes, untouched
    assert png_size(evidence.image_path.read_bytes()) == (320, 240)
    fields = json.loads(evidence.sidecar_path.read_text(encoding="utf-8"))
    assert fields["evidence_number"] == evidence.number and evidence.number.startswith("XJ-")
    assert fields["camera"] == {"number": 3, "name": capture.camera_name, "place": list(capture.camera_place)}
    assert fields["frame_time"].endswith("+00:00")  # UTC, with its zone
    assert fields["frame_time_local"][-6] in "+-"  # the desk's zone, with its offset
    typed = (fields["desk"], fields["operator"], fields["case_number"], fields["note"])
    assert typed == ("desk-1", "wang", "JX-2026-0042", "grey van")
    assert fields["signal"] == {"state": "live"}
    assert fields["image"]["width"] == 320 and fields["image"]["height"] == 240
    assert fields["seal"]["algorithm"] == "ed25519"
    # Kept read-only: nothing of ours edits evidence, and a careless cleanup is refused.
    assert not os.access(evidence.image_path, os.W_OK) or os.geteuid() == 0
    assert evidence.image_path.stat().st_mode & 0o222 == 0
    for path in (evidence.image_path, evidence.sidecar_path):
        verdict = verify_path(path, store, store.key.public if store.key else None)
        assert verdict.ok, verdict.text()
        assert verdict.numbers == [evidence.number]


def test_signal_lost_is_recorded_with_the_pictures_real_time(store: EvidenceStore) -> None:
    capture = capture_of(4, lost=True)
    evidence = store.add(capture, desk="desk-1", operator="wang")
    assert evidence.fields["signal"]["state"] == "lost"
    lost = capture.signal_lost_since
    assert lost is not None and evidence.signal_lost_since == lost.replace(microsecond=lost.microsecond // 1000 * 1000)
    assert evidence.frame_time == evidence.signal_lost_since


def test_numbers_are_never_reused_and_nothing_is_overwritten(store: EvidenceStore, tmp_path: Path) -> None:
    first = store.add(capture_of(1), desk="d", operator="o")
    # Another desk on the same store took the next number a moment ago.
    seq = int(first.number.rsplit("-", 1)[1])
    taken = first.image_path.with_name(f"{first.number.rsplit('-', 1)[0]}-{seq + 1:04d}.png")
    write_new(taken, camera_frame_png(9))
    second = store.add(capture_of(2), desk="d", operator="o")
    assert int(second.number.rsplit("-", 1)[1]) == seq + 2
    assert taken.read_bytes() == camera_frame_png(9)
    with pytest.raises(FileExistsError):
        write_new(first.image_path, b"other")
    assert first.image_path.read_bytes() == capture_of(1).png
    # The other desk's image has no sidecar yet: reported, never listed as evidence.
    assert [e.number for e in store.entries()] == [first.number, second.number]
    assert [i.path for i in store.incomplete()] == [taken]


def test_verify_names_the_changed_image(store: EvidenceStore) -> None:
    evidence = store.add(capture_of(5), desk="d", operator="o")
    size = evidence.image_path.stat().st_size
    for offset in (0, 40, size // 2, size - 1):
        original = evidence.image_path.read_bytes()
        flipped(evidence.image_path, offset)
        for path in (evidence.image_path, evidence.sidecar_path.with_suffix(".png")):
            verdict = verify_path(path, store)
            assert not verdict.ok
            assert any(f"image {evidence.image_path.name} was changed" in p for p in verdict.problems), verdict.text()
        evidence.image_path.write_bytes(original)
    assert verify_path(evidence.image_path, store).ok


def test_every_single_byte_change_of_a_sidecar_fails_verify(store: EvidenceStore) -> None:
    evidence = store.add(capture_of(6), desk="desk-2", operator="li", case_number="C-7", note="红色轿车")
    original = evidence.sidecar_path.read_bytes()
    key = store.key.public if store.key else None
    for offset in range(len(original)):
        data = bytearray(original)
        data[offset] ^= 0x01
        evidence.sidecar_path.chmod(0o644)
        evidence.sidecar_path.write_bytes(bytes(data))
        verdict = verify_path(evidence.sidecar_path, store, key)
        assert not verdict.ok, f"byte {offset} ({chr(original[offset])!r}) changed and verify still passes"
    evidence.sidecar_path.write_bytes(original)
    assert verify_path(evidence.sidecar_path, store, key).ok


def test_verify_says_which_field_changed(store: EvidenceStore) -> None:
    evidence = store.add(capture_of(7), desk="desk-2", operator="li", case_number="C-7")
    fields = json.loads(evidence.sidecar_path.read_text(encoding="utf-8"))
    fields["camera"]["name"] = "somewhere else"
    fields["case_number"] = "C-8"
    evidence.sidecar_path.chmod(0o644)
    evidence.sidecar_path.write_text(json.dumps(fields, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    verdict = verify_path(evidence.sidecar_path, store)
    assert not verdict.ok
    assert any("camera.name was changed" in p for p in verdict.problems), verdict.text()
    assert any("case_number was changed" in p for p in verdict.problems), verdict.text()
    assert not any("camera.number" in p for p in verdict.problems)


def test_a_sidecar_signed_by_another_key_is_refused(store: EvidenceStore, keyring_file: Path, tmp_path: Path) -> None:
    other = new_store(tmp_path / "other")
    stranger = other.add(capture_of(8), desk="d", operator="o")
    assert store.key is not None
    verdict = verify_path(stranger.sidecar_path, None, store.key.public)
    assert not verdict.ok
    assert any("not the centre's key" in p for p in verdict.problems), verdict.text()


def test_the_qr_text_resolves_to_the_stored_evidence(store: EvidenceStore) -> None:
    evidence = store.add(capture_of(9), desk="d", operator="o")
    text = qr_text(evidence.number, evidence.sha256, evidence.signature)
    assert verify_qr(text, store).ok
    assert not verify_qr(text.replace(evidence.sha256[:4], "0000"), store).ok
    assert not verify_qr("https://example.invalid/", store).ok


def test_the_private_key_lives_in_the_keyring_only(store: EvidenceStore, keyring_file: Path) -> None:
    evidence = store.add(capture_of(10), desk="d", operator="o")
    assert store.key is not None
    entry = keyring.get_password(SERVICE, key_ref(store.centre.id))
    assert entry is not None
    private = json.loads(entry)["private"]
    for path in store.root.rglob("*"):
        if path.is_file():
            assert private.encode() not in path.read_bytes(), path
    # The public key is published with the evidence; a verifier needs nothing else.
    assert PublicKey.from_text(evidence.fields["seal"]["public_key"]) == store.key.public
    assert PublicKey.from_text(store.key.public.pem()) == store.key.public


def test_no_keyring_is_a_clear_error(tmp_path: Path, keyring_file: Path) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        with pytest.raises(SigningKeyError, match="keyring"):
            SigningKey.load("nowhere", create=True)
    finally:
        keyring.set_keyring(previous)


def test_a_store_reopened_without_its_key_still_lists_and_verifies(store: EvidenceStore) -> None:
    evidence = store.add(capture_of(11), desk="d", operator="o")
    reopened = EvidenceStore(store.root)
    assert reopened.centre == store.centre
    assert [e.number for e in reopened.entries()] == [evidence.number]
    verdict = verify_path(evidence.image_path, reopened)
    assert verdict.ok and any("recorded in the store" in n for n in verdict.notes)
    with pytest.raises(EvidenceError) as missing:
        reopened.get("XJ-20000101-0001")
    assert missing.value.kind == "not-found"


# -- a full evidence disk ---------------------------------------------------------------
@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs: a real file system that fills up."""
    if os.geteuid() != 0:
        pytest.fail("the full-disk test mounts a tmpfs and must run as root (as the test machines do)")
    mount = tmp_path / "tiny"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Take all the room on `disk` but `leave` bytes (whole pages)."""
    free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
    with (disk / "filler").open("ab") as out:
        out.write(b"\0" * max(0, free - leave))


def test_a_full_disk_stores_nothing_and_says_so(tiny_disk: Path, keyring_file: Path) -> None:
    store = new_store(tiny_disk / "evidence")
    kept = store.add(capture_of(1), desk="d", operator="o")
    fill(tiny_disk, 0)
    with pytest.raises(EvidenceError) as full:
        store.add(capture_of(2), desk="d", operator="o")
    assert full.value.kind == "disk-full" and "full" in str(full.value) and "nothing was stored" in str(full.value)
    assert [e.number for e in store.entries()] == [kept.number]
    assert store.incomplete() == []
    assert verify_path(kept.image_path, store).ok


def test_room_for_the_image_but_not_the_sidecar_leaves_no_image(tiny_disk: Path, keyring_file: Path) -> None:
    store = new_store(tiny_disk / "evidence")
    kept = store.add(capture_of(1), desk="d", operator="o")
    capture = capture_of(2)
    page = os.statvfs(tiny_disk).f_frsize
    fill(tiny_disk, -(-len(capture.png) // page) * page)  # the image fits, to the page
    with pytest.raises(EvidenceError) as full:
        store.add(capture, desk="d", operator="o")
    assert full.value.kind == "disk-full"
    assert [e.number for e in store.entries()] == [kept.number]
    assert store.incomplete() == [], "an image without its sidecar was left behind"
    assert sorted(p.name for p in kept.image_path.parent.iterdir()) == sorted([kept.image_path.name, kept.sidecar_path.name])
    # Room again: the desk goes on, and the number that failed is given again.
    (tiny_disk / "filler").unlink()
    again = store.add(capture, desk="d", operator="o")
    assert verify_path(again.image_path, store).ok


def test_a_file_size_limit_is_a_full_disk_too(store: EvidenceStore, tmp_path: Path) -> None:
    """RLIMIT_FSIZE (EFBIG): the sidecar is refused after the image was written."""
    store.add(capture_of(1), desk="d", operator="o")  # the store's own record exists
    tiny = capture_of(2, size=(64, 48))
    code = f"""
import resource, sys
sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
from console.evidence.store import EvidenceStore, EvidenceError
from console.evidence.signing import SigningKey
from tests.support.evidence import capture_of
store = EvidenceStore({str(store.root)!r})
store.key = SigningKey.load(store.centre.id)
capture = capture_of(2, size=(64, 48))
resource.setrlimit(resource.RLIMIT_FSIZE, ({len(tiny.png) + 200}, resource.RLIM_INFINITY))
try:
    store.add(capture, desk="d", operator="o")
except EvidenceError as exc:
    print(exc.kind, exc)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("disk-full"), result.stdout + result.stderr
    assert len(store.entries()) == 1 and store.incomplete() == []
