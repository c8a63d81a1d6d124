from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("assignments/", views.AssignmentListView.as_view(), name="assignment-list"),
    path("assignments/new/", views.AssignmentFormView.as_view(), name="assignment-create"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment-detail"),
    path("assignments/<int:pk>/edit/", views.AssignmentFormView.as_view(), name="assignment-update"),
]
