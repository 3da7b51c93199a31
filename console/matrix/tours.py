"""Tours (sequences) timed by the matrix host: run, hold, step, and a hint before each step.

The hint lets the wall agent pre-connect the next camera, so the step itself is a warm switch.
Times are monotonic while running and saved as "seconds left" so a restart resumes them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from console.matrix.model import ModelError, Tour

HINT_LEAD = 2.0  # seconds before a step that the agent hears of the next camera


@dataclass
class TourRun:
    monitor: int
    tour: Tour
    index: int
    direction: int
    held: bool
    due: float
    hinted: bool = False

    @property
    def camera(self) -> int:
        return self.tour.steps[self.index][0]

    @property
    def next_camera(self) -> int:
        return self.tour.steps[(self.index + self.direction) % len(self.tour.steps)][0]

    def advance(self, step: int, now: float) -> int:
        self.index = (self.index + step) % len(self.tour.steps)
        self.due = now + self.tour.steps[self.index][1]
        self.hinted = False
        return self.camera


class TourScheduler:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.runs: dict[int, TourRun] = {}

    def start(self, monitor: int, tour: Tour, direction: int = 1) -> int:
        now = self.clock()
        index = 0 if direction > 0 else len(tour.steps) - 1
        run = TourRun(monitor, tour, index, 1 if direction > 0 else -1, False, now + tour.steps[index][1])
        self.runs[monitor] = run
        return run.camera

    def hold(self, monitor: int) -> bool:
        """HOLD toggles: hold the current camera, or run on from it.  Returns the new held state."""
        run = self._run(monitor)
        run.held = not run.held
        if not run.held:
            run.due = self.clock() + run.tour.steps[run.index][1]
            run.hinted = False
        return run.held

    def step(self, monitor: int, step: int) -> int:
        run = self._run(monitor)
        return run.advance(step, self.clock())

    def stop(self, monitor: int) -> bool:
        return self.runs.pop(monitor, None) is not None

    def due(self) -> list[tuple[int, int]]:
        now = self.clock()
        return [(run.monitor, run.advance(run.direction, now)) for run in self.runs.values()
                if not run.held and run.due <= now]

    def upcoming(self) -> list[tuple[int, int]]:
        """(monitor, next camera) for steps within HINT_LEAD that have not been hinted yet."""
        now = self.clock()
        hints = []
        for run in self.runs.values():
            if not run.held and not run.hinted and run.due - now <= HINT_LEAD:
                run.hinted = True
                hints.append((run.monitor, run.next_camera))
        return hints

    def next_deadline(self) -> float | None:
        times = []
        for run in self.runs.values():
            if run.held:
                continue
            times.append(run.due if run.hinted else run.due - HINT_LEAD)
        return min(times) if times else None

    def _run(self, monitor: int) -> TourRun:
        run = self.runs.get(monitor)
        if run is None:
            raise ModelError(f"no tour runs on monitor {monitor}", "no-tour-running", monitor=monitor)
        return run

    # -- persistence ----------------------------------------------------------------------
    def to_dict(self) -> list[dict[str, Any]]:
        now = self.clock()
        return [{"monitor": r.monitor, "tour": r.tour.name, "index": r.index, "direction": r.direction,
                 "held": r.held, "left": max(0.0, r.due - now)} for r in self.runs.values()]

    def restore(self, saved: list[dict[str, Any]], tours: dict[str, Tour]) -> None:
        now = self.clock()
        for entry in saved:
            tour = tours.get(str(entry.get("tour")))
            if tour is None:
                continue  # the layout no longer has it
            index = int(entry.get("index", 0)) % len(tour.steps)
            self.runs[int(entry["monitor"])] = TourRun(int(entry["monitor"]), tour, index, int(entry.get("direction", 1)),
                                                       bool(entry.get("held")), now + float(entry.get("left", 0.0)))
