"""Mentoring in the demo county (python manage.py load_demo): the county policy, a mentor
pool (导师库) per township, one-to-one pairings and their mentoring logs.

Like demo.cadre, everything is drawn from a fixed seed against demo.cadre.REFERENCE_DATE
and decided from the cadre plan alone, never from the database, so the same mentors,
pairings and logs come out on every machine. Everything is written through
mentorship.services with the demo admin as the acting user, so the rules hold: the county's
mentee limit and each mentor's own, one active pairing per reserve, logs inside the pairing.

demo.loader makes ``MentoringDemo`` once the units and users are loaded, and demo.cadre
calls its ``cadre_created`` for each new cadre before moving it along its lifecycle: a
pairing can only start while the cadre is still a reserve, so the pairing of a reserve who
is later seated or leaves is created (and ended on that day) first.
Loading is idempotent: mentors are found by township, name and phone; pairings and logs
are only loaded while the county has no pairing at all.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cadre.models import Cadre, PoliticalStatus, Status
from cadre.roster.columns import label_of
from demo import cadre as cadre_demo
from mentorship.dates import add_months
from mentorship.models import ActivityForm, CountyPolicy, EnteredBy, Mentor, MentoringLog, MentorKind, Pairing
from mentorship.services import (
    mentor_create,
    mentor_update,
    mentoring_log_create,
    pairing_create,
    pairing_end,
    policy_update,
)
from org.models import SeatPost

REFERENCE_DATE = cadre_demo.REFERENCE_DATE
SEED = cadre_demo.SEED + 7  # its own stream: the cadre plan stays as it was

MENTEE_LIMIT = 2  # Qiyang: 51 mentors for 93 young cadres
REQUIREMENTS = {ActivityForm.TALK: 3, ActivityForm.FEEDBACK: 6, ActivityForm.FIELD_RESEARCH: 6}

# Share of reserves (储备中/重点培养) with a mentor; the rest show up as "暂无导师".
PAIRED_SHARE = {Status.RESERVE: 0.74, Status.KEY_TRAINING: 0.9, Status.SEATED: 0.85, Status.LEFT: 0.6}
CHAIN_SHARE = 0.14  # paired reserves whose first mentor was replaced (history kept)
BEHIND_SHARE = 0.15  # active pairings whose talks lapsed 5+ months before REFERENCE_DATE
FIELD_LAPSE_SHARE = 0.1  # active pairings that talk but have skipped field research for 7+ months
# Each pool holds enough active places for its township's pairings, plus some slack.
POOL_SLACK = 1.0

REASON_TRANSFER = "导师调动工作"
REASON_ADJUST = "调整结对"
REASON_SEATED = "后备干部进入村“两委”班子"

COUNTY_LEADERS = (
    ("中共青山县委", "县委常委、组织部部长", "党建工作、基层治理"),
    ("青山县人民政府", "副县长", "产业发展、招商引资"),
    ("青山县人大常委会", "副主任", "基层治理、群众工作"),
    ("青山县政协", "副主席", "乡村旅游、产业发展"),
    ("中共青山县委", "县委常委、政法委书记", "矛盾调解、基层治理"),
)
# County departments' cadres who link a township (县直单位联系乡镇), kind "其他".
COUNTY_DEPARTMENT_CADRES = (
    ("青山县农业农村局", "副局长", "农业技术、产业发展"),
    ("青山县商务局", "电子商务服务中心主任", "电商、直播带货"),
    ("青山县乡村振兴局", "副局长", "产业发展、防返贫监测"),
)
# (unit, post, specialties, max_mentees); {t} is the township, {gov} 镇/乡.
TOWNSHIP_POSTS = (
    ("{t}党委", "党委副书记", "基层治理、党建工作", 2),
    ("{t}党委", "党委委员、组织委员", "党建工作、文字材料", 2),
    ("{t}纪委", "纪委书记", "矛盾调解、财务管理", 2),
    ("{t}人民政府", "副{gov}长", "产业发展、农业技术", 2),
    ("{t}人民政府", "副{gov}长", "安全生产、基层治理", 2),
    ("{t}人民政府", "副{gov}长", "乡村旅游、招商引资", 2),
    ("{t}人大", "人大主席", "群众工作、矛盾调解", 2),
    ("{t}党委", "党委委员、宣传委员", "文字材料、电商", 2),
    ("{t}人民武装部", "部长", "安全生产、应急救援", 1),
    ("{t}党政综合办公室", "主任", "文字材料、基层治理", 2),
    ("{t}农业综合服务中心", "主任", "农业技术、种养殖", 2),
    ("{t}财政所", "所长", "财务管理、项目管理", 2),
    ("{t}司法所", "所长", "矛盾调解、法律服务", 2),
    ("{t}经管站", "站长", "财务管理、土地流转", 2),
    ("{t}社会事务综合服务中心", "主任", "群众工作、社会保障", 2),
    ("{t}综治中心", "主任", "矛盾调解、基层治理", 2),
    ("{t}乡村振兴办", "主任", "产业发展、防返贫监测", 2),
    ("{t}党建办", "主任", "党建工作、文字材料", 2),
    ("{t}应急管理办", "主任", "安全生产、应急救援", 1),
    ("{t}自然资源所", "所长", "土地流转、基层治理", 1),
    ("{t}便民服务中心", "主任", "群众工作、信息统计", 1),
    ("{t}人民政府", "{gov}长助理", "招商引资、电商", 2),
)
RETIRED_POSTS = (
    ("{t}人民政府（已退休）", "原人大主席", "基层治理、矛盾调解"),
    ("{t}人民政府（已退休）", "原党委副书记", "党建工作、群众工作"),
    ("{t}农业综合服务中心（已退休）", "原农技站站长", "农业技术、种养殖"),
    ("青山县农业农村局（已退休）", "原高级农艺师", "农业技术、产业发展"),
    ("{t}人民政府（已退休）", "原副{gov}长", "产业发展、土地流转"),
    ("{t}财政所（已退休）", "原所长", "财务管理、基层治理"),
)
INDUSTRY_LEADERS = (
    ("青山县茶叶专业合作社", "理事长", "茶叶种植、产业发展"),
    ("{t}油茶专业合作社", "理事长", "油茶种植、产业发展"),
    ("青山县绿源生态农业有限公司", "总经理", "产业发展、农产品加工"),
    ("{t}电子商务服务中心", "负责人", "电商、直播带货"),
    ("{t}柑橘种植专业合作社", "理事长", "柑橘种植、市场营销"),
    ("青山县湘南生猪养殖有限公司", "总经理", "生猪养殖、产业发展"),
    ("{t}中药材种植专业合作社", "理事长", "中药材种植、产业发展"),
    ("{t}家庭农场联合会", "会长", "种养殖、土地流转"),
)
# What a mentor's specialty is good for, read against the reserve's specialty, job and source.
MATCHES = {
    "农业技术": ("农技", "种植", "种养殖", "养殖", "农机"),
    "产业发展": ("种植", "养殖", "加工", "合作社", "家庭农场", "大户", "致富"),
    "财务管理": ("财会", "报账", "文书"),
    "矛盾调解": ("调解", "群众工作", "村民小组长"),
    "基层治理": ("群众工作", "网格", "村民小组长", "村务"),
    "群众工作": ("群众工作", "志愿", "村民小组长", "网格"),
    "电商": ("电商", "直播", "新媒体", "网店"),
    "直播带货": ("电商", "直播", "新媒体"),
    "安全生产": ("安全", "应急", "防火", "民兵", "退役军人"),
    "应急救援": ("应急", "防火", "民兵", "退役军人"),
    "文字材料": ("文字", "文书", "信息统计", "计算机"),
    "乡村旅游": ("旅游", "民宿"),
    "土地流转": ("土地流转", "种养殖", "家庭农场"),
    "种养殖": ("种养殖", "种植", "养殖"),
    "招商引资": ("创业", "个体工商户", "物流"),
}
# Village industries, for field research and the village secretaries' specialties.
INDUSTRIES = (
    ("油茶种植", "油茶基地", 20),
    ("柑橘种植", "柑橘果园", 14),
    ("茶叶种植", "茶园", 10),
    ("蔬菜种植", "蔬菜大棚基地", 14),
    ("中药材种植", "中药材种植基地", 8),
    ("生猪养殖", "生猪养殖场", 10),
    ("水产养殖", "水产养殖基地", 6),
    ("乡村旅游", "农家乐示范点", 6),
)
COMMUNITY_INDUSTRIES = (("电商", "电商服务站", 1), ("基层治理", "网格服务站", 1), ("群众工作", "便民服务站", 1))

MENTOR_MALE = "建国军华明德志勇平文忠诚庆林海峰卫东红光辉春生运发祥福新正伟荣兴良金友清松"
MENTOR_FEMALE = "秀英桂兰玉梅淑珍红霞丽萍美华春燕琼芬凤琴慧敏建英小红"

SEASONS = {
    1: "春节前后走访慰问和森林防火",
    2: "森林防火和春耕备耕",
    3: "春耕生产",
    4: "春耕生产和植树造林",
    5: "防汛备汛",
    6: "防汛和早稻田间管理",
    7: "防汛救灾和防溺水宣传",
    8: "早稻收割和秋季森林防火",
    9: "城乡居民医保征缴",
    10: "秋冬种和医保征缴",
    11: "人居环境整治",
    12: "年终村务盘点和来年谋划",
}
GOALS = (
    "熟悉村务管理和群众工作，一年内能独立主持村民小组会议。",
    "掌握村级财务管理和“四议两公开”程序，两年内具备担任村“两委”委员的能力。",
    "发挥{skill}特长，为发展村级集体经济出点子、办实事。",
    "熟悉防返贫动态监测和民生政策，能独立完成入户走访和政策宣传。",
    "提高矛盾纠纷调处能力，一年内能独立调解一般邻里纠纷。",
    "加强理论学习和文字材料锻炼，能独立起草村级工作总结和会议记录。",
    "熟悉网格化管理和应急处置流程，能在防汛、森林防火等急难险重任务中独当一面。",
)
GOAL_NOT_MEMBER = "积极向党组织靠拢，按时向党组织汇报思想。"
FIRST_TALK = (
    "结对后首次谈心谈话，了解{name}的家庭、工作和成长意愿，共同商定帮带计划。",
    "结对见面谈心，听取{name}对{ours}发展的想法，明确帮带目标和联系方式。",
)
NEW_MENTOR_TALK = "调整导师后首次谈心谈话，了解{name}前期帮带情况，商定下一步帮带计划。"
# Where each form takes place; a template below may name its own places instead.
PLACES = {
    ActivityForm.TALK: ("{v}{office}", "{t}党委会议室", "导师办公室", "{v}党群服务中心", "{name}家中"),
    ActivityForm.POLICY_COACHING: ("{t}党委会议室", "导师办公室", "{v}{office}", "{t}便民服务中心"),
    ActivityForm.TEACHING_BY_EXAMPLE: ("{v}{office}", "{v}党群服务中心"),
    ActivityForm.TOPIC_EXCHANGE: ("{t}党委会议室",),
    ActivityForm.FEEDBACK: ("{t}党委会议室", "{t}组织办", "导师办公室"),
}
# form -> (template, its places or None for the form's, where: "" anywhere, "村" villages
# only, "社区" urban communities only). {here} is 村里/社区, {ours} 本村/本社区.
CONTENT = {
    ActivityForm.TALK: (
        ("与{name}谈心谈话，了解其近期思想和工作情况，围绕{season}工作交换意见，鼓励其大胆开展工作。", None, ""),
        ("围绕{season}工作与{name}谈心，听取其对{here}工作的想法，提醒其多向老同志请教、注意工作方法。", None, ""),
        ("了解{name}在{skill}方面的近况，帮助其处理好个人事业与{here}工作的关系。", None, ""),
        ("{name}反映入户工作时群众不理解，导师结合自身经历谈体会，建议先从办好身边小事赢得信任。", None, ""),
        ("谈心中指出{name}在{season}工作中入户不够深入、台账不够规范，约定下次检查整改情况。", None, ""),
        ("与{name}谈心谈话，肯定其近期在{skill}方面发挥的作用，提醒其廉洁自律。", None, ""),
        ("了解{name}的学习情况，督促其认真学习党的二十大精神，按时参加支部组织生活。", None, ""),
        ("与{name}交流参与{here}事务的体会，针对其遇事急躁的问题谈心，建议多听多看再表态。", None, ""),
    ),
    ActivityForm.POLICY_COACHING: (
        ("讲解村级财务管理制度和“四议两公开”工作法，指导{name}核对{ours}近三个月收支台账。", None, ""),
        ("辅导耕地保护和耕地“非农化”“非粮化”整治政策，指导{name}向群众做好解释工作。", None, "村"),
        ("结合防止返贫动态监测，讲解监测对象识别程序，指导{name}入户核实收入情况。", None, ""),
        ("讲解城乡居民医保、养老保险缴费政策和线上缴费操作，指导{name}帮助群众办理。", None, ""),
        ("辅导农村宅基地审批和建房管理政策，讲清“一户一宅”等规定和办理流程。", None, "村"),
        ("讲解党员发展流程和“三会一课”制度，指导{name}规范填写会议记录。", None, ""),
        ("辅导耕地地力保护补贴等惠农政策，指导{name}整理{ours}补贴发放名册。", None, "村"),
        ("讲解最低生活保障和临时救助政策，指导{name}规范办理低保申请和年度复核。", None, "社区"),
    ),
    ActivityForm.FIELD_RESEARCH: (
        ("带{name}到{v}各村民小组走访，实地了解{season}情况和群众诉求，指导其撰写走访记录。", ("{v}各村民小组",), "村"),
        ("一同到{v}{base}调研，了解规模、用工和销售情况，帮助{name}梳理产业发展思路。", ("{v}{base}",), "村"),
        ("到田间地头察看农作物长势和灌溉设施，指导{name}收集整理群众反映的问题。", ("田间地头",), "村"),
        ("陪同{name}走访脱贫户和监测户，核实“两不愁三保障”情况，现场讲解帮扶政策。", ("{v}脱贫户家中",), "村"),
        (
            "到{t}农业产业园参观，了解“合作社+农户”经营模式，讨论在{v}推广的可行性。",
            ("{t}农业产业园", "合作社基地"),
            "村",
        ),
        ("实地察看{v}山塘水库和地质灾害隐患点，讲解汛期巡查要点和转移避险预案。", ("{v}山塘水库",), "村"),
        ("带{name}到{v}各网格走访，实地了解{season}情况和居民诉求，指导其撰写走访记录。", ("{v}各网格",), "社区"),
        ("一同到{v}{base}调研，了解居民办事需求和服务短板，帮助{name}梳理改进思路。", ("{v}{base}",), "社区"),
        ("陪同{name}走访辖区困难群众和独居老人，核实救助帮扶情况，现场讲解相关政策。", ("困难群众家中",), "社区"),
        ("到{v}老旧小区改造项目现场调研，听取居民意见，指导{name}梳理问题清单。", ("{v}老旧小区",), "社区"),
    ),
    ActivityForm.TEACHING_BY_EXAMPLE: (
        ("带{name}参加{v}{assembly}，现场示范如何主持议事、回应群众诉求，会后一起复盘。", None, ""),
        ("带{name}调解一起邻里纠纷，示范“听、问、讲、调”的方法，事后讲解调解要点。", ("群众家中", "{v}调解室"), ""),
        ("带{name}参与{season}工作，示范入户宣传和台账登记，手把手教其使用信息系统。", None, ""),
        ("带{name}参加{v}“两委”联席会议，示范如何把群众意见形成议题并按程序提交。", None, ""),
        ("与{name}一同接待来访群众，现场解答低保申请政策，示范办理和登记流程。", ("{v}党群服务中心",), ""),
        ("带{name}到{v}{base}指导农户生产，示范如何组织群众、算清收益账。", ("{v}{base}", "田间地头"), "村"),
    ),
    ActivityForm.TOPIC_EXCHANGE: (
        ("参加{t}党委组织的后备干部“传帮带”专题交流座谈会，{name}汇报帮带以来的收获和不足，导师作点评。", None, ""),
        ("参加{t}后备干部“乡村振兴我来谈”专题座谈，{name}结合自身{skill}特长作交流发言。", None, ""),
        ("参加{t}后备干部工作交流会，结对双方交流帮带计划完成情况和下一步打算。", None, ""),
    ),
    ActivityForm.TEMPORARY_POSTING: (
        ("推荐{name}到{t}{posting}跟班学习一个月，协助开展{posting_work}。", ("{t}{posting}",), ""),
        ("推荐{name}到青山县{bureau}挂职锻炼两个月，参与{bureau_work}。", ("青山县{bureau}",), ""),
    ),
    ActivityForm.FEEDBACK: (
        ("向{t}党委反馈{name}近半年表现：工作积极主动，{strength}，{weak}有待提高。", None, ""),
        ("半年帮带情况反馈：{name}能按时完成交办任务，{strength}，建议下一步加强{weak}锻炼。", None, ""),
        ("向{t}组织办书面反馈{name}帮带情况，总体评价良好，{strength}，建议继续重点培养。", None, ""),
    ),
}
STRENGTHS = (
    "群众基础较好",
    "在{skill}方面有专长、肯带头",
    "服务意识强、肯吃苦",
    "学习积极、进步明显",
    "在{season}工作中表现突出",
)
WEAKNESSES = ("文字材料能力", "政策理论水平", "统筹协调能力", "会议组织能力", "财务管理知识")
POSTINGS = (
    ("党政综合办公室", "文字材料起草和会务工作"),
    ("农业综合服务中心", "农业技术推广"),
    ("社会事务综合服务中心", "城乡居民医保征缴"),
    ("综治中心", "矛盾纠纷排查化解"),
    ("便民服务中心", "窗口服务和群众办事代办"),
    ("乡村振兴办", "防返贫动态监测"),
)
BUREAUS = (("农业农村局", "高标准农田建设项目"), ("乡村振兴局", "防返贫监测数据核查"), ("商务局", "农村电商培训"))
HOURS = {
    ActivityForm.TALK: ((1, 4), (1.5, 4), (2, 2)),
    ActivityForm.POLICY_COACHING: ((1.5, 2), (2, 3), (3, 1)),
    ActivityForm.FIELD_RESEARCH: ((2, 2), (3, 3), (4, 2)),
    ActivityForm.TEACHING_BY_EXAMPLE: ((2, 3), (3, 2), (4, 1)),
    ActivityForm.TOPIC_EXCHANGE: ((2, 2), (2.5, 2), (3, 1)),
    ActivityForm.TEMPORARY_POSTING: ((4, 1),),
    ActivityForm.FEEDBACK: ((1, 3), (1.5, 1)),
}
# (first after the start, gap between two) in days, and the share of pairings doing it.
CADENCE = {
    ActivityForm.TALK: ((3, 25), (70, 120), 1.0),
    ActivityForm.FEEDBACK: ((150, 180), (160, 182), 1.0),
    ActivityForm.FIELD_RESEARCH: ((40, 150), (140, 182), 1.0),
    ActivityForm.POLICY_COACHING: ((20, 120), (150, 300), 0.6),
    ActivityForm.TEACHING_BY_EXAMPLE: ((40, 180), (180, 360), 0.45),
}
MEETING_ATTENDANCE = 0.6  # of the township's yearly 专题交流座谈会
POSTING_SHARE = 0.1  # pairings that sent the reserve on a temporary posting


@dataclass
class MentorPlan:
    township: str
    name: str
    kind: str
    unit: str
    post: str
    phone: str
    specialties: str
    max_mentees: int
    transferred_on: dt.date | None = None  # leaves the pool on that day
    # (started_on, ended_on or None) of each planned pairing, to keep the load in bounds.
    spans: list = field(default_factory=list)

    def load_on(self, start: dt.date, end: dt.date | None) -> int:
        """The most pairings this mentor holds at once during [start, end)."""
        end = end or dt.date.max
        points = [start] + [s for s, _ in self.spans if start <= s < end]
        return max(sum(1 for s, e in self.spans if s <= p < (e or dt.date.max)) for p in points)

    def active_count(self) -> int:
        return sum(1 for _, e in self.spans if e is None)


@dataclass
class LogPlan:
    date: dt.date
    form: str
    place: str
    content: str
    hours: Decimal
    entered_by: str


@dataclass
class PairingPlan:
    mentor: int  # index into MentoringPlan.mentors
    started_on: dt.date
    planned_end_on: dt.date
    goals: str
    ended_on: dt.date | None = None
    end_reason: str = ""
    follows_another: bool = False  # a new mentor after an ended pairing
    logs: list[LogPlan] = field(default_factory=list)


@dataclass
class MentoringPlan:
    mentors: list[MentorPlan] = field(default_factory=list)
    # cadre id number -> that cadre's pairings, oldest first
    pairings: dict[str, list[PairingPlan]] = field(default_factory=dict)


@dataclass
class MentoringResult:
    policy_set: bool = False
    mentors_created: int = 0
    pairings_created: int = 0  # still active
    ended_pairings_created: int = 0
    logs_created: int = 0

    @property
    def created_anything(self) -> bool:
        return bool(
            self.policy_set
            or self.mentors_created
            or self.pairings_created
            or self.ended_pairings_created
            or self.logs_created
        )

    def summary(self) -> str:
        """What this run created, for load_demo."""
        return (
            f"新增导师{self.mentors_created}名、在帮结对{self.pairings_created}对、"
            f"已结束结对{self.ended_pairings_created}对、帮带记录{self.logs_created}条"
            + ("，设置导师帮带制度" if self.policy_set else "")
        )


# Planning ------------------------------------------------------------------------------


def _days(rng: random.Random, span: tuple[int, int]) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(*span))


def _between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _phone(rng: random.Random, used: set[str]) -> str:
    while True:
        phone = rng.choice(cadre_demo.MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in used:
            used.add(phone)
            return phone


def _mentor_name(rng: random.Random, male: bool, used: set[str]) -> str:
    pool = MENTOR_MALE if male else MENTOR_FEMALE
    while True:
        surname = cadre_demo._pick(rng, cadre_demo.SURNAMES)
        given = rng.choice(pool) if rng.random() < 0.2 else rng.choice(pool) + rng.choice(pool)
        name = surname + given
        if name not in used and len(set(given)) == len(given):
            used.add(name)
            return name


def _cadre_text(data: dict) -> str:
    return f"{data['specialty']} {data['current_job']} {label_of('source', data['source'])}"


def _matches(mentor: MentorPlan, text: str) -> int:
    specialties = mentor.specialties.split("、")
    return sum(1 for s in specialties if s in text or any(word in text for word in MATCHES.get(s, ())))


def mentoring_plan(plan: cadre_demo.DemoPlan | None = None) -> MentoringPlan:
    """Everything the demo's mentoring holds, decided from the cadre plan alone."""
    plan = plan or cadre_demo.demo_plan()
    rng = random.Random(SEED)
    result = MentoringPlan()
    industries = {}  # (township, village) -> (industry, where it is seen)
    for key in plan.seats:
        choices = COMMUNITY_INDUSTRIES if key[1].endswith("社区") else INDUSTRIES
        industries[key] = cadre_demo._pick(rng, [((i, place), w) for i, place, w in choices])

    # 1. Who gets a mentor, and how their pairings run (mentors are chosen in step 3).
    # id number -> ("single",) one mentor; ("transfer",) / ("adjust",) a first mentor who
    # left the pool / was replaced, then a second; ("exit", day, reason) ended when seated or left
    shapes = {}
    demand = dict.fromkeys((t for t, _ in cadre_demo.TOWNSHIPS), 0)
    for cadre in plan.cadres:
        if rng.random() >= PAIRED_SHARE[cadre.status]:
            continue
        if cadre.status == Status.SEATED:
            shapes[cadre.data["id_number"]] = ("exit", cadre.seated_on, REASON_SEATED)
        elif cadre.status == Status.LEFT:
            shapes[cadre.data["id_number"]] = ("exit", cadre.left_on, f"后备干部退出：{cadre.left_reason}")
        else:
            roll = rng.random()
            if roll < CHAIN_SHARE / 2:
                shapes[cadre.data["id_number"]] = ("transfer",)
            elif roll < CHAIN_SHARE:
                shapes[cadre.data["id_number"]] = ("adjust",)
            else:
                shapes[cadre.data["id_number"]] = ("single",)
            demand[cadre.township] += 1

    # 2. The mentor pools, sized to each township's demand.
    used_names = {c.data["name"] for c in plan.cadres} | {full for *_, full, _ in cadre_demo.DEMO_USERS}
    used_names |= {h[0] for seats in plan.seats.values() for h in seats.values() if h}
    used_phones = {c.data["phone"] for c in plan.cadres}
    township_names = [t for t, _ in cadre_demo.TOWNSHIPS]
    leader_towns = dict(zip(rng.sample(township_names, len(COUNTY_LEADERS)), COUNTY_LEADERS, strict=True))
    department_towns = dict(
        zip(rng.sample(township_names, len(COUNTY_DEPARTMENT_CADRES)), COUNTY_DEPARTMENT_CADRES, strict=True)
    )
    for township, villages in cadre_demo.TOWNSHIPS:
        result.mentors.extend(
            _township_pool(
                rng, township, villages, plan, industries, demand[township], leader_towns, department_towns,
                used_names, used_phones,
            )
        )  # fmt: skip

    # 3. Mentors for each pairing, in the order the loader will create them (the order of
    # the cadre plan), so that every pairing finds its mentor with room when it is created.
    for cadre in plan.cadres:
        shape = shapes.get(cadre.data["id_number"])
        if shape:
            pairings = _pairings_for(rng, cadre, shape, result.mentors)
            if pairings:
                result.pairings[cadre.data["id_number"]] = pairings

    # 4. The mentoring logs.
    meetings = _township_meetings(rng)
    for cadre in plan.cadres:
        for pairing in result.pairings.get(cadre.data["id_number"], ()):
            pairing.logs = _logs_for(rng, cadre, pairing, result.mentors[pairing.mentor], industries, meetings)
    return result


def _township_pool(
    rng, township, villages, plan, industries, demand, leader_towns, department_towns, used_names, used_phones
) -> list[MentorPlan]:
    gov = "乡" if township.endswith("乡") else "镇"

    def mentor(kind, unit, post, specialties, max_mentees, male_share=0.75):
        return MentorPlan(
            township=township,
            name=_mentor_name(rng, rng.random() < male_share, used_names),
            kind=kind,
            unit=unit.format(t=township, gov=gov),
            post=post.format(t=township, gov=gov),
            phone=_phone(rng, used_phones),
            specialties=specialties,
            max_mentees=max_mentees,
        )

    pool = []
    if township in leader_towns:
        unit, post, specialties = leader_towns[township]
        pool.append(mentor(MentorKind.COUNTY_LEADER, unit, post, specialties, 1, 0.85))
    if township in department_towns:
        unit, post, specialties = department_towns[township]
        pool.append(mentor(MentorKind.OTHER, unit, post, specialties, rng.choice((1, 2))))
    # Village secretaries, from the seat plan: 老带新 in their own village.
    cadre_names = {c.data["name"] for c in plan.cadres}
    secretaries = []
    for village in villages:
        seats = plan.seats[(township, village)]
        holder = seats.get((int(SeatPost.SECRETARY), 1))
        if holder and holder[0] not in cadre_names:
            secretaries.append((village, holder[0], seats.get((int(SeatPost.DIRECTOR), 1)) == holder))
    for village, name, one_person in rng.sample(secretaries, min(len(secretaries), rng.randint(3, 4))):
        post = ("党委书记" if village.endswith("社区") else "党支部书记") + (
            "、居委会主任" if village.endswith("社区") and one_person else "、村委会主任" if one_person else ""
        )
        industry = industries[(township, village)][0]
        specialties = "、".join(dict.fromkeys(rng.sample(("基层治理", "群众工作", "矛盾调解"), 2) + [industry]))
        pool.append(
            MentorPlan(
                township=township,
                name=name,
                kind=MentorKind.VILLAGE_SECRETARY,
                unit=village,
                post=post,
                phone=_phone(rng, used_phones),
                specialties=specialties,
                max_mentees=rng.choice((1, 2, 2)),
            )
        )
    for unit, post, specialties in rng.sample(RETIRED_POSTS, rng.randint(1, 2)):
        pool.append(mentor(MentorKind.RETIRED_CADRE, unit, post, specialties, 2, 0.85))
    for unit, post, specialties in rng.sample(INDUSTRY_LEADERS, rng.randint(1, 2)):
        pool.append(mentor(MentorKind.INDUSTRY_LEADER, unit, post, specialties, rng.choice((1, 2, 2)), 0.7))
    # Township cadres make up the rest; the first of them is transferred out later.
    posts = list(TOWNSHIP_POSTS)
    rng.shuffle(posts)
    wanted = int(demand * POOL_SLACK + 0.999) + 2
    transferred = None
    while posts and (transferred is None or sum(m.max_mentees for m in pool if not m.transferred_on) < wanted):
        unit, post, specialties, max_mentees = posts.pop()
        pool.append(mentor(MentorKind.TOWNSHIP_CADRE, unit, post, specialties, max_mentees, 0.7))
        if transferred is None:
            transferred = pool[-1]
            transferred.max_mentees = 2
            transferred.transferred_on = _between(rng, add_months(REFERENCE_DATE, -15), add_months(REFERENCE_DATE, -4))
    return pool


def _choose(rng, mentors, cadre, start, end, *, exclude=()) -> int | None:
    """The best mentor with room during [start, end) and now: one of the township's pool
    (镇带村), else a county-wide one (county leaders and departments); among them matching
    specialties and a light load, a village secretary for their own village's reserves, a
    county leader for reserves in key training. None when nobody has room."""
    text = _cadre_text(cadre.data)
    best, best_score = None, None
    for same_township in (True, False):
        for index, mentor in enumerate(mentors):
            if index in exclude or mentor.transferred_on or (mentor.township == cadre.township) != same_township:
                continue
            if not same_township and mentor.kind not in (MentorKind.COUNTY_LEADER, MentorKind.OTHER):
                continue
            capacity = min(mentor.max_mentees, MENTEE_LIMIT)
            if mentor.active_count() >= capacity or mentor.load_on(start, end) >= capacity:
                continue
            score = 10 * _matches(mentor, text) - 3 * len(mentor.spans) + 6 * rng.random()
            if mentor.kind == MentorKind.VILLAGE_SECRETARY and mentor.unit == cadre.village:
                score += 15
            if mentor.kind in (MentorKind.COUNTY_LEADER, MentorKind.OTHER):
                score += 8 if cadre.status == Status.KEY_TRAINING else -8
            if best_score is None or score > best_score:
                best, best_score = index, score
        if best is not None:
            return best
    return None


def _goals(rng, cadre) -> str:
    skill = cadre.data["specialty"].split("、")[0] or "产业"
    goals = rng.sample(GOALS, rng.choice((1, 1, 2)))
    text = "".join(g.format(skill=skill) for g in goals)
    if cadre.data["political_status"] not in (PoliticalStatus.MEMBER, PoliticalStatus.PROBATIONARY):
        text += GOAL_NOT_MEMBER
    return text


def _pairing(rng, cadre, mentors, mentor, start, end=None, reason="") -> PairingPlan:
    years = rng.choice((1, 2))
    if end is None and add_months(start, 12 * years) < REFERENCE_DATE:
        years = 2
    mentors[mentor].spans.append((start, end))
    return PairingPlan(
        mentor=mentor,
        started_on=start,
        planned_end_on=add_months(start, 12 * years),
        goals=_goals(rng, cadre),
        ended_on=end,
        end_reason=reason,
    )


def _pairings_for(rng, cadre, shape, mentors) -> list[PairingPlan]:
    kind = shape[0]
    if kind == "exit":
        _, end, reason = shape
        start = _between(rng, add_months(end, -20), add_months(end, -4))
        mentor = _choose(rng, mentors, cadre, start, end)
        return [] if mentor is None else [_pairing(rng, cadre, mentors, mentor, start, end, reason)]
    pairings = []
    if kind == "transfer":
        leaving = next(
            (i for i, m in enumerate(mentors) if m.township == cadre.township and m.transferred_on), None
        )  # fmt: skip
        if leaving is not None:
            end = mentors[leaving].transferred_on
            start = _between(rng, add_months(end, -18), add_months(end, -5))
            if mentors[leaving].load_on(start, end) < mentors[leaving].max_mentees:
                pairings.append(_pairing(rng, cadre, mentors, leaving, start, end, REASON_TRANSFER))
        if not pairings:
            kind = "adjust"
    if kind == "adjust":
        start = _between(rng, add_months(REFERENCE_DATE, -30), add_months(REFERENCE_DATE, -14))
        end = _between(rng, add_months(start, 4), add_months(start, 10))
        mentor = _choose(rng, mentors, cadre, start, end)
        if mentor is not None:
            pairings.append(_pairing(rng, cadre, mentors, mentor, start, end, REASON_ADJUST))
    if pairings:
        start = pairings[-1].ended_on + _days(rng, (7, 40))
    else:
        start = _between(rng, add_months(REFERENCE_DATE, -24), add_months(REFERENCE_DATE, -6))
    # When nobody is free to take over, the history stays and the reserve waits for a mentor.
    mentor = _choose(rng, mentors, cadre, start, None, exclude={p.mentor for p in pairings})
    if mentor is not None:
        pairings.append(_pairing(rng, cadre, mentors, mentor, start))
        pairings[-1].follows_another = len(pairings) > 1
    return pairings


def _township_meetings(rng) -> dict[str, list[dt.date]]:
    """Each township's yearly 专题交流座谈会 of reserves and mentors."""
    meetings = {}
    for township, _ in cadre_demo.TOWNSHIPS:
        days = [_between(rng, dt.date(year, 11, 20), dt.date(year, 12, 28)) for year in range(2022, 2026)]
        days.append(_between(rng, dt.date(2026, 6, 5), dt.date(2026, 6, 25)))
        meetings[township] = days
    return meetings


def _logs_for(rng, cadre, pairing: PairingPlan, mentor: MentorPlan, industries, meetings) -> list[LogPlan]:
    start, end = pairing.started_on, pairing.ended_on or REFERENCE_DATE
    dates: list[tuple[dt.date, str]] = []
    for form, (first, gap, share) in CADENCE.items():
        if rng.random() >= share:
            continue
        day = start + _days(rng, first)
        while day <= end:
            dates.append((day, form))
            day += _days(rng, gap)
    for day in meetings[cadre.township]:
        if start <= day <= end and rng.random() < MEETING_ATTENDANCE:
            dates.append((day, ActivityForm.TOPIC_EXCHANGE))
    if rng.random() < POSTING_SHARE and (start + dt.timedelta(days=90)) < end:
        dates.append((_between(rng, start + dt.timedelta(days=90), end), ActivityForm.TEMPORARY_POSTING))

    if pairing.ended_on is None:
        roll = rng.random()
        if roll < BEHIND_SHARE and start <= add_months(REFERENCE_DATE, -6):
            cutoff = REFERENCE_DATE - _days(rng, (155, 280))  # nothing at all since then
            dates = [(d, f) for d, f in dates if d <= cutoff]
        else:
            if roll < BEHIND_SHARE + FIELD_LAPSE_SHARE and start <= add_months(REFERENCE_DATE, -8):
                lapse = add_months(REFERENCE_DATE, -7)
                dates = [(d, f) for d, f in dates if f != ActivityForm.FIELD_RESEARCH or d <= lapse]
                required = {f: m for f, m in REQUIREMENTS.items() if f != ActivityForm.FIELD_RESEARCH}
            else:
                required = REQUIREMENTS
            dates += _catch_up(rng, start, dates, required)

    logs, seen, first_talk, used = [], set(), True, set()
    for day, form in sorted(dates):
        if (day, form) in seen:
            continue
        seen.add((day, form))
        logs.append(_log(rng, cadre, pairing, mentor, industries, day, form, first_talk, used))
        first_talk = first_talk and form != ActivityForm.TALK
    return logs


def _catch_up(rng, start, dates, required) -> list[tuple[dt.date, str]]:
    """Logs that keep an on-track pairing within the county's requirements on REFERENCE_DATE."""
    extra = []
    for form, months in required.items():
        last = max((d for d, f in dates if f == form), default=None)
        if add_months(last or start, months) < REFERENCE_DATE:
            low = max(start, add_months(REFERENCE_DATE, -months) + dt.timedelta(days=5), last or start)
            extra.append((_between(rng, low, REFERENCE_DATE - dt.timedelta(days=2)), form))
    return extra


def _log(rng, cadre, pairing, mentor, industries, day, form, first_talk, used) -> LogPlan:
    township, village = cadre.township, cadre.village
    industry, base = industries[(township, village)]
    skill = cadre.data["specialty"].split("、")[0] or industry
    season = SEASONS[day.month]
    community = village.endswith("社区")
    if form == ActivityForm.TALK and first_talk:
        template, places = (NEW_MENTOR_TALK if pairing.follows_another else rng.choice(FIRST_TALK)), None
    else:
        where = "社区" if community else "村"
        choices = [c for c in CONTENT[form] if c[2] in ("", where)]
        fresh = [c for c in choices if c[0] not in used] or choices  # vary the wording within a pairing
        template, places, _ = rng.choice(fresh)
        used.add(template)
    posting, posting_work = rng.choice(POSTINGS)
    bureau, bureau_work = rng.choice(BUREAUS)
    words = {
        "name": cadre.data["name"],
        "v": village,
        "t": township,
        "office": "居委会" if community else "村委会",
        "here": "社区" if community else "村里",
        "ours": "本社区" if community else "本村",
        "assembly": "居民代表会议" if community else "村民代表大会",
        "skill": skill,
        "base": base,
        "season": season,
        "posting": posting,
        "posting_work": posting_work,
        "bureau": bureau,
        "bureau_work": bureau_work,
        "strength": rng.choice(STRENGTHS).format(skill=skill, season=season),
        "weak": rng.choice(WEAKNESSES),
    }
    place = rng.choice(places or PLACES[form]).format(**words)
    if form == ActivityForm.TOPIC_EXCHANGE:
        entered_by = EnteredBy.TOWNSHIP
    elif mentor.kind == MentorKind.COUNTY_LEADER:
        entered_by = rng.choice((EnteredBy.COUNTY, EnteredBy.COUNTY, EnteredBy.MENTOR))
    else:
        entered_by = cadre_demo._pick(rng, ((EnteredBy.MENTOR, 50), (EnteredBy.TOWNSHIP, 35), (EnteredBy.COUNTY, 15)))
    hours = Decimal(str(cadre_demo._pick(rng, HOURS[form])))
    return LogPlan(day, form, place, template.format(**words), hours, entered_by)


# Loading -------------------------------------------------------------------------------


def mentoring_shift() -> dt.timedelta:
    """How far the planned mentoring dates move: from REFERENCE_DATE to today."""
    return max(dt.timedelta(0), timezone.localdate() - REFERENCE_DATE)


class MentoringDemo:
    """Loads the plan: the policy and the mentors on creation, each new cadre's pairings
    and logs through ``cadre_created`` (before its lifecycle moves on), and the pairings of
    cadres that already existed in ``finish``."""

    def __init__(self, cadres: cadre_demo.CadreDemo):
        plan, county, townships, admin = cadres.plan, cadres.county, cadres.townships, cadres.admin
        self.plan = mentoring_plan(plan)
        self.admin = admin
        # The plan is drawn against the fixed REFERENCE_DATE; its dates move forward to
        # today so that the compliance page shows the planned mix of on-time and overdue
        # pairings on whatever day the demo is loaded.
        self.shift = mentoring_shift()
        self.result = MentoringResult()
        self.load_pairings = not Pairing.objects.filter(cadre__village__township__county=county).exists()
        self.pending = set(self.plan.pairings)

        policy = CountyPolicy.objects.filter(county=county).first()
        if policy is None or self.load_pairings:
            current = (
                None
                if policy is None
                else (policy.mentee_limit, dict(policy.requirements.values_list("form", "every_months")))
            )
            wanted = (MENTEE_LIMIT, {str(f): m for f, m in REQUIREMENTS.items()})
            if current != wanted:
                policy_update(
                    user=admin, county_id=county.pk, mentee_limit=MENTEE_LIMIT,
                    requirements={**dict.fromkeys(f.value for f in ActivityForm), **REQUIREMENTS},
                )  # fmt: skip
                self.result.policy_set = True

        existing = {(m.township_id, m.name, m.phone): m for m in Mentor.objects.filter(township__county=county)}
        self.mentors: list[Mentor] = []
        self.new_mentors: set[int] = set()
        for index, mentor_plan in enumerate(self.plan.mentors):
            township = townships[mentor_plan.township]
            mentor = existing.get((township.pk, mentor_plan.name, mentor_plan.phone))
            if mentor is None:
                mentor = mentor_create(
                    user=admin,
                    data={
                        "township": township,
                        "name": mentor_plan.name,
                        "kind": mentor_plan.kind,
                        "unit": mentor_plan.unit,
                        "post": mentor_plan.post,
                        "phone": mentor_plan.phone,
                        "specialties": mentor_plan.specialties,
                        "max_mentees": mentor_plan.max_mentees,
                        "is_active": True,
                    },
                )
                self.new_mentors.add(index)
                self.result.mentors_created += 1
            self.mentors.append(mentor)

    def cadre_created(self, cadre: Cadre) -> None:
        """Pair a new cadre as planned; called while the cadre is still a reserve."""
        if self.load_pairings and cadre.id_number in self.pending:
            self._pair(cadre)

    def finish(self) -> MentoringResult:
        """Pair the planned cadres that existed before this run and are still reserves (a
        seated or departed reserve can no longer be paired, so their history is left out),
        then take the transferred mentors out of the pool."""
        if self.load_pairings and self.pending:
            cadres = Cadre.objects.filter(
                id_number__in=self.pending, status__in=(Status.RESERVE, Status.KEY_TRAINING)
            ).select_related("village__township")
            by_id = {c.id_number: c for c in cadres}
            for id_number in [i for i in self.plan.pairings if i in by_id]:
                # The cadres were not all loaded in one run, so the plan's order of pairing
                # (and with it each mentor's room) may not hold: skip a reserve that won't fit.
                try:
                    with transaction.atomic():
                        self._pair(by_id[id_number])
                except ValidationError:
                    continue
        for index in sorted(self.new_mentors):
            if self.plan.mentors[index].transferred_on and self.mentors[index].is_active:
                mentor_update(user=self.admin, mentor=self.mentors[index], data={"is_active": False})
        return self.result

    def _pair(self, cadre: Cadre) -> None:
        self.pending.discard(cadre.id_number)
        active = ended = logs = 0
        for planned in self.plan.pairings[cadre.id_number]:
            pairing = pairing_create(
                user=self.admin,
                cadre=cadre,
                mentor=self.mentors[planned.mentor],
                started_on=planned.started_on + self.shift,
                planned_end_on=planned.planned_end_on and planned.planned_end_on + self.shift,
                goals=planned.goals,
            )
            for log in planned.logs:
                mentoring_log_create(
                    user=self.admin,
                    pairing=pairing,
                    data={
                        "date": log.date + self.shift,
                        "form": log.form,
                        "place": log.place,
                        "content": log.content,
                        "hours": log.hours,
                        "entered_by": log.entered_by,
                    },
                )
            logs += len(planned.logs)
            if planned.ended_on:
                pairing_end(
                    user=self.admin, pairing=pairing, ended_on=planned.ended_on + self.shift, reason=planned.end_reason
                )
                ended += 1
            else:
                active += 1
        # Counted once the cadre is done, so that a skipped cadre (see finish) counts nothing.
        self.result.pairings_created += active
        self.result.ended_pairings_created += ended
        self.result.logs_created += logs

    @staticmethod
    def report() -> str:
        """What the demo county's mentoring holds now, for load_demo."""
        county = cadre_demo.DEMO_COUNTY
        mentors = Mentor.objects.filter(township__county__name=county)
        pairings = Pairing.objects.filter(cadre__village__township__county__name=county)
        active_pairings = pairings.filter(ended_on__isnull=True).count()
        logs = MentoringLog.objects.filter(pairing__in=pairings).count()
        cadres = Cadre.objects.filter(village__township__county__name=county)
        reserves = cadres.filter(status__in=(Status.RESERVE, Status.KEY_TRAINING))
        without_mentor = reserves.exclude(Exists(Pairing.objects.filter(cadre=OuterRef("pk"), ended_on__isnull=True)))
        return (
            f"导师帮带：导师{mentors.count()}名（在库{mentors.filter(is_active=True).count()}名），"
            f"在帮结对{active_pairings}对，已结束结对{pairings.count() - active_pairings}对，"
            f"帮带记录{logs}条；在册后备干部{reserves.count()}名中{without_mentor.count()}名暂无导师。"
        )
