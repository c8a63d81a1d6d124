"""Chinese resident identity card numbers (GB 11643-1999).

An 18-character number: 6-digit region code, 8-digit birth date, 3-digit sequence whose
last digit is odd for men and even for women, and a check digit (ISO 7064 MOD 11-2).
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# First two digits: provinces, autonomous regions, municipalities, and 71/81/82 (Taiwan,
# Hong Kong, Macao residence permits), 83 for Taiwan residents' permits.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)


@dataclass(frozen=True)
class IdCardInfo:
    number: str
    birth_date: dt.date
    gender: str  # "M" or "F", the codes of cadre.Gender

    @property
    def region_code(self) -> str:
        return self.number[:6]


def normalize_id_number(value) -> str:
    """Full-width to half-width, spaces dropped, lower-case x raised."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split()).upper()


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def parse_id_number(value, *, today: dt.date | None = None) -> IdCardInfo:
    """Validate and decode an ID number; raise ValidationError with a Chinese message."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError(_("身份证号应为18位，实际为%(n)d位") % {"n": len(number)}, code="length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号前17位应为数字，末位为数字或X"), code="format")
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(_("身份证号地区码无效：%(code)s") % {"code": number[:6]}, code="region")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号中的出生日期无效：%(d)s") % {"d": number[6:14]}, code="birth_date") from None
    today = today or dt.date.today()
    if birth.year < 1900 or birth > today:
        raise ValidationError(_("身份证号中的出生日期无效：%(d)s") % {"d": number[6:14]}, code="birth_date")
    expected = check_digit(number[:17])
    if number[17] != expected:
        raise ValidationError(_("校验位错误，应为%(c)s") % {"c": expected}, code="check_digit")
    gender = "M" if int(number[16]) % 2 else "F"
    return IdCardInfo(number=number, birth_date=birth, gender=gender)


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` earlier (28 February for a 29 February in a common year): born
    on or before it, a person is at least ``years`` old on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
