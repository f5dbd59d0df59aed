"""What the caller asks of a solve."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.additions import Offer
from ..results.solution import Solution
from ..core.tuning import SEARCH_HALF_FROM, SEARCH_PER_SECOND, SEARCH_PER_SECOND_LARGE


@dataclass(frozen=True)
class SolveOptions:
    time_limit: float = 60.0  # wall-clock seconds the solve may take
    workers: int = 2
    seed: int = 0
    # Reproducible: the search is bounded by deterministic work (SEARCH_PER_SECOND x the
    # limit), so the same input, seed and limit give the same allocation on any machine;
    # the clock still stops it at the limit. Off: the search uses every second it has.
    reproducible: bool = True
    memory: int | None = None  # bytes the models may take; None: a quarter of the machine's RAM
    # A re-plan: the allocation in use, changed as little as possible (lifecycle.md); with
    # critical_first, placing critical requirements comes before keeping it.
    previous: Solution | None = None
    critical_first: bool = False
    # Deterministic seconds of search set apart from the clock (reproducible mode only). A
    # sweep gives each job the work a solve of its --time-limit does and a looser clock, so
    # that a busy node cannot cut a search short and change a result. None: SEARCH_PER_SECOND
    # x the limit.
    search_seconds: float | None = None
    # How tier 1 is searched, for the benchmark that chose the defaults (benchmarks/run.py
    # variants): "weighted" solves tiers 1a and 1b as one exact weighted sum; "staged"
    # solves 1a, then 1b holding it, the second stage started from the first's answer.
    # Without start_hint, the first stage starts from nothing instead of the greedy allocation.
    tier_one: str = "weighted"
    start_hint: bool = True
    # HiGHS's MIP of the same model beside CP-SAT on tier 1 (model/portfolio.py); off
    # for the benchmark that compares CP-SAT alone.
    mip: bool = True
    # A capacity search (planning.md): the additions it may buy, bought only as far as
    # placing critical requirements needs them, at least cost (engine/one_model.py stages_for).
    additions: Offer | None = None

    @property
    def tier_one_first(self) -> bool:
        """Tier 1 is the first thing searched: not so for a re-plan (fewest changes first)
        or a capacity search (cheapest additions), whose stages the searches after a
        guided part's first do not know."""
        return self.previous is None and self.additions is None

    def search_budget(self, trainees: int = 0) -> float | None:
        """Deterministic seconds for the whole search of a region of ``trainees``, or None
        to go by the clock alone."""
        if not self.reproducible:
            return None
        if self.search_seconds is not None:
            return self.search_seconds
        return self.time_limit * (SEARCH_PER_SECOND if trainees < SEARCH_HALF_FROM else SEARCH_PER_SECOND_LARGE)
