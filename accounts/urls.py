from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("users/", views.AccountListView.as_view(), name="user-list"),
    path("users/new/", views.AccountCreateView.as_view(), name="user-create"),
    path("users/<int:pk>/", views.AccountDetailView.as_view(), name="user-detail"),
    path("users/<int:pk>/edit/", views.AccountUpdateView.as_view(), name="user-update"),
    path("users/<int:pk>/deactivate/", views.AccountDeactivateView.as_view(), name="user-deactivate"),
    path("users/<int:pk>/reactivate/", views.AccountReactivateView.as_view(), name="user-reactivate"),
    path("users/<int:pk>/reset-password/", views.AccountPasswordResetView.as_view(), name="user-password-reset"),
]
