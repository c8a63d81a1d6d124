"""Dates as township rosters write them, read by cadre.roster.dates.parse_roster_date."""

import datetime as dt

import pytest

from cadre.roster.dates import DateError, Precision, parse_roster_date, same_as

D, M, Y = Precision.DAY, Precision.MONTH, Precision.YEAR
HINT = "，请写成1990-05-03、1990.05或1990年5月"


def serial(day: dt.date) -> int:
    """The number Excel stores for a date (1900 date system)."""
    return (day - dt.date(1899, 12, 30)).days


VALID = [
    # Text cells.
    ("1990.05", dt.date(1990, 5, 1), M),
    ("1990.5", dt.date(1990, 5, 1), M),
    ("1990.12", dt.date(1990, 12, 1), M),
    ("1990.1", dt.date(1990, 1, 1), M),  # typed as text it means what it says: January
    ("1990年5月", dt.date(1990, 5, 1), M),
    ("1990年05月", dt.date(1990, 5, 1), M),
    ("1990 年 5 月", dt.date(1990, 5, 1), M),
    ("１９９０年５月", dt.date(1990, 5, 1), M),
    ("1990/05", dt.date(1990, 5, 1), M),
    ("1990-05", dt.date(1990, 5, 1), M),
    ("199005", dt.date(1990, 5, 1), M),
    ("1990年5月3日", dt.date(1990, 5, 3), D),
    ("1990/5/3", dt.date(1990, 5, 3), D),
    ("1990-5-3", dt.date(1990, 5, 3), D),
    ("1990-05-03", dt.date(1990, 5, 3), D),
    ("1990.05.03", dt.date(1990, 5, 3), D),
    ("1990.5.3", dt.date(1990, 5, 3), D),
    ("19900503", dt.date(1990, 5, 3), D),
    (" 1990-05-03 ", dt.date(1990, 5, 3), D),
    ("2000-02-29", dt.date(2000, 2, 29), D),
    ("1990", dt.date(1990, 1, 1), Y),
    ("1990年", dt.date(1990, 1, 1), Y),
    # Number cells: 1990.05 typed into a number cell is a float; Excel shows 1990.10 as 1990.1.
    (1990.05, dt.date(1990, 5, 1), M),
    (1990.01, dt.date(1990, 1, 1), M),
    (1990.1, dt.date(1990, 10, 1), M),
    (1990.12, dt.date(1990, 12, 1), M),
    (1990, dt.date(1990, 1, 1), Y),
    (1990.0, dt.date(1990, 1, 1), Y),
    (19900503, dt.date(1990, 5, 3), D),
    (19900503.0, dt.date(1990, 5, 3), D),
    (199005, dt.date(1990, 5, 1), M),  # yyyymm typed into a number cell, as "199005" is read as text
    # Excel date cells and the serial numbers behind them.
    (dt.date(1990, 5, 3), dt.date(1990, 5, 3), D),
    (dt.datetime(1990, 5, 3), dt.date(1990, 5, 3), D),
    (dt.datetime(1990, 5, 3, 14, 30), dt.date(1990, 5, 3), D),
    (serial(dt.date(1990, 5, 3)), dt.date(1990, 5, 3), D),
    (float(serial(dt.date(1990, 5, 3))), dt.date(1990, 5, 3), D),
    (serial(dt.date(1990, 5, 3)) + 0.75, dt.date(1990, 5, 3), D),  # a date with a time of day
    (serial(dt.date(2015, 7, 1)), dt.date(2015, 7, 1), D),
]


@pytest.mark.parametrize(("value", "date", "precision"), VALID, ids=[repr(v[0]) for v in VALID])
def test_a_written_date_is_read_with_its_precision(value, date, precision):
    assert parse_roster_date(value) == (date, precision)


@pytest.mark.parametrize("value", [None, "", "   ", "\u3000"], ids=repr)
def test_an_empty_cell_is_no_date(value):
    assert parse_roster_date(value) is None


INVALID = [
    ("1990.13", "1990.13"),
    ("1990.00", "1990.00"),
    ("1990年13月", "1990年13月"),
    ("1990-02-30", "1990-02-30"),
    ("1990-2-29", "1990-2-29"),
    ("19901332", "19901332"),
    ("１９９０.１３", "1990.13"),  # shown as normalised
    ("90.05", "90.05"),
    ("九〇年五月", "九〇年五月"),
    ("五月", "五月"),
    ("不详", "不详"),
    ("1990.05.03.01", "1990.05.03.01"),
    ("1990-05-03 00:00:00", "1990-05-03 00:00:00"),
    (1990.13, "1990.13"),
    (1990.001, "1990.001"),
    (19901332, "19901332"),
    (0, "0"),
    (-3, "-3"),
    (80000, "80000"),
    (True, "是"),
]


@pytest.mark.parametrize(("value", "shown"), INVALID, ids=[repr(v[0]) for v in INVALID])
def test_an_unreadable_date_says_what_was_written_and_how_to_write_it(value, shown):
    with pytest.raises(DateError) as exc:
        parse_roster_date(value)
    assert str(exc.value) == f"无法识别的日期“{shown}”{HINT}"


def test_a_date_error_is_a_value_error():
    assert issubclass(DateError, ValueError)


@pytest.mark.parametrize(
    ("written", "actual", "same"),
    [
        ((dt.date(1990, 1, 1), Y), dt.date(1990, 12, 31), True),
        ((dt.date(1990, 1, 1), Y), dt.date(1991, 1, 1), False),
        ((dt.date(1990, 5, 1), M), dt.date(1990, 5, 31), True),
        ((dt.date(1990, 5, 1), M), dt.date(1990, 6, 1), False),
        ((dt.date(1990, 5, 1), M), dt.date(1991, 5, 1), False),
        ((dt.date(1990, 5, 3), D), dt.date(1990, 5, 3), True),
        ((dt.date(1990, 5, 3), D), dt.date(1990, 5, 4), False),
    ],
)
def test_a_date_agrees_with_an_exact_date_as_far_as_it_was_written(written, actual, same):
    assert same_as(written, actual) is same
