"""The HTML reports (`--html` on solve, compliance, capacity and forecast): one
self-contained file each — inline CSS and inline SVG charts, no script, no font, no
image and no request to anywhere — that a DME opens from an e-mail. Jinja2 templates
under ``templates/``, autoescaped: a name typed in the workbook is shown, never run."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..domain import Instance
from ..results.planning import CapacityPlan, Forecast
from ..results.solution import Solution
from ..core.version import __version__
from ..analysis.wording import (
    STATUS_COLOURS, STATUS_MEANING, manifest_lines, reason_words, requirement_words, status_words,
)
from .charts import lines
from .pages import compliance_context, solution_context


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The templates (package data), with the words and colours as filters."""
    env = Environment(loader=PackageLoader("rotasolve.reports", "templates"), autoescape=select_autoescape(),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(status=status_words, requirement=requirement_words, reason=reason_words,
                       bg=lambda s: "#" + STATUS_COLOURS[s][0], ink=lambda s: "#" + STATUS_COLOURS[s][1],
                       date=lambda d: "" if d is None else f"{d:%-d\u00a0%b\u00a0%Y}")  # a date never breaks
    env.globals.update(version=__version__, meaning=STATUS_MEANING, css=css())
    return env


@lru_cache(maxsize=1)
def css() -> str:
    return (Path(__file__).parent / "templates" / "style.css").read_text(encoding="utf-8")


def render(template: str, **context) -> str:
    return environment().get_template(template).render(**context)


def solution_html(inst: Instance, sol: Solution) -> str:
    """The solve result: headline, compliance per trust with a chart, a DME section per
    trust, the unmet requirements with their reasons, the timetables, the run record."""
    ctx = solution_context(inst, sol)
    return render("report_solution.html", c=ctx, **ctx)


def compliance_html(inst: Instance, sol: Solution | None) -> str:
    return render("report_compliance.html", **compliance_context(inst, sol))


def capacity_context(plan: CapacityPlan) -> dict:
    proven = "proven: no additions place more critical requirements, and none that place as many cost less"
    rows = [(label, getattr(plan.before, key), getattr(plan.after, key)) for label, key in (
        ("Critical requirements placed", "critical_placed"), ("Requirements placed", "placed"),
        ("Will miss", "WILL_MISS"), ("At risk", "AT_RISK"))] if plan.before and plan.after else []
    if not plan.additions:
        head = "Nothing to recruit: no addition places another critical requirement."
    else:
        assert plan.before is not None and plan.after is not None  # a plan with additions counts both
        head = (f"{len(plan.additions)} addition(s), total cost {plan.total_cost:g}, place "
                f"{plan.after.critical_placed - plan.before.critical_placed} more critical requirement(s) and "
                f"{plan.after.placed - plan.before.placed} more requirement(s) in all.")
    return {"title": f"{plan.scheme} — what to recruit", "headline": head, "proven": proven if plan.proven else
            "not proven the cheapest within the time limit", "rows": rows, "plan": plan,
            "manifest": manifest_lines(plan.before_solution.manifest)}


def capacity_html(plan: CapacityPlan) -> str:
    return render("report_capacity.html", **capacity_context(plan))


def forecast_context(fc: Forecast) -> dict:
    missing = sorted((t for t in fc.trainees if t.first_will_miss is not None),
                     key=lambda t: (t.first_will_miss, t.trainee_id, t.requirement))
    first = (f"First missed requirement in rotation {missing[0].first_will_miss} "
             f"({missing[0].trainee_id}, {requirement_words(missing[0].requirement).lower()}); "
             f"{len(missing)} trainee requirement(s) would be missed over the horizon."
             if missing else f"No trainee would miss a requirement over the {len(fc.rotations)} rotation(s).")
    chart = lines([str(r.rotation) for r in fc.rotations],
                  {"Will miss": [r.WILL_MISS for r in fc.rotations], "At risk": [r.AT_RISK for r in fc.rotations]},
                  "Will miss and at risk per rotation")
    return {"title": f"{fc.scheme} — the next {len(fc.rotations)} rotation(s)", "headline": first, "fc": fc,
            "chart": chart, "missing": missing}


def forecast_html(fc: Forecast) -> str:
    return render("report_forecast.html", **forecast_context(fc))
