"""The dome's setup, for the dome the pad steers: named presets, a PTZ tour, park, auxiliaries.

Everything here is a one-shot command to the matrix host (`PtzControl.one_shot`), which keeps
presets with their names, tours and park across restarts and answers AK or NA; the lists show
what the host's snapshot says, so two desks see the same names.  Storing a preset, a tour or a
park needs the dome (the lock rules apply, as for the pad); the host refuses in words
otherwise and the answer shows at the bottom, as on the keyboard panel.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.matrix.ptz_commands import MAX_AUX, MAX_PRESET
from console.ui.ptz import PtzControl

_STEP = re.compile(r"^\s*(\d+)\s*[:/ ]\s*(\d+(?:\.\d+)?)\s*$")


def parse_steps(text: str) -> tuple[list[int], list[float]]:
    """"1:10, 2:15, 3:10" (preset:dwell seconds) as the two lists; ValueError names the bad step."""
    presets: list[int] = []
    dwells: list[float] = []
    for number, part in enumerate(p for p in re.split(r"[,;\n]", text) if p.strip()):
        match = _STEP.match(part)
        if match is None:
            raise ValueError(part.strip() or str(number + 1))
        presets.append(int(match.group(1)))
        dwells.append(float(match.group(2)))
    if not presets:
        raise ValueError("")
    return presets, dwells


class PtzSetupDialog(QDialog):
    def __init__(self, control: PtzControl, parent: QWidget | None = None, *,
                 refresh_host: Callable[[], None] | None = None) -> None:
        super().__init__(parent)
        self.control = control
        self.refresh_host = refresh_host
        self.setObjectName("ptz_setup")
        self.setWindowTitle(self.tr("Dome presets and tours"))
        layout = QVBoxLayout(self)
        self.heading = QLabel()
        self.heading.setObjectName("ptz_setup_heading")
        layout.addWidget(self.heading)

        presets = QGroupBox(self.tr("Presets"))
        box = QVBoxLayout(presets)
        self.preset_list = QListWidget()
        self.preset_list.setObjectName("ptz_presets")
        self.preset_list.itemDoubleClicked.connect(lambda _item: self.goto_preset())
        box.addWidget(self.preset_list)
        row = QHBoxLayout()
        self.preset_number = QSpinBox()
        self.preset_number.setObjectName("ptz_preset_number")
        self.preset_number.setRange(1, MAX_PRESET)
        self.preset_name = QLineEdit()
        self.preset_name.setObjectName("ptz_preset_name")
        self.preset_name.setPlaceholderText(self.tr("Name, e.g. East gate"))
        self.preset_name.setMaxLength(64)
        row.addWidget(self.preset_number)
        row.addWidget(self.preset_name, 1)
        box.addLayout(row)
        buttons = QHBoxLayout()
        for text, slot, name, tip in (
                (self.tr("Go to"), self.goto_preset, "ptz_preset_goto", self.tr("Call the preset (n PRESET)")),
                (self.tr("Store here"), self.store_preset, "ptz_preset_store",
                 self.tr("Store where the dome points now under this number and name (n SET)")),
                (self.tr("Clear"), self.clear_preset, "ptz_preset_clear", self.tr("Forget the preset"))):
            button = QPushButton(text)
            button.setObjectName(name)
            button.setToolTip(tip)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        box.addLayout(buttons)
        self.preset_list.currentItemChanged.connect(self._picked)
        layout.addWidget(presets)

        tour = QGroupBox(self.tr("PTZ tour"))
        form = QFormLayout(tour)
        self.tour_name = QComboBox()
        self.tour_name.setObjectName("ptz_tour_name")
        self.tour_name.setEditable(True)
        form.addRow(self.tr("Tour"), self.tour_name)
        self.tour_steps = QLineEdit()
        self.tour_steps.setObjectName("ptz_tour_steps")
        self.tour_steps.setPlaceholderText(self.tr("preset:seconds, e.g. 1:10, 2:15, 3:10"))
        form.addRow(self.tr("Steps"), self.tour_steps)
        tour_buttons = QHBoxLayout()
        for text, slot, name in ((self.tr("Save"), self.save_tour, "ptz_tour_save"),
                                 (self.tr("Start"), self.start_tour, "ptz_tour_start"),
                                 (self.tr("Stop"), self.stop_tour, "ptz_tour_stop")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            tour_buttons.addWidget(button)
        form.addRow(tour_buttons)
        layout.addWidget(tour)

        park = QGroupBox(self.tr("Park"))
        park_row = QHBoxLayout(park)
        self.park_preset = QSpinBox()
        self.park_preset.setObjectName("ptz_park_preset")
        self.park_preset.setRange(1, MAX_PRESET)
        self.park_minutes = QDoubleSpinBox()
        self.park_minutes.setObjectName("ptz_park_minutes")
        self.park_minutes.setRange(0, 7 * 24 * 60)
        self.park_minutes.setDecimals(1)
        self.park_minutes.setSpecialValueText(self.tr("never"))
        self.park_minutes.setSuffix(self.tr(" min"))
        set_park = QPushButton(self.tr("Set"))
        set_park.setObjectName("ptz_park_set")
        set_park.setToolTip(self.tr("Send the dome to this preset after so many minutes with nobody steering it"))
        set_park.clicked.connect(self.set_park)
        park_row.addWidget(QLabel(self.tr("Preset")))
        park_row.addWidget(self.park_preset)
        park_row.addWidget(QLabel(self.tr("after")))
        park_row.addWidget(self.park_minutes)
        park_row.addWidget(set_park)
        layout.addWidget(park)

        aux = QGroupBox(self.tr("Auxiliary outputs"))
        aux_row = QHBoxLayout(aux)
        self.aux_output = QSpinBox()
        self.aux_output.setObjectName("ptz_aux_output")
        self.aux_output.setRange(1, MAX_AUX)
        self.aux_output.setToolTip(self.tr("The dome's relay: often 1 is the wiper, 2 the light"))
        aux_row.addWidget(QLabel(self.tr("Output")))
        aux_row.addWidget(self.aux_output)
        for text, on, name in ((self.tr("On"), True, "ptz_aux_on"), (self.tr("Off"), False, "ptz_aux_off")):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(lambda _checked=False, on=on: self.control.aux(self.aux_output.value(), on))
            aux_row.addWidget(button)
        layout.addWidget(aux)

        self.answer = QLabel()
        self.answer.setObjectName("ptz_setup_answer")
        self.answer.setWordWrap(True)
        layout.addWidget(self.answer)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

        control.answered.connect(self._answered)
        control.domes_changed.connect(self.refresh)
        control.status_changed.connect(self._heading)
        self.refresh()

    # -- what the host keeps ----------------------------------------------------------------
    def refresh(self) -> None:
        dome = self.control.dome(self.control.target)
        current = self.preset_list.currentItem()
        keep = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.preset_list.clear()
        for number, title in sorted(((int(k), str(v)) for k, v in (dome.get("presets") or {}).items()
                                     if str(k).isdigit())):
            item = QListWidgetItem(f"{number}  {title}" if title else str(number))
            item.setData(Qt.ItemDataRole.UserRole, number)
            self.preset_list.addItem(item)
            if number == keep:
                self.preset_list.setCurrentItem(item)
        typed = self.tour_name.currentText()
        self.tour_name.clear()
        self.tour_name.addItems([str(t) for t in dome.get("tours") or []])
        self.tour_name.setEditText(typed or (self.tour_name.itemText(0) if self.tour_name.count() else "1"))
        park = dome.get("park")
        if isinstance(park, dict) and isinstance(park.get("preset"), int):
            self.park_preset.setValue(int(park["preset"]))
            self.park_minutes.setValue(float(park.get("after") or 0) / 60)
        self._heading()

    def _heading(self) -> None:
        camera = self.control.target
        if not self.control.is_dome(camera):
            self.heading.setText(self.tr("Select a monitor that shows a dome"))
            return
        dome = self.control.dome(camera)
        text = self.tr("CAM %1").replace("%1", str(camera))
        if dome.get("touring"):
            text += "  " + self.tr("touring: %1").replace("%1", str(dome["touring"]))
        self.heading.setText(text)

    def _picked(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        number = int(item.data(Qt.ItemDataRole.UserRole))
        self.preset_number.setValue(number)
        self.preset_name.setText(str(self.control.dome(self.control.target).get("presets", {}).get(str(number), "")))

    def _answered(self, asked: str, answer: str) -> None:
        self.answer.setText(f"{asked}: {answer}")

    # -- the commands -----------------------------------------------------------------------
    def goto_preset(self) -> None:
        self.control.preset("goto", self.preset_number.value())

    def store_preset(self) -> None:
        reply = self.control.store_preset(self.preset_number.value(), self.preset_name.text())
        self._after(reply)

    def clear_preset(self) -> None:
        self._after(self.control.clear_preset(self.preset_number.value()))

    def save_tour(self) -> None:
        name = self.tour_name.currentText().strip()
        if not name:
            self.answer.setText(self.tr("Name the tour first"))
            return
        try:
            presets, dwells = parse_steps(self.tour_steps.text())
        except ValueError as exc:
            self.answer.setText(self.tr("A tour step is preset:seconds, e.g. 1:10; not %1").replace("%1", str(exc))
                                if str(exc) else self.tr("A tour needs at least one step, e.g. 1:10, 2:15"))
            return
        self._after(self.control.save_tour(name, presets, dwells))

    def start_tour(self) -> None:
        name = self.tour_name.currentText().strip()
        if name:
            self.control.start_tour(name)

    def stop_tour(self) -> None:
        self.control.stop_tour()

    def set_park(self) -> None:
        self._after(self.control.park(self.park_preset.value(), round(self.park_minutes.value() * 60, 1)))

    def _after(self, reply: dict[str, object] | None) -> None:
        # The host keeps it; its next snapshot brings the lists.  Ask for it now rather than
        # leave the operator looking at the old list for a poll interval.
        if reply is not None and reply.get("ok") and self.refresh_host is not None:
            self.refresh_host()
