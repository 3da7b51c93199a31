"""The desk's PTZ: which dome the pad steers, who holds it, and the held moves repeated.

The keyboard panel's PTZ keys, the numeric keypad's arrows and a drag on the picture (the main
monitor's tiles, or a wall-preview tile with Ctrl) all come here as *holds*: a source
("pad", "keys", "drag", "wheel") holding pan/tilt/zoom speeds, or a lens drive (focus, iris).
While anything is held the summed move goes to the matrix host at once and again every
`REPEAT` seconds (the host's dead-man stops a move nobody repeats); when the last hold ends
the dome gets `PtzStop` (or a zero lens speed).  Keys and pad buttons start slow and reach
the speed control's setting after `RAMP_SECONDS` held, as on a joystick keyboard; a drag's
speed follows the distance from where it started.

The target is the camera on the selected wall monitor, or the main monitor's camera once the
operator steers there (a drag on its picture); a new target stops the old one first.
Locks come from the host's snapshot (`ptz.locks`) and its "ptz" topic, lines from
`ptz.lines`; `status()` says what the pad shows, in the desk's language.

A double-click on the picture asks the dome to centre that point (`PtzCentre`): only a dome
that takes a point in the picture's own terms can (ONVIF's field-of-view space; it alone knows
its field of view at its present zoom), so the picture offers it for ONVIF domes and the host
answers NA, in words, for the others.  Named presets, PTZ tours, park and auxiliary outputs are
one-shot commands (`PtzSetupDialog` in console/ui/ptz_setup.py); what the host keeps for each
dome (presets with names, tours, park) comes from its snapshot (`ptz.cameras`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import QWidget

from console.matrix.catalog import Catalog
from console.matrix.ptz_commands import (
    PtzAux,
    PtzCentre,
    PtzFocus,
    PtzIris,
    PtzLock,
    PtzMatrixCommand,
    PtzMove,
    PtzPark,
    PtzPreset,
    PtzRelease,
    PtzSaveTour,
    PtzStartTour,
    PtzStop,
    PtzStopTour,
)
from console.ui.host_reasons import answer_text
from console.ui.reasons import reason_text
from console.video.urls import mask_url

log = logging.getLogger("videowall.ptz")

REPEAT = 0.2  # seconds between repeats of a held move (the host wants one at least every 0.3 s)
RAMP_SECONDS = 1.5  # a held key reaches the set speed after this long
RAMP_START = 0.3  # of the set speed, at the first press
WHEEL_HOLD = 0.35  # seconds one wheel notch zooms
DEFAULT_PRIORITIES = {"operator": 1, "supervisor": 2}  # the host's defaults (its ptz: may differ)

# The pad's keys as speeds: (pan, tilt, zoom) for the joystick and zoom, the lens drives apart.
DIRECTIONS: dict[str, tuple[float, float, float]] = {
    "UP_LEFT": (-1, 1, 0), "UP": (0, 1, 0), "UP_RIGHT": (1, 1, 0), "LEFT": (-1, 0, 0), "RIGHT": (1, 0, 0),
    "DOWN_LEFT": (-1, -1, 0), "DOWN": (0, -1, 0), "DOWN_RIGHT": (1, -1, 0),
    "ZOOM_TELE": (0, 0, 1), "ZOOM_WIDE": (0, 0, -1),
}
LENS: dict[str, tuple[str, float]] = {"FOCUS_FAR": ("focus", 1.0), "FOCUS_NEAR": ("focus", -1.0),
                                      "IRIS_OPEN": ("iris", 1.0), "IRIS_CLOSE": ("iris", -1.0)}


def joystick_speeds(dx: float, dy: float, width: float, height: float) -> tuple[float, float]:
    """Pan and tilt for a drag of (dx, dy) pixels on a picture of width × height: nothing in a
    small dead zone, then in proportion to the distance, full speed at a third of the picture."""
    reach = max(24.0, min(width, height) / 3)
    dead = 4.0

    def axis(distance: float) -> float:
        if abs(distance) <= dead:
            return 0.0
        magnitude = min(1.0, (abs(distance) - dead) / reach)
        return round(magnitude if distance > 0 else -magnitude, 3)

    return axis(dx), axis(-dy)  # screen y grows downwards; tilt up is positive


@dataclass
class _Hold:
    speeds: tuple[float, float, float]
    started: float  # monotonic
    ramp: bool  # keys and buttons ramp up; a drag says its own speed


@dataclass(frozen=True)
class PadStatus:
    """What the pad shows: its state line, whether its keys work, and why not."""

    text: str
    enabled: bool
    tooltip: str
    alert: bool = False  # a refusal or a line down: shown in the alert colour
    can_lock: bool = False
    can_release: bool = False


class PtzControl(QObject):
    status_changed = Signal()
    domes_changed = Signal()  # presets, tours or park of some dome changed (from the host's snapshot)
    answered = Signal(str, str)  # what was asked ("PTZ CAM 13 ↑"), the host's answer in the desk's language

    def __init__(self, command: Callable[[Any], dict[str, Any]], catalog: Catalog, *, desk: str, role: str,
                 parent: QObject | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._command = command
        self.catalog = catalog
        self.desk = desk
        self.role = role
        self.clock = clock
        self.speed = 0.6  # the speed control, 0.1-1
        self.monitor: int | None = None  # the selected wall monitor
        self.monitor_camera: int | None = None  # what it shows
        self.main_camera: int | None = None  # the main monitor's camera, when the operator steers there
        self.on_main = False
        self.locks: dict[int, dict[str, Any]] = {}
        self.lines: dict[str, dict[str, Any]] = {}
        self.domes: dict[int, dict[str, Any]] = {}  # what the host keeps per dome: presets, tours, park
        self.last_refusal = ""
        self._holds: dict[str, _Hold] = {}
        self._lens: dict[str, float] = {}  # focus / iris -> speed held
        self._camera: int | None = None  # the camera the holds drive
        self._moving = False  # a move was accepted: the release owes the dome a stop
        self._lens_moving: set[str] = set()
        self._announced = False  # the first answer of a hold is shown, not every repeat's
        self._timer = QTimer(self)
        self._timer.setInterval(int(REPEAT * 1000))
        self._timer.timeout.connect(self._repeat)
        self._wheel = QTimer(self)
        self._wheel.setSingleShot(True)
        self._wheel.timeout.connect(lambda: self.release("wheel"))

    # -- the target ---------------------------------------------------------------------
    @property
    def target(self) -> int | None:
        return self.main_camera if self.on_main else self.monitor_camera

    def target_place(self) -> str:
        if self.on_main:
            return self.tr("main monitor")
        return self.tr("MON %1").replace("%1", str(self.monitor)) if self.monitor is not None else ""

    def set_monitor(self, monitor: int | None, camera: int | None) -> None:
        """The selected wall monitor and its camera (the keyboard's MON, a click, a new route)."""
        if (monitor, camera) == (self.monitor, self.monitor_camera) and not self.on_main:
            return
        self.monitor, self.monitor_camera = monitor, camera
        self.on_main = False
        self._retarget()

    def update_monitor(self, monitor: int | None, camera: int | None) -> None:
        """What the selected monitor shows now (a route changed): the target follows it unless
        the operator steers the main monitor."""
        if (monitor, camera) == (self.monitor, self.monitor_camera):
            return
        self.monitor, self.monitor_camera = monitor, camera
        self._retarget()

    def steer_main(self, camera: int | None) -> None:
        """The operator steers the main monitor's picture: its camera is the target now."""
        if self.on_main and camera == self.main_camera:
            return
        self.main_camera, self.on_main = camera, True
        self._retarget()

    def _retarget(self) -> None:
        if self._camera is not None and self._camera != self.target:
            self.release_all()
        self.status_changed.emit()

    def is_dome(self, camera: int | None) -> bool:
        found = self.catalog.get(camera) if camera is not None else None
        return found is not None and bool(found.ptz)

    def spec(self, camera: int | None) -> dict[str, Any]:
        found = self.catalog.get(camera) if camera is not None else None
        if found is None or not found.ptz:
            return {}
        try:
            data = json.loads(found.ptz)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def can_centre(self, camera: int | None) -> bool:
        """Whether a double-click may centre a point: ONVIF domes (see the module); the host
        has the last word (an ONVIF dome without the field-of-view space answers NA)."""
        return str(self.spec(camera).get("protocol", "")).lower() == "onvif"

    # -- holds --------------------------------------------------------------------------
    def press(self, name: str, source: str = "pad") -> None:
        """A pad key (or its keypad key) goes down: UP, ZOOM_TELE, FOCUS_FAR, …"""
        if name in DIRECTIONS:
            self.hold(source, *DIRECTIONS[name], ramp=True)
        elif name in LENS:
            axis, sign = LENS[name]
            self.hold_lens(axis, sign)

    def unpress(self, name: str, source: str = "pad") -> None:
        if name in DIRECTIONS:
            self.release(source)
        elif name in LENS:
            self.release_lens(LENS[name][0])

    def hold(self, source: str, pan: float = 0.0, tilt: float = 0.0, zoom: float = 0.0, *, ramp: bool = False) -> None:
        """`source` holds these speeds (a drag calls this again as it moves)."""
        camera = self.target
        if not self.is_dome(camera):
            return
        if self._camera is not None and camera != self._camera:
            self.release_all()
        self._camera = camera
        known = self._holds.get(source)
        speeds = (float(pan), float(tilt), float(zoom))
        if known is not None and known.speeds == speeds:
            return
        fresh = not self._holds and not self._lens
        self._holds[source] = _Hold(speeds, known.started if known is not None else self.clock(), ramp)
        if fresh:
            self._announced = False
        self._send_motion()
        self._timer.start()

    def release(self, source: str) -> None:
        if self._holds.pop(source, None) is None:
            return
        self._send_motion()

    def wheel(self, steps: int) -> None:
        """Wheel notches over the picture: zoom in (positive) or out for a moment after each."""
        if steps == 0:
            return
        self.hold("wheel", zoom=self.speed if steps > 0 else -self.speed)
        self._wheel.start(int(WHEEL_HOLD * 1000))

    def hold_lens(self, axis: str, sign: float) -> None:
        camera = self.target
        if not self.is_dome(camera):
            return
        if self._camera is not None and camera != self._camera:
            self.release_all()
        self._camera = camera
        if not self._holds and not self._lens:
            self._announced = False
        self._lens[axis] = sign
        self._send_lens(axis)
        self._timer.start()

    def release_lens(self, axis: str) -> None:
        if self._lens.pop(axis, None) is None:
            return
        self._send_lens(axis)

    def release_all(self) -> None:
        """Everything let go (the target changed, the host refused, the desk lost the host)."""
        self._holds.clear()
        self._wheel.stop()
        for axis in list(self._lens):
            del self._lens[axis]
            self._send_lens(axis)
        self._send_motion()

    @property
    def held(self) -> bool:
        return bool(self._holds or self._lens)

    def motion(self) -> tuple[float, float, float]:
        """The pan, tilt and zoom being held, summed and bounded, ramped for keys."""
        now = self.clock()
        total = [0.0, 0.0, 0.0]
        for hold in self._holds.values():
            factor = 1.0
            if hold.ramp:
                factor = self.speed * min(1.0, RAMP_START + (1 - RAMP_START) * (now - hold.started) / RAMP_SECONDS)
            for axis in range(3):
                total[axis] += hold.speeds[axis] * factor
        pan, tilt, zoom = (round(max(-1.0, min(1.0, v)), 3) for v in total)
        return pan, tilt, zoom

    def _repeat(self) -> None:
        if not self.held:
            self._timer.stop()
            return
        if self._holds:
            self._send_motion()
        for axis in list(self._lens):
            self._send_lens(axis)

    def _send_motion(self) -> None:
        camera = self._camera
        if camera is None:
            return
        if self._holds:
            pan, tilt, zoom = self.motion()
            if pan == tilt == zoom == 0:
                return  # inside the dead zone: nothing to send yet
            reply = self._send(PtzMove(camera, pan, tilt, zoom), _arrows(pan, tilt, zoom))
            if reply.get("ok"):
                self._moving = True
        elif self._moving:
            self._moving = False
            self._send(PtzStop(camera), "■", final=True)
        self._forget_camera()

    def _send_lens(self, axis: str) -> None:
        camera = self._camera
        if camera is None:
            return
        speed = self._lens.get(axis)
        make = PtzFocus if axis == "focus" else PtzIris
        if speed is not None:
            value = round(max(-1.0, min(1.0, speed * self.speed)), 3)
            if self._send(make(camera, value), f"{axis} {'+' if value > 0 else '-'}").get("ok"):
                self._lens_moving.add(axis)
        elif axis in self._lens_moving:
            self._lens_moving.discard(axis)
            self._send(make(camera, 0.0), f"{axis} ■", final=True)
        self._forget_camera()

    def _forget_camera(self) -> None:
        if not self.held and not self._moving and not self._lens_moving:
            self._camera = None
            self._timer.stop()

    def _send(self, command: Any, what: str, *, final: bool = False) -> dict[str, Any]:
        reply = self._command(command)
        asked = self.tr("PTZ CAM %1 %2").replace("%1", str(command.camera)).replace("%2", what)
        if not reply.get("ok"):
            self.last_refusal = answer_text(reply)
            # Nothing to repeat once refused: the operator lets go and tries again.
            self._holds.clear()
            self._lens.clear()
            self._moving = False
            self._lens_moving.clear()
            self._timer.stop()
            self.answered.emit(asked, self.last_refusal)
            self.status_changed.emit()
        elif not self._announced or final:
            self._announced = not final
            if self.last_refusal:
                self.last_refusal = ""
                self.status_changed.emit()
            self.answered.emit(asked, answer_text(reply))
        return reply

    # -- one-shot commands --------------------------------------------------------------
    def preset(self, action: str, number: int) -> dict[str, Any] | None:
        camera = self.target
        if not self.is_dome(camera):
            return None
        assert camera is not None
        word = "PRESET" if action == "goto" else "SET"
        reply = self._command(PtzPreset(camera, action, number))
        self.last_refusal = "" if reply.get("ok") else answer_text(reply)
        self.answered.emit(self.tr("PTZ CAM %1 %2").replace("%1", str(camera)).replace("%2", f"{number} {word}"),
                           answer_text(reply))
        self.status_changed.emit()
        return reply

    def one_shot(self, command: Callable[[int], PtzMatrixCommand], what: str) -> dict[str, Any] | None:
        """A command that is sent once (centre, aux, named preset, tour, park) for the target
        dome; its answer goes where every PTZ answer goes."""
        camera = self.target
        if not self.is_dome(camera):
            return None
        assert camera is not None
        reply = self._command(command(camera))
        self.last_refusal = "" if reply.get("ok") else answer_text(reply)
        self.answered.emit(self.tr("PTZ CAM %1 %2").replace("%1", str(camera)).replace("%2", what), answer_text(reply))
        self.status_changed.emit()
        return reply

    def centre(self, x: float, y: float) -> dict[str, Any] | None:
        """Bring the point (x, y) of the picture (each -1..1 from its centre, +y up) to the centre."""
        x, y = max(-1.0, min(1.0, x)), max(-1.0, min(1.0, y))
        return self.one_shot(lambda camera: PtzCentre(camera, round(x, 3), round(y, 3)), self.tr("CENTRE"))

    def aux(self, output: int, on: bool) -> dict[str, Any] | None:
        word = self.tr("AUX %1 ON") if on else self.tr("AUX %1 OFF")
        return self.one_shot(lambda camera: PtzAux(camera, output, on), word.replace("%1", str(output)))

    def store_preset(self, number: int, title: str) -> dict[str, Any] | None:
        return self.one_shot(lambda camera: PtzPreset(camera, "set", number, title.strip()), f"{number} SET")

    def clear_preset(self, number: int) -> dict[str, Any] | None:
        return self.one_shot(lambda camera: PtzPreset(camera, "clear", number), self.tr("%1 CLEAR").replace("%1", str(number)))

    def save_tour(self, name: str, presets: list[int], dwells: list[float]) -> dict[str, Any] | None:
        return self.one_shot(lambda camera: PtzSaveTour(camera, name, tuple(presets), tuple(dwells)),
                             self.tr("SAVE TOUR %1").replace("%1", name))

    def start_tour(self, name: str) -> dict[str, Any] | None:
        return self.one_shot(lambda camera: PtzStartTour(camera, name), self.tr("TOUR %1").replace("%1", name))

    def stop_tour(self) -> dict[str, Any] | None:
        return self.one_shot(PtzStopTour, self.tr("STOP TOUR"))

    def park(self, preset: int, after: float) -> dict[str, Any] | None:
        what = self.tr("PARK %1 AFTER %2 MIN").replace("%1", str(preset)).replace("%2", f"{after / 60:g}") if after \
            else self.tr("NO PARK")
        return self.one_shot(lambda camera: PtzPark(camera, preset, after), what)

    def dome(self, camera: int | None) -> dict[str, Any]:
        """What the host keeps for the dome: {"presets": {"3": "gate"}, "tours": [...], "touring", "park"}."""
        return self.domes.get(camera, {}) if camera is not None else {}

    def lock(self, take: bool) -> dict[str, Any] | None:
        """A supervisor's explicit lock (take) or its release."""
        camera = self.target
        if not self.is_dome(camera):
            return None
        assert camera is not None
        reply = self._command(PtzLock(camera) if take else PtzRelease(camera))
        self.last_refusal = "" if reply.get("ok") else answer_text(reply)
        word = self.tr("LOCK") if take else self.tr("RELEASE")
        self.answered.emit(self.tr("PTZ CAM %1 %2").replace("%1", str(camera)).replace("%2", word), answer_text(reply))
        self.status_changed.emit()
        return reply

    # -- what the host says -------------------------------------------------------------
    def load(self, ptz: object) -> None:
        """The snapshot's `ptz` part: {locks: {camera: {holder, role, explicit, left}}, lines: {...}}."""
        if not isinstance(ptz, dict):
            return
        locks, lines, domes = ptz.get("locks"), ptz.get("lines"), ptz.get("cameras")
        new_domes = {int(k): dict(v) for k, v in domes.items() if str(k).isdigit() and isinstance(v, dict)} \
            if isinstance(domes, dict) else {}
        if new_domes != self.domes:
            self.domes = new_domes
            self.domes_changed.emit()
        new_locks = {int(k): dict(v) for k, v in locks.items() if str(k).isdigit() and isinstance(v, dict)} \
            if isinstance(locks, dict) else {}
        new_lines = {str(k): dict(v) for k, v in lines.items() if isinstance(v, dict)} if isinstance(lines, dict) else {}
        if new_locks != self.locks or new_lines != self.lines:
            self.locks, self.lines = new_locks, new_lines
            self.status_changed.emit()

    def on_topic(self, content: dict[str, Any]) -> None:
        """One "ptz" envelope: a lock changed hands, or a line's state."""
        lock, line = content.get("lock"), content.get("line")
        if isinstance(lock, dict) and isinstance(lock.get("camera"), int):
            camera = int(lock["camera"])
            if lock.get("holder"):
                self.locks[camera] = {"holder": str(lock["holder"]), "role": lock.get("role"),
                                      "priority": lock.get("priority", 0), "explicit": bool(lock.get("explicit")),
                                      "left": None}
            else:
                self.locks.pop(camera, None)
            self.status_changed.emit()
        elif isinstance(line, dict) and isinstance(line.get("where"), str):
            self.lines[line["where"]] = {k: v for k, v in line.items() if k != "where"}
            self.status_changed.emit()

    def holder(self, camera: int | None) -> dict[str, Any] | None:
        return self.locks.get(camera) if camera is not None else None

    def line_of(self, camera: int | None) -> dict[str, Any] | None:
        """The state of the line (or network camera) the dome is steered on, if the host knows it."""
        spec = self.spec(camera)
        where = spec.get("line") or spec.get("url")
        if not isinstance(where, str):
            return None
        return self.lines.get(mask_url(where)) or self.lines.get(where)

    def _outranks(self, lock: dict[str, Any]) -> bool:
        mine = DEFAULT_PRIORITIES.get(self.role, 0)
        theirs = lock.get("priority")
        if not isinstance(theirs, int) or isinstance(theirs, bool):
            theirs = DEFAULT_PRIORITIES.get(str(lock.get("role")), 0)
        return mine > theirs

    def status(self) -> PadStatus:
        camera = self.target
        supervisor = self.role == "supervisor"
        if camera is None:
            text = self.tr("PTZ: select a monitor that shows a dome")
            return PadStatus(text, False, text)
        where = self.target_place()
        name = self.tr("CAM %1").replace("%1", str(camera)) + (f" ({where})" if where else "")
        if not self.is_dome(camera):
            text = self.tr("%1: no PTZ").replace("%1", name)
            return PadStatus(text, False, self.tr("This camera cannot be steered (no ptz: in the catalog)"))
        lock = self.holder(camera)
        line = self.line_of(camera)
        alert = ""
        if line is not None and line.get("state") == "down":
            alert = self.tr("line %1: %2").replace("%1", str(line.get("where") or self._where(camera))).replace(
                "%2", reason_text(str(line.get("reason") or "")))
        elif self.last_refusal:
            alert = self.last_refusal
        if lock is None:
            text, enabled = self.tr("%1: free").replace("%1", name), True
            tip = self.tr("Nobody steers this dome: the first move takes it")
        elif lock.get("holder") == self.desk:
            mine = self.tr("%1: locked by you until released") if lock.get("explicit") else self.tr("%1: yours")
            text, enabled, tip = mine.replace("%1", name), True, self.tr("This desk steers the dome")
        else:
            holder = f"{lock.get('holder')} ({self._role_name(str(lock.get('role') or ''))})"
            if lock.get("explicit"):
                text = self.tr("%1: locked by %2").replace("%1", name).replace("%2", holder)
            else:
                text = self.tr("%1: held by %2").replace("%1", name).replace("%2", holder)
            enabled = self._outranks(lock)
            tip = (self.tr("Held by %1: a move takes it over (your priority is higher)") if enabled
                   else self.tr("Held by %1: the pad works again when it lets go")).replace("%1", holder)
        if alert:
            text = f"{text}\n{alert}"
        lock_held_by_me = lock is not None and lock.get("holder") == self.desk and bool(lock.get("explicit"))
        return PadStatus(text, enabled, tip, bool(alert), can_lock=supervisor and not lock_held_by_me and enabled,
                         can_release=supervisor and lock is not None and (lock.get("holder") == self.desk
                                                                          or self._outranks(lock)))

    def _where(self, camera: int) -> str:
        spec = self.spec(camera)
        return mask_url(str(spec.get("line") or spec.get("url") or ""))

    def _role_name(self, role: str) -> str:
        return {"operator": self.tr("operator"), "supervisor": self.tr("supervisor")}.get(role, role)


def _arrows(pan: float, tilt: float, zoom: float) -> str:
    parts = []
    if pan or tilt:
        parts.append(f"pan {pan:+.2f} tilt {tilt:+.2f}")
    if zoom:
        parts.append(f"zoom {zoom:+.2f}")
    return " ".join(parts)


class PictureJoystick(QObject):
    """The picture as a joystick, on the main monitor's tiles: press and drag to pan and tilt at
    a speed that follows the distance dragged, release to stop, the wheel zooms.

    `camera_of(widget)` names the camera a tile shows.  Installed as an event filter on each
    tile; events on a tile that shows no dome pass on untouched.
    """

    def __init__(self, control: PtzControl, camera_of: Callable[[QWidget], int | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.control = control
        self.camera_of = camera_of
        self._origin: QPoint | None = None
        self._widget: QWidget | None = None

    def attach(self, widget: QWidget) -> None:
        widget.installEventFilter(self)
        self.refresh(widget)

    def refresh(self, widget: QWidget) -> None:
        """The tile's cursor and tooltip for the camera it shows now."""
        camera = self.camera_of(widget)
        if self.control.is_dome(camera):
            widget.setCursor(Qt.CursorShape.SizeAllCursor)
            tip = self.tr("Drag to steer the dome (further is faster), wheel to zoom")
            if self.control.can_centre(camera):
                tip += "\n" + self.tr("Double-click to centre that point")
            else:
                tip += "\n" + self.tr("Double-click centring: not on this dome (its protocol takes no point of "
                                      "the picture)")
            widget.setToolTip(tip)
        else:
            widget.unsetCursor()
            widget.setToolTip("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not isinstance(watched, QWidget):
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseButtonPress and isinstance(event, QMouseEvent):
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            camera = self.camera_of(watched)
            if not self.control.is_dome(camera):
                return False
            self.control.steer_main(camera)
            self._origin, self._widget = event.position().toPoint(), watched
            return True
        if kind == QEvent.Type.MouseMove and isinstance(event, QMouseEvent) and self._widget is watched:
            assert self._origin is not None
            delta = event.position().toPoint() - self._origin
            pan, tilt = joystick_speeds(delta.x(), delta.y(), watched.width(), watched.height())
            if pan or tilt:
                self.control.hold("drag", pan, tilt)
            else:
                self.control.release("drag")
            return True
        if kind == QEvent.Type.MouseButtonRelease and isinstance(event, QMouseEvent) and self._widget is watched:
            if event.button() == Qt.MouseButton.LeftButton:
                self._origin = self._widget = None
                self.control.release("drag")
            return True
        if kind == QEvent.Type.MouseButtonDblClick and isinstance(event, QMouseEvent) \
                and self.control.is_dome(self.camera_of(watched)):
            if event.button() == Qt.MouseButton.LeftButton and watched.width() > 0 and watched.height() > 0:
                # The point from the picture's centre, in halves of its width and height; +y is
                # up, as the dome has it (Qt's y grows downwards).
                at = event.position()
                self.control.centre(2 * at.x() / watched.width() - 1, 1 - 2 * at.y() / watched.height())
            return True
        if kind == QEvent.Type.Wheel and isinstance(event, QWheelEvent):
            camera = self.camera_of(watched)
            if not self.control.is_dome(camera):
                return False
            self.control.steer_main(camera)
            steps = event.angleDelta().y() // 120 or (1 if event.angleDelta().y() > 0 else -1 if event.angleDelta().y() else 0)
            self.control.wheel(steps)
            return True
        return False
