"""Run ipycam (a real ONVIF camera nobody here wrote) and steer it with `OnvifDome`.

Started by tests/test_ptz_onvif.py inside a network namespace of its own
(`unshare -n`): ipycam binds every interface, and in the namespace the only one is a
loopback brought up here.  Both ends run in this process's namespace, so nothing of it is
reachable from outside.  Prints one JSON object of observations; the test judges them.

ipycam 1.3's known faults, patched here (test code only, DESIGN.md §8):
- its PTZ reply templates use the `ptz:`/`tptz:` prefixes without declaring them: the SOAP
  envelope gets the declarations;
- its GetStatus reply leaves `{{pan_tilt_status}}`, `{{zoom_status}}` and `{{utc_time}}`
  unfilled (the handler passes `move_status`), which no XML schema parser accepts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

PTZ_NAMESPACES = (
    'xmlns:ptz="http://www.onvif.org/ver20/ptz/wsdl" '
    'xmlns:tptz="http://www.onvif.org/ver20/ptz/wsdl" '
)


def start_peer(port: int, user: str, password: str) -> Any:
    from ipycam import CameraConfig, IPCamera, IPCameraHTTPHandler

    config = CameraConfig(name="sim-dome", local_ip="127.0.0.1", onvif_port=port, username=user, password=password)
    camera = IPCamera(config)
    onvif = camera.onvif
    templates = onvif._templates
    templates["envelope"] = templates["envelope"].replace("<s:Envelope ", "<s:Envelope " + PTZ_NAMESPACES, 1)
    original_status = onvif.ptz_get_status

    def ptz_get_status(body: str) -> str:
        status = camera.ptz.get_status()
        moving = "MOVING" if status["moving"] else "IDLE"
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return original_status(body).replace("{{pan_tilt_status}}", moving).replace(
            "{{zoom_status}}", moving).replace("{{utc_time}}", now)

    onvif.ptz_get_status = ptz_get_status
    IPCameraHTTPHandler.camera = camera
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("", port), IPCameraHTTPHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return camera


FOV_SPACE = "http://www.onvif.org/ver10/tptz/PanTiltSpaces/TranslationSpaceFov"


def centre_on_a_point(camera: Any, url: str, spec: dict[str, Any], where: Any) -> dict[str, Any]:
    """A dome that lists TranslationSpaceFov (as Axis and Hikvision domes do) gets the clicked
    point in the picture's terms.  ipycam 1.3 does not list it: its node reply is given the
    space here, and the requests it receives are kept, so the test reads what went over the wire
    (ipycam then moves by the translation in its own space: the direction is what it shows)."""
    from console.ptz.commands import Centre, MoveTo
    from console.ptz.onvif import OnvifDome

    onvif = camera.onvif
    fov = ("<tt:RelativePanTiltTranslationSpace><tt:URI>" + FOV_SPACE + "</tt:URI>"
           "<tt:XRange><tt:Min>-1.0</tt:Min><tt:Max>1.0</tt:Max></tt:XRange>"
           "<tt:YRange><tt:Min>-1.0</tt:Min><tt:Max>1.0</tt:Max></tt:YRange></tt:RelativePanTiltTranslationSpace>")
    for name in ("ptz_get_nodes", "ptz_get_node"):
        onvif._templates[name] = onvif._templates[name].replace("<tt:RelativeZoomTranslationSpace>",
                                                              fov + "<tt:RelativeZoomTranslationSpace>", 1)
    bodies: list[str] = []
    original = onvif.ptz_relative_move

    def ptz_relative_move(body: str) -> str:
        bodies.append(body)
        return original(body)

    onvif.ptz_relative_move = ptz_relative_move
    out: dict[str, Any] = {}
    dome = OnvifDome(url, credential=spec["credential"])
    try:
        dome.request(MoveTo(0.0, 0.0, 0.0)).result(10)
        before = where(dome.position().result(10))
        dome.request(Centre(0.5, 0.25)).result(10)
        out["centre"] = [before, where(dome.position().result(10))]
        out["centre_capabilities"] = str(dome.capabilities)
        out["centre_request"] = bodies[-1] if bodies else ""
    finally:
        dome.close()
    return out


def main() -> int:
    spec = json.loads(sys.stdin.readline())
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    os.chdir(tempfile.mkdtemp(prefix="onvif-peer-"))  # ipycam writes ptz_presets.json to the cwd
    port = spec["port"]
    camera = start_peer(port, spec["user"], spec["password"])

    from console.ptz.commands import Centre, Move, MoveBy, MoveTo, Preset, PresetAction, PtzError, Stop
    from console.ptz.onvif import OnvifDome

    out: dict[str, Any] = {"pid": os.getpid(), "statuses": []}
    url = f"http://127.0.0.1:{port}/onvif/device_service"

    def where(position: Any) -> list[float]:
        return [round(position.pan, 3), round(position.tilt, 3), round(position.zoom, 3)]

    def error_of(future: Any) -> str:
        try:
            future.result(10)
        except PtzError as exc:
            return str(exc)
        return ""

    dome = OnvifDome(url, credential=spec["credential"], on_status=lambda s: out["statuses"].append(s.text),
                     move_timeout=spec["move_timeout"])
    try:
        out["start"] = where(dome.position().result(15))
        dome.request(Move(pan=0.5, tilt=0.25)).result(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            moving = dome.position().result(10)
            if moving.pan > out["start"][0] + 0.1:
                break
        out["moving"] = [*where(moving), moving.moving]
        dome.request(Stop()).result(10)
        stopped = dome.position().result(10)
        out["stopped"] = [*where(stopped), stopped.moving]
        time.sleep(0.3)
        out["still"] = where(dome.position().result(10))
        dome.request(Preset(PresetAction.SET, 3)).result(10)
        dome.request(MoveTo(-0.5, -0.4, 0.2)).result(10)
        out["absolute"] = where(dome.position().result(10))
        dome.request(MoveBy(0.25, 0.0, 0.0)).result(10)
        out["relative"] = where(dome.position().result(10))
        dome.request(Preset(PresetAction.GOTO, 3)).result(10)
        out["preset"] = where(dome.position().result(10))
        out["missing_preset"] = error_of(dome.request(Preset(PresetAction.GOTO, 9)))
        out["clear_preset"] = error_of(dome.request(Preset(PresetAction.CLEAR, 3)))
        out["capabilities"] = str(dome.capabilities)
        # ipycam lists no field-of-view space: a double-click's point is refused in words.
        try:
            out["centre_refused"] = error_of(dome.request(Centre(0.5, 0.25)))
        except PtzError as exc:
            out["centre_refused"] = str(exc)
        # A joystick flood: a hundred speeds given faster than the camera answers.
        flood = [dome.request(Move(pan=i / 400)) for i in range(1, 101)]
        outcomes = [f.result(20) for f in flood]
        out["flood_replaced"] = sum(1 for o in outcomes if o == "replaced")
        out["flood_last"] = outcomes[-1] != "replaced"
        dome.request(Stop()).result(10)
        # The camera's own dead-man: a continuous move with a timeout and no stop after it.
        dome.request(Move(pan=-0.5)).result(10)
        time.sleep(spec["move_timeout"] + 1.0)
        first = dome.position().result(10)
        time.sleep(0.3)
        second = dome.position().result(10)
        out["after_timeout_moving"] = second.moving or abs(second.pan - first.pan) > 0.001
        dome.request(Stop()).result(10)
    finally:
        dome.close()

    out.update(centre_on_a_point(camera, url, spec, where))

    wrong = OnvifDome(url, login=(spec["user"], "not-the-password"))
    try:
        out["wrong_password"] = error_of(wrong.request(Move(pan=0.1)))
        out["wrong_password_status"] = wrong.status.text
    finally:
        wrong.close()
    absent = OnvifDome(f"http://127.0.0.1:{port + 1}/onvif/device_service")
    try:
        out["absent"] = error_of(absent.request(Move(pan=0.1)))
    finally:
        absent.close()
    out["ptz_state"] = [camera.ptz.state.pan, camera.ptz.state.tilt]
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main())
