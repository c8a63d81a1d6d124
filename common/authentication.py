"""API authentication. Kept apart from common/api.py: DRF imports the authentication
classes while rest_framework.views is still loading."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

CSRF_FAILED = _("安全校验失败（CSRF）：页面可能已过期，请刷新页面后重试。")


class SessionAuthentication(authentication.SessionAuthentication):
    """Django's session login for the API, with the CSRF refusal in Chinese (DRF's own
    reads "CSRF Failed: CSRF token missing.")."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(CSRF_FAILED) from None
