"""Writing roster workbooks: the blank template and the export of a filtered list. Both
use the importer's columns, so an exported file re-imports unchanged."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from common.masking import mask_id_number, mask_phone

from .columns import CHOICE_LABELS, COLUMNS_BY_KEY, EXAMPLE_MARK, ROSTER_COLUMNS

FORMULA_PREFIXES = ("=", "+", "-", "@")
TEXT_COLUMNS = {"id_number", "phone"}  # typed as text so Excel never turns them into numbers
VALIDATION_ROWS = 2000
HEADER_FILL = PatternFill("solid", fgColor="FDE9E7")
REQUIRED_FONT = Font(bold=True, color="B71C1C")
EXAMPLE_FONT = Font(italic=True, color="808080")


def _keys(include_seq: bool) -> list[str]:
    return [c.key for c in ROSTER_COLUMNS if include_seq or c.key != "seq"]


ROSTER_EXAMPLE = {
    "seq": EXAMPLE_MARK, "township": "白水镇", "village": "枫树村", "name": "张三", "gender": "男",
    "ethnicity": "汉族", "id_number": "431121199503141016", "birth_date": "1995.03", "phone": "13812345678",
    "education": "大专", "political_status": "中共党员", "party_joined_on": "2018.07", "source": "返乡农民工",
    "tier": "村级", "entered_on": "2024.06", "current_job": "村委会文书", "specialty": "电商",
    "notes": "示例行，导入时自动跳过，可删除",
}  # fmt: skip


def roster_template() -> bytes:
    """A blank roster: the headers (required ones in red), drop-down lists for the coded
    fields, ID and phone columns formatted as text, and one example row that the importer
    skips (its 序号 says 示例)."""
    return template_workbook(
        title="后备干部花名册",
        columns=[COLUMNS_BY_KEY[k] for k in _keys(include_seq=True)],
        choices={key: [labels[0] for labels in by_code.values()] for key, by_code in CHOICE_LABELS.items()},
        text_keys=TEXT_COLUMNS,
        example=ROSTER_EXAMPLE,
        comments={"id_number": "18位身份证号，请以文本格式填写，末位X可大写或小写。性别和出生日期须与身份证号一致。"},
    )


def template_workbook(*, title, columns, choices, text_keys, example, comments) -> bytes:
    """A blank import template: headers (required ones in red), a drop-down list for each
    column in ``choices``, text format for ``text_keys``, an example row and header notes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([column.header for column in columns])
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.fill = HEADER_FILL
        cell.font = REQUIRED_FONT if column.required else Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
        if column.key in comments:
            cell.comment = Comment(comments[column.key], "县委组织部")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.key in text_keys:
            for row in range(2, VALIDATION_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.key in choices:
            validation = DataValidation(
                type="list", formula1='"' + ",".join(choices[column.key]) + '"', allow_blank=not column.required,
                showErrorMessage=True, errorTitle="输入有误", error=f"请从下拉列表中选择{column.header}",
            )  # fmt: skip
            validation.add(f"{letter}2:{letter}{VALIDATION_ROWS + 1}")
            sheet.add_data_validation(validation)
        sheet.cell(row=2, column=index, value=example.get(column.key, "")).font = EXAMPLE_FONT
    sheet.freeze_panes = "A2"
    return _save(workbook)


MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def roster_export(dataset, *, masked: bool = False) -> bytes:
    """An export of a tablib Dataset made by CadreResource. Cells that start with = + - @
    are written as text with Excel's quote prefix, so a formula typed into a name or a
    note is shown, never run (formula injection), and reads back as the same text.
    ``masked``: ID and phone numbers masked, for those who may only read them masked."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("后备干部花名册")
    headers = list(dataset.headers)
    key_of = {COLUMNS_BY_KEY[k].header: k for k in _keys(include_seq=False)}
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = COLUMNS_BY_KEY[key_of[header]].width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, header) for header in headers])
    masks = [MASKS.get(key_of[header]) if masked else None for header in headers]
    for row in dataset:
        sheet.append(
            [_cell(sheet, mask(value) if mask and value else value) for mask, value in zip(masks, row, strict=True)]
        )
    return _save(workbook)


def _header_cell(sheet, value):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=True)
    cell.fill = HEADER_FILL
    return cell


def _cell(sheet, value):
    if not isinstance(value, str) or not value:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, never a number: ID numbers keep all 18 digits
    if value.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    return cell


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
