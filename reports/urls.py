from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="list"),
    path("request/", views.ReportRequestView.as_view(), name="request"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="detail"),
    path("<int:pk>/status/", views.report_status, name="status"),
    path("<int:pk>/download/<str:fmt>/", views.report_download, name="download"),
]
