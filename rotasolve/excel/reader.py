"""Workbook -> Instance.

Every problem in the file is collected as a CellError (sheet, Excel row, column header,
value, what to do) and raised together in one WorkbookError; nothing here raises a
traceback at a user. Warnings (unknown columns, unknown modalities) travel with the
instance.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import CellError, WorkbookError
from ..instance import (
    DAYS, KNOWN_MODALITIES, Case, Group, Instance, Profile, Settings, Site, Slot, Supervisor,
    Trainee, TravelTime, Tutor, default_slots,
)
from . import schema as S

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted xlsx and legacy .xls
_MAX_SHOWN = 60
_GRADE_RE = re.compile(r"^\s*(?:ct\s*)?([123])(?:\.0)?\s*$", re.I)
_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def shorten(value: Any) -> str:
    text = str(value)
    text = "".join(ch if ch.isprintable() else "?" for ch in text)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def nhs_number_like(text: str) -> bool:
    """10 digits (spaces or dashes allowed) with a valid Modulus 11 check digit."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


@dataclass
class Row:
    """One parsed data row: the Excel row number and its values by column name."""

    number: int
    values: dict[str, Any]
    ok: bool = True


@dataclass
class _Context:
    problems: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)
    slot_ids: dict[str, str] = field(default_factory=dict)  # normalised -> canonical

    def error(self, sheet, row, column, value, message):
        self.problems.append(CellError(sheet, row, column, None if value is None else shorten(value), message))

    def warn(self, sheet, row, column, value, message):
        self.warnings.append(CellError(sheet, row, column, None if value is None else shorten(value),
                                       message, severity="warning"))


class _Sheet:
    """A worksheet's cells, values (cached) and formulas side by side."""

    def __init__(self, title: str, values: list[tuple], formulas: list[tuple] | None):
        self.title = title
        self.values = values
        self.formulas = formulas


def _open(path: Path, ctx: _Context) -> dict[str, _Sheet] | None:
    name = path.name
    if not path.exists():
        ctx.error(name, None, None, None, f"no such file: {path}")
        return None
    if path.is_dir():
        ctx.error(name, None, None, None, "this is a folder; give the path of an .xlsx workbook")
        return None
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        ctx.error(name, None, None, None,
                  "this file is password-protected or an old-style .xls; remove the password "
                  "or save it as an Excel Workbook (.xlsx)")
        return None
    if not zipfile.is_zipfile(path):
        ctx.error(name, None, None, None,
                  "this is not an .xlsx workbook (not a zip file); save it from Excel or "
                  "LibreOffice as an Excel Workbook (.xlsx)")
        return None
    import openpyxl  # imported here so that `rotasolve --help` stays fast

    try:
        wb_values = openpyxl.load_workbook(path, read_only=True, data_only=True)
        # The formula view is only needed to tell a formula with no saved value from a
        # blank cell; most workbooks hold no formula, and a second parse doubles the time.
        wb_formulas = (openpyxl.load_workbook(path, read_only=True, data_only=False)
                       if _has_formulas(path) else None)
    except Exception as exc:  # noqa: BLE001 - any parser failure is a bad file, not a crash
        kind = type(exc).__name__
        why = "it contains unsafe XML (entity expansion)" if "Entit" in kind or "DTD" in kind else \
            f"it cannot be read as an .xlsx workbook ({kind})"
        ctx.error(name, None, None, None,
                  f"{why}; open it in Excel or LibreOffice and save it again as .xlsx")
        return None
    sheets: dict[str, _Sheet] = {}
    try:
        for ws in wb_values.worksheets:
            key = S.normalise(ws.title)
            values = [tuple(r) for r in ws.iter_rows(values_only=True)]
            formulas = ([tuple(r) for r in wb_formulas[ws.title].iter_rows(values_only=True)]
                        if wb_formulas is not None else None)
            sheets.setdefault(key, _Sheet(ws.title, values, formulas))
    except Exception as exc:  # noqa: BLE001
        ctx.error(name, None, None, None,
                  f"the workbook is damaged ({type(exc).__name__}); open it in Excel or "
                  "LibreOffice and save it again as .xlsx")
        return None
    finally:
        wb_values.close()
        if wb_formulas is not None:
            wb_formulas.close()
    return sheets


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _has_formulas(path: Path) -> bool:
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


# ----- cell conversion ---------------------------------------------------------------

class _Bad(Exception):
    def __init__(self, message: str):
        self.message = message


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (datetime, date)):
        return v.strftime("%Y-%m-%d")
    return str(v).strip()


def _split(v: Any) -> list[str]:
    return [p.strip() for p in re.split(r"[,;\n]", _text(v)) if p.strip()]


def _as_int(v: Any) -> int:
    if isinstance(v, bool):
        raise _Bad("expected a whole number")
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if v.is_integer():
            return int(v)
        raise _Bad("expected a whole number")
    t = _text(v)
    try:
        f = float(t)
    except ValueError:
        raise _Bad("expected a whole number") from None
    if not f.is_integer():
        raise _Bad("expected a whole number")
    return int(f)


def _as_number(v: Any) -> float:
    if isinstance(v, bool):
        raise _Bad("expected a number")
    if isinstance(v, (int, float)):
        f = float(v)
    else:
        try:
            f = float(_text(v).replace(",", ""))
        except ValueError:
            raise _Bad("expected a number") from None
    if f != f or f in (float("inf"), float("-inf")):
        raise _Bad("expected a number")
    return f


def _as_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    t = _text(v).lower()
    if t in ("yes", "y", "true", "1", "1.0"):
        return True
    if t in ("no", "n", "false", "0", "0.0"):
        return False
    raise _Bad("expected yes or no")


def _as_date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    t = _text(v)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            pass
    raise _Bad("expected a date: an Excel date, YYYY-MM-DD or DD/MM/YYYY")


def _as_grade(v: Any) -> int:
    m = _GRADE_RE.match(_text(v))
    if not m:
        raise _Bad("expected a grade: CT1, CT2 or CT3")
    return int(m.group(1))


def _as_time(v: Any) -> str:
    if isinstance(v, (time, datetime)):
        return f"{v.hour:02d}:{v.minute:02d}"
    m = _TIME_RE.match(_text(v))
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise _Bad("expected a time HH:MM")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _as_day(v: Any) -> str:
    t = _text(v)[:3].upper()
    if t not in DAYS:
        raise _Bad("expected a day: Mon, Tue, Wed, Thu, Fri, Sat or Sun")
    return t.title()


# ----- sheets ------------------------------------------------------------------------

def _header_map(spec: S.SheetSpec, sheet: _Sheet, ctx: _Context) -> dict[str, int] | None:
    if not sheet.values:
        ctx.error(sheet.title, 1, None, None, "the sheet is empty; row 1 must hold the column headers")
        return None
    header = sheet.values[0]
    known = {S.normalise(c.name): c.name for c in spec.columns}
    found: dict[str, int] = {}
    for i, h in enumerate(header):
        if h is None or _text(h) == "":
            continue
        key = S.normalise(h)
        if key in known:
            if known[key] in found:
                ctx.error(sheet.title, 1, known[key], h, "this column appears twice; delete one of them")
            found[known[key]] = i
        elif spec is S.CASES and _looks_patient_identifiable(key):
            ctx.error(sheet.title, 1, _text(h), None,
                      "the Cases sheet must not hold patient-identifiable data (names, dates of "
                      "birth, addresses, postcodes, NHS numbers); delete this column and keep "
                      "only the pseudonymous case_id")
        else:
            ctx.warn(sheet.title, 1, _text(h), None, "unknown column; it is ignored")
    for c in spec.columns:
        if c.required and c.name not in found:
            ctx.error(sheet.title, 1, c.name, None, f"required column '{c.name}' is missing; add it to row 1")
    return found


def _looks_patient_identifiable(header: str) -> bool:
    words = set(header.split())
    for w in S.PATIENT_COLUMN_WORDS:
        if " " in w:
            if w in header:
                return True
        elif w in words:
            return True
    return False


def _cell(ctx: _Context, sheet: _Sheet, r: int, i: int) -> Any:
    row = sheet.values[r]
    v = row[i] if i < len(row) else None
    if v is None and sheet.formulas is not None and r < len(sheet.formulas):
        f = sheet.formulas[r][i] if i < len(sheet.formulas[r]) else None
        if isinstance(f, str) and f.startswith("="):
            raise _Bad("this cell holds a formula with no saved value; open the file in Excel "
                       "or LibreOffice and save it, or type the value in")
    if isinstance(v, str) and v.strip() == "":
        return None
    return v


def _convert(ctx: _Context, col: S.Column, v: Any) -> Any:
    k = col.kind
    if k in ("text", "id", "slot"):
        out: Any = _text(v)
        if k == "slot":
            out = _slot(ctx, out)
    elif k == "int":
        out = _as_int(v)
    elif k == "number":
        out = _as_number(v)
    elif k == "bool":
        return _as_bool(v)
    elif k == "date":
        return _as_date(v)
    elif k == "grade":
        return _as_grade(v)
    elif k == "time":
        return _as_time(v)
    elif k == "day":
        return _as_day(v)
    elif k == "length":
        t = _text(v).lower()
        if t not in ("short", "long"):
            raise _Bad("expected short or long")
        return t
    elif k == "modality":
        return _text(v).upper()
    elif k == "modalities":
        return tuple(dict.fromkeys(p.upper() for p in _split(v)))
    elif k in ("ids", "trusts"):
        return tuple(dict.fromkeys(_split(v)))
    elif k == "slots":
        return tuple(dict.fromkeys(_slot(ctx, p) for p in _split(v)))
    else:  # pragma: no cover - the schema names only the kinds above
        raise AssertionError(k)
    if isinstance(out, (int, float)) and not isinstance(out, bool):
        if col.min is not None and out < col.min:
            raise _Bad(f"must be at least {col.min:g}")
        if col.max is not None and out > col.max:
            raise _Bad(f"must be at most {col.max:g}")
    return out


def _slot(ctx: _Context, text: str) -> str:
    canon = ctx.slot_ids.get(S.normalise(text).replace(" ", "-"))
    if canon is None:
        shown = ", ".join(list(ctx.slot_ids.values())[:12])
        raise _Bad(f"unknown slot '{shorten(text)}'; use one of the slot ids ({shown})")
    return canon


def _read_table(spec: S.SheetSpec, sheet: _Sheet, ctx: _Context) -> list[Row]:
    cols = _header_map(spec, sheet, ctx)
    if cols is None:
        return []
    # Without a required column no row is usable (the header error is already reported);
    # rows are still read so that every other problem in them is reported too.
    complete = all(c.name in cols for c in spec.columns if c.required)
    rows: list[Row] = []
    for r in range(1, len(sheet.values)):
        raw = sheet.values[r]
        if all(v is None or (isinstance(v, str) and v.strip() == "") for v in raw):
            formulas = sheet.formulas[r] if sheet.formulas and r < len(sheet.formulas) else ()
            if not any(isinstance(f, str) and f.startswith("=") for f in formulas):
                continue
        row = Row(number=r + 1, values={}, ok=complete)
        for col in spec.columns:
            if col.name not in cols:
                row.values[col.name] = col.default
                continue
            try:
                v = _cell(ctx, sheet, r, cols[col.name])
                if v is None:
                    if col.required:
                        raise _Bad(f"'{col.name}' is required; fill it in")
                    row.values[col.name] = col.default
                    continue
                row.values[col.name] = _convert(ctx, col, v)
            except _Bad as bad:
                shown = None if spec is S.CASES and col.name == "case_id" else _cell_value(sheet, r, cols[col.name])
                ctx.error(sheet.title, row.number, col.name, shown, bad.message)
                row.ok = False
                row.values[col.name] = None
        rows.append(row)
    return rows


def _cell_value(sheet: _Sheet, r: int, i: int) -> Any:
    row = sheet.values[r]
    return row[i] if i < len(row) else None


def _read_key_values(spec: S.SheetSpec, sheet: _Sheet | None, ctx: _Context) -> tuple[dict[str, Any], dict[str, int]]:
    out: dict[str, Any] = {c.name: c.default for c in spec.columns}
    rows_of: dict[str, int] = {}
    if sheet is None:
        return out, rows_of
    if not sheet.values:
        ctx.error(sheet.title, 1, None, None, "the sheet is empty; row 1 must hold the headers key and value")
        return out, rows_of
    header = [S.normalise(h) if h is not None else "" for h in sheet.values[0]]
    if "key" not in header or "value" not in header:
        ctx.error(sheet.title, 1, "key", None, "row 1 must hold two headers: key and value")
        return out, rows_of
    ki, vi = header.index("key"), header.index("value")
    known = {S.normalise(c.name): c for c in spec.columns}
    for r in range(1, len(sheet.values)):
        raw = sheet.values[r]
        key = raw[ki] if ki < len(raw) else None
        if key is None or _text(key) == "":
            if any(v is not None and _text(v) != "" for v in raw):
                ctx.error(sheet.title, r + 1, "key", None, "a value with no key; type the setting's name in the key column")
            continue
        col = known.get(S.normalise(key))
        if col is None:
            ctx.warn(sheet.title, r + 1, "key", key, "unknown setting; it is ignored")
            continue
        if col.name in rows_of:
            ctx.error(sheet.title, r + 1, "value", key,
                      f"'{col.name}' is set twice (also row {rows_of[col.name]}); keep one")
            continue
        rows_of[col.name] = r + 1
        try:
            v = _cell(ctx, sheet, r, vi)
            if v is None:
                if col.required:
                    raise _Bad(f"'{col.name}' needs a value")
                continue
            out[col.name] = _convert(ctx, col, v)
        except _Bad as bad:
            ctx.error(sheet.title, r + 1, "value", _cell_value(sheet, r, vi), f"{col.name}: {bad.message}")
            out[col.name] = None
    for c in spec.columns:
        if c.required and c.name not in rows_of:
            ctx.error(sheet.title, None, "key", None, f"the setting '{c.name}' is missing; add a row with key {c.name}")
    return out, rows_of


# ----- the workbook ------------------------------------------------------------------

@dataclass
class ReadResult:
    instance: Instance
    warnings: list[CellError]


def read_workbook(path: str | Path) -> ReadResult:
    """Read a scheme workbook, or raise WorkbookError listing every problem in it."""
    path = Path(path)
    ctx = _Context()
    sheets = _open(path, ctx)
    if sheets is None:
        raise WorkbookError(ctx.problems)
    got = {}
    for spec in S.SHEETS:
        sheet = sheets.get(S.normalise(spec.name))
        if sheet is None and spec.required:
            ctx.error(spec.name, None, None, None,
                      f"the required sheet '{spec.name}' is missing; add it (see `rotasolve template`)")
        got[spec.name] = sheet
    known = {S.normalise(s.name) for s in S.SHEETS} | {"about", "lists"}
    for key, sheet in sheets.items():
        if key not in known:
            ctx.warn(sheet.title, None, None, None, "unknown sheet; it is ignored")

    scheme, _ = _read_key_values(S.SCHEME, got["Scheme"], ctx)
    req, req_rows = _read_key_values(S.REQUIREMENTS, got["Requirements"], ctx)

    slots = _read_slots(got["Slots"], ctx)
    ctx.slot_ids = {S.normalise(s.id).replace(" ", "-"): s.id for s in slots}

    tables = {spec.name: (_read_table(spec, got[spec.name], ctx) if got[spec.name] is not None else [])
              for spec in S.SHEETS if not spec.key_value and spec.name != "Slots"}
    builder = _Builder(ctx, scheme, req, req_rows, slots, tables, got)
    instance = builder.build()
    if ctx.problems or instance is None:
        raise WorkbookError(ctx.problems, ctx.warnings)
    return ReadResult(instance, sorted(ctx.warnings, key=lambda e: (e.sheet, e.row or 0, e.column or "")))


def _read_slots(sheet: _Sheet | None, ctx: _Context) -> list[Slot]:
    if sheet is None:
        return default_slots()
    rows = _read_table(S.SLOTS, sheet, ctx)
    slots: list[Slot] = []
    seen: dict[str, int] = {}
    for row in rows:
        v = row.values
        if not row.ok:
            continue
        key = S.normalise(v["slot_id"]).replace(" ", "-")
        if key in seen:
            ctx.error(sheet.title, row.number, "slot_id", v["slot_id"],
                      f"duplicate slot id (also row {seen[key]}); ids must be unique")
            continue
        seen[key] = row.number
        if v["end"] <= v["start"]:
            ctx.error(sheet.title, row.number, "end", v["end"], "the end must be after the start")
            continue
        slots.append(Slot(id=v["slot_id"], day=v["day"], start=v["start"], end=v["end"]))
    if not slots and not any(e.sheet == sheet.title for e in ctx.problems):
        ctx.error(sheet.title, None, None, None, "no slots are defined; add rows or delete the sheet to use MON-AM ... FRI-PM")
    return slots


class _Builder:
    """Turns parsed rows into domain objects and checks everything that spans rows."""

    def __init__(self, ctx, scheme, req, req_rows, slots, tables, sheets):
        self.ctx = ctx
        self.scheme = scheme
        self.req = req
        self.req_rows = req_rows
        self.slots = slots
        self.t = tables
        self.title = {name: (sh.title if sh is not None else name) for name, sh in sheets.items()}

    def err(self, sheet, row, column, value, message):
        self.ctx.error(self.title[sheet], row, column, value, message)

    def _unique(self, sheet: str, id_col: str, rows: list[Row], redact: bool = False) -> dict[str, Row]:
        by_id: dict[str, Row] = {}
        for row in rows:
            i = row.values.get(id_col)
            if i is None:
                continue
            if i in by_id:
                self.err(sheet, row.number, id_col, None if redact else i,
                         f"duplicate {id_col} (also row {by_id[i].number}); ids must be unique")
                row.ok = False
                continue
            by_id[i] = row
        return by_id

    def _ref(self, sheet, row: Row, column: str, value: str | None, known: dict, what: str, target: str):
        if value is not None and value not in known:
            self.err(sheet, row.number, column, value,
                     f"unknown {what} '{shorten(value)}'; it must be a {what} id listed in the {target} sheet")
            row.ok = False
            return False
        return True

    def _kept_in_two_groups(self, row: Row, value: str | None, groups: dict) -> bool:
        """A tutor who writes two running groups in current_group is describing a trainee
        kept in two groups, which H1 forbids; say so, rather than 'unknown group "G1, G2"'."""
        named = _split(value) if value else []
        if len(named) < 2 or any(g not in groups for g in named):
            return False
        where = ", ".join(f"{g} (Groups row {groups[g].number})" for g in named)
        self.err("Trainees", row.number, "current_group", value,
                 f"trainee {row.values.get('trainee_id')} is kept in {len(named)} groups, {where}, "
                 f"but a trainee attends at most one group (H1); keep only the group they attend")
        row.ok = False
        return True

    def build(self) -> Instance | None:
        ctx, t = self.ctx, self.t
        sites = self._unique("Sites", "site_id", t["Sites"])
        trainees = self._unique("Trainees", "trainee_id", t["Trainees"])
        cases = self._unique("Cases", "case_id", t["Cases"], redact=True)
        sups = self._unique("Supervisors", "supervisor_id", t["Supervisors"])
        groups = self._unique("Groups", "group_id", t["Groups"])
        tutors = self._unique("Tutors", "tutor_id", t["Tutors"])
        trusts = {r.values["trust"] for r in t["Sites"] if r.values.get("trust")}
        modalities_seen: dict[str, tuple[str, int, str]] = {}

        def modality(sheet, row, col, m):
            if m and m not in KNOWN_MODALITIES and m not in modalities_seen:
                modalities_seen[m] = (sheet, row.number, col)

        # Settings and profile
        settings = profile = None
        try:
            settings = Settings(**{k: v for k, v in self.scheme.items() if v is not None})
        except ValidationError:
            pass  # each bad key already has its own row-level error
        try:
            profile = Profile(**{k: v for k, v in self.req.items() if v is not None})
        except ValidationError:
            pass
        if profile is not None and profile.short_case_min_sessions > profile.short_case_max_sessions:
            self.err("Requirements", self.req_rows.get("short_case_min_sessions"), "value",
                     profile.short_case_min_sessions,
                     "short_case_min_sessions is more than short_case_max_sessions; make it smaller")
            profile = None

        for row in t["Travel"]:
            for col in ("from_site", "to_site"):
                self._ref("Travel", row, col, row.values.get(col), sites, "site", "Sites")
        for row in t["Trainees"]:
            v = row.values
            self._ref("Trainees", row, "base_site", v.get("base_site"), sites, "site", "Sites")
            if not self._kept_in_two_groups(row, v.get("current_group"), groups):
                self._ref("Trainees", row, "current_group", v.get("current_group"), groups, "group", "Groups")
            for cid in v.get("current_cases") or ():
                if self._ref("Trainees", row, "current_cases", cid, cases, "case", "Cases"):
                    owner = cases[cid].values.get("current_trainee")
                    if owner != v["trainee_id"] and cases[cid].ok:
                        self.err("Trainees", row.number, "current_cases", cid,
                                 f"this trainee lists case {cid} as current, but Cases row "
                                 f"{cases[cid].number} gives its current_trainee as "
                                 f"'{owner or ''}'; make the two agree")
                        row.ok = False
            for col in ("short_case_done", "long_case_done"):
                modality("Trainees", row, col, v.get(col))
            for m in v.get("preferred_modalities") or ():
                modality("Trainees", row, "preferred_modalities", m)
            if (v.get("available_slots") is not None) and not v["available_slots"]:
                self.err("Trainees", row.number, "available_slots", None, "no slots listed; list the free slots")
        for row in t["Cases"]:
            v = row.values
            cid = v.get("case_id")
            if cid is not None and nhs_number_like(cid):
                self.err("Cases", row.number, "case_id", None,
                         "this case id looks like an NHS number (10 digits with a valid check "
                         "digit); patient identifiers must not be used: give the case a "
                         "pseudonymous reference such as C014")
                row.ok = False
            self._ref("Cases", row, "site", v.get("site"), sites, "site", "Sites")
            for col in ("supervisor", "current_supervisor"):
                self._ref("Cases", row, col, v.get(col), sups, "supervisor", "Supervisors")
            modality("Cases", row, "modality", v.get("modality"))
            ct = v.get("current_trainee")
            if self._ref("Cases", row, "current_trainee", ct, trainees, "trainee", "Trainees") and ct:
                listed = trainees[ct].values.get("current_cases") or ()
                if cid not in listed and trainees[ct].ok:
                    self.err("Cases", row.number, "current_trainee", ct,
                             f"this case names {ct} as its current trainee, but Trainees row "
                             f"{trainees[ct].number} does not list it in current_cases; add it there")
                    row.ok = False
            if v.get("current_supervisor") and not ct:
                self.err("Cases", row.number, "current_trainee", None,
                         "a case with a current_supervisor must also give its current_trainee")
                row.ok = False
            if v.get("sessions_done") and not ct:
                self.err("Cases", row.number, "sessions_done", v["sessions_done"],
                         "sessions_done is for a running case; give its current_trainee or clear it")
                row.ok = False
            self._case_sessions(row, profile)
        for row in t["Supervisors"]:
            v = row.values
            self._ref("Supervisors", row, "site", v.get("site"), sites, "site", "Sites")
            for m in v.get("modalities") or ():
                modality("Supervisors", row, "modalities", m)
            if v.get("modalities") == ():
                self.err("Supervisors", row.number, "modalities", None, "no modalities listed")
                row.ok = False
        for row in t["Groups"]:
            v = row.values
            self._ref("Groups", row, "site", v.get("site"), sites, "site", "Sites")
            if v.get("min_size") is not None and v.get("max_size") is not None and v["min_size"] > v["max_size"]:
                self.err("Groups", row.number, "min_size", v["min_size"],
                         f"min_size is more than max_size ({v['max_size']}); make it smaller")
                row.ok = False
            if v.get("external_members") is not None and v.get("max_size") is not None \
                    and v["external_members"] > v["max_size"]:
                self.err("Groups", row.number, "external_members", v["external_members"],
                         f"more external members than max_size ({v['max_size']})")
                row.ok = False
        for row in t["Tutors"]:
            for trust in row.values.get("trusts") or ():
                if trust not in trusts:
                    self.err("Tutors", row.number, "trusts", trust,
                             "unknown trust; it must be written exactly as in the trust column of Sites")
                    row.ok = False
        for m, (sheet, rown, col) in sorted(modalities_seen.items()):
            self.ctx.warn(self.title[sheet], rown, col, m,
                          "not one of the usual modalities (" + ", ".join(KNOWN_MODALITIES) +
                          "); check the spelling — it only matches the same spelling elsewhere")
        if not t["Trainees"] and self.title["Trainees"] and \
                not any(e.sheet == self.title["Trainees"] for e in ctx.problems):
            self.err("Trainees", None, None, None, "no trainees; add one row per core trainee")

        if ctx.problems or settings is None or profile is None:
            return None
        return self._instance(settings, profile)

    def _case_sessions(self, row: Row, profile: Profile | None):
        v = row.values
        length = v.get("length")
        if length is None or profile is None:
            return
        if v.get("sessions") is None:
            v["sessions"] = S.DEFAULT_SESSIONS[length]
            if length == "short" and not (profile.short_case_min_sessions <= v["sessions"] <= profile.short_case_max_sessions):
                v["sessions"] = profile.short_case_max_sessions
            if length == "long" and v["sessions"] < profile.long_case_min_sessions:
                v["sessions"] = profile.long_case_min_sessions
            return
        n = v["sessions"]
        if length == "short" and not (profile.short_case_min_sessions <= n <= profile.short_case_max_sessions):
            self.err("Cases", row.number, "sessions", n,
                     f"a short case has {profile.short_case_min_sessions}-{profile.short_case_max_sessions} "
                     "sessions in this scheme's Requirements; correct the sessions or the length")
            row.ok = False
        elif length == "long" and n < profile.long_case_min_sessions:
            self.err("Cases", row.number, "sessions", n,
                     f"a long case has at least {profile.long_case_min_sessions} sessions in this "
                     "scheme's Requirements; correct the sessions or the length")
            row.ok = False
        if v.get("sessions_done") is not None and n is not None and v["sessions_done"] > n:
            self.err("Cases", row.number, "sessions_done", v["sessions_done"],
                     f"more sessions done than planned ({n}); correct one of them")
            row.ok = False

    def _instance(self, settings: Settings, profile: Profile) -> Instance | None:
        t = self.t
        built: dict[str, list] = {k: [] for k in t}
        models = {"Sites": Site, "Travel": TravelTime, "Trainees": Trainee, "Cases": Case,
                  "Supervisors": Supervisor, "Groups": Group, "Tutors": Tutor}
        rename = {"Sites": {"site_id": "id"}, "Trainees": {"trainee_id": "id"}, "Cases": {"case_id": "id"},
                  "Supervisors": {"supervisor_id": "id"}, "Groups": {"group_id": "id"}, "Tutors": {"tutor_id": "id"}}
        for sheet, rows in t.items():
            for row in rows:
                data = {rename.get(sheet, {}).get(k, k): v for k, v in row.values.items() if v is not None}
                if sheet != "Travel" and sheet != "Sites":
                    data["source_row"] = row.number
                try:
                    built[sheet].append(models[sheet](**data))
                except ValidationError as exc:
                    for e in exc.errors():
                        col = str(e["loc"][0]) if e["loc"] else None
                        col = {"id": S.SHEETS[[s.name for s in S.SHEETS].index(sheet)].id_column}.get(col, col)
                        self.err(sheet, row.number, col, row.values.get(col or ""), e["msg"])
        if self.ctx.problems:
            return None
        try:
            return Instance(
                settings=settings, profile=profile, slots=tuple(self.slots),
                sites=tuple(built["Sites"]), travel_times=tuple(built["Travel"]),
                trainees=tuple(built["Trainees"]), cases=tuple(built["Cases"]),
                supervisors=tuple(built["Supervisors"]), groups=tuple(built["Groups"]),
                tutors=tuple(built["Tutors"]),
            )
        except ValidationError as exc:  # a reference the row checks above did not catch
            for e in exc.errors():
                self.ctx.error("workbook", None, None, None, e["msg"])
            return None
