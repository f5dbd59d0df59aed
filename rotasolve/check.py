"""Solver-agnostic checks: one function per hard rule of domain.md.

Each takes an instance and a solution and lists violations in plain words. This module
never imports the model, and it deliberately restates each rule from domain.md instead of
calling the shared facts (``Instance.eligibility``, ``.minutes``, ``.needs``, ``.capacity``)
that the model, the baseline and the explanations use: it is the executable spec, the
second statement a bug in the first cannot hide behind. It reads only raw fields, lookups
by id and the travel table. ``tests/test_facts_agree_with_checker.py`` holds the two
statements against each other on generated schemes.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from .domain import Instance, Trainee
from .core.rules import label
from .results.solution import Solution


@dataclass(frozen=True)
class Violation:
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{label(self.rule)} — {self.message}"


def _v(rule: str, out: list, message: str):
    out.append(Violation(rule, message))


def _minutes(hours: float) -> int:
    return round(hours * 60)


def _travel(inst: Instance, trainee: Trainee, site: str, by_video: bool) -> int:
    """One-way minutes a trainee travels to an activity; none when it is by video."""
    return 0 if by_video else inst.travel.between(trainee.base_site, site)


def check_h1_groups(inst: Instance, sol: Solution) -> list[Violation]:
    out: list[Violation] = []
    per_trainee = Counter(g.trainee_id for g in sol.groups)
    for tid, n in per_trainee.items():
        if n > 1:
            _v("H1", out, f"trainee {tid} is in {n} groups")
    members = Counter(g.group_id for g in sol.groups)
    for g in sol.groups:
        if g.trainee_id not in inst.trainee or g.group_id not in inst.group:
            _v("H1", out, f"unknown trainee or group in {g.trainee_id} -> {g.group_id}")
            continue
        if g.kept:
            continue
        t, grp = inst.trainee[g.trainee_id], inst.group[g.group_id]
        if t.cbdg_sessions_attended >= inst.profile.cbdg_sessions or t.current_group is not None:
            _v("H1", out, f"{t.id} joins {grp.id} but needs no group sessions or already has a group")
        if grp.slot not in t.available_slots:
            _v("H1", out, f"{t.id} joins {grp.id} at {grp.slot}, not one of their available slots")
        minutes = _travel(inst, t, grp.site, grp.online)
        if minutes > t.max_travel_minutes:
            _v("H1", out, f"{t.id} joins {grp.id}: {minutes} min travel "
                          f"exceeds their limit of {t.max_travel_minutes}")
    for gid, n in members.items():
        if gid not in inst.group:
            continue
        grp = inst.group[gid]
        size = n + grp.external_members
        if not grp.min_size <= size <= grp.max_size:
            _v("H1", out, f"group {gid} has {size} members (with {grp.external_members} external); "
                          f"it must have {grp.min_size}-{grp.max_size}")
    return out


def check_h2_case_eligibility(inst: Instance, sol: Solution) -> list[Violation]:
    out: list[Violation] = []
    per_case = Counter(c.case_id for c in sol.cases)
    for cid, n in per_case.items():
        if n > 1:
            _v("H2", out, f"case {cid} is given to {n} trainees")
    new_lengths: Counter = Counter()
    running = {(c.current_trainee, c.length) for c in inst.cases if c.kept}  # a length already running
    pr = inst.profile
    for p in sol.cases:
        if p.case_id not in inst.case or p.trainee_id not in inst.trainee:
            _v("H2", out, f"unknown case or trainee in {p.case_id} -> {p.trainee_id}")
            continue
        if p.kept:
            continue
        c, t = inst.case[p.case_id], inst.trainee[p.trainee_id]
        new_lengths[(t.id, c.length)] += 1
        if c.kept:
            _v("H2", out, f"case {c.id} is already running with {c.current_trainee}; it cannot be given to {t.id}")
        if t.done_modality(c.length) is not None or (t.id, c.length) in running:
            _v("H2", out, f"{t.id} is given {c.length} case {c.id} but has a {c.length} case done or running")
        if t.grade < c.min_grade or t.grade < pr.case_min_grade:
            _v("H2", out, f"{t.id} (CT{t.grade}) is below the grade for case {c.id} "
                          f"(case CT{c.min_grade}, scheme CT{pr.case_min_grade})")
        if pr.case_requires_cbdg and t.cbdg_sessions_attended < pr.cbdg_sessions:
            _v("H2", out, f"{t.id} is given case {c.id} before completing the group sessions")
        minutes = _travel(inst, t, c.site, c.remote_ok)
        if minutes > t.max_travel_minutes:
            _v("H2", out, f"{t.id} is given case {c.id}: {minutes} min travel "
                          f"exceeds their limit of {t.max_travel_minutes}")
    for (tid, length), n in new_lengths.items():
        if n > 1:
            _v("H2", out, f"{tid} is given {n} new {length} cases")
    return out


def check_h3_modalities(inst: Instance, sol: Solution) -> list[Violation]:
    out: list[Violation] = []
    if inst.profile.distinct_modalities < 2:
        return out
    new: defaultdict[str, dict[str, str]] = defaultdict(dict)
    for p in sol.cases:
        if p.case_id in inst.case:
            c = inst.case[p.case_id]
            new[p.trainee_id][c.length] = c.modality
    for t in inst.trainees:
        mods: dict[str, str | None] = {}
        for length in ("short", "long"):
            mods[length] = new[t.id].get(length) or t.done_modality(length)
        if mods["short"] and mods["short"] == mods["long"]:
            _v("H3", out, f"{t.id}'s short and long case are both {mods['short']}")
    return out


def check_h4_supervision(inst: Instance, sol: Solution) -> list[Violation]:
    out: list[Violation] = []
    load: Counter[str] = Counter()
    for p in sol.cases:
        if p.case_id not in inst.case or p.supervisor_id not in inst.supervisor:
            _v("H4", out, f"case {p.case_id} has unknown supervisor {p.supervisor_id}")
            continue
        c, s = inst.case[p.case_id], inst.supervisor[p.supervisor_id]
        load[s.id] += 1
        if c.modality not in s.modalities:
            _v("H4", out, f"case {c.id} ({c.modality}) is supervised by {s.id}, who is not qualified in it")
        if c.supervisor and c.supervisor != s.id:
            _v("H4", out, f"case {c.id} must be supervised by {c.supervisor}, not {s.id}")
        if not p.kept and p.trainee_id in inst.trainee:
            t = inst.trainee[p.trainee_id]
            minutes = _travel(inst, t, s.site, s.remote)
            if minutes > t.max_travel_minutes:
                _v("H4", out, f"{t.id} would travel {minutes} min to "
                              f"{s.id}, over their limit of {t.max_travel_minutes}")
    for sid, n in load.items():
        if sid in inst.supervisor and n > inst.supervisor[sid].max_trainees:
            _v("H4", out, f"supervisor {sid} has {n} cases; max_trainees is {inst.supervisor[sid].max_trainees}")
    return out


def _meeting_sizes(sol: Solution) -> Counter:
    return Counter((c.supervisor_id, c.supervision_slot) for c in sol.cases)


def _meeting_minutes(inst: Instance, sol: Solution) -> dict[str, int]:
    """H5: an individual meeting takes supervision_hours, a shared one group_supervision_hours."""
    st = inst.settings
    out: Counter = Counter()
    for (sid, _slot), n in _meeting_sizes(sol).items():
        out[sid] += _minutes(st.supervision_hours if n == 1 else st.group_supervision_hours)
    return dict(out)


def check_h5_meetings(inst: Instance, sol: Solution) -> list[Violation]:
    out: list[Violation] = []
    meetings = defaultdict(list)
    for p in sol.cases:
        meetings[(p.supervisor_id, p.supervision_slot)].append(p)
        if p.supervisor_id in inst.supervisor and p.trainee_id in inst.trainee:
            s, t = inst.supervisor[p.supervisor_id], inst.trainee[p.trainee_id]
            if p.supervision_slot not in s.available_slots:
                _v("H5", out, f"case {p.case_id}: supervision at {p.supervision_slot} is not in {s.id}'s slots")
            if p.supervision_slot not in t.available_slots:
                _v("H5", out, f"case {p.case_id}: supervision at {p.supervision_slot} is not in {t.id}'s slots")
    for (sid, slot), places in meetings.items():
        if sid not in inst.supervisor:
            continue
        s = inst.supervisor[sid]
        if len(places) > s.group_size:
            _v("H5", out, f"{sid} meets {len(places)} cases at {slot}; group_size is {s.group_size}")
        mods = {inst.case[p.case_id].modality for p in places if p.case_id in inst.case}
        if len(mods) > 1:
            _v("H5", out, f"{sid}'s meeting at {slot} mixes modalities {sorted(mods)}")
        ids = {p.meeting_id for p in places}
        if len(ids) > 1:
            _v("H5", out, f"{sid} holds more than one meeting at {slot}: {sorted(ids)}")
    for sid, minutes in _meeting_minutes(inst, sol).items():
        sup = inst.supervisor.get(sid)
        if sup is None or sup.supervision_pas is None:
            continue
        cap = math.floor(sup.supervision_pas * inst.settings.pa_hours * 60 + 1e-9)
        if minutes > cap:
            _v("H5", out, f"{sid} holds {minutes / 60:g} h of meetings a week; "
                          f"{sup.supervision_pas:g} PAs allow {cap / 60:g} h")
    return out


def check_h6_slots(inst: Instance, sol: Solution) -> list[Violation]:
    out: list[Violation] = []
    busy = defaultdict(list)
    for g in sol.groups:
        if g.group_id in inst.group:
            busy[g.trainee_id].append((inst.group[g.group_id].slot, f"group {g.group_id}"))
    for p in sol.cases:
        if p.case_id not in inst.case or p.trainee_id not in inst.trainee:
            continue
        c, t = inst.case[p.case_id], inst.trainee[p.trainee_id]
        if p.session_slot not in c.available_slots or p.session_slot not in t.available_slots:
            _v("H6", out, f"case {c.id}: session slot {p.session_slot} is not free to both "
                          f"{t.id} and the patient")
        busy[t.id].append((p.session_slot, f"case {c.id} session"))
        busy[t.id].append((p.supervision_slot, f"case {c.id} supervision"))
    for tid, items in busy.items():
        by_slot = defaultdict(list)
        for slot, what in items:
            by_slot[slot].append(what)
        for slot, whats in by_slot.items():
            if len(whats) > 1:
                _v("H6", out, f"{tid} is double-booked at {slot}: {', '.join(whats)}")
    return out


def _weekly_minutes(inst: Instance, sol: Solution) -> dict[str, int]:
    """H7: per case, the session, the supervision meeting (longer when shared) and travel
    there and back to the case's site and to the supervisor's site."""
    st = inst.settings
    size = _meeting_sizes(sol)
    out: Counter = Counter()
    for p in sol.cases:
        if p.case_id not in inst.case or p.trainee_id not in inst.trainee or p.supervisor_id not in inst.supervisor:
            continue
        t, c, s = inst.trainee[p.trainee_id], inst.case[p.case_id], inst.supervisor[p.supervisor_id]
        shared = size[(p.supervisor_id, p.supervision_slot)] > 1
        out[t.id] += (_minutes(st.session_hours)
                      + _minutes(st.group_supervision_hours if shared else st.supervision_hours)
                      + 2 * _travel(inst, t, c.site, c.remote_ok) + 2 * _travel(inst, t, s.site, s.remote))
    return dict(out)


def check_h7_weekly_hours(inst: Instance, sol: Solution) -> list[Violation]:
    out: list[Violation] = []
    limit = _minutes(inst.profile.weekly_case_hours)
    for tid, m in _weekly_minutes(inst, sol).items():
        if m > limit:
            _v("H7", out, f"{tid} has {m / 60:g} h of case work a week, over {limit / 60:g} h")
    return out


def check_h8_cases_at_once(inst: Instance, sol: Solution) -> list[Violation]:
    out: list[Violation] = []
    for tid, n in Counter(p.trainee_id for p in sol.cases).items():
        if n > inst.profile.max_cases_per_trainee:
            _v("H8", out, f"{tid} holds {n} cases; the most is {inst.profile.max_cases_per_trainee}")
    return out


def check_h9_tutors(inst: Instance, sol: Solution) -> list[Violation]:
    out: list[Violation] = []
    tutors_of = defaultdict(list)
    for p in sol.tutors:
        tutors_of[p.trainee_id].append(p.tutor_id)
    active = {g.trainee_id for g in sol.groups} | {c.trainee_id for c in sol.cases}
    for tid in sorted(active | set(tutors_of)):
        ts = tutors_of.get(tid, [])
        if tid in active and len(ts) != 1:
            _v("H9", out, f"{tid} has {len(ts)} tutors; a trainee with a group or case has exactly one")
        elif len(ts) > 1:
            _v("H9", out, f"{tid} has {len(ts)} tutors")
        for uid in ts:
            if uid not in inst.tutor or tid not in inst.trainee:
                _v("H9", out, f"unknown tutor {uid} or trainee {tid}")
            elif inst.trust_of_trainee(tid) not in inst.tutor[uid].trusts:
                _v("H9", out, f"{uid} does not cover {tid}'s trust {inst.trust_of_trainee(tid)}")
    for uid, n in Counter(p.tutor_id for p in sol.tutors).items():
        u = inst.tutor.get(uid)
        need = math.ceil(n / inst.profile.trainees_per_tutor_pa)
        if u and need > u.core_pas:
            _v("H9", out, f"{uid} oversees {n} trainees, needing {need} PAs; core_pas is {u.core_pas:g}")
    return out


def check_h10_kept(inst: Instance, sol: Solution) -> list[Violation]:
    out: list[Violation] = []
    groups = {(g.trainee_id, g.group_id): g for g in sol.groups}
    for t in inst.trainees:
        if t.current_group:
            g = groups.get((t.id, t.current_group))
            if g is None or not g.kept:
                _v("H10", out, f"{t.id}'s running group {t.current_group} is not kept")
    for g in sol.groups:
        if g.kept and inst.trainee.get(g.trainee_id) and inst.trainee[g.trainee_id].current_group != g.group_id:
            _v("H10", out, f"{g.trainee_id} in {g.group_id} is marked kept but is not a running group")
    placed = {p.case_id: p for p in sol.cases}
    for c in inst.cases:
        if not c.kept:
            if c.id in placed and placed[c.id].kept:
                _v("H10", out, f"case {c.id} is marked kept but is not running")
            continue
        p = placed.get(c.id)
        if p is None or not p.kept or p.trainee_id != c.current_trainee:
            _v("H10", out, f"running case {c.id} of {c.current_trainee} is not kept as it is")
        elif c.current_supervisor and p.supervisor_id != c.current_supervisor:
            _v("H10", out, f"running case {c.id} changed supervisor from {c.current_supervisor} to {p.supervisor_id}")
        else:
            for field in ("session_slot", "supervision_slot"):
                kept_slot = getattr(c, field)
                if kept_slot and getattr(p, field) != kept_slot:
                    _v("H10", out, f"running case {c.id} moved its {field.replace('_', ' ')} from "
                                   f"{kept_slot} to {getattr(p, field)}")
    return out


CHECKS = (
    check_h1_groups, check_h2_case_eligibility, check_h3_modalities, check_h4_supervision,
    check_h5_meetings, check_h6_slots, check_h7_weekly_hours, check_h8_cases_at_once,
    check_h9_tutors, check_h10_kept,
)


def check(inst: Instance, sol: Solution) -> list[Violation]:
    """Every hard-rule violation in a solution; empty means the solution is valid."""
    out: list[Violation] = []
    for fn in CHECKS:
        out.extend(fn(inst, sol))
    return out
