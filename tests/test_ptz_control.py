"""The host's PTZ arbitration with a fake clock: locks (takeover, refusal, lapse, explicit
lock and release), the dead-man stop, coalescing, sessions in the audit trail, presets,
tours, park and persistence; and the PTZ commands of the bus with their bounds."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from console.matrix.commands import CommandError
from console.matrix.ptz_commands import (
    PTZ_COMMANDS,
    PtzAux,
    PtzCentre,
    PtzFocus,
    PtzIris,
    PtzLock,
    PtzMove,
    PtzPark,
    PtzPreset,
    PtzRelease,
    PtzSaveTour,
    PtzStartTour,
    PtzStop,
    PtzStopTour,
    is_ptz_command,
    ptz_command_from_dict,
)
from console.matrix.ptz_control import Audit, Drive, LockChanged, Outcome, PtzArbiter, PtzPolicy
from console.ptz.commands import Focus, Move, Preset, PresetAction, PtzCommand, PtzError, Stop
from console.ptz.drivers import make_encoder

ROOT = Path(__file__).resolve().parents[1]
OPERATOR, SUPERVISOR = "operator", "supervisor"


class FakeClock:
    """The one fake: monotonic and wall clocks the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_700_000_000.0 + self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def ptz(clock: FakeClock) -> PtzArbiter:
    return PtzArbiter(PtzPolicy(), clock=clock, wall=clock.wall)


def drives(outcome: Outcome) -> list[tuple[int, PtzCommand]]:
    return [(d.camera, d.command) for d in outcome.drives]


def audit_actions(outcome: Outcome) -> list[str]:
    return [a.action for a in outcome.audits]


def audit(outcome: Outcome, action: str) -> Audit:
    found = [a for a in outcome.audits if a.action == action]
    assert len(found) == 1, (action, outcome.audits)
    return found[0]


# -- the bus commands --------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    PtzMove(12, pan=0.5, tilt=-1.0, zoom=0.25), PtzStop(12), PtzFocus(12, -0.5), PtzIris(12, 1.0),
    PtzPreset(12, "set", 3, "东门 gate"), PtzPreset(12, "goto", 0), PtzAux(12, 2, False), PtzLock(12),
    PtzRelease(12), PtzSaveTour(12, "round", (1, 2), (5.0, 7.5), (0.5, 1.0)), PtzStartTour(12, "round"),
    PtzStopTour(12), PtzPark(12, 1, 300.0), PtzCentre(12, 0.5, -0.25),
])
def test_every_ptz_command_round_trips_through_json(command: Any) -> None:
    data = json.loads(json.dumps(command.to_dict()))
    assert is_ptz_command(data)
    assert ptz_command_from_dict(data) == command
    assert data["command"] == command.name and command.name in PTZ_COMMANDS


@pytest.mark.parametrize(("data", "message"), [
    ({"command": "PtzMove", "camera": 12, "pan": 1.5}, r"PtzMove\.pan must be from -1 to 1, not 1\.5"),
    ({"command": "PtzMove", "camera": 12, "pan": math.nan}, r"PtzMove\.pan must be a number"),
    ({"command": "PtzMove", "camera": 12, "tilt": True}, r"PtzMove\.tilt must be a number, not True"),
    ({"command": "PtzMove", "camera": 0}, r"PtzMove\.camera must be from 1 to"),
    ({"command": "PtzMove", "camera": 12, "yaw": 1}, r"PtzMove: unknown field\(s\) yaw"),
    ({"command": "PtzStop"}, r"PtzStop: missing field camera"),
    ({"command": "PtzPreset", "camera": 12, "action": "goto", "preset": 256}, r"PtzPreset\.preset must be from 0 to 255"),
    ({"command": "PtzPreset", "camera": 12, "action": "jump", "preset": 1}, r"PtzPreset\.action must be one of"),
    ({"command": "PtzPreset", "camera": 12, "action": "set", "preset": 1, "title": "a\x07"}, r"printable"),
    ({"command": "PtzSaveTour", "camera": 12, "tour": "t", "presets": [1, 2], "dwells": [5]},
     r"2 presets but 1 dwell times"),
    ({"command": "PtzSaveTour", "camera": 12, "tour": "t", "presets": [1], "dwells": [0]}, r"dwells must be above 0"),
    ({"command": "PtzSaveTour", "camera": 12, "tour": " ", "presets": [1], "dwells": [1]}, r"tour must be a non-empty"),
    ({"command": "PtzPark", "camera": 12, "preset": 1, "after": -1}, r"PtzPark\.after must be from 0"),
    ({"command": "PtzAux", "camera": 12, "output": 1, "on": 1}, r"PtzAux\.on must be true or false"),
    ({"command": "PtzCentre", "camera": 12, "x": 1.5, "y": 0}, r"PtzCentre\.x must be from -1 to 1, not 1\.5"),
    ({"command": "PtzWarp", "camera": 12}, r"unknown PTZ command 'PtzWarp'"),
    (["PtzStop", 12], r"a command is an object, not list"),
])
def test_bad_bus_commands_say_what_is_wrong(data: object, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        ptz_command_from_dict(data)


def test_a_wall_command_is_not_a_ptz_command() -> None:
    assert not is_ptz_command({"command": "RouteCamera", "monitor": 1, "camera": 2})
    assert not is_ptz_command("PtzMove")


# -- locks -------------------------------------------------------------------------------

def test_the_first_command_takes_the_dome_and_drives_it(ptz: PtzArbiter) -> None:
    outcome = ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5))
    assert (outcome.ok, outcome.answer) == (True, "AK")
    assert drives(outcome) == [(12, Move(pan=0.5))]
    assert outcome.lock_changes == [LockChanged(12, "desk-1", OPERATOR, 1, False, "taken")]
    assert audit_actions(outcome) == ["PtzSessionStart"]
    assert ptz.holder(12) == "desk-1"
    assert ptz.snapshot()["locks"]["12"] == {"holder": "desk-1", "role": OPERATOR, "priority": 1, "explicit": False,
                                             "left": 30.0}


def test_a_lower_or_equal_priority_is_refused_with_who_holds_it_and_for_how_long(
        ptz: PtzArbiter, clock: FakeClock) -> None:
    ptz.handle("desk-2", SUPERVISOR, PtzPreset(12, "goto", 1))
    clock.advance(12)
    refused = ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=1.0))
    assert (refused.ok, refused.answer) == (False, "NA camera 12 is held by desk-2 (supervisor) for 18 s")
    assert refused.reason == {"code": "ptz-held", "args": {"camera": 12, "holder": "desk-2", "role": SUPERVISOR,
                                                           "seconds": 18}}
    assert refused.drives == [] and refused.lock_changes == []
    assert audit(refused, "PtzRefused").outcome == "refused: camera 12 is held by desk-2 (supervisor) for 18 s"
    clock.advance(0.3)
    again = ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=1.0))
    assert not again.ok and again.audits == [], "a joystick's refusals are audited once, not per tick"
    ptz.handle("desk-3", SUPERVISOR, PtzMove(12, pan=1.0))  # equal priority: first come
    assert ptz.holder(12) == "desk-2"


def test_a_higher_priority_takes_over_at_once(ptz: PtzArbiter, clock: FakeClock) -> None:
    ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5))
    clock.advance(2)
    outcome = ptz.handle("desk-2", SUPERVISOR, PtzMove(12, tilt=-0.5))
    assert outcome.ok
    # The operator's move is stopped, then the supervisor's is sent.
    assert drives(outcome) == [(12, Stop()), (12, Move(tilt=-0.5))]
    assert outcome.lock_changes == [LockChanged(12, "desk-2", SUPERVISOR, 2, False, "taken over from desk-1")]
    ended = audit(outcome, "PtzSession")
    assert ended.actor == "desk-1" and ended.detail["end"] == "taken over by desk-2" and ended.detail["seconds"] == 2.0
    assert audit(outcome, "PtzTakeover").detail == {"camera": 12, "from": "desk-1", "from_role": OPERATOR,
                                                    "role": SUPERVISOR}
    assert audit(outcome, "PtzSessionStart").actor == "desk-2"
    back = ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5))
    assert back.answer == "NA camera 12 is held by desk-2 (supervisor) for 30 s"


def test_a_lock_lapses_after_the_lease_without_commands(clock: FakeClock) -> None:
    ptz = PtzArbiter(PtzPolicy(lease=10.0), clock=clock, wall=clock.wall)
    ptz.handle("desk-1", OPERATOR, PtzPreset(12, "goto", 2))
    clock.advance(6)
    ptz.handle("desk-1", OPERATOR, PtzPreset(12, "goto", 3))  # a command renews the lease
    assert ptz.next_deadline() == clock.now + 10
    clock.advance(9.9)
    assert ptz.tick().actions == () and ptz.holder(12) == "desk-1"
    assert ptz.handle("desk-2", OPERATOR, PtzStop(12)).answer == "NA camera 12 is held by desk-1 (operator) for 1 s"
    clock.advance(0.1)
    lapsed = ptz.tick()
    assert lapsed.lock_changes == [LockChanged(12, None, reason="lapsed")]
    session = audit(lapsed, "PtzSession")
    assert session.detail["end"] == "lapsed" and session.detail["presets_called"] == [2, 3]
    assert ptz.holder(12) is None and ptz.next_deadline() is None
    assert ptz.handle("desk-2", OPERATOR, PtzStop(12)).ok


def test_a_lapsed_lock_is_free_for_a_command_that_comes_before_the_next_tick(ptz: PtzArbiter,
                                                                            clock: FakeClock) -> None:
    ptz.handle("desk-1", OPERATOR, PtzStop(12))
    clock.advance(31)
    outcome = ptz.handle("desk-2", OPERATOR, PtzStop(12))
    assert outcome.ok and ptz.holder(12) == "desk-2"
    assert [c.holder for c in outcome.lock_changes] == [None, "desk-2"]


def test_supervisors_lock_explicitly_and_release(ptz: PtzArbiter, clock: FakeClock) -> None:
    refused = ptz.handle("desk-1", OPERATOR, PtzLock(12))
    assert refused.answer == "NA desk-1 is an operator: locking a dome needs a supervisor"
    assert ptz.holder(12) is None
    locked = ptz.handle("desk-2", SUPERVISOR, PtzLock(12))
    assert locked.ok and locked.lock_changes == [LockChanged(12, "desk-2", SUPERVISOR, 2, True, "locked")]
    assert "PtzLock" in audit_actions(locked)
    clock.advance(3600)
    assert ptz.tick().actions == (), "an explicit lock does not lapse"
    held = ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=1))
    assert held.answer == "NA camera 12 is locked by desk-2 (supervisor) until released"
    assert ptz.handle("desk-1", OPERATOR, PtzRelease(12)).answer.startswith("NA camera 12 is locked by desk-2")
    released = ptz.handle("desk-2", SUPERVISOR, PtzRelease(12))
    assert released.ok and released.lock_changes == [LockChanged(12, None, reason="released")]
    assert audit(released, "PtzSession").detail["explicit"] is True
    assert ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=1)).ok


def test_a_held_implicit_lock_becomes_explicit_and_a_supervisor_frees_an_operators(ptz: PtzArbiter) -> None:
    ptz.handle("desk-2", SUPERVISOR, PtzMove(12, pan=0.2))
    upgraded = ptz.handle("desk-2", SUPERVISOR, PtzLock(12))
    assert upgraded.lock_changes == [LockChanged(12, "desk-2", SUPERVISOR, 2, True, "locked")]
    assert "PtzSessionStart" not in audit_actions(upgraded), "the same session goes on"
    ptz.handle("desk-2", SUPERVISOR, PtzRelease(12))
    ptz.handle("desk-1", OPERATOR, PtzMove(13, pan=0.2))
    freed = ptz.handle("desk-2", SUPERVISOR, PtzRelease(13))
    assert freed.ok and drives(freed) == [(13, Stop())], "the operator's move is stopped with the lock"
    assert freed.lock_changes == [LockChanged(13, None, reason="released by desk-2")]


def test_priorities_come_from_the_policy_and_may_be_given_per_user(clock: FakeClock) -> None:
    policy = PtzPolicy(priorities={"operator": 1, "supervisor": 5, "police": 9})
    ptz = PtzArbiter(policy, clock=clock, wall=clock.wall)
    ptz.handle("desk-2", SUPERVISOR, PtzMove(12, pan=1))
    assert ptz.handle("liaison", "police", PtzMove(12, pan=-1)).ok
    assert ptz.handle("visitor", "guest", PtzStop(12)).answer == "NA camera 12 is held by liaison (police) for 30 s"
    assert ptz.handle("chief", OPERATOR, PtzStop(12), priority=10).ok, "a per-user priority overrides the role's"


# -- the dead-man ------------------------------------------------------------------------

def test_a_move_that_is_not_repeated_stops_by_itself(ptz: PtzArbiter, clock: FakeClock) -> None:
    first = ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5))
    assert drives(first) == [(12, Move(pan=0.5))]
    sent = 1
    for _ in range(20):  # held for 6 s, repeated every 0.3 s
        clock.advance(0.3)
        assert ptz.tick().drives == []
        repeat = ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5))
        assert repeat.ok and repeat.audits == [], "speed ticks are not audited"
        sent += len(repeat.drives)
    assert sent <= 14, "repeats of the same speed go to the dome only every resend_after"
    last_repeat = clock.now
    assert ptz.next_deadline() == pytest.approx(last_repeat + 0.8)
    clock.advance(0.79)
    assert ptz.tick().actions == ()
    clock.advance(0.01)  # the console has crashed: nothing for 0.8 s
    stopped = ptz.tick()
    assert drives(stopped) == [(12, Stop())]
    dead_man = audit(stopped, "PtzDeadManStop")
    assert dead_man.actor == "desk-1" and dead_man.detail == {"camera": 12, "drive": "motion", "silent_for": 0.8}
    clock.advance(5)
    assert ptz.tick().drives == [], "stopped once"
    assert ptz.holder(12) == "desk-1", "the lock outlives the move by its lease"


def test_focus_and_iris_drives_have_their_dead_man_too(ptz: PtzArbiter, clock: FakeClock) -> None:
    assert drives(ptz.handle("desk-1", OPERATOR, PtzFocus(12, 0.5))) == [(12, Focus(0.5))]
    clock.advance(0.8)
    assert drives(ptz.tick()) == [(12, Focus(0.0))]


def test_a_released_button_stops_at_once_and_a_stop_always_goes_out(ptz: PtzArbiter) -> None:
    ptz.handle("desk-1", OPERATOR, PtzMove(12, zoom=1))
    assert drives(ptz.handle("desk-1", OPERATOR, PtzMove(12))) == [(12, Stop())]
    assert drives(ptz.handle("desk-1", OPERATOR, PtzStop(12))) == [(12, Stop())], "a stop is never deduplicated"
    assert ptz.next_deadline() == pytest.approx(100 + 30), "nothing left to stop: only the lease"


def test_a_move_repeated_after_a_lens_command_is_sent_again(ptz: PtzArbiter, clock: FakeClock) -> None:
    # On Pelco a lens frame ends the move, so the held joystick's next repeat must go out.
    ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5))
    clock.advance(0.1)
    ptz.handle("desk-1", OPERATOR, PtzIris(12, 1.0))
    clock.advance(0.1)
    assert drives(ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5))) == [(12, Move(pan=0.5))]


def test_a_joystick_flood_sends_only_new_speeds_newest_last(ptz: PtzArbiter, clock: FakeClock) -> None:
    sent: list[PtzCommand] = []
    speeds = [round(0.1 + 0.9 * i / 49, 3) for i in range(50)] + [1.0] * 50
    for speed in speeds:  # 50 updates/s for 2 s, the second second at full speed
        sent += [d.command for d in ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=speed)).drives]
        clock.advance(0.02)
    assert len(sent) <= 50 + 2
    assert sent[-1] == Move(pan=1.0) and sent[49] == Move(pan=1.0)
    assert ptz.tick().drives == [], "nothing queued in the arbiter"


def test_a_desk_known_gone_stops_at_once(ptz: PtzArbiter) -> None:
    ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5))
    ptz.handle("desk-1", OPERATOR, PtzMove(13, tilt=0.5))
    gone = ptz.release_desk("desk-1")
    assert sorted(drives(gone)) == [(12, Stop()), (13, Stop())]
    assert [a.detail["end"] for a in gone.audits if a.action == "PtzSession"] == ["desk gone", "desk gone"]
    assert ptz.holder(12) is None


def test_the_host_stopping_stops_the_domes_and_ends_the_sessions(ptz: PtzArbiter) -> None:
    ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5))
    ptz.handle("desk-2", SUPERVISOR, PtzLock(14))
    closing = ptz.close()
    assert drives(closing) == [(12, Stop())]
    assert sorted(a.detail["end"] for a in closing.audits if a.action == "PtzSession") == ["host stopped"] * 2


# -- sessions ----------------------------------------------------------------------------

def test_a_session_is_audited_once_with_times_presets_and_tours_not_its_speed_ticks(
        ptz: PtzArbiter, clock: FakeClock) -> None:
    lines: list[Audit] = []
    lines += ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5)).audits
    for i in range(100):
        clock.advance(0.02)
        lines += ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5 + i / 400)).audits
    lines += ptz.handle("desk-1", OPERATOR, PtzStop(12)).audits
    lines += ptz.handle("desk-1", OPERATOR, PtzPreset(12, "set", 3, "gate")).audits
    lines += ptz.handle("desk-1", OPERATOR, PtzPreset(12, "goto", 1)).audits
    ptz.handle("desk-2", SUPERVISOR, PtzSaveTour(12, "round", (1, 3), (5.0, 5.0)))
    lines += ptz.handle("desk-1", OPERATOR, PtzStartTour(12, "round")).audits
    clock.advance(1)
    lines += ptz.handle("desk-1", OPERATOR, PtzRelease(12)).audits
    assert [a.action for a in lines] == ["PtzSessionStart", "PtzPresetSet", "PtzTourStarted", "PtzSession"]
    start, end = lines[0], lines[-1]
    assert start.actor == end.actor == "desk-1"
    assert end.detail == {
        "camera": 12, "role": OPERATOR, "started_at": 1_700_000_100.0, "ended_at": 1_700_000_103.0, "seconds": 3.0,
        "commands": 105, "presets_set": [3], "presets_called": [1], "tours": ["round"], "explicit": False,
        "end": "released",
    }
    assert lines[1].detail == {"camera": 12, "preset": 3, "title": "gate"}


# -- presets -----------------------------------------------------------------------------

def test_presets_keep_their_names(ptz: PtzArbiter) -> None:
    set_one = ptz.handle("desk-1", OPERATOR, PtzPreset(12, "set", 3, "东门 east gate"))
    assert set_one.persist and drives(set_one) == [(12, Preset(PresetAction.SET, 3))]
    assert ptz.handle("desk-1", OPERATOR, PtzPreset(12, "set", 3)).ok
    assert ptz.presets(12) == {3: "东门 east gate"}, "storing again keeps the name"
    assert drives(ptz.handle("desk-1", OPERATOR, PtzPreset(12, "goto", 3))) == [(12, Preset(PresetAction.GOTO, 3))]
    cleared = ptz.handle("desk-1", OPERATOR, PtzPreset(12, "clear", 3))
    assert cleared.persist and ptz.presets(12) == {}


def test_what_the_dome_cannot_take_is_refused_before_anything_changes(clock: FakeClock) -> None:
    encoders = {12: make_encoder("pelco-d", 1), 16: make_encoder("visca", 1)}

    def validate(camera: int, command: PtzCommand) -> None:
        encoder = encoders.get(camera)
        if encoder is None:
            raise PtzError(f"camera {camera} has no PTZ")
        encoder.encode(command)

    ptz = PtzArbiter(clock=clock, wall=clock.wall, validate=validate)
    refused = ptz.handle("desk-1", OPERATOR, PtzPreset(12, "set", 0, "home"))
    assert refused.answer == "NA Pelco-D preset 0 is out of range for Pelco-D (1-255)"
    assert refused.reason["code"] == "ptz-device" and refused.actions == ()
    assert ptz.handle("desk-1", OPERATOR, PtzPreset(16, "set", 0, "home")).ok, "VISCA has memory 0"
    none = ptz.handle("desk-1", OPERATOR, PtzLock(99))
    assert none.answer == "NA camera 99 has no PTZ"
    assert ptz.holder(12) is None and 99 not in ptz.cameras and 12 not in ptz.cameras
    tour = ptz.handle("desk-2", SUPERVISOR, PtzSaveTour(12, "t", (1, 0), (5.0, 5.0)))
    assert tour.answer == "NA Pelco-D preset 0 is out of range for Pelco-D (1-255)"
    assert ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=2.0)).answer == "NA pan speed 2 is out of range (-1 to 1)"


# -- tours -------------------------------------------------------------------------------

def test_a_ptz_tour_runs_by_itself_and_a_command_ends_it(ptz: PtzArbiter, clock: FakeClock) -> None:
    saved = ptz.handle("desk-2", SUPERVISOR, PtzSaveTour(12, "round", (1, 2, 3), (10.0, 5.0, 5.0), (1.0, 0.5, 0.25)))
    assert saved.ok and saved.persist and saved.drives == [] and ptz.holder(12) is None, "configuration: no lock"
    assert audit(saved, "PtzTourSaved").detail["steps"][1] == {"preset": 2, "dwell": 5.0, "speed": 0.5}
    started = ptz.handle("desk-1", OPERATOR, PtzStartTour(12, "round"))
    assert started.persist and started.drives == [Drive(12, Preset(PresetAction.GOTO, 1), 1.0)]
    steps: list[int] = []
    for _ in range(60):  # 30 s: 10 s at 1, 5 at 2, 5 at 3, 10 at 1, then 2
        clock.advance(0.5)
        steps += [d.command.number for d in ptz.tick().drives if isinstance(d.command, Preset)]
    assert steps == [2, 3, 1, 2]
    assert ptz.snapshot()["cameras"]["12"]["touring"] == "round"
    clock.advance(100)
    ptz.tick()
    # The lock lapsed long ago; whoever steers the dome now ends the tour.
    moved = ptz.handle("desk-3", OPERATOR, PtzMove(12, pan=0.5))
    assert "PtzTourStopped" in audit_actions(moved) and moved.persist
    clock.advance(0.5)
    assert all(isinstance(d.command, Stop) for d in ptz.tick().drives)
    assert "touring" not in ptz.snapshot()["cameras"]["12"]


def test_tour_mistakes_are_refused(ptz: PtzArbiter) -> None:
    assert ptz.handle("desk-1", OPERATOR, PtzStartTour(12, "nowhere")).answer == "NA camera 12 has no PTZ tour 'nowhere'"
    bad = ptz.handle("desk-2", SUPERVISOR, PtzSaveTour(12, "t", (1, 2), (5.0,)))
    assert bad.answer == "NA PtzSaveTour: 2 presets but 1 dwell times"
    ptz.handle("desk-2", SUPERVISOR, PtzSaveTour(12, "t", (1, 2), (5.0, 5.0)))
    ptz.handle("desk-2", SUPERVISOR, PtzStartTour(12, "t"))
    assert ptz.handle("desk-2", SUPERVISOR, PtzStopTour(12)).persist
    assert "touring" not in ptz.snapshot()["cameras"]["12"]


# -- park --------------------------------------------------------------------------------

def test_an_idle_dome_parks_once_at_its_home_preset(ptz: PtzArbiter, clock: FakeClock) -> None:
    assert ptz.handle("desk-2", SUPERVISOR, PtzPark(12, 1, 300.0)).persist
    ptz.handle("desk-1", OPERATOR, PtzMove(12, pan=0.5))
    clock.advance(0.3)
    ptz.handle("desk-1", OPERATOR, PtzStop(12))
    left_at = clock.now
    assert ptz.next_deadline() == pytest.approx(left_at + 30), "first the lease"
    clock.advance(30)
    ptz.tick()
    assert ptz.next_deadline() == pytest.approx(left_at + 300)
    clock.advance(269.9)
    assert ptz.tick().drives == []
    clock.advance(0.1)
    parked = ptz.tick()
    assert drives(parked) == [(12, Preset(PresetAction.GOTO, 1))]
    assert audit(parked, "PtzParked").detail == {"camera": 12, "preset": 1, "idle": 300.0}
    clock.advance(3600)
    assert ptz.tick().drives == [] and ptz.next_deadline() is None, "parked once per idle spell"
    ptz.handle("desk-1", OPERATOR, PtzPreset(12, "goto", 4))
    clock.advance(300)
    assert drives(ptz.tick()) == [(12, Preset(PresetAction.GOTO, 1))]


def test_a_locked_or_touring_dome_does_not_park(ptz: PtzArbiter, clock: FakeClock) -> None:
    ptz.handle("desk-2", SUPERVISOR, PtzPark(12, 1, 60.0))
    ptz.handle("desk-2", SUPERVISOR, PtzLock(12))
    clock.advance(600)
    assert ptz.tick().drives == []
    ptz.handle("desk-2", SUPERVISOR, PtzSaveTour(12, "t", (2, 3), (30.0, 30.0)))
    ptz.handle("desk-2", SUPERVISOR, PtzStartTour(12, "t"))
    ptz.handle("desk-2", SUPERVISOR, PtzRelease(12))
    for _ in range(10):
        clock.advance(30)
        assert all(d.command != Preset(PresetAction.GOTO, 1) for d in ptz.tick().drives)
    assert ptz.handle("desk-2", SUPERVISOR, PtzPark(12, 1, 0)).persist
    assert "park" not in ptz.snapshot()["cameras"]["12"]


# -- persistence -------------------------------------------------------------------------

def test_the_state_survives_a_restart(ptz: PtzArbiter, clock: FakeClock) -> None:
    ptz.handle("desk-1", OPERATOR, PtzPreset(12, "set", 3, "gate"))
    ptz.handle("desk-2", SUPERVISOR, PtzSaveTour(12, "round", (1, 3), (10.0, 20.0), (0.5, 1.0)))
    ptz.handle("desk-2", SUPERVISOR, PtzPark(14, 2, 600.0))
    ptz.handle("desk-2", SUPERVISOR, PtzLock(14))
    ptz.handle("desk-2", SUPERVISOR, PtzRelease(12))
    ptz.handle("desk-1", OPERATOR, PtzStartTour(12, "round"))
    clock.advance(4)
    saved = json.loads(json.dumps(ptz.to_dict()))
    assert saved == {"version": 1, "cameras": {
        "12": {"presets": {"3": "gate"},
               "tours": {"round": [{"preset": 1, "dwell": 10.0, "speed": 0.5}, {"preset": 3, "dwell": 20.0, "speed": 1.0}]},
               "running": {"tour": "round", "index": 0, "left": 6.0, "by": "desk-1"}},
        "14": {"park": {"preset": 2, "after": 600.0}, "lock": {"holder": "desk-2", "role": SUPERVISOR, "priority": 2}},
    }}
    later = FakeClock()
    later.now = 5000.0
    restored = PtzArbiter.from_dict(saved, PtzPolicy(), clock=later, wall=later.wall)
    assert restored.problems == []
    assert restored.presets(12) == {3: "gate"}
    assert restored.to_dict() == saved
    later.now += 6
    assert restored.tick().drives == [Drive(12, Preset(PresetAction.GOTO, 3), 1.0)], "the tour goes on where it was"
    assert restored.handle("desk-1", OPERATOR, PtzMove(14, pan=1)).answer == \
        "NA camera 14 is locked by desk-2 (supervisor) until released"


def test_a_damaged_state_restores_what_it_can(clock: FakeClock) -> None:
    data = {"version": 1, "cameras": {
        "12": {"presets": {"3": "gate"}},
        "13": {"tours": {"t": [{"preset": 1, "dwell": -5}]}},
        "x": {"presets": {}},
        "15": "nonsense",
        "16": {"presets": {"999": "too far"}},
    }}
    ptz = PtzArbiter.from_dict(data, clock=clock)
    assert ptz.presets(12) == {3: "gate"} and set(ptz.cameras) == {12}
    assert len(ptz.problems) == 4 and all(p.startswith("PTZ state of camera ") for p in ptz.problems)
    assert "dwells must be above 0" in " ".join(ptz.problems)
    old = PtzArbiter.from_dict({"version": 7, "cameras": {}}, clock=clock)
    assert old.problems == ["PTZ state version 7 is not 1: not restored"]
    assert PtzArbiter.from_dict(None, clock=clock).to_dict() == {"version": 1, "cameras": {}}


# -- configuration and independence -------------------------------------------------------

def test_the_policy_from_the_host_configuration() -> None:
    policy = PtzPolicy.from_config({"lease": 45, "dead_man": 0.6, "priorities": {"operator": 1, "supervisor": 3},
                                    "lock_roles": ["supervisor"]})
    assert (policy.lease, policy.dead_man, policy.priority("supervisor"), policy.priority("guest")) == (45.0, 0.6, 3, 0)
    assert PtzPolicy.from_config(None) == PtzPolicy()
    with pytest.raises(ValueError, match=r"(?s)unknown key 'leese'.*dead_man must be a number of seconds"):
        PtzPolicy.from_config({"leese": 30, "dead_man": "soon"})
    with pytest.raises(ValueError, match="dead_man must be shorter than lease"):
        PtzPolicy.from_config({"lease": 1, "dead_man": 2})


def test_the_arbiter_imports_no_qt_and_no_zeromq() -> None:
    code = ("import sys; sys.modules['PySide6'] = None; sys.modules['zmq'] = None\n"
            "import console.matrix.ptz_control, console.matrix.ptz_commands\n"
            "print('ok')")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=False)
    assert done.stdout.strip() == "ok", done.stderr
