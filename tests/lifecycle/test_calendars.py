"""Calendars (lifecycle.md): they parse back with icalendar, one weekly event per
activity, starting on the slot's day on or after plan_start, for period_weeks weeks, in
Europe/London; the same solution gives the same bytes; the folder is an output."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import case, group, scheme, supervisor, trainee
from icalendar import Calendar

from rotasolve.allocation import meeting_sizes
from rotasolve.cli import cli
from rotasolve.domain import DAYS
from rotasolve.engine import SolveOptions
from rotasolve.workbook.template import write_instance
from rotasolve.synthetic.generate import generate
from rotasolve.lifecycle.calendars import calendar_files, file_names, first_day
from rotasolve.pipeline import allocate


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def solved():
    inst = generate(30, 2, 11, remote_supervisors=0.3, remote_cases=0.3, online_groups=0.3)
    sol = allocate(inst, SolveOptions(time_limit=10, workers=1))
    assert sol.status in ("OPTIMAL", "FEASIBLE") and sol.cases and sol.groups
    return inst, sol


def events(data: bytes):
    cal = Calendar.from_ical(data)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
    return cal.walk("VEVENT")


def test_one_weekly_event_per_activity_from_the_slots_day(solved):
    inst, sol = solved
    st = inst.settings
    files = calendar_files(inst, sol)
    expected = Counter()
    for g in sol.groups:
        expected[f"trainees/{g.trainee_id}.ics"] += 1
        expected[f"groups/{g.group_id}.ics"] = 1
    for p in sol.cases:
        expected[f"trainees/{p.trainee_id}.ics"] += 2  # its sessions and its supervision
    for sid, _slot in meeting_sizes(sol):
        expected[f"supervisors/{sid}.ics"] += 1  # one per meeting, shared or not
    assert {path: len(events(data)) for path, data in files.items()} == dict(expected)
    slot_days = {s.id: s.day for s in inst.slots}
    for data in files.values():
        uids = []
        for e in events(data):
            start = e.decoded("dtstart")
            assert start.tzinfo.key == "Europe/London" and e["dtstart"].params["TZID"] == "Europe/London"
            assert st.plan_start <= start.date() < st.plan_start + timedelta(days=7)
            assert start.strftime("%a").upper() in DAYS and start.weekday() in range(7)
            rule = e["rrule"]
            assert rule["FREQ"] == ["WEEKLY"] and rule["COUNT"] == [st.period_weeks]
            assert e.decoded("dtstamp").date() == st.plan_start
            uids.append(str(e["uid"]))
        assert len(uids) == len(set(uids))
    # Every trainee's session falls on its session slot's day.
    for p in sol.cases:
        session = next(e for e in events(files[f"trainees/{p.trainee_id}.ics"])
                       if str(e["summary"]).startswith(f"Therapy session, case {p.case_id} "))
        assert session.decoded("dtstart").date() == first_day(st.plan_start, slot_days[p.session_slot])


def test_lengths_locations_and_words(solved):
    inst, sol = solved
    files = calendar_files(inst, sol)
    size = meeting_sizes(sol)
    slot = {s.id: s for s in inst.slots}
    for p in sol.cases:
        c, s = inst.case[p.case_id], inst.supervisor[p.supervisor_id]
        mine = {str(e["summary"]).split(",")[0]: e for e in events(files[f"trainees/{p.trainee_id}.ics"])
                if f"case {c.id} " in str(e["summary"])}
        session, supervision = mine["Therapy session"], mine[f"Supervision of case {c.id} ({c.modality}"]
        minutes = (session.decoded("dtend") - session.decoded("dtstart")).seconds // 60
        assert minutes == round(inst.settings.session_hours * 60)
        shared = size[(s.id, p.supervision_slot)] > 1
        hours = inst.settings.group_supervision_hours if shared else inst.settings.supervision_hours
        assert (supervision.decoded("dtend") - supervision.decoded("dtstart")).seconds // 60 == round(hours * 60)
        assert str(session["location"]) == ("video" if c.remote_ok else inst.site[c.site].name or c.site)
        assert str(supervision["location"]) == ("video" if s.remote else inst.site[s.site].name or s.site)
        text = str(session["summary"]) + str(session["description"])
        for word in (c.id, c.modality, c.length, s.id, p.trainee_id):
            assert word in text
        assert str(c.referred) not in text and "referred" not in text.lower()
    for g in sol.groups:
        grp = inst.group[g.group_id]
        (e,) = events(files[f"groups/{grp.id}.ics"])
        assert e.decoded("dtstart").strftime("%H:%M") == slot[grp.slot].start
        assert e.decoded("dtend").strftime("%H:%M") == slot[grp.slot].end
        assert str(e["location"]) == ("video" if grp.online else inst.site[grp.site].name or grp.site)
    assert any(str(e["location"]) == "video" for data in files.values() for e in events(data))


def test_same_solution_same_bytes_and_stable_uids(solved):
    inst, sol = solved
    first = calendar_files(inst, sol)
    assert first == calendar_files(inst, sol.model_copy(update={"cases": list(reversed(sol.cases))}))
    p = sol.cases[0]
    uids = [str(e["uid"]) for e in events(first[f"trainees/{p.trainee_id}.ics"])]
    # Made of the item and the period, not of the slot: a re-plan that moves it updates it.
    assert f"session/{p.case_id}/{p.trainee_id}/{inst.settings.plan_start}/" in " ".join(uids)


def test_file_names_are_safe_and_distinct():
    names = file_names(["T1", "t1", "A/B", "A_B", "../etc", "CON", "Dr Smith", ""])
    assert names["A_B"] == "A_B" and names["Dr Smith"].startswith("Dr_Smith-")
    assert len({n.lower() for n in names.values()}) == len(names)
    for n in names.values():
        assert n and "/" not in n and not n.startswith(".") and n.split("-")[0].upper() != "CON"


def small(tmp_path):
    inst = scheme(trainees=[trainee("T/1", cbdg_sessions_attended=0)], cases=[case()],
                  supervisors=[supervisor(remote=True)], groups=[group(online=True)])
    path = tmp_path / "in.xlsx"
    write_instance(inst, path)
    return path


def test_solve_with_calendars_then_the_calendars_command(tmp_path):
    path = small(tmp_path)
    js, folder = tmp_path / "s.json", tmp_path / "cal"
    result = run("solve", path, "--json", js, "--calendars", folder, "--time-limit", 10)
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.ics"))
    assert written[0].startswith("groups/G1") and written[2].startswith("trainees/T_1-")
    before = {p: p.read_bytes() for p in folder.rglob("*.ics")}
    # A folder holding calendars is an output: refused without --force, replaced with it.
    again = run("calendars", path, js, folder)
    assert again.exit_code == 2 and "--force" in again.output
    stale = folder / "trainees" / "LEFT.ics"
    stale.write_text("old")
    keep = folder / "notes.txt"
    keep.write_text("mine")
    assert run("calendars", path, js, folder, "--force").exit_code == 0
    assert {p: p.read_bytes() for p in folder.rglob("*.ics")} == before  # same bytes; stale one gone
    assert keep.read_text() == "mine"
    assert run("calendars", path, js, tmp_path / "other").exit_code == 0
    assert run("calendars", path, path, tmp_path / "third").exit_code == 2  # not a solution
    assert run("solve", path, "--calendars", path, "--force").exit_code == 2  # a file, not a folder
