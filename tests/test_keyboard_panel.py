"""The on-screen matrix keyboard: keys, typed line, numeric keypad, the host's answers."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLineEdit, QListWidget, QVBoxLayout, QWidget

from console.matrix.commands import ClearTile, Command, HoldTour, RecallSalvo, RouteCamera, StartTour, StepTour
from console.matrix.keyboard import KeyboardError, KeyboardSession
from console.ui.keyboard_panel import KeyboardPanel
from console.ui.ptz import PadStatus

KEYPAD = Qt.KeyboardModifier.KeypadModifier
# The offscreen platform says these whenever the completer's popup opens (typing "3 M" is
# enough); they are the plugin's, not ours.
pytestmark = pytest.mark.qt_log_ignore(*(re.escape(f"This plugin does not support {what}")
                                         for what in ("raise()", "grabbing the keyboard")))


@pytest.fixture
def panel(qtbot) -> Iterator[KeyboardPanel]:  # type: ignore[no-untyped-def]
    widget = KeyboardPanel()
    qtbot.addWidget(widget)
    widget.resize(720, 640)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget


@pytest.fixture
def sent(panel: KeyboardPanel) -> list[str]:
    lines: list[str] = []
    panel.line_entered.connect(lines.append)
    return lines


def click(qtbot, panel: KeyboardPanel, *keys: str) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        qtbot.mouseClick(panel.buttons[key], Qt.MouseButton.LeftButton)


def activate(qtbot, window: QWidget, focus: QWidget) -> None:  # type: ignore[no-untyped-def]
    """Shortcuts only fire in the active window, from the widget with the focus."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    focus.setFocus()
    qtbot.waitUntil(focus.hasFocus)


def keypad(qtbot, widget: QWidget, *keys: Qt.Key) -> None:  # type: ignore[no-untyped-def]
    for key in keys:
        qtbot.keyClick(widget, key, KEYPAD)


def is_green(colour: QColor) -> bool:
    return colour.green() > 150 and colour.red() < 120


def is_red(colour: QColor) -> bool:
    return colour.red() > 180 and colour.green() < 120


# -- the keys ---------------------------------------------------------------------------
def test_keys_send_lines_like_the_hardware(qtbot, panel: KeyboardPanel, sent: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert panel.monitor_display.text() == "MON --"
    click(qtbot, panel, "3")
    assert panel.entry_display.text() == "3" and sent == []
    with qtbot.waitSignal(panel.line_entered) as mon:
        click(qtbot, panel, "MON")
    assert mon.args == ["3 MON"]
    assert panel.monitor_display.text() == "MON 3" and panel.entry_display.text() == ""

    click(qtbot, panel, "1", "0", "4", "2")
    assert panel.entry_display.text() == "1042" and panel.entry == "1042"
    with qtbot.waitSignal(panel.line_entered) as cam:
        click(qtbot, panel, "CAM")
    assert cam.args == ["1042 CAM"]
    assert sent == ["3 MON", "1042 CAM"]
    assert panel.monitor_display.text() == "MON 3" and panel.entry == ""

    click(qtbot, panel, "2", "SEQ", "HOLD", "NEXT", "PREV", "5", "SALVO")
    assert sent[2:] == ["2 SEQ", "HOLD", "NEXT", "PREV", "5 SALVO"]


def test_entry_stops_at_six_digits(qtbot, panel: KeyboardPanel, sent: list[str]) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, panel, *"12345678", "CAM")
    assert sent == ["123456 CAM"]


def test_clear_wipes_the_entry_first_then_clears_the_monitor(qtbot, panel: KeyboardPanel, sent: list[str]) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, panel, "1", "2")
    click(qtbot, panel, "CLEAR")
    assert sent == [] and panel.entry == "" and panel.entry_display.text() == ""
    click(qtbot, panel, "CLEAR")
    assert sent == ["CLEAR"]


def test_unknown_key_is_refused(panel: KeyboardPanel) -> None:
    with pytest.raises(ValueError, match="ZOOM"):
        panel.press("ZOOM")


# -- the typed line ---------------------------------------------------------------------
def test_command_line_sends_the_typed_text_and_recalls_history(qtbot, panel: KeyboardPanel, sent: list[str]) -> None:  # type: ignore[no-untyped-def]
    line = panel.command_line
    qtbot.keyClicks(line, "3 MON 1042 CAM")
    assert sent == []
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert sent == ["3 MON 1042 CAM"] and line.text() == ""
    assert panel.monitor_display.text() == "MON 3"

    qtbot.keyClicks(line, "5 SALVO")
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.keyClicks(line, "5 SALVO")
    qtbot.keyClick(line, Qt.Key.Key_Return)  # the same line again: sent, but one history entry
    qtbot.keyClick(line, Qt.Key.Key_Return)  # nothing typed: nothing sent
    assert sent == ["3 MON 1042 CAM", "5 SALVO", "5 SALVO"]
    assert list(line.history) == ["3 MON 1042 CAM", "5 SALVO"]

    qtbot.keyClicks(line, "7 M")  # a draft, given back after walking the history
    qtbot.keyClick(line, Qt.Key.Key_Up)
    assert line.text() == "5 SALVO"
    qtbot.keyClick(line, Qt.Key.Key_Up)
    assert line.text() == "3 MON 1042 CAM"
    qtbot.keyClick(line, Qt.Key.Key_Up)  # the oldest stays
    assert line.text() == "3 MON 1042 CAM"
    qtbot.keyClick(line, Qt.Key.Key_Down)
    assert line.text() == "5 SALVO"
    qtbot.keyClick(line, Qt.Key.Key_Down)
    assert line.text() == "7 M"

    line.clear()
    qtbot.keyClick(line, Qt.Key.Key_Up)
    qtbot.keyClick(line, Qt.Key.Key_Return)  # a recalled line is sent as it reads
    assert sent[-1] == "5 SALVO"


def test_history_keeps_the_last_hundred(qtbot, panel: KeyboardPanel) -> None:  # type: ignore[no-untyped-def]
    line = panel.command_line
    for number in range(1, 131):
        line.setText(f"{number} CAM")
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert len(line.history) == 100
    assert line.history[0] == "31 CAM" and line.history[-1] == "130 CAM"


def test_completion_offers_key_words_and_leaves_digits_alone(qtbot, panel: KeyboardPanel, sent: list[str]) -> None:  # type: ignore[no-untyped-def]
    line = panel.command_line
    popup = line.word_completer.popup()
    assert popup is not None
    activate(qtbot, panel, line)
    qtbot.keyClicks(line, "1042")
    assert line.text() == "1042" and not popup.isVisible()

    line.clear()
    qtbot.keyClicks(line, "3 m")
    assert popup.isVisible() and line.word_completer.currentCompletion() == "MON"
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # Enter in the popup takes the word, sends nothing
    assert line.text() == "3 MON " and sent == []
    qtbot.keyClicks(line, "1042 ")
    assert not popup.isVisible()
    qtbot.keyClicks(line, "s")  # SEQ, SALVO and SET (a preset)
    assert popup.isVisible() and line.word_completer.completionCount() == 3
    qtbot.keyClicks(line, "a")
    qtbot.keyClick(popup, Qt.Key.Key_Tab)
    assert line.text() == "3 MON 1042 SALVO "
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert sent == ["3 MON 1042 SALVO"]


# -- the numeric keypad -----------------------------------------------------------------
def test_keypad_drives_the_keys(qtbot, panel: KeyboardPanel, sent: list[str]) -> None:  # type: ignore[no-untyped-def]
    activate(qtbot, panel, panel)
    keypad(qtbot, panel, Qt.Key.Key_3, Qt.Key.Key_Asterisk, Qt.Key.Key_1, Qt.Key.Key_2)
    assert panel.entry == "12" and panel.buttons["2"].isDown()  # the on-screen key shows the press
    keypad(qtbot, panel, Qt.Key.Key_Enter)
    assert sent == ["3 MON", "12 CAM"]
    keypad(qtbot, panel, Qt.Key.Key_Plus, Qt.Key.Key_Minus, Qt.Key.Key_4, Qt.Key.Key_Slash, Qt.Key.Key_Slash)
    assert sent == ["3 MON", "12 CAM", "NEXT", "PREV", "CLEAR"]
    qtbot.keyClick(panel, Qt.Key.Key_5)  # the main row's digits are not the keypad
    assert panel.entry == ""
    qtbot.waitUntil(lambda: not panel.buttons["2"].isDown())


def test_keypad_types_into_the_command_line_when_it_has_the_focus(qtbot, panel: KeyboardPanel, sent: list[str]) -> None:  # type: ignore[no-untyped-def]
    activate(qtbot, panel, panel.command_line)
    keypad(qtbot, panel.command_line, Qt.Key.Key_1, Qt.Key.Key_2)
    assert panel.command_line.text() == "12" and panel.entry == ""
    keypad(qtbot, panel.command_line, Qt.Key.Key_Enter)  # sends the line, does not press CAM
    assert sent == ["12"]


def test_keypad_mapping_is_data(qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = KeyboardPanel(keypad={Qt.Key.Key_7: "7", Qt.Key.Key_Plus: "MON"})
    qtbot.addWidget(panel)
    panel.show()
    sent: list[str] = []
    panel.line_entered.connect(sent.append)
    activate(qtbot, panel, panel)
    keypad(qtbot, panel, Qt.Key.Key_7, Qt.Key.Key_Plus, Qt.Key.Key_Asterisk)
    assert sent == ["7 MON"]
    assert "Numeric keypad: +" in panel.buttons["MON"].toolTip()
    assert "keypad" not in panel.buttons["CAM"].toolTip()

    panel.set_keypad({Qt.Key.Key_Plus: "CAM", Qt.Key.Key_8: "8"})
    keypad(qtbot, panel, Qt.Key.Key_8, Qt.Key.Key_7, Qt.Key.Key_Plus)
    assert sent == ["7 MON", "8 CAM"]
    assert "Numeric keypad: +" in panel.buttons["CAM"].toolTip()
    assert "keypad" not in panel.buttons["MON"].toolTip()
    with pytest.raises(ValueError, match="ZOOM"):
        panel.set_keypad({Qt.Key.Key_Plus: "ZOOM"})


def test_install_keypad_reaches_the_whole_window(qtbot) -> None:  # type: ignore[no-untyped-def]
    window = QWidget()
    qtbot.addWidget(window)
    camera_tree = QListWidget(window)
    camera_tree.addItems(["1 gate", "2 yard"])
    search = QLineEdit(window)
    panel = KeyboardPanel(window)
    layout = QVBoxLayout(window)
    for widget in (camera_tree, search, panel):
        layout.addWidget(widget)
    panel.install_keypad(window)
    window.show()
    sent: list[str] = []
    panel.line_entered.connect(sent.append)

    activate(qtbot, window, camera_tree)
    keypad(qtbot, camera_tree, Qt.Key.Key_5, Qt.Key.Key_Asterisk)
    assert sent == ["5 MON"]
    activate(qtbot, window, panel)  # where the panel's own shortcuts were: they are gone, not doubled
    keypad(qtbot, panel, Qt.Key.Key_6, Qt.Key.Key_Asterisk)
    assert sent == ["5 MON", "6 MON"]
    activate(qtbot, window, search)
    keypad(qtbot, search, Qt.Key.Key_7, Qt.Key.Key_Enter)
    assert search.text() == "7" and sent == ["5 MON", "6 MON"] and panel.entry == ""


# -- answers ----------------------------------------------------------------------------
def test_replies_colour_the_display_and_fill_the_log(qtbot, panel: KeyboardPanel) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, panel, "3", "MON")
    panel.show_reply("3 MON", "AK")
    assert panel.reply_display.text() == "AK" and is_green(panel.reply_colour())
    click(qtbot, panel, "9", "9", "9", "9", "9", "CAM")
    panel.show_reply("99999 CAM", "NA unknown camera 99999")
    assert panel.reply_display.text() == "NA unknown camera 99999" and is_red(panel.reply_colour())
    log = [panel.reply_log.item(i) for i in range(panel.reply_log.count())]
    assert [item.text() for item in log] == ["3 MON → AK", "99999 CAM → NA unknown camera 99999"]
    assert is_green(log[0].foreground().color()) and is_red(log[1].foreground().color())
    assert panel.monitor_display.text() == "MON 3"

    for number in range(30):
        panel.show_reply(f"{number} CAM", "AK")
    assert panel.reply_log.count() == 20
    assert panel.reply_log.item(19).text() == "29 CAM → AK"


def test_a_refused_monitor_line_goes_back_to_the_accepted_monitor(qtbot, panel: KeyboardPanel) -> None:  # type: ignore[no-untyped-def]
    click(qtbot, panel, "3", "MON")
    panel.show_reply("3 MON", "AK")
    click(qtbot, panel, "7", "MON")
    assert panel.monitor_display.text() == "MON 7"  # shown at once, before the answer
    click(qtbot, panel, "1", "2", "CAM")  # still in flight when 7 MON is refused
    panel.show_reply("7 MON", "NA no monitor 7 on this wall")
    assert panel.monitor_display.text() == "MON 3" and panel.monitor == 3
    panel.show_reply("12 CAM", "AK")
    assert panel.monitor_display.text() == "MON 3"


def test_disconnected_panel_is_grey_and_deaf(qtbot, panel: KeyboardPanel, sent: list[str]) -> None:  # type: ignore[no-untyped-def]
    activate(qtbot, panel, panel)
    click(qtbot, panel, "4")
    panel.set_connected(False)
    assert not any(button.isEnabled() for button in panel.buttons.values())
    assert not panel.command_line.isEnabled()
    assert panel.reply_display.text() == "NO HOST" and panel.entry == ""
    panel.set_connected(False)
    click(qtbot, panel, "1", "CAM")
    keypad(qtbot, panel, Qt.Key.Key_1, Qt.Key.Key_Enter)
    panel.press("MON")
    assert sent == []

    panel.set_connected(True)
    assert all(button.isEnabled() for button in panel.buttons.values())
    assert panel.command_line.isEnabled() and panel.reply_display.text() == ""
    keypad(qtbot, panel, Qt.Key.Key_1, Qt.Key.Key_Enter)
    assert sent == ["1 CAM"]
    panel.show_reply("1 CAM", "AK")
    panel.set_connected(True)  # told again (every heartbeat, say): the answer stays
    assert panel.reply_display.text() == "AK"
    assert not any(button.isEnabled() for button in panel.ptz_buttons.values())  # no dome to steer


def test_ptz_keys_are_grey_until_there_is_a_dome(panel: KeyboardPanel) -> None:
    assert {"UP", "DOWN", "LEFT", "RIGHT", "ZOOM_TELE", "ZOOM_WIDE", "FOCUS_NEAR", "FOCUS_FAR", "IRIS_OPEN",
            "IRIS_CLOSE", "PRESET", "SET"} <= set(panel.ptz_buttons)
    for button in panel.ptz_buttons.values():
        assert not button.isEnabled() and button.toolTip()
    assert "NumLock off" in panel.ptz_buttons["UP"].toolTip() and "Ctrl" in panel.ptz_buttons["UP"].toolTip()
    assert not panel.ptz_lock.isEnabled() and not panel.ptz_release.isEnabled()
    panel.set_ptz_status(PadStatus("CAM 13: held by desk-2 (supervisor)", False, "held"))
    assert not panel.ptz_buttons["UP"].isEnabled() and "desk-2" in panel.ptz_status.text()
    panel.set_ptz_status(PadStatus("CAM 13: free", True, "free", can_lock=True))
    assert all(button.isEnabled() for button in panel.ptz_buttons.values())
    assert not panel.ptz_lock.isEnabled()  # an operator's desk: no lock, whatever the control says
    panel.set_ptz_supervisor(True)
    panel.set_ptz_status(PadStatus("CAM 13: free", True, "free", can_lock=True))
    assert panel.ptz_lock.isEnabled() and not panel.ptz_release.isEnabled()
    panel.set_connected(False)
    assert not panel.ptz_buttons["UP"].isEnabled() and not panel.ptz_lock.isEnabled()


def test_ptz_keys_hold_and_let_go_by_mouse_keypad_and_ctrl_arrows(qtbot, panel: KeyboardPanel,  # type: ignore[no-untyped-def]
                                                                   sent: list[str]) -> None:
    events: list[str] = []
    panel.ptz_pressed.connect(lambda name: events.append(f"+{name}"))
    panel.ptz_released.connect(lambda name: events.append(f"-{name}"))
    keypad(qtbot, panel, Qt.Key.Key_Up)  # no dome yet: an arrow is an arrow
    assert events == []
    panel.set_ptz_status(PadStatus("CAM 13: free", True, "free"))
    activate(qtbot, panel, panel)
    qtbot.mousePress(panel.ptz_buttons["UP"], Qt.MouseButton.LeftButton)
    assert events == ["+UP"] and panel.ptz_buttons["UP"].isDown()
    qtbot.mouseRelease(panel.ptz_buttons["UP"], Qt.MouseButton.LeftButton)
    assert events == ["+UP", "-UP"]
    events.clear()
    # The keypad with NumLock off: 4 is Left, 9 PageUp, . Delete (zoom in); held keys repeat once.
    qtbot.keyPress(panel, Qt.Key.Key_Left, KEYPAD)
    qtbot.keyRelease(panel, Qt.Key.Key_Left, KEYPAD)
    keypad(qtbot, panel, Qt.Key.Key_PageUp, Qt.Key.Key_Delete)
    assert events == ["+LEFT", "-LEFT", "+UP_RIGHT", "-UP_RIGHT", "+ZOOM_TELE", "-ZOOM_TELE"]
    events.clear()
    qtbot.keyClick(panel, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(panel, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert events == ["+DOWN", "-DOWN", "+ZOOM_WIDE", "-ZOOM_WIDE"]
    # NumLock on: the same keys are digits, as before.
    keypad(qtbot, panel, Qt.Key.Key_4, Qt.Key.Key_Asterisk)
    assert sent == ["4 MON"] and len(events) == 4
    # The command line keeps its arrows (history), Ctrl or not.
    panel.command_line.setFocus()
    qtbot.waitUntil(panel.command_line.hasFocus)
    qtbot.keyClick(panel.command_line, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert len(events) == 4


def test_preset_and_set_take_the_typed_number_snap_and_print_the_monitor(qtbot, panel: KeyboardPanel,  # type: ignore[no-untyped-def]
                                                                          sent: list[str]) -> None:
    presets: list[tuple[str, int]] = []
    evidence: list[tuple[str, int]] = []
    panel.ptz_preset_requested.connect(lambda action, number: presets.append((action, number)))
    panel.evidence_requested.connect(lambda key, monitor: evidence.append((key, monitor)))
    panel.set_ptz_status(PadStatus("CAM 13: free", True, "free"))
    qtbot.mouseClick(panel.ptz_buttons["PRESET"], Qt.MouseButton.LeftButton)
    assert presets == [] and "preset number" in panel.reply_display.text()
    click(qtbot, panel, "3")
    qtbot.mouseClick(panel.ptz_buttons["PRESET"], Qt.MouseButton.LeftButton)
    click(qtbot, panel, "1", "2")
    qtbot.mouseClick(panel.ptz_buttons["SET"], Qt.MouseButton.LeftButton)
    assert presets == [("goto", 3), ("set", 12)] and panel.entry == ""
    click(qtbot, panel, "SNAP", "7", "PRINT")
    assert evidence == [("SNAP", 0), ("PRINT", 7)] and panel.entry == "" and sent == []


class _Shouting(QTranslator):
    """A translation that changes every KeyboardPanel string, to see which strings are translated."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return f"«{source.lower()}»" if context == "KeyboardPanel" else ""


def test_labels_are_translated_but_lines_stay_the_protocol(qtbot) -> None:  # type: ignore[no-untyped-def]
    translator = _Shouting()
    QCoreApplication.installTranslator(translator)
    try:
        panel = KeyboardPanel()
        qtbot.addWidget(panel)
    finally:
        QCoreApplication.removeTranslator(translator)
    sent: list[str] = []
    panel.line_entered.connect(sent.append)
    assert panel.buttons["MON"].text() == "«mon»"
    assert panel.ptz_box.title() == "«ptz»"
    assert panel.monitor_display.text() == "«mon --»"
    click(qtbot, panel, "3", "MON")
    assert sent == ["3 MON"]


# -- with the real grammar --------------------------------------------------------------
def test_lines_drive_the_real_keyboard_grammar(qtbot, panel: KeyboardPanel) -> None:  # type: ignore[no-untyped-def]
    """A host stand-in that answers inside the emit, as a console calling HostClient.keys would."""
    session = KeyboardSession()
    commands: list[Command] = []

    def answer(line: str) -> None:
        try:
            commands.extend(session.feed(line))
        except KeyboardError as exc:
            panel.show_reply(line, f"NA {exc}")
        else:
            panel.show_reply(line, "AK")

    panel.line_entered.connect(answer)
    click(qtbot, panel, "CAM")
    assert panel.reply_display.text() == "NA CAM needs a monitor: select one with n MON"
    assert panel.monitor_display.text() == "MON --"
    click(qtbot, panel, "3", "MON", "1", "0", "4", "2", "CAM")
    assert panel.reply_display.text() == "AK" and panel.monitor_display.text() == "MON 3"
    click(qtbot, panel, "2", "SEQ", "HOLD", "NEXT", "PREV", "5", "SALVO", "CLEAR")
    qtbot.keyClicks(panel.command_line, "4 MON 7 CAM")
    qtbot.keyClick(panel.command_line, Qt.Key.Key_Return)
    assert panel.monitor_display.text() == "MON 4"
    qtbot.keyClicks(panel.command_line, "12")  # digits left with the host: shown as the entry
    qtbot.keyClick(panel.command_line, Qt.Key.Key_Return)
    assert panel.entry_display.text() == "12"
    click(qtbot, panel, "CAM")
    assert commands == [RouteCamera(3, 1042), StartTour(3, "2"), HoldTour(3), StepTour(3, 1), StepTour(3, -1),
                        RecallSalvo("5"), ClearTile(3), RouteCamera(4, 7), RouteCamera(4, 12)]
    assert panel.entry_display.text() == "" and session.monitor == panel.monitor == 4
