"""Independent parts of a region solved side by side, one process per lane.

Two single-worker searches on two cores out-work one two-worker search (measured on a
100-trainee part: two interleaved workers did 1.25 times the work of one), and one
lane's model building overlaps another's search. The lanes and their budgets (by
trainees) are fixed before solving; within a lane, parts are solved in turn and hand
unused time on, so the result never depends on which process finishes first.

Each lane is a fresh interpreter (``python -m rotasolve.engine.part_worker``) fed over a
pipe, not multiprocessing's spawn (which re-runs the caller's main script, so a plain
script without a ``__main__`` guard would fail) nor fork (which would copy CP-SAT's
thread state).
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import replace

from ..core import stop
from ..core.clock import Deadline
from ..domain import Instance
from ..domain.tiers import CRITICAL
from ..core.progress import Progress
from .options import SolveOptions
from .one_model import PartResult


def lanes(weights: list[int], processes: int) -> list[list[int]]:
    """Parts dealt to processes before any is solved: largest first, each to the lane with
    the fewest trainees so far (ties to the lower lane)."""
    out: list[list[int]] = [[] for _ in range(processes)]
    load = [0] * processes
    for i in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        lane = min(range(processes), key=lambda k: (load[k], k))
        out[lane].append(i)
        load[lane] += weights[i]
    return [lane for lane in out if lane]


def lane_share(weights: list[int], dealt: list[list[int]], lane: list[int]) -> float:
    """The part of the region's search budget a lane may spend. The lanes run at once,
    each on its own core, so each may search as long as the whole region would in one
    process: each gets the lanes' count times its share of trainees, at most the
    region's whole budget. (Dealing the region's budget out among the lanes had left
    half the limit unused: a disconnected 500-trainee region ended its 60 s run at 23 s,
    one point of tier 1b short of the best.)"""
    return min(1.0, len(dealt) * sum(weights[i] for i in lane) / sum(weights))


def solve_side_by_side(parts: list[Instance], options: SolveOptions, processes: int, deadline: Deadline,
                       budget_bytes: int, progress: Callable[[Progress], None] | None = None) -> list[PartResult]:
    weights = [len(p.trainees) for p in parts]
    dealt = lanes(weights, processes)
    per_lane = replace(options, workers=max(1, options.workers // len(dealt)))
    search = options.search_budget(sum(weights))
    env = stop.child_environment()

    def run(lane: list[int]) -> list[PartResult]:
        job = dict(parts=[parts[i] for i in lane], options=per_lane, deadline=deadline,
                   search_budget=None if search is None else search * lane_share(weights, dealt, lane),
                   budget_bytes=int(budget_bytes / len(dealt)),
                   labels=[f"part {i + 1}/{len(parts)}" for i in lane])
        # A stop requested here is passed on over the child's stop line (it then returns
        # its best so far); an abort kills it.
        line = stop.Line()
        try:
            child = subprocess.Popen([sys.executable, "-m", "rotasolve.engine.part_worker"], **line.child_args(env),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            line.started()
            with stop.stoppable(line.send, kill=child.kill):
                out, err = child.communicate(pickle.dumps(job))
        finally:
            line.close()
        if child.returncode != 0:
            raise RuntimeError(f"solving parts {', '.join(str(i + 1) for i in lane)} of {len(parts)} "
                               "failed in their process:\n" + err.decode(errors="replace")[-2000:])
        results: list[PartResult] = pickle.loads(out)
        return results

    by_part: dict[int, PartResult] = {}
    t0 = time.monotonic()
    with ThreadPoolExecutor(len(dealt)) as pool:  # threads only wait on the processes
        futures = {pool.submit(run, lane): lane for lane in dealt}
        for future in as_completed(futures):
            by_part.update(zip(futures[future], future.result()))
            if progress:
                solved = [r for r in by_part.values() if r.values is not None]
                bounds = [r.bounds.critical if r.bounds is not None else None for r in solved]
                progress(Progress(what="part", stage=len(by_part), stages=len(parts), tier=CRITICAL.name,
                                  incumbent=sum(r.values.critical for r in solved if r.values is not None),
                                  bound=sum_or_none(bounds),
                                  elapsed=time.monotonic() - t0, done=True))
    # A lane stops at a part with no solution; solve() needs only that it is there.
    return [by_part[i] for i in range(len(parts)) if i in by_part]


def sum_or_none(values: list[int | None]) -> int | None:
    """The sum over parts of a bound (or a cost); None when a part has none."""
    return None if None in values else sum(v for v in values if v is not None)
