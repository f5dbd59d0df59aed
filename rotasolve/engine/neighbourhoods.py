"""Neighbourhoods of a large part, and the part seen from one of them.

Large-neighbourhood search (``lns.py``) improves an allocation a neighbourhood at a
time: the trainees of a few nearby trusts, or those who need a case of a few
modalities, are set free, and everyone else's allocation is *frozen* — written into the
instance as running items with their slots kept (H10), exactly as a tutor's workbook
holds last rotation's cases. The model of the frozen instance then has full choices for
the free trainees and one fixed choice for everyone else, so its size follows the
neighbourhood, not the region, and every capacity the others use is accounted for by
the rules themselves.
"""

from __future__ import annotations

from ..domain import Instance
from ..domain.choices import Candidates
from ..results.solution import CasePlace, GroupPlace, Solution


def freeze(inst: Instance, allocation: Solution, free: set[str]) -> Instance:
    """``inst`` with every trainee outside ``free`` holding their allocation as running
    items (group, cases, supervisors and both slots kept); the free trainees keep only
    what they were already running."""
    new_groups = {g.trainee_id: g for g in allocation.groups if not g.kept and g.trainee_id not in free}
    new_cases = {c.case_id: c for c in allocation.cases if not c.kept and c.trainee_id not in free}
    kept_slots = {c.case_id: c for c in allocation.cases if c.kept and c.trainee_id not in free}
    running_of: dict[str, list[str]] = {}
    for p in new_cases.values():
        running_of.setdefault(p.trainee_id, []).append(p.case_id)
    trainees = []
    for t in inst.trainees:
        changes: dict[str, object] = {}
        if t.id in new_groups:
            changes["current_group"] = new_groups[t.id].group_id
        if t.id in running_of:
            changes["current_cases"] = t.current_cases + tuple(running_of[t.id])
        trainees.append(t.model_copy(update=changes) if changes else t)
    cases = []
    for c in inst.cases:
        placed: CasePlace | None = new_cases.get(c.id) or kept_slots.get(c.id)
        if placed is None:
            cases.append(c)
            continue
        cases.append(c.model_copy(update={
            "current_trainee": placed.trainee_id, "current_supervisor": placed.supervisor_id,
            "session_slot": placed.session_slot, "supervision_slot": placed.supervision_slot}))
    fields = {name: getattr(inst, name) for name in Instance.model_fields}
    fields.update(trainees=tuple(trainees), cases=tuple(cases))
    return Instance(**fields)


def thaw(inst: Instance, solved: Solution) -> Solution:
    """An allocation of a frozen instance as an allocation of the original: what is
    running in ``inst`` is kept, everything else (frozen or free) is placed this period."""
    running_groups = {(t.id, t.current_group) for t in inst.trainees if t.current_group}
    groups = [GroupPlace(trainee_id=g.trainee_id, group_id=g.group_id,
                         kept=(g.trainee_id, g.group_id) in running_groups) for g in solved.groups]
    cases = [c.model_copy(update={"kept": inst.case[c.case_id].kept}) for c in solved.cases]
    return solved.model_copy(update={"groups": groups, "cases": cases})


def by_place(inst: Instance, most: int) -> list[set[str]]:
    """Trainees of nearby trusts, ``most`` at a time: the trainees in a chain of trusts
    (each next to the nearest one not yet taken; within a trust, by site), cut into
    windows of ``most`` that overlap by half — so a trust larger than a window is cut too."""
    chain = _trust_chain(inst)
    order = {trust: i for i, trust in enumerate(chain)}
    line = [t.id for t in sorted(inst.trainees, key=lambda t: (order[inst.trust_of_trainee(t.id)], t.base_site, t.id))]
    most = max(1, most)
    step = max(1, most // 2)
    windows = [set(line[start:start + most]) for start in range(0, max(1, len(line) - most + step), step)]
    return [w for w in windows if w]


def by_modality(candidates: Candidates, most: int) -> list[set[str]]:
    """Trainees who could take a new case of the same few modalities (the scarce
    supervisors of a modality are shared across the region), about ``most`` at a time."""
    by_mod: dict[str, set[str]] = {}
    for key, cases in candidates.cases.items():
        if key.kept_case:
            continue
        for c in cases:
            by_mod.setdefault(c.modality, set()).add(key.trainee_id)
    out: list[set[str]] = []
    current: set[str] = set()
    for modality in sorted(by_mod, key=lambda m: (len(by_mod[m]), m)):
        if current and len(current | by_mod[modality]) > most:
            out.append(current)
            current = set()
        current |= by_mod[modality]
    if current:
        out.append(current)
    return [hood if len(hood) <= most else set(sorted(hood)[:most]) for hood in out]


def _trust_chain(inst: Instance) -> list[str]:
    """Trusts ordered so that each is near the one before (mean travel between sites)."""
    sites: dict[str, list[str]] = {}
    for s in inst.sites:
        sites.setdefault(s.trust, []).append(s.id)

    def distance(a: str, b: str) -> float:
        pairs = [(x, y) for x in sites[a] for y in sites[b]]
        return sum(inst.travel.between(x, y) for x, y in pairs) / len(pairs)

    trusts = sorted(sites)
    chain = [trusts[0]]
    left = set(trusts[1:])
    while left:
        last = chain[-1]
        nearest = min(sorted(left), key=lambda b: distance(last, b))
        chain.append(nearest)
        left.remove(nearest)
    return chain
