"""The progress printer: a live line on a terminal, a line per finished stage or part in a
log, nothing when quiet; and the engine's events reach it."""

from __future__ import annotations

import io

from rotasolve.engine import SolveOptions, solve
from rotasolve.synthetic.generate import generate
from rotasolve.core.progress import Progress, ProgressPrinter, describe


def test_a_log_gets_one_line_per_finished_stage_and_every_note():
    out = io.StringIO()
    printer = ProgressPrinter(out, live=False)
    printer(Progress(stage=1, stages=3, tier="critical placed", incumbent=4, bound=6, elapsed=1.0))
    printer(Progress(stage=1, stages=3, tier="critical placed", incumbent=5, bound=5, elapsed=2.0, done=True))
    printer.note("a note")
    lines = out.getvalue().splitlines()
    assert lines == ["  tier 1/3 critical placed: 5  bound 5  gap 0.0%  2.0s", "  a note"]


def test_a_terminal_gets_one_live_line_rewritten():
    out = io.StringIO()
    printer = ProgressPrinter(out, live=True)
    printer(Progress(stage=1, stages=3, tier="critical placed", incumbent=4, bound=6, elapsed=1.0))
    printer(Progress(stage=1, stages=3, tier="critical placed", incumbent=5, bound=6, elapsed=2.0))
    printer.finish()
    text = out.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    assert "gap 16.7%" in text


def test_quiet_prints_nothing():
    out = io.StringIO()
    printer = ProgressPrinter(out, live=False, quiet=True)
    printer(Progress(stage=1, stages=1, done=True))
    printer.note("x")
    printer.finish()
    assert out.getvalue() == ""


def test_describe_says_what_is_unknown():
    assert describe(Progress(what="part", stage=2, stages=5, incumbent=3, bound=None, elapsed=0.5)) == \
        "part 2/5: 3  bound ?  0.5s"


def test_the_engine_reports_each_stage_of_a_solve():
    events: list[Progress] = []
    solve(generate(30, 2, seed=1), SolveOptions(time_limit=10, workers=1), progress=events.append)
    finished = [e for e in events if e.done]
    assert [e.stage for e in finished if e.what == "tier"][:3] == [1, 2, 3]
    assert all(e.incumbent is not None for e in finished)
