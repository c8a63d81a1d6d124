from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("assignments/", views.AssignmentListView.as_view(), name="assignment-list"),
    path("assignments/new/", views.AssignmentFormView.as_view(), name="assignment-create"),
    path("assignments/<int:pk>/", views.AssignmentDetailView.as_view(), name="assignment-detail"),
    path("assignments/<int:pk>/edit/", views.AssignmentFormView.as_view(), name="assignment-update"),
    path("years/", views.YearListView.as_view(), name="year-list"),
    path("years/<int:pk>/grid/", views.GridView.as_view(), name="grid"),
    path("years/<int:pk>/review/", views.ReviewView.as_view(), name="review"),
    path("years/<int:pk>/indicators/", views.IndicatorsView.as_view(), name="indicators"),
    path("years/<int:pk>/grid/<int:township>/sheet.xlsx", views.grid_sheet_download, name="grid-sheet"),
    path("years/<int:pk>/grid/<int:township>/import/", views.GridImportView.as_view(), name="grid-import"),
]
