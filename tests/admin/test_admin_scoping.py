import pytest
from django.urls import NoReverseMatch, reverse

from cadre.models import Cadre
from org.models import Village
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_root(client):
    client.force_login(UserFactory(username="root", county=None, is_staff=True, is_superuser=True))
    return client


class TestImportExportIsGone:
    """The admin's import skipped the roster importer's guards and its export wrote
    cells as live formulas: rosters go through the cadre pages only."""

    @pytest.mark.parametrize("model", [Cadre, Village])
    @pytest.mark.parametrize("view", ["import", "export", "process_import"])
    def test_the_admin_has_no_import_or_export(self, as_root, model, view):
        with pytest.raises(NoReverseMatch):
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
        path = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{view}/"
        for response in (as_root.get(path, follow=True), as_root.post(path, {}, follow=True)):
            assert "import_file" not in response.content.decode()
            assert response.get("Content-Type", "").startswith("text/html")
