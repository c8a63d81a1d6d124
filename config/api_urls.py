from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from assessment.api import AssessmentViewSet, AssessmentYearViewSet, AssignmentViewSet
from cadre.api import CadreViewSet
from common.api import DefaultRouter
from mentorship.api import MentoringLogViewSet, MentorViewSet, PairingViewSet
from org.api import TownshipViewSet, VillageViewSet
from reports.api import ReportRunViewSet
from subsidies.api import SubsidyLineViewSet, SubsidySheetViewSet
from training.api import AttendanceViewSet, TrainingSessionViewSet

router = DefaultRouter()
router.register("townships", TownshipViewSet, basename="township")
router.register("villages", VillageViewSet, basename="village")
router.register("cadres", CadreViewSet, basename="cadre")
router.register("mentors", MentorViewSet, basename="mentor")
router.register("pairings", PairingViewSet, basename="pairing")
router.register("mentoring-logs", MentoringLogViewSet, basename="mentoring-log")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("assessment-years", AssessmentYearViewSet, basename="assessment-year")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("reports", ReportRunViewSet, basename="report")
router.register("trainings", TrainingSessionViewSet, basename="training")
router.register("attendance", AttendanceViewSet, basename="attendance")
# Lines first: "subsidies/lines/" must not be read as the sheet with id "lines".
router.register("subsidies/lines", SubsidyLineViewSet, basename="subsidy-line")
router.register("subsidies", SubsidySheetViewSet, basename="subsidy-sheet")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]
