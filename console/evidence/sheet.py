"""The evidence sheet: a police-document page per 1, 2 or 4 frames, painted with QPainter.

The same painting goes to a PDF (QPdfWriter, with a manifest and a seal, see `pdfseal`), to a
print queue (QPrinter) and to the print preview.  A page: the centre's name and the title,
who printed it and when; per frame the picture as large as the page allows at its own aspect
ratio (never stretched), the field table and a QR code with the evidence number, hash and
signature; page numbers.  Labels go through Qt's translator (English, Chinese); CJK fonts
are embedded by Qt's PDF engine.
"""

from __future__ import annotations

import hashlib
import secrets
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import segno
from PySide6.QtCore import QByteArray, QCoreApplication, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from console.atomic import write_new
from console.evidence import pdfseal
from console.evidence.signing import SigningKey
from console.evidence.store import Evidence, EvidenceError, EvidenceStore, SheetRecord, iso, record_sheet
from console.evidence.verify import qr_text

PAPERS = {"A4": QPageSize.PageSizeId.A4, "Letter": QPageSize.PageSizeId.Letter}
ORIENTATIONS = {"portrait": QPageLayout.Orientation.Portrait, "landscape": QPageLayout.Orientation.Landscape}
PER_SHEET = (1, 2, 4)
MARGIN_MM = 12.0
# Latin and digits from a TrueType Latin font, Chinese from Noto CJK: Latin-run digits laid
# out in Noto CJK come out of Qt's PDF engine as glyphs with no text behind them (they show,
# but cannot be searched or copied).
FONT_FAMILIES = ["DejaVu Sans", "Arial", "Noto Sans CJK SC", "Microsoft YaHei"]
MONO_FAMILIES = ["DejaVu Sans Mono", "Consolas", "Noto Sans Mono CJK SC"]
PDF_DPI = 300
INK = QColor("#111111")
ALERT = QColor("#b00020")
RULE = QColor("#555555")


@dataclass(frozen=True)
class SheetOptions:
    paper: str = "A4"
    orientation: str = "portrait"
    per_sheet: int = 1

    def __post_init__(self) -> None:
        if self.paper not in PAPERS:
            raise ValueError(f"paper must be one of {', '.join(PAPERS)}, not {self.paper!r}")
        if self.orientation not in ORIENTATIONS:
            raise ValueError(f"orientation must be portrait or landscape, not {self.orientation!r}")
        if self.per_sheet not in PER_SHEET:
            raise ValueError(f"1, 2 or 4 frames per sheet, not {self.per_sheet!r}")

    def page_layout(self) -> QPageLayout:
        return QPageLayout(QPageSize(PAPERS[self.paper]), ORIENTATIONS[self.orientation],
                           QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter)


@dataclass(frozen=True)
class FrameBox:
    """Where one frame's parts sit on its page, in millimetres from the page's top-left corner."""

    evidence: Evidence
    caption: QRectF
    picture: QRectF
    table: QRectF
    qr: QRectF


def _grid(per_sheet: int, landscape: bool) -> tuple[int, int]:
    if per_sheet == 1:
        return 1, 1
    if per_sheet == 2:
        return (1, 2) if landscape else (2, 1)
    return 2, 2


def _fill(template: str, *values: object) -> str:
    """Qt-style %1, %2 … placeholders (translations may reorder them)."""
    for i, value in reversed(list(enumerate(values, 1))):
        template = template.replace(f"%{i}", str(value))
    return template


def local_time(moment: datetime, *, utc: bool = True) -> str:
    """A moment in the printing desk's zone, with the zone, and (unless told) in UTC."""
    local = moment.astimezone()
    offset = local.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    text = f"{local:%Y-%m-%d %H:%M:%S}.{local.microsecond // 1000:03d} {zone}"
    return f"{text}  ({moment.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC)" if utc else text


class EvidenceSheet:
    """Sheets for some evidence: `paint(device)` on a QPrinter or QPdfWriter, `write_pdf(path)`."""

    def __init__(self, evidence: Sequence[Evidence], *, centre_name: str, printed_by: str,
                 options: SheetOptions | None = None, printed_at: datetime | None = None,
                 sheet_id: str | None = None) -> None:
        if not evidence:
            raise EvidenceError("no-picture", "a sheet needs at least one frame")
        self.evidence = list(evidence)
        self.centre_name = centre_name
        self.printed_by = printed_by
        self.options = options or SheetOptions()
        self.printed_at = printed_at or datetime.now(UTC)
        self.sheet_id = sheet_id or f"S-{self.printed_at.astimezone(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3).upper()}"
        per = self.options.per_sheet
        self.pages = [self.evidence[i:i + per] for i in range(0, len(self.evidence), per)]

    @property
    def title(self) -> str:
        """The document's and the print job's name: unique, so the job can be found in the queue."""
        return f"{self.sheet_id} {' '.join(e.number for e in self.evidence)}"

    def manifest(self) -> dict[str, Any]:
        return {
            "format": "videowall-sheet/1",
            "sheet_id": self.sheet_id,
            "centre": self.centre_name,
            "printed_by": self.printed_by,
            "printed_at": iso(self.printed_at),
            "paper": self.options.paper,
            "orientation": self.options.orientation,
            "per_sheet": self.options.per_sheet,
            "pages": len(self.pages),
            "evidence": [{"number": e.number, "sha256": e.sha256, "signature": e.signature,
                          "camera": e.fields["camera"]["number"], "frame_time": e.fields["frame_time"]}
                         for e in self.evidence],
        }

    # -- layout -------------------------------------------------------------------------
    def layout(self, page: int, page_mm: QSizeF | None = None) -> list[FrameBox]:
        """Where each frame of `page` goes (millimetres from the paper's top-left corner)."""
        full = page_mm or self.options.page_layout().fullRect(QPageLayout.Unit.Millimeter).size()
        landscape = full.width() > full.height()
        area = QRectF(MARGIN_MM, MARGIN_MM, full.width() - 2 * MARGIN_MM, full.height() - 2 * MARGIN_MM)
        body = area.adjusted(0, HEADER_MM, 0, -FOOTER_MM)
        rows, cols = _grid(self.options.per_sheet, landscape)
        gap = 6.0
        cell_w = (body.width() - gap * (cols - 1)) / cols
        cell_h = (body.height() - gap * (rows - 1)) / rows
        style = _Style.for_cells(self.options.per_sheet)
        boxes = []
        for index, evidence in enumerate(self.pages[page]):
            r, c = divmod(index, cols)
            cell = QRectF(body.x() + c * (cell_w + gap), body.y() + r * (cell_h + gap), cell_w, cell_h)
            boxes.append(self._place(evidence, cell, style))
        return boxes

    def _place(self, evidence: Evidence, cell: QRectF, style: _Style) -> FrameBox:
        width, height = int(evidence.fields["image"]["width"]), int(evidence.fields["image"]["height"])
        rows = self.rows(evidence)
        qr = style.qr_mm
        caption = style.caption_mm
        # Table under the picture, QR beside the table ...
        below_table_w = cell.width() - qr - 3
        below_h = max(_table_height_mm(rows, below_table_w, style), qr)
        below_area = QSizeF(cell.width(), cell.height() - below_h - 3 - caption)
        # ... or table and QR in a column beside the picture, as wide as needed for both to
        # fit: whichever gives the bigger picture.
        def scale(area: QSizeF) -> float:
            return 0.0 if area.width() <= 0 or area.height() <= 0 else min(area.width() / width, area.height() / height)

        best = scale(below_area)
        side: tuple[float, float] | None = None
        for fraction in (0.3, 0.36, 0.42, 0.5, 0.58):
            side_w = max(qr, cell.width() * fraction)
            side_table_h = _table_height_mm(rows, side_w, style)
            if side_table_h + 3 + qr > cell.height():
                continue
            candidate = scale(QSizeF(cell.width() - side_w - 4, cell.height() - caption))
            if candidate > best:
                best, side = candidate, (side_w, side_table_h)
        if best <= 0:
            raise EvidenceError("layout", "the page is too small for the evidence table")
        if side is not None:
            side_w, side_table_h = side
            area = QSizeF(cell.width() - side_w - 4, cell.height() - caption)
            x = cell.right() - side_w
            table = QRectF(x, cell.y(), side_w, side_table_h)
            qr_rect = QRectF(x, table.bottom() + 3, qr, qr)
        else:
            area = below_area
            top = cell.y() + caption + area.height() + 3
            table = QRectF(cell.x(), top, below_table_w, below_h)
            qr_rect = QRectF(cell.right() - qr, top, qr, qr)
        pic = QRectF(cell.x() + (area.width() - width * best) / 2, cell.y() + caption + (area.height() - height * best) / 2,
                     width * best, height * best)
        return FrameBox(evidence, QRectF(cell.x(), cell.y(), cell.width(), caption), pic, table, qr_rect)

    def rows(self, evidence: Evidence) -> list[tuple[str, str, bool]]:
        """(label, value, alert) for the field table, in the installed language."""
        f = evidence.fields
        camera = f["camera"]
        lost = evidence.signal_lost_since
        if lost is not None:
            signal = _fill(QCoreApplication.translate("EvidenceSheet", "LAST PICTURE, signal lost since %1"), local_time(lost))
        elif (f.get("source") or {}).get("kind") == "playback":
            # The frame time above is then the recorded time of a recording played back.
            signal = QCoreApplication.translate("EvidenceSheet", "PLAYBACK of a recording (frame time: as recorded)")
        else:
            signal = QCoreApplication.translate("EvidenceSheet", "live picture")
        captured = _fill(QCoreApplication.translate("EvidenceSheet", "%1 at desk %2, %3"), f["operator"], f["desk"],
                         local_time(datetime.fromisoformat(f["captured_at"]), utc=False))
        picture = _fill(QCoreApplication.translate("EvidenceSheet",
                                                   "%1 × %2 pixels, PNG; the original is kept in the evidence store"),
                        f["image"]["width"], f["image"]["height"])
        return [
            (QCoreApplication.translate("EvidenceSheet", "Evidence no."), evidence.number, False),
            (QCoreApplication.translate("EvidenceSheet", "Camera"), f"{camera['number']}  {camera['name']}", False),
            (QCoreApplication.translate("EvidenceSheet", "Place"), " / ".join(camera["place"]) or "—", False),
            (QCoreApplication.translate("EvidenceSheet", "Frame time"), local_time(evidence.frame_time), False),
            (QCoreApplication.translate("EvidenceSheet", "Signal"), signal,
             lost is not None or (f.get("source") or {}).get("kind") == "playback"),
            (QCoreApplication.translate("EvidenceSheet", "Captured by"), captured, False),
            (QCoreApplication.translate("EvidenceSheet", "Case no."), str(f["case_number"]) or "—", False),
            (QCoreApplication.translate("EvidenceSheet", "Note"), str(f["note"]) or "—", False),
            (QCoreApplication.translate("EvidenceSheet", "Picture"), picture, False),
            (QCoreApplication.translate("EvidenceSheet", "SHA-256"), evidence.sha256, False),
        ]

    # -- painting -----------------------------------------------------------------------
    def paint(self, device: QPagedPaintDevice) -> None:
        """Every page onto a printer or PDF writer whose page layout is already set."""
        painter = QPainter()
        if not painter.begin(device):
            raise EvidenceError("print-failed", "the printer or PDF could not be opened for painting")
        try:
            for page in range(len(self.pages)):
                if page:
                    device.newPage()
                self.paint_page(painter, device, page)
        finally:
            painter.end()

    def paint_page(self, painter: QPainter, device: QPagedPaintDevice, page: int) -> None:
        layout = device.pageLayout()
        paint = layout.paintRect(QPageLayout.Unit.Millimeter)
        # Painter coordinates are device pixels from the printable area's corner; ours are
        # millimetres from the paper's.  Fonts stay in points, which the device resolves.
        mm = _Mm(device.logicalDpiX() / 25.4, paint.x(), paint.y())
        full = layout.fullRect(QPageLayout.Unit.Millimeter).size()
        style = _Style.for_cells(self.options.per_sheet)
        self._paint_header(painter, mm, full, page)
        for box in self.layout(page, full):
            self._paint_frame(painter, mm, box, style)

    def _paint_header(self, painter: QPainter, mm: _Mm, full: QSizeF, page: int) -> None:
        area = QRectF(MARGIN_MM, MARGIN_MM, full.width() - 2 * MARGIN_MM, full.height() - 2 * MARGIN_MM)
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        painter.setPen(INK)
        painter.setFont(_font(13, bold=True))
        top = QRectF(area.x(), area.y(), area.width(), 8)
        painter.drawText(mm.rect(top), int(left), self.centre_name)
        painter.drawText(mm.rect(top), int(right), QCoreApplication.translate("EvidenceSheet", "EVIDENCE SHEET"))
        painter.setFont(_font(8))
        printed = _fill(QCoreApplication.translate("EvidenceSheet", "Printed by %1 on %2"), self.printed_by,
                        local_time(self.printed_at))
        line = QRectF(area.x(), area.y() + 8.5, area.width(), 5)
        painter.drawText(mm.rect(line), int(left), printed)
        painter.drawText(mm.rect(line), int(right), _fill(QCoreApplication.translate("EvidenceSheet", "Sheet %1"), self.sheet_id))
        painter.setPen(QPen(RULE, mm.length(0.3)))
        y = area.y() + HEADER_MM - 2
        painter.drawLine(mm.point(area.x(), y), mm.point(area.right(), y))
        foot = QRectF(area.x(), area.bottom() - FOOTER_MM + 2, area.width(), FOOTER_MM - 2)
        painter.drawLine(mm.point(foot.x(), foot.y()), mm.point(foot.right(), foot.y()))
        painter.setPen(INK)
        painter.setFont(_font(7.5))
        check = QCoreApplication.translate("EvidenceSheet",
                                           "Check: scan the QR code, or run videowall evidence verify on the PDF or the original")
        painter.drawText(mm.rect(foot), int(left), check)
        painter.setFont(_font(8.5, bold=True))
        painter.drawText(mm.rect(foot), int(right),
                         _fill(QCoreApplication.translate("EvidenceSheet", "Page %1 of %2"), page + 1, len(self.pages)))

    def _paint_frame(self, painter: QPainter, mm: _Mm, box: FrameBox, style: _Style) -> None:
        evidence = box.evidence
        image = QImage()
        if not image.loadFromData(evidence.image_bytes(), "PNG"):
            raise EvidenceError("bad-image", f"the stored image of {evidence.number} cannot be read")
        caption = box.caption
        left = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.setFont(_font(style.text_pt + 1, bold=True))
        if evidence.signal_lost_since is not None:
            painter.setPen(ALERT)
            text = _fill(QCoreApplication.translate("EvidenceSheet", "LAST PICTURE, signal lost since %1"),
                         local_time(evidence.signal_lost_since, utc=False))
            painter.drawText(mm.rect(caption), int(left),
                             painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(mm.length(caption.width()))))
        elif self.options.per_sheet > 1:
            painter.setPen(INK)
            painter.drawText(mm.rect(caption), int(left), evidence.number)
        painter.drawImage(mm.rect(box.picture), image)
        painter.setPen(QPen(RULE, mm.length(0.2)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(mm.rect(box.picture))
        _paint_table(painter, mm, box.table, self.rows(evidence), style)
        _paint_qr(painter, mm, box.qr, qr_text(evidence.number, evidence.sha256, evidence.signature))

    # -- output -------------------------------------------------------------------------
    def pdf_bytes(self, key: SigningKey) -> bytes:
        """The sheet as a sealed PDF (fonts embedded, the manifest and seal in its XMP)."""
        with tempfile.TemporaryDirectory(prefix="videowall-sheet-") as folder:
            path = Path(folder) / "sheet.pdf"
            writer = QPdfWriter(str(path))
            writer.setResolution(PDF_DPI)
            writer.setPageLayout(self.options.page_layout())
            writer.setTitle(self.title)
            writer.setCreator("videowall")
            writer.setDocumentXmpMetadata(QByteArray(pdfseal.xmp_packet(self.manifest(), self.title)))
            self.paint(writer)
            del writer  # the file is complete once the writer is gone
            data = path.read_bytes()
        return pdfseal.seal_pdf(data, key)

    def write_pdf(self, path: Path, store: EvidenceStore) -> SheetRecord:
        """Save as PDF: never over an existing file; the sheet is recorded in the store."""
        if store.key is None:
            store.key = SigningKey.load(store.centre.id, create=True)
        data = self.pdf_bytes(store.key)
        digest = hashlib.sha256(data).hexdigest()
        try:
            write_new(Path(path), data, mode=0o444)
        except FileExistsError:
            raise EvidenceError("exists", f"{path} exists already: a sheet is never written over another file") from None
        except OSError as exc:
            raise store._disk_error(exc, "no PDF was written") from exc
        record = SheetRecord(self.sheet_id, [e.number for e in self.evidence], self.printed_by, self.printed_at,
                             f"pdf:{Path(path).resolve()}", pdf_sha256=digest)
        record_sheet(store, record)
        return record


HEADER_MM = 17.0
FOOTER_MM = 9.0


@dataclass(frozen=True)
class _Style:
    text_pt: float
    qr_mm: float
    caption_mm: float

    @classmethod
    def for_cells(cls, per_sheet: int) -> _Style:
        return {1: cls(9.0, 34.0, 6.0), 2: cls(7.5, 28.0, 5.0), 4: cls(6.0, 24.0, 4.5)}[per_sheet]


def _font(point_size: float, *, bold: bool = False, mono: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(MONO_FAMILIES if mono else FONT_FAMILIES)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def _line_mm(point_size: float) -> float:
    return point_size * 25.4 / 72 * 1.35


def _wrapped_lines(text: str, width_mm: float, font: QFont, anywhere: bool = False) -> int:
    """Lines `text` takes at `width_mm`, measured on the default device (a little narrower than
    the page allows: hinting at screen resolution makes text a bit wider than on paper)."""
    metrics = QFontMetricsF(font)
    screen = QGuiApplication.primaryScreen() if QGuiApplication.instance() is not None else None
    px_per_mm = (screen.logicalDotsPerInchX() if screen is not None else 96.0) / 25.4
    flags = Qt.TextFlag.TextWrapAnywhere if anywhere else Qt.TextFlag.TextWordWrap
    bounds = metrics.boundingRect(QRectF(0, 0, width_mm * px_per_mm * 0.88, 1e6), int(flags), text)
    return max(1, round(bounds.height() / metrics.lineSpacing()))


def _label_width_mm(style: _Style, width_mm: float) -> float:
    return min(28.0, width_mm * 0.32) if style.text_pt >= 8 else min(22.0, width_mm * 0.3)


def _table_height_mm(rows: list[tuple[str, str, bool]], width_mm: float, style: _Style) -> float:
    label_w = _label_width_mm(style, width_mm)
    total = 0.0
    for label, value, alert in rows:
        mono = label == QCoreApplication.translate("EvidenceSheet", "SHA-256")
        lines = max(_wrapped_lines(label, label_w, _font(style.text_pt, bold=True)),
                    _wrapped_lines(value, width_mm - label_w - 1.5, _font(style.text_pt, bold=alert, mono=mono), anywhere=mono))
        total += lines * _line_mm(style.text_pt) + 0.8
    return total


def _paint_table(painter: QPainter, mm: _Mm, rect: QRectF, rows: list[tuple[str, str, bool]], style: _Style) -> None:
    label_w = _label_width_mm(style, rect.width())
    y = rect.y()
    line = _line_mm(style.text_pt)
    for label, value, alert in rows:
        mono = label == QCoreApplication.translate("EvidenceSheet", "SHA-256")
        label_font = _font(style.text_pt, bold=True)
        value_font = _font(style.text_pt, bold=alert, mono=mono)
        lines = max(_wrapped_lines(label, label_w, label_font),
                    _wrapped_lines(value, rect.width() - label_w - 1.5, value_font, anywhere=mono))
        height = lines * line
        painter.setFont(label_font)
        painter.setPen(INK)
        painter.drawText(mm.rect(QRectF(rect.x(), y, label_w, height)),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap), label)
        painter.setFont(value_font)
        painter.setPen(ALERT if alert else INK)
        wrap = Qt.TextFlag.TextWrapAnywhere if mono else Qt.TextFlag.TextWordWrap
        painter.drawText(mm.rect(QRectF(rect.x() + label_w + 1.5, y, rect.width() - label_w - 1.5, height)),
                         int(Qt.AlignmentFlag.AlignLeft | wrap), value)
        y += height + 0.4
        painter.setPen(QPen(QColor("#bbbbbb"), mm.length(0.1)))
        painter.drawLine(mm.point(rect.x(), y), mm.point(rect.right(), y))
        y += 0.4


def _paint_qr(painter: QPainter, mm: _Mm, rect: QRectF, text: str) -> None:
    """Vector squares: sharp at any printer resolution, and no image codec involved."""
    code = segno.make(text, error="m", micro=False)
    matrix = code.matrix
    quiet = 4
    cell = rect.width() / (len(matrix) + 2 * quiet)
    painter.fillRect(mm.rect(rect), Qt.GlobalColor.white)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(Qt.GlobalColor.black)
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            if value:
                # A hair of overlap: no white seams between neighbours once rasterised.
                painter.drawRect(mm.rect(QRectF(rect.x() + (c + quiet) * cell, rect.y() + (r + quiet) * cell,
                                                cell * 1.03, cell * 1.03)))


@dataclass(frozen=True)
class _Mm:
    """Millimetres from the paper's corner to device pixels from the printable area's corner."""

    k: float  # pixels per millimetre
    x0: float
    y0: float

    def rect(self, r: QRectF) -> QRectF:
        return QRectF((r.x() - self.x0) * self.k, (r.y() - self.y0) * self.k, r.width() * self.k, r.height() * self.k)

    def point(self, x: float, y: float) -> QPointF:
        return QPointF((x - self.x0) * self.k, (y - self.y0) * self.k)

    def length(self, v: float) -> float:
        return v * self.k
