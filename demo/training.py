"""Training in the demo county (python manage.py load_demo): a year of monthly county
trainings (县级月度培训), a few 雏鹰展翅 sessions for the young, 头雁工程 for the higher tiers
and one township's own session, all with attendance; next month's county training with the
reserves' training needs gathered before it.

The sessions are dated against the day the demo is loaded (the twelve months before this
one), so the training report of last month always has something. Written through
training.services as the demo admin: sessions one by one, each session's attendance and the
needs in one bulk save. Reserves are marked only for sessions held while they were in the
pool (entered before, not yet seated or gone). Loaded only while the county has no session.
"""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from cadre.models import Cadre, Status, Tier
from common.idcard import age_on
from demo import cadre as cadre_demo
from mentorship.dates import add_months
from training.models import Attendance, AttendanceStatus, Kind, Level, Topic, TrainingNeed, TrainingSession
from training.services import attendance_save, needs_save, session_create

SEED = cadre_demo.SEED + 41  # its own stream: the other plans stay as they were
YOUNG_AGE = 35
OFTEN_ABSENT_SHARE = 0.04  # reserves who miss about half the sessions: the report's "who missed"
LEAVE_NOTES = ("外出务工", "家中有事请假", "身体不适", "参加村里防汛值守", "陪同家人就医", "")
MONTHLY_TOPICS = (
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
LECTURERS = ("县委党校 王立新", "县委组织部 陈晓红", "县农业农村局 周建华", "县司法局 唐明", "城关镇城东社区 刘海波")
# (kind, title, months ago, hours, target tiers, townships (indexes) or None for all, exam)
SPECIAL = (
    (Kind.YOUNG_EAGLE, "“雏鹰展翅”青年后备干部能力提升班（第一期）", 10, "6.0", [], (0, 1, 2), True),
    (Kind.YOUNG_EAGLE, "“雏鹰展翅”青年后备干部能力提升班（第二期）", 6, "6.0", [], (3, 4), True),
    (Kind.YOUNG_EAGLE, "“雏鹰展翅”青年后备干部能力提升班（第三期）", 2, "6.0", [], (5, 6), True),
    (Kind.LEAD_GOOSE, "“头雁工程”村级后备力量专题培训", 8, "8.0", [Tier.TOWNSHIP, Tier.COUNTY], None, False),
    (Kind.LEAD_GOOSE, "“头雁工程”乡村振兴实务研修", 3, "8.0", [Tier.TOWNSHIP, Tier.COUNTY], None, True),
)
TOWNSHIP_SESSION = ("城关镇后备干部网格化管理实务培训", 4, "3.0")
NEEDS_SHARE = 0.65  # of next month's targets who stated a need before the deadline
NEED_DETAILS = ("希望多讲实际案例", "想学习短视频拍摄剪辑", "希望到先进村现场教学", "", "", "")


@dataclass
class TrainingResult:
    sessions: int = 0
    attendance: int = 0
    needs: int = 0

    @property
    def created_anything(self) -> bool:
        return bool(self.sessions)

    def summary(self) -> str:
        """What this run created, for load_demo."""
        return f"培训班次{self.sessions}个、培训考勤{self.attendance}条、培训需求{self.needs}条"


class TrainingDemo:
    """Creates the sessions and their attendance at the end, once every reserve is loaded
    (only when the county has no training session yet)."""

    def __init__(self, cadres: cadre_demo.CadreDemo):
        self.admin = cadres.admin
        self.county = cadres.county
        self.townships = [cadres.townships[name] for name, _villages in cadre_demo.TOWNSHIPS]
        self.load = not TrainingSession.objects.filter(county=cadres.county).exists()
        self.result = TrainingResult()

    def cadre_created(self, cadre: Cadre) -> None:
        pass  # attendance is taken once everyone is in

    def finish(self) -> TrainingResult:
        if not self.load:
            return self.result
        rng = random.Random(SEED)
        today = timezone.localdate()
        reserves = list(
            Cadre.objects.filter(village__township__county=self.county)
            .exclude(status=Status.LEFT)  # the service marks only those still in the pool
            .select_related("village")
            .order_by("pk")
        )
        often_absent = {c.pk for c in reserves if rng.random() < OFTEN_ABSENT_SHARE}
        this_month = today.replace(day=1)
        for number in range(12, 0, -1):
            month = add_months(this_month, -number)
            topic = MONTHLY_TOPICS[(month.month - 1) % len(MONTHLY_TOPICS)]
            session = self._session(
                rng,
                title=f"{month.year}年{month.month}月县级后备干部月度培训：{topic}",
                kind=Kind.COUNTY_MONTHLY,
                day=self._day(rng, month, today),
                hours="4.0",
                has_exam=month.month % 3 == 0,
            )
            self._attendance(rng, session, reserves, often_absent)
        for kind, title, months_ago, hours, tiers, townships, exam in SPECIAL:
            session = self._session(
                rng,
                title=title,
                kind=kind,
                day=self._day(rng, add_months(this_month, -months_ago), today),
                hours=hours,
                has_exam=exam,
                tiers=tiers,
                townships=[self.townships[i] for i in townships] if townships else None,
            )
            young_only = kind == Kind.YOUNG_EAGLE
            self._attendance(rng, session, reserves, often_absent, young_only=young_only)
        title, months_ago, hours = TOWNSHIP_SESSION
        session = self._session(
            rng,
            title=title,
            kind=Kind.OTHER,
            day=self._day(rng, add_months(this_month, -months_ago), today),
            hours=hours,
            has_exam=False,
            organizer=self.townships[0],
        )
        self._attendance(rng, session, reserves, often_absent)
        self._next_session(rng, this_month, reserves)
        return self.result

    @staticmethod
    def _day(rng: random.Random, month: dt.date, today: dt.date) -> dt.date:
        """A weekday in the middle of the month, never after today."""
        day = month.replace(day=rng.randint(10, 20))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        return min(day, today)

    def _session(
        self, rng, *, title, kind, day, hours, has_exam, tiers=(), townships=None, organizer=None, needs_deadline=None
    ):
        data = {
            "title": title,
            "level": Level.TOWNSHIP if organizer else Level.COUNTY,
            "kind": kind,
            "organizer": organizer,
            "date": day,
            "hours": Decimal(hours),
            "place": f"{organizer.name}党委会议室" if organizer else "中共青山县委党校",
            "lecturer": rng.choice(LECTURERS),
            "target_tiers": list(tiers),
            "has_exam": has_exam,
            "target_townships": townships,
            "needs_deadline": needs_deadline,
        }
        session = session_create(user=self.admin, data=data)
        self.result.sessions += 1
        return session

    def _targets(self, session: TrainingSession, reserves: list[Cadre], young_only: bool = False) -> list[Cadre]:
        """The reserves the session is for who were in the pool on its day."""
        townships = set(session.target_townships.values_list("pk", flat=True))
        if session.organizer_id and not townships:
            townships = {session.organizer_id}
        day = session.date
        return [
            c
            for c in reserves
            if (not townships or c.village.township_id in townships)
            and (not session.target_tiers or c.tier in session.target_tiers)
            and c.entered_on <= day
            and (c.seated_on is None or c.seated_on > day)
            and (not young_only or age_on(c.birth_date, day) < YOUNG_AGE)
        ]

    def _attendance(self, rng, session, reserves, often_absent, *, young_only: bool = False) -> None:
        rows = []
        for cadre in self._targets(session, reserves, young_only):
            roll = rng.random()
            if cadre.pk in often_absent:
                roll = roll * 0.5 + 0.5  # present about half the time
            if roll < 0.88:
                score = Decimal(rng.randint(62, 99)) if session.has_exam and rng.random() < 0.95 else None
                rows.append({"cadre": cadre, "status": AttendanceStatus.PRESENT, "exam_score": score})
            elif roll < 0.95:
                rows.append({"cadre": cadre, "status": AttendanceStatus.LEAVE, "note": rng.choice(LEAVE_NOTES)})
            else:
                rows.append({"cadre": cadre, "status": AttendanceStatus.ABSENT})
        attendance_save(user=self.admin, session=session, rows=rows)
        self.result.attendance += len(rows)

    def _next_session(self, rng: random.Random, this_month: dt.date, reserves: list[Cadre]) -> None:
        """Next month's county training, its needs gathered until ten days before it."""
        month = add_months(this_month, 1)
        day = month.replace(day=15)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        session = self._session(
            rng,
            title=f"{month.year}年{month.month}月县级后备干部月度培训（需求征集中）",
            kind=Kind.COUNTY_MONTHLY,
            day=day,
            hours="4.0",
            has_exam=False,
            needs_deadline=day - dt.timedelta(days=10),
        )
        topics = Topic.values[:-1]  # 其他 only with details
        weights = [5, 6, 5, 4, 7, 5, 6, 3, 3, 2]
        rows = []
        for cadre in reserves:
            if cadre.status not in (Status.RESERVE, Status.KEY_TRAINING) or rng.random() >= NEEDS_SHARE:
                continue
            chosen = set(rng.choices(topics, weights=weights, k=rng.randint(1, 3)))
            rows.append({"cadre": cadre, "topics": sorted(chosen), "details": rng.choice(NEED_DETAILS)})
        self.result.needs += needs_save(user=self.admin, session=session, rows=rows)

    @staticmethod
    def report() -> str:
        """What the demo county's training holds now, for load_demo."""
        sessions = TrainingSession.objects.filter(county__name=cadre_demo.DEMO_COUNTY)
        if not sessions.exists():
            return "培训：暂无培训班次。"
        attendance = Attendance.objects.filter(session__in=sessions)
        by_status = dict(attendance.values_list("status").annotate(n=Count("pk")).order_by())
        shown = "、".join(f"{label}{by_status.get(value, 0)}人次" for value, label in AttendanceStatus.choices)
        needs = TrainingNeed.objects.filter(session__in=sessions).count()
        return f"培训：培训班次{sessions.count()}个，考勤{sum(by_status.values())}人次（{shown}），培训需求{needs}条。"
