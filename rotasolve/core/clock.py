"""One deadline per run: made where the run starts (a command, a web job, a sweep job)
and passed down to the search, so that every layer measures the same time limit from the
same moment. On the monotonic clock: a change of the wall clock (a laptop's time sync)
cannot move it, and child processes on the same machine read the same clock."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

# When rotasolve began loading: the first thing ``rotasolve/__init__.py`` imports. Loading
# OR-Tools, HiGHS and the rest takes about 1.4 s, which a command's time limit counts (a
# tutor's `--time-limit 60` is a minute by the wall clock, not a minute after the imports).
LOADED_FROM = time.monotonic()


@dataclass(frozen=True)
class Deadline:
    started: float  # time.monotonic() when the run began
    seconds: float  # its time limit
    # Seconds the run took to read its workbook (0: not read by the run): the pace of this
    # machine at the Python work that follows the search (``pipeline.search_deadline``).
    reading: float = 0.0

    @classmethod
    def start(cls, seconds: float) -> Deadline:
        """A run beginning now with ``seconds`` to spend."""
        return cls(time.monotonic(), seconds)

    @classmethod
    def for_command(cls, seconds: float) -> Deadline:
        """A command's run: from when rotasolve began loading, where the process is the
        command (``begin_command``); else (a command called in a longer-lived process, a
        test's runner) from now."""
        return cls(_command_started if _command_started is not None else time.monotonic(), seconds)

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
        return replace(self, seconds=min(self.seconds, seconds))

    def read_in(self, seconds: float) -> Deadline:
        """The same run, its workbook read in ``seconds``."""
        return replace(self, reading=seconds)


_command_started: float | None = None
YOUNG = 30.0  # seconds: a process older than this when its command begins did other work first


def begin_command() -> None:
    """The console entry point's first step: this process runs one command, which began
    when rotasolve began loading (unless the process is older: then now)."""
    global _command_started
    now = time.monotonic()
    _command_started = LOADED_FROM if now - LOADED_FROM < YOUNG else now
