"""Reading one sheet into rows of converted values, by the schema: headers matched
leniently, every bad cell collected as a located problem, blank rows skipped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain import Slot, default_slots
from ..core.errors import CellError, WorkbookError
from . import schema as S
from .cells import BadCell, as_text, convert, shorten
from .xlsx_file import SheetCells, open_sheets


@dataclass
class Row:
    """One parsed data row: the Excel row number and its values by column name."""

    number: int
    values: dict[str, Any]
    ok: bool = True


@dataclass
class Report:
    """Every problem and warning found so far, and the slot ids cells may name."""

    problems: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)
    slot_ids: dict[str, str] = field(default_factory=dict)  # normalised -> canonical

    def error(self, sheet, row, column, value, message):
        self.problems.append(CellError(sheet, row, column, None if value is None else shorten(value), message))

    def warn(self, sheet, row, column, value, message):
        self.warnings.append(CellError(sheet, row, column, None if value is None else shorten(value),
                                       message, severity="warning"))

    def slot(self, text: str) -> str:
        canon = self.slot_ids.get(S.normalise(text).replace(" ", "-"))
        if canon is None:
            shown = ", ".join(list(self.slot_ids.values())[:12])
            raise BadCell(f"unknown slot '{shorten(text)}'; use one of the slot ids ({shown})")
        return canon


def _header_map(spec: S.SheetSpec, sheet: SheetCells, report: Report,
                unknown: Callable[[str], str] | None = None) -> dict[str, int] | None:
    if not sheet.values:
        report.error(sheet.title, 1, None, None, "the sheet is empty; row 1 must hold the column headers")
        return None
    known = {S.normalise(c.name): c.name for c in spec.columns}
    found: dict[str, int] = {}
    for i, h in enumerate(sheet.values[0]):
        if h is None or as_text(h) == "":
            continue
        key = S.normalise(h)
        if key in known:
            if known[key] in found:
                report.error(sheet.title, 1, known[key], h, "this column appears twice; delete one of them")
            found[known[key]] = i
        elif spec is S.CASES and looks_patient_identifiable(key):
            report.error(sheet.title, 1, as_text(h), None,
                         "the Cases sheet must not hold patient-identifiable data (names, dates of "
                         "birth, addresses, postcodes, NHS numbers); delete this column and keep "
                         "only the pseudonymous case_id")
        elif unknown is not None:
            report.error(sheet.title, 1, as_text(h), None, unknown(as_text(h)))
        else:
            report.warn(sheet.title, 1, as_text(h), None, "unknown column; it is ignored")
    for c in spec.columns:
        if c.required and c.name not in found:
            report.error(sheet.title, 1, c.name, None, f"required column '{c.name}' is missing; add it to row 1")
    return found


def looks_patient_identifiable(header: str) -> bool:
    words = set(header.split())
    for w in S.PATIENT_COLUMN_WORDS:
        if " " in w:
            if w in header:
                return True
        elif w in words:
            return True
    return False


def _cell(sheet: SheetCells, r: int, i: int) -> Any:
    row = sheet.values[r]
    v = row[i] if i < len(row) else None
    if v is None and sheet.formulas is not None and r < len(sheet.formulas):
        f = sheet.formulas[r][i] if i < len(sheet.formulas[r]) else None
        if isinstance(f, str) and f.startswith("="):
            raise BadCell("this cell holds a formula with no saved value; open the file in Excel "
                          "or LibreOffice and save it, or type the value in")
    if isinstance(v, str) and v.strip() == "":
        return None
    return v


def _cell_value(sheet: SheetCells, r: int, i: int) -> Any:
    row = sheet.values[r]
    return row[i] if i < len(row) else None


def _blank(sheet: SheetCells, r: int) -> bool:
    if not all(v is None or (isinstance(v, str) and v.strip() == "") for v in sheet.values[r]):
        return False
    formulas = sheet.formulas[r] if sheet.formulas and r < len(sheet.formulas) else ()
    return not any(isinstance(f, str) and f.startswith("=") for f in formulas)


def read_table(spec: S.SheetSpec, sheet: SheetCells, report: Report,
               unknown: Callable[[str], str] | None = None) -> list[Row]:
    """The sheet's data rows. An unknown column is a warning, or, where ``unknown`` is
    given, an error with the message it returns for that header (a sheet whose every
    column changes what is computed, such as Scenarios, cannot ignore a misspelt one)."""
    cols = _header_map(spec, sheet, report, unknown)
    if cols is None:
        return []
    # Without a required column no row is usable (the header error is already reported);
    # rows are still read so that every other problem in them is reported too.
    complete = all(c.name in cols for c in spec.columns if c.required)
    rows: list[Row] = []
    for r in range(1, len(sheet.values)):
        if _blank(sheet, r):
            continue
        row = Row(number=r + 1, values={}, ok=complete)
        for col in spec.columns:
            if col.name not in cols:
                row.values[col.name] = col.default
                continue
            try:
                v = _cell(sheet, r, cols[col.name])
                if v is None:
                    if col.required:
                        raise BadCell(f"'{col.name}' is required; fill it in")
                    row.values[col.name] = col.default
                    continue
                row.values[col.name] = convert(col, v, report.slot)
            except BadCell as bad:
                shown = None if spec is S.CASES and col.name == "case_id" else _cell_value(sheet, r, cols[col.name])
                report.error(sheet.title, row.number, col.name, shown, bad.message)
                row.ok = False
                row.values[col.name] = None
        rows.append(row)
    return rows


def read_key_values(spec: S.SheetSpec, sheet: SheetCells | None,
                    report: Report) -> tuple[dict[str, Any], dict[str, int]]:
    """A key/value sheet: the values by key (defaults where absent) and each key's row."""
    out: dict[str, Any] = {c.name: c.default for c in spec.columns}
    rows_of: dict[str, int] = {}
    if sheet is None:
        return out, rows_of
    if not sheet.values:
        report.error(sheet.title, 1, None, None, "the sheet is empty; row 1 must hold the headers key and value")
        return out, rows_of
    header = [S.normalise(h) if h is not None else "" for h in sheet.values[0]]
    if "key" not in header or "value" not in header:
        report.error(sheet.title, 1, "key", None, "row 1 must hold two headers: key and value")
        return out, rows_of
    ki, vi = header.index("key"), header.index("value")
    known = {S.normalise(c.name): c for c in spec.columns}
    for r in range(1, len(sheet.values)):
        raw = sheet.values[r]
        key = raw[ki] if ki < len(raw) else None
        if key is None or as_text(key) == "":
            if any(v is not None and as_text(v) != "" for v in raw):
                report.error(sheet.title, r + 1, "key", None,
                             "a value with no key; type the setting's name in the key column")
            continue
        col = known.get(S.normalise(key))
        if col is None:
            report.warn(sheet.title, r + 1, "key", key, "unknown setting; it is ignored")
            continue
        if col.name in rows_of:
            report.error(sheet.title, r + 1, "value", key,
                         f"'{col.name}' is set twice (also row {rows_of[col.name]}); keep one")
            continue
        rows_of[col.name] = r + 1
        try:
            v = _cell(sheet, r, vi)
            if v is None:
                if col.required:
                    raise BadCell(f"'{col.name}' needs a value")
                continue
            out[col.name] = convert(col, v, report.slot)
        except BadCell as bad:
            report.error(sheet.title, r + 1, "value", _cell_value(sheet, r, vi), f"{col.name}: {bad.message}")
            out[col.name] = None
    for c in spec.columns:
        if c.required and c.name not in rows_of:
            report.error(sheet.title, None, "key", None,
                         f"the setting '{c.name}' is missing; add a row with key {c.name}")
    return out, rows_of


def read_slots(sheet: SheetCells | None, report: Report) -> list[Slot]:
    """The Slots sheet, or the ten weekday half-days when it is absent. Read before the
    other sheets, whose cells name slots."""
    if sheet is None:
        return default_slots()
    slots: list[Slot] = []
    seen: dict[str, int] = {}
    for row in read_table(S.SLOTS, sheet, report):
        v = row.values
        if not row.ok:
            continue
        key = S.normalise(v["slot_id"]).replace(" ", "-")
        if key in seen:
            report.error(sheet.title, row.number, "slot_id", v["slot_id"],
                         f"duplicate slot id (also row {seen[key]}); ids must be unique")
            continue
        seen[key] = row.number  # an end before the start is the domain's to report
        slots.append(Slot(id=v["slot_id"], day=v["day"], start=v["start"], end=v["end"], source_row=row.number))
    if not slots and not any(e.sheet == sheet.title for e in report.problems):
        report.error(sheet.title, None, None, None,
                     "no slots are defined; add rows or delete the sheet to use MON-AM ... FRI-PM")
    return slots


def open_or_refuse(path: Path, report: Report) -> dict[str, SheetCells]:
    """Every sheet of the workbook by its normalised name, or WorkbookError saying why the
    file cannot be read (a scheme and a scenarios workbook are opened alike)."""
    sheets, why = open_sheets(path)
    if sheets is None:
        report.error(path.name, None, None, None, why)
        raise WorkbookError(report.problems)
    return sheets
