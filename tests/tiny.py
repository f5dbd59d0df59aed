"""Tiny schemes and a brute-force enumeration of their allocations: the yardstick the
reference solver and the engine's bounds are held against."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import date, timedelta

from rotasolve.check import check
from rotasolve.domain import (
    Case, Group, Instance, Profile, Settings, Site, Supervisor, Trainee, TravelTime, Tutor, default_slots,
)
from rotasolve.results.solution import CasePlace, GroupPlace, Solution, TutorPlace

PLAN_START = date(2027, 2, 3)


# ----------------------------------------------------------------------------------------
# brute force: every allocation of a tiny scheme, judged with rotasolve's own facts
# ----------------------------------------------------------------------------------------
def brute_force(inst: Instance, audit: random.Random | None = None):
    """Best (tier 1a, tier 1b) over every allocation, or None when none is valid.

    Enumerates each trainee's group (or none), each case's (trainee, supervisor, session
    slot, supervision slot) (or none; a kept case always its trainee) and each active
    trainee's tutor. Rules that only get harder as items are added prune the search; the
    others are judged on complete allocations. Uses rotasolve's Instance facts (not the
    reference's), and the best allocation, plus a random sample of the judged ones, is
    confirmed against rotasolve.check."""
    pr, mins = inst.profile, inst.minutes
    slots = inst.slot_ids
    kept_group_slot = {t.id: inst.group[t.current_group].slot for t in inst.trainees if t.current_group}
    kept_owner = {c.id: c.current_trainee for c in inst.cases if c.kept}

    # ---- per-item options (rules on one item alone) ----
    group_opts = {}
    for t in inst.trainees:
        group_opts[t.id] = [None] + [g.id for g in inst.groups if inst.eligibility.can_join_group(t, g)]

    def slot_ok(t, k):
        return k in t.available_slots and k != kept_group_slot.get(t.id)

    case_opts = {}
    for c in inst.cases:
        opts = [] if c.kept else [None]
        owners = [inst.trainee[c.current_trainee]] if c.kept else inst.trainees
        for t in owners:
            if not c.kept:
                if not inst.needs.needs_case(t, c.length) or inst.needs.case_gate(t) is not None:
                    continue
                if t.grade < c.min_grade or inst.travel.to_case(t, c) > t.max_travel_minutes:
                    continue
                if pr.distinct_modalities >= 2:
                    other = "long" if c.length == "short" else "short"
                    if c.modality == t.done_modality(other):
                        continue
                    kept_other = inst.needs.kept_case(t, other)
                    if kept_other is not None and kept_other.modality == c.modality:
                        continue
            for s in inst.supervisors:
                if c.modality not in s.modalities or (c.supervisor and c.supervisor != s.id):
                    continue
                if c.kept and c.current_supervisor and c.current_supervisor != s.id:
                    continue
                if not c.kept and inst.travel.to_supervisor(t, s) > t.max_travel_minutes:
                    continue
                for k1 in slots:
                    if not slot_ok(t, k1) or k1 not in c.available_slots:
                        continue
                    for k2 in slots:
                        if k2 == k1 or not slot_ok(t, k2) or k2 not in s.available_slots:
                            continue
                        opts.append((t.id, s.id, k1, k2))
        case_opts[c.id] = opts

    needs = {(n.trainee_id, n.requirement): n for n in inst.needs.all()}

    def tiers(groups_new: dict, cases_new: dict) -> tuple[int, int]:
        a = b = 0
        placed = {(tid, "cbdg") for tid, g in groups_new.items() if g}
        placed |= {(o[0], f"{inst.case[cid].length}_case") for cid, o in cases_new.items()
                   if o and cid not in kept_owner}
        for key in placed:
            n = needs[key]
            assert n.gated is None
            if n.critical:
                a += 1
            else:
                b += inst.trainee[key[0]].grade
        return a, b

    def solution(groups_new, cases, tutor_of) -> Solution:
        gp = [GroupPlace(trainee_id=t.id, group_id=t.current_group, kept=True)
              for t in inst.trainees if t.current_group]
        gp += [GroupPlace(trainee_id=tid, group_id=g) for tid, g in groups_new.items() if g]
        cp = [CasePlace(case_id=cid, trainee_id=o[0], supervisor_id=o[1], session_slot=o[2],
                        supervision_slot=o[3], meeting_id=f"{o[1]}@{o[3]}", kept=cid in kept_owner)
              for cid, o in cases.items() if o]
        tp = [TutorPlace(trainee_id=tid, tutor_id=u) for tid, u in tutor_of.items()]
        return Solution(scheme=inst.settings.name, status="FEASIBLE", groups=gp, cases=cp, tutors=tp)

    def leaf_ok(groups_new, cases):
        """Rules judged on a complete allocation; returns a tutor assignment or None."""
        members = Counter(t.current_group for t in inst.trainees if t.current_group)
        members.update(g for g in groups_new.values() if g)
        for gid, n in members.items():
            g = inst.group[gid]
            if not g.min_size <= n + g.external_members <= g.max_size:
                return None
        meet = Counter((o[1], o[3]) for o in cases.values() if o)
        sup_minutes = Counter()
        for (sid, _k), n in meet.items():
            sup_minutes[sid] += mins.supervision if n == 1 else mins.group_supervision
        for sid, m in sup_minutes.items():
            cap = inst.minutes.supervisor_limit(inst.supervisor[sid])
            if cap is not None and m > cap:
                return None
        weekly = Counter()
        for cid, o in cases.items():
            if o:
                weekly[o[0]] += inst.minutes.case_week(inst.trainee[o[0]], inst.case[cid],
                                                       inst.supervisor[o[1]], meet[(o[1], o[3])] > 1)
        if any(m > mins.weekly for m in weekly.values()):
            return None
        active = sorted({t.id for t in inst.trainees if t.current_group}
                        | {tid for tid, g in groups_new.items() if g}
                        | {o[0] for o in cases.values() if o})
        choices = [[u.id for u in inst.eligibility.tutors_for(tid)] for tid in active]
        for pick in itertools.product(*choices):
            load = Counter(pick)
            if all(n <= inst.capacity.tutor_trainees(inst.tutor[u]) for u, n in load.items()):
                return dict(zip(active, pick))
        return None

    best = {"tiers": None, "sol": None}
    order = [c.id for c in inst.cases]
    fixed_mods = {(t.id, length): ({t.done_modality(length)} - {None})
                  | {c.modality for c in inst.kept_cases_of[t.id] if c.length == length}
                  for t in inst.trainees for length in ("short", "long")}

    def audit_leaf(groups_new, cases, tutor_of):
        if tutor_of is not None:
            assert check(inst, solution(groups_new, cases, tutor_of)) == [], "brute force too lax"
            return
        active = sorted({t.id for t in inst.trainees if t.current_group}
                        | {tid for tid, g in groups_new.items() if g}
                        | {o[0] for o in cases.values() if o})
        for pick in itertools.product(*([u.id for u in inst.eligibility.tutors_for(tid)] for tid in active)):
            assert check(inst, solution(groups_new, cases, dict(zip(active, pick)))) != [], \
                "brute force too strict"

    def dfs_cases(i, groups_new, cases, used, sup_load, meetings, n_cases):
        if i == len(order):
            tutor_of = leaf_ok(groups_new, cases)
            if audit is not None and audit.random() < 0.05:
                audit_leaf(groups_new, cases, tutor_of)
            if tutor_of is None:
                return
            tv = tiers(groups_new, cases)
            if best["tiers"] is None or tv > best["tiers"]:
                best["tiers"] = tv
                best["sol"] = solution(groups_new, cases, tutor_of)
            return
        cid = order[i]
        c = inst.case[cid]
        for o in case_opts[cid]:
            if o is None:
                dfs_cases(i + 1, groups_new, cases, used, sup_load, meetings, n_cases)
                continue
            tid, sid, k1, k2 = o
            s = inst.supervisor[sid]
            if k1 in used[tid] or k2 in used[tid]:
                continue
            if n_cases[tid] + 1 > pr.max_cases_per_trainee or sup_load[sid] + 1 > s.max_trainees:
                continue
            mine = [inst.case[x] for x, ox in cases.items() if ox and ox[0] == tid]
            if not c.kept and any(x.length == c.length and not x.kept for x in mine):
                continue  # a second new case of one length
            if pr.distinct_modalities >= 2:
                other = "long" if c.length == "short" else "short"
                if c.modality in fixed_mods[tid, other] | {x.modality for x in mine if x.length == other}:
                    continue
            m = meetings.get((sid, k2))
            if m and (m[0] != c.modality or m[1] + 1 > s.group_size):
                continue
            used[tid] |= {k1, k2}
            sup_load[sid] += 1
            meetings[(sid, k2)] = (c.modality, (m[1] if m else 0) + 1)
            n_cases[tid] += 1
            cases[cid] = o
            dfs_cases(i + 1, groups_new, cases, used, sup_load, meetings, n_cases)
            cases[cid] = None
            n_cases[tid] -= 1
            if m:
                meetings[(sid, k2)] = m
            else:
                del meetings[(sid, k2)]
            sup_load[sid] -= 1
            used[tid] -= {k1, k2}

    for pick in itertools.product(*(group_opts[t.id] for t in inst.trainees)):
        groups_new = {t.id: g for t, g in zip(inst.trainees, pick)}
        used = {t.id: set() for t in inst.trainees}
        for t in inst.trainees:
            if t.current_group:
                used[t.id].add(kept_group_slot[t.id])
            if groups_new[t.id]:
                used[t.id].add(inst.group[groups_new[t.id]].slot)
        dfs_cases(0, groups_new, {cid: None for cid in order}, used, Counter(), {}, Counter())

    if best["sol"] is not None:
        assert check(inst, best["sol"]) == [], "the brute force's best allocation fails the checker"
    return best["tiers"]


# ----------------------------------------------------------------------------------------
# tiny random schemes
# ----------------------------------------------------------------------------------------
SLOTS = tuple(default_slots()[:4])
SLOT_IDS = tuple(s.id for s in SLOTS)


def tiny_scheme(seed: int) -> Instance:
    """2-4 trainees, 2-5 cases, 1-2 supervisors, up to one group, 4 slots; the knobs are
    drawn so that most schemes are feasible and place something, with shared meetings,
    kept items, fixed supervisors, PA caps and tutor caps turning up now and then."""
    rng = random.Random(seed)
    pick = lambda lo, hi: tuple(sorted(rng.sample(SLOT_IDS, rng.randint(lo, hi)),  # noqa: E731
                                       key=SLOT_IDS.index))
    mods = ("CBT", "PSYCHODYNAMIC")
    profile = Profile(
        distinct_modalities=rng.choice([1, 2, 2]), case_min_grade=rng.choice([1, 2, 2]),
        case_requires_cbdg=rng.random() < 0.15, max_cases_per_trainee=rng.choice([1, 2, 2, 2]),
        weekly_case_hours=rng.choice([2.5, 3, 4, 4, 5]), trainees_per_tutor_pa=rng.choice([1, 2, 5, 5]),
    )
    settings = Settings(name=f"tiny {seed}", plan_start=PLAN_START,
                        group_supervision_hours=rng.choice([1.5, 1.5, 0.75]))
    trainees = []
    for i in range(rng.choice([2, 3, 3, 4])):
        trainees.append(dict(
            id=f"T{i + 1}", grade=rng.choice([1, 2, 3, 3]), base_site=rng.choice(["A", "A", "A2", "B"]),
            available_slots=pick(2, 4), core_end=PLAN_START + timedelta(days=rng.choice([200, 400, 800, 1100])),
            ltft=rng.choice([1.0, 1.0, 0.6]), max_travel_minutes=rng.choice([30, 60, 120, 120]),
            cbdg_sessions_attended=rng.choice([0, 20, 30, 30]),
            short_case_done=rng.choice([None, None, None, "CBT"]), current_cases=()))
    cases = []
    for i in range(rng.choice([2, 3, 4, 5])):
        cases.append(dict(id=f"C{i + 1}", site=rng.choice(["A", "A", "A2", "B"]), modality=rng.choice(mods),
                          length=rng.choice(["short", "long"]), sessions=20, min_grade=rng.choice([1, 1, 2]),
                          available_slots=pick(1, 4), remote_ok=rng.random() < 0.2))
    sups = []
    for i in range(rng.choice([1, 2, 2])):
        sups.append(dict(id=f"S{i + 1}", site=rng.choice(["A", "A", "A2", "B"]),
                         modalities=tuple(rng.sample(mods, rng.choice([1, 2, 2]))),
                         available_slots=pick(1, 3), max_trainees=rng.choice([1, 2, 3, 3]),
                         group_size=rng.choice([1, 2, 3, 3]),
                         supervision_pas=rng.choice([None, None, 0.375, 0.5, 0.75]), remote=rng.random() < 0.2))
    if rng.random() < 0.3:
        cases[0]["supervisor"] = rng.choice(sups)["id"]
    if rng.random() < 0.35:  # a kept case, its trainee at CT2+ without a case of that length done
        c, t = rng.choice(cases), rng.choice(trainees)
        if t["grade"] >= 2 and (t["short_case_done"] is None or c["length"] == "long"):
            c["current_trainee"] = t["id"]
            c["sessions_done"] = 5
            t["current_cases"] = (c["id"],)
            if rng.random() < 0.5:
                c["current_supervisor"] = rng.choice(sups)["id"]
    groups = []
    if rng.random() < 0.7:
        g = dict(id="G1", site=rng.choice(["A", "B"]), slot=rng.choice(SLOT_IDS),
                 min_size=rng.choice([1, 2, 3, 4]), max_size=rng.choice([3, 4]),
                 external_members=rng.choice([0, 1, 2]), online=rng.random() < 0.2)
        g["max_size"] = max(g["max_size"], g["min_size"])  # an instance refuses min_size > max_size
        groups.append(g)
        if rng.random() < 0.3:
            for t in trainees:
                if 0 < t["cbdg_sessions_attended"] < 30:
                    t["current_group"] = "G1"
                    g["min_size"] = min(g["min_size"], 1 + g["external_members"])
                    break
    tutors = [dict(id="U1", trusts=("Trust A",), core_pas=rng.choice([1, 1, 2])),
              dict(id="U2", trusts=("Trust A", "Trust B"), core_pas=rng.choice([0, 1]))]
    return Instance(
        settings=settings, profile=profile, slots=SLOTS,
        sites=(Site(id="A", trust="Trust A"), Site(id="A2", trust="Trust A"), Site(id="B", trust="Trust B")),
        travel_times=(TravelTime(from_site="A", to_site="B", minutes=90),
                      TravelTime(from_site="A2", to_site="B", minutes=50)),
        trainees=tuple(Trainee(**t) for t in trainees), cases=tuple(Case(**c) for c in cases),
        supervisors=tuple(Supervisor(**s) for s in sups), groups=tuple(Group(**g) for g in groups),
        tutors=tuple(Tutor(**u) for u in tutors))
