from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("", views.OrgOverviewView.as_view(), name="overview"),
    path("townships/<int:pk>/", views.TownshipDetailView.as_view(), name="township"),
    path("villages/<int:pk>/", views.VillageDetailView.as_view(), name="village"),
]
