"""The HTML reports of `--html`: words not codes, self-contained (no script, no request),
escaped, and written by each of the four commands."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT, scheme, trainee

import rotasolve.pipeline as pipeline
from rotasolve.cli import cli
from rotasolve.analysis.compliance import statuses
from rotasolve.workbook.reader import read_workbook
from rotasolve.reports import compliance_html, solution_html
from rotasolve.results.solution import Solution
from rotasolve.analysis.wording import headline, manifest_lines, plain

SOLVED = ROOT / "solutions" / "north_thames.json"


@pytest.fixture(scope="module")
def example():
    return read_workbook(EXAMPLE).instance, Solution.load(SOLVED)


def self_contained(html: str) -> None:
    """Nothing that would run or fetch: no script, no external reference of any kind."""
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html, re.I)
    assert "@import" not in html and "url(" not in html
    assert "<link" not in html.lower() and "<img" not in html.lower()


def test_solution_report_headline_words_and_sections(example):
    inst, sol = example
    html = solution_html(inst, sol)
    self_contained(html)
    assert headline(inst, sol) == ("All 5 critical requirements placed; 30 of 75 requirements placed (28 not yet "
                                   "due); 1 trainee at risk, at Eastfield Care NHS Trust.")
    assert headline(inst, sol) in html
    for words in ("Compliance per trust", "Unmet requirements and why", "Timetables", "Trainees by weekly slot",
                  "Supervisors by weekly slot", "Groups by weekly slot", "for the Director of Medical Education",
                  "Run record", "At risk", "Not yet due", "Tutor has no room", "<svg"):
        assert words in html, words
    for code in ("WILL_MISS", "NOT_YET_DUE", "IN_PROGRESS"):  # codes only as a tooltip, never as the text
        assert f">{code}<" not in html
    assert html.count('class="dme"') == len(inst.trusts)
    assert "{'variables'" not in html and "['one model']" not in html


def test_manifest_in_plain_words(example):
    _inst, sol = example
    said = dict(manifest_lines(sol.manifest))
    size = sol.manifest.model
    assert size is not None and size.variables > 1000  # so the thousands separator shows
    assert said["Model size"] == f"{size.variables:,} variables, {size.constraints:,} constraints, 1 part"
    assert said["Strategy"] == "one model"
    assert said["Notes"] == "none"
    assert said["Reproducible"].startswith("yes")
    assert plain({"a_b": 2}) == "2 a b" and plain([]) == "none" and plain(None) == "—" and plain(True) == "yes"


def test_report_escapes_what_the_workbook_says():
    inst = scheme(trainees=[trainee("T1", name="<script>alert(1)</script>")])
    html = compliance_html(inst, None)
    self_contained(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_compliance_report_before_solving(example):
    inst, _sol = example
    html = compliance_html(inst, None)
    self_contained(html)
    assert "As the workbook stands" in html and "Tutor PAs against CR224" in html
    assert len(statuses(inst)) == 120


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_solve_and_compliance_write_html(tmp_path, monkeypatch, example):
    _inst, solved = example
    monkeypatch.setattr(pipeline, "solve_model", lambda inst, options, progress=None, deadline=None:
                        solved.model_copy(update={"unmet": [], "compliance": []}))
    page = tmp_path / "report.html"
    result = run("solve", EXAMPLE, "-o", tmp_path / "s.xlsx", "--html", page)
    assert result.exit_code == 0, result.output
    assert "All 5 critical requirements placed" in page.read_text(encoding="utf-8")
    result = run("solve", EXAMPLE, "-o", tmp_path / "t.xlsx", "--html", page)
    assert result.exit_code == 2 and "already exists" in result.output
    result = run("solve", EXAMPLE, "-o", tmp_path / "u.xlsx", "--json", tmp_path / "u.xlsx")
    assert result.exit_code == 2 and "different files" in result.output
    comp = tmp_path / "compliance.html"
    result = run("compliance", EXAMPLE, "--solution", SOLVED, "--html", comp)
    assert result.exit_code == 0, result.output
    assert "With the allocation" in comp.read_text(encoding="utf-8")


def test_help_mentions_html():
    for command in ("solve", "compliance", "capacity", "forecast"):
        assert "--html" in run(command, "--help").output


def test_every_template_ships_with_the_package():
    import fnmatch
    import tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"][
        "rotasolve.reports"]
    folder = ROOT / "rotasolve" / "reports"
    files = [str(p.relative_to(folder)) for p in (folder / "templates").iterdir()]
    assert files and all(any(fnmatch.fnmatch(f, pat) for pat in patterns) for f in files)


def test_capacity_and_forecast_write_html(tmp_path):
    from conftest import case, supervisor

    from rotasolve.workbook.template import write_instance
    inst = scheme(trainees=[trainee("T1", grade=3), trainee("T2", grade=2)], cases=[case("C1")],
                  supervisors=[supervisor("S1", max_trainees=1)])
    book = tmp_path / "small.xlsx"
    write_instance(inst, book)
    page = tmp_path / "capacity.html"
    result = run("capacity", book, "-o", tmp_path / "c.xlsx", "--html", page, "--time-limit", 4)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    self_contained(html)
    assert "What to recruit" in html and "As it is" in html
    page = tmp_path / "forecast.html"
    result = run("forecast", book, "--rotations", 2, "-o", tmp_path / "f.xlsx", "--html", page, "--time-limit", 4)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    self_contained(html)
    assert "Per rotation" in html and "<svg" in html
