"""Importing a camera catalog from the console: in the background, with progress, cancellable.

A city catalog in YAML takes seconds (libyaml parses 50,000 cameras in about ten), so the
import runs on a thread of its own and the desk keeps working; the progress dialog shows the
stage, how far and the time left.  Cancelling, or a file with errors, leaves the catalog
database as it was (`build` swaps a finished file in, or nothing).
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from console.matrix.catalog import Catalog, CatalogError, build, read_catalog

log = logging.getLogger("videowall.console")


class ImportCancelled(Exception):  # noqa: N818 (a request to stop, not an error)
    pass


class CatalogImport(QObject):
    """One import of `source` into `catalog`'s database file; signals arrive on the GUI thread."""

    progressed = Signal(str, int, int)  # stage, done, total
    finished = Signal(int, str)  # cameras imported (-1: failed or cancelled), what to tell the user

    def __init__(self, source: str | Path, catalog: Catalog, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source, self.catalog = Path(source), catalog
        self._cancel = threading.Event()
        self._last_report = 0.0
        self._thread = threading.Thread(target=self._run, name="catalog import", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise ImportCancelled
        now = time.monotonic()
        if now - self._last_report >= 0.1 or done >= total:  # the GUI needs ten a second, not thousands
            self._last_report = now
            self.progressed.emit(stage, done, total)

    def _run(self) -> None:
        try:
            count = build(read_catalog(self.source, self._progress), self.catalog.path, self._progress)
        except ImportCancelled:
            self.finished.emit(-1, self.tr("Import cancelled: the catalog is unchanged."))
        except CatalogError as exc:
            self.finished.emit(-1, str(exc))
        except OSError as exc:
            self.finished.emit(-1, self.tr("Cannot write the catalog %1: %2").replace("%1", str(self.catalog.path))
                               .replace("%2", str(exc)))
        else:
            self.finished.emit(count, self.tr("%1 cameras imported from %2").replace("%1", f"{count:,}")
                               .replace("%2", self.source.name))


class ImportDialog(QProgressDialog):
    """The progress of a `CatalogImport`; Cancel stops it and keeps the catalog as it was."""

    STAGES = ("reading", "checking", "writing", "indexing")

    def __init__(self, job: CatalogImport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.setWindowTitle(self.tr("Import camera catalog"))
        self.setLabelText(self.tr("Opening %1…").replace("%1", job.source.name))
        self.setRange(0, 1000)
        self.setMinimumDuration(0)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAutoClose(False)
        self.setAutoReset(False)
        self.started = time.monotonic()
        self.result_count: int | None = None
        self.result_text = ""
        job.progressed.connect(self._on_progress)
        job.finished.connect(self._on_finished)
        self.canceled.connect(job.cancel)

    def stage_text(self, stage: str) -> str:
        return {"reading": self.tr("Reading the file"), "checking": self.tr("Checking cameras"),
                "writing": self.tr("Writing the catalog"), "indexing": self.tr("Building the search index")}.get(stage, stage)

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        # The stages share the bar: reading is most of a YAML import, the rest is quick.
        weights = {"reading": (0, 700), "checking": (700, 800), "writing": (800, 950), "indexing": (950, 1000)}
        low, high = weights.get(stage, (0, 1000))
        fraction = done / total if total else 0.0
        self.setValue(int(low + (high - low) * fraction))
        text = self.stage_text(stage)
        if total and stage != "reading":
            text += f": {done:,} / {total:,}"
        elapsed = time.monotonic() - self.started
        share = self.value() / 1000
        if share > 0.05:
            text += "\n" + self.tr("about %1 s left").replace("%1", f"{max(0.0, elapsed / share - elapsed):.0f}")
        self.setLabelText(text)

    def _on_finished(self, count: int, text: str) -> None:
        self.result_count, self.result_text = count, text
        if count >= 0:
            self.setValue(1000)
        self.accept() if count >= 0 else self.reject()


def import_catalog(parent: QWidget, source: str | Path, catalog: Catalog, *, quiet: bool = False) -> int:
    """Run an import with its dialog; returns the number of cameras, -1 if it did not happen."""
    job = CatalogImport(source, catalog, parent)
    dialog = ImportDialog(job, parent)
    job.start()
    dialog.exec()
    job.wait()
    count = dialog.result_count if dialog.result_count is not None else -1
    if count >= 0:
        catalog.reopen()
        log.info("%s", dialog.result_text)
    elif not quiet:
        cancelled = QCoreApplication.translate("CatalogImport", "Import cancelled: the catalog is unchanged.")
        problems = (dialog.result_text or cancelled).splitlines()
        box = QMessageBox(QMessageBox.Icon.Warning, dialog.windowTitle(), "\n".join(problems[:8]), parent=parent)
        if len(problems) > 8:  # a spreadsheet with a bad column: every line, but not all on screen at once
            box.setDetailedText("\n".join(problems))
        box.exec()
    dialog.deleteLater()
    return count
