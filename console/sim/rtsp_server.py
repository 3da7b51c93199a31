"""Simulated cameras: GStreamer's RTSP server, one live H.264 mount per camera.

Runs under Debian's system Python (`/usr/bin/python3`), where the GStreamer bindings are;
`videowall sim` starts it and sends its configuration as one JSON line on stdin, so that a
camera password never appears on a command line.  Imports nothing from the project but the
pure-Python identity module.

Control: a loopback TCP port takes lines `stop N`, `start N`, `sessions N`, `list` and answers `ok ...`
or `error ...`; the controller forwards the operator's requests here.  For PTZ domes also
`dome N` (where dome N points, from its mechanics: a second witness beside its picture) and
`line stop|start N` (takes the serial server or VISCA port that carries camera N off the air
and back, as a serial server that reboots).

Domes (`"domes": {camera: protocol}` in the configuration): DomeSite puts them on a TCP
serial server (Pelco) or a UDP port (VISCA over IP) in this process; each dome camera's
picture is a window onto a larger scene, moved by a timer that follows the dome, with its
position burned in as a strip of cells.  The ready line carries each dome's `ptz` entry.
"""

from __future__ import annotations

import json
import os
import signal
import socketserver
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from console.sim.identity import TIME_ROW_CELLS, camera_colour, strip_height, strip_png, time_cells, time_strip
from console.sim.pipeline import (
    ELEMENTS,
    TYPELIBS,
    DomePicture,
    camera_launch,
    keeper_launch,
    missing_report,
    position_strip,
)
from console.sim.ptz_dome import position_code, view_window
from console.sim.ptz_servers import DomeSite
from console.sim.scene import bits_png, scene_png, scene_size


def _fail(reason: str) -> NoReturn:
    """The one line the controller reads when the server cannot start, then exit."""
    print(json.dumps({"event": "error", "reason": reason}), flush=True)
    sys.exit(2)


try:
    import gi
except ImportError:
    _fail(f"{sys.executable} has no GObject bindings: install the Debian package python3-gi")
for _namespace, _package in TYPELIBS.items():
    try:
        gi.require_version(_namespace, "1.0")
    except ValueError:
        _fail(f"GObject typelib {_namespace} 1.0 missing: install the Debian package {_package}")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer

try:  # the time strip is drawn with cairo, handed over by GObject's foreign cairo support
    import cairo

    gi.require_foreign("cairo")
except ImportError:
    _fail(f"{sys.executable} cannot draw the cameras' time strip: install the Debian package python3-gi-cairo")

RESTART_VIEWER_DELAY = 2.0
NVR_LONGEST = 3600  # seconds of footage one playback request gets when it names no end


class NvrFactory(GstRtspServer.RTSPMediaFactory):  # type: ignore[misc]
    """The simulated NVR: footage of a camera at the time a playback URL asks for, in the
    Hikvision and Dahua URL forms (console/video/nvr.py).  It has recorded every camera at all
    times until now: the footage is the camera's picture with the asked time in its time strip,
    frame by frame from the start the URL names (each request its own stream)."""

    def __init__(self, sim: SimServer) -> None:
        super().__init__()
        self.sim = sim
        self.set_shared(False)
        self.set_latency(0)
        if sim.config.get("user"):  # the same login as the cameras (an NVR holds their footage)
            self.add_role_from_structure(Gst.Structure.new_from_string(
                "operator, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"))

    def do_create_element(self, url: GstRtsp.RTSPUrl) -> Gst.Element | None:
        from console.video.nvr import NvrUrlError, read_playback_url

        try:
            request = read_playback_url(url.abspath, url.query or "")
        except NvrUrlError as exc:
            print(f"nvr: {url.abspath}?{url.query}: {exc}", file=sys.stderr, flush=True)
            return None
        camera = self.sim.cameras.get(request.channel)
        start_ms = int(request.start.timestamp() * 1000)
        if camera is None or start_ms > time.time() * 1000:
            print(f"nvr: nothing recorded for channel {request.channel} at {request.start}", file=sys.stderr, flush=True)
            return None
        end_ms = int(request.end.timestamp() * 1000) if request.end else start_ms + NVR_LONGEST * 1000
        end_ms = min(end_ms, int(time.time() * 1000))  # nothing recorded after now
        fps = self.sim.fps
        frames = max(1, (end_ms - start_ms) * fps // 1000)
        strip = strip_height(self.sim.height)
        png = Path(self.sim.tmp.name) / f"strip-{camera['number']}.png"
        if not png.exists():
            png.write_bytes(strip_png(camera["number"], self.sim.width, strip))
        launch = camera_launch(number=camera["number"], name=camera["name"], colour=camera_colour(camera["number"]),
                               width=self.sim.width, height=self.sim.height, fps=fps, gop=self.sim.gop, strip=strip,
                               strip_png=str(png), frames=frames, clock=False)
        element = Gst.parse_launch(f"( {launch} )")
        first: list[int] = []

        def recorded_time(timestamp: int) -> int:  # a frame's stream time after the first, from the start asked
            first.append(timestamp) if not first else None
            return start_ms + (timestamp - first[0]) // 1_000_000

        self.sim.burn_time(element.get_by_name("stamp"), 0, recorded_time)
        return element


class SimServer:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.width, self.height = config["width"], config["height"]
        self.fps, self.gop = config["fps"], config["gop"]
        self.cameras = {c["number"]: c for c in config["cameras"]}
        self.domes = DomeSite({int(n): p for n, p in (config.get("domes") or {}).items()})
        self.stopped: set[int] = set()
        self.client_paths: dict[GstRtspServer.RTSPClient, set[str]] = {}
        self.keepers: dict[int, Gst.Element] = {}
        self.tmp = tempfile.TemporaryDirectory(prefix="videowall-sim-")
        self.server = GstRtspServer.RTSPServer()
        self.server.set_address("127.0.0.1")
        self.server.set_service(str(config["port"]))
        self.server.connect("client-connected", self._on_client)
        if config.get("user"):
            auth = GstRtspServer.RTSPAuth()
            auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
            token = GstRtspServer.RTSPToken()
            token.set_string("media.factory.role", "operator")
            auth.add_digest(config["user"], config["password"], token)
            self.server.set_auth(auth)
        for number in self.cameras:
            self._mount(number)
        # The NVR: Hikvision's track per camera (channel = camera number, main stream), Dahua's one path.
        mounts = self.server.get_mount_points()
        nvr = NvrFactory(self)
        for number in self.cameras:
            mounts.add_factory(f"/Streaming/tracks/{number}01", nvr)
        mounts.add_factory("/cam/playback", nvr)

    def path(self, number: int) -> str:
        return f"/cam/{number}"

    def _launch(self, cam: dict[str, Any], payloader: str | None = None) -> str:
        strip = strip_height(self.height)
        png = Path(self.tmp.name) / f"strip-{cam['number']}.png"
        if not png.exists():
            png.write_bytes(strip_png(cam["number"], self.width, strip))
        extra: dict[str, Any] = {"payloader": payloader} if payloader else {}
        if cam["number"] in self.domes.dome_of:
            extra["dome"] = self._dome_picture(cam["number"])
        return camera_launch(number=cam["number"], name=cam["name"], colour=camera_colour(cam["number"]),
                             width=self.width, height=self.height, fps=self.fps, gop=self.gop, strip=strip,
                             strip_png=str(png), **extra)

    # -- domes ----------------------------------------------------------------------------
    def _dome_picture(self, number: int) -> DomePicture:
        size = scene_size((self.width, self.height))
        scene = Path(self.tmp.name) / f"scene-{number}.png"
        if not scene.exists():
            scene.write_bytes(scene_png(number, camera_colour(number), size))
        dome = self.domes.dome_of[number]
        first = self._position_png(number, position_code(dome.position(), dome.limits), 0)
        return DomePicture(str(scene), size, str(first))

    def _position_png(self, number: int, code: list[int], slot: int) -> Path:
        """A position strip as a PNG, written whole before anyone is pointed at it."""
        _top, tall = position_strip(self.height, strip_height(self.height))
        path = Path(self.tmp.name) / f"position-{number}-{slot}.png"
        part = path.with_suffix(".part")
        part.write_bytes(bits_png(code, self.width, tall))
        part.replace(path)
        return path

    def _follow_dome(self, _factory: object, media: GstRtspServer.RTSPMedia, number: int) -> None:
        """media-configure of a dome camera: move its window and strip with the dome, per frame."""
        dome = self.domes.dome_of[number]
        element = media.get_element()
        crop, overlay = element.get_by_name("crop"), element.get_by_name("pos")
        scene_w, scene_h = scene_size((self.width, self.height))
        gone = threading.Event()
        media.connect("unprepared", lambda *_: gone.set())
        shown: dict[str, Any] = {"window": None, "code": None, "slot": 0}

        def follow() -> bool:
            if gone.is_set():
                return False
            where = dome.position()
            x, y, w, h = view_window(where, (scene_w, scene_h), (self.width, self.height), dome.limits)
            x, y = max(0, min(x, scene_w - w)), max(0, min(y, scene_h - h))
            if shown["window"] != (x, y, w, h):
                shown["window"] = (x, y, w, h)
                for edge, value in (("left", x), ("right", scene_w - x - w), ("top", y), ("bottom", scene_h - y - h)):
                    crop.set_property(edge, value)
            code = position_code(where, dome.limits)
            if shown["code"] != code:
                # gdkpixbufoverlay loads the file when its location is set: two files in
                # turn, each written whole first, so it never reads one half-written.
                shown["code"], shown["slot"] = code, 1 - shown["slot"]
                overlay.set_property("location", str(self._position_png(number, code, shown["slot"])))
            return True

        follow()  # the first frame already shows where the dome points
        GLib.timeout_add(max(10, 1000 // self.fps), follow)

    def dome_state(self, number: int) -> str:
        dome = self.domes.dome_of.get(number)
        if dome is None:
            return f"error camera {number} is not a dome"
        where = dome.position()
        last = dome.last()
        return "ok " + json.dumps({"pan": where.pan, "tilt": where.tilt, "zoom": where.zoom, "moving": dome.moving,
                                   "last": last.action.kind if last else None,
                                   # CLOCK_MONOTONIC is the machine's: a test compares it with its own
                                   "last_at": last.at if last else None,
                                   "presets": sorted(dome.presets)})

    def dome_line(self, action: str, number: int) -> str:
        if number not in self.domes.dome_of:
            return f"error camera {number} is not a dome"
        server: Any = self.domes.visca.get(number)
        if server is None:
            dome = self.domes.dome_of[number]
            server = next(s for s in self.domes.serial.values() if dome in s.domes.values())
        if action == "stop":
            server.stop()
            return f"ok line of {number} stopped"
        try:
            server.start()
        except OSError as exc:
            return f"error line of {number}: {exc.strerror or exc}"
        return f"ok line of {number} started"

    def diagnose(self, number: int, timeout: float = 3.0) -> str:
        """Why a camera's stream does not start, in GStreamer's own words.

        The RTSP server only tells its viewers "Unhandled error" (a 503) when a camera's
        pipeline fails; building the same pipeline here, ending in a fakesink, gives the
        failing element and its reason.
        """
        return pipeline_error(self._launch(self.cameras[number], payloader="fakesink sync=false"), timeout) \
            or "the stream did not start (the pipeline itself runs: see the server's log)"

    def _stamp(self, _factory: object, media: GstRtspServer.RTSPMedia, number: int) -> None:
        """media-configure: burn each frame's capture time (ms since the epoch, UTC) into its
        time strip as it passes, as a camera stamps its sensor's frames."""
        above = position_strip(self.height, strip_height(self.height))[1] if number in self.domes.dome_of else 0
        self.burn_time(media.get_element().get_by_name("stamp"), above, lambda _timestamp: int(time.time() * 1000))

    def burn_time(self, stamp: Gst.Element, above: int, clock: Any) -> None:
        top, tall = time_strip(self.height, strip_height(self.height), above)
        width = self.width
        edges = [i * width // TIME_ROW_CELLS for i in range(TIME_ROW_CELLS + 1)]
        half = tall // 2

        def draw(_overlay: object, context: cairo.Context, _timestamp: int, _duration: int) -> None:
            # One black band, then every 1 cell in one white path: two fills a frame, 16 cameras
            # at 15 fps (the Python callback is most of what the strip costs).
            context.set_source_rgb(0, 0, 0)
            context.rectangle(0, top, width, tall)
            context.fill()
            context.set_source_rgb(1, 1, 1)
            for row, cells in enumerate(time_cells(clock(_timestamp))):
                y = top + row * half
                for i, bit in enumerate(cells):
                    if bit:
                        context.rectangle(edges[i], y, edges[i + 1] - edges[i], half)
            context.fill()

        stamp.connect("draw", draw)

    def _mount(self, number: int) -> None:
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(f"( {self._launch(self.cameras[number])} )")
        factory.connect("media-configure", self._stamp, number)
        if number in self.domes.dome_of:
            factory.connect("media-configure", self._follow_dome, number)
        # Shared like a real camera: a second viewer joins the running stream mid-GOP.
        factory.set_shared(True)
        factory.set_latency(0)
        # Not seekable, like a camera: FFmpeg PLAYs from "npt=0.000-", which GStreamer turns
        # into a flushing seek of the shared stream (a fresh keyframe for every viewer, and
        # with two viewers at once a gst_rtsp_media_get_rates abort in 1.22).  In this clock
        # mode GStreamer holds the stream unseekable.
        factory.set_publish_clock_mode(GstRtspServer.RTSPPublishClockMode.CLOCK_AND_OFFSET)
        if self.config.get("user"):
            factory.add_role_from_structure(
                Gst.Structure.new_from_string(
                    "operator, media.factory.access=(boolean)true, media.factory.construct=(boolean)true"
                )
            )
        self.server.get_mount_points().add_factory(self.path(number), factory)

    def power_on(self, number: int) -> None:
        """Start the camera's built-in viewer, so its stream runs like an always-on camera.

        A real camera encodes whether anyone watches or not (its NVR records it), so a new
        viewer joins mid-GOP.  Without a permanent viewer, GStreamer builds the shared stream
        for the first viewer and pauses it after the last, and 1.22 aborts
        (gst_rtsp_media_get_rates assertion) when two viewers start a paused stream at once.
        Runs off the main loop's thread: it waits for the viewer to start.
        """
        if number in self.keepers:
            return
        url = f"rtsp://127.0.0.1:{self.config['port']}{self.path(number)}"
        keeper = Gst.parse_launch(keeper_launch(url, self.config.get("user"), self.config.get("password")))
        self.keepers[number] = keeper
        keeper.set_state(Gst.State.PLAYING)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            sink = keeper.get_by_name("keep")
            if sink is not None and sink.get_static_pad("sink").is_linked():
                return
            message = keeper.get_bus().timed_pop_filtered(50 * Gst.MSECOND, Gst.MessageType.ERROR)
            if message is not None:
                keeper.set_state(Gst.State.NULL)
                self.keepers.pop(number, None)
                raise RuntimeError(f"camera {number}: {self.diagnose(number)}")
        raise RuntimeError(f"camera {number}: the stream did not start within 10 s")

    def power_on_quietly(self, number: int) -> None:
        if number in self.stopped:
            return  # stopped again meanwhile
        try:
            self.power_on(number)
        except RuntimeError as exc:
            print(f"camera {number}: {exc}", file=sys.stderr, flush=True)

    def power_off(self, number: int) -> None:
        keeper = self.keepers.pop(number, None)
        if keeper is not None:
            keeper.set_state(Gst.State.NULL)

    def _on_client(self, _server: object, client: GstRtspServer.RTSPClient) -> None:
        self.client_paths[client] = set()

        def note(_client: object, ctx: GstRtspServer.RTSPContext) -> None:
            if ctx.uri is not None:
                self.client_paths.setdefault(client, set()).add(ctx.uri.abspath)

        client.connect("describe-request", note)
        client.connect("setup-request", note)

        client.connect("closed", lambda c: self.client_paths.pop(c, None))

    def stop_camera(self, number: int) -> str:
        if number not in self.cameras:
            return f"error unknown camera {number}"
        path = self.path(number)
        self.server.get_mount_points().remove_factory(path)
        self.stopped.add(number)

        viewers: list[Any] = []

        def find_client(_server: object, client: object, *_: object) -> GstRtspServer.RTSPFilterResult:
            paths = self.client_paths.get(client, set())
            if any(p == path or p.startswith(path + "/") for p in paths):
                viewers.append(client)
            return GstRtspServer.RTSPFilterResult.KEEP

        # Closed a moment after the walk, and only if still open, not removed from inside it: a
        # client removed by the filter while it was itself closing (a viewer that had just sent
        # TEARDOWN) left the server spinning on a dead stream ("g_pollable_input_stream_read_
        # nonblocking: assertion failed") after a few dozen stops, and no camera answered.
        self.server.client_filter(find_client)

        def close_viewers() -> bool:
            for client in viewers:
                if client in self.client_paths:  # its "closed" signal has not come
                    client.close()
            return False

        GLib.timeout_add(100, close_viewers)

        def drop_session(_pool: object, session: GstRtspServer.RTSPSession, *_: object) -> GstRtspServer.RTSPFilterResult:
            media, _matched = session.get_media(path)
            return GstRtspServer.RTSPFilterResult.REMOVE if media is not None else GstRtspServer.RTSPFilterResult.KEEP

        self.server.get_session_pool().filter(drop_session)
        # Off the main loop: stopping waits for the pipeline's threads.
        threading.Thread(target=self.power_off, args=(number,), daemon=True).start()
        return f"ok stopped {number}"

    def sessions(self, number: int) -> int:
        """How many viewers' RTSP sessions play camera `number` now (what a real camera's limit
        counts), the site's own keeper not counted."""
        path = f"/cam/{number}"
        count = 0
        for session in self.server.get_session_pool().filter(None):
            for media in session.filter(None):
                found = media.matches(path)
                matched = found[0] if isinstance(found, tuple) else found
                # Playing only: a probe's SETUP without PLAY lingers until the session times out.
                if matched and media.get_rtsp_state() == GstRtsp.RTSPState.PLAYING:
                    count += 1
        return max(0, count - (1 if number in self.keepers else 0))

    def start_camera(self, number: int) -> str:
        if number not in self.cameras:
            return f"error unknown camera {number}"
        if number in self.stopped:
            self.stopped.discard(number)
            self._mount(number)
            return f"power {number}"
        return f"ok started {number}"

    def handle(self, line: str) -> str:
        parts = line.split()
        if not parts:
            return "error empty command"
        try:
            if parts[0] == "stop" and len(parts) == 2:
                return self.stop_camera(int(parts[1]))
            if parts[0] == "start" and len(parts) == 2:
                return self.start_camera(int(parts[1]))
            if parts[0] == "sessions" and len(parts) == 2:
                return f"ok {self.sessions(int(parts[1]))}"
            if parts[0] == "list":
                return "ok " + json.dumps({"stopped": sorted(self.stopped)})
            if parts[0] == "dome" and len(parts) == 2:
                return self.dome_state(int(parts[1]))
            if parts[0] == "line" and len(parts) == 3 and parts[1] in {"stop", "start"}:
                return self.dome_line(parts[1], int(parts[2]))
        except ValueError:
            return f"error bad camera number in {line!r}"
        return f"error unknown command {line!r}"


def _serve_control(sim: SimServer, port: int) -> socketserver.TCPServer:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            for raw in self.rfile:
                line = raw.decode("utf-8", "replace").strip()
                done = threading.Event()
                answer: list[str] = []

                def run(line: str = line, answer: list[str] = answer, done: threading.Event = done) -> bool:
                    answer.append(sim.handle(line))
                    done.set()
                    return False

                # GStreamer objects belong to the main loop's thread.
                GLib.idle_add(run)
                done.wait(10)
                reply = (answer or ["error timeout"])[0]
                if reply.startswith("power "):
                    # A camera coming back starts encoding for its first viewer, as a booted
                    # camera does: whoever reconnects first gets its first keyframe.  The
                    # built-in viewer (the "NVR") joins a little later.
                    number = int(reply.split()[1])
                    timer = threading.Timer(RESTART_VIEWER_DELAY, sim.power_on_quietly, args=(number,))
                    timer.daemon = True
                    timer.start()
                    reply = f"ok started {number}"
                self.wfile.write((reply + "\n").encode())
                self.wfile.flush()

    socketserver.TCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def pipeline_error(launch: str, timeout: float) -> str | None:
    """The first error a launch line meets while starting, as "element: message (detail)"."""
    try:
        pipeline = Gst.parse_launch(launch)
    except GLib.Error as exc:  # a missing element or a bad property: GStreamer names it
        return f"cannot build the pipeline: {exc.message}"
    try:
        pipeline.set_state(Gst.State.PLAYING)
        message = pipeline.get_bus().timed_pop_filtered(int(timeout * Gst.SECOND), Gst.MessageType.ERROR)
        if message is None:
            return None
        error, debug = message.parse_error()
        source = message.src.get_name() if message.src is not None else "pipeline"
        detail = (debug or "").strip().splitlines()[-1:] if debug else []
        return f"{source}: {error.message}" + (f" ({detail[0]})" if detail else "")
    finally:
        pipeline.set_state(Gst.State.NULL)


def main() -> int:
    Gst.init(None)
    missing = [name for name in ELEMENTS if Gst.ElementFactory.find(name) is None]
    if missing:
        _fail(missing_report(missing))
    config = json.loads(sys.stdin.readline())
    try:
        sim = SimServer(config)
    except ValueError as exc:  # a dome no simulated protocol speaks
        _fail(str(exc))
    loop = GLib.MainLoop()
    if sim.server.attach(None) == 0:
        print(json.dumps({"event": "error", "reason": f"cannot listen on 127.0.0.1:{config['port']}"}), flush=True)
        return 2
    control = _serve_control(sim, config["control_port"])
    try:
        sim.domes.start()
    except OSError as exc:
        _fail(f"cannot open the domes' serial servers: {exc.strerror or exc}")
    ready = {"event": "ready", "port": config["port"], "control_port": config["control_port"], "pid": os.getpid(),
             "ptz": {str(n): sim.domes.catalog_ptz(n) for n in sorted(sim.domes.dome_of)}}
    failures: list[str] = []

    def power_on_all() -> None:
        for number in list(sim.cameras):
            try:
                sim.power_on(number)
            except RuntimeError as exc:
                failures.append(str(exc))
        if failures:
            print(json.dumps({"event": "error", "reason": "; ".join(failures)}), flush=True)
            GLib.idle_add(loop.quit)
            return
        print(json.dumps(ready), flush=True)

    threading.Thread(target=power_on_all, daemon=True).start()
    for sig in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, sig, loop.quit)

    # The parent closing our stdin means it died: do not outlive it.
    def parent_gone(*_: object) -> bool:
        loop.quit()
        return False

    stdin = GLib.IOChannel.unix_new(sys.stdin.fileno())
    GLib.io_add_watch(stdin, GLib.PRIORITY_DEFAULT, GLib.IOCondition.HUP | GLib.IOCondition.IN, parent_gone)
    loop.run()
    control.shutdown()
    sim.domes.stop()
    sim.tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
