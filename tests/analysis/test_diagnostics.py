"""rotasolve/analysis/diagnostics.py: what `rotasolve validate` tells a tutor before solving — the
scheme's counts, and a warning, located by row, for each thing that will certainly go
unmet or be wasted: a trainee with too few free slots for a case, cases nobody may
supervise, a group nobody can attend, a critical case with no eligible case at all."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner
from conftest import case, group, scheme, supervisor, trainee

from rotasolve.cli import cli
from rotasolve.analysis.diagnostics import summary, warnings
from rotasolve.workbook.template import write_instance


def test_a_scheme_that_can_be_solved_has_no_warning():
    inst = scheme(trainees=[trainee("T1", cbdg_sessions_attended=0)], cases=[case("C1")],
                  supervisors=[supervisor()], groups=[group()])
    assert warnings(inst) == []


def test_the_counts():
    inst = scheme(trainees=[trainee("T1", grade=1, cbdg_sessions_attended=0), trainee("T2", base_site="B"),
                            trainee("T3", grade=3, current_cases=("C3",), short_case_done="IPT")],
                  cases=[case("C1"), case("C2", modality="IPT", length="long", sessions=30),
                         case("C3", length="long", sessions=30, current_trainee="T3", current_supervisor="S1")],
                  supervisors=[supervisor(modalities=("CBT", "IPT")), supervisor("S2", modalities=("CBT",))],
                  groups=[group(max_size=8), group("G2", max_size=6)])
    assert summary(inst) == {
        "trainees by grade": {"CT1": 1, "CT2": 1, "CT3": 1},
        "trainees by trust": {"Trust A": 2, "Trust B": 1},
        "cases by modality and length": {"CBT long": 1, "CBT short": 1, "IPT long": 1},
        "supervisors by modality": {"CBT": 2, "IPT": 1},
        "groups": {"groups": 2, "places": 14},
        "tutors": {"tutors": 1, "core PAs": 4},
        "kept items": {"running groups (trainees)": 0, "running cases": 1},
        # T1's cases are not yet due (CT1), so only their group counts; T3 holds the long case
        "needs": {"cbdg": 1, "long_case": 1, "short_case": 1},
    }


def test_too_few_free_slots_for_a_case():
    inst = scheme(trainees=[trainee("T1", available_slots=("MON-AM",), source_row=5),
                            # the group's slot is not free for a case either
                            trainee("T2", available_slots=("MON-AM", "TUE-AM"), cbdg_sessions_attended=10,
                                    current_group="G1", source_row=6),
                            # not yet due for a case: no warning
                            trainee("T3", grade=1, available_slots=("MON-AM",), source_row=7)],
                  cases=[case("C1")], supervisors=[supervisor()], groups=[group(slot="MON-AM")])
    assert warnings(inst) == [
        "Trainees row 5 (T1): only 1 free slot(s); a case needs two (session and supervision)",
        "Trainees row 6 (T2): only 1 free slot(s); a case needs two (session and supervision)"]


def test_cases_no_supervisor_with_capacity_is_qualified_for():
    inst = scheme(trainees=[trainee("T1")],
                  cases=[case("C1"), case("C2", modality="CAT"),
                         case("C3", modality="CAT", length="long", sessions=30)],
                  supervisors=[supervisor(), supervisor("S2", modalities=("CAT",), max_trainees=0)])
    assert warnings(inst) == ["2 CAT case(s) but no supervisor qualified in CAT with capacity"]


def test_a_group_no_one_can_attend_unless_it_is_running():
    needs = trainee("T1", cbdg_sessions_attended=0)
    far = scheme(trainees=[needs], groups=[group("G1", slot="FRI-PM", source_row=3),
                                           group("G2", site="B", source_row=4),
                                           group("G3", site="B", online=True, source_row=5)])
    assert warnings(far) == [
        "Groups row 3 (G1): no trainee who needs a group can attend its slot FRI-PM within their travel limit",
        "Groups row 4 (G2): no trainee who needs a group can attend its slot MON-AM within their travel limit"]
    running = scheme(trainees=[trainee("T1", cbdg_sessions_attended=10, current_group="G1")],
                     groups=[group("G1", slot="FRI-PM")])
    assert warnings(running) == []


def test_a_critical_case_with_no_eligible_case():
    """A CT3 finishing in August still needs a long case; the only long case is out of reach."""
    inst = scheme(trainees=[trainee("T1", grade=3, core_end=date(2027, 8, 4), short_case_done="IPT", source_row=2)],
                  cases=[case("C1", length="long", sessions=30, site="B")], supervisors=[supervisor(site="B")])
    assert warnings(inst) == [
        "Trainees row 2 (T1): the long case is critical (due 2027-08-04) but no case is eligible (length, grade, "
        "modality, travel and slots)"]
    reachable = scheme(trainees=inst.trainees, cases=[case("C1", length="long", sessions=30)],
                       supervisors=[supervisor()])
    assert warnings(reachable) == []


def test_validate_prints_the_counts_and_the_warnings(tmp_path):
    inst = scheme(trainees=[trainee("T1", available_slots=("MON-AM",))], cases=[case("C1", modality="CAT")],
                  supervisors=[supervisor()])
    path = tmp_path / "scheme.xlsx"
    write_instance(inst, path)
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "  cases by modality and length: CAT short: 1" in result.output
    assert "2 warning(s):" in result.output
    assert "  ! Trainees row 2 (T1): only 1 free slot(s)" in result.output
    assert "  ! 1 CAT case(s) but no supervisor qualified in CAT with capacity" in result.output
