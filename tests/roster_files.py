"""Small hand-built roster workbooks, shaped like the files townships send."""

import datetime as dt

from openpyxl import Workbook

from tests.factories import make_id_number

HEADER = ["序号", "乡镇(街道)", "村(社区)", "姓名", "性别", "民族", "身份证号", "出生年月", "联系电话",
          "学历", "政治面貌", "入党时间", "来源", "层级", "现任职务", "特长", "备注"]  # fmt: skip


def person(township="白水镇", village="枫树村", name="李明", birth=dt.date(1995, 3, 14), seq=101, **overrides):
    """One row as a township clerk types it (values by header)."""
    number = make_id_number(birth=birth, seq=seq)
    row = {
        "乡镇(街道)": township, "村(社区)": village, "姓名": name, "性别": "男" if seq % 2 else "女",
        "民族": "汉族", "身份证号": number, "出生年月": f"{birth.year}.{birth.month:02d}",
        "联系电话": "13812345678", "学历": "大专", "政治面貌": "群众", "入党时间": "", "来源": "返乡农民工",
        "层级": "村级", "现任职务": "", "特长": "", "备注": "",
    }  # fmt: skip
    row.update(overrides)
    return row


def write_roster(path, rows, *, header=HEADER, title="白水镇村级后备干部花名册", total_row=True):
    """Title row merged across the header, the header, the rows (None = a blank row), and
    a total row. Returns the path. Values are written as given: a float stays a number."""
    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    number = 0
    for row in rows:
        if row is None:
            sheet.append([])
            continue
        number += 1
        sheet.append([number if h == "序号" else row.get(h, row.get(_canonical(h), "")) for h in header])
    if total_row:
        sheet.append(["合计", f"{number}人"])
    workbook.save(path)
    return path


SYNONYMS = {"身份证号码": "身份证号", "公民身份号码": "身份证号", "出生日期": "出生年月", "文化程度": "学历",
            "手机号码": "联系电话", "乡镇": "乡镇(街道)", "村": "村(社区)"}  # fmt: skip


def _canonical(header):
    return SYNONYMS.get(header, header)
