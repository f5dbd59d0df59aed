"""`rotasolve capacity --apply`: the user's workbook with the proposed additions made.

A copy of the user's own file, edited in place like `rotasolve next` does
(``edit.py``): raised limits are written into the rows they belong to (``max_trainees``,
``core_pas``, ``max_size``), and each new supervisor or group is a new row at the end of
its sheet, with its id (NEW-SUP-1, NEW-GRP-1, ...) and a name that says "(proposed)".
Everything else — other sheets and columns, their values, styles and drop-downs — stays
as the user typed it. Formulas become their saved values, as in the next workbook (the
file must read without being opened and saved in Excel first).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..domain import Group, Instance, Supervisor, Tutor
from ..workbook import schema as S
from ..workbook.cells import to_cell
from ..workbook.edit import columns, last_row, open_copy, row_of, sheet_named, style_like
from ..workbook.safe import put, save_workbook

# Sheet of each resource, its contract, the raised field, and the applied instance's lookup.
_RAISED = {"supervisor": (S.SUPERVISORS, "max_trainees"), "tutor": (S.TUTORS, "core_pas"),
           "group": (S.GROUPS, "max_size")}


def write_applied_workbook(source: Path, inst: Instance, applied: Instance, raised: list[tuple[str, str]],
                           new: list[tuple[str, str]], out: Path) -> str | None:
    """``source`` (read as ``inst``) with ``applied``'s values for the ``raised``
    (resource, id) pairs and ``new`` (resource, id) rows added, written to ``out``. A
    ``source`` other than an .xlsx becomes a fresh .xlsx: the note returned says so."""
    wb, note = open_copy(source)
    Items = Mapping[str, Supervisor | Tutor | Group]
    lookup: dict[str, tuple[Items, Items]] = {
        "supervisor": (inst.supervisor, applied.supervisor), "tutor": (inst.tutor, applied.tutor),
        "group": (inst.group, applied.group)}
    for resource, item_id in raised:
        spec, field = _RAISED[resource]
        ws = sheet_named(wb, spec.name)
        cols = columns(ws, spec, {field})
        before, after = lookup[resource]
        row = row_of(ws, spec, cols, {item_id: before[item_id].source_row}, item_id)
        put(ws, row, cols[field], to_cell(spec.column(field), getattr(after[item_id], field)))
    for resource, item_id in new:
        spec = _RAISED[resource][0]
        _append(sheet_named(wb, spec.name), spec, lookup[resource][1][item_id])
    save_workbook(wb, out)
    return note


def _append(ws, spec: S.SheetSpec, item) -> None:
    """A new row for ``item`` after the sheet's last one, styled like the row above."""
    values = {c.name: getattr(item, "id" if c.name == spec.id_column else c.name) for c in spec.columns}
    values = {name: v for name, v in values.items() if v is not None and v not in ("", ())}
    # A column the sheet lacks is added only when the value is not its default.
    cols = columns(ws, spec, {name for name, v in values.items() if v != spec.column(name).default})
    above = last_row(ws)
    r = above + 1
    for name, v in values.items():
        if name not in cols:
            continue
        cell = put(ws, r, cols[name], to_cell(spec.column(name), v))
        if above > 1:
            style_like(cell, ws.cell(row=above, column=cols[name]))
