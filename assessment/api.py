"""API of frontline assignments and the annual assessment. Rows come from
assessment.selectors (scoped to the caller); changes go through assessment.services; a row
outside the caller's scope is a 404, a role that may not act gets 403 with the reason."""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from common.api import parse_input

from . import selectors, services
from .filters import AssignmentFilter
from .models import Submission
from .serializers import (
    AssessmentInputSerializer,
    AssessmentSerializer,
    AssessmentYearSerializer,
    AssignmentInputSerializer,
    AssignmentSerializer,
    SubmissionActionSerializer,
)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """一线历练. Filters: q, township, kind, full_time, ongoing; ordering by started_on, cadre, township."""

    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user).order_by("-started_on", "-pk")

    @extend_schema(request=AssignmentInputSerializer, responses={201: AssignmentSerializer})
    def create(self, request):
        """登记一线历练：同一名后备干部的全脱产历练时间不能重叠。"""
        data = dict(parse_input(AssignmentInputSerializer(data=request.data, context=self.get_serializer_context())))
        assignment = services.assignment_create(user=request.user, cadre=data.pop("cadre"), data=data)
        return Response(self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data, status=201)


class AssessmentYearViewSet(viewsets.ReadOnlyModelViewSet):
    """考核年度 with their indicators and weights."""

    serializer_class = AssessmentYearSerializer
    filter_backends = []

    def get_queryset(self):
        return selectors.year_list(user=self.request.user).prefetch_related("indicators")


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """年度考核: one per reserve and year. Filter with ``year`` and ``township``. POST saves a
    reserve's row as a draft (send ``version`` to be refused rather than overwrite someone
    else's change); the township's submission moves with the actions submit, approve,
    return and reopen (approve, return and reopen: county staff only)."""

    serializer_class = AssessmentSerializer
    filter_backends = []

    def get_queryset(self):
        queryset = selectors.assessment_list(user=self.request.user)
        params = self.request.query_params
        if (year := params.get("year")) and year.isdigit():
            queryset = queryset.filter(year_id=year)
        if (township := params.get("township")) and township.isdigit():
            queryset = queryset.filter(cadre__village__township_id=township)
        return queryset

    @extend_schema(request=AssessmentInputSerializer, responses={201: AssessmentSerializer})
    def create(self, request):
        data = dict(parse_input(AssessmentInputSerializer(data=request.data, context=self.get_serializer_context())))
        year, cadre = data.pop("year"), data.pop("cadre")
        assessment = services.assessment_save(user=request.user, year=year, cadre=cadre, data=data)
        return Response(self.get_serializer(self.get_queryset().get(pk=assessment.pk)).data, status=201)

    def _act(self, request, action_name: str) -> Response:
        data = parse_input(SubmissionActionSerializer(data=request.data, context=self.get_serializer_context()))
        if action_name == "submit":
            submission = services.submission_submit(
                user=request.user, year=data["year"], township_id=data["township"].pk
            )
        else:
            submission = get_object_or_404(Submission, year=data["year"], township=data["township"])
            submission = services.submission_review(
                user=request.user, submission=submission, action=action_name, reason=data["reason"]
            )
        return Response({"township": submission.township_id, "state": submission.state}, status=status.HTTP_200_OK)

    @extend_schema(request=SubmissionActionSerializer)
    @action(detail=False, methods=["post"])
    def submit(self, request):
        """乡镇上报（检查人人评完、优秀名额和民主测评）。"""
        return self._act(request, "submit")

    @extend_schema(request=SubmissionActionSerializer)
    @action(detail=False, methods=["post"])
    def approve(self, request):
        """县委组织部审定通过（进退留转同时生效）。"""
        return self._act(request, "approve")

    @extend_schema(request=SubmissionActionSerializer)
    @action(detail=False, methods=["post"], url_path="return")
    def return_(self, request):
        """县委组织部退回（须填原因）。"""
        return self._act(request, "return")

    @extend_schema(request=SubmissionActionSerializer)
    @action(detail=False, methods=["post"])
    def reopen(self, request):
        """县委组织部重新打开已审定的乡镇（须填原因）。"""
        return self._act(request, "reopen")
