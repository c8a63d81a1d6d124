from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .scoping import can_write


class RolePermission(BasePermission):
    """Signed-in users read; only roles that may write use unsafe methods. Which rows they
    reach is decided by each view's scoped queryset."""

    message = _("您的角色只能查看，不能修改。")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can_write(user)
