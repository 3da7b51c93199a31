"""Printing a sheet to an OS print queue through QPrinter, and saying clearly when it cannot.

Qt's print support does the work (QPrinter in native format: on CUPS its engine renders the
sheet to PDF and submits it).  Around it: the queue is checked first, because Qt prints a
missing queue to a PDF file instead and cannot tell a paused or refusing one; afterwards the
job is looked up in CUPS, for its id (the audit trail names it) and for libcups's error when
the queue did not take it.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from console.evidence import cupsqueue
from console.evidence.sheet import EvidenceSheet
from console.evidence.store import EvidenceError, EvidenceStore, SheetRecord, record_sheet

log = logging.getLogger("videowall.evidence")


class PrintError(EvidenceError):
    """kind: no-printer, missing-queue, paused, refusing, print-failed."""


@dataclass(frozen=True)
class PrintJob:
    printer: str
    job_id: int | None  # None where the platform does not say (no CUPS)
    copies: int
    title: str
    sheet_id: str
    submitted_at: datetime
    seconds: float  # from the call to the queue holding the job


def default_printer() -> str:
    name = QPrinterInfo.defaultPrinterName()
    if not name and cupsqueue.available():
        state = cupsqueue.queue(None)
        name = state.name if state else ""
    return name


def check_queue(name: str | None) -> str:
    """The queue's name if it can take a sheet now; PrintError saying why not otherwise."""
    name = name or default_printer()
    if not name:
        known = QPrinterInfo.availablePrinterNames()
        raise PrintError("no-printer", "this desk has no default printer" + (
            f"; choose one of: {', '.join(known)}" if known else " and no printer is installed"))
    if QPrinterInfo.printerInfo(name).isNull() and name not in QPrinterInfo.availablePrinterNames():
        raise PrintError("missing-queue", f"there is no printer {name!r} on this desk", printer=name)
    state = cupsqueue.queue(name) if cupsqueue.available() else None
    if state is not None:
        why = f" ({state.message})" if state.message else ""
        if not state.accepting:
            raise PrintError("refusing", f"printer {name} refuses jobs{why}: the sheet was not sent", printer=name)
        if state.paused:
            raise PrintError("paused", f"printer {name} is paused{why}: the sheet was not sent; resume it or choose "
                                       "another printer", printer=name)
    elif QPrinterInfo.printerInfo(name).state() == QPrinter.PrinterState.Error:
        raise PrintError("paused", f"printer {name} is stopped or in error: the sheet was not sent", printer=name)
    return name


def printer_for(name: str | None, sheet: EvidenceSheet, copies: int = 1) -> QPrinter:
    """A QPrinter on the queue with the sheet's paper and orientation."""
    queue = check_queue(name)
    printer = QPrinter(QPrinterInfo.printerInfo(queue), QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(sheet.options.page_layout())
    printer.setCopyCount(copies)
    return printer


def print_sheet(sheet: EvidenceSheet, printer: QPrinter | str | None = None, *, copies: int | None = None,
                store: EvidenceStore | None = None) -> PrintJob:
    """Send the sheet to a queue (a configured QPrinter, a queue name, or the default one)."""
    started = time.monotonic()
    if isinstance(printer, QPrinter):
        qprinter = printer
        check_queue(qprinter.printerName())
        if copies is not None:
            qprinter.setCopyCount(copies)
    else:
        qprinter = printer_for(printer, sheet, copies or 1)
    if qprinter.outputFormat() != QPrinter.OutputFormat.NativeFormat:
        raise PrintError("missing-queue", "the printer is set to write a file, not to print: use save as PDF")
    name = qprinter.printerName()
    count = qprinter.copyCount()
    qprinter.setDocName(sheet.title)
    submitted = datetime.now(UTC)
    sheet.paint(qprinter)
    job_id = None
    if cupsqueue.available():
        job = cupsqueue.find_job(name, sheet.title)
        if job is None:
            reason = cupsqueue.last_error() or "no reason given"
            raise PrintError("print-failed", f"printer {name} did not take the sheet: {reason}", printer=name)
        job_id = job.id
    result = PrintJob(name, job_id, count, sheet.title, sheet.sheet_id, submitted, time.monotonic() - started)
    log.info("evidence sheet %s sent to %s (job %s, %d copies): %s", sheet.sheet_id, name, job_id, count,
             " ".join(e.number for e in sheet.evidence))
    if store is not None:
        record_sheet(store, SheetRecord(sheet.sheet_id, [e.number for e in sheet.evidence], sheet.printed_by,
                                        sheet.printed_at, f"printer:{name}", copies=count, job_id=job_id))
    return result
