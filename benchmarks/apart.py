"""Schemes drawn apart from rotasolve's own generator, for the benchmark's `apart` family.

    python benchmarks/apart.py OUT.xlsx -n 120 -k 4 -s 1 --shape balanced

Why: every family before this one (`family.py`'s main and holdout draws, the seven
shapes) came from ``rotasolve generate``, whose assumptions the engine was tuned beside:
many running items, scarce cases and places, so that a 120-trainee scheme places 9-48
weighted other requirements (tier 1b). The schemes issue 21 was found on, made by an
independent generator, place 101-169 at 120 trainees: most trainees free to start
something, and the places to start it. This module is written from the domain's rules
(`../shared/spec/domain.md`) and the workbook's contract alone; it imports nothing of
``rotasolve.synthetic``, draws its own geography (trusts at random points on a map, not on
a ring), its own grades, dates and histories, and makes every running item valid by
construction (a witness: each running case has its slots and a supervisor with a place,
each running group its size, each running trainee a tutor's PA).

The same seven shapes as the issue names, each changing one thing against balanced; every
other knob jittered per seed and written in the Scheme sheet's notes.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from rotasolve.domain import (Case, Group, Instance, Profile, Settings, Site, Supervisor, Trainee, TravelTime,
                              Tutor, default_slots)

SHAPES = ("balanced", "scarce-supervisors", "remote-heavy", "ltft-heavy", "tight-tutors", "many-running",
          "one-big-trust")
MODALITIES = {"CBT": 34, "PSYCHODYNAMIC": 20, "CAT": 10, "IPT": 9, "DBT": 7, "MBT": 6, "SYSTEMIC": 8, "DIT": 6}
SLOTS = [s.id for s in default_slots()]
PA_HOURS = Settings.model_fields["pa_hours"].default  # the schemes keep Settings' default


@dataclass(frozen=True)
class Draw:
    """What one scheme is drawn with (written in its notes)."""

    shape: str
    ltft_share: float
    remote_supervisors: float
    remote_cases: float
    online_groups: float
    places_per_need: float  # supervisor places per open case requirement
    cases_per_need: float
    tutor_factor: float  # tutor PAs against one PA per five trainees of the trust
    running: float  # chance an eligible trainee has a running group or case
    big_trust: float | None  # share of trainees in the first trust
    trainees_per_group: float
    shared_supervision: float
    trainee_slots: tuple[int, int]
    travel_limits: tuple[int, ...]


def draw(shape: str, rng: random.Random) -> Draw:
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}")
    d = Draw(shape=shape, ltft_share=round(rng.uniform(0.05, 0.2), 2),
             remote_supervisors=round(rng.uniform(0.05, 0.2), 2), remote_cases=round(rng.uniform(0.05, 0.2), 2),
             online_groups=round(rng.uniform(0.05, 0.2), 2), places_per_need=round(rng.uniform(0.9, 1.3), 2),
             cases_per_need=round(rng.uniform(1.0, 1.6), 2), tutor_factor=round(rng.uniform(0.9, 1.3), 2),
             running=round(rng.uniform(0.1, 0.3), 2), big_trust=None,
             trainees_per_group=round(rng.uniform(6, 9), 1), shared_supervision=round(rng.uniform(0.1, 0.4), 2),
             trainee_slots=(rng.randint(3, 5), rng.randint(6, 9)),
             travel_limits=tuple(sorted(rng.sample([45, 60, 60, 75, 90], 3))))
    changes: dict[str, Any] = {
        "balanced": {},
        "scarce-supervisors": dict(places_per_need=round(rng.uniform(0.4, 0.6), 2)),
        "remote-heavy": dict(remote_supervisors=round(rng.uniform(0.45, 0.65), 2),
                             remote_cases=round(rng.uniform(0.45, 0.65), 2),
                             online_groups=round(rng.uniform(0.45, 0.65), 2)),
        "ltft-heavy": dict(ltft_share=round(rng.uniform(0.4, 0.55), 2)),
        "tight-tutors": dict(tutor_factor=round(rng.uniform(0.45, 0.6), 2)),
        "many-running": dict(running=round(rng.uniform(0.55, 0.75), 2)),
        "one-big-trust": dict(big_trust=round(rng.uniform(0.5, 0.65), 2)),
    }[shape]
    return replace(d, **changes)


def build(n: int, trusts: int, seed: int, shape: str = "balanced") -> Instance:
    """A scheme of ``n`` trainees over ``trusts`` trusts (same arguments, same scheme)."""
    rng = random.Random(f"apart {n} {trusts} {seed} {shape}")
    return _Scheme(n, trusts, draw(shape, rng), rng, seed).instance()


class _Scheme:
    def __init__(self, n: int, k: int, d: Draw, rng: random.Random, seed: int) -> None:
        self.n, self.k, self.d, self.rng, self.seed = n, k, d, rng, seed
        self.plan_start = date(2027, 2, 1) + timedelta(days=7 * rng.randint(0, 30))
        self.profile = Profile()
        self.trust_names = [f"Trust {chr(65 + i)}" for i in range(k)]
        self.sites: list[Site] = []
        self.where: dict[str, tuple[float, float]] = {}
        self.trainees: list[dict] = []
        self.cases: list[dict] = []
        self.supervisors: list[dict] = []
        self.groups: list[dict] = []

    # ---------------------------------------------------------------- geography
    def _map(self) -> None:
        for t, trust in enumerate(self.trust_names):
            cx, cy = self.rng.uniform(0, 90), self.rng.uniform(0, 90)
            for s in range(self.rng.randint(2, 3)):
                sid = f"S{t + 1}{s + 1}"
                self.sites.append(Site(id=sid, trust=trust, name=f"{trust} site {s + 1}"))
                self.where[sid] = (cx + self.rng.uniform(-12, 12), cy + self.rng.uniform(-12, 12))

    def minutes(self, a: str, b: str) -> int:
        if a == b:
            return 0
        (ax, ay), (bx, by) = self.where[a], self.where[b]
        return max(10, round(1.2 * math.hypot(ax - bx, ay - by) + 8))

    def _trust_sites(self, trust: str) -> list[str]:
        return [s.id for s in self.sites if s.trust == trust]

    # ---------------------------------------------------------------- trainees
    def _trust_of_trainee(self) -> str:
        if self.d.big_trust is not None and self.rng.random() < self.d.big_trust:
            return self.trust_names[0]
        others = self.trust_names[1:] if self.d.big_trust is not None else self.trust_names
        return self.rng.choice(others)

    def _slots(self, lo: int, hi: int) -> list[str]:
        return sorted(self.rng.sample(SLOTS, self.rng.randint(lo, hi)), key=SLOTS.index)

    def _trainee(self, i: int) -> dict:
        rng, d = self.rng, self.d
        grade = rng.choices([1, 2, 3], [36, 33, 31])[0]
        ltft = rng.choice([0.5, 0.6, 0.8]) if rng.random() < d.ltft_share else 1.0
        years_left = (3 - grade) + rng.uniform(0.05, 0.95)  # in full-time years
        core_end = self.plan_start + timedelta(days=math.floor(365.25 * years_left / ltft))
        trust = self._trust_of_trainee()
        t = dict(id=f"TR{i + 1:03d}", name=f"Trainee {i + 1}", grade=grade, ltft=ltft, core_end=core_end,
                 base_site=rng.choice(self._trust_sites(trust)), available_slots=self._slots(*d.trainee_slots),
                 max_travel_minutes=rng.choice(d.travel_limits), cbdg_sessions_attended=0, cbdga_satisfactory=0,
                 short_case_done=None, long_case_done=None, current_group=None, current_cases=[],
                 preferred_modalities=rng.sample(list(MODALITIES)[:6], rng.randint(0, 2)), trust=trust)
        complete = {1: 0.0, 2: 0.75, 3: 0.93}[grade]
        if rng.random() < complete:
            t.update(cbdg_sessions_attended=30, cbdga_satisfactory=2)
        elif grade > 1 or rng.random() < 0.45:
            t.update(cbdg_sessions_attended=rng.randint(4, 28), cbdga_satisfactory=rng.randint(0, 1))
        if grade == 3:
            mods = rng.sample(list(MODALITIES), 2)
            if rng.random() < 0.75:
                t["short_case_done"] = mods[0]
            if rng.random() < 0.65:
                t["long_case_done"] = mods[1]
        elif grade == 2 and rng.random() < 0.12:
            t["short_case_done"] = rng.choice(list(MODALITIES))
        return t

    # ---------------------------------------------------------------- supply
    def _groups(self) -> None:
        needing = [t for t in self.trainees if t["cbdg_sessions_attended"] < 30]
        for g in range(max(1, math.ceil(len(needing) / self.d.trainees_per_group))):
            trust = self.rng.choice([t["trust"] for t in needing]) if needing else self.trust_names[0]
            lo = self.rng.randint(4, 6)
            self.groups.append(dict(id=f"G{g + 1:02d}", site=self.rng.choice(self._trust_sites(trust)),
                                    slot=self.rng.choice(SLOTS), min_size=lo, max_size=self.rng.randint(lo + 3, 10),
                                    external_members=self.rng.randint(0, 2),
                                    online=self.rng.random() < self.d.online_groups, kept=0))

    def _open_case_needs(self) -> list[tuple[dict, str]]:
        return [(t, length) for t in self.trainees if t["grade"] >= 2 for length in ("short", "long")
                if t[f"{length}_case_done"] is None]

    def _case(self, length: str, site: str, modality: str | None = None) -> dict:
        rng = self.rng
        sessions = rng.randint(12, 20) if length == "short" else rng.randint(20, 40)
        case = dict(id=f"C{len(self.cases) + 1:03d}", site=site, modality=modality or _pick(rng, MODALITIES),
                    length=length, sessions=sessions, min_grade=rng.choices([1, 2, 3], [85, 10, 5])[0],
                    available_slots=self._slots(3, 7), referred=self.plan_start - timedelta(days=rng.randint(10, 420)),
                    remote_ok=rng.random() < self.d.remote_cases, current_trainee=None, current_supervisor=None,
                    sessions_done=0, session_slot=None, supervision_slot=None)
        self.cases.append(case)
        return case

    def _supervisor(self, site: str, modality: str | None = None) -> dict:
        rng = self.rng
        first = modality or _pick(rng, MODALITIES)
        mods = [first] + ([_pick(rng, {m: w for m, w in MODALITIES.items() if m != first})]
                          if rng.random() < 0.3 else [])
        s = dict(id=f"SUP{len(self.supervisors) + 1:03d}", name=f"Dr Supervisor {len(self.supervisors) + 1}",
                 site=site, modalities=mods, available_slots=self._slots(3, 7), max_trainees=rng.randint(1, 4),
                 group_size=3 if rng.random() < self.d.shared_supervision else 1,
                 supervision_pas=round(rng.choice([0.5, 0.75, 1.0]), 2) if rng.random() < 0.25 else None,
                 remote=rng.random() < self.d.remote_supervisors, held=[])
        self.supervisors.append(s)
        return s

    def _weighted_site(self) -> str:
        return self.rng.choice([t["base_site"] for t in self.trainees])

    # ---------------------------------------------------------------- running items (a witness)
    def _run_group(self, t: dict) -> None:
        near = [g for g in self.groups if g["kept"] + g["external_members"] < g["max_size"] - 1
                and (g["online"] or self.minutes(t["base_site"], g["site"]) <= t["max_travel_minutes"])]
        if not near:
            return
        g = self.rng.choice(near)
        g["kept"] += 1
        t["current_group"] = g["id"]
        if g["slot"] not in t["available_slots"]:
            t["available_slots"] = sorted(t["available_slots"] + [g["slot"]], key=SLOTS.index)

    def _run_case(self, t: dict) -> None:
        rng = self.rng
        lengths = [x for x in ("short", "long") if t[f"{x}_case_done"] is None]
        length = rng.choice(lengths)
        done = t[f"{'long' if length == 'short' else 'short'}_case_done"]
        modality = _pick(rng, {m: w for m, w in MODALITIES.items() if m != done})
        sups = [s for s in self.supervisors if modality in s["modalities"] and len(s["held"]) < s["max_trainees"]
                and (s["remote"] or self.minutes(t["base_site"], s["site"]) <= min(50, t["max_travel_minutes"]))]
        sup = rng.choice(sups) if sups else self._supervisor(t["base_site"], modality)
        sup["max_trainees"] = max(sup["max_trainees"], len(sup["held"]) + 1)
        case = self._case(length, t["base_site"], modality)
        case["min_grade"] = 1
        used = {g["slot"] for g in self.groups if g["id"] == t["current_group"]}
        free = [s for s in t["available_slots"] if s not in used]
        while len(free) < 2:  # a running trainee's week holds the session and the meeting
            extra = rng.choice([s for s in SLOTS if s not in t["available_slots"]])
            t["available_slots"] = sorted(t["available_slots"] + [extra], key=SLOTS.index)
            free = [s for s in t["available_slots"] if s not in used]
        held_slots = {c["supervision_slot"] for c in sup["held"]}
        meeting = rng.choice([s for s in free if s not in held_slots] or free)
        if meeting in held_slots:  # none of the trainee's slots is free in the supervisor's week:
            return  # the case stays a new one
        session = rng.choice([s for s in free if s != meeting])
        for item, slot in ((case, session), (sup, meeting)):
            if slot not in item["available_slots"]:
                item["available_slots"] = sorted(item["available_slots"] + [slot], key=SLOTS.index)
        case.update(current_trainee=t["id"], current_supervisor=sup["id"], session_slot=session,
                    supervision_slot=meeting, sessions_done=rng.randint(1, case["sessions"] - 1))
        if sup["supervision_pas"] is not None:
            hours = len(sup["held"]) + 1  # each running case meets alone: an hour a week
            sup["supervision_pas"] = max(sup["supervision_pas"], hours / PA_HOURS)
        sup["held"].append(case)
        t["current_cases"] = [case["id"]]

    # ---------------------------------------------------------------- the scheme
    def instance(self) -> Instance:
        rng, d = self.rng, self.d
        self._map()
        self.trainees = [self._trainee(i) for i in range(self.n)]
        self._groups()
        open_needs = self._open_case_needs()
        for _ in range(max(1, round(d.places_per_need * len(open_needs) / 2.5))):
            self._supervisor(self._weighted_site())
        for t in self.trainees:
            if 0 < t["cbdg_sessions_attended"] < 30 and rng.random() < d.running + 0.3:
                self._run_group(t)
            if t["grade"] >= 2 and any(t[f"{x}_case_done"] is None for x in ("short", "long")) \
                    and rng.random() < d.running:
                self._run_case(t)
        for g in self.groups:  # a running group reaches its least size with the members outside
            g["external_members"] = max(g["external_members"], g["min_size"] - g["kept"]) if g["kept"] else \
                g["external_members"]
        needs = sum(1 for t, length in open_needs if not any(c["length"] == length and c["current_trainee"] == t["id"]
                                                             for c in self.cases))
        for _ in range(round(d.cases_per_need * needs)):
            self._case(rng.choice(["short", "long"]), self._weighted_site())
        return Instance(
            settings=Settings(name=f"apart {d.shape} {self.n} trainees, {self.k} trusts, seed {self.seed}",
                              plan_start=self.plan_start,
                              notes=f"benchmarks/apart.py -n {self.n} -k {self.k} -s {self.seed} --shape {d.shape}; "
                                    f"drawn: {asdict(d)}"),
            profile=self.profile, sites=tuple(self.sites),
            travel_times=tuple(TravelTime(from_site=a.id, to_site=b.id, minutes=self.minutes(a.id, b.id))
                               for i, a in enumerate(self.sites) for b in self.sites[i:]),
            trainees=tuple(Trainee(**{k: v for k, v in t.items() if k != "trust"}) for t in self.trainees),
            cases=tuple(Case(**c) for c in self.cases),
            supervisors=tuple(Supervisor(**{k: v for k, v in s.items() if k != "held"}) for s in self.supervisors),
            groups=tuple(Group(**{k: v for k, v in g.items() if k != "kept"}) for g in self.groups),
            tutors=self._tutors())

    def _tutors(self) -> list[Tutor]:
        out = []
        for i, trust in enumerate(self.trust_names):
            home = [t for t in self.trainees if t["trust"] == trust]
            running = sum(1 for t in home if t["current_group"] or t["current_cases"])
            pas = max(math.ceil(running / 5), round(self.d.tutor_factor * len(home) / 5), 1)
            area = (trust,) + ((self.trust_names[(i + 1) % self.k],) if self.k > 1 and self.rng.random() < 0.3 else ())
            out.append(Tutor(id=f"TUT{i + 1}", name=f"Dr Tutor {i + 1}", trusts=area, core_pas=float(pas),
                             higher_trainees=self.rng.choice([0, 2, 4]), higher_pas=float(self.rng.choice([0, 1])),
                             spa_pas=float(self.rng.choice([1, 2, 3]))))
        return out


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("-n", type=int, default=120, help="trainees")
    ap.add_argument("-k", type=int, default=4, help="trusts")
    ap.add_argument("-s", type=int, default=1, help="seed")
    ap.add_argument("--shape", choices=SHAPES, default="balanced")
    args = ap.parse_args(argv)
    from rotasolve.workbook.template import write_instance
    write_instance(build(args.n, args.k, args.s, args.shape), args.out)
    print(args.out, file=sys.stderr)


if __name__ == "__main__":
    main()
