"""The wall agent: one window for one screen of the wall, following the matrix host.

It subscribes to the host's updates first, then takes a snapshot (Clone pattern): updates at
or below the snapshot's number are dropped, a gap in the numbering means a re-snapshot.
Each tile is a `TileWidget`; every second the agent reports its tiles' health to the host.
It acknowledges each update it applied ("applied") and again once the changed tiles show
their new cameras ("shown"), so a desk can tell when a salvo is really on the wall; and it
answers the host's `grab` with the tile's picture at native resolution (PNG).
"""

from __future__ import annotations

import base64
import collections
import logging
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import zmq
from PySide6.QtCore import QSocketNotifier, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGridLayout, QWidget

from console import credentials
from console.matrix.commands import StepTour
from console.matrix.host import HostClient
from console.matrix.model import Camera, grid
from console.matrix.protocol import HostEpoch
from console.matrix.tours import HINT_LEAD
from console.ui.tile import TileWidget
from console.ui.wall_playback import WallPlayback
from console.video.player import Health, VideoEngine
from console.video.urls import with_credentials

log = logging.getLogger("videowall.agent")
HOST_SILENT = 3.0  # seconds without a heartbeat before the agent says the host is gone
# How long before a tour's step its next camera is opened (hidden, decoding): enough for a warm
# start from the GOP cache (≈ 30 ms) on a busy machine, short enough not to decode two
# cameras for long.  The host's hint comes HINT_LEAD seconds before the step.
PREOPEN_LEAD = 0.8
PREOPEN_GRACE = 3.0  # after the step was due: a pre-opened camera still unseen is closed
EVENTS_KEPT = 20


class WallAgent(QWidget):
    def __init__(self, client: HostClient, screen: str, engine: VideoEngine, renderer: str = "callbacks",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.client = client
        self.screen_name = screen
        self.engine = engine
        self.renderer = renderer
        self.seq = -1
        self.epoch = HostEpoch()  # the host's run, from the last snapshot
        self.first_monitor = 0
        self.grid_name = ""
        self.tiles: list[TileWidget] = []
        self.playing: dict[int, int] = {}  # monitor -> camera shown
        self.cameras: dict[int, dict[str, Any]] = {}
        self.preconnected: list[int] = []  # cameras pre-connected on a tour's hint
        self.preopen = True  # open a tour's next camera hidden before its step (off: ingest only)
        self.tours: dict[int, str] = {}  # monitor -> the tour running there (from the host)
        self.tour_defs: dict[str, list[int]] = {}  # tour -> its cameras in order
        self._hinted: dict[int, tuple[int, int | None]] = {}  # monitor -> (next camera, camera before it)
        self._watching: dict[int, tuple[int, int | None]] = {}  # a tour step's camera, until it plays
        self._shut_down = False
        # What happened on this screen that a desk should hear of (a tour step skipped): sent
        # with the health reports, newest last.
        self.events: collections.deque[dict[str, Any]] = collections.deque(maxlen=EVENTS_KEPT)
        self.rejected = 0  # malformed updates skipped
        self._awaiting: dict[int, int] = {}  # monitor -> update number whose first frame it waits for
        self._host_heard_at = time.monotonic()
        self._host_silent = False
        # Tiles playing recordings, as the host decided (console/ui/wall_playback.py).
        self.wall_playback = WallPlayback(self._tile_of, self._command, self._title_of, self)
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self.setWindowTitle(self.tr("videowall — screen %1").replace("%1", screen))
        # A wall window takes no typing: under a window manager, showing it must not take the
        # keyboard from the operator's console (the console takes it back where it can).
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        assert client.sub is not None, "an agent needs the host's update feed"
        for topic in (b"update", b"hint", b"grab", b"heartbeat"):  # whatever the client subscribed already
            client.sub.setsockopt(zmq.SUBSCRIBE, topic)
        self._notifier = QSocketNotifier(client.sub.getsockopt(zmq.FD), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_updates)
        self._health = QTimer(self)
        self._health.setInterval(1000)
        self._health.timeout.connect(self.report_health)
        self._health.start()
        self.resnapshot()

    # -- following the host ---------------------------------------------------------------
    def resnapshot(self) -> None:
        try:
            snapshot = self.client.request("snapshot_request", {}, timeout=2.0).content
        except TimeoutError:
            if self.seq < 0:
                raise  # at start: the caller says the host is unreachable
            log.warning("no snapshot from the matrix host; trying again in 1 s")
            QTimer.singleShot(1000, self.resnapshot)
            return
        self.cameras.update({int(k): v for k, v in snapshot.get("cameras", {}).items()})
        self._follow_tours(snapshot)
        self._apply_wall(snapshot["wall"])
        self.seq = int(snapshot["seq"])
        self.epoch.adopt(snapshot.get("epoch"))
        routes = {int(m): int(c) for m, c in snapshot["routes"].items()}
        recorded = {int(m) for m in (snapshot.get("playbacks") or {})}
        started = self._switch(self.seq, {m: routes.get(m) for m in range(self.first_monitor,
                                                                           self.first_monitor + len(self.tiles))
                                          if m not in recorded})
        self._follow_playbacks(snapshot.get("playbacks") or {})
        if started:  # a desk sees the rebuilt screen come up as it would see any update
            self.client.send("ack", {"seq": self.seq, "stage": "applied", "monitors": started})
        # Updates that arrived meanwhile are at or below this snapshot, or the next ones.
        self._on_updates()

    def _on_updates(self) -> None:
        # ZeroMQ's FD is edge-triggered: read until the socket says nothing is left.
        self._notifier.setEnabled(False)
        try:
            sub = self.client.sub
            while sub is not None and int(sub.getsockopt(zmq.EVENTS)) & zmq.POLLIN:
                for update in self.client.updates():
                    try:
                        if update.type == "heartbeat":
                            self._heard_host(update.content)
                        elif update.type == "hint":
                            self._preconnect(update.content)
                        elif update.type == "grab":
                            self._grab(update.content)
                        else:
                            self._apply_update(update.content)
                    except (KeyError, TypeError, ValueError, AttributeError) as exc:
                        # Only the authenticated host can publish; a bad update is a bug there or a
                        # version skew: skip it and rebuild from a snapshot rather than guess.
                        self.rejected += 1
                        log.error("skipped a malformed %s from the host: %r", update.type, exc)
                        self.resnapshot()
        finally:
            self._notifier.setEnabled(True)

    def _apply_update(self, content: dict[str, Any]) -> None:
        seq = int(content.get("seq", 0))
        if self._host_restarted(content):
            return
        if seq <= self.seq:
            return  # already in the snapshot
        if seq > self.seq + 1:
            log.info("missed updates %d..%d: taking a new snapshot", self.seq + 1, seq - 1)
            self.resnapshot()
            return
        self.seq = seq
        self.cameras.update({int(k): v for k, v in content.get("cameras", {}).items()})
        self._follow_tours(content)
        if "wall" in content and self._apply_wall(content["wall"]):
            self.resnapshot()
            return
        routes = {int(m): (None if c is None else int(c)) for m, c in content.get("routes", {}).items()}
        # A tile that plays a recording keeps its live player closed (the recording covers it).
        recorded = {int(m) for m in (content.get("playbacks") or {})}
        mine = {m: c for m, c in routes.items() if self._mine(m) and m not in recorded}
        # Acknowledge once the update is checked and this screen's part of it is known, then
        # switch the video: the desk learns in milliseconds that the wall took the salvo,
        # and the "shown" acknowledgement follows with the first pictures.
        changed = [m for m, c in mine.items() if c is not None and self.playing.get(m) != c and c in self.cameras]
        if changed:
            self.client.send("ack", {"seq": seq, "stage": "applied", "monitors": changed})
            # ZeroMQ sends from its own I/O thread: give it the CPU before the switch takes it.
            time.sleep(0.001)
        self._switch(seq, mine)
        if "playbacks" in content:
            self._follow_playbacks(content["playbacks"] or {})

    def _follow_playbacks(self, playbacks: dict[str, Any]) -> None:
        self.wall_playback.follow(playbacks, self._mine)
        for monitor in self.wall_playback.monitors():
            if self.playing.pop(monitor, None) is not None:
                self.tiles[monitor - self.first_monitor].clear()

    def _apply_wall(self, wall: dict[str, Any]) -> bool:
        """Place this screen in the wall; rebuild the tiles if its grid changed."""
        first = 1
        for screen in wall["screens"]:
            # The screen's block of monitor numbers, from the host (an older host sends none:
            # then the tiles follow the previous screens' grids).
            first = int(screen.get("first_monitor") or first)
            if screen["name"] == self.screen_name:
                changed = screen["grid"] != self.grid_name or first != self.first_monitor
                if changed:
                    self.first_monitor = first
                    self._build(screen["grid"])
                return changed
            first += grid(screen.get("max_grid") or screen["grid"]).size
        raise ValueError(f"the wall {wall.get('name')!r} has no screen {self.screen_name!r}")

    def _mine(self, monitor: int) -> bool:
        return self.first_monitor <= monitor < self.first_monitor + len(self.tiles)

    def _tile_of(self, monitor: int) -> QWidget | None:
        return self.tiles[monitor - self.first_monitor] if self._mine(monitor) else None

    def _command(self, command: Any) -> dict[str, Any]:
        try:
            return dict(self.client.request("command", command.to_dict(), timeout=2.0).content)
        except TimeoutError:
            return {"ok": False, "answer": "NA the matrix host does not answer"}

    def _title_of(self, camera: int) -> str:
        return str(self.cameras.get(camera, {}).get("name", ""))

    def _build(self, grid_name: str) -> None:
        self.wall_playback.shutdown()  # its pictures cover tiles that go now; the snapshot brings them back
        for tile in self.tiles:
            tile.close_player()
            tile.deleteLater()
        self.tiles, self.playing = [], {}
        self._hinted.clear()  # the monitors they were for may be other tiles now
        self._watching.clear()
        self.grid_name = grid_name
        layout_grid = grid(grid_name)
        for index, cell in enumerate(layout_grid.cells):
            tile = TileWidget(self.engine, self.renderer, monitor=self.first_monitor + index, parent=self)
            self._layout.addWidget(tile, cell.row, cell.column, cell.row_span, cell.column_span)
            tile.first_frame.connect(lambda _s, m=self.first_monitor + index: self._on_first_frame(m))
            tile.health_changed.connect(partial(self._on_tile_health, self.first_monitor + index))
            self.tiles.append(tile)

    def _follow_tours(self, content: dict[str, Any]) -> None:
        if isinstance(content.get("tours_running"), dict):
            self.tours = {int(m): str(t["tour"]) for m, t in content["tours_running"].items()
                          if isinstance(t, dict) and "tour" in t}
        if isinstance(content.get("tour_defs"), dict):
            self.tour_defs = {str(n): [int(c) for c, _dwell in steps] for n, steps in content["tour_defs"].items()}

    def _preconnect(self, content: dict[str, Any]) -> None:
        """A tour steps soon: start ingesting its next camera, and shortly before the step open
        it hidden on the tile, so the step shows no black frame (`TileWidget.prepare`)."""
        self.cameras.update({int(k): v for k, v in content.get("cameras", {}).items()})
        for monitor_text, camera in content.get("next", {}).items():
            monitor = int(monitor_text)
            if self.first_monitor <= monitor < self.first_monitor + len(self.tiles):
                url = self._url(monitor, camera)
                if url:
                    self.engine.pool.preconnect(url)
                    self.preconnected.append(camera)
                    self._hinted[monitor] = (camera, self.playing.get(monitor))
                    if self.preopen:
                        lead = max(0.0, HINT_LEAD - PREOPEN_LEAD)
                        QTimer.singleShot(int(lead * 1000), self, partial(self._preopen, monitor, camera, url))

    def _preopen(self, monitor: int, camera: int, url: str) -> None:
        # The hint may be stale by now: the operator took the monitor, or the grid changed.
        if self._shut_down or self._hinted.get(monitor, (None,))[0] != camera or self._url(monitor, camera) != url:
            return
        if not self.first_monitor <= monitor < self.first_monitor + len(self.tiles):
            return
        self.tiles[monitor - self.first_monitor].prepare(url, camera)
        # A tour held (or stopped) after its hint never steps: do not decode its camera unseen for ever.
        QTimer.singleShot(int((PREOPEN_LEAD + PREOPEN_GRACE) * 1000), self, partial(self._expire_preopen, monitor, camera))

    def _expire_preopen(self, monitor: int, camera: int) -> None:
        if self._shut_down or not self.first_monitor <= monitor < self.first_monitor + len(self.tiles):
            return
        tile = self.tiles[monitor - self.first_monitor]
        if tile.prepared is not None and tile.prepared_camera == camera:
            tile.cancel_prepared()
            if self._hinted.get(monitor, (None,))[0] == camera:
                del self._hinted[monitor]

    def _cannot_open(self, tile: TileWidget) -> Health | None:
        """The health of the camera opened ahead for a step, if it failed to open."""
        standby = tile.prepared
        if standby is None or standby.player.url is None:
            return None
        health = standby.player.health()
        failed = health.state == "error" or (health.state == "lost" and standby.player.first_frame_at is None)
        return health if failed else None

    def _skip_step(self, monitor: int, camera: int, before: int | None, health: Health) -> None:
        """A tour's next camera cannot open: step the tour past it instead of showing a dead
        tile for a whole dwell, and say so."""
        tour = self.tours.get(monitor, "")
        step = self._direction(tour, before, camera)
        event = {"at": time.time(), "event": "tour_step_skipped", "monitor": monitor, "camera": camera, "tour": tour,
                 "code": health.code, "reason": health.reason}
        self.events.append(event)
        log.warning("tour %s on monitor %d: camera %d skipped (%s)", tour, monitor, camera, health.reason)
        tile = self.tiles[monitor - self.first_monitor]
        tile.cancel_prepared()
        try:
            reply = self.client.request("command", StepTour(monitor, step).to_dict(), timeout=1.0).content
        except TimeoutError:
            log.warning("the matrix host did not answer the skip of camera %d on monitor %d", camera, monitor)
            return
        if not reply.get("ok"):
            log.warning("the matrix host refused to skip camera %d on monitor %d: %s", camera, monitor, reply.get("answer"))

    def _direction(self, tour: str, before: int | None, camera: int) -> int:
        """+1 if the tour runs forwards from `before` to `camera`, -1 if backwards."""
        steps = self.tour_defs.get(tour, [])
        if before is None or before not in steps or len(steps) < 2:
            return 1
        index = steps.index(before)
        return 1 if steps[(index + 1) % len(steps)] == camera else -1 if steps[index - 1] == camera else 1

    def _url(self, monitor: int, camera: int) -> str | None:
        info = self.cameras.get(camera)
        if info is None:
            return None
        cam = Camera(camera, str(camera), info["name"], main_stream=info.get("main") or "", sub_stream=info.get("sub") or "")
        url = cam.stream_for(grid(self.grid_name).fraction(monitor - self.first_monitor))
        if info.get("credential"):
            try:
                url = with_credentials(url, *credentials.load(info["credential"]))
            except credentials.CredentialError as exc:
                log.error("camera %d: %s", camera, exc)
        return url

    def _switch(self, seq: int, routes: dict[int, int | None]) -> list[int]:
        """Show `routes` (monitor -> camera or None) as update `seq`; the monitors that start a
        new camera, whose first pictures make the "shown" acknowledgement."""
        # Every monitor is marked before any starts: a first picture can come back while the
        # next tiles are still switching, and must not acknowledge the update early.
        starting = [m for m, c in routes.items() if c is not None and self.playing.get(m) != c]
        for monitor, camera in routes.items():
            if camera is None:
                self._awaiting.pop(monitor, None)
        for monitor in starting:
            self._awaiting[monitor] = seq
        started = []
        for monitor, camera in routes.items():
            if self._show(monitor, camera):
                started.append(monitor)
            elif monitor in starting:
                self._awaiting.pop(monitor, None)  # no stream known for it: nothing will show
        return started

    def _show(self, monitor: int, camera: int | None) -> bool:
        """Put `camera` on `monitor` (None clears it); True when a new camera starts there."""
        tile = self.tiles[monitor - self.first_monitor]
        if camera is None:
            if self.playing.pop(monitor, None) is not None:
                tile.clear()
            return False
        if self.playing.get(monitor) == camera:
            return False
        url = self._url(monitor, camera)
        if url is None:
            log.warning("no stream known for camera %d on monitor %d", camera, monitor)
            return False
        hint = self._hinted.pop(monitor, None)
        self._watching.pop(monitor, None)
        if hint is not None and hint[0] == camera and monitor in self.tours:
            failed = self._cannot_open(tile)
            if failed is not None:
                # The old camera stays on screen until the host's next route arrives.
                self._skip_step(monitor, camera, hint[1], failed)
                return False
            # A camera that fails only now (a slow timeout) is skipped when it does.
            self._watching[monitor] = (camera, hint[1])
        tile.play(url, camera, self.cameras[camera]["name"])
        self.playing[monitor] = camera
        return True

    def _on_tile_health(self, monitor: int, health: Health) -> None:
        watched = self._watching.get(monitor)
        if watched is None:
            return
        tile = self.tiles[monitor - self.first_monitor]
        if tile.camera_number != watched[0] or monitor not in self.tours or health.state == "playing":
            self._watching.pop(monitor, None)  # it plays, or the step is over: nothing to skip
            return
        if health.state == "error":
            self._watching.pop(monitor, None)
            self._skip_step(monitor, watched[0], watched[1], health)

    def _on_first_frame(self, monitor: int) -> None:
        seq = self._awaiting.pop(monitor, None)
        if seq is not None and seq not in self._awaiting.values():
            self.client.send("ack", {"seq": seq, "stage": "shown", "monitors": [monitor]})

    def _grab(self, content: dict[str, Any]) -> None:
        """The host asks for a tile's picture; only the agent showing that monitor answers.

        A tile that has lost its signal still holds its last picture: it is sent too, never as
        if it were live.  Beside the PNG the answer says the tile's state (and reason), the
        picture's age and its time (this machine's clock: now minus the frame age, read after
        the snapshot), and for a lost tile since when its signal is lost.
        """
        monitor = int(content["monitor"])
        if not self.first_monitor <= monitor < self.first_monitor + len(self.tiles):
            return
        tile = self.tiles[monitor - self.first_monitor]
        if monitor in self.wall_playback.recorded:
            self.client.send("grab_result", self._grab_recording(str(content["token"]), monitor))
            return
        health = tile.health
        answer: dict[str, Any] = {"token": str(content["token"]), "monitor": monitor, "camera": tile.camera_number,
                                  "state": health.state, "reason": health.reason, "code": health.code}
        if health.state not in ("playing", "lost"):
            answer.update(ok=False, answer=f"NA monitor {monitor} shows no picture ({health.state})")
        else:
            with tempfile.TemporaryDirectory(prefix="videowall-grab-") as folder:
                path = Path(folder) / "tile.png"
                try:
                    width, height = tile.snapshot(str(path))
                    png = path.read_bytes()
                except (OSError, RuntimeError) as exc:
                    answer.update(ok=False, answer=f"NA monitor {monitor}: {exc}")
                else:
                    now, after = time.time(), tile.health
                    age = after.frame_age if after.frame_age != float("inf") else 0.0
                    answer.update(ok=True, answer="AK", width=width, height=height, state=after.state,
                                  reason=after.reason, code=after.code, frame_age=round(age, 3),
                                  frame_time=round(now - age, 3), grabbed_at=round(now, 3),
                                  png=base64.b64encode(png).decode("ascii"))
                    if after.state == "lost":
                        # Its last picture came when the signal went: that is when it was lost.
                        answer["lost_since"] = answer["frame_time"]
        self.client.send("grab_result", answer)

    def _grab_recording(self, token: str, monitor: int) -> dict[str, Any]:
        """A tile playing a recording: the recorded frame on it, at its native size, with its
        *recorded* time and state "playback", so evidence never passes it off as live."""
        recorded = self.wall_playback.recorded[monitor]
        frame = recorded.view.frame
        answer: dict[str, Any] = {"token": token, "monitor": monitor, "camera": recorded.camera, "state": "playback",
                                  "reason": "", "code": "playback"}
        if frame is None:
            return {**answer, "ok": False,
                    "answer": f"NA monitor {monitor} plays camera {recorded.camera}'s recording but shows no picture "
                              f"now{': ' + recorded.error if recorded.error else ''}"}
        rgb = frame.rgb()
        image = QImage(rgb.data, rgb.shape[1], rgb.shape[0], rgb.strides[0], QImage.Format.Format_RGB888)
        with tempfile.TemporaryDirectory(prefix="videowall-grab-") as folder:
            path = Path(folder) / "tile.png"
            if not image.save(str(path)):  # the .png name says the format
                return {**answer, "ok": False, "answer": f"NA monitor {monitor}: the picture could not be encoded"}
            png = path.read_bytes()
        now = time.time()
        return {**answer, "ok": True, "answer": "AK", "width": rgb.shape[1], "height": rgb.shape[0], "frame_age": 0.0,
                "frame_time": round(frame.utc, 3), "recorded_time": round(frame.utc, 3), "grabbed_at": round(now, 3),
                "png": base64.b64encode(png).decode("ascii")}

    # -- reporting ------------------------------------------------------------------------
    def health_report(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "screen": self.screen_name,
            "tiles": {str(self.first_monitor + i): {**t.health.to_dict(), "camera": t.camera_number}
                      for i, t in enumerate(self.tiles)},
        }
        if self.events:
            report["events"] = list(self.events)
        return report

    def report_health(self) -> None:
        self.client.send("health", self.health_report())
        silent = time.monotonic() - self._host_heard_at
        if silent > HOST_SILENT:
            if not self._host_silent:
                log.warning("no heartbeat from the matrix host for %.0f s; the screen keeps its last routes", silent)
            self._host_silent = True

    def _heard_host(self, content: dict[str, Any]) -> None:
        self._host_heard_at = time.monotonic()
        self.engine.use_relay(content.get("relay"), self.client.public_key, self.client.secret_key)
        if self._host_silent:
            self._host_silent = False
            log.info("the matrix host is back")
        if self._host_restarted(content):
            return
        # An update lost while the host was away shows as a gap here: take a new snapshot.
        if int(content.get("seq", self.seq)) > self.seq:
            log.info("heartbeat says update %s, we have %d: taking a new snapshot", content.get("seq"), self.seq)
            self.resnapshot()

    def _host_restarted(self, content: dict[str, Any]) -> bool:
        """A new host epoch: its numbering may have gone back (see MatrixHost.epoch)."""
        verdict = self.epoch.judge(content.get("epoch"))
        if verdict == "same":
            return False
        if verdict == "stale":
            return True  # still queued from before the restart: the snapshot has replaced it
        log.info("the matrix host restarted (epoch %s): taking a new snapshot", content.get("epoch"))
        self.resnapshot()
        return True

    def shutdown(self) -> None:
        self._shut_down = True  # a pre-open timer may still fire: the players are going
        self._health.stop()
        self._notifier.setEnabled(False)
        self.wall_playback.shutdown()
        for tile in self.tiles:
            tile.close_player()
