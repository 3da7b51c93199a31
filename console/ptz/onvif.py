"""ONVIF PTZ through onvif-zeep-async: continuous move with a timeout, stop, absolute and
relative moves where the camera offers them, presets and status.

Why onvif-zeep-async, of the ONVIF clients on PyPI:
- onvif-zeep-async (4.3, 2026): the client of Home Assistant's ONVIF integration, so it meets
  more real cameras than any other Python client, and carries their quirks (clock offsets
  folded into the WS-Security digest, cameras advertising wrong service addresses, NAT);
  among PyPI's 15,000 most downloaded packages; asyncio on aiohttp and zeep, so one event
  loop drives every ONVIF dome of a host, without a thread per camera.
- onvif-python (0.4.7, 2026): synchronous (requests + zeep), younger and much less used; it
  would need a thread per dome.  It also installs a top-level `onvif` package, so the two
  cannot be installed side by side.
- onvif-zeep (2018), onvif (2017), onvif-py3 (2017): unmaintained.

No SOAP is written here: every request is a call of the library's zeep service proxies.
Authentication is ONVIF's own, a WS-Security UsernameToken with PasswordDigest; the password
comes from the keyring by reference (`credential: REF`) and never reaches a log line.

Like a line, a dome never blocks its caller: `send` queues the command on the shared event
loop, a newer continuous move replaces one not yet sent, and what goes wrong is reported
through `on_status` and the future that `request` returns.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import logging
import threading
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from console.ptz.commands import (
    Centre,
    Move,
    MoveBy,
    MoveTo,
    Preset,
    PresetAction,
    PtzCommand,
    PtzError,
    as_move,
)
from console.ptz.controller import Capability, LineStatus, PtzPosition, StatusCallback
from console.ptz.encoding import MOTION, coalescing_slot
from console.ptz.lines import describe
from console.video.urls import mask_url

# ONVIF's relative pan/tilt space in the picture's own terms: [-1, 1] across the field of view,
# what a click on the picture is (ONVIF PTZ Service Specification, 5.7.4).
FOV_SPACE = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationSpaceFov"

log = logging.getLogger("videowall.ptz")

MOVE_TIMEOUT = 1.0
REQUEST_TIMEOUT = 5.0
RECONNECT_AFTER = 2.0
BASE_CAPABILITIES = Capability.PAN_TILT | Capability.ZOOM | Capability.ZOOM_SPEED | Capability.MOVE_TIMEOUT | Capability.STATUS

T = TypeVar("T")


class _SharedLoop:
    """One asyncio loop on one daemon thread for every ONVIF dome of the process."""

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def get(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="ptz-onvif", daemon=True).start()
                cls._loop = loop
            return cls._loop


@dataclass
class _Job:
    command: PtzCommand | None  # None: a status query
    future: concurrent.futures.Future[Any]


class OnvifDome:
    """One ONVIF camera's PTZ.  `url`: the device service, e.g. http://10.1.2.3/onvif/device_service."""

    def __init__(self, url: str, *, credential: str | None = None, login: tuple[str, str] | None = None,
                 on_status: StatusCallback | None = None, move_timeout: float = MOVE_TIMEOUT,
                 request_timeout: float = REQUEST_TIMEOUT) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise PtzError(f"an ONVIF dome needs an http://host[:port]/... device URL, not {mask_url(url)!r}")
        self.where = mask_url(url)
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._credential = credential
        self._login = login
        self._on_status = on_status
        self.move_timeout = move_timeout
        self.request_timeout = request_timeout
        self._capabilities = BASE_CAPABILITIES | Capability.PRESETS
        self._status = LineStatus(self.where, "connecting", kind="camera")
        self._loop = _SharedLoop.get()
        self._jobs: deque[_Job] = deque()
        self._pending_motion: _Job | None = None
        self._wake: asyncio.Event | None = None
        self._camera: Any = None
        self._ptz: Any = None
        self._profile: str | None = None
        self._last_failure = 0.0
        self._closed = False
        self._worker = asyncio.run_coroutine_threadsafe(self._serve(), self._loop)

    # -- the caller's side -------------------------------------------------------------
    @property
    def capabilities(self) -> Capability:
        return self._capabilities

    @property
    def status(self) -> LineStatus:
        return self._status

    def send(self, command: PtzCommand) -> None:
        self.request(command)

    def request(self, command: PtzCommand) -> concurrent.futures.Future[Any]:
        """Queue a command; the future resolves when the camera has answered it."""
        self._check(command)
        return self._submit(command)

    def position(self) -> concurrent.futures.Future[PtzPosition]:
        return self._submit(None)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._loop.call_soon_threadsafe(self._notify)
        try:
            self._worker.result(self.request_timeout + 1)
        except (concurrent.futures.TimeoutError, concurrent.futures.CancelledError):
            self._worker.cancel()

    def _check(self, command: PtzCommand) -> None:
        if as_move(command) is None and not isinstance(command, Preset | MoveTo | MoveBy | Centre):
            raise PtzError(f"ONVIF domes take moves, stops and presets here, not {command.name}")
        if isinstance(command, Preset) and command.number < 1:
            raise PtzError(f"ONVIF preset {command.number} is out of range (1 and up)")
        if isinstance(command, MoveTo) and not self._capabilities & Capability.ABSOLUTE \
                and self._profile is not None:
            raise PtzError(f"camera {self.where} offers no absolute moves")
        if isinstance(command, MoveBy) and not self._capabilities & Capability.RELATIVE \
                and self._profile is not None:
            raise PtzError(f"camera {self.where} offers no relative moves")
        if isinstance(command, Centre) and not self._capabilities & Capability.CENTRE \
                and self._profile is not None:
            raise PtzError(f"camera {self.where} cannot centre a point: it offers no field-of-view moves "
                           "(ONVIF TranslationSpaceFov); drag the picture to steer it")

    def _submit(self, command: PtzCommand | None) -> concurrent.futures.Future[Any]:
        if self._closed:
            raise PtzError(f"camera {self.where} is closed")
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self._loop.call_soon_threadsafe(self._enqueue, _Job(command, future))
        return future

    # -- on the loop -------------------------------------------------------------------
    def _notify(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def _enqueue(self, job: _Job) -> None:
        if job.command is not None and coalescing_slot(job.command) == MOTION:
            pending = self._pending_motion
            if pending is not None and pending in self._jobs:
                # The newest speed wins; whoever waited on the older move learns it was replaced.
                self._jobs[self._jobs.index(pending)] = job
                pending.future.set_result("replaced")
                self._pending_motion = job
                self._notify()
                return
            self._pending_motion = job
        else:
            self._pending_motion = None
        self._jobs.append(job)
        self._notify()

    def _set_status(self, state: str, reason: str = "") -> None:
        status = LineStatus(self.where, state, reason, kind="camera")
        if status == self._status:
            return
        self._status = status
        log.info("%s", status.text)
        if self._on_status is not None:
            try:
                self._on_status(status)
            except Exception:
                log.exception("camera %s: status callback failed", self.where)

    async def _serve(self) -> None:
        self._wake = asyncio.Event()
        try:
            while not self._closed:
                if not self._jobs:
                    self._wake.clear()
                    await self._wake.wait()
                    continue
                job = self._jobs.popleft()
                if job is self._pending_motion:
                    self._pending_motion = None
                if job.future.cancelled():
                    continue
                try:
                    result = await self._run(job.command)
                except Exception as exc:
                    if not job.future.done():
                        job.future.set_exception(exc if isinstance(exc, PtzError) else PtzError(self._reason(exc)))
                else:
                    if not job.future.done():
                        job.future.set_result(result)
        finally:
            for job in self._jobs:
                if not job.future.done():
                    job.future.set_exception(PtzError(f"camera {self.where} is closed"))
            await self._disconnect()
            self._set_status("closed")

    def _reason(self, exc: BaseException) -> str:
        text = getattr(exc, "message", None) or describe(exc)
        return f"camera {self.where}: {text}"

    async def _call(self, request: Coroutine[Any, Any, T]) -> T:
        return await asyncio.wait_for(request, self.request_timeout)

    async def _connect(self) -> None:
        from onvif import ONVIFCamera

        loop = asyncio.get_running_loop()
        if loop.time() - self._last_failure < RECONNECT_AFTER and self._status.state == "down":
            raise PtzError(self._status.text)
        user, password = self._login if self._login else ("", "")
        if self._credential and not self._login:
            from console import credentials

            try:
                user, password = credentials.load(self._credential)
            except credentials.CredentialError as exc:
                raise PtzError(f"camera {self.where}: {exc}") from None
        # adjust_time: domes' clocks drift, and WS-Security digests carry a timestamp the camera
        # checks; the library measures the offset first (GetSystemDateAndTime needs no login).
        camera = ONVIFCamera(self._host, self._port, user, password, adjust_time=True)
        try:
            await self._call(camera.update_xaddrs())
            media = await camera.create_media_service()
            profiles = await self._call(media.GetProfiles())
            with_ptz = [p for p in profiles if getattr(p, "PTZConfiguration", None) is not None]
            if not with_ptz:
                raise PtzError(f"camera {self.where} has no media profile with PTZ")
            ptz = await camera.create_ptz_service()
            capabilities = BASE_CAPABILITIES
            try:
                nodes = await self._call(ptz.GetNodes())
                spaces = nodes[0].SupportedPTZSpaces if nodes else None
                if spaces is None or getattr(spaces, "AbsolutePanTiltPositionSpace", None):
                    capabilities |= Capability.ABSOLUTE
                if spaces is None or getattr(spaces, "RelativePanTiltTranslationSpace", None):
                    capabilities |= Capability.RELATIVE
                if spaces is not None and any(getattr(space, "URI", None) == FOV_SPACE
                                              for space in spaces.RelativePanTiltTranslationSpace or ()):
                    capabilities |= Capability.CENTRE
                if not nodes or (nodes[0].MaximumNumberOfPresets or 0) > 0:
                    capabilities |= Capability.PRESETS
            except Exception as exc:
                log.info("camera %s: GetNodes failed (%s); assuming the usual PTZ spaces", self.where, describe(exc))
                capabilities |= Capability.ABSOLUTE | Capability.RELATIVE | Capability.PRESETS
        except BaseException:
            await camera.close()
            raise
        self._camera, self._ptz, self._profile = camera, ptz, with_ptz[0].token
        self._capabilities = capabilities
        self._set_status("open")

    async def _disconnect(self) -> None:
        camera, self._camera, self._ptz = self._camera, None, None
        if camera is not None:
            try:
                await camera.close()
            except Exception as exc:
                log.debug("camera %s: close: %s", self.where, describe(exc))

    async def _run(self, command: PtzCommand | None) -> Any:
        if self._ptz is None:
            try:
                await self._connect()
            except PtzError:
                raise
            except Exception as exc:
                self._last_failure = asyncio.get_running_loop().time()
                reason = self._reason(exc)
                self._set_status("down", reason.split(": ", 1)[1])
                raise PtzError(reason) from None
        try:
            return await self._execute(command)
        except PtzError:
            raise
        except Exception as exc:
            reason = self._reason(exc)
            if not _is_fault(exc):
                # The camera went away (refused, timed out, reset): connect afresh next time.
                self._last_failure = asyncio.get_running_loop().time()
                self._set_status("down", reason.split(": ", 1)[1])
                await self._disconnect()
            raise PtzError(reason) from None

    async def _execute(self, command: PtzCommand | None) -> Any:
        ptz, token = self._ptz, self._profile
        if command is None:
            status = await self._call(ptz.GetStatus({"ProfileToken": token}))
            return _position(status)
        move = as_move(command)
        if move is not None:
            return await self._move(move)
        if isinstance(command, MoveTo):
            position: dict[str, Any] = {"PanTilt": {"x": command.pan, "y": command.tilt}}
            if command.zoom is not None:
                position["Zoom"] = {"x": command.zoom}
            return await self._call(ptz.AbsoluteMove({"ProfileToken": token, "Position": position}))
        if isinstance(command, MoveBy):
            translation = {"PanTilt": {"x": command.pan, "y": command.tilt}, "Zoom": {"x": command.zoom}}
            return await self._call(ptz.RelativeMove({"ProfileToken": token, "Translation": translation}))
        if isinstance(command, Centre):
            if not self._capabilities & Capability.CENTRE:
                raise PtzError(f"camera {self.where} cannot centre a point: it offers no field-of-view moves "
                               "(ONVIF TranslationSpaceFov); drag the picture to steer it")
            # The dome knows its field of view at its present zoom; we only say where in the
            # picture the point is.
            point: dict[str, Any] = {"PanTilt": {"x": command.x, "y": command.y, "space": FOV_SPACE}}
            return await self._call(ptz.RelativeMove({"ProfileToken": token, "Translation": point}))
        if isinstance(command, Preset):
            return await self._preset(command)
        raise PtzError(f"ONVIF domes take moves, stops and presets here, not {command.name}")

    async def _move(self, move: Move) -> Any:
        ptz, token = self._ptz, self._profile
        if move.is_stop:
            return await self._call(ptz.Stop({"ProfileToken": token, "PanTilt": True, "Zoom": True}))
        velocity = {"PanTilt": {"x": move.pan, "y": move.tilt}, "Zoom": {"x": move.zoom}}
        # The timeout is the camera's own dead-man: without a fresh command it stops by itself.
        return await self._call(ptz.ContinuousMove({
            "ProfileToken": token, "Velocity": velocity, "Timeout": dt.timedelta(seconds=self.move_timeout),
        }))

    async def _preset(self, command: Preset) -> Any:
        ptz, token = self._ptz, self._profile
        name = str(command.number)
        presets = await self._call(ptz.GetPresets({"ProfileToken": token})) or []
        # Our preset numbers are the presets' names; the camera picks the tokens.
        tokens = [p.token for p in presets if str(getattr(p, "Name", "")) == name]
        if command.action is PresetAction.SET:
            request: dict[str, Any] = {"ProfileToken": token, "PresetName": name}
            if tokens:
                request["PresetToken"] = tokens[-1]
            return await self._call(ptz.SetPreset(request))
        if not tokens:
            raise PtzError(f"camera {self.where} has no preset {command.number}")
        if command.action is PresetAction.GOTO:
            return await self._call(ptz.GotoPreset({"ProfileToken": token, "PresetToken": tokens[-1]}))
        for preset_token in tokens:
            await self._call(ptz.RemovePreset({"ProfileToken": token, "PresetToken": preset_token}))
        return None


def _is_fault(exc: BaseException) -> bool:
    """A SOAP fault: the camera answered and refused, the connection is fine."""
    from zeep.exceptions import Fault

    return isinstance(exc, Fault)


def _position(status: Any) -> PtzPosition:
    position = status.Position
    pan_tilt = getattr(position, "PanTilt", None)
    zoom = getattr(position, "Zoom", None)
    move_status = getattr(status, "MoveStatus", None)
    moving = any(str(getattr(move_status, axis, "IDLE") or "IDLE").upper() == "MOVING" for axis in ("PanTilt", "Zoom"))
    return PtzPosition(
        pan=float(pan_tilt.x) if pan_tilt is not None else 0.0,
        tilt=float(pan_tilt.y) if pan_tilt is not None else 0.0,
        zoom=float(zoom.x) if zoom is not None else 0.0,
        moving=moving,
    )

