from django.urls import path

from . import views
from .roster import views as roster_views

app_name = "cadre"

urlpatterns = [
    path("", views.CadreListView.as_view(), name="list"),
    path("new/", views.CadreCreateView.as_view(), name="create"),
    path("import/", roster_views.RosterUploadView.as_view(), name="import"),
    path("import/template.xlsx", roster_views.roster_template_download, name="import-template"),
    path("export.xlsx", roster_views.roster_export_download, name="export"),
    path("<int:pk>/", views.CadreDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CadreUpdateView.as_view(), name="update"),
    path("<int:pk>/status/", views.CadreStatusView.as_view(), name="status"),
    path("<int:pk>/history/", views.CadreHistoryView.as_view(), name="history"),
    path("<int:pk>/photo/", views.cadre_photo, name="photo"),
    path("search/", views.search_cadres, name="search-cadres"),
    path("search/villages/", views.search_villages, name="search-villages"),
    path("county-settings/", views.CountySettingsView.as_view(), name="county-settings"),
]
