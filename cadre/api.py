from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.scoping import can_write
from org.selectors import seat_list_vacant

from . import selectors, services
from .filters import CadreFilter
from .serializers import CadreInputSerializer, CadreSerializer, StatusChangeSerializer


class CadreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """后备干部. Filter with the same parameters as the list page (q, township, village,
    tier, status, political_status, education, source, age_band, ordering)."""

    serializer_class = CadreSerializer
    filterset_class = CadreFilter
    # The filterset carries search and ordering too, exactly as on the list page.
    filter_backends = [DjangoFilterBackend]

    def get_queryset(self):
        return selectors.cadre_list(user=self.request.user)

    def get_object(self):
        return selectors.cadre_get(user=self.request.user, pk=self.kwargs["pk"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["full_numbers"] = self.action != "list" and can_write(self.request.user)
        return context

    @extend_schema(request=CadreInputSerializer, responses=CadreSerializer)
    def create(self, request):
        data = self._parse(CadreInputSerializer(data=request.data))
        cadre = services.cadre_create(user=request.user, data=data)
        return Response(self.get_serializer(cadre).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CadreInputSerializer, responses=CadreSerializer)
    def partial_update(self, request, pk=None):
        cadre = self.get_object()
        data = self._parse(CadreInputSerializer(cadre, data=request.data, partial=True))
        cadre = services.cadre_update(user=request.user, cadre=cadre, data=data)
        return Response(self.get_serializer(cadre).data)

    @extend_schema(request=CadreInputSerializer, responses=CadreSerializer)
    def update(self, request, pk=None):
        cadre = self.get_object()
        data = self._parse(CadreInputSerializer(cadre, data=request.data))
        cadre = services.cadre_update(user=request.user, cadre=cadre, data=data)
        return Response(self.get_serializer(cadre).data)

    @extend_schema(request=StatusChangeSerializer, responses=CadreSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        """变更状态：重点培养、进入两委（需 seat）、退出（需 reason）。"""
        cadre = self.get_object()
        data = self._parse(StatusChangeSerializer(data=request.data))
        seat = None
        if data.get("seat"):
            seat = get_object_or_404(seat_list_vacant(user=request.user), pk=data["seat"])
        cadre = services.cadre_change_status(
            user=request.user,
            cadre=cadre,
            to=data["to"],
            on=data["on"],
            seat=seat,
            reason=data.get("reason", ""),
        )
        return Response(self.get_serializer(cadre).data)

    @staticmethod
    def _parse(serializer):
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
