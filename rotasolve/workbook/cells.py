"""Converting one cell to the value its column asks for, as leniently as workbook.md
allows (numbers typed as text, UK dates, yes/y/true/1 ...). A cell that cannot be
converted raises ``BadCell`` with the message the user sees."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from ..domain import DAYS
from . import schema as S

_MAX_SHOWN = 60
_GRADE_RE = re.compile(r"^\s*(?:ct\s*)?([123])(?:\.0)?\s*$", re.I)
_TIME_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class BadCell(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def shorten(value: Any) -> str:
    """A value as it may be echoed back: printable, and not too long."""
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


def as_text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (datetime, date)):
        return v.strftime("%Y-%m-%d")
    return str(v).strip()


def split_list(v: Any) -> list[str]:
    """A list in one cell: comma-, semicolon- or line-separated."""
    return [p.strip() for p in re.split(r"[,;\n]", as_text(v)) if p.strip()]


def as_int(v: Any) -> int:
    if isinstance(v, bool):
        raise BadCell("expected a whole number")
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        if v.is_integer():
            return int(v)
        raise BadCell("expected a whole number")
    try:
        f = float(as_text(v))
    except ValueError:
        raise BadCell("expected a whole number") from None
    if not f.is_integer():
        raise BadCell("expected a whole number")
    return int(f)


def as_number(v: Any) -> float:
    if isinstance(v, bool):
        raise BadCell("expected a number")
    if isinstance(v, (int, float)):
        f = float(v)
    else:
        try:
            f = float(as_text(v).replace(",", ""))
        except ValueError:
            raise BadCell("expected a number") from None
    if f != f or f in (float("inf"), float("-inf")):
        raise BadCell("expected a number")
    return f


def as_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    t = as_text(v).lower()
    if t in ("yes", "y", "true", "1", "1.0"):
        return True
    if t in ("no", "n", "false", "0", "0.0"):
        return False
    raise BadCell("expected yes or no")


def as_date(v: Any) -> date:
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    t = as_text(v)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(t, fmt).date()
        except ValueError:
            pass
    raise BadCell("expected a date: an Excel date, YYYY-MM-DD or DD/MM/YYYY")


def as_grade(v: Any) -> int:
    m = _GRADE_RE.match(as_text(v))
    if not m:
        raise BadCell("expected a grade: CT1, CT2 or CT3")
    return int(m.group(1))


def as_time(v: Any) -> str:
    if isinstance(v, (time, datetime)):
        return f"{v.hour:02d}:{v.minute:02d}"
    m = _TIME_RE.match(as_text(v))
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise BadCell("expected a time HH:MM")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def as_day(v: Any) -> str:
    t = as_text(v)[:3].upper()
    if t not in DAYS:
        raise BadCell("expected a day: Mon, Tue, Wed, Thu, Fri, Sat or Sun")
    return t.title()


def as_length(v: Any) -> str:
    t = as_text(v).lower()
    if t not in ("short", "long"):
        raise BadCell("expected short or long")
    return t


_PLAIN: dict[str, Callable[[Any], Any]] = {
    "bool": as_bool, "date": as_date, "grade": as_grade, "time": as_time, "day": as_day,
    "length": as_length, "modality": lambda v: as_text(v).upper(),
    "modalities": lambda v: tuple(dict.fromkeys(p.upper() for p in split_list(v))),
    "ids": lambda v: tuple(dict.fromkeys(split_list(v))),
    "trusts": lambda v: tuple(dict.fromkeys(split_list(v))),
}


def convert(col: S.Column, v: Any, slot: Callable[[str], str]) -> Any:
    """One non-blank cell as its column's kind; ``slot`` turns text into a known slot id."""
    k = col.kind
    if k in _PLAIN:
        return _PLAIN[k](v)
    if k == "slots":
        return tuple(dict.fromkeys(slot(p) for p in split_list(v)))
    if k in ("text", "id"):
        out: Any = as_text(v)
    elif k == "slot":
        out = slot(as_text(v))
    elif k == "int":
        out = as_int(v)
    elif k == "number":
        out = as_number(v)
    else:  # pragma: no cover - the schema names only the kinds above
        raise AssertionError(k)
    if isinstance(out, (int, float)) and not isinstance(out, bool):
        if col.min is not None and out < col.min:
            raise BadCell(f"must be at least {col.min:g}")
        if col.max is not None and out > col.max:
            raise BadCell(f"must be at most {col.max:g}")
    return out


def to_cell(col: S.Column, v: Any) -> Any:
    """A domain value as its column is written: the inverse of ``convert`` (a grade as
    CT2, yes/no, a list as comma-separated text, None as a blank cell)."""
    if v is None:
        return None
    if col.kind == "grade":
        return f"CT{v}"
    if col.kind == "bool":
        return "yes" if v else "no"
    if isinstance(v, tuple):
        return ", ".join(v)
    return v
