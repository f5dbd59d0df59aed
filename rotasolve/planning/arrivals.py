"""Who and what arrives between rotations in a forecast (planning.md, "The next
rotations"): the yearly CT1 intake and newly assessed cases, as assumptions a reader can
see and change.

- Intake: once a year, every ``round(52 / period_weeks)`` rotations, starting one year
  after the workbook's own period; as many CT1s as the workbook has today (``intake``
  to change); spread over today's base sites in proportion to today's trainees (largest
  remainders, ties in sheet order); each with the available slots, travel limit and
  LTFT of one of today's CT1s, drawn with the seed.
- Cases: every rotation after the first, at the rate of the cases referred in the 52
  weeks before the workbook's plan start (``cases_per_rotation`` to change), whole cases
  spread evenly (the running total rounded down); each copies the modality, length,
  sessions, site, slots, least grade and video flag of one of today's cases, drawn with
  the seed, and is referred during the period before its rotation.
Everything else (supervisors, groups, tutors) stays as the workbook has it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from ..core import dates
from ..domain import Case, Instance, Trainee
from ..domain.additions import rebuilt

YEAR_WEEKS = 52


@dataclass(frozen=True)
class Assumptions:
    rotations: int
    seed: int
    intake: int  # CT1s a year
    intake_every: int  # rotations between intakes
    intake_from_workbook: bool
    cases_per_rotation: float
    cases_from_workbook: bool
    referred_last_year: int  # cases referred in the 52 weeks before the plan start

    def intake_at(self, rotation: int) -> int:
        """CT1s arriving at the start of ``rotation`` (1 is the workbook's own period)."""
        return self.intake if rotation > 1 and (rotation - 1) % self.intake_every == 0 else 0

    def cases_at(self, rotation: int) -> int:
        """New cases at the start of ``rotation``: whole cases, the running total rounded down."""
        if rotation <= 1:
            return 0
        rate = self.cases_per_rotation
        return math.floor(rate * (rotation - 1) + 1e-9) - math.floor(rate * (rotation - 2) + 1e-9)

    def lines(self, inst: Instance) -> list[str]:
        """The assumptions in words, as printed on every output."""
        weeks = inst.settings.period_weeks
        intake = (f"{self.intake} new CT1 trainees every {self.intake_every} rotation(s) (once a year), first at "
                  f"rotation {1 + self.intake_every}: " + ("as many as the workbook has CT1s today"
                                                           if self.intake_from_workbook else "--intake")
                  + "; at today's base sites in proportion to today's trainees, with the slots, travel limit "
                    "and LTFT of one of today's CT1s")
        cases = (f"{self.cases_per_rotation:g} new cases per rotation of {weeks} weeks from rotation 2: "
                 + (f"{self.referred_last_year} cases referred in the 52 weeks before "
                    f"{inst.settings.plan_start} × {weeks}/52" if self.cases_from_workbook
                    else "--cases-per-rotation")
                 + "; with today's mix of modality, length and site")
        return [f"{self.rotations} rotation(s) of {weeks} weeks from {inst.settings.plan_start}, seed {self.seed}",
                intake, cases,
                "supervisors, groups and tutors stay as the workbook has them; each rotation is solved, then "
                "rolled forward as `rotasolve next` does (lifecycle.md)"]


def assumptions(inst: Instance, rotations: int, seed: int = 0, intake: int | None = None,
                cases_per_rotation: float | None = None) -> Assumptions:
    st = inst.settings
    since = st.plan_start - timedelta(days=dates.weeks_to_days(YEAR_WEEKS))
    referred = sum(1 for c in inst.cases if c.referred is not None and since <= c.referred < st.plan_start)
    rate = referred * st.period_weeks / YEAR_WEEKS
    return Assumptions(
        rotations=rotations, seed=seed,
        intake=sum(1 for t in inst.trainees if t.grade == 1) if intake is None else intake,
        intake_every=max(1, round(YEAR_WEEKS / st.period_weeks)), intake_from_workbook=intake is None,
        cases_per_rotation=round(rate, 2) if cases_per_rotation is None else cases_per_rotation,
        cases_from_workbook=cases_per_rotation is None, referred_last_year=referred)


def with_arrivals(today: Instance, now: Instance, rotation: int, a: Assumptions) -> Instance:
    """``now`` (a rolled-forward scheme) with the arrivals of ``rotation``, drawn from
    ``today`` (the workbook's own scheme) with a stream of its own per rotation."""
    rng = random.Random(f"{a.seed}/{rotation}")
    trainees = _intake(today, now, rotation, a.intake_at(rotation), rng)
    cases = _cases(today, now, rotation, a.cases_at(rotation), rng)
    if not trainees and not cases:
        return now
    return rebuilt(now, trainees=now.trainees + tuple(trainees), cases=now.cases + tuple(cases))


def _fresh_ids(prefix: str, taken: set[str], n: int) -> list[str]:
    out: list[str] = []
    i = 0
    while len(out) < n:
        i += 1
        if f"{prefix}{i:02d}" not in taken:
            out.append(f"{prefix}{i:02d}")
    return out


def _intake(today: Instance, now: Instance, rotation: int, n: int, rng: random.Random) -> list[Trainee]:
    if n <= 0 or not today.trainees:
        return []
    sites = _spread(today, n)
    models = [t for t in today.trainees if t.grade == 1] or list(today.trainees)
    ids = _fresh_ids(f"F{rotation}-T", {t.id for t in now.trainees} | {t.id for t in today.trainees}, n)
    start = now.settings.plan_start
    out = []
    for i, (tid, site) in enumerate(zip(ids, sites), start=1):
        model = rng.choice(models)
        out.append(Trainee(id=tid, name=f"New CT1 {i} (forecast, rotation {rotation})", grade=1, base_site=site,
                           available_slots=model.available_slots, ltft=model.ltft,
                           max_travel_minutes=model.max_travel_minutes,
                           core_end=dates.default_core_end(start, 1, model.ltft)))
    return out


def _spread(today: Instance, n: int) -> list[str]:
    """n base sites in proportion to today's trainees per site (largest remainders)."""
    count: dict[str, int] = {}
    for t in today.trainees:
        count[t.base_site] = count.get(t.base_site, 0) + 1
    total = len(today.trainees)
    quota = {s: n * k / total for s, k in count.items()}
    whole = {s: math.floor(q) for s, q in quota.items()}
    order = list(count)  # sheet order, for ties
    rest = sorted(order, key=lambda s: (-(quota[s] - whole[s]), order.index(s)))
    for s in rest[:n - sum(whole.values())]:
        whole[s] += 1
    return [s for s in order for _ in range(whole[s])]


def _cases(today: Instance, now: Instance, rotation: int, n: int, rng: random.Random) -> list[Case]:
    if n <= 0 or not today.cases:
        return []
    ids = _fresh_ids(f"F{rotation}-C", {c.id for c in now.cases} | {c.id for c in today.cases}, n)
    start = now.settings.plan_start
    period = dates.weeks_to_days(now.settings.period_weeks)
    out = []
    for i, cid in enumerate(ids):
        model = rng.choice(today.cases)
        out.append(Case(id=cid, site=model.site, modality=model.modality, length=model.length,
                        sessions=model.sessions, min_grade=model.min_grade, available_slots=model.available_slots,
                        remote_ok=model.remote_ok, referred=_referred(start, period, i, n)))
    return out


def _referred(start: date, period_days: int, i: int, n: int) -> date:
    """The i-th of n referrals, spread evenly over the period before ``start``."""
    return start - timedelta(days=period_days - (i * period_days) // n)
