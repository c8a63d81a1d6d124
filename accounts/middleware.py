from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """No page but login is reachable anonymously (Django's own middleware).

    The API is left to DRF: token authentication happens inside the view, after this
    middleware runs, and DRF answers anonymous callers with 401/403 instead of a redirect.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
