"""The run's one deadline (rotasolve/core/clock.py): made once, read the same way below."""

from __future__ import annotations

import time

from rotasolve.core.clock import Deadline
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
