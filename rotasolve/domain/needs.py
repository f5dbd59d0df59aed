"""What each trainee still needs, by when, and how urgently (domain.md, "What a trainee
must complete" and "Dates, urgency and compliance").

A need is a requirement (cbdg, short_case, long_case) that is neither complete nor
running. It is *gated* (not yet due) when the trainee may not start it yet, and
*critical* when, started at the next period, it would finish after its due date.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from ..core import dates
from .entities import LENGTHS, Case, Length, Trainee, length_of, requirement_of

if TYPE_CHECKING:  # the instance hands itself in; only its type is needed here
    from .instance import Instance


class Need(BaseModel):
    """One outstanding requirement of one trainee, with its dates."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    trainee_id: str
    requirement: str  # cbdg | short_case | long_case
    due: date
    weeks_needed_unplaced: float  # weeks to finish if placed now at the profile minimum
    gated: str | None = None  # why it cannot be placed yet (not yet due), else None
    critical: bool = False


class Needs:
    def __init__(self, inst: Instance):
        self._inst = inst

    # ----- dates ----------------------------------------------------------------------
    def core_end(self, t: Trainee) -> date:
        st = self._inst.settings
        return t.core_end or dates.default_core_end(st.plan_start, t.grade, t.ltft)

    def due(self, t: Trainee, requirement: str) -> date:
        pr = self._inst.profile
        g = pr.cbdg_due_grade if requirement == "cbdg" else pr.cases_due_grade
        return dates.grade_end(self.core_end(t), g, t.ltft)

    # ----- what is done, running or still needed --------------------------------------
    def cbdg_sessions_left(self, t: Trainee) -> int:
        return max(0, self._inst.profile.cbdg_sessions - t.cbdg_sessions_attended)

    def cbdg_complete(self, t: Trainee) -> bool:
        return self.cbdg_sessions_left(t) == 0

    def kept_case(self, t: Trainee, length: Length) -> Case | None:
        for c in self._inst.kept_cases_of[t.id]:
            if c.length == length:
                return c
        return None

    def needs_group(self, t: Trainee) -> bool:
        return self.cbdg_sessions_left(t) > 0 and t.current_group is None

    def needs_case(self, t: Trainee, length: Length) -> bool:
        return t.done_modality(length) is None and self.kept_case(t, length) is None

    def fixed_modality(self, t: Trainee, length: Length) -> str | None:
        """Modality of the done or running case of this length, if any (H3)."""
        kept = self.kept_case(t, length)
        return t.done_modality(length) or (kept.modality if kept else None)

    def case_gate(self, t: Trainee) -> str | None:
        """Why this trainee may not start a case yet, or None."""
        pr = self._inst.profile
        if t.grade < pr.case_min_grade:
            return f"cases start at CT{pr.case_min_grade}; {t.id} is CT{t.grade}"
        if pr.case_requires_cbdg and not self.cbdg_complete(t):
            return (f"cases need the group first; {t.id} has "
                    f"{t.cbdg_sessions_attended} of {pr.cbdg_sessions} group sessions")
        return None

    # ----- urgency --------------------------------------------------------------------
    def sessions_to_hold_unplaced(self, t: Trainee, requirement: str) -> int:
        """Sessions an unplaced requirement still needs: the group sessions left, or the
        profile's minimum for a case of that length."""
        if requirement == "cbdg":
            return self.cbdg_sessions_left(t)
        return self._inst.profile.min_sessions(length_of(requirement))

    def weeks_to_finish_unplaced(self, t: Trainee, requirement: str) -> float:
        sessions = self.sessions_to_hold_unplaced(t, requirement)
        return float(dates.weeks_needed(sessions, self._inst.settings.session_weeks_factor))

    def is_critical(self, t: Trainee, requirement: str) -> bool:
        """Started at the next period, it would finish after its due date."""
        st = self._inst.settings
        sessions = self.sessions_to_hold_unplaced(t, requirement)
        next_start = dates.add_weeks(st.plan_start, st.period_weeks)
        return dates.finish_date(next_start, sessions, st.session_weeks_factor) > self.due(t, requirement)

    def wait_days(self, c: Case) -> int:
        """How long the patient has waited at the period's start (tier 2 serves the longest first)."""
        if c.referred is None:
            return 0
        return max(0, (self._inst.settings.plan_start - c.referred).days)

    # ----- the needs themselves -------------------------------------------------------
    @cached_property
    def _by_trainee(self) -> dict[str, tuple[Need, ...]]:
        out: dict[str, tuple[Need, ...]] = {}
        for t in self._inst.trainees:
            items: list[tuple[str, str | None]] = []
            if self.needs_group(t):
                items.append(("cbdg", None))
            gate = self.case_gate(t)
            for length in LENGTHS:
                if self.needs_case(t, length):
                    items.append((requirement_of(length), gate))
            out[t.id] = tuple(
                Need(trainee_id=t.id, requirement=req, due=self.due(t, req),
                     weeks_needed_unplaced=self.weeks_to_finish_unplaced(t, req),
                     gated=gate, critical=self.is_critical(t, req))
                for req, gate in items
            )
        return out

    def of(self, trainee_id: str) -> tuple[Need, ...]:
        """Outstanding, unstarted requirements of one trainee (what this period could place)."""
        return self._by_trainee[trainee_id]

    def find(self, trainee_id: str, requirement: str) -> Need | None:
        for n in self._by_trainee[trainee_id]:
            if n.requirement == requirement:
                return n
        return None

    def all(self) -> list[Need]:
        return [n for t in self._inst.trainees for n in self._by_trainee[t.id]]
