import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from plein.core.exports import export_rows, neutralise

DANGEROUS = ["=SUM(A1:A2)", "+31 6 1234", "-2+3", "@cmd", "\tindent", "\rreturn"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_prefixes_formula_text(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Beleidsmedewerker", "", "a=b", " =1", 12, -5, None, dt.date(2024, 1, 2)])
def test_neutralise_leaves_other_values(value):
    assert neutralise(value) == value


def _csv_lines(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return text[1:].split("\r\n")


def test_csv_export_neutralises_every_text_cell_and_headers():
    response = export_rows(
        [["=1+1", "gewoon", 7, True, dt.date(2024, 3, 31), None]], ["@kop", "b", "c", "d", "e", "f"], "csv"
    )
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="export.csv"'
    assert response["Cache-Control"] == "no-store"
    lines = _csv_lines(response)
    assert lines[0] == "'@kop;b;c;d;e;f"
    assert lines[1] == "'=1+1;gewoon;7;ja;2024-03-31;"


def test_xlsx_export_neutralises_and_keeps_types():
    rows = [['=HYPERLINK("http://evil")', "-1", 3, dt.date(2024, 5, 6), "\x01=cmd"]]
    response = export_rows(rows, ["functiecode", "=kop", "n", "datum", "x"], "xlsx", filename="functies 2024")
    assert response["Content-Disposition"] == 'attachment; filename="functies-2024.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("functiecode", "'=kop", "n", "datum", "x")
    code, minus, number, date, control = values[1]
    assert code == '\'=HYPERLINK("http://evil")'
    assert minus == "'-1"
    assert number == 3
    assert date.date() == dt.date(2024, 5, 6)
    # A control character is removed first, so what is left cannot become a formula.
    assert control == "'=cmd"
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_unknown_format_is_refused():
    with pytest.raises(ValueError):
        export_rows([], ["a"], "pdf")
