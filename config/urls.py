from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "村级后备干部管理系统 后台"
admin.site.site_title = "后备干部管理后台"
admin.site.index_title = "后台管理"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cadre:list", permanent=False), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("cadres/", include("cadre.urls")),
    path("org/", include("cadre.org_urls")),
    path("mentorship/", include("mentorship.urls")),
    path("imports/", include("imports.urls")),
    path("assessment/", include("assessment.urls")),
    path("reports/", include("reports.urls")),
    path("training/", include("training.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("api/v1/", include("config.api_urls")),
    path("admin/", admin.site.urls),
]
