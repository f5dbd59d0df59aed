"""Scenario overrides change exactly what they name, checked by the domain, and new
supervisors go where the baseline left most demand unmet."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import case, scheme, supervisor, trainee, tutor

from rotasolve.domain import Instance
from rotasolve.domain.new_supervisors import BaselineFacts, demand
from rotasolve.domain.scenario import Scenario, ScenarioMismatch, apply
from rotasolve.synthetic.generate import generate


@pytest.fixture(scope="module")
def inst() -> Instance:
    return generate(30, 2, 4)


def differences(a: Instance, b: Instance) -> dict[str, tuple]:
    """Every (collection, field) whose value differs between two instances."""
    out = {}
    for name in Instance.model_fields:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, tuple):
            assert len(x) == len(y) or name == "supervisors", name
            for old, new in zip(x, y):
                for field in type(old).model_fields:
                    if getattr(old, field) != getattr(new, field):
                        out.setdefault((name, field), []).append((getattr(old, field), getattr(new, field)))
        else:
            for field in type(x).model_fields:
                if getattr(x, field) != getattr(y, field):
                    out[(name, field)] = (getattr(x, field), getattr(y, field))
    return out


def test_a_requirements_key_changes_only_that_key(inst):
    new, notes = apply(inst, Scenario(name="s", profile={"cbdg_sessions": 25}))
    assert differences(inst, new) == {("profile", "cbdg_sessions"): (30, 25)}
    assert notes == []


def test_a_scheme_key_changes_only_that_key(inst):
    new, _ = apply(inst, Scenario(name="s", settings={"period_weeks": 52, "plan_start": "2027-08-04"}))
    assert differences(inst, new) == {("settings", "period_weeks"): (26, 52),
                                      ("settings", "plan_start"): (inst.settings.plan_start, date(2027, 8, 4))}


def test_supervisor_places_raise_every_supervisor_and_nothing_else(inst):
    new, _ = apply(inst, Scenario(name="s", supervisor_places=2))
    changed = differences(inst, new)
    assert list(changed) == [("supervisors", "max_trainees")]
    assert changed[("supervisors", "max_trainees")] == [(s.max_trainees, s.max_trainees + 2) for s in inst.supervisors]


def test_supervisor_places_taken_away_stop_at_zero(inst):
    new, _ = apply(inst, Scenario(name="s", supervisor_places=-50))
    assert {s.max_trainees for s in new.supervisors} == {0}


def test_tutor_pas_raise_every_tutor_and_nothing_else(inst):
    new, _ = apply(inst, Scenario(name="s", tutor_pas=1.5))
    changed = differences(inst, new)
    assert list(changed) == [("tutors", "core_pas")]
    assert changed[("tutors", "core_pas")] == [(u.core_pas, u.core_pas + 1.5) for u in inst.tutors]


def demand_scheme() -> Instance:
    """Two trainees at A2 and one at A need a short case; CBT cases at A2, A and B (B is
    out of everyone's reach); S1 (at A) supervises CBT."""
    trainees = [trainee("T1", base_site="A2"), trainee("T2", base_site="A2"), trainee("T3", base_site="A")]
    cases = [case("C1", site="A2"), case("C2", site="A"), case("C3", site="B")]
    sups = [supervisor("S1", site="A", available_slots=("TUE-AM", "THU-AM")), supervisor("NEW-SUP-1", site="B")]
    return scheme(trainees=trainees, cases=cases, supervisors=sups, tutors=[tutor()])


FACTS = BaselineFacts(unmet_cases=(("T1", "short_case", True), ("T2", "short_case", True),
                                   ("T3", "short_case", False)), taken_cases=frozenset())


def test_demand_counts_unmet_needs_a_free_case_of_that_modality_could_meet():
    inst = demand_scheme()
    assert demand(inst, FACTS, "CBT") == {"A": (0, 1), "A2": (2, 2), "B": (0, 0)}
    assert demand(inst, FACTS, "CAT") == {"A": (0, 0), "A2": (0, 0), "B": (0, 0)}  # no CAT case at all
    taken = BaselineFacts(FACTS.unmet_cases, frozenset({"C1", "C2"}))
    assert demand(inst, taken, "CBT") == {"A": (0, 0), "A2": (0, 0), "B": (0, 0)}  # only C3, out of reach


def test_new_supervisors_go_to_most_unmet_demand_critical_first():
    inst = demand_scheme()
    new, notes = apply(inst, Scenario(name="s", new_supervisors=(("CBT", 2), ("CAT", 1))), FACTS)
    added = new.supervisors[len(inst.supervisors):]
    # Two critical needs at A2 take the first; A's one need the second (A2 has none left).
    # No CAT demand anywhere: where most trainees are based (A2). NEW-SUP-1 is taken.
    assert [(s.id, s.site, s.modalities, s.max_trainees) for s in added] == [
        ("NEW-SUP-2", "A2", ("CBT",), 2), ("NEW-SUP-3", "A", ("CBT",), 2), ("NEW-SUP-4", "A2", ("CAT",), 2)]
    assert added[1].available_slots == ("TUE-AM", "THU-AM")  # S1's slots at A
    assert added[0].available_slots == inst.slot_ids  # no supervisor at A2 yet
    assert all("(proposed)" in s.name for s in added)
    assert notes[0] == ("CBT: 1 at A (unmet demand 0 critical, 1 in all), "
                        "1 at A2 (unmet demand 2 critical, 2 in all)")
    # Nothing else changed: the workbook's own supervisors are as they were.
    assert new.supervisors[:len(inst.supervisors)] == inst.supervisors
    assert differences(inst, new) == {}


def test_a_tie_goes_to_the_site_listed_first():
    inst = scheme(trainees=[trainee("T1", base_site="A2"), trainee("T3", base_site="A")],
                  cases=[case("C1", site="A2"), case("C2", site="A")], supervisors=[supervisor("S1")])
    facts = BaselineFacts((("T1", "short_case", True), ("T3", "short_case", True)), frozenset())
    assert demand(inst, facts, "CBT") == {"A": (1, 1), "A2": (1, 1), "B": (0, 0)}
    new, _ = apply(inst, Scenario(name="s", new_supervisors=(("CBT", 1),)), facts)
    assert [s.id for s in inst.sites][:2] == ["A", "A2"]
    assert new.supervisors[-1].site == "A"  # equal demand, one trainee each: A is listed first


def test_new_supervisors_need_the_baseline():
    with pytest.raises(ValueError, match="baseline"):
        apply(demand_scheme(), Scenario(name="s", new_supervisors=(("CBT", 1),)))


def test_an_override_that_breaks_a_bound_is_refused_by_the_domain():
    with pytest.raises(ValueError, match="cbdg_sessions"):
        Scenario(name="s", profile={"cbdg_sessions": -1})
    with pytest.raises(ValueError, match="not a Profile key"):
        Scenario(name="s", profile={"cbdg_session": 25})


def test_an_override_that_does_not_fit_a_workbook_names_the_rule_and_rows(inst):
    with pytest.raises(ScenarioMismatch, match=r"long case has at least 60 sessions"):
        apply(inst, Scenario(name="s", profile={"long_case_min_sessions": 60}))
    with pytest.raises(ScenarioMismatch, match="short_case_min_sessions is more than short_case_max_sessions"):
        apply(inst, Scenario(name="s", profile={"short_case_min_sessions": 19, "short_case_max_sessions": 18}))
