"""Running CP-SAT on a built model: the tiers in strict order, each with its proven bound.

Tier 1a (critical placements) and tier 1b (other placements, by seniority) are solved as
one exact weighted sum, ``W × 1a + 1b`` with ``W`` one more than the most 1b can be, so
no 1b gain can ever outweigh one critical placement. Solving them as two stages, the
second hinted with the first's answer, trapped the search: stage 1a stops at the first
allocation that places every critical requirement it can, whatever its 1b, and stage 1b
then searched near it (on an LTFT-heavy scheme it stayed at 130 where 168 was possible).
Tiers 2 and 3 follow as stages, each holding the tiers above at their values, hinted
with the previous stage's allocation (which satisfies the new constraint by construction).

Time: each CP-SAT call gets a share of the part's deterministic budget (reproducible:
the same model, seed and budget give the same answer on any machine) and never runs past
the wall-clock deadline; a call stopped by the clock is reported so the run can say it
is not reproducible.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from ..core import stop
from ..core.progress import Progress
from ..domain.tiers import CRITICAL, OTHERS, PATIENTS, TRAVEL_AND_LOAD, ByTier, TierKind
from .build import Built
from .expr import value_in
from .objective import Tier
from .mip import MipMember, exact_program, lead, level_lead
from .portfolio import CallResult, call
from ..core.tuning import (LEAD, LEAD_SHARE, LEAST_WALL_PER_VARIABLE, LEVEL_LEAD, LIGHT_PRESOLVE_ABOVE,
                           MIP_WINDOW_SHARE, STAGE_SHARES)


@dataclass(frozen=True)
class Budget:
    """What one search may spend: deterministic seconds (None: only the clock) and a
    wall-clock deadline (time.monotonic())."""

    deterministic: float | None
    deadline: float

    def share(self, fraction: float, spent_deterministic: float) -> Budget:
        if self.deterministic is None:
            return self
        return Budget(max(0.05, (self.deterministic - spent_deterministic) * fraction), self.deadline)

    def less(self, deterministic: float) -> Budget:
        """This budget with ``deterministic`` seconds set aside for other work."""
        if self.deterministic is None:
            return self
        return Budget(max(0.05, self.deterministic - deterministic), self.deadline)

    def wall_left(self) -> float:
        return self.deadline - time.monotonic()


@dataclass
class SearchResult:
    values: ByTier[int | None]  # None: no stage reached the tier (see _score_the_rest)
    bounds: ByTier[int | None]
    proven: bool  # every tier proven optimal
    assignment: dict[int, int] | None = None  # variable index -> value, None when nothing was found
    deterministic_seconds: float = 0.0
    stopped_by_clock: bool = False
    infeasible: bool = False
    extra: dict[str, int] = field(default_factory=dict)  # values of stages outside the tiers
    extra_bounds: dict[str, int] = field(default_factory=dict)  # and their proven bounds


def _solver(workers: int, seed: int, budget: Budget, n_variables: int,
            subsolvers: tuple[str, ...] = (), gap: int = 0, light: bool = False) -> cp_model.CpSolver | None:
    wall = budget.wall_left()
    # CP-SAT takes a while to load a large model before it can stop: a stage started with
    # a tenth of a second left on a 100,000-variable model ran a second past the deadline
    # (f64 at 60 s: the run ended at 61 s). Not started at all, its tier is scored on the
    # allocation it would have started from.
    if wall <= max(0.01, LEAST_WALL_PER_VARIABLE * n_variables):
        return None
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = max(1, workers)
    p.random_seed = seed
    p.max_time_in_seconds = wall
    p.catch_sigint_signal = False  # Ctrl-C is the caller's: it stops the search through rotasolve.core.stop
    # Interleaved search (CP-SAT's deterministic parallel mode) in both modes: with 2
    # workers it runs a whole portfolio in turns, where the ordinary parallel mode runs just
    # two; on a 120-trainee region that mode had not proven tier 1 after 58 s, which the
    # interleaved one proves in 2-6 s.
    p.interleave_search = True
    if budget.deterministic is not None:
        p.max_deterministic_time = max(0.05, budget.deterministic)
    p.subsolvers.extend(subsolvers)  # none: CP-SAT's own portfolio
    if gap:  # stop once the objective is within ``gap`` of CP-SAT's bound
        p.absolute_gap_limit = gap
    if light or n_variables > LIGHT_PRESOLVE_ABOVE:
        # On large models probing and symmetry detection cost seconds before any
        # solution; on small ones they pay for themselves.
        p.cp_model_probing_level = 0
        p.symmetry_level = 0
    return solver


def _event(event: Progress, value: int, bound: int, stage: Stage, elapsed: float, done: bool = False) -> Progress:
    weight = stage.weight
    if weight <= 1:
        return event.update(incumbent=value, bound=bound, elapsed=elapsed, done=done)
    if len(stage.tiers) == 2:
        return event.update(incumbent=value // weight, bound=bound // weight, elapsed=elapsed, done=done,
                            message=f"others {value % weight}")
    first = -(-value // weight)  # weight x tier - penalty: the tier, and the penalty below one weight
    return event.update(incumbent=first, bound=-(-bound // weight), elapsed=elapsed, done=done,
                        message=f"penalty {weight * first - value}")


@dataclass(frozen=True)
class Stage:
    """One CP-SAT solve: maximise ``expr``, then hold it at the value found.

    ``tiers`` says which of the objective's tiers the stage settles: ``(CRITICAL, OTHERS)``
    for ``weight x tier 1a + tier 1b``, ``(tier,)`` for one tier, ``()`` for something outside
    the tiers (the changes of a re-plan), reported under ``name`` in ``SearchResult.extra``.
    ``(tier,)`` with a weight above 1 is ``weight x tier - penalty``, the penalty between 0
    and weight - 1 (the additions of a capacity search): the tier first, then the least
    penalty, settled at once; minus the penalty is reported under ``name``.
    """

    name: str
    expr: cp_model.LinearExpr
    tiers: tuple[TierKind, ...] = ()
    weight: int = 1
    share: float = 0.2  # of the search budget left when the stage starts, in proportion


def tier_stages(built: Built) -> list[Stage]:
    """The tiers of domain.md in their order: 1a and 1b as one exact weighted sum, then 2, then 3."""
    tiers = built.tiers
    weight = tiers.others.most + 1
    return [Stage("critical placed (others by seniority)", weight * tiers.critical.expr + tiers.others.expr,
                  (CRITICAL, OTHERS), weight, STAGE_SHARES[0]),
            Stage("waiting and preferences", tiers.patients.expr, (PATIENTS,), share=STAGE_SHARES[1]),
            Stage("travel and load", tiers.travel_and_load.expr, (TRAVEL_AND_LOAD,), share=STAGE_SHARES[2])]


def search(built: Built, budget: Budget, *, workers: int = 2, seed: int = 0,
           hint: dict[int, int] | None = None, stages: list[Stage] | int | None = None,
           progress: Callable[[Progress], None] | None = None, label: str = "",
           subsolvers: tuple[str, ...] = (), mip_nodes_per_second: float = 0.0, gap: int = 0,
           at_most: int | None = None, light: bool = False, lead: bool = False) -> SearchResult:
    """Maximise the stages of ``built`` in order within ``budget`` (default: the tiers;
    a number: the first that many of them); ``subsolvers``: CP-SAT's to run, in turns;
    ``gap``: each stage ends once within that of CP-SAT's bound, which ``at_most`` (proven
    elsewhere: the first stage's value is at most that) makes tighter; ``light``: no
    probing or symmetry detection in presolve, whatever the model's size. With
    ``mip_nodes_per_second``, HiGHS's MIP searches tier 1 beside CP-SAT (``portfolio.py``),
    allowed that many nodes per deterministic second of the stage's budget; ``lead``: HiGHS's lead first."""
    model, tiers = built.model, built.tiers
    if stages is None or isinstance(stages, int):
        stages = tier_stages(built)[:stages]
    n_variables = len(model.Proto().variables)
    t0 = time.monotonic()
    result, spent = SearchResult(values=ByTier.filled(None), bounds=ByTier.filled(None), proven=True), 0.0
    for i, stage in enumerate(stages):
        share = stage.share / sum(s.share for s in stages[i:])
        stage_budget = budget.share(share, spent)
        nodes = _mip_nodes(stage, stage_budget, mip_nodes_per_second)
        levels = tuple(tiers[kind].expr for kind in stage.tiers) if len(stage.tiers) == 2 else ()
        member, ahead, charge = _leads(model, stage, levels, nodes, stage_budget, share, hint,
                                       mip_nodes_per_second * lead, n_variables)
        spent, stage_budget = spent + charge, stage_budget.less(charge)
        hint, most = _led(model, ahead, hint, at_most if i == 0 else None)
        event = Progress(what="tier", label=label, stage=i + 1, stages=len(stages), tier=stage.name)
        got = _proven_by_the_lead(ahead, member)
        if got is None:
            # HiGHS takes a core of its own: beside two workers, its proof (12 s) missed 30 s
            solver = _solver(workers - 1 if nodes and workers > 1 else workers, seed, stage_budget, n_variables,
                             subsolvers, gap, light)
            if solver is None or stop.requested():
                result.stopped_by_clock = True  # out of time, or stopped early: keep what was found
                if member is not None:
                    member.end()
                break
            _objective_and_hint(model, stage, hint, most)
            got = _at_least_the_lead(call(solver, model, mip_nodes=nodes, mip_levels=levels, mip_weight=stage.weight,
                                          mip_window=stage_budget.wall_left() * max(share, MIP_WINDOW_SHARE),
                                          mip_member=member, report=_reporter(progress, event, t0, stage)), ahead)
        spent += got.deterministic_seconds
        result.stopped_by_clock |= got.stopped_by_clock
        if got.infeasible and i == 0:
            result.infeasible = True
            return result
        if not got.found:
            result.proven = False
            break
        result.proven = result.proven and got.proven
        _settle(model, tiers, stage, got.value, got.bound, result)
        assert got.assignment is not None  # found: it comes with its allocation
        result.assignment = hint = dict(enumerate(got.assignment.tolist()))
        if progress:
            progress(_event(event, got.value, got.bound, stage, time.monotonic() - t0, done=True))
    result.deterministic_seconds = spent
    if result.assignment is not None:
        _score_the_rest(built, result)
    return result


def _leads(model: cp_model.CpModel, stage: Stage, levels: tuple[cp_model.LinearExpr, ...], nodes: int,
           budget: Budget, share: float, hint: dict[int, int] | None, per_second: float,
           n_variables: int) -> tuple[MipMember | None, Ahead | None, float]:
    """HiGHS's lead on a stage, where asked (``per_second``: nodes per deterministic second,
    0 for none): tier 1's (``levels``: 1a and 1b) with its call's member, or a later stage's;
    and what it is charged of the deterministic budget (``InteriorStart.work``). Tier 1's
    lead is not charged: charged, tier 1's call had less of its budget, and tier 1 was
    proven on 20 of the apart family's 28 at 30 s where it had been on 22."""
    if levels:
        return (*_lead(model, stage, levels, nodes, budget.wall_left() * max(share, MIP_WINDOW_SHARE),
                       per_second > 0), 0.0)
    return (None, *_level_lead(model, stage, hint, budget, share, per_second, n_variables))


def _lead(model: cp_model.CpModel, stage: Stage, levels: tuple[cp_model.LinearExpr, ...], nodes: int,
          window: float, asked: bool) -> tuple[MipMember | None, Ahead | None]:
    """HiGHS's lead on tier 1 (``mip.lead``) before its call, where ``asked`` and HiGHS
    searches beside CP-SAT, within LEAD_SHARE of its ``window``; and the call's member,
    started with it so that its proof (at its root: the second level's presolve and cuts)
    runs beside the lead rather than after it. (None, None) otherwise.

    Why: on schemes from a generator written apart from ours, CP-SAT searched tier 1 from
    the greedy allocation and did not reach the optimum (a01: 98 of 102 for tier 1b in
    30 s on two workers), and HiGHS reached it only after rounds of cuts (15.6 s of the
    call). Hinted with the lead's allocation (a01: 100, its bound 103, in 2.4 s), CP-SAT on
    one worker proved (27, 102) in 10.3 s; a09 (26, 97) in 5.2 s, where the run had 96."""
    program = exact_program(model) if asked and LEAD and nodes and levels and not stop.requested() else None
    if program is None:
        return None, None
    # the member starts from the first level's allocation: it proves, the lead finds
    member = MipMember(model, nodes, window, levels=levels, weight=stage.weight, program=program)
    member.start()
    found = lead(model, levels, stage.weight, nodes, window * LEAD_SHARE, program)
    if found is None:
        return member, None
    weight = stage.weight
    # tier 1a is proven: tier 1b's bound, where not known, is below the weight
    bound = weight * found.critical + (found.bound if found.bound is not None else weight - 1)
    return member, Ahead(weight * found.critical + found.others, bound, found.solution, found.stopped_by_clock,
                         (levels[0], found.critical))


def _level_lead(model: cp_model.CpModel, stage: Stage, hint: dict[int, int] | None, budget: Budget, share: float,
                per_second: float, n: int) -> tuple[Ahead | None, float]:
    """HiGHS's lead on a stage after tier 1 (``mip.level_lead``), from the allocation the
    stage would start from, where HiGHS is asked for (``per_second``: its nodes per
    deterministic second of the stage's budget), within ``share`` of the wall time left;
    ``n``: the model's variables, every one of which the start must give."""
    if not (LEVEL_LEAD and per_second and hint and budget.deterministic is not None and len(stage.tiers) == 1
            and stage.weight == 1):
        return None, 0.0
    if len(hint) != n or any(i not in hint for i in range(n)):
        return None, 0.0  # a hint of some variables only (a re-plan's): no allocation to start from
    start = np.array([hint[i] for i in range(n)], dtype=np.int64)
    nodes = max(1, round(per_second * budget.deterministic))
    found = level_lead(model, stage.expr, start, nodes, budget.wall_left() * share)
    if found is None:
        return None, 0.0
    if found.bound is None:  # no bound: the relaxation was not solved, nothing found
        return None, found.work
    solution = found.solution if found.solution is not None else start
    return Ahead(value_in(stage.expr, dict(enumerate(solution.tolist()))), found.bound, solution,
                 found.stopped_by_clock), found.work


@dataclass(frozen=True)
class Ahead:
    """What HiGHS worked out before a stage's call, in the stage's terms."""

    value: int  # of the stage's objective, at ``solution``
    bound: int  # the most the stage's objective can be (proven)
    solution: np.ndarray  # a value per CP-SAT variable, checked against every row
    stopped_by_clock: bool
    held: tuple[cp_model.LinearExpr, int] | None = None  # tier 1a and its proven optimum


def _led(model: cp_model.CpModel, ahead: Ahead | None, hint: dict[int, int] | None,
         most: int | None) -> tuple[dict[int, int] | None, int | None]:
    """A stage's call after HiGHS's lead (None: ``hint`` and ``most`` as they are): the
    model held at tier 1a's proven optimum where the lead proved it (every allocation of
    the best tier 1 places that many), the search hinted with the lead's allocation, and
    the stage's bound (``most``) at most the lead's."""
    if ahead is None:
        return hint, most
    if ahead.held is not None:
        expr, critical = ahead.held
        model.add(expr >= critical)
    most = ahead.bound if most is None else min(most, ahead.bound)
    return dict(enumerate(ahead.solution.tolist())), most


def _proven_by_the_lead(ahead: Ahead | None, member: MipMember | None) -> CallResult | None:
    """The stage's answer where HiGHS's lead proved it (its allocation reaches its
    relaxation's bound) and no member of the call is left to wait for; None otherwise."""
    if ahead is None or member is not None or ahead.value < ahead.bound:
        return None
    return CallResult(True, value=ahead.value, bound=ahead.value, proven=True, assignment=ahead.solution,
                      stopped_by_clock=ahead.stopped_by_clock, by="HiGHS")


def _at_least_the_lead(got: CallResult, ahead: Ahead | None) -> CallResult:
    """The call's answer, or the lead's allocation where the call found nothing as good
    (CP-SAT hinted with it can spend a short budget in its presolve: a17, 10 s, where the
    answer fell back to the first level's allocation, 4 for tier 1b against the lead's
    163); its bound at most the lead's."""
    if ahead is None or got.infeasible:
        return got
    # a lead the clock ended makes the call's start, and so its answer, the machine's
    got.stopped_by_clock = got.stopped_by_clock or ahead.stopped_by_clock
    got.bound = min(got.bound, ahead.bound) if got.found else ahead.bound
    if not got.found or got.value < ahead.value:
        got.found, got.value, got.assignment, got.by = True, ahead.value, ahead.solution, "HiGHS"
    got.proven = got.proven or got.value >= got.bound
    return got


def _objective_and_hint(model: cp_model.CpModel, stage: Stage, hint: dict[int, int] | None,
                        at_most: int | None) -> None:
    model.clear_objective()
    model.maximize(stage.expr)
    if at_most is not None:
        _objective_at_most(model, at_most)
    model.clear_hints()
    for index, value in (hint or {}).items():
        model.add_hint(model.get_int_var_from_proto_index(index), value)


def _objective_at_most(model: cp_model.CpModel, value: int) -> None:
    """Tell CP-SAT the maximised objective is at most ``value``, as the objective's own
    domain: a constraint on the same sum left its bound above it (on a 1,000-trainee
    region the critical relaxation's bound stayed at 168 with the sum held at most 167)."""
    objective = model.Proto().objective  # a maximum is kept as the minimum of its negation
    objective.domain.clear()
    objective.domain.extend([math.ceil(-value - objective.offset), 2 ** 62])


def _reporter(progress: Callable[[Progress], None] | None, event: Progress, t0: float,
              stage: Stage) -> Callable[[int, int], None] | None:
    """Each better allocation as a progress event (None: nobody listens)."""
    if progress is None:
        return None
    return lambda value, bound: progress(_event(event, value, bound, stage, time.monotonic() - t0))


def _mip_nodes(stage: Stage, budget: Budget, per_second: float) -> int:
    """HiGHS's node limit for a stage: tier 1 only (1a and 1b, the weighted sum), where
    the proofs were missing; none without a deterministic budget to scale it by."""
    if not per_second or stage.tiers != (CRITICAL, OTHERS) or budget.deterministic is None:
        return 0
    return max(1, round(per_second * budget.deterministic))


def _settle(model: cp_model.CpModel, tiers: ByTier[Tier], stage: Stage, value: int, bound: int,
            result: SearchResult) -> None:
    """Record a stage's value and bound, and hold it there for the stages that follow."""
    if len(stage.tiers) == 2:
        first, second = stage.tiers
        v1a, v1b = divmod(value, stage.weight)
        result.values[first], result.values[second] = v1a, v1b
        result.bounds[first] = min(tiers[first].most, bound // stage.weight)
        result.bounds[second] = min(tiers[second].most, bound - stage.weight * v1a)
        model.add(tiers[first].expr >= v1a)
        model.add(tiers[second].expr >= v1b)
        return
    if stage.tiers and stage.weight > 1:  # weight x tier - penalty
        (kind,), weight = stage.tiers, stage.weight
        tier, most = -(-value // weight), -(-bound // weight)
        result.values[kind], result.bounds[kind] = tier, min(tiers[kind].most, most)
        result.extra[stage.name] = value - weight * tier
        if most == tier:  # the penalty's bound holds only once the tier is settled
            result.extra_bounds[stage.name] = bound - weight * tier
    elif stage.tiers:
        (kind,) = stage.tiers
        result.values[kind], result.bounds[kind] = value, bound
    else:
        result.extra[stage.name], result.extra_bounds[stage.name] = value, bound
    model.add(stage.expr >= value)


def _score_the_rest(built: Built, result: SearchResult) -> None:
    """Tiers no stage reached (out of time, or not asked for) are scored on the last
    allocation, with their bounds unknown."""
    assert result.assignment is not None  # scored only once an allocation was found
    for kind, tier in built.tiers.items():
        if result.values[kind] is None:
            result.values[kind] = value_in(tier.expr, result.assignment)
            result.proven = False
