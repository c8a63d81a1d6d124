"""The demo county's frontline assignments (一线历练) and typical deeds: about two in five
reserves tested on the front line in the last eighteen months, a few 跟班学习 too short,
some deeds, some of them marked for publicity. Written through assessment.services, dated
back from the day the demo is loaded."""

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from assessment.models import Assignment, Deed, Evaluation
from assessment.services import assignment_create, builtin_kinds, deed_create, deed_set_publicized
from cadre.models import Cadre
from demo import cadre as cadre_demo

SEED = cadre_demo.SEED + 11  # its own stream: the other plans stay as they were
SHARE = 0.4  # of the reserves created, given assignments
# kind: (weight, host units ({t}: township, {v}: village), roles, days (shortest, longest), full-time share)
KINDS = {
    "卡口值守": (10, ["{t}疫情防控卡口", "{t}高速出口检查点"], ["治安联防员", "信息员"], (14, 45), 1.0),
    "宣传排查": (12, ["{t}防返贫监测排查组", "{t}人口普查工作组"], ["政策宣传员", "信息员"], (20, 60), 0.5),
    "监测点值守": (6, ["{t}防汛监测点", "{t}森林防火监测点"], ["信息员"], (15, 40), 1.0),
    "居家隔离服务保障": (5, ["{v}居家隔离服务专班"], ["联络员", "政策宣传员"], (14, 30), 1.0),
    "专班（抗疫/拆违/腾退等）": (
        10,
        ["县拆违控违专班", "县重点项目征拆腾退专班"],
        ["参谋员", "联络员"],
        (30, 120),
        1.0,
    ),
    "网格化管理": (14, ["{t}网格化服务管理中心"], ["网格员", "信息员"], (60, 240), 0.3),
    "跟班学习": (16, ["县农业农村局", "县乡村振兴局", "县委组织部", "{t}党政综合办"], ["参谋员"], (18, 60), 1.0),
    "挂职锻炼": (8, ["{t}经济发展办", "{t}社会事务办"], ["参谋员"], (90, 180), 1.0),
    "企业服务": (6, ["县工业园区企业服务专班"], ["联络员"], (30, 90), 0.5),
}
DEEDS = (
    ("主动请缨坚守一线", "连续{n}天坚守岗位，带动身边党员群众参与志愿服务，得到带队领导肯定。"),
    ("化解矛盾纠纷", "走访群众{n}户，协助化解邻里纠纷3起，做到小事不出村。"),
    ("排查风险隐患", "逐户排查，发现并上报风险隐患{n}处，均已跟踪整改到位。"),
    ("政策宣传进万家", "组织政策宣讲{n}场次，发放宣传资料，群众知晓率明显提高。"),
)


@dataclass
class AssignmentResult:
    assignments_created: int = 0
    deeds_created: int = 0
    publicized: int = 0
    reserves: list[Cadre] = field(default_factory=list)

    @property
    def created_anything(self) -> bool:
        return bool(self.assignments_created)

    def summary(self) -> str:
        """What this run created, for load_demo."""
        return f"一线历练{self.assignments_created}条、典型事迹{self.deeds_created}条（推荐宣传{self.publicized}条）"


class AssignmentDemo:
    """Hears of every reserve the cadre builder creates and, at the end, records the
    assignments of about two in five (only when the county has none yet)."""

    def __init__(self, cadres: cadre_demo.CadreDemo):
        self.admin = cadres.admin
        self.county = cadres.county
        self.load = not Assignment.objects.filter(cadre__village__township__county=cadres.county).exists()
        self.result = AssignmentResult()
        self.kinds = builtin_kinds()

    def cadre_created(self, cadre: Cadre) -> None:
        if self.load:
            self.result.reserves.append(cadre)

    def finish(self) -> AssignmentResult:
        if not self.load:
            return self.result
        rng = random.Random(SEED)
        today = timezone.localdate()
        names, weights = list(KINDS), [spec[0] for spec in KINDS.values()]
        # The cadres created in this run, or, on a demo loaded before assignments existed,
        # the county's cadres as they are.
        reserves = self.result.reserves or list(
            Cadre.objects.filter(village__township__county=self.county)
            .select_related("village__township")
            .order_by("pk")
        )
        for cadre in reserves:
            if rng.random() >= SHARE:
                continue
            start = today - dt.timedelta(days=rng.randint(200, 540))
            for _ in range(rng.choice((1, 1, 2))):
                name = rng.choices(names, weights)[0]
                start = self._assign(rng, cadre, name, start, today)
                if start is None:
                    break
        self.result.reserves = []
        return self.result

    def _assign(self, rng: random.Random, cadre: Cadre, name: str, start: dt.date, today: dt.date) -> dt.date | None:
        """One assignment from ``start``; returns when the next one may start (None: no room)."""
        _weight, hosts, roles, (shortest, longest), full_time_share = KINDS[name]
        if start >= today:
            return None
        days = rng.randint(shortest, longest)
        end = start + dt.timedelta(days=days - 1)
        ongoing = end >= today
        assignment = assignment_create(
            user=self.admin,
            cadre=cadre,
            data={
                "kind": self.kinds[name],
                "role": rng.choice(roles),
                "host_unit": rng.choice(hosts).format(t=cadre.village.township.name, v=cadre.village.name),
                "started_on": start,
                "ended_on": None if ongoing else end,
                "full_time": rng.random() < full_time_share,
                "hours": None if ongoing else days * rng.choice((4, 6, 8)),
                "evaluation": "" if ongoing else rng.choices(list(Evaluation), (35, 45, 17, 3))[0],
                "notes": "" if ongoing else "工作积极主动，能够较好完成带队领导交办的任务。",
            },
        )
        self.result.assignments_created += 1
        if not ongoing and rng.random() < 0.3:
            title, text = rng.choice(DEEDS)
            deed = deed_create(
                user=self.admin,
                assignment=assignment,
                data={
                    "title": title,
                    "text": text.format(n=rng.randint(5, 40)),
                    "date": start + dt.timedelta(days=days // 2),
                },
            )
            self.result.deeds_created += 1
            if rng.random() < 0.3:
                deed_set_publicized(user=self.admin, deed=deed, publicized=True)
                self.result.publicized += 1
        return None if ongoing else end + dt.timedelta(days=rng.randint(20, 90))

    @staticmethod
    def report() -> str:
        """What the demo county's frontline assignments hold now, for load_demo."""
        assignments = Assignment.objects.filter(cadre__village__township__county__name=cadre_demo.DEMO_COUNTY)
        deeds = Deed.objects.filter(assignment__in=assignments)
        return (
            f"一线历练：{assignments.count()}条（进行中{assignments.filter(ended_on__isnull=True).count()}条），"
            f"典型事迹{deeds.count()}条（推荐宣传{deeds.filter(publicized=True).count()}条）。"
        )
