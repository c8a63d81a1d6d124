"""Usernames are unique whatever their case, in the database: "Zhang" cannot be added beside
"zhang" by the pages, the command, the admin or the shell; the migration that brings the
rule in stops on existing clashes and names them."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.models import Role, User
from accounts.services import account_create, user_create_or_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Qingshan-2026-pw"
MIGRATION = "0004_username_case_insensitive_unique"


def test_the_database_refuses_a_username_differing_only_in_case(county):
    UserFactory(username="zhang", county=county)
    with pytest.raises(IntegrityError, match="user_username_ci_unique"), transaction.atomic():
        User.objects.create(username="Zhang", role=Role.COUNTY, county=county)
    assert list(User.objects.filter(username__iexact="zhang").values_list("username", flat=True)) == ["zhang"]


def test_the_page_service_says_so_in_chinese(county_user, county):
    UserFactory(username="zhang", county=county)
    with pytest.raises(ValidationError) as exc:
        account_create(actor=county_user, username="Zhang", full_name="张伟", role=Role.LEADER, county=county,
                       township=None, password=PASSWORD)  # fmt: skip
    assert exc.value.message_dict == {"username": ["用户名“Zhang”已被使用，请换一个。"]}


def test_the_command_service_does_not_update_or_add_another_case(county):
    UserFactory(username="zhang", county=county, first_name="伟", last_name="张")
    with pytest.raises(ValidationError) as exc:
        user_create_or_update(username="ZHANG", role=Role.COUNTY, unit_name="", password=PASSWORD, full_name="王强")
    assert exc.value.messages == ["用户名“ZHANG”已被使用，请换一个。"]
    assert User.objects.get(username__iexact="zhang").get_full_name() == "张伟"


def test_the_migration_stops_on_existing_clashes_and_lists_them(county):
    """Run against the database as it was before the constraint (dropped for this test's
    transaction only), with the historical model the migration sees."""
    executor = MigrationExecutor(connection)
    state = executor.loader.project_state(("accounts", MIGRATION))
    constraint = next(c for c in User._meta.constraints if c.name == "user_username_ci_unique")
    with connection.schema_editor() as editor:
        editor.remove_constraint(User, constraint)
    for name in ("zhang", "Zhang", "li", "LI", "Li", "wang"):
        UserFactory(username=name, county=county)
    migration = importlib.import_module(f"accounts.migrations.{MIGRATION}")
    with pytest.raises(RuntimeError) as exc:
        migration.check_case_duplicates(state.apps, None)
    message = str(exc.value)
    assert "以下账号的用户名仅大小写不同" in message
    assert "LI / Li / li" in message and "Zhang / zhang" in message and "wang" not in message
    User.objects.filter(username__in=["Zhang", "LI", "Li"]).delete()
    migration.check_case_duplicates(state.apps, None)  # no clash left: the constraint may be added
