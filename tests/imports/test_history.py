"""导入记录: every import and preview under the user's scope, with filters, links to the
record pages and the uploaded file while it is kept (an authorised download, never a
media URL)."""

import datetime as dt
import os
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from imports.models import ImportRecord, ImportState
from imports.services import previews_purge_expired
from tests.factories import (
    CountyFactory,
    ImportRecordFactory,
    UserFactory,
    leader_user,
    township_user,
)
from tests.queries import REQUEST_TRANSACTION

pytestmark = pytest.mark.django_db

HISTORY = reverse("imports:history")


def _shown(response) -> set[str]:
    return {r.filename for r in response.context["records"]}


@pytest.fixture
def records(county_user, township_secretary, other_township):
    """One record of each unit: the county's staff, two townships, another county."""
    neighbour = township_user(other_township, username="longshan")
    stranger = UserFactory(county=CountyFactory(name="绿水县"), username="stranger")
    return {
        "county": ImportRecordFactory(user=county_user, filename="全县.xlsx"),
        "own": ImportRecordFactory(user=township_secretary, filename="白水镇.xlsx", data=b"PK\x03\x04bytes"),
        "neighbour": ImportRecordFactory(user=neighbour, filename="龙山乡.xlsx", data=b"PK\x03\x04theirs"),
        "stranger": ImportRecordFactory(user=stranger, filename="绿水县.xlsx", data=b"PK\x03\x04far"),
    }


class TestScope:
    def test_county_staff_see_their_county_s_imports(self, login, county_user, records):
        response = login(county_user).get(HISTORY)
        assert _shown(response) == {"全县.xlsx", "白水镇.xlsx", "龙山乡.xlsx"}

    def test_a_township_sees_its_own_accounts_imports_only(self, login, township_secretary, records):
        response = login(township_secretary).get(HISTORY)
        assert _shown(response) == {"白水镇.xlsx"}
        own = records["own"]
        assert login(township_secretary).get(reverse("imports:record", args=[own.pk])).status_code == 200
        for other in ("county", "neighbour", "stranger"):
            pk = records[other].pk
            assert login(township_secretary).get(reverse("imports:record", args=[pk])).status_code == 404
            assert login(township_secretary).get(reverse("imports:download", args=[pk])).status_code == 404

    def test_the_user_filter_offers_only_accounts_in_scope(self, login, township_secretary, county_user, records):
        choices = login(county_user).get(HISTORY).context["filter"].form.fields["user"].queryset
        assert {u.username for u in choices} == {"county", township_secretary.username, "longshan"}
        choices = login(township_secretary).get(HISTORY).context["filter"].form.fields["user"].queryset
        assert list(choices) == [township_secretary]


class TestThePage:
    def test_who_when_kind_file_counts_and_outcome(self, login, county_user, township_secretary):
        ImportRecordFactory(
            user=township_secretary, filename="白水镇花名册.xlsx", state=ImportState.APPLIED,
            applied_at=timezone.now(), counts={"created": 5, "updated": 2, "unchanged": 3, "errors": 0},
        )  # fmt: skip
        ImportRecordFactory(
            user=county_user, filename="坏文件.xlsx", state=ImportState.REFUSED, refused_reason="第3行 姓名: 不能为空",
            counts={"created": 0, "updated": 0, "unchanged": 0, "errors": 1},
        )  # fmt: skip
        ImportRecordFactory(user=county_user, kind="mentors", filename="导师.xlsx", counts={})
        html = login(county_user).get(HISTORY).content.decode()
        shown = ("白水镇花名册.xlsx", "后备干部花名册", "已导入", "未导入", "导师库", "待确认")
        assert [text for text in shown if text not in html] == []
        assert "第3行 姓名" not in html  # the reasons (which may repeat a typed ID) are on the record page
        assert '<td class="text-end">10</td><td class="text-end">5</td><td class="text-end">2</td>' in html
        assert "白水镇" in html  # the uploader's unit

    def test_links_to_each_record_and_its_file_while_kept(self, login, county_user, township_secretary):
        kept = ImportRecordFactory(user=township_secretary, data=b"PK\x03\x04kept")
        gone = ImportRecordFactory(user=county_user, state=ImportState.APPLIED, applied_at=timezone.now())
        html = login(county_user).get(HISTORY).content.decode()
        assert reverse("imports:record", args=[kept.pk]) in html and reverse("imports:record", args=[gone.pk]) in html
        assert reverse("imports:download", args=[kept.pk]) in html
        assert reverse("imports:download", args=[gone.pk]) not in html
        assert "/media/" not in html and kept.file.name not in html

    def test_leaders_read_the_list_without_links_to_personal_data(self, login, county, records):
        client = login(leader_user(county))
        response = client.get(HISTORY)
        html = response.content.decode()
        assert _shown(response) == {"全县.xlsx", "白水镇.xlsx", "龙山乡.xlsx"}
        assert reverse("imports:record", args=[records["own"].pk]) not in html
        assert reverse("imports:download", args=[records["own"].pk]) not in html
        assert client.get(reverse("imports:download", args=[records["own"].pk])).status_code == 403
        assert client.get(reverse("imports:record", args=[records["own"].pk])).status_code == 403
        assert "保留中" in html  # the file is kept, but not for a leader to download

    def test_the_navigation_leads_here(self, login, township_secretary):
        html = login(township_secretary).get(reverse("cadre:list")).content.decode()
        assert f'href="{HISTORY}">导入记录</a>' in html

    @pytest.mark.parametrize("n", [3, 45])
    def test_the_page_does_not_grow_with_the_county(
        self, login, county_user, township_secretary, n, django_assert_num_queries
    ):
        for i in range(n):
            ImportRecordFactory(user=township_secretary if i % 2 else county_user)
        client = login(county_user)
        # session, user, count, the page of records with their uploaders and units, and the
        # user filter's accounts for its select
        with django_assert_num_queries(5 + REQUEST_TRANSACTION):
            response = client.get(HISTORY)
        assert len(response.context["records"]) == min(n, 30)
        with django_assert_num_queries(6 + REQUEST_TRANSACTION):  # and the chosen account
            client.get(HISTORY, {"kind": "roster", "state": "previewed", "user": township_secretary.pk})


class TestFilters:
    @pytest.fixture
    def mixed(self, county_user, township_secretary):
        old = ImportRecordFactory(user=county_user, filename="去年.xlsx", state=ImportState.REFUSED)
        ImportRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=400))
        ImportRecordFactory(user=county_user, kind="mentors", filename="导师.xlsx")
        ImportRecordFactory(
            user=township_secretary, filename="白水镇.xlsx", state=ImportState.APPLIED, applied_at=timezone.now()
        )

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"kind": "mentors"}, {"导师.xlsx"}),
            ({"state": "applied"}, {"白水镇.xlsx"}),
            ({"state": "refused"}, {"去年.xlsx"}),
            ({"filename": "白水"}, {"白水镇.xlsx"}),
            ({"since": f"{timezone.localdate() - dt.timedelta(days=30):%Y-%m-%d}"}, {"导师.xlsx", "白水镇.xlsx"}),
            ({"until": f"{timezone.localdate() - dt.timedelta(days=30):%Y-%m-%d}"}, {"去年.xlsx"}),
        ],
    )
    def test_by_kind_state_file_and_date(self, login, county_user, mixed, query, expected):
        assert _shown(login(county_user).get(HISTORY, query)) == expected

    def test_by_user(self, login, county_user, township_secretary, mixed):
        response = login(county_user).get(HISTORY, {"user": township_secretary.pk})
        assert _shown(response) == {"白水镇.xlsx"}

    def test_the_kinds_are_the_registered_importers(self, login, county_user):
        choices = dict(login(county_user).get(HISTORY).context["filter"].form.fields["kind"].choices)
        assert {"roster", "mentors"} <= set(choices) and choices["roster"] == "后备干部花名册"

    def test_pages(self, login, county_user):
        for _ in range(31):
            ImportRecordFactory(user=county_user)
        client = login(county_user)
        first, second = client.get(HISTORY), client.get(HISTORY, {"page": 2})
        assert len(first.context["records"]) == 30 and len(second.context["records"]) == 1
        assert not _shown(first) & _shown(second)
        assert _shown(client.get(HISTORY, {"page": 999})) == _shown(second)  # the last page
        assert _shown(client.get(HISTORY, {"page": "x"})) == _shown(first)


class TestDownload:
    def test_the_uploaded_file_as_uploaded(self, login, county_user, records):
        response = login(county_user).get(reverse("imports:download", args=[records["own"].pk]))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"PK\x03\x04bytes"
        assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('白水镇.xlsx')}"
        assert response["Cache-Control"] == "private, no-store"

    def test_outside_the_scope_is_not_found(self, login, county_user, records):
        response = login(county_user).get(reverse("imports:download", args=[records["stranger"].pk]))
        assert response.status_code == 404

    def test_not_found_once_the_file_is_purged(
        self, login, county_user, township_secretary, django_capture_on_commit_callbacks
    ):
        record = ImportRecordFactory(user=township_secretary, data=b"PK\x03\x04old")
        ImportRecord.objects.filter(pk=record.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
        path = record.file.path
        client = login(county_user)
        assert client.get(reverse("imports:download", args=[record.pk])).status_code == 200

        with django_capture_on_commit_callbacks(execute=True):
            assert previews_purge_expired() == 1
        record.refresh_from_db()
        assert record.state == ImportState.REFUSED and not record.file
        assert client.get(reverse("imports:download", args=[record.pk])).status_code == 404
        assert not os.path.exists(path)

    def test_not_found_when_the_file_is_missing_from_storage(self, login, county_user):
        record = ImportRecordFactory(user=county_user, data=b"PK\x03\x04x")
        record.file.storage.delete(record.file.name)
        assert login(county_user).get(reverse("imports:download", args=[record.pk])).status_code == 404

    def test_a_record_without_a_file_is_not_found(self, login, county_user):
        record = ImportRecordFactory(user=county_user)
        assert login(county_user).get(reverse("imports:download", args=[record.pk])).status_code == 404


def test_the_record_page_offers_the_file_while_kept(login, county_user):
    kept = ImportRecordFactory(user=county_user, data=b"PK\x03\x04x", result={"ok": True, "rows": []})
    html = login(county_user).get(reverse("imports:record", args=[kept.pk])).content.decode()
    assert reverse("imports:download", args=[kept.pk]) in html and 'href="/imports/"' in html
