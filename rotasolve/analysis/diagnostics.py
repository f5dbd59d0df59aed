"""What a tutor wants to know about a scheme before solving it: counts, and warnings
about things that will certainly go unmet or be wasted."""

from __future__ import annotations

from collections import Counter

from ..domain import LENGTHS, Instance, requirement_of
from ..domain.where import where


def summary(inst: Instance) -> dict[str, dict[str, int]]:
    def count(items) -> dict[str, int]:
        return dict(sorted(Counter(items).items()))

    sup_mods = Counter(m for s in inst.supervisors for m in s.modalities)
    return {
        "trainees by grade": count(f"CT{t.grade}" for t in inst.trainees),
        "trainees by trust": count(inst.trust_of_trainee(t.id) for t in inst.trainees),
        "cases by modality and length": count(f"{c.modality} {c.length}" for c in inst.cases),
        "supervisors by modality": dict(sorted(sup_mods.items())),
        "groups": {"groups": len(inst.groups), "places": sum(g.max_size for g in inst.groups)},
        "tutors": {"tutors": len(inst.tutors), "core PAs": int(sum(u.core_pas for u in inst.tutors))},
        "kept items": {
            "running groups (trainees)": sum(1 for t in inst.trainees if t.current_group),
            "running cases": sum(1 for c in inst.cases if c.kept),
        },
        "needs": count(n.requirement + (" (critical)" if n.critical else "")
                       for n in inst.needs.all() if not n.gated),
    }


def warnings(inst: Instance) -> list[str]:
    out: list[str] = []
    for t in inst.trainees:
        free = set(t.available_slots)
        if t.current_group:
            free.discard(inst.group[t.current_group].slot)
        wants_case = any(n.requirement != "cbdg" and not n.gated for n in inst.needs.of(t.id))
        if wants_case and len(free) < 2:
            out.append(f"{where('Trainees', t)}: only {len(free)} free slot(s); "
                       "a case needs two (session and supervision)")
    sup_mods = {m for s in inst.supervisors if s.max_trainees > 0 for m in s.modalities}
    for m in sorted({c.modality for c in inst.cases} - sup_mods):
        n = sum(1 for c in inst.cases if c.modality == m)
        out.append(f"{n} {m} case(s) but no supervisor qualified in {m} with capacity")
    for g in inst.groups:
        if (not any(inst.eligibility.can_join_group(t, g) for t in inst.trainees)
                and inst.kept_group_members[g.id] == ()):
            out.append(f"{where('Groups', g)}: no trainee who needs a group can attend "
                       f"its slot {g.slot} within their travel limit")
    for t in inst.trainees:
        for length in LENGTHS:
            need = inst.needs.find(t.id, requirement_of(length))
            if need and need.critical and not need.gated and \
                    not any(inst.eligibility.can_take_case(t, c) for c in inst.cases):
                out.append(f"{where('Trainees', t)}: the {length} case is critical "
                           f"(due {need.due}) but no case is eligible (length, grade, modality, "
                           "travel and slots)")
    return out
