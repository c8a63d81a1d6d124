"""API of the reports: POST asks for a report (queued, built by a worker); GET lists the
runs in the caller's scope or one run, with status, progress and download URLs."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from common.api import parse_input

from . import selectors, services
from .filters import ReportRunFilter
from .serializers import ReportRequestSerializer, ReportRunSerializer
from .views import run_file_response


class ReportRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """报表. Filters: kind, month (YYYY-MM), township, current (true: current versions only)."""

    serializer_class = ReportRunSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ReportRunFilter

    def get_queryset(self):
        return selectors.report_list(user=self.request.user)

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportRunSerializer})
    def create(self, request):
        """生成报表：返回排队中的报表，轮询详情查看进度，完成后按 xlsx_url / pdf_url 下载。"""
        data = parse_input(ReportRequestSerializer(data=request.data, context=self.get_serializer_context()))
        user = request.user
        township, county = data.get("township"), data.get("county")
        # A township secretary's reports are of their own township, named or not.
        township_id = township.pk if township is not None else (user.township_id if user.scope.is_township else None)
        run = services.report_request(
            kind=data["kind"], month=data["month"], county_id=county.pk if county is not None else None,
            township_id=township_id, user=user,
        )  # fmt: skip
        run = self.get_queryset().get(pk=run.pk)
        return Response(self.get_serializer(run).data, status=202)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        """下载Excel文件（完成后）。"""
        return run_file_response(self.get_object(), "xlsx")

    @extend_schema(responses={(200, "application/pdf"): bytes})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """下载PDF文件（补贴报表，完成后）。"""
        return run_file_response(self.get_object(), "pdf")
