"""Every change to mentors, pairings and mentoring logs goes through here."""

import datetime as dt
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scoping import can_manage_county, can_write
from cadre.models import Cadre, Status
from org.models import Township

from .models import CountyPolicy, EnteredBy, Mentor, MentoringLog, Pairing
from .selectors import mentor_capacity

MENTOR_FIELDS = ("township", "name", "kind", "unit", "post", "phone", "specialties", "is_active", "max_mentees")
LOG_FIELDS = ("date", "form", "place", "content", "hours", "attachment", "entered_by")
ATTACHMENT_TYPES = {"pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt"}
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

_Model = TypeVar("_Model", bound=models.Model)


def _ensure_township_in_scope(*, user: User, township_id: int) -> None:
    if not can_write(user):
        raise PermissionDenied(_("您的角色只能查看，不能修改。"))
    if not Township.objects.visible_to(user).filter(pk=township_id).exists():
        raise PermissionDenied(_("只能管理本辖区的导师和结对。"))


def _save(obj: _Model, *, user: User, validate_constraints: bool = True) -> _Model:
    obj.full_clean(validate_constraints=validate_constraints)
    obj._history_user = user
    obj.save()
    return obj


# Mentors -------------------------------------------------------------------------------


@transaction.atomic
def mentor_create(*, user: User, data: dict) -> Mentor:
    _ensure_township_in_scope(user=user, township_id=data["township"].pk)
    return _save(Mentor(**{k: v for k, v in data.items() if k in MENTOR_FIELDS}), user=user)


@transaction.atomic
def mentor_update(*, user: User, mentor: Mentor, data: dict) -> Mentor:
    stored_township = Mentor.objects.values_list("township_id", flat=True).get(pk=mentor.pk)
    _ensure_township_in_scope(user=user, township_id=stored_township)
    for key, value in data.items():
        if key in MENTOR_FIELDS:
            setattr(mentor, key, value)
    if mentor.township_id != stored_township:
        _ensure_township_in_scope(user=user, township_id=mentor.township_id)
    load = mentor.pairings.filter(ended_on__isnull=True).count()
    if mentor.max_mentees < load:
        raise ValidationError({"max_mentees": _("导师当前在带%(load)s人，可带人数不能少于%(load)s。") % {"load": load}})
    return _save(mentor, user=user)


# Pairings ------------------------------------------------------------------------------


@transaction.atomic
def pairing_create(
    *,
    user: User,
    cadre: Cadre,
    mentor: Mentor,
    started_on: dt.date,
    planned_end_on: dt.date | None = None,
    goals: str = "",
) -> Pairing:
    """Pair a reserve with a mentor. Safe under concurrent requests: the mentor's row is
    locked while their load is counted, and the database refuses a second active pairing
    of the same reserve."""
    _ensure_township_in_scope(user=user, township_id=cadre.village.township_id)
    # Lock order: mentor, then cadre, in every caller, so two requests cannot deadlock.
    mentor = Mentor.objects.select_for_update().select_related("township").get(pk=mentor.pk)
    cadre = Cadre.objects.select_for_update().select_related("village__township").get(pk=cadre.pk)
    if mentor.township.county_id != cadre.village.township.county_id:
        raise ValidationError({"mentor": _("导师与后备干部不在同一个县(区)。")})
    if not mentor.is_active:
        raise ValidationError({"mentor": _("导师%(name)s已不在导师库中。") % {"name": mentor.name}})
    if cadre.status not in (Status.RESERVE, Status.KEY_TRAINING):
        raise ValidationError(
            {
                "cadre": _("%(name)s当前状态为“%(get_status_display)s”，不能结对。")
                % {"name": cadre.name, "get_status_display": cadre.get_status_display()}
            }
        )
    if Pairing.objects.filter(cadre=cadre, ended_on__isnull=True).exists():
        raise ValidationError({"cadre": _("%(name)s已有在帮导师，请先结束原结对再重新结对。") % {"name": cadre.name}})
    capacity = mentor_capacity(mentor)
    if Pairing.objects.filter(mentor=mentor, ended_on__isnull=True).count() >= capacity:
        raise ValidationError(
            {
                "mentor": _("导师%(name)s已带满%(capacity)s名后备干部，不能再结对。")
                % {"name": mentor.name, "capacity": capacity}
            }
        )
    pairing = Pairing(
        cadre=cadre, mentor=mentor, started_on=started_on, planned_end_on=planned_end_on, goals=goals,
        created_by=user,
    )  # fmt: skip
    try:
        with transaction.atomic():
            return _save(pairing, user=user)
    except IntegrityError:
        raise ValidationError(
            {"cadre": _("%(name)s已有在帮导师，请先结束原结对再重新结对。") % {"name": cadre.name}}
        ) from None


@transaction.atomic
def pairing_end(*, user: User, pairing: Pairing, ended_on: dt.date, reason: str) -> Pairing:
    pairing = Pairing.objects.select_for_update().select_related("cadre__village").get(pk=pairing.pk)
    _ensure_township_in_scope(user=user, township_id=pairing.cadre.village.township_id)
    if pairing.ended_on is not None:
        raise ValidationError(_("该结对已经结束。"))
    if not reason.strip():
        raise ValidationError({"end_reason": _("请填写结束原因。")})
    if ended_on < pairing.started_on:
        raise ValidationError({"ended_on": _("结束时间不能早于结对时间。")})
    last_log = pairing.logs.order_by("-date").values_list("date", flat=True).first()
    if last_log and ended_on < last_log:
        raise ValidationError(
            {
                "ended_on": _("结束时间不能早于最后一次帮带记录（%(last_log)s）。")
                % {"last_log": format(last_log, "%Y-%m-%d")}
            }
        )
    pairing.ended_on = ended_on
    pairing.end_reason = reason.strip()
    return _save(pairing, user=user)


def pairing_end_for_cadre(*, user: User, cadre: Cadre, on: dt.date, reason: str) -> Pairing | None:
    """End the reserve's active pairing, if any, when they leave the reserve (entering a
    seat or leaving): no earlier than the pairing's start or its last log."""
    pairing = Pairing.objects.filter(cadre=cadre, ended_on__isnull=True).first()
    if pairing is None:
        return None
    return pairing_end(user=user, pairing=pairing, ended_on=pairing_end_date(pairing=pairing, on=on), reason=reason)


def pairing_end_date(*, pairing: Pairing, on: dt.date) -> dt.date:
    """When a pairing ended by the reserve leaving the pool ends: ``on``, but no earlier
    than its start or its last (not withdrawn) log entry."""
    last_log = pairing.logs.order_by("-date").values_list("date", flat=True).first()
    return max(d for d in (on, pairing.started_on, last_log) if d)


PAIRING_FIELDS = ("started_on", "planned_end_on", "goals")


@transaction.atomic
def pairing_update(*, user: User, pairing: Pairing, data: dict) -> Pairing:
    """Correct a pairing's details (start, planned end, goals); who may pair may correct.
    The start cannot move after its first log entry or its end."""
    pairing = Pairing.objects.select_for_update().select_related("cadre__village").get(pk=pairing.pk)
    _ensure_township_in_scope(user=user, township_id=pairing.cadre.village.township_id)
    for key, value in data.items():
        if key in PAIRING_FIELDS:
            setattr(pairing, key, value)
    first_log = pairing.logs.order_by("date").values_list("date", flat=True).first()
    if first_log and pairing.started_on > first_log:
        raise ValidationError(
            {"started_on": _("结对时间不能晚于第一条帮带记录（%(date)s）。") % {"date": f"{first_log:%Y-%m-%d}"}}
        )
    if pairing.ended_on and pairing.started_on > pairing.ended_on:
        raise ValidationError({"started_on": _("结对时间不能晚于结束时间。")})
    if pairing.planned_end_on and pairing.planned_end_on < pairing.started_on:
        raise ValidationError({"planned_end_on": _("计划结束时间不能早于结对时间。")})
    return _save(pairing, user=user)


# Mentoring log -------------------------------------------------------------------------


def default_entered_by(user: User) -> str:
    return EnteredBy.TOWNSHIP if user.role == Role.TOWNSHIP else EnteredBy.COUNTY


@transaction.atomic
def mentoring_log_create(*, user: User, pairing: Pairing, data: dict) -> MentoringLog:
    _ensure_township_in_scope(user=user, township_id=pairing.cadre.village.township_id)
    log = MentoringLog(pairing=pairing, created_by=user, **{k: v for k, v in data.items() if k in LOG_FIELDS})
    if not log.entered_by:
        log.entered_by = default_entered_by(user)
    _check_log(log, pairing=pairing)
    # The log's check constraints repeat its field validation (form choices, entered-by
    # choices, the hours range), which full_clean has already done; checking them again
    # costs a query each, and the database enforces them anyway.
    return _save(log, user=user, validate_constraints=False)


def _check_log(log: MentoringLog, *, pairing: Pairing) -> None:
    if log.date and log.date < pairing.started_on:
        raise ValidationError({"date": _("帮带日期不能早于结对时间。")})
    if log.date and pairing.ended_on and log.date > pairing.ended_on:
        raise ValidationError({"date": _("帮带日期不能晚于结对结束时间。")})
    if log.attachment and not getattr(log.attachment, "_committed", True):
        _check_attachment(log.attachment)


def _locked_log(*, user: User, log: MentoringLog) -> MentoringLog:
    """The entry, locked, if the user may write its pairing (the rule of creating one)."""
    log = (
        MentoringLog.with_withdrawn.select_for_update(of=("self",))
        .select_related("pairing__cadre__village")
        .get(pk=log.pk)
    )
    _ensure_township_in_scope(user=user, township_id=log.pairing.cadre.village.township_id)
    if log.is_withdrawn:
        raise ValidationError(_("该帮带记录已撤回，不能再修改。"))
    return log


@transaction.atomic
def mentoring_log_update(*, user: User, log: MentoringLog, data: dict) -> MentoringLog:
    """Correct an entry; the history keeps what it said before and who changed it."""
    log = _locked_log(user=user, log=log)
    for key, value in data.items():
        if key in LOG_FIELDS and not (key == "attachment" and not value):
            setattr(log, key, value)
    if not log.entered_by:
        log.entered_by = default_entered_by(user)
    _check_log(log, pairing=log.pairing)
    return _save(log, user=user, validate_constraints=False)


@transaction.atomic
def mentoring_log_withdraw(*, user: User, log: MentoringLog, reason: str) -> MentoringLog:
    """Withdraw a wrong entry (撤回): it stays, marked with who, when and why, and no
    longer counts anywhere (see ``CurrentLogManager``)."""
    log = _locked_log(user=user, log=log)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因。")})
    log.withdrawn_at = timezone.now()
    log.withdrawn_by = user
    log.withdrawn_reason = reason.strip()[:200]
    log._change_reason = f"撤回：{log.withdrawn_reason}"
    return _save(log, user=user, validate_constraints=False)


def _check_attachment(upload: File) -> None:
    name = getattr(upload, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ATTACHMENT_TYPES:
        allowed = "、".join(sorted(ATTACHMENT_TYPES))
        raise ValidationError(
            {
                "attachment": _("附件类型不支持（.%(value)s），只能上传：%(allowed)s")
                % {"value": ext or _("无扩展名"), "allowed": allowed}
            }
        )
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"attachment": _("附件不能超过10MB。")})


# County policy -------------------------------------------------------------------------


@transaction.atomic
def policy_update(
    *, user: User, county_id: int, mentee_limit: int, requirements: dict[str, int | None]
) -> CountyPolicy:
    """Set the county's mentee limit and, per activity form, how many months may pass
    between two activities (None: no requirement)."""
    if not can_manage_county(user) or (user.county_id and user.county_id != county_id):
        raise PermissionDenied(_("只有县委组织部可以修改导师帮带制度。"))
    policy, _created = CountyPolicy.objects.select_for_update().get_or_create(county_id=county_id)
    policy.mentee_limit = mentee_limit
    _save(policy, user=user)
    for form, months in requirements.items():
        if months:
            policy.requirements.update_or_create(form=form, defaults={"every_months": months})
        else:
            policy.requirements.filter(form=form).delete()
    return policy
