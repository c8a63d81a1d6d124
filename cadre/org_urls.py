"""URLs of the organization pages, under the ``org`` namespace (see org_views)."""

from django.urls import path

from . import org_views as views

app_name = "org"

urlpatterns = [
    path("", views.OrgOverviewView.as_view(), name="overview"),
    path("export.xlsx", views.org_export, name="export"),
    path("townships/<int:pk>/", views.TownshipDetailView.as_view(), name="township"),
    path("townships/<int:pk>/export.xlsx", views.township_export, name="township-export"),
    path("villages/<int:pk>/", views.VillageDetailView.as_view(), name="village"),
    path("seats/<int:pk>/assign/", views.SeatAssignView.as_view(), name="seat-assign"),
    path("seats/<int:pk>/end/", views.SeatEndView.as_view(), name="seat-end"),
    path("seats/<int:pk>/promote/", views.SeatPromoteView.as_view(), name="seat-promote"),
]
