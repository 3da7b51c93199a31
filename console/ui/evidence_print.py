"""Printing evidence from the desk: print dialog, print preview, save as PDF, one-key print.

Thin Qt dialogs over `console.evidence.printing` and `console.evidence.sheet`; the console's
menus and keys call these.  Every failure comes back as an EvidenceError, and `message()`
says it in the operator's language.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QWidget

from console.evidence.printing import PrintJob, check_queue, print_sheet
from console.evidence.sheet import EvidenceSheet
from console.evidence.store import EvidenceError, EvidenceStore, SheetRecord


class EvidencePrinting(QObject):
    """The desk's printing of evidence sheets; `store` keeps a record of each output."""

    def __init__(self, store: EvidenceStore, parent: QWidget | None = None, default_printer: str | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.parent_widget = parent
        self.default_printer = default_printer  # None: the OS's default queue

    def printer(self, sheet: EvidenceSheet) -> QPrinter:
        """A printer on the desk's queue with the sheet's paper and orientation (dialogs start from it)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if self.default_printer:
            printer.setPrinterName(self.default_printer)
        printer.setPageLayout(sheet.options.page_layout())
        return printer

    def print_dialog(self, sheet: EvidenceSheet, printer: QPrinter | None = None) -> QPrintDialog:
        """The print dialog (printer, copies, paper); `run_print_dialog` shows it and prints."""
        dialog = QPrintDialog(printer or self.printer(sheet), self.parent_widget)
        dialog.setWindowTitle(self.tr("Print evidence %1").replace("%1", ", ".join(e.number for e in sheet.evidence)))
        return dialog

    def run_print_dialog(self, sheet: EvidenceSheet) -> PrintJob | None:
        printer = self.printer(sheet)
        dialog = self.print_dialog(sheet, printer)
        if dialog.exec() != QPrintDialog.DialogCode.Accepted:
            return None
        return print_sheet(sheet, printer, store=self.store)

    def preview(self, sheet: EvidenceSheet, printer: QPrinter | None = None,
                on_print: Callable[[], None] | None = None) -> QPrintPreviewDialog:
        """A print preview of the sheet.  Its own Print button would paint straight onto the
        printer, past the queue check, the store's record and the host's audit trail: it calls
        `on_print` instead (the desk's print path), or is removed when there is none."""
        dialog = QPrintPreviewDialog(printer or self.printer(sheet), self.parent_widget)
        dialog.setWindowTitle(self.tr("Evidence sheet preview"))
        dialog.paintRequested.connect(sheet.paint)
        label = QCoreApplication.translate("QPrintPreviewDialog", "Print")
        for action in dialog.findChildren(QAction):
            if action.text() == label:
                action.triggered.disconnect()
                if on_print is None:
                    action.setVisible(False)
                else:
                    action.triggered.connect(lambda _checked=False: (dialog.close(), on_print()))
        return dialog

    def quick_print(self, sheet: EvidenceSheet, copies: int = 1) -> PrintJob:
        """The one-key print: the desk's default queue, no dialog."""
        return print_sheet(sheet, check_queue(self.default_printer), copies=copies, store=self.store)

    def save_pdf(self, sheet: EvidenceSheet, path: Path) -> SheetRecord:
        return sheet.write_pdf(path, self.store)

    def run_save_dialog(self, sheet: EvidenceSheet, folder: Path | None = None) -> SheetRecord | None:
        suggested = str((folder or Path.home()) / f"{sheet.sheet_id}.pdf")
        path, _ = QFileDialog.getSaveFileName(self.parent_widget, self.tr("Save evidence sheet as PDF"), suggested,
                                              self.tr("PDF files (*.pdf)"))
        return self.save_pdf(sheet, Path(path)) if path else None

    def message(self, error: EvidenceError) -> str:
        """What to show on the desk for a failure, in the operator's language."""
        printer = str(error.details.get("printer", ""))
        texts = {
            "no-printer": self.tr("This desk has no printer to print to."),
            "missing-queue": self.tr("There is no printer %1 on this desk.").replace("%1", printer),
            "paused": self.tr("Printer %1 is paused: the sheet was not sent. Resume it or choose another printer.")
            .replace("%1", printer),
            "refusing": self.tr("Printer %1 refuses jobs: the sheet was not sent.").replace("%1", printer),
            "print-failed": self.tr("The printer did not take the sheet."),
            "disk-full": self.tr("The evidence disk is full: nothing was stored."),
            "no-picture": self.tr("This monitor shows no picture: there is nothing to take."),
            "exists": self.tr("That file exists already: choose another name."),
            "bad-image": self.tr("The picture could not be read."),
        }
        text = texts.get(error.kind, self.tr("Evidence could not be handled."))
        return f"{text}\n{error}"
