from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .middleware import MUST_CHANGE_PASSWORD_MESSAGE
from .scoping import can_write


class RolePermission(BasePermission):
    """Signed-in users read; only roles that may write use unsafe methods. Which rows they
    reach is decided by each view's scoped queryset. A user whose password was set by
    someone else is refused until they change it in the browser."""

    message = _("您的角色只能查看，不能修改。")

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if user.must_change_password:
            self.message = MUST_CHANGE_PASSWORD_MESSAGE
            return False
        return request.method in SAFE_METHODS or can_write(user)
