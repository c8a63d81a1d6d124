from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.SessionListView.as_view(), name="session-list"),
    path("new/", views.SessionFormView.as_view(), name="session-create"),
    path("<int:pk>/", views.AttendanceView.as_view(), name="session"),
    path("<int:pk>/edit/", views.SessionFormView.as_view(), name="session-update"),
    path("<int:pk>/needs/", views.NeedsView.as_view(), name="needs"),
    path("<int:pk>/needs/import/", views.NeedsImportView.as_view(), name="needs-import"),
    path("<int:pk>/needs/sheet.xlsx", views.needs_sheet_download, name="needs-sheet"),
]
