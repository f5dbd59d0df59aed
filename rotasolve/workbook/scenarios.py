"""The scenarios workbook of ``rotasolve sweep``: its reader and its template.

A ``Scenarios`` sheet, one row per scenario: ``scenario`` (its name), any Requirements or
Scheme key as a column, and ``supervisor_places``, ``tutor_pas`` and ``new_supervisors``.
A blank cell leaves that value as each workbook has it. Cells are converted as in a
scheme workbook (``CT2``, ``yes``, numbers typed as text) and then checked by the
domain's own fields, so a bound is the same one a scheme workbook meets. Unlike a scheme
workbook, an unknown column is an error, not a warning: a misspelt key would otherwise
be ignored and the sweep would answer a different question. Every problem is reported
at once, by sheet, row and column.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import Workbook
from pydantic import ValidationError

from ..domain import KNOWN_MODALITIES, Profile, Settings
from ..domain.entities import field_limits
from ..domain.scenario import (
    BASELINE, NEW_SUPERVISORS_LIMIT, PROFILE_KEYS, SETTINGS_KEYS, Scenario, field_value,
)
from ..core.errors import CellError, WorkbookError
from . import schema as S
from .cells import split_list
from .safe import BOLD, about_intro, save_workbook, write_table
from .sheets import Report, Row, open_or_refuse, read_table

SHEET = "Scenarios"
_ADDITIONS = (
    S.C("supervisor_places", "int", help="Add this many places (max_trainees) to every supervisor of the "
        "workbook, e.g. 1; a negative number takes places away (never below 0).", example=1),
    S.C("tutor_pas", "number", help="Add this many core PAs to every tutor of the workbook, e.g. 1 "
        "(never below 0).", example=1),
    S.C("new_supervisors", "text", help="New supervisors, as MODALITY:k, e.g. CBT:2, CAT:1. Each takes 2 "
        "cases (individual supervision) and goes to the site with the most requirements the baseline "
        "solve left unmet that a supervisor of that modality could unlock (critical ones first).",
        example="CBT:2"),
)


def _spec() -> S.SheetSpec:
    """Columns: the name, every Scheme and Requirements key (never required, blank = as
    in the workbook; bounds from the domain), and the three additions."""
    keys = [replace(c, required=False, default=None, example=None) for c in S.SCHEME.columns + S.REQUIREMENTS.columns]
    additions = []
    for c in _ADDITIONS:
        _, least, most = field_limits(Scenario, c.name) if c.name != "new_supervisors" else (None, None, None)
        additions.append(replace(c, min=least, max=most))
    name = S.C("scenario", "text", required=True, help="The scenario's name, unique in the sheet. A "
               f"'{BASELINE}' scenario with no changes is always solved first.", example="25 group sessions")
    return S.SheetSpec(SHEET, (name, *keys, *additions), help="One row per scenario.")


SPEC = _spec()
_KNOWN = [c.name for c in SPEC.columns]
_PAIR = re.compile(r"^\s*([^:]+?)\s*(?::\s*(\S+))?\s*$")


@dataclass
class ScenariosRead:
    scenarios: list[Scenario]
    warnings: list[CellError]


def _unknown(header: str) -> str:
    near = difflib.get_close_matches(S.normalise(header).replace(" ", "_"), _KNOWN, n=1)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return (f"unknown column{hint}; a scenario may set any Requirements or Scheme key, supervisor_places, "
            "tutor_pas or new_supervisors — see the About sheet of `rotasolve template --scenarios`")


def read_scenarios(path: str | Path) -> ScenariosRead:
    """The scenarios of a workbook, or WorkbookError listing every problem in it."""
    path = Path(path)
    report = Report()
    sheets = open_or_refuse(path, report)
    sheet = sheets.get(S.normalise(SHEET))
    if sheet is None:
        report.error(SHEET, None, None, None, f"the sheet '{SHEET}' is missing; add it (see `rotasolve "
                     "template --scenarios`)")
        raise WorkbookError(report.problems)
    report.slot_ids = {}  # no column of this sheet names a slot
    scenarios = []
    seen: dict[str, int] = {}
    for row in read_table(SPEC, sheet, report, unknown=_unknown):
        unique = _unique(row, seen, sheet.title, report)
        scenario = _scenario(row, sheet.title, report)  # every problem of the row, even if one is known
        if scenario is not None and unique and _not_named_baseline(scenario, sheet.title, report):
            scenarios.append(scenario)
    if report.problems:
        raise WorkbookError(report.problems, report.warnings)
    return ScenariosRead(scenarios, report.warnings)


def _unique(row: Row, seen: dict[str, int], title: str, report: Report) -> bool:
    name = row.values.get("scenario")
    if name is None:
        return False
    key = name.strip().casefold()
    if key in seen:
        report.error(title, row.number, "scenario", name,
                     f"duplicate scenario name (also row {seen[key]}); give each scenario its own name")
        return False
    seen[key] = row.number
    return True


def _not_named_baseline(s: Scenario, title: str, report: Report) -> bool:
    if s.name.strip().casefold() == BASELINE and not s.is_baseline:
        report.error(title, s.source_row, "scenario", s.name,
                     f"'{BASELINE}' is the name of the scenario with no changes, always solved first; "
                     "give this one another name")
        return False
    return True


def _new_supervisors(text: str) -> tuple[tuple[str, int], ...]:
    """'CBT:2, CAT' -> (('CBT', 2), ('CAT', 1)); ValueError says what is wrong."""
    out: dict[str, int] = {}
    for part in split_list(text):
        m = _PAIR.match(part)
        count = m.group(2) if m else None
        if not m or (count is not None and not count.isdigit()):
            raise ValueError(f"'{part}' is not MODALITY:k; write it like CBT:2, CAT:1")
        modality = m.group(1).upper()
        if modality in out:
            raise ValueError(f"{modality} is listed twice; give it once with the total")
        out[modality] = int(count) if count is not None else 1
        if not 1 <= out[modality] <= NEW_SUPERVISORS_LIMIT:
            raise ValueError(f"'{part}': give between 1 and {NEW_SUPERVISORS_LIMIT} new supervisors of a modality")
    return tuple(out.items())


def _overrides(row: Row, model, keys: tuple[str, ...], title: str, report: Report) -> dict | None:
    """The row's values of these keys, each checked by the domain's own field (the cell
    is already converted, and within the bounds the schema takes from that field)."""
    out, ok = {}, True
    for key in keys:
        if row.values.get(key) is None:
            continue
        try:
            out[key] = field_value(model, key, row.values[key])
        except ValidationError as err:
            report.error(title, row.number, key, row.values[key], str(err.errors()[0]["msg"]))
            ok = False
    return out if ok else None


def _scenario(row: Row, title: str, report: Report) -> Scenario | None:
    v = row.values
    settings = _overrides(row, Settings, SETTINGS_KEYS, title, report)
    profile = _overrides(row, Profile, PROFILE_KEYS, title, report)
    fields: dict = {
        "name": v["scenario"], "source_row": row.number, "settings": settings, "profile": profile,
        **{k: v[k] for k in ("supervisor_places", "tutor_pas") if v.get(k) is not None},
    }
    if v.get("new_supervisors") is not None:
        try:
            fields["new_supervisors"] = _new_supervisors(v["new_supervisors"])
        except ValueError as err:
            report.error(title, row.number, "new_supervisors", v["new_supervisors"], str(err))
            return None
        for modality, _ in fields["new_supervisors"]:
            if modality not in KNOWN_MODALITIES:
                report.warn(title, row.number, "new_supervisors", modality,
                            "not one of the usual modalities; it only matches the same spelling in a workbook")
    if not row.ok or settings is None or profile is None:  # each problem is already reported
        return None
    try:
        return Scenario(**fields)
    except ValidationError as exc:
        for e in exc.errors():
            column = str(e["loc"][0]) if e["loc"] else "scenario"
            column = "scenario" if column == "name" else column
            report.error(title, row.number, column, v.get(column), str(e["msg"]).removeprefix("Value error, "))
        return None


def write_scenarios_template(out: Path) -> None:
    """A Scenarios sheet with example rows, and an About sheet explaining every column."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook's one default sheet
    _about(wb.create_sheet("About"))
    ws = wb.create_sheet(SHEET)
    header = ["scenario", "cbdg_sessions", "weekly_case_hours", "supervisor_places", "tutor_pas",
              "new_supervisors"]
    rows: list[list[object]] = [["25 group sessions", 25, None, None, None, None],
            ["one more place per supervisor", None, None, 1, None, None],
            ["one more PA per tutor", None, None, None, 1, None],
            ["two more CBT supervisors", None, None, None, None, "CBT:2"],
            ["five hours a week for cases", None, 5, None, None, None]]
    write_table(ws, header, rows, widths={"scenario": 34, "new_supervisors": 22})
    save_workbook(wb, out)


def _about(ws) -> None:
    about_intro(ws, "rotasolve scenarios workbook",
                "One row per scenario on the Scenarios sheet. A scenario changes only what its row fills "
                "in; a blank cell is as in each workbook. Any column below may be added, in any order; an "
                "unknown column is an error. A 'baseline' scenario with no changes is always solved first, "
                "and every other is compared with it. Run: rotasolve sweep SCENARIOS.xlsx WORKBOOK.xlsx ...",
                "D", 75)
    rows = []
    for col in SPEC.columns:
        source = ("Scheme key" if col.name in SETTINGS_KEYS else
                  "Requirements key" if col.name in PROFILE_KEYS else _CHANGES[col.name])
        rows.append([col.name, source, _bounds(col), col.help])
    last = write_table(ws, ["column", "what it changes", "values", "meaning"], rows, start_row=4,
                       widths={"column": 26, "what it changes": 18, "values": 26, "meaning": 100}, freeze=False)
    for r in range(5, last + 1):
        ws.cell(row=r, column=1).font = BOLD


_CHANGES = {"scenario": "(its name)", "supervisor_places": "Supervisors", "tutor_pas": "Tutors",
            "new_supervisors": "Supervisors: new rows"}


def _bounds(col: S.Column) -> str:
    kinds = {"int": "whole number", "number": "number", "grade": "CT1, CT2 or CT3", "bool": "yes or no",
             "date": "date", "text": "text"}
    text = kinds.get(col.kind, col.kind)
    if col.name == "scenario":
        return "text, required, unique"
    if col.name == "new_supervisors":
        return "MODALITY:k list"
    if col.kind in ("grade", "bool", "date", "text"):
        return text
    if col.min is not None and col.max is not None:
        return f"{text}, {col.min:g} to {col.max:g}"
    if col.min is not None:
        return f"{text}, at least {col.min:g}"
    return text
