"""Where a scenario's new supervisors go: the sites with most unmet demand for their
modality, measured on the same workbook's baseline solve.

**Demand for modality M at site s** is the number of case requirements the baseline left
unmet (anything but "not yet due") of trainees based at s, for which some case of
modality M and of the length they need, not taken in the baseline, is open to them by H2
and H3 (grade, travel, a common free slot, a modality their other case leaves free).
Those are the requirements a supervisor of M near them could unlock; a requirement with
no such case would not be helped by one. Critical requirements count first: sites are
ranked by (critical demand, all demand, trainees based there), ties to the site listed
first in Sites, so the placement is deterministic. Each new supervisor takes two cases
(planning.md's new supervisor: ``max_trainees`` 2, individual supervision), so the
chosen site's demand drops by two before the next one is placed; three CBT supervisors
for a site with demand 2 and another with demand 1 go to the first, then the second,
then wherever demand is left (or, with none left, where most trainees are based).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from .entities import Supervisor, length_of
from .instance import Instance

NEW_SUPERVISOR_PLACES = 2
ID_PREFIX = "NEW-SUP-"


@dataclass(frozen=True)
class BaselineFacts:
    """What the baseline solve of one workbook left: its unmet case requirements
    (trainee id, requirement, critical) and the cases it allocated."""

    unmet_cases: tuple[tuple[str, str, bool], ...]
    taken_cases: frozenset[str]


def demand(inst: Instance, facts: BaselineFacts, modality: str) -> dict[str, tuple[int, int]]:
    """(critical, all) unmet case requirements a supervisor of ``modality`` could help,
    by the trainees' base site; every site is present."""
    critical: Counter[str] = Counter()
    total: Counter[str] = Counter()
    free = [c for c in inst.cases if c.modality == modality and c.id not in facts.taken_cases]
    for trainee_id, requirement, is_critical in facts.unmet_cases:
        t = inst.trainee.get(trainee_id)
        if t is None:
            continue
        length = length_of(requirement)
        if any(c.length == length and inst.eligibility.can_take_case(t, c) for c in free):
            total[t.base_site] += 1
            critical[t.base_site] += is_critical
    return {s.id: (critical[s.id], total[s.id]) for s in inst.sites}


def _free_ids(inst: Instance) -> Iterator[str]:
    taken = {s.id for s in inst.supervisors}
    n = 0
    while True:
        n += 1
        if f"{ID_PREFIX}{n}" not in taken:
            yield f"{ID_PREFIX}{n}"


def _slots_at(inst: Instance, site: str) -> tuple[str, ...]:
    """Slots the site's own supervisors keep free (their rooms and rotas already work
    then); every slot where the site has no supervisor yet."""
    used = {x for s in inst.supervisors if s.site == site for x in s.available_slots}
    return tuple(x for x in inst.slot_ids if x in used) or inst.slot_ids


def place_new_supervisors(inst: Instance, requests: tuple[tuple[str, int], ...],
                          facts: BaselineFacts) -> tuple[list[Supervisor], list[str]]:
    """New supervisors for ``requests`` (modality, how many), and a note for each
    modality saying where they went and the demand that decided it."""
    ids = _free_ids(inst)
    based = Counter(t.base_site for t in inst.trainees)
    order = {s.id: i for i, s in enumerate(inst.sites)}
    added: list[Supervisor] = []
    notes: list[str] = []
    for modality, count in requests:
        left = {site: list(v) for site, v in demand(inst, facts, modality).items()}
        start = {site: tuple(v) for site, v in left.items()}
        placed: list[str] = []
        for _ in range(count):
            site = max(left, key=lambda s: (left[s][0], left[s][1], based[s], -order[s]))
            left[site] = [max(0, v - NEW_SUPERVISOR_PLACES) for v in left[site]]
            sid = next(ids)
            added.append(Supervisor(id=sid, name=f"New {modality} supervisor (proposed)", site=site,
                                    modalities=(modality,), available_slots=_slots_at(inst, site),
                                    max_trainees=NEW_SUPERVISOR_PLACES))
            placed.append(sid)
        where = Counter(s.site for s in added if s.id in placed)
        shown = ", ".join(f"{n} at {site} (unmet demand {start[site][0]} critical, {start[site][1]} in all)"
                          for site, n in sorted(where.items(), key=lambda kv: order[kv[0]]))
        notes.append(f"{modality}: {shown}")
    return added, notes
