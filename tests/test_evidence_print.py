"""Evidence from a live tile to paper: a real CUPS queue (cups-pdf), read back with poppler and zbar."""

from __future__ import annotations

import base64
import functools
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QFont, QImage, QRawFont, QTransform
from PySide6.QtWidgets import QApplication

from console.evidence import cupsqueue
from console.evidence.capture import CameraInfo, capture_grab, capture_tile
from console.evidence.printing import PrintError, print_sheet
from console.evidence.sheet import EvidenceSheet, SheetOptions
from console.evidence.store import Evidence, EvidenceError, EvidenceStore
from console.evidence.verify import verify_qr
from console.sim.site import SimSite
from console.ui.evidence_print import EvidencePrinting
from console.ui.i18n import install_translator
from console.ui.tile import TileWidget
from console.video.player import VideoEngine
from tests.support.cups import CupsRig, missing_tools
from tests.support.evidence import capture_of, new_store
from tests.support.pixels import camera_in

RENDER_DPI = 100


@pytest.fixture(scope="module")
def cups() -> Iterator[CupsRig]:
    missing = missing_tools() + [t for t in ("pdftotext", "pdftoppm", "zbarimg") if shutil.which(t) is None]
    if missing:
        pytest.fail(f"missing for the print tests: {', '.join(missing)} (./run installs cups printer-driver-cups-pdf "
                    "poppler-utils zbar-tools)")
    rig = CupsRig().start()
    previous = os.environ.get("CUPS_SERVER")
    os.environ["CUPS_SERVER"] = rig.server  # Qt's CUPS plugin and our libcups calls read it
    try:
        rig.add_pdf_printer("evidence", default=True)
        rig.add_pdf_printer("paused")
        rig.pause("paused")
        rig.add_pdf_printer("refusing")
        rig.reject("refusing")
        yield rig
    finally:
        if previous is None:
            os.environ.pop("CUPS_SERVER", None)
        else:
            os.environ["CUPS_SERVER"] = previous
        rig.close()


@pytest.fixture
def store(keyring_file: Path, tmp_path: Path) -> EvidenceStore:
    return new_store(tmp_path / "evidence")


def camera(sim: SimSite, number: int) -> CameraInfo:
    cam = sim.camera(number)
    return CameraInfo(cam.number, cam.name, tuple(cam.place))


@pytest.fixture
def tile(qtbot, engine: VideoEngine) -> Iterator[TileWidget]:  # type: ignore[no-untyped-def]
    widget = TileWidget(engine, "callbacks", monitor=12)
    widget.resize(240, 200)  # smaller than the camera: the evidence must not care
    qtbot.addWidget(widget)
    widget.show()
    yield widget
    widget.close_player()


def page_image(pdf: Path, tmp_path: Path, page: int = 1, dpi: int = RENDER_DPI) -> QImage:
    out = tmp_path / f"page-{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                    str(out)], check=True, timeout=60)
    return QImage(str(out) + ".png")


def picture_rect(sheet: EvidenceSheet, index: int, page: int = 0) -> QRect:
    box = sheet.layout(page)[index].picture
    k = RENDER_DPI / 25.4
    # A little inside the frame: the border line and anti-aliasing are not the camera's.
    return QRect(round(box.x() * k) + 2, round(box.y() * k) + 2, round(box.width() * k) - 4, round(box.height() * k) - 4)


def pdf_text(pdf: Path, crop: QRectF | None = None) -> str:
    """The text on page 1, or only inside `crop` (millimetres), as pdftotext reads it."""
    area: list[str] = []
    if crop is not None:
        pt = 72 / 25.4  # pdftotext crops in points at its default resolution
        area = ["-x", str(int(crop.x() * pt)), "-y", str(int(crop.y() * pt)), "-W", str(int(crop.width() * pt) + 1),
                "-H", str(int(crop.height() * pt) + 1)]
    return subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", *area, str(pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout


def squeezed(text: str) -> str:
    return "".join(undo_radicals(text).split())


@functools.cache
def _radical_map() -> dict[str, str]:
    """Radical code points back to the ideographs that share their glyph in Noto CJK.

    Qt's PDF engine writes each glyph's text as the lowest code point that maps to it, and
    Noto CJK draws the radical U+2F24 and the ideograph 大 U+5927 with one glyph: pdftotext
    then reads ⼤.  The page shows the right character; this undoes the text mapping only.
    """
    font = QRawFont.fromFont(QFont("Noto Sans CJK SC"))
    radicals = {chr(c): font.glyphIndexesForString(chr(c)) for c in range(0x2E80, 0x2FE0)}
    wanted = {tuple(g): r for r, g in radicals.items() if g and g[0]}
    found: dict[str, str] = {}
    for code in range(0x4E00, 0xA000):
        glyphs = tuple(font.glyphIndexesForString(chr(code)))
        radical = wanted.get(glyphs)
        if radical is not None and radical not in found:
            found[radical] = chr(code)
    return found


def undo_radicals(text: str) -> str:
    table = _radical_map()
    return "".join(table.get(c, c) for c in text)


def qr_codes(pdf: Path, tmp_path: Path) -> list[str]:
    """The QR codes zbar reads on page 1, rendered as a 300 dpi printer would put it on paper."""
    page_image(pdf, tmp_path, dpi=300)
    result = subprocess.run(["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "page-1.png")],
                            capture_output=True, text=True, timeout=60, check=False)
    return [line for line in result.stdout.splitlines() if line]


def expected_fields(evidence: Evidence) -> list[str]:
    f = evidence.fields
    frame_time = evidence.frame_time.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return [evidence.number, str(f["camera"]["number"]), f["camera"]["name"], *f["camera"]["place"], f["operator"],
            f["desk"], f["case_number"], f["note"], evidence.sha256, frame_time]


def test_a_live_tile_printed_through_cups_reads_back(  # type: ignore[no-untyped-def]  # noqa: PLR0917 (fixtures)
        qtbot, tile: TileWidget, sim: SimSite, store: EvidenceStore, cups: CupsRig, tmp_path: Path) -> None:
    tile.play(sim.url(3), 3, sim.camera(3).name)
    qtbot.waitUntil(lambda: tile.health.state == "playing", timeout=8000)
    capture = capture_tile(tile, camera(sim, 3))
    evidence = store.add(capture, desk="desk-1", operator="wang", case_number="JX-2026-0042", note="grey van at the gate")
    # The stored original is the camera's own frame at the camera's resolution.
    original = QImage.fromData(evidence.image_bytes(), "PNG")
    assert (original.width(), original.height()) == (320, 240)
    assert camera_in(original) == 3
    assert evidence.fields["signal"] == {"state": "live"}

    sheet = EvidenceSheet([evidence], centre_name="Xinjia Town Monitoring Centre", printed_by="li at desk-2")
    job = print_sheet(sheet, "evidence", store=store)
    assert job.job_id is not None and job.printer == "evidence" and job.copies == 1
    printed = cups.job_pdf(job.job_id)
    # The fields are read from the PDF the job carried (what Qt sent to CUPS): cups-pdf's
    # PostScript round trip drops the text of some glyphs (digits, CJK) from the PDF it
    # writes, while the page it writes still shows them, so pixels and QR are read from that.
    text = pdf_text(cups.job_document(job.job_id))
    flat = squeezed(text)
    for label in ("EVIDENCE SHEET", "Evidence no.", "Camera", "Place", "Frame time", "Signal", "Captured by", "Case no.",
                  "Note", "SHA-256", "Printed by li at desk-2", "Page 1 of 1", "Xinjia Town Monitoring Centre", "live picture"):
        assert label in text, f"{label!r} missing from the printed sheet:\n{text}"
    for value in expected_fields(evidence):
        assert squeezed(value) in flat, f"{value!r} missing from the printed sheet:\n{text}"

    page = page_image(printed, tmp_path)
    assert camera_in(page, picture_rect(sheet, 0)) == 3
    codes = qr_codes(printed, tmp_path)
    assert len(codes) == 1, codes
    verdict = verify_qr(codes[0], store)
    assert verdict.ok and verdict.numbers == [evidence.number], verdict.text()
    assert list((store.root / "sheets").glob(f"{sheet.sheet_id}.print-{job.job_id}.json"))


def test_a_chinese_sheet_of_four_frames(qtbot, qapp: QApplication, store: EvidenceStore, cups: CupsRig,  # type: ignore[no-untyped-def]
                                        tmp_path: Path) -> None:
    numbers = (1, 2, 5, 6)
    evidence = [store.add(capture_of(n, lost=(n == 2)), desk="desk-1", operator="王", case_number="JX-7", note="红色轿车")
                for n in numbers]
    translator = install_translator(qapp, "zh_CN")
    assert translator is not None
    try:
        check_chinese_sheet(evidence, numbers, store, cups, tmp_path)
    finally:
        qapp.removeTranslator(translator)


def check_chinese_sheet(evidence: list[Evidence], numbers: tuple[int, ...], store: EvidenceStore, cups: CupsRig,
                        tmp_path: Path) -> None:
    sheet = EvidenceSheet(evidence, centre_name="新嘉镇监控中心", printed_by="李", options=SheetOptions("A4", "landscape", 4))
    job = print_sheet(sheet, None, copies=2, store=store)  # the desk's default queue
    assert job.printer == "evidence" and job.copies == 2
    printed = cups.job_pdf(job.job_id or 0)
    document = cups.job_document(job.job_id or 0)
    text = pdf_text(document)
    flat = squeezed(text)
    for label in ("证据单", "证据编号", "摄像机", "地点", "画面时间", "截取人", "案件编号", "备注", "打印人", "第 1 页，共 1 页",
                  "最后画面，信号自", "实时画面"):
        assert squeezed(label) in flat, f"{label!r} missing:\n{text}"
    assert "Evidence no." not in text
    for box in sheet.layout(0):  # each frame's own fields, in its own part of the page
        frame = pdf_text(document, box.caption.united(box.table).united(box.qr))
        for value in expected_fields(box.evidence):
            assert squeezed(value) in squeezed(frame), f"{value!r} missing from {box.evidence.number}:\n{frame}"
    page = page_image(printed, tmp_path)
    # A landscape sheet comes out of the queue on portrait paper, turned a quarter (as on a
    # real printer): turn it back, whichever way the filters chose.
    turns = [page] if page.width() > page.height() else [page.transformed(QTransform().rotate(a)) for a in (90, -90)]
    seen = [[camera_in(turned, picture_rect(sheet, i)) for i in range(len(numbers))] for turned in turns]
    assert list(numbers) in seen, seen
    codes = sorted(qr_codes(printed, tmp_path))
    assert len(codes) == 4, codes
    assert all(verify_qr(code, store).ok for code in codes)
    assert sorted(verify_qr(code, store).numbers[0] for code in codes) == sorted(e.number for e in evidence)


def test_a_lost_tile_gives_its_last_picture_marked_as_such(qtbot, tile: TileWidget, sim: SimSite,  # type: ignore[no-untyped-def]
                                                           store: EvidenceStore) -> None:
    number = 5
    tile.play(sim.url(number), number, sim.camera(number).name)
    qtbot.waitUntil(lambda: tile.health.state == "playing", timeout=8000)
    try:
        sim.stop_camera(number)
        qtbot.waitUntil(lambda: tile.health.state == "lost", timeout=5000)
        capture = capture_tile(tile, camera(sim, number))
    finally:
        sim.start_camera(number)
    assert capture.signal_lost_since is not None
    assert capture.frame_time == capture.signal_lost_since
    evidence = store.add(capture, desk="desk-1", operator="wang")
    assert camera_in(QImage.fromData(evidence.image_bytes(), "PNG")) == number  # the real last picture
    sheet = EvidenceSheet([evidence], centre_name="C", printed_by="p")
    signal = {label: value for label, value, _ in sheet.rows(evidence)}["Signal"]
    assert signal.startswith("LAST PICTURE, signal lost since")


def test_a_picture_of_a_recording_on_the_wall_is_marked_as_playback(store: EvidenceStore) -> None:
    # What a wall agent answers for a tile that plays a recording (console/ui/agent.py).
    png = capture_of(3).png
    answer = {"ok": True, "state": "playback", "monitor": 7, "camera": 3, "frame_time": 1_780_000_000.25,
              "recorded_time": 1_780_000_000.25, "png": base64.b64encode(png).decode("ascii")}
    capture = capture_grab(answer, CameraInfo(3, "east gate"))
    assert capture.source == "playback" and capture.frame_time.timestamp() == 1_780_000_000.25
    evidence = store.add(capture, desk="desk-1", operator="wang")
    assert evidence.fields["source"]["kind"] == "playback"
    sheet = EvidenceSheet([evidence], centre_name="C", printed_by="p")
    rows = {label: (value, alert) for label, value, alert in sheet.rows(evidence)}
    assert rows["Signal"] == ("PLAYBACK of a recording (frame time: as recorded)", True)


def test_a_tile_with_no_picture_gives_no_evidence(tile: TileWidget, store: EvidenceStore) -> None:
    with pytest.raises(EvidenceError) as nothing:
        capture_tile(tile, CameraInfo(1, "x"))
    assert nothing.value.kind == "no-picture" and "monitor 12" in str(nothing.value)
    assert store.entries() == []


@pytest.mark.parametrize(("queue", "kind"),
                         [("paused", "paused"), ("refusing", "refusing"), ("no-such-printer", "missing-queue")])
def test_a_queue_that_cannot_print_is_named_and_the_desk_goes_on(queue: str, kind: str, store: EvidenceStore,
                                                                  cups: CupsRig, qapp: QApplication) -> None:
    evidence = store.add(capture_of(1), desk="d", operator="o")
    sheet = EvidenceSheet([evidence], centre_name="C", printed_by="p")
    before = {j.id for j in cupsqueue.jobs(None)}
    with pytest.raises(PrintError) as refused:
        print_sheet(sheet, queue, store=store)
    assert refused.value.kind == kind and queue in str(refused.value)
    assert {j.id for j in cupsqueue.jobs(None)} == before  # nothing was queued anywhere
    message = EvidencePrinting(store).message(refused.value)
    assert queue in message
    # The desk keeps working: the next print on a good queue goes through.
    job = print_sheet(sheet, "evidence", store=store)
    assert cups.job_pdf(job.job_id or 0).exists()


def test_queue_states_come_from_cups(cups: CupsRig) -> None:
    paused, refusing, ready = cupsqueue.queue("paused"), cupsqueue.queue("refusing"), cupsqueue.queue("evidence")
    assert paused is not None and paused.paused and paused.accepting
    assert refusing is not None and not refusing.accepting
    assert ready is not None and not ready.paused and ready.accepting
    default = cupsqueue.queue(None)
    assert default is not None and default.name == "evidence" and default.is_default
    assert cupsqueue.queue("no-such-printer") is None


def test_print_preview_paints_every_page(store: EvidenceStore, cups: CupsRig, tmp_path: Path, qapp: QApplication) -> None:
    """The preview's paint request renders the sheet (shown, the dialog is the operator's)."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    evidence = [store.add(capture_of(n), desk="d", operator="o") for n in (1, 2, 3)]
    sheet = EvidenceSheet(evidence, centre_name="C", printed_by="p", options=SheetOptions("Letter", "portrait", 2))
    printing = EvidencePrinting(store, default_printer="evidence")
    dialog = printing.preview(sheet)
    assert isinstance(dialog, QPrintPreviewDialog)
    target = QPrinter(QPrinter.PrinterMode.HighResolution)
    target.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target.setOutputFileName(str(tmp_path / "preview.pdf"))
    target.setPageLayout(sheet.options.page_layout())
    dialog.paintRequested.emit(target)
    info = subprocess.run(["pdfinfo", str(tmp_path / "preview.pdf")], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+2$", info, re.MULTILINE), info
    assert "612 x 792 pts (letter)" in info
    dialog.deleteLater()


def test_the_previews_print_button_takes_the_desks_audited_path(store: EvidenceStore, qapp: QApplication) -> None:
    """Qt's preview would print straight onto the printer, past the queue check, the store's
    record and the audit trail: its Print action hands over to the desk instead."""
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtGui import QAction

    evidence = store.add(capture_of(1), desk="d", operator="o")
    sheet = EvidenceSheet([evidence], centre_name="C", printed_by="p")
    printing = EvidencePrinting(store, default_printer="evidence")
    asked: list[bool] = []
    dialog = printing.preview(sheet, on_print=lambda: asked.append(True))
    label = QCoreApplication.translate("QPrintPreviewDialog", "Print")
    [action] = [a for a in dialog.findChildren(QAction) if a.text() == label]
    painted: list[object] = []
    dialog.paintRequested.connect(painted.append)
    action.trigger()
    assert asked == [True] and painted == []  # handed over, nothing painted on a printer here
    dialog.deleteLater()
    bare = printing.preview(sheet)  # no desk to hand over to: no Print button
    [action] = [a for a in bare.findChildren(QAction) if a.text() == label]
    assert not action.isVisible()
    bare.deleteLater()
