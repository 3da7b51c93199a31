"""The matrix host's PTZ arbitration: who steers which dome, and what the dome is told.

A pure state machine for the host's one loop: no Qt, no ZeroMQ, no I/O, no threads.  The
host hands it each PTZ command with the desk's name and role (`handle`) and calls `tick`
every turn of its loop (`next_deadline` says when it is next due); both return an `Outcome`
whose actions the host carries out:

- `Drive(camera, command)`: send a console.ptz command to that camera's controller;
- `Audit(actor, action, detail, outcome)`: one line of the audit trail;
- `LockChanged(camera, holder, ...)`: publish to the desks (who holds the dome now).

`Outcome.persist` says the state worth keeping (`to_dict`) changed.  Time comes from an
injected monotonic clock (and a wall clock for the audit trail's times), so a test moves it
by hand.

The rules:

- **Locks.**  A dome is held by one desk at a time: the first command takes it, and it lapses
  `lease` seconds (30) after its holder's last command.  A desk whose role has a higher
  priority takes it over at once (the holder's session ends, its move is stopped); an equal
  or lower one is refused: `camera 12 is held by desk-2 (supervisor) for 18 s` (what is left
  of the lease).  Roles in `lock_roles` (supervisors) may lock explicitly (`PtzLock`): such a
  lock does not lapse (`explicit_lease` None) until `PtzRelease` or a higher priority's
  takeover.  Any holder may release early.
- **Dead-man.**  A continuous move (pan/tilt/zoom, focus, iris) lasts while its desk repeats
  it (console.matrix.ptz_commands.REFRESH_EVERY, 0.3 s); `dead_man` seconds (0.8) without a
  repeat and the arbiter tells the dome to stop, so a dome halts within a second of a
  console's crash.
- **Coalescing.**  A repeat with the same speeds refreshes the dead-man and the lease and
  sends nothing (again only after `resend_after`, 0.5 s, for domes that stop a move by
  themselves: ONVIF's continuous-move timeout); a new speed is sent at once.  The line below
  keeps only the newest unsent move of each dome (console/ptz/lines.py): no backlog.
- **Sessions.**  Holding a dome is a session: one audit line when it starts and one when it
  ends (released, lapsed, taken over, host stopped) with its times, how many commands, the
  presets set and called and the tours started; speed ticks are not audited.
- **Presets, tours, park.**  Preset names, PTZ tours (preset, dwell, speed), a running tour's
  place and each camera's park (a home preset after N seconds idle) are the persisted state.
  A tour runs by itself; any command that drives the dome (move, stop, preset call, another
  tour) from whoever may steer it ends the tour.  Park happens once per idle spell, never on
  a dome that is held, moving or touring.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from console.matrix.commands import CommandError
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
    ptz_command_from_dict,
)
from console.ptz.commands import AuxOutput, Centre, Focus, Iris, Move, Preset, PresetAction, PtzCommand, PtzError, Stop

Clock = Callable[[], float]
Validator = Callable[[int, PtzCommand], None]
"""Checks that a camera's dome can take a command (raises PtzError: no PTZ, a preset beyond
the protocol's range...), before the arbiter changes anything.  The host's checks the camera
has a `ptz:` entry and runs the dome's encoder on the command."""

STATE_VERSION = 1
DEFAULT_PRIORITIES: Mapping[str, int] = {"operator": 1, "supervisor": 2}


# -- policy ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PtzPolicy:
    lease: float = 30.0  # seconds a lock lasts after its holder's last command
    dead_man: float = 0.8  # seconds a continuous move lasts without a repeat
    resend_after: float = 0.5  # a repeat of the same speeds is sent again after this long
    priorities: Mapping[str, int] = field(default_factory=lambda: dict(DEFAULT_PRIORITIES))
    lock_roles: frozenset[str] = frozenset({"supervisor"})  # may lock explicitly
    explicit_lease: float | None = None  # None: an explicit lock lasts until released

    def priority(self, role: str) -> int:
        return int(self.priorities.get(role, 0))

    @classmethod
    def from_config(cls, data: Mapping[str, Any] | None) -> PtzPolicy:
        """From the host configuration's `ptz:` mapping (lease, dead_man, resend_after,
        priorities: {role: number}, lock_roles: [role], explicit_lease); every problem at once."""
        if not data:
            return cls()
        problems: list[str] = []
        known = {"lease", "dead_man", "resend_after", "priorities", "lock_roles", "explicit_lease"}
        for key in sorted(set(data) - known):
            problems.append(f"ptz: unknown key {key!r} (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {}
        for key, low, high in (("lease", 1.0, 86_400.0), ("dead_man", 0.1, 10.0), ("resend_after", 0.05, 10.0),
                               ("explicit_lease", 1.0, 7 * 86_400.0)):
            if key not in data or (key == "explicit_lease" and data[key] is None):
                continue
            value = data[key]
            if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
                problems.append(f"ptz: {key} must be a number of seconds from {low:g} to {high:g}, not {value!r}")
            else:
                values[key] = float(value)
        if "priorities" in data:
            priorities = data["priorities"]
            if not isinstance(priorities, Mapping) or not all(
                    isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 1000
                    for k, v in priorities.items()):
                problems.append(f"ptz: priorities must map roles to whole numbers 0-1000, not {priorities!r}")
            else:
                values["priorities"] = dict(priorities)
        if "lock_roles" in data:
            roles = data["lock_roles"]
            if not isinstance(roles, list | tuple) or not all(isinstance(r, str) for r in roles):
                problems.append(f"ptz: lock_roles must be a list of roles, not {roles!r}")
            else:
                values["lock_roles"] = frozenset(roles)
        if "dead_man" in values and values["dead_man"] >= values.get("lease", cls.lease):
            problems.append("ptz: dead_man must be shorter than lease")
        if problems:
            raise ValueError("\n".join(problems))
        return cls(**values)


# -- what the host carries out -----------------------------------------------------------

@dataclass(frozen=True)
class Drive:
    """Send `command` to the camera's controller.  `speed` (0-1) is a tour step's travel speed,
    for controllers that take one with a preset call (ONVIF); others ignore it."""

    camera: int
    command: PtzCommand
    speed: float | None = None


@dataclass(frozen=True)
class Audit:
    """One line for console.matrix.audit.AuditLog.append(actor, action, detail, outcome)."""

    actor: str
    action: str
    detail: dict[str, Any]
    outcome: str = "ok"


@dataclass(frozen=True)
class LockChanged:
    """Who holds a dome now (holder None: free), for the desks' PTZ pads and camera trees."""

    camera: int
    holder: str | None
    role: str | None = None
    priority: int = 0
    explicit: bool = False
    reason: str = ""  # taken, locked, released, lapsed, "taken over by desk-3", ...

    def to_dict(self) -> dict[str, Any]:
        return {"camera": self.camera, "holder": self.holder, "role": self.role, "priority": self.priority,
                "explicit": self.explicit, "reason": self.reason}


Action = Drive | Audit | LockChanged


@dataclass(frozen=True)
class Outcome:
    ok: bool
    answer: str  # "AK" or "NA <why>", as the desk's display shows it
    actions: tuple[Action, ...] = ()
    persist: bool = False  # the state of to_dict() changed: save it with the host's state
    reason: dict[str, Any] = field(default_factory=dict)  # {code, args} for a desk's own language

    @property
    def drives(self) -> list[Drive]:
        return [a for a in self.actions if isinstance(a, Drive)]

    @property
    def audits(self) -> list[Audit]:
        return [a for a in self.actions if isinstance(a, Audit)]

    @property
    def lock_changes(self) -> list[LockChanged]:
        return [a for a in self.actions if isinstance(a, LockChanged)]


# -- the state ---------------------------------------------------------------------------

@dataclass(frozen=True)
class TourStep:
    preset: int
    dwell: float
    speed: float | None = None


@dataclass(frozen=True)
class PtzTour:
    name: str
    steps: tuple[TourStep, ...]


@dataclass(frozen=True)
class Park:
    preset: int
    after: float


@dataclass
class _Session:
    who: str
    role: str
    started: float  # monotonic
    started_at: float  # wall clock
    commands: int = 0
    presets_set: list[int] = field(default_factory=list)
    presets_called: list[int] = field(default_factory=list)
    tours: list[str] = field(default_factory=list)


@dataclass
class _Lock:
    holder: str
    role: str
    priority: int
    explicit: bool
    last: float  # monotonic time of the holder's last command
    session: _Session
    refused: set[str] = field(default_factory=set)  # desks whose refusal is already audited


@dataclass
class _Drive:
    """A continuous drive and when its desk last repeated it."""

    who: str
    speeds: tuple[float, ...]
    refreshed: float
    sent: float  # when it last went to the dome (-inf: must go with the next repeat)


@dataclass
class _TourRun:
    tour: str
    index: int
    due: float
    by: str


@dataclass
class _Camera:
    lock: _Lock | None = None
    motion: _Drive | None = None  # pan, tilt, zoom
    focus: _Drive | None = None
    iris: _Drive | None = None
    presets: dict[int, str] = field(default_factory=dict)
    tours: dict[str, PtzTour] = field(default_factory=dict)
    run: _TourRun | None = None
    park: Park | None = None
    idle_since: float = 0.0
    parked: bool = True  # nothing to park until someone has moved it


def _round(value: float) -> float:
    return round(value, 3)


class PtzArbiter:
    def __init__(self, policy: PtzPolicy | None = None, *, clock: Clock = time.monotonic, wall: Clock = time.time,
                 validate: Validator | None = None) -> None:
        self.policy = policy or PtzPolicy()
        self.clock = clock
        self.wall = wall
        self.validate = validate
        self.cameras: dict[int, _Camera] = {}
        self.problems: list[str] = []  # what from_dict could not restore

    # -- commands ---------------------------------------------------------------------------
    def handle(self, who: str, role: str, command: PtzMatrixCommand, *, priority: int | None = None) -> Outcome:
        """One desk's command.  `priority` overrides the role's (per user, when users arrive)."""
        now = self.clock()
        due = self._due(now)
        try:
            result = self._handle(who, role, self.policy.priority(role) if priority is None else priority, command, now)
        except PtzError as exc:
            result = _Result(False, f"NA {exc}", reason={"code": "ptz-device", "args": {"camera": command.camera,
                                                                                        "text": str(exc)}})
        except CommandError as exc:
            result = _Result(False, f"NA {exc}", reason={"code": "ptz-command", "args": {"text": str(exc)}})
        return Outcome(result.ok, result.answer, (*due.actions, *result.actions), due.persist or result.persist,
                       result.reason)

    def tick(self) -> Outcome:
        """Dead-man stops, lapsed locks, tour steps and parking that are due now."""
        due = self._due(self.clock())
        return Outcome(True, "", tuple(due.actions), due.persist)

    def next_deadline(self) -> float | None:
        """The clock time at which `tick` next has something to do (None: nothing pending)."""
        times: list[float] = []
        for state in self.cameras.values():
            for drive in (state.motion, state.focus, state.iris):
                if drive is not None:
                    times.append(drive.refreshed + self.policy.dead_man)
            lease = self._lease(state.lock)
            if state.lock is not None and lease is not None:
                times.append(state.lock.last + lease)
            if state.run is not None:
                times.append(state.run.due)
            if self._may_park(state):
                assert state.park is not None
                times.append(state.idle_since + state.park.after)
        return min(times) if times else None

    def release_desk(self, who: str, reason: str = "desk gone") -> Outcome:
        """A desk the host knows is gone: stop what it drives and free its locks, now."""
        now = self.clock()
        actions: list[Action] = []
        for camera, state in sorted(self.cameras.items()):
            if state.lock is not None and state.lock.holder == who:
                self._stop_drives(camera, state, actions)
                self._end_lock(camera, state, reason, now, actions)
            elif any(d is not None and d.who == who for d in (state.motion, state.focus, state.iris)):
                self._stop_drives(camera, state, actions)
        return Outcome(True, "AK", tuple(actions))

    def close(self, reason: str = "host stopped") -> Outcome:
        """The host stops: every moving dome stopped, every session ended in the audit trail."""
        now = self.clock()
        actions: list[Action] = []
        for camera, state in sorted(self.cameras.items()):
            self._stop_drives(camera, state, actions)
            if state.lock is not None:
                self._audit_session_end(camera, state.lock, reason, now, actions)
        return Outcome(True, "AK", tuple(actions))

    # -- what desks see ---------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        """For the host's snapshot: locks (with seconds left), presets, tours, what runs."""
        now = self.clock()
        locks: dict[str, Any] = {}
        cameras: dict[str, Any] = {}
        for camera, state in sorted(self.cameras.items()):
            lock = state.lock
            if lock is not None:
                lease = self._lease(lock)
                locks[str(camera)] = {
                    "holder": lock.holder, "role": lock.role, "priority": lock.priority, "explicit": lock.explicit,
                    "left": None if lease is None else _round(max(0.0, lock.last + lease - now)),
                }
            info: dict[str, Any] = {}
            if state.presets:
                info["presets"] = {str(n): title for n, title in sorted(state.presets.items())}
            if state.tours:
                info["tours"] = sorted(state.tours)
            if state.run is not None:
                info["touring"] = state.run.tour
            if state.park is not None:
                info["park"] = {"preset": state.park.preset, "after": state.park.after}
            if state.motion is not None:
                info["moving"] = True
            if info:
                cameras[str(camera)] = info
        return {"locks": locks, "cameras": cameras}

    def holder(self, camera: int) -> str | None:
        state = self.cameras.get(camera)
        return state.lock.holder if state is not None and state.lock is not None else None

    def presets(self, camera: int) -> dict[int, str]:
        state = self.cameras.get(camera)
        return dict(state.presets) if state is not None else {}

    # -- the rules --------------------------------------------------------------------------
    def _handle(self, who: str, role: str, priority: int, command: PtzMatrixCommand, now: float) -> _Result:
        camera = command.camera
        device = _device_command(command)
        if self.validate is not None:
            # PtzError: NA, before anything changes.  A command that drives nothing still
            # needs a camera that has a dome.
            self.validate(camera, device or Stop())
        # Kept only once the camera is known to have a dome: a desk typing wrong numbers
        # leaves nothing behind.
        state = self.cameras.setdefault(camera, _Camera(idle_since=now))
        if isinstance(command, PtzSaveTour | PtzPark):
            return self._configure(who, state, command, now)
        actions: list[Action] = []
        request = _Request(who, role, priority, camera, now)
        if isinstance(command, PtzRelease):
            return self._release(request, state, actions)
        if isinstance(command, PtzLock) and role not in self.policy.lock_roles:
            allowed = " or ".join(sorted(self.policy.lock_roles)) or "nobody"
            return _Result(False, f"NA {who} is {_article(role)}: locking a dome needs {_article(allowed)}",
                           reason={"code": "ptz-lock-not-allowed", "args": {"camera": camera, "role": role}})
        refusal = self._claim(request, state, explicit=isinstance(command, PtzLock), actions=actions)
        if refusal is not None:
            return refusal
        lock = state.lock
        assert lock is not None
        lock.session.commands += 1
        persist = False
        if isinstance(command, PtzLock):
            return _Result(True, "AK", actions)
        if isinstance(command, PtzStartTour):
            tour = state.tours.get(command.tour)
            if tour is None:
                return _Result(False, f"NA camera {camera} has no PTZ tour {command.tour!r}", actions,
                               reason={"code": "ptz-unknown-tour", "args": {"camera": camera, "tour": command.tour}})
            if self.validate is not None:
                for step in tour.steps:
                    self.validate(camera, Preset(PresetAction.GOTO, step.preset))
            self._stop_drives(camera, state, actions, send=False)
            self._end_tour(camera, state, who, actions)
            first = tour.steps[0]
            state.run = _TourRun(tour.name, 0, now + first.dwell, who)
            actions.append(Drive(camera, Preset(PresetAction.GOTO, first.preset), first.speed))
            actions.append(Audit(who, "PtzTourStarted", {"camera": camera, "tour": tour.name}))
            lock.session.tours.append(tour.name)
            self._touched(state, now)
            return _Result(True, "AK", actions, persist=True)
        if isinstance(command, PtzStopTour):
            persist = self._end_tour(camera, state, who, actions)
            self._touched(state, now)
            return _Result(True, "AK", actions, persist=persist)
        assert device is not None
        if isinstance(command, PtzMove | PtzStop | PtzPreset | PtzCentre) and not (
                isinstance(command, PtzPreset) and command.action != "goto"):
            persist = self._end_tour(camera, state, who, actions)
        if isinstance(command, PtzMove) and not command.is_stop:
            state.motion = self._continue(state.motion, request, (command.pan, command.tilt, command.zoom), device,
                                          actions)
        elif isinstance(command, PtzFocus | PtzIris):
            slot = "focus" if isinstance(command, PtzFocus) else "iris"
            current: _Drive | None = getattr(state, slot)
            if command.speed == 0:
                setattr(state, slot, None)
                actions.append(Drive(camera, device))
            else:
                setattr(state, slot, self._continue(current, request, (command.speed,), device, actions))
            if state.motion is not None:
                # On Pelco one frame sets every drive: a lens frame ends the move, so the next
                # repeat of the move must go to the dome even with the same speeds.
                state.motion.sent = -math.inf
        elif isinstance(command, PtzMove | PtzStop):
            state.motion = state.focus = state.iris = None
            actions.append(Drive(camera, device))
        elif isinstance(command, PtzPreset):
            actions.append(Drive(camera, device))
            if command.action == "goto":
                state.motion = None
                lock.session.presets_called.append(command.preset)
            elif command.action == "set":
                state.presets[command.preset] = command.title or state.presets.get(command.preset, "")
                lock.session.presets_set.append(command.preset)
                actions.append(Audit(who, "PtzPresetSet", {"camera": camera, "preset": command.preset,
                                                           "title": state.presets[command.preset]}))
                persist = True
            else:
                persist = state.presets.pop(command.preset, None) is not None or persist
                actions.append(Audit(who, "PtzPresetClear", {"camera": camera, "preset": command.preset}))
        elif isinstance(command, PtzCentre):
            state.motion = None
            actions.append(Drive(camera, device))
        elif isinstance(command, PtzAux):
            actions.append(Drive(camera, device))
        self._touched(state, now)
        return _Result(True, "AK", actions, persist=persist)

    def _continue(self, drive: _Drive | None, request: _Request, speeds: tuple[float, ...], device: PtzCommand,
                  actions: list[Action]) -> _Drive:
        """A continuous drive given or repeated: sent when new (or due again), else only refreshed."""
        now = request.now
        if drive is not None and drive.who == request.who and drive.speeds == speeds \
                and now - drive.sent < self.policy.resend_after:
            drive.refreshed = now
            return drive
        actions.append(Drive(request.camera, device))
        return _Drive(request.who, speeds, now, now)

    def _claim(self, request: _Request, state: _Camera, *, explicit: bool, actions: list[Action]) -> _Result | None:
        """Take or keep the dome's lock for the desk; a refusal if another desk holds it."""
        who, role, priority, camera, now = request.who, request.role, request.priority, request.camera, request.now
        lock = state.lock
        if lock is not None and lock.holder == who:
            lock.last = now
            if explicit and not lock.explicit:
                lock.explicit = True
                actions.append(LockChanged(camera, who, lock.role, lock.priority, True, "locked"))
                actions.append(Audit(who, "PtzLock", {"camera": camera}))
            return None
        if lock is not None and priority <= lock.priority:
            return self._refuse(request, lock, actions)
        reason = "locked" if explicit else "taken"
        if lock is not None:
            previous = lock.holder
            self._stop_drives(camera, state, actions)
            self._audit_session_end(camera, lock, f"taken over by {who}", now, actions)
            actions.append(Audit(who, "PtzTakeover", {"camera": camera, "from": previous, "from_role": lock.role,
                                                      "role": role}))
            reason = f"taken over from {previous}"
        session = _Session(who, role, now, self.wall())
        state.lock = _Lock(who, role, priority, explicit, now, session)
        actions.append(Audit(who, "PtzSessionStart", {"camera": camera, "role": role, "explicit": explicit}))
        if explicit:
            actions.append(Audit(who, "PtzLock", {"camera": camera}))
        actions.append(LockChanged(camera, who, role, priority, explicit, reason))
        return None

    def _refuse(self, request: _Request, lock: _Lock, actions: list[Action]) -> _Result:
        who, role, camera, now = request.who, request.role, request.camera, request.now
        lease = self._lease(lock)
        args: dict[str, Any] = {"camera": camera, "holder": lock.holder, "role": lock.role}
        if lease is None:
            text = f"camera {camera} is locked by {lock.holder} ({lock.role}) until released"
            code = "ptz-locked"
        else:
            seconds = max(1, math.ceil(lock.last + lease - now))
            text = f"camera {camera} is held by {lock.holder} ({lock.role}) for {seconds} s"
            code, args["seconds"] = "ptz-held", seconds
        if who not in lock.refused:  # once per desk and lock, not per joystick tick
            lock.refused.add(who)
            actions.append(Audit(who, "PtzRefused", {"camera": camera, "role": role, "holder": lock.holder},
                                 f"refused: {text}"))
        return _Result(False, f"NA {text}", actions, reason={"code": code, "args": args})

    def _release(self, request: _Request, state: _Camera, actions: list[Action]) -> _Result:
        who, camera, now = request.who, request.camera, request.now
        lock = state.lock
        if lock is None:
            return _Result(True, "AK", actions)
        if lock.holder != who and request.priority <= lock.priority:
            return self._refuse(request, lock, actions)
        reason = "released" if lock.holder == who else f"released by {who}"
        self._stop_drives(camera, state, actions)
        if lock.explicit:
            actions.append(Audit(who, "PtzRelease", {"camera": camera, "holder": lock.holder}))
        self._end_lock(camera, state, reason, now, actions)
        self._touched(state, now)
        return _Result(True, "AK", actions)

    def _configure(self, who: str, state: _Camera, command: PtzSaveTour | PtzPark, now: float) -> _Result:
        camera = command.camera
        if isinstance(command, PtzSaveTour):
            checked = ptz_command_from_dict(command.to_dict())  # bounds and lengths, as from the bus
            assert isinstance(checked, PtzSaveTour)
            speeds: Iterable[float | None] = checked.speeds or [None] * len(checked.presets)
            tour = PtzTour(checked.tour, tuple(TourStep(p, d, s) for p, d, s in
                                               zip(checked.presets, checked.dwells, speeds, strict=True)))
            if self.validate is not None:
                for step in tour.steps:
                    self.validate(camera, Preset(PresetAction.GOTO, step.preset))
            state.tours[tour.name] = tour
            run = state.run
            if run is not None and run.tour == tour.name:
                run.index %= len(tour.steps)  # a running tour goes on with its new steps
            detail: dict[str, Any] = {"camera": camera, "tour": tour.name, "steps": [_step_dict(s) for s in tour.steps]}
            return _Result(True, "AK", [Audit(who, "PtzTourSaved", detail)], persist=True)
        if command.after == 0:
            state.park = None
        else:
            if self.validate is not None:
                self.validate(camera, Preset(PresetAction.GOTO, command.preset))
            state.park = Park(command.preset, command.after)
            self._touched(state, now)  # idle from now on, not since whenever it last moved
        return _Result(True, "AK", [Audit(who, "PtzPark", {"camera": camera, "preset": command.preset,
                                                           "after": command.after})], persist=True)

    # -- timers ---------------------------------------------------------------------------
    def _due(self, now: float) -> _Result:
        actions: list[Action] = []
        persist = False
        for camera, state in sorted(self.cameras.items()):
            for slot in ("motion", "focus", "iris"):
                drive: _Drive | None = getattr(state, slot)
                if drive is not None and now >= drive.refreshed + self.policy.dead_man:
                    setattr(state, slot, None)
                    stop: PtzCommand = Stop() if slot == "motion" else Focus(0.0) if slot == "focus" else Iris(0.0)
                    actions.append(Drive(camera, stop))
                    actions.append(Audit(drive.who, "PtzDeadManStop", {
                        "camera": camera, "drive": slot, "silent_for": _round(now - drive.refreshed)}))
                    if slot == "motion":
                        state.focus = state.iris = None  # a stop stops the lens drives too
            lock = state.lock
            lease = self._lease(lock)
            if lock is not None and lease is not None and now >= lock.last + lease:
                self._end_lock(camera, state, "lapsed", now, actions)
            run = state.run
            if run is not None and now >= run.due:
                tour = state.tours.get(run.tour)
                if tour is None:
                    state.run = None
                else:
                    run.index = (run.index + 1) % len(tour.steps)
                    step = tour.steps[run.index]
                    run.due = now + step.dwell
                    actions.append(Drive(camera, Preset(PresetAction.GOTO, step.preset), step.speed))
                    state.idle_since = now
                persist = True
            if self._may_park(state) and state.park is not None and now >= state.idle_since + state.park.after:
                state.parked = True
                actions.append(Drive(camera, Preset(PresetAction.GOTO, state.park.preset)))
                actions.append(Audit("host", "PtzParked", {"camera": camera, "preset": state.park.preset,
                                                           "idle": _round(now - state.idle_since)}))
        return _Result(True, "", actions, persist=persist)

    def _lease(self, lock: _Lock | None) -> float | None:
        if lock is None:
            return None
        return self.policy.explicit_lease if lock.explicit else self.policy.lease

    def _may_park(self, state: _Camera) -> bool:
        return (state.park is not None and not state.parked and state.lock is None and state.run is None
                and state.motion is None)

    def _touched(self, state: _Camera, now: float) -> None:
        state.idle_since = now
        state.parked = False

    # -- endings --------------------------------------------------------------------------
    def _stop_drives(self, camera: int, state: _Camera, actions: list[Action], *, send: bool = True) -> None:
        if state.motion is not None or state.focus is not None or state.iris is not None:
            if send:
                actions.append(Drive(camera, Stop()))
            state.motion = state.focus = state.iris = None

    def _end_tour(self, camera: int, state: _Camera, who: str, actions: list[Action]) -> bool:
        if state.run is None:
            return False
        actions.append(Audit(who, "PtzTourStopped", {"camera": camera, "tour": state.run.tour}))
        state.run = None
        return True

    def _end_lock(self, camera: int, state: _Camera, reason: str, now: float, actions: list[Action]) -> None:
        lock = state.lock
        if lock is None:
            return
        self._audit_session_end(camera, lock, reason, now, actions)
        state.lock = None
        actions.append(LockChanged(camera, None, reason=reason))

    def _audit_session_end(self, camera: int, lock: _Lock, reason: str, now: float, actions: list[Action]) -> None:
        session = lock.session
        wall_now = self.wall()
        actions.append(Audit(session.who, "PtzSession", {
            "camera": camera, "role": session.role, "started_at": _round(session.started_at),
            "ended_at": _round(wall_now), "seconds": _round(now - session.started), "commands": session.commands,
            "presets_set": session.presets_set, "presets_called": session.presets_called,
            "tours": session.tours, "explicit": lock.explicit, "end": reason,
        }))

    # -- persistence ----------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Preset names, tours, park, running tours and explicit locks; JSON-ready.

        {"version": 1, "cameras": {"12": {"presets": {"3": "gate"},
          "tours": {"round": [{"preset": 3, "dwell": 10.0, "speed": 0.5}, ...]},
          "park": {"preset": 1, "after": 300.0},
          "running": {"tour": "round", "index": 1, "left": 4.2, "by": "desk-2"},
          "lock": {"holder": "desk-2", "role": "supervisor", "priority": 2}}}}
        """
        now = self.clock()
        cameras: dict[str, Any] = {}
        for camera, state in sorted(self.cameras.items()):
            entry: dict[str, Any] = {}
            if state.presets:
                entry["presets"] = {str(n): t for n, t in sorted(state.presets.items())}
            if state.tours:
                entry["tours"] = {name: [_step_dict(s) for s in tour.steps] for name, tour in sorted(state.tours.items())}
            if state.park is not None:
                entry["park"] = {"preset": state.park.preset, "after": state.park.after}
            if state.run is not None:
                entry["running"] = {"tour": state.run.tour, "index": state.run.index,
                                    "left": _round(max(0.0, state.run.due - now)), "by": state.run.by}
            if state.lock is not None and state.lock.explicit:
                entry["lock"] = {"holder": state.lock.holder, "role": state.lock.role, "priority": state.lock.priority}
            if entry:
                cameras[str(camera)] = entry
        return {"version": STATE_VERSION, "cameras": cameras}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, policy: PtzPolicy | None = None, *,
                  clock: Clock = time.monotonic, wall: Clock = time.time,
                  validate: Validator | None = None) -> PtzArbiter:
        """An arbiter with saved state; what cannot be restored is skipped and listed in `problems`."""
        arbiter = cls(policy, clock=clock, wall=wall, validate=validate)
        arbiter.restore(data)
        return arbiter

    def restore(self, data: Mapping[str, Any] | None) -> list[str]:
        problems = self.problems
        if not data:
            return problems
        if data.get("version") != STATE_VERSION:
            problems.append(f"PTZ state version {data.get('version')!r} is not {STATE_VERSION}: not restored")
            return problems
        cameras = data.get("cameras")
        if not isinstance(cameras, Mapping):
            problems.append("PTZ state: cameras is not a mapping")
            return problems
        now = self.clock()
        for key, entry in cameras.items():
            try:
                camera = int(key)
                if not isinstance(entry, Mapping) or camera < 1:
                    raise TypeError("not a camera entry")
                state = self._restore_camera(camera, entry, now)
            except (CommandError, TypeError, ValueError, KeyError, AttributeError) as exc:
                problems.append(f"PTZ state of camera {key}: {exc}; skipped")
                continue
            self.cameras[camera] = state
        return problems

    def _restore_camera(self, camera: int, entry: Mapping[str, Any], now: float) -> _Camera:
        state = _Camera(idle_since=now)
        for number, title in (entry.get("presets") or {}).items():
            checked = ptz_command_from_dict({"command": "PtzPreset", "camera": camera, "action": "set",
                                             "preset": int(number), "title": title})
            assert isinstance(checked, PtzPreset)
            state.presets[checked.preset] = checked.title
        for name, steps in (entry.get("tours") or {}).items():
            has_speeds = any(s.get("speed") is not None for s in steps)
            checked = ptz_command_from_dict({
                "command": "PtzSaveTour", "camera": camera, "tour": name,
                "presets": [s["preset"] for s in steps], "dwells": [s["dwell"] for s in steps],
                "speeds": [s.get("speed") or 1.0 for s in steps] if has_speeds else []})
            assert isinstance(checked, PtzSaveTour)
            speeds: Iterable[float | None] = checked.speeds or [None] * len(checked.presets)
            state.tours[checked.tour] = PtzTour(checked.tour, tuple(
                TourStep(p, d, s) for p, d, s in zip(checked.presets, checked.dwells, speeds, strict=True)))
        park = entry.get("park")
        if park:
            checked = ptz_command_from_dict({"command": "PtzPark", "camera": camera, "preset": park["preset"],
                                             "after": park["after"]})
            assert isinstance(checked, PtzPark)
            if checked.after > 0:
                state.park = Park(checked.preset, checked.after)
                state.parked = False  # a host restarted with the dome anywhere: park it when idle
        running = entry.get("running")
        if running and running.get("tour") in state.tours:
            tour = state.tours[running["tour"]]
            left = float(running.get("left", 0.0))
            if not 0 <= left <= 86_400 or not math.isfinite(left):
                raise ValueError(f"a tour step with {left!r} s left")
            state.run = _TourRun(tour.name, int(running.get("index", 0)) % len(tour.steps), now + left,
                                 str(running.get("by", "host")))
        lock = entry.get("lock")
        if lock:
            holder, role = str(lock["holder"]), str(lock["role"])
            session = _Session(holder, role, now, self.wall())
            state.lock = _Lock(holder, role, int(lock.get("priority", self.policy.priority(role))), True, now, session)
        return state


@dataclass(frozen=True)
class _Request:
    who: str
    role: str
    priority: int
    camera: int
    now: float


@dataclass
class _Result:
    ok: bool
    answer: str
    actions: list[Action] = field(default_factory=list)
    persist: bool = False
    reason: dict[str, Any] = field(default_factory=dict)


def _device_command(command: PtzMatrixCommand) -> PtzCommand | None:
    """The console.ptz command a matrix command drives the dome with (None: it drives nothing)."""
    if isinstance(command, PtzMove):
        return Stop() if command.is_stop else Move(command.pan, command.tilt, command.zoom)
    if isinstance(command, PtzStop):
        return Stop()
    if isinstance(command, PtzFocus):
        return Focus(command.speed)
    if isinstance(command, PtzIris):
        return Iris(command.speed)
    if isinstance(command, PtzPreset):
        try:
            action = PresetAction(command.action)
        except ValueError:
            raise PtzError(f"unknown preset action {command.action!r} (goto, set or clear)") from None
        return Preset(action, command.preset)
    if isinstance(command, PtzAux):
        return AuxOutput(command.output, command.on)
    if isinstance(command, PtzCentre):
        return Centre(command.x, command.y)
    return None


def _step_dict(step: TourStep) -> dict[str, Any]:
    out: dict[str, Any] = {"preset": step.preset, "dwell": step.dwell}
    if step.speed is not None:
        out["speed"] = step.speed
    return out


def _article(word: str) -> str:
    return f"an {word}" if word[:1].lower() in "aeiou" else f"a {word}"
