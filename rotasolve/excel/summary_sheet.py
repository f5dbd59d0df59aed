"""The Summary sheet, what a DME reads first: the result in one sentence, the solve's
status and proven bounds in words, placed and unmet by requirement and grade, compliance
per trust with statuses in words and colours, and the run record in plain sentences."""

from __future__ import annotations

from collections import Counter

from openpyxl.styles import Alignment, Font

from ..analysis.compliance import STATUSES, per_trust
from ..domain import Instance
from ..results.solution import ComplianceRow, Solution
from ..analysis.wording import (
    SOLVE_STATUS_WORDS, STATUS_MEANING, headline, manifest_lines, requirement_words,
)
from .layout import WRAP, status_cell, wrapped
from ..workbook.safe import BOLD, HEADER_FILL, HEADER_FONT, TITLE_FONT, put, write_table

LAST = 9  # columns A..I: the label column and eight of numbers
LABEL_WIDTH, NUMBER_WIDTH = 44, 13
SECTION = Font(bold=True, size=12)


def summary_sheet(ws, inst: Instance, sol: Solution, rows: list[ComplianceRow]) -> None:
    ws.column_dimensions["A"].width = LABEL_WIDTH
    for j in range(2, LAST + 1):
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = NUMBER_WIDTH
    wrapped(ws, 1, 1, f"{inst.settings.name} — psychotherapy allocation", LAST, TITLE_FONT)
    put(ws, 2, 1, f"Period from {inst.settings.plan_start:%-d %B %Y} for {inst.settings.period_weeks} weeks")
    wrapped(ws, 3, 1, headline(inst, sol), LAST, Font(bold=True, size=13))
    r = _facts(ws, inst, sol, 5)
    r = _placed(ws, inst, sol, r + 1)
    r = _trusts(ws, rows, r + 1)
    r = _key(ws, r + 1)
    if sol.manifest.model_fields_set:
        put(ws, r + 1, 1, "Run record").font = SECTION
        for i, (what, said) in enumerate(manifest_lines(sol.manifest), start=r + 2):
            put(ws, i, 1, what).font = BOLD
            ws.cell(row=i, column=1).alignment = Alignment(vertical="top")
            wrapped(ws, i, 2, said, LAST)


def _facts(ws, inst: Instance, sol: Solution, r: int) -> int:
    facts = [("Status", SOLVE_STATUS_WORDS[sol.status]),
             ("Solve time", f"{sol.solve_seconds:g} deterministic seconds of search")]
    for name, value, bound in zip(sol.objective.names, sol.objective.tiers, sol.objective.bound):
        facts.append((f"Tier: {name}", f"{value} ({'bound unknown' if bound is None else f'at most {bound}'})"))
    for k, val in facts:
        label = wrapped(ws, r, 1, k)
        label.font = BOLD
        wrapped(ws, r, 2, val, LAST)
        r += 1
    return r


def _placed(ws, inst: Instance, sol: Solution, r: int) -> int:
    put(ws, r, 1, "Requirements placed and unmet, by grade").font = SECTION
    placed: Counter[tuple[str, int]] = Counter()
    for g in sol.groups:
        if not g.kept:
            placed[("cbdg", inst.trainee[g.trainee_id].grade)] += 1
    for c in sol.cases:
        if not c.kept:
            placed[(f"{inst.case[c.case_id].length}_case", inst.trainee[c.trainee_id].grade)] += 1
    unmet = Counter((u.requirement, inst.trainee[u.trainee_id].grade) for u in sol.unmet
                    if u.reason != "not_yet_due")
    table = [[requirement_words(req), f"CT{grade}", placed[(req, grade)], unmet[(req, grade)]]
             for req in ("cbdg", "short_case", "long_case") for grade in (1, 2, 3)]
    return write_table(ws, ["requirement", "grade", "placed", "unmet"], table, start_row=r + 1, filters=False,
                       freeze=False, widths={"requirement": LABEL_WIDTH, "grade": NUMBER_WIDTH,
                                             "placed": NUMBER_WIDTH, "unmet": NUMBER_WIDTH}) + 2


def _trusts(ws, rows: list[ComplianceRow], r: int) -> int:
    """Counts per trust, a column per status headed in words and its colour."""
    put(ws, r, 1, "Compliance by trust (each trainee once per requirement; the Compliance sheet has them all)"
        ).font = SECTION
    r += 1
    c = put(ws, r, 1, "trust")
    c.fill, c.font = HEADER_FILL, HEADER_FONT
    for j, s in enumerate(STATUSES, start=2):
        status_cell(ws, r, j, s).alignment = Alignment(wrap_text=True, horizontal="center")
    c = put(ws, r, LAST, "all")
    c.fill, c.font = HEADER_FILL, HEADER_FONT
    for trust, counts in per_trust(rows).items():
        r += 1
        wrapped(ws, r, 1, trust)
        for j, s in enumerate(STATUSES, start=2):
            put(ws, r, j, counts[s])
        put(ws, r, LAST, sum(counts.values()))
    return r + 2


def _key(ws, r: int) -> int:
    put(ws, r, 1, "What each status means").font = SECTION
    for s in reversed(STATUSES):
        r += 1
        status_cell(ws, r, 1, s).alignment = WRAP
        wrapped(ws, r, 2, STATUS_MEANING[s], LAST)
    return r + 2
