"""The simulated site: a controller for the GStreamer RTSP server and the catalog it serves.

`SimSite` is what `videowall sim`, the demo, the tests and the benchmarks use.  It runs the
RTSP server as a child under Debian's system Python (where the GStreamer bindings live),
passes the configuration (and a camera password, if any) on the child's stdin, writes the
catalog of what it serves, and can stop and restart one camera.

Some cameras may be PTZ domes (`domes={13: "pelco-d", 16: "visca-ip"}`): the child puts them
on a TCP serial server (Pelco-D/P, several addressed domes per port) or a UDP port (VISCA
over IP), makes each one's picture a window onto a larger scene that moves as the dome
turns, and says in its ready line where each dome is steered; from then on the camera's
catalog entry carries that `ptz:` mapping (protocol, line, address), as the catalog
importer reads it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypedDict

import yaml

from console.atomic import write_atomic
from console.sim.identity import camera_colour
from console.sim.names import camera_name, camera_place
from console.video.urls import with_credentials

log = logging.getLogger("videowall.sim")

SERVER_SCRIPT = Path(__file__).with_name("rtsp_server.py")
GST_PYTHON_CANDIDATES = ("/usr/bin/python3",)


class SimLogin(TypedDict, total=False):
    """The digest login a site asks of its viewers, as keyword arguments of `SimSite`."""

    user: str
    password: str


class SimError(RuntimeError):
    pass


def gst_python() -> str:
    """The interpreter that has GStreamer's RTSP server bindings (python3-gi)."""
    override = os.environ.get("VIDEOWALL_GST_PYTHON")
    for candidate in ([override] if override else []) + list(GST_PYTHON_CANDIDATES):
        if candidate and Path(candidate).exists():
            return candidate
    found = shutil.which("python3")
    if found:
        return found
    raise SimError("no Python with GStreamer bindings: install python3-gi gir1.2-gst-rtsp-server-1.0")


def free_port(avoid: set[int] | None = None) -> int:
    """A TCP port free on loopback now (the OS picks; racy only against other programs)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if not avoid or port not in avoid:
            return port


DOME_PROTOCOLS = ("pelco-d", "pelco-p", "visca-ip")
DEMO_DOME_PROTOCOLS = ("pelco-d", "pelco-d", "pelco-p", "visca-ip")


def demo_domes(cameras: int, first_number: int = 1) -> dict[int, str]:
    """The demo's domes: the site's last four cameras (13-16 of 16), two Pelco-D domes on one
    serial-server port, a Pelco-P dome and a VISCA-over-IP camera."""
    count = min(cameras, len(DEMO_DOME_PROTOCOLS))
    last = first_number + cameras - 1
    return {last - count + 1 + i: protocol for i, protocol in enumerate(DEMO_DOME_PROTOCOLS[:count])}


def parse_domes(text: str, cameras: int, first_number: int = 1) -> dict[int, str]:
    """`--domes` as written: "" or "demo" for `demo_domes`, else "13=pelco-d,14=pelco-d,16=visca-ip"."""
    text = text.strip()
    if text in {"", "demo"}:
        return demo_domes(cameras, first_number)
    domes: dict[int, str] = {}
    for item in text.split(","):
        number, sep, protocol = item.strip().partition("=")
        if not sep or not number.strip().isdigit():
            raise SimError(f"--domes: {item.strip()!r} is not CAMERA=PROTOCOL (e.g. 13=pelco-d)")
        domes[int(number)] = protocol.strip().lower()
    return domes


@dataclass(frozen=True)
class SimCamera:
    number: int
    name: str
    place: list[str]
    url: str  # without credentials
    ptz: dict[str, Any] | None = None  # a dome's catalog `ptz:` entry, once the site runs

    @property
    def colour(self) -> tuple[int, int, int]:
        return camera_colour(self.number)

    def to_catalog(self, credential: str | None) -> dict[str, Any]:
        r, g, b = self.colour
        entry: dict[str, Any] = {
            "number": self.number,
            "id": f"sim-{self.number:05d}",
            "name": self.name,
            "place": self.place,
            "streams": {"main": self.url},
            "colour": f"#{r:02x}{g:02x}{b:02x}",
        }
        if credential:
            entry["credential"] = credential
        if self.ptz:
            entry["ptz"] = dict(self.ptz)
        return entry


class SimSite:
    def __init__(
        self,
        cameras: int = 16,
        *,
        size: tuple[int, int] = (320, 240),
        fps: int = 15,
        gop: float = 1.0,
        port: int = 8554,
        control_port: int | None = None,
        user: str | None = None,
        password: str | None = None,
        credential: str | None = None,
        first_number: int = 1,
        domes: dict[int, str] | None = None,
    ) -> None:
        if cameras < 1:
            raise SimError("a site needs at least one camera")
        if (user is None) != (password is None):
            raise SimError("give both a user and a password, or neither")
        self.size, self.fps, self.gop = size, fps, gop
        self.port = port
        self.control_port = control_port or (port + 1)
        self.user, self.password, self.credential = user, password, credential
        self.cameras = [
            SimCamera(n, camera_name(n), camera_place(n), f"rtsp://127.0.0.1:{port}/cam/{n}")
            for n in range(first_number, first_number + cameras)
        ]
        numbers = {c.number for c in self.cameras}
        self.domes = dict(sorted((domes or {}).items()))
        for number, protocol in self.domes.items():
            if number not in numbers:
                raise SimError(f"dome {number}: the site has cameras {first_number}-{first_number + cameras - 1}")
            if protocol not in DOME_PROTOCOLS:
                raise SimError(f"dome {number}: no simulated dome speaks {protocol!r} ({', '.join(DOME_PROTOCOLS)})")
        self.ptz: dict[int, dict[str, Any]] = {}  # camera -> its catalog ptz entry, from the child's ready line
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: list[str] = []

    # -- lifecycle ----------------------------------------------------------------------
    def start(self, timeout: float = 15.0) -> SimSite:
        config = {
            "width": self.size[0],
            "height": self.size[1],
            "fps": self.fps,
            "gop": self.gop,
            "port": self.port,
            "control_port": self.control_port,
            "cameras": [{"number": c.number, "name": c.name} for c in self.cameras],
            "user": self.user,
            "password": self.password,  # from the keyring; travels on the child's stdin only
            "domes": {str(n): p for n, p in self.domes.items()},
        }
        self._proc = subprocess.Popen(
            [gst_python(), str(SERVER_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # a Ctrl-C in the terminal is ours to forward, not GStreamer's
        )
        assert self._proc.stdin and self._proc.stdout
        self._proc.stdin.write(json.dumps(config) + "\n")
        self._proc.stdin.flush()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            line = self._proc.stdout.readline()
            if not line:
                break
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if event.get("event") == "ready":
                self.ptz = {int(n): dict(spec) for n, spec in (event.get("ptz") or {}).items()}
                self.cameras = [replace(c, ptz=self.ptz.get(c.number)) for c in self.cameras]
                log.info("simulated site: %d cameras on rtsp://127.0.0.1:%d", len(self.cameras), self.port)
                for number, spec in self.ptz.items():
                    log.info("simulated dome %d: %s on %s, address %s", number, spec["protocol"], spec["line"],
                             spec["address"])
                return self
            if event.get("event") == "error":
                self.close()
                raise SimError(event.get("reason", "the RTSP server failed"))
        self.close()
        detail = "".join(self._stderr[-5:]).strip()
        raise SimError(f"the RTSP server did not start{': ' + detail if detail else ''}")

    def _drain_stderr(self) -> None:
        proc = self._proc
        if proc is None or proc.stderr is None:
            return
        for line in proc.stderr:
            self._stderr.append(line)
            del self._stderr[:-50]
            log.debug("rtsp server: %s", line.rstrip())

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream:
                stream.close()

    def __enter__(self) -> SimSite:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # -- cameras ------------------------------------------------------------------------
    def camera(self, number: int) -> SimCamera:
        for cam in self.cameras:
            if cam.number == number:
                return cam
        raise SimError(f"no simulated camera {number}")

    def url(self, number: int, *, credentials: bool = True) -> str:
        """The camera's URL, with the site's user and password unless told otherwise."""
        url = self.camera(number).url
        if credentials and self.user and self.password:
            return with_credentials(url, self.user, self.password)
        return url

    def control(self, command: str) -> str:
        """Send one control line (`stop N`, `start N`, `list`), as `videowall simctl` does."""
        with socket.create_connection(("127.0.0.1", self.control_port), timeout=10) as sock:
            sock.sendall(command.encode() + b"\n")
            answer = sock.makefile().readline().strip()
        if not answer.startswith("ok"):
            raise SimError(answer or "no answer from the simulated site")
        return answer

    def stop_camera(self, number: int) -> None:
        self.control(f"stop {number}")

    def start_camera(self, number: int) -> None:
        self.control(f"start {number}")

    # -- domes --------------------------------------------------------------------------
    def sessions(self, number: int) -> int:
        """RTSP sessions open on camera `number` (a real camera accepts only a few)."""
        reply = self.control(f"sessions {number}")
        return int(reply.split()[1])

    def dome(self, number: int) -> dict[str, Any]:
        """Where dome `number` points by its mechanics: pan, tilt, zoom, moving, last, presets."""
        answer = self.control(f"dome {number}")
        state: dict[str, Any] = json.loads(answer.removeprefix("ok").strip())
        return state

    def stop_line(self, number: int) -> None:
        """Take the serial server (or VISCA port) that carries dome `number` off the air; on a
        shared serial server, every dome on it goes with it."""
        self.control(f"line stop {number}")

    def start_line(self, number: int) -> None:
        self.control(f"line start {number}")

    # -- catalog ------------------------------------------------------------------------
    def catalog(self) -> dict[str, Any]:
        return {
            "version": 1,
            "site": {"name": "Simulated site", "rtsp": f"rtsp://127.0.0.1:{self.port}"},
            "cameras": [c.to_catalog(self.credential) for c in self.cameras],
        }

    def write_catalog(self, path: str | Path) -> None:
        text = yaml.safe_dump(self.catalog(), allow_unicode=True, sort_keys=False)
        write_atomic(Path(path), text.encode("utf-8"))


def run_forever(site: SimSite, catalog: str | None) -> int:
    """`videowall sim`: serve until SIGTERM or Ctrl-C, printing one ready line."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    site.start()
    try:
        if catalog:
            site.write_catalog(catalog)
        print(json.dumps({
            "event": "ready",
            "cameras": len(site.cameras),
            "rtsp": f"rtsp://127.0.0.1:{site.port}/cam/<n>",
            "control_port": site.control_port,
            "catalog": catalog,
            "domes": {str(n): spec for n, spec in site.ptz.items()},
        }), flush=True)
        while not stop.wait(0.5):
            if not site.running:
                print("the RTSP server exited", file=sys.stderr)
                return 1
        return 0
    finally:
        site.close()
