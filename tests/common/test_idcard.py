import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from common.idcard import age_on, normalize_id_number, parse_id_number
from common.masking import mask_id_number, mask_phone

TODAY = dt.date(2026, 11, 22)

# Real-format numbers: region, birth date, sequence and a correct ISO 7064 check digit.
VALID = [
    ("11010519491231002X", dt.date(1949, 12, 31), "F"),
    ("431121199503141016", dt.date(1995, 3, 14), "M"),
    ("440902199005030028", dt.date(1990, 5, 3), "F"),
]

INVALID = [
    ("43112119950314101", "身份证号应为18位，实际为17位"),
    ("4311211995031410111", "身份证号应为18位，实际为19位"),
    ("43112119950314101A", "身份证号前17位应为数字，末位为数字或X"),
    ("4311211995O314101X", "身份证号前17位应为数字，末位为数字或X"),
    ("991121199503141015", "身份证号地区码无效：991121"),
    ("431121199502301014", "身份证号中的出生日期无效：19950230"),
    ("431121203001011018", "身份证号中的出生日期无效：20300101"),
    ("440524188001010014", "身份证号中的出生日期无效：18800101"),
    ("431121199503141012", "校验位错误，应为6"),
    ("110105194912310021", "校验位错误，应为X"),
]


@pytest.mark.parametrize(("number", "birth", "gender"), VALID)
def test_valid_numbers_decode_birth_date_and_gender(number, birth, gender):
    info = parse_id_number(number, today=TODAY)
    assert (info.number, info.birth_date, info.gender) == (number, birth, gender)


@pytest.mark.parametrize(("number", "message"), INVALID)
def test_invalid_numbers_are_explained_in_chinese(number, message):
    with pytest.raises(ValidationError) as exc:
        parse_id_number(number, today=TODAY)
    assert exc.value.messages == [message]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002x", "11010519491231002X"),  # lower-case x
        ("１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"),  # full-width digits
        (" 110105 19491231 002X ", "11010519491231002X"),  # spaces, also full-width
        ("110105\u300019491231002X", "11010519491231002X"),
    ],
)
def test_numbers_are_normalised_before_checking(raw, expected):
    assert normalize_id_number(raw) == expected
    assert parse_id_number(raw, today=TODAY).number == expected


def test_age_counts_whole_years_up_to_the_birthday():
    birth = dt.date(1991, 11, 23)
    assert age_on(birth, dt.date(2026, 11, 22)) == 34
    assert age_on(birth, dt.date(2026, 11, 23)) == 35


@pytest.mark.parametrize(
    ("value", "expected"),
    [("440902199005030024", "4409**********0024"), ("", ""), ("1234", "****")],
)
def test_id_numbers_are_masked_to_their_ends(value, expected):
    assert mask_id_number(value) == expected


@pytest.mark.parametrize(("value", "expected"), [("13812345678", "138****5678"), ("0746-1234567", "074*****4567")])
def test_phone_numbers_are_masked_to_their_ends(value, expected):
    assert mask_phone(value) == expected
