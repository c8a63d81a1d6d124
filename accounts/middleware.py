from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

# Pages a user whose password was set by someone else may still open.
PASSWORD_CHANGE_ALLOWED = frozenset({"accounts:password-change", "logout", "login"})

MUST_CHANGE_PASSWORD_MESSAGE = _("您的密码由他人设置，请先登录网页修改密码后再使用接口。")


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """No page but login is reachable anonymously (Django's own middleware), and a user
    whose password was set by someone else (``User.must_change_password``) reaches only
    the change-password page and logout until they change it (static files are served
    before this middleware runs).

    The API is left to DRF: token authentication happens inside the view, after this
    middleware runs, and DRF answers anonymous callers with 401/403 instead of a redirect
    (accounts.permissions.RolePermission refuses token users who must change their
    password). A signed-in browser session calling the API gets the same 403 here.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        must_change = user.is_authenticated and user.must_change_password
        if request.path_info.startswith("/api/"):
            if must_change:
                return JsonResponse({"detail": str(MUST_CHANGE_PASSWORD_MESSAGE)}, status=403)
            return None
        if must_change:
            match = request.resolver_match
            if match is None or match.view_name not in PASSWORD_CHANGE_ALLOWED:
                return redirect("accounts:password-change")
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
