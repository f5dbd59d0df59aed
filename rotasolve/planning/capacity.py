"""What to recruit (planning.md): one optimisation with costed additions, in the order
critical requirements placed, then least cost, then the usual tiers; and the report a
tutor takes to the medical director.

The run: the scheme solved as it is (the "before"); the same scheme with every candidate
new supervisor and group added (``domain.additions``) solved once by the engine with
the additions as choices; the additions read off that allocation (``purchases``); the
scheme with them made (what ``--apply`` writes), against which the allocation is
checked, explained and projected like any other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path


from ..core.clock import Deadline
from ..domain import Instance, requirement_of
from ..domain.tiers import CRITICAL
from ..domain.additions import AdditionCosts, Offer, offer_additions
from ..engine import SolveOptions
from ..engine import solve as solve_model
from ..analysis.explain import explain
from ..pipeline import allocate, finish, search_deadline
from ..core.progress import Progress
from ..results.planning import Addition, CapacityPlan, Counts, Unlock, Unrescued
from ..results.solution import Solution
from .purchases import Purchase, new_ids, purchases, renamed, with_additions

BEFORE_SHARE = 0.3  # of the time limit, for solving the scheme as it is


def plan_capacity(inst: Instance, costs: AdditionCosts, options: SolveOptions, *,
                  source: str | Path | None = None, deadline: Deadline | None = None,
                  progress: Callable[[Progress], None] | None = None) -> CapacityPlan:
    """The cheapest additions that place every critical requirement that can be placed
    at all, what else they give, and the scheme as it is for comparison."""
    deadline = deadline if deadline is not None else Deadline.start(options.time_limit)
    note = progress or (lambda _p: None)
    note(Progress(what="note", message="the scheme as it is"))
    before = allocate(inst, replace(options, time_limit=BEFORE_SHARE * options.time_limit),
                      deadline=deadline.first(BEFORE_SHARE * deadline.seconds), progress=progress, source=source)
    base = CapacityPlan(scheme=inst.settings.name, status=before.status, costs=costs, before_solution=before)
    if before.status not in ("OPTIMAL", "FEASIBLE"):
        return base
    candidates, offer = offer_additions(inst, costs)
    note(Progress(what="note", message=f"with additions: {len(offer.possible)} on offer "
                                       f"({_offered(offer)})"))
    searched = replace(options, time_limit=(1 - BEFORE_SHARE) * options.time_limit, additions=offer)
    found = solve_model(candidates, searched, progress, deadline=search_deadline(inst, deadline))
    if found.status not in ("OPTIMAL", "FEASIBLE"):
        return base.model_copy(update={"status": found.status})
    bought = purchases(candidates, offer, found)
    ids = new_ids(inst, bought)
    applied = with_additions(candidates, offer, bought, ids)
    after = finish(applied, renamed(found, ids), replace(searched, additions=None))
    return base.model_copy(update={
        "status": found.status, "total_cost": round(sum(b.cost for b in bought), 2),
        "proven": (found.manifest.cheapest_proven
                   and found.objective.bound_of(CRITICAL) == found.objective.value_of(CRITICAL)),
        "additions": _additions(candidates, applied, bought, ids, found, before),
        "before": counts(inst, before), "after": counts(applied, after),
        "unrescued": _unrescued(offer, candidates, found, ids), "objective": after.objective,
        "solution": after, "applied": applied,
    })


def _offered(offer: Offer) -> str:
    kinds = Counter(p.kind for p in offer.possible)
    return ", ".join(f"{n} {kind}" for kind, n in kinds.items())


def placed(inst: Instance, sol: Solution) -> set[tuple[str, str]]:
    """(trainee, requirement) placed this period (kept items are not placements)."""
    out = {(g.trainee_id, "cbdg") for g in sol.groups if not g.kept}
    return out | {(c.trainee_id, requirement_of(inst.case[c.case_id].length)) for c in sol.cases if not c.kept}


def critical_needs(inst: Instance) -> set[tuple[str, str]]:
    return {(n.trainee_id, n.requirement) for n in inst.needs.all() if n.critical and not n.gated}


def counts(inst: Instance, sol: Solution) -> Counts:
    done = placed(inst, sol)
    status = Counter(r.status for r in sol.compliance)
    return Counts(critical_placed=len(done & critical_needs(inst)), placed=len(done),
                  WILL_MISS=status["WILL_MISS"], AT_RISK=status["AT_RISK"])


def _name(everything: Instance, candidate: str) -> str:
    """A candidate supervisor's or group's name (each is made with one: "... (proposed)")."""
    item = everything.supervisor.get(candidate) or everything.group.get(candidate)
    assert item is not None and item.name is not None
    return item.name


def _unrescued(offer: Offer, candidates: Instance, found: Solution, ids: dict[str, str]) -> list[Unrescued]:
    """Critical requirements still unplaced, explained against the scheme with every
    addition bought: what stands in the way is then something no addition changes. A
    candidate the explanation names is called by its new id if bought, else by its name."""
    everything = offer.everything(candidates)
    critical = critical_needs(candidates)
    names = {c: ids.get(c, _name(everything, c)) for c in offer.candidates("supervisor") | offer.candidates("group")}
    out = []
    for u in explain(everything, found):
        if (u.trainee_id, u.requirement) in critical:
            detail = u.detail
            for c in sorted(names, key=len, reverse=True):  # NEW-SUP:CBT@A#12 before NEW-SUP:CBT@A#1
                detail = detail.replace(c, names[c])
            out.append(Unrescued(trainee_id=u.trainee_id, name=candidates.trainee[u.trainee_id].name,
                                 requirement=u.requirement, reason=u.reason, detail=detail))
    return out


def _additions(candidates: Instance, applied: Instance, bought: list[Purchase], ids: dict[str, str],
               found: Solution, before: Solution) -> list[Addition]:
    unlocked = _unlocks(candidates, found, bought, placed(candidates, before))
    critical = critical_needs(candidates)
    out = []
    for b in bought:
        p = b.possible
        out.append(Addition(kind=p.kind, ids=[ids.get(p.target, p.target)], amount=b.amount,
                            cost=round(b.cost, 2), what=_what(candidates, applied, b, ids),
                            unlocks=[Unlock(trainee_id=t, name=candidates.trainee[t].name, requirement=r,
                                            critical=(t, r) in critical)
                                     for t, r in unlocked[p.target]]))
    return out


def _unlocks(inst: Instance, sol: Solution, bought: list[Purchase],
             before: set[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """The requirements each addition unlocks. A new supervisor or group: everything
    placed with it. A raised limit: as many of the resource's placements as it holds
    above its old limit, the ones the scheme as it is could not place first (critical
    first), since those are what the extra capacity made possible."""
    critical = critical_needs(inst)
    by_supervisor: dict[str, list] = {}
    by_group: dict[str, list] = {}
    for c in sol.cases:
        if not c.kept:
            by_supervisor.setdefault(c.supervisor_id, []).append((c.trainee_id,
                                                                  requirement_of(inst.case[c.case_id].length)))
    for g in sol.groups:
        if not g.kept:
            by_group.setdefault(g.group_id, []).append((g.trainee_id, "cbdg"))
    mine = placed(inst, sol)

    def rank(key):
        return key in before, key not in critical, key

    out: dict[str, list[tuple[str, str]]] = {}
    for b in bought:
        p = b.possible
        if p.kind in ("new_supervisor", "new_group"):
            out[p.target] = sorted((by_supervisor if p.kind == "new_supervisor" else by_group).get(p.target, []))
        elif p.kind == "supervisor_place":
            out[p.target] = sorted(by_supervisor.get(p.target, []), key=rank)[:b.amount]
        elif p.kind == "group_place":
            out[p.target] = sorted(by_group.get(p.target, []), key=rank)[:b.amount]
        else:
            out[p.target] = _tutor_unlocks(inst, sol, p.target, mine, rank)
    return out


def _tutor_unlocks(inst: Instance, sol: Solution, tutor_id: str, mine: set, rank) -> list[tuple[str, str]]:
    """The trainees a tutor oversees above their old PAs' worth, and what they were given."""
    trainees = [x.trainee_id for x in sol.tutors if x.tutor_id == tutor_id]
    over = len(trainees) - inst.capacity.tutor_trainees(inst.tutor[tutor_id])
    given = {t: sorted((k for k in mine if k[0] == t), key=rank) for t in trainees}
    chosen = sorted(trainees, key=lambda t: (rank(given[t][0]) if given[t] else (True, True, (t, "")), t))[:over]
    return sorted(k for t in chosen for k in given[t])


def _what(candidates: Instance, applied: Instance, b: Purchase, ids: dict[str, str]) -> str:
    """The addition in a medical director's words."""
    p, n = b.possible, b.amount
    if p.kind == "supervisor_place":
        s = candidates.supervisor[p.target]
        return (f"{n} more case{'s' if n > 1 else ''} for {s.name or s.id} ({s.id}): max_trainees "
                f"{s.max_trainees} -> {s.max_trainees + n}")
    if p.kind == "tutor_pa":
        u = candidates.tutor[p.target]
        return (f"{n} more core PA{'s' if n > 1 else ''} for {u.name or u.id} ({u.id}): core_pas "
                f"{u.core_pas:g} -> {u.core_pas + n:g}, {n * p.per_unit} more trainees overseen")
    if p.kind == "group_place":
        g = candidates.group[p.target]
        return f"{n} more place{'s' if n > 1 else ''} in group {g.id}: max_size {g.max_size} -> {g.max_size + n}"
    if p.kind == "new_supervisor":
        s = applied.supervisor[ids[p.target]]
        site = candidates.site[s.site]
        return (f"a new {s.modalities[0]} supervisor at {site.name or site.id} ({site.id}), free "
                f"{', '.join(s.available_slots)}; {s.max_trainees} cases, individual supervision")
    g = applied.group[ids[p.target]]
    site = candidates.site[g.site]
    return (f"a new case-based discussion group at {site.name or site.id} ({site.id}) on {g.slot}, "
            f"{g.min_size}-{g.max_size} members")
