from django.db.models import Prefetch
from rest_framework import viewsets

from . import selectors
from .models import Seat
from .serializers import TownshipSerializer, VillageDetailSerializer, VillageSerializer


class TownshipViewSet(viewsets.ReadOnlyModelViewSet):
    """乡镇(街道), only those in the caller's scope."""

    serializer_class = TownshipSerializer
    filterset_fields = ["county"]
    search_fields = ["name"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return selectors.township_list(user=self.request.user)


class VillageViewSet(viewsets.ReadOnlyModelViewSet):
    """村(社区) with their two-committee seats on the detail."""

    filterset_fields = ["township"]
    search_fields = ["name"]
    ordering_fields = ["name", "township__name"]

    def get_queryset(self):
        qs = selectors.village_list(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related(Prefetch("seats", queryset=Seat.objects.with_holder()))
        return qs

    def get_serializer_class(self):
        return VillageDetailSerializer if self.action == "retrieve" else VillageSerializer
