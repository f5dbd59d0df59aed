"""Three periods in a row — solve, next, solve, next, solve — on generated schemes, through
real workbook files, with a column and a sheet rotasolve does not know about.

What a tutor relies on: every running item keeps its trainee, supervisor and both slots;
sessions add up to what the periods held; a completed case never comes back; grades only
rise; trainees who finish leave; every solution passes the checker; the next workbook
reads, agrees with the roll-forward built in code, and keeps the user's own data.
"""

from __future__ import annotations

import pytest

import openpyxl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rotasolve.check import check
from rotasolve.domain import Instance, Profile
from rotasolve.engine import SolveOptions
from rotasolve.excel.next_workbook import write_next_workbook
from rotasolve.workbook.reader import read_workbook
from rotasolve.workbook.template import write_instance
from rotasolve.synthetic.generate import generate
from rotasolve.lifecycle import roll_forward, solution_problems
from rotasolve.lifecycle.rollforward import next_middle
from rotasolve.pipeline import allocate, file_sha256

NOTE, SHEET = "tutor_notes", "My notes"


def vary(inst: Instance, profile: dict, settings_: dict) -> Instance:
    fields = {name: getattr(inst, name) for name in Instance.model_fields}
    fields["profile"] = Profile(**{**inst.profile.model_dump(), **profile})
    fields["settings"] = inst.settings.model_copy(update=settings_)
    return Instance(**fields)


def add_user_data(path):
    """An unknown column with a value on every trainee row, and an unknown sheet."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Trainees"]
    j = ws.max_column + 1
    ws.cell(row=1, column=j, value=NOTE)
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=j, value=f"note on {ws.cell(row=r, column=1).value}")
    notes = wb.create_sheet(SHEET)
    notes["A1"], notes["B2"] = "anything at all", 42
    wb.save(path)


def notes_of(path) -> dict[str, str]:
    wb = openpyxl.load_workbook(path)
    ws = wb["Trainees"]
    j = next(c.column for c in ws[1] if c.value == NOTE)
    assert wb[SHEET]["A1"].value == "anything at all" and wb[SHEET]["B2"].value == 42
    return {ws.cell(row=r, column=1).value: ws.cell(row=r, column=j).value for r in range(2, ws.max_row + 1)}


def without_rows(inst: Instance) -> dict:
    """An instance's items with the rows they were read from left out, to compare two."""
    def strip(items):
        return [x.model_copy(update={"source_row": None}) for x in items]
    return {name: (strip(v) if isinstance(v, tuple) else v) for name, v in inst}


def assert_carried(inst, sol, roll, nxt, nxt_sol):
    """One period to the next, checked against the solution that was rolled forward."""
    h = roll.sessions_held
    gone = set(roll.removed_trainees)
    for t in inst.trainees:
        if t.id in gone:
            assert inst.needs.core_end(t) <= next_middle(inst)
            assert t.id not in nxt.trainee
        else:
            assert nxt.trainee[t.id].grade >= t.grade
    kept_next = {p.case_id: p for p in nxt_sol.cases}
    for p in sol.cases:
        c = inst.case[p.case_id]
        if c.sessions_done + h >= c.sessions:
            assert c.id not in nxt.case and c.id not in kept_next  # complete: never allocated again
            if p.trainee_id not in gone:
                assert nxt.trainee[p.trainee_id].done_modality(c.length) == c.modality
        elif p.trainee_id in gone:
            assert not nxt.case[c.id].kept and nxt.case[c.id].sessions_done == 0
        else:
            assert nxt.case[c.id].sessions_done == c.sessions_done + h
            q = kept_next[c.id]
            assert q.kept and (q.trainee_id, q.supervisor_id, q.session_slot, q.supervision_slot) == (
                p.trainee_id, p.supervisor_id, p.session_slot, p.supervision_slot)
    ended = {tid for g in roll.groups_ended for tid in g.trainee_ids}
    next_groups = {g.trainee_id: g for g in nxt_sol.groups}
    for g in sol.groups:
        if g.trainee_id in gone:
            continue
        before = inst.trainee[g.trainee_id].cbdg_sessions_attended
        after = nxt.trainee[g.trainee_id].cbdg_sessions_attended
        assert after == max(before, min(inst.profile.cbdg_sessions, before + h))
        if after < inst.profile.cbdg_sessions and g.trainee_id not in ended:
            assert next_groups[g.trainee_id].kept and next_groups[g.trainee_id].group_id == g.group_id


@pytest.mark.slow  # over 10 s end to end: the slow tier (pytest -m slow)
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(n=st.integers(15, 40), trusts=st.integers(1, 3), seed=st.integers(0, 10_000),
       shape=st.sampled_from(["balanced", "many-running", "ltft-heavy"]),
       profile=st.fixed_dictionaries({}, optional={"cbdg_sessions": st.sampled_from([25, 30]),
                                                   "distinct_modalities": st.sampled_from([1, 2])}),
       extra=st.fixed_dictionaries({}, optional={"session_weeks_factor": st.sampled_from([1.0, 1.25]),
                                                 "period_weeks": st.sampled_from([13, 26])}))
def test_three_periods_in_a_row(tmp_path_factory, n, trusts, seed, shape, profile, extra):
    folder = tmp_path_factory.mktemp("periods")
    path = folder / "p1.xlsx"
    write_instance(vary(generate(n, trusts, seed, shape=shape), profile, extra), path)
    add_user_data(path)
    before = None  # (instance, solution, roll-forward) of the period before
    for period in (1, 2, 3):
        inst = read_workbook(path).instance
        sol = allocate(inst, SolveOptions(time_limit=10, workers=1), source=path)
        if period == 1:
            assume(sol.status != "INFEASIBLE")  # a varied profile can make generated running items clash
        assert sol.status in ("OPTIMAL", "FEASIBLE"), (period, sol.conflicts)
        assert check(inst, sol) == []
        if before is not None:
            assert_carried(*before, inst, sol)
        if period == 3:
            break
        assert solution_problems(inst, sol, file_sha256(path)) == []
        roll = roll_forward(inst, sol)
        out = folder / f"p{period + 1}.xlsx"
        write_next_workbook(path, inst, roll, out)
        assert without_rows(read_workbook(out).instance) == without_rows(roll.apply(inst))
        notes = notes_of(out)
        assert notes == {t.id: f"note on {t.id}" for t in inst.trainees if t.id not in roll.removed_trainees}
        before, path = (inst, sol, roll), out
