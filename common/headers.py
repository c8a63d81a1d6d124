"""Matching a sheet's header cells to an importer's fields, the way people write them.

Every township writes its headers a little differently: full-width brackets, a line break
inside the cell, a trailing colon, an asterisk for required, a remark in brackets such as
（必填）or（元）, or a qualifier such as 政治面貌情况 or 联系电话号码. A header matches a field
when, after normalising, it is one of the field's names; or one of them once bracketed
remarks are dropped; or it contains exactly one field's name plus qualifiers. A header
that could be two fields is not guessed. What is left unmatched gets suggestions, the
closest names first, for the user to choose from.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Words that qualify a field's name without changing what it is (政治面貌情况, 联系电话号码,
# 所在村名称 ...). A header may add any of these before or after exactly one field's name.
QUALIFIERS = (
    "类别", "类型", "情况", "名称", "信息", "号码", "时间", "年月日", "年月", "日期", "状况", "全称",
    "所在", "现任", "目前", "当前", "本人", "个人", "人员", "详细", "具体", "说明", "代码", "编号",
)  # fmt: skip
_QUALIFIER_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True)) + ")+")
_REMARK_RE = re.compile(r"[(\[【<][^()\[\]【】<>]*[)\]】>]")
_MARKS = str.maketrans("", "", "*※★☆#")


@dataclass(frozen=True)
class Column:
    """A field an importer reads: its key, the header the system writes, the other names
    township files use for it, whether a row needs it, and its width in templates."""

    key: str
    header: str
    synonyms: frozenset[str] = field(default_factory=frozenset)
    required: bool = False
    width: int = 12

    @property
    def names(self) -> set[str]:
        return {self.header, *self.synonyms}


def normalize_header(value: Any) -> str:
    """A header cell as matched: NFKC (full-width brackets and letters to ASCII), no
    spaces or line breaks, no required-field marks, no trailing colon."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split()).translate(_MARKS)
    return text.rstrip(":").strip()


def without_remarks(text: str) -> str:
    """A normalised header without bracketed remarks: 学历(必填) → 学历, 补贴(元) → 补贴."""
    stripped = _REMARK_RE.sub("", text)
    return stripped if stripped != text else text


@dataclass
class ColumnMatch:
    """One header cell: where it is, what it says, the field it maps to (None: unmapped),
    how that was decided, and for an unmapped one the closest fields."""

    index: int
    text: str
    key: str | None = None
    how: str = ""  # "name", "remark", "qualifier", "remembered", "chosen", "ignored", "ambiguous"
    suggestions: list[str] = field(default_factory=list)

    @property
    def ignored(self) -> bool:
        return self.how == "ignored"


@dataclass
class HeaderMatch:
    row: int  # index of the header row in the sheet
    columns: list[ColumnMatch]

    @property
    def fields(self) -> dict[str, int]:
        """{field key: column index} of the mapped columns."""
        return {c.key: c.index for c in self.columns if c.key}

    @property
    def unmapped(self) -> list[ColumnMatch]:
        return [c for c in self.columns if c.key is None and not c.ignored]

    def missing(self, columns: Sequence[Column], optional: Iterable[str] = ()) -> list[Column]:
        skip = set(optional)
        return [c for c in columns if c.required and c.key not in skip and c.key not in self.fields]


class HeaderMatcher:
    """Matches header texts to the fields of one importer. ``choices`` maps a normalised
    header text to a field key chosen by a person (or "" to ignore the column); remembered
    and chosen mappings come before any rule."""

    def __init__(self, columns: Sequence[Column], choices: Mapping[str, str] | None = None) -> None:
        self.columns = list(columns)
        self.choices = dict(choices or {})
        self.by_name: dict[str, set[str]] = {}
        for column in self.columns:
            for name in column.names:
                self.by_name.setdefault(normalize_header(name), set()).add(column.key)
        # Names that can be found inside a longer header: two characters or more, and not
        # themselves a qualifier (类别 names a field in some files but qualifies in 学历类别).
        self.inner_names = [n for n in self.by_name if len(n) >= 2 and not _QUALIFIER_RE.fullmatch(n)]

    def match(self, value: Any) -> tuple[str | None, str]:
        """(field key or None, how) for one header cell."""
        text = normalize_header(value)
        if not text:
            return None, ""
        if text in self.choices:
            key = self.choices[text]
            return (key or None), ("chosen" if key else "ignored")
        for candidate, how in ((text, "name"), (without_remarks(text), "remark")):
            keys = self._exact(candidate)
            if len(keys) == 1:
                return next(iter(keys)), how
            if len(keys) > 1:
                return None, "ambiguous"
        return self._qualified(without_remarks(text))

    def _exact(self, text: str) -> set[str]:
        keys = set(self.by_name.get(text, ()))
        if not keys and text.endswith("名称"):
            keys = set(self.by_name.get(text.removesuffix("名称"), ()))
        return keys

    def _qualified(self, text: str) -> tuple[str | None, str]:
        """A header holding exactly one field's name, everything else qualifiers."""
        named, clean = set(), set()
        for name in self.inner_names:
            start = text.find(name)
            if start < 0:
                continue
            named |= self.by_name[name]
            rest = (text[:start], text[start + len(name) :])
            if all(not part or _QUALIFIER_RE.fullmatch(part) for part in rest):
                clean |= self.by_name[name]
        if len(named) > 1:
            return None, "ambiguous"
        if clean:
            return next(iter(clean)), "qualifier"
        return None, ""

    def suggest(self, value: Any, *, limit: int = 3) -> list[str]:
        """Field keys closest to the header, best first (shared characters, then order)."""
        text = without_remarks(normalize_header(value))
        if not text:
            return []
        scores = []
        for column in self.columns:
            best = max(difflib.SequenceMatcher(None, text, normalize_header(n)).ratio() for n in column.names)
            if best > 0:
                scores.append((best, column.key))
        scores.sort(key=lambda s: -s[0])
        return [key for score, key in scores[:limit] if score >= 0.3]

    def match_row(self, row: Sequence[Any], row_index: int) -> HeaderMatch:
        columns, taken = [], set()
        for index, value in enumerate(row):
            text = normalize_header(value)
            if not text:
                continue
            key, how = self.match(value)
            if key in taken:  # a second column for the same field is not guessed either
                key, how = None, "ambiguous"
            if key:
                taken.add(key)
            columns.append(ColumnMatch(index=index, text=text, key=key, how=how))
        for column in columns:
            if column.key is None and not column.ignored:
                column.suggestions = [k for k in self.suggest(column.text) if k not in taken]
        return HeaderMatch(row=row_index, columns=columns)

    def find_header(self, rows: Sequence[Sequence[Any]], *, scan: int = 10, least: int = 2) -> HeaderMatch | None:
        """The header among the first ``scan`` rows: the row that maps the most fields, if
        it maps at least ``least`` of them (a title row maps none, a data row rarely two)."""
        best: HeaderMatch | None = None
        for index, row in enumerate(rows[:scan]):
            if not any(normalize_header(v) for v in row):
                continue
            match = self.match_row(row, index)
            if best is None or len(match.fields) > len(best.fields):
                best = match
        if best is None or len(best.fields) < least:
            return None
        return best
