from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from org.models import STANDARD_SEATS, County, Seat, Township, Village

SEATS_PER_VILLAGE = sum(count for _, count in STANDARD_SEATS)


def write_xlsx(path, rows, *, title=None, merges=()):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=3)
    for row in rows:
        ws.append(list(row))
    for cell_range in merges:
        ws.merge_cells(cell_range)
    wb.save(path)
    return path


def counts():
    return (County.objects.count(), Township.objects.count(), Village.objects.count(), Seat.objects.count())


@pytest.fixture
def roster(tmp_path):
    # A merged title row, a header with full-width brackets, blank rows between townships.
    return write_xlsx(
        tmp_path / "units.xlsx",
        [
            ["县（区）", "乡镇（街道）", "村（社区）"],
            ["青山县", "城关镇", "枫树村"],
            ["青山县", "城关镇", " 石桥村 "],
            [None, None, None],
            ["青山县", "白水镇", "塘湾村"],
            [],
            ["青山县", "白水镇", "竹山村"],
            ["青山县", "白水镇", "竹山村"],  # listed twice: counts once
        ],
        title="青山县村(社区)名单",
    )


def run(path) -> str:
    out = StringIO()
    call_command("import_units", str(path), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_import_creates_tree_and_seats(roster):
    output = run(roster)

    assert counts() == (1, 2, 4, 4 * SEATS_PER_VILLAGE)
    assert set(Village.objects.values_list("township__county__name", "township__name", "name")) == {
        ("青山县", "城关镇", "枫树村"),
        ("青山县", "城关镇", "石桥村"),
        ("青山县", "白水镇", "塘湾村"),
        ("青山县", "白水镇", "竹山村"),
    }
    assert all(v.seats.count() == SEATS_PER_VILLAGE for v in Village.objects.all())
    assert "新增县(区)1个、乡镇(街道)2个、村(社区)4个" in output
    assert f"两委职位{4 * SEATS_PER_VILLAGE}个" in output


@pytest.mark.django_db
def test_second_run_creates_nothing(roster):
    run(roster)
    before = counts()

    output = run(roster)

    assert counts() == before
    assert "没有新增单位" in output
    assert "4个村(社区)均已存在" in output


@pytest.mark.django_db
def test_adds_only_new_villages_to_existing_tree(roster, tmp_path):
    run(roster)
    extra = write_xlsx(
        tmp_path / "more.xlsx",
        [["县区", "乡镇", "村"], ["青山县", "城关镇", "枫树村"], ["青山县", "梅溪乡", "梅林村"]],
    )

    output = run(extra)

    assert counts() == (1, 3, 5, 5 * SEATS_PER_VILLAGE)
    assert "新增县(区)0个、乡镇(街道)1个、村(社区)1个" in output
    assert "已存在的村(社区)1个" in output


@pytest.mark.django_db
def test_synonym_headers_and_merged_county_cells(tmp_path):
    path = write_xlsx(
        tmp_path / "synonyms.xlsx",
        [
            ["县(市、区)", "街道", "村(居)"],
            ["江北区", "河西街道", "新塘社区"],
            [None, "河西街道", "桥头社区"],
            [None, "龙山乡", "龙井村"],
        ],
        title="江北区基层组织名册",
        merges=["A3:A5"],  # the county typed once in a merged cell
    )

    run(path)

    assert list(County.objects.values_list("name", flat=True)) == ["江北区"]
    assert sorted(Township.objects.values_list("name", flat=True)) == ["河西街道", "龙山乡"]
    assert Village.objects.count() == 3


@pytest.mark.django_db
def test_missing_village_name_is_an_error_and_saves_nothing(tmp_path):
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        [
            ["县(区)", "乡镇(街道)", "村(社区)"],
            ["青山县", "城关镇", "枫树村"],
            ["青山县", "城关镇", ""],
            ["青山县", "", "塘湾村"],
        ],
        title="青山县村(社区)名单",
    )

    with pytest.raises(CommandError) as exc:
        run(path)

    message = str(exc.value)
    assert "第4行：缺少村(社区)名称" in message
    assert "第5行：缺少乡镇(街道)名称" in message
    assert "未保存任何数据" in message
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_missing_header_column_is_named(tmp_path):
    path = write_xlsx(tmp_path / "nohead.xlsx", [["县(区)", "乡镇(街道)", "备注"], ["青山县", "城关镇", ""]])

    with pytest.raises(CommandError, match="缺少以下列：村\\(社区\\)"):
        run(path)
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_not_a_spreadsheet(tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes("县(区),乡镇(街道),村(社区)\n青山县,城关镇,枫树村\n".encode())

    with pytest.raises(CommandError, match="不是有效的 Excel 表格"):
        run(path)
    assert counts() == (0, 0, 0, 0)


@pytest.mark.django_db
def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="找不到文件"):
        run(tmp_path / "nope.xlsx")
