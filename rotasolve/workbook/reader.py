"""Workbook -> Instance.

Every problem in the file is collected as a CellError (sheet, Excel row, column header,
value, what to do) and raised together in one WorkbookError; nothing here raises a
traceback at a user. The work is split by job: ``xlsx_file`` opens the file safely,
``cells`` converts one cell, ``sheets`` reads one sheet; this module builds the domain's
items from the rows and locates the domain's own consistency problems by row. Warnings
(unknown columns, unknown modalities) travel with the instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..domain import (
    KNOWN_MODALITIES, Case, Group, Instance, Problem, Profile, Settings, Site, Slot, Supervisor, Trainee,
    TravelTime, Tutor,
)
from ..domain.additions import AdditionCosts
from ..domain.consistency import Items, problems
from ..core.errors import CellError, WorkbookError
from . import schema as S
from .cells import nhs_number_like, shorten, split_list
from .sheets import Report, Row, open_or_refuse, read_key_values, read_slots, read_table
from .xlsx_file import SheetCells

# Each table sheet, the domain item its rows become, and that item's kind in Problems.
_TABLES: dict[str, tuple[type[BaseModel], str]] = {
    "Sites": (Site, "site"), "Travel": (TravelTime, "travel"), "Trainees": (Trainee, "trainee"),
    "Cases": (Case, "case"), "Supervisors": (Supervisor, "supervisor"), "Groups": (Group, "group"),
    "Tutors": (Tutor, "tutor"),
}
_SHEET_OF_KIND = {kind: sheet for sheet, (_model, kind) in _TABLES.items()} | {"slot": "Slots",
                                                                              "profile": "Requirements"}
_SPEC = {spec.name: spec for spec in S.SHEETS}


@dataclass
class ReadResult:
    instance: Instance
    warnings: list[CellError]
    costs: AdditionCosts = field(default_factory=AdditionCosts)  # the optional Costs sheet (`rotasolve capacity`)


def read_workbook(path: str | Path) -> ReadResult:
    """Read a scheme workbook, or raise WorkbookError listing every problem in it."""
    path = Path(path)
    report = Report()
    sheets = open_or_refuse(path, report)
    got: dict[str, SheetCells | None] = {}
    for spec in S.SHEETS:
        sheet = sheets.get(S.normalise(spec.name))
        if sheet is None and spec.required:
            report.error(spec.name, None, None, None,
                         f"the required sheet '{spec.name}' is missing; add it (see `rotasolve template`)")
        got[spec.name] = sheet
    ours = [spec.name for spec in S.SHEETS] + [S.ABOUT_SHEET, S.LISTS_SHEET, S.REPORT_SHEET]
    known = {S.normalise(name) for name in ours}
    for key, sheet in sheets.items():
        if key not in known:
            report.warn(sheet.title, None, None, None, "unknown sheet; it is ignored")

    scheme, _ = read_key_values(S.SCHEME, got["Scheme"], report)
    requirements, requirement_rows = read_key_values(S.REQUIREMENTS, got["Requirements"], report)
    costs, _ = read_key_values(S.COSTS, got["Costs"], report)  # each bad cost has its own row-level error
    slots = read_slots(got["Slots"], report)
    report.slot_ids = {S.normalise(s.id).replace(" ", "-"): s.id for s in slots}
    tables = {name: (read_table(_SPEC[name], cells, report) if (cells := got[name]) is not None else [])
              for name in _TABLES}
    titles = {name: (sh.title if sh is not None else name) for name, sh in got.items()}
    instance = _Builder(report, titles, requirement_rows).build(scheme, requirements, slots, tables)
    if report.problems or instance is None:
        raise WorkbookError(report.problems, report.warnings)
    return ReadResult(instance, sorted(report.warnings, key=lambda e: (e.sheet, e.row or 0, e.column or "")),
                      _model_or_none(AdditionCosts, costs) or AdditionCosts())


class _Builder:
    """Turns parsed rows into domain items, and locates what the domain finds wrong."""

    def __init__(self, report: Report, titles: dict[str, str], requirement_rows: dict[str, int]):
        self.report = report
        self.titles = titles
        self.requirement_rows = requirement_rows

    def err(self, sheet: str, row, column, value, message):
        self.report.error(self.titles[sheet], row, column, value, message)

    def build(self, scheme: dict, requirements: dict, slots: list[Slot], tables: dict[str, list[Row]]):
        settings = _model_or_none(Settings, scheme)  # each bad key already has its own row-level error
        profile = _model_or_none(Profile, requirements)
        self._checks_of_the_workbook(tables)
        if profile is not None:
            for row in tables["Cases"]:
                _default_sessions(row, profile)
        built, unbuilt = self._items(tables)
        if profile is not None:
            items = Items(profile=profile, slots=tuple(slots), **{k: tuple(v) for k, v in built.items()})
            for problem in problems(items, unbuilt):
                self._locate(problem)
        if self.report.problems or settings is None or profile is None:
            return None
        return Instance(settings=settings, profile=profile, slots=tuple(slots), **{
            k: tuple(v) for k, v in built.items()})

    def _checks_of_the_workbook(self, tables: dict[str, list[Row]]):
        """What only a filled-in sheet can get wrong: two groups typed in one cell, a
        patient identifier as a case id, an unusual modality spelling, no trainees."""
        groups = {r.values["group_id"]: r for r in tables["Groups"] if r.values.get("group_id")}
        for row in tables["Trainees"]:
            self._kept_in_two_groups(row, row.values.get("current_group"), groups)
        for row in tables["Cases"]:
            cid = row.values.get("case_id")
            if cid is not None and nhs_number_like(cid):
                self.err("Cases", row.number, "case_id", None,
                         "this case id looks like an NHS number (10 digits with a valid check "
                         "digit); patient identifiers must not be used: give the case a "
                         "pseudonymous reference such as C014")
                row.ok = False
        self._unusual_modalities(tables)
        if not tables["Trainees"] and self.titles["Trainees"] and \
                not any(e.sheet == self.titles["Trainees"] for e in self.report.problems):
            self.err("Trainees", None, None, None, "no trainees; add one row per core trainee")

    def _kept_in_two_groups(self, row: Row, value: str | None, groups: dict[str, Row]) -> None:
        """A tutor who writes two running groups in current_group is describing a trainee
        kept in two groups, which H1 forbids; say so, rather than 'unknown group "G1, G2"'."""
        named = split_list(value) if value else []
        if len(named) < 2 or any(g not in groups for g in named):
            return
        where = ", ".join(f"{g} (Groups row {groups[g].number})" for g in named)
        self.err("Trainees", row.number, "current_group", value,
                 f"trainee {row.values.get('trainee_id')} is kept in {len(named)} groups, {where}, "
                 f"but a trainee attends at most one group (H1); keep only the group they attend")
        row.ok = False

    def _unusual_modalities(self, tables: dict[str, list[Row]]) -> None:
        seen: dict[str, tuple[str, int, str]] = {}
        for sheet, columns in (("Trainees", ("short_case_done", "long_case_done", "preferred_modalities")),
                               ("Cases", ("modality",)), ("Supervisors", ("modalities",))):
            for row in tables[sheet]:
                for col in columns:
                    value = row.values.get(col)
                    for m in (value if isinstance(value, tuple) else (value,)):
                        if m and m not in KNOWN_MODALITIES and m not in seen:
                            seen[m] = (sheet, row.number, col)
        for m, (sheet, row_number, col) in sorted(seen.items()):
            self.report.warn(self.titles[sheet], row_number, col, m,
                             "not one of the usual modalities (" + ", ".join(KNOWN_MODALITIES) +
                             "); check the spelling — it only matches the same spelling elsewhere")

    def _items(self, tables: dict[str, list[Row]]):
        """Domain items from the rows that parsed; the ids of those that did not."""
        built: dict[str, list] = {}
        unbuilt: dict[str, list[tuple[str, int]]] = {}
        for sheet, (model, kind) in _TABLES.items():
            spec = _SPEC[sheet]
            built[S.collection(sheet)] = out = []
            for row in tables[sheet]:
                item = self._item(sheet, model, spec, row) if row.ok else None
                if item is not None:
                    out.append(item)
                elif spec.id_column and row.values.get(spec.id_column) is not None:
                    unbuilt.setdefault(kind, []).append((row.values[spec.id_column], row.number))
        return built, unbuilt

    def _item(self, sheet: str, model: type[BaseModel], spec: S.SheetSpec, row: Row):
        data = {("id" if k == spec.id_column else k): v for k, v in row.values.items() if v is not None}
        try:
            return model(source_row=row.number, **data)
        except ValidationError as exc:
            for e in exc.errors():
                col = str(e["loc"][0]) if e["loc"] else None
                col = spec.id_column if col == "id" else col
                self.err(sheet, row.number, col, row.values.get(col or ""), e["msg"])
            return None

    def _locate(self, p: Problem) -> None:
        sheet = _SHEET_OF_KIND[p.kind]
        if p.kind == "profile":
            self.err(sheet, self.requirement_rows.get(p.field), "value", p.value, p.message)
            return
        spec = _SPEC[sheet]
        column = spec.id_column if p.field == "id" else p.field
        value = None if p.kind == "case" and p.field == "id" else p.value  # case ids are never echoed
        self.err(sheet, p.row, column, None if value is None else shorten(value), p.message)


def _model_or_none(model: type[BaseModel], values: dict[str, Any]):
    try:
        return model(**{k: v for k, v in values.items() if v is not None})
    except ValidationError:
        return None


def _default_sessions(row: Row, profile: Profile) -> None:
    """workbook.md: blank sessions are 16 for a short case and 40 for a long one, moved
    into the scheme's own range for that length."""
    v = row.values
    length = v.get("length")
    if length is None or v.get("sessions") is not None:
        return
    v["sessions"] = S.DEFAULT_SESSIONS[length]
    if length == "short" and not (profile.short_case_min_sessions <= v["sessions"] <= profile.short_case_max_sessions):
        v["sessions"] = profile.short_case_max_sessions
    if length == "long" and v["sessions"] < profile.long_case_min_sessions:
        v["sessions"] = profile.long_case_min_sessions
