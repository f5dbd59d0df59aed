"""Where an item of the scheme is, in the words a message gives the user: its sheet and
Excel row where it was read from a workbook, else its sheet and id (a scheme generated,
changed by a scenario, or carried to the next period is built in code and has no row:
its messages read "row None" before)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class _Item(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def source_row(self) -> int | None: ...


def where(sheet: str, item: _Item, also: str = "") -> str:
    """``Cases row 12 (C7)``, or ``Cases C7`` for an item built in code; with ``also``,
    ``Cases row 12 (C7, running with T1)`` or ``Cases C7 (running with T1)``."""
    if item.source_row is not None:
        return f"{sheet} row {item.source_row} ({item.id}{', ' + also if also else ''})"
    return f"{sheet} {item.id}" + (f" ({also})" if also else "")


def row_note(sheet: str, item: _Item) -> str:
    """`` (Supervisors row 5)`` after an item already named, or nothing without a row."""
    return f" ({sheet} row {item.source_row})" if item.source_row is not None else ""


def rows_of(sheet: str, items: Iterable[_Item], joined: str = ", ") -> str:
    """``Cases rows 3 and 5``, or ``Cases C1 and C2`` where any was built in code."""
    items = list(items)
    if all(i.source_row is not None for i in items):
        return f"{sheet} rows {joined.join(str(i.source_row) for i in items)}"
    return f"{sheet} {joined.join(i.id for i in items)}"
