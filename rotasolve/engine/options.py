"""What the caller asks of a solve."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.additions import Offer
from ..solution import Solution

# Search work allowed per wall-clock second of the limit, in reproducible mode. CP-SAT's
# deterministic seconds run at about one per wall second on an idle 2-core machine and
# slower on a busy one; building the model, the greedy start, the bound and the outputs
# need wall time too. Half leaves room for all of that, so that a reproducible run is
# rarely cut short by the clock (benchmarks/README.md has the measurements).
SEARCH_PER_SECOND = 0.5


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
    # A capacity search (planning.md): the additions it may buy, bought only as far as
    # placing critical requirements needs them, at least cost (engine/part.py _stages).
    additions: Offer | None = None

    def search_budget(self) -> float | None:
        """Deterministic seconds for the whole search, or None to go by the clock alone."""
        return SEARCH_PER_SECOND * self.time_limit if self.reproducible else None
