"""A realistic demo county for trying the system out (python manage.py load_demo): its
townships and villages, the demo users, the villages' seat holders and the reserve cadres.

Everything is drawn from a fixed random seed against a fixed reference date, so the same
people, ID numbers and seats come out on every machine and every day. Loading is
idempotent: villages are found by name, cadres by ID number and users by username, and
what exists is left alone. Cadres are created and moved along their lifecycle through
cadre.services with the demo admin as the acting user, so the rules and the history hold.

This is the first of the demo's builders (see demo.loader): the others build on it and
hear of each cadre it creates; it imports none of them.
"""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Permission
from django.db.models import Count

from accounts.models import Role, User
from accounts.services import split_chinese_name
from cadre.models import Cadre, Education, PoliticalStatus, Source, Status, Tier
from cadre.services import cadre_change_status, cadre_create
from common.idcard import check_digit
from org.models import STANDARD_SEATS, County, Seat, SeatPost, Township, Village
from org.services import village_get_or_create

DEMO_PASSWORD = "demo-Pass-2026"
DEMO_COUNTY = "青山县"
SEED = 20260101
# Ages and dates are reckoned from this day, never from today, so that ID numbers (which
# carry the birth date) stay the same whenever the demo is loaded.
REFERENCE_DATE = dt.date(2026, 6, 30)

TOWNSHIPS = (
    (
        "城关镇",
        (
            "城东社区",
            "城西社区",
            "城南社区",
            "城北社区",
            "河街社区",
            "新塘社区",
            "枫树村",
            "石桥村",
            "八里村",
            "杨家村",
        ),
    ),
    (
        "白水镇",
        (
            "白水社区",
            "塘湾村",
            "竹山村",
            "柳林村",
            "上坪村",
            "下坪村",
            "长冲村",
            "岩口村",
            "金盆村",
            "大塘村",
            "罗家村",
        ),
    ),
    (
        "黄泥塘镇",
        ("黄泥塘社区", "狮子岭村", "双井村", "高峰村", "荷叶村", "田心村", "周家坪村", "石枧村", "马鞍村"),
    ),
    (
        "龙山乡",
        ("龙山村", "龙井村", "青龙村", "桐木村", "茶园村", "花桥村", "水口村", "梨树村", "石笋村", "坪上村"),
    ),
    (
        "石门镇",
        (
            "石门社区",
            "石门村",
            "凤凰村",
            "松坡村",
            "中和村",
            "沙洲村",
            "柏树村",
            "新屋村",
            "黎家村",
            "古城村",
            "河源村",
        ),
    ),
    (
        "新田镇",
        (
            "新田社区",
            "新田村",
            "大兴村",
            "合兴村",
            "和平村",
            "太平村",
            "五一村",
            "光明村",
            "燕塘村",
            "鹿鸣村",
        ),
    ),
    ("梅溪乡", ("梅溪村", "梅林村", "溪口村", "桃园村", "杉木村", "洞口村", "金竹村", "白竹村", "莲花村")),
)

# (username, role, township or None, full name, staff)
DEMO_USERS = (
    ("admin", Role.COUNTY, None, "周志刚", True),
    ("county", Role.COUNTY, None, "李红梅", True),
    ("leader", Role.LEADER, None, "陈国华", False),
    ("town01", Role.TOWNSHIP, "城关镇", "刘建军", False),
    ("town02", Role.TOWNSHIP, "白水镇", "唐海燕", False),
    ("town03", Role.TOWNSHIP, "黄泥塘镇", "蒋志勇", False),
    ("town04", Role.TOWNSHIP, "龙山乡", "邓丽华", False),
    ("town05", Role.TOWNSHIP, "石门镇", "彭卫东", False),
    ("town06", Role.TOWNSHIP, "新田镇", "曾小兰", False),
    ("town07", Role.TOWNSHIP, "梅溪乡", "谭春生", False),
)

# Surnames common in southern Hunan, roughly weighted by frequency.
SURNAMES = (
    ("李", 8),
    ("王", 6),
    ("张", 6),
    ("刘", 7),
    ("陈", 7),
    ("杨", 5),
    ("黄", 4),
    ("周", 5),
    ("吴", 3),
    ("唐", 6),
    ("蒋", 5),
    ("邓", 5),
    ("彭", 4),
    ("曾", 4),
    ("谭", 4),
    ("肖", 3),
    ("罗", 4),
    ("胡", 3),
    ("赵", 2),
    ("何", 3),
    ("邹", 2),
    ("雷", 2),
    ("廖", 3),
    ("龙", 2),
    ("伍", 2),
    ("贺", 2),
    ("钟", 2),
    ("欧阳", 2),
    ("文", 2),
    ("蒋", 1),
    ("秦", 1),
    ("盘", 1),
    ("奉", 1),
    ("伍", 1),
    ("易", 2),
    ("石", 1),
    ("郑", 2),
    ("朱", 2),
    ("何", 1),
    ("田", 1),
)
MALE_CHARS = "伟强军勇杰涛斌磊鹏超明华林峰浩宇俊辉志建文亮波刚平海东晨阳凯龙飞新成洪兵旭锋威振德福"
FEMALE_CHARS = "芳娟敏静丽艳霞燕玲婷娜慧琴红梅兰萍雪颖莉欣倩晶佳月春秀凤云丹璐瑶琳桂"
NEUTRAL_CHARS = "小永国立思子嘉一家晓金玉昌运启"

REGION_CODES = (("431121", 70), ("431122", 10), ("431103", 8), ("431102", 6), ("431126", 6))
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 155 157 158 159 173 176 177 180 181 "
    "182 183 186 187 188 189 191 199".split()
)

AGE_BANDS = (((22, 29), 30), ((30, 34), 33), ((35, 40), 24), ((41, 45), 10), ((46, 50), 3))
EDUCATION_YOUNG = (
    (Education.JUNIOR, 4),
    (Education.SENIOR, 26),
    (Education.COLLEGE, 38),
    (Education.BACHELOR, 29),
    (Education.POSTGRADUATE, 3),
)
EDUCATION_OLDER = (
    (Education.JUNIOR, 14),
    (Education.SENIOR, 42),
    (Education.COLLEGE, 30),
    (Education.BACHELOR, 13),
    (Education.POSTGRADUATE, 1),
)
POLITICAL = (
    (PoliticalStatus.MEMBER, 38),
    (PoliticalStatus.PROBATIONARY, 8),
    (PoliticalStatus.ACTIVIST, 16),
    (PoliticalStatus.APPLICANT, 12),
    (PoliticalStatus.LEAGUE, 12),
    (PoliticalStatus.MASSES, 14),
)
SOURCES = (
    (Source.RETURNED_MIGRANT, 25),
    (Source.RETURNED_GRADUATE, 15),
    (Source.VETERAN, 12),
    (Source.BUSINESS_LEADER, 14),
    (Source.LOCAL_TALENT, 12),
    (Source.VOLUNTEER, 8),
    (Source.GROUP_LEADER, 10),
    (Source.OTHER, 4),
)
TIERS = ((Tier.VILLAGE, 80), (Tier.TOWNSHIP, 15), (Tier.COUNTY, 5))
# Per source: (current jobs, specialties)
WORK = {
    Source.RETURNED_MIGRANT: (
        ("返乡务工人员", "个体工商户", "建筑工程队负责人", "物流配送站站长", "家庭农场主"),
        ("建筑", "种养殖", "物流", "机械维修", "驾驶", "电工"),
    ),
    Source.RETURNED_GRADUATE: (
        ("电商创业者", "村务专干", "农产品网店店主", "民宿经营者", "村级电商服务站负责人"),
        ("电商", "财会", "计算机", "新媒体运营", "乡村旅游", "直播带货"),
    ),
    Source.VETERAN: (
        ("退役军人服务站专干", "村治安巡防队长", "应急民兵排长", "个体工商户"),
        ("安全生产", "治安调解", "驾驶", "应急救援", "森林防火"),
    ),
    Source.BUSINESS_LEADER: (
        ("种养殖大户", "专业合作社理事长", "家庭农场主", "油茶加工厂负责人", "农资店店主"),
        ("种养殖", "油茶种植", "生猪养殖", "水产养殖", "农产品加工", "柑橘种植"),
    ),
    Source.LOCAL_TALENT: (
        ("农技员", "乡村医生", "村小教师", "木工", "农机手"),
        ("农技推广", "中医药", "文艺宣传", "农机维修", "茶叶种植", "中药材种植"),
    ),
    Source.VOLUNTEER: (
        ("村网格员", "志愿服务队队长", "党员突击队队员", "公益性岗位人员"),
        ("群众工作", "文艺宣传", "应急救援", "信息统计"),
    ),
    Source.GROUP_LEADER: (
        ("村民小组长",),
        ("群众工作", "矛盾调解", "种养殖", "土地流转"),
    ),
    Source.OTHER: (
        ("村务专干", "村文书", "村报账员", "公益性岗位人员"),
        ("财会", "文字材料", "信息统计", "计算机"),
    ),
}
NOTES = (
    "2021年村级换届时列入后备人选。",
    "参加县级“雏鹰展翅”青年干部培训，出勤良好。",
    "疫情防控期间在卡点值守，表现突出。",
    "拟推荐到乡镇跟班学习一个月。",
    "已结对导师，每季度开展一次谈心谈话。",
    "带动周边农户发展油茶种植200余亩。",
    "在网格化管理中表现积极，群众评价好。",
    "参加农民大学生学历提升计划。",
    "在拆违专班中担任政策宣传员。",
    "年度考核“优秀”，列入重点关注对象。",
)
LEFT_REASONS = (
    "考录为乡镇公务员",
    "考取事业单位",
    "外出务工，无法正常履职",
    "迁居外地",
    "个人原因申请退出",
    "年度考核不称职",
)
# Where seated reserves went, weighted as in the field reports (mostly branch committee).
SEATED_POSTS = (
    ((SeatPost.BRANCH_MEMBER, 1), 30),
    ((SeatPost.BRANCH_MEMBER, 2), 25),
    ((SeatPost.COMMITTEE_MEMBER, 1), 15),
    ((SeatPost.COMMITTEE_MEMBER, 2), 15),
    ((SeatPost.DEPUTY_SECRETARY, 1), 12),
    ((SeatPost.SECRETARY, 1), 3),
)
# Reserves per village: most have about five, a few are short (储备不足).
CADRES_PER_VILLAGE = ((2, 2), (3, 6), (4, 15), (5, 30), (6, 25), (7, 15), (8, 7))


@dataclass
class CadrePlan:
    township: str
    village: str
    data: dict
    status: str = Status.RESERVE
    key_training_on: dt.date | None = None
    seat_key: tuple[int, int] | None = None
    seated_on: dt.date | None = None
    left_on: dt.date | None = None
    left_reason: str = ""
    entered_on: dt.date | None = None  # 列入后备时间, see _entry_dates


@dataclass
class DemoPlan:
    # (township, village) -> {(post, number): (holder_name, holder_since) or None if vacant}
    seats: dict = field(default_factory=dict)
    cadres: list[CadrePlan] = field(default_factory=list)


@dataclass
class CadreResult:
    townships_created: int = 0
    villages_created: int = 0
    county_created: bool = False
    seats_filled: int = 0
    cadres_created: int = 0
    status_counts: dict = field(default_factory=dict)
    users_created: int = 0
    logins: list = field(default_factory=list)  # (username, role label, unit, name, password note)

    @property
    def created_anything(self) -> bool:
        return bool(
            self.county_created
            or self.townships_created
            or self.villages_created
            or self.seats_filled
            or self.cadres_created
            or self.users_created
        )

    def summary(self) -> str:
        """What this run created, for load_demo."""
        sc = self.status_counts
        return (
            f"新增县(区){int(self.county_created)}个、"
            f"乡镇(街道){self.townships_created}个、村(社区){self.villages_created}个，"
            f"填写两委现任{self.seats_filled}人；新增后备干部{self.cadres_created}名"
            f"（储备中{sc.get(Status.RESERVE, 0)}名、重点培养{sc.get(Status.KEY_TRAINING, 0)}名、"
            f"已进入两委{sc.get(Status.SEATED, 0)}名、已退出{sc.get(Status.LEFT, 0)}名）；"
            f"新增用户{self.users_created}个"
        )


@dataclass
class CadreDemo:
    """The county once its units and users are loaded: what the builders after this one
    (see demo.loader) are made with."""

    plan: DemoPlan
    result: CadreResult
    county: County
    townships: dict  # name -> Township
    villages: dict  # (township name, village name) -> Village
    admin: User


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _person_name(rng: random.Random, male: bool) -> str:
    surname = _pick(rng, SURNAMES)
    pool = MALE_CHARS if male else FEMALE_CHARS
    if rng.random() < 0.25:
        return surname + rng.choice(pool)
    first = rng.choice(NEUTRAL_CHARS + pool) if rng.random() < 0.4 else rng.choice(pool)
    second = rng.choice(pool)
    while second == first:
        second = rng.choice(pool)
    return surname + first + second


def demo_plan() -> DemoPlan:
    """Everything the demo holds, decided without looking at the database."""
    rng = random.Random(SEED)
    plan = DemoPlan()
    used_ids: set[str] = set()
    for township, villages in TOWNSHIPS:
        for village in villages:
            cadres = [_cadre_plan(rng, township, village, used_ids) for _ in range(_pick(rng, CADRES_PER_VILLAGE))]
            reserved = _lifecycle_plan(rng, cadres)
            plan.seats[(township, village)] = _seat_plan(rng, reserved)
            plan.cadres.extend(cadres)
    _entry_dates(plan.cadres)
    return plan


# When the reserves entered the pool (列入后备时间): most at the 2021 village elections, the
# rest spread over the years since, a few this year (their first subsidy month is a part month).
ELECTION_ENTRY = (dt.date(2021, 1, 5), dt.date(2021, 4, 30))
RECENT_ENTRY = (dt.date(2026, 1, 6), dt.date(2026, 6, 20))


def _entry_dates(cadres: list[CadrePlan]) -> None:
    """Each cadre's entry into the pool, from its own random stream (the people stay as they
    were), before any of its lifecycle dates and after its eighteenth birthday."""
    rng = random.Random(SEED + 31)
    for cadre in cadres:
        birth = cadre.data["birth_date"]
        earliest = max(dt.date(2018, 3, 1), birth.replace(year=birth.year + 18, day=min(birth.day, 28)))
        latest = min(d for d in (cadre.key_training_on, cadre.seated_on, cadre.left_on, REFERENCE_DATE) if d)
        roll = rng.random()
        if roll < 0.07 and cadre.status == Status.RESERVE:
            start, end = RECENT_ENTRY
        elif roll < 0.6:
            start, end = ELECTION_ENTRY
        else:
            start, end = earliest, latest
        start, end = max(start, earliest), min(end, latest)
        cadre.entered_on = _date_between(rng, start, end) if start <= end else min(earliest, latest)


def _cadre_plan(rng: random.Random, township: str, village: str, used_ids: set[str]) -> CadrePlan:
    return CadrePlan(township=township, village=village, data=person_data(rng, used_ids))


def person_data(
    rng: random.Random, used_ids: set[str], *, regions=REGION_CODES, today: dt.date = REFERENCE_DATE
) -> dict:
    """One reserve cadre's personal data drawn from the pools: a valid ID number (unique
    among ``used_ids``, which it extends) agreeing with the birth date and gender, an age,
    education, political status and source mix like the field reports'. Ages and dates are
    reckoned from ``today``; ``regions`` weighs the ID numbers' region codes. demo.province
    draws its reserves with it too."""
    male = rng.random() < 0.68
    low, high = _pick(rng, AGE_BANDS)
    age = rng.randint(low, high)
    birth = today - dt.timedelta(days=int(age * 365.25) + rng.randint(1, 364))
    while True:
        first17 = f"{_pick(rng, regions)}{birth:%Y%m%d}{rng.randrange(0, 500) * 2 + (1 if male else 0):03d}"
        id_number = first17 + check_digit(first17)
        if id_number not in used_ids:
            used_ids.add(id_number)
            break

    education = _pick(rng, EDUCATION_YOUNG if age < 35 else EDUCATION_OLDER)
    political = _pick(rng, POLITICAL)
    if political == PoliticalStatus.LEAGUE and age >= 28:  # the Youth League ends at 28
        political = PoliticalStatus.APPLICANT if rng.random() < 0.5 else PoliticalStatus.MASSES
    elif age < 28 and political == PoliticalStatus.MASSES:  # the young are mostly in the League
        political = PoliticalStatus.LEAGUE
    party_joined_on = None
    if political == PoliticalStatus.MEMBER:
        joined_age = rng.randint(19, max(19, min(age - 2, 32)))
        party_joined_on = _date_between(
            rng,
            birth + dt.timedelta(days=int(joined_age * 365.25) + 1),
            today - dt.timedelta(days=400),
        )
    elif political == PoliticalStatus.PROBATIONARY:
        party_joined_on = today - dt.timedelta(days=rng.randint(30, 330))

    source = _pick(rng, SOURCES)
    if source == Source.RETURNED_GRADUATE and education not in (
        Education.COLLEGE,
        Education.BACHELOR,
        Education.POSTGRADUATE,
    ):
        source = Source.RETURNED_MIGRANT
    jobs, skills = WORK[source]
    specialty = "、".join(rng.sample(skills, k=rng.choice((1, 1, 2))))
    data = {
        "name": _person_name(rng, male),
        "ethnicity": "瑶族" if rng.random() < 0.05 else "汉族",
        "id_number": id_number,
        "birth_date": birth,
        "gender": "M" if male else "F",
        "phone": (rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}") if rng.random() < 0.95 else "",
        "education": education,
        "political_status": political,
        "party_joined_on": party_joined_on,
        "source": source,
        "tier": _pick(rng, TIERS),
        "current_job": rng.choice(jobs),
        "specialty": specialty,
        "notes": rng.choice(NOTES) if rng.random() < 0.25 else "",
    }
    return data


def _lifecycle_plan(rng: random.Random, cadres: list[CadrePlan]) -> set[tuple[int, int]]:
    """Give a village's cadres their statuses: about 15% key training, 5% seated (at most
    one per village, on a seat kept vacant for them), 3% left. Returns the seats kept."""
    reserved: set[tuple[int, int]] = set()
    for cadre in cadres:
        roll = rng.random()
        if roll < 0.15:
            cadre.status = Status.KEY_TRAINING
            cadre.key_training_on = _date_between(rng, dt.date(2024, 3, 1), dt.date(2026, 4, 30))
        elif roll < 0.20 and not reserved:
            cadre.status = Status.SEATED
            cadre.key_training_on = _date_between(rng, dt.date(2023, 3, 1), dt.date(2024, 6, 30))
            cadre.seat_key = _pick(rng, SEATED_POSTS)
            cadre.seated_on = _date_between(rng, dt.date(2024, 9, 1), dt.date(2026, 5, 31))
            reserved.add(cadre.seat_key)
        elif roll < 0.23:
            cadre.status = Status.LEFT
            cadre.left_on = _date_between(rng, dt.date(2024, 1, 1), dt.date(2026, 5, 31))
            cadre.left_reason = rng.choice(LEFT_REASONS)
    return reserved


def _seat_plan(rng: random.Random, reserved: set[tuple[int, int]]) -> dict:
    seats = {}
    secretary = None
    for post, count in STANDARD_SEATS:
        for number in range(1, count + 1):
            key = (int(post), number)
            if key in reserved or rng.random() < 0.09:
                seats[key] = None
                continue
            if rng.random() < 0.75:  # elected at the 2021 village elections
                since = _date_between(rng, dt.date(2021, 1, 5), dt.date(2021, 3, 31))
            else:
                since = _date_between(rng, dt.date(2021, 6, 1), dt.date(2025, 12, 31))
            name = _person_name(rng, rng.random() < 0.75)
            if post == SeatPost.SECRETARY:
                secretary = (name, since)
            elif post == SeatPost.DIRECTOR and secretary and rng.random() < 0.8:
                # Secretary and director are usually one person (书记、主任"一肩挑").
                name, since = secretary
            seats[key] = (name, since)
    return seats


def _demo_users(county: County, townships: dict[str, Township], result: CadreResult) -> User:
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow by design
    admin = None
    for username, role, township_name, full_name, staff in DEMO_USERS:
        township = townships.get(township_name) if township_name else None
        user = User.objects.filter(username=username).select_related("county", "township").first()
        password_note = "（原有账号，未重置密码）"
        if user is None:
            last_name, first_name = split_chinese_name(full_name)
            user = User(
                username=username,
                role=role,
                county=county,
                township=township,
                first_name=first_name,
                last_name=last_name,
                password=password_hash,
                is_staff=staff,
                is_superuser=username == "admin",
            )
            user.full_clean()
            user.save()
            if username == "county":
                user.user_permissions.set(
                    Permission.objects.filter(
                        content_type__app_label__in=[
                            "org",
                            "cadre",
                            "mentorship",
                            "assessment",
                            "training",
                            "subsidies",
                            "reports",
                        ],
                        codename__regex=r"^(view|add|change)_",
                    )
                )
            result.users_created += 1
            password_note = DEMO_PASSWORD
        unit = user.township.name if user.township_id else (user.county.name if user.county_id else "全部")
        result.logins.append(
            (
                user.username,
                Role(user.role).label + ("（超级管理员）" if user.is_superuser else ""),
                unit,
                user.last_name + user.first_name,
                password_note,
            )
        )
        if username == "admin":
            admin = user
    return admin


def load_units_and_users() -> CadreDemo:
    """Load the county's townships and villages and the demo users."""
    plan = demo_plan()
    result = CadreResult()

    result.county_created = not County.objects.filter(name=DEMO_COUNTY).exists()
    existing_townships = set(Township.objects.filter(county__name=DEMO_COUNTY).values_list("name", flat=True))
    villages = {}
    for township_name, village_names in TOWNSHIPS:
        for village_name in village_names:
            village, created = village_get_or_create(
                county_name=DEMO_COUNTY, township_name=township_name, village_name=village_name
            )
            villages[(township_name, village_name)] = village
            result.villages_created += created
    result.townships_created = len({t for t, _ in TOWNSHIPS} - existing_townships)
    county = County.objects.get(name=DEMO_COUNTY)
    townships = {t.name: t for t in Township.objects.filter(county=county)}

    admin = _demo_users(county, townships, result)
    return CadreDemo(plan=plan, result=result, county=county, townships=townships, villages=villages, admin=admin)


def load_cadres(demo: CadreDemo, listeners=()) -> CadreResult:
    """Fill the vacant seats and create the new cadres, moving each along its lifecycle.
    Each of ``listeners`` (the builders after this one) hears of each new cadre through its
    ``cadre_created`` while the cadre is still a reserve."""
    plan, result, villages, admin = demo.plan, demo.result, demo.villages, demo.admin

    # Seat holders: only vacant seats are filled, so a re-run changes nothing.
    seats = {(s.village_id, s.post, s.number): s for s in Seat.objects.filter(village__in=villages.values())}
    filled = []
    for unit_key, seat_plan in plan.seats.items():
        village = villages[unit_key]
        for (post, number), holder in seat_plan.items():
            seat = seats.get((village.pk, post, number))
            if holder and seat is not None and seat.is_vacant:
                seat.holder_name, seat.holder_since = holder
                filled.append(seat)
    Seat.objects.bulk_update(filled, ["holder_name", "holder_since"])
    result.seats_filled = len(filled)

    existing_ids = set(
        Cadre.objects.filter(id_number__in=[c.data["id_number"] for c in plan.cadres]).values_list(
            "id_number", flat=True
        )
    )
    status_counts = dict.fromkeys(Status.values, 0)
    for cadre_plan in plan.cadres:
        if cadre_plan.data["id_number"] in existing_ids:
            continue
        village = villages[(cadre_plan.township, cadre_plan.village)]
        cadre = cadre_create(user=admin, data={**cadre_plan.data, "village": village})
        cadre = _set_entry_date(cadre, cadre_plan.entered_on)
        for listener in listeners:  # while still a reserve: pairings start before any seat
            listener.cadre_created(cadre)
        seat = seats.get((village.pk, *cadre_plan.seat_key)) if cadre_plan.seat_key else None
        cadre = _apply_lifecycle(admin, cadre, cadre_plan, seat)
        status_counts[cadre.status] += 1
        result.cadres_created += 1
    result.status_counts = status_counts
    return result


def _set_entry_date(cadre: Cadre, entered_on: dt.date) -> Cadre:
    """The planned entry into the pool: cadre_create enters a new reserve today, as a form
    does; the demo's reserves entered over the past years, and their record says so from the
    start (the history's creation record too)."""
    Cadre.objects.filter(pk=cadre.pk).update(entered_on=entered_on)
    Cadre.history.filter(id=cadre.pk).update(entered_on=entered_on)
    cadre.entered_on = entered_on
    return cadre


def _apply_lifecycle(admin: User, cadre: Cadre, plan: CadrePlan, seat: Seat | None) -> Cadre:
    if plan.key_training_on:
        cadre = cadre_change_status(user=admin, cadre=cadre, to=Status.KEY_TRAINING, on=plan.key_training_on)
    if plan.status == Status.SEATED:
        if seat is not None:
            seat.refresh_from_db()
        if seat is not None and seat.is_vacant:
            cadre = cadre_change_status(user=admin, cadre=cadre, to=Status.SEATED, on=plan.seated_on, seat=seat)
    elif plan.status == Status.LEFT:
        cadre = cadre_change_status(user=admin, cadre=cadre, to=Status.LEFT, on=plan.left_on, reason=plan.left_reason)
    return cadre


def report() -> str:
    """What the demo county holds now, for load_demo."""
    townships = Township.objects.filter(county__name=DEMO_COUNTY).count()
    villages = Village.objects.filter(township__county__name=DEMO_COUNTY)
    cadres = Cadre.objects.filter(village__township__county__name=DEMO_COUNTY)
    by_status = dict(cadres.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    vacant = Seat.objects.filter(village__in=villages).vacant().count()
    return (
        f"{DEMO_COUNTY}现有：乡镇(街道){townships}个，村(社区){villages.count()}个，"
        f"空缺两委职位{vacant}个，后备干部{sum(by_status.values())}名"
        f"（" + "、".join(f"{s.label}{by_status[s]}名" for s in Status if by_status.get(s)) + "）。"
    )
