"""Synthetic schemes shaped like real ones, for demos, property tests and benchmarks.

Two kinds of region:
- disconnected (the default): one scheme has 50-120 core trainees over 2-5 trusts; a
  larger N gives several schemes, far enough apart that nothing is shared between them
  (like a region solving all its schemes at once). Video supervision, remote sessions
  and online groups are generated only in a single-scheme region: each scheme's tutor
  assesses its own patients and finds its own supervisors, and a remote item would
  otherwise be open to every trainee in the region.
- connected (``connected=True``): ONE region of N trainees over ``trusts`` trusts laid out
  on a ring of roads (neighbours 40-60 minutes apart, two trusts apart 80-110, further
  ones 120+, so travel limits bind), with remote supervisors, remote cases and online
  groups, and tutors whose areas overlap so they chain across the region: nothing
  splits it into parts. Running items stay within each trainee's travel limit.

On top of either, ``shape`` picks one of seven benchmark shapes (balanced, scarce
supervisors, remote-heavy, LTFT-heavy, tight tutors, many running items, one big trust),
and explicit options set the shares of remote items and the trusts per tutor. Presets,
shapes and their values are in ``synthetic.shapes``. Remote items asked for in a
disconnected region (explicitly or by remote-heavy) are made in every scheme; open to
every trainee, they join the schemes into one part, as they would in a real region.

With no options the result is exactly the original generator's for every N, trusts and
seed (tests pin it): every knob's default reproduces the original draws, and whatever
only a non-default option needs is drawn from a second random stream.

Kept items (running groups and cases) are built with a witness allocation that
satisfies every hard rule, so a generated scheme is never infeasible.
"""

from __future__ import annotations

import math
import random
from dataclasses import fields, replace
from datetime import date, timedelta

from ..core import dates
from ..domain import (
    Case, Group, Instance, Profile, Settings, Site, Supervisor, Trainee, TravelTime, Tutor,
    default_slots,
)
from .shapes import (
    Knobs, describe, exact_share, explicit_field, knobs, random_description, random_knobs, ring_travel,
    site_travel, spanning_tutors,
)

_TRUST_WORDS = ["North", "South", "East", "West", "Central", "Coastal", "Valley", "Forest",
                "Riverside", "Downs", "Moor", "Vale"]
_SITE_WORDS = ["General", "Park", "House", "Centre", "Lodge", "Clinic", "Unit", "Court"]
# Case supply is skewed: plenty of CBT, little psychodynamic and CAT (as schools report).
_CASE_MIX = [("CBT", 44), ("PSYCHODYNAMIC", 13), ("CAT", 8), ("IPT", 8), ("DBT", 6), ("MBT", 5),
             ("SYSTEMIC", 7), ("DIT", 5), ("PIT", 4)]
_SUPERVISOR_MIX = [("CBT", 35), ("PSYCHODYNAMIC", 20), ("CAT", 8), ("IPT", 10), ("DBT", 7),
                   ("MBT", 6), ("SYSTEMIC", 7), ("DIT", 4), ("PIT", 3)]
_PREFERENCES = ["PSYCHODYNAMIC", "CBT", "CAT", "IPT", "DBT", "MBT", "SYSTEMIC"]
_SCHEME_SIZE = 100
_RANDOM_SCHEME_SIZE = 160
_PROFILE_KNOBS = ("distinct_modalities", "case_requires_cbdg", "weekly_case_hours")


def _pick(rng: random.Random, mix) -> str:
    names, weights = zip(*mix)
    return rng.choices(names, weights)[0]


def _slots(rng: random.Random, ids: list[str], lo: int, hi: int) -> tuple[str, ...]:
    chosen = set(rng.sample(ids, rng.randint(lo, hi)))
    return tuple(i for i in ids if i in chosen)


def generate(trainees: int = 60, trusts: int = 3, seed: int = 0,
             plan_start: date = date(2027, 2, 2), *, connected: bool = False, shape: str = "balanced",
             remote_supervisors: float | None = None, remote_cases: float | None = None,
             online_groups: float | None = None, tutor_trusts: int | None = None,
             at_random: bool = False) -> Instance:
    """A synthetic scheme (or several) of ``trainees`` core trainees.

    ``connected``: one region of all the trainees over ``trusts`` trusts, shaped like a
    real one (see the module docstring). ``shape``: one of ``shapes.SHAPES``.
    ``remote_supervisors``, ``remote_cases``, ``online_groups``: shares (0-1) of
    supervisors with ``remote``, cases with ``remote_ok`` and groups ``online``.
    ``tutor_trusts``: trusts each tutor covers (one tutor per trust, their areas
    overlapping round the ring of trusts). An option left as None takes the value of the
    shape, else of the connected preset, else the original generator's.
    ``at_random``: every knob drawn at random from the seed (``random_knobs``) instead of
    a shape, and written in the Scheme sheet's notes (explicit options still win).
    """
    if trainees < 1:
        raise ValueError("trainees must be at least 1")
    if not 1 <= trusts <= 12:
        raise ValueError("trusts must be between 1 and 12 per scheme")
    explicit = dict(remote_supervisors=remote_supervisors, remote_cases=remote_cases, online_groups=online_groups,
                    tutor_trusts=tutor_trusts)
    k = knobs(connected, shape, **explicit)
    if at_random:
        k = replace(random_knobs(seed, connected), **{f.name: getattr(k, f.name) for f in fields(Knobs)
                                                      if explicit_field(f.name, explicit)})
    rng = random.Random(seed)
    # Draws the original generator never made come from here, so that they cannot shift
    # the main stream: a default run is draw for draw the original one.
    # Its seed names the module as it was first called: the name is part of every scheme
    # drawn since, and the random family's references (benchmarks/) were solved on them.
    # (Renamed with the module, it made every random scheme another one.)
    xrng = random.Random(f"rotasolve.generate extra {seed}")
    # A random scheme is one scheme up to 160 trainees (large London schemes are); the
    # original generator's schemes hold about 100.
    n_schemes = 1 if k.connected else max(1, math.ceil(trainees / (_RANDOM_SCHEME_SIZE if at_random else _SCHEME_SIZE)))
    sizes = [trainees // n_schemes + (1 if i < trainees % n_schemes else 0) for i in range(n_schemes)]
    b = _Builder(rng, plan_start, remote=n_schemes == 1, knobs=k, xrng=xrng)
    for s, size in enumerate(sizes):
        b.scheme(s, size, trusts)
    name = f"Generated scheme ({trainees} trainees, seed {seed})"
    if at_random:
        kind = "region" if k.connected else "scheme"
        command = f"rotasolve generate OUT.xlsx -n {trainees} -k {trusts} -s {seed} --random" + \
            (" --connected" if k.connected else "")
        return b.instance(f"Random {kind} ({trainees} trainees, {trusts} trusts, seed {seed})", n_schemes,
                          notes=f"{command}; knobs drawn: {random_description(k)}")
    if k != Knobs():
        name = f"Generated {'region' if k.connected else 'scheme'} ({trainees} trainees, seed {seed}; " \
               f"{describe(k, shape)})"
    return b.instance(name, n_schemes)


class _Builder:
    def __init__(self, rng: random.Random, plan_start: date, remote: bool, knobs: Knobs, xrng: random.Random):
        self.rng = rng
        self.xrng = xrng  # the second stream: draws only non-default knobs need
        self.k = knobs
        self.remote = remote
        self.big_trust: tuple[list[str], list[str]] | None = None  # (its sites, other sites)
        self.plan_start = plan_start
        self.slot_ids = [s.id for s in default_slots()]
        self.profile = Profile(**{f: getattr(knobs, f) for f in _PROFILE_KNOBS if getattr(knobs, f) is not None})
        self.settings = Settings(name="x", plan_start=plan_start, travel_other_trust=150)
        self.sites: list[Site] = []
        self.travel: list[TravelTime] = []
        self.trainees: list[dict] = []
        self.cases: list[dict] = []
        self.supervisors: list[dict] = []
        self.groups: list[dict] = []
        self.tutors: list[dict] = []

    # -- one scheme ---------------------------------------------------------------------
    def scheme(self, s: int, size: int, n_trusts: int):
        rng = self.rng
        tag = f"R{s + 1}"
        trust_names = [f"{_TRUST_WORDS[(s * n_trusts + i) % len(_TRUST_WORDS)]} {tag} NHS FT"
                       for i in range(n_trusts)]
        sites = self._sites(tag, trust_names)
        site_ids = [x.id for x in sites]
        if self.k.big_trust_share is not None and n_trusts > 1:
            self.big_trust = ([x.id for x in sites if x.trust == trust_names[0]],
                              [x.id for x in sites if x.trust != trust_names[0]])

        first_t = len(self.trainees)
        for _ in range(size):
            self.trainees.append(self._trainee(tag, site_ids))
        scheme_trainees = self.trainees[first_t:]

        n_sup = max(3, round(size / self.k.trainees_per_supervisor))
        first_s = len(self.supervisors)
        for _ in range(n_sup):
            self.supervisors.append(self._supervisor(tag, site_ids))
        n_cases = max(4, round(size * rng.uniform(0.8, 1.1) * self.k.cases_factor))
        first_c = len(self.cases)
        for _ in range(n_cases):
            self.cases.append(self._case(tag, site_ids))
        needing_group = sum(1 for t in scheme_trainees if t["cbdg_sessions_attended"] < self.profile.cbdg_sessions)
        first_g = len(self.groups)
        for _ in range(max(1, math.ceil(needing_group / self.k.trainees_per_group))):
            self.groups.append(self._group(tag, site_ids))
        # Remote shares are set before the running items, whose witness relies on them.
        exact_share(self.xrng, self.supervisors[first_s:], "remote", self.k.remote_supervisors)
        exact_share(self.xrng, self.cases[first_c:], "remote_ok", self.k.remote_cases)
        exact_share(self.xrng, self.groups[first_g:], "online", self.k.online_groups)
        self._kept_groups(scheme_trainees, self.groups[first_g:])
        self._kept_cases(scheme_trainees, self.cases[first_c:], self.supervisors[first_s:])
        self._tutors(tag, trust_names, scheme_trainees)

    def _sites(self, tag: str, trust_names: list[str]) -> list[Site]:
        rng = self.rng
        sites: list[Site] = []
        for i, trust in enumerate(trust_names):
            for j in range(rng.randint(1, 3)):
                sid = f"{tag}-T{i + 1}-{_SITE_WORDS[j]}".upper()
                sites.append(Site(id=sid, trust=trust, name=f"{trust.split()[0]} {_SITE_WORDS[j]}"))
        self.sites.extend(sites)
        if self.k.connected:
            self.travel.extend(ring_travel(self.xrng, sites, trust_names))
            return sites
        self.travel.extend(site_travel(rng, sites, lambda a, b: rng.choice([35, 45, 50, 60, 70, 80, 95])))
        return sites

    def _place(self, drawn: str) -> str:
        """The site drawn by the main stream, or, with one big trust, a site of the big
        trust with its share of the chances (drawn from the second stream)."""
        if self.big_trust is None:
            return drawn
        big, others = self.big_trust
        assert self.k.big_trust_share is not None  # big_trust is set only with a share
        return self.xrng.choice(big if self.xrng.random() < self.k.big_trust_share else others)

    def _trainee(self, tag: str, site_ids: list[str]) -> dict:
        rng, pr = self.rng, self.profile
        n = len(self.trainees) + 1
        grade = rng.choice([1, 1, 2, 2, 3, 3]) if rng.random() < 0.95 else rng.choice([1, 2, 3])
        ltft = 1.0 if rng.random() > self.k.ltft_share else rng.choice(self.k.ltft_fractions)
        # The period may fall anywhere in the training year: core_end = the year's end minus up to 300 days.
        core_end = dates.default_core_end(self.plan_start, grade, ltft) - timedelta(days=rng.randint(0, 300))
        if grade == 1:
            attended = 0 if rng.random() < self.k.ct1_new_share else rng.randint(1, 14)
        elif grade == 2:
            attended = pr.cbdg_sessions if rng.random() < 0.5 else rng.randint(8, pr.cbdg_sessions - 1)
        else:
            attended = pr.cbdg_sessions if rng.random() < 0.9 else rng.randint(18, pr.cbdg_sessions - 1)
        short_done = long_done = None
        if grade == 3 and rng.random() < 0.6:
            short_done = _pick(rng, _CASE_MIX[:4])
        if grade == 3 and rng.random() < 0.2:
            long_done = rng.choice([m for m in ("PSYCHODYNAMIC", "CAT", "IPT") if m != short_done])
        if grade == 2 and rng.random() < 0.15:
            short_done = "CBT"
        prefs = tuple(rng.sample(_PREFERENCES, rng.randint(0, 2)))
        return dict(
            id=f"T{n:04d}", name=f"Dr Trainee {n}", grade=grade, base_site=self._place(rng.choice(site_ids)),
            available_slots=_slots(rng, self.slot_ids, *self.k.trainee_slots), ltft=ltft, core_end=core_end,
            max_travel_minutes=rng.choice(self.k.travel_limits),
            cbdg_sessions_attended=attended,
            cbdga_satisfactory=min(2, attended // 12),
            short_case_done=short_done, long_case_done=long_done,
            current_group=None, current_cases=(), preferred_modalities=prefs,
        )

    def _supervisor(self, tag: str, site_ids: list[str]) -> dict:
        rng = self.rng
        n = len(self.supervisors) + 1
        mods = {_pick(rng, _SUPERVISOR_MIX)}
        if rng.random() < self.k.second_modality:
            mods.add(_pick(rng, _SUPERVISOR_MIX))
        group_size = 3 if rng.random() < self.k.shared_supervision else 1
        pas = None if rng.random() < 1 - self.k.supervisor_pa_share else rng.choice([0.5, 1.0, 1.0, 1.5])
        return dict(
            id=f"S{n:03d}", name=f"Dr Supervisor {n}", site=self._place(rng.choice(site_ids)),
            modalities=tuple(sorted(mods)), available_slots=_slots(rng, self.slot_ids, *self.k.supervisor_slots),
            max_trainees=rng.choice(self.k.supervisor_places), group_size=group_size,
            supervision_pas=pas, remote=self.remote and rng.random() < 0.1,
        )

    def _case(self, tag: str, site_ids: list[str]) -> dict:
        rng, pr = self.rng, self.profile
        n = len(self.cases) + 1
        length = rng.choice(["short", "long"])
        sessions = (rng.randint(pr.short_case_min_sessions, pr.short_case_max_sessions) if length == "short"
                    else rng.choice([20, 24, 30, 40, 40]))
        return dict(
            id=f"C{n:04d}", site=self._place(rng.choice(site_ids)), modality=_pick(rng, _CASE_MIX), length=length,
            sessions=sessions, min_grade=1 if rng.random() < 0.8 else 2,
            available_slots=_slots(rng, self.slot_ids, *self.k.case_slots),
            referred=self.plan_start - timedelta(days=rng.randint(7, 420)),
            supervisor=None, remote_ok=self.remote and rng.random() < 0.1,
            current_trainee=None, current_supervisor=None, sessions_done=0,
        )

    def _group(self, tag: str, site_ids: list[str]) -> dict:
        rng = self.rng
        n = len(self.groups) + 1
        max_size = rng.choice(self.k.group_max_sizes)
        return dict(id=f"G{n:02d}", site=self._place(rng.choice(site_ids)), slot=rng.choice(self.slot_ids),
                    facilitator=f"Dr Facilitator {n}", min_size=rng.choice(self.k.group_min_sizes), max_size=max_size,
                    external_members=rng.choice([0, 0, 1, 2, 3]), online=self.remote and rng.random() < 0.15)

    # -- kept items, with a witness that satisfies every hard rule ------------------------
    def _travel_table(self) -> dict[tuple[str, str], int]:
        travel = {(t.from_site, t.to_site): t.minutes for t in self.travel}
        travel.update({(b, a): m for (a, b), m in list(travel.items())})
        return travel

    def _kept_groups(self, trainees: list[dict], groups: list[dict]):
        rng = self.rng
        travel = self._travel_table() if self.k.kept_within_travel else {}
        members: dict[str, list[dict]] = {g["id"]: [] for g in groups}
        for t in trainees:
            if not (0 < t["cbdg_sessions_attended"] < self.profile.cbdg_sessions) \
                    or rng.random() < self.k.kept_group_skip:
                continue
            options = [g for g in groups if g["slot"] in t["available_slots"]
                       and len(members[g["id"]]) + g["external_members"] < g["max_size"]
                       and self._near(t, g, "online", travel)]
            if options:
                g = rng.choice(options)
                members[g["id"]].append(t)
                t["current_group"] = g["id"]
        for g in groups:
            kept = len(members[g["id"]])
            if kept and kept + g["external_members"] < g["min_size"]:
                g["external_members"] = g["min_size"] - kept  # the group runs with others in it

    def _kept_cases(self, trainees: list[dict], cases: list[dict], sups: list[dict]):
        rng, pr = self.rng, self.profile
        st = self.settings
        travel = self._travel_table()
        sup_load = {s["id"]: 0 for s in sups}
        sup_busy: dict[str, set[str]] = {s["id"]: set() for s in sups}
        sup_minutes = {s["id"]: 0 for s in sups}
        group_slot = {g["id"]: g["slot"] for g in self.groups}
        weekly = round(pr.weekly_case_hours * 60)
        for t in trainees:
            if t["grade"] < pr.case_min_grade or rng.random() < self.k.kept_case_skip:
                continue
            used = {group_slot[t["current_group"]]} if t["current_group"] else set()
            minutes = 0
            for length in ("long", "short"):
                done = t["short_case_done"] if length == "short" else t["long_case_done"]
                if done or len(t["current_cases"]) >= pr.max_cases_per_trainee:
                    continue
                other = t["long_case_done"] if length == "short" else t["short_case_done"]
                other_kept = [c["modality"] for c in cases if c["current_trainee"] == t["id"]]
                options = [c for c in cases if c["current_trainee"] is None and c["length"] == length
                           and t["grade"] >= c["min_grade"] and c["modality"] != other
                           and c["modality"] not in other_kept and self._near(t, c, "remote_ok", travel)]
                rng.shuffle(options)
                for c in options[:6]:
                    placed = self._witness_case(t, c, sups, used, minutes, weekly, travel, sup_load,
                                                sup_busy, sup_minutes, st)
                    if placed is not None:
                        minutes = placed
                        break
                if rng.random() < self.k.one_case_at_a_time:
                    break  # most trainees run one case at a time

    def _witness_case(self, t, c, sups, used, minutes, weekly, travel, sup_load, sup_busy, sup_minutes, st):
        rng = self.rng
        sessions_at = [k for k in c["available_slots"] if k in t["available_slots"] and k not in used]
        if not sessions_at:
            return None
        sup_min = round(st.supervision_hours * 60)
        for s in rng.sample(sups, len(sups)):
            if c["modality"] not in s["modalities"] or sup_load[s["id"]] >= s["max_trainees"]:
                continue
            if not self._near(t, s, "remote", travel):
                continue
            if s["supervision_pas"] is not None and \
                    sup_minutes[s["id"]] + sup_min > s["supervision_pas"] * st.pa_hours * 60:
                continue
            k1 = sessions_at[0]
            sup_at = [k for k in s["available_slots"] if k in t["available_slots"]
                      and k not in used and k != k1 and k not in sup_busy[s["id"]]]
            if not sup_at:
                continue
            tc = 0 if c["remote_ok"] else travel[(t["base_site"], c["site"])]
            ts = 0 if s["remote"] else travel[(t["base_site"], s["site"])]
            need = round(st.session_hours * 60) + sup_min + 2 * tc + 2 * ts
            if minutes + need > weekly:
                continue
            k2 = sup_at[0]
            used.update({k1, k2})
            sup_busy[s["id"]].add(k2)
            sup_load[s["id"]] += 1
            sup_minutes[s["id"]] += sup_min
            c["current_trainee"], c["current_supervisor"] = t["id"], s["id"]
            c["sessions_done"] = rng.randint(1, c["sessions"] - 1)
            t["current_cases"] = t["current_cases"] + (c["id"],)
            return minutes + need
        return None

    def _near(self, t: dict, item: dict, remote_key: str, travel: dict) -> bool:
        """Within the trainee's travel limit (or remote), when running items are kept that
        close. The rules do not ask it of running items, but in a region 250 minutes
        across a running group at the far end would be absurd, and cases too far for the
        weekly hours would only waste the witness's few tries."""
        return (not self.k.kept_within_travel or item[remote_key]
                or travel[(t["base_site"], item["site"])] <= t["max_travel_minutes"])

    def _tutors(self, tag: str, trust_names: list[str], trainees: list[dict]):
        rng, pr = self.rng, self.profile
        if self.k.tutor_span is not None:
            trust_of = {s.id: s.trust for s in self.sites}
            self.tutors.extend(spanning_tutors(self.xrng, trust_names, trainees, trust_of, self.k,
                                               pr.trainees_per_tutor_pa, len(self.tutors) + 1))
            return
        n_tutors = min(len(trust_names), rng.randint(1, 3))
        shares = [trust_names[i::n_tutors] for i in range(n_tutors)]
        site_trust = {s.id: s.trust for s in self.sites}
        for trusts in shares:
            mine = [t for t in trainees if site_trust[t["base_site"]] in trusts]
            active = sum(1 for t in mine if t["current_group"] or t["current_cases"])
            likely = active + sum(1 for t in mine if not (t["current_group"] or t["current_cases"])) \
                * self.k.likely_share
            pas = max(1, math.ceil(likely * self.k.tutor_pa_factor / pr.trainees_per_tutor_pa)
                      - rng.choice(self.k.tutor_pa_cut))
            pas = max(pas, math.ceil(active / pr.trainees_per_tutor_pa))  # kept trainees always fit
            n = len(self.tutors) + 1
            self.tutors.append(dict(
                id=f"TUT{n}", name=f"Dr Tutor {n}", trusts=tuple(trusts), core_pas=float(pas),
                higher_trainees=rng.choice([0, 2, 4, 6]), higher_pas=float(rng.choice([0, 1, 1])),
                spa_pas=float(rng.choice([1, 2, 3, 3])),
            ))

    def instance(self, name: str, n_schemes: int, notes: str | None = None) -> Instance:
        return Instance(
            settings=self.settings.model_copy(update={"name": name, "notes": notes}),
            profile=self.profile, slots=tuple(default_slots()), sites=tuple(self.sites),
            travel_times=tuple(self.travel),
            trainees=tuple(Trainee(**t) for t in self.trainees),
            cases=tuple(Case(**c) for c in self.cases),
            supervisors=tuple(Supervisor(**s) for s in self.supervisors),
            groups=tuple(Group(**g) for g in self.groups),
            tutors=tuple(Tutor(**u) for u in self.tutors),
        )
