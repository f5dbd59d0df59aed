"""The run's one deadline (rotasolve/core/clock.py): made once, read the same way below."""

from __future__ import annotations

import time

from rotasolve.core.clock import Deadline
from rotasolve.core.tuning import AFTER_READING
from rotasolve.synthetic.generate import generate
from rotasolve.pipeline import search_deadline


def test_a_deadline_counts_from_its_start():
    d = Deadline.start(10)
    assert d.at == d.started + 10
    assert 9 < d.left() <= 10 and 0 <= d.elapsed() < 1
    late = Deadline(time.monotonic() - 20, 10)  # a run that began 20 s ago
    assert late.left() < -9 and late.elapsed() >= 20


def test_a_stage_of_a_run_shares_its_start_and_never_outlasts_it():
    d = Deadline.start(30)
    first = d.first(12)
    assert first.started == d.started and first.seconds == 12
    assert d.first(99).seconds == 30


def test_the_search_stops_early_enough_for_what_follows_it():
    d = Deadline.start(30)
    small, large = generate(20, 2, 1), generate(300, 4, 1)
    assert search_deadline(small, d).started == d.started
    assert search_deadline(large, d).seconds < search_deadline(small, d).seconds < 30
    assert search_deadline(large, Deadline.start(2)).seconds == 1.0  # never less than half the limit


def test_a_commands_deadline_counts_loading_when_the_process_is_the_command(monkeypatch):
    from rotasolve.core import clock

    monkeypatch.setattr(clock, "_command_started", None)
    before = time.monotonic()
    assert Deadline.for_command(60).started >= before  # called from a longer-lived process: from now
    monkeypatch.setattr(clock, "LOADED_FROM", time.monotonic() - 1.4)  # a young process, loaded 1.4 s ago
    clock.begin_command()
    assert Deadline.for_command(60).started == clock.LOADED_FROM  # loading counts against the limit
    monkeypatch.setattr(clock, "LOADED_FROM", time.monotonic() - clock.YOUNG - 1)  # a process that did other work
    clock.begin_command()
    assert Deadline.for_command(60).started >= time.monotonic() - 1


def test_a_run_that_read_its_workbook_slowly_keeps_more_time_for_its_outputs():
    large = generate(300, 4, 1)
    d = Deadline.start(60)
    assert d.read_in(0.1).reading == 0.1 and d.read_in(0.1).first(30).reading == 0.1  # kept by a stage
    usual = search_deadline(large, d.read_in(0.1)).seconds
    slow = search_deadline(large, d.read_in(2.0)).seconds  # writing takes as much longer
    assert slow == 60 - AFTER_READING * 2.0 < usual
