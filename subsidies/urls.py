from django.urls import path

from . import views

app_name = "subsidies"

urlpatterns = [
    path("", views.SheetListView.as_view(), name="sheet-list"),
    path("sheets/<int:pk>/", views.SheetDetailView.as_view(), name="sheet-detail"),
    path("policies/", views.PolicyListView.as_view(), name="policy-list"),
    path("policies/new/", views.PolicyFormView.as_view(), name="policy-create"),
    path("policies/<int:pk>/edit/", views.PolicyFormView.as_view(), name="policy-update"),
]
