import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateField,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import User
from cadre.models import Cadre, Status
from cadre.roster.columns import label_of
from common.collation import pinyin_ordering
from common.scope import Scope

from .dates import add_months
from .models import CountyPolicy, FormRequirement, Mentor, MentoringLog, Pairing

ACTIVE_RESERVE = (Status.RESERVE, Status.KEY_TRAINING)


def county_policy(county_id: int) -> CountyPolicy:
    """The county's mentoring rules; a county that never saved any gets the defaults,
    unsaved (reads never write: only ``services.policy_update`` stores a policy)."""
    return CountyPolicy.objects.filter(county_id=county_id).first() or CountyPolicy(county_id=county_id)


def mentor_capacity(mentor: Mentor, *, county_limit: int | None = None) -> int:
    """How many reserves the mentor may take at once: their own limit, capped by the
    county's (pass ``county_limit`` when checking many mentors of one county)."""
    if county_limit is None:
        county_limit = county_policy(mentor.township.county_id).mentee_limit
    return min(mentor.max_mentees, county_limit)


def mentor_list(*, user: User) -> QuerySet[Mentor]:
    """Mentors in scope with ``active_count`` (在帮人数). The count is a subquery per row,
    so a page of 30 counts 30 mentors' pairings, not every mentor's before the cut."""
    active = (
        Pairing.objects.filter(mentor=OuterRef("pk"), ended_on__isnull=True)
        .order_by()
        .values("mentor")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Mentor.objects.visible_to(user)
        .select_related("township", "township__county")
        .annotate(active_count=Coalesce(Subquery(active), 0))
        .order_by(*pinyin_ordering("township__name", "name", "pk"))
    )


def mentor_get(*, user: User, pk: int | str) -> Mentor:
    return get_object_or_404(mentor_list(user=user), pk=pk)


def pairing_list(*, user: User | Scope) -> QuerySet[Pairing]:
    return Pairing.objects.visible_to(user).select_related(
        "cadre", "cadre__village", "cadre__village__township", "mentor"
    )


def pairing_get(*, user: User, pk: int | str) -> Pairing:
    return get_object_or_404(pairing_list(user=user), pk=pk)


def mentoring_log_list(*, user: User) -> QuerySet[MentoringLog]:
    return MentoringLog.objects.visible_to(user).select_related(
        "pairing", "pairing__cadre", "pairing__mentor", "created_by"
    )


def mentoring_log_get(*, user: User, pk: int | str) -> MentoringLog:
    """One entry, withdrawn or not, if the user may see its pairing."""
    return get_object_or_404(
        MentoringLog.with_withdrawn.visible_to(user).select_related("pairing__cadre__village", "pairing__mentor"),
        pk=pk,
    )


def pairing_log_history(*, pairing: Pairing) -> QuerySet[MentoringLog]:
    """The pairing's whole log for its page, withdrawn entries included (they are marked)."""
    return MentoringLog.with_withdrawn.filter(pairing=pairing).select_related("created_by", "withdrawn_by")


CADRE_PAGE_LOGS = 10


def cadre_mentorship(*, cadre: Cadre, user: User | None = None) -> dict:
    """What the cadre page shows: the current mentor, past pairings and the latest log
    entries (the pairing page has the whole log)."""
    pairings = list(cadre.pairings.select_related("mentor").order_by("-started_on", "-pk"))
    logs = (
        MentoringLog.objects.filter(pairing__cadre=cadre)
        .select_related("pairing__mentor")
        .order_by("-date", "-pk")[:CADRE_PAGE_LOGS]
    )
    active = next((p for p in pairings if p.is_active), None)
    return {"active_pairing": active, "pairings": pairings, "logs": list(logs)}


def reserves_without_mentor(*, user: User) -> QuerySet[Cadre]:
    active_pairing = Pairing.objects.filter(cadre=OuterRef("pk"), ended_on__isnull=True)
    return (
        Cadre.objects.visible_to(user)
        .filter(status__in=ACTIVE_RESERVE)
        .exclude(Exists(active_pairing))
        .select_related("village", "village__township")
        .order_by(*pinyin_ordering("village__township__name", "village__name", "name"))
    )


@dataclass(frozen=True)
class Suggestion:
    mentor: Mentor
    score: int
    reasons: list[str]
    load: int
    capacity: int


def mentor_suggestions(*, user: User, cadre: Cadre, limit: int = 8) -> list[Suggestion]:
    """Mentors with room for the reserve, best first: same township (镇带村), specialties
    that match the reserve's source and specialty, lightest load (load balancing)."""
    wanted = f"{cadre.specialty} {cadre.current_job} {label_of('source', cadre.source)}"
    county_id = cadre.village.township.county_id
    county_limit = county_policy(county_id).mentee_limit
    suggestions = []
    for mentor in mentor_list(user=user).filter(is_active=True, township__county_id=county_id):
        capacity = mentor_capacity(mentor, county_limit=county_limit)
        if mentor.active_count >= capacity:
            continue
        score, reasons = 0, []
        if mentor.township_id == cadre.village.township_id:
            score += 100
            reasons.append(_("同一乡镇"))
        matched = [s for s in mentor.specialty_list if s in wanted]
        if matched:
            score += 30 * len(matched)
            reasons.append(_("专长匹配：%(specialties)s") % {"specialties": "、".join(matched)})
        score -= 10 * mentor.active_count
        reasons.append(_("已带%(load)s/%(capacity)s人") % {"load": mentor.active_count, "capacity": capacity})
        suggestions.append(Suggestion(mentor, score, reasons, mentor.active_count, capacity))
    suggestions.sort(key=lambda s: (-s.score, s.mentor.name))
    return suggestions[:limit]


@dataclass(frozen=True)
class Overdue:
    pairing: Pairing
    form_label: str
    last_on: dt.date | None
    due_on: dt.date

    def days_overdue(self, today: dt.date) -> int:
        return (today - self.due_on).days


def due_date(*, started_on: dt.date, last_on: dt.date | None, every_months: int) -> dt.date:
    """The last day by which the next activity of a form is due: ``every_months`` after
    the last one, or after the pairing started when there was none yet."""
    return add_months(last_on or started_on, every_months)


def overdue_pairings(*, user: User | Scope, today: dt.date) -> list[Overdue]:
    """Active pairings that missed a required activity form, in three queries; ``user`` may
    be a Scope (the pairings of one township, say)."""
    pairings = list(pairing_list(user=user).filter(ended_on__isnull=True).select_related("cadre__village__township"))
    if not pairings:
        return []
    requirements = defaultdict(list)
    for requirement in FormRequirement.objects.visible_to(user).select_related("policy"):
        requirements[requirement.policy.county_id].append(requirement)
    last = {
        (row["pairing_id"], row["form"]): row["last"]
        for row in MentoringLog.objects.filter(pairing__in=pairings)
        .values("pairing_id", "form")
        .annotate(last=Max("date"))
    }
    overdue = []
    for pairing in pairings:
        for requirement in requirements[pairing.cadre.village.township.county_id]:
            last_on = last.get((pairing.pk, requirement.form))
            due_on = due_date(started_on=pairing.started_on, last_on=last_on, every_months=requirement.every_months)
            if due_on < today:
                overdue.append(Overdue(pairing, requirement.get_form_display(), last_on, due_on))
    overdue.sort(key=lambda o: (o.pairing.cadre.village.township.name, o.due_on))
    return overdue


def _missed_requirement(as_of: dt.date) -> Exists:
    """A pairing (the outer row) missed a required form by ``as_of``: the form's last
    activity up to then (or the pairing's start, if none) plus its interval is before it."""
    last = (
        MentoringLog.objects.filter(pairing=OuterRef(OuterRef("pk")), form=OuterRef("form"), date__lte=as_of)
        .order_by()
        .values("pairing")
        .annotate(last=Max("date"))
        .values("last")
    )
    return Exists(
        FormRequirement.objects.filter(policy__county=OuterRef("cadre__village__township__county"))
        .annotate(due=_AddMonths(Coalesce(Subquery(last), OuterRef("started_on")), F("every_months")))
        .filter(due__lt=as_of)
    )


def with_overdue(pairings: QuerySet[Pairing], *, today: dt.date) -> QuerySet[Pairing]:
    """Annotate ``is_overdue`` in the database, with the semantics of ``overdue_pairings``:
    an active pairing that missed a required form by ``today`` (the rule
    ``report_pairing_counts`` counts)."""
    overdue = Q(ended_on__isnull=True) & _missed_requirement(today)
    return pairings.annotate(is_overdue=Case(When(overdue, then=True), default=False, output_field=BooleanField()))


def compliance_by_township(*, user: User, today: dt.date) -> list[dict]:
    """Per township in scope: active pairings, active pairings that missed a required form
    (the rule of ``overdue_pairings``) and reserves with no mentor, counted by the database
    (three queries, whatever the county's size)."""
    from org.selectors import township_list

    pairings = {
        row["cadre__village__township_id"]: row
        for row in pairing_list(user=user)
        .filter(ended_on__isnull=True)
        .order_by()
        .values("cadre__village__township_id")
        .annotate(active=Count("pk"), overdue=Count("pk", filter=_missed_requirement(today)))
    }
    without = dict(
        reserves_without_mentor(user=user)
        .order_by()
        .values("village__township_id")
        .annotate(n=Count("pk"))
        .values_list("village__township_id", "n")
    )
    return [
        {
            "township": township,
            "active_pairings": pairings.get(township.pk, {}).get("active", 0),
            "overdue": pairings.get(township.pk, {}).get("overdue", 0),
            "without_mentor": without.get(township.pk, 0),
        }
        for township in township_list(user=user).order_by(*pinyin_ordering("name"))
    ]


_REQUIREMENT = "cadre__village__township__county__mentorship_policy__requirements__"


def overdue_items(*, user: User | Scope, today: dt.date) -> QuerySet[Pairing]:
    """Each required activity form an active pairing missed by ``today``, as a pairing row
    annotated with ``form``, ``last_on`` (its last activity of that form, or None) and
    ``due_on``; a pairing that missed two forms is two rows. The rule of
    ``overdue_pairings``, in the database: count it, slice it or iterate over it; most
    overdue first."""
    last = (
        MentoringLog.objects.filter(pairing=OuterRef("pk"), form=OuterRef("form"), date__lte=today)
        .order_by()
        .values("pairing")
        .annotate(last=Max("date"))
        .values("last")
    )
    return (
        pairing_list(user=user)
        .filter(ended_on__isnull=True)
        .annotate(form=F(_REQUIREMENT + "form"), every_months=F(_REQUIREMENT + "every_months"))
        .annotate(last_on=Subquery(last, output_field=DateField()))
        .annotate(due_on=_AddMonths(Coalesce("last_on", "started_on"), F("every_months")))
        .filter(due_on__lt=today)
        .select_related("cadre__village__township", "mentor")
        .order_by(
            "due_on",
            *pinyin_ordering("cadre__village__township__name", "cadre__village__name", "cadre__name"),
            "form",
            "pk",
        )
    )


def county_mentee_limits(*, user: User) -> dict[int, int]:
    """The mentee limit (每名导师最多结对人数) of every county in the user's scope, by county
    id, in one query and without creating policies: a county with no stored policy gets
    the model default, as ``county_policy`` gives it. Pass an entry as ``county_limit``
    to ``mentor_capacity`` when rendering many mentors."""
    from org.selectors import township_list

    limits = defaultdict(lambda: CountyPolicy._meta.get_field("mentee_limit").default)
    limits.update(
        CountyPolicy.objects.filter(county__townships__in=township_list(user=user))
        .values_list("county_id", "mentee_limit")
        .distinct()
    )
    return limits


# The monthly reports ---------------------------------------------------------------------


class _AddMonths(Func):
    """``date + n months`` in PostgreSQL, clamped to the end of a shorter month like
    ``dates.add_months``: (date + make_interval(months => n))::date."""

    arg_joiner = " + make_interval(months => "
    template = "((%(expressions)s)))::date"
    output_field = DateField()


def report_pairing_counts(*, scope: Scope, as_of: dt.date) -> dict[int, dict[str, int]]:
    """Per township id: pairings active on ``as_of`` and, of those, how many missed a
    required activity form by then (the rule of ``overdue_pairings``, counted in the
    database: the last activity of the form, or the pairing's start, plus the form's
    interval, before ``as_of``)."""
    rows = (
        Pairing.objects.visible_to(scope)
        .filter(started_on__lte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
        .order_by()
        .values("cadre__village__township_id")
        .annotate(active=Count("pk"), overdue=Count("pk", filter=_missed_requirement(as_of)))
    )
    return {row.pop("cadre__village__township_id"): row for row in rows}
