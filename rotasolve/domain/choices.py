"""Which cases and supervisors each case unit may choose from.

A *case unit* is one case a trainee holds this period: a running case (kept), or a new
case of a length the trainee still needs. The model gives a unit one choice of case,
one of supervisor and one of slot each, so its size is the sum of these lists, never
their product. A list holds only what the domain's eligibility allows and what could
fit the trainee's week (H7) with their running cases, so nothing here loses a solution.

``Candidates.only`` keeps the choices of some trainees and takes everyone else's away:
large-neighbourhood search (``engine/lns.py``) frees a few trainees at a time.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from .entities import Case, Length, Supervisor, Trainee

if TYPE_CHECKING:  # the instance hands itself in; only its type is needed here
    from .instance import Instance


_Item = TypeVar("_Item", Case, Supervisor)
_EVERY_CHOICE = "_every_choice"  # where an instance keeps its choices, as a cached property would


@dataclass(frozen=True)
class UnitKey:
    trainee_id: str
    length: Length
    kept_case: str | None = None  # the running case's id, for a kept unit

    def __str__(self) -> str:
        return f"{self.trainee_id}/{self.kept_case or self.length}"


@dataclass
class Candidates:
    cases: dict[UnitKey, tuple[Case, ...]] = field(default_factory=dict)
    supervisors: dict[UnitKey, tuple[Supervisor, ...]] = field(default_factory=dict)
    joiners: set[str] | None = None  # trainees who may join a group; None: all who are eligible

    def only(self, trainees: set[str]) -> Candidates:
        """The same choices for ``trainees``; everyone else keeps only what is running."""
        keys = [k for k in self.cases if k.kept_case or k.trainee_id in trainees]
        return Candidates(cases={k: self.cases[k] for k in keys},
                          supervisors={k: self.supervisors[k] for k in keys}, joiners=set(trainees))

    def for_frozen(self, frozen: Instance, trainees: set[str],
                   incumbent: Iterable[tuple[str, str, str]] = ()) -> Candidates:
        """These choices seen from ``frozen`` — the same scheme with everyone outside
        ``trainees`` holding their allocation as running items (``engine/neighbourhoods``):
        each running unit as ``frozen`` holds it, and the listed new cases of ``trainees``
        that nobody frozen holds, with the (trainee, case, supervisor) of ``incumbent``
        added: the allocation being improved must stay one of the neighbourhood's, or the
        search could only make it worse (a greedy allocation uses cases off the lists).
        Without recomputing every trainee's lists (on a region of 5,000 trainees
        ``eligible`` takes about 20 s)."""
        out = Candidates(joiners=set(trainees))
        _add_running_units(frozen, out)
        for key, cases in self.cases.items():
            if key.kept_case or key.trainee_id not in trainees:
                continue
            free = tuple(frozen.case[c.id] for c in cases if not frozen.case[c.id].kept)
            if free:
                out.cases[key] = free
                out.supervisors[key] = self.supervisors[key]
        for trainee_id, case_id, supervisor_id in incumbent:
            c = frozen.case[case_id]
            if trainee_id not in trainees or c.kept:
                continue
            key = UnitKey(trainee_id, c.length)
            if case_id not in {x.id for x in out.cases.get(key, ())}:  # by id: pydantic's == is slow
                out.cases[key] = out.cases.get(key, ()) + (c,)
            s = frozen.supervisor[supervisor_id]
            if supervisor_id not in {x.id for x in out.supervisors.get(key, ())}:
                out.supervisors[key] = out.supervisors.get(key, ()) + (s,)
        return out

    def units(self) -> list[UnitKey]:
        return list(self.cases)

    def size(self) -> int:
        """Choices over all units: what the model's size follows."""
        return sum(len(v) for v in self.cases.values()) + sum(len(v) for v in self.supervisors.values())


def kept_minutes(inst: Instance, t: Trainee) -> int:
    """The least a trainee's running cases take of their week (H7): each with its
    cheapest possible supervisor, individually."""
    total = 0
    for c in inst.kept_cases_of[t.id]:
        options = inst.eligibility.pair_supervisors(t, c)
        if options:
            total += min(inst.minutes.case_week(t, c, s) for s in options)
    return total


def eligible(inst: Instance) -> Candidates:
    """Every case and supervisor each unit could use, worked out once per instance (as
    its cached properties are: splitting a region into parts and planning each both need
    them, 2-5 s of a 1,000-2,000-trainee region's run each time); the caller gets a copy
    it may change."""
    choices = inst.__dict__.get(_EVERY_CHOICE)
    if choices is None:
        choices = inst.__dict__[_EVERY_CHOICE] = every_choice(inst)
    return Candidates(cases=dict(choices.cases), supervisors=dict(choices.supervisors), joiners=choices.joiners)


def known_cases(inst: Instance) -> dict[UnitKey, frozenset[str]] | None:
    """The ids of the cases each new unit may take, where ``eligible`` has worked them out
    for this instance already (None: not yet). A case not among them cannot be placed
    with that unit under H2, H3 and H7, whatever else the trainee holds, as long as a
    shared meeting costs no less than an individual one (None otherwise: the choices then
    price every meeting as individual)."""
    choices = inst.__dict__.get(_EVERY_CHOICE)
    if choices is None or inst.minutes.shared_extra < 0:
        return None
    return {key: frozenset(c.id for c in cases) for key, cases in choices.cases.items() if key.kept_case is None}


def every_choice(inst: Instance) -> Candidates:
    """Every case and supervisor each unit could use (worked out afresh)."""
    out = Candidates()
    _add_running_units(inst, out)
    by_length = {length: [c for c in inst.cases if c.length == length and not c.kept] for length in ("short", "long")}
    for length in ("short", "long"):
        for t in inst.eligibility.case_candidates[length]:
            cases, supervisors = _unit_choices(inst, t, by_length[length])
            if cases:
                key = UnitKey(t.id, length)
                out.cases[key] = tuple(cases)
                out.supervisors[key] = tuple(s for s in inst.supervisors if s.id in supervisors)
    return out


def _add_running_units(inst: Instance, out: Candidates) -> None:
    """Each running case as a unit of its own: that case, with the supervisors it may have."""
    for c in inst.cases:
        if c.kept:
            assert c.current_trainee is not None  # kept: running with a trainee
            t = inst.trainee[c.current_trainee]
            key = UnitKey(t.id, c.length, c.id)
            out.cases[key] = (c,)
            out.supervisors[key] = tuple(inst.eligibility.pair_supervisors(t, c))


def _unit_choices(inst: Instance, t: Trainee, cases: list[Case]) -> tuple[list[Case], set[str]]:
    """The cases a trainee may take (of one length) and the supervisors who could
    supervise one of them, such that the case fits the trainee's week (H7)."""
    mins = inst.minutes
    room = mins.weekly - kept_minutes(inst, t)
    # Supervisors of each kind of case (modality, fixed supervisor), nearest first.
    by_kind: dict[tuple[str, str | None], list[tuple[int, str]]] = {}
    taken: list[Case] = []
    usable: set[str] = set()
    for c in cases:
        if not inst.eligibility.can_take_case(t, c):
            continue
        kind = (c.modality, c.supervisor)
        if kind not in by_kind:
            by_kind[kind] = sorted((mins.supervision_travel(t, s), s.id)
                                   for s in inst.eligibility.pair_supervisors(t, c))
        spare = room - mins.case_before_supervisor(t, c)
        fits = [sid for travel, sid in by_kind[kind] if travel <= spare]
        if fits:
            taken.append(c)
            usable.update(fits)
    return taken, usable


def shortlist(inst: Instance, full: Candidates, per_unit: int, cover: int = 3, by_kind: bool = False) -> Candidates:
    """At most ``per_unit`` cases and supervisors for each unit — the cheapest in the
    trainee's week (H7 binds most often), equally cheap ones in an order of the unit's own
    (so that units sharing the video cases and supervisors of a region each keep a
    different few, not all the same longest-waiting ones) — and every case and supervisor
    kept on the lists of the ``cover`` units that rank it highest, so that none becomes
    unusable. For regions too large to model whole: the lists of a connected region grow
    with the region, since every trainee may take every case that runs by video.

    ``by_kind``: ``per_unit`` of each kind, met in person and by video. By video costs no
    travel, so ranked together the video cases and supervisors fill every unit's list and
    the whole region contends for the same few (a supervisor takes two or three cases),
    while the ones nearby, which only their neighbours can reach, are listed by almost no
    one. On a random 1,000-trainee region (seed 7002) the relaxation over every choice
    used mostly supervisors met in person (2% by video, against 88% of the lists ranked
    together), and the lists' own relaxation said 575 for tier 1b where every choice's
    says 625; by kind, 624 (docs/decisions.md)."""
    return shortlists(inst, full, (per_unit,), cover, by_kind)[0]


def shortlists(inst: Instance, full: Candidates, sizes: Sequence[int], cover: int = 3,
               by_kind: bool = False) -> list[Candidates]:
    """``shortlist`` at each of ``sizes`` (per unit), the units' cases and supervisors
    ranked once for all of them (RINS's two lists at 1,000 trainees: 0.2-0.6 s of Python
    less than ranking for each, of about 2.5 s on a slow day)."""
    ranked = _ranked(inst, full)
    covered = (_covered(ranked[0], cover), _covered(ranked[1], cover))
    return [_listed(full, ranked, per_unit, covered, by_kind) for per_unit in sizes]


_Ranked = tuple[dict[UnitKey, list[Case]], dict[UnitKey, list[Supervisor]]]
_Covered = tuple[dict[UnitKey, set[str]], dict[UnitKey, set[str]]]  # cases', supervisors' (``_covered``)


def _ranked(inst: Instance, full: Candidates) -> _Ranked:
    """Each new unit's cases and supervisors, cheapest in the trainee's week first; equally
    cheap ones in an order of the unit's own, the same in every run (crc32 of the unit and
    the item, which unlike hash() is not salted)."""
    mins = inst.minutes
    ranked_cases: dict[UnitKey, list[Case]] = {}
    ranked_sups: dict[UnitKey, list[Supervisor]] = {}
    for key, cases in full.cases.items():
        if key.kept_case:
            continue
        t = inst.trainee[key.trainee_id]
        unit = f"{key}|"  # ``_spread``'s text, its unit's part made once
        ranked_cases[key] = sorted(cases, key=lambda c: (mins.case_before_supervisor(t, c),
                                                         zlib.crc32((unit + c.id).encode())))
        ranked_sups[key] = sorted(full.supervisors[key],
                                  key=lambda s: (mins.supervision_travel(t, s), zlib.crc32((unit + s.id).encode())))
    return ranked_cases, ranked_sups


def _listed(full: Candidates, ranked: _Ranked, per_unit: int, covered: _Covered, by_kind: bool) -> Candidates:
    """The lists ``shortlist`` keeps of the units' ranked cases and supervisors."""
    ranked_cases, ranked_sups = ranked
    keep_cases = _kept_ranks(ranked_cases, per_unit, covered[0], _by_video_case if by_kind else None)
    keep_sups = _kept_ranks(ranked_sups, per_unit, covered[1], _by_video_supervisor if by_kind else None)
    out = Candidates(joiners=full.joiners)
    for key, cases in full.cases.items():
        if key.kept_case:
            out.cases[key], out.supervisors[key] = cases, full.supervisors[key]
            continue
        chosen = tuple(c for c in cases if c.id in keep_cases[key])
        sups = [s for s in full.supervisors[key] if s.id in keep_sups[key]]
        for c in chosen:  # each case keeps a supervisor who can supervise it
            if not any(qualified(s, c) for s in sups):
                sups.append(next(s for s in ranked_sups[key] if qualified(s, c)))
        out.cases[key] = chosen
        kept = {s.id for s in sups}  # by id: pydantic's == is slow on long lists
        out.supervisors[key] = tuple(s for s in full.supervisors[key] if s.id in kept)
    return out


def qualified(s: Supervisor, c: Case) -> bool:
    """H4 between a supervisor and a case alone: qualified, and the case's fixed one if named."""
    return c.modality in s.modalities and (not c.supervisor or c.supervisor == s.id)


def _by_video_case(c: Case) -> bool:
    return c.remote_ok


def _by_video_supervisor(s: Supervisor) -> bool:
    return s.remote


def _kept_ranks(ranked: Mapping[UnitKey, Sequence[_Item]], per_unit: int, covered: Mapping[UnitKey, set[str]],
                by_video: Callable[[_Item], bool] | None = None) -> dict[UnitKey, set[str]]:
    """Each unit's first ``per_unit`` (of each kind, with ``by_video``), and the items
    ``covered`` gives it (``_covered``)."""
    keep: dict[UnitKey, set[str]] = {}
    for key, items in ranked.items():
        if by_video is None:
            keep[key] = {item.id for item in items[:per_unit]}
        else:
            keep[key] = {item.id for item in [i for i in items if not by_video(i)][:per_unit]}
            keep[key] |= {item.id for item in [i for i in items if by_video(i)][:per_unit]}
        keep[key] |= covered[key]
    return keep


def _covered(ranked: Mapping[UnitKey, Sequence[_Item]], cover: int) -> dict[UnitKey, set[str]]:
    """Each unit's items among those it is one of the ``cover`` units to rank highest
    (ties to the unit whose name sorts first), so that no item is left on no list.

    Read rank by rank, each rank's units by name, an item's first ``cover`` readings are
    the ones that rank it highest: no list of every unit ranking an item (a video case is
    on every unit's list; listed and sorted whole, 2.5 s of a slow day's run at 1,000
    trainees)."""
    covered: dict[UnitKey, set[str]] = {key: set() for key in ranked}
    readings: dict[str, int] = {}
    units = sorted(((key, items) for key, items in ranked.items() if items), key=lambda unit: str(unit[0]))
    position = 0
    while units:
        for key, items in units:
            item_id = items[position].id
            read = readings.get(item_id, 0)
            if read < cover:
                readings[item_id] = read + 1
                covered[key].add(item_id)
        position += 1
        units = [unit for unit in units if len(unit[1]) > position]
    return covered
