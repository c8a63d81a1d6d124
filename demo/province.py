"""A generated city/province deployment (python manage.py generate_province): counties of
townships and villages with their seats, N reserve cadres, mentor pools, one-to-one
pairings and a few mentoring logs, a year of monthly county trainings with attendance, a
subsidy policy per county and last month's subsidy sheet.

It is the demo county's generator at province size: the people are drawn with the demo's
own pools and helpers (demo.cadre.person_data, the mentoring texts of demo.mentorship), from
a seed, against today. Everything is written on bulk paths: PostgreSQL COPY for the large
tables with ids drawn from their sequences in one query, bulk_create for the small ones;
no row is saved through the ORM one by one, and no service runs per row. The rules the
services keep are kept by construction (and by the tables' constraints): valid, unique ID
numbers that agree with birth date and gender, lifecycle dates in order and after the entry
into the pool, one seated reserve per seat, one active pairing per reserve, no mentor above
the county's limit, attendance only by reserves in the pool on the session's day.

The counties are named 省测试县01, 省测试县02 …; the command refuses to run when one of them
exists, so a second run never mixes with the first.
"""

import csv
import datetime as dt
import io
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from cadre.models import Cadre, Status
from demo import cadre as cadre_demo
from demo import mentorship as mentoring_demo
from mentorship.dates import add_months
from mentorship.models import ActivityForm, CountyPolicy, EnteredBy, FormRequirement, Mentor, MentoringLog, Pairing
from org.models import STANDARD_SEATS, County, Seat, SeatPost, Township, Village
from subsidies.models import SubsidyPolicy
from subsidies.services import sheet_compute
from training.models import Attendance, AttendanceStatus, Kind, Level, TrainingSession

COUNTY_PREFIX = "省测试县"
SEED = 20261201
RESERVES_PER_COUNTY = 2000  # the default number of counties: one per 2,000 reserves
VILLAGES_PER_TOWNSHIP = 16
MAX_TOWNSHIPS = 60  # a county holding many reserves gets bigger townships, not more of them
RESERVES_PER_VILLAGE = 5  # on average; every village gets at least MIN_PER_VILLAGE
MIN_PER_VILLAGE = 2
# Maoming's districts and county-level cities (a city deployment in DOMAIN.md).
REGION_CODES = (("440902", 20), ("440904", 20), ("440981", 25), ("440982", 20), ("440983", 15))
NAME_CHARS = "东南西北上下中新老大小长高金银石白青红黄龙凤马牛桥塘坪冲岭山河溪湾坝田水竹松柏桃李梅兰花茶"
VACANT_SEAT_SHARE = 0.09

# Lifecycle shares (as in demo.cadre): key training, seated (one per village at most), left.
KEY_SHARE, SEATED_SHARE, LEFT_SHARE = 0.15, 0.05, 0.03
RECENT_ENTRY_SHARE = 0.08  # entered the pool this year: their first subsidy month is a part month
PAIRED_SHARE = 0.75  # of the reserves in the pool
ENDED_PAIRED_SHARE = 0.6  # of the seated and departed: a pairing that ended on that day
MENTEE_LIMIT = mentoring_demo.MENTEE_LIMIT
MENTOR_KINDS = (
    ("township_cadre", 55),
    ("village_secretary", 20),
    ("retired_cadre", 10),
    ("industry_leader", 10),
    ("county_leader", 5),
)
ATTENDANCE = ((AttendanceStatus.PRESENT, 88), (AttendanceStatus.LEAVE, 7), (AttendanceStatus.ABSENT, 5))
LEAVE_NOTES = ("外出务工", "家中有事", "身体不适", "参加村里防汛值守", "")
TRAINING_TOPICS = (
    "学习贯彻党的二十大精神",
    "村级集体经济发展路径",
    "“四议两公开”工作法",
    "矛盾纠纷排查调处",
    "防返贫动态监测政策",
    "农村电商与直播带货",
    "村级财务管理",
    "基层党组织建设",
    "乡村治理积分制",
    "森林防火与防汛应急",
    "耕地保护政策解读",
    "人居环境整治",
)
MONTHLY_AMOUNT = Decimal("2000.00")
BONUS_EXCELLENT, BONUS_COMPETENT = Decimal("5000.00"), Decimal("3000.00")


@dataclass
class ProvinceResult:
    counts: dict[str, int] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)
    county_names: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(seconds for _, seconds in self.timings)


def county_names(count: int) -> list[str]:
    return [f"{COUNTY_PREFIX}{i:02d}" for i in range(1, count + 1)]


def default_counties(reserves: int) -> int:
    return max(1, math.ceil(reserves / RESERVES_PER_COUNTY))


@dataclass
class _Person:
    """A reserve as generated: the row for COPY plus what the later steps need."""

    row: dict
    county: int  # index
    township_id: int
    village_id: int


class _Clock:
    def __init__(self, result: ProvinceResult, progress: Callable[[str], None] | None):
        self.result, self.progress, self.started = result, progress, time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        self.result.timings.append((what, now - self.started))
        if self.progress:
            self.progress(f"{what}：{now - self.started:.1f}秒")
        self.started = now


def generate_province(
    *,
    reserves: int,
    counties: int | None = None,
    seed: int = SEED,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> ProvinceResult:
    """Generate the province in one transaction; refuse when one of its counties exists."""
    if reserves < 1:
        raise ValidationError(_("后备干部人数至少为1。"))
    counties = counties or default_counties(reserves)
    if counties < 1 or reserves < counties * MIN_PER_VILLAGE:
        raise ValidationError(_("县(区)个数至少为1，且每个县至少要有%(n)d名后备干部。") % {"n": MIN_PER_VILLAGE})
    names = county_names(counties)
    existing = list(County.objects.filter(name__in=names).values_list("name", flat=True))
    if existing:
        raise ValidationError(
            _("%(names)s已存在，不再生成。请换一个空数据库，或先删除这些县(区)的数据。")
            % {"names": "、".join(existing)}
        )
    today = today or timezone.localdate()
    rng = random.Random(seed)
    result = ProvinceResult(county_names=names)
    clock = _Clock(result, progress)
    with transaction.atomic():
        now = timezone.now()
        county_rows, users = _counties(names, now)
        units = _units(rng, county_rows, reserves, now, result)
        clock.lap(_("县、乡镇、村"))
        seats = _seats(rng, units, today, now, result)
        clock.lap(_("两委职位"))
        people = _cadres(rng, units, seats, users, today, now, result)
        clock.lap(_("后备干部（含历史记录）"))
        _mentoring(rng, county_rows, units, people, users, today, now, result)
        clock.lap(_("导师库、结对、帮带记录"))
        _training(rng, county_rows, people, users, today, now, result)
        clock.lap(_("培训及考勤"))
        _subsidies(county_rows, users, today, result)
        clock.lap(_("补贴政策及上月补贴表"))
    clock.lap(_("提交（外键检查）"))  # the foreign keys are checked at the commit
    return result


# --- writing -----------------------------------------------------------------------------


def _next_ids(model: type[models.Model], count: int) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _copy(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence], *, chunk: int = 200_000) -> int:
    """COPY rows (sequences in the order of ``columns``, attnames) into the model's table, in
    chunks. An empty unquoted field is NULL in COPY's CSV format; FORCE_NOT_NULL keeps empty
    texts texts in the NOT NULL columns (as cadre.roster.service does)."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    not_null = [quote(fields[c].column) for c in columns if not fields[c].null]
    options = "FORMAT csv" + (f", FORCE_NOT_NULL ({', '.join(not_null)})" if not_null else "")
    sql = (
        f"COPY {quote(model._meta.db_table)} ({', '.join(quote(fields[c].column) for c in columns)}) "
        f"FROM STDIN WITH ({options})"
    )
    written = 0
    batch: list[Sequence] = []

    def flush() -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(batch)
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)
        batch.clear()

    for row in rows:
        batch.append(row)
        written += 1
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    return written


def _array(values: Iterable[str]) -> str:
    """A PostgreSQL array literal of plain words, for COPY."""
    return "{" + ",".join(values) + "}"


# --- units -------------------------------------------------------------------------------


@dataclass
class _County:
    county: County
    user: User
    reserves: int = 0
    townships: list[Township] = field(default_factory=list)


@dataclass
class _Units:
    counties: list[_County]
    villages: list[tuple[int, int, int]]  # (county index, township id, village id)
    village_names: dict[int, str]
    township_names: dict[int, str]


def _counties(names: list[str], now: dt.datetime) -> tuple[list[_County], list[User]]:
    counties = County.objects.bulk_create([County(name=name) for name in names])
    password = make_password(None)  # the province's users sign in only after an admin sets a password
    taken = set(User.objects.filter(username__startswith="province").values_list("username", flat=True))
    users = []
    for index, county in enumerate(counties, start=1):
        username = f"province{index:02d}"
        while username in taken:
            username += "x"
        users.append(User(username=username, role=Role.COUNTY, county=county, password=password, last_name="组织部"))
    users = User.objects.bulk_create(users)
    return [_County(county=c, user=u) for c, u in zip(counties, users, strict=True)], users


def _place_names(rng: random.Random, count: int, suffixes: Sequence[str]) -> list[str]:
    """``count`` distinct place names of two characters and a suffix, numbered past the pool."""
    stems = [a + b for a in NAME_CHARS for b in NAME_CHARS if a != b]
    rng.shuffle(stems)
    names = []
    for index in range(count):
        stem = stems[index % len(stems)] + (str(index // len(stems)) if index >= len(stems) else "")
        names.append(stem + suffixes[index % len(suffixes)])
    return names


def _units(rng: random.Random, counties: list[_County], reserves: int, now, result: ProvinceResult) -> _Units:
    per_county = _split(reserves, len(counties))
    township_objects = []
    plan = []  # (county index, villages in each township)
    for index, (county, count) in enumerate(zip(counties, per_county, strict=True)):
        county.reserves = count
        villages = max(1, count // RESERVES_PER_VILLAGE)
        townships = min(MAX_TOWNSHIPS, max(1, round(villages / VILLAGES_PER_TOWNSHIP)))
        names = _place_names(rng, townships, ("镇", "镇", "镇", "乡", "街道"))
        objects = [Township(county=county.county, name=name) for name in names]
        township_objects.extend(objects)
        plan.append((index, objects, _split(villages, townships)))
    Township.objects.bulk_create(township_objects, batch_size=2000)
    village_objects = []
    for index, objects, counts in plan:
        counties[index].townships = objects
        for township, count in zip(objects, counts, strict=True):
            names = _place_names(rng, count, ("村", "村", "村", "村", "社区"))
            village_objects.extend((index, Village(township=township, name=name)) for name in names)
    Village.objects.bulk_create([v for _, v in village_objects], batch_size=5000)
    result.counts.update(counties=len(counties), townships=len(township_objects), villages=len(village_objects))
    return _Units(
        counties=counties,
        villages=[(index, v.township_id, v.pk) for index, v in village_objects],
        village_names={v.pk: v.name for _, v in village_objects},
        township_names={t.pk: t.name for t in township_objects},
    )


def _split(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` nearly equal whole numbers."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


# --- seats -------------------------------------------------------------------------------


def _seats(rng: random.Random, units: _Units, today: dt.date, now, result: ProvinceResult) -> dict[int, dict]:
    """Every village's standard seats, most held by an incumbent recorded on the seat, a few
    vacant. Returns village id -> {(post, number): seat id} of the vacant ones, where a
    seated reserve may go."""
    keys = [(int(post), number) for post, count in STANDARD_SEATS for number in range(1, count + 1)]
    ids = iter(_next_ids(Seat, len(keys) * len(units.villages)))
    vacant: dict[int, dict] = {}
    rows = []
    for _county, _township, village in units.villages:
        secretary = None
        free = vacant.setdefault(village, {})
        for post, number in keys:
            seat_id = next(ids)
            if rng.random() < VACANT_SEAT_SHARE:
                free[(post, number)] = seat_id
                rows.append((seat_id, village, post, number, "", None, None, "", now, now))
                continue
            since = cadre_demo._date_between(rng, today - dt.timedelta(days=5 * 365), today - dt.timedelta(days=30))
            name = cadre_demo._person_name(rng, rng.random() < 0.75)
            if post == SeatPost.SECRETARY:
                secretary = (name, since)
            elif post == SeatPost.DIRECTOR and secretary and rng.random() < 0.8:
                name, since = secretary  # 书记、主任"一肩挑"
            rows.append((seat_id, village, post, number, name, since, None, "", now, now))
    columns = (
        "id", "village_id", "post", "number", "holder_name", "holder_since", "vacated_on", "vacated_reason",
        "created_at", "updated_at",
    )  # fmt: skip
    result.counts["seats"] = _copy(Seat, columns, rows)
    return vacant


# --- reserve cadres ----------------------------------------------------------------------


def _cadres(rng, units: _Units, vacant: dict[int, dict], users, today: dt.date, now, result) -> list[_Person]:
    per_village = _per_village(rng, units)
    used_ids = set(
        Cadre.objects.filter(id_number__regex=r"^44090").values_list("id_number", flat=True)
    )  # the province's region codes: the IDs stay unique in a database that holds others
    people = []
    for (county, township, village), count in zip(units.villages, per_village, strict=True):
        free = dict(vacant.get(village, {}))
        for _number in range(count):
            data = cadre_demo.person_data(rng, used_ids, regions=REGION_CODES, today=today)
            row = {**data, "village_id": village, "photo": "", "created_at": now, "updated_at": now}
            _lifecycle(rng, row, free, today)
            people.append(_Person(row=row, county=county, township_id=township, village_id=village))
    ids = _next_ids(Cadre, len(people))
    for person, pk in zip(people, ids, strict=True):
        person.row["id"] = pk
    columns = list(people[0].row)
    result.counts["reserves"] = _copy(Cadre, columns, ([p.row[c] for c in columns] for p in people))
    # One history record per reserve (created), attributable to the county's user, as the
    # roster import writes them.
    history_columns = [c for c in columns if c not in ("created_at", "updated_at")]
    extra = ("history_date", "history_type", "history_user_id", "history_change_reason")
    user_of = [u.pk for u in users]
    reason = _("省级测试数据生成")
    _copy(
        Cadre.history.model,
        [*history_columns, *extra],
        ([*(p.row[c] for c in history_columns), now, "+", user_of[p.county], reason] for p in people),
    )
    statuses = dict.fromkeys(Status.values, 0)
    for person in people:
        statuses[person.row["status"]] += 1
    result.counts.update({f"status_{k}": v for k, v in statuses.items()})
    return people


def _per_village(rng: random.Random, units: _Units) -> list[int]:
    """How many reserves each village gets: at least MIN_PER_VILLAGE, the county's rest spread
    at random over its villages (so some have two and some nine)."""
    by_county: dict[int, list[int]] = {}
    for position, (county, _t, _v) in enumerate(units.villages):
        by_county.setdefault(county, []).append(position)
    per_village = [MIN_PER_VILLAGE] * len(units.villages)
    for county, positions in by_county.items():
        rest = units.counties[county].reserves - MIN_PER_VILLAGE * len(positions)
        for position in rng.choices(positions, k=rest):
            per_village[position] += 1
    return per_village


def _lifecycle(rng: random.Random, row: dict, free_seats: dict, today: dt.date) -> None:
    """Entry into the pool and where the reserve has got to since, with the dates the Cadre
    constraints require, in order: entered ≤ key training ≤ seated, entered ≤ left ≤ today."""
    adult = row["birth_date"] + dt.timedelta(days=18 * 366)
    if rng.random() < RECENT_ENTRY_SHARE:
        earliest = max(adult, today.replace(month=1, day=1))
    else:
        earliest = max(adult, today - dt.timedelta(days=6 * 365))
    latest = max(earliest, today - dt.timedelta(days=20))
    entered = cadre_demo._date_between(rng, earliest, latest)
    row.update(
        entered_on=entered, status=Status.RESERVE, key_training_since=None, seat_id=None, seated_on=None,
        left_on=None, left_reason="",
    )  # fmt: skip
    if (today - entered).days < 60:
        return
    roll = rng.random()
    if roll < KEY_SHARE:
        row.update(status=Status.KEY_TRAINING, key_training_since=cadre_demo._date_between(rng, entered, today))
    elif roll < KEY_SHARE + SEATED_SHARE and free_seats:
        posts = [(k, w) for k, w in cadre_demo.SEATED_POSTS if k in free_seats] or [(next(iter(free_seats)), 1)]
        key = cadre_demo._pick(rng, posts)
        key_since = cadre_demo._date_between(rng, entered, today - dt.timedelta(days=30))
        row.update(
            status=Status.SEATED,
            key_training_since=key_since,
            seat_id=free_seats.pop(key),
            seated_on=cadre_demo._date_between(rng, key_since, today),
        )
    elif roll < KEY_SHARE + SEATED_SHARE + LEFT_SHARE:
        row.update(
            status=Status.LEFT,
            left_on=cadre_demo._date_between(rng, entered, today),
            left_reason=rng.choice(cadre_demo.LEFT_REASONS),
        )


# --- mentoring ---------------------------------------------------------------------------


def _mentor_unit(rng: random.Random, kind: str, township: str, county: str) -> tuple[str, str, str]:
    gov = "乡" if township.endswith("乡") else "镇"
    if kind == "township_cadre":
        unit, post, specialties, _max = rng.choice(mentoring_demo.TOWNSHIP_POSTS)
    elif kind == "retired_cadre":
        unit, post, specialties = rng.choice(mentoring_demo.RETIRED_POSTS)
    elif kind == "industry_leader":
        unit, post, specialties = rng.choice(mentoring_demo.INDUSTRY_LEADERS)
    elif kind == "county_leader":
        unit, post, specialties = rng.choice(mentoring_demo.COUNTY_LEADERS)
    else:
        return f"{township}{rng.choice('东南西北中')}村党总支", "党组织书记", "基层治理、群众工作"
    unit = unit.replace("青山县", county).format(t=township, gov=gov)
    return unit, post.format(gov=gov), specialties


def _mentoring(rng, counties: list[_County], units: _Units, people: list[_Person], users, today, now, result) -> None:
    """The county policy (two reserves per mentor at most), a mentor pool per township sized to
    its pairings, one active pairing for about three in four reserves in the pool, an ended one
    for some of the seated and departed, and one to three mentoring logs per active pairing."""
    policies = CountyPolicy.objects.bulk_create(
        [CountyPolicy(county=c.county, mentee_limit=MENTEE_LIMIT) for c in counties]
    )
    FormRequirement.objects.bulk_create(
        [
            FormRequirement(policy=policy, form=form, every_months=months)
            for policy in policies
            for form, months in mentoring_demo.REQUIREMENTS.items()
        ]
    )
    active_by_township: dict[int, list[_Person]] = {}
    ended_by_township: dict[int, list[_Person]] = {}
    for person in people:
        status = person.row["status"]
        if status in (Status.RESERVE, Status.KEY_TRAINING):
            if rng.random() < PAIRED_SHARE and (today - person.row["entered_on"]).days > 10:
                active_by_township.setdefault(person.township_id, []).append(person)
        elif rng.random() < ENDED_PAIRED_SHARE:
            end = person.row["seated_on"] or person.row["left_on"]
            if end > person.row["entered_on"]:
                ended_by_township.setdefault(person.township_id, []).append(person)

    county_of = {t.pk: c for c in counties for t in c.townships}
    mentor_rows, pools = [], {}
    for township_id in set(active_by_township) | set(ended_by_township):
        need = math.ceil(len(active_by_township.get(township_id, ())) / MENTEE_LIMIT)
        count = max(1, need + math.ceil(need * 0.1))
        ids = _next_ids(Mentor, count) if count else []
        pools[township_id] = ids
        township = units.township_names[township_id]
        county = county_of[township_id].county.name
        phones: set[str] = set()
        for pk in ids:
            kind = cadre_demo._pick(rng, MENTOR_KINDS)
            unit, post, specialties = _mentor_unit(rng, kind, township, county)
            phone = mentoring_demo._phone(rng, phones)
            name = cadre_demo._person_name(rng, rng.random() < 0.7)
            mentor_rows.append(
                (pk, township_id, name, kind, unit, post, phone, specialties, True, MENTEE_LIMIT, now, now)
            )
    columns = ("id", "township_id", "name", "kind", "unit", "post", "phone", "specialties", "is_active",
               "max_mentees", "created_at", "updated_at")  # fmt: skip
    result.counts["mentors"] = _copy(Mentor, columns, mentor_rows)

    user_of = [u.pk for u in users]
    pairings, logs = [], []
    for township_id, active in active_by_township.items():
        pool = pools[township_id]
        pairing_ids = _next_ids(Pairing, len(active))
        for index, (person, pk) in enumerate(zip(active, pairing_ids, strict=True)):
            row = person.row
            start = cadre_demo._date_between(
                rng, max(row["entered_on"], today - dt.timedelta(days=3 * 365)), today - dt.timedelta(days=7)
            )
            mentor = pool[index // MENTEE_LIMIT]  # two reserves a mentor, the pool's slack unused
            goal = rng.choice(mentoring_demo.GOALS).format(skill=row["specialty"].split("、")[0] or "专业")
            user = user_of[person.county]
            pairings.append((pk, row["id"], mentor, start, add_months(start, 24), goal, None, "", user, now, now))
            logs.extend(_logs(rng, pk, row, start, today, user, now))
    for township_id, ended in ended_by_township.items():
        pool = pools[township_id]
        for person in ended:
            row = person.row
            end = row["seated_on"] or row["left_on"]
            start = cadre_demo._date_between(rng, row["entered_on"], end - dt.timedelta(days=1))
            reason = mentoring_demo.REASON_SEATED if row["seated_on"] else f"后备干部退出：{row['left_reason']}"
            goal = rng.choice(mentoring_demo.GOALS).format(skill=row["specialty"].split("、")[0] or "专业")
            pairings.append(
                (
                    None,
                    row["id"],
                    rng.choice(pool),
                    start,
                    add_months(start, 24),
                    goal,
                    end,
                    reason,
                    user_of[person.county],
                    now,
                    now,
                )
            )
    ended_ids = iter(_next_ids(Pairing, sum(1 for p in pairings if p[0] is None)))
    pairings = [(p[0] or next(ended_ids), *p[1:]) for p in pairings]
    columns = ("id", "cadre_id", "mentor_id", "started_on", "planned_end_on", "goals", "ended_on", "end_reason",
               "created_by_id", "created_at", "updated_at")  # fmt: skip
    result.counts["pairings"] = _copy(Pairing, columns, pairings)
    result.counts["active_pairings"] = sum(len(a) for a in active_by_township.values())
    columns = ("pairing_id", "date", "form", "place", "content", "hours", "attachment", "entered_by",
               "created_by_id", "created_at", "updated_at")  # fmt: skip
    result.counts["mentoring_logs"] = _copy(MentoringLog, columns, logs)


def _logs(rng: random.Random, pairing: int, row: dict, start: dt.date, today: dt.date, user: int, now) -> list:
    """A first talk soon after the pairing starts, then up to two more activities."""
    logs = []
    day = start + dt.timedelta(days=rng.randint(3, 25))
    forms = [
        ActivityForm.TALK,
        *rng.sample((ActivityForm.FIELD_RESEARCH, ActivityForm.FEEDBACK, ActivityForm.TALK), k=rng.randint(0, 2)),
    ]
    for number, form in enumerate(forms):
        if day > today:
            break
        if number == 0:
            content = rng.choice(mentoring_demo.FIRST_TALK).format(name=row["name"], ours="本村")
        else:
            content = f"{ActivityForm(form).label}：围绕村里当前重点工作，与{row['name']}交流体会，明确下一步努力方向。"
        entered_by = cadre_demo._pick(rng, ((EnteredBy.MENTOR, 50), (EnteredBy.TOWNSHIP, 35), (EnteredBy.COUNTY, 15)))
        hours = Decimal(str(cadre_demo._pick(rng, mentoring_demo.HOURS[form])))
        logs.append((pairing, day, form, "村党群服务中心", content, hours, "", entered_by, user, now, now))
        day += dt.timedelta(days=rng.randint(60, 150))
    return logs


# --- training ----------------------------------------------------------------------------


def training_months(today: dt.date) -> list[dt.date]:
    """The twelve months before this one, oldest first (their first days)."""
    first = today.replace(day=1)
    return [add_months(first, -n) for n in range(12, 0, -1)]


def _training(rng, counties: list[_County], people: list[_Person], users, today, now, result) -> None:
    """One county monthly training (县级月度培训) per county and month for the past year, for all
    reserves; every reserve in the pool on the day has an attendance row (mostly present, some
    on leave or absent; a score for those present when the session has an exam)."""
    sessions = []
    for index, county in enumerate(counties):
        for number, month in enumerate(training_months(today)):
            day = month.replace(day=rng.randint(10, 20))
            topic = TRAINING_TOPICS[(number + index) % len(TRAINING_TOPICS)]
            sessions.append(
                (
                    index,
                    TrainingSession(
                        county=county.county,
                        title=f"{month:%Y年%-m月}县级后备干部月度培训：{topic}",
                        level=Level.COUNTY,
                        kind=Kind.COUNTY_MONTHLY,
                        date=day,
                        hours=Decimal(rng.choice(("4.0", "4.0", "6.0", "3.0"))),
                        place=f"中共{county.county.name}委党校",
                        lecturer=rng.choice(("县委党校讲师", "县委组织部干部", "县农业农村局专家", "优秀村党组织书记")),
                        target_tiers=[],
                        has_exam=number % 3 == 2,
                        created_by=county.user,
                    ),
                )
            )
    TrainingSession.objects.bulk_create([s for _, s in sessions])
    result.counts["training_sessions"] = len(sessions)
    by_county: dict[int, list[dict]] = {}
    for person in people:
        by_county.setdefault(person.county, []).append(person.row)
    user_of = [u.pk for u in users]
    statuses, weights = zip(*ATTENDANCE, strict=True)
    cum = [sum(weights[: i + 1]) / sum(weights) for i in range(len(weights))]

    def rows():
        random_ = rng.random
        for index, session in sessions:
            day, exam, user, pk = session.date, session.has_exam, user_of[index], session.pk
            for row in by_county.get(index, ()):
                if row["entered_on"] > day:
                    continue
                end = row["left_on"] or row["seated_on"]
                if end is not None and end <= day:
                    continue
                roll = random_()
                if roll < cum[0]:
                    score = Decimal(rng.randint(600, 990)) / 10 if exam else None
                    yield (pk, row["id"], statuses[0], score, "", user, now, now)
                elif roll < cum[1]:
                    yield (pk, row["id"], statuses[1], None, rng.choice(LEAVE_NOTES), user, now, now)
                else:
                    yield (pk, row["id"], statuses[2], None, "", user, now, now)

    columns = ("session_id", "cadre_id", "status", "exam_score", "note", "recorded_by_id", "created_at", "updated_at")
    result.counts["attendance"] = _copy(Attendance, columns, rows())


# --- subsidies ---------------------------------------------------------------------------


def _subsidies(counties: list[_County], users, today: dt.date, result) -> None:
    """A policy per county from the first training month's year (2,000 yuan a month for
    reserves and key training, 5,000/3,000 for 优秀/称职 in March), and last month's sheet."""
    start = training_months(today)[0].replace(month=1)
    SubsidyPolicy.objects.bulk_create(
        [
            SubsidyPolicy(
                county=c.county,
                effective_from=start,
                monthly_amount=MONTHLY_AMOUNT,
                eligible_tiers=[],
                eligible_statuses=[Status.RESERVE, Status.KEY_TRAINING],
                bonus_excellent=BONUS_EXCELLENT,
                bonus_competent=BONUS_COMPETENT,
                bonus_month=3,
                notes="按市委组织部关于村级后备干部待遇补贴的通知执行。",
                created_by=c.user,
            )
            for c in counties
        ]
    )
    result.counts["subsidy_policies"] = len(counties)
    month = add_months(today.replace(day=1), -1)
    lines = 0
    for county in counties:
        sheet = sheet_compute(county_id=county.county.pk, month=month, user=county.user)
        lines += sheet.lines.count()
    result.counts["subsidy_lines"] = lines
