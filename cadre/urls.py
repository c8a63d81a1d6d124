from django.urls import path

from . import views

app_name = "cadre"

urlpatterns = [
    path("", views.CadreListView.as_view(), name="list"),
    path("new/", views.CadreCreateView.as_view(), name="create"),
    path("<int:pk>/", views.CadreDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CadreUpdateView.as_view(), name="update"),
    path("<int:pk>/status/", views.CadreStatusView.as_view(), name="status"),
    path("<int:pk>/history/", views.CadreHistoryView.as_view(), name="history"),
    path("<int:pk>/photo/", views.cadre_photo, name="photo"),
]
