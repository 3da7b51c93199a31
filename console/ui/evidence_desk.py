"""Evidence from the desk: SNAP stores a monitor's picture, PRINT makes a sheet of it.

A wall monitor's picture comes through the matrix host's `grab` (the wall agent's PNG at the
camera's resolution, with the tile's state and the picture's own time); the main monitor's
from its tile here (`capture_tile`).  Either way the original goes into the evidence store
(`console.evidence.store`) with the camera's number, name and place, this desk and its
operator, and for PRINT the case number and note typed in a small dialog.  A tile that has
lost its signal gives its last picture, and the sidecar and the sheet say "last picture,
signal lost since …" with that picture's real time.

The grab is asked without waiting (`HostLink.request_later`): the agent answering it may be
in this very process (the one-PC centre), and a desk blocked on the answer would starve it.

Every snapshot, print (printer, copies) and PDF goes into the host's audit trail with its
hash, as an `EvidenceNote` command (the desk cannot write the host's audit itself).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from console.evidence.capture import CameraInfo, capture_grab, capture_tile
from console.evidence.printing import PrintJob, default_printer
from console.evidence.sheet import EvidenceSheet, SheetOptions, local_time
from console.evidence.signing import SigningKeyError, canonical
from console.evidence.store import Capture, Centre, Evidence, EvidenceError, EvidenceStore, SheetRecord
from console.matrix.catalog import Catalog
from console.matrix.commands import EvidenceNote
from console.ui.evidence_print import EvidencePrinting
from console.ui.host_reasons import answer_text
from console.ui.tile import TileWidget

log = logging.getLogger("videowall.evidence")

GRAB_WAIT = 8.0  # seconds: the host gives up on a silent agent after 5


@dataclass(frozen=True)
class SheetChoice:
    """What the PRINT dialog was closed with."""

    output: str  # "print" (the print dialog), "preview", "pdf", "quick" (the default printer)
    case_number: str
    note: str
    options: SheetOptions
    copies: int


class EvidenceDialog(QDialog):
    """PRINT: the picture just taken, the case number and note, the paper, and where it goes."""

    def __init__(self, capture: Capture, printer: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Evidence: CAM %1").replace("%1", str(capture.camera_number)))
        self.choice: SheetChoice | None = None
        form = QFormLayout(self)
        picture = QLabel(self)
        image = QImage.fromData(capture.png)
        if not image.isNull():
            picture.setPixmap(QPixmap.fromImage(image).scaled(320, 240, Qt.AspectRatioMode.KeepAspectRatio,
                                                               Qt.TransformationMode.SmoothTransformation))
        form.addRow(picture)
        form.addRow(self.tr("Camera:"), QLabel(f"{capture.camera_number} {capture.camera_name}".strip(), self))
        form.addRow(self.tr("Picture taken:"), QLabel(local_time(capture.frame_time, utc=False), self))
        if capture.signal_lost_since is not None:
            warning = QLabel(self.tr("LAST PICTURE, signal lost since %1").replace(
                "%1", local_time(capture.signal_lost_since, utc=False)), self)
            warning.setObjectName("signal_lost")
            warning.setStyleSheet("color: #ff6b70; font-weight: bold;")
            warning.setWordWrap(True)
            form.addRow(warning)
        self.case_number = QLineEdit(self)
        self.case_number.setMaxLength(64)
        self.case_number.setPlaceholderText(self.tr("e.g. JX-2026-0042"))
        form.addRow(self.tr("Case number:"), self.case_number)
        self.note = QPlainTextEdit(self)
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(80)
        form.addRow(self.tr("Note:"), self.note)
        self.paper = QComboBox(self)
        self.paper.addItems(["A4", "Letter"])
        form.addRow(self.tr("Paper:"), self.paper)
        self.orientation = QComboBox(self)
        self.orientation.addItem(self.tr("portrait"), "portrait")
        self.orientation.addItem(self.tr("landscape"), "landscape")
        form.addRow(self.tr("Orientation:"), self.orientation)
        self.copies = QSpinBox(self)
        self.copies.setRange(1, 20)
        form.addRow(self.tr("Copies:"), self.copies)
        buttons = QDialogButtonBox(self)
        self.buttons: dict[str, QPushButton] = {}
        for output, text, role in (
                ("quick", self.tr("Print on %1").replace("%1", printer) if printer else self.tr("Print"),
                 QDialogButtonBox.ButtonRole.AcceptRole),
                ("print", self.tr("Print…"), QDialogButtonBox.ButtonRole.ActionRole),
                ("preview", self.tr("Preview…"), QDialogButtonBox.ButtonRole.ActionRole),
                ("pdf", self.tr("Save as PDF…"), QDialogButtonBox.ButtonRole.ActionRole)):
            button = buttons.addButton(text, role)
            button.setObjectName(output)
            button.clicked.connect(lambda _checked=False, o=output: self.finish(o))
            self.buttons[output] = button
        self.buttons["quick"].setEnabled(bool(printer))
        self.buttons["quick"].setToolTip(self.tr("The desk's default printer, no further dialog") if printer
                                         else self.tr("This desk has no default printer"))
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel).clicked.connect(self.reject)
        form.addRow(buttons)

    def finish(self, output: str) -> None:
        options = SheetOptions(self.paper.currentText(), str(self.orientation.currentData()), 1)
        self.choice = SheetChoice(output, self.case_number.text().strip(), self.note.toPlainText().strip(), options,
                                  self.copies.value())
        self.accept()


class EvidenceDesk(QObject):
    """The desk's evidence: snapshots into the store, sheets to the printer, notes to the audit."""

    stored = Signal(object)  # Evidence
    printed = Signal(object)  # PrintJob
    saved = Signal(object)  # SheetRecord of a PDF
    message = Signal(str, bool)  # what to tell the operator, and whether it is a failure

    def __init__(self, link: Any, catalog: Catalog, folder: Path, *, desk: str, operator: str,
                 centre: Callable[[], Centre], printer: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.link = link
        self.catalog = catalog
        self.folder = Path(folder)
        self.desk, self.operator = desk, operator
        self._centre = centre
        self.default_printer = printer  # None: the desk's default queue
        self.parent_widget = parent
        self._store: EvidenceStore | None = None
        self.dialog: EvidenceDialog | None = None  # the PRINT dialog while it is open
        self.last_preview: Any = None  # the print preview dialog last opened
        self.pdf_folder: Path | None = None  # where "Save as PDF" proposes the file (the user's home if None)
        self.ask_pdf_path: Callable[[EvidenceSheet], Path | None] | None = None  # tests answer the save dialog

    # -- the store ----------------------------------------------------------------------
    @property
    def store(self) -> EvidenceStore:
        if self._store is None:
            existing = (self.folder / "store.json").exists()
            self._store = EvidenceStore(self.folder, None if existing else self._centre())
        return self._store

    def printing(self) -> EvidencePrinting:
        return EvidencePrinting(self.store, self.parent_widget, self.default_printer)

    # -- taking pictures ----------------------------------------------------------------
    def snapshot_monitor(self, monitor: int, then: Callable[[Capture], object] | None = None) -> None:
        """SNAP: the wall monitor's picture through the host's grab, stored at once; with
        `then`, the capture goes there instead (PRINT stores it after its dialog)."""
        def answered(answer: dict[str, Any] | None) -> None:
            if answer is None:
                self._fail(self.tr("MON %1: the matrix host does not answer: nothing was stored").replace(
                    "%1", str(monitor)))
                return
            try:
                capture = capture_grab(answer, self.camera_info(answer.get("camera")))
            except EvidenceError as exc:
                text = answer_text(answer) if not answer.get("ok") else self.printing().message(exc)
                self._fail(self.tr("MON %1: %2").replace("%1", str(monitor)).replace("%2", text))
                return
            if then is not None:
                then(capture)
            else:
                self.keep(capture)

        self.link.request_later("grab", {"monitor": monitor}, answered, timeout=GRAB_WAIT)

    def snapshot_tile(self, tile: TileWidget, source: str = "main-monitor") -> Capture | None:
        """The main monitor's picture, from its tile in this process."""
        if tile.camera_number is None:
            self._fail(self.tr("The main monitor shows no camera: nothing to take"))
            return None
        try:
            return capture_tile(tile, self.camera_info(tile.camera_number), source=source)  # type: ignore[arg-type]
        except EvidenceError as exc:
            self._fail(self.printing().message(exc))
            return None

    def camera_info(self, number: object) -> CameraInfo:
        camera = self.catalog.get(number) if isinstance(number, int) and not isinstance(number, bool) else None
        if camera is None:
            return CameraInfo(number if isinstance(number, int) else 0, "", ())
        return CameraInfo(camera.number, camera.name, tuple(camera.place))

    def keep(self, capture: Capture, case_number: str = "", note: str = "") -> Evidence | None:
        """Store the capture, signed, and tell the host's audit trail."""
        try:
            evidence = self.store.add(capture, desk=self.desk, operator=self.operator, case_number=case_number, note=note)
        except EvidenceError as exc:
            self._fail(self.printing().message(exc))
            return None
        except SigningKeyError as exc:
            self._fail(self.tr("The centre's evidence key cannot be used: %1").replace("%1", str(exc)))
            return None
        where = f"MON {capture.monitor}" if capture.monitor is not None and capture.source != "main-monitor" \
            else "main monitor"
        self._audit("snapshot", [evidence.number], evidence.sha256, where)
        text = self.tr("Evidence %1 stored: CAM %2, picture of %3").replace("%1", evidence.number).replace(
            "%2", str(capture.camera_number)).replace("%3", local_time(capture.frame_time, utc=False))
        if capture.signal_lost_since is not None:
            text += " — " + self.tr("LAST PICTURE, signal lost since %1").replace(
                "%1", local_time(capture.signal_lost_since, utc=False))
        log.info("evidence %s stored: camera %d, %s, sha256 %s", evidence.number, capture.camera_number, where,
                 evidence.sha256)
        self.message.emit(text, False)
        self.stored.emit(evidence)
        return evidence

    # -- sheets -------------------------------------------------------------------------
    def sheet(self, evidence: list[Evidence], options: SheetOptions | None = None) -> EvidenceSheet:
        return EvidenceSheet(evidence, centre_name=self.store.centre.name, printed_by=self.operator, options=options)

    def ask(self, capture: Capture) -> EvidenceDialog:
        """PRINT's dialog for a capture; what it is closed with is carried out."""
        dialog = EvidenceDialog(capture, self._printer_name(), self.parent_widget)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog

        def done(result: int) -> None:
            self.dialog = None
            if result == QDialog.DialogCode.Accepted and dialog.choice is not None:
                self.carry_out(capture, dialog.choice)
            else:
                self.message.emit(self.tr("Print cancelled: nothing was stored"), False)

        dialog.finished.connect(done)
        dialog.open()
        return dialog

    def carry_out(self, capture: Capture, choice: SheetChoice) -> None:
        evidence = self.keep(capture, choice.case_number, choice.note)
        if evidence is None:
            return
        sheet = self.sheet([evidence], choice.options)
        printing = self.printing()
        try:
            if choice.output == "quick":
                self._printed(sheet, printing.quick_print(sheet, copies=choice.copies))
            elif choice.output == "print":
                self.carry_out_print(sheet, choice.copies)
            elif choice.output == "preview":
                # The preview's Print comes back here: the print dialog, then the same audited path.
                preview = printing.preview(sheet, on_print=lambda: self.carry_out_print(sheet, choice.copies))
                self.last_preview = preview
                preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
                preview.open()
            elif choice.output == "pdf":
                path = self.ask_pdf_path(sheet) if self.ask_pdf_path is not None else self._pdf_path(sheet)
                if path is not None:
                    self._saved(sheet, printing.save_pdf(sheet, path))
        except EvidenceError as exc:
            self._fail(printing.message(exc))

    def carry_out_print(self, sheet: EvidenceSheet, copies: int) -> None:
        """Qt's print dialog (printer, copies, paper), then the queue check, the store's record
        and the host's audit trail."""
        from console.evidence.printing import print_sheet

        printing = self.printing()
        printer = printing.printer(sheet)
        printer.setCopyCount(copies)
        dialog = printing.print_dialog(sheet, printer)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            self._printed(sheet, print_sheet(sheet, printer, store=self.store))
        except EvidenceError as exc:
            self._fail(printing.message(exc))

    def quick_print(self, capture: Capture) -> PrintJob | None:
        """The one-key print: stored, then straight to the desk's default printer."""
        evidence = self.keep(capture)
        if evidence is None:
            return None
        sheet = self.sheet([evidence])
        printing = self.printing()
        try:
            job = printing.quick_print(sheet)
        except EvidenceError as exc:
            self._fail(printing.message(exc))
            return None
        self._printed(sheet, job)
        return job

    def _pdf_path(self, sheet: EvidenceSheet) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        suggested = str((self.pdf_folder or Path.home()) / f"{sheet.sheet_id}.pdf")
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, self.tr("Save evidence sheet as PDF"), suggested,
                                              self.tr("PDF files (*.pdf)"))
        return Path(path) if path else None

    def _printed(self, sheet: EvidenceSheet, job: PrintJob) -> None:
        digest = hashlib.sha256(canonical(sheet.manifest())).hexdigest()  # the sheet: its frames and their hashes
        self._audit("print", [e.number for e in sheet.evidence], digest, job.printer, job.copies)
        self.message.emit(self.tr("Evidence %1 sent to printer %2 (%3 copies, job %4)")
                          .replace("%1", " ".join(e.number for e in sheet.evidence)).replace("%2", job.printer)
                          .replace("%3", str(job.copies)).replace("%4", str(job.job_id)), False)
        self.printed.emit(job)

    def _saved(self, sheet: EvidenceSheet, record: SheetRecord) -> None:
        name = record.output.removeprefix("pdf:").rsplit("/", 1)[-1][-64:] or "sheet.pdf"
        self._audit("pdf", list(record.numbers), record.pdf_sha256, name)
        self.message.emit(self.tr("Evidence sheet saved: %1").replace("%1", record.output.removeprefix("pdf:")), False)
        self.saved.emit(record)

    def _printer_name(self) -> str:
        return self.default_printer or default_printer()

    # -- the audit ----------------------------------------------------------------------
    def _audit(self, action: str, numbers: list[str], digest: str, where: str, copies: int = 1) -> None:
        note = EvidenceNote(action, tuple(numbers), digest, where[:64] or "-", copies)
        reply = self.link.command(note)
        if not reply.get("ok"):
            # The evidence is whole on this desk; the operator must know the host has no record of it.
            text = self.tr("Evidence %1: the host's audit trail did not take it: %2").replace(
                "%1", " ".join(numbers)).replace("%2", answer_text(reply))
            log.error("%s", text)
            self.message.emit(text, True)

    def _fail(self, text: str) -> None:
        log.warning("evidence: %s", text.replace("\n", " "))
        self.message.emit(text, True)

