"""Every change to frontline assignments and typical deeds goes through here."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import can_manage_county
from cadre.models import Cadre, Status
from cadre.services import cadre_change_status
from org.models import Seat, Township

from .models import (
    BUILTIN_KINDS,
    DEFAULT_INDICATORS,
    TRANSITIONS,
    Assessment,
    AssessmentYear,
    Assignment,
    AssignmentKind,
    Deed,
    Grade,
    Indicator,
    IndicatorScore,
    Outcome,
    Submission,
    SubmissionEvent,
    SubmissionState,
)

ASSIGNMENT_FIELDS = ("kind", "role", "host_unit", "started_on", "ended_on", "full_time", "hours", "evaluation", "notes")
DEED_FIELDS = ("title", "text", "date")


def _ensure_may_write(*, user: User, cadre_id: int) -> None:
    if not user.may_write:
        raise PermissionDenied(_("您的角色只能查看，不能修改。"))
    if not Cadre.objects.visible_to(user).filter(pk=cadre_id).exists():
        raise PermissionDenied(_("只能管理本辖区后备干部的一线历练。"))


def _check_overlap(assignment: Assignment) -> None:
    """A full-time post may not overlap another full-time post of the same reserve: said
    here with the other post's name and dates; the exclusion constraint is the last word."""
    if not assignment.full_time or assignment.started_on is None:
        return
    others = Assignment.objects.filter(cadre_id=assignment.cadre_id, full_time=True).exclude(pk=assignment.pk)
    others = others.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=assignment.started_on))
    if assignment.ended_on is not None:
        others = others.filter(started_on__lte=assignment.ended_on)
    other = others.select_related("kind").order_by("started_on").first()
    if other is not None:
        raise ValidationError({"started_on": _overlap_message(other)})


def _overlap_message(other: Assignment) -> str:
    return _("与已有的全脱产历练“%(other)s”（%(start)s至%(end)s）时间重叠：同一时间只能有一个全脱产岗位。") % {
        "other": other,
        "start": other.started_on.isoformat(),
        "end": other.ended_on.isoformat() if other.ended_on else _("今"),
    }


def _save(assignment: Assignment, *, user: User) -> Assignment:
    kinds = AssignmentKind.objects.visible_to(user)
    if assignment.kind_id and not kinds.filter(pk=assignment.kind_id).exists():
        raise ValidationError({"kind": _("请选择本县可用的岗位类型。")})
    if assignment.ended_on and assignment.started_on and assignment.ended_on < assignment.started_on:
        raise ValidationError({"ended_on": _("结束日期不能早于开始日期。")})
    # Lock the reserve: two requests adding posts for one person are taken one at a time.
    Cadre.objects.select_for_update().filter(pk=assignment.cadre_id).first()
    _check_overlap(assignment)
    assignment.full_clean(validate_constraints=False)
    assignment._history_user = user
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError as exc:
        if "assignment_full_time_no_overlap" not in str(exc):
            raise
        raise ValidationError({"started_on": _("全脱产历练的时间不能与该后备干部的其他全脱产历练重叠。")}) from None
    return assignment


@transaction.atomic
def assignment_create(*, user: User, cadre: Cadre, data: dict[str, Any]) -> Assignment:
    _ensure_may_write(user=user, cadre_id=cadre.pk)
    assignment = Assignment(cadre=cadre, created_by=user, **{k: v for k, v in data.items() if k in ASSIGNMENT_FIELDS})
    return _save(assignment, user=user)


@transaction.atomic
def assignment_update(*, user: User, assignment: Assignment, data: dict[str, Any]) -> Assignment:
    _ensure_may_write(user=user, cadre_id=assignment.cadre_id)
    for key, value in data.items():
        if key in ASSIGNMENT_FIELDS:
            setattr(assignment, key, value)
    return _save(assignment, user=user)


@transaction.atomic
def deed_create(*, user: User, assignment: Assignment, data: dict[str, Any]) -> Deed:
    _ensure_may_write(user=user, cadre_id=assignment.cadre_id)
    deed = Deed(assignment=assignment, created_by=user, **{k: v for k, v in data.items() if k in DEED_FIELDS})
    if deed.date and deed.date < assignment.started_on:
        raise ValidationError({"date": _("事迹日期不能早于历练开始日期。")})
    deed.full_clean()
    deed._history_user = user
    deed.save()
    return deed


@transaction.atomic
def deed_set_publicized(*, user: User, deed: Deed, publicized: bool) -> Deed:
    """Only the county marks a deed for publicity (推荐宣传)."""
    if not can_manage_county(user):
        raise PermissionDenied(_("只有县委组织部可以推荐宣传典型事迹。"))
    _ensure_may_write(user=user, cadre_id=deed.assignment.cadre_id)
    deed.publicized = publicized
    deed._history_user = user
    deed.save(update_fields=["publicized", "updated_at"])
    return deed


KIND_FIELDS = ("name", "min_days", "order")


def builtin_kinds() -> dict[str, AssignmentKind]:
    """The built-in kinds by name, made where missing (a data migration adds them; a
    database emptied by a test, or restored from a dump without them, gets them back)."""
    kinds = {}
    for order, (name, min_days) in enumerate(BUILTIN_KINDS, start=1):
        kinds[name], _created = AssignmentKind.objects.get_or_create(
            county=None, name=name, defaults={"min_days": min_days, "order": order}
        )
    return kinds


@transaction.atomic
def assignment_kind_save(*, user: User, kind: AssignmentKind, data: dict[str, Any]) -> AssignmentKind:
    """County staff add kinds of post for their county; the built-in kinds (no county) are
    the deployment's, changed only by a superuser."""
    if not can_manage_county(user):
        raise PermissionDenied(_("只有县委组织部可以设置历练岗位类型。"))
    if not kind._state.adding and kind.county_id is None and not user.is_superuser:
        raise PermissionDenied(_("内置的岗位类型不能修改，可新增本县的岗位类型。"))
    if not kind._state.adding and kind.county_id and kind.county_id != user.county_id and not user.is_superuser:
        raise PermissionDenied(_("只能修改本县的岗位类型。"))
    for key, value in data.items():
        if key in KIND_FIELDS:
            setattr(kind, key, value)
    if kind._state.adding:
        kind.county_id = user.county_id
    kind.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            kind.save()
    except IntegrityError:
        raise ValidationError({"name": _("已有同名的岗位类型。")}) from None
    return kind


# The assessment year ---------------------------------------------------------------------

ACTIVE = (Status.RESERVE, Status.KEY_TRAINING)
YEAR_FIELDS = ("deadline", "democratic_required", "excellent_share", "excellent_from", "competent_from", "basic_from")


def _ensure_county_staff(user: User, county_id: int) -> None:
    if not can_manage_county(user) or (user.county_id and user.county_id != county_id):
        raise PermissionDenied(_("只有县委组织部可以设置考核年度和审定考核结果。"))


@transaction.atomic
def year_open(*, user: User, county_id: int, year: int, data: dict[str, Any]) -> AssessmentYear:
    """Open a county's assessment year with the default indicators (weights summing to 100)."""
    _ensure_county_staff(user, county_id)
    if AssessmentYear.objects.filter(county_id=county_id, year=year).exists():
        raise ValidationError({"year": _("%(year)s年度考核已经设置。") % {"year": year}})
    assessment_year = AssessmentYear(
        county_id=county_id, year=year, **{k: v for k, v in data.items() if k in YEAR_FIELDS}
    )
    assessment_year.full_clean()
    assessment_year.save()
    Indicator.objects.bulk_create(
        Indicator(year=assessment_year, name=name, weight=weight, order=order)
        for order, (name, weight) in enumerate(DEFAULT_INDICATORS, start=1)
    )
    return assessment_year


@transaction.atomic
def indicators_set(*, user: User, year: AssessmentYear, weights: list[tuple[str, int]]) -> None:
    """Replace the year's indicators; their weights must sum to 100, and they are fixed once
    a township has saved an assessment."""
    _ensure_county_staff(user, year.county_id)
    total = sum(weight for _name, weight in weights)
    if total != 100:
        raise ValidationError(_("各项指标权重之和应为100，现为%(total)s。") % {"total": total})
    if Assessment.objects.filter(year=year).exists():
        raise ValidationError(_("已有乡镇开始填报，考核指标不能再修改。"))
    year.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(year=year, name=name, weight=weight, order=order) for order, (name, weight) in enumerate(weights, 1)
    )


# The township's grid ------------------------------------------------------------------------

ASSESSMENT_FIELDS = (
    "visible_merits", "latent_merits", "voters", "votes_excellent", "votes_competent", "votes_basic",
    "votes_incompetent", "grade", "outcome",
)  # fmt: skip
VOTE_FIELDS = ("votes_excellent", "votes_competent", "votes_basic", "votes_incompetent")


def _township_writable(user: User, township_id: int) -> None:
    if not user.may_write:
        raise PermissionDenied(_("您的角色只能查看，不能修改。"))
    if not Township.objects.visible_to(user).filter(pk=township_id).exists():
        raise PermissionDenied(_("只能填报本辖区的考核。"))


def _submission(year: AssessmentYear, township_id: int) -> Submission:
    """The township's submission for the year, locked; opened as a draft if there is none."""
    submission, _created = Submission.objects.get_or_create(year=year, township_id=township_id)
    return Submission.objects.select_for_update().get(pk=submission.pk)


def _open_for_editing(*, user: User, year: AssessmentYear, township_id: int) -> Submission:
    """Check that the user may fill this township's grid for the year and that it is still
    editable; returns its submission, locked (opened as a draft if there is none)."""
    _township_writable(user, township_id)
    if not Township.objects.filter(pk=township_id, county_id=year.county_id).exists():
        raise PermissionDenied(_("该后备干部不属于本县。"))
    submission = _submission(year, township_id)
    if not submission.editable:
        raise ValidationError(
            _("本乡镇%(year)s“%(state)s”，不能再修改。") % {"year": year, "state": submission.get_state_display()}
        )
    return submission


@transaction.atomic
def assessment_save(*, user: User, year: AssessmentYear, cadre: Cadre, data: dict[str, Any]) -> Assessment:
    """Save one reserve's row of the grid as a draft: scores per indicator (``data["scores"]``,
    {indicator id: score or None}), the weighted total, remarks, tallies, grade and outcome."""
    _open_for_editing(user=user, year=year, township_id=cadre.village.township_id)
    return _save_row(user=user, year=year, cadre=cadre, data=data, indicators=list(year.indicators.all()))


def _save_row(
    *, user: User, year: AssessmentYear, cadre: Cadre, data: dict[str, Any], indicators: list[Indicator]
) -> Assessment:
    assessment = Assessment.objects.select_for_update().select_related("updated_by").filter(
        year=year, cadre=cadre
    ).first() or Assessment(year=year, cadre=cadre)
    # Optimistic locking: the page sends the version it showed; a save based on an older one
    # is refused rather than overwriting what someone else saved meanwhile.
    seen = data.get("version")
    if assessment.pk and seen is not None and seen != assessment.version:
        raise ValidationError(
            _("%(name)s的考核已被%(user)s于%(time)s修改，请刷新页面后再填写。")
            % {
                "name": cadre.name,
                "user": assessment.updated_by,
                "time": timezone.localtime(assessment.updated_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    for key in ASSESSMENT_FIELDS:
        if key in data:
            setattr(
                assessment, key, data[key] if data[key] is not None else Assessment._meta.get_field(key).get_default()
            )
    scores = {i.pk: data.get("scores", {}).get(i.pk) for i in indicators}
    errors = {}
    for indicator in indicators:
        score = scores[indicator.pk]
        if score is not None and not 0 <= score <= 100:
            errors[f"score_{indicator.pk}"] = _("%(name)s的得分应在0到100之间。") % {"name": indicator.name}
    votes = sum(getattr(assessment, f) for f in VOTE_FIELDS)
    if votes > assessment.voters:
        errors["voters"] = _("各档票数之和（%(votes)s）超过参加测评人数（%(voters)s）。") % {
            "votes": votes, "voters": assessment.voters,
        }  # fmt: skip
    if errors:
        raise ValidationError(errors)
    complete = indicators and all(scores[i.pk] is not None for i in indicators)
    # Rounded once, half up, to the two places the total keeps (85.5 × 15% gives 12.825).
    weighted = sum(Decimal(scores[i.pk]) * i.weight for i in indicators) / 100 if complete else None
    assessment.total = None if weighted is None else weighted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if assessment.outcome != Outcome.ADVANCE:
        assessment.seat = None  # a seat is only for 进
    assessment.updated_by = user
    assessment.version += 1
    assessment.full_clean(validate_constraints=False)
    assessment._history_user = user
    assessment.save()
    given = [IndicatorScore(assessment=assessment, indicator_id=pk, score=score) for pk, score in scores.items()
             if score is not None]  # fmt: skip
    IndicatorScore.objects.filter(assessment=assessment).exclude(
        indicator_id__in=[g.indicator_id for g in given]
    ).delete()
    IndicatorScore.objects.bulk_create(
        given, update_conflicts=True, unique_fields=["assessment", "indicator"], update_fields=["score"]
    )
    return assessment


def grid_save(*, user: User, year: AssessmentYear, rows: dict[Cadre, dict[str, Any]]) -> dict[int, ValidationError]:
    """Save every row that is right, each in its own savepoint; return the errors of the
    others by cadre id (their input stays on the page). A row left blank that was never
    saved stays unsaved: the township has not started on that reserve. Who may write and
    whether the township is still editable is checked once per township."""
    existing = set(Assessment.objects.filter(year=year, cadre__in=list(rows)).values_list("cadre_id", flat=True))
    indicators = list(year.indicators.all())
    closed: dict[int, ValidationError | None] = {}
    errors = {}
    for cadre, data in rows.items():
        if cadre.pk not in existing and _blank(data):
            continue
        township_id = cadre.village.township_id
        if township_id not in closed:
            try:
                _open_for_editing(user=user, year=year, township_id=township_id)
                closed[township_id] = None
            except ValidationError as exc:
                closed[township_id] = exc
        if closed[township_id] is not None:
            errors[cadre.pk] = closed[township_id]
            continue
        try:
            with transaction.atomic():
                _save_row(user=user, year=year, cadre=cadre, data=data, indicators=indicators)
        except ValidationError as exc:
            errors[cadre.pk] = exc
    return errors


@transaction.atomic
def assessment_set_seat(*, user: User, assessment: Assessment, seat: Seat | None) -> Assessment:
    """The county names the vacant seat a reserve proposed for 进 enters on approval (None:
    the key-training list instead). Only before approval, only a vacant seat of their village."""
    _ensure_county_staff(user, assessment.year.county_id)
    assessment = Assessment.objects.select_for_update().select_related("cadre__village").get(pk=assessment.pk)
    submission = Submission.objects.get(year=assessment.year, township_id=assessment.cadre.village.township_id)
    if submission.state == SubmissionState.APPROVED:
        raise ValidationError(_("已审定，不能再指定职位。"))
    if assessment.outcome != Outcome.ADVANCE:
        raise ValidationError(_("只有建议为“进”的人员才能指定进入的职位。"))
    if seat is not None and not Seat.objects.vacant().filter(pk=seat.pk, village=assessment.cadre.village).exists():
        raise ValidationError(_("请选择%(village)s的空缺职位。") % {"village": assessment.cadre.village.name})
    assessment.seat = seat
    assessment.save(update_fields=["seat", "updated_at"])
    return assessment


def _blank(data: dict[str, Any]) -> bool:
    return not any(v is not None for v in data.get("scores", {}).values()) and not any(
        data.get(key) for key in ASSESSMENT_FIELDS
    )


# The workflow: township submits, county approves or returns, reopens with a reason ------------


def _transition(*, user: User, submission: Submission, action: str, reason: str = "") -> Submission:
    to = TRANSITIONS.get((SubmissionState(submission.state), action))
    if to is None:
        raise ValidationError(_("当前状态为“%(state)s”，不能执行此操作。") % {"state": submission.get_state_display()})
    SubmissionEvent.objects.create(
        submission=submission, action=action, from_state=submission.state, to_state=to, reason=reason, user=user
    )
    submission.state = to
    submission.reason = reason
    submission.save(update_fields=["state", "reason", "updated_at"])
    return submission


def submission_problems(*, year: AssessmentYear, township_id: int) -> list[str]:
    """What keeps a township from submitting: reserves not (fully) assessed, too many 优秀,
    missing democratic evaluation. Empty when it may submit."""
    reserves = list(
        Cadre.objects.filter(village__township_id=township_id, status__in=ACTIVE).order_by("village__name", "name")
    )
    indicator_count = year.indicators.count()
    assessments = {
        a.cadre_id: a
        for a in Assessment.objects.filter(year=year, cadre__in=reserves).annotate(scored=models.Count("scores"))
    }
    problems = []
    incomplete = [
        c.name
        for c in reserves
        if (a := assessments.get(c.pk)) is None or a.scored < indicator_count or not a.grade or not a.outcome
    ]
    if incomplete:
        shown = "、".join(incomplete[:10]) + ("等" if len(incomplete) > 10 else "")
        problems.append(
            _("还有%(count)s名后备干部未评完（指标得分、等次和进退留转建议都要填写）：%(names)s。")
            % {"count": len(incomplete), "names": shown}
        )
    excellent = sum(1 for a in assessments.values() if a.grade == Grade.EXCELLENT)
    quota = year.excellent_quota(len(reserves))
    if excellent > quota:
        problems.append(
            _(
                "评为优秀的有%(excellent)s人，超过本乡镇名额%(quota)s人（在册后备干部%(count)s名的%(share)s%%，向下取整）。"
            )
            % {"excellent": excellent, "quota": quota, "count": len(reserves), "share": year.excellent_share}
        )
    if year.democratic_required:
        missing = [c.name for c in reserves if (a := assessments.get(c.pk)) is not None and not a.voters]
        if missing:
            problems.append(
                _("以下人员未填写民主测评：%(names)s。")
                % {"names": "、".join(missing[:10]) + ("等" if len(missing) > 10 else "")}
            )
    return problems


@transaction.atomic
def submission_submit(*, user: User, year: AssessmentYear, township_id: int) -> Submission:
    _township_writable(user, township_id)
    submission = _submission(year, township_id)
    if submission.editable:
        problems = submission_problems(year=year, township_id=township_id)
        if problems:
            raise ValidationError(problems)
    return _transition(user=user, submission=submission, action="submit")


@transaction.atomic
def submission_review(*, user: User, submission: Submission, action: str, reason: str = "") -> Submission:
    """The county's review: ``approve``, ``return`` (with a reason: the township edits
    again) or ``reopen`` an approved township (with a reason, kept)."""
    _ensure_county_staff(user, submission.year.county_id)
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if action in ("return", "reopen") and not reason.strip():
        raise ValidationError({"reason": _("请填写原因。")})
    if action not in ("approve", "return", "reopen"):
        raise ValidationError(_("未知的操作。"))
    submission = _transition(user=user, submission=submission, action=action, reason=reason.strip())
    if action == "approve":
        _apply_outcomes(user=user, submission=submission)
    return submission


OUTCOME_REASON = "%(year)s：考核等次%(grade)s，退出后备干部队伍"


def _apply_outcomes(*, user: User, submission: Submission) -> None:
    """On approval, in the approval's transaction: 进 puts a reserve on the key-training
    list, 退 ends their reserve status (the cadre app's lifecycle and its events apply:
    their pairing ends); 留 and 转 are recorded as they are. Any refusal rolls the whole
    township's approval back, naming the reserve."""
    today = timezone.localdate()
    assessments = Assessment.objects.filter(
        year=submission.year,
        cadre__village__township_id=submission.township_id,
        outcome__in=(Outcome.ADVANCE, Outcome.EXIT),
    ).select_related("cadre__village", "seat")
    for assessment in assessments:
        cadre = assessment.cadre
        try:
            if assessment.outcome == Outcome.ADVANCE and assessment.seat_id:
                cadre_change_status(user=user, cadre=cadre, to=Status.SEATED, on=today, seat=assessment.seat)
            elif assessment.outcome == Outcome.ADVANCE and cadre.status == Status.RESERVE:
                cadre_change_status(user=user, cadre=cadre, to=Status.KEY_TRAINING, on=today)
            elif assessment.outcome == Outcome.EXIT:
                reason = OUTCOME_REASON % {"year": submission.year, "grade": assessment.get_grade_display()}
                cadre_change_status(user=user, cadre=cadre, to=Status.LEFT, on=today, reason=reason)
        except ValidationError as exc:
            message = _("%(name)s：%(problem)s。本乡镇未审定，请核实后再审定。") % {
                "name": cadre.name,
                "problem": "；".join(exc.messages).rstrip("。"),
            }
            raise ValidationError(message) from None
