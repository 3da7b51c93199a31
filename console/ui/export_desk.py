"""Export from the desk: a span of 1–16 cameras into a signed evidence folder, in the background.

The operator fills in (or finds filled in from the playback workspace) the cameras, the span, a
case number and a note, and where the folder goes; Start asks the matrix host for an `export`
token (a desk whose role lacks the right is refused in the host's words, through host_reasons)
and runs the export (console/recorder/export.py) on a thread of its own.  The desk never waits
on it: the export's progress comes back as a queued signal, and a worker thread waits for the
end, checks the finished folder with `verify_export` (hashing gigabytes is no work for the GUI
thread either) and hands the outcome back the same way.  At the end the dialog says where the
folder is, which files it holds and whether the manifest's signature and every file's hash
check out; or, in words, why nothing was exported.

Closing the dialog while an export runs does not stop it: an export of 16 cameras over an hour
takes minutes, and the operator has to go on working meanwhile.  It is not lost from sight: the
console's status bar says when it ends, and opening Export… again shows it running.  Quitting the
console cancels it (`shutdown()`), so nothing half-written is left (the exporter removes its
partial folder).  One export runs at a time; the next starts when the last has ended.
"""

from __future__ import annotations

import concurrent.futures
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDateTime, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.evidence.exports import verify_export
from console.evidence.store import Centre
from console.evidence.verify import Verdict
from console.recorder.export import MAX_CAMERAS, ExportCamera, Exporter, ExportError, ExportJob, ExportRequest, ExportResult
from console.recorder.source import RecordingSource
from console.ui.host_reasons import answer_text
from console.ui.playback import HostTokens, RefusedError, desk_source, local_text

log = logging.getLogger("videowall.export")

DEFAULT_MINUTES = 5  # the span proposed when nothing else says which
TOKEN_REFRESH_MS = 60_000  # tokens live 5 minutes; an export may take longer
PROGRESS_STEPS = 1000
SourceFor = Callable[[list[int]], tuple[RecordingSource, HostTokens]]


def default_folder() -> Path:
    """Where exports go unless the operator chooses: the user's documents, in a folder of their own."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents or Path.home()) / "videowall-exports"


def folder_name(case_number: str, start: float) -> str:
    """The export folder's name: the case number (made safe for any file system) and the start."""
    stamp = datetime.fromtimestamp(start).strftime("%Y%m%d-%H%M%S")
    case = re.sub(r"[^\w.-]+", "-", case_number).strip("-.")[:40]
    return f"{case}-{stamp}" if case else f"export-{stamp}"


@dataclass
class ExportOutcome:
    """How one export from this desk ended: a result and its verification, or an error."""

    request: ExportRequest
    result: ExportResult | None
    error: ExportError | None
    verdict: Verdict | None  # None when there is no result, or it could not be checked
    text: str  # what the operator was told

    @property
    def ok(self) -> bool:
        return self.result is not None and self.verdict is not None and self.verdict.ok


class ExportDialog(QDialog):
    """Export… on the desk.  `prefill(cameras, start, end)` then the operator's Start; `job` is the
    export running now (None between exports), `outcomes` how each one ended."""

    progressed = Signal(float, str)  # emitted on the export's thread; received queued on this one
    ended = Signal(object)  # ExportOutcome, on this thread
    message = Signal(str, bool)  # for the console's status bar: the text, and whether it failed
    _followed = Signal(object, object)  # (job, verdict or exception) from the worker

    def __init__(self, command: Callable[[Any], dict[str, Any]], catalog: Any, *, desk: str,
                 centre: Callable[[], Centre], source_for: SourceFor | None = None, folder: Path | None = None,
                 parent: QWidget | None = None, clock: Callable[[], float] = time.time) -> None:
        super().__init__(parent)
        self.setObjectName("export_dialog")
        self.setWindowTitle(self.tr("Export recordings"))
        self.catalog = catalog
        self.desk = desk
        self.centre = centre
        self.source_for: SourceFor = source_for or (lambda cameras: desk_source(command, cameras, "export"))
        self.clock = clock
        self.job: ExportJob | None = None
        self.tokens: HostTokens | None = None
        self.outcomes: list[ExportOutcome] = []
        self.last_folder: Path | None = None  # the last export that was written, for "Open folder"
        self.progress_seen: list[float] = []  # this export's fractions as the GUI thread got them
        self.ask_folder: Callable[[], Path | None] | None = None  # tests answer the folder dialog
        # The worker waits for each job's end and verifies its folder; one at a time is plenty.
        self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-follow")
        self.progressed.connect(self._show_progress, Qt.ConnectionType.QueuedConnection)
        self._followed.connect(self._finish, Qt.ConnectionType.QueuedConnection)
        self._token_timer = QTimer(self)
        self._token_timer.setInterval(TOKEN_REFRESH_MS)
        self._token_timer.timeout.connect(self._refresh_token)
        self._build(folder or default_folder())
        self.prefill([])

    # -- building ----------------------------------------------------------------------------
    def _build(self, folder: Path) -> None:
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.camera_field = QLineEdit()
        self.camera_field.setObjectName("export_cameras")
        self.camera_field.setPlaceholderText(self.tr("Cameras, e.g. 12 14 1042"))
        self.camera_field.setToolTip(self.tr("1 to 16 camera numbers"))
        form.addRow(self.tr("Cameras:"), self.camera_field)
        self.from_field = self._moment_field("export_from")
        self.to_field = self._moment_field("export_to")
        form.addRow(self.tr("From:"), self.from_field)
        span = QHBoxLayout()
        span.addWidget(self.to_field, 1)
        for minutes in (5, 15, 60):
            last = QPushButton(self.tr("Last %1 min").replace("%1", str(minutes)))
            last.setObjectName(f"export_last_{minutes}")
            last.clicked.connect(lambda _checked=False, m=minutes: self.set_span(self.clock() - m * 60, self.clock()))
            span.addWidget(last)
        form.addRow(self.tr("To:"), span)
        self.case_field = QLineEdit()
        self.case_field.setObjectName("export_case")
        form.addRow(self.tr("Case number:"), self.case_field)
        self.note_field = QPlainTextEdit()
        self.note_field.setObjectName("export_note")
        self.note_field.setFixedHeight(60)
        form.addRow(self.tr("Note:"), self.note_field)
        where = QHBoxLayout()
        self.folder_field = QLineEdit(str(folder))
        self.folder_field.setObjectName("export_folder")
        self.folder_field.setToolTip(self.tr("The export is written into a new folder here, named after the case "
                                             "number and the start"))
        choose = QPushButton(self.tr("Choose…"))
        choose.setObjectName("export_choose_folder")
        choose.clicked.connect(lambda _checked=False: self.choose_folder())
        where.addWidget(self.folder_field, 1)
        where.addWidget(choose)
        form.addRow(self.tr("Save in:"), where)
        layout.addLayout(form)

        self.progress = QProgressBar()
        self.progress.setObjectName("export_progress")
        self.progress.setRange(0, PROGRESS_STEPS)
        self.progress.setValue(0)
        layout.addWidget(self.progress)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("export_progress_text")
        self.progress_label.setWordWrap(True)
        layout.addWidget(self.progress_label)
        self.result_label = QLabel()
        self.result_label.setObjectName("export_result")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label, 1)

        buttons = QHBoxLayout()
        self.start_button = QPushButton(self.tr("Start export"))
        self.start_button.setObjectName("export_start")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(lambda _checked=False: self.start())
        self.cancel_button = QPushButton(self.tr("Cancel export"))
        self.cancel_button.setObjectName("export_cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(lambda _checked=False: self.cancel())
        self.open_button = QPushButton(self.tr("Open folder"))
        self.open_button.setObjectName("export_open_folder")
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(lambda _checked=False: self._open_folder())
        close = QPushButton(self.tr("Close"))
        close.setObjectName("export_close")
        close.setToolTip(self.tr("A running export goes on in the background"))
        close.clicked.connect(lambda _checked=False: self.reject())
        for button in (self.start_button, self.cancel_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self.resize(560, 480)

    def _moment_field(self, name: str) -> QDateTimeEdit:
        field = QDateTimeEdit()
        field.setObjectName(name)
        field.setCalendarPopup(True)
        field.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        return field

    # -- what to export ---------------------------------------------------------------------------
    def prefill(self, cameras: list[int], start: float | None = None, end: float | None = None) -> None:
        """Cameras and a span proposed for the next export (the operator can change them): the
        span given, ending no later than now, else the last few minutes."""
        now = self.clock()
        if start is None or end is None or min(end, now) <= start:
            start, end = now - DEFAULT_MINUTES * 60, now
        self.camera_field.setText(" ".join(str(n) for n in dict.fromkeys(cameras)))
        self.set_span(start, min(end, now))

    def set_span(self, start: float, end: float) -> None:
        # Whole seconds, as the fields show them; the end rounded down, so "now" is never the future.
        self.from_field.setDateTime(QDateTime.fromSecsSinceEpoch(int(start)))
        self.to_field.setDateTime(QDateTime.fromSecsSinceEpoch(int(end)))

    def span(self) -> tuple[float, float]:
        return (self.from_field.dateTime().toSecsSinceEpoch() * 1.0, self.to_field.dateTime().toSecsSinceEpoch() * 1.0)

    def cameras(self) -> list[int]:
        return list(dict.fromkeys(int(t) for t in self.camera_field.text().replace(",", " ").split() if t.isdigit()))

    def choose_folder(self) -> Path | None:
        if self.ask_folder is not None:
            chosen = self.ask_folder()
        else:
            text = QFileDialog.getExistingDirectory(self, self.tr("Save exports in"), self.folder_field.text())
            chosen = Path(text) if text else None
        if chosen is not None:
            self.folder_field.setText(str(chosen))
        return chosen

    def export_camera(self, number: int) -> ExportCamera:
        """A camera as the manifest names it: number, name and place from the catalog."""
        camera = self.catalog.get(number)
        if camera is None:
            return ExportCamera(number)
        return ExportCamera(number, str(camera.name), tuple(str(p) for p in camera.place))

    # -- running ----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None

    def start(self) -> bool:
        """Start the export the fields describe; False (and said why) when it cannot start.
        Returns at once: the export runs on its own thread."""
        if self.job is not None:
            self._say(self.tr("An export is running: wait for it to end or cancel it"), failed=True)
            return False
        cameras = self.cameras()
        start, end = self.span()
        if not 1 <= len(cameras) <= MAX_CAMERAS:
            self._say(self.tr("Type 1 to %1 camera numbers").replace("%1", str(MAX_CAMERAS)), failed=True)
            return False
        if end <= start:
            self._say(self.tr("The span must end after it starts"), failed=True)
            return False
        if start >= self.clock():
            self._say(self.tr("%1 is in the future: nothing is recorded there yet").replace(
                "%1", local_text(start, millis=False)), failed=True)
            return False
        case, note = self.case_field.text().strip(), self.note_field.toPlainText().strip()
        parent = Path(self.folder_field.text().strip() or str(default_folder())).expanduser()
        out = parent / folder_name(case, start)
        for extra in range(2, 1000):  # a second export of the same case and start gets a folder of its own
            if not out.exists():
                break
            out = parent / f"{folder_name(case, start)}-{extra}"
        try:
            centre = self.centre()
        except (OSError, ValueError, RuntimeError) as exc:
            self._say(self.tr("The centre's evidence store cannot be used: %1").replace("%1", str(exc)), failed=True)
            return False
        try:
            source, tokens = self.source_for(cameras)
        except RefusedError as exc:
            self._say(self.tr("The export cannot start: %1").replace("%1", answer_text(exc.reply)),
                      failed=True)
            return False
        except OSError:
            self._say(self.tr("No recorder serves recordings now (none reports to the matrix host)"), failed=True)
            return False
        request = ExportRequest(tuple(self.export_camera(n) for n in cameras), start, end, out, self.desk, case, note)
        job = ExportJob(Exporter(source, centre), request, progress=self._from_export_thread)
        self.job, self.tokens = job, tokens
        self.progress_seen = []
        self._show_progress(0.0, "")
        self.result_label.clear()
        self.open_button.setEnabled(False)
        self._set_running(True)
        self.progress_label.setText(self.tr("Exporting cameras %1, %2 to %3…").replace(
            "%1", " ".join(map(str, cameras))).replace("%2", local_text(start, millis=False)).replace(
            "%3", local_text(end, millis=False)))
        log.info("export to %s: cameras %s, %s to %s, case %r, by %s", out, cameras, start, end, case, self.desk)
        job.start()
        self._token_timer.start()
        self._worker.submit(self._follow, job, source)
        return True

    def cancel(self) -> None:
        """Ask the running export to stop; it ends soon after (at the next packets it copies),
        removes what it wrote, and the dialog says so."""
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.progress_label.setText(self.tr("Cancelling…"))

    def _from_export_thread(self, fraction: float, text: str) -> None:
        try:
            self.progressed.emit(fraction, text)
        except RuntimeError:  # the dialog is gone (the console quit); the export is being cancelled
            pass

    def _show_progress(self, fraction: float, text: str) -> None:
        self.progress_seen.append(fraction)
        self.progress.setValue(round(fraction * PROGRESS_STEPS))
        if text:
            self.progress.setToolTip(text)  # the exporter's own count of seconds and files

    def _follow(self, job: ExportJob, source: RecordingSource) -> None:
        """On the worker: wait for the job, check what it wrote, give the source back."""
        job.wait()
        verdict: Verdict | Exception | None = None
        if job.result is not None:
            try:
                verdict = verify_export(job.result.folder)
            except Exception as exc:  # said to the operator: the folder exists but could not be checked
                verdict = exc
        try:
            source.close()
        except Exception:  # closing a source that already failed may fail again; nothing is lost
            log.debug("closing the export's source", exc_info=True)
        try:
            self._followed.emit(job, verdict)
        except RuntimeError:
            pass

    def _finish(self, job: ExportJob, verdict: Verdict | Exception | None) -> None:
        self._token_timer.stop()
        self.job, self.tokens = None, None
        self._set_running(False)
        request, result, error = job.request, job.result, job.error
        checked = verdict if isinstance(verdict, Verdict) else None
        verdict_line = ""
        if result is not None:
            self._show_progress(1.0, "")
            files = [path.name for path in result.files]
            lines = [self.tr("Exported %1 files into %2").replace("%1", str(len(files))).replace("%2", str(result.folder)),
                     self.tr("Export %1, %2 to %3").replace("%1", str(result.manifest.get("export_id", ""))).replace(
                         "%2", local_text(request.start, millis=False)).replace("%3", local_text(request.end, millis=False))]
            lines += [f"  {name}" for name in files]
            if checked is not None and checked.ok:
                verdict_line = self.tr("Verified: the manifest's signature and every file's SHA-256 check out")
            elif checked is not None:
                verdict_line = self.tr("NOT VALID: %1").replace("%1", "; ".join(checked.problems))
            else:
                verdict_line = self.tr("The export could not be checked: %1").replace("%1", str(verdict))
            lines.append(verdict_line)
            lines += [f"  {note}" for note in (checked.notes if checked is not None else [])]
            failed = checked is None or not checked.ok
            self.open_button.setEnabled(True)
            self.last_folder = result.folder
        elif error is not None and error.kind == "cancelled":
            self._show_progress(0.0, "")
            lines, failed = [self.tr("Export cancelled: nothing was exported")], False
        else:
            self._show_progress(0.0, "")
            lines = [self.tr("The export failed: %1").replace("%1", str(error or "?"))]
            failed = True
        text = "\n".join(lines)
        self.progress_label.setText(lines[0])
        self.result_label.setText(text)
        self.result_label.setStyleSheet("color: #c03030;" if failed else "")
        outcome = ExportOutcome(request, result, error, checked, text)
        self.outcomes.append(outcome)
        (log.warning if failed else log.info)("export to %s: %s", request.out, text.replace("\n", " | "))
        self.message.emit(f"{lines[0]} — {verdict_line}" if verdict_line else lines[0], failed)
        self.ended.emit(outcome)

    def _refresh_token(self) -> None:
        # On this thread: the host link's socket is this thread's (HostTokens asks through it).
        if self.tokens is not None and not self.tokens.refresh():
            log.warning("export: the host gave no new token (%s); the export goes on while the old one lasts",
                        self.tokens.refusal)

    def _set_running(self, running: bool) -> None:
        for field in (self.camera_field, self.from_field, self.to_field, self.case_field, self.note_field,
                      self.folder_field):
            field.setEnabled(not running)
        self.start_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)

    def _say(self, text: str, *, failed: bool) -> None:
        self.result_label.setText(text)
        self.result_label.setStyleSheet("color: #c03030;" if failed else "")
        self.message.emit(text, failed)

    def _open_folder(self) -> None:
        if self.last_folder is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_folder)))

    # -- closing ----------------------------------------------------------------------------------
    def reject(self) -> None:
        """Close (Esc, the window's close button): a running export goes on in the background."""
        if self.job is not None:
            self.message.emit(self.tr("The export goes on in the background: the status bar says when it ends"), False)
        super().reject()

    def shutdown(self, timeout: float = 10.0) -> None:
        """The console quits: a running export is cancelled (it removes its partial folder)."""
        job = self.job
        if job is not None:
            job.cancel()
            job.wait(timeout)
        self._token_timer.stop()
        self._worker.shutdown(wait=True, cancel_futures=False)
