"""API of the mentoring programme (导师帮带): the mentor pool, pairings and the mentoring
log. Rows come from mentorship.selectors (scoped to the caller), changes go through
mentorship.services; a row outside the caller's scope is a 404."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scoping import can_write
from common.api import parse_input

from . import selectors, services
from .filters import MentorFilter, MentoringLogFilter, PairingFilter
from .serializers import (
    MentoringLogInputSerializer,
    MentoringLogSerializer,
    MentorInputSerializer,
    MentorSerializer,
    PairingEndSerializer,
    PairingInputSerializer,
    PairingSerializer,
)


class _ListRetrieveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    # Each filterset carries its ordering too.
    filter_backends = [DjangoFilterBackend]


class MentorViewSet(_ListRetrieveViewSet):
    """导师库. Filters: township, kind, is_active, q (name, unit, specialties); ordering by
    name, township, kind, active_count, updated_at (prefix - for descending)."""

    serializer_class = MentorSerializer
    filterset_class = MentorFilter

    def get_queryset(self):
        # Meta.ordering is not applied to a grouped (annotated) query: order explicitly.
        return selectors.mentor_list(user=self.request.user)

    def get_object(self):
        return selectors.mentor_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["full_numbers"] = self.action != "list" and can_write(self.request.user)
        context["county_limits"] = selectors.county_mentee_limits(user=self.request.user)
        return context

    @extend_schema(request=MentorInputSerializer, responses={201: MentorSerializer})
    def create(self, request):
        data = parse_input(MentorInputSerializer(data=request.data))
        mentor = services.mentor_create(user=request.user, data=data)
        return Response(self._render(mentor), status=status.HTTP_201_CREATED)

    @extend_schema(request=MentorInputSerializer, responses=MentorSerializer)
    def update(self, request, pk=None):
        return self._update(request, partial=False)

    @extend_schema(request=MentorInputSerializer, responses=MentorSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, partial=True)

    def _update(self, request, *, partial):
        mentor = self.get_object()
        data = parse_input(MentorInputSerializer(mentor, data=request.data, partial=partial))
        mentor = services.mentor_update(user=request.user, mentor=mentor, data=data)
        return Response(self._render(mentor))

    def _render(self, mentor):
        # Reload through the selector for the annotated load (active_count).
        return self.get_serializer(selectors.mentor_get(user=self.request.user, pk=mentor.pk)).data


class PairingViewSet(_ListRetrieveViewSet):
    """结对. Filters: active (true/false), township, mentor, cadre; ordering by started_on,
    ended_on, cadre, mentor."""

    serializer_class = PairingSerializer
    filterset_class = PairingFilter

    def get_queryset(self):
        return selectors.pairing_list(user=self.request.user)

    def get_object(self):
        return selectors.pairing_get(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=PairingInputSerializer, responses={201: PairingSerializer})
    def create(self, request):
        """结对：后备干部与导师须在本辖区内；一名后备干部同时只能有一名在帮导师，导师不能超过可带人数。"""
        data = parse_input(PairingInputSerializer(data=request.data, context=self.get_serializer_context()))
        pairing = services.pairing_create(user=request.user, **data)
        return Response(self._render(pairing), status=status.HTTP_201_CREATED)

    @extend_schema(request=PairingEndSerializer, responses=PairingSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """结束结对（需结束时间和结束原因）。"""
        pairing = self.get_object()
        data = parse_input(PairingEndSerializer(data=request.data))
        pairing = services.pairing_end(
            user=request.user, pairing=pairing, ended_on=data["ended_on"], reason=data["end_reason"]
        )
        return Response(self._render(pairing))

    def _render(self, pairing):
        return self.get_serializer(selectors.pairing_get(user=self.request.user, pk=pairing.pk)).data


class MentoringLogViewSet(_ListRetrieveViewSet):
    """帮带记录. Filters: pairing, form, date_after / date_before, township; ordering by date,
    hours, created_at. Create as JSON, or multipart with an ``attachment`` file."""

    serializer_class = MentoringLogSerializer
    filterset_class = MentoringLogFilter

    def get_queryset(self):
        # The output names the township of each row's cadre.
        return selectors.mentoring_log_list(user=self.request.user).select_related("pairing__cadre__village__township")

    @extend_schema(request=MentoringLogInputSerializer, responses={201: MentoringLogSerializer})
    def create(self, request):
        data = dict(parse_input(MentoringLogInputSerializer(data=request.data, context=self.get_serializer_context())))
        pairing = data.pop("pairing")
        log = services.mentoring_log_create(user=request.user, pairing=pairing, data=data)
        return Response(self.get_serializer(self.get_queryset().get(pk=log.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def attachment(self, request, pk=None):
        """下载附件（同样按辖区限制）。"""
        entry = self.get_object()
        if not entry.attachment:
            raise Http404(_("没有附件"))
        name = entry.attachment.name.rsplit("/", 1)[-1]
        return FileResponse(entry.attachment.open("rb"), as_attachment=True, filename=name)
