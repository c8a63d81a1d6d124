"""A browser never keeps a chosen file when a form comes back with errors: every form with
a file field (common.forms.BootstrapFormMixin) then says, on that field, to choose it again."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cadre.models import Cadre
from mentorship.models import MentoringLog, MentorKind
from mentorship.services import mentor_create, pairing_create
from tests.factories import make_id_number

pytestmark = pytest.mark.django_db
NOTE = "表单有误，所选文件尚未保存，请重新选择"


def photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="JPEG")
    return SimpleUploadedFile("照片.jpg", buffer.getvalue(), content_type="image/jpeg")


def cadre_data(village, **overrides):
    return {"name": "陈晓红", "ethnicity": "汉族", "id_number": make_id_number(birth=dt.date(1998, 2, 3), seq=246),
            "education": "college", "political_status": "league", "source": "returned_graduate", "tier": "village",
            "village": village.pk, **overrides}  # fmt: skip


class TestCadrePhoto:
    def test_a_chosen_photo_must_be_chosen_again_after_an_error(self, login, county_user, village):
        response = login(county_user).post(reverse("cadre:create"), {**cadre_data(village, name=""), "photo": photo()})
        assert response.status_code == 200 and not Cadre.objects.exists()
        assert response.context["form"].files_to_choose_again == {"photo"}
        html = response.content.decode()
        assert html.count(NOTE) == 1 and html.index(NOTE) > html.index('name="photo"')

    def test_also_after_an_error_from_the_service(self, login, county_user, village):
        number = make_id_number(birth=dt.date(1998, 2, 3), seq=246)
        client = login(county_user)
        assert client.post(reverse("cadre:create"), cadre_data(village)).status_code == 302
        # the same ID number again: refused by the model in the service, after the form's own checks
        response = client.post(reverse("cadre:create"), {**cadre_data(village), "photo": photo()})
        assert response.status_code == 200 and Cadre.objects.filter(id_number=number).count() == 1
        assert NOTE in response.content.decode()

    def test_no_note_without_a_file_or_without_an_error(self, login, county_user, village):
        client = login(county_user)
        response = client.post(reverse("cadre:create"), cadre_data(village, name=""))
        assert response.status_code == 200 and NOTE not in response.content.decode()
        response = client.post(reverse("cadre:create"), {**cadre_data(village), "photo": photo()})
        assert response.status_code == 302 and Cadre.objects.get().photo


class TestLogAttachment:
    @pytest.fixture
    def pairing(self, county_user, township, cadre):
        data = {"township": township, "name": "导师甲", "kind": MentorKind.TOWNSHIP_CADRE, "phone": "13900001111",
                "max_mentees": 5}  # fmt: skip
        mentor = mentor_create(user=county_user, data=data)
        return pairing_create(user=county_user, cadre=cadre, mentor=mentor, started_on=dt.date(2026, 1, 5))

    def test_a_chosen_attachment_must_be_chosen_again_after_an_error(self, login, county_user, pairing):
        upload = SimpleUploadedFile("记录.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        response = login(county_user).post(
            reverse("mentorship:pairing-detail", args=[pairing.pk]),
            {"date": "2026-02-01", "form": "talk", "content": "", "hours": "1", "attachment": upload},
        )
        assert response.status_code == 200 and not MentoringLog.objects.exists()
        assert response.context["log_form"].files_to_choose_again == {"attachment"}
        assert NOTE in response.content.decode()
