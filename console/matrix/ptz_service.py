"""The matrix host's PTZ: the arbiter's decisions carried out on the domes' lines.

`console.matrix.ptz_control.PtzArbiter` decides (locks, dead-man stops, tours, park) and
returns actions; this runs them on the host's loop thread: it opens each dome's controller
from the catalog's `ptz:` entry (one line per serial-server URL, shared by the domes on it),
writes the audit lines, and publishes lock changes and line states to every desk.  Line
threads report their state through a queue that the loop drains, so nothing here is touched
from two threads.
"""

from __future__ import annotations

import json
import logging
import queue
from collections.abc import Callable
from typing import Any, Protocol

from console.matrix.audit import AuditLog
from console.matrix.model import Camera
from console.matrix.ptz_commands import PtzMatrixCommand
from console.matrix.ptz_control import Audit, Drive, LockChanged, Outcome, PtzArbiter, PtzPolicy
from console.ptz.commands import PtzCommand, PtzError
from console.ptz.controller import LineStatus

log = logging.getLogger("videowall.ptz")

CameraLookup = Callable[[int], Camera | None]
Publish = Callable[[str, dict[str, Any]], None]


class Controller(Protocol):
    def send(self, command: PtzCommand) -> None: ...

    def close(self) -> None: ...


class PtzService:
    def __init__(self, cameras: CameraLookup, audit: AuditLog, publish: Publish, policy: PtzPolicy | None = None) -> None:
        self.cameras = cameras
        self.audit = audit
        self.publish = publish
        self.arbiter = PtzArbiter(policy, validate=self._check)
        self._controllers: dict[int, Controller] = {}
        self._hub: Any = None
        self._onvif: list[Controller] = []
        self._statuses: queue.SimpleQueue[LineStatus] = queue.SimpleQueue()
        self.lines: dict[str, dict[str, Any]] = {}  # where -> {state, reason}: the snapshot shows them

    # -- the domes ----------------------------------------------------------------------------
    def controller(self, number: int) -> Controller:
        known = self._controllers.get(number)
        if known is not None:
            return known
        camera = self.cameras(number)
        if camera is None:
            raise PtzError(f"unknown camera {number}")
        if not camera.ptz:
            raise PtzError(f"camera {number} has no PTZ (no ptz: in the catalog)")
        try:
            spec = json.loads(camera.ptz)
        except ValueError:
            raise PtzError(f"camera {number}: its ptz: entry is not readable; import the catalog again") from None
        if str(spec.get("protocol", "")).lower() == "onvif":
            from console.ptz.onvif import OnvifDome

            controller: Controller = OnvifDome(str(spec.get("url", "")), credential=spec.get("credential") or camera.credential,
                                               on_status=self._statuses.put)
            self._onvif.append(controller)
        else:
            if self._hub is None:
                from console.ptz.drivers import PtzHub

                self._hub = PtzHub(on_status=self._statuses.put)
            controller = self._hub.controller(spec)
        self._controllers[number] = controller
        return controller

    def _check(self, number: int, command: PtzCommand) -> None:
        controller = self.controller(number)
        encoder = getattr(controller, "encoder", None)
        if encoder is not None:
            encoder.encode(command)  # a preset beyond the protocol's range says so now

    # -- on the host's loop ---------------------------------------------------------------------
    def handle(self, who: str, role: str, command: PtzMatrixCommand) -> dict[str, Any]:
        outcome = self.arbiter.handle(who, role, command)
        error = self.carry_out(outcome)
        if error:
            return {"ok": False, "answer": f"NA {error}", "reason": {"code": "ptz-device",
                                                                     "args": {"camera": command.camera, "text": error}}}
        reply: dict[str, Any] = {"ok": outcome.ok, "answer": outcome.answer}
        if outcome.reason:
            reply["reason"] = outcome.reason
        return reply

    def tick(self) -> bool:
        """Timers (dead-man, lapsed locks, tours, park) and line states; True if state must be saved."""
        self._drain_statuses()
        outcome = self.arbiter.tick()
        self.carry_out(outcome)
        return outcome.persist

    def next_deadline(self) -> float | None:
        return self.arbiter.next_deadline()

    def carry_out(self, outcome: Outcome) -> str:
        """Runs the actions; the first line failure's text (a line that is down), else ''."""
        error = ""
        for action in outcome.actions:
            if isinstance(action, Drive):
                try:
                    self.controller(action.camera).send(action.command)
                except PtzError as exc:
                    error = error or str(exc)
                    log.warning("camera %d: %s", action.camera, exc)
            elif isinstance(action, Audit):
                self.audit.append(action.actor, action.action, action.detail, action.outcome)
            elif isinstance(action, LockChanged):
                self.publish("ptz", {"lock": action.to_dict()})
        if outcome.persist:
            self.dirty = True
        return error

    dirty = False  # set when the arbiter's persisted state changed; the host saves and clears it

    def _drain_statuses(self) -> None:
        while True:
            try:
                status = self._statuses.get_nowait()
            except queue.Empty:
                return
            entry = {"state": status.state, "reason": status.reason, "text": status.text}
            if self.lines.get(status.where) != entry:
                self.lines[status.where] = entry
                log.info("%s", status.text)
                self.publish("ptz", {"line": {"where": status.where, **entry}})

    def snapshot(self) -> dict[str, Any]:
        return {**self.arbiter.snapshot(), "lines": dict(self.lines)}

    def close(self) -> None:
        self.carry_out(self.arbiter.close())
        for controller in self._onvif:
            controller.close()
        if self._hub is not None:
            self._hub.close()
