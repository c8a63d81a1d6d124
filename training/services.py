"""Every change to training sessions, attendance and training needs goes through here.

Who may do what:
* county staff create and edit any session of their county, 县级 or 乡镇级, and mark any
  reserve the session is for;
* a township secretary creates and edits only 乡镇级 sessions organised by their own
  township, and marks (or enters needs for) only their own township's reserves;
* leaders only read.
A session's target townships are townships of its county; a 乡镇级 session listing none is
for its organising township. Attendance and needs are saved in bulk, all or nothing: one
bad row and nothing of the request is saved, with every row's problem named.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.scoping import user_county_id
from cadre.models import Cadre, Status, Tier
from common.scope import Scope
from org.models import Township

from .models import Attendance, AttendanceStatus, Level, Topic, TrainingNeed, TrainingSession
from .selectors import session_visible, with_target_flag

SESSION_FIELDS = (
    "title", "level", "kind", "organizer", "date", "hours", "place", "lecturer", "target_tiers", "has_exam",
    "needs_deadline", "notes",
)  # fmt: skip
NOTE_MAX = Attendance._meta.get_field("note").max_length
DETAILS_MAX = TrainingNeed._meta.get_field("details").max_length


def _ensure_writer(user: User) -> None:
    if not user.may_write:
        raise PermissionDenied(_("您的角色只能查看，不能修改。"))


def _row_error(message: str, cadre_id: Any) -> ValidationError:
    """A row's error, naming the cadre it is about (``params["cadre"]``) so that a page can
    mark the row; the message is final text, its % signs escaped for ValidationError."""
    return ValidationError(message.replace("%", "%%"), code="row", params={"cadre": cadre_id})


# Sessions -------------------------------------------------------------------------------------


def may_edit_session(*, user: User, session: TrainingSession) -> bool:
    """Whether the user may edit a session they can see: county staff any of their county's,
    a township secretary the 乡镇级 sessions their township organises."""
    if not user.may_write:
        return False
    return user.role != Role.TOWNSHIP or (session.level == Level.TOWNSHIP and session.organizer_id == user.township_id)


def _ensure_may_edit(user: User, session: TrainingSession) -> None:
    _ensure_writer(user)
    if not session_visible(user=user).filter(pk=session.pk).exists():
        raise PermissionDenied(_("只能修改本辖区的培训班次。"))
    if not may_edit_session(user=user, session=session):
        raise PermissionDenied(_("乡镇只能修改本乡镇举办的乡镇级培训。"))


@transaction.atomic
def session_create(*, user: User, data: Mapping[str, Any]) -> TrainingSession:
    """A new session of the user's county (a superuser without a county names it in
    ``data["county"]``); ``data["target_townships"]`` lists the townships it is for."""
    _ensure_writer(user)
    county_id = user_county_id(user)
    if county_id is None and user.is_superuser and data.get("county") is not None:
        county_id = data["county"].pk
    if county_id is None:
        raise ValidationError({"county": _("请选择县(区)。")})
    session = TrainingSession(county_id=county_id, created_by=user)
    return _save_session(user=user, session=session, data=data)


@transaction.atomic
def session_update(*, user: User, session: TrainingSession, data: Mapping[str, Any]) -> TrainingSession:
    # The rights are checked on the stored row (a form may have changed the instance it was given).
    session = TrainingSession.objects.select_for_update().get(pk=session.pk)
    _ensure_may_edit(user, session)
    return _save_session(user=user, session=session, data=data)


def _save_session(*, user: User, session: TrainingSession, data: Mapping[str, Any]) -> TrainingSession:
    for key in SESSION_FIELDS:
        if key in data:
            setattr(session, key, data[key] if data[key] is not None or key != "target_tiers" else [])
    tiers = list(dict.fromkeys(session.target_tiers or []))
    session.target_tiers = [t for t in Tier.values if t in tiers] + [t for t in tiers if t not in Tier.values]
    if session.level == Level.COUNTY:
        session.organizer = None
        if user.role == Role.TOWNSHIP:
            raise ValidationError({"level": _("乡镇只能举办本乡镇的乡镇级培训。")})
    elif session.organizer_id is None:
        raise ValidationError({"organizer": _("乡镇级培训须填写举办乡镇。")})
    elif user.role == Role.TOWNSHIP and session.organizer_id != user.township_id:
        raise ValidationError({"organizer": _("乡镇只能举办本乡镇的乡镇级培训。")})
    elif not Township.objects.filter(pk=session.organizer_id, county_id=session.county_id).exists():
        raise ValidationError({"organizer": _("举办乡镇须是本县的乡镇。")})

    townships = data.get("target_townships")
    target_ids = None if townships is None else sorted({t.pk if isinstance(t, Township) else int(t) for t in townships})
    if target_ids:
        found = list(Township.objects.filter(pk__in=target_ids).order_by().values_list("county_id", "name"))
        foreign = [name for county_id, name in found if county_id != session.county_id]
        if foreign or len(found) != len(target_ids):
            names = "、".join(foreign) or _("（不存在的乡镇）")
            raise ValidationError({"target_townships": _("参训乡镇须是本县的乡镇：%(names)s") % {"names": names}})
    if user.role == Role.TOWNSHIP and target_ids and set(target_ids) != {user.township_id}:
        raise ValidationError({"target_townships": _("乡镇举办的培训只能面向本乡镇。")})
    adding = session._state.adding
    if session.level == Level.TOWNSHIP and not target_ids and (adding or target_ids is not None):
        target_ids = [session.organizer_id]  # a township's session with no targets is for that township
    session.full_clean(exclude=["created_by", "county"])
    if not adding:
        _check_recorded_still_fit(session, target_ids)
    session._history_user = user
    session.save()
    if target_ids is not None:
        session.target_townships.set(target_ids)
    return session


def _check_recorded_still_fit(session: TrainingSession, target_ids: list[int] | None) -> None:
    """An edit may not leave recorded attendance outside the session: no exam once scores
    are entered, no narrowing of townships or tiers past reserves already marked."""
    recorded = Attendance.objects.filter(session=session)
    if not session.has_exam and recorded.filter(exam_score__isnull=False).exists():
        raise ValidationError({"has_exam": _("已有人员录入了考试成绩，不能取消结业考试。")})
    outside = Q(pk__in=[])
    if session.target_tiers:
        outside |= ~Q(cadre__tier__in=session.target_tiers)
    if target_ids:
        outside |= ~Q(cadre__village__township_id__in=target_ids)
    count = recorded.filter(outside).count()
    if count:
        raise ValidationError(
            {"target_townships": _("已有%(count)s名不在新参训范围内的人员记录了考勤，不能这样缩小参训范围。")
             % {"count": count}}
        )  # fmt: skip


# Attendance ------------------------------------------------------------------------------------


def _cadre_id(row: Mapping[str, Any]) -> Any:
    cadre = row.get("cadre")
    return cadre.pk if isinstance(cadre, Cadre) else cadre


def _parse_score(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError from None


@dataclass(frozen=True)
class _Row:
    """One input row with the cadre it names: None when that is nobody the user may
    record (then only the id names it, so another township's reserve stays unnamed)."""

    data: Mapping[str, Any]
    cadre_id: Any
    cadre: Cadre | None

    @property
    def name(self) -> str:
        return self.cadre.name if self.cadre is not None else str(self.cadre_id)


def _load_rows(
    *, user: User, session: TrainingSession, rows: Sequence[Mapping[str, Any]], what: str
) -> tuple[list[_Row], list[ValidationError]]:
    """The rows with the cadres they name, loaded in one query, and the errors of rows
    naming someone the user may not record: not found, another county or township, left,
    not a target, twice."""
    ids = [_cadre_id(row) for row in rows]
    wanted = [i for i in ids if isinstance(i, int) or (isinstance(i, str) and i.isdigit())]
    cadres = {
        c.pk: c
        for c in with_target_flag(Cadre.objects.filter(pk__in=wanted), session).select_related("village__township")
    }
    scope = Scope.of(user)
    loaded, errors, seen = [], [], set()
    for row, cadre_id in zip(rows, ids, strict=True):
        cadre = cadres.get(int(cadre_id)) if cadre_id in wanted else None
        if cadre is None or cadre.village.township.county_id != session.county_id:
            errors.append(_row_error(_("找不到编号为%(id)s的本县后备干部。") % {"id": cadre_id}, cadre_id))
            cadre = None
        elif scope.is_township and cadre.village.township_id != scope.township_id:
            # Named by id only: a township does not learn who another township's reserves are.
            message = _("编号为%(id)s的人员不是本乡镇的后备干部，只能%(what)s本乡镇的后备干部。")
            errors.append(_row_error(message % {"id": cadre.pk, "what": what}, cadre.pk))
            cadre = None
        elif cadre.status == Status.LEFT:
            errors.append(_row_error(_("%(name)s已退出后备干部队伍。") % {"name": cadre.name}, cadre.pk))
        elif not cadre.is_target:
            errors.append(_row_error(_("%(name)s不在本次培训的参训范围内。") % {"name": cadre.name}, cadre.pk))
        elif cadre.pk in seen:
            errors.append(_row_error(_("%(name)s重复出现。") % {"name": cadre.name}, cadre.pk))
        if cadre is not None:
            seen.add(cadre.pk)
        loaded.append(_Row(data=row, cadre_id=cadre_id, cadre=cadre))
    return loaded, errors


@transaction.atomic
def attendance_save(*, user: User, session: TrainingSession, rows: Sequence[Mapping[str, Any]]) -> list[Attendance]:
    """Record many reserves' attendance of a session at once: each row is ``cadre`` (a
    Cadre or its id), ``status`` (出勤/缺勤/请假), ``exam_score`` (only for present
    reserves of a session with an exam) and ``note``. All or nothing: any bad row and
    nothing is saved, every problem named. Saved in one upsert (a row already recorded
    is changed)."""
    _ensure_writer(user)
    if not session_visible(user=user).filter(pk=session.pk).exists():
        raise PermissionDenied(_("只能记录本辖区培训班次的考勤。"))
    if session.date > timezone.localdate():
        raise ValidationError(_("培训尚未举行（%(date)s），不能记录考勤。") % {"date": session.date.isoformat()})
    if not rows:
        return []
    loaded, errors = _load_rows(user=user, session=session, rows=rows, what=_("记录"))
    statuses = dict(AttendanceStatus.choices)
    records = []
    for row in loaded:
        cadre, cadre_id, name = row.cadre, row.cadre_id, row.name
        status = row.data.get("status") or ""
        if status not in statuses:
            errors.append(_row_error(_("%(name)s：请选择出勤、缺勤或请假。") % {"name": name}, cadre_id))
            continue
        try:
            score = _parse_score(row.data.get("exam_score"))
        except ValueError:
            errors.append(_row_error(_("%(name)s：考试成绩应为数字。") % {"name": name}, cadre_id))
            continue
        if score is not None:
            if not session.has_exam:
                message = _("%(name)s：本次培训没有结业考试，不能填写考试成绩。")
            elif status != AttendanceStatus.PRESENT:
                message = _("%(name)s：%(status)s人员不能填写考试成绩，只有出勤人员才有成绩。")
            elif not Decimal(0) <= score <= Decimal(100):
                message = _("%(name)s：考试成绩应在0到100之间。")
            elif score != score.quantize(Decimal("0.1")):
                message = _("%(name)s：考试成绩最多保留一位小数。")
            else:
                message = ""
            if message:
                errors.append(_row_error(message % {"name": name, "status": statuses[status]}, cadre_id))
                continue
        note = str(row.data.get("note") or "").strip()
        if len(note) > NOTE_MAX:
            errors.append(
                _row_error(_("%(name)s：备注不能超过%(max)s个字。") % {"name": name, "max": NOTE_MAX}, cadre_id)
            )
            continue
        if cadre is not None:
            records.append(
                Attendance(session=session, cadre=cadre, status=status, exam_score=score, note=note, recorded_by=user)
            )
    if errors:
        raise ValidationError(errors)
    Attendance.objects.bulk_create(
        records,
        update_conflicts=True,
        unique_fields=["session", "cadre"],
        update_fields=["status", "exam_score", "note", "recorded_by", "updated_at"],
    )
    return records


# Training needs ---------------------------------------------------------------------------------


@transaction.atomic
def needs_save(*, user: User, session: TrainingSession, rows: Sequence[Mapping[str, Any]]) -> int:
    """Record many reserves' training needs for a session at once: each row is ``cadre``
    (a Cadre or its id), ``topics`` (Topic values; none clears the reserve's need) and
    ``details``. All or nothing, as attendance. A township enters needs until the
    session's deadline; the county at any time. Returns the number of needs saved."""
    _ensure_writer(user)
    if not session_visible(user=user).filter(pk=session.pk).exists():
        raise PermissionDenied(_("只能填报本辖区培训班次的培训需求。"))
    if (
        user.role == Role.TOWNSHIP
        and session.needs_deadline is not None
        and session.needs_deadline < timezone.localdate()
    ):
        raise ValidationError(_("本次培训的需求征集已于%(date)s截止。") % {"date": session.needs_deadline.isoformat()})
    if not rows:
        return 0
    loaded, errors = _load_rows(user=user, session=session, rows=rows, what=_("填报"))
    labels = dict(Topic.choices)
    records, cleared = [], []
    for row in loaded:
        cadre, cadre_id, name = row.cadre, row.cadre_id, row.name
        topics = list(dict.fromkeys(row.data.get("topics") or []))
        unknown = [t for t in topics if t not in labels]
        details = str(row.data.get("details") or "").strip()
        if unknown:
            message = _("%(name)s：无法识别的需求主题：%(topics)s。") % {"name": name, "topics": "、".join(unknown)}
            errors.append(_row_error(message, cadre_id))
        elif not topics and details:
            errors.append(_row_error(_("%(name)s：请至少选择一个需求主题。") % {"name": name}, cadre_id))
        elif len(details) > DETAILS_MAX:
            errors.append(
                _row_error(_("%(name)s：具体需求不能超过%(max)s个字。") % {"name": name, "max": DETAILS_MAX}, cadre_id)
            )
        elif cadre is not None and not topics:
            cleared.append(cadre.pk)
        elif cadre is not None:
            ordered = [t for t in Topic.values if t in topics]
            records.append(
                TrainingNeed(session=session, cadre=cadre, topics=ordered, details=details, recorded_by=user)
            )
    if errors:
        raise ValidationError(errors)
    if cleared:
        TrainingNeed.objects.filter(session=session, cadre_id__in=cleared).delete()
    TrainingNeed.objects.bulk_create(
        records,
        update_conflicts=True,
        unique_fields=["session", "cadre"],
        update_fields=["topics", "details", "recorded_by", "updated_at"],
    )
    return len(records)


def need_save(
    *, user: User, session: TrainingSession, cadre: Cadre, topics: Iterable[str], details: str = ""
) -> TrainingNeed | None:
    """One reserve's need (no topics: their need is removed)."""
    needs_save(user=user, session=session, rows=[{"cadre": cadre, "topics": list(topics), "details": details}])
    return TrainingNeed.objects.filter(session=session, cadre=cadre).first()
