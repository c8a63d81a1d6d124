"""Header spellings as township files write them, each mapped to its field or, when it
could be two fields or none, left for the user to choose."""

import pytest

from cadre.roster.columns import ROSTER_COLUMNS
from common.headers import HeaderMatcher, normalize_header

MATCHER = HeaderMatcher(ROSTER_COLUMNS)

SPELLINGS = [
    # the system's own names and known synonyms
    ("姓名", "name"),
    ("身份证号", "id_number"),
    ("公民身份号码", "id_number"),
    ("村(社区)", "village"),
    ("乡镇（街道）", "township"),  # full-width brackets
    ("村（社区）名称", "village"),
    # spaces, line breaks inside the cell, marks, colons
    ("姓  名", "name"),
    ("姓\n名", "name"),
    ("身份证\n号码", "id_number"),
    ("*姓名", "name"),
    ("姓名*", "name"),
    ("＊学历", "education"),
    ("政治面貌：", "political_status"),
    ("联系电话:", "phone"),
    ("※ 来源", "source"),
    # bracketed remarks
    ("学历（必填）", "education"),
    ("来源(必填)", "source"),
    ("联系电话（请填写手机号）", "phone"),
    ("出生年月（如1990.05）", "birth_date"),
    ("文化程度(学历)", "education"),
    ("入党时间【党员填写】", "party_joined_on"),
    ("备注(选填)", "notes"),
    ("身份证号(18位)", "id_number"),
    # a field's name plus qualifiers
    ("政治面貌情况", "political_status"),
    ("学历信息", "education"),
    ("学历类别", "education"),
    ("联系电话号码", "phone"),
    ("后备干部来源情况", "source"),
    ("来源类别", "source"),
    ("出生年月日期", "birth_date"),
    ("入党年月时间", "party_joined_on"),
    ("民族名称", "ethnicity"),
    ("所在乡镇名称", "township"),
    ("所在村名称", "village"),
    ("现任职务名称", "current_job"),
    ("个人特长情况", "specialty"),
    ("身份证号码信息", "id_number"),
    ("身份证编号", "id_number"),
    ("性别情况", "gender"),
    ("层级类别", "tier"),
    ("本人手机号码", "phone"),
    ("培养层级情况", "tier"),
    # could be two fields: not guessed
    ("姓名及身份证号", None),
    ("出生年月/入党时间", None),
    ("学历及政治面貌", None),
    # no field at all
    ("家庭住址", None),
    ("人员类型", None),
    ("民族成分", None),
    ("照片", None),
]


@pytest.mark.parametrize(("header", "key"), SPELLINGS)
def test_header_spellings(header, key):
    assert MATCHER.match(header)[0] == key


def test_the_table_is_large():
    assert len(SPELLINGS) >= 40


def test_two_fields_in_one_header_are_marked_ambiguous():
    assert MATCHER.match("姓名及身份证号") == (None, "ambiguous")


def test_unmapped_headers_get_the_closest_fields_first():
    assert MATCHER.suggest("人员类型")[0] == "source"
    assert MATCHER.suggest("民族成分")[0] == "ethnicity"


def test_a_persons_choice_comes_first_and_can_ignore_a_column():
    matcher = HeaderMatcher(ROSTER_COLUMNS, choices={"人员类型": "source", "姓名": ""})
    assert matcher.match("人员 类型") == ("source", "chosen")
    assert matcher.match("姓名") == (None, "ignored")


def test_normalising():
    assert normalize_header(" 联系\r\n电话（手机）： ") == "联系电话(手机)"


def test_the_header_row_is_found_below_a_title_and_a_second_column_for_a_field_is_not_guessed():
    rows = [["白水镇村级后备干部花名册", "", ""], ["姓名", "身份证号", "姓名"], ["李明", "431121199503141016", "x"]]
    match = MATCHER.find_header(rows)
    assert match.row == 1
    assert match.fields == {"name": 0, "id_number": 1}
    assert [(c.index, c.how) for c in match.unmapped] == [(2, "ambiguous")]
