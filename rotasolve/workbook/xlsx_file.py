"""Opening a workbook safely: tell its kind from its bytes before parsing it (a
password-protected one gets a message of its own); an .xlsx or .xlsm is read with
openpyxl, its XML parsed through defusedxml (openpyxl uses it when installed), every
sheet's values and, only where the file holds formulas, the formulas beside them; an
.ods, .xls or .xlsb with python-calamine (``other_kinds``)."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from . import other_kinds
from . import schema as S

READ = ".xlsx, .xlsm, .xlsb, .xls and .ods"
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


@dataclass
class SheetCells:
    """A worksheet's cells: saved values, and formulas side by side where there are any."""

    title: str
    values: list[tuple]
    formulas: list[tuple] | None


def open_sheets(path: Path) -> tuple[dict[str, SheetCells] | None, str | None]:
    """Every sheet by its normalised name, or None and why the file cannot be read."""
    if not path.exists():
        return None, f"no such file: {path}"
    if path.is_dir():
        return None, "this is a folder; give the path of an .xlsx workbook"
    kind = other_kinds.kind_of(path)
    if kind == "encrypted":
        return None, other_kinds.PASSWORD
    if kind in ("ods", "xls", "xlsb"):
        return other_kinds.read_sheets(path, kind, SheetCells)
    if kind == "unknown":
        return None, (f"this is not an .xlsx workbook, nor any spreadsheet rotasolve reads ({READ}); save it "
                      "from Excel or LibreOffice as an Excel Workbook (.xlsx)")
    try:
        # From its bytes, not its name: openpyxl refuses a name not ending .xlsx or .xlsm.
        data = path.read_bytes()
        wb_values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # The formula view is only needed to tell a formula with no saved value from a
        # blank cell; most workbooks hold no formula, and a second parse doubles the time.
        wb_formulas = (openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                       if has_formulas(path) else None)
    except Exception as exc:  # noqa: BLE001 - any parser failure is a bad file, not a crash
        kind = type(exc).__name__
        why = "it contains unsafe XML (entity expansion)" if "Entit" in kind or "DTD" in kind else \
            f"it cannot be read as an .xlsx workbook ({kind})"
        return None, f"{why}; open it in Excel or LibreOffice and save it again as .xlsx"
    sheets: dict[str, SheetCells] = {}
    try:
        for ws in wb_values.worksheets:
            values = [tuple(r) for r in ws.iter_rows(values_only=True)]
            formulas = ([tuple(r) for r in wb_formulas[ws.title].iter_rows(values_only=True)]
                        if wb_formulas is not None else None)
            sheets.setdefault(S.normalise(ws.title), SheetCells(ws.title, values, formulas))
    except Exception as exc:  # noqa: BLE001
        return None, (f"the workbook is damaged ({type(exc).__name__}); open it in Excel or "
                      "LibreOffice and save it again as .xlsx")
    finally:
        wb_values.close()
        if wb_formulas is not None:
            wb_formulas.close()
    return sheets, None


def has_formulas(path: Path) -> bool:
    """Whether any worksheet holds a formula element (<f>), by scanning the raw XML."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with z.open(name) as fh:
                    tail = b""
                    while chunk := fh.read(1 << 20):
                        if _FORMULA_TAG.search(tail + chunk):
                            return True
                        tail = chunk[-16:]
    return False
