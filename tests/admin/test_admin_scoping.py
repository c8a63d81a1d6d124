"""The Django admin under the pages' rules (common/admin.py), probed as an attacker would:
a county staff user of county B (乙县), is_staff and holding every permission of our apps'
models, so that what stops them is the scoping and not a missing permission, against
county A's (甲县) records. Every name of A's records contains 甲; none of B's does."""

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token

from accounts.models import AccountEvent, User
from assessment.models import Assignment, AssignmentKind, Deed
from cadre.models import Cadre, Status
from cadre.services import cadre_update
from common.masking import mask_id_number, mask_phone
from imports.models import HeaderMapping, ImportRecord
from mentorship.models import ActivityForm, CountyPolicy, Mentor, MentoringLog, Pairing
from org.models import County, Seat, Township, Village
from reports.models import ReportRun
from subsidies.models import SubsidyAdjustment, SubsidyLine, SubsidyPolicy, SubsidySheet
from tests.factories import (
    AssignmentFactory,
    AssignmentKindFactory,
    AttendanceFactory,
    CadreFactory,
    CountyFactory,
    DeedFactory,
    MentorFactory,
    MentoringLogFactory,
    PairingFactory,
    TownshipFactory,
    TrainingNeedFactory,
    TrainingSessionFactory,
    UserFactory,
    VillageFactory,
    leader_user,
    make_id_number,
)
from training.models import Attendance, TrainingNeed, TrainingSession

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "org", "imports", "cadre", "mentorship", "assessment", "training", "subsidies", "reports")


@dataclass
class CountyData:
    county: County
    township: Township
    village: Village
    seat: Seat
    cadre: Cadre
    staff: User
    mentor: Mentor
    pairing: Pairing
    log: MentoringLog
    policy: CountyPolicy
    roster_import: ImportRecord
    mapping: HeaderMapping
    kind: AssignmentKind
    assignment: Assignment
    deed: Deed
    report: ReportRun
    session: TrainingSession
    attendance: Attendance
    need: TrainingNeed
    subsidy_policy: SubsidyPolicy
    subsidy_sheet: SubsidySheet
    subsidy_line: SubsidyLine
    subsidy_adjustment: SubsidyAdjustment
    account_event: AccountEvent

    def of(self, model):
        """This county's record of a registered model."""
        return {
            County: self.county,
            Township: self.township,
            Village: self.village,
            Seat: self.seat,
            Cadre: self.cadre,
            User: self.staff,
            Mentor: self.mentor,
            Pairing: self.pairing,
            MentoringLog: self.log,
            CountyPolicy: self.policy,
            ImportRecord: self.roster_import,
            HeaderMapping: self.mapping,
            AssignmentKind: self.kind,
            Assignment: self.assignment,
            Deed: self.deed,
            ReportRun: self.report,
            TrainingSession: self.session,
            Attendance: self.attendance,
            TrainingNeed: self.need,
            SubsidyPolicy: self.subsidy_policy,
            SubsidySheet: self.subsidy_sheet,
            SubsidyLine: self.subsidy_line,
            SubsidyAdjustment: self.subsidy_adjustment,
            AccountEvent: self.account_event,
        }[model]


def build_county_subsidies(county, township, village, cadre, staff) -> dict:
    policy = SubsidyPolicy.objects.create(
        county=county, effective_from=dt.date(2026, 1, 1), monthly_amount=2000, eligible_statuses=["reserve"],
        created_by=staff,
    )  # fmt: skip
    sheet = SubsidySheet.objects.create(county=county, month=dt.date(2026, 5, 1), computed_at=dt.datetime.now(dt.UTC))
    line = SubsidyLine.objects.create(
        sheet=sheet, cadre=cadre, township=township, village=village, days=31, base=2000, total=2000
    )
    adjustment = SubsidyAdjustment.objects.create(
        sheet=sheet, cadre=cadre, township=township, amount=-100, reason="多发", created_by=staff
    )
    return {"subsidy_policy": policy, "subsidy_sheet": sheet, "subsidy_line": line, "subsidy_adjustment": adjustment}


def build_county(tag: str, *, staff: User | None = None, phone: str) -> CountyData:
    county = CountyFactory(name=f"{tag}县")
    township = TownshipFactory(county=county, name=f"{tag}镇")
    village = VillageFactory(township=township, name=f"{tag}村")
    if staff is None:
        staff = UserFactory(username=f"staff-{ord(tag)}", last_name=tag, county=county)
    cadre = CadreFactory(village=village, name=f"{tag}后备", phone=phone)
    mentor = MentorFactory(township=township, name=f"{tag}导师", max_mentees=2)
    pairing = PairingFactory(cadre=cadre, mentor=mentor, created_by=staff)
    log = MentoringLogFactory(pairing=pairing, content=f"{tag}谈心")
    policy = CountyPolicy.objects.create(county=county, mentee_limit=2)
    policy.requirements.create(form=ActivityForm.TALK, every_months=3)
    roster_import = ImportRecord.objects.create(
        user=staff, kind="roster", filename=f"{tag}花名册.xlsx", sha256="0" * 64
    )
    mapping = HeaderMapping.objects.create(kind="roster", township=township, header=f"{tag}类型", field="source")
    kind = AssignmentKindFactory(county=county, name=f"{tag}专班")
    deed = DeedFactory(assignment=AssignmentFactory(cadre=cadre, kind=kind, created_by=staff))
    report = ReportRun.objects.create(kind="summary", month=dt.date(2026, 5, 1), county=county, township=township)
    session = TrainingSessionFactory(county=county, title=f"{tag}县月度培训", created_by=staff)
    attendance = AttendanceFactory(session=session, cadre=cadre, note=f"{tag}出勤")
    need = TrainingNeedFactory(session=session, cadre=cadre, details=f"{tag}需求")
    subsidy = build_county_subsidies(county, township, village, cadre, staff)
    account_event = AccountEvent.objects.create(actor=staff, target=staff, action="update")
    return CountyData(
        **subsidy,
        county=county, township=township, village=village, seat=village.seats.order_by("post").first(),
        cadre=cadre, staff=staff, mentor=mentor, pairing=pairing, log=log, policy=policy,
        roster_import=roster_import, mapping=mapping, kind=kind, assignment=deed.assignment, deed=deed,
        report=report,
        session=session, attendance=attendance, need=need, account_event=account_event,
    )  # fmt: skip


@pytest.fixture
def a(db):
    return build_county("甲", phone="13911112222")


@pytest.fixture
def b_staff(db):
    county = CountyFactory(name="乙县")
    user = UserFactory(username="b-staff", last_name="乙", county=county, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=OUR_APPS))
    return user


@pytest.fixture
def b(b_staff):
    return build_county("乙", staff=b_staff, phone="13733334444")


@pytest.fixture
def root(db):
    return UserFactory(username="root", county=None, is_staff=True, is_superuser=True)


@pytest.fixture
def as_b(client, b, b_staff):
    client.force_login(b_staff)
    return client


@pytest.fixture
def as_root(client, root):
    client.force_login(root)
    return client


def registered_models():
    return sorted((m for m in admin.site._registry if m._meta.app_label in OUR_APPS), key=lambda m: m._meta.label_lower)


MODELS = pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label_lower)


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def listed(response) -> set:
    assert response.status_code == 200
    return {obj.pk for obj in response.context["cl"].result_list}


def test_every_registered_model_of_our_apps_is_covered(a):
    for model in registered_models():
        assert a.of(model) is not None


class TestOutOfScope:
    @MODELS
    def test_the_changelist_lists_nothing_of_another_county(self, as_b, a, b, model):
        response = as_b.get(url(model, "changelist"))
        pks = listed(response)
        assert b.of(model).pk in pks and a.of(model).pk not in pks
        assert pks <= set(model.objects.visible_to(b.staff).values_list("pk", flat=True))
        # Nor anywhere on the page: not in a filter's choices, a link or a column.
        assert "甲" not in response.content.decode()

    @MODELS
    def test_the_superuser_keeps_the_whole_view(self, as_root, a, b, model):
        assert {a.of(model).pk, b.of(model).pk} <= listed(as_root.get(url(model, "changelist")))
        assert as_root.get(url(model, "change", a.of(model).pk)).status_code == 200

    @MODELS
    @pytest.mark.parametrize("view", ["change", "history", "delete"])
    def test_another_countys_record_is_not_found_by_url(self, as_b, a, model, view):
        response = as_b.get(url(model, view, a.of(model).pk))
        assert response.status_code == 404
        assert "甲" not in response.content.decode()

    @MODELS
    def test_a_post_to_another_countys_record_is_not_found(self, as_b, a, model):
        assert as_b.post(url(model, "change", a.of(model).pk), {}).status_code == 404
        assert as_b.post(url(model, "delete", a.of(model).pk), {"post": "yes"}).status_code == 404
        assert model.objects.filter(pk=a.of(model).pk).exists()

    @MODELS
    def test_search_finds_nothing_of_another_county(self, client, root, as_b, a, b_staff, model):
        assert listed(as_b.get(url(model, "changelist"), {"q": "甲"})) == set()
        client.force_login(root)
        assert a.of(model).pk in listed(client.get(url(model, "changelist"), {"q": "甲"}))

    def test_search_by_id_number_works_within_the_scope_only(self, as_b, a, b):
        assert listed(as_b.get(url(Cadre, "changelist"), {"q": b.cadre.id_number})) == {b.cadre.pk}
        assert listed(as_b.get(url(Cadre, "changelist"), {"q": a.cadre.id_number})) == set()

    @MODELS
    def test_admin_actions_get_only_the_scope(self, as_b, a, b, model, monkeypatch):
        seen = []

        def record(modeladmin, request, queryset):
            seen.extend(queryset.values_list("pk", flat=True))

        monkeypatch.setattr(admin.site._registry[model], "actions", [record])
        changelist = url(model, "changelist")
        picked = [a.of(model).pk, b.of(model).pk]
        as_b.post(changelist, {"action": "record", "index": 0, "_selected_action": picked})
        assert seen == [b.of(model).pk]
        seen.clear()
        # "Select all" is all of the scope, no more.
        as_b.post(changelist, {"action": "record", "index": 0, "select_across": 1, "_selected_action": picked})
        assert a.of(model).pk not in seen and b.of(model).pk in seen

    @MODELS
    def test_there_is_no_bulk_delete(self, client, root, as_b, b, model):
        for user in (b.staff, root):
            client.force_login(user)
            response = client.get(url(model, "changelist"))
            action_form = response.context["action_form"]  # None: no actions at all
            assert action_form is None or "delete_selected" not in dict(action_form.fields["action"].choices)
        picked = [b.of(model).pk]
        as_b.post(url(model, "changelist"), {"action": "delete_selected", "index": 0, "post": "yes",
                                             "_selected_action": picked})  # fmt: skip
        assert model.objects.filter(pk__in=picked).exists()

    @MODELS
    def test_drop_downs_offer_only_the_scope(self, as_b, b_staff, a, b, model):
        response = as_b.get(url(model, "add"))
        if response.status_code == 403:
            response = as_b.get(url(model, "change", b.of(model).pk))
        assert response.status_code == 200
        forms = [response.context["adminform"].form]
        for inline in response.context["inline_admin_formsets"]:
            forms += [*inline.formset.forms, inline.formset.empty_form]
        for form in forms:
            for name, field in form.fields.items():
                if name == form._meta.model._meta.pk.name:
                    continue  # an inline row's hidden id: Django looks rows up in the inline's own queryset
                queryset = getattr(field, "queryset", None)
                if queryset is not None and hasattr(queryset, "visible_to"):
                    in_scope = queryset.model._default_manager.visible_to(b_staff)
                    assert not queryset.exclude(pk__in=in_scope).exists(), field.label

    def test_the_village_autocomplete_answers_within_the_scope(self, client, root, as_b, a, b):
        params = {"app_label": "cadre", "model_name": "cadre", "field_name": "village", "term": ""}
        found = as_b.get(reverse("admin:autocomplete"), params).json()["results"]
        assert [r["id"] for r in found] == [str(b.village.pk)]
        assert as_b.get(reverse("admin:autocomplete"), {**params, "term": "甲"}).json()["results"] == []
        client.force_login(root)
        found = client.get(reverse("admin:autocomplete"), {**params, "term": "甲"}).json()["results"]
        assert [r["id"] for r in found] == [str(a.village.pk)]

    def test_a_cadre_cannot_be_moved_into_another_county(self, as_b, a, b):
        data = cadre_form_data(b.cadre, village=a.village.pk)
        response = as_b.post(url(Cadre, "change", b.cadre.pk), data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["village"]
        b.cadre.refresh_from_db()
        assert b.cadre.village == b.village

    def test_a_mentor_cannot_be_created_in_another_countys_township(self, as_b, a):
        data = {"township": a.township.pk, "name": "新导师", "kind": "township_cadre", "phone": "13900000000",
                "max_mentees": 1, "is_active": "on"}  # fmt: skip
        response = as_b.post(url(Mentor, "add"), data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["township"]
        assert not Mentor.objects.filter(name="新导师").exists()

    def test_an_inline_row_of_another_countys_seat_is_ignored(self, as_b, a, b):
        data = {
            "township": b.township.pk, "name": b.village.name, "seats-TOTAL_FORMS": 1, "seats-INITIAL_FORMS": 1,
            "seats-MIN_NUM_FORMS": 0, "seats-MAX_NUM_FORMS": 1000, "seats-0-id": a.seat.pk,
            "seats-0-village": b.village.pk, "seats-0-post": a.seat.post, "seats-0-number": a.seat.number,
            "seats-0-holder_name": "冒名", "seats-0-holder_since": "2025-01-01",
        }  # fmt: skip
        as_b.post(url(Village, "change", b.village.pk), data)
        seat = Seat.objects.get(pk=a.seat.pk)
        assert (seat.village, seat.holder_name) == (a.village, a.seat.holder_name)
        assert not Seat.objects.filter(holder_name="冒名").exists()

    def test_history_versions_are_not_found_out_of_scope_and_never_reverted(self, as_b, a, b):
        version = a.cadre.history.latest().history_id
        assert as_b.get(url(Cadre, "simple_history", a.cadre.pk, version)).status_code == 404
        own = b.cadre.history.latest().history_id
        assert as_b.get(url(Cadre, "simple_history", b.cadre.pk, own)).status_code == 200
        response = as_b.post(url(Cadre, "simple_history", b.cadre.pk, own), cadre_form_data(b.cadre, name="旧名"))
        assert response.status_code == 403
        b.cadre.refresh_from_db()
        assert b.cadre.name == "乙后备"


class TestDeleting:
    @MODELS
    def test_county_staff_delete_nothing_in_the_admin(self, as_b, b, model):
        assert as_b.get(url(model, "delete", b.of(model).pk)).status_code == 403
        assert as_b.post(url(model, "delete", b.of(model).pk), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=b.of(model).pk).exists()

    def test_a_superuser_deletes_one_record_at_a_time(self, as_root, b):
        seat = b.village.seats.exclude(pk=b.seat.pk).first()
        response = as_root.post(url(Seat, "delete", seat.pk), {"post": "yes"})
        assert response.status_code == 302
        assert not Seat.objects.filter(pk=seat.pk).exists()

    def test_county_staff_add_no_county(self, as_b):
        assert as_b.get(url(County, "add")).status_code == 403

    @pytest.mark.parametrize(
        "model",
        [Pairing, MentoringLog, CountyPolicy, ImportRecord, HeaderMapping, Assignment, Deed, TrainingSession,
         Attendance, TrainingNeed, SubsidyPolicy, SubsidySheet, SubsidyLine, SubsidyAdjustment,
         AccountEvent],
    )  # fmt: skip
    def test_records_with_their_own_pages_are_view_only_even_for_superusers(self, as_root, b, model):
        assert as_root.get(url(model, "add")).status_code == 403
        response = as_root.get(url(model, "change", b.of(model).pk))
        assert response.status_code == 200 and not response.context["has_change_permission"]
        assert as_root.post(url(model, "change", b.of(model).pk), {}).status_code == 403


def cadre_form_data(cadre, **changes):
    data = {
        "name": cadre.name, "gender": cadre.gender, "ethnicity": cadre.ethnicity, "id_number": cadre.id_number,
        "birth_date": cadre.birth_date.isoformat(), "phone": cadre.phone, "education": cadre.education,
        "political_status": cadre.political_status, "party_joined_on": "", "source": cadre.source,
        "tier": cadre.tier, "village": cadre.village_id, "current_job": cadre.current_job,
        "specialty": cadre.specialty, "notes": cadre.notes,
    }  # fmt: skip
    return {**data, **changes}


def mentor_form_data(mentor, **changes):
    data = {"township": mentor.township_id, "name": mentor.name, "kind": mentor.kind, "unit": mentor.unit,
            "post": mentor.post, "phone": mentor.phone, "specialties": mentor.specialties, "is_active": "on",
            "max_mentees": mentor.max_mentees}  # fmt: skip
    return {**data, **changes}


class TestCadreWrites:
    """The admin saves a cadre through cadre_create / cadre_update; the lifecycle fields
    change only through cadre_change_status, on the cadre page."""

    def test_a_change_goes_through_the_service(self, as_b, b, b_staff):
        data = cadre_form_data(b.cadre, current_job="村委会文书")
        # Lifecycle fields posted anyway are ignored: they are read-only here.
        data.update(status=Status.LEFT, left_on="2025-06-01", left_reason="外出务工", seat=b.seat.pk)
        response = as_b.post(url(Cadre, "change", b.cadre.pk), data)
        assert response.status_code == 302
        b.cadre.refresh_from_db()
        assert b.cadre.current_job == "村委会文书"
        assert (b.cadre.status, b.cadre.seat, b.cadre.left_on) == (Status.RESERVE, None, None)
        assert b.cadre.history.latest().history_user == b_staff
        assert Pairing.objects.get(pk=b.pairing.pk).is_active

    def test_the_lifecycle_fields_are_read_only(self, as_b, b):
        form = as_b.get(url(Cadre, "change", b.cadre.pk)).context["adminform"].form
        for name in ("status", "seat", "seated_on", "key_training_since", "left_on", "left_reason"):
            assert name not in form.fields

    def test_an_addition_goes_through_the_service(self, as_b, b, b_staff):
        number = make_id_number(birth=dt.date(1996, 5, 4), seq=233)
        data = cadre_form_data(b.cadre, name="新后备", id_number=number, birth_date="", gender="", phone="")
        response = as_b.post(url(Cadre, "add"), data)
        assert response.status_code == 302
        cadre = Cadre.objects.get(id_number=number)
        # The service's rules ran: birth date and gender from the ID number.
        assert cadre.birth_date == dt.date(1996, 5, 4) and cadre.gender == "M"
        assert cadre.history.get().history_user == b_staff

    def test_a_bad_id_number_is_a_message_on_the_form_not_a_500(self, as_b, b):
        response = as_b.post(url(Cadre, "change", b.cadre.pk), cadre_form_data(b.cadre, id_number="123"))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["id_number"]
        b.cadre.refresh_from_db()
        assert b.cadre.id_number != "123"

    def test_a_rule_only_the_service_knows_is_a_message_on_the_form(self, as_b, b, b_staff):
        # Two reserves in the mentor's care: the limit cannot go below two (mentor_update).
        PairingFactory(cadre=CadreFactory(village=b.village), mentor=b.mentor, created_by=b_staff)
        response = as_b.post(url(Mentor, "change", b.mentor.pk), mentor_form_data(b.mentor, max_mentees=1))
        assert response.status_code == 200
        assert "导师当前在带2人" in str(response.context["adminform"].form.errors["max_mentees"])
        b.mentor.refresh_from_db()
        assert b.mentor.max_mentees == 2

    def test_a_mentor_change_goes_through_the_service(self, as_b, b, b_staff):
        data = mentor_form_data(b.mentor, unit="县农业局", max_mentees=3)
        assert as_b.post(url(Mentor, "change", b.mentor.pk), data).status_code == 302
        b.mentor.refresh_from_db()
        assert (b.mentor.unit, b.mentor.max_mentees) == ("县农业局", 3)
        assert b.mentor.history.latest().history_user == b_staff


class TestMasking:
    def test_the_cadre_list_masks_id_and_phone_numbers(self, as_b, b):
        html = as_b.get(url(Cadre, "changelist")).content.decode()
        assert b.cadre.id_number not in html and b.cadre.phone not in html
        assert mask_id_number(b.cadre.id_number) in html and mask_phone(b.cadre.phone) in html

    def test_the_mentor_list_masks_phone_numbers(self, as_b, b):
        html = as_b.get(url(Mentor, "changelist")).content.decode()
        assert b.mentor.phone not in html and mask_phone(b.mentor.phone) in html

    def test_superusers_see_full_numbers_in_lists(self, as_root, b):
        html = as_root.get(url(Cadre, "changelist")).content.decode()
        assert b.cadre.id_number in html and b.cadre.phone in html

    def test_county_staff_see_full_numbers_on_their_own_countys_change_form(self, as_b, b):
        html = as_b.get(url(Cadre, "change", b.cadre.pk)).content.decode()
        assert b.cadre.id_number in html and b.cadre.phone in html

    def test_a_leader_only_views_and_sees_masked_numbers(self, client, b, b_staff):
        leader = leader_user(b.county, username="b-leader", is_staff=True)
        leader.user_permissions.set(b_staff.user_permissions.all())
        cadre_update(user=b_staff, cadre=b.cadre, data={"phone": "13600005555"})
        client.force_login(leader)
        response = client.get(url(Cadre, "change", b.cadre.pk))
        html = response.content.decode()
        assert response.status_code == 200 and not response.context["has_change_permission"]
        assert b.cadre.id_number not in html and mask_id_number(b.cadre.id_number) in html
        assert "13600005555" not in html
        history = client.get(url(Cadre, "history", b.cadre.pk)).content.decode()
        assert "13600005555" not in history and "13733334444" not in history and mask_phone("13600005555") in history
        assert client.post(url(Cadre, "change", b.cadre.pk), cadre_form_data(b.cadre)).status_code == 403
        assert client.get(url(Cadre, "add")).status_code == 403


class TestAccounts:
    def test_county_staff_only_view_accounts(self, as_b, b_staff):
        response = as_b.get(url(User, "change", b_staff.pk))
        assert response.status_code == 200 and not response.context["has_change_permission"]
        assert "md5$" not in response.content.decode()  # no password hash
        data = {"username": b_staff.username, "is_staff": "on", "is_superuser": "on", "role": "county",
                "county": b_staff.county_id}  # fmt: skip
        assert as_b.post(url(User, "change", b_staff.pk), data).status_code == 403
        assert as_b.get(reverse("admin:auth_user_password_change", args=[b_staff.pk])).status_code == 403
        assert as_b.get(url(User, "add")).status_code == 403
        b_staff.refresh_from_db()
        assert not b_staff.is_superuser

    def test_another_countys_password_page_is_not_found(self, as_b, a):
        assert as_b.get(reverse("admin:auth_user_password_change", args=[a.staff.pk])).status_code == 404

    def test_groups_and_tokens_are_for_superusers_only(self, client, as_b, b_staff, root):
        b_staff.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["auth", "authtoken"]))
        group = Group.objects.create(name="县委组织部")
        token = Token.objects.create(user=root)
        assert as_b.get(reverse("admin:auth_group_changelist")).status_code == 403
        assert as_b.get(reverse("admin:auth_group_change", args=[group.pk])).status_code == 403
        assert as_b.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 403
        assert as_b.get(reverse("admin:authtoken_tokenproxy_add")).status_code == 403
        assert token.key not in as_b.get(reverse("admin:index")).content.decode()
        client.force_login(root)
        assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
        assert token.key in client.get(reverse("admin:authtoken_tokenproxy_changelist")).content.decode()


class TestImportExportIsGone:
    @pytest.mark.parametrize("model", [Cadre, Village])
    @pytest.mark.parametrize("view", ["import", "export", "process_import"])
    def test_the_admin_has_no_import_or_export(self, as_root, model, view):
        with pytest.raises(NoReverseMatch):
            url(model, view)
        path = f"/admin/{model._meta.app_label}/{model._meta.model_name}/{view}/"
        assert as_root.get(path, follow=True).status_code == 404
        assert as_root.post(path, {}, follow=True).status_code == 404

    def test_the_cadre_list_links_to_the_guarded_import_page(self, as_b):
        assert reverse("cadre:import") in as_b.get(url(Cadre, "changelist")).content.decode()


@pytest.mark.parametrize(
    "model, more",
    [
        (Cadre, lambda b: [CadreFactory(village=b.village) for _ in range(5)]),
        (Seat, lambda b: [VillageFactory(township=b.township) for _ in range(2)]),
        (
            MentoringLog,
            lambda b: [
                MentoringLogFactory(pairing=PairingFactory(cadre=CadreFactory(village=b.village), created_by=b.staff))
                for _ in range(3)
            ],
        ),
        (Pairing, lambda b: [PairingFactory(cadre=CadreFactory(village=b.village), created_by=b.staff)]),
        (Mentor, lambda b: [MentorFactory(township=b.township) for _ in range(3)]),
        (
            Attendance,
            lambda b: [AttendanceFactory(session=b.session, cadre=CadreFactory(village=b.village)) for _ in range(3)],
        ),
        (User, lambda b: [UserFactory(county=b.county) for _ in range(3)]),
    ],
    ids=lambda v: v._meta.model_name if hasattr(v, "_meta") else "",
)
def test_changelist_queries_do_not_grow_with_rows(as_b, b, model, more):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert as_b.get(url(model, "changelist")).status_code == 200
        return len(queries)

    before = count()
    more(b)
    assert count() == before
