"""A re-plan against the allocation already in use: which previous items still exist,
and every change the new allocation makes to them, with why (lifecycle.md).

Why comes from the checker: a previous item the edited workbook no longer allows breaks
a hard rule there (a supervisor's lowered max_trainees, a slot no longer free), and that
violation is the reason a tutor reads. A change no rule forces is one the new allocation
made to place something more urgent (with --critical-first) or was free to make.
"""

from __future__ import annotations

from collections import defaultdict

from .check import check
from .domain import Instance
from .results.solution import CasePlace, Change, GroupPlace, Solution, TutorPlace

GONE = "no longer in the workbook"


def still_there(inst: Instance, previous: Solution) -> Solution:
    """The previous items whose ids all still exist in the workbook."""
    groups = [g for g in previous.groups if g.trainee_id in inst.trainee and g.group_id in inst.group]
    cases = [c for c in previous.cases if c.case_id in inst.case and c.trainee_id in inst.trainee
             and c.supervisor_id in inst.supervisor and c.session_slot in inst.slot_ids
             and c.supervision_slot in inst.slot_ids]
    tutors = [u for u in previous.tutors if u.trainee_id in inst.trainee and u.tutor_id in inst.tutor]
    return previous.model_copy(update={"groups": groups, "cases": cases, "tutors": tutors})


def changes(inst: Instance, previous: Solution, new: Solution) -> list[Change]:
    """Every previous item the new allocation does not keep as it was, sorted."""
    kept = still_there(inst, previous)
    why = _reasons(inst, kept)
    out = _vanished(inst, previous, kept)
    now_group = {g.trainee_id: g.group_id for g in new.groups}
    for g in kept.groups:
        if now_group.get(g.trainee_id) != g.group_id:
            out.append(Change(kind="group", trainee_id=g.trainee_id, item_id=g.group_id, before=g.group_id,
                              after=now_group.get(g.trainee_id) or "none", why=why.get(("trainee", g.trainee_id), "")))
    now_case = {c.case_id: c for c in new.cases}
    for p in kept.cases:
        out.extend(_case_changes(p, now_case.get(p.case_id), why))
    now_tutor = {u.trainee_id: u.tutor_id for u in new.tutors}
    holders = {g.trainee_id for g in new.groups} | {c.trainee_id for c in new.cases}
    for u in kept.tutors:
        if now_tutor.get(u.trainee_id) != u.tutor_id:
            reason = why.get(("trainee", u.trainee_id), "")
            if u.trainee_id not in holders:  # H9: a tutor oversees trainees who hold something
                reason = f"{u.trainee_id} holds no group or case this period"
            out.append(Change(kind="tutor", trainee_id=u.trainee_id, item_id=u.tutor_id, before=u.tutor_id,
                              after=now_tutor.get(u.trainee_id) or "none", why=reason))
    return sorted(out, key=lambda c: (c.trainee_id, c.kind, c.item_id))


def _case_changes(p: CasePlace, now: CasePlace | None, why: dict) -> list[Change]:
    reason = why.get(("case", p.case_id)) or why.get(("supervisor", p.supervisor_id)) \
        or why.get(("trainee", p.trainee_id), "")
    if now is None or now.trainee_id != p.trainee_id or now.supervisor_id != p.supervisor_id:
        after = "not allocated" if now is None else f"{now.trainee_id} with {now.supervisor_id}"
        return [Change(kind="case", trainee_id=p.trainee_id, item_id=p.case_id,
                       before=f"{p.trainee_id} with {p.supervisor_id}", after=after, why=reason)]
    out = []
    for field in ("session_slot", "supervision_slot"):
        if getattr(now, field) != getattr(p, field):
            out.append(Change(kind=field.replace("_", " "), trainee_id=p.trainee_id, item_id=p.case_id,
                              before=getattr(p, field), after=getattr(now, field), why=reason))
    return out


def _vanished(inst: Instance, previous: Solution, kept: Solution) -> list[Change]:
    out = []
    for g in set(map(_key, previous.groups)) - set(map(_key, kept.groups)):
        out.append(Change(kind="group", trainee_id=g[0], item_id=g[1], before=g[1], after="none", why=GONE))
    for c in previous.cases:
        if c not in kept.cases:
            out.append(Change(kind="case", trainee_id=c.trainee_id, item_id=c.case_id,
                              before=f"{c.trainee_id} with {c.supervisor_id}", after="not allocated", why=GONE))
    for u in previous.tutors:
        if u not in kept.tutors:
            out.append(Change(kind="tutor", trainee_id=u.trainee_id, item_id=u.tutor_id, before=u.tutor_id,
                              after="none", why=GONE))
    return out


def _key(g: GroupPlace | TutorPlace) -> tuple[str, str]:
    return (g.trainee_id, g.group_id if isinstance(g, GroupPlace) else g.tutor_id)


def _reasons(inst: Instance, kept: Solution) -> dict[tuple[str, str], str]:
    """For each trainee, case and supervisor the previous allocation now breaks a rule
    about, the first violation in words."""
    out: dict[tuple[str, str], str] = {}
    mentioned = defaultdict(list)
    for v in check(inst, kept):
        for kind, ids in (("trainee", inst.trainee), ("case", inst.case), ("supervisor", inst.supervisor)):
            for word in v.message.replace(",", " ").replace("'", " ").replace(":", " ").split():
                if word in ids:
                    mentioned[(kind, word)].append(str(v))
    for key, messages in mentioned.items():
        out[key] = messages[0]
    return out
