"""Read-only API of the monthly subsidy sheets and their lines, scoped like the pages: a
township sees its county's sheets with its own totals, and only its own lines; a line or
sheet outside the caller's scope is a 404."""

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from . import selectors
from .serializers import SubsidyLineSerializer, SubsidySheetDetailSerializer, SubsidySheetSerializer


def _month(value: str | None) -> dt.date | None:
    """YYYY-MM (or any day of the month, YYYY-MM-DD) → the month's first day."""
    for fmt in ("%Y-%m", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value or "", fmt).date().replace(day=1)
        except ValueError:
            continue
    return None


MONTH = OpenApiParameter("month", OpenApiTypes.STR, description="月份，如 2026-03")
TOWNSHIP = OpenApiParameter("township", OpenApiTypes.INT, description="乡镇(街道)ID")


@extend_schema_view(list=extend_schema(parameters=[MONTH]))
class SubsidySheetViewSet(viewsets.ReadOnlyModelViewSet):
    """月度补贴表: state and totals; the detail adds the totals per township. Filter: month."""

    filter_backends = []

    def get_serializer_class(self):
        return SubsidySheetDetailSerializer if self.action == "retrieve" else SubsidySheetSerializer

    def get_queryset(self):
        sheets = selectors.sheet_list(self.request.user)
        if (month := _month(self.request.query_params.get("month"))) is not None:
            sheets = sheets.filter(month=month)
        return sheets

    def get_object(self):
        sheet = super().get_object()
        sheet.totals = selectors.sheet_totals(self.request.user, sheet)
        return sheet


@extend_schema_view(
    list=extend_schema(
        parameters=[MONTH, TOWNSHIP, OpenApiParameter("sheet", OpenApiTypes.INT, description="补贴表ID")]
    )
)
class SubsidyLineViewSet(viewsets.ReadOnlyModelViewSet):
    """补贴明细: one line per reserve and month, with the masked ID number, the adjustments
    and what is payable. Filters: month, township, sheet."""

    serializer_class = SubsidyLineSerializer
    filter_backends = []

    def get_queryset(self):
        lines = selectors.line_list(self.request.user)
        params = self.request.query_params
        if (month := _month(params.get("month"))) is not None:
            lines = lines.filter(sheet__month=month)
        if (township := params.get("township")) and township.isdigit():
            lines = lines.filter(township_id=township)
        if (sheet := params.get("sheet")) and sheet.isdigit():
            lines = lines.filter(sheet_id=sheet)
        return lines
