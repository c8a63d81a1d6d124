"""The demo county's annual assessment (年度考核): the two past years approved for every
township, the current year with its townships in every state (未开始, 填报中, 已上报, 已退回,
已审定), so the year list, the grids and the county's review all have something to show.
Written through assessment.services as the demo admin (county staff, who may act for every
township), only when the county has no assessment year yet."""

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from assessment.models import Assessment, AssessmentYear, Grade, Outcome, Submission, SubmissionState
from assessment.services import grid_save, submission_review, submission_submit, year_open
from cadre.models import Cadre, Status
from demo import cadre as cadre_demo

SEED = cadre_demo.SEED + 23  # its own stream: the other plans stay as they were
PAST_YEARS = 2
EXCELLENT_SHARE = 0.15  # of a township's reserves, never above the year's quota
BASIC_SHARE = 0.06
TRANSFER_SHARE = 0.08
ADVANCE_PER_TOWNSHIP = 2  # 进 in the first township approved this year: the key-training effect shows
# The current year's townships, in the order of their names: None is 未开始 (nothing saved).
CURRENT_STATES = (
    SubmissionState.APPROVED,
    SubmissionState.DRAFT,
    SubmissionState.SUBMITTED,
    None,
    SubmissionState.RETURNED,
    SubmissionState.DRAFT,
    SubmissionState.APPROVED,
)
RETURN_REASON = "部分人员民主测评票数未填写完整，请补充后重新上报。"
# Each grade's weighted total is drawn in this band (inside the year's default score bands).
BANDS = {Grade.EXCELLENT: (90.5, 96.5), Grade.COMPETENT: (77.0, 88.5), Grade.BASIC: (62.0, 73.5)}
# Each grade's share of the votes (优秀, 称职, 基本称职, 不称职).
VOTE_MIX = {
    Grade.EXCELLENT: (0.70, 0.28, 0.02, 0.0),
    Grade.COMPETENT: (0.30, 0.62, 0.08, 0.0),
    Grade.BASIC: (0.05, 0.55, 0.35, 0.05),
}
VISIBLE = (
    "牵头推进村级光伏项目",
    "协助完成防返贫动态监测",
    "参与人居环境整治，拆除危旧房{n}处",
    "组织村集体经济合作社入股分红",
    "配合完成耕地“非粮化”排查整改",
    "带头开展森林防火巡查{n}次",
    "协助调处矛盾纠纷{n}起",
    "负责村级医保、养老保险收缴，参保率全镇前列",
    "参与高标准农田建设协调",
    "推动村级道路硬化{n}公里",
)
LATENT = (
    "群众基础好，善于做群众工作",
    "学习主动，能较快掌握政策",
    "敢于担当，处理急难事务沉着",
    "文字功底扎实，材料质量较高",
    "熟悉产业发展，有带富能力",
    "",
)


@dataclass
class AnnualResult:
    years_created: int = 0
    assessments_created: int = 0
    approved: int = 0  # township submissions approved

    @property
    def created_anything(self) -> bool:
        return bool(self.years_created)

    def summary(self) -> str:
        """What this run created, for load_demo."""
        return f"考核年度{self.years_created}个、年度考核{self.assessments_created}条（审定乡镇上报{self.approved}份）"


class AnnualAssessmentDemo:
    """Opens the current year and the two before it and fills them, at the end (only when
    the county has no assessment year yet)."""

    def __init__(self, cadres: cadre_demo.CadreDemo):
        self.admin = cadres.admin
        self.county = cadres.county
        self.townships = sorted(cadres.townships.values(), key=lambda t: t.name)
        self.load = not AssessmentYear.objects.filter(county=cadres.county).exists()
        self.result = AnnualResult()

    def cadre_created(self, cadre: Cadre) -> None:
        pass  # the grid takes the reserves in the pool once everything is loaded

    def finish(self) -> AnnualResult:
        if not self.load:
            return self.result
        rng = random.Random(SEED)
        current = timezone.localdate().year
        for year_number in range(current - PAST_YEARS, current + 1):
            year = year_open(
                user=self.admin,
                county_id=self.county.pk,
                year=year_number,
                data={"deadline": dt.date(year_number, 12, 20)},
            )
            self.result.years_created += 1
            indicators = list(year.indicators.all())
            for index, township in enumerate(self.townships):
                state = SubmissionState.APPROVED if year_number < current else CURRENT_STATES[index % 7]
                advance = year_number == current and index == CURRENT_STATES.index(SubmissionState.APPROVED)
                self._township(rng, year, indicators, township, state, advance)
        return self.result

    def _township(self, rng, year, indicators, township, state, advance: bool) -> None:
        if state is None:
            return  # 未开始
        reserves = list(
            Cadre.objects.filter(village__township=township, status__in=(Status.RESERVE, Status.KEY_TRAINING))
            .select_related("village__township")
            .order_by("village__name", "name")
        )
        grades = self._grades(rng, year, reserves)
        advancing = set()
        if advance:
            # 优秀 reserves first, then 称职 ones: key training is for those not on it yet.
            order = (Grade.EXCELLENT, Grade.COMPETENT)
            candidates = sorted(
                (c for c in reserves if c.status == Status.RESERVE and grades[c] in order),
                key=lambda c: order.index(grades[c]),
            )
            advancing = set(candidates[:ADVANCE_PER_TOWNSHIP])
        rows = {}
        for cadre in reserves:
            outcome = Outcome.ADVANCE if cadre in advancing else self._outcome(rng)
            rows[cadre] = self._row(rng, indicators, grades[cadre], outcome)
        if state == SubmissionState.DRAFT:
            # Part of the grid saved; the last saved row has only some of its scores.
            rows = dict(list(rows.items())[: max(1, len(rows) * rng.randint(35, 70) // 100)])
            last = rows[list(rows)[-1]]
            last["scores"] = {pk: s for i, (pk, s) in enumerate(last["scores"].items()) if i < 4}
            last["grade"] = last["outcome"] = ""
        errors = grid_save(user=self.admin, year=year, rows=rows)
        if errors:
            raise ValidationError(f"{township}：{errors}")
        self.result.assessments_created += len(rows)
        if state == SubmissionState.DRAFT:
            return
        submission = submission_submit(user=self.admin, year=year, township_id=township.pk)
        if state == SubmissionState.RETURNED:
            submission_review(user=self.admin, submission=submission, action="return", reason=RETURN_REASON)
        elif state == SubmissionState.APPROVED:
            submission_review(user=self.admin, submission=submission, action="approve")
            self.result.approved += 1

    @staticmethod
    def _grades(rng: random.Random, year: AssessmentYear, reserves: list[Cadre]) -> dict[Cadre, str]:
        """About 15% 优秀 (never above the township's quota), a few 基本称职, the rest 称职."""
        excellent = min(year.excellent_quota(len(reserves)), round(len(reserves) * EXCELLENT_SHARE))
        chosen = set(rng.sample(reserves, excellent))
        return {
            c: Grade.EXCELLENT if c in chosen else Grade.BASIC if rng.random() < BASIC_SHARE else Grade.COMPETENT
            for c in reserves
        }

    @staticmethod
    def _outcome(rng: random.Random) -> str:
        return Outcome.TRANSFER if rng.random() < TRANSFER_SHARE else Outcome.STAY

    @staticmethod
    def _row(rng: random.Random, indicators, grade: str, outcome: str) -> dict:
        low, high = BANDS[grade]
        total = rng.uniform(low, high)
        # Whole-number scores: assessment_save does not round the weighted total, and one-decimal
        # scores times the weights can give it a third decimal, which the field refuses.
        scores = {i.pk: Decimal(round(min(100.0, max(0.0, total + rng.uniform(-3.5, 3.5))))) for i in indicators}
        voters = rng.randint(15, 30)
        present = voters - rng.choice((0, 0, 0, 1, 2))
        mix = VOTE_MIX[grade]
        votes = [int(present * share) for share in mix]
        votes[1] += present - sum(votes)  # the rest are 称职 votes
        return {
            "scores": scores,
            "voters": voters,
            "votes_excellent": votes[0],
            "votes_competent": votes[1],
            "votes_basic": votes[2],
            "votes_incompetent": votes[3],
            "grade": grade,
            "outcome": outcome,
            "visible_merits": rng.choice(VISIBLE).format(n=rng.randint(2, 12)),
            "latent_merits": rng.choice(LATENT),
        }

    @staticmethod
    def report() -> str:
        """What the demo county's annual assessment holds now, for load_demo."""
        years = list(AssessmentYear.objects.filter(county__name=cadre_demo.DEMO_COUNTY).order_by("year"))
        if not years:
            return "年度考核：暂无考核年度。"
        latest = years[-1]
        states = dict(Submission.objects.filter(year=latest).values_list("state").annotate(n=Count("pk")).order_by())
        townships = len(cadre_demo.TOWNSHIPS)
        shown = "、".join(
            f"{label}{states.get(value, 0)}个" for value, label in SubmissionState.choices if states.get(value)
        )
        return (
            f"年度考核：{'、'.join(str(y.year) for y in years)}年度，"
            f"年度考核{Assessment.objects.filter(year__in=years).count()}条；"
            f"{latest.year}年度乡镇{shown}，未开始{townships - sum(states.values())}个。"
        )
