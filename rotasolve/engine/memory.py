"""How much memory a model will take, known before it is built.

CP-SAT's memory follows the number of variables and constraints (the model, its
presolved copy, the LP relaxation and each search worker's own state). The model's
variables can be counted from the candidate lists alone (``model.candidates``), so a
part whose model would pass the budget is never built: the engine changes strategy
first and says so.
"""

from __future__ import annotations

import os

from ..domain import Instance
from ..domain.choices import Candidates
from ..core.tuning import BASE_BYTES, BYTES_PER_VARIABLE


def machine_memory() -> int:
    """Physical memory of this machine, in bytes."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not on Linux/macOS
        return 8 * 1024 ** 3


def default_budget() -> int:
    """A quarter of the machine's memory: room for the rest of the machine and a margin."""
    return machine_memory() // 4


def variables(inst: Instance, candidates: Candidates) -> int:
    """The number of variables the model of ``candidates`` will have (within a few %)."""
    free = {t.id: set(t.available_slots) for t in inst.trainees}
    count = 0
    for key, cases in candidates.cases.items():
        slots = free[key.trainee_id]
        count += 1 + (0 if key.kept_case else len(cases))  # held, take
        count += len(slots & set().union(*(c.available_slots for c in cases)))  # session
        for s in candidates.supervisors[key]:
            common = len(slots & set(s.available_slots))
            count += common * (2 if s.group_size > 1 else 1)  # meet (and in_shared)
    count += sum(len(inst.groups) for _ in inst.trainees) // 4  # group places, a generous share
    count += 2 * len(inst.trainees)  # tutors
    count += 2 * len(inst.supervisors) * len(inst.slot_ids)  # meetings opened and shared
    return count


def estimate(inst: Instance, candidates: Candidates) -> int:
    """Bytes the model of ``candidates`` will take while it is solved."""
    return BASE_BYTES + BYTES_PER_VARIABLE * variables(inst, candidates)


def gib(n: int) -> str:
    return f"{n / 1024 ** 3:.1f} GiB"
