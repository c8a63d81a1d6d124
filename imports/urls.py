from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.ImportHistoryView.as_view(), name="history"),
    path("<uuid:pk>/file/", views.import_file_download, name="download"),
    path("mappings/", views.HeaderMappingListView.as_view(), name="mappings"),
    path("<uuid:pk>/", views.ImportRecordView.as_view(), name="record"),
    path("<uuid:pk>/mapping/", views.ImportMappingView.as_view(), name="mapping"),
    path("<uuid:pk>/confirm/", views.ImportConfirmView.as_view(), name="confirm"),
]
