"""Synthetic township roster files for the import benchmark.

``make_rows`` draws N people in the shape of a hand-made township roster and returns the
cells as they will be written (strings, dates and numbers, quirks included); ``write_roster``
writes them to an .xlsx with openpyxl's write-only mode. ``roster_file`` caches the result
in benchmarks/out/ by (N, seed, change fraction, file kind).

What the rows carry, as DOMAIN.md "What real roster files look like" describes:
- a merged title row "青山县村级后备干部花名册" above the header, a 序号 column first and a
  few header synonyms (公民身份号码, 出生日期, 手机号码, 文化程度, ...);
- valid GB 11643 ID numbers, unique over the file, about 12% ending in X and half of those
  written with a lower-case x, a few with a stray space;
- birth dates agreeing with the ID number, written as 1990.05, 1990年5月, 1990-5-3,
  1990/5/3 or as real Excel dates; gender agreeing with the ID number;
- phones, some with full-width digits or spaces; Chinese labels (and some synonyms) for
  学历/政治面貌/来源/层级; 入党时间 only for 中共党员 and 中共预备党员;
- township and village names of existing villages, a blank row between villages and a
  total row "合计 N人" at the end.

Importing this module needs Django set up (it reads the labels
from cadre.roster.columns).
"""

import datetime as dt
import random
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cadre.models import Education, PoliticalStatus, Source
from cadre.roster.columns import CHOICE_LABELS
from common.idcard import check_digit
from demo.cadre import (
    FEMALE_CHARS,
    MALE_CHARS,
    MOBILE_PREFIXES,
    NEUTRAL_CHARS,
    NOTES,
    POLITICAL,
    REGION_CODES,
    SOURCES,
    SURNAMES,
    TIERS,
    WORK,
)

# Bump when the generated content changes, so that cached files are not reused.
GENERATOR_VERSION = 1
OUT_DIR = Path(__file__).resolve().parent / "out"
COUNTY_NAME = "青山县"
TITLE = f"{COUNTY_NAME}村级后备干部花名册"
# Ages and the probationary members' join dates are reckoned from this fixed day, so that a
# cached file means the same thing on every day (and no join date lies in the future).
REFERENCE_DATE = dt.date(2025, 6, 30)

# (row key, header written in the file). Keys are cadre.roster.columns keys; "seq" is the
# 序号 column. Several headers are synonyms, as township files vary.
HEADERS = (
    ("seq", "序号"),
    ("township", "乡镇"),
    ("village", "村(社区)"),
    ("name", "姓名"),
    ("gender", "性别"),
    ("ethnicity", "民族"),
    ("id_number", "公民身份号码"),
    ("birth_date", "出生日期"),
    ("phone", "手机号码"),
    ("education", "文化程度"),
    ("political_status", "政治面貌"),
    ("party_joined_on", "入党时间"),
    ("source", "来源"),
    ("tier", "层级"),
    ("current_job", "现任职务"),
    ("specialty", "特长"),
    ("notes", "备注"),
)
# The preview file uses other synonyms, as another township would.
TOWNSHIP_HEADERS = tuple(
    (
        key,
        {"id_number": "身份证号码", "birth_date": "出生年月", "phone": "联系电话", "township": "乡镇(街道)"}.get(
            key, h
        ),
    )
    for key, h in HEADERS
)

AGE_BANDS = (((22, 29), 30), ((30, 34), 33), ((35, 40), 24), ((41, 45), 10), ((46, 50), 3))
EDUCATION = (
    (Education.JUNIOR, 8),
    (Education.SENIOR, 33),
    (Education.COLLEGE, 34),
    (Education.BACHELOR, 22),
    (Education.POSTGRADUATE, 3),
)
X_CHECK_SHARE = 0.06  # on top of the ~1/11 that end in X anyway: about 15% in all
LOWER_X_SHARE = 0.5  # of the numbers ending in X
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _label(rng: random.Random, key: str, code: str) -> str:
    """The system's label mostly, now and then a synonym a township would write."""
    labels = CHOICE_LABELS[key][code]
    return labels[0] if len(labels) == 1 or rng.random() < 0.8 else rng.choice(labels[1:])


def _date_cell(rng: random.Random, day: dt.date, *, month_ok: bool = True):
    """A date as township files write it: a real Excel date or one of the usual strings."""
    roll = rng.random()
    if roll < 0.30:
        return day  # a real Excel date cell
    if roll < 0.50:
        return f"{day.year}-{day.month}-{day.day}"
    if roll < 0.65:
        return f"{day.year}/{day.month}/{day.day}"
    if not month_ok:
        return f"{day.year}-{day.month}-{day.day}"
    if roll < 0.85:
        return f"{day.year}.{day.month:02d}"
    return f"{day.year}年{day.month}月"


def _phone_cell(number: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.08:
        return number.translate(FULL_WIDTH)
    if roll < 0.16:
        return f"{number[:3]} {number[3:7]} {number[7:]}"
    if roll < 0.18:
        return f" {number} "
    return number


def _person_name(rng: random.Random, male: bool) -> str:
    surname = _pick(rng, SURNAMES)
    pool = MALE_CHARS if male else FEMALE_CHARS
    if rng.random() < 0.25:
        return surname + rng.choice(pool)
    first = rng.choice(NEUTRAL_CHARS + pool) if rng.random() < 0.4 else rng.choice(pool)
    return surname + first + rng.choice(pool)


def _id_number(rng: random.Random, birth: dt.date, male: bool, used: set[str]) -> str:
    want_x = rng.random() < X_CHECK_SHARE
    while True:
        region = _pick(rng, REGION_CODES)
        start = rng.randrange(500)
        for step in range(500):
            seq = ((start + step) % 500) * 2 + (1 if male else 0)
            first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
            number = first17 + check_digit(first17)
            if number in used or (want_x and not number.endswith("X")):
                continue
            used.add(number)
            return number
        birth -= dt.timedelta(days=1)  # every sequence number taken (never at these sizes)


def _person(rng: random.Random, township: str, village: str, used: set[str]) -> dict:
    male = rng.random() < 0.68
    low, high = _pick(rng, AGE_BANDS)
    age = rng.randint(low, high)
    birth = REFERENCE_DATE - dt.timedelta(days=int(age * 365.25) + rng.randint(1, 364))
    number = _id_number(rng, birth, male, used)
    id_cell = number
    if number.endswith("X") and rng.random() < LOWER_X_SHARE:
        id_cell = number[:-1] + "x"
    if rng.random() < 0.02:
        id_cell = id_cell + " "

    political = _pick(rng, POLITICAL)
    if political == PoliticalStatus.LEAGUE and age >= 28:
        political = PoliticalStatus.MASSES
    joined = None
    if political == PoliticalStatus.MEMBER:
        joined = birth + dt.timedelta(days=int(rng.randint(19, max(19, min(age - 2, 32))) * 365.25) + 40)
        joined = min(joined, REFERENCE_DATE - dt.timedelta(days=400))
    elif political == PoliticalStatus.PROBATIONARY:
        joined = REFERENCE_DATE - dt.timedelta(days=rng.randint(30, 330))
    education = _pick(rng, EDUCATION)
    source = _pick(rng, SOURCES)
    if source == Source.RETURNED_GRADUATE and education in (Education.JUNIOR, Education.SENIOR):
        source = Source.RETURNED_MIGRANT
    jobs, skills = WORK[source]
    phone = ""
    if rng.random() < 0.95:
        phone = _phone_cell(rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}", rng)
    return {
        "township": township,
        "village": village,
        "name": _person_name(rng, male),
        "gender": "男" if male else "女",
        "ethnicity": "瑶族" if rng.random() < 0.05 else "汉族",
        "id_number": id_cell,
        "birth_date": _date_cell(rng, birth),
        "phone": phone,
        "education": _label(rng, "education", education),
        "political_status": _label(rng, "political_status", political),
        "party_joined_on": _date_cell(rng, joined) if joined else "",
        "source": _label(rng, "source", source),
        "tier": _label(rng, "tier", _pick(rng, TIERS)),
        "current_job": rng.choice(jobs),
        "specialty": "、".join(rng.sample(skills, k=rng.choice((1, 1, 2)))),
        "notes": rng.choice(NOTES) if rng.random() < 0.2 else "",
    }


def _changed(row: dict, rng: random.Random) -> dict:
    """The same person with one field really changed: a new phone number or a new job."""
    row = dict(row)
    if row["phone"] and rng.random() < 0.5:
        old = "".join(unicodedata.normalize("NFKC", row["phone"]).split())
        new = old
        while new == old:
            new = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        row["phone"] = new
    else:
        jobs = sorted({job for jobs, _ in WORK.values() for job in jobs} - {row["current_job"]})
        row["current_job"] = rng.choice(jobs)
    return row


def make_rows(
    n: int,
    villages: Sequence[tuple[str, str]],
    seed: int,
    change_fraction: float = 0.0,
    base: list[dict] | None = None,
) -> Iterator[dict]:
    """Yield n roster rows for the (township, village) pairs given, grouped by village in
    the order given. The same (n, villages, seed) gives the same people every time.

    With ``change_fraction`` the same people come out (pass their rows as ``base`` to skip
    drawing them again) with round(n * change_fraction) of them changed in one field
    (phone or current job); everything else, the cell formats included, stays the same.
    """
    if base is None:
        rng = random.Random(seed)
        used: set[str] = set()
        per_village, extra = divmod(n, len(villages))
        base_iter = (
            _person(rng, township, village, used)
            for index, (township, village) in enumerate(villages)
            for _ in range(per_village + (index < extra))
        )
    else:
        if len(base) != n:
            raise ValueError(f"base has {len(base)} rows, expected {n}")
        base_iter = iter(base)
    changed_rng = random.Random(f"{seed}-changes-{change_fraction}")
    to_change = set(changed_rng.sample(range(n), round(n * change_fraction))) if change_fraction else set()
    for index, row in enumerate(base_iter):
        yield _changed(row, changed_rng) if index in to_change else row


def write_roster(path, rows: list[dict], *, title: str = TITLE, headers=HEADERS) -> Path:
    """Write rows as a township would: merged title row, header, a 序号 column, a blank row
    between villages and a total row at the end. Rows are dicts keyed like ``HEADERS``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    width = len(headers)
    for index, (key, _header) in enumerate(headers):
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = 22 if key == "id_number" else 12
    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font = Font(bold=True, size=16)
    title_cell.alignment = Alignment(horizontal="center")
    sheet.append([title_cell])
    sheet.merged_cells.add(f"A1:{get_column_letter(width)}1")
    sheet.append([header for _key, header in headers])

    keys = [key for key, _header in headers]
    previous = None
    for seq, row in enumerate(rows, 1):
        place = (row["township"], row["village"])
        if previous is not None and place != previous:
            sheet.append([])  # the blank row between villages
        previous = place
        cells = []
        for key in keys:
            value = seq if key == "seq" else row.get(key, "")
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                value = cell
            cells.append(value if value != "" else None)
        sheet.append(cells)
    sheet.append([])
    sheet.append([f"合计 {len(rows)}人"])
    workbook.save(path)
    return path


def roster_path(kind: str, n: int, seed: int, change_fraction: float = 0.0) -> Path:
    return OUT_DIR / f"roster_v{GENERATOR_VERSION}_{kind}_n{n}_s{seed}_c{change_fraction:g}.xlsx"


def roster_files(
    n: int, villages: Sequence[tuple[str, str]], seed: int, change_fractions: Sequence[float] = (0.0,)
) -> dict[float, tuple[Path, bool]]:
    """The county-wide roster of n rows and its changed versions, generated unless cached.
    Returns {change_fraction: (path, generated_now)}."""
    result = {}
    base = None
    for fraction in change_fractions:
        path = roster_path("county", n, seed, fraction)
        if path.exists():
            result[fraction] = (path, False)
            continue
        if base is None:
            base = list(make_rows(n, villages, seed))
        rows = base if not fraction else list(make_rows(n, villages, seed, fraction, base=base))
        write_roster(path.with_suffix(".tmp"), rows)
        path.with_suffix(".tmp").rename(path)
        result[fraction] = (path, True)
    return result


def township_file(n: int, township: str, villages: Sequence[str], seed: int) -> tuple[Path, bool]:
    """A single township's roster of n rows (the browser preview's file), unless cached."""
    path = roster_path("township", n, seed)
    if path.exists():
        return path, False
    rows = list(make_rows(n, [(township, v) for v in villages], seed))
    write_roster(
        path.with_suffix(".tmp"), rows, title=f"{COUNTY_NAME}{township}村级后备干部花名册", headers=TOWNSHIP_HEADERS
    )
    path.with_suffix(".tmp").rename(path)
    return path, True
