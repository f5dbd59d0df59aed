"""Split a scheme into independent parts: groups of trainees, cases, supervisors, groups
and tutors that share nothing any rule could connect. A region solving several schemes
at once falls apart into one part per scheme (or finer), and each part is solved on its
own. Every tier is a sum over parts, so the lexicographic optimum of the whole is the
sum of the parts' optima.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .choices import eligible
from .entities import Case, Group, Supervisor, Trainee, Tutor
from .instance import Instance

_Item = Trainee | Case | Supervisor | Group | Tutor


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def split(inst: Instance) -> list[Instance]:
    """Independent sub-instances, in a deterministic order (by their first trainee)."""
    uf = _UnionFind()
    for t in inst.trainees:
        key = f"t:{t.id}"
        uf.find(key)
        if t.current_group:
            uf.union(key, f"g:{t.current_group}")
        for g in inst.groups:
            if inst.eligibility.can_join_group(t, g):
                uf.union(key, f"g:{g.id}")
        for u in inst.eligibility.tutors_for(t.id):
            uf.union(key, f"u:{u.id}")
    for c in inst.cases:
        uf.find(f"c:{c.id}")
        for ref in (c.supervisor, c.current_supervisor, c.current_trainee):  # a reference must resolve in its part
            if ref:
                uf.union(f"c:{c.id}", f"{'t' if ref == c.current_trainee else 's'}:{ref}")
    # The choices the model will have (domain.choices): a trainee joins every case and
    # supervisor one of their cases could have.
    choices = eligible(inst)
    for unit, cases in choices.cases.items():
        key = f"t:{unit.trainee_id}"
        for c in cases:
            uf.union(key, f"c:{c.id}")
        for s in choices.supervisors[unit]:
            uf.union(key, f"s:{s.id}")
    items: Sequence[_Item]
    it: _Item
    for kind, items in (("s", inst.supervisors), ("g", inst.groups), ("u", inst.tutors)):
        for it in items:
            uf.find(f"{kind}:{it.id}")

    parts: dict[str, dict[str, list[Any]]] = {}
    for kind, items in (("t", inst.trainees), ("c", inst.cases), ("s", inst.supervisors),
                        ("g", inst.groups), ("u", inst.tutors)):
        for it in items:
            root = uf.find(f"{kind}:{it.id}")
            parts.setdefault(root, {k: [] for k in "tcsgu"})[kind].append(it)
    if len(parts) == 1 and inst.trainees:
        # One part with every item: the scheme itself, whose derived facts (the choices
        # worked out above among them) are then not worked out again.
        return [inst]
    out = []
    for part in parts.values():
        if not part["t"]:
            continue  # nothing to allocate: no trainee can use these resources
        out.append(Instance(
            settings=inst.settings, profile=inst.profile, slots=inst.slots, sites=inst.sites,
            travel_times=inst.travel_times, trainees=tuple(part["t"]), cases=tuple(part["c"]),
            supervisors=tuple(part["s"]), groups=tuple(part["g"]), tutors=tuple(part["u"]),
        ))
    order = {t.id: i for i, t in enumerate(inst.trainees)}
    out.sort(key=lambda sub: order[sub.trainees[0].id])
    return out
