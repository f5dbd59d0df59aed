"""The by-hand allocation, solver-free, and the tiers of any allocation:

- ``greedy``: the allocation a tutor makes in a spreadsheet — most urgent trainee first,
  then the first group, case (longest waiting first), supervisor and slots that break no
  hard rule. Its result passes the same checker as the solver's.
- ``tier1``: tiers 1a and 1b of any allocation.

The bounds it is measured against are flows (``flows.py``).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .domain import SENIORITY_WEIGHT, Instance, Trainee, length_of, requirement_of
from .domain.choices import UnitKey, known_cases
from .results.solution import CasePlace, GroupPlace, Solution, TutorPlace


class _Book:
    """The spreadsheet: who is where, when, and how full everything is."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self.busy: dict[str, set[str]] = defaultdict(set)
        self.minutes: Counter = Counter()
        self.held: Counter = Counter()
        self.sup_load: Counter = Counter()
        self.sup_minutes: Counter = Counter()
        self.meetings: dict[tuple[str, str], list[CasePlace]] = defaultdict(list)
        self.group_members: Counter = Counter()
        self.tutor_of: dict[str, str] = {}
        self.tutor_load: Counter = Counter()
        self.groups: list[GroupPlace] = []
        self.cases: list[CasePlace] = []
        self.new_modality: dict[tuple[str, str], str] = {}
        self.taken: set[str] = set()
        # Who may supervise a trainee's case depends on the trainee and the case's kind
        # (modality, fixed or current supervisor), not on the case: asked once per kind, a
        # 5,000-trainee region's first-fit takes seconds, not minutes.
        self._pairs: dict[tuple, list] = {}
        # Each kind's supervisors with a place left and their slots, until the next
        # booking changes them: a trainee's need tries case after case of a few kinds
        # (random 1,000-trainee region: 130,000 tries, 4.3 s of first-fit, about 40% of
        # it working these out again).
        self._options: dict[tuple, list] = {}
        self._open: dict[tuple, list] = {}  # each kind's meetings and their room, as long as _options

    def tutor_ok(self, t: Trainee) -> str | None:
        if t.id in self.tutor_of:
            return self.tutor_of[t.id]
        for u in self.inst.eligibility.tutors_for(t.id):
            if self.tutor_load[u.id] < self.inst.capacity.tutor_trainees(u):
                return u.id
        return None

    def tutor_from(self, t: Trainee, chosen: dict[str, str]) -> str | None:
        """``chosen``'s tutor for ``t`` (an allocation's) where they still have room: another
        would take a place that allocation meant for someone else. Else the first with room."""
        uid = chosen.get(t.id)
        if t.id not in self.tutor_of and uid in self.inst.tutor \
                and self.tutor_load[uid] < self.inst.capacity.tutor_trainees(self.inst.tutor[uid]):
            return uid
        return self.tutor_ok(t)

    def assign_tutor(self, t: Trainee, uid: str):
        if t.id not in self.tutor_of:
            self.tutor_of[t.id] = uid
            self.tutor_load[uid] += 1

    def join(self, t: Trainee, g, kept: bool = False) -> None:
        self.groups.append(GroupPlace(trainee_id=t.id, group_id=g.id, kept=kept))
        self.busy[t.id].add(g.slot)
        self.group_members[g.id] += 1
        self._options.clear()
        self._open.clear()

    def can_join(self, t: Trainee, g) -> bool:
        return (self.inst.eligibility.can_join_group(t, g) and g.slot not in self.busy[t.id]
                and self.group_members[g.id] < self.inst.capacity.group_core_places(g)
                and not self.has(t, "cbdg"))

    def has(self, t: Trainee, requirement: str) -> bool:
        """Whether this requirement is already placed for the trainee (in this book)."""
        if requirement == "cbdg":
            return any(g.trainee_id == t.id and not g.kept for g in self.groups)
        return (t.id, length_of(requirement)) in self.new_modality

    def may_take(self, t: Trainee, c) -> bool:
        """H2, H3 and H8 against what this book has given the trainee so far."""
        inst = self.inst
        if not inst.eligibility.can_take_case(t, c) or (t.id, c.length) in self.new_modality:
            return False
        if self.held[t.id] >= inst.profile.max_cases_per_trainee:
            return False
        other = "long" if c.length == "short" else "short"
        return not (inst.profile.distinct_modalities >= 2 and self.new_modality.get((t.id, other)) == c.modality)

    def took(self, t: Trainee, c) -> None:
        self.taken.add(c.id)
        self.new_modality[(t.id, c.length)] = c.modality

    @staticmethod
    def kind(t: Trainee, c) -> tuple:
        """What decides who may supervise ``c`` for ``t``."""
        return (t.id, c.modality, c.supervisor, c.kept, c.current_supervisor)

    def no_room(self, t: Trainee, c) -> bool:
        """No supervisor of ``c``'s kind has a place and a slot free to ``t``: until the next
        booking, ``place_case`` refuses every new case of that kind for ``t``. (Seed 7007:
        159,000 of first-fit's 171,000 tries of a case were refused so, 3 s of a slow day.)"""
        if c.kept:
            return False
        kind = self.kind(t, c)
        options = self._options.get(kind)
        if options is None:  # kept for the kind's next case, as ``place_case`` keeps it (seed 7015: 4 s)
            options = self._options[kind] = self._supervisor_slots(self._supervisors(t, c), self._free(t))
        return not any(slots for _s, slots in options)

    def _free(self, t: Trainee) -> list[str]:
        """The trainee's available slots this book has not filled, in slot order."""
        return [k for k in self.inst.slot_ids if k in t.available_slots and k not in self.busy[t.id]]

    def _supervisors(self, t: Trainee, c) -> list:
        """Who may supervise ``c`` for ``t`` (``pair_supervisors``), asked once per kind."""
        kind = self.kind(t, c)
        if kind not in self._pairs:
            self._pairs[kind] = self.inst.eligibility.pair_supervisors(t, c)
        return self._pairs[kind]

    def place_case(self, t: Trainee, c, kept: bool, only: tuple | None = None) -> bool:
        """Book a case with the first supervisor and slots that fit (``only``: these)."""
        inst = self.inst
        # Whoever supervised it, the case would not fit in the trainee's week: refused before
        # any slot, supervisor and meeting is tried. Most needs of a large region fit no case,
        # and each was tried against every case waiting: on random connected 1,000 seed 7015
        # (1,984 cases) the allocation took 4.3 s, 2.9 million meetings tried; with this, 1.0 s.
        if self.minutes[t.id] + inst.minutes.case_week_least(t, c) > inst.minutes.weekly:
            return False
        free = self._free(t)
        kind = self.kind(t, c)
        supervisors = self._supervisors(t, c)
        if only is not None:
            supervisors = [s for s in supervisors if s.id == only[0].id]
            free = [k for k in free if k in only[1:]]
        # A running case keeps the slots it was given (H10), as the model's does.
        held_session, held_meeting = (c.session_slot, c.supervision_slot) if kept else (None, None)
        sessions = [k for k in free if k in c.available_slots and (only is None or k == only[1])
                    and held_session in (None, k)]
        if not sessions:
            return False
        of_kind = only is None and held_meeting is None  # the kind's options, as any case of it has them
        options = self._options.get(kind) if of_kind else None
        if options is None:
            options = self._supervisor_slots(supervisors, [k for k in free if held_meeting in (None, k)])
            if of_kind:
                self._options[kind] = options
        # Each meeting the case may join, with the most its own part of the week may be
        # for it to fit there (``_room``): a need tries case after case of a kind, and a
        # meeting's room depends on the kind alone (random 1,000 seed 7005: a million
        # meetings tried, 2.7 s of one core, twice on the run's path).
        meetings = self._open.get(kind) if of_kind else None
        if meetings is None:
            meetings = [(s, k2, room) for s, slots in options for k2 in slots
                        if (room := self._room(t, c, s, k2)) is not None]
            if of_kind:
                self._open[kind] = meetings
        before = inst.minutes.case_before_supervisor(t, c)
        for k1 in sessions:  # the first session's slot, supervisor and meeting that fit
            for s, k2, room in meetings:
                if k2 != k1 and before <= room:
                    self._book(t, c, s, k1, k2, kept)
                    return True
        return False

    def _supervisor_slots(self, supervisors: list, free: list[str]) -> list:
        """Each supervisor with a place left, and their free slots: one's own first
        (joining a meeting lengthens the others' week)."""
        capacity = self.inst.capacity
        return [(s, sorted((k for k in free if k in s.available_slots), key=lambda k: bool(self.meetings[(s.id, k)])))
                for s in supervisors if self.sup_load[s.id] < capacity.supervisor_cases(s)]

    def _room(self, t, c, s, k2) -> int | None:
        """Whether a case of ``c``'s kind may join ``s``'s meeting at ``k2`` for ``t`` (H5,
        H6, H7): None where it may not, else the most the case's part of ``t``'s week
        that its supervisor does not change (``case_before_supervisor``) may be for it to
        fit (the rest of that week is the meeting's, and the travel to ``s``)."""
        inst, mins = self.inst, self.inst.minutes
        meeting = self.meetings[(s.id, k2)]
        if len(meeting) >= s.group_size:
            return None
        if meeting and inst.case[meeting[0].case_id].modality != c.modality:
            return None
        added = mins.meeting_added(len(meeting))
        if meeting and any(self.minutes[p.trainee_id] + added > mins.weekly for p in meeting):
            return None  # the meeting becomes shared: the others' weeks grow
        cap = mins.supervisor_limit(s)
        if cap is not None and self.sup_minutes[s.id] + added > cap:
            return None
        meeting_part = mins.case_week(t, c, s, shared=bool(meeting)) - mins.case_before_supervisor(t, c)
        return mins.weekly - self.minutes[t.id] - meeting_part

    def _book(self, t, c, s, k1, k2, kept):
        mins = self.inst.minutes
        meeting = self.meetings[(s.id, k2)]
        added = mins.meeting_added(len(meeting))
        for p in meeting:
            self.minutes[p.trainee_id] += added
        self.sup_minutes[s.id] += added
        self.minutes[t.id] += mins.case_week(t, c, s, shared=bool(meeting))
        place = CasePlace(case_id=c.id, trainee_id=t.id, supervisor_id=s.id, session_slot=k1,
                          supervision_slot=k2, meeting_id=f"{s.id}@{k2}", kept=kept)
        meeting.append(place)
        self.cases.append(place)
        self.busy[t.id] |= {k1, k2}
        self.sup_load[s.id] += 1
        self.held[t.id] += 1
        self._options.clear()
        self._open.clear()


def greedy(inst: Instance, first: Solution | None = None, running: Solution | None = None) -> Solution | None:
    """The by-hand allocation, or None if even the running items cannot be arranged.
    ``first`` holds placements to make before the rest, where they still fit (a
    relaxation's answer, say); the usual order follows for everything else. ``running``
    arranges the running cases (supervisors and slots) where first-fit cannot."""
    book = _Book(inst)
    if not _book_running(book, running):
        return None
    if first is not None:
        _book_first(book, first)
    _book_needs(book, short_groups_first=first is not None)
    return _finish(book)


def _book_running(book: _Book, arranged: Solution | None) -> bool:
    """Running items first, exactly as given; False if they cannot all be arranged."""
    inst = book.inst
    given = {p.case_id: p for p in arranged.cases if p.kept} if arranged is not None else {}
    for t in inst.trainees:
        if t.current_group:
            book.join(t, inst.group[t.current_group], kept=True)

    def options(c):  # most constrained first, as a careful tutor would
        t = inst.trainee[c.current_trainee]
        return sum(len(set(s.available_slots) & set(t.available_slots))
                   for s in inst.eligibility.pair_supervisors(t, c)) \
            * len(set(c.available_slots) & set(t.available_slots))
    for c in sorted((c for c in inst.cases if c.kept), key=lambda c: (options(c), c.id)):
        p = given.get(c.id)
        only = (inst.supervisor[p.supervisor_id], p.session_slot, p.supervision_slot) if p else None
        assert c.current_trainee is not None  # a running case has its trainee
        if not book.place_case(inst.trainee[c.current_trainee], c, kept=True, only=only):
            return False
    # The arrangement's tutors too: first-fit gave trainees with running items the first
    # tutor with room, and on a random 1,000-trainee region (seed 7001) that filled a tutor
    # the critical relaxation's allocation had kept places with for five critical cases.
    chosen = {p.trainee_id: p.tutor_id for p in arranged.tutors} if arranged is not None else {}
    for t in inst.trainees:
        if t.current_group or inst.kept_cases_of[t.id]:
            uid = book.tutor_from(t, chosen)
            if uid is None:
                return False
            book.assign_tutor(t, uid)
    return True


def _book_first(book: _Book, first: Solution) -> None:
    inst = book.inst
    chosen = {p.trainee_id: p.tutor_id for p in first.tutors}
    for g in first.groups:
        t, grp = inst.trainee[g.trainee_id], inst.group[g.group_id]
        uid = book.tutor_from(t, chosen)
        if not g.kept and book.can_join(t, grp) and uid is not None:
            book.assign_tutor(t, uid)
            book.join(t, grp)
    for p in first.cases:
        t, c = inst.trainee[p.trainee_id], inst.case[p.case_id]
        uid = book.tutor_from(t, chosen)
        if p.kept or c.id in book.taken or not book.may_take(t, c) or uid is None:
            continue
        if book.place_case(t, c, kept=False, only=(inst.supervisor[p.supervisor_id], p.session_slot,
                                                   p.supervision_slot)):
            book.took(t, c)
            book.assign_tutor(t, uid)


def _book_needs(book: _Book, short_groups_first: bool = False) -> None:
    """Most urgent first: critical, then seniority, then the earliest due; the first group
    or longest-waiting case, supervisor and slots that break no rule. With
    ``short_groups_first``, a group still short of its minimum comes first: a relaxation's
    answer (``first``) may start groups that only others can bring up to it."""
    inst = book.inst
    needs = [(t, n) for t in inst.trainees for n in inst.needs.of(t.id) if not n.gated]
    needs.sort(key=lambda tn: (not tn[1].critical, -SENIORITY_WEIGHT[tn[0].grade], tn[1].due, tn[0].id,
                               tn[1].requirement))
    by_wait = sorted((c for c in inst.cases if not c.kept), key=lambda c: (c.referred is None, c.referred, c.id))
    cases_by_wait = {length: [c for c in by_wait if c.length == length] for length in ("short", "long")}
    # Each need tries only the cases its trainee could ever take, where the model's choices
    # are known: the same allocation, without testing every need against every case
    # waiting (seed 7007, 1,669 cases: 492,000 tests, 3-7 s of a slow day's run).
    known = known_cases(inst)
    for t, need in needs:
        uid = book.tutor_ok(t)
        if uid is None or book.has(t, need.requirement):
            continue
        if need.requirement == "cbdg":
            for g in (sorted(inst.groups, key=lambda g: not _short(book, g)) if short_groups_first else inst.groups):
                if book.can_join(t, g):
                    book.join(t, g)
                    book.assign_tutor(t, uid)
                    break
            continue
        length = length_of(need.requirement)
        waiting = cases_by_wait[length]
        possible = None if known is None else known.get(UnitKey(t.id, length), frozenset())
        full: set[tuple] = set()  # kinds of case no supervisor has room for, for this need
        for c in waiting if possible is None else [c for c in waiting if c.id in possible]:
            if c.id in book.taken or book.kind(t, c) in full or not book.may_take(t, c):
                continue
            if book.place_case(t, c, kept=False):
                book.took(t, c)
                book.assign_tutor(t, uid)
                break
            if book.no_room(t, c):
                full.add(book.kind(t, c))
        if len(book.taken) > len(waiting) // 2:  # now and then, drop the taken from the queue
            cases_by_wait[length] = [c for c in waiting if c.id not in book.taken]


def _short(book: _Book, g) -> bool:
    """Started with new members only, and short of its minimum."""
    inst = book.inst
    return 0 < book.group_members[g.id] < inst.capacity.group_core_minimum(g) and not inst.kept_group_members[g.id]


def _finish(book: _Book) -> Solution:
    inst = book.inst
    # A group that did not reach its minimum does not run: its new members leave.
    short = {g.id for g in inst.groups if _short(book, g)}
    book.groups = [p for p in book.groups if p.group_id not in short]
    holders = {p.trainee_id for p in book.groups} | {p.trainee_id for p in book.cases}
    tutors = [TutorPlace(trainee_id=t, tutor_id=u) for t, u in book.tutor_of.items() if t in holders]
    return Solution(scheme=inst.settings.name, status="FEASIBLE", groups=book.groups, cases=book.cases,
                    tutors=tutors)


def tier1(inst: Instance, sol: Solution) -> tuple[int, int]:
    """(critical placements, seniority-weighted other placements) of any solution."""
    critical = weighted = 0
    placed = {(g.trainee_id, "cbdg") for g in sol.groups if not g.kept}
    placed |= {(c.trainee_id, requirement_of(inst.case[c.case_id].length)) for c in sol.cases if not c.kept}
    for t in inst.trainees:
        for n in inst.needs.of(t.id):
            if (t.id, n.requirement) in placed and not n.gated:
                if n.critical:
                    critical += 1
                else:
                    weighted += SENIORITY_WEIGHT[t.grade]
    return critical, weighted


__all__ = ["greedy", "tier1"]
