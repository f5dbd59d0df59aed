"""Progress while solving: the events the engine reports, and a printer for them.

The engine calls a ``progress(event)`` callback; it never prints. ``ProgressPrinter`` (in
the spirit of PyVRP's) writes the events to a stream — stderr for the command line, so
stdout stays for results. On a terminal it keeps one live line up to date; anywhere else
(a log file, CI, a pipe) it writes one plain line each time a stage or a part finishes,
so the log of a long run shows how it went.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, replace
from typing import TextIO


@dataclass(frozen=True)
class Progress:
    """One report while solving."""

    what: str = "tier"  # tier: a stage of one search; part: a part of a region finished; note: a message
    label: str = ""  # which part or neighbourhood, when there are several
    stage: int = 0
    stages: int = 0
    tier: str = ""
    incumbent: float | None = None
    bound: float | None = None
    elapsed: float = 0.0
    done: bool = False  # the stage or part is finished (not just a better solution)
    message: str = ""

    def update(self, **changes) -> Progress:
        return replace(self, **changes)

    @property
    def gap(self) -> float | None:
        if self.incumbent is None or self.bound is None:
            return None
        if self.bound == self.incumbent:
            return 0.0
        return abs(self.bound - self.incumbent) / max(1.0, abs(self.bound))


def _number(x: float | None) -> str:
    return "?" if x is None else f"{x:g}"


def describe(p: Progress) -> str:
    """One event in words, as the printer shows it."""
    if p.what == "note":
        return p.message
    where = f"{p.label}: " if p.label else ""
    count = f"{p.what} {p.stage}/{p.stages}" if p.stages else p.what
    gap = "" if p.gap is None else f"  gap {p.gap:.1%}"
    name = f" {p.tier}" if p.tier and p.what == "tier" else ""
    extra = f"  ({p.message})" if p.message else ""
    return (f"{where}{count}{name}: {_number(p.incumbent)}  bound {_number(p.bound)}{gap}{extra}"
            f"  {p.elapsed:.1f}s")


class ProgressPrinter:
    """Writes progress events to ``stream``: a live line on a terminal, else a line per
    finished stage or part (and every note)."""

    def __init__(self, stream: TextIO | None = None, live: bool | None = None, quiet: bool = False):
        self.stream = stream if stream is not None else sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.quiet = quiet
        self._width = 0
        self._started = time.monotonic()

    def __call__(self, p: Progress) -> None:
        if self.quiet:
            return
        text = describe(p)
        if self.live and p.what != "note":
            self.stream.write("\r  " + text.ljust(self._width))
            self._width = max(self._width, len(text))
        elif p.done or p.what == "note":
            self._end_live_line()
            self.stream.write(f"  {text}\n")
        self.stream.flush()

    def note(self, message: str) -> None:
        """A message among the progress lines (a change of strategy, a warning)."""
        self(Progress(what="note", message=message, elapsed=time.monotonic() - self._started))

    def finish(self) -> None:
        """End a live line, so that what follows starts on a line of its own."""
        if not self.quiet:
            self._end_live_line()
            self.stream.flush()

    def _end_live_line(self) -> None:
        if self.live and self._width:
            self.stream.write("\n")
            self._width = 0
