"""Turn the rows of a township roster into cadre values, with every problem reported in
Chinese against its sheet row and column. Nothing here touches the database except the
one query that loads the villages the user may import into."""

import difflib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from common.excel import TOTAL_ROW_PREFIXES, cell_text, compact_text
from common.idcard import normalize_id_number, parse_id_number
from common.models import PHONE_PATTERN
from imports.engine import Progress, RowError, Table, as_typed, no_progress
from org.selectors import village_list

from ..models import PARTY_MEMBERS, Cadre, Gender, Tier
from .columns import CHOICE_LABELS, COLUMNS_BY_KEY, EXAMPLE_MARK, code_lookup
from .dates import DateError, Precision, parse_roster_date, same_as

# Total rows, and the signature and remark lines below a table.
SKIP_PREFIXES = (*TOTAL_ROW_PREFIXES, "填表人", "制表人", "审核人", "负责人", "填报人", "备注：", "说明")
PHONE = re.compile(PHONE_PATTERN)
PROGRESS_EVERY = 2000  # rows between two progress reports
# Where a number cell was used for the ID, Excel keeps 15 significant digits at most.
SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
TEXT_LIMITS = {
    key: Cadre._meta.get_field(key).max_length for key in ("name", "ethnicity", "phone", "current_job", "specialty")
}


@dataclass
class ParsedRow:
    row: int
    values: dict = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    sheet: str = ""

    def error(self, key: str, message: str) -> None:
        column = COLUMNS_BY_KEY[key].header if key in COLUMNS_BY_KEY else key
        self.errors.append(RowError(self.row, column, message, sheet=self.sheet))


@dataclass
class ParsedSheet:
    rows: list[ParsedRow]
    present: set[str]  # the column keys this file has; absent columns are left as they are
    # Villages whose county refuses a Party member without 入党时间 (see cadre.rules).
    party_date_required: set[int] = field(default_factory=set)


class VillageIndex:
    """The villages the user may import into, found by township and village name, with
    the closest existing name suggested for a misspelt one."""

    def __init__(self, user):
        self.user = user
        self.by_name: dict[tuple[str, str], int] = {}
        self.villages_of: dict[str, list[str]] = {}
        self.party_date_required: set[int] = set()
        rows = village_list(user=user).values_list(
            "id", "township__name", "name", "township__county__party_joined_on_required"
        )
        for village_id, township, village, party_date_required in rows:
            self.by_name[(township, village)] = village_id
            self.villages_of.setdefault(township, []).append(village)
            if party_date_required:
                self.party_date_required.add(village_id)
        self.own_township = user.township.name if user.role == Role.TOWNSHIP else None

    def lookup(self, township: str, village: str, parsed: ParsedRow) -> int | None:
        if not township:
            if not self.own_township:
                parsed.error("township", _("不能为空"))
                return None
            township = self.own_township
        if township not in self.villages_of:
            if self.own_township:
                parsed.error(
                    "township",
                    _("只能导入本乡镇（%(own_township)s）的后备干部，表中为“%(township)s”")
                    % {"own_township": self.own_township, "township": township},
                )
            else:
                parsed.error(
                    "township",
                    _("找不到乡镇(街道)“%(township)s”%(suggest_closest)s")
                    % {"township": township, "suggest_closest": suggest_closest(township, self.villages_of)},
                )
            return None
        if not village:
            parsed.error("village", _("不能为空"))
            return None
        village_id = self.by_name.get((township, village))
        if village_id is None:
            parsed.error(
                "village",
                _("%(township)s下找不到村(社区)“%(village)s”%(suggest_closest)s")
                % {
                    "township": township,
                    "village": village,
                    "suggest_closest": suggest_closest(village, self.villages_of[township]),
                },
            )
        return village_id


def suggest_closest(name: str, candidates) -> str:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.5)
    return _("，是否为“%(name)s”？") % {"name": close[0]} if close else ""


def optional_columns(user) -> set[str]:
    """A township secretary's file may leave the township out: their own is meant."""
    return {"township"} if user.role == Role.TOWNSHIP else set()


def parse_table(table: Table, *, user, progress: Progress = no_progress) -> ParsedSheet:
    villages = VillageIndex(user)
    lookups = {key: code_lookup(key) for key in CHOICE_LABELS}
    parsed_rows = []
    for count, source in enumerate(table.rows, start=1):
        if not _skippable(source.raw):
            parsed_rows.append(_parse_row(source.row, source.raw, villages, lookups, sheet=source.sheet))
        if count % PROGRESS_EVERY == 0:
            progress(checked=count)
    _mark_duplicates(parsed_rows)
    progress(checked=len(table.rows))
    return ParsedSheet(
        rows=parsed_rows,
        present=table.present | {"birth_date", "gender"},
        party_date_required=villages.party_date_required,
    )


def _skippable(raw: dict) -> bool:
    """Blank rows, total and signature rows, and section titles ("一、八里村") spread over a
    merged row: anything without a name and an ID number that is not a person."""
    if compact_text(raw.get("seq")).startswith(EXAMPLE_MARK):
        return True
    name, number = compact_text(raw.get("name")), compact_text(raw.get("id_number"))
    if name and number and name != number:
        return False  # a person (the usual row): decided without reading every cell
    texts = [compact_text(v) for v in raw.values()]
    filled = [t for t in texts if t]
    if not filled:
        return True
    has_person = bool(name or number)
    if len(set(filled)) == 1 and (len(filled) > 2 or not has_person):
        return True  # one text over the whole row: a merged section title
    if has_person:
        return filled[0].startswith(SKIP_PREFIXES) and not number
    return filled[0].startswith(SKIP_PREFIXES)


def _parse_row(number: int, raw: dict, villages: VillageIndex, lookups: dict, *, sheet: str = "") -> ParsedRow:
    parsed = ParsedRow(row=number, sheet=sheet)
    values = parsed.values

    for key in ("name", "current_job", "specialty", "notes", "ethnicity"):
        if key in raw:
            text = compact_text(raw[key]) if key == "name" else _free_text(raw[key])
            limit = TEXT_LIMITS.get(key)
            if limit and len(text) > limit:
                parsed.error(key, _("超过%(limit)s个字") % {"limit": limit})
            values[key] = text
    if not values.get("name"):
        parsed.error("name", _("不能为空"))
    if "ethnicity" in values:
        ethnicity = values["ethnicity"] or "汉族"
        values["ethnicity"] = ethnicity if ethnicity.endswith("族") else f"{ethnicity}族"

    info = _parse_id(raw.get("id_number"), parsed)
    if info:
        values["id_number"] = info.number
        values["birth_date"] = info.birth_date
        values["gender"] = info.gender
        _check_birth_date(raw.get("birth_date"), info.birth_date, parsed)
        _check_gender(raw.get("gender"), info.gender, parsed, lookups["gender"])

    if "phone" in raw:
        phone = "".join(ch for ch in compact_text(raw["phone"]) if ch not in "()（）")
        if phone and not PHONE.match(phone):
            parsed.error("phone", _("号码格式不正确：“%(phone)s”") % {"phone": phone})
        values["phone"] = phone

    for key in ("education", "political_status", "source", "tier"):
        if key not in raw:
            continue
        text = compact_text(raw[key])
        if not text:
            if key == "tier":
                values[key] = Tier.VILLAGE
            else:
                parsed.error(key, _("不能为空"))
            continue
        code = lookups[key].get(text)
        if code is None:
            allowed = "、".join(labels[0] for labels in CHOICE_LABELS[key].values())
            parsed.error(key, _("无法识别“%(text)s”，应为：%(allowed)s") % {"text": text, "allowed": allowed})
        values[key] = code

    if "party_joined_on" in raw:
        try:
            written = parse_roster_date(raw["party_joined_on"])
        except DateError as exc:
            parsed.error("party_joined_on", str(exc))
            written = None
        values["party_joined_on"] = written[0] if written else None
        if written and values.get("political_status") and values["political_status"] not in PARTY_MEMBERS:
            parsed.error("party_joined_on", _("只有中共党员或预备党员才能填写入党时间"))
        elif written and values.get("birth_date") and written[0] <= values["birth_date"]:
            parsed.error("party_joined_on", _("入党时间不能早于出生日期"))

    if "entered_on" in raw:
        _parse_entered_on(raw["entered_on"], parsed)

    township = compact_text(raw.get("township"))
    village = compact_text(raw.get("village"))
    values["village_id"] = villages.lookup(township, village, parsed)
    return parsed


def _parse_entered_on(raw, parsed: ParsedRow) -> None:
    """列入后备时间: a blank cell leaves it to the system (today for a new reserve, the
    stored date for a known one); a month without a day is its first day."""
    try:
        written = parse_roster_date(raw)
    except DateError as exc:
        parsed.error("entered_on", str(exc))
        return
    if not written:
        return
    day = written[0]
    if day > timezone.localdate():
        parsed.error("entered_on", _("不能晚于今天"))
    elif parsed.values.get("birth_date") and day <= parsed.values["birth_date"]:
        parsed.error("entered_on", _("不能早于出生日期"))
    else:
        parsed.values["entered_on"] = day


def _free_text(value) -> str:
    """Free text keeps its Chinese punctuation (NFKC would turn ，into ,); only the ends
    are trimmed, full-width spaces included."""
    return value.strip() if isinstance(value, str) else cell_text(value)


def _parse_id(raw, parsed: ParsedRow):
    if isinstance(raw, int | float) and not isinstance(raw, bool) or SCIENTIFIC.match(compact_text(raw)):
        shown = f"{raw:.5E}" if isinstance(raw, int | float) else compact_text(raw)
        parsed.error(
            "id_number",
            _("已被Excel存成数字（%(shown)s），后几位已经丢失；请把该列设为“文本”格式后重新填写") % {"shown": shown},
        )
        return None
    if not normalize_id_number(raw):
        parsed.error("id_number", _("不能为空"))
        return None
    try:
        return parse_id_number(raw)
    except ValidationError as exc:
        parsed.error("id_number", as_typed(exc.messages[0], raw))
        return None


def _check_birth_date(raw, actual, parsed: ParsedRow) -> None:
    try:
        written = parse_roster_date(raw)
    except DateError as exc:
        parsed.error("birth_date", str(exc))
        return
    if written and not same_as(written, actual):
        parts = {"year": f"{actual:%Y}", "month": actual.month, "day": actual.day}
        if written[1] == Precision.MONTH:
            shown = _("%(year)s年%(month)s月") % parts
        else:
            shown = _("%(year)s年%(month)s月%(day)s日") % parts
        parsed.error("birth_date", _("与身份证号不符，身份证号中为%(shown)s") % {"shown": shown})


def _check_gender(raw, actual: str, parsed: ParsedRow, lookup: dict) -> None:
    text = compact_text(raw)
    if not text:
        return
    code = lookup.get(text)
    if code is None:
        parsed.error("gender", _("无法识别“%(text)s”，应为：男、女") % {"text": text})
    elif code != actual:
        parsed.error("gender", _("与身份证号不符，身份证号中为%(label)s") % {"label": Gender(actual).label})


def _mark_duplicates(rows: list[ParsedRow]) -> None:
    """The same ID number twice in one file is an error on both rows."""
    seen: dict[str, list[ParsedRow]] = {}
    for parsed in rows:
        number = parsed.values.get("id_number")
        if number:
            seen.setdefault(number, []).append(parsed)
    for number, group in seen.items():
        if len(group) > 1:
            lines = "、".join(f"{p.sheet}!{p.row}" if p.sheet else str(p.row) for p in group)
            names = "、".join(dict.fromkeys(p.values.get("name") or "—" for p in group))
            for parsed in group:
                parsed.error(
                    "id_number",
                    _("%(value)s**********%(value2)s在本表中重复出现（第%(lines)s行：%(names)s）")
                    % {"value": number[:4], "value2": number[-4:], "lines": lines, "names": names},
                )
