"""Every change to frontline assignments and typical deeds goes through here."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.scoping import can_manage_county
from cadre.models import Cadre

from .models import Assignment, AssignmentKind, Deed

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
