"""`videowall status` as a terminal shows it: each tile's state and reason, agents that went
silent, PTZ locks and lines down, and the recorders."""

from __future__ import annotations

from console.cli import status_text

NOW = 1_800_000_000.0


def snapshot(**extra: object) -> dict:  # type: ignore[type-arg]
    return {
        "now": NOW, "seq": 42, "wall": {"name": "town wall"},
        "routes": {"1": 7, "2": 8, "3": 9},
        "cameras": {"7": {"name": "东门 gate"}, "8": {"name": "north\x1b[2J road"}, "9": {"name": "yard"}},
        "health": {
            "agent-A1": {"at": NOW - 1, "tiles": {"1": {"state": "playing", "fps": 15},
                                                  "2": {"state": "lost", "reason": "stream ended; reconnecting: "
                                                                                   "404 not found"}}},
            "agent-A2": {"at": NOW - 30, "tiles": {"3": {"state": "playing", "fps": 15}}},
        },
        "ptz": {"locks": {"12": {"holder": "desk-2", "role": "supervisor", "left": 18.4}},
                "lines": {"socket://127.0.0.1:4001": {"state": "down",
                                                      "text": "line socket://127.0.0.1:4001: connection refused"},
                          "socket://127.0.0.1:4002": {"state": "open"}}},
        **extra,
    }


def test_tiles_agents_and_ptz_each_say_what_they_are() -> None:
    lines = status_text(snapshot()).splitlines()
    assert lines[0] == "wall town wall, update 42"
    [one] = [line for line in lines if "MON    1" in line]
    assert "CAM      7" in one and "东门 gate" in one and one.rstrip().endswith("playing 15 fps")
    [two] = [line for line in lines if "MON    2" in line]
    assert two.rstrip().endswith("lost  stream ended; reconnecting: 404 not found")
    assert "\x1b" not in two and "\\x1b[2J" in two  # a name cannot rewrite the operator's terminal
    [three] = [line for line in lines if "MON    3" in line]
    assert three.rstrip().endswith("?")  # its agent is silent: no stale "playing"
    assert "  agent agent-A2: no report for more than 5 s" in lines
    assert "  PTZ camera 12 held by desk-2 (supervisor), 18 s left" in lines
    assert "  PTZ line socket://127.0.0.1:4001: connection refused" in lines
    assert not any("4002" in line for line in lines)


def test_recorders_down_or_with_cameras_not_recorded_are_said() -> None:
    assert "  recorder: none reports to the host (nothing is recorded)" in status_text(snapshot()).splitlines()
    cameras = {str(n): {"scheduled": True, "recording": True, "state": "playing"} for n in range(1, 15)}
    cameras["3"] = {"scheduled": True, "recording": False, "state": "error",
                    "reason": "connection refused (wrong host or port?)"}
    cameras["9"] = {"scheduled": False, "recording": False, "state": "off", "reason": "schedule: 08:00-20:00"}
    recorders = {"recorder": {"at": NOW - 1, "cameras": cameras, "disk": {"used": 2.5e9, "free": 40e9}},
                 "recorder-2": {"at": NOW - 12, "cameras": {}}}
    lines = status_text(snapshot(recorders=recorders)).splitlines()
    assert "  recorder recorder: recording 12 of 13 scheduled cameras, store 2.50 GB, 40.0 GB free" in lines
    assert "    CAM      3  not recording: connection refused (wrong host or port?)" in lines
    assert not any("CAM      9  not recording" in line for line in lines)  # off by its schedule: not a failure
    assert "  recorder recorder-2: DOWN (no report for 12 s)" in lines
