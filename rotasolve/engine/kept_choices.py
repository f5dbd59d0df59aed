"""The choices a restricted model keeps: an allocation's own, so a search can start from
it (``add_allocation``, ``with_allocation``), and a relaxation's with each unit's cheapest
cases (``restricted``)."""

from __future__ import annotations

from ..core.tuning import CHEAPEST_KEPT
from ..domain import Instance
from ..domain.choices import Candidates, UnitKey, qualified
from ..results.solution import Solution

Keep = dict[UnitKey, tuple[set[str], set[str]]]  # per unit: the case ids and supervisor ids kept


def add_allocation(inst: Instance, keep: Keep, sol: Solution | None) -> None:
    """An allocation's choices stay possible, so the search can start from it."""
    if sol is None:
        return
    for c in sol.cases:
        key = UnitKey(c.trainee_id, inst.case[c.case_id].length, c.case_id if c.kept else None)
        if key in keep:
            keep[key][0].add(c.case_id)
            keep[key][1].add(c.supervisor_id)


def add_choices(keep: Keep, candidates: Candidates) -> None:
    """Every case and supervisor ``candidates`` give a unit of ``keep`` stays possible."""
    for key, (cases, supervisors) in keep.items():
        cases.update(c.id for c in candidates.cases.get(key, ()))
        supervisors.update(s.id for s in candidates.supervisors.get(key, ()))


def with_allocation(inst: Instance, candidates: Candidates, every: Candidates, sol: Solution | None) -> Candidates:
    """``candidates`` with each case and supervisor ``sol`` chooses added from ``every``,
    so that a search hinted with ``sol`` can start from all of it. The search's start is
    completed by hand (``greedy``), and the hand reaches past a restriction: on a
    940-trainee region (f65) the start placed 152 critical requirements, and the search
    hinted with it, whose model held only part of it, ended at 116."""
    if sol is None:
        return candidates
    out = Candidates(cases=dict(candidates.cases), supervisors=dict(candidates.supervisors),
                     joiners=candidates.joiners)
    for c in sol.cases:
        key = UnitKey(c.trainee_id, inst.case[c.case_id].length, c.case_id if c.kept else None)
        if key not in out.cases:
            continue
        if all(case.id != c.case_id for case in out.cases[key]):
            out.cases[key] += tuple(case for case in every.cases.get(key, ()) if case.id == c.case_id)
        if all(s.id != c.supervisor_id for s in out.supervisors[key]):
            out.supervisors[key] += tuple(s for s in every.supervisors.get(key, ()) if s.id == c.supervisor_id)
    return out


def restricted(inst: Instance, full: Candidates, keep: Keep, source: Candidates | None = None) -> Candidates:
    """The units of ``full``, each keeping the cases and supervisors of ``keep`` (taken
    from ``source``'s lists, which may be longer than ``full``'s) and its cheapest cases."""
    mins = inst.minutes
    source = source if source is not None else full
    out = Candidates(joiners=full.joiners)
    for key, cases in full.cases.items():
        if key.kept_case:
            out.cases[key], out.supervisors[key] = cases, full.supervisors[key]
            continue
        t = inst.trainee[key.trainee_id]
        wanted_cases, wanted_sups = keep[key]
        by_cost = sorted(cases, key=lambda c: (mins.case_before_supervisor(t, c), c.id))
        cheapest = {c.id for c in by_cost[:CHEAPEST_KEPT]}
        every_case = source.cases.get(key, cases)
        every_supervisor = source.supervisors.get(key, full.supervisors[key])
        chosen = [c for c in every_case if c.id in wanted_cases or c.id in cheapest]
        sups = [s for s in every_supervisor if s.id in wanted_sups]
        for c in chosen:  # every kept case keeps a supervisor who can supervise it, the nearest
            if not any(qualified(s, c) for s in sups):
                options = [s for s in every_supervisor if qualified(s, c)]
                sups.append(min(options, key=lambda s: (mins.supervision_travel(t, s), s.id)))
        out.cases[key] = tuple(chosen)
        kept = {s.id for s in sups}  # by id: pydantic's == is slow on long lists
        out.supervisors[key] = tuple(s for s in every_supervisor if s.id in kept)
    return out
