"""API of training: sessions and attendance. Rows come from training.selectors (scoped to
the caller: a township secretary sees the sessions meant for their township and only their
own reserves' attendance); changes go through training.services; a row outside the
caller's scope is a 404, a cadre or session id outside it a 400."""

from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from common.api import parse_input

from . import selectors, services
from .filters import AttendanceFilter, SessionFilter
from .models import AttendanceStatus
from .serializers import (
    AttendanceBulkSerializer,
    AttendanceInputSerializer,
    AttendancePatchSerializer,
    AttendanceSerializer,
    TrainingSessionInputSerializer,
    TrainingSessionSerializer,
)


class _ListRetrieveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filter_backends = [DjangoFilterBackend]


class TrainingSessionViewSet(_ListRetrieveViewSet):
    """培训班次, newest first, with the attendance of the caller's reserves counted. Filters:
    ``month`` (YYYY-MM, or 1–12 with ``year``), ``year``, ``level``, ``kind``."""

    serializer_class = TrainingSessionSerializer
    filterset_class = SessionFilter

    def get_queryset(self):
        return selectors.session_list(user=self.request.user).prefetch_related("target_townships")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=TrainingSessionInputSerializer, responses={201: TrainingSessionSerializer})
    def create(self, request):
        """新建培训班次：乡镇只能举办本乡镇的乡镇级培训；参训乡镇须是本县的乡镇。"""
        data = parse_input(TrainingSessionInputSerializer(data=request.data, context=self.get_serializer_context()))
        session = services.session_create(user=request.user, data=data)
        return Response(self._render(session), status=status.HTTP_201_CREATED)

    @extend_schema(request=TrainingSessionInputSerializer, responses=TrainingSessionSerializer)
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(request=TrainingSessionInputSerializer, responses=TrainingSessionSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def _update(self, request, *, partial):
        session = self.get_object()
        serializer = TrainingSessionInputSerializer(
            session, data=request.data, partial=partial, context=self.get_serializer_context()
        )
        session = services.session_update(user=request.user, session=session, data=parse_input(serializer))
        return Response(self._render(session))

    def _render(self, session):
        return self.get_serializer(self.get_queryset().get(pk=session.pk)).data


class AttendanceViewSet(_ListRetrieveViewSet):
    """培训考勤 of the caller's reserves. Filters: ``session``, ``cadre``, ``status``. POST one
    reserve (``session``, ``cadre``, ``status``, ``exam_score``, ``note``) or many at once
    (``{"session": id, "rows": [...]}``, all or nothing); PATCH changes one row. Every write
    goes through the same rules as the attendance page."""

    serializer_class = AttendanceSerializer
    filterset_class = AttendanceFilter

    def get_queryset(self):
        return selectors.attendance_list(user=self.request.user)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=AttendanceInputSerializer, responses={201: AttendanceSerializer(many=True)})
    def create(self, request):
        """记录考勤：单人，或 {"session": id, "rows": [...]} 批量（有一行出错则都不保存）。"""
        context = self.get_serializer_context()
        if isinstance(request.data, dict) and "rows" in request.data:
            data = parse_input(AttendanceBulkSerializer(data=request.data, context=context))
            rows, many = [dict(row) for row in data["rows"]], True
        else:
            data = dict(parse_input(AttendanceInputSerializer(data=request.data, context=context)))
            rows, many = [{k: v for k, v in data.items() if k != "session"}], False
        saved = services.attendance_save(user=request.user, session=data["session"], rows=rows)
        reloaded = list(self.get_queryset().filter(pk__in=[a.pk for a in saved]))
        body = self.get_serializer(reloaded, many=True).data if many else self.get_serializer(reloaded[0]).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=AttendancePatchSerializer, responses=AttendanceSerializer)
    def partial_update(self, request, pk=None):
        """修改一人的考勤（出勤情况、成绩、备注）。"""
        attendance = self.get_object()
        changes = parse_input(AttendancePatchSerializer(data=request.data))
        row = {"cadre": attendance.cadre, "status": attendance.status, "exam_score": attendance.exam_score,
               "note": attendance.note, **changes}  # fmt: skip
        if row["status"] != AttendanceStatus.PRESENT and "exam_score" not in changes:
            row["exam_score"] = None  # no longer present: the score goes with it
        services.attendance_save(user=request.user, session=attendance.session, rows=[row])
        return Response(self.get_serializer(self.get_object()).data)
