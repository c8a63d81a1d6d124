"""The training session and subsidy policy forms are drawn by the shared
includes/form_fields.html: their ticked-box fields too, and a post with errors gets the
shared note above the fields and the red frame on each wrong field."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "boxes", "wide"),
    [
        ("training:session-create", ["target_townships", "target_tiers"], "target_townships"),
        ("subsidies:policy-create", ["eligible_tiers", "eligible_statuses"], "notes"),
    ],
)
def test_a_form_with_ticked_boxes_uses_the_shared_fields(login, county_user, township, url, boxes, wide):
    client = login(county_user)
    page = client.get(reverse(url)).content.decode()
    for name in boxes:
        assert f'type="checkbox" name="{name}"' in page
        assert f'class="form-check-input" id="id_{name}_0"' in page
    # the last column opened before the wide field is a whole row
    before = page[: page.index(f'id="id_{wide}')]
    assert before.rfind('<div class="col-12">') > before.rfind('<div class="col-md-4')

    page = client.post(reverse(url), {}).content.decode()
    assert "项需要修改，已在下方标红。" in page and "field-error" in page
