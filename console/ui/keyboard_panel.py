"""The operator's matrix keyboard on screen: `3 MON`, `1042 CAM`, NEXT, PREV, `2 SEQ`, HOLD, `5 SALVO`, CLEAR.

It behaves like the hardware keyboard (Pelco KBD300 / CM6800 style) the operators already know:
digit keys build an entry, a function key sends the entry and itself as one line ("1042 CAM")
through `line_entered`.  The panel never talks to the network: the console sends the line to
the matrix host and hands the answer back with `show_reply(line, answer)` ("AK" or
"NA <reason>").

The display shows the selected monitor, the entry being typed and the last answer.  The monitor
is predicted with the host's own grammar (`KeyboardSession`) as soon as a line leaves, and the
answer is the truth: an "AK" confirms the line; an "NA" means nothing of the line took effect
(`KeyboardSession.feed`'s contract), so the display goes back to what the host last accepted.
Lines sent and not yet answered are replayed on top of the accepted state, so answers that
arrive late, or synchronously inside the emit, both leave the display right.

The command line under the keys takes a whole line ("3 MON 1042 CAM"); Enter sends it,
Up/Down walk the last 100 lines (no repeats in a row).  A word of letters opens a popup of
the key words (case-insensitive; Enter or Tab takes one and sends nothing); digits and spaces
never open it, so "1042" types as fast as it is typed.  Key labels on the buttons go through
tr(); the words on the line are the host's protocol and stay as they are.

PC numeric keypad (the mapping is data: `KEYPAD_KEYS`, replaced per panel by the constructor's
`keypad` argument or `set_keypad()`; every button's tooltip names its keypad key):

    keypad 0-9   digit keys
    keypad *     MON
    keypad Enter CAM
    keypad +     NEXT
    keypad -     PREV
    keypad /     CLEAR

PTZ, on the camera the desk steers (the selected monitor's, or the main monitor's): the
PTZ box's keys move while held and stop when let go (`ptz_pressed` / `ptz_released`; the
console's console.ui.ptz.PtzControl repeats the move), PRESET and SET call and store the
preset whose number was typed (`ptz_preset_requested`), the speed control sets how fast a
held key goes at most, and the box's line says who holds the dome (`set_ptz_status`); Lock and
Release are a supervisor's.  With NumLock off the keypad steers too, and Ctrl with the arrow
keys does the same on a keyboard without a keypad (`PTZ_KEYPAD`, `PTZ_CTRL_KEYS`):

    keypad 8 2 4 6 (↑ ↓ ← →)   tilt and pan     Ctrl+↑ ↓ ← →      tilt and pan
    keypad 7 9 1 3             diagonals
    keypad 0 (Ins) / . (Del)   zoom wide / tele  Ctrl+PgDn / PgUp  zoom wide / tele

With NumLock on, the same keys are the digits (above): nothing of the matrix keys changes.
SNAP stores the selected monitor's picture as evidence (or monitor n: `n SNAP`), PRINT opens
the evidence print dialog for it (`evidence_requested`).

The keypad is read from the key events themselves (key code and `KeypadModifier`) by an
event filter on the application, not through `QShortcut`s: on X11, Qt's shortcut map drops the
keypad modifier before matching, so shortcuts registered with it never fire for real key
events (only for the synthetic ones an offscreen test sends).  By default the filter serves
key events aimed at the panel and its children; `install_keypad(window)` widens it to a whole
window (the console's main window, the desk's own wall windows), so the keypad drives the
keyboard wherever the operator last clicked (camera tree, wall preview): their hands stay on
the keypad while their eyes are on the wall.  In both cases a widget that takes typed text
(the command line, a search box, a spin box: anything with `WA_InputMethodEnabled`) keeps
every keypad key, Enter included: typing "1042" into a search field must not change a
monitor.  A held key does not repeat (no 33333, no ten cameras stepped through).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Mapping
from functools import partial
from types import MappingProxyType

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QFontDatabase, QFontMetrics, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCompleter,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from console.matrix.keyboard import KEYS, PELCO_LINE, KeyboardError, KeyboardSession
from console.ui.ptz import PadStatus

DIGITS = tuple("0123456789")
KEYPAD_KEYS: Mapping[Qt.Key, str] = MappingProxyType({
    **{getattr(Qt.Key, f"Key_{digit}"): digit for digit in DIGITS},
    Qt.Key.Key_Asterisk: "MON",
    Qt.Key.Key_Enter: "CAM",
    Qt.Key.Key_Plus: "NEXT",
    Qt.Key.Key_Minus: "PREV",
    Qt.Key.Key_Slash: "CLEAR",
})
# Phone-style block as on the hardware keyboards; the function keys in pairs beside it.
DIGIT_ROWS = (("1", "2", "3"), ("4", "5", "6"), ("7", "8", "9"))
FUNCTION_ROWS = (("MON", "CAM"), ("PREV", "NEXT"), ("SEQ", "HOLD"), ("SALVO", "CLEAR"), ("SNAP", "PRINT"))
EVIDENCE_KEYS = ("SNAP", "PRINT")  # the desk's own keys: evidence is kept by the desk, not the host
# Joystick directions as (row, column) in a 3×3 block; the centre stays empty.
PTZ_JOYSTICK = {"UP_LEFT": (0, 0), "UP": (0, 1), "UP_RIGHT": (0, 2), "LEFT": (1, 0), "RIGHT": (1, 2),
                "DOWN_LEFT": (2, 0), "DOWN": (2, 1), "DOWN_RIGHT": (2, 2)}
# Lens keys in pairs around their name, as printed on the keyboards: WIDE ZOOM TELE.
PTZ_LENS = (("ZOOM", "ZOOM_WIDE", "ZOOM_TELE"), ("FOCUS", "FOCUS_NEAR", "FOCUS_FAR"), ("IRIS", "IRIS_CLOSE", "IRIS_OPEN"))
# Steering from the keyboard (held keys): the keypad with NumLock off, and Ctrl+arrows.
PTZ_KEYPAD: Mapping[Qt.Key, str] = MappingProxyType({
    Qt.Key.Key_Up: "UP", Qt.Key.Key_Down: "DOWN", Qt.Key.Key_Left: "LEFT", Qt.Key.Key_Right: "RIGHT",
    Qt.Key.Key_Home: "UP_LEFT", Qt.Key.Key_PageUp: "UP_RIGHT", Qt.Key.Key_End: "DOWN_LEFT",
    Qt.Key.Key_PageDown: "DOWN_RIGHT", Qt.Key.Key_Insert: "ZOOM_WIDE", Qt.Key.Key_Delete: "ZOOM_TELE",
})
PTZ_CTRL_KEYS: Mapping[Qt.Key, str] = MappingProxyType({
    Qt.Key.Key_Up: "UP", Qt.Key.Key_Down: "DOWN", Qt.Key.Key_Left: "LEFT", Qt.Key.Key_Right: "RIGHT",
    Qt.Key.Key_PageUp: "ZOOM_TELE", Qt.Key.Key_PageDown: "ZOOM_WIDE",
})
PTZ_HELD = (*PTZ_JOYSTICK, "ZOOM_WIDE", "ZOOM_TELE", "FOCUS_NEAR", "FOCUS_FAR", "IRIS_CLOSE", "IRIS_OPEN")

MAX_ENTRY_DIGITS = 6  # as the hardware: further digits are ignored, not wrapped
HISTORY_SIZE = 100
LOG_SIZE = 20
PENDING_LIMIT = 100  # lines sent and never answered are forgotten past this
KEY_FLASH_MS = 120  # a keypad press shows on its on-screen key for this long

ACCEPTED = QColor("#3ccf6e")
REFUSED = QColor("#e5484d")
WAITING = QColor("#e0a526")
LCD_BACKGROUND = QColor("#07110b")
LCD_TEXT = QColor("#9be7b0")
FUNCTION_KEY = QColor("#24344a")
CLEAR_KEY = QColor("#4a2a2a")
DIMMED_TEXT = QColor("#737c89")  # dimmed, yet readable (contrast ≥ 3 on DIMMED_KEY)
DIMMED_KEY = QColor("#14181e")

_WORD_BEFORE_CURSOR = re.compile(r"[A-Za-z]+$")
_PELCO_ANSWER = re.compile(r"(?:AKa|NAa)+")


class CommandLine(QLineEdit):
    """The typed keyboard line: Enter sends it, Up/Down walk the history, key words complete."""

    submitted = Signal(str)

    def __init__(self, words: Iterable[str], parent: QWidget | None = None, history_size: int = HISTORY_SIZE) -> None:
        super().__init__(parent)
        self.history: deque[str] = deque(maxlen=history_size)
        self._browsing: int | None = None  # index into history while Up/Down walk it
        self._draft = ""  # what was typed before Up, given back by Down past the newest line
        # Completion is per word, not over the whole line (QLineEdit.setCompleter would
        # compare "3 MON 10" with "MON"), so the completer is driven by hand.
        self.word_completer = QCompleter(list(words), self)
        self.word_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.word_completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.word_completer.setWidget(self)
        self.word_completer.activated.connect(self._insert_completion)  # the QString overload comes first
        self.textEdited.connect(self._offer_completion)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.key()
        if self._popup().isVisible() and key in (
                Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape):
            event.ignore()  # the completer's popup owns these while it is open
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._submit()
        elif key == Qt.Key.Key_Up:
            self._walk_history(-1)
        elif key == Qt.Key.Key_Down:
            self._walk_history(+1)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def event(self, event: QEvent) -> bool:
        # Tab completes the word as in a shell; QWidget.event would move the focus first.
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Tab
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            completion = self._completion_at_cursor()
            if completion is not None:
                self._popup().hide()
                self._insert_completion(completion)
                return True
        return super().event(event)

    def _completion_at_cursor(self) -> str | None:
        word = _WORD_BEFORE_CURSOR.search(self.text()[: self.cursorPosition()])
        if word is None:
            return None
        self.word_completer.setCompletionPrefix(word.group())
        if self.word_completer.completionCount() == 0:
            return None
        chosen = self._popup().currentIndex()  # the row the operator moved to, if any
        if chosen.isValid() and chosen.model() is self.word_completer.completionModel():
            return str(chosen.data())
        return self.word_completer.currentCompletion()

    def _popup(self) -> QAbstractItemView:
        popup = self.word_completer.popup()
        assert popup is not None  # QCompleter makes its own list view when given none
        return popup

    def _submit(self) -> None:
        line = self.text().strip()
        if not line:
            return
        if not self.history or self.history[-1] != line:
            self.history.append(line)
        self._browsing = None
        self._draft = ""
        self.clear()
        self.submitted.emit(line)

    def _walk_history(self, step: int) -> None:
        if not self.history:
            return
        if self._browsing is None:
            if step > 0:
                return
            self._draft = self.text()
            self._browsing = len(self.history) - 1
        else:
            self._browsing = max(0, self._browsing + step)
            if self._browsing >= len(self.history):
                self._browsing = None
                self.setText(self._draft)
                return
        self.setText(self.history[self._browsing])

    @Slot(str)
    def _offer_completion(self, text: str) -> None:
        popup = self._popup()
        word = _WORD_BEFORE_CURSOR.search(text[: self.cursorPosition()])
        if word is None:  # digits, spaces: nothing to complete, nothing in the way
            popup.hide()
            return
        self.word_completer.setCompletionPrefix(word.group())
        count = self.word_completer.completionCount()
        finished = count == 1 and self.word_completer.currentCompletion().upper() == word.group().upper()
        if count == 0 or finished:
            popup.hide()
            return
        popup.setCurrentIndex(self.word_completer.completionModel().index(0, 0))
        self.word_completer.complete(self.cursorRect())

    @Slot(str)
    def _insert_completion(self, completion: str) -> None:
        text, position = self.text(), self.cursorPosition()
        word = _WORD_BEFORE_CURSOR.search(text[:position])
        start = word.start() if word else position
        rest = text[position:]
        inserted = completion.upper() + ("" if rest.startswith(" ") else " ")
        self.setText(text[:start] + inserted + rest)
        self.setCursorPosition(start + len(inserted))


def _keep_label_whole(button: QPushButton, width: int, height: int) -> None:
    """At least `width` × `height`, and never so narrow that the key's label is cut: a key
    reading "LOSE" or "PE" is no key at all.  (A push button's explicit minimum size wins over
    its size hint, so the label must be measured here.)"""
    style = button.style()
    margins = 2 * (style.pixelMetric(QStyle.PixelMetric.PM_ButtonMargin, None, button)
                   + style.pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth, None, button))
    text = QFontMetrics(button.font()).horizontalAdvance(button.text()) + margins + 4
    button.setMinimumSize(max(width, text), height)


def _checked_keypad(keypad: Mapping[Qt.Key, str]) -> dict[Qt.Key, str]:
    wrong = {key: name for key, name in keypad.items() if name not in DIGITS and name not in KEYS}
    if wrong:
        raise ValueError(f"keypad mapping names keys the keyboard lacks: {wrong}")
    return dict(keypad)


class _KeypadFilter(QObject):
    """Presses the panel's keys for numeric keypad events, read from the events themselves.

    Installed on the application, so it sees each key event before the focused widget does:
    a tree view would otherwise take "1" for its type-ahead search, and the event would never
    travel up to the window.
    """

    def __init__(self, panel: KeyboardPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.windows: list[QWidget] = []  # empty: the panel and its children only

    def key_name(self, watched: QObject, event: QEvent) -> str | None:
        """The keyboard key an event stands for, if it is ours to take."""
        if event.type() not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride, QEvent.Type.KeyRelease):
            return None
        if not isinstance(event, QKeyEvent):
            return None
        # Only the widget stage: Qt hands a key event to the QWindow first, then to the focus widget.
        if not isinstance(watched, QWidget):
            return None
        try:
            key = Qt.Key(event.key())
        except ValueError:
            return None
        modifiers = event.modifiers()
        keypad = bool(modifiers & Qt.KeyboardModifier.KeypadModifier)
        ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        if keypad and not ctrl:
            name = self.panel.keypad.get(key) or PTZ_KEYPAD.get(key)
        elif ctrl and not modifiers & (Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier):
            name = PTZ_CTRL_KEYS.get(key)
        else:
            return None
        if name is None or not self.panel.is_connected():
            return None  # a greyed keyboard is deaf: the key does what it would do without us
        if name in PTZ_HELD and not self.panel.ptz_enabled():
            return None  # no dome to steer: the arrows are arrows
        focus = QApplication.focusWidget() or watched
        if focus.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled):
            return None  # a text field keeps what is typed into it
        return name if self._serves(watched) else None

    def _serves(self, widget: QWidget | None) -> bool:
        if widget is None:
            return False
        if not self.windows:
            return widget is self.panel or self.panel.isAncestorOf(widget)
        return widget.window() in self.windows

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        name = self.key_name(watched, event)
        if name is None:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()  # a key press, not a shortcut: no action bound to "+" or Enter takes it
            return True
        assert isinstance(event, QKeyEvent)
        if event.isAutoRepeat():
            return True  # a held key: one press and, when let go, one release
        if name in PTZ_HELD:
            if event.type() == QEvent.Type.KeyPress:
                self.panel.ptz_key(name, True)
            else:
                self.panel.ptz_key(name, False)
        elif event.type() == QEvent.Type.KeyPress:
            self.panel.keypad_press(name)
        return True  # press and release are both ours: the widget under them must not act too


class KeyboardPanel(QWidget):
    """The on-screen matrix keyboard; see the module docstring for its behaviour."""

    line_entered = Signal(str)  # one keyboard line for the matrix host, e.g. "1042 CAM"
    ptz_pressed = Signal(str)  # a PTZ key went down (UP, ZOOM_TELE, FOCUS_FAR, ...)
    ptz_released = Signal(str)  # ... and was let go
    ptz_preset_requested = Signal(str, int)  # "goto" or "set", the preset number typed
    ptz_lock_requested = Signal(bool)  # a supervisor's Lock (True) or Release (False)
    evidence_requested = Signal(str, int)  # SNAP or PRINT, the monitor typed before it (0: the selected one)

    def __init__(self, parent: QWidget | None = None, keypad: Mapping[Qt.Key, str] = KEYPAD_KEYS) -> None:
        super().__init__(parent)
        self.keypad: Mapping[Qt.Key, str] = MappingProxyType(_checked_keypad(keypad))
        self._key_help_texts: dict[str, str] = {}  # button name -> what the key does, without the keypad hint
        self._entry = ""  # digits typed on the keys, not yet sent
        self._accepted = KeyboardSession()  # the host's session as of the last line it accepted
        self._pending: deque[str] = deque(maxlen=PENDING_LIMIT)  # sent, not yet answered
        self._connected = True
        self.buttons: dict[str, QPushButton] = {}
        self.ptz_buttons: dict[str, QPushButton] = {}
        self._ptz_enabled = False  # a dome to steer, and this desk may
        self._ptz_held: set[str] = set()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the keypad works once the panel is clicked
        self._dim_when_disabled()

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_display())
        keys_row = QHBoxLayout()
        self.matrix_keys = self._build_matrix_keys()
        keys_row.addWidget(self.matrix_keys, 3)
        self.ptz_box = self._build_ptz_keys()
        keys_row.addWidget(self.ptz_box, 2)
        layout.addLayout(keys_row)

        self.command_line = CommandLine(KEYS, self)
        self.command_line.setFont(self._big_font(14, bold=False))
        self.command_line.setPlaceholderText(self.tr("Type keys, e.g. 3 MON 1042 CAM; Enter sends, Up/Down recall"))
        self.command_line.setToolTip(self.tr(
            "The whole keyboard as one line. Key words complete as you type (MON, CAM, NEXT, PREV, SEQ, HOLD, SALVO,"
            " CLEAR). Keypad keys type here while this line has the focus."))
        self.command_line.submitted.connect(self._send)
        layout.addWidget(self.command_line)

        self.reply_log = QListWidget(self)
        self.reply_log.setToolTip(self.tr("The matrix host's answers to the last lines"))
        self.reply_log.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.reply_log.setMaximumHeight(140)
        self.reply_log.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # the line and its answer both show
        self.reply_log.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout.addWidget(self.reply_log)

        self._keypad_filter = _KeypadFilter(self)
        app = QApplication.instance()
        assert app is not None, "a KeyboardPanel needs a QApplication"
        app.installEventFilter(self._keypad_filter)
        self._refresh_tooltips()
        self._refresh_display()

    # -- building -------------------------------------------------------------------------
    def _key_labels(self) -> dict[str, str]:
        """Labels as printed on the hardware keys; translatable like every other string."""
        return {
            "MON": self.tr("MON"), "CAM": self.tr("CAM"), "NEXT": self.tr("NEXT"), "PREV": self.tr("PREV"),
            "SEQ": self.tr("SEQ"), "HOLD": self.tr("HOLD"), "SALVO": self.tr("SALVO"), "CLEAR": self.tr("CLEAR"),
            "SNAP": self.tr("SNAP"), "PRINT": self.tr("PRINT"),
        }

    def _key_help(self) -> dict[str, str]:
        return {
            "MON": self.tr("Select a monitor: type its number, then MON"),
            "CAM": self.tr("Show a camera on the selected monitor: type its number, then CAM"),
            "NEXT": self.tr("Next camera on the selected monitor, or the next step of its tour"),
            "PREV": self.tr("Previous camera on the selected monitor, or the previous step of its tour"),
            "SEQ": self.tr("Start a tour on the selected monitor: type its number, then SEQ"),
            "HOLD": self.tr("Hold the tour on the selected monitor"),
            "SALVO": self.tr("Recall a salvo: type its number, then SALVO"),
            "CLEAR": self.tr("Clear the number being typed; with nothing typed, clear the selected monitor"),
            "SNAP": self.tr("Store the selected monitor's picture as evidence (or monitor n: type n, then SNAP)"),
            "PRINT": self.tr("Print the selected monitor's picture as an evidence sheet: case number, note, printer"),
        }

    def _ptz_labels(self) -> dict[str, str]:
        return {
            "UP_LEFT": "↖", "UP": "↑", "UP_RIGHT": "↗", "LEFT": "←", "RIGHT": "→",
            "DOWN_LEFT": "↙", "DOWN": "↓", "DOWN_RIGHT": "↘",
            "ZOOM": self.tr("ZOOM"), "ZOOM_WIDE": self.tr("WIDE"), "ZOOM_TELE": self.tr("TELE"),
            "FOCUS": self.tr("FOCUS"), "FOCUS_NEAR": self.tr("NEAR"), "FOCUS_FAR": self.tr("FAR"),
            "IRIS": self.tr("IRIS"), "IRIS_CLOSE": self.tr("CLOSE"), "IRIS_OPEN": self.tr("OPEN"),
            "PRESET": self.tr("PRESET"), "SET": self.tr("SET"),
        }

    def _keypad_name(self, name: str) -> str | None:
        keys = [k for k, n in self.keypad.items() if n == name]
        if not keys:
            return None
        return ", ".join(QKeySequence(k).toString(QKeySequence.SequenceFormat.NativeText) for k in keys)

    @staticmethod
    def _big_font(points: int, *, bold: bool = True, fixed: bool = False) -> QFont:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont) if fixed else QFont()
        font.setPointSize(points)
        font.setBold(bold)
        return font

    def _dim_when_disabled(self) -> None:
        # The dark theme gives every colour group the same colours, so a disabled key would look
        # live; an operator must see at a glance that the keyboard is off.
        palette = self.palette()
        disabled = QPalette.ColorGroup.Disabled
        for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
            palette.setColor(disabled, role, DIMMED_TEXT)
        palette.setColor(disabled, QPalette.ColorRole.Button, DIMMED_KEY)
        palette.setColor(disabled, QPalette.ColorRole.Base, DIMMED_KEY)
        self.setPalette(palette)

    def _build_display(self) -> QFrame:
        lcd = QFrame(self)
        lcd.setFrameShape(QFrame.Shape.Panel)
        lcd.setFrameShadow(QFrame.Shadow.Sunken)
        lcd.setAutoFillBackground(True)
        palette = lcd.palette()
        palette.setColor(QPalette.ColorRole.Window, LCD_BACKGROUND)
        palette.setColor(QPalette.ColorRole.WindowText, LCD_TEXT)
        lcd.setPalette(palette)
        lcd.setToolTip(self.tr("Selected monitor, number being typed, and the host's last answer"))
        grid = QGridLayout(lcd)
        self.monitor_display = QLabel(lcd)
        self.monitor_display.setFont(self._big_font(22, fixed=True))
        self.entry_display = QLabel(lcd)
        self.entry_display.setFont(self._big_font(22, fixed=True))
        self.entry_display.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.reply_display = QLabel(lcd)
        self.reply_display.setFont(self._big_font(13, fixed=True))
        self.reply_display.setWordWrap(True)
        self.reply_display.setMinimumHeight(self.reply_display.fontMetrics().height() * 2)
        grid.addWidget(self.monitor_display, 0, 0)
        grid.addWidget(self.entry_display, 0, 1)
        grid.addWidget(self.reply_display, 1, 0, 1, 2)
        return lcd

    def _key_button(self, parent: QWidget, label: str, *, points: int = 18) -> QPushButton:
        button = QPushButton(label, parent)
        button.setFont(self._big_font(points))
        _keep_label_whole(button, 64, 52)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # A key press must not take the focus away from where the operator is typing.
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoRepeat(False)
        return button

    def _build_matrix_keys(self) -> QWidget:
        box = QWidget(self)
        grid = QGridLayout(box)
        grid.setSpacing(6)
        labels, helps = self._key_labels(), self._key_help()
        digit_help = self.tr("Digit: builds the number for the next function key")

        def add(name: str, label: str, help_text: str, *, row: int, column: int, span: int = 1) -> QPushButton:
            button = self._key_button(box, label)
            self._key_help_texts[name] = help_text
            button.clicked.connect(lambda _checked=False, key=name: self.press(key))
            grid.addWidget(button, row, column, 1, span)
            self.buttons[name] = button
            return button

        for row, digits in enumerate(DIGIT_ROWS):
            for column, digit in enumerate(digits):
                add(digit, digit, digit_help, row=row, column=column)
        add("0", "0", digit_help, row=len(DIGIT_ROWS), column=0, span=3)
        for row, pair in enumerate(FUNCTION_ROWS):
            for offset, name in enumerate(pair):
                button = add(name, labels[name], helps[name], row=row, column=3 + offset)
                button.setFont(self._big_font(15))
                _keep_label_whole(button, 64, 52)
                palette = button.palette()
                for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                    palette.setColor(group, QPalette.ColorRole.Button, CLEAR_KEY if name == "CLEAR" else FUNCTION_KEY)
                button.setPalette(palette)
        grid.setColumnMinimumWidth(3, 88)
        grid.setColumnMinimumWidth(4, 88)
        return box

    def _build_ptz_keys(self) -> QGroupBox:
        """The PTZ keys, laid out as on the keyboard: joystick, lens pairs, presets, speed, lock."""
        box = QGroupBox(self.tr("PTZ"), self)
        outer = QVBoxLayout(box)
        self.ptz_status = QLabel(self.tr("PTZ: select a monitor that shows a dome"), box)
        self.ptz_status.setWordWrap(True)
        self.ptz_status.setObjectName("ptz_status")
        outer.addWidget(self.ptz_status)
        self.ptz_keys = QWidget(box)
        grid = QGridLayout(self.ptz_keys)
        grid.setContentsMargins(0, 0, 0, 0)
        labels = self._ptz_labels()
        hold = self.tr("Hold to move, let go to stop")
        for name, (row, column) in PTZ_JOYSTICK.items():
            self._ptz_button(self.ptz_keys, grid, name, label=labels[name], tip=hold, row=row, column=column)
        for row, (group, minus, plus) in enumerate(PTZ_LENS, start=len(DIGIT_ROWS)):
            self._ptz_button(self.ptz_keys, grid, minus, label=labels[minus], tip=hold, row=row, column=0)
            caption = QLabel(labels[group], self.ptz_keys)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setFont(self._big_font(11))
            grid.addWidget(caption, row, 1)
            self._ptz_button(self.ptz_keys, grid, plus, label=labels[plus], tip=hold, row=row, column=2)
        last = len(DIGIT_ROWS) + len(PTZ_LENS)
        self._ptz_button(self.ptz_keys, grid, "PRESET", label=labels["PRESET"], row=last, column=0, span=2,
                         tip=self.tr("Call a preset of the dome: type its number, then PRESET"))
        self._ptz_button(self.ptz_keys, grid, "SET", label=labels["SET"], row=last, column=2,
                         tip=self.tr("Store where the dome points as a preset: type its number, then SET"))
        for name in PTZ_HELD:
            button = self.ptz_buttons[name]
            button.pressed.connect(partial(self.ptz_key, name, True))
            button.released.connect(partial(self.ptz_key, name, False))
        self.ptz_buttons["PRESET"].clicked.connect(lambda _checked=False: self._preset("goto"))
        self.ptz_buttons["SET"].clicked.connect(lambda _checked=False: self._preset("set"))
        outer.addWidget(self.ptz_keys)
        speed_row = QHBoxLayout()
        speed_label = QLabel(self.tr("Speed"), box)
        self.ptz_speed = QSlider(Qt.Orientation.Horizontal, box)
        self.ptz_speed.setRange(10, 100)
        self.ptz_speed.setValue(60)
        self.ptz_speed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ptz_speed.setToolTip(self.tr("How fast a held key moves the dome at most; it starts slower and speeds up"))
        speed_label.setBuddy(self.ptz_speed)
        speed_row.addWidget(speed_label)
        speed_row.addWidget(self.ptz_speed, 1)
        outer.addLayout(speed_row)
        lock_row = QHBoxLayout()
        self.ptz_lock = QPushButton(self.tr("Lock"), box)
        self.ptz_release = QPushButton(self.tr("Release"), box)
        for button, take in ((self.ptz_lock, True), (self.ptz_release, False)):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, t=take: self.ptz_lock_requested.emit(t))
            lock_row.addWidget(button)
        outer.addLayout(lock_row)
        self.set_ptz_supervisor(False)
        self.ptz_keys.setEnabled(False)  # until the console says there is a dome to steer
        return box

    def _ptz_button(self, box: QWidget, grid: QGridLayout, name: str, *, label: str, tip: str, row: int, column: int,
                    span: int = 1) -> None:
        button = self._key_button(box, label, points=12)
        _keep_label_whole(button, 52, 40)
        keys = self._ptz_key_names(name)
        button.setToolTip(tip + ("\n" + keys if keys else ""))
        button.setAccessibleName(name.replace("_", " ").lower())
        grid.addWidget(button, row, column, 1, span)
        self.ptz_buttons[name] = button

    def _ptz_key_names(self, name: str) -> str:
        """The keyboard keys that steer like this button, for its tooltip."""
        native = QKeySequence.SequenceFormat.NativeText
        keypad = [k for k, n in PTZ_KEYPAD.items() if n == name]
        ctrl = [k for k, n in PTZ_CTRL_KEYS.items() if n == name]
        parts = []
        if keypad:
            parts.append(self.tr("keypad with NumLock off: %1").replace(
                "%1", ", ".join(QKeySequence(k).toString(native) for k in keypad)))
        if ctrl:
            parts.append(", ".join(QKeySequence(Qt.KeyboardModifier.ControlModifier | k).toString(native) for k in ctrl))
        return "; ".join(parts)

    # -- PTZ ------------------------------------------------------------------------------
    def ptz_key(self, name: str, down: bool) -> None:
        """A PTZ key held or let go (on screen, or its keypad key)."""
        if down:
            if not self._ptz_enabled or name in self._ptz_held:
                return
            self._ptz_held.add(name)
            self.ptz_buttons[name].setDown(True)
            self.ptz_pressed.emit(name)
        else:
            if name not in self._ptz_held:
                return
            self._ptz_held.discard(name)
            self.ptz_buttons[name].setDown(False)
            self.ptz_released.emit(name)

    def _release_ptz_keys(self) -> None:
        for name in sorted(self._ptz_held):
            self.ptz_key(name, False)

    def _preset(self, action: str) -> None:
        if not self._ptz_enabled:
            return
        if not self._entry:
            word = self.tr("PRESET") if action == "goto" else self.tr("SET")
            self._show_answer(self.tr("type a preset number, then %1").replace("%1", word), WAITING, "")
            return
        number = int(self._entry)
        self._entry = ""
        self._refresh_display()
        self.ptz_preset_requested.emit(action, number)

    def ptz_enabled(self) -> bool:
        return self._ptz_enabled and self._connected

    def ptz_speed_value(self) -> float:
        return self.ptz_speed.value() / 100

    def set_ptz_supervisor(self, supervisor: bool) -> None:
        self._ptz_supervisor = supervisor
        only = "" if supervisor else self.tr("Only supervisors lock a dome")
        self.ptz_lock.setToolTip(only or self.tr("Hold the dome until released: nobody of a lower or equal priority "
                                                 "takes it"))
        self.ptz_release.setToolTip(only or self.tr("Give the dome back now"))
        self.ptz_lock.setEnabled(False)
        self.ptz_release.setEnabled(False)

    def set_ptz_status(self, status: PadStatus) -> None:
        """What the console's PTZ control says: the dome, who holds it, whether the keys work."""
        self._ptz_enabled = status.enabled
        live = status.enabled and self._connected
        if not live:
            self._release_ptz_keys()
        self.ptz_keys.setEnabled(live)
        self.ptz_status.setText(status.text)
        self.ptz_status.setToolTip(status.tooltip)
        palette = self.ptz_status.palette()
        palette.setColor(QPalette.ColorRole.WindowText, REFUSED if status.alert else (
            self.palette().color(QPalette.ColorRole.WindowText) if live else DIMMED_TEXT))
        self.ptz_status.setPalette(palette)
        self.ptz_lock.setEnabled(self._ptz_supervisor and self._connected and status.can_lock)
        self.ptz_release.setEnabled(self._ptz_supervisor and self._connected and status.can_release)

    def show_ptz_answer(self, asked: str, answer: str) -> None:
        """The host's answer to a PTZ command: on the display and in the log, like a line's."""
        self.show_note(asked, answer, answer.startswith("AK"))

    def show_note(self, asked: str, text: str, ok: bool) -> None:
        """What a desk key did (SNAP, PRINT, a PTZ key), on the display and in the log."""
        colour = ACCEPTED if ok else REFUSED
        self._show_answer(text, colour, asked)
        self._log(f"{asked} → {text}", colour)

    # -- numeric keypad -------------------------------------------------------------------
    def install_keypad(self, window: QWidget) -> None:
        """Let the numeric keypad drive this panel anywhere in `window` (text fields excepted);
        called again, for each further window (the desk's own wall windows)."""
        if window not in self._keypad_filter.windows:
            self._keypad_filter.windows.append(window)
            window.destroyed.connect(partial(self._forget_window, window))

    def _forget_window(self, window: QWidget) -> None:
        if window in self._keypad_filter.windows:
            self._keypad_filter.windows.remove(window)

    @property
    def keypad_windows(self) -> list[QWidget]:
        return list(self._keypad_filter.windows)

    def set_keypad(self, keypad: Mapping[Qt.Key, str]) -> None:
        """Another keypad mapping (Qt key → key name), e.g. from the desk's settings."""
        self.keypad = MappingProxyType(_checked_keypad(keypad))
        self._refresh_tooltips()

    def _refresh_tooltips(self) -> None:
        for name, button in self.buttons.items():
            keypad = self._keypad_name(name)
            help_text = self._key_help_texts[name]
            hint = "" if keypad is None else "\n" + self.tr("Numeric keypad: %1").replace("%1", keypad)
            button.setToolTip(help_text + hint)

    def keypad_press(self, name: str) -> None:
        """A keypad key: shown on its on-screen key for a moment, then pressed."""
        button = self.buttons.get(name)
        if button is not None:
            button.setDown(True)
            QTimer.singleShot(KEY_FLASH_MS, button, partial(button.setDown, False))
        self.press(name)

    # -- keys -----------------------------------------------------------------------------
    @Slot(str)
    def press(self, key: str) -> None:
        """One key of the keyboard, by its name: "0".."9" or one of KEYS."""
        if not self._connected:
            return
        if key in DIGITS:
            if len(self._entry) < MAX_ENTRY_DIGITS:
                self._entry += key
        elif key == "CLEAR" and self._entry:
            self._entry = ""  # as the hardware: CLEAR first wipes what was typed
        elif key in EVIDENCE_KEYS:
            monitor = int(self._entry) if self._entry else 0
            self._entry = ""
            self._refresh_display()
            self.evidence_requested.emit(key, monitor)
            return
        elif key in KEYS:
            line = f"{self._entry} {key}" if self._entry else key
            self._entry = ""
            self._send(line)
            return
        else:
            raise ValueError(f"no key {key!r} on the matrix keyboard")
        self._refresh_display()

    @property
    def entry(self) -> str:
        """The digits typed on the keys and not yet sent."""
        return self._entry

    @property
    def monitor(self) -> int | None:
        """The monitor the display shows as selected."""
        return self._predicted().monitor

    @Slot(str)
    def _send(self, line: str) -> None:
        if not self._connected:
            return
        # State first: the console may answer through show_reply() inside the emit.
        self._pending.append(line)
        self._show_answer("…", WAITING, line)
        self._refresh_display()
        self.line_entered.emit(line)

    # -- answers --------------------------------------------------------------------------
    @Slot(str, str)
    def show_reply(self, line: str, answer: str) -> None:
        """The matrix host's answer to `line`: "AK", "NA <reason>", or Pelco's AKa/NAa."""
        answer = answer.strip()
        if line in self._pending:
            self._pending.remove(line)
        accepted = answer.startswith("AK") and "NA" not in answer
        if PELCO_LINE.match(line.strip()):
            # Pelco commands before a refused one still take effect; a Pelco answer means the
            # host read the line, anything else (a transport error) means it may not have.
            if _PELCO_ANSWER.fullmatch(answer):
                self._accepted.feed_pelco(line.strip())
        elif accepted:
            try:
                self._accepted.feed(line)
            except KeyboardError:
                pass  # the host took what our grammar refuses: it stays the truth for its own answer
        colour = ACCEPTED if accepted else REFUSED
        shown = answer or self.tr("(no answer)")
        self._show_answer(shown, colour, line)
        self._log(f"{line} → {shown}", colour)
        self._refresh_display()

    def _log(self, text: str, colour: QColor) -> None:
        item = QListWidgetItem(text)
        item.setToolTip(item.text())
        item.setForeground(QBrush(colour))
        self.reply_log.addItem(item)
        while self.reply_log.count() > LOG_SIZE:
            self.reply_log.takeItem(0)
        self.reply_log.scrollToBottom()

    @Slot(bool)
    def set_connected(self, connected: bool) -> None:
        """Grey the keys while the matrix host is unreachable."""
        if connected == self._connected:
            return  # a console may report every heartbeat: the last answer stays on the display
        self._connected = connected
        self.matrix_keys.setEnabled(connected)
        self.command_line.setEnabled(connected)
        self.ptz_keys.setEnabled(connected and self._ptz_enabled)
        if not connected:
            self._release_ptz_keys()
            self.ptz_lock.setEnabled(False)
            self.ptz_release.setEnabled(False)
        if connected:
            self._show_answer("", LCD_TEXT, "")
        else:
            # Unanswered lines will get no answer; half-typed digits are stale by reconnection.
            self._pending.clear()
            self._entry = ""
            self._show_answer(self.tr("NO HOST"), WAITING, "")
        self._refresh_display()

    def is_connected(self) -> bool:
        return self._connected

    # -- display --------------------------------------------------------------------------
    def _predicted(self) -> KeyboardSession:
        """The host's session as it will be once every line in flight is accepted."""
        session = KeyboardSession(self._accepted.monitor, self._accepted.entry)
        for line in self._pending:
            try:
                if PELCO_LINE.match(line.strip()):
                    session.feed_pelco(line.strip())
                else:
                    session.feed(line)
            except KeyboardError:
                continue  # the host will refuse it too and keep its state
        return session

    def _refresh_display(self) -> None:
        session = self._predicted()
        if session.monitor is None:
            self.monitor_display.setText(self.tr("MON --"))
        else:
            self.monitor_display.setText(self.tr("MON %1").replace("%1", str(session.monitor)))
        # Digits left in the host's session by a typed line ("1042" alone) are part of the entry too.
        held = "" if session.entry is None else str(session.entry)
        self.entry_display.setText(self._entry or held)

    def _show_answer(self, text: str, colour: QColor, line: str) -> None:
        self.reply_display.setText(text)
        self.reply_display.setToolTip(f"{line} → {text}" if line else "")
        palette = self.reply_display.palette()
        palette.setColor(QPalette.ColorRole.WindowText, colour)
        self.reply_display.setPalette(palette)

    def reply_colour(self) -> QColor:
        return self.reply_display.palette().color(QPalette.ColorRole.WindowText)
