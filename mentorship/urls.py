from django.urls import path

from . import views

app_name = "mentorship"

urlpatterns = [
    path("mentors/", views.MentorListView.as_view(), name="mentor-list"),
    path("mentors/new/", views.MentorFormView.as_view(), name="mentor-create"),
    path("mentors/export.xlsx", views.mentor_export, name="mentor-export"),
    path("mentors/print/", views.MentorPrintView.as_view(), name="mentor-print"),
    path("mentors/import/", views.MentorUploadView.as_view(), name="mentor-import"),
    path("mentors/import/template.xlsx", views.mentor_template_download, name="mentor-import-template"),
    path("mentors/<int:pk>/", views.MentorDetailView.as_view(), name="mentor-detail"),
    path("mentors/<int:pk>/edit/", views.MentorFormView.as_view(), name="mentor-update"),
    path("pairings/", views.PairingListView.as_view(), name="pairing-list"),
    path("pairings/new/", views.PairingCreateView.as_view(), name="pairing-create"),
    path("pairings/<int:pk>/", views.PairingDetailView.as_view(), name="pairing-detail"),
    path("pairings/for-cadre/<int:cadre_pk>/", views.pairing_for_cadre, name="pairing-for-cadre"),
    path("pairings/<int:pk>/edit/", views.PairingUpdateView.as_view(), name="pairing-update"),
    path("logs/<int:pk>/edit/", views.MentoringLogUpdateView.as_view(), name="log-update"),
    path("logs/<int:pk>/withdraw/", views.MentoringLogWithdrawView.as_view(), name="log-withdraw"),
    path("logs/<int:pk>/attachment/", views.mentoring_log_attachment, name="log-attachment"),
    path("search/free-cadres/", views.search_free_cadres, name="search-free-cadres"),
    path("search/mentors/", views.search_mentors, name="search-mentors"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("compliance/export.xlsx", views.compliance_export, name="compliance-export"),
    path("policy/", views.PolicyView.as_view(), name="policy"),
]
