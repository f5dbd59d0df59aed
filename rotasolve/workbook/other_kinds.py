"""Spreadsheets other than .xlsx: OpenDocument (.ods), legacy Excel (.xls) and Excel
binary (.xlsb) workbooks, read with python-calamine; and telling which kind a file is
from its bytes, not its name.

A school saves what its office software saves; LibreOffice's own format and Excel's old
one are common. Their cells arrive as openpyxl gives an .xlsx's (blank as None, a whole
number as int, a date as a date), with the rows and columns before the first filled cell
kept, so that every problem is reported at the Excel row and column a user sees.
Outputs stay .xlsx.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import python_calamine

from . import schema as S
from .cells import shorten

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and legacy .xls
# An encrypted .xlsx is an OLE file holding a stream of this name (MS-OFFCRYPTO).
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
KIND_NAMES = {"ods": "an OpenDocument spreadsheet (.ods)", "xls": "an Excel 97-2003 workbook (.xls)",
              "xlsb": "an Excel binary workbook (.xlsb)", "ooxml": "an .xlsx workbook"}
PASSWORD = ("this workbook is password-protected, so rotasolve cannot read it; open it in Excel or "
            "LibreOffice, remove the password (File > Info > Protect Workbook > Encrypt with Password, "
            "or File > Properties > Security) and save it again")
_LARGEST_WHOLE = 2 ** 53


def kind_of(path: Path) -> str:
    """``ooxml`` (.xlsx, .xlsm), ``ods``, ``xlsb``, ``xls``, ``encrypted`` (a
    password-protected workbook of any kind) or ``unknown``, from the file's bytes."""
    with open(path, "rb") as fh:
        head = fh.read(len(OLE_MAGIC))
    if head == OLE_MAGIC:
        return "encrypted" if _ENCRYPTED in path.read_bytes() else "xls"
    if not zipfile.is_zipfile(path):
        return "unknown"
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "encrypted-package" in names or _ods_encrypted(z, names):
                return "encrypted"
            if "mimetype" in names and z.read("mimetype").strip() == _ODS_MIMETYPE:
                return "ods"
    except (zipfile.BadZipFile, OSError):
        return "unknown"
    if "xl/workbook.bin" in names:
        return "xlsb"
    return "ooxml" if "[Content_Types].xml" in names else "unknown"


def _ods_encrypted(z: zipfile.ZipFile, names: set[str]) -> bool:
    """An OpenDocument file saved with a password lists encryption data in its manifest."""
    return "META-INF/manifest.xml" in names and b"encryption-data" in z.read("META-INF/manifest.xml")


def read_sheets(path: Path, kind: str, sheet_cells) -> tuple[dict | None, str | None]:
    """Every worksheet by its normalised name (as ``sheet_cells(title, values, None)``:
    these kinds keep no formula apart from its saved value), or None and why not."""
    try:
        with open(path, "rb") as fh:  # from its bytes: calamine would go by the name's extension
            wb = python_calamine.CalamineWorkbook.from_filelike(fh)
    except python_calamine.PasswordError:
        return None, PASSWORD
    except Exception as exc:  # noqa: BLE001 - any parser failure is a bad file, not a crash
        return None, (f"it cannot be read as {KIND_NAMES[kind]} ({type(exc).__name__}: {shorten(exc)}); open it "
                      "in Excel or LibreOffice and save it again, as an Excel Workbook (.xlsx) if it still fails")
    sheets: dict = {}
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            values = [tuple(cell(v) for v in row) for row in rows]
            sheets.setdefault(S.normalise(meta.name), sheet_cells(meta.name, _trimmed(values), None))
    except python_calamine.PasswordError:
        return None, PASSWORD
    except Exception as exc:  # noqa: BLE001
        return None, (f"the workbook is damaged ({type(exc).__name__}); open it in Excel or LibreOffice and "
                      "save it again")
    finally:
        wb.close()
    return sheets, None


def cell(v: Any) -> Any:
    """A value as openpyxl gives the same cell of an .xlsx."""
    if isinstance(v, str):
        return v if v != "" else None
    if isinstance(v, float) and v.is_integer() and abs(v) < _LARGEST_WHOLE:
        return int(v)
    if isinstance(v, datetime) and v.time() == time(0, 0):
        return v  # openpyxl gives a date cell as a datetime at midnight
    if isinstance(v, date) and not isinstance(v, datetime):
        return datetime(v.year, v.month, v.day)
    if isinstance(v, timedelta) and v < timedelta(days=1):  # a time of day stored as a duration
        seconds = int(v.total_seconds())
        return time(seconds // 3600, seconds // 60 % 60, seconds % 60)
    return v


def _trimmed(values: list[tuple]) -> list[tuple]:
    """Without the blank rows at the end (openpyxl stops at the last filled row too)."""
    end = len(values)
    while end and all(v is None for v in values[end - 1]):
        end -= 1
    return values[:end]
