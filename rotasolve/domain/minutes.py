"""Weekly minutes (domain.md H5 and H7), in whole minutes so that every part of
rotasolve adds up the same integers.

A trainee's week (H7): for each case, its session, its supervision meeting (longer when
the meeting is shared) and the travel there and back to the case's site and to the
supervisor's site. A supervisor's week (H5): one meeting a slot, individual or shared,
within ``supervision_pas × pa_hours`` when the supervisor has such a limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from .entities import Case, Profile, Settings, Supervisor, Trainee
from .travel import Travel


class Minutes:
    def __init__(self, settings: Settings, profile: Profile, travel: Travel):
        self._settings = settings
        self._travel = travel
        self.session = round(settings.session_hours * 60)
        self.supervision = round(settings.supervision_hours * 60)
        self.group_supervision = round(settings.group_supervision_hours * 60)
        self.weekly = round(profile.weekly_case_hours * 60)  # a trainee's case work, H7
        self.pa = round(settings.pa_hours * 60)
        # What joining a meeting that becomes shared adds, to each member and the supervisor.
        self.shared_extra = self.group_supervision - self.supervision
        # A case's least week but its travel: its session and the shorter meeting (H7).
        self._least_before_travel = self.session + min(self.supervision, self.group_supervision)

    def meeting(self, shared: bool) -> int:
        """One weekly supervision meeting, for each trainee in it and for the supervisor."""
        return self.group_supervision if shared else self.supervision

    def meeting_added(self, members: int) -> int:
        """What one more case adds to a meeting that holds ``members`` cases: to the
        supervisor's week, and to the week of each trainee already in it."""
        before = self.meeting(shared=members > 1) if members else 0
        return self.meeting(shared=members + 1 > 1) - before

    def case_travel(self, t: Trainee, c: Case) -> int:
        """Travel there and back to the case's sessions."""
        return 2 * self._travel.to_case(t, c)

    def supervision_travel(self, t: Trainee, s: Supervisor) -> int:
        """Travel there and back to the supervision meeting."""
        return 2 * self._travel.to_supervisor(t, s)

    def case_before_supervisor(self, t: Trainee, c: Case) -> int:
        """The part of a case's week its supervisor does not change: the session, an
        individual meeting and the travel to the case."""
        return self.session + self.supervision + self.case_travel(t, c)

    def case_week_least(self, t: Trainee, c: Case) -> int:
        """H7: the least a case can cost its trainee a week, whoever supervises it: its
        session, the shorter of an individual and a shared meeting, the travel to the case."""
        return self._least_before_travel + self.case_travel(t, c)

    def least_case_week_among(self, t: Trainee, cases: Iterable[Case]) -> int:
        """The least ``case_week_least`` of any of ``cases`` (at least one): the travel
        differs only by the case's site, none by video. (The flows ask it of each need of
        each trainee, among every case they may take: a case at a time, 1.5 s of a slow
        day's 1,000-trainee run.)"""
        sites: set[str] = set()
        for c in cases:
            if c.remote_ok:
                sites = set()
                break
            sites.add(c.site)
        travel = min((self._travel.between(t.base_site, site) for site in sites), default=0)
        return self._least_before_travel + 2 * travel

    def case_week(self, t: Trainee, c: Case, s: Supervisor, shared: bool = False) -> int:
        """H7: what one case costs its trainee a week."""
        return (self.case_before_supervisor(t, c) + self.supervision_travel(t, s)
                + (self.shared_extra if shared else 0))

    def supervisor_limit(self, s: Supervisor) -> int | None:
        """H5: the supervisor's weekly meeting minutes, or None when only max_trainees limits."""
        if s.supervision_pas is None:
            return None
        return math.floor(s.supervision_pas * self._settings.pa_hours * 60 + 1e-9)
