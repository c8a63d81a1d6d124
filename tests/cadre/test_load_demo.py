import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import Role, User
from cadre.demo import DEMO_PASSWORD, REFERENCE_DATE, demo_plan
from cadre.models import COLLEGE_OR_ABOVE, Cadre, Status
from common.idcard import age_on, parse_id_number
from org.models import County, Seat, Township, Village


def load_demo() -> str:
    out = io.StringIO()
    call_command("load_demo", force=True, stdout=out)
    return out.getvalue()


def snapshot():
    return {
        "counties": County.objects.count(),
        "townships": Township.objects.count(),
        "villages": Village.objects.count(),
        "seats": Seat.objects.count(),
        "filled": Seat.objects.exclude(holder_name="").count(),
        "cadres": Cadre.objects.count(),
        "history": Cadre.history.count(),
        "users": User.objects.count(),
        "statuses": dict(Cadre.objects.values_list("status").annotate(n=Count("pk"))),
    }


def test_plan_is_deterministic():
    first, second = demo_plan(), demo_plan()
    assert [c.data for c in first.cadres] == [c.data for c in second.cadres]
    assert first.seats == second.seats
    ids = [c.data["id_number"] for c in first.cadres]
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_load_demo_builds_a_realistic_county_once():
    output = load_demo()

    assert County.objects.count() == 1
    assert Township.objects.count() >= 6
    assert Village.objects.count() >= 60
    for township in Township.objects.annotate(n=Count("villages")):
        names = list(township.villages.values_list("name", flat=True))
        assert len(names) == len(set(names)) and 9 <= len(names) <= 11
    # Every village has its standard seats, most of them held, a few vacant.
    seats = Seat.objects.all()
    assert seats.values("village").distinct().count() == Village.objects.count()
    vacant = seats.filter(holder_name="").count()
    assert 0 < vacant < seats.count() * 0.2
    assert not seats.exclude(holder_name="").filter(holder_since__isnull=True).exists()

    cadres = list(Cadre.objects.all())
    assert len(cadres) >= 300
    for cadre in cadres:
        info = parse_id_number(cadre.id_number)
        assert (info.birth_date, info.gender) == (cadre.birth_date, cadre.gender), cadre.id_number
        assert cadre.id_number.startswith("4311")
        assert len(cadre.phone) in (0, 11)
    ages = [age_on(c.birth_date, REFERENCE_DATE) for c in cadres]
    assert min(ages) >= 22 and max(ages) <= 51
    assert 0.5 < sum(a < 35 for a in ages) / len(ages) < 0.8
    assert 0.5 < sum(c.education in COLLEGE_OR_ABOVE for c in cadres) / len(cadres) < 0.7

    statuses = {c.status for c in cadres}
    assert statuses == set(Status.values)
    for cadre in cadres:
        if cadre.status == Status.KEY_TRAINING:
            assert cadre.key_training_since
        if cadre.status == Status.SEATED:
            assert cadre.seat.holder_name == cadre.name
            assert cadre.seat.holder_since == cadre.seated_on
            assert cadre.seat.village_id == cadre.village_id
        if cadre.status == Status.LEFT:
            assert cadre.left_on and cadre.left_reason
    # Every change is attributable to the demo admin.
    admin = User.objects.get(username="admin")
    assert not Cadre.history.exclude(history_user=admin).exists()
    assert Cadre.history.filter(history_change_reason__startswith="状态变更为").exists()

    assert admin.is_superuser and admin.is_staff and admin.role == Role.COUNTY
    county_user = User.objects.get(username="county")
    assert county_user.is_staff and county_user.role == Role.COUNTY
    assert county_user.has_perm("cadre.view_cadre")
    assert User.objects.get(username="leader").role == Role.LEADER
    towns = User.objects.filter(role=Role.TOWNSHIP, username__startswith="town")
    assert towns.count() == Township.objects.count()
    assert all(u.county_id == u.township.county_id for u in towns)
    assert all(u.check_password(DEMO_PASSWORD) and u.last_name for u in User.objects.all())
    assert "town07" in output and DEMO_PASSWORD in output and "用户名" in output

    before = snapshot()
    output = load_demo()

    assert snapshot() == before
    assert "没有新增任何记录" in output


def test_refuses_without_force_when_not_debugging(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=io.StringIO())
