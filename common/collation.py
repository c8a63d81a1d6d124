"""Chinese sort order: names sort by pinyin (阿 < 白 < 陈 < 张), not by code point.

The ``zh_pinyin`` ICU collation is created by common's migration 0002; order a name
with ``pinyin("name")`` or ``pinyin("village__township__name", descending=True)``."""

from django.db.models import F, OrderBy
from django.db.models.functions import Collate

PINYIN = "zh_pinyin"


def pinyin(field: str, *, descending: bool = False) -> OrderBy:
    """An ordering term for ``field`` in pinyin order."""
    collated = Collate(F(field), PINYIN)
    return collated.desc() if descending else collated.asc()


def ordering_term(term: str) -> str | OrderBy:
    """``term`` as given to order_by ("name", "-village__name", "birth_date"), with names
    (fields called ``name``) sorted by pinyin and everything else unchanged."""
    descending = term.startswith("-")
    field = term.removeprefix("-")
    if field == "name" or field.endswith("__name"):
        return pinyin(field, descending=descending)
    return term


def pinyin_ordering(*terms: str) -> list[str | OrderBy]:
    return [ordering_term(term) for term in terms]
