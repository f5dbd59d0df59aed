"""Where an item is, in a message: its sheet and row, or its sheet and id."""

from conftest import case, trainee

from rotasolve.domain.where import row_note, rows_of, where


def test_an_item_read_from_a_workbook_is_named_by_row_and_id():
    c = case(source_row=12)
    assert where("Cases", c) == "Cases row 12 (C1)"
    assert row_note("Cases", c) == " (Cases row 12)"
    assert where("Cases", c, "running with T1") == "Cases row 12 (C1, running with T1)"
    assert rows_of("Cases", [c, case("C2", source_row=14)], " and ") == "Cases rows 12 and 14"


def test_an_item_built_in_code_is_named_by_id():
    t = trainee(source_row=None)
    assert where("Trainees", t) == "Trainees T1" and row_note("Trainees", t) == ""
    assert where("Trainees", t, "in group G1") == "Trainees T1 (in group G1)"
    assert rows_of("Trainees", [trainee("T2", source_row=3), t]) == "Trainees T2, T1"
