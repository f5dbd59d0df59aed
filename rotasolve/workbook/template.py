"""The input workbook, written: the blank template and any Instance (generated schemes,
the bundled example). Both come from the schema, so headers, drop-downs and the About
sheet always match what the reader accepts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain import KNOWN_MODALITIES, Instance, default_slots
from . import schema as S
from .cells import to_cell
from .safe import BOLD, about_intro, put, save_workbook, write_table

_DROPDOWN_ROWS = 2000


def _lists_sheet(wb, slot_ids: list[str]):
    """Long drop-down lists live on a hidden sheet (Excel limits inline lists to 255 chars)."""
    ws = wb.create_sheet("Lists")
    columns = {
        "grades": ["CT1", "CT2", "CT3"],
        "modalities": list(KNOWN_MODALITIES),
        "booleans": ["yes", "no"],
        "lengths": ["short", "long"],
        "days": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        "slots": slot_ids,
    }
    refs = {}
    for j, (name, values) in enumerate(columns.items(), start=1):
        put(ws, 1, j, name)
        for i, v in enumerate(values, start=2):
            put(ws, i, j, v)
        col = get_column_letter(j)
        refs[name] = f"Lists!${col}$2:${col}${len(values) + 1}"
    ws.sheet_state = "hidden"
    return refs


_KIND_LIST = {"grade": "grades", "modality": "modalities", "bool": "booleans", "length": "lengths",
              "day": "days", "slot": "slots"}


def _add_dropdowns(ws, spec: S.SheetSpec, refs: dict[str, str]):
    for j, col in enumerate(spec.columns, start=1):
        target = _KIND_LIST.get(col.kind)
        if target is None:
            continue
        letter = get_column_letter(j)
        dv = DataValidation(type="list", formula1=f"={refs[target]}", allow_blank=True,
                            showErrorMessage=False)
        dv.prompt = col.help[:250]
        dv.showInputMessage = True
        ws.add_data_validation(dv)
        dv.add(f"{letter}2:{letter}{_DROPDOWN_ROWS}")


def _about(wb):
    ws = wb.create_sheet("About", 0)
    about_intro(ws, "rotasolve scheme workbook",
                "Fill in one row per item on each sheet. Row 1 of each sheet holds the headers; "
                "column order is free. Lists in one cell are separated by commas. Dates: "
                "YYYY-MM-DD or DD/MM/YYYY. Yes/no cells take yes, no, y, n, true, false, 1 or 0. "
                "Check the file with: rotasolve validate FILE.xlsx", "E", 60)
    rows = []
    for spec in S.SHEETS:
        for col in spec.columns:
            need = ("required" if col.required
                    else "optional" if col.default is None else f"default {_fmt(col.default)}")
            rows.append([spec.name + ("" if spec.required else " (optional sheet)"),
                         col.name, need, col.help])
    write_table(ws, ["sheet", "column or key", "required?", "meaning"], rows, start_row=4,
                widths={"sheet": 28, "column or key": 26, "required?": 14, "meaning": 100}, freeze=False)


def _fmt(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def _sheet(wb, spec: S.SheetSpec, rows: list[list[Any]], refs):
    ws = wb.create_sheet(spec.name)
    if spec.key_value:
        write_table(ws, ["key", "value", "meaning"], rows, widths={"key": 26, "value": 30, "meaning": 90})
        for i in range(2, len(rows) + 2):
            ws.cell(row=i, column=1).font = BOLD
        return ws
    write_table(ws, [c.name for c in spec.columns], rows)
    _add_dropdowns(ws, spec, refs)
    return ws


def _kv_rows(spec: S.SheetSpec, values: dict[str, Any]) -> list[list[Any]]:
    return [[c.name, values.get(c.name, c.default), c.help] for c in spec.columns]


def write_template(out: Path) -> None:
    """The blank template: every sheet and header, drop-downs, About, example rows."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook's one default sheet
    _about(wb)
    slot_ids = [s.id for s in default_slots()]
    refs = _lists_sheet(wb, slot_ids)
    for spec in S.SHEETS:
        if spec.key_value:
            rows = _kv_rows(spec, {c.name: c.example if c.example is not None else c.default for c in spec.columns})
        elif spec is S.SLOTS:
            rows = [[s.id, s.day, s.start, s.end] for s in default_slots()]
        else:
            rows = [[c.example for c in spec.columns]]
        _sheet(wb, spec, rows, refs)
    wb.move_sheet("Lists", offset=len(wb.sheetnames))
    save_workbook(wb, out)


def instance_rows(inst: Instance) -> dict[str, list[list[Any]]]:
    """The instance as input-sheet rows, column order as in the schema."""
    def row(spec: S.SheetSpec, obj, rename=None):
        return [to_cell(c, getattr(obj, (rename or {}).get(c.name, c.name))) for c in spec.columns]

    id_of = lambda spec: {spec.id_column: "id"}  # noqa: E731
    return {
        "Slots": [[s.id, s.day, s.start, s.end] for s in inst.slots],
        "Sites": [row(S.SITES, s, id_of(S.SITES)) for s in inst.sites],
        "Travel": [[t.from_site, t.to_site, t.minutes] for t in inst.travel_times],
        "Trainees": [row(S.TRAINEES, t, id_of(S.TRAINEES)) for t in inst.trainees],
        "Cases": [row(S.CASES, c, id_of(S.CASES)) for c in inst.cases],
        "Supervisors": [row(S.SUPERVISORS, s, id_of(S.SUPERVISORS)) for s in inst.supervisors],
        "Groups": [row(S.GROUPS, g, id_of(S.GROUPS)) for g in inst.groups],
        "Tutors": [row(S.TUTORS, u, id_of(S.TUTORS)) for u in inst.tutors],
    }


def write_instance(inst: Instance, out: Path) -> None:
    """Write a scheme as an input workbook (generated schemes, the example)."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # a new workbook's one default sheet
    _about(wb)
    refs = _lists_sheet(wb, list(inst.slot_ids))
    settings = inst.settings.model_dump()
    profile = inst.profile.model_dump()
    for key in ("cbdg_due_grade", "case_min_grade", "cases_due_grade"):
        profile[key] = f"CT{profile[key]}"
    profile["case_requires_cbdg"] = "yes" if profile["case_requires_cbdg"] else "no"
    tables = instance_rows(inst)
    for spec in S.SHEETS:
        if spec is S.SCHEME:
            rows = _kv_rows(spec, settings)
        elif spec is S.REQUIREMENTS:
            rows = _kv_rows(spec, profile)
        elif spec is S.COSTS:
            continue  # optional, and only `rotasolve capacity` reads it: absent means the defaults
        else:
            rows = tables[spec.name]
        _sheet(wb, spec, rows, refs)
    wb.move_sheet("Lists", offset=len(wb.sheetnames))
    wb.properties.creator = "rotasolve"
    save_workbook(wb, out)
