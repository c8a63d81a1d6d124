"""Report builders: each writes one kind of report for a month and a scope into a folder
and returns the files it made. They read the other apps through those apps' selectors
with a Scope value (no user: a job has none), stream rows from database cursors and write
them with xlsxwriter in constant-memory mode, so a province-sized report costs little
memory. ``progress`` takes 0-100."""

from __future__ import annotations

import calendar
import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from common.scope import Scope


@dataclass
class ReportContext:
    kind: str
    month: dt.date  # first day
    county: Any  # org.County
    township: Any | None  # org.Township, None for the whole county
    directory: Path
    progress: Callable[[int], None] = lambda percent: None
    user: Any | None = None

    @property
    def scope(self) -> Scope:
        if self.township is not None:
            return Scope.township(self.township.pk)
        return Scope.county(self.county.pk)

    @property
    def month_end(self) -> dt.date:
        return self.month.replace(day=calendar.monthrange(self.month.year, self.month.month)[1])

    @property
    def scope_name(self) -> str:
        return f"{self.county.name}{self.township.name}" if self.township is not None else self.county.name

    @property
    def month_label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"


@dataclass
class Built:
    xlsx: Path
    pdf: Path | None = None
    notes: list[str] = field(default_factory=list)


def slow_down() -> None:
    """Test-only pause at each progress step (settings.REPORTS_TEST_DELAY), so a test can
    kill a worker in the middle of a report. Zero, and free, everywhere else."""
    if delay := settings.REPORTS_TEST_DELAY:
        time.sleep(delay)


CHUNK = 2000


def chunked(rows: Iterable[Any], *, total: int, progress: Callable[[int], None], start: int, end: int) -> Iterator[Any]:
    """Yield rows, reporting progress between ``start`` and ``end`` percent every CHUNK rows."""
    for index, row in enumerate(rows, 1):
        yield row
        if index % CHUNK == 0:
            progress(start + (end - start) * min(index, total) // max(total, 1))
    progress(end)
