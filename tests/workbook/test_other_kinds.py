"""Every spreadsheet a school saves: the bundled example as LibreOffice saves it in .ods
and .xls reads as the .xlsx does and solves to the same tiers; a broken .ods gets the
same located errors as the same .xlsx; a password-protected workbook gets its own
message; `next` on an .ods writes a new .xlsx and says so.

The fixtures (tests/fixtures/README.md says how they were made) were converted once with
LibreOffice, so no test needs it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE, ROOT

from rotasolve.cli import cli
from rotasolve.core.errors import WorkbookError
from rotasolve.results.solution import Solution
from rotasolve.workbook import other_kinds
from rotasolve.workbook.reader import read_workbook
from rotasolve.workbook.xlsx_file import SheetCells, open_sheets

FIXTURES = ROOT / "tests" / "fixtures"


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def problems(path) -> list:
    with pytest.raises(WorkbookError) as e:
        read_workbook(path)
    return e.value.problems


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_the_example_saved_as_another_kind_reads_as_the_xlsx(kind):
    path = FIXTURES / f"north_thames.{kind}"
    assert other_kinds.kind_of(path) == kind
    assert read_workbook(path).instance == read_workbook(EXAMPLE).instance
    result = run("validate", path)
    assert result.exit_code == 0 and "OK" in result.output


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    """`rotasolve solve --json` of the example saved as another kind (a copy of
    tests/fixtures/north_thames.KIND), run once a kind: the workbook and its solution JSON,
    which the test of its tiers and `next` both read. One worker: the example is proven
    optimal either way, and one worker does not race a MIP beside CP-SAT on a busy machine."""
    done: dict[str, tuple] = {}

    def solved_as(kind: str):
        if kind not in done:
            folder = tmp_path_factory.mktemp(kind)
            source, js = folder / f"scheme.{kind}", folder / "sol.json"
            source.write_bytes((FIXTURES / f"north_thames.{kind}").read_bytes())
            result = run("solve", source, "-o", folder / "sol.xlsx", "--json", js, "--time-limit", "60",
                         "--workers", "1", "-q")
            assert result.exit_code == 0, result.output
            done[kind] = source, js
        return done[kind]
    return solved_as


# The .xls solve is in the slow tier: the .xls reads to the very instance the .ods and the
# .xlsx read to (test_the_example_saved_as_another_kind_reads_as_the_xlsx[xls], in the
# default run), so its solve is the .ods one's, which the default run keeps.
@pytest.mark.parametrize("kind", ["ods", pytest.param("xls", marks=pytest.mark.slow)])
def test_the_example_saved_as_another_kind_solves_to_the_same_tiers(kind, solved, example_solution):
    _inst, expected = example_solution  # `rotasolve solve` of the .xlsx (conftest.py): proven optimal
    sol = Solution.load(solved(kind)[1])
    assert sol.status == expected.status
    assert sol.objective.tiers == expected.objective.tiers


def test_a_broken_ods_gets_the_errors_the_xlsx_gets():
    from_xlsx = problems(FIXTURES / "broken.xlsx")
    assert len(from_xlsx) == 5
    assert problems(FIXTURES / "broken.ods") == from_xlsx
    located = {(p.sheet, p.row, p.column) for p in from_xlsx}
    assert ("Trainees", 3, "grade") in located and ("Cases", 4, "length") in located


def test_a_password_protected_workbook_gets_its_own_message():
    (p,) = problems(FIXTURES / "encrypted.xlsx")
    assert "password-protected" in p.message and "remove the password" in p.message
    result = run("validate", FIXTURES / "encrypted.xlsx")
    assert result.exit_code == 3 and "password-protected" in result.output


def test_a_damaged_legacy_file_is_refused_plainly(tmp_path):
    p = tmp_path / "x.xls"
    p.write_bytes(other_kinds.OLE_MAGIC + b"\0" * 100)
    (e,) = problems(p)
    assert "cannot be read as an Excel 97-2003 workbook (.xls)" in e.message


def test_blank_rows_and_columns_before_the_first_cell_keep_excel_positions(tmp_path):
    """calamine starts a sheet at its first filled cell; the reader puts the blank rows
    and columns back, so a problem is reported where Excel shows it."""
    path = tmp_path / "offset.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["C3"], ws["D3"], ws["C4"], ws["D5"] = "h1", "h2", 1, date(2027, 2, 3)
    wb.save(path)
    by_openpyxl, _ = open_sheets(path)
    by_calamine, why = other_kinds.read_sheets(path, "ooxml", SheetCells)
    assert why is None
    assert by_calamine["data"].values == by_openpyxl["data"].values


def test_cells_arrive_as_openpyxl_gives_them():
    assert other_kinds.cell("") is None
    assert other_kinds.cell(3.0) == 3 and isinstance(other_kinds.cell(3.0), int)
    assert other_kinds.cell(2.5) == 2.5
    assert other_kinds.cell(date(2027, 2, 3)) == datetime(2027, 2, 3)
    assert other_kinds.cell(timedelta(hours=9, minutes=30)) == time(9, 30)
    assert other_kinds.cell(True) is True


def test_something_else_is_still_refused(tmp_path):
    p = tmp_path / "x.ods"
    p.write_text("name,grade\n")
    (e,) = problems(p)
    assert "not an .xlsx workbook, nor any spreadsheet rotasolve reads" in e.message


def test_next_on_an_ods_writes_a_new_xlsx_and_says_so(tmp_path, solved):
    source, js = solved("ods")  # `rotasolve solve --json` of the .ods (the fixture above)
    refused = run("next", source, js, "-o", tmp_path / "next.ods")
    assert refused.exit_code == 2 and "name it next.xlsx" in refused.output
    result = run("next", source, js, "-o", tmp_path / "next.xlsx")
    assert result.exit_code == 0, result.output
    assert "is an OpenDocument spreadsheet (.ods): this is a new .xlsx workbook" in result.stderr
    assert "wrote" in result.stdout and "a new .xlsx workbook" in result.stdout
    nxt = read_workbook(tmp_path / "next.xlsx").instance
    assert nxt.settings.plan_start > read_workbook(source).instance.settings.plan_start
    sheet = openpyxl.load_workbook(tmp_path / "next.xlsx")["Rolled forward"]
    assert "new .xlsx workbook" in sheet["A3"].value


def test_a_password_protected_ods_is_told_by_its_manifest(tmp_path):
    """LibreOffice keeps a protected .ods a zip: its manifest lists how each part is encrypted."""
    import zipfile

    path = tmp_path / "locked.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<manifest:manifest><manifest:file-entry manifest:full-path="content.xml">'
                                            "<manifest:encryption-data/></manifest:file-entry></manifest:manifest>")
        z.writestr("content.xml", b"\x00garbled")
    assert other_kinds.kind_of(path) == "encrypted"
    (p,) = problems(path)
    assert "password-protected" in p.message


@pytest.mark.parametrize("name", ["scheme.xlsm", "scheme.ods", "scheme"])
def test_the_kind_is_told_by_the_content_not_the_name(tmp_path, name):
    """An .xlsx saved under another name (or none) still reads; so does an .xls named .xlsx."""
    path = tmp_path / name
    path.write_bytes(EXAMPLE.read_bytes())
    assert read_workbook(path).instance == read_workbook(EXAMPLE).instance
    legacy = tmp_path / "legacy.xlsx"
    legacy.write_bytes((FIXTURES / "north_thames.xls").read_bytes())
    assert read_workbook(legacy).instance == read_workbook(EXAMPLE).instance
