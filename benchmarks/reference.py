"""An independent reference allocation: a MIP of domain.md solved with HiGHS.

A benchmark tool, run by hand; not part of the product. It is written from the rules in
``docs/domain.md`` (hard rules H1-H10, objective tiers 1a and 1b only), reading the raw
fields of the pydantic ``Instance``. It deliberately does not call rotasolve's derived
facts (``needs``, ``can_take_case``, ``travel``, ``is_critical``...), its CP-SAT model or its
baseline, so that a bug there is not shared here. It uses ``rotasolve.core.dates`` (pure date
arithmetic), the data classes, the ``Solution`` object and, to verify its own answer,
``rotasolve.check.check``.

Formulation (all times in whole minutes, ``round(hours * 60)``)
--------------------------------------------------------------
Facts restated from domain.md: travel is the Travel sheet row (either direction), else
``travel_same_site`` / ``travel_same_trust`` / ``travel_other_trust`` by the sites' trusts;
a kept case is one with a ``current_trainee``; a trainee needs a group when sessions are
left and they have no ``current_group``, a case of a length when none of it is done or
kept; cases are gated below ``case_min_grade`` or, with ``case_requires_cbdg``, before the
group sessions are complete; a requirement is critical when, started at
``plan_start + period_weeks``, it would finish after the end of its due grade.

Each trainee has *case positions*: one per kept case (its case is fixed) and one per
length ``L`` they may still start (which case fills it is a decision). Variables:

* ``x[t,g]``   trainee t joins group g (H1 travel, slot and need pre-filtered);
  ``o[g]``      group g (without kept members) is opened to new members.
* ``y[t,c]``   trainee t starts new case c (H2, H3 against done/kept cases, grade, travel
  pre-filtered); the position (t, c.length) is filled by at most one of them.
* ``q[p,k]``   position p holds its weekly session in slot k (k free to trainee and to
  at least one candidate case; linked to the ``y`` of the cases free at k).
* ``v[p,s,k,m]`` position p is supervised by s at slot k, the case being of modality m
  (s qualified in m and reachable or remote, k free to trainee and supervisor). For a
  new position, for every m: sum over (s,k) of v[p,s,k,m] = sum of y of its cases of
  modality m; a fixed ``supervisor`` is enforced per (p,s,m) against the y of the cases
  s may supervise. For a kept case: sum = 1, over its fixed/current supervisor if given.
* per supervision meeting (s,k) with group_size > 1 and two or more possible trainees:
  ``open[s,k]`` = [n >= 1], ``shared[s,k]`` = [n >= 2], both exact (n = cases in it), and,
  when s has several modalities there, ``mod[s,k,m]`` (one modality per meeting).
* ``w[t,s,k]`` = (t is supervised at (s,k)) AND shared[s,k] (linearised on the side the
  weekly-hours row needs), so a shared meeting costs ``group_supervision_hours``.
* ``z[t,u]``   tutor u oversees t (u covers t's trust).

Rows: one group per trainee; group size ``min..max`` with externals for every group with
core members (a group without kept members opens only if it can reach ``min_size``);
one trainee per case, one new case per length, distinct modalities among new cases; H8
on kept + new; H4 supervisor capacity over kept and new; H5 ``n <= group_size`` with one
modality per meeting and the supervisor's meeting minutes (``supervision_minutes`` for
a meeting of one, ``group_supervision_minutes`` for a shared one) within
``floor(supervision_pas * pa_hours * 60)``; H6 one item per (trainee, slot) counting the
group (kept or new), every session and every supervision; H7 per trainee over kept and
new cases: session + supervision (+ the shared surcharge via w) + 2 x travel to the case
site (unless ``remote_ok``) + 2 x travel to the supervisor (unless ``remote``); H9 exactly
one tutor for a trainee with kept items, one whenever something is placed, at most one
otherwise, and ``n <= trainees_per_tutor_pa * floor(core_pas)`` per tutor (which is
``ceil(n / per_pa) <= core_pas``).

Size: the case-choice variables are per trainee-case pair and the supervision variables
per trainee-position-supervisor-slot(-modality), so the model grows like
(pairs + positions x reachable supervisors x common slots), never like
trainees x cases x supervisors x slots. About 10-30 thousand columns at 120 trainees.

Objective: lexicographic, two HiGHS solves on one model. Stage 1 maximises tier 1a
(critical requirements placed); stage 2 adds the row tier 1a >= the stage-1 value and
maximises tier 1b (other placeable requirements placed, weighted CT3=3, CT2=2, CT1=1);
stage 1's allocation is kept if stage 2 finds none in time. No MIP start is given to
HiGHS (1.16 misjudged a start's objective after presolve and stopped on it). A stage
whose returned values do not reach its dual bound is not reported optimal. Each stage's
dual bound is reported; the 1b bound holds given 1a at its found value. Kept items never
count. Tier values are counted from the returned rows, never read off HiGHS's objective.
Every returned allocation is checked with ``rotasolve.check.check``; a failure raises
ReferenceModelBug (it would be a bug here).

CLI: ``python benchmarks/reference.py WORKBOOK.xlsx [--time-limit S] [--json OUT.json]``.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from rotasolve.core import dates
from rotasolve.check import check
from rotasolve.domain import Instance
from rotasolve.results.solution import CasePlace, GroupPlace, Objective, RunRecord, Solution, TutorPlace

TIER_NAMES = ["critical requirements placed", "other requirements placed (CT3=3, CT2=2, CT1=1)"]
LENGTHS = ("short", "long")


class ReferenceModelBug(RuntimeError):
    """The reference returned an allocation the checker rejects: a bug in this model."""


# ----------------------------------------------------------------------------------------
# facts, restated from domain.md on raw fields
# ----------------------------------------------------------------------------------------
def _exact(x) -> Fraction:
    return Fraction(x) if isinstance(x, int) else Fraction(str(x))


@dataclass
class Requirement:
    trainee: str
    name: str  # cbdg | short_case | long_case
    critical: bool
    weight: int  # tier-1b weight when not critical


class Facts:
    def __init__(self, inst: Instance):
        self.inst = inst
        st, pr = inst.settings, inst.profile
        self.m_session = round(st.session_hours * 60)
        self.m_sup = round(st.supervision_hours * 60)
        self.m_gsup = round(st.group_supervision_hours * 60)
        self.m_weekly = round(pr.weekly_case_hours * 60)
        self.site_trust = {s.id: s.trust for s in inst.sites}
        self.table: dict[tuple[str, str], int] = {}
        for r in inst.travel_times:
            self.table[(r.from_site, r.to_site)] = r.minutes
            self.table[(r.to_site, r.from_site)] = r.minutes
        self.T = {t.id: t for t in inst.trainees}
        self.C = {c.id: c for c in inst.cases}
        self.S = {s.id: s for s in inst.supervisors}
        self.G = {g.id: g for g in inst.groups}
        self.kept_cases: dict[str, list] = {t.id: [] for t in inst.trainees}
        for c in inst.cases:
            if c.current_trainee is not None:
                self.kept_cases[c.current_trainee].append(c)
        self.next_start = dates.add_weeks(st.plan_start, st.period_weeks)

    def travel(self, a: str, b: str) -> int:
        if (a, b) in self.table:
            return self.table[(a, b)]
        st = self.inst.settings
        if a == b:
            return st.travel_same_site
        if self.site_trust[a] == self.site_trust[b]:
            return st.travel_same_trust
        return st.travel_other_trust

    def left(self, t) -> int:
        return max(0, self.inst.profile.cbdg_sessions - t.cbdg_sessions_attended)

    def needs_group(self, t) -> bool:
        return self.left(t) > 0 and t.current_group is None

    def done(self, t, length):
        return t.short_case_done if length == "short" else t.long_case_done

    def kept_of_length(self, t, length):
        return [c for c in self.kept_cases[t.id] if c.length == length]

    def needs_case(self, t, length) -> bool:
        return self.done(t, length) is None and not self.kept_of_length(t, length)

    def gated(self, t) -> bool:
        pr = self.inst.profile
        return t.grade < pr.case_min_grade or (pr.case_requires_cbdg and self.left(t) > 0)

    def other_modalities(self, t, length) -> set[str]:
        """Modalities a new case of ``length`` may not have (H3: the other length's
        done or kept case)."""
        if self.inst.profile.distinct_modalities < 2:
            return set()
        other = "long" if length == "short" else "short"
        out = {c.modality for c in self.kept_of_length(t, other)}
        if self.done(t, other):
            out.add(self.done(t, other))
        return out

    def critical(self, t, req: str) -> bool:
        st, pr = self.inst.settings, self.inst.profile
        core_end = t.core_end or dates.default_core_end(st.plan_start, t.grade, t.ltft)
        due_grade = pr.cbdg_due_grade if req == "cbdg" else pr.cases_due_grade
        due = dates.grade_end(core_end, due_grade, t.ltft)
        if req == "cbdg":
            sessions = self.left(t)
        elif req == "short_case":
            sessions = pr.short_case_min_sessions
        else:
            sessions = pr.long_case_min_sessions
        return dates.finish_date(self.next_start, sessions, st.session_weeks_factor) > due

    def requirements(self, t) -> list[Requirement]:
        """Placeable requirements (not complete, not running, not gated)."""
        out = []
        if self.needs_group(t):
            out.append(Requirement(t.id, "cbdg", self.critical(t, "cbdg"), t.grade))
        if not self.gated(t):
            for length in LENGTHS:
                if self.needs_case(t, length):
                    req = f"{length}_case"
                    out.append(Requirement(t.id, req, self.critical(t, req), t.grade))
        return out

    def tutor_capacity(self, u) -> int:
        return self.inst.profile.trainees_per_tutor_pa * math.floor(_exact(u.core_pas))

    def sup_capacity_minutes(self, s) -> int | None:
        if s.supervision_pas is None:
            return None
        return math.floor(_exact(s.supervision_pas) * _exact(self.inst.settings.pa_hours) * 60)


# ----------------------------------------------------------------------------------------
# a small sparse MIP builder
# ----------------------------------------------------------------------------------------
class Mip:
    def __init__(self):
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.integer: list[bool] = []
        self.row_lb: list[float] = []
        self.row_ub: list[float] = []
        self.starts: list[int] = [0]
        self.index: list[int] = []
        self.value: list[float] = []

    def var(self, lb=0.0, ub=1.0, integer=True) -> int:
        self.lb.append(lb)
        self.ub.append(ub)
        self.integer.append(integer)
        return len(self.lb) - 1

    def row(self, terms, lb=-math.inf, ub=math.inf, const=0.0):
        """lb <= sum(coef * var) + const <= ub; ``terms`` is an iterable of (var, coef)."""
        acc: dict[int, float] = {}
        for j, a in terms:
            acc[j] = acc.get(j, 0.0) + a
        acc = {j: a for j, a in acc.items() if a != 0}
        lo, hi = lb - const, ub - const
        if not acc:
            if lo > 1e-9 or hi < -1e-9:
                raise _Conflict(f"a constant row is violated ({lo} <= 0 <= {hi})")
            return
        self.row_lb.append(lo)
        self.row_ub.append(hi)
        self.index.extend(acc)
        self.value.extend(acc.values())
        self.starts.append(len(self.index))

    @property
    def size(self) -> dict:
        return {"columns": len(self.lb), "integer_columns": int(sum(self.integer)),
                "rows": len(self.row_lb), "nonzeros": len(self.index)}


class _Conflict(Exception):
    pass


# ----------------------------------------------------------------------------------------
# the model
# ----------------------------------------------------------------------------------------
@dataclass
class Position:
    trainee: str
    length: str
    kept_case: str | None = None  # the case, for a kept position
    cands: list[str] = field(default_factory=list)  # new position: candidate case ids
    q: dict[str, int] = field(default_factory=dict)  # slot -> var
    v: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (sup, slot, modality) -> var


class Model:
    def __init__(self, inst: Instance):
        self.inst = inst
        self.f = f = Facts(inst)
        self.mip = mip = Mip()
        self.conflicts: list[str] = []
        pr = inst.profile
        self.x: dict[tuple[str, str], int] = {}
        self.y: dict[tuple[str, str], int] = {}
        self.z: dict[tuple[str, str], int] = {}
        self.positions: list[Position] = []
        self.tier_a: list[tuple[int, float]] = []
        self.tier_b: list[tuple[int, float]] = []

        tutors_of = {t.id: [u for u in inst.tutors if f.site_trust[t.base_site] in u.trusts]
                     for t in inst.trainees}
        kept_group_slot = {t.id: f.G[t.current_group].slot for t in inst.trainees if t.current_group}
        has_kept = {t.id: bool(t.current_group or f.kept_cases[t.id]) for t in inst.trainees}

        def usable(t) -> set[str]:
            free = set(t.available_slots)
            free.discard(kept_group_slot.get(t.id))
            return free

        # ---- kept-item sanity (H10: a kept set that breaks a rule makes the solve infeasible)
        for t in inst.trainees:
            kept = f.kept_cases[t.id]
            if len(kept) > pr.max_cases_per_trainee:
                self.conflicts.append(f"{t.id} keeps {len(kept)} cases, over max_cases_per_trainee")
            if pr.distinct_modalities >= 2:
                short = {c.modality for c in f.kept_of_length(t, "short")} | (
                    {t.short_case_done} if t.short_case_done else set())
                long_ = {c.modality for c in f.kept_of_length(t, "long")} | (
                    {t.long_case_done} if t.long_case_done else set())
                if short & long_:
                    self.conflicts.append(f"{t.id}'s done/kept short and long cases share {short & long_}")
            if has_kept[t.id] and not tutors_of[t.id]:
                self.conflicts.append(f"{t.id} holds kept items but no tutor covers their trust")

        # ---- H1 groups -------------------------------------------------------------------
        kept_members = defaultdict(int)
        for t in inst.trainees:
            if t.current_group:
                kept_members[t.current_group] += 1
        for g in inst.groups:
            n_kept = kept_members[g.id]
            room = g.max_size - g.external_members - n_kept
            cands = [t for t in inst.trainees if f.needs_group(t) and tutors_of[t.id]
                     and g.slot in t.available_slots
                     and (g.online or f.travel(t.base_site, g.site) <= t.max_travel_minutes)]
            if n_kept:
                if room < 0:
                    self.conflicts.append(f"group {g.id}: kept members and externals exceed max_size")
                lo = g.min_size - g.external_members - n_kept
                if lo > len(cands):
                    self.conflicts.append(f"group {g.id}: kept members cannot reach min_size")
                if room <= 0:
                    cands = []
                for t in cands:
                    self.x[t.id, g.id] = mip.var()
                if cands:
                    mip.row([(self.x[t.id, g.id], 1) for t in cands], lb=lo, ub=room)
            else:
                need = max(1, g.min_size - g.external_members)
                if room < need or len(cands) < need:
                    continue  # a group that cannot reach min_size takes no new members
                for t in cands:
                    self.x[t.id, g.id] = mip.var()
                o = mip.var()
                xs = [(self.x[t.id, g.id], 1) for t in cands]
                mip.row(xs + [(o, -room)], ub=0)
                mip.row(xs + [(o, -need)], lb=0)
        x_of = defaultdict(list)
        for (tid, gid), j in self.x.items():
            x_of[tid].append((gid, j))
        for xs in x_of.values():
            if len(xs) > 1:
                mip.row([(j, 1) for _, j in xs], ub=1)

        # ---- supervisors a trainee may use for a new case ------------------------------
        def reachable(t, s) -> bool:
            return s.remote or f.travel(t.base_site, s.site) <= t.max_travel_minutes

        # ---- H2/H3 case positions -------------------------------------------------------
        for t in inst.trainees:
            free = usable(t)
            for c in f.kept_cases[t.id]:
                p = Position(t.id, c.length, kept_case=c.id)
                # H10: a running case's slots, where the workbook gives them, are kept as they are
                for k in sorted(free & set(c.available_slots)):
                    if c.session_slot is None or k == c.session_slot:
                        p.q[k] = mip.var()
                for s in inst.supervisors:
                    if c.modality not in s.modalities:
                        continue
                    if c.supervisor and c.supervisor != s.id:
                        continue
                    if c.current_supervisor and c.current_supervisor != s.id:
                        continue
                    for k in sorted(free & set(s.available_slots)):
                        if c.supervision_slot is None or k == c.supervision_slot:
                            p.v[s.id, k, c.modality] = mip.var()
                if not p.q or not p.v:
                    self.conflicts.append(f"kept case {c.id} of {t.id} has no session or supervision option")
                    continue
                mip.row([(j, 1) for j in p.q.values()], lb=1, ub=1)
                mip.row([(j, 1) for j in p.v.values()], lb=1, ub=1)
                self.positions.append(p)
            if f.gated(t) or len(f.kept_cases[t.id]) >= pr.max_cases_per_trainee or not tutors_of[t.id]:
                continue
            for length in LENGTHS:
                if not f.needs_case(t, length):
                    continue
                banned = f.other_modalities(t, length)
                p = Position(t.id, length)
                for c in inst.cases:
                    if c.current_trainee is not None or c.length != length:
                        continue
                    if t.grade < c.min_grade or c.modality in banned:
                        continue
                    if not c.remote_ok and f.travel(t.base_site, c.site) > t.max_travel_minutes:
                        continue
                    if not free & set(c.available_slots):
                        continue
                    ok = False
                    for s in inst.supervisors:
                        if (c.modality in s.modalities and s.max_trainees >= 1
                                and (not c.supervisor or c.supervisor == s.id)
                                and reachable(t, s) and free & set(s.available_slots)):
                            ok = True
                            break
                    if ok:
                        p.cands.append(c.id)
                if not p.cands:
                    continue
                for cid in p.cands:
                    self.y[t.id, cid] = mip.var()
                ys = [(self.y[t.id, cid], 1) for cid in p.cands]
                if len(ys) > 1:
                    mip.row(ys, ub=1)
                # session slots
                slots = sorted(free & set().union(*(f.C[cid].available_slots for cid in p.cands)))
                for k in slots:
                    p.q[k] = mip.var()
                mip.row([(j, 1) for j in p.q.values()] + [(j, -1) for j, _ in ys], lb=0, ub=0)
                for k in slots:
                    at_k = [self.y[t.id, cid] for cid in p.cands if k in f.C[cid].available_slots]
                    if len(at_k) < len(p.cands):
                        mip.row([(p.q[k], 1)] + [(j, -1) for j in at_k], ub=0)
                # supervision
                mods = sorted({f.C[cid].modality for cid in p.cands})
                fixed_any = any(f.C[cid].supervisor for cid in p.cands)
                for m in mods:
                    cm = [cid for cid in p.cands if f.C[cid].modality == m]
                    terms = []
                    for s in inst.supervisors:
                        if m not in s.modalities or s.max_trainees < 1 or not reachable(t, s):
                            continue
                        ok_c = [cid for cid in cm if not f.C[cid].supervisor or f.C[cid].supervisor == s.id]
                        if not ok_c:
                            continue
                        vs = []
                        for k in sorted(free & set(s.available_slots)):
                            j = p.v[s.id, k, m] = mip.var()
                            vs.append(j)
                        terms += [(j, 1) for j in vs]
                        if fixed_any and vs and len(ok_c) < len(cm):
                            mip.row([(j, 1) for j in vs] + [(self.y[t.id, cid], -1) for cid in ok_c], ub=0)
                    mip.row(terms + [(self.y[t.id, cid], -1) for cid in cm], lb=0, ub=0)
                self.positions.append(p)
            # H3 among new cases, H8
            new_pos = [p for p in self.positions if p.trainee == t.id and p.kept_case is None]
            if len(new_pos) == 2 and pr.distinct_modalities >= 2:
                by_mod = defaultdict(list)
                for p in new_pos:
                    for cid in p.cands:
                        by_mod[f.C[cid].modality].append(self.y[t.id, cid])
                for m, js in by_mod.items():
                    if len({p.length for p in new_pos for cid in p.cands if f.C[cid].modality == m}) == 2:
                        mip.row([(j, 1) for j in js], ub=1)
            room = pr.max_cases_per_trainee - len(f.kept_cases[t.id])
            ys = [(self.y[t.id, cid], 1) for p in new_pos for cid in p.cands]
            if len(new_pos) > room:
                mip.row(ys, ub=room)

        # one trainee per case
        takers = defaultdict(list)
        for (_tid, cid), j in self.y.items():
            takers[cid].append(j)
        for js in takers.values():
            if len(js) > 1:
                mip.row([(j, 1) for j in js], ub=1)

        # ---- H6: one thing per trainee per slot ---------------------------------------
        busy = defaultdict(list)  # (trainee, slot) -> vars
        for (tid, gid), j in self.x.items():
            busy[tid, f.G[gid].slot].append(j)
        for p in self.positions:
            for k, j in p.q.items():
                busy[p.trainee, k].append(j)
            for (_s, k, _m), j in p.v.items():
                busy[p.trainee, k].append(j)
        for js in busy.values():
            if len(js) > 1:
                mip.row([(j, 1) for j in js], ub=1)

        # ---- H4/H5 supervisors and meetings -----------------------------------------------
        at_meeting = defaultdict(list)  # (s, k) -> [(trainee, modality, var)]
        for p in self.positions:
            for (s, k, m), j in p.v.items():
                at_meeting[s, k].append((p.trainee, m, j))
        self.shared: dict[tuple[str, str], int] = {}
        self.open: dict[tuple[str, str], int] = {}
        per_sup = defaultdict(list)
        for sid, k in at_meeting:
            per_sup[sid].append(k)
        for s in inst.supervisors:
            ks = per_sup.get(s.id, [])
            if not ks:
                continue
            load = [(j, 1) for k in ks for _, _, j in at_meeting[s.id, k]]
            mip.row(load, ub=s.max_trainees)
            minutes = []  # supervisor meeting minutes
            for k in ks:
                items = at_meeting[s.id, k]
                n = [(j, 1) for _, _, j in items]
                trainees_here = {tid for tid, _, _ in items}
                if s.group_size <= 1 or len(trainees_here) < 2:
                    if len(n) > 1:
                        mip.row(n, ub=1)
                    minutes += [(j, self.f.m_sup) for j, _ in n]
                    continue
                mods = sorted({m for _, m, _ in items})
                if len(mods) > 1:
                    md = {m: mip.var() for m in mods}
                    for m in mods:
                        mip.row([(j, 1) for _, mm, j in items if mm == m] + [(md[m], -s.group_size)], ub=0)
                    mip.row([(md[m], 1) for m in mods], ub=1)
                op = self.open[s.id, k] = mip.var()
                sh = self.shared[s.id, k] = mip.var()
                gs = min(s.group_size, len(trainees_here))
                mip.row(n + [(op, -1)], lb=0)              # open -> n >= 1
                mip.row(n + [(op, -gs)], ub=0)             # n <= gs * open
                mip.row(n + [(sh, -(gs - 1))], ub=1)       # n >= 2 -> shared
                mip.row(n + [(sh, -2)], lb=0)              # shared -> n >= 2
                mip.row([(sh, 1), (op, -1)], ub=0)
                minutes += [(op, self.f.m_sup), (sh, self.f.m_gsup - self.f.m_sup)]
            cap = f.sup_capacity_minutes(s)
            if cap is not None:
                mip.row(minutes, ub=cap)

        # ---- H7 weekly minutes per trainee ---------------------------------------------
        delta = f.m_gsup - f.m_sup
        for t in inst.trainees:
            mine = [p for p in self.positions if p.trainee == t.id]
            if not mine:
                continue
            terms, const = [], 0
            for p in mine:
                if p.kept_case:
                    c = f.C[p.kept_case]
                    const += f.m_session + (0 if c.remote_ok else 2 * f.travel(t.base_site, c.site))
                else:
                    for cid in p.cands:
                        c = f.C[cid]
                        terms.append((self.y[t.id, cid],
                                      f.m_session + (0 if c.remote_ok else 2 * f.travel(t.base_site, c.site))))
            a = defaultdict(list)
            for p in mine:
                for (sid, k, _m), j in p.v.items():
                    s = f.S[sid]
                    terms.append((j, f.m_sup + (0 if s.remote else 2 * f.travel(t.base_site, s.site))))
                    a[sid, k].append(j)
            if delta:
                for (sid, k), js in a.items():
                    sh = self.shared.get((sid, k))
                    if sh is None:
                        continue
                    w = mip.var(integer=False)
                    if delta > 0:  # w >= a + shared - 1
                        mip.row([(j, 1) for j in js] + [(sh, 1), (w, -1)], ub=1)
                    else:          # w <= a, w <= shared
                        mip.row([(w, 1)] + [(j, -1) for j in js], ub=0)
                        mip.row([(w, 1), (sh, -1)], ub=0)
                    terms.append((w, delta))
            mip.row(terms, ub=f.m_weekly, const=const)

        # ---- H9 tutors --------------------------------------------------------------------
        for t in inst.trainees:
            us = tutors_of[t.id]
            placed_x = [j for gid, j in x_of.get(t.id, [])]
            new_pos = [p for p in self.positions if p.trainee == t.id and p.kept_case is None]
            if not us or not (has_kept[t.id] or placed_x or new_pos):
                continue
            for u in us:
                self.z[t.id, u.id] = mip.var()
            zs = [(self.z[t.id, u.id], 1) for u in us]
            if has_kept[t.id]:
                mip.row(zs, lb=1, ub=1)
                continue
            if len(zs) > 1:
                mip.row(zs, ub=1)
            if placed_x:
                mip.row([(j, 1) for j in placed_x] + [(j, -1) for j, _ in zs], ub=0)
            for p in new_pos:
                mip.row([(self.y[t.id, cid], 1) for cid in p.cands] + [(j, -1) for j, _ in zs], ub=0)
        for u in inst.tutors:
            zs = [(j, 1) for (tid, uid), j in self.z.items() if uid == u.id]
            if len(zs) > f.tutor_capacity(u):
                mip.row(zs, ub=f.tutor_capacity(u))

        # ---- objective tiers -------------------------------------------------------------
        self.requirements: list[Requirement] = []
        for t in inst.trainees:
            for r in f.requirements(t):
                self.requirements.append(r)
                if r.name == "cbdg":
                    js = [j for _, j in x_of.get(t.id, [])]
                else:
                    length = r.name.split("_")[0]
                    js = [self.y[t.id, cid] for p in self.positions
                          if p.trainee == t.id and p.kept_case is None and p.length == length
                          for cid in p.cands]
                if r.critical:
                    self.tier_a += [(j, 1.0) for j in js]
                else:
                    self.tier_b += [(j, float(r.weight)) for j in js]

    # ------------------------------------------------------------------------------------
    def tiers(self, sol: Solution) -> tuple[int, int]:
        """Tier 1a and 1b of an allocation, counted from its rows."""
        new = {(g.trainee_id, "cbdg") for g in sol.groups if not g.kept}
        new |= {(p.trainee_id, f"{self.f.C[p.case_id].length}_case") for p in sol.cases if not p.kept}
        a = sum(1 for r in self.requirements if r.critical and (r.trainee, r.name) in new)
        b = sum(r.weight for r in self.requirements if not r.critical and (r.trainee, r.name) in new)
        return a, b

    def allocation(self, val) -> Solution:
        inst = self.inst
        on = lambda j: val[j] > 0.5  # noqa: E731
        groups = [GroupPlace(trainee_id=t.id, group_id=t.current_group, kept=True)
                  for t in inst.trainees if t.current_group]
        groups += [GroupPlace(trainee_id=tid, group_id=gid) for (tid, gid), j in self.x.items() if on(j)]
        cases = []
        for p in self.positions:
            if p.kept_case:
                cid = p.kept_case
            else:
                chosen = [c for c in p.cands if on(self.y[p.trainee, c])]
                if not chosen:
                    continue
                cid = chosen[0]
            k1 = next(k for k, j in p.q.items() if on(j))
            sid, k2, _ = next(key for key, j in p.v.items() if on(j))
            cases.append(CasePlace(case_id=cid, trainee_id=p.trainee, supervisor_id=sid, session_slot=k1,
                                   supervision_slot=k2, meeting_id=f"{sid}@{k2}", kept=p.kept_case is not None))
        active = {g.trainee_id for g in groups} | {c.trainee_id for c in cases}
        tutors = [TutorPlace(trainee_id=tid, tutor_id=uid) for (tid, uid), j in self.z.items()
                  if on(j) and tid in active]
        return Solution(scheme=inst.settings.name, status="FEASIBLE", groups=groups, cases=cases, tutors=tutors)


# ----------------------------------------------------------------------------------------
# solving
# ----------------------------------------------------------------------------------------
def _highs(mip: Mip, threads: int, verbose: bool):
    import highspy

    h = highspy.Highs()
    h.setOptionValue("output_flag", bool(verbose))
    h.setOptionValue("threads", int(threads))
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 0.99)  # integer objectives: a gap under 1 is a proof
    h.setOptionValue("random_seed", 0)
    lp = highspy.HighsLp()
    n, r = len(mip.lb), len(mip.row_lb)
    lp.num_col_, lp.num_row_ = n, r
    lp.col_cost_ = np.zeros(n)
    lp.col_lower_ = np.array(mip.lb, dtype=float)
    lp.col_upper_ = np.array(mip.ub, dtype=float)
    lp.row_lower_ = np.array(mip.row_lb, dtype=float)
    lp.row_upper_ = np.array(mip.row_ub, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, r
    lp.a_matrix_.start_ = np.array(mip.starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(mip.index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(mip.value, dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                       for i in mip.integer]
    lp.sense_ = highspy.ObjSense.kMaximize
    h.passModel(lp)
    return h


def _stage(h, terms, limit: float):
    import highspy

    n = h.getNumCol()
    cost = np.zeros(n)
    for j, a in terms:
        cost[j] += a
    h.changeColsCost(n, np.arange(n, dtype=np.int32), cost)
    h.setOptionValue("time_limit", max(0.05, float(limit)))
    t0 = time.perf_counter()
    h.run()
    secs = time.perf_counter() - t0
    status = h.getModelStatus()
    info = h.getInfo()
    has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
    val = np.array(h.getSolution().col_value) if has_sol else None
    name = h.modelStatusToString(status)
    optimal = status == highspy.HighsModelStatus.kOptimal
    if status == highspy.HighsModelStatus.kModelEmpty:  # nothing to decide
        optimal, val, bound = True, np.zeros(0), 0.0
        return dict(status=name, optimal=True, infeasible=False, val=val, seconds=secs, bound=bound,
                    objective=0.0)
    infeasible = status == highspy.HighsModelStatus.kInfeasible
    bound = info.mip_dual_bound
    objective = None
    if val is not None:  # the objective of the returned values, not HiGHS's word for it
        objective = float(sum(val[j] * a for j, a in terms))
        if optimal and math.floor(bound + 1e-6) > round(objective):
            optimal = False
            name += f" (not trusted: values give {objective:g}, bound {bound:g})"
    return dict(status=name, optimal=optimal, infeasible=infeasible, val=val, seconds=secs,
                bound=bound, objective=objective)


def _floor_bound(b: float) -> int | None:
    if b is None or not math.isfinite(b):
        return None
    return math.floor(b + 1e-6)


def reference_solve(inst: Instance, time_limit: float = 300.0, threads: int = 2,
                    stage1_share: float = 0.5, verbose: bool = False) -> tuple[Solution, dict]:
    """Solve ``inst`` lexicographically on tiers 1a then 1b with HiGHS.

    Stage 1 may use up to ``stage1_share`` of ``time_limit`` (seconds, wall, counted
    from the start of the build); stage 2 gets the rest. Returns the checked Solution
    and a dict: tier1a, tier1b, bound1a, bound1b, status, stage statuses and seconds,
    and the model size."""
    t_start = time.perf_counter()
    info: dict = {"tier1a": None, "tier1b": None, "bound1a": None, "bound1b": None}
    try:
        model = Model(inst)
    except _Conflict as e:
        model, conflict = None, str(e)
    else:
        conflict = "; ".join(model.conflicts) if model.conflicts else None
    info["build_seconds"] = round(time.perf_counter() - t_start, 3)
    if model is not None:
        info["size"] = model.mip.size
        info["requirements"] = {"critical": sum(r.critical for r in model.requirements),
                                "other": sum(not r.critical for r in model.requirements)}
    if conflict:
        info.update(status="INFEASIBLE", conflicts=conflict, seconds=round(time.perf_counter() - t_start, 3))
        return Solution(scheme=inst.settings.name, status="INFEASIBLE", conflicts=[conflict]), info

    h = _highs(model.mip, threads, verbose)
    s1 = _stage(h, model.tier_a, time_limit * stage1_share - (time.perf_counter() - t_start))
    info["stage1"] = {k: s1[k] for k in ("status", "seconds", "bound", "objective")}
    if s1["val"] is None:
        status = "INFEASIBLE" if s1["infeasible"] else "UNKNOWN"
        info.update(status=status, seconds=round(time.perf_counter() - t_start, 3))
        return Solution(scheme=inst.settings.name, status=status), info
    val1 = s1["val"]
    a1 = int(round(sum(val1[j] * c for j, c in model.tier_a)))
    # stage 2: hold tier 1a, maximise tier 1b. No MIP start: HiGHS 1.16 misjudges a
    # start's objective after presolve (it reported a start of value 0 as 1 in the reduced
    # space and stopped "optimal" on it); stage 1's allocation is the fallback instead.
    if model.tier_a:
        h.addRow(a1 - 0.5, math.inf, len(model.tier_a),
                 np.array([j for j, _ in model.tier_a], dtype=np.int32),
                 np.array([c for _, c in model.tier_a], dtype=float))
    remaining = time_limit - (time.perf_counter() - t_start)
    s2 = _stage(h, model.tier_b, max(remaining, 0.05))
    info["stage2"] = {k: s2[k] for k in ("status", "seconds", "bound", "objective")}
    val = s2["val"] if s2["val"] is not None else val1
    sol = model.allocation(val)
    violations = check(inst, sol)
    if violations:
        raise ReferenceModelBug("the reference allocation breaks hard rules (a bug in "
                                "benchmarks/reference.py): " + "; ".join(map(str, violations[:10])))
    ta, tb = model.tiers(sol)
    if ta < a1:
        raise ReferenceModelBug(f"stage 2 lost tier 1a ({ta} < {a1})")
    fb1, fb2 = _floor_bound(s1["bound"]), _floor_bound(s2["bound"])
    b1a = a1 if s1["optimal"] else (None if fb1 is None else max(a1, fb1))
    b1b = tb if s2["optimal"] else (None if fb2 is None else max(tb, fb2))
    proven = s1["optimal"] and s2["optimal"]
    sol.status = "OPTIMAL" if proven else "FEASIBLE"
    sol.objective = Objective(tiers=[ta, tb], bound=[b1a, b1b], names=list(TIER_NAMES))
    sol.solve_seconds = round(time.perf_counter() - t_start, 3)
    sol.manifest = RunRecord(strategy=["benchmarks/reference.py (HiGHS MIP)"], time_limit_seconds=time_limit,
                             workers=threads)
    info.update(tier1a=ta, tier1b=tb, bound1a=b1a, bound1b=b1b, status=sol.status,
                seconds=round(time.perf_counter() - t_start, 3))
    return sol.sorted(), info


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workbook")
    ap.add_argument("--time-limit", type=float, default=300.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", help="write the Solution JSON here")
    ap.add_argument("--verbose", action="store_true", help="HiGHS log")
    args = ap.parse_args(argv)
    from rotasolve.workbook.reader import read_workbook

    inst = read_workbook(args.workbook).instance
    sol, info = reference_solve(inst, args.time_limit, args.threads, verbose=args.verbose)
    size = info.get("size", {})
    print(f"status {info['status']} in {info['seconds']} s (build {info['build_seconds']} s); "
          f"model {size.get('columns')} columns, {size.get('rows')} rows, {size.get('nonzeros')} nonzeros")
    print(f"tier 1a {info['tier1a']} (bound {info['bound1a']}); tier 1b {info['tier1b']} "
          f"(bound {info['bound1b']}, given 1a)")
    for k in ("stage1", "stage2"):
        if k in info:
            print(f"  {k}: {info[k]['status']} in {info[k]['seconds']:.2f} s")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            fh.write(sol.to_json())
    return 0 if info["status"] in ("OPTIMAL", "FEASIBLE") else 1


if __name__ == "__main__":
    sys.exit(main())
