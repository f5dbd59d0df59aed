"""Calendars of an allocation (lifecycle.md, "Calendars"): one RFC 5545 file per trainee,
supervisor and group, each weekly activity one recurring event.

Built as bytes here, written by the command line. The same solution gives the same bytes:
events are sorted, DTSTAMP is the plan start, UIDs are made of ids and the period (so a
re-import of a re-plan updates the events instead of adding them again), and nothing
reads the clock. About a patient, an event says only the case id, modality and length.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from ..core import dates
from ..allocation import meeting_sizes
from ..domain import DAYS, Instance, Slot
from ..results.solution import CasePlace, Solution

LONDON = "Europe/London"
KINDS = ("trainees", "supervisors", "groups")
PRODID = "-//rotasolve//psychotherapy rotations//EN"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


@dataclass(frozen=True)
class Activity:
    """One weekly activity of one calendar's owner."""

    key: str  # what makes the UID: the item, the owner, the period
    summary: str
    description: str
    location: str
    slot: Slot
    minutes: int | None  # how long from the slot's start; None: the whole slot


def first_day(start: date, day: str) -> date:
    """The first day on or after ``start`` that falls on ``day`` (Mon ... Sun)."""
    wanted = DAYS.index(day[:3].upper())
    return start + timedelta(days=(wanted - start.weekday()) % 7)


def file_names(ids: list[str]) -> dict[str, str]:
    """A file name (without .ics) for each id: the id itself where it is safe; otherwise
    the unsafe characters replaced and a short hash of the id added, so two ids never
    share a file, even on a file system that ignores case."""
    base = {}
    for i in ids:
        name = _UNSAFE.sub("_", i).strip("._")[:80] or "_"
        base[i] = "_" + name if name.upper().split(".")[0] in _RESERVED else name
    lowered: dict[str, int] = {}
    for i, name in base.items():
        if name == i:
            lowered[name.lower()] = lowered.get(name.lower(), 0) + 1
    return {i: (name if name == i and lowered[name.lower()] == 1
                else f"{name}-{hashlib.sha256(i.encode()).hexdigest()[:8]}")
            for i, name in base.items()}


def calendar_files(inst: Instance, sol: Solution) -> dict[str, bytes]:
    """Every calendar of the allocation: relative path (``trainees/T01.ics``) -> bytes.
    Only people and groups with something this period get one."""
    owners = {"trainees": _trainee_activities(inst, sol), "supervisors": _supervisor_activities(inst, sol),
              "groups": _group_activities(inst, sol)}
    titles = {"trainees": lambda i: _who(i, inst.trainee[i].name),
              "supervisors": lambda i: _who(i, inst.supervisor[i].name),
              "groups": lambda i: f"group {i}"}
    out: dict[str, bytes] = {}
    for kind in KINDS:
        names = file_names(sorted(owners[kind]))
        for owner in sorted(owners[kind]):
            title = f"Psychotherapy: {titles[kind](owner)}, {inst.settings.name}, from {inst.settings.plan_start}"
            out[f"{kind}/{names[owner]}.ics"] = _calendar(inst, title, owners[kind][owner])
    return out


def _who(item_id: str, name: str) -> str:
    return f"{name} ({item_id})" if name else item_id


def _case_words(inst: Instance, p: CasePlace) -> str:
    c = inst.case[p.case_id]
    return f"case {c.id} ({c.modality}, {c.length})"


def _site(inst: Instance, site_id: str, by_video: bool) -> str:
    if by_video:
        return "video"
    return inst.site[site_id].name or site_id


def _trainee_activities(inst: Instance, sol: Solution) -> dict[str, list[Activity]]:
    out: dict[str, list[Activity]] = {}
    slot = {s.id: s for s in inst.slots}
    m = inst.minutes
    size = meeting_sizes(sol)
    for g in sol.groups:
        grp, who = inst.group[g.group_id], _who(g.trainee_id, inst.trainee[g.trainee_id].name)
        out.setdefault(g.trainee_id, []).append(Activity(
            f"group/{grp.id}/{g.trainee_id}", f"Case-based discussion group {grp.id}",
            f"Group {grp.id}\nFacilitator: {grp.facilitator or '-'}\nTrainee: {who}",
            _site(inst, grp.site, grp.online), slot[grp.slot], None))
    for p in sol.cases:
        c, s = inst.case[p.case_id], inst.supervisor[p.supervisor_id]
        about = (f"Case {c.id}: {c.modality}, {c.length} case\n"
                 f"Trainee: {_who(p.trainee_id, inst.trainee[p.trainee_id].name)}\n"
                 f"Supervisor: {_who(s.id, s.name)}")
        shared = size[(p.supervisor_id, p.supervision_slot)] > 1
        out.setdefault(p.trainee_id, []).extend([
            Activity(f"session/{c.id}/{p.trainee_id}", f"Therapy session, {_case_words(inst, p)}", about,
                     _site(inst, c.site, c.remote_ok), slot[p.session_slot], m.session),
            Activity(f"supervision/{c.id}/{p.trainee_id}",
                     f"Supervision of {_case_words(inst, p)} with {_who(s.id, s.name)}",
                     about + ("\nShared supervision meeting" if shared else ""),
                     _site(inst, s.site, s.remote), slot[p.supervision_slot], m.meeting(shared)),
        ])
    return out


def _supervisor_activities(inst: Instance, sol: Solution) -> dict[str, list[Activity]]:
    """One event per supervision meeting, listing its cases and their trainees."""
    meetings: dict[tuple[str, str], list[CasePlace]] = {}
    for p in sol.cases:
        meetings.setdefault((p.supervisor_id, p.supervision_slot), []).append(p)
    slot = {s.id: s for s in inst.slots}
    out: dict[str, list[Activity]] = {}
    for (sid, k), places in sorted(meetings.items()):
        s = inst.supervisor[sid]
        places = sorted(places, key=lambda p: p.case_id)
        lines = [f"Case {_case_words(inst, p).removeprefix('case ')}, trainee "
                 f"{_who(p.trainee_id, inst.trainee[p.trainee_id].name)}" for p in places]
        modalities = ", ".join(sorted({inst.case[p.case_id].modality for p in places}))
        count = f"{len(places)} case{'s' if len(places) > 1 else ''}"
        out.setdefault(sid, []).append(Activity(
            f"meeting/{sid}/{k}", f"Supervision meeting ({modalities}): {count}",
            "\n".join(lines + [f"Supervisor: {_who(sid, s.name)}"]),
            _site(inst, s.site, s.remote), slot[k], inst.minutes.meeting(shared=len(places) > 1)))
    return out


def _group_activities(inst: Instance, sol: Solution) -> dict[str, list[Activity]]:
    members: dict[str, list[str]] = {}
    for g in sol.groups:
        members.setdefault(g.group_id, []).append(g.trainee_id)
    slot = {s.id: s for s in inst.slots}
    out: dict[str, list[Activity]] = {}
    for gid, tids in sorted(members.items()):
        grp = inst.group[gid]
        names = ", ".join(_who(t, inst.trainee[t].name) for t in sorted(tids))
        out[gid] = [Activity(
            f"group/{gid}", f"Case-based discussion group {gid}",
            f"Group {gid}\nFacilitator: {grp.facilitator or '-'}\nCore trainees: {names}\n"
            f"Other members: {grp.external_members}",
            _site(inst, grp.site, grp.online), slot[grp.slot], None)]
    return out


def _calendar(inst: Instance, title: str, activities: list[Activity]) -> bytes:
    st = inst.settings
    tz = ZoneInfo(LONDON)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title)
    cal.add("x-wr-timezone", LONDON)
    scheme = hashlib.sha256(st.name.encode()).hexdigest()[:8]
    stamp = datetime.combine(st.plan_start, time(0, 0), tzinfo=UTC)
    for a in sorted(activities, key=lambda a: a.key):
        day = first_day(st.plan_start, a.slot.day)
        start = datetime.combine(day, time.fromisoformat(a.slot.start), tzinfo=tz)
        end = (datetime.combine(day, time.fromisoformat(a.slot.end), tzinfo=tz) if a.minutes is None
               else start + timedelta(minutes=a.minutes))
        e = Event()
        e.add("uid", f"{a.key}/{st.plan_start}/{scheme}@rotasolve")
        e.add("dtstamp", stamp)
        e.add("dtstart", start)
        e.add("dtend", end)
        e.add("rrule", {"freq": "weekly", "count": st.period_weeks})
        e.add("summary", a.summary)
        e.add("description", a.description)
        e.add("location", a.location)
        cal.add_component(e)
    last = dates.add_weeks(st.plan_start, st.period_weeks)
    cal.add_missing_timezones(first_date=date(st.plan_start.year, 1, 1), last_date=date(last.year + 1, 1, 1))
    return cal.to_ical()
