"""The matrix host: one truth for every desk and wall PC, over CurveZMQ.

ROUTER takes commands, keyboard lines and snapshot requests; PUB sends numbered updates
(ZeroMQ Guide "Clone": a client subscribes first, asks for a snapshot carrying a sequence
number, then applies only updates above it).  Only the public keys listed in the host's
configuration get in (ZAP); an unknown key gets nothing and is logged.  Every command is
validated, applied, audited and persisted before it is acknowledged.
"""

from __future__ import annotations

import collections
import dataclasses
import json
import logging
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import zmq
import zmq.auth.thread

from console.atomic import write_atomic
from console.matrix.audit import AuditLog
from console.matrix.bookmarks import Bookmarks, bookmark_command_from_dict, is_bookmark_command
from console.matrix.bookmarks import answer as bookmark_answer
from console.matrix.commands import (
    DEFAULT_RIGHTS,
    ClearTile,
    Command,
    CommandError,
    ControlPlayback,
    EvidenceNote,
    HoldTour,
    PlayRecording,
    RecallSalvo,
    RecordCamera,
    RecordingToken,
    RouteCamera,
    SaveSalvo,
    SaveTour,
    SetGrid,
    StartTour,
    StepTour,
    apply,
    command_from_dict,
)
from console.matrix.connection import enrolled
from console.matrix.keyboard import (
    PELCO_ACCEPTED,
    PELCO_LINE,
    PELCO_REJECTED,
    KeyboardError,
    KeyboardSession,
    LiveKey,
    PlayKey,
    PtzKey,
    RecordKey,
)
from console.matrix.layouts import Layout
from console.matrix.model import Camera, MatrixState, ModelError, Salvo, Tour, grid
from console.matrix.protocol import Envelope, ProtocolError, decode, encode
from console.matrix.ptz_commands import CONFIGURATION as PTZ_CONFIGURATION
from console.matrix.ptz_commands import is_ptz_command, ptz_command_from_dict
from console.matrix.ptz_control import PtzPolicy
from console.matrix.ptz_service import PtzService
from console.matrix.tours import TourScheduler

log = logging.getLogger("videowall.host")

CameraLookup = Callable[[int], Camera | None]
BATCH = 500  # messages handled before one group commit
GRAB_TIMEOUT = 5.0  # seconds a desk waits for a wall tile's picture
RECORDER_SILENT = 5.0  # a recorder not heard for this long is down (its relay is not offered)
DEFAULT_RECORD_MINUTES = 10  # RecordCamera without a duration


@dataclass
class HostKeys:
    public_key: bytes  # z85
    secret_key: bytes  # z85, loaded from the keyring
    authorized: dict[bytes, str] = field(default_factory=dict)  # client public key (z85) -> name
    # name -> "operator" or "supervisor".  None: no roles configured, every desk may do
    # everything (the host says so at start).  Configured: a name not listed is an operator.
    roles: dict[str, str] | None = None
    # A folder of enrolled desks' public keys (`<name>.pub`), let in as `local-<name>`: the
    # demo's, so a terminal on the same machine can drive it (console/matrix/connection.py).
    enrol_dir: Path | None = None
    rights: dict[str, tuple[str, ...]] | None = None  # role -> recording rights; None: DEFAULT_RIGHTS
    centre: str = "centre"  # the centre's Ed25519 key in the keyring signs recording tokens


# What only a supervisor may do: change what the centre has saved for everyone.
SUPERVISOR_COMMANDS = (SaveSalvo, SaveTour)


class _Gate:
    """ZAP credentials provider: lets in the configured (or enrolled) keys, logs the others."""

    def __init__(self, authorized: dict[bytes, str], refused: Counter[str], enrol_dir: Path | None = None) -> None:
        self.authorized = authorized
        self.refused = refused
        self.enrol_dir = enrol_dir

    def callback(self, _domain: str, key: bytes) -> bool:
        if key in self.authorized:
            return True
        name = enrolled(self.enrol_dir, key) if self.enrol_dir is not None else None
        if name is not None:
            self.authorized[key] = f"local-{name}"
            log.info("let in enrolled desk local-%s", name)
            return True
        self.refused["unknown-key"] += 1
        log.warning("refused a connection with unknown key %s…", key[:8].decode("ascii", "replace"))
        return False


class _Durability:
    """Makes each batch durable off the host's loop, and tells the loop when.

    The loop hands over batch numbers and, when a batch changed the state, the new state
    file's bytes; this thread fsyncs the audit trail, writes the state file atomically (only
    the newest, when several batches wait), and sends the batch number back over an inproc
    socket that the loop polls beside its ROUTER: the batch's replies go out then.
    Meanwhile the loop goes on relaying the agents' acknowledgements and taking commands:
    the fsyncs take up to 15 ms on a busy disk.
    """

    def __init__(self, ctx: zmq.Context[Any], audit: AuditLog, state_path: Path) -> None:
        self.audit = audit
        self.state_path = state_path
        self.endpoint = f"inproc://videowall-durable-{id(self)}"
        self.done = ctx.socket(zmq.PAIR)  # the loop's end
        self.done.linger = 0
        self.done.bind(self.endpoint)
        self._ctx = ctx
        self._cond = threading.Condition()
        self._asked = self._synced = 0
        self._state: bytes | None = None
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="matrix host fsync", daemon=True)
        self._thread.start()

    def request(self, batch: int, state: bytes | None) -> None:
        with self._cond:
            self._asked = max(self._asked, batch)
            if state is not None:
                self._state = state
            self._cond.notify()

    def close(self) -> None:
        """Makes durable what was asked, then stops."""
        with self._cond:
            self._closing = True
            self._cond.notify()
        self._thread.join(10)
        self.done.close(0)

    def _run(self) -> None:
        notify = self._ctx.socket(zmq.PAIR)
        notify.linger = 0
        notify.connect(self.endpoint)
        try:
            while True:
                with self._cond:
                    self._cond.wait_for(lambda: self._asked > self._synced or self._closing)
                    batch, state, closing = self._asked, self._state, self._closing
                    self._state = None
                if batch > self._synced:
                    try:
                        self.audit.sync()
                        if state is not None:
                            write_atomic(self.state_path, state)
                    except OSError as exc:  # a full or failing disk: say so loudly, keep the wall running
                        log.critical("could not make commands durable in %s: %s", self.state_path.parent, exc)
                    self._synced = batch
                    notify.send(str(batch).encode())
                if closing:
                    return
        finally:
            notify.close(0)


class MatrixHost:
    def __init__(self, layout: Layout, cameras: CameraLookup, keys: HostKeys, *, router: str, pub: str,
                 state_dir: Path, context: zmq.Context[Any] | None = None, ptz: PtzPolicy | None = None) -> None:
        self.state = MatrixState(layout.wall, salvos=dict(layout.salvos), tours=dict(layout.tours))
        self.titles = dict(layout.titles)  # "salvo:1" -> what operators call it
        self.min_dwell = layout.min_dwell
        for note in layout.notes:
            log.warning("%s", note)
        self.cameras = cameras
        self.keys = keys
        self.router_endpoint, self.pub_endpoint = router, pub
        self.state_dir = state_dir
        self.state_path = state_dir / "matrix-state.json"
        self.audit = AuditLog(state_dir / "audit.jsonl")
        # Bookmarks of recordings: the host keeps them, the recorder protects their spans
        # (console/matrix/bookmarks.py).
        self.bookmarks = Bookmarks(state_dir / "bookmarks.sqlite")
        # Wall tiles playing recordings: monitor -> {camera, moment, at, speed, paused}; the
        # tile shows `moment + (now - at) * speed` (or `moment` while paused), so every agent
        # showing a group computes the same recorded time from its own clock.
        self.playbacks: dict[int, dict[str, Any]] = {}
        self._playing_now: set[int] = set()
        self.ctx = context or zmq.Context.instance()
        self.seq = 0
        self.rejected: Counter[str] = Counter()
        self.handled = 0
        self.keyboards: dict[str, KeyboardSession] = {}
        self.health: dict[str, dict[str, Any]] = {}  # agent name -> its last tile report
        self.acks: dict[str, dict[str, Any]] = {}  # agent name -> its last acknowledgement
        self.recorders: dict[str, dict[str, Any]] = {}  # recorder name -> its last health report
        self.recordings: dict[int, dict[str, Any]] = {}  # camera -> on-demand recording {until, by, since}
        self._grabs: dict[str, tuple[bytes, Envelope, float]] = {}  # token -> (desk, request, deadline)
        self.tours = TourScheduler()
        self._replies: list[list[bytes]] = []
        self._updates: list[dict[str, Any]] = []
        self._dirty = False
        self._batch = 0
        self._notes: list[dict[str, Any]] = []  # what the command being executed did besides its changes
        self._who = "host"  # the desk whose commands are being executed
        self._waiting: collections.deque[tuple[int, list[list[bytes]]]] = collections.deque()  # replies until durable
        self._durability: _Durability | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()
        # PTZ: the arbiter's locks, dead-man stops, presets and tours, carried out on the lines.
        self.ptz = PtzService(cameras, self.audit, self._publish, ptz)
        self._ptz_axes: dict[tuple[str, int], dict[str, float]] = {}  # a keyboard's Pelco ASCII moves, per axis
        self._token_key: Any = None  # the centre's SigningKey, loaded at the first recording token
        self._restore()
        # A new one at every start.  Update numbers continue from the state file, which holds
        # only what was acknowledged: a host killed between an update and its AK comes back
        # one number lower than its agents, and would give the next update a number they
        # already have.  Followers rebuild from a snapshot when the epoch changes.
        self.epoch = uuid.uuid4().hex[:12]
        if keys.roles is None:
            log.info("no desk roles configured: every desk may save salvos and tours")

    # -- persistence --------------------------------------------------------------------
    def _restore(self) -> None:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            log.error("%s unreadable (%s): starting with an empty wall; the file is kept", self.state_path, exc)
            return
        try:
            wall = self.state.wall
            for screen_name, grid_name in data.get("grids", {}).items():
                if screen_name in {s.name for s in wall.screens}:  # the layout may have lost a screen
                    wall = wall.with_grid(screen_name, grid(grid_name))
            self.state.wall = wall
            self.seq = int(data.get("seq", 0))
            self.state.routes = {int(m): int(c) for m, c in data.get("routes", {}).items() if wall.shows(int(m))}
            self.playbacks = {int(m): _playback_entry(p) for m, p in data.get("playbacks", {}).items()
                              if wall.shows(int(m)) and self.state.routes.get(int(m)) == int(p["camera"])}
            for name, routes in data.get("salvos", {}).items():
                self.state.salvos[name] = Salvo(name, tuple((int(m), int(c)) for m, c in routes))
            for name, steps in data.get("tour_defs", {}).items():
                self.state.tours[name] = Tour(name, tuple((int(c), float(d)) for c, d in steps))
            self.tours.restore(data.get("tours", []), self.state.tours)
            for camera, entry in data.get("recordings", {}).items():
                if float(entry["until"]) > time.time():
                    self.recordings[int(camera)] = {"until": float(entry["until"]), "by": str(entry.get("by", "")),
                                                    "since": float(entry.get("since", 0.0))}
            for problem in self.ptz.arbiter.restore(data.get("ptz")):
                log.error("%s: PTZ: %s", self.state_path, problem)
        except (ModelError, ValueError, TypeError, AttributeError) as exc:
            log.error("%s: %s; restored what came before it", self.state_path, exc)
        log.info("restored %d routes, %d salvos (update %d)", len(self.state.routes), len(self.state.salvos), self.seq)

    def _state_bytes(self) -> bytes:
        # Salvos from the layout are saved too: a supervisor may have overwritten one.
        data = {"seq": self.seq, "routes": {str(m): c for m, c in sorted(self.state.routes.items())},
                "grids": {s.name: s.grid.name for s in self.state.wall.screens},
                "salvos": {name: [list(r) for r in salvo.routes] for name, salvo in sorted(self.state.salvos.items())},
                "tour_defs": {name: [list(s) for s in tour.steps] for name, tour in sorted(self.state.tours.items())},
                "tours": self.tours.to_dict(), "ptz": self.ptz.arbiter.to_dict(),
                "recordings": {str(c): r for c, r in sorted(self.recordings.items())},
                "playbacks": self._playbacks_info()}
        return json.dumps(data).encode("utf-8")

    # -- running ------------------------------------------------------------------------
    def start(self) -> MatrixHost:
        self._thread = threading.Thread(target=self.run, name="matrix host", daemon=True)
        self._thread.start()
        if not self.ready.wait(10):
            raise RuntimeError("the matrix host did not start")
        return self

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def run(self) -> None:
        auth = zmq.auth.thread.ThreadAuthenticator(self.ctx)
        auth.start()
        auth.configure_curve_callback("*", credentials_provider=_Gate(self.keys.authorized, self.rejected,
                                                                          self.keys.enrol_dir))
        router = self.ctx.socket(zmq.ROUTER)
        pub = self.ctx.socket(zmq.PUB)
        try:
            for sock in (router, pub):
                sock.curve_server = True
                sock.curve_secretkey = self.keys.secret_key
                sock.curve_publickey = self.keys.public_key
                sock.linger = 0
            router.maxmsgsize = 16 << 20  # beyond this ZeroMQ drops the connection; below, we count and refuse
            router.bind(self.router_endpoint)
            pub.bind(self.pub_endpoint)
            self.pub = pub
            durability = self._durability = _Durability(self.ctx, self.audit, self.state_path)
            self.ready.set()
            poller = zmq.Poller()
            poller.register(router, zmq.POLLIN)
            poller.register(durability.done, zmq.POLLIN)
            heartbeat_at = 0.0
            while not self._stop.is_set():
                deadlines = [d for d in (self.tours.next_deadline(), self.ptz.next_deadline()) if d is not None]
                deadline = min(deadlines) if deadlines else None
                wait = 100 if deadline is None else max(0, min(100, int((deadline - time.monotonic()) * 1000) + 1))
                ready = dict(poller.poll(wait))
                if ready.get(durability.done):
                    self._guarded("sending replies", self._send_durable, router)
                if ready.get(router):
                    for _ in range(BATCH):
                        try:
                            frames = router.recv_multipart(zmq.NOBLOCK, copy=False)
                        except zmq.Again:
                            break
                        self._handle_guarded(router, frames)
                self._guarded("a tour step", self._run_tours)
                self._guarded("PTZ timers", self._ptz_tick)
                self._guarded("expiring grabs", self._expire_grabs, router)
                self._guarded("committing a batch", self._flush, router)
                if time.monotonic() >= heartbeat_at:
                    heartbeat_at = time.monotonic() + 1.0
                    beat: dict[str, Any] = {"seq": self.seq, "epoch": self.epoch}
                    relay = self.relay()
                    if relay is not None:
                        beat["relay"] = relay  # where tiles take cameras from (console/video/relay.py)
                    self._publish("heartbeat", beat)
        finally:
            self._guarded("stopping PTZ", self.ptz.close)  # moving domes stop, sessions are audited
            if self._durability is not None:
                self._durability.close()  # syncs what is in flight: its replies can still go out
                for _, replies in self._waiting:
                    for reply in replies:
                        router.send_multipart(reply)
                self._waiting.clear()
            router.close(0)
            pub.close(0)
            auth.stop()
            self.audit.close()
            self.bookmarks.close()

    # -- the loop's guard -------------------------------------------------------------------
    # Whatever a desk sends or a timer meets, the loop goes on: every desk and wall agent of
    # the centre depends on it.  Inputs are bounded where they are parsed (keyboard numbers,
    # command fields, layout values); this is the last line, for what was not foreseen.
    def _guarded(self, what: str, step: Callable[..., Any], *args: Any) -> None:
        try:
            step(*args)
        except Exception:
            self.rejected["internal"] += 1
            log.exception("the matrix host skipped %s after an internal error", what, extra={"event": "internal-error"})
            if what == "a tour step":
                self.audit.append("host", "TourStepSkipped", {"reason": "internal error (logged)"}, "refused: internal error")

    def _handle_guarded(self, router: zmq.Socket[Any], frames: list[zmq.Frame]) -> None:
        replies = len(self._replies)
        try:
            self._handle(router, frames)
        except Exception:
            self.rejected["internal"] += 1
            log.exception("the matrix host refused a message after an internal error", extra={"event": "internal-error"})
            del self._replies[replies:]
            try:
                request = decode([f.bytes for f in frames[1:]])
            except ProtocolError:
                return
            if request.type not in ("ack", "health", "grab_result"):
                reply = request.reply({"ok": False, "answer": "NA internal error (logged)",
                                       "reason": {"code": "internal-error", "args": {}}}, "host")
                self._replies.append([frames[0].bytes, *encode(reply)])

    def _publish(self, kind: str, content: dict[str, Any]) -> None:
        self.pub.send_multipart([kind.encode(), *encode(Envelope(kind, content, "host"))])

    def _flush(self, router: zmq.Socket[Any]) -> None:
        """Group commit: one fsync of the audit trail and one state write for a whole batch.

        Order matters for the wall's speed and for what survives a crash.  The batch's audit
        lines go to the page cache first (a write, no fsync), then its updates go out, so the
        agents switch at once.  The fsync and the state file are left to `_Durability`, and
        the batch's replies wait for them: an AK means the command is on disk, in the audit
        trail and in the state a restarted host starts from.  A host killed between an
        update and its AK restarts without that change, one update number lower; the agents
        and desks, seeing a new `epoch`, rebuild from its snapshot, and the desk that got no
        AK says the command failed.
        """
        if not self._replies and not self._updates and not self.ptz.dirty:
            return
        if self.ptz.dirty:  # presets, PTZ tours, park: saved with the wall's state
            self._dirty, self.ptz.dirty = True, False
        self.audit.flush()
        for update in self._updates:
            self._publish("update", update)
        self._updates.clear()
        state = self._state_bytes() if self._dirty else None
        self._dirty = False
        self._batch += 1
        self._waiting.append((self._batch, self._replies))
        self._replies = []
        assert self._durability is not None
        self._durability.request(self._batch, state)

    def _send_durable(self, router: zmq.Socket[Any]) -> None:
        assert self._durability is not None
        durable = 0
        while True:
            try:
                durable = max(durable, int(self._durability.done.recv(zmq.NOBLOCK)))
            except zmq.Again:
                break
        while self._waiting and self._waiting[0][0] <= durable:
            for reply in self._waiting.popleft()[1]:
                router.send_multipart(reply)

    def _handle(self, router: zmq.Socket[Any], frames: list[zmq.Frame]) -> None:
        identity = frames[0].bytes
        user = frames[-1].get("User-Id") if frames else ""
        who = self.keys.authorized.get(str(user).encode(), str(user)[:8])
        try:
            request = decode([f.bytes for f in frames[1:]])
        except ProtocolError as exc:
            self.rejected[exc.reason] += 1
            if sum(self.rejected.values()) % 1000 == 1:
                log.warning("rejected a message from %s: %s (%d rejected so far)", who, exc, sum(self.rejected.values()))
            return
        self.handled += 1
        if request.type == "ack":
            self._ack(who, request.content)
            return  # acknowledgements get no reply
        if request.type == "health":
            # An agent's tile report, {screen, tiles: {monitor: {state, frame_age, fps, camera}}}.
            # No reply: an agent's screen must never wait on the host (its liveness comes from
            # the heartbeats it hears).
            self.health[who] = {"at": time.time(), **request.content}
            return
        if request.type == "recorder":
            # Answered at once: a health report changes nothing that must reach the disk first.
            content = self._recorder(who, request.content)
            router.send_multipart([identity, *encode(request.reply(content, "host"))])
            return
        if request.type == "grab":
            self._grab(identity, request)
            return  # answered when the agent sends the picture
        if request.type == "grab_result":
            self._grab_result(who, request.content)
            return
        if request.type == "snapshot_request":
            content = self.snapshot()
        elif request.type == "command" and request.content.get("command") == RecordingToken.name:
            content = self._recording_token(who, request.content)
        elif request.type == "command" and is_ptz_command(request.content):
            content = self._ptz_command(who, request.content)
        elif request.type == "command" and is_bookmark_command(request.content):
            content = self._bookmark_command(who, request.content)
        elif request.type == "command" and "keys" in request.content:
            content = self._keyboard(who, str(request.content["keys"]))
        elif request.type == "command":
            try:
                command = command_from_dict(request.content)
            except CommandError as exc:
                self.rejected["command"] += 1
                content = {"ok": False, "answer": f"NA {exc}"}
            else:
                content = self._execute(who, [command])
        else:
            self.rejected["unexpected-type"] += 1
            content = {"ok": False, "answer": f"NA a host does not take {request.type} messages"}
        self._replies.append([identity, *encode(request.reply(content, "host"))])

    # -- acknowledgements and pictures from the agents --------------------------------------
    def _ack(self, who: str, content: dict[str, Any]) -> None:
        seq, stage = content.get("seq"), content.get("stage")
        if not isinstance(seq, int) or stage not in ("applied", "shown"):
            self.rejected["ack"] += 1
            return
        monitors = [m for m in content.get("monitors", []) if isinstance(m, int)]
        self.acks[who] = {"seq": seq, "stage": stage, "at": time.time()}
        # Not numbered state: desks that wait for the wall (a salvo's progress) listen to these.
        self._publish("ack", {"agent": who, "seq": seq, "stage": stage, "monitors": monitors})

    # -- the recorder ---------------------------------------------------------------------
    def _recorder(self, who: str, content: dict[str, Any]) -> dict[str, Any]:
        """A recorder's health report; answered with the viewers its relay lets in (the keys
        this host authorises) and the cameras to record on demand."""
        self.recorders[who] = {"at": time.time(), **content}
        now = time.time()
        for camera in [c for c, r in self.recordings.items() if r["until"] <= now]:
            del self.recordings[camera]
            self._dirty = True
        return {"ok": True, "clients": sorted(k.decode() for k in self.keys.authorized),
                "record": {str(c): r["until"] for c, r in sorted(self.recordings.items())},
                # The spans the bookmarks keep from retention: the recorder makes its store's
                # protections match (and so catches up by itself after being down).
                "protect": self.bookmarks.protections()}

    def _bookmark_command(self, who: str, content: dict[str, Any]) -> dict[str, Any]:
        try:
            command = bookmark_command_from_dict(content)
        except CommandError as exc:
            self.rejected["command"] += 1
            return {"ok": False, "answer": f"NA {exc}"}
        return bookmark_answer(self.bookmarks, command, who=who, role=self._role(who), rights=self.rights_of(who),
                               audit=self.audit.append)

    def relay(self) -> dict[str, Any] | None:
        """The relay of the recorder heard most recently, if it is up."""
        best: dict[str, Any] | None = None
        for report in self.recorders.values():
            relay = report.get("relay")
            fresh = time.time() - float(report.get("at", 0)) < RECORDER_SILENT
            if isinstance(relay, dict) and fresh and (best is None or float(report["at"]) > float(best["at"])):
                best = {"at": report["at"], "endpoint": str(relay.get("endpoint", "")),
                        "public_key": str(relay.get("public_key", ""))}
        if best is None or not best["endpoint"] or len(best["public_key"]) != 40:
            return None
        return {"endpoint": best["endpoint"], "public_key": best["public_key"]}

    def _record(self, who: str, command: RecordCamera) -> None:
        if self.cameras(command.camera) is None:
            raise ModelError(f"unknown camera {command.camera}", "unknown-camera", camera=command.camera)
        minutes = command.minutes or DEFAULT_RECORD_MINUTES
        now = time.time()
        until = max(now + minutes * 60, self.recordings.get(command.camera, {}).get("until", 0.0))
        since = self.recordings.get(command.camera, {}).get("since", now)
        self.recordings[command.camera] = {"until": until, "by": who, "since": since}
        self._dirty = True
        clock = time.strftime("%H:%M", time.localtime(until))
        self._note(f"camera {command.camera} recorded until {clock}", "recording-until", camera=command.camera,
                   until=clock)
        if not any(time.time() - float(r.get("at", 0)) < RECORDER_SILENT for r in self.recorders.values()):
            self._note(f"no recorder answers: camera {command.camera} is recorded once one does",
                       "no-recorder", camera=command.camera)

    def playback(self) -> dict[str, Any] | None:
        """Where desks read recordings: the HTTP server of the recorder heard most recently."""
        best: dict[str, Any] | None = None
        for name, report in self.recorders.items():
            served = report.get("playback")
            fresh = time.time() - float(report.get("at", 0)) < RECORDER_SILENT
            if isinstance(served, dict) and served.get("url") and fresh and \
                    (best is None or float(report["at"]) > best["at"]):
                best = {"at": float(report["at"]), "recorder": name, "url": str(served["url"]),
                        "key_id": str(served.get("key_id", ""))}
        return best

    def _recording_token(self, who: str, content: dict[str, Any]) -> dict[str, Any]:
        """A token for the recorder (console/recorder/tokens.py) if `who`'s role has the right;
        granted or refused, audited before the answer goes (the reply waits for the fsync)."""
        from console.evidence.signing import SigningKey, SigningKeyError
        from console.recorder.tokens import mint_token, peek_claims

        try:
            command = command_from_dict(content)
        except CommandError as exc:
            self.rejected["command"] += 1
            return {"ok": False, "answer": f"NA {exc}"}
        assert isinstance(command, RecordingToken)
        role = self._role(who)
        granted = self.rights_of(who)
        detail: dict[str, Any] = {"cameras": list(command.cameras), "right": command.right, "role": role}
        reply: dict[str, Any]
        unknown = [c for c in command.cameras if self.cameras(c) is None]
        if command.right not in granted:
            self.rejected["not-allowed"] += 1
            reply = {"ok": False, "answer": f"NA {who} ({role}) has no {command.right} right "
                                            f"({role}s have: {', '.join(granted) or 'none'})",
                     "reason": {"code": "no-right", "args": {"desk": who, "role": role, "right": command.right}}}
        elif unknown:
            reply = {"ok": False, "answer": f"NA unknown camera {unknown[0]}",
                     "reason": {"code": "unknown-camera", "args": {"camera": unknown[0]}}}
        else:
            try:
                key = self._token_key or SigningKey.load(self.keys.centre, create=True)
            except SigningKeyError as exc:
                log.error("no recording token for %s: %s", who, exc)
                reply = {"ok": False, "answer": f"NA the host cannot sign recording tokens: {exc}",
                         "reason": {"code": "token-key", "args": {}}}
            else:
                self._token_key = key  # the keyring once, not per request
                token = mint_token(key, desk=who, role=role, rights=[command.right], cameras=command.cameras)
                claims = peek_claims(token)
                expires = claims.expires_at
                detail["token_id"] = claims.token_id  # the token itself never goes into the trail
                reply = {"ok": True, "answer": "AK", "token": token, "expires": expires, "key_id": key.key_id,
                         "recorder": self.playback()}
        self.audit.append(who, command.name, detail, "ok" if reply["ok"] else f"refused: {reply['answer'][3:]}")
        return reply

    def _grab(self, identity: bytes, request: Envelope) -> None:
        monitor = request.content.get("monitor")
        try:
            if isinstance(monitor, bool) or not isinstance(monitor, int):
                raise ModelError(f"grab needs a monitor number, not {monitor!r}", "needs-number", key="grab")
            self.state.wall.locate(monitor)
        except ModelError as exc:
            self.rejected["grab"] += 1
            self._replies.append([identity, *encode(request.reply({"ok": False, "answer": f"NA {exc}"}, "host"))])
            return
        token = request.msg_id
        self._grabs[token] = (identity, request, time.monotonic() + GRAB_TIMEOUT)
        self._publish("grab", {"token": token, "monitor": monitor})

    def _grab_result(self, who: str, content: dict[str, Any]) -> None:
        pending = self._grabs.pop(str(content.get("token")), None)
        if pending is None:
            self.rejected["grab-late"] += 1
            return
        identity, request, _deadline = pending
        answer = {k: v for k, v in content.items() if k != "token"}
        answer.setdefault("ok", False)
        answer["agent"] = who
        self._replies.append([identity, *encode(request.reply(answer, "host"))])

    def _expire_grabs(self, router: zmq.Socket[Any]) -> None:
        now = time.monotonic()
        for token, (identity, request, deadline) in list(self._grabs.items()):
            if deadline <= now:
                del self._grabs[token]
                monitor = request.content.get("monitor")
                answer = {"ok": False, "answer": f"NA no wall agent answered for monitor {monitor}"}
                self._replies.append([identity, *encode(request.reply(answer, "host"))])

    def _keyboard(self, who: str, line: str) -> dict[str, Any]:
        session = self.keyboards.setdefault(who, KeyboardSession())
        if PELCO_LINE.match(line.strip()):
            answers = []
            for pelco, reason in session.feed_pelco(line.strip()):
                if reason is not None:
                    result: dict[str, Any] = {"ok": False}
                else:
                    keys = [c for c in pelco if isinstance(c, PtzKey)]
                    result = self._ptz_keys(who, keys) if keys else \
                        self._execute(who, [c for c in pelco if isinstance(c, Command)])
                answers.append(PELCO_ACCEPTED if result["ok"] else PELCO_REJECTED)
            return {"ok": all(a == PELCO_ACCEPTED for a in answers), "answer": "".join(answers)}
        # A refused line changes nothing, the selected monitor included: the keyboard's
        # display must never show one monitor while the next CAM goes to another.
        before = (session.monitor, session.entry)
        try:
            commands = session.feed(line)
            if session.monitor is not None:
                self.state.wall.locate(session.monitor)
        except (KeyboardError, ModelError) as exc:
            session.monitor, session.entry = before
            return {"ok": False, "answer": f"NA {exc}", "reason": exc.reason()}
        # The wall's part of the line all or nothing, then its PTZ keys on what the wall shows
        # afterwards: `1 MON 12 CAM 3 PRESET` calls preset 3 of camera 12.
        result = self._execute(who, [c for c in commands if isinstance(c, Command)])
        if not result["ok"]:
            session.monitor, session.entry = before
            return result
        keys = [c for c in commands if isinstance(c, PtzKey)]
        if keys:
            ptz = self._ptz_keys(who, keys)
            if not ptz["ok"]:
                return {**ptz, "seq": result["seq"], "commands": result["commands"]}
        records: list[Command] = []
        for key in (c for c in commands if isinstance(c, RecordKey | PlayKey | LiveKey)):
            camera = self.state.routes.get(key.monitor)
            if camera is None:
                what = "record" if isinstance(key, RecordKey) else "play back"
                return {"ok": False, "answer": f"NA monitor {key.monitor} shows no camera to {what}",
                        "reason": {"code": "rec-no-camera" if isinstance(key, RecordKey) else "play-no-camera",
                                   "args": {"monitor": key.monitor}}}
            if isinstance(key, RecordKey):
                records.append(RecordCamera(camera, key.minutes))
            elif isinstance(key, PlayKey):
                records.append(PlayRecording((key.monitor,), (camera,), max(0.0, time.time() - key.seconds)))
            else:
                records.append(RouteCamera(key.monitor, camera))  # a route is live again
        if records:
            recorded = self._execute(who, records)
            if not recorded["ok"]:
                return recorded
            result = {**result, "notes": result.get("notes", []) + recorded.get("notes", [])}
        return result

    def _ptz_keys(self, who: str, keys: list[PtzKey]) -> dict[str, Any]:
        """Keyboard PTZ keys, each for the camera on its monitor, through the arbiter."""
        reply: dict[str, Any] = {"ok": True, "answer": "AK"}
        for key in keys:
            camera = self.state.routes.get(key.monitor)
            if camera is None:
                return {"ok": False, "answer": f"NA monitor {key.monitor} shows no camera to steer",
                        "reason": {"code": "ptz-no-camera", "args": {"monitor": key.monitor}}}
            axes = self._ptz_axes.setdefault((who, camera), {"pan": 0.0, "tilt": 0.0, "zoom": 0.0})
            content: dict[str, Any]
            if key.action in ("goto", "set"):
                content = {"command": "PtzPreset", "camera": camera, "action": key.action, "preset": key.number}
            elif key.action == "stop":
                axes.update(pan=0.0, tilt=0.0, zoom=0.0)
                content = {"command": "PtzStop", "camera": camera}
            elif key.axis in ("focus", "iris"):
                content = {"command": "PtzFocus" if key.axis == "focus" else "PtzIris", "camera": camera,
                           "speed": key.speed}
            else:
                # Pelco ASCII moves one axis at a time (47Ra then 33Da): the others keep theirs.
                axes[str(key.axis)] = key.speed
                content = {"command": "PtzMove", "camera": camera, **axes}
            reply = self._ptz_command(who, content)
            if not reply["ok"]:
                return reply
        return reply

    # -- PTZ ------------------------------------------------------------------------------------
    def _ptz_command(self, who: str, content: dict[str, Any]) -> dict[str, Any]:
        """A PTZ command: not through `_execute` (it would audit every joystick tick); the
        arbiter audits sessions.  Configuration (tours, park) is for supervisors."""
        try:
            command = ptz_command_from_dict(content)
        except CommandError as exc:
            self.rejected["command"] += 1
            return {"ok": False, "answer": f"NA {exc}"}
        if isinstance(command, PTZ_CONFIGURATION) and self._role(who) != "supervisor":
            self.rejected["not-allowed"] += 1
            return {"ok": False, "answer": f"NA {who} is an operator: {command.name} needs a supervisor",
                    "reason": {"code": "needs-supervisor", "args": {"desk": who, "command": command.name}}}
        return self.ptz.handle(who, self._role(who), command)

    def _ptz_tick(self) -> None:
        self.ptz.tick()

    def _role(self, who: str) -> str:
        roles = self.keys.roles
        return "supervisor" if roles is None else roles.get(who, "operator")

    def rights_of(self, who: str) -> tuple[str, ...]:
        """What `who` may do with recordings: its role's rights (the configuration's `rights:`)."""
        return tuple((self.keys.rights or DEFAULT_RIGHTS).get(self._role(who), ()))

    def _execute(self, who: str, commands: list[Command]) -> dict[str, Any]:
        """All of a line's commands, or none of them: a refused one takes the others back."""
        state = self.state
        saved = (dict(state.routes), state.wall, dict(state.salvos), dict(state.tours),
                 {m: dataclasses.replace(r) for m, r in self.tours.runs.items()})
        changes: dict[int, int | None] = {}
        self._notes = []
        self._who = who
        saved_recordings = dict(self.recordings)
        saved_playbacks = {m: dict(p) for m, p in self.playbacks.items()}
        self._playing_now = set()
        for command in commands:
            try:
                if isinstance(command, SUPERVISOR_COMMANDS) and self._role(who) != "supervisor":
                    self.rejected["not-allowed"] += 1
                    raise ModelError(f"{who} is an operator: {command.name} needs a supervisor", "needs-supervisor",
                                     desk=who, command=command.name)
                changes.update(self._apply(command))
            except ModelError as exc:
                state.routes, state.wall, state.salvos, state.tours, self.tours.runs = saved
                self.recordings = saved_recordings
                self.playbacks = saved_playbacks
                self.audit.append(who, command.name, command.to_dict(), f"refused: {exc}")
                self._notes = []
                return {"ok": False, "answer": f"NA {exc}", "reason": exc.reason()}
            except Exception:
                # All or nothing holds for the unforeseen too: the guard answers, the wall is as it was.
                state.routes, state.wall, state.salvos, state.tours, self.tours.runs = saved
                self.playbacks = saved_playbacks
                self.audit.append(who, command.name, command.to_dict(), "refused: internal error (logged)")
                raise
        for command in commands:
            self.audit.append(who, command.name, command.to_dict())
        # A route put on a monitor (a camera, a salvo, a tour, a clear) is live again there.
        ended = [m for m in changes if m in self.playbacks and m not in self._playing_now]
        for monitor in ended:
            del self.playbacks[monitor]
        playback_changed = self.playbacks != saved_playbacks
        if changes or playback_changed or any(isinstance(c, StartTour | HoldTour | SaveSalvo | SaveTour | SetGrid)
                                              for c in commands):
            self._commit(changes)
        notes, self._notes = self._notes, []
        for note in notes:
            # Every desk hears what a change did besides itself (a tour that stopped with its tile).
            self.audit.append(who, "Note", note)
            self._publish("event", {"by": who, **note})
        # The commands themselves: a desk keeps them for its undo stack.
        reply = {"ok": True, "answer": "AK", "seq": self.seq, "commands": [c.to_dict() for c in commands]}
        if notes:
            reply["notes"] = notes
        return reply

    def _note(self, text: str, code: str, **args: Any) -> None:
        self._notes.append({"text": text, "code": code, "args": args})

    def _apply(self, command: Command) -> dict[int, int | None]:
        """Tour commands are timed here; everything else is the model's."""
        if isinstance(command, EvidenceNote):
            return {}  # only for the audit trail, which _execute writes for every command
        if isinstance(command, RecordCamera):
            self._record(self._who, command)
            return {}
        if isinstance(command, PlayRecording):
            return self._play_recording(command)
        if isinstance(command, ControlPlayback):
            self._control_playback(command)
            return {}
        if isinstance(command, StartTour):
            tour = self.state.tours.get(command.tour)
            if tour is None:
                raise ModelError(f"unknown tour {command.tour!r}", "unknown-tour", tour=command.tour)
            self.state.wall.locate(command.monitor)
            for camera, _dwell in tour.steps:
                if self.cameras(camera) is None:
                    raise ModelError(f"tour {tour.name}: unknown camera {camera}", "tour-unknown-camera", tour=tour.name,
                                     camera=camera)
            first = self.tours.start(command.monitor, tour, command.direction)
            return apply(self.state, RouteCamera(command.monitor, first), self.cameras)
        if isinstance(command, HoldTour):
            self.tours.hold(command.monitor)
            return {}
        if isinstance(command, StepTour):
            if command.monitor in self.tours.runs:
                camera = self.tours.step(command.monitor, command.step)
            else:
                camera = self._neighbour_camera(command.monitor, command.step)
            return apply(self.state, RouteCamera(command.monitor, camera), self.cameras)
        if isinstance(command, RouteCamera | ClearTile):
            self.tours.stop(command.monitor)  # an operator's own choice ends the tour there
        if isinstance(command, SaveTour):
            short = [d for d in command.dwells if d < self.min_dwell]
            if short:
                raise ModelError(f"tour {command.tour}: a dwell of {short[0]:g} s is shorter than this centre's "
                                 f"{self.min_dwell:g} s", "dwell-too-short", tour=command.tour, dwell=short[0],
                                 minimum=self.min_dwell)
            changes = apply(self.state, command, self.cameras)
            # A tour running with the old steps goes on with the new ones.
            for run in self.tours.runs.values():
                if run.tour.name == command.tour:
                    run.tour = self.state.tours[command.tour]
                    run.index %= len(run.tour.steps)
            return changes
        if isinstance(command, SetGrid):
            # Monitor numbers stay; the tours on tiles the new grid no longer shows end, and say so.
            new_wall = self.state.wall.with_grid(command.screen, grid(command.grid))
            for monitor in sorted(m for m in self.tours.runs if not new_wall.shows(m)):
                run = self.tours.runs[monitor]
                self.tours.stop(monitor)
                self._note(f"tour {run.tour.name} on monitor {monitor} stopped: grid changed to {command.grid}",
                           "tour-stopped-grid", tour=run.tour.name, monitor=monitor, grid=command.grid)
        if isinstance(command, RecallSalvo) and (salvo := self.state.salvos.get(command.salvo)) is not None:
            hidden = [m for m, _ in salvo.routes if not self.state.wall.shows(m)]
            if hidden:
                shown = ", ".join(map(str, hidden))
                self._note(f"salvo {salvo.name}: monitors {shown} are not shown now (skipped)",
                           "salvo-skipped", salvo=salvo.name, monitors=shown)
        return apply(self.state, command, self.cameras)

    # -- recordings on the wall ----------------------------------------------------------------
    def _may_play_on_wall(self) -> None:
        who = self._who
        if "wall-playback" not in self.rights_of(who):
            self.rejected["not-allowed"] += 1
            raise ModelError(f"{who} ({self._role(who)}) has no wall-playback right", "no-right", desk=who,
                             role=self._role(who), right="wall-playback")

    def _play_recording(self, command: PlayRecording) -> dict[int, int | None]:
        self._may_play_on_wall()
        now = time.time()
        if command.moment > now + 1:
            raise ModelError("a recording cannot be played from the future", "playback-future")
        changes: dict[int, int | None] = {}
        for monitor, camera in zip(command.monitors, command.cameras, strict=True):
            self.tours.stop(monitor)
            changes.update(apply(self.state, RouteCamera(monitor, camera), self.cameras))
            self.playbacks[monitor] = {"camera": camera, "moment": command.moment, "at": now,
                                       "speed": command.speed, "paused": False}
            self._playing_now.add(monitor)
        return changes

    def _control_playback(self, command: ControlPlayback) -> None:
        self._may_play_on_wall()
        now = time.time()
        for monitor in command.monitors:
            entry = self.playbacks.get(monitor)
            if entry is None:
                raise ModelError(f"monitor {monitor} plays no recording", "no-playback", monitor=monitor)
            position = playback_position(entry, now)
            if command.action == "seek":
                if command.moment > now + 1:
                    raise ModelError("a recording cannot be played from the future", "playback-future")
                position = command.moment
            entry["moment"], entry["at"] = position, now
            if command.action in ("pause", "play"):
                entry["paused"] = command.action == "pause"
            if command.action == "speed":
                entry["speed"] = command.speed
            self._playing_now.add(monitor)

    def _playbacks_info(self) -> dict[str, Any]:
        return {str(m): dict(p) for m, p in sorted(self.playbacks.items())}

    def _neighbour_camera(self, monitor: int, step: int) -> int:
        """NEXT / PREV with no tour: the next camera number that exists, as on a matrix."""
        current = self.state.routes.get(monitor, 0)
        for distance in range(1, 10_000):
            candidate = current + step * distance
            if candidate < 1:
                break
            if self.cameras(candidate) is not None:
                return candidate
        raise ModelError(f"no camera {'after' if step > 0 else 'before'} {current}",
                         "no-camera-after" if step > 0 else "no-camera-before", camera=current)

    def _commit(self, changes: dict[int, int | None]) -> None:
        self.seq += 1
        self._dirty = True
        self._updates.append({"seq": self.seq, "epoch": self.epoch, "routes": {str(m): c for m, c in changes.items()},
                              "cameras": self._camera_info(c for c in changes.values() if c is not None),
                              "wall": self._wall_info(), "tours_running": self._tours_running(),
                              "salvos": sorted(self.state.salvos), "tours": sorted(self.state.tours),
                              "playbacks": self._playbacks_info()})

    def _run_tours(self) -> None:
        hints = self.tours.upcoming()
        if hints:
            # Not part of the numbered state: a hint lost is only a cold switch.
            self._publish("hint", {"next": {str(m): c for m, c in hints}, "cameras": self._camera_info(c for _, c in hints)})
        steps = self.tours.due()
        if steps:
            changes: dict[int, int | None] = {}
            done = []
            for monitor, camera in steps:
                # One step at a time under its own guard: a step that meets the unforeseen is
                # skipped with an event, and the other tours due in this tick still step.
                try:
                    changes.update(apply(self.state, RouteCamera(monitor, camera), self.cameras))
                    done.append([monitor, camera])
                except ModelError as exc:
                    log.warning("tour on monitor %d: %s", monitor, exc)
                except Exception:
                    self.rejected["internal"] += 1
                    log.exception("the matrix host skipped the tour step to camera %d on monitor %d after an "
                                  "internal error", camera, monitor, extra={"event": "internal-error"})
                    note = {"text": f"tour step to camera {camera} on monitor {monitor} skipped: internal error "
                                    "(logged)", "code": "tour-step-failed",
                            "args": {"camera": camera, "monitor": monitor}}
                    self.audit.append("host", "TourStepSkipped", {"monitor": monitor, "camera": camera},
                                      "refused: internal error")
                    self._publish("event", {"by": "host", **note})
            self.audit.append("host", "TourStep", {"steps": done})
            self._commit(changes)

    def _wall_info(self) -> dict[str, Any]:
        wall = self.state.wall
        # first_monitor and max_grid: each screen's block of numbers, which a desk or agent must
        # not work out from the grids (a smaller grid leaves its numbers unshown, not reused).
        return {"name": wall.name,
                "screens": [{"name": s.name, "grid": s.grid.name, "position": list(s.position),
                             "first_monitor": wall.first_of(s.name), "max_grid": (s.max_grid or s.grid).name}
                            for s in wall.screens]}

    def _camera_info(self, numbers: Any) -> dict[str, Any]:
        """What an agent needs to play a camera: name, stream and credential reference."""
        info = {}
        for number in set(numbers):
            camera = self.cameras(number)
            if camera is not None:
                info[str(number)] = {"name": camera.name, "place": list(camera.place), "main": camera.main_stream,
                                     "sub": camera.sub_stream, "credential": camera.credential}
        return info

    def snapshot(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "epoch": self.epoch,
            "wall": self._wall_info(),
            "routes": {str(m): c for m, c in sorted(self.state.routes.items())},
            "cameras": self._camera_info(self.state.routes.values()),
            "health": self.health,
            "now": time.time(),  # the host's clock, to read the reports' "at" against
            "salvos": sorted(self.state.salvos),
            "tours": sorted(self.state.tours),
            "tours_running": self._tours_running(),
            "titles": self.titles,
            "salvo_defs": {n: [list(r) for r in s.routes] for n, s in sorted(self.state.salvos.items())},
            "tour_defs": {n: [list(s) for s in t.steps] for n, t in sorted(self.state.tours.items())},
            "acks": self.acks,
            "rejected": dict(self.rejected),  # refused messages by reason, since the host started
            "ptz": self.ptz.snapshot(),
            "recorders": self.recorders,
            "recordings": {str(c): r for c, r in sorted(self.recordings.items())},
            "relay": self.relay(),
            "playbacks": self._playbacks_info(),
        }

    def _tours_running(self) -> dict[str, Any]:
        return {str(m): {"tour": r.tour.name, "held": r.held} for m, r in sorted(self.tours.runs.items())}


class HostClient:
    """A desk's or an agent's connection: requests over DEALER, updates over SUB (if `pub`)."""

    def __init__(self, router: str, server_public: bytes, public_key: bytes, secret_key: bytes, *, name: str = "client",
                 pub: str | None = None, topics: tuple[str, ...] = ("update", "hint"),
                 context: zmq.Context[Any] | None = None) -> None:
        self.ctx = context or zmq.Context.instance()
        self.name = name
        # Kept for the relay (console/video/relay.py), which lets in the keys this host does.
        self.server_public, self.public_key, self.secret_key = server_public, public_key, secret_key
        self.dealer = self.ctx.socket(zmq.DEALER)
        self.sub: zmq.Socket[Any] | None = self.ctx.socket(zmq.SUB) if pub else None
        for sock in (self.dealer, self.sub):
            if sock is None:
                continue
            sock.curve_serverkey = server_public
            sock.curve_publickey = public_key
            sock.curve_secretkey = secret_key
            sock.linger = 0
        if self.sub is not None and pub is not None:
            for topic in topics:
                self.sub.setsockopt(zmq.SUBSCRIBE, topic.encode())
            self.sub.connect(pub)  # subscribe before the snapshot: no update can fall between
        self.dealer.connect(router)

    def updates(self) -> list[Envelope]:
        """Every update waiting on the SUB socket (non-blocking); malformed ones are skipped."""
        out = []
        while self.sub is not None:
            try:
                frames = self.sub.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            try:
                out.append(decode(frames[1:]))
            except ProtocolError as exc:
                log.warning("skipped a malformed update: %s", exc)
        return out

    def send(self, kind: str, content: dict[str, Any]) -> None:
        """A message that gets no reply (an acknowledgement, a grabbed picture)."""
        self.dealer.send_multipart(encode(Envelope(kind, content, self.name)))

    def request(self, kind: str, content: dict[str, Any], timeout: float = 5.0) -> Envelope:
        envelope = Envelope(kind, content, self.name)
        self.dealer.send_multipart(encode(envelope))
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self.dealer.poll(int(left * 1000)):
                raise TimeoutError("no answer from the matrix host (unreachable, or our key is not authorised)")
            reply = decode(self.dealer.recv_multipart())
            # A reply to an earlier request that timed out arrives late: not ours, drop it.
            if reply.parent.get("msg_id") == envelope.msg_id:
                return reply

    def keys(self, line: str) -> str:
        return str(self.request("command", {"keys": line}).content.get("answer", ""))

    def close(self) -> None:
        self.dealer.close(0)
        if self.sub is not None:
            self.sub.close(0)


def playback_position(entry: dict[str, Any], now: float) -> float:
    """The recorded moment a wall playback shows at wall time `now`."""
    if entry.get("paused"):
        return float(entry["moment"])
    return float(entry["moment"]) + (now - float(entry["at"])) * float(entry["speed"])


def _playback_entry(data: Any) -> dict[str, Any]:
    return {"camera": int(data["camera"]), "moment": float(data["moment"]), "at": float(data["at"]),
            "speed": float(data.get("speed", 1.0)), "paused": bool(data.get("paused", False))}
