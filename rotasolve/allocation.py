"""What an allocation adds up to: meetings and their sizes, each trainee's weekly case
minutes, each supervisor's weekly meeting minutes. The explanations, compliance and the
timetable read these; the arithmetic is the domain's (``Instance.minutes``)."""

from __future__ import annotations

from collections import Counter

from .domain import Instance
from .results.solution import Solution


def meeting_sizes(sol: Solution) -> Counter:
    """Cases in each (supervisor, slot) meeting."""
    return Counter((c.supervisor_id, c.supervision_slot) for c in sol.cases)


def weekly_minutes(inst: Instance, sol: Solution) -> dict[str, int]:
    """H7: weekly case-work minutes per trainee (sessions, supervision, travel to both)."""
    size = meeting_sizes(sol)
    out: Counter = Counter()
    for p in sol.cases:
        shared = size[(p.supervisor_id, p.supervision_slot)] > 1
        out[p.trainee_id] += inst.minutes.case_week(inst.trainee[p.trainee_id], inst.case[p.case_id],
                                                    inst.supervisor[p.supervisor_id], shared)
    return dict(out)


def meeting_minutes(inst: Instance, sol: Solution) -> dict[str, int]:
    """H5: weekly supervision minutes each supervisor holds meetings for."""
    out: Counter = Counter()
    for (sid, _slot), n in meeting_sizes(sol).items():
        out[sid] += inst.minutes.meeting(shared=n > 1)
    return dict(out)
