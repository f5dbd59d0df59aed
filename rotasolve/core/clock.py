"""One deadline per run: made where the run starts (a command, a web job, a sweep job)
and passed down to the search, so that every layer measures the same time limit from the
same moment. On the monotonic clock: a change of the wall clock (a laptop's time sync)
cannot move it, and child processes on the same machine read the same clock."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    started: float  # time.monotonic() when the run began
    seconds: float  # its time limit

    @classmethod
    def start(cls, seconds: float) -> Deadline:
        """A run beginning now with ``seconds`` to spend."""
        return cls(time.monotonic(), seconds)

    @property
    def at(self) -> float:
        """The time.monotonic() by which the run must end."""
        return self.started + self.seconds

    def left(self) -> float:
        return self.at - time.monotonic()

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def first(self, seconds: float) -> Deadline:
        """The same run's first ``seconds`` (a stage of it: the scheme as it is, before a
        capacity search)."""
        return Deadline(self.started, min(self.seconds, seconds))
