"""Writing any output file safely, whatever its kind (a workbook, JSON, HTML, a calendar):
never over an input or, unless forced, over an existing file; whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from . import stop
from .errors import OutputPathError


def check_output_path(out: Path, inputs: Iterable[Path], force: bool) -> None:
    """Refuse to replace an input, and an existing file unless forced."""
    out_real = Path(os.path.realpath(out))
    for p in inputs:
        if p is not None and Path(os.path.realpath(p)) == out_real:
            raise OutputPathError(f"the output {out} is one of the inputs; choose another name")
    if out.exists() and not force:
        raise OutputPathError(f"{out} already exists; choose another name or add --force to replace it")
    if out.exists() and out.is_dir():
        raise OutputPathError(f"{out} is a folder; give a file name")


def atomic_save(save: Callable[[Path], object], out: Path) -> None:
    """Write through ``save(tmp_path)`` to a temporary file beside ``out``, then rename.

    A crash, Ctrl-C or time-out leaves the old file (or none), never half a file; a second
    Ctrl-C, which ends the process at once, deletes the temporary file first
    (``stop.abort``).
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        with stop.temporary(tmp):
            save(Path(tmp))
            os.replace(tmp, out)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_text(text: str, out: Path) -> None:
    atomic_save(lambda p: p.write_text(text, encoding="utf-8"), out)


def write_bytes(data: bytes, out: Path) -> None:
    atomic_save(lambda p: p.write_bytes(data), out)
