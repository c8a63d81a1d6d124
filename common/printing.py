"""Print views: a whole filtered list on one page, for the browser's print dialog. A list
longer than ``PRINT_LIMIT`` rows prints its first rows and says to narrow the filter or
export to Excel instead (a printout of thousands of rows helps no one and costs a page
render that grows with the county)."""

from django.db.models import QuerySet

PRINT_LIMIT = 1000


def print_rows(queryset: QuerySet, *, limit: int = PRINT_LIMIT) -> tuple[list, int]:
    """The first ``limit`` rows of ``queryset`` and how many rows it has in all (two queries)."""
    return list(queryset[:limit]), queryset.count()
