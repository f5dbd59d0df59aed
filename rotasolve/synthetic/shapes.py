"""The knobs of the synthetic generator: the connected-region preset, the seven benchmark
shapes, and the two pieces only a connected region needs (a road-like layout of trusts and
tutors whose areas overlap).

Every knob's default reproduces the original generator draw for draw, so
``generate(n, k, seed)`` with no options is unchanged; anything only a non-default
knob needs is drawn from a second random stream (see ``generate``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, fields, replace
from typing import Any

from ..domain import Site, TravelTime


@dataclass(frozen=True)
class Knobs:
    """Everything the options can change. The defaults are the original generator."""

    connected: bool = False  # one region of N trainees instead of independent schemes of ~100
    # Shares of remote items. None: as originally (10% / 10% / 15% in a one-scheme region,
    # none when there are several, as a remote item would join the schemes into one part).
    remote_supervisors: float | None = None
    remote_cases: float | None = None
    online_groups: float | None = None
    # Trusts each tutor covers (least, most). None: a scheme's trusts shared out among 1-3
    # tutors with no overlap.
    tutor_span: tuple[int, int] | None = None
    trainees_per_supervisor: float = 6
    supervisor_places: tuple[int, ...] = (1, 2, 2, 3, 3, 4)  # max_trainees drawn from these
    ltft_share: float = 0.13
    ltft_fractions: tuple[float, ...] = (0.6, 0.8)
    tutor_pa_factor: float = 1.0  # tutor PAs as a share of the likely demand
    likely_share: float = 0.7  # of a tutor's trainees with nothing running, those counted as likely demand
    tutor_pa_cut: tuple[int, ...] = (0, 0, 1, 2)  # PAs short of that, drawn per tutor
    ct1_new_share: float = 0.6  # CT1 trainees who have not started a group yet
    kept_group_skip: float = 0.35  # trainees midway through the group who are not in one now
    kept_case_skip: float = 0.55  # eligible trainees with no running case
    one_case_at_a_time: float = 0.7  # trainees with a running case who hold only one
    big_trust_share: float | None = None  # share of everything in each scheme's first trust
    # Running items only within the trainee's travel limit: a real region is too wide for
    # a running group 200 minutes away; in one small scheme the limits hardly bind.
    kept_within_travel: bool = False
    # Drawn by --random (``random_knobs``); the defaults are the original generator's.
    trainee_slots: tuple[int, int] = (3, 7)  # free weekly slots of a trainee (least, most)
    supervisor_slots: tuple[int, int] = (2, 6)
    case_slots: tuple[int, int] = (2, 6)
    travel_limits: tuple[int, ...] = (45, 60, 60, 60, 75, 90)  # trainees' max_travel_minutes
    cases_factor: float = 1.0  # cases per trainee, against the original 0.8-1.1
    trainees_per_group: float = 7  # groups: one per this many trainees still needing sessions
    group_max_sizes: tuple[int, ...] = (8, 8, 10)
    group_min_sizes: tuple[int, ...] = (4, 4, 5)
    shared_supervision: float = 0.3  # supervisors who supervise in groups of up to 3
    second_modality: float = 0.3  # supervisors qualified in a second modality
    supervisor_pa_share: float = 0.4  # supervisors whose supervision PAs limit their meetings
    # The requirement profile (None: Profile()'s default)
    distinct_modalities: int | None = None
    case_requires_cbdg: bool | None = None
    weekly_case_hours: float | None = None


# A region shaped like a real one (e.g. 1,000 trainees over 12 trusts): about a quarter of
# supervisors supervise by video, some patients are seen by video, a fifth of groups meet
# online, and each tutor covers two or three neighbouring trusts.
CONNECTED = dict(connected=True, remote_supervisors=0.25, remote_cases=0.15, online_groups=0.20,
                 tutor_span=(2, 3), kept_within_travel=True)

# The seven benchmark shapes of 120-trainee schemes; each changes one thing against
# "balanced", the original generator.
SHAPES: dict[str, dict] = {
    "balanced": {},
    # Fewer supervisors, each with fewer places: about half the original places per trainee.
    "scarce-supervisors": dict(trainees_per_supervisor=10, supervisor_places=(1, 1, 2, 2, 3)),
    "remote-heavy": dict(remote_supervisors=0.6, remote_cases=0.5, online_groups=0.6),
    "ltft-heavy": dict(ltft_share=0.4, ltft_fractions=(0.5, 0.6, 0.7, 0.8)),
    # Tutors hold about half the PAs the likely demand needs (never fewer than their
    # running trainees need).
    "tight-tutors": dict(tutor_pa_factor=0.5),
    "many-running": dict(ct1_new_share=0.3, kept_group_skip=0.08, kept_case_skip=0.15,
                         one_case_at_a_time=0.45),
    "one-big-trust": dict(big_trust_share=0.6),
}


# What --random draws, knob by knob, over realistic ranges wider than any one shape: a
# tutor's scheme is not one of the seven. Each is (how it is drawn, what it sets).
def random_knobs(seed: int, connected: bool = False) -> Knobs:
    """Every knob drawn at random from its own stream (same seed, same knobs); the remote
    shares and the tutors' spans of a connected region too."""
    # The stream's name is the module's first name, kept (see generate.py's ``xrng``).
    r = random.Random(f"rotasolve.generate random knobs {seed}")
    lo_places = r.randint(1, 3)
    slots = [(r.randint(2, 4), r.randint(5, 10)) for _ in range(3)]
    min_size = r.randint(3, 6)
    drawn: dict[str, Any] = dict(
        # of the whole demand: every trainee of the tutor's trusts, none cut
        tutor_pa_factor=round(r.uniform(0.4, 1.3), 2), likely_share=1.0, tutor_pa_cut=(0,),
        trainees_per_supervisor=round(r.uniform(3, 12), 1),
        second_modality=round(r.uniform(0.1, 0.7), 2), supervisor_pa_share=round(r.uniform(0, 0.6), 2),
        supervisor_places=tuple(range(lo_places, r.randint(lo_places, 4) + 1)),
        trainee_slots=slots[0], supervisor_slots=slots[1], case_slots=slots[2],
        remote_supervisors=round(r.uniform(0, 0.6), 2), remote_cases=round(r.uniform(0, 0.6), 2),
        online_groups=round(r.uniform(0, 0.6), 2),
        ltft_share=round(r.uniform(0, 0.5), 2),
        ltft_fractions=tuple(sorted(r.sample([0.5, 0.6, 0.7, 0.8], r.randint(1, 4)))),
        ct1_new_share=round(r.uniform(0.1, 0.9), 2), kept_group_skip=round(r.uniform(0.05, 0.8), 2),
        kept_case_skip=round(r.uniform(0.1, 0.9), 2), one_case_at_a_time=round(r.uniform(0.3, 0.9), 2),
        big_trust_share=round(r.uniform(0.25, 0.7), 2) if r.random() < 0.5 else None,
        travel_limits=tuple(sorted(r.sample([30, 45, 60, 75, 90, 120], r.randint(2, 4)))),
        cases_factor=round(r.uniform(0.5, 2.0), 2),
        trainees_per_group=round(r.uniform(4, 10), 1),
        group_min_sizes=(min_size,), group_max_sizes=tuple(range(min_size + 2, r.randint(min_size + 3, 12) + 1)),
        shared_supervision=round(r.uniform(0, 0.8), 2),
        distinct_modalities=r.choice([1, 2, 2]), case_requires_cbdg=r.random() < 0.3,
        weekly_case_hours=r.choice([3.5, 4.0, 4.0, 5.0, 6.0, 8.0]),
    )
    if connected:
        drawn["tutor_span"] = (1, r.randint(1, 3))
    return replace(knobs(connected), **drawn)


def explicit_field(name: str, explicit: dict) -> bool:
    """Whether an explicit option (None: not given) sets this knob."""
    if name == "tutor_span":
        return explicit.get("tutor_trusts") is not None
    return explicit.get(name) is not None


def random_description(k: Knobs) -> str:
    """The knobs --random drew, for the Scheme sheet's notes, so the scheme can be read off."""
    skip = {"connected", "kept_within_travel"}
    return "; ".join(f"{f.name}={getattr(k, f.name)}" for f in fields(Knobs) if f.name not in skip)


def knobs(connected: bool = False, shape: str = "balanced", **explicit) -> Knobs:
    """The knobs for these options: the preset, then the shape, then explicit options
    (None means not given)."""
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {', '.join(SHAPES)}; got {shape!r}")
    given = {k: v for k, v in explicit.items() if v is not None}
    for name in ("remote_supervisors", "remote_cases", "online_groups"):
        if name in given and not 0 <= given[name] <= 1:
            raise ValueError(f"{name} is a share between 0 and 1; got {given[name]}")
    if "tutor_trusts" in given:
        n = given.pop("tutor_trusts")
        if n < 1:
            raise ValueError(f"tutor_trusts must be at least 1; got {n}")
        given["tutor_span"] = (n, n)
    return replace(Knobs(), **{**(CONNECTED if connected else {}), **SHAPES[shape], **given})


def describe(k: Knobs, shape: str) -> str:
    """What differs from the original generator, for the scheme's name."""
    default = Knobs()
    shaped = replace(default, **{**(CONNECTED if k.connected else {}), **SHAPES[shape]})
    words = (["connected"] if k.connected else []) + ([shape] if shape != "balanced" else [])
    for f in fields(Knobs):
        value = getattr(k, f.name)
        if value != getattr(shaped, f.name):
            words.append(f"tutor_trusts={value[0]}" if f.name == "tutor_span" else f"{f.name}={value}")
    return ", ".join(words)


def exact_share(rng: random.Random, items: list[dict], key: str, share: float | None) -> None:
    """Set ``key`` on exactly round(share x len) of the items, so a scheme's share of remote
    items is what was asked, not a coin toss away from it."""
    if share is None:
        return
    chosen = set(rng.sample(range(len(items)), round(share * len(items))))
    for i, it in enumerate(items):
        it[key] = i in chosen


def ring_travel(rng: random.Random, sites: list[Site], trust_names: list[str]) -> list[TravelTime]:
    """Trusts on a ring, joined by roads: neighbours are 40-60 minutes apart site to site,
    two trusts apart 80-110, further ones more, so a trainee can reach only the trusts
    near theirs. Sites of one trust are 15-40 minutes apart."""
    k = len(trust_names)
    index = {t: i for i, t in enumerate(trust_names)}
    roads = [rng.randint(40, 52) for _ in range(k)]  # road i joins trust i and trust i+1
    hub = {s.id: rng.randint(0, 4) for s in sites}  # each site's minutes from its trust's road

    def between(i: int, j: int) -> int:
        lo, hi = min(i, j), max(i, j)
        one_way = sum(roads[lo:hi])
        return one_way if k <= 2 else min(one_way, sum(roads) - one_way)

    return site_travel(rng, sites, lambda a, b: between(index[a.trust], index[b.trust]) + hub[a.id] + hub[b.id])


def site_travel(rng: random.Random, sites: list[Site], across_trusts) -> list[TravelTime]:
    """Minutes between every two sites: none within a site, 15-40 within a trust, and
    ``across_trusts(a, b)`` between trusts (drawn in this order, so a seed's schemes stay)."""
    rows = []
    for a_i, a in enumerate(sites):
        for b in sites[a_i:]:
            if a.id == b.id:
                minutes = 0
            elif a.trust == b.trust:
                minutes = rng.choice([15, 20, 25, 30, 35, 40])
            else:
                minutes = across_trusts(a, b)
            rows.append(TravelTime(from_site=a.id, to_site=b.id, minutes=minutes))
    return rows


def spanning_tutors(rng: random.Random, trust_names: list[str], trainees: list[dict],
                    trust_of: dict[str, str], k: Knobs, per_pa: int, first_id: int) -> list[dict]:
    """One tutor per trust, covering it and the next ones round the ring, so tutors'
    areas overlap and chain across the region.

    Witness for the running items: each trainee with a running group or case is overseen
    by the first tutor in sheet order who covers their trust, and that tutor holds the
    PAs for all of them. It is also the allocation a first-fit by hand (baseline.greedy)
    makes, so the by-hand baseline never fails on the running items either.
    """
    n = len(trust_names)
    assert k.tutor_span is not None  # set for a connected region, the only one with spanning tutors
    areas = [tuple(trust_names[(i + d) % n] for d in range(min(n, rng.randint(*k.tutor_span))))
             for i in range(n)]
    first: dict[str, int] = {}
    for i, area in enumerate(areas):
        for trust in area:
            first.setdefault(trust, i)
    running = [t for t in trainees if t["current_group"] or t["current_cases"]]
    out = []
    for i, area in enumerate(areas):
        home = [t for t in trainees if trust_of[t["base_site"]] == trust_names[i]]
        active = sum(1 for t in home if t["current_group"] or t["current_cases"])
        likely = active + (len(home) - active) * k.likely_share
        pas = max(1, math.ceil(likely * k.tutor_pa_factor / per_pa) - rng.choice(k.tutor_pa_cut))
        witness = sum(1 for t in running if first[trust_of[t["base_site"]]] == i)
        pas = max(pas, math.ceil(witness / per_pa))  # running trainees always fit
        uid = first_id + i
        out.append(dict(
            id=f"TUT{uid}", name=f"Dr Tutor {uid}", trusts=area, core_pas=float(pas),
            higher_trainees=rng.choice([0, 2, 4, 6]), higher_pas=float(rng.choice([0, 1, 1])),
            spa_pas=float(rng.choice([1, 2, 3, 3])),
        ))
    return out
