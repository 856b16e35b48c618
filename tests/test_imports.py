"""Reading headcount from CSV and Excel files: every quarter, or every problem with its line.

No database: ``planner.imports`` turns bytes into rows and knows nothing of what is stored.
"""

import datetime
import io
import struct
import time
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from planner import imports, rules
from planner.imports import MAX_COLUMNS, MAX_LINES, MAX_ROWS, Problem, compare, read_headcount
from planner.quarters import Quarter

Q1 = Quarter(2027, 1).ordinal
HEADER = "quarter,sales,customer_success,other"
# What "at once" means on a loaded machine under coverage; the attacks take minutes or more.
SECONDS = 5


def read_csv(text: str, month: int = 1, name: str = "headcount.csv"):
    return read_headcount(text.encode(), name, fiscal_year_start_month=month)


def xlsx(*rows, extra=None) -> bytes:
    """A workbook whose first sheet holds ``rows``; ``extra(sheet)`` may change its cells."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    if extra:
        extra(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_xlsx(content: bytes, month: int = 1):
    return read_headcount(content, "headcount.xlsx", fiscal_year_start_month=month)


def messages(reading) -> list[str]:
    assert reading.rows == ()
    return [str(problem) for problem in reading.problems]


def counts(reading) -> dict[str, tuple[int, int, int]]:
    assert reading.problems == ()
    return {
        Quarter.from_ordinal(row.quarter).label: (
            row.headcount.sales,
            row.headcount.customer_success,
            row.headcount.other,
        )
        for row in reading.rows
    }


# --- what is read ---------------------------------------------------------------------------


def test_it_reads_quarters_as_the_export_writes_them_and_in_the_compact_form():
    reading = read_csv(f"{HEADER}\nFY2027 Q1,40,12,5\nFY2027Q2,44,12,6\nfy2027 q3,1,0,0\n")
    assert counts(reading) == {
        "FY2027 Q1": (40, 12, 5),
        "FY2027 Q2": (44, 12, 6),
        "FY2027 Q3": (1, 0, 0),
    }
    assert [row.line for row in reading.rows] == [2, 3, 4]
    assert reading.headcounts[Q1] == rules.Headcount(40, 12, 5)


def test_it_reads_a_start_date_in_the_organizations_fiscal_calendar():
    # With a February start, FY2027 Q1 starts on 1 February 2026.
    reading = read_csv(f"{HEADER}\n2026-02-01,40,12,5\n2026-05-01,44,12,6\n", month=2)
    assert counts(reading) == {"FY2027 Q1": (40, 12, 5), "FY2027 Q2": (44, 12, 6)}
    # With a January start, the first day of 2026 starts FY2026 Q1.
    assert counts(read_csv(f"{HEADER}\n2026-01-01,1,2,3\n")) == {"FY2026 Q1": (1, 2, 3)}


def test_it_matches_header_names_in_any_case_and_order_with_spaces_around():
    text = " Other ,QUARTER, customer_success ,Sales\n5,FY2027 Q1,12,40\n"
    assert counts(read_csv(text)) == {"FY2027 Q1": (40, 12, 5)}


def test_it_reads_the_header_names_the_page_shows():
    text = "Quarter,Sales,Customer success,Other\nFY2027 Q1,40,12,5\n"
    assert counts(read_csv(text)) == {"FY2027 Q1": (40, 12, 5)}


def test_it_skips_blank_lines_and_trailing_empty_cells_and_reads_a_byte_order_mark():
    text = "\ufeff" + f"{HEADER},,\n\nFY2027 Q1,40,12,5,,\n , , , \n"
    assert counts(read_csv(text)) == {"FY2027 Q1": (40, 12, 5)}


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_it_reads_semicolons_and_tabs_when_the_header_has_no_comma(delimiter):
    text = f"{HEADER}\nFY2027 Q1,40,12,5\n".replace(",", delimiter)
    assert counts(read_csv(text)) == {"FY2027 Q1": (40, 12, 5)}


def test_it_reads_whole_numbers_written_with_a_decimal_point_or_spaces():
    assert counts(read_csv(f"{HEADER}\nFY2027 Q1, 40 ,12.0,5.00\n")) == {"FY2027 Q1": (40, 12, 5)}


# --- what is refused, line by line ----------------------------------------------------------


def test_it_reports_every_bad_row_with_its_line_and_reason():
    text = "\n".join(
        [
            HEADER,
            "FY2027 Q1,40,12,5",
            "FY2027 Q2,forty,12,5",
            "FY2027 Q3,40,-2,5",
            "FY2027 Q1,41,12,5",
            "FY1999 Q4,1,1,1",
            "FY2027 Q4,4.5,,2000000",
            "sometime,1,1,1",
        ]
    )
    assert messages(read_csv(text)) == [
        "Line 3, sales: “forty” is not a number: write a whole number of people, like 42.",
        "Line 4, customer_success: “-2” is negative: headcount cannot be below 0.",
        "Line 5, quarter: FY2027 Q1 is already on line 2.",
        "Line 6, quarter: “FY1999 Q4” is outside the quarters the planner keeps, "
        "FY2000 Q1 to FY2100 Q4.",
        "Line 7, sales: “4.5” is not a whole number of people.",
        "Line 7, customer_success: no number: write 0 if there is no one.",
        "Line 7, other: “2000000” is more than 1,000,000 people: check the number.",
        "Line 8, quarter: “sometime” is not a quarter: write it like FY2027 Q1 or as the day "
        "it starts, 2027-01-01.",
    ]


def test_line_numbers_count_blank_lines_as_a_spreadsheet_does():
    assert messages(read_csv(f"{HEADER}\n\n\nFY2027 Q1,x,1,1\n")) == [
        "Line 4, sales: “x” is not a number: write a whole number of people, like 42."
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", "“NaN” is not a number"),
        ("Infinity", "“Infinity” is not a number"),
        ("1e999999999", "“1e999999999” is more than 1,000,000 people"),
        ("0x10", "“0x10” is not a number"),
        ("=1+1", "“=1+1” is not a number"),
        ("-0.5", "“-0.5” is negative"),
    ],
)
def test_it_refuses_numbers_that_are_not_counts_of_people(value, message):
    (problem,) = messages(read_csv(f"{HEADER}\nFY2027 Q1,{value},1,1\n"))
    assert problem.startswith(f"Line 2, sales: {message}")


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("FY2027 Q5", "“FY2027 Q5” is not a quarter: a fiscal year has Q1 to Q4."),
        ("FY2101 Q1", "“FY2101 Q1” is outside the quarters the planner keeps"),
        ("FY99999 Q1", "“FY99999 Q1” is outside the quarters the planner keeps"),
        ("2026-02-30", "“2026-02-30” is not a date."),
        ("1899-01-01", "1899-01-01 is outside the quarters the planner keeps"),
        (
            "2026-02-15",
            "2026-02-15 is not the first day of a quarter: it falls in FY2026 Q1, which "
            "starts 2026-01-01.",
        ),
        ("", "no quarter: write it like FY2027 Q1"),
    ],
)
def test_it_refuses_quarters_it_cannot_place(quarter, message):
    (problem,) = messages(read_csv(f"{HEADER}\n{quarter},1,1,1\n"))
    assert problem.startswith(f"Line 2, quarter: {message}")


def test_a_date_that_starts_no_quarter_names_the_quarter_it_falls_in_for_that_calendar():
    (problem,) = messages(read_csv(f"{HEADER}\n2026-01-01,1,1,1\n", month=2))
    assert problem == (
        "Line 2, quarter: 2026-01-01 is not the first day of a quarter: it falls in "
        "FY2026 Q4, which starts 2025-11-01."
    )


def test_an_unknown_column_is_reported_and_the_rows_are_still_checked():
    text = f"{HEADER},notes\nFY2027 Q1,40,12,5,fine\nFY2027 Q2,x,12,5,\n"
    assert messages(read_csv(text)) == [
        "Line 1: Unknown column “notes”: the columns are quarter, sales, customer_success "
        "and other.",
        "Line 3, sales: “x” is not a number: write a whole number of people, like 42.",
    ]


def test_a_missing_or_repeated_column_stops_at_the_header():
    assert messages(read_csv("quarter,sales,sales\nFY2027 Q1,1,2\n")) == [
        "Line 1: The column sales appears twice.",
        "Line 1: Missing column customer_success: the columns are quarter, sales, "
        "customer_success and other.",
        "Line 1: Missing column other: the columns are quarter, sales, customer_success and other.",
    ]


def test_a_value_under_no_column_name_is_reported():
    (problem,) = messages(read_csv(f"{HEADER},,\nFY2027 Q1,40,12,5,,7\n"))
    assert problem == "Line 2: “7” is in a column the file does not name."


@pytest.mark.parametrize("text", ["", "\n\n", " , ,\n\n", "\ufeff"])
def test_an_empty_file_is_refused(text):
    assert messages(read_csv(text)) == [
        "The file is empty: download the template and write one quarter on each line under "
        "its header."
    ]


def test_a_header_without_quarters_is_refused():
    assert messages(read_csv(f"{HEADER}\n\n")) == [
        "The file has a header but no quarters under it."
    ]


def test_more_quarters_than_the_limit_are_refused_whole():
    lines = [f"{(Quarter(2001, 1) + n).label},1,1,1" for n in range(MAX_ROWS + 1)]
    assert messages(read_csv("\n".join([HEADER, *lines]))) == [
        f"The file lists {MAX_ROWS + 1} quarters: import at most {MAX_ROWS} at once."
    ]
    assert len(read_csv("\n".join([HEADER, *lines[:MAX_ROWS]])).rows) == MAX_ROWS


def test_more_lines_than_the_limit_are_refused_even_when_blank():
    text = HEADER + "\n" * MAX_LINES + "FY2027 Q1,1,1,1\n"
    assert messages(read_csv(text)) == [
        f"The file has more than {MAX_LINES:,} lines: import at most {MAX_ROWS} quarters at once."
    ]


def test_more_columns_than_the_limit_are_refused():
    text = HEADER + "," * MAX_COLUMNS + "x\nFY2027 Q1,1,1,1\n"
    assert messages(read_csv(text)) == [
        f"Line 1 has more than {MAX_COLUMNS} columns: the columns are quarter, sales, "
        "customer_success and other."
    ]


def test_a_line_of_many_empty_cells_is_read_at_once():
    # Trimmed one cell at a time by copying, 200,000 empty cells would take hours.
    text = f"{HEADER}\nFY2027 Q1,1,1,1" + "," * 200_000 + "\n"
    started = time.monotonic()
    assert counts(read_csv(text)) == {"FY2027 Q1": (1, 1, 1)}
    assert time.monotonic() - started < SECONDS


# --- file types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "headcount.pdf",
            b"%PDF-1.7",
            "Choose a CSV (.csv) or Excel (.xlsx) file; “headcount.pdf”",
        ),
        ("headcount", b"quarter", "Choose a CSV (.csv) or Excel (.xlsx) file"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "Files from Excel 97–2003 (.xls) cannot be read"),
        ("sheet.xlsx", b"quarter,sales\n", "This is not an Excel workbook (.xlsx)"),
        ("sheet.csv", b"PK\x03\x04rest", "This is not a CSV text file"),
        ("sheet.csv", b"quarter\x00,sales", "This is not a CSV text file"),
        ("sheet.csv", "quarter,ventes été".encode("latin-1"), "This file is not UTF-8 text"),
        ("sheet.xlsx", b"PK\x03\x04 not really a zip", "This Excel workbook (.xlsx) is damaged"),
    ],
)
def test_it_refuses_a_file_of_the_wrong_type(name, content, message):
    (problem,) = messages(read_headcount(content, name, fiscal_year_start_month=1))
    assert problem.startswith(message)


def test_a_csv_it_cannot_parse_is_refused_with_its_line():
    text = f'{HEADER}\nFY2027 Q1,"{"x" * 200_000}",1,1\n'
    (problem,) = messages(read_csv(text))
    assert problem.startswith("Line 2: this is not readable CSV")


# --- Excel ----------------------------------------------------------------------------------


def test_it_reads_a_workbook_with_typed_numbers_dates_and_text():
    content = xlsx(
        ["Quarter", "Sales", "Customer success", "Other"],
        ["FY2027 Q1", 40, 12, 5],
        [datetime.datetime(2026, 5, 1), 44.0, "12", 6],
        ["FY2027Q3", 50, 14, 0],
    )
    assert counts(read_xlsx(content, month=2)) == {
        "FY2027 Q1": (40, 12, 5),
        "FY2027 Q2": (44, 12, 6),
        "FY2027 Q3": (50, 14, 0),
    }


def test_it_reads_only_the_first_sheet():
    def second_sheet(sheet):
        other = sheet.parent.create_sheet("Notes")
        other.append(["anything", "at", "all"])

    content = xlsx([*HEADER.split(",")], ["FY2027 Q1", 1, 2, 3], extra=second_sheet)
    assert counts(read_xlsx(content)) == {"FY2027 Q1": (1, 2, 3)}


def test_a_formula_is_refused_and_never_evaluated():
    content = xlsx(
        HEADER.split(","),
        ["FY2027 Q1", "=2*20", 12, 5],
        ["=A2", 1, 1, "=SUM(B2:C2)"],
    )
    assert messages(read_xlsx(content)) == [
        "Line 2, sales: “=2*20” is a formula, not a number: paste the values instead "
        "(Paste Special → Values).",
        "Line 3, quarter: “=A2” is a formula, not a quarter: write it like FY2027 Q1 or as "
        "the day it starts, 2027-01-01.",
        "Line 3, other: “=SUM(B2:C2)” is a formula, not a number: paste the values instead "
        "(Paste Special → Values).",
    ]


def test_error_cells_booleans_and_dates_are_not_numbers():
    def errors(sheet):
        sheet["B2"].data_type = "e"
        sheet["A3"].data_type = "e"

    content = xlsx(
        HEADER.split(","),
        ["FY2027 Q1", "#REF!", True, datetime.datetime(2026, 1, 1)],
        ["#N/A", 1, 1, 1],
        extra=errors,
    )
    assert messages(read_xlsx(content)) == [
        "Line 2, sales: #REF! is an error, not a number.",
        "Line 2, customer_success: “True” is not a number: write a whole number of people, "
        "like 42.",
        "Line 2, other: “2026-01-01” is a date, not a number of people.",
        "Line 3, quarter: #N/A is an error, not a quarter: write it like FY2027 Q1 or as the "
        "day it starts, 2027-01-01.",
    ]


def test_a_workbook_line_is_its_row_number():
    def gap(sheet):
        sheet["A5"] = "FY2027 Q2"
        sheet["B5"] = -1
        sheet["C5"] = 0
        sheet["D5"] = 0

    content = xlsx(HEADER.split(","), ["FY2027 Q1", 1, 1, 1], extra=gap)
    assert messages(read_xlsx(content)) == [
        "Line 5, sales: “-1” is negative: headcount cannot be below 0."
    ]


def test_a_workbook_with_more_rows_than_the_limit_is_refused():
    rows = [["FY2027 Q1", 1, 1, 1]] * (MAX_LINES + 1)
    assert messages(read_xlsx(xlsx(HEADER.split(","), *rows))) == [
        f"The file has more than {MAX_LINES:,} lines: import at most {MAX_ROWS} quarters at once."
    ]


def test_a_workbook_with_more_columns_than_the_limit_is_refused():
    def wide(sheet):
        sheet.cell(row=3, column=MAX_COLUMNS + 1, value="x")

    content = xlsx(HEADER.split(","), ["FY2027 Q1", 1, 1, 1], extra=wide)
    assert messages(read_xlsx(content)) == [
        f"Line 3 has more than {MAX_COLUMNS} columns: the columns are quarter, sales, "
        "customer_success and other."
    ]


def with_part(content: bytes, name: str, data: bytes) -> bytes:
    """The workbook with one more part (or one part replaced) in its zip archive."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_any_part_is_read(monkeypatch):
    # 21 MB of zeros packs into about 20 KB: small enough to upload, too large to unpack.
    content = with_part(xlsx(HEADER.split(",")), "xl/padding.bin", bytes(21 * 1024 * 1024))
    assert len(content) < 64 * 1024

    def never(*args, **kwargs):
        raise AssertionError("the workbook was opened")

    monkeypatch.setattr(imports, "load_workbook", never)
    assert messages(read_xlsx(content)) == [
        "This workbook is too large once unpacked: keep one sheet with the headcount and save "
        "it again."
    ]


def test_a_workbook_of_too_many_parts_is_refused():
    content = xlsx(HEADER.split(","))
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        source = zipfile.ZipFile(io.BytesIO(content))
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        for n in range(imports.MAX_PARTS):
            archive.writestr(f"xl/media/part{n}.bin", b"")
    assert messages(read_xlsx(many.getvalue())) == [
        "This workbook is too large once unpacked: keep one sheet with the headcount and save "
        "it again."
    ]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>
"""


def test_workbook_xml_is_parsed_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_an_entity_expansion_attack_is_refused_at_once(part):
    content = with_part(xlsx(HEADER.split(","), ["FY2027 Q1", 1, 1, 1]), part, BILLION_LAUGHS)
    started = time.monotonic()
    assert messages(read_xlsx(content)) == [
        "This Excel workbook (.xlsx) is damaged and cannot be read."
    ]
    assert time.monotonic() - started < SECONDS


# --- generated input ------------------------------------------------------------------------

GENERATED = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CELLS = st.one_of(
    st.sampled_from(["FY2027 Q1", "FY2027Q2", "2026-02-01", "0", "12", "-1", "1e3", "=1+1", ""]),
    st.text(max_size=12),
)


@GENERATED
@given(
    header=st.lists(st.sampled_from([*imports.COLUMNS, "x", "", "Sales "]), max_size=6),
    rows=st.lists(st.lists(CELLS, max_size=6), max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    month=st.integers(1, 12),
)
def test_any_csv_gives_rows_or_problems_never_an_error(header, rows, delimiter, month):
    text = "\n".join(delimiter.join(cells) for cells in [header, *rows])
    reading = read_csv(text, month=month)
    assert bool(reading.rows) != bool(reading.problems)
    assert all(isinstance(problem, Problem) for problem in reading.problems)


@GENERATED
@given(content=st.binary(max_size=300), name=st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_any_bytes_give_rows_or_problems_never_an_error(content, name):
    reading = read_headcount(content, name, fiscal_year_start_month=1)
    assert bool(reading.rows) != bool(reading.problems)


@GENERATED
@given(
    cells=st.lists(
        st.one_of(
            # Text a workbook can hold: openpyxl refuses control characters in cells.
            st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),
            CELLS.filter(lambda text: text.isprintable()),
            st.integers(-(10**12), 10**12),
            st.floats(allow_nan=True, allow_infinity=True),
            st.booleans(),
            st.datetimes(
                min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2200, 1, 1)
            ),
        ),
        min_size=4,
        max_size=4,
    )
)
def test_any_workbook_cell_gives_rows_or_problems_never_an_error(cells):
    reading = read_xlsx(xlsx(HEADER.split(","), cells))
    assert bool(reading.rows) != bool(reading.problems)


# --- the preview ----------------------------------------------------------------------------


def test_compare_sorts_the_files_quarters_into_added_changed_and_unchanged():
    stored = {Q1: rules.Headcount(40, 12, 5), Q1 + 1: rules.Headcount(44, 12, 6)}
    headcounts = {
        Q1 + 2: rules.Headcount(50, 14, 7),
        Q1 + 1: rules.Headcount(44, 13, 6),
        Q1: rules.Headcount(40, 12, 5),
    }
    preview = compare(headcounts, stored)
    assert [row.quarter for row in preview.added] == [Q1 + 2]
    assert [row.quarter for row in preview.changed] == [Q1 + 1]
    assert [row.quarter for row in preview.unchanged] == [Q1]
    assert preview.writes == 2
    (changed,) = preview.changed
    assert [(c.column, c.before, c.after, c.changed) for c in changed.cells] == [
        ("sales", 44, 44, False),
        ("customer_success", 12, 13, True),
        ("other", 6, 6, False),
        ("total", 62, 63, True),
    ]
    (added,) = preview.added
    assert [(c.before, c.after, c.changed) for c in added.cells] == [
        (None, 50, False),
        (None, 14, False),
        (None, 7, False),
        (None, 71, False),
    ]


def test_the_template_rows_read_back_as_two_quarters():
    rows = imports.template_rows(Quarter(2027, 4))
    text = "\n".join(",".join(str(v) for v in row) for row in [imports.COLUMNS, *rows])
    assert counts(read_csv(text)) == {"FY2027 Q4": (40, 12, 5), "FY2028 Q1": (44, 12, 6)}


def declaring(content: bytes, name: str, size: int) -> bytes:
    """The archive with the uncompressed size of part ``name`` declared as ``size``."""
    data = bytearray(content)
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = data.find(signature)
        while start != -1:
            if data[start + name_at : start + name_at + len(encoded)] == encoded:
                data[start + size_at : start + size_at + 4] = struct.pack("<I", size)
            start = data.find(signature, start + 1)
    return bytes(data)


def test_a_part_that_unpacks_beyond_its_declared_size_is_refused():
    # The sheet claims 1 KB but inflates to 30 MB: unpacking stops at the declared size, so
    # the declared sizes bound the work, and the part fails its checksum.
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(2, 3))
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>" + " " * (30 * 1024 * 1024)
    ).encode()
    part = "xl/worksheets/sheet1.xml"
    content = declaring(with_part(xlsx(HEADER.split(",")), part, sheet), part, 1024)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.getinfo(part).file_size == 1024
    started = time.monotonic()
    assert messages(read_xlsx(content)) == [
        "This Excel workbook (.xlsx) is damaged and cannot be read."
    ]
    assert time.monotonic() - started < SECONDS
