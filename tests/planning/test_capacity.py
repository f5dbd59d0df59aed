"""`rotasolve capacity` (planning.md, "What to recruit"): the applied workbook places what
the report claims and everything any addition could rescue; every addition is needed;
with one kind of addition free and the others unavailable, the answer is the brute-force
one; the Costs sheet is read, refused when wrong, and in the template."""

from __future__ import annotations

import itertools
import json
import time
from datetime import timedelta

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, PLAN_START, case, group, scheme, supervisor, trainee, tutor

from rotasolve.cli import cli
from rotasolve.domain.tiers import CRITICAL
from rotasolve.domain import Profile
from rotasolve.domain.additions import AdditionCosts, offer_additions, rebuilt
from rotasolve.engine import SolveOptions
from rotasolve.workbook.reader import read_workbook
from rotasolve.workbook.template import write_instance
from rotasolve.synthetic.generate import generate
from rotasolve.model.build import build
from rotasolve.model.additions import cost as model_cost
from rotasolve.model.search import Budget, Stage, search
from rotasolve.pipeline import allocate
from rotasolve.planning.capacity import counts, plan_capacity

KINDS = ("supervisor_place", "tutor_pa", "group_place", "new_supervisor", "new_group")


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def best_critical(inst, seconds: float = 10.0) -> int:
    """The most critical requirements any allocation of ``inst`` places, proven."""
    found = search(build(inst), Budget(None, time.monotonic() + seconds), workers=2, stages=1)
    assert found.bounds.critical == found.values.critical, "tier 1a not proven in time"
    return found.values.critical


def critical_placed(inst, seconds: float = 5.0) -> int:
    return counts(inst, allocate(inst, SolveOptions(time_limit=seconds, workers=2))).critical_placed


def only(kind: str) -> AdditionCosts:
    """This kind free, every other kind unavailable."""
    return AdditionCosts(**{kind: 0}, **{f"{k}_limit": 0 for k in KINDS if k != kind})


def without(applied, addition: dict):
    """The applied scheme with one addition (as the JSON reports it) taken back."""
    kind, item, n = addition["kind"], addition["ids"][0], addition["amount"]
    if kind == "new_supervisor":
        return rebuilt(applied, supervisors=tuple(s for s in applied.supervisors if s.id != item))
    if kind == "new_group":
        return rebuilt(applied, groups=tuple(g for g in applied.groups if g.id != item))
    field, items, name = {"supervisor_place": ("max_trainees", applied.supervisors, "supervisors"),
                          "tutor_pa": ("core_pas", applied.tutors, "tutors"),
                          "group_place": ("max_size", applied.groups, "groups")}[kind]
    return rebuilt(applied, **{name: tuple(x.model_copy(update={field: getattr(x, field) - n}) if x.id == item else x
                                           for x in items)})


# ----- the bundled example and generated schemes with tight tutors, scarce supervisors -----

SCHEMES = {"example": None, "tight-tutors": (30, 2, 1), "scarce-supervisors": (30, 2, 1)}


# The bundled example (the capacity search runs 15 s or more and finds nothing to buy) is in
# the slow tier: the same CLI run, --apply and assertions are in the default run on the two
# small generated schemes, and "nothing to buy" in test_nothing_is_bought_that_nothing_needs.
@pytest.fixture(scope="module", params=[pytest.param("example", marks=pytest.mark.slow),
                                        "tight-tutors", "scarce-supervisors"])
def planned(request, tmp_path_factory):
    """A scheme, its capacity report (the JSON of `rotasolve capacity`), and the --apply
    workbook read back."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "example":
        source, limit = EXAMPLE, 15
    else:
        source, limit = folder / "in.xlsx", 8
        n, k, seed = SCHEMES[request.param]
        write_instance(generate(n, k, seed, shape=request.param), source)
    applied = folder / "applied.xlsx"
    result = run("capacity", source, "-o", folder / "cap.xlsx", "--json", folder / "cap.json", "--apply", applied,
                 "--time-limit", limit)
    assert result.exit_code == 0, result.output
    assert "what to recruit" in result.output
    assert openpyxl.load_workbook(folder / "cap.xlsx").sheetnames[:2] == ["Capacity", "Summary"]
    report = json.loads((folder / "cap.json").read_text())
    assert report["proven"]  # small schemes: the most critical placements and the least cost are proven
    return read_workbook(source).instance, report, read_workbook(applied).instance


def test_the_applied_workbook_places_what_the_report_claims(planned):
    inst, report, applied = planned
    claimed = report["after"]["critical_placed"]
    assert claimed >= report["before"]["critical_placed"]
    assert critical_placed(applied) >= claimed
    # Every critical requirement any additions could rescue: the scheme with every addition
    # on offer bought places no more.
    candidates, offer = offer_additions(inst, AdditionCosts())
    assert best_critical(offer.everything(candidates)) == claimed


def test_every_addition_is_needed(planned):
    _inst, report, applied = planned
    if report["before"]["critical_placed"] < report["after"]["critical_placed"]:
        assert report["additions"], "more critical placements without buying anything"
    for a in report["additions"]:
        assert best_critical(without(applied, a)) < report["after"]["critical_placed"], f"{a} is not needed"
        if a["amount"] > 1:  # nor is any unit of it spare
            less = without(applied, {**a, "amount": 1})
            assert best_critical(less) < report["after"]["critical_placed"], f"one unit of {a} is not needed"


def test_the_applied_workbook_keeps_what_the_user_typed(planned):
    inst, report, applied = planned
    raised = {(a["kind"], a["ids"][0]): a["amount"] for a in report["additions"]}
    for s in inst.supervisors:
        assert applied.supervisor[s.id] == s.model_copy(
            update={"max_trainees": s.max_trainees + raised.get(("supervisor_place", s.id), 0)})
    for u in inst.tutors:
        assert applied.tutor[u.id] == u.model_copy(update={"core_pas": u.core_pas + raised.get(("tutor_pa", u.id), 0)})
    for g in inst.groups:
        assert applied.group[g.id] == g.model_copy(
            update={"max_size": g.max_size + raised.get(("group_place", g.id), 0)})
    new = [s for s in applied.supervisors if s.id not in inst.supervisor] + \
          [g for g in applied.groups if g.id not in inst.group]
    assert sorted(x.id for x in new) == sorted(a["ids"][0] for a in report["additions"] if a["kind"].startswith("new_"))
    assert all(x.id.startswith(("NEW-SUP-", "NEW-GRP-")) and "(proposed)" in x.name for x in new)
    assert applied.trainees == inst.trainees and applied.cases == inst.cases and applied.settings == inst.settings


def test_what_the_report_says(planned):
    inst, report, _applied = planned
    if inst.settings.name.startswith("North Thames"):
        # Every critical requirement of the example is placed as it is: nothing to buy.
        assert report["additions"] == [] and report["total_cost"] == 0
        assert report["before"] == report["after"]
        return
    assert report["after"]["critical_placed"] > report["before"]["critical_placed"]
    assert report["total_cost"] == sum(a["cost"] for a in report["additions"]) > 0
    for a in report["additions"]:
        assert set(a) >= {"kind", "ids", "amount", "cost", "unlocks"} and a["unlocks"]
        assert all({"trainee_id", "name", "requirement", "critical"} <= set(u) for u in a["unlocks"])
    for u in report["unrescued"]:
        assert u["reason"] and u["detail"]


# ----- one kind free, the others unavailable: the brute-force answer -----

def critical_trainee(tid, **kw):
    """A CT3 finishing in 40 weeks who still needs a long case: critical, placeable now."""
    base = dict(grade=3, core_end=PLAN_START + timedelta(weeks=40), short_case_done="PSYCHODYNAMIC")
    return trainee(tid, **{**base, **kw})


def group_trainee(tid, **kw):
    """A CT2 whose group attendance is due in 50 weeks and not begun: critical, placeable now."""
    base = dict(grade=2, core_end=PLAN_START + timedelta(weeks=102), cbdg_sessions_attended=0,
                short_case_done="CBT", long_case_done="IPT")
    return trainee(tid, **{**base, **kw})


def tiny(kind):
    slots = ("MON-AM", "TUE-AM", "WED-AM", "THU-AM")
    longs = [case(f"C{i}", length="long", sessions=20) for i in range(1, 5)]
    if kind == "supervisor_place":
        return scheme(trainees=[critical_trainee(f"T{i}") for i in range(1, 5)], cases=longs,
                      supervisors=[supervisor("S1", max_trainees=1), supervisor("S2", max_trainees=1, site="A2")])
    if kind == "tutor_pa":
        return scheme(trainees=[critical_trainee(f"T{i}") for i in range(1, 5)], cases=longs,
                      supervisors=[supervisor("S1", max_trainees=4)], tutors=[tutor(core_pas=1)],
                      profile=Profile(trainees_per_tutor_pa=1))
    if kind == "group_place":
        return scheme(trainees=[group_trainee(f"T{i}") for i in range(1, 6)],
                      groups=[group("G1", max_size=2, min_size=1), group("G2", max_size=1, min_size=1, slot="TUE-AM")])
    if kind == "new_supervisor":
        return scheme(trainees=[critical_trainee(f"T{i}") for i in range(1, 4)],
                      cases=longs[:2] + [case(f"C{i}", length="long", sessions=20, modality="IPT") for i in (5, 6)],
                      supervisors=[supervisor("S1", max_trainees=1, available_slots=slots[:3])])
    return scheme(trainees=[group_trainee(f"T{i}", available_slots=("MON-AM", "TUE-AM")) for i in range(1, 6)],
                  groups=[group("G1", max_size=2, min_size=1)])


def brute_force(kind, inst):
    """(most critical placed, fewest units that place them) over every choice of this
    kind's additions, each scheme built here and solved as an ordinary one."""
    if kind in ("supervisor_place", "tutor_pa", "group_place"):
        name, field = {"supervisor_place": ("supervisors", "max_trainees"), "tutor_pa": ("tutors", "core_pas"),
                       "group_place": ("groups", "max_size")}[kind]
        items = getattr(inst, name)
        options = []
        for amounts in itertools.product(range(3), repeat=len(items)):
            raised = tuple(x.model_copy(update={field: getattr(x, field) + n}) for x, n in zip(items, amounts))
            options.append((rebuilt(inst, **{name: raised}), sum(amounts)))
    elif kind == "new_supervisor":
        site_slots = tuple(k for k in inst.slot_ids if any(k in s.available_slots for s in inst.supervisors))
        options = []
        for n_cbt, n_ipt in itertools.product(range(3), repeat=2):
            new = [supervisor(f"N-{m}-{i}", modalities=(m,), max_trainees=2, available_slots=site_slots,
                              source_row=None)
                   for m, n in (("CBT", n_cbt), ("IPT", n_ipt)) for i in range(n)]
            options.append((rebuilt(inst, supervisors=inst.supervisors + tuple(new)), n_cbt + n_ipt))
    else:
        spots = [(site, slot) for site in ("A", "A2", "B") for slot in ("MON-AM", "TUE-AM")]
        options = []
        for chosen in itertools.product((0, 1), repeat=len(spots)):
            new = [group(f"N-{site}-{slot}", site=site, slot=slot, min_size=4, max_size=10, source_row=None)
                   for (site, slot), on in zip(spots, chosen) if on]
            options.append((rebuilt(inst, groups=inst.groups + tuple(new)), sum(chosen)))
    scored = [(best_critical(x, 5), units) for x, units in options]
    best = max(c for c, _ in scored)
    return best, min(units for c, units in scored if c == best)


@pytest.mark.parametrize("kind", KINDS)
def test_one_free_kind_matches_brute_force(kind):
    inst = tiny(kind)
    plan = plan_capacity(inst, only(kind), SolveOptions(time_limit=10, workers=2))
    assert plan.proven
    best, fewest = brute_force(kind, inst)
    assert plan.after.critical_placed == best > plan.before.critical_placed
    assert sum(a.amount for a in plan.additions) == fewest
    assert {a.kind for a in plan.additions} == {kind} and plan.total_cost == 0


def test_a_costs_sheet_in_the_workbook_is_used(tmp_path):
    path = tmp_path / "tiny.xlsx"
    write_instance(tiny("supervisor_place"), path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Costs")
    ws.append(["key", "value"])
    ws.append(["supervisor_place", 0])
    for k in KINDS[1:]:
        ws.append([k, "100000"])  # prohibitive, and numbers typed as text are numbers
        ws.append([f"{k}_limit", 0])
    wb.save(path)
    assert read_workbook(path).costs == only("supervisor_place").model_copy(
        update={k: 100_000 for k in KINDS[1:]})
    out = tmp_path / "cap.json"
    assert run("capacity", path, "--json", out, "-o", tmp_path / "cap.xlsx", "--time-limit", 10).exit_code == 0
    report = json.loads(out.read_text())
    assert {a["kind"] for a in report["additions"]} == {"supervisor_place"}
    best, fewest = brute_force("supervisor_place", tiny("supervisor_place"))
    assert (report["after"]["critical_placed"], sum(a["amount"] for a in report["additions"])) == (best, fewest)


@pytest.mark.parametrize("kind", ["group_place", "new_group"])
def test_applied_groups_place_what_the_report_claims(kind, tmp_path):
    """The default costs buy group places in one tiny scheme and a new group in another;
    the applied workbook has them (a new group as a row of its own) and places as claimed."""
    path, applied, out = tmp_path / "in.xlsx", tmp_path / "applied.xlsx", tmp_path / "cap.json"
    write_instance(tiny(kind), path)
    assert run("capacity", path, "--json", out, "--apply", applied, "--time-limit", 8).exit_code == 0
    report = json.loads(out.read_text())
    assert {a["kind"] for a in report["additions"]} == {kind}
    after = read_workbook(applied).instance
    if kind == "new_group":
        new = after.group["NEW-GRP-1"]
        assert "(proposed)" in new.name and (new.min_size, new.max_size, new.external_members) == (4, 10, 0)
    else:
        assert after.group["G1"].max_size + after.group["G2"].max_size == 3 + 2
        assert sum(a["amount"] for a in report["additions"]) == 2
    assert critical_placed(after) == report["after"]["critical_placed"] == 5


# ----- bad input -----

@pytest.mark.parametrize("value,message", [(-1, "must be at least 0"), ("lots", "expected a number"),
                                           ("", None)])
def test_bad_costs_are_refused_located(tmp_path, value, message):
    path = tmp_path / "in.xlsx"
    write_instance(tiny("supervisor_place"), path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("Costs")
    for row in (["key", "value"], ["tutor_pa", value], ["new_group_limit", 1.5]):
        ws.append(row)
    wb.save(path)
    result = run("capacity", path, "-o", tmp_path / "out.xlsx")
    assert result.exit_code == 3
    assert "Costs, row 3, column 'value': new_group_limit: expected a whole number" in result.output
    if message:
        assert f"Costs, row 2, column 'value': tutor_pa: {message}" in result.output
    else:  # a blank value takes the default
        assert "tutor_pa" not in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_outputs_are_checked_before_any_work(tmp_path):
    path = tmp_path / "in.xlsx"
    write_instance(tiny("supervisor_place"), path)
    assert run("capacity", path, "-o", path).exit_code == 2
    assert run("capacity", path, "-o", tmp_path / "a.xlsx", "--apply", tmp_path / "a.xlsx").exit_code == 2
    (tmp_path / "b.json").write_text("{}")
    result = run("capacity", path, "--json", tmp_path / "b.json")
    assert result.exit_code == 2 and "--force" in result.output
    assert run("capacity", path, "--no-such-option").exit_code == 2


def test_the_template_has_the_costs_sheet_and_its_about_rows(tmp_path):
    out = tmp_path / "t.xlsx"
    assert run("template", out).exit_code == 0
    wb = openpyxl.load_workbook(out)
    costs = {r[0]: r[1] for r in wb["Costs"].iter_rows(min_row=2, values_only=True)}
    assert costs["supervisor_place"] == 1 and costs["new_supervisor"] == 6 and costs["new_group_limit"] == 1
    about = [r for r in wb["About"].iter_rows(values_only=True) if r[0] and str(r[0]).startswith("Costs")]
    assert {r[1] for r in about} >= set(KINDS) and all(r[3] for r in about)
    assert read_workbook(out).costs == AdditionCosts()


def test_running_items_that_conflict_are_exit_4(tmp_path):
    """As for `solve`: kept items are kept (H10), so a conflict among them is reported, not bought off."""
    inst = scheme(trainees=[trainee("T1", current_cases=("C1",)), trainee("T2", current_cases=("C2",))],
                  cases=[case("C1", current_trainee="T1", current_supervisor="S2"),
                         case("C2", current_trainee="T2", current_supervisor="S2")],
                  supervisors=[supervisor("S2", max_trainees=1)])
    path = tmp_path / "conflict.xlsx"
    write_instance(inst, path)
    for command in (["capacity", path, "-o", tmp_path / "cap.xlsx"],
                    ["forecast", path, "--rotations", 2, "-o", tmp_path / "fc.xlsx"]):
        result = run(*command, "--time-limit", 5)
        assert result.exit_code == 4 and "S2" in result.output, result.output
    assert not (tmp_path / "cap.xlsx").exists() and not (tmp_path / "fc.xlsx").exists()


def test_nothing_is_bought_that_nothing_needs():
    """The model's own cost is nought when no addition places anything more: a candidate
    group or supervisor that is not bought holds nobody, and costs nothing not to buy."""
    roomy = rebuilt(tiny("new_group"), groups=(group("G1", max_size=10, min_size=1),))
    candidates, offer = offer_additions(roomy, AdditionCosts())
    assert {p.kind for p in offer.possible} == {"new_group", "group_place", "tutor_pa"}
    built = build(candidates, offer=offer)
    cost, _most = model_cost(built.vars)
    found = search(built, Budget(None, time.monotonic() + 10), workers=1,
                   stages=[Stage("critical", built.tiers.critical.expr, (CRITICAL,)), Stage("cost", -cost)])
    assert found.values.critical == 5 and found.extra["cost"] == 0 == found.extra_bounds["cost"]
