import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.excel import TOTAL_ROW_PREFIXES, compact_text
from common.headers import Column, HeaderMatcher
from common.scope import ScopedUser

from .models import STANDARD_SEATS, County, Seat, Township, Village


@transaction.atomic
def village_get_or_create(*, county_name: str, township_name: str, village_name: str) -> tuple[Village, bool]:
    """Find or create a village and the units above it; a new village gets the standard
    two-committee seats. Returns (village, created)."""
    county, _created = County.objects.get_or_create(name=county_name)
    township, _created = Township.objects.get_or_create(county=county, name=township_name)
    village, created = Village.objects.get_or_create(township=township, name=village_name)
    if created:
        Seat.objects.bulk_create(
            Seat(village=village, post=post, number=number)
            for post, count in STANDARD_SEATS
            for number in range(1, count + 1)
        )
    return village, created


# The three columns of an organization sheet and the names files use for them (matched
# as the importers match theirs: see common.headers).
UNIT_COLUMNS = (
    Column(
        "county", "县(区)", frozenset({"县", "区", "县区", "县(市、区)", "县(市)", "县(市区)", "县市区", "区县"}), True
    ),
    Column("township", "乡镇(街道)", frozenset({"乡镇", "街道", "乡镇街道", "乡镇(街道办)", "镇", "乡"}), True),
    Column("village", "村(社区)", frozenset({"村", "社区", "村社区", "村(居)", "村(居委会)", "村居"}), True),
)
UNIT_LABELS = {c.key: c.header for c in UNIT_COLUMNS}


def units_import(*, rows: list[list], dry_run: bool = False) -> dict:
    """Load the organization tree from the rows of a sheet with the columns 县(区) /
    乡镇(街道) / 村(社区) (see common.excel.read_sheet_rows); the header may sit below a
    title row. Blank rows and total rows are skipped; a village listed twice counts once.

    All or nothing: any faulty row raises ValidationError listing every problem, with the
    sheet's row numbers, and nothing is saved. Re-running the same sheet creates nothing.
    Returns the counts: counties_created, townships_created, villages_created,
    villages_existing, seats_created and rows (distinct villages in the sheet).
    """
    header = HeaderMatcher(UNIT_COLUMNS).find_header(rows, least=1)
    if header is None:
        raise ValidationError(
            _("在表格前10行中没有找到表头，需要以下列：%(missing)s。") % {"missing": "、".join(UNIT_LABELS.values())}
        )
    missing = header.missing(UNIT_COLUMNS)
    if missing:
        raise ValidationError(
            _("第%(row)s行的表头缺少以下列：%(missing)s。")
            % {"row": header.row + 1, "missing": "、".join(c.header for c in missing)}
        )
    header_index, cols = header.row, header.fields

    max_length = {
        "county": County._meta.get_field("name").max_length,
        "township": Township._meta.get_field("name").max_length,
        "village": Village._meta.get_field("name").max_length,
    }
    errors: list[str] = []
    entries: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str, str]] = set()
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        values = {key: compact_text(row[col]) if col < len(row) else "" for key, col in cols.items()}
        if not any(values.values()):
            continue
        if any(value.startswith(TOTAL_ROW_PREFIXES) for value in values.values()):
            continue
        line = index + 1
        row_ok = True
        for key in ("county", "township", "village"):
            if not values[key]:
                errors.append(_("第%(line)s行：缺少%(value)s名称") % {"line": line, "value": UNIT_LABELS[key]})
                row_ok = False
            elif len(values[key]) > max_length[key]:
                errors.append(
                    _("第%(line)s行：%(value)s名称过长（最多%(value2)s个字）：%(value3)s")
                    % {"line": line, "value": UNIT_LABELS[key], "value2": max_length[key], "value3": values[key]}
                )
                row_ok = False
        triple = (values["county"], values["township"], values["village"])
        if row_ok and triple not in seen:
            seen.add(triple)
            entries.append(triple)
    if errors:
        raise ValidationError(errors)
    if not entries:
        raise ValidationError(_("表格中没有可导入的数据行。"))

    with transaction.atomic():
        county_names = {c for c, _, _ in entries}
        existing_counties = set(County.objects.filter(name__in=county_names).values_list("name", flat=True))
        existing_townships = set(
            Township.objects.filter(county__name__in=county_names).values_list("county__name", "name")
        )
        created_ids = []
        for county_name, township_name, village_name in entries:
            village, created = village_get_or_create(
                county_name=county_name, township_name=township_name, village_name=village_name
            )
            if created:
                created_ids.append(village.pk)
        seats_created = Seat.objects.filter(village_id__in=created_ids).count() if created_ids else 0
        if dry_run:
            transaction.set_rollback(True)
    return {
        "counties_created": len(county_names - existing_counties),
        "townships_created": len({(c, t) for c, t, _ in entries} - existing_townships),
        "villages_created": len(created_ids),
        "villages_existing": len(entries) - len(created_ids),
        "seats_created": seats_created,
        "rows": len(entries),
    }


# Who holds a village's two-committee seats (村“两委”班子). The county office records them;
# a township sees them. A reserve enters a seat through the registry (cadre.org_services);
# the services here keep the incumbents who are not in the registry, on the seat itself.


def may_manage_county(user: ScopedUser) -> bool:
    """County staff (and a deployment's superuser) who may write; not township secretaries
    and not read-only leaders."""
    return bool(user.is_authenticated and getattr(user, "may_write", False) and not user.scope.is_township)


def may_manage_seats(user: ScopedUser) -> bool:
    return may_manage_county(user)


def ensure_may_manage_seat(*, user: ScopedUser, seat: Seat) -> None:
    if not may_manage_seats(user):
        raise PermissionDenied(_("只有县委组织部工作人员可以登记村“两委”班子成员。"))
    if not Seat.objects.visible_to(user).filter(pk=seat.pk).exists():
        raise PermissionDenied(_("只能管理本辖区的村(社区)。"))


def _locked_seat(seat: Seat) -> Seat:
    """The seat, locked and read fresh: the same lock the registry takes to seat a reserve
    (cadre.services._seat_take), so all who fill or empty this seat queue here. A seat whose
    holder was written without a history record (bulk loads) first gets one of its state as
    it stands, so that the term about to end keeps its start in the history."""
    seat = Seat.objects.select_for_update().get(pk=seat.pk)
    if seat.holder_name and not Seat.history.filter(id=seat.pk).exists():
        Seat.history.bulk_history_create([seat], default_change_reason=_("此前登记的现任"))
    return seat


@transaction.atomic
def seat_holder_assign(*, user: ScopedUser, seat: Seat, name: str, since: dt.date) -> Seat:
    """Record an incumbent who is not in the reserve registry on a vacant seat."""
    ensure_may_manage_seat(user=user, seat=seat)
    seat = _locked_seat(seat)
    name = compact_text(name)
    if not name:
        raise ValidationError({"name": _("请填写现任姓名。")})
    if len(name) > Seat._meta.get_field("holder_name").max_length:
        raise ValidationError({"name": _("姓名过长。")})
    if not seat.is_vacant:
        raise ValidationError(
            {"name": _("%(seat)s已由%(holder)s担任，请先办理离任。") % {"seat": seat, "holder": seat.holder}}
        )
    if since > timezone.localdate():
        raise ValidationError({"since": _("任职时间不能晚于今天。")})
    if seat.vacated_on and since < seat.vacated_on:
        raise ValidationError(
            {"since": _("任职时间不能早于上一任的离任时间（%(date)s）。") % {"date": seat.vacated_on.isoformat()}}
        )
    seat.holder_name, seat.holder_since = name, since
    seat.vacated_on, seat.vacated_reason = None, ""
    return _save_seat(seat, user=user, reason=_("登记现任：%(name)s") % {"name": name})


@transaction.atomic
def seat_holder_end(*, user: ScopedUser, seat: Seat, on: dt.date, reason: str) -> Seat:
    """End the term of the incumbent recorded on the seat (not a seated reserve: their term
    ends through the registry, see cadre.org_services.seat_incumbency_end)."""
    ensure_may_manage_seat(user=user, seat=seat)
    seat = _locked_seat(seat)
    if not seat.holder_name:
        raise ValidationError(_("该职位没有登记在册外的现任，无需办理离任。"))
    check_term_end(since=seat.holder_since, on=on, reason=reason)
    name = seat.holder_name
    seat.holder_name, seat.holder_since = "", None
    seat.vacated_on, seat.vacated_reason = on, reason.strip()
    return _save_seat(seat, user=user, reason=_("%(name)s离任") % {"name": name})


def check_term_end(*, since: dt.date | None, on: dt.date, reason: str) -> None:
    """The rules every end of a term follows, whoever held the seat."""
    errors = {}
    if since and on < since:
        errors["on"] = _("离任时间不能早于任职时间（%(date)s）。") % {"date": since.isoformat()}
    elif on > timezone.localdate():
        errors["on"] = _("离任时间不能晚于今天。")
    if not reason.strip():
        errors["reason"] = _("请填写离任原因。")
    if errors:
        raise ValidationError(errors)


def _save_seat(seat: Seat, *, user: ScopedUser, reason: str) -> Seat:
    seat.full_clean()
    seat._history_user = user
    seat._change_reason = reason[:100]
    seat.save()
    return seat


# County settings (县级设置): the rules a county sets for its own registry.

COUNTY_SETTINGS = ("min_reserves_per_village", "party_joined_on_required")


@transaction.atomic
def county_settings_update(
    *, user: ScopedUser, county: County, min_reserves_per_village: int, party_joined_on_required: bool
) -> County:
    """Change a county's settings; only that county's staff (or a superuser) may. Each
    change is kept in the county's history with who made it."""
    if not may_manage_county(user):
        raise PermissionDenied(_("只有县委组织部工作人员可以修改县级设置。"))
    county = County.objects.visible_to(user).select_for_update().filter(pk=county.pk).first()
    if county is None:
        raise PermissionDenied(_("只能修改本县(区)的设置。"))
    new = {"min_reserves_per_village": min_reserves_per_village, "party_joined_on_required": party_joined_on_required}
    changed = [County._meta.get_field(f).verbose_name for f in COUNTY_SETTINGS if getattr(county, f) != new[f]]
    if not changed:
        return county
    for key, value in new.items():
        setattr(county, key, value)
    county.full_clean()
    county._history_user = user
    county._change_reason = (_("修改县级设置：%(fields)s") % {"fields": "、".join(str(f) for f in changed)})[:100]
    county.save()
    return county
