"""Travel: minutes between sites, and which journeys count (domain.md H1, H2, H4, H7).

A journey counts unless the activity is by video: an online group, a case whose sessions
may run remotely (``remote_ok``), a supervisor who supervises remotely. The travel limit
(``max_travel_minutes``) and the weekly hours (H7) both use these minutes.
"""

from __future__ import annotations

from .entities import Case, Group, Settings, Site, Supervisor, Trainee, TravelTime


class Travel:
    def __init__(self, settings: Settings, sites: dict[str, Site], rows: tuple[TravelTime, ...]):
        self._settings = settings
        self._trust = {sid: s.trust for sid, s in sites.items()}
        self._table: dict[tuple[str, str], int] = {}
        for row in rows:
            self._table[(row.from_site, row.to_site)] = row.minutes
            self._table[(row.to_site, row.from_site)] = row.minutes
        self._known: dict[tuple[str, str], int] = {}

    def between(self, a: str, b: str) -> int:
        """One-way minutes between two sites: the Travel sheet, else the Scheme defaults.
        Worked out once a pair: a 1,000-trainee region asks millions of times (working
        out which cases each trainee may take, ranking them, the flows, the explanations)."""
        known = self._known.get((a, b))
        if known is None:
            known = self._known[(a, b)] = self._worked_out(a, b)
        return known

    def _worked_out(self, a: str, b: str) -> int:
        if (a, b) in self._table:
            return self._table[(a, b)]
        st = self._settings
        if a == b:
            return st.travel_same_site
        if self._trust[a] == self._trust[b]:
            return st.travel_same_trust
        return st.travel_other_trust

    def to_group(self, t: Trainee, g: Group) -> int:
        return 0 if g.online else self.between(t.base_site, g.site)

    def to_case(self, t: Trainee, c: Case) -> int:
        return 0 if c.remote_ok else self.between(t.base_site, c.site)

    def to_supervisor(self, t: Trainee, s: Supervisor) -> int:
        return 0 if s.remote else self.between(t.base_site, s.site)

    def within_limit(self, t: Trainee, minutes: int) -> bool:
        return minutes <= t.max_travel_minutes
