"""County staff in the browser: a reserve entered through the cadre form, its village
picked by typing in the searchable select, the county's party-date rule shown on the form,
and the chosen photo asked for again after an error."""

import io

import pytest
from PIL import Image

from cadre.models import Cadre
from org.models import County
from tests.factories import VillageFactory, make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_enter_a_reserve_with_the_searchable_village_and_the_party_date_rule(steps, county_user, township, tmp_path):
    page = steps.page
    County.objects.filter(pk=township.county_id).update(party_joined_on_required=True)
    VillageFactory(township=township, name="枫树村")
    for i in range(30):
        VillageFactory(township=township, name=f"其他村{i:02d}")
    photo = tmp_path / "照片.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="JPEG")
    photo.write_bytes(buffer.getvalue())

    steps.login("county")
    steps.goto("/cadres/new/")
    assert page.locator("#id_village option").count() == 1  # nothing but the placeholder
    page.fill("#id_name", "陈晓红")
    page.fill("#id_id_number", make_id_number(seq=246))
    page.select_option("#id_education", label="大专")
    page.select_option("#id_political_status", label="中共党员")
    page.select_option("#id_source", label="返乡创业大学生")
    page.locator("#id_village-ts-control").fill("枫树")
    page.locator(".ts-dropdown .option", has_text="枫树村").click()
    page.set_input_files("#id_photo", str(photo))
    steps.shot("cadre-form")
    steps.submit("保存")
    page.get_by_text("中共党员（预备党员）须填写入党时间（县委组织部要求）").wait_for()
    page.get_by_text("表单有误，所选文件尚未保存，请重新选择").wait_for()
    steps.shot("party-date-required")
    assert not Cadre.objects.exists()

    page.fill("#id_party_joined_on", "2020-07-01")
    page.set_input_files("#id_photo", str(photo))
    steps.submit("保存")
    page.get_by_text("已新增后备干部 陈晓红。").wait_for()
    steps.shot("cadre-saved")
    cadre = Cadre.objects.get()
    assert (cadre.village.name, str(cadre.party_joined_on), bool(cadre.photo)) == ("枫树村", "2020-07-01", True)
