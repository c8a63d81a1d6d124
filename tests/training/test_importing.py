"""Training needs from a township's Excel sheet: topics matched to their labels, every
error named per row, nothing saved when any row is bad."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from imports.models import ImportRecord
from tests.factories import CadreFactory, TrainingSessionFactory, make_id_number
from training.importing import needs_import, parse_topics
from training.models import TrainingNeed

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "身份证号", "需求主题", "具体需求"]


def sheet(rows, header=HEADER, title="白水镇培训需求表") -> bytes:
    book = Workbook()
    ws = book.active
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def session(county, county_user):
    return TrainingSessionFactory(county=county, created_by=county_user, title="雏鹰展翅第6期")


@pytest.fixture
def second(village):
    return CadreFactory(village=village, name="孙丽", id_number=make_id_number(seq=402))


def test_topics_are_split_and_matched_to_their_labels():
    assert parse_topics("电商直播、政策理论，法律 / 村级财务") == (["policy", "ecommerce", "law", "finance"], [])
    assert parse_topics("党建业务 做饭") == (["party"], ["做饭"])


def test_a_townships_sheet_imports_and_reimport_changes_nothing(township_secretary, session, cadre, second):
    data = sheet([["李明", cadre.id_number, "电商直播、政策理论", "想学直播带货"],
                  ["孙丽", second.id_number.lower(), "法律法规", ""], [], ["合计", "2人"]])  # fmt: skip
    preview = needs_import(data, user=township_secretary, session=session, dry_run=True, filename="需求.xlsx")
    assert preview.ok and preview.counts["created"] == 2 and not TrainingNeed.objects.exists()
    report = needs_import(data, user=township_secretary, session=session, dry_run=False, filename="需求.xlsx")
    assert report.ok and report.applied
    assert dict(TrainingNeed.objects.values_list("cadre__name", "topics")) == {
        "李明": ["policy", "ecommerce"], "孙丽": ["law"],
    }  # fmt: skip
    assert TrainingNeed.objects.get(cadre=cadre).details == "想学直播带货"
    again = needs_import(data, user=township_secretary, session=session, dry_run=False, filename="需求.xlsx")
    assert again.counts == {"created": 0, "updated": 0, "unchanged": 2, "errors": 0}


def test_one_bad_row_saves_nothing_and_every_error_is_named(township_secretary, session, cadre, second, other_cadre):
    data = sheet([
        ["李明", cadre.id_number, "电商直播", ""],
        ["孙丽", second.id_number, "做饭、政策理论", ""],
        ["王芳", other_cadre.id_number, "法律法规", ""],
        ["张三", cadre.id_number, "法律法规", ""],
    ])  # fmt: skip
    report = needs_import(data, user=township_secretary, session=session, dry_run=False, filename="需求.xlsx")
    assert not report.ok and not report.applied
    assert [str(e) for e in report.errors] == [
        "第4行 需求主题: 无法识别“做饭”，应为：政策理论、党建业务、基层治理、矛盾纠纷调解、产业发展、农业实用技术、"
        "电商直播、法律法规、村级财务、应急处置、其他",
        f"第5行 身份证号: 不是本次培训参训范围内、您辖区的在册后备干部（表中填写为“{other_cadre.id_number}”）",
        "第6行 姓名: 与身份证号不符：系统中为“李明”",
    ]
    assert not TrainingNeed.objects.exists()


def test_a_wrong_id_number_is_repeated_as_typed(township_secretary, session, cadre):
    full_width = "４３１１２１１９９５０３１４１０１"  # 17 full-width digits, as a Chinese input method types them
    unknown = make_id_number(seq=977)  # a valid number of nobody in the county
    data = sheet([["李明", f" {full_width} ", "法律法规", ""], ["张三", unknown, "法律法规", ""]])
    report = needs_import(data, user=township_secretary, session=session, dry_run=True, filename="需求.xlsx")
    assert [str(e) for e in report.errors] == [
        f"第3行 身份证号: 身份证号应为18位，实际为17位（表中填写为“{full_width}”）",
        f"第4行 身份证号: 不是本次培训参训范围内、您辖区的在册后备干部（表中填写为“{unknown}”）",
    ]


def test_the_needs_sheet_round_trips_through_the_upload_page(login, township_secretary, session, cadre, other_cadre):
    client = login(township_secretary)
    download = client.get(reverse("training:needs-sheet", args=[session.pk]))
    ws = load_workbook(io.BytesIO(download.content)).active
    assert [c.value for c in ws[2]][:2] == ["李明", cadre.id_number]
    assert all(row[0].value != "王芳" for row in ws.iter_rows())  # only their own reserves
    ws["D2"] = "基层治理"
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    buffer.seek(0)
    buffer.name = "需求.xlsx"
    response = client.post(reverse("training:needs-import", args=[session.pk]), {"file": buffer})
    record = ImportRecord.objects.get()
    assert response.status_code == 302 and record.kind == "training_needs"
    client.post(reverse("imports:confirm", args=[record.pk]))
    assert TrainingNeed.objects.get().topics == ["governance"]
